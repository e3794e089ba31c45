//! The runtime: starts the kiosk core (store, centre link, devices, relay, housekeeping, the
//! session loop), owns every task it starts, and stops them in order.
//!
//! * [`event_loop`] owns the session and the facts; [`effects`] runs the session's effects
//!   on tracked tasks through narrow [`edges`]; [`service`] does service mode's work;
//!   [`housekeeping`] does the periodic work and every configuration change; [`devices`]
//!   starts the reader and the printer; [`supervisor`] restarts the core in place.
//! * The store has one owner thread ([`crate::store::StoreHandle`]); the printer has one
//!   owner thread ([`crate::printing::run_worker`]).

pub mod chip;
pub mod devices;
pub mod edges;
pub mod effects;
pub mod event_loop;
pub mod housekeeping;
pub mod keypad;
pub mod service;
pub mod sound;
pub mod speech;
pub mod supervisor;
#[cfg(test)]
mod tests;
pub mod wedge;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kiosk_core::health::DeviceBoard;
use kiosk_core::pin::PinGate;
use kiosk_core::session::Session;
use kiosk_core::view::{ServiceMessage, UiEvent, ViewModel};
use tokio::sync::{Notify, mpsc, watch};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::central::{CentralClient, CentralError, Relay, RelaySettings, SyncStatus};
use crate::config::{CentralMode, ConfigError, KioskConfig};
use crate::platform::lock::{InstanceLock, LockError, lock_instance};
use crate::printing::PrinterCmd;
use crate::store::{StoreError, StoreHandle};
use chip::ChipEdge;
use edges::{StoreOutbox, SystemClock};
use effects::{Edges, Executor};
use event_loop::{EventLoop, Inputs, Live};
use housekeeping::Housekeeping;
use service::ServiceOps;

pub use edges::today_baku;
pub use housekeeping::{STATUS_FILE, status_json};
pub use supervisor::{Ended, OnStarted, Restarts, SHUTDOWN_GRACE, UiRoute, supervise};

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot open the kiosk database: {0}")]
    Store(#[from] StoreError),
    #[error(transparent)]
    Central(#[from] CentralError),
    #[cfg(feature = "embedded-central")]
    #[error("cannot start the embedded central API: {0}")]
    Embedded(#[from] dost_central::CentralError),
    #[error("this build has no embedded central API; set central.mode = \"remote\"")]
    NoEmbeddedCentral,
    #[error("cannot start a thread: {0}")]
    Thread(#[source] std::io::Error),
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Chip(#[from] crate::chip::ChipStartError),
    #[error("the built-in translations cannot be read: {0}")]
    Texts(#[from] kiosk_core::speech::texts::TextsError),
}

/// Shows view models (the UI's presenter, or a recorder in tests).
pub type PresentFn = Box<dyn Fn(ViewModel) + Send + Sync>;

/// A presenter shared by the cores the supervisor starts one after another.
pub type SharedPresent = Arc<dyn Fn(ViewModel) + Send + Sync>;

/// A core's presenter that shows through `shared`.
pub fn present_through(shared: &SharedPresent) -> PresentFn {
    let shared = shared.clone();
    Box::new(move |vm| shared(vm))
}

/// A running kiosk core.
pub struct Kiosk {
    /// The centre's base URL (the embedded one's when embedded).
    pub central_url: String,
    pub store: StoreHandle,
    pub sync_status: watch::Receiver<SyncStatus>,
    /// Where receipts of the simulated printer are kept.
    pub receipts_dir: PathBuf,
    /// Simulated printer control, when the printer is simulated.
    pub sim_printer: Option<receipt_printer::emulator::SimulatedPrinter>,
    /// The devices as last reported.
    pub devices: watch::Receiver<DeviceBoard>,
    /// Cancelled when a technician asks for a restart: the process should exit (systemd
    /// starts it again).
    pub exit_requested: CancellationToken,
    /// Set when the core must restart in place (saved settings, a restart without systemd);
    /// carries what the technician's screen shows after it.
    pub reload: watch::Receiver<Option<ServiceMessage>>,
    /// The configuration this core started with.
    pub cfg: Arc<KioskConfig>,
    printer: std::sync::mpsc::Sender<PrinterCmd>,
    cancel: CancellationToken,
    tasks: TaskTracker,
    printer_thread: std::thread::JoinHandle<()>,
    store_thread: std::thread::JoinHandle<()>,
    /// The chip reader's thread, when chip authentication is on.
    chip_thread: Option<std::thread::JoinHandle<()>>,
    _instance: InstanceLock,
    /// What audio guidance says (tests subscribe to the spoken sequence).
    pub speech: speech::SpeechHandle,
}

impl Kiosk {
    /// Staff confirm a paper restock.
    pub fn restocked(&self) {
        let _ = self.printer.send(PrinterCmd::Restocked);
        let _ = self.printer.send(PrinterCmd::Kick);
    }

    /// Stops every task and thread; waits at most `grace` for the tasks.
    pub async fn shutdown(self, grace: Duration) {
        let Kiosk {
            store,
            printer,
            cancel,
            tasks,
            printer_thread,
            store_thread,
            chip_thread,
            ..
        } = self;
        cancel.cancel();
        let _ = printer.send(PrinterCmd::Stop);
        tasks.close();
        if tokio::time::timeout(grace, tasks.wait()).await.is_err() {
            tracing::warn!("some tasks did not stop in time");
        }
        // The printer finishes the receipt it is printing.
        let _ = tokio::task::spawn_blocking(move || printer_thread.join()).await;
        // The chip thread ends with its last handle, after the read in hand (a reader that
        // hangs inside a command is not waited for beyond the grace).
        if let Some(chip) = chip_thread {
            let joined =
                tokio::time::timeout(grace, tokio::task::spawn_blocking(move || chip.join()));
            if joined.await.is_err() {
                tracing::warn!("the chip reader's thread did not stop in time");
            }
        }
        // The store's thread ends with its last handle (a caller may still hold one).
        drop(store);
        let joined = tokio::time::timeout(
            grace,
            tokio::task::spawn_blocking(move || store_thread.join()),
        );
        if joined.await.is_err() {
            tracing::debug!("the store stays open while a handle is held");
        }
    }

    pub fn cancel_token(&self) -> CancellationToken {
        self.cancel.clone()
    }
}

/// Starts the kiosk core: store, centre link (embedded centre in the demo), devices, relay,
/// housekeeping and the session loop. Must run inside a tokio runtime.
pub async fn start(
    cfg: KioskConfig,
    present: PresentFn,
    ui: mpsc::UnboundedReceiver<UiEvent>,
) -> Result<Kiosk, RuntimeError> {
    start_with(cfg, present, ui, None).await
}

/// [`start`], opening on the technician's screen with `resume` on it (the core came back
/// after saved settings or a restart).
pub async fn start_with(
    cfg: KioskConfig,
    present: PresentFn,
    ui: mpsc::UnboundedReceiver<UiEvent>,
    resume: Option<ServiceMessage>,
) -> Result<Kiosk, RuntimeError> {
    let cfg = Arc::new(cfg);
    let catalog = Arc::new(cfg.load_catalog()?);
    let data_dir = cfg.data_dir();
    let instance = lock_instance(&data_dir)?;
    let (store, store_thread) = StoreHandle::open_dir(&data_dir).await?;
    let cancel = CancellationToken::new();
    let tasks = TaskTracker::new();

    let central_url = match cfg.central.mode {
        CentralMode::Remote => cfg.central.url.clone(),
        CentralMode::Embedded => {
            // The embedded (demo) centre re-checks chips with the kiosk's own trust store.
            let trust = cfg
                .chip
                .enabled()
                .then(|| crate::chip::load_trust(&cfg))
                .transpose()?;
            embedded_central(&data_dir, &catalog, trust, &cancel, &tasks).await?
        }
    };
    let client = CentralClient::new(
        &central_url,
        &cfg.token()?,
        Duration::from_secs(u64::from(cfg.central.request_timeout_s)),
    )?;
    tracing::info!(url = %central_url, "central API");

    let relay_wake = Arc::new(Notify::new());
    let (sync_tx, sync_rx) = watch::channel(SyncStatus::default());
    tasks.spawn(
        Relay {
            store: store.clone(),
            client: client.clone(),
            settings: RelaySettings {
                batch_size: cfg.central.batch_size as usize,
                retry_base: Duration::from_millis(u64::from(cfg.central.retry_base_ms)),
                retry_cap: Duration::from_secs(u64::from(cfg.central.retry_cap_s)),
                retry_slot: cfg
                    .central
                    .retry_slot_ms
                    .map(|ms| Duration::from_millis(u64::from(ms))),
                idle_poll: Duration::from_secs(30),
            },
            wake: relay_wake.clone(),
            status: sync_tx,
        }
        .run(cancel.clone()),
    );

    let reader = devices::start_reader(&cfg, &cancel, &tasks);
    let printer = devices::start_printer(&cfg, &store)?;
    // Jobs left from before a restart print by themselves.
    let _ = printer.commands.send(PrinterCmd::Kick);

    let (devices_tx, devices_rx) = watch::channel(DeviceBoard::default());
    let (live_tx, live_rx) = watch::channel(Live {
        catalog,
        cfg: cfg.clone(),
    });
    let reread = Arc::new(Notify::new());
    let beat = Arc::new(Notify::new());
    tasks.spawn(
        Housekeeping {
            store: store.clone(),
            client: client.clone(),
            devices: devices_rx.clone(),
            live: live_tx,
            reread: reread.clone(),
            beat: beat.clone(),
        }
        .run(cancel.clone()),
    );

    let exit_requested = CancellationToken::new();
    let (reload_tx, reload_rx) = watch::channel(None);
    let (back_tx, back_rx) = mpsc::unbounded_channel();
    let (chip, chip_thread) = ChipEdge::start(&cfg, back_tx.clone())?;
    let print_queue: Arc<dyn edges::PrintQueue> = Arc::new(printer.commands.clone());
    let executor = Executor {
        edges: Edges {
            centre: Arc::new(client),
            outbox: Arc::new(StoreOutbox {
                store: store.clone(),
                kiosk_code: cfg.kiosk.code.clone(),
                kiosk_id: cfg.kiosk.id.clone(),
            }),
            printer: print_queue.clone(),
            clock: Arc::new(SystemClock::default()),
            relay: relay_wake,
            sound: Arc::new(edges::SystemSound {
                dir: data_dir.clone(),
            }),
            status_link: cfg.central.status_url_template.resolve(&central_url),
            beat,
        },
        service: ServiceOps {
            store: store.clone(),
            printer: print_queue,
            pin: Arc::new(Mutex::new(PinGate::default())),
            exit: exit_requested.clone(),
            reload: Arc::new(reload_tx),
            reread,
            central_url: central_url.clone(),
        },
        tasks: tasks.clone(),
        back: back_tx,
        chip,
    };
    let lang = cfg.session.default_lang;
    let session = match resume {
        Some(message) => {
            let audit = executor.service.audit(
                "technician",
                "service_resumed",
                "after saved settings".into(),
            );
            tasks.spawn(audit);
            Session::technician(lang, message)
        }
        None => Session::new(lang),
    };
    let live = live_rx.borrow().clone();
    let texts = Arc::new(kiosk_core::speech::Texts::shipped()?);
    let speech = speech::start(&cfg, &texts, &cancel, &tasks);
    let ui = keypad::join_keys(&cfg, ui, &cancel, &tasks);
    let mut event_loop = EventLoop::new(
        session,
        live,
        executor,
        present,
        devices_tx,
        sync_rx.clone(),
    );
    event_loop.demo_reader = reader.sim;
    event_loop.guidance = Some(speech::Guidance::new(texts, speech.clone()));
    tasks.spawn(event_loop.run(
        Inputs {
            ui,
            reader: reader.events,
            printer: printer.reports,
            back: back_rx,
            live: live_rx,
        },
        cancel.clone(),
    ));

    Ok(Kiosk {
        central_url,
        store,
        sync_status: sync_rx,
        receipts_dir: printer.receipts_dir,
        sim_printer: printer.sim,
        devices: devices_rx,
        exit_requested,
        reload: reload_rx,
        cfg,
        printer: printer.commands,
        cancel,
        tasks,
        printer_thread: printer.thread,
        store_thread,
        chip_thread,
        _instance: instance,
        speech,
    })
}

#[cfg(feature = "embedded-central")]
async fn embedded_central(
    data_dir: &std::path::Path,
    catalog: &kiosk_core::catalog::Catalog,
    chip_trust: Option<chip_reader::TrustStore>,
    cancel: &CancellationToken,
    tasks: &TaskTracker,
) -> Result<String, RuntimeError> {
    let mut cfg = dost_central::CentralConfig::new(data_dir.join("central.db"));
    cfg.catalog_json = serde_json::to_value(catalog).ok();
    cfg.chip_trust = chip_trust;
    let (addr, handle) = dost_central::spawn_local(cfg, cancel.clone()).await?;
    tasks.spawn(async move {
        match handle.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "embedded central API stopped"),
            Err(e) => tracing::error!(error = %e, "embedded central API task failed"),
        }
    });
    Ok(format!("http://{addr}"))
}

#[cfg(not(feature = "embedded-central"))]
async fn embedded_central(
    _data_dir: &std::path::Path,
    _catalog: &kiosk_core::catalog::Catalog,
    _chip_trust: Option<chip_reader::TrustStore>,
    _cancel: &CancellationToken,
    _tasks: &TaskTracker,
) -> Result<String, RuntimeError> {
    Err(RuntimeError::NoEmbeddedCentral)
}

//! The runtime: a supervisor that owns every task, runs the session loop and executes the
//! session's effects against the store, the centre and the devices.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use card_reader::{Document, ReaderEvent, ReaderStatus, SimulatedReaderHandle};
use chrono::{NaiveDate, Utc};
use receipt_printer::{Printer, PrinterProfile};
use tokio::sync::{Notify, mpsc, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::catalog::Catalog;
use crate::config::{CentralMode, ConfigError, DeviceKind, KioskConfig};
use crate::printing::{self, PreviewSink, PrinterCmd, PrinterReport, WorkerSettings};
use crate::screen::{self, Health, ViewCtx};
use crate::session::{
    self, AppList, CardData, Ctx, DocKind, Effect, Event, Policy, Session, VerifyOutcome,
};
use crate::settings::{self, Settings, SettingsDraft};
use crate::store::{NewPrintJob, Store, StoreError};
use crate::sync::{self, CentralClient, RelaySettings, SharedStore, SyncError, SyncStatus};
use crate::view::{ReceiptState, UiEvent, ViewModel};

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot open the kiosk database: {0}")]
    Store(#[from] StoreError),
    #[error(transparent)]
    Sync(#[from] SyncError),
    #[cfg(feature = "embedded-central")]
    #[error("cannot start the embedded central API: {0}")]
    Central(#[from] dost_central::CentralError),
    #[error("this build has no embedded central API; set central.mode = \"remote\"")]
    NoEmbeddedCentral,
    #[error("printer: {0}")]
    Printer(#[from] receipt_printer::PrinterError),
    #[error("bad printer or reader setting: {0}")]
    Device(String),
    #[error("cannot start a thread: {0}")]
    Thread(#[source] std::io::Error),
    #[error("another kiosk is already running on {0}")]
    AlreadyRunning(PathBuf),
    #[error("cannot lock {path}: {source}")]
    Lock {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Holds the data directory for one kiosk process at a time (released when dropped or when
/// the process dies).
#[derive(Debug)]
pub struct InstanceLock {
    _file: std::fs::File,
}

/// Takes `data_dir/kiosk.lock`; fails at once when another process holds it.
pub fn lock_instance(data_dir: &std::path::Path) -> Result<InstanceLock, RuntimeError> {
    use std::os::fd::AsRawFd;
    let path = data_dir.join("kiosk.lock");
    let err = |source| RuntimeError::Lock {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(data_dir).map_err(err)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(err)?;
    // SAFETY: flock on a file descriptor this function owns.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc != 0 {
        let e = std::io::Error::last_os_error();
        return Err(if e.kind() == std::io::ErrorKind::WouldBlock {
            RuntimeError::AlreadyRunning(data_dir.to_owned())
        } else {
            err(e)
        });
    }
    Ok(InstanceLock { _file: file })
}

/// Today in Asia/Baku.
pub fn today_baku() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Asia::Baku)
        .date_naive()
}

/// Maps a parsed document to what the session checks.
pub fn card_data(doc: &Document) -> CardData {
    let kind = if doc.is_passport() {
        DocKind::Passport
    } else if doc.is_id_card() && doc.issuing_state == "AZE" {
        DocKind::AzeIdCard
    } else if doc.is_id_card() {
        DocKind::ForeignIdCard
    } else {
        DocKind::Other
    };
    CardData {
        kind,
        fin: doc.fin.clone(),
        document_number: doc.document_number.clone(),
        surname: doc.surname.clone(),
        given_names: doc.given_names.clone(),
        expiry: doc.expiry_date,
    }
}

/// Last known state of the devices, for the heartbeat and status commands.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeviceBoard {
    pub reader: Option<ReaderStatus>,
    pub printer: Option<receipt_printer::PrinterStatus>,
    pub receipts_left: Option<u64>,
    pub paper_low: bool,
    /// The last card read, for the technician's live test (FİN masked, no name).
    pub last_read: Option<String>,
}

impl DeviceBoard {
    /// The devices as the centre's heartbeat reports them.
    pub fn reports(&self) -> Vec<dost_api::DeviceReport> {
        self.reports_known().into_iter().map(|(r, _)| r).collect()
    }

    /// [`DeviceBoard::reports`], each with whether the device reported at all yet (a device
    /// that has not is reported offline to the centre).
    fn reports_known(&self) -> Vec<(dost_api::DeviceReport, bool)> {
        use dost_api::{DeviceReport, DeviceState, SupplyLevel};
        let reader = match self.reader {
            Some(ReaderStatus::Online) => DeviceState::Online,
            Some(ReaderStatus::NoDevice) => DeviceState::NoDevice,
            Some(ReaderStatus::HardwareError) => DeviceState::HardwareError,
            Some(ReaderStatus::Offline) | None => DeviceState::Offline,
        };
        let (printer, supply, detail) = match self.printer {
            None => (DeviceState::Offline, SupplyLevel::Unknown, None),
            Some(p) => {
                let state = match p.device {
                    receipt_printer::DeviceState::Online if p.cover_open => DeviceState::UserError,
                    receipt_printer::DeviceState::Online => DeviceState::Online,
                    receipt_printer::DeviceState::Offline => DeviceState::Offline,
                    receipt_printer::DeviceState::NoDevice => DeviceState::NoDevice,
                    receipt_printer::DeviceState::HardwareError => DeviceState::HardwareError,
                };
                let supply = match p.paper {
                    receipt_printer::PaperLevel::Out => SupplyLevel::Out,
                    receipt_printer::PaperLevel::Low => SupplyLevel::Low,
                    receipt_printer::PaperLevel::Ok if self.paper_low => SupplyLevel::Low,
                    receipt_printer::PaperLevel::Ok => SupplyLevel::Ok,
                };
                let detail = [
                    p.cover_open.then_some("cover open"),
                    p.cutter_error.then_some("cutter error"),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
                (state, supply, (!detail.is_empty()).then_some(detail))
            }
        };
        vec![
            (
                DeviceReport {
                    name: "card_reader".into(),
                    state: reader,
                    supply: None,
                    detail: None,
                },
                self.reader.is_some(),
            ),
            (
                DeviceReport {
                    name: "receipt_printer".into(),
                    state: printer,
                    supply: Some(supply),
                    detail,
                },
                self.printer.is_some(),
            ),
        ]
    }
}

/// File in the data directory where the running kiosk publishes its device states.
pub const STATUS_FILE: &str = "status.json";

impl DeviceBoard {
    /// The board as published in [`STATUS_FILE`].
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "updated_at": Utc::now(),
            "devices": self.reports(),
            "printer": self.printer,
            "receipts_left": self.receipts_left,
            "paper_low": self.paper_low,
        })
    }
}

/// Publishes the device states for `dost-kiosk printer status` and technicians (atomic write).
fn publish_status(data_dir: &std::path::Path, board: &DeviceBoard) {
    let tmp = data_dir.join(format!("{STATUS_FILE}.tmp"));
    let text = board.to_json().to_string();
    let result =
        std::fs::write(&tmp, text).and_then(|_| std::fs::rename(&tmp, data_dir.join(STATUS_FILE)));
    if let Err(e) = result {
        tracing::warn!(error = %e, "cannot publish device status");
    }
}

/// Everything that reaches the session loop.
#[derive(Debug)]
pub enum Input {
    Ui(UiEvent),
    Reader(ReaderEvent),
    Result(Event),
    Printer(PrinterReport),
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
    pub store: SharedStore,
    pub sync_status: watch::Receiver<SyncStatus>,
    /// Where receipts of the simulated printer are kept.
    pub receipts_dir: PathBuf,
    /// Simulated printer control, when the printer is simulated.
    pub sim_printer: Option<receipt_printer::emulator::SimulatedPrinter>,
    /// Last known device states.
    pub devices: Arc<Mutex<DeviceBoard>>,
    printer_cmd: std::sync::mpsc::Sender<PrinterCmd>,
    cancel: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
    printer_thread: Option<std::thread::JoinHandle<()>>,
    _instance: InstanceLock,
    /// Cancelled when a technician asks for a restart: the process should exit (systemd
    /// starts it again).
    pub exit_requested: CancellationToken,
    /// Set when a technician saved settings that need the core restarted (devices, centre
    /// link, identity); carries the note the technician's screen shows after the restart.
    pub reload: watch::Receiver<Option<String>>,
    /// The configuration this core runs with.
    pub cfg: KioskConfig,
}

impl Kiosk {
    /// Staff confirm a paper restock.
    pub fn restocked(&self) {
        let _ = self.printer_cmd.send(PrinterCmd::Restocked);
        let _ = self.printer_cmd.send(PrinterCmd::Kick);
    }

    /// Stops every task; waits at most `grace` for them.
    pub async fn shutdown(mut self, grace: Duration) {
        self.cancel.cancel();
        let _ = self.printer_cmd.send(PrinterCmd::Stop);
        let tasks = std::mem::take(&mut self.tasks);
        let joined = tokio::time::timeout(grace, async {
            for t in tasks {
                let _ = t.await;
            }
        })
        .await;
        if joined.is_err() {
            tracing::warn!("some tasks did not stop in time");
        }
        if let Some(t) = self.printer_thread.take() {
            let _ = tokio::task::spawn_blocking(move || t.join()).await;
        }
    }

    pub fn cancel_token(&self) -> CancellationToken {
        self.cancel.clone()
    }
}

/// Routes the UI's events to the running core; a core started after a restart takes over.
#[derive(Clone)]
pub struct UiRoute {
    to: Arc<Mutex<mpsc::UnboundedSender<UiEvent>>>,
}

impl UiRoute {
    /// Routes `from` (the UI's events); returns the route and the first core's receiver.
    /// Must run inside a tokio runtime.
    pub fn new(
        mut from: mpsc::UnboundedReceiver<UiEvent>,
    ) -> (UiRoute, mpsc::UnboundedReceiver<UiEvent>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let to = Arc::new(Mutex::new(tx));
        let route = to.clone();
        tokio::spawn(async move {
            while let Some(event) = from.recv().await {
                let tx = route.lock().map(|t| t.clone());
                if let Ok(tx) = tx {
                    let _ = tx.send(event);
                }
            }
        });
        (UiRoute { to }, rx)
    }

    /// A receiver for the next core; the previous one gets nothing more.
    pub fn reroute(&self) -> mpsc::UnboundedReceiver<UiEvent> {
        let (tx, rx) = mpsc::unbounded_channel();
        if let Ok(mut to) = self.to.lock() {
            *to = tx;
        }
        rx
    }
}

/// Called with a core the supervisor started.
pub type OnStarted = Box<dyn Fn(&Kiosk) + Send + Sync>;

/// What the supervisor needs to start the core again.
pub struct Restarts {
    /// Reads the configuration again (the file, with the command line's overrides).
    pub load: Box<dyn Fn() -> Result<KioskConfig, String> + Send + Sync>,
    pub present: SharedPresent,
    pub route: UiRoute,
    /// Called with every core started after the first (tests watch it).
    pub started: Option<OnStarted>,
}

/// Why [`supervise`] returned.
#[derive(Debug)]
pub enum Ended {
    /// `stop` was cancelled (SIGTERM, the window closed).
    Stopped,
    /// A technician asked for an application restart (systemd starts the kiosk again).
    AppRestart,
    /// No core could be started again, not even with the previous settings.
    Failed(String),
}

/// Time the core's tasks get to stop (SIGTERM must end the process within 2 s).
pub const SHUTDOWN_GRACE: Duration = Duration::from_millis(1500);

/// Owns the running core until `stop`: when a technician's saved settings need it, stops the
/// core in order and starts a new one from the configuration file (opening on the technician's
/// screen). A configuration that cannot start gives way to the previous one, with the reason
/// on the technician's screen. The last core is shut down before this returns.
pub async fn supervise(first: Kiosk, restarts: Restarts, stop: CancellationToken) -> Ended {
    let mut kiosk = first;
    loop {
        let mut reload = kiosk.reload.clone();
        let exit = kiosk.exit_requested.clone();
        let note = tokio::select! {
            _ = stop.cancelled() => {
                kiosk.shutdown(SHUTDOWN_GRACE).await;
                return Ended::Stopped;
            }
            _ = exit.cancelled() => {
                kiosk.shutdown(SHUTDOWN_GRACE).await;
                return Ended::AppRestart;
            }
            changed = reload.changed() => match changed {
                Ok(()) => reload.borrow().clone(),
                // The session loop is gone; only stop or exit can end this core now.
                Err(_) => {
                    tokio::select! {
                        _ = stop.cancelled() => {}
                        _ = exit.cancelled() => {}
                    }
                    continue;
                }
            },
        };
        let Some(note) = note else { continue };
        let previous = kiosk.cfg.clone();
        tracing::info!("restarting the core with the saved settings");
        kiosk.shutdown(SHUTDOWN_GRACE).await;
        let next = match (restarts.load)() {
            Ok(cfg) => start_with(
                cfg,
                present_through(&restarts.present),
                restarts.route.reroute(),
                Some(note),
            )
            .await
            .map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        kiosk = match next {
            Ok(k) => k,
            Err(why) => {
                tracing::error!(error = %why, "the saved settings do not start; previous settings run");
                let note = format!(
                    "the saved settings could not start ({why}); the previous settings run until the next restart"
                );
                match start_with(
                    previous,
                    present_through(&restarts.present),
                    restarts.route.reroute(),
                    Some(note),
                )
                .await
                {
                    Ok(k) => k,
                    Err(e) => return Ended::Failed(e.to_string()),
                }
            }
        };
        tracing::info!(central = %kiosk.central_url, "core restarted");
        if let Some(cb) = &restarts.started {
            cb(&kiosk);
        }
    }
}

/// Starts the kiosk core: store, centre link (embedded centre in the demo), devices, relay and
/// the session loop. Must run inside a tokio runtime.
pub async fn start(
    cfg: KioskConfig,
    present: PresentFn,
    ui_rx: mpsc::UnboundedReceiver<UiEvent>,
) -> Result<Kiosk, RuntimeError> {
    start_with(cfg, present, ui_rx, None).await
}

/// [`start`], opening on the technician's screen with `resume` as its message (a restart
/// after saved settings).
pub async fn start_with(
    cfg: KioskConfig,
    present: PresentFn,
    ui_rx: mpsc::UnboundedReceiver<UiEvent>,
    resume: Option<String>,
) -> Result<Kiosk, RuntimeError> {
    let cancel = CancellationToken::new();
    let catalog = Arc::new(Catalog::load(&cfg.catalog_path())?);
    let data_dir = cfg.data_dir();
    let instance = lock_instance(&data_dir)?;
    let store = {
        let dir = data_dir.clone();
        tokio::task::spawn_blocking(move || Store::open_dir(&dir))
            .await
            .map_err(|e| RuntimeError::Device(e.to_string()))??
    };
    let store: SharedStore = Arc::new(Mutex::new(store));
    let mut tasks = Vec::new();

    // The centre.
    let central_url = match cfg.central.mode {
        CentralMode::Remote => cfg.central.url.clone(),
        CentralMode::Embedded => {
            embedded_central(&data_dir, &catalog, cancel.clone(), &mut tasks).await?
        }
    };
    let client = CentralClient::new(
        &central_url,
        &cfg.token()?,
        Duration::from_secs(u64::from(cfg.central.request_timeout_s)),
    )?;
    tracing::info!(url = %central_url, "central API");

    // The outbox relay.
    let wake = Arc::new(Notify::new());
    let (sync_tx, sync_rx) = watch::channel(SyncStatus::default());
    tasks.push(tokio::spawn(sync::run_relay(
        store.clone(),
        client.clone(),
        RelaySettings {
            batch_size: cfg.central.batch_size as usize,
            retry_base: Duration::from_millis(u64::from(cfg.central.retry_base_ms)),
            retry_cap: Duration::from_secs(u64::from(cfg.central.retry_cap_s)),
            idle_poll: Duration::from_secs(30),
        },
        wake.clone(),
        sync_tx,
        cancel.clone(),
    )));

    // Inputs of the session loop.
    let (input_tx, input_rx) = mpsc::unbounded_channel::<Input>();
    tasks.push(forward(ui_rx, input_tx.clone(), Input::Ui, cancel.clone()));

    // The card reader.
    let framing: card_reader::Framing = cfg
        .card_reader
        .framing
        .parse()
        .map_err(|e| RuntimeError::Device(format!("card_reader.framing: {e}")))?;
    let (reader_tx, reader_rx) = mpsc::channel::<ReaderEvent>(16);
    let demo_reader: Option<SimulatedReaderHandle> = match cfg.card_reader.kind {
        DeviceKind::Simulated => Some(card_reader::SimulatedReader::spawn_with_today(
            reader_tx,
            framing,
            cancel.clone(),
            today_baku,
        )),
        DeviceKind::Serial => {
            let settings = cfg.reader_settings(&cfg.card_reader.port);
            tasks.push(card_reader::spawn_serial_reader(
                settings,
                reader_tx,
                cancel.clone(),
                today_baku,
            ));
            None
        }
    };
    tasks.push(forward(
        reader_rx,
        input_tx.clone(),
        Input::Reader,
        cancel.clone(),
    ));

    // The printer.
    let profile = cfg.printer_profile();
    let receipts_dir = data_dir.join("receipts");
    let (printer_cmd, printer_rx) = std::sync::mpsc::channel::<PrinterCmd>();
    let (report_tx, report_rx) = mpsc::unbounded_channel::<PrinterReport>();
    let worker_settings = WorkerSettings {
        poll: Duration::from_secs(u64::from(cfg.printer.status_poll_s)),
        roll_length_mm: cfg.printer.roll_length_mm,
        low_paper_receipts: cfg.printer.low_paper_receipts,
        preview: None,
    };
    let (printer_thread, sim_printer) = match cfg.printer.kind {
        DeviceKind::Simulated => {
            let handle = receipt_printer::emulator::SimulatedPrinter::new();
            let printer = Printer::new(handle.clone(), profile.clone());
            let settings = WorkerSettings {
                preview: Some(PreviewSink {
                    dir: receipts_dir.clone(),
                    width_dots: profile.paper.dots(),
                }),
                ..worker_settings
            };
            let store = store.clone();
            let t = std::thread::Builder::new()
                .name("printer".into())
                .spawn(move || {
                    printing::run_worker(printer, store, printer_rx, report_tx, settings)
                })
                .map_err(RuntimeError::Thread)?;
            (t, Some(handle))
        }
        DeviceKind::Serial => {
            let transport =
                receipt_printer::SerialTransport::lazy(&cfg.printer.port, cfg.printer.baud);
            let printer = Printer::new(transport, profile.clone());
            let store = store.clone();
            let t = std::thread::Builder::new()
                .name("printer".into())
                .spawn(move || {
                    printing::run_worker(printer, store, printer_rx, report_tx, worker_settings)
                })
                .map_err(RuntimeError::Thread)?;
            (t, None)
        }
    };
    tasks.push(forward(
        report_rx,
        input_tx.clone(),
        Input::Printer,
        cancel.clone(),
    ));
    // Jobs left from before a restart print by themselves.
    let _ = printer_cmd.send(PrinterCmd::Kick);

    // The session loop.
    let policy = policy_from(&cfg);
    let devices = Arc::new(Mutex::new(DeviceBoard::default()));
    let (live_tx, live_rx) = watch::channel(Live {
        catalog: catalog.clone(),
        cfg: cfg.clone(),
    });
    tasks.push(tokio::spawn(housekeeping(
        store.clone(),
        client.clone(),
        devices.clone(),
        live_tx,
        cancel.clone(),
    )));
    let exit_requested = CancellationToken::new();
    let (reload_tx, reload_rx) = watch::channel(None);
    let core = Core {
        exit_requested: exit_requested.clone(),
        reload: Arc::new(reload_tx),
        resume,
        pin_gate: Arc::new(Mutex::new(crate::service::PinGate::default())),
        epoch: Instant::now(),
        sync_status: sync_rx.clone(),
        devices: devices.clone(),
        cfg: cfg.clone(),
        catalog,
        policy,
        store: store.clone(),
        client,
        wake,
        input_tx,
        printer_cmd: printer_cmd.clone(),
        demo_reader,
        present,
        profile,
    };
    tasks.push(tokio::spawn(core.run(input_rx, live_rx, cancel.clone())));

    Ok(Kiosk {
        central_url,
        store,
        sync_status: sync_rx,
        receipts_dir,
        sim_printer,
        devices,
        printer_cmd,
        cancel,
        tasks,
        printer_thread: Some(printer_thread),
        _instance: instance,
        exit_requested,
        reload: reload_rx,
        cfg,
    })
}

/// The session's policy from the configuration.
pub fn policy_from(cfg: &KioskConfig) -> Policy {
    Policy {
        accept: cfg.session.accept.clone(),
        offline_auth: cfg.session.offline_auth,
        idle_timeout_ms: u64::from(cfg.session.idle_timeout_s) * 1000,
        countdown_ms: u64::from(cfg.session.countdown_s) * 1000,
        card_error_ms: u64::from(cfg.session.card_error_s) * 1000,
        default_lang: cfg.default_lang(),
        service_idle_ms: u64::from(cfg.service.idle_close_s) * 1000,
    }
}

/// What the centre can change while the kiosk runs.
#[derive(Debug, Clone)]
struct Live {
    catalog: Arc<Catalog>,
    cfg: KioskConfig,
}

/// A channel the session loop listens to (bounded from devices, unbounded from the UI).
trait Source<T>: Send + 'static {
    fn next(&mut self) -> impl std::future::Future<Output = Option<T>> + Send;
}

impl<T: Send + 'static> Source<T> for mpsc::Receiver<T> {
    fn next(&mut self) -> impl std::future::Future<Output = Option<T>> + Send {
        self.recv()
    }
}

impl<T: Send + 'static> Source<T> for mpsc::UnboundedReceiver<T> {
    fn next(&mut self) -> impl std::future::Future<Output = Option<T>> + Send {
        self.recv()
    }
}

/// Forwards a device or UI channel into the session loop's inputs until cancelled.
fn forward<T: Send + 'static>(
    mut rx: impl Source<T>,
    tx: mpsc::UnboundedSender<Input>,
    wrap: fn(T) -> Input,
    cancel: CancellationToken,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = cancel.cancelled() => return,
                item = rx.next() => match item {
                    Some(item) => if tx.send(wrap(item)).is_err() { return },
                    None => return,
                },
            }
        }
    })
}

#[cfg(feature = "embedded-central")]
async fn embedded_central(
    data_dir: &std::path::Path,
    catalog: &Catalog,
    cancel: CancellationToken,
    tasks: &mut Vec<JoinHandle<()>>,
) -> Result<String, RuntimeError> {
    let mut cfg = dost_central::CentralConfig::new(data_dir.join("central.db"));
    cfg.catalog_json = serde_json::to_value(catalog).ok();
    let (addr, handle) = dost_central::spawn_local(cfg, cancel).await?;
    tasks.push(tokio::spawn(async move {
        match handle.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "embedded central API stopped"),
            Err(e) => tracing::error!(error = %e, "embedded central API task failed"),
        }
    }));
    Ok(format!("http://{addr}"))
}

#[cfg(not(feature = "embedded-central"))]
async fn embedded_central(
    _data_dir: &std::path::Path,
    _catalog: &Catalog,
    _cancel: CancellationToken,
    _tasks: &mut Vec<JoinHandle<()>>,
) -> Result<String, RuntimeError> {
    Err(RuntimeError::NoEmbeddedCentral)
}

/// The session loop and the executor of its effects.
struct Core {
    exit_requested: CancellationToken,
    reload: Arc<watch::Sender<Option<String>>>,
    /// Open on the technician's screen with this message (after a settings restart).
    resume: Option<String>,
    pin_gate: Arc<Mutex<crate::service::PinGate>>,
    epoch: Instant,
    sync_status: watch::Receiver<SyncStatus>,
    devices: Arc<Mutex<DeviceBoard>>,
    cfg: KioskConfig,
    catalog: Arc<Catalog>,
    policy: Policy,
    store: SharedStore,
    client: CentralClient,
    wake: Arc<Notify>,
    input_tx: mpsc::UnboundedSender<Input>,
    printer_cmd: std::sync::mpsc::Sender<PrinterCmd>,
    demo_reader: Option<SimulatedReaderHandle>,
    present: PresentFn,
    profile: PrinterProfile,
}

impl Core {
    async fn run(
        mut self,
        mut inputs: mpsc::UnboundedReceiver<Input>,
        mut live: watch::Receiver<Live>,
        cancel: CancellationToken,
    ) {
        let epoch = self.epoch;
        let mut session = Session::new(self.policy.default_lang);
        if let Some(note) = self.resume.take() {
            // Back on the technician's screen, complete from the first frame, with the note.
            session.phase = session::Phase::Service {
                role: Some(crate::service::Role::Technician),
            };
            let sync_status = self.sync_status.borrow().clone();
            let mut data = service_data(&self.cfg, &self.store, &self.devices, &sync_status).await;
            data.message = Some(note);
            session.service_view = Some(Box::new(data));
            self.resumed();
        }
        let mut health = Health::default();
        let mut last_view: Option<ViewModel> = None;
        let mut published = DeviceBoard::default();
        let mut live_open = true;
        let data_dir = self.cfg.data_dir();
        let mut tick = tokio::time::interval(Duration::from_millis(500));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let event = tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tick.tick() => Some(Event::Tick),
                changed = live.changed(), if live_open => {
                    if changed.is_err() {
                        // The housekeeping task is gone: keep the current settings.
                        live_open = false;
                        continue;
                    }
                    let next = live.borrow_and_update().clone();
                    self.catalog = next.catalog;
                    self.policy = policy_from(&next.cfg);
                    self.cfg.kiosk.center_name = next.cfg.kiosk.center_name;
                    self.cfg.session = next.cfg.session;
                    self.cfg.service = next.cfg.service;
                    tracing::info!("settings from the centre applied");
                    None
                },
                input = inputs.recv() => match input {
                    None => return,
                    Some(input) => self.translate(input, &mut health),
                },
            };
            let board = self.devices.lock().map(|d| d.clone()).unwrap_or_default();
            let devices_changed = board != published;
            if devices_changed {
                let dir = data_dir.clone();
                let copy = board.clone();
                tokio::task::spawn_blocking(move || publish_status(&dir, &copy));
                published = board;
            }
            // In service mode the screen follows the devices live: a card read is the
            // technician's test, and a device changing state shows at once.
            let card = matches!(event, Some(Event::Card { .. } | Event::CardUnreadable));
            if (card || devices_changed)
                && matches!(session.phase, session::Phase::Service { role: Some(_) })
            {
                // The message of the last action stays.
                let message = session
                    .service_view
                    .as_ref()
                    .and_then(|v| v.message.clone());
                self.refresh_service(message);
            }
            if let Some(event) = event {
                let now_ms = epoch.elapsed().as_millis() as u64;
                let ctx = Ctx {
                    policy: &self.policy,
                    catalog: &self.catalog,
                };
                let (next, effects) = session::step(session, event, now_ms, &ctx);
                session = next;
                for effect in effects {
                    self.execute(effect, &health);
                }
            }
            let vctx = ViewCtx {
                catalog: &self.catalog,
                policy: &self.policy,
                center_name: &self.cfg.kiosk.center_name,
                demo: self.cfg.kiosk.demo,
            };
            let vm = screen::view(&session, health, &vctx);
            // Nothing is redrawn unless something on screen changed.
            if last_view.as_ref() != Some(&vm) {
                (self.present)(vm.clone());
                last_view = Some(vm);
            }
        }
    }

    /// Turns an input into a session event, updating device health on the way.
    fn translate(&self, input: Input, health: &mut Health) -> Option<Event> {
        match input {
            Input::Ui(UiEvent::DemoInsertCard) => {
                match (&self.demo_reader, self.cfg.kiosk.demo) {
                    (Some(reader), true) => {
                        reader.insert(&card_reader::sim::specimens::aze_id_card());
                    }
                    _ => tracing::warn!("demo card asked for outside demo mode"),
                }
                Some(Event::Ui(UiEvent::Activity))
            }
            Input::Ui(ev) => Some(Event::Ui(ev)),
            Input::Reader(ReaderEvent::CardRead(doc)) => {
                self.note_read(format!(
                    "read {} {} {}, FİN {}, expires {}",
                    doc.format,
                    doc.document_code,
                    doc.issuing_state,
                    doc.fin
                        .as_deref()
                        .map(crate::text::mask_fin)
                        .unwrap_or_else(|| "-".into()),
                    doc.expiry_date
                ));
                Some(Event::Card {
                    card: card_data(&doc),
                    today: today_baku(),
                })
            }
            Input::Reader(ReaderEvent::CardRejected(r)) => {
                tracing::info!(field = %r.field, reason = %r.reason, "card read rejected");
                self.note_read(format!("rejected: {} ({})", r.reason, r.field));
                Some(Event::CardUnreadable)
            }
            Input::Reader(ReaderEvent::Status(s)) => {
                tracing::info!(status = ?s, "card reader status");
                if let Ok(mut d) = self.devices.lock() {
                    d.reader = Some(s);
                }
                health.reader_ok = s == ReaderStatus::Online;
                None
            }
            Input::Result(ev) => Some(ev),
            Input::Printer(PrinterReport::Status(s)) => {
                health.printer_ok = s.can_print();
                if let Ok(mut d) = self.devices.lock() {
                    d.printer = Some(s);
                }
                None
            }
            Input::Printer(PrinterReport::Job {
                application_id: Some(application_id),
                printed,
            }) => Some(Event::Receipt {
                application_id,
                receipt: if printed {
                    ReceiptState::Printed
                } else {
                    ReceiptState::NotAvailable
                },
            }),
            Input::Printer(PrinterReport::Job { .. }) => None,
            Input::Printer(PrinterReport::Supply { receipts_left, low }) => {
                if let Ok(mut d) = self.devices.lock() {
                    d.receipts_left = receipts_left;
                    d.paper_low = low;
                }
                if low {
                    tracing::warn!(receipts_left, "printer paper low");
                }
                None
            }
        }
    }

    /// Keeps the last read for the technician's screen.
    fn note_read(&self, summary: String) {
        if let Ok(mut d) = self.devices.lock() {
            d.last_read = Some(format!(
                "{summary} at {}",
                crate::screen::baku_time(Utc::now())
            ));
        }
    }

    fn execute(&self, effect: Effect, health: &Health) {
        let back = self.input_tx.clone();
        match effect {
            Effect::Verify {
                generation,
                fin,
                document_number,
            } => {
                let client = self.client.clone();
                tokio::spawn(async move {
                    let outcome = match client.verify(&fin, &document_number).await {
                        Ok(r) if r.valid => VerifyOutcome::Valid,
                        Ok(r) => {
                            tracing::info!(reason = ?r.reason, "centre did not confirm the document");
                            VerifyOutcome::Invalid
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "cannot verify the document with the centre");
                            VerifyOutcome::Unreachable
                        }
                    };
                    let _ = back.send(Input::Result(Event::Verified {
                        generation,
                        outcome,
                    }));
                });
            }
            Effect::Submit {
                generation,
                submission,
            } => {
                let store = self.store.clone();
                let cfg = self.cfg.clone();
                let catalog = self.catalog.clone();
                let profile = self.profile.clone();
                let wake = self.wake.clone();
                let printer_cmd = self.printer_cmd.clone();
                let printer_ok = health.printer_ok;
                tokio::spawn(async move {
                    let now = Utc::now();
                    let sub = submission.clone();
                    let result = sync::with_store(&store, move |s| {
                        s.submit(&cfg.kiosk.code, &cfg.kiosk.id, &sub, now, |id| {
                            let svc = catalog.service(&sub.service_id)?;
                            let receipt = printing::receipt_for(
                                &sub,
                                id,
                                &lookup_code(id),
                                &cfg.kiosk.center_name,
                                &cfg.kiosk.id,
                                svc.title.get(sub.lang),
                                svc.next_steps.get(sub.lang),
                                now,
                            );
                            let job = receipt_printer::encode_receipt(&receipt, &profile);
                            Some(NewPrintJob {
                                bytes: job.bytes,
                                paper_mm: job.paper_mm,
                            })
                        })
                    })
                    .await;
                    let event = match result {
                        Ok(stored) => {
                            tracing::info!(application = %stored.application_id, "application stored");
                            wake.notify_one();
                            let _ = printer_cmd.send(PrinterCmd::Kick);
                            Event::Stored {
                                generation,
                                lookup_code: lookup_code(&stored.application_id),
                                application_id: stored.application_id,
                                receipt: if printer_ok {
                                    ReceiptState::Printing
                                } else {
                                    ReceiptState::NotAvailable
                                },
                            }
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "application could not be stored");
                            Event::StoreFailed { generation }
                        }
                    };
                    let _ = back.send(Input::Result(event));
                });
            }
            Effect::LoadApplications { generation, fin } => {
                let store = self.store.clone();
                let client = self.client.clone();
                tokio::spawn(async move {
                    let local_fin = fin.clone();
                    let local =
                        sync::with_store(&store, move |s| s.applications_for(&local_fin)).await;
                    let records = local.unwrap_or_default();
                    let _ = back.send(Input::Result(Event::Applications {
                        generation,
                        list: AppList {
                            records,
                            offline: false,
                            loading: true,
                        },
                    }));
                    let offline = match client.applications_for(&fin).await {
                        Ok(list) => {
                            let f = fin.clone();
                            let now = Utc::now();
                            sync::with_store(&store, move |s| {
                                s.cache_statuses(&f, &list.applications, now)
                            })
                            .await
                            .is_err()
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "cannot load statuses from the centre");
                            true
                        }
                    };
                    let records = sync::with_store(&store, move |s| s.applications_for(&fin))
                        .await
                        .unwrap_or_default();
                    let _ = back.send(Input::Result(Event::Applications {
                        generation,
                        list: AppList {
                            records,
                            offline,
                            loading: false,
                        },
                    }));
                });
            }
            Effect::Wiped => tracing::info!("session ended and wiped"),
            Effect::Rate {
                service_id,
                score,
                lang,
            } => {
                let store = self.store.clone();
                let kiosk_id = self.cfg.kiosk.id.clone();
                let wake = self.wake.clone();
                tokio::spawn(async move {
                    let r = sync::with_store(&store, move |s| {
                        s.add_rating(
                            &kiosk_id,
                            service_id.as_deref(),
                            score,
                            lang.code(),
                            Utc::now(),
                        )
                    })
                    .await;
                    match r {
                        Ok(_) => wake.notify_one(),
                        Err(e) => tracing::warn!(error = %e, "rating not kept"),
                    }
                });
            }
            Effect::CheckPin { pin } => {
                let gate = self.pin_gate.clone();
                let hashes = self.cfg.service.pin_hashes();
                let now_ms = self.epoch.elapsed().as_millis() as u64;
                let store = self.store.clone();
                tokio::spawn(async move {
                    let result = tokio::task::spawn_blocking(move || {
                        gate.lock()
                            .map(|mut g| g.try_pin(&pin, &hashes, now_ms))
                            .unwrap_or(crate::service::PinResult::Locked { for_ms: 60_000 })
                    })
                    .await
                    .unwrap_or(crate::service::PinResult::Locked { for_ms: 60_000 });
                    let (actor, action) = match result {
                        crate::service::PinResult::Granted(role) => {
                            (role.name(), "service_entered")
                        }
                        crate::service::PinResult::Wrong { .. } => ("unknown", "pin_wrong"),
                        crate::service::PinResult::Locked { .. } => ("unknown", "pin_locked"),
                    };
                    tracing::info!(actor, action, "service PIN");
                    let _ =
                        sync::with_store(&store, move |s| s.audit(actor, action, "", Utc::now()))
                            .await;
                    let _ = back.send(Input::Result(Event::PinChecked(result)));
                });
            }
            Effect::ServiceClosed { role } => {
                let store = self.store.clone();
                let actor = role.map_or("unknown", |r| r.name());
                tokio::spawn(async move {
                    let _ = sync::with_store(&store, move |s| {
                        s.audit(actor, "service_closed", "", Utc::now())
                    })
                    .await;
                });
            }
            Effect::Service { role, action } => self.service_action(role, action, back),
            Effect::LoadSettings => {
                let path = self.cfg.source.clone();
                tokio::spawn(async move {
                    let result = tokio::task::spawn_blocking(move || {
                        let cfg = KioskConfig::load(&path).map_err(|e| e.to_string())?;
                        let mut ports = port_infos();
                        // Configured ports the system does not list (a pseudo-terminal, a
                        // udev alias) are offered as they are when they exist.
                        for p in [&cfg.card_reader.port, &cfg.printer.port] {
                            if !p.is_empty()
                                && std::path::Path::new(p).exists()
                                && !ports.iter().any(|q| &q.path == p)
                            {
                                ports.push(settings::PortInfo {
                                    path: p.clone(),
                                    usb: None,
                                });
                            }
                        }
                        Ok(Box::new(SettingsDraft::new(&cfg, ports)))
                    })
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()));
                    let _ = back.send(Input::Result(Event::SettingsLoaded(result)));
                });
            }
            Effect::SaveSettings { settings, original } => {
                self.save_settings(*settings, *original, back)
            }
        }
    }
}

/// Heartbeats, the purge of confirmed personal data, status refreshes of open applications,
/// and the catalog and settings pulled from the centre (with ETags, checked before use).
async fn housekeeping(
    store: SharedStore,
    client: CentralClient,
    devices: Arc<Mutex<DeviceBoard>>,
    live: watch::Sender<Live>,
    cancel: CancellationToken,
) {
    let cfg = live.borrow().cfg.clone();
    let started = Instant::now();
    let every = |s: u32| {
        let mut i = tokio::time::interval(Duration::from_secs(u64::from(s.max(1))));
        i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        i
    };
    let mut heartbeat = every(cfg.central.heartbeat_s);
    let mut purge = every(3600);
    let mut refresh = every(cfg.central.status_refresh_s);
    let mut file_check = every(5);
    let mut file_stamp = modified(&cfg.source);
    let keep = chrono::Duration::days(i64::from(cfg.kiosk.purge_after_days));
    let mut catalog_etag: Option<String> = None;
    let mut config_etag: Option<String> = None;
    let mut config_error: Option<String> = None;
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = purge.tick() => {
                let before = Utc::now() - keep;
                match sync::with_store(&store, move |s| s.purge_confirmed(before)).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(purged = n, "personal data of confirmed applications purged"),
                    Err(e) => tracing::error!(error = %e, "purge failed"),
                }
            }
            _ = file_check.tick() => {
                let stamp = modified(&cfg.source);
                if stamp != file_stamp {
                    file_stamp = stamp;
                    reload_file(&live).await;
                }
            }
            _ = refresh.tick() => {
                refresh_open_applications(&store, &client).await;
                pull_catalog(&client, &live, &mut catalog_etag).await;
                pull_config(&client, &live, &cfg, &mut config_etag, &mut config_error).await;
            }
            _ = heartbeat.tick() => {
                let stats = sync::with_store(&store, |s| s.stats()).await.unwrap_or_default();
                let board = devices.lock().map(|d| d.clone()).unwrap_or_default();
                let hb = dost_api::Heartbeat {
                    kiosk_id: cfg.kiosk.id.clone(),
                    version: env!("CARGO_PKG_VERSION").to_owned(),
                    uptime_s: started.elapsed().as_secs(),
                    sent_at: Utc::now(),
                    devices: board.reports(),
                    outbox_depth: stats.outbox_depth,
                    held_receipts: stats.held_jobs,
                    receipts_left: board.receipts_left,
                    config_error: config_error.clone(),
                };
                if let Err(e) = client.heartbeat(&hb).await {
                    tracing::debug!(error = %e, "heartbeat not delivered");
                }
            }
        }
    }
}

fn modified(path: &std::path::Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The configuration file changed: apply what applies without a restart, if the file is valid.
async fn reload_file(live: &watch::Sender<Live>) {
    let current = live.borrow().cfg.clone();
    let path = current.source.clone();
    match tokio::task::spawn_blocking(move || KioskConfig::load(&path)).await {
        Ok(Ok(edited)) => {
            let (next, restart) = current.with_live_settings(&edited);
            if !restart.is_empty() {
                tracing::warn!(sections = ?restart, "changed settings apply at the next start");
            }
            tracing::info!("configuration file reloaded");
            live.send_modify(|l| l.cfg = next);
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "edited configuration refused; the current one stays")
        }
        Err(e) => tracing::warn!(error = %e, "configuration reload failed"),
    }
}

/// Asks the centre for the status of applications that may still change.
async fn refresh_open_applications(store: &SharedStore, client: &CentralClient) {
    let open = sync::with_store(store, |s| s.open_applications(50))
        .await
        .unwrap_or_default();
    for (id, tag, _service) in open {
        match client.application(&id).await {
            Ok(status) if status.application_id == id => {
                let tag = tag.clone();
                let now = Utc::now();
                if let Err(e) =
                    sync::with_store(store, move |s| s.cache_status_tagged(&tag, &status, now))
                        .await
                {
                    tracing::warn!(error = %e, "cannot cache a status");
                }
            }
            Ok(_) => tracing::warn!("the centre answered for another application"),
            Err(e) => {
                tracing::debug!(error = %e, "status refresh stopped");
                return;
            }
        }
    }
}

async fn pull_catalog(
    client: &CentralClient,
    live: &watch::Sender<Live>,
    etag: &mut Option<String>,
) {
    match client.get_if_changed("/catalog", etag.as_deref()).await {
        Ok(None) => {}
        Ok(Some((json, tag))) => match Catalog::from_json(json) {
            Ok(catalog) => {
                *etag = tag;
                let changed = *live.borrow().catalog != catalog;
                if changed {
                    tracing::info!(services = catalog.services.len(), "catalog from the centre");
                    live.send_modify(|l| l.catalog = Arc::new(catalog));
                }
            }
            Err(e) => tracing::warn!(error = %e, "catalog from the centre refused"),
        },
        Err(SyncError::Status { status: 404, .. }) => {}
        Err(e) => tracing::debug!(error = %e, "catalog not pulled"),
    }
}

async fn pull_config(
    client: &CentralClient,
    live: &watch::Sender<Live>,
    local: &KioskConfig,
    etag: &mut Option<String>,
    error: &mut Option<String>,
) {
    let path = format!("/kiosks/{}/config", local.kiosk.id);
    match client.get_if_changed(&path, etag.as_deref()).await {
        Ok(None) => {}
        Ok(Some((json, tag))) => {
            *etag = tag;
            match local.with_remote(&json) {
                Ok(next) => {
                    *error = None;
                    tracing::info!("configuration from the centre applied");
                    live.send_modify(|l| l.cfg = next);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "configuration from the centre refused");
                    *error = Some(e.to_string());
                }
            }
        }
        Err(SyncError::Status { status: 404, .. }) => {}
        Err(e) => tracing::debug!(error = %e, "configuration not pulled"),
    }
}

impl Core {
    /// The technician's screen came back after a settings restart (audit).
    fn resumed(&self) {
        let store = self.store.clone();
        tokio::spawn(async move {
            let detail = "after saved settings";
            let _ = sync::with_store(&store, move |s| {
                s.audit("technician", "service_resumed", detail, Utc::now())
            })
            .await;
        });
    }

    /// Fresh data for the service screens, with `message` on it (no action, nothing audited).
    fn refresh_service(&self, message: Option<String>) {
        let store = self.store.clone();
        let cfg = self.cfg.clone();
        let devices = self.devices.clone();
        let sync_status = self.sync_status.borrow().clone();
        let back = self.input_tx.clone();
        tokio::spawn(async move {
            let mut data = service_data(&cfg, &store, &devices, &sync_status).await;
            data.message = message;
            let _ = back.send(Input::Result(Event::ServiceData(Box::new(data))));
        });
    }

    /// Writes the technician's settings to the configuration file (checked as a whole first;
    /// the old file is kept as `.bak`), records it in the audit log, then applies them: the
    /// centre's name by the file reload, anything else by restarting the core.
    fn save_settings(
        &self,
        settings: Settings,
        original: Settings,
        back: mpsc::UnboundedSender<Input>,
    ) {
        let path = self.cfg.source.clone();
        let store = self.store.clone();
        let reload = self.reload.clone();
        let data_dir = self.cfg.kiosk.data_dir.clone();
        tokio::spawn(async move {
            let to_write = settings.clone();
            let before = original.clone();
            let written = tokio::task::spawn_blocking(move || -> Result<(), String> {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                // Someone changed the file since the form was opened: do not overwrite it.
                let now_in_file = KioskConfig::parse(&text, &path).map_err(|e| e.to_string())?;
                if Settings::from_config(&now_in_file) != before {
                    return Err(
                        "the configuration file changed since the form was opened; open the \
                         settings again"
                            .into(),
                    );
                }
                let (new_text, mut next) =
                    settings::apply_to_text(&text, &path, &to_write).map_err(|e| e.to_string())?;
                // What the next start needs must be there now, not after the restart.
                next.kiosk.data_dir = data_dir;
                next.token().map_err(|e| e.to_string())?;
                if next.central.mode == CentralMode::Remote {
                    CentralClient::new(&next.central.url, "-", Duration::from_secs(1))
                        .map_err(|e| format!("central.url: {e}"))?;
                }
                settings::write_config(&path, &new_text).map_err(|e| e.to_string())
            })
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
            let now = Utc::now();
            let sections = settings.changed_sections(&original).join(",");
            let result = match written {
                Ok(()) => {
                    tracing::info!(sections = %sections, "settings saved by a technician");
                    let detail = format!("changed: {sections}");
                    let _ = sync::with_store(&store, move |s| {
                        s.audit("technician", "settings_saved", &detail, now)
                    })
                    .await;
                    if settings.only_name_changed(&original) {
                        Ok("settings saved; the new name shows within seconds".to_owned())
                    } else {
                        reload.send_replace(Some(format!(
                            "settings saved and applied ({sections}); devices and centre link \
                             restarted"
                        )));
                        Ok("settings saved; restarting devices".to_owned())
                    }
                }
                Err(why) => {
                    tracing::warn!(error = %why, "settings not saved");
                    let detail = why.clone();
                    let _ = sync::with_store(&store, move |s| {
                        s.audit("technician", "settings_refused", &detail, now)
                    })
                    .await;
                    Err(why)
                }
            };
            let _ = back.send(Input::Result(Event::SettingsSaved(result)));
        });
    }
}

impl Core {
    /// Runs a service action, records it in the audit log, then sends fresh service data.
    fn service_action(
        &self,
        role: crate::service::Role,
        action: crate::view::ServiceAction,
        back: mpsc::UnboundedSender<Input>,
    ) {
        use crate::view::ServiceAction as A;
        let store = self.store.clone();
        let printer_cmd = self.printer_cmd.clone();
        let profile = self.profile.clone();
        let cfg = self.cfg.clone();
        let devices = self.devices.clone();
        let sync_status = self.sync_status.borrow().clone();
        let exit = self.exit_requested.clone();
        let reload = self.reload.clone();
        tokio::spawn(async move {
            let now = Utc::now();
            let message: Option<String> = match &action {
                A::Refresh => None,
                A::TestPrint => {
                    let page = receipt_printer::encode_test_page(&profile);
                    let job = NewPrintJob {
                        bytes: page.bytes,
                        paper_mm: page.paper_mm,
                    };
                    let r = sync::with_store(&store, move |s| s.queue_job(&job, now)).await;
                    let _ = printer_cmd.send(PrinterCmd::Kick);
                    Some(match r {
                        Ok(id) => format!("test page queued (job {id})"),
                        Err(e) => format!("test page not queued: {e}"),
                    })
                }
                A::PaperRestocked => {
                    let _ = printer_cmd.send(PrinterCmd::Restocked);
                    let _ = printer_cmd.send(PrinterCmd::Kick);
                    Some("paper counter reset; held receipts print now".into())
                }
                A::ReprintHeld => {
                    let _ = printer_cmd.send(PrinterCmd::Kick);
                    Some("held receipts sent to the printer".into())
                }
                A::ExportDiagnostics => {
                    let dir = cfg.data_dir();
                    let board = devices.lock().map(|d| d.clone()).unwrap_or_default();
                    let stats = sync::with_store(&store, |s| s.stats()).await.ok();
                    let bundle = serde_json::json!({
                        "kiosk_id": cfg.kiosk.id,
                        "version": env!("CARGO_PKG_VERSION"),
                        "created_at": now,
                        "devices": board.to_json(),
                        "outbox_depth": stats.map(|s| s.outbox_depth),
                        "held_receipts": stats.map(|s| s.held_jobs),
                        "paper_used_mm": stats.map(|s| s.paper_used_mm),
                        "sync": {"online": sync_status.online, "last_error": sync_status.last_error},
                        "log_tail": crate::logs::tail(&dir, 500),
                    });
                    let path =
                        dir.join(format!("diagnostics-{}.json", now.format("%Y%m%d-%H%M%S")));
                    Some(match std::fs::write(&path, bundle.to_string()) {
                        Ok(()) => format!("diagnostics saved to {}", path.display()),
                        Err(e) => format!("diagnostics not saved: {e}"),
                    })
                }
                // Under systemd the process exits and systemd starts it again; elsewhere (the
                // demo, a manual start) the core restarts in place so the kiosk stays up.
                A::Restart if crate::notify::under_systemd() => {
                    exit.cancel();
                    Some("restarting".into())
                }
                A::Restart => {
                    reload.send_replace(Some("application restarted".into()));
                    Some("restarting".into())
                }
                // The session handles these itself; they never reach here.
                A::OpenSettings | A::SaveSettings => None,
            };
            let action_name = format!("{action:?}");
            let actor = role.name();
            let _ = sync::with_store(&store, move |s| {
                s.audit(actor, "service_action", &action_name, now)
            })
            .await;
            let mut data = service_data(&cfg, &store, &devices, &sync_status).await;
            data.message = message;
            let _ = back.send(Input::Result(Event::ServiceData(Box::new(data))));
        });
    }
}

/// The serial ports of this machine, with USB vendor/product where known.
fn list_ports() -> Result<Vec<settings::PortInfo>, serialport::Error> {
    Ok(serialport::available_ports()?
        .into_iter()
        .map(|p| settings::PortInfo {
            usb: match p.port_type {
                serialport::SerialPortType::UsbPort(u) => Some(format!(
                    "{:04x}:{:04x}{}",
                    u.vid,
                    u.pid,
                    u.product.map(|n| format!(" {n}")).unwrap_or_default()
                )),
                _ => None,
            },
            path: p.port_name,
        })
        .collect())
}

/// The serial ports of this machine for the settings form (none when they cannot be listed).
pub fn port_infos() -> Vec<settings::PortInfo> {
    list_ports().unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cannot list serial ports");
        Vec::new()
    })
}

/// The serial ports of this machine as one line each (technician's screen, `ports`).
pub fn serial_ports() -> Vec<String> {
    match list_ports() {
        Ok(ports) if ports.is_empty() => vec!["none found".into()],
        Ok(ports) => ports.iter().map(settings::PortInfo::label).collect(),
        Err(e) => vec![format!("cannot list: {e}")],
    }
}

/// What the service screens show.
async fn service_data(
    cfg: &KioskConfig,
    store: &SharedStore,
    devices: &Arc<Mutex<DeviceBoard>>,
    sync_status: &SyncStatus,
) -> crate::view::ServiceModeView {
    use crate::view::{HeldReceiptView, PaperView, PartLevel, PartView, ServiceModeView};
    let board = devices.lock().map(|d| d.clone()).unwrap_or_default();
    let stats = sync::with_store(store, |s| s.stats()).await;
    let held = sync::with_store(store, |s| s.held_jobs(50))
        .await
        .unwrap_or_default();
    let part = |name: &str, level, detail: String| PartView {
        name: name.to_owned(),
        level,
        detail,
    };
    let mut parts = Vec::new();
    for (d, known) in board.reports_known() {
        // A device that has not reported yet (just started or restarted) is not "offline".
        if !known {
            parts.push(part(
                &d.name,
                PartLevel::Warn,
                "starting: no status yet".into(),
            ));
            continue;
        }
        let level = match d.state {
            dost_api::DeviceState::Online => PartLevel::Ok,
            dost_api::DeviceState::Busy | dost_api::DeviceState::UserError => PartLevel::Warn,
            _ => PartLevel::Fail,
        };
        let detail = format!(
            "{:?}{}",
            d.state,
            d.detail.map(|x| format!(", {x}")).unwrap_or_default()
        )
        .to_lowercase();
        parts.push(part(&d.name, level, detail));
    }
    parts.push(part(
        "card test",
        if board
            .last_read
            .as_deref()
            .is_some_and(|r| r.starts_with("rejected"))
        {
            PartLevel::Warn
        } else {
            PartLevel::Ok
        },
        board
            .last_read
            .clone()
            .unwrap_or_else(|| "insert a card to test the reader".into()),
    ));
    parts.push(part(
        "serial ports",
        PartLevel::Ok,
        serial_ports().join(", "),
    ));
    parts.push(match (&sync_status.online, &sync_status.last_error) {
        (true, _) => part("centre link", PartLevel::Ok, cfg.central.url.clone()),
        (false, Some(e)) => part("centre link", PartLevel::Fail, e.clone()),
        (false, None) => part("centre link", PartLevel::Warn, "no exchange yet".into()),
    });
    parts.push(match crate::doctor::free_bytes(&cfg.data_dir()) {
        Some(b) if b < 100 << 20 => part("disk", PartLevel::Fail, format!("{} MB free", b >> 20)),
        Some(b) if b < 1 << 30 => part("disk", PartLevel::Warn, format!("{} MB free", b >> 20)),
        Some(b) => part("disk", PartLevel::Ok, format!("{} GB free", b >> 30)),
        None => part("disk", PartLevel::Warn, "unknown".into()),
    });
    parts.push(match &stats {
        Ok(s) => part(
            "database",
            if s.rejected > 0 {
                PartLevel::Warn
            } else {
                PartLevel::Ok
            },
            format!(
                "{} waiting, {} refused by the centre",
                s.outbox_depth, s.rejected
            ),
        ),
        Err(e) => part("database", PartLevel::Fail, e.to_string()),
    });
    parts.push(part(
        "clock",
        PartLevel::Ok,
        crate::screen::baku_time(Utc::now()),
    ));
    let stats = stats.unwrap_or_default();
    let paper_level = match board.printer.map(|p| p.paper) {
        Some(receipt_printer::PaperLevel::Out) => "out",
        Some(receipt_printer::PaperLevel::Low) => "low",
        Some(receipt_printer::PaperLevel::Ok) if board.paper_low => "low",
        Some(receipt_printer::PaperLevel::Ok) => "ok",
        None => "unknown",
    };
    ServiceModeView {
        pin_refusal: None,
        checking: false,
        parts,
        paper: PaperView {
            level: paper_level.into(),
            receipts_left: board.receipts_left,
            used_mm: stats.paper_used_mm.max(0.0) as u64,
        },
        held: held
            .into_iter()
            .map(|(job_id, application_id, reason)| HeldReceiptView {
                job_id,
                application_id,
                reason,
            })
            .collect(),
        outbox_depth: stats.outbox_depth,
        sync_error: sync_status.last_error.clone(),
        log_tail: crate::logs::tail(&cfg.data_dir(), 12),
        message: None,
        kiosk_id: cfg.kiosk.id.clone(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        settings: None,
    }
}

/// What the receipt's QR code carries: the status-lookup code of the application.
pub fn lookup_code(application_id: &str) -> String {
    format!("DOST:{application_id}")
}

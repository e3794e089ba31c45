//! `dost-kiosk burn-in`: scripted citizen sessions through the real core, without a display.
//!
//! Each session goes the way a citizen's would: the demo card is inserted (simulated reader,
//! real framing and parser), the centre verifies it, the citizen opens the catalog, picks a
//! service (rotating through every service whose form can be filled with valid sample values),
//! fills the form page by page, reviews and submits. When the core shows the Done screen (the
//! application is durable in SQLite), its number is written as one line to the output, and the
//! session is ended. Afterwards, with `--wait-sync`, the burn-in waits until the outbox is empty.
//!
//! The core is started with [`runtime::start`] and driven through [`UiEvent`]s; the views it
//! presents arrive in order on a channel, so no screen is missed and none is read twice.
//!
//! SIGTERM or SIGINT stops the burn-in cleanly and quickly (well within 2 s): no new session
//! starts, a session still filling its form is abandoned (nothing of it is stored), a submit
//! already sent is waited for (the database write finishes and its number is written out),
//! the wait for the outbox is cut short (what is pending is delivered at the next start), the
//! core shuts down through [`runtime::Kiosk::shutdown`], and the command exits 0. A receipt
//! the printer is printing is finished and recorded; receipts not started stay queued in the
//! database and print at the next start.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use tokio_util::sync::CancellationToken;

use kiosk_core::catalog::{Catalog, Field, FieldKind, Service};
use kiosk_core::session;
use kiosk_core::view::{Lang, ScreenId, UiEvent, ViewModel};

use super::{Harness, KitError};
use crate::config::{CentralMode, ConfigError, DeviceKind, KioskConfig};
use crate::runtime::{self, RuntimeError};
use crate::store::{StoreError, StoreHandle, StoreStats};

/// Exit code when the outbox was not empty when `--wait-sync` ran out.
pub const EXIT_NOT_DRAINED: u8 = 3;
/// Exit code when the outbox drained but the centre refused some applications.
pub const EXIT_REJECTED: u8 = 4;

// Time limits once SIGTERM/SIGINT came; together well under the 2 s a stop may take.
/// For a submit already sent to reach the Done screen (the database write to finish).
const STOP_SUBMIT_GRACE: Duration = Duration::from_millis(700);
/// For the core's tasks to stop ([`runtime::Kiosk::shutdown`]'s grace)…
const STOP_TASK_GRACE: Duration = Duration::from_millis(250);
/// …and for the whole shutdown, the printer finishing the receipt it is printing included.
const STOP_SHUTDOWN_LIMIT: Duration = Duration::from_millis(900);
/// For the runtime's leftover blocking tasks.
const STOP_RUNTIME_LIMIT: Duration = Duration::from_millis(100);

/// Arguments of `dost-kiosk burn-in` (`--config` and `--data-dir` are the global ones).
#[derive(Debug, Clone, Args)]
pub struct BurnInArgs {
    /// Number of scripted citizen sessions (0: only deliver what the outbox holds).
    #[arg(long, default_value_t = 1)]
    pub sessions: u64,
    /// Talk to this central API (remote mode) instead of what the configuration says.
    #[arg(long, value_name = "URL")]
    pub central: Option<String>,
    /// After the last session, wait up to this many seconds for the outbox to be empty;
    /// exit 3 when it is not.
    #[arg(long, value_name = "SECONDS")]
    pub wait_sync: Option<u64>,
    /// Give up a session when a screen does not come within this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub step_timeout: u64,
    /// How sessions are driven: `touch` (the screen's events) or `keypad` (keypad keys
    /// alone, audio guidance on, every character typed on the on-screen keyboard).
    #[arg(long, value_enum, default_value_t = InputMode::Touch)]
    pub input: InputMode,
    /// Write what audio guidance says as JSON lines (`{"lang": …, "text": …}`); no sound.
    #[arg(long, value_name = "FILE")]
    pub speech_log: Option<std::path::PathBuf>,
    /// Write one JSON line per completed session (for soak runs): its number, the time from
    /// Submit to the Done screen (the application durable in SQLite) and the process's
    /// resident memory: `{"session": …, "submit_ms": …, "rss_kb": …, "t_s": …}`.
    #[arg(long, value_name = "FILE")]
    pub timings: Option<std::path::PathBuf>,
}

/// How the burn-in drives a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum InputMode {
    #[default]
    Touch,
    Keypad,
}

#[derive(Debug, thiserror::Error)]
pub enum BurnInError {
    #[error("cannot start the kiosk core: {0}")]
    Runtime(#[from] RuntimeError),
    #[error("--central {url:?}: {why}")]
    CentralUrl {
        url: String,
        #[source]
        why: kiosk_core::central_url::UrlRefusal,
    },
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(
        "the burn-in inserts the demo card: it needs card_reader.kind = \"simulated\" \
         (use --sessions 0 to only deliver the outbox)"
    )]
    NoSimulatedReader,
    #[error("no service of the catalog can be filled with sample values")]
    NoUsableService,
    #[error("session {session}: {source}")]
    Stuck {
        session: u64,
        #[source]
        source: KitError,
    },
    #[error("session {session}: the card was refused ({kind})")]
    CardRefused { session: u64, kind: String },
    #[error("session {session}: the form of {service} was not accepted (fields: {fields})")]
    FormRejected {
        session: u64,
        service: String,
        fields: String,
    },
    #[error("session {session}: the application could not be stored ({attempts} attempts)")]
    NotStored { session: u64, attempts: u32 },
    #[error("the kiosk core stopped")]
    CoreStopped,
    #[error("cannot write an application number: {0}")]
    Output(#[source] std::io::Error),
    #[error("cannot write the timings file: {0}")]
    Timings(#[source] std::io::Error),
    #[error("cannot read the outbox: {0}")]
    Outbox(#[from] StoreError),
    #[error("cannot start the async runtime: {0}")]
    Tokio(#[source] std::io::Error),
}

/// What a burn-in did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BurnInReport {
    /// Sessions that reached the Done screen (numbers written).
    pub completed: u64,
    /// Outbox and print-job counts at the end.
    pub stats: StoreStats,
    /// With `--wait-sync`: the outbox was empty in time (`None` when a stop signal cut the
    /// wait short).
    pub drained: Option<bool>,
    /// SIGTERM or SIGINT (or the caller's stop token) came before the burn-in was done.
    pub stopped: bool,
}

/// Applies the burn-in's overrides to a loaded configuration.
///
/// `--central` switches to remote mode (the configured token, or the demo token when none);
/// the idle timeout is raised so it never wipes a scripted session; with sessions to run, the
/// simulated reader is required and demo mode (the demo card) is switched on.
pub fn apply_overrides(cfg: &mut KioskConfig, args: &BurnInArgs) -> Result<(), BurnInError> {
    if let Some(url) = &args.central {
        let url = url.trim();
        kiosk_core::central_url::check(url).map_err(|why| BurnInError::CentralUrl {
            url: url.to_owned(),
            why,
        })?;
        cfg.central.mode = CentralMode::Remote;
        cfg.central.url = url.to_owned();
    }
    cfg.session.idle_timeout_s = cfg.session.idle_timeout_s.max(3600);
    // The burn-in taps at machine speed: no double-tap guard.
    cfg.session.tap_guard_ms = 0;
    if let Some(log) = &args.speech_log {
        cfg.speech.log = std::path::absolute(log)
            .unwrap_or_else(|_| log.clone())
            .display()
            .to_string();
        cfg.speech.output = crate::config::access::SpeechOutput::None;
    }
    if args.sessions > 0 {
        if cfg.card_reader.kind != DeviceKind::Simulated {
            return Err(BurnInError::NoSimulatedReader);
        }
        cfg.kiosk.demo = true;
    }
    Ok(())
}

/// The command: runs the burn-in on its own runtime, numbers to stdout, and maps the outcome
/// to an exit code (0 done or stopped by SIGTERM/SIGINT, 3 outbox not drained in time, 4
/// rejected by the centre).
pub fn run_cli(mut cfg: KioskConfig, args: &BurnInArgs) -> Result<ExitCode, BurnInError> {
    apply_overrides(&mut cfg, args)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("burn-in")
        .build()
        .map_err(BurnInError::Tokio)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let stop = CancellationToken::new();
    let result = rt.block_on(async {
        // Watched before anything else starts: from here on the signals stop the burn-in
        // cleanly instead of killing it.
        watch_stop_signals(&stop);
        run_until(cfg, args, &mut out, stop.clone()).await
    });
    rt.shutdown_timeout(if stop.is_cancelled() {
        STOP_RUNTIME_LIMIT
    } else {
        Duration::from_millis(500)
    });
    let report = result?;
    if report.stopped {
        tracing::info!(
            completed = report.completed,
            outbox = report.stats.outbox_depth,
            queued_receipts = report.stats.queued_jobs,
            "burn-in stopped by a signal; what is pending is delivered and printed at the next start"
        );
    } else {
        tracing::info!(
            completed = report.completed,
            outbox = report.stats.outbox_depth,
            rejected = report.stats.rejected,
            "burn-in finished"
        );
    }
    Ok(match report.drained {
        Some(false) => {
            tracing::error!(
                outbox = report.stats.outbox_depth,
                waited_s = args.wait_sync.unwrap_or_default(),
                "applications still in the outbox after the wait"
            );
            ExitCode::from(EXIT_NOT_DRAINED)
        }
        Some(true) if report.stats.rejected > 0 => {
            tracing::error!(
                rejected = report.stats.rejected,
                "the centre rejected applications"
            );
            ExitCode::from(EXIT_REJECTED)
        }
        _ => ExitCode::SUCCESS,
    })
}

/// Cancels `stop` at the first SIGTERM or SIGINT (Ctrl-C elsewhere than on Unix). Must be
/// called inside a tokio runtime; the signals are watched from the moment it returns.
fn watch_stop_signals(stop: &CancellationToken) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{Signal, SignalKind, signal};
        let watch = |kind: SignalKind, name: &'static str| match signal(kind) {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::warn!(signal = name, error = %e, "cannot watch the signal");
                None
            }
        };
        /// The next delivery of a watched signal (never, for one not watched).
        async fn next(signal: &mut Option<Signal>) {
            if let Some(s) = signal
                && s.recv().await.is_some()
            {
                return;
            }
            std::future::pending::<()>().await;
        }
        let mut term = watch(SignalKind::terminate(), "SIGTERM");
        let mut int = watch(SignalKind::interrupt(), "SIGINT");
        let stop = stop.clone();
        tokio::spawn(async move {
            let name = tokio::select! {
                () = next(&mut term) => "SIGTERM",
                () = next(&mut int) => "SIGINT",
                () = stop.cancelled() => return,
            };
            tracing::info!(
                signal = name,
                "stopping: no new session; the submit in flight finishes, then the core shuts down"
            );
            stop.cancel();
        });
    }
    #[cfg(not(unix))]
    {
        let stop = stop.clone();
        tokio::spawn(async move {
            tokio::select! {
                r = tokio::signal::ctrl_c() => {
                    if r.is_ok() {
                        tracing::info!("stopping: Ctrl-C");
                        stop.cancel();
                    }
                }
                () = stop.cancelled() => {}
            }
        });
    }
}

/// Runs the burn-in: starts the core (overrides already applied), drives `args.sessions`
/// sessions, writes each application number to `out` once the Done screen shows, then waits
/// for the outbox when asked. Must run inside a tokio runtime.
pub async fn run(
    cfg: KioskConfig,
    args: &BurnInArgs,
    out: &mut dyn Write,
) -> Result<BurnInReport, BurnInError> {
    run_until(cfg, args, out, CancellationToken::new()).await
}

/// [`run`], stopped cleanly when `stop` is cancelled (see the module's documentation): the
/// report then says `stopped`, and every number written out is stored.
pub async fn run_until(
    cfg: KioskConfig,
    args: &BurnInArgs,
    out: &mut dyn Write,
    stop: CancellationToken,
) -> Result<BurnInReport, BurnInError> {
    let catalog = cfg.load_catalog()?;
    let services = usable_services(&catalog);
    if args.sessions > 0 && services.is_empty() {
        return Err(BurnInError::NoUsableService);
    }
    let (kiosk, mut harness) = Harness::start(cfg).await?;
    harness.step_timeout = Duration::from_secs(args.step_timeout.max(1));
    tracing::info!(central = %kiosk.central_url, sessions = args.sessions, "burn-in started");
    let mut driver = Driver {
        harness,
        stop: stop.clone(),
        input: args.input,
        last_submit: None,
    };
    let mut timings = match &args.timings {
        Some(path) => Some(Timings::create(path).map_err(BurnInError::Timings)?),
        None => None,
    };
    let mut report = BurnInReport::default();
    let outcome = async {
        for i in 0..args.sessions {
            if stop.is_cancelled() {
                break;
            }
            let svc = services[(i % services.len() as u64) as usize];
            let id = match driver.session(i, svc, &catalog).await {
                Ok(id) => id,
                Err(Halt::Stopped) => break,
                Err(Halt::Failed(e)) => return Err(e),
            };
            writeln!(out, "{id}")
                .and_then(|()| out.flush())
                .map_err(BurnInError::Output)?;
            if let Some(t) = timings.as_mut() {
                t.session(i, driver.last_submit.take())
                    .map_err(BurnInError::Timings)?;
            }
            report.completed += 1;
        }
        if let Some(secs) = args.wait_sync.filter(|_| !stop.is_cancelled()) {
            report.drained =
                wait_for_outbox(&kiosk.store, Duration::from_secs(secs), &stop).await?;
        }
        report.stats = kiosk.store.call(|s| s.stats()).await?;
        Ok::<_, BurnInError>(())
    }
    .await;
    report.stopped = stop.is_cancelled();
    shut_down(kiosk, &stop).await;
    outcome.map(|()| report)
}

/// Shuts the core down: its tasks stop and the printer worker stops after the receipt it is
/// printing (finished and recorded); receipts not started stay queued in the database and
/// print at the next start. The wait is bounded (5 s, or [`STOP_SHUTDOWN_LIMIT`] once `stop`
/// is cancelled).
async fn shut_down(kiosk: runtime::Kiosk, stop: &CancellationToken) {
    let grace = if stop.is_cancelled() {
        STOP_TASK_GRACE
    } else {
        Duration::from_secs(2)
    };
    let stop_limit = async {
        stop.cancelled().await;
        tokio::time::sleep(STOP_SHUTDOWN_LIMIT).await;
    };
    tokio::select! {
        () = kiosk.shutdown(grace) => {}
        () = tokio::time::sleep(Duration::from_secs(5)) => {
            tracing::warn!("the core did not stop in time");
        }
        () = stop_limit => {
            tracing::warn!("the core did not stop in time after the signal");
        }
    }
}

/// Polls the outbox until it is empty or `limit` has passed: `Some(true)` when empty,
/// `Some(false)` when not, `None` when `stop` came first.
async fn wait_for_outbox(
    store: &StoreHandle,
    limit: Duration,
    stop: &CancellationToken,
) -> Result<Option<bool>, BurnInError> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let stats = store.call(|s| s.stats()).await?;
        if stats.outbox_depth == 0 {
            return Ok(Some(true));
        }
        let now = tokio::time::Instant::now();
        if now >= deadline {
            return Ok(Some(false));
        }
        tokio::select! {
            () = stop.cancelled() => return Ok(None),
            () = tokio::time::sleep_until((now + Duration::from_millis(100)).min(deadline)) => {}
        }
    }
}

/// Application services (not desk ones, which give queue tickets) whose every field gets a
/// valid sample value (required ones at least).
fn usable_services(catalog: &Catalog) -> Vec<&Service> {
    catalog
        .services
        .iter()
        .filter(|svc| !svc.desk_only && sample_answers(svc, 0, Lang::Az).is_some())
        .collect()
}

/// Sample answers for a service, `(page, field id, raw value)`, each checked with the same
/// rules the session uses; `None` when a required field cannot be filled.
pub fn sample_answers(svc: &Service, seed: u64, lang: Lang) -> Option<Vec<(u32, String, String)>> {
    let mut out = Vec::new();
    for f in &svc.fields {
        let raw = sample_value(f, seed);
        match session::normalise(f, &raw, lang) {
            Ok(_) => out.push((f.page, f.id.clone(), raw)),
            Err(_) if !f.required => {}
            Err(_) => return None,
        }
    }
    Some(out)
}

fn fit(text: &str, min_len: Option<usize>, max_len: Option<usize>) -> String {
    let mut s: String = text.chars().take(max_len.unwrap_or(usize::MAX)).collect();
    while s.chars().count() < min_len.unwrap_or(0) {
        s.push('a');
    }
    s.trim().to_owned()
}

fn sample_value(f: &Field, seed: u64) -> String {
    match f.kind {
        FieldKind::Phone | FieldKind::Mobile => format!(
            "050 {:03} {:02} {:02}",
            100 + seed % 900,
            seed % 100,
            (seed / 100) % 100
        ),
        FieldKind::Iban => "AZ21 NABZ 0000 0000 1370 1000 1944".to_owned(),
        FieldKind::Number => {
            let lo = f.min.unwrap_or(1);
            let hi = f.max.unwrap_or(lo.saturating_add(9)).max(lo);
            let span = u64::try_from(hi.saturating_sub(lo))
                .unwrap_or(0)
                .saturating_add(1);
            let off = i64::try_from(seed % span).unwrap_or(0);
            lo.saturating_add(off).to_string()
        }
        FieldKind::Date => format!("{:02}.03.1985", 1 + seed % 28),
        FieldKind::YesNo => if seed.is_multiple_of(2) { "yes" } else { "no" }.to_owned(),
        FieldKind::Choice => f
            .options
            .get((seed % f.options.len().max(1) as u64) as usize)
            .map(|o| o.id.clone())
            .unwrap_or_default(),
        FieldKind::Address => fit(
            "Bakı şəhəri, Yasamal rayonu, Şərifzadə küçəsi 12",
            f.min_len,
            f.max_len,
        ),
        FieldKind::Text => fit(&format!("Sınaq mətni {seed}"), f.min_len, f.max_len),
    }
}

/// Why a session gave no number.
enum Halt {
    /// The stop token was cancelled. Nothing of the session was stored, unless its submit
    /// was in flight and outlasted [`STOP_SUBMIT_GRACE`] (then it is stored, not announced).
    Stopped,
    Failed(BurnInError),
}

impl From<BurnInError> for Halt {
    fn from(e: BurnInError) -> Halt {
        Halt::Failed(e)
    }
}

/// Drives the core through the UI's events, reading every view it presents.
struct Driver {
    harness: Harness,
    stop: CancellationToken,
    input: InputMode,
    /// Submit to the Done screen, of the last session submitted by touch.
    last_submit: Option<Duration>,
}

/// The `--timings` file: one JSON line per completed session.
struct Timings {
    file: std::io::BufWriter<std::fs::File>,
    started: std::time::Instant,
}

impl Timings {
    fn create(path: &std::path::Path) -> std::io::Result<Timings> {
        Ok(Timings {
            file: std::io::BufWriter::new(std::fs::File::create(path)?),
            started: std::time::Instant::now(),
        })
    }

    fn session(&mut self, i: u64, submit: Option<Duration>) -> std::io::Result<()> {
        let line = serde_json::json!({
            "session": i,
            "submit_ms": submit.map(|d| (d.as_secs_f64() * 1e5).round() / 1e2),
            "rss_kb": resident_kb(),
            "t_s": (self.started.elapsed().as_secs_f64() * 1e3).round() / 1e3,
        });
        writeln!(self.file, "{line}")?;
        self.file.flush()
    }
}

/// This process's resident memory (`VmRSS`), when /proc says.
fn resident_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

impl Driver {
    fn send(&self, ev: UiEvent) -> Result<(), BurnInError> {
        self.harness.send(ev).map_err(|_| BurnInError::CoreStopped)
    }

    /// The next presented view that satisfies `pred`; a stop abandons the wait.
    async fn wait(
        &mut self,
        session: u64,
        what: &'static str,
        pred: impl Fn(&ViewModel) -> bool,
    ) -> Result<ViewModel, Halt> {
        let stop = self.stop.clone();
        let r = self
            .harness
            .wait_until(what, pred, Some((&stop, None)))
            .await;
        halt(session, r)
    }

    /// Like [`Driver::wait`] for the outcome of a submit already sent: a stop does not abandon
    /// it (the database write is in flight) but limits the wait to [`STOP_SUBMIT_GRACE`].
    async fn wait_submitted(
        &mut self,
        session: u64,
        pred: impl Fn(&ViewModel) -> bool,
    ) -> Result<ViewModel, Halt> {
        let stop = self.stop.clone();
        let r = self
            .harness
            .wait_until("done", pred, Some((&stop, Some(STOP_SUBMIT_GRACE))))
            .await;
        if matches!(r, Err(KitError::Stopped)) && self.stop.is_cancelled() {
            tracing::warn!(
                session,
                "the submit in flight gave no answer in time; its number is not written"
            );
        }
        halt(session, r)
    }

    /// One citizen session; returns the application number shown on the Done screen.
    async fn session(
        &mut self,
        i: u64,
        svc: &Service,
        catalog: &Catalog,
    ) -> Result<dost_api::ApplicationId, Halt> {
        if self.input == InputMode::Keypad {
            let lang = Lang::ALL[(i % Lang::ALL.len() as u64) as usize];
            let stop = Some(self.stop.clone());
            let mut keys = super::keypad::KeypadDriver::new(&mut self.harness, stop)
                .map_err(|e| halted(i, e))?;
            let id = super::keypad::citizen_session(&mut keys, svc, i, lang).await;
            return id.map_err(|e| halted(i, e));
        }
        let vm = self
            .wait(i, "attract", |vm| {
                matches!(vm.screen, ScreenId::Attract | ScreenId::Rating)
            })
            .await?;
        if vm.screen == ScreenId::Rating {
            // The last citizen is asked to rate the visit: they do, and leave.
            self.send(UiEvent::Rate(5))?;
            self.send(UiEvent::EndSession)?;
            self.wait(i, "attract", |vm| vm.screen == ScreenId::Attract)
                .await?;
        }
        self.send(UiEvent::DemoInsertCard)?;
        let vm = self
            .wait(i, "welcome", |vm| {
                matches!(vm.screen, ScreenId::Welcome | ScreenId::CardError)
            })
            .await?;
        if vm.screen == ScreenId::CardError {
            return Err(Halt::Failed(BurnInError::CardRefused {
                session: i,
                kind: format!("{:?}", vm.card_error),
            }));
        }
        let lang = Lang::ALL[(i % Lang::ALL.len() as u64) as usize];
        self.send(UiEvent::SetLanguage(lang))?;
        self.send(UiEvent::OpenCatalog)?;
        self.wait(i, "catalog", |vm| vm.screen == ScreenId::Catalog)
            .await?;
        self.send(UiEvent::SelectService(svc.id.clone()))?;
        let answers = sample_answers(svc, i, lang).ok_or(BurnInError::NoUsableService)?;
        let pages = catalog.service(&svc.id).map_or(1, Service::pages);
        let first_page = |vm: &ViewModel| {
            vm.screen == ScreenId::Form && vm.form.as_ref().is_some_and(|f| f.page == 1)
        };
        let vm = self
            .wait(i, "service info or form", |vm| {
                vm.screen == ScreenId::ServiceInfo || first_page(vm)
            })
            .await?;
        if vm.screen == ScreenId::ServiceInfo {
            self.send(UiEvent::StartForm)?;
            self.wait(i, "form", first_page).await?;
        }
        for page in 1..=pages {
            for (_, field_id, value) in answers.iter().filter(|(p, _, _)| *p == page) {
                self.send(UiEvent::FieldEdited {
                    field_id: field_id.clone(),
                    value: value.clone(),
                })?;
            }
            self.send(UiEvent::Next)?;
            // The next page (or the review after the last), or this page with errors.
            let vm = self
                .wait(i, "next form page or review", |vm| match vm.screen {
                    ScreenId::Review => true,
                    ScreenId::Form => vm.form.as_ref().is_some_and(|f| {
                        f.page > page || f.fields.iter().any(|fv| fv.error.is_some())
                    }),
                    _ => false,
                })
                .await?;
            if let Some(form) = vm.form.as_ref().filter(|f| f.page == page) {
                let fields: Vec<&str> = form
                    .fields
                    .iter()
                    .filter(|f| f.error.is_some())
                    .map(|f| f.id.as_str())
                    .collect();
                return Err(Halt::Failed(BurnInError::FormRejected {
                    session: i,
                    service: svc.id.clone(),
                    fields: fields.join(", "),
                }));
            }
        }
        self.submit(i, svc).await
    }

    /// Submits the reviewed application; a failed save is tried again, as a citizen would.
    async fn submit(&mut self, i: u64, svc: &Service) -> Result<dost_api::ApplicationId, Halt> {
        const ATTEMPTS: u32 = 3;
        for attempt in 1..=ATTEMPTS {
            // No new write once stopping; one already sent is waited for.
            if self.stop.is_cancelled() {
                return Err(Halt::Stopped);
            }
            let sent = std::time::Instant::now();
            self.send(UiEvent::Submit)?;
            let vm = self
                .wait_submitted(i, |vm| {
                    vm.screen == ScreenId::Done
                        || (vm.screen == ScreenId::Review && vm.submit_failed)
                })
                .await?;
            if let Some(done) = vm.done.filter(|_| vm.screen == ScreenId::Done) {
                self.last_submit = Some(sent.elapsed());
                tracing::info!(
                    session = i,
                    service = %svc.id,
                    application = %done.application_id,
                    "burn-in session done"
                );
                self.send(UiEvent::EndSession)?;
                return Ok(done.application_id);
            }
            tracing::warn!(
                session = i,
                attempt,
                "submit failed; the citizen tries again"
            );
            tokio::select! {
                () = self.stop.cancelled() => return Err(Halt::Stopped),
                () = tokio::time::sleep(Duration::from_millis(500)) => {}
            }
        }
        Err(Halt::Failed(BurnInError::NotStored {
            session: i,
            attempts: ATTEMPTS,
        }))
    }
}

/// A wait's result as the burn-in sees it.
fn halt(session: u64, r: Result<ViewModel, KitError>) -> Result<ViewModel, Halt> {
    r.map_err(|e| halted(session, e))
}

/// Why a session stopped, as the burn-in sees it.
fn halted(session: u64, e: KitError) -> Halt {
    match e {
        KitError::Stopped => Halt::Stopped,
        KitError::CoreStopped => Halt::Failed(BurnInError::CoreStopped),
        source => Halt::Failed(BurnInError::Stuck { session, source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn catalog() -> Catalog {
        let text = include_str!("../../config/services.toml");
        Catalog::parse(text, "services.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn every_demo_service_can_be_filled() {
        let cat = catalog();
        let usable = usable_services(&cat);
        assert_eq!(
            usable.len(),
            cat.services.iter().filter(|s| !s.desk_only).count(),
            "a service has no valid sample"
        );
        for svc in &cat.services {
            for seed in 0..50 {
                for lang in Lang::ALL {
                    let answers = sample_answers(svc, seed, lang)
                        .unwrap_or_else(|| panic!("{} seed {seed} {lang:?}", svc.id));
                    for f in svc.fields.iter().filter(|f| f.required) {
                        assert!(
                            answers.iter().any(|(_, id, _)| *id == f.id),
                            "{}: required {} unfilled",
                            svc.id,
                            f.id
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn overrides_switch_to_remote_and_check_the_url() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/kiosk.toml");
        let base = KioskConfig::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let args = |central: Option<&str>| BurnInArgs {
            sessions: 1,
            central: central.map(str::to_owned),
            wait_sync: None,
            step_timeout: 60,
            input: InputMode::Touch,
            speech_log: None,
            timings: None,
        };
        let mut cfg = base.clone();
        apply_overrides(&mut cfg, &args(Some("http://127.0.0.1:9")))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cfg.central.mode, CentralMode::Remote);
        assert_eq!(cfg.central.url, "http://127.0.0.1:9");
        assert!(cfg.session.idle_timeout_s >= 3600);
        assert!(cfg.token().is_ok_and(|t| !t.is_empty()));
        let mut cfg = base.clone();
        for bad in [
            "http://central.example.az",
            "http://127.0.0.1:@evil.example/",
        ] {
            assert!(
                matches!(
                    apply_overrides(&mut cfg, &args(Some(bad))),
                    Err(BurnInError::CentralUrl { .. })
                ),
                "{bad}"
            );
        }
        let mut cfg = base;
        cfg.card_reader.kind = DeviceKind::Serial;
        assert!(matches!(
            apply_overrides(&mut cfg, &args(None)),
            Err(BurnInError::NoSimulatedReader)
        ));
        let drain_only = BurnInArgs {
            sessions: 0,
            ..args(None)
        };
        assert!(apply_overrides(&mut cfg, &drain_only).is_ok());
    }
}

//! `dost-kiosk run`: the kiosk window, the core under its supervisor, systemd's readiness and
//! watchdog, and a clean stop on SIGTERM.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use kiosk_core::view::{OutOfServiceKind, ScreenId, ViewModel};
use tokio_util::sync::CancellationToken;

use super::{GlobalArgs, RunArgs, load_config, log_filter};
use crate::platform::systemd::{self, NotifyState};
use crate::runtime;
use crate::ui_bridge::{self, Presenter, SlintUi};

/// Lines the log file's writer thread may have queued. Lines over it are dropped, never waited
/// for: a slow disk must not stall the UI. The appender's default (128,000 lines) keeps 4 MB of
/// queue resident for a kiosk that logs a few lines a session.
const LOG_QUEUE_LINES: usize = 4096;

/// Logs of the running kiosk: stderr (journald) and daily files in `data_dir/logs`, 7 kept.
fn init_kiosk_logging(data_dir: &Path) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    // The logs' folder is private (the files in it are, by the process's umask).
    let _ = crate::platform::fs::private_dir(&crate::platform::logs::dir(data_dir));
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(crate::platform::logs::FILE_PREFIX)
        .max_log_files(7)
        .build(crate::platform::logs::dir(data_dir));
    let (file, guard) = match appender {
        Ok(a) => tracing_appender::non_blocking::NonBlockingBuilder::default()
            .buffered_lines_limit(LOG_QUEUE_LINES)
            .lossy(true)
            .finish(a),
        Err(e) => {
            super::init_logging();
            tracing::warn!(error = %e, "cannot write log files; logging to stderr only");
            return None;
        }
    };
    let _ = tracing_subscriber::registry()
        .with(log_filter())
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(crate::platform::logs::stderr_colour())
                .with_writer(std::io::stderr),
        )
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(file),
        )
        .try_init();
    Some(guard)
}

fn has_display() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

const NO_DISPLAY: &str = "no display: the kiosk needs an X11 or Wayland display.\n\
    Run it under a virtual display:  xvfb-run -s '-screen 0 1080x1920x24' dost-kiosk run\n\
    (or `make run`, which does this when no display is set).\n\
    Screens can be rendered without any display:  dost-kiosk screenshot --list";

pub(super) fn run(global: &GlobalArgs, args: &RunArgs) -> Result<ExitCode, String> {
    let cfg = load_config(global)?;
    let _log_guard = init_kiosk_logging(&cfg.data_dir());
    // With the linuxkms backend the kiosk draws to the screen itself and needs no display.
    if !has_display() && !cfg!(feature = "linuxkms") {
        return Err(NO_DISPLAY.to_owned());
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("kiosk-core")
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let (ui_tx, ui_rx) = tokio::sync::mpsc::unbounded_channel();
    let ui = match SlintUi::new(ui_tx) {
        Ok(ui) => ui,
        Err(ui_bridge::UiError::NoDisplay(why)) => return Err(format!("{NO_DISPLAY}\n({why})")),
        Err(e) => return Err(format!("cannot open the kiosk window: {e}")),
    };
    if args.fullscreen {
        ui.set_fullscreen(true);
    }
    // The first frame is on screen: tell systemd, and the benchmark harness when it asks.
    let beacon = std::env::var("KIOSK_BEACON").ok();
    let handle = rt.handle().clone();
    ui.on_first_frame(move || {
        if let Err(e) = systemd::notify(NotifyState::Ready) {
            tracing::warn!(error = %e, "cannot notify systemd");
        }
        if let Some(beacon) = beacon {
            handle.spawn(ping_beacon(beacon));
        }
    });
    let presenter = ui.presenter();
    let present: runtime::SharedPresent = Arc::new(move |vm| {
        if let Err(e) = presenter.show(vm) {
            tracing::debug!(error = %e, "view not shown (the window is closing)");
        }
    });
    let (route, ui_rx) = {
        let _enter = rt.enter();
        runtime::UiRoute::new(ui_rx)
    };
    let (center_name, lang) = (cfg.kiosk.center_name.clone(), cfg.session.default_lang);
    let kiosk = match rt.block_on(runtime::start(
        cfg,
        runtime::present_through(&present),
        ui_rx,
    )) {
        Ok(kiosk) => kiosk,
        // The database cannot be used: say so on the screen (citizens see "out of service",
        // technicians the log) instead of a blank kiosk; systemd keeps retrying.
        Err(runtime::RuntimeError::Store(e)) => {
            tracing::error!(error = %e, "the kiosk database cannot be used");
            ui.show(&ViewModel {
                screen: ScreenId::OutOfService,
                out_of_service: Some(OutOfServiceKind::Storage),
                center_name,
                lang,
                ..Default::default()
            });
            let quit = ui.presenter();
            rt.spawn(async move {
                wait_for_signal().await;
                let _ = quit.quit();
            });
            ui.run().map_err(|e| e.to_string())?;
            return Err(format!("the kiosk database cannot be used: {e}"));
        }
        Err(e) => return Err(e.to_string()),
    };
    tracing::info!(central = %kiosk.central_url, "kiosk running");
    // The supervisor owns the core: it restarts it in place when a technician's saved settings
    // need it, and shuts it down in order on SIGTERM/SIGINT, a technician's restart, or when
    // the window closes; then the window closes too.
    let stop = CancellationToken::new();
    let supervisor = {
        let global = global.clone();
        let restarts = runtime::Restarts {
            load: Box::new(move || load_config(&global)),
            present,
            route,
            started: None,
        };
        let quit = ui.presenter();
        let stop = stop.clone();
        rt.spawn(async move {
            let ended = runtime::supervise(kiosk, restarts, stop).await;
            let _ = systemd::notify(NotifyState::Stopping);
            let _ = quit.quit();
            ended
        })
    };
    {
        let stop = stop.clone();
        rt.spawn(async move {
            wait_for_signal().await;
            tracing::info!("stop signal received");
            stop.cancel();
        });
    }
    if let Some(every) = systemd::watchdog_interval() {
        rt.spawn(pet_watchdog(ui.presenter(), every));
    }
    let ran = ui.run();
    stop.cancel();
    let ended = rt.block_on(supervisor);
    rt.shutdown_timeout(Duration::from_millis(300));
    ran.map_err(|e| e.to_string())?;
    match ended {
        Ok(runtime::Ended::Stopped) => tracing::info!("kiosk stopped"),
        Ok(runtime::Ended::AppRestart) => tracing::info!("restart requested by a technician"),
        Ok(runtime::Ended::Failed(why)) => {
            return Err(format!("the kiosk core could not start again: {why}"));
        }
        Err(e) => return Err(format!("the supervisor failed: {e}")),
    }
    Ok(ExitCode::SUCCESS)
}

/// Pets systemd's watchdog from the UI event loop, so a frozen screen gets the kiosk restarted.
async fn pet_watchdog(ui: Presenter, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        let pet = ui.run_on_ui(|| {
            let _ = systemd::notify(NotifyState::Watchdog);
        });
        if pet.is_err() {
            return;
        }
    }
}

async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// GETs `$KIOSK_BEACON?ev=ready` (plain HTTP to this machine, set by the benchmark harness).
async fn ping_beacon(beacon: String) {
    let Ok(mut url) = reqwest::Url::parse(&beacon) else {
        tracing::warn!("KIOSK_BEACON is not a URL");
        return;
    };
    if !url
        .host()
        .is_some_and(|h| kiosk_core::central_url::is_loopback(&h))
    {
        tracing::warn!("KIOSK_BEACON must point at this machine");
        return;
    }
    url.query_pairs_mut().append_pair("ev", "ready");
    crate::central::ensure_tls();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(1))
        .build();
    if let Ok(client) = client
        && let Err(e) = client.get(url).send().await
    {
        tracing::debug!(error = %e, "benchmark beacon not reached");
    }
}

//! The supervisor: owns the running core until the kiosk stops; restarts it in place when a
//! technician's saved settings (or a restart without systemd) need it; shuts it down in order.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use kiosk_core::view::{ServiceMessage, UiEvent};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{Kiosk, SharedPresent, present_through, start_with};
use crate::config::KioskConfig;

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
        let previous = (*kiosk.cfg).clone();
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
                let note = ServiceMessage::SettingsDidNotStart { error: why };
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

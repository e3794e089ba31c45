//! Service mode's work outside the session: the PIN check, each action with its audit entry,
//! the facts the service screens show, and the technician's settings (loaded from and written
//! to the configuration file, then applied through the one configuration decision).

use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use kiosk_core::catalog::Catalog;
use kiosk_core::health::DeviceBoard;
use kiosk_core::pin::{PinGate, PinResult, Role};
use kiosk_core::print::PrintDoc;
use kiosk_core::screen::ServiceFacts;
use kiosk_core::session::SettingsApplied;
use kiosk_core::settings::{Settings, SettingsDraft};
use kiosk_core::view::{ServiceAction, ServiceMessage};
use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;

use super::edges::PrintQueue;
use crate::central::{CentralClient, SyncStatus};
use crate::config::{CentralMode, KioskConfig, change, edit};
use crate::platform;
use crate::store::StoreHandle;

/// What the loop knows when it starts an effect.
#[derive(Clone)]
pub struct Snapshot {
    pub catalog: Arc<Catalog>,
    pub cfg: Arc<KioskConfig>,
    pub devices: DeviceBoard,
    pub sync: SyncStatus,
}

/// Held receipts listed on the staff screen.
const HELD_SHOWN: usize = 50;
/// Log lines on the technician's screen.
const LOG_SHOWN: usize = 12;

/// Service mode's edges.
#[derive(Clone)]
pub struct ServiceOps {
    pub store: StoreHandle,
    pub printer: Arc<dyn PrintQueue>,
    /// The PIN pad's memory of failures (survives leaving the pad, not a restart).
    pub pin: Arc<Mutex<PinGate>>,
    /// Cancelled for a restart under systemd: the process exits and systemd starts it again.
    pub exit: CancellationToken,
    /// Set when the core must restart in place; carries what the technician sees after it.
    pub reload: Arc<watch::Sender<Option<ServiceMessage>>>,
    /// Notified after the configuration file was written (it is read again at once).
    pub reread: Arc<Notify>,
    /// The centre's address (the embedded one's when embedded).
    pub central_url: String,
}

impl ServiceOps {
    /// Appends to the audit log (failures are logged).
    pub fn audit(
        &self,
        actor: &'static str,
        action: &'static str,
        detail: String,
    ) -> impl Future<Output = ()> + Send + 'static {
        let store = self.store.clone();
        async move {
            if let Err(e) = store
                .call(move |s| s.audit(actor, action, &detail, Utc::now()))
                .await
            {
                tracing::warn!(error = %e, action, "audit entry not written");
            }
        }
    }

    /// Checks a PIN against the configured hashes (slow, off the async threads), with the
    /// pad's lockout; the outcome goes to the audit log (never the PIN).
    pub fn check_pin(
        &self,
        pin: String,
        snap: &Snapshot,
        now_ms: u64,
    ) -> impl Future<Output = PinResult> + Send + 'static {
        let gate = self.pin.clone();
        let hashes = snap.cfg.service.pin_hashes();
        let ops = self.clone();
        async move {
            const LOCKED: PinResult = PinResult::Locked { for_ms: 60_000 };
            let result = tokio::task::spawn_blocking(move || {
                gate.lock().map_or(LOCKED, |mut g| {
                    g.try_pin(&pin, &hashes, now_ms, crate::config::pin::matches)
                })
            })
            .await
            .unwrap_or(LOCKED);
            let (actor, action) = match result {
                PinResult::Granted(role) => (role.name(), "service_entered"),
                PinResult::Wrong { .. } => ("unknown", "pin_wrong"),
                PinResult::Locked { .. } => ("unknown", "pin_locked"),
            };
            tracing::info!(actor, action, "service PIN");
            ops.audit(actor, action, String::new()).await;
            result
        }
    }

    /// Runs a service action and records it; the message for the screen and fresh facts.
    pub fn action(
        &self,
        role: Role,
        action: ServiceAction,
        snap: Snapshot,
    ) -> impl Future<Output = (Option<ServiceMessage>, ServiceFacts)> + Send + 'static {
        let ops = self.clone();
        async move {
            let message = match action {
                ServiceAction::Refresh => None,
                ServiceAction::TestPrint => Some(ops.test_print().await),
                ServiceAction::PaperRestocked => {
                    ops.printer.restocked();
                    Some(ServiceMessage::PaperRestocked)
                }
                ServiceAction::ReprintHeld => {
                    ops.printer.kick();
                    Some(ServiceMessage::HeldReleased)
                }
                ServiceAction::ExportDiagnostics => Some(ops.export_diagnostics(&snap).await),
                // Under systemd the process exits and systemd starts it again; elsewhere (the
                // demo, a manual start) the core restarts in place so the kiosk stays up.
                ServiceAction::Restart if platform::systemd::under_systemd() => {
                    ops.exit.cancel();
                    Some(ServiceMessage::Restarting)
                }
                ServiceAction::Restart => {
                    ops.reload.send_replace(Some(ServiceMessage::AppRestarted));
                    Some(ServiceMessage::Restarting)
                }
                // The session handles these itself; they never come here.
                ServiceAction::OpenSettings | ServiceAction::SaveSettings => None,
                // The chip thread runs the test; its result shows on the chip test's line.
                ServiceAction::ChipTest => None,
                ServiceAction::HelpAnswered => {
                    let answered = ops.store.call(|s| s.answer_help_calls(Utc::now())).await;
                    if let Err(e) = answered {
                        tracing::warn!(error = %e, "calls for staff not marked answered");
                    }
                    None
                }
            };
            ops.audit(role.name(), "service_action", action.name().to_owned())
                .await;
            (message, ops.facts(snap).await)
        }
    }

    async fn test_print(&self) -> ServiceMessage {
        let queued = self
            .store
            .call(|s| s.queue_job(&PrintDoc::TestPage, Utc::now()))
            .await;
        self.printer.kick();
        match queued {
            Ok(job) => ServiceMessage::TestPageQueued { job },
            Err(e) => ServiceMessage::TestPageNotQueued {
                error: e.to_string(),
            },
        }
    }

    /// A diagnostics bundle (no personal data) in the data directory.
    async fn export_diagnostics(&self, snap: &Snapshot) -> ServiceMessage {
        let now = Utc::now();
        let dir = snap.cfg.data_dir();
        let stats = self.store.call(|s| s.stats()).await.ok();
        let devices = snap.devices.clone();
        let sync = snap.sync.clone();
        let kiosk_id = snap.cfg.kiosk.id.clone();
        let written = tokio::task::spawn_blocking(move || {
            let bundle = serde_json::json!({
                "kiosk_id": kiosk_id,
                "version": env!("CARGO_PKG_VERSION"),
                "created_at": now,
                "devices": devices.reports(),
                "printer": devices.printer,
                "receipts_left": devices.supply.map(|s| s.receipts_left),
                "outbox_depth": stats.map(|s| s.outbox_depth),
                "held_receipts": stats.map(|s| s.held_jobs),
                "paper_used_mm": stats.map(|s| s.paper_used_mm),
                "sync": {"online": sync.online, "last_error": sync.last_error},
                "log_tail": platform::logs::tail(&dir, 500),
            });
            let path = dir.join(format!("diagnostics-{}.json", now.format("%Y%m%d-%H%M%S")));
            platform::fs::replace_atomically(&path, bundle.to_string().as_bytes(), Some(0o600))
                .map(|()| path)
        })
        .await
        .map_err(std::io::Error::other)
        .and_then(|r| r);
        match written {
            Ok(path) => ServiceMessage::DiagnosticsSaved {
                path: path.display().to_string(),
            },
            Err(e) => ServiceMessage::DiagnosticsNotSaved {
                error: e.to_string(),
            },
        }
    }

    /// What the service screens show besides the devices.
    pub fn facts(&self, snap: Snapshot) -> impl Future<Output = ServiceFacts> + Send + 'static {
        let store = self.store.clone();
        let central_url = self.central_url.clone();
        async move {
            let counts = store
                .call(|s| s.facts(HELD_SHOWN))
                .await
                .map_err(|e| e.to_string());
            let dir = snap.cfg.data_dir();
            let machine = tokio::task::spawn_blocking(move || {
                (
                    platform::ports::lines(),
                    platform::disk::free_bytes(&dir),
                    platform::logs::tail(&dir, LOG_SHOWN),
                )
            })
            .await;
            let (ports, disk_free, log_tail) = match machine {
                Ok((ports, disk, tail)) => (Some(ports), disk, tail),
                Err(e) => (Some(Err(e.to_string())), None, Vec::new()),
            };
            ServiceFacts {
                store: Some(counts),
                sync: snap.sync.facts(),
                central_url,
                ports,
                disk_free,
                log_tail,
                at: Some(Utc::now()),
                kiosk_id: snap.cfg.kiosk.id.clone(),
                version: env!("CARGO_PKG_VERSION").to_owned(),
                location: snap.cfg.kiosk.location.clone(),
            }
        }
    }

    /// The settings form, made from the configuration file and the machine's serial ports.
    pub fn load_settings(
        &self,
        snap: &Snapshot,
    ) -> impl Future<Output = Result<Box<SettingsDraft>, String>> + Send + 'static {
        let path = snap.cfg.source.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                let cfg = KioskConfig::load(&path).map_err(|e| e.to_string())?;
                let ports = platform::ports::for_settings(&[
                    cfg.card_reader.port.as_str(),
                    cfg.printer.port.as_str(),
                ]);
                Ok(Box::new(SettingsDraft::new(edit::settings_of(&cfg), ports)))
            })
            .await
            .unwrap_or_else(|e| Err(e.to_string()))
        }
    }

    /// Writes the technician's settings to the configuration file (checked as a whole first;
    /// the old file kept as `.bak`), records it, then applies them through the configuration
    /// decision: at once when only live parts changed, else by restarting the core.
    pub fn save_settings(
        &self,
        settings: Settings,
        original: Settings,
        snap: &Snapshot,
    ) -> impl Future<Output = Result<SettingsApplied, String>> + Send + 'static {
        let ops = self.clone();
        let running = snap.cfg.clone();
        async move {
            let path = running.source.clone();
            let data_dir = running.kiosk.data_dir.clone();
            let sections: Vec<&str> = settings
                .changed_sections(&original)
                .iter()
                .map(|s| s.name())
                .collect();
            let sections = sections.join(",");
            let written = tokio::task::spawn_blocking(move || {
                write_settings(path, data_dir, &settings, &original)
            })
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
            let next = match written {
                Ok(next) => next,
                Err(why) => {
                    tracing::warn!(error = %why, "settings not saved");
                    ops.audit("technician", "settings_refused", why.clone())
                        .await;
                    return Err(why);
                }
            };
            tracing::info!(sections = %sections, "settings saved by a technician");
            ops.audit(
                "technician",
                "settings_saved",
                format!("changed: {sections}"),
            )
            .await;
            if change::decide(&running, &next).is_live() {
                ops.reread.notify_one();
                Ok(SettingsApplied::NameOnly)
            } else {
                ops.reload
                    .send_replace(Some(ServiceMessage::SettingsApplied { sections }));
                Ok(SettingsApplied::Restarting)
            }
        }
    }
}

/// Writes `settings` into the configuration file unless someone changed it since the form
/// was opened; returns the configuration written (with the running data directory).
fn write_settings(
    path: PathBuf,
    data_dir: PathBuf,
    settings: &Settings,
    original: &Settings,
) -> Result<KioskConfig, String> {
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let now_in_file = KioskConfig::parse(&text, &path).map_err(|e| e.to_string())?;
    if edit::settings_of(&now_in_file) != *original {
        return Err(
            "the configuration file changed since the form was opened; open the settings again"
                .into(),
        );
    }
    let (new_text, mut next) =
        edit::apply_to_text(&text, &path, settings).map_err(|e| e.to_string())?;
    // What the next start needs must be there now, not after the restart.
    next.kiosk.data_dir = data_dir;
    next.token().map_err(|e| e.to_string())?;
    if next.central.mode == CentralMode::Remote {
        CentralClient::new(&next.central.url, "-", Duration::from_secs(1))
            .map_err(|e| format!("central.url: {e}"))?;
    }
    edit::write_config(&path, &new_text).map_err(|e| e.to_string())?;
    Ok(next)
}

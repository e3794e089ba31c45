//! Housekeeping: heartbeats, the purge of confirmed personal data, status refreshes of open
//! applications, the catalog and settings pulled from the centre (with ETags, checked before
//! use), the configuration file watched for edits, and the device states published for
//! `dost-kiosk printer status`. Every configuration change goes through
//! [`crate::config::change::decide`].

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use kiosk_core::catalog::Catalog;
use kiosk_core::health::DeviceBoard;
use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;

use super::event_loop::Live;
use crate::central::{CentralClient, CentralError};
use crate::config::{KioskConfig, change};
use crate::store::StoreHandle;

/// File in the data directory where the running kiosk publishes its device states.
pub const STATUS_FILE: &str = "status.json";

/// The device states as published in [`STATUS_FILE`].
pub fn status_json(board: &DeviceBoard) -> serde_json::Value {
    serde_json::json!({
        "updated_at": Utc::now(),
        "devices": board.reports(),
        "printer": board.printer,
        "receipts_left": board.supply.map(|s| s.receipts_left),
        "paper_low": board.supply.is_some_and(|s| s.low),
    })
}

/// What housekeeping works with.
pub struct Housekeeping {
    pub store: StoreHandle,
    pub client: CentralClient,
    pub devices: watch::Receiver<DeviceBoard>,
    /// The running configuration and catalog; the event loop applies what is sent.
    pub live: watch::Sender<Live>,
    /// Notified when the configuration file was written by the kiosk itself.
    pub reread: Arc<Notify>,
    /// Notified when a heartbeat should go at once (a citizen called for staff).
    pub beat: Arc<Notify>,
}

/// Most calls for staff one heartbeat carries (the centre's limit).
const HELP_SENT: usize = 32;

/// The ETags and last refusal of what is pulled from the centre.
#[derive(Default)]
struct Pulled {
    catalog_etag: Option<String>,
    config_etag: Option<String>,
    config_error: Option<String>,
}

impl Housekeeping {
    pub async fn run(mut self, cancel: CancellationToken) {
        let cfg = self.live.borrow().cfg.clone();
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
        let mut pulled = Pulled::default();
        let data_dir = cfg.data_dir();
        loop {
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = purge.tick() => self.purge(cfg.kiosk.purge_after_days).await,
                _ = file_check.tick() => {
                    let stamp = modified(&cfg.source);
                    if stamp != file_stamp {
                        file_stamp = stamp;
                        self.reload_file().await;
                    }
                }
                _ = self.reread.notified() => {
                    file_stamp = modified(&cfg.source);
                    self.reload_file().await;
                }
                _ = refresh.tick() => {
                    self.refresh_open_applications().await;
                    self.pull_catalog(&mut pulled).await;
                    self.pull_config(&mut pulled).await;
                }
                _ = heartbeat.tick() => self.heartbeat(started, &pulled).await,
                _ = self.beat.notified() => self.heartbeat(started, &pulled).await,
                changed = self.devices.changed() => {
                    if changed.is_err() {
                        // The event loop is gone; only cancellation ends this now.
                        cancel.cancelled().await;
                        return;
                    }
                    let board = self.devices.borrow_and_update().clone();
                    publish_status(data_dir.clone(), board).await;
                }
            }
        }
    }

    /// Sends a configuration change: what applies at once is applied; the rest waits.
    fn apply(&self, next: &KioskConfig) {
        let running = self.live.borrow().cfg.clone();
        let change = change::decide(&running, next);
        if !change.restart.is_empty() {
            let sections: Vec<&str> = change.restart.iter().map(|s| s.name()).collect();
            tracing::warn!(sections = ?sections, "changed settings apply at the next start");
        }
        if change.live != *running {
            self.live.send_modify(|l| l.cfg = Arc::new(change.live));
        }
    }

    /// The configuration file changed: apply what applies without a restart, if it is valid.
    async fn reload_file(&self) {
        let running = self.live.borrow().cfg.clone();
        let path = running.source.clone();
        match tokio::task::spawn_blocking(move || KioskConfig::load(&path)).await {
            Ok(Ok(mut edited)) => {
                // A data directory given on the command line stays.
                edited.kiosk.data_dir = running.kiosk.data_dir.clone();
                tracing::info!("configuration file reloaded");
                self.apply(&edited);
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "edited configuration refused; the current one stays")
            }
            Err(e) => tracing::warn!(error = %e, "configuration reload failed"),
        }
    }

    async fn purge(&self, keep_days: u32) {
        let before = Utc::now() - chrono::Duration::days(i64::from(keep_days));
        match self.store.call(move |s| s.purge_confirmed(before)).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(purged = n, "personal data of confirmed applications purged"),
            Err(e) => tracing::error!(error = %e, "purge failed"),
        }
    }

    async fn heartbeat(&self, started: Instant, pulled: &Pulled) {
        let stats = self.store.call(|s| s.stats()).await.unwrap_or_default();
        let calls = self
            .store
            .call(|s| s.open_help_calls(HELP_SENT))
            .await
            .unwrap_or_default();
        let board = self.devices.borrow().clone();
        let location = self.live.borrow().cfg.kiosk.location.clone();
        let hb = dost_api::Heartbeat {
            help_requests: calls
                .into_iter()
                .map(|c| dost_api::HelpRequest {
                    request_id: c.id,
                    asked_at: c.at,
                    screen: c.screen.name().to_owned(),
                    location: location.clone(),
                })
                .collect(),
            kiosk_id: self.live.borrow().cfg.kiosk.id.clone(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            uptime_s: started.elapsed().as_secs(),
            sent_at: Utc::now(),
            devices: board.reports(),
            outbox_depth: stats.outbox_depth,
            held_receipts: stats.held_jobs,
            receipts_left: board.supply.map(|s| s.receipts_left),
            config_error: pulled.config_error.clone(),
        };
        if let Err(e) = self.client.heartbeat(&hb).await {
            tracing::debug!(error = %e, "heartbeat not delivered");
        }
    }

    /// Asks the centre for the status of applications that may still change.
    async fn refresh_open_applications(&self) {
        let open = self
            .store
            .call(|s| s.open_applications(50))
            .await
            .unwrap_or_default();
        for app in open {
            match self.client.application(&app.application_id).await {
                Ok(status) if status.application_id == app.application_id => {
                    let now = Utc::now();
                    let tag = app.fin_tag;
                    if let Err(e) = self
                        .store
                        .call(move |s| s.cache_status_tagged(&tag, &status, now))
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

    async fn pull_catalog(&self, pulled: &mut Pulled) {
        match self
            .client
            .get_if_changed("/catalog", pulled.catalog_etag.as_deref())
            .await
        {
            Ok(None) => {}
            Ok(Some((json, tag))) => match Catalog::from_json(json) {
                Ok(catalog) => {
                    pulled.catalog_etag = tag;
                    if *self.live.borrow().catalog != catalog {
                        tracing::info!(
                            services = catalog.services.len(),
                            "catalog from the centre"
                        );
                        self.live.send_modify(|l| l.catalog = Arc::new(catalog));
                    }
                }
                Err(e) => tracing::warn!(error = %e, "catalog from the centre refused"),
            },
            Err(e) if e.status() == Some(404) => {}
            Err(e) => tracing::debug!(error = %e, "catalog not pulled"),
        }
    }

    async fn pull_config(&self, pulled: &mut Pulled) {
        let running = self.live.borrow().cfg.clone();
        let path = format!("/kiosks/{}/config", running.kiosk.id);
        let answer: Result<_, CentralError> = self
            .client
            .get_if_changed(&path, pulled.config_etag.as_deref())
            .await;
        match answer {
            Ok(None) => {}
            Ok(Some((json, tag))) => {
                pulled.config_etag = tag;
                match running.with_remote(&json) {
                    Ok(next) => {
                        pulled.config_error = None;
                        tracing::info!("configuration from the centre applied");
                        self.apply(&next);
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "configuration from the centre refused");
                        pulled.config_error = Some(e.to_string());
                    }
                }
            }
            Err(e) if e.status() == Some(404) => {}
            Err(e) => tracing::debug!(error = %e, "configuration not pulled"),
        }
    }
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Publishes the device states for `dost-kiosk printer status` (atomic write, off the async
/// threads).
async fn publish_status(data_dir: PathBuf, board: DeviceBoard) {
    let written = tokio::task::spawn_blocking(move || {
        let text = status_json(&board).to_string();
        crate::platform::fs::replace_atomically(
            &data_dir.join(STATUS_FILE),
            text.as_bytes(),
            // Device states only (no personal data), yet private like everything in the
            // data directory: a technician reads it as the kiosk user or root.
            Some(0o600),
        )
    })
    .await;
    if let Ok(Err(e)) = written {
        tracing::warn!(error = %e, "cannot publish device status");
    }
}

#[cfg(test)]
#[path = "housekeeping_tests.rs"]
mod tests;

//! The outbox relay: delivers stored applications (and ratings) to the centre.
//!
//! It sends at least once; the idempotency key of each application makes the centre record it
//! exactly once. Failures back off with full jitter and honour `Retry-After`.

use std::sync::Arc;
use std::time::Duration;

use dost_api::{ItemOutcome, SubmitBatch};
use kiosk_core::screen::SyncFacts;
use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;

use super::client::CentralClient;
use crate::store::StoreHandle;

/// Full-jitter back-off: a random wait in `[0, min(cap, base · 2^attempt)]`; `unit` is the
/// random draw in `[0, 1]`.
pub fn full_jitter(attempt: u32, base: Duration, cap: Duration, unit: f64) -> Duration {
    let exp = base.saturating_mul(2u32.saturating_pow(attempt.min(30)));
    exp.min(cap).mul_f64(unit.clamp(0.0, 1.0))
}

/// What the relay reports.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncStatus {
    /// The last exchange with the centre worked.
    pub online: bool,
    pub last_error: Option<String>,
    /// Applications delivered since start.
    pub delivered: u64,
    /// The applications delivered last (newest last, at most [`RECENT_DELIVERED`]): the done
    /// screen says "received by DOST" once its number is here.
    pub recent: Vec<String>,
}

/// How many delivered application numbers [`SyncStatus::recent`] keeps.
pub const RECENT_DELIVERED: usize = 64;

impl SyncStatus {
    /// What the service screens show of it.
    pub fn facts(&self) -> SyncFacts {
        SyncFacts {
            online: self.online,
            last_error: self.last_error.clone(),
        }
    }
}

/// Settings of the relay.
#[derive(Debug, Clone, Copy)]
pub struct RelaySettings {
    pub batch_size: usize,
    pub retry_base: Duration,
    pub retry_cap: Duration,
    /// Look at the outbox at least this often even without a wake-up.
    pub idle_poll: Duration,
}

/// The relay's inputs and outputs.
pub struct Relay {
    pub store: StoreHandle,
    pub client: CentralClient,
    pub settings: RelaySettings,
    /// Notified after each submission.
    pub wake: Arc<Notify>,
    pub status: watch::Sender<SyncStatus>,
}

impl Relay {
    /// Drains the outbox until cancelled.
    pub async fn run(self, cancel: CancellationToken) {
        let mut attempt: u32 = 0;
        loop {
            if cancel.is_cancelled() {
                return;
            }
            let limit = self.settings.batch_size;
            let wait = match self.store.call(move |s| s.pending_batch(limit)).await {
                Err(e) => {
                    tracing::error!(error = %e, "cannot read the outbox");
                    self.status
                        .send_modify(|s| s.last_error = Some(e.to_string()));
                    Some(self.settings.retry_cap)
                }
                Ok(batch) if batch.is_empty() => {
                    self.deliver_tickets().await;
                    self.deliver_ratings().await;
                    tokio::select! {
                        _ = cancel.cancelled() => return,
                        _ = self.wake.notified() => {}
                        _ = tokio::time::sleep(self.settings.idle_poll) => {}
                    }
                    None
                }
                Ok(batch) => {
                    tokio::select! {
                        _ = cancel.cancelled() => return,
                        wait = self.deliver(batch, &mut attempt) => wait,
                    }
                }
            };
            if let Some(wait) = wait
                && sleep_or_cancel(wait, &cancel).await
            {
                return;
            }
        }
    }

    /// Sends one batch; returns how long to wait before the next attempt, if at all.
    async fn deliver(
        &self,
        batch: Vec<dost_api::ApplicationSubmission>,
        attempt: &mut u32,
    ) -> Option<Duration> {
        let ids: Vec<String> = batch.iter().map(|a| a.application_id.clone()).collect();
        let n = batch.len();
        let request = SubmitBatch {
            applications: batch,
        };
        match self.client.submit(&request).await {
            Ok(resp) => {
                *attempt = 0;
                let results = resp.results;
                let received: Vec<String> = results
                    .iter()
                    .filter(|r| matches!(r.outcome, ItemOutcome::Accepted | ItemOutcome::Replayed))
                    .map(|r| r.application_id.clone())
                    .collect();
                match self.store.call(move |s| s.record_results(&results)).await {
                    Ok(done) => {
                        tracing::info!(sent = n, recorded = done, "outbox batch delivered");
                        self.status.send_modify(|s| {
                            s.online = true;
                            s.last_error = None;
                            s.delivered += done as u64;
                            s.recent.extend(received);
                            let extra = s.recent.len().saturating_sub(RECENT_DELIVERED);
                            s.recent.drain(..extra);
                        });
                        None
                    }
                    Err(e) => {
                        // Delivered but not recorded: the next attempt is replayed by the centre.
                        tracing::error!(error = %e, "cannot record delivery");
                        Some(self.settings.retry_base)
                    }
                }
            }
            Err(e) => {
                let jitter = full_jitter(
                    *attempt,
                    self.settings.retry_base,
                    self.settings.retry_cap,
                    rand::random(),
                );
                let wait = e.retry_after().map_or(jitter, |ra| ra.max(jitter));
                tracing::warn!(error = %e, batch = n, attempt = *attempt, wait_ms = wait.as_millis() as u64, "outbox delivery failed; will retry");
                let msg = e.to_string();
                self.status.send_modify(|s| {
                    s.online = false;
                    s.last_error = Some(msg.clone());
                });
                if let Err(e) = self
                    .store
                    .call(move |s| s.record_attempt_error(&ids, &msg))
                    .await
                {
                    tracing::warn!(error = %e, "cannot note the failed attempt");
                }
                *attempt = attempt.saturating_add(1);
                Some(wait)
            }
        }
    }

    /// Sends the queue tickets numbered while the centre could not be reached, each once by
    /// its `ticket_id` (the centre keeps the printed number). A ticket the centre refuses is
    /// set aside; any other failure ends the pass (tried again at the next one).
    async fn deliver_tickets(&self) {
        let pending = match self.store.call(|s| s.pending_tickets(50)).await {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the queue tickets");
                return;
            }
        };
        for ticket in pending {
            let id = ticket.ticket_id.clone();
            match self.client.issue_ticket(&ticket).await {
                Ok(answer) => {
                    tracing::info!(number = %answer.number, "offline queue ticket delivered");
                    if let Err(e) = self.store.call(move |s| s.ticket_delivered(&answer)).await {
                        tracing::warn!(error = %e, "cannot record a delivered ticket");
                    }
                }
                Err(e) if matches!(e.status(), Some(403 | 409 | 422)) => {
                    tracing::error!(error = %e, "the centre refused a queue ticket; set aside");
                    let why = e.to_string();
                    if let Err(e) = self.store.call(move |s| s.ticket_refused(&id, &why)).await {
                        tracing::warn!(error = %e, "cannot set a ticket aside");
                    }
                }
                Err(e) => {
                    tracing::debug!(error = %e, "queue tickets not delivered yet");
                    let why = e.to_string();
                    let _ = self
                        .store
                        .call(move |s| s.ticket_attempt_failed(&id, &why))
                        .await;
                    return;
                }
            }
        }
    }

    /// Sends the ratings waiting in the store (best effort: they are retried at the next pass).
    async fn deliver_ratings(&self) {
        let ratings = match self
            .store
            .call(|s| s.pending_ratings(dost_api::MAX_BATCH))
            .await
        {
            Ok(r) if !r.is_empty() => r,
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read ratings");
                return;
            }
        };
        let ids: Vec<String> = ratings.iter().map(|r| r.rating_id.clone()).collect();
        match self
            .client
            .ratings(&dost_api::RatingBatch { ratings })
            .await
        {
            Ok(resp) => {
                tracing::info!(
                    accepted = resp.accepted,
                    replayed = resp.replayed,
                    "ratings delivered"
                );
                if let Err(e) = self.store.call(move |s| s.ratings_synced(&ids)).await {
                    tracing::warn!(error = %e, "cannot record delivered ratings");
                }
            }
            Err(e) => tracing::debug!(error = %e, "ratings not delivered yet"),
        }
    }
}

/// Sleeps; true when cancelled first.
async fn sleep_or_cancel(d: Duration, cancel: &CancellationToken) -> bool {
    tokio::select! {
        _ = cancel.cancelled() => true,
        _ = tokio::time::sleep(d) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_in_bounds() {
        let base = Duration::from_millis(500);
        let cap = Duration::from_secs(60);
        assert_eq!(full_jitter(0, base, cap, 1.0), base);
        assert_eq!(full_jitter(3, base, cap, 1.0), Duration::from_secs(4));
        assert_eq!(full_jitter(20, base, cap, 1.0), cap);
        assert_eq!(full_jitter(u32::MAX, base, cap, 1.0), cap);
        assert_eq!(full_jitter(5, base, cap, 0.0), Duration::ZERO);
        assert_eq!(full_jitter(1, base, cap, 0.5), base);
        assert_eq!(full_jitter(1, base, cap, 7.0), Duration::from_secs(1));
    }
}

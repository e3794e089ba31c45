//! The outbox relay: delivers stored applications (and ratings) to the centre.
//!
//! It sends at least once; the idempotency key of each application makes the centre record it
//! exactly once. Failures back off on [`retry_wait`]'s schedule and honour `Retry-After`.

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
    exp.min(cap).mul_f64(unit_draw(unit))
}

/// A random draw as a share in `[0, 1]` (NaN counts as 0).
fn unit_draw(unit: f64) -> f64 {
    if unit.is_nan() {
        0.0
    } else {
        unit.clamp(0.0, 1.0)
    }
}

/// A steady wait (at the cap) is never shorter than this share of the cap.
pub const STEADY_FLOOR: f64 = 0.9;

/// A wait the centre asked for with `Retry-After` is lengthened by up to this share of itself
/// (at most of the cap), so kiosks told the same time do not all come back at once.
pub const RETRY_AFTER_SPREAD: f64 = 0.25;

/// The attempt whose full-jitter range first reaches the cap (`base · 2^n ≥ cap`).
fn attempt_at_cap(base: Duration, cap: Duration) -> u32 {
    (0..31)
        .find(|&n| base.saturating_mul(1 << n) >= cap)
        .unwrap_or(31)
}

/// The relay's wait after the failed attempt number `attempt` (0 for the first failure);
/// `unit` is a random draw in `[0, 1]`.
///
/// * While `base · 2^attempt` is below the cap: full jitter, `[0, base · 2^attempt]` (a short
///   blip costs little, and kiosks that failed together drift apart at once).
/// * The first wait that reaches the cap: `[0, cap]`, which puts the kiosk at a uniformly
///   random moment of the cap's period, whatever moment its trouble began.
/// * Every later wait: `[STEADY_FLOOR · cap, cap]`, nearly the cap. With full jitter at the
///   cap (waits in `[0, cap]`) a kiosk's next attempt after the centre comes back is twice as
///   likely to fall in the first second as in the last (a renewal process' next event has
///   density `P(wait > t) / E[wait]`): 1,000 kiosks made a burst of 2× their mean rate. Waits
///   of nearly constant length spread the fleet's first attempts evenly over the period.
///
/// Never longer than `cap`.
pub fn backoff(attempt: u32, base: Duration, cap: Duration, unit: f64) -> Duration {
    let unit = unit_draw(unit);
    let entry = attempt_at_cap(base, cap);
    match attempt.cmp(&entry) {
        std::cmp::Ordering::Less => full_jitter(attempt, base, cap, unit),
        std::cmp::Ordering::Equal => cap.mul_f64(unit),
        std::cmp::Ordering::Greater => cap.mul_f64(STEADY_FLOOR + (1.0 - STEADY_FLOOR) * unit),
    }
}

/// The wait before the next attempt: [`backoff`], or the centre's `Retry-After` when it sent a
/// longer one, then lengthened by up to [`RETRY_AFTER_SPREAD`] of the `Retry-After` (at most
/// of the cap) so kiosks told the same time do not all come back in the same second. Never
/// shorter than `Retry-After`; longer than the cap only when `Retry-After` asks for it.
pub fn retry_wait(
    attempt: u32,
    base: Duration,
    cap: Duration,
    retry_after: Option<Duration>,
    unit: f64,
) -> Duration {
    let wait = backoff(attempt, base, cap, unit);
    match retry_after {
        Some(ra) if ra >= wait => {
            ra.saturating_add(ra.min(cap).mul_f64(RETRY_AFTER_SPREAD * unit_draw(unit)))
        }
        _ => wait,
    }
}

/// The wait from now until this kiosk's slot of the cap's period, `after` at the earliest.
///
/// `now` is the wall clock (time since the UNIX epoch, NTP-synchronised on a kiosk) and `slot`
/// the kiosk's place in every period of length `cap` counted from the epoch
/// (`central.retry_slot_ms`). Never zero: a wait that would land on the slot now waits a whole
/// period.
pub fn until_slot(now: Duration, slot: Duration, cap: Duration, after: Duration) -> Duration {
    let cap_ms = cap.as_millis().max(1);
    let from = now.saturating_add(after).as_millis() % cap_ms;
    let slot = slot.as_millis() % cap_ms;
    let gap = (slot + cap_ms - from) % cap_ms;
    let gap = if gap == 0 { cap_ms } else { gap };
    after.saturating_add(Duration::from_millis(
        u64::try_from(gap).unwrap_or(u64::MAX),
    ))
}

/// The relay's wait: [`retry_wait`], or for a kiosk given a slot of the cap's period
/// (`central.retry_slot_ms`) the slot's schedule.
///
/// Without a slot, and below the cap, it is [`retry_wait`]. With one, from the first wait that reaches the cap on, every
/// attempt is made at the kiosk's slot ([`until_slot`]; a `Retry-After` is honoured, then the
/// next slot after it). Independent random waits cannot spread a fleet better than counting
/// noise (about ±√mean a second: 1,000 kiosks over a 60 s cap make bursts of 1.6× their mean
/// rate); slots handed out evenly by the centre's operator (kiosk *i* of *N*: `i · cap / N`)
/// bring the fleet back at an even rate, wherever the outage began.
pub fn retry_wait_at_slot(
    attempt: u32,
    base: Duration,
    cap: Duration,
    retry_after: Option<Duration>,
    unit: f64,
    now: Duration,
    slot: Option<Duration>,
) -> Duration {
    match slot {
        Some(slot) if attempt >= attempt_at_cap(base, cap) => {
            until_slot(now, slot, cap, retry_after.unwrap_or(Duration::ZERO))
        }
        _ => retry_wait(attempt, base, cap, retry_after, unit),
    }
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
    /// This kiosk's slot of the cap's period ([`retry_wait_at_slot`]); `None`: random waits.
    pub retry_slot: Option<Duration>,
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
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default();
                let wait = retry_wait_at_slot(
                    *attempt,
                    self.settings.retry_base,
                    self.settings.retry_cap,
                    e.retry_after(),
                    rand::random(),
                    now,
                    self.settings.retry_slot,
                );
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
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    const BASE: Duration = Duration::from_millis(500);
    const CAP: Duration = Duration::from_secs(60);

    #[test]
    fn slots_land_on_the_kiosks_place_in_the_period() {
        let s = Duration::from_secs;
        // 10:00:07 into a 60 s period; slot at 30 s: 23 s to go.
        let now = s(1_700_000_000 / 60 * 60 + 7);
        assert_eq!(until_slot(now, s(30), CAP, Duration::ZERO), s(23));
        // Slot already passed in this period: the next period's.
        assert_eq!(until_slot(now, s(5), CAP, Duration::ZERO), s(58));
        // Exactly on the slot: a whole period, never zero.
        assert_eq!(until_slot(now, s(7), CAP, Duration::ZERO), CAP);
        // Not before `after` (a Retry-After of 40 s: 47 s into the period, slot at 30 s).
        assert_eq!(until_slot(now, s(30), CAP, s(40)), s(83));
        // A slot past the period wraps.
        assert_eq!(until_slot(now, s(90), CAP, Duration::ZERO), s(23));
        // From the cap on every wait goes to the slot and stays within the cap; below it the
        // random schedule.
        for attempt in 0..20 {
            let w = retry_wait_at_slot(attempt, BASE, CAP, None, 0.5, now, Some(s(30)));
            if attempt < attempt_at_cap(BASE, CAP) {
                assert_eq!(w, backoff(attempt, BASE, CAP, 0.5));
            } else {
                assert_eq!(w, s(23));
            }
            assert!(w <= CAP);
        }
        let w = retry_wait_at_slot(9, BASE, CAP, Some(s(40)), 0.5, now, Some(s(30)));
        assert_eq!(w, s(83), "Retry-After first, then the slot");
        // Without a slot: the random schedule at every attempt.
        for attempt in 0..20 {
            let w = retry_wait_at_slot(attempt, BASE, CAP, None, 0.5, now, None);
            assert_eq!(w, retry_wait(attempt, BASE, CAP, None, 0.5));
        }
    }

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
        assert_eq!(full_jitter(1, base, cap, f64::NAN), Duration::ZERO);
    }

    fn units() -> impl Iterator<Item = f64> {
        (0..=20)
            .map(|i| f64::from(i) / 20.0)
            .chain([-1.0, 2.0, f64::NAN, f64::INFINITY])
    }

    #[test]
    fn backoff_never_exceeds_the_cap() {
        for (base, cap) in [
            (BASE, CAP),
            (Duration::from_millis(1), Duration::from_secs(1)),
            (Duration::from_secs(90), CAP),
            (Duration::from_millis(500), Duration::from_millis(500)),
        ] {
            for attempt in (0..64).chain([u32::MAX - 1, u32::MAX]) {
                for u in units() {
                    let w = backoff(attempt, base, cap, u);
                    assert!(w <= cap, "attempt {attempt} unit {u}: {w:?} > {cap:?}");
                }
            }
        }
    }

    #[test]
    fn backoff_grows_then_spreads_then_stays_near_the_cap() {
        // 0.5 s · 2^7 = 64 s is the first range at or over the 60 s cap.
        assert_eq!(attempt_at_cap(BASE, CAP), 7);
        for attempt in 0..7 {
            let top = BASE * (1 << attempt);
            assert_eq!(backoff(attempt, BASE, CAP, 1.0), top, "attempt {attempt}");
            assert_eq!(backoff(attempt, BASE, CAP, 0.0), Duration::ZERO);
        }
        // The first wait at the cap can fall anywhere in it.
        assert_eq!(backoff(7, BASE, CAP, 0.0), Duration::ZERO);
        assert_eq!(backoff(7, BASE, CAP, 0.5), CAP / 2);
        assert_eq!(backoff(7, BASE, CAP, 1.0), CAP);
        // Then nearly the cap.
        for attempt in [8, 9, 30, u32::MAX] {
            assert_eq!(backoff(attempt, BASE, CAP, 0.0), CAP.mul_f64(STEADY_FLOOR));
            assert_eq!(backoff(attempt, BASE, CAP, 1.0), CAP);
        }
        // A base at or over the cap is at the cap from the first failure.
        assert_eq!(attempt_at_cap(CAP * 2, CAP), 0);
        assert_eq!(backoff(1, CAP * 2, CAP, 0.0), CAP.mul_f64(STEADY_FLOOR));
    }

    #[test]
    fn retry_after_is_honoured_and_spread() {
        for ra_s in [0u64, 1, 5, 30, 59, 60, 61, 120, 3600] {
            let ra = Duration::from_secs(ra_s);
            let mut seen = Vec::new();
            for attempt in [0, 3, 7, 8, 40] {
                for u in units() {
                    let w = retry_wait(attempt, BASE, CAP, Some(ra), u);
                    assert!(w >= ra, "Retry-After {ra_s} s: waited {w:?}");
                    let top = ra.max(CAP) + ra.min(CAP).mul_f64(RETRY_AFTER_SPREAD);
                    assert!(w <= top, "Retry-After {ra_s} s: waited {w:?} > {top:?}");
                    // Past the cap only when the centre asked for it.
                    if ra < CAP.mul_f64(1.0 / (1.0 + RETRY_AFTER_SPREAD)) {
                        assert!(w <= CAP, "Retry-After {ra_s} s: {w:?} over the cap");
                    }
                    seen.push(w);
                }
            }
            seen.sort();
            seen.dedup();
            assert!(seen.len() > 10, "Retry-After {ra_s} s: waits not spread");
        }
        // A long Retry-After: kiosks told 120 s come back over 120..135 s, not in one second.
        let ra = Duration::from_secs(120);
        assert_eq!(retry_wait(40, BASE, CAP, Some(ra), 0.0), ra);
        assert_eq!(
            retry_wait(40, BASE, CAP, Some(ra), 1.0),
            Duration::from_secs(135)
        );
        // Without Retry-After: the back-off.
        assert_eq!(retry_wait(3, BASE, CAP, None, 0.5), Duration::from_secs(2));
    }

    /// Share of `kiosks` kiosks, retrying since a random moment of the first 30 s, whose
    /// first attempt after an `outage`-second outage falls in the first tenth of the cap.
    fn first_tenth_share(kiosks: u32, outage: f64, wait: impl Fn(u32, f64) -> Duration) -> f64 {
        let mut rng = StdRng::seed_from_u64(16);
        let mut early = 0u32;
        for _ in 0..kiosks {
            let mut t = rng.random::<f64>() * 30.0;
            let mut attempt = 0u32;
            while t < outage {
                t += wait(attempt, rng.random()).as_secs_f64().max(1e-6);
                attempt += 1;
            }
            if t - outage < CAP.as_secs_f64() / 10.0 {
                early += 1;
            }
        }
        f64::from(early) / f64::from(kiosks)
    }

    #[test]
    fn the_fleet_comes_back_evenly_spread_over_the_cap() {
        let kiosks = 5000;
        let ours = first_tenth_share(kiosks, 600.0, |a, u| backoff(a, BASE, CAP, u));
        // Evenly spread: a tenth (± sampling noise and the last tenth's shortfall).
        assert!((0.08..=0.125).contains(&ours), "{ours}");
        // Full jitter at the cap brings about 19 % back in the first tenth.
        let full = first_tenth_share(kiosks, 600.0, |a, u| full_jitter(a, BASE, CAP, u));
        assert!(full > 0.16, "{full}");
        // Also after an outage shorter than the climb to the cap's steady waits.
        let short = first_tenth_share(kiosks, 150.0, |a, u| backoff(a, BASE, CAP, u));
        assert!(short < 0.15, "{short}");
    }
}

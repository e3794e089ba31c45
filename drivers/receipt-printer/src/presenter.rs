//! A receipt waiting in a kiosk printer's presenter (pure state machine, no I/O).
//!
//! After a job the receipt is held in the mouth. The printer session feeds the tracker
//! the "paper in presenter" sensor on every status poll; the tracker says when the
//! receipt was taken, when it has waited too long (the session then retracts it, or the
//! printer retracts by itself, as Custom's `FS P` does), and when it was retracted. The
//! kiosk records a retracted receipt as "not taken" and offers a reprint.

use std::time::{Duration, Instant};

/// What happened to a presented receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresenterEvent {
    /// The receipt is waiting in the presenter.
    Presented,
    /// The citizen took it.
    Taken,
    /// It waited `retract_after` and went back into the printer: not taken.
    Retracted,
}

/// What the tracker asks the printer session to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresenterAction {
    /// Send the model's retract command.
    Retract,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Empty,
    Waiting { since: Instant, retract_sent: bool },
}

/// Tracks one receipt from presentation to taken or retracted.
#[derive(Debug, Clone)]
pub struct PresenterTracker {
    retract_after: Duration,
    /// The printer retracts by itself after the timeout (the session sends nothing).
    printer_retracts: bool,
    state: State,
}

impl PresenterTracker {
    pub fn new(retract_after: Duration, printer_retracts: bool) -> Self {
        PresenterTracker {
            retract_after,
            printer_retracts,
            state: State::Empty,
        }
    }

    /// A receipt waits in the presenter.
    pub fn is_waiting(&self) -> bool {
        matches!(self.state, State::Waiting { .. })
    }

    /// A job ended with a present command at `now`.
    pub fn presented(&mut self, now: Instant) -> PresenterEvent {
        self.state = State::Waiting {
            since: now,
            retract_sent: false,
        };
        PresenterEvent::Presented
    }

    /// The presenter sensor read at `now`: `true` while paper is in the presenter.
    pub fn observe(
        &mut self,
        paper_in_presenter: bool,
        now: Instant,
    ) -> (Option<PresenterEvent>, Option<PresenterAction>) {
        let State::Waiting {
            since,
            retract_sent,
        } = self.state
        else {
            if paper_in_presenter {
                // Paper we did not present (a reprint by the printer's button, a
                // restart): track it from now.
                return (Some(self.presented(now)), None);
            }
            return (None, None);
        };
        let overdue = now.saturating_duration_since(since) >= self.retract_after;
        match (paper_in_presenter, overdue) {
            (false, _) => {
                self.state = State::Empty;
                let retracted = retract_sent || (self.printer_retracts && overdue);
                let ev = if retracted {
                    PresenterEvent::Retracted
                } else {
                    PresenterEvent::Taken
                };
                (Some(ev), None)
            }
            (true, true) if !retract_sent && !self.printer_retracts => {
                self.state = State::Waiting {
                    since,
                    retract_sent: true,
                };
                (None, Some(PresenterAction::Retract))
            }
            (true, _) => (None, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const N: Duration = Duration::from_secs(30);

    #[test]
    fn taken_before_the_timeout() {
        let t0 = Instant::now();
        let mut p = PresenterTracker::new(N, false);
        assert_eq!(p.presented(t0), PresenterEvent::Presented);
        assert_eq!(p.observe(true, t0 + Duration::from_secs(5)), (None, None));
        assert_eq!(
            p.observe(false, t0 + Duration::from_secs(6)),
            (Some(PresenterEvent::Taken), None)
        );
        assert!(!p.is_waiting());
    }

    #[test]
    fn not_taken_is_retracted_once_by_the_session() {
        let t0 = Instant::now();
        let mut p = PresenterTracker::new(N, false);
        p.presented(t0);
        assert_eq!(
            p.observe(true, t0 + N),
            (None, Some(PresenterAction::Retract))
        );
        // Only once, however often polled.
        assert_eq!(
            p.observe(true, t0 + N + Duration::from_secs(1)),
            (None, None)
        );
        assert_eq!(
            p.observe(false, t0 + N + Duration::from_secs(2)),
            (Some(PresenterEvent::Retracted), None)
        );
    }

    #[test]
    fn printer_side_retraction_is_told_apart_from_taking() {
        let t0 = Instant::now();
        let mut p = PresenterTracker::new(N, true);
        p.presented(t0);
        // The printer retracts by itself: the session never sends a command.
        assert_eq!(p.observe(true, t0 + N), (None, None));
        assert_eq!(
            p.observe(false, t0 + N + Duration::from_secs(1)),
            (Some(PresenterEvent::Retracted), None)
        );
        p.presented(t0);
        assert_eq!(
            p.observe(false, t0 + Duration::from_secs(3)),
            (Some(PresenterEvent::Taken), None)
        );
    }

    #[test]
    fn unexpected_paper_is_tracked() {
        let t0 = Instant::now();
        let mut p = PresenterTracker::new(N, false);
        assert_eq!(p.observe(false, t0), (None, None));
        assert_eq!(p.observe(true, t0), (Some(PresenterEvent::Presented), None));
        assert!(p.is_waiting());
    }
}

//! Where an application is, computed from when it was received, the timeline and any states
//! set by hand.

use chrono::{DateTime, Utc};
use dost_api::{ApplicationState, ApplicationStatus, StatusEntry};
use sha2::{Digest, Sha256};

use crate::config::Timeline;
use crate::store::{Override, StoredApp};

/// The automatic decision: a fixed function of the application id (about one in five
/// rejected), so that a demo shows both outcomes and tests can predict them.
pub fn decision_for(application_id: &str) -> ApplicationState {
    let h = Sha256::digest(application_id.as_bytes());
    if h[0].is_multiple_of(5) {
        ApplicationState::Rejected
    } else {
        ApplicationState::Approved
    }
}

/// Status of `app` at `now`. Automatic steps stop at the first manual state change.
pub fn compute_status(
    app: &StoredApp,
    overrides: &[Override],
    timeline: &Timeline,
    now: DateTime<Utc>,
) -> ApplicationStatus {
    let base = app.received_at;
    let offset = |d: std::time::Duration| {
        chrono::Duration::from_std(d)
            .ok()
            .and_then(|d| base.checked_add_signed(d))
    };
    let cutoff = overrides.first().map_or(now, |o| o.at.min(now));
    let submitted_at = app.submitted_at.min(base);
    let mut history = vec![StatusEntry {
        state: ApplicationState::Submitted,
        at: submitted_at,
        note: None,
    }];
    let mut last = submitted_at;
    for (state, after) in [
        (ApplicationState::Received, timeline.received_after),
        (ApplicationState::InReview, timeline.in_review_after),
        (decision_for(&app.application_id), timeline.decided_after),
    ] {
        let Some(at) = offset(after) else { break };
        let at = at.max(last);
        if at > cutoff {
            break;
        }
        history.push(StatusEntry {
            state,
            at,
            note: None,
        });
        last = at;
    }
    history.extend(overrides.iter().map(|o| StatusEntry {
        state: o.state,
        at: o.at,
        note: o.note.clone(),
    }));
    let state = history
        .last()
        .map_or(ApplicationState::Submitted, |e| e.state);
    // A rejection says why and what to do: the reason set by hand, else the automatic one.
    let rejection = (state == ApplicationState::Rejected).then(|| {
        overrides
            .last()
            .and_then(|o| o.reason.as_deref())
            .and_then(crate::reasons::reason)
            .unwrap_or_else(|| crate::reasons::automatic(&app.application_id))
    });
    ApplicationStatus {
        application_id: app.application_id.clone(),
        service_id: app.service_id.clone(),
        state,
        received_at: app.received_at,
        history,
        rejection,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn app(received_at: DateTime<Utc>) -> StoredApp {
        StoredApp {
            application_id: "K1-261124-0001".into(),
            service_id: "pension".into(),
            submitted_at: received_at - chrono::Duration::seconds(5),
            received_at,
        }
    }

    #[test]
    fn follows_the_timeline() {
        let t0 = Utc::now();
        let a = app(t0);
        let tl = Timeline {
            received_after: Duration::from_secs(1),
            in_review_after: Duration::from_secs(10),
            decided_after: Duration::from_secs(20),
        };
        let st = |secs| compute_status(&a, &[], &tl, t0 + chrono::Duration::seconds(secs));
        assert_eq!(st(0).state, ApplicationState::Submitted);
        assert_eq!(st(1).state, ApplicationState::Received);
        assert_eq!(st(15).state, ApplicationState::InReview);
        let done = st(25);
        assert!(done.state.is_final());
        assert_eq!(done.state, decision_for(&a.application_id));
        assert_eq!(done.history.len(), 4);
        assert!(done.history.windows(2).all(|w| w[0].at <= w[1].at));
    }

    #[test]
    fn off_stays_received_and_override_wins() {
        let t0 = Utc::now();
        let a = app(t0);
        let later = t0 + chrono::Duration::days(365);
        let st = compute_status(&a, &[], &Timeline::off(), later);
        assert_eq!(st.state, ApplicationState::Received);
        let ov = [Override {
            state: ApplicationState::Rejected,
            note: Some("missing papers".into()),
            reason: Some("documents_missing".into()),
            at: t0 + chrono::Duration::seconds(1),
        }];
        let st = compute_status(&a, &ov, &Timeline::demo(), later);
        assert_eq!(st.state, ApplicationState::Rejected);
        let why = st.rejection.clone().unwrap();
        assert_eq!(why.code, "documents_missing");
        assert_eq!(why.action, dost_api::NextAction::BringDocuments);
        assert!(
            compute_status(&a, &[], &Timeline::off(), later)
                .rejection
                .is_none()
        );
        // received (t0), then the override; the automatic steps after it never happen.
        assert_eq!(
            st.history.iter().map(|e| e.state).collect::<Vec<_>>(),
            [
                ApplicationState::Submitted,
                ApplicationState::Received,
                ApplicationState::Rejected
            ]
        );
    }

    #[test]
    fn decisions_are_mixed_and_stable() {
        let rejected = (0..100)
            .filter(|i| decision_for(&format!("K-{i}")) == ApplicationState::Rejected)
            .count();
        assert!((5..=40).contains(&rejected), "{rejected}");
        assert_eq!(decision_for("K-1"), decision_for("K-1"));
    }

    /// The first byte of SHA-256 of the id (by Python's hashlib) decides: a multiple of 5 is
    /// rejected. Pinned so that a change of hash implementation cannot move decisions.
    #[test]
    fn decisions_match_an_independent_sha256() {
        use ApplicationState::{Approved, Rejected};
        let expected = [
            Rejected, Approved, Approved, Approved, Approved, Approved, Rejected, Rejected,
            Rejected, Rejected, Approved, Approved,
        ];
        for (i, want) in expected.into_iter().enumerate() {
            assert_eq!(decision_for(&format!("YAS01-261124-{i:04}")), want, "{i}");
        }
    }
}

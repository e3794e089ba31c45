//! Queue tickets for desk services, the citizen names the verification answers with, and the
//! lookups of the public status page.
//!
//! Numbering: per desk service and Baku day, a letter for the service (the first letter of its
//! id) and a three-digit sequence (`D001`, `D002`, ...). A ticket synced by a kiosk that was
//! offline keeps the kiosk's number (it is on the citizen's paper). The reference queue calls
//! one ticket of a service every [`MINUTES_PER_TICKET`] minutes: a ticket's call time is its
//! issue time or the previous call time of its service, whichever is later, plus that.

use chrono::{DateTime, Utc};
use dost_api::{ApplicationState, ItemOutcome, TicketRequest};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use subtle::ConstantTimeEq;

use crate::error::CentralError;
use crate::store::{Store, truncate_ms};

/// Minutes a desk spends on one ticket (reference queue).
pub const MINUTES_PER_TICKET: i64 = 6;
/// Longest number a kiosk may give an offline ticket.
pub const MAX_TICKET_NUMBER_LEN: usize = 32;

/// A ticket as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub number: String,
    pub service_id: String,
    pub outcome: ItemOutcome,
    pub people_ahead: u64,
    pub estimated_wait_min: u64,
}

/// Why a ticket is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketRefusal {
    /// The `ticket_id` was first used for another kiosk or service.
    Conflict,
}

/// What the status page shows of a number (no personal data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicStatus {
    Application {
        state: ApplicationState,
        at: DateTime<Utc>,
        next_step: Option<dost_api::Texts>,
    },
    Ticket {
        service_id: String,
        people_ahead: u64,
        estimated_wait_min: u64,
    },
}

/// Letter of a desk service's numbers.
pub fn service_letter(service_id: &str) -> char {
    service_id
        .chars()
        .find(char::is_ascii_alphabetic)
        .map_or('Q', |c| c.to_ascii_uppercase())
}

fn baku_day(t: DateTime<Utc>) -> String {
    // Asia/Baku is UTC+4 all year (no summer time since 2016).
    (t + chrono::Duration::hours(4))
        .format("%Y-%m-%d")
        .to_string()
}

/// Whether `code` is the lookup code of `key`, compared in constant time.
fn code_matches(code: &str, key: &str) -> bool {
    let want = dost_api::lookup_code(key);
    want.len() == code.len() && bool::from(want.as_bytes().ct_eq(code.as_bytes()))
}

impl Store {
    /// Records a ticket (or answers again for a known `ticket_id`) at `now`.
    pub fn issue_ticket(
        &self,
        t: &TicketRequest,
        now: DateTime<Utc>,
    ) -> Result<Result<Recorded, TicketRefusal>, CentralError> {
        let now = truncate_ms(now);
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let seen: Option<(String, String, String, String, i64)> = tx
            .query_row(
                "SELECT kiosk_id, service_id, number, day, call_at_ms FROM tickets
                 WHERE ticket_id = ?1",
                [&t.ticket_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let recorded = match seen {
            Some((kiosk, service, number, day, call_at)) => {
                if kiosk != t.kiosk_id || service != t.service_id {
                    return Ok(Err(TicketRefusal::Conflict));
                }
                // The citizen holds the kiosk's number: it wins over an earlier answer.
                let number = match &t.offline_number {
                    Some(offline) if *offline != number => {
                        tx.execute(
                            "UPDATE tickets SET number = ?2 WHERE ticket_id = ?1",
                            params![t.ticket_id, offline],
                        )?;
                        offline.clone()
                    }
                    _ => number,
                };
                let (ahead, wait) = position(&tx, &service, &day, call_at, now)?;
                Recorded {
                    number,
                    service_id: service,
                    outcome: ItemOutcome::Replayed,
                    people_ahead: ahead,
                    estimated_wait_min: wait,
                }
            }
            None => {
                let issued = truncate_ms(t.issued_at.min(now));
                let day = baku_day(issued);
                let last: Option<i64> = tx.query_row(
                    "SELECT MAX(call_at_ms) FROM tickets WHERE service_id = ?1 AND day = ?2",
                    params![t.service_id, day],
                    |r| r.get(0),
                )?;
                let start = last.unwrap_or(0).max(issued.timestamp_millis());
                let call_at = start + MINUTES_PER_TICKET * 60_000;
                let number = match &t.offline_number {
                    Some(n) => n.clone(),
                    None => {
                        let count: i64 = tx.query_row(
                            "SELECT COUNT(*) FROM tickets WHERE service_id = ?1 AND day = ?2",
                            params![t.service_id, day],
                            |r| r.get(0),
                        )?;
                        format!("{}{:03}", service_letter(&t.service_id), count + 1)
                    }
                };
                tx.execute(
                    "INSERT INTO tickets (ticket_id, kiosk_id, service_id, number, day, lang,
                         sms_phone, issued_at_ms, call_at_ms, received_at_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    params![
                        t.ticket_id,
                        t.kiosk_id,
                        t.service_id,
                        number,
                        day,
                        t.lang,
                        t.sms_phone,
                        issued.timestamp_millis(),
                        call_at,
                        now.timestamp_millis()
                    ],
                )?;
                let (ahead, wait) = position(&tx, &t.service_id, &day, call_at, now)?;
                Recorded {
                    number,
                    service_id: t.service_id.clone(),
                    outcome: ItemOutcome::Accepted,
                    people_ahead: ahead,
                    estimated_wait_min: wait,
                }
            }
        };
        tx.commit()?;
        Ok(Ok(recorded))
    }

    /// Keeps the Azerbaijani spelling of a citizen's name (from the population register).
    pub fn put_citizen_name(&self, fin: &str, display_name: &str) -> Result<(), CentralError> {
        self.conn().execute(
            "INSERT INTO citizen_names (fin, display_name) VALUES (?1, ?2)
             ON CONFLICT (fin) DO UPDATE SET display_name = excluded.display_name",
            params![fin, display_name],
        )?;
        Ok(())
    }

    pub fn citizen_name(&self, fin: &str) -> Result<Option<String>, CentralError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT display_name FROM citizen_names WHERE fin = ?1",
                [fin],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The idempotency key of an application, for its lookup code.
    fn application_key(&self, id: &str) -> Result<Option<String>, CentralError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT idempotency_key FROM applications WHERE application_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// What the status page may show for `number` with `code` at `now`, when the code fits
    /// an application or a ticket of that number.
    pub fn public_status(
        &self,
        number: &str,
        code: &str,
        timeline: &crate::config::Timeline,
        now: DateTime<Utc>,
    ) -> Result<Option<PublicStatus>, CentralError> {
        if let Some(key) = self.application_key(number)?
            && code_matches(code, &key)
            && let Some((app, overrides)) = self.get(number)?
        {
            let s = crate::status::compute_status(&app, &overrides, timeline, now);
            let at = s.history.last().map_or(s.received_at, |e| e.at);
            return Ok(Some(PublicStatus::Application {
                state: s.state,
                at,
                next_step: s.rejection.map(|r| r.next_step),
            }));
        }
        let tickets: Vec<(String, String, String, i64)> = {
            let conn = self.conn();
            let mut stmt = conn.prepare_cached(
                "SELECT ticket_id, service_id, day, call_at_ms FROM tickets WHERE number = ?1
                 ORDER BY seq DESC LIMIT 100",
            )?;
            stmt.query_map([number], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<Result<_, _>>()?
        };
        for (ticket_id, service, day, call_at) in tickets {
            if code_matches(code, &ticket_id) {
                let conn = self.conn();
                let (ahead, wait) = position(&conn, &service, &day, call_at, now)?;
                return Ok(Some(PublicStatus::Ticket {
                    service_id: service,
                    people_ahead: ahead,
                    estimated_wait_min: wait,
                }));
            }
        }
        Ok(None)
    }
}

/// People ahead of a ticket called at `call_at` and minutes until it is called, at `now`.
fn position(
    conn: &rusqlite::Connection,
    service: &str,
    day: &str,
    call_at: i64,
    now: DateTime<Utc>,
) -> Result<(u64, u64), CentralError> {
    let now_ms = now.timestamp_millis();
    let ahead: i64 = conn.query_row(
        "SELECT COUNT(*) FROM tickets WHERE service_id = ?1 AND day = ?2
         AND call_at_ms < ?3 AND call_at_ms > ?4",
        params![service, day, call_at, now_ms],
        |r| r.get(0),
    )?;
    let wait_ms = (call_at - now_ms).max(0);
    Ok((ahead.max(0) as u64, (wait_ms as u64).div_ceil(60_000)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(id: &str, offline: Option<&str>) -> TicketRequest {
        TicketRequest {
            ticket_id: id.into(),
            kiosk_id: "K1".into(),
            service_id: "disability-assessment".into(),
            lang: "az".into(),
            issued_at: DateTime::parse_from_rfc3339("2026-11-24T06:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            offline_number: offline.map(str::to_owned),
            sms_phone: None,
        }
    }

    #[test]
    fn numbers_per_service_and_day_and_the_offline_number_wins() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("c.db")).unwrap();
        let now = DateTime::parse_from_rfc3339("2026-11-24T06:00:30Z")
            .unwrap()
            .with_timezone(&Utc);
        let a = store
            .issue_ticket(&ticket("t1", None), now)
            .unwrap()
            .unwrap();
        let b = store
            .issue_ticket(&ticket("t2", None), now)
            .unwrap()
            .unwrap();
        assert_eq!((a.number.as_str(), b.number.as_str()), ("D001", "D002"));
        assert_eq!((a.people_ahead, b.people_ahead), (0, 1));
        assert!(b.estimated_wait_min > a.estimated_wait_min);
        // The same ticket again: the first answer.
        let again = store
            .issue_ticket(&ticket("t1", None), now)
            .unwrap()
            .unwrap();
        assert_eq!(again.outcome, ItemOutcome::Replayed);
        assert_eq!(again.number, "D001");
        // Synced from an offline kiosk after a lost answer: the printed number wins.
        let synced = store
            .issue_ticket(&ticket("t2", Some("YAS01-T001")), now)
            .unwrap()
            .unwrap();
        assert_eq!(synced.number, "YAS01-T001");
        let mut other = ticket("t1", None);
        other.service_id = "specialist".into();
        assert_eq!(
            store.issue_ticket(&other, now).unwrap(),
            Err(TicketRefusal::Conflict)
        );
        assert_eq!(service_letter("specialist"), 'S');
        assert_eq!(service_letter("-"), 'Q');
    }
}

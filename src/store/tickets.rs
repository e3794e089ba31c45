//! Queue tickets: numbered by the centre when it answers, else by the kiosk from its own
//! prefixed range (`CODE-T007`, per Baku day). A ticket is stored with its print job in one
//! transaction; offline ones wait in this outbox (sealed: the SMS number is personal data)
//! until the relay has delivered them, once, by their `ticket_id`.

use chrono::{DateTime, Utc};
use dost_api::{TicketRequest, TicketResponse};
use kiosk_core::print::{PrintDoc, TicketTemplate};
use rusqlite::{TransactionBehavior, params};

use super::{Store, StoreError};

/// What `store_ticket` kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTicket {
    pub number: String,
    /// Numbered by the kiosk: waits for the relay.
    pub offline: bool,
    pub people_ahead: Option<u64>,
    pub wait_min: Option<u64>,
    pub status_url: String,
    pub print_job: Option<i64>,
}

impl Store {
    /// Keeps a ticket the centre numbered (`answer`), or numbers it from the kiosk's range and
    /// keeps it for the relay; with its print job when `print` is given.
    pub fn store_ticket(
        &mut self,
        kiosk_code: &str,
        request: &TicketRequest,
        answer: Option<&TicketResponse>,
        template: &TicketTemplate,
        print: bool,
        now: DateTime<Utc>,
    ) -> Result<StoredTicket, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (number, offline, ahead, wait) = match answer {
            Some(a) => (
                a.number.clone(),
                false,
                Some(a.people_ahead),
                Some(a.estimated_wait_min),
            ),
            None => {
                let day = request
                    .issued_at
                    .with_timezone(&chrono_tz::Asia::Baku)
                    .format("%y%m%d")
                    .to_string();
                let seq: u32 = tx.query_row(
                    "INSERT INTO ticket_seq (day, seq) VALUES (?1, 1)
                     ON CONFLICT(day) DO UPDATE SET seq = seq + 1 RETURNING seq",
                    params![day],
                    |r| r.get(0),
                )?;
                (format!("{kiosk_code}-T{seq:03}"), true, None, None)
            }
        };
        // Only what still has to reach the centre is kept, sealed.
        let payload = if offline {
            let wire = TicketRequest {
                offline_number: Some(number.clone()),
                ..request.clone()
            };
            Some(
                self.keys
                    .seal(&serde_json::to_vec(&wire)?, &request.ticket_id)?,
            )
        } else {
            None
        };
        tx.execute(
            "INSERT INTO queue_tickets (id, service_id, number, offline, payload, issued_at,
                 people_ahead, wait_min, sync_state)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                request.ticket_id,
                request.service_id,
                number,
                offline,
                payload,
                request.issued_at,
                ahead.map(|n| n as i64),
                wait.map(|n| n as i64),
                if offline { "pending" } else { "synced" },
            ],
        )?;
        let doc = template.fill(
            &number,
            &request.ticket_id,
            request.issued_at,
            ahead,
            wait,
            offline,
            request.sms_phone.is_some(),
        );
        let status_url = doc.status_url.clone();
        let print_job = if print {
            Some(super::print_jobs::insert(
                &tx,
                None,
                &PrintDoc::Ticket(doc),
                now,
            )?)
        } else {
            None
        };
        tx.commit()?;
        Ok(StoredTicket {
            number,
            offline,
            people_ahead: ahead,
            wait_min: wait,
            status_url,
            print_job,
        })
    }

    /// Offline tickets not yet at the centre, oldest first.
    pub fn pending_tickets(&self, limit: usize) -> Result<Vec<TicketRequest>, StoreError> {
        self.pending_sealed(
            "SELECT id, payload FROM queue_tickets WHERE sync_state = 'pending'
             ORDER BY issued_at, id LIMIT ?1",
            limit,
        )
    }

    /// The centre has the ticket: it leaves the outbox and its SMS number is forgotten.
    pub fn ticket_delivered(&mut self, answer: &TicketResponse) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "UPDATE queue_tickets SET sync_state = 'synced', payload = NULL,
             attempts = attempts + 1, last_error = NULL, people_ahead = ?2, wait_min = ?3
             WHERE id = ?1 AND sync_state = 'pending'",
            params![
                answer.ticket_id,
                answer.people_ahead as i64,
                answer.estimated_wait_min as i64
            ],
        )?;
        Ok(n == 1)
    }

    /// The centre refused the ticket (a problem a retry cannot fix): set aside.
    pub fn ticket_refused(&mut self, ticket_id: &str, why: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE queue_tickets SET sync_state = 'rejected', payload = NULL,
             attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
            params![ticket_id, why],
        )?;
        Ok(())
    }

    /// Notes a failed attempt (it is tried again).
    pub fn ticket_attempt_failed(&mut self, ticket_id: &str, why: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE queue_tickets SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
            params![ticket_id, why],
        )?;
        Ok(())
    }

    /// Offline tickets waiting for the centre.
    pub fn pending_ticket_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT COUNT(*) FROM queue_tickets WHERE sync_state = 'pending'",
                [],
                |r| r.get::<_, i64>(0),
            )?
            .max(0) as u64)
    }
}

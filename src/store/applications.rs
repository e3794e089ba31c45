//! The outbox: applications as submitted (sealed), their delivery to the centre, the purge of
//! personal data the centre confirmed, and the citizen's own list.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use dost_api::{
    ApplicationId, ApplicationState, ApplicationSubmission, ItemOutcome, SubmitItemResult,
};
use kiosk_core::print::{PrintDoc, ReceiptTemplate};
use kiosk_core::session::{AppRecord, ReceiptFate, Submission};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::status_cache::{parse_history, parse_rejection};
use super::{Store, StoreError};

/// What `submit` stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub application_id: ApplicationId,
    pub idempotency_key: String,
    /// The receipt's print job, when a receipt was asked for.
    pub print_job: Option<i64>,
}

/// An application at the centre whose status may still change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenApplication {
    pub application_id: String,
    pub fin_tag: String,
}

impl Store {
    /// Stores an application and its receipt in one transaction and returns its number.
    ///
    /// The number is `CODE-YYMMDD-NNNN` (Baku date, per-day sequence): unique across kiosks
    /// because each kiosk has its own code.
    pub fn submit(
        &mut self,
        kiosk_code: &str,
        kiosk_id: &str,
        sub: &Submission,
        now: DateTime<Utc>,
        receipt: Option<&ReceiptTemplate>,
    ) -> Result<Stored, StoreError> {
        let fin_tag = self.keys.fin_tag(sub.citizen.expose());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let day = now
            .with_timezone(&chrono_tz::Asia::Baku)
            .format("%y%m%d")
            .to_string();
        let seq: u32 = tx.query_row(
            "INSERT INTO day_seq (day, seq) VALUES (?1, 1)
             ON CONFLICT(day) DO UPDATE SET seq = seq + 1 RETURNING seq",
            params![day],
            |r| r.get(0),
        )?;
        let application_id = ApplicationId::new(kiosk_code, &day, seq)
            .map_err(|e| StoreError::Integrity(format!("kiosk code {kiosk_code:?}: {e}")))?;
        let idempotency_key = uuid::Uuid::new_v4().to_string();
        let wire = ApplicationSubmission {
            application_id: application_id.to_string(),
            idempotency_key: idempotency_key.clone(),
            kiosk_id: kiosk_id.to_owned(),
            service_id: sub.service_id.clone(),
            fin: sub.citizen.expose().to_owned(),
            document_number: sub.document_number.clone(),
            lang: sub.lang.code().to_owned(),
            submitted_at: now,
            answers: sub.answers.clone(),
        };
        let sealed = self
            .keys
            .seal(&serde_json::to_vec(&wire)?, application_id.as_str())?;
        tx.execute(
            "INSERT INTO applications (id, idempotency_key, service_id, fin_tag, payload, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                application_id.as_str(),
                idempotency_key,
                sub.service_id,
                fin_tag,
                sealed,
                now
            ],
        )?;
        let print_job = match receipt {
            Some(template) => {
                let doc =
                    PrintDoc::Receipt(template.fill(sub, &application_id, &idempotency_key, now));
                Some(super::print_jobs::insert(
                    &tx,
                    Some(application_id.as_str()),
                    &doc,
                    now,
                )?)
            }
            None => None,
        };
        tx.commit()?;
        Ok(Stored {
            application_id,
            idempotency_key,
            print_job,
        })
    }

    /// The oldest applications not yet at the centre.
    pub fn pending_batch(&self, limit: usize) -> Result<Vec<ApplicationSubmission>, StoreError> {
        self.pending_sealed(
            "SELECT id, payload FROM applications WHERE sync_state = 'pending'
             ORDER BY created_at, id LIMIT ?1",
            limit,
        )
    }

    /// One application as submitted (None when unknown or its personal data was purged).
    pub fn application(&self, id: &str) -> Result<Option<ApplicationSubmission>, StoreError> {
        let sealed: Option<Option<Vec<u8>>> = self
            .conn
            .query_row(
                "SELECT payload FROM applications WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()?;
        match sealed.flatten() {
            None => Ok(None),
            Some(sealed) => Ok(Some(serde_json::from_slice(&self.keys.open(&sealed, id)?)?)),
        }
    }

    /// Records the centre's answers for a batch. Accepted and replayed ones leave the outbox;
    /// conflicts and invalid ones are set aside for a technician (never silently retried).
    pub fn record_results(&mut self, results: &[SubmitItemResult]) -> Result<usize, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut done = 0;
        for r in results {
            done += match r.outcome {
                ItemOutcome::Accepted | ItemOutcome::Replayed => tx.execute(
                    "UPDATE applications SET sync_state = 'synced', received_at = ?3,
                     attempts = attempts + 1, last_error = NULL
                     WHERE id = ?1 AND idempotency_key = ?2",
                    params![r.application_id, r.idempotency_key, r.received_at],
                )?,
                ItemOutcome::Conflict | ItemOutcome::Invalid => {
                    let why = r
                        .problem
                        .as_ref()
                        .map(|p| format!("{}: {}", p.title, p.detail.clone().unwrap_or_default()))
                        .unwrap_or_else(|| format!("{:?}", r.outcome));
                    tx.execute(
                        "UPDATE applications SET sync_state = 'rejected', attempts = attempts + 1,
                         last_error = ?3 WHERE id = ?1 AND idempotency_key = ?2",
                        params![r.application_id, r.idempotency_key, why],
                    )?
                }
            };
        }
        tx.commit()?;
        Ok(done)
    }

    /// Notes a failed attempt on a batch (for the technician screen).
    pub fn record_attempt_error(&mut self, ids: &[String], error: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        for id in ids {
            tx.execute(
                "UPDATE applications SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
                params![id, error],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Forgets the personal data of applications the centre confirmed before `before`, the
    /// receipts printed (or printed and not taken) before then, and the ratings the centre has
    /// had since then: what stays of an old session is its application's row (number,
    /// service, state), which the citizen's list of applications shows. Freed pages are reused,
    /// so the database stops growing once the purge keeps pace. Returns how many applications
    /// were purged.
    pub fn purge_confirmed(&mut self, before: DateTime<Utc>) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        let n = tx.execute(
            "UPDATE applications SET payload = NULL
             WHERE sync_state = 'synced' AND payload IS NOT NULL AND received_at < ?1",
            params![before],
        )?;
        tx.execute(
            "DELETE FROM print_jobs
             WHERE state IN ('printed', 'not_taken') AND coalesce(printed_at, created_at) < ?1",
            params![before],
        )?;
        tx.execute(
            "DELETE FROM ratings WHERE synced = 1 AND rated_at < ?1",
            params![before],
        )?;
        tx.commit()?;
        Ok(n)
    }

    /// The citizen's applications known locally, newest first, with cached statuses.
    pub fn applications_for(&self, citizen_key: &str) -> Result<Vec<AppRecord>, StoreError> {
        let tag = self.keys.fin_tag(citizen_key);
        let mut out: BTreeMap<String, AppRecord> = BTreeMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.service_id, a.sync_state, c.state, c.as_of, c.history, c.rejection,
                EXISTS (SELECT 1 FROM print_jobs p WHERE p.application_id = a.id
                        AND p.state = 'not_taken')
             FROM applications a LEFT JOIN status_cache c ON c.application_id = a.id
             WHERE a.fin_tag = ?1",
        )?;
        let rows = stmt.query_map(params![tag], |r| {
            Ok(Row {
                id: r.get(0)?,
                service_id: r.get(1)?,
                pending: r.get::<_, String>(2)? == "pending",
                state: r.get(3)?,
                as_of: r.get(4)?,
                history: r.get(5)?,
                rejection: r.get(6)?,
                not_taken: r.get(7)?,
            })
        })?;
        for row in rows {
            row?.insert_into(&mut out);
        }
        // Applications made at other kiosks, known from the centre earlier.
        let mut stmt = self.conn.prepare_cached(
            "SELECT application_id, service_id, state, as_of, history, rejection FROM status_cache
             WHERE fin_tag = ?1",
        )?;
        let rows = stmt.query_map(params![tag], |r| {
            Ok(Row {
                id: r.get(0)?,
                service_id: r.get(1)?,
                pending: false,
                state: r.get(2)?,
                as_of: r.get(3)?,
                history: r.get(4)?,
                rejection: r.get(5)?,
                not_taken: false,
            })
        })?;
        for row in rows {
            row?.insert_into(&mut out);
        }
        let mut list: Vec<AppRecord> = out.into_values().collect();
        // Numbers sort by date and sequence, whatever kiosk made them; newest first.
        list.sort_by(|a, b| {
            b.application_id
                .chronological_key()
                .cmp(&a.application_id.chronological_key())
        });
        Ok(list)
    }

    /// Applications at the centre whose status may still change (not approved or rejected),
    /// least recently refreshed first.
    pub fn open_applications(&self, limit: usize) -> Result<Vec<OpenApplication>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.fin_tag FROM applications a
             LEFT JOIN status_cache c ON c.application_id = a.id
             WHERE a.sync_state = 'synced' AND (c.state IS NULL OR c.state NOT IN ('approved', 'rejected'))
             ORDER BY COALESCE(c.as_of, '') LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit as i64], |r| {
            Ok(OpenApplication {
                application_id: r.get(0)?,
                fin_tag: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// One row of the citizen's list, as read.
struct Row {
    id: String,
    service_id: String,
    pending: bool,
    state: Option<String>,
    as_of: Option<DateTime<Utc>>,
    history: Option<String>,
    /// Its receipt was pulled back by the presenter.
    not_taken: bool,
    rejection: Option<String>,
}

impl Row {
    /// Adds the row unless the number is malformed or already listed (the kiosk's own row wins).
    fn insert_into(self, out: &mut BTreeMap<String, AppRecord>) {
        let Ok(application_id) = ApplicationId::parse(&self.id) else {
            tracing::warn!("an application number in the store is malformed; not listed");
            return;
        };
        out.entry(self.id).or_insert(AppRecord {
            application_id,
            service_id: self.service_id,
            state: self
                .state
                .as_deref()
                .and_then(ApplicationState::parse)
                .unwrap_or(ApplicationState::Submitted),
            as_of: self.as_of,
            pending_upload: self.pending,
            history: parse_history(self.history.as_deref()),
            receipt: if self.not_taken {
                ReceiptFate::NotTaken
            } else {
                ReceiptFate::Normal
            },
            rejection: parse_rejection(self.rejection.as_deref()),
        });
    }
}

//! Print jobs (receipts and test pages) and the paper counter.
//!
//! A job keeps what to print as a document; it is laid out when it prints. A job prints once:
//! `printed` is final, unless a presenter pulled the receipt back (`not_taken`): then it
//! prints again only when its citizen asks. Jobs the printer could not print are `held` with
//! the reason, and print again when the printer can.

use chrono::{DateTime, Utc};
use dost_api::ApplicationId;
use kiosk_core::print::{HoldReason, JobState, PrintDoc};
use kiosk_core::screen::HeldJob;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{Store, StoreError};

/// What a job prints.
#[derive(Debug, Clone, PartialEq)]
pub enum JobContent {
    /// A document, laid out when it prints.
    Doc(PrintDoc),
    /// Bytes encoded when the job was queued (jobs of schema versions 1 and 2).
    Bytes { bytes: Vec<u8>, paper_mm: f32 },
}

/// A print job waiting, being printed or held.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintJob {
    pub id: i64,
    pub application_id: Option<String>,
    pub content: JobContent,
    pub state: JobState,
    pub hold_reason: Option<HoldReason>,
}

/// Queues `doc` in an open transaction; returns the job's id.
pub(super) fn insert(
    conn: &Connection,
    application_id: Option<&str>,
    doc: &PrintDoc,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO print_jobs (application_id, state, bytes, paper_mm, created_at, doc)
         VALUES (?1, ?2, x'', 0, ?3, ?4)",
        params![
            application_id,
            JobState::Queued.name(),
            now,
            serde_json::to_string(doc)?
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

impl Store {
    /// The next job to print: the oldest not printed (held ones come first, being older).
    pub fn next_print_job(&self) -> Result<Option<PrintJob>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT id, application_id, bytes, paper_mm, state, hold_reason, doc FROM print_jobs
                 WHERE state IN ('queued', 'printing', 'held') ORDER BY id LIMIT 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Vec<u8>>(2)?,
                        r.get::<_, f64>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, Option<String>>(6)?,
                    ))
                },
            )
            .optional()?;
        let Some((id, application_id, bytes, paper_mm, state, reason, doc)) = row else {
            return Ok(None);
        };
        let content = match doc {
            Some(json) => JobContent::Doc(serde_json::from_str(&json)?),
            None => JobContent::Bytes {
                bytes,
                paper_mm: paper_mm as f32,
            },
        };
        Ok(Some(PrintJob {
            id,
            application_id,
            content,
            state: state
                .parse()
                .map_err(|_| StoreError::Integrity(format!("print job {id}: state {state:?}")))?,
            hold_reason: reason.and_then(|r| r.parse().ok()),
        }))
    }

    /// Held receipts, oldest first, then receipts not taken in the last day (newest first),
    /// for the staff.
    pub fn held_jobs(&self, limit: usize) -> Result<Vec<HeldJob>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, application_id,
                CASE state WHEN 'not_taken' THEN 'not-taken' ELSE hold_reason END
             FROM print_jobs WHERE state = 'held' OR (state = 'not_taken'
                AND printed_at >= datetime('now', '-1 day'))
             ORDER BY state = 'not_taken', CASE state WHEN 'held' THEN id ELSE -id END
             LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (job_id, application_id, reason) = row?;
            out.push(HeldJob {
                job_id,
                application_id: application_id.and_then(|a| ApplicationId::parse(&a).ok()),
                reason: reason.and_then(|r| r.parse().ok()),
            });
        }
        Ok(out)
    }

    /// Queues a document that belongs to no application (a test page).
    pub fn queue_job(&mut self, doc: &PrintDoc, now: DateTime<Utc>) -> Result<i64, StoreError> {
        insert(&self.conn, None, doc, now)
    }

    /// Marks a job as being sent to the printer.
    pub fn job_printing(&mut self, id: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE print_jobs SET state = 'printing' WHERE id = ?1 AND state != 'printed'",
            params![id],
        )?;
        Ok(())
    }

    /// Marks a job printed and counts its paper, in one transaction (once, however often it
    /// is called).
    pub fn job_printed(
        &mut self,
        id: i64,
        paper_mm: f32,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "UPDATE print_jobs SET state = 'printed', printed_at = ?2, hold_reason = NULL,
             paper_mm = ?3 WHERE id = ?1 AND state != 'printed'",
            params![id, now, f64::from(paper_mm)],
        )?;
        if n == 1 {
            tx.execute(
                "UPDATE paper SET used_mm = used_mm + ?1",
                params![f64::from(paper_mm)],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Holds a job that could not print, with the reason.
    pub fn job_held(&mut self, id: i64, reason: HoldReason) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE print_jobs SET state = 'held', hold_reason = ?2
             WHERE id = ?1 AND state != 'printed'",
            params![id, reason.name()],
        )?;
        Ok(())
    }

    /// The presenter pulled a printed receipt back: it was not taken.
    pub fn job_not_taken(&mut self, id: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE print_jobs SET state = 'not_taken' WHERE id = ?1 AND state = 'printed'",
            params![id],
        )?;
        Ok(())
    }

    /// Queues again the receipt of `application_id` that was not taken; false when there is
    /// none (taken, never printed, or already queued again).
    pub fn reprint_not_taken(&mut self, application_id: &str) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "UPDATE print_jobs SET state = 'queued' WHERE id = (
                SELECT MAX(id) FROM print_jobs WHERE application_id = ?1 AND state = 'not_taken')",
            params![application_id],
        )?;
        Ok(n == 1)
    }

    /// Staff restocked the paper: resets the counter and records it in the audit log.
    pub fn restocked(&mut self, actor: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE paper SET used_mm = 0, restocked_at = ?1",
            params![now],
        )?;
        self.audit(actor, "paper_restocked", "", now)
    }

    /// Paper printed since the last restock, mm.
    pub fn paper_used_mm(&self) -> Result<f64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT used_mm FROM paper", [], |r| r.get(0))?)
    }
}

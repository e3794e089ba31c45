//! The hash-chained audit log: every service-mode entry and action, each row's hash covering
//! the previous row's.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use sha2::{Digest, Sha256};

use super::{Store, StoreError};

impl Store {
    /// Appends to the audit log.
    pub fn audit(
        &mut self,
        actor: &str,
        action: &str,
        detail: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let prev: String = tx
            .query_row(
                "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_default();
        // The time is hashed as the text stored, so it is kept in one canonical form.
        let at = now.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let hash = audit_hash(&prev, &at, actor, action, detail);
        tx.execute(
            "INSERT INTO audit_log (at, actor, action, detail, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![at, actor, action, detail, prev, hash],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Checks the audit chain; returns the id of the first row that does not match.
    pub fn verify_audit(&self) -> Result<Option<i64>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, at, actor, action, detail, prev_hash, hash FROM audit_log ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        let mut prev = String::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let [at, actor, action, detail, prev_hash, hash]: [String; 6] = [
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ];
            if prev_hash != prev || audit_hash(&prev, &at, &actor, &action, &detail) != hash {
                return Ok(Some(id));
            }
            prev = hash;
        }
        Ok(None)
    }
}

fn audit_hash(prev: &str, at: &str, actor: &str, action: &str, detail: &str) -> String {
    let mut h = Sha256::new();
    for part in [prev, at, actor, action, detail] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

//! The kiosk's local store (SQLite): outbox of applications, print jobs, status cache, paper
//! counter and a hash-chained audit log.
//!
//! Every submission is written with its print job in one transaction with `synchronous=FULL`,
//! so a citizen who was told "submitted" has a durable row, whatever happens next.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use dost_api::{
    ApplicationState, ApplicationStatus, ApplicationSubmission, ItemOutcome, SubmitItemResult,
};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::session::{AppRecord, Submission};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the database failed its integrity check: {0}")]
    Integrity(String),
    #[error(
        "the database is from a newer kiosk version (schema {found}, this build knows {known})"
    )]
    TooNew { found: i64, known: i64 },
    #[error("stored record is damaged: {0}")]
    Corrupt(#[from] serde_json::Error),
    #[error("personal data cannot be decrypted (wrong device key or damaged row)")]
    Decrypt,
}

/// Versioned migrations; index + 1 is the schema version they produce.
const MIGRATIONS: &[&str] = &[
    // 1: outbox, print jobs, status cache, paper, audit.
    "CREATE TABLE applications (
        id TEXT PRIMARY KEY,
        idempotency_key TEXT NOT NULL UNIQUE,
        service_id TEXT NOT NULL,
        fin_tag TEXT NOT NULL,
        payload BLOB,
        created_at TEXT NOT NULL,
        sync_state TEXT NOT NULL DEFAULT 'pending' CHECK (sync_state IN ('pending','synced','rejected')),
        received_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
     );
     CREATE INDEX applications_pending ON applications(sync_state, created_at);
     CREATE INDEX applications_fin ON applications(fin_tag);
     CREATE TABLE day_seq (day TEXT PRIMARY KEY, seq INTEGER NOT NULL);
     CREATE TABLE print_jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        application_id TEXT,
        state TEXT NOT NULL CHECK (state IN ('queued','printing','printed','held')),
        hold_reason TEXT,
        bytes BLOB NOT NULL,
        paper_mm REAL NOT NULL,
        created_at TEXT NOT NULL,
        printed_at TEXT
     );
     CREATE TABLE status_cache (
        application_id TEXT PRIMARY KEY,
        service_id TEXT NOT NULL,
        fin_tag TEXT NOT NULL,
        state TEXT NOT NULL,
        history TEXT NOT NULL,
        as_of TEXT NOT NULL
     );
     CREATE TABLE paper (id INTEGER PRIMARY KEY CHECK (id = 1), used_mm REAL NOT NULL, restocked_at TEXT);
     INSERT INTO paper (id, used_mm) VALUES (1, 0);
     CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
     );",
    // 2: satisfaction ratings (anonymous), synced to the centre.
    "CREATE TABLE ratings (
        id TEXT PRIMARY KEY,
        kiosk_id TEXT NOT NULL,
        service_id TEXT,
        score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
        lang TEXT NOT NULL,
        rated_at TEXT NOT NULL,
        synced INTEGER NOT NULL DEFAULT 0
     );
     CREATE INDEX ratings_pending ON ratings(synced, rated_at);",
];

/// A receipt to keep with the application.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPrintJob {
    pub bytes: Vec<u8>,
    pub paper_mm: f32,
}

/// What `submit` stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub application_id: String,
    pub idempotency_key: String,
    pub print_job: Option<i64>,
}

/// A print job waiting or held.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintJob {
    pub id: i64,
    pub application_id: Option<String>,
    pub bytes: Vec<u8>,
    pub paper_mm: f32,
    pub state: String,
    pub hold_reason: Option<String>,
}

/// Counts for status screens and the heartbeat.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StoreStats {
    pub outbox_depth: u64,
    pub rejected: u64,
    pub held_jobs: u64,
    pub queued_jobs: u64,
    pub paper_used_mm: f64,
}

pub struct Store {
    conn: Connection,
    /// Key of the FİN tags (lookups by citizen without a clear FİN column).
    tag_key: [u8; 32],
    /// Key that encrypts personal data at rest (XChaCha20-Poly1305).
    seal_key: [u8; 32],
}

/// Derives a purpose-bound key from the device key.
fn derive(device_key: &[u8; 32], purpose: &str) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"dost-kiosk/");
    h.update(purpose.as_bytes());
    h.update(device_key);
    h.finalize().into()
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Store {
    /// Opens (creating if needed) `kiosk.db` in `data_dir`, migrates it and checks integrity.
    pub fn open_dir(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let key = device_key(data_dir)?;
        Self::open(&data_dir.join("kiosk.db"), key)
    }

    /// Opens a database file; personal data is sealed with keys derived from `device_key`.
    pub fn open(path: &Path, device_key: [u8; 32]) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(2))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(StoreError::Integrity(check));
        }
        let mut store = Store {
            conn,
            tag_key: derive(&device_key, "fin-tag"),
            seal_key: derive(&device_key, "seal"),
        };
        store.migrate()?;
        Ok(store)
    }

    /// Schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let found = self.schema_version()?;
        let known = MIGRATIONS.len() as i64;
        if found > known {
            return Err(StoreError::TooNew { found, known });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
            tracing::info!(version = i + 1, "database migrated");
        }
        Ok(())
    }

    /// Keyed tag of a FİN: lets the kiosk find a citizen's rows without a clear FİN column.
    pub fn fin_tag(&self, fin: &str) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(self.tag_key);
        h.update(fin.as_bytes());
        hex(&h.finalize()[..16])
    }

    fn open_sealed(&self, sealed: &[u8], aad: &str) -> Result<Vec<u8>, StoreError> {
        use chacha20poly1305::aead::{Aead, KeyInit, Payload};
        use chacha20poly1305::{XChaCha20Poly1305, XNonce};
        if sealed.len() < 24 {
            return Err(StoreError::Decrypt);
        }
        let (nonce, body) = sealed.split_at(24);
        XChaCha20Poly1305::new((&self.seal_key).into())
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| StoreError::Decrypt)
    }

    /// Stores an application and its receipt in one transaction and returns its number.
    ///
    /// The number is `CODE-YYMMDD-NNNN` (Baku date, per-day sequence): unique across kiosks
    /// because each kiosk has its own code. `make_job` builds the receipt for that number.
    pub fn submit(
        &mut self,
        kiosk_code: &str,
        kiosk_id: &str,
        sub: &Submission,
        now: DateTime<Utc>,
        make_job: impl FnOnce(&str) -> Option<NewPrintJob>,
    ) -> Result<Stored, StoreError> {
        let fin_tag = self.fin_tag(&sub.fin);
        let seal_key = self.seal_key;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let day = now
            .with_timezone(&chrono_tz::Asia::Baku)
            .format("%y%m%d")
            .to_string();
        let seq: i64 = tx.query_row(
            "INSERT INTO day_seq (day, seq) VALUES (?1, 1)
             ON CONFLICT(day) DO UPDATE SET seq = seq + 1 RETURNING seq",
            params![day],
            |r| r.get(0),
        )?;
        let application_id = format!("{kiosk_code}-{day}-{seq:04}");
        let idempotency_key = uuid::Uuid::new_v4().to_string();
        let wire = ApplicationSubmission {
            application_id: application_id.clone(),
            idempotency_key: idempotency_key.clone(),
            kiosk_id: kiosk_id.to_owned(),
            service_id: sub.service_id.clone(),
            fin: sub.fin.clone(),
            document_number: sub.document_number.clone(),
            lang: sub.lang.code().to_owned(),
            submitted_at: now,
            answers: sub.answers.clone(),
        };
        tx.execute(
            "INSERT INTO applications (id, idempotency_key, service_id, fin_tag, payload, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                application_id,
                idempotency_key,
                sub.service_id,
                fin_tag,
                seal_with(&seal_key, &serde_json::to_vec(&wire)?, &application_id)?,
                ts(now)
            ],
        )?;
        let print_job = match make_job(&application_id) {
            Some(job) => {
                tx.execute(
                    "INSERT INTO print_jobs (application_id, state, bytes, paper_mm, created_at)
                     VALUES (?1, 'queued', ?2, ?3, ?4)",
                    params![application_id, job.bytes, f64::from(job.paper_mm), ts(now)],
                )?;
                Some(tx.last_insert_rowid())
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
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, payload FROM applications WHERE sync_state = 'pending'
             ORDER BY created_at, id LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<Vec<u8>>>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, sealed) = row?;
            let plain = self.open_sealed(&sealed.unwrap_or_default(), &id)?;
            out.push(serde_json::from_slice(&plain)?);
        }
        Ok(out)
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
            Some(sealed) => Ok(Some(serde_json::from_slice(
                &self.open_sealed(&sealed, id)?,
            )?)),
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
            let n = match r.outcome {
                ItemOutcome::Accepted | ItemOutcome::Replayed => {
                    let received = r.received_at.map(ts);
                    tx.execute(
                        "UPDATE applications SET sync_state = 'synced', received_at = ?3,
                         attempts = attempts + 1, last_error = NULL
                         WHERE id = ?1 AND idempotency_key = ?2",
                        params![r.application_id, r.idempotency_key, received],
                    )?
                }
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
            done += n;
        }
        tx.commit()?;
        Ok(done)
    }

    /// Forgets the personal data of applications the centre confirmed before `before`, and the
    /// bytes of receipts printed before then. Returns how many applications were purged.
    pub fn purge_confirmed(&mut self, before: DateTime<Utc>) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        let n = tx.execute(
            "UPDATE applications SET payload = NULL
             WHERE sync_state = 'synced' AND payload IS NOT NULL AND received_at < ?1",
            params![ts(before)],
        )?;
        tx.execute(
            "UPDATE print_jobs SET bytes = x'' WHERE state = 'printed' AND printed_at < ?1",
            params![ts(before)],
        )?;
        tx.commit()?;
        Ok(n)
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

    /// The citizen's applications known locally, newest first, with cached statuses.
    pub fn applications_for(&self, fin: &str) -> Result<Vec<AppRecord>, StoreError> {
        let tag = self.fin_tag(fin);
        let mut out: BTreeMap<String, AppRecord> = BTreeMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.service_id, a.sync_state, c.state, c.as_of, c.history
             FROM applications a LEFT JOIN status_cache c ON c.application_id = a.id
             WHERE a.fin_tag = ?1",
        )?;
        let rows = stmt.query_map(params![tag], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        for row in rows {
            let (id, service_id, sync_state, state, as_of, history) = row?;
            let state = state
                .as_deref()
                .and_then(ApplicationState::parse)
                .unwrap_or(ApplicationState::Submitted);
            out.insert(
                id.clone(),
                AppRecord {
                    application_id: id,
                    service_id,
                    state,
                    as_of: as_of.as_deref().and_then(parse_ts),
                    pending_upload: sync_state == "pending",
                    history: parse_history(history.as_deref()),
                },
            );
        }
        // Applications made at other kiosks, known from the centre earlier.
        let mut stmt = self.conn.prepare_cached(
            "SELECT application_id, service_id, state, as_of, history FROM status_cache WHERE fin_tag = ?1",
        )?;
        let rows = stmt.query_map(params![tag], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        for row in rows {
            let (id, service_id, state, as_of, history) = row?;
            out.entry(id.clone()).or_insert(AppRecord {
                application_id: id,
                service_id,
                state: ApplicationState::parse(&state).unwrap_or(ApplicationState::Submitted),
                as_of: parse_ts(&as_of),
                pending_upload: false,
                history: parse_history(Some(&history)),
            });
        }
        let mut list: Vec<AppRecord> = out.into_values().collect();
        // Numbers sort by kiosk, then date and sequence; show the newest first.
        list.sort_by(|a, b| {
            let key = |r: &AppRecord| {
                r.application_id
                    .split('-')
                    .skip(1)
                    .collect::<Vec<_>>()
                    .join("-")
            };
            key(b).cmp(&key(a))
        });
        Ok(list)
    }

    /// Caches statuses from the centre for a citizen, with the time they were true.
    pub fn cache_statuses(
        &mut self,
        fin: &str,
        statuses: &[ApplicationStatus],
        as_of: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tag = self.fin_tag(fin);
        let tx = self.conn.transaction()?;
        for s in statuses {
            upsert_status(&tx, &tag, s, as_of)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Applications at the centre whose status may still change (not approved or rejected),
    /// least recently refreshed first: `(application id, fin tag, service id)`.
    pub fn open_applications(
        &self,
        limit: usize,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.fin_tag, a.service_id FROM applications a
             LEFT JOIN status_cache c ON c.application_id = a.id
             WHERE a.sync_state = 'synced' AND (c.state IS NULL OR c.state NOT IN ('approved', 'rejected'))
             ORDER BY COALESCE(c.as_of, '') LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Caches one status under a known FİN tag.
    pub fn cache_status_tagged(
        &mut self,
        fin_tag: &str,
        s: &ApplicationStatus,
        as_of: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        upsert_status(&self.conn, fin_tag, s, as_of)
    }

    /// The next job to print: held jobs first (they are older), then queued ones.
    pub fn next_print_job(&self) -> Result<Option<PrintJob>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, application_id, bytes, paper_mm, state, hold_reason FROM print_jobs
                 WHERE state IN ('queued', 'printing', 'held') ORDER BY id LIMIT 1",
                [],
                |r| {
                    Ok(PrintJob {
                        id: r.get(0)?,
                        application_id: r.get(1)?,
                        bytes: r.get(2)?,
                        paper_mm: r.get::<_, f64>(3)? as f32,
                        state: r.get(4)?,
                        hold_reason: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    /// Held receipts, oldest first: `(job id, application id, reason)`.
    pub fn held_jobs(&self, limit: usize) -> Result<Vec<(i64, String, String)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, COALESCE(application_id, ''), COALESCE(hold_reason, '') FROM print_jobs
             WHERE state = 'held' ORDER BY id LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Queues a print job that belongs to no application (test page).
    pub fn queue_job(&mut self, job: &NewPrintJob, now: DateTime<Utc>) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO print_jobs (application_id, state, bytes, paper_mm, created_at)
             VALUES (NULL, 'queued', ?1, ?2, ?3)",
            params![job.bytes, f64::from(job.paper_mm), ts(now)],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Marks a job as being sent to the printer.
    pub fn job_printing(&mut self, id: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE print_jobs SET state = 'printing' WHERE id = ?1 AND state != 'printed'",
            params![id],
        )?;
        Ok(())
    }

    /// Marks a job printed and counts its paper, in one transaction.
    pub fn job_printed(&mut self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "UPDATE print_jobs SET state = 'printed', printed_at = ?2, hold_reason = NULL
             WHERE id = ?1 AND state != 'printed'",
            params![id, ts(now)],
        )?;
        if n == 1 {
            tx.execute(
                "UPDATE paper SET used_mm = used_mm + (SELECT paper_mm FROM print_jobs WHERE id = ?1)",
                params![id],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Holds a job that could not print, with the reason.
    pub fn job_held(&mut self, id: i64, reason: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE print_jobs SET state = 'held', hold_reason = ?2 WHERE id = ?1 AND state != 'printed'",
            params![id, reason],
        )?;
        Ok(())
    }

    /// Staff restocked the paper: resets the counter and records it in the audit log.
    pub fn restocked(&mut self, actor: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE paper SET used_mm = 0, restocked_at = ?1",
            params![ts(now)],
        )?;
        self.audit(actor, "paper_restocked", "", now)
    }

    pub fn stats(&self) -> Result<StoreStats, StoreError> {
        let count = |sql: &str| -> Result<u64, StoreError> {
            Ok(self.conn.query_row(sql, [], |r| r.get::<_, i64>(0))?.max(0) as u64)
        };
        Ok(StoreStats {
            outbox_depth: count("SELECT COUNT(*) FROM applications WHERE sync_state = 'pending'")?,
            rejected: count("SELECT COUNT(*) FROM applications WHERE sync_state = 'rejected'")?,
            held_jobs: count("SELECT COUNT(*) FROM print_jobs WHERE state = 'held'")?,
            queued_jobs: count(
                "SELECT COUNT(*) FROM print_jobs WHERE state IN ('queued','printing')",
            )?,
            paper_used_mm: self
                .conn
                .query_row("SELECT used_mm FROM paper", [], |r| r.get(0))?,
        })
    }

    /// Appends to the audit log; each row's hash covers the previous row's hash.
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
        let at = ts(now);
        let hash = audit_hash(&prev, &at, actor, action, detail);
        tx.execute(
            "INSERT INTO audit_log (at, actor, action, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
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
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        let mut prev = String::new();
        for row in rows {
            let (id, at, actor, action, detail, prev_hash, hash) = row?;
            if prev_hash != prev || audit_hash(&prev, &at, &actor, &action, &detail) != hash {
                return Ok(Some(id));
            }
            prev = hash;
        }
        Ok(None)
    }

    /// Keeps a citizen's satisfaction rating (1–5) for the centre.
    pub fn add_rating(
        &mut self,
        kiosk_id: &str,
        service_id: Option<&str>,
        score: u8,
        lang: &str,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let id = uuid::Uuid::new_v4().to_string();
        self.conn.execute(
            "INSERT INTO ratings (id, kiosk_id, service_id, score, lang, rated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, kiosk_id, service_id, score.clamp(1, 5), lang, ts(now)],
        )?;
        Ok(id)
    }

    /// Ratings not yet at the centre, oldest first.
    pub fn pending_ratings(&self, limit: usize) -> Result<Vec<dost_api::Rating>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, kiosk_id, service_id, score, lang, rated_at FROM ratings
             WHERE synced = 0 ORDER BY rated_at LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (rating_id, kiosk_id, service_id, score, lang, at) = row?;
            out.push(dost_api::Rating {
                rating_id,
                kiosk_id,
                service_id,
                score: score.clamp(1, 5) as u8,
                lang,
                rated_at: parse_ts(&at).unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// Marks ratings as delivered.
    pub fn ratings_synced(&mut self, ids: &[String]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        for id in ids {
            tx.execute("UPDATE ratings SET synced = 1 WHERE id = ?1", params![id])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Direct access for tests and diagnostics.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// A cached history (JSON of the centre's entries), oldest first; damaged ones read as empty.
fn parse_history(json: Option<&str>) -> Vec<(ApplicationState, DateTime<Utc>)> {
    json.and_then(|j| serde_json::from_str::<Vec<dost_api::StatusEntry>>(j).ok())
        .map(|entries| entries.into_iter().map(|e| (e.state, e.at)).collect())
        .unwrap_or_default()
}

fn upsert_status(
    conn: &Connection,
    fin_tag: &str,
    s: &ApplicationStatus,
    as_of: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO status_cache (application_id, service_id, fin_tag, state, history, as_of)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(application_id) DO UPDATE SET state = ?4, history = ?5, as_of = ?6",
        params![
            s.application_id,
            s.service_id,
            fin_tag,
            s.state.as_str(),
            serde_json::to_string(&s.history)?,
            ts(as_of)
        ],
    )?;
    Ok(())
}

fn audit_hash(prev: &str, at: &str, actor: &str, action: &str, detail: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [prev, at, actor, action, detail] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex(&h.finalize())
}

fn seal_with(key: &[u8; 32], plain: &[u8], aad: &str) -> Result<Vec<u8>, StoreError> {
    use chacha20poly1305::aead::{Aead, KeyInit, Payload};
    use chacha20poly1305::{XChaCha20Poly1305, XNonce};
    let nonce: [u8; 24] = rand::random();
    let sealed = XChaCha20Poly1305::new(key.into())
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plain,
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| StoreError::Decrypt)?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Reads the device key from `data_dir/device.key`, creating it (mode 0600) when missing.
pub fn device_key(data_dir: &Path) -> Result<[u8; 32], StoreError> {
    let path = data_dir.join("device.key");
    let io = |source| StoreError::DataDir {
        path: path.clone(),
        source,
    };
    match std::fs::read(&path) {
        Ok(bytes) if bytes.len() == 32 => {
            let mut key = [0u8; 32];
            key.copy_from_slice(&bytes);
            Ok(key)
        }
        Ok(_) => Err(StoreError::Integrity(format!(
            "{} is not a 32-byte key",
            path.display()
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key: [u8; 32] = rand::random();
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f = opts.open(&path).map_err(io)?;
            use std::io::Write;
            f.write_all(&key).map_err(io)?;
            f.sync_all().map_err(io)?;
            Ok(key)
        }
        Err(e) => Err(io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::Lang;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open_dir(dir.path()).unwrap();
        (dir, s)
    }

    fn sub(fin: &str) -> Submission {
        Submission {
            service_id: "disability-assessment".into(),
            lang: Lang::Az,
            fin: fin.into(),
            document_number: "AA1234567".into(),
            answers: [("phone".to_owned(), "+994501234567".to_owned())].into(),
        }
    }

    fn now() -> DateTime<Utc> {
        parse_ts("2026-11-24T10:00:00Z").unwrap()
    }

    #[test]
    fn submit_numbers_and_outbox() {
        let (_d, mut s) = store();
        let job = || {
            Some(NewPrintJob {
                bytes: vec![1, 2, 3],
                paper_mm: 120.0,
            })
        };
        let a = s
            .submit("YAS01", "K1", &sub("5ZX7K2P"), now(), |_| job())
            .unwrap();
        let b = s
            .submit("YAS01", "K1", &sub("5ZX7K2P"), now(), |_| job())
            .unwrap();
        assert_eq!(a.application_id, "YAS01-261124-0001");
        assert_eq!(b.application_id, "YAS01-261124-0002");
        assert_ne!(a.idempotency_key, b.idempotency_key);
        // Late evening UTC is the next day in Baku.
        let late = parse_ts("2026-11-24T21:00:00Z").unwrap();
        let c = s
            .submit("YAS01", "K1", &sub("5ZX7K2P"), late, |_| None)
            .unwrap();
        assert_eq!(c.application_id, "YAS01-261125-0001");
        let batch = s.pending_batch(10).unwrap();
        assert_eq!(batch.len(), 3);
        assert_eq!(batch[0].application_id, a.application_id);
        assert_eq!(
            batch[0].answers.get("phone").map(String::as_str),
            Some("+994501234567")
        );
        let stats = s.stats().unwrap();
        assert_eq!(stats.outbox_depth, 3);
        assert_eq!(stats.queued_jobs, 2);
        // No FİN in clear in any column but the payload.
        let tags: String = s
            .connection()
            .query_row("SELECT fin_tag FROM applications LIMIT 1", [], |r| r.get(0))
            .unwrap();
        assert!(!tags.contains("5ZX7K2P"));
    }

    #[test]
    fn results_move_rows_out_of_the_outbox() {
        let (_d, mut s) = store();
        let a = s
            .submit("YAS01", "K1", &sub("5ZX7K2P"), now(), |_| None)
            .unwrap();
        let b = s
            .submit("YAS01", "K1", &sub("5ZX7K2P"), now(), |_| None)
            .unwrap();
        let n = s
            .record_results(&[
                SubmitItemResult {
                    application_id: a.application_id.clone(),
                    idempotency_key: a.idempotency_key.clone(),
                    outcome: ItemOutcome::Replayed,
                    received_at: Some(now()),
                    problem: None,
                },
                SubmitItemResult {
                    application_id: b.application_id.clone(),
                    idempotency_key: "other-key".into(),
                    outcome: ItemOutcome::Accepted,
                    received_at: Some(now()),
                    problem: None,
                },
            ])
            .unwrap();
        assert_eq!(n, 1, "a result with another key changes nothing");
        let pending = s.pending_batch(10).unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].application_id, b.application_id);
        let mine = s.applications_for("5ZX7K2P").unwrap();
        assert_eq!(mine.len(), 2);
        assert_eq!(mine[0].application_id, b.application_id, "newest first");
        assert!(mine[0].pending_upload && !mine[1].pending_upload);
        assert!(s.applications_for("1AB2CD3").unwrap().is_empty());
    }

    #[test]
    fn print_jobs_print_once_and_count_paper() {
        let (_d, mut s) = store();
        let a = s
            .submit("YAS01", "K1", &sub("5ZX7K2P"), now(), |id| {
                Some(NewPrintJob {
                    bytes: id.as_bytes().to_vec(),
                    paper_mm: 100.0,
                })
            })
            .unwrap();
        let job = s.next_print_job().unwrap().unwrap();
        assert_eq!(
            job.application_id.as_deref(),
            Some(a.application_id.as_str())
        );
        assert_eq!(job.bytes, a.application_id.as_bytes());
        s.job_printing(job.id).unwrap();
        s.job_held(job.id, "paper_out").unwrap();
        assert_eq!(s.stats().unwrap().held_jobs, 1);
        let again = s.next_print_job().unwrap().unwrap();
        assert_eq!(again.hold_reason.as_deref(), Some("paper_out"));
        s.job_printed(job.id, now()).unwrap();
        s.job_printed(job.id, now()).unwrap();
        assert_eq!(s.stats().unwrap().paper_used_mm, 100.0, "counted once");
        assert!(s.next_print_job().unwrap().is_none());
        s.job_held(job.id, "paper_out").unwrap();
        assert!(
            s.next_print_job().unwrap().is_none(),
            "a printed job never comes back"
        );
        s.restocked("staff", now()).unwrap();
        assert_eq!(s.stats().unwrap().paper_used_mm, 0.0);
    }

    #[test]
    fn personal_data_is_sealed_and_purged() {
        let dir = tempfile::tempdir().unwrap();
        let a = {
            let mut s = Store::open_dir(dir.path()).unwrap();
            let a = s
                .submit("YAS01", "K1", &sub("5ZX7K2P"), now(), |_| None)
                .unwrap();
            s.connection()
                .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
                .unwrap();
            a
        };
        let raw = std::fs::read(dir.path().join("kiosk.db")).unwrap();
        let needle = b"5ZX7K2P";
        assert!(
            !raw.windows(needle.len()).any(|w| w == needle),
            "FİN in clear on disk"
        );
        assert!(
            !raw.windows(12).any(|w| w == b"+99450123456"),
            "answers in clear on disk"
        );

        // Another device key cannot read the outbox.
        let other = Store::open(&dir.path().join("kiosk.db"), [7u8; 32]).unwrap();
        assert!(matches!(other.pending_batch(10), Err(StoreError::Decrypt)));
        drop(other);

        let mut s = Store::open_dir(dir.path()).unwrap();
        assert_eq!(s.pending_batch(10).unwrap()[0].fin, "5ZX7K2P");
        s.record_results(&[SubmitItemResult {
            application_id: a.application_id.clone(),
            idempotency_key: a.idempotency_key.clone(),
            outcome: ItemOutcome::Accepted,
            received_at: Some(now()),
            problem: None,
        }])
        .unwrap();
        assert_eq!(
            s.purge_confirmed(now()).unwrap(),
            0,
            "not older than the cut-off"
        );
        let later = now() + chrono::Duration::days(31);
        assert_eq!(s.purge_confirmed(later).unwrap(), 1);
        let payload: Option<Vec<u8>> = s
            .connection()
            .query_row("SELECT payload FROM applications", [], |r| r.get(0))
            .unwrap();
        assert_eq!(payload, None);
        // The citizen still sees the application in the list.
        assert_eq!(s.applications_for("5ZX7K2P").unwrap().len(), 1);
    }

    #[test]
    fn audit_chain_detects_a_changed_row() {
        let (_d, mut s) = store();
        s.audit("technician", "login", "", now()).unwrap();
        s.audit("staff", "paper_restocked", "", now()).unwrap();
        s.audit("technician", "config_changed", "printer.baud", now())
            .unwrap();
        assert_eq!(s.verify_audit().unwrap(), None);
        s.connection()
            .execute("UPDATE audit_log SET actor = 'intruder' WHERE id = 2", [])
            .unwrap();
        assert_eq!(s.verify_audit().unwrap(), Some(2));
    }

    #[test]
    fn reopen_keeps_everything_and_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let id = {
            let mut s = Store::open_dir(dir.path()).unwrap();
            s.submit("YAS01", "K1", &sub("5ZX7K2P"), now(), |_| None)
                .unwrap()
                .application_id
        };
        let s = Store::open_dir(dir.path()).unwrap();
        assert_eq!(s.schema_version().unwrap(), MIGRATIONS.len() as i64);
        let mine = s.applications_for("5ZX7K2P").unwrap();
        assert_eq!(mine.first().map(|r| r.application_id.clone()), Some(id));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("device.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn migrates_from_every_earlier_version() {
        for from in 0..MIGRATIONS.len() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("kiosk.db");
            {
                let conn = Connection::open(&path).unwrap();
                for (i, sql) in MIGRATIONS.iter().enumerate().take(from) {
                    conn.execute_batch(sql).unwrap();
                    conn.pragma_update(None, "user_version", (i + 1) as i64)
                        .unwrap();
                }
                if from >= 1 {
                    conn.execute(
                        "INSERT INTO applications (id, idempotency_key, service_id, fin_tag, payload, created_at)
                         VALUES ('A-1', 'k', 's', 't', NULL, '2026-01-01T00:00:00Z')",
                        [],
                    )
                    .unwrap();
                }
            }
            let s = Store::open(&path, [1u8; 32]).unwrap();
            assert_eq!(
                s.schema_version().unwrap(),
                MIGRATIONS.len() as i64,
                "from {from}"
            );
            let apps: i64 = s
                .connection()
                .query_row("SELECT COUNT(*) FROM applications", [], |r| r.get(0))
                .unwrap();
            assert_eq!(
                apps,
                i64::from(from >= 1),
                "rows survive the migration from {from}"
            );
            assert!(s.pending_ratings(1).unwrap().is_empty());
        }
    }

    #[test]
    fn ratings_wait_for_the_centre() {
        let (_d, mut s) = store();
        let id = s
            .add_rating("K1", Some("disability-assessment"), 5, "az", now())
            .unwrap();
        s.add_rating("K1", None, 9, "ru", now()).unwrap();
        let pending = s.pending_ratings(10).unwrap();
        assert_eq!(pending.len(), 2);
        assert!(pending.iter().all(|r| (1..=5).contains(&r.score)));
        s.ratings_synced(&[id]).unwrap();
        assert_eq!(s.pending_ratings(10).unwrap().len(), 1);
    }

    #[test]
    fn garbage_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("kiosk.db"),
            b"this is not a database at all, not even close",
        )
        .unwrap();
        let err = Store::open_dir(dir.path()).err();
        assert!(err.is_some(), "garbage must not open");
        let newer = tempfile::tempdir().unwrap();
        {
            let s = Store::open_dir(newer.path()).unwrap();
            s.connection()
                .pragma_update(None, "user_version", 99)
                .unwrap();
        }
        assert!(matches!(
            Store::open_dir(newer.path()),
            Err(StoreError::TooNew { found: 99, .. })
        ));
    }
}

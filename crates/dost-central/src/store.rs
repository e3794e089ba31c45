//! SQLite storage (WAL, `synchronous=FULL`); every call is synchronous and meant to run on a
//! blocking thread.

use std::io::Write;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use dost_api::{ApplicationState, ApplicationSubmission, ItemOutcome, Problem, SubmitItemResult};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde::Serialize;

use crate::error::CentralError;
use crate::validate::{content_hash, validate_submission};

const SCHEMA_VERSION: i64 = 2;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS applications (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id  TEXT NOT NULL UNIQUE,
    idempotency_key TEXT NOT NULL UNIQUE,
    kiosk_id        TEXT NOT NULL,
    service_id      TEXT NOT NULL,
    fin             TEXT NOT NULL,
    document_number TEXT NOT NULL,
    lang            TEXT NOT NULL,
    submitted_at    TEXT NOT NULL,
    answers_json    TEXT NOT NULL,
    content_hash    TEXT NOT NULL,
    received_at_ms  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS applications_by_fin ON applications (fin, received_at_ms);
CREATE TABLE IF NOT EXISTS state_overrides (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id TEXT NOT NULL REFERENCES applications (application_id),
    state          TEXT NOT NULL,
    note           TEXT,
    at_ms          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS state_overrides_by_app ON state_overrides (application_id, seq);
CREATE TABLE IF NOT EXISTS revoked_documents (
    document_number TEXT PRIMARY KEY,
    revoked_at_ms   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS kiosk_configs (
    kiosk_id      TEXT PRIMARY KEY,
    config_json   TEXT NOT NULL,
    etag          TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ratings (
    rating_id      TEXT PRIMARY KEY,
    kiosk_id       TEXT NOT NULL,
    service_id     TEXT,
    score          INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    lang           TEXT NOT NULL,
    rated_at_ms    INTEGER NOT NULL,
    received_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS heartbeats (
    kiosk_id       TEXT PRIMARY KEY,
    heartbeat_json TEXT NOT NULL,
    received_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tickets (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id      TEXT NOT NULL UNIQUE,
    kiosk_id       TEXT NOT NULL,
    service_id     TEXT NOT NULL,
    number         TEXT NOT NULL,
    day            TEXT NOT NULL,
    lang           TEXT NOT NULL,
    sms_phone      TEXT,
    issued_at_ms   INTEGER NOT NULL,
    call_at_ms     INTEGER NOT NULL,
    received_at_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tickets_by_service ON tickets (service_id, day, call_at_ms);
CREATE TABLE IF NOT EXISTS citizen_names (
    fin          TEXT PRIMARY KEY,
    display_name TEXT NOT NULL
);
";

/// What version 2 adds to a version 1 database besides the new tables of [`SCHEMA`].
const TO_V2: &str = "ALTER TABLE state_overrides ADD COLUMN reason TEXT;";

/// An application as stored.
#[derive(Debug, Clone)]
pub struct StoredApp {
    pub application_id: String,
    pub service_id: String,
    pub submitted_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
}

/// A state set by hand (`POST /admin/applications/{id}/state`).
#[derive(Debug, Clone)]
pub struct Override {
    pub state: ApplicationState,
    pub note: Option<String>,
    /// Reason code of a rejection set by hand ([`crate::reasons`]).
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// One line of `dost-central export`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ExportRecord {
    pub application_id: String,
    pub idempotency_key: String,
    pub kiosk_id: String,
    pub service_id: String,
    pub received_at: DateTime<Utc>,
    pub content_hash: String,
}

/// The database of the reference server.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
}

/// Millisecond precision, so that what is stored is exactly what was answered.
pub fn truncate_ms(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

fn from_ms(ms: i64) -> Result<DateTime<Utc>, CentralError> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| CentralError::Corrupt(format!("timestamp {ms} out of range")))
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

impl Store {
    /// Opens (creating if needed) the database and its schema.
    pub fn open(path: &Path) -> Result<Self, CentralError> {
        let open_err = |source| CentralError::OpenDb {
            path: path.to_owned(),
            source,
        };
        let conn = Connection::open(path).map_err(open_err)?;
        configure(&conn).map_err(open_err)?;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(open_err)?;
        if version > SCHEMA_VERSION {
            return Err(CentralError::SchemaTooNew {
                path: path.to_owned(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        conn.execute_batch(SCHEMA).map_err(open_err)?;
        if version < 2 {
            conn.execute_batch(TO_V2).map_err(open_err)?;
        }
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(open_err)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-done transaction behind (the
        // transaction rolls back on drop), so a poisoned lock is safe to keep using.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stores a batch in one transaction; one result per item, in order.
    pub fn submit_batch(
        &self,
        items: &[ApplicationSubmission],
        now: DateTime<Utc>,
    ) -> Result<Vec<SubmitItemResult>, CentralError> {
        let received_at = truncate_ms(now);
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut results = Vec::with_capacity(items.len());
        {
            let mut by_key = tx.prepare_cached(
                "SELECT application_id, content_hash, received_at_ms FROM applications
                 WHERE idempotency_key = ?1",
            )?;
            let mut by_id = tx.prepare_cached(
                "SELECT idempotency_key FROM applications WHERE application_id = ?1",
            )?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO applications (application_id, idempotency_key, kiosk_id, service_id,
                     fin, document_number, lang, submitted_at, answers_json, content_hash,
                     received_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            for a in items {
                let result = |outcome, received_at, problem| SubmitItemResult {
                    application_id: a.application_id.clone(),
                    idempotency_key: a.idempotency_key.clone(),
                    outcome,
                    received_at,
                    problem,
                };
                if let Err(detail) = validate_submission(a) {
                    results.push(result(
                        ItemOutcome::Invalid,
                        None,
                        Some(Problem::new(422, "Invalid application", detail)),
                    ));
                    continue;
                }
                let hash = content_hash(a);
                let seen: Option<(String, String, i64)> = by_key
                    .query_row([&a.idempotency_key], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })
                    .optional()?;
                if let Some((app_id, seen_hash, first_ms)) = seen {
                    if app_id == a.application_id && seen_hash == hash {
                        results.push(result(
                            ItemOutcome::Replayed,
                            Some(from_ms(first_ms)?),
                            None,
                        ));
                    } else {
                        results.push(result(
                            ItemOutcome::Conflict,
                            None,
                            Some(Problem::new(
                                409,
                                "Idempotency key reused",
                                "this idempotency_key was first used with other content".to_owned(),
                            )),
                        ));
                    }
                    continue;
                }
                let other_key: Option<String> = by_id
                    .query_row([&a.application_id], |r| r.get(0))
                    .optional()?;
                if other_key.is_some() {
                    results.push(result(
                        ItemOutcome::Conflict,
                        None,
                        Some(Problem::new(
                            409,
                            "Duplicate application id",
                            "this application_id was stored under another idempotency_key"
                                .to_owned(),
                        )),
                    ));
                    continue;
                }
                insert.execute(params![
                    a.application_id,
                    a.idempotency_key,
                    a.kiosk_id,
                    a.service_id,
                    a.fin,
                    a.document_number,
                    a.lang,
                    a.submitted_at,
                    serde_json::to_string(&a.answers)?,
                    hash,
                    received_at.timestamp_millis(),
                ])?;
                results.push(result(ItemOutcome::Accepted, Some(received_at), None));
            }
        }
        tx.commit()?;
        Ok(results)
    }

    fn overrides(conn: &Connection, id: &str) -> Result<Vec<Override>, CentralError> {
        let mut stmt = conn.prepare_cached(
            "SELECT state, note, at_ms, reason FROM state_overrides WHERE application_id = ?1
             ORDER BY seq",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (state, note, at, reason) = row?;
            let state = ApplicationState::parse(&state)
                .ok_or_else(|| CentralError::Corrupt(format!("unknown state {state:?}")))?;
            out.push(Override {
                state,
                note,
                reason,
                at: from_ms(at)?,
            });
        }
        Ok(out)
    }

    /// `submitted_at` is TEXT, read through rusqlite's chrono conversion (which also reads
    /// the RFC 3339 `…T…Z` form that older databases hold).
    fn app_from_row(
        r: &rusqlite::Row<'_>,
    ) -> rusqlite::Result<(String, String, DateTime<Utc>, i64)> {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    }

    fn app_from_parts(
        (application_id, service_id, submitted_at, received_ms): (
            String,
            String,
            DateTime<Utc>,
            i64,
        ),
    ) -> Result<StoredApp, CentralError> {
        Ok(StoredApp {
            application_id,
            service_id,
            submitted_at,
            received_at: from_ms(received_ms)?,
        })
    }

    /// An application and its manual state changes.
    pub fn get(&self, id: &str) -> Result<Option<(StoredApp, Vec<Override>)>, CentralError> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT application_id, service_id, submitted_at, received_at_ms
                 FROM applications WHERE application_id = ?1",
                [id],
                Self::app_from_row,
            )
            .optional()?;
        match row {
            None => Ok(None),
            Some(parts) => {
                let app = Self::app_from_parts(parts)?;
                let ov = Self::overrides(&conn, id)?;
                Ok(Some((app, ov)))
            }
        }
    }

    /// A citizen's applications, newest first (at most `limit`).
    pub fn list_by_fin(
        &self,
        fin: &str,
        limit: usize,
    ) -> Result<Vec<(StoredApp, Vec<Override>)>, CentralError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT application_id, service_id, submitted_at, received_at_ms FROM applications
             WHERE fin = ?1 ORDER BY received_at_ms DESC, seq DESC LIMIT ?2",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt
            .query_map(params![fin, limit], Self::app_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = Vec::with_capacity(rows.len());
        for parts in rows {
            let app = Self::app_from_parts(parts)?;
            let ov = Self::overrides(&conn, &app.application_id)?;
            out.push((app, ov));
        }
        Ok(out)
    }

    /// Records a manual state; false when the application is unknown.
    pub fn add_override(
        &self,
        id: &str,
        state: ApplicationState,
        note: Option<&str>,
        reason: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<bool, CentralError> {
        let conn = self.conn();
        let n = conn.execute(
            "INSERT INTO state_overrides (application_id, state, note, at_ms, reason)
             SELECT application_id, ?2, ?3, ?4, ?5 FROM applications WHERE application_id = ?1",
            params![
                id,
                state.as_str(),
                note,
                truncate_ms(at).timestamp_millis(),
                reason
            ],
        )?;
        Ok(n == 1)
    }

    pub fn revoke(&self, document_number: &str, at: DateTime<Utc>) -> Result<(), CentralError> {
        self.conn().execute(
            "INSERT OR IGNORE INTO revoked_documents (document_number, revoked_at_ms) VALUES (?1, ?2)",
            params![document_number, at.timestamp_millis()],
        )?;
        Ok(())
    }

    pub fn is_revoked(&self, document_number: &str) -> Result<bool, CentralError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT 1 FROM revoked_documents WHERE document_number = ?1",
                [document_number],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    pub fn put_kiosk_config(
        &self,
        kiosk_id: &str,
        json: &str,
        etag: &str,
        at: DateTime<Utc>,
    ) -> Result<(), CentralError> {
        self.conn().execute(
            "INSERT INTO kiosk_configs (kiosk_id, config_json, etag, updated_at_ms)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (kiosk_id) DO UPDATE SET config_json = excluded.config_json,
                 etag = excluded.etag, updated_at_ms = excluded.updated_at_ms",
            params![kiosk_id, json, etag, at.timestamp_millis()],
        )?;
        Ok(())
    }

    /// `(json, etag)` of a kiosk's configuration.
    pub fn kiosk_config(&self, kiosk_id: &str) -> Result<Option<(String, String)>, CentralError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT config_json, etag FROM kiosk_configs WHERE kiosk_id = ?1",
                [kiosk_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    pub fn put_heartbeat(
        &self,
        kiosk_id: &str,
        json: &str,
        at: DateTime<Utc>,
    ) -> Result<(), CentralError> {
        self.conn().execute(
            "INSERT INTO heartbeats (kiosk_id, heartbeat_json, received_at_ms) VALUES (?1, ?2, ?3)
             ON CONFLICT (kiosk_id) DO UPDATE SET heartbeat_json = excluded.heartbeat_json,
                 received_at_ms = excluded.received_at_ms",
            params![kiosk_id, json, at.timestamp_millis()],
        )?;
        Ok(())
    }

    /// Stores ratings once per id; returns (new, already stored).
    pub fn put_ratings(
        &self,
        ratings: &[dost_api::Rating],
        at: DateTime<Utc>,
    ) -> Result<(u32, u32), CentralError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut new = 0;
        for r in ratings {
            new += tx.execute(
                "INSERT OR IGNORE INTO ratings
                 (rating_id, kiosk_id, service_id, score, lang, rated_at_ms, received_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    r.rating_id,
                    r.kiosk_id,
                    r.service_id,
                    r.score,
                    r.lang,
                    r.rated_at.timestamp_millis(),
                    at.timestamp_millis()
                ],
            )? as u32;
        }
        tx.commit()?;
        Ok((new, ratings.len() as u32 - new))
    }

    /// Count of stored ratings per score 1..=5.
    pub fn rating_counts(&self) -> Result<[u64; 5], CentralError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT score, COUNT(*) FROM ratings GROUP BY score")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        let mut out = [0u64; 5];
        for row in rows {
            let (score, n) = row?;
            if (1..=5).contains(&score) {
                out[(score - 1) as usize] = n.max(0) as u64;
            }
        }
        Ok(out)
    }

    /// `(json, received_at)` of the last heartbeat of a kiosk.
    pub fn heartbeat(
        &self,
        kiosk_id: &str,
    ) -> Result<Option<(String, DateTime<Utc>)>, CentralError> {
        let row: Option<(String, i64)> = self
            .conn()
            .query_row(
                "SELECT heartbeat_json, received_at_ms FROM heartbeats WHERE kiosk_id = ?1",
                [kiosk_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(j, ms)| Ok((j, from_ms(ms)?))).transpose()
    }
}

/// Every stored application in the order received (see [`crate::export`]).
pub fn export_records(
    db: &Path,
    mut each: impl FnMut(ExportRecord) -> Result<(), CentralError>,
) -> Result<usize, CentralError> {
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|source| CentralError::OpenDb {
        path: db.to_owned(),
        source,
    })?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let mut stmt = conn.prepare(
        "SELECT application_id, idempotency_key, kiosk_id, service_id, received_at_ms,
                content_hash
         FROM applications ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut n = 0;
    while let Some(r) = rows.next()? {
        each(ExportRecord {
            application_id: r.get(0)?,
            idempotency_key: r.get(1)?,
            kiosk_id: r.get(2)?,
            service_id: r.get(3)?,
            received_at: from_ms(r.get(4)?)?,
            content_hash: r.get(5)?,
        })?;
        n += 1;
    }
    Ok(n)
}

/// Writes [`export_records`] as JSON lines.
pub fn export_json_lines(db: &Path, out: &mut impl Write) -> Result<usize, CentralError> {
    export_records(db, |rec| {
        serde_json::to_writer(&mut *out, &rec)?;
        out.write_all(b"\n")?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn submission() -> ApplicationSubmission {
        ApplicationSubmission {
            application_id: "K1-261124-0001".into(),
            idempotency_key: "key-1".into(),
            kiosk_id: "K1".into(),
            service_id: "pension".into(),
            fin: "5AB12C7".into(),
            document_number: "AA1234567".into(),
            lang: "az".into(),
            submitted_at: Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).unwrap()
                + chrono::Duration::milliseconds(250),
            answers: Default::default(),
        }
    }

    /// New rows and rows written by earlier versions (RFC 3339 with `T` and `Z`) read back
    /// as the same instant.
    #[test]
    fn submitted_at_round_trips_in_both_text_forms() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("c.db")).unwrap();
        let a = submission();
        store
            .submit_batch(std::slice::from_ref(&a), Utc::now())
            .unwrap();
        let (got, _) = store.get(&a.application_id).unwrap().unwrap();
        assert_eq!(got.submitted_at, a.submitted_at);

        store
            .conn()
            .execute(
                "UPDATE applications SET submitted_at = '2026-11-24T09:30:00.25Z'",
                [],
            )
            .unwrap();
        let (old, _) = store.get(&a.application_id).unwrap().unwrap();
        assert_eq!(old.submitted_at, a.submitted_at);

        store
            .conn()
            .execute("UPDATE applications SET submitted_at = 'yesterday'", [])
            .unwrap();
        assert!(store.get(&a.application_id).is_err(), "garbage is an error");
    }
}

//! Versioned migrations of the kiosk database; `PRAGMA user_version` is the schema version.

use rusqlite::{Connection, TransactionBehavior, params};

use super::StoreError;
use super::keys::Keys;

/// One migration: SQL, or SQL with work in code.
enum Step {
    Sql(&'static str),
    /// Re-seals personal data and re-tags citizens with the keys of [`Keys::derive`],
    /// rewrites timestamps in SQLite's text form, and keeps print jobs as documents.
    Rekey,
}

/// Index + 1 is the schema version each step produces.
const STEPS: &[Step] = &[
    // 1: outbox, print jobs, status cache, paper, audit.
    Step::Sql(
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
    ),
    // 2: satisfaction ratings (anonymous), synced to the centre.
    Step::Sql(
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
    ),
    // 3: HKDF/HMAC keys, SQLite-form timestamps, print jobs as documents.
    Step::Rekey,
    // 4: receipts not taken (a presenter pulled them back); print jobs found by application.
    Step::Sql(
        "CREATE TABLE print_jobs_v4 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        application_id TEXT,
        state TEXT NOT NULL CHECK (state IN ('queued','printing','printed','held','not_taken')),
        hold_reason TEXT,
        bytes BLOB NOT NULL,
        paper_mm REAL NOT NULL,
        created_at TEXT NOT NULL,
        printed_at TEXT,
        doc TEXT
     );
     INSERT INTO print_jobs_v4
        (id, application_id, state, hold_reason, bytes, paper_mm, created_at, printed_at, doc)
        SELECT id, application_id, state, hold_reason, bytes, paper_mm, created_at, printed_at, doc
        FROM print_jobs;
     DROP TABLE print_jobs;
     ALTER TABLE print_jobs_v4 RENAME TO print_jobs;
     CREATE INDEX print_jobs_application ON print_jobs(application_id);",
    ),
    // 5: queue tickets (an outbox like applications: numbered offline ones wait for the
    // centre), citizens' calls for staff, and the centre's reasons of rejected applications.
    Step::Sql(
        "CREATE TABLE queue_tickets (
        id TEXT PRIMARY KEY,
        service_id TEXT NOT NULL,
        number TEXT NOT NULL,
        offline INTEGER NOT NULL CHECK (offline IN (0, 1)),
        payload BLOB,
        issued_at TEXT NOT NULL,
        people_ahead INTEGER,
        wait_min INTEGER,
        sync_state TEXT NOT NULL CHECK (sync_state IN ('pending','synced','rejected')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
     );
     CREATE INDEX queue_tickets_pending ON queue_tickets(sync_state, issued_at);
     CREATE TABLE ticket_seq (day TEXT PRIMARY KEY, seq INTEGER NOT NULL);
     CREATE TABLE help_calls (
        id TEXT PRIMARY KEY,
        asked_at TEXT NOT NULL,
        screen TEXT NOT NULL,
        answered_at TEXT
     );
     CREATE INDEX help_calls_open ON help_calls(answered_at, asked_at);
     ALTER TABLE status_cache ADD COLUMN rejection TEXT;",
    ),
];

/// The schema version this build writes.
pub(super) const LATEST: i64 = STEPS.len() as i64;

pub(super) fn version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings the database to [`LATEST`], one transaction per step.
pub(super) fn run(
    conn: &mut Connection,
    device_key: &[u8; 32],
    keys: &Keys,
) -> Result<(), StoreError> {
    let found = version(conn)?;
    if found > LATEST {
        return Err(StoreError::TooNew {
            found,
            known: LATEST,
        });
    }
    for (i, step) in STEPS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        match step {
            Step::Sql(sql) => tx.execute_batch(sql)?,
            Step::Rekey => rekey(&tx, &Keys::legacy(device_key), keys)?,
        }
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
        tracing::info!(version = i + 1, "database migrated");
    }
    Ok(())
}

/// `2026-11-24T10:00:00.000000Z` (RFC 3339, as versions 1 and 2 wrote) as SQLite's text form
/// `2026-11-24 10:00:00.000000+00:00`, which sorts the same way.
fn to_sqlite_time(column: &str) -> String {
    format!(
        "{column} = CASE WHEN {column} LIKE '____-__-__T%Z' \
         THEN replace(substr({column}, 1, length({column}) - 1), 'T', ' ') || '+00:00' \
         ELSE {column} END"
    )
}

fn rekey(tx: &rusqlite::Transaction, legacy: &Keys, keys: &Keys) -> Result<(), StoreError> {
    // Rows that still hold their personal data: re-seal, and learn each citizen's new tag.
    let rows: Vec<(String, String, Vec<u8>)> = {
        let mut stmt =
            tx.prepare("SELECT id, fin_tag, payload FROM applications WHERE payload IS NOT NULL")?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?
    };
    let mut tags = std::collections::HashMap::new();
    for (id, old_tag, sealed) in rows {
        let Ok(plain) = legacy.open(&sealed, &id) else {
            tracing::warn!(application = %id, "a sealed row does not open; left as it was");
            continue;
        };
        let wire: dost_api::ApplicationSubmission = serde_json::from_slice(&plain)?;
        let tag = keys.fin_tag(&wire.fin);
        debug_assert_eq!(legacy.legacy_fin_tag(&wire.fin), old_tag);
        tx.execute(
            "UPDATE applications SET payload = ?2, fin_tag = ?3 WHERE id = ?1",
            params![id, keys.seal(&plain, &id)?, tag],
        )?;
        tags.insert(old_tag, tag);
    }
    // Purged rows and cached statuses of the same citizens follow; a citizen with no row left
    // to learn from keeps the old tag (the centre lists those applications again).
    for (old, new) in &tags {
        tx.execute(
            "UPDATE applications SET fin_tag = ?2 WHERE fin_tag = ?1 AND payload IS NULL",
            params![old, new],
        )?;
        tx.execute(
            "UPDATE status_cache SET fin_tag = ?2 WHERE fin_tag = ?1",
            params![old, new],
        )?;
    }
    for (table, columns) in [
        ("applications", &["created_at", "received_at"][..]),
        ("print_jobs", &["created_at", "printed_at"]),
        ("status_cache", &["as_of"]),
        ("ratings", &["rated_at"]),
        ("paper", &["restocked_at"]),
    ] {
        let sets: Vec<String> = columns.iter().map(|c| to_sqlite_time(c)).collect();
        tx.execute_batch(&format!("UPDATE {table} SET {}", sets.join(", ")))?;
    }
    tx.execute_batch("ALTER TABLE print_jobs ADD COLUMN doc TEXT;")?;
    Ok(())
}

/// Builds a database of schema `version` as those versions did (tests of the migrations).
#[cfg(test)]
pub(super) fn build_legacy(conn: &Connection, version: i64) {
    for (i, step) in STEPS.iter().enumerate().take(version as usize) {
        match step {
            Step::Sql(sql) => conn
                .execute_batch(sql)
                .unwrap_or_else(|e| panic!("step {}: {e}", i + 1)),
            // Its schema change; the data it rewrites is written by the tests themselves.
            Step::Rekey => conn
                .execute_batch("ALTER TABLE print_jobs ADD COLUMN doc TEXT;")
                .unwrap_or_else(|e| panic!("step {}: {e}", i + 1)),
        }
        conn.pragma_update(None, "user_version", (i + 1) as i64)
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

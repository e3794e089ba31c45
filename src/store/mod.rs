//! The kiosk's local store (SQLite): outbox of applications and queue tickets, print jobs,
//! status cache, paper counter, ratings, calls for staff and a hash-chained audit log.
//!
//! Every submission is written with its print job in one transaction with `synchronous=FULL`,
//! so a citizen who was told "submitted" has a durable row, whatever happens next. Personal
//! data is sealed with keys derived from the device key; citizens are found by a keyed tag of
//! their FİN, never by the FİN in clear.
//!
//! One thread owns the connection ([`actor::StoreHandle`]); the session loop, the relay, the
//! housekeeping and the printer worker talk to it.

pub mod actor;
mod applications;
mod audit;
mod help_calls;
mod keys;
mod migrate;
mod print_jobs;
mod ratings;
mod status_cache;
mod tickets;

use std::path::Path;

use kiosk_core::screen::StoreFacts;
use rusqlite::Connection;

pub use actor::StoreHandle;
pub use applications::{OpenApplication, Stored};
pub use help_calls::OpenCall;
pub use keys::{KeySource, device_key, device_key_from};
pub use print_jobs::{JobContent, PrintJob};
pub use tickets::StoredTicket;

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
    #[error("{0} is not a 32-byte key (32 raw bytes or 64 hex digits)")]
    BadKey(std::path::PathBuf),
    #[error("the device key credential cannot be read: {0}")]
    Credential(#[from] crate::platform::credentials::CredentialError),
    #[error(
        "{file} holds another key than the device-key credential: the database was sealed \
         with one of them. Keep the one it was sealed with (see the README, encryption at rest)"
    )]
    KeyConflict { file: std::path::PathBuf },
    #[error("the store is closed")]
    Closed,
    #[error("the store's thread cannot start: {0}")]
    Thread(#[source] std::io::Error),
}

/// Counts for status screens, the heartbeat and the paper counter.
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
    keys: keys::Keys,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

impl Store {
    /// The outbox rows `sql` selects (`id, payload`, at most `limit` by `?1`), each payload
    /// opened with its id and read as JSON: applications and offline queue tickets alike.
    fn pending_sealed<T: serde::de::DeserializeOwned>(
        &self,
        sql: &'static str,
        limit: usize,
    ) -> Result<Vec<T>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(rusqlite::params![limit as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<Vec<u8>>>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, sealed) = row?;
            let plain = self.keys.open(&sealed.unwrap_or_default(), &id)?;
            out.push(serde_json::from_slice(&plain)?);
        }
        Ok(out)
    }

    /// Opens (creating if needed) `kiosk.db` in `data_dir`, migrates it and checks integrity.
    pub fn open_dir(data_dir: &Path) -> Result<Store, StoreError> {
        crate::platform::fs::private_dir(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let key = device_key(data_dir)?;
        let db = data_dir.join("kiosk.db");
        let store = Self::open(&db, key)?;
        // A database made by an older version or under a wider umask becomes private; SQLite
        // gives its WAL files the database's mode.
        for file in ["kiosk.db", "kiosk.db-wal", "kiosk.db-shm"] {
            let path = data_dir.join(file);
            crate::platform::fs::make_private(&path)
                .map_err(|source| StoreError::DataDir { path, source })?;
        }
        Ok(store)
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
            keys: keys::Keys::derive(&device_key),
        };
        migrate::run(&mut store.conn, &device_key, &store.keys)?;
        Ok(store)
    }

    /// Schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        migrate::version(&self.conn)
    }

    /// Keyed tag of a citizen key: finds a citizen's rows without a clear FİN column.
    pub fn fin_tag(&self, key: &str) -> String {
        self.keys.fin_tag(key)
    }

    pub fn stats(&self) -> Result<StoreStats, StoreError> {
        let count = |sql: &str| -> Result<u64, StoreError> {
            Ok(self.conn.query_row(sql, [], |r| r.get::<_, i64>(0))?.max(0) as u64)
        };
        Ok(StoreStats {
            // Applications and offline queue tickets waiting for the centre.
            outbox_depth: count(
                "SELECT (SELECT COUNT(*) FROM applications WHERE sync_state = 'pending')
                      + (SELECT COUNT(*) FROM queue_tickets WHERE sync_state = 'pending')",
            )?,
            rejected: count("SELECT COUNT(*) FROM applications WHERE sync_state = 'rejected'")?,
            held_jobs: count("SELECT COUNT(*) FROM print_jobs WHERE state = 'held'")?,
            queued_jobs: count(
                "SELECT COUNT(*) FROM print_jobs WHERE state IN ('queued','printing')",
            )?,
            paper_used_mm: self.paper_used_mm()?,
        })
    }

    /// What the service screens show of the store.
    pub fn facts(&self, held_limit: usize) -> Result<StoreFacts, StoreError> {
        let stats = self.stats()?;
        Ok(StoreFacts {
            outbox_depth: stats.outbox_depth,
            rejected: stats.rejected,
            paper_used_mm: stats.paper_used_mm,
            held: self.held_jobs(held_limit)?,
            help_calls: self.help_call_facts(held_limit)?,
        })
    }

    /// Direct access for tests and diagnostics.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_citizen;

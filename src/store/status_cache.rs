//! Statuses from the centre, cached with the time they were true ("as of").

use chrono::{DateTime, Utc};
use dost_api::{ApplicationState, ApplicationStatus};
use rusqlite::{Connection, params};

use super::{Store, StoreError};

impl Store {
    /// Caches statuses from the centre for a citizen, with the time they were true.
    pub fn cache_statuses(
        &mut self,
        citizen_key: &str,
        statuses: &[ApplicationStatus],
        as_of: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tag = self.keys.fin_tag(citizen_key);
        let tx = self.conn.transaction()?;
        for s in statuses {
            upsert(&tx, &tag, s, as_of)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Caches one status under a known citizen tag.
    pub fn cache_status_tagged(
        &mut self,
        fin_tag: &str,
        s: &ApplicationStatus,
        as_of: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        upsert(&self.conn, fin_tag, s, as_of)
    }
}

fn upsert(
    conn: &Connection,
    fin_tag: &str,
    s: &ApplicationStatus,
    as_of: DateTime<Utc>,
) -> Result<(), StoreError> {
    let rejection = s
        .rejection
        .as_ref()
        .map(serde_json::to_string)
        .transpose()?;
    conn.execute(
        "INSERT INTO status_cache (application_id, service_id, fin_tag, state, history, as_of,
             rejection)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(application_id) DO UPDATE SET state = ?4, history = ?5, as_of = ?6,
             rejection = ?7",
        params![
            s.application_id,
            s.service_id,
            fin_tag,
            s.state.as_str(),
            serde_json::to_string(&s.history)?,
            as_of,
            rejection
        ],
    )?;
    Ok(())
}

/// A cached rejection (JSON of the centre's reason); a damaged one reads as none.
pub(super) fn parse_rejection(json: Option<&str>) -> Option<dost_api::Rejection> {
    json.and_then(|j| serde_json::from_str(j).ok())
}

/// A cached history (JSON of the centre's entries), oldest first; damaged ones read as empty.
pub(super) fn parse_history(json: Option<&str>) -> Vec<(ApplicationState, DateTime<Utc>)> {
    json.and_then(|j| serde_json::from_str::<Vec<dost_api::StatusEntry>>(j).ok())
        .map(|entries| entries.into_iter().map(|e| (e.state, e.at)).collect())
        .unwrap_or_default()
}

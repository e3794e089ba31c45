//! Citizens' calls for a staff member: kept until staff answer them, shown on the staff
//! screen, sent in the heartbeat.

use chrono::{DateTime, Utc};
use kiosk_core::screen::HelpCall;
use kiosk_core::view::ScreenId;
use rusqlite::params;

use super::{Store, StoreError};

/// An open call, as the heartbeat sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenCall {
    pub id: String,
    pub at: DateTime<Utc>,
    pub screen: ScreenId,
}

impl Store {
    /// Keeps a citizen's call from `screen`; returns its id.
    pub fn add_help_call(
        &mut self,
        screen: ScreenId,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let id = uuid::Uuid::new_v4().to_string();
        self.conn.execute(
            "INSERT INTO help_calls (id, asked_at, screen) VALUES (?1, ?2, ?3)",
            params![id, now, screen.name()],
        )?;
        Ok(id)
    }

    /// Calls not yet answered, oldest first (at most `limit`).
    pub fn open_help_calls(&self, limit: usize) -> Result<Vec<OpenCall>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, asked_at, screen FROM help_calls WHERE answered_at IS NULL
             ORDER BY asked_at LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, DateTime<Utc>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, screen) = row?;
            out.push(OpenCall {
                id,
                at,
                // A screen this version does not know still is a call.
                screen: ScreenId::from_name(&screen).unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// Staff answered every open call; returns how many.
    pub fn answer_help_calls(&mut self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        Ok(self.conn.execute(
            "UPDATE help_calls SET answered_at = ?1 WHERE answered_at IS NULL",
            params![now],
        )?)
    }

    /// Open calls as the staff screen shows them.
    pub(super) fn help_call_facts(&self, limit: usize) -> Result<Vec<HelpCall>, StoreError> {
        Ok(self
            .open_help_calls(limit)?
            .into_iter()
            .map(|c| HelpCall {
                at: c.at,
                screen: c.screen,
            })
            .collect())
    }
}

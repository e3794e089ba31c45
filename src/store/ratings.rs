//! Citizens' satisfaction ratings (anonymous), waiting for the centre.

use chrono::{DateTime, Utc};
use dost_api::Lang;
use rusqlite::params;

use super::{Store, StoreError};

impl Store {
    /// Keeps a citizen's satisfaction rating (1–5) for the centre; returns its id.
    pub fn add_rating(
        &mut self,
        kiosk_id: &str,
        service_id: Option<&str>,
        score: u8,
        lang: Lang,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let id = uuid::Uuid::new_v4().to_string();
        self.conn.execute(
            "INSERT INTO ratings (id, kiosk_id, service_id, score, lang, rated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id,
                kiosk_id,
                service_id,
                score.clamp(1, 5),
                lang.code(),
                now
            ],
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
            Ok(dost_api::Rating {
                rating_id: r.get(0)?,
                kiosk_id: r.get(1)?,
                service_id: r.get(2)?,
                score: r.get::<_, i64>(3)?.clamp(1, 5) as u8,
                lang: r.get(4)?,
                rated_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
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
}

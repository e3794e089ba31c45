//! Wire types of the citizen-facing additions: queue tickets (`POST /v1/queue/tickets`), the
//! reason and next step of a rejected application, help requests sent in the heartbeat, and
//! the lookup code of the public status page.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Path (under [`crate::API_PREFIX`]) of `POST /v1/queue/tickets`.
pub const QUEUE_TICKETS_PATH: &str = "/queue/tickets";
/// Path prefix of the public status page, `GET /status/{number}?code={code}` (no token, no
/// personal data).
pub const STATUS_PAGE_PATH: &str = "/status";
/// Characters of a lookup code.
pub const LOOKUP_CODE_LEN: usize = 10;

/// The lookup code printed next to an application or ticket number (in its status link): the
/// first [`LOOKUP_CODE_LEN`] hex digits, upper case, of SHA-256 of `"dost-status:"` and the
/// record's idempotency key (an application's `idempotency_key`, a ticket's `ticket_id`).
///
/// The kiosk makes it offline; the centre, which stores the key, checks it. It only lets
/// someone who holds the paper see the status: the key itself never leaves the two.
pub fn lookup_code(idempotency_key: &str) -> String {
    let digest = Sha256::digest(format!("dost-status:{idempotency_key}").as_bytes());
    let mut out = String::with_capacity(LOOKUP_CODE_LEN);
    for b in digest.iter() {
        out.push_str(&format!("{b:02X}"));
        if out.len() >= LOOKUP_CODE_LEN {
            break;
        }
    }
    out.truncate(LOOKUP_CODE_LEN);
    out
}

/// A text in the three kiosk languages.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Texts {
    pub az: String,
    pub ru: String,
    pub en: String,
}

impl Texts {
    pub fn get(&self, lang: crate::Lang) -> &str {
        match lang {
            crate::Lang::Az => &self.az,
            crate::Lang::Ru => &self.ru,
            crate::Lang::En => &self.en,
        }
    }
}

/// What a citizen can do about a rejected application.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum NextAction {
    /// Appeal the decision (within the time the next step names).
    Appeal,
    /// See a specialist at a desk of the centre.
    VisitDesk,
    /// Bring the documents the next step names, then apply again.
    BringDocuments,
    /// Apply again later.
    Reapply,
}

/// Why an application was rejected and what the citizen can do, as the centre words it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// Stable reason code (`income_above_threshold`, `documents_missing`, ...).
    pub code: String,
    pub reason: Texts,
    pub next_step: Texts,
    pub action: NextAction,
}

/// Body of `POST /v1/queue/tickets`: a queue ticket for a desk service.
///
/// Online, the centre numbers the ticket (per desk service and day). A kiosk that could not
/// reach the centre numbers it itself from its own prefixed range, prints it, and sends it
/// later with `offline_number` set; the centre then keeps that number (it is on the citizen's
/// paper), also when an earlier attempt with the same `ticket_id` was recorded. `ticket_id` is
/// the idempotency key: a ticket is in the queue once however often it is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketRequest {
    /// Made by the kiosk (a UUID); the idempotency key of the ticket.
    pub ticket_id: String,
    pub kiosk_id: String,
    pub service_id: String,
    /// Language of the citizen (`az`, `ru`, `en`).
    pub lang: String,
    pub issued_at: DateTime<Utc>,
    /// The number the kiosk printed while the centre could not be reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline_number: Option<String>,
    /// A mobile number (`+994` and 9 digits) for "your turn soon", given with the citizen's
    /// consent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms_phone: Option<String>,
}

/// Answer to `POST /v1/queue/tickets`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketResponse {
    pub ticket_id: String,
    /// The number the desk calls (`D017`, or the kiosk's offline number).
    pub number: String,
    pub service_id: String,
    /// Recorded now, or the first answer for this `ticket_id` again.
    pub outcome: crate::ItemOutcome,
    /// Tickets of the same service called before this one.
    #[serde(deserialize_with = "crate::int::u64")]
    pub people_ahead: u64,
    /// Estimated minutes until this ticket is called.
    #[serde(deserialize_with = "crate::int::u64")]
    pub estimated_wait_min: u64,
}

/// A citizen asked for a staff member at the kiosk (sent in the heartbeat until staff answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpRequest {
    /// Made by the kiosk; the same request in several heartbeats is one request.
    pub request_id: String,
    pub asked_at: DateTime<Utc>,
    /// The screen the citizen was on (`form`, `review`, ...).
    pub screen: String,
    /// Where the kiosk stands (`kiosk.location`), so staff find it.
    pub location: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SHA-256("dost-status:key-1") by Python's hashlib:
    /// `hashlib.sha256(b"dost-status:key-1").hexdigest()[:10].upper()`.
    #[test]
    fn lookup_code_is_a_sha256_prefix() {
        assert_eq!(lookup_code("key-1"), "8D1B2C5958");
        assert_eq!(lookup_code("key-1").len(), LOOKUP_CODE_LEN);
        assert_ne!(lookup_code("key-1"), lookup_code("key-2"));
    }

    #[test]
    fn ticket_answers_accept_whole_floats() {
        let r: TicketResponse = serde_json::from_str(
            r#"{"ticket_id":"t","number":"D001","service_id":"s","outcome":"accepted",
                "people_ahead":2.0,"estimated_wait_min":10}"#,
        )
        .unwrap();
        assert_eq!((r.people_ahead, r.estimated_wait_min), (2, 10));
        let req: TicketRequest = serde_json::from_str(
            r#"{"ticket_id":"t","kiosk_id":"K","service_id":"s","lang":"az",
                "issued_at":"2026-11-24T09:30:00Z","offline_number":null}"#,
        )
        .unwrap();
        assert_eq!(req.offline_number, None);
    }
}

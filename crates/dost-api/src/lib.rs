//! Wire types of the DOST central API (`docs/central-api.yaml` is the contract).
//!
//! The kiosk (client) and `dost-central` (the reference server) both use these types, so a
//! change to the contract is a change in one place. All timestamps are UTC, RFC 3339.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod chip;
mod citizen;
mod ids;
pub use chip::{
    AaEvidence, CHALLENGE_HEX, CHALLENGE_ID_HEX, CHALLENGE_PATH, ChipChallenge, ChipCheck,
    ChipEvidence, ChipVerdict, MAX_DG_HEX, MAX_DG1_HEX, MAX_SIGNATURE_HEX, MAX_SOD_HEX, is_hex,
};
pub use citizen::{
    HelpRequest, LOOKUP_CODE_LEN, NextAction, QUEUE_TICKETS_PATH, Rejection, STATUS_PAGE_PATH,
    Texts, TicketRequest, TicketResponse, lookup_code,
};
pub use ids::{
    ApplicationId, ApplicationIdError, Fin, FinError, Lang, is_fin, is_kiosk_code, mask_fin,
};

/// Version prefix of every path.
pub const API_PREFIX: &str = "/v1";
/// Path (under [`API_PREFIX`]) of `POST /v1/citizens/applications`, a citizen's applications
/// looked up by the FİN in the body ([`ApplicationQuery`]).
pub const CITIZEN_APPLICATIONS_PATH: &str = "/citizens/applications";
/// Largest batch the server accepts in one `POST /v1/applications` or `POST /v1/ratings`.
pub const MAX_BATCH: usize = 500;
/// Media type of RFC 9457 problem documents.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Whole numbers as JSON Schema sees them: `3` and `3.0` are both the integer 3 (the contract
/// types counters as `integer`, which admits a zero fraction), so the readers accept both;
/// writers always write `3`.
pub mod int {
    use std::fmt;

    use serde::Deserialize;
    use serde::de::{self, Deserializer, Visitor};

    struct WholeU64;

    impl Visitor<'_> for WholeU64 {
        type Value = u64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a whole number from 0 to 18446744073709551615")
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<u64, E> {
            // 2^64 is the first f64 above u64::MAX.
            if v.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&v) {
                Ok(v as u64)
            } else {
                Err(E::invalid_value(de::Unexpected::Float(v), &self))
            }
        }
    }

    /// A `u64` written as a JSON integer or as a number with a zero fraction.
    pub fn u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        d.deserialize_any(WholeU64)
    }

    /// [`u64()`] or `null`.
    pub fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        #[derive(serde::Deserialize)]
        struct Whole(#[serde(deserialize_with = "u64")] u64);
        Ok(Option::<Whole>::deserialize(d)?.map(|w| w.0))
    }

    /// A `u8` written as a JSON integer or as a number with a zero fraction.
    pub fn u8<'de, D: Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
        let v = u64(d)?;
        u8::try_from(v).map_err(|_| {
            de::Error::invalid_value(de::Unexpected::Unsigned(v), &"a whole number from 0 to 255")
        })
    }
}

/// One citizen application as the kiosk submits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationSubmission {
    /// Application number made by the kiosk, unique across kiosks (`KIOSKCODE-YYMMDD-NNNN`).
    pub application_id: String,
    /// Idempotency key of this application: the server records the first answer for a key and
    /// replays it for every repeat; a repeat with different content is a conflict.
    pub idempotency_key: String,
    pub kiosk_id: String,
    pub service_id: String,
    /// The citizen's FİN (7 characters).
    pub fin: String,
    pub document_number: String,
    /// Language the citizen used (`az`, `ru`, `en`).
    pub lang: String,
    pub submitted_at: DateTime<Utc>,
    /// Form answers by field id.
    pub answers: BTreeMap<String, String>,
}

/// Body of `POST /v1/applications`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitBatch {
    pub applications: Vec<ApplicationSubmission>,
}

/// Outcome of one application of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemOutcome {
    /// Stored now.
    Accepted,
    /// The key was seen before with the same content: the first answer, replayed.
    Replayed,
    /// The key was seen before with other content: nothing stored.
    Conflict,
    /// The application failed validation: nothing stored.
    Invalid,
}

/// Answer for one application of a batch, in the order of the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitItemResult {
    pub application_id: String,
    pub idempotency_key: String,
    pub outcome: ItemOutcome,
    /// When the centre first recorded the application (absent for conflict/invalid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

/// Body of the answer to `POST /v1/applications`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitBatchResponse {
    pub results: Vec<SubmitItemResult>,
}

/// Where an application is at the centre.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ApplicationState {
    Submitted,
    Received,
    InReview,
    Approved,
    Rejected,
}

impl ApplicationState {
    /// True once the centre will not move the application any more.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Approved | Self::Rejected)
    }

    /// Stable wire name (`in_review`, ...).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

/// One step of an application's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusEntry {
    pub state: ApplicationState,
    pub at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Answer to `GET /v1/applications/{id}`; items of `POST /v1/citizens/applications`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationStatus {
    pub application_id: String,
    pub service_id: String,
    pub state: ApplicationState,
    pub received_at: DateTime<Utc>,
    pub history: Vec<StatusEntry>,
    /// Why the application was rejected and what the citizen can do (rejected ones only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection: Option<Rejection>,
}

/// Body of `POST /v1/citizens/applications`.
///
/// The FİN travels in the request body, never in the URL: a URL ends up in proxy and access
/// logs and in browser-style histories even over TLS, a body does not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationQuery {
    pub fin: String,
}

/// Answer to `POST /v1/citizens/applications`: the citizen's applications, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationList {
    pub applications: Vec<ApplicationStatus>,
}

/// Body of `POST /v1/citizens/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyRequest {
    pub fin: String,
    pub document_number: String,
    /// What the kiosk read from the document's chip, when it read it: the centre re-runs
    /// Passive Authentication and checks the Active Authentication signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chip: Option<ChipEvidence>,
}

/// Answer to `POST /v1/citizens/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyResponse {
    /// The document is known, valid and belongs to this FİN.
    pub valid: bool,
    /// Why not, when `valid` is false (`unknown_document`, `revoked`, `fin_mismatch`,
    /// `malformed`; see [`verify_reason`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The centre's own check of the chip evidence, when the request carried some.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chip: Option<ChipVerdict>,
    /// The citizen's name as the population register spells it in Azerbaijani ("Əli
    /// Məmmədov"; the MRZ only has "ALI MAMMADOV"), when the centre knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// Values of [`VerifyResponse::reason`].
pub mod verify_reason {
    /// The FİN or the document number is not well formed.
    pub const MALFORMED: &str = "malformed";
    /// The document was revoked (lost, stolen, replaced).
    pub const REVOKED: &str = "revoked";
    /// The centre does not know the document.
    pub const UNKNOWN_DOCUMENT: &str = "unknown_document";
    /// The document belongs to another FİN.
    pub const FIN_MISMATCH: &str = "fin_mismatch";
    /// The chip evidence fails Passive Authentication (altered data, unknown or revoked
    /// signer, malformed files).
    pub const CHIP_INVALID: &str = "chip_invalid";
    /// The chip's DG1 names another document or FİN than the request.
    pub const CHIP_MISMATCH: &str = "chip_mismatch";
    /// The Active Authentication signature does not verify with the chip's signed key (a
    /// clone).
    pub const CHIP_CLONE: &str = "chip_clone";
    /// The Active Authentication challenge is unknown, expired, used, or another kiosk's.
    pub const CHALLENGE_UNKNOWN: &str = "challenge_unknown";
}

/// Supply level of a consumable (after CEN/XFS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupplyLevel {
    Ok,
    Low,
    Out,
    Jammed,
    Unknown,
}

/// State of one peripheral (after CEN/XFS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceState {
    Online,
    Offline,
    PowerOff,
    NoDevice,
    HardwareError,
    UserError,
    Busy,
}

/// One device in a heartbeat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceReport {
    pub name: String,
    pub state: DeviceState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supply: Option<SupplyLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Body of `POST /v1/kiosks/{id}/heartbeat`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heartbeat {
    pub kiosk_id: String,
    pub version: String,
    #[serde(deserialize_with = "int::u64")]
    pub uptime_s: u64,
    pub sent_at: DateTime<Utc>,
    pub devices: Vec<DeviceReport>,
    /// Applications waiting in the kiosk's outbox.
    #[serde(deserialize_with = "int::u64")]
    pub outbox_depth: u64,
    /// Receipts held because they could not print.
    #[serde(deserialize_with = "int::u64")]
    pub held_receipts: u64,
    #[serde(
        default,
        deserialize_with = "int::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub receipts_left: Option<u64>,
    /// Why the last remote configuration was refused, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_error: Option<String>,
    /// Citizens waiting for a staff member at this kiosk.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub help_requests: Vec<HelpRequest>,
}

/// A citizen's satisfaction rating after a finished session (DOST measures service quality).
/// Anonymous: no FİN, no application number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// Unique id made by the kiosk; a repeated id is stored once.
    pub rating_id: String,
    pub kiosk_id: String,
    /// Service the session applied for, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    /// 1 (very unhappy) to 5 (very happy).
    #[serde(deserialize_with = "int::u8")]
    pub score: u8,
    pub lang: String,
    pub rated_at: DateTime<Utc>,
}

/// Body of `POST /v1/ratings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingBatch {
    pub ratings: Vec<Rating>,
}

/// Answer to `POST /v1/ratings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingBatchResponse {
    /// Ratings stored now.
    pub accepted: u32,
    /// Ratings already stored before (same id).
    pub replayed: u32,
}

/// RFC 9457 problem details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    #[serde(rename = "type", default = "about_blank")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

fn about_blank() -> String {
    "about:blank".to_owned()
}

impl Problem {
    pub fn new(status: u16, title: impl Into<String>, detail: impl Into<Option<String>>) -> Self {
        Self {
            type_: about_blank(),
            title: title.into(),
            status,
            detail: detail.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_names_round_trip_and_match_serde() {
        use strum::VariantArray;
        for &s in ApplicationState::VARIANTS {
            assert_eq!(ApplicationState::parse(s.as_str()), Some(s));
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        assert_eq!(ApplicationState::parse("lost"), None);
    }

    #[test]
    fn whole_numbers_may_have_a_zero_fraction() {
        #[derive(Deserialize)]
        struct T {
            #[serde(deserialize_with = "int::u64")]
            a: u64,
            #[serde(default, deserialize_with = "int::opt_u64")]
            b: Option<u64>,
            #[serde(deserialize_with = "int::u8")]
            c: u8,
        }
        let t: T = serde_json::from_str(r#"{"a": 3.0, "b": 1e3, "c": 5.0}"#).unwrap();
        assert_eq!((t.a, t.b, t.c), (3, Some(1000), 5));
        let t: T =
            serde_json::from_str(r#"{"a": 18446744073709551615, "b": null, "c": 255}"#).unwrap();
        assert_eq!((t.a, t.b, t.c), (u64::MAX, None, 255));
        let t: T = serde_json::from_str(r#"{"a": 0, "c": -0.0}"#).unwrap();
        assert_eq!((t.a, t.b, t.c), (0, None, 0));
        for bad in [
            r#"{"a": 3.5, "c": 1}"#,
            r#"{"a": -1, "c": 1}"#,
            r#"{"a": 18446744073709551616, "c": 1}"#,
            r#"{"a": 1.8446744073709552e19, "c": 1}"#,
            r#"{"a": "3", "c": 1}"#,
            r#"{"a": 1, "c": 256}"#,
            r#"{"a": 1, "b": 2.5, "c": 1}"#,
        ] {
            assert!(serde_json::from_str::<T>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn problem_defaults_type() {
        let p: Problem = serde_json::from_str(r#"{"title":"Bad","status":400}"#).unwrap();
        assert_eq!(p.type_, "about:blank");
        assert_eq!(p.detail, None);
    }
}

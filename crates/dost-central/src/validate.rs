//! Validation of what kiosks send, FİN handling and the content hash used for idempotency.
//!
//! Limits counted in characters (`…_CHARS`) are the ones `docs/central-api.yaml` states as
//! `maxLength` (JSON Schema counts characters); the others are counted in bytes, as the
//! document's prose says.

use dost_api::{ApplicationSubmission, Heartbeat, Rating};
use sha2::{Digest, Sha256};

/// Most answers one application may carry.
pub const MAX_ANSWERS: usize = 64;
/// Longest id (application, kiosk, service, answer field), in bytes.
pub const MAX_ID_LEN: usize = 64;
/// Longest idempotency key, in bytes.
pub const MAX_KEY_LEN: usize = 128;
/// Longest answer value, in bytes.
pub const MAX_ANSWER_LEN: usize = 4096;
/// Largest sum of all answer keys and values of one application, in bytes.
pub const MAX_ANSWERS_TOTAL: usize = 64 * 1024;
/// Longest document number.
pub const MAX_DOCUMENT_LEN: usize = 32;
/// Languages a citizen can use.
pub const LANGS: [&str; 3] = ["az", "ru", "en"];
/// Most devices one heartbeat may report.
pub const MAX_DEVICES: usize = 32;
/// Longest kiosk software version in a heartbeat, in characters.
pub const MAX_VERSION_CHARS: usize = 64;
/// Longest device detail in a heartbeat, in characters.
pub const MAX_DETAIL_CHARS: usize = 1024;
/// Longest `config_error` in a heartbeat, in characters.
pub const MAX_CONFIG_ERROR_CHARS: usize = 8192;
/// Longest service id of a rating, in characters.
pub const MAX_RATING_SERVICE_CHARS: usize = 64;
/// Longest note of a state set by hand, in characters.
pub const MAX_NOTE_CHARS: usize = 1024;
/// Most help requests one heartbeat may carry.
pub const MAX_HELP_REQUESTS: usize = 32;
/// Longest screen name or location of a help request, in characters.
pub const MAX_HELP_TEXT_CHARS: usize = 200;
/// Longest citizen name the centre keeps, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// The FİN rules and the one masking rule are the shared vocabulary's.
pub use dost_api::{is_fin as fin_is_valid, mask_fin};

/// True for characters safe in a URL path segment without escaping (RFC 3986 unreserved).
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Why an identifier is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("is empty")]
    Empty,
    #[error("is longer than {MAX_ID_LEN} bytes")]
    TooLong,
    #[error("may only hold A-Z a-z 0-9 - . _ ~")]
    Characters,
}

/// Checks an identifier that also appears in URL paths (1 to [`MAX_ID_LEN`] unreserved
/// characters).
pub fn check_id(v: &str) -> Result<(), IdError> {
    if v.is_empty() {
        Err(IdError::Empty)
    } else if v.len() > MAX_ID_LEN {
        Err(IdError::TooLong)
    } else if !v.bytes().all(is_unreserved) {
        Err(IdError::Characters)
    } else {
        Ok(())
    }
}

/// [`check_id`] with the field named, as a problem detail.
pub fn check_path_id(field: &str, v: &str) -> Result<(), String> {
    check_id(v).map_err(|e| format!("{field} {e}"))
}

/// True when `doc` is 1 to [`MAX_DOCUMENT_LEN`] ASCII letters and digits.
pub fn document_is_valid(doc: &str) -> bool {
    !doc.is_empty()
        && doc.len() <= MAX_DOCUMENT_LEN
        && doc.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// At most `max` characters.
fn check_chars(field: &str, v: &str, max: usize) -> Result<(), String> {
    if v.chars().count() > max {
        return Err(format!("{field} is longer than {max} characters"));
    }
    Ok(())
}

fn check_text(field: &str, v: &str, max: usize, allow_newlines: bool) -> Result<(), String> {
    if v.len() > max {
        return Err(format!("{field} is longer than {max} bytes"));
    }
    if v.chars()
        .any(|c| c.is_control() && !(allow_newlines && matches!(c, '\n' | '\r' | '\t')))
    {
        return Err(format!("{field} holds control characters"));
    }
    Ok(())
}

/// Validates one submission; the error is a human-readable detail for a problem document.
pub fn validate_submission(a: &ApplicationSubmission) -> Result<(), String> {
    check_path_id("application_id", &a.application_id)?;
    if a.idempotency_key.is_empty() {
        return Err("idempotency_key is empty".into());
    }
    if a.idempotency_key.len() > MAX_KEY_LEN
        || !a.idempotency_key.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(format!(
            "idempotency_key must be 1 to {MAX_KEY_LEN} visible ASCII characters"
        ));
    }
    check_path_id("kiosk_id", &a.kiosk_id)?;
    if a.service_id.trim().is_empty() {
        return Err("service_id is empty".into());
    }
    check_text("service_id", &a.service_id, MAX_ID_LEN, false)?;
    if !fin_is_valid(&a.fin) {
        return Err("fin must be 7 characters of digits and capital Latin letters except O".into());
    }
    if !(a.document_number.is_empty() || document_is_valid(&a.document_number)) {
        return Err(format!(
            "document_number must be at most {MAX_DOCUMENT_LEN} ASCII letters and digits"
        ));
    }
    if !LANGS.contains(&a.lang.as_str()) {
        return Err("lang must be az, ru or en".into());
    }
    if a.answers.len() > MAX_ANSWERS {
        return Err(format!("more than {MAX_ANSWERS} answers"));
    }
    let mut total = 0usize;
    for (k, v) in &a.answers {
        if k.is_empty() {
            return Err("an answer has an empty field id".into());
        }
        check_text("answer field id", k, MAX_ID_LEN, false)?;
        check_text("answer value", v, MAX_ANSWER_LEN, true)?;
        total += k.len() + v.len();
    }
    if total > MAX_ANSWERS_TOTAL {
        return Err(format!("answers exceed {MAX_ANSWERS_TOTAL} bytes in all"));
    }
    Ok(())
}

/// Validates a heartbeat (the path id is checked by the handler).
pub fn validate_heartbeat(hb: &Heartbeat) -> Result<(), String> {
    check_path_id("kiosk_id", &hb.kiosk_id)?;
    if hb.version.is_empty() {
        return Err("version is empty".into());
    }
    check_chars("version", &hb.version, MAX_VERSION_CHARS)?;
    if hb.devices.len() > MAX_DEVICES {
        return Err(format!("more than {MAX_DEVICES} devices"));
    }
    for d in &hb.devices {
        check_path_id("device name", &d.name)?;
        if let Some(detail) = &d.detail {
            check_chars("device detail", detail, MAX_DETAIL_CHARS)?;
        }
    }
    if let Some(e) = &hb.config_error {
        check_chars("config_error", e, MAX_CONFIG_ERROR_CHARS)?;
    }
    if hb.help_requests.len() > MAX_HELP_REQUESTS {
        return Err(format!("more than {MAX_HELP_REQUESTS} help requests"));
    }
    for h in &hb.help_requests {
        check_path_id("help request_id", &h.request_id)?;
        for (field, v) in [("help screen", &h.screen), ("help location", &h.location)] {
            check_chars(field, v, MAX_HELP_TEXT_CHARS)?;
            if v.chars().any(char::is_control) {
                return Err(format!("{field} holds control characters"));
            }
        }
    }
    Ok(())
}

/// Validates a queue ticket request.
pub fn validate_ticket(t: &dost_api::TicketRequest) -> Result<(), String> {
    check_path_id("ticket_id", &t.ticket_id)?;
    check_path_id("kiosk_id", &t.kiosk_id)?;
    check_path_id("service_id", &t.service_id)?;
    if !LANGS.contains(&t.lang.as_str()) {
        return Err("lang must be az, ru or en".into());
    }
    if let Some(n) = &t.offline_number {
        let ok = !n.is_empty()
            && n.len() <= crate::queue::MAX_TICKET_NUMBER_LEN
            && n.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
        if !ok {
            return Err(format!(
                "offline_number must be 1 to {} characters A-Z, 0-9 and -",
                crate::queue::MAX_TICKET_NUMBER_LEN
            ));
        }
    }
    if let Some(p) = &t.sms_phone {
        let digits = p.strip_prefix("+994").unwrap_or("");
        if digits.len() != 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("sms_phone must be +994 and 9 digits".into());
        }
    }
    Ok(())
}

/// A letter of the names the centre keeps: Latin (with Latin-1 and Latin Extended-A, Ə ə)
/// and Cyrillic, as the contract's pattern lists them.
fn is_name_letter(c: char) -> bool {
    matches!(c,
        'A'..='Z' | 'a'..='z' | 'À'..='Ö' | 'Ø'..='ö' | 'ø'..='ÿ' | 'Ā'..='ſ' | 'Ə' | 'ə'
        | 'Ѐ'..='ҁ' | 'Ҋ'..='ӿ')
}

/// Validates a citizen's display name: up to [`MAX_NAME_CHARS`] letters (see
/// [`is_name_letter`]), spaces, `-` and `'`, with at least one letter.
pub fn validate_name(name: &str) -> Result<(), String> {
    check_chars("display_name", name, MAX_NAME_CHARS)?;
    if !name.chars().any(is_name_letter) {
        return Err("display_name has no letter".into());
    }
    if !name
        .chars()
        .all(|c| is_name_letter(c) || matches!(c, ' ' | '-' | '\''))
    {
        return Err("display_name may only hold letters, spaces, - and '".into());
    }
    Ok(())
}

/// Validates one rating.
pub fn validate_rating(r: &Rating) -> Result<(), String> {
    check_path_id("rating_id", &r.rating_id)?;
    check_path_id("kiosk_id", &r.kiosk_id)?;
    if !(1..=5).contains(&r.score) {
        return Err("score must be 1 to 5".into());
    }
    if !LANGS.contains(&r.lang.as_str()) {
        return Err("lang must be az, ru or en".into());
    }
    if let Some(s) = &r.service_id {
        if s.is_empty() {
            return Err("service_id is empty".into());
        }
        check_chars("service_id", s, MAX_RATING_SERVICE_CHARS)?;
        if s.chars().any(char::is_control) {
            return Err("service_id holds control characters".into());
        }
    }
    Ok(())
}

/// SHA-256 (hex) over a canonical form of every field of the submission.
///
/// The canonical form is a JSON array in a fixed field order (answers sorted by key, the
/// submission time normalised to RFC 3339 UTC), versioned so that adding optional wire fields
/// later does not change the hash of stored applications.
pub fn content_hash(a: &ApplicationSubmission) -> String {
    let canonical = serde_json::json!([
        "dost-app-v1",
        a.application_id,
        a.idempotency_key,
        a.kiosk_id,
        a.service_id,
        a.fin,
        a.document_number,
        a.lang,
        a.submitted_at
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        a.answers,
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fin_rules() {
        assert!(fin_is_valid("5AB12C7"));
        assert!(fin_is_valid("1234567"));
        assert!(!fin_is_valid("5AB12O7"), "no letter O");
        assert!(!fin_is_valid("5ab12c7"), "capitals only");
        assert!(!fin_is_valid("5AB12C"));
        assert!(!fin_is_valid("5AB12C78"));
        assert!(!fin_is_valid("5AB12Ç7"));
        assert_eq!(mask_fin("5AB12C7"), "5AB****");
        assert!(!mask_fin("5AB12C7").contains("12C7"));
    }

    #[test]
    fn path_ids() {
        assert!(check_path_id("x", "YAS01-261124-0001").is_ok());
        assert!(check_path_id("x", "").is_err());
        assert!(check_path_id("x", "a/b").is_err());
        assert!(check_path_id("x", &"a".repeat(65)).is_err());
        assert_eq!(check_id(""), Err(IdError::Empty));
        assert_eq!(check_id("a b"), Err(IdError::Characters));
        assert_eq!(check_id(&"a".repeat(64)), Ok(()));
    }

    /// The content hash is SHA-256 over the canonical JSON: checked against a digest made by
    /// another tool (`printf %s "$canonical" | sha256sum`), so that stored hashes stay valid.
    #[test]
    fn content_hash_is_sha256_of_the_canonical_form() {
        let a = ApplicationSubmission {
            application_id: "K1-261124-0001".into(),
            idempotency_key: "key-1".into(),
            kiosk_id: "K1".into(),
            service_id: "pension".into(),
            fin: "5AB12C7".into(),
            document_number: "AA1234567".into(),
            lang: "az".into(),
            submitted_at: chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap(),
            answers: [("phone".to_owned(), "0501234567".to_owned())].into(),
        };
        assert_eq!(
            content_hash(&a),
            "57e7ea5b4cc144a73386540b24073bab8216be1e50c2d0cfdcb519921e265367"
        );
    }

    fn bad_hb(hb: &Heartbeat, f: &dyn Fn(&mut Heartbeat)) -> bool {
        let mut h = hb.clone();
        f(&mut h);
        validate_heartbeat(&h).is_err()
    }

    #[test]
    fn tickets_and_names() {
        let t = dost_api::TicketRequest {
            ticket_id: "t-1".into(),
            kiosk_id: "K1".into(),
            service_id: "specialist".into(),
            lang: "ru".into(),
            issued_at: chrono::Utc::now(),
            offline_number: Some("YAS01-T007".into()),
            sms_phone: Some("+994501234567".into()),
        };
        assert!(validate_ticket(&t).is_ok());
        let bad = |f: &dyn Fn(&mut dost_api::TicketRequest)| {
            let mut x = t.clone();
            f(&mut x);
            validate_ticket(&x).is_err()
        };
        assert!(bad(&|x| x.offline_number = Some("t 7".into())));
        assert!(bad(&|x| x.sms_phone = Some("0501234567".into())));
        assert!(bad(&|x| x.lang = "de".into()));
        assert!(validate_name("Əli Məmmədov").is_ok());
        assert!(validate_name("<b>").is_err());
        assert!(validate_name(" ").is_err());
    }

    #[test]
    fn heartbeat_and_rating_bounds() {
        let hb = Heartbeat {
            kiosk_id: "K1".into(),
            version: "0.1.0".into(),
            uptime_s: 1,
            sent_at: chrono::Utc::now(),
            devices: vec![],
            outbox_depth: 0,
            held_receipts: 0,
            receipts_left: None,
            config_error: None,
            help_requests: vec![dost_api::HelpRequest {
                request_id: "h1".into(),
                asked_at: chrono::Utc::now(),
                screen: "form".into(),
                location: "Zal 1, girişin yanında".into(),
            }],
        };
        assert!(validate_heartbeat(&hb).is_ok());
        assert!(bad_hb(&hb, &|h| h.help_requests[0].request_id = "a b".into()));
        assert!(bad_hb(&hb, &|h| h.help_requests[0].location = "x\u{7}".into()));
        let bad = |f: &dyn Fn(&mut Heartbeat)| {
            let mut h = hb.clone();
            f(&mut h);
            validate_heartbeat(&h).is_err()
        };
        assert!(bad(&|h| h.kiosk_id.clear()));
        assert!(bad(&|h| h.version.clear()));
        assert!(bad(&|h| h.version = "ə".repeat(MAX_VERSION_CHARS + 1)));
        assert!(!bad(&|h| h.version = "ə".repeat(MAX_VERSION_CHARS)));
        assert!(bad(
            &|h| h.config_error = Some("x".repeat(MAX_CONFIG_ERROR_CHARS + 1))
        ));
        assert!(bad(&|h| {
            h.devices = vec![
                dost_api::DeviceReport {
                    name: "printer".into(),
                    state: dost_api::DeviceState::Online,
                    supply: None,
                    detail: None,
                };
                MAX_DEVICES + 1
            ]
        }));

        let r = Rating {
            rating_id: "r1".into(),
            kiosk_id: "K1".into(),
            service_id: Some("pension".into()),
            score: 5,
            lang: "az".into(),
            rated_at: chrono::Utc::now(),
        };
        assert!(validate_rating(&r).is_ok());
        let bad = |f: &dyn Fn(&mut Rating)| {
            let mut x = r.clone();
            f(&mut x);
            validate_rating(&x).is_err()
        };
        assert!(bad(&|x| x.rating_id.clear()));
        assert!(bad(&|x| x.kiosk_id.clear()));
        assert!(bad(&|x| x.score = 0));
        assert!(bad(&|x| x.lang = "de".into()));
        assert!(bad(&|x| x.service_id = Some(String::new())));
        assert!(bad(&|x| x.service_id = Some("a\u{7}b".into())));
    }
}

//! Validation of submissions, FİN handling and the content hash used for idempotency.

use dost_api::ApplicationSubmission;

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

/// True when `fin` is 7 characters of digits and Latin capitals, without the letter `O`.
pub fn fin_is_valid(fin: &str) -> bool {
    fin.len() == 7
        && fin
            .bytes()
            .all(|b| b.is_ascii_digit() || (b.is_ascii_uppercase() && b != b'O'))
}

/// A FİN fit for logs: only the first two characters are kept (`5A*****`).
pub fn mask_fin(fin: &str) -> String {
    let head: String = fin.chars().take(2).collect();
    format!("{head}*****")
}

/// True for characters safe in a URL path segment without escaping (RFC 3986 unreserved).
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Checks an identifier that also appears in URL paths.
pub fn check_path_id(field: &str, v: &str) -> Result<(), String> {
    if v.is_empty() {
        return Err(format!("{field} is empty"));
    }
    if v.len() > MAX_ID_LEN {
        return Err(format!("{field} is longer than {MAX_ID_LEN} bytes"));
    }
    if !v.bytes().all(is_unreserved) {
        return Err(format!("{field} may only hold A-Z a-z 0-9 - . _ ~"));
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
    if a.document_number.len() > MAX_DOCUMENT_LEN
        || !a.document_number.bytes().all(|b| b.is_ascii_alphanumeric())
    {
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
    crate::sha256::hex(canonical.to_string().as_bytes())
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
        assert_eq!(mask_fin("5AB12C7"), "5A*****");
        assert!(!mask_fin("5AB12C7").contains("12C7"));
    }

    #[test]
    fn path_ids() {
        assert!(check_path_id("x", "YAS01-261124-0001").is_ok());
        assert!(check_path_id("x", "").is_err());
        assert!(check_path_id("x", "a/b").is_err());
        assert!(check_path_id("x", &"a".repeat(65)).is_err());
    }
}

//! Checks of form values (pure). Each returns the normalised value or a [`FieldError`].

use crate::catalog::FieldKind;

/// Why a field's value is refused; the UI shows a translated message for each code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldError {
    Required,
    /// Not `+994` followed by a known operator/area code and 7 digits.
    PhoneFormat,
    TooLong,
    TooShort,
    NotANumber,
    OutOfRange,
    DateFormat,
    IbanFormat,
    IbanChecksum,
    /// Settings: not `https://…` (plain `http://` only to this machine).
    UrlFormat,
    /// Settings: a kiosk id of A-Z, 0-9, `-` and `_`, up to 64 characters.
    IdFormat,
    /// Settings: an application-number code of 2 to 8 characters, A-Z and 0-9.
    CodeFormat,
    /// Settings: the card reader and the printer on the same serial port.
    SamePort,
    /// An SMS number was given without the consent to send SMS to it.
    ConsentRequired,
}

/// Azerbaijani operator and area codes accepted after `+994` (mobile operators and the
/// landline codes of Baku and the largest towns).
pub const PHONE_CODES: &[&str] = &[
    // mobile
    "10", "50", "51", "55", "60", "70", "77", "99", // landline: Baku, Sumgait, Ganja, ...
    "12", "18", "22", "20", "21", "23", "24", "25", "26", "36",
];

/// Mobile operator codes: the only ones an SMS number may have.
pub const MOBILE_CODES: &[&str] = &["10", "50", "51", "55", "60", "70", "77", "99"];

/// Longest IBAN (Azerbaijani IBANs are exactly this long).
pub const IBAN_LEN: usize = 28;
/// Digits of a phone number after `+994`.
pub const PHONE_DIGITS: usize = 9;
/// Longest free text when the catalog sets no limit.
pub const DEFAULT_MAX_CHARS: usize = 200;

/// Limits of one field, from the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Limits {
    pub min_len: Option<usize>,
    pub max_len: Option<usize>,
    pub min: Option<i64>,
    pub max: Option<i64>,
}

/// Checks a value of the given kind. An empty value is `Required` when required, else `Ok("")`.
pub fn check(
    kind: FieldKind,
    required: bool,
    limits: Limits,
    options: &[String],
    raw: &str,
) -> Result<String, FieldError> {
    let value = raw.trim();
    if value.is_empty() {
        return if required {
            Err(FieldError::Required)
        } else {
            Ok(String::new())
        };
    }
    let normalised = match kind {
        FieldKind::Phone => phone(value)?,
        FieldKind::Mobile => mobile(value)?,
        FieldKind::Iban => iban(value)?,
        FieldKind::Number => {
            let n: i64 = value.parse().map_err(|_| FieldError::NotANumber)?;
            if limits.min.is_some_and(|m| n < m) || limits.max.is_some_and(|m| n > m) {
                return Err(FieldError::OutOfRange);
            }
            n.to_string()
        }
        FieldKind::Date => date(value)?,
        FieldKind::YesNo => match value {
            "yes" | "no" => value.to_owned(),
            _ => return Err(FieldError::Required),
        },
        FieldKind::Choice => {
            if options.iter().any(|o| o == value) {
                value.to_owned()
            } else {
                return Err(FieldError::Required);
            }
        }
        FieldKind::Text | FieldKind::Address => {
            value.split_whitespace().collect::<Vec<_>>().join(" ")
        }
    };
    let len = normalised.chars().count();
    if limits.max_len.is_some_and(|m| len > m) {
        return Err(FieldError::TooLong);
    }
    if limits.min_len.is_some_and(|m| len < m) {
        return Err(FieldError::TooShort);
    }
    Ok(normalised)
}

/// `+994 50 123 45 67`, `994501234567`, `050 123 45 67` → `+994501234567`.
pub fn phone(raw: &str) -> Result<String, FieldError> {
    let digits: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
    if raw
        .chars()
        .any(|c| !(c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')')))
    {
        return Err(FieldError::PhoneFormat);
    }
    let national = if let Some(rest) = digits.strip_prefix("994") {
        rest.to_owned()
    } else if let Some(rest) = digits.strip_prefix('0') {
        rest.to_owned()
    } else {
        digits
    };
    if national.len() != 9 || !PHONE_CODES.contains(&&national[..2]) {
        return Err(FieldError::PhoneFormat);
    }
    Ok(format!("+994{national}"))
}

/// A phone number whose operator code is a mobile one (for SMS).
pub fn mobile(raw: &str) -> Result<String, FieldError> {
    let p = phone(raw)?;
    if MOBILE_CODES.contains(&&p[4..6]) {
        Ok(p)
    } else {
        Err(FieldError::PhoneFormat)
    }
}

/// Most characters a field of `kind` takes from the keyboard (typing past it is refused):
/// phone digits after `+994`, an IBAN's 28 characters, a date's 10, the digits of the largest
/// allowed number, else the catalog's `max_len` or [`DEFAULT_MAX_CHARS`].
pub fn max_chars(kind: FieldKind, limits: Limits) -> usize {
    match kind {
        FieldKind::Phone | FieldKind::Mobile => PHONE_DIGITS,
        FieldKind::Iban => IBAN_LEN,
        FieldKind::Date => 10,
        FieldKind::Number => limits.max.map_or(9, |m| m.unsigned_abs().to_string().len()),
        _ => limits.max_len.unwrap_or(DEFAULT_MAX_CHARS),
    }
}

/// Pretty form of a normalised phone: `+994 50 123 45 67`.
pub fn format_phone(normalised: &str) -> String {
    match normalised.strip_prefix("+994") {
        Some(n) if n.len() == 9 && n.is_ascii() => {
            format!("+994 {} {} {} {}", &n[..2], &n[2..5], &n[5..7], &n[7..9])
        }
        _ => normalised.to_owned(),
    }
}

/// Azerbaijani IBAN: `AZ`, 2 check digits, 4-letter bank code, 20 characters; 28 in all;
/// ISO 13616 mod-97 check.
pub fn iban(raw: &str) -> Result<String, FieldError> {
    let compact: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if compact.len() != 28 || !compact.is_ascii() || !compact.starts_with("AZ") {
        return Err(FieldError::IbanFormat);
    }
    let bytes = compact.as_bytes();
    if !bytes[2..4].iter().all(u8::is_ascii_digit)
        || !bytes[4..8].iter().all(u8::is_ascii_uppercase)
        || !bytes[8..].iter().all(u8::is_ascii_alphanumeric)
    {
        return Err(FieldError::IbanFormat);
    }
    let rearranged = compact[4..].chars().chain(compact[..4].chars());
    let mut rem: u32 = 0;
    for c in rearranged {
        let v = c.to_digit(36).ok_or(FieldError::IbanFormat)?;
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    if rem != 1 {
        return Err(FieldError::IbanChecksum);
    }
    Ok(compact)
}

/// `DD.MM.YYYY` (as Azerbaijanis write dates) → ISO `YYYY-MM-DD`.
pub fn date(raw: &str) -> Result<String, FieldError> {
    chrono::NaiveDate::parse_from_str(raw, "%d.%m.%Y")
        .or_else(|_| chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d"))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|_| FieldError::DateFormat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(phone("+994 50 123 45 67").as_deref(), Ok("+994501234567"));
        assert_eq!(phone("0551234567").as_deref(), Ok("+994551234567"));
        assert_eq!(phone("994 (12) 555-12-34").as_deref(), Ok("+994125551234"));
        assert_eq!(phone("+994 33 123 45 67"), Err(FieldError::PhoneFormat));
        assert_eq!(phone("+994 50 123 45 6"), Err(FieldError::PhoneFormat));
        assert_eq!(phone("+994 50 123 45 678"), Err(FieldError::PhoneFormat));
        assert_eq!(phone("+994 5O 123 45 67"), Err(FieldError::PhoneFormat));
        assert_eq!(format_phone("+994501234567"), "+994 50 123 45 67");
        // SMS numbers: mobile operators only.
        assert_eq!(mobile("+994 70 123 45 67").as_deref(), Ok("+994701234567"));
        assert_eq!(mobile("012 555 12 34"), Err(FieldError::PhoneFormat));
        assert_eq!(
            check(
                FieldKind::Mobile,
                true,
                Limits::default(),
                &[],
                "+994 12 555 12 34"
            ),
            Err(FieldError::PhoneFormat)
        );
        for code in MOBILE_CODES {
            assert!(PHONE_CODES.contains(code));
        }
    }

    #[test]
    fn keyboard_limits() {
        let none = Limits::default();
        assert_eq!(max_chars(FieldKind::Iban, none), 28);
        assert_eq!(max_chars(FieldKind::Mobile, none), 9);
        let family = Limits {
            min: Some(1),
            max: Some(20),
            ..none
        };
        assert_eq!(max_chars(FieldKind::Number, family), 2);
        let text = Limits {
            max_len: Some(60),
            ..none
        };
        assert_eq!(max_chars(FieldKind::Text, text), 60);
        assert_eq!(max_chars(FieldKind::Address, none), DEFAULT_MAX_CHARS);
    }

    #[test]
    fn ibans() {
        // A valid AZ IBAN (published example of the format).
        assert_eq!(
            iban("AZ21 NABZ 0000 0000 1370 1000 1944").as_deref(),
            Ok("AZ21NABZ00000000137010001944")
        );
        assert_eq!(
            iban("AZ22NABZ00000000137010001944"),
            Err(FieldError::IbanChecksum)
        );
        assert_eq!(
            iban("AZ21NABZ0000000013701000194"),
            Err(FieldError::IbanFormat)
        );
        assert_eq!(
            iban("DE21NABZ00000000137010001944"),
            Err(FieldError::IbanFormat)
        );
        assert_eq!(
            iban("AZ2XNABZ00000000137010001944"),
            Err(FieldError::IbanFormat)
        );
    }

    #[test]
    fn generic_checks() {
        let none = Limits::default();
        assert_eq!(
            check(FieldKind::Text, true, none, &[], "  "),
            Err(FieldError::Required)
        );
        assert_eq!(
            check(FieldKind::Text, false, none, &[], " ").as_deref(),
            Ok("")
        );
        assert_eq!(
            check(FieldKind::Text, true, none, &[], " Bakı   şəhəri ").as_deref(),
            Ok("Bakı şəhəri")
        );
        let lim = Limits {
            max_len: Some(3),
            min: Some(1),
            max: Some(10),
            ..Limits::default()
        };
        assert_eq!(
            check(FieldKind::Text, true, lim, &[], "abcd"),
            Err(FieldError::TooLong)
        );
        assert_eq!(
            check(FieldKind::Number, true, lim, &[], "11"),
            Err(FieldError::OutOfRange)
        );
        assert_eq!(
            check(FieldKind::Number, true, lim, &[], "x"),
            Err(FieldError::NotANumber)
        );
        assert_eq!(
            check(FieldKind::Number, true, lim, &[], "7").as_deref(),
            Ok("7")
        );
        assert_eq!(
            check(FieldKind::Date, true, none, &[], "24.11.2026").as_deref(),
            Ok("2026-11-24")
        );
        assert_eq!(
            check(FieldKind::Date, true, none, &[], "31.02.2026"),
            Err(FieldError::DateFormat)
        );
        let opts = vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(
            check(FieldKind::Choice, true, none, &opts, "b").as_deref(),
            Ok("b")
        );
        assert_eq!(
            check(FieldKind::Choice, true, none, &opts, "c"),
            Err(FieldError::Required)
        );
    }
}

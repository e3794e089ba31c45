//! On-screen keyboard editing: applies one key to a field value (pure, no Slint types).

use kiosk_core::view::FieldKind;

/// Key text the keyboard sends for "erase the last character".
pub const BACKSPACE: &str = "\u{8}";
/// Key text for "clear the whole field".
pub const CLEAR: &str = "\u{18}";

/// Longest value a field accepts from the keyboard (the core reports `TooLong` before that).
const MAX_CHARS: usize = 200;

/// The value after pressing `key` in a field of `kind` whose value is `value`.
///
/// Phone values are kept as `+994 XX XXX XX XX` (formatted while typing, up to 9 digits
/// after the country code); digits-only kinds ignore other keys; IBANs are upper-cased.
pub fn apply_key(kind: FieldKind, value: &str, key: &str) -> String {
    if key == CLEAR {
        return String::new();
    }
    match kind {
        FieldKind::Phone => {
            let mut digits = phone_digits(value);
            if key == BACKSPACE {
                digits.pop();
            } else {
                for c in key.chars().filter(char::is_ascii_digit) {
                    if digits.len() < 9 {
                        digits.push(c);
                    }
                }
            }
            format_phone(&digits)
        }
        _ => {
            let mut out = value.to_string();
            if key == BACKSPACE {
                out.pop();
                return out;
            }
            let allowed = |c: char| match kind {
                FieldKind::Number => c.is_ascii_digit(),
                FieldKind::Date => c.is_ascii_digit() || c == '.',
                FieldKind::Iban => c.is_ascii_alphanumeric(),
                _ => !c.is_control(),
            };
            for c in key.chars().filter(|&c| allowed(c)) {
                if out.chars().count() >= MAX_CHARS {
                    break;
                }
                if kind == FieldKind::Iban {
                    out.push(c.to_ascii_uppercase());
                } else {
                    out.push(c);
                }
            }
            out
        }
    }
}

/// The national digits of a phone value (`+994 50 123 45 67` → `501234567`).
pub fn phone_digits(value: &str) -> String {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let has_prefix = value.trim_start().starts_with('+') || digits.len() > 9;
    match digits.strip_prefix("994") {
        Some(rest) if has_prefix => rest.to_string(),
        _ => digits,
    }
}

/// `+994 50 123 45 67` from `501234567`; partial numbers are grouped as far as typed;
/// no digits give an empty value.
pub fn format_phone(digits: &str) -> String {
    if digits.is_empty() {
        return String::new();
    }
    let mut out = String::from("+994");
    for (i, c) in digits.chars().enumerate() {
        if matches!(i, 0 | 2 | 5 | 7) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// What the phone box shows after the fixed `+994` prefix.
pub fn phone_local(value: &str) -> String {
    match format_phone(&phone_digits(value)).strip_prefix("+994 ") {
        Some(rest) => rest.to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_typing_is_formatted() {
        let mut v = String::new();
        for k in ["5", "0", "1", "2", "3", "4", "5", "6", "7", "8"] {
            v = apply_key(FieldKind::Phone, &v, k);
        }
        assert_eq!(v, "+994 50 123 45 67");
        assert_eq!(phone_local(&v), "50 123 45 67");
        v = apply_key(FieldKind::Phone, &v, BACKSPACE);
        assert_eq!(v, "+994 50 123 45 6");
        assert_eq!(apply_key(FieldKind::Phone, "+994 5", BACKSPACE), "");
    }

    #[test]
    fn text_keys_and_backspace_on_multibyte_letters() {
        let v = apply_key(FieldKind::Text, "Məmməd", "ə");
        assert_eq!(v, "Məmmədə");
        assert_eq!(apply_key(FieldKind::Text, &v, BACKSPACE), "Məmməd");
        assert_eq!(apply_key(FieldKind::Number, "12", "a"), "12");
        assert_eq!(apply_key(FieldKind::Iban, "AZ", "n"), "AZN");
        assert_eq!(apply_key(FieldKind::Address, "abc", CLEAR), "");
    }
}

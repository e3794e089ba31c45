//! On-screen keyboard editing: applies one key to a field value (pure, no Slint types).

use kiosk_core::view::FieldKind;

/// Key text the keyboard sends for "erase the character before the cursor".
pub const BACKSPACE: &str = "\u{8}";
/// Key text for "clear the whole field".
pub const CLEAR: &str = "\u{18}";
/// Key texts for "move the cursor one character left / right".
pub const LEFT: &str = "\u{11}";
pub const RIGHT: &str = "\u{12}";

/// Longest value a field accepts from the keyboard when the field names no limit.
const MAX_CHARS: usize = kiosk_core::validate::DEFAULT_MAX_CHARS;

/// Whether `c` of a field's shown text is one the citizen edits (phones and IBANs are shown
/// grouped with spaces that are not part of the value).
fn is_unit(kind: FieldKind, c: char) -> bool {
    match kind {
        FieldKind::Phone | FieldKind::Mobile | FieldKind::Iban => !c.is_whitespace(),
        _ => true,
    }
}

/// The characters of a value the cursor moves over: a phone's national digits, an IBAN
/// without spaces, else every character.
pub fn units(kind: FieldKind, value: &str) -> Vec<char> {
    match kind {
        FieldKind::Phone | FieldKind::Mobile => phone_digits(value).chars().collect(),
        FieldKind::Iban => value.chars().filter(|c| !c.is_whitespace()).collect(),
        _ => value.chars().collect(),
    }
}

fn from_units(kind: FieldKind, units: &[char]) -> String {
    let s: String = units.iter().collect();
    match kind {
        FieldKind::Phone | FieldKind::Mobile => format_phone(&s),
        _ => s,
    }
}

/// What the value box shows: a phone after the fixed `+994`, an IBAN in groups of four.
pub fn display(kind: FieldKind, value: &str) -> String {
    match kind {
        FieldKind::Phone | FieldKind::Mobile => phone_local(value),
        FieldKind::Iban => units(kind, value)
            .chunks(4)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" "),
        _ => value.to_string(),
    }
}

/// The byte offset in [`display`] where the cursor after `cursor` units stands.
pub fn display_offset(kind: FieldKind, value: &str, cursor: usize) -> usize {
    let shown = display(kind, value);
    let mut n = 0;
    for (at, c) in shown.char_indices() {
        if n == cursor {
            return at;
        }
        if is_unit(kind, c) {
            n += 1;
        }
    }
    shown.len()
}

/// The cursor (in units) at byte offset `offset` of [`display`] (a tap into the text).
pub fn cursor_at(kind: FieldKind, value: &str, offset: usize) -> usize {
    display(kind, value)
        .char_indices()
        .take_while(|(at, _)| *at < offset)
        .filter(|(_, c)| is_unit(kind, *c))
        .count()
}

/// The value and cursor after pressing `key` in a field of `kind` holding `value` with the
/// cursor after `cursor` units; at most `max` units are taken (typing past it is refused).
///
/// Phone values are kept as `+994 XX XXX XX XX`; digits-only kinds ignore other keys; IBANs
/// are upper-cased.
pub fn apply_key_at(
    kind: FieldKind,
    value: &str,
    cursor: usize,
    key: &str,
    max: usize,
) -> (String, usize) {
    if key == CLEAR {
        return (String::new(), 0);
    }
    let mut u = units(kind, value);
    let mut at = cursor.min(u.len());
    match key {
        BACKSPACE => {
            if at > 0 {
                u.remove(at - 1);
                at -= 1;
            }
        }
        LEFT => at = at.saturating_sub(1),
        RIGHT => at = (at + 1).min(u.len()),
        _ => {
            let allowed = |c: char| match kind {
                FieldKind::Phone | FieldKind::Mobile | FieldKind::Number => c.is_ascii_digit(),
                FieldKind::Date => c.is_ascii_digit() || c == '.',
                FieldKind::Iban => c.is_ascii_alphanumeric(),
                _ => !c.is_control(),
            };
            for c in key.chars().filter(|&c| allowed(c)) {
                if u.len() >= max {
                    break;
                }
                u.insert(
                    at,
                    if kind == FieldKind::Iban {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    },
                );
                at += 1;
            }
        }
    }
    (from_units(kind, &u), at)
}

/// The value after pressing `key` with the cursor at the end.
pub fn apply_key(kind: FieldKind, value: &str, key: &str) -> String {
    let max = match kind {
        FieldKind::Phone | FieldKind::Mobile => kiosk_core::validate::PHONE_DIGITS,
        _ => MAX_CHARS,
    };
    apply_key_at(kind, value, usize::MAX, key, max).0
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

    #[test]
    fn the_cursor_moves_and_typing_goes_where_it_stands() {
        let t = FieldKind::Address;
        let (v, c) = apply_key_at(t, "Bakı küç", 4, " şəhəri,", 200);
        assert_eq!((v.as_str(), c), ("Bakı şəhəri, küç", 12));
        let (v, c) = apply_key_at(t, &v, c, LEFT, 200);
        assert_eq!(c, 11);
        let (v, c) = apply_key_at(t, &v, c, BACKSPACE, 200);
        assert_eq!((v.as_str(), c), ("Bakı şəhər, küç", 10));
        let (_, c) = apply_key_at(t, &v, 0, LEFT, 200);
        assert_eq!(c, 0);
        let (_, c) = apply_key_at(t, &v, 15, RIGHT, 200);
        assert_eq!(c, 15);
        // Typing past the limit is refused.
        let (v, c) = apply_key_at(FieldKind::Text, "abcd", 4, "ef", 5);
        assert_eq!((v.as_str(), c), ("abcde", 5));
    }

    #[test]
    fn phones_and_ibans_are_grouped_and_the_cursor_skips_the_spaces() {
        let p = FieldKind::Mobile;
        let v = "+994 50 123 45 67";
        assert_eq!(display(p, v), "50 123 45 67");
        // After the operator code: before the first space.
        assert_eq!(display_offset(p, v, 2), 2);
        assert_eq!(display_offset(p, v, 3), 4);
        assert_eq!(cursor_at(p, v, 4), 3);
        // A tenth digit is refused; a digit in the middle goes there.
        assert_eq!(apply_key_at(p, v, 9, "8", 9).0, v);
        let (v2, c) = apply_key_at(p, v, 2, BACKSPACE, 9);
        assert_eq!((v2.as_str(), c), ("+994 51 234 56 7", 1));
        let i = FieldKind::Iban;
        let iban = "AZ21NABZ00000000137010001944";
        assert_eq!(display(i, iban), "AZ21 NABZ 0000 0000 1370 1000 1944");
        assert_eq!(display_offset(i, iban, 4), 4);
        assert_eq!(display_offset(i, iban, 5), 6);
        assert_eq!(cursor_at(i, iban, 6), 5);
        assert_eq!(apply_key_at(i, iban, 28, "5", 28).0, iban, "29th refused");
        let (v3, c) = apply_key_at(i, "AZ21", 2, "x", 28);
        assert_eq!((v3.as_str(), c), ("AZX21", 3));
        // Multi-byte letters: offsets are bytes of the shown text.
        let a = FieldKind::Address;
        assert_eq!(display_offset(a, "Şəki", 2), "Şə".len());
        assert_eq!(cursor_at(a, "Şəki", "Şə".len()), 2);
    }
}

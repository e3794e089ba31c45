//! The on-screen keyboard as a grid the keypad moves over: the same layouts, rows and keys as
//! `ui/components/keyboard.slint` (a UI test finds every key of these grids by its
//! accessible label on the rendered keyboard), and the edit a key makes to a field value.

use dost_api::Lang;

use crate::catalog::FieldKind;
use crate::speech::msg::Msg;

/// Which keyboard a field gets (as the form screen picks it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// AZS 495-2010.
    Az,
    /// ЙЦУКЕН.
    Ru,
    /// QWERTY.
    En,
    /// Digits (phone).
    Phone,
    /// Digits (numbers).
    Number,
    /// Digits and a dot (dates).
    Date,
}

impl Layout {
    /// The keyboard of a field; None for fields answered with option buttons.
    pub fn for_field(kind: FieldKind, lang: Lang) -> Option<Layout> {
        Some(match kind {
            FieldKind::YesNo | FieldKind::Choice => return None,
            FieldKind::Phone | FieldKind::Mobile => Layout::Phone,
            FieldKind::Number => Layout::Number,
            FieldKind::Date => Layout::Date,
            FieldKind::Iban => Layout::En,
            // Addresses in Azerbaijan are written in Azerbaijani, whatever the screen's language
            // (as the form screen's keyboard does).
            FieldKind::Address => Layout::Az,
            FieldKind::Text => match lang {
                Lang::Az => Layout::Az,
                Lang::Ru => Layout::Ru,
                Lang::En => Layout::En,
            },
        })
    }

    fn numeric(self) -> bool {
        matches!(self, Layout::Phone | Layout::Number | Layout::Date)
    }
}

/// What a key does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cap {
    /// Types this text (a letter as shown, so upper case with Shift).
    Text(String),
    /// Shift (one-shot for letters).
    Shift,
    /// Erase the last character.
    Erase,
    /// A space.
    Space,
}

impl Cap {
    /// The accessible label: the text for characters, the translated name otherwise.
    pub fn label(&self) -> Label<'_> {
        match self {
            Cap::Text(t) => Label::Text(t),
            Cap::Shift => Label::Msg(Msg::Shift),
            Cap::Erase => Label::Msg(Msg::Backspace),
            Cap::Space => Label::Msg(Msg::Space),
        }
    }
}

/// A label that is either shown as it is or translated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label<'a> {
    Text(&'a str),
    Msg(Msg),
}

/// Letter rows (without and with Shift), as in keyboard.slint.
fn letter_rows(layout: Layout, shift: bool) -> [&'static [&'static str]; 3] {
    match (layout, shift) {
        (Layout::Ru, false) => [
            &["й", "ц", "у", "к", "е", "н", "г", "ш", "щ", "з", "х", "ъ"],
            &["ф", "ы", "в", "а", "п", "р", "о", "л", "д", "ж", "э"],
            &["я", "ч", "с", "м", "и", "т", "ь", "б", "ю", "ё"],
        ],
        (Layout::Ru, true) => [
            &["Й", "Ц", "У", "К", "Е", "Н", "Г", "Ш", "Щ", "З", "Х", "Ъ"],
            &["Ф", "Ы", "В", "А", "П", "Р", "О", "Л", "Д", "Ж", "Э"],
            &["Я", "Ч", "С", "М", "И", "Т", "Ь", "Б", "Ю", "Ё"],
        ],
        (Layout::En, false) => [
            &["q", "w", "e", "r", "t", "y", "u", "i", "o", "p"],
            &["a", "s", "d", "f", "g", "h", "j", "k", "l"],
            &["z", "x", "c", "v", "b", "n", "m"],
        ],
        (Layout::En, true) => [
            &["Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P"],
            &["A", "S", "D", "F", "G", "H", "J", "K", "L"],
            &["Z", "X", "C", "V", "B", "N", "M"],
        ],
        (_, false) => [
            &["q", "ü", "e", "r", "t", "y", "u", "i", "o", "p", "ö", "ğ"],
            &["a", "s", "d", "f", "g", "h", "j", "k", "l", "ı", "ə"],
            &["z", "x", "c", "v", "b", "n", "m", "ç", "ş"],
        ],
        (_, true) => [
            &["Q", "Ü", "E", "R", "T", "Y", "U", "İ", "O", "P", "Ö", "Ğ"],
            &["A", "S", "D", "F", "G", "H", "J", "K", "L", "I", "Ə"],
            &["Z", "X", "C", "V", "B", "N", "M", "Ç", "Ş"],
        ],
    }
}

fn text(s: &str) -> Cap {
    Cap::Text(s.to_owned())
}

/// The keys, row by row, top to bottom, as the keypad moves over them.
pub fn rows(layout: Layout, shift: bool) -> Vec<Vec<Cap>> {
    if layout.numeric() {
        let mut out: Vec<Vec<Cap>> = (0..3)
            .map(|r| {
                (1..=3)
                    .map(|c| Cap::Text((r * 3 + c).to_string()))
                    .collect()
            })
            .collect();
        // The "." cell is only a key on the date pad (elsewhere it is hidden and disabled).
        let mut last = Vec::new();
        if layout == Layout::Date {
            last.push(text("."));
        }
        last.extend([text("0"), Cap::Erase]);
        out.push(last);
        return out;
    }
    let [r1, r2, r3] = letter_rows(layout, shift);
    let mut out = vec![(1..=10).map(|d| text(&(d % 10).to_string())).collect()];
    out.push(r1.iter().map(|s| text(s)).collect());
    out.push(r2.iter().map(|s| text(s)).collect());
    let mut third = vec![Cap::Shift];
    third.extend(r3.iter().map(|s| text(s)));
    third.push(Cap::Erase);
    out.push(third);
    out.push(vec![text(","), text("-"), Cap::Space, text("/"), text(".")]);
    out
}

/// Whether typing this key ends a one-shot Shift (letters do; digits and signs do not), as
/// the keyboard component does.
pub fn ends_shift(layout: Layout, row: usize) -> bool {
    !layout.numeric() && (1..=3).contains(&row)
}

/// Longest value a field accepts from the keyboard.
const MAX_CHARS: usize = 200;

/// The value after pressing `cap` in a field of `kind` whose value is `value` (the same edit
/// the touch keyboard makes: phones are kept as `+994 XX XXX XX XX`, digit-only kinds ignore
/// other keys, IBANs are upper-cased).
pub fn apply(kind: FieldKind, value: &str, cap: &Cap) -> String {
    let key = match cap {
        Cap::Text(t) => t.as_str(),
        Cap::Space => " ",
        Cap::Shift => return value.to_owned(),
        Cap::Erase => "\u{8}",
    };
    apply_key(kind, value, key)
}

/// [`apply`] for the key text the touch keyboard sends (`"\u{8}"` erases, `"\u{18}"` clears).
pub fn apply_key(kind: FieldKind, value: &str, key: &str) -> String {
    const BACKSPACE: &str = "\u{8}";
    if key == "\u{18}" {
        return String::new();
    }
    if matches!(kind, FieldKind::Phone | FieldKind::Mobile) {
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
        return format_phone(&digits);
    }
    let mut out = value.to_owned();
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
        out.push(if kind == FieldKind::Iban {
            c.to_ascii_uppercase()
        } else {
            c
        });
    }
    out
}

/// The national digits of a phone value (`+994 50 123 45 67` → `501234567`).
fn phone_digits(value: &str) -> String {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let has_prefix = value.trim_start().starts_with('+') || digits.len() > 9;
    match digits.strip_prefix("994") {
        Some(rest) if has_prefix => rest.to_owned(),
        _ => digits,
    }
}

/// `+994 50 123 45 67` from `501234567`, grouped as far as typed.
fn format_phone(digits: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn azerbaijani_layout_follows_azs_495() {
        let rows = rows(Layout::Az, false);
        assert_eq!(rows.len(), 5);
        let line = |r: &Vec<Cap>| -> String {
            r.iter()
                .filter_map(|c| match c {
                    Cap::Text(t) => Some(t.as_str()),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(line(&rows[1]), "qüertyuiopöğ");
        assert_eq!(line(&rows[2]), "asdfghjklıə");
        assert_eq!(line(&rows[3]), "zxcvbnmçş");
        assert_eq!(rows[3].first(), Some(&Cap::Shift));
        assert_eq!(rows[3].last(), Some(&Cap::Erase));
        // Turkic case pairs under Shift: i ↔ İ, ı ↔ I.
        let shifted = super::rows(Layout::Az, true);
        assert_eq!(shifted[1][7], text("İ"));
        assert_eq!(shifted[2][9], text("I"));
    }

    #[test]
    fn numeric_pads_have_a_dot_only_for_dates() {
        assert_eq!(rows(Layout::Phone, false)[3], vec![text("0"), Cap::Erase]);
        assert_eq!(
            rows(Layout::Date, false)[3],
            vec![text("."), text("0"), Cap::Erase]
        );
        assert_eq!(
            rows(Layout::Number, false)[0],
            vec![text("1"), text("2"), text("3")]
        );
    }

    #[test]
    fn typing_edits_like_the_touch_keyboard() {
        let mut v = String::new();
        for d in "0501234567".chars() {
            v = apply(FieldKind::Phone, &v, &Cap::Text(d.to_string()));
        }
        assert_eq!(v, "+994 05 012 34 56");
        let mut v = String::new();
        for d in "501234567".chars() {
            v = apply(FieldKind::Phone, &v, &Cap::Text(d.to_string()));
        }
        assert_eq!(v, "+994 50 123 45 67");
        assert_eq!(apply(FieldKind::Phone, &v, &Cap::Erase), "+994 50 123 45 6");
        assert_eq!(
            apply(FieldKind::Text, "Məmməd", &Cap::Text("ə".into())),
            "Məmmədə"
        );
        assert_eq!(apply(FieldKind::Text, "ab", &Cap::Space), "ab ");
        assert_eq!(apply(FieldKind::Number, "12", &Cap::Text("a".into())), "12");
        assert_eq!(apply(FieldKind::Iban, "AZ", &Cap::Text("n".into())), "AZN");
        assert_eq!(apply(FieldKind::Text, "ab", &Cap::Shift), "ab");
    }

    #[test]
    fn shift_is_one_shot_for_letter_rows_only() {
        assert!(!ends_shift(Layout::Az, 0));
        assert!(ends_shift(Layout::Az, 1));
        assert!(ends_shift(Layout::Ru, 3));
        assert!(!ends_shift(Layout::Az, 4));
        assert!(!ends_shift(Layout::Phone, 1));
    }
}

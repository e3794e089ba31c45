//! Azerbaijani-aware text helpers: Turkic case mapping and display names.
//!
//! Rust's `to_uppercase()` maps `i` to `I`, which is wrong in Azerbaijani: the pairs are
//! `i ↔ İ` and `ı ↔ I`. These helpers map those two pairs themselves.

/// Upper-cases Azerbaijani text (`i` → `İ`, `ı` → `I`).
pub fn az_upper(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'i' => out.push('İ'),
            'ı' => out.push('I'),
            c => out.extend(c.to_uppercase()),
        }
    }
    out
}

/// Lower-cases Azerbaijani text (`İ` → `i`, `I` → `ı`).
pub fn az_lower(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'İ' => out.push('i'),
            'I' => out.push('ı'),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Capitalises each word of a name read from an MRZ (`MAMMADOV` → `Mammadov`).
///
/// MRZ names are plain A–Z: an `I` there is the Latin letter of the transliteration, so it
/// lower-cases to `i` (an MRZ has no `ı`). Words keep their first letter upper-case.
pub fn mrz_name_title(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for (i, c) in word.chars().enumerate() {
        if i == 0 {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// "Given Names Surname" from MRZ name parts.
pub fn display_name(given_names: &[String], surname: &str) -> String {
    given_names
        .iter()
        .map(|g| mrz_name_title(g))
        .chain(std::iter::once(mrz_name_title(surname)))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a text may span lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// One line: no line breaks (names, ids, ports).
    One,
    /// Paragraphs: `\n` allowed (catalog summaries).
    Many,
}

/// Why a text shown on screen or printed is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    /// Only visible ASCII is allowed here (a token in an HTTP header).
    #[error("character U+{0:04X}: only visible ASCII")]
    NotVisibleAscii(u32),
    #[error("at most {max} characters")]
    TooLong { max: usize },
    /// A control character (ESC, NUL, DEL, a C1 code, a line break in a one-line text):
    /// printers and terminals act on them.
    #[error("control character U+{0:04X}")]
    Control(u32),
    /// A bidirectional formatting character: it reorders what is shown.
    #[error("bidirectional formatting character U+{0:04X}")]
    Bidi(u32),
}

/// Unicode's bidirectional formatting characters (UAX #9): marks, embeddings, overrides and
/// isolates. Text from a file or the centre must not reorder what the screen or receipt shows.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Checks a text that is shown on screen, printed or logged: at most `max` characters, no
/// control characters (a `\n` only when `lines` is [`Lines::Many`]), no bidi formatting.
/// The one rule for text settings from any source and for catalog texts.
pub fn check_display(s: &str, max: usize, lines: Lines) -> Result<(), TextError> {
    let mut count = 0usize;
    for c in s.chars() {
        count += 1;
        if count > max {
            return Err(TextError::TooLong { max });
        }
        if c.is_control() && !(c == '\n' && lines == Lines::Many) {
            return Err(TextError::Control(u32::from(c)));
        }
        if is_bidi_control(c) {
            return Err(TextError::Bidi(u32::from(c)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turkic_case_pairs() {
        assert_eq!(az_upper("ilham əliyev"), "İLHAM ƏLİYEV");
        assert_eq!(az_upper("qızıl"), "QIZIL");
        assert_eq!(az_lower("İSMAYILLI"), "ismayıllı");
        assert_eq!(az_upper("çöl şüşə ğ"), "ÇÖL ŞÜŞƏ Ğ");
        // Rust's own mapping is the one we must not use:
        assert_ne!("i".to_uppercase(), az_upper("i"));
    }

    #[test]
    fn names_and_masks() {
        assert_eq!(
            display_name(&["ALI".into(), "RZA".into()], "MAMMADOV"),
            "Ali Rza Mammadov"
        );
        assert_eq!(display_name(&[], "SURNAMEONLY"), "Surnameonly");
    }

    #[test]
    fn display_text_refuses_controls_and_bidi() {
        assert_eq!(check_display("DOST Xəzər", 80, Lines::One), Ok(()));
        assert_eq!(
            check_display("DOST\u{1b}[2J", 80, Lines::One),
            Err(TextError::Control(0x1b))
        );
        assert_eq!(
            check_display("DOST \u{202E}rəzəX", 80, Lines::One),
            Err(TextError::Bidi(0x202E))
        );
        assert_eq!(
            check_display("\u{2067}x", 80, Lines::One),
            Err(TextError::Bidi(0x2067))
        );
        assert_eq!(
            check_display("a\u{85}b", 80, Lines::One),
            Err(TextError::Control(0x85)),
            "C1 controls too"
        );
        assert_eq!(
            check_display("a\nb", 80, Lines::One),
            Err(TextError::Control(0x0a))
        );
        assert_eq!(check_display("a\nb", 80, Lines::Many), Ok(()));
        assert_eq!(
            check_display(&"ə".repeat(81), 80, Lines::One),
            Err(TextError::TooLong { max: 80 })
        );
        assert_eq!(check_display(&"ə".repeat(80), 80, Lines::One), Ok(()));
    }
}

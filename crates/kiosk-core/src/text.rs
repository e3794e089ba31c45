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
}

//! Azerbaijani numbers, dates and letter names in words.
//!
//! espeak-ng 1.51 reads `24.11.2026` as "iyirmi dörd on bir iki min iyirmi altı" (no month),
//! `50 123` as one number ("əlli min yüz iyirmi üç": a space is its thousands separator),
//! `YAS01-261124` as the word "yas" and a six-digit number, and `+` in English. These rules
//! write them out.

const UNITS: [&str; 10] = [
    "sıfır", "bir", "iki", "üç", "dörd", "beş", "altı", "yeddi", "səkkiz", "doqquz",
];
const TENS: [&str; 10] = [
    "", "on", "iyirmi", "otuz", "qırx", "əlli", "altmış", "yetmiş", "səksən", "doxsan",
];
const MONTHS: [&str; 12] = [
    "yanvar", "fevral", "mart", "aprel", "may", "iyun", "iyul", "avqust", "sentyabr", "oktyabr",
    "noyabr", "dekabr",
];

pub(super) fn digit(d: u32) -> &'static str {
    UNITS[(d % 10) as usize]
}

/// Below a thousand, without "bir" before "yüz" (100 is "yüz", 300 "üç yüz").
fn below_thousand(n: u64, out: &mut Vec<String>) {
    let (h, t, u) = (n / 100, (n / 10) % 10, n % 10);
    if h > 0 {
        if h > 1 {
            out.push(UNITS[h as usize].to_owned());
        }
        out.push("yüz".to_owned());
    }
    if t > 0 {
        out.push(TENS[t as usize].to_owned());
    }
    if u > 0 {
        out.push(UNITS[u as usize].to_owned());
    }
}

/// A whole number in words: 2026 → "iki min iyirmi altı", 1000 → "min".
pub(super) fn cardinal(n: u64) -> String {
    if n == 0 {
        return UNITS[0].to_owned();
    }
    let mut out = Vec::new();
    let scales = [
        (1_000_000_000_000, "trilyon"),
        (1_000_000_000, "milyard"),
        (1_000_000, "milyon"),
    ];
    let mut rest = n;
    for (size, name) in scales {
        let k = rest / size;
        if k > 0 {
            // "bir milyon": the larger scales keep their "bir".
            below_thousand(k, &mut out);
            out.push(name.to_owned());
            rest %= size;
        }
    }
    let thousands = rest / 1000;
    if thousands > 0 {
        // "min", not "bir min".
        if thousands > 1 {
            below_thousand(thousands, &mut out);
        }
        out.push("min".to_owned());
    }
    below_thousand(rest % 1000, &mut out);
    out.join(" ")
}

/// The ordinal suffix by vowel harmony: after a consonant V+"nc"+V, after a vowel "nc"+V,
/// where V follows the word's last vowel (a ı → ı, e ə i → i, o u → u, ö ü → ü).
pub(super) fn ordinal_word(word: &str) -> String {
    let last_vowel = word.chars().rev().find(|c| "aıoueəiöü".contains(*c));
    let v = match last_vowel {
        Some('a' | 'ı') => 'ı',
        Some('o' | 'u') => 'u',
        Some('ö' | 'ü') => 'ü',
        _ => 'i',
    };
    let ends_in_vowel = word.chars().last().is_some_and(|c| "aıoueəiöü".contains(c));
    if ends_in_vowel {
        format!("{word}nc{v}")
    } else {
        format!("{word}{v}nc{v}")
    }
}

/// 2026 → "iki min iyirmi altıncı" (the ordinal of a year).
pub(super) fn ordinal(n: u64) -> String {
    let words = cardinal(n);
    match words.rsplit_once(' ') {
        Some((head, last)) => format!("{head} {}", ordinal_word(last)),
        None => ordinal_word(&words),
    }
}

/// 24.11.2026 → "iyirmi dörd noyabr, iki min iyirmi altıncı il".
pub(super) fn date(day: u32, month: u32, year: i32) -> String {
    let month = MONTHS[(month.clamp(1, 12) - 1) as usize];
    format!(
        "{} {month}, {} il",
        cardinal(u64::from(day)),
        ordinal(u64::from(year.unsigned_abs()))
    )
}

/// The name of a letter as Azerbaijanis spell it (the alphabet's letter names).
pub(super) fn letter(c: char) -> Option<&'static str> {
    let lower = crate::text::az_lower(&c.to_string());
    Some(match lower.as_str() {
        "a" => "a",
        "b" => "be",
        "c" => "ce",
        "ç" => "çe",
        "d" => "de",
        "e" => "e",
        "ə" => "ə",
        "f" => "fe",
        "g" => "ge",
        "ğ" => "ğe",
        "h" => "he",
        "x" => "xe",
        "ı" => "ı",
        "i" => "i",
        "j" => "je",
        "k" => "ka",
        "q" => "qe",
        "l" => "el",
        "m" => "em",
        "n" => "en",
        "o" => "o",
        "ö" => "ö",
        "p" => "pe",
        "r" => "er",
        "s" => "es",
        "ş" => "şe",
        "t" => "te",
        "u" => "u",
        "ü" => "ü",
        "v" => "ve",
        "y" => "ye",
        "z" => "ze",
        "w" => "dubl ve",
        _ => return None,
    })
}

/// Names of the signs the kiosk shows in numbers and on its keyboard.
pub(super) fn sign(c: char) -> Option<&'static str> {
    Some(match c {
        '-' => "defis",
        '+' => "plyus",
        '.' => "nöqtə",
        ',' => "vergül",
        '/' => "çəp xətt",
        '*' => "ulduz",
        ':' => "iki nöqtə",
        '_' => "alt xətt",
        '@' => "at",
        _ => return None,
    })
}

/// "böyük" before a capital letter on the keyboard.
pub(super) const CAPITAL: &str = "böyük";

/// Hours and minutes: 21:05 → "iyirmi bir sıfır beş".
pub(super) fn time(h: u32, m: u32) -> String {
    let minutes = if m < 10 {
        format!("{} {}", UNITS[0], UNITS[m as usize])
    } else {
        cardinal(u64::from(m))
    };
    format!("{} {minutes}", cardinal(u64::from(h)))
}

/// Words espeak-ng reads wrongly in Azerbaijani text.
pub(super) fn word(w: &str) -> Option<&'static str> {
    Some(match w {
        "FİN" => "fin",
        "DOST" => "dost",
        "QR" => "qe er",
        "SMS" => "es em es",
        "IBAN" => "i ban",
        "CV" => "ce ve",
        "AZ" => "a ze",
        _ => return None,
    })
}

//! Numbers, dates, FİN characters and application numbers written out in words, per
//! language, where espeak-ng reads them wrongly (see each language's module for what it
//! gets wrong), and the normalisation every spoken text goes through.

mod az;
mod en;
mod ru;

use chrono::{Datelike, NaiveDate};
use dost_api::Lang;

/// A whole number in words.
pub fn cardinal(lang: Lang, n: u64) -> String {
    match lang {
        Lang::Az => az::cardinal(n),
        Lang::Ru => ru::cardinal(n),
        Lang::En => en::cardinal(n),
    }
}

/// A date in words, as it is said in `lang`.
pub fn date(lang: Lang, d: NaiveDate) -> String {
    let (day, month, year) = (d.day(), d.month(), d.year());
    match lang {
        Lang::Az => az::date(day, month, year),
        Lang::Ru => ru::date(day, month, year),
        Lang::En => en::date(day, month, year),
    }
}

/// Hours and minutes in words.
pub fn time(lang: Lang, h: u32, m: u32) -> String {
    match lang {
        Lang::Az => az::time(h, m),
        Lang::Ru => ru::time(h, m),
        Lang::En => en::time(h, m),
    }
}

fn digit(lang: Lang, d: u32) -> &'static str {
    match lang {
        Lang::Az => az::digit(d),
        Lang::Ru => ru::digit(d),
        Lang::En => en::digit(d),
    }
}

/// The spoken name of one character: a digit, a letter (by its name in `lang`), a sign;
/// anything else is itself.
pub fn char_name(lang: Lang, c: char) -> String {
    if let Some(d) = c.to_digit(10) {
        return digit(lang, d).to_owned();
    }
    let named = match lang {
        Lang::Az => az::letter(c).or_else(|| az::sign(c)),
        Lang::Ru => ru::letter(c).or_else(|| ru::sign(c)),
        Lang::En => en::letter(c).or_else(|| en::sign(c)),
    };
    named.map_or_else(|| c.to_string(), str::to_owned)
}

/// A key of the on-screen keyboard: its character's name, "capital" before a capital letter.
pub fn key_name(lang: Lang, c: char) -> String {
    let capital = c.is_uppercase();
    let name = char_name(lang, c);
    if capital {
        let word = match lang {
            Lang::Az => az::CAPITAL,
            Lang::Ru => ru::CAPITAL,
            Lang::En => en::CAPITAL,
        };
        format!("{word} {name}")
    } else {
        name
    }
}

/// Character by character, groups (split at `-`) apart: `YAS01-261124-0007` →
/// "ye a es sıfır bir, defis, iki altı bir bir iki dörd, defis, sıfır sıfır sıfır yeddi".
/// For application numbers, FİNs and codes: every character is heard.
pub fn spell(lang: Lang, text: &str) -> String {
    let dash = char_name(lang, '-');
    text.split('-')
        .map(|group| {
            group
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| char_name(lang, c))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(&format!(", {dash}, "))
}

fn known_word(lang: Lang, w: &str) -> Option<&'static str> {
    match lang {
        Lang::Az => az::word(w),
        Lang::Ru => ru::word(w),
        Lang::En => en::word(w),
    }
}

/// "80%" in words.
fn percent(lang: Lang, n: u64) -> String {
    let number = cardinal(lang, n);
    match lang {
        Lang::Az => format!("{number} faiz"),
        Lang::En => format!("{number} percent"),
        Lang::Ru => {
            let (m10, m100) = (n % 10, n % 100);
            let word = if (11..=14).contains(&m100) {
                "процентов"
            } else if m10 == 1 {
                "процент"
            } else if (2..=4).contains(&m10) {
                "процента"
            } else {
                "процентов"
            };
            format!("{number} {word}")
        }
    }
}

/// A run of digits: a number in words, or digit by digit when it starts with 0 or is long
/// (codes, not quantities).
fn digits(lang: Lang, run: &str) -> String {
    let value = run.parse::<u64>().ok().filter(|_| run.len() <= 9);
    match value {
        Some(n) if !(run.len() > 1 && run.starts_with('0')) => cardinal(lang, n),
        _ => run
            .chars()
            .filter_map(|c| c.to_digit(10))
            .map(|d| digit(lang, d))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// `dd.mm.yyyy` at the start of `s`: the date and its length in bytes.
fn date_at(s: &str) -> Option<(NaiveDate, usize)> {
    let b = s.as_bytes();
    let num = |from: usize| -> (usize, usize) {
        let len = b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
        (from, len)
    };
    let (d0, dl) = num(0);
    if !(1..=2).contains(&dl) || b.get(dl) != Some(&b'.') {
        return None;
    }
    let (m0, ml) = num(dl + 1);
    if !(1..=2).contains(&ml) || b.get(m0 + ml) != Some(&b'.') {
        return None;
    }
    let (y0, yl) = num(m0 + ml + 1);
    if yl != 4 {
        return None;
    }
    let day = s[d0..d0 + dl].parse().ok()?;
    let month = s[m0..m0 + ml].parse().ok()?;
    let year = s[y0..y0 + yl].parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day).map(|d| (d, y0 + yl))
}

/// `hh:mm` at the start of `s`: hours, minutes and the length.
fn time_at(s: &str) -> Option<(u32, u32, usize)> {
    let b = s.as_bytes();
    let hl = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=2).contains(&hl) || b.get(hl) != Some(&b':') {
        return None;
    }
    let ml = b[hl + 1..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if ml != 2 {
        return None;
    }
    let h: u32 = s[..hl].parse().ok()?;
    let m: u32 = s[hl + 1..hl + 3].parse().ok()?;
    (h < 24 && m < 60).then_some((h, m, hl + 3))
}

/// `{N}` at the start of `s`: its length.
fn placeholder_at(s: &str) -> Option<usize> {
    let inner = s.strip_prefix('{')?;
    let close = inner.find('}')?;
    inner[..close]
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then_some(close + 2)
}

/// Text as espeak-ng should get it: dates, times, numbers, percentages and `+` in words,
/// known abbreviations (FİN, DOST, QR, SMS, IBAN, CV) as they are said, decoration arrows
/// dropped. Numbers separated by spaces (`50 123 45 67`) stay separate numbers.
pub fn normalise(lang: Lang, text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut rest = text;
    let mut last_was_number = false;
    while let Some(c) = rest.chars().next() {
        // A `{0}` placeholder stays as it is (filled with words later).
        if let Some(len) = placeholder_at(rest) {
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            last_was_number = false;
            continue;
        }
        if let Some((d, len)) = date_at(rest) {
            out.push_str(&date(lang, d));
            rest = &rest[len..];
            last_was_number = false;
            // A time right after the date (`24.11.2026 21:05`).
            if let Some((h, m, tl)) = rest.strip_prefix(' ').and_then(time_at) {
                out.push_str(", ");
                out.push_str(&time(lang, h, m));
                rest = &rest[1 + tl..];
            }
            continue;
        }
        if let Some((h, m, len)) = time_at(rest) {
            out.push_str(&time(lang, h, m));
            rest = &rest[len..];
            last_was_number = false;
            continue;
        }
        if c.is_ascii_digit() {
            let len = rest.bytes().take_while(u8::is_ascii_digit).count();
            let run = &rest[..len];
            rest = &rest[len..];
            if let Some(after) = rest.strip_prefix('%') {
                out.push_str(&percent(lang, run.parse().unwrap_or(0)));
                rest = after;
                last_was_number = false;
                continue;
            }
            if last_was_number && out.ends_with(' ') {
                // `50 123`: two numbers, a pause between them.
                out.pop();
                out.push_str(", ");
            }
            out.push_str(&digits(lang, run));
            last_was_number = true;
            continue;
        }
        if c.is_alphabetic() {
            let len = rest
                .char_indices()
                .find(|(_, ch)| !ch.is_alphabetic())
                .map_or(rest.len(), |(i, _)| i);
            let word = &rest[..len];
            out.push_str(known_word(lang, word).unwrap_or(word));
            rest = &rest[len..];
            last_was_number = false;
            continue;
        }
        rest = &rest[c.len_utf8()..];
        match c {
            '‹' | '›' | '«' | '»' | '"' => {}
            '+' if rest.starts_with(|n: char| n.is_ascii_digit()) => {
                out.push_str(&char_name(lang, '+'));
                out.push(' ');
            }
            '…' => out.push('.'),
            '–' | '—' => out.push(','),
            '/' if out.ends_with(' ') && rest.starts_with(' ') => {
                out.pop();
                out.push(',');
            }
            ' ' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
                continue;
            }
            other => out.push(other),
        }
        last_was_number = false;
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests;

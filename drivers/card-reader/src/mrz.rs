//! Pure ICAO Doc 9303 machine-readable-zone parser (TD1, TD2, TD3).
//!
//! [`parse_mrz`] accepts a read only when every check digit (the composite too)
//! validates; it never returns a half-parsed document and never panics, whatever
//! the input.
//!
//! Order of validation: format (line count and lengths) → characters (`_` or
//! anything outside `0-9 A-Z <` is [`MrzErrorKind::Unreadable`]) → check digits
//! (document number, birth date, expiry date, TD3 personal number, composite) →
//! fields (document code, states, sex, dates, name, FİN).
//!
//! Error reasons never contain the content of a field (no FİN, no names, no
//! document numbers), so they can be logged.

use std::fmt;

use chrono::{Datelike, NaiveDate};

/// The three ICAO 9303 machine-readable document sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentFormat {
    /// ID card size: 3 lines × 30 characters.
    Td1,
    /// Older ID card size: 2 lines × 36 characters.
    Td2,
    /// Passport size: 2 lines × 44 characters.
    Td3,
}

impl DocumentFormat {
    /// Number of MRZ lines of this format.
    pub fn line_count(self) -> usize {
        match self {
            DocumentFormat::Td1 => 3,
            DocumentFormat::Td2 | DocumentFormat::Td3 => 2,
        }
    }

    /// Characters per MRZ line of this format.
    pub fn line_len(self) -> usize {
        match self {
            DocumentFormat::Td1 => 30,
            DocumentFormat::Td2 => 36,
            DocumentFormat::Td3 => 44,
        }
    }

    /// The format whose lines have `len` characters, if any.
    pub fn from_line_len(len: usize) -> Option<Self> {
        match len {
            30 => Some(DocumentFormat::Td1),
            36 => Some(DocumentFormat::Td2),
            44 => Some(DocumentFormat::Td3),
            _ => None,
        }
    }
}

impl fmt::Display for DocumentFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DocumentFormat::Td1 => "TD1",
            DocumentFormat::Td2 => "TD2",
            DocumentFormat::Td3 => "TD3",
        })
    }
}

/// Sex as printed in the MRZ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
    /// `<` (or `X`) in the MRZ.
    Unspecified,
}

impl Sex {
    /// `"M"`, `"F"` or `"X"`.
    pub fn code(&self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
            Sex::Unspecified => "X",
        }
    }
}

/// A machine-readable document whose every check digit validated.
///
/// `Debug` is redacted: it never shows the document number, names, dates of
/// birth, optional data or the FİN, so a `Document` can't leak into logs by
/// accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Document {
    pub format: DocumentFormat,
    /// Document code without `<` filler, e.g. `"I"`, `"ID"`, `"P"`.
    pub document_code: String,
    /// Issuing state or organisation, filler removed (e.g. `"AZE"`, `"D"`).
    pub issuing_state: String,
    /// Full document number (including any continuation from the optional
    /// data), filler removed.
    pub document_number: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub expiry_date: NaiveDate,
    /// Nationality, filler removed.
    pub nationality: String,
    /// Surname; `<` inside it (several parts) become spaces.
    pub surname: String,
    /// Given names in order.
    pub given_names: Vec<String>,
    /// Azerbaijani FİN (issuing state `AZE` only), validated.
    pub fin: Option<String>,
    /// Optional data as printed (TD1: line 1 part, minus any document-number
    /// continuation, then line 2 part; TD2: line 2 positions 29–35; TD3:
    /// personal number), trailing `<` removed.
    pub optional_data: String,
    /// The lines as read (trimmed), for comparisons character by character (a chip's DG1).
    pub lines: Vec<String>,
}

impl Document {
    /// True when the document's expiry date is before `today` (a document is
    /// valid through its expiry date).
    pub fn is_expired(&self, today: NaiveDate) -> bool {
        self.expiry_date < today
    }

    /// Document code starts with `I`, `A` or `C`.
    pub fn is_id_card(&self) -> bool {
        matches!(
            self.document_code.as_bytes().first(),
            Some(b'I' | b'A' | b'C')
        )
    }

    /// Document code starts with `P`.
    pub fn is_passport(&self) -> bool {
        self.document_code.starts_with('P')
    }
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("format", &self.format)
            .field("document_code", &self.document_code)
            .field("issuing_state", &self.issuing_state)
            .field("nationality", &self.nationality)
            .field("expiry_date", &self.expiry_date)
            .field("fin", &self.fin.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

/// Category of an MRZ error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MrzErrorKind {
    /// `_` (unreadable, as sent by readers) or a character outside `0-9 A-Z <`.
    Unreadable,
    /// A check digit (or the composite) does not match.
    CheckDigit,
    /// Wrong line count/length or a field of the wrong shape.
    Format,
    /// A date that does not exist.
    Date,
    /// An Azerbaijani document whose FİN is malformed.
    Fin,
}

/// Why an MRZ was refused; names the field and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("MRZ {field}: {reason}")]
pub struct MrzError {
    field: &'static str,
    kind: MrzErrorKind,
    reason: String,
}

impl MrzError {
    fn new(field: &'static str, kind: MrzErrorKind, reason: impl Into<String>) -> Self {
        MrzError {
            field,
            kind,
            reason: reason.into(),
        }
    }

    /// The field at fault: `"format"`, `"document_code"`, `"issuing_state"`,
    /// `"document_number"`, `"birth_date"`, `"sex"`, `"expiry_date"`,
    /// `"nationality"`, `"optional_data"`, `"composite"`, `"name"` or `"fin"`.
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// Human-readable reason (never contains field content).
    pub fn reason(&self) -> String {
        self.reason.clone()
    }

    pub fn kind(&self) -> MrzErrorKind {
        self.kind
    }
}

/// Value of one MRZ character for check digits: `0-9` → 0–9, `A-Z` → 10–35,
/// `<` → 0; anything else `None`.
fn char_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        b'<' => Some(0),
        _ => None,
    }
}

/// ICAO 9303 check digit (weights 7, 3, 1; sum mod 10) of `s`, or `None`
/// when `s` contains a character outside `0-9 A-Z <`.
pub fn check_digit(s: &str) -> Option<u8> {
    check_digit_bytes(s.as_bytes())
}

fn check_digit_bytes(s: &[u8]) -> Option<u8> {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let mut sum = 0u32;
    for (i, &c) in s.iter().enumerate() {
        sum += char_value(c)? * WEIGHTS[i % 3];
    }
    // sum % 10 < 10, always fits.
    u8::try_from(sum % 10).ok()
}

/// True when `fin` is a well-formed Azerbaijani FİN: 7 characters of
/// `[0-9A-Z]` without the letter `O`.
pub fn is_valid_fin(fin: &str) -> bool {
    fin_problem(fin.as_bytes()).is_none()
}

fn fin_problem(fin: &[u8]) -> Option<String> {
    if fin.len() != 7 {
        return Some(format!("must be 7 characters, got {}", fin.len()));
    }
    for (i, &c) in fin.iter().enumerate() {
        match c {
            b'O' => {
                return Some(format!(
                    "letter O is not used in a FİN (character {})",
                    i + 1
                ));
            }
            b'0'..=b'9' | b'A'..=b'Z' => {}
            b'<' => return Some(format!("filler '<' at character {}", i + 1)),
            _ => return Some(format!("invalid character at character {}", i + 1)),
        }
    }
    None
}

/// A field's place in the MRZ: (name, line index, start index, length), 0-based.
type Span = (&'static str, usize, usize, usize);

const TD1_SPANS: &[Span] = &[
    ("document_code", 0, 0, 2),
    ("issuing_state", 0, 2, 3),
    ("document_number", 0, 5, 10),
    ("optional_data", 0, 15, 15),
    ("birth_date", 1, 0, 7),
    ("sex", 1, 7, 1),
    ("expiry_date", 1, 8, 7),
    ("nationality", 1, 15, 3),
    ("optional_data", 1, 18, 11),
    ("composite", 1, 29, 1),
    ("name", 2, 0, 30),
];

const TD2_SPANS: &[Span] = &[
    ("document_code", 0, 0, 2),
    ("issuing_state", 0, 2, 3),
    ("name", 0, 5, 31),
    ("document_number", 1, 0, 10),
    ("nationality", 1, 10, 3),
    ("birth_date", 1, 13, 7),
    ("sex", 1, 20, 1),
    ("expiry_date", 1, 21, 7),
    ("optional_data", 1, 28, 7),
    ("composite", 1, 35, 1),
];

const TD3_SPANS: &[Span] = &[
    ("document_code", 0, 0, 2),
    ("issuing_state", 0, 2, 3),
    ("name", 0, 5, 39),
    ("document_number", 1, 0, 10),
    ("nationality", 1, 10, 3),
    ("birth_date", 1, 13, 7),
    ("sex", 1, 20, 1),
    ("expiry_date", 1, 21, 7),
    ("optional_data", 1, 28, 15),
    ("composite", 1, 43, 1),
];

fn spans(format: DocumentFormat) -> &'static [Span] {
    match format {
        DocumentFormat::Td1 => TD1_SPANS,
        DocumentFormat::Td2 => TD2_SPANS,
        DocumentFormat::Td3 => TD3_SPANS,
    }
}

fn field_at(format: DocumentFormat, line: usize, pos: usize) -> &'static str {
    spans(format)
        .iter()
        .find(|(_, l, start, len)| *l == line && pos >= *start && pos < start + len)
        .map_or("format", |(name, ..)| name)
}

/// Parses and validates one read of MRZ lines.
///
/// Lines are trimmed of surrounding ASCII whitespace (CR, LF, spaces) first.
/// `today` decides the century of the birth date (the latest date not after
/// `today`); expiry dates are always 20YY and an expired document still parses.
pub fn parse_mrz(lines: &[&str], today: NaiveDate) -> Result<Document, MrzError> {
    let lines: Vec<&str> = lines
        .iter()
        .map(|l| l.trim_matches(|c: char| c.is_ascii_whitespace()))
        .collect();
    let format = detect_format(&lines)?;

    // Characters: only after this may lines be indexed as bytes (all ASCII).
    for (li, line) in lines.iter().enumerate() {
        for (pos, c) in line.chars().enumerate() {
            let ok = c.is_ascii_digit() || c.is_ascii_uppercase() || c == '<';
            if !ok {
                let field = field_at(format, li, pos);
                let what = if c == '_' {
                    "unreadable character '_'".to_string()
                } else if c.is_ascii_graphic() {
                    format!("invalid character '{c}'")
                } else {
                    format!("invalid character U+{:04X}", u32::from(c))
                };
                return Err(MrzError::new(
                    field,
                    MrzErrorKind::Unreadable,
                    format!("{what} at line {}, position {}", li + 1, pos + 1),
                ));
            }
        }
    }
    let l: Vec<&[u8]> = lines.iter().map(|s| s.as_bytes()).collect();
    let mut doc = match format {
        DocumentFormat::Td1 => parse_td1(&l, today),
        DocumentFormat::Td2 | DocumentFormat::Td3 => parse_td23(format, &l, today),
    }?;
    doc.lines = lines.iter().map(|l| (*l).to_owned()).collect();
    Ok(doc)
}

fn detect_format(lines: &[&str]) -> Result<DocumentFormat, MrzError> {
    let lens: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
    let describe = || {
        let list: Vec<String> = lens.iter().map(ToString::to_string).collect();
        format!(
            "expected 3 lines of 30, 2 of 36 or 2 of 44 characters, got {} line(s) of length {}",
            lens.len(),
            if list.is_empty() {
                "-".to_string()
            } else {
                list.join("/")
            }
        )
    };
    let first = lens.first().copied().unwrap_or(0);
    match DocumentFormat::from_line_len(first) {
        Some(f) if lens.len() == f.line_count() && lens.iter().all(|&n| n == f.line_len()) => Ok(f),
        _ => Err(MrzError::new("format", MrzErrorKind::Format, describe())),
    }
}

fn text(b: &[u8]) -> String {
    // Only called on validated ASCII.
    b.iter().map(|&c| char::from(c)).collect()
}

fn strip_filler(b: &[u8]) -> String {
    text(b).trim_matches('<').to_string()
}

fn verify(field: &'static str, data: &[u8], check: u8, what: &str) -> Result<(), MrzError> {
    let expected = check_digit_bytes(data)
        .ok_or_else(|| MrzError::new(field, MrzErrorKind::Unreadable, "invalid character"))?;
    let found = match check {
        b'0'..=b'9' => check - b'0',
        _ => {
            return Err(MrzError::new(
                field,
                MrzErrorKind::CheckDigit,
                format!("{what} check digit is not a digit"),
            ));
        }
    };
    if expected != found {
        return Err(MrzError::new(
            field,
            MrzErrorKind::CheckDigit,
            format!("{what} check digit is {found}, computed {expected}"),
        ));
    }
    Ok(())
}

/// Document number (9 chars + check digit) with the ICAO long-number rule:
/// when the check digit position holds `<`, the number continues in the
/// optional data, ended by its check digit and a `<`. Returns the full number
/// and how many optional-data characters it used.
fn document_number(num: &[u8], check: u8, optional: &[u8]) -> Result<(String, usize), MrzError> {
    if check == b'<' {
        let ext_len = optional
            .iter()
            .position(|&c| c == b'<')
            .unwrap_or(optional.len());
        if ext_len < 2 {
            return Err(MrzError::new(
                "document_number",
                MrzErrorKind::Format,
                "check digit position holds '<' but no continuation in optional data",
            ));
        }
        let (rest, cd) = optional[..ext_len].split_at(ext_len - 1);
        let mut full = num.to_vec();
        full.extend_from_slice(rest);
        verify("document_number", &full, cd[0], "document number")?;
        let used = (ext_len + 1).min(optional.len());
        Ok((strip_filler(&full), used))
    } else {
        verify("document_number", num, check, "document number")?;
        let n = strip_filler(num);
        if n.is_empty() {
            return Err(MrzError::new(
                "document_number",
                MrzErrorKind::Format,
                "empty document number",
            ));
        }
        Ok((n, 0))
    }
}

fn parse_td1(l: &[&[u8]], today: NaiveDate) -> Result<Document, MrzError> {
    let (l1, l2, l3) = (l[0], l[1], l[2]);
    let (document_number, used) = document_number(&l1[5..14], l1[14], &l1[15..30])?;
    verify("birth_date", &l2[0..6], l2[6], "birth date")?;
    verify("expiry_date", &l2[8..14], l2[14], "expiry date")?;
    let mut composite = l1[5..30].to_vec();
    composite.extend_from_slice(&l2[0..7]);
    composite.extend_from_slice(&l2[8..15]);
    composite.extend_from_slice(&l2[18..29]);
    verify("composite", &composite, l2[29], "composite")?;

    let document_code = document_code(&l1[0..2], DocumentFormat::Td1)?;
    let issuing_state = state("issuing_state", &l1[2..5])?;
    let birth_date = birth_date(&l2[0..6], today)?;
    let sex = sex(l2[7])?;
    let expiry_date = expiry_date(&l2[8..14])?;
    let nationality = state("nationality", &l2[15..18])?;
    let (surname, given_names) = name(l3)?;
    let fin = if issuing_state == "AZE" {
        let f = &l1[15..22];
        if let Some(problem) = fin_problem(f) {
            return Err(MrzError::new("fin", MrzErrorKind::Fin, problem));
        }
        Some(text(f))
    } else {
        None
    };
    let mut optional = text(&l1[15 + used..30]);
    optional.push_str(&text(&l2[18..29]));
    let optional_data = optional.trim_end_matches('<').to_string();
    Ok(Document {
        format: DocumentFormat::Td1,
        document_code,
        issuing_state,
        document_number,
        birth_date,
        sex,
        expiry_date,
        nationality,
        surname,
        given_names,
        fin,
        optional_data,
        lines: Vec::new(),
    })
}

fn parse_td23(format: DocumentFormat, l: &[&[u8]], today: NaiveDate) -> Result<Document, MrzError> {
    let (l1, l2) = (l[0], l[1]);
    let last = format.line_len() - 1;
    // Optional data: TD2 28..35, TD3 28..42 (+ its own check digit at 42).
    let opt_end = if format == DocumentFormat::Td3 {
        42
    } else {
        last
    };
    let (document_number, used) = if format == DocumentFormat::Td2 {
        document_number(&l2[0..9], l2[9], &l2[28..opt_end])?
    } else {
        document_number(&l2[0..9], l2[9], &[])?
    };
    verify("birth_date", &l2[13..19], l2[19], "birth date")?;
    verify("expiry_date", &l2[21..27], l2[27], "expiry date")?;
    if format == DocumentFormat::Td3 {
        let personal = &l2[28..42];
        let cd = l2[42];
        let all_filler = personal.iter().all(|&c| c == b'<');
        if !(all_filler && (cd == b'<' || cd == b'0')) {
            verify("optional_data", personal, cd, "personal number")?;
        }
    }
    let mut composite = l2[0..10].to_vec();
    composite.extend_from_slice(&l2[13..20]);
    composite.extend_from_slice(&l2[21..last]);
    verify("composite", &composite, l2[last], "composite")?;

    let document_code = document_code(&l1[0..2], format)?;
    let issuing_state = state("issuing_state", &l1[2..5])?;
    let (surname, given_names) = name(&l1[5..])?;
    let nationality = state("nationality", &l2[10..13])?;
    let birth_date = birth_date(&l2[13..19], today)?;
    let sex = sex(l2[20])?;
    let expiry_date = expiry_date(&l2[21..27])?;
    let optional_raw = &l2[28 + used..opt_end];
    let fin = match (format, issuing_state.as_str()) {
        (DocumentFormat::Td2, "AZE") => {
            let f = &l2[28..35];
            if let Some(problem) = fin_problem(f) {
                return Err(MrzError::new("fin", MrzErrorKind::Fin, problem));
            }
            Some(text(f))
        }
        // Azerbaijani passports: the personal number, when it is a FİN.
        (DocumentFormat::Td3, "AZE") => {
            let p = strip_filler(optional_raw);
            is_valid_fin(&p).then_some(p)
        }
        _ => None,
    };
    Ok(Document {
        format,
        document_code,
        issuing_state,
        document_number,
        birth_date,
        sex,
        expiry_date,
        nationality,
        surname,
        given_names,
        fin,
        optional_data: text(optional_raw).trim_end_matches('<').to_string(),
        lines: Vec::new(),
    })
}

fn document_code(b: &[u8], format: DocumentFormat) -> Result<String, MrzError> {
    let code = strip_filler(b);
    let allowed: &[u8] = match format {
        DocumentFormat::Td1 | DocumentFormat::Td2 => b"IAC",
        DocumentFormat::Td3 => b"P",
    };
    let first = b[0];
    if !allowed.contains(&first) || b[1..].iter().any(|c| c.is_ascii_digit()) {
        return Err(MrzError::new(
            "document_code",
            MrzErrorKind::Format,
            format!(
                "{format} document code must start with {}",
                allowed
                    .iter()
                    .map(|&c| char::from(c).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    Ok(code)
}

fn state(field: &'static str, b: &[u8]) -> Result<String, MrzError> {
    let s = strip_filler(b);
    // Letters followed by filler only (e.g. "D<<").
    let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    if letters == 0 || b[letters..].iter().any(|&c| c != b'<') {
        return Err(MrzError::new(
            field,
            MrzErrorKind::Format,
            "not a 3-letter state code",
        ));
    }
    Ok(s)
}

fn sex(c: u8) -> Result<Sex, MrzError> {
    match c {
        b'M' => Ok(Sex::Male),
        b'F' => Ok(Sex::Female),
        b'<' | b'X' => Ok(Sex::Unspecified),
        _ => Err(MrzError::new(
            "sex",
            MrzErrorKind::Format,
            "must be M, F or <",
        )),
    }
}

/// (YY, MM, DD) from a validated 6-byte YYMMDD field.
fn yymmdd(field: &'static str, b: &[u8]) -> Result<(i32, u32, u32), MrzError> {
    if !b.iter().all(u8::is_ascii_digit) {
        return Err(MrzError::new(
            field,
            MrzErrorKind::Date,
            "not a YYMMDD date",
        ));
    }
    let n = |i: usize| u32::from(b[i] - b'0') * 10 + u32::from(b[i + 1] - b'0');
    Ok((i32::try_from(n(0)).unwrap_or(0), n(2), n(4)))
}

fn birth_date(b: &[u8], today: NaiveDate) -> Result<NaiveDate, MrzError> {
    let (yy, mm, dd) = yymmdd("birth_date", b)?;
    let century = today.year().div_euclid(100) * 100;
    let this = NaiveDate::from_ymd_opt(century + yy, mm, dd).filter(|d| *d <= today);
    this.or_else(|| NaiveDate::from_ymd_opt(century - 100 + yy, mm, dd))
        .ok_or_else(|| MrzError::new("birth_date", MrzErrorKind::Date, "no such date"))
}

fn expiry_date(b: &[u8]) -> Result<NaiveDate, MrzError> {
    let (yy, mm, dd) = yymmdd("expiry_date", b)?;
    NaiveDate::from_ymd_opt(2000 + yy, mm, dd)
        .ok_or_else(|| MrzError::new("expiry_date", MrzErrorKind::Date, "no such date"))
}

fn name(b: &[u8]) -> Result<(String, Vec<String>), MrzError> {
    let s = text(b);
    let s = s.trim_end_matches('<');
    if s.is_empty() {
        return Err(MrzError::new("name", MrzErrorKind::Format, "empty name"));
    }
    if s.bytes().any(|c| c.is_ascii_digit()) {
        return Err(MrzError::new(
            "name",
            MrzErrorKind::Format,
            "digits in name",
        ));
    }
    let (sur, given) = s.split_once("<<").unwrap_or((s, ""));
    let surname = sur
        .split('<')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if surname.is_empty() {
        return Err(MrzError::new("name", MrzErrorKind::Format, "empty surname"));
    }
    let given_names = given
        .split('<')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    Ok((surname, given_names))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    #[test]
    fn check_digit_of_icao_examples() {
        assert_eq!(check_digit("D23145890"), Some(7));
        assert_eq!(check_digit("740812"), Some(2));
        assert_eq!(check_digit("120415"), Some(9));
        assert_eq!(check_digit("AB2134<<<"), Some(5));
        assert_eq!(check_digit("ab"), None);
        assert_eq!(check_digit(""), Some(0));
    }

    #[test]
    fn birth_century_rule() {
        let t = today();
        assert_eq!(
            birth_date(b"261124", t).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
        );
        assert_eq!(
            birth_date(b"261125", t).unwrap(),
            NaiveDate::from_ymd_opt(1926, 11, 25).unwrap()
        );
        assert_eq!(
            birth_date(b"740812", t).unwrap(),
            NaiveDate::from_ymd_opt(1974, 8, 12).unwrap()
        );
        // 29 Feb 2000 exists; 29 Feb 1900 does not.
        assert_eq!(
            birth_date(b"000229", t).unwrap(),
            NaiveDate::from_ymd_opt(2000, 2, 29).unwrap()
        );
        assert!(birth_date(b"991301", t).is_err());
    }

    #[test]
    fn field_lookup() {
        assert_eq!(field_at(DocumentFormat::Td1, 1, 6), "birth_date");
        assert_eq!(field_at(DocumentFormat::Td1, 1, 29), "composite");
        assert_eq!(field_at(DocumentFormat::Td3, 1, 42), "optional_data");
        assert_eq!(field_at(DocumentFormat::Td2, 0, 10), "name");
    }

    #[test]
    fn debug_is_redacted() {
        let lines = [
            "I<UTOD231458907<<<<<<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ];
        let d = parse_mrz(&lines, today()).unwrap();
        let dbg = format!("{d:?}");
        assert!(!dbg.contains("ERIKSSON"));
        assert!(!dbg.contains("D23145890"));
        assert!(dbg.contains("Td1"));
    }
}

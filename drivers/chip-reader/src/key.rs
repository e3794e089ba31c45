//! The access key (ICAO 9303-11 §9.7.2 "MRZ_information") taken from the OCR-read MRZ:
//! document number + check digit, date of birth + check digit, date of expiry + check digit.
//!
//! TD1 uses line 1's document number (continued in the optional data when longer than nine
//! characters) and line 2's dates; TD2 and TD3 take all three from line 2. Check digits are
//! verified, so a misread MRZ fails here instead of as a chip authentication error.
//! `Debug` never shows the key; the key material is zeroized on drop.

use std::fmt;

use card_reader::{Document, DocumentFormat, check_digit};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Why an access key could not be formed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessKeyError {
    #[error(
        "MRZ has {lines} line(s) of {len} characters; expected TD1 (3×30), TD2 (2×36) or TD3 (2×44)"
    )]
    Format { lines: usize, len: usize },
    #[error("MRZ {0} check digit does not match")]
    CheckDigit(&'static str),
    #[error("MRZ {0} is malformed")]
    Field(&'static str),
}

/// The secret the chip's BAC and PACE keys are derived from.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct AccessKey {
    /// `number(+filler to 9) | cd | YYMMDD | cd | YYMMDD | cd`.
    mrz_information: String,
}

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessKey(<redacted>)")
    }
}

fn valid_chars(s: &[u8]) -> bool {
    s.iter()
        .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || *c == b'<')
}

fn checked(field: &'static str, value: &[u8], cd: u8) -> Result<(), AccessKeyError> {
    if !valid_chars(value) {
        return Err(AccessKeyError::Field(field));
    }
    let text = std::str::from_utf8(value).map_err(|_| AccessKeyError::Field(field))?;
    let expected = check_digit(text).ok_or(AccessKeyError::Field(field))?;
    if cd != b'0' + expected {
        return Err(AccessKeyError::CheckDigit(field));
    }
    Ok(())
}

/// Document number with the long-number rule: (number as used in the key, its check digit).
fn document_number(num: &[u8], cd: u8, optional: &[u8]) -> Result<(Vec<u8>, u8), AccessKeyError> {
    if cd != b'<' {
        checked("document number", num, cd)?;
        return Ok((num.to_vec(), cd));
    }
    let ext_len = optional
        .iter()
        .position(|&c| c == b'<')
        .unwrap_or(optional.len());
    if ext_len < 2 {
        return Err(AccessKeyError::Field("document number"));
    }
    let (rest, ext_cd) = optional[..ext_len].split_at(ext_len - 1);
    let mut full = num.to_vec();
    full.extend_from_slice(rest);
    checked("document number", &full, ext_cd[0])?;
    Ok((full, ext_cd[0]))
}

impl AccessKey {
    /// From the OCR MRZ lines (TD1, TD2 or TD3), verifying the three check digits used.
    pub fn from_mrz_lines(lines: &[&str]) -> Result<AccessKey, AccessKeyError> {
        let len = lines.first().map_or(0, |l| l.len());
        let format = DocumentFormat::from_line_len(len)
            .filter(|f| f.line_count() == lines.len() && lines.iter().all(|l| l.len() == len))
            .ok_or(AccessKeyError::Format {
                lines: lines.len(),
                len,
            })?;
        let l: Vec<&[u8]> = lines.iter().map(|l| l.as_bytes()).collect();
        let (num, birth, expiry) = match format {
            DocumentFormat::Td1 => (
                document_number(&l[0][5..14], l[0][14], &l[0][15..30])?,
                (&l[1][0..6], l[1][6]),
                (&l[1][8..14], l[1][14]),
            ),
            DocumentFormat::Td2 => (
                document_number(&l[1][0..9], l[1][9], &l[1][28..35])?,
                (&l[1][13..19], l[1][19]),
                (&l[1][21..27], l[1][27]),
            ),
            DocumentFormat::Td3 => (
                document_number(&l[1][0..9], l[1][9], &[])?,
                (&l[1][13..19], l[1][19]),
                (&l[1][21..27], l[1][27]),
            ),
        };
        checked("birth date", birth.0, birth.1)?;
        checked("expiry date", expiry.0, expiry.1)?;
        let mut info = num.0;
        info.push(num.1);
        info.extend_from_slice(birth.0);
        info.push(birth.1);
        info.extend_from_slice(expiry.0);
        info.push(expiry.1);
        let mrz_information = String::from_utf8(info).map_err(|_| AccessKeyError::Field("MRZ"))?;
        Ok(AccessKey { mrz_information })
    }

    /// From the three fields as printed: document number (filler removed or not), and the
    /// dates as `YYMMDD`. Check digits are computed.
    pub fn from_fields(
        document_number: &str,
        birth_yymmdd: &str,
        expiry_yymmdd: &str,
    ) -> Result<AccessKey, AccessKeyError> {
        let mut num = document_number.to_string();
        while num.len() < 9 {
            num.push('<');
        }
        let date_ok = |d: &str| d.len() == 6 && d.bytes().all(|c| c.is_ascii_digit());
        if !valid_chars(num.as_bytes()) || num.trim_end_matches('<').is_empty() {
            return Err(AccessKeyError::Field("document number"));
        }
        if !date_ok(birth_yymmdd) {
            return Err(AccessKeyError::Field("birth date"));
        }
        if !date_ok(expiry_yymmdd) {
            return Err(AccessKeyError::Field("expiry date"));
        }
        let cd = |s: &str| check_digit(s).map(|d| char::from(b'0' + d));
        let mut info = String::new();
        for part in [num.as_str(), birth_yymmdd, expiry_yymmdd] {
            info.push_str(part);
            info.push(cd(part).ok_or(AccessKeyError::Field("MRZ"))?);
        }
        Ok(AccessKey {
            mrz_information: info,
        })
    }

    /// From a document the OCR driver parsed (its check digits already verified).
    pub fn from_document(doc: &Document) -> Result<AccessKey, AccessKeyError> {
        AccessKey::from_fields(
            &doc.document_number,
            &doc.birth_date.format("%y%m%d").to_string(),
            &doc.expiry_date.format("%y%m%d").to_string(),
        )
    }

    /// The key bytes (`MRZ_information`) that BAC hashes and PACE uses as password.
    pub fn mrz_information(&self) -> &[u8] {
        self.mrz_information.as_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icao_td3_specimen_gives_the_published_mrz_information() {
        // ICAO 9303-11 Appendix D.2: L898902C<3 / 690806 1 / 940623 6.
        let k = AccessKey::from_fields("L898902C", "690806", "940623").unwrap();
        assert_eq!(k.mrz_information(), b"L898902C<369080619406236");
        let lines = [
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C<3UTO6908061F9406236ZE184226B<<<<<10",
        ];
        assert_eq!(AccessKey::from_mrz_lines(&lines).unwrap(), k);
        assert_eq!(format!("{k:?}"), "AccessKey(<redacted>)");
    }

    #[test]
    fn td1_takes_line_one_number_and_line_two_dates() {
        let lines = [
            "I<UTOD231458907<<<<<<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ];
        let k = AccessKey::from_mrz_lines(&lines).unwrap();
        assert_eq!(k.mrz_information(), b"D23145890774081221204159");
    }

    #[test]
    fn td1_long_number_continues_in_optional_data() {
        // ICAO 9303-5 style long number: D23145890 + 1234, check digit over all 13.
        let full = "D231458901234";
        let cd = check_digit(full).unwrap();
        let l1 = format!("{:<<30}", format!("I<UTOD23145890<1234{cd}<"));
        let lines = [
            l1.as_str(),
            "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ];
        let k = AccessKey::from_mrz_lines(&lines).unwrap();
        assert_eq!(
            k.mrz_information(),
            format!("{full}{cd}74081221204159").as_bytes()
        );
        let k2 = AccessKey::from_fields(full, "740812", "120415").unwrap();
        assert_eq!(k, k2);
    }

    #[test]
    fn from_an_ocr_document_equals_from_its_lines() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        for lines in [
            card_reader::sim::specimens::aze_id_card(),
            card_reader::sim::specimens::aze_td2_card(),
            card_reader::sim::specimens::foreign_passport(),
            card_reader::sim::specimens::long_document_number(),
        ] {
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            let doc = card_reader::parse_mrz(&refs, today).unwrap();
            assert_eq!(
                AccessKey::from_document(&doc).unwrap(),
                AccessKey::from_mrz_lines(&refs).unwrap()
            );
        }
    }

    #[test]
    fn refuses_bad_check_digits_and_shapes() {
        let lines = [
            "I<UTOD231458908<<<<<<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ];
        assert_eq!(
            AccessKey::from_mrz_lines(&lines),
            Err(AccessKeyError::CheckDigit("document number"))
        );
        assert!(matches!(
            AccessKey::from_mrz_lines(&["abc"]),
            Err(AccessKeyError::Format { .. })
        ));
        assert!(AccessKey::from_fields("", "690806", "940623").is_err());
        assert!(AccessKey::from_fields("L898902C", "6908", "940623").is_err());
    }
}

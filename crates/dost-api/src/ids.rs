//! The shared vocabulary of the kiosk and the centre: languages, FİNs and application numbers,
//! each type owning its rules (names, validation, masking).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A language of the kiosk and of the wire (`az`, `ru`, `en`). Azerbaijani is the default.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::Display,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Lang {
    #[default]
    Az,
    Ru,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Az, Lang::Ru, Lang::En];

    /// ISO 639-1 code, also the name of the bundled UI translation.
    pub fn code(self) -> &'static str {
        self.into()
    }

    /// From an ISO 639-1 code; None for a language the kiosk does not speak.
    pub fn parse(code: &str) -> Option<Lang> {
        code.parse().ok()
    }
}

/// Why a text is not a FİN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a FİN is 7 characters of digits and capital Latin letters except O")]
pub struct FinError;

/// A citizen's personal identification number (FİN): 7 characters, digits and Latin
/// capitals without the letter O. Its `Debug` and `Display` show it masked; the clear value
/// is only reachable through [`Fin::expose`], for storage and the wire.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fin(String);

impl Fin {
    /// Checks the FİN rules.
    pub fn parse(s: &str) -> Result<Fin, FinError> {
        if is_fin(s) {
            Ok(Fin(s.to_owned()))
        } else {
            Err(FinError)
        }
    }

    /// The clear value (storage, the wire, keyed tags). Never for logs or screens.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// As screens and receipts show it: the first three characters, the rest hidden.
    pub fn masked(&self) -> String {
        mask_fin(&self.0)
    }
}

impl fmt::Debug for Fin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fin({})", self.masked())
    }
}

impl fmt::Display for Fin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl FromStr for Fin {
    type Err = FinError;
    fn from_str(s: &str) -> Result<Fin, FinError> {
        Fin::parse(s)
    }
}

/// True when `s` follows the FİN rules.
pub fn is_fin(s: &str) -> bool {
    s.len() == 7
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b.is_ascii_uppercase() && b != b'O'))
}

/// The one masking rule for FİNs and document numbers on screens, receipts, logs and the
/// centre's listings: the first three characters, every other one as `*` (`5ZX****`).
pub fn mask_fin(s: &str) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| if i < 3 { c } else { '*' })
        .collect()
}

/// Why a text is not an application number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an application number is CODE-YYMMDD-NNNN (code 2 to 8 of A-Z and 0-9)")]
pub struct ApplicationIdError;

/// An application number made by a kiosk: `CODE-YYMMDD-NNNN` (kiosk code, Baku date, the
/// kiosk's sequence of that day). Unique across kiosks because each kiosk has its own code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ApplicationId(String);

impl ApplicationId {
    /// The number for sequence `seq` of `day` (`YYMMDD`) at the kiosk with `code`.
    pub fn new(code: &str, day: &str, seq: u32) -> Result<ApplicationId, ApplicationIdError> {
        ApplicationId::parse(&format!("{code}-{day}-{seq:04}"))
    }

    pub fn parse(s: &str) -> Result<ApplicationId, ApplicationIdError> {
        let mut parts = s.split('-');
        let ok = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(code), Some(day), Some(seq), None) => {
                is_kiosk_code(code)
                    && day.len() == 6
                    && day.bytes().all(|b| b.is_ascii_digit())
                    && (4..=6).contains(&seq.len())
                    && seq.bytes().all(|b| b.is_ascii_digit())
            }
            _ => false,
        };
        if ok {
            Ok(ApplicationId(s.to_owned()))
        } else {
            Err(ApplicationIdError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The kiosk code the number starts with.
    pub fn kiosk_code(&self) -> &str {
        self.0.split('-').next().unwrap_or_default()
    }

    /// Orders numbers by date, then sequence, whatever kiosk made them (newest last).
    pub fn chronological_key(&self) -> (&str, u32) {
        let mut parts = self.0.splitn(3, '-').skip(1);
        let day = parts.next().unwrap_or_default();
        let seq = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
        (day, seq)
    }
}

impl fmt::Display for ApplicationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ApplicationId {
    type Error = ApplicationIdError;
    fn try_from(s: String) -> Result<ApplicationId, ApplicationIdError> {
        ApplicationId::parse(&s)
    }
}

impl From<ApplicationId> for String {
    fn from(id: ApplicationId) -> String {
        id.0
    }
}

impl FromStr for ApplicationId {
    type Err = ApplicationIdError;
    fn from_str(s: &str) -> Result<ApplicationId, ApplicationIdError> {
        ApplicationId::parse(s)
    }
}

/// A kiosk's application-number code: 2 to 8 characters of A-Z and 0-9.
pub fn is_kiosk_code(s: &str) -> bool {
    (2..=8).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_by_code() {
        for lang in Lang::ALL {
            assert_eq!(Lang::parse(lang.code()), Some(lang));
            assert_eq!(
                serde_json::to_string(&lang).ok(),
                Some(format!("\"{}\"", lang.code()))
            );
        }
        assert_eq!(Lang::Az.code(), "az");
        assert_eq!(Lang::parse("de"), None);
        assert_eq!(Lang::parse("AZ"), None);
    }

    #[test]
    fn fin_rules_and_mask() {
        assert!(Fin::parse("5ZX7K2P").is_ok());
        for bad in [
            "5ZX7K2", "5ZX7K2PP", "5ZO7K2P", "5zx7k2p", "5ZX 7K2", "ƏZX7K2P",
        ] {
            assert_eq!(Fin::parse(bad), Err(FinError), "{bad}");
        }
        let fin = Fin::parse("5ZX7K2P").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fin.masked(), "5ZX****");
        assert_eq!(format!("{fin:?} {fin}"), "Fin(5ZX****) 5ZX****");
        assert_eq!(fin.expose(), "5ZX7K2P");
        assert_eq!(mask_fin("AB"), "AB");
        assert_eq!(mask_fin("AA1234567"), "AA1******");
    }

    #[test]
    fn application_numbers() {
        let id = ApplicationId::new("YAS01", "261124", 7).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(id.as_str(), "YAS01-261124-0007");
        assert_eq!(id.kiosk_code(), "YAS01");
        let later = ApplicationId::parse("AB-261125-0001").unwrap_or_else(|e| panic!("{e}"));
        assert!(later.chronological_key() > id.chronological_key());
        let json = serde_json::to_string(&id).unwrap_or_default();
        assert_eq!(json, "\"YAS01-261124-0007\"");
        assert!(serde_json::from_str::<ApplicationId>("\"nope\"").is_err());
        for bad in [
            "YAS01-2611-0001",
            "yas01-261124-0001",
            "Y-261124-0001",
            "YAS01-261124",
            "YAS01-261124-0001-2",
            "YAS01-261124-00x1",
        ] {
            assert!(ApplicationId::parse(bad).is_err(), "{bad}");
        }
    }
}

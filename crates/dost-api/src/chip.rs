//! Chip evidence on the wire (ICAO 9303 eMRTD chips): what the kiosk read from a document's
//! chip, sent with `POST /v1/citizens/verify` so that the centre re-runs Passive
//! Authentication with its own trust store, and checks an Active Authentication signature
//! over a challenge it handed out itself (`POST /v1/citizens/verify/challenge`).
//!
//! Binary files travel as hexadecimal text. The `Debug` of every type here shows sizes only:
//! DG1 holds the MRZ, which is personal data.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Path (under [`crate::API_PREFIX`]) of `POST /v1/citizens/verify/challenge`.
pub const CHALLENGE_PATH: &str = "/citizens/verify/challenge";

/// Longest EF.SOD, in hexadecimal characters (32 KiB of file).
pub const MAX_SOD_HEX: usize = 65_536;
/// Longest DG1, in hexadecimal characters.
pub const MAX_DG1_HEX: usize = 512;
/// Longest DG14 or DG15, in hexadecimal characters.
pub const MAX_DG_HEX: usize = 16_384;
/// Longest Active Authentication signature, in hexadecimal characters.
pub const MAX_SIGNATURE_HEX: usize = 2_048;
/// Length of a challenge id (16 random bytes as hexadecimal).
pub const CHALLENGE_ID_HEX: usize = 32;
/// Length of an Active Authentication challenge (8 bytes as hexadecimal).
pub const CHALLENGE_HEX: usize = 16;

/// True when `s` is non-empty hexadecimal of whole bytes, at most `max` characters.
pub fn is_hex(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.len().is_multiple_of(2)
        && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// What the kiosk read from the chip, as evidence for the centre.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChipEvidence {
    /// EF.SOD as read (tag `77`, CMS SignedData over the LDS security object).
    pub ef_sod: String,
    /// DG1 as read (tag `61`, the MRZ).
    pub dg1: String,
    /// DG14 (Chip/Active Authentication infos), when the chip has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dg14: Option<String>,
    /// DG15 (the Active Authentication public key), when the chip has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dg15: Option<String>,
    /// The chip's Active Authentication signature over the centre's challenge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_authentication: Option<AaEvidence>,
}

impl fmt::Debug for ChipEvidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let len = |s: &Option<String>| s.as_ref().map(|s| s.len() / 2);
        f.debug_struct("ChipEvidence")
            .field("ef_sod_bytes", &(self.ef_sod.len() / 2))
            .field("dg1_bytes", &(self.dg1.len() / 2))
            .field("dg14_bytes", &len(&self.dg14))
            .field("dg15_bytes", &len(&self.dg15))
            .field("active_authentication", &self.active_authentication)
            .finish()
    }
}

/// An Active Authentication signature and the challenge it answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AaEvidence {
    /// The id [`ChipChallenge::challenge_id`] the centre gave out.
    pub challenge_id: String,
    /// The chip's signature (ISO/IEC 9796-2 or ECDSA), hexadecimal.
    pub signature: String,
}

/// Answer to `POST /v1/citizens/verify/challenge`: an Active Authentication challenge, for
/// one use, by the kiosk that asked, before `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChipChallenge {
    pub challenge_id: String,
    /// 8 random bytes, hexadecimal: the chip signs them with its Active Authentication key.
    pub challenge: String,
    pub expires_at: DateTime<Utc>,
}

/// One check of the centre's re-verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChipCheck {
    Valid,
    Invalid,
    /// Not checked: no trust store at the centre, or no signature sent.
    NotChecked,
}

/// The centre's re-verification of the chip evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChipVerdict {
    pub passive_authentication: ChipCheck,
    /// Why Passive Authentication failed (`tampered_data_group`, `unknown_csca`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub active_authentication: ChipCheck,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_rule_and_redacted_debug() {
        assert!(is_hex("00aaFF", 6));
        assert!(!is_hex("", 6));
        assert!(!is_hex("abc", 6), "odd length");
        assert!(!is_hex("0g", 6));
        assert!(!is_hex("00aaFF00", 6), "too long");
        let e = ChipEvidence {
            ef_sod: "77020000".into(),
            dg1: "615B5F1F58494441".into(),
            dg14: None,
            dg15: Some("6F00".into()),
            active_authentication: None,
        };
        let d = format!("{e:?}");
        assert!(!d.contains("5F1F") && d.contains("dg1_bytes: 8"), "{d}");
        let json = serde_json::to_value(&e).unwrap_or_default();
        assert!(json.get("dg14").is_none(), "absent files are left out");
    }
}

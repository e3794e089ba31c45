//! The centre's own check of a kiosk's chip evidence (`POST /v1/citizens/verify` with `chip`):
//! Passive Authentication of EF.SOD and the data groups with the centre's trust store, DG1
//! against the document and FİN of the request, and the Active Authentication signature over
//! a challenge this centre handed out (`POST /v1/citizens/verify/challenge`: one use, by the
//! kiosk that asked, within [`CHALLENGE_TTL`]).
//!
//! Pure checks over bytes plus a bounded in-memory book of open challenges; nothing of the
//! chip's contents is logged.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chip_reader::auth::verify_aa;
use chip_reader::lds::{self, SecurityInfo};
use chip_reader::pa::{PaOutcome, passive_authentication};
use chip_reader::trust::TrustStore;
use chrono::{DateTime, Utc};
use dost_api::{
    ChipCheck, ChipEvidence, ChipVerdict, MAX_DG_HEX, MAX_DG1_HEX, MAX_SIGNATURE_HEX, MAX_SOD_HEX,
    is_hex, verify_reason,
};

use crate::auth::Caller;

/// How long a challenge may be answered.
pub const CHALLENGE_TTL: Duration = Duration::from_secs(120);
/// Most challenges open at once (older expired ones are dropped first).
pub const MAX_OPEN_CHALLENGES: usize = 4096;

/// Chip evidence that breaks the contract's formats (answered 422).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct EvidenceError {
    pub field: &'static str,
    pub reason: String,
}

/// The evidence's files as bytes.
pub struct Files {
    pub sod: Vec<u8>,
    pub dg1: Vec<u8>,
    pub dg14: Option<Vec<u8>>,
    pub dg15: Option<Vec<u8>>,
    /// (challenge id, signature).
    pub aa: Option<(String, Vec<u8>)>,
}

fn hex_field(field: &'static str, s: &str, max: usize) -> Result<Vec<u8>, EvidenceError> {
    if !is_hex(s, max) {
        return Err(EvidenceError {
            field,
            reason: format!("hexadecimal bytes, at most {max} characters"),
        });
    }
    hex::decode(s).map_err(|e| EvidenceError {
        field,
        reason: e.to_string(),
    })
}

/// Checks the formats the contract gives and decodes the files.
pub fn decode(e: &ChipEvidence) -> Result<Files, EvidenceError> {
    let opt = |field, s: &Option<String>| {
        s.as_deref()
            .map(|s| hex_field(field, s, MAX_DG_HEX))
            .transpose()
    };
    let aa = match &e.active_authentication {
        None => None,
        Some(aa) => {
            if aa.challenge_id.len() != dost_api::CHALLENGE_ID_HEX
                || !is_hex(&aa.challenge_id, dost_api::CHALLENGE_ID_HEX)
            {
                return Err(EvidenceError {
                    field: "chip.active_authentication.challenge_id",
                    reason: format!("{} hexadecimal characters", dost_api::CHALLENGE_ID_HEX),
                });
            }
            let sig = hex_field(
                "chip.active_authentication.signature",
                &aa.signature,
                MAX_SIGNATURE_HEX,
            )?;
            Some((aa.challenge_id.to_ascii_lowercase(), sig))
        }
    };
    Ok(Files {
        sod: hex_field("chip.ef_sod", &e.ef_sod, MAX_SOD_HEX)?,
        dg1: hex_field("chip.dg1", &e.dg1, MAX_DG1_HEX)?,
        dg14: opt("chip.dg14", &e.dg14)?,
        dg15: opt("chip.dg15", &e.dg15)?,
        aa,
    })
}

struct Open {
    challenge: [u8; 8],
    caller: Caller,
    expires: Instant,
}

/// The Active Authentication challenges handed out and not yet used.
#[derive(Default)]
pub struct ChallengeBook {
    open: Mutex<HashMap<String, Open>>,
}

/// A challenge given out: its id, the 8 bytes, when it expires.
pub struct Issued {
    pub id: String,
    pub challenge: [u8; 8],
    pub expires_at: DateTime<Utc>,
}

impl ChallengeBook {
    /// A new challenge for `caller`; `None` when too many are open.
    pub fn issue(&self, caller: &Caller) -> Option<Issued> {
        let now = Instant::now();
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.len() >= MAX_OPEN_CHALLENGES {
            open.retain(|_, o| o.expires > now);
            if open.len() >= MAX_OPEN_CHALLENGES {
                return None;
            }
        }
        let id = hex::encode(rand::random::<[u8; 16]>());
        let challenge = rand::random::<[u8; 8]>();
        open.insert(
            id.clone(),
            Open {
                challenge,
                caller: caller.clone(),
                expires: now + CHALLENGE_TTL,
            },
        );
        let ttl = chrono::Duration::from_std(CHALLENGE_TTL).unwrap_or_default();
        Some(Issued {
            id,
            challenge,
            expires_at: Utc::now() + ttl,
        })
    }

    /// Takes the challenge `id` out of the book (one use): its bytes when it is open, not
    /// expired and was given to `caller`.
    pub fn take(&self, id: &str, caller: &Caller) -> Option<[u8; 8]> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let o = open.remove(id)?;
        (o.expires > Instant::now() && &o.caller == caller).then_some(o.challenge)
    }
}

/// The verdict on the evidence, and the `reason` of a refusal (none when it holds).
pub struct Checked {
    pub verdict: ChipVerdict,
    pub refusal: Option<&'static str>,
}

/// Re-verifies `files` for a request about `fin` and `document_number`. `challenge` is the
/// open challenge the signature answers (`None` when none was sent, or it was not open).
pub fn check(
    files: &Files,
    trust: Option<&TrustStore>,
    challenge: Option<[u8; 8]>,
    fin: &str,
    document_number: &str,
    now: DateTime<Utc>,
) -> Checked {
    let refuse = |verdict, reason| Checked {
        verdict,
        refusal: Some(reason),
    };
    let Some(trust) = trust else {
        return Checked {
            verdict: ChipVerdict {
                passive_authentication: ChipCheck::NotChecked,
                reason: None,
                active_authentication: ChipCheck::NotChecked,
            },
            refusal: None,
        };
    };
    let mut dgs = vec![(1u8, files.dg1.clone())];
    dgs.extend(files.dg14.iter().map(|d| (14u8, d.clone())));
    dgs.extend(files.dg15.iter().map(|d| (15u8, d.clone())));
    let mut verdict = ChipVerdict {
        passive_authentication: ChipCheck::Valid,
        reason: None,
        active_authentication: ChipCheck::NotChecked,
    };
    if let PaOutcome::Invalid(f) = passive_authentication(&files.sod, &dgs, trust, now) {
        verdict.passive_authentication = ChipCheck::Invalid;
        verdict.reason = Some(f.code().to_owned());
        return refuse(verdict, verify_reason::CHIP_INVALID);
    }
    if !dg1_names(&files.dg1, fin, document_number, now) {
        return refuse(verdict, verify_reason::CHIP_MISMATCH);
    }
    let Some((_, signature)) = &files.aa else {
        return Checked {
            verdict,
            refusal: None,
        };
    };
    let Some(challenge) = challenge else {
        return refuse(verdict, verify_reason::CHALLENGE_UNKNOWN);
    };
    verdict.active_authentication = if aa_verifies(files, &challenge, signature) {
        ChipCheck::Valid
    } else {
        ChipCheck::Invalid
    };
    match verdict.active_authentication {
        ChipCheck::Valid => Checked {
            verdict,
            refusal: None,
        },
        _ => refuse(verdict, verify_reason::CHIP_CLONE),
    }
}

/// DG1's MRZ names this document number and, when it carries a FİN, this FİN.
fn dg1_names(dg1: &[u8], fin: &str, document_number: &str, now: DateTime<Utc>) -> bool {
    let Ok(lines) = lds::parse_dg1(dg1) else {
        return false;
    };
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    match card_reader::parse_mrz(&lines, now.date_naive()) {
        Ok(doc) => {
            doc.document_number == document_number && doc.fin.as_deref().is_none_or(|f| f == fin)
        }
        Err(_) => false,
    }
}

/// The signature verifies over `challenge` with the (signed) DG15 key.
fn aa_verifies(files: &Files, challenge: &[u8; 8], signature: &[u8]) -> bool {
    let Some(key) = files.dg15.as_deref().and_then(|d| lds::parse_dg15(d).ok()) else {
        return false;
    };
    let infos = files
        .dg14
        .as_deref()
        .and_then(|d| lds::parse_dg14(d).ok())
        .unwrap_or_default();
    let alg = infos.iter().find_map(|i| match i {
        SecurityInfo::ActiveAuth {
            signature_algorithm,
        } => Some(*signature_algorithm),
        _ => None,
    });
    verify_aa(&key, alg.as_ref(), challenge, signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_single_use_and_per_kiosk() {
        let book = ChallengeBook::default();
        let k1 = Caller::Kiosk("K1".into());
        let k2 = Caller::Kiosk("K2".into());
        let a = book.issue(&k1).unwrap_or_else(|| panic!("issued"));
        let b = book.issue(&k1).unwrap_or_else(|| panic!("issued"));
        assert_ne!(a.id, b.id);
        assert_eq!(a.id.len(), dost_api::CHALLENGE_ID_HEX);
        assert_eq!(book.take(&a.id, &k1), Some(a.challenge));
        assert_eq!(book.take(&a.id, &k1), None, "used once");
        assert_eq!(book.take(&b.id, &k2), None, "another kiosk's");
        assert_eq!(book.take(&b.id, &k1), None, "a wrong taker burns it");
    }

    #[test]
    fn formats_are_checked() {
        let ok = ChipEvidence {
            ef_sod: "7700".into(),
            dg1: "6100".into(),
            dg14: None,
            dg15: Some("6F00".into()),
            active_authentication: Some(dost_api::AaEvidence {
                challenge_id: "00".repeat(16),
                signature: "AB".into(),
            }),
        };
        assert!(decode(&ok).is_ok());
        let mut bad = ok.clone();
        bad.dg1 = "61 00".into();
        assert_eq!(decode(&bad).err().map(|e| e.field), Some("chip.dg1"));
        let mut bad = ok.clone();
        bad.ef_sod = "0".repeat(MAX_SOD_HEX + 2);
        assert_eq!(decode(&bad).err().map(|e| e.field), Some("chip.ef_sod"));
        let mut bad = ok;
        if let Some(aa) = bad.active_authentication.as_mut() {
            aa.challenge_id = "00".into();
        }
        assert!(decode(&bad).is_err());
    }
}

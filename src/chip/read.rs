//! One whole chip read over a transport, and what it means for the core: the driver's report
//! (or error) becomes a [`ChipOutcome`], and the files become evidence for the centre. Pure
//! mapping apart from the read itself; shared by the kiosk's chip worker and `chip read`.

use chip_reader::pa::{PaFailure, PaOutcome};
use chip_reader::reader::{
    AccessPreference, Check, ChipError, ChipReader, ChipReport, CloneDetection, ReaderOptions,
    VerifyOptions,
};
use chip_reader::transport::{Transport, TransportError};
use chip_reader::{AccessKey, TrustStore, compare_mrz};
use chrono::{DateTime, Utc};
use dost_api::{AaEvidence, ChipEvidence};
use kiosk_core::chip::{ChipInvalid, ChipOutcome, ChipReadFailure, CloneCheck};

/// How chips are read.
#[derive(Debug, Clone, Copy)]
pub struct ReadSettings {
    pub access: AccessPreference,
    /// Largest READ BINARY answer asked for.
    pub max_read_chunk: usize,
}

/// An Active Authentication challenge handed out by the centre.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CentreChallenge {
    pub id: String,
    pub challenge: [u8; 8],
}

/// A read's result: the outcome for the core, and what the driver established.
pub struct ReadResult {
    pub outcome: ChipOutcome,
    pub report: Option<ChipReport>,
    pub error: Option<ChipError>,
}

impl ReadResult {
    /// The files of a read whose chip could be read, as evidence for the centre; the Active
    /// Authentication signature only when it answers the centre's `challenge`.
    pub fn evidence(&self, challenge: Option<&CentreChallenge>) -> Option<ChipEvidence> {
        let r = self.report.as_ref()?;
        let aa = match (&r.clone_detection, challenge) {
            (
                CloneDetection::ActiveAuthentication {
                    challenge: sent,
                    signature,
                    ..
                },
                Some(c),
            ) if sent.as_slice() == c.challenge.as_slice() => Some(AaEvidence {
                challenge_id: c.id.clone(),
                signature: hex::encode_upper(signature),
            }),
            _ => None,
        };
        Some(ChipEvidence {
            ef_sod: hex::encode_upper(&r.ef_sod),
            dg1: hex::encode_upper(&r.dg1),
            dg14: r.dg14.as_ref().map(hex::encode_upper),
            dg15: r.dg15.as_ref().map(hex::encode_upper),
            active_authentication: aa,
        })
    }

    /// How the chip was opened, for the technician (`PACE-GM P-256 AES-128`, `BAC`).
    pub fn access(&self) -> String {
        self.report
            .as_ref()
            .map(|r| r.access.describe())
            .unwrap_or_default()
    }
}

/// Reads and verifies the chip on `transport` for the document whose OCR MRZ is `ocr`.
pub fn read_document<T: Transport>(
    transport: T,
    ocr: &[String],
    trust: &TrustStore,
    settings: ReadSettings,
    challenge: Option<&CentreChallenge>,
    now: DateTime<Utc>,
) -> ReadResult {
    let lines: Vec<&str> = ocr.iter().map(String::as_str).collect();
    let key = match AccessKey::from_mrz_lines(&lines) {
        Ok(k) => k,
        // The OCR read passed every check digit; a key that cannot be made is the kiosk's
        // problem, not the card's.
        Err(e) => {
            tracing::warn!(error = %e, "no chip access key from the MRZ");
            return ReadResult {
                outcome: ChipOutcome::ReadFailed(ChipReadFailure::Protocol),
                report: None,
                error: None,
            };
        }
    };
    let opts = VerifyOptions {
        aa_challenge: challenge.map(|c| c.challenge),
        now,
        read_dg14: true,
        read_dg15: true,
        max_read_chunk: settings.max_read_chunk,
    };
    let mut reader = ChipReader::new(
        transport,
        ReaderOptions {
            access: settings.access,
        },
    );
    match reader.read_and_verify(&key, trust, &opts) {
        Ok(report) => ReadResult {
            outcome: of_report(&report, ocr),
            report: Some(report),
            error: None,
        },
        Err(e) => ReadResult {
            outcome: of_error(&e),
            report: None,
            error: Some(e),
        },
    }
}

/// What a complete read means: Passive Authentication first, then DG1 against the printed
/// MRZ, then clone detection.
pub fn of_report(report: &ChipReport, ocr: &[String]) -> ChipOutcome {
    if let PaOutcome::Invalid(f) = &report.passive_authentication {
        return ChipOutcome::Invalid(of_pa_failure(f));
    }
    if !compare_mrz(&report.mrz, ocr).is_equal() {
        return ChipOutcome::Invalid(ChipInvalid::MrzMismatch);
    }
    match &report.clone_detection {
        CloneDetection::ChipAuthentication { check, .. } => {
            of_check(check, CloneCheck::ChipAuthentication)
        }
        CloneDetection::ActiveAuthentication { check, .. } => {
            of_check(check, CloneCheck::ActiveAuthentication)
        }
        CloneDetection::PassiveOnly => ChipOutcome::PassiveOnly,
    }
}

fn of_check(check: &Check, how: CloneCheck) -> ChipOutcome {
    match check {
        Check::Passed => ChipOutcome::Genuine(how),
        Check::Failed(_) => ChipOutcome::Invalid(ChipInvalid::Clone),
        // A variant the kiosk does not speak proves nothing either way.
        Check::Unsupported(_) => ChipOutcome::PassiveOnly,
    }
}

/// The core's reason for a Passive Authentication refusal.
pub fn of_pa_failure(f: &PaFailure) -> ChipInvalid {
    match f {
        PaFailure::MalformedSod(_) | PaFailure::WrongContentType | PaFailure::NoDocumentSigner => {
            ChipInvalid::Malformed
        }
        PaFailure::UnsupportedAlgorithm(_) => ChipInvalid::UnsupportedAlgorithm,
        PaFailure::ContentDigestMismatch | PaFailure::BadSignature => ChipInvalid::BadSignature,
        PaFailure::UnknownCsca => ChipInvalid::UnknownIssuer,
        PaFailure::DsExpired | PaFailure::DsNotYetValid | PaFailure::CscaNotValid => {
            ChipInvalid::SignerNotValid
        }
        PaFailure::Revoked | PaFailure::CrlInvalid => ChipInvalid::Revoked,
        PaFailure::TamperedDataGroup(_) | PaFailure::DataGroupNotInSod(_) => {
            ChipInvalid::TamperedData
        }
    }
}

/// What a read that stopped means.
pub fn of_error(e: &ChipError) -> ChipOutcome {
    use chip_reader::apdu::sw;
    match e {
        ChipError::Transport(TransportError::CardRemoved | TransportError::NoCard) => {
            ChipOutcome::ReadFailed(ChipReadFailure::CardRemoved)
        }
        ChipError::Transport(_) | ChipError::Random => {
            ChipOutcome::ReadFailed(ChipReadFailure::ReaderUnavailable)
        }
        // The chip does not open with the printed MRZ's keys: not this document's chip.
        ChipError::Bac(_) | ChipError::Pace(_) => ChipOutcome::Invalid(ChipInvalid::AccessRefused),
        ChipError::Status {
            step: "EXTERNAL AUTHENTICATE" | "PACE mutual authentication",
            ..
        } => ChipOutcome::Invalid(ChipInvalid::AccessRefused),
        // No eMRTD application: a chip, but not an ICAO document's.
        ChipError::Status {
            step: "SELECT eMRTD application",
            sw: sw::FILE_NOT_FOUND,
        } => ChipOutcome::NoChip,
        ChipError::File(_) | ChipError::FileShape { .. } | ChipError::FileTooLarge(_) => {
            ChipOutcome::Invalid(ChipInvalid::Malformed)
        }
        ChipError::Status { .. } | ChipError::SecureMessaging(_) | ChipError::Apdu(_) => {
            ChipOutcome::ReadFailed(ChipReadFailure::Protocol)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chip_reader::sim::demo::{demo_card, demo_csca};
    use chip_reader::sim::{AaKey, Forgery, Personalisation, SimCard};

    fn specimen() -> Vec<String> {
        card_reader::sim::specimens::aze_id_card()
    }

    fn trust() -> TrustStore {
        let mut t = TrustStore::new();
        t.add_csca(demo_csca().unwrap_or_else(|e| panic!("{e}")));
        t
    }

    fn settings() -> ReadSettings {
        ReadSettings {
            access: AccessPreference::Auto,
            max_read_chunk: 223,
        }
    }

    fn read(p: Personalisation, challenge: Option<&CentreChallenge>) -> ReadResult {
        let card = SimCard::new(p.build().unwrap_or_else(|e| panic!("{e}")));
        read_document(
            card,
            &specimen(),
            &trust(),
            settings(),
            challenge,
            Utc::now(),
        )
    }

    fn lines(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }

    fn demo(forgery: Forgery) -> Personalisation {
        demo_card(&lines(&specimen()), false)
            .unwrap_or_else(|e| panic!("{e}"))
            .forgery(forgery)
    }

    #[test]
    fn outcomes_of_genuine_forged_and_pulled_chips() {
        let cases: Vec<(&str, Personalisation, ChipOutcome)> = vec![
            (
                "genuine",
                demo(Forgery::default()),
                ChipOutcome::Genuine(CloneCheck::ChipAuthentication),
            ),
            (
                "photocopy (cloned files, not the key)",
                demo_card(&lines(&specimen()), true).unwrap_or_else(|e| panic!("{e}")),
                ChipOutcome::Invalid(ChipInvalid::Clone),
            ),
            (
                "tampered DG1",
                demo(Forgery {
                    tamper_dg1_after_signing: true,
                    ..Forgery::default()
                }),
                ChipOutcome::Invalid(ChipInvalid::TamperedData),
            ),
            (
                "broken signature",
                demo(Forgery {
                    corrupt_signature: true,
                    ..Forgery::default()
                }),
                ChipOutcome::Invalid(ChipInvalid::BadSignature),
            ),
            (
                "pulled after 9 APDUs",
                demo(Forgery {
                    remove_after_apdus: Some(9),
                    ..Forgery::default()
                }),
                ChipOutcome::ReadFailed(ChipReadFailure::CardRemoved),
            ),
        ];
        for (name, p, want) in cases {
            let r = read(p, None);
            assert_eq!(r.outcome, want, "{name}");
            assert_eq!(r.report.is_some(), r.error.is_none(), "{name}");
        }
    }

    #[test]
    fn a_chip_of_another_document_and_a_dg1_that_differs() {
        // The chip of another person's card: its keys do not open with the printed MRZ.
        let other = card_reader::sim::specimens::aze_td2_card();
        let p = demo_card(&lines(&other), false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            read(p, None).outcome,
            ChipOutcome::Invalid(ChipInvalid::AccessRefused)
        );
        // A chip whose signed DG1 names someone else than the printed MRZ.
        let mut chip_mrz = specimen();
        chip_mrz[2] = "HASANOV<<VUGAR<<<<<<<<<<<<<<<<".into();
        let r = read(
            demo(Forgery {
                chip_mrz: Some(chip_mrz),
                ..Forgery::default()
            }),
            None,
        );
        assert_eq!(r.outcome, ChipOutcome::Invalid(ChipInvalid::MrzMismatch));
    }

    #[test]
    fn a_stranger_root_and_active_authentication_evidence() {
        let unknown = read_document(
            SimCard::new(
                demo(Forgery::default())
                    .build()
                    .unwrap_or_else(|e| panic!("{e}")),
            ),
            &specimen(),
            &TrustStore::new(),
            settings(),
            None,
            Utc::now(),
        );
        assert_eq!(
            unknown.outcome,
            ChipOutcome::Invalid(ChipInvalid::UnknownIssuer)
        );

        // BAC and Active Authentication (ECDSA) over the centre's challenge.
        let aa = AaKey::Ec {
            curve: chip_reader::ec::Curve::P256,
            secret: chip_reader::ec::Curve::P256
                .random_scalar()
                .unwrap_or_else(|e| panic!("{e}")),
        };
        let signer = chip_reader::sim::demo::demo_signer().unwrap_or_else(|e| panic!("{e}"));
        let p = Personalisation::new(&lines(&specimen()), signer).active_authentication(aa);
        let c = CentreChallenge {
            id: "ab".repeat(16),
            challenge: *b"centre!!",
        };
        let r = read(p, Some(&c));
        assert_eq!(
            r.outcome,
            ChipOutcome::Genuine(CloneCheck::ActiveAuthentication)
        );
        assert_eq!(r.access(), "BAC");
        let ev = r.evidence(Some(&c)).unwrap_or_else(|| panic!("evidence"));
        assert!(ev.dg15.is_some() && ev.dg14.is_some());
        assert_eq!(
            ev.active_authentication.map(|a| a.challenge_id),
            Some(c.id.clone())
        );
        // A signature over another challenge is not offered as the centre's.
        let other = CentreChallenge {
            challenge: *b"another!",
            ..c
        };
        assert!(
            r.evidence(Some(&other))
                .is_some_and(|e| e.active_authentication.is_none())
        );
    }
}

//! Chip authentication policy (ICAO Doc 9303 eMRTD chips): which documents must show a genuine
//! chip, and what the outcome of a chip read means for the card in the slot.
//!
//! Pure: the runtime reads the chip (PC/SC or the demo's simulator) after the OCR MRZ was
//! accepted and reports a [`ChipOutcome`]; [`decide`] turns it into accept or refuse with a
//! typed [`ChipRefusal`]. Nothing here carries personal data: outcomes, refusals and the
//! technician's read summaries are codes, never MRZ or chip contents.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::card::DocKind;

/// A document type as the chip policy sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum ChipDocument {
    /// ID cards (TD1/TD2), Azerbaijani or foreign.
    IdCard,
    /// Passports (TD3).
    Passport,
}

impl ChipDocument {
    /// The chip policy's document type of a read document (`None`: no chip rule applies).
    pub fn of(kind: DocKind) -> Option<ChipDocument> {
        match kind {
            DocKind::AzeIdCard | DocKind::ForeignIdCard => Some(ChipDocument::IdCard),
            DocKind::Passport => Some(ChipDocument::Passport),
            DocKind::Other => None,
        }
    }

    /// Name in audit entries and logs (`id_card`, `passport`).
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// Whether a document type must show its chip (`chip.id_card`, `chip.passport`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChipRequirement {
    /// The chip is not read: the OCR MRZ alone opens a session.
    #[default]
    Off,
    /// A chip that answers must be genuine; a document without a chip is taken on its MRZ.
    WhenPresent,
    /// Only a document with a genuine chip opens a session.
    Required,
}

/// What a genuine chip that offers neither Chip nor Active Authentication means
/// (`chip.passive_only`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PassiveOnly {
    /// Accept it: its data is the issuer's, but a copy of the chip cannot be told apart.
    #[default]
    Accept,
    Refuse,
}

/// What a chip that answered but could not be read to the end means when the chip is only
/// checked when present (`chip.on_read_failure`). A required chip that cannot be read is
/// always refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnReadFailure {
    /// Refuse the card (the citizen asks the staff, or tries again).
    #[default]
    Refuse,
    /// Take the card on its MRZ alone, as if it had no chip.
    AcceptMrz,
}

/// The chip part of the session policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChipPolicy {
    pub id_card: ChipRequirement,
    pub passport: ChipRequirement,
    pub passive_only: PassiveOnly,
    pub on_read_failure: OnReadFailure,
    /// A chip read that takes longer than this counts as failed ([`ChipReadFailure::Timeout`]).
    pub read_timeout_ms: u64,
}

impl Default for ChipPolicy {
    /// Chip authentication off for every document.
    fn default() -> Self {
        ChipPolicy {
            id_card: ChipRequirement::Off,
            passport: ChipRequirement::Off,
            passive_only: PassiveOnly::Accept,
            on_read_failure: OnReadFailure::Refuse,
            read_timeout_ms: 20_000,
        }
    }
}

impl ChipPolicy {
    /// The rule for a document type.
    pub fn requirement(&self, doc: ChipDocument) -> ChipRequirement {
        match doc {
            ChipDocument::IdCard => self.id_card,
            ChipDocument::Passport => self.passport,
        }
    }

    /// The document type whose chip must be read for a document of `kind`, if any.
    pub fn reads(&self, kind: DocKind) -> Option<ChipDocument> {
        ChipDocument::of(kind).filter(|d| self.requirement(*d) != ChipRequirement::Off)
    }

    /// Whether any document type is checked.
    pub fn enabled(&self) -> bool {
        self.id_card != ChipRequirement::Off || self.passport != ChipRequirement::Off
    }
}

/// How a chip proved that it is not a copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloneCheck {
    ChipAuthentication,
    ActiveAuthentication,
}

/// Why a chip is not a genuine chip of the document in the slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum ChipInvalid {
    /// The chip does not open with the keys of the printed MRZ (BAC or PACE refused).
    AccessRefused,
    /// A data group differs from its hash in the signed security object.
    TamperedData,
    /// The Document Signer's signature over the security object does not verify.
    BadSignature,
    /// The Document Signer does not chain to a CSCA of the trust store.
    UnknownIssuer,
    /// The Document Signer is expired, not yet valid, or outside its CSCA's validity.
    SignerNotValid,
    /// The Document Signer is revoked (or its CSCA's revocation list does not verify).
    Revoked,
    /// EF.SOD or a data group is malformed.
    Malformed,
    /// EF.SOD uses an algorithm the kiosk does not support.
    UnsupportedAlgorithm,
    /// Chip or Active Authentication failed: the chip does not hold the private key its
    /// signed data publishes (a clone).
    Clone,
    /// DG1 on the chip differs from the printed MRZ.
    MrzMismatch,
}

/// Why a chip could not be read to the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum ChipReadFailure {
    /// The card left the reader during the read.
    CardRemoved,
    /// The PC/SC service or the chip reader is missing or broken.
    ReaderUnavailable,
    /// The chip answered something the kiosk could not use.
    Protocol,
    /// The read took longer than the policy allows.
    Timeout,
}

/// What a chip read established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChipOutcome {
    /// Passive Authentication valid, DG1 equals the printed MRZ, and the chip proved it is
    /// not a copy.
    Genuine(CloneCheck),
    /// Passive Authentication valid and DG1 equals the printed MRZ, but the chip offers no
    /// clone detection (or only a variant the kiosk does not speak).
    PassiveOnly,
    Invalid(ChipInvalid),
    /// No chip answered in the reader, or it has no eMRTD application.
    NoChip,
    ReadFailed(ChipReadFailure),
}

impl ChipOutcome {
    /// Code for the technician's screen and logs (`genuine_ca`, `invalid_clone`, ...).
    pub fn code(&self) -> String {
        match self {
            ChipOutcome::Genuine(CloneCheck::ChipAuthentication) => "genuine_ca".into(),
            ChipOutcome::Genuine(CloneCheck::ActiveAuthentication) => "genuine_aa".into(),
            ChipOutcome::PassiveOnly => "passive_only".into(),
            ChipOutcome::Invalid(r) => format!("invalid_{}", <&str>::from(r)),
            ChipOutcome::NoChip => "no_chip".into(),
            ChipOutcome::ReadFailed(f) => format!("read_failed_{}", <&str>::from(f)),
        }
    }
}

/// Why a card was refused after its chip was read (or not found).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChipRefusal {
    /// The chip is not genuine, not this card's, or altered.
    Invalid(ChipInvalid),
    /// The chip offers no clone detection and the policy refuses such chips.
    PassiveOnly,
    /// The policy requires a chip and none answered.
    NoChip,
    /// The chip could not be read to the end.
    ReadFailed(ChipReadFailure),
}

impl ChipRefusal {
    /// Code for the audit log (`invalid:clone`, `no_chip`, `read_failed:card_removed`).
    pub fn code(&self) -> String {
        match self {
            ChipRefusal::Invalid(r) => format!("invalid:{}", <&str>::from(r)),
            ChipRefusal::PassiveOnly => "passive_only".into(),
            ChipRefusal::NoChip => "no_chip".into(),
            ChipRefusal::ReadFailed(f) => format!("read_failed:{}", <&str>::from(f)),
        }
    }

    /// The citizen may simply try again (the card moved, the reader hiccupped); otherwise
    /// only the staff can help.
    pub fn may_retry(&self) -> bool {
        matches!(
            self,
            ChipRefusal::ReadFailed(ChipReadFailure::CardRemoved | ChipReadFailure::Protocol)
        )
    }
}

/// What the card gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChipDecision {
    Accept,
    Refuse(ChipRefusal),
}

/// The policy's verdict on a chip read of a document of type `doc`.
pub fn decide(policy: &ChipPolicy, doc: ChipDocument, outcome: ChipOutcome) -> ChipDecision {
    use ChipDecision::{Accept, Refuse};
    use ChipRequirement::{Off, Required, WhenPresent};
    let rule = policy.requirement(doc);
    match (rule, outcome) {
        (Off, _) | (_, ChipOutcome::Genuine(_)) => Accept,
        (_, ChipOutcome::PassiveOnly) => match policy.passive_only {
            PassiveOnly::Accept => Accept,
            PassiveOnly::Refuse => Refuse(ChipRefusal::PassiveOnly),
        },
        (_, ChipOutcome::Invalid(why)) => Refuse(ChipRefusal::Invalid(why)),
        (WhenPresent, ChipOutcome::NoChip) => Accept,
        (Required, ChipOutcome::NoChip) => Refuse(ChipRefusal::NoChip),
        (WhenPresent, ChipOutcome::ReadFailed(f)) => match policy.on_read_failure {
            OnReadFailure::AcceptMrz => Accept,
            OnReadFailure::Refuse => Refuse(ChipRefusal::ReadFailed(f)),
        },
        (Required, ChipOutcome::ReadFailed(f)) => Refuse(ChipRefusal::ReadFailed(f)),
    }
}

/// The chip screens' data: the read's progress, or why the card was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChipView {
    /// 0 to 100 while the chip is read.
    pub percent: u8,
    pub refusal: Option<ChipRefusal>,
}

/// The chip reader as the technician sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChipReaderState {
    /// The demo's in-process card simulator.
    Simulated,
    /// A PC/SC reader, by name.
    Ready { reader: String },
    /// The PC/SC service or the reader is missing: why, technical.
    Unavailable { error: String },
}

/// A chip read or test as the technician's screen shows it (no personal data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChipTest {
    /// A citizen's read: its outcome, how the chip was opened (`PACE-GM P-256 AES-128`,
    /// `BAC`; empty when it was not), and how long it took.
    Read {
        outcome: ChipOutcome,
        access: String,
        ms: u32,
    },
    /// The technician's live test: a card answered on `reader` over `interface`
    /// (`contactless`, `contact`); whether it has the eMRTD application; what EF.CardAccess
    /// offers (`PACE-GM P-256 AES-128`, empty for BAC only).
    Probe {
        reader: String,
        interface: String,
        emrtd: bool,
        pace: String,
        ms: u32,
    },
    /// The live test found no card, or failed: why, technical.
    ProbeFailed { error: String },
}

/// When the chip test was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChipLastTest {
    pub test: ChipTest,
    pub at: DateTime<Utc>,
}

/// The chip reader on the device board (`None` fields: chip authentication is off, or the
/// reader has not reported yet).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChipBoard {
    pub reader: Option<ChipReaderState>,
    pub last: Option<ChipLastTest>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(rule: ChipRequirement) -> ChipPolicy {
        ChipPolicy {
            id_card: rule,
            passport: ChipRequirement::Off,
            ..ChipPolicy::default()
        }
    }

    #[test]
    fn every_rule_and_outcome() {
        use ChipDecision::{Accept, Refuse};
        use ChipRequirement::{Off, Required, WhenPresent};
        let clone = ChipOutcome::Invalid(ChipInvalid::Clone);
        let removed = ChipOutcome::ReadFailed(ChipReadFailure::CardRemoved);
        let genuine = ChipOutcome::Genuine(CloneCheck::ChipAuthentication);
        let table = [
            (Off, clone, Accept),
            (Off, ChipOutcome::NoChip, Accept),
            (WhenPresent, genuine, Accept),
            (WhenPresent, ChipOutcome::PassiveOnly, Accept),
            (
                WhenPresent,
                clone,
                Refuse(ChipRefusal::Invalid(ChipInvalid::Clone)),
            ),
            (WhenPresent, ChipOutcome::NoChip, Accept),
            (
                WhenPresent,
                removed,
                Refuse(ChipRefusal::ReadFailed(ChipReadFailure::CardRemoved)),
            ),
            (Required, genuine, Accept),
            (Required, ChipOutcome::PassiveOnly, Accept),
            (
                Required,
                ChipOutcome::Invalid(ChipInvalid::MrzMismatch),
                Refuse(ChipRefusal::Invalid(ChipInvalid::MrzMismatch)),
            ),
            (Required, ChipOutcome::NoChip, Refuse(ChipRefusal::NoChip)),
            (
                Required,
                removed,
                Refuse(ChipRefusal::ReadFailed(ChipReadFailure::CardRemoved)),
            ),
        ];
        for (rule, outcome, want) in table {
            assert_eq!(
                decide(&policy(rule), ChipDocument::IdCard, outcome),
                want,
                "{rule:?} {outcome:?}"
            );
            // The passport rule is off: the same outcome on a passport is accepted.
            assert_eq!(
                decide(&policy(rule), ChipDocument::Passport, outcome),
                Accept
            );
        }
    }

    #[test]
    fn passive_only_and_read_failure_options() {
        let strict = ChipPolicy {
            passive_only: PassiveOnly::Refuse,
            ..policy(ChipRequirement::WhenPresent)
        };
        assert_eq!(
            decide(&strict, ChipDocument::IdCard, ChipOutcome::PassiveOnly),
            ChipDecision::Refuse(ChipRefusal::PassiveOnly)
        );
        let lenient = ChipPolicy {
            on_read_failure: OnReadFailure::AcceptMrz,
            ..policy(ChipRequirement::WhenPresent)
        };
        let timeout = ChipOutcome::ReadFailed(ChipReadFailure::Timeout);
        assert_eq!(
            decide(&lenient, ChipDocument::IdCard, timeout),
            ChipDecision::Accept
        );
        // A required chip is never waived, whatever `on_read_failure` says.
        let required = ChipPolicy {
            id_card: ChipRequirement::Required,
            ..lenient
        };
        assert_eq!(
            decide(&required, ChipDocument::IdCard, timeout),
            ChipDecision::Refuse(ChipRefusal::ReadFailed(ChipReadFailure::Timeout))
        );
        // A forged chip is refused under every option.
        assert!(matches!(
            decide(
                &lenient,
                ChipDocument::IdCard,
                ChipOutcome::Invalid(ChipInvalid::TamperedData)
            ),
            ChipDecision::Refuse(_)
        ));
    }

    #[test]
    fn documents_and_codes() {
        assert_eq!(
            ChipDocument::of(DocKind::AzeIdCard),
            Some(ChipDocument::IdCard)
        );
        assert_eq!(
            ChipDocument::of(DocKind::ForeignIdCard),
            Some(ChipDocument::IdCard)
        );
        assert_eq!(
            ChipDocument::of(DocKind::Passport),
            Some(ChipDocument::Passport)
        );
        assert_eq!(ChipDocument::of(DocKind::Other), None);
        let p = ChipPolicy {
            passport: ChipRequirement::Required,
            ..ChipPolicy::default()
        };
        assert!(p.enabled());
        assert_eq!(p.reads(DocKind::Passport), Some(ChipDocument::Passport));
        assert_eq!(p.reads(DocKind::AzeIdCard), None);
        assert!(!ChipPolicy::default().enabled());
        assert_eq!(
            ChipRefusal::Invalid(ChipInvalid::UnknownIssuer).code(),
            "invalid:unknown_issuer"
        );
        assert_eq!(
            ChipRefusal::ReadFailed(ChipReadFailure::CardRemoved).code(),
            "read_failed:card_removed"
        );
        assert_eq!(
            ChipOutcome::Genuine(CloneCheck::ActiveAuthentication).code(),
            "genuine_aa"
        );
        assert!(ChipRefusal::ReadFailed(ChipReadFailure::CardRemoved).may_retry());
        assert!(!ChipRefusal::Invalid(ChipInvalid::Clone).may_retry());
    }
}

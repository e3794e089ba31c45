//! `[chip]`: chip authentication of ID documents (ICAO 9303 eMRTD chips) — the policy per
//! document type, where the chip is read (PC/SC reader or the demo's simulator), and the
//! trust store Passive Authentication checks the Document Signer against.

use std::path::PathBuf;

use kiosk_core::chip::{ChipPolicy, ChipRequirement, OnReadFailure, PassiveOnly};
use kiosk_core::problem::{Problem, Seg, Spans};
use serde::Deserialize;

/// Where chips are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChipKind {
    /// A PC/SC reader served by `pcscd` (the chip reader of a combined document reader).
    #[default]
    Pcsc,
    /// The demo's in-process card simulator (its chips are signed by the demo CSCA).
    Simulated,
}

/// Which interface of the document the chip is read over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChipInterface {
    /// ISO/IEC 14443 (eMRTD chips are specified contactless).
    #[default]
    Contactless,
    /// ISO/IEC 7816 contacts.
    Contact,
    /// Whichever answers.
    Any,
}

impl ChipInterface {
    /// Whether a card on `interface` is read.
    pub fn admits(self, interface: chip_reader::Interface) -> bool {
        match self {
            ChipInterface::Any => true,
            ChipInterface::Contactless => interface == chip_reader::Interface::Contactless,
            ChipInterface::Contact => interface == chip_reader::Interface::Contact,
        }
    }
}

/// How the chip is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChipAccess {
    /// PACE when EF.CardAccess offers it, otherwise BAC.
    #[default]
    Auto,
    /// BAC even when PACE is offered.
    BacOnly,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChipSection {
    pub id_card: ChipRequirement,
    pub passport: ChipRequirement,
    pub passive_only: PassiveOnly,
    pub on_read_failure: OnReadFailure,
    pub kind: ChipKind,
    /// `auto`, or (part of) the PC/SC reader's name as `dost-kiosk chip readers` lists it.
    pub reader: String,
    pub interface: ChipInterface,
    /// Folders and files of CSCA certificates (PEM/DER), CRLs and CSCA master lists.
    pub trust: Vec<PathBuf>,
    pub access: ChipAccess,
    /// Seconds the chip has to answer after the MRZ was read.
    pub card_wait_s: u32,
    /// Seconds a whole chip read may take.
    pub read_timeout_s: u32,
    /// Largest READ BINARY answer asked for, in bytes.
    pub max_read_chunk: u32,
}

impl Default for ChipSection {
    fn default() -> Self {
        ChipSection {
            id_card: ChipRequirement::Off,
            passport: ChipRequirement::Off,
            passive_only: PassiveOnly::Accept,
            on_read_failure: OnReadFailure::Refuse,
            kind: ChipKind::Pcsc,
            reader: "auto".into(),
            interface: ChipInterface::Contactless,
            trust: Vec::new(),
            access: ChipAccess::Auto,
            card_wait_s: 3,
            read_timeout_s: 20,
            max_read_chunk: 223,
        }
    }
}

impl ChipSection {
    /// The session's chip policy.
    pub fn policy(&self) -> ChipPolicy {
        ChipPolicy {
            id_card: self.id_card,
            passport: self.passport,
            passive_only: self.passive_only,
            on_read_failure: self.on_read_failure,
            // The worker gives up at read_timeout_s; the session a little later, in case
            // the reader hangs inside a command.
            read_timeout_ms: u64::from(self.read_timeout_s) * 1000 + 2000,
        }
    }

    /// Whether any document's chip is read.
    pub fn enabled(&self) -> bool {
        self.policy().enabled()
    }

    /// A configured reader name (`None` for `auto`).
    pub fn reader_name(&self) -> Option<&str> {
        let r = self.reader.trim();
        (!r.eq_ignore_ascii_case("auto")).then_some(r)
    }

    /// What is wrong with the section; lines from `spans` when the text is at hand.
    pub(super) fn problems(&self, spans: Option<&Spans>) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut add = |key: &str, reason: &str| {
            out.push(Problem {
                line: spans.and_then(|s| s.line(&[Seg::Key("chip"), Seg::Key(key)])),
                key: format!("chip.{key}"),
                reason: reason.to_owned(),
            })
        };
        if self.enabled() && self.trust.is_empty() {
            add(
                "trust",
                "a chip policy needs a trust store: folders or files of CSCA certificates, CRLs or master lists",
            );
        }
        if self.reader.trim().is_empty() {
            add("reader", "\"auto\" or (part of) a PC/SC reader's name");
        }
        if !(1..=30).contains(&self.card_wait_s) {
            add("card_wait_s", "1 to 30 seconds");
        }
        if !(5..=120).contains(&self.read_timeout_s) {
            add("read_timeout_s", "5 to 120 seconds");
        }
        if !(16..=255).contains(&self.max_read_chunk) {
            add("max_read_chunk", "16 to 255 bytes");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::KioskConfig;

    const DEMO: &str = include_str!("../../config/kiosk.toml");

    fn problems(text: &str) -> Vec<Problem> {
        KioskConfig::parse(text, Path::new("config/kiosk.toml"))
            .err()
            .map(|e| e.problems().to_vec())
            .unwrap_or_default()
    }

    fn line_of(text: &str, needle: &str) -> Option<usize> {
        text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
    }

    #[test]
    fn the_demo_reads_every_chip_with_the_simulator_and_the_demo_root() {
        let cfg = KioskConfig::parse(DEMO, Path::new("config/kiosk.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cfg.chip.kind, ChipKind::Simulated);
        assert_eq!(cfg.chip.id_card, ChipRequirement::Required);
        assert_eq!(cfg.chip.passport, ChipRequirement::Required);
        assert_eq!(
            cfg.resolve(&cfg.chip.trust[0]),
            Path::new("config/trust/demo")
        );
        let policy = cfg.policy().chip;
        assert!(policy.enabled());
        assert_eq!(policy.read_timeout_ms, 22_000);
        assert_eq!(cfg.chip.reader_name(), None);
    }

    #[test]
    fn bad_values_are_named_with_their_lines() {
        let text = DEMO.replacen("id_card = \"required\"", "id_card = \"sometimes\"", 1);
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].key, "chip.id_card");
        assert_eq!(p[0].line, line_of(&text, "\"sometimes\""));
        assert!(p[0].reason.contains("sometimes"), "{p:?}");

        let text = DEMO
            .replacen("card_wait_s = 3", "card_wait_s = 0", 1)
            .replacen("max_read_chunk = 223", "max_read_chunk = 300", 1)
            .replacen("trust = [\"trust/demo\"]", "trust = []", 1);
        let p = problems(&text);
        let keys: Vec<(&str, Option<usize>)> = p.iter().map(|p| (p.key.as_str(), p.line)).collect();
        assert_eq!(
            keys,
            vec![
                ("chip.trust", line_of(&text, "trust = []")),
                ("chip.card_wait_s", line_of(&text, "card_wait_s = 0")),
                (
                    "chip.max_read_chunk",
                    line_of(&text, "max_read_chunk = 300")
                ),
            ]
        );

        let typo = DEMO.replacen("on_read_failure", "on_read_fail", 1);
        let p = problems(&typo);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].line, line_of(&typo, "on_read_fail ="));
        assert!(p[0].reason.contains("on_read_fail"), "{p:?}");
    }

    #[test]
    fn without_a_chip_section_chips_are_not_read() {
        let start = DEMO.find("[chip]").unwrap_or(DEMO.len());
        let end = DEMO[start..]
            .find("\n[")
            .map_or(DEMO.len(), |i| start + i + 1);
        let text = format!("{}{}", &DEMO[..start], &DEMO[end..]);
        let cfg = KioskConfig::parse(&text, Path::new("config/kiosk.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cfg.chip, ChipSection::default());
        assert!(!cfg.policy().chip.enabled());
    }

    #[test]
    fn interfaces() {
        use chip_reader::Interface::{Contact, Contactless};
        assert!(ChipInterface::Contactless.admits(Contactless));
        assert!(!ChipInterface::Contactless.admits(Contact));
        assert!(ChipInterface::Contact.admits(Contact));
        assert!(ChipInterface::Any.admits(Contact) && ChipInterface::Any.admits(Contactless));
    }
}

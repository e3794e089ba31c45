//! Card policy: what a read document means to the kiosk, which documents open a session, and
//! the citizen the session keeps.

use std::fmt;

use chrono::NaiveDate;
use dost_api::{Fin, mask_fin};
use serde::Deserialize;

use crate::text;

/// Kind of a document, as the acceptance policy sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    AzeIdCard,
    Passport,
    ForeignIdCard,
    Other,
}

/// Documents the kiosk may accept (`session.accept` in `kiosk.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AcceptedDocument {
    /// Azerbaijani ID cards, TD1 (new) and TD2 (older).
    AzeIdCard,
    /// Passports (TD3) of any state.
    Passport,
    /// ID cards of other states.
    ForeignIdCard,
}

impl AcceptedDocument {
    /// Whether a document of `kind` is of this accepted kind.
    pub fn covers(self, kind: DocKind) -> bool {
        matches!(
            (self, kind),
            (AcceptedDocument::AzeIdCard, DocKind::AzeIdCard)
                | (AcceptedDocument::Passport, DocKind::Passport)
                | (AcceptedDocument::ForeignIdCard, DocKind::ForeignIdCard)
        )
    }
}

/// What happens when the centre cannot be asked about a card (`session.offline_auth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OfflineAuth {
    /// Accept on the local checks alone.
    Allow,
    /// Refuse the card.
    Refuse,
}

/// The key the kiosk and the centre know a citizen by: the FİN, or for documents without one
/// the document number. Its `Debug` and `Display` are masked; [`CitizenKey::expose`] gives the
/// clear value for storage and the wire.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CitizenKey(String);

impl CitizenKey {
    pub fn new(fin: Option<&Fin>, document_number: &str) -> CitizenKey {
        CitizenKey(fin.map_or_else(|| document_number.to_owned(), |f| f.expose().to_owned()))
    }

    /// The clear value (storage keys, the wire). Never for logs or screens.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        mask_fin(&self.0)
    }
}

impl fmt::Debug for CitizenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CitizenKey({})", self.masked())
    }
}

impl fmt::Display for CitizenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// A card that parsed and passed every check digit, as the session sees it.
#[derive(Clone, PartialEq, Eq)]
pub struct CardData {
    pub kind: DocKind,
    pub fin: Option<Fin>,
    pub document_number: String,
    pub surname: String,
    pub given_names: Vec<String>,
    pub expiry: NaiveDate,
}

impl fmt::Debug for CardData {
    // Never print personal data, even in debug output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CardData")
            .field("kind", &self.kind)
            .field("fin", &self.fin)
            .field("expiry", &self.expiry)
            .finish_non_exhaustive()
    }
}

impl CardData {
    /// What the session needs of a parsed document. Azerbaijani ID cards are those issued by
    /// `AZE`; a FİN that breaks the FİN rules is not taken.
    pub fn from_document(doc: &card_reader::Document) -> CardData {
        let kind = if doc.is_passport() {
            DocKind::Passport
        } else if doc.is_id_card() && doc.issuing_state == "AZE" {
            DocKind::AzeIdCard
        } else if doc.is_id_card() {
            DocKind::ForeignIdCard
        } else {
            DocKind::Other
        };
        CardData {
            kind,
            fin: doc.fin.as_deref().and_then(|f| Fin::parse(f).ok()),
            document_number: doc.document_number.clone(),
            surname: doc.surname.clone(),
            given_names: doc.given_names.clone(),
            expiry: doc.expiry_date,
        }
    }

    /// Whether the policy accepts this kind of document.
    pub fn accepted_by(&self, accept: &[AcceptedDocument]) -> bool {
        accept.iter().any(|a| a.covers(self.kind))
    }
}

/// The citizen of the session: only what the session needs, wiped with it.
#[derive(Clone, PartialEq, Eq)]
pub struct Citizen {
    pub key: CitizenKey,
    pub document_number: String,
    /// Given names and surname, capitalised ("Əli Həsənov" style).
    pub display_name: String,
    pub expiry: NaiveDate,
}

impl fmt::Debug for Citizen {
    // Never print personal data, even in debug output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Citizen")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl From<&CardData> for Citizen {
    fn from(card: &CardData) -> Citizen {
        Citizen {
            key: CitizenKey::new(card.fin.as_ref(), &card.document_number),
            document_number: card.document_number.clone(),
            display_name: text::display_name(&card.given_names, &card.surname),
            expiry: card.expiry,
        }
    }
}

/// The last read of the card reader, as the technician's live test shows it (no name, the
/// FİN masked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardTest {
    /// A read that passed every check.
    Read {
        /// `TD1`, `TD2`, `TD3`.
        format: String,
        document_code: String,
        issuing_state: String,
        masked_fin: Option<String>,
        expiry: NaiveDate,
    },
    /// A read that failed (garbled, check digit): the reason and the field, technical.
    Rejected { reason: String, field: String },
}

impl CardTest {
    pub fn of_document(doc: &card_reader::Document) -> CardTest {
        CardTest::Read {
            format: doc.format.to_string(),
            document_code: doc.document_code.clone(),
            issuing_state: doc.issuing_state.clone(),
            masked_fin: doc.fin.as_deref().map(mask_fin),
            expiry: doc.expiry_date,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(lines: &[&str]) -> card_reader::Document {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
        card_reader::parse_mrz(lines, today).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn documents_map_to_kinds_and_keys() {
        let aze = card_reader::sim::specimens::aze_id_card();
        let aze: Vec<&str> = aze.iter().map(String::as_str).collect();
        let card = CardData::from_document(&parse(&aze));
        assert_eq!(card.kind, DocKind::AzeIdCard);
        let fin = card.fin.clone().unwrap_or_else(|| panic!("FİN expected"));
        let citizen = Citizen::from(&card);
        assert_eq!(citizen.key.expose(), fin.expose());
        assert!(!format!("{card:?} {citizen:?}").contains(fin.expose()));
        assert!(card.accepted_by(&[AcceptedDocument::AzeIdCard]));
        assert!(!card.accepted_by(&[AcceptedDocument::Passport]));

        let icao = card_reader::sim::specimens::icao_td1();
        let icao: Vec<&str> = icao.iter().map(String::as_str).collect();
        let foreign = CardData::from_document(&parse(&icao));
        assert_eq!(foreign.kind, DocKind::ForeignIdCard);
        assert_eq!(
            Citizen::from(&foreign).key.expose(),
            foreign.document_number,
            "without a FİN the document number is the key"
        );
        assert!(matches!(
            CardTest::of_document(&parse(&aze)),
            CardTest::Read { masked_fin: Some(m), .. } if m.ends_with("****")
        ));
    }
}

//! The vocabulary of print jobs: where a job is, why a receipt waits, and what a receipt's QR
//! code carries.

use chrono::{DateTime, NaiveDateTime, Utc};
use dost_api::{ApplicationId, Lang};
use serde::{Deserialize, Serialize};

use crate::catalog::Service;
use crate::session::Submission;

/// What the QR code of an application's receipt and done screen carries.
pub fn lookup_code(id: &ApplicationId) -> String {
    format!("DOST:{id}")
}

/// What a print job prints. Kept as data with the job, so the receipt is laid out when it
/// prints (with the printer's profile of that moment), not when the application is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PrintDoc {
    /// An application's receipt.
    Receipt(ReceiptDoc),
    /// Every Azerbaijani and Russian letter and a QR code.
    TestPage,
}

/// An application's receipt, as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptDoc {
    pub lang: Lang,
    pub center_name: String,
    pub kiosk_id: String,
    pub service_title: String,
    pub application_id: ApplicationId,
    /// Local time in Baku.
    pub issued_at: NaiveDateTime,
    /// Never the whole FİN.
    pub masked_fin: String,
    pub next_steps: Vec<String>,
}

/// What a receipt says besides the application: made before the application is stored, filled
/// in with its number when it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptTemplate {
    pub center_name: String,
    pub kiosk_id: String,
    pub service_title: String,
    pub next_steps: Vec<String>,
}

impl ReceiptTemplate {
    /// The receipt of an application for `service` in `lang`.
    pub fn new(service: &Service, lang: Lang, center_name: &str, kiosk_id: &str) -> Self {
        ReceiptTemplate {
            center_name: center_name.to_owned(),
            kiosk_id: kiosk_id.to_owned(),
            service_title: service.title.get(lang).to_owned(),
            next_steps: vec![service.next_steps.get(lang).to_owned()],
        }
    }

    /// The receipt of `sub`, stored as `application_id` at `now`.
    pub fn fill(
        &self,
        sub: &Submission,
        application_id: &ApplicationId,
        now: DateTime<Utc>,
    ) -> ReceiptDoc {
        ReceiptDoc {
            lang: sub.lang,
            center_name: self.center_name.clone(),
            kiosk_id: self.kiosk_id.clone(),
            service_title: self.service_title.clone(),
            application_id: application_id.clone(),
            issued_at: now.with_timezone(&chrono_tz::Asia::Baku).naive_local(),
            masked_fin: sub.citizen.masked(),
            next_steps: self.next_steps.clone(),
        }
    }
}

impl ReceiptDoc {
    /// What the QR code carries.
    pub fn lookup_code(&self) -> String {
        lookup_code(&self.application_id)
    }
}

/// Where a print job is. Stored by name (`queued`, `printing`, `printed`, `held`,
/// `not_taken`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum JobState {
    /// Waiting for the printer.
    Queued,
    /// Being sent to the printer (found again after a power cut: it prints again).
    Printing,
    /// Printed; never printed again.
    Printed,
    /// The printer could not print it; it waits for staff or the printer to recover.
    Held,
    /// Printed, but not taken: the presenter pulled it back into the printer. It prints
    /// again only when its citizen asks (from the application's detail screen).
    NotTaken,
}

impl JobState {
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// Why a receipt waits. Stored by name (`paper-out`, `cover-open`, ...).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[strum(serialize_all = "kebab-case")]
pub enum HoldReason {
    PaperOut,
    CoverOpen,
    Offline,
    Disconnected,
    CutterError,
    HardwareError,
    /// Not a hold: the receipt printed but was not taken (staff see it with the held ones).
    NotTaken,
}

impl HoldReason {
    pub fn name(self) -> &'static str {
        self.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    #[test]
    fn names_round_trip_as_stored() {
        for &r in HoldReason::VARIANTS {
            assert_eq!(r.name().parse::<HoldReason>().ok(), Some(r));
        }
        assert_eq!(HoldReason::PaperOut.name(), "paper-out");
        for s in [
            JobState::Queued,
            JobState::Printing,
            JobState::Printed,
            JobState::Held,
        ] {
            assert_eq!(s.name().parse::<JobState>().ok(), Some(s));
        }
        assert!("lost".parse::<JobState>().is_err());
    }
}

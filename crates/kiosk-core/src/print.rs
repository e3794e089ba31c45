//! The vocabulary of print jobs: where a job is, why a receipt waits, and what a receipt's QR
//! code carries.

use chrono::{DateTime, NaiveDateTime, Utc};
use dost_api::{ApplicationId, Lang};
use serde::{Deserialize, Serialize};

use crate::catalog::Service;
use crate::session::Submission;
use crate::status_link::StatusLink;

/// What the QR code of an application carries when no status page is configured.
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
    /// A queue ticket for a desk service.
    Ticket(TicketDoc),
}

/// A queue ticket, as data: the number large, the service, the time, the people ahead and a
/// QR code to follow the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketDoc {
    pub lang: Lang,
    pub center_name: String,
    pub service_title: String,
    pub number: String,
    /// Local time in Baku.
    pub issued_at: NaiveDateTime,
    pub people_ahead: Option<u64>,
    pub wait_min: Option<u64>,
    /// Numbered by the kiosk while the centre could not be reached.
    pub offline: bool,
    /// The ticket's place in the queue (its QR code).
    pub status_url: String,
    /// An SMS will say "your turn soon".
    pub sms: bool,
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
    /// The application's status page (what the QR code opens); receipts queued by older
    /// versions have none and carry `DOST:<number>`.
    #[serde(default)]
    pub status_url: String,
}

/// What a receipt says besides the application: made before the application is stored, filled
/// in with its number when it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptTemplate {
    pub center_name: String,
    pub kiosk_id: String,
    pub service_title: String,
    pub next_steps: Vec<String>,
    /// Where the QR code leads (empty: `DOST:<number>`).
    pub status_link: StatusLink,
}

impl ReceiptTemplate {
    /// The receipt of an application for `service` in `lang`.
    pub fn new(service: &Service, lang: Lang, center_name: &str, kiosk_id: &str) -> Self {
        ReceiptTemplate {
            center_name: center_name.to_owned(),
            kiosk_id: kiosk_id.to_owned(),
            service_title: service.title.get(lang).to_owned(),
            next_steps: vec![
                service.next_steps.get(lang).to_owned(),
                service.duration.get(lang).to_owned(),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect(),
            status_link: StatusLink::default(),
        }
    }

    /// The same receipt with its QR code leading to `link`.
    pub fn with_link(self, link: StatusLink) -> Self {
        ReceiptTemplate {
            status_link: link,
            ..self
        }
    }

    /// The receipt of `sub`, stored as `application_id` with the idempotency key `key` at
    /// `now`.
    pub fn fill(
        &self,
        sub: &Submission,
        application_id: &ApplicationId,
        key: &str,
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
            status_url: status_url(&self.status_link, application_id, key),
        }
    }
}

/// The status page of an application stored with the idempotency key `key` (`DOST:<number>`
/// without a link).
pub fn status_url(link: &StatusLink, id: &ApplicationId, key: &str) -> String {
    if link.is_empty() {
        lookup_code(id)
    } else {
        link.url(id.as_str(), &dost_api::lookup_code(key))
    }
}

/// What a queue ticket says besides its number and place: made before the ticket is
/// numbered, filled in when it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketTemplate {
    pub lang: Lang,
    pub center_name: String,
    pub service_title: String,
    /// Where the QR code leads.
    pub status_link: StatusLink,
}

impl TicketTemplate {
    /// The ticket numbered `number` (ticket id `ticket_id`, for its lookup code).
    #[allow(clippy::too_many_arguments)]
    pub fn fill(
        &self,
        number: &str,
        ticket_id: &str,
        issued_at: DateTime<Utc>,
        people_ahead: Option<u64>,
        wait_min: Option<u64>,
        offline: bool,
        sms: bool,
    ) -> TicketDoc {
        TicketDoc {
            lang: self.lang,
            center_name: self.center_name.clone(),
            service_title: self.service_title.clone(),
            number: number.to_owned(),
            issued_at: issued_at
                .with_timezone(&chrono_tz::Asia::Baku)
                .naive_local(),
            people_ahead,
            wait_min,
            offline,
            status_url: self.status_url(number, ticket_id),
            sms,
        }
    }

    /// The ticket's place in the queue.
    pub fn status_url(&self, number: &str, ticket_id: &str) -> String {
        if self.status_link.is_empty() {
            format!("DOST:{number}")
        } else {
            self.status_link
                .url(number, &dost_api::lookup_code(ticket_id))
        }
    }
}

impl ReceiptDoc {
    /// What the QR code carries.
    pub fn lookup_code(&self) -> String {
        if self.status_url.is_empty() {
            lookup_code(&self.application_id)
        } else {
            self.status_url.clone()
        }
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

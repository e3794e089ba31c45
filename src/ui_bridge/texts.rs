//! Texts of the service screens that are made from typed values.

use kiosk_core::card::CardTest;
use kiosk_core::health::disk_text;
use kiosk_core::view::{PartName, PartStatus, ServiceMessage};

pub(crate) fn part_name(n: PartName) -> &'static str {
    match n {
        PartName::CardReader => "card_reader",
        PartName::Printer => "receipt_printer",
        PartName::CardTest => "card test",
        PartName::SerialPorts => "serial ports",
        PartName::CentreLink => "centre link",
        PartName::Disk => "disk",
        PartName::Database => "database",
        PartName::Clock => "clock",
    }
}

pub(crate) fn part_status(s: &PartStatus) -> String {
    match s {
        PartStatus::Device { state, detail } => format!(
            "{}{}",
            format!("{state:?}").to_lowercase(),
            detail
                .as_ref()
                .map(|d| format!(", {d}"))
                .unwrap_or_default()
        ),
        PartStatus::Starting => "starting: no status yet".into(),
        PartStatus::NoCardYet => "insert a card to test the reader".into(),
        PartStatus::CardRead { test, at } => match test {
            CardTest::Read {
                format,
                document_code,
                issuing_state,
                masked_fin,
                expiry,
            } => format!(
                "read {format} {document_code} {issuing_state}, FİN {}, expires {expiry} at {at}",
                masked_fin.as_deref().unwrap_or("-")
            ),
            CardTest::Rejected { reason, field } => format!("rejected: {reason} ({field}) at {at}"),
        },
        PartStatus::Ports(p) if p.is_empty() => "none found".into(),
        PartStatus::Ports(p) => p.join(", "),
        PartStatus::PortsError(e) => format!("cannot list: {e}"),
        PartStatus::CentreOnline { url } => url.clone(),
        PartStatus::CentreError { error } => error.clone(),
        PartStatus::CentreNoExchange => "no exchange yet".into(),
        PartStatus::Disk { free } => disk_text(*free),
        PartStatus::Database { waiting, refused } => {
            format!("{waiting} waiting, {refused} refused by the centre")
        }
        PartStatus::DatabaseError(e) => e.clone(),
        PartStatus::Clock(t) => t.clone(),
    }
}

pub(crate) fn service_message(m: &ServiceMessage) -> String {
    match m {
        ServiceMessage::TestPageQueued { job } => format!("test page queued (job {job})"),
        ServiceMessage::TestPageNotQueued { error } => format!("test page not queued: {error}"),
        ServiceMessage::PaperRestocked => "paper counter reset; held receipts print now".into(),
        ServiceMessage::HeldReleased => "held receipts sent to the printer".into(),
        ServiceMessage::DiagnosticsSaved { path } => format!("diagnostics saved to {path}"),
        ServiceMessage::DiagnosticsNotSaved { error } => format!("diagnostics not saved: {error}"),
        ServiceMessage::Restarting => "restarting".into(),
        ServiceMessage::SettingsUnchanged => "settings unchanged".into(),
        ServiceMessage::SettingsSavedName => {
            "settings saved; the new name shows within seconds".into()
        }
        ServiceMessage::SettingsSavedRestarting => "settings saved; restarting devices".into(),
        ServiceMessage::SettingsApplied { sections } => {
            format!("settings saved and applied ({sections}); devices and centre link restarted")
        }
        ServiceMessage::SettingsDidNotStart { error } => format!(
            "the saved settings could not start ({error}); the previous settings run until the next restart"
        ),
        ServiceMessage::AppRestarted => "application restarted".into(),
        ServiceMessage::SettingsNotLoaded { error } => error.clone(),
    }
}

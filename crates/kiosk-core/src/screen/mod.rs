//! Which screen shows what: a pure function of the session and the facts, faults first.
//!
//! The facts are what the runtime knows of the world (device states, the store's counts, the
//! centre link); the session is what the citizen (or technician) did. Every view, the service
//! screens and the settings form included, is built here from those two.

mod chip;
mod citizen;
mod service;

use chrono::{DateTime, Utc};
use dost_api::ApplicationId;

use crate::catalog::Catalog;
use crate::health::DeviceBoard;
use crate::print::HoldReason;
use crate::session::{Phase, Policy, Session};
use crate::view::{CitizenView, HelpView, OutOfServiceKind, ScreenId, ViewModel};

pub use citizen::service_view;

/// What the runtime knows of the world, for the screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// The local database accepts writes.
    pub storage_ok: bool,
    pub devices: DeviceBoard,
    /// For the service screens (gathered while service mode is open).
    pub service: ServiceFacts,
}

impl Default for Facts {
    fn default() -> Self {
        Facts {
            storage_ok: true,
            devices: DeviceBoard::default(),
            service: ServiceFacts::default(),
        }
    }
}

/// A receipt the printer holds back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldJob {
    pub job_id: i64,
    /// None for a test page.
    pub application_id: Option<ApplicationId>,
    pub reason: Option<HoldReason>,
}

/// The store's counts for the service screens.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoreFacts {
    pub outbox_depth: u64,
    /// Applications the centre refused (set aside for a technician).
    pub rejected: u64,
    pub paper_used_mm: f64,
    /// The oldest held receipts.
    pub held: Vec<HeldJob>,
    /// Citizens waiting for a staff member, oldest first.
    pub help_calls: Vec<HelpCall>,
}

/// A citizen asked for a staff member (not yet answered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpCall {
    pub at: DateTime<Utc>,
    pub screen: ScreenId,
}

/// The relay's view of the centre link.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncFacts {
    /// The last exchange with the centre worked.
    pub online: bool,
    pub last_error: Option<String>,
}

/// What the service screens show besides the devices.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceFacts {
    /// The store's counts, or why they could not be read.
    pub store: Option<Result<StoreFacts, String>>,
    pub sync: SyncFacts,
    /// The centre's address.
    pub central_url: String,
    /// The machine's serial ports (one line each), or why they could not be listed.
    pub ports: Option<Result<Vec<String>, String>>,
    /// Free bytes on the data disk.
    pub disk_free: Option<u64>,
    /// The last lines of the log.
    pub log_tail: Vec<String>,
    /// When these facts were gathered.
    pub at: Option<DateTime<Utc>>,
    pub kiosk_id: String,
    pub version: String,
    /// Where the kiosk stands (`kiosk.location`).
    pub location: String,
}

/// Static facts for the view.
pub struct ViewCtx<'a> {
    pub catalog: &'a Catalog,
    pub policy: &'a Policy,
    pub center_name: &'a str,
    pub demo: bool,
}

/// Local time in Asia/Baku, as Azerbaijanis write it.
pub fn baku_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::Asia::Baku)
        .format("%d.%m.%Y %H:%M")
        .to_string()
}

/// The view model for this session and these facts.
pub fn view(s: &Session, facts: &Facts, ctx: &ViewCtx) -> ViewModel {
    let mut vm = ViewModel {
        lang: s.lang,
        demo: ctx.demo,
        center_name: ctx.center_name.to_owned(),
        printer_unavailable: !facts.devices.printer_ok(),
        idle_countdown: s.idle_countdown(ctx.policy),
        submit_failed: s.submit_failed,
        large_text: s.large_text,
        high_contrast: s.high_contrast,
        citizen: s.citizen.as_ref().map(|c| CitizenView {
            display_name: c.display_name.clone(),
            masked_fin: c.key.masked(),
        }),
        ..ViewModel::default()
    };
    // Faults first: a kiosk that cannot store cannot serve anyone.
    if !facts.storage_ok {
        vm.screen = ScreenId::OutOfService;
        vm.out_of_service = Some(OutOfServiceKind::Storage);
        vm.citizen = None;
        return vm;
    }
    // A missing reader only stops new sessions: a citizen already in one keeps being served.
    if !facts.devices.reader_ok()
        && matches!(
            s.phase,
            Phase::Attract | Phase::CardError { .. } | Phase::ChipRefused { .. }
        )
    {
        vm.screen = ScreenId::OutOfService;
        vm.out_of_service = Some(OutOfServiceKind::CardReader);
        return vm;
    }
    vm.screen = match &s.phase {
        Phase::ServicePin | Phase::Service(_) => service::fill(&mut vm, s, facts),
        _ => citizen::fill(&mut vm, s, ctx),
    };
    if s.help.open && !s.in_service_mode() {
        vm.help = Some(HelpView {
            staff_called: s.help.staff_called,
        });
    }
    vm
}

#[cfg(test)]
#[cfg(test)]
mod tests;

//! The service screens (PIN pad, technician, staff, settings form), built from the facts.

use super::{Facts, StoreFacts, baku_time};
use crate::health::{Level, device_level, disk_level};
use crate::pin::Role;
use crate::session::{Phase, Session};
use crate::view::{
    FormView, HeldReceiptView, HelpCallView, PaperView, PartName, PartStatus, PartView, ScreenId,
    ServiceModeView, SettingsView, ViewModel,
};

/// Fills the service part of `vm`; returns the screen.
pub(super) fn fill(vm: &mut ViewModel, s: &Session, facts: &Facts) -> ScreenId {
    vm.citizen = None;
    vm.idle_countdown = None;
    let role = match s.phase {
        Phase::Service(role) => Some(role),
        _ => None,
    };
    let store = facts
        .service
        .store
        .as_ref()
        .and_then(|r| r.as_ref().ok())
        .cloned()
        .unwrap_or_default();
    let mut view = ServiceModeView {
        pin_refusal: s.service.pin_refusal,
        checking: s.service.checking_pin,
        parts: parts(facts),
        paper: PaperView {
            level: facts.devices.paper(),
            receipts_left: facts.devices.supply.map(|s| s.receipts_left),
            used_mm: store.paper_used_mm.max(0.0) as u64,
        },
        held: held(&store),
        outbox_depth: store.outbox_depth,
        sync_error: facts.service.sync.last_error.clone(),
        log_tail: facts.service.log_tail.clone(),
        message: s.service.message.clone(),
        kiosk_id: facts.service.kiosk_id.clone(),
        version: facts.service.version.clone(),
        settings: None,
        help_calls: store
            .help_calls
            .iter()
            .map(|c| HelpCallView {
                at: c
                    .at
                    .with_timezone(&chrono_tz::Asia::Baku)
                    .format("%H:%M")
                    .to_string(),
                screen: c.screen,
            })
            .collect(),
        location: facts.service.location.clone(),
    };
    let settings = s
        .service
        .settings
        .as_ref()
        .filter(|_| role == Some(Role::Technician));
    if let Some(draft) = settings {
        view.settings = Some(SettingsView {
            saving: draft.saving,
            save_error: draft.save_error.clone(),
            invalid: !draft.errors.is_empty(),
        });
        vm.form = Some(FormView {
            service_title: String::new(),
            fields: draft.fields(),
            page: 1,
            pages: 1,
            desk_only: false,
        });
    }
    vm.service = Some(view);
    match role {
        None => ScreenId::ServicePin,
        Some(Role::Technician) if settings.is_some() => ScreenId::ServiceSettings,
        Some(Role::Technician) => ScreenId::ServiceTechnician,
        Some(Role::Staff) => ScreenId::ServiceStaff,
    }
}

fn held(store: &StoreFacts) -> Vec<HeldReceiptView> {
    store
        .held
        .iter()
        .map(|h| HeldReceiptView {
            job_id: h.job_id,
            application_id: h.application_id.clone(),
            reason: h.reason,
        })
        .collect()
}

fn part(name: PartName, level: Level, status: PartStatus) -> PartView {
    PartView {
        name,
        level,
        status,
    }
}

/// Every part of the kiosk with its level, in the technician's reading order.
fn parts(facts: &Facts) -> Vec<PartView> {
    let d = &facts.devices;
    let f = &facts.service;
    let starting = |name| part(name, Level::Warn, PartStatus::Starting);
    let mut out = vec![
        match d.reader {
            // A device that has not reported yet (just started or restarted) is not "offline".
            None => starting(PartName::CardReader),
            Some(state) => part(
                PartName::CardReader,
                device_level(state),
                PartStatus::Device {
                    state,
                    detail: None,
                },
            ),
        },
        match d.printer {
            None => starting(PartName::Printer),
            Some(p) => part(
                PartName::Printer,
                device_level(p.reported_state()),
                PartStatus::Device {
                    state: p.reported_state(),
                    detail: p.problems(),
                },
            ),
        },
        match &d.last_read {
            None => part(PartName::CardTest, Level::Ok, PartStatus::NoCardYet),
            Some(read) => part(
                PartName::CardTest,
                match read.test {
                    crate::card::CardTest::Rejected { .. } => Level::Warn,
                    crate::card::CardTest::Read { .. } => Level::Ok,
                },
                PartStatus::CardRead {
                    test: read.test.clone(),
                    at: baku_time(read.at),
                },
            ),
        },
        part(
            PartName::SerialPorts,
            Level::Ok,
            match &f.ports {
                Some(Ok(ports)) => PartStatus::Ports(ports.clone()),
                Some(Err(e)) => PartStatus::PortsError(e.clone()),
                None => PartStatus::Ports(Vec::new()),
            },
        ),
        match (f.sync.online, &f.sync.last_error) {
            (true, _) => part(
                PartName::CentreLink,
                Level::Ok,
                PartStatus::CentreOnline {
                    url: f.central_url.clone(),
                },
            ),
            (false, Some(e)) => part(
                PartName::CentreLink,
                Level::Fail,
                PartStatus::CentreError { error: e.clone() },
            ),
            (false, None) => part(
                PartName::CentreLink,
                Level::Warn,
                PartStatus::CentreNoExchange,
            ),
        },
        part(
            PartName::Disk,
            disk_level(f.disk_free),
            PartStatus::Disk { free: f.disk_free },
        ),
    ];
    // The chip reader follows the card reader's lines.
    out.splice(3..3, super::chip::parts(&d.chip));
    out.push(match &f.store {
        None => starting(PartName::Database),
        Some(Ok(s)) => part(
            PartName::Database,
            if s.rejected > 0 {
                Level::Warn
            } else {
                Level::Ok
            },
            PartStatus::Database {
                waiting: s.outbox_depth,
                refused: s.rejected,
            },
        ),
        Some(Err(e)) => part(
            PartName::Database,
            Level::Fail,
            PartStatus::DatabaseError(e.clone()),
        ),
    });
    out.push(part(
        PartName::Clock,
        Level::Ok,
        PartStatus::Clock(f.at.map(baku_time).unwrap_or_default()),
    ));
    out
}

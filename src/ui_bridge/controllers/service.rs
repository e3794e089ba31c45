//! The technician's and the staff's screens (`ServiceAdapter`): every part with its level and
//! status, paper, held receipts, the outbox, the log, the last action's message.

use dost_api::DeviceState;
use kiosk_core::card::CardTest;
use kiosk_core::health::{DISK_WARN_BYTES, Level};
use kiosk_core::print::HoldReason;
use kiosk_core::view::{
    ChipReaderState, ChipTest, PaperLevel, PartName, PartStatus, PartView, ServiceAction,
    ServiceMessage, ServiceModeView, UiEvent, ViewModel, az_date,
};
use slint::ComponentHandle;

use super::{Wiring, changed, int, model, s};
use crate::ui_bridge::generated::{self as ui, App, ServiceAdapter};

fn level(l: Level) -> ui::PartLevel {
    match l {
        Level::Ok => ui::PartLevel::Ok,
        Level::Warn => ui::PartLevel::Warn,
        Level::Fail => ui::PartLevel::Fail,
    }
}

fn name(n: PartName) -> ui::PartName {
    match n {
        PartName::CardReader => ui::PartName::CardReader,
        PartName::Printer => ui::PartName::Printer,
        PartName::CardTest => ui::PartName::CardTest,
        PartName::SerialPorts => ui::PartName::SerialPorts,
        PartName::CentreLink => ui::PartName::CentreLink,
        PartName::Disk => ui::PartName::Disk,
        PartName::Database => ui::PartName::Database,
        PartName::Clock => ui::PartName::Clock,
        PartName::ChipReader => ui::PartName::ChipReader,
        PartName::ChipTest => ui::PartName::ChipTest,
    }
}

fn device(d: DeviceState) -> ui::DeviceStateKind {
    match d {
        DeviceState::Online => ui::DeviceStateKind::Online,
        DeviceState::Offline => ui::DeviceStateKind::Offline,
        DeviceState::PowerOff => ui::DeviceStateKind::PowerOff,
        DeviceState::NoDevice => ui::DeviceStateKind::NoDevice,
        DeviceState::HardwareError => ui::DeviceStateKind::HardwareError,
        DeviceState::UserError => ui::DeviceStateKind::UserError,
        DeviceState::Busy => ui::DeviceStateKind::Busy,
    }
}

/// A part as the screen's `PartItem` (see its status kinds for which field carries what).
fn part(p: &PartView) -> ui::PartItem {
    use ui::PartStatus as K;
    let item = |status| ui::PartItem {
        name: name(p.name),
        level: level(p.level),
        status,
        ..ui::PartItem::default()
    };
    match &p.status {
        PartStatus::Device { state, detail } => ui::PartItem {
            device: device(*state),
            text: s(detail.as_deref().unwrap_or("")),
            ..item(K::Device)
        },
        PartStatus::Starting => item(K::Starting),
        PartStatus::NoCardYet => item(K::NoCardYet),
        PartStatus::CardRead {
            test:
                CardTest::Read {
                    format,
                    document_code,
                    issuing_state,
                    masked_fin,
                    expiry,
                },
            at,
        } => ui::PartItem {
            text: s(&format!("{format} {document_code} {issuing_state}")),
            text2: s(masked_fin.as_deref().unwrap_or("-")),
            text3: s(&az_date(*expiry)),
            at: s(at),
            ..item(K::CardRead)
        },
        PartStatus::CardRead {
            test: CardTest::Rejected { reason, field },
            at,
        } => ui::PartItem {
            text: s(reason),
            text2: s(field),
            at: s(at),
            ..item(K::CardRejected)
        },
        PartStatus::Ports(ports) if ports.is_empty() => item(K::PortsNone),
        PartStatus::Ports(ports) => ui::PartItem {
            text: s(&ports.join("\n")),
            ..item(K::Ports)
        },
        PartStatus::PortsError(e) => ui::PartItem {
            text: s(e),
            ..item(K::PortsError)
        },
        PartStatus::CentreOnline { url } => ui::PartItem {
            text: s(url),
            ..item(K::CentreOnline)
        },
        PartStatus::CentreError { error } => ui::PartItem {
            text: s(error),
            ..item(K::CentreError)
        },
        PartStatus::CentreNoExchange => item(K::CentreNoExchange),
        PartStatus::Disk { free: None } => item(K::DiskUnknown),
        PartStatus::Disk { free: Some(b) } if *b >= DISK_WARN_BYTES => ui::PartItem {
            a: int(b >> 30),
            ..item(K::DiskGb)
        },
        PartStatus::Disk { free: Some(b) } => ui::PartItem {
            a: int(b >> 20),
            ..item(K::DiskMb)
        },
        PartStatus::Database { waiting, refused } => ui::PartItem {
            a: int(*waiting),
            b: int(*refused),
            ..item(K::Database)
        },
        PartStatus::DatabaseError(e) => ui::PartItem {
            text: s(e),
            ..item(K::DatabaseError)
        },
        PartStatus::Clock(at) => ui::PartItem {
            at: s(at),
            ..item(K::Clock)
        },
        PartStatus::ChipReader(state) => chip_reader(state, item),
        PartStatus::NoChipTestYet => item(K::NoChipTestYet),
        PartStatus::ChipTested { test, at } => chip_test(test, at, item),
    }
}

fn chip_reader(
    state: &ChipReaderState,
    item: impl Fn(ui::PartStatus) -> ui::PartItem,
) -> ui::PartItem {
    use ui::PartStatus as K;
    match state {
        ChipReaderState::Simulated => item(K::ChipSimulated),
        ChipReaderState::Ready { reader } => ui::PartItem {
            text: s(reader),
            ..item(K::ChipReady)
        },
        ChipReaderState::Unavailable { error } => ui::PartItem {
            text: s(error),
            ..item(K::ChipUnavailable)
        },
    }
}

fn chip_test(
    test: &ChipTest,
    at: &str,
    item: impl Fn(ui::PartStatus) -> ui::PartItem,
) -> ui::PartItem {
    use ui::PartStatus as K;
    match test {
        ChipTest::Read {
            outcome,
            access,
            ms,
        } => ui::PartItem {
            text: s(&outcome.code()),
            text2: s(if access.is_empty() { "-" } else { access }),
            a: int(*ms),
            at: s(at),
            ..item(K::ChipRead)
        },
        ChipTest::Probe {
            reader,
            interface,
            emrtd,
            pace,
            ms,
        } => ui::PartItem {
            text: s(reader),
            text2: s(interface),
            text3: s(if pace.is_empty() { "BAC" } else { pace }),
            a: int(*ms),
            b: i32::from(*emrtd),
            at: s(at),
            ..item(K::ChipProbe)
        },
        ChipTest::ProbeFailed { error } => ui::PartItem {
            text: s(error),
            at: s(at),
            ..item(K::ChipProbeFailed)
        },
    }
}

fn hold_reason(r: Option<HoldReason>) -> ui::HoldReason {
    match r {
        None => ui::HoldReason::Unknown,
        Some(HoldReason::PaperOut) => ui::HoldReason::PaperOut,
        Some(HoldReason::CoverOpen) => ui::HoldReason::CoverOpen,
        Some(HoldReason::Offline) => ui::HoldReason::Offline,
        Some(HoldReason::Disconnected) => ui::HoldReason::Disconnected,
        Some(HoldReason::CutterError) => ui::HoldReason::CutterError,
        Some(HoldReason::HardwareError) => ui::HoldReason::HardwareError,
        Some(HoldReason::NotTaken) => ui::HoldReason::NotTaken,
    }
}

fn message(m: Option<&ServiceMessage>) -> ui::MessageData {
    use ui::MessageKind as K;
    let (kind, text, number) = match m {
        None => (K::None, "", 0),
        Some(ServiceMessage::TestPageQueued { job }) => (K::TestPageQueued, "", int(*job)),
        Some(ServiceMessage::TestPageNotQueued { error }) => (K::TestPageNotQueued, &**error, 0),
        Some(ServiceMessage::PaperRestocked) => (K::PaperRestocked, "", 0),
        Some(ServiceMessage::HeldReleased) => (K::HeldReleased, "", 0),
        Some(ServiceMessage::DiagnosticsSaved { path }) => (K::DiagnosticsSaved, &**path, 0),
        Some(ServiceMessage::DiagnosticsNotSaved { error }) => {
            (K::DiagnosticsNotSaved, &**error, 0)
        }
        Some(ServiceMessage::Restarting) => (K::Restarting, "", 0),
        Some(ServiceMessage::SettingsUnchanged) => (K::SettingsUnchanged, "", 0),
        Some(ServiceMessage::SettingsSavedName) => (K::SettingsSavedName, "", 0),
        Some(ServiceMessage::SettingsSavedRestarting) => (K::SettingsSavedRestarting, "", 0),
        Some(ServiceMessage::SettingsApplied { sections }) => (K::SettingsApplied, &**sections, 0),
        Some(ServiceMessage::SettingsDidNotStart { error }) => {
            (K::SettingsDidNotStart, &**error, 0)
        }
        Some(ServiceMessage::AppRestarted) => (K::AppRestarted, "", 0),
        Some(ServiceMessage::SettingsNotLoaded { error }) => (K::SettingsNotLoaded, &**error, 0),
    };
    ui::MessageData {
        kind,
        text: s(text),
        number,
    }
}

fn paper(p: &kiosk_core::view::PaperView) -> ui::PaperInfo {
    ui::PaperInfo {
        level: match p.level {
            PaperLevel::Ok => ui::PaperLevel::Ok,
            PaperLevel::Low => ui::PaperLevel::Low,
            PaperLevel::Out => ui::PaperLevel::Out,
            PaperLevel::Unknown => ui::PaperLevel::Unknown,
        },
        receipts_left: p.receipts_left.map_or(-1, int),
        used_mm: int(p.used_mm),
    }
}

pub(super) fn apply(app: &App, prev: Option<&ViewModel>, vm: &ViewModel) {
    if !changed(prev, vm, |v| &v.service) {
        return;
    }
    let g = app.global::<ServiceAdapter>();
    let empty = ServiceModeView::default();
    let m = vm.service.as_ref().unwrap_or(&empty);
    g.set_parts(model(m.parts.iter().map(part).collect()));
    g.set_paper(paper(&m.paper));
    g.set_held(model(
        m.held
            .iter()
            .map(|h| ui::HeldItem {
                job_id: int(h.job_id),
                application_id: s(h.application_id.as_ref().map_or("", |a| a.as_str())),
                reason: hold_reason(h.reason),
            })
            .collect(),
    ));
    g.set_outbox_depth(int(m.outbox_depth));
    g.set_sync_error(s(m.sync_error.as_deref().unwrap_or("")));
    g.set_log_tail(model(m.log_tail.iter().map(|l| s(l)).collect()));
    g.set_message(message(m.message.as_ref()));
    g.set_has_chip_reader(m.parts.iter().any(|p| p.name == PartName::ChipReader));
    g.set_kiosk_id(s(&m.kiosk_id));
    g.set_version(s(&m.version));
    g.set_help_calls(model(
        m.help_calls
            .iter()
            .map(|c| ui::HelpCallItem {
                at: s(&c.at),
                screen: super::session::screen(c.screen),
            })
            .collect(),
    ));
    g.set_location(s(&m.location));
}

pub(super) fn wire(app: &App, w: &Wiring) {
    let g = app.global::<ServiceAdapter>();
    {
        let w = w.clone();
        g.on_action(move |a: ui::ServiceActionKind| {
            use ui::ServiceActionKind as A;
            w.send(UiEvent::ServiceAction(match a {
                A::TestPrint => ServiceAction::TestPrint,
                A::PaperRestocked => ServiceAction::PaperRestocked,
                A::ReprintHeld => ServiceAction::ReprintHeld,
                A::ExportDiagnostics => ServiceAction::ExportDiagnostics,
                A::Restart => ServiceAction::Restart,
                A::Refresh => ServiceAction::Refresh,
                A::OpenSettings => ServiceAction::OpenSettings,
                A::SaveSettings => ServiceAction::SaveSettings,
                A::ChipTest => ServiceAction::ChipTest,
                A::HelpAnswered => ServiceAction::HelpAnswered,
            }));
        });
    }
    {
        let w = w.clone();
        g.on_close(move || w.send(UiEvent::CloseService));
    }
}

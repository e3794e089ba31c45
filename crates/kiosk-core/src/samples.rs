//! Sample sessions and facts for every screen, for screenshots and UI checks (never shown to
//! citizens). The views come from [`crate::screen::view`] over the real catalog, so what the
//! screenshots show is what the kiosk would show.

use chrono::{DateTime, NaiveDate, Utc};
use dost_api::{ApplicationId, ApplicationState, DeviceState, Lang};

use crate::card::{CardTest, Citizen, CitizenKey};
use crate::catalog::Catalog;
use crate::chip::{
    ChipBoard, ChipDocument, ChipInvalid, ChipLastTest, ChipOutcome, ChipReaderState, ChipRefusal,
    ChipTest, CloneCheck,
};
use crate::health::{DeviceBoard, LastRead, PrinterFacts, SensorPaper};
use crate::paper::Supply;
use crate::pin::Role;
use crate::print::HoldReason;
use crate::screen::{self, Facts, HeldJob, HelpCall, ServiceFacts, StoreFacts, SyncFacts, ViewCtx};
use crate::session::{
    AppList, AppRecord, HelpState, Phase, Policy, ReceiptFate, ServiceState, Session, Ticket,
};
use crate::settings::{Line, PortInfo, Settings, SettingsDraft};
use crate::validate::FieldError;
use crate::view::{CardErrorKind, ReceiptState, ScreenId, ServiceMessage, ViewModel};

/// The service the form, review and done samples show (two form pages; page 1 has a number).
const FORM_SERVICE: &str = "targeted-social-assistance";
/// The service of the information page sample.
const INFO_SERVICE: &str = "old-age-pension";
/// The application the done screen shows.
const DONE_ID: &str = "YAS01-261124-0007";
/// The application the detail screen shows (with a three-step history).
const DETAIL_ID: &str = "YAS01-261103-0015";
/// A rejected application (the "rejected" state shows it in detail).
const REJECTED_ID: &str = "YAS01-260910-0003";
/// The status page of the done sample (what its QR code opens).
const DONE_URL: &str = "https://status.dost.gov.az/status/YAS01-261124-0007?code=8D1B2C5958";
/// The desk service of the ticket sample.
const DESK_SERVICE: &str = "disability-assessment";

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// A sample's application number (the literals here are well formed).
fn id(s: &str) -> ApplicationId {
    ApplicationId::parse(s).expect("a sample application number is well formed")
}

/// The sample citizen: Əli Məmmədov, FİN 5ZX****.
pub fn citizen() -> Citizen {
    Citizen {
        key: CitizenKey::new(dost_api::Fin::parse("5ZX7K2P").ok().as_ref(), "AA1234567"),
        document_number: "AA1234567".into(),
        display_name: "Əli Məmmədov".into(),
        expiry: NaiveDate::from_ymd_opt(2031, 5, 20).unwrap_or_default(),
    }
}

fn applications() -> AppList {
    let record = |n: &str, service: &str, state, as_of: Option<&str>| AppRecord {
        application_id: id(n),
        service_id: service.into(),
        state,
        as_of: as_of.map(at),
        pending_upload: as_of.is_none(),
        history: Vec::new(),
        receipt: ReceiptFate::Normal,
        rejection: None,
    };
    let mut in_review = record(
        DETAIL_ID,
        FORM_SERVICE,
        ApplicationState::InReview,
        Some("2026-11-24T17:05:00Z"),
    );
    in_review.history = vec![
        (ApplicationState::Submitted, at("2026-11-03T06:14:00Z")),
        (ApplicationState::Received, at("2026-11-03T06:16:00Z")),
        (ApplicationState::InReview, at("2026-11-05T05:40:00Z")),
    ];
    // Its receipt was left in the printer's mouth and pulled back: "print again" shows.
    in_review.receipt = ReceiptFate::NotTaken;
    AppList {
        records: vec![
            record(
                DONE_ID,
                "unemployed-registration",
                ApplicationState::Received,
                None,
            ),
            in_review,
            record(
                "YAS01-260915-0042",
                INFO_SERVICE,
                ApplicationState::Approved,
                Some("2026-11-24T17:05:00Z"),
            ),
            rejected(),
        ],
        offline: false,
        loading: false,
    }
}

/// A rejected application with the centre's reason and next step.
fn rejected() -> AppRecord {
    let texts = |az: &str, ru: &str, en: &str| dost_api::Texts {
        az: az.into(),
        ru: ru.into(),
        en: en.into(),
    };
    AppRecord {
        application_id: id(REJECTED_ID),
        service_id: FORM_SERVICE.into(),
        state: ApplicationState::Rejected,
        as_of: Some(at("2026-11-24T17:05:00Z")),
        pending_upload: false,
        history: vec![
            (ApplicationState::Submitted, at("2026-09-10T07:02:00Z")),
            (ApplicationState::Received, at("2026-09-10T07:03:00Z")),
            (ApplicationState::InReview, at("2026-09-12T06:00:00Z")),
            (ApplicationState::Rejected, at("2026-09-30T11:20:00Z")),
        ],
        receipt: ReceiptFate::Normal,
        rejection: Some(dost_api::Rejection {
            code: "income_above_threshold".into(),
            reason: texts(
                "Ailənin orta aylıq gəliri ehtiyac meyarından yüksəkdir.",
                "Среднемесячный доход семьи выше критерия нуждаемости.",
                "The family's average monthly income is above the need threshold.",
            ),
            next_step: texts(
                "Qərarla razı deyilsinizsə, 30 gün ərzində DOST mərkəzində şikayət verə bilərsiniz.",
                "Если вы не согласны с решением, подайте жалобу в центре DOST в течение 30 дней.",
                "If you disagree with the decision, you can appeal at a DOST centre within 30 days.",
            ),
            action: dost_api::NextAction::Appeal,
        }),
    }
}

/// The technician's settings form: a reader on a USB adapter, a printer that is unplugged, and
/// an application-number code that is refused.
pub fn settings_draft() -> SettingsDraft {
    let original = Settings {
        reader_port: Some("/dev/ttyUSB0".into()),
        reader_baud: 9600,
        reader_line: Line {
            data_bits: 8,
            parity: card_reader::Parity::None,
            stop_bits: 1,
        },
        reader_framing: card_reader::Framing::ThreeM,
        // A printer that is not plugged in now.
        printer_port: Some("/dev/ttyS1".into()),
        printer_baud: 38400,
        central_url: "https://api.dost.gov.az".into(),
        kiosk_id: "DOST-YASAMAL-K01".into(),
        kiosk_code: "YAS01".into(),
        center_name: "DOST Yasamal".into(),
    };
    let ports = vec![
        PortInfo {
            path: "/dev/ttyUSB0".into(),
            usb: Some("0403:6001 FT232R USB UART".into()),
        },
        PortInfo {
            path: "/dev/ttyS0".into(),
            usb: None,
        },
    ];
    let mut draft = SettingsDraft::new(original, ports);
    draft.edit("kiosk_code", "YAS-01");
    draft.check();
    draft
}

/// A combined document reader's contactless chip reader, after a genuine ID card.
pub fn chip_board() -> ChipBoard {
    ChipBoard {
        reader: Some(ChipReaderState::Ready {
            reader: "ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 00 00".into(),
        }),
        last: Some(ChipLastTest {
            test: ChipTest::Read {
                outcome: ChipOutcome::Genuine(CloneCheck::ChipAuthentication),
                access: "PACE-GM P-256 AES-128".into(),
                ms: 1480,
            },
            at: at("2026-11-24T17:04:02Z"),
        }),
    }
}

/// Devices and service facts as a technician would see them on a working kiosk with paper
/// running low and two receipts held.
pub fn facts() -> Facts {
    Facts {
        storage_ok: true,
        devices: DeviceBoard {
            reader: Some(DeviceState::Online),
            printer: Some(PrinterFacts {
                state: DeviceState::Online,
                paper: SensorPaper::Ok,
                cover_open: false,
                cutter_error: false,
            }),
            supply: Some(Supply {
                receipts_left: 25,
                low: true,
            }),
            last_read: Some(LastRead {
                test: CardTest::Read {
                    format: "TD1".into(),
                    document_code: "ID".into(),
                    issuing_state: "AZE".into(),
                    masked_fin: Some("5ZX****".into()),
                    expiry: NaiveDate::from_ymd_opt(2031, 5, 20).unwrap_or_default(),
                },
                at: at("2026-11-24T17:04:00Z"),
            }),
            chip: chip_board(),
        },
        service: ServiceFacts {
            store: Some(Ok(StoreFacts {
                outbox_depth: 2,
                rejected: 0,
                paper_used_mm: 77_250.0,
                held: vec![
                    HeldJob {
                        job_id: 41,
                        application_id: Some(id("YAS01-261124-0008")),
                        reason: Some(HoldReason::PaperOut),
                    },
                    HeldJob {
                        job_id: 42,
                        application_id: Some(id("YAS01-261124-0009")),
                        reason: Some(HoldReason::PaperOut),
                    },
                    HeldJob {
                        job_id: 39,
                        application_id: Some(id("YAS01-261124-0006")),
                        reason: Some(HoldReason::NotTaken),
                    },
                ],
                help_calls: vec![HelpCall {
                    at: at("2026-11-24T17:03:00Z"),
                    screen: ScreenId::Form,
                }],
            })),
            sync: SyncFacts {
                online: true,
                last_error: None,
            },
            central_url: "https://kiosk-api.dost.gov.az".into(),
            ports: Some(Ok(vec![
                "/dev/ttyUSB0 · USB 0403:6001 FT232R USB UART".into(),
                "/dev/ttyS0".into(),
            ])),
            disk_free: Some(48 << 30),
            log_tail: vec![
                "2026-11-24T17:04:58Z INFO application stored application=YAS01-261124-0009".into(),
                "2026-11-24T17:05:01Z INFO outbox batch delivered sent=1 recorded=1".into(),
            ],
            at: Some(at("2026-11-24T17:05:00Z")),
            kiosk_id: "DOST-YASAMAL-K01".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            location: "Zal 1, girişin sağında".into(),
        },
    }
}

/// The sample queue ticket (numbered by the centre).
pub fn ticket() -> Ticket {
    Ticket {
        number: "D017".into(),
        issued_at: at("2026-11-24T10:05:00Z"),
        people_ahead: Some(3),
        wait_min: Some(18),
        offline: false,
        status_url: "https://status.dost.gov.az/status/D017?code=3F2A9C41B0".into(),
        sms: true,
        printing: true,
    }
}

/// The session and facts that show `screen` (in `lang`).
pub fn session(screen: ScreenId, lang: Lang) -> (Session, Facts) {
    let mut facts = facts();
    let citizen_session = |phase| Session {
        phase,
        citizen: Some(citizen()),
        ..Session::new(lang)
    };
    let form = |phase| {
        let mut s = citizen_session(phase);
        s.answers_for = Some(FORM_SERVICE.into());
        s.answers.insert("phone".into(), "+994 50 123 45 67".into());
        s.answers.insert("family_size".into(), "25".into());
        s.answers.insert(
            "address".into(),
            "Bakı, Yasamal r., Şərifzadə küç. 12, m. 5".into(),
        );
        s
    };
    let session = match screen {
        ScreenId::Attract => Session::new(lang),
        ScreenId::ReadingCard => Session {
            phase: Phase::Verifying,
            ..Session::new(lang)
        },
        ScreenId::CardError => Session {
            phase: Phase::CardError {
                kind: CardErrorKind::Unreadable,
                since_ms: 0,
            },
            ..Session::new(lang)
        },
        ScreenId::Welcome => citizen_session(Phase::Welcome),
        ScreenId::Catalog => citizen_session(Phase::Catalog),
        ScreenId::Form => {
            let mut s = form(Phase::Form {
                service: FORM_SERVICE.into(),
                page: 1,
            });
            s.errors
                .insert("family_size".into(), FieldError::OutOfRange);
            s
        }
        ScreenId::Review => {
            let mut s = form(Phase::Review {
                service: FORM_SERVICE.into(),
            });
            s.answers.insert("family_size".into(), "4".into());
            s
        }
        ScreenId::Submitting => form(Phase::Submitting {
            service: FORM_SERVICE.into(),
        }),
        ScreenId::Done => citizen_session(Phase::Done {
            service: FORM_SERVICE.into(),
            application_id: id(DONE_ID),
            receipt: ReceiptState::NotAvailable,
            status_url: DONE_URL.into(),
            delivered: false,
        }),
        ScreenId::QueueTicket => citizen_session(Phase::Ticket {
            service: DESK_SERVICE.into(),
            ticket: ticket(),
        }),
        ScreenId::MyApplications => Session {
            applications: applications(),
            ..citizen_session(Phase::MyApplications)
        },
        ScreenId::OutOfService => {
            facts.devices.reader = Some(DeviceState::NoDevice);
            Session::new(lang)
        }
        ScreenId::ServiceInfo => citizen_session(Phase::ServiceInfo {
            service: INFO_SERVICE.into(),
        }),
        ScreenId::ApplicationDetail => Session {
            applications: applications(),
            ..citizen_session(Phase::ApplicationDetail {
                application_id: id(DETAIL_ID),
            })
        },
        ScreenId::Rating => citizen_session(Phase::Rating {
            service: Some(FORM_SERVICE.into()),
        }),
        ScreenId::ServicePin
        | ScreenId::ServiceTechnician
        | ScreenId::ServiceStaff
        | ScreenId::ServiceSettings
        | ScreenId::ReadingChip
        | ScreenId::ChipRefused => unattended(screen, lang),
    };
    (session, facts)
}

/// The sessions of the screens no citizen has opened: service mode and the chip check.
fn unattended(screen: ScreenId, lang: Lang) -> Session {
    let service = |lang, role: Option<Role>| Session {
        phase: role.map_or(Phase::ServicePin, Phase::Service),
        ..Session::new(lang)
    };
    match screen {
        ScreenId::ServicePin => Session {
            service: ServiceState {
                pin_refusal: Some(crate::view::PinRefusal::Wrong { tries_left: 2 }),
                ..ServiceState::default()
            },
            ..service(lang, None)
        },
        ScreenId::ServiceTechnician => Session {
            service: ServiceState {
                message: Some(ServiceMessage::TestPageQueued { job: 43 }),
                ..ServiceState::default()
            },
            ..service(lang, Some(Role::Technician))
        },
        ScreenId::ServiceStaff => service(lang, Some(Role::Staff)),
        ScreenId::ServiceSettings => Session {
            service: ServiceState {
                settings: Some(Box::new(settings_draft())),
                ..ServiceState::default()
            },
            ..service(lang, Some(Role::Technician))
        },
        ScreenId::ReadingChip => Session {
            phase: Phase::ReadingChip {
                document: ChipDocument::IdCard,
                percent: 60,
                since_ms: 0,
            },
            ..Session::new(lang)
        },
        ScreenId::ChipRefused => Session {
            phase: Phase::ChipRefused {
                refusal: ChipRefusal::Invalid(ChipInvalid::Clone),
                since_ms: 0,
            },
            ..Session::new(lang)
        },
        _ => Session::new(lang),
    }
}

/// The view of `screen` in `lang`, through [`screen::view`] with `catalog`.
pub fn view(screen: ScreenId, lang: Lang, catalog: &Catalog) -> ViewModel {
    let (session, facts) = session(screen, lang);
    view_of(&session, &facts, catalog)
}

/// States the screen samples do not show, by name (`dost-kiosk screenshot --state NAME`).
pub const STATES: &[&str] = &[
    "help",
    "help-staff-called",
    "rejected",
    "done-delivered",
    "ticket-offline",
    "ticket-issuing",
    "thanks",
    "idle-countdown",
    "form-errors",
    "form-sms",
];

/// The view of a named state in `lang` (None for an unknown name).
pub fn state(name: &str, lang: Lang, catalog: &Catalog) -> Option<ViewModel> {
    let (mut session, facts) = match name {
        "help" | "help-staff-called" => session(ScreenId::Form, lang),
        "rejected" => session(ScreenId::ApplicationDetail, lang),
        "done-delivered" => session(ScreenId::Done, lang),
        "ticket-offline" | "ticket-issuing" => session(ScreenId::QueueTicket, lang),
        "thanks" => session(ScreenId::Rating, lang),
        "idle-countdown" => session(ScreenId::Review, lang),
        "form-errors" | "form-sms" => session(ScreenId::Form, lang),
        _ => return None,
    };
    match name {
        "help" => session.help.open = true,
        "help-staff-called" => {
            session.help = HelpState {
                open: true,
                staff_called: true,
            }
        }
        "rejected" => {
            session.phase = Phase::ApplicationDetail {
                application_id: id(REJECTED_ID),
            }
        }
        "done-delivered" => {
            if let Phase::Done { delivered, .. } = &mut session.phase {
                *delivered = true;
            }
        }
        "ticket-offline" => {
            let mut t = ticket();
            (t.number, t.offline, t.people_ahead, t.wait_min, t.sms) =
                ("YAS01-T007".into(), true, None, None, false);
            session.phase = Phase::Ticket {
                service: DESK_SERVICE.into(),
                ticket: t,
            };
        }
        "ticket-issuing" => {
            session.phase = Phase::IssuingTicket {
                service: DESK_SERVICE.into(),
            }
        }
        "thanks" => session.phase = Phase::Thanks { since_ms: 0 },
        "idle-countdown" => {
            let policy = Policy::default();
            session.last_activity_ms = 0;
            session.now_ms = policy.idle_timeout_ms - 18_000;
        }
        "form-errors" => {
            session.phase = Phase::Form {
                service: "lawyer-consultation".into(),
                page: 1,
            };
            session.answers_for = Some("lawyer-consultation".into());
            session.answers.clear();
            session.answers.insert("phone".into(), "+994 33 123".into());
            session.errors.clear();
            session
                .errors
                .insert("phone".into(), FieldError::PhoneFormat);
            session.errors.insert("topic".into(), FieldError::Required);
        }
        "form-sms" => {
            session.phase = Phase::Form {
                service: DESK_SERVICE.into(),
                page: 1,
            };
            session.answers_for = Some(DESK_SERVICE.into());
            session.answers.clear();
            session
                .answers
                .insert("sms_phone".into(), "+994 12 555 12 34".into());
            session.errors.clear();
            session
                .errors
                .insert("sms_phone".into(), FieldError::PhoneFormat);
            session
                .errors
                .insert("sms_consent".into(), FieldError::ConsentRequired);
        }
        _ => {}
    }
    Some(view_of(&session, &facts, catalog))
}

/// The view of `session` with `facts`, as the samples show it (demo kiosk, default policy).
pub fn view_of(session: &Session, facts: &Facts, catalog: &Catalog) -> ViewModel {
    let policy = Policy::default();
    let ctx = ViewCtx {
        catalog,
        policy: &policy,
        center_name: "DOST Yasamal",
        demo: true,
    };
    screen::view(session, facts, &ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_screen_has_a_sample_that_shows_it() {
        let text = include_str!("../../../config/services.toml");
        let catalog = Catalog::parse(text, "services.toml").unwrap_or_else(|e| panic!("{e}"));
        for &screen in ScreenId::ALL {
            for lang in Lang::ALL {
                let vm = view(screen, lang, &catalog);
                assert_eq!(vm.screen, screen, "{lang:?}");
                assert_eq!(vm.lang, lang);
            }
        }
        let form = view(ScreenId::Form, Lang::Az, &catalog)
            .form
            .unwrap_or_default();
        assert_eq!(form.fields.len(), 2);
        assert_eq!(form.fields[1].error, Some(FieldError::OutOfRange));
        let staff = view(ScreenId::ServiceStaff, Lang::En, &catalog);
        assert_eq!(staff.service.as_ref().map(|s| s.held.len()), Some(3));
        assert_eq!(staff.service.map(|s| s.help_calls.len()), Some(1));
        for &name in STATES {
            for lang in Lang::ALL {
                assert!(state(name, lang, &catalog).is_some(), "{name}");
            }
        }
        assert!(state("nothing", Lang::Az, &catalog).is_none());
        let rejected = state("rejected", Lang::Ru, &catalog).and_then(|v| v.application_detail);
        assert!(
            rejected
                .and_then(|d| d.rejection)
                .is_some_and(|r| r.reason.contains("доход"))
        );
        let idle = state("idle-countdown", Lang::Az, &catalog);
        assert!(idle.and_then(|v| v.idle_countdown).is_some_and(|s| s >= 18));
        assert!(state("help", Lang::En, &catalog).is_some_and(|v| v.help.is_some()));
        let settings = view(ScreenId::ServiceSettings, Lang::Ru, &catalog);
        assert!(
            settings
                .form
                .is_some_and(|f| f.fields.iter().any(|f| f.error.is_some()))
        );
    }
}

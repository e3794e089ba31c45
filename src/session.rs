//! The citizen session: a pure state machine, `step(session, event) -> (session, effects)`.
//!
//! No I/O and no clock here: time arrives in events, and whatever must happen outside (ask the
//! centre, store an application, load statuses) leaves as an [`Effect`] for the runtime to
//! execute. Results come back as events tagged with the session generation, so a late answer
//! for a session that has already been wiped is dropped.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use dost_api::ApplicationState;

use crate::catalog::{Catalog, FieldKindDef, Service};
use crate::config::{AcceptedDocument, OfflineAuth};
use crate::service::{PinResult, Role};
use crate::settings::{Settings, SettingsDraft};
use crate::text;
use crate::validate;
use crate::view::{
    CardErrorKind, FieldError, Lang, PinRefusal, ReceiptState, ServiceAction, ServiceModeView,
    UiEvent,
};

/// What the session needs to know of the configuration.
#[derive(Debug, Clone)]
pub struct Policy {
    pub accept: Vec<AcceptedDocument>,
    pub offline_auth: OfflineAuth,
    pub idle_timeout_ms: u64,
    pub countdown_ms: u64,
    pub card_error_ms: u64,
    pub default_lang: Lang,
    /// Service mode closes after this long without a touch.
    pub service_idle_ms: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            accept: vec![AcceptedDocument::AzeIdCard, AcceptedDocument::Passport],
            offline_auth: OfflineAuth::Allow,
            idle_timeout_ms: 45_000,
            countdown_ms: 10_000,
            card_error_ms: 15_000,
            default_lang: Lang::Az,
            service_idle_ms: 120_000,
        }
    }
}

/// Kind of a document, as the acceptance policy sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    AzeIdCard,
    Passport,
    ForeignIdCard,
    Other,
}

/// A card that parsed and passed every check digit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardData {
    pub kind: DocKind,
    pub fin: Option<String>,
    pub document_number: String,
    pub surname: String,
    pub given_names: Vec<String>,
    pub expiry: NaiveDate,
}

/// The citizen of the session: only what the session needs, wiped with it.
#[derive(Clone, PartialEq, Eq)]
pub struct Citizen {
    /// FİN, or for documents without one the document number.
    pub fin: String,
    pub document_number: String,
    pub display_name: String,
    pub expiry: NaiveDate,
}

impl std::fmt::Debug for Citizen {
    // Never print personal data, even in debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Citizen")
            .field("fin", &text::mask_fin(&self.fin))
            .finish_non_exhaustive()
    }
}

/// Answer of the centre to "is this document valid?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyOutcome {
    Valid,
    Invalid,
    /// The centre could not be asked.
    Unreachable,
}

/// One of the citizen's applications, as the kiosk knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppRecord {
    pub application_id: String,
    pub service_id: String,
    pub state: ApplicationState,
    /// When the centre last confirmed `state` (None: never, still in the outbox).
    pub as_of: Option<DateTime<Utc>>,
    pub pending_upload: bool,
    /// Status history from the centre, oldest first.
    pub history: Vec<(ApplicationState, DateTime<Utc>)>,
}

/// The citizen's applications as loaded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppList {
    pub records: Vec<AppRecord>,
    pub offline: bool,
    pub loading: bool,
}

/// Where the session is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Phase {
    #[default]
    Attract,
    /// A card was read; the centre is being asked.
    Verifying,
    CardError {
        kind: CardErrorKind,
        since_ms: u64,
    },
    Welcome,
    Catalog,
    /// What the chosen service is, before its form.
    ServiceInfo {
        service: String,
    },
    Form {
        service: String,
        page: u32,
    },
    Review {
        service: String,
    },
    Submitting {
        service: String,
    },
    Done {
        service: String,
        application_id: String,
        lookup_code: String,
        receipt: ReceiptState,
    },
    MyApplications,
    ApplicationDetail {
        application_id: String,
    },
    /// "How was your visit?" after a finished application.
    Rating {
        service: Option<String>,
    },
    /// Service mode: the PIN pad (`role` None) or a role's screen.
    Service {
        role: Option<Role>,
    },
}

/// Everything the session holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Session {
    pub phase: Phase,
    pub lang: Lang,
    /// Increases at every wipe; results of effects carry it.
    pub generation: u64,
    pub citizen: Option<Citizen>,
    /// A card waiting for the centre's answer.
    pub pending: Option<Citizen>,
    /// Service the answers belong to.
    pub answers_for: Option<String>,
    /// Raw answers by field id, kept when the citizen goes back and forth.
    pub answers: BTreeMap<String, String>,
    pub errors: BTreeMap<String, FieldError>,
    pub applications: AppList,
    pub last_activity_ms: u64,
    pub now_ms: u64,
    /// The last submit could not be stored: nothing was saved.
    pub submit_failed: bool,
    pub large_text: bool,
    pub high_contrast: bool,
    /// Service mode: the last PIN refusal, a PIN being checked, the data shown.
    pub pin_refusal: Option<PinRefusal>,
    pub checking_pin: bool,
    pub service_view: Option<Box<ServiceModeView>>,
    /// The technician's settings form, while it is open.
    pub settings: Option<Box<SettingsDraft>>,
}

/// An application ready to store.
#[derive(Clone, PartialEq, Eq)]
pub struct Submission {
    pub service_id: String,
    pub lang: Lang,
    pub fin: String,
    pub document_number: String,
    /// Normalised answers by field id.
    pub answers: BTreeMap<String, String>,
}

impl std::fmt::Debug for Submission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Submission")
            .field("service_id", &self.service_id)
            .field("fin", &text::mask_fin(&self.fin))
            .finish_non_exhaustive()
    }
}

/// Something that happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Ui(UiEvent),
    /// A card read that passed the parser; `today` is the date in Asia/Baku.
    Card {
        card: CardData,
        today: NaiveDate,
    },
    /// A read that failed (garbled, check digit): take the card out and insert it again.
    CardUnreadable,
    Verified {
        generation: u64,
        outcome: VerifyOutcome,
    },
    Stored {
        generation: u64,
        application_id: String,
        lookup_code: String,
        receipt: ReceiptState,
    },
    StoreFailed {
        generation: u64,
    },
    /// The receipt of an application printed or was held.
    Receipt {
        application_id: String,
        receipt: ReceiptState,
    },
    /// The PIN pad's answer.
    PinChecked(PinResult),
    /// Fresh data for the service screens.
    ServiceData(Box<ServiceModeView>),
    /// The settings form, made from the configuration file and the machine's ports (or why
    /// it could not be made).
    SettingsLoaded(Result<Box<SettingsDraft>, String>),
    /// The settings were written (a message for the technician) or refused (why).
    SettingsSaved(Result<String, String>),
    Applications {
        generation: u64,
        list: AppList,
    },
    /// Time passes (sent about once a second while a session is open).
    Tick,
}

/// Work for the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Verify {
        generation: u64,
        fin: String,
        document_number: String,
    },
    Submit {
        generation: u64,
        submission: Submission,
    },
    LoadApplications {
        generation: u64,
        fin: String,
    },
    /// The session was wiped: forget anything kept for it.
    Wiped,
    /// Keep a satisfaction rating for the centre.
    Rate {
        service_id: Option<String>,
        score: u8,
        lang: Lang,
    },
    /// Check a service PIN (slow hash, lockout).
    CheckPin {
        pin: String,
    },
    /// Do a service action as this role (then load fresh data).
    Service {
        role: Role,
        action: ServiceAction,
    },
    /// Service mode was left (audit).
    ServiceClosed {
        role: Option<Role>,
    },
    /// Make the settings form from the configuration file and the machine's serial ports.
    LoadSettings,
    /// Write the settings to the configuration file, then apply them.
    SaveSettings {
        settings: Box<Settings>,
        original: Box<Settings>,
    },
}

/// Read-only context of a step.
pub struct Ctx<'a> {
    pub policy: &'a Policy,
    pub catalog: &'a Catalog,
}

impl Session {
    pub fn new(lang: Lang) -> Self {
        Session {
            lang,
            ..Session::default()
        }
    }

    /// Seconds left before an idle session is wiped, when the countdown is showing.
    pub fn idle_countdown(&self, policy: &Policy) -> Option<u32> {
        if !self.is_open() || matches!(self.phase, Phase::Submitting { .. } | Phase::Service { .. })
        {
            return None;
        }
        let deadline = self.last_activity_ms + policy.idle_timeout_ms;
        let left = deadline.saturating_sub(self.now_ms);
        (left <= policy.countdown_ms).then(|| left.div_ceil(1000) as u32)
    }

    /// A citizen's session is open (a card was accepted or is being checked).
    pub fn is_open(&self) -> bool {
        !matches!(self.phase, Phase::Attract | Phase::CardError { .. })
    }

    /// The chosen service, when the phase has one.
    pub fn service_id(&self) -> Option<&str> {
        match &self.phase {
            Phase::ServiceInfo { service }
            | Phase::Form { service, .. }
            | Phase::Review { service }
            | Phase::Submitting { service }
            | Phase::Done { service, .. } => Some(service),
            _ => None,
        }
    }

    fn wiped(&self, effects: &mut Vec<Effect>, default_lang: Lang) -> Session {
        effects.push(Effect::Wiped);
        Session {
            generation: self.generation + 1,
            now_ms: self.now_ms,
            last_activity_ms: self.now_ms,
            ..Session::new(default_lang)
        }
    }
}

/// Advances the session by one event at time `now_ms` (a monotonic clock in milliseconds).
pub fn step(mut s: Session, event: Event, now_ms: u64, ctx: &Ctx) -> (Session, Vec<Effect>) {
    let mut fx = Vec::new();
    s.now_ms = now_ms;
    let s = match event {
        Event::Tick => on_tick(s, ctx, &mut fx),
        Event::Ui(ui) => {
            s.last_activity_ms = now_ms;
            on_ui(s, ui, ctx, &mut fx)
        }
        Event::Card { card, today } => on_card(s, card, today, ctx, &mut fx),
        Event::CardUnreadable => match s.phase {
            Phase::Attract | Phase::CardError { .. } => Session {
                phase: Phase::CardError {
                    kind: CardErrorKind::Unreadable,
                    since_ms: now_ms,
                },
                ..s
            },
            _ => s,
        },
        Event::Verified {
            generation,
            outcome,
        } if generation == s.generation => on_verified(s, outcome, ctx, &mut fx),
        Event::Stored {
            generation,
            application_id,
            lookup_code,
            receipt,
        } if generation == s.generation => match s.phase {
            Phase::Submitting { service } => Session {
                phase: Phase::Done {
                    service,
                    application_id,
                    lookup_code,
                    receipt,
                },
                answers: BTreeMap::new(),
                answers_for: None,
                errors: BTreeMap::new(),
                submit_failed: false,
                last_activity_ms: now_ms,
                ..s
            },
            _ => s,
        },
        Event::StoreFailed { generation } if generation == s.generation => match s.phase {
            Phase::Submitting { service } => Session {
                phase: Phase::Review { service },
                submit_failed: true,
                last_activity_ms: now_ms,
                ..s
            },
            _ => s,
        },
        Event::Receipt {
            application_id,
            receipt,
        } => match s.phase {
            Phase::Done {
                service,
                application_id: current,
                lookup_code,
                receipt: old,
            } => {
                let receipt = if current == application_id {
                    receipt
                } else {
                    old
                };
                Session {
                    phase: Phase::Done {
                        service,
                        application_id: current,
                        lookup_code,
                        receipt,
                    },
                    ..s
                }
            }
            _ => s,
        },
        Event::PinChecked(result) => match s.phase {
            Phase::Service { role: None } => {
                let mut s = Session {
                    checking_pin: false,
                    last_activity_ms: now_ms,
                    ..s
                };
                match result {
                    PinResult::Granted(role) => {
                        s.phase = Phase::Service { role: Some(role) };
                        s.pin_refusal = None;
                        fx.push(Effect::Service {
                            role,
                            action: ServiceAction::Refresh,
                        });
                    }
                    PinResult::Wrong { tries_left } => {
                        s.pin_refusal = Some(PinRefusal::Wrong { tries_left })
                    }
                    PinResult::Locked { for_ms } => {
                        s.pin_refusal = Some(PinRefusal::Locked {
                            seconds: for_ms.div_ceil(1000) as u32,
                        })
                    }
                }
                s
            }
            _ => s,
        },
        Event::ServiceData(data) => match s.phase {
            Phase::Service { role: Some(_) } => Session {
                service_view: Some(data),
                ..s
            },
            _ => s,
        },
        Event::SettingsLoaded(result) => match s.phase {
            Phase::Service {
                role: Some(Role::Technician),
            } => match result {
                Ok(draft) => Session {
                    settings: Some(draft),
                    ..s
                },
                Err(why) => with_service_message(s, why),
            },
            _ => s,
        },
        Event::SettingsSaved(result) => match (s.phase.clone(), s.settings.clone()) {
            (
                Phase::Service {
                    role: Some(Role::Technician),
                },
                Some(mut draft),
            ) => match result {
                Ok(message) => Session {
                    settings: None,
                    ..with_service_message(s, message)
                },
                Err(why) => {
                    draft.saving = false;
                    draft.save_error = Some(why);
                    Session {
                        settings: Some(draft),
                        ..s
                    }
                }
            },
            _ => s,
        },
        Event::Applications { generation, list } if generation == s.generation => Session {
            applications: list,
            ..s
        },
        // A result for a session that no longer exists.
        Event::Verified { .. }
        | Event::Stored { .. }
        | Event::StoreFailed { .. }
        | Event::Applications { .. } => s,
    };
    (s, fx)
}

/// The service screen's data with `message` shown on it.
fn with_service_message(s: Session, message: String) -> Session {
    let mut view = s.service_view.clone().unwrap_or_default();
    view.message = Some(message);
    Session {
        service_view: Some(view),
        ..s
    }
}

fn on_tick(s: Session, ctx: &Ctx, fx: &mut Vec<Effect>) -> Session {
    match s.phase {
        Phase::Service { role } => {
            if s.now_ms >= s.last_activity_ms + ctx.policy.service_idle_ms {
                fx.push(Effect::ServiceClosed { role });
                s.wiped(fx, ctx.policy.default_lang)
            } else {
                s
            }
        }
        Phase::CardError { since_ms, .. } if s.now_ms >= since_ms + ctx.policy.card_error_ms => {
            Session {
                phase: Phase::Attract,
                ..s
            }
        }
        Phase::Submitting { .. } => s,
        _ if s.is_open() && s.now_ms >= s.last_activity_ms + ctx.policy.idle_timeout_ms => {
            s.wiped(fx, ctx.policy.default_lang)
        }
        _ => s,
    }
}

fn on_card(
    s: Session,
    card: CardData,
    today: NaiveDate,
    ctx: &Ctx,
    fx: &mut Vec<Effect>,
) -> Session {
    // A card only opens a session from the attract screen (or after a refused card).
    if s.is_open() {
        return s;
    }
    let refuse = |s: Session, kind| Session {
        phase: Phase::CardError {
            kind,
            since_ms: s.now_ms,
        },
        ..s
    };
    let accepted = match card.kind {
        DocKind::AzeIdCard => ctx.policy.accept.contains(&AcceptedDocument::AzeIdCard),
        DocKind::Passport => ctx.policy.accept.contains(&AcceptedDocument::Passport),
        DocKind::ForeignIdCard => ctx.policy.accept.contains(&AcceptedDocument::ForeignIdCard),
        DocKind::Other => false,
    };
    if !accepted {
        return refuse(s, CardErrorKind::NotAccepted);
    }
    if card.expiry < today {
        return refuse(s, CardErrorKind::Expired);
    }
    let citizen = Citizen {
        fin: card
            .fin
            .clone()
            .unwrap_or_else(|| card.document_number.clone()),
        document_number: card.document_number.clone(),
        display_name: text::display_name(&card.given_names, &card.surname),
        expiry: card.expiry,
    };
    let generation = s.generation + 1;
    fx.push(Effect::Verify {
        generation,
        fin: citizen.fin.clone(),
        document_number: citizen.document_number.clone(),
    });
    Session {
        phase: Phase::Verifying,
        generation,
        pending: Some(citizen),
        last_activity_ms: s.now_ms,
        ..s
    }
}

fn on_verified(s: Session, outcome: VerifyOutcome, ctx: &Ctx, _fx: &mut Vec<Effect>) -> Session {
    if s.phase != Phase::Verifying {
        return s;
    }
    let ok = match outcome {
        VerifyOutcome::Valid => true,
        VerifyOutcome::Invalid => false,
        VerifyOutcome::Unreachable => ctx.policy.offline_auth == OfflineAuth::Allow,
    };
    if ok {
        Session {
            phase: Phase::Welcome,
            citizen: s.pending.clone(),
            pending: None,
            last_activity_ms: s.now_ms,
            ..s
        }
    } else {
        Session {
            phase: Phase::CardError {
                kind: CardErrorKind::NotVerified,
                since_ms: s.now_ms,
            },
            pending: None,
            ..s
        }
    }
}

fn on_ui(s: Session, ui: UiEvent, ctx: &Ctx, fx: &mut Vec<Effect>) -> Session {
    match ui {
        UiEvent::SetLanguage(lang) => Session { lang, ..s },
        UiEvent::Activity | UiEvent::DemoInsertCard => s,
        UiEvent::EndSession => {
            if let Phase::Done { service, .. } = s.phase {
                Session {
                    phase: Phase::Rating {
                        service: Some(service),
                    },
                    ..s
                }
            } else if matches!(s.phase, Phase::Service { .. }) {
                s
            } else if s.is_open() || matches!(s.phase, Phase::CardError { .. }) {
                s.wiped(fx, ctx.policy.default_lang)
            } else {
                s
            }
        }
        UiEvent::ToggleLargeText => Session {
            large_text: !s.large_text,
            ..s
        },
        UiEvent::ToggleHighContrast => Session {
            high_contrast: !s.high_contrast,
            ..s
        },
        UiEvent::ServiceEntry => match s.phase {
            Phase::Attract | Phase::CardError { .. } => Session {
                phase: Phase::Service { role: None },
                pin_refusal: None,
                checking_pin: false,
                service_view: None,
                ..s
            },
            _ => s,
        },
        UiEvent::PinEntered(pin) => match s.phase {
            Phase::Service { role: None } if !s.checking_pin && pin.len() <= 12 => {
                fx.push(Effect::CheckPin { pin });
                Session {
                    checking_pin: true,
                    ..s
                }
            }
            _ => s,
        },
        UiEvent::ServiceAction(ServiceAction::OpenSettings) => match s.phase {
            Phase::Service {
                role: Some(Role::Technician),
            } if s.settings.is_none() => {
                fx.push(Effect::LoadSettings);
                s
            }
            _ => s,
        },
        UiEvent::ServiceAction(ServiceAction::SaveSettings) => match (&s.phase, &s.settings) {
            (
                Phase::Service {
                    role: Some(Role::Technician),
                },
                Some(draft),
            ) if !draft.saving => {
                let mut draft = draft.clone();
                if draft.check() {
                    if draft.edited == draft.original {
                        return Session {
                            settings: None,
                            ..with_service_message(s, "settings unchanged".into())
                        };
                    }
                    draft.saving = true;
                    fx.push(Effect::SaveSettings {
                        settings: Box::new(draft.edited.clone()),
                        original: Box::new(draft.original.clone()),
                    });
                }
                Session {
                    settings: Some(draft),
                    ..s
                }
            }
            _ => s,
        },
        UiEvent::ServiceAction(action) => match s.phase {
            Phase::Service { role: Some(role) } => {
                let allowed = role == Role::Technician
                    || matches!(
                        action,
                        ServiceAction::TestPrint
                            | ServiceAction::PaperRestocked
                            | ServiceAction::ReprintHeld
                            | ServiceAction::Refresh
                    );
                if allowed {
                    fx.push(Effect::Service { role, action });
                }
                s
            }
            _ => s,
        },
        UiEvent::CloseService => match s.phase {
            Phase::Service { role } => {
                fx.push(Effect::ServiceClosed { role });
                s.wiped(fx, ctx.policy.default_lang)
            }
            _ => s,
        },
        UiEvent::StartForm => match s.phase {
            Phase::ServiceInfo { service } => Session {
                phase: Phase::Form { service, page: 1 },
                ..s
            },
            _ => s,
        },
        UiEvent::OpenApplication(id) => match s.phase {
            Phase::MyApplications
                if s.applications
                    .records
                    .iter()
                    .any(|r| r.application_id == id) =>
            {
                Session {
                    phase: Phase::ApplicationDetail { application_id: id },
                    ..s
                }
            }
            _ => s,
        },
        UiEvent::Rate(score) => match &s.phase {
            Phase::Rating { service } => {
                fx.push(Effect::Rate {
                    service_id: service.clone(),
                    score: score.clamp(1, 5),
                    lang: s.lang,
                });
                s.wiped(fx, ctx.policy.default_lang)
            }
            _ => s,
        },
        UiEvent::OpenCatalog => match s.phase {
            Phase::Welcome | Phase::Done { .. } | Phase::MyApplications => Session {
                phase: Phase::Catalog,
                ..s
            },
            _ => s,
        },
        UiEvent::OpenMyApplications => match (&s.phase, &s.citizen) {
            (Phase::Welcome | Phase::Done { .. } | Phase::Catalog, Some(c)) => {
                fx.push(Effect::LoadApplications {
                    generation: s.generation,
                    fin: c.fin.clone(),
                });
                Session {
                    phase: Phase::MyApplications,
                    applications: AppList {
                        loading: true,
                        ..AppList::default()
                    },
                    ..s
                }
            }
            _ => s,
        },
        UiEvent::SelectService(id) => match s.phase {
            Phase::Catalog if ctx.catalog.service(&id).is_some() => {
                let same = s.answers_for.as_deref() == Some(id.as_str());
                Session {
                    phase: Phase::ServiceInfo {
                        service: id.clone(),
                    },
                    answers: if same { s.answers } else { BTreeMap::new() },
                    errors: BTreeMap::new(),
                    answers_for: Some(id),
                    submit_failed: false,
                    ..s
                }
            }
            _ => s,
        },
        UiEvent::FieldEdited { field_id, value } if s.settings.is_some() => {
            let mut s = s;
            if let Some(draft) = s.settings.as_mut().filter(|d| !d.saving)
                && value.chars().count() <= 200
            {
                draft.edit(&field_id, &value);
            }
            s
        }
        UiEvent::FieldEdited { field_id, value } => match &s.phase {
            Phase::Form { service, page } => {
                let on_page = ctx
                    .catalog
                    .service(service)
                    .is_some_and(|svc| svc.fields_on(*page).any(|f| f.id == field_id));
                if !on_page || value.chars().count() > 200 {
                    return s;
                }
                let mut s = s;
                s.errors.remove(&field_id);
                s.answers.insert(field_id, value);
                s
            }
            _ => s,
        },
        UiEvent::Next => match s.phase.clone() {
            Phase::Form { service, page } => {
                let Some(svc) = ctx.catalog.service(&service) else {
                    return s;
                };
                let errors = check_page(svc, page, &s.answers, s.lang);
                if !errors.is_empty() {
                    return Session { errors, ..s };
                }
                let phase = if page < svc.pages() {
                    Phase::Form {
                        service,
                        page: page + 1,
                    }
                } else {
                    Phase::Review { service }
                };
                Session { phase, errors, ..s }
            }
            _ => s,
        },
        // Back from the settings form: nothing is written.
        UiEvent::Back if s.settings.as_ref().is_some_and(|d| !d.saving) => Session {
            settings: None,
            ..s
        },
        UiEvent::Back => {
            let phase = match s.phase.clone() {
                Phase::Form { service, page } if page > 1 => Phase::Form {
                    service,
                    page: page - 1,
                },
                Phase::Form { service, .. } => Phase::ServiceInfo { service },
                Phase::ServiceInfo { .. } => Phase::Catalog,
                Phase::ApplicationDetail { .. } => Phase::MyApplications,
                Phase::Review { service } => {
                    let pages = ctx.catalog.service(&service).map_or(1, Service::pages);
                    Phase::Form {
                        service,
                        page: pages,
                    }
                }
                Phase::Catalog | Phase::MyApplications => Phase::Welcome,
                other => other,
            };
            Session {
                phase,
                errors: BTreeMap::new(),
                submit_failed: false,
                ..s
            }
        }
        UiEvent::Submit => match (s.phase.clone(), s.citizen.clone()) {
            (Phase::Review { service }, Some(citizen)) => {
                let Some(svc) = ctx.catalog.service(&service) else {
                    return s;
                };
                let mut answers = BTreeMap::new();
                for page in 1..=svc.pages() {
                    let errors = check_page(svc, page, &s.answers, s.lang);
                    if !errors.is_empty() {
                        return Session {
                            phase: Phase::Form { service, page },
                            errors,
                            ..s
                        };
                    }
                }
                for f in &svc.fields {
                    let raw = s.answers.get(&f.id).map(String::as_str).unwrap_or("");
                    if let Ok(v) = normalise(f, raw, s.lang)
                        && !v.is_empty()
                    {
                        answers.insert(f.id.clone(), v);
                    }
                }
                fx.push(Effect::Submit {
                    generation: s.generation,
                    submission: Submission {
                        service_id: service.clone(),
                        lang: s.lang,
                        fin: citizen.fin.clone(),
                        document_number: citizen.document_number.clone(),
                        answers,
                    },
                });
                Session {
                    phase: Phase::Submitting { service },
                    submit_failed: false,
                    ..s
                }
            }
            _ => s,
        },
    }
}

/// Checks one value of a field; choice answers are stored by option id.
pub fn normalise(f: &crate::catalog::Field, raw: &str, lang: Lang) -> Result<String, FieldError> {
    if f.kind == FieldKindDef::Choice {
        let raw = raw.trim();
        if raw.is_empty() {
            return if f.required {
                Err(FieldError::Required)
            } else {
                Ok(String::new())
            };
        }
        return f
            .options
            .iter()
            .find(|o| o.id == raw || o.label.get(lang) == raw)
            .map(|o| o.id.clone())
            .ok_or(FieldError::Required);
    }
    validate::check(f.kind.into(), f.required, f.limits(), &[], raw)
}

fn check_page(
    svc: &Service,
    page: u32,
    answers: &BTreeMap<String, String>,
    lang: Lang,
) -> BTreeMap<String, FieldError> {
    svc.fields_on(page)
        .filter_map(|f| {
            let raw = answers.get(&f.id).map(String::as_str).unwrap_or("");
            normalise(f, raw, lang).err().map(|e| (f.id.clone(), e))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn catalog() -> Catalog {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/services.toml");
        Catalog::load(&p).unwrap_or_else(|e| panic!("{e}"))
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default()
    }

    fn card(kind: DocKind, expiry: (i32, u32, u32)) -> CardData {
        CardData {
            kind,
            fin: Some("5ZX7K2P".into()),
            document_number: "AA1234567".into(),
            surname: "MAMMADOV".into(),
            given_names: vec!["ALI".into()],
            expiry: NaiveDate::from_ymd_opt(expiry.0, expiry.1, expiry.2).unwrap_or_default(),
        }
    }

    fn good_card() -> Event {
        Event::Card {
            card: card(DocKind::AzeIdCard, (2030, 1, 1)),
            today: today(),
        }
    }

    fn ui(e: UiEvent) -> Event {
        Event::Ui(e)
    }

    fn edit(field: &str, value: &str) -> Event {
        ui(UiEvent::FieldEdited {
            field_id: field.into(),
            value: value.into(),
        })
    }

    /// Runs events (each one second after the last), returning the session and all effects.
    fn run(policy: &Policy, events: Vec<Event>) -> (Session, Vec<Effect>) {
        let cat = catalog();
        let ctx = Ctx {
            policy,
            catalog: &cat,
        };
        let mut s = Session::new(Lang::Az);
        let mut all = Vec::new();
        let mut t = 0;
        for ev in events {
            // Results of effects are answered for the current generation.
            let ev = match ev {
                Event::Verified { outcome, .. } => Event::Verified {
                    generation: s.generation,
                    outcome,
                },
                Event::Stored {
                    application_id,
                    lookup_code,
                    receipt,
                    ..
                } => Event::Stored {
                    generation: s.generation,
                    application_id,
                    lookup_code,
                    receipt,
                },
                Event::StoreFailed { .. } => Event::StoreFailed {
                    generation: s.generation,
                },
                other => other,
            };
            t += 1000;
            let (next, fx) = step(s, ev, t, &ctx);
            s = next;
            all.extend(fx);
        }
        (s, all)
    }

    fn verified(outcome: VerifyOutcome) -> Event {
        Event::Verified {
            generation: 0,
            outcome,
        }
    }

    fn stored() -> Event {
        Event::Stored {
            generation: 0,
            application_id: "YAS01-261124-0001".into(),
            lookup_code: "YAS01-261124-0001".into(),
            receipt: ReceiptState::Printing,
        }
    }

    #[derive(Debug, PartialEq)]
    enum P {
        Attract,
        Verifying,
        CardError(CardErrorKind),
        Welcome,
        Catalog,
        Form(u32),
        Review,
        Submitting,
        Done,
        Mine,
        Info,
        Detail,
        Rating,
        Service(Option<Role>),
    }

    fn phase(s: &Session) -> P {
        match &s.phase {
            Phase::Attract => P::Attract,
            Phase::Verifying => P::Verifying,
            Phase::CardError { kind, .. } => P::CardError(*kind),
            Phase::Welcome => P::Welcome,
            Phase::Catalog => P::Catalog,
            Phase::Form { page, .. } => P::Form(*page),
            Phase::Review { .. } => P::Review,
            Phase::Submitting { .. } => P::Submitting,
            Phase::Done { .. } => P::Done,
            Phase::MyApplications => P::Mine,
            Phase::ServiceInfo { .. } => P::Info,
            Phase::ApplicationDetail { .. } => P::Detail,
            Phase::Rating { .. } => P::Rating,
            Phase::Service { role } => P::Service(*role),
        }
    }

    #[test]
    fn event_sequences_lead_to_screens() {
        let svc = || ui(UiEvent::SelectService("disability-assessment".into()));
        let pension = || ui(UiEvent::SelectService("old-age-pension".into()));
        let cat = || ui(UiEvent::OpenCatalog);
        let start = || ui(UiEvent::StartForm);
        let table: Vec<(&str, Vec<Event>, P)> = vec![
            ("nothing", vec![], P::Attract),
            ("card read", vec![good_card()], P::Verifying),
            (
                "verified",
                vec![good_card(), verified(VerifyOutcome::Valid)],
                P::Welcome,
            ),
            (
                "centre says no",
                vec![good_card(), verified(VerifyOutcome::Invalid)],
                P::CardError(CardErrorKind::NotVerified),
            ),
            (
                "centre unreachable, policy allows",
                vec![good_card(), verified(VerifyOutcome::Unreachable)],
                P::Welcome,
            ),
            (
                "expired",
                vec![Event::Card {
                    card: card(DocKind::AzeIdCard, (2026, 11, 23)),
                    today: today(),
                }],
                P::CardError(CardErrorKind::Expired),
            ),
            (
                "expires today is still valid",
                vec![Event::Card {
                    card: card(DocKind::AzeIdCard, (2026, 11, 24)),
                    today: today(),
                }],
                P::Verifying,
            ),
            (
                "foreign id not accepted",
                vec![Event::Card {
                    card: card(DocKind::ForeignIdCard, (2030, 1, 1)),
                    today: today(),
                }],
                P::CardError(CardErrorKind::NotAccepted),
            ),
            (
                "garbled read",
                vec![Event::CardUnreadable],
                P::CardError(CardErrorKind::Unreadable),
            ),
            (
                "catalog",
                vec![good_card(), verified(VerifyOutcome::Valid), cat()],
                P::Catalog,
            ),
            (
                "form",
                vec![
                    good_card(),
                    verified(VerifyOutcome::Valid),
                    cat(),
                    svc(),
                    start(),
                ],
                P::Form(1),
            ),
            (
                "empty phone stays on form",
                vec![
                    good_card(),
                    verified(VerifyOutcome::Valid),
                    cat(),
                    svc(),
                    start(),
                    ui(UiEvent::Next),
                ],
                P::Form(1),
            ),
            (
                "review",
                vec![
                    good_card(),
                    verified(VerifyOutcome::Valid),
                    cat(),
                    svc(),
                    start(),
                    edit("phone", "+994 50 123 45 67"),
                    ui(UiEvent::Next),
                ],
                P::Review,
            ),
            (
                "two pages",
                vec![
                    good_card(),
                    verified(VerifyOutcome::Valid),
                    cat(),
                    pension(),
                    start(),
                    edit("phone", "0501234567"),
                    ui(UiEvent::Next),
                ],
                P::Form(2),
            ),
            (
                "submitting",
                vec![
                    good_card(),
                    verified(VerifyOutcome::Valid),
                    cat(),
                    svc(),
                    start(),
                    edit("phone", "+994 50 123 45 67"),
                    ui(UiEvent::Next),
                    ui(UiEvent::Submit),
                ],
                P::Submitting,
            ),
            (
                "done",
                vec![
                    good_card(),
                    verified(VerifyOutcome::Valid),
                    cat(),
                    svc(),
                    start(),
                    edit("phone", "+994 50 123 45 67"),
                    ui(UiEvent::Next),
                    ui(UiEvent::Submit),
                    stored(),
                ],
                P::Done,
            ),
            (
                "store failed goes back to review",
                vec![
                    good_card(),
                    verified(VerifyOutcome::Valid),
                    cat(),
                    svc(),
                    start(),
                    edit("phone", "+994 50 123 45 67"),
                    ui(UiEvent::Next),
                    ui(UiEvent::Submit),
                    Event::StoreFailed { generation: 0 },
                ],
                P::Review,
            ),
            (
                "my applications",
                vec![
                    good_card(),
                    verified(VerifyOutcome::Valid),
                    ui(UiEvent::OpenMyApplications),
                ],
                P::Mine,
            ),
            (
                "back from catalog",
                vec![
                    good_card(),
                    verified(VerifyOutcome::Valid),
                    cat(),
                    ui(UiEvent::Back),
                ],
                P::Welcome,
            ),
            (
                "end session",
                vec![
                    good_card(),
                    verified(VerifyOutcome::Valid),
                    ui(UiEvent::EndSession),
                ],
                P::Attract,
            ),
            (
                "second card ignored in a session",
                vec![good_card(), verified(VerifyOutcome::Valid), good_card()],
                P::Welcome,
            ),
        ];
        let policy = Policy::default();
        for (name, events, want) in table {
            let (s, _) = run(&policy, events);
            assert_eq!(phase(&s), want, "{name}");
        }
    }

    #[test]
    fn refuse_policy_refuses_when_centre_unreachable() {
        let policy = Policy {
            offline_auth: OfflineAuth::Refuse,
            ..Policy::default()
        };
        let (s, _) = run(
            &policy,
            vec![good_card(), verified(VerifyOutcome::Unreachable)],
        );
        assert_eq!(phase(&s), P::CardError(CardErrorKind::NotVerified));
        assert!(s.citizen.is_none());
    }

    #[test]
    fn submit_effect_carries_normalised_answers() {
        let (s, fx) = run(
            &Policy::default(),
            vec![
                good_card(),
                verified(VerifyOutcome::Valid),
                ui(UiEvent::OpenCatalog),
                ui(UiEvent::SelectService("lawyer-consultation".into())),
                ui(UiEvent::StartForm),
                edit("phone", "050 123 45 67"),
                edit("topic", "Pensiya"),
                ui(UiEvent::Next),
                ui(UiEvent::Submit),
            ],
        );
        assert_eq!(phase(&s), P::Submitting);
        let sub = fx.iter().find_map(|e| match e {
            Effect::Submit { submission, .. } => Some(submission.clone()),
            _ => None,
        });
        let sub = sub.unwrap_or_else(|| panic!("no submit in {fx:?}"));
        assert_eq!(
            sub.answers.get("phone").map(String::as_str),
            Some("+994501234567")
        );
        assert_eq!(
            sub.answers.get("topic").map(String::as_str),
            Some("pension")
        );
        assert_eq!(sub.fin, "5ZX7K2P");
    }

    #[test]
    fn answers_survive_going_back_and_forth() {
        let (s, _) = run(
            &Policy::default(),
            vec![
                good_card(),
                verified(VerifyOutcome::Valid),
                ui(UiEvent::OpenCatalog),
                ui(UiEvent::SelectService("old-age-pension".into())),
                ui(UiEvent::StartForm),
                edit("phone", "0501234567"),
                ui(UiEvent::Next),
                edit("iban", "AZ21NABZ00000000137010001944"),
                ui(UiEvent::Back),
                ui(UiEvent::Back),
                ui(UiEvent::SelectService("old-age-pension".into())),
                ui(UiEvent::StartForm),
            ],
        );
        assert_eq!(phase(&s), P::Form(1));
        assert_eq!(
            s.answers.get("phone").map(String::as_str),
            Some("0501234567")
        );
        assert_eq!(
            s.answers.get("iban").map(String::as_str),
            Some("AZ21NABZ00000000137010001944")
        );
    }

    #[test]
    fn validation_error_is_kept_per_field_and_cleared_on_edit() {
        let cat = catalog();
        let policy = Policy::default();
        let ctx = Ctx {
            policy: &policy,
            catalog: &cat,
        };
        let (s, _) = run(
            &policy,
            vec![
                good_card(),
                verified(VerifyOutcome::Valid),
                ui(UiEvent::OpenCatalog),
                ui(UiEvent::SelectService("disability-assessment".into())),
                ui(UiEvent::StartForm),
                edit("phone", "+994 33 000"),
                ui(UiEvent::Next),
            ],
        );
        assert_eq!(s.errors.get("phone"), Some(&FieldError::PhoneFormat));
        let (s, _) = step(s, edit("phone", "+994 5"), 100_000, &ctx);
        assert!(s.errors.is_empty());
    }

    #[test]
    fn idle_session_counts_down_then_wipes_everything() {
        let cat = catalog();
        let policy = Policy::default();
        let ctx = Ctx {
            policy: &policy,
            catalog: &cat,
        };
        let (mut s, _) = run(
            &policy,
            vec![
                good_card(),
                verified(VerifyOutcome::Valid),
                ui(UiEvent::OpenCatalog),
                ui(UiEvent::SelectService("disability-assessment".into())),
                ui(UiEvent::StartForm),
                edit("phone", "0501234567"),
            ],
        );
        let last = s.last_activity_ms;
        let generation = s.generation;
        assert_eq!(s.idle_countdown(&policy), None);
        let mut fx;
        (s, fx) = step(s, Event::Tick, last + 34_000, &ctx);
        assert_eq!(s.idle_countdown(&policy), None);
        assert!(fx.is_empty());
        (s, fx) = step(s, Event::Tick, last + 35_500, &ctx);
        assert_eq!(s.idle_countdown(&policy), Some(10));
        assert!(fx.is_empty());
        (s, _) = step(s, Event::Tick, last + 44_000, &ctx);
        assert_eq!(s.idle_countdown(&policy), Some(1));
        (s, fx) = step(s, Event::Tick, last + 45_000, &ctx);
        assert_eq!(fx, vec![Effect::Wiped]);
        assert_eq!(phase(&s), P::Attract);
        assert!(s.citizen.is_none() && s.answers.is_empty() && s.answers_for.is_none());
        assert_eq!(s.generation, generation + 1);
        assert_eq!(s.lang, policy.default_lang);
        // A touch during the countdown keeps the session.
        let (s2, _) = run(&policy, vec![good_card(), verified(VerifyOutcome::Valid)]);
        let t = s2.last_activity_ms;
        let (s2, _) = step(s2, Event::Tick, t + 40_000, &ctx);
        assert!(s2.idle_countdown(&policy).is_some());
        let (s2, _) = step(s2, ui(UiEvent::Activity), t + 41_000, &ctx);
        assert_eq!(s2.idle_countdown(&policy), None);
        let (s2, _) = step(s2, Event::Tick, t + 50_000, &ctx);
        assert_eq!(phase(&s2), P::Welcome);
    }

    #[test]
    fn late_results_of_a_wiped_session_are_dropped() {
        let cat = catalog();
        let policy = Policy::default();
        let ctx = Ctx {
            policy: &policy,
            catalog: &cat,
        };
        let (s, fx) = step(Session::new(Lang::Az), good_card(), 1000, &ctx);
        let Some(Effect::Verify { generation, .. }) = fx.first().cloned() else {
            panic!("verify expected: {fx:?}");
        };
        let (s, _) = step(s, ui(UiEvent::EndSession), 2000, &ctx);
        let (s, _) = step(
            s,
            Event::Verified {
                generation,
                outcome: VerifyOutcome::Valid,
            },
            3000,
            &ctx,
        );
        assert_eq!(phase(&s), P::Attract);
        assert!(s.citizen.is_none());
    }

    #[test]
    fn card_error_returns_to_attract() {
        let cat = catalog();
        let policy = Policy::default();
        let ctx = Ctx {
            policy: &policy,
            catalog: &cat,
        };
        let (s, _) = step(Session::new(Lang::Az), Event::CardUnreadable, 1000, &ctx);
        let (s, _) = step(s, Event::Tick, 1000 + policy.card_error_ms - 1, &ctx);
        assert_eq!(phase(&s), P::CardError(CardErrorKind::Unreadable));
        let (s, _) = step(s, Event::Tick, 1000 + policy.card_error_ms, &ctx);
        assert_eq!(phase(&s), P::Attract);
        // A good card right after a refused one opens a session.
        let (s, _) = step(s, Event::CardUnreadable, 20_000, &ctx);
        let (s, _) = step(s, good_card(), 21_000, &ctx);
        assert_eq!(phase(&s), P::Verifying);
    }

    #[test]
    fn debug_output_hides_the_fin() {
        let (s, _) = run(
            &Policy::default(),
            vec![good_card(), verified(VerifyOutcome::Valid)],
        );
        let dbg = format!("{s:?}");
        assert!(!dbg.contains("5ZX7K2P"), "{dbg}");
        assert!(
            !dbg.contains("MAMMADOV") && !dbg.contains("Mammadov"),
            "{dbg}"
        );
    }

    #[test]
    fn finishing_asks_for_a_rating_then_wipes() {
        let (s, fx) = run(
            &Policy::default(),
            vec![
                good_card(),
                verified(VerifyOutcome::Valid),
                ui(UiEvent::OpenCatalog),
                ui(UiEvent::SelectService("disability-assessment".into())),
                ui(UiEvent::StartForm),
                edit("phone", "0501234567"),
                ui(UiEvent::Next),
                ui(UiEvent::Submit),
                stored(),
                ui(UiEvent::EndSession),
            ],
        );
        assert_eq!(phase(&s), P::Rating);
        assert!(!fx.contains(&Effect::Wiped));
        let cat = catalog();
        let policy = Policy::default();
        let ctx = Ctx {
            policy: &policy,
            catalog: &cat,
        };
        let (rated, fx) = step(s.clone(), ui(UiEvent::Rate(9)), 200_000, &ctx);
        assert_eq!(phase(&rated), P::Attract);
        assert!(fx.contains(&Effect::Rate {
            service_id: Some("disability-assessment".into()),
            score: 5,
            lang: Lang::Az
        }));
        assert!(fx.contains(&Effect::Wiped));
        let (skipped, fx) = step(s, ui(UiEvent::EndSession), 200_000, &ctx);
        assert_eq!(phase(&skipped), P::Attract);
        assert!(!fx.iter().any(|e| matches!(e, Effect::Rate { .. })));
    }

    #[test]
    fn service_info_comes_before_the_form_and_back_returns_to_it() {
        let (s, _) = run(
            &Policy::default(),
            vec![
                good_card(),
                verified(VerifyOutcome::Valid),
                ui(UiEvent::OpenCatalog),
                ui(UiEvent::SelectService("old-age-pension".into())),
            ],
        );
        assert_eq!(phase(&s), P::Info);
        assert_eq!(s.service_id(), Some("old-age-pension"));
        let cat = catalog();
        let policy = Policy::default();
        let ctx = Ctx {
            policy: &policy,
            catalog: &cat,
        };
        let (s, _) = step(s, ui(UiEvent::StartForm), 100_000, &ctx);
        assert_eq!(phase(&s), P::Form(1));
        let (s, _) = step(s, ui(UiEvent::Back), 100_001, &ctx);
        assert_eq!(phase(&s), P::Info);
        let (s, _) = step(s, ui(UiEvent::Back), 100_002, &ctx);
        assert_eq!(phase(&s), P::Catalog);
    }

    #[test]
    fn application_detail_only_for_listed_applications() {
        let cat = catalog();
        let policy = Policy::default();
        let ctx = Ctx {
            policy: &policy,
            catalog: &cat,
        };
        let (s, _) = run(
            &policy,
            vec![
                good_card(),
                verified(VerifyOutcome::Valid),
                ui(UiEvent::OpenMyApplications),
            ],
        );
        let list = AppList {
            records: vec![AppRecord {
                application_id: "YAS01-261124-0001".into(),
                service_id: "disability-assessment".into(),
                state: ApplicationState::Received,
                as_of: None,
                pending_upload: false,
                history: vec![],
            }],
            offline: false,
            loading: false,
        };
        let generation = s.generation;
        let (s, _) = step(s, Event::Applications { generation, list }, 50_000, &ctx);
        let (s, _) = step(
            s,
            ui(UiEvent::OpenApplication("OTHER-1".into())),
            50_001,
            &ctx,
        );
        assert_eq!(phase(&s), P::Mine);
        let (s, _) = step(
            s,
            ui(UiEvent::OpenApplication("YAS01-261124-0001".into())),
            50_002,
            &ctx,
        );
        assert_eq!(phase(&s), P::Detail);
        let (s, _) = step(s, ui(UiEvent::Back), 50_003, &ctx);
        assert_eq!(phase(&s), P::Mine);
    }

    #[test]
    fn accessibility_switches_last_until_the_session_ends() {
        let (s, _) = run(
            &Policy::default(),
            vec![
                ui(UiEvent::ToggleLargeText),
                ui(UiEvent::ToggleHighContrast),
                good_card(),
                verified(VerifyOutcome::Valid),
            ],
        );
        assert!(s.large_text && s.high_contrast);
        let (s, _) = run(
            &Policy::default(),
            vec![
                ui(UiEvent::ToggleLargeText),
                good_card(),
                verified(VerifyOutcome::Valid),
                ui(UiEvent::EndSession),
            ],
        );
        assert!(!s.large_text && !s.high_contrast);
    }

    #[test]
    fn service_mode_pin_roles_and_idle_close() {
        let cat = catalog();
        let policy = Policy::default();
        let ctx = Ctx {
            policy: &policy,
            catalog: &cat,
        };
        // Not from inside a citizen's session.
        let (s, _) = run(
            &policy,
            vec![
                good_card(),
                verified(VerifyOutcome::Valid),
                ui(UiEvent::ServiceEntry),
            ],
        );
        assert_eq!(phase(&s), P::Welcome);

        let (s, _) = step(
            Session::new(Lang::Az),
            ui(UiEvent::ServiceEntry),
            1000,
            &ctx,
        );
        assert_eq!(phase(&s), P::Service(None));
        let (s, fx) = step(s, ui(UiEvent::PinEntered("1357".into())), 1100, &ctx);
        assert_eq!(fx, vec![Effect::CheckPin { pin: "1357".into() }]);
        // A card inserted meanwhile is ignored.
        let (s, fx) = step(s, good_card(), 1200, &ctx);
        assert!(fx.is_empty());
        let (s, _) = step(
            s,
            Event::PinChecked(PinResult::Wrong { tries_left: 4 }),
            1300,
            &ctx,
        );
        assert_eq!(s.pin_refusal, Some(PinRefusal::Wrong { tries_left: 4 }));
        let (s, _) = step(s, ui(UiEvent::PinEntered("2468".into())), 1400, &ctx);
        let (s, fx) = step(
            s,
            Event::PinChecked(PinResult::Granted(Role::Staff)),
            1500,
            &ctx,
        );
        assert_eq!(phase(&s), P::Service(Some(Role::Staff)));
        assert!(fx.contains(&Effect::Service {
            role: Role::Staff,
            action: ServiceAction::Refresh
        }));
        // Staff may restock, not restart the kiosk.
        let (s, fx) = step(
            s,
            ui(UiEvent::ServiceAction(ServiceAction::PaperRestocked)),
            1600,
            &ctx,
        );
        assert_eq!(fx.len(), 1);
        let (s, fx) = step(
            s,
            ui(UiEvent::ServiceAction(ServiceAction::Restart)),
            1700,
            &ctx,
        );
        assert!(fx.is_empty());
        // Service mode closes by itself.
        let (s, _) = step(s, Event::Tick, 1700 + policy.service_idle_ms - 1, &ctx);
        assert_eq!(phase(&s), P::Service(Some(Role::Staff)));
        let (s, fx) = step(s, Event::Tick, 1700 + policy.service_idle_ms, &ctx);
        assert_eq!(phase(&s), P::Attract);
        assert!(fx.contains(&Effect::ServiceClosed {
            role: Some(Role::Staff)
        }));
    }

    #[test]
    fn technician_settings_form_edits_checks_and_saves() {
        use crate::settings::{self, SettingsDraft};
        let cat = catalog();
        let policy = Policy::default();
        let ctx = Ctx {
            policy: &policy,
            catalog: &cat,
        };
        let open = |role| Session {
            phase: Phase::Service { role: Some(role) },
            ..Session::new(Lang::Az)
        };
        let settings_ui = |a| ui(UiEvent::ServiceAction(a));
        // Staff cannot open the settings.
        let (_, fx) = step(
            open(Role::Staff),
            settings_ui(ServiceAction::OpenSettings),
            10,
            &ctx,
        );
        assert!(fx.is_empty());
        let (s, fx) = step(
            open(Role::Technician),
            settings_ui(ServiceAction::OpenSettings),
            10,
            &ctx,
        );
        assert_eq!(fx, vec![Effect::LoadSettings]);
        let mut draft: SettingsDraft = crate::view_samples::settings_draft();
        draft.edit(settings::KIOSK_CODE, "YAS01");
        assert!(draft.check());
        let (s, _) = step(s, Event::SettingsLoaded(Ok(Box::new(draft))), 20, &ctx);
        assert!(s.settings.is_some());
        // Saving with nothing changed writes nothing.
        let (s2, fx) = step(
            s.clone(),
            settings_ui(ServiceAction::SaveSettings),
            30,
            &ctx,
        );
        assert!(fx.is_empty());
        assert!(s2.settings.is_none());
        // A refused value stays on the form, nothing is written.
        let (s, _) = step(
            s,
            ui(UiEvent::FieldEdited {
                field_id: settings::CENTRAL_URL.into(),
                value: "http://dost.gov.az".into(),
            }),
            40,
            &ctx,
        );
        let (s, fx) = step(s, settings_ui(ServiceAction::SaveSettings), 50, &ctx);
        assert!(fx.is_empty());
        let errors = s
            .settings
            .as_ref()
            .map(|d| d.errors.clone())
            .unwrap_or_default();
        assert_eq!(
            errors,
            vec![(settings::CENTRAL_URL.to_owned(), FieldError::UrlFormat)]
        );
        let (s, _) = step(
            s,
            ui(UiEvent::FieldEdited {
                field_id: settings::READER_BAUD.into(),
                value: "19200".into(),
            }),
            60,
            &ctx,
        );
        let (s, _) = step(
            s,
            ui(UiEvent::FieldEdited {
                field_id: settings::CENTRAL_URL.into(),
                value: "https://kiosk-api.dost.gov.az".into(),
            }),
            70,
            &ctx,
        );
        let (s, fx) = step(s, settings_ui(ServiceAction::SaveSettings), 80, &ctx);
        let Some(Effect::SaveSettings { settings, original }) = fx.first() else {
            panic!("expected a save, got {fx:?}");
        };
        assert_eq!(settings.reader_baud, 19200);
        assert_eq!(settings.central_url, "https://kiosk-api.dost.gov.az");
        assert_eq!(original.reader_baud, 9600);
        // While saving, edits and a second save are ignored.
        let (s, fx) = step(s, settings_ui(ServiceAction::SaveSettings), 90, &ctx);
        assert!(fx.is_empty());
        let (s, _) = step(
            s,
            ui(UiEvent::FieldEdited {
                field_id: settings::READER_BAUD.into(),
                value: "57600".into(),
            }),
            95,
            &ctx,
        );
        assert_eq!(
            s.settings.as_ref().map(|d| d.edited.reader_baud),
            Some(19200)
        );
        // A refusal from the file keeps the form and says why.
        let (s, _) = step(
            s,
            Event::SettingsSaved(Err("read-only file system".into())),
            100,
            &ctx,
        );
        let d = s.settings.clone().unwrap_or_else(|| panic!("form closed"));
        assert!(!d.saving);
        assert_eq!(d.save_error.as_deref(), Some("read-only file system"));
        // Saved: back on the technician's screen with the message.
        let (s, fx) = step(s, settings_ui(ServiceAction::SaveSettings), 110, &ctx);
        assert_eq!(fx.len(), 1);
        let (s, _) = step(s, Event::SettingsSaved(Ok("saved".into())), 120, &ctx);
        assert!(s.settings.is_none());
        assert_eq!(phase(&s), P::Service(Some(Role::Technician)));
        assert_eq!(
            s.service_view.as_ref().and_then(|v| v.message.clone()),
            Some("saved".into())
        );
        // Back from the form drops the edits; closing service mode drops everything.
        let (s, _) = step(
            s,
            Event::SettingsLoaded(Ok(Box::new(crate::view_samples::settings_draft()))),
            130,
            &ctx,
        );
        let (s, _) = step(s, ui(UiEvent::Back), 140, &ctx);
        assert!(s.settings.is_none());
        assert_eq!(phase(&s), P::Service(Some(Role::Technician)));
        let (s, _) = step(
            s,
            Event::SettingsLoaded(Ok(Box::new(crate::view_samples::settings_draft()))),
            150,
            &ctx,
        );
        let (s, _) = step(s, Event::Tick, 150 + policy.service_idle_ms, &ctx);
        assert_eq!(phase(&s), P::Attract);
        assert!(s.settings.is_none());
    }
}

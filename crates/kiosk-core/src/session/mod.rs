//! The citizen session: a pure state machine, `step(session, event) -> (session, effects)`.
//!
//! No I/O and no clock here: time arrives in events, and whatever must happen outside (ask the
//! centre, store an application, load statuses) leaves as an [`Effect`] for the runtime to
//! execute. Results come back as events tagged with the session generation, so a late answer
//! for a session that has already been wiped is dropped.
//!
//! The step is split by phase group: [`citizen`] (card, verification, idle, wipe), [`form`]
//! (service, form pages, review, submit), [`mine`] (my applications, rating), [`queue`]
//! (queue tickets of desk services), [`help`] (the help overlay and calling staff) and
//! [`service`] (service mode: PIN pad, roles, actions, the settings form).
//!
//! **Tap guard.** A screen ignores taps that arrive before it has been shown for
//! [`Policy::tap_guard_ms`]: a double tap on a button cannot land on the button of the screen
//! it opens (the step notes when the screen changed in [`Session::shown_ms`]).

mod chip;
mod citizen;
mod form;
mod help;
mod mine;
mod queue;
mod service;

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use dost_api::{ApplicationId, ApplicationState, Lang};

use crate::card::{AcceptedDocument, CardData, Citizen, CitizenKey, OfflineAuth};
use crate::catalog::Catalog;
use crate::chip::{ChipDocument, ChipOutcome, ChipPolicy, ChipRefusal};
use crate::pin::{PinResult, Role};
use crate::settings::{Settings, SettingsDraft};
use crate::view::{
    CardErrorKind, FieldError, PinRefusal, ReceiptState, ServiceAction, ServiceMessage, UiEvent,
};

pub use form::normalise;

/// What the session needs to know of the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub accept: Vec<AcceptedDocument>,
    pub offline_auth: OfflineAuth,
    pub idle_timeout_ms: u64,
    pub countdown_ms: u64,
    pub card_error_ms: u64,
    pub default_lang: Lang,
    /// Service mode closes after this long without a touch.
    pub service_idle_ms: u64,
    /// Which documents must show a genuine chip, and what a chip read's outcome means.
    pub chip: ChipPolicy,
    /// Taps on a screen shown less than this long ago are ignored (0: no guard).
    pub tap_guard_ms: u64,
    /// How long the "thank you" after a rating stays before the session is wiped.
    pub thanks_ms: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            accept: vec![AcceptedDocument::AzeIdCard, AcceptedDocument::Passport],
            offline_auth: OfflineAuth::Allow,
            idle_timeout_ms: 60_000,
            countdown_ms: 20_000,
            card_error_ms: 15_000,
            default_lang: Lang::Az,
            service_idle_ms: 120_000,
            chip: ChipPolicy::default(),
            tap_guard_ms: 500,
            thanks_ms: 4_000,
        }
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
    pub application_id: ApplicationId,
    pub service_id: String,
    pub state: ApplicationState,
    /// When the centre last confirmed `state` (None: never, still in the outbox).
    pub as_of: Option<DateTime<Utc>>,
    pub pending_upload: bool,
    /// Status history from the centre, oldest first.
    pub history: Vec<(ApplicationState, DateTime<Utc>)>,
    /// What became of its receipt, as far as the citizen can act on it.
    pub receipt: ReceiptFate,
    /// Why the centre rejected it and what the citizen can do (rejected ones).
    pub rejection: Option<dost_api::Rejection>,
}

/// A receipt the citizen may print again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReceiptFate {
    /// Printed and taken, waiting to print, or none: nothing to offer.
    #[default]
    Normal,
    /// The presenter pulled it back: "print again" is offered.
    NotTaken,
    /// Asked to print again.
    Reprinting,
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
        application_id: ApplicationId,
        receipt: ReceiptState,
        /// What the QR code opens: the status page of this application.
        status_url: String,
        /// The relay delivered it: DOST has it (until then it is saved on this kiosk).
        delivered: bool,
    },
    MyApplications,
    ApplicationDetail {
        application_id: ApplicationId,
    },
    /// "How was your visit?" after a finished application.
    Rating {
        service: Option<String>,
    },
    /// Service mode: the PIN pad.
    ServicePin,
    /// Service mode: a role's screen.
    Service(Role),
    /// The OCR MRZ was accepted; the document's chip is being read ("keep your card on the
    /// reader"). No session is open yet.
    ReadingChip {
        document: ChipDocument,
        /// 0 to 100.
        percent: u8,
        since_ms: u64,
    },
    /// The chip policy refused the card: no session was opened.
    ChipRefused {
        refusal: ChipRefusal,
        since_ms: u64,
    },
    /// A desk service's queue ticket is being asked for.
    IssuingTicket {
        service: String,
    },
    /// The queue ticket, shown (and printed).
    Ticket {
        service: String,
        ticket: Ticket,
    },
    /// "Thank you" after a rating, before the wipe.
    Thanks {
        since_ms: u64,
    },
}

/// A queue ticket for a desk service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    /// The number the desk calls (`D017`; offline, the kiosk's `YAS01-T007`).
    pub number: String,
    pub issued_at: DateTime<Utc>,
    /// People ahead and the estimated wait, when the centre said (not when offline).
    pub people_ahead: Option<u64>,
    pub wait_min: Option<u64>,
    /// Numbered by the kiosk: the centre could not be reached (synced later).
    pub offline: bool,
    /// What the QR code opens: the ticket's place in the queue.
    pub status_url: String,
    /// An SMS will say "your turn soon".
    pub sms: bool,
    /// A ticket is being printed.
    pub printing: bool,
}

/// The help overlay of the citizen screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HelpState {
    /// The overlay is showing.
    pub open: bool,
    /// A staff member was called in this session.
    pub staff_called: bool,
}

/// Service mode's own state: the PIN pad, the last action's message, the settings form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceState {
    pub pin_refusal: Option<PinRefusal>,
    /// The session's clock when the PIN pad's lock ends; the pad works again then.
    pub pin_locked_until_ms: Option<u64>,
    /// A PIN is being checked.
    pub checking_pin: bool,
    /// The result of the last action.
    pub message: Option<ServiceMessage>,
    /// The technician's settings form, while it is open.
    pub settings: Option<Box<SettingsDraft>>,
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
    pub service: ServiceState,
    /// When the screen on show appeared (monotonic ms; see the tap guard).
    pub shown_ms: u64,
    /// The help overlay.
    pub help: HelpState,
    /// The phone number of the last application of this session, offered again.
    pub remembered_phone: Option<String>,
    /// The idle warning sounded (reset by a touch).
    pub idle_warned: bool,
}

/// An application ready to store.
#[derive(Clone, PartialEq, Eq)]
pub struct Submission {
    pub service_id: String,
    pub lang: Lang,
    pub citizen: CitizenKey,
    pub document_number: String,
    /// Normalised answers by field id.
    pub answers: BTreeMap<String, String>,
}

impl fmt::Debug for Submission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Submission")
            .field("service_id", &self.service_id)
            .field("citizen", &self.citizen)
            .finish_non_exhaustive()
    }
}

/// How saved settings take effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsApplied {
    /// Only the centre's name changed: the file reload shows it.
    NameOnly,
    /// The core restarts with them now.
    Restarting,
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
        application_id: ApplicationId,
        receipt: ReceiptState,
        /// The application's status page (what its QR code opens).
        status_url: String,
    },
    StoreFailed {
        generation: u64,
    },
    /// The receipt of an application printed or was held.
    Receipt {
        application_id: ApplicationId,
        receipt: ReceiptState,
    },
    /// A receipt that was not taken is queued again (`false`: it could not be).
    Reprinted {
        generation: u64,
        application_id: ApplicationId,
        queued: bool,
    },
    /// The PIN pad's answer.
    PinChecked(PinResult),
    /// A service action finished with this message.
    ServiceDone(ServiceMessage),
    /// The settings form, made from the configuration file and the machine's ports (or why
    /// it could not be made).
    SettingsLoaded(Result<Box<SettingsDraft>, String>),
    /// The settings were written, or refused (why).
    SettingsSaved(Result<SettingsApplied, String>),
    Applications {
        generation: u64,
        list: AppList,
    },
    /// Time passes (sent about twice a second).
    Tick,
    /// The chip read of this generation is this far (0 to 100).
    ChipProgress {
        generation: u64,
        percent: u8,
    },
    /// The chip read of this generation ended.
    ChipRead {
        generation: u64,
        outcome: ChipOutcome,
    },
    /// The relay delivered this application: the centre has it.
    Delivered {
        application_id: ApplicationId,
    },
    /// The centre's verification answer named the citizen in Azerbaijani spelling.
    CitizenName {
        generation: u64,
        name: String,
    },
    /// A queue ticket was numbered (by the centre, or offline by the kiosk) and stored.
    TicketIssued {
        generation: u64,
        ticket: Ticket,
    },
    /// The ticket could not be stored.
    TicketFailed {
        generation: u64,
    },
}

/// Sounds the runtime plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SoundCue {
    /// The idle countdown started: "are you still there?".
    IdleWarning,
}

/// Work for the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Verify {
        generation: u64,
        citizen: CitizenKey,
        document_number: String,
    },
    Submit {
        generation: u64,
        submission: Submission,
    },
    LoadApplications {
        generation: u64,
        citizen: CitizenKey,
    },
    /// Print again the receipt of one of the citizen's applications that was not taken.
    Reprint {
        generation: u64,
        application_id: ApplicationId,
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
    /// Do a service action as this role.
    Service {
        role: Role,
        action: ServiceAction,
    },
    /// Service mode was left (audit); `None` from the PIN pad.
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
    /// Read and verify the chip of the card whose MRZ was just accepted; the result comes
    /// back as [`Event::ChipRead`] (progress as [`Event::ChipProgress`]).
    ReadChip {
        generation: u64,
        document: ChipDocument,
    },
    /// A card was refused by the chip policy: keep an audit entry (no personal data).
    ChipRefused {
        document: ChipDocument,
        refusal: ChipRefusal,
    },
    /// Ask for a queue ticket (the centre numbers it; offline, the kiosk does), store it and
    /// print it.
    IssueTicket {
        generation: u64,
        service_id: String,
        lang: Lang,
        /// A mobile number for "your turn soon", given with consent.
        sms_phone: Option<String>,
    },
    /// A citizen asks for a staff member (kept, shown on the staff screen, sent to the
    /// centre in the heartbeat).
    CallStaff {
        screen: crate::view::ScreenId,
    },
    Sound(SoundCue),
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

    /// The technician's screen with `message` (the core came back after saved settings).
    pub fn technician(lang: Lang, message: ServiceMessage) -> Self {
        Session {
            phase: Phase::Service(Role::Technician),
            service: ServiceState {
                message: Some(message),
                ..ServiceState::default()
            },
            ..Session::new(lang)
        }
    }

    /// Seconds left before an idle session is wiped, when the countdown is showing.
    pub fn idle_countdown(&self, policy: &Policy) -> Option<u32> {
        if !self.is_open()
            || self.in_service_mode()
            || matches!(self.phase, Phase::Submitting { .. })
        {
            return None;
        }
        let deadline = self.last_activity_ms + policy.idle_timeout_ms;
        let left = deadline.saturating_sub(self.now_ms);
        (left <= policy.countdown_ms).then(|| left.div_ceil(1000) as u32)
    }

    /// A citizen's session is open (a card was accepted or is being checked).
    pub fn is_open(&self) -> bool {
        !matches!(
            self.phase,
            Phase::Attract | Phase::CardError { .. } | Phase::ChipRefused { .. }
        )
    }

    /// The PIN pad or a role's screen is showing.
    pub fn in_service_mode(&self) -> bool {
        matches!(self.phase, Phase::ServicePin | Phase::Service(_))
    }

    /// The role whose screen is showing.
    pub fn role(&self) -> Option<Role> {
        match self.phase {
            Phase::Service(role) => Some(role),
            _ => None,
        }
    }

    /// The chosen service, when the phase has one.
    pub fn service_id(&self) -> Option<&str> {
        match &self.phase {
            Phase::ServiceInfo { service }
            | Phase::Form { service, .. }
            | Phase::Review { service }
            | Phase::Submitting { service }
            | Phase::Done { service, .. }
            | Phase::IssuingTicket { service }
            | Phase::Ticket { service, .. } => Some(service),
            _ => None,
        }
    }

    /// The screen a phase shows (service mode: the PIN pad or a role's screen). The view may
    /// show a fault screen instead ([`crate::screen::view`]).
    pub fn screen(&self) -> crate::view::ScreenId {
        use crate::view::ScreenId as S;
        match &self.phase {
            Phase::Attract => S::Attract,
            Phase::Verifying => S::ReadingCard,
            Phase::CardError { .. } => S::CardError,
            Phase::Welcome => S::Welcome,
            Phase::Catalog => S::Catalog,
            Phase::ServiceInfo { .. } => S::ServiceInfo,
            Phase::Form { .. } => S::Form,
            Phase::Review { .. } => S::Review,
            Phase::Submitting { .. } => S::Submitting,
            Phase::Done { .. } => S::Done,
            Phase::MyApplications => S::MyApplications,
            Phase::ApplicationDetail { .. } => S::ApplicationDetail,
            Phase::Rating { .. } | Phase::Thanks { .. } => S::Rating,
            Phase::ServicePin => S::ServicePin,
            Phase::Service(Role::Technician) => S::ServiceTechnician,
            Phase::Service(Role::Staff) => S::ServiceStaff,
            Phase::IssuingTicket { .. } | Phase::Ticket { .. } => S::QueueTicket,
            Phase::ReadingChip { .. } => S::ReadingChip,
            Phase::ChipRefused { .. } => S::ChipRefused,
        }
    }

    /// What identifies the screen on show, for the tap guard: the phase, the form page, the
    /// help overlay.
    fn shown(&self) -> (std::mem::Discriminant<Phase>, u32, bool) {
        let page = match self.phase {
            Phase::Form { page, .. } => page,
            _ => 0,
        };
        (std::mem::discriminant(&self.phase), page, self.help.open)
    }

    /// A fresh session after this one (the generation moves on; the language is the default).
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
    let before = s.shown();
    let mut s = match event {
        Event::Tick => citizen::on_tick(s, ctx, &mut fx),
        Event::Ui(ui) => {
            s.last_activity_ms = now_ms;
            s.idle_warned = false;
            let early = now_ms.saturating_sub(s.shown_ms) < ctx.policy.tap_guard_ms;
            if early && ui.is_tap() && !s.in_service_mode() {
                // Too soon after the screen appeared: the second half of a double tap.
                s
            } else {
                on_ui(s, ui, ctx, &mut fx)
            }
        }
        Event::Card { card, today } => citizen::on_card(s, &card, today, ctx, &mut fx),
        Event::CardUnreadable => citizen::on_unreadable(s),
        Event::Verified {
            generation,
            outcome,
        } if generation == s.generation => citizen::on_verified(s, outcome, ctx),
        Event::Stored {
            generation,
            application_id,
            receipt,
            status_url,
        } if generation == s.generation => form::on_stored(s, application_id, receipt, status_url),
        Event::StoreFailed { generation } if generation == s.generation => form::on_store_failed(s),
        Event::Receipt {
            application_id,
            receipt,
        } => form::on_receipt(s, &application_id, receipt),
        Event::Applications { generation, list } if generation == s.generation => Session {
            applications: list,
            ..s
        },
        Event::Reprinted {
            generation,
            application_id,
            queued,
        } if generation == s.generation => mine::on_reprinted(s, &application_id, queued),
        Event::PinChecked(result) => service::on_pin_checked(s, result, &mut fx),
        Event::ServiceDone(message) => service::on_done(s, message),
        Event::SettingsLoaded(result) => service::on_settings_loaded(s, result),
        Event::SettingsSaved(result) => service::on_settings_saved(s, result),
        Event::ChipProgress {
            generation,
            percent,
        } if generation == s.generation => chip::on_progress(s, percent),
        Event::ChipRead {
            generation,
            outcome,
        } if generation == s.generation => chip::on_read(s, outcome, ctx, &mut fx),
        Event::Delivered { application_id } => form::on_delivered(s, &application_id),
        Event::CitizenName { generation, name } if generation == s.generation => {
            citizen::on_name(s, &name)
        }
        Event::TicketIssued { generation, ticket } if generation == s.generation => {
            queue::on_issued(s, ticket)
        }
        Event::TicketFailed { generation } if generation == s.generation => queue::on_failed(s),
        // A result for a session that no longer exists.
        Event::Verified { .. }
        | Event::Stored { .. }
        | Event::StoreFailed { .. }
        | Event::Applications { .. }
        | Event::Reprinted { .. }
        | Event::ChipProgress { .. }
        | Event::ChipRead { .. }
        | Event::CitizenName { .. }
        | Event::TicketIssued { .. }
        | Event::TicketFailed { .. } => s,
    };
    if s.shown() != before {
        s.shown_ms = now_ms;
    }
    (s, fx)
}

fn on_ui(s: Session, ui: UiEvent, ctx: &Ctx, fx: &mut Vec<Effect>) -> Session {
    match ui {
        UiEvent::ServiceEntry
        | UiEvent::PinEntered(_)
        | UiEvent::ServiceAction(_)
        | UiEvent::CloseService => service::on_ui(s, ui, ctx, fx),
        // The settings form takes edits and "back" while it is open.
        UiEvent::FieldEdited { .. } | UiEvent::Back if s.service.settings.is_some() => {
            service::on_ui(s, ui, ctx, fx)
        }
        UiEvent::SelectService(_)
        | UiEvent::StartForm
        | UiEvent::FieldEdited { .. }
        | UiEvent::Next
        | UiEvent::Back
        | UiEvent::Submit => form::on_ui(s, ui, ctx, fx),
        UiEvent::OpenMyApplications
        | UiEvent::OpenApplication(_)
        | UiEvent::Rate(_)
        | UiEvent::ReprintReceipt(_) => mine::on_ui(s, ui, ctx, fx),
        // Keypad keys are turned into the events above by `crate::access` before they reach
        // the session; here a key only counts as activity (the step noted the time).
        UiEvent::Keypad(_) => s,
        UiEvent::SetLanguage(_)
        | UiEvent::DemoInsertCard
        | UiEvent::Activity
        | UiEvent::OpenCatalog
        | UiEvent::EndSession
        | UiEvent::ToggleLargeText
        | UiEvent::ToggleHighContrast
        | UiEvent::DemoInsertPhotocopy => citizen::on_ui(s, ui, ctx, fx),
        UiEvent::OpenHelp | UiEvent::CloseHelp | UiEvent::CallStaff => help::on_ui(s, ui, fx),
    }
}

#[cfg(test)]
mod chip_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_flow;

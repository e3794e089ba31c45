//! What the screen shows, as plain data: the whole contract between the kiosk core and the UI.
//!
//! [`crate::screen::view`] computes a [`ViewModel`] from the session and the facts (a pure
//! function); `ui_bridge` turns it into Slint properties. The UI sends [`UiEvent`]s back.
//! Texts that come from data (service titles, field labels) arrive already in the current
//! language; fixed texts live in the `.slint` files under `@tr()`, and everything else travels
//! as typed codes (errors, messages, part states) that the UI translates.

use chrono::NaiveDate;
use dost_api::{ApplicationId, ApplicationState, DeviceState};

pub use dost_api::Lang;

pub use crate::card::CardTest;
pub use crate::catalog::FieldKind;
pub use crate::chip::{ChipReaderState, ChipRefusal, ChipTest, ChipView};
pub use crate::health::Level;
pub use crate::paper::PaperLevel;
pub use crate::print::HoldReason;
pub use crate::settings::SettingField;
pub use crate::validate::FieldError;

/// Every screen the kiosk can show.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[strum(serialize_all = "kebab-case")]
pub enum ScreenId {
    /// Idle loop: welcome text, language choice, "insert your ID card".
    #[default]
    Attract,
    /// The card is being read and checked.
    ReadingCard,
    /// The card could not be used ([`CardErrorKind`] says why).
    CardError,
    /// Greets the citizen by name; leads to the catalog or to "my applications".
    Welcome,
    /// Services grouped by area.
    Catalog,
    /// One form page of the chosen service.
    Form,
    /// Everything entered, to check before submitting.
    Review,
    /// Saving the application.
    Submitting,
    /// Application number, receipt state and QR code.
    Done,
    /// The citizen's applications with their status.
    MyApplications,
    /// The kiosk cannot serve (reader or storage failure).
    OutOfService,
    /// What a service is, what the citizen needs and how long it takes; "start" opens the form.
    ServiceInfo,
    /// One application with its status history.
    ApplicationDetail,
    /// "How was your visit?" five faces, after a finished application.
    Rating,
    /// Service mode: the PIN pad.
    ServicePin,
    /// Service mode: the technician's screen (status of every part, actions).
    ServiceTechnician,
    /// Service mode: the center staff's screen (paper, held receipts).
    ServiceStaff,
    /// Service mode: the technician's settings form.
    ServiceSettings,
    /// "Keep your card on the reader": the document's chip is read, with progress.
    ReadingChip,
    /// The chip policy refused the card ("this card could not be verified — please ask the
    /// staff"); [`crate::chip::ChipRefusal`] says why.
    ChipRefused,
    /// A desk service's queue ticket: being asked for, then its number, place and QR code.
    QueueTicket,
}

impl ScreenId {
    /// Every screen, in the order above.
    pub const ALL: &[ScreenId] = <ScreenId as strum::VariantArray>::VARIANTS;

    /// Kebab-case name used by the CLI (`screenshot --screen NAME`) and file names.
    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn from_name(name: &str) -> Option<ScreenId> {
        name.parse().ok()
    }
}

/// Why a card was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardErrorKind {
    /// Garbled read or failed check digit: take the card out and insert it again.
    Unreadable,
    /// The document has expired.
    Expired,
    /// A document type the kiosk does not accept.
    NotAccepted,
    /// The centre did not confirm the document (or could not be asked and policy refuses).
    NotVerified,
}

/// Why the kiosk is out of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutOfServiceKind {
    /// The card reader is missing or broken.
    CardReader,
    /// The local database cannot be written.
    Storage,
}

/// The citizen, as far as the screen may show them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CitizenView {
    /// Given names and surname, capitalised ("Əli Həsənov" style).
    pub display_name: String,
    /// FİN with all but the first three characters hidden (`5ZX****`).
    pub masked_fin: String,
}

/// One service of the catalog, in the current language.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceView {
    pub id: String,
    /// Area id (`employment`, `pensions`, ...), for grouping and icons.
    pub area_id: String,
    /// Area title in the current language.
    pub area: String,
    pub title: String,
    pub summary: String,
    /// What the citizen needs, one line.
    pub needs: String,
    /// How long it takes, e.g. "5 iş günü".
    pub duration: String,
    /// Served at a desk: the kiosk gives a queue ticket.
    pub desk_only: bool,
}

/// One field of the current form page (a catalog form, or the technician's settings).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldView {
    pub id: String,
    /// The settings field this is, on the technician's settings form (its label and help
    /// are translated by the UI).
    pub setting: Option<SettingField>,
    pub label: String,
    pub help: String,
    pub kind: FieldKind,
    pub required: bool,
    pub value: String,
    /// For `Choice`: the options, in the current language.
    pub options: Vec<String>,
    pub error: Option<FieldError>,
    /// Most characters the keyboard types into it (phones: digits after `+994`).
    pub max_chars: usize,
    /// The catalog's limits, for the error messages (the allowed range, the length).
    pub limits: crate::validate::Limits,
}

/// The form page being filled.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FormView {
    pub service_title: String,
    pub fields: Vec<FieldView>,
    /// 1-based page number and page count, for the step indicator.
    pub page: u32,
    pub pages: u32,
    /// A desk service: the last page gives a queue ticket (not a review).
    pub desk_only: bool,
}

/// What the review screen lists: label and value of every answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReviewView {
    pub service_title: String,
    pub rows: Vec<(String, String)>,
}

/// State of the citizen's receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ReceiptState {
    #[default]
    Printing,
    Printed,
    /// The printer cannot print now (paper out, cover open, offline): the receipt waits; the
    /// screen shows the number and the QR code instead.
    NotAvailable,
    /// Printed but not taken: the presenter pulled it back ("my applications" prints it again).
    NotTaken,
}

/// The finished application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoneView {
    pub application_id: ApplicationId,
    pub service_title: String,
    pub receipt: ReceiptState,
    /// What the QR code carries: the application's status page.
    pub qr_payload: String,
    /// What happens next and how long it takes (the catalog's words).
    pub next_steps: String,
    pub duration: String,
    /// DOST has it (the relay delivered it); until then it is saved on this kiosk.
    pub delivered: bool,
}

/// A queue ticket on screen.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TicketView {
    pub service_title: String,
    /// Empty while the ticket is being asked for.
    pub number: String,
    /// Local time it was issued, "14:05".
    pub issued_at: String,
    pub people_ahead: Option<u64>,
    pub wait_min: Option<u64>,
    /// Numbered by the kiosk while the centre could not be reached.
    pub offline: bool,
    /// The ticket's place in the queue (its QR code).
    pub qr_payload: String,
    pub sms: bool,
    pub printing: bool,
}

/// The help overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HelpView {
    pub staff_called: bool,
}

/// Why an application was rejected and what the citizen can do, in the current language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectionView {
    pub reason: String,
    pub next_step: String,
    pub action: dost_api::NextAction,
}

/// One of the citizen's applications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationRow {
    pub application_id: ApplicationId,
    pub service_title: String,
    pub state: ApplicationState,
    /// Local time the state was last confirmed by the centre, e.g. "24.11.2026 21:05".
    pub as_of: String,
    /// Still in the kiosk's outbox: not yet at the centre.
    pub pending_upload: bool,
}

/// The citizen's applications.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApplicationsView {
    pub rows: Vec<ApplicationRow>,
    /// The centre could not be reached: statuses are the last known ones.
    pub offline: bool,
    /// Still asking the centre.
    pub loading: bool,
}

/// One step of an application's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    pub state: ApplicationState,
    /// Local time, "24.11.2026 21:05".
    pub at: String,
}

/// One application in detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationDetailView {
    pub row: ApplicationRow,
    /// Oldest first.
    pub history: Vec<HistoryRow>,
    /// Its receipt was not taken ("print again" is offered), or is printing again.
    pub receipt: crate::session::ReceiptFate,
    /// A rejected one: the centre's reason and next step.
    pub rejection: Option<RejectionView>,
}

/// A citizen waiting for staff, on the staff screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpCallView {
    /// Local time, "14:05".
    pub at: String,
    /// The screen the citizen asked from.
    pub screen: ScreenId,
}

/// A part of the kiosk on the technician's screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartName {
    CardReader,
    Printer,
    CardTest,
    SerialPorts,
    CentreLink,
    Disk,
    Database,
    Clock,
    /// The chip reader (PC/SC service and reader, or the demo's simulator).
    ChipReader,
    /// The last chip read or the technician's live chip test.
    ChipTest,
}

/// What a part's line says; the UI words it in the screen's language. Strings here are
/// technical values shown as they are (paths, addresses, error texts, times).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartStatus {
    /// A device's reported state, with what is wrong ("cover open").
    Device {
        state: DeviceState,
        detail: Option<String>,
    },
    /// The device has not reported since the core started.
    Starting,
    /// No card was read since the core started.
    NoCardYet,
    /// The last card read, at a local time.
    CardRead {
        test: CardTest,
        at: String,
    },
    /// The machine's serial ports (none found when empty).
    Ports(Vec<String>),
    /// The serial ports could not be listed.
    PortsError(String),
    CentreOnline {
        url: String,
    },
    CentreError {
        error: String,
    },
    /// The relay has not exchanged anything with the centre yet.
    CentreNoExchange,
    Disk {
        free: Option<u64>,
    },
    Database {
        waiting: u64,
        refused: u64,
    },
    DatabaseError(String),
    /// Local time in Baku.
    Clock(String),
    /// The chip reader's state.
    ChipReader(ChipReaderState),
    /// No chip was read or tested since the core started.
    NoChipTestYet,
    /// The last chip read or live test, at a local time.
    ChipTested {
        test: ChipTest,
        at: String,
    },
}

/// One part (card reader, printer, centre link, disk, database, clock) on the technician's screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartView {
    pub name: PartName,
    pub level: Level,
    pub status: PartStatus,
}

/// A receipt that could not print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldReceiptView {
    pub job_id: i64,
    /// None for a test page.
    pub application_id: Option<ApplicationId>,
    pub reason: Option<HoldReason>,
}

/// Paper as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaperView {
    pub level: PaperLevel,
    pub receipts_left: Option<u64>,
    pub used_mm: u64,
}

/// Why the PIN pad refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PinRefusal {
    Wrong { tries_left: u32 },
    Locked { seconds: u32 },
}

/// The result of the last service action, shown on the service screens (translated by the
/// UI; strings are technical values shown as they are).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceMessage {
    TestPageQueued {
        job: i64,
    },
    TestPageNotQueued {
        error: String,
    },
    PaperRestocked,
    HeldReleased,
    DiagnosticsSaved {
        path: String,
    },
    DiagnosticsNotSaved {
        error: String,
    },
    Restarting,
    SettingsUnchanged,
    /// Only the centre's name changed: it shows within seconds.
    SettingsSavedName,
    /// Saved; the devices and the centre link restart now.
    SettingsSavedRestarting,
    /// The core restarted with the saved settings (these sections changed).
    SettingsApplied {
        sections: String,
    },
    /// The saved settings could not start; the previous ones run.
    SettingsDidNotStart {
        error: String,
    },
    /// The core restarted in place (not under systemd).
    AppRestarted,
    /// The settings form could not be made.
    SettingsNotLoaded {
        error: String,
    },
}

/// Service mode (technicians and staff), shown on the service screens.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceModeView {
    pub pin_refusal: Option<PinRefusal>,
    /// A PIN is being checked.
    pub checking: bool,
    pub parts: Vec<PartView>,
    pub paper: PaperView,
    pub held: Vec<HeldReceiptView>,
    /// Applications waiting to be delivered to the centre, and the last delivery error.
    pub outbox_depth: u64,
    pub sync_error: Option<String>,
    /// Last lines of the log (no personal data is ever logged).
    pub log_tail: Vec<String>,
    pub message: Option<ServiceMessage>,
    pub kiosk_id: String,
    pub version: String,
    /// The settings form, when the technician has it open.
    pub settings: Option<SettingsView>,
    /// Citizens who asked for a staff member (not yet answered), oldest first.
    pub help_calls: Vec<HelpCallView>,
    /// Where this kiosk stands (`kiosk.location`).
    pub location: String,
}

/// The technician's settings form (its fields travel in `ViewModel::form`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SettingsView {
    /// Being written to the configuration file.
    pub saving: bool,
    /// Why the last save failed, as is (technical).
    pub save_error: Option<String>,
    /// Some fields are refused (each shows why).
    pub invalid: bool,
}

/// Actions on the service screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr)]
pub enum ServiceAction {
    /// Staff and technician: print a test page.
    TestPrint,
    /// Staff: a new paper roll is in (resets the counter, releases held receipts).
    PaperRestocked,
    /// Staff: print held receipts now.
    ReprintHeld,
    /// Technician: save a diagnostics bundle (personal data redacted) in the data directory.
    ExportDiagnostics,
    /// Technician: restart the kiosk application.
    Restart,
    /// Technician: open the settings form (serial ports, centre, identity).
    OpenSettings,
    /// Technician: write the edited settings to the configuration file and apply them.
    SaveSettings,
    /// Refresh the status shown.
    Refresh,
    /// Technician: a live test of the chip reader with the card on it (no MRZ needed: the
    /// reader, the card's interface, its eMRTD application and what it offers for PACE).
    ChipTest,
    /// Staff: the citizens who called for help were answered.
    HelpAnswered,
}

impl ServiceAction {
    /// Staff may print, restock, reprint and refresh; technicians may do everything.
    pub fn allowed_for(self, role: crate::pin::Role) -> bool {
        role == crate::pin::Role::Technician
            || matches!(
                self,
                ServiceAction::TestPrint
                    | ServiceAction::PaperRestocked
                    | ServiceAction::ReprintHeld
                    | ServiceAction::Refresh
                    | ServiceAction::HelpAnswered
            )
    }

    /// Name in the audit log.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// Everything the screen shows. A pure function of session and facts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ViewModel {
    pub screen: ScreenId,
    pub lang: Lang,
    /// Demo configuration: show the demo controls (insert a specimen card).
    pub demo: bool,
    /// Kiosk name shown in the header/footer, e.g. "DOST Yasamal".
    pub center_name: String,
    pub citizen: Option<CitizenView>,
    pub services: Vec<ServiceView>,
    pub selected_service: Option<ServiceView>,
    pub form: Option<FormView>,
    pub review: Option<ReviewView>,
    pub done: Option<DoneView>,
    pub applications: Option<ApplicationsView>,
    pub card_error: Option<CardErrorKind>,
    pub out_of_service: Option<OutOfServiceKind>,
    /// The receipt printer cannot print now (shown as a notice; applications are still taken).
    pub printer_unavailable: bool,
    /// Seconds left before an idle session is wiped; shown in the last seconds only.
    pub idle_countdown: Option<u32>,
    /// A submit failed to be stored (disk full, database locked): nothing was saved.
    pub submit_failed: bool,
    /// Accessibility, switchable on every citizen screen; reset when the session ends.
    pub large_text: bool,
    pub high_contrast: bool,
    /// The application shown on the detail screen.
    pub application_detail: Option<ApplicationDetailView>,
    /// Service mode data, on the service screens.
    pub service: Option<ServiceModeView>,
    /// The chip screens: progress of the read, or why the card was refused.
    pub chip: Option<ChipView>,
    /// The help overlay over the screen, when open.
    pub help: Option<HelpView>,
    /// The queue ticket (on [`ScreenId::QueueTicket`]).
    pub ticket: Option<TicketView>,
    /// The rating was given: "thank you".
    pub rated: bool,
    /// Keypad focus, audio mode and privacy blanking (see [`crate::access`]).
    pub access: crate::access::AccessView,
}

/// What the citizen (or the technician) did on the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UiEvent {
    SetLanguage(Lang),
    /// Demo control: insert the specimen Azerbaijani ID card.
    DemoInsertCard,
    /// Take me to the catalog (from the welcome screen).
    OpenCatalog,
    SelectService(String),
    FieldEdited {
        field_id: String,
        value: String,
    },
    /// Next form page, or the review after the last page.
    Next,
    /// Previous page/screen; answers are kept.
    Back,
    Submit,
    OpenMyApplications,
    /// End the session (the citizen is done or pressed "finish"/"cancel").
    EndSession,
    /// Any touch: keeps the session alive and hides the idle countdown.
    Activity,
    /// From the service info screen: open the form.
    StartForm,
    /// From "my applications": show one with its history.
    OpenApplication(ApplicationId),
    /// Satisfaction rating, 1 (very unhappy) to 5 (very happy).
    Rate(u8),
    ToggleLargeText,
    ToggleHighContrast,
    /// The hidden service entry (a long press in the top-left corner of the attract screen).
    ServiceEntry,
    /// A PIN typed on the service PIN pad.
    PinEntered(String),
    ServiceAction(ServiceAction),
    /// Leave service mode.
    CloseService,
    /// From an application's detail: print its receipt again (it was not taken).
    ReprintReceipt(ApplicationId),
    /// Demo control: insert a "photocopy" of the specimen card (its printed MRZ with a cloned
    /// chip that cannot prove its key): the chip policy refuses it.
    DemoInsertPhotocopy,
    /// The help button of a citizen screen.
    OpenHelp,
    CloseHelp,
    /// From the help overlay: ask a staff member to come.
    CallStaff,
    /// A key of the tactile keypad (or of a keyboard in the demo): see [`crate::access`].
    Keypad(crate::keypad::Key),
}

impl UiEvent {
    /// A tap that acts (moves to another screen, submits, rates...): ignored while the screen
    /// is under its tap guard. Typing, touches and the switches are never ignored.
    pub fn is_tap(&self) -> bool {
        !matches!(
            self,
            UiEvent::Activity
                | UiEvent::FieldEdited { .. }
                | UiEvent::SetLanguage(_)
                | UiEvent::ToggleLargeText
                | UiEvent::ToggleHighContrast
                | UiEvent::DemoInsertCard
                | UiEvent::DemoInsertPhotocopy
                | UiEvent::ServiceEntry
                | UiEvent::PinEntered(_)
                | UiEvent::Keypad(_)
        )
    }
}

/// A date as Azerbaijanis write it, `24.11.2026`.
pub fn az_date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

//! What the screen shows, as plain data: the whole contract between the kiosk core and the UI.
//!
//! The core computes a [`ViewModel`] from the session and device health (a pure function,
//! [`crate::screen`]); `ui_bridge` turns it into Slint properties. The UI sends [`UiEvent`]s
//! back. Nothing here names a Slint type. Texts that come from data (service titles, field
//! labels) arrive already in the current language; fixed UI texts live in the `.slint` files
//! under `@tr()`; errors travel as codes that the UI translates.

use dost_api::ApplicationState;

/// UI language. Azerbaijani is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Az,
    Ru,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Az, Lang::Ru, Lang::En];

    /// ISO 639-1 code, also the name of the bundled translation.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Az => "az",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "az" => Some(Lang::Az),
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// Every screen the kiosk can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
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
}

impl ScreenId {
    pub const ALL: [ScreenId; 18] = [
        ScreenId::Attract,
        ScreenId::ReadingCard,
        ScreenId::CardError,
        ScreenId::Welcome,
        ScreenId::Catalog,
        ScreenId::Form,
        ScreenId::Review,
        ScreenId::Submitting,
        ScreenId::Done,
        ScreenId::MyApplications,
        ScreenId::OutOfService,
        ScreenId::ServiceInfo,
        ScreenId::ApplicationDetail,
        ScreenId::Rating,
        ScreenId::ServicePin,
        ScreenId::ServiceTechnician,
        ScreenId::ServiceStaff,
        ScreenId::ServiceSettings,
    ];

    /// Kebab-case name used by the CLI (`screenshot --screen NAME`) and file names.
    pub fn name(self) -> &'static str {
        match self {
            ScreenId::Attract => "attract",
            ScreenId::ReadingCard => "reading-card",
            ScreenId::CardError => "card-error",
            ScreenId::Welcome => "welcome",
            ScreenId::Catalog => "catalog",
            ScreenId::Form => "form",
            ScreenId::Review => "review",
            ScreenId::Submitting => "submitting",
            ScreenId::Done => "done",
            ScreenId::MyApplications => "my-applications",
            ScreenId::OutOfService => "out-of-service",
            ScreenId::ServiceInfo => "service-info",
            ScreenId::ApplicationDetail => "application-detail",
            ScreenId::Rating => "rating",
            ScreenId::ServicePin => "service-pin",
            ScreenId::ServiceTechnician => "service-technician",
            ScreenId::ServiceStaff => "service-staff",
            ScreenId::ServiceSettings => "service-settings",
        }
    }

    pub fn from_name(name: &str) -> Option<ScreenId> {
        Self::ALL.into_iter().find(|s| s.name() == name)
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
    /// Given names and surname, capitalised with Azerbaijani rules ("Əli Həsənov").
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
}

/// Kind of a form field; decides the keyboard and the checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FieldKind {
    #[default]
    Text,
    /// +994 and 9 digits (operator/area code + number).
    Phone,
    Number,
    Date,
    Iban,
    Address,
    YesNo,
    Choice,
}

/// Why a field's value is refused; the UI shows a translated message for each code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldError {
    Required,
    /// Not `+994` followed by a known operator/area code and 7 digits.
    PhoneFormat,
    TooLong,
    TooShort,
    NotANumber,
    OutOfRange,
    DateFormat,
    IbanFormat,
    IbanChecksum,
    /// Settings: not `https://…` (plain `http://` only to this machine).
    UrlFormat,
    /// Settings: a kiosk id of A-Z, 0-9, `-` and `_`, up to 64 characters.
    IdFormat,
    /// Settings: an application-number code of 2 to 8 characters, A-Z and 0-9.
    CodeFormat,
    /// Settings: the card reader and the printer on the same serial port.
    SamePort,
}

/// One field of the current form page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldView {
    pub id: String,
    pub label: String,
    pub help: String,
    pub kind: FieldKind,
    pub required: bool,
    pub value: String,
    /// For `Choice`: the options, in the current language.
    pub options: Vec<String>,
    pub error: Option<FieldError>,
}

/// The form page being filled.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FormView {
    pub service_title: String,
    pub fields: Vec<FieldView>,
    /// 1-based page number and page count, for the step indicator.
    pub page: u32,
    pub pages: u32,
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
}

/// The finished application.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DoneView {
    pub application_id: String,
    pub service_title: String,
    pub receipt: ReceiptState,
    /// What the QR code carries (the status-lookup code).
    pub qr_payload: String,
}

/// One of the citizen's applications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationRow {
    pub application_id: String,
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
}

/// Health of one part on the technician's screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartLevel {
    Ok,
    Warn,
    Fail,
}

/// One part (card reader, printer, centre link, disk, database, clock) on the technician's screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartView {
    /// Part name (technical, shown as is: technicians read English part names).
    pub name: String,
    pub level: PartLevel,
    /// Last state or error, as is.
    pub detail: String,
}

/// A receipt that could not print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldReceiptView {
    pub job_id: i64,
    pub application_id: String,
    /// `paper-out`, `cover-open`, `offline`, ...
    pub reason: String,
}

/// Paper as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaperView {
    /// `ok`, `low`, `out` or `unknown`.
    pub level: String,
    pub receipts_left: Option<u64>,
    pub used_mm: u64,
}

/// Why the PIN pad refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PinRefusal {
    Wrong { tries_left: u32 },
    Locked { seconds: u32 },
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
    /// Result of the last action ("Test page queued", "Diagnostics saved to ...").
    pub message: Option<String>,
    pub kiosk_id: String,
    pub version: String,
    /// The settings form, when the technician has it open.
    pub settings: Option<SettingsView>,
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
}

/// Everything the screen shows. A pure function of session and device health.
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
}

/// What the citizen did on the screen.
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
    OpenApplication(String),
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
}

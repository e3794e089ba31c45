//! Kiosk configuration (`config/kiosk.toml`): read, checked, every problem named with its line.
//!
//! Values are typed as they are read (languages, documents, framings, parities, paper widths
//! are enums of the crates that own them); checks of ranges and formats follow, each naming
//! the line the parser saw the key on.

pub mod access;
pub mod change;
pub mod chip;
pub mod edit;
pub mod pin;
pub mod reader;
mod remote;
mod rules;

use std::path::{Path, PathBuf};

use dost_api::Lang;
use kiosk_core::card::{AcceptedDocument, OfflineAuth};
use kiosk_core::problem::{Problem, Problems, Spans};
use kiosk_core::session::Policy;
use receipt_printer::{AzGlyphs, PaperWidth};
use serde::Deserialize;

pub use chip::ChipSection;
pub use reader::{CardReaderSection, ReaderSettings};
pub use remote::RemoteSettings;

/// A configuration or catalog file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the kiosk token: {0}")]
    Credential(#[from] crate::platform::credentials::CredentialError),
    #[error("the kiosk token in {0} is not visible ASCII text")]
    BadToken(String),
    #[error("{path} is larger than {max} bytes")]
    TooLarge { path: PathBuf, max: u64 },
    #[error(transparent)]
    Invalid(#[from] Problems),
}

/// Largest configuration or catalog file read (the shipped ones are a few KiB).
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// Reads a configuration or catalog file of at most [`MAX_FILE_BYTES`].
fn read_bounded(path: &Path) -> Result<String, ConfigError> {
    use std::io::Read;
    let read = |source| ConfigError::Read {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read)?;
    let mut text = String::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(read)?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(ConfigError::TooLarge {
            path: path.to_owned(),
            max: MAX_FILE_BYTES,
        });
    }
    Ok(text)
}

impl ConfigError {
    pub fn problems(&self) -> &[Problem] {
        match self {
            ConfigError::Invalid(p) => &p.list,
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskConfig {
    pub kiosk: KioskSection,
    #[serde(default)]
    pub session: SessionSection,
    pub card_reader: CardReaderSection,
    pub printer: PrinterSection,
    pub central: CentralSection,
    #[serde(default)]
    pub service: ServiceSection,
    /// Chip authentication of ID documents (off when the section is absent).
    #[serde(default)]
    pub chip: ChipSection,
    /// The tactile keypad.
    #[serde(default)]
    pub keypad: access::KeypadSection,
    /// Audio guidance.
    #[serde(default)]
    pub speech: access::SpeechSection,
    /// Folder the file was read from; relative paths in it are taken from here.
    #[serde(skip)]
    pub base_dir: PathBuf,
    /// The file itself (watched for changes while the kiosk runs).
    #[serde(skip)]
    pub source: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskSection {
    /// Kiosk identity at the centre.
    pub id: String,
    /// Short code that starts every application number this kiosk makes (unique per kiosk).
    pub code: String,
    pub center_name: String,
    /// Demo configuration: demo controls on screen, specimen cards.
    #[serde(default)]
    pub demo: bool,
    pub data_dir: PathBuf,
    pub catalog: PathBuf,
    /// Days after the centre confirms an application before its personal data is purged.
    #[serde(default = "d_purge")]
    pub purge_after_days: u32,
    /// Where the kiosk stands in the centre ("Zal 1, girişin sağında"): staff called by a
    /// citizen find it by this (staff screen, heartbeat).
    #[serde(default)]
    pub location: String,
}

fn d_purge() -> u32 {
    30
}

/// Service mode for technicians and staff.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServiceSection {
    /// argon2 hash of the technician's PIN (`dost-kiosk pin hash`); empty: no technician access.
    pub technician_pin_hash: String,
    /// argon2 hash of the center staff's PIN; empty: no staff access.
    pub staff_pin_hash: String,
    /// Seconds without a touch before service mode closes by itself.
    pub idle_close_s: u32,
}

impl Default for ServiceSection {
    fn default() -> Self {
        Self {
            technician_pin_hash: String::new(),
            staff_pin_hash: String::new(),
            idle_close_s: 120,
        }
    }
}

impl ServiceSection {
    pub fn pin_hashes(&self) -> kiosk_core::pin::PinHashes {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        kiosk_core::pin::PinHashes {
            technician: some(&self.technician_pin_hash),
            staff: some(&self.staff_pin_hash),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionSection {
    pub idle_timeout_s: u32,
    pub countdown_s: u32,
    pub default_lang: Lang,
    pub accept: Vec<AcceptedDocument>,
    pub offline_auth: OfflineAuth,
    /// How long a card error stays on screen before the attract screen returns.
    pub card_error_s: u32,
    /// Taps on a screen shown less than this long ago are ignored (double taps; 0: none).
    pub tap_guard_ms: u32,
}

/// Least warning before an idle session ends (WCAG 2.2.1: at least 20 s to extend it).
pub const MIN_COUNTDOWN_S: u32 = 20;
/// Longest tap guard.
pub const MAX_TAP_GUARD_MS: u32 = 2000;

impl Default for SessionSection {
    fn default() -> Self {
        Self {
            idle_timeout_s: 45,
            countdown_s: MIN_COUNTDOWN_S,
            default_lang: Lang::Az,
            accept: vec![AcceptedDocument::AzeIdCard, AcceptedDocument::Passport],
            offline_auth: OfflineAuth::Allow,
            card_error_s: 15,
            tap_guard_ms: 500,
        }
    }
}

/// How the card reader is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceKind {
    Simulated,
    Serial,
    /// A reader typing as a USB keyboard, read from evdev with an exclusive grab.
    Wedge,
}

impl DeviceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceKind::Simulated => "simulated",
            DeviceKind::Serial => "serial",
            DeviceKind::Wedge => "wedge",
        }
    }
}

/// How the receipt printer is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrinterKind {
    Simulated,
    Serial,
    /// A USB printer through the kernel's usblp device file (`/dev/usb/lp0`,
    /// `/dev/dost-printer`), status read back through it.
    Usblp,
}

impl PrinterKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PrinterKind::Simulated => "simulated",
            PrinterKind::Serial => "serial",
            PrinterKind::Usblp => "usblp",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrinterSection {
    pub kind: PrinterKind,
    #[serde(default)]
    pub port: String,
    #[serde(default = "d_printer_baud")]
    pub baud: u32,
    #[serde(default)]
    pub paper: PaperWidth,
    /// How ə/Ə print.
    #[serde(default)]
    pub az_glyphs: AzGlyphs,
    #[serde(default)]
    pub auto_status_back: bool,
    #[serde(default = "d_roll")]
    pub roll_length_mm: u32,
    #[serde(default = "d_low")]
    pub low_paper_receipts: u32,
    #[serde(default = "d_poll")]
    pub status_poll_s: u32,
    /// The printer's model (`dost-kiosk printer models`): code pages, widths, presenter.
    #[serde(default = "d_model")]
    pub model: String,
    /// Presenter printers: seconds a receipt waits in the mouth before it is retracted.
    #[serde(default = "d_retract")]
    pub retract_after_s: u8,
}

fn d_printer_baud() -> u32 {
    38400
}
fn d_roll() -> u32 {
    80_000
}
fn d_low() -> u32 {
    30
}
fn d_poll() -> u32 {
    5
}
fn d_model() -> String {
    "default".into()
}
fn d_retract() -> u8 {
    30
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CentralMode {
    /// Run the reference central API inside the kiosk process (demo).
    Embedded,
    /// Talk to the central API at `url`.
    Remote,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CentralSection {
    pub mode: CentralMode,
    #[serde(default)]
    pub url: String,
    /// Bearer token of this kiosk (or `token_file`).
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub token_file: Option<PathBuf>,
    /// Name of the systemd credential that holds the token (`LoadCredentialEncrypted=`): the
    /// token then stays off the data disk.
    #[serde(default)]
    pub token_credential: Option<String>,
    #[serde(default = "d_timeout")]
    pub request_timeout_s: u32,
    #[serde(default = "d_batch")]
    pub batch_size: u32,
    #[serde(default = "d_retry_base")]
    pub retry_base_ms: u32,
    #[serde(default = "d_retry_cap")]
    pub retry_cap_s: u32,
    /// This kiosk's slot of the cap's period, in ms (below `retry_cap_s`): once the waits reach
    /// the cap, attempts are made at it (`central::retry_wait_at_slot`). None: random waits.
    #[serde(default)]
    pub retry_slot_ms: Option<u32>,
    #[serde(default = "d_heartbeat")]
    pub heartbeat_s: u32,
    #[serde(default = "d_refresh")]
    pub status_refresh_s: u32,
    /// What receipt and ticket QR codes open: `{central}`, `{number}` and `{code}` filled in
    /// (checked as it is read; default: the centre's own status page).
    #[serde(default)]
    pub status_url_template: kiosk_core::status_link::StatusLinkTemplate,
}

fn d_timeout() -> u32 {
    10
}
fn d_batch() -> u32 {
    100
}
fn d_retry_base() -> u32 {
    500
}
fn d_retry_cap() -> u32 {
    60
}
fn d_heartbeat() -> u32 {
    60
}
fn d_refresh() -> u32 {
    300
}

impl KioskConfig {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<KioskConfig, ConfigError> {
        let text = read_bounded(path)?;
        Self::parse(&text, path)
    }

    /// Parses and checks configuration text; `path` names the file and its folder.
    pub fn parse(text: &str, path: &Path) -> Result<KioskConfig, ConfigError> {
        let origin = path.display().to_string();
        let mut cfg: KioskConfig =
            toml::from_str(text).map_err(|e| Problems::from_toml(&origin, text, &e))?;
        cfg.source = path.to_owned();
        cfg.base_dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let problems = cfg.problems(Some(&Spans::new(text)));
        Ok(Problems::check(origin, cfg, problems)?)
    }

    /// A path from the file, taken from the file's folder when relative.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_owned()
        } else {
            self.base_dir.join(p)
        }
    }

    /// Where the kiosk keeps its database and files.
    pub fn data_dir(&self) -> PathBuf {
        self.resolve(&self.kiosk.data_dir)
    }

    pub fn catalog_path(&self) -> PathBuf {
        self.resolve(&self.kiosk.catalog)
    }

    /// Reads and checks the catalog the configuration names.
    pub fn load_catalog(&self) -> Result<kiosk_core::catalog::Catalog, ConfigError> {
        let path = self.catalog_path();
        let text = read_bounded(&path)?;
        Ok(kiosk_core::catalog::Catalog::parse(
            &text,
            &path.display().to_string(),
        )?)
    }

    /// What the session needs to know of the configuration.
    pub fn policy(&self) -> Policy {
        let s = &self.session;
        Policy {
            accept: s.accept.clone(),
            offline_auth: s.offline_auth,
            idle_timeout_ms: u64::from(s.idle_timeout_s) * 1000,
            countdown_ms: u64::from(s.countdown_s) * 1000,
            card_error_ms: u64::from(s.card_error_s) * 1000,
            default_lang: s.default_lang,
            service_idle_ms: u64::from(self.service.idle_close_s) * 1000,
            chip: self.chip.policy(),
            tap_guard_ms: u64::from(s.tap_guard_ms),
            ..Policy::default()
        }
    }

    /// The receipt printer's profile.
    pub fn printer_profile(&self) -> receipt_printer::PrinterProfile {
        let p = &self.printer;
        receipt_printer::PrinterProfile {
            paper: p.paper,
            az_glyphs: p.az_glyphs,
            auto_status_back: p.auto_status_back,
            model: p.model.clone(),
            retract_after_s: p.retract_after_s,
        }
    }

    /// The paper roll, for the paper counter.
    pub fn paper_roll(&self) -> kiosk_core::paper::PaperRoll {
        kiosk_core::paper::PaperRoll {
            roll_length_mm: self.printer.roll_length_mm,
            low_receipts: self.printer.low_paper_receipts,
        }
    }

    /// Serial settings of the card reader on `port` (the model's defaults with the file's
    /// keys over them).
    pub fn reader_settings(&self, port: &str) -> card_reader::SerialSettings {
        self.card_reader.effective().serial(port)
    }

    /// The kiosk's bearer token for the centre: from the systemd credential
    /// `token_credential`, the file `token_file`, or `token`, in that order (the demo's own
    /// token when none is set).
    pub fn token(&self) -> Result<String, ConfigError> {
        self.token_in(crate::platform::credentials::dir().as_deref())
    }

    /// [`KioskConfig::token`] with the credentials folder given.
    pub fn token_in(&self, credentials: Option<&Path>) -> Result<String, ConfigError> {
        use crate::platform::credentials;
        let c = &self.central;
        let (bytes, from) = if let Some(name) = &c.token_credential {
            (
                credentials::read(credentials, name)?,
                format!("credential {name}"),
            )
        } else if let Some(f) = &c.token_file {
            let path = self.resolve(f);
            (credentials::read_file(&path)?, path.display().to_string())
        } else if c.token.is_empty() {
            return Ok(format!("demo-{}", self.kiosk.id));
        } else {
            return Ok(c.token.clone());
        };
        let token = std::str::from_utf8(&bytes)
            .map(str::trim)
            .map_err(|_| ConfigError::BadToken(from.clone()))?;
        if token.is_empty() || kiosk_core::limits::token(token).is_err() {
            return Err(ConfigError::BadToken(from));
        }
        Ok(token.to_owned())
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_citizen;
#[cfg(test)]
pub(crate) mod tests_reader;

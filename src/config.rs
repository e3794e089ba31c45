//! Kiosk configuration (`config/kiosk.toml`): read, checked, every problem named with its line.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::view::Lang;

/// A configuration or catalog file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", fmt_problems(path, problems))]
    Invalid {
        path: PathBuf,
        problems: Vec<Problem>,
    },
}

/// One problem in a file: where, which key, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line, when known.
    pub line: Option<usize>,
    pub key: String,
    pub reason: String,
}

fn fmt_problems(path: &Path, problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| match p.line {
            Some(l) => format!("{}:{l}: `{}`: {}", path.display(), p.key, p.reason),
            None => format!("{}: `{}`: {}", path.display(), p.key, p.reason),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl ConfigError {
    /// Turns a TOML syntax or type error into a problem with its line.
    pub fn from_toml(path: &Path, text: &str, e: &toml::de::Error) -> ConfigError {
        let line = e
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        // The key is what stands before `=` on the line the error points at.
        let key = e
            .span()
            .and_then(|span| {
                let start = text[..span.start.min(text.len())]
                    .rfind('\n')
                    .map_or(0, |i| i + 1);
                text[start..].lines().next()
            })
            .and_then(|l| l.split_once('=').map(|(k, _)| k.trim().to_owned()))
            .filter(|k| !k.is_empty() && k.len() < 60)
            .unwrap_or_else(|| "-".to_owned());
        ConfigError::Invalid {
            path: path.to_owned(),
            problems: vec![Problem {
                line,
                key,
                reason: e.message().to_owned(),
            }],
        }
    }

    /// One problem without a line (a value from the centre, a command-line key).
    pub fn one(path: &Path, key: &str, reason: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            path: path.to_owned(),
            problems: vec![Problem {
                line: None,
                key: key.to_owned(),
                reason: reason.into(),
            }],
        }
    }

    /// `value` when `problems` is empty, else the problems as the error.
    pub fn check<T>(path: &Path, value: T, problems: Vec<Problem>) -> Result<T, ConfigError> {
        if problems.is_empty() {
            Ok(value)
        } else {
            Err(ConfigError::Invalid {
                path: path.to_owned(),
                problems,
            })
        }
    }

    pub fn problems(&self) -> &[Problem] {
        match self {
            ConfigError::Invalid { problems, .. } => problems,
            ConfigError::Read { .. } => &[],
        }
    }
}

fn is_key_line(line: &str, key: &str) -> bool {
    let l = line.trim_start();
    let bare = key.rsplit('.').next().unwrap_or(key);
    l.strip_prefix(bare)
        .is_some_and(|rest| rest.trim_start().starts_with('='))
        || l == format!("[{key}]")
        || l == format!("[[{key}]]")
}

/// 1-based line of the first `key = …` (or `[key]` table) in `text`.
pub fn line_of(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| is_key_line(l, key))
        .map(|i| i + 1)
}

/// 1-based line of the first `key = …` at or after the first line containing `anchor`.
pub fn line_of_after(text: &str, anchor: &str, key: &str) -> Option<usize> {
    let start = text.lines().position(|l| l.contains(anchor))?;
    text.lines()
        .enumerate()
        .skip(start)
        .find(|(_, l)| is_key_line(l, key))
        .map(|(i, _)| i + 1)
        .or(Some(start + 1))
}

/// 1-based line of `key` inside table `[section]`.
fn line_in_section(text: &str, section: &str, key: &str) -> Option<usize> {
    let header = format!("[{section}]");
    let start = text.lines().position(|l| l.trim() == header)?;
    text.lines()
        .enumerate()
        .skip(start + 1)
        .take_while(|(_, l)| !l.trim_start().starts_with('['))
        .find(|(_, l)| is_key_line(l, key))
        .map(|(i, _)| i + 1)
        .or(Some(start + 1))
}

#[derive(Debug, Clone, Deserialize)]
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
    /// Folder the file was read from; relative paths in it are taken from here.
    #[serde(skip)]
    pub base_dir: PathBuf,
    /// The file itself (watched for changes while the kiosk runs).
    #[serde(skip)]
    pub source: PathBuf,
}

#[derive(Debug, Clone, Deserialize)]
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
}

fn d_purge() -> u32 {
    30
}

/// Service mode for technicians and staff.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSection {
    /// argon2 hash of the technician's PIN (`dost-kiosk pin hash`); empty: no technician access.
    #[serde(default)]
    pub technician_pin_hash: String,
    /// argon2 hash of the center staff's PIN; empty: no staff access.
    #[serde(default)]
    pub staff_pin_hash: String,
    /// Seconds without a touch before service mode closes by itself.
    #[serde(default = "d_service_idle")]
    pub idle_close_s: u32,
}

fn d_service_idle() -> u32 {
    120
}

impl Default for ServiceSection {
    fn default() -> Self {
        Self {
            technician_pin_hash: String::new(),
            staff_pin_hash: String::new(),
            idle_close_s: d_service_idle(),
        }
    }
}

impl ServiceSection {
    pub fn pin_hashes(&self) -> crate::service::PinHashes {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        crate::service::PinHashes {
            technician: some(&self.technician_pin_hash),
            staff: some(&self.staff_pin_hash),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AcceptedDocument {
    /// Azerbaijani ID cards, TD1 (new) and TD2 (older).
    AzeIdCard,
    /// Passports (TD3) of any state.
    Passport,
    /// ID cards of other states.
    ForeignIdCard,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OfflineAuth {
    /// The centre cannot be asked: accept on the local checks alone.
    Allow,
    /// The centre cannot be asked: refuse the card.
    Refuse,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionSection {
    #[serde(default = "d_idle")]
    pub idle_timeout_s: u32,
    #[serde(default = "d_countdown")]
    pub countdown_s: u32,
    #[serde(default = "d_lang")]
    pub default_lang: String,
    #[serde(default = "d_accept")]
    pub accept: Vec<AcceptedDocument>,
    #[serde(default = "d_offline")]
    pub offline_auth: OfflineAuth,
    /// How long a card error stays on screen before the attract screen returns.
    #[serde(default = "d_error_s")]
    pub card_error_s: u32,
}

fn d_idle() -> u32 {
    45
}
fn d_countdown() -> u32 {
    10
}
fn d_lang() -> String {
    "az".into()
}
fn d_accept() -> Vec<AcceptedDocument> {
    vec![AcceptedDocument::AzeIdCard, AcceptedDocument::Passport]
}
fn d_offline() -> OfflineAuth {
    OfflineAuth::Allow
}
fn d_error_s() -> u32 {
    15
}

impl Default for SessionSection {
    fn default() -> Self {
        Self {
            idle_timeout_s: d_idle(),
            countdown_s: d_countdown(),
            default_lang: d_lang(),
            accept: d_accept(),
            offline_auth: d_offline(),
            card_error_s: d_error_s(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceKind {
    Simulated,
    Serial,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardReaderSection {
    pub kind: DeviceKind,
    #[serde(default)]
    pub port: String,
    #[serde(default = "d_reader_baud")]
    pub baud: u32,
    #[serde(default = "d_data_bits")]
    pub data_bits: u8,
    #[serde(default = "d_parity")]
    pub parity: String,
    #[serde(default = "d_stop_bits")]
    pub stop_bits: u8,
    #[serde(default = "d_framing")]
    pub framing: String,
}

fn d_reader_baud() -> u32 {
    9600
}
fn d_data_bits() -> u8 {
    8
}
fn d_parity() -> String {
    "none".into()
}
fn d_stop_bits() -> u8 {
    1
}
fn d_framing() -> String {
    "plain".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrinterSection {
    pub kind: DeviceKind,
    #[serde(default)]
    pub port: String,
    #[serde(default = "d_printer_baud")]
    pub baud: u32,
    /// `80mm` or `58mm`.
    #[serde(default = "d_paper")]
    pub paper: String,
    /// How ə/Ə print: `user-defined` characters or `raster`.
    #[serde(default = "d_glyphs")]
    pub az_glyphs: String,
    #[serde(default)]
    pub auto_status_back: bool,
    #[serde(default = "d_roll")]
    pub roll_length_mm: u32,
    #[serde(default = "d_low")]
    pub low_paper_receipts: u32,
    #[serde(default = "d_poll")]
    pub status_poll_s: u32,
}

fn d_printer_baud() -> u32 {
    38400
}
fn d_paper() -> String {
    "80mm".into()
}
fn d_glyphs() -> String {
    "user-defined".into()
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CentralMode {
    /// Run the reference central API inside the kiosk process (demo).
    Embedded,
    /// Talk to the central API at `url`.
    Remote,
}

#[derive(Debug, Clone, Deserialize)]
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
    #[serde(default = "d_timeout")]
    pub request_timeout_s: u32,
    #[serde(default = "d_batch")]
    pub batch_size: u32,
    #[serde(default = "d_retry_base")]
    pub retry_base_ms: u32,
    #[serde(default = "d_retry_cap")]
    pub retry_cap_s: u32,
    #[serde(default = "d_heartbeat")]
    pub heartbeat_s: u32,
    #[serde(default = "d_refresh")]
    pub status_refresh_s: u32,
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

/// The central API's address: `https://host…`, or plain `http://` only to this machine
/// (127.0.0.1 or localhost, the embedded or a test centre).
pub fn central_url_allowed(url: &str) -> bool {
    let (rest, local_only) = match url.strip_prefix("https://") {
        Some(r) => (r, false),
        None => match url.strip_prefix("http://") {
            Some(r) => (r, true),
            None => return false,
        },
    };
    let host = rest.split(['/', ':']).next().unwrap_or("");
    let host_ok = if local_only {
        matches!(host, "127.0.0.1" | "localhost")
    } else {
        !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    };
    host_ok && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl KioskConfig {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<KioskConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses and checks configuration text; `path` names the file and its folder.
    pub fn parse(text: &str, path: &Path) -> Result<KioskConfig, ConfigError> {
        let mut cfg: KioskConfig =
            toml::from_str(text).map_err(|e| ConfigError::from_toml(path, text, &e))?;
        cfg.source = path.to_owned();
        cfg.base_dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let problems = cfg.problems(text);
        ConfigError::check(path, cfg, problems)
    }

    fn problems(&self, text: &str) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut add = |section: &str, key: &str, reason: &str| {
            out.push(Problem {
                line: line_in_section(text, section, key),
                key: format!("{section}.{key}"),
                reason: reason.to_owned(),
            })
        };
        let k = &self.kiosk;
        if k.id.trim().is_empty() {
            add("kiosk", "id", "must not be empty");
        }
        if k.code.len() < 2
            || k.code.len() > 8
            || !k
                .code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            add("kiosk", "code", "2 to 8 characters, A-Z and 0-9");
        }
        if k.purge_after_days == 0 || k.purge_after_days > 3650 {
            add("kiosk", "purge_after_days", "1 to 3650 days");
        }
        let s = &self.session;
        if !(20..=600).contains(&s.idle_timeout_s) {
            add("session", "idle_timeout_s", "between 20 and 600 seconds");
        }
        if s.countdown_s == 0 || s.countdown_s >= s.idle_timeout_s {
            add(
                "session",
                "countdown_s",
                "more than 0 and less than idle_timeout_s",
            );
        }
        if Lang::parse(&s.default_lang).is_none() {
            add("session", "default_lang", "one of az, ru, en");
        }
        if s.accept.is_empty() {
            add("session", "accept", "accept at least one document type");
        }
        let r = &self.card_reader;
        if r.kind == DeviceKind::Serial && r.port.is_empty() {
            add("card_reader", "port", "a serial reader needs a port");
        }
        if !matches!(r.parity.as_str(), "none" | "odd" | "even") {
            add("card_reader", "parity", "one of none, odd, even");
        }
        if !(5..=8).contains(&r.data_bits) {
            add("card_reader", "data_bits", "5 to 8");
        }
        if !matches!(r.stop_bits, 1 | 2) {
            add("card_reader", "stop_bits", "1 or 2");
        }
        if !matches!(r.framing.as_str(), "plain" | "stx-etx" | "3m" | "desko") {
            add("card_reader", "framing", "one of plain, stx-etx, 3m, desko");
        }
        if r.baud == 0 {
            add("card_reader", "baud", "must be positive");
        }
        let p = &self.printer;
        if p.kind == DeviceKind::Serial && p.port.is_empty() {
            add("printer", "port", "a serial printer needs a port");
        }
        if !matches!(p.paper.as_str(), "80mm" | "58mm") {
            add("printer", "paper", "80mm or 58mm");
        }
        if !matches!(p.az_glyphs.as_str(), "user-defined" | "raster") {
            add("printer", "az_glyphs", "user-defined or raster");
        }
        if p.roll_length_mm < 1000 {
            add("printer", "roll_length_mm", "at least 1000 mm");
        }
        if p.status_poll_s == 0 {
            add("printer", "status_poll_s", "at least 1 second");
        }
        let c = &self.central;
        if c.mode == CentralMode::Remote {
            if !central_url_allowed(&c.url) {
                add(
                    "central",
                    "url",
                    "https:// (plain http only to this machine)",
                );
            }
            if c.token.is_empty() && c.token_file.is_none() {
                add(
                    "central",
                    "token",
                    "a remote centre needs token or token_file",
                );
            }
        }
        if c.request_timeout_s == 0 || c.request_timeout_s > 120 {
            add("central", "request_timeout_s", "1 to 120 seconds");
        }
        if c.batch_size == 0 || c.batch_size as usize > dost_api::MAX_BATCH {
            add("central", "batch_size", "1 to 500");
        }
        if c.retry_base_ms == 0 || c.retry_cap_s == 0 {
            add(
                "central",
                "retry_base_ms",
                "retry base and cap must be positive",
            );
        }
        out
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

    pub fn default_lang(&self) -> Lang {
        Lang::parse(&self.session.default_lang).unwrap_or_default()
    }

    /// The receipt printer's profile (values were checked when the file was read).
    pub fn printer_profile(&self) -> receipt_printer::PrinterProfile {
        let p = &self.printer;
        receipt_printer::PrinterProfile {
            paper: if p.paper == "58mm" {
                receipt_printer::PaperWidth::Mm58
            } else {
                receipt_printer::PaperWidth::Mm80
            },
            az_glyphs: if p.az_glyphs == "raster" {
                receipt_printer::AzGlyphs::Raster
            } else {
                receipt_printer::AzGlyphs::UserDefined
            },
            auto_status_back: p.auto_status_back,
            roll_length_mm: p.roll_length_mm,
            low_paper_receipts: p.low_paper_receipts,
            ..Default::default()
        }
    }

    /// Serial settings of the card reader on `port` (values were checked when read).
    pub fn reader_settings(&self, port: &str) -> card_reader::SerialSettings {
        let r = &self.card_reader;
        card_reader::SerialSettings {
            path: port.to_owned(),
            baud: r.baud,
            data_bits: r.data_bits,
            parity: match r.parity.as_str() {
                "odd" => card_reader::Parity::Odd,
                "even" => card_reader::Parity::Even,
                _ => card_reader::Parity::None,
            },
            stop_bits: r.stop_bits,
            framing: r.framing.parse().unwrap_or_default(),
        }
    }

    /// The kiosk's bearer token for the centre.
    pub fn token(&self) -> Result<String, ConfigError> {
        match &self.central.token_file {
            Some(f) => {
                let path = self.resolve(f);
                std::fs::read_to_string(&path)
                    .map(|t| t.trim().to_owned())
                    .map_err(|source| ConfigError::Read { path, source })
            }
            None if self.central.token.is_empty() => Ok(format!("demo-{}", self.kiosk.id)),
            None => Ok(self.central.token.clone()),
        }
    }
}

impl KioskConfig {
    /// This configuration with the settings of `edited` that apply without a restart (session,
    /// service mode, center name); the second value names the sections that differ but need a
    /// restart (devices, centre link, identity, storage).
    pub fn with_live_settings(&self, edited: &KioskConfig) -> (KioskConfig, Vec<&'static str>) {
        let mut next = self.clone();
        next.session = edited.session.clone();
        next.service = edited.service.clone();
        next.kiosk.center_name = edited.kiosk.center_name.clone();
        let mut restart = Vec::new();
        let k = |c: &KioskConfig| {
            (
                c.kiosk.id.clone(),
                c.kiosk.code.clone(),
                c.kiosk.catalog.clone(),
            )
        };
        if k(self) != k(edited) {
            restart.push("kiosk");
        }
        let r = |c: &KioskConfig| format!("{:?}", c.card_reader);
        if r(self) != r(edited) {
            restart.push("card_reader");
        }
        let p = |c: &KioskConfig| format!("{:?}", c.printer);
        if p(self) != p(edited) {
            restart.push("printer");
        }
        let c = |c: &KioskConfig| format!("{:?}", c.central);
        if c(self) != c(edited) {
            restart.push("central");
        }
        (next, restart)
    }
}

/// Settings the centre may change remotely (`GET /v1/kiosks/{id}/config`). Device and link
/// settings stay local: a remote configuration naming them is refused.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoteSettings {
    #[serde(default)]
    pub center_name: Option<String>,
    #[serde(default)]
    pub session: Option<SessionSection>,
    #[serde(default)]
    pub service_idle_close_s: Option<u32>,
}

impl KioskConfig {
    /// This configuration with the centre's settings applied, checked as a whole. A bad remote
    /// configuration is refused and the current one stays.
    pub fn with_remote(&self, value: &serde_json::Value) -> Result<KioskConfig, ConfigError> {
        let path = PathBuf::from("centre configuration");
        let remote: RemoteSettings = serde_json::from_value(value.clone())
            .map_err(|e| ConfigError::one(&path, "-", e.to_string()))?;
        let mut next = self.clone();
        if let Some(name) = remote.center_name {
            next.kiosk.center_name = name;
        }
        if let Some(session) = remote.session {
            next.session = session;
        }
        if let Some(s) = remote.service_idle_close_s {
            next.service.idle_close_s = s;
        }
        let mut problems = next.problems("");
        if next.kiosk.center_name.trim().is_empty() || next.kiosk.center_name.len() > 80 {
            problems.push(Problem {
                line: None,
                key: "center_name".into(),
                reason: "1 to 80 characters".into(),
            });
        }
        ConfigError::check(&path, next, problems)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: `{}`: {}", self.key, self.reason),
            None => write!(f, "`{}`: {}", self.key, self.reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped_text() -> String {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/kiosk.toml");
        std::fs::read_to_string(p).unwrap_or_default()
    }

    #[test]
    fn shipped_config_is_valid_demo() {
        let text = shipped_text();
        let cfg = KioskConfig::parse(&text, Path::new("config/kiosk.toml"));
        let cfg = match cfg {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        assert!(cfg.kiosk.demo);
        assert_eq!(cfg.card_reader.kind, DeviceKind::Simulated);
        assert_eq!(cfg.printer.kind, DeviceKind::Simulated);
        assert_eq!(cfg.central.mode, CentralMode::Embedded);
        assert_eq!(cfg.session.idle_timeout_s, 45);
        assert_eq!(cfg.default_lang(), Lang::Az);
        assert_eq!(cfg.catalog_path(), Path::new("config/services.toml"));
    }

    #[test]
    fn remote_settings_are_checked_before_use() {
        let cfg = KioskConfig::parse(&shipped_text(), Path::new("config/kiosk.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let next = cfg
            .with_remote(&serde_json::json!({"center_name": "DOST Xəzər", "session": {"idle_timeout_s": 60}}))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(next.kiosk.center_name, "DOST Xəzər");
        assert_eq!(next.session.idle_timeout_s, 60);
        assert_eq!(
            next.session.countdown_s, 10,
            "unnamed keys take their defaults"
        );
        let bad = cfg.with_remote(&serde_json::json!({"session": {"idle_timeout_s": 5}}));
        assert!(bad.is_err());
        let device = cfg.with_remote(&serde_json::json!({"printer": {"kind": "serial"}}));
        assert!(device.is_err(), "device settings are local");
    }

    #[test]
    fn live_settings_apply_and_device_changes_wait_for_a_restart() {
        let text = shipped_text();
        let cfg = KioskConfig::parse(&text, Path::new("config/kiosk.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let edited = text
            .replacen("idle_timeout_s = 45", "idle_timeout_s = 90", 1)
            .replacen("baud = 38400", "baud = 19200", 1);
        let edited = KioskConfig::parse(&edited, Path::new("config/kiosk.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let (next, restart) = cfg.with_live_settings(&edited);
        assert_eq!(next.session.idle_timeout_s, 90);
        assert_eq!(
            next.printer.baud, 38400,
            "device settings stay until a restart"
        );
        assert_eq!(restart, vec!["printer"]);
    }

    #[test]
    fn syntax_error_has_line() {
        let text = shipped_text().replacen("idle_timeout_s = 45", "idle_timeout_s = = 45", 1);
        let line = text
            .lines()
            .position(|l| l.contains("= = 45"))
            .map(|i| i + 1);
        let err = KioskConfig::parse(&text, Path::new("k.toml")).err();
        let problems = err
            .as_ref()
            .map(|e| e.problems().to_vec())
            .unwrap_or_default();
        assert_eq!(problems.len(), 1, "{err:?}");
        assert_eq!(problems[0].line, line);
        assert!(
            err.map(|e| e.to_string())
                .unwrap_or_default()
                .starts_with("k.toml:")
        );
    }

    #[test]
    fn unknown_key_and_bad_values_are_named() {
        let text = shipped_text()
            .replacen("idle_timeout_s = 45", "idle_timeout_s = 5", 1)
            .replacen("framing = \"plain\"", "framing = \"morse\"", 1);
        let err = KioskConfig::parse(&text, Path::new("k.toml")).err();
        let problems = err.map(|e| e.problems().to_vec()).unwrap_or_default();
        let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
        assert!(keys.contains(&"session.idle_timeout_s"), "{keys:?}");
        assert!(keys.contains(&"card_reader.framing"), "{keys:?}");
        let framing_line = text
            .lines()
            .position(|l| l.contains("\"morse\""))
            .map(|i| i + 1);
        assert!(problems.iter().any(|p| p.line == framing_line));

        let typo = shipped_text().replacen("center_name", "centre_nam", 1);
        let err = KioskConfig::parse(&typo, Path::new("k.toml")).err();
        let msg = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("centre_nam"), "{msg}");
    }

    #[test]
    fn url_rules() {
        for ok in [
            "https://api.dost.gov.az",
            "https://api.dost.gov.az:8443/kiosk",
            "http://127.0.0.1:8080",
            "http://localhost/",
        ] {
            assert!(central_url_allowed(ok), "{ok}");
        }
        for bad in [
            "http://api.dost.gov.az",
            "https://",
            "https://exa mple.az",
            "http://127.0.0.1.evil.az",
            "ftp://x",
            "api.dost.gov.az",
        ] {
            assert!(!central_url_allowed(bad), "{bad}");
        }
    }
}

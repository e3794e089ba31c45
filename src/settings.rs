//! Device, link and identity settings edited on the technician's screen.
//!
//! Pure: a draft made from the configuration and the machine's serial ports, edits and checks
//! of its fields, and the new text of the configuration file (comments, order and every other
//! key kept). Writing the file is [`write_config`], the one function here that does I/O.

use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Table, Value};

use crate::config::{CentralMode, ConfigError, DeviceKind, KioskConfig};
use crate::view::{FieldError, FieldKind, FieldView};

/// Field ids of the settings form, in screen order.
pub const READER_PORT: &str = "reader_port";
pub const READER_BAUD: &str = "reader_baud";
pub const READER_LINE: &str = "reader_line";
pub const READER_FRAMING: &str = "reader_framing";
pub const PRINTER_PORT: &str = "printer_port";
pub const PRINTER_BAUD: &str = "printer_baud";
pub const CENTRAL_URL: &str = "central_url";
pub const KIOSK_ID: &str = "kiosk_id";
pub const KIOSK_CODE: &str = "kiosk_code";
pub const CENTER_NAME: &str = "center_name";

/// The option of a port field that means "the simulated device" (the demo).
pub const SIMULATED: &str = "simulated";

/// Baud rates offered; a configured rate that is not here is offered too.
const BAUDS: [u32; 5] = [9600, 19200, 38400, 57600, 115200];
const FRAMINGS: [&str; 4] = ["plain", "stx-etx", "3m", "desko"];
/// Line settings offered (data bits, parity, stop bits); a configured one not here is too.
const LINES: [&str; 6] = ["8N1", "8E1", "8O1", "7E1", "7O1", "8N2"];

/// Serial line settings, e.g. 8 data bits, no parity, 1 stop bit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub data_bits: u8,
    /// `none`, `even` or `odd`, as in the configuration.
    pub parity: String,
    pub stop_bits: u8,
}

impl Line {
    /// `8N1`, `7E1`, ...
    pub fn label(&self) -> String {
        let p = match self.parity.as_str() {
            "even" => 'E',
            "odd" => 'O',
            _ => 'N',
        };
        format!("{}{p}{}", self.data_bits, self.stop_bits)
    }

    /// From `8N1`-style text; None when it is not one.
    pub fn parse(s: &str) -> Option<Line> {
        let mut c = s.chars();
        let data_bits = c.next()?.to_digit(10)?;
        let parity = match c.next()? {
            'N' => "none",
            'E' => "even",
            'O' => "odd",
            _ => return None,
        };
        let stop_bits = c.next()?.to_digit(10)?;
        if c.next().is_some() || !(5..=8).contains(&data_bits) || !(1..=2).contains(&stop_bits) {
            return None;
        }
        Some(Line {
            data_bits: data_bits as u8,
            parity: parity.to_owned(),
            stop_bits: stop_bits as u8,
        })
    }
}

const MAX_URL: usize = 200;
const MAX_ID: usize = 64;
const MAX_NAME: usize = 80;

/// A serial port of this machine as the technician picks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortInfo {
    /// Device path, e.g. `/dev/ttyUSB0`.
    pub path: String,
    /// USB vendor:product and product name, when the port is a USB adapter.
    pub usb: Option<String>,
}

impl PortInfo {
    /// What the option shows: the path, with the USB identity when known.
    pub fn label(&self) -> String {
        match &self.usb {
            Some(usb) => format!("{} · USB {usb}", self.path),
            None => self.path.clone(),
        }
    }
}

/// The settings the technician's screen edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// None: the simulated reader.
    pub reader_port: Option<String>,
    pub reader_baud: u32,
    pub reader_line: Line,
    pub reader_framing: String,
    /// None: the simulated printer.
    pub printer_port: Option<String>,
    pub printer_baud: u32,
    /// Empty: the embedded centre (demo).
    pub central_url: String,
    pub kiosk_id: String,
    pub kiosk_code: String,
    pub center_name: String,
}

impl Settings {
    pub fn from_config(cfg: &KioskConfig) -> Settings {
        let port = |kind: DeviceKind, port: &str| match kind {
            DeviceKind::Simulated => None,
            DeviceKind::Serial => Some(port.to_owned()),
        };
        Settings {
            reader_port: port(cfg.card_reader.kind, &cfg.card_reader.port),
            reader_baud: cfg.card_reader.baud,
            reader_line: Line {
                data_bits: cfg.card_reader.data_bits,
                parity: cfg.card_reader.parity.clone(),
                stop_bits: cfg.card_reader.stop_bits,
            },
            reader_framing: cfg.card_reader.framing.clone(),
            printer_port: port(cfg.printer.kind, &cfg.printer.port),
            printer_baud: cfg.printer.baud,
            central_url: match cfg.central.mode {
                CentralMode::Embedded => String::new(),
                CentralMode::Remote => cfg.central.url.clone(),
            },
            kiosk_id: cfg.kiosk.id.clone(),
            kiosk_code: cfg.kiosk.code.clone(),
            center_name: cfg.kiosk.center_name.clone(),
        }
    }

    /// Problems by field id; empty when the settings may be saved.
    pub fn check(&self) -> Vec<(&'static str, FieldError)> {
        let mut out = Vec::new();
        let url = self.central_url.as_str();
        if !url.is_empty() {
            if url.chars().count() > MAX_URL {
                out.push((CENTRAL_URL, FieldError::TooLong));
            } else if !crate::config::central_url_allowed(url) {
                out.push((CENTRAL_URL, FieldError::UrlFormat));
            }
        }
        let id = self.kiosk_id.as_str();
        if id.is_empty() {
            out.push((KIOSK_ID, FieldError::Required));
        } else if id.len() > MAX_ID
            || !id
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_')
        {
            out.push((KIOSK_ID, FieldError::IdFormat));
        }
        let code = self.kiosk_code.as_str();
        if code.is_empty() {
            out.push((KIOSK_CODE, FieldError::Required));
        } else if !(2..=8).contains(&code.len())
            || !code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            out.push((KIOSK_CODE, FieldError::CodeFormat));
        }
        let name = self.center_name.trim();
        if name.is_empty() {
            out.push((CENTER_NAME, FieldError::Required));
        } else if name.chars().count() > MAX_NAME {
            out.push((CENTER_NAME, FieldError::TooLong));
        }
        if let (Some(r), Some(p)) = (&self.reader_port, &self.printer_port)
            && r == p
        {
            out.push((PRINTER_PORT, FieldError::SamePort));
        }
        out
    }

    /// The parts that change from `before` to `self`, by configuration section.
    pub fn changed_sections(&self, before: &Settings) -> Vec<&'static str> {
        let mut out = Vec::new();
        if (
            self.kiosk_id.as_str(),
            self.kiosk_code.as_str(),
            self.center_name.as_str(),
        ) != (
            before.kiosk_id.as_str(),
            before.kiosk_code.as_str(),
            before.center_name.as_str(),
        ) {
            out.push("kiosk");
        }
        if (
            &self.reader_port,
            self.reader_baud,
            &self.reader_line,
            &self.reader_framing,
        ) != (
            &before.reader_port,
            before.reader_baud,
            &before.reader_line,
            &before.reader_framing,
        ) {
            out.push("card_reader");
        }
        if (&self.printer_port, self.printer_baud) != (&before.printer_port, before.printer_baud) {
            out.push("printer");
        }
        if self.central_url != before.central_url {
            out.push("central");
        }
        out
    }

    /// Only the centre's name differs: it applies without restarting anything.
    pub fn only_name_changed(&self, before: &Settings) -> bool {
        let same_but_name = Settings {
            center_name: before.center_name.clone(),
            ..self.clone()
        };
        same_but_name == *before && self.center_name != before.center_name
    }
}

/// The settings form being edited on the technician's screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsDraft {
    /// As the file has them now.
    pub original: Settings,
    /// As edited.
    pub edited: Settings,
    /// The machine's serial ports when the form was opened.
    pub ports: Vec<PortInfo>,
    pub errors: Vec<(String, FieldError)>,
    /// Being written to the configuration file.
    pub saving: bool,
    /// Why the last save failed (the file, or a check of the whole configuration).
    pub save_error: Option<String>,
}

impl SettingsDraft {
    pub fn new(cfg: &KioskConfig, ports: Vec<PortInfo>) -> SettingsDraft {
        Self::new_from(Settings::from_config(cfg), ports)
    }

    pub fn new_from(original: Settings, ports: Vec<PortInfo>) -> SettingsDraft {
        SettingsDraft {
            edited: original.clone(),
            original,
            ports,
            errors: Vec::new(),
            saving: false,
            save_error: None,
        }
    }

    /// Options of a port field: simulated, the machine's ports, and the configured port when
    /// it is not connected now (so the current value can still be seen and kept).
    fn port_options(&self, current: &Option<String>) -> Vec<(String, Option<String>)> {
        let mut out = vec![(SIMULATED.to_owned(), None)];
        out.extend(self.ports.iter().map(|p| (p.label(), Some(p.path.clone()))));
        if let Some(path) = current
            && !self.ports.iter().any(|p| &p.path == path)
        {
            out.push((format!("{path} · not connected"), Some(path.clone())));
        }
        out
    }

    fn port_label(&self, current: &Option<String>) -> String {
        self.port_options(current)
            .into_iter()
            .find(|(_, path)| path == current)
            .map(|(label, _)| label)
            .unwrap_or_else(|| SIMULATED.to_owned())
    }

    /// Applies an edit of one field (a choice's option label, or typed text). Unknown fields
    /// and options that are not offered change nothing.
    pub fn edit(&mut self, field_id: &str, value: &str) {
        let e = &mut self.edited;
        let known = match field_id {
            READER_PORT | PRINTER_PORT => {
                let current = if field_id == READER_PORT {
                    e.reader_port.clone()
                } else {
                    e.printer_port.clone()
                };
                let Some((_, path)) = self
                    .port_options(&current)
                    .into_iter()
                    .find(|(label, _)| label == value)
                else {
                    return;
                };
                let e = &mut self.edited;
                if field_id == READER_PORT {
                    e.reader_port = path;
                } else {
                    e.printer_port = path;
                }
                true
            }
            READER_BAUD | PRINTER_BAUD => match value.parse::<u32>() {
                Ok(b) if b > 0 => {
                    if field_id == READER_BAUD {
                        e.reader_baud = b;
                    } else {
                        e.printer_baud = b;
                    }
                    true
                }
                _ => false,
            },
            READER_LINE => match Line::parse(value) {
                Some(line) => {
                    e.reader_line = line;
                    true
                }
                None => false,
            },
            READER_FRAMING if FRAMINGS.contains(&value) => {
                e.reader_framing = value.to_owned();
                true
            }
            CENTRAL_URL => {
                e.central_url = value.trim().to_owned();
                true
            }
            KIOSK_ID => {
                e.kiosk_id = value.trim().to_uppercase();
                true
            }
            KIOSK_CODE => {
                e.kiosk_code = value.trim().to_uppercase();
                true
            }
            CENTER_NAME => {
                e.center_name = value.to_owned();
                true
            }
            _ => false,
        };
        if known {
            self.errors.retain(|(id, _)| id != field_id);
            self.save_error = None;
        }
    }

    /// Checks the edited settings, keeping the problems for the screen; true when none.
    pub fn check(&mut self) -> bool {
        self.errors = self
            .edited
            .check()
            .into_iter()
            .map(|(id, e)| (id.to_owned(), e))
            .collect();
        self.errors.is_empty()
    }

    fn error(&self, id: &str) -> Option<FieldError> {
        self.errors.iter().find(|(f, _)| f == id).map(|(_, e)| *e)
    }

    /// The form's fields. Labels are the field ids: the screen shows them translated.
    pub fn fields(&self) -> Vec<FieldView> {
        let e = &self.edited;
        let bauds = |current: u32| {
            let mut v: Vec<String> = BAUDS.iter().map(u32::to_string).collect();
            if !BAUDS.contains(&current) {
                v.push(current.to_string());
            }
            v
        };
        let choice = |id: &str, value: String, options: Vec<String>| FieldView {
            id: id.to_owned(),
            label: id.to_owned(),
            kind: FieldKind::Choice,
            required: true,
            value,
            options,
            error: self.error(id),
            ..FieldView::default()
        };
        let text = |id: &str, value: &str, required: bool| FieldView {
            id: id.to_owned(),
            label: id.to_owned(),
            kind: FieldKind::Text,
            required,
            value: value.to_owned(),
            error: self.error(id),
            ..FieldView::default()
        };
        let labels = |current: &Option<String>| {
            self.port_options(current)
                .into_iter()
                .map(|(l, _)| l)
                .collect::<Vec<_>>()
        };
        vec![
            choice(
                READER_PORT,
                self.port_label(&e.reader_port),
                labels(&e.reader_port),
            ),
            choice(READER_BAUD, e.reader_baud.to_string(), bauds(e.reader_baud)),
            choice(READER_LINE, e.reader_line.label(), {
                let mut v: Vec<String> = LINES.iter().map(|s| (*s).to_owned()).collect();
                if !v.contains(&e.reader_line.label()) {
                    v.push(e.reader_line.label());
                }
                v
            }),
            choice(
                READER_FRAMING,
                e.reader_framing.clone(),
                FRAMINGS.iter().map(|s| (*s).to_owned()).collect(),
            ),
            choice(
                PRINTER_PORT,
                self.port_label(&e.printer_port),
                labels(&e.printer_port),
            ),
            choice(
                PRINTER_BAUD,
                e.printer_baud.to_string(),
                bauds(e.printer_baud),
            ),
            text(CENTRAL_URL, &e.central_url, false),
            text(KIOSK_ID, &e.kiosk_id, true),
            text(KIOSK_CODE, &e.kiosk_code, true),
            text(CENTER_NAME, &e.center_name, true),
        ]
    }
}

/// Why settings could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not valid TOML: {source}")]
    Toml {
        path: PathBuf,
        #[source]
        source: Box<toml_edit::TomlError>,
    },
    #[error("the new configuration is refused: {0}")]
    Invalid(#[from] ConfigError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Sets `table.key` to `value`, keeping the key's comments and the value's trailing comment.
fn set(doc: &mut DocumentMut, table: &str, key: &str, value: Value) {
    if !doc.contains_table(table) {
        doc.insert(table, Item::Table(Table::new()));
    }
    let Some(t) = doc.get_mut(table).and_then(Item::as_table_mut) else {
        return;
    };
    match t.get_mut(key).and_then(Item::as_value_mut) {
        Some(old) => {
            let decor = old.decor().clone();
            *old = value;
            *old.decor_mut() = decor;
        }
        None => {
            t.insert(key, Item::Value(value));
        }
    }
}

/// The configuration text with `settings` written in; everything else (comments, order, other
/// keys) stays as it was. The result is checked as a whole configuration and returned with it.
pub fn apply_to_text(
    text: &str,
    path: &Path,
    s: &Settings,
) -> Result<(String, KioskConfig), SettingsError> {
    let mut doc: DocumentMut = text.parse().map_err(|e| SettingsError::Toml {
        path: path.to_owned(),
        source: Box::new(e),
    })?;
    let kind = |port: &Option<String>| {
        if port.is_some() {
            "serial"
        } else {
            "simulated"
        }
    };
    let port = |port: &Option<String>| port.clone().unwrap_or_default();
    set(&mut doc, "kiosk", "id", Value::from(s.kiosk_id.as_str()));
    set(
        &mut doc,
        "kiosk",
        "code",
        Value::from(s.kiosk_code.as_str()),
    );
    set(
        &mut doc,
        "kiosk",
        "center_name",
        Value::from(s.center_name.trim()),
    );
    set(
        &mut doc,
        "card_reader",
        "kind",
        Value::from(kind(&s.reader_port)),
    );
    set(
        &mut doc,
        "card_reader",
        "port",
        Value::from(port(&s.reader_port)),
    );
    set(
        &mut doc,
        "card_reader",
        "baud",
        Value::from(i64::from(s.reader_baud)),
    );
    set(
        &mut doc,
        "card_reader",
        "data_bits",
        Value::from(i64::from(s.reader_line.data_bits)),
    );
    set(
        &mut doc,
        "card_reader",
        "parity",
        Value::from(s.reader_line.parity.as_str()),
    );
    set(
        &mut doc,
        "card_reader",
        "stop_bits",
        Value::from(i64::from(s.reader_line.stop_bits)),
    );
    set(
        &mut doc,
        "card_reader",
        "framing",
        Value::from(s.reader_framing.as_str()),
    );
    set(
        &mut doc,
        "printer",
        "kind",
        Value::from(kind(&s.printer_port)),
    );
    set(
        &mut doc,
        "printer",
        "port",
        Value::from(port(&s.printer_port)),
    );
    set(
        &mut doc,
        "printer",
        "baud",
        Value::from(i64::from(s.printer_baud)),
    );
    let mode = if s.central_url.is_empty() {
        "embedded"
    } else {
        "remote"
    };
    set(&mut doc, "central", "mode", Value::from(mode));
    set(
        &mut doc,
        "central",
        "url",
        Value::from(s.central_url.as_str()),
    );
    let out = doc.to_string();
    let cfg = KioskConfig::parse(&out, path)?;
    Ok((out, cfg))
}

/// The configuration text with one key set (`section.key`, e.g. `card_reader.port`), comments
/// and everything else kept. `value` is read as TOML when it is a number, a boolean or an
/// array (unless the key holds a string now), else taken as a string. The result is checked
/// as a whole configuration; a key the configuration does not know is refused.
pub fn set_key(text: &str, path: &Path, key: &str, value: &str) -> Result<String, SettingsError> {
    let invalid = |reason: &str| SettingsError::Invalid(ConfigError::one(path, key, reason));
    let Some((section, name)) = key.split_once('.') else {
        return Err(invalid("name it as section.key, e.g. card_reader.port"));
    };
    if section.is_empty() || name.is_empty() || name.contains('.') {
        return Err(invalid("name it as section.key, e.g. card_reader.port"));
    }
    let parsed = format!("v = {value}")
        .parse::<DocumentMut>()
        .ok()
        .and_then(|d| d.get("v").and_then(Item::as_value).cloned())
        .filter(|v| !v.is_inline_table());
    let mut doc: DocumentMut = text.parse().map_err(|e| SettingsError::Toml {
        path: path.to_owned(),
        source: Box::new(e),
    })?;
    let existing_is_str = doc
        .get(section)
        .and_then(|t| t.get(name))
        .and_then(Item::as_value)
        .is_some_and(Value::is_str);
    let v = match parsed {
        Some(v) if !existing_is_str || v.is_str() => v,
        _ => Value::from(value),
    };
    set(&mut doc, section, name, v);
    let out = doc.to_string();
    // Checked as a whole; an unknown key is refused there (`deny_unknown_fields`).
    KioskConfig::parse(&out, path)?;
    Ok(out)
}

/// Replaces the configuration file with `text`: the old text goes to `<file>.bak`, the new one
/// is written to a temporary file, flushed to disk and renamed over the old, so a power cut
/// leaves either the old file or the new one, never half of one.
pub fn write_config(path: &Path, text: &str) -> Result<(), SettingsError> {
    use std::io::Write;
    let werr = |path: &Path| {
        let path = path.to_owned();
        move |source| SettingsError::Write { path, source }
    };
    let old = std::fs::read(path).map_err(|source| SettingsError::Read {
        path: path.to_owned(),
        source,
    })?;
    let perms = std::fs::metadata(path).map(|m| m.permissions()).ok();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "kiosk.toml".into());
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let bak = dir.join(format!("{name}.bak"));
    std::fs::write(&bak, &old).map_err(werr(&bak))?;
    let tmp = dir.join(format!(".{name}.tmp"));
    {
        let mut f = std::fs::File::create(&tmp).map_err(werr(&tmp))?;
        f.write_all(text.as_bytes()).map_err(werr(&tmp))?;
        if let Some(p) = perms {
            f.set_permissions(p).map_err(werr(&tmp))?;
        }
        f.sync_all().map_err(werr(&tmp))?;
    }
    std::fs::rename(&tmp, path).map_err(werr(path))?;
    // The rename itself is durable once the folder is flushed.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEMO: &str = include_str!("../config/kiosk.toml");

    fn demo() -> KioskConfig {
        match KioskConfig::parse(DEMO, Path::new("config/kiosk.toml")) {
            Ok(c) => c,
            Err(e) => panic!("demo configuration: {e}"),
        }
    }

    fn ports() -> Vec<PortInfo> {
        vec![
            PortInfo {
                path: "/dev/ttyUSB0".into(),
                usb: Some("0403:6001 FT232R".into()),
            },
            PortInfo {
                path: "/dev/ttyS0".into(),
                usb: None,
            },
        ]
    }

    #[test]
    fn draft_of_the_demo_shows_simulated_devices_and_the_embedded_centre() {
        let d = SettingsDraft::new(&demo(), ports());
        let f = d.fields();
        // The screen (ui/screens/service-settings.slint) places the fields by these indices.
        let ids: Vec<&str> = f.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(
            ids,
            vec![
                READER_PORT,
                READER_BAUD,
                READER_LINE,
                READER_FRAMING,
                PRINTER_PORT,
                PRINTER_BAUD,
                CENTRAL_URL,
                KIOSK_ID,
                KIOSK_CODE,
                CENTER_NAME
            ]
        );
        assert_eq!(f[0].id, READER_PORT);
        assert_eq!(f[0].value, SIMULATED);
        assert_eq!(
            f[0].options,
            vec![
                "simulated".to_string(),
                "/dev/ttyUSB0 · USB 0403:6001 FT232R".into(),
                "/dev/ttyS0".into()
            ]
        );
        assert_eq!(f[1].value, "9600");
        assert_eq!(f[2].value, "8N1");
        assert_eq!(f[3].value, "plain");
        assert_eq!(f[5].value, "38400");
        assert_eq!(f[6].value, "");
        assert_eq!(f[7].value, "DOST-YASAMAL-K01");
        assert!(f.iter().all(|f| f.error.is_none()));
    }

    #[test]
    fn picking_a_port_by_its_label_sets_its_path() {
        let mut d = SettingsDraft::new(&demo(), ports());
        d.edit(READER_PORT, "/dev/ttyUSB0 · USB 0403:6001 FT232R");
        assert_eq!(d.edited.reader_port.as_deref(), Some("/dev/ttyUSB0"));
        // An option that is not offered changes nothing.
        d.edit(READER_PORT, "/dev/ttyACM9");
        assert_eq!(d.edited.reader_port.as_deref(), Some("/dev/ttyUSB0"));
        d.edit(READER_PORT, SIMULATED);
        assert_eq!(d.edited.reader_port, None);
    }

    #[test]
    fn a_configured_port_that_is_unplugged_stays_offered() {
        let mut cfg = demo();
        cfg.printer.kind = DeviceKind::Serial;
        cfg.printer.port = "/dev/ttyUSB7".into();
        let d = SettingsDraft::new(&cfg, ports());
        let f = d.fields();
        assert_eq!(f[4].value, "/dev/ttyUSB7 · not connected");
        assert!(f[4].options.contains(&f[4].value));
    }

    #[test]
    fn checks_name_the_field_and_the_reason() {
        let mut d = SettingsDraft::new(&demo(), ports());
        d.edit(CENTRAL_URL, "http://dost.gov.az");
        d.edit(KIOSK_ID, "");
        d.edit(KIOSK_CODE, "yas0001x9");
        d.edit(READER_PORT, "/dev/ttyS0");
        d.edit(PRINTER_PORT, "/dev/ttyS0");
        assert!(!d.check());
        let errs: Vec<_> = d.errors.iter().map(|(f, e)| (f.as_str(), *e)).collect();
        assert_eq!(
            errs,
            vec![
                (CENTRAL_URL, FieldError::UrlFormat),
                (KIOSK_ID, FieldError::Required),
                (KIOSK_CODE, FieldError::CodeFormat),
                (PRINTER_PORT, FieldError::SamePort),
            ]
        );
        // Editing a field clears its error only.
        d.edit(CENTRAL_URL, "https://api.dost.gov.az/v1");
        assert!(d.errors.iter().all(|(f, _)| f != CENTRAL_URL));
        assert_eq!(d.errors.len(), 3);
    }

    #[test]
    fn line_settings_round_trip() {
        for l in LINES {
            assert_eq!(Line::parse(l).map(|x| x.label()).as_deref(), Some(l));
        }
        for bad in ["", "8X1", "9N1", "8N3", "8N1x", "N81"] {
            assert_eq!(Line::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn set_key_keeps_comments_and_checks_the_whole_file() {
        let path = Path::new("config/kiosk.toml");
        let ok = |key, value| match set_key(DEMO, path, key, value) {
            Ok(t) => t,
            Err(e) => panic!("{key} = {value}: {e}"),
        };
        let text = ok("card_reader.baud", "19200");
        assert!(text.contains("baud = 19200"));
        assert_eq!(text.lines().count(), DEMO.lines().count());
        let text = ok("session.accept", r#"["passport"]"#);
        assert!(text.contains(r#"accept = ["passport"]"#));
        // A string key stays a string even when the value looks like a number.
        let text = ok("kiosk.center_name", "2024");
        assert!(text.contains(r#"center_name = "2024""#));
        let text = ok("card_reader.port", "/dev/ttyUSB0");
        assert!(text.contains(r#"port = "/dev/ttyUSB0""#));
        // Refused: an unknown key, a value the checks refuse, a malformed name.
        for (key, value) in [
            ("card_reader.speed", "9600"),
            ("card_reader.framing", "morse"),
            ("session.idle_timeout_s", "5"),
            ("baud", "9600"),
            ("card_reader.", "1"),
        ] {
            let r = set_key(DEMO, path, key, value);
            assert!(matches!(r, Err(SettingsError::Invalid(_))), "{key}: {r:?}");
        }
    }

    #[test]
    fn ids_are_upper_cased_as_typed() {
        let mut d = SettingsDraft::new(&demo(), ports());
        d.edit(KIOSK_CODE, "gnc02");
        d.edit(KIOSK_ID, "dost-ganja-k02");
        assert_eq!(d.edited.kiosk_code, "GNC02");
        assert_eq!(d.edited.kiosk_id, "DOST-GANJA-K02");
        assert!(d.check());
    }

    #[test]
    fn new_text_keeps_every_comment_and_other_key() {
        let mut d = SettingsDraft::new(&demo(), ports());
        d.edit(READER_PORT, "/dev/ttyUSB0 · USB 0403:6001 FT232R");
        d.edit(READER_BAUD, "19200");
        d.edit(READER_FRAMING, "3m");
        d.edit(READER_LINE, "7E1");
        d.edit(PRINTER_PORT, "/dev/ttyS0");
        d.edit(PRINTER_BAUD, "115200");
        d.edit(KIOSK_CODE, "GNC02");
        d.edit(CENTER_NAME, "DOST Gəncə");
        assert!(d.check());
        let path = Path::new("config/kiosk.toml");
        let text = match apply_to_text(DEMO, path, &d.edited) {
            Ok((t, _)) => t,
            Err(e) => panic!("{e}"),
        };
        // Every comment line of the original is still there, in the same order.
        let comments = |t: &str| {
            t.lines()
                .filter(|l| l.trim_start().starts_with('#'))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(comments(&text), comments(DEMO));
        assert_eq!(text.lines().count(), DEMO.lines().count());
        let cfg = match KioskConfig::parse(&text, path) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(cfg.card_reader.kind, DeviceKind::Serial);
        assert_eq!(cfg.card_reader.port, "/dev/ttyUSB0");
        assert_eq!(cfg.card_reader.baud, 19200);
        assert_eq!(cfg.card_reader.framing, "3m");
        assert_eq!(
            (cfg.card_reader.data_bits, cfg.card_reader.parity.as_str()),
            (7, "even")
        );
        assert_eq!(cfg.card_reader.stop_bits, 1);
        assert_eq!(cfg.printer.kind, DeviceKind::Serial);
        assert_eq!(cfg.printer.port, "/dev/ttyS0");
        assert_eq!(cfg.printer.baud, 115200);
        assert_eq!(cfg.kiosk.code, "GNC02");
        assert_eq!(cfg.kiosk.center_name, "DOST Gəncə");
        // Keys the screen does not edit are untouched.
        let before = demo();
        assert_eq!(
            cfg.service.technician_pin_hash,
            before.service.technician_pin_hash
        );
        assert_eq!(cfg.printer.roll_length_mm, before.printer.roll_length_mm);
        assert_eq!(Settings::from_config(&cfg), d.edited);
        assert_eq!(
            d.edited.changed_sections(&d.original),
            vec!["kiosk", "card_reader", "printer"]
        );
    }

    #[test]
    fn a_remote_centre_without_a_token_is_refused_as_a_whole() {
        let mut d = SettingsDraft::new(&demo(), ports());
        d.edit(CENTRAL_URL, "https://api.dost.gov.az");
        assert!(d.check());
        match apply_to_text(DEMO, Path::new("kiosk.toml"), &d.edited) {
            Err(SettingsError::Invalid(e)) => {
                assert!(e.to_string().contains("central.token"), "{e}")
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn broken_file_is_a_clear_error() {
        let d = SettingsDraft::new(&demo(), ports());
        let r = apply_to_text("[kiosk\nid = 1", Path::new("kiosk.toml"), &d.edited);
        assert!(matches!(r, Err(SettingsError::Toml { .. })), "{r:?}");
    }

    #[test]
    fn only_the_name_applies_without_a_restart() {
        let mut d = SettingsDraft::new(&demo(), ports());
        d.edit(CENTER_NAME, "DOST Xətai");
        assert!(d.edited.only_name_changed(&d.original));
        d.edit(READER_BAUD, "19200");
        assert!(!d.edited.only_name_changed(&d.original));
    }

    #[test]
    fn write_keeps_a_backup_and_the_file_mode() -> Result<(), Box<dyn std::error::Error>> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("kiosk.toml");
        std::fs::write(&path, "old")?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640))?;
        write_config(&path, "new")?;
        assert_eq!(std::fs::read_to_string(&path)?, "new");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("kiosk.toml.bak"))?,
            "old"
        );
        assert_eq!(
            std::fs::metadata(&path)?.permissions().mode() & 0o777,
            0o640
        );
        assert!(!dir.path().join(".kiosk.toml.tmp").exists());
        Ok(())
    }

    #[test]
    fn write_to_a_missing_file_is_an_error_and_writes_nothing() {
        let dir = match tempfile::tempdir() {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        };
        let path = dir.path().join("nope.toml");
        assert!(matches!(
            write_config(&path, "x"),
            Err(SettingsError::Read { .. })
        ));
        assert!(!path.exists());
    }
}

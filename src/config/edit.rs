//! Writing the configuration file: the technician's settings and single keys set in place,
//! every comment, the order and every other key kept; the old file kept as `.bak`; the new
//! one written atomically.

use std::path::{Path, PathBuf};

use kiosk_core::problem::Problems;
use kiosk_core::settings::{Line, Settings};
use toml_edit::{DocumentMut, Item, Table, Value};

use super::{CentralMode, ConfigError, DeviceKind, KioskConfig, PrinterKind};

/// The settings the technician's screen edits, as `cfg` has them.
pub fn settings_of(cfg: &KioskConfig) -> Settings {
    let reader = cfg.card_reader.effective();
    let port = |simulated: bool, port: &str| (!simulated).then(|| port.to_owned());
    Settings {
        reader_port: port(reader.kind == DeviceKind::Simulated, &reader.port),
        // A keyboard has no line: the form shows the serial defaults, never written back.
        reader_baud: if reader.kind == DeviceKind::Wedge {
            card_reader::ReaderModel::GenericPlain.defaults().baud
        } else {
            reader.baud
        },
        reader_line: Line {
            data_bits: reader.data_bits,
            parity: reader.parity,
            stop_bits: reader.stop_bits,
        },
        reader_framing: reader.framing,
        printer_port: port(
            cfg.printer.kind == PrinterKind::Simulated,
            &cfg.printer.port,
        ),
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
    write_reader(&mut doc, s);
    // A usblp printer stays one while its device file is kept (or another usblp file is
    // picked); a serial port from the list makes it a serial printer.
    let current = |key: &str| {
        doc.get("printer")
            .and_then(|t| t.get(key))
            .and_then(Item::as_str)
            .map(str::to_owned)
    };
    let usblp = current("kind").as_deref() == Some(PrinterKind::Usblp.as_str());
    let printer_kind = match &s.printer_port {
        Some(p) if usblp && (current("port").as_ref() == Some(p) || p.starts_with("/dev/usb/")) => {
            PrinterKind::Usblp.as_str()
        }
        port => kind(port),
    };
    set(&mut doc, "printer", "kind", Value::from(printer_kind));
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

/// The reader's keys: kind and port always; a line or framing key only when the file has it
/// already or the value differs from the model's default (so the model keeps deciding the
/// rest); no line keys for a keyboard-wedge reader, which has no serial line.
fn write_reader(doc: &mut DocumentMut, s: &Settings) {
    use card_reader::ReaderModel;
    let current = |doc: &DocumentMut, key: &str| {
        doc.get("card_reader")
            .and_then(|t| t.get(key))
            .and_then(Item::as_str)
            .map(str::to_owned)
    };
    let model: ReaderModel = current(doc, "model")
        .and_then(|m| m.parse().ok())
        .unwrap_or_default();
    let wedge = current(doc, "kind").as_deref() == Some(DeviceKind::Wedge.as_str())
        || model == ReaderModel::KeyboardWedge;
    let kind = match &s.reader_port {
        None => DeviceKind::Simulated,
        Some(_) if wedge => DeviceKind::Wedge,
        Some(_) => DeviceKind::Serial,
    };
    set(doc, "card_reader", "kind", Value::from(kind.as_str()));
    let port = s.reader_port.clone().unwrap_or_default();
    set(doc, "card_reader", "port", Value::from(port));
    if kind == DeviceKind::Wedge {
        return;
    }
    let d = model.defaults();
    let line = &s.reader_line;
    let keys = [
        (
            "baud",
            i64::from(s.reader_baud).into(),
            s.reader_baud != d.baud,
        ),
        (
            "data_bits",
            i64::from(line.data_bits).into(),
            line.data_bits != d.data_bits,
        ),
        (
            "parity",
            parity_name(line.parity).into(),
            line.parity != d.parity,
        ),
        (
            "stop_bits",
            i64::from(line.stop_bits).into(),
            line.stop_bits != d.stop_bits,
        ),
        (
            "framing",
            s.reader_framing.as_str().into(),
            s.reader_framing != d.framing,
        ),
    ];
    for (key, value, differs) in keys {
        let written = doc.get("card_reader").and_then(|t| t.get(key)).is_some();
        if written || differs {
            set(doc, "card_reader", key, value);
        }
    }
}

/// The configuration text with one key set (`section.key`, e.g. `card_reader.port`), comments
/// and everything else kept. `value` is read as TOML when it is a number, a boolean or an
/// array (unless the key holds a string now), else taken as a string. The result is checked
/// as a whole configuration; a key the configuration does not know is refused.
pub fn set_key(text: &str, path: &Path, key: &str, value: &str) -> Result<String, SettingsError> {
    let invalid = |reason: &str| {
        SettingsError::Invalid(ConfigError::Invalid(Problems::one(
            path.display().to_string(),
            key,
            reason,
        )))
    };
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
/// replaces the file atomically (same mode), so a power cut leaves either the old file or the
/// new one, never half of one.
pub fn write_config(path: &Path, text: &str) -> Result<(), SettingsError> {
    let old = std::fs::read(path).map_err(|source| SettingsError::Read {
        path: path.to_owned(),
        source,
    })?;
    let mut bak = path.as_os_str().to_owned();
    bak.push(".bak");
    let bak = PathBuf::from(bak);
    std::fs::write(&bak, &old).map_err(|source| SettingsError::Write {
        path: bak.clone(),
        source,
    })?;
    crate::platform::fs::replace_atomically(path, text.as_bytes(), None).map_err(|source| {
        SettingsError::Write {
            path: path.to_owned(),
            source,
        }
    })
}

/// The configuration's name of a parity.
fn parity_name(p: card_reader::Parity) -> &'static str {
    match p {
        card_reader::Parity::None => "none",
        card_reader::Parity::Odd => "odd",
        card_reader::Parity::Even => "even",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiosk_core::settings::{PortInfo, Section, SettingsDraft};

    const DEMO: &str = include_str!("../../config/kiosk.toml");

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
    fn new_text_keeps_every_comment_and_other_key() {
        let mut d = SettingsDraft::new(settings_of(&demo()), ports());
        d.edit("reader_port", "/dev/ttyUSB0 · USB 0403:6001 FT232R");
        d.edit("reader_baud", "19200");
        d.edit("reader_framing", "3m");
        d.edit("reader_line", "7E1");
        d.edit("printer_port", "/dev/ttyS0");
        d.edit("printer_baud", "115200");
        d.edit("kiosk_code", "GNC02");
        d.edit("center_name", "DOST Gəncə");
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
        let reader = cfg.card_reader.effective();
        assert_eq!(reader.kind, DeviceKind::Serial);
        assert_eq!(reader.port, "/dev/ttyUSB0");
        assert_eq!(reader.baud, 19200);
        assert_eq!(reader.framing, card_reader::Framing::ThreeM);
        assert_eq!(
            (reader.data_bits, reader.parity),
            (7, card_reader::Parity::Even)
        );
        assert_eq!(reader.stop_bits, 1);
        assert_eq!(cfg.printer.kind, PrinterKind::Serial);
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
        assert_eq!(settings_of(&cfg), d.edited);
        assert_eq!(
            d.edited.changed_sections(&d.original),
            vec![Section::Kiosk, Section::CardReader, Section::Printer]
        );
    }

    /// A file that names the reader by its model: the form shows the model's settings, saving
    /// it unchanged writes no line or framing key (the model still decides them), and a value
    /// the technician changes is written over the model's.
    #[test]
    fn the_form_shows_and_keeps_the_models_settings() {
        let text = DEMO
            .replacen("\"generic-plain\"", "\"desko-penta\"", 1)
            .replacen("kind = \"simulated\"", "kind = \"serial\"", 1)
            .replacen("port = \"\"", "port = \"/dev/ttyS0\"", 1);
        let text: String = text
            .lines()
            .filter(|l| {
                ![
                    "baud = 9600",
                    "data_bits = 8",
                    "parity = \"none\"",
                    "stop_bits = 1",
                ]
                .contains(l)
                    && !l.starts_with("framing =")
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let path = Path::new("config/kiosk.toml");
        let cfg = KioskConfig::parse(&text, path).unwrap_or_else(|e| panic!("{e}"));
        let shown = settings_of(&cfg);
        assert_eq!(shown.reader_framing, card_reader::Framing::Desko);
        assert_eq!(
            (shown.reader_baud, shown.reader_line.label()),
            (9600, "8N1".into())
        );
        let (saved, again) = apply_to_text(&text, path, &shown).unwrap_or_else(|e| panic!("{e}"));
        assert!(!saved.contains("framing ="), "{saved}");
        assert_eq!(again.card_reader.effective(), cfg.card_reader.effective());
        let mut d = SettingsDraft::new(shown, ports());
        d.edit("reader_line", "7E1");
        let (saved, again) =
            apply_to_text(&text, path, &d.edited).unwrap_or_else(|e| panic!("{e}"));
        assert!(saved.contains("data_bits = 7") && saved.contains("parity = \"even\""));
        assert!(!saved.contains("framing ="), "{saved}");
        let reader = again.card_reader.effective();
        assert_eq!(
            (reader.framing, reader.data_bits),
            (card_reader::Framing::Desko, 7)
        );
    }

    /// A usblp printer stays one while its device file is kept; a serial port picked from
    /// the list makes it a serial printer.
    #[test]
    fn a_usblp_printer_keeps_its_kind_until_a_serial_port_is_picked() {
        let path = Path::new("config/kiosk.toml");
        let text = DEMO.replacen(
            "kind = \"simulated\"\n# The ESC/POS printer",
            "kind = \"usblp\"\nport = \"/dev/dost-printer\"\n# The ESC/POS printer",
            1,
        );
        let text = text.replacen("port = \"\"\n# Serial only.", "# Serial only.", 1);
        let cfg = KioskConfig::parse(&text, path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cfg.printer.kind, PrinterKind::Usblp);
        let mut d = SettingsDraft::new(settings_of(&cfg), ports());
        d.edit("center_name", "DOST Gəncə");
        let (_, saved) = apply_to_text(&text, path, &d.edited).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (saved.printer.kind, saved.printer.port.as_str()),
            (PrinterKind::Usblp, "/dev/dost-printer")
        );
        d.edit("printer_port", "/dev/ttyS0");
        let (_, saved) = apply_to_text(&text, path, &d.edited).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (saved.printer.kind, saved.printer.port.as_str()),
            (PrinterKind::Serial, "/dev/ttyS0")
        );
    }

    #[test]
    fn a_remote_centre_without_a_token_is_refused_as_a_whole() {
        let mut d = SettingsDraft::new(settings_of(&demo()), ports());
        d.edit("central_url", "https://api.dost.gov.az");
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
        let d = SettingsDraft::new(settings_of(&demo()), ports());
        let r = apply_to_text("[kiosk\nid = 1", Path::new("kiosk.toml"), &d.edited);
        assert!(matches!(r, Err(SettingsError::Toml { .. })), "{r:?}");
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
        assert_eq!(
            std::fs::read_dir(dir.path())?.count(),
            2,
            "no temporary file left"
        );
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

//! Device, link and identity settings edited on the technician's screen (pure).
//!
//! A draft made from the configuration's settings and the machine's serial ports, edits and
//! checks of its fields. Writing the configuration file is the edge's job (`src/config`).

use card_reader::{Framing, Parity};
use strum::VariantArray;

use crate::catalog::FieldKind;
use crate::text::TextError;
use crate::validate::FieldError;
use crate::view::FieldView;

/// The fields of the settings form, in screen order. Their names are the field ids.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
pub enum SettingField {
    ReaderPort,
    ReaderBaud,
    ReaderLine,
    ReaderFraming,
    PrinterPort,
    PrinterBaud,
    CentralUrl,
    KioskId,
    KioskCode,
    CenterName,
}

impl SettingField {
    /// The field id on the form.
    pub fn id(self) -> &'static str {
        self.into()
    }
}

/// A configuration section a settings change touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Section {
    Kiosk,
    CardReader,
    Printer,
    Central,
    /// `[chip]`: chip authentication (reader, trust store, policy).
    Chip,
}

impl Section {
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// The option of a port field that means "the simulated device" (the demo).
pub const SIMULATED: &str = "simulated";

/// Baud rates offered; a configured rate that is not here is offered too.
const BAUDS: [u32; 5] = [9600, 19200, 38400, 57600, 115200];
/// Line settings offered (data bits, parity, stop bits); a configured one not here is too.
const LINES: [&str; 6] = ["8N1", "8E1", "8O1", "7E1", "7O1", "8N2"];

const MAX_URL: usize = crate::limits::URL_CHARS;
const MAX_ID: usize = crate::limits::ID_CHARS;
/// Longest center name, in characters (also the configuration's rule).
pub const MAX_NAME: usize = crate::limits::NAME_CHARS;

/// Serial line settings, e.g. 8 data bits, no parity, 1 stop bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub data_bits: u8,
    pub parity: Parity,
    pub stop_bits: u8,
}

impl Line {
    /// `8N1`, `7E1`, ...
    pub fn label(&self) -> String {
        let p = match self.parity {
            Parity::Even => 'E',
            Parity::Odd => 'O',
            Parity::None => 'N',
        };
        format!("{}{p}{}", self.data_bits, self.stop_bits)
    }

    /// From `8N1`-style text; None when it is not one.
    pub fn parse(s: &str) -> Option<Line> {
        let mut c = s.chars();
        let data_bits = c.next()?.to_digit(10)?;
        let parity = match c.next()? {
            'N' => Parity::None,
            'E' => Parity::Even,
            'O' => Parity::Odd,
            _ => return None,
        };
        let stop_bits = c.next()?.to_digit(10)?;
        if c.next().is_some() || !(5..=8).contains(&data_bits) || !(1..=2).contains(&stop_bits) {
            return None;
        }
        Some(Line {
            data_bits: data_bits as u8,
            parity,
            stop_bits: stop_bits as u8,
        })
    }
}

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
    pub reader_framing: Framing,
    /// None: the simulated printer.
    pub printer_port: Option<String>,
    pub printer_baud: u32,
    /// Empty: the embedded centre (demo).
    pub central_url: String,
    pub kiosk_id: String,
    pub kiosk_code: String,
    pub center_name: String,
}

/// A kiosk id: A-Z, 0-9, `-` and `_`, up to 64 characters.
pub fn is_kiosk_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID
        && id
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'-' || c == b'_')
}

impl Settings {
    /// Problems by field; empty when the settings may be saved.
    pub fn check(&self) -> Vec<(SettingField, FieldError)> {
        use SettingField as F;
        let mut out = Vec::new();
        let url = self.central_url.as_str();
        if !url.is_empty() {
            if url.chars().count() > MAX_URL {
                out.push((F::CentralUrl, FieldError::TooLong));
            } else if crate::limits::one_line(url, MAX_URL).is_err()
                || !crate::central_url::allowed(url)
            {
                out.push((F::CentralUrl, FieldError::UrlFormat));
            }
        }
        if self.kiosk_id.is_empty() {
            out.push((F::KioskId, FieldError::Required));
        } else if !is_kiosk_id(&self.kiosk_id) {
            out.push((F::KioskId, FieldError::IdFormat));
        }
        if self.kiosk_code.is_empty() {
            out.push((F::KioskCode, FieldError::Required));
        } else if !dost_api::is_kiosk_code(&self.kiosk_code) {
            out.push((F::KioskCode, FieldError::CodeFormat));
        }
        // The configuration's rule for the name. Control and bidi characters never get here
        // from the screen (`apply` refuses them); from elsewhere they count as a missing name.
        match crate::limits::center_name(&self.center_name) {
            Ok(()) => {}
            Err(TextError::TooLong { .. }) => out.push((F::CenterName, FieldError::TooLong)),
            Err(_) => out.push((F::CenterName, FieldError::Required)),
        }
        for (field, baud) in [
            (F::ReaderBaud, self.reader_baud),
            (F::PrinterBaud, self.printer_baud),
        ] {
            if !crate::limits::BAUD.contains(&baud) {
                out.push((field, FieldError::OutOfRange));
            }
        }
        if let (Some(r), Some(p)) = (&self.reader_port, &self.printer_port)
            && r == p
        {
            out.push((F::PrinterPort, FieldError::SamePort));
        }
        out
    }

    /// The configuration sections that change from `before` to `self`.
    pub fn changed_sections(&self, before: &Settings) -> Vec<Section> {
        let mut out = Vec::new();
        if (&self.kiosk_id, &self.kiosk_code, &self.center_name)
            != (&before.kiosk_id, &before.kiosk_code, &before.center_name)
        {
            out.push(Section::Kiosk);
        }
        if (
            &self.reader_port,
            self.reader_baud,
            self.reader_line,
            self.reader_framing,
        ) != (
            &before.reader_port,
            before.reader_baud,
            before.reader_line,
            before.reader_framing,
        ) {
            out.push(Section::CardReader);
        }
        if (&self.printer_port, self.printer_baud) != (&before.printer_port, before.printer_baud) {
            out.push(Section::Printer);
        }
        if self.central_url != before.central_url {
            out.push(Section::Central);
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
    pub errors: Vec<(SettingField, FieldError)>,
    /// Being written to the configuration file.
    pub saving: bool,
    /// Why the last save failed (the file, or a check of the whole configuration).
    pub save_error: Option<String>,
}

impl SettingsDraft {
    pub fn new(original: Settings, ports: Vec<PortInfo>) -> SettingsDraft {
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
        let Ok(field) = field_id.parse::<SettingField>() else {
            return;
        };
        if self.apply(field, value) {
            self.errors.retain(|(f, _)| *f != field);
            self.save_error = None;
        }
    }

    /// Sets `field` from `value`; false when the value is not one the field takes.
    fn apply(&mut self, field: SettingField, value: &str) -> bool {
        use SettingField as F;
        match field {
            F::ReaderPort | F::PrinterPort => {
                let current = if field == F::ReaderPort {
                    &self.edited.reader_port
                } else {
                    &self.edited.printer_port
                };
                let Some((_, path)) = self
                    .port_options(current)
                    .into_iter()
                    .find(|(label, _)| label == value)
                else {
                    return false;
                };
                if field == F::ReaderPort {
                    self.edited.reader_port = path;
                } else {
                    self.edited.printer_port = path;
                }
            }
            F::ReaderBaud | F::PrinterBaud => match value.parse::<u32>() {
                Ok(b) if !crate::limits::BAUD.contains(&b) => return false,
                Ok(b) if field == F::ReaderBaud => self.edited.reader_baud = b,
                Ok(b) => self.edited.printer_baud = b,
                Err(_) => return false,
            },
            F::ReaderLine => match Line::parse(value) {
                Some(line) => self.edited.reader_line = line,
                None => return false,
            },
            F::ReaderFraming => match Framing::ALL.iter().find(|f| f.as_str() == value) {
                Some(f) => self.edited.reader_framing = *f,
                None => return false,
            },
            F::CentralUrl | F::KioskId | F::KioskCode | F::CenterName
                if crate::limits::one_line(value, usize::MAX).is_err() =>
            {
                // Control and bidi characters are refused: the same rule as the file's.
                return false;
            }
            F::CentralUrl => self.edited.central_url = value.trim().to_owned(),
            F::KioskId => self.edited.kiosk_id = value.trim().to_uppercase(),
            F::KioskCode => self.edited.kiosk_code = value.trim().to_uppercase(),
            F::CenterName => self.edited.center_name = value.to_owned(),
        }
        true
    }

    /// Checks the edited settings, keeping the problems for the screen; true when none.
    pub fn check(&mut self) -> bool {
        self.errors = self.edited.check();
        self.errors.is_empty()
    }

    fn error(&self, field: SettingField) -> Option<FieldError> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, e)| *e)
    }

    /// The current value and the options of a field (no options: typed text).
    fn value_and_options(&self, field: SettingField) -> (String, Vec<String>) {
        use SettingField as F;
        let e = &self.edited;
        let bauds = |current: u32| {
            let mut v: Vec<String> = BAUDS.iter().map(u32::to_string).collect();
            if !BAUDS.contains(&current) {
                v.push(current.to_string());
            }
            (current.to_string(), v)
        };
        let ports = |current: &Option<String>| {
            let options = self.port_options(current).into_iter().map(|(l, _)| l);
            (self.port_label(current), options.collect())
        };
        match field {
            F::ReaderPort => ports(&e.reader_port),
            F::PrinterPort => ports(&e.printer_port),
            F::ReaderBaud => bauds(e.reader_baud),
            F::PrinterBaud => bauds(e.printer_baud),
            F::ReaderLine => {
                let label = e.reader_line.label();
                let mut v: Vec<String> = LINES.iter().map(|s| (*s).to_owned()).collect();
                if !v.contains(&label) {
                    v.push(label.clone());
                }
                (label, v)
            }
            F::ReaderFraming => (
                e.reader_framing.as_str().to_owned(),
                Framing::ALL.iter().map(|f| f.as_str().to_owned()).collect(),
            ),
            F::CentralUrl => (e.central_url.clone(), Vec::new()),
            F::KioskId => (e.kiosk_id.clone(), Vec::new()),
            F::KioskCode => (e.kiosk_code.clone(), Vec::new()),
            F::CenterName => (e.center_name.clone(), Vec::new()),
        }
    }

    /// The form's fields, in screen order; the UI translates their labels.
    pub fn fields(&self) -> Vec<FieldView> {
        SettingField::VARIANTS
            .iter()
            .map(|&field| {
                let (value, options) = self.value_and_options(field);
                FieldView {
                    id: field.id().to_owned(),
                    setting: Some(field),
                    label: field.id().to_owned(),
                    kind: if options.is_empty() {
                        FieldKind::Text
                    } else {
                        FieldKind::Choice
                    },
                    required: field != SettingField::CentralUrl,
                    value,
                    options,
                    error: self.error(field),
                    ..FieldView::default()
                }
            })
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use SettingField as F;

    /// The demo configuration's settings.
    pub(crate) fn demo() -> Settings {
        Settings {
            reader_port: None,
            reader_baud: 9600,
            reader_line: Line {
                data_bits: 8,
                parity: Parity::None,
                stop_bits: 1,
            },
            reader_framing: Framing::Plain,
            printer_port: None,
            printer_baud: 38400,
            central_url: String::new(),
            kiosk_id: "DOST-YASAMAL-K01".into(),
            kiosk_code: "YAS01".into(),
            center_name: "DOST Yasamal".into(),
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
        let d = SettingsDraft::new(demo(), ports());
        let f = d.fields();
        let ids: Vec<&str> = f.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(
            ids,
            vec![
                "reader_port",
                "reader_baud",
                "reader_line",
                "reader_framing",
                "printer_port",
                "printer_baud",
                "central_url",
                "kiosk_id",
                "kiosk_code",
                "center_name"
            ]
        );
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
        assert_eq!(f[3].kind, FieldKind::Choice);
        assert_eq!(f[6].kind, FieldKind::Text);
    }

    #[test]
    fn picking_a_port_by_its_label_sets_its_path() {
        let mut d = SettingsDraft::new(demo(), ports());
        d.edit("reader_port", "/dev/ttyUSB0 · USB 0403:6001 FT232R");
        assert_eq!(d.edited.reader_port.as_deref(), Some("/dev/ttyUSB0"));
        // An option that is not offered changes nothing.
        d.edit("reader_port", "/dev/ttyACM9");
        assert_eq!(d.edited.reader_port.as_deref(), Some("/dev/ttyUSB0"));
        d.edit("reader_port", SIMULATED);
        assert_eq!(d.edited.reader_port, None);
        d.edit("no_such_field", "x");
        assert_eq!(d.edited, demo());
    }

    #[test]
    fn a_configured_port_that_is_unplugged_stays_offered() {
        let d = SettingsDraft::new(
            Settings {
                printer_port: Some("/dev/ttyUSB7".into()),
                ..demo()
            },
            ports(),
        );
        let f = d.fields();
        assert_eq!(f[4].value, "/dev/ttyUSB7 · not connected");
        assert!(f[4].options.contains(&f[4].value));
    }

    #[test]
    fn checks_name_the_field_and_the_reason() {
        let mut d = SettingsDraft::new(demo(), ports());
        d.edit("central_url", "http://dost.gov.az");
        d.edit("kiosk_id", "");
        d.edit("kiosk_code", "yas0001x9");
        d.edit("reader_port", "/dev/ttyS0");
        d.edit("printer_port", "/dev/ttyS0");
        assert!(!d.check());
        assert_eq!(
            d.errors,
            vec![
                (F::CentralUrl, FieldError::UrlFormat),
                (F::KioskId, FieldError::Required),
                (F::KioskCode, FieldError::CodeFormat),
                (F::PrinterPort, FieldError::SamePort),
            ]
        );
        // Editing a field clears its error only.
        d.edit("central_url", "https://api.dost.gov.az/v1");
        assert!(d.errors.iter().all(|(f, _)| *f != F::CentralUrl));
        assert_eq!(d.errors.len(), 3);
    }

    #[test]
    fn the_form_takes_the_configuration_rules() {
        let mut d = SettingsDraft::new(demo(), ports());
        for bad in ["DOST\u{1b}[2J", "DOST \u{202E}rətaX", "DOST\nXətai"] {
            d.edit("center_name", bad);
            assert_eq!(d.edited.center_name, "DOST Yasamal", "{bad:?} refused");
        }
        d.edit("central_url", "https://api.dost.gov.az/\u{2067}");
        assert_eq!(d.edited.central_url, "");
        for bad in ["0", "4294967295", "299"] {
            d.edit("reader_baud", bad);
            assert_eq!(d.edited.reader_baud, 9600, "baud {bad} refused");
        }
        d.edit("center_name", &"ə".repeat(MAX_NAME + 1));
        assert!(!d.check());
        assert_eq!(d.errors, vec![(F::CenterName, FieldError::TooLong)]);
        // Values that came in some other way are checked the same.
        let mut odd = demo();
        odd.center_name = "\u{2066}DOST".into();
        odd.printer_baud = 0;
        assert_eq!(
            odd.check(),
            vec![
                (F::CenterName, FieldError::Required),
                (F::PrinterBaud, FieldError::OutOfRange)
            ]
        );
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
    fn ids_are_upper_cased_as_typed() {
        let mut d = SettingsDraft::new(demo(), ports());
        d.edit("kiosk_code", "gnc02");
        d.edit("kiosk_id", "dost-ganja-k02");
        assert_eq!(d.edited.kiosk_code, "GNC02");
        assert_eq!(d.edited.kiosk_id, "DOST-GANJA-K02");
        assert!(d.check());
    }

    #[test]
    fn changed_sections_and_name_only() {
        let mut d = SettingsDraft::new(demo(), ports());
        d.edit("center_name", "DOST Xətai");
        assert!(d.edited.only_name_changed(&d.original));
        assert_eq!(d.edited.changed_sections(&d.original), vec![Section::Kiosk]);
        d.edit("reader_baud", "19200");
        d.edit("reader_framing", "3m");
        d.edit("printer_baud", "115200");
        assert!(!d.edited.only_name_changed(&d.original));
        assert_eq!(
            d.edited.changed_sections(&d.original),
            vec![Section::Kiosk, Section::CardReader, Section::Printer]
        );
        assert_eq!(d.edited.reader_framing, Framing::ThreeM);
    }
}

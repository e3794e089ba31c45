//! `[card_reader]`: the reader's model, how it is reached, and the line and framing settings
//! the model gives unless a key of the file overrides them.
//!
//! The file's keys are kept as written ([`CardReaderSection`], every line setting optional);
//! [`CardReaderSection::effective`] is the one place they are resolved against the model's
//! defaults, and the runtime, `doctor`, the technician's form and the checks all read that.

use card_reader::{Framing, Parity, ReaderModel, Transport};
use serde::Deserialize;

use super::DeviceKind;

/// `[card_reader]` as the file has it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawCardReader")]
pub struct CardReaderSection {
    /// The reader family (`generic-plain` when absent): framing and line defaults.
    pub model: ReaderModel,
    /// Simulated, serial or wedge; a `keyboard-wedge` model implies wedge when absent.
    pub kind: DeviceKind,
    /// The serial port, or the evdev device of a wedge reader.
    pub port: String,
    pub baud: Option<u32>,
    pub data_bits: Option<u8>,
    pub parity: Option<Parity>,
    pub stop_bits: Option<u8>,
    pub framing: Option<Framing>,
}

/// `[card_reader]` keys before the kind is settled.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCardReader {
    #[serde(default)]
    model: ReaderModel,
    #[serde(default)]
    kind: Option<DeviceKind>,
    #[serde(default)]
    port: String,
    #[serde(default)]
    baud: Option<u32>,
    #[serde(default)]
    data_bits: Option<u8>,
    #[serde(default)]
    parity: Option<Parity>,
    #[serde(default)]
    stop_bits: Option<u8>,
    #[serde(default)]
    framing: Option<Framing>,
}

/// The `[card_reader]` table has no `kind` and its model does not imply one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "missing field `kind`: simulated, serial or wedge (only model = \"keyboard-wedge\" implies it)"
)]
pub struct MissingKind;

impl TryFrom<RawCardReader> for CardReaderSection {
    type Error = MissingKind;
    fn try_from(r: RawCardReader) -> Result<Self, MissingKind> {
        let kind = match (r.kind, r.model.defaults().transport) {
            (Some(kind), _) => kind,
            (None, Transport::Keyboard) => DeviceKind::Wedge,
            (None, Transport::Serial) => return Err(MissingKind),
        };
        Ok(CardReaderSection {
            model: r.model,
            kind,
            port: r.port,
            baud: r.baud,
            data_bits: r.data_bits,
            parity: r.parity,
            stop_bits: r.stop_bits,
            framing: r.framing,
        })
    }
}

/// The reader's settings in effect: the model's defaults with the file's keys over them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderSettings {
    pub model: ReaderModel,
    pub kind: DeviceKind,
    pub port: String,
    /// Serial line settings (not used by a wedge reader).
    pub baud: u32,
    pub data_bits: u8,
    pub parity: Parity,
    pub stop_bits: u8,
    pub framing: Framing,
}

impl ReaderSettings {
    /// `9600 8N1`, or `keyboard` for a wedge reader.
    pub fn line_label(&self) -> String {
        if self.kind == DeviceKind::Wedge {
            return "keyboard (evdev grab)".to_owned();
        }
        let parity = match self.parity {
            Parity::None => 'N',
            Parity::Odd => 'O',
            Parity::Even => 'E',
        };
        format!("{} {}{parity}{}", self.baud, self.data_bits, self.stop_bits)
    }

    /// Serial settings of the reader on `port`.
    pub fn serial(&self, port: &str) -> card_reader::SerialSettings {
        card_reader::SerialSettings {
            path: port.to_owned(),
            baud: self.baud,
            data_bits: self.data_bits,
            parity: self.parity,
            stop_bits: self.stop_bits,
            framing: self.framing,
        }
    }
}

impl CardReaderSection {
    /// A section of `kind` with the model's defaults and nothing overridden.
    pub fn of_model(model: ReaderModel, kind: DeviceKind, port: impl Into<String>) -> Self {
        CardReaderSection {
            model,
            kind,
            port: port.into(),
            baud: None,
            data_bits: None,
            parity: None,
            stop_bits: None,
            framing: None,
        }
    }

    /// The settings in effect: each key written in the file, else the model's default.
    pub fn effective(&self) -> ReaderSettings {
        let d = self.model.defaults();
        ReaderSettings {
            model: self.model,
            kind: self.kind,
            port: self.port.clone(),
            baud: self.baud.unwrap_or(d.baud),
            data_bits: self.data_bits.unwrap_or(d.data_bits),
            parity: self.parity.unwrap_or(d.parity),
            stop_bits: self.stop_bits.unwrap_or(d.stop_bits),
            framing: self.framing.unwrap_or(d.framing),
        }
    }

    /// What is wrong with the reader's keys together: `(key, reason)`.
    pub(super) fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let e = self.effective();
        match self.kind {
            DeviceKind::Serial if self.port.is_empty() => {
                out.push(("port", "a serial reader needs a port".to_owned()));
            }
            DeviceKind::Wedge if self.port.is_empty() => out.push((
                "port",
                "a wedge reader needs its input device, e.g. /dev/input/by-id/usb-…-event-kbd"
                    .to_owned(),
            )),
            _ => {}
        }
        if self.kind == DeviceKind::Wedge && e.framing != Framing::Plain {
            out.push((
                "framing",
                "a keyboard-wedge reader types plain lines: framing must be \"plain\"".to_owned(),
            ));
        }
        if self.model == ReaderModel::KeyboardWedge && self.kind == DeviceKind::Serial {
            out.push((
                "kind",
                "model \"keyboard-wedge\" is a keyboard: kind = \"wedge\" (or simulated)"
                    .to_owned(),
            ));
        }
        out
    }
}

//! `[card_reader]`: the reader's model, how it is reached, and the line and framing settings
//! the model gives unless a key of the file overrides them.
//!
//! The file's keys are kept as written ([`CardReaderSection`], every line setting optional);
//! [`CardReaderSection::effective`] is the one place they are resolved against the model's
//! defaults, and the runtime, `doctor`, the technician's form and the checks all read that.

use card_reader::framing::{ChannelDelimiters, Delimiters};
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
    /// `[card_reader.desko]`: delimiter bytes of the `desko` framing.
    pub desko: Option<DeskoSection>,
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
    #[serde(default)]
    desko: Option<DeskoSection>,
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
            desko: r.desko,
        })
    }
}

/// `[card_reader.desko]`: each channel's start and end byte, `[0x1C, 0x1D]`-style (TOML has
/// hex integers). Channels not given keep the Access-IS values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeskoSection {
    /// The OCR (MRZ) channel.
    pub ocr: Option<[i64; 2]>,
    /// The magnetic-stripe channel (skipped).
    pub msr: Option<[i64; 2]>,
    /// The barcode channel (skipped).
    pub barcode: Option<[i64; 2]>,
}

/// Why the `desko` delimiters cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DelimiterError {
    #[error("{0} is not a byte (0x00 to 0xFF)")]
    NotAByte(i64),
    #[error("{0:#04x} is a byte of the frame itself (STX 0x02, ETX 0x03, LF 0x0A or CR 0x0D)")]
    FrameByte(u8),
    #[error("{0:#04x} is a printable character that can appear in the data")]
    Printable(u8),
    #[error("{byte:#04x} is used twice (also by {also}): every start and end byte must differ")]
    Twice { byte: u8, also: &'static str },
}

impl DeskoSection {
    /// The delimiters, the Access-IS values for channels not given; checked: bytes, not a
    /// frame byte (STX, ETX, CR, LF), not printable ASCII, all six different.
    pub fn delimiters(&self) -> Result<ChannelDelimiters, (&'static str, DelimiterError)> {
        let base = ChannelDelimiters::ACCESS_IS;
        let pick = |name: &'static str, given: Option<[i64; 2]>, default: Delimiters| {
            let Some([open, close]) = given else {
                return Ok(default);
            };
            let byte = |v: i64| delimiter_byte(v).map_err(|e| (name, e));
            Ok(Delimiters {
                open: byte(open)?,
                close: byte(close)?,
            })
        };
        let out = ChannelDelimiters {
            ocr: pick("ocr", self.ocr, base.ocr)?,
            msr: pick("msr", self.msr, base.msr)?,
            barcode: pick("barcode", self.barcode, base.barcode)?,
        };
        let all = [
            ("ocr", out.ocr.open),
            ("ocr", out.ocr.close),
            ("msr", out.msr.open),
            ("msr", out.msr.close),
            ("barcode", out.barcode.open),
            ("barcode", out.barcode.close),
        ];
        for (i, (also, b)) in all.iter().enumerate() {
            if let Some((first, _)) = all[..i].iter().find(|(_, other)| other == b) {
                return Err((first, DelimiterError::Twice { byte: *b, also }));
            }
        }
        Ok(out)
    }
}

fn delimiter_byte(v: i64) -> Result<u8, DelimiterError> {
    use card_reader::framing::{CR, ETX, LF, STX};
    let b = u8::try_from(v).map_err(|_| DelimiterError::NotAByte(v))?;
    if [STX, ETX, LF, CR].contains(&b) {
        return Err(DelimiterError::FrameByte(b));
    }
    if (0x20..=0x7E).contains(&b) {
        return Err(DelimiterError::Printable(b));
    }
    Ok(b)
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
    /// Delimiters of the `desko` framing (Access-IS values unless configured; invalid ones
    /// are refused when the file is read).
    pub desko: ChannelDelimiters,
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

    /// What the reader task needs beyond the line: the `desko` delimiters.
    pub fn options(&self) -> card_reader::ReaderOptions {
        card_reader::ReaderOptions {
            desko: self.desko,
            ..card_reader::ReaderOptions::default()
        }
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
            desko: None,
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
            desko: self
                .desko
                .and_then(|d| d.delimiters().ok())
                .unwrap_or(ChannelDelimiters::ACCESS_IS),
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
        if let Some(d) = &self.desko
            && let Err((channel, why)) = d.delimiters()
        {
            out.push(("desko", format!("{channel}: {why}")));
        }
        out
    }
}

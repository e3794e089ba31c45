//! Reader models: the vendor families a kiosk may be given, each with its framing and
//! line defaults. See the table in the crate README for what was verified how.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::framing::Framing;
use crate::settings::{Parity, SerialSettings};

/// How the kiosk reaches the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// A serial port (RS-232, USB-serial, USB CDC).
    Serial,
    /// A USB keyboard: read from evdev with an exclusive grab (feature `evdev`).
    Keyboard,
}

/// A family of MRZ readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReaderModel {
    /// Any reader sending plain lines ended by CR/LF.
    #[default]
    GenericPlain,
    /// Any reader sending `STX lines ETX`.
    GenericStxEtx,
    /// 3M / Thales page and swipe readers (CR100, CR5400, AT9000) in RTE native mode.
    #[serde(rename = "thales-3m-rte")]
    Thales3mRte,
    /// Access-IS OCR310 / OCR312 / OCR315 on their serial (or virtual COM) interface.
    #[serde(rename = "access-is-ocr31x")]
    AccessIsOcr31x,
    /// DESKO PENTA / ICON family with the CUTE serial protocol.
    DeskoPenta,
    /// A reader that types the MRZ as a USB keyboard.
    KeyboardWedge,
}

/// What a model starts with; every value can be overridden in configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelDefaults {
    pub framing: Framing,
    pub transport: Transport,
    pub baud: u32,
    pub data_bits: u8,
    pub parity: Parity,
    pub stop_bits: u8,
}

impl ReaderModel {
    pub const ALL: [ReaderModel; 6] = [
        ReaderModel::GenericPlain,
        ReaderModel::GenericStxEtx,
        ReaderModel::Thales3mRte,
        ReaderModel::AccessIsOcr31x,
        ReaderModel::DeskoPenta,
        ReaderModel::KeyboardWedge,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReaderModel::GenericPlain => "generic-plain",
            ReaderModel::GenericStxEtx => "generic-stx-etx",
            ReaderModel::Thales3mRte => "thales-3m-rte",
            ReaderModel::AccessIsOcr31x => "access-is-ocr31x",
            ReaderModel::DeskoPenta => "desko-penta",
            ReaderModel::KeyboardWedge => "keyboard-wedge",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            ReaderModel::GenericPlain => "any reader sending lines ended by CR/LF",
            ReaderModel::GenericStxEtx => "any reader sending STX lines ETX",
            ReaderModel::Thales3mRte => "3M/Thales CR100, CR5400, AT9000 in RTE native mode",
            ReaderModel::AccessIsOcr31x => "Access-IS OCR310/312/315 (serial)",
            ReaderModel::DeskoPenta => "DESKO PENTA/ICON, CUTE protocol",
            ReaderModel::KeyboardWedge => "OCR reader typing as a USB keyboard",
        }
    }

    /// The model's framing and line settings.
    pub fn defaults(self) -> ModelDefaults {
        let serial = |framing, baud| ModelDefaults {
            framing,
            transport: Transport::Serial,
            baud,
            data_bits: 8,
            parity: Parity::None,
            stop_bits: 1,
        };
        match self {
            ReaderModel::GenericPlain => serial(Framing::Plain, 9600),
            ReaderModel::GenericStxEtx => serial(Framing::StxEtx, 9600),
            ReaderModel::Thales3mRte => serial(Framing::ThreeM, 9600),
            ReaderModel::AccessIsOcr31x => serial(Framing::AccessIs, 9600),
            ReaderModel::DeskoPenta => serial(Framing::Desko, 9600),
            ReaderModel::KeyboardWedge => ModelDefaults {
                transport: Transport::Keyboard,
                ..serial(Framing::Plain, 0)
            },
        }
    }

    /// Serial settings for this model on `path` (the model's defaults).
    pub fn serial_settings(self, path: impl Into<String>) -> SerialSettings {
        let d = self.defaults();
        SerialSettings {
            path: path.into(),
            baud: d.baud,
            data_bits: d.data_bits,
            parity: d.parity,
            stop_bits: d.stop_bits,
            framing: d.framing,
        }
    }
}

impl fmt::Display for ReaderModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown reader model {0:?} (expected generic-plain, generic-stx-etx, thales-3m-rte, \
     access-is-ocr31x, desko-penta or keyboard-wedge)"
)]
pub struct UnknownModel(pub String);

impl FromStr for ReaderModel {
    type Err = UnknownModel;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        ReaderModel::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or(UnknownModel(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde_and_from_str() {
        for m in ReaderModel::ALL {
            let json = serde_json::to_string(&m).unwrap();
            assert_eq!(json.trim_matches('"'), m.as_str());
            assert_eq!(serde_json::from_str::<ReaderModel>(&json).unwrap(), m);
            assert_eq!(m.as_str().parse::<ReaderModel>().unwrap(), m);
        }
        assert!("cr5400".parse::<ReaderModel>().is_err());
    }

    #[test]
    fn vendor_models_use_their_framing() {
        assert_eq!(ReaderModel::Thales3mRte.defaults().framing, Framing::ThreeM);
        assert_eq!(
            ReaderModel::AccessIsOcr31x.defaults().framing,
            Framing::AccessIs
        );
        assert_eq!(ReaderModel::DeskoPenta.defaults().framing, Framing::Desko);
        let w = ReaderModel::KeyboardWedge.defaults();
        assert_eq!(
            (w.framing, w.transport),
            (Framing::Plain, Transport::Keyboard)
        );
        let s = ReaderModel::Thales3mRte.serial_settings("/dev/dost-reader");
        assert_eq!((s.baud, s.data_bits, s.stop_bits), (9600, 8, 1));
        assert!(s.validate().is_ok());
    }
}

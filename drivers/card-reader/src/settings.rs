//! Serial line settings (pure; opening a port needs the `serial` feature).

use serde::Deserialize;

use crate::framing::Framing;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Parity {
    #[default]
    None,
    Odd,
    Even,
}

impl Parity {
    pub const ALL: [Parity; 3] = [Parity::None, Parity::Odd, Parity::Even];

    pub fn as_str(self) -> &'static str {
        match self {
            Parity::None => "none",
            Parity::Odd => "odd",
            Parity::Even => "even",
        }
    }
}

/// Serial port settings; missing fields default to 9600 8N1, plain framing.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SerialSettings {
    pub path: String,
    #[serde(default = "default_baud")]
    pub baud: u32,
    #[serde(default = "default_data_bits")]
    pub data_bits: u8,
    #[serde(default)]
    pub parity: Parity,
    #[serde(default = "default_stop_bits")]
    pub stop_bits: u8,
    #[serde(default)]
    pub framing: Framing,
}

fn default_baud() -> u32 {
    9600
}
fn default_data_bits() -> u8 {
    8
}
fn default_stop_bits() -> u8 {
    1
}

impl SerialSettings {
    /// 9600 8N1, plain framing.
    pub fn new(path: impl Into<String>) -> Self {
        SerialSettings {
            path: path.into(),
            baud: default_baud(),
            data_bits: default_data_bits(),
            parity: Parity::None,
            stop_bits: default_stop_bits(),
            framing: Framing::Plain,
        }
    }

    /// Checks values the serial port can't take.
    pub fn validate(&self) -> Result<(), SettingsError> {
        if self.path.trim().is_empty() {
            return Err(SettingsError::EmptyPath);
        }
        if self.baud == 0 {
            return Err(SettingsError::Baud(self.baud));
        }
        if !(5..=8).contains(&self.data_bits) {
            return Err(SettingsError::DataBits(self.data_bits));
        }
        if !(1..=2).contains(&self.stop_bits) {
            return Err(SettingsError::StopBits(self.stop_bits));
        }
        Ok(())
    }

    /// A serialport builder with these settings and `timeout` for reads.
    #[cfg(feature = "serial")]
    pub fn builder(
        &self,
        timeout: std::time::Duration,
    ) -> Result<serialport::SerialPortBuilder, SettingsError> {
        self.validate()?;
        let data_bits = match self.data_bits {
            5 => serialport::DataBits::Five,
            6 => serialport::DataBits::Six,
            7 => serialport::DataBits::Seven,
            _ => serialport::DataBits::Eight,
        };
        let stop_bits = if self.stop_bits == 2 {
            serialport::StopBits::Two
        } else {
            serialport::StopBits::One
        };
        let parity = match self.parity {
            Parity::None => serialport::Parity::None,
            Parity::Odd => serialport::Parity::Odd,
            Parity::Even => serialport::Parity::Even,
        };
        Ok(serialport::new(&self.path, self.baud)
            .data_bits(data_bits)
            .stop_bits(stop_bits)
            .parity(parity)
            .flow_control(serialport::FlowControl::None)
            .timeout(timeout))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("serial port path is empty")]
    EmptyPath,
    #[error("baud rate {0} is not usable")]
    Baud(u32),
    #[error("data bits must be 5 to 8, got {0}")]
    DataBits(u8),
    #[error("stop bits must be 1 or 2, got {0}")]
    StopBits(u8),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_defaults() {
        let s: SerialSettings = serde_json::from_str(r#"{"path":"/dev/ttyS0"}"#).unwrap();
        assert_eq!(s, SerialSettings::new("/dev/ttyS0"));
        assert_eq!(
            (s.baud, s.data_bits, s.parity, s.stop_bits, s.framing),
            (9600, 8, Parity::None, 1, Framing::Plain)
        );
        let s: SerialSettings = serde_json::from_str(
            r#"{"path":"/dev/ttyUSB0","baud":19200,"parity":"even","stop_bits":2,"framing":"3m"}"#,
        )
        .unwrap();
        assert_eq!(
            (s.baud, s.parity, s.stop_bits, s.framing),
            (19200, Parity::Even, 2, Framing::ThreeM)
        );
        let s: SerialSettings =
            serde_json::from_str(r#"{"path":"x","framing":"access-is"}"#).unwrap();
        assert_eq!(s.framing, Framing::AccessIs);
        assert!(
            serde_json::from_str::<SerialSettings>(r#"{"path":"x","framing":"xmodem"}"#).is_err()
        );
    }

    #[test]
    fn settings_validation() {
        let mut s = SerialSettings::new("/dev/ttyS0");
        assert!(s.validate().is_ok());
        s.data_bits = 9;
        assert_eq!(s.validate(), Err(SettingsError::DataBits(9)));
        s.data_bits = 8;
        s.stop_bits = 3;
        assert_eq!(s.validate(), Err(SettingsError::StopBits(3)));
        assert_eq!(
            SerialSettings::new(" ").validate(),
            Err(SettingsError::EmptyPath)
        );
    }
}

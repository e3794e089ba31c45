//! Serial MRZ reader task: blocking serial I/O on a blocking thread, decoding
//! and parsing through [`ReadPipeline`], events out through a tokio channel.
//!
//! Status is reported on every change: `Online` once the port is open,
//! `NoDevice` when the port path is missing (unplugged), `HardwareError` when
//! it exists but can't be opened or read, `Offline` when the task stops.
//! While not online it retries with backoff (250 ms doubling to 5 s).

use std::io::{self, Read};
use std::path::Path;
use std::time::Duration;

use chrono::NaiveDate;
use serde::Deserialize;
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio_util::sync::CancellationToken;

use crate::framing::{FrameDecoder, FrameError, Framing};
use crate::mrz::{self, Document, MrzErrorKind};

/// Read timeout of the serial port: bounds how long cancellation waits.
pub const READ_TIMEOUT: Duration = Duration::from_millis(100);
const BACKOFF_START: Duration = Duration::from_millis(250);
const BACKOFF_MAX: Duration = Duration::from_secs(5);
/// Sleep slice while waiting (backoff, full channel): cancel is checked between slices.
const SLICE: Duration = Duration::from_millis(50);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Parity {
    #[default]
    None,
    Odd,
    Even,
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

    fn builder(&self) -> Result<serialport::SerialPortBuilder, SettingsError> {
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
            .timeout(READ_TIMEOUT))
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

/// Device state (subset of the CEN/XFS model that a passive reader can tell).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReaderStatus {
    Online,
    /// Not running (task stopped or not started).
    Offline,
    /// The port is not there (unplugged).
    NoDevice,
    /// The port is there but can't be opened/read, or the settings are invalid.
    HardwareError,
}

/// What kind of problem made a read be refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RejectionKind {
    Mrz(MrzErrorKind),
    Frame(FrameError),
}

/// A read that was refused. Contains no personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// MRZ field at fault (see [`mrz::MrzError::field`]) or `"frame"`.
    pub field: String,
    pub reason: String,
    pub kind: RejectionKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderEvent {
    CardRead(Document),
    CardRejected(Rejection),
    Status(ReaderStatus),
}

/// Decoder + parser: the single path from wire bytes to events, shared by the
/// real reader and the simulator.
#[derive(Debug)]
pub struct ReadPipeline {
    decoder: FrameDecoder,
    today: fn() -> NaiveDate,
}

impl ReadPipeline {
    pub fn new(framing: Framing, today: fn() -> NaiveDate) -> Self {
        ReadPipeline {
            decoder: FrameDecoder::new(framing),
            today,
        }
    }

    /// Feeds bytes; returns the events of every read completed by them.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<ReaderEvent> {
        self.decoder.push(bytes);
        std::iter::from_fn(|| self.decoder.next_frame())
            .map(|frame| frame_to_event(frame, (self.today)()))
            .collect()
    }
}

/// Turns one decoded frame into `CardRead` or `CardRejected`.
pub fn frame_to_event(frame: Result<Vec<String>, FrameError>, today: NaiveDate) -> ReaderEvent {
    let result = match frame {
        Err(e) => Err(Rejection {
            field: "frame".to_string(),
            reason: e.to_string(),
            kind: RejectionKind::Frame(e),
        }),
        Ok(lines) => {
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            mrz::parse_mrz(&refs, today).map_err(|e| Rejection {
                field: e.field().to_string(),
                reason: e.reason(),
                kind: RejectionKind::Mrz(e.kind()),
            })
        }
    };
    match result {
        Ok(doc) => {
            tracing::info!(format = %doc.format, code = %doc.document_code, state = %doc.issuing_state, "card read");
            ReaderEvent::CardRead(doc)
        }
        Err(r) => {
            tracing::info!(field = %r.field, reason = %r.reason, "card rejected");
            ReaderEvent::CardRejected(r)
        }
    }
}

/// Starts the reader. Must be called inside a tokio runtime. The task ends
/// (after sending `Status(Offline)`) when `cancel` fires or the receiver is
/// dropped; cancellation is honoured within about [`READ_TIMEOUT`].
pub fn spawn_serial_reader(
    settings: SerialSettings,
    events: mpsc::Sender<ReaderEvent>,
    cancel: CancellationToken,
    today: fn() -> NaiveDate,
) -> tokio::task::JoinHandle<()> {
    tokio::task::spawn_blocking(move || {
        let mut run = Run {
            events,
            cancel,
            status: None,
        };
        run.main(&settings, today);
        run.set_status(ReaderStatus::Offline);
    })
}

struct Run {
    events: mpsc::Sender<ReaderEvent>,
    cancel: CancellationToken,
    status: Option<ReaderStatus>,
}

impl Run {
    /// Sends an event, waiting (cancel-aware) while the channel is full.
    /// Returns false when the task should stop.
    fn send(&self, mut ev: ReaderEvent) -> bool {
        loop {
            match self.events.try_send(ev) {
                Ok(()) => return true,
                Err(TrySendError::Closed(_)) => return false,
                Err(TrySendError::Full(back)) => {
                    if self.cancel.is_cancelled() {
                        return false;
                    }
                    ev = back;
                    std::thread::sleep(SLICE);
                }
            }
        }
    }

    fn set_status(&mut self, s: ReaderStatus) -> bool {
        if self.status == Some(s) {
            return !self.events.is_closed();
        }
        tracing::info!(status = ?s, "card reader status");
        self.status = Some(s);
        self.send(ReaderEvent::Status(s))
    }

    /// Sleeps `d` in slices; false if cancelled meanwhile.
    fn sleep(&self, d: Duration) -> bool {
        let mut left = d;
        while !left.is_zero() {
            if self.cancel.is_cancelled() {
                return false;
            }
            let s = left.min(SLICE);
            std::thread::sleep(s);
            left -= s;
        }
        !self.cancel.is_cancelled()
    }

    fn main(&mut self, settings: &SerialSettings, today: fn() -> NaiveDate) {
        let builder = match settings.builder() {
            Ok(b) => b,
            Err(e) => {
                tracing::error!(error = %e, "invalid card reader settings");
                self.set_status(ReaderStatus::HardwareError);
                self.cancel_wait();
                return;
            }
        };
        let mut backoff = BACKOFF_START;
        while !self.cancel.is_cancelled() {
            match builder.clone().open() {
                Ok(port) => {
                    backoff = BACKOFF_START;
                    if !self.set_status(ReaderStatus::Online) {
                        return;
                    }
                    let mut pipeline = ReadPipeline::new(settings.framing, today);
                    match self.read_loop(port, &mut pipeline) {
                        Ok(()) => return, // cancelled or receiver gone
                        Err(e) => {
                            let s = lost_status(&settings.path);
                            tracing::warn!(error = %e, status = ?s, "card reader connection lost");
                            if !self.set_status(s) {
                                return;
                            }
                        }
                    }
                }
                Err(e) => {
                    let s = lost_status(&settings.path);
                    if self.status != Some(s) {
                        tracing::warn!(error = %e, status = ?s, "cannot open card reader");
                    }
                    if !self.set_status(s) {
                        return;
                    }
                }
            }
            if !self.sleep(backoff) {
                return;
            }
            backoff = (backoff * 2).min(BACKOFF_MAX);
        }
    }

    fn cancel_wait(&self) {
        while self.sleep(Duration::from_secs(1)) && !self.events.is_closed() {}
    }

    /// Reads until cancelled (Ok) or the port fails (Err).
    fn read_loop(
        &mut self,
        mut port: Box<dyn serialport::SerialPort>,
        pipeline: &mut ReadPipeline,
    ) -> io::Result<()> {
        let mut buf = [0u8; 256];
        let mut zero_reads = 0u32;
        loop {
            if self.cancel.is_cancelled() || self.events.is_closed() {
                return Ok(());
            }
            match port.read(&mut buf) {
                Ok(0) => {
                    // A tty that keeps returning 0 bytes has hung up.
                    zero_reads += 1;
                    if zero_reads > 3 {
                        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "port hung up"));
                    }
                }
                Ok(n) => {
                    zero_reads = 0;
                    for ev in pipeline.push(&buf[..n]) {
                        if !self.send(ev) {
                            return Ok(());
                        }
                    }
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::TimedOut
                            | io::ErrorKind::Interrupted
                            | io::ErrorKind::WouldBlock
                    ) => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// NoDevice when the port path is gone, HardwareError otherwise.
fn lost_status(path: &str) -> ReaderStatus {
    if Path::new(path).exists() {
        ReaderStatus::HardwareError
    } else {
        ReaderStatus::NoDevice
    }
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

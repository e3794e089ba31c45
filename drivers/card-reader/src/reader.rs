//! The reader task (`tokio` feature): a [`BlockingReader`] on a blocking thread, events
//! out through a tokio channel, reconnection with backoff.
//!
//! Status is reported on every change: `Online` once the device is open, `NoDevice`
//! when its path is missing (unplugged), `HardwareError` when it exists but can't be
//! opened or read, `Offline` when the task stops. While not online it retries with
//! backoff (250 ms doubling to 5 s).

use std::io::{self, Read, Write};
use std::path::Path;
use std::time::Duration;

use chrono::NaiveDate;
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio_util::sync::CancellationToken;

use crate::blocking::{BlockingReader, LoopEnd};
use crate::framing::{ChannelDelimiters, DecoderConfig, INTER_BYTE_TIMEOUT};

pub use crate::pipeline::{
    ReadPipeline, ReaderEvent, ReaderStatus, Rejection, RejectionKind, frame_to_event,
};
pub use crate::settings::{Parity, SerialSettings, SettingsError};

/// Read timeout of the device: bounds how long cancellation and the inter-byte
/// timeout wait.
pub const READ_TIMEOUT: Duration = Duration::from_millis(100);
const BACKOFF_START: Duration = Duration::from_millis(250);
const BACKOFF_MAX: Duration = Duration::from_secs(5);
/// Sleep slice while waiting (backoff, full channel): cancel is checked between slices.
const SLICE: Duration = Duration::from_millis(50);

/// Reader settings beyond the serial line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderOptions {
    /// Delimiters of the `desko` framing.
    pub desko: ChannelDelimiters,
    /// Silence after which a started read is reported as failed.
    pub inter_byte_timeout: Duration,
    /// Bytes sent to the reader after every read (e.g. the 3M enable command of the
    /// interrupt and polled modes); `None` for readers that send on their own.
    pub after_read: Option<Vec<u8>>,
}

impl Default for ReaderOptions {
    fn default() -> Self {
        ReaderOptions {
            desko: ChannelDelimiters::ACCESS_IS,
            inter_byte_timeout: INTER_BYTE_TIMEOUT,
            after_read: None,
        }
    }
}

/// An opened device: its byte source and, when commands can be sent, a writer.
pub type Opened = (Box<dyn Read + Send>, Option<Box<dyn Write + Send>>);

/// Why a device could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Settings no device can take: retrying does not help.
    #[error("invalid card reader settings")]
    Settings(#[from] SettingsError),
    #[error("cannot open the card reader")]
    Io(#[from] io::Error),
    #[cfg(feature = "serial")]
    #[error("cannot open the serial port")]
    Serial(#[from] serialport::Error),
}

/// Starts the serial reader with default [`ReaderOptions`]. Must be called inside a
/// tokio runtime. The task ends (after sending `Status(Offline)`) when `cancel` fires
/// or the receiver is dropped; cancellation is honoured within about [`READ_TIMEOUT`].
pub fn spawn_serial_reader(
    settings: SerialSettings,
    events: mpsc::Sender<ReaderEvent>,
    cancel: CancellationToken,
    today: fn() -> NaiveDate,
) -> tokio::task::JoinHandle<()> {
    spawn_reader(settings, ReaderOptions::default(), events, cancel, today)
}

/// Starts a serial reader (see [`spawn_serial_reader`]) with `options`.
pub fn spawn_reader(
    settings: SerialSettings,
    options: ReaderOptions,
    events: mpsc::Sender<ReaderEvent>,
    cancel: CancellationToken,
    today: fn() -> NaiveDate,
) -> tokio::task::JoinHandle<()> {
    let config = DecoderConfig {
        framing: settings.framing,
        desko: options.desko,
        inter_byte_timeout: options.inter_byte_timeout,
    };
    let wants_writer = options.after_read.is_some();
    let path = settings.path.clone();
    let open = move || -> Result<Opened, OpenError> {
        let port = settings.builder(READ_TIMEOUT)?.open()?;
        let writer: Option<Box<dyn Write + Send>> = if wants_writer {
            Some(Box::new(port.try_clone()?))
        } else {
            None
        };
        Ok((Box::new(port), writer))
    };
    spawn_device_reader(
        path,
        open,
        config,
        options.after_read,
        events,
        cancel,
        today,
    )
}

/// Starts a reader on any device `open` can open (a serial port, an evdev keyboard,
/// a hidraw node): the same status reporting, reconnection and pipeline for all.
/// `path` decides `NoDevice` (missing) against `HardwareError` (present) on failure.
pub fn spawn_device_reader(
    path: String,
    mut open: impl FnMut() -> Result<Opened, OpenError> + Send + 'static,
    config: DecoderConfig,
    after_read: Option<Vec<u8>>,
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
        run.main(&path, &mut open, config, after_read.as_deref(), today);
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

    fn stopped(&self) -> bool {
        self.cancel.is_cancelled() || self.events.is_closed()
    }

    fn main(
        &mut self,
        path: &str,
        open: &mut dyn FnMut() -> Result<Opened, OpenError>,
        config: DecoderConfig,
        after_read: Option<&[u8]>,
        today: fn() -> NaiveDate,
    ) {
        let mut backoff = BACKOFF_START;
        while !self.cancel.is_cancelled() {
            match open() {
                Ok((source, writer)) => {
                    backoff = BACKOFF_START;
                    if !self.set_status(ReaderStatus::Online) {
                        return;
                    }
                    let pipeline = ReadPipeline::with_config(config, today);
                    let mut reader = BlockingReader::new(source, pipeline);
                    if let (Some(cmd), Some(w)) = (after_read, writer) {
                        reader = reader.after_each_read(cmd.to_vec(), w);
                    }
                    let end = reader.run(|ev| self.send(ev), || self.stopped());
                    let why = match end {
                        Ok(LoopEnd::Stopped) => return,
                        Ok(LoopEnd::EndOfInput) => "device hung up".to_string(),
                        Err(e) => format!("{e}: {}", e.io()),
                    };
                    let s = lost_status(path);
                    tracing::warn!(error = %why, status = ?s, "card reader connection lost");
                    if !self.set_status(s) {
                        return;
                    }
                }
                Err(OpenError::Settings(e)) => {
                    tracing::error!(error = %e, "invalid card reader settings");
                    self.set_status(ReaderStatus::HardwareError);
                    self.cancel_wait();
                    return;
                }
                Err(e) => {
                    let s = lost_status(path);
                    if self.status != Some(s) {
                        let why = with_sources(&e);
                        tracing::warn!(error = %why, status = ?s, "cannot open card reader");
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
}

/// An error with the errors under it ("cannot open the card reader: cannot grab input device
/// …: Device or resource busy"), so the log says why.
fn with_sources(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        out.push_str(": ");
        out.push_str(&s.to_string());
        next = s.source();
    }
    out
}

/// NoDevice when the device path is gone, HardwareError otherwise.
fn lost_status(path: &str) -> ReaderStatus {
    if Path::new(path).exists() {
        ReaderStatus::HardwareError
    } else {
        ReaderStatus::NoDevice
    }
}

/// Starts a keyboard-wedge reader on the evdev device `path` (features `tokio` and
/// `evdev`): the device is grabbed exclusively, its keys decoded with
/// [`crate::wedge::EventStream`] and read with the plain framing.
#[cfg(feature = "evdev")]
pub fn spawn_wedge_reader(
    path: String,
    inter_byte_timeout: Duration,
    events: mpsc::Sender<ReaderEvent>,
    cancel: CancellationToken,
    today: fn() -> NaiveDate,
) -> tokio::task::JoinHandle<()> {
    let device = path.clone();
    let open = move || -> Result<Opened, OpenError> {
        let kbd =
            crate::wedge::GrabbedKeyboard::open(Path::new(&device)).map_err(io::Error::from)?;
        Ok((Box::new(crate::wedge::EventStream::new(kbd)), None))
    };
    let config = DecoderConfig {
        inter_byte_timeout,
        ..DecoderConfig::new(crate::framing::Framing::Plain)
    };
    spawn_device_reader(path, open, config, None, events, cancel, today)
}

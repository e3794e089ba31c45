//! The printer session: status polling and chunked job writing over a [`Transport`].

use crate::models::{PresenterKind, PrinterModel, StatusFormat};
use crate::presenter::{PresenterAction, PresenterEvent, PresenterTracker};
use crate::status::{self, PrinterStatus, StatusReport, StatusRequest};
use crate::{DeviceState, EncodedJob, PaperLevel, PrinterProfile};
use std::io;
use std::time::{Duration, Instant};

/// A byte link to a printer (serial, network, file, emulator).
pub trait Transport: Send {
    /// Write all bytes.
    fn write_all(&mut self, b: &[u8]) -> io::Result<()>;
    /// Read one byte, waiting at most `timeout`; `Ok(None)` on timeout.
    fn read_byte(&mut self, timeout: Duration) -> io::Result<Option<u8>>;
    /// Discard whatever the printer sent that we have not read.
    fn clear_input(&mut self) -> io::Result<()>;
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn write_all(&mut self, b: &[u8]) -> io::Result<()> {
        (**self).write_all(b)
    }
    fn read_byte(&mut self, timeout: Duration) -> io::Result<Option<u8>> {
        (**self).read_byte(timeout)
    }
    fn clear_input(&mut self) -> io::Result<()> {
        (**self).clear_input()
    }
}

/// Errors of a printer session.
#[derive(Debug, thiserror::Error)]
pub enum PrinterError {
    #[error("printer I/O failed")]
    Io(#[from] io::Error),
    #[error("no reply to DLE EOT {n}")]
    NoReply { n: u8 },
    #[error("replies to DLE EOT {n} disagree (noise on the line?)")]
    Inconsistent { n: u8 },
    #[error("garbled reply to DLE EOT {n}")]
    Garbled {
        n: u8,
        #[source]
        source: status::StatusByteError,
    },
    #[cfg(feature = "serial")]
    #[error("cannot open serial port {path}")]
    Open {
        path: String,
        #[source]
        source: serialport::Error,
    },
}

/// Why a job was not (completely) printed; the kiosk keeps it and retries later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HoldReason {
    PaperOut,
    CoverOpen,
    Offline,
    Disconnected,
    CutterError,
    HardwareError,
}

/// Result of [`Printer::print`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintOutcome {
    Printed,
    Held(HoldReason),
}

/// Job bytes written between two status checks.
pub const CHUNK: usize = 384;

/// Most asks of one status request while waiting for two agreeing replies.
pub const STATUS_ASKS: usize = 4;

/// `GS a n`: automatic status back for drawer, online/offline, error and paper sensor.
const GS_A_ALL: [u8; 3] = [0x1D, b'a', 0x0F];

fn is_disconnect(e: &io::Error) -> bool {
    use io::ErrorKind::*;
    matches!(
        e.kind(),
        NotFound | NotConnected | BrokenPipe | ConnectionReset | ConnectionAborted | UnexpectedEof
    ) || matches!(e.raw_os_error(), Some(5 | 19)) // EIO, ENODEV: adapter or usblp gone
}

/// A printer on a transport.
pub struct Printer<T: Transport> {
    transport: T,
    profile: PrinterProfile,
    reply_timeout: Duration,
    model: PrinterModel,
    presenter: PresenterTracker,
    last_garbled: Option<u8>,
}

impl<T: Transport> Printer<T> {
    pub fn new(transport: T, profile: PrinterProfile) -> Self {
        let model = profile.printer_model();
        let presenter = PresenterTracker::new(
            Duration::from_secs(u64::from(profile.retract_after_s)),
            model.presenter == Some(PresenterKind::CustomFsP),
        );
        Self {
            transport,
            profile,
            model,
            presenter,
            last_garbled: None,
            reply_timeout: Duration::from_millis(250),
        }
    }

    /// How long to wait for each status reply (default 250 ms).
    pub fn with_reply_timeout(mut self, t: Duration) -> Self {
        self.reply_timeout = t;
        self
    }

    pub fn profile(&self) -> &PrinterProfile {
        &self.profile
    }

    pub fn transport_mut(&mut self) -> &mut T {
        &mut self.transport
    }

    pub fn into_transport(self) -> T {
        self.transport
    }

    /// One reply to `DLE EOT n`: the first byte with the status pattern within the
    /// timeout (stray bytes such as automatic status back or line noise are skipped).
    fn ask_once(&mut self, req: StatusRequest) -> Result<Option<u8>, PrinterError> {
        self.transport.clear_input()?;
        self.transport.write_all(&req.command())?;
        let deadline = Instant::now() + self.reply_timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.transport.read_byte(left)? {
                Some(b) if status::is_status_byte(b) => return Ok(Some(b)),
                Some(b) => {
                    tracing::debug!(n = req as u8, byte = b, "garbled status reply");
                    self.last_garbled = Some(b);
                    if left.is_zero() {
                        return Ok(None);
                    }
                }
                None => return Ok(None),
            }
        }
    }

    /// Ask `DLE EOT n` until two consecutive replies agree (at most [`STATUS_ASKS`]
    /// asks): a noisy line can fake one status byte, hardly the same one twice.
    fn ask_consistent(&mut self, req: StatusRequest) -> Result<u8, PrinterError> {
        let n = req as u8;
        self.last_garbled = None;
        let mut prev = None;
        let mut seen_valid = false;
        for _ in 0..STATUS_ASKS {
            let reply = self.ask_once(req)?;
            if reply.is_some() && reply == prev {
                return reply.ok_or(PrinterError::NoReply { n });
            }
            seen_valid |= reply.is_some();
            prev = reply;
        }
        Err(match (seen_valid, self.last_garbled) {
            (true, _) => PrinterError::Inconsistent { n },
            (false, Some(b)) => PrinterError::Garbled {
                n,
                source: status::StatusByteError(b),
            },
            (false, None) => PrinterError::NoReply { n },
        })
    }

    /// Custom's 6-byte full status, asked until two replies agree.
    fn ask_full_status(&mut self) -> Result<[u8; 6], PrinterError> {
        let req = StatusRequest::CustomFull;
        let mut prev = None;
        for _ in 0..STATUS_ASKS {
            self.transport.clear_input()?;
            self.transport.write_all(&req.command())?;
            let mut reply = [0u8; 6];
            let deadline = Instant::now() + self.reply_timeout;
            let mut got = 0;
            while got < 6 {
                let left = deadline.saturating_duration_since(Instant::now());
                match self.transport.read_byte(left)? {
                    // Resynchronise on the header.
                    Some(b) if got == 0 && b != 0x10 => {}
                    Some(b) => {
                        reply[got] = b;
                        got += 1;
                    }
                    None => break,
                }
            }
            let this = (got == 6).then_some(reply);
            if this.is_some() && this == prev {
                return this.ok_or(PrinterError::NoReply { n: 20 });
            }
            prev = this;
        }
        Err(PrinterError::Inconsistent { n: 20 })
    }

    fn query_report(&mut self) -> Result<StatusReport, PrinterError> {
        let report = match self.model.status {
            StatusFormat::CustomFull => {
                let reply = self.ask_full_status()?;
                status::parse_custom_full(reply)
                    .map_err(|e| PrinterError::Garbled { n: 20, source: e })?
            }
            StatusFormat::DleEot {
                paper_end,
                presenter,
            } => {
                let mut replies = [0u8; 4];
                for (slot, req) in replies.iter_mut().zip(StatusRequest::ALL) {
                    *slot = self.ask_consistent(req)?;
                }
                status::parse_dle_eot(replies, paper_end, presenter)
                    .map_err(|e| PrinterError::Garbled { n: 0, source: e })?
            }
        };
        Ok(report)
    }

    fn query_status(&mut self) -> Result<PrinterStatus, PrinterError> {
        self.query_report().map(|r| r.status)
    }

    /// The printer's model.
    pub fn model(&self) -> &PrinterModel {
        &self.model
    }

    /// Presenter models: reads the presenter sensor, retracts a receipt left longer
    /// than the profile's `retract_after_s`, and says what happened to the receipt.
    /// `Ok(None)` when nothing changed or the model has no presenter.
    pub fn poll_presenter(&mut self) -> Result<Option<PresenterEvent>, PrinterError> {
        if self.model.presenter.is_none() {
            return Ok(None);
        }
        let report = self.query_report()?;
        let Some(in_presenter) = report.paper_in_presenter else {
            return Ok(None);
        };
        let (event, action) = self.presenter.observe(in_presenter, Instant::now());
        if action == Some(PresenterAction::Retract) {
            self.retract()?;
        }
        if let Some(ev) = event {
            tracing::info!(?ev, "receipt in presenter");
        }
        Ok(event)
    }

    /// A receipt waits in the presenter.
    pub fn receipt_waiting(&self) -> bool {
        self.presenter.is_waiting()
    }

    /// Pulls a presented receipt back into the printer (`GS e 2`). Custom printers
    /// retract by themselves after the `FS P` timeout: nothing is sent to them.
    pub fn retract(&mut self) -> Result<(), PrinterError> {
        match self.model.presenter {
            Some(PresenterKind::GsE) => self.write(&[0x1D, b'e', 2]),
            Some(PresenterKind::CustomFsP) | None => Ok(()),
        }
    }

    /// Poll the four real-time statuses. An unplugged printer gives `NoDevice`.
    pub fn status(&mut self) -> Result<PrinterStatus, PrinterError> {
        match self.query_status() {
            Err(PrinterError::Io(e)) if is_disconnect(&e) => {
                tracing::info!(error = %e, "printer disconnected");
                Ok(PrinterStatus::no_device())
            }
            other => other,
        }
    }

    fn hold_reason(st: &PrinterStatus) -> Option<HoldReason> {
        if st.device == DeviceState::NoDevice {
            Some(HoldReason::Disconnected)
        } else if st.paper == PaperLevel::Out {
            Some(HoldReason::PaperOut)
        } else if st.cover_open {
            Some(HoldReason::CoverOpen)
        } else if st.cutter_error {
            Some(HoldReason::CutterError)
        } else if st.device == DeviceState::HardwareError {
            Some(HoldReason::HardwareError)
        } else if st.device == DeviceState::Offline {
            Some(HoldReason::Offline)
        } else {
            None
        }
    }

    /// Status for a print decision: a printer that does not answer is `Offline`.
    fn check(&mut self) -> Result<Option<HoldReason>, PrinterError> {
        match self.status() {
            Ok(st) => Ok(Self::hold_reason(&st)),
            Err(PrinterError::NoReply { n } | PrinterError::Inconsistent { n }) => {
                tracing::warn!(n, "printer does not answer status requests");
                Ok(Some(HoldReason::Offline))
            }
            Err(e) => Err(e),
        }
    }

    /// Print a job: status before, between chunks and after. A job that could not be
    /// completed is `Held` (the kiosk prints it again later).
    pub fn print(&mut self, job: &EncodedJob) -> Result<PrintOutcome, PrinterError> {
        if let Some(reason) = self.check()? {
            tracing::info!(?reason, "print held before start");
            return Ok(PrintOutcome::Held(reason));
        }
        if self.profile.auto_status_back && self.model.auto_status_back {
            self.write(&GS_A_ALL)?;
        }
        let total = job.bytes.len().max(1);
        let mut sent = 0usize;
        for chunk in job.bytes.chunks(CHUNK) {
            if let Err(e) = self.write(chunk) {
                return match e {
                    PrinterError::Io(io) if is_disconnect(&io) => {
                        tracing::warn!(sent, error = %io, "printer disconnected during job");
                        Ok(PrintOutcome::Held(HoldReason::Disconnected))
                    }
                    other => Err(other),
                };
            }
            sent += chunk.len();
            if let Some(reason) = self.check()? {
                tracing::warn!(?reason, sent, total, "print held during job");
                return Ok(PrintOutcome::Held(reason));
            }
        }
        if self.model.presenter.is_some() {
            self.presenter.presented(Instant::now());
        }
        tracing::info!(bytes = total, paper_mm = job.paper_mm, "receipt printed");
        Ok(PrintOutcome::Printed)
    }

    fn write(&mut self, b: &[u8]) -> Result<(), PrinterError> {
        self.transport.write_all(b).map_err(PrinterError::Io)
    }
}

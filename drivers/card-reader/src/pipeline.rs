//! From wire bytes to events: decoder + parser, shared by every reader loop and the
//! simulator. Pure: time comes in as arguments.

use std::time::Instant;

use chrono::NaiveDate;

use crate::framing::{DecoderConfig, FrameDecoder, FrameError, Framing};
use crate::mrz::{self, Document, MrzErrorKind};

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

impl Rejection {
    /// The read did not arrive whole (cut off, stopped, a line short or long): the
    /// citizen should simply insert the document again.
    pub fn is_partial_read(&self) -> bool {
        matches!(
            self.kind,
            RejectionKind::Frame(
                FrameError::Truncated
                    | FrameError::Incomplete { .. }
                    | FrameError::Stalled { .. }
                    | FrameError::LineLength { .. }
            )
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderEvent {
    CardRead(Document),
    CardRejected(Rejection),
    Status(ReaderStatus),
}

impl ReaderEvent {
    /// A read ended (accepted or refused), as opposed to a status change.
    pub fn is_read(&self) -> bool {
        !matches!(self, ReaderEvent::Status(_))
    }
}

/// Decoder + parser: the single path from wire bytes to events, shared by the real
/// readers and the simulator.
#[derive(Debug)]
pub struct ReadPipeline {
    decoder: FrameDecoder,
    today: fn() -> NaiveDate,
}

impl ReadPipeline {
    pub fn new(framing: Framing, today: fn() -> NaiveDate) -> Self {
        Self::with_config(DecoderConfig::new(framing), today)
    }

    pub fn with_config(config: DecoderConfig, today: fn() -> NaiveDate) -> Self {
        ReadPipeline {
            decoder: FrameDecoder::with_config(config),
            today,
        }
    }

    pub fn decoder(&self) -> &FrameDecoder {
        &self.decoder
    }

    /// Feeds bytes without a clock; returns the events of every read completed by them.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<ReaderEvent> {
        self.decoder.push(bytes);
        self.drain()
    }

    /// Feeds bytes received at `now` (a read silent for the inter-byte timeout is ended
    /// first, as a rejection).
    pub fn push_at(&mut self, bytes: &[u8], now: Instant) -> Vec<ReaderEvent> {
        self.decoder.push_at(bytes, now);
        self.drain()
    }

    /// Ends a read that has been silent for the inter-byte timeout.
    pub fn poll(&mut self, now: Instant) -> Vec<ReaderEvent> {
        self.decoder.poll(now);
        self.drain()
    }

    /// When [`poll`](Self::poll) will end the read in progress, if one is.
    pub fn deadline(&self) -> Option<Instant> {
        self.decoder.deadline()
    }

    /// End of input: whatever read is pending ends now.
    pub fn finish(&mut self) -> Vec<ReaderEvent> {
        self.decoder.finish();
        self.drain()
    }

    fn drain(&mut self) -> Vec<ReaderEvent> {
        let today = (self.today)();
        std::iter::from_fn(|| self.decoder.next_frame())
            .map(|frame| frame_to_event(frame, today))
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

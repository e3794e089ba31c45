//! The chip reader's one owner: a thread that does every blocking PC/SC exchange (or runs the
//! demo's simulated chip), so the async runtime never waits on a card. Commands come in on a
//! channel; progress, outcomes (with the evidence for the centre) and the reader's state for
//! the technician's screen go out through a [`ChipSink`].

use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chip_reader::reader::ChipError;
use chip_reader::sim::SimCard;
use chip_reader::sim::demo::demo_card;
use chip_reader::transport::{Transport, TransportError};
use chip_reader::{Interface, TrustStore};
use chrono::Utc;
use dost_api::ChipEvidence;
use kiosk_core::chip::{
    ChipBoard, ChipLastTest, ChipOutcome, ChipReadFailure, ChipReaderState, ChipTest,
};
use zeroize::Zeroizing;

use super::connect::{self, ConnectError, Connected};
use super::read::{CentreChallenge, ReadResult, ReadSettings, read_document};
use crate::config::chip::ChipInterface;

/// APDUs of a typical read (PACE-GM, five files, Chip Authentication), for the progress bar.
const EXPECTED_APDUS: u32 = 28;

/// Where chips come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// The demo's simulated chips: the card last put in the simulated reader by the demo
    /// buttons, or a genuine chip of whatever document the OCR reader read.
    Simulated,
    /// PC/SC readers: the one named (or `auto`), cards answering on `interface`, a card must
    /// be there within `card_wait`.
    Pcsc {
        reader: Option<String>,
        interface: ChipInterface,
        card_wait: Duration,
    },
}

/// What the worker needs.
pub struct ChipSettings {
    pub source: Source,
    pub read: ReadSettings,
    pub trust: TrustStore,
}

/// Where the worker's results go.
pub trait ChipSink: Send + 'static {
    /// The read of `generation` is `percent` done.
    fn progress(&self, generation: u64, percent: u8);
    /// The read of `generation` ended; `evidence` for the centre when the chip was read.
    fn done(&self, generation: u64, outcome: ChipOutcome, evidence: Option<ChipEvidence>);
    /// The reader and its last read or test changed.
    fn board(&self, board: ChipBoard);
}

/// The demo's simulated card: its printed MRZ, and whether it is a "photocopy" (cloned chip).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulatedCard {
    pub mrz: Vec<String>,
    pub photocopy: bool,
}

enum ChipCmd {
    Read {
        generation: u64,
        ocr: Zeroizing<Vec<String>>,
        challenge: Option<CentreChallenge>,
    },
    Probe,
    Simulate(Option<SimulatedCard>),
}

/// Sends work to the chip thread (the thread ends when every handle is dropped).
#[derive(Clone)]
pub struct ChipHandle {
    tx: mpsc::Sender<ChipCmd>,
}

impl ChipHandle {
    /// Reads the chip of the document whose OCR MRZ is `ocr`.
    pub fn read(
        &self,
        generation: u64,
        ocr: Zeroizing<Vec<String>>,
        challenge: Option<CentreChallenge>,
    ) {
        self.send(ChipCmd::Read {
            generation,
            ocr,
            challenge,
        });
    }

    /// The technician's live test of the card on the reader.
    pub fn probe(&self) {
        self.send(ChipCmd::Probe);
    }

    /// Demo: the card now in the simulated reader.
    pub fn simulate(&self, card: Option<SimulatedCard>) {
        self.send(ChipCmd::Simulate(card));
    }

    fn send(&self, cmd: ChipCmd) {
        if self.tx.send(cmd).is_err() {
            tracing::warn!("the chip reader's thread has stopped");
        }
    }
}

/// Starts the chip thread.
pub fn spawn(
    settings: ChipSettings,
    sink: impl ChipSink,
) -> std::io::Result<(ChipHandle, JoinHandle<()>)> {
    let (tx, rx) = mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("chip".into())
        .spawn(move || {
            let mut w = Worker {
                settings,
                sink,
                sim: None,
                board: ChipBoard::default(),
            };
            w.refresh_reader();
            while let Ok(cmd) = rx.recv() {
                match cmd {
                    ChipCmd::Read {
                        generation,
                        ocr,
                        challenge,
                    } => w.read(generation, &ocr, challenge.as_ref()),
                    ChipCmd::Probe => w.probe(),
                    ChipCmd::Simulate(card) => w.sim = card,
                }
            }
            tracing::debug!("chip thread stopped");
        })?;
    Ok((ChipHandle { tx }, thread))
}

/// A transport that reports progress by the APDUs exchanged.
struct Progress<'a, T> {
    inner: T,
    apdus: u32,
    last: u8,
    report: &'a dyn Fn(u8),
}

impl<T: Transport> Transport for Progress<'_, T> {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        let r = self.inner.transmit(apdu);
        self.apdus += 1;
        let percent = (5 + self.apdus * 90 / EXPECTED_APDUS).min(95) as u8;
        if percent >= self.last + 5 {
            self.last = percent;
            (self.report)(percent);
        }
        r
    }
}

struct Worker<S> {
    settings: ChipSettings,
    sink: S,
    sim: Option<SimulatedCard>,
    board: ChipBoard,
}

impl<S: ChipSink> Worker<S> {
    /// Publishes the reader's state (at start, after reads and tests).
    fn refresh_reader(&mut self) {
        let state = match &self.settings.source {
            Source::Simulated => ChipReaderState::Simulated,
            Source::Pcsc {
                reader, interface, ..
            } => match connect::readers(reader.as_deref(), *interface) {
                Ok(found) => ChipReaderState::Ready {
                    reader: found.join(", "),
                },
                Err(error) => ChipReaderState::Unavailable { error },
            },
        };
        self.set_reader(state);
    }

    fn set_reader(&mut self, state: ChipReaderState) {
        if self.board.reader.as_ref() != Some(&state) {
            tracing::info!(reader = ?state, "chip reader");
            self.board.reader = Some(state);
            self.sink.board(self.board.clone());
        }
    }

    fn last(&mut self, test: ChipTest) {
        self.board.last = Some(ChipLastTest {
            test,
            at: Utc::now(),
        });
        self.sink.board(self.board.clone());
    }

    /// Waits for a card on the configured reader(s) and connects to it; the reader's state
    /// follows what was found.
    fn connect(&mut self) -> Result<Connected, ConnectError> {
        let Source::Pcsc {
            reader,
            interface,
            card_wait,
        } = &self.settings.source
        else {
            return Err(ConnectError::Reader("not a PC/SC source".into()));
        };
        let found = connect::connect(reader.as_deref(), *interface, *card_wait);
        match &found {
            Ok(c) => self.set_reader(ChipReaderState::Ready {
                reader: c.reader.clone(),
            }),
            Err(ConnectError::Reader(error)) => self.set_reader(ChipReaderState::Unavailable {
                error: error.clone(),
            }),
            Err(e @ ConnectError::WrongInterface { .. }) => tracing::info!(error = %e, "chip"),
            Err(ConnectError::NoCard) => {}
        }
        found
    }

    fn read(&mut self, generation: u64, ocr: &[String], challenge: Option<&CentreChallenge>) {
        let started = Instant::now();
        self.sink.progress(generation, 2);
        let transport: Result<Box<dyn Transport>, ReadResult> = match &self.settings.source {
            Source::Simulated => {
                // The demo's card when its MRZ was read; any other document read by the OCR
                // reader gets a genuine simulated chip of its own.
                let card = match &self.sim {
                    Some(card) if card.mrz.as_slice() == ocr => card.clone(),
                    _ => SimulatedCard {
                        mrz: ocr.to_vec(),
                        photocopy: false,
                    },
                };
                simulated(&card)
                    .map(|c| Box::new(c) as Box<dyn Transport>)
                    .map_err(|e| {
                        tracing::error!(error = %e, "the demo chip cannot be made");
                        failed(ChipReadFailure::Protocol)
                    })
            }
            Source::Pcsc { .. } => match self.connect() {
                Ok(c) => Ok(Box::new(c.transport)),
                Err(ConnectError::NoCard | ConnectError::WrongInterface { .. }) => Err(no_chip()),
                Err(ConnectError::Reader(e)) => {
                    tracing::warn!(error = %e, "chip reader unavailable");
                    Err(failed(ChipReadFailure::ReaderUnavailable))
                }
            },
        };
        let result = match transport {
            Ok(inner) => {
                let report = |p| self.sink.progress(generation, p);
                let progress = Progress {
                    inner,
                    apdus: 0,
                    last: 0,
                    report: &report,
                };
                let (trust, settings) = (&self.settings.trust, self.settings.read);
                read_document(progress, ocr, trust, settings, challenge, Utc::now())
            }
            Err(r) => r,
        };
        let ms = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
        let traffic = result.report.as_ref().map(|r| r.traffic);
        tracing::info!(
            outcome = %result.outcome.code(),
            access = %result.access(),
            ms,
            apdus = traffic.map_or(0, |t| t.apdus),
            error = result.error.as_ref().map(ToString::to_string),
            "chip read"
        );
        self.sink.progress(generation, 100);
        self.last(ChipTest::Read {
            outcome: result.outcome,
            access: result.access(),
            ms,
        });
        let evidence = result.evidence(challenge);
        self.sink.done(generation, result.outcome, evidence);
    }

    fn probe(&mut self) {
        let started = Instant::now();
        let probed = match &self.settings.source {
            Source::Simulated => match &self.sim {
                None => Err("no card on the reader".to_owned()),
                Some(card) => simulated(card)
                    .map_err(|e| e.to_string())
                    .and_then(|mut chip| {
                        chip_reader::probe::probe(&mut chip).map_err(|e| e.to_string())
                    })
                    .map(|p| ("simulated".to_owned(), Interface::Contactless, p)),
            },
            Source::Pcsc { .. } => match self.connect() {
                Ok(mut c) => chip_reader::probe::probe(&mut c.transport)
                    .map(|p| (c.reader, c.interface, p))
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            },
        };
        let ms = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
        let test = match probed {
            Ok((reader, on, p)) => ChipTest::Probe {
                reader,
                interface: on.name().to_owned(),
                emrtd: p.emrtd,
                pace: p.pace.join(", "),
                ms,
            },
            Err(error) => ChipTest::ProbeFailed { error },
        };
        tracing::info!(test = ?test, "chip test");
        self.last(test);
        if matches!(self.settings.source, Source::Pcsc { .. }) {
            self.refresh_reader();
        }
    }
}

fn no_chip() -> ReadResult {
    ReadResult {
        outcome: ChipOutcome::NoChip,
        report: None,
        error: None,
    }
}

fn failed(f: ChipReadFailure) -> ReadResult {
    ReadResult {
        outcome: ChipOutcome::ReadFailed(f),
        report: None,
        error: None::<ChipError>,
    }
}

/// The demo chip of `card` (signed by the demo root, NOT FOR PRODUCTION).
fn simulated(card: &SimulatedCard) -> Result<SimCard, chip_reader::sim::pki::PkiError> {
    let lines: Vec<&str> = card.mrz.iter().map(String::as_str).collect();
    Ok(SimCard::new(demo_card(&lines, card.photocopy)?.build()?))
}

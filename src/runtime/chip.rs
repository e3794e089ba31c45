//! The session's chip edge: hands the accepted OCR MRZ to the chip reader's owner thread
//! ([`crate::chip::worker`]) with the centre's Active Authentication challenge, brings its
//! progress and outcome back to the event loop, and keeps the read's evidence until the
//! centre's verification of the same generation takes it. A wipe forgets both.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use dost_api::ChipEvidence;
use kiosk_core::chip::{ChipBoard, ChipOutcome, ChipReadFailure};
use kiosk_core::session::Event;
use tokio::sync::mpsc;
use tokio_util::task::TaskTracker;
use zeroize::Zeroizing;

use super::edges::Centre;
use super::effects::Back;
use crate::chip::read::CentreChallenge;
use crate::chip::worker::{self, ChipHandle, ChipSink, SimulatedCard};
use crate::chip::{ChipStartError, settings};
use crate::config::KioskConfig;

/// How long the kiosk waits for the centre's challenge before reading with its own.
const CHALLENGE_WAIT: Duration = Duration::from_secs(2);

type EvidenceSlot = Arc<Mutex<Option<(u64, ChipEvidence)>>>;

/// The event loop's side of the chip reader.
#[derive(Clone)]
pub struct ChipEdge {
    handle: Option<ChipHandle>,
    /// The MRZ lines of the card just read by the OCR reader (personal data: zeroized).
    ocr: Arc<Mutex<Option<Zeroizing<Vec<String>>>>>,
    evidence: EvidenceSlot,
    back: mpsc::UnboundedSender<Back>,
}

/// Results of the chip thread, as the event loop takes them.
struct Sink {
    back: mpsc::UnboundedSender<Back>,
    evidence: EvidenceSlot,
}

impl ChipSink for Sink {
    fn progress(&self, generation: u64, percent: u8) {
        let _ = self.back.send(Back::Event(Event::ChipProgress {
            generation,
            percent,
        }));
    }

    fn done(&self, generation: u64, outcome: ChipOutcome, evidence: Option<ChipEvidence>) {
        // The evidence is in place before the session hears of the outcome.
        *self.evidence.lock().unwrap_or_else(|e| e.into_inner()) =
            evidence.map(|e| (generation, e));
        let _ = self.back.send(Back::Event(Event::ChipRead {
            generation,
            outcome,
        }));
    }

    fn board(&self, board: ChipBoard) {
        let _ = self.back.send(Back::Chip(board));
    }
}

impl ChipEdge {
    /// Chip authentication off: nothing is read.
    pub fn off(back: mpsc::UnboundedSender<Back>) -> ChipEdge {
        ChipEdge {
            handle: None,
            ocr: Arc::default(),
            evidence: Arc::default(),
            back,
        }
    }

    /// Starts the chip thread when the configuration reads any document's chip.
    pub fn start(
        cfg: &KioskConfig,
        back: mpsc::UnboundedSender<Back>,
    ) -> Result<(ChipEdge, Option<std::thread::JoinHandle<()>>), ChipStartError> {
        let mut edge = ChipEdge::off(back.clone());
        if !cfg.chip.enabled() {
            return Ok((edge, None));
        }
        let sink = Sink {
            back,
            evidence: edge.evidence.clone(),
        };
        let (handle, thread) =
            worker::spawn(settings(cfg)?, sink).map_err(ChipStartError::Thread)?;
        edge.handle = Some(handle);
        Ok((edge, Some(thread)))
    }

    /// The OCR reader accepted a card with these MRZ lines.
    pub fn note_mrz(&self, lines: &[String]) {
        *self.ocr.lock().unwrap_or_else(|e| e.into_inner()) = Some(Zeroizing::new(lines.to_vec()));
    }

    /// Reads the chip of the card last noted, for the session of `generation`: first asks the
    /// centre for an Active Authentication challenge (briefly; without one the chip signs
    /// the kiosk's own), then hands the read to the chip thread.
    pub fn read(&self, generation: u64, centre: Arc<dyn Centre>, tasks: &TaskTracker) {
        let ocr = self.ocr.lock().unwrap_or_else(|e| e.into_inner()).take();
        let (Some(handle), Some(ocr)) = (self.handle.clone(), ocr) else {
            tracing::error!("a chip read without a chip reader or an MRZ");
            let _ = self.back.send(Back::Event(Event::ChipRead {
                generation,
                outcome: ChipOutcome::ReadFailed(ChipReadFailure::ReaderUnavailable),
            }));
            return;
        };
        tasks.spawn(async move {
            let challenge = tokio::time::timeout(CHALLENGE_WAIT, centre.chip_challenge())
                .await
                .ok()
                .flatten();
            if challenge.is_none() {
                tracing::info!("no challenge from the centre: the kiosk's own is used");
            }
            handle.read(generation, ocr, challenge);
        });
    }

    /// The evidence of the read of `generation`, once (for the centre's verification).
    pub fn take_evidence(&self, generation: u64) -> Option<ChipEvidence> {
        let mut slot = self.evidence.lock().unwrap_or_else(|e| e.into_inner());
        match slot.take() {
            Some((g, e)) if g == generation => Some(e),
            _ => None,
        }
    }

    /// The session was wiped: forget the MRZ and the evidence.
    pub fn wiped(&self) {
        self.ocr.lock().unwrap_or_else(|e| e.into_inner()).take();
        self.evidence
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
    }

    /// The technician's live test.
    pub fn probe(&self) {
        match &self.handle {
            Some(h) => h.probe(),
            None => tracing::info!("chip test asked for while chip authentication is off"),
        }
    }

    /// Demo: the specimen card (or its photocopy) is now in the simulated reader.
    pub fn simulate(&self, card: SimulatedCard) {
        if let Some(h) = &self.handle {
            h.simulate(Some(card));
        }
    }
}

/// The centre's challenge, checked (`None` when it is not well formed).
pub fn challenge_of(c: &dost_api::ChipChallenge) -> Option<CentreChallenge> {
    let bytes: [u8; 8] = hex::decode(&c.challenge).ok()?.try_into().ok()?;
    dost_api::is_hex(&c.challenge_id, dost_api::CHALLENGE_ID_HEX).then(|| CentreChallenge {
        id: c.challenge_id.clone(),
        challenge: bytes,
    })
}

//! The narrow edges of the event loop: the centre, the outbox, the print queue, the clock and
//! the sounds.
//! The kiosk runs with the real ones (HTTP client, SQLite store, printer worker, system clock);
//! the event loop's unit tests run with fakes.

use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc as std_mpsc;

use chrono::{DateTime, NaiveDate, Utc};
use dost_api::{
    ApplicationId, ApplicationStatus, ChipEvidence, Lang, TicketRequest, TicketResponse,
};
use kiosk_core::card::CitizenKey;
use kiosk_core::print::{ReceiptTemplate, TicketTemplate};
use kiosk_core::session::{AppRecord, Submission, VerifyOutcome};
use kiosk_core::view::ScreenId;

use crate::central::CentralClient;
use crate::chip::read::CentreChallenge;
use crate::printing::PrinterCmd;
use crate::store::{StoreError, StoreHandle, Stored, StoredTicket};

/// A future the edges return (boxed, so the traits can be used as objects).
pub type BoxFut<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// The central API, as the session's effects need it.
pub trait Centre: Send + Sync + 'static {
    /// Is this document valid and this citizen's? Unreachable when the centre cannot be asked.
    fn verify(&self, citizen: CitizenKey, document_number: String) -> BoxFut<VerifyOutcome>;
    /// The citizen's applications at the centre (None: the centre could not be asked).
    fn applications(&self, citizen: CitizenKey) -> BoxFut<Option<Vec<ApplicationStatus>>>;
    /// [`Centre::verify`] with the evidence of the document's chip, when it was read, and the
    /// citizen's name in Azerbaijani spelling when the centre gives it (this default leaves
    /// the evidence out and names no one).
    fn verify_chip(
        &self,
        citizen: CitizenKey,
        document_number: String,
        chip: Option<ChipEvidence>,
    ) -> BoxFut<(VerifyOutcome, Option<String>)> {
        let _ = chip;
        let plain = self.verify(citizen, document_number);
        Box::pin(async move { (plain.await, None) })
    }
    /// An Active Authentication challenge from the centre (`None`: none could be had).
    fn chip_challenge(&self) -> BoxFut<Option<CentreChallenge>> {
        Box::pin(async { None })
    }
    /// A queue ticket numbered by the centre (None: the centre could not be asked; the kiosk
    /// numbers it).
    fn issue_ticket(&self, ticket: TicketRequest) -> BoxFut<Option<TicketResponse>>;
}

impl Centre for CentralClient {
    fn verify(&self, citizen: CitizenKey, document_number: String) -> BoxFut<VerifyOutcome> {
        let named = self.verify_chip(citizen, document_number, None);
        Box::pin(async move { named.await.0 })
    }

    fn verify_chip(
        &self,
        citizen: CitizenKey,
        document_number: String,
        chip: Option<ChipEvidence>,
    ) -> BoxFut<(VerifyOutcome, Option<String>)> {
        let client = self.clone();
        Box::pin(async move {
            let with_chip = chip.is_some();
            match client
                .verify_with_chip(&citizen, &document_number, chip)
                .await
            {
                Ok(r) if r.valid => {
                    if with_chip {
                        tracing::info!(chip = ?r.chip, "centre confirmed the document and its chip");
                    }
                    (VerifyOutcome::Valid, r.display_name)
                }
                Ok(r) => {
                    tracing::info!(reason = ?r.reason, chip = ?r.chip, "centre did not confirm the document");
                    (VerifyOutcome::Invalid, None)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot verify the document with the centre");
                    (VerifyOutcome::Unreachable, None)
                }
            }
        })
    }

    fn issue_ticket(&self, ticket: TicketRequest) -> BoxFut<Option<TicketResponse>> {
        let client = self.clone();
        Box::pin(async move {
            match client.issue_ticket(&ticket).await {
                Ok(answer) => Some(answer),
                Err(e) => {
                    tracing::warn!(error = %e, "the centre did not number the ticket; numbered here");
                    None
                }
            }
        })
    }

    fn chip_challenge(&self) -> BoxFut<Option<CentreChallenge>> {
        let client = self.clone();
        Box::pin(async move {
            match client.chip_challenge().await {
                Ok(c) => {
                    let checked = super::chip::challenge_of(&c);
                    if checked.is_none() {
                        tracing::warn!("the centre's challenge is malformed");
                    }
                    checked
                }
                Err(e) => {
                    tracing::info!(error = %e, "no chip challenge from the centre");
                    None
                }
            }
        })
    }

    fn applications(&self, citizen: CitizenKey) -> BoxFut<Option<Vec<ApplicationStatus>>> {
        let client = self.clone();
        Box::pin(async move {
            match client.applications_for(&citizen).await {
                Ok(list) => Some(list.applications),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot load statuses from the centre");
                    None
                }
            }
        })
    }
}

/// What the citizen's effects store: applications (with their receipts), cached statuses,
/// ratings, and receipts printed again.
pub trait Outbox: Send + Sync + 'static {
    fn submit(
        &self,
        submission: Submission,
        receipt: Option<ReceiptTemplate>,
        now: DateTime<Utc>,
    ) -> BoxFut<Result<Stored, StoreError>>;
    fn applications_for(&self, citizen: CitizenKey) -> BoxFut<Result<Vec<AppRecord>, StoreError>>;
    fn cache_statuses(
        &self,
        citizen: CitizenKey,
        statuses: Vec<ApplicationStatus>,
        now: DateTime<Utc>,
    ) -> BoxFut<Result<(), StoreError>>;
    fn add_rating(
        &self,
        service_id: Option<String>,
        score: u8,
        lang: Lang,
        now: DateTime<Utc>,
    ) -> BoxFut<Result<(), StoreError>>;
    /// Queues again the receipt of an application that was not taken (false: there is none).
    fn reprint(&self, application_id: ApplicationId) -> BoxFut<Result<bool, StoreError>>;
    /// Keeps a queue ticket (numbered by the centre's `answer`, else by the kiosk) with its
    /// print job when `print`.
    fn store_ticket(
        &self,
        request: TicketRequest,
        answer: Option<TicketResponse>,
        template: TicketTemplate,
        print: bool,
        now: DateTime<Utc>,
    ) -> BoxFut<Result<StoredTicket, StoreError>>;
    /// Keeps a citizen's call for staff from `screen`.
    fn call_staff(&self, screen: ScreenId, now: DateTime<Utc>) -> BoxFut<Result<(), StoreError>>;
}

/// The store of a kiosk with this identity.
#[derive(Clone)]
pub struct StoreOutbox {
    pub store: StoreHandle,
    pub kiosk_code: String,
    pub kiosk_id: String,
}

impl Outbox for StoreOutbox {
    fn submit(
        &self,
        submission: Submission,
        receipt: Option<ReceiptTemplate>,
        now: DateTime<Utc>,
    ) -> BoxFut<Result<Stored, StoreError>> {
        let (store, code, id) = (
            self.store.clone(),
            self.kiosk_code.clone(),
            self.kiosk_id.clone(),
        );
        Box::pin(async move {
            store
                .call(move |s| s.submit(&code, &id, &submission, now, receipt.as_ref()))
                .await
        })
    }

    fn applications_for(&self, citizen: CitizenKey) -> BoxFut<Result<Vec<AppRecord>, StoreError>> {
        let store = self.store.clone();
        Box::pin(async move {
            store
                .call(move |s| s.applications_for(citizen.expose()))
                .await
        })
    }

    fn cache_statuses(
        &self,
        citizen: CitizenKey,
        statuses: Vec<ApplicationStatus>,
        now: DateTime<Utc>,
    ) -> BoxFut<Result<(), StoreError>> {
        let store = self.store.clone();
        Box::pin(async move {
            store
                .call(move |s| s.cache_statuses(citizen.expose(), &statuses, now))
                .await
        })
    }

    fn add_rating(
        &self,
        service_id: Option<String>,
        score: u8,
        lang: Lang,
        now: DateTime<Utc>,
    ) -> BoxFut<Result<(), StoreError>> {
        let (store, kiosk_id) = (self.store.clone(), self.kiosk_id.clone());
        Box::pin(async move {
            store
                .call(move |s| {
                    s.add_rating(&kiosk_id, service_id.as_deref(), score, lang, now)
                        .map(drop)
                })
                .await
        })
    }

    fn reprint(&self, application_id: ApplicationId) -> BoxFut<Result<bool, StoreError>> {
        let store = self.store.clone();
        Box::pin(async move {
            store
                .call(move |s| s.reprint_not_taken(application_id.as_str()))
                .await
        })
    }

    fn store_ticket(
        &self,
        request: TicketRequest,
        answer: Option<TicketResponse>,
        template: TicketTemplate,
        print: bool,
        now: DateTime<Utc>,
    ) -> BoxFut<Result<StoredTicket, StoreError>> {
        self.store_ticket_now(request, answer, template, print, now)
    }

    fn call_staff(&self, screen: ScreenId, now: DateTime<Utc>) -> BoxFut<Result<(), StoreError>> {
        let store = self.store.clone();
        Box::pin(async move {
            store
                .call(move |s| s.add_help_call(screen, now).map(drop))
                .await
        })
    }
}

impl StoreOutbox {
    fn store_ticket_now(
        &self,
        request: TicketRequest,
        answer: Option<TicketResponse>,
        template: TicketTemplate,
        print: bool,
        now: DateTime<Utc>,
    ) -> BoxFut<Result<StoredTicket, StoreError>> {
        let (store, code) = (self.store.clone(), self.kiosk_code.clone());
        Box::pin(async move {
            store
                .call(move |s| {
                    s.store_ticket(&code, &request, answer.as_ref(), &template, print, now)
                })
                .await
        })
    }
}

/// The printer worker's queue.
pub trait PrintQueue: Send + Sync + 'static {
    /// New jobs are waiting: print what can be printed.
    fn kick(&self);
    /// Staff restocked the paper.
    fn restocked(&self);
}

impl PrintQueue for std_mpsc::Sender<PrinterCmd> {
    fn kick(&self) {
        let _ = self.send(PrinterCmd::Kick);
    }
    fn restocked(&self) {
        let _ = self.send(PrinterCmd::Restocked);
        let _ = self.send(PrinterCmd::Kick);
    }
}

/// Time, as the event loop reads it.
pub trait Clock: Send + Sync + 'static {
    /// Milliseconds of a monotonic clock (the session's time).
    fn monotonic_ms(&self) -> u64;
    fn now(&self) -> DateTime<Utc>;
    /// Today in Asia/Baku.
    fn today(&self) -> NaiveDate {
        self.now()
            .with_timezone(&chrono_tz::Asia::Baku)
            .date_naive()
    }
}

/// The machine's clocks.
pub struct SystemClock {
    epoch: std::time::Instant,
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock {
            epoch: std::time::Instant::now(),
        }
    }
}

impl Clock for SystemClock {
    fn monotonic_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Sounds, as the event loop plays them.
pub trait Sound: Send + Sync + 'static {
    fn play(&self, cue: kiosk_core::session::SoundCue);
}

/// Plays cues on the machine's speaker with ALSA's `aplay` (a short tone written once to the
/// data directory), when there is one; otherwise the cue is only logged.
pub struct SystemSound {
    pub dir: std::path::PathBuf,
}

impl Sound for SystemSound {
    fn play(&self, cue: kiosk_core::session::SoundCue) {
        tracing::debug!(?cue, "sound");
        let path = self.dir.join("idle-warning.wav");
        let ready = path.exists()
            || crate::platform::fs::replace_atomically(
                &path,
                &super::sound::tone_wav(),
                Some(0o644),
            )
            .is_ok();
        if !ready {
            return;
        }
        // Not waited for here: a thread reaps the player.
        match std::process::Command::new("aplay")
            .arg("-q")
            .arg(&path)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
        {
            Ok(mut child) => {
                let _ = std::thread::Builder::new()
                    .name("sound".into())
                    .spawn(move || child.wait());
            }
            Err(e) => tracing::debug!(error = %e, "no sound player"),
        }
    }
}

/// Today in Asia/Baku, by the system clock.
pub fn today_baku() -> NaiveDate {
    SystemClock::default().today()
}

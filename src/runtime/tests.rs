//! The event loop and the effect executor with fake edges: what the loop asks of the centre,
//! the outbox, the printer and the clock, and what it does with their answers. The real
//! edges are tested end to end in `tests/`.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use dost_api::{
    ApplicationId, ApplicationState, ApplicationStatus, Lang, TicketRequest, TicketResponse,
};
use kiosk_core::card::CitizenKey;
use kiosk_core::pin::PinGate;
use kiosk_core::print::{ReceiptTemplate, TicketTemplate};
use kiosk_core::session::{
    AppRecord, Event, Phase, ReceiptFate, Session, Submission, VerifyOutcome,
};
use kiosk_core::view::{ReceiptState, ScreenId, UiEvent, ViewModel};
use tokio::sync::{Notify, mpsc, watch};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::edges::{BoxFut, Centre, Clock, Outbox, PrintQueue};
use super::effects::{Back, Edges, Executor};
use super::event_loop::{EventLoop, Live};
use super::service::ServiceOps;
use crate::central::SyncStatus;
use crate::config::KioskConfig;
use crate::store::{StoreError, StoreHandle, Stored, StoredTicket};

/// A centre that answers as told and records what it was asked.
#[derive(Default)]
struct FakeCentre {
    verify: Mutex<Option<VerifyOutcome>>,
    statuses: Mutex<Option<Vec<ApplicationStatus>>>,
    ticket: Mutex<Option<TicketResponse>>,
    asked: Mutex<Vec<&'static str>>,
}

impl Centre for FakeCentre {
    fn verify(&self, _citizen: CitizenKey, _document_number: String) -> BoxFut<VerifyOutcome> {
        self.asked.lock().unwrap().push("verify");
        let outcome = self
            .verify
            .lock()
            .unwrap()
            .unwrap_or(VerifyOutcome::Unreachable);
        Box::pin(async move { outcome })
    }

    fn applications(&self, _citizen: CitizenKey) -> BoxFut<Option<Vec<ApplicationStatus>>> {
        self.asked.lock().unwrap().push("applications");
        let statuses = self.statuses.lock().unwrap().clone();
        Box::pin(async move { statuses })
    }

    fn issue_ticket(&self, _ticket: TicketRequest) -> BoxFut<Option<TicketResponse>> {
        self.asked.lock().unwrap().push("ticket");
        let answer = self.ticket.lock().unwrap().clone();
        Box::pin(async move { answer })
    }
}

/// An outbox in memory that can be told to fail.
#[derive(Default)]
struct FakeOutbox {
    fail: bool,
    submitted: Mutex<Vec<(Submission, bool)>>,
    records: Mutex<Vec<AppRecord>>,
    cached: AtomicUsize,
    ratings: Mutex<Vec<(Option<String>, u8)>>,
    tickets: Mutex<Vec<StoredTicket>>,
    staff_calls: Mutex<Vec<ScreenId>>,
}

fn broken() -> StoreError {
    StoreError::Thread(std::io::Error::other("disk gone"))
}

impl Outbox for FakeOutbox {
    fn submit(
        &self,
        submission: Submission,
        receipt: Option<ReceiptTemplate>,
        _now: DateTime<Utc>,
    ) -> BoxFut<Result<Stored, StoreError>> {
        if self.fail {
            return Box::pin(async { Err(broken()) });
        }
        let mut submitted = self.submitted.lock().unwrap();
        submitted.push((submission, receipt.is_some()));
        let seq = submitted.len() as u32;
        Box::pin(async move {
            Ok(Stored {
                application_id: ApplicationId::new("BAK01", "261129", seq).map_err(|_| broken())?,
                idempotency_key: format!("key-{seq}"),
                print_job: Some(i64::from(seq)),
            })
        })
    }

    fn applications_for(&self, _citizen: CitizenKey) -> BoxFut<Result<Vec<AppRecord>, StoreError>> {
        let records = self.records.lock().unwrap().clone();
        let fail = self.fail;
        Box::pin(async move { if fail { Err(broken()) } else { Ok(records) } })
    }

    fn cache_statuses(
        &self,
        _citizen: CitizenKey,
        statuses: Vec<ApplicationStatus>,
        _now: DateTime<Utc>,
    ) -> BoxFut<Result<(), StoreError>> {
        self.cached.fetch_add(statuses.len(), Ordering::SeqCst);
        let fail = self.fail;
        Box::pin(async move { if fail { Err(broken()) } else { Ok(()) } })
    }

    fn add_rating(
        &self,
        service_id: Option<String>,
        score: u8,
        _lang: Lang,
        _now: DateTime<Utc>,
    ) -> BoxFut<Result<(), StoreError>> {
        self.ratings.lock().unwrap().push((service_id, score));
        Box::pin(async { Ok(()) })
    }

    fn reprint(&self, application_id: ApplicationId) -> BoxFut<Result<bool, StoreError>> {
        let mut records = self.records.lock().unwrap();
        let found = records
            .iter_mut()
            .find(|r| r.application_id == application_id && r.receipt == ReceiptFate::NotTaken);
        let queued = found.map(|r| r.receipt = ReceiptFate::Normal).is_some();
        Box::pin(async move { Ok(queued) })
    }

    fn store_ticket(
        &self,
        _request: TicketRequest,
        answer: Option<TicketResponse>,
        _template: TicketTemplate,
        print: bool,
        _now: DateTime<Utc>,
    ) -> BoxFut<Result<StoredTicket, StoreError>> {
        if self.fail {
            return Box::pin(async { Err(broken()) });
        }
        let mut tickets = self.tickets.lock().unwrap();
        // Numbered by the centre, or here from the kiosk's own range.
        let ticket = match answer {
            Some(a) => StoredTicket {
                number: a.number,
                offline: false,
                people_ahead: Some(a.people_ahead),
                wait_min: Some(a.estimated_wait_min),
                status_url: String::new(),
                print_job: print.then_some(1),
            },
            None => StoredTicket {
                number: format!("BAK01-T{:03}", tickets.len() + 1),
                offline: true,
                people_ahead: None,
                wait_min: None,
                status_url: String::new(),
                print_job: print.then_some(1),
            },
        };
        tickets.push(ticket.clone());
        Box::pin(async move { Ok(ticket) })
    }

    fn call_staff(&self, screen: ScreenId, _now: DateTime<Utc>) -> BoxFut<Result<(), StoreError>> {
        self.staff_calls.lock().unwrap().push(screen);
        Box::pin(async { Ok(()) })
    }
}

/// No speaker.
struct Silent;

impl super::edges::Sound for Silent {
    fn play(&self, _cue: kiosk_core::session::SoundCue) {}
}

#[derive(Default)]
struct FakePrinter {
    kicks: AtomicUsize,
    restocks: AtomicUsize,
}

impl PrintQueue for FakePrinter {
    fn kick(&self) {
        self.kicks.fetch_add(1, Ordering::SeqCst);
    }
    fn restocked(&self) {
        self.restocks.fetch_add(1, Ordering::SeqCst);
    }
}

/// A clock that moves only when the test moves it.
struct FakeClock {
    ms: AtomicU64,
}

impl FakeClock {
    fn advance(&self, ms: u64) {
        self.ms.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn monotonic_ms(&self) -> u64 {
        self.ms.load(Ordering::SeqCst)
    }
    fn now(&self) -> DateTime<Utc> {
        let base = Utc.with_ymd_and_hms(2026, 11, 29, 8, 0, 0).single();
        base.unwrap_or_default() + chrono::Duration::milliseconds(self.monotonic_ms() as i64)
    }
}

/// An event loop over fakes, with the channel its effects answer on and what it presented.
struct Rig {
    event_loop: EventLoop,
    back: mpsc::UnboundedReceiver<Back>,
    centre: Arc<FakeCentre>,
    outbox: Arc<FakeOutbox>,
    printer: Arc<FakePrinter>,
    clock: Arc<FakeClock>,
    relay: Arc<Notify>,
    presented: Arc<Mutex<Vec<ViewModel>>>,
    tasks: TaskTracker,
    _dir: tempfile::TempDir,
}

fn demo_config(dir: &std::path::Path) -> KioskConfig {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/config/kiosk.toml");
    let mut cfg = KioskConfig::load(std::path::Path::new(path)).unwrap();
    cfg.kiosk.data_dir = dir.to_path_buf();
    // No chip step: these tests drive the centre's answers (tests/chip_flow.rs drives the chip).
    cfg.chip = crate::config::ChipSection::default();
    // The fake clock stands still: no double-tap guard.
    cfg.session.tap_guard_ms = 0;
    cfg
}

async fn rig(session: Session, outbox: FakeOutbox) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let cfg = Arc::new(demo_config(dir.path()));
    let catalog = Arc::new(crate::kit::shipped_catalog().unwrap());
    // Service mode's edges are not under test here: they get a real store in the temp dir.
    let (store, _thread) = StoreHandle::open_dir(dir.path()).await.unwrap();
    let (centre, outbox) = (Arc::new(FakeCentre::default()), Arc::new(outbox));
    let printer = Arc::new(FakePrinter::default());
    let clock = Arc::new(FakeClock {
        ms: AtomicU64::new(1_000),
    });
    let relay = Arc::new(Notify::new());
    let (back_tx, back) = mpsc::unbounded_channel();
    let tasks = TaskTracker::new();
    let (reload, _) = watch::channel(None);
    let executor = Executor {
        edges: Edges {
            centre: centre.clone(),
            outbox: outbox.clone(),
            printer: printer.clone(),
            clock: clock.clone(),
            relay: relay.clone(),
            sound: Arc::new(Silent),
            status_link: Default::default(),
            beat: Arc::new(Notify::new()),
        },
        service: ServiceOps {
            store,
            printer: printer.clone(),
            pin: Arc::new(Mutex::new(PinGate::default())),
            exit: CancellationToken::new(),
            reload: Arc::new(reload),
            reread: Arc::new(Notify::new()),
            central_url: "http://127.0.0.1:9".into(),
        },
        chip: super::chip::ChipEdge::off(back_tx.clone()),
        tasks: tasks.clone(),
        back: back_tx,
    };
    let presented = Arc::new(Mutex::new(Vec::new()));
    let sink = presented.clone();
    let (devices, _) = watch::channel(Default::default());
    let (_, sync) = watch::channel(SyncStatus::default());
    let event_loop = EventLoop::new(
        session,
        Live { catalog, cfg },
        executor,
        Box::new(move |vm| sink.lock().unwrap().push(vm)),
        devices,
        sync,
    );
    Rig {
        event_loop,
        back,
        centre,
        outbox,
        printer,
        clock,
        relay,
        presented,
        tasks,
        _dir: dir,
    }
}

impl Rig {
    /// The next answer of an effect, fed back to the loop as the real loop does.
    async fn answer(&mut self) -> Back {
        tokio::time::timeout(std::time::Duration::from_secs(10), self.back.recv())
            .await
            .unwrap()
            .unwrap()
    }

    async fn feed_next(&mut self) -> Event {
        match self.answer().await {
            Back::Event(ev) => {
                self.event_loop.on_back(Back::Event(ev.clone()));
                ev
            }
            other => panic!("expected an event, got {other:?}"),
        }
    }

    fn screen(&self) -> ScreenId {
        self.event_loop.view().screen
    }
}

fn specimen_card() -> card_reader::Document {
    let lines = card_reader::sim::specimens::aze_id_card();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    card_reader::parse_mrz(&lines, today).unwrap()
}

fn review_session() -> Session {
    kiosk_core::samples::session(ScreenId::Review, Lang::Az).0
}

#[tokio::test]
async fn a_card_read_asks_the_centre_and_its_answer_opens_the_session() {
    let mut r = rig(Session::new(Lang::Az), FakeOutbox::default()).await;
    *r.centre.verify.lock().unwrap() = Some(VerifyOutcome::Valid);
    r.event_loop
        .on_reader(card_reader::ReaderEvent::CardRead(specimen_card()));
    assert_eq!(r.screen(), ScreenId::ReadingCard);
    let ev = r.feed_next().await;
    assert!(
        matches!(
            ev,
            Event::Verified {
                outcome: VerifyOutcome::Valid,
                ..
            }
        ),
        "{ev:?}"
    );
    assert_eq!(r.screen(), ScreenId::Welcome);
    assert_eq!(*r.centre.asked.lock().unwrap(), vec!["verify"]);
    let board = r.event_loop.facts.devices.last_read.clone();
    assert!(board.is_some(), "the read is kept for diagnostics");
}

#[tokio::test]
async fn a_garbled_read_shows_the_card_error_and_asks_nobody() {
    let mut r = rig(Session::new(Lang::Az), FakeOutbox::default()).await;
    r.event_loop
        .on_reader(card_reader::ReaderEvent::CardRejected(
            card_reader::Rejection {
                kind: card_reader::RejectionKind::Mrz(card_reader::MrzErrorKind::CheckDigit),
                field: "document_number".into(),
                reason: "check digit".into(),
            },
        ));
    assert_eq!(r.screen(), ScreenId::CardError);
    assert!(r.centre.asked.lock().unwrap().is_empty());
    assert!(r.back.try_recv().is_err(), "no effect was started");
}

#[tokio::test]
async fn a_stored_application_wakes_the_relay_and_the_printer() {
    let mut r = rig(review_session(), FakeOutbox::default()).await;
    r.event_loop.on_ui(UiEvent::Submit);
    assert_eq!(r.screen(), ScreenId::Submitting);
    let relay = r.relay.clone();
    let woken = tokio::spawn(async move { relay.notified().await });
    let ev = r.feed_next().await;
    let Event::Stored { receipt, .. } = &ev else {
        panic!("expected Stored, got {ev:?}");
    };
    // A printer that has not said otherwise is expected to print.
    assert_eq!(*receipt, ReceiptState::Printing);
    assert_eq!(r.screen(), ScreenId::Done);
    assert_eq!(r.printer.kicks.load(Ordering::SeqCst), 1);
    tokio::time::timeout(std::time::Duration::from_secs(5), woken)
        .await
        .unwrap()
        .unwrap();
    let submitted = r.outbox.submitted.lock().unwrap();
    assert_eq!(submitted.len(), 1);
    assert!(
        submitted[0].1,
        "the receipt's template goes with the application"
    );
}

#[tokio::test]
async fn without_paper_the_citizen_is_not_promised_a_receipt() {
    let mut r = rig(review_session(), FakeOutbox::default()).await;
    r.event_loop
        .on_printer(crate::printing::PrinterReport::Status(
            kiosk_core::health::PrinterFacts {
                state: dost_api::DeviceState::Online,
                paper: kiosk_core::health::SensorPaper::Out,
                cover_open: false,
                cutter_error: false,
            },
        ));
    r.event_loop.on_ui(UiEvent::Submit);
    let ev = r.feed_next().await;
    let Event::Stored { receipt, .. } = ev else {
        panic!("expected Stored, got {ev:?}");
    };
    assert_eq!(receipt, ReceiptState::NotAvailable);
    // The receipt is still queued: it prints after the restock.
    assert_eq!(r.printer.kicks.load(Ordering::SeqCst), 1);
    assert!(r.outbox.submitted.lock().unwrap()[0].1);
}

#[tokio::test]
async fn a_double_submit_stores_one_application() {
    let mut r = rig(review_session(), FakeOutbox::default()).await;
    r.event_loop.on_ui(UiEvent::Submit);
    r.event_loop.on_ui(UiEvent::Submit);
    r.feed_next().await;
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(300), r.back.recv())
            .await
            .is_err(),
        "a second effect ran"
    );
    assert_eq!(r.outbox.submitted.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_store_failure_keeps_the_answers_and_prints_nothing() {
    let outbox = FakeOutbox {
        fail: true,
        ..FakeOutbox::default()
    };
    let mut r = rig(review_session(), outbox).await;
    let answers = r.event_loop.session.answers.clone();
    r.event_loop.on_ui(UiEvent::Submit);
    let ev = r.feed_next().await;
    assert!(matches!(ev, Event::StoreFailed { .. }), "{ev:?}");
    assert_eq!(r.printer.kicks.load(Ordering::SeqCst), 0);
    assert_eq!(r.screen(), ScreenId::Review);
    assert!(r.event_loop.session.submit_failed);
    assert_eq!(r.event_loop.session.answers, answers);
}

#[tokio::test]
async fn an_answer_for_a_wiped_session_changes_nothing() {
    let outbox = FakeOutbox::default();
    outbox
        .records
        .lock()
        .unwrap()
        .push(record(1, ApplicationState::Submitted));
    let welcome = kiosk_core::samples::session(ScreenId::Welcome, Lang::Az).0;
    let mut r = rig(welcome, outbox).await;
    r.event_loop.on_ui(UiEvent::OpenMyApplications);
    // The citizen leaves before the kiosk's list arrives: finish, and no rating.
    r.event_loop.on_ui(UiEvent::EndSession);
    r.event_loop.on_ui(UiEvent::EndSession);
    let generation = r.event_loop.session.generation;
    assert!(r.event_loop.session.citizen.is_none());
    let ev = r.feed_next().await;
    assert!(matches!(ev, Event::Applications { .. }), "{ev:?}");
    assert_eq!(r.event_loop.session.generation, generation);
    assert!(r.event_loop.session.applications.records.is_empty());
    assert!(r.event_loop.session.citizen.is_none());
    assert_ne!(r.screen(), ScreenId::MyApplications);
}

fn record(seq: u32, state: ApplicationState) -> AppRecord {
    AppRecord {
        application_id: ApplicationId::new("BAK01", "261129", seq).unwrap(),
        service_id: "unemployment-insurance".into(),
        state,
        as_of: None,
        pending_upload: true,
        history: Vec::new(),
        receipt: ReceiptFate::Normal,
        rejection: None,
    }
}

#[tokio::test]
async fn applications_show_at_once_then_with_the_centres_statuses() {
    let outbox = FakeOutbox::default();
    outbox
        .records
        .lock()
        .unwrap()
        .push(record(1, ApplicationState::Submitted));
    let mut r = rig(
        kiosk_core::samples::session(ScreenId::Welcome, Lang::Az).0,
        outbox,
    )
    .await;
    *r.centre.statuses.lock().unwrap() = Some(Vec::new());
    r.event_loop.on_ui(UiEvent::OpenMyApplications);
    let first = r.feed_next().await;
    let Event::Applications { list, .. } = first else {
        panic!("expected the local list first, got {first:?}");
    };
    assert!(list.loading && !list.offline);
    assert_eq!(list.records.len(), 1);
    let second = r.feed_next().await;
    let Event::Applications { list, .. } = second else {
        panic!("expected the final list, got {second:?}");
    };
    assert!(!list.loading && !list.offline);
    assert_eq!(r.screen(), ScreenId::MyApplications);
    assert_eq!(*r.centre.asked.lock().unwrap(), vec!["applications"]);
}

#[tokio::test]
async fn applications_without_the_centre_say_offline() {
    let mut r = rig(
        kiosk_core::samples::session(ScreenId::Welcome, Lang::Az).0,
        FakeOutbox::default(),
    )
    .await;
    r.event_loop.on_ui(UiEvent::OpenMyApplications);
    r.feed_next().await;
    let last = r.feed_next().await;
    let Event::Applications { list, .. } = last else {
        panic!("expected a list, got {last:?}");
    };
    assert!(list.offline, "the centre did not answer");
    assert_eq!(r.outbox.cached.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_receipt_not_taken_is_queued_again_and_printed() {
    let outbox = FakeOutbox::default();
    let mut not_taken = record(7, ApplicationState::Received);
    not_taken.receipt = ReceiptFate::NotTaken;
    let id = not_taken.application_id.clone();
    outbox.records.lock().unwrap().push(not_taken);
    let welcome = kiosk_core::samples::session(ScreenId::Welcome, Lang::Az).0;
    let mut r = rig(welcome, outbox).await;
    *r.centre.statuses.lock().unwrap() = Some(Vec::new());
    r.event_loop.on_ui(UiEvent::OpenMyApplications);
    r.feed_next().await;
    r.feed_next().await;
    r.event_loop.on_ui(UiEvent::OpenApplication(id.clone()));
    assert_eq!(r.screen(), ScreenId::ApplicationDetail);
    r.event_loop.on_ui(UiEvent::ReprintReceipt(id.clone()));
    let ev = r.feed_next().await;
    assert!(
        matches!(ev, Event::Reprinted { queued: true, .. }),
        "{ev:?}"
    );
    assert_eq!(r.printer.kicks.load(Ordering::SeqCst), 1);
    let detail = r.event_loop.view().application_detail.unwrap();
    assert_eq!(detail.receipt, ReceiptFate::Reprinting);
}

#[tokio::test]
async fn the_view_is_presented_only_when_it_changed() {
    let r = rig(Session::new(Lang::Az), FakeOutbox::default()).await;
    let presented = r.presented.clone();
    let (ui_tx, ui_rx) = mpsc::unbounded_channel();
    let (_reader_tx, reader_rx) = mpsc::channel(4);
    let (_printer_tx, printer_rx) = mpsc::unbounded_channel();
    let (_back_tx, back_rx) = mpsc::unbounded_channel();
    let (_live_tx, live_rx) = watch::channel(r.event_loop.live.clone());
    let cancel = CancellationToken::new();
    let task = tokio::spawn(r.event_loop.run(
        super::event_loop::Inputs {
            ui: ui_rx,
            reader: reader_rx,
            printer: printer_rx,
            back: back_rx,
            live: live_rx,
        },
        cancel.clone(),
    ));
    // Touches that change nothing on the attract screen present nothing new.
    for _ in 0..5 {
        ui_tx.send(UiEvent::Activity).unwrap();
    }
    ui_tx.send(UiEvent::SetLanguage(Lang::Ru)).unwrap();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while presented.lock().unwrap().len() < 2 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    cancel.cancel();
    task.await.unwrap();
    let views = presented.lock().unwrap();
    assert_eq!(views.len(), 2, "the first view and the language change");
    assert_eq!(views[0].lang, Lang::Az);
    assert_eq!(views[1].lang, Lang::Ru);
}

#[tokio::test]
async fn an_idle_session_is_wiped_by_the_loops_clock() {
    let welcome = kiosk_core::samples::session(ScreenId::Welcome, Lang::Ru).0;
    let mut r = rig(welcome, FakeOutbox::default()).await;
    r.event_loop.on_ui(UiEvent::Activity);
    let idle = r.event_loop.policy.idle_timeout_ms;
    r.clock.advance(idle - 1_000);
    r.event_loop.step(Event::Tick);
    assert!(r.event_loop.session.citizen.is_some(), "wiped too early");
    r.clock.advance(2_000);
    r.event_loop.step(Event::Tick);
    assert_eq!(r.event_loop.session.phase, Phase::Attract);
    assert!(r.event_loop.session.citizen.is_none());
    assert!(r.event_loop.session.answers.is_empty());
    assert_eq!(
        r.event_loop.session.lang,
        Lang::Az,
        "back to the default language"
    );
}

#[tokio::test]
async fn a_rating_is_kept_and_sent_later() {
    let session = kiosk_core::samples::session(ScreenId::Rating, Lang::Az).0;
    let mut r = rig(session, FakeOutbox::default()).await;
    let relay = r.relay.clone();
    let woken = tokio::spawn(async move { relay.notified().await });
    r.event_loop.on_ui(UiEvent::Rate(5));
    tokio::time::timeout(std::time::Duration::from_secs(5), woken)
        .await
        .unwrap()
        .unwrap();
    let ratings = r.outbox.ratings.lock().unwrap();
    assert_eq!(ratings.len(), 1);
    assert_eq!(ratings[0].1, 5);
}

#[tokio::test]
async fn every_effect_runs_on_a_tracked_task() {
    let mut r = rig(review_session(), FakeOutbox::default()).await;
    r.event_loop.on_ui(UiEvent::Submit);
    r.tasks.close();
    tokio::time::timeout(std::time::Duration::from_secs(5), r.tasks.wait())
        .await
        .unwrap();
    assert!(r.tasks.is_empty());
    // The result was sent before the task ended.
    assert!(matches!(
        r.back.try_recv(),
        Ok(Back::Event(Event::Stored { .. }))
    ));
}

#[test]
fn the_fake_clock_drives_the_session_time() {
    let clock = FakeClock {
        ms: AtomicU64::new(0),
    };
    let start = clock.now();
    clock.advance(1_500);
    assert_eq!(clock.monotonic_ms(), 1_500);
    assert_eq!((clock.now() - start).num_milliseconds(), 1_500);
    assert_eq!(
        clock.today(),
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    );
}

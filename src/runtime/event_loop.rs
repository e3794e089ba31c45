//! The session loop: the one owner of the session and of the facts the screen is drawn from.
//! It turns device reports, UI events and effect results into session events, steps the
//! session, hands the effects to the executor, and presents the view when it changed.

use std::sync::Arc;
use std::time::Duration;

use card_reader::{ReaderEvent, ReaderStatus, SimulatedReaderHandle};
use dost_api::DeviceState;
use kiosk_core::card::{CardData, CardTest};
use kiosk_core::catalog::Catalog;
use kiosk_core::health::{DeviceBoard, LastRead};
use kiosk_core::screen::{self, Facts, ViewCtx};
use kiosk_core::session::{self, Ctx, Event, Policy, Session};
use kiosk_core::view::{ReceiptState, UiEvent, ViewModel};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::PresentFn;
use super::effects::{Back, Executor};
use super::service::Snapshot;
use crate::central::SyncStatus;
use crate::config::KioskConfig;
use crate::printing::PrinterReport;

/// What the centre or the configuration file changed while the kiosk runs.
#[derive(Debug, Clone)]
pub struct Live {
    pub catalog: Arc<Catalog>,
    /// The running configuration with the parts that apply at once.
    pub cfg: Arc<KioskConfig>,
}

/// While service mode is open, its facts are gathered again this often.
const SERVICE_REFRESH: Duration = Duration::from_secs(10);

/// The event loop's inputs.
pub struct Inputs {
    pub ui: mpsc::UnboundedReceiver<UiEvent>,
    pub reader: mpsc::Receiver<ReaderEvent>,
    pub printer: mpsc::UnboundedReceiver<PrinterReport>,
    pub back: mpsc::UnboundedReceiver<Back>,
    pub live: watch::Receiver<Live>,
}

/// The session loop's state.
pub struct EventLoop {
    pub session: Session,
    pub facts: Facts,
    pub live: Live,
    pub policy: Policy,
    pub executor: Executor,
    pub present: PresentFn,
    /// The simulated reader of the demo (the demo card is inserted through it).
    pub demo_reader: Option<SimulatedReaderHandle>,
    /// The devices, published for the heartbeat, `status.json` and diagnostics.
    pub devices: watch::Sender<DeviceBoard>,
    pub sync: watch::Receiver<SyncStatus>,
    /// Keypad focus and audio guidance (None: neither, as in tests of the loop alone).
    pub guidance: Option<super::speech::Guidance>,
    last_view: Option<ViewModel>,
    last_service_refresh: u64,
}

impl EventLoop {
    pub fn new(
        session: Session,
        live: Live,
        executor: Executor,
        present: PresentFn,
        devices: watch::Sender<DeviceBoard>,
        sync: watch::Receiver<SyncStatus>,
    ) -> EventLoop {
        EventLoop {
            session,
            facts: Facts::default(),
            policy: live.cfg.policy(),
            live,
            executor,
            present,
            demo_reader: None,
            devices,
            sync,
            guidance: None,
            last_view: None,
            last_service_refresh: 0,
        }
    }

    /// Runs until cancelled or the UI's channel closes.
    pub async fn run(mut self, mut inputs: Inputs, cancel: CancellationToken) {
        if self.session.in_service_mode() {
            self.executor.refresh_facts(&self.snapshot());
        }
        self.present_if_changed();
        let mut tick = tokio::time::interval(Duration::from_millis(500));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut live_open = true;
        loop {
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tick.tick() => self.on_tick(),
                changed = inputs.live.changed(), if live_open => match changed {
                    Ok(()) => {
                        let live = inputs.live.borrow_and_update().clone();
                        self.apply_live(live);
                    }
                    // The housekeeping is gone: the current settings stay.
                    Err(_) => live_open = false,
                },
                ui = inputs.ui.recv() => match ui {
                    Some(ui) => self.on_ui(ui),
                    None => return,
                },
                Some(ev) = inputs.reader.recv() => self.on_reader(ev),
                Some(report) = inputs.printer.recv() => self.on_printer(report),
                Some(back) = inputs.back.recv() => self.on_back(back),
                Ok(()) = self.sync.changed() => {}
            }
            self.note_delivered();
            self.present_if_changed();
        }
    }

    /// What the effects need to know of the moment.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            catalog: self.live.catalog.clone(),
            cfg: self.live.cfg.clone(),
            devices: self.facts.devices.clone(),
            sync: self.sync.borrow().clone(),
        }
    }

    /// Steps the session with `event` and runs its effects.
    pub fn step(&mut self, event: Event) {
        let now_ms = self.executor.edges.clock.monotonic_ms();
        let ctx = Ctx {
            policy: &self.policy,
            catalog: &self.live.catalog,
        };
        let session = std::mem::take(&mut self.session);
        let (next, effects) = session::step(session, event, now_ms, &ctx);
        self.session = next;
        if !effects.is_empty() {
            let snap = self.snapshot();
            for effect in effects {
                self.executor.run(effect, &snap);
            }
        }
    }

    fn on_tick(&mut self) {
        self.step(Event::Tick);
        let now = self.executor.edges.clock.monotonic_ms();
        if self.session.in_service_mode()
            && now.saturating_sub(self.last_service_refresh) >= SERVICE_REFRESH.as_millis() as u64
        {
            self.refresh_service_facts();
        }
    }

    fn refresh_service_facts(&mut self) {
        self.last_service_refresh = self.executor.edges.clock.monotonic_ms();
        self.executor.refresh_facts(&self.snapshot());
    }

    pub fn on_ui(&mut self, ui: UiEvent) {
        if let UiEvent::Keypad(key) = ui {
            // The key itself keeps the session alive; what it does comes as the UI's events.
            let events = self.guidance.as_mut().map(|g| g.on_key(key));
            self.step(Event::Ui(ui));
            for e in events.into_iter().flatten() {
                self.on_ui(e);
            }
            return;
        }
        if matches!(ui, UiEvent::DemoInsertCard | UiEvent::DemoInsertPhotocopy) {
            match (&self.demo_reader, self.live.cfg.kiosk.demo) {
                (Some(reader), true) => {
                    let mrz = card_reader::sim::specimens::aze_id_card();
                    // The chip first: a combined reader has the whole card at once.
                    self.executor
                        .chip
                        .simulate(crate::chip::worker::SimulatedCard {
                            mrz: mrz.clone(),
                            photocopy: ui == UiEvent::DemoInsertPhotocopy,
                        });
                    reader.insert(&mrz);
                }
                _ => tracing::warn!("demo card asked for outside demo mode"),
            }
        }
        self.step(Event::Ui(ui));
    }

    pub fn on_reader(&mut self, ev: ReaderEvent) {
        let now = self.executor.edges.clock.now();
        match ev {
            ReaderEvent::CardRead(doc) => {
                self.note_read(CardTest::of_document(&doc), now);
                self.executor.chip.note_mrz(&doc.lines);
                let today = self.executor.edges.clock.today();
                self.step(Event::Card {
                    card: CardData::from_document(&doc),
                    today,
                });
            }
            ReaderEvent::CardRejected(r) => {
                tracing::info!(field = %r.field, reason = %r.reason, "card read rejected");
                self.note_read(
                    CardTest::Rejected {
                        reason: r.reason,
                        field: r.field,
                    },
                    now,
                );
                self.step(Event::CardUnreadable);
            }
            ReaderEvent::Status(s) => {
                tracing::info!(status = ?s, "card reader status");
                self.facts.devices.reader = Some(match s {
                    ReaderStatus::Online => DeviceState::Online,
                    ReaderStatus::Offline => DeviceState::Offline,
                    ReaderStatus::NoDevice => DeviceState::NoDevice,
                    ReaderStatus::HardwareError => DeviceState::HardwareError,
                });
                self.publish_devices();
            }
        }
    }

    fn note_read(&mut self, test: CardTest, at: chrono::DateTime<chrono::Utc>) {
        self.facts.devices.last_read = Some(LastRead { test, at });
        self.publish_devices();
    }

    pub fn on_printer(&mut self, report: PrinterReport) {
        match report {
            PrinterReport::Status(p) => {
                self.facts.devices.printer = Some(p);
                self.publish_devices();
            }
            PrinterReport::Supply(s) => {
                if s.low {
                    tracing::warn!(receipts_left = s.receipts_left, "printer paper low");
                }
                self.facts.devices.supply = Some(s);
                self.publish_devices();
            }
            PrinterReport::Job {
                application_id,
                printed,
            } => {
                if let Some(application_id) = application_id {
                    self.step(Event::Receipt {
                        application_id,
                        receipt: if printed {
                            ReceiptState::Printed
                        } else {
                            ReceiptState::NotAvailable
                        },
                    });
                }
                // Held receipts and paper used show on the service screens.
                if self.session.in_service_mode() {
                    self.refresh_service_facts();
                }
            }
            PrinterReport::NotTaken { application_id } => {
                if let Some(application_id) = application_id {
                    self.step(Event::Receipt {
                        application_id,
                        receipt: ReceiptState::NotTaken,
                    });
                }
                if self.session.in_service_mode() {
                    self.refresh_service_facts();
                }
            }
        }
    }

    /// The done screen's application reached the centre: it says so.
    fn note_delivered(&mut self) {
        let id = match &self.session.phase {
            session::Phase::Done {
                application_id,
                delivered: false,
                ..
            } => application_id.clone(),
            _ => return,
        };
        let delivered = self
            .sync
            .borrow_and_update()
            .recent
            .iter()
            .any(|r| r == id.as_str());
        if delivered {
            self.step(Event::Delivered { application_id: id });
        }
    }

    pub fn on_back(&mut self, back: Back) {
        match back {
            Back::Event(ev) => self.step(ev),
            Back::Facts(f) => self.facts.service = *f,
            Back::Chip(board) => {
                self.facts.devices.chip = board;
                self.publish_devices();
            }
        }
    }

    /// New live settings (catalog, session, service mode, center name).
    pub fn apply_live(&mut self, live: Live) {
        self.policy = live.cfg.policy();
        self.live = live;
        tracing::info!("live settings applied");
    }

    fn publish_devices(&self) {
        self.devices.send_if_modified(|board| {
            let changed = *board != self.facts.devices;
            if changed {
                *board = self.facts.devices.clone();
            }
            changed
        });
    }

    /// The view of the session and the facts now.
    pub fn view(&self) -> ViewModel {
        let ctx = ViewCtx {
            catalog: &self.live.catalog,
            policy: &self.policy,
            center_name: &self.live.cfg.kiosk.center_name,
            demo: self.live.cfg.kiosk.demo,
        };
        screen::view(&self.session, &self.facts, &ctx)
    }

    /// Presents the view unless it is what is on screen already.
    fn present_if_changed(&mut self) {
        // Leaving service mode forgets its facts (entering asks for fresh ones).
        if !self.session.in_service_mode() && self.facts.service.at.is_some() {
            self.facts.service = Default::default();
        }
        let mut vm = self.view();
        if let Some(g) = self.guidance.as_mut() {
            g.present(&mut vm);
        }
        if self.last_view.as_ref() != Some(&vm) {
            (self.present)(vm.clone());
            self.last_view = Some(vm);
        }
    }
}

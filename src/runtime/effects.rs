//! The effect executor: runs each of the session's effects on a tracked task, off the event
//! loop, and sends the result back to it as an event.

use std::sync::Arc;

use dost_api::ApplicationId;
use kiosk_core::catalog::Catalog;
use kiosk_core::chip::ChipBoard;
use kiosk_core::print::ReceiptTemplate;
use kiosk_core::screen::ServiceFacts;
use kiosk_core::session::{AppList, Effect, Event, Submission};
use kiosk_core::view::{ReceiptState, ServiceAction};
use tokio::sync::{Notify, mpsc};
use tokio_util::task::TaskTracker;

use super::chip::ChipEdge;
use super::edges::{Centre, Clock, Outbox, PrintQueue};
use super::service::{ServiceOps, Snapshot};

/// What comes back to the event loop from the executor.
#[derive(Debug)]
pub enum Back {
    Event(Event),
    /// Fresh facts for the service screens.
    Facts(Box<ServiceFacts>),
    /// The chip reader and its last read or test.
    Chip(ChipBoard),
}

/// The edges the citizen's effects use.
#[derive(Clone)]
pub struct Edges {
    pub centre: Arc<dyn Centre>,
    pub outbox: Arc<dyn Outbox>,
    pub printer: Arc<dyn PrintQueue>,
    pub clock: Arc<dyn Clock>,
    /// Notified after each stored application (the relay delivers it).
    pub relay: Arc<Notify>,
}

/// Runs effects on tracked tasks.
pub struct Executor {
    pub edges: Edges,
    pub service: ServiceOps,
    pub tasks: TaskTracker,
    pub back: mpsc::UnboundedSender<Back>,
    /// The chip reader (chip authentication of ID documents).
    pub chip: ChipEdge,
}

impl Executor {
    /// Starts the work of `effect`; its result comes back on `back`.
    pub fn run(&self, effect: Effect, snap: &Snapshot) {
        let back = self.back.clone();
        let send = move |ev: Event| {
            let _ = back.send(Back::Event(ev));
        };
        let e = self.edges.clone();
        match effect {
            Effect::Verify {
                generation,
                citizen,
                document_number,
            } => {
                let chip = self.chip.take_evidence(generation);
                self.tasks.spawn(async move {
                    let outcome = e.centre.verify_chip(citizen, document_number, chip).await;
                    send(Event::Verified {
                        generation,
                        outcome,
                    });
                });
            }
            Effect::Submit {
                generation,
                submission,
            } => {
                let receipt = receipt_template(&snap.catalog, &submission, snap);
                let printer_ok = snap.devices.printer_ok();
                self.tasks.spawn(async move {
                    send(submit(&e, submission, receipt, printer_ok, generation).await);
                });
            }
            Effect::LoadApplications {
                generation,
                citizen,
            } => {
                self.tasks.spawn(async move {
                    load_applications(&e, citizen, generation, send).await;
                });
            }
            Effect::Reprint {
                generation,
                application_id,
            } => {
                self.tasks.spawn(async move {
                    send(reprint(&e, generation, application_id).await);
                });
            }
            Effect::Wiped => {
                self.chip.wiped();
                tracing::info!("session ended and wiped");
            }
            Effect::ReadChip { generation, .. } => {
                self.chip.read(generation, e.centre.clone(), &self.tasks);
            }
            Effect::ChipRefused { document, refusal } => {
                tracing::info!(document = document.name(), refusal = %refusal.code(), "card refused by the chip policy");
                let detail = format!("{}: {}", document.name(), refusal.code());
                self.tasks
                    .spawn(self.service.audit("kiosk", "chip_refused", detail));
            }
            Effect::Rate {
                service_id,
                score,
                lang,
            } => {
                self.tasks.spawn(async move {
                    match e
                        .outbox
                        .add_rating(service_id, score, lang, e.clock.now())
                        .await
                    {
                        Ok(()) => e.relay.notify_one(),
                        Err(err) => tracing::warn!(error = %err, "rating not kept"),
                    }
                });
            }
            Effect::CheckPin { pin } => {
                let now_ms = e.clock.monotonic_ms();
                let fut = self.service.check_pin(pin, snap, now_ms);
                self.tasks
                    .spawn(async move { send(Event::PinChecked(fut.await)) });
            }
            Effect::Service { role, action } => {
                if action == ServiceAction::ChipTest {
                    self.chip.probe();
                }
                let fut = self.service.action(role, action, snap.clone());
                let back = self.back.clone();
                self.tasks.spawn(async move {
                    let (message, facts) = fut.await;
                    if let Some(message) = message {
                        let _ = back.send(Back::Event(Event::ServiceDone(message)));
                    }
                    let _ = back.send(Back::Facts(Box::new(facts)));
                });
            }
            Effect::ServiceClosed { role } => {
                let fut = self.service.audit(
                    role.map_or("unknown", |r| r.name()),
                    "service_closed",
                    String::new(),
                );
                self.tasks.spawn(fut);
            }
            Effect::LoadSettings => {
                let fut = self.service.load_settings(snap);
                self.tasks
                    .spawn(async move { send(Event::SettingsLoaded(fut.await)) });
            }
            Effect::SaveSettings { settings, original } => {
                let fut = self.service.save_settings(*settings, *original, snap);
                self.tasks
                    .spawn(async move { send(Event::SettingsSaved(fut.await)) });
            }
        }
    }

    /// Gathers fresh facts for the service screens (they come back on `back`).
    pub fn refresh_facts(&self, snap: &Snapshot) {
        let fut = self.service.facts(snap.clone());
        let back = self.back.clone();
        self.tasks.spawn(async move {
            let _ = back.send(Back::Facts(Box::new(fut.await)));
        });
    }
}

/// Queues the not-taken receipt of `application_id` again and wakes the printer.
async fn reprint(e: &Edges, generation: u64, application_id: ApplicationId) -> Event {
    let queued = match e.outbox.reprint(application_id.clone()).await {
        Ok(queued) => queued,
        Err(err) => {
            tracing::warn!(error = %err, "receipt not queued again");
            false
        }
    };
    if queued {
        e.printer.kick();
    }
    Event::Reprinted {
        generation,
        application_id,
        queued,
    }
}

/// The receipt of an application for the submitted service (none for a service the catalog
/// no longer has).
fn receipt_template(
    catalog: &Catalog,
    sub: &Submission,
    snap: &Snapshot,
) -> Option<ReceiptTemplate> {
    catalog.service(&sub.service_id).map(|svc| {
        ReceiptTemplate::new(
            svc,
            sub.lang,
            &snap.cfg.kiosk.center_name,
            &snap.cfg.kiosk.id,
        )
    })
}

/// Stores an application with its receipt; the relay and the printer are told.
async fn submit(
    e: &Edges,
    submission: Submission,
    receipt: Option<ReceiptTemplate>,
    printer_ok: bool,
    generation: u64,
) -> Event {
    match e.outbox.submit(submission, receipt, e.clock.now()).await {
        Ok(stored) => {
            tracing::info!(application = %stored.application_id, "application stored");
            e.relay.notify_one();
            e.printer.kick();
            Event::Stored {
                generation,
                application_id: stored.application_id,
                receipt: if printer_ok {
                    ReceiptState::Printing
                } else {
                    ReceiptState::NotAvailable
                },
            }
        }
        Err(err) => {
            tracing::error!(error = %err, "application could not be stored");
            Event::StoreFailed { generation }
        }
    }
}

/// The citizen's applications: first what the kiosk knows, then with the centre's statuses.
async fn load_applications(
    e: &Edges,
    citizen: kiosk_core::card::CitizenKey,
    generation: u64,
    send: impl Fn(Event),
) {
    let local = |records, offline, loading| Event::Applications {
        generation,
        list: AppList {
            records,
            offline,
            loading,
        },
    };
    let records = e
        .outbox
        .applications_for(citizen.clone())
        .await
        .unwrap_or_default();
    send(local(records, false, true));
    let offline = match e.centre.applications(citizen.clone()).await {
        Some(statuses) => {
            let cached = e
                .outbox
                .cache_statuses(citizen.clone(), statuses, e.clock.now())
                .await;
            if let Err(err) = &cached {
                tracing::warn!(error = %err, "cannot cache statuses");
            }
            cached.is_err()
        }
        None => true,
    };
    let records = e.outbox.applications_for(citizen).await.unwrap_or_default();
    send(local(records, offline, false));
}

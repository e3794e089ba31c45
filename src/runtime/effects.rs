//! The effect executor: runs each of the session's effects on a tracked task, off the event
//! loop, and sends the result back to it as an event.

use std::sync::Arc;

use dost_api::{ApplicationId, Lang};
use kiosk_core::catalog::Catalog;
use kiosk_core::chip::ChipBoard;
use kiosk_core::print::{ReceiptTemplate, TicketTemplate};
use kiosk_core::screen::ServiceFacts;
use kiosk_core::session::{AppList, Effect, Event, Submission, Ticket};
use kiosk_core::status_link::StatusLink;
use kiosk_core::view::{ReceiptState, ServiceAction};
use tokio::sync::{Notify, mpsc};
use tokio_util::task::TaskTracker;

use super::chip::ChipEdge;
use super::edges::{Centre, Clock, Outbox, PrintQueue, Sound};
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
    pub sound: Arc<dyn Sound>,
    /// What receipt and ticket QR codes open.
    pub status_link: StatusLink,
    /// Notified when a heartbeat should go now (a citizen called for staff).
    pub beat: Arc<Notify>,
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
                    let (outcome, name) =
                        e.centre.verify_chip(citizen, document_number, chip).await;
                    if let Some(name) = name {
                        send(Event::CitizenName { generation, name });
                    }
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
                let receipt = receipt_template(&snap.catalog, &submission, snap)
                    .map(|t| t.with_link(e.status_link.clone()));
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
            effect @ (Effect::CheckPin { .. }
            | Effect::Service { .. }
            | Effect::ServiceClosed { .. }
            | Effect::LoadSettings
            | Effect::SaveSettings { .. }) => self.run_service(effect, snap),
            Effect::IssueTicket {
                generation,
                service_id,
                lang,
                sms_phone,
            } => self.issue_ticket(generation, service_id, lang, sms_phone, snap),
            Effect::CallStaff { screen } => {
                self.tasks.spawn(async move {
                    match e.outbox.call_staff(screen, e.clock.now()).await {
                        Ok(()) => {
                            tracing::info!(screen = screen.name(), "a citizen called for staff");
                            e.beat.notify_one();
                        }
                        Err(err) => {
                            tracing::error!(error = %err, "the call for staff was not kept")
                        }
                    }
                });
            }
            Effect::Sound(cue) => e.sound.play(cue),
        }
    }

    /// The effects of service mode (PIN, actions, settings, audit).
    fn run_service(&self, effect: Effect, snap: &Snapshot) {
        let back = self.back.clone();
        let send = move |ev: Event| {
            let _ = back.send(Back::Event(ev));
        };
        let e = self.edges.clone();
        match effect {
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
            // The citizen's effects run in `run`.
            _ => {}
        }
    }
    /// Asks for a queue ticket for `service_id` (the centre numbers it; offline, the kiosk).
    fn issue_ticket(
        &self,
        generation: u64,
        service_id: String,
        lang: Lang,
        sms_phone: Option<String>,
        snap: &Snapshot,
    ) {
        let back = self.back.clone();
        let send = move |ev: Event| {
            let _ = back.send(Back::Event(ev));
        };
        let e = self.edges.clone();
        let template = TicketTemplate {
            lang,
            center_name: snap.cfg.kiosk.center_name.clone(),
            service_title: snap
                .catalog
                .service(&service_id)
                .map(|s| s.title.get(lang).to_owned())
                .unwrap_or_else(|| service_id.clone()),
            status_link: e.status_link.clone(),
        };
        let request = dost_api::TicketRequest {
            ticket_id: uuid::Uuid::new_v4().to_string(),
            kiosk_id: snap.cfg.kiosk.id.clone(),
            service_id,
            lang: lang.code().to_owned(),
            issued_at: e.clock.now(),
            offline_number: None,
            sms_phone,
        };
        let print = snap.devices.printer_ok();
        self.tasks.spawn(async move {
            send(issue_ticket(&e, request, template, print, generation).await);
        });
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
            let status_url = kiosk_core::print::status_url(
                &e.status_link,
                &stored.application_id,
                &stored.idempotency_key,
            );
            Event::Stored {
                generation,
                application_id: stored.application_id,
                receipt: if printer_ok {
                    ReceiptState::Printing
                } else {
                    ReceiptState::NotAvailable
                },
                status_url,
            }
        }
        Err(err) => {
            tracing::error!(error = %err, "application could not be stored");
            Event::StoreFailed { generation }
        }
    }
}

/// Asks the centre to number a ticket, then keeps it (numbered by the kiosk when the centre
/// could not) with its print job.
async fn issue_ticket(
    e: &Edges,
    request: dost_api::TicketRequest,
    template: TicketTemplate,
    print: bool,
    generation: u64,
) -> Event {
    let answer = e.centre.issue_ticket(request.clone()).await;
    let sms = request.sms_phone.is_some();
    let issued_at = request.issued_at;
    match e
        .outbox
        .store_ticket(request, answer, template, print, e.clock.now())
        .await
    {
        Ok(t) => {
            tracing::info!(number = %t.number, offline = t.offline, "queue ticket issued");
            if t.offline {
                e.relay.notify_one();
            }
            if t.print_job.is_some() {
                e.printer.kick();
            }
            Event::TicketIssued {
                generation,
                ticket: Ticket {
                    number: t.number,
                    issued_at,
                    people_ahead: t.people_ahead,
                    wait_min: t.wait_min,
                    offline: t.offline,
                    status_url: t.status_url,
                    sms,
                    printing: t.print_job.is_some(),
                },
            }
        }
        Err(err) => {
            tracing::error!(error = %err, "queue ticket could not be stored");
            Event::TicketFailed { generation }
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

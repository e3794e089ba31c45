//! The receipt printer worker: a thread that owns the printer, prints durable jobs from the
//! store in order, holds them when the printer cannot print, keeps the paper counter, and
//! reports status changes.

use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use chrono::Utc;
use dost_api::{ApplicationId, DeviceState};
use kiosk_core::health::{PrinterFacts, SensorPaper};
use kiosk_core::paper::{PaperRoll, Supply};
use kiosk_core::print::HoldReason;
use receipt_printer::{
    EncodedJob, PresenterEvent, PrintOutcome, Printer, PrinterStatus, Transport,
};
use tokio::sync::mpsc;

use super::preview::PreviewSink;
use crate::store::{JobContent, PrintJob, StoreHandle};

/// Commands to the printer worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrinterCmd {
    /// New jobs are waiting (or staff asked): print what can be printed.
    Kick,
    /// Staff restocked the paper: reset the counter and release held jobs.
    Restocked,
    Stop,
}

/// What the worker reports.
#[derive(Debug, Clone, PartialEq)]
pub enum PrinterReport {
    Status(PrinterFacts),
    /// A job of an application printed (`true`) or was held (`false`).
    Job {
        application_id: Option<ApplicationId>,
        printed: bool,
    },
    /// Paper left by the counter.
    Supply(Supply),
    /// A receipt was left in the presenter and pulled back into the printer.
    NotTaken {
        application_id: Option<ApplicationId>,
    },
}

/// Settings of the worker.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub poll: Duration,
    pub roll: PaperRoll,
    pub preview: Option<PreviewSink>,
}

/// The printer's status as the kiosk's health model has it.
pub fn facts(s: &PrinterStatus) -> PrinterFacts {
    PrinterFacts {
        state: match s.device {
            receipt_printer::DeviceState::Online => DeviceState::Online,
            receipt_printer::DeviceState::Offline => DeviceState::Offline,
            receipt_printer::DeviceState::NoDevice => DeviceState::NoDevice,
            receipt_printer::DeviceState::HardwareError => DeviceState::HardwareError,
        },
        paper: match s.paper {
            receipt_printer::PaperLevel::Ok => SensorPaper::Ok,
            receipt_printer::PaperLevel::Low => SensorPaper::Low,
            receipt_printer::PaperLevel::Out => SensorPaper::Out,
        },
        cover_open: s.cover_open,
        cutter_error: s.cutter_error,
    }
}

fn hold_reason(r: receipt_printer::HoldReason) -> HoldReason {
    match r {
        receipt_printer::HoldReason::PaperOut => HoldReason::PaperOut,
        receipt_printer::HoldReason::CoverOpen => HoldReason::CoverOpen,
        receipt_printer::HoldReason::Offline => HoldReason::Offline,
        receipt_printer::HoldReason::Disconnected => HoldReason::Disconnected,
        receipt_printer::HoldReason::CutterError => HoldReason::CutterError,
        receipt_printer::HoldReason::HardwareError => HoldReason::HardwareError,
    }
}

/// The worker: the printer, the store, and where it reports.
struct Worker<T: Transport> {
    printer: Printer<T>,
    store: StoreHandle,
    reports: mpsc::UnboundedSender<PrinterReport>,
    settings: WorkerSettings,
    /// The job whose receipt waits in the presenter (presenter models).
    presented: Option<PrintJobRef>,
}

/// A printed job, as the presenter's outcome is recorded against it.
#[derive(Debug, Clone)]
struct PrintJobRef {
    id: i64,
    application_id: Option<String>,
}

/// While a receipt waits in the presenter, its sensor is read this often.
const PRESENTER_POLL: Duration = Duration::from_millis(500);

/// Runs the worker on the calling thread until `Stop` or the command channel closes.
pub fn run_worker<T: Transport>(
    printer: Printer<T>,
    store: StoreHandle,
    commands: std_mpsc::Receiver<PrinterCmd>,
    reports: mpsc::UnboundedSender<PrinterReport>,
    settings: WorkerSettings,
) {
    let mut w = Worker {
        printer,
        store,
        reports,
        settings,
        presented: None,
    };
    let mut last_status: Option<PrinterStatus> = None;
    let mut last_supply = None;
    loop {
        let wait = if w.printer.receipt_waiting() {
            w.settings.poll.min(PRESENTER_POLL)
        } else {
            w.settings.poll
        };
        match commands.recv_timeout(wait) {
            Ok(PrinterCmd::Stop) | Err(std_mpsc::RecvTimeoutError::Disconnected) => return,
            Ok(PrinterCmd::Restocked) => w.restocked(),
            Ok(PrinterCmd::Kick) | Err(std_mpsc::RecvTimeoutError::Timeout) => {}
        }
        let status = w.printer.status().unwrap_or_else(|e| {
            tracing::warn!(error = %e, "printer status unavailable");
            PrinterStatus::no_device()
        });
        if last_status != Some(status) {
            tracing::info!(?status, "printer status changed");
            last_status = Some(status);
            if w.reports
                .send(PrinterReport::Status(facts(&status)))
                .is_err()
            {
                return;
            }
        }
        if w.printer.receipt_waiting() {
            w.watch_presenter();
        }
        // The next receipt waits until the one in the presenter is taken or pulled back.
        if status.can_print()
            && !w.printer.receipt_waiting()
            && w.print_pending(&commands) == Pending::Stop
        {
            return;
        }
        let supply = w.supply(&status);
        if supply.is_some() && last_supply != supply {
            last_supply = supply;
            if let Some(supply) = supply {
                let _ = w.reports.send(PrinterReport::Supply(supply));
            }
        }
    }
}

/// How printing the queue ended.
#[derive(Debug, PartialEq, Eq)]
enum Pending {
    /// Nothing left to print now (or a job was held).
    Done,
    /// `Stop` came (or the commands closed) between two receipts.
    Stop,
}

impl<T: Transport> Worker<T> {
    /// Paper left by the counter, the sensor saying near end or out making it low.
    fn supply(&self, status: &PrinterStatus) -> Option<Supply> {
        let used = self.store.call_blocking(|s| s.paper_used_mm()).ok()?;
        Some(self.settings.roll.supply(used, Some(facts(status).paper)))
    }

    /// Reads the presenter: a receipt pulled back is recorded as not taken (its citizen can
    /// print it again) and reported.
    fn watch_presenter(&mut self) {
        match self.printer.poll_presenter() {
            Ok(Some(PresenterEvent::Taken)) => self.presented = None,
            Ok(Some(PresenterEvent::Retracted)) => {
                let Some(job) = self.presented.take() else {
                    tracing::info!("a receipt the kiosk did not print was pulled back");
                    return;
                };
                let id = job.id;
                if let Err(e) = self.store.call_blocking(move |s| s.job_not_taken(id)) {
                    tracing::error!(error = %e, "cannot record a receipt not taken");
                }
                let _ = self.reports.send(PrinterReport::NotTaken {
                    application_id: job
                        .application_id
                        .as_deref()
                        .and_then(|a| ApplicationId::parse(a).ok()),
                });
            }
            Ok(Some(PresenterEvent::Presented) | None) => {}
            Err(e) => tracing::warn!(error = %e, "presenter status unavailable"),
        }
    }

    /// A new roll is in: the paper counter (kept in the store) starts again.
    fn restocked(&mut self) {
        if let Err(e) = self
            .store
            .call_blocking(|s| s.restocked("staff", Utc::now()))
        {
            tracing::error!(error = %e, "cannot record the restock");
        }
    }

    /// Prints queued jobs one after another. Commands are looked at between receipts: a stop
    /// ends the queue after the receipt being printed (it is finished and recorded; the others
    /// stay queued in the store and print at the next start).
    fn print_pending(&mut self, commands: &std_mpsc::Receiver<PrinterCmd>) -> Pending {
        loop {
            loop {
                match commands.try_recv() {
                    Ok(PrinterCmd::Stop) | Err(std_mpsc::TryRecvError::Disconnected) => {
                        return Pending::Stop;
                    }
                    Ok(PrinterCmd::Restocked) => self.restocked(),
                    Ok(PrinterCmd::Kick) => {}
                    Err(std_mpsc::TryRecvError::Empty) => break,
                }
            }
            let job = match self.store.call_blocking(|s| s.next_print_job()) {
                Ok(Some(job)) => job,
                Ok(None) => return Pending::Done,
                Err(e) => {
                    tracing::error!(error = %e, "cannot read print jobs");
                    return Pending::Done;
                }
            };
            // A receipt in the presenter: the next one waits until it is taken.
            if !self.print_one(job) || self.printer.receipt_waiting() {
                return Pending::Done;
            }
        }
    }

    /// Prints one job and records the outcome; true when it printed.
    fn print_one(&mut self, job: PrintJob) -> bool {
        let id = job.id;
        if let Err(e) = self.store.call_blocking(move |s| s.job_printing(id)) {
            tracing::error!(error = %e, "cannot mark job printing");
            return false;
        }
        let encoded = match &job.content {
            JobContent::Doc(doc) => super::receipt::encode(doc, self.printer.profile()),
            JobContent::Bytes { bytes, paper_mm } => EncodedJob {
                bytes: bytes.clone(),
                paper_mm: *paper_mm,
            },
        };
        let reason = match self.printer.print(&encoded) {
            Ok(PrintOutcome::Printed) => None,
            Ok(PrintOutcome::Held(r)) => Some(hold_reason(r)),
            Err(e) => {
                tracing::warn!(error = %e, "print job failed");
                Some(HoldReason::Disconnected)
            }
        };
        let paper_mm = encoded.paper_mm;
        let recorded = self.store.call_blocking(move |s| match reason {
            None => s.job_printed(id, paper_mm, Utc::now()),
            Some(r) => s.job_held(id, r),
        });
        if let Err(e) = recorded {
            tracing::error!(error = %e, "cannot record job outcome");
        }
        let printed = reason.is_none();
        if printed && self.printer.receipt_waiting() {
            self.presented = Some(PrintJobRef {
                id,
                application_id: job.application_id.clone(),
            });
        }
        tracing::info!(
            job = id,
            printed,
            reason = reason.map(HoldReason::name),
            "print job finished"
        );
        if printed
            && let (Some(sink), Some(app)) = (&self.settings.preview, job.application_id.as_deref())
        {
            sink.keep(app, &encoded.bytes);
        }
        let _ = self.reports.send(PrinterReport::Job {
            application_id: job
                .application_id
                .as_deref()
                .and_then(|a| ApplicationId::parse(a).ok()),
            printed,
        });
        printed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiosk_core::print::PrintDoc;
    use receipt_printer::emulator::SimulatedPrinter;

    /// Settings of a worker that polls only when kicked.
    fn quiet_settings() -> WorkerSettings {
        WorkerSettings {
            poll: Duration::from_secs(60),
            roll: PaperRoll {
                roll_length_mm: 80_000,
                low_receipts: 30,
            },
            preview: None,
        }
    }

    /// The simulated printer, asking the worker to stop once `stop_after` bytes went out.
    struct StopMidQueue {
        inner: SimulatedPrinter,
        written: usize,
        stop_after: usize,
        stop: Option<std_mpsc::Sender<PrinterCmd>>,
    }

    impl Transport for StopMidQueue {
        fn write_all(&mut self, b: &[u8]) -> std::io::Result<()> {
            self.written += b.len();
            if self.written >= self.stop_after
                && let Some(tx) = self.stop.take()
            {
                let _ = tx.send(PrinterCmd::Stop);
            }
            self.inner.write_all(b)
        }
        fn read_byte(&mut self, timeout: Duration) -> std::io::Result<Option<u8>> {
            self.inner.read_byte(timeout)
        }
        fn clear_input(&mut self) -> std::io::Result<()> {
            self.inner.clear_input()
        }
    }

    #[test]
    fn stop_ends_the_queue_after_the_receipt_being_printed()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let (store, _thread) = StoreHandle::spawn(crate::store::Store::open_dir(dir.path())?)?;
        let profile = receipt_printer::PrinterProfile::default();
        let page = super::super::receipt::encode(&PrintDoc::TestPage, &profile);
        for _ in 0..5 {
            store.call_blocking(|s| s.queue_job(&PrintDoc::TestPage, Utc::now()))?;
        }
        let (tx, rx) = std_mpsc::channel();
        let transport = StopMidQueue {
            inner: SimulatedPrinter::new(),
            written: 0,
            // Halfway through the first receipt.
            stop_after: page.bytes.len() / 2,
            stop: Some(tx.clone()),
        };
        let (reports, _reports_rx) = mpsc::unbounded_channel();
        tx.send(PrinterCmd::Kick)?;
        let worker_store = store.clone();
        let worker = std::thread::spawn(move || {
            run_worker(
                Printer::new(transport, profile),
                worker_store,
                rx,
                reports,
                quiet_settings(),
            )
        });
        // The worker returns although four receipts are still queued and the command channel
        // stays open (`tx` is alive).
        worker.join().map_err(|_| "worker panicked")?;
        let states: Vec<(String, i64)> = store.call_blocking(|s| {
            let mut stmt = s
                .connection()
                .prepare("SELECT state, COUNT(*) FROM print_jobs GROUP BY state ORDER BY state")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })?;
        assert_eq!(
            states,
            vec![("printed".to_owned(), 1), ("queued".to_owned(), 4)]
        );
        let used = store.call_blocking(|s| s.paper_used_mm())?;
        assert!(
            (used - f64::from(page.paper_mm)).abs() < 0.01,
            "one page counted: {used}"
        );
        drop(tx);
        Ok(())
    }

    /// A worker on a simulated presenter printer (Citizen PPU-700) that retracts after 1 s,
    /// with one application's receipt queued.
    struct PresenterRig {
        sim: SimulatedPrinter,
        store: StoreHandle,
        tx: std_mpsc::Sender<PrinterCmd>,
        reports: mpsc::UnboundedReceiver<PrinterReport>,
        worker: std::thread::JoinHandle<()>,
        application_id: String,
        _dir: tempfile::TempDir,
    }

    fn presenter_rig() -> Result<PresenterRig, Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let (store, _thread) = StoreHandle::spawn(crate::store::Store::open_dir(dir.path())?)?;
        let citizen = kiosk_core::card::CitizenKey::new(
            dost_api::Fin::parse("5ZX7K2P").ok().as_ref(),
            "AA1234567",
        );
        let submission = kiosk_core::session::Submission {
            service_id: "disability-assessment".into(),
            lang: dost_api::Lang::Az,
            citizen,
            document_number: "AA1234567".into(),
            answers: Default::default(),
        };
        let template = kiosk_core::print::ReceiptTemplate {
            center_name: "DOST Yasamal".into(),
            kiosk_id: "K1".into(),
            service_title: "Əlilliyin qiymətləndirilməsi".into(),
            next_steps: vec![],
            status_link: Default::default(),
        };
        let stored = store.call_blocking(move |s| {
            s.submit("YAS01", "K1", &submission, Utc::now(), Some(&template))
        })?;
        let sim = SimulatedPrinter::instant();
        let model = receipt_printer::PrinterModel::find("PPU-700").ok_or("no PPU-700")?;
        sim.set_model(model);
        let profile = receipt_printer::PrinterProfile {
            model: "PPU-700".into(),
            retract_after_s: 1,
            ..Default::default()
        };
        let (tx, rx) = std_mpsc::channel();
        let (reports_tx, reports) = mpsc::unbounded_channel();
        let printer =
            Printer::new(sim.clone(), profile).with_reply_timeout(Duration::from_millis(40));
        let worker_store = store.clone();
        let worker = std::thread::spawn(move || {
            run_worker(printer, worker_store, rx, reports_tx, quiet_settings())
        });
        tx.send(PrinterCmd::Kick)?;
        Ok(PresenterRig {
            sim,
            store,
            tx,
            reports,
            worker,
            application_id: stored.application_id.to_string(),
            _dir: dir,
        })
    }

    /// The next report that is not a status or supply change (10 s at most).
    fn next_job_report(r: &mut PresenterRig) -> Option<PrinterReport> {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            match r.reports.try_recv() {
                Ok(PrinterReport::Status(_) | PrinterReport::Supply(_)) => {}
                Ok(other) => return Some(other),
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
        None
    }

    fn job_states(store: &StoreHandle) -> Result<Vec<String>, crate::store::StoreError> {
        store.call_blocking(|s| {
            let mut stmt = s
                .connection()
                .prepare("SELECT state FROM print_jobs ORDER BY id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    #[test]
    fn a_receipt_left_in_the_presenter_is_pulled_back_and_recorded_not_taken()
    -> Result<(), Box<dyn std::error::Error>> {
        let mut r = presenter_rig()?;
        let printed = next_job_report(&mut r);
        assert!(
            matches!(printed, Some(PrinterReport::Job { printed: true, .. })),
            "{printed:?}"
        );
        assert!(r.sim.receipt_in_presenter());
        let not_taken = next_job_report(&mut r);
        let Some(PrinterReport::NotTaken { application_id }) = not_taken else {
            panic!("expected not taken, got {not_taken:?}");
        };
        assert_eq!(
            application_id.map(|a| a.to_string()),
            Some(r.application_id.clone())
        );
        assert_eq!(r.sim.retracted_receipts(), 1);
        assert_eq!(job_states(&r.store)?, vec!["not_taken".to_owned()]);
        // The citizen asks for it again: it prints, and this time it is taken.
        let app = r.application_id.clone();
        assert!(r.store.call_blocking(move |s| s.reprint_not_taken(&app))?);
        r.tx.send(PrinterCmd::Kick)?;
        let again = next_job_report(&mut r);
        assert!(matches!(
            again,
            Some(PrinterReport::Job { printed: true, .. })
        ));
        assert!(r.sim.take_receipt());
        std::thread::sleep(Duration::from_millis(1_500));
        assert_eq!(
            r.sim.retracted_receipts(),
            1,
            "a taken receipt is not pulled back"
        );
        assert_eq!(job_states(&r.store)?, vec!["printed".to_owned()]);
        r.tx.send(PrinterCmd::Stop)?;
        r.worker.join().map_err(|_| "worker panicked")?;
        Ok(())
    }

    #[test]
    fn the_next_receipt_waits_until_the_presenter_is_clear()
    -> Result<(), Box<dyn std::error::Error>> {
        let mut r = presenter_rig()?;
        assert!(matches!(
            next_job_report(&mut r),
            Some(PrinterReport::Job { printed: true, .. })
        ));
        r.store
            .call_blocking(|s| s.queue_job(&PrintDoc::TestPage, Utc::now()))?;
        r.tx.send(PrinterCmd::Kick)?;
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(
            job_states(&r.store)?,
            vec!["printed".to_owned(), "queued".to_owned()],
            "printed over the receipt in the presenter"
        );
        assert!(r.sim.take_receipt());
        let next = next_job_report(&mut r);
        assert!(
            matches!(next, Some(PrinterReport::Job { printed: true, .. })),
            "{next:?}"
        );
        r.tx.send(PrinterCmd::Stop)?;
        r.worker.join().map_err(|_| "worker panicked")?;
        Ok(())
    }
}

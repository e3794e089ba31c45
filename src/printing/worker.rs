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
use receipt_printer::{EncodedJob, PrintOutcome, Printer, PrinterStatus, Transport};
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
}

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
    };
    let mut last_status: Option<PrinterStatus> = None;
    let mut last_supply = None;
    loop {
        match commands.recv_timeout(w.settings.poll) {
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
        if status.can_print() && w.print_pending(&commands) == Pending::Stop {
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
            if !self.print_one(job) {
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
                WorkerSettings {
                    poll: Duration::from_secs(60),
                    roll: PaperRoll {
                        roll_length_mm: 80_000,
                        low_receipts: 30,
                    },
                    preview: None,
                },
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
}

//! The receipt printer worker: a thread that owns the printer, prints durable jobs from the
//! store in order, holds them when the printer cannot print, and reports status changes.

use std::path::PathBuf;
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use chrono::Utc;
use receipt_printer::{
    EncodedJob, HoldReason, PaperLevel, PrintOutcome, Printer, PrinterStatus, Receipt, ReceiptLang,
    Transport,
};
use tokio::sync::mpsc;

use crate::session::Submission;
use crate::sync::SharedStore;
use crate::view::Lang;

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
    Status(PrinterStatus),
    /// A job of an application printed (`true`) or was held (`false`).
    Job {
        application_id: Option<String>,
        printed: bool,
    },
    /// Paper left, estimated from the counter (receipts).
    Supply {
        receipts_left: Option<u64>,
        low: bool,
    },
}

/// Where the worker keeps what it printed (simulated printers only: a PNG preview per job).
#[derive(Debug, Clone)]
pub struct PreviewSink {
    pub dir: PathBuf,
    pub width_dots: u32,
}

/// Settings of the worker.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub poll: Duration,
    pub roll_length_mm: u32,
    pub low_paper_receipts: u32,
    pub preview: Option<PreviewSink>,
}

/// A standard receipt's paper length, for predictions before any job printed.
const TYPICAL_RECEIPT_MM: f64 = 110.0;

fn hold_name(r: HoldReason) -> &'static str {
    match r {
        HoldReason::PaperOut => "paper-out",
        HoldReason::CoverOpen => "cover-open",
        HoldReason::Offline => "offline",
        HoldReason::Disconnected => "disconnected",
        HoldReason::CutterError => "cutter-error",
        HoldReason::HardwareError => "hardware-error",
    }
}

/// Builds the receipt of a stored application.
#[allow(clippy::too_many_arguments)]
pub fn receipt_for(
    sub: &Submission,
    application_id: &str,
    lookup_code: &str,
    center_name: &str,
    kiosk_id: &str,
    service_title: &str,
    next_steps: &str,
    now: chrono::DateTime<Utc>,
) -> Receipt {
    Receipt {
        lang: match sub.lang {
            Lang::Az => ReceiptLang::Az,
            Lang::Ru => ReceiptLang::Ru,
            Lang::En => ReceiptLang::En,
        },
        center_name: center_name.to_owned(),
        kiosk_id: kiosk_id.to_owned(),
        service_title: service_title.to_owned(),
        application_id: application_id.to_owned(),
        lookup_code: lookup_code.to_owned(),
        issued_at: now.with_timezone(&chrono_tz::Asia::Baku).naive_local(),
        masked_fin: crate::text::mask_fin(&sub.fin),
        next_steps: vec![next_steps.to_owned()],
        footer: None,
    }
}

/// Runs the worker on the calling thread until `Stop` or the command channel closes.
pub fn run_worker<T: Transport>(
    mut printer: Printer<T>,
    store: SharedStore,
    commands: std_mpsc::Receiver<PrinterCmd>,
    reports: mpsc::UnboundedSender<PrinterReport>,
    settings: WorkerSettings,
) {
    let mut last_status: Option<PrinterStatus> = None;
    let mut last_supply = None;
    // The paper counter survives restarts in the store.
    if let Some(used) = store
        .lock()
        .ok()
        .and_then(|s| s.stats().ok())
        .map(|st| st.paper_used_mm)
    {
        printer.set_paper_used_mm(used);
    }
    loop {
        match commands.recv_timeout(settings.poll) {
            Ok(PrinterCmd::Stop) | Err(std_mpsc::RecvTimeoutError::Disconnected) => return,
            Ok(PrinterCmd::Restocked) => restocked(&mut printer, &store),
            Ok(PrinterCmd::Kick) | Err(std_mpsc::RecvTimeoutError::Timeout) => {}
        }
        let status = match printer.status() {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "printer status unavailable");
                PrinterStatus::no_device()
            }
        };
        if last_status != Some(status) {
            tracing::info!(?status, "printer status changed");
            last_status = Some(status);
            if reports.send(PrinterReport::Status(status)).is_err() {
                return;
            }
        }
        if status.can_print()
            && print_pending(
                &mut printer,
                &store,
                &reports,
                settings.preview.as_ref(),
                &commands,
            ) == Pending::Stop
        {
            return;
        }
        let supply = supply(&store, &settings, status);
        if last_supply != Some(supply) {
            last_supply = Some(supply);
            let _ = reports.send(PrinterReport::Supply {
                receipts_left: supply.0,
                low: supply.1,
            });
        }
    }
}

/// Receipts left on the roll and whether paper is low (sensor or prediction).
fn supply(
    store: &SharedStore,
    settings: &WorkerSettings,
    status: PrinterStatus,
) -> (Option<u64>, bool) {
    let used = store
        .lock()
        .ok()
        .and_then(|s| s.stats().ok())
        .map(|st| st.paper_used_mm);
    let left = used
        .map(|u| ((f64::from(settings.roll_length_mm) - u).max(0.0) / TYPICAL_RECEIPT_MM) as u64);
    let low = status.paper != PaperLevel::Ok
        || left.is_some_and(|l| l < u64::from(settings.low_paper_receipts));
    (left, low)
}

/// A new roll is in: the paper counter starts again, in the printer and in the store.
fn restocked<T: Transport>(printer: &mut Printer<T>, store: &SharedStore) {
    printer.reset_paper_counter();
    if let Ok(mut s) = store.lock()
        && let Err(e) = s.restocked("staff", Utc::now())
    {
        tracing::error!(error = %e, "cannot record the restock");
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

/// Prints queued jobs one after another. Commands are looked at between receipts: a stop ends
/// the queue after the receipt being printed (it is finished and recorded; the others stay
/// queued in the store and print at the next start).
fn print_pending<T: Transport>(
    printer: &mut Printer<T>,
    store: &SharedStore,
    reports: &mpsc::UnboundedSender<PrinterReport>,
    preview: Option<&PreviewSink>,
    commands: &std_mpsc::Receiver<PrinterCmd>,
) -> Pending {
    loop {
        loop {
            match commands.try_recv() {
                Ok(PrinterCmd::Stop) | Err(std_mpsc::TryRecvError::Disconnected) => {
                    return Pending::Stop;
                }
                Ok(PrinterCmd::Restocked) => restocked(printer, store),
                Ok(PrinterCmd::Kick) => {}
                Err(std_mpsc::TryRecvError::Empty) => break,
            }
        }
        let job = match store.lock().map(|s| s.next_print_job()) {
            Ok(Ok(Some(job))) => job,
            Ok(Ok(None)) => return Pending::Done,
            Ok(Err(e)) => {
                tracing::error!(error = %e, "cannot read print jobs");
                return Pending::Done;
            }
            Err(_) => return Pending::Done,
        };
        if let Ok(mut s) = store.lock()
            && let Err(e) = s.job_printing(job.id)
        {
            tracing::error!(error = %e, "cannot mark job printing");
            return Pending::Done;
        }
        let encoded = EncodedJob {
            bytes: job.bytes.clone(),
            paper_mm: job.paper_mm,
        };
        let outcome = printer.print(&encoded);
        let (printed, reason) = match outcome {
            Ok(PrintOutcome::Printed) => (true, None),
            Ok(PrintOutcome::Held(r)) => (false, Some(hold_name(r))),
            Err(e) => {
                tracing::warn!(error = %e, "print job failed");
                (false, Some("disconnected"))
            }
        };
        let recorded = store.lock().map(|mut s| match reason {
            None => s.job_printed(job.id, Utc::now()),
            Some(r) => s.job_held(job.id, r),
        });
        if let Ok(Err(e)) = recorded {
            tracing::error!(error = %e, "cannot record job outcome");
        }
        tracing::info!(job = job.id, printed, reason, "print job finished");
        if printed && let (Some(sink), Some(app)) = (preview, job.application_id.as_deref()) {
            write_preview(sink, app, &job.bytes);
        }
        let _ = reports.send(PrinterReport::Job {
            application_id: job.application_id.clone(),
            printed,
        });
        if !printed {
            return Pending::Done;
        }
    }
}

/// Keeps what a simulated printer received: the bytes and a PNG of the receipt.
fn write_preview(sink: &PreviewSink, name: &str, bytes: &[u8]) {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Err(e) = std::fs::create_dir_all(&sink.dir) {
        tracing::warn!(error = %e, "cannot create the receipts folder");
        return;
    }
    if let Err(e) = std::fs::write(sink.dir.join(format!("{safe}.bin")), bytes) {
        tracing::warn!(error = %e, "cannot keep receipt bytes");
    }
    match receipt_printer::preview::render_png(bytes, sink.width_dots) {
        Ok(png) => {
            if let Err(e) = std::fs::write(sink.dir.join(format!("{safe}.png")), png) {
                tracing::warn!(error = %e, "cannot write receipt preview");
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot render receipt preview"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use receipt_printer::emulator::SimulatedPrinter;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

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
        let store: SharedStore = Arc::new(Mutex::new(crate::store::Store::open_dir(dir.path())?));
        let profile = receipt_printer::PrinterProfile::default();
        let page = receipt_printer::encode_test_page(&profile);
        for _ in 0..5 {
            let job = crate::store::NewPrintJob {
                bytes: page.bytes.clone(),
                paper_mm: page.paper_mm,
            };
            store
                .lock()
                .map_err(|_| "poisoned")?
                .queue_job(&job, Utc::now())?;
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
                    roll_length_mm: 80_000,
                    low_paper_receipts: 30,
                    preview: None,
                },
            )
        });
        // The worker returns although four receipts are still queued and the command channel
        // stays open (`tx` is alive).
        worker.join().map_err(|_| "worker panicked")?;
        let states: Vec<(String, i64)> = {
            let s = store.lock().map_err(|_| "poisoned")?;
            let mut stmt = s
                .connection()
                .prepare("SELECT state, COUNT(*) FROM print_jobs GROUP BY state ORDER BY state")?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?
        };
        assert_eq!(
            states,
            vec![("printed".to_owned(), 1), ("queued".to_owned(), 4)]
        );
        drop(tx);
        Ok(())
    }
}

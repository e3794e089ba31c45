//! Starting the devices: the card reader (simulated, serial or keyboard-wedge) and the receipt printer's
//! worker thread (simulated, serial or usblp).

use card_reader::{ReaderEvent, SimulatedReaderHandle};
use receipt_printer::Printer;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::RuntimeError;
use super::edges::today_baku;
use crate::config::{DeviceKind, KioskConfig, PrinterKind};
use crate::printing::preview::PreviewSink;
use crate::printing::{PrinterCmd, PrinterReport, WorkerSettings, run_worker};
use crate::store::StoreHandle;

/// The card reader's events, and the simulated reader of the demo.
pub struct Reader {
    pub events: mpsc::Receiver<ReaderEvent>,
    pub sim: Option<SimulatedReaderHandle>,
}

/// Starts the configured card reader.
pub fn start_reader(cfg: &KioskConfig, cancel: &CancellationToken, tasks: &TaskTracker) -> Reader {
    let (tx, events) = mpsc::channel::<ReaderEvent>(16);
    let reader = cfg.card_reader.effective();
    tracing::info!(
        model = %reader.model,
        kind = reader.kind.as_str(),
        framing = %reader.framing,
        line = %reader.line_label(),
        "card reader"
    );
    let sim = match reader.kind {
        DeviceKind::Simulated => Some(card_reader::SimulatedReader::spawn_with_today(
            tx,
            reader.framing,
            cancel.clone(),
            today_baku,
        )),
        DeviceKind::Serial => {
            let settings = reader.serial(&reader.port);
            let task = card_reader::spawn_reader(
                settings,
                reader.options(),
                tx,
                cancel.clone(),
                today_baku,
            );
            tasks.spawn(async move {
                if let Err(e) = task.await {
                    tracing::error!(error = %e, "card reader task failed");
                }
            });
            None
        }
        DeviceKind::Wedge => {
            let task = super::wedge::spawn(reader.port.clone(), tx, cancel.clone());
            tasks.spawn(async move {
                if let Err(e) = task.await {
                    tracing::error!(error = %e, "keyboard-wedge reader task failed");
                }
            });
            None
        }
    };
    Reader { events, sim }
}

#[cfg(test)]
#[path = "devices_tests.rs"]
mod tests;

/// The printer's worker thread and its channels.
pub struct PrinterWorker {
    pub commands: std::sync::mpsc::Sender<PrinterCmd>,
    pub reports: mpsc::UnboundedReceiver<PrinterReport>,
    pub thread: std::thread::JoinHandle<()>,
    /// Simulated printer control, when the printer is simulated.
    pub sim: Option<receipt_printer::emulator::SimulatedPrinter>,
    /// Where a simulated printer keeps its receipts.
    pub receipts_dir: std::path::PathBuf,
}

/// Starts the printer worker on its own thread.
pub fn start_printer(
    cfg: &KioskConfig,
    store: &StoreHandle,
) -> Result<PrinterWorker, RuntimeError> {
    let profile = cfg.printer_profile();
    let receipts_dir = cfg.data_dir().join("receipts");
    let (commands, rx) = std::sync::mpsc::channel::<PrinterCmd>();
    let (report_tx, reports) = mpsc::unbounded_channel::<PrinterReport>();
    let mut settings = WorkerSettings {
        poll: std::time::Duration::from_secs(u64::from(cfg.printer.status_poll_s)),
        roll: cfg.paper_roll(),
        preview: None,
    };
    let store = store.clone();
    let spawn = |f: Box<dyn FnOnce() + Send>| {
        std::thread::Builder::new()
            .name("printer".into())
            .spawn(f)
            .map_err(RuntimeError::Thread)
    };
    let (thread, sim) = match cfg.printer.kind {
        PrinterKind::Simulated => {
            let handle = receipt_printer::emulator::SimulatedPrinter::new();
            settings.preview = Some(PreviewSink {
                dir: receipts_dir.clone(),
                width_dots: profile.paper.dots(),
            });
            let printer = Printer::new(handle.clone(), profile);
            let t = spawn(Box::new(move || {
                run_worker(printer, store, rx, report_tx, settings)
            }))?;
            (t, Some(handle))
        }
        PrinterKind::Serial => {
            let transport =
                receipt_printer::SerialTransport::lazy(&cfg.printer.port, cfg.printer.baud);
            let printer = Printer::new(transport, profile);
            let t = spawn(Box::new(move || {
                run_worker(printer, store, rx, report_tx, settings)
            }))?;
            (t, None)
        }
        PrinterKind::Usblp => {
            // Opened at first use and reopened after an error: the printer may be off or
            // unplugged when the kiosk starts.
            let transport = receipt_printer::UsbLpTransport::lazy(&cfg.printer.port);
            let printer = Printer::new(transport, profile);
            let t = spawn(Box::new(move || {
                run_worker(printer, store, rx, report_tx, settings)
            }))?;
            (t, None)
        }
    };
    Ok(PrinterWorker {
        commands,
        reports,
        thread,
        sim,
        receipts_dir,
    })
}

//! `dost-kiosk printer status|test|restocked|models`, `receipt preview` and `ports`.

use std::path::Path;
use std::process::ExitCode;

use kiosk_core::health::PrinterFacts;
use kiosk_core::print::PrintDoc;
use receipt_printer::{PrintOutcome, Printer, SerialTransport};

use super::{GlobalArgs, PortArgs, load_config};
use crate::config::KioskConfig;
use crate::printing::{receipt, worker};
use crate::runtime::STATUS_FILE;
use crate::store::Store;

/// Opens the printer named by `--port` (None without `--port`: the kiosk's printer).
fn direct_printer(
    cfg: Option<&KioskConfig>,
    port: &PortArgs,
) -> Result<Option<Printer<SerialTransport>>, String> {
    let Some(path) = &port.port else {
        return Ok(None);
    };
    let baud = port.baud.or(cfg.map(|c| c.printer.baud)).unwrap_or(38_400);
    let transport = SerialTransport::open(path, baud)
        .map_err(|e| format!("cannot open the printer on {path}: {e}"))?;
    let profile = cfg.map(KioskConfig::printer_profile).unwrap_or_default();
    Ok(Some(Printer::new(transport, profile)))
}

fn open_store(cfg: &KioskConfig) -> Result<Store, String> {
    Store::open_dir(&cfg.data_dir()).map_err(|e| e.to_string())
}

/// The printer's state as the running kiosk published it.
fn published(cfg: &KioskConfig) -> Option<PrinterFacts> {
    let text = std::fs::read_to_string(cfg.data_dir().join(STATUS_FILE)).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    serde_json::from_value(v.get("printer")?.clone()).ok()
}

/// Device, paper, cover, cutter, held receipts, paper used and receipts left; exit 1 when the
/// printer cannot print.
pub(super) fn status(global: &GlobalArgs, port: &PortArgs, json: bool) -> Result<ExitCode, String> {
    let cfg = load_config(global).ok();
    let status = match direct_printer(cfg.as_ref(), port)? {
        Some(mut printer) => Some(worker::facts(
            &printer.status().map_err(|e| format!("printer: {e}"))?,
        )),
        None => cfg.as_ref().and_then(published),
    };
    let stats = cfg
        .as_ref()
        .and_then(|c| open_store(c).ok())
        .and_then(|s| s.stats().ok());
    let receipts_left = cfg
        .as_ref()
        .zip(stats)
        .map(|(c, s)| c.paper_roll().receipts_left(s.paper_used_mm));
    if json {
        let v = serde_json::json!({
            "device": status.map(|s| s.state),
            "paper": status.map(|s| s.paper),
            "cover_open": status.map(|s| s.cover_open),
            "cutter_error": status.map(|s| s.cutter_error),
            "jobs_held": stats.map(|s| s.held_jobs),
            "jobs_queued": stats.map(|s| s.queued_jobs),
            "paper_used_mm": stats.map(|s| s.paper_used_mm),
            "receipts_left": receipts_left,
        });
        println!("{v}");
    } else {
        let name = |v: serde_json::Value| v.as_str().unwrap_or("unknown").replace('_', " ");
        let word = |b: bool, yes: &str, no: &str| if b { yes } else { no }.to_owned();
        println!(
            "device         {}",
            status.map_or("unknown (kiosk not running)".into(), |s| name(
                serde_json::json!(s.state)
            ))
        );
        println!(
            "paper          {}",
            status.map_or("unknown".into(), |s| name(serde_json::json!(s.paper)))
        );
        println!(
            "cover          {}",
            status.map_or("unknown".into(), |s| word(s.cover_open, "open", "closed"))
        );
        println!(
            "cutter         {}",
            status.map_or("unknown".into(), |s| word(s.cutter_error, "error", "ok"))
        );
        if let Some(s) = stats {
            println!("jobs held      {}", s.held_jobs);
            println!("jobs queued    {}", s.queued_jobs);
            println!("paper used     {:.0} mm since restock", s.paper_used_mm);
        }
        if let Some(l) = receipts_left {
            println!("receipts left  about {l}");
        }
    }
    Ok(if status.is_some_and(|s| s.can_print()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Prints a test page on `--port`, or queues one for the running kiosk.
pub(super) fn test(global: &GlobalArgs, port: &PortArgs) -> Result<ExitCode, String> {
    let cfg = load_config(global).ok();
    if let Some(mut printer) = direct_printer(cfg.as_ref(), port)? {
        let page = receipt::encode(&PrintDoc::TestPage, printer.profile());
        return match printer.print(&page).map_err(|e| format!("printer: {e}"))? {
            PrintOutcome::Printed => {
                println!("test page printed ({} bytes)", page.bytes.len());
                Ok(ExitCode::SUCCESS)
            }
            PrintOutcome::Held(why) => {
                eprintln!("test page not printed: {why:?}");
                Ok(ExitCode::from(1))
            }
        };
    }
    // The kiosk's printer: queue the page; the running kiosk prints it.
    let cfg = cfg.ok_or("no configuration: give --port or a valid --config")?;
    let mut store = open_store(&cfg)?;
    let now = chrono::Utc::now();
    let id = store
        .queue_job(&PrintDoc::TestPage, now)
        .map_err(|e| e.to_string())?;
    store
        .audit("technician", "test_print", &format!("job {id}"), now)
        .map_err(|e| e.to_string())?;
    println!("test page queued as job {id}; the running kiosk prints it");
    Ok(ExitCode::SUCCESS)
}

/// Staff restocked the paper: the counter starts again; held receipts print when they can.
pub(super) fn restocked(global: &GlobalArgs) -> Result<ExitCode, String> {
    let cfg = load_config(global)?;
    let mut store = open_store(&cfg)?;
    store
        .restocked("staff", chrono::Utc::now())
        .map_err(|e| e.to_string())?;
    let held = store.stats().map_err(|e| e.to_string())?.held_jobs;
    println!("paper counter reset; {held} held receipt(s) print when the printer is ready");
    Ok(ExitCode::SUCCESS)
}

/// Renders an ESC/POS file as a PNG of the printed receipt.
pub(super) fn preview(input: &Path, out: &Path, width: u32) -> Result<ExitCode, String> {
    let bytes =
        std::fs::read(input).map_err(|e| format!("cannot read {}: {e}", input.display()))?;
    let png = receipt_printer::preview::render_png(&bytes, width).map_err(|e| e.to_string())?;
    std::fs::write(out, png).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(ExitCode::SUCCESS)
}

/// The serial ports of this machine, one per line.
pub(super) fn ports() -> Result<ExitCode, String> {
    match crate::platform::ports::lines() {
        Ok(ports) if ports.is_empty() => println!("none found"),
        Ok(ports) => ports.iter().for_each(|p| println!("{p}")),
        Err(e) => return Err(format!("cannot list the serial ports: {e}")),
    }
    Ok(ExitCode::SUCCESS)
}

/// One printer model as `printer models` lists it.
fn model_json(m: &receipt_printer::PrinterModel) -> serde_json::Value {
    use receipt_printer::{PresenterKind, Support};
    serde_json::json!({
        "id": m.id,
        "vendor": m.vendor,
        "name": m.name,
        "pc857": m.pc857,
        "pc866": m.pc866,
        "qr": m.qr,
        "user_defined_chars": m.user_defined_chars,
        "auto_status_back": m.auto_status_back,
        "presenter": m.presenter.map(|p| match p {
            PresenterKind::CustomFsP => "fs-p",
            PresenterKind::GsE => "gs-e",
        }),
        "supported": m.support == Support::Supported,
        "unsupported_because": match m.support {
            Support::Supported => None,
            Support::Unsupported(why) => Some(why),
        },
        "note": m.note,
    })
}

/// `printer models`: every model `printer.model` can name.
pub(super) fn models(json: bool) -> ExitCode {
    let all = receipt_printer::PrinterModel::all();
    if json {
        let list: Vec<_> = all.iter().map(model_json).collect();
        println!("{}", serde_json::Value::Array(list));
        return ExitCode::SUCCESS;
    }
    let page = |p: Option<u8>| p.map_or_else(|| "raster".to_owned(), |n| n.to_string());
    let mut rows = vec![[
        "model".to_owned(),
        "vendor".into(),
        "CP857".into(),
        "CP866".into(),
        "QR".into(),
        "ə/Ə".into(),
        "presenter".into(),
        "support".into(),
    ]];
    for m in all {
        rows.push([
            m.id.to_owned(),
            if m.vendor.chars().count() > 18 {
                format!("{}…", m.vendor.chars().take(17).collect::<String>())
            } else {
                m.vendor.to_owned()
            },
            page(m.pc857),
            page(m.pc866),
            (if m.qr { "yes" } else { "image" }).into(),
            (if m.user_defined_chars {
                "chars"
            } else {
                "raster"
            })
            .into(),
            (if m.presenter.is_some() { "yes" } else { "-" }).into(),
            match m.support {
                receipt_printer::Support::Supported => "yes".to_owned(),
                receipt_printer::Support::Unsupported(why) => format!("no: {why}"),
            },
        ]);
    }
    let mut widths = [0usize; 8];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        println!("{}", cells.join("  ").trim_end());
    }
    println!("\nUnknown names print with the safe profile (ə/Ə and the QR code as images).");
    ExitCode::SUCCESS
}

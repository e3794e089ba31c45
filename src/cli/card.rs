//! `dost-kiosk card parse` and `card listen`.

use std::io::{Read, Write};
use std::process::ExitCode;

use card_reader::{Framing, ReadPipeline, ReaderEvent};
use dost_api::mask_fin;

use super::{GlobalArgs, load_config};
use crate::runtime::today_baku;

/// Bytes handed to the decoder at once. The decoder keeps at most
/// [`card_reader::framing::MAX_PENDING_RESULTS`] results between drains; a byte ends at most
/// one read (two with the error of the read it cuts short), so every read is kept.
const FEED: usize = 4;

/// Parses raw reader bytes from stdin as they come (any length, in bounded memory); one JSON
/// object per read on stdout, every read kept. At the end of the input a read still pending
/// becomes a rejection. Exit 2 when a read was rejected; an error (exit 1) when the input
/// held no read at all.
pub(super) fn parse(framing: &str) -> Result<ExitCode, String> {
    let framing: Framing = framing.parse().map_err(|e| format!("--framing: {e}"))?;
    let mut pipeline = ReadPipeline::new(framing, today_baku);
    let stdin = std::io::stdin();
    let mut stdin = stdin.lock();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut tally = Tally::default();
    let mut buf = [0u8; 8192];
    loop {
        let n = match stdin.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(format!("cannot read stdin: {e}")),
        };
        tally.bytes += n as u64;
        for chunk in buf[..n].chunks(FEED) {
            tally.write(&mut out, pipeline.push(chunk))?;
        }
    }
    tally.write(&mut out, pipeline.finish())?;
    out.flush().map_err(|e| e.to_string())?;
    match tally {
        Tally {
            read: 0,
            rejected: 0,
            bytes,
            ..
        } => Err(format!(
            "no read in the input ({bytes} bytes): nothing framed as {framing}"
        )),
        Tally { rejected: 0, .. } => Ok(ExitCode::SUCCESS),
        _ => Ok(ExitCode::from(2)),
    }
}

/// What `card parse` has seen.
#[derive(Debug, Default)]
struct Tally {
    bytes: u64,
    read: u64,
    rejected: u64,
}

impl Tally {
    /// Writes each read as a JSON line and counts it.
    fn write(&mut self, out: &mut impl Write, events: Vec<ReaderEvent>) -> Result<(), String> {
        for ev in events {
            let json = match ev {
                ReaderEvent::CardRead(d) => {
                    self.read += 1;
                    serde_json::json!({
                        "format": d.format.to_string(),
                        "document_code": d.document_code,
                        "issuing_state": d.issuing_state,
                        "document_number": d.document_number,
                        "birth_date": d.birth_date.format("%Y-%m-%d").to_string(),
                        "sex": d.sex.code(),
                        "expiry_date": d.expiry_date.format("%Y-%m-%d").to_string(),
                        "nationality": d.nationality,
                        "surname": d.surname,
                        "given_names": d.given_names.join(" "),
                        "fin": d.fin,
                        "optional_data": d.optional_data,
                    })
                }
                ReaderEvent::CardRejected(r) => {
                    self.rejected += 1;
                    serde_json::json!({"error": r.reason, "field": r.field})
                }
                ReaderEvent::Status(_) => continue,
            };
            writeln!(out, "{json}").map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

/// Shows reads and status changes of a serial reader live, with the FİN and name masked.
pub(super) fn listen(global: &GlobalArgs, port: Option<&str>) -> Result<ExitCode, String> {
    let cfg = load_config(global).ok();
    let path = port
        .map(str::to_owned)
        .or_else(|| cfg.as_ref().map(|c| c.card_reader.port.clone()))
        .filter(|p| !p.is_empty())
        .ok_or("no reader port: give --port PATH or set card_reader.port")?;
    let settings = match &cfg {
        Some(c) => c.reader_settings(&path),
        None => card_reader::SerialSettings::new(path.clone()),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let (tx, mut rx) = tokio::sync::mpsc::channel(16);
        let cancel = tokio_util::sync::CancellationToken::new();
        let task = card_reader::spawn_serial_reader(settings, tx, cancel.clone(), today_baku);
        println!("listening on {path} (Ctrl-C stops)");
        loop {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => break,
                ev = rx.recv() => match ev {
                    None => break,
                    Some(ReaderEvent::CardRead(d)) => println!(
                        "read    {} {} document {} expires {} FİN {}",
                        d.format,
                        d.issuing_state,
                        mask_fin(&d.document_number),
                        d.expiry_date,
                        d.fin.as_deref().map(mask_fin).unwrap_or_else(|| "-".into()),
                    ),
                    Some(ReaderEvent::CardRejected(r)) => {
                        println!("reject  {}: {}", r.field, r.reason)
                    }
                    Some(ReaderEvent::Status(s)) => println!("status  {s:?}"),
                },
            }
        }
        cancel.cancel();
        let _ = task.await;
    });
    Ok(ExitCode::SUCCESS)
}

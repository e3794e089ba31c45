//! `dost-kiosk card parse` and `card listen`.

use std::io::{Read, Write};
use std::process::ExitCode;

use card_reader::{Framing, ReadPipeline, ReaderEvent};
use dost_api::mask_fin;

use super::{GlobalArgs, load_config};
use crate::runtime::today_baku;

/// Parses raw reader bytes from stdin; one JSON object per read on stdout; exit 2 when a read
/// was rejected.
pub(super) fn parse(framing: &str) -> Result<ExitCode, String> {
    let framing: Framing = framing.parse().map_err(|e| format!("--framing: {e}"))?;
    let mut input = Vec::new();
    std::io::stdin()
        .read_to_end(&mut input)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    let mut pipeline = ReadPipeline::new(framing, today_baku);
    let mut events = pipeline.push(&input);
    // A plain read whose last line lacks its line end.
    if framing == Framing::Plain && !input.ends_with(b"\r") && !input.ends_with(b"\n") {
        events.extend(pipeline.push(b"\r\n"));
    }
    let mut rejected = false;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for ev in events {
        let json = match ev {
            ReaderEvent::CardRead(d) => serde_json::json!({
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
            }),
            ReaderEvent::CardRejected(r) => {
                rejected = true;
                serde_json::json!({"error": r.reason, "field": r.field})
            }
            ReaderEvent::Status(_) => continue,
        };
        writeln!(out, "{json}").map_err(|e| e.to_string())?;
    }
    Ok(if rejected {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
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

//! Card read to session: the time from the last byte of a read arriving on the reader's serial
//! port (a real pseudo-terminal) to the kiosk showing the reading screen (session opened) and
//! the welcome screen (the embedded centre confirmed the card).
//!
//! `cargo bench --bench card_session` prints p50/p95/max over 30 reads. Goals: session opened
//! under 30 ms; welcome under 50 ms.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use card_reader::Framing;
use card_reader::sim::{PtyEmulator, specimens};
use dost_kiosk::config::{DeviceKind, KioskConfig};
use kiosk_core::view::{ScreenId, UiEvent};

type Seen = Arc<Mutex<Vec<(Instant, ScreenId)>>>;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

async fn first_after(seen: &Seen, since: Instant, screen: ScreenId) -> Option<Duration> {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        let hit = seen
            .lock()
            .ok()?
            .iter()
            .find(|(t, s)| *t >= since && *s == screen)
            .map(|(t, _)| *t - since);
        if hit.is_some() {
            return hit;
        }
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
    None
}

fn main() {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = rt.block_on(run()) {
        eprintln!("card_session bench failed: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let mut emu = PtyEmulator::new().map_err(|e| e.to_string())?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut cfg = KioskConfig::load(Path::new("config/kiosk.toml")).map_err(|e| e.to_string())?;
    cfg.kiosk.data_dir = dir.path().to_path_buf();
    cfg.card_reader.kind = DeviceKind::Serial;
    cfg.card_reader.port = emu.path_string();
    let seen: Seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let (ui, ui_rx) = tokio::sync::mpsc::unbounded_channel();
    let kiosk = dost_kiosk::runtime::start(
        cfg,
        Box::new(move |vm| {
            if let Ok(mut s) = sink.lock() {
                s.push((Instant::now(), vm.screen));
            }
        }),
        ui_rx,
    )
    .await
    .map_err(|e| e.to_string())?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let card = specimens::aze_id_card();
    let lines: Vec<&str> = card.iter().map(String::as_str).collect();
    let (mut opened, mut welcome) = (Vec::new(), Vec::new());
    for _ in 0..30 {
        let t0 = Instant::now();
        emu.send_read(&lines, Framing::Plain)
            .map_err(|e| e.to_string())?;
        let o = first_after(&seen, t0, ScreenId::ReadingCard).await;
        let w = first_after(&seen, t0, ScreenId::Welcome)
            .await
            .ok_or("no welcome screen")?;
        // The reading screen may be skipped when the centre answers within the same step.
        opened.push(o.unwrap_or(w));
        welcome.push(w);
        ui.send(UiEvent::EndSession).map_err(|e| e.to_string())?;
        first_after(&seen, Instant::now(), ScreenId::Attract).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    kiosk.shutdown(Duration::from_secs(2)).await;
    for (name, mut v) in [
        ("last byte -> session opened", opened),
        ("last byte -> welcome", welcome),
    ] {
        v.sort();
        println!(
            "{name}: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms (n={})",
            percentile(&v, 0.5).as_secs_f64() * 1e3,
            percentile(&v, 0.95).as_secs_f64() * 1e3,
            v.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
            v.len()
        );
    }
    Ok(())
}

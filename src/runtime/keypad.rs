//! The tactile keypad and the headset jack at the edge: their devices are read on threads of
//! their own (evdev, exclusive grab, reconnection) and their keys join the UI's events, so the
//! event loop sees one stream: touches, demo keyboard keys and keypad keys alike.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use keypad::device::KeypadDevice;
use keypad::reader::{self, Timing};
use keypad::{Decoder, KeySource, KeypadError, Output};
use kiosk_core::keypad::Key;
use kiosk_core::view::UiEvent;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::KioskConfig;
use crate::config::access::KeypadKind;

/// Reads one input device on its own thread until `cancel`; its keys go to `keys`.
fn spawn_reader(
    name: &'static str,
    path: PathBuf,
    grab: bool,
    decoder: Decoder<Key>,
    keys: mpsc::UnboundedSender<Key>,
    cancel: &CancellationToken,
    tasks: &TaskTracker,
) {
    let stop = Arc::new(AtomicBool::new(false));
    let thread = {
        let stop = stop.clone();
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let open = || -> Result<Box<dyn KeySource>, KeypadError> {
                    Ok(Box::new(KeypadDevice::open(&path, grab)?))
                };
                reader::run(open, decoder, &stop, Timing::default(), |out| {
                    let key = match out {
                        Output::Action(k) => k,
                        Output::Headset(plugged) => Key::Headset(plugged),
                    };
                    let _ = keys.send(key);
                });
            })
    };
    let thread = match thread {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, device = name, "cannot start the input thread");
            return;
        }
    };
    let cancel = cancel.clone();
    tasks.spawn(async move {
        cancel.cancelled().await;
        stop.store(true, Ordering::SeqCst);
        let _ = tokio::task::spawn_blocking(move || thread.join()).await;
    });
}

/// The UI's events with the keypad's keys joined in (the UI's own stream as it is when the
/// configuration has no keypad and no headset jack). The joined stream ends when the UI's
/// does.
pub fn join_keys(
    cfg: &KioskConfig,
    ui: mpsc::UnboundedReceiver<UiEvent>,
    cancel: &CancellationToken,
    tasks: &TaskTracker,
) -> mpsc::UnboundedReceiver<UiEvent> {
    let k = &cfg.keypad;
    let keypad = k.kind == KeypadKind::Evdev;
    let jack = !k.headset_device.trim().is_empty();
    if !keypad && !jack {
        return ui;
    }
    let (keys_tx, keys_rx) = mpsc::unbounded_channel();
    if keypad {
        match k.key_map() {
            Ok(map) => {
                let long = Some((k.long_press_key, Key::StartSpeech));
                let decoder = Decoder::new(map, long, u64::from(k.long_press_ms));
                let path = cfg.resolve(std::path::Path::new(k.device.trim()));
                spawn_reader(
                    "keypad",
                    path,
                    k.grab,
                    decoder,
                    keys_tx.clone(),
                    cancel,
                    tasks,
                );
            }
            // The configuration is checked when read; this only guards a bypass.
            Err(e) => tracing::error!(problems = ?e, "the keypad's key map is not valid"),
        }
    }
    if jack {
        let no_keys = keypad::KeyMap::new(&[], &[], |k: Key| k.name());
        if let Ok(map) = no_keys {
            let path = cfg.resolve(std::path::Path::new(k.headset_device.trim()));
            // The jack belongs to the sound card: read it, never grab it.
            spawn_reader(
                "headset",
                path,
                false,
                Decoder::new(map, None, 0),
                keys_tx,
                cancel,
                tasks,
            );
        }
    }
    let (out, joined) = mpsc::unbounded_channel();
    tasks.spawn(forward(ui, keys_rx, out, cancel.clone()));
    joined
}

async fn forward(
    mut ui: mpsc::UnboundedReceiver<UiEvent>,
    mut keys: mpsc::UnboundedReceiver<Key>,
    out: mpsc::UnboundedSender<UiEvent>,
    cancel: CancellationToken,
) {
    let mut keys_open = true;
    loop {
        let ev = tokio::select! {
            () = cancel.cancelled() => return,
            ev = ui.recv() => match ev {
                Some(ev) => ev,
                // The UI is gone: so is the joined stream.
                None => return,
            },
            key = keys.recv(), if keys_open => match key {
                Some(k) => UiEvent::Keypad(k),
                None => {
                    keys_open = false;
                    continue;
                }
            },
        };
        if out.send(ev).is_err() {
            return;
        }
    }
}

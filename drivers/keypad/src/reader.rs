//! The reading loop: a key source, the decoder, reconnection.

use std::fmt::Debug;
use std::hash::Hash;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::decode::{Decoder, InputEvent, Output};

/// Something that gives input events.
pub trait KeySource: Send {
    /// The events waiting now (empty when none, without waiting); an error when the device
    /// went away.
    fn poll(&mut self) -> std::io::Result<Vec<InputEvent>>;
}

/// Why the keypad cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeypadError {
    #[error("cannot open input device {path}")]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot grab input device {path} (another program holds it?)")]
    Grab {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} has neither keys nor a headphone switch")]
    NotAKeypad { path: PathBuf },
}

/// How often the loop looks for events, and how long it waits before opening a device again.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub poll: Duration,
    pub retry: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            poll: Duration::from_millis(8),
            retry: Duration::from_secs(2),
        }
    }
}

fn pause(d: Duration, stop: &AtomicBool) {
    let until = Instant::now() + d;
    while !stop.load(Ordering::SeqCst) {
        let now = Instant::now();
        if now >= until {
            return;
        }
        std::thread::sleep((until - now).min(Duration::from_millis(50)));
    }
}

/// Reads keys until `stop`, giving every output to `out`. A device that cannot be opened, or
/// that goes away (unplugged), is opened again every `timing.retry`; each change is logged
/// once. Blocking: run it on its own thread.
pub fn run<A: Copy + Eq + Hash + Debug>(
    mut open: impl FnMut() -> Result<Box<dyn KeySource>, KeypadError>,
    mut decoder: Decoder<A>,
    stop: &AtomicBool,
    timing: Timing,
    mut out: impl FnMut(Output<A>),
) {
    let start = Instant::now();
    let now_ms = || start.elapsed().as_millis() as u64;
    let mut source: Option<Box<dyn KeySource>> = None;
    let mut complained = false;
    while !stop.load(Ordering::SeqCst) {
        let Some(src) = source.as_mut() else {
            match open() {
                Ok(s) => {
                    tracing::info!("keypad ready");
                    source = Some(s);
                    complained = false;
                }
                Err(e) => {
                    if !complained {
                        tracing::warn!(error = %e, "keypad not available; trying again");
                        complained = true;
                    }
                    pause(timing.retry, stop);
                }
            }
            continue;
        };
        match src.poll() {
            Ok(events) if events.is_empty() => {
                for o in decoder.tick(now_ms()) {
                    out(o);
                }
                pause(timing.poll, stop);
            }
            Ok(events) => {
                for ev in events {
                    for o in decoder.event(ev, now_ms()) {
                        out(o);
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "keypad went away; opening it again");
                source = None;
            }
        }
    }
}

//! The simulated keypad: keys pressed from code (demo and tests), through the same decoder
//! and reading loop as a real device, unplugging included.

use std::sync::mpsc;

use crate::decode::{EV_SW, InputEvent, SW_HEADPHONE_INSERT};
use crate::reader::KeySource;

enum SimEvent {
    Event(InputEvent),
    Unplug,
}

/// Presses keys on a [`SimSource`].
#[derive(Debug, Clone)]
pub struct SimKeypad {
    tx: mpsc::Sender<SimEvent>,
}

/// The device side of a [`SimKeypad`].
pub struct SimSource {
    rx: mpsc::Receiver<SimEvent>,
}

impl std::fmt::Debug for SimEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SimEvent::Event(e) => write!(f, "{e:?}"),
            SimEvent::Unplug => f.write_str("unplug"),
        }
    }
}

impl SimKeypad {
    pub fn new() -> (SimKeypad, SimSource) {
        let (tx, rx) = mpsc::channel();
        (SimKeypad { tx }, SimSource { rx })
    }

    fn send(&self, e: SimEvent) {
        // A source that is gone hears nothing: like pressing keys on an unplugged keypad.
        let _ = self.tx.send(e);
    }

    /// Press and release.
    pub fn press(&self, code: u16) {
        self.down(code);
        self.up(code);
    }

    pub fn down(&self, code: u16) {
        self.send(SimEvent::Event(InputEvent::key(code, 1)));
    }

    /// An auto-repeat of a held key.
    pub fn repeat(&self, code: u16) {
        self.send(SimEvent::Event(InputEvent::key(code, 2)));
    }

    pub fn up(&self, code: u16) {
        self.send(SimEvent::Event(InputEvent::key(code, 0)));
    }

    pub fn headset(&self, plugged: bool) {
        self.send(SimEvent::Event(InputEvent {
            kind: EV_SW,
            code: SW_HEADPHONE_INSERT,
            value: i32::from(plugged),
        }));
    }

    /// The device goes away (the reader sees an error and opens it again).
    pub fn unplug(&self) {
        self.send(SimEvent::Unplug);
    }
}

impl KeySource for SimSource {
    fn poll(&mut self) -> std::io::Result<Vec<InputEvent>> {
        let mut out = Vec::new();
        loop {
            match self.rx.try_recv() {
                Ok(SimEvent::Event(e)) => out.push(e),
                Ok(SimEvent::Unplug) => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::NotConnected,
                        "the simulated keypad was unplugged",
                    ));
                }
                Err(mpsc::TryRecvError::Empty) => return Ok(out),
                Err(mpsc::TryRecvError::Disconnected) if out.is_empty() => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::NotConnected,
                        "the simulated keypad is gone",
                    ));
                }
                Err(mpsc::TryRecvError::Disconnected) => return Ok(out),
            }
        }
    }
}

//! An evdev input device (USB keypad, or the sound card's jack switch) held with an exclusive
//! grab (`EVIOCGRAB`): its keys reach the kiosk only, never the UI or a console.

use std::path::{Path, PathBuf};

use crate::decode::InputEvent;
use crate::reader::{KeySource, KeypadError};

/// An open keypad device; the grab ends when it is dropped.
pub struct KeypadDevice {
    device: evdev::Device,
    path: PathBuf,
}

impl KeypadDevice {
    /// Opens `path` (best a stable `/dev/input/by-id/…-event-kbd` link), grabs it when
    /// `grab`, and reads it without blocking.
    pub fn open(path: &Path, grab: bool) -> Result<KeypadDevice, KeypadError> {
        let open_err = |source| KeypadError::Open {
            path: path.to_owned(),
            source,
        };
        let mut device = evdev::Device::open(path).map_err(open_err)?;
        let has_keys = device
            .supported_keys()
            .is_some_and(|k| k.iter().next().is_some());
        let has_jack = device
            .supported_switches()
            .is_some_and(|s| s.contains(evdev::SwitchCode::SW_HEADPHONE_INSERT));
        if !has_keys && !has_jack {
            return Err(KeypadError::NotAKeypad {
                path: path.to_owned(),
            });
        }
        if grab {
            device.grab().map_err(|source| KeypadError::Grab {
                path: path.to_owned(),
                source,
            })?;
        }
        device.set_nonblocking(true).map_err(open_err)?;
        Ok(KeypadDevice {
            device,
            path: path.to_owned(),
        })
    }

    /// Whether the headset is plugged in now (for a jack switch device).
    pub fn headset_plugged(&self) -> Option<bool> {
        let state = self.device.get_switch_state().ok()?;
        Some(state.contains(evdev::SwitchCode::SW_HEADPHONE_INSERT))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl KeySource for KeypadDevice {
    fn poll(&mut self) -> std::io::Result<Vec<InputEvent>> {
        match self.device.fetch_events() {
            Ok(events) => Ok(events
                .map(|e| InputEvent {
                    kind: e.event_type().0,
                    code: e.code(),
                    value: e.value(),
                })
                .collect()),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }
}

//! Tactile keypad driver for DOST kiosks (EZ-Access style USB HID keypads, and a headset
//! jack's plug switch).
//!
//! * [`keymap`] — which evdev key codes mean which action: built from key names
//!   (`KEY_UP`, `KEY_KP8`, … as in `linux/input-event-codes.h`), checked with clear errors.
//! * [`decode`] — pure: raw `struct input_event` records to events, and the [`Decoder`] that
//!   turns key presses into actions (auto-repeat ignored, one key's long press as its own
//!   action) and the jack switch into headset in/out.
//! * [`reader`] — the reading loop over any [`KeySource`], reconnecting when the device goes
//!   away; [`device::KeypadDevice`] is an evdev device held with an exclusive grab (its keys
//!   never reach anything else); [`sim::SimKeypad`] is the simulator for the demo and tests.

pub mod decode;
pub mod device;
pub mod keymap;
pub mod reader;
pub mod sim;

pub use decode::{Decoder, InputEvent, Output};
pub use keymap::{KeyMap, KeyMapError};
pub use reader::{KeySource, KeypadError};

//! Keyboard-wedge card readers (`card_reader.kind = "wedge"`): a reader that types the MRZ as a
//! USB keyboard, read from its evdev device held with an exclusive grab (`EVIOCGRAB`), so
//! the MRZ never types into the screen.
//!
//! The device's `struct input_event` records become typed bytes
//! ([`card_reader::wedge::EventStream`]) and go through the plain framing and the same
//! pipeline as a serial reader; the driver's reader task reports status (`NoDevice` when the
//! path is missing, `HardwareError` when it cannot be opened or grabbed, with the reason in
//! the log) and reopens with back-off. Nothing typed is logged.

use std::io::Read;
use std::path::Path;

use card_reader::ReaderEvent;
use card_reader::framing::{DecoderConfig, Framing};
use card_reader::reader::{OpenError, Opened, spawn_device_reader};
use card_reader::wedge::{EventStream, GrabbedKeyboard};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::edges::today_baku;

/// Starts the reader on the evdev device `path` (best a stable
/// `/dev/input/by-id/…-event-kbd` link).
pub fn spawn(
    path: String,
    events: mpsc::Sender<ReaderEvent>,
    cancel: CancellationToken,
) -> JoinHandle<()> {
    let device = path.clone();
    let open =
        move || GrabbedKeyboard::open(Path::new(&device)).map_err(|e| OpenError::Io(e.into()));
    spawn_with(path, open, events, cancel)
}

/// The reader task over any source of `input_event` records `open` gives (the grabbed
/// device; a recorded stream in tests).
pub(crate) fn spawn_with<R: Read + Send + 'static>(
    path: String,
    mut open: impl FnMut() -> Result<R, OpenError> + Send + 'static,
    events: mpsc::Sender<ReaderEvent>,
    cancel: CancellationToken,
) -> JoinHandle<()> {
    let open = move || -> Result<Opened, OpenError> {
        let source: Box<dyn Read + Send> = Box::new(EventStream::new(open()?));
        Ok((source, None))
    };
    spawn_device_reader(
        path,
        open,
        DecoderConfig::new(Framing::Plain),
        None,
        events,
        cancel,
        today_baku,
    )
}

#[cfg(test)]
#[path = "wedge_tests.rs"]
mod tests;

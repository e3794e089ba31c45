//! Keyboard-wedge readers: readers that type the MRZ as a USB keyboard.
//!
//! Read them from evdev with an exclusive grab (`EVIOCGRAB`, feature `evdev`), so the
//! MRZ never types into the UI, on a stable `/dev/input/by-id/…-event-kbd` path.
//! [`EventStream`] turns the raw `struct input_event` records of such a device (or of a
//! recording of one) into the ASCII a plain-framing reader sends: key codes with Shift
//! mapped after the US layout, Enter as CR. It is a [`Read`], so it goes through the
//! same [`BlockingReader`](crate::blocking::BlockingReader) and plain decoder as any
//! serial reader.

use std::io::{self, Read};

/// `EV_SYN`, `EV_KEY`, `EV_MSC` event types.
pub const EV_SYN: u16 = 0;
pub const EV_KEY: u16 = 1;
pub const EV_MSC: u16 = 4;
/// `MSC_SCAN`.
pub const MSC_SCAN: u16 = 4;

pub const KEY_ENTER: u16 = 28;
pub const KEY_LEFTSHIFT: u16 = 42;
pub const KEY_RIGHTSHIFT: u16 = 54;
pub const KEY_COMMA: u16 = 51;
pub const KEY_102ND: u16 = 86;
pub const KEY_KPENTER: u16 = 96;

/// Size of one `struct input_event` on this platform: a `struct timeval` (two C longs,
/// pointer-sized on Linux) and `u16 type, u16 code, i32 value`.
pub const EVENT_SIZE: usize = 2 * std::mem::size_of::<usize>() + 8;

/// Key codes (linux/input-event-codes.h) modifier keys that type nothing.
const MODIFIERS: [u16; 10] = [
    29,
    97,
    56,
    100,
    58,
    69,
    125,
    126,
    KEY_LEFTSHIFT,
    KEY_RIGHTSHIFT,
];

const DIGIT_ROW: &[u8; 10] = b"1234567890";
const DIGIT_ROW_SHIFTED: &[u8; 10] = b"!@#$%^&*()";

/// What one key press types on a US layout: `Some(byte)`, or `None` for modifiers.
/// Letters are upper case with or without Shift (Caps Lock state is the reader's);
/// keys with no meaning in an MRZ type `?`, so the line is refused, never shortened.
pub fn key_to_ascii(code: u16, shift: bool) -> Option<u8> {
    let pick = |plain: u8, shifted: u8| Some(if shift { shifted } else { plain });
    match code {
        2..=11 => {
            let i = usize::from(code - 2);
            pick(DIGIT_ROW[i], DIGIT_ROW_SHIFTED[i])
        }
        12 => pick(b'-', b'_'),
        13 => pick(b'=', b'+'),
        16..=25 => Some(b"QWERTYUIOP"[usize::from(code - 16)]),
        30..=38 => Some(b"ASDFGHJKL"[usize::from(code - 30)]),
        44..=50 => Some(b"ZXCVBNM"[usize::from(code - 44)]),
        KEY_COMMA => pick(b',', b'<'),
        52 => pick(b'.', b'>'),
        53 => pick(b'/', b'?'),
        57 => Some(b' '),
        KEY_102ND => pick(b'<', b'>'),
        KEY_ENTER | KEY_KPENTER => Some(b'\r'),
        71..=73 => Some(b"789"[usize::from(code - 71)]),
        75..=77 => Some(b"456"[usize::from(code - 75)]),
        79..=81 => Some(b"123"[usize::from(code - 79)]),
        82 => Some(b'0'),
        c if MODIFIERS.contains(&c) => None,
        _ => Some(b'?'),
    }
}

/// The key a character is typed with on a US layout, and whether Shift is held
/// (used by emulators and tests to type an MRZ).
pub fn ascii_to_key(c: u8) -> Option<(u16, bool)> {
    let find = |set: &[u8], base: u16| {
        set.iter()
            .position(|&x| x == c)
            .and_then(|i| u16::try_from(i).ok())
            .map(|i| base + i)
    };
    match c {
        b'\r' | b'\n' => Some((KEY_ENTER, false)),
        b'<' => Some((KEY_COMMA, true)),
        b'_' => Some((12, true)),
        b'0'..=b'9' => find(DIGIT_ROW, 2).map(|k| (k, false)),
        b'A'..=b'Z' => find(b"QWERTYUIOP", 16)
            .or_else(|| find(b"ASDFGHJKL", 30))
            .or_else(|| find(b"ZXCVBNM", 44))
            .map(|k| (k, true)),
        _ => None,
    }
}

/// One decoded `struct input_event` (time left out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputEvent {
    pub kind: u16,
    pub code: u16,
    pub value: i32,
}

impl InputEvent {
    /// Parses one record of [`EVENT_SIZE`] bytes (native byte order).
    pub fn parse(record: &[u8]) -> Option<InputEvent> {
        let t = record.get(EVENT_SIZE - 8..EVENT_SIZE)?;
        Some(InputEvent {
            kind: u16::from_ne_bytes([t[0], t[1]]),
            code: u16::from_ne_bytes([t[2], t[3]]),
            value: i32::from_ne_bytes([t[4], t[5], t[6], t[7]]),
        })
    }

    /// The record bytes, time zero.
    pub fn to_record(self) -> Vec<u8> {
        let mut r = vec![0u8; EVENT_SIZE - 8];
        r.extend_from_slice(&self.kind.to_ne_bytes());
        r.extend_from_slice(&self.code.to_ne_bytes());
        r.extend_from_slice(&self.value.to_ne_bytes());
        r
    }
}

/// The events a keyboard sends for `text` (press and release with Shift as needed,
/// a scan code and a sync after each), as records.
pub fn type_text(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut ev = |kind, code, value| out.extend(InputEvent { kind, code, value }.to_record());
    for c in text.bytes() {
        let Some((key, shift)) = ascii_to_key(c) else {
            continue;
        };
        if shift {
            ev(EV_KEY, KEY_LEFTSHIFT, 1);
            ev(EV_SYN, 0, 0);
        }
        ev(EV_MSC, MSC_SCAN, i32::from(key));
        ev(EV_KEY, key, 1);
        ev(EV_SYN, 0, 0);
        ev(EV_KEY, key, 0);
        ev(EV_SYN, 0, 0);
        if shift {
            ev(EV_KEY, KEY_LEFTSHIFT, 0);
            ev(EV_SYN, 0, 0);
        }
    }
    out
}

/// Turns key events into typed bytes, tracking Shift.
#[derive(Debug, Clone, Default)]
pub struct KeyDecoder {
    left_shift: bool,
    right_shift: bool,
}

impl KeyDecoder {
    /// The byte typed by `ev`, if any. Auto-repeat (value 2) types nothing: a reader
    /// never holds a key.
    pub fn event(&mut self, ev: InputEvent) -> Option<u8> {
        if ev.kind != EV_KEY {
            return None;
        }
        match (ev.code, ev.value) {
            (KEY_LEFTSHIFT, v) => self.left_shift = v != 0,
            (KEY_RIGHTSHIFT, v) => self.right_shift = v != 0,
            (code, 1) => return key_to_ascii(code, self.left_shift || self.right_shift),
            _ => {}
        }
        None
    }
}

/// A [`Read`] of typed ASCII over a [`Read`] of raw input events.
///
/// A read that brings only events typing nothing returns `Interrupted` (not `Ok(0)`,
/// which would mean end of input), which the blocking reader loop takes as a tick.
pub struct EventStream<R> {
    source: R,
    raw: Vec<u8>,
    keys: KeyDecoder,
}

impl<R: Read> EventStream<R> {
    pub fn new(source: R) -> Self {
        EventStream {
            source,
            raw: Vec::with_capacity(EVENT_SIZE * 64),
            keys: KeyDecoder::default(),
        }
    }

    pub fn get_ref(&self) -> &R {
        &self.source
    }
}

impl<R: Read> Read for EventStream<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        // At most one typed byte per event: read no more events than `out` can take.
        let want = out.len().max(1) * EVENT_SIZE;
        let start = self.raw.len();
        self.raw.resize(start + want.min(EVENT_SIZE * 64), 0);
        let n = match self.source.read(&mut self.raw[start..]) {
            Ok(n) => n,
            Err(e) => {
                self.raw.truncate(start);
                return Err(e);
            }
        };
        self.raw.truncate(start + n);
        if n == 0 {
            return Ok(0);
        }
        let whole = self.raw.len() / EVENT_SIZE * EVENT_SIZE;
        let mut written = 0;
        for record in self.raw[..whole].chunks_exact(EVENT_SIZE) {
            if let Some(b) = InputEvent::parse(record).and_then(|ev| self.keys.event(ev))
                && let Some(slot) = out.get_mut(written)
            {
                *slot = b;
                written += 1;
            }
        }
        self.raw.drain(..whole);
        if written == 0 {
            return Err(io::Error::from(io::ErrorKind::Interrupted));
        }
        Ok(written)
    }
}

#[cfg(feature = "evdev")]
pub use grab::{GrabbedKeyboard, WedgeError};

#[cfg(feature = "evdev")]
mod grab {
    use std::fs::File;
    use std::io::{self, Read};
    use std::path::{Path, PathBuf};

    /// Why a keyboard-wedge device could not be used.
    #[derive(Debug, thiserror::Error)]
    pub enum WedgeError {
        #[error("cannot open input device {path}")]
        Open {
            path: PathBuf,
            #[source]
            source: io::Error,
        },
        #[error("cannot grab input device {path} (another program holds it?)")]
        Grab {
            path: PathBuf,
            #[source]
            source: io::Error,
        },
        #[error("{path} is not a keyboard")]
        NotKeyboard { path: PathBuf },
    }

    impl From<WedgeError> for io::Error {
        fn from(e: WedgeError) -> io::Error {
            let kind = match &e {
                WedgeError::Open { source, .. } | WedgeError::Grab { source, .. } => source.kind(),
                WedgeError::NotKeyboard { .. } => io::ErrorKind::InvalidInput,
            };
            io::Error::new(kind, e)
        }
    }

    /// An evdev keyboard held with `EVIOCGRAB`: its keys reach only this reader, never
    /// the UI. Reads are non-blocking (`WouldBlock` when no event is waiting); the grab
    /// ends when this is dropped.
    pub struct GrabbedKeyboard {
        device: evdev::Device,
        file: File,
    }

    impl GrabbedKeyboard {
        /// Opens `path` (best a stable `/dev/input/by-id/…-event-kbd` link) and grabs it.
        pub fn open(path: &Path) -> Result<GrabbedKeyboard, WedgeError> {
            let open_err = |source| WedgeError::Open {
                path: path.to_owned(),
                source,
            };
            let mut device = evdev::Device::open(path).map_err(open_err)?;
            let is_keyboard = device
                .supported_keys()
                .is_some_and(|k| k.contains(evdev::KeyCode::KEY_ENTER));
            if !is_keyboard {
                return Err(WedgeError::NotKeyboard {
                    path: path.to_owned(),
                });
            }
            device.grab().map_err(|source| WedgeError::Grab {
                path: path.to_owned(),
                source,
            })?;
            device.set_nonblocking(true).map_err(open_err)?;
            let fd = std::os::fd::AsFd::as_fd(&device)
                .try_clone_to_owned()
                .map_err(open_err)?;
            Ok(GrabbedKeyboard {
                device,
                file: File::from(fd),
            })
        }

        pub fn is_grabbed(&self) -> bool {
            self.device.is_grabbed()
        }
    }

    impl Read for GrabbedKeyboard {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.file.read(buf)
        }
    }
}

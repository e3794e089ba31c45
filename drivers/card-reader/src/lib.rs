//! ID card reader driver for DOST kiosks.
//!
//! * [`mrz`] — pure ICAO 9303 MRZ parser (TD1/TD2/TD3, every check digit,
//!   Azerbaijani FİN).
//! * [`framing`] — pure incremental decoders for the framings of MRZ readers
//!   (`plain`, `stx-etx`, `3m`, `desko`, `access-is`), with partial reads turned into
//!   rejections after an inter-byte timeout.
//! * [`pipeline`] — decoder + parser: wire bytes to [`ReaderEvent`]s.
//! * [`blocking`] — a blocking reader loop over any [`std::io::Read`].
//! * [`wedge`] — keyboard-wedge readers (evdev grab with feature `evdev`).
//! * [`model`] — reader models with their framing and line defaults.
//! * [`reader`] (feature `tokio`) — the reader task with reconnection.
//! * [`sim`] — specimens; with feature `sim` a simulated reader and a pty emulator.
//!
//! Cargo features: `serial` (serialport), `tokio` (the reader task), `sim`
//! (simulators), `evdev` (keyboard-wedge readers), `hardware` (tests against real
//! readers, see the README). The pure parts build with `--no-default-features`.
//!
//! ```
//! use card_reader::{Framing, ReadPipeline, ReaderEvent, encode_frame, parse_mrz};
//! use chrono::NaiveDate;
//!
//! fn today() -> NaiveDate {
//!     NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
//! }
//! let lines = [
//!     "I<UTOD231458907<<<<<<<<<<<<<<<",
//!     "7408122F1204159UTO<<<<<<<<<<<6",
//!     "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
//! ];
//! let doc = parse_mrz(&lines, today()).unwrap();
//! assert_eq!(doc.surname, "ERIKSSON");
//! assert!(doc.is_expired(today()));
//!
//! // The same read as a 3M reader sends it, through decoder and parser.
//! let mut pipeline = ReadPipeline::new(Framing::ThreeM, today);
//! let events = pipeline.push(&encode_frame(Framing::ThreeM, &lines));
//! assert!(matches!(&events[..], [ReaderEvent::CardRead(d)] if d.document_number == "D23145890"));
//! ```

pub mod blocking;
pub mod framing;
pub mod model;
pub mod mrz;
pub mod pipeline;
#[cfg(feature = "tokio")]
pub mod reader;
pub mod settings;
pub mod sim;
pub mod wedge;

pub use blocking::{BlockingReader, LoopEnd, ReadLoopError};
pub use framing::{DecoderConfig, FrameDecoder, FrameError, Framing, encode_frame};
pub use model::{ReaderModel, Transport};
pub use mrz::{Document, DocumentFormat, MrzError, MrzErrorKind, Sex, check_digit, parse_mrz};
pub use pipeline::{ReadPipeline, ReaderEvent, ReaderStatus, Rejection, RejectionKind};
#[cfg(feature = "tokio")]
pub use reader::{ReaderOptions, spawn_reader, spawn_serial_reader};
pub use settings::{Parity, SerialSettings, SettingsError};
#[cfg(all(feature = "sim", feature = "tokio"))]
pub use sim::{SimulatedReader, SimulatedReaderHandle};

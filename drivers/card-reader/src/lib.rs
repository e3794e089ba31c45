//! ID card reader driver for DOST kiosks.
//!
//! * [`mrz`] — pure ICAO 9303 MRZ parser (TD1/TD2/TD3, every check digit,
//!   Azerbaijani FİN).
//! * [`framing`] — pure incremental decoders for serial reader framings.
//! * [`reader`] — tokio task reading a serial MRZ reader, with reconnection.
//! * [`sim`] — specimens, a simulated reader and a pty emulator.
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

pub mod framing;
pub mod mrz;
pub mod reader;
pub mod sim;

pub use framing::{FrameDecoder, FrameError, Framing, encode_frame};
pub use mrz::{Document, DocumentFormat, MrzError, MrzErrorKind, Sex, check_digit, parse_mrz};
pub use reader::{
    Parity, ReadPipeline, ReaderEvent, ReaderStatus, Rejection, RejectionKind, SerialSettings,
    spawn_serial_reader,
};
pub use sim::{SimulatedReader, SimulatedReaderHandle};

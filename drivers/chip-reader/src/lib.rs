//! eMRTD chip driver (ICAO Doc 9303 parts 10 and 11) for DOST kiosks: proves that the ID card
//! or passport in the reader carries a genuine, unaltered chip that matches its printed MRZ.
//!
//! Pure parts (no I/O): [`tlv`], [`apdu`], [`key`] (access key from the MRZ), [`crypto`],
//! [`sm`] (secure messaging), [`bac`], [`pace`] (ECDH Generic Mapping), [`lds`] (EF.COM, DG1,
//! DG14, DG15, LDS security object), [`sig`], [`pa`] (Passive Authentication), [`auth`]
//! (Active and Chip Authentication), [`compare`] (DG1 against the OCR MRZ).
//!
//! I/O at the edge: [`transport::Transport`] is the narrow trait the [`reader::ChipReader`]
//! talks through; `pcsc_transport` (feature `pcsc`) is the PC/SC implementation, and
//! [`sim::SimCard`] the in-process card simulator, which [`vpcd`] puts behind vsmartcard's
//! virtual PC/SC reader.
//!
//! ```
//! use chip_reader::AccessKey;
//! use chip_reader::reader::{ChipReader, ReaderOptions, VerifyOptions};
//! use chip_reader::sim::SimCard;
//! use chip_reader::sim::demo::{demo_card, demo_csca};
//! use chip_reader::trust::TrustStore;
//!
//! let mrz = ["IDAZEAA123456785ZX7K2P<<<<<<<<", "9003152M3403152AZE<<<<<<<<<<<1", "MAMMADOV<<ALI<<<<<<<<<<<<<<<<<"];
//! let card = SimCard::new(demo_card(&mrz, false).unwrap().build().unwrap());
//! let mut trust = TrustStore::new();
//! trust.add_csca(demo_csca().unwrap()); // NOT FOR PRODUCTION
//! let key = AccessKey::from_mrz_lines(&mrz).unwrap();
//! let report = ChipReader::new(card, ReaderOptions::default())
//!     .read_and_verify(&key, &trust, &VerifyOptions::default())
//!     .unwrap();
//! assert!(report.passive_authentication.is_valid());
//! assert!(report.clone_detection.passed());
//! assert!(chip_reader::compare::compare_mrz(&report.mrz, &mrz).is_equal());
//! ```

pub mod apdu;
pub mod atr;
pub mod auth;
pub mod bac;
pub mod compare;
pub mod crypto;
pub mod ec;
pub mod key;
pub mod lds;
pub mod pa;
pub mod pace;
#[cfg(feature = "pcsc")]
pub mod pcsc_transport;
pub mod probe;
pub mod reader;
#[cfg(feature = "rig")]
pub mod rig;
pub mod sig;
pub mod sim;
pub mod sm;
pub mod tlv;
pub mod transport;
pub mod trust;
pub mod vpcd;

pub use atr::{Interface, interface_of_atr, interface_of_name};
pub use compare::{MrzComparison, compare_mrz};
pub use key::{AccessKey, AccessKeyError};
pub use pa::{PaFailure, PaOutcome, VerifyReport, passive_authentication, verify_files};
pub use reader::{
    AccessProtocol, ChipError, ChipReader, ChipReport, CloneDetection, ReaderOptions, VerifyOptions,
};
pub use transport::{Transport, TransportError};
pub use trust::TrustStore;

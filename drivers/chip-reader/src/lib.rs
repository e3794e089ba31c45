//! eMRTD chip driver (ICAO Doc 9303 parts 10 and 11) for DOST kiosks.

pub mod apdu;
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
pub mod reader;
pub mod sig;
pub mod sim;
pub mod sm;
pub mod tlv;
pub mod transport;
pub mod trust;
pub mod vpcd;

pub use key::{AccessKey, AccessKeyError};

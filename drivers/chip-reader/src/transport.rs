//! The narrow transport the reader talks through: one APDU in, one response out. PC/SC, the
//! in-process card simulator and test doubles implement it.

use std::time::{Duration, Instant};

use serde::Serialize;

/// Why an APDU could not be exchanged.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The card left the reader (or lost power) during the exchange.
    #[error("the card was removed from the reader")]
    CardRemoved,
    /// No card is in the reader.
    #[error("no card in the reader")]
    NoCard,
    /// The reader itself is gone or unusable.
    #[error("reader unavailable: {0}")]
    ReaderUnavailable(&'static str),
    #[cfg(feature = "pcsc")]
    #[error("PC/SC: {0}")]
    Pcsc(#[source] pcsc::Error),
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
}

/// Sends a command APDU and returns the response APDU (data and status word).
pub trait Transport {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError>;
}

impl<T: Transport + ?Sized> Transport for &mut T {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        (**self).transmit(apdu)
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        (**self).transmit(apdu)
    }
}

/// APDUs and bytes exchanged, and time spent in the transport.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Traffic {
    pub apdus: u32,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    #[serde(serialize_with = "ser_ms")]
    pub io_time: Duration,
}

fn ser_ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}

/// A transport that counts what goes through it.
pub struct Counting<T> {
    inner: T,
    traffic: Traffic,
}

impl<T: Transport> Counting<T> {
    pub fn new(inner: T) -> Self {
        Counting {
            inner,
            traffic: Traffic::default(),
        }
    }

    pub fn traffic(&self) -> Traffic {
        self.traffic
    }

    pub fn into_inner(self) -> T {
        self.inner
    }

    pub fn inner_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<T: Transport> Transport for Counting<T> {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        let start = Instant::now();
        let r = self.inner.transmit(apdu);
        self.traffic.io_time += start.elapsed();
        self.traffic.apdus += 1;
        self.traffic.bytes_sent += apdu.len() as u64;
        if let Ok(resp) = &r {
            self.traffic.bytes_received += resp.len() as u64;
        }
        r
    }
}

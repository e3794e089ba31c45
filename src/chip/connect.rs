//! Connecting to the card on the configured PC/SC reader: the candidate readers, a card
//! within the wait, on the configured interface. Shared by the chip worker, `chip read` and
//! `doctor`.

use std::time::Duration;

use chip_reader::pcsc_transport::{PcscTransport, list_readers, wait_for_card_in};
use chip_reader::transport::TransportError;
use chip_reader::{Interface, interface_of_atr};

use super::select;
use crate::config::chip::ChipInterface;

/// Why no card could be connected.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("no card on the reader")]
    NoCard,
    #[error("the card answered on the {} interface, the configuration reads {wanted:?}", got.name())]
    WrongInterface {
        got: Interface,
        wanted: ChipInterface,
    },
    #[error("{0}")]
    Reader(String),
}

/// A card connected through PC/SC.
pub struct Connected {
    pub transport: PcscTransport,
    pub reader: String,
    pub atr: Vec<u8>,
    pub interface: Interface,
}

/// The readers a card is waited for in (see [`select::candidates`]).
pub fn readers(name: Option<&str>, interface: ChipInterface) -> Result<Vec<String>, String> {
    let all = list_readers().map_err(|e| e.to_string())?;
    select::candidates(&all, name, interface).map_err(|e| e.to_string())
}

/// Waits up to `card_wait` for a card in one of the readers and connects to it.
pub fn connect(
    name: Option<&str>,
    interface: ChipInterface,
    card_wait: Duration,
) -> Result<Connected, ConnectError> {
    let candidates = readers(name, interface).map_err(ConnectError::Reader)?;
    let (reader, atr) = match wait_for_card_in(&candidates, card_wait) {
        Ok(found) => found,
        Err(TransportError::NoCard) => return Err(ConnectError::NoCard),
        Err(e) => return Err(ConnectError::Reader(e.to_string())),
    };
    let on = interface_of_atr(&atr);
    if !interface.admits(on) {
        return Err(ConnectError::WrongInterface {
            got: on,
            wanted: interface,
        });
    }
    match PcscTransport::connect(&reader) {
        Ok(transport) => Ok(Connected {
            transport,
            reader,
            atr,
            interface: on,
        }),
        Err(TransportError::CardRemoved | TransportError::NoCard) => Err(ConnectError::NoCard),
        Err(e) => Err(ConnectError::Reader(e.to_string())),
    }
}

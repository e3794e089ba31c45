//! The card simulator behind vsmartcard's virtual PC/SC reader: `vpcd` (a pcscd driver)
//! listens on a TCP port, the card program connects to it and answers. Every frame is a
//! 2-byte big-endian length and a payload; a 1-byte payload is a control code (0 power off,
//! 1 power on, 2 reset, 4 send the ATR), anything longer is a command APDU answered with the
//! response APDU.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::sim::SimCard;
use crate::sim::card::ATR;
use crate::transport::{Transport, TransportError};

/// vpcd's default port (`/etc/reader.conf.d/vpcd`: `CHANNELID 0x8C7B`).
pub const DEFAULT_PORT: u16 = 0x8C7B;

/// Largest frame accepted (a short APDU is at most 261 bytes; extended ones 65 544).
const MAX_FRAME: usize = 65_544;

/// Why serving stopped.
#[derive(Debug, thiserror::Error)]
pub enum VpcdError {
    #[error("cannot reach vpcd at {addr}: {source}")]
    Connect {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("vpcd connection: {0}")]
    Io(#[from] std::io::Error),
    #[error("vpcd sent an empty frame")]
    EmptyFrame,
}

/// How a serve loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// vpcd closed the connection (pcscd stopped).
    ReaderClosed,
    /// The simulated card left the reader (forged "pulled card").
    CardRemoved,
}

/// Connects to vpcd at `addr`, retrying until `timeout` (pcscd loads the driver lazily).
pub fn connect(addr: SocketAddr, timeout: Duration) -> Result<TcpStream, VpcdError> {
    let start = Instant::now();
    loop {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(500)) {
            Ok(s) => {
                s.set_nodelay(true)?;
                return Ok(s);
            }
            Err(source) if start.elapsed() >= timeout => {
                return Err(VpcdError::Connect { addr, source });
            }
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

fn read_frame(stream: &mut TcpStream) -> Result<Option<Vec<u8>>, VpcdError> {
    let mut len = [0u8; 2];
    match stream.read_exact(&mut len) {
        Ok(()) => {}
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::UnexpectedEof | ErrorKind::ConnectionReset
            ) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    }
    let len = usize::from(u16::from_be_bytes(len));
    if len == 0 {
        return Err(VpcdError::EmptyFrame);
    }
    let mut buf = vec![0u8; len.min(MAX_FRAME)];
    stream.read_exact(&mut buf)?;
    Ok(Some(buf))
}

fn write_frame(stream: &mut TcpStream, payload: &[u8]) -> Result<(), VpcdError> {
    let len = u16::try_from(payload.len())
        .map_err(|_| std::io::Error::new(ErrorKind::InvalidInput, "frame too long"))?;
    let mut out = len.to_be_bytes().to_vec();
    out.extend_from_slice(payload);
    stream.write_all(&out)?;
    Ok(())
}

/// Serves `card` on an open vpcd connection until vpcd closes it or the card is "pulled"
/// (then the connection is dropped, which vpcd reports to pcscd as card removal).
pub fn serve(card: &mut SimCard, stream: &mut TcpStream) -> Result<Ended, VpcdError> {
    while let Some(frame) = read_frame(stream)? {
        match frame.as_slice() {
            [0] | [1] | [2] => card.reset(),
            [4] => write_frame(stream, &ATR)?,
            [_] => {}
            apdu => match card.transmit(apdu) {
                Ok(resp) => write_frame(stream, &resp)?,
                Err(TransportError::CardRemoved | TransportError::NoCard) => {
                    tracing::info!("simulated card removed from the virtual reader");
                    let _ = stream.shutdown(std::net::Shutdown::Both);
                    return Ok(Ended::CardRemoved);
                }
                Err(_) => write_frame(stream, &[0x6F, 0x00])?,
            },
        }
    }
    Ok(Ended::ReaderClosed)
}

//! PC/SC transport (feature `pcsc`): the chip reader of a combined document reader, served on
//! Linux by `pcscd`, through the `pcsc` crate. T=1 or T=0 as the card negotiates; a card
//! pulled out surfaces as [`TransportError::CardRemoved`].

use std::ffi::CString;
use std::time::Duration;

use pcsc::{Context, Disposition, Protocols, ReaderState, Scope, ShareMode, State};

use crate::transport::{Transport, TransportError};

fn map(e: pcsc::Error) -> TransportError {
    match e {
        pcsc::Error::RemovedCard | pcsc::Error::ResetCard | pcsc::Error::NoSmartcard => {
            TransportError::CardRemoved
        }
        pcsc::Error::NoService | pcsc::Error::ServiceStopped => {
            TransportError::ReaderUnavailable("pcscd is not running")
        }
        pcsc::Error::UnknownReader | pcsc::Error::ReaderUnavailable => {
            TransportError::ReaderUnavailable("reader gone")
        }
        other => TransportError::Pcsc(other),
    }
}

/// Names of the readers pcscd knows.
pub fn list_readers() -> Result<Vec<String>, TransportError> {
    let ctx = Context::establish(Scope::User).map_err(map)?;
    let names = match ctx.list_readers_owned() {
        Ok(n) => n,
        Err(pcsc::Error::NoReadersAvailable) => return Ok(Vec::new()),
        Err(e) => return Err(map(e)),
    };
    Ok(names
        .into_iter()
        .map(|n| n.to_string_lossy().into_owned())
        .collect())
}

/// Waits until a card is present in `reader` (or `timeout` passes).
pub fn wait_for_card(reader: &str, timeout: Duration) -> Result<(), TransportError> {
    let ctx = Context::establish(Scope::User).map_err(map)?;
    let name = CString::new(reader)
        .map_err(|_| TransportError::ReaderUnavailable("reader name has a NUL byte"))?;
    let mut states = [ReaderState::new(name, State::UNAWARE)];
    let deadline = std::time::Instant::now() + timeout;
    loop {
        ctx.get_status_change(Some(Duration::from_millis(200)), &mut states)
            .or_else(|e| {
                if e == pcsc::Error::Timeout {
                    Ok(())
                } else {
                    Err(map(e))
                }
            })?;
        if states[0].event_state().contains(State::PRESENT) {
            return Ok(());
        }
        if std::time::Instant::now() >= deadline {
            return Err(TransportError::NoCard);
        }
        states[0].sync_current_state();
    }
}

/// A reader pcscd knows, and the ATR of the card in it (`None`: no card, or a mute one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderInfo {
    pub name: String,
    pub atr: Option<Vec<u8>>,
}

/// Every reader and whether a card is in it, as pcscd sees them now.
pub fn reader_infos() -> Result<Vec<ReaderInfo>, TransportError> {
    let names = list_readers()?;
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let ctx = Context::establish(Scope::User).map_err(map)?;
    let mut states = reader_states(&names)?;
    ctx.get_status_change(Some(Duration::ZERO), &mut states)
        .or_else(|e| {
            if e == pcsc::Error::Timeout {
                Ok(())
            } else {
                Err(map(e))
            }
        })?;
    Ok(names
        .into_iter()
        .zip(states.iter())
        .map(|(name, st)| ReaderInfo {
            name,
            atr: card_atr(st),
        })
        .collect())
}

fn reader_states(names: &[String]) -> Result<Vec<ReaderState>, TransportError> {
    names
        .iter()
        .map(|n| {
            CString::new(n.as_str())
                .map(|c| ReaderState::new(c, State::UNAWARE))
                .map_err(|_| TransportError::ReaderUnavailable("reader name has a NUL byte"))
        })
        .collect()
}

fn card_atr(st: &ReaderState) -> Option<Vec<u8>> {
    let ev = st.event_state();
    (ev.contains(State::PRESENT) && !ev.contains(State::MUTE)).then(|| st.atr().to_vec())
}

/// Waits until a card is present in one of `readers`; returns that reader's name and the
/// card's ATR ([`TransportError::NoCard`] after `timeout`).
pub fn wait_for_card_in(
    readers: &[String],
    timeout: Duration,
) -> Result<(String, Vec<u8>), TransportError> {
    if readers.is_empty() {
        return Err(TransportError::ReaderUnavailable("no reader"));
    }
    let ctx = Context::establish(Scope::User).map_err(map)?;
    let mut states = reader_states(readers)?;
    let deadline = std::time::Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        ctx.get_status_change(Some(left.min(Duration::from_millis(200))), &mut states)
            .or_else(|e| {
                if e == pcsc::Error::Timeout {
                    Ok(())
                } else {
                    Err(map(e))
                }
            })?;
        if let Some((name, atr)) = readers
            .iter()
            .zip(states.iter())
            .find_map(|(n, st)| card_atr(st).map(|a| (n.clone(), a)))
        {
            return Ok((name, atr));
        }
        if left.is_zero() {
            return Err(TransportError::NoCard);
        }
        for st in &mut states {
            st.sync_current_state();
        }
    }
}

/// A connected card.
pub struct PcscTransport {
    card: Option<pcsc::Card>,
    reader: String,
}

impl PcscTransport {
    /// Connects to the card in `reader` (exclusive, T=1 or T=0).
    pub fn connect(reader: &str) -> Result<PcscTransport, TransportError> {
        let ctx = Context::establish(Scope::User).map_err(map)?;
        let name = CString::new(reader)
            .map_err(|_| TransportError::ReaderUnavailable("reader name has a NUL byte"))?;
        let card = ctx
            .connect(&name, ShareMode::Exclusive, Protocols::T1 | Protocols::T0)
            .map_err(map)?;
        tracing::info!(reader, "connected to chip");
        Ok(PcscTransport {
            card: Some(card),
            reader: reader.to_string(),
        })
    }

    pub fn reader(&self) -> &str {
        &self.reader
    }

    /// The card's ATR (`None` once the card is gone).
    pub fn atr(&self) -> Option<Vec<u8>> {
        let card = self.card.as_ref()?;
        card.status2_owned().ok().map(|st| st.atr().to_vec())
    }
}

impl Transport for PcscTransport {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        let card = self.card.as_ref().ok_or(TransportError::CardRemoved)?;
        let mut buf = [0u8; pcsc::MAX_BUFFER_SIZE_EXTENDED];
        match card.transmit(apdu, &mut buf) {
            Ok([]) => {
                // Some drivers (vpcd among them) answer an empty response when the card
                // went away mid-command: ask the reader whether the card is still there.
                // pcscd notices a removal on its next poll: give it up to a second.
                let gone = (0..10).any(|_| {
                    let gone = match card.status2_owned() {
                        Ok(st) => !st.status().contains(pcsc::Status::PRESENT),
                        Err(e) => matches!(
                            map(e),
                            TransportError::CardRemoved | TransportError::ReaderUnavailable(_)
                        ),
                    };
                    if !gone {
                        std::thread::sleep(Duration::from_millis(100));
                    }
                    gone
                });
                if gone {
                    self.card = None;
                    return Err(TransportError::CardRemoved);
                }
                Err(TransportError::ReaderUnavailable(
                    "reader returned an empty response",
                ))
            }
            Ok(resp) => Ok(resp.to_vec()),
            Err(e) => {
                let err = map(e);
                if matches!(err, TransportError::CardRemoved) {
                    self.card = None;
                }
                Err(err)
            }
        }
    }
}

impl Drop for PcscTransport {
    fn drop(&mut self) {
        if let Some(card) = self.card.take() {
            let _ = card.disconnect(Disposition::ResetCard);
        }
    }
}

//! A live test of a chip without its MRZ (the technician's "test read"): does a card answer,
//! does it carry the eMRTD application, and which PACE variants does its EF.CardAccess offer.
//! Only commands a chip answers in the clear: SELECT EF.CardAccess and READ BINARY in the
//! master file, then SELECT of the eMRTD application.

use serde::Serialize;

use crate::apdu::{self, Response, fid, sw};
use crate::lds::{self, SecurityInfo};
use crate::pace::PaceParams;
use crate::reader::ChipError;
use crate::tlv;
use crate::transport::Transport;

/// What a chip showed without its access key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Probe {
    /// The eMRTD application (`A0 00 00 02 47 10 01`) answered SELECT.
    pub emrtd: bool,
    /// PACE variants EF.CardAccess offers that the driver speaks (`PACE-GM P-256 AES-128`).
    pub pace: Vec<String>,
    /// PACE variants offered that the driver does not speak (their protocol OIDs).
    pub pace_unsupported: Vec<String>,
}

fn send<T: Transport>(t: &mut T, cmd: &apdu::Command) -> Result<Response, ChipError> {
    Ok(Response::parse(&t.transmit(&cmd.to_bytes()?)?)?)
}

/// EF.CardAccess in the clear (`None` when the chip has none).
fn card_access<T: Transport>(t: &mut T) -> Result<Option<Vec<u8>>, ChipError> {
    if send(t, &apdu::select_ef(fid::CARD_ACCESS))?.sw != sw::OK {
        return Ok(None);
    }
    let head = send(t, &apdu::read_binary(0, 4)?)?;
    if !head.is_ok() {
        return Ok(None);
    }
    let Ok((_, header, len)) = tlv::parse_header(&head.data) else {
        return Ok(None);
    };
    let total = (header + len).min(4096);
    let mut data = head.data;
    while data.len() < total {
        let r = send(
            t,
            &apdu::read_binary(data.len(), (total - data.len()).min(0xDF))?,
        )?;
        if !r.is_ok() || r.data.is_empty() {
            return Ok(None);
        }
        data.extend_from_slice(&r.data);
    }
    data.truncate(total);
    Ok(Some(data))
}

/// Probes the chip on `t`. Transport errors (no card, card pulled) are errors; a chip that
/// answers but has no eMRTD application is `emrtd: false`.
pub fn probe<T: Transport>(t: &mut T) -> Result<Probe, ChipError> {
    let mut out = Probe {
        emrtd: false,
        pace: Vec::new(),
        pace_unsupported: Vec::new(),
    };
    if let Some(bytes) = card_access(t)?
        && let Ok(infos) = lds::parse_security_infos("EF.CardAccess", &bytes)
    {
        for info in infos {
            if let SecurityInfo::Pace {
                protocol,
                parameter_id,
                ..
            } = info
            {
                match parameter_id.map(|id| PaceParams::from_info(&protocol, id)) {
                    Some(Ok(p)) => {
                        out.pace
                            .push(format!("PACE-GM {} {}", p.curve.name(), p.cipher.name()))
                    }
                    _ => out.pace_unsupported.push(protocol.to_string()),
                }
            }
        }
    }
    out.emrtd = send(t, &apdu::select_aid())?.sw == sw::OK;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimCard;
    use crate::sim::demo::demo_card;
    use crate::transport::TransportError;

    const TD1: [&str; 3] = [
        "IDAZEAA123456785ZX7K2P<<<<<<<<",
        "9003152M3403152AZE<<<<<<<<<<<1",
        "MAMMADOV<<ALI<<<<<<<<<<<<<<<<<",
    ];

    #[test]
    fn probes_the_demo_chip_without_its_mrz() {
        let profile = demo_card(&TD1, false).and_then(|p| p.build());
        let mut card = SimCard::new(profile.unwrap_or_else(|e| panic!("{e}")));
        let p = probe(&mut card).unwrap_or_else(|e| panic!("{e}"));
        assert!(p.emrtd);
        assert_eq!(p.pace, vec!["PACE-GM P-256 AES-128".to_owned()]);
        assert!(p.pace_unsupported.is_empty());
    }

    /// A card that answers every command with "file not found": not an eMRTD.
    struct Blank;
    impl Transport for Blank {
        fn transmit(&mut self, _: &[u8]) -> Result<Vec<u8>, TransportError> {
            Ok(vec![0x6A, 0x82])
        }
    }

    /// A card that is pulled at once.
    struct Gone;
    impl Transport for Gone {
        fn transmit(&mut self, _: &[u8]) -> Result<Vec<u8>, TransportError> {
            Err(TransportError::CardRemoved)
        }
    }

    #[test]
    fn blank_and_missing_cards() {
        let p = probe(&mut Blank).unwrap_or_else(|e| panic!("{e}"));
        assert!(!p.emrtd && p.pace.is_empty());
        assert!(matches!(
            probe(&mut Gone),
            Err(ChipError::Transport(TransportError::CardRemoved))
        ));
    }
}

//! The simulated eMRTD application: SELECT, READ BINARY, BAC (GET CHALLENGE / EXTERNAL
//! AUTHENTICATE), PACE-GM (MSE:Set AT + GENERAL AUTHENTICATE chain), Chip Authentication
//! (MSE:Set KAT, or MSE:Set AT + GENERAL AUTHENTICATE) and Active Authentication (INTERNAL
//! AUTHENTICATE), with secure messaging as a real chip does it. It implements [`Transport`]
//! in process; the `vpcd` module puts it behind a virtual PC/SC reader.

use const_oid::ObjectIdentifier;

use super::profile::{AaKey, CardProfile, SimAccess};
use crate::apdu::{Command, EMRTD_AID, Response, fid, sw};
use crate::auth;
use crate::bac;
use crate::crypto;
use crate::pace::{PaceCard, PaceParams};
use crate::sig::{self, HashAlg};
use crate::sm::SecureMessaging;
use crate::tlv;
use crate::transport::{Transport, TransportError};

/// ATR of the simulated card: a PC/SC constructed ATR of a contactless ISO 14443-4 card
/// (`3B 88 80 01`, 8 historical bytes, check byte TCK).
pub const ATR: [u8; 13] = [
    0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x77, 0x81, 0x81, 0x00, 0x7E,
];

enum Pending {
    None,
    Bac { rnd_ic: [u8; 8] },
    Pace { card: Box<PaceCard>, step: u8 },
    CaAes,
}

/// A simulated card in a reader.
pub struct SimCard {
    profile: CardProfile,
    sm: Option<SecureMessaging>,
    /// Session to switch to after the current response (Chip Authentication).
    next_sm: Option<SecureMessaging>,
    app_selected: bool,
    selected: Option<u16>,
    pending: Pending,
    apdus: usize,
    present: bool,
}

impl SimCard {
    pub fn new(profile: CardProfile) -> SimCard {
        SimCard {
            profile,
            sm: None,
            next_sm: None,
            app_selected: false,
            selected: None,
            pending: Pending::None,
            apdus: 0,
            present: true,
        }
    }

    /// Power cycle: the chip forgets its session.
    pub fn reset(&mut self) {
        self.sm = None;
        self.next_sm = None;
        self.app_selected = false;
        self.selected = None;
        self.pending = Pending::None;
    }

    /// Whether the card is still in the reader (see `Forgery::remove_after_apdus`).
    pub fn is_present(&self) -> bool {
        self.present
    }

    /// APDUs processed since creation.
    pub fn apdu_count(&self) -> usize {
        self.apdus
    }

    /// Processes one command APDU and returns the response APDU bytes.
    pub fn process(&mut self, apdu: &[u8]) -> Vec<u8> {
        self.apdus += 1;
        let Ok(cmd) = Command::parse(apdu) else {
            return Response::status(sw::WRONG_LENGTH).to_bytes();
        };
        let protected = cmd.cla & 0x0C == 0x0C;
        match (&mut self.sm, protected) {
            (Some(sm), true) => {
                let plain = match sm.unwrap_command(&cmd) {
                    Ok(p) => p,
                    Err(_) => {
                        self.reset();
                        return Response::status(sw::SM_OBJECTS_INCORRECT).to_bytes();
                    }
                };
                let resp = self.dispatch(&plain);
                let wrapped = match &mut self.sm {
                    Some(sm) => sm
                        .wrap_response(&resp)
                        .map(|r| r.to_bytes())
                        .unwrap_or_else(|_| Response::status(sw::SM_OBJECTS_INCORRECT).to_bytes()),
                    None => resp.to_bytes(),
                };
                if let Some(next) = self.next_sm.take() {
                    self.sm = Some(next);
                }
                wrapped
            }
            (None, true) => Response::status(sw::SM_OBJECTS_MISSING).to_bytes(),
            (Some(_), false) => {
                // A plain command ends the secure session, as on a real chip.
                self.reset();
                self.dispatch(&cmd).to_bytes()
            }
            (None, false) => self.dispatch(&cmd).to_bytes(),
        }
    }

    fn dispatch(&mut self, cmd: &Command) -> Response {
        match cmd.ins {
            0xA4 => self.select(cmd),
            0xB0 => self.read_binary(cmd),
            0x84 => self.get_challenge(),
            0x82 => self.external_authenticate(cmd),
            0x22 => self.mse(cmd),
            0x86 => self.general_authenticate(cmd),
            0x88 => self.internal_authenticate(cmd),
            _ => Response::status(sw::INS_NOT_SUPPORTED),
        }
    }

    fn select(&mut self, cmd: &Command) -> Response {
        match cmd.p1 {
            0x04 if cmd.data == EMRTD_AID => {
                self.app_selected = true;
                self.selected = None;
                Response::status(sw::OK)
            }
            0x04 => Response::status(sw::FILE_NOT_FOUND),
            0x00 => {
                self.app_selected = false;
                self.selected = None;
                Response::status(sw::OK)
            }
            0x02 if cmd.data.len() == 2 => {
                let f = u16::from_be_bytes([cmd.data[0], cmd.data[1]]);
                if !self.profile.files.contains_key(&f) {
                    return Response::status(sw::FILE_NOT_FOUND);
                }
                if f != fid::CARD_ACCESS && (self.sm.is_none() || !self.app_selected) {
                    return Response::status(sw::SECURITY_NOT_SATISFIED);
                }
                self.selected = Some(f);
                Response::status(sw::OK)
            }
            _ => Response::status(sw::WRONG_P1P2),
        }
    }

    fn read_binary(&mut self, cmd: &Command) -> Response {
        let Some(file) = self.selected.and_then(|f| self.profile.files.get(&f)) else {
            return Response::status(sw::CONDITIONS_NOT_SATISFIED);
        };
        let offset = usize::from(u16::from_be_bytes([cmd.p1 & 0x7F, cmd.p2]));
        if offset > file.len() {
            return Response::status(sw::WRONG_P1P2);
        }
        let end = (offset + cmd.le.unwrap_or(256)).min(file.len());
        let mut r = Response::ok(file[offset..end].to_vec());
        if end - offset < cmd.le.unwrap_or(0) {
            r.sw = sw::END_OF_FILE;
        }
        r
    }

    fn get_challenge(&mut self) -> Response {
        let Ok(rnd) = crypto::random_bytes(8) else {
            return Response::status(sw::CONDITIONS_NOT_SATISFIED);
        };
        let mut rnd_ic = [0u8; 8];
        rnd_ic.copy_from_slice(&rnd);
        self.pending = Pending::Bac { rnd_ic };
        Response::ok(rnd_ic.to_vec())
    }

    fn external_authenticate(&mut self, cmd: &Command) -> Response {
        let Pending::Bac { rnd_ic } = std::mem::replace(&mut self.pending, Pending::None) else {
            return Response::status(sw::CONDITIONS_NOT_SATISFIED);
        };
        let Ok(k) = crypto::random_bytes(16) else {
            return Response::status(sw::CONDITIONS_NOT_SATISFIED);
        };
        let mut k_ic = [0u8; 16];
        k_ic.copy_from_slice(&k);
        match bac::card_respond(
            &bac::keys(&self.profile.access_key),
            &rnd_ic,
            &k_ic,
            &cmd.data,
        ) {
            Ok((answer, sm)) => {
                self.sm = Some(sm);
                Response::ok(answer)
            }
            Err(_) => Response::status(sw::SECURITY_NOT_SATISFIED),
        }
    }

    fn mse(&mut self, cmd: &Command) -> Response {
        let Ok(objects) = tlv::parse_all(&cmd.data) else {
            return Response::status(sw::WRONG_DATA);
        };
        let find = |tag: u32| {
            objects
                .iter()
                .find(|t| t.tag == tag)
                .map(|t| t.value.to_vec())
        };
        match (cmd.p1, cmd.p2) {
            (0xC1, 0xA4) => {
                let SimAccess::Pace(params) = self.profile.access else {
                    return Response::status(sw::REF_NOT_FOUND);
                };
                if find(0x80).as_deref() != Some(params.oid().as_bytes())
                    || find(0x83).as_deref() != Some(&[0x01])
                {
                    return Response::status(sw::REF_NOT_FOUND);
                }
                match new_pace(params) {
                    Some(card) => {
                        self.sm = None;
                        self.pending = Pending::Pace {
                            card: Box::new(card),
                            step: 1,
                        };
                        Response::status(sw::OK)
                    }
                    None => Response::status(sw::CONDITIONS_NOT_SATISFIED),
                }
            }
            (0x41, 0xA4) => {
                let offered = self.profile.ca.as_ref().map(|ca| ca_protocol(ca.cipher));
                match (
                    find(0x80).and_then(|o| ObjectIdentifier::from_bytes(&o).ok()),
                    offered,
                ) {
                    (Some(asked), Some(offered)) if asked == offered && self.sm.is_some() => {
                        self.pending = Pending::CaAes;
                        Response::status(sw::OK)
                    }
                    _ => Response::status(sw::REF_NOT_FOUND),
                }
            }
            (0x41, 0xA6) => match find(0x91) {
                Some(pk) => self.chip_authenticate(&pk),
                None => Response::status(sw::WRONG_DATA),
            },
            _ => Response::status(sw::WRONG_P1P2),
        }
    }

    /// Chip Authentication: the new session starts after this answer.
    fn chip_authenticate(&mut self, terminal_pk: &[u8]) -> Response {
        let (Some(ca), true) = (&self.profile.ca, self.sm.is_some()) else {
            return Response::status(sw::CONDITIONS_NOT_SATISFIED);
        };
        match auth::ca_session(ca.curve, ca.cipher, terminal_pk, &ca.secret) {
            Ok(sm) => {
                self.next_sm = Some(sm);
                Response::status(sw::OK)
            }
            Err(_) => Response::status(sw::WRONG_DATA),
        }
    }

    fn general_authenticate(&mut self, cmd: &Command) -> Response {
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::CaAes => {
                let pk = tlv::parse_single(&cmd.data)
                    .ok()
                    .and_then(|t| t.child(0x80).ok().flatten())
                    .map(|t| t.value.to_vec());
                match pk {
                    Some(pk) => {
                        let r = self.chip_authenticate(&pk);
                        if r.sw == sw::OK {
                            Response::ok(vec![0x7C, 0x00])
                        } else {
                            r
                        }
                    }
                    None => Response::status(sw::WRONG_DATA),
                }
            }
            Pending::Pace { mut card, step } => {
                let result = match step {
                    1 => card.encrypted_nonce(&self.profile.access_key),
                    2 => card.map(&cmd.data),
                    3 => card.key_agreement(&cmd.data),
                    _ => match card.mutual_auth(&cmd.data) {
                        Ok((answer, sm)) => {
                            self.sm = Some(sm);
                            return Response::ok(answer);
                        }
                        Err(_) => return Response::status(sw::AUTH_FAILED),
                    },
                };
                match result {
                    Ok(data) => {
                        self.pending = Pending::Pace {
                            card,
                            step: step + 1,
                        };
                        Response::ok(data)
                    }
                    Err(_) => Response::status(sw::WRONG_DATA),
                }
            }
            _ => Response::status(sw::CONDITIONS_NOT_SATISFIED),
        }
    }

    fn internal_authenticate(&mut self, cmd: &Command) -> Response {
        if self.sm.is_none() || cmd.data.len() != 8 {
            return Response::status(sw::CONDITIONS_NOT_SATISFIED);
        }
        let signed = match &self.profile.aa {
            Some(AaKey::Ec { curve, secret }) => {
                sig::sign_ecdsa(*curve, secret, &HashAlg::Sha256.digest(&cmd.data), true).ok()
            }
            Some(AaKey::Rsa(k)) => auth::sign_rsa_9796(k, &cmd.data).ok(),
            None => return Response::status(sw::INS_NOT_SUPPORTED),
        };
        match signed {
            Some(s) => Response::ok(s),
            None => Response::status(sw::CONDITIONS_NOT_SATISFIED),
        }
    }
}

fn ca_protocol(cipher: crate::crypto::Cipher) -> ObjectIdentifier {
    let last = match cipher {
        crate::crypto::Cipher::Tdes => "1",
        crate::crypto::Cipher::Aes128 => "2",
        crate::crypto::Cipher::Aes192 => "3",
        crate::crypto::Cipher::Aes256 => "4",
    };
    ObjectIdentifier::new(&format!("{}.{last}", crate::lds::ID_CA_ECDH))
        .unwrap_or(ObjectIdentifier::new_unwrap(crate::lds::ID_CA_ECDH))
}

fn new_pace(params: PaceParams) -> Option<PaceCard> {
    let nonce = crypto::random_bytes(params.cipher.block_size()).ok()?;
    Some(PaceCard::new(
        params,
        nonce,
        params.curve.random_scalar().ok()?,
        params.curve.random_scalar().ok()?,
    ))
}

impl Transport for SimCard {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        if !self.present {
            return Err(TransportError::NoCard);
        }
        if let Some(limit) = self.profile.remove_after_apdus
            && self.apdus >= limit
        {
            self.present = false;
            self.reset();
            return Err(TransportError::CardRemoved);
        }
        Ok(self.process(apdu))
    }
}

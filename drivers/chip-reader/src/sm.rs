//! Secure messaging (ICAO 9303-11 §9.8) with a send-sequence counter, for both ends: the
//! terminal wraps commands and unwraps responses; the card simulator unwraps commands and
//! wraps responses with the same code. Keys and counter are zeroized on drop; MACs are
//! compared in constant time.

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::apdu::{Command, Response};
use crate::crypto::{self, Cipher, CryptoError, mac_eq, pad, unpad};
use crate::tlv::{self, TlvError};

/// Why a secure-messaging exchange failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmError {
    #[error("secure messaging MAC does not verify")]
    BadMac,
    #[error("secure messaging object {0:#04x} is missing")]
    Missing(u8),
    #[error("secure messaging objects are malformed: {0}")]
    Malformed(&'static str),
    #[error("secure messaging TLV: {0}")]
    Tlv(#[from] TlvError),
    #[error("secure messaging crypto: {0}")]
    Crypto(#[from] CryptoError),
    #[error("command does not fit a short APDU once protected")]
    TooLong,
}

/// Session keys and send-sequence counter.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecureMessaging {
    #[zeroize(skip)]
    cipher: Cipher,
    k_enc: Vec<u8>,
    k_mac: Vec<u8>,
    ssc: Vec<u8>,
}

impl std::fmt::Debug for SecureMessaging {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SecureMessaging({}, <keys redacted>)",
            self.cipher.name()
        )
    }
}

impl SecureMessaging {
    /// A session; `ssc` must be one cipher block long (8 bytes for 3DES, 16 for AES).
    pub fn new(cipher: Cipher, k_enc: &[u8], k_mac: &[u8], ssc: &[u8]) -> Result<Self, SmError> {
        if k_enc.len() != cipher.key_len() || k_mac.len() != cipher.key_len() {
            return Err(CryptoError::KeyLength(k_enc.len()).into());
        }
        if ssc.len() != cipher.block_size() {
            return Err(SmError::Malformed("send-sequence counter length"));
        }
        Ok(SecureMessaging {
            cipher,
            k_enc: k_enc.to_vec(),
            k_mac: k_mac.to_vec(),
            ssc: ssc.to_vec(),
        })
    }

    /// A session with the counter at zero (after PACE and Chip Authentication).
    pub fn with_zero_ssc(cipher: Cipher, k_enc: &[u8], k_mac: &[u8]) -> Result<Self, SmError> {
        SecureMessaging::new(cipher, k_enc, k_mac, &vec![0; cipher.block_size()])
    }

    pub fn cipher(&self) -> Cipher {
        self.cipher
    }

    /// The current send-sequence counter.
    pub fn ssc(&self) -> &[u8] {
        &self.ssc
    }

    fn increment(&mut self) {
        for b in self.ssc.iter_mut().rev() {
            let (v, carry) = b.overflowing_add(1);
            *b = v;
            if !carry {
                break;
            }
        }
    }

    fn iv(&self) -> Result<Option<Vec<u8>>, SmError> {
        Ok(match self.cipher {
            Cipher::Tdes => None,
            _ => Some(crypto::encrypt_block(self.cipher, &self.k_enc, &self.ssc)?),
        })
    }

    fn mac_over(&self, parts: &[&[u8]]) -> Result<[u8; 8], SmError> {
        let mut m = self.ssc.clone();
        for p in parts {
            m.extend_from_slice(p);
        }
        Ok(crypto::mac(
            self.cipher,
            &self.k_mac,
            &pad(&m, self.cipher.block_size()),
        )?)
    }

    fn encrypt_data(&self, data: &[u8]) -> Result<Vec<u8>, SmError> {
        let iv = self.iv()?;
        let padded = pad(data, self.cipher.block_size());
        Ok(crypto::encrypt(
            self.cipher,
            &self.k_enc,
            iv.as_deref(),
            &padded,
        )?)
    }

    fn decrypt_data(&self, enc: &[u8]) -> Result<Vec<u8>, SmError> {
        let iv = self.iv()?;
        let plain = crypto::decrypt(self.cipher, &self.k_enc, iv.as_deref(), enc)?;
        Ok(unpad(&plain)?.to_vec())
    }

    /// Terminal: protects a command (masked CLA, DO87/DO85, DO97, DO8E; Le 00).
    pub fn wrap(&mut self, cmd: &Command) -> Result<Command, SmError> {
        self.increment();
        let cla = cmd.cla | 0x0C;
        let header = pad(&[cla, cmd.ins, cmd.p1, cmd.p2], self.cipher.block_size());
        let mut do87 = Vec::new();
        if !cmd.data.is_empty() {
            let enc = self.encrypt_data(&cmd.data)?;
            do87 = if cmd.ins & 1 == 1 {
                tlv::encode(0x85, &enc)
            } else {
                let mut v = vec![0x01];
                v.extend_from_slice(&enc);
                tlv::encode(0x87, &v)
            };
        }
        let do97 = match cmd.le {
            Some(le) => tlv::encode(0x97, &[if le >= 256 { 0 } else { le as u8 }]),
            None => Vec::new(),
        };
        let cc = self.mac_over(&[&header, &do87, &do97])?;
        let mut data = do87;
        data.extend_from_slice(&do97);
        data.extend_from_slice(&tlv::encode(0x8E, &cc));
        if data.len() > 255 {
            return Err(SmError::TooLong);
        }
        Ok(Command::new(cla, cmd.ins, cmd.p1, cmd.p2)
            .with_data(data)
            .with_le(256))
    }

    /// Terminal: verifies and decrypts a protected response.
    pub fn unwrap(&mut self, resp: &Response) -> Result<Response, SmError> {
        self.increment();
        let objects = tlv::parse_all(&resp.data)?;
        let mut do87 = None;
        let mut do99 = None;
        let mut do8e = None;
        let mut maced = Vec::new();
        for o in &objects {
            match o.tag {
                0x87 | 0x85 => {
                    do87 = Some(*o);
                    maced.extend_from_slice(&tlv::encode(o.tag, o.value));
                }
                0x99 => {
                    do99 = Some(*o);
                    maced.extend_from_slice(&tlv::encode(o.tag, o.value));
                }
                0x8E => do8e = Some(*o),
                _ => return Err(SmError::Malformed("unexpected object in response")),
            }
        }
        let do8e = do8e.ok_or(SmError::Missing(0x8E))?;
        let do99 = do99.ok_or(SmError::Missing(0x99))?;
        let expected = self.mac_over(&[&maced])?;
        if !mac_eq(&expected, do8e.value) {
            return Err(SmError::BadMac);
        }
        if do99.value.len() != 2 {
            return Err(SmError::Malformed("status word object length"));
        }
        let sw = u16::from_be_bytes([do99.value[0], do99.value[1]]);
        let data = match do87 {
            Some(o) if o.tag == 0x87 => match o.value.split_first() {
                Some((0x01, enc)) => self.decrypt_data(enc)?,
                _ => return Err(SmError::Malformed("padding-content indicator")),
            },
            Some(o) => self.decrypt_data(o.value)?,
            None => Vec::new(),
        };
        Ok(Response { data, sw })
    }

    /// Card: verifies and decrypts a protected command.
    pub fn unwrap_command(&mut self, cmd: &Command) -> Result<Command, SmError> {
        self.increment();
        if cmd.cla & 0x0C != 0x0C {
            return Err(SmError::Malformed("command is not protected"));
        }
        let header = pad(
            &[cmd.cla, cmd.ins, cmd.p1, cmd.p2],
            self.cipher.block_size(),
        );
        let mut plain = Command::new(cmd.cla & !0x0C, cmd.ins, cmd.p1, cmd.p2);
        let mut maced = Vec::new();
        let mut mac = None;
        let mut enc = None;
        for o in tlv::parse_all(&cmd.data)? {
            match o.tag {
                0x87 | 0x85 => {
                    enc = Some(o);
                    maced.extend_from_slice(&tlv::encode(o.tag, o.value));
                }
                0x97 => {
                    let le = o
                        .value
                        .first()
                        .copied()
                        .ok_or(SmError::Malformed("empty Le"))?;
                    plain.le = Some(if le == 0 { 256 } else { usize::from(le) });
                    maced.extend_from_slice(&tlv::encode(o.tag, o.value));
                }
                0x8E => mac = Some(o.value.to_vec()),
                _ => return Err(SmError::Malformed("unexpected object in command")),
            }
        }
        let mac = mac.ok_or(SmError::Missing(0x8E))?;
        let expected = self.mac_over(&[&header, &maced])?;
        if !mac_eq(&expected, &mac) {
            return Err(SmError::BadMac);
        }
        if let Some(o) = enc {
            plain.data = match (o.tag, o.value.split_first()) {
                (0x87, Some((0x01, enc))) => self.decrypt_data(enc)?,
                (0x85, _) => self.decrypt_data(o.value)?,
                _ => return Err(SmError::Malformed("padding-content indicator")),
            };
        }
        Ok(plain)
    }

    /// Card: protects a response (DO87, DO99, DO8E).
    pub fn wrap_response(&mut self, resp: &Response) -> Result<Response, SmError> {
        self.increment();
        let mut data = Vec::new();
        if !resp.data.is_empty() {
            let mut v = vec![0x01];
            v.extend_from_slice(&self.encrypt_data(&resp.data)?);
            data.extend_from_slice(&tlv::encode(0x87, &v));
        }
        data.extend_from_slice(&tlv::encode(0x99, &resp.sw.to_be_bytes()));
        let cc = self.mac_over(&[&data])?;
        data.extend_from_slice(&tlv::encode(0x8E, &cc));
        Ok(Response { data, sw: resp.sw })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apdu;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    /// ICAO 9303-11 Appendix D.4: reading EF.COM after the D.3 BAC.
    #[test]
    fn tdes_secure_messaging_matches_9303_11_appendix_d4() {
        let mut sm = SecureMessaging::new(
            Cipher::Tdes,
            &h("979EC13B1CBFE9DCD01AB0FED307EAE5"),
            &h("F1CB1F1FB5ADF208806B89DC579DC1F8"),
            &h("887022120C06C226"),
        )
        .unwrap();
        let cmd = sm.wrap(&apdu::select_ef(apdu::fid::COM)).unwrap();
        assert_eq!(
            cmd.to_bytes().unwrap(),
            h("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")
        );
        let r = sm
            .unwrap(&Response::parse(&h("990290008E08FA855A5D4C50A8ED9000")).unwrap())
            .unwrap();
        assert_eq!((r.sw, r.data.len()), (0x9000, 0));
        let cmd = sm.wrap(&apdu::read_binary(0, 4).unwrap()).unwrap();
        assert_eq!(
            cmd.to_bytes().unwrap(),
            h("0CB000000D9701048E08ED6705417E96BA5500")
        );
        let r = sm
            .unwrap(
                &Response::parse(&h("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000"))
                    .unwrap(),
            )
            .unwrap();
        assert_eq!(r.data, h("60145F01"));
        let cmd = sm.wrap(&apdu::read_binary(4, 0x12).unwrap()).unwrap();
        assert_eq!(
            cmd.to_bytes().unwrap(),
            h("0CB000040D9701128E082EA28A70F3C7B53500")
        );
        let r = sm
            .unwrap(
                &Response::parse(&h(
                    "871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000",
                ))
                .unwrap(),
            )
            .unwrap();
        assert_eq!(r.data, h("04303130365F36063034303030305C026175"));
        assert_eq!(sm.ssc(), &h("887022120C06C22C")[..]);
    }

    #[test]
    fn tampered_response_is_refused() {
        let mut sm = SecureMessaging::new(
            Cipher::Tdes,
            &h("979EC13B1CBFE9DCD01AB0FED307EAE5"),
            &h("F1CB1F1FB5ADF208806B89DC579DC1F8"),
            &h("887022120C06C226"),
        )
        .unwrap();
        sm.wrap(&apdu::select_ef(apdu::fid::COM)).unwrap();
        let bad = Response::parse(&h("990290008E08FA855A5D4C50A8EE9000")).unwrap();
        assert_eq!(sm.unwrap(&bad), Err(SmError::BadMac));
        let no_mac = Response::parse(&h("990290009000")).unwrap();
        assert_eq!(sm.unwrap(&no_mac), Err(SmError::Missing(0x8E)));
    }

    #[test]
    fn both_ends_agree_in_every_cipher() {
        for c in [Cipher::Tdes, Cipher::Aes128, Cipher::Aes192, Cipher::Aes256] {
            let k1 = vec![0x11; c.key_len()];
            let k2 = vec![0x22; c.key_len()];
            let mut term = SecureMessaging::with_zero_ssc(c, &k1, &k2).unwrap();
            let mut card = term.clone();
            for cmd in [
                apdu::select_ef(0x0101),
                apdu::read_binary(7, 200).unwrap(),
                apdu::internal_authenticate(&[9; 8]),
            ] {
                let wrapped = term.wrap(&cmd).unwrap();
                assert_eq!(card.unwrap_command(&wrapped).unwrap().data, cmd.data);
                let resp = Response::ok(vec![0xAB; 200]);
                let protected = card.wrap_response(&resp).unwrap();
                assert_eq!(term.unwrap(&protected).unwrap(), resp);
            }
        }
    }
}

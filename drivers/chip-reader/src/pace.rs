//! PACE with ECDH Generic Mapping (ICAO 9303-11 §4.4), as pure state machines for the
//! terminal ([`PaceTerminal`]) and the card simulator ([`PaceCard`]). The caller moves the
//! APDUs; ephemeral keys are passed in, so tests can replay the published worked example.

use const_oid::ObjectIdentifier;
use der::Encode;
use serde::Serialize;
use sha1::{Digest, Sha1};
use zeroize::Zeroizing;

use crate::apdu::{self, Command};
use crate::crypto::{self, Cipher, CryptoError, SecretBytes, mac_eq};
use crate::ec::{Curve, EcError};
use crate::key::AccessKey;
use crate::sm::{SecureMessaging, SmError};
use crate::tlv::{self, TlvError};

/// `id-PACE-ECDH-GM` (0.4.0.127.0.7.2.2.4.2); the last arc picks the cipher.
pub const ID_PACE_ECDH_GM: &str = "0.4.0.127.0.7.2.2.4.2";

/// Why PACE failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaceError {
    #[error("PACE protocol {0} is not supported (only ECDH Generic Mapping)")]
    Unsupported(String),
    #[error("PACE domain parameters {0} are not supported")]
    UnsupportedCurve(u32),
    #[error("PACE message is malformed: {0}")]
    Malformed(&'static str),
    #[error("PACE step out of order")]
    OutOfOrder,
    #[error("PACE authentication token does not verify (wrong MRZ or not this card)")]
    BadToken,
    #[error("PACE public keys of both sides are equal")]
    SameKey,
    #[error("PACE point or scalar: {0}")]
    Ec(#[from] EcError),
    #[error("PACE crypto: {0}")]
    Crypto(#[from] CryptoError),
    #[error("PACE TLV: {0}")]
    Tlv(#[from] TlvError),
    #[error("PACE session: {0}")]
    Sm(#[from] SmError),
}

/// A PACE variant: ECDH-GM on `curve` with `cipher` secure messaging.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PaceParams {
    pub curve: Curve,
    pub cipher: Cipher,
}

impl PaceParams {
    /// From a PACEInfo protocol OID and standardized parameter id.
    pub fn from_info(
        protocol: &ObjectIdentifier,
        parameter_id: u32,
    ) -> Result<PaceParams, PaceError> {
        let s = protocol.to_string();
        let cipher = match s
            .strip_prefix(ID_PACE_ECDH_GM)
            .and_then(|t| t.strip_prefix('.'))
        {
            Some("1") => Cipher::Tdes,
            Some("2") => Cipher::Aes128,
            Some("3") => Cipher::Aes192,
            Some("4") => Cipher::Aes256,
            _ => return Err(PaceError::Unsupported(s)),
        };
        let curve = Curve::from_parameter_id(parameter_id)
            .ok_or(PaceError::UnsupportedCurve(parameter_id))?;
        Ok(PaceParams { curve, cipher })
    }

    /// The protocol object identifier.
    pub fn oid(&self) -> ObjectIdentifier {
        let last = match self.cipher {
            Cipher::Tdes => 1,
            Cipher::Aes128 => 2,
            Cipher::Aes192 => 3,
            Cipher::Aes256 => 4,
        };
        ObjectIdentifier::new_unwrap(ID_PACE_ECDH_GM)
            .push_arc(last)
            .unwrap_or_else(|_| ObjectIdentifier::new_unwrap(ID_PACE_ECDH_GM))
    }

    fn oid_value(&self) -> Vec<u8> {
        self.oid().as_bytes().to_vec()
    }

    /// Public key data object `7F49 { 06 OID, 86 point }` the tokens are computed over.
    fn key_object(&self, point: &[u8]) -> Vec<u8> {
        let mut v = tlv::encode(0x06, &self.oid_value());
        v.extend_from_slice(&tlv::encode(0x86, point));
        tlv::encode(0x7F49, &v)
    }

    /// Authentication token: retail MAC over the padded key object (3DES), CMAC over the
    /// unpadded object (AES; CMAC pads on its own).
    fn token(&self, k_mac: &[u8], point: &[u8]) -> Result<[u8; 8], PaceError> {
        let object = self.key_object(point);
        Ok(match self.cipher {
            Cipher::Tdes => crypto::mac(self.cipher, k_mac, &crypto::pad(&object, 8))?,
            _ => crypto::cmac(self.cipher, k_mac, &object)?,
        })
    }
}

/// K_π = KDF_π(π) with π = SHA-1(MRZ_information) (9303-11 §9.7.3).
pub fn password_key(cipher: Cipher, key: &AccessKey) -> SecretBytes {
    let pi = Zeroizing::new(Sha1::digest(key.mrz_information()).to_vec());
    crypto::kdf(cipher, &pi, 3)
}

/// The single data object inside a dynamic authentication data `7C` answer.
fn dynamic_object(data: &[u8], tag: u32) -> Result<Vec<u8>, PaceError> {
    let outer = tlv::parse_single(data)?;
    if outer.tag != 0x7C {
        return Err(PaceError::Malformed(
            "answer is not dynamic authentication data",
        ));
    }
    outer
        .child(tag)?
        .map(|t| t.value.to_vec())
        .ok_or(PaceError::Malformed("expected data object missing"))
}

fn session_keys(params: &PaceParams, shared: &[u8]) -> (SecretBytes, SecretBytes) {
    (
        crypto::kdf(params.cipher, shared, 1),
        crypto::kdf(params.cipher, shared, 2),
    )
}

/// The terminal's side of PACE.
pub struct PaceTerminal {
    params: PaceParams,
    k_pi: SecretBytes,
    nonce: Option<SecretBytes>,
    map_sk: Option<SecretBytes>,
    generator: Option<Vec<u8>>,
    eph_sk: Option<SecretBytes>,
    eph_pk: Option<Vec<u8>>,
    chip_eph_pk: Option<Vec<u8>>,
    keys: Option<(SecretBytes, SecretBytes)>,
}

impl PaceTerminal {
    pub fn new(params: PaceParams, key: &AccessKey) -> Self {
        PaceTerminal {
            params,
            k_pi: password_key(params.cipher, key),
            nonce: None,
            map_sk: None,
            generator: None,
            eph_sk: None,
            eph_pk: None,
            chip_eph_pk: None,
            keys: None,
        }
    }

    /// MSE:Set AT selecting PACE with the MRZ password; the parameter id is sent only when
    /// the card offers more than one (`ambiguous`).
    pub fn mse_set_at(&self, ambiguous: bool) -> Command {
        let mut data = tlv::encode(0x80, &self.params.oid_value());
        data.extend_from_slice(&tlv::encode(0x83, &[0x01]));
        if ambiguous {
            data.extend_from_slice(&tlv::encode(
                0x84,
                &[self.params.curve.parameter_id() as u8],
            ));
        }
        apdu::mse_set_at(0xC1, 0xA4, data)
    }

    /// Step 1 command: ask for the encrypted nonce.
    pub fn nonce_command(&self) -> Command {
        apdu::general_authenticate(Vec::new(), true)
    }

    /// Step 1 answer, then step 2 command with the terminal's mapping key `map_sk`.
    pub fn map_command(
        &mut self,
        nonce_answer: &[u8],
        map_sk: SecretBytes,
    ) -> Result<Command, PaceError> {
        let z = dynamic_object(nonce_answer, 0x80)?;
        let s = crypto::decrypt(self.params.cipher, &self.k_pi, None, &z)?;
        self.nonce = Some(Zeroizing::new(s));
        let pk = self.params.curve.mul_base(&map_sk)?;
        self.map_sk = Some(map_sk);
        Ok(apdu::general_authenticate(tlv::encode(0x81, &pk), true))
    }

    /// Step 2 answer, then step 3 command with the terminal's ephemeral key `eph_sk`.
    pub fn key_agreement_command(
        &mut self,
        map_answer: &[u8],
        eph_sk: SecretBytes,
    ) -> Result<Command, PaceError> {
        let curve = self.params.curve;
        let chip_map_pk = dynamic_object(map_answer, 0x82)?;
        let (nonce, map_sk) = self
            .nonce
            .as_ref()
            .zip(self.map_sk.as_ref())
            .ok_or(PaceError::OutOfOrder)?;
        let h = curve.mul(&chip_map_pk, map_sk)?;
        let g = curve.map_generator(nonce, &h)?;
        let pk = curve.mul(&g, &eph_sk)?;
        self.generator = Some(g);
        self.eph_sk = Some(eph_sk);
        self.eph_pk = Some(pk.clone());
        Ok(apdu::general_authenticate(tlv::encode(0x83, &pk), true))
    }

    /// Step 3 answer, then step 4 command with the terminal's token.
    pub fn token_command(&mut self, ka_answer: &[u8]) -> Result<Command, PaceError> {
        let curve = self.params.curve;
        let chip_pk = dynamic_object(ka_answer, 0x84)?;
        let (eph_sk, eph_pk) = self
            .eph_sk
            .as_ref()
            .zip(self.eph_pk.as_ref())
            .ok_or(PaceError::OutOfOrder)?;
        if chip_pk == *eph_pk {
            return Err(PaceError::SameKey);
        }
        let shared = curve.x_coordinate(&curve.mul(&chip_pk, eph_sk)?)?;
        let (k_enc, k_mac) = session_keys(&self.params, &shared);
        let t = self.params.token(&k_mac, &chip_pk)?;
        self.chip_eph_pk = Some(chip_pk);
        self.keys = Some((k_enc, k_mac));
        Ok(apdu::general_authenticate(tlv::encode(0x85, &t), false))
    }

    /// Step 4 answer: verifies the card's token and opens secure messaging (SSC zero).
    pub fn finish(&self, token_answer: &[u8]) -> Result<SecureMessaging, PaceError> {
        let t_chip = dynamic_object(token_answer, 0x86)?;
        let ((k_enc, k_mac), eph_pk) = self
            .keys
            .as_ref()
            .zip(self.eph_pk.as_ref())
            .ok_or(PaceError::OutOfOrder)?;
        let expected = self.params.token(k_mac, eph_pk)?;
        if !mac_eq(&expected, &t_chip) {
            return Err(PaceError::BadToken);
        }
        Ok(SecureMessaging::with_zero_ssc(
            self.params.cipher,
            k_enc,
            k_mac,
        )?)
    }

    /// The session keys (K_enc, K_mac) once agreed (for known-answer tests).
    pub fn session_keys(&self) -> Option<(&[u8], &[u8])> {
        self.keys.as_ref().map(|(e, m)| (&e[..], &m[..]))
    }
}

/// The card's side of PACE (simulator).
pub struct PaceCard {
    params: PaceParams,
    nonce: SecretBytes,
    map_sk: SecretBytes,
    eph_sk: SecretBytes,
    generator: Option<Vec<u8>>,
    eph_pk: Option<Vec<u8>>,
    terminal_pk: Option<Vec<u8>>,
    keys: Option<(SecretBytes, SecretBytes)>,
}

impl PaceCard {
    /// A run with the card's nonce and keys chosen by the caller.
    pub fn new(
        params: PaceParams,
        nonce: SecretBytes,
        map_sk: SecretBytes,
        eph_sk: SecretBytes,
    ) -> Self {
        PaceCard {
            params,
            nonce,
            map_sk,
            eph_sk,
            generator: None,
            eph_pk: None,
            terminal_pk: None,
            keys: None,
        }
    }

    /// Step 1: `7C { 80 z }` with z = E(K_π, s).
    pub fn encrypted_nonce(&self, key: &AccessKey) -> Result<Vec<u8>, PaceError> {
        let k_pi = password_key(self.params.cipher, key);
        let z = crypto::encrypt(self.params.cipher, &k_pi, None, &self.nonce)?;
        Ok(tlv::encode(0x7C, &tlv::encode(0x80, &z)))
    }

    /// Step 2: takes the terminal's mapping key, answers with the card's.
    pub fn map(&mut self, command_data: &[u8]) -> Result<Vec<u8>, PaceError> {
        let curve = self.params.curve;
        let term_pk = dynamic_object(command_data, 0x81)?;
        let h = curve.mul(&term_pk, &self.map_sk)?;
        self.generator = Some(curve.map_generator(&self.nonce, &h)?);
        let pk = curve.mul_base(&self.map_sk)?;
        Ok(tlv::encode(0x7C, &tlv::encode(0x82, &pk)))
    }

    /// Step 3: takes the terminal's ephemeral key, answers with the card's.
    pub fn key_agreement(&mut self, command_data: &[u8]) -> Result<Vec<u8>, PaceError> {
        let curve = self.params.curve;
        let term_pk = dynamic_object(command_data, 0x83)?;
        let g = self.generator.as_ref().ok_or(PaceError::OutOfOrder)?;
        let pk = curve.mul(g, &self.eph_sk)?;
        if pk == term_pk {
            return Err(PaceError::SameKey);
        }
        let shared = curve.x_coordinate(&curve.mul(&term_pk, &self.eph_sk)?)?;
        self.keys = Some(session_keys(&self.params, &shared));
        self.eph_pk = Some(pk.clone());
        self.terminal_pk = Some(term_pk);
        Ok(tlv::encode(0x7C, &tlv::encode(0x84, &pk)))
    }

    /// Step 4: verifies the terminal's token, answers with the card's, opens the session.
    pub fn mutual_auth(
        &self,
        command_data: &[u8],
    ) -> Result<(Vec<u8>, SecureMessaging), PaceError> {
        let t_term = dynamic_object(command_data, 0x85)?;
        let (k_enc, k_mac) = self.keys.as_ref().ok_or(PaceError::OutOfOrder)?;
        let (eph_pk, term_pk) = self
            .eph_pk
            .as_ref()
            .zip(self.terminal_pk.as_ref())
            .ok_or(PaceError::OutOfOrder)?;
        if !mac_eq(&self.params.token(k_mac, eph_pk)?, &t_term) {
            return Err(PaceError::BadToken);
        }
        let t = self.params.token(k_mac, term_pk)?;
        let sm = SecureMessaging::with_zero_ssc(self.params.cipher, k_enc, k_mac)?;
        Ok((tlv::encode(0x7C, &tlv::encode(0x86, &t)), sm))
    }
}

/// DER of the protocol OID inside a PACEInfo (for building EF.CardAccess).
pub fn oid_der(oid: &ObjectIdentifier) -> Vec<u8> {
    oid.to_der().unwrap_or_default()
}

//! Clone detection, pure parts: Active Authentication (ICAO 9303-11 §6.1; RSA ISO/IEC 9796-2
//! scheme 1 and ECDSA) verification and signing, and Chip Authentication (§6.2, ECDH with
//! 3DES or AES) key agreement and commands for both ends.

use const_oid::ObjectIdentifier;
use rsa::BoxedUint;
use rsa::traits::PublicKeyParts;
use serde::Serialize;
use spki::SubjectPublicKeyInfoOwned;

use crate::apdu::{self, Command};
use crate::crypto::{self, Cipher, SecretBytes};
use crate::ec::{Curve, EcError};
use crate::lds::{ID_CA_ECDH, SecurityInfo};
use crate::sig::{self, EC_PUBLIC_KEY, HashAlg, RSA_ENCRYPTION, SigError};
use crate::sm::{SecureMessaging, SmError};
use crate::tlv;

/// Why Active or Chip Authentication could not run or did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("signature does not verify with the key in DG15")]
    BadSignature,
    #[error("key or algorithm not supported: {0}")]
    Unsupported(String),
    #[error("DG14 offers Chip Authentication without a usable key")]
    NoChipKey,
    #[error("point: {0}")]
    Ec(#[from] EcError),
    #[error("session: {0}")]
    Sm(#[from] SmError),
    #[error("signature: {0}")]
    Sig(#[from] SigError),
}

/// Active Authentication signature scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AaScheme {
    #[serde(rename = "RSA ISO/IEC 9796-2")]
    Rsa9796,
    #[serde(rename = "ECDSA")]
    Ecdsa(HashAlg),
}

/// The hash an ActiveAuthenticationInfo names (BSI plain-ECDSA or X9.62 identifiers).
pub fn aa_hash(signature_algorithm: &ObjectIdentifier) -> Option<HashAlg> {
    Some(match signature_algorithm.to_string().as_str() {
        "0.4.0.127.0.7.1.1.4.1.1" | "1.2.840.10045.4.1" => HashAlg::Sha1,
        "0.4.0.127.0.7.1.1.4.1.2" | "1.2.840.10045.4.3.1" => HashAlg::Sha224,
        "0.4.0.127.0.7.1.1.4.1.3" | "1.2.840.10045.4.3.2" => HashAlg::Sha256,
        "0.4.0.127.0.7.1.1.4.1.4" | "1.2.840.10045.4.3.3" => HashAlg::Sha384,
        "0.4.0.127.0.7.1.1.4.1.5" | "1.2.840.10045.4.3.4" => HashAlg::Sha512,
        _ => return None,
    })
}

/// ISO/IEC 10118-3 hash identifier in a `xxCC` trailer.
fn trailer_hash(id: u8) -> Option<HashAlg> {
    Some(match id {
        0x33 => HashAlg::Sha1,
        0x34 => HashAlg::Sha256,
        0x35 => HashAlg::Sha512,
        0x36 => HashAlg::Sha384,
        0x38 => HashAlg::Sha224,
        _ => return None,
    })
}

/// Verifies an Active Authentication signature over `challenge` with the DG15 key; `aa_alg`
/// is the ActiveAuthenticationInfo algorithm from DG14 (needed for ECDSA, SHA-256 assumed
/// when absent).
pub fn verify_aa(
    key: &SubjectPublicKeyInfoOwned,
    aa_alg: Option<&ObjectIdentifier>,
    challenge: &[u8],
    signature: &[u8],
) -> Result<AaScheme, AuthError> {
    match key.algorithm.oid.to_string().as_str() {
        RSA_ENCRYPTION => verify_rsa_9796(key, challenge, signature).map(|_| AaScheme::Rsa9796),
        EC_PUBLIC_KEY => {
            let hash = match aa_alg {
                Some(oid) => aa_hash(oid).ok_or_else(|| AuthError::Unsupported(oid.to_string()))?,
                None => HashAlg::Sha256,
            };
            let curve = sig::ec_curve(key)?;
            let point = sig::spki_key_bytes(key)?;
            let plain = signature.len() == 2 * curve.field_len();
            sig::verify_ecdsa(curve, point, &hash.digest(challenge), signature, plain)
                .map_err(|_| AuthError::BadSignature)?;
            Ok(AaScheme::Ecdsa(hash))
        }
        other => Err(AuthError::Unsupported(other.to_string())),
    }
}

fn verify_rsa_9796(
    key: &SubjectPublicKeyInfoOwned,
    challenge: &[u8],
    signature: &[u8],
) -> Result<(), AuthError> {
    let pk = sig::rsa_key(key)?;
    let n = pk.n();
    let k = n.as_ref().bit_width().div_ceil(8) as usize;
    if signature.len() != k {
        return Err(AuthError::BadSignature);
    }
    let s = BoxedUint::from_be_slice(signature, n.as_ref().bits_precision())
        .map_err(|_| AuthError::BadSignature)?;
    let m = rsa::hazmat::rsa_encrypt(&pk, &s).map_err(|_| AuthError::BadSignature)?;
    let mut f = left_pad(&m.to_be_bytes(), k);
    if f.last().is_some_and(|b| b & 0x0F != 0x0C) {
        // ISO/IEC 9796-2: the signer may have sent n − m.
        let alt = n.as_ref().wrapping_sub(&m);
        f = left_pad(&alt.to_be_bytes(), k);
    }
    let (hash, t) = match f.last() {
        Some(0xBC) => (HashAlg::Sha1, 1),
        Some(0xCC) => (
            f.get(k.wrapping_sub(2))
                .copied()
                .and_then(trailer_hash)
                .ok_or(AuthError::BadSignature)?,
            2,
        ),
        _ => return Err(AuthError::BadSignature),
    };
    let hl = hash.output_len();
    if f.first() != Some(&0x6A) || k < hl + t + 1 {
        return Err(AuthError::BadSignature);
    }
    let m1 = &f[1..k - hl - t];
    let digest = &f[k - hl - t..k - t];
    let mut msg = m1.to_vec();
    msg.extend_from_slice(challenge);
    if !crypto::mac_eq(digest, &hash.digest(&msg)) {
        return Err(AuthError::BadSignature);
    }
    Ok(())
}

fn left_pad(b: &[u8], k: usize) -> Vec<u8> {
    let b = &b[b.len().saturating_sub(k)..];
    let mut out = vec![0u8; k - b.len()];
    out.extend_from_slice(b);
    out
}

/// Card side: ISO/IEC 9796-2 scheme 1 signature (SHA-1, trailer `BC`) of `challenge`.
pub fn sign_rsa_9796(key: &rsa::PrivateKey, challenge: &[u8]) -> Result<Vec<u8>, AuthError> {
    let n = key.n();
    let k = n.as_ref().bit_width().div_ceil(8) as usize;
    let m1 = crypto::random_bytes(k - 20 - 2)
        .map_err(|_| AuthError::Unsupported("randomness".into()))?;
    let mut msg = m1.to_vec();
    msg.extend_from_slice(challenge);
    let mut f = vec![0x6A];
    f.extend_from_slice(&m1);
    f.extend_from_slice(&HashAlg::Sha1.digest(&msg));
    f.push(0xBC);
    let m = BoxedUint::from_be_slice(&f, n.as_ref().bits_precision())
        .map_err(|_| AuthError::BadSignature)?;
    let s = rsa::hazmat::rsa_decrypt_and_check(key, Some(&mut getrandom::SysRng), &m)
        .map_err(|_| AuthError::BadSignature)?;
    Ok(left_pad(&s.to_be_bytes(), k))
}

/// What DG14 offers for Chip Authentication with ECDH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaSetup {
    pub protocol: ObjectIdentifier,
    pub cipher: Cipher,
    pub curve: Curve,
    /// The chip's static public key (uncompressed point).
    pub chip_key: Vec<u8>,
    pub key_id: Option<u32>,
}

/// The Chip Authentication the DG14 SecurityInfos offer, if any (ECDH only).
pub fn ca_setup(infos: &[SecurityInfo]) -> Option<Result<CaSetup, AuthError>> {
    let info = infos.iter().find_map(|i| match i {
        SecurityInfo::ChipAuth {
            protocol, key_id, ..
        } => Some((*protocol, *key_id)),
        _ => None,
    })?;
    Some(ca_setup_for(infos, info.0, info.1))
}

fn ca_setup_for(
    infos: &[SecurityInfo],
    protocol: ObjectIdentifier,
    key_id: Option<u32>,
) -> Result<CaSetup, AuthError> {
    let cipher = match protocol
        .to_string()
        .strip_prefix(ID_CA_ECDH)
        .and_then(|s| s.strip_prefix('.'))
    {
        Some("1") => Cipher::Tdes,
        Some("2") => Cipher::Aes128,
        Some("3") => Cipher::Aes192,
        Some("4") => Cipher::Aes256,
        _ => return Err(AuthError::Unsupported(protocol.to_string())),
    };
    let key = infos
        .iter()
        .find_map(|i| match i {
            SecurityInfo::ChipAuthKey { key, key_id: kid }
                if key_id.is_none() || *kid == key_id =>
            {
                Some(key)
            }
            _ => None,
        })
        .ok_or(AuthError::NoChipKey)?;
    let curve = sig::ec_curve(key)?;
    let chip_key = sig::spki_key_bytes(key)?.to_vec();
    curve.validate(&chip_key)?;
    Ok(CaSetup {
        protocol,
        cipher,
        curve,
        chip_key,
        key_id,
    })
}

impl CaSetup {
    /// The commands that send the terminal's ephemeral key `eph_pk`: MSE:Set KAT for 3DES,
    /// MSE:Set AT + GENERAL AUTHENTICATE for AES.
    pub fn commands(&self, eph_pk: &[u8]) -> Vec<Command> {
        let key_ref = self
            .key_id
            .map(|id| tlv::encode(0x84, &(id as u8).to_be_bytes()))
            .unwrap_or_default();
        match self.cipher {
            Cipher::Tdes => {
                let mut data = tlv::encode(0x91, eph_pk);
                data.extend_from_slice(&key_ref);
                vec![apdu::mse_set_at(0x41, 0xA6, data)]
            }
            _ => {
                let mut data = tlv::encode(0x80, self.protocol.as_bytes());
                data.extend_from_slice(&key_ref);
                vec![
                    apdu::mse_set_at(0x41, 0xA4, data),
                    apdu::general_authenticate(tlv::encode(0x80, eph_pk), false),
                ]
            }
        }
    }

    /// The new secure-messaging session after Chip Authentication.
    pub fn session(&self, eph_sk: &[u8]) -> Result<SecureMessaging, AuthError> {
        ca_session(self.curve, self.cipher, &self.chip_key, eph_sk)
    }
}

/// New session keys K_enc = KDF(K,1), K_mac = KDF(K,2) from K = x(sk · PK), SSC zero; used by
/// both ends.
pub fn ca_session(
    curve: Curve,
    cipher: Cipher,
    other_pk: &[u8],
    own_sk: &[u8],
) -> Result<SecureMessaging, AuthError> {
    let shared: SecretBytes = curve.x_coordinate(&curve.mul(other_pk, own_sk)?)?;
    let k_enc = crypto::kdf(cipher, &shared, 1);
    let k_mac = crypto::kdf(cipher, &shared, 2);
    Ok(SecureMessaging::with_zero_ssc(cipher, &k_enc, &k_mac)?)
}

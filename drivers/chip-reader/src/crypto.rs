//! Symmetric primitives of ICAO 9303-11 §9.7–9.8, composed from RustCrypto crates: the key
//! derivation function, CBC encryption (3DES two-key EDE, AES), the 8-byte MACs (ISO 9797-1
//! MAC algorithm 3 "retail MAC" for 3DES, CMAC truncated to 8 bytes for AES), ISO 9797-1
//! padding method 2, and constant-time MAC comparison.

use aes::{Aes128, Aes192, Aes256};
use cbc::cipher::{
    BlockModeDecrypt, BlockModeEncrypt, KeyInit, KeyIvInit, block_padding::NoPadding,
};
use cmac::{Cmac, Mac};
use des::{Des, TdesEde2};
use retail_mac::RetailMac;
use serde::Serialize;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Secret bytes that are wiped when dropped.
pub type SecretBytes = Zeroizing<Vec<u8>>;

/// The block cipher of a secure-messaging session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Cipher {
    #[serde(rename = "3DES")]
    Tdes,
    #[serde(rename = "AES-128")]
    Aes128,
    #[serde(rename = "AES-192")]
    Aes192,
    #[serde(rename = "AES-256")]
    Aes256,
}

/// A key or data of the wrong size for the cipher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("key of {0} bytes does not fit the cipher")]
    KeyLength(usize),
    #[error("data of {0} bytes is not a whole number of blocks")]
    NotBlockAligned(usize),
    #[error("padding is malformed")]
    Padding,
}

impl Cipher {
    pub fn block_size(self) -> usize {
        match self {
            Cipher::Tdes => 8,
            _ => 16,
        }
    }

    pub fn key_len(self) -> usize {
        match self {
            Cipher::Tdes | Cipher::Aes128 => 16,
            Cipher::Aes192 => 24,
            Cipher::Aes256 => 32,
        }
    }

    /// Short name for reports (`"3DES"`, `"AES-128"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Cipher::Tdes => "3DES",
            Cipher::Aes128 => "AES-128",
            Cipher::Aes192 => "AES-192",
            Cipher::Aes256 => "AES-256",
        }
    }
}

/// Sets odd parity on every byte of a DES key (what 9303-11's worked examples show).
fn adjust_parity(key: &mut [u8]) {
    for b in key {
        let ones = (*b >> 1).count_ones();
        *b = (*b & 0xFE) | u8::from(ones % 2 == 0);
    }
}

/// KDF(K, c) of 9303-11 §9.7.1: hash of `secret || c` (c as 32-bit big endian), cut to the
/// cipher's key length. 3DES and AES-128 use SHA-1, AES-192/256 SHA-256.
pub fn kdf(cipher: Cipher, secret: &[u8], counter: u32) -> SecretBytes {
    let c = counter.to_be_bytes();
    let mut out: Vec<u8> = match cipher {
        Cipher::Tdes | Cipher::Aes128 => Sha1::new()
            .chain_update(secret)
            .chain_update(c)
            .finalize()
            .to_vec(),
        Cipher::Aes192 | Cipher::Aes256 => Sha256::new()
            .chain_update(secret)
            .chain_update(c)
            .finalize()
            .to_vec(),
    };
    out.truncate(cipher.key_len());
    if cipher == Cipher::Tdes {
        adjust_parity(&mut out);
    }
    Zeroizing::new(out)
}

/// ISO/IEC 9797-1 padding method 2: `80` then zeros to a whole block.
pub fn pad(data: &[u8], block: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + block);
    out.extend_from_slice(data);
    out.push(0x80);
    while out.len() % block != 0 {
        out.push(0);
    }
    out
}

/// Removes padding method 2.
pub fn unpad(data: &[u8]) -> Result<&[u8], CryptoError> {
    let end = data
        .iter()
        .rposition(|b| *b != 0)
        .ok_or(CryptoError::Padding)?;
    if data[end] != 0x80 {
        return Err(CryptoError::Padding);
    }
    Ok(&data[..end])
}

fn check(cipher: Cipher, key: &[u8], data: &[u8]) -> Result<(), CryptoError> {
    if key.len() != cipher.key_len() {
        return Err(CryptoError::KeyLength(key.len()));
    }
    if !data.len().is_multiple_of(cipher.block_size()) {
        return Err(CryptoError::NotBlockAligned(data.len()));
    }
    Ok(())
}

macro_rules! cbc_enc {
    ($c:ty, $key:expr, $iv:expr, $data:expr) => {
        cbc::Encryptor::<$c>::new_from_slices($key, $iv)
            .map_err(|_| CryptoError::KeyLength($key.len()))?
            .encrypt_padded_vec::<NoPadding>($data)
    };
}

macro_rules! cbc_dec {
    ($c:ty, $key:expr, $iv:expr, $data:expr) => {
        cbc::Decryptor::<$c>::new_from_slices($key, $iv)
            .map_err(|_| CryptoError::KeyLength($key.len()))?
            .decrypt_padded_vec::<NoPadding>($data)
            .map_err(|_| CryptoError::Padding)?
    };
}

/// CBC encryption of block-aligned `data` with `iv` (`None` = all zeros).
pub fn encrypt(
    cipher: Cipher,
    key: &[u8],
    iv: Option<&[u8]>,
    data: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    check(cipher, key, data)?;
    let zero = [0u8; 16];
    let iv = iv.unwrap_or(&zero[..cipher.block_size()]);
    Ok(match cipher {
        Cipher::Tdes => cbc_enc!(TdesEde2, key, iv, data),
        Cipher::Aes128 => cbc_enc!(Aes128, key, iv, data),
        Cipher::Aes192 => cbc_enc!(Aes192, key, iv, data),
        Cipher::Aes256 => cbc_enc!(Aes256, key, iv, data),
    })
}

/// CBC decryption of block-aligned `data` with `iv` (`None` = all zeros).
pub fn decrypt(
    cipher: Cipher,
    key: &[u8],
    iv: Option<&[u8]>,
    data: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    check(cipher, key, data)?;
    let zero = [0u8; 16];
    let iv = iv.unwrap_or(&zero[..cipher.block_size()]);
    Ok(match cipher {
        Cipher::Tdes => cbc_dec!(TdesEde2, key, iv, data),
        Cipher::Aes128 => cbc_dec!(Aes128, key, iv, data),
        Cipher::Aes192 => cbc_dec!(Aes192, key, iv, data),
        Cipher::Aes256 => cbc_dec!(Aes256, key, iv, data),
    })
}

/// Encrypts one block in ECB (AES: the secure-messaging IV is `E(K_enc, SSC)`).
pub fn encrypt_block(cipher: Cipher, key: &[u8], block: &[u8]) -> Result<Vec<u8>, CryptoError> {
    encrypt(cipher, key, None, block)
}

macro_rules! cmac_of {
    ($c:ty, $key:expr, $data:expr) => {{
        let mut m = <Cmac<$c> as KeyInit>::new_from_slice($key)
            .map_err(|_| CryptoError::KeyLength($key.len()))?;
        Mac::update(&mut m, $data);
        m.finalize().into_bytes().to_vec()
    }};
}

/// The 8-byte MAC of 9303-11 §9.8.6 over already padded `data` (3DES: retail MAC;
/// AES: CMAC, first 8 bytes).
pub fn mac(cipher: Cipher, key: &[u8], data: &[u8]) -> Result<[u8; 8], CryptoError> {
    if key.len() != cipher.key_len() {
        return Err(CryptoError::KeyLength(key.len()));
    }
    let full: Vec<u8> = match cipher {
        Cipher::Tdes => {
            if !data.len().is_multiple_of(8) {
                return Err(CryptoError::NotBlockAligned(data.len()));
            }
            let mut m = <RetailMac<Des> as KeyInit>::new_from_slice(key)
                .map_err(|_| CryptoError::KeyLength(key.len()))?;
            Mac::update(&mut m, data);
            m.finalize().into_bytes().to_vec()
        }
        Cipher::Aes128 => cmac_of!(Aes128, key, data),
        Cipher::Aes192 => cmac_of!(Aes192, key, data),
        Cipher::Aes256 => cmac_of!(Aes256, key, data),
    };
    let mut out = [0u8; 8];
    out.copy_from_slice(&full[..8]);
    Ok(out)
}

/// AES-CMAC over `data` as is (no ISO padding first), first 8 bytes.
pub fn cmac(cipher: Cipher, key: &[u8], data: &[u8]) -> Result<[u8; 8], CryptoError> {
    if key.len() != cipher.key_len() {
        return Err(CryptoError::KeyLength(key.len()));
    }
    let full = match cipher {
        Cipher::Tdes => return Err(CryptoError::KeyLength(key.len())),
        Cipher::Aes128 => cmac_of!(Aes128, key, data),
        Cipher::Aes192 => cmac_of!(Aes192, key, data),
        Cipher::Aes256 => cmac_of!(Aes256, key, data),
    };
    let mut out = [0u8; 8];
    out.copy_from_slice(&full[..8]);
    Ok(out)
}

/// Constant-time comparison of two MACs (or tokens).
pub fn mac_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// Secure random bytes from the operating system.
pub fn random_bytes(n: usize) -> Result<SecretBytes, getrandom::Error> {
    let mut buf = Zeroizing::new(vec![0u8; n]);
    getrandom::fill(&mut buf)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    #[test]
    fn bac_key_derivation_matches_9303_11_appendix_d2() {
        let seed = h("239AB9CB282DAF66231DC5A4DF6BFBAE");
        assert_eq!(
            *kdf(Cipher::Tdes, &seed, 1),
            h("AB94FDECF2674FDFB9B391F85D7F76F2")
        );
        assert_eq!(
            *kdf(Cipher::Tdes, &seed, 2),
            h("7962D9ECE03D1ACD4C76089DCE131543")
        );
    }

    #[test]
    fn retail_mac_matches_9303_11_appendix_d3() {
        // E_IFD and its MAC M_IFD under K_mac.
        let e_ifd = h("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2");
        let k_mac = h("7962D9ECE03D1ACD4C76089DCE131543");
        let m = mac(Cipher::Tdes, &k_mac, &pad(&e_ifd, 8)).unwrap();
        assert_eq!(m.to_vec(), h("5F1448EEA8AD90A7"));
    }

    #[test]
    fn padding_round_trips_and_rejects_garbage() {
        assert_eq!(pad(&[1, 2], 8), vec![1, 2, 0x80, 0, 0, 0, 0, 0]);
        assert_eq!(pad(&[0; 8], 8).len(), 16);
        assert_eq!(unpad(&pad(&[5, 0, 0], 16)).unwrap(), &[5, 0, 0]);
        assert_eq!(unpad(&[1, 2, 3]), Err(CryptoError::Padding));
        assert_eq!(unpad(&[0, 0]), Err(CryptoError::Padding));
    }

    #[test]
    fn cipher_round_trips_and_checks_sizes() {
        for c in [Cipher::Tdes, Cipher::Aes128, Cipher::Aes192, Cipher::Aes256] {
            let key = vec![7u8; c.key_len()];
            let data = pad(b"hello eMRTD", c.block_size());
            let enc = encrypt(c, &key, None, &data).unwrap();
            assert_ne!(enc, data);
            assert_eq!(decrypt(c, &key, None, &enc).unwrap(), data);
            assert!(encrypt(c, &key, None, &[1, 2, 3]).is_err());
            assert!(mac(c, &key[1..], &data).is_err());
        }
        assert!(mac_eq(&[1, 2], &[1, 2]));
        assert!(!mac_eq(&[1, 2], &[1, 3]));
        assert!(!mac_eq(&[1, 2], &[1]));
    }
}

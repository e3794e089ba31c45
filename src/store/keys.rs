//! Keys of the store, derived from the device key: one seals personal data at rest
//! (XChaCha20-Poly1305), one tags citizens (HMAC-SHA256 of their key), each bound to its
//! purpose by HKDF-SHA256.

use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::StoreError;

/// Length of a nonce in front of each sealed value.
const NONCE: usize = 24;

/// The store's keys.
#[derive(Clone)]
pub(super) struct Keys {
    tag: [u8; 32],
    seal: [u8; 32],
}

impl Keys {
    pub(super) fn derive(device_key: &[u8; 32]) -> Keys {
        let hk = hkdf::Hkdf::<Sha256>::new(Some(b"dost-kiosk store v2"), device_key);
        let mut tag = [0u8; 32];
        let mut seal = [0u8; 32];
        // Expanding 32 bytes from SHA-256 HKDF cannot fail (the limit is 255 × 32).
        let _ = hk.expand(b"fin-tag", &mut tag);
        let _ = hk.expand(b"seal", &mut seal);
        Keys { tag, seal }
    }

    /// The keys of schema versions 1 and 2 (a hash of purpose and device key), for the
    /// migration that re-seals their rows.
    pub(super) fn legacy(device_key: &[u8; 32]) -> Keys {
        let derive = |purpose: &str| -> [u8; 32] {
            let mut h = Sha256::new();
            h.update(b"dost-kiosk/");
            h.update(purpose.as_bytes());
            h.update(device_key);
            h.finalize().into()
        };
        Keys {
            tag: derive("fin-tag"),
            seal: derive("seal"),
        }
    }

    /// Keyed tag of a citizen key (16 bytes, hex).
    pub(super) fn fin_tag(&self, key: &str) -> String {
        let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(&self.tag) {
            Ok(m) => m,
            // HMAC takes keys of any length.
            Err(_) => return String::new(),
        };
        mac.update(key.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// The tag schema versions 1 and 2 made (a hash of tag key and citizen key).
    pub(super) fn legacy_fin_tag(&self, key: &str) -> String {
        let mut h = Sha256::new();
        h.update(self.tag);
        h.update(key.as_bytes());
        hex::encode(&h.finalize()[..16])
    }

    /// Seals `plain`, bound to `aad` (the row's id): nonce then ciphertext.
    pub(super) fn seal(&self, plain: &[u8], aad: &str) -> Result<Vec<u8>, StoreError> {
        let nonce: [u8; NONCE] = rand::random();
        let sealed = XChaCha20Poly1305::new((&self.seal).into())
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| StoreError::Decrypt)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Opens what [`Keys::seal`] sealed with the same `aad`.
    pub(super) fn open(&self, sealed: &[u8], aad: &str) -> Result<Vec<u8>, StoreError> {
        if sealed.len() < NONCE {
            return Err(StoreError::Decrypt);
        }
        let (nonce, body) = sealed.split_at(NONCE);
        XChaCha20Poly1305::new((&self.seal).into())
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| StoreError::Decrypt)
    }
}

/// Reads the device key from `data_dir/device.key`, creating it (mode 0600) when missing.
pub fn device_key(data_dir: &Path) -> Result<[u8; 32], StoreError> {
    let path = data_dir.join("device.key");
    let io = |source| StoreError::DataDir {
        path: path.clone(),
        source,
    };
    match std::fs::read(&path) {
        Ok(bytes) => bytes
            .try_into()
            .map_err(|_| StoreError::BadKey(path.clone())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key: [u8; 32] = rand::random();
            crate::platform::fs::write_private_new(&path, &key).map_err(io)?;
            Ok(key)
        }
        Err(e) => Err(io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_keyed_and_purpose_bound() {
        let a = Keys::derive(&[1u8; 32]);
        let b = Keys::derive(&[2u8; 32]);
        assert_eq!(a.fin_tag("5ZX7K2P"), a.fin_tag("5ZX7K2P"));
        assert_ne!(a.fin_tag("5ZX7K2P"), b.fin_tag("5ZX7K2P"));
        assert_ne!(a.fin_tag("5ZX7K2P"), a.legacy_fin_tag("5ZX7K2P"));
        assert_eq!(a.fin_tag("5ZX7K2P").len(), 32);
        assert_ne!(a.tag, a.seal);
    }

    #[test]
    fn tag_is_hmac_sha256_as_published() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let keys = Keys {
            tag: {
                let mut k = [0u8; 32];
                k[..4].copy_from_slice(b"Jefe");
                k
            },
            seal: [0; 32],
        };
        // HMAC pads the key with zeros to the block size, so "Jefe" and "Jefe" + 28 zero bytes
        // are the same key.
        assert_eq!(
            keys.fin_tag("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c7"
        );
    }

    #[test]
    fn sealed_values_open_only_with_their_key_and_row() {
        let keys = Keys::derive(&[3u8; 32]);
        let sealed = keys.seal(b"secret", "A-1").unwrap_or_default();
        assert_eq!(
            keys.open(&sealed, "A-1").ok().as_deref(),
            Some(&b"secret"[..])
        );
        assert!(keys.open(&sealed, "A-2").is_err());
        assert!(Keys::derive(&[4u8; 32]).open(&sealed, "A-1").is_err());
        assert!(keys.open(&sealed[..10], "A-1").is_err());
    }
}

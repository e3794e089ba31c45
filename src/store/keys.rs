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

/// Where the device key came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// The systemd credential `device-key` (off the data disk; TPM-sealed when the machine
    /// has a TPM and the credential was made with `systemd-creds encrypt --with-key=tpm2`).
    Credential(std::path::PathBuf),
    /// `device.key` in the data directory (the demo, or a kiosk without a credential): a
    /// stolen disk carries the key with the data.
    File(std::path::PathBuf),
}

/// The device key: the systemd credential `device-key` when systemd passes one, else
/// `data_dir/device.key` (created, mode 0600, when missing).
pub fn device_key(data_dir: &Path) -> Result<[u8; 32], StoreError> {
    let creds = crate::platform::credentials::dir();
    device_key_from(data_dir, creds.as_deref()).map(|(key, _)| key)
}

/// [`device_key`] with the credentials folder given, and where the key came from.
///
/// With a credential, no key file is ever written. A `device.key` left in the data directory
/// must hold the same key (it is then only a leftover to delete; a warning says so); another
/// key there is refused, as the database may have been sealed with it.
pub fn device_key_from(
    data_dir: &Path,
    credentials: Option<&Path>,
) -> Result<([u8; 32], KeySource), StoreError> {
    use crate::platform::credentials::{DEVICE_KEY, find, read_file};
    let file = data_dir.join("device.key");
    if let Some(cred) = find(credentials, DEVICE_KEY) {
        let key = parse_key(&read_file(&cred)?).ok_or_else(|| StoreError::BadKey(cred.clone()))?;
        match std::fs::read(&file) {
            Ok(bytes) if parse_key(&bytes) == Some(key) => tracing::warn!(
                file = %file.display(),
                "the device key is also on the data disk: delete that file"
            ),
            Ok(_) => return Err(StoreError::KeyConflict { file }),
            Err(_) => {}
        }
        return Ok((key, KeySource::Credential(cred)));
    }
    let io = |source| StoreError::DataDir {
        path: file.clone(),
        source,
    };
    match std::fs::read(&file) {
        Ok(bytes) => parse_key(&bytes)
            .map(|k| (k, KeySource::File(file.clone())))
            .ok_or_else(|| StoreError::BadKey(file.clone())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key: [u8; 32] = rand::random();
            crate::platform::fs::write_private_new(&file, &key).map_err(io)?;
            Ok((key, KeySource::File(file.clone())))
        }
        Err(e) => Err(io(e)),
    }
}

/// A key as 32 raw bytes, or as 64 hex digits (with an optional line end), as
/// `openssl rand -hex 32` prints it.
fn parse_key(bytes: &[u8]) -> Option<[u8; 32]> {
    if let Ok(raw) = <[u8; 32]>::try_from(bytes) {
        return Some(raw);
    }
    let text = std::str::from_utf8(bytes)
        .ok()?
        .trim_end_matches(['\n', '\r']);
    let mut key = [0u8; 32];
    hex::decode_to_slice(text, &mut key).ok()?;
    Some(key)
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

    #[test]
    fn the_device_key_comes_from_the_credential_and_never_touches_the_disk() {
        let data = tempfile::tempdir().unwrap();
        let creds = tempfile::tempdir().unwrap();
        let key = [7u8; 32];
        // As `openssl rand -hex 32 | systemd-creds encrypt --name=device-key - ...` hands it.
        std::fs::write(creds.path().join("device-key"), hex::encode(key) + "\n").unwrap();
        let (got, source) = device_key_from(data.path(), Some(creds.path())).unwrap();
        assert_eq!(got, key);
        assert!(matches!(source, KeySource::Credential(_)));
        assert!(
            !data.path().join("device.key").exists(),
            "no key on the data disk"
        );
        // Raw 32 bytes work too.
        std::fs::write(creds.path().join("device-key"), key).unwrap();
        assert_eq!(
            device_key_from(data.path(), Some(creds.path())).unwrap().0,
            key
        );
        // A credential that is not a key is refused, never replaced.
        std::fs::write(creds.path().join("device-key"), b"short").unwrap();
        assert!(matches!(
            device_key_from(data.path(), Some(creds.path())),
            Err(StoreError::BadKey(_))
        ));
        // Another key left in device.key: refused (the database may be sealed with it).
        std::fs::write(creds.path().join("device-key"), key).unwrap();
        std::fs::write(data.path().join("device.key"), [8u8; 32]).unwrap();
        assert!(matches!(
            device_key_from(data.path(), Some(creds.path())),
            Err(StoreError::KeyConflict { .. })
        ));
        // The same key left there: accepted (a warning tells to delete it).
        std::fs::write(data.path().join("device.key"), key).unwrap();
        assert_eq!(
            device_key_from(data.path(), Some(creds.path())).unwrap().0,
            key
        );
    }

    #[test]
    fn without_a_credential_the_file_is_the_fallback() {
        let data = tempfile::tempdir().unwrap();
        let (made, source) = device_key_from(data.path(), None).unwrap();
        let file = data.path().join("device.key");
        assert_eq!(source, KeySource::File(file.clone()));
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(device_key_from(data.path(), None).unwrap().0, made);
        // An empty credentials folder: still the file.
        let creds = tempfile::tempdir().unwrap();
        assert_eq!(
            device_key_from(data.path(), Some(creds.path())).unwrap().0,
            made
        );
    }
}

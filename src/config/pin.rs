//! Service PINs: argon2 hashes in the configuration (`dost-kiosk pin hash`) and their check.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

#[derive(Debug, thiserror::Error)]
pub enum PinError {
    #[error("a PIN is 4 to 12 digits")]
    Format,
    #[error("cannot hash the PIN: {0}")]
    Hash(argon2::password_hash::Error),
}

/// Hashes a PIN for the configuration.
pub fn hash_pin(pin: &str) -> Result<String, PinError> {
    if !(4..=12).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PinError::Format);
    }
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).map_err(PinError::Hash)?;
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(PinError::Hash)
}

/// True when `hash` is a well-formed PHC hash string.
pub fn is_pin_hash(hash: &str) -> bool {
    PasswordHash::new(hash).is_ok()
}

/// Whether `pin` matches `hash` (slow on purpose: run it off the async threads).
pub fn matches(pin: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(pin.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_reject() {
        let h = hash_pin("482913").unwrap();
        assert!(h.starts_with("$argon2"));
        assert!(is_pin_hash(&h));
        assert!(matches("482913", &h));
        assert!(!matches("482914", &h));
        assert!(!matches("482913", "not a hash"));
        assert!(matches!(hash_pin("12a4"), Err(PinError::Format)));
        assert!(matches!(hash_pin("123"), Err(PinError::Format)));
    }

    #[test]
    fn the_gate_uses_the_slow_hash() {
        use kiosk_core::pin::{PinGate, PinHashes, PinResult, Role};
        let hashes = PinHashes {
            technician: Some(hash_pin("1111").unwrap()),
            staff: Some(hash_pin("2222").unwrap()),
        };
        let mut gate = PinGate::default();
        assert_eq!(
            gate.try_pin("2222", &hashes, 0, matches),
            PinResult::Granted(Role::Staff)
        );
        assert!(matches!(
            gate.try_pin("3333", &hashes, 0, matches),
            PinResult::Wrong { .. }
        ));
    }
}

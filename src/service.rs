//! Service mode access: technician and staff PINs (argon2 hashes) and the PIN pad's lockout.
//!
//! The gate is pure: time comes in as milliseconds of a monotonic clock.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Who unlocked service mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Configures and diagnoses the device.
    Technician,
    /// Restocks paper and reprints held receipts.
    Staff,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Technician => "technician",
            Role::Staff => "staff",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PinError {
    #[error("a PIN is 4 to 12 digits")]
    Format,
    #[error("cannot hash the PIN: {0}")]
    Hash(String),
}

/// Hashes a PIN for the configuration (`dost-kiosk pin hash`).
pub fn hash_pin(pin: &str) -> Result<String, PinError> {
    if !(4..=12).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PinError::Format);
    }
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| PinError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PinError::Hash(e.to_string()))
}

/// True when `hash` is a well-formed PHC hash string.
pub fn is_pin_hash(hash: &str) -> bool {
    PasswordHash::new(hash).is_ok()
}

fn matches(pin: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(pin.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The configured PIN hashes.
#[derive(Debug, Clone, Default)]
pub struct PinHashes {
    pub technician: Option<String>,
    pub staff: Option<String>,
}

/// Answer of the PIN pad.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinResult {
    Granted(Role),
    /// Wrong PIN; this many tries before the pad locks.
    Wrong {
        tries_left: u32,
    },
    /// The pad is locked for this long.
    Locked {
        for_ms: u64,
    },
}

/// Wrong PINs allowed before the pad locks.
pub const MAX_TRIES: u32 = 5;
/// First lockout; each further lockout doubles it, up to [`MAX_LOCK_MS`].
pub const FIRST_LOCK_MS: u64 = 30_000;
pub const MAX_LOCK_MS: u64 = 3_600_000;

/// The PIN pad's memory of failures (survives leaving the pad, not a restart).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PinGate {
    failures: u32,
    lockouts: u32,
    locked_until_ms: u64,
}

impl PinGate {
    /// Milliseconds the pad stays locked, if it is.
    pub fn locked_for(&self, now_ms: u64) -> Option<u64> {
        (now_ms < self.locked_until_ms).then(|| self.locked_until_ms - now_ms)
    }

    /// Tries a PIN at `now_ms`.
    pub fn try_pin(&mut self, pin: &str, hashes: &PinHashes, now_ms: u64) -> PinResult {
        if let Some(for_ms) = self.locked_for(now_ms) {
            return PinResult::Locked { for_ms };
        }
        let role = [
            (Role::Technician, hashes.technician.as_deref()),
            (Role::Staff, hashes.staff.as_deref()),
        ]
        .into_iter()
        .find_map(|(role, hash)| hash.filter(|h| matches(pin, h)).map(|_| role));
        if let Some(role) = role {
            self.failures = 0;
            self.lockouts = 0;
            return PinResult::Granted(role);
        }
        self.failures += 1;
        if self.failures >= MAX_TRIES {
            let lock = FIRST_LOCK_MS
                .saturating_mul(1u64 << self.lockouts.min(20))
                .min(MAX_LOCK_MS);
            self.lockouts += 1;
            self.failures = 0;
            self.locked_until_ms = now_ms + lock;
            return PinResult::Locked { for_ms: lock };
        }
        PinResult::Wrong {
            tries_left: MAX_TRIES - self.failures,
        }
    }
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
    fn five_wrong_pins_lock_with_growing_delay() {
        let hashes = PinHashes {
            technician: Some(hash_pin("1111").unwrap()),
            staff: Some(hash_pin("2222").unwrap()),
        };
        let mut gate = PinGate::default();
        let mut now = 0;
        for left in (1..MAX_TRIES).rev() {
            assert_eq!(
                gate.try_pin("9999", &hashes, now),
                PinResult::Wrong { tries_left: left }
            );
        }
        assert_eq!(
            gate.try_pin("9999", &hashes, now),
            PinResult::Locked {
                for_ms: FIRST_LOCK_MS
            }
        );
        // Even the right PIN is refused while locked.
        now += 1000;
        assert!(matches!(
            gate.try_pin("1111", &hashes, now),
            PinResult::Locked { .. }
        ));
        now += FIRST_LOCK_MS;
        for _ in 0..MAX_TRIES - 1 {
            gate.try_pin("0000", &hashes, now);
        }
        assert_eq!(
            gate.try_pin("0000", &hashes, now),
            PinResult::Locked {
                for_ms: 2 * FIRST_LOCK_MS
            },
            "the second lockout is longer"
        );
        now += 2 * FIRST_LOCK_MS;
        assert_eq!(
            gate.try_pin("2222", &hashes, now),
            PinResult::Granted(Role::Staff)
        );
        assert_eq!(
            gate.try_pin("1111", &hashes, now),
            PinResult::Granted(Role::Technician)
        );
        assert_eq!(gate.locked_for(now), None);
    }

    #[test]
    fn no_configured_pin_grants_nothing() {
        let mut gate = PinGate::default();
        assert!(matches!(
            gate.try_pin("1234", &PinHashes::default(), 0),
            PinResult::Wrong { .. }
        ));
    }
}

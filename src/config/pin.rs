//! Service PINs: argon2 hashes in the configuration (`dost-kiosk pin hash`) and their check.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params};

#[derive(Debug, thiserror::Error)]
pub enum PinError {
    #[error("a PIN is 4 to 12 digits")]
    Format,
    #[error("cannot hash the PIN: {0}")]
    Hash(argon2::password_hash::Error),
}

/// Largest argon2 memory a PIN hash may ask for, in KiB (64 MiB): checking a PIN must not
/// exhaust the kiosk's memory.
pub const MAX_MEMORY_KIB: u32 = 64 * 1024;
/// Most argon2 passes a PIN hash may ask for.
pub const MAX_ITERATIONS: u32 = 10;
/// Most argon2 lanes a PIN hash may ask for.
pub const MAX_PARALLELISM: u32 = 4;

/// Why a configured PIN hash cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PinHashError {
    #[error("not a PHC hash string (make one with `dost-kiosk pin hash`): {0}")]
    Syntax(argon2::password_hash::Error),
    #[error("algorithm `{0}`: only argon2id is accepted")]
    Algorithm(String),
    #[error("argon2 parameters: {0}")]
    Params(argon2::password_hash::Error),
    #[error("the hash has no salt or no output")]
    Incomplete,
    #[error(
        "argon2 parameters m={m_kib},t={t},p={p} exceed m={MAX_MEMORY_KIB},t={MAX_ITERATIONS},p={MAX_PARALLELISM}"
    )]
    TooCostly { m_kib: u32, t: u32, p: u32 },
}

/// Checks a configured PIN hash: an argon2id PHC string with salt and output, and parameters
/// within the bounds above. Run at `config check`, by `doctor` and before each PIN check.
pub fn check_hash(hash: &str) -> Result<(), PinHashError> {
    let parsed = PasswordHash::new(hash).map_err(PinHashError::Syntax)?;
    if Algorithm::try_from(parsed.algorithm) != Ok(Algorithm::Argon2id) {
        return Err(PinHashError::Algorithm(parsed.algorithm.to_string()));
    }
    if parsed.salt.is_none() || parsed.hash.is_none() {
        return Err(PinHashError::Incomplete);
    }
    let params = Params::try_from(&parsed).map_err(PinHashError::Params)?;
    let (m_kib, t, p) = (params.m_cost(), params.t_cost(), params.p_cost());
    if m_kib > MAX_MEMORY_KIB || t > MAX_ITERATIONS || p > MAX_PARALLELISM {
        return Err(PinHashError::TooCostly { m_kib, t, p });
    }
    Ok(())
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

/// True when `hash` is a PIN hash the kiosk accepts ([`check_hash`]).
pub fn is_pin_hash(hash: &str) -> bool {
    check_hash(hash).is_ok()
}

/// Whether `pin` matches `hash` (slow on purpose: run it off the async threads). A hash that
/// [`check_hash`] refuses matches nothing, and argon2 never runs with its parameters.
pub fn matches(pin: &str, hash: &str) -> bool {
    if let Err(e) = check_hash(hash) {
        tracing::error!(error = %e, "a configured PIN hash is refused");
        return false;
    }
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

    /// Hashes made by the reference implementation's CLI (`argon2` of the Debian package
    /// `argon2`, e.g. `echo -n 1234 | argon2 somesaltsomesalt -id -m 16 -t 3 -p 1 -e`).
    #[test]
    fn hashes_of_another_tool_are_checked_and_bounded() {
        let at_the_bound = "$argon2id$v=19$m=65536,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$KxVyI2xABrItGxjDfY3VtiSjF+msIMpiMrPHpngiaTA";
        assert!(check_hash(at_the_bound).is_ok());
        assert!(matches("1234", at_the_bound));
        let small = "$argon2id$v=19$m=1024,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$A1jafQ0X++UajJ6juqsn8aseh/wmaVJdXqgQsVP3d58";
        assert!(matches("1234", small));
        assert!(!matches("1235", small));
        let argon2i = "$argon2i$v=19$m=1024,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$jVGqN8RuCqOXyn++zF+f8WC18gzc3KE48bTw4+EOWtc";
        assert!(matches!(
            check_hash(argon2i),
            Err(PinHashError::Algorithm(_))
        ));
        let ok = hash_pin("1234").unwrap();
        assert!(check_hash(&ok).is_ok());
        let costly = ok.replacen("m=19456", "m=4194304", 1);
        assert!(
            matches!(
                check_hash(&costly),
                Err(PinHashError::TooCostly { m_kib: 4194304, .. })
            ),
            "{costly}"
        );
        assert!(
            !matches("1234", &costly),
            "never verified with those parameters"
        );
        let passes = ok.replacen("t=2", "t=1000000", 1);
        assert!(matches!(
            check_hash(&passes),
            Err(PinHashError::TooCostly { .. })
        ));
        let lanes = ok.replacen("p=1", "p=64", 1);
        assert!(matches!(
            check_hash(&lanes),
            Err(PinHashError::TooCostly { .. })
        ));
        for garbage in [
            "",
            "1234",
            "$argon2id$",
            "$argon2id$v=19$m=19456,t=2,p=1$$",
            "hunter2",
        ] {
            assert!(
                matches!(
                    check_hash(garbage),
                    Err(PinHashError::Syntax(_) | PinHashError::Incomplete)
                ),
                "{garbage:?}"
            );
        }
        let other = ok.replacen("$argon2id$", "$argon2d$", 1);
        assert!(matches!(
            check_hash(&other),
            Err(PinHashError::Algorithm(_))
        ));
        let pbkdf2 = "$pbkdf2-sha256$i=1000$c2FsdA$aGFzaA";
        assert!(matches!(
            check_hash(pbkdf2),
            Err(PinHashError::Algorithm(_) | PinHashError::Syntax(_))
        ));
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

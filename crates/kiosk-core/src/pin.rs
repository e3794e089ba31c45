//! Service mode access: who unlocked it, and the PIN pad's lockout.
//!
//! The gate is pure: time comes in as milliseconds of a monotonic clock, and whether a PIN
//! matches a configured hash is asked of the caller (the slow hash lives at the edge).

/// Who unlocked service mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum Role {
    /// Configures and diagnoses the device.
    Technician,
    /// Restocks paper and reprints held receipts.
    Staff,
}

impl Role {
    /// Name in the audit log.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// The configured PIN hashes (PHC strings).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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

    /// Tries a PIN at `now_ms`; `matches(pin, hash)` says whether a PIN fits a hash.
    pub fn try_pin(
        &mut self,
        pin: &str,
        hashes: &PinHashes,
        now_ms: u64,
        matches: impl Fn(&str, &str) -> bool,
    ) -> PinResult {
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

    /// Stands in for the slow hash: a "hash" is `h:` and the PIN.
    fn matches(pin: &str, hash: &str) -> bool {
        hash.strip_prefix("h:") == Some(pin)
    }

    #[test]
    fn five_wrong_pins_lock_with_growing_delay() {
        let hashes = PinHashes {
            technician: Some("h:1111".into()),
            staff: Some("h:2222".into()),
        };
        let mut gate = PinGate::default();
        let mut now = 0;
        for left in (1..MAX_TRIES).rev() {
            assert_eq!(
                gate.try_pin("9999", &hashes, now, matches),
                PinResult::Wrong { tries_left: left }
            );
        }
        assert_eq!(
            gate.try_pin("9999", &hashes, now, matches),
            PinResult::Locked {
                for_ms: FIRST_LOCK_MS
            }
        );
        // Even the right PIN is refused while locked.
        now += 1000;
        assert!(matches!(
            gate.try_pin("1111", &hashes, now, matches),
            PinResult::Locked { .. }
        ));
        now += FIRST_LOCK_MS;
        for _ in 0..MAX_TRIES - 1 {
            gate.try_pin("0000", &hashes, now, matches);
        }
        assert_eq!(
            gate.try_pin("0000", &hashes, now, matches),
            PinResult::Locked {
                for_ms: 2 * FIRST_LOCK_MS
            },
            "the second lockout is longer"
        );
        now += 2 * FIRST_LOCK_MS;
        assert_eq!(
            gate.try_pin("2222", &hashes, now, matches),
            PinResult::Granted(Role::Staff)
        );
        assert_eq!(
            gate.try_pin("1111", &hashes, now, matches),
            PinResult::Granted(Role::Technician)
        );
        assert_eq!(gate.locked_for(now), None);
    }

    #[test]
    fn no_configured_pin_grants_nothing() {
        let mut gate = PinGate::default();
        assert!(matches!(
            gate.try_pin("1234", &PinHashes::default(), 0, |_, _| true),
            PinResult::Wrong { .. }
        ));
    }
}

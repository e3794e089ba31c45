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
/// The memory of failures decays: after each quiet period this long (no wrong PIN, the pad
/// not locked) the count of lockouts halves and the wrong PINs before it are forgotten. A
/// passer-by cannot keep the staff locked out for an hour with a few tries now and then.
pub const DECAY_MS: u64 = 15 * 60_000;

/// The PIN pad's memory of failures (survives leaving the pad, not a restart).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PinGate {
    failures: u32,
    lockouts: u32,
    locked_until_ms: u64,
    /// Start of the current quiet period: the last wrong PIN, or the end of the last lock.
    quiet_since_ms: u64,
}

impl PinGate {
    /// Forgets what the quiet periods since the last failure allow.
    fn decay(&mut self, now_ms: u64) {
        let since = self.quiet_since_ms.max(self.locked_until_ms);
        let periods = now_ms.saturating_sub(since) / DECAY_MS;
        if periods == 0 {
            return;
        }
        self.failures = 0;
        self.lockouts = self
            .lockouts
            .checked_shr(periods.min(32) as u32)
            .unwrap_or(0);
        self.quiet_since_ms = since + periods * DECAY_MS;
    }

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
        self.decay(now_ms);
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
        self.quiet_since_ms = now_ms;
        if self.failures >= MAX_TRIES {
            let lock = FIRST_LOCK_MS
                .saturating_mul(1u64 << self.lockouts.min(20))
                .min(MAX_LOCK_MS);
            self.lockouts += 1;
            self.failures = 0;
            self.locked_until_ms = now_ms.saturating_add(lock);
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

    fn lock(gate: &mut PinGate, hashes: &PinHashes, now: u64) -> PinResult {
        let mut last = PinResult::Wrong { tries_left: 0 };
        for _ in 0..MAX_TRIES {
            last = gate.try_pin("9999", hashes, now, matches);
        }
        last
    }

    #[test]
    fn the_lockout_decays_after_quiet_periods() {
        let hashes = PinHashes {
            technician: Some("h:1111".into()),
            staff: None,
        };
        let mut gate = PinGate::default();
        let mut now = 0;
        // Three lockouts in a row: 30 s, 60 s, 120 s.
        for n in 0..3 {
            assert_eq!(
                lock(&mut gate, &hashes, now),
                PinResult::Locked {
                    for_ms: FIRST_LOCK_MS << n
                }
            );
            now += FIRST_LOCK_MS << n;
        }
        // One quiet period after the last lock ended: the count of lockouts halves (3 -> 1),
        // so the next lock is 60 s, not 240 s.
        now += DECAY_MS;
        assert_eq!(
            lock(&mut gate, &hashes, now),
            PinResult::Locked {
                for_ms: 2 * FIRST_LOCK_MS
            }
        );
        now += 2 * FIRST_LOCK_MS;
        // Long quiet: everything is forgotten, the first lock is the short one again.
        now += 4 * DECAY_MS;
        assert_eq!(
            lock(&mut gate, &hashes, now),
            PinResult::Locked {
                for_ms: FIRST_LOCK_MS
            }
        );
    }

    #[test]
    fn wrong_pins_long_ago_are_forgotten() {
        let hashes = PinHashes {
            technician: Some("h:1111".into()),
            staff: None,
        };
        let mut gate = PinGate::default();
        for _ in 0..MAX_TRIES - 1 {
            gate.try_pin("0000", &hashes, 0, matches);
        }
        // A passer-by left 4 wrong PINs; the technician comes an hour later.
        assert_eq!(
            gate.try_pin("0000", &hashes, 4 * DECAY_MS, matches),
            PinResult::Wrong {
                tries_left: MAX_TRIES - 1
            }
        );
        // Within the quiet period the count holds.
        assert_eq!(
            gate.try_pin("0000", &hashes, 4 * DECAY_MS + 1000, matches),
            PinResult::Wrong {
                tries_left: MAX_TRIES - 2
            }
        );
    }

    #[test]
    fn a_lock_at_the_end_of_time_does_not_overflow() {
        let hashes = PinHashes::default();
        let mut gate = PinGate::default();
        assert!(matches!(
            lock(&mut gate, &hashes, u64::MAX - 10),
            PinResult::Locked { .. }
        ));
        assert!(gate.locked_for(u64::MAX - 5).is_some());
    }
}

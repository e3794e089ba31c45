//! The keys of the tactile keypad (EZ-Access style), as the core understands them.
//!
//! A USB keypad's key codes are mapped to these in `kiosk.toml` (`[keypad.keys]`); in the demo
//! a plain keyboard sends the same keys. What each key does on each screen is decided by
//! [`crate::access`].

use std::fmt;
use std::str::FromStr;

/// One key of the keypad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// Previous element.
    Up,
    /// Next element.
    Down,
    /// Previous value or key in a row (on-screen keyboard, options, languages).
    Left,
    /// Next value or key in a row.
    Right,
    /// Activate the focused element.
    Enter,
    /// Leave the on-screen keyboard, or go back one screen.
    Back,
    /// Say how the keys work here.
    Help,
    /// Say the screen again.
    Repeat,
    /// A digit key, 0 to 9 (types into the focused field).
    Digit(u8),
    VolumeUp,
    VolumeDown,
    /// Faster speech.
    RateUp,
    /// Slower speech.
    RateDown,
    /// Blank the screen for privacy (audio mode only), or show it again.
    Blank,
    /// Start audio guidance (the "start speech" key, or a long press); pressed again, stop it.
    StartSpeech,
    /// The headset jack's switch: plugged in (true) or out. Not a key of the key map; it
    /// comes through the keypad driver from the sound card's jack.
    Headset(bool),
}

impl Key {
    /// Every key of the key map, in the order above (digits 0 to 9 in place of `Digit`; the
    /// headset switch is not a key).
    pub fn all() -> Vec<Key> {
        let mut out = vec![
            Key::Up,
            Key::Down,
            Key::Left,
            Key::Right,
            Key::Enter,
            Key::Back,
            Key::Help,
            Key::Repeat,
        ];
        out.extend((0..=9).map(Key::Digit));
        out.extend([
            Key::VolumeUp,
            Key::VolumeDown,
            Key::RateUp,
            Key::RateDown,
            Key::Blank,
            Key::StartSpeech,
        ]);
        out
    }

    /// Name in `kiosk.toml` and on the command line (`up`, `digit-5`, `volume-up`, ...).
    pub fn name(self) -> String {
        match self {
            Key::Digit(d) => format!("digit-{d}"),
            other => simple_name(other).to_owned(),
        }
    }
}

fn simple_name(k: Key) -> &'static str {
    match k {
        Key::Up => "up",
        Key::Down => "down",
        Key::Left => "left",
        Key::Right => "right",
        Key::Enter => "enter",
        Key::Back => "back",
        Key::Help => "help",
        Key::Repeat => "repeat",
        Key::Digit(_) => "digit",
        Key::VolumeUp => "volume-up",
        Key::VolumeDown => "volume-down",
        Key::RateUp => "rate-up",
        Key::RateDown => "rate-down",
        Key::Blank => "blank",
        Key::StartSpeech => "start-speech",
        Key::Headset(true) => "headset-in",
        Key::Headset(false) => "headset-out",
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// A key name that names no key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown keypad key `{0}` (keys: up, down, left, right, enter, back, help, repeat, digit-0 … digit-9, volume-up, volume-down, rate-up, rate-down, blank, start-speech)"
)]
pub struct UnknownKey(pub String);

impl FromStr for Key {
    type Err = UnknownKey;

    fn from_str(s: &str) -> Result<Key, UnknownKey> {
        Key::all()
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| UnknownKey(s.to_owned()))
    }
}

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let all = Key::all();
        assert_eq!(all.len(), 24);
        let mut names: Vec<String> = all.iter().map(|k| k.name()).collect();
        for (k, n) in all.iter().zip(&names) {
            assert_eq!(n.parse::<Key>(), Ok(*k));
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 24);
        assert_eq!("digit-7".parse::<Key>(), Ok(Key::Digit(7)));
        assert!("digit-10".parse::<Key>().is_err());
        assert!("Up".parse::<Key>().is_err());
    }
}

//! The one set of ranges and character rules for every kiosk setting, whichever way it comes:
//! the configuration file, `config set`, the technician's settings form, or the centre's
//! remote settings. The configuration's check (`src/config`) and the settings form
//! ([`crate::settings`]) both use these.

use std::ops::RangeInclusive;

use crate::text::{Lines, TextError, check_display};

/// Days after the centre confirms an application before its personal data is purged.
pub const PURGE_AFTER_DAYS: RangeInclusive<u32> = 1..=3650;
/// Seconds without a touch before a citizen's session is wiped.
pub const IDLE_TIMEOUT_S: RangeInclusive<u32> = 20..=600;
/// Seconds a card error stays on screen.
pub const CARD_ERROR_S: RangeInclusive<u32> = 3..=120;
/// Seconds without a touch before service mode closes.
pub const SERVICE_IDLE_CLOSE_S: RangeInclusive<u32> = 10..=3600;
/// Serial line speeds.
pub const BAUD: RangeInclusive<u32> = 300..=1_000_000;
/// Length of a paper roll, in mm.
pub const ROLL_LENGTH_MM: RangeInclusive<u32> = 1000..=1_000_000;
/// "Paper low" threshold, in receipts.
pub const LOW_PAPER_RECEIPTS: RangeInclusive<u32> = 0..=1000;
/// Seconds between printer status polls.
pub const STATUS_POLL_S: RangeInclusive<u32> = 1..=3600;
/// Seconds a presenter holds a receipt before retracting it.
pub const RETRACT_AFTER_S: RangeInclusive<u8> = 5..=120;
/// Seconds before a request to the centre is given up.
pub const REQUEST_TIMEOUT_S: RangeInclusive<u32> = 1..=120;
/// Applications in one request to the centre.
pub const BATCH_SIZE: RangeInclusive<u32> = 1..=dost_api::MAX_BATCH as u32;
/// Base of the retry back-off, in ms.
pub const RETRY_BASE_MS: RangeInclusive<u32> = 10..=60_000;
/// Cap of the retry back-off, in s.
pub const RETRY_CAP_S: RangeInclusive<u32> = 1..=3600;
/// Seconds between heartbeats.
pub const HEARTBEAT_S: RangeInclusive<u32> = 1..=3600;
/// Seconds between status refreshes of open applications.
pub const STATUS_REFRESH_S: RangeInclusive<u32> = 1..=86_400;

/// Longest center name, in characters.
pub const NAME_CHARS: usize = 80;
/// Longest kiosk id.
pub const ID_CHARS: usize = 64;
/// Longest central URL.
pub const URL_CHARS: usize = 200;
/// Longest device path (a serial port).
pub const PORT_CHARS: usize = 255;
/// Longest file path in the configuration.
pub const PATH_CHARS: usize = 4096;
/// Longest printer model name.
pub const MODEL_CHARS: usize = 64;
/// Longest bearer token.
pub const TOKEN_CHARS: usize = 4096;

/// The center's name: 1 to [`NAME_CHARS`] characters, one line, no control or bidi
/// characters (it is shown on every screen and printed on every receipt).
pub fn center_name(name: &str) -> Result<(), TextError> {
    if name.trim().is_empty() {
        return Err(TextError::Empty);
    }
    check_display(name, NAME_CHARS, Lines::One)
}

/// A one-line text setting (a port, a path, a model name): at most `max` characters, no
/// control or bidi characters.
pub fn one_line(text: &str, max: usize) -> Result<(), TextError> {
    check_display(text, max, Lines::One)
}

/// A bearer token: visible ASCII only (it goes into an HTTP header), at most
/// [`TOKEN_CHARS`].
pub fn token(t: &str) -> Result<(), TextError> {
    if let Some(c) = t.chars().find(|c| !c.is_ascii_graphic()) {
        return Err(TextError::NotVisibleAscii(u32::from(c)));
    }
    check_display(t, TOKEN_CHARS, Lines::One)
}

/// `value` within `range`, else the reason in words ("between 20 and 600").
pub fn in_range<T: PartialOrd + std::fmt::Display>(
    value: T,
    range: &RangeInclusive<T>,
) -> Result<(), String> {
    if range.contains(&value) {
        Ok(())
    } else {
        Err(format!("between {} and {}", range.start(), range.end()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_tokens_and_ranges() {
        assert!(center_name("DOST Xəzər").is_ok());
        assert_eq!(center_name("  "), Err(TextError::Empty));
        assert!(center_name("DOST\u{1b}]0;x\u{7}").is_err());
        assert!(center_name("\u{2066}DOST").is_err());
        assert!(token("abc.DEF-123_~").is_ok());
        assert!(token("abc def").is_err());
        assert!(token("abç").is_err());
        assert_eq!(
            in_range(0u32, &IDLE_TIMEOUT_S),
            Err("between 20 and 600".into())
        );
        assert!(in_range(u32::MAX, &SERVICE_IDLE_CLOSE_S).is_err());
        assert!(in_range(120u32, &SERVICE_IDLE_CLOSE_S).is_ok());
    }
}

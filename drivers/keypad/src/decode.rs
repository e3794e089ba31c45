//! Raw input events to keypad actions (pure: time comes in as a value).

use std::fmt::Debug;
use std::hash::Hash;

use crate::keymap::KeyMap;

/// `EV_KEY`, `EV_SW` event types; `SW_HEADPHONE_INSERT` switch code.
pub const EV_KEY: u16 = 1;
pub const EV_SW: u16 = 5;
pub const SW_HEADPHONE_INSERT: u16 = 2;

/// Size of one `struct input_event` on this platform: a `struct timeval` (two C longs) and
/// `u16 type, u16 code, i32 value`.
pub const EVENT_SIZE: usize = 2 * std::mem::size_of::<usize>() + 8;

/// One input event (its kernel time left out: the reader stamps events itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputEvent {
    pub kind: u16,
    pub code: u16,
    pub value: i32,
}

impl InputEvent {
    pub fn key(code: u16, value: i32) -> InputEvent {
        InputEvent {
            kind: EV_KEY,
            code,
            value,
        }
    }

    /// Parses one record of [`EVENT_SIZE`] bytes (native byte order); None when short.
    pub fn parse(record: &[u8]) -> Option<InputEvent> {
        let t = record.get(EVENT_SIZE - 8..EVENT_SIZE)?;
        Some(InputEvent {
            kind: u16::from_ne_bytes([t[0], t[1]]),
            code: u16::from_ne_bytes([t[2], t[3]]),
            value: i32::from_ne_bytes([t[4], t[5], t[6], t[7]]),
        })
    }

    /// The record's bytes (time zero).
    pub fn to_record(self) -> Vec<u8> {
        let mut r = vec![0u8; EVENT_SIZE - 8];
        r.extend_from_slice(&self.kind.to_ne_bytes());
        r.extend_from_slice(&self.code.to_ne_bytes());
        r.extend_from_slice(&self.value.to_ne_bytes());
        r
    }
}

/// What the keypad did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output<A> {
    Action(A),
    /// The headset was plugged in (true) or out.
    Headset(bool),
}

/// Turns events into actions.
///
/// A key press gives its action at once, except the long-press key: it gives its own action
/// when released early, and the long-press action once held for `long_press_ms` (noticed on
/// its auto-repeat events or on [`Decoder::tick`], or at the latest on release). Auto-repeat
/// of other keys is ignored: holding a key never scrolls through a list unheard.
#[derive(Debug, Clone)]
pub struct Decoder<A> {
    map: KeyMap<A>,
    long_key: Option<A>,
    long_action: Option<A>,
    long_press_ms: u64,
    /// When the long-press key went down, until its long press fired.
    held_since: Option<u64>,
}

impl<A: Copy + Eq + Hash + Debug> Decoder<A> {
    /// `long`: the key whose long press means another action, and that action.
    pub fn new(map: KeyMap<A>, long: Option<(A, A)>, long_press_ms: u64) -> Decoder<A> {
        Decoder {
            map,
            long_key: long.map(|(k, _)| k),
            long_action: long.map(|(_, a)| a),
            long_press_ms,
            held_since: None,
        }
    }

    /// The outputs of one event at `now_ms` (any monotonic clock).
    pub fn event(&mut self, ev: InputEvent, now_ms: u64) -> Vec<Output<A>> {
        if ev.kind == EV_SW && ev.code == SW_HEADPHONE_INSERT {
            return vec![Output::Headset(ev.value != 0)];
        }
        if ev.kind != EV_KEY {
            return Vec::new();
        }
        let Some(action) = self.map.action(ev.code) else {
            return Vec::new();
        };
        if Some(action) != self.long_key {
            return match ev.value {
                1 => vec![Output::Action(action)],
                _ => Vec::new(),
            };
        }
        match ev.value {
            1 => {
                self.held_since = Some(now_ms);
                Vec::new()
            }
            2 => self.tick(now_ms),
            _ => match self.held_since.take() {
                Some(t) if now_ms.saturating_sub(t) >= self.long_press_ms => {
                    self.long_action.map(Output::Action).into_iter().collect()
                }
                Some(_) => vec![Output::Action(action)],
                // Its long press already fired.
                None => Vec::new(),
            },
        }
    }

    /// Time passes: a long press held long enough fires now.
    pub fn tick(&mut self, now_ms: u64) -> Vec<Output<A>> {
        match self.held_since {
            Some(t) if now_ms.saturating_sub(t) >= self.long_press_ms => {
                self.held_since = None;
                self.long_action.map(Output::Action).into_iter().collect()
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    enum A {
        Up,
        Help,
        StartSpeech,
    }

    fn decoder() -> Decoder<A> {
        let map = KeyMap::new(
            &[
                (A::Up, vec!["KEY_UP".into()]),
                (A::Help, vec!["KEY_F1".into()]),
                (A::StartSpeech, vec!["KEY_F3".into()]),
            ],
            &[],
            |a| format!("{a:?}"),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        Decoder::new(map, Some((A::Help, A::StartSpeech)), 2000)
    }

    const UP: u16 = 103;
    const F1: u16 = 59;

    #[test]
    fn presses_give_actions_and_repeats_do_not() {
        let mut d = decoder();
        assert_eq!(
            d.event(InputEvent::key(UP, 1), 0),
            vec![Output::Action(A::Up)]
        );
        assert!(d.event(InputEvent::key(UP, 2), 300).is_empty());
        assert!(d.event(InputEvent::key(UP, 0), 400).is_empty());
        // Unmapped keys and other event types: nothing.
        assert!(d.event(InputEvent::key(30, 1), 500).is_empty());
        assert!(
            d.event(
                InputEvent {
                    kind: 4,
                    code: 4,
                    value: 30
                },
                500
            )
            .is_empty()
        );
    }

    #[test]
    fn the_long_press_key_short_and_long() {
        let mut d = decoder();
        assert!(d.event(InputEvent::key(F1, 1), 1000).is_empty());
        assert_eq!(
            d.event(InputEvent::key(F1, 0), 1500),
            vec![Output::Action(A::Help)]
        );
        // Held: fires on a repeat after 2 s, once; the release then gives nothing.
        assert!(d.event(InputEvent::key(F1, 1), 5000).is_empty());
        assert!(d.event(InputEvent::key(F1, 2), 6000).is_empty());
        assert_eq!(
            d.event(InputEvent::key(F1, 2), 7000),
            vec![Output::Action(A::StartSpeech)]
        );
        assert!(d.event(InputEvent::key(F1, 2), 7100).is_empty());
        assert!(d.event(InputEvent::key(F1, 0), 8000).is_empty());
        // Without repeats: a tick notices it, or the release.
        d.event(InputEvent::key(F1, 1), 10_000);
        assert!(d.tick(11_000).is_empty());
        assert_eq!(d.tick(12_000), vec![Output::Action(A::StartSpeech)]);
        d.event(InputEvent::key(F1, 1), 20_000);
        assert_eq!(
            d.event(InputEvent::key(F1, 0), 23_000),
            vec![Output::Action(A::StartSpeech)]
        );
    }

    #[test]
    fn the_headset_switch() {
        let mut d = decoder();
        let sw = |v| InputEvent {
            kind: EV_SW,
            code: SW_HEADPHONE_INSERT,
            value: v,
        };
        assert_eq!(d.event(sw(1), 0), vec![Output::Headset(true)]);
        assert_eq!(d.event(sw(0), 0), vec![Output::Headset(false)]);
    }

    #[test]
    fn records_round_trip() {
        let ev = InputEvent::key(UP, 1);
        let r = ev.to_record();
        assert_eq!(r.len(), EVENT_SIZE);
        assert_eq!(InputEvent::parse(&r), Some(ev));
        assert_eq!(InputEvent::parse(&r[..EVENT_SIZE - 1]), None);
    }
}

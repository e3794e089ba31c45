//! `[keypad]` and `[speech]`: the tactile keypad (an evdev device and its key map) and audio
//! guidance (espeak-ng, the headset output, the speech log). Read at start: a change takes
//! effect when the kiosk starts again.

use std::collections::BTreeMap;
use std::path::PathBuf;

use kiosk_core::keypad::Key;
use kiosk_core::problem::{Problem, Seg, Spans};
use serde::Deserialize;

/// Where the keypad's keys come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum KeypadKind {
    /// No tactile keypad (the demo's plain keyboard works in the window).
    #[default]
    None,
    /// A USB HID keypad read through evdev.
    Evdev,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KeypadSection {
    pub kind: KeypadKind,
    /// The keypad's input device, best a stable `/dev/input/by-id/…-event-kbd` link.
    pub device: String,
    /// Hold the device exclusively (its keys reach nothing else).
    pub grab: bool,
    /// The key whose long press starts audio guidance, and how long it is held.
    pub long_press_key: Key,
    pub long_press_ms: u32,
    /// The sound card's headphone-jack switch (an input device with `SW_HEADPHONE_INSERT`);
    /// empty: no plug detection.
    pub headset_device: String,
    /// Keys per action (evdev key names); an action left out keeps its default keys.
    pub keys: BTreeMap<Key, Vec<String>>,
}

impl Default for KeypadSection {
    fn default() -> Self {
        KeypadSection {
            kind: KeypadKind::None,
            device: String::new(),
            grab: true,
            long_press_key: Key::Help,
            long_press_ms: 2000,
            headset_device: String::new(),
            keys: BTreeMap::new(),
        }
    }
}

/// The EZ-Access-style defaults: arrows, Enter, Backspace/Escape for back, F1 help, F5
/// repeat, digits of the top row and the numeric pad, volume keys and pad +/−, pad * and /
/// for speed, F12 to blank the screen, F3 to start speech.
pub fn default_keys(key: Key) -> Vec<&'static str> {
    const DIGITS: [&str; 10] = [
        "KEY_0", "KEY_1", "KEY_2", "KEY_3", "KEY_4", "KEY_5", "KEY_6", "KEY_7", "KEY_8", "KEY_9",
    ];
    const PAD: [&str; 10] = [
        "KEY_KP0", "KEY_KP1", "KEY_KP2", "KEY_KP3", "KEY_KP4", "KEY_KP5", "KEY_KP6", "KEY_KP7",
        "KEY_KP8", "KEY_KP9",
    ];
    match key {
        Key::Up => vec!["KEY_UP"],
        Key::Down => vec!["KEY_DOWN"],
        Key::Left => vec!["KEY_LEFT"],
        Key::Right => vec!["KEY_RIGHT"],
        Key::Enter => vec!["KEY_ENTER", "KEY_KPENTER", "KEY_SELECT"],
        Key::Back => vec!["KEY_BACKSPACE", "KEY_ESC", "KEY_BACK"],
        Key::Help => vec!["KEY_F1", "KEY_HELP"],
        Key::Repeat => vec!["KEY_F5"],
        Key::Digit(d) => {
            let i = usize::from(d.min(9));
            vec![DIGITS[i], PAD[i]]
        }
        Key::VolumeUp => vec!["KEY_VOLUMEUP", "KEY_KPPLUS"],
        Key::VolumeDown => vec!["KEY_VOLUMEDOWN", "KEY_KPMINUS"],
        Key::RateUp => vec!["KEY_KPASTERISK", "KEY_F8"],
        Key::RateDown => vec!["KEY_KPSLASH", "KEY_F7"],
        Key::Blank => vec!["KEY_F12"],
        Key::StartSpeech => vec!["KEY_F3"],
        // A switch, not a key: it comes from the headset device.
        Key::Headset(_) => Vec::new(),
    }
}

/// Actions the keypad cannot do without.
pub const REQUIRED: [Key; 5] = [Key::Up, Key::Down, Key::Enter, Key::Back, Key::StartSpeech];

impl KeypadSection {
    /// Every action with its keys: the configured ones, the defaults for the rest.
    pub fn bindings(&self) -> Vec<(Key, Vec<String>)> {
        Key::all()
            .into_iter()
            .map(|k| {
                let keys = match self.keys.get(&k) {
                    Some(names) => names.clone(),
                    None => default_keys(k).into_iter().map(str::to_owned).collect(),
                };
                (k, keys)
            })
            .collect()
    }

    /// The checked key map.
    pub fn key_map(&self) -> Result<keypad::KeyMap<Key>, Vec<keypad::KeyMapError>> {
        keypad::KeyMap::new(&self.bindings(), &REQUIRED, |k| k.name())
    }
}

/// What speech goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SpeechOutput {
    /// The sound card's default output (the headset jack), through ALSA.
    #[default]
    Alsa,
    /// No sound (only the speech log, when set).
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SpeechSection {
    pub output: SpeechOutput,
    /// Normal speed in words per minute (the citizen changes it in steps of 10%).
    pub rate_wpm: u32,
    /// Starting volume in percent (the citizen changes it).
    pub volume_percent: u8,
    /// espeak-ng's data folder (empty: the system's).
    pub data_dir: String,
    /// Write what is said to this file as JSON lines (tests and burn-in: it holds what
    /// citizens hear — names, answers — so leave it empty on a kiosk in service).
    pub log: String,
    /// Keep fixed prompts once rendered (faster responses).
    pub cache_prompts: bool,
}

impl Default for SpeechSection {
    fn default() -> Self {
        SpeechSection {
            output: SpeechOutput::Alsa,
            rate_wpm: 165,
            volume_percent: 80,
            data_dir: String::new(),
            log: String::new(),
            cache_prompts: true,
        }
    }
}

impl SpeechSection {
    pub fn log_path(&self) -> Option<PathBuf> {
        (!self.log.trim().is_empty()).then(|| PathBuf::from(self.log.trim()))
    }
}

/// Everything wrong with `[keypad]` and `[speech]`.
pub(super) fn problems(
    keypad: &KeypadSection,
    speech: &SpeechSection,
    spans: Option<&Spans>,
) -> Vec<Problem> {
    let mut out = Vec::new();
    let line = |path: &[Seg]| spans.and_then(|s| s.line(path));
    let mut add = |path: &[&str], reason: String| {
        let segs: Vec<Seg> = path.iter().map(|k| Seg::Key(k)).collect();
        out.push(Problem {
            line: line(&segs),
            key: path.join("."),
            reason,
        });
    };
    if keypad.kind == KeypadKind::Evdev && keypad.device.trim().is_empty() {
        add(
            &["keypad", "device"],
            "an evdev keypad needs its input device, e.g. /dev/input/by-id/usb-…-event-kbd".into(),
        );
    }
    if !(500..=10_000).contains(&keypad.long_press_ms) {
        add(&["keypad", "long_press_ms"], "500 to 10000 ms".into());
    }
    if let Err(errors) = keypad.key_map() {
        for e in errors {
            let action = match &e {
                keypad::KeyMapError::UnknownKey { action, .. }
                | keypad::KeyMapError::Unbound { action } => action.clone(),
                keypad::KeyMapError::Twice { second, .. } => second.clone(),
            };
            add(&["keypad", "keys", &action], e.to_string());
        }
    }
    if !(speech::RATE_MIN..=speech::RATE_MAX).contains(&speech.rate_wpm) {
        add(
            &["speech", "rate_wpm"],
            format!(
                "{} to {} words per minute",
                speech::RATE_MIN,
                speech::RATE_MAX
            ),
        );
    }
    if !(10..=100).contains(&speech.volume_percent) {
        add(&["speech", "volume_percent"], "10 to 100".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::KioskConfig;
    use std::path::Path;

    fn with(extra: &str) -> Result<KioskConfig, crate::config::ConfigError> {
        let base = include_str!("../../config/kiosk.toml");
        KioskConfig::parse(&format!("{base}\n{extra}"), Path::new("kiosk.toml"))
    }

    fn problems_of(extra: &str) -> Vec<String> {
        match with(extra) {
            Ok(_) => Vec::new(),
            Err(e) => e.problems().iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn defaults_give_an_ez_access_map() {
        let cfg = with("").unwrap_or_else(|e| panic!("{e}"));
        let map = cfg.keypad.key_map().unwrap_or_else(|e| panic!("{e:?}"));
        let code = |n| keypad::keymap::key_code(n).unwrap_or(0);
        assert_eq!(map.action(code("KEY_UP")), Some(Key::Up));
        assert_eq!(map.action(code("KEY_KPENTER")), Some(Key::Enter));
        assert_eq!(map.action(code("KEY_KP7")), Some(Key::Digit(7)));
        assert_eq!(map.action(code("KEY_F3")), Some(Key::StartSpeech));
        assert_eq!(map.action(code("KEY_A")), None);
    }

    #[test]
    fn a_custom_map_replaces_only_the_actions_it_names() {
        let cfg = with(
            "[keypad]\nkind = \"evdev\"\ndevice = \"/dev/input/event7\"\n[keypad.keys]\nup = [\"KEY_PAGEUP\"]\nstart-speech = [\"KEY_SPACE\"]\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let map = cfg.keypad.key_map().unwrap_or_else(|e| panic!("{e:?}"));
        let code = |n| keypad::keymap::key_code(n).unwrap_or(0);
        assert_eq!(map.action(code("KEY_PAGEUP")), Some(Key::Up));
        assert_eq!(map.action(code("KEY_UP")), None, "replaced");
        assert_eq!(
            map.action(code("KEY_DOWN")),
            Some(Key::Down),
            "default kept"
        );
        assert_eq!(map.action(code("KEY_SPACE")), Some(Key::StartSpeech));
        assert_eq!(map.action(code("KEY_F3")), None, "replaced");
    }

    #[test]
    fn key_map_errors_name_the_line_the_action_and_the_key() {
        let extra = "[keypad]\nkind = \"evdev\"\nlong_press_ms = 50\n[keypad.keys]\nenter = [\"KEY_ENTRE\"]\nback = [\"KEY_UP\"]\nblank = [\"f12\"]\ndown = []\n[speech]\nrate_wpm = 20\n";
        let p = problems_of(extra);
        // Line k of `extra` is this line of the file (the base, then an empty line).
        let at = include_str!("../../config/kiosk.toml").lines().count() + 1;
        let want = [
            // Absent from the file: the line of its table.
            (
                Some(1),
                "`keypad.device`: an evdev keypad needs its input device",
            ),
            (Some(3), "`keypad.long_press_ms`: 500 to 10000 ms"),
            (
                Some(5),
                "`keypad.keys.enter`: enter: `KEY_ENTRE` is not a key name",
            ),
            (Some(5), "`keypad.keys.enter`: enter has no key"),
            (
                Some(6),
                "`keypad.keys.back`: `KEY_UP` is bound to both up and back",
            ),
            (
                Some(7),
                "`keypad.keys.blank`: blank: `f12` is not a key name",
            ),
            (Some(8), "`keypad.keys.down`: down has no key"),
            (Some(10), "`speech.rate_wpm`: 80 to 450 words per minute"),
        ];
        for (line, text) in want {
            let line = match line {
                Some(k) => format!("line {}: {text}", at + k),
                None => text.to_owned(),
            };
            assert!(
                p.iter().any(|s| s.starts_with(&line)),
                "missing `{line}` in {p:#?}"
            );
        }
        assert!(
            p.iter().any(|s| s.contains("did you mean KEY_F12?")),
            "{p:#?}"
        );
        assert_eq!(p.len(), want.len(), "{p:#?}");
    }

    #[test]
    fn an_unknown_action_or_setting_is_refused_with_its_line() {
        let p = problems_of("[keypad.keys]\njump = [\"KEY_J\"]\n");
        assert_eq!(p.len(), 1, "{p:#?}");
        assert!(p[0].contains("unknown keypad key `jump`"), "{p:#?}");
        let p = problems_of("[speech]\nvoice = \"az\"\n");
        assert!(p[0].contains("unknown field `voice`"), "{p:#?}");
    }
}

//! Key codes to actions, from key names, checked.

use std::collections::HashMap;
use std::fmt::Debug;
use std::hash::Hash;
use std::str::FromStr;

/// A problem with a key map (each names the action and key it is about).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyMapError {
    #[error(
        "{action}: `{name}` is not a key name (names are as in linux/input-event-codes.h, e.g. KEY_UP, KEY_KP8, KEY_ENTER{hint})"
    )]
    UnknownKey {
        action: String,
        name: String,
        hint: String,
    },
    #[error("`{name}` is bound to both {first} and {second}")]
    Twice {
        name: String,
        first: String,
        second: String,
    },
    #[error("{action} has no key (the keypad needs it)")]
    Unbound { action: String },
}

/// Which action each key code means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMap<A> {
    by_code: HashMap<u16, A>,
}

/// The code of a key name (`KEY_UP` → 103).
pub fn key_code(name: &str) -> Option<u16> {
    evdev::KeyCode::from_str(name).ok().map(|k| k.code())
}

/// The name of a key code (103 → `KEY_UP`).
pub fn key_name(code: u16) -> String {
    format!("{:?}", evdev::KeyCode::new(code))
}

impl<A: Copy + Eq + Hash + Debug> KeyMap<A> {
    /// Builds a map from `(action, key names)` pairs; `required` actions must have a key.
    /// Every problem is reported, not only the first.
    pub fn new(
        bindings: &[(A, Vec<String>)],
        required: &[A],
        describe: impl Fn(A) -> String,
    ) -> Result<KeyMap<A>, Vec<KeyMapError>> {
        let mut by_code: HashMap<u16, A> = HashMap::new();
        let mut problems = Vec::new();
        for (action, names) in bindings {
            for name in names {
                let Some(code) = key_code(name) else {
                    let upper = format!("KEY_{}", name.trim().to_ascii_uppercase());
                    let hint = if key_code(&upper).is_some() {
                        format!("; did you mean {upper}?")
                    } else {
                        String::new()
                    };
                    problems.push(KeyMapError::UnknownKey {
                        action: describe(*action),
                        name: name.clone(),
                        hint,
                    });
                    continue;
                };
                match by_code.get(&code) {
                    Some(other) if other != action => problems.push(KeyMapError::Twice {
                        name: name.clone(),
                        first: describe(*other),
                        second: describe(*action),
                    }),
                    _ => {
                        by_code.insert(code, *action);
                    }
                }
            }
        }
        for r in required {
            let bound = bindings
                .iter()
                .any(|(a, names)| a == r && names.iter().any(|n| key_code(n).is_some()));
            if !bound {
                problems.push(KeyMapError::Unbound {
                    action: describe(*r),
                });
            }
        }
        if problems.is_empty() {
            Ok(KeyMap { by_code })
        } else {
            Err(problems)
        }
    }

    /// The action of a key code.
    pub fn action(&self, code: u16) -> Option<A> {
        self.by_code.get(&code).copied()
    }

    /// The codes bound to `action`.
    pub fn codes(&self, action: A) -> Vec<u16> {
        let mut out: Vec<u16> = self
            .by_code
            .iter()
            .filter(|(_, a)| **a == action)
            .map(|(c, _)| *c)
            .collect();
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    enum A {
        Up,
        Enter,
        Help,
    }

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn names_are_linux_key_names() {
        assert_eq!(key_code("KEY_UP"), Some(103));
        assert_eq!(key_code("KEY_KP8"), Some(72));
        assert_eq!(key_code("KEY_ENTER"), Some(28));
        assert_eq!(key_code("KEY_KPENTER"), Some(96));
        assert_eq!(key_code("up"), None);
        assert_eq!(key_name(103), "KEY_UP");
    }

    #[test]
    fn a_good_map_looks_keys_up() {
        let map = KeyMap::new(
            &[
                (A::Up, names(&["KEY_UP", "KEY_KP8"])),
                (A::Enter, names(&["KEY_ENTER"])),
            ],
            &[A::Up, A::Enter],
            |a| format!("{a:?}"),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(map.action(103), Some(A::Up));
        assert_eq!(map.action(72), Some(A::Up));
        assert_eq!(map.action(28), Some(A::Enter));
        assert_eq!(map.action(1), None);
        assert_eq!(map.codes(A::Up), vec![72, 103]);
    }

    #[test]
    fn every_problem_is_named() {
        let errors = KeyMap::new(
            &[
                (A::Up, names(&["up", "KEY_NOPE"])),
                (A::Enter, names(&["KEY_ENTER"])),
                (A::Help, names(&["KEY_ENTER"])),
            ],
            &[A::Up, A::Enter],
            |a| format!("{a:?}"),
        )
        .err()
        .unwrap_or_default();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 4, "{text:#?}");
        assert!(
            text[0].contains("`up` is not a key name") && text[0].contains("did you mean KEY_UP?")
        );
        assert!(text[1].contains("KEY_NOPE") && !text[1].contains("did you mean"));
        assert_eq!(text[2], "`KEY_ENTER` is bound to both Enter and Help");
        assert_eq!(text[3], "Up has no key (the keypad needs it)");
    }
}

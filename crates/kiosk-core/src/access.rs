//! Non-visual access: keypad focus and navigation, audio mode, privacy blanking — a pure state
//! machine next to the session.
//!
//! [`Access::on_key`] turns a keypad key into focus moves or the UI's own events (the same
//! ones a touch sends), so the whole citizen flow can be done with the keypad alone;
//! [`Access::observe`] follows the screens the session shows (focus resets on a new screen,
//! goes to the first mistake on a form, and everything resets when the session ends);
//! [`Access::view`] is what the screen draws (focus ring, keypad bar, blank screen).
//! What is said is [`crate::speech::script`]'s job. Service mode stays touch and PIN only:
//! keys do nothing there.

use dost_api::Lang;

use crate::focus::keyboard::{self, Cap, Label, Layout};
use crate::focus::{self, Btn, ChoiceLabel, KEYBOARD_GROUP, LANGUAGE_GROUP, Ring, Target};
use crate::keypad::Key;
use crate::speech::msg::Msg;
use crate::speech::texts::Texts;
use crate::view::{ScreenId, UiEvent, ViewModel};

/// Volume and speed steps, in percent.
pub const VOLUME_RANGE: (u8, u8) = (10, 100);
pub const RATE_RANGE: (u8, u8) = (50, 200);
const STEP: u8 = 10;
pub const DEFAULT_VOLUME: u8 = 80;
pub const DEFAULT_RATE: u8 = 100;

/// A message of the keypad bar (said, and shown while the screen is on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Notice {
    AudioOn,
    AudioOff,
    Help,
    NotAvailable,
    ScreenBlanked,
    ScreenShown,
    Volume,
    Speed,
    PageHasMistakes,
    KeyboardClosed,
}

impl Notice {
    pub fn msg(self) -> Msg {
        match self {
            Notice::AudioOn => Msg::AudioOn,
            Notice::AudioOff => Msg::AudioOff,
            Notice::Help => Msg::KeysHelp,
            Notice::NotAvailable => Msg::NotAvailable,
            Notice::ScreenBlanked => Msg::ScreenBlanked,
            Notice::ScreenShown => Msg::ScreenShown,
            Notice::Volume => Msg::VolumePercent,
            Notice::Speed => Msg::SpeedPercent,
            Notice::PageHasMistakes => Msg::PageHasMistakes,
            Notice::KeyboardClosed => Msg::KeyboardClosed,
        }
    }
}

/// How to act on the focused element (the keypad bar shows it; speech says it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hint {
    Button,
    Field,
    Choice,
    Key,
    Switch,
    Idle,
}

impl Hint {
    pub fn msg(self) -> Msg {
        match self {
            Hint::Button => Msg::HintButton,
            Hint::Field => Msg::HintField,
            Hint::Choice => Msg::HintOption,
            Hint::Key => Msg::HintKey,
            Hint::Switch => Msg::HintSwitch,
            Hint::Idle => Msg::HintIdle,
        }
    }
}

/// The state of the focused element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemState {
    Selected,
    NotSelected,
    On,
    Off,
    Empty,
}

impl ItemState {
    pub fn msg(self) -> Msg {
        match self {
            ItemState::Selected => Msg::Selected,
            ItemState::NotSelected => Msg::NotSelected,
            ItemState::On => Msg::SwitchOn,
            ItemState::Off => Msg::SwitchOff,
            ItemState::Empty => Msg::Empty,
        }
    }
}

/// What the screen shows of the keypad and audio mode.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccessView {
    /// The keypad is in use: draw the focus ring and the keypad bar.
    pub keypad: bool,
    pub audio: bool,
    /// Privacy: the screen is black (audio mode only).
    pub blank: bool,
    /// The focused element, for the ring.
    pub ring: Option<Ring>,
    /// The form field the focus is in (its keyboard shows).
    pub field: Option<String>,
    /// The focus is on the header (its language buttons and switches).
    pub in_header: bool,
    /// Shift of the on-screen keyboard, while the keypad types.
    pub shift: bool,
    /// Position of the focused element: (1-based, count).
    pub position: Option<(u32, u32)>,
    pub state: Option<ItemState>,
    pub hint: Option<Hint>,
    pub notice: Option<Notice>,
    pub volume: u8,
    pub rate: u8,
}

/// Focus on a key of the on-screen keyboard of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFocus {
    pub field: String,
    pub row: usize,
    pub col: usize,
}

/// What speech should say about a key, beyond what changed on the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cue {
    /// Nothing (service mode, or the screen's change says it all).
    Nothing,
    /// The focused element.
    Focus,
    /// An element was activated: what changed, else the focused element again.
    Activated,
    /// This key was typed (its spoken name).
    Typed(String),
    /// The on-screen keyboard got the focus.
    KeyboardOpened,
    /// The whole screen again.
    Screen,
    Notice(Notice),
}

/// The result of a key: events for the session, and the cue for speech.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyOutcome {
    pub events: Vec<UiEvent>,
    pub cue: Cue,
}

impl KeyOutcome {
    fn cue(cue: Cue) -> KeyOutcome {
        KeyOutcome {
            events: Vec::new(),
            cue,
        }
    }
    fn send(event: UiEvent, cue: Cue) -> KeyOutcome {
        KeyOutcome {
            events: vec![event],
            cue,
        }
    }
}

/// Which screen is up, for focus: a new one resets the focus.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ScreenKey {
    screen: ScreenId,
    page: u32,
    title: String,
    idle: bool,
}

impl ScreenKey {
    fn of(vm: &ViewModel) -> ScreenKey {
        let form = vm.form.as_ref();
        ScreenKey {
            screen: vm.screen,
            page: form.map_or(0, |f| f.page),
            title: form.map(|f| f.service_title.clone()).unwrap_or_default(),
            idle: vm.idle_countdown.is_some(),
        }
    }
}

/// Keypad and audio state of the kiosk (one, next to the session).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub audio: bool,
    pub blank: bool,
    pub keypad: bool,
    /// A headset is plugged in (audio mode stays on between citizens while it is).
    pub headset: bool,
    pub volume: u8,
    pub rate: u8,
    focus: Option<Target>,
    keys: Option<KeyFocus>,
    shift: bool,
    screen: Option<ScreenKey>,
    /// The focus before the idle warning covered the screen.
    saved: Option<Target>,
    notice: Option<Notice>,
}

impl Default for Access {
    fn default() -> Self {
        Access {
            audio: false,
            blank: false,
            keypad: false,
            headset: false,
            volume: DEFAULT_VOLUME,
            rate: DEFAULT_RATE,
            focus: None,
            keys: None,
            shift: false,
            screen: None,
            saved: None,
            notice: None,
        }
    }
}

fn step(v: u8, up: bool, (lo, hi): (u8, u8)) -> u8 {
    if up {
        v.saturating_add(STEP).min(hi)
    } else {
        v.saturating_sub(STEP).max(lo)
    }
}

fn error_fields(vm: &ViewModel) -> Vec<&str> {
    vm.form
        .iter()
        .flat_map(|f| &f.fields)
        .filter(|f| f.error.is_some())
        .map(|f| f.id.as_str())
        .collect()
}

impl Access {
    /// The focused element.
    pub fn focus(&self) -> Option<&Target> {
        self.focus.as_ref()
    }

    /// The focused key of the on-screen keyboard, while the keypad types.
    pub fn keys(&self) -> Option<&KeyFocus> {
        self.keys.as_ref()
    }

    pub fn shift(&self) -> bool {
        self.shift
    }

    pub fn notice(&self) -> Option<Notice> {
        self.notice
    }

    /// Audio mode on or off (a start key, a long press, a headset).
    pub fn set_audio(&mut self, on: bool) {
        self.audio = on;
        if on {
            self.keypad = true;
            self.notice = Some(Notice::AudioOn);
        } else {
            self.blank = false;
            self.notice = Some(Notice::AudioOff);
        }
    }

    /// A headset was plugged in (audio mode on) or out (audio mode off, screen shown).
    pub fn on_headset(&mut self, plugged: bool) -> Cue {
        self.headset = plugged;
        if plugged == self.audio {
            return Cue::Nothing;
        }
        self.set_audio(plugged);
        Cue::Notice(if plugged {
            Notice::AudioOn
        } else {
            Notice::AudioOff
        })
    }

    /// Follows the screen the session shows now (`prev` is the one shown before).
    pub fn observe(&mut self, prev: Option<&ViewModel>, vm: &ViewModel) {
        let ended = vm.screen == ScreenId::Attract
            && prev.is_some_and(|p| p.citizen.is_some() && vm.citizen.is_none());
        if ended {
            // The next citizen starts fresh; a plugged headset keeps audio mode on.
            let headset = self.headset;
            *self = Access {
                headset,
                audio: headset,
                keypad: headset,
                ..Access::default()
            };
        }
        if focus::is_service(vm.screen) {
            self.blank = false;
        }
        let key = ScreenKey::of(vm);
        let same = self.screen.as_ref() == Some(&key);
        let was_idle = self.screen.as_ref().is_some_and(|k| k.idle);
        if !same {
            if key.idle && !was_idle {
                self.saved = self.focus.take();
            }
            let back_from_idle = was_idle
                && !key.idle
                && self.screen.as_ref().is_some_and(|k| k.screen == key.screen);
            self.screen = Some(key);
            self.keys = None;
            self.shift = false;
            let all = focus::targets(vm);
            let restored = if back_from_idle {
                self.saved.take().filter(|t| all.contains(t))
            } else {
                None
            };
            self.focus = restored.or_else(|| focus::initial(vm));
            if !back_from_idle {
                self.notice = None;
            }
            return;
        }
        let errors = error_fields(vm);
        let new_errors = !errors.is_empty() && prev.is_some_and(|p| error_fields(p) != errors);
        let all = focus::targets(vm);
        if new_errors {
            self.keys = None;
            self.focus = focus::initial(vm);
            self.notice = Some(Notice::PageHasMistakes);
        } else if !self.focus.as_ref().is_some_and(|t| all.contains(t)) {
            self.focus = focus::initial(vm);
        }
        if let Some(k) = &self.keys
            && self.focus != Some(Target::Field(k.field.clone()))
        {
            self.keys = None;
        }
    }

    /// What `key` does on the screen `vm` shows.
    pub fn on_key(&mut self, key: Key, vm: &ViewModel) -> KeyOutcome {
        if let Key::Headset(plugged) = key {
            let cue = self.on_headset(plugged);
            return KeyOutcome::cue(if focus::is_service(vm.screen) {
                Cue::Nothing
            } else {
                cue
            });
        }
        if focus::is_service(vm.screen) {
            // Service mode: touch and PIN only; nothing is spoken, no digit is taken.
            return KeyOutcome::cue(Cue::Nothing);
        }
        self.keypad = true;
        self.notice = None;
        let notice = |a: &mut Access, n: Notice| {
            a.notice = Some(n);
            KeyOutcome::cue(Cue::Notice(n))
        };
        match key {
            Key::StartSpeech => {
                let on = !self.audio;
                self.set_audio(on);
                return KeyOutcome::cue(Cue::Notice(if on {
                    Notice::AudioOn
                } else {
                    Notice::AudioOff
                }));
            }
            Key::VolumeUp | Key::VolumeDown => {
                self.volume = step(self.volume, key == Key::VolumeUp, VOLUME_RANGE);
                return notice(self, Notice::Volume);
            }
            Key::RateUp | Key::RateDown => {
                self.rate = step(self.rate, key == Key::RateUp, RATE_RANGE);
                return notice(self, Notice::Speed);
            }
            Key::Blank if self.audio => {
                self.blank = !self.blank;
                let n = if self.blank {
                    Notice::ScreenBlanked
                } else {
                    Notice::ScreenShown
                };
                return notice(self, n);
            }
            Key::Blank => return notice(self, Notice::NotAvailable),
            Key::Repeat => return KeyOutcome::cue(Cue::Screen),
            Key::Help => return notice(self, Notice::Help),
            _ => {}
        }
        if vm.idle_countdown.is_some() {
            // Any key answers "are you still there?".
            return KeyOutcome::send(UiEvent::Activity, Cue::Nothing);
        }
        if self.keys.is_some() {
            return self.on_keyboard_key(key, vm);
        }
        match key {
            Key::Up | Key::Left => self.move_by(vm, -1),
            Key::Down | Key::Right => self.move_by(vm, 1),
            Key::Enter => self.activate(vm),
            Key::Back => match vm.screen {
                ScreenId::Catalog
                | ScreenId::ServiceInfo
                | ScreenId::Form
                | ScreenId::Review
                | ScreenId::MyApplications
                | ScreenId::ApplicationDetail => KeyOutcome::send(UiEvent::Back, Cue::Activated),
                ScreenId::CardError | ScreenId::Rating => {
                    KeyOutcome::send(UiEvent::EndSession, Cue::Activated)
                }
                _ => notice(self, Notice::NotAvailable),
            },
            Key::Digit(d) => self.digit(d, vm),
            _ => KeyOutcome::cue(Cue::Nothing),
        }
    }

    fn move_by(&mut self, vm: &ViewModel, delta: isize) -> KeyOutcome {
        let all = focus::targets(vm);
        if all.is_empty() {
            return KeyOutcome::cue(Cue::Notice(Notice::NotAvailable));
        }
        let at = self
            .focus
            .as_ref()
            .and_then(|f| all.iter().position(|t| t == f));
        let next = match at {
            Some(i) => (i as isize + delta).rem_euclid(all.len() as isize) as usize,
            None => 0,
        };
        self.focus = all.get(next).cloned();
        KeyOutcome::cue(Cue::Focus)
    }

    fn activate(&mut self, vm: &ViewModel) -> KeyOutcome {
        let Some(target) = self.focus.clone() else {
            return KeyOutcome::cue(Cue::Notice(Notice::NotAvailable));
        };
        let send = KeyOutcome::send;
        match target {
            Target::Button(b) => send(b.event(), Cue::Activated),
            Target::Language(l) => send(UiEvent::SetLanguage(l), Cue::Activated),
            Target::LargeText => send(UiEvent::ToggleLargeText, Cue::Focus),
            Target::HighContrast => send(UiEvent::ToggleHighContrast, Cue::Focus),
            Target::Service(id) => send(UiEvent::SelectService(id), Cue::Activated),
            Target::Application(id) => send(UiEvent::OpenApplication(id), Cue::Activated),
            Target::Reprint(id) => send(UiEvent::ReprintReceipt(id), Cue::Activated),
            Target::Rating(n) => send(UiEvent::Rate(n), Cue::Activated),
            Target::Choice { field, index } => {
                let value = focus::field_of(
                    vm,
                    &Target::Choice {
                        field: field.clone(),
                        index,
                    },
                )
                .and_then(|f| focus::choices(f).get(index).map(|(_, v)| v.clone()));
                match value {
                    Some(value) => send(
                        UiEvent::FieldEdited {
                            field_id: field,
                            value,
                        },
                        Cue::Focus,
                    ),
                    None => KeyOutcome::cue(Cue::Notice(Notice::NotAvailable)),
                }
            }
            Target::Field(id) => {
                let layout = focus::field_of(vm, &Target::Field(id.clone()))
                    .and_then(|f| Layout::for_field(f.kind, vm.lang));
                match layout {
                    Some(layout) => {
                        // Letters start on the first letter row, pads on "1".
                        let row = usize::from(!matches!(
                            layout,
                            Layout::Phone | Layout::Number | Layout::Date
                        ));
                        self.keys = Some(KeyFocus {
                            field: id,
                            row,
                            col: 0,
                        });
                        self.shift = false;
                        KeyOutcome::cue(Cue::KeyboardOpened)
                    }
                    None => KeyOutcome::cue(Cue::Notice(Notice::NotAvailable)),
                }
            }
        }
    }

    fn digit(&mut self, d: u8, vm: &ViewModel) -> KeyOutcome {
        if vm.screen == ScreenId::Rating && (1..=5).contains(&d) {
            return KeyOutcome::send(UiEvent::Rate(d), Cue::Activated);
        }
        let field = self.focus.as_ref().and_then(|t| match t {
            Target::Field(_) => focus::field_of(vm, t),
            _ => None,
        });
        match field {
            Some(f) if Layout::for_field(f.kind, vm.lang).is_some() => {
                let cap = Cap::Text(d.to_string());
                type_cap(f.id.clone(), f.kind, &f.value, &cap, vm.lang)
            }
            _ => KeyOutcome::cue(Cue::Notice(Notice::NotAvailable)),
        }
    }

    /// Keys while the on-screen keyboard has the focus.
    fn on_keyboard_key(&mut self, key: Key, vm: &ViewModel) -> KeyOutcome {
        let Some(kf) = self.keys.clone() else {
            return KeyOutcome::cue(Cue::Nothing);
        };
        let field = focus::field_of(vm, &Target::Field(kf.field.clone()));
        let Some((f, layout)) =
            field.and_then(|f| Layout::for_field(f.kind, vm.lang).map(|l| (f, l)))
        else {
            self.keys = None;
            return KeyOutcome::cue(Cue::Focus);
        };
        let rows = keyboard::rows(layout, self.shift);
        let (mut row, mut col) = (kf.row.min(rows.len() - 1), kf.col);
        match key {
            Key::Up | Key::Down => {
                let up = key == Key::Up;
                row = if up {
                    row.saturating_sub(1)
                } else {
                    (row + 1).min(rows.len() - 1)
                };
                col = col.min(rows[row].len() - 1);
            }
            Key::Left | Key::Right => {
                let n = rows[row].len() as isize;
                let delta = if key == Key::Left { -1 } else { 1 };
                col = (col.min(rows[row].len() - 1) as isize + delta).rem_euclid(n) as usize;
            }
            Key::Back => {
                self.keys = None;
                self.shift = false;
                self.notice = Some(Notice::KeyboardClosed);
                return KeyOutcome::cue(Cue::Notice(Notice::KeyboardClosed));
            }
            Key::Enter => {
                let cap = rows[row][col.min(rows[row].len() - 1)].clone();
                if cap == Cap::Shift {
                    self.shift = !self.shift;
                    return KeyOutcome::cue(Cue::Focus);
                }
                if keyboard::ends_shift(layout, row) {
                    self.shift = false;
                }
                return type_cap(f.id.clone(), f.kind, &f.value, &cap, vm.lang);
            }
            Key::Digit(d) => {
                let cap = Cap::Text(d.to_string());
                return type_cap(f.id.clone(), f.kind, &f.value, &cap, vm.lang);
            }
            _ => return KeyOutcome::cue(Cue::Nothing),
        }
        self.keys = Some(KeyFocus {
            field: kf.field,
            row,
            col,
        });
        KeyOutcome::cue(Cue::Focus)
    }

    /// The screen's part of the keypad: ring, position, state and hint of the focused element.
    pub fn view(&self, vm: &ViewModel, texts: &Texts) -> AccessView {
        let mut v = AccessView {
            keypad: self.keypad && !focus::is_service(vm.screen),
            audio: self.audio,
            blank: self.blank,
            shift: self.shift,
            notice: self.notice,
            volume: self.volume,
            rate: self.rate,
            ..AccessView::default()
        };
        if !v.keypad {
            return v;
        }
        if let Some((kf, cap, layout)) = self.key_cap(vm) {
            let label = match cap.label() {
                Label::Text(t) => t.to_owned(),
                Label::Msg(m) => texts.get(vm.lang, m.msgid()).to_owned(),
            };
            let rows = keyboard::rows(layout, self.shift);
            let count: usize = rows.iter().map(Vec::len).sum();
            let before: usize = rows[..kf.row].iter().map(Vec::len).sum();
            v.ring = Some(Ring {
                group: KEYBOARD_GROUP.to_owned(),
                label,
            });
            v.position = Some(((before + kf.col + 1) as u32, count as u32));
            v.field = Some(kf.field.clone());
            v.hint = Some(Hint::Key);
            v.state = (cap == Cap::Shift).then_some(if self.shift {
                ItemState::On
            } else {
                ItemState::Off
            });
            return v;
        }
        let Some(target) = &self.focus else {
            return v;
        };
        let all = focus::targets(vm);
        v.position = all
            .iter()
            .position(|t| t == target)
            .map(|i| (i as u32 + 1, all.len() as u32));
        v.ring = Some(ring(target, vm, texts));
        v.in_header = matches!(
            target,
            Target::Language(_) | Target::LargeText | Target::HighContrast
        );
        v.field = focus::field_of(vm, target).map(|f| f.id.clone());
        v.state = item_state(target, vm);
        v.hint = Some(hint_of(target, vm));
        v
    }

    /// The focused key with its cap and layout, when the keyboard has the focus.
    pub fn key_cap(&self, vm: &ViewModel) -> Option<(&KeyFocus, Cap, Layout)> {
        let kf = self.keys.as_ref()?;
        let f = focus::field_of(vm, &Target::Field(kf.field.clone()))?;
        let layout = Layout::for_field(f.kind, vm.lang)?;
        let rows = keyboard::rows(layout, self.shift);
        let cap = rows.get(kf.row)?.get(kf.col)?.clone();
        Some((kf, cap, layout))
    }
}

fn type_cap(
    field: String,
    kind: crate::catalog::FieldKind,
    value: &str,
    cap: &Cap,
    lang: Lang,
) -> KeyOutcome {
    let new = keyboard::apply(kind, value, cap);
    let spoken = match cap {
        Cap::Text(t) => t
            .chars()
            .map(|c| crate::speech::words::key_name(lang, c))
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    };
    KeyOutcome {
        events: vec![UiEvent::FieldEdited {
            field_id: field,
            value: new,
        }],
        cue: match cap {
            Cap::Text(_) => Cue::Typed(spoken),
            _ => Cue::Focus,
        },
    }
}

/// The ring of a target: its accessible label in the screen's language.
pub fn ring(target: &Target, vm: &ViewModel, texts: &Texts) -> Ring {
    let lang = vm.lang;
    let tr = |m: Msg| texts.get(lang, m.msgid()).to_owned();
    let plain = |label: String| Ring {
        group: String::new(),
        label,
    };
    match target {
        Target::Button(b) => plain(tr(b.msg())),
        Target::Language(l) => Ring {
            group: LANGUAGE_GROUP.to_owned(),
            label: focus::language_name(*l).to_owned(),
        },
        Target::LargeText => plain(tr(Msg::LargeText)),
        Target::HighContrast => plain(tr(Msg::HighContrast)),
        Target::Service(id) => plain(
            vm.services
                .iter()
                .find(|s| s.id == *id)
                .map(|s| s.title.clone())
                .unwrap_or_default(),
        ),
        Target::Field(_) => Ring {
            group: focus::field_of(vm, target)
                .map(|f| f.id.clone())
                .unwrap_or_default(),
            label: focus::field_of(vm, target)
                .map(|f| f.label.clone())
                .unwrap_or_default(),
        },
        Target::Choice { field, index } => Ring {
            group: field.clone(),
            label: focus::field_of(vm, target)
                .and_then(|f| focus::choices(f).into_iter().nth(*index))
                .map(|(l, _)| match l {
                    ChoiceLabel::Msg(m) => tr(m),
                    ChoiceLabel::Text(t) => t,
                })
                .unwrap_or_default(),
        },
        Target::Application(id) => plain(id.to_string()),
        Target::Reprint(_) => plain(tr(Msg::PrintAgain)),
        Target::Rating(n) => plain(texts.tr(lang, Msg::RatingOf5, &[&n.to_string()])),
    }
}

fn item_state(target: &Target, vm: &ViewModel) -> Option<ItemState> {
    let on_off = |on: bool| Some(if on { ItemState::On } else { ItemState::Off });
    match target {
        Target::LargeText => on_off(vm.large_text),
        Target::HighContrast => on_off(vm.high_contrast),
        Target::Language(l) => Some(if *l == vm.lang {
            ItemState::Selected
        } else {
            ItemState::NotSelected
        }),
        Target::Choice { index, .. } => focus::field_of(vm, target).map(|f| {
            if focus::chosen(f, *index) {
                ItemState::Selected
            } else {
                ItemState::NotSelected
            }
        }),
        Target::Field(_) => focus::field_of(vm, target)
            .filter(|f| f.value.is_empty())
            .map(|_| ItemState::Empty),
        _ => None,
    }
}

fn hint_of(target: &Target, vm: &ViewModel) -> Hint {
    if vm.idle_countdown.is_some() {
        return Hint::Idle;
    }
    match target {
        Target::LargeText | Target::HighContrast => Hint::Switch,
        Target::Field(_) => Hint::Field,
        Target::Choice { .. } => Hint::Choice,
        Target::Button(Btn::YesContinue) => Hint::Idle,
        _ => Hint::Button,
    }
}

#[cfg(test)]
mod tests;

//! The keypad over the real session and screens (pure: no runtime).

use super::*;
use crate::catalog::Catalog;
use crate::samples;
use crate::screen::{self, Facts, ViewCtx};
use crate::session::{self, Ctx, Event, Phase, Policy, Session};
use crate::speech::{self, Utterance};

/// The session, the screen and the keypad, stepped the way the runtime does.
struct Sim {
    session: Session,
    access: Access,
    catalog: Catalog,
    texts: Texts,
    vm: ViewModel,
    said: Vec<Utterance>,
    now: u64,
}

impl Sim {
    fn new(phase: Phase, lang: Lang) -> Sim {
        let text = include_str!("../../../../config/services.toml");
        let catalog = Catalog::parse(text, "services.toml").unwrap_or_else(|e| panic!("{e}"));
        let texts = Texts::shipped().unwrap_or_else(|e| panic!("{e}"));
        let session = Session {
            phase,
            citizen: Some(samples::citizen()),
            ..Session::new(lang)
        };
        let mut sim = Sim {
            session,
            access: Access::default(),
            catalog,
            texts,
            vm: ViewModel::default(),
            said: Vec::new(),
            now: 1000,
        };
        sim.vm = sim.view();
        sim.access.observe(None, &sim.vm);
        sim.vm.access = sim.access.view(&sim.vm, &sim.texts);
        sim
    }

    fn view(&self) -> ViewModel {
        let policy = Policy::default();
        let ctx = ViewCtx {
            catalog: &self.catalog,
            policy: &policy,
            center_name: "DOST Yasamal",
            demo: true,
        };
        screen::view(&self.session, &Facts::default(), &ctx)
    }

    fn step(&mut self, ev: UiEvent) {
        let policy = Policy::default();
        let ctx = Ctx {
            policy: &policy,
            catalog: &self.catalog,
        };
        self.now += 100;
        let s = std::mem::take(&mut self.session);
        self.session = session::step(s, Event::Ui(ev), self.now, &ctx).0;
    }

    /// One key: what the runtime does with it. Returns what was said.
    fn press(&mut self, key: Key) -> Vec<String> {
        let before = self.vm.clone();
        let out = self.access.on_key(key, &before);
        self.step(UiEvent::Keypad(key));
        for e in out.events {
            self.step(e);
        }
        let mut vm = self.view();
        self.access.observe(Some(&before), &vm);
        vm.access = self.access.view(&vm, &self.texts);
        let said = speech::script(&self.access, Some(&before), &vm, &out.cue, &self.texts);
        self.vm = vm;
        self.said.extend(said.clone());
        said.into_iter().map(|u| u.text).collect()
    }

    fn ring(&self) -> String {
        self.vm
            .access
            .ring
            .clone()
            .map(|r| r.label)
            .unwrap_or_default()
    }
}

#[test]
fn up_and_down_wrap_and_enter_sends_the_buttons_event() {
    let mut sim = Sim::new(Phase::Welcome, Lang::En);
    sim.press(Key::StartSpeech);
    assert_eq!(sim.ring(), "New application");
    sim.press(Key::Down);
    assert_eq!(sim.ring(), "My applications");
    sim.press(Key::Up);
    sim.press(Key::Up);
    // Wrapped to the last element: the high-contrast switch.
    assert_eq!(sim.ring(), "High contrast");
    assert_eq!(sim.vm.access.state, Some(ItemState::Off));
    let said = sim.press(Key::Enter);
    assert!(sim.vm.high_contrast);
    assert_eq!(said[0], "High contrast");
    assert_eq!(said[1], "on");
    sim.press(Key::Down);
    assert_eq!(sim.ring(), "New application");
    let said = sim.press(Key::Enter);
    assert_eq!(sim.vm.screen, ScreenId::Catalog);
    assert_eq!(said[0], "Choose a service");
    assert_eq!(sim.vm.access.position.map(|p| p.0), Some(1));
}

#[test]
fn free_text_is_typed_on_the_on_screen_keyboard() {
    let mut sim = Sim::new(
        Phase::Form {
            service: "unemployed-registration".into(),
            page: 1,
        },
        Lang::Az,
    );
    sim.access.set_audio(true);
    // The phone number with the keypad's digits.
    assert_eq!(sim.access.focus(), Some(&Target::Field("phone".into())));
    for d in [5, 0, 1, 2, 3, 4, 5, 6, 7] {
        sim.press(Key::Digit(d));
    }
    assert_eq!(
        sim.session.answers.get("phone").map(String::as_str),
        Some("+994 50 123 45 67")
    );
    // The profession, "aşpaz" on the Azerbaijani keyboard.
    sim.press(Key::Down);
    assert_eq!(
        sim.access.focus(),
        Some(&Target::Field("profession".into()))
    );
    let said = sim.press(Key::Enter);
    assert_eq!(said[0], "Ekran klaviaturası");
    // First letter row, first key: q.
    assert_eq!(sim.ring(), "q");
    assert_eq!(
        sim.vm.access.ring.as_ref().map(|r| r.group.as_str()),
        Some("keyboard")
    );
    let type_letter = |sim: &mut Sim, row: usize, col: usize| -> Vec<String> {
        let keys = sim
            .access
            .keys()
            .cloned()
            .unwrap_or_else(|| panic!("keyboard closed"));
        for _ in keys.row..row {
            sim.press(Key::Down);
        }
        for _ in row..keys.row {
            sim.press(Key::Up);
        }
        let now = sim.access.keys().map_or(0, |k| k.col);
        for _ in now..col {
            sim.press(Key::Right);
        }
        for _ in col..now {
            sim.press(Key::Left);
        }
        sim.press(Key::Enter)
    };
    // a: row 2 col 0; ş: row 3 col 9 (after Shift); p: row 1 col 9; z: row 3 col 1.
    assert_eq!(type_letter(&mut sim, 2, 0), vec!["a"]);
    assert_eq!(type_letter(&mut sim, 3, 9), vec!["şe"]);
    assert_eq!(type_letter(&mut sim, 1, 9), vec!["pe"]);
    assert_eq!(type_letter(&mut sim, 2, 0), vec!["a"]);
    assert_eq!(type_letter(&mut sim, 3, 1), vec!["ze"]);
    assert_eq!(
        sim.session.answers.get("profession").map(String::as_str),
        Some("aşpaz")
    );
    // Shift, then a capital Ə (Turkic case), then back to small letters.
    type_letter(&mut sim, 3, 0);
    assert!(sim.access.shift());
    assert_eq!(type_letter(&mut sim, 2, 10), vec!["böyük ə"]);
    assert!(!sim.access.shift());
    // Erase it again.
    let erase = sim.access.keys().map(|k| k.row);
    assert_eq!(erase, Some(2));
    type_letter(&mut sim, 3, 10);
    assert_eq!(
        sim.session.answers.get("profession").map(String::as_str),
        Some("aşpaz")
    );
    // Back closes the keyboard, focus on the field.
    let said = sim.press(Key::Back);
    assert_eq!(said[0], "Klaviatura bağlandı.");
    assert!(said.iter().any(|s| s == "aşpaz"));
    assert_eq!(sim.access.keys(), None);
    // Next, Enter: the review.
    sim.press(Key::Down);
    assert_eq!(sim.access.focus(), Some(&Target::Button(Btn::Next)));
    let said = sim.press(Key::Enter);
    assert_eq!(sim.vm.screen, ScreenId::Review);
    assert_eq!(said[0], "Müraciətinizi yoxlayın");
}

#[test]
fn mistakes_take_the_focus_and_are_said() {
    let mut sim = Sim::new(
        Phase::Form {
            service: "unemployed-registration".into(),
            page: 1,
        },
        Lang::En,
    );
    sim.access.set_audio(true);
    sim.press(Key::Down);
    sim.press(Key::Down);
    assert_eq!(sim.access.focus(), Some(&Target::Button(Btn::Next)));
    let said = sim.press(Key::Enter);
    assert_eq!(sim.vm.screen, ScreenId::Form);
    assert_eq!(sim.access.focus(), Some(&Target::Field("phone".into())));
    assert_eq!(said[0], "Some answers on this page need to be corrected.");
    assert!(said.contains(&"Mobile number".to_owned()), "{said:?}");
    assert!(
        said.contains(&"Please fill in this field.".to_owned()),
        "{said:?}"
    );
    assert_eq!(sim.vm.access.notice, Some(Notice::PageHasMistakes));
}

#[test]
fn back_leaves_a_screen_and_does_nothing_where_it_cannot() {
    let mut sim = Sim::new(Phase::Catalog, Lang::En);
    sim.access.set_audio(true);
    sim.press(Key::Back);
    assert_eq!(sim.vm.screen, ScreenId::Welcome);
    let said = sim.press(Key::Back);
    assert_eq!(sim.vm.screen, ScreenId::Welcome);
    assert_eq!(said, vec!["This key does nothing here."]);
}

#[test]
fn volume_speed_and_blanking_are_bounded_and_audio_only() {
    let mut sim = Sim::new(Phase::Welcome, Lang::Ru);
    assert_eq!(sim.press(Key::Blank), Vec::<String>::new());
    assert!(!sim.vm.access.blank, "no blanking without audio");
    sim.press(Key::StartSpeech);
    sim.press(Key::Blank);
    assert!(sim.vm.access.blank);
    for _ in 0..20 {
        sim.press(Key::VolumeUp);
    }
    assert_eq!(sim.access.volume, 100);
    let said = sim.press(Key::VolumeDown);
    assert_eq!(said, vec!["Громкость девяносто процентов"]);
    for _ in 0..30 {
        sim.press(Key::RateDown);
    }
    assert_eq!(sim.access.rate, RATE_RANGE.0);
    // Audio off shows the screen again.
    let said = sim.press(Key::StartSpeech);
    assert_eq!(said, vec!["Звуковое сопровождение выключено."]);
    assert!(!sim.vm.access.blank && !sim.vm.access.audio);
}

#[test]
fn the_end_of_a_session_resets_audio_unless_a_headset_is_in() {
    for headset in [false, true] {
        let mut sim = Sim::new(Phase::Welcome, Lang::En);
        sim.access.on_headset(headset);
        if !headset {
            sim.press(Key::StartSpeech);
        }
        assert!(sim.access.audio);
        sim.press(Key::VolumeDown);
        sim.press(Key::Down);
        sim.press(Key::Down);
        assert_eq!(
            sim.access.focus(),
            Some(&Target::Button(Btn::FinishAndTakeCard))
        );
        sim.press(Key::Enter);
        assert_eq!(sim.vm.screen, ScreenId::Attract);
        assert_eq!(sim.access.audio, headset, "headset {headset}");
        assert_eq!(sim.access.volume, DEFAULT_VOLUME);
        assert_eq!(
            sim.access.focus(),
            Some(&Target::Button(Btn::InsertDemoCard))
        );
    }
}

#[test]
fn service_screens_take_no_keys_and_say_nothing() {
    let mut sim = Sim::new(Phase::ServicePin, Lang::En);
    sim.access.set_audio(true);
    for key in Key::all() {
        let said = sim.press(key);
        assert!(said.is_empty(), "{key}: {said:?}");
    }
    assert_eq!(sim.vm.screen, ScreenId::ServicePin);
    assert!(!sim.vm.access.keypad);
}

#[test]
fn idle_warning_is_answered_by_any_key_and_focus_comes_back() {
    let mut sim = Sim::new(Phase::Catalog, Lang::En);
    sim.access.set_audio(true);
    sim.press(Key::Down);
    let before = sim.access.focus().cloned();
    // Time passes: the countdown shows.
    let policy = Policy::default();
    let ctx = Ctx {
        policy: &policy,
        catalog: &sim.catalog,
    };
    sim.now += policy.idle_timeout_ms - 5_000;
    let s = std::mem::take(&mut sim.session);
    sim.session = session::step(s, Event::Tick, sim.now, &ctx).0;
    let prev = sim.vm.clone();
    let mut vm = sim.view();
    sim.access.observe(Some(&prev), &vm);
    vm.access = sim.access.view(&vm, &sim.texts);
    let said = speech::script(&sim.access, Some(&prev), &vm, &Cue::Nothing, &sim.texts);
    sim.vm = vm;
    let said: Vec<String> = said.into_iter().map(|u| u.text).collect();
    assert_eq!(said[0], "Are you still there?");
    assert_eq!(
        said[1],
        "For your privacy the session ends in five s and your data is cleared from the screen."
    );
    assert!(said.contains(&"Press any key to continue.".to_owned()));
    assert_eq!(sim.ring(), "Yes, continue");
    // Any key (here Down) only keeps the session.
    sim.press(Key::Down);
    assert_eq!(sim.vm.idle_countdown, None);
    assert_eq!(sim.vm.screen, ScreenId::Catalog);
    assert_eq!(sim.access.focus().cloned(), before);
}

//! Driving the real core with keypad keys alone, reading the focus each view reports: what a
//! blind citizen with the tactile keypad does (burn-in `--input keypad`, tests).
//!
//! Every key waits for the view that shows its effect (the focus moved, a value typed, a new
//! screen), so a key the core ignored is a stuck step, never a silent skip.

use dost_api::ApplicationId;
use kiosk_core::catalog::{Field, FieldKind, Service};
use kiosk_core::focus::keyboard::{self, Cap, Layout};
use kiosk_core::focus::{KEYBOARD_GROUP, LANGUAGE_GROUP, language_name};
use kiosk_core::keypad::Key;
use kiosk_core::session;
use kiosk_core::speech::{Msg, Texts};
use kiosk_core::view::{FieldView, Lang, ScreenId, UiEvent, ViewModel};
use tokio_util::sync::CancellationToken;

use super::{Harness, KitError};

/// The keypad in a citizen's hands.
pub struct KeypadDriver<'a> {
    pub harness: &'a mut Harness,
    /// Stops a wait (burn-in's SIGTERM).
    pub stop: Option<CancellationToken>,
    texts: Texts,
}

fn stuck(what: String) -> KitError {
    KitError::Stuck {
        what,
        timeout_s: 0,
        last: None,
    }
}

impl<'a> KeypadDriver<'a> {
    pub fn new(
        harness: &'a mut Harness,
        stop: Option<CancellationToken>,
    ) -> Result<Self, KitError> {
        let texts = Texts::shipped().map_err(|e| stuck(format!("translations: {e}")))?;
        Ok(KeypadDriver {
            harness,
            stop,
            texts,
        })
    }

    /// A button's (or switch's) label in `lang`, as the focus reports it.
    pub fn label(&self, lang: Lang, m: Msg) -> String {
        self.texts.get(lang, m.msgid()).to_owned()
    }

    async fn wait(
        &mut self,
        what: &str,
        pred: impl Fn(&ViewModel) -> bool,
    ) -> Result<ViewModel, KitError> {
        let stop = self.stop.clone();
        match &stop {
            Some(token) => {
                self.harness
                    .wait_until(what, pred, Some((token, None)))
                    .await
            }
            None => self.harness.wait(what, pred).await,
        }
    }

    /// The view on screen now.
    pub async fn now(&mut self) -> Result<ViewModel, KitError> {
        self.wait("a view", |_| true).await
    }

    /// Presses `key` and waits for the view `done` accepts.
    pub async fn key(
        &mut self,
        key: Key,
        what: &str,
        done: impl Fn(&ViewModel) -> bool,
    ) -> Result<ViewModel, KitError> {
        self.harness.send(UiEvent::Keypad(key))?;
        self.wait(what, done).await
    }

    /// Moves the focus down to the element labelled `label` (in `group`).
    pub async fn focus(&mut self, group: &str, label: &str) -> Result<ViewModel, KitError> {
        let is_it = |vm: &ViewModel| {
            vm.access
                .ring
                .as_ref()
                .is_some_and(|r| r.group == group && r.label == label)
        };
        let mut vm = self.now().await?;
        let count = vm.access.position.map_or(0, |p| p.1);
        for _ in 0..=count {
            if is_it(&vm) {
                return Ok(vm);
            }
            let (at, n) = vm.access.position.unwrap_or((0, 1));
            let next = at % n.max(1) + 1;
            let screen = vm.screen;
            vm = self
                .key(Key::Down, label, move |v| {
                    v.screen != screen || v.access.position.is_some_and(|p| p.0 == next)
                })
                .await?;
        }
        Err(stuck(format!(
            "the element `{label}` on {}",
            vm.screen.name()
        )))
    }

    /// Focuses `label` and presses Enter; waits for `done`.
    pub async fn activate(
        &mut self,
        group: &str,
        label: &str,
        done: impl Fn(&ViewModel) -> bool,
    ) -> Result<ViewModel, KitError> {
        self.focus(group, label).await?;
        self.key(Key::Enter, label, done).await
    }

    /// Presses a screen's button (its text in the screen's language).
    pub async fn button(
        &mut self,
        m: Msg,
        done: impl Fn(&ViewModel) -> bool,
    ) -> Result<ViewModel, KitError> {
        let lang = self.now().await?.lang;
        let label = self.label(lang, m);
        self.activate("", &label, done).await
    }

    /// Turns audio guidance on (when it is off).
    pub async fn start_speech(&mut self) -> Result<ViewModel, KitError> {
        let vm = self.now().await?;
        if vm.access.audio {
            return Ok(vm);
        }
        self.key(Key::StartSpeech, "audio on", |v| v.access.audio)
            .await
    }

    /// Chooses a language with its button.
    pub async fn language(&mut self, lang: Lang) -> Result<ViewModel, KitError> {
        if self.now().await?.lang == lang {
            return self.now().await;
        }
        self.activate(LANGUAGE_GROUP, language_name(lang), move |v| v.lang == lang)
            .await
    }

    /// Types `value` into the text box of `field`: digits with the keypad's digit keys,
    /// everything else on the on-screen keyboard (opened with Enter, closed with Back).
    pub async fn type_into(
        &mut self,
        field: &FieldView,
        value: &str,
    ) -> Result<ViewModel, KitError> {
        let vm = self.focus(&field.id, &field.label).await?;
        let layout = Layout::for_field(field.kind, vm.lang)
            .ok_or_else(|| stuck(format!("a keyboard for {}", field.id)))?;
        let mut current = field_value(&vm, &field.id);
        let needs_keyboard = value.chars().any(|c| !c.is_ascii_digit());
        if needs_keyboard {
            self.key(Key::Enter, "the keyboard", |v| {
                v.access
                    .ring
                    .as_ref()
                    .is_some_and(|r| r.group == KEYBOARD_GROUP)
            })
            .await?;
        }
        for c in value.chars() {
            let cap = if let Some(d) = c.to_digit(10) {
                current = keyboard::apply(field.kind, &current, &Cap::Text(c.to_string()));
                let (id, want) = (field.id.clone(), current.clone());
                self.key(Key::Digit(d as u8), "a digit typed", move |v| {
                    field_value(v, &id) == want
                })
                .await?;
                continue;
            } else if c == ' ' {
                Cap::Space
            } else {
                Cap::Text(c.to_string())
            };
            let (row, col, shift) = find(layout, &cap)
                .ok_or_else(|| stuck(format!("`{c}` on the {layout:?} keyboard")))?;
            let vm = self.now().await?;
            if shift != vm.access.shift {
                self.go_to_key(layout, 3, 0).await?;
                self.key(Key::Enter, "shift", move |v| v.access.shift == shift)
                    .await?;
            }
            self.go_to_key(layout, row, col).await?;
            current = keyboard::apply(field.kind, &current, &cap);
            let (id, want) = (field.id.clone(), current.clone());
            self.key(Key::Enter, "a key typed", move |v| {
                field_value(v, &id) == want
            })
            .await?;
        }
        if needs_keyboard {
            self.key(Key::Back, "the keyboard closed", |v| {
                v.access
                    .ring
                    .as_ref()
                    .is_some_and(|r| r.group != KEYBOARD_GROUP)
            })
            .await?;
        }
        self.now().await
    }

    /// Moves the keyboard focus to `row`, `col` (rows first, then along the row).
    async fn go_to_key(&mut self, layout: Layout, row: usize, col: usize) -> Result<(), KitError> {
        let rows = keyboard::rows(layout, false);
        let flat = |r: usize, c: usize| rows[..r].iter().map(Vec::len).sum::<usize>() + c + 1;
        let where_now = |pos: usize| -> (usize, usize) {
            let mut left = pos.saturating_sub(1);
            for (r, keys) in rows.iter().enumerate() {
                if left < keys.len() {
                    return (r, left);
                }
                left -= keys.len();
            }
            (0, 0)
        };
        let vm = self.now().await?;
        let (mut r, mut c) = where_now(vm.access.position.map_or(1, |p| p.0 as usize));
        while r != row {
            let (key, next) = if r < row {
                (Key::Down, r + 1)
            } else {
                (Key::Up, r - 1)
            };
            let next_col = c.min(rows[next].len() - 1);
            let want = flat(next, next_col) as u32;
            self.key(key, "a key row", move |v| {
                v.access.position.is_some_and(|p| p.0 == want)
            })
            .await?;
            (r, c) = (next, next_col);
        }
        let n = rows[row].len();
        while c != col {
            let right = (col + n - c) % n <= (c + n - col) % n;
            let next = if right { (c + 1) % n } else { (c + n - 1) % n };
            let want = flat(row, next) as u32;
            let key = if right { Key::Right } else { Key::Left };
            self.key(key, "a key", move |v| {
                v.access.position.is_some_and(|p| p.0 == want)
            })
            .await?;
            c = next;
        }
        Ok(())
    }

    /// Answers a yes/no or choice field with the answer labelled `label`.
    pub async fn choose(&mut self, field: &FieldView, label: &str) -> Result<ViewModel, KitError> {
        let id = field.id.clone();
        let label_owned = label.to_owned();
        self.activate(&field.id, label, move |v| {
            v.access.state == Some(kiosk_core::access::ItemState::Selected)
                && v.access
                    .ring
                    .as_ref()
                    .is_some_and(|r| r.group == id && r.label == label_owned)
        })
        .await
    }
}

/// A field's value in a view.
pub fn field_value(vm: &ViewModel, id: &str) -> String {
    vm.form
        .iter()
        .flat_map(|f| &f.fields)
        .find(|f| f.id == id)
        .map(|f| f.value.clone())
        .unwrap_or_default()
}

/// Where `cap` is on the keyboard: row, column, and whether Shift is needed.
fn find(layout: Layout, cap: &Cap) -> Option<(usize, usize, bool)> {
    for shift in [false, true] {
        for (r, row) in keyboard::rows(layout, shift).iter().enumerate() {
            if let Some(c) = row.iter().position(|k| k == cap) {
                return Some((r, c, shift));
            }
        }
    }
    None
}

/// A value a citizen can type with the keypad in `lang` for `f` (checked with the session's
/// own rules); None when there is none.
pub fn keypad_value(f: &Field, seed: u64, lang: Lang) -> Option<String> {
    let fit = |s: String| -> String {
        let mut t: String = s.chars().take(f.max_len.unwrap_or(usize::MAX)).collect();
        while t.chars().count() < f.min_len.unwrap_or(0) {
            t.push('a');
        }
        t.trim().to_owned()
    };
    let raw = match f.kind {
        // The national number: the box has +994 already.
        FieldKind::Phone | FieldKind::Mobile => format!(
            "50{:03}{:02}{:02}",
            100 + seed % 900,
            seed % 100,
            (seed / 100) % 100
        ),
        FieldKind::Number => {
            let lo = f.min.unwrap_or(1);
            let hi = f.max.unwrap_or(lo.saturating_add(9)).max(lo);
            let span = u64::try_from(hi.saturating_sub(lo))
                .unwrap_or(0)
                .saturating_add(1);
            lo.saturating_add(i64::try_from(seed % span).unwrap_or(0))
                .to_string()
        }
        FieldKind::Date => format!("{:02}.03.1985", 1 + seed % 28),
        FieldKind::Iban => "AZ21NABZ00000000137010001944".to_owned(),
        FieldKind::YesNo => if seed.is_multiple_of(2) { "yes" } else { "no" }.to_owned(),
        FieldKind::Choice => {
            let o = f
                .options
                .get((seed % f.options.len().max(1) as u64) as usize)?;
            o.label.get(lang).to_owned()
        }
        FieldKind::Text => fit(match lang {
            Lang::Az => format!("Sınaq {seed}"),
            Lang::Ru => format!("Проба {seed}"),
            Lang::En => format!("Test {seed}"),
        }),
        // Addresses are typed in Azerbaijani whatever the screen's language.
        FieldKind::Address => fit("Bakı, Yasamal 12".to_owned()),
    };
    session::normalise(f, &raw, lang).ok().map(|_| raw)
}

/// What the keys type for a value: phones without the +994 the box shows; IBAN letters in
/// small (the box writes them in capitals).
fn typed(kind: FieldKind, value: &str) -> String {
    match kind {
        FieldKind::Phone | FieldKind::Mobile => value
            .trim_start_matches("+994")
            .chars()
            .filter(char::is_ascii_digit)
            .collect(),
        FieldKind::Iban => value.to_ascii_lowercase(),
        _ => value.to_owned(),
    }
}

/// One citizen session with the keypad alone, audio guidance on: demo card, language,
/// catalog, service, every form page, review, submit. Returns the application number (the
/// Done screen shows it; the session is ended with its rating).
pub async fn citizen_session(
    d: &mut KeypadDriver<'_>,
    svc: &Service,
    seed: u64,
    lang: Lang,
) -> Result<ApplicationId, KitError> {
    d.wait("attract", |v| v.screen == ScreenId::Attract).await?;
    d.start_speech().await?;
    d.button(Msg::InsertDemoCard, |v| {
        matches!(v.screen, ScreenId::Welcome | ScreenId::CardError)
    })
    .await?;
    let vm = d
        .wait("welcome", |v| v.screen != ScreenId::ReadingCard)
        .await?;
    if vm.screen != ScreenId::Welcome {
        return Err(stuck(format!(
            "the welcome screen (card refused: {:?})",
            vm.card_error
        )));
    }
    d.language(lang).await?;
    d.button(Msg::NewApplication, |v| v.screen == ScreenId::Catalog)
        .await?;
    let title = svc.title.get(lang).to_owned();
    d.activate("", &title, |v| {
        matches!(v.screen, ScreenId::ServiceInfo | ScreenId::Form)
    })
    .await?;
    if d.now().await?.screen == ScreenId::ServiceInfo {
        d.button(Msg::StartApplication, |v| v.screen == ScreenId::Form)
            .await?;
    }
    for page in 1..=svc.pages() {
        let vm = d
            .wait("the form page", move |v| {
                v.screen == ScreenId::Form && v.form.as_ref().is_some_and(|f| f.page == page)
            })
            .await?;
        let fields = vm.form.map(|f| f.fields).unwrap_or_default();
        for (fv, f) in fields
            .iter()
            .filter_map(|fv| svc.field(&fv.id).map(|f| (fv, f)))
        {
            let Some(value) = keypad_value(f, seed, lang) else {
                if f.required {
                    return Err(stuck(format!("a value a keypad can type for {}", f.id)));
                }
                continue;
            };
            match f.kind {
                FieldKind::YesNo => {
                    let m = if value == "yes" { Msg::Yes } else { Msg::No };
                    let label = d.label(lang, m);
                    d.choose(fv, &label).await?;
                }
                FieldKind::Choice => {
                    d.choose(fv, &value).await?;
                }
                kind => {
                    d.type_into(fv, &typed(kind, &value)).await?;
                }
            }
        }
        d.button(Msg::Next, move |v| {
            v.screen == ScreenId::Review
                || v.form
                    .as_ref()
                    .is_some_and(|f| f.page > page || f.fields.iter().any(|fv| fv.error.is_some()))
        })
        .await?;
        let vm = d.now().await?;
        if let Some(f) = vm.form.as_ref().filter(|f| f.page == page) {
            let bad: Vec<&str> = f
                .fields
                .iter()
                .filter(|f| f.error.is_some())
                .map(|f| f.id.as_str())
                .collect();
            return Err(stuck(format!(
                "a form accepted (refused: {})",
                bad.join(", ")
            )));
        }
    }
    d.button(Msg::SubmitApplication, |v| {
        v.screen == ScreenId::Done || (v.screen == ScreenId::Review && v.submit_failed)
    })
    .await?;
    let vm = d.now().await?;
    let done = vm
        .done
        .filter(|_| vm.screen == ScreenId::Done)
        .ok_or_else(|| stuck("the done screen (the submit failed)".to_owned()))?;
    d.button(Msg::Finish, |v| v.screen == ScreenId::Rating)
        .await?;
    // Five on the keypad's digits rates the visit "excellent" and ends the session.
    d.key(Key::Digit(5), "the attract screen", |v| {
        v.screen == ScreenId::Attract
    })
    .await?;
    Ok(done.application_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_service_has_keypad_values_in_every_language() {
        let catalog = crate::kit::shipped_catalog().unwrap_or_else(|e| panic!("{e}"));
        for svc in &catalog.services {
            for lang in Lang::ALL {
                for seed in 0..20 {
                    for f in svc.fields.iter().filter(|f| f.required) {
                        let v = keypad_value(f, seed, lang)
                            .unwrap_or_else(|| panic!("{} {} {lang:?}", svc.id, f.id));
                        // Every character can be typed on the field's keyboard.
                        if let Some(layout) = Layout::for_field(f.kind, lang) {
                            for c in typed(f.kind, &v).chars().filter(|c| !c.is_ascii_digit()) {
                                let cap = if c == ' ' {
                                    Cap::Space
                                } else {
                                    Cap::Text(c.to_string())
                                };
                                assert!(find(layout, &cap).is_some(), "{c} on {layout:?}");
                            }
                        }
                    }
                }
            }
        }
    }
}

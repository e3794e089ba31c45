//! What audio mode says: a pure function of the screen (and the one before it), the keypad
//! focus and what just happened ([`script`]).
//!
//! Texts come from the UI's own translations ([`texts::Texts`], the `.po` catalogues) by
//! typed keys ([`msg::Msg`]) or from the view model (service titles, field labels and values
//! in the current language), so nothing is said that is not shown. Numbers, dates, phone
//! numbers, FİN characters and application numbers are written out in words
//! ([`words`]) before they reach the speech engine.

pub mod msg;
mod read;
pub mod texts;
pub mod words;

use dost_api::Lang;

use crate::access::{Access, Cue, Notice};
use crate::focus;
use crate::view::ViewModel;

pub use msg::Msg;
pub use texts::Texts;

/// One thing to say, in one language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Utterance {
    pub lang: Lang,
    pub text: String,
}

/// Builds utterances in the screen's language.
pub(crate) struct Say<'a> {
    pub texts: &'a Texts,
    pub lang: Lang,
    pub out: Vec<Utterance>,
}

impl Say<'_> {
    /// A message with `{0}`… filled with `args` as shown (numbers, dates), then put in words.
    pub fn msg(&mut self, m: Msg, args: &[&str]) {
        let text = words::normalise(self.lang, &self.texts.tr(self.lang, m, args));
        self.text_raw(text);
    }

    /// A message with `{0}`… filled with `args` already in words (a spelt FİN).
    pub fn msg_spoken(&mut self, m: Msg, args: &[&str]) {
        let text = self.tr_spoken(m, args);
        self.text_raw(text);
    }

    /// A message's text as it is said, the template put in words and filled with `args`.
    pub fn tr_spoken(&self, m: Msg, args: &[&str]) -> String {
        let template = words::normalise(self.lang, self.texts.get(self.lang, m.msgid()));
        texts::fill(&template, args)
    }

    /// Text from the view model (numbers and abbreviations put in words).
    pub fn text(&mut self, text: &str) {
        let t = words::normalise(self.lang, text);
        self.text_raw(t);
    }

    /// Text already in words.
    pub fn text_raw(&mut self, text: String) {
        let text = text.trim().to_owned();
        if !text.is_empty() {
            self.out.push(Utterance {
                lang: self.lang,
                text,
            });
        }
    }

    /// Text in another language (a language's own name, a citizen's name).
    pub fn text_in(&mut self, lang: Lang, text: &str) {
        let text = words::normalise(lang, text);
        if !text.is_empty() {
            self.out.push(Utterance { lang, text });
        }
    }
}

/// What to say now: after a key (`cue`), or after the session moved (`Cue::Nothing`).
///
/// `prev` is the screen shown before, `vm` the one shown now (with its keypad view). Nothing
/// is said while audio mode is off (except "audio guidance is off" itself), and nothing at all
/// on the service screens, so a PIN is never spoken.
pub fn script(
    access: &Access,
    prev: Option<&ViewModel>,
    vm: &ViewModel,
    cue: &Cue,
    texts: &Texts,
) -> Vec<Utterance> {
    let mut say = Say {
        texts,
        lang: vm.lang,
        out: Vec::new(),
    };
    if focus::is_service(vm.screen) {
        return Vec::new();
    }
    if *cue == Cue::Notice(Notice::AudioOff) {
        say.msg(Msg::AudioOff, &[]);
        return say.out;
    }
    if !access.audio {
        return Vec::new();
    }
    let screen_changed = prev.is_none_or(|p| {
        p.screen != vm.screen
            || p.lang != vm.lang
            || p.form.as_ref().map(|f| (f.page, &f.service_title))
                != vm.form.as_ref().map(|f| (f.page, &f.service_title))
    });
    match cue {
        Cue::Notice(Notice::AudioOn) => {
            say.msg(Msg::AudioOn, &[]);
            say.msg(Msg::KeysHelp, &[]);
            read::screen(&mut say, access, vm);
            return say.out;
        }
        Cue::Screen => {
            read::screen(&mut say, access, vm);
            return say.out;
        }
        _ => {}
    }
    if screen_changed {
        read::screen(&mut say, access, vm);
        return say.out;
    }
    let changed = read::changes(&mut say, access, prev, vm);
    match cue {
        Cue::Focus => read::focused(&mut say, access, prev, vm),
        Cue::Typed(name) => say.text_raw(name.clone()),
        Cue::KeyboardOpened => {
            say.msg(Msg::OnScreenKeyboard, &[]);
            read::focused(&mut say, access, prev, vm);
        }
        Cue::Activated if !changed => read::focused(&mut say, access, prev, vm),
        Cue::Notice(Notice::Help) => {
            say.msg(Msg::KeysHelp, &[]);
            if let Some(h) = vm.access.hint {
                say.msg(h.msg(), &[]);
            }
        }
        Cue::Notice(Notice::Volume) => say.msg(Msg::VolumePercent, &[&access.volume.to_string()]),
        Cue::Notice(Notice::Speed) => say.msg(Msg::SpeedPercent, &[&access.rate.to_string()]),
        Cue::Notice(Notice::KeyboardClosed) => {
            say.msg(Msg::KeyboardClosed, &[]);
            read::focused(&mut say, access, prev, vm);
        }
        Cue::Notice(n) => say.msg(n.msg(), &[]),
        Cue::Activated | Cue::Nothing | Cue::Screen => {}
    }
    say.out
}

#[cfg(test)]
mod tests;

//! The screens' translations, read from the same gettext catalogues the UI bundles
//! (`ui/translations/{az,ru,en}/LC_MESSAGES/dost-kiosk.po`), so speech says what the screen
//! shows. Parsed with `polib` from text (the catalogues are compiled in; no file is read).

use std::collections::HashMap;

use dost_api::Lang;

use super::msg::Msg;

/// A catalogue that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TextsError {
    #[error("the {lang} catalogue does not parse: {source}")]
    Parse {
        lang: &'static str,
        #[source]
        source: polib::po_file::POParseError,
    },
    #[error("the {lang} catalogue has no translations")]
    Empty { lang: &'static str },
}

/// msgid → translation, per language.
#[derive(Debug, Clone, Default)]
pub struct Texts {
    by_lang: [HashMap<String, String>; 3],
}

fn slot(lang: Lang) -> usize {
    match lang {
        Lang::Az => 0,
        Lang::Ru => 1,
        Lang::En => 2,
    }
}

impl Texts {
    /// Parses the three catalogues (`.po` text).
    pub fn parse(az: &str, ru: &str, en: &str) -> Result<Texts, TextsError> {
        let mut texts = Texts::default();
        for (lang, text) in [(Lang::Az, az), (Lang::Ru, ru), (Lang::En, en)] {
            let code = lang.code();
            let catalog = polib::po_file::parse_from_reader(text.as_bytes())
                .map_err(|source| TextsError::Parse { lang: code, source })?;
            let map = &mut texts.by_lang[slot(lang)];
            for m in catalog.messages() {
                // Only singular, translated, non-fuzzy entries (gettext's own rule).
                if m.is_singular()
                    && m.is_translated()
                    && !m.is_fuzzy()
                    && let Ok(s) = m.msgstr()
                {
                    map.insert(m.msgid().to_owned(), s.to_owned());
                }
            }
            if map.is_empty() {
                return Err(TextsError::Empty { lang: code });
            }
        }
        Ok(texts)
    }

    /// The catalogues the UI is built with.
    pub fn shipped() -> Result<Texts, TextsError> {
        Texts::parse(
            include_str!("../../../../ui/translations/az/LC_MESSAGES/dost-kiosk.po"),
            include_str!("../../../../ui/translations/ru/LC_MESSAGES/dost-kiosk.po"),
            include_str!("../../../../ui/translations/en/LC_MESSAGES/dost-kiosk.po"),
        )
    }

    /// The translation of `msgid`, or `msgid` itself when there is none (as gettext does).
    pub fn get<'a>(&'a self, lang: Lang, msgid: &'a str) -> &'a str {
        self.by_lang[slot(lang)]
            .get(msgid)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .unwrap_or(msgid)
    }

    /// Whether the catalogue of `lang` has a translation of `msgid`.
    pub fn has(&self, lang: Lang, msgid: &str) -> bool {
        self.by_lang[slot(lang)]
            .get(msgid)
            .is_some_and(|s| !s.trim().is_empty())
    }

    /// A message in `lang`, `{0}`, `{1}`, … replaced by `args` (Slint's `@tr` placeholders).
    pub fn tr(&self, lang: Lang, msg: Msg, args: &[&str]) -> String {
        fill(self.get(lang, msg.msgid()), args)
    }
}

/// Replaces `{0}`, `{1}`, … (and a bare `{}` by the next argument) as Slint's `@tr` does.
pub fn fill(template: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    let mut next = 0usize;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inner = &after[..close];
        let index = if inner.is_empty() {
            next += 1;
            Some(next - 1)
        } else {
            inner.parse::<usize>().ok()
        };
        match index.and_then(|i| args.get(i)) {
            Some(a) => out.push_str(a),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_like_slint() {
        assert_eq!(fill("Step {0} of {1}", &["1", "2"]), "Step 1 of 2");
        assert_eq!(fill("{1} / {0}", &["a", "b"]), "b / a");
        assert_eq!(fill("{} and {}", &["x", "y"]), "x and y");
        assert_eq!(fill("{5} stays", &["x"]), "{5} stays");
        assert_eq!(fill("open { brace", &[]), "open { brace");
    }

    #[test]
    fn catalogues_parse_with_polib_and_translate() {
        let t = Texts::shipped().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            t.tr(Lang::Az, Msg::StepOf, &["1", "2"]),
            "Addım 1 / 2",
            "az placeholder order"
        );
        assert_eq!(t.get(Lang::Ru, "Application number"), "Номер заявления");
        assert_eq!(t.get(Lang::En, "Application number"), "Application number");
        // Unknown ids fall back to themselves.
        assert_eq!(t.get(Lang::Az, "no such text"), "no such text");
    }

    #[test]
    fn broken_catalogue_is_an_error_not_a_panic() {
        let header = "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n";
        let ok = format!("{header}msgid \"a\"\nmsgstr \"b\"\n");
        let t = Texts::parse(&ok, &ok, &ok).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.get(Lang::Ru, "a"), "b");
        assert!(matches!(
            Texts::parse(&ok, header, &ok),
            Err(TextsError::Empty { lang: "ru" })
        ));
        // No header, or bytes that are not UTF-8: an error naming the catalogue.
        let no_header = "msgid \"a\"\nmsgstr \"b\"\n";
        assert!(matches!(
            Texts::parse(no_header, &ok, &ok),
            Err(TextsError::Parse { lang: "az", .. })
        ));
    }
}

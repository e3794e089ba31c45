//! Every text of the UI is translated: each `@tr("…")` in `ui/**/*.slint` has a non-empty
//! translation in the az, ru and en catalogues, with the same `{0}` placeholders.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn slint_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("cannot read {}", dir.display());
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            slint_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "slint") {
            out.push(p);
        }
    }
}

/// The string literal starting right after an opening quote; None when it does not close.
fn literal(s: &str) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, i + 1)),
            '\\' => {
                let (_, n) = chars.next()?;
                out.push(match n {
                    'n' => '\n',
                    other => other,
                });
            }
            c => out.push(c),
        }
    }
    None
}

/// Source texts of every `@tr(…)`.
fn sources() -> BTreeMap<String, PathBuf> {
    let mut files = Vec::new();
    slint_files(Path::new("ui"), &mut files);
    assert!(files.len() > 20, "found only {} .slint files", files.len());
    let mut out = BTreeMap::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("@tr(\"") {
            rest = &rest[at + 5..];
            let Some((s, used)) = literal(rest) else {
                panic!("unclosed @tr in {}", f.display());
            };
            out.entry(s).or_insert_with(|| f.clone());
            rest = &rest[used..];
        }
    }
    out
}

/// msgid → msgstr of a catalogue (single-line entries, as ours are).
fn catalogue(lang: &str) -> BTreeMap<String, String> {
    let path = format!("ui/translations/{lang}/LC_MESSAGES/dost-kiosk.po");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => panic!("{path}: {e}"),
    };
    let mut out = BTreeMap::new();
    let mut id: Option<String> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("msgid \"") {
            id = literal(rest).map(|(s, _)| s);
        } else if let Some(rest) = line.strip_prefix("msgstr \"")
            && let Some(id) = id.take()
            && !id.is_empty()
        {
            let s = literal(rest).map(|(s, _)| s).unwrap_or_default();
            assert!(out.insert(id.clone(), s).is_none(), "{path}: `{id}` twice");
        }
    }
    out
}

fn placeholders(s: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = s;
    while let Some(i) = rest.find('{') {
        rest = &rest[i..];
        match rest.find('}') {
            Some(j) => {
                out.insert(rest[..=j].to_owned());
                rest = &rest[j + 1..];
            }
            None => break,
        }
    }
    out
}

#[test]
fn every_ui_text_is_translated_with_its_placeholders() {
    let sources = sources();
    assert!(sources.len() > 100, "found only {} texts", sources.len());
    let mut problems = Vec::new();
    for lang in ["az", "ru", "en"] {
        let cat = catalogue(lang);
        for (src, file) in &sources {
            match cat.get(src) {
                None => problems.push(format!("{lang}: missing `{src}` ({})", file.display())),
                Some(t) if t.trim().is_empty() => {
                    problems.push(format!("{lang}: empty translation of `{src}`"))
                }
                Some(t) if placeholders(t) != placeholders(src) => {
                    problems.push(format!("{lang}: placeholders differ in `{src}` → `{t}`"))
                }
                Some(_) => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn azerbaijani_and_russian_are_not_left_in_english() {
    // A translation identical to the English text is allowed only for texts without words
    // (codes, symbols) or the few that are the same in both languages.
    let same_ok = [
        "DOST",
        "OK",
        "QR",
        "FİN",
        "plain: lines",
        "Serial port",
        "Normal",
        "Disk",
    ];
    for lang in ["az", "ru"] {
        let cat = catalogue(lang);
        let untranslated: Vec<_> = sources()
            .into_keys()
            .filter(|src| cat.get(src) == Some(src))
            .filter(|src| src.chars().filter(|c| c.is_alphabetic()).count() > 3)
            .filter(|src| !same_ok.iter().any(|ok| src.starts_with(ok)))
            .collect();
        assert!(untranslated.is_empty(), "{lang}: {untranslated:?}");
    }
}

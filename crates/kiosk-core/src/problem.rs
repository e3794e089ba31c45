//! Problems of a configuration or catalog: where (file and line), which key, why.
//!
//! Lines come from the TOML parser's own spans, never from searching the text.

use std::fmt;
use std::ops::Range;

/// One problem in a file: where, which key, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line, when known.
    pub line: Option<usize>,
    pub key: String,
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: `{}`: {}", self.key, self.reason),
            None => write!(f, "`{}`: {}", self.key, self.reason),
        }
    }
}

/// Everything wrong with one file (or one document from the centre).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct Problems {
    /// What was read: a file's path, or e.g. "centre catalog".
    pub origin: String,
    pub list: Vec<Problem>,
}

impl Problems {
    /// One problem without a line (a value from the centre, a command-line key).
    pub fn one(origin: impl Into<String>, key: &str, reason: impl Into<String>) -> Problems {
        Problems {
            origin: origin.into(),
            list: vec![Problem {
                line: None,
                key: key.to_owned(),
                reason: reason.into(),
            }],
        }
    }

    /// `value` when `list` is empty, else the problems.
    pub fn check<T>(
        origin: impl Into<String>,
        value: T,
        list: Vec<Problem>,
    ) -> Result<T, Problems> {
        if list.is_empty() {
            Ok(value)
        } else {
            Err(Problems {
                origin: origin.into(),
                list,
            })
        }
    }

    /// A TOML syntax or type error, with the line and the key it points at.
    pub fn from_toml(origin: impl Into<String>, text: &str, e: &toml::de::Error) -> Problems {
        let key = e
            .span()
            .and_then(|span| key_at(text, span.start))
            .unwrap_or_else(|| "-".to_owned());
        Problems {
            origin: origin.into(),
            list: vec![Problem {
                line: e.span().map(|s| line_at(text, s.start)),
                key,
                reason: e.message().to_owned(),
            }],
        }
    }

    fn render(&self) -> String {
        self.list
            .iter()
            .map(|p| match p.line {
                Some(l) => format!("{}:{l}: `{}`: {}", self.origin, p.key, p.reason),
                None => format!("{}: `{}`: {}", self.origin, p.key, p.reason),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// 1-based line of byte offset `at` in `text`.
pub fn line_at(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The dotted key (`section.key`) of the `key = value` line holding byte offset `at`, for
/// errors of the parser itself, where no parsed document exists to ask.
fn key_at(text: &str, at: usize) -> Option<String> {
    let at = at.min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    if key.is_empty() || key.len() >= 60 {
        return None;
    }
    let section = text[..start].lines().rev().find_map(|l| {
        let l = l.trim();
        l.strip_prefix('[')?
            .trim_start_matches('[')
            .split(']')
            .next()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    });
    Some(match section {
        Some(section) => format!("{section}.{key}"),
        None => key.to_owned(),
    })
}

/// One step of a path into a TOML document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Spans of a parsed TOML text, to name the line of a key in a problem.
pub struct Spans<'a> {
    text: &'a str,
    doc: Option<toml_edit::Document<&'a str>>,
}

impl<'a> Spans<'a> {
    pub fn new(text: &'a str) -> Spans<'a> {
        Spans {
            text,
            doc: toml_edit::Document::parse(text).ok(),
        }
    }

    /// 1-based line of the item at `path`; when a key on the way is absent (a default), the
    /// line of the nearest table or item that would hold it.
    pub fn line(&self, path: &[Seg]) -> Option<usize> {
        let mut item = self.doc.as_ref()?.as_item();
        let mut best: Option<Range<usize>> = None;
        for seg in path {
            let next = match seg {
                Seg::Key(k) => item.get(*k),
                Seg::Index(i) => item.get(*i),
            };
            let Some(next) = next else { break };
            if let Some(span) = next.span() {
                best = Some(span);
            }
            item = next;
        }
        best.map(|s| line_at(self.text, s.start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "[kiosk]\nid = \"K1\"\n\n[[service]]\nid = \"a\"\n\n[[service]]\nid = \"b\"\narea = \"x\"\n";

    #[test]
    fn lines_of_keys_tables_and_array_items() {
        let spans = Spans::new(TEXT);
        assert_eq!(spans.line(&[Seg::Key("kiosk"), Seg::Key("id")]), Some(2));
        // An absent key points at its table.
        assert_eq!(spans.line(&[Seg::Key("kiosk"), Seg::Key("code")]), Some(1));
        let area = [Seg::Key("service"), Seg::Index(1), Seg::Key("area")];
        assert_eq!(spans.line(&area), Some(9));
        let absent = [Seg::Key("service"), Seg::Index(0), Seg::Key("area")];
        assert_eq!(spans.line(&absent), Some(4));
        assert_eq!(Spans::new("not = = toml").line(&[Seg::Key("not")]), None);
    }

    #[test]
    fn toml_errors_name_line_and_key() {
        let text = "[a]\nx = 1\ny = = 2\n";
        let err = toml::from_str::<toml::Table>(text).err();
        let p = err.map(|e| Problems::from_toml("f.toml", text, &e));
        let p = p.unwrap_or_else(|| panic!("expected a syntax error"));
        assert_eq!(p.list[0].line, Some(3));
        assert_eq!(p.list[0].key, "a.y");
        assert!(p.to_string().starts_with("f.toml:3: `a.y`: "), "{p}");
    }
}

//! The service catalog (`config/services.toml`): areas, services and their forms, as data.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, Problem};
use crate::validate::Limits;
use crate::view::{FieldKind, Lang};

/// A text in the three kiosk languages.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct L10n {
    pub az: String,
    pub ru: String,
    pub en: String,
}

impl L10n {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Az => &self.az,
            Lang::Ru => &self.ru,
            Lang::En => &self.en,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub id: String,
    pub title: L10n,
}

/// Field kinds as written in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldKindDef {
    Text,
    Phone,
    Number,
    Date,
    Iban,
    Address,
    YesNo,
    Choice,
}

impl From<FieldKindDef> for FieldKind {
    fn from(k: FieldKindDef) -> Self {
        match k {
            FieldKindDef::Text => FieldKind::Text,
            FieldKindDef::Phone => FieldKind::Phone,
            FieldKindDef::Number => FieldKind::Number,
            FieldKindDef::Date => FieldKind::Date,
            FieldKindDef::Iban => FieldKind::Iban,
            FieldKindDef::Address => FieldKind::Address,
            FieldKindDef::YesNo => FieldKind::YesNo,
            FieldKindDef::Choice => FieldKind::Choice,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub id: String,
    pub label: L10n,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub id: String,
    pub kind: FieldKindDef,
    #[serde(default = "yes")]
    pub required: bool,
    pub label: L10n,
    #[serde(default)]
    pub help: Option<L10n>,
    /// Form page (1-based) the field is on.
    #[serde(default = "one")]
    pub page: u32,
    #[serde(default)]
    pub min_len: Option<usize>,
    #[serde(default)]
    pub max_len: Option<usize>,
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
    #[serde(default, rename = "option")]
    pub options: Vec<ChoiceOption>,
}

fn yes() -> bool {
    true
}
fn one() -> u32 {
    1
}

impl Field {
    pub fn limits(&self) -> Limits {
        Limits {
            min_len: self.min_len,
            max_len: self.max_len,
            min: self.min,
            max: self.max,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub id: String,
    pub area: String,
    pub title: L10n,
    pub summary: L10n,
    pub needs: L10n,
    pub duration: L10n,
    /// What the receipt says happens next.
    pub next_steps: L10n,
    #[serde(rename = "field")]
    pub fields: Vec<Field>,
}

impl Service {
    /// Number of form pages.
    pub fn pages(&self) -> u32 {
        self.fields.iter().map(|f| f.page).max().unwrap_or(1).max(1)
    }

    pub fn fields_on(&self, page: u32) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(move |f| f.page == page)
    }

    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    #[serde(rename = "area")]
    pub areas: Vec<Area>,
    #[serde(rename = "service")]
    pub services: Vec<Service>,
}

impl Catalog {
    /// Reads and checks a catalog file.
    pub fn load(path: &Path) -> Result<Catalog, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses and checks catalog text; `path` names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Catalog, ConfigError> {
        let catalog: Catalog =
            toml::from_str(text).map_err(|e| ConfigError::from_toml(path, text, &e))?;
        let problems = catalog.problems(text);
        ConfigError::check(path, catalog, problems)
    }

    /// Reads and checks a catalog sent by the centre (`GET /v1/catalog`).
    pub fn from_json(value: serde_json::Value) -> Result<Catalog, ConfigError> {
        let path = Path::new("centre catalog");
        let catalog: Catalog = serde_json::from_value(value)
            .map_err(|e| ConfigError::one(path, "-", e.to_string()))?;
        let problems = catalog.problems("");
        ConfigError::check(path, catalog, problems)
    }

    /// Everything wrong with a parsed catalog (empty when it is usable).
    fn problems(&self, text: &str) -> Vec<Problem> {
        let mut out = Vec::new();
        // `anchor` is the service whose lines are meant (errors point into its table).
        let mut add_in = |anchor: Option<&str>, key: &str, reason: String| {
            let line = match anchor {
                Some(id) => crate::config::line_of_after(text, &format!("\"{id}\""), key),
                None => crate::config::line_of(text, key),
            };
            out.push(Problem {
                line,
                key: key.to_owned(),
                reason,
            })
        };
        let area_ids: BTreeSet<&str> = self.areas.iter().map(|a| a.id.as_str()).collect();
        if area_ids.len() != self.areas.len() {
            add_in(None, "area.id", "area ids must be unique".into());
        }
        let mut service_ids = BTreeSet::new();
        if self.services.is_empty() {
            add_in(None, "service", "the catalog has no services".into());
        }
        for s in &self.services {
            if !service_ids.insert(s.id.as_str()) {
                add_in(
                    Some(&s.id),
                    "id",
                    format!("service id `{}` is used twice", s.id),
                );
            }
            if !area_ids.contains(s.area.as_str()) {
                add_in(
                    Some(&s.id),
                    "area",
                    format!("service `{}` names unknown area `{}`", s.id, s.area),
                );
            }
            if s.fields.is_empty() {
                add_in(
                    Some(&s.id),
                    "field",
                    format!("service `{}` has no form fields", s.id),
                );
            }
            let mut field_ids = BTreeSet::new();
            for f in &s.fields {
                if !field_ids.insert(f.id.as_str()) {
                    add_in(
                        Some(&s.id),
                        "id",
                        format!("field `{}` of `{}` is used twice", f.id, s.id),
                    );
                }
                if f.page == 0 {
                    add_in(
                        Some(&s.id),
                        "page",
                        format!("field `{}` of `{}`: pages start at 1", f.id, s.id),
                    );
                }
                if f.kind == FieldKindDef::Choice && f.options.len() < 2 {
                    add_in(
                        Some(&s.id),
                        "option",
                        format!("choice `{}` of `{}` needs 2 options", f.id, s.id),
                    );
                }
            }
            for p in 1..=s.pages() {
                if s.fields_on(p).next().is_none() {
                    add_in(
                        Some(&s.id),
                        "page",
                        format!("service `{}` has an empty page {p}", s.id),
                    );
                }
            }
            for (what, l) in [("title", &s.title), ("summary", &s.summary)] {
                if l.az.is_empty() || l.ru.is_empty() || l.en.is_empty() {
                    add_in(
                        Some(&s.id),
                        what,
                        format!("service `{}` lacks a {what} in some language", s.id),
                    );
                }
            }
        }
        out
    }

    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }

    pub fn area(&self, id: &str) -> Option<&Area> {
        self.areas.iter().find(|a| a.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Catalog {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/services.toml");
        match Catalog::load(&path) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn shipped_catalog_is_valid_and_complete() {
        let c = shipped();
        assert!(c.services.len() >= 8, "at least 8 services");
        for area in [
            "employment",
            "pensions",
            "social-assistance",
            "disability",
            "labour",
            "consultation",
        ] {
            assert!(
                c.services.iter().any(|s| s.area == area),
                "area {area} has a service"
            );
        }
        for s in &c.services {
            for lang in Lang::ALL {
                assert!(!s.title.get(lang).is_empty());
                assert!(!s.next_steps.get(lang).is_empty());
            }
            assert!(
                s.fields.iter().any(|f| f.kind == FieldKindDef::Phone),
                "{} asks a phone",
                s.id
            );
        }
    }

    #[test]
    fn catalog_round_trips_through_json() {
        let c = shipped();
        let json = serde_json::to_value(&c).unwrap_or_default();
        assert_eq!(Catalog::from_json(json.clone()).ok(), Some(c));
        let mut broken = json;
        broken["service"][0]["area"] = serde_json::Value::from("nowhere");
        assert!(Catalog::from_json(broken).is_err());
        assert!(Catalog::from_json(serde_json::json!({"area": 3})).is_err());
    }

    #[test]
    fn broken_catalog_names_the_problem() {
        let text = "[[area]]\nid = \"a\"\ntitle = { az = \"A\", ru = \"A\", en = \"A\" }\n\n\
                    [[service]]\nid = \"s\"\narea = \"missing\"\n\
                    title = { az = \"T\", ru = \"T\", en = \"T\" }\n\
                    summary = { az = \"S\", ru = \"S\", en = \"S\" }\n\
                    needs = { az = \"\", ru = \"\", en = \"\" }\n\
                    duration = { az = \"\", ru = \"\", en = \"\" }\n\
                    next_steps = { az = \"\", ru = \"\", en = \"\" }\n\
                    field = []\n";
        let err = Catalog::parse(text, Path::new("x.toml")).err();
        let Some(ConfigError::Invalid { problems, .. }) = err else {
            panic!("expected problems, got {err:?}");
        };
        assert!(problems.iter().any(|p| p.reason.contains("unknown area")));
        assert!(problems.iter().any(|p| p.reason.contains("no form fields")));
        assert!(
            problems
                .iter()
                .any(|p| p.key == "area" && p.line == Some(7))
        );
    }
}

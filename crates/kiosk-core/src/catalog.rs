//! The service catalog (`config/services.toml`): areas, services and their forms, as data.

use std::collections::BTreeSet;

use dost_api::Lang;
use serde::{Deserialize, Serialize};

use crate::problem::{Problem, Problems, Seg, Spans};
use crate::validate::Limits;

/// The catalog id of the "see a specialist" desk service (offered on the welcome screen).
pub const SPECIALIST: &str = "specialist";

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

/// Kind of a form field: decides the keyboard and the checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldKind {
    #[default]
    Text,
    /// +994 and 9 digits (operator/area code + number).
    Phone,
    Number,
    Date,
    Iban,
    Address,
    YesNo,
    Choice,
    /// A mobile number for SMS: `+994`, a mobile operator code ([`crate::validate::MOBILE_CODES`])
    /// and 7 digits.
    Mobile,
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
    pub kind: FieldKind,
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
    /// A yes/no field that must be "yes" when the named field is filled (consent to SMS).
    #[serde(default)]
    pub consent_for: Option<String>,
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
    /// Served at a desk of the centre: the kiosk gives a queue ticket instead of taking an
    /// application (its fields, if any, are the optional SMS number and its consent).
    #[serde(default)]
    pub desk_only: bool,
    #[serde(rename = "field", default)]
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
    /// Parses and checks catalog text; `origin` names the file in problems.
    pub fn parse(text: &str, origin: &str) -> Result<Catalog, Problems> {
        let catalog: Catalog =
            toml::from_str(text).map_err(|e| Problems::from_toml(origin, text, &e))?;
        let spans = Spans::new(text);
        let problems = catalog.problems(Some(&spans));
        Problems::check(origin, catalog, problems)
    }

    /// Reads and checks a catalog sent by the centre (`GET /v1/catalog`).
    pub fn from_json(value: serde_json::Value) -> Result<Catalog, Problems> {
        let origin = "centre catalog";
        let catalog: Catalog =
            serde_json::from_value(value).map_err(|e| Problems::one(origin, "-", e.to_string()))?;
        let problems = catalog.problems(None);
        Problems::check(origin, catalog, problems)
    }

    /// Everything wrong with a parsed catalog (empty when it is usable).
    fn problems(&self, spans: Option<&Spans>) -> Vec<Problem> {
        let mut out = Vec::new();
        // `service` is the index of the service whose table is meant.
        let mut add = |service: Option<usize>, key: &str, reason: String| {
            let line = spans.and_then(|sp| match service {
                Some(i) => sp.line(&[Seg::Key("service"), Seg::Index(i), Seg::Key(key)]),
                None => sp.line(&[Seg::Key(key)]),
            });
            out.push(Problem {
                line,
                key: key.to_owned(),
                reason,
            })
        };
        let area_ids: BTreeSet<&str> = self.areas.iter().map(|a| a.id.as_str()).collect();
        if area_ids.len() != self.areas.len() {
            add(None, "area", "area ids must be unique".into());
        }
        let mut service_ids = BTreeSet::new();
        if self.services.is_empty() {
            add(None, "service", "the catalog has no services".into());
        }
        for (i, s) in self.services.iter().enumerate() {
            let at = Some(i);
            if !service_ids.insert(s.id.as_str()) {
                add(at, "id", format!("service id `{}` is used twice", s.id));
            }
            if !area_ids.contains(s.area.as_str()) {
                add(
                    at,
                    "area",
                    format!("service `{}` names unknown area `{}`", s.id, s.area),
                );
            }
            if s.fields.is_empty() && !s.desk_only {
                add(
                    at,
                    "field",
                    format!("service `{}` has no form fields", s.id),
                );
            }
            let mut field_ids = BTreeSet::new();
            for f in &s.fields {
                if !field_ids.insert(f.id.as_str()) {
                    add(
                        at,
                        "field",
                        format!("field `{}` of `{}` is used twice", f.id, s.id),
                    );
                }
                if f.page == 0 {
                    add(
                        at,
                        "field",
                        format!("field `{}` of `{}`: pages start at 1", f.id, s.id),
                    );
                }
                if f.kind == FieldKind::Choice && f.options.len() < 2 {
                    add(
                        at,
                        "field",
                        format!("choice `{}` of `{}` needs 2 options", f.id, s.id),
                    );
                }
                if let Some(other) = &f.consent_for
                    && (f.kind != FieldKind::YesNo || s.field(other).is_none())
                {
                    add(
                        at,
                        "field",
                        format!(
                            "consent `{}` of `{}` must be yes-no and name a field of the service",
                            f.id, s.id
                        ),
                    );
                }
            }
            for p in 1..=s.pages() {
                if s.fields_on(p).next().is_none() {
                    add(
                        at,
                        "field",
                        format!("service `{}` has an empty page {p}", s.id),
                    );
                }
            }
            for (what, l) in [("title", &s.title), ("summary", &s.summary)] {
                if l.az.is_empty() || l.ru.is_empty() || l.en.is_empty() {
                    add(
                        at,
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

    /// The "see a specialist" service, when the catalog has it (a desk service).
    pub fn specialist(&self) -> Option<&Service> {
        self.service(SPECIALIST).filter(|s| s.desk_only)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Catalog {
        let text = include_str!("../../../config/services.toml");
        Catalog::parse(text, "config/services.toml").unwrap_or_else(|e| panic!("{e}"))
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
                s.fields
                    .iter()
                    .any(|f| matches!(f.kind, FieldKind::Phone | FieldKind::Mobile)),
                "{} asks a phone",
                s.id
            );
        }
        // Desk services give queue tickets, one of them "see a specialist".
        let desk: Vec<&Service> = c.services.iter().filter(|s| s.desk_only).collect();
        assert!(desk.iter().any(|s| s.id == "disability-assessment"));
        assert!(desk.iter().any(|s| s.id == crate::catalog::SPECIALIST));
        for s in desk {
            assert!(
                s.fields.iter().all(|f| !f.required),
                "{}: SMS is optional",
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
        let err = Catalog::parse(text, "x.toml").err();
        let Some(Problems { list: problems, .. }) = err else {
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

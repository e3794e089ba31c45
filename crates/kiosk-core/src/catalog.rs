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
    ///
    /// The work is proportional to the catalog's size, and that size is bounded first: a
    /// catalog over a bound gets one problem for it and no further checks of that part.
    fn problems(&self, spans: Option<&Spans>) -> Vec<Problem> {
        let mut out = Vec::new();
        // `service` is the index of the service whose table is meant.
        let mut add = |service: Option<usize>, key: &str, reason: String| {
            if out.len() >= bounds::PROBLEMS {
                return;
            }
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
        if self.areas.len() > bounds::AREAS {
            add(None, "area", format!("at most {} areas", bounds::AREAS));
            return out;
        }
        if self.services.len() > bounds::SERVICES {
            add(
                None,
                "service",
                format!("at most {} services", bounds::SERVICES),
            );
            return out;
        }
        for a in &self.areas {
            if let Err(e) = check_id(&a.id) {
                add(None, "area", format!("area id `{}`: {e}", shown(&a.id)));
            }
            if let Err(e) = check_l10n(&a.title) {
                add(
                    None,
                    "area",
                    format!("title of area `{}`: {e}", shown(&a.id)),
                );
            }
        }
        let area_ids: BTreeSet<&str> = self.areas.iter().map(|a| a.id.as_str()).collect();
        if area_ids.len() != self.areas.len() {
            add(None, "area", "area ids must be unique".into());
        }
        let mut service_ids = BTreeSet::new();
        if self.services.is_empty() {
            add(None, "service", "the catalog has no services".into());
        }
        for (i, s) in self.services.iter().enumerate() {
            if !service_ids.insert(s.id.as_str()) {
                add(
                    Some(i),
                    "id",
                    format!("service id `{}` is used twice", shown(&s.id)),
                );
            }
            service_problems(i, s, &area_ids, &mut add);
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

/// What is wrong with service `i` by itself and with its fields.
fn service_problems(
    i: usize,
    s: &Service,
    area_ids: &BTreeSet<&str>,
    add: &mut impl FnMut(Option<usize>, &str, String),
) {
    let at = Some(i);
    let id = shown(&s.id);
    if let Err(e) = check_id(&s.id) {
        add(at, "id", format!("service id `{id}`: {e}"));
    }
    if !area_ids.contains(s.area.as_str()) {
        add(
            at,
            "area",
            format!("service `{id}` names unknown area `{}`", shown(&s.area)),
        );
    }
    for (what, l) in [
        ("title", &s.title),
        ("summary", &s.summary),
        ("needs", &s.needs),
        ("duration", &s.duration),
        ("next_steps", &s.next_steps),
    ] {
        if let Err(e) = check_l10n(l) {
            add(at, what, format!("{what} of service `{id}`: {e}"));
        }
    }
    for (what, l) in [("title", &s.title), ("summary", &s.summary)] {
        if l.az.is_empty() || l.ru.is_empty() || l.en.is_empty() {
            add(
                at,
                what,
                format!("service `{id}` lacks a {what} in some language"),
            );
        }
    }
    if s.fields.is_empty() && !s.desk_only {
        add(at, "field", format!("service `{id}` has no form fields"));
    }
    if s.fields.len() > bounds::FIELDS {
        add(
            at,
            "field",
            format!("service `{id}`: at most {} fields", bounds::FIELDS),
        );
        return;
    }
    let mut field_ids = BTreeSet::new();
    for f in &s.fields {
        for reason in field_problems(f) {
            add(
                at,
                "field",
                format!("field `{}` of `{id}`: {reason}", shown(&f.id)),
            );
        }
        if !field_ids.insert(f.id.as_str()) {
            add(
                at,
                "field",
                format!("field `{}` of `{id}` is used twice", shown(&f.id)),
            );
        }
    }
    // Pages in use, each at most `bounds::PAGES`: the check below is at most that long.
    let used: BTreeSet<u32> = s.fields.iter().map(|f| f.page).collect();
    if used.iter().all(|p| (1..=bounds::PAGES).contains(p)) {
        for p in 1..=s.pages() {
            if !used.contains(&p) {
                add(at, "field", format!("service `{id}` has an empty page {p}"));
            }
        }
    }
}

/// Bounds of a catalog: every number that sizes the kiosk's work or memory.
pub mod bounds {
    /// Areas of the catalog.
    pub const AREAS: usize = 50;
    /// Services of the catalog.
    pub const SERVICES: usize = 200;
    /// Form fields of one service.
    pub const FIELDS: usize = 40;
    /// Form pages of one service.
    pub const PAGES: u32 = 10;
    /// Options of one choice field.
    pub const OPTIONS: usize = 30;
    /// Characters of an id (area, service, field, option).
    pub const ID: usize = 64;
    /// Characters of one text in one language.
    pub const TEXT: usize = 2000;
    /// Longest answer a field may ask for (`max_len`, `min_len`).
    pub const ANSWER: usize = 500;
    /// Largest magnitude of a number field's `min` and `max`.
    pub const NUMBER: i64 = 1_000_000_000_000;
    /// Problems reported for one catalog; the first ones name what to fix.
    pub const PROBLEMS: usize = 50;
}

/// An id: 1 to [`bounds::ID`] characters of a-z, A-Z, 0-9, `-` and `_`.
fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() || id.chars().count() > bounds::ID {
        return Err(format!("1 to {} characters", bounds::ID));
    }
    if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err("only a-z, A-Z, 0-9, `-` and `_`".into());
    }
    Ok(())
}

/// Each language's text: at most [`bounds::TEXT`] characters, no control or bidi characters
/// (a line break is allowed: summaries may have paragraphs).
fn check_l10n(l: &L10n) -> Result<(), String> {
    for lang in Lang::ALL {
        crate::text::check_display(l.get(lang), bounds::TEXT, crate::text::Lines::Many)
            .map_err(|e| format!("{} text: {e}", lang.code()))?;
    }
    Ok(())
}

/// An id as it may be shown in a problem: cut short, without control characters.
fn shown(id: &str) -> String {
    id.chars()
        .take(bounds::ID)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// What is wrong with one field by itself.
fn field_problems(f: &Field) -> Vec<String> {
    let mut out = Vec::new();
    if let Err(e) = check_id(&f.id) {
        out.push(format!("id: {e}"));
    }
    if !(1..=bounds::PAGES).contains(&f.page) {
        out.push(format!("pages are 1 to {}", bounds::PAGES));
    }
    if let Err(e) = check_l10n(&f.label) {
        out.push(format!("label: {e}"));
    }
    if let Some(Err(e)) = f.help.as_ref().map(check_l10n) {
        out.push(format!("help: {e}"));
    }
    for n in [f.min_len, f.max_len].into_iter().flatten() {
        if n > bounds::ANSWER {
            out.push(format!(
                "min_len and max_len are at most {}",
                bounds::ANSWER
            ));
        }
    }
    if let (Some(lo), Some(hi)) = (f.min_len, f.max_len)
        && lo > hi
    {
        out.push("min_len is more than max_len".into());
    }
    for n in [f.min, f.max].into_iter().flatten() {
        if n.unsigned_abs() > bounds::NUMBER.unsigned_abs() {
            out.push(format!("min and max are within ±{}", bounds::NUMBER));
        }
    }
    if let (Some(lo), Some(hi)) = (f.min, f.max)
        && lo > hi
    {
        out.push("min is more than max".into());
    }
    if f.kind == FieldKind::Choice && f.options.len() < 2 {
        out.push("a choice needs 2 options".into());
    }
    if f.options.len() > bounds::OPTIONS {
        out.push(format!("at most {} options", bounds::OPTIONS));
    } else {
        for o in &f.options {
            if let Err(e) = check_id(&o.id) {
                out.push(format!("option `{}`: {e}", shown(&o.id)));
            }
            if let Err(e) = check_l10n(&o.label) {
                out.push(format!("option `{}`: {e}", shown(&o.id)));
            }
        }
    }
    out
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

    /// A catalog whose first service's first field has `key = value` (TOML).
    fn shipped_with(key: &str, value: &str) -> String {
        let text = include_str!("../../../config/services.toml");
        let at = text.find("[[service.field]]").unwrap_or(0) + "[[service.field]]".len();
        format!("{}\n{key} = {value}{}", &text[..at], &text[at..])
    }

    #[test]
    fn a_huge_page_number_is_one_problem_not_one_per_page() {
        for page in ["11", "1000000", "4294967295"] {
            let text = shipped_with("page", page);
            let err = Catalog::parse(&text, "s.toml").err();
            let Some(Problems { list, .. }) = err else {
                panic!("page {page} accepted");
            };
            assert_eq!(list.len(), 1, "page {page}: {list:?}");
            assert!(list[0].reason.contains("pages are 1 to 10"), "{list:?}");
        }
        // The same from the centre, as JSON.
        let mut json = serde_json::to_value(shipped()).unwrap_or_default();
        json["service"][0]["field"][0]["page"] = serde_json::Value::from(u32::MAX);
        let err = Catalog::from_json(json).err().map(|p| p.list);
        assert_eq!(err.as_ref().map(Vec::len), Some(1), "{err:?}");
    }

    #[test]
    fn a_gap_in_pages_is_still_named() {
        let text = shipped_with("page", "3");
        let err = Catalog::parse(&text, "s.toml").err().map(|p| p.list);
        let list = err.unwrap_or_default();
        assert!(
            list.iter().any(|p| p.reason.contains("empty page")),
            "{list:?}"
        );
    }

    #[test]
    fn sizes_and_ranges_are_bounded() {
        for (key, value, reason) in [
            ("max_len", "1000000", "at most 500"),
            ("min_len", "18446744073709551615", "at most 500"),
            ("min", "-9223372036854775808", "within"),
            ("max", "9223372036854775807", "within"),
        ] {
            let err = Catalog::parse(&shipped_with(key, value), "s.toml").err();
            let list = err.map(|p| p.list).unwrap_or_default();
            assert!(
                list.iter().any(|p| p.reason.contains(reason)),
                "{key} = {value}: {list:?}"
            );
        }
        let c = shipped();
        let mut many = c.clone();
        let svc = many.services[0].clone();
        many.services = (0..=bounds::SERVICES)
            .map(|i| Service {
                id: format!("s{i}"),
                ..svc.clone()
            })
            .collect();
        let list = many.problems(None);
        assert_eq!(list.len(), 1, "{list:?}");
        let mut fields = c.clone();
        let f = fields.services[0].fields[0].clone();
        fields.services[0].fields = (0..=bounds::FIELDS)
            .map(|i| Field {
                id: format!("f{i}"),
                ..f.clone()
            })
            .collect();
        assert!(
            fields
                .problems(None)
                .iter()
                .any(|p| p.reason.contains("at most 40 fields"))
        );
        let mut options = c.clone();
        let o = ChoiceOption {
            id: "o".into(),
            label: L10n::default(),
        };
        options.services[0].fields[0].options = vec![o; bounds::OPTIONS + 1];
        assert!(
            options
                .problems(None)
                .iter()
                .any(|p| p.reason.contains("at most 30 options"))
        );
        let mut long = c;
        long.services[0].summary.en = "x".repeat(bounds::TEXT + 1);
        long.services[1].title.az = "Yardım\u{1b}[2J".into();
        long.services[2].title.ru = "\u{202E}abc".into();
        let list = long.problems(None);
        assert_eq!(list.len(), 3, "{list:?}");
    }

    #[test]
    fn problems_are_capped() {
        let mut c = shipped();
        for s in &mut c.services {
            for f in &mut s.fields {
                f.max_len = Some(usize::MAX);
                f.min = Some(i64::MIN);
                f.id = "bad id!".into();
            }
        }
        assert_eq!(c.problems(None).len(), bounds::PROBLEMS);
    }
}

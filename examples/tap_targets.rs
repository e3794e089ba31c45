//! Where the tap benchmark (`scripts/bench-tap.sh`) taps the kiosk: every element with an
//! accessible label on the screens of the citizen's path, in every language, at 1080×1920, as
//! JSON rows `{screen, lang, key, label, role, x, y, w, h}` (logical pixels = physical pixels
//! at scale 1; `key` is the English label of the same element, so a script can name targets
//! once for every language). The screens are the core's own views, so the rectangles are
//! those of the kiosk.
//!
//! `cargo run --example tap_targets -- OUT.json` (a debug build: element search needs the
//! debug info build.rs emits in debug builds).

use std::process::ExitCode;

use dost_kiosk::kit::shipped_catalog;
use dost_kiosk::ui_bridge::SlintUi;
use i_slint_backend_testing::{ElementHandle, ElementQuery};
use kiosk_core::catalog::Catalog;
use kiosk_core::samples;
use kiosk_core::session::Phase;
use kiosk_core::view::{Lang, ScreenId, ViewModel};
use serde_json::{Value, json};
use slint::{ComponentHandle, LogicalSize};

const SCREENS: &[ScreenId] = &[
    ScreenId::Attract,
    ScreenId::Welcome,
    ScreenId::Catalog,
    ScreenId::ServiceInfo,
    ScreenId::Form,
];

/// The screen as the citizen's path shows it: the form is the first page of the catalog's first
/// service, empty, as "Start application" opens it.
fn view(screen: ScreenId, lang: Lang, catalog: &Catalog) -> ViewModel {
    let first = catalog.services.first().map(|s| s.id.clone());
    match (screen, first) {
        (ScreenId::Form | ScreenId::ServiceInfo, Some(service)) => {
            let (mut session, facts) = samples::session(screen, lang);
            session.phase = if screen == ScreenId::Form {
                Phase::Form {
                    service: service.clone(),
                    page: 1,
                }
            } else {
                Phase::ServiceInfo {
                    service: service.clone(),
                }
            };
            session.answers.clear();
            session.errors.clear();
            session.answers_for = Some(service);
            samples::view_of(&session, &facts, catalog)
        }
        _ => samples::view(screen, lang, catalog),
    }
}

fn rows(ui: &SlintUi, screen: ScreenId, lang: Lang) -> Vec<Value> {
    let labelled = ElementQuery::from_root(ui.app())
        .match_descendants()
        .match_predicate(|e: &ElementHandle| {
            e.accessible_label().is_some_and(|l| !l.is_empty()) && e.computed_opacity() > 0.0
        })
        .find_all();
    let mut out: Vec<Value> = Vec::new();
    for row in labelled.into_iter().map(|e| {
        let (pos, size) = (e.absolute_position(), e.size());
        json!({
            "screen": format!("{screen:?}"),
            "lang": lang.code(),
            "label": e.accessible_label().map(|l| l.to_string()),
            "role": e.accessible_role().map(|r| format!("{r:?}")),
            "x": pos.x, "y": pos.y, "w": size.width, "h": size.height,
        })
    }) {
        // The query can meet an element more than once; keep the first.
        let visible = row["w"].as_f64() > Some(0.0) && row["h"].as_f64() > Some(0.0);
        if visible && !out.contains(&row) {
            out.push(row);
        }
    }
    out
}

fn main() -> ExitCode {
    let Some(out) = std::env::args().nth(1) else {
        eprintln!("usage: tap_targets OUT.json");
        return ExitCode::from(2);
    };
    let catalog = match shipped_catalog() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("the shipped catalog does not parse: {e}");
            return ExitCode::FAILURE;
        }
    };
    i_slint_backend_testing::init_integration_test_with_system_time();
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let ui = match SlintUi::new(tx) {
        Ok(ui) => ui,
        Err(e) => {
            eprintln!("cannot create the UI: {e}");
            return ExitCode::FAILURE;
        }
    };
    ui.app().window().set_size(LogicalSize::new(1080.0, 1920.0));
    if let Err(e) = ui.app().show() {
        eprintln!("cannot show the UI: {e}");
        return ExitCode::FAILURE;
    }
    let mut all = Vec::new();
    for lang in Lang::ALL {
        for &screen in SCREENS {
            ui.show(&view(screen, Lang::En, &catalog));
            let english = rows(&ui, screen, Lang::En);
            ui.show(&view(screen, lang, &catalog));
            let mut these = rows(&ui, screen, lang);
            // Same screen, same element tree: the n-th element is the same in every language.
            if these.len() == english.len() {
                for (row, en) in these.iter_mut().zip(&english) {
                    row["key"] = en["label"].clone();
                }
            }
            all.extend(these);
        }
    }
    let text = match serde_json::to_string_pretty(&Value::Array(all)) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot write the targets: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = std::fs::write(&out, text) {
        eprintln!("cannot write {out}: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

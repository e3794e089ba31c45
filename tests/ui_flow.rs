//! The citizen's flows through the real window and the real core: touches found by accessible
//! label on the `i-slint-backend-testing` platform, the core on tokio with the simulated reader
//! and printer and the embedded centre. A full application in each language; on the way a
//! validation error, going back and forth without losing answers, the status check with an
//! application's history, the rating, and the idle wipe. Asserts the SQLite rows, the bytes the
//! printer received, the applications at the centre, the ratings, and that no citizen data is
//! left on screen.

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};

use dost_kiosk::config::KioskConfig;
use dost_kiosk::ui_bridge::{App, SlintUi};
use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use kiosk_core::view::Lang;
use slint::platform::{PointerEventButton, WindowEvent};
use slint::{ComponentHandle, LogicalPosition, LogicalSize};

fn exists(app: &App, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(app, label)
        .next()
        .is_some()
}

/// Taps the centre of the (interactive, if any) element labelled `label`.
fn tap(app: &App, label: &str) -> Result<(), String> {
    let all: Vec<_> = ElementHandle::find_by_accessible_label(app, label).collect();
    let e = all
        .iter()
        .find(|e| e.accessible_role() != Some(AccessibleRole::Text))
        .or(all.first())
        .ok_or_else(|| format!("no element labelled {label:?}"))?;
    let (pos, size) = (e.absolute_position(), e.size());
    let position = LogicalPosition::new(pos.x + size.width / 2.0, pos.y + size.height / 2.0);
    let w = app.window();
    let button = PointerEventButton::Left;
    w.dispatch_event(WindowEvent::PointerMoved { position });
    w.dispatch_event(WindowEvent::PointerPressed { position, button });
    w.dispatch_event(WindowEvent::PointerReleased { position, button });
    w.dispatch_event(WindowEvent::PointerExited);
    Ok(())
}

/// The bundled translation of an English UI text (the `.po` files are the UI's own).
fn tr(lang: &str, english: &str) -> String {
    let path = format!("ui/translations/{lang}/LC_MESSAGES/dost-kiosk.po");
    let po = std::fs::read_to_string(path).unwrap_or_default();
    let unquote = |l: &str| l.trim().trim_matches('"').replace("\\\"", "\"");
    let mut lines = po.lines().peekable();
    while let Some(line) = lines.next() {
        if line.starts_with("msgid ") && unquote(&line[6..]) == english {
            let mut text = String::new();
            if let Some(l) = lines.next().filter(|l| l.starts_with("msgstr ")) {
                text.push_str(&unquote(&l[7..]));
                while let Some(more) = lines.peek().filter(|l| l.starts_with('"')) {
                    text.push_str(&unquote(more));
                    lines.next();
                }
            }
            return if text.is_empty() {
                english.to_owned()
            } else {
                text
            };
        }
    }
    english.to_owned()
}

#[test]
fn demo_flow_by_accessible_labels() {
    i_slint_backend_testing::init_integration_test_with_system_time();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tmp");
    let mut cfg = KioskConfig::load(Path::new("config/kiosk.toml")).expect("config");
    cfg.kiosk.data_dir = dir.path().to_path_buf();
    // Short idle times so that the idle wipe is part of the flow (every step below touches the
    // screen well within them).
    cfg.session.idle_timeout_s = 8;
    cfg.session.countdown_s = 4;
    // The test taps at machine speed: no double-tap guard.
    cfg.session.tap_guard_ms = 0;

    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let ui = SlintUi::new(tx).expect("window on the testing platform");
    ui.app().window().set_size(LogicalSize::new(1080.0, 1920.0));
    ui.app().show().expect("shown");
    let presenter = ui.presenter();
    let kiosk = rt
        .block_on(dost_kiosk::runtime::start(
            cfg,
            Box::new(move |vm| {
                let _ = presenter.show(vm);
            }),
            rx,
        ))
        .expect("kiosk starts");

    let weak = ui.app().as_weak();
    let handle = rt.handle().clone();
    let store = kiosk.store.clone();
    let catalog = kiosk_core::catalog::Catalog::parse(
        &std::fs::read_to_string("config/services.toml").expect("catalog file"),
        "config/services.toml",
    )
    .expect("catalog");
    let failure: Rc<RefCell<Option<String>>> = Rc::new(RefCell::new(None));
    let fail = failure.clone();
    let flow = async move {
        let sleep =
            |ms| handle.spawn(async move { tokio::time::sleep(Duration::from_millis(ms)).await });
        let app = weak.upgrade().ok_or("window gone")?;
        let wait_for = |label: String| {
            let app = app.clone_strong();
            async move {
                let deadline = Instant::now() + Duration::from_secs(20);
                while !exists(&app, &label) {
                    if Instant::now() > deadline {
                        return Err(format!("{label:?} never appeared"));
                    }
                    let _ = sleep(20).await;
                }
                Ok::<(), String>(())
            }
        };
        let service = catalog
            .service("unemployed-registration")
            .ok_or("service in the catalog")?;
        let phone = service.field("phone").ok_or("phone field")?;
        // A full application in each language, each with one more flow on the way.
        for (code, button, lang) in [
            ("az", "Azərbaycanca", Lang::Az),
            ("ru", "Русский", Lang::Ru),
            ("en", "English", Lang::En),
        ] {
            let t = |english: &str| tr(code, english);
            wait_for(button.to_owned()).await?;
            tap(&app, button)?;
            wait_for(t("Insert demo card")).await?;
            tap(&app, &t("Insert demo card"))?;
            wait_for(t("New application")).await?;
            tap(&app, &t("New application"))?;
            wait_for(service.title.get(lang).to_owned()).await?;
            tap(&app, service.title.get(lang))?;
            wait_for(t("Start application")).await?;
            tap(&app, &t("Start application"))?;
            wait_for(t("Next ›")).await?;
            let digits = ["5", "0", "1", "2", "3", "4", "5", "6", "7"];
            if lang == Lang::Az {
                // A validation error next to the field, then corrected.
                for d in &digits[..3] {
                    tap(&app, d)?;
                }
                tap(&app, &t("Next ›"))?;
                wait_for(
                    t("Enter a mobile number: an operator code ({0}) and 7 digits, e.g. 50 123 45 67.")
                        .replace("{0}", &kiosk_core::validate::MOBILE_CODES.join(", ")),
                )
                .await?;
                for d in &digits[3..] {
                    tap(&app, d)?;
                }
            } else {
                for d in digits {
                    tap(&app, d)?;
                }
            }
            let _ = sleep(100).await;
            tap(&app, &t("Next ›"))?;
            let row = format!("{}: +994 50 123 45 67", phone.label.get(lang));
            wait_for(row.clone()).await?;
            if lang == Lang::Ru {
                // Back to the form and forward again: the answer is still there.
                tap(&app, &t("‹ Edit"))?;
                wait_for(t("Next ›")).await?;
                tap(&app, &t("Next ›"))?;
                wait_for(row).await?;
            }
            tap(&app, &t("Submit application"))?;
            wait_for(t(
                "Your receipt has been printed. Please take it and keep it.",
            ))
            .await?;
            if lang == Lang::En {
                // The status check: the application is listed and opens with its history.
                let id: String = store
                    .call(|s| {
                        Ok(s.connection().query_row(
                            "SELECT id FROM applications ORDER BY created_at DESC LIMIT 1",
                            [],
                            |r| r.get(0),
                        )?)
                    })
                    .await
                    .map_err(|e| e.to_string())?;
                tap(&app, &t("My applications"))?;
                wait_for(id.clone()).await?;
                tap(&app, &id)?;
                wait_for(t("‹ Back")).await?;
                tap(&app, &t("‹ Back"))?;
                wait_for(id).await?;
                tap(&app, &t("Finish"))?;
            } else {
                tap(&app, &t("Finish"))?;
                wait_for(t("How was your visit?")).await?;
                tap(&app, &t("Rating {0} of 5").replace("{0}", "5"))?;
            }
            // Back on the attract screen, in the default language.
            wait_for(tr("az", "Insert demo card")).await?;
            for leftover in ["FİN: 5ZX****", &tr("az", "Hello,"), &t("Hello,")] {
                if exists(&app, leftover) {
                    return Err(format!(
                        "{leftover:?} still on screen after the session ({code})"
                    ));
                }
            }
        }
        // The idle wipe: a citizen who walks away is forgotten after the countdown.
        tap(&app, &tr("az", "Insert demo card"))?;
        wait_for(tr("az", "New application")).await?;
        tap(&app, &tr("az", "New application"))?;
        wait_for(tr("az", "Are you still there?")).await?;
        wait_for(tr("az", "Insert demo card")).await?;
        for leftover in [
            "FİN: 5ZX****",
            &tr("az", "Hello,"),
            &tr("az", "Are you still there?"),
        ] {
            if exists(&app, leftover) {
                return Err(format!("{leftover:?} still on screen after the idle wipe"));
            }
        }
        Ok::<(), String>(())
    };
    slint::spawn_local(async move {
        if let Err(e) = flow.await {
            *fail.borrow_mut() = Some(e);
        }
        let _ = slint::quit_event_loop();
    })
    .expect("spawn on the event loop");
    ui.run().expect("event loop");
    if let Some(e) = failure.borrow().clone() {
        panic!("{e}");
    }

    // What the flow left behind: three rows, their receipts, the centre's copies, two ratings.
    let ids: Vec<String> = kiosk
        .store
        .call_blocking(|store| {
            let mut stmt = store.connection().prepare("SELECT id FROM applications")?;
            let ids = stmt
                .query_map([], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            for id in &ids {
                let app = store.application(id)?.expect("kept");
                assert_eq!(
                    app.answers.get("phone").map(String::as_str),
                    Some("+994501234567")
                );
            }
            Ok(ids)
        })
        .expect("ids");
    assert_eq!(ids.len(), 3, "one application per language");
    let printed = receipt_printer::preview::decode(
        &kiosk
            .sim_printer
            .as_ref()
            .expect("simulated printer")
            .printed_stream(),
    )
    .expect("receipts decode")
    .text_lines()
    .join("\n");
    for id in &ids {
        assert_eq!(printed.matches(id.as_str()).count(), 1, "{id} printed once");
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let stored = dost_central::export_records(&dir.path().join("central.db")).expect("export");
        let at_centre = ids
            .iter()
            .map(|id| stored.iter().filter(|r| &r.application_id == id).count())
            .collect::<Vec<_>>();
        let ratings: i64 = kiosk
            .store
            .call_blocking(|s| {
                Ok(s.connection().query_row(
                    "SELECT COUNT(*) FROM ratings WHERE score = 5 AND synced = 1",
                    [],
                    |r| r.get(0),
                )?)
            })
            .expect("ratings");
        if at_centre.iter().all(|n| *n == 1) && ratings == 2 {
            break;
        }
        assert!(
            at_centre.iter().all(|n| *n <= 1),
            "stored twice at the centre"
        );
        assert!(
            Instant::now() < deadline,
            "not delivered: {at_centre:?}, {ratings} rating(s)"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    rt.block_on(kiosk.shutdown(Duration::from_secs(2)));
}

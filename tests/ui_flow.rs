//! The demo flow through the real window and the real core: touches found by accessible label
//! on the `i-slint-backend-testing` platform, the core on tokio with the simulated reader and
//! printer and the embedded centre. Asserts the SQLite row, the bytes the printer received,
//! the application at the centre, the rating, and that no citizen data is left on screen.

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};

use dost_kiosk::config::KioskConfig;
use dost_kiosk::ui_bridge::{App, SlintUi};
use i_slint_backend_testing::{AccessibleRole, ElementHandle};
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
    let failure: Rc<RefCell<Option<String>>> = Rc::new(RefCell::new(None));
    let fail = failure.clone();
    let flow = async move {
        let sleep =
            |ms| handle.spawn(async move { tokio::time::sleep(Duration::from_millis(ms)).await });
        let app = weak.upgrade().ok_or("window gone")?;
        let wait_for = |label: &'static str| {
            let app = app.clone_strong();
            async move {
                let deadline = Instant::now() + Duration::from_secs(20);
                while !exists(&app, label) {
                    if Instant::now() > deadline {
                        return Err(format!("{label:?} never appeared"));
                    }
                    let _ = sleep(20).await;
                }
                Ok::<(), String>(())
            }
        };
        wait_for("English").await?;
        tap(&app, "English")?;
        wait_for("Insert demo card").await?;
        tap(&app, "Insert demo card")?;
        wait_for("New application").await?;
        if !exists(&app, "FİN: 5ZX****") && !exists(&app, "Hello,") {
            return Err("welcome screen without the citizen".into());
        }
        tap(&app, "New application")?;
        wait_for("Register as unemployed").await?;
        tap(&app, "Register as unemployed")?;
        wait_for("Start application").await?;
        tap(&app, "Start application")?;
        wait_for("Next ›").await?;
        for digit in ["5", "0", "1", "2", "3", "4", "5", "6", "7"] {
            tap(&app, digit)?;
        }
        let _ = sleep(100).await;
        tap(&app, "Next ›")?;
        wait_for("Submit application").await?;
        tap(&app, "Submit application")?;
        wait_for("Your receipt has been printed. Please take it and keep it.").await?;
        tap(&app, "Finish")?;
        wait_for("How was your visit?").await?;
        tap(&app, "Rating 5 of 5")?;
        // Back to the attract screen, in the default language again.
        wait_for("Demo kartı daxil et").await?;
        for leftover in ["FİN: 5ZX****", "Hello,", "Submit application"] {
            if exists(&app, leftover) {
                return Err(format!("{leftover:?} still on screen after the session"));
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

    // What the flow left behind: the row, the receipt, the centre's copy, the rating.
    let (id, phone) = {
        let store = kiosk.store.lock().expect("store");
        let id: String = store
            .connection()
            .query_row("SELECT id FROM applications", [], |r| r.get(0))
            .expect("one application stored");
        let app = store.application(&id).expect("readable").expect("kept");
        (id, app.answers.get("phone").cloned().unwrap_or_default())
    };
    let printed = receipt_printer::preview::decode(
        &kiosk
            .sim_printer
            .as_ref()
            .expect("simulated printer")
            .received(),
    )
    .expect("receipt decodes");
    assert!(printed.text_lines().join("\n").contains(&id));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let at_centre = dost_central::export_records(&dir.path().join("central.db"))
            .expect("export")
            .iter()
            .filter(|r| r.application_id == id)
            .count();
        let ratings: i64 = kiosk
            .store
            .lock()
            .expect("store")
            .connection()
            .query_row(
                "SELECT COUNT(*) FROM ratings WHERE score = 5 AND synced = 1",
                [],
                |r| r.get(0),
            )
            .expect("ratings");
        if at_centre == 1 && ratings == 1 {
            break;
        }
        assert!(at_centre <= 1, "stored twice at the centre");
        assert!(
            Instant::now() < deadline,
            "not delivered: {at_centre} application(s), {ratings} rating(s)"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(phone, "+994501234567", "the number typed on the keypad");
    rt.block_on(kiosk.shutdown(Duration::from_secs(2)));
}

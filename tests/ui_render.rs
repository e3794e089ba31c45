//! Headless rendering of every screen in every language (software renderer, no display).
//!
//! Separate test binary from `ui_bridge.rs`: `render_png` installs its own headless Slint
//! platform per thread, which cannot coexist with `i-slint-backend-testing` in a thread.
//! Set `DOST_SCREENS_DIR=docs/screens` to keep the PNGs (used by scripts/screenshots.sh
//! until the `screenshot` CLI exists).

use std::path::PathBuf;

use dost_kiosk::ui_bridge::render_png;
use dost_kiosk::view::{Lang, ScreenId};
use dost_kiosk::view_samples::sample;

fn read_png(path: &std::path::Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// Number of distinct colours in a sample of pixels: a blank image has one or two.
fn distinct_colours(rgba: &[u8]) -> usize {
    let mut seen = std::collections::HashSet::new();
    for px in rgba.chunks_exact(4).step_by(97) {
        seen.insert([px[0], px[1], px[2], px[3]]);
    }
    seen.len()
}

#[test]
fn every_screen_renders_in_every_language() {
    let keep = std::env::var_os("DOST_SCREENS_DIR").map(PathBuf::from);
    let tmp = tempfile::tempdir().unwrap();
    let dir = keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    for lang in Lang::ALL {
        for screen in ScreenId::ALL {
            let out = dir.join(lang.code()).join(format!("{}.png", screen.name()));
            render_png(&sample(screen, lang), 1080, 1920, &out).unwrap();
            let (w, h, rgba) = read_png(&out);
            assert_eq!((w, h), (1080, 1920), "{out:?}");
            assert!(distinct_colours(&rgba) > 20, "{out:?} looks blank");
            assert!(
                rgba.chunks_exact(4).all(|p| p[3] == 255),
                "{out:?} has transparent pixels"
            );
        }
    }
}

#[test]
fn renders_scaled_to_other_window_sizes() {
    let tmp = tempfile::tempdir().unwrap();
    for (w, h) in [(540, 960), (1200, 1920)] {
        let out = tmp.path().join(format!("attract-{w}x{h}.png"));
        render_png(&sample(ScreenId::Attract, Lang::Az), w, h, &out).unwrap();
        let (pw, ph, rgba) = read_png(&out);
        assert_eq!((pw, ph), (w, h));
        assert!(distinct_colours(&rgba) > 20);
    }
}

/// The states the samples do not show: overlays, notices, each card error, receipt states.
#[test]
fn special_states_render() {
    use dost_kiosk::view::{CardErrorKind, OutOfServiceKind, ReceiptState};
    let keep = std::env::var_os("DOST_SCREENS_DIR").map(|d| PathBuf::from(d).join("states"));
    let tmp = tempfile::tempdir().unwrap();
    let dir = keep.unwrap_or_else(|| tmp.path().to_path_buf());
    let lang = Lang::Az;
    let mut cases = Vec::new();

    let mut vm = sample(ScreenId::Catalog, lang);
    vm.idle_countdown = Some(12);
    cases.push(("idle-countdown", vm));
    let mut vm = sample(ScreenId::Welcome, lang);
    vm.printer_unavailable = true;
    cases.push(("printer-unavailable", vm));
    let mut vm = sample(ScreenId::Review, lang);
    vm.submit_failed = true;
    cases.push(("submit-failed", vm));
    let mut vm = sample(ScreenId::MyApplications, lang);
    if let Some(a) = vm.applications.as_mut() {
        a.offline = true;
        a.loading = true;
    }
    cases.push(("applications-offline", vm));
    for (name, kind) in [
        ("card-expired", CardErrorKind::Expired),
        ("card-not-accepted", CardErrorKind::NotAccepted),
        ("card-not-verified", CardErrorKind::NotVerified),
    ] {
        let mut vm = sample(ScreenId::CardError, lang);
        vm.card_error = Some(kind);
        cases.push((name, vm));
    }
    for (name, receipt) in [
        ("receipt-printing", ReceiptState::Printing),
        ("receipt-printed", ReceiptState::Printed),
    ] {
        let mut vm = sample(ScreenId::Done, lang);
        vm.printer_unavailable = false;
        if let Some(d) = vm.done.as_mut() {
            d.receipt = receipt;
        }
        cases.push((name, vm));
    }
    let mut vm = sample(ScreenId::OutOfService, lang);
    vm.out_of_service = Some(OutOfServiceKind::Storage);
    cases.push(("out-of-service-storage", vm));
    let mut vm = sample(ScreenId::Form, lang);
    if let Some(f) = vm.form.as_mut() {
        f.fields[0].error = Some(dost_kiosk::view::FieldError::PhoneFormat);
    }
    cases.push(("form-phone-error", vm));

    for (name, vm) in cases {
        let out = dir.join(format!("{}-{name}.png", lang.code()));
        render_png(&vm, 1080, 1920, &out).unwrap();
        let (w, h, rgba) = read_png(&out);
        assert_eq!((w, h), (1080, 1920));
        assert!(distinct_colours(&rgba) > 20, "{out:?} looks blank");
    }
}

/// Without a display, creating the kiosk window is an error, not a panic.
#[test]
fn no_display_is_reported() {
    let unset = |v| std::env::var_os(v).is_none_or(|s| s.is_empty());
    if !(unset("DISPLAY") && unset("WAYLAND_DISPLAY")) {
        return; // a display is available here: nothing to check
    }
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    // Own thread: a Slint platform (or its failure) is per thread.
    let result = std::thread::spawn(move || {
        dost_kiosk::ui_bridge::SlintUi::new(tx)
            .err()
            .map(|e| e.to_string())
    })
    .join()
    .expect("SlintUi::new must not panic");
    let err = result.expect("no display: SlintUi::new fails");
    assert!(err.starts_with("no display available"), "{err}");
}

//! Headless rendering of every screen in every language (software renderer, no display).
//!
//! Separate test binary from `ui_bridge.rs`: `render_png` installs its own headless Slint
//! platform per thread, which cannot coexist with `i-slint-backend-testing` in a thread.
//! Set `DOST_SCREENS_DIR=docs/screens` to keep the PNGs (used by scripts/screenshots.sh
//! until the `screenshot` CLI exists).

use std::path::PathBuf;

use dost_kiosk::kit::sample;
use dost_kiosk::ui_bridge::render_png;
use kiosk_core::view::{Lang, ScreenId};

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
        for &screen in ScreenId::ALL {
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
    use kiosk_core::view::{CardErrorKind, OutOfServiceKind, ReceiptState};
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
        f.fields[0].error = Some(kiosk_core::view::FieldError::PhoneFormat);
    }
    cases.push(("form-phone-error", vm));
    // Accessibility: large text and high contrast (and both) on the main citizen screens.
    for screen in [
        ScreenId::Attract,
        ScreenId::Catalog,
        ScreenId::Form,
        ScreenId::Review,
        ScreenId::Done,
        ScreenId::MyApplications,
    ] {
        for (suffix, large, contrast) in
            [("large-text", true, false), ("high-contrast", false, true)]
        {
            let mut vm = sample(screen, lang);
            vm.large_text = large;
            vm.high_contrast = contrast;
            cases.push((format!("{}-{suffix}", screen.name()).leak(), vm));
        }
    }
    let mut vm = sample(ScreenId::Rating, lang);
    (vm.large_text, vm.high_contrast) = (true, true);
    cases.push(("rating-large-text-high-contrast", vm));
    let mut vm = sample(ScreenId::ServicePin, lang);
    if let Some(m) = vm.service.as_mut() {
        m.pin_refusal = Some(kiosk_core::view::PinRefusal::Locked { seconds: 300 });
    }
    cases.push(("service-pin-locked", vm));

    for (name, vm) in cases {
        let out = dir.join(format!("{}-{name}.png", lang.code()));
        render_png(&vm, 1080, 1920, &out).unwrap();
        let (w, h, rgba) = read_png(&out);
        assert_eq!((w, h), (1080, 1920));
        assert!(distinct_colours(&rgba) > 20, "{out:?} looks blank");
    }
}

// ---- text clipping ---------------------------------------------------------------------------

use i_slint_backend_testing::{ElementHandle, ElementRoot};

/// A rectangle in window coordinates (logical pixels).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Rect {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
}

impl Rect {
    fn of(e: &ElementHandle) -> Rect {
        let (p, s) = (e.absolute_position(), e.size());
        Rect {
            x: p.x,
            y: p.y,
            w: s.width,
            h: s.height,
        }
    }
    /// Sticks out of `outer` horizontally / vertically (half a pixel of rounding allowed).
    fn outside_h(&self, outer: &Rect) -> bool {
        self.x < outer.x - 0.5 || self.x + self.w > outer.x + outer.w + 0.5
    }
    fn outside_v(&self, outer: &Rect) -> bool {
        self.y < outer.y - 0.5 || self.y + self.h > outer.y + outer.h + 0.5
    }
}

fn is_a(e: &ElementHandle, ty: &str) -> bool {
    e.type_name().is_some_and(|t| t == ty) || e.bases().is_some_and(|mut b| b.any(|t| t == ty))
}

/// A visible text: its box, and its text (the accessible label of a `Text` is its text).
#[derive(Clone, Debug, PartialEq)]
struct TextBox {
    rect: Rect,
    text: String,
}

fn texts_under(e: &ElementHandle) -> Vec<TextBox> {
    let mut v = Vec::new();
    e.visit_descendants(|d| {
        if is_a(&d, "Text") {
            let text = d.accessible_label().unwrap_or_default().to_string();
            if !text.trim().is_empty() && d.computed_opacity() > 0.0 {
                v.push(TextBox {
                    rect: Rect::of(&d),
                    text,
                });
            }
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    v
}

/// Every text whose box is squeezed to nothing, sticks out of the window, or sticks out of an
/// enclosing element (a card, a button, a notice, a layout cell...). Layouts give texts their
/// preferred size as long as it fits, so a text that does not fit shows up as a text box larger
/// than its container. Inside a scroll area (Flickable) texts may be scrolled out of view
/// vertically, so there only the horizontal direction is checked against elements outside
/// the scroll area.
fn clipped_texts(app: &dost_kiosk::ui_bridge::App, width: f32, height: f32) -> Vec<String> {
    let window = Rect {
        x: 0.0,
        y: 0.0,
        w: width,
        h: height,
    };
    let root = app.root_element();
    let all = texts_under(&root);
    // Texts inside each scroll area.
    let mut flickables: Vec<(Rect, Vec<TextBox>)> = Vec::new();
    let mut containers: Vec<(String, ElementHandle)> = Vec::new();
    root.visit_descendants(|d| {
        if is_a(&d, "Flickable") {
            flickables.push((Rect::of(&d), texts_under(&d)));
        } else if !is_a(&d, "Text") {
            let name = d.type_name().unwrap_or_default().to_string();
            // Unnamed elements are Slint internals (the Flickable's content viewport).
            if !name.is_empty() {
                containers.push((name, d));
            }
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    let scrolled = |t: &TextBox| flickables.iter().any(|(_, ts)| ts.contains(t));
    let mut problems = Vec::new();
    for t in &all {
        if t.rect.w < 1.0 || t.rect.h < 1.0 {
            problems.push(format!("{:?} has no room ({:?})", t.text, t.rect));
        }
        if t.rect.outside_h(&window) || (!scrolled(t) && t.rect.outside_v(&window)) {
            problems.push(format!("{:?} leaves the window ({:?})", t.text, t.rect));
        }
    }
    for (name, c) in &containers {
        let outer = Rect::of(c);
        if outer.w <= 0.0 && outer.h <= 0.0 {
            continue; // layout-only element without geometry of its own
        }
        let inner_flick: Vec<&Vec<TextBox>> = flickables
            .iter()
            .filter(|(r, _)| !(r.outside_h(&outer) || r.outside_v(&outer)))
            .map(|(_, ts)| ts)
            .collect();
        for t in texts_under(c) {
            // A text of a scroll area inside this container may be scrolled vertically.
            let may_scroll = inner_flick.iter().any(|ts| ts.contains(&t));
            if t.rect.outside_h(&outer) || (!may_scroll && t.rect.outside_v(&outer)) {
                problems.push(format!(
                    "{:?} ({:?}) overflows its {name} ({outer:?})",
                    t.text, t.rect
                ));
            }
        }
    }
    problems.sort();
    problems.dedup();
    problems
}

// ---- text that does not fit its box, or that stands on the wrong background ---------------

use i_slint_core::item_rendering::RenderText;
use i_slint_core::items::{ComplexText, Item, ItemRc, ItemRef, SimpleText, TextOverflow, TextWrap};
use i_slint_core::layout::Orientation;

/// A visible text of the item tree, with what its own layout asks for.
#[derive(Debug)]
struct TextItem {
    text: String,
    rect: Rect,
    wrap: TextWrap,
    overflow: TextOverflow,
    /// Its one-line width, and its longest word (word-wrapped texts).
    preferred_w: f32,
    min_w: f32,
    color: [u8; 4],
    font_px: f32,
    bold: bool,
}

fn text_item<T: RenderText + Item>(
    t: std::pin::Pin<&T>,
    rc: &ItemRc,
    wa: &std::rc::Rc<dyn i_slint_core::window::WindowAdapter>,
    text: String,
    font_px: f32,
    bold: bool,
) -> TextItem {
    let g = rc.geometry();
    let origin = rc.map_to_window(g.origin);
    let h = t.layout_info(Orientation::Horizontal, -1.0, wa, rc);
    let c = t.color().color();
    TextItem {
        text,
        rect: Rect {
            x: origin.x,
            y: origin.y,
            w: g.size.width,
            h: g.size.height,
        },
        wrap: t.wrap(),
        overflow: t.overflow(),
        preferred_w: h.preferred,
        min_w: h.min,
        color: [c.red(), c.green(), c.blue(), c.alpha()],
        font_px,
        bold,
    }
}

/// The product of the opacities above an item (0: not drawn).
fn opacity_of(rc: &ItemRc) -> f32 {
    let mut o = 1.0;
    let mut item = rc.clone();
    while let Some(parent) =
        item.parent_item(i_slint_core::item_tree::ParentItemTraversalMode::StopAtPopups)
    {
        if let Some(op) = ItemRef::downcast_pin::<i_slint_core::items::Opacity>(item.borrow()) {
            o *= op.opacity();
        }
        item = parent;
    }
    o
}

/// Every visible, drawn text of `app` (not clipped away, not transparent).
fn text_items(app: &dost_kiosk::ui_bridge::App) -> Vec<TextItem> {
    use i_slint_core::window::WindowInner;
    let inner = WindowInner::from_pub(slint::ComponentHandle::window(app));
    let wa = inner.window_adapter();
    let root = ItemRc::new_root(inner.component());
    let mut out = Vec::new();
    root.visit_descendants(|rc| {
        if !rc.is_visible() || opacity_of(rc) <= 0.0 {
            return std::ops::ControlFlow::<()>::Continue(());
        }
        let item = rc.borrow();
        if let Some(t) = ItemRef::downcast_pin::<ComplexText>(item) {
            let text = t.text().to_string();
            if !text.trim().is_empty() {
                let px = t.font_size().get();
                out.push(text_item(t, rc, &wa, text, px, t.font_weight() >= 600));
            }
        } else if let Some(t) = ItemRef::downcast_pin::<SimpleText>(item) {
            let text = t.text().to_string();
            if !text.trim().is_empty() {
                let px = t.font_size().get();
                out.push(text_item(t, rc, &wa, text, px, t.font_weight() >= 600));
            }
        }
        std::ops::ControlFlow::Continue(())
    });
    out
}

/// WCAG relative luminance of an sRGB colour.
fn luminance(c: [u8; 4]) -> f64 {
    let ch = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2])
}

/// WCAG contrast ratio of two colours.
fn contrast(a: [u8; 4], b: [u8; 4]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Texts that do not fit their box: one-line texts narrower than their words (cut or elided)
/// and wrapped texts narrower than their longest word (broken inside a word). `elide_ok`:
/// texts elided on purpose (technical values on the service screens) are allowed.
fn overflowing_texts(items: &[TextItem], elide_ok: bool) -> Vec<String> {
    let mut problems = Vec::new();
    for t in items {
        let one_line = t.wrap == TextWrap::NoWrap;
        if one_line && t.preferred_w > t.rect.w + 1.0 {
            if elide_ok && t.overflow == TextOverflow::Elide {
                continue;
            }
            problems.push(format!(
                "{:?} does not fit its box on one line (needs {}, has {})",
                t.text, t.preferred_w, t.rect.w
            ));
        }
        if t.wrap == TextWrap::WordWrap && t.min_w > t.rect.w + 1.0 {
            problems.push(format!(
                "{:?} is broken inside a word (its longest word needs {}, has {})",
                t.text, t.min_w, t.rect.w
            ));
        }
    }
    problems
}

/// Texts whose colour stands out less than WCAG asks (4.5:1, 3:1 for large text) from the
/// pixels actually drawn behind them (the most frequent colour of their box): a text that
/// slipped off its band or card shows up here.
fn low_contrast_texts(items: &[TextItem], rgba: &[u8], width: u32, height: u32) -> Vec<String> {
    let mut problems = Vec::new();
    for t in items {
        let (x0, y0) = (t.rect.x.max(0.0) as u32, t.rect.y.max(0.0) as u32);
        let x1 = ((t.rect.x + t.rect.w) as u32).min(width);
        let y1 = ((t.rect.y + t.rect.h) as u32).min(height);
        if x1 <= x0 + 2 || y1 <= y0 + 2 || t.color[3] < 255 {
            continue;
        }
        let mut counts = std::collections::HashMap::<[u8; 4], u32>::new();
        for y in y0..y1 {
            for x in x0..x1 {
                let i = ((y * width + x) * 4) as usize;
                *counts
                    .entry([rgba[i], rgba[i + 1], rgba[i + 2], 255])
                    .or_default() += 1;
            }
        }
        let Some((&background, _)) = counts.iter().max_by_key(|(_, n)| **n) else {
            continue;
        };
        let large = t.font_px >= 24.0 || (t.bold && t.font_px >= 18.66);
        let need = if large { 3.0 } else { 4.5 };
        let got = contrast(t.color, background);
        if got < need {
            problems.push(format!(
                "{:?}: contrast {got:.2}:1 on {background:?} (needs {need}:1)",
                t.text
            ));
        }
    }
    problems
}

/// Service screens are for technicians and staff (no accessibility switches there).
fn is_service_screen(s: ScreenId) -> bool {
    matches!(
        s,
        ScreenId::ServicePin
            | ScreenId::ServiceTechnician
            | ScreenId::ServiceStaff
            | ScreenId::ServiceSettings
    )
}

/// No text is clipped or overflows on any screen in any language, nor in large-text mode
/// on the citizen screens (real fonts, software renderer).
#[test]
fn no_text_is_clipped() {
    let (w, h) = (1080, 1920);
    let mut failures = Vec::new();
    for lang in Lang::ALL {
        for &screen in ScreenId::ALL {
            for large in [false, true] {
                if large && is_service_screen(screen) {
                    continue;
                }
                let mut vm = sample(screen, lang);
                vm.large_text = large;
                let app = dost_kiosk::ui_bridge::render_app(&vm, w, h).unwrap();
                let mut problems = clipped_texts(&app, w as f32, h as f32);
                let items = text_items(&app);
                problems.extend(overflowing_texts(&items, is_service_screen(screen)));
                let shot = slint::ComponentHandle::window(&app)
                    .take_snapshot()
                    .unwrap();
                problems.extend(low_contrast_texts(&items, shot.as_bytes(), w, h));
                let _ = slint::ComponentHandle::hide(&app);
                // DOST_CLIP_DIR=dir keeps a PNG of each screen with a problem, to look at.
                if let Some(dir) =
                    std::env::var_os("DOST_CLIP_DIR").filter(|_| !problems.is_empty())
                {
                    let name = format!(
                        "{}-{}{}.png",
                        lang.code(),
                        screen.name(),
                        if large { "-large" } else { "" }
                    );
                    render_png(&vm, w, h, &PathBuf::from(dir).join(name)).unwrap();
                }
                for p in problems {
                    failures.push(format!(
                        "{}/{}{}: {p}",
                        lang.code(),
                        screen.name(),
                        if large { " (large text)" } else { "" }
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} clipped texts:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Text and non-text contrast of the Theme's token pairs, in both palettes: text ≥ 4.5:1 (3:1
/// for large signs), the edges that show where a control is (text fields, keys, the card
/// reader's slot, chevrons) ≥ 3:1 (WCAG 1.4.3, 1.4.11).
#[test]
fn theme_pairs_meet_wcag_contrast() {
    let pairs: &[(&str, &str, f64)] = &[
        ("text", "surface", 4.5),
        ("text", "background", 4.5),
        ("text", "key", 4.5),
        ("text", "key-special", 4.5),
        ("text", "info-soft", 4.5),
        ("text", "warning-soft", 4.5),
        ("text", "danger-soft", 4.5),
        ("text", "neutral-soft", 4.5),
        ("text-muted", "surface", 4.5),
        ("text-muted", "background", 4.5),
        ("primary", "surface", 4.5),
        ("primary", "background", 4.5),
        ("primary", "primary-soft", 4.5),
        ("on-primary", "primary", 4.5),
        ("on-primary-muted", "primary", 4.5),
        ("on-primary-dark", "primary-dark", 4.5),
        ("on-accent", "accent", 4.5),
        ("on-status-muted", "success", 4.5),
        ("danger", "surface", 4.5),
        ("danger", "danger-soft", 4.5),
        ("warning", "surface", 4.5),
        ("warning", "warning-soft", 4.5),
        ("warning", "accent-soft", 4.5),
        ("on-status", "success", 3.0),
        ("on-status", "danger", 3.0),
        ("info", "info-soft", 3.0),
        // Non-text: where a control or a drawn sign is.
        ("border-strong", "surface", 3.0),
        ("border-strong", "background", 3.0),
        ("key-edge", "keyboard-bg", 3.0),
        ("danger", "background", 3.0),
        ("card-slot", "card-reader", 3.0),
        ("on-primary-chevron", "primary", 3.0),
    ];
    for high_contrast in [false, true] {
        let colors = dost_kiosk::ui_bridge::theme_colors(high_contrast).unwrap();
        let get = |name: &str| {
            colors
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, c)| *c)
                .unwrap_or_else(|| panic!("no token {name}"))
        };
        let mut failures = Vec::new();
        for (fg, bg, need) in pairs {
            let got = contrast(get(fg), get(bg));
            if got < *need {
                failures.push(format!("{fg} on {bg}: {got:.2}:1 < {need}:1"));
            }
        }
        // High contrast draws edges (no shadows): the reader and the overlays have them.
        if high_contrast {
            for (edge, on) in [("card-reader-edge", "surface"), ("overlay-edge", "surface")] {
                let got = contrast(get(edge), get(on));
                if got < 3.0 {
                    failures.push(format!("{edge} on {on}: {got:.2}:1 < 3:1"));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "high contrast {high_contrast}: {}",
            failures.join("; ")
        );
    }
    // Known values (WCAG 2.x, WebAIM): black on white is 21:1, #767676 on white 4.54:1.
    assert!((contrast([0, 0, 0, 255], [255, 255, 255, 255]) - 21.0).abs() < 0.01);
    assert!((contrast([0x76, 0x76, 0x76, 255], [255, 255, 255, 255]) - 4.54).abs() < 0.01);
}

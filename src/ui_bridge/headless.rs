//! Headless rendering of one view model into a PNG (software renderer, no display).

use std::cell::OnceCell;
use std::path::Path;
use std::rc::Rc;

use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::{ComponentHandle, PhysicalSize};

use super::controllers;
use super::generated::{App, Theme};
use super::state::BridgeState;
use super::{DESIGN_HEIGHT, DESIGN_WIDTH, UiError};
use kiosk_core::view::ViewModel;

/// Platform with one headless window; installed once per thread by [`render_png`].
struct HeadlessPlatform {
    window: Rc<MinimalSoftwareWindow>,
}

impl Platform for HeadlessPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(self.window.clone())
    }
}

thread_local! {
    static WINDOW: OnceCell<Rc<MinimalSoftwareWindow>> = const { OnceCell::new() };
}

/// The headless window of this thread, installing the platform on first use.
fn headless_window() -> Result<Rc<MinimalSoftwareWindow>, UiError> {
    WINDOW.with(|cell| {
        if let Some(w) = cell.get() {
            return Ok(w.clone());
        }
        let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
        slint::platform::set_platform(Box::new(HeadlessPlatform {
            window: window.clone(),
        }))
        .map_err(|e| {
            UiError::Platform(format!(
                "cannot render headless: another Slint platform is active in this thread ({e})"
            ))
        })?;
        let _ = cell.set(window.clone());
        Ok(window)
    })
}

/// Shows `vm` in a headless window of `width`×`height` pixels, laid out and drawn once, and
/// returns the window's component (still shown: the caller hides it). For UI tests that
/// inspect the element tree with real font metrics (text clipping checks); same platform
/// rules as [`render_png`].
#[doc(hidden)]
pub fn render_app(vm: &ViewModel, width: u32, height: u32) -> Result<App, UiError> {
    if width == 0 || height == 0 {
        return Err(UiError::Render(format!("invalid size {width}x{height}")));
    }
    let window = headless_window()?;
    window.set_size(PhysicalSize::new(width, height));
    let app = App::new().map_err(|e| UiError::Platform(e.to_string()))?;
    let scale = (width as f32 / DESIGN_WIDTH as f32).min(height as f32 / DESIGN_HEIGHT as f32);
    app.global::<Theme>().set_scale(scale);
    controllers::apply(&app, &mut BridgeState::default(), vm);
    app.show().map_err(|e| UiError::Platform(e.to_string()))?;
    // Let bindings, `changed` handlers and layouts settle before the snapshot.
    for _ in 0..3 {
        slint::platform::update_timers_and_animations();
        window.draw_if_needed(|_| {});
    }
    app.global::<Theme>().set_scale(scale);
    Ok(app)
}

/// The colour tokens of the Theme (normal or high contrast) by name, as RGBA: for the checks
/// of text and non-text contrast (same platform rules as [`render_png`]).
#[doc(hidden)]
pub fn theme_colors(high_contrast: bool) -> Result<Vec<(&'static str, [u8; 4])>, UiError> {
    headless_window()?;
    let app = App::new().map_err(|e| UiError::Platform(e.to_string()))?;
    app.global::<super::generated::SessionAdapter>()
        .set_high_contrast(high_contrast);
    let t = app.global::<Theme>();
    let rgba = |c: slint::Color| [c.red(), c.green(), c.blue(), c.alpha()];
    Ok(vec![
        ("text", rgba(t.get_text())),
        ("text-muted", rgba(t.get_text_muted())),
        ("surface", rgba(t.get_surface())),
        ("surface-pressed", rgba(t.get_surface_pressed())),
        ("background", rgba(t.get_background())),
        ("primary", rgba(t.get_primary())),
        ("primary-dark", rgba(t.get_primary_dark())),
        ("primary-soft", rgba(t.get_primary_soft())),
        ("on-primary", rgba(t.get_on_primary())),
        ("on-primary-dark", rgba(t.get_on_primary_dark())),
        ("on-primary-muted", rgba(t.get_on_primary_muted())),
        ("on-primary-chevron", rgba(t.get_on_primary_chevron())),
        ("accent", rgba(t.get_accent())),
        ("accent-soft", rgba(t.get_accent_soft())),
        ("on-accent", rgba(t.get_on_accent())),
        ("success", rgba(t.get_success())),
        ("on-status", rgba(t.get_on_status())),
        ("on-status-muted", rgba(t.get_on_status_muted())),
        ("danger", rgba(t.get_danger())),
        ("danger-soft", rgba(t.get_danger_soft())),
        ("warning", rgba(t.get_warning())),
        ("warning-soft", rgba(t.get_warning_soft())),
        ("info", rgba(t.get_info())),
        ("info-soft", rgba(t.get_info_soft())),
        ("neutral-soft", rgba(t.get_neutral_soft())),
        ("border-strong", rgba(t.get_border_strong())),
        ("key", rgba(t.get_key())),
        ("key-special", rgba(t.get_key_special())),
        ("key-edge", rgba(t.get_key_edge())),
        ("keyboard-bg", rgba(t.get_keyboard_bg())),
        ("card-slot", rgba(t.get_card_slot())),
        ("card-reader", rgba(t.get_card_reader())),
        ("card-reader-edge", rgba(t.get_card_reader_edge())),
        ("overlay-edge", rgba(t.get_overlay_edge())),
        ("scrim-solid", rgba(t.get_scrim_solid())),
    ])
}

/// Renders `vm` at `width`×`height` pixels (the 1080×1920 design scaled to fit) into the PNG
/// file `out`.
///
/// Needs no display: on first use in a thread it installs a headless software-rendering
/// platform for that thread, so it cannot be used on a thread that already runs a
/// [`super::SlintUi`] (nor under `i-slint-backend-testing`): [`UiError::Platform`].
pub fn render_png(vm: &ViewModel, width: u32, height: u32, out: &Path) -> Result<(), UiError> {
    let app = render_app(vm, width, height)?;
    let shot = app
        .window()
        .take_snapshot()
        .map_err(|e| UiError::Render(e.to_string()));
    let _ = app.hide();
    let shot = shot?;

    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let file = std::io::BufWriter::new(std::fs::File::create(out)?);
    let mut enc = png::Encoder::new(file, shot.width(), shot.height());
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header()?;
    writer.write_image_data(shot.as_bytes())?;
    writer.finish()?;
    Ok(())
}

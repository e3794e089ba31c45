//! Frames drawn one at a time, for the frame-cost benchmark (`cargo bench --bench frames`).
//!
//! [`FrameRig`] is the kiosk's UI in a headless software-rendered window whose clock moves
//! only when told. It draws into one buffer kept between frames, so the renderer repaints only
//! what changed, as the kiosk's window on X11 does (the winit backend reuses its buffer when
//! the X server reports buffer age 1). Each frame reports what it cost: setting the view
//! model's changes on the UI's globals, then evaluating bindings, laying out and rendering.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use slint::platform::software_renderer::{
    MinimalSoftwareWindow, PremultipliedRgbaColor, RepaintBufferType,
};
use slint::platform::{Platform, WindowAdapter};
use slint::{ComponentHandle, PhysicalSize};

use super::controllers;
use super::generated::{App, Theme};
use super::state::BridgeState;
use super::{DESIGN_HEIGHT, DESIGN_WIDTH, UiError};
use kiosk_core::view::{Lang, ViewModel};

/// Platform of the rig: one window, and a clock moved by [`FrameRig::advance`].
struct RigPlatform {
    window: Rc<MinimalSoftwareWindow>,
    clock: Rc<Cell<Duration>>,
}

impl Platform for RigPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(self.window.clone())
    }

    fn duration_since_start(&self) -> Duration {
        self.clock.get()
    }
}

/// What one frame cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    /// Setting the view model's changes on the globals (zero for frames of an animation).
    pub apply: Duration,
    /// Bindings, layout and rendering.
    pub draw: Duration,
    /// Pixels the renderer repainted (bounding boxes of its dirty region).
    pub repainted_px: u64,
}

impl Frame {
    pub fn total(&self) -> Duration {
        self.apply + self.draw
    }
}

/// The kiosk's UI in a headless window, drawn frame by frame.
pub struct FrameRig {
    app: App,
    window: Rc<MinimalSoftwareWindow>,
    state: BridgeState,
    clock: Rc<Cell<Duration>>,
    buffer: Vec<PremultipliedRgbaColor>,
    width: u32,
}

impl FrameRig {
    /// A window of `width`×`height` pixels on this thread. Installs the rig's platform: fails
    /// with [`UiError::Platform`] when this thread already has a Slint platform.
    pub fn new(width: u32, height: u32) -> Result<FrameRig, UiError> {
        if width == 0 || height == 0 {
            return Err(UiError::Render(format!("invalid size {width}x{height}")));
        }
        let window = MinimalSoftwareWindow::new(RepaintBufferType::ReusedBuffer);
        let clock = Rc::new(Cell::new(Duration::ZERO));
        slint::platform::set_platform(Box::new(RigPlatform {
            window: window.clone(),
            clock: clock.clone(),
        }))
        .map_err(|e| UiError::Platform(format!("cannot install the frame rig's platform: {e}")))?;
        window.set_size(PhysicalSize::new(width, height));
        let app = App::new().map_err(|e| UiError::Platform(e.to_string()))?;
        let scale = (width as f32 / DESIGN_WIDTH as f32).min(height as f32 / DESIGN_HEIGHT as f32);
        app.global::<Theme>().set_scale(scale);
        controllers::session::select_language(Lang::Az);
        app.show().map_err(|e| UiError::Platform(e.to_string()))?;
        Ok(FrameRig {
            app,
            window,
            state: BridgeState::default(),
            clock,
            buffer: vec![PremultipliedRgbaColor::default(); width as usize * height as usize],
            width,
        })
    }

    /// Shows `vm` (only what changed since the last one, as the kiosk does) and draws the
    /// frame; `None` when nothing needed drawing.
    pub fn show(&mut self, vm: &ViewModel) -> Option<Frame> {
        let t = Instant::now();
        controllers::apply(&self.app, &mut self.state, vm);
        let apply = t.elapsed();
        self.draw().map(|f| Frame { apply, ..f })
    }

    /// Moves the clock on by `by`, runs timers and animations, and draws the frame if
    /// anything changed.
    pub fn tick(&mut self, by: Duration) -> Option<Frame> {
        self.clock.set(self.clock.get() + by);
        self.draw()
    }

    /// Runs timers and animations at the current time and draws what changed.
    fn draw(&mut self) -> Option<Frame> {
        let t = Instant::now();
        slint::platform::update_timers_and_animations();
        let mut repainted_px = 0u64;
        let width = self.width as usize;
        let buffer = &mut self.buffer;
        let drawn = self.window.draw_if_needed(|renderer| {
            let region = renderer.render(buffer, width);
            repainted_px = region
                .iter()
                .map(|(_, size)| u64::from(size.width) * u64::from(size.height))
                .sum();
        });
        let draw = t.elapsed();
        drawn.then_some(Frame {
            apply: Duration::ZERO,
            draw,
            repainted_px,
        })
    }

    /// An animation is running (the window will want another frame).
    pub fn animating(&self) -> bool {
        self.app.window().has_active_animations()
    }

    /// Presses a key of the on-screen keyboard into the field `field_id`, as a tap on it does
    /// (the UI edits the field at once; the core's answer comes as a later view model).
    pub fn key(&mut self, field_id: &str, key: &str) -> Option<Frame> {
        let t = Instant::now();
        controllers::form::press_key(&self.app, &mut self.state, field_id, key);
        let apply = t.elapsed();
        self.draw().map(|f| Frame { apply, ..f })
    }

    /// Switches the language as the language buttons do: at once, before the core answers.
    pub fn switch_language(&mut self, lang: Lang) -> Option<Frame> {
        let t = Instant::now();
        controllers::session::switch_language(&self.app, lang);
        let apply = t.elapsed();
        self.draw().map(|f| Frame { apply, ..f })
    }

    /// The last frame as RGBA bytes (to check what was drawn).
    pub fn pixels(&self) -> Vec<u8> {
        self.buffer
            .iter()
            .flat_map(|p| [p.red, p.green, p.blue, p.alpha])
            .collect()
    }
}

impl Drop for FrameRig {
    fn drop(&mut self) {
        let _ = self.app.hide();
    }
}

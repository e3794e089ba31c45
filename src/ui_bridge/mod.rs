//! Slint adapter: the only Rust code that names Slint types.
//!
//! * [`SlintUi`] owns the kiosk window (winit backend, or whatever Slint platform is already
//!   set in this thread, e.g. `i-slint-backend-testing` in UI tests), shows
//!   [`ViewModel`]s and turns the citizen's touches into [`UiEvent`]s on a channel.
//! * [`render_png`] renders one view model headless (software renderer, no display).
//!
//! The `.slint` side talks to Rust only through the adapter globals of `ui/globals/`, one per
//! concern, each with its controller in [`controllers`] (plus the `Theme.scale` token).
//!
//! # Platforms and threads
//! A Slint platform is installed once per thread and cannot be swapped afterwards. So:
//! * the kiosk process calls [`SlintUi::new`] (the winit backend is selected on first use) and
//!   never [`render_png`] on the same thread;
//! * [`render_png`] installs a headless `MinimalSoftwareWindow` platform on its thread the
//!   first time it is called there, and fails with [`UiError::Platform`] if another platform
//!   is already active on that thread;
//! * UI tests call `i_slint_backend_testing::init_integration_test_with_system_time()` (or
//!   `..._with_mock_time()`) first, then [`SlintUi::new`], [`SlintUi::show`], and find elements
//!   with `i_slint_backend_testing::ElementHandle::find_by_accessible_label(ui.app(), ..)`.
//!   Tests that render PNGs live in a separate test binary (`tests/ui_render.rs`).

mod controllers;
pub mod edit;
#[doc(hidden)]
pub mod frames;
mod headless;
mod qr;
mod state;

#[allow(clippy::all, missing_docs, unused_qualifications)]
mod generated {
    slint::include_modules!();
}

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use kiosk_core::view::{Lang, UiEvent, ViewModel};
use slint::ComponentHandle;
use state::BridgeState;
use tokio::sync::mpsc::UnboundedSender;

/// The generated Slint root component. Exposed for UI tests (element search); other code
/// should not need it.
#[doc(hidden)]
pub use generated::App;

pub use headless::{render_app, render_png, theme_colors};

/// Design size of the screens, in pixels (portrait kiosk touchscreen).
pub const DESIGN_WIDTH: u32 = 1080;
pub const DESIGN_HEIGHT: u32 = 1920;

#[derive(Debug, thiserror::Error)]
pub enum UiError {
    /// No display to open a window on (headless machine, no `DISPLAY`/`WAYLAND_DISPLAY`).
    #[error("no display available: {0}")]
    NoDisplay(String),
    /// The Slint platform failed (backend error, event loop gone, platform already set).
    #[error("UI platform error: {0}")]
    Platform(String),
    /// Headless rendering failed.
    #[error("rendering failed: {0}")]
    Render(String),
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("PNG encoding failed: {0}")]
    Png(#[from] png::EncodingError),
}

/// Hook run once when the first frame is on screen.
type FirstFrameHook = Rc<RefCell<Option<Box<dyn FnOnce()>>>>;

/// A window of this thread with its bridge state.
type WindowState = (slint::Weak<App>, Rc<RefCell<BridgeState>>);

/// The kiosk window.
pub struct SlintUi {
    app: App,
    state: Rc<RefCell<BridgeState>>,
    first_frame: FirstFrameHook,
}

/// Clone + Send handle that shows view models from any thread.
#[derive(Clone)]
pub struct Presenter {
    app: slint::Weak<App>,
}

// The runtime moves presenters to other threads.
const _: fn() = || {
    fn send<T: Send + Clone + 'static>() {}
    send::<Presenter>();
};

thread_local! {
    /// Bridge state of the windows of this (UI) thread, found by the presenter through the
    /// window's `Weak` handle.
    static STATES: RefCell<Vec<WindowState>> =
        const { RefCell::new(Vec::new()) };
}

fn state_of(app: &App) -> Option<Rc<RefCell<BridgeState>>> {
    STATES.with(|s| {
        let mut s = s.borrow_mut();
        s.retain(|(w, _)| w.upgrade().is_some());
        s.iter()
            .find(|(w, _)| {
                w.upgrade()
                    .is_some_and(|a| std::ptr::eq(a.window(), app.window()))
            })
            .map(|(_, st)| st.clone())
    })
}

impl Presenter {
    /// Shows `vm` on the UI thread (queued; returns at once).
    pub fn show(&self, vm: ViewModel) -> Result<(), UiError> {
        let app = self.app.clone();
        slint::invoke_from_event_loop(move || {
            if let Some(app) = app.upgrade()
                && let Some(state) = state_of(&app)
            {
                controllers::apply(&app, &mut state.borrow_mut(), &vm);
                redraw_now(&app);
            }
        })
        .map_err(|e| UiError::Platform(e.to_string()))
    }

    /// Runs `f` on the UI thread, from the event loop (used to pet the watchdog: a frozen
    /// event loop never runs it).
    pub fn run_on_ui(&self, f: impl FnOnce() + Send + 'static) -> Result<(), UiError> {
        slint::invoke_from_event_loop(f).map_err(|e| UiError::Platform(e.to_string()))
    }

    /// Stops the event loop: [`SlintUi::run`] returns.
    pub fn quit(&self) -> Result<(), UiError> {
        slint::invoke_from_event_loop(|| {
            let _ = slint::quit_event_loop();
        })
        .map_err(|e| UiError::Platform(e.to_string()))
    }
}

/// Draws the changes of a view model at once. Slint's winit backend paces redraws on X11 with a
/// 60 Hz timer whose first tick comes a whole frame after the change, so every screen a
/// citizen's tap brought would wait 16.7 ms before drawing even starts. Asking winit for the
/// redraw directly draws it on the next turn of the event loop; animations keep the backend's
/// 60 Hz pacing. Does nothing on other platforms (tests, the frame-cost rig).
fn redraw_now(app: &App) {
    use slint::winit_030::WinitWindowAccessor;
    app.window().with_winit_window(|w| w.request_redraw());
}

fn no_display_env() -> bool {
    cfg!(target_os = "linux")
        && std::env::var_os("DISPLAY").is_none_or(|v| v.is_empty())
        && std::env::var_os("WAYLAND_DISPLAY").is_none_or(|v| v.is_empty())
}

impl SlintUi {
    /// Creates the window (winit backend unless another Slint platform is already set in
    /// this thread). [`UiError::NoDisplay`] when no display is available; never panics.
    pub fn new(events: UnboundedSender<UiEvent>) -> Result<SlintUi, UiError> {
        let created = std::panic::catch_unwind(App::new);
        let app = match created {
            Ok(Ok(app)) => app,
            Ok(Err(e)) if no_display_env() => return Err(UiError::NoDisplay(e.to_string())),
            Ok(Err(e)) => return Err(UiError::Platform(e.to_string())),
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "window creation panicked".into());
                return Err(if no_display_env() {
                    UiError::NoDisplay(msg)
                } else {
                    UiError::Platform(msg)
                });
            }
        };
        // Azerbaijani until the first view model says otherwise (not the system locale).
        controllers::session::select_language(Lang::Az);
        let state = Rc::new(RefCell::new(BridgeState::default()));
        STATES.with(|s| s.borrow_mut().push((app.as_weak(), state.clone())));
        controllers::wire(
            &app,
            &controllers::Wiring {
                events,
                app: app.as_weak(),
                state: state.clone(),
            },
        );
        Ok(SlintUi {
            app,
            state,
            first_frame: Rc::new(RefCell::new(None)),
        })
    }

    /// Handle to show view models from any thread.
    pub fn presenter(&self) -> Presenter {
        Presenter {
            app: self.app.as_weak(),
        }
    }

    /// Shows `vm` now (UI thread); applies only what changed since the last one.
    pub fn show(&self, vm: &ViewModel) {
        controllers::apply(&self.app, &mut self.state.borrow_mut(), vm);
        redraw_now(&self.app);
    }

    /// Kiosk mode: full screen without decorations. In kiosk mode the window also refuses
    /// to close (Alt+F4, the window manager's close): only [`Presenter::quit`] ends it.
    pub fn set_fullscreen(&self, on: bool) {
        self.app.window().set_fullscreen(on);
        self.app.window().on_close_requested(move || {
            if on {
                slint::CloseRequestResponse::KeepWindowShown
            } else {
                slint::CloseRequestResponse::HideWindow
            }
        });
    }

    /// Runs the event loop until the window closes or [`Presenter::quit`] is called.
    pub fn run(self) -> Result<(), UiError> {
        self.app
            .show()
            .map_err(|e| UiError::Platform(e.to_string()))?;
        if let Some(f) = self.first_frame.borrow_mut().take() {
            // The software renderer of the winit backend has no rendering notifier; the first
            // timer tick runs after the event loop has drawn the first frame.
            slint::Timer::single_shot(Duration::from_millis(50), f);
        }
        let result = slint::run_event_loop().map_err(|e| UiError::Platform(e.to_string()));
        let _ = self.app.hide();
        result
    }

    /// Calls `f` once the first frame is on screen (readiness beacons).
    pub fn on_first_frame(&self, f: impl FnOnce() + 'static) {
        *self.first_frame.borrow_mut() = Some(Box::new(f));
    }

    /// The Slint component, for UI tests (element search by accessible label).
    #[doc(hidden)]
    pub fn app(&self) -> &App {
        &self.app
    }
}

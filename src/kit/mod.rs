//! Driving the real core by its UI events, and reading every view it presents, in order: the
//! burn-in command and the integration tests both go through [`Harness`].

pub mod burnin;
pub mod keypad;

use std::time::Duration;

use kiosk_core::catalog::Catalog;
use kiosk_core::view::{Lang, ScreenId, UiEvent, ViewModel};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::config::KioskConfig;
use crate::runtime::{self, Kiosk, PresentFn, RuntimeError};

/// The catalog the demo ships (`config/services.toml`), built in.
const SHIPPED_CATALOG: &str = include_str!("../../config/services.toml");

/// The catalog the demo ships; screenshots and samples show it.
pub fn shipped_catalog() -> Result<Catalog, kiosk_core::problem::Problems> {
    Catalog::parse(SHIPPED_CATALOG, "config/services.toml")
}

/// The sample view of `screen` in `lang` over the shipped catalog (screenshots, UI tests).
pub fn sample(screen: ScreenId, lang: Lang) -> ViewModel {
    match shipped_catalog() {
        Ok(catalog) => kiosk_core::samples::view(screen, lang, &catalog),
        // The shipped catalog is checked by the tests; without it the samples show no services.
        Err(e) => {
            tracing::error!(error = %e, "the shipped catalog does not parse");
            let empty = Catalog {
                areas: Vec::new(),
                services: Vec::new(),
            };
            kiosk_core::samples::view(screen, lang, &empty)
        }
    }
}

/// Why a wait ended without the view it waited for.
#[derive(Debug, thiserror::Error)]
pub enum KitError {
    #[error("no {what} screen within {timeout_s} s (last: {last:?})")]
    Stuck {
        what: String,
        timeout_s: u64,
        last: Option<ScreenId>,
    },
    #[error("the kiosk core stopped")]
    CoreStopped,
    #[error("stopped")]
    Stopped,
}

/// The UI's side of a running core: events in, views out.
pub struct Harness {
    ui: mpsc::UnboundedSender<UiEvent>,
    views: mpsc::UnboundedReceiver<ViewModel>,
    /// The latest view read.
    last: Option<ViewModel>,
    /// How long a wait may take.
    pub step_timeout: Duration,
}

/// A presenter that queues every view for a [`Harness`].
pub fn recorder() -> (PresentFn, mpsc::UnboundedReceiver<ViewModel>) {
    let (tx, rx) = mpsc::unbounded_channel::<ViewModel>();
    (
        Box::new(move |vm| {
            let _ = tx.send(vm);
        }),
        rx,
    )
}

impl Harness {
    /// Starts the core with `cfg` and returns it with its harness. Must run inside a tokio
    /// runtime.
    pub async fn start(cfg: KioskConfig) -> Result<(Kiosk, Harness), RuntimeError> {
        let (present, views) = recorder();
        let (ui, ui_rx) = mpsc::unbounded_channel();
        let kiosk = runtime::start(cfg, present, ui_rx).await?;
        Ok((kiosk, Harness::new(ui, views)))
    }

    pub fn new(
        ui: mpsc::UnboundedSender<UiEvent>,
        views: mpsc::UnboundedReceiver<ViewModel>,
    ) -> Harness {
        Harness {
            ui,
            views,
            last: None,
            step_timeout: Duration::from_secs(30),
        }
    }

    /// A sender of UI events (for tests that act from another task).
    pub fn sender(&self) -> mpsc::UnboundedSender<UiEvent> {
        self.ui.clone()
    }

    pub fn send(&self, ev: UiEvent) -> Result<(), KitError> {
        self.ui.send(ev).map_err(|_| KitError::CoreStopped)
    }

    /// The latest view presented.
    pub fn latest(&mut self) -> Option<&ViewModel> {
        self.drain();
        self.last.as_ref()
    }

    /// Reads every view presented so far.
    fn drain(&mut self) {
        while let Ok(vm) = self.views.try_recv() {
            self.last = Some(vm);
        }
    }

    /// The latest view presented, when it satisfies `pred`; else the first one presented
    /// from now on that does.
    pub async fn wait(
        &mut self,
        what: &str,
        pred: impl Fn(&ViewModel) -> bool,
    ) -> Result<ViewModel, KitError> {
        self.wait_until(what, pred, None).await
    }

    /// [`Harness::wait`], given up when `stop` is cancelled: at once (`grace` None), or after
    /// `grace` more (for an outcome already under way, such as a submit).
    pub async fn wait_until(
        &mut self,
        what: &str,
        pred: impl Fn(&ViewModel) -> bool,
        stop: Option<(&CancellationToken, Option<Duration>)>,
    ) -> Result<ViewModel, KitError> {
        self.drain();
        if let Some(vm) = self.last.as_ref().filter(|vm| pred(vm)) {
            return Ok(vm.clone());
        }
        let mut deadline = tokio::time::Instant::now() + self.step_timeout;
        let mut stopping = false;
        loop {
            let cancelled = async {
                match stop {
                    Some((token, _)) if !stopping => token.cancelled().await,
                    _ => std::future::pending().await,
                }
            };
            let next = tokio::select! {
                biased;
                () = cancelled => {
                    let Some(grace) = stop.and_then(|(_, g)| g) else {
                        return Err(KitError::Stopped);
                    };
                    stopping = true;
                    deadline = deadline.min(tokio::time::Instant::now() + grace);
                    continue;
                }
                next = tokio::time::timeout_at(deadline, self.views.recv()) => next,
            };
            match next {
                Err(_) if stopping => return Err(KitError::Stopped),
                Err(_) => {
                    return Err(KitError::Stuck {
                        what: what.to_owned(),
                        timeout_s: self.step_timeout.as_secs(),
                        last: self.last.as_ref().map(|vm| vm.screen),
                    });
                }
                Ok(None) => return Err(KitError::CoreStopped),
                Ok(Some(vm)) => {
                    let hit = pred(&vm);
                    self.last = Some(vm.clone());
                    if hit {
                        return Ok(vm);
                    }
                }
            }
        }
    }

    /// Waits for a screen.
    pub async fn wait_screen(&mut self, screen: ScreenId) -> Result<ViewModel, KitError> {
        self.wait(screen.name(), |vm| vm.screen == screen).await
    }
}

//! Audio guidance at the edge: the keypad's state next to the session ([`Guidance`], owned by
//! the event loop), and the speech task that hands what is said to the speech thread.
//!
//! The event loop asks [`Guidance`] what a key does and what to say after each screen; what
//! to say goes through [`SpeechHandle::say`] to a tracked task, which writes the speech log
//! (when configured) and passes it to the `speech` driver's thread (espeak-ng and the
//! headset output), never blocking the event loop. A new screen cuts short what is being said.

use std::collections::HashSet;
use std::io::Write;
use std::sync::Arc;

use ::speech::{Params, Sink, Speaker, SpeakerConfig, Synth, Voice};
use kiosk_core::access::{Access, Cue};
use kiosk_core::focus;
use kiosk_core::keypad::Key;
use kiosk_core::speech::{Msg, Texts, Utterance, script, words};
use kiosk_core::view::{Lang, UiEvent, ViewModel};
use tokio::sync::{broadcast, mpsc};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::KioskConfig;
use crate::config::access::{SpeechOutput, SpeechSection};

/// The speech driver's voice of a kiosk language.
pub fn voice(lang: Lang) -> Voice {
    match lang {
        Lang::Az => Voice::Az,
        Lang::Ru => Voice::Ru,
        Lang::En => Voice::En,
    }
}

/// What is said, with the speed and volume it is said at.
#[derive(Debug, Clone, PartialEq)]
pub struct Said {
    pub utterances: Vec<Utterance>,
    /// Percent of the configured rate, and volume percent.
    pub rate: u8,
    pub volume: u8,
}

/// Hands what is said to the speech task; cheap to clone.
#[derive(Clone)]
pub struct SpeechHandle {
    tx: mpsc::UnboundedSender<Said>,
    log: broadcast::Sender<Said>,
}

impl SpeechHandle {
    /// Says `said` (cutting short what is being said); an empty batch only stops speech.
    pub fn say(&self, said: Said) {
        // Nobody listening is fine (no test subscribed).
        let _ = self.log.send(said.clone());
        if self.tx.send(said).is_err() {
            tracing::debug!("speech dropped: the speech task has stopped");
        }
    }

    /// Everything said from now on, in order (tests read the spoken sequence here).
    pub fn subscribe(&self) -> broadcast::Receiver<Said> {
        self.log.subscribe()
    }
}

/// The keypad and audio state next to the session, and what to say about each screen.
pub struct Guidance {
    pub access: Access,
    texts: Arc<Texts>,
    speech: SpeechHandle,
    /// The cue of the last key, for the next screen.
    cue: Option<Cue>,
    /// The last screen (with its keypad view).
    shown: Option<ViewModel>,
}

impl Guidance {
    pub fn new(texts: Arc<Texts>, speech: SpeechHandle) -> Guidance {
        Guidance {
            access: Access::default(),
            texts,
            speech,
            cue: None,
            shown: None,
        }
    }

    /// What `key` does on the screen shown: the UI events to step the session with.
    pub fn on_key(&mut self, key: Key) -> Vec<UiEvent> {
        let shown = self.shown.clone().unwrap_or_default();
        let out = self.access.on_key(key, &shown);
        self.cue = Some(out.cue);
        out.events
    }

    /// Adds the keypad's view to `vm` (the screen about to be shown) and says what it calls
    /// for: the whole screen when it is new, what changed, or what the last key asked.
    pub fn present(&mut self, vm: &mut ViewModel) {
        let prev = self.shown.take();
        self.access.observe(prev.as_ref(), vm);
        vm.access = self.access.view(vm, &self.texts);
        let cue = self.cue.take().unwrap_or(Cue::Nothing);
        let utterances = script(&self.access, prev.as_ref(), vm, &cue, &self.texts);
        let new_screen = prev.as_ref().is_none_or(|p| p.screen != vm.screen);
        // Speech stops when the screen changes, or when audio mode went off.
        let stop = (new_screen && self.access.audio) || (!self.access.audio && cue != Cue::Nothing);
        if !utterances.is_empty() || stop {
            self.speech.say(Said {
                utterances,
                rate: self.access.rate,
                volume: self.access.volume,
            });
        }
        self.shown = Some(vm.clone());
    }
}

/// The fixed prompts (every message without a placeholder, in each language, as said), the
/// only utterances worth caching: never names or answers.
pub fn fixed_prompts(texts: &Texts) -> HashSet<::speech::Utterance> {
    let mut out = HashSet::new();
    for lang in Lang::ALL {
        for m in Msg::ALL {
            let raw = texts.get(lang, m.msgid());
            if raw.contains("{0}") {
                continue;
            }
            out.insert(::speech::Utterance {
                lang: voice(lang),
                text: words::normalise(lang, raw),
            });
        }
        for l in Lang::ALL {
            out.insert(::speech::Utterance {
                lang: voice(l),
                text: focus::language_name(l).to_owned(),
            });
        }
    }
    out
}

/// The synthesizer configured (a mute one when espeak-ng cannot start: the log still works).
fn synth(cfg: &SpeechSection, audible: bool) -> Box<dyn Synth> {
    if !audible {
        return Box::new(::speech::sim::Mute);
    }
    #[cfg(feature = "espeak")]
    {
        let dir = (!cfg.data_dir.is_empty()).then(|| std::path::Path::new(&cfg.data_dir));
        match ::speech::espeak::Espeak::new(dir) {
            Ok(e) => return Box::new(e),
            Err(e) => {
                tracing::error!(error = %e, "espeak-ng cannot start: audio guidance is silent")
            }
        }
    }
    #[cfg(not(feature = "espeak"))]
    {
        let _ = cfg;
        tracing::warn!("built without espeak-ng: audio guidance is silent");
    }
    Box::new(::speech::sim::Mute)
}

/// The outputs configured; a sound card that cannot be opened is logged, not fatal.
fn sinks(cfg: &SpeechSection) -> Vec<Box<dyn Sink>> {
    if cfg.output != SpeechOutput::Alsa {
        return Vec::new();
    }
    #[cfg(feature = "audio-out")]
    {
        match ::speech::alsa::AlsaSink::open() {
            Ok(s) => vec![Box::new(s) as Box<dyn Sink>],
            Err(e) => {
                tracing::error!(error = %e, "no audio output: audio guidance is silent");
                Vec::new()
            }
        }
    }
    #[cfg(not(feature = "audio-out"))]
    {
        tracing::warn!("built without audio output: audio guidance is silent");
        Vec::new()
    }
}

/// The speech log file: one JSON line (`{"lang": …, "text": …}`) per utterance.
fn open_log(cfg: &KioskConfig) -> Option<std::io::BufWriter<std::fs::File>> {
    let path = cfg.resolve(&cfg.speech.log_path()?);
    match std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    {
        Ok(f) => Some(std::io::BufWriter::new(f)),
        Err(e) => {
            tracing::error!(error = %e, path = %path.display(), "cannot open the speech log");
            None
        }
    }
}

#[derive(serde::Serialize)]
struct LogLine<'a> {
    lang: &'a str,
    text: &'a str,
}

/// The speech thread with the configured engine and outputs.
async fn open_speaker(
    section: &SpeechSection,
    cacheable: &HashSet<::speech::Utterance>,
) -> Option<Speaker> {
    let (section, cacheable) = (section.clone(), cacheable.clone());
    let started = tokio::task::spawn_blocking(move || {
        let sinks = sinks(&section);
        let synth = synth(&section, !sinks.is_empty());
        let config = SpeakerConfig {
            cacheable,
            cache_samples: 22_050 * 600,
        };
        Speaker::start(synth, sinks, config)
    })
    .await;
    match started {
        Ok(Ok(s)) => Some(s),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "the speech thread cannot start");
            None
        }
        Err(e) => {
            tracing::error!(error = %e, "the speech thread cannot start");
            None
        }
    }
}

/// Starts the speech task (tracked; it stops with `cancel`) and returns its handle.
pub fn start(
    cfg: &KioskConfig,
    texts: &Texts,
    cancel: &CancellationToken,
    tasks: &TaskTracker,
) -> SpeechHandle {
    let (tx, mut rx) = mpsc::unbounded_channel::<Said>();
    let (log, _) = broadcast::channel(1024);
    let section = cfg.speech.clone();
    let cacheable = if section.cache_prompts {
        fixed_prompts(texts)
    } else {
        HashSet::new()
    };
    let mut file = open_log(cfg);
    let cancel = cancel.clone();
    tasks.spawn(async move {
        // The engine and the sound card are opened when speech is first needed (audio mode
        // on), off the async threads: a kiosk nobody listens to holds no audio device.
        let mut speaker: Option<Speaker> = None;
        let mut failed = false;
        loop {
            let said = tokio::select! {
                () = cancel.cancelled() => break,
                said = rx.recv() => match said {
                    Some(s) => s,
                    None => break,
                },
            };
            if let Some(f) = file.as_mut() {
                write_log(f, &said.utterances);
            }
            if speaker.is_none() && !failed && !said.utterances.is_empty() {
                speaker = open_speaker(&section, &cacheable).await;
                failed = speaker.is_none();
            }
            let Some(s) = speaker.as_ref() else {
                continue;
            };
            let params = Params {
                rate_wpm: section.rate_wpm * u32::from(said.rate) / 100,
                volume: f32::from(said.volume) / 100.0,
            };
            let batch = said
                .utterances
                .into_iter()
                .map(|u| ::speech::Utterance {
                    lang: voice(u.lang),
                    text: u.text,
                })
                .collect();
            if let Err(e) = s.say(batch, params) {
                tracing::error!(error = %e, "speech stopped");
                break;
            }
        }
        if let Some(s) = speaker {
            let _ = s.stop();
            let _ = tokio::task::spawn_blocking(move || s.finish()).await;
        }
    });
    SpeechHandle { tx, log }
}

fn write_log(f: &mut impl Write, utterances: &[Utterance]) {
    for u in utterances {
        let line = LogLine {
            lang: u.lang.code(),
            text: &u.text,
        };
        let written = serde_json::to_string(&line)
            .map_err(std::io::Error::other)
            .and_then(|json| writeln!(f, "{json}"));
        if let Err(e) = written {
            tracing::warn!(error = %e, "cannot write the speech log");
            return;
        }
    }
    if let Err(e) = f.flush() {
        tracing::warn!(error = %e, "cannot write the speech log");
    }
}

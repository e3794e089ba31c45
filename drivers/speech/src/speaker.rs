//! The speech thread: one synthesizer and its sinks, fed batches of utterances.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;

use crate::{Flow, Params, Sink, SpeechError, Synth, Utterance, Voice, scale};

/// How the speaker keeps fixed prompts.
#[derive(Debug, Clone, Default)]
pub struct SpeakerConfig {
    /// Utterances worth keeping once rendered (the kiosk's fixed prompts, never personal
    /// data); an empty set caches nothing.
    pub cacheable: HashSet<Utterance>,
    /// Most samples kept in the cache in all (oldest dropped first).
    pub cache_samples: usize,
}

enum Command {
    Say {
        batch: Vec<Utterance>,
        params: Params,
        generation: u64,
    },
    /// Answers once everything asked before it is said.
    Ping(mpsc::Sender<()>),
    Quit,
}

/// Speaks on its own thread; [`Speaker::say`] never waits for synthesis.
pub struct Speaker {
    tx: mpsc::Sender<Command>,
    generation: Arc<AtomicU64>,
    thread: Option<JoinHandle<()>>,
}

type CacheKey = (Voice, u32, String);

struct Cache {
    allowed: HashSet<Utterance>,
    limit: usize,
    entries: HashMap<CacheKey, Arc<[i16]>>,
    order: VecDeque<CacheKey>,
    samples: usize,
}

impl Cache {
    fn get(&self, key: &CacheKey) -> Option<Arc<[i16]>> {
        self.entries.get(key).cloned()
    }

    fn wants(&self, u: &Utterance) -> bool {
        self.limit > 0 && self.allowed.contains(u)
    }

    fn put(&mut self, key: CacheKey, pcm: Vec<i16>) {
        if pcm.len() > self.limit || self.entries.contains_key(&key) {
            return;
        }
        while self.samples + pcm.len() > self.limit {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            if let Some(p) = self.entries.remove(&old) {
                self.samples -= p.len();
            }
        }
        self.samples += pcm.len();
        self.order.push_back(key.clone());
        self.entries.insert(key, pcm.into());
    }
}

struct Worker {
    synth: Box<dyn Synth>,
    sinks: Vec<Box<dyn Sink>>,
    generation: Arc<AtomicU64>,
    cache: Cache,
}

/// Logs a sink's failure without the text (it may hold personal data) and goes on: one
/// broken output (a vanished sound card) must not silence the others.
fn note(result: Result<(), SpeechError>, what: &str) {
    if let Err(e) = result {
        tracing::warn!(error = %e, "speech {what} failed");
    }
}

impl Worker {
    fn run(mut self, rx: mpsc::Receiver<Command>) {
        while let Ok(cmd) = rx.recv() {
            let (batch, params, generation) = match cmd {
                Command::Say {
                    batch,
                    params,
                    generation,
                } => (batch, params, generation),
                Command::Ping(done) => {
                    let _ = done.send(());
                    continue;
                }
                Command::Quit => break,
            };
            // A newer batch is already queued: this one is not heard at all.
            if generation != self.generation.load(Ordering::SeqCst) {
                continue;
            }
            for s in &mut self.sinks {
                s.interrupt();
            }
            for u in &batch {
                if generation != self.generation.load(Ordering::SeqCst) {
                    break;
                }
                self.speak(u, params, generation);
            }
        }
        for s in &mut self.sinks {
            note(s.finish(), "output");
        }
    }

    fn speak(&mut self, u: &Utterance, params: Params, generation: u64) {
        let rate = self.synth.sample_rate();
        for s in &mut self.sinks {
            note(s.begin(u, rate), "output");
        }
        let key = (u.lang, params.rate_wpm, u.text.clone());
        let current = &self.generation;
        let sinks = &mut self.sinks;
        let mut feed = |pcm: &[i16]| -> Flow {
            if current.load(Ordering::SeqCst) != generation {
                return Flow::Stop;
            }
            let loud = scale(pcm, params.volume);
            for s in sinks.iter_mut() {
                note(s.pcm(&loud), "output");
            }
            Flow::Continue
        };
        let complete = match self.cache.get(&key) {
            Some(pcm) => pcm.chunks(1024).all(|chunk| feed(chunk) == Flow::Continue),
            None => {
                let keep = self.cache.wants(u);
                let mut kept = Vec::new();
                let result = self.synth.synthesize(u, params, &mut |pcm| {
                    if keep {
                        kept.extend_from_slice(pcm);
                    }
                    feed(pcm)
                });
                match result {
                    Ok(true) => {
                        if keep {
                            self.cache.put(key, kept);
                        }
                        true
                    }
                    Ok(false) => false,
                    Err(e) => {
                        tracing::warn!(error = %e, lang = %u.lang, "speech synthesis failed");
                        false
                    }
                }
            }
        };
        for s in &mut self.sinks {
            note(s.end(!complete), "output");
        }
    }
}

impl Speaker {
    /// Starts the speech thread with `synth` and `sinks`.
    pub fn start(
        synth: Box<dyn Synth>,
        sinks: Vec<Box<dyn Sink>>,
        config: SpeakerConfig,
    ) -> Result<Speaker, SpeechError> {
        let (tx, rx) = mpsc::channel();
        let generation = Arc::new(AtomicU64::new(0));
        let worker = Worker {
            synth,
            sinks,
            generation: generation.clone(),
            cache: Cache {
                allowed: config.cacheable,
                limit: config.cache_samples,
                entries: HashMap::new(),
                order: VecDeque::new(),
                samples: 0,
            },
        };
        let thread = std::thread::Builder::new()
            .name("speech".into())
            .spawn(move || worker.run(rx))
            .map_err(|source| SpeechError::Io {
                what: "the speech thread".into(),
                source,
            })?;
        Ok(Speaker {
            tx,
            generation,
            thread: Some(thread),
        })
    }

    /// Says `batch`, cutting short whatever is being said.
    pub fn say(&self, batch: Vec<Utterance>, params: Params) -> Result<(), SpeechError> {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        self.tx
            .send(Command::Say {
                batch,
                params,
                generation,
            })
            .map_err(|_| SpeechError::Stopped)
    }

    /// Blocks until everything asked so far is said (or cut short).
    pub fn wait(&self) -> Result<(), SpeechError> {
        let (done, ack) = mpsc::channel();
        self.tx
            .send(Command::Ping(done))
            .map_err(|_| SpeechError::Stopped)?;
        ack.recv().map_err(|_| SpeechError::Stopped)
    }

    /// Stops speaking now.
    pub fn stop(&self) -> Result<(), SpeechError> {
        self.say(Vec::new(), Params::default())
    }

    /// Lets what was asked be said, then stops the thread and finishes the sinks (WAV
    /// headers, log flush). Blocks until then.
    pub fn finish(mut self) {
        let _ = self.tx.send(Command::Quit);
        if let Some(t) = self.thread.take()
            && t.join().is_err()
        {
            tracing::error!("the speech thread panicked");
        }
    }
}

impl Drop for Speaker {
    fn drop(&mut self) {
        // Cut speech short and let the thread end by itself (no join: drop never blocks).
        self.generation.fetch_add(1, Ordering::SeqCst);
        let _ = self.tx.send(Command::Quit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::ToneSynth;
    use crate::sinks::MemorySink;

    fn u(text: &str) -> Utterance {
        Utterance {
            lang: Voice::Az,
            text: text.into(),
        }
    }

    #[test]
    fn a_batch_is_said_in_order_at_the_asked_volume() {
        let mem = MemorySink::default();
        let speaker = Speaker::start(
            Box::new(ToneSynth::default()),
            vec![Box::new(mem.clone())],
            SpeakerConfig::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let quiet = Params {
            volume: 0.25,
            ..Params::default()
        };
        speaker
            .say(vec![u("bir"), u("iki üç")], quiet)
            .unwrap_or_else(|e| panic!("{e}"));
        speaker.finish();
        let r = mem.recorded();
        let texts: Vec<&str> = r.heard.iter().map(|h| h.utterance.text.as_str()).collect();
        assert_eq!(texts, ["bir", "iki üç"]);
        let per_char = ToneSynth::default().samples_per_char(Params::default().rate_wpm);
        assert_eq!(r.heard[0].pcm.len(), 3 * per_char);
        assert_eq!(r.heard[1].pcm.len(), 6 * per_char);
        let peak = r.heard[0]
            .pcm
            .iter()
            .map(|s| s.unsigned_abs())
            .max()
            .unwrap_or(0);
        assert!((2900..=3000).contains(&peak), "peak {peak}");
        assert!(r.heard.iter().all(|h| !h.interrupted));
    }

    #[test]
    fn a_new_batch_cuts_the_one_being_said() {
        let mem = MemorySink::default();
        let speaker = Speaker::start(
            Box::new(ToneSynth::default()),
            vec![Box::new(mem.clone())],
            SpeakerConfig::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let long = "a".repeat(20_000);
        speaker
            .say(vec![u(&long), u("never said")], Params::default())
            .unwrap_or_else(|e| panic!("{e}"));
        // Let the long one start.
        while mem
            .recorded()
            .heard
            .first()
            .is_none_or(|h| h.pcm.is_empty())
        {
            std::thread::yield_now();
        }
        speaker
            .say(vec![u("yeni ekran")], Params::default())
            .unwrap_or_else(|e| panic!("{e}"));
        speaker.finish();
        let r = mem.recorded();
        let texts: Vec<&str> = r.heard.iter().map(|h| h.utterance.text.as_str()).collect();
        assert_eq!(texts, [long.as_str(), "yeni ekran"]);
        assert!(r.heard[0].interrupted);
        let per_char = ToneSynth::default().samples_per_char(Params::default().rate_wpm);
        assert!(r.heard[0].pcm.len() < 20_000 * per_char);
        assert!(!r.heard[1].interrupted);
    }

    #[test]
    fn fixed_prompts_are_rendered_once_and_replayed() {
        struct Counting(ToneSynth, Arc<AtomicU64>);
        impl Synth for Counting {
            fn sample_rate(&self) -> u32 {
                self.0.sample_rate()
            }
            fn synthesize(
                &mut self,
                u: &Utterance,
                p: Params,
                chunk: &mut dyn FnMut(&[i16]) -> Flow,
            ) -> Result<bool, SpeechError> {
                self.1.fetch_add(1, Ordering::SeqCst);
                self.0.synthesize(u, p, chunk)
            }
        }
        let calls = Arc::new(AtomicU64::new(0));
        let mem = MemorySink::default();
        let config = SpeakerConfig {
            cacheable: [u("Xidməti seçin")].into_iter().collect(),
            cache_samples: 1_000_000,
        };
        let speaker = Speaker::start(
            Box::new(Counting(ToneSynth::default(), calls.clone())),
            vec![Box::new(mem.clone())],
            config,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        for _ in 0..3 {
            speaker
                .say(
                    vec![u("Xidməti seçin"), u("Əli Məmmədov")],
                    Params::default(),
                )
                .unwrap_or_else(|e| panic!("{e}"));
            speaker.wait().unwrap_or_else(|e| panic!("{e}"));
        }
        speaker.finish();
        let r = mem.recorded();
        assert_eq!(r.heard.len(), 6);
        // The prompt once, the name (personal, never cached) three times.
        assert_eq!(calls.load(Ordering::SeqCst), 4);
        assert_eq!(r.heard[0].pcm, r.heard[4].pcm);
    }
}

//! Where speech goes besides the sound card: a WAV file, a speech log, memory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::{Sink, SpeechError, Utterance};

/// Everything said, one after the other, in one WAV file (16-bit mono).
pub struct WavSink {
    path: PathBuf,
    writer: Option<hound::WavWriter<std::io::BufWriter<std::fs::File>>>,
    sample_rate: Option<u32>,
}

impl WavSink {
    /// Writes to `path` (created at the first utterance, finished by [`Sink::finish`]).
    pub fn new(path: &Path) -> WavSink {
        WavSink {
            path: path.to_owned(),
            writer: None,
            sample_rate: None,
        }
    }
}

impl Sink for WavSink {
    fn begin(&mut self, _u: &Utterance, sample_rate: u32) -> Result<(), SpeechError> {
        match self.sample_rate {
            Some(r) if r != sample_rate => {
                return Err(SpeechError::Audio(format!(
                    "one WAV file holds one sample rate ({r} Hz, not {sample_rate} Hz)"
                )));
            }
            Some(_) => {}
            None => {
                let spec = hound::WavSpec {
                    channels: 1,
                    sample_rate,
                    bits_per_sample: 16,
                    sample_format: hound::SampleFormat::Int,
                };
                self.writer =
                    Some(hound::WavWriter::create(&self.path, spec).map_err(SpeechError::Wav)?);
                self.sample_rate = Some(sample_rate);
            }
        }
        Ok(())
    }

    fn pcm(&mut self, samples: &[i16]) -> Result<(), SpeechError> {
        if let Some(w) = self.writer.as_mut() {
            for &s in samples {
                w.write_sample(s).map_err(SpeechError::Wav)?;
            }
        }
        Ok(())
    }

    fn end(&mut self, _interrupted: bool) -> Result<(), SpeechError> {
        Ok(())
    }

    fn finish(&mut self) -> Result<(), SpeechError> {
        match self.writer.take() {
            Some(w) => w.finalize().map_err(SpeechError::Wav),
            None => Ok(()),
        }
    }
}

/// One line of the speech log.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LogLine {
    pub lang: crate::Voice,
    pub text: String,
    /// Milliseconds from the log's start to the utterance's start.
    pub at_ms: u64,
    /// Milliseconds of audio made for it.
    pub audio_ms: u64,
    /// Cut short by newer speech.
    pub interrupted: bool,
}

/// The speech log: what was said, in which language, when and for how long, as JSON lines.
pub struct LogSink<W: Write + Send> {
    out: W,
    start: Instant,
    current: Option<(Utterance, u64, u32)>,
    samples: u64,
}

impl<W: Write + Send> LogSink<W> {
    pub fn new(out: W) -> LogSink<W> {
        LogSink {
            out,
            start: Instant::now(),
            current: None,
            samples: 0,
        }
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write + Send> Sink for LogSink<W> {
    fn begin(&mut self, u: &Utterance, sample_rate: u32) -> Result<(), SpeechError> {
        let at = self.start.elapsed().as_millis() as u64;
        self.current = Some((u.clone(), at, sample_rate.max(1)));
        self.samples = 0;
        Ok(())
    }

    fn pcm(&mut self, samples: &[i16]) -> Result<(), SpeechError> {
        self.samples += samples.len() as u64;
        Ok(())
    }

    fn end(&mut self, interrupted: bool) -> Result<(), SpeechError> {
        let Some((u, at_ms, rate)) = self.current.take() else {
            return Ok(());
        };
        let line = LogLine {
            lang: u.lang,
            text: u.text,
            at_ms,
            audio_ms: self.samples * 1000 / u64::from(rate),
            interrupted,
        };
        let io = |source| SpeechError::Io {
            what: "the speech log".into(),
            source,
        };
        let json = serde_json::to_string(&line).map_err(|e| io(std::io::Error::other(e)))?;
        writeln!(self.out, "{json}").map_err(io)?;
        self.out.flush().map_err(io)
    }

    fn finish(&mut self) -> Result<(), SpeechError> {
        self.out.flush().map_err(|source| SpeechError::Io {
            what: "the speech log".into(),
            source,
        })
    }
}

/// One utterance as a [`MemorySink`] recorded it.
#[derive(Debug, Clone)]
pub struct Heard {
    pub utterance: Utterance,
    pub pcm: Vec<i16>,
    pub interrupted: bool,
    pub begun_at: Instant,
    /// When its first sample arrived (None: no sound made).
    pub first_sample_at: Option<Instant>,
}

/// What a [`MemorySink`] recorded.
#[derive(Debug, Default, Clone)]
pub struct Recorded {
    pub heard: Vec<Heard>,
    pub sample_rate: u32,
    /// Batches interrupted (newer speech came).
    pub interruptions: usize,
}

/// Keeps everything in memory (tests and benchmarks), shared with whoever holds a clone.
#[derive(Debug, Clone, Default)]
pub struct MemorySink {
    shared: std::sync::Arc<std::sync::Mutex<Recorded>>,
}

impl MemorySink {
    fn with<T>(&self, f: impl FnOnce(&mut Recorded) -> T) -> T {
        let mut r = self.shared.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut r)
    }

    /// A copy of what was recorded so far.
    pub fn recorded(&self) -> Recorded {
        self.with(|r| r.clone())
    }
}

impl Sink for MemorySink {
    fn begin(&mut self, u: &Utterance, sample_rate: u32) -> Result<(), SpeechError> {
        self.with(|r| {
            r.sample_rate = sample_rate;
            r.heard.push(Heard {
                utterance: u.clone(),
                pcm: Vec::new(),
                interrupted: false,
                begun_at: Instant::now(),
                first_sample_at: None,
            });
        });
        Ok(())
    }

    fn pcm(&mut self, samples: &[i16]) -> Result<(), SpeechError> {
        self.with(|r| {
            if let Some(h) = r.heard.last_mut() {
                if h.first_sample_at.is_none() && !samples.is_empty() {
                    h.first_sample_at = Some(Instant::now());
                }
                h.pcm.extend_from_slice(samples);
            }
        });
        Ok(())
    }

    fn end(&mut self, interrupted: bool) -> Result<(), SpeechError> {
        self.with(|r| {
            if let Some(h) = r.heard.last_mut() {
                h.interrupted = interrupted;
            }
        });
        Ok(())
    }

    fn interrupt(&mut self) {
        self.with(|r| r.interruptions += 1);
    }
}

//! Speech output for DOST kiosks.
//!
//! * [`Synth`] turns an [`Utterance`] into 16-bit mono PCM, chunk by chunk, and stops as soon
//!   as the chunk callback asks (a new screen interrupts speech). [`espeak::Espeak`] (feature
//!   `espeak`) is espeak-ng through its C API, with its Azerbaijani, Russian and English
//!   voices; [`sim::ToneSynth`] is a simulator (a tone per character) and [`sim::Mute`] makes
//!   no sound at all (speech log only).
//! * [`Sink`]s take the PCM: [`sinks::WavSink`] writes a WAV file (`hound`),
//!   [`sinks::LogSink`] writes a speech log (text, language, timing) as JSON lines, and
//!   [`alsa::AlsaSink`] (feature `alsa`) plays it on the sound card.
//! * [`Speaker`] owns a synthesizer and its sinks on one thread: the async runtime hands it
//!   batches of utterances and never waits for synthesis; a new batch interrupts the one
//!   being spoken; rate and volume come with each batch; fixed prompts can be cached.
//!
//! Cargo features: `espeak` (default; links libespeak-ng), `alsa` (sound card output). With
//! neither, everything still builds and the tests run with the simulator.

pub mod sim;
pub mod sinks;
mod speaker;

#[cfg(feature = "espeak")]
pub mod espeak;

#[cfg(feature = "alsa")]
pub mod alsa;

use std::fmt;

pub use speaker::{Speaker, SpeakerConfig};

/// The kiosk's three speech languages (espeak-ng voice names `az`, `ru`, `en`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Voice {
    Az,
    Ru,
    En,
}

impl Voice {
    /// The voice's name for espeak-ng, also the ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Voice::Az => "az",
            Voice::Ru => "ru",
            Voice::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Voice> {
        match code {
            "az" => Some(Voice::Az),
            "ru" => Some(Voice::Ru),
            "en" => Some(Voice::En),
            _ => None,
        }
    }
}

impl fmt::Display for Voice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One thing to say.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Utterance {
    pub lang: Voice,
    pub text: String,
}

/// How to speak: rate in words per minute, volume 0.0 to 1.0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    pub rate_wpm: u32,
    pub volume: f32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            rate_wpm: RATE_NORMAL,
            volume: 0.8,
        }
    }
}

/// espeak-ng's own normal, slowest and fastest rates (words per minute).
pub const RATE_NORMAL: u32 = 175;
pub const RATE_MIN: u32 = 80;
pub const RATE_MAX: u32 = 450;

/// What a chunk callback tells the synthesizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Stop,
}

/// Why speech failed.
#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    /// espeak-ng reported an error status.
    #[error("espeak-ng: {message} (status {status:#x})")]
    Engine { status: u32, message: String },
    /// The engine was not found or could not start (data files missing?).
    #[error("cannot start the speech engine: {0}")]
    Init(String),
    /// A text with a NUL byte cannot be passed to the engine.
    #[error("the text contains a NUL character")]
    NulInText,
    #[error("cannot write {what}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the WAV file")]
    Wav(#[source] hound::Error),
    /// No sound card, or it went away.
    #[error("audio output: {0}")]
    Audio(String),
    /// The speech thread has stopped.
    #[error("the speech thread has stopped")]
    Stopped,
}

/// A speech synthesizer: text to 16-bit mono PCM.
pub trait Synth: Send {
    /// Samples per second of the PCM it makes.
    fn sample_rate(&self) -> u32;

    /// Synthesizes `u`, calling `chunk` with PCM as it is made; stops early when `chunk`
    /// returns [`Flow::Stop`]. Returns whether it ran to the end.
    fn synthesize(
        &mut self,
        u: &Utterance,
        params: Params,
        chunk: &mut dyn FnMut(&[i16]) -> Flow,
    ) -> Result<bool, SpeechError>;
}

/// Where speech goes.
pub trait Sink: Send {
    /// An utterance starts (`sample_rate` of the PCM that follows).
    fn begin(&mut self, u: &Utterance, sample_rate: u32) -> Result<(), SpeechError>;
    /// PCM of the utterance, volume applied.
    fn pcm(&mut self, samples: &[i16]) -> Result<(), SpeechError>;
    /// The utterance ended (`interrupted`: cut short by newer speech).
    fn end(&mut self, interrupted: bool) -> Result<(), SpeechError>;
    /// Newer speech came: drop what is queued and not yet heard.
    fn interrupt(&mut self) {}
    /// Everything is said: flush and close (files get their headers).
    fn finish(&mut self) -> Result<(), SpeechError> {
        Ok(())
    }
}

/// `samples` scaled by `volume` (0.0 to 1.0), saturating.
pub fn scale(samples: &[i16], volume: f32) -> Vec<i16> {
    let v = volume.clamp(0.0, 1.0);
    samples
        .iter()
        .map(|&s| (f32::from(s) * v).round().clamp(-32768.0, 32767.0) as i16)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_scales_and_saturates() {
        assert_eq!(scale(&[1000, -1000, 32767], 0.5), vec![500, -500, 16384]);
        assert_eq!(scale(&[1000], 2.0), vec![1000]);
        assert_eq!(scale(&[1000], -1.0), vec![0]);
    }

    #[test]
    fn voices_by_code() {
        for v in [Voice::Az, Voice::Ru, Voice::En] {
            assert_eq!(Voice::parse(v.code()), Some(v));
        }
        assert_eq!(Voice::parse("tr"), None);
    }
}

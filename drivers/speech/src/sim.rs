//! Simulated synthesizers, for the demo without a speech engine and for tests.

use crate::{Flow, Params, SpeechError, Synth, Utterance};

/// Says nothing: every utterance is zero samples long (the speech log still records it).
#[derive(Debug, Clone, Copy, Default)]
pub struct Mute;

impl Synth for Mute {
    fn sample_rate(&self) -> u32 {
        22_050
    }

    fn synthesize(
        &mut self,
        _u: &Utterance,
        _params: Params,
        _chunk: &mut dyn FnMut(&[i16]) -> Flow,
    ) -> Result<bool, SpeechError> {
        Ok(true)
    }
}

/// A tone per character (80 ms at 175 words per minute, shorter when faster), in 20 ms
/// chunks: deterministic PCM of a length that follows the text and the rate, so the
/// [`crate::Speaker`]'s queueing, interruption and volume can be tested without an engine.
#[derive(Debug, Clone, Copy)]
pub struct ToneSynth {
    pub sample_rate: u32,
}

impl Default for ToneSynth {
    fn default() -> Self {
        ToneSynth {
            sample_rate: 16_000,
        }
    }
}

impl ToneSynth {
    /// Samples of one character at `rate_wpm`.
    pub fn samples_per_char(&self, rate_wpm: u32) -> usize {
        let ms = 80 * crate::RATE_NORMAL / rate_wpm.max(1);
        (self.sample_rate * ms / 1000) as usize
    }
}

impl Synth for ToneSynth {
    fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    fn synthesize(
        &mut self,
        u: &Utterance,
        params: Params,
        chunk: &mut dyn FnMut(&[i16]) -> Flow,
    ) -> Result<bool, SpeechError> {
        let total = u.text.chars().count() * self.samples_per_char(params.rate_wpm);
        let per_chunk = (self.sample_rate / 50) as usize;
        let mut made = 0usize;
        while made < total {
            let n = per_chunk.min(total - made);
            let pcm: Vec<i16> = (made..made + n)
                .map(|i| {
                    let t = i as f32 / self.sample_rate as f32;
                    ((t * 440.0 * std::f32::consts::TAU).sin() * 12_000.0) as i16
                })
                .collect();
            made += n;
            if chunk(&pcm) == Flow::Stop {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

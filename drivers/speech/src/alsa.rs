//! Audio out to the sound card (the headset jack) through rodio/cpal over ALSA.
//!
//! PCM is queued on a rodio player as it is synthesized, so speech starts with the first
//! chunk; newer speech clears the queue. Opening the device fails cleanly on a machine
//! without a sound card ([`SpeechError::Audio`]).

use std::num::NonZero;

use rodio::buffer::SamplesBuffer;

use crate::{Sink, SpeechError, Utterance};

/// The default output device.
pub struct AlsaSink {
    // The player plays while the device handle lives: keep both.
    _device: rodio::MixerDeviceSink,
    player: rodio::Player,
    sample_rate: NonZero<u32>,
}

impl AlsaSink {
    /// Opens the system's default output device.
    pub fn open() -> Result<AlsaSink, SpeechError> {
        let device = rodio::DeviceSinkBuilder::open_default_sink()
            .map_err(|e| SpeechError::Audio(e.to_string()))?;
        let player = rodio::Player::connect_new(device.mixer());
        Ok(AlsaSink {
            _device: device,
            player,
            sample_rate: NonZero::<u32>::MIN,
        })
    }
}

impl Sink for AlsaSink {
    fn begin(&mut self, _u: &Utterance, sample_rate: u32) -> Result<(), SpeechError> {
        self.sample_rate = NonZero::new(sample_rate)
            .ok_or_else(|| SpeechError::Audio("a sample rate of 0".into()))?;
        Ok(())
    }

    fn pcm(&mut self, samples: &[i16]) -> Result<(), SpeechError> {
        let data: Vec<f32> = samples.iter().map(|&s| f32::from(s) / 32768.0).collect();
        self.player.append(SamplesBuffer::new(
            NonZero::<u16>::MIN,
            self.sample_rate,
            data,
        ));
        Ok(())
    }

    fn end(&mut self, _interrupted: bool) -> Result<(), SpeechError> {
        Ok(())
    }

    fn interrupt(&mut self) {
        self.player.clear();
        self.player.play();
    }
}

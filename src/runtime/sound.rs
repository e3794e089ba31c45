//! The idle warning's tone, as a WAV file (pure: bytes only).

/// Samples per second of the tone.
const RATE: u32 = 16_000;

/// Two short beeps (880 Hz, then 1320 Hz), 16-bit mono PCM in a RIFF/WAVE container.
pub fn tone_wav() -> Vec<u8> {
    let mut samples: Vec<i16> = Vec::new();
    for (freq, ms) in [(880.0_f32, 180u32), (0.0, 80), (1320.0, 220)] {
        let n = RATE * ms / 1000;
        for i in 0..n {
            let t = i as f32 / RATE as f32;
            // A short fade in and out keeps the speaker from clicking.
            let edge = (i.min(n - i) as f32 / (RATE as f32 * 0.01)).min(1.0);
            let v = (2.0 * std::f32::consts::PI * freq * t).sin() * 0.4 * edge;
            samples.push((v * f32::from(i16::MAX)) as i16);
        }
    }
    let data_len = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header fields a WAV reader checks (RIFF size, format, rate, data size).
    #[test]
    fn the_tone_is_a_wellformed_wav() {
        let w = tone_wav();
        assert_eq!(&w[0..4], b"RIFF");
        assert_eq!(
            u32::from_le_bytes([w[4], w[5], w[6], w[7]]) as usize,
            w.len() - 8
        );
        assert_eq!(&w[8..16], b"WAVEfmt ");
        assert_eq!(u32::from_le_bytes([w[24], w[25], w[26], w[27]]), RATE);
        assert_eq!(
            u32::from_le_bytes([w[40], w[41], w[42], w[43]]) as usize,
            w.len() - 44
        );
        assert_eq!((w.len() - 44) / 2, (RATE * 480 / 1000) as usize);
    }
}

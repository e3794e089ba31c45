//! Real espeak-ng speech, rendered to WAV in each kiosk language, checked as speech: a valid
//! WAV file (its header read byte by byte here, not by the writer's crate), not silent, and
//! of a plausible length for its words.
#![cfg(feature = "espeak")]

use std::path::Path;

use speech::espeak::Espeak;
use speech::sinks::{LogLine, LogSink, MemorySink, WavSink};
use speech::{Params, Sink, Speaker, SpeakerConfig, Utterance, Voice};

/// A 16-bit mono PCM WAV file, read by hand: (sample rate, samples).
fn read_wav(path: &Path) -> (u32, Vec<i16>) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(&bytes[0..4], b"RIFF");
    assert_eq!(&bytes[8..12], b"WAVE");
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
    let u32_at =
        |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    assert_eq!(u32_at(4) as usize, bytes.len() - 8, "RIFF size");
    let mut at = 12;
    let mut rate = 0;
    loop {
        assert!(at + 8 <= bytes.len(), "no data chunk");
        let (id, size) = (&bytes[at..at + 4], u32_at(at + 4) as usize);
        let body = at + 8;
        if id == b"fmt " {
            assert_eq!(u16_at(body), 1, "PCM");
            assert_eq!(u16_at(body + 2), 1, "mono");
            rate = u32_at(body + 4);
            assert_eq!(u16_at(body + 14), 16, "16-bit");
        } else if id == b"data" {
            assert_eq!(body + size, bytes.len(), "data size");
            let samples = bytes[body..body + size]
                .chunks_exact(2)
                .map(|b| i16::from_le_bytes([b[0], b[1]]))
                .collect();
            return (rate, samples);
        }
        at = body + size + size % 2;
    }
}

/// Share of 20 ms frames louder than a whisper.
fn voiced_share(rate: u32, pcm: &[i16]) -> f64 {
    let frame = (rate / 50) as usize;
    let frames: Vec<&[i16]> = pcm.chunks(frame).collect();
    let loud = frames
        .iter()
        .filter(|f| {
            let energy: f64 = f.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
            (energy / f.len() as f64).sqrt() > 500.0
        })
        .count();
    loud as f64 / frames.len().max(1) as f64
}

fn render(dir: &Path, name: &str, utterances: Vec<Utterance>, params: Params) -> (u32, Vec<i16>) {
    let path = dir.join(name);
    let engine = Espeak::new(None).unwrap_or_else(|e| panic!("espeak-ng: {e}"));
    let sinks: Vec<Box<dyn Sink>> = vec![Box::new(WavSink::new(&path))];
    let speaker = Speaker::start(Box::new(engine), sinks, SpeakerConfig::default())
        .unwrap_or_else(|e| panic!("{e}"));
    speaker
        .say(utterances, params)
        .unwrap_or_else(|e| panic!("{e}"));
    speaker.finish();
    read_wav(&path)
}

#[test]
fn each_language_renders_as_speech_of_plausible_length() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let texts = [
        (
            Voice::Az,
            "Müraciətiniz qəbul edildi. Qəbzinizi götürün və saxlayın.",
        ),
        (
            Voice::Ru,
            "Ваше заявление принято. Возьмите квитанцию и сохраните её.",
        ),
        (
            Voice::En,
            "Your application has been accepted. Please take your receipt and keep it.",
        ),
    ];
    for (voice, text) in texts {
        let words = text.split_whitespace().count() as f64;
        let (rate, pcm) = render(
            dir.path(),
            &format!("{voice}.wav"),
            vec![Utterance {
                lang: voice,
                text: text.into(),
            }],
            Params::default(),
        );
        assert!(rate >= 16_000, "{voice}: {rate} Hz");
        let seconds = pcm.len() as f64 / f64::from(rate);
        let per_word = seconds / words;
        // espeak-ng's normal 175 words per minute is 0.34 s a word; long Azerbaijani and
        // Russian words take longer, pauses at full stops add some.
        assert!(
            (0.2..=1.0).contains(&per_word),
            "{voice}: {seconds:.2} s for {words} words"
        );
        let voiced = voiced_share(rate, &pcm);
        assert!(voiced > 0.5, "{voice}: only {:.0}% voiced", voiced * 100.0);
        let peak = pcm.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
        assert!(peak > 3000, "{voice}: peak {peak}");
    }
}

#[test]
fn faster_rate_is_shorter_and_lower_volume_is_quieter() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let u = || {
        vec![Utterance {
            lang: Voice::Az,
            text: "iyirmi dörd noyabr, iki min iyirmi altıncı il".into(),
        }]
    };
    let normal = Params {
        rate_wpm: 175,
        volume: 1.0,
    };
    let fast = Params {
        rate_wpm: 350,
        volume: 0.25,
    };
    let (_, slow_pcm) = render(dir.path(), "normal.wav", u(), normal);
    let (_, fast_pcm) = render(dir.path(), "fast.wav", u(), fast);
    let ratio = fast_pcm.len() as f64 / slow_pcm.len() as f64;
    assert!(
        (0.35..=0.75).contains(&ratio),
        "fast/normal length {ratio:.2}"
    );
    let peak = |p: &[i16]| p.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
    assert!(peak(&fast_pcm) * 3 < peak(&slow_pcm) + 100);
}

#[test]
fn speech_is_cut_short_by_newer_speech_and_logged_with_timing() {
    let engine = Espeak::new(None).unwrap_or_else(|e| panic!("espeak-ng: {e}"));
    let mem = MemorySink::default();
    let log_path = tempfile::NamedTempFile::new().unwrap_or_else(|e| panic!("{e}"));
    let log = std::fs::File::create(log_path.path()).unwrap_or_else(|e| panic!("{e}"));
    let sinks: Vec<Box<dyn Sink>> = vec![Box::new(mem.clone()), Box::new(LogSink::new(log))];
    let speaker = Speaker::start(Box::new(engine), sinks, SpeakerConfig::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let long = "Bir iki üç dörd beş altı yeddi səkkiz doqquz on. ".repeat(40);
    let u = |text: &str| Utterance {
        lang: Voice::Az,
        text: text.into(),
    };
    speaker
        .say(vec![u(&long)], Params::default())
        .unwrap_or_else(|e| panic!("{e}"));
    while mem
        .recorded()
        .heard
        .first()
        .is_none_or(|h| h.pcm.is_empty())
    {
        std::thread::yield_now();
    }
    speaker
        .say(vec![u("Xidməti seçin")], Params::default())
        .unwrap_or_else(|e| panic!("{e}"));
    speaker.finish();
    let heard = mem.recorded().heard;
    assert_eq!(heard.len(), 2);
    assert!(heard[0].interrupted);
    // Forty sentences would be over a minute; it stopped within a few chunks.
    assert!((heard[0].pcm.len() as f64) < 22_050.0 * 10.0);
    assert!(!heard[1].interrupted && !heard[1].pcm.is_empty());
    let text = std::fs::read_to_string(log_path.path()).unwrap_or_else(|e| panic!("{e}"));
    let lines: Vec<LogLine> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].interrupted);
    assert_eq!(lines[1].text, "Xidməti seçin");
    assert_eq!(lines[1].lang, Voice::Az);
    assert!(
        lines[1].audio_ms > 300 && lines[1].audio_ms < 3000,
        "{}",
        lines[1].audio_ms
    );
    assert!(lines[1].at_ms >= lines[0].at_ms);
}

#[test]
fn a_text_with_a_nul_is_refused_and_speech_goes_on() {
    let mut engine = Espeak::new(None).unwrap_or_else(|e| panic!("espeak-ng: {e}"));
    let r = speech::Synth::synthesize(
        &mut engine,
        &Utterance {
            lang: Voice::En,
            text: "a\0b".into(),
        },
        Params::default(),
        &mut |_| speech::Flow::Continue,
    );
    assert!(matches!(r, Err(speech::SpeechError::NulInText)));
    let mut n = 0;
    let r = speech::Synth::synthesize(
        &mut engine,
        &Utterance {
            lang: Voice::En,
            text: "ok".into(),
        },
        Params::default(),
        &mut |pcm| {
            n += pcm.len();
            speech::Flow::Continue
        },
    );
    assert!(matches!(r, Ok(true)));
    assert!(n > 1000);
}

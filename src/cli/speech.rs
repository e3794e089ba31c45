//! `dost-kiosk speech say`: speech rendered to a WAV file with the kiosk's own engine and
//! word rules.

use std::process::ExitCode;

use kiosk_core::speech::words;
use kiosk_core::view::Lang;

use super::SpeechCmd;

pub(super) fn run(cmd: &SpeechCmd) -> Result<ExitCode, String> {
    match cmd {
        SpeechCmd::Say {
            lang,
            out,
            rate,
            volume,
            raw,
            text,
        } => {
            let lang = Lang::parse(lang)
                .ok_or_else(|| format!("unknown language `{lang}`: az, ru or en"))?;
            if !(::speech::RATE_MIN..=::speech::RATE_MAX).contains(rate) {
                return Err(format!(
                    "--rate {rate}: {} to {} words per minute",
                    ::speech::RATE_MIN,
                    ::speech::RATE_MAX
                ));
            }
            if !(1..=100).contains(volume) {
                return Err(format!("--volume {volume}: 1 to 100"));
            }
            let text = text.join(" ");
            let said = if *raw {
                text
            } else {
                words::normalise(lang, &text)
            };
            let seconds = say(lang, &said, *rate, *volume, out)?;
            eprintln!("{} ({seconds:.2} s): {said}", out.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(feature = "espeak")]
fn say(
    lang: Lang,
    text: &str,
    rate: u32,
    volume: u8,
    out: &std::path::Path,
) -> Result<f64, String> {
    use ::speech::sinks::{MemorySink, WavSink};
    use ::speech::{Params, Sink, Speaker, SpeakerConfig, Utterance};

    let engine = ::speech::espeak::Espeak::new(None).map_err(|e| e.to_string())?;
    let mem = MemorySink::default();
    let sinks: Vec<Box<dyn Sink>> = vec![Box::new(WavSink::new(out)), Box::new(mem.clone())];
    let speaker = Speaker::start(Box::new(engine), sinks, SpeakerConfig::default())
        .map_err(|e| e.to_string())?;
    let utterance = Utterance {
        lang: crate::runtime::speech::voice(lang),
        text: text.to_owned(),
    };
    let params = Params {
        rate_wpm: rate,
        volume: f32::from(volume) / 100.0,
    };
    speaker
        .say(vec![utterance], params)
        .map_err(|e| e.to_string())?;
    speaker.finish();
    let r = mem.recorded();
    let samples: usize = r.heard.iter().map(|h| h.pcm.len()).sum();
    if samples == 0 {
        return Err(format!(
            "espeak-ng made no sound; {} was not written",
            out.display()
        ));
    }
    // The WAV sink reports its errors to the log only: check the file is there and whole.
    let written = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    if written < 44 + 2 * samples as u64 {
        return Err(format!("cannot write {}", out.display()));
    }
    Ok(samples as f64 / f64::from(r.sample_rate.max(1)))
}

#[cfg(not(feature = "espeak"))]
fn say(_: Lang, _: &str, _: u32, _: u8, _: &std::path::Path) -> Result<f64, String> {
    Err("this build has no speech engine (feature `espeak`)".into())
}

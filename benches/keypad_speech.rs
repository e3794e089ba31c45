//! Keypad press → speech start: the latency a citizen using the headset hears.
//!
//! For each press the bench runs what the kiosk runs between a key and the first sound: the
//! keypad's focus move in the core (`Access::on_key`), the new view's access state, the spoken
//! script from the `.po` texts, and the speech thread with espeak-ng, until the first PCM
//! sample of the new speech reaches the output (a memory sink standing in for the sound card,
//! which adds its own buffer). Fixed prompts are cached as the kiosk does
//! (`speech.cache_prompts`). Two cases: the kiosk silent when the key comes (`idle`), and the
//! previous speech still playing (`interrupting`: the citizen moves on before it ends, the
//! usual case).
//!
//! `cargo bench --bench keypad_speech` prints p50/p99 and writes
//! `target/bench/keypad_speech.json`. Goal: p99 < 150 ms.

use std::time::{Duration, Instant};

use dost_kiosk::runtime::speech::{fixed_prompts, voice};
use kiosk_core::access::Access;
use kiosk_core::keypad::Key;
use kiosk_core::speech::{Texts, script};
use kiosk_core::view::{Lang, ScreenId, ViewModel};
use speech::sinks::MemorySink;
use speech::{Params, Speaker, SpeakerConfig};

const PRESSES: usize = 200;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn summary(mut v: Vec<f64>) -> serde_json::Value {
    v.sort_by(f64::total_cmp);
    serde_json::json!({
        "n": v.len(),
        "p50_ms": percentile(&v, 0.50),
        "p99_ms": percentile(&v, 0.99),
        "max_ms": v.last().copied().unwrap_or(f64::NAN),
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let texts = Texts::shipped()?;
    let catalog = dost_kiosk::kit::shipped_catalog()?;
    let synth = speech::espeak::Espeak::new(None)?;
    let sink = MemorySink::default();
    let speaker = Speaker::start(
        Box::new(synth),
        vec![Box::new(sink.clone())],
        SpeakerConfig {
            cacheable: fixed_prompts(&texts),
            cache_samples: 16 * 1024 * 1024,
        },
    )?;

    // The catalog in Azerbaijani with audio guidance on: up and down walk its cards.
    let mut vm: ViewModel = kiosk_core::samples::view(ScreenId::Catalog, Lang::Az, &catalog);
    let mut access = Access::default();
    access.set_audio(true);
    access.observe(None, &vm);
    vm.access = access.view(&vm, &texts);

    let (mut idle, mut interrupting) = (Vec::new(), Vec::new());
    for i in 0..PRESSES {
        let quiet = i % 2 == 0;
        if quiet {
            speaker.wait()?;
        }
        // Down through the cards, then back up, so prompts repeat as on a kiosk.
        let key = if (i / 12) % 2 == 0 {
            Key::Down
        } else {
            Key::Up
        };
        let before = sink.recorded().heard.len();
        let t0 = Instant::now();
        let out = access.on_key(key, &vm);
        let mut next = vm.clone();
        access.observe(Some(&vm), &next);
        next.access = access.view(&next, &texts);
        let said = script(&access, Some(&vm), &next, &out.cue, &texts);
        let batch = said
            .into_iter()
            .map(|u| speech::Utterance {
                lang: voice(u.lang),
                text: u.text,
            })
            .collect();
        speaker.say(batch, Params::default())?;
        // The first sample of the new speech.
        let deadline = t0 + Duration::from_secs(5);
        let started = loop {
            let r = sink.recorded();
            if let Some(at) = r
                .heard
                .get(before..)
                .into_iter()
                .flatten()
                .find_map(|h| h.first_sample_at)
            {
                break Some(at);
            }
            if Instant::now() > deadline {
                break None;
            }
            std::thread::sleep(Duration::from_micros(200));
        };
        let Some(at) = started else {
            return Err(format!("press {i}: no speech within 5 s").into());
        };
        let ms = at.duration_since(t0).as_secs_f64() * 1000.0;
        if quiet {
            idle.push(ms);
        } else {
            interrupting.push(ms);
        }
        vm = next;
        // Let a little of it play before the next press (it is cut short, as on a kiosk).
        std::thread::sleep(Duration::from_millis(30));
    }
    let _ = speaker.stop();
    speaker.finish();

    let all: Vec<f64> = idle.iter().chain(&interrupting).copied().collect();
    let report = serde_json::json!({
        "what": "keypad press to first speech sample (espeak-ng, memory sink)",
        "presses": PRESSES,
        "all": summary(all),
        "idle": summary(idle),
        "interrupting": summary(interrupting),
        "goal_p99_ms": 150,
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("keypad_speech.json"), report.to_string())?;
    Ok(())
}

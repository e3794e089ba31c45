//! Frame cost: every screen and every transition frame drawn with the software renderer at
//! 1080×1920, headless (`dost_kiosk::ui_bridge::frames::FrameRig`), time per frame.
//!
//! A frame is what the kiosk's UI thread does between a change and the pixels: setting the
//! view model's changes on the UI's globals, then bindings, layout and rendering into a buffer
//! kept between frames (only what changed is repainted, as on the kiosk's X11 window).
//!
//! Scenarios, in every language:
//! * every screen shown after another one (the screen-change frame), then its animation's
//!   frames at 60 Hz while it runs (at most a second: spinners run for ever);
//! * the citizen's path screen by screen (attract → reading card → welcome → catalog →
//!   service page → form → review → submitting → done → rating → attract), my applications →
//!   detail, and each screen's animation frames;
//! * keys of the on-screen keyboard typed into the focused field;
//! * the language switched (at once by the UI, then the core's view model in that language);
//! * large text and high contrast switched; the idle countdown ticking;
//! * a form left alone for 2 s (the caret blinks: what an idle form costs).
//!
//! The first pass over every screen (glyphs rasterized and cached, first layouts) is reported
//! apart as `cold`; the figures (`p50_ms`, `p99_ms`) are over three warm passes. Written to
//! `target/bench/frames.json`; a table of the costliest scenarios is printed.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use dost_kiosk::ui_bridge::frames::{Frame, FrameRig};
use kiosk_core::catalog::Catalog;
use kiosk_core::samples;
use kiosk_core::view::{Lang, ScreenId, ViewModel};
use serde_json::{Value, json};

const WIDTH: u32 = 1080;
const HEIGHT: u32 = 1920;
/// One frame at 60 Hz.
const FRAME: Duration = Duration::from_micros(16_667);
/// Longest stretch of an animation drawn after a change.
const ANIMATION_LIMIT: usize = 60;
const WARM_PASSES: usize = 3;

/// The citizen's path, screen by screen.
const PATH: &[ScreenId] = &[
    ScreenId::Attract,
    ScreenId::ReadingCard,
    ScreenId::Welcome,
    ScreenId::Catalog,
    ScreenId::ServiceInfo,
    ScreenId::Form,
    ScreenId::Review,
    ScreenId::Submitting,
    ScreenId::Done,
    ScreenId::Rating,
    ScreenId::Attract,
    ScreenId::MyApplications,
    ScreenId::ApplicationDetail,
];

/// Frames by scenario.
#[derive(Default)]
struct Frames {
    by: BTreeMap<String, Vec<Frame>>,
}

impl Frames {
    fn add(&mut self, scenario: &str, frame: Option<Frame>) {
        if let Some(f) = frame {
            self.by.entry(scenario.to_owned()).or_default().push(f);
        }
    }

    fn all(&self) -> Vec<Frame> {
        self.by.values().flatten().copied().collect()
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e5).round() / 1e2
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn sorted_totals(frames: &[Frame]) -> Vec<Duration> {
    let mut t: Vec<Duration> = frames.iter().map(Frame::total).collect();
    t.sort();
    t
}

fn summary(frames: &[Frame]) -> Value {
    let t = sorted_totals(frames);
    let px = frames.iter().map(|f| f.repainted_px).sum::<u64>() / frames.len().max(1) as u64;
    let apply = frames.iter().map(|f| f.apply).max().unwrap_or_default();
    json!({
        "frames": frames.len(),
        "p50_ms": ms(percentile(&t, 0.5)),
        "p99_ms": ms(percentile(&t, 0.99)),
        "max_ms": ms(t.last().copied().unwrap_or_default()),
        "max_apply_ms": ms(apply),
        "mean_repainted_px": px,
    })
}

/// Draws the frames of the animation running after a change (60 Hz, at most a second).
fn animation(rig: &mut FrameRig, frames: &mut Frames, scenario: &str) {
    let name = format!("{scenario} (animation)");
    for _ in 0..ANIMATION_LIMIT {
        if !rig.animating() {
            break;
        }
        frames.add(&name, rig.tick(FRAME));
    }
}

/// Shows `vm` as scenario `scenario`, then its animation.
fn change(rig: &mut FrameRig, frames: &mut Frames, scenario: &str, vm: &ViewModel) {
    frames.add(scenario, rig.show(vm));
    animation(rig, frames, scenario);
}

fn every_screen(rig: &mut FrameRig, frames: &mut Frames, catalog: &Catalog, lang: Lang) {
    for &screen in ScreenId::ALL {
        // From the attract screen (or the catalog, for the attract screen itself).
        let from = if screen == ScreenId::Attract {
            ScreenId::Catalog
        } else {
            ScreenId::Attract
        };
        rig.show(&samples::view(from, lang, catalog));
        animation(rig, &mut Frames::default(), "");
        let vm = samples::view(screen, lang, catalog);
        change(rig, frames, &format!("screen {}", screen.name()), &vm);
    }
}

fn path(rig: &mut FrameRig, frames: &mut Frames, catalog: &Catalog, lang: Lang) {
    for pair in PATH.windows(2) {
        let vm = samples::view(pair[1], lang, catalog);
        let name = format!("{} → {}", pair[0].name(), pair[1].name());
        change(rig, frames, &name, &vm);
    }
}

/// Keys typed into the form's focused field (the sample's first page: family size, a
/// number), then erased.
fn keys(rig: &mut FrameRig, frames: &mut Frames, catalog: &Catalog, lang: Lang) {
    let vm = samples::view(ScreenId::Form, lang, catalog);
    rig.show(&vm);
    animation(rig, &mut Frames::default(), "");
    let Some(field) = vm
        .form
        .as_ref()
        .and_then(|f| f.fields.iter().find(|f| f.value.is_empty()))
        .or_else(|| vm.form.as_ref().and_then(|f| f.fields.first()))
        .map(|f| f.id.clone())
    else {
        return;
    };
    for key in ["1", "2", "3", "4", "5", "6", "7", "8", "⌫", "⌫", "⌫", "⌫"] {
        // A tap every 150 ms; the caret's blink in between is counted as idle form frames.
        for _ in 0..9 {
            frames.add("form left alone (caret)", rig.tick(FRAME));
        }
        let key = if key == "⌫" { backspace() } else { key };
        frames.add("key into a text field", rig.key(&field, key));
    }
}

/// What the keyboard sends for backspace.
fn backspace() -> &'static str {
    dost_kiosk::ui_bridge::edit::BACKSPACE
}

fn languages(rig: &mut FrameRig, frames: &mut Frames, catalog: &Catalog) {
    for screen in [ScreenId::Attract, ScreenId::Catalog, ScreenId::Form] {
        rig.show(&samples::view(screen, Lang::Az, catalog));
        animation(rig, &mut Frames::default(), "");
        for lang in [Lang::Ru, Lang::En, Lang::Az] {
            let name = format!("language switch on {}", screen.name());
            frames.add(&name, rig.switch_language(lang));
            frames.add(
                &format!("{name} (core's view)"),
                rig.show(&samples::view(screen, lang, catalog)),
            );
            animation(rig, frames, &name);
        }
    }
}

fn toggles_and_countdown(rig: &mut FrameRig, frames: &mut Frames, catalog: &Catalog, lang: Lang) {
    let mut vm = samples::view(ScreenId::Welcome, lang, catalog);
    rig.show(&vm);
    animation(rig, &mut Frames::default(), "");
    for _ in 0..2 {
        vm.large_text = !vm.large_text;
        change(rig, frames, "large text switched", &vm);
        vm.high_contrast = !vm.high_contrast;
        change(rig, frames, "high contrast switched", &vm);
    }
    for left in (1..=10).rev() {
        vm.idle_countdown = Some(left);
        change(rig, frames, "idle countdown", &vm);
    }
    vm.idle_countdown = None;
    change(rig, frames, "idle countdown", &vm);
}

/// A form left alone for 2 s: the frames its caret costs.
fn idle_form(rig: &mut FrameRig, frames: &mut Frames, catalog: &Catalog, lang: Lang) -> usize {
    rig.show(&samples::view(ScreenId::Form, lang, catalog));
    animation(rig, &mut Frames::default(), "");
    let before = frames.by.get("form left alone (caret)").map_or(0, Vec::len);
    for _ in 0..120 {
        frames.add("form left alone (caret)", rig.tick(FRAME));
    }
    frames.by.get("form left alone (caret)").map_or(0, Vec::len) - before
}

fn pass(rig: &mut FrameRig, frames: &mut Frames, catalog: &Catalog) -> usize {
    let mut idle_frames = 0;
    for lang in Lang::ALL {
        every_screen(rig, frames, catalog, lang);
        path(rig, frames, catalog, lang);
        keys(rig, frames, catalog, lang);
        toggles_and_countdown(rig, frames, catalog, lang);
        idle_frames += idle_form(rig, frames, catalog, lang);
    }
    languages(rig, frames, catalog);
    idle_frames
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this too: then once, quickly.
    let quick = !std::env::args().any(|a| a == "--bench");
    let catalog = match dost_kiosk::kit::shipped_catalog() {
        Ok(c) => c,
        Err(e) => panic!("the shipped catalog does not parse: {e}"),
    };
    let mut rig = match FrameRig::new(WIDTH, HEIGHT) {
        Ok(r) => r,
        Err(e) => panic!("cannot start the frame rig: {e}"),
    };
    let mut cold = Frames::default();
    pass(&mut rig, &mut cold, &catalog);
    if quick {
        println!("frames: {} frames drawn (quick run)", cold.all().len());
        return;
    }
    let mut warm = Frames::default();
    let mut idle_frames = 0;
    for _ in 0..WARM_PASSES {
        idle_frames += pass(&mut rig, &mut warm, &catalog);
    }
    let report = report(&cold, &warm, idle_frames);
    print(&report);
    match write_json(&report, Path::new(env!("CARGO_TARGET_TMPDIR"))) {
        Ok(path) => println!("frame figures written to {}", path.display()),
        Err(e) => println!("cannot write the frame figures: {e}"),
    }
}

fn report(cold: &Frames, warm: &Frames, idle_frames: usize) -> Value {
    let all = warm.all();
    let t = sorted_totals(&all);
    let scenarios: serde_json::Map<String, Value> = warm
        .by
        .iter()
        .map(|(k, v)| (k.clone(), summary(v)))
        .collect();
    let idle_seconds = (WARM_PASSES * Lang::ALL.len() * 2) as f64;
    json!({
        "width": WIDTH,
        "height": HEIGHT,
        "renderer": "software, buffer reused between frames (partial repaints)",
        "frames": all.len(),
        "p50_ms": ms(percentile(&t, 0.5)),
        "p99_ms": ms(percentile(&t, 0.99)),
        "max_ms": ms(t.last().copied().unwrap_or_default()),
        "over_8ms": t.iter().filter(|d| **d > Duration::from_millis(8)).count(),
        "idle_form_frames_per_s": (idle_frames as f64 / idle_seconds * 10.0).round() / 10.0,
        "cold": summary(&cold.all()),
        "cold_costliest": costliest(cold, 5),
        "scenarios": scenarios,
    })
}

/// The `n` scenarios with the costliest frame.
fn costliest(frames: &Frames, n: usize) -> Value {
    let mut v: Vec<(&String, Duration)> = frames
        .by
        .iter()
        .map(|(k, f)| (k, f.iter().map(Frame::total).max().unwrap_or_default()))
        .collect();
    v.sort_by_key(|e| std::cmp::Reverse(e.1));
    v.into_iter()
        .take(n)
        .map(|(k, d)| json!({ "scenario": k, "max_ms": ms(d) }))
        .collect()
}

fn print(r: &Value) {
    println!(
        "frames at {}x{} (software renderer, partial repaints): {} frames, p50 {} ms, p99 {} ms, \
         max {} ms, {} over 8 ms; an idle form draws {} frames/s",
        r["width"],
        r["height"],
        r["frames"],
        r["p50_ms"],
        r["p99_ms"],
        r["max_ms"],
        r["over_8ms"],
        r["idle_form_frames_per_s"]
    );
    println!(
        "cold (first time each screen is shown): p50 {} ms, p99 {} ms, max {} ms",
        r["cold"]["p50_ms"], r["cold"]["p99_ms"], r["cold"]["max_ms"]
    );
    let mut rows: Vec<(&String, &Value)> = r["scenarios"]
        .as_object()
        .map(|m| m.iter().collect())
        .unwrap_or_default();
    rows.sort_by(|a, b| {
        let p = |v: &Value| v["p99_ms"].as_f64().unwrap_or(0.0);
        p(b.1).total_cmp(&p(a.1))
    });
    println!(
        "{:<52} {:>6} {:>8} {:>8} {:>8} {:>10}",
        "scenario (warm)", "frames", "p50 ms", "p99 ms", "max ms", "px/frame"
    );
    for (name, s) in rows.iter().take(25) {
        println!(
            "{:<52} {:>6} {:>8} {:>8} {:>8} {:>10}",
            name, s["frames"], s["p50_ms"], s["p99_ms"], s["max_ms"], s["mean_repainted_px"]
        );
    }
}

/// Writes `frames.json` under `target/bench/` (`tmp_dir` is the target's `tmp` folder).
fn write_json(r: &Value, tmp_dir: &Path) -> std::io::Result<PathBuf> {
    let dir = tmp_dir
        .parent()
        .map_or_else(|| tmp_dir.join("bench"), |t| t.join("bench"));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("frames.json");
    let mut f = std::fs::File::create(&path)?;
    serde_json::to_writer_pretty(&mut f, r)?;
    f.write_all(b"\n")?;
    Ok(path)
}

//! Fleet after an outage: `KIOSKS` relays retry against a centre that is down for `OUTAGE`
//! seconds; each kiosk's first request after the centre is back succeeds (one batch holds its
//! backlog). What the centre sees is counted in 1-second buckets from the moment it is back
//! until the last kiosk is through: peak / mean, the curve, and how long the fleet takes.
//!
//! Schedules compared: the relay's (`central::retry_wait`), the relay's with evenly spread
//! slots (`central.retry_slot_ms`: kiosk *i* of *N* at `i · cap / N`, each kiosk's clock off
//! by up to ±`CLOCK_SKEW_S`; `central::retry_wait_at_slot`), the full jitter it used before,
//! and a back-off without jitter. The noise floor is the same measure for `KIOSKS` requests
//! at independent uniformly random moments of the same window: no schedule of independent
//! kiosks does better on average, since each second's count is then a sum of independent
//! coin flips (about Poisson, ±√mean). The pooled shape (20 seeds together, 20,000 requests)
//! shows the schedule's own curve with that noise averaged out.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use dost_kiosk::central;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

pub const KIOSKS: usize = 1000;
pub const OUTAGE: f64 = 600.0;
const BASE: Duration = Duration::from_millis(500);
const CAP: Duration = Duration::from_secs(60);
/// The seed of the run quoted as `peak_over_mean_1s`.
const SEED: u64 = 20261124;
/// Seeds for the medians and the pooled shape.
const SEEDS: u64 = 20;
/// How far a kiosk's clock may be off (NTP-synchronised kiosks are far closer).
const CLOCK_SKEW_S: f64 = 0.5;
/// The wall clock when the outage begins (an arbitrary moment, not on a period boundary).
const OUTAGE_BEGINS: f64 = 1_800_000_017.3;

/// When kiosks' first failed attempt happens at the start of the outage.
#[derive(Clone, Copy, Debug)]
pub enum Start {
    /// Whenever each kiosk next has something to send: uniform over the idle poll (30 s).
    Spread,
    /// All at once (the centre crashed under load: every request in flight failed together).
    Together,
}

/// How a kiosk waits between failed attempts.
#[derive(Clone, Copy, Debug)]
pub enum Schedule {
    /// The relay's schedule: `central::retry_wait` (no `Retry-After`: the centre is down).
    Kiosk,
    /// The relay's schedule before: full jitter up to the cap, `central::full_jitter`.
    FullJitter,
    /// `min(cap, base·2ⁿ)` exactly (for comparison).
    NoJitter,
    /// The relay's schedule with slots spread evenly over the cap's period.
    Slotted,
}

impl Schedule {
    fn name(self) -> &'static str {
        match self {
            Schedule::Kiosk => "kiosk",
            Schedule::FullJitter => "full_jitter",
            Schedule::NoJitter => "no_jitter",
            Schedule::Slotted => "slotted",
        }
    }

    /// The wait after failed attempt `attempt` made at `t` (seconds from the outage's start)
    /// by kiosk `k`, whose clock is `skew` seconds off.
    fn wait(self, attempt: u32, unit: f64, t: f64, k: usize, skew: f64) -> Duration {
        match self {
            Schedule::Slotted => {
                let now = Duration::from_secs_f64(OUTAGE_BEGINS + t + skew);
                let slot = CAP.mul_f64(k as f64 / KIOSKS as f64);
                central::retry_wait_at_slot(attempt, BASE, CAP, None, unit, now, Some(slot))
            }
            Schedule::Kiosk => central::retry_wait(attempt, BASE, CAP, None, unit),
            Schedule::FullJitter => central::full_jitter(attempt, BASE, CAP, unit),
            Schedule::NoJitter => central::full_jitter(attempt, BASE, CAP, 1.0),
        }
    }
}

pub struct FleetRun {
    /// Every request time (seconds from the start of the outage).
    pub requests: Vec<f64>,
    /// When each kiosk got through.
    pub reconnects: Vec<f64>,
}

pub fn simulate(
    kiosks: usize,
    outage: f64,
    start: Start,
    schedule: Schedule,
    seed: u64,
) -> FleetRun {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut requests = Vec::new();
    let mut reconnects = Vec::with_capacity(kiosks);
    for k in 0..kiosks {
        let skew = (rng.random::<f64>() * 2.0 - 1.0) * CLOCK_SKEW_S;
        let mut t = match start {
            Start::Spread => rng.random::<f64>() * 30.0,
            Start::Together => rng.random::<f64>() * 0.1,
        };
        let mut attempt = 0u32;
        // Bounded: every wait is at least a microsecond.
        for _ in 0..1_000_000 {
            requests.push(t);
            if t >= outage {
                break;
            }
            t += schedule
                .wait(attempt, rng.random(), t, k, skew)
                .as_secs_f64()
                .max(1e-6);
            attempt = attempt.saturating_add(1);
        }
        reconnects.push(t);
    }
    FleetRun {
        requests,
        reconnects,
    }
}

/// Requests per 1-second bucket over `[from, from + secs)`.
fn per_second(times: &[f64], from: f64, secs: usize) -> Vec<u32> {
    let mut counts = vec![0u32; secs.max(1)];
    for &t in times.iter().filter(|&&t| t >= from) {
        if let Some(c) = counts.get_mut((t - from) as usize) {
            *c += 1;
        }
    }
    counts
}

fn peak_over_mean(counts: &[u32]) -> f64 {
    let peak = counts.iter().copied().max().unwrap_or(0);
    let mean = counts.iter().map(|&c| f64::from(c)).sum::<f64>() / counts.len().max(1) as f64;
    f64::from(peak) / mean.max(f64::MIN_POSITIVE)
}

/// One run's figures, from the centre's return until the last kiosk is through.
struct Figures {
    curve: Vec<u32>,
    peak_over_mean: f64,
    all_back_s: f64,
}

fn figures(run: &FleetRun, outage: f64) -> Figures {
    let all_back_s = run
        .reconnects
        .iter()
        .map(|t| t - outage)
        .fold(0.0, f64::max);
    let curve = per_second(&run.requests, outage, all_back_s.ceil() as usize);
    Figures {
        peak_over_mean: peak_over_mean(&curve),
        curve,
        all_back_s,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn round(x: f64, places: i32) -> f64 {
    let k = 10f64.powi(places);
    (x * k).round() / k
}

/// One schedule and start: the quoted seed's run, the medians over `SEEDS` seeds and the
/// pooled shape.
fn schedule_figures(schedule: Schedule, start: Start, outage: f64) -> Value {
    let one = figures(&simulate(KIOSKS, outage, start, schedule, SEED), outage);
    let mut ratios = Vec::new();
    let mut backs = Vec::new();
    let mut pooled: Vec<u32> = Vec::new();
    for seed in 0..SEEDS {
        let f = figures(&simulate(KIOSKS, outage, start, schedule, seed), outage);
        ratios.push(f.peak_over_mean);
        backs.push(f.all_back_s);
        if pooled.len() < f.curve.len() {
            pooled.resize(f.curve.len(), 0);
        }
        for (p, c) in pooled.iter_mut().zip(&f.curve) {
            *p += c;
        }
    }
    let peak = one.curve.iter().copied().max().unwrap_or(0);
    json!({
        "peak_over_mean_1s": round(one.peak_over_mean, 2),
        "peak_rps": peak,
        "mean_rps": round(KIOSKS as f64 / one.curve.len().max(1) as f64, 1),
        "all_back_s": round(one.all_back_s, 1),
        "median_peak_over_mean_1s": round(median(ratios.clone()), 2),
        "max_peak_over_mean_1s": round(ratios.iter().copied().fold(0.0, f64::max), 2),
        "median_all_back_s": round(median(backs), 1),
        "pooled_shape_1s": round(peak_over_mean(&pooled), 2),
        "curve_rps": one.curve,
    })
}

/// Peak / mean of `KIOSKS` requests at independent uniform moments of a `secs`-second window
/// (median and max over `SEEDS` seeds).
fn noise_floor(secs: usize) -> (f64, f64) {
    let ratios: Vec<f64> = (0..SEEDS)
        .map(|seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            let times: Vec<f64> = (0..KIOSKS)
                .map(|_| rng.random::<f64>() * secs as f64)
                .collect();
            peak_over_mean(&per_second(&times, 0.0, secs))
        })
        .collect();
    let max = ratios.iter().copied().fold(0.0, f64::max);
    (round(median(ratios), 2), round(max, 2))
}

/// Every figure of the fleet simulation, as written to `fleet.json`.
pub fn report() -> Value {
    let mut schedules = serde_json::Map::new();
    for schedule in [
        Schedule::Kiosk,
        Schedule::Slotted,
        Schedule::FullJitter,
        Schedule::NoJitter,
    ] {
        schedules.insert(
            schedule.name().to_owned(),
            json!({
                "spread_start": schedule_figures(schedule, Start::Spread, OUTAGE),
                "together_start": schedule_figures(schedule, Start::Together, OUTAGE),
            }),
        );
    }
    let outages: Vec<Value> = [60.0, 180.0, 1800.0]
        .into_iter()
        .map(|outage| {
            let k = schedule_figures(Schedule::Kiosk, Start::Spread, outage);
            let f = schedule_figures(Schedule::FullJitter, Start::Spread, outage);
            let sl = schedule_figures(Schedule::Slotted, Start::Spread, outage);
            json!({
                "outage_s": outage,
                "slotted_median_peak_over_mean_1s": sl["median_peak_over_mean_1s"],
                "slotted_median_all_back_s": sl["median_all_back_s"],
                "kiosk_median_peak_over_mean_1s": k["median_peak_over_mean_1s"],
                "kiosk_median_all_back_s": k["median_all_back_s"],
                "full_jitter_median_peak_over_mean_1s": f["median_peak_over_mean_1s"],
                "full_jitter_median_all_back_s": f["median_all_back_s"],
            })
        })
        .collect();
    // The fleet as deployed: every kiosk given its slot (`central.retry_slot_ms`).
    let ours = &schedules["slotted"]["spread_start"];
    let random = &schedules["kiosk"]["spread_start"];
    let window = random["curve_rps"].as_array().map_or(1, Vec::len);
    let (floor_median, floor_max) = noise_floor(window);
    json!({
        "kiosks": KIOSKS,
        "outage_s": OUTAGE,
        "retry_base_ms": BASE.as_millis() as u64,
        "retry_cap_s": CAP.as_secs(),
        "bucket_s": 1,
        "seed": SEED,
        "seeds": SEEDS,
        "peak_over_mean_1s": ours["peak_over_mean_1s"],
        "median_peak_over_mean_1s": ours["median_peak_over_mean_1s"],
        "pooled_shape_1s": ours["pooled_shape_1s"],
        "peak_rps": ours["peak_rps"],
        "mean_rps": ours["mean_rps"],
        "all_back_s": ours["all_back_s"],
        "schedule": "slots spread evenly over the cap's period (central.retry_slot_ms)",
        "without_slots": {
            "schedule": "random waits (no central.retry_slot_ms)",
            "peak_over_mean_1s": random["peak_over_mean_1s"],
            "median_peak_over_mean_1s": random["median_peak_over_mean_1s"],
            "pooled_shape_1s": random["pooled_shape_1s"],
            "peak_rps": random["peak_rps"],
            "all_back_s": random["all_back_s"],
        },
        "noise_floor_1s": { "median": floor_median, "max": floor_max, "window_s": window },
        "before": {
            "schedule": "full jitter",
            "peak_over_mean_1s": schedules["full_jitter"]["spread_start"]["peak_over_mean_1s"],
            "median_peak_over_mean_1s": schedules["full_jitter"]["spread_start"]["median_peak_over_mean_1s"],
            "peak_rps": schedules["full_jitter"]["spread_start"]["peak_rps"],
        },
        "schedules": schedules,
        "other_outages": outages,
    })
}

/// A one-line bar chart of `counts`, one character a second, scaled to `max`.
fn sparkline(counts: &[Value], max: f64) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    counts
        .iter()
        .map(|c| {
            let x = c.as_f64().unwrap_or(0.0) / max.max(1.0);
            BARS[((x * 8.0).ceil() as usize).clamp(1, 8) - 1]
        })
        .collect()
}

pub fn print(r: &Value) {
    let get = |s: &str, start: &str| &r["schedules"][s][start];
    println!(
        "fleet ({} kiosks, {} s outage, base {} ms, cap {} s): requests per 1 s bucket from the \
         centre's return until the last kiosk is through (seed {}; medians over {} seeds)",
        r["kiosks"], r["outage_s"], r["retry_base_ms"], r["retry_cap_s"], r["seed"], r["seeds"]
    );
    for s in ["slotted", "kiosk", "full_jitter", "no_jitter"] {
        for start in ["spread_start", "together_start"] {
            let f = get(s, start);
            println!(
                "  {s:<12} {start:<15} peak/mean {:.2}x (peak {} / mean {} req/s), median {:.2}x, \
                 max {:.2}x, pooled shape {:.2}x, all back in {} s",
                f["peak_over_mean_1s"].as_f64().unwrap_or(f64::NAN),
                f["peak_rps"],
                f["mean_rps"],
                f["median_peak_over_mean_1s"].as_f64().unwrap_or(f64::NAN),
                f["max_peak_over_mean_1s"].as_f64().unwrap_or(f64::NAN),
                f["pooled_shape_1s"].as_f64().unwrap_or(f64::NAN),
                f["all_back_s"],
            );
        }
    }
    println!(
        "  noise floor (same number of requests at independent random moments of the window): \
         median {}x, max {}x",
        r["noise_floor_1s"]["median"], r["noise_floor_1s"]["max"]
    );
    for o in r["other_outages"].as_array().into_iter().flatten() {
        println!(
            "  {} s outage: slotted median {}x (back in {} s), kiosk median {}x (back in {} s), \
             full jitter median {}x (back in {} s)",
            o["outage_s"],
            o["slotted_median_peak_over_mean_1s"],
            o["slotted_median_all_back_s"],
            o["kiosk_median_peak_over_mean_1s"],
            o["kiosk_median_all_back_s"],
            o["full_jitter_median_peak_over_mean_1s"],
            o["full_jitter_median_all_back_s"],
        );
    }
    let curve = |s: &str| {
        get(s, "spread_start")["curve_rps"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let (slotted, ours, before) = (curve("slotted"), curve("kiosk"), curve("full_jitter"));
    let max = ours
        .iter()
        .chain(&before)
        .chain(&slotted)
        .filter_map(Value::as_f64)
        .fold(0.0, f64::max);
    println!("  the curve, one column a second from the centre's return (scale: █ = {max} req/s):");
    println!("    slotted      {}", sparkline(&slotted, max));
    println!("    kiosk        {}", sparkline(&ours, max));
    println!("    full jitter  {}", sparkline(&before, max));
}

/// Writes `fleet.json` under `target/bench/` (`tmp_dir` is the target's `tmp` folder).
pub fn write_json(r: &Value, tmp_dir: &Path) -> std::io::Result<PathBuf> {
    let dir = tmp_dir
        .parent()
        .map_or_else(|| tmp_dir.join("bench"), |t| t.join("bench"));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("fleet.json");
    let mut f = std::fs::File::create(&path)?;
    serde_json::to_writer_pretty(&mut f, r)?;
    f.write_all(b"\n")?;
    Ok(path)
}

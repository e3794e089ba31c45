//! Offline-first sync figures:
//!
//! * **submit to durable**: `Store::submit` (WAL, `synchronous=FULL`, one transaction with its
//!   print job) on a real disk under `target/tmp`; criterion's mean/median plus p50/p99/max of
//!   500 timed submits.
//! * **outbox drain**: the real relay (`central::Relay`) against the reference centre
//!   (`dost_central::spawn_local`, real HTTP on 127.0.0.1, its own SQLite with FULL sync):
//!   applications per second by batch size, and the time to drain a 10,000-application backlog.
//! * **fleet reconnect**: 1,000 simulated kiosks back off on the relay's schedule
//!   (`central::retry_wait`) during a centre outage; the requests the centre sees per second
//!   when it comes back (peak / mean, and the curve), against the full-jitter schedule the
//!   relay used before, a back-off without jitter and the noise floor of 1,000 independent
//!   kiosks. Written to `target/bench/fleet.json` (see `fleet.rs`).
//!
//! Each part prints its figures (`cargo bench --bench sync`); the whole run takes about a minute.

#[path = "sync/fleet.rs"]
mod fleet;

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use dost_kiosk::central::{CentralClient, Relay, RelaySettings, SyncStatus};
use dost_kiosk::store::{Store, StoreHandle};
use kiosk_core::card::CitizenKey;
use kiosk_core::print::ReceiptTemplate;
use kiosk_core::session::Submission;
use kiosk_core::view::Lang;
use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;

fn submission(i: u64) -> Submission {
    Submission {
        service_id: "targeted-social-assistance".into(),
        lang: Lang::Az,
        citizen: CitizenKey::new(dost_api::Fin::parse("5ZX7K2P").ok().as_ref(), "AA1234567"),
        document_number: "AA1234567".into(),
        answers: [
            ("phone".to_owned(), format!("+99450{:07}", i % 10_000_000)),
            ("family_size".to_owned(), "4".to_owned()),
            (
                "address".to_owned(),
                "Bakı şəhəri, Yasamal rayonu, Şərifzadə küçəsi 12".to_owned(),
            ),
        ]
        .into(),
    }
}

/// The receipt kept with each application (laid out when it prints).
fn receipt() -> ReceiptTemplate {
    ReceiptTemplate {
        center_name: "DOST Yasamal".into(),
        kiosk_id: "BENCH-K01".into(),
        service_title: "Ünvanlı dövlət sosial yardımı".into(),
        next_steps: vec!["Ailənizin vəziyyəti yerində yoxlanılacaq.".into()],
        status_link: Default::default(),
    }
}

/// A temporary directory on the target's disk (not a tmpfs: fsync must cost what it costs).
fn disk_dir() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir under target/tmp")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

// ---------------------------------------------------------------------------------------------

fn submit_to_durable(c: &mut Criterion) {
    let dir = disk_dir();
    let mut store = Store::open_dir(dir.path()).expect("store");
    let sub = submission(1);

    // p50/p99 from a manual loop.
    let mut times = Vec::with_capacity(500);
    for _ in 0..500 {
        let t = Instant::now();
        store
            .submit("BENCH", "BENCH-K01", &sub, Utc::now(), Some(&receipt()))
            .expect("submit");
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "submit to durable (WAL, synchronous=FULL, {} submits): p50 {:?}  p99 {:?}  max {:?}",
        times.len(),
        percentile(&times, 0.50),
        percentile(&times, 0.99),
        times[times.len() - 1]
    );

    let mut group = c.benchmark_group("store");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(4));
    group.bench_function("submit to durable (synchronous=FULL)", |b| {
        b.iter(|| {
            store
                .submit(
                    "BENCH",
                    "BENCH-K01",
                    black_box(&sub),
                    Utc::now(),
                    Some(&receipt()),
                )
                .expect("submit")
        })
    });
    group.finish();
}

// ---------------------------------------------------------------------------------------------

/// A kiosk store holding `n` pending applications numbered with `code` (filled quickly, then
/// back to `synchronous=FULL` for the relay).
fn backlog(dir: &Path, code: &str, n: u64) -> Store {
    let mut store = Store::open_dir(dir).expect("store");
    store
        .connection()
        .pragma_update(None, "synchronous", "OFF")
        .expect("pragma");
    let now = Utc::now();
    for i in 0..n {
        store
            .submit(code, "BENCH-K01", &submission(i), now, None)
            .expect("submit");
    }
    store
        .connection()
        .pragma_update(None, "synchronous", "FULL")
        .expect("pragma");
    store
}

/// Runs the relay until `n` applications are delivered; returns the time it took.
async fn drain(store: Store, url: &str, n: u64, batch: usize) -> Duration {
    let (store, _thread) = StoreHandle::spawn(store).expect("store thread");
    let client = CentralClient::new(url, "bench-token", Duration::from_secs(30)).expect("client");
    let (tx, mut rx) = watch::channel(SyncStatus::default());
    let cancel = CancellationToken::new();
    let settings = RelaySettings {
        batch_size: batch,
        retry_base: Duration::from_millis(100),
        retry_cap: Duration::from_secs(2),
        retry_slot: None,
        idle_poll: Duration::from_secs(30),
    };
    let t = Instant::now();
    let relay = tokio::spawn(
        Relay {
            store: store.clone(),
            client,
            settings,
            wake: Arc::new(Notify::new()),
            status: tx,
        }
        .run(cancel.clone()),
    );
    let waited =
        tokio::time::timeout(Duration::from_secs(120), rx.wait_for(|s| s.delivered >= n)).await;
    let took = t.elapsed();
    cancel.cancel();
    let _ = relay.await;
    assert!(
        matches!(waited, Ok(Ok(_))),
        "backlog of {n} not drained in time"
    );
    let stats = store.call(|s| s.stats()).await.expect("stats");
    assert_eq!((stats.outbox_depth, stats.rejected), (0, 0), "all accepted");
    took
}

fn outbox_drain(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let central_dir = disk_dir();
    let shutdown = CancellationToken::new();
    let mut cfg = dost_central::CentralConfig::new(central_dir.path().join("central.db"));
    cfg.timeline = dost_central::Timeline::off();
    let (addr, server) = rt
        .block_on(dost_central::spawn_local(cfg, shutdown.clone()))
        .expect("centre");
    let url = format!("http://{addr}");
    let mut code = 0u32;
    let mut next_code = || {
        code += 1;
        format!("B{code:05}")
    };

    for (n, batch) in [(300u64, 1usize), (2_000, 10), (10_000, 100), (10_000, 500)] {
        let dir = disk_dir();
        let store = backlog(dir.path(), &next_code(), n);
        let took = rt.block_on(drain(store, &url, n, batch));
        println!(
            "outbox drain: {n} applications, batch {batch}: {:.2} s, {:.0} applications/s",
            took.as_secs_f64(),
            n as f64 / took.as_secs_f64()
        );
    }

    let mut group = c.benchmark_group("relay");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("drain 1000 applications, batch 100", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let dir = disk_dir();
                let store = backlog(dir.path(), &next_code(), 1000);
                total += rt.block_on(drain(store, &url, 1000, 100));
            }
            total
        })
    });
    group.finish();
    shutdown.cancel();
    let _ = rt.block_on(server);
}

// ---------------------------------------------------------------------------------------------

fn fleet_reconnect(c: &mut Criterion) {
    let report = fleet::report();
    fleet::print(&report);
    let out = fleet::write_json(&report, Path::new(env!("CARGO_TARGET_TMPDIR")));
    match out {
        Ok(path) => println!("fleet figures written to {}", path.display()),
        Err(e) => println!("cannot write the fleet figures: {e}"),
    }

    let mut group = c.benchmark_group("fleet");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3));
    group.bench_function("simulate 1000 kiosks, 600 s outage", |b| {
        b.iter(|| {
            fleet::simulate(
                fleet::KIOSKS,
                fleet::OUTAGE,
                fleet::Start::Spread,
                fleet::Schedule::Kiosk,
                black_box(7),
            )
            .requests
            .len()
        })
    });
    group.finish();
}

criterion_group!(benches, submit_to_durable, outbox_drain, fleet_reconnect);
criterion_main!(benches);

//! A kiosk chip read end to end through the real PC/SC stack: a private `pcscd` with
//! vsmartcard's `vpcd` driver ([`chip_reader::rig`]) and the card simulator in the virtual
//! slot, read the way the kiosk's chip thread reads (wait for the card, connect, access, five
//! files, Passive Authentication, clone detection). `cargo bench --bench chip_pcsc` prints the
//! APDUs and bytes of each variant once, then criterion's times. Needs `scripts/deps.sh chip`.

use std::time::Duration;

use chip_reader::ec::Curve;
use chip_reader::rig::{Pcscd, Slot};
use chip_reader::sim::demo::{demo_card, demo_csca, demo_signer};
use chip_reader::sim::{AaKey, CardProfile, Personalisation};
use chip_reader::trust::TrustStore;
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use dost_kiosk::chip::connect::connect;
use dost_kiosk::chip::read::{ReadResult, ReadSettings, read_document};
use dost_kiosk::config::chip::ChipInterface;

fn read_once(reader: &str, mrz: &[String], trust: &TrustStore) -> ReadResult {
    let c = connect(
        Some(reader),
        ChipInterface::Contactless,
        Duration::from_secs(5),
    )
    .expect("a card on the virtual reader");
    read_document(
        c.transport,
        mrz,
        trust,
        ReadSettings {
            access: chip_reader::reader::AccessPreference::Auto,
            max_read_chunk: 223,
        },
        None,
        chrono::Utc::now(),
    )
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let pcscd = Pcscd::start(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let reader = pcscd
        .wait_reader(Duration::from_secs(20))
        .unwrap_or_else(|e| panic!("{e}"));
    let slot = Slot::new(pcscd.vpcd_addr(), &reader);
    let mrz = card_reader::sim::specimens::aze_id_card();
    let lines: Vec<&str> = mrz.iter().map(String::as_str).collect();
    let mut trust = TrustStore::new();
    trust.add_csca(demo_csca().expect("demo root"));
    let aa = AaKey::Ec {
        curve: Curve::P256,
        secret: Curve::P256.random_scalar().expect("key"),
    };
    let cards: Vec<(&str, CardProfile)> = vec![
        (
            "PACE-GM P-256 AES-128 + Chip Authentication (the demo card)",
            demo_card(&lines, false)
                .and_then(|p| p.build())
                .expect("card"),
        ),
        (
            "BAC + Active Authentication (ECDSA P-256)",
            Personalisation::new(&lines, demo_signer().expect("signer"))
                .active_authentication(aa)
                .build()
                .expect("card"),
        ),
    ];
    let mut group = c.benchmark_group("kiosk chip read through pcscd + vpcd");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    for (name, card) in cards {
        slot.insert(card);
        let r = read_once(&reader, &mrz, &trust);
        let report = r.report.as_ref().expect("read");
        println!(
            "{name}: outcome {}, {} APDUs, {} bytes sent, {} received; {:.0} ms in PC/SC of {:.0} ms",
            r.outcome.code(),
            report.traffic.apdus,
            report.traffic.bytes_sent,
            report.traffic.bytes_received,
            report.traffic.io_time.as_secs_f64() * 1000.0,
            report.timings.total_ms
        );
        group.bench_function(name, |b| b.iter(|| read_once(&reader, &mrz, &trust)));
    }
    group.finish();
    drop(slot);
    drop(pcscd);
}

criterion_group!(benches, bench);
criterion_main!(benches);

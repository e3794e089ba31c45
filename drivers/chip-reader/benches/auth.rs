//! Chip authentication figures: APDUs and bytes per authentication (printed once per access
//! variant), CPU time of Passive Authentication, and a whole in-process read and verify.
//! The end-to-end time through pcscd + vpcd is measured by tests/pcsc_e2e.rs.

use std::hint::black_box;

use chip_reader::AccessKey;
use chip_reader::crypto::Cipher;
use chip_reader::ec::Curve;
use chip_reader::lds;
use chip_reader::pa::passive_authentication;
use chip_reader::pace::PaceParams;
use chip_reader::reader::{ChipReader, ReaderOptions, VerifyOptions};
use chip_reader::sim::pki::{self, SignerKey};
use chip_reader::sim::sod::{SodOptions, lds_security_object, sign_sod};
use chip_reader::sim::{AaKey, CaKey, DocumentSigner, Personalisation, SimAccess, SimCard};
use chip_reader::trust::TrustStore;
use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};

const TD1: [&str; 3] = [
    "IDAZEAA123456785ZX7K2P<<<<<<<<",
    "9003152M3403152AZE<<<<<<<<<<<1",
    "MAMMADOV<<ALI<<<<<<<<<<<<<<<<<",
];
const Y2020: u64 = 1_577_836_800;
const Y2040: u64 = 2_208_988_800;

fn pki(csca_key: SignerKey, ds_key: SignerKey) -> (TrustStore, DocumentSigner) {
    let csca =
        pki::csca_certificate(&csca_key, "CN=Bench CSCA,C=UT", 1, Y2020, Y2040).expect("csca");
    let cert = pki::ds_certificate(
        &ds_key,
        "CN=Bench DS,C=UT",
        2,
        Y2020,
        Y2040,
        &csca,
        &csca_key,
    )
    .expect("ds");
    let mut t = TrustStore::new();
    t.add_csca(csca);
    (t, DocumentSigner { cert, key: ds_key })
}

fn bench_pa(c: &mut Criterion) {
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    let dg1 = lds::encode_dg1(&TD1);
    let variants = [
        (
            "ECDSA P-256 DS / P-384 CSCA",
            SignerKey::ec_from_seed(Curve::P384, "c"),
            SignerKey::ec_from_seed(Curve::P256, "d"),
        ),
        (
            "RSA-2048 DS / RSA-4096 CSCA",
            SignerKey::rsa_random(4096, false).expect("rsa"),
            SignerKey::rsa_random(2048, false).expect("rsa"),
        ),
    ];
    for (name, ck, dk) in variants {
        let (trust, signer) = pki(ck, dk);
        let sod = sign_sod(
            &lds_security_object(&[(1, &dg1)]).expect("so"),
            &signer.cert,
            &signer.key,
            SodOptions::default(),
        )
        .expect("sod");
        let dgs = [(1u8, dg1.clone())];
        assert!(passive_authentication(&sod, &dgs, &trust, now).is_valid());
        c.bench_function(&format!("passive authentication, {name}"), |b| {
            b.iter(|| passive_authentication(black_box(&sod), &dgs, &trust, now))
        });
    }
}

fn bench_read(c: &mut Criterion) {
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    let (trust, signer) = pki(
        SignerKey::ec_from_seed(Curve::P384, "c"),
        SignerKey::ec_from_seed(Curve::P256, "d"),
    );
    let key = AccessKey::from_mrz_lines(&TD1).expect("mrz");
    let opts = VerifyOptions {
        now,
        ..VerifyOptions::default()
    };
    let variants = [
        (
            "BAC + CA (P-256, 3DES)",
            SimAccess::Bac,
            Curve::P256,
            Cipher::Tdes,
        ),
        (
            "PACE-GM P-256 AES-128 + CA",
            SimAccess::Pace(PaceParams {
                curve: Curve::P256,
                cipher: Cipher::Aes128,
            }),
            Curve::P256,
            Cipher::Aes128,
        ),
        (
            "PACE-GM brainpoolP384r1 AES-256 + CA",
            SimAccess::Pace(PaceParams {
                curve: Curve::BrainpoolP384r1,
                cipher: Cipher::Aes256,
            }),
            Curve::BrainpoolP384r1,
            Cipher::Aes256,
        ),
    ];
    for (name, access, curve, cipher) in variants {
        let ca = CaKey {
            curve,
            cipher,
            secret: curve.random_scalar().expect("rng"),
        };
        let profile = Personalisation::new(&TD1, signer.clone())
            .access(access)
            .chip_authentication(ca)
            .build()
            .expect("card");
        let report = ChipReader::new(SimCard::new(profile.clone()), ReaderOptions::default())
            .read_and_verify(&key, &trust, &opts)
            .expect("read");
        println!(
            "{name}: {} APDUs, {} bytes sent, {} bytes received per authentication",
            report.traffic.apdus, report.traffic.bytes_sent, report.traffic.bytes_received
        );
        c.bench_function(&format!("read and verify in process, {name}"), |b| {
            b.iter(|| {
                ChipReader::new(SimCard::new(profile.clone()), ReaderOptions::default())
                    .read_and_verify(&key, &trust, &opts)
                    .expect("read")
            })
        });
    }
}

/// Active Authentication cards (no DG14 Chip Authentication): BAC, then INTERNAL AUTHENTICATE.
fn bench_read_aa(c: &mut Criterion) {
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    let (trust, signer) = pki(
        SignerKey::ec_from_seed(Curve::P384, "c"),
        SignerKey::ec_from_seed(Curve::P256, "d"),
    );
    let key = AccessKey::from_mrz_lines(&TD1).expect("mrz");
    let opts = VerifyOptions {
        now,
        ..VerifyOptions::default()
    };
    let rsa = match SignerKey::rsa_random(2048, false).expect("rsa") {
        SignerKey::Rsa(k) => AaKey::Rsa(k),
        _ => unreachable!("asked for RSA"),
    };
    let variants = [
        (
            "BAC + AA ECDSA P-256",
            AaKey::Ec {
                curve: Curve::P256,
                secret: Curve::P256.random_scalar().expect("rng"),
            },
        ),
        ("BAC + AA RSA-2048 ISO/IEC 9796-2", rsa),
    ];
    for (name, aa) in variants {
        let profile = Personalisation::new(&TD1, signer.clone())
            .active_authentication(aa)
            .build()
            .expect("card");
        let report = ChipReader::new(SimCard::new(profile.clone()), ReaderOptions::default())
            .read_and_verify(&key, &trust, &opts)
            .expect("read");
        assert!(report.clone_detection.passed(), "{name}");
        println!(
            "{name}: {} APDUs, {} bytes sent, {} bytes received per authentication",
            report.traffic.apdus, report.traffic.bytes_sent, report.traffic.bytes_received
        );
        c.bench_function(&format!("read and verify in process, {name}"), |b| {
            b.iter(|| {
                ChipReader::new(SimCard::new(profile.clone()), ReaderOptions::default())
                    .read_and_verify(&key, &trust, &opts)
                    .expect("read")
            })
        });
    }
}

criterion_group!(benches, bench_pa, bench_read, bench_read_aa);
criterion_main!(benches);

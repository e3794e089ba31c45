//! The centre re-verifies chip evidence over real HTTP on 127.0.0.1: Passive Authentication
//! with its own trust store, DG1 against the request, and Active Authentication over a
//! challenge it handed out (one use, by the kiosk that asked). The chips are the driver's
//! simulator, read in process with the centre's challenge as a kiosk does.

mod common;

use chip_reader::AccessKey;
use chip_reader::ec::Curve;
use chip_reader::reader::{ChipReader, CloneDetection, ReaderOptions, VerifyOptions};
use chip_reader::sim::demo::{demo_csca, demo_signer};
use chip_reader::sim::pki::SignerKey;
use chip_reader::sim::{AaKey, Forgery, Personalisation, SimCard};
use chip_reader::trust::TrustStore;
use common::{Central, OTHER_TOKEN, cfg};
use dost_api::{AaEvidence, ChipChallenge, ChipCheck, ChipEvidence, VerifyRequest, VerifyResponse};

const FIN: &str = "5ZX7K2P";
const DOC: &str = "AA1234567";

fn specimen() -> Vec<String> {
    card_reader::sim::specimens::aze_id_card()
}

fn demo_trust() -> TrustStore {
    let mut t = TrustStore::new();
    t.add_csca(demo_csca().unwrap());
    t
}

/// A BAC chip of the specimen with Active Authentication `aa`, signed by the demo signer.
fn aa_card(aa: AaKey, forgery: Forgery) -> SimCard {
    let mrz = specimen();
    let lines: Vec<&str> = mrz.iter().map(String::as_str).collect();
    let profile = Personalisation::new(&lines, demo_signer().unwrap())
        .active_authentication(aa)
        .forgery(forgery)
        .build()
        .unwrap();
    SimCard::new(profile)
}

fn ec_key() -> AaKey {
    AaKey::Ec {
        curve: Curve::P256,
        secret: Curve::P256.random_scalar().unwrap(),
    }
}

fn rsa_key() -> AaKey {
    match SignerKey::rsa_random(1536, false).unwrap() {
        SignerKey::Rsa(k) => AaKey::Rsa(k),
        _ => unreachable!("asked for RSA"),
    }
}

async fn challenge(c: &Central, token: &str) -> ChipChallenge {
    let resp = c
        .client
        .post(c.url("/v1/citizens/verify/challenge"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

/// Reads `card` as a kiosk does, signing the centre's challenge; the evidence it sends.
fn read(card: SimCard, ch: &ChipChallenge) -> ChipEvidence {
    let bytes: [u8; 8] = hex::decode(&ch.challenge).unwrap().try_into().unwrap();
    let mrz = specimen();
    let lines: Vec<&str> = mrz.iter().map(String::as_str).collect();
    let report = ChipReader::new(card, ReaderOptions::default())
        .read_and_verify(
            &AccessKey::from_mrz_lines(&lines).unwrap(),
            &demo_trust(),
            &VerifyOptions {
                aa_challenge: Some(bytes),
                ..VerifyOptions::default()
            },
        )
        .unwrap();
    let CloneDetection::ActiveAuthentication { signature, .. } = &report.clone_detection else {
        panic!(
            "expected Active Authentication: {:?}",
            report.clone_detection
        );
    };
    ChipEvidence {
        ef_sod: hex::encode_upper(&report.ef_sod),
        dg1: hex::encode_upper(&report.dg1),
        dg14: report.dg14.as_ref().map(hex::encode_upper),
        dg15: report.dg15.as_ref().map(hex::encode_upper),
        active_authentication: Some(AaEvidence {
            challenge_id: ch.challenge_id.clone(),
            signature: hex::encode_upper(signature),
        }),
    }
}

async fn verify(c: &Central, fin: &str, chip: ChipEvidence) -> VerifyResponse {
    let resp = c
        .post("/v1/citizens/verify")
        .json(&VerifyRequest {
            fin: fin.into(),
            document_number: DOC.into(),
            chip: Some(chip),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

fn centre_with_trust(dir: &std::path::Path) -> dost_central::CentralConfig {
    let mut c = cfg(dir);
    c.chip_trust = Some(demo_trust());
    c
}

#[tokio::test]
async fn genuine_evidence_passes_once_and_forgeries_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(centre_with_trust(dir.path())).await;

    for (name, key) in [("ECDSA", ec_key()), ("RSA ISO/IEC 9796-2", rsa_key())] {
        let ch = challenge(&c, common::TOKEN).await;
        assert_eq!(ch.challenge.len(), 16);
        let evidence = read(aa_card(key, Forgery::default()), &ch);
        let ok = verify(&c, FIN, evidence.clone()).await;
        assert!(ok.valid, "{name}: {ok:?}");
        let chip = ok.chip.unwrap();
        assert_eq!(chip.passive_authentication, ChipCheck::Valid);
        assert_eq!(chip.active_authentication, ChipCheck::Valid, "{name}");
        // The same signature again: the challenge was used.
        let replay = verify(&c, FIN, evidence).await;
        assert!(!replay.valid);
        assert_eq!(
            replay.reason.as_deref(),
            Some("challenge_unknown"),
            "{name}"
        );
    }

    // A clone: the files copied, the AA key not.
    let ch = challenge(&c, common::TOKEN).await;
    let clone = Forgery {
        clone_keys: true,
        ..Forgery::default()
    };
    let r = verify(&c, FIN, read(aa_card(ec_key(), clone), &ch)).await;
    assert_eq!(r.reason.as_deref(), Some("chip_clone"));
    assert_eq!(
        r.chip.map(|v| v.active_authentication),
        Some(ChipCheck::Invalid)
    );

    // DG1 changed on the way: Passive Authentication fails at the centre.
    let ch = challenge(&c, common::TOKEN).await;
    let mut tampered = read(aa_card(ec_key(), Forgery::default()), &ch);
    let last = tampered.dg1.len() - 2;
    tampered.dg1.replace_range(last.., "58");
    let r = verify(&c, FIN, tampered).await;
    assert_eq!(r.reason.as_deref(), Some("chip_invalid"));
    let v = r.chip.unwrap();
    assert_eq!(v.passive_authentication, ChipCheck::Invalid);
    assert_eq!(v.reason.as_deref(), Some("tampered_data_group"));

    // Genuine evidence of another person's card for this FİN.
    let ch = challenge(&c, common::TOKEN).await;
    let r = verify(
        &c,
        "1AB2C3D",
        read(aa_card(ec_key(), Forgery::default()), &ch),
    )
    .await;
    assert_eq!(r.reason.as_deref(), Some("chip_mismatch"));

    // A challenge handed to another kiosk is not this kiosk's to answer.
    let ch = challenge(&c, OTHER_TOKEN).await;
    let r = verify(&c, FIN, read(aa_card(ec_key(), Forgery::default()), &ch)).await;
    assert_eq!(r.reason.as_deref(), Some("challenge_unknown"));

    // Evidence without a signature: Passive Authentication only.
    let ch = challenge(&c, common::TOKEN).await;
    let mut passive = read(aa_card(ec_key(), Forgery::default()), &ch);
    passive.active_authentication = None;
    let r = verify(&c, FIN, passive).await;
    assert!(r.valid);
    assert_eq!(
        r.chip.map(|v| v.active_authentication),
        Some(ChipCheck::NotChecked)
    );
    c.stop().await;
}

#[tokio::test]
async fn malformed_evidence_is_a_problem_and_no_trust_store_checks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(centre_with_trust(dir.path())).await;
    let ch = challenge(&c, common::TOKEN).await;
    let good = read(aa_card(ec_key(), Forgery::default()), &ch);
    for (field, bad) in [
        (
            "chip.dg1",
            ChipEvidence {
                dg1: "61 5D".into(),
                ..good.clone()
            },
        ),
        (
            "chip.ef_sod",
            ChipEvidence {
                ef_sod: "ABC".into(),
                ..good.clone()
            },
        ),
        (
            "chip.dg15",
            ChipEvidence {
                dg15: Some("zz".into()),
                ..good.clone()
            },
        ),
    ] {
        let resp = c
            .post("/v1/citizens/verify")
            .json(&VerifyRequest {
                fin: FIN.into(),
                document_number: DOC.into(),
                chip: Some(bad),
            })
            .send()
            .await
            .unwrap();
        let p = common::problem(resp, 422).await;
        assert!(p.detail.unwrap_or_default().contains(field), "{field}");
    }
    // Garbage that is well-formed hex is a document that does not verify.
    let garbage = ChipEvidence {
        ef_sod: "3003020100".into(),
        ..good.clone()
    };
    let r = verify(&c, FIN, garbage).await;
    assert_eq!(r.reason.as_deref(), Some("chip_invalid"));
    c.stop().await;

    // A centre without a trust store says so and does not refuse on the chip.
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(dir.path())).await;
    let r = verify(&c, FIN, good).await;
    assert!(r.valid);
    assert_eq!(
        r.chip.map(|v| v.passive_authentication),
        Some(ChipCheck::NotChecked)
    );
    c.stop().await;
}

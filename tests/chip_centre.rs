//! The kiosk's chip edges against the reference centre over real HTTP on 127.0.0.1: the
//! kiosk asks for an Active Authentication challenge, the chip signs it, the evidence goes
//! with the verification, and the centre checks it itself (once).

use std::time::Duration;

use chip_reader::ec::Curve;
use chip_reader::reader::AccessPreference;
use chip_reader::sim::demo::{demo_csca, demo_signer};
use chip_reader::sim::{AaKey, Personalisation, SimCard};
use chip_reader::trust::TrustStore;
use dost_central::{CentralConfig, spawn_local};
use dost_kiosk::central::CentralClient;
use dost_kiosk::chip::read::{ReadSettings, read_document};
use dost_kiosk::runtime::edges::Centre;
use kiosk_core::card::CitizenKey;
use kiosk_core::chip::{ChipOutcome, CloneCheck};
use kiosk_core::session::VerifyOutcome;
use tokio_util::sync::CancellationToken;

fn trust() -> TrustStore {
    let mut t = TrustStore::new();
    t.add_csca(demo_csca().expect("demo root"));
    t
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_centre_checks_the_chip_signature_over_its_own_challenge() {
    dost_kiosk::central::ensure_tls();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cfg = CentralConfig::new(dir.path().join("central.db"));
    cfg.chip_trust = Some(trust());
    let stop = CancellationToken::new();
    let (addr, task) = spawn_local(cfg, stop.clone()).await.expect("centre");
    let client = CentralClient::new(
        &format!("http://{addr}"),
        "demo-DOST-YASAMAL-K01",
        Duration::from_secs(5),
    )
    .expect("client");

    let mrz = card_reader::sim::specimens::aze_id_card();
    let lines: Vec<&str> = mrz.iter().map(String::as_str).collect();
    let aa = AaKey::Ec {
        curve: Curve::P256,
        secret: Curve::P256.random_scalar().expect("key"),
    };
    let card = SimCard::new(
        Personalisation::new(&lines, demo_signer().expect("signer"))
            .active_authentication(aa)
            .build()
            .expect("card"),
    );
    let challenge = Centre::chip_challenge(&client)
        .await
        .expect("the centre hands out a challenge");
    let settings = ReadSettings {
        access: AccessPreference::Auto,
        max_read_chunk: 223,
    };
    let read = read_document(
        card,
        &mrz,
        &trust(),
        settings,
        Some(&challenge),
        chrono::Utc::now(),
    );
    assert_eq!(
        read.outcome,
        ChipOutcome::Genuine(CloneCheck::ActiveAuthentication)
    );
    let evidence = read.evidence(Some(&challenge)).expect("evidence");
    assert!(evidence.active_authentication.is_some());
    let key = CitizenKey::new(dost_api::Fin::parse("5ZX7K2P").ok().as_ref(), "AA1234567");
    let first = client.verify_chip(key.clone(), "AA1234567".into(), Some(evidence.clone()));
    assert_eq!(first.await.0, VerifyOutcome::Valid);
    // The same answer to a used challenge is refused.
    let again = client.verify_chip(key, "AA1234567".into(), Some(evidence));
    assert_eq!(again.await.0, VerifyOutcome::Invalid);

    // No centre: no challenge (the kiosk then signs its own).
    stop.cancel();
    task.await.expect("join").expect("centre stopped");
    assert!(Centre::chip_challenge(&client).await.is_none());
}

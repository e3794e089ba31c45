//! End to end through the real PC/SC stack: the test starts its own `pcscd` (foreground, with
//! a private reader configuration pointing vsmartcard's `vpcd` driver at a free port) through
//! [`chip_reader::rig`], puts simulated cards in the virtual slot, reads and verifies the chip
//! through the `pcsc` crate, and stops what it started. It fails (never skips) when pcscd or
//! the vpcd driver is missing: `scripts/deps.sh chip` installs them.
#![cfg(feature = "rig")]

use std::time::{Duration, Instant};

use chip_reader::AccessKey;
use chip_reader::pcsc_transport::{PcscTransport, reader_infos, wait_for_card, wait_for_card_in};
use chip_reader::reader::{
    AccessProtocol, Check, ChipError, ChipReader, CloneDetection, ReaderOptions, VerifyOptions,
};
use chip_reader::rig::{Pcscd, Slot};
use chip_reader::sim::Forgery;
use chip_reader::sim::demo::{demo_card, demo_csca};
use chip_reader::transport::TransportError;
use chip_reader::trust::TrustStore;
use chip_reader::vpcd::Ended;
use chip_reader::{Interface, interface_of_atr};

#[test]
fn reads_and_verifies_a_simulated_chip_through_pcscd_and_vpcd() {
    let dir = tempfile::tempdir().unwrap();
    let pcscd = Pcscd::start(dir.path()).unwrap_or_else(|e| panic!("{e}"));

    let mrz = card_reader::sim::specimens::aze_id_card();
    let lines: Vec<&str> = mrz.iter().map(String::as_str).collect();
    let reader = pcscd
        .wait_reader(Duration::from_secs(20))
        .unwrap_or_else(|e| panic!("{e}"));
    let slot = Slot::new(pcscd.vpcd_addr(), &reader);
    let key = AccessKey::from_mrz_lines(&lines).unwrap();
    let trust =
        TrustStore::from_der_certs([der::Encode::to_der(&demo_csca().unwrap()).unwrap()]).unwrap();
    let opts = VerifyOptions::default();

    // First a card pulled after 10 APDUs.
    slot.insert(
        demo_card(&lines, false)
            .unwrap()
            .forgery(Forgery {
                remove_after_apdus: Some(10),
                ..Forgery::default()
            })
            .build()
            .unwrap(),
    );
    wait_for_card(&reader, Duration::from_secs(20)).unwrap();
    let transport = PcscTransport::connect(&reader).unwrap();
    let err = ChipReader::new(transport, ReaderOptions::default())
        .read_and_verify(&key, &trust, &opts)
        .unwrap_err();
    assert!(
        matches!(err, ChipError::Transport(TransportError::CardRemoved)),
        "pulled card: {err}"
    );
    assert!(matches!(
        slot.next_end(Duration::from_secs(10)),
        Some(Ok(Ended::CardRemoved))
    ));

    // Then the genuine card: found among all readers, its ATR says contactless.
    slot.insert(demo_card(&lines, false).unwrap().build().unwrap());
    let (found, atr) =
        wait_for_card_in(std::slice::from_ref(&reader), Duration::from_secs(20)).unwrap();
    assert_eq!(found, reader);
    assert_eq!(interface_of_atr(&atr), Interface::Contactless);
    let infos = reader_infos().unwrap();
    assert!(
        infos
            .iter()
            .any(|r| r.name == reader && r.atr.as_deref() == Some(&atr[..])),
        "{infos:?}"
    );
    let started = Instant::now();
    let transport = PcscTransport::connect(&reader).unwrap();
    assert_eq!(transport.atr().as_deref(), Some(&atr[..]));
    let report = ChipReader::new(transport, ReaderOptions::default())
        .read_and_verify(&key, &trust, &opts)
        .unwrap();
    let elapsed = started.elapsed();
    assert!(
        report.passive_authentication.is_valid(),
        "{:?}",
        report.passive_authentication
    );
    assert_eq!(
        report.access,
        AccessProtocol::PaceGm {
            curve: chip_reader::ec::Curve::P256,
            cipher: chip_reader::crypto::Cipher::Aes128
        }
    );
    assert!(matches!(
        report.clone_detection,
        CloneDetection::ChipAuthentication {
            check: Check::Passed,
            ..
        }
    ));
    assert_eq!(report.mrz, mrz);
    eprintln!(
        "end-to-end through pcscd+vpcd: {:.1} ms ({:.1} ms in PC/SC), {} APDUs, {} bytes sent, {} received, timings {:?}",
        elapsed.as_secs_f64() * 1000.0,
        report.traffic.io_time.as_secs_f64() * 1000.0,
        report.traffic.apdus,
        report.traffic.bytes_sent,
        report.traffic.bytes_received,
        report.timings
    );

    // The slot empties: no card within the wait.
    slot.remove();
    assert!(matches!(
        slot.next_end(Duration::from_secs(10)),
        Some(Ok(Ended::ReaderClosed))
    ));
    std::thread::sleep(Duration::from_millis(1500));
    assert!(matches!(
        wait_for_card_in(&[reader], Duration::from_millis(500)),
        Err(TransportError::NoCard)
    ));
    drop(slot);
    drop(pcscd);
}

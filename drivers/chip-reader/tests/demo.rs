//! The shipped demo root is the one the simulator signs with; the demo specimen card passes
//! and its photocopy fails Chip Authentication.

mod common;

use chip_reader::AccessKey;
use chip_reader::reader::{Check, ChipReader, CloneDetection, ReaderOptions, VerifyOptions};
use chip_reader::sim::SimCard;
use chip_reader::sim::demo::{demo_card, demo_csca};
use chip_reader::trust::TrustStore;
use der::EncodePem;

#[test]
fn shipped_demo_root_matches_and_signs_the_demo_card() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../config/trust/demo/demo-csca.pem"
    );
    let shipped = std::fs::read_to_string(path).unwrap();
    assert_eq!(
        shipped,
        demo_csca()
            .unwrap()
            .to_pem(der::pem::LineEnding::LF)
            .unwrap()
    );
    assert!(shipped.contains("-----BEGIN CERTIFICATE-----"));
    assert!(
        demo_csca()
            .unwrap()
            .tbs_certificate()
            .subject()
            .to_string()
            .contains("NOT FOR PRODUCTION")
    );
    let trust = TrustStore::load(path).unwrap();

    let mrz = card_reader::sim::specimens::aze_id_card();
    let lines: Vec<&str> = mrz.iter().map(String::as_str).collect();
    let key = AccessKey::from_mrz_lines(&lines).unwrap();
    let opts = VerifyOptions {
        now: common::now(),
        ..VerifyOptions::default()
    };
    for (photocopy, passed) in [(false, true), (true, false)] {
        let card = SimCard::new(demo_card(&lines, photocopy).unwrap().build().unwrap());
        let report = ChipReader::new(card, ReaderOptions::default())
            .read_and_verify(&key, &trust, &opts)
            .unwrap();
        assert!(report.passive_authentication.is_valid());
        let CloneDetection::ChipAuthentication { check, .. } = &report.clone_detection else {
            panic!("{:?}", report.clone_detection)
        };
        assert_eq!(*check == Check::Passed, passed);
    }
}

//! The shipped Azerbaijani CSCA certificates parse, are self-signed with a signature that
//! verifies, and are the three published ones (subjects, validity, fingerprints).

use chip_reader::pa::issued_by;
use chip_reader::trust::TrustStore;
use der::Encode;
use sha2::{Digest, Sha256};

#[test]
fn the_three_az_csca_certificates_are_self_signed_and_as_published() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../config/trust/az");
    let store = TrustStore::load(dir).unwrap();
    let mut seen: Vec<(String, String, String)> = store
        .cscas()
        .iter()
        .map(|c| {
            let tbs = c.tbs_certificate();
            assert_eq!(
                tbs.subject().to_string(),
                "C=AZ,O=MIA,OU=e-passport,CN=AZ-CSCA"
            );
            assert_eq!(tbs.issuer(), tbs.subject());
            assert_eq!(
                c.signature_algorithm().oid.to_string(),
                "1.2.840.113549.1.1.11"
            );
            assert!(issued_by(c, c), "self-signature of {}", tbs.serial_number());
            let v = tbs.validity();
            let fp = hex::encode_upper(Sha256::digest(c.to_der().unwrap()));
            (v.not_before.to_string(), v.not_after.to_string(), fp)
        })
        .collect();
    seen.sort();
    let years: Vec<(&str, &str)> = seen.iter().map(|(a, b, _)| (&a[..4], &b[..4])).collect();
    assert_eq!(
        years,
        vec![("2013", "2028"), ("2018", "2033"), ("2023", "2038")]
    );
    let fps: Vec<&str> = seen.iter().map(|(_, _, f)| f.as_str()).collect();
    assert_eq!(
        fps,
        vec![
            "639DCB947FE8F66DC0892AA6395DAD0B7DF367892234A996883C331AA8097F09",
            "7A2D8C5EF928268BF9B762969EEC93AB725A1D2C2132D0ADA6E5E785C1199996",
            "A083CA8DF5FD24A7921666618A474D89576012F987635D753A86256F236D8ADE",
        ]
    );
    // A flipped byte in a certificate breaks its self-signature.
    let mut der = store.cscas()[0].to_der().unwrap();
    let n = der.len() - 20;
    der[n] ^= 1;
    let broken = TrustStore::from_der_certs([der]).unwrap();
    assert!(!issued_by(&broken.cscas()[0], &broken.cscas()[0]));
}

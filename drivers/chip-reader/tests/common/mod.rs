//! Shared fixtures: a test CSCA and Document Signer (deterministic EC keys) and specimen MRZs.
#![allow(dead_code)]

use chip_reader::ec::Curve;
use chip_reader::sim::pki::{self, SignerKey};
use chip_reader::sim::{DocumentSigner, Personalisation};
use chip_reader::trust::TrustStore;
use chrono::{TimeZone, Utc};
use x509_cert::Certificate;

pub const Y2020: u64 = 1_577_836_800;
pub const Y2035: u64 = 2_051_222_400;
pub const Y2040: u64 = 2_208_988_800;

pub const TD1: [&str; 3] = [
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
];
pub const TD3: [&str; 2] = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C<3UTO6908061F9406236ZE184226B<<<<<10",
];

pub fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
}

pub struct Pki {
    pub csca: Certificate,
    pub csca_key: SignerKey,
    pub signer: DocumentSigner,
}

pub fn pki_named(seed: &str) -> Pki {
    let csca_key = SignerKey::ec_from_seed(Curve::P384, &format!("{seed} csca"));
    let csca =
        pki::csca_certificate(&csca_key, "CN=Test CSCA,O=Test,C=UT", 1, Y2020, Y2040).unwrap();
    let ds_key = SignerKey::ec_from_seed(Curve::P256, &format!("{seed} ds"));
    let cert = pki::ds_certificate(
        &ds_key,
        "CN=Test DS,O=Test,C=UT",
        2,
        Y2020,
        Y2035,
        &csca,
        &csca_key,
    )
    .unwrap();
    Pki {
        csca,
        csca_key,
        signer: DocumentSigner { cert, key: ds_key },
    }
}

pub fn pki() -> Pki {
    pki_named("test")
}

pub fn trust(p: &Pki) -> TrustStore {
    let mut t = TrustStore::new();
    t.add_csca(p.csca.clone());
    t
}

pub fn card(p: &Pki, mrz: &[&str]) -> Personalisation {
    Personalisation::new(mrz, p.signer.clone())
}

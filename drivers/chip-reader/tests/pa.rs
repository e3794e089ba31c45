//! Passive Authentication over SODs made by this crate's test PKI (RustCrypto): a valid
//! document under every signature scheme, and each refusal with its own reason.

use chip_reader::ec::Curve;
use chip_reader::lds;
use chip_reader::pa::{PaFailure, PaOutcome, passive_authentication, verify_files};
use chip_reader::sim::pki::{self, SignerKey};
use chip_reader::sim::sod::{SodOptions, lds_security_object, sign_sod};
use chip_reader::trust::TrustStore;
use chrono::{TimeZone, Utc};
use x509_cert::Certificate;

const Y2020: u64 = 1_577_836_800;
const Y2030: u64 = 1_893_456_000;
const Y2040: u64 = 2_208_988_800;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
}

struct Pki {
    csca: Certificate,
    csca_key: SignerKey,
    ds: Certificate,
    ds_key: SignerKey,
}

fn pki(csca_key: SignerKey, ds_key: SignerKey, ds_until: u64) -> Pki {
    let csca =
        pki::csca_certificate(&csca_key, "CN=Test CSCA,O=Test,C=UT", 1, Y2020, Y2040).unwrap();
    let ds = pki::ds_certificate(
        &ds_key,
        "CN=Test DS,O=Test,C=UT",
        7,
        Y2020,
        ds_until,
        &csca,
        &csca_key,
    )
    .unwrap();
    Pki {
        csca,
        csca_key,
        ds,
        ds_key,
    }
}

fn ec_pki() -> Pki {
    pki(
        SignerKey::ec_from_seed(Curve::P256, "csca"),
        SignerKey::ec_from_seed(Curve::P256, "ds"),
        Y2030,
    )
}

fn dg1() -> Vec<u8> {
    lds::encode_dg1(&[
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ])
}

fn sod_for(p: &Pki, dgs: &[(u8, &[u8])], opts: SodOptions) -> Vec<u8> {
    sign_sod(&lds_security_object(dgs).unwrap(), &p.ds, &p.ds_key, opts).unwrap()
}

fn trust(p: &Pki) -> TrustStore {
    let mut t = TrustStore::new();
    t.add_csca(p.csca.clone());
    t
}

#[test]
fn valid_under_ecdsa_brainpool_rsa_and_pss() {
    let dg1 = dg1();
    let dg15 = vec![0x6F, 0x02, 0x05, 0x00];
    for p in [
        ec_pki(),
        pki(
            SignerKey::ec_from_seed(Curve::BrainpoolP384r1, "c"),
            SignerKey::ec_from_seed(Curve::BrainpoolP256r1, "d"),
            Y2030,
        ),
        pki(
            SignerKey::ec_from_seed(Curve::P384, "c"),
            SignerKey::rsa_random(2048, false).unwrap(),
            Y2030,
        ),
        pki(
            SignerKey::rsa_random(2048, false).unwrap(),
            SignerKey::rsa_random(2048, true).unwrap(),
            Y2030,
        ),
    ] {
        let sod = sod_for(&p, &[(1, &dg1), (15, &dg15)], SodOptions::default());
        let out = passive_authentication(
            &sod,
            &[(1, dg1.clone()), (15, dg15.clone())],
            &trust(&p),
            now(),
        );
        let PaOutcome::Valid(d) = &out else {
            panic!("{out:?}")
        };
        assert_eq!(d.data_groups, vec![1, 15]);
        assert_eq!(d.csca, "CN=Test CSCA,O=Test,C=UT");
        let report =
            serde_json::to_value(verify_files(&sod, &[(1, dg1.clone())], &trust(&p), now()))
                .unwrap();
        assert_eq!(report["passive_authentication"], "valid");
        assert_eq!(report["mrz"][2], "ERIKSSON<<ANNA<MARIA<<<<<<<<<<");
    }
}

#[test]
fn each_forgery_is_refused_with_its_reason() {
    let p = ec_pki();
    let dg1 = dg1();
    let sod = sod_for(&p, &[(1, &dg1)], SodOptions::default());
    let pa = |sod: &[u8], dg: &[u8], t: &TrustStore, when| {
        passive_authentication(sod, &[(1, dg.to_vec())], t, when)
    };

    let mut tampered = dg1.clone();
    let pos = tampered.len() - 3;
    tampered[pos] = b'X';
    assert_eq!(
        pa(&sod, &tampered, &trust(&p), now()).failure(),
        Some(&PaFailure::TamperedDataGroup(1))
    );

    let other = pki(
        SignerKey::ec_from_seed(Curve::P256, "another csca"),
        SignerKey::ec_from_seed(Curve::P256, "ds"),
        Y2030,
    );
    assert_eq!(
        pa(&sod, &dg1, &trust(&other), now()).failure(),
        Some(&PaFailure::UnknownCsca)
    );

    let broken = sod_for(
        &p,
        &[(1, &dg1)],
        SodOptions {
            corrupt_signature: true,
        },
    );
    assert_eq!(
        pa(&broken, &dg1, &trust(&p), now()).failure(),
        Some(&PaFailure::BadSignature)
    );

    let later = Utc.with_ymd_and_hms(2031, 1, 1, 0, 0, 0).unwrap();
    assert_eq!(
        pa(&sod, &dg1, &trust(&p), later).failure(),
        Some(&PaFailure::DsExpired)
    );
    let earlier = Utc.with_ymd_and_hms(2019, 1, 1, 0, 0, 0).unwrap();
    assert_eq!(
        pa(&sod, &dg1, &trust(&p), earlier).failure(),
        Some(&PaFailure::DsNotYetValid)
    );

    let mut revoking = trust(&p);
    revoking.add_crl(pki::crl(&p.csca, &p.csca_key, Y2020 + 86_400, &[&p.ds]).unwrap());
    assert_eq!(
        pa(&sod, &dg1, &revoking, now()).failure(),
        Some(&PaFailure::Revoked)
    );
    let mut clean = trust(&p);
    clean.add_crl(pki::crl(&p.csca, &p.csca_key, Y2020 + 86_400, &[]).unwrap());
    assert!(pa(&sod, &dg1, &clean, now()).is_valid());
    let mut forged_crl = trust(&p);
    forged_crl.add_crl(
        pki::crl(
            &p.csca,
            &SignerKey::ec_from_seed(Curve::P256, "x"),
            Y2020,
            &[],
        )
        .unwrap(),
    );
    assert_eq!(
        pa(&sod, &dg1, &forged_crl, now()).failure(),
        Some(&PaFailure::CrlInvalid)
    );

    let out = passive_authentication(&sod, &[(2, vec![0x75, 0])], &trust(&p), now());
    assert_eq!(out.failure(), Some(&PaFailure::DataGroupNotInSod(2)));
    assert!(matches!(
        pa(&sod[..sod.len() - 5], &dg1, &trust(&p), now()).failure(),
        Some(PaFailure::MalformedSod(_))
    ));

    let report =
        serde_json::to_value(verify_files(&sod, &[(1, tampered)], &trust(&p), now())).unwrap();
    assert_eq!(report["passive_authentication"], "invalid");
    assert_eq!(report["reason"], "tampered_data_group");
    assert!(report.get("mrz").is_none());
}

#[test]
fn trust_store_loads_folders_pem_der_and_crls() {
    use der::{Encode, EncodePem};
    let p = ec_pki();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("csca.pem"),
        p.csca.to_pem(der::pem::LineEnding::LF).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("other.der"),
        ec_pki_other().to_der().unwrap(),
    )
    .unwrap();
    std::fs::write(dir.path().join("README.md"), "notes").unwrap();
    std::fs::write(
        dir.path().join("revoked.crl"),
        pki::crl(&p.csca, &p.csca_key, Y2020, &[&p.ds])
            .unwrap()
            .to_der()
            .unwrap(),
    )
    .unwrap();
    let t = TrustStore::load(dir.path()).unwrap();
    assert_eq!((t.cscas().len(), t.crls().len()), (2, 1));
    let single = TrustStore::load(dir.path().join("csca.pem")).unwrap();
    assert_eq!(single.cscas().len(), 1);
    std::fs::write(dir.path().join("junk.bin"), b"\x01\x02garbage").unwrap();
    assert!(TrustStore::load(dir.path()).is_err());
    assert!(TrustStore::load(dir.path().join("missing")).is_err());
}

fn ec_pki_other() -> Certificate {
    pki::csca_certificate(
        &SignerKey::ec_from_seed(Curve::P384, "o"),
        "CN=Other CSCA,C=XX",
        2,
        Y2020,
        Y2040,
    )
    .unwrap()
}

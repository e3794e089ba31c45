//! Passive Authentication of EF.SODs produced by an independent tool: the `openssl` CLI makes
//! the CSCA, the Document Signer and the CMS signature (`openssl cms -sign -nodetach -binary
//! -econtent_type 2.23.136.1.1.1 -md sha256`) over an LDS security object built here.
//! The test fails (does not skip) when `openssl` is missing.

use std::path::Path;
use std::process::Command;

use chip_reader::lds;
use chip_reader::pa::{PaFailure, passive_authentication};
use chip_reader::sim::sod::lds_security_object;
use chip_reader::tlv;
use chip_reader::trust::TrustStore;
use chrono::{Duration, Utc};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl CLI must be installed (scripts/deps.sh chip)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// CSCA + DS with `alg` ("EC" P-256 or "RSA"), signed SOD over DG1; returns (sod, dg1).
fn make(dir: &Path, alg: &str, extra_sign: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let keygen: Vec<&str> = match alg {
        "EC" => vec!["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
        _ => vec!["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    };
    for k in ["csca.key", "ds.key"] {
        let mut a = vec!["genpkey"];
        a.extend(&keygen);
        a.extend(["-out", k]);
        openssl(dir, &a);
    }
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            "csca.key",
            "-subj",
            "/C=UT/O=OpenSSL Test/CN=OpenSSL CSCA",
            "-days",
            "3650",
            "-sha256",
            "-out",
            "csca.pem",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-key",
            "ds.key",
            "-subj",
            "/C=UT/O=OpenSSL Test/CN=OpenSSL DS",
            "-out",
            "ds.csr",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "ds.csr",
            "-CA",
            "csca.pem",
            "-CAkey",
            "csca.key",
            "-CAcreateserial",
            "-days",
            "365",
            "-sha256",
            "-out",
            "ds.pem",
        ],
    );
    let dg1 = lds::encode_dg1(&[
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C<3UTO6908061F9406236ZE184226B<<<<<10",
    ]);
    let dg14 = vec![0x6E, 0x02, 0x31, 0x00];
    std::fs::write(
        dir.join("ldsso.der"),
        lds_security_object(&[(1, &dg1), (14, &dg14)]).unwrap(),
    )
    .unwrap();
    let mut a = vec![
        "cms",
        "-sign",
        "-nodetach",
        "-binary",
        "-in",
        "ldsso.der",
        "-outform",
        "DER",
        "-econtent_type",
        "2.23.136.1.1.1",
        "-md",
        "sha256",
        "-signer",
        "ds.pem",
        "-inkey",
        "ds.key",
        "-out",
        "sod.der",
    ];
    a.extend(extra_sign);
    openssl(dir, &a);
    let cms = std::fs::read(dir.join("sod.der")).unwrap();
    (tlv::encode(0x77, &cms), dg1)
}

#[test]
fn openssl_made_sods_verify_and_forgeries_do_not() {
    for (alg, extra) in [
        ("EC", &[][..]),
        ("RSA", &[][..]),
        ("RSA", &["-keyopt", "rsa_padding_mode:pss"][..]),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (sod, dg1) = make(dir.path(), alg, extra);
        let trust = TrustStore::load(dir.path().join("csca.pem")).unwrap();
        let now = Utc::now();
        let out = passive_authentication(&sod, &[(1, dg1.clone())], &trust, now);
        assert!(out.is_valid(), "{alg} {extra:?}: {out:?}");

        let mut tampered = dg1.clone();
        let last = tampered.len() - 1;
        tampered[last] = b'9';
        assert_eq!(
            passive_authentication(&sod, &[(1, tampered)], &trust, now).failure(),
            Some(&PaFailure::TamperedDataGroup(1))
        );

        // The DS certificate is valid for a year.
        let out =
            passive_authentication(&sod, &[(1, dg1.clone())], &trust, now + Duration::days(400));
        assert_eq!(out.failure(), Some(&PaFailure::DsExpired));

        // A second openssl CSCA with the same name does not vouch for this DS.
        let other = tempfile::tempdir().unwrap();
        make(other.path(), alg, &[]);
        let stranger = TrustStore::load(other.path().join("csca.pem")).unwrap();
        assert_eq!(
            passive_authentication(&sod, &[(1, dg1.clone())], &stranger, now).failure(),
            Some(&PaFailure::UnknownCsca)
        );

        // One flipped byte inside the CMS signature value.
        let mut broken = sod.clone();
        let at = broken.len() - 10;
        broken[at] ^= 0x40;
        let out = passive_authentication(&broken, &[(1, dg1)], &trust, now);
        assert_eq!(
            out.failure(),
            Some(&PaFailure::BadSignature),
            "{alg} {extra:?}"
        );
    }
}

#[test]
fn a_csca_master_list_signed_by_openssl_loads_as_a_trust_store() {
    let dir = tempfile::tempdir().unwrap();
    let (sod, dg1) = make(dir.path(), "EC", &[]);
    let csca_pem = std::fs::read_to_string(dir.path().join("csca.pem")).unwrap();
    let (_, csca_der) = der::pem::decode_vec(csca_pem.as_bytes()).unwrap();
    let az = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../config/trust/az/az-csca-2023.pem"
    ))
    .unwrap();
    let (_, az_der) = der::pem::decode_vec(az.as_bytes()).unwrap();
    // CscaMasterList ::= SEQUENCE { version INTEGER (0), certList SET OF Certificate }
    let mut list = tlv::encode(0x02, &[0]);
    list.extend_from_slice(&tlv::encode(0x31, &[csca_der, az_der].concat()));
    std::fs::write(dir.path().join("ml.der"), tlv::encode(0x30, &list)).unwrap();
    openssl(
        dir.path(),
        &[
            "cms",
            "-sign",
            "-nodetach",
            "-binary",
            "-in",
            "ml.der",
            "-outform",
            "DER",
            "-econtent_type",
            "2.23.136.1.1.2",
            "-md",
            "sha256",
            "-signer",
            "csca.pem",
            "-inkey",
            "csca.key",
            "-out",
            "masterlist.ml",
        ],
    );
    let trust = TrustStore::load(dir.path().join("masterlist.ml")).unwrap();
    assert_eq!(trust.cscas().len(), 2);
    assert!(passive_authentication(&sod, &[(1, dg1)], &trust, Utc::now()).is_valid());
    // A CMS that is not a master list is refused with the file named.
    let err = TrustStore::load(dir.path().join("sod.der")).unwrap_err();
    assert!(err.to_string().contains("sod.der"), "{err}");
}

//! `dost-kiosk chip verify` against an EF.SOD made by an independent tool at test time: the
//! `openssl` CLI makes the CSCA and the Document Signer (`req`, `x509`), the LDS security
//! object (`asn1parse -genconf`, with the data group's hash from `dgst`), and the CMS
//! signature (`cms -sign -nodetach -binary -econtent_type 2.23.136.1.1.1`). Exit codes: 0
//! valid, 2 invalid, 1 when it could not run. Fails (never skips) when `openssl` is missing.

use std::path::Path;
use std::process::{Command, Output};

/// The ICAO 9303-11 specimen TD1 MRZ (Anna Maria Eriksson).
const MRZ: [&str; 3] = [
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
];

fn openssl(dir: &Path, args: &[&str]) -> Vec<u8> {
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
    out.stdout
}

/// A CSCA named `name` (P-256) in `dir`/`name`.pem with its key.
fn csca(dir: &Path, name: &str) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &format!("{name}.key"),
            "-subj",
            &format!("/C=UT/O=OpenSSL Test/CN={name}"),
            "-days",
            "3650",
            "-sha256",
            "-out",
            &format!("{name}.pem"),
        ],
    );
}

/// DG1 (tag 61 › 5F1F) of the specimen, the CSCA `csca`, a DS under it and EF.SOD (tag 77)
/// over DG1, all in `dir`.
fn make_document(dir: &Path) {
    let mrz = MRZ.concat();
    let mut dg1 = vec![0x61, 0x5D, 0x5F, 0x1F, 0x5A];
    dg1.extend_from_slice(mrz.as_bytes());
    std::fs::write(dir.join("dg1.bin"), &dg1).unwrap();
    csca(dir, "csca");
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ds.key",
            "-subj",
            "/C=UT/O=OpenSSL Test/CN=Document Signer",
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
    let digest = String::from_utf8(openssl(dir, &["dgst", "-sha256", "-r", "dg1.bin"])).unwrap();
    let hash = digest.split_whitespace().next().unwrap().to_owned();
    assert_eq!(hash.len(), 64, "{digest}");
    // LDSSecurityObject ::= SEQUENCE { version, hashAlgorithm, SEQUENCE OF DataGroupHash }
    std::fs::write(
        dir.join("ldsso.cnf"),
        format!(
            "asn1 = SEQUENCE:lds\n[lds]\nversion = INTEGER:0\nalg = SEQUENCE:alg\nhashes = SEQUENCE:hashes\n\
             [alg]\noid = OID:sha256\n[hashes]\ndg1 = SEQUENCE:dg1\n[dg1]\nnumber = INTEGER:1\n\
             hash = FORMAT:HEX,OCTETSTRING:{hash}\n"
        ),
    )
    .unwrap();
    openssl(
        dir,
        &[
            "asn1parse",
            "-genconf",
            "ldsso.cnf",
            "-out",
            "ldsso.der",
            "-noout",
        ],
    );
    openssl(
        dir,
        &[
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
            "cms.der",
        ],
    );
    // EF.SOD is the CMS in application tag 23 (0x77).
    let cms = std::fs::read(dir.join("cms.der")).unwrap();
    let n = u16::try_from(cms.len()).unwrap().to_be_bytes();
    let mut sod = vec![0x77, 0x82, n[0], n[1]];
    sod.extend_from_slice(&cms);
    std::fs::write(dir.join("sod.bin"), sod).unwrap();
}

fn verify(dir: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value, Output) {
    let out = Command::new(env!("CARGO_BIN_EXE_dost-kiosk"))
        .current_dir(dir)
        .args(["chip", "verify"])
        .args(args)
        .output()
        .expect("runs");
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code(), json, out)
}

#[test]
fn chip_verify_checks_an_ef_sod_made_by_openssl() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    make_document(d);
    let ok = [
        "--csca",
        "csca.pem",
        "--sod",
        "sod.bin",
        "--dg",
        "1=dg1.bin",
        "--json",
    ];

    let (code, json, out) = verify(d, &ok);
    assert_eq!(code, Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json["passive_authentication"], "valid", "{json}");
    assert_eq!(json["mrz"], serde_json::json!(MRZ));
    assert!(json.get("reason").is_none());
    // A folder of certificates works the same (the CSCA is the only certificate in it).
    let trust = d.join("trust");
    std::fs::create_dir(&trust).unwrap();
    std::fs::copy(d.join("csca.pem"), trust.join("csca.pem")).unwrap();
    let (code, _, _) = verify(
        d,
        &["--csca", "trust", "--sod", "sod.bin", "--dg", "1=dg1.bin"],
    );
    assert_eq!(code, Some(0));

    // One changed character of DG1's name: invalid, tampered data group, no MRZ shown.
    let mut dg1 = std::fs::read(d.join("dg1.bin")).unwrap();
    let at = dg1.len() - 3;
    dg1[at] = b'X';
    std::fs::write(d.join("dg1-tampered.bin"), &dg1).unwrap();
    let (code, json, _) = verify(
        d,
        &[
            "--csca",
            "csca.pem",
            "--sod",
            "sod.bin",
            "--dg",
            "1=dg1-tampered.bin",
            "--json",
        ],
    );
    assert_eq!(code, Some(2));
    assert_eq!(json["passive_authentication"], "invalid");
    assert_eq!(json["reason"], "tampered_data_group");
    assert!(json.get("mrz").is_none(), "no MRZ from an invalid document");

    // Another root: unknown CSCA.
    csca(d, "stranger");
    let (code, json, _) = verify(
        d,
        &[
            "--csca",
            "stranger.pem",
            "--sod",
            "sod.bin",
            "--dg",
            "1=dg1.bin",
            "--json",
        ],
    );
    assert_eq!(code, Some(2));
    assert_eq!(json["reason"], "unknown_csca");

    // Without --json: one human line, same exit code.
    let (code, _, out) = verify(
        d,
        &[
            "--csca",
            "stranger.pem",
            "--sod",
            "sod.bin",
            "--dg",
            "1=dg1.bin",
        ],
    );
    assert_eq!(code, Some(2));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("INVALID (unknown_csca)"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn chip_verify_could_not_run_is_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    make_document(d);
    std::fs::write(d.join("garbage.pem"), b"not a certificate").unwrap();
    for (name, args) in [
        (
            "unreadable EF.SOD",
            vec![
                "--csca",
                "csca.pem",
                "--sod",
                "missing.bin",
                "--dg",
                "1=dg1.bin",
            ],
        ),
        (
            "unreadable data group",
            vec![
                "--csca",
                "csca.pem",
                "--sod",
                "sod.bin",
                "--dg",
                "1=nowhere.bin",
            ],
        ),
        (
            "unreadable trust store",
            vec![
                "--csca",
                "garbage.pem",
                "--sod",
                "sod.bin",
                "--dg",
                "1=dg1.bin",
            ],
        ),
        (
            "bad --dg",
            vec![
                "--csca",
                "csca.pem",
                "--sod",
                "sod.bin",
                "--dg",
                "one=dg1.bin",
            ],
        ),
        (
            "data group 0",
            vec![
                "--csca",
                "csca.pem",
                "--sod",
                "sod.bin",
                "--dg",
                "0=dg1.bin",
            ],
        ),
        ("no --csca", vec!["--sod", "sod.bin", "--dg", "1=dg1.bin"]),
        ("no --dg", vec!["--csca", "csca.pem", "--sod", "sod.bin"]),
        (
            "unknown flag",
            vec![
                "--csca",
                "csca.pem",
                "--sod",
                "sod.bin",
                "--dg",
                "1=dg1.bin",
                "--frobnicate",
            ],
        ),
    ] {
        let (code, json, out) = verify(d, &args);
        assert_eq!(
            code,
            Some(1),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(json, serde_json::Value::Null, "{name}: nothing on stdout");
        assert!(!out.stderr.is_empty(), "{name}: says why");
    }
    // A garbled EF.SOD is a document that does not verify, not a failure to run.
    std::fs::write(d.join("garbled.bin"), [0x77, 0x03, 0x30, 0x01, 0x00]).unwrap();
    let (code, json, _) = verify(
        d,
        &[
            "--csca",
            "csca.pem",
            "--sod",
            "garbled.bin",
            "--dg",
            "1=dg1.bin",
            "--json",
        ],
    );
    assert_eq!(code, Some(2));
    assert_eq!(json["reason"], "malformed_sod");
}

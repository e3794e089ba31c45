//! The whole read through the in-process simulator: access, files, Passive Authentication
//! and clone detection for genuine cards, and each forged card refused for its own reason.

mod common;

use chip_reader::apdu;
use chip_reader::compare::{MrzComparison, compare_mrz};
use chip_reader::crypto::Cipher;
use chip_reader::ec::Curve;
use chip_reader::pa::PaFailure;
use chip_reader::pace::PaceParams;
use chip_reader::reader::{
    AccessPreference, AccessProtocol, Check, ChipError, ChipReader, CloneDetection, ReaderOptions,
    VerifyOptions,
};
use chip_reader::sim::{AaKey, CaKey, Forgery, SimAccess, SimCard};
use chip_reader::transport::TransportError;
use chip_reader::{AccessKey, sim::pki::SignerKey};
use common::*;

fn opts() -> VerifyOptions {
    VerifyOptions {
        now: now(),
        ..VerifyOptions::default()
    }
}

fn read(card: SimCard, mrz: &[&str]) -> Result<chip_reader::reader::ChipReport, ChipError> {
    let p = pki();
    let key = AccessKey::from_mrz_lines(mrz).unwrap();
    ChipReader::new(card, ReaderOptions::default()).read_and_verify(&key, &trust(&p), &opts())
}

fn ca(curve: Curve, cipher: Cipher) -> CaKey {
    CaKey {
        curve,
        cipher,
        secret: curve.random_scalar().unwrap(),
    }
}

fn aa_ec() -> AaKey {
    AaKey::Ec {
        curve: Curve::P256,
        secret: Curve::P256.random_scalar().unwrap(),
    }
}

#[test]
fn genuine_cards_pass_with_every_access_and_clone_check() {
    let p = pki();
    let cases = [
        (SimAccess::Bac, Some(ca(Curve::P256, Cipher::Tdes)), None),
        (
            SimAccess::Pace(PaceParams {
                curve: Curve::BrainpoolP256r1,
                cipher: Cipher::Aes128,
            }),
            Some(ca(Curve::BrainpoolP256r1, Cipher::Aes128)),
            None,
        ),
        (
            SimAccess::Pace(PaceParams {
                curve: Curve::P384,
                cipher: Cipher::Aes256,
            }),
            Some(ca(Curve::P384, Cipher::Aes256)),
            Some(aa_ec()),
        ),
        (
            SimAccess::Pace(PaceParams {
                curve: Curve::BrainpoolP384r1,
                cipher: Cipher::Aes192,
            }),
            None,
            Some(aa_ec()),
        ),
        (
            SimAccess::Pace(PaceParams {
                curve: Curve::P256,
                cipher: Cipher::Tdes,
            }),
            None,
            None,
        ),
    ];
    for (access, ca_key, aa_key) in cases {
        let mut perso = card(&p, &TD1).access(access);
        if let Some(k) = ca_key.clone() {
            perso = perso.chip_authentication(k);
        }
        if let Some(k) = aa_key.clone() {
            perso = perso.active_authentication(k);
        }
        let report = read(SimCard::new(perso.build().unwrap()), &TD1).unwrap();
        match access {
            SimAccess::Bac => assert_eq!(report.access, AccessProtocol::Bac),
            SimAccess::Pace(p) => assert_eq!(
                report.access,
                AccessProtocol::PaceGm {
                    curve: p.curve,
                    cipher: p.cipher
                }
            ),
        }
        assert!(
            report.passive_authentication.is_valid(),
            "{:?}",
            report.passive_authentication
        );
        assert_eq!(report.mrz, TD1);
        assert_eq!(compare_mrz(&report.mrz, &TD1), MrzComparison::Equal);
        match (&ca_key, &aa_key) {
            (Some(_), _) => assert!(matches!(
                report.clone_detection,
                CloneDetection::ChipAuthentication {
                    check: Check::Passed,
                    ..
                }
            )),
            (None, Some(_)) => assert!(matches!(
                report.clone_detection,
                CloneDetection::ActiveAuthentication {
                    check: Check::Passed,
                    ..
                }
            )),
            (None, None) => assert_eq!(report.clone_detection, CloneDetection::PassiveOnly),
        }
        assert!(report.traffic.apdus > 5);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json["passive_authentication"]["passive_authentication"],
            "valid"
        );
        assert!(!format!("{report:?}").contains("ERIKSSON"));
    }
}

#[test]
fn rsa_active_authentication_with_a_challenge_from_outside() {
    let p = pki();
    let SignerKey::Rsa(k) = SignerKey::rsa_random(1024, false).unwrap() else {
        unreachable!()
    };
    let profile = card(&p, &TD3)
        .active_authentication(AaKey::Rsa(k))
        .build()
        .unwrap();
    let key = AccessKey::from_mrz_lines(&TD3).unwrap();
    let challenge = [1, 2, 3, 4, 5, 6, 7, 8];
    let o = VerifyOptions {
        aa_challenge: Some(challenge),
        ..opts()
    };
    let report = ChipReader::new(SimCard::new(profile), ReaderOptions::default())
        .read_and_verify(&key, &trust(&p), &o)
        .unwrap();
    let CloneDetection::ActiveAuthentication {
        check,
        challenge: c,
        signature,
        ..
    } = &report.clone_detection
    else {
        panic!()
    };
    assert_eq!(check, &Check::Passed);
    assert_eq!(c, &challenge);
    assert_eq!(signature.len(), 128);
    // A third party re-checks the signature with DG15 alone.
    let dg15 = chip_reader::lds::parse_dg15(report.dg15.as_ref().unwrap()).unwrap();
    chip_reader::auth::verify_aa(&dg15, None, &challenge, signature).unwrap();
    assert!(chip_reader::auth::verify_aa(&dg15, None, &[0; 8], signature).is_err());
}

#[test]
fn forged_cards_are_refused_for_their_own_reason() {
    let p = pki();
    let forged = |f: Forgery| {
        SimCard::new(
            card(&p, &TD1)
                .chip_authentication(ca(Curve::P256, Cipher::Aes128))
                .forgery(f)
                .build()
                .unwrap(),
        )
    };

    let r = read(
        forged(Forgery {
            tamper_dg1_after_signing: true,
            ..Forgery::default()
        }),
        &TD1,
    )
    .unwrap();
    assert_eq!(
        r.passive_authentication.failure(),
        Some(&PaFailure::TamperedDataGroup(1))
    );

    let r = read(
        forged(Forgery {
            corrupt_signature: true,
            ..Forgery::default()
        }),
        &TD1,
    )
    .unwrap();
    assert_eq!(
        r.passive_authentication.failure(),
        Some(&PaFailure::BadSignature)
    );

    let r = read(
        forged(Forgery {
            clone_keys: true,
            ..Forgery::default()
        }),
        &TD1,
    )
    .unwrap();
    assert!(r.passive_authentication.is_valid());
    assert!(
        matches!(
            r.clone_detection,
            CloneDetection::ChipAuthentication {
                check: Check::Failed(_),
                ..
            }
        ),
        "{:?}",
        r.clone_detection
    );

    let aa_clone = card(&p, &TD1)
        .active_authentication(aa_ec())
        .forgery(Forgery {
            clone_keys: true,
            ..Forgery::default()
        })
        .build()
        .unwrap();
    let r = read(SimCard::new(aa_clone), &TD1).unwrap();
    assert!(matches!(
        r.clone_detection,
        CloneDetection::ActiveAuthentication {
            check: Check::Failed(_),
            ..
        }
    ));

    let other: Vec<String> = vec![
        TD1[0].into(),
        TD1[1].into(),
        "ERIKSSON<<ANNE<MARIA<<<<<<<<<<".into(),
    ];
    let r = read(
        forged(Forgery {
            chip_mrz: Some(other),
            ..Forgery::default()
        }),
        &TD1,
    )
    .unwrap();
    assert!(r.passive_authentication.is_valid());
    assert_eq!(
        compare_mrz(&r.mrz, &TD1),
        MrzComparison::Differs {
            line: 3,
            column: 14
        }
    );

    let stranger = pki_named("unknown");
    let card_of_stranger = SimCard::new(card(&stranger, &TD1).build().unwrap());
    let r = read(card_of_stranger, &TD1).unwrap();
    assert_eq!(
        r.passive_authentication.failure(),
        Some(&PaFailure::UnknownCsca)
    );
}

#[test]
fn a_card_pulled_mid_read_gives_an_error_and_no_report() {
    let p = pki();
    for n in [1, 3, 6, 9, 12] {
        let profile = card(&p, &TD1)
            .access(SimAccess::Pace(PaceParams {
                curve: Curve::P256,
                cipher: Cipher::Aes128,
            }))
            .forgery(Forgery {
                remove_after_apdus: Some(n),
                ..Forgery::default()
            })
            .build()
            .unwrap();
        let err = read(SimCard::new(profile), &TD1).unwrap_err();
        assert!(
            matches!(err, ChipError::Transport(TransportError::CardRemoved)),
            "after {n}: {err}"
        );
    }
}

#[test]
fn wrong_mrz_is_refused_by_bac_and_pace() {
    let p = pki();
    // The printed card says born 740812; a misread birth date opens nothing.
    let wrong_key = AccessKey::from_fields("D23145890", "740813", "120415").unwrap();
    let bac_card = SimCard::new(card(&p, &TD1).build().unwrap());
    let err = ChipReader::new(bac_card, ReaderOptions::default())
        .read_and_verify(&wrong_key, &trust(&p), &opts())
        .unwrap_err();
    assert!(
        matches!(
            err,
            ChipError::Status {
                step: "EXTERNAL AUTHENTICATE",
                ..
            }
        ),
        "{err}"
    );
    let pace_card = SimCard::new(
        card(&p, &TD1)
            .access(SimAccess::Pace(PaceParams {
                curve: Curve::P256,
                cipher: Cipher::Aes128,
            }))
            .build()
            .unwrap(),
    );
    let err = ChipReader::new(pace_card, ReaderOptions::default())
        .read_and_verify(&wrong_key, &trust(&p), &opts())
        .unwrap_err();
    assert!(
        matches!(err, ChipError::Pace(_) | ChipError::Status { .. }),
        "{err}"
    );
}

#[test]
fn small_chunks_and_bac_only_preference_still_read_everything() {
    let p = pki();
    let profile = card(&p, &TD3)
        .access(SimAccess::Pace(PaceParams {
            curve: Curve::P256,
            cipher: Cipher::Aes128,
        }))
        .build()
        .unwrap();
    let key = AccessKey::from_mrz_lines(&TD3).unwrap();
    let o = VerifyOptions {
        max_read_chunk: 16,
        ..opts()
    };
    let mut reader = ChipReader::new(
        SimCard::new(profile),
        ReaderOptions {
            access: AccessPreference::BacOnly,
        },
    );
    let small = reader.read_and_verify(&key, &trust(&p), &o).unwrap();
    assert_eq!(small.access, AccessProtocol::Bac);
    assert!(small.passive_authentication.is_valid());
    let big = reader.read_and_verify(&key, &trust(&p), &opts()).unwrap();
    assert!(small.traffic.apdus > big.traffic.apdus);
    assert_eq!(small.ef_sod, big.ef_sod);
    // Every command the reader sent fits a short APDU.
    assert!(
        apdu::read_binary(0, 0xDF)
            .unwrap()
            .to_bytes()
            .unwrap()
            .len()
            <= 5
    );
}

#[test]
fn a_chip_refusing_its_advertised_pace_is_read_with_bac() {
    let p = pki();
    let mut profile = card(&p, &TD1)
        .access(SimAccess::Pace(PaceParams {
            curve: Curve::P256,
            cipher: Cipher::Aes128,
        }))
        .build()
        .unwrap();
    // EF.CardAccess advertises PACE-GM AES-256 on brainpoolP384r1, which this chip refuses.
    profile.files.insert(
        apdu::fid::CARD_ACCESS,
        hex::decode("31143012060A04007F00070202040204020102020110").unwrap(),
    );
    let r = read(SimCard::new(profile), &TD1).unwrap();
    assert_eq!(r.access, AccessProtocol::Bac);
    assert!(r.passive_authentication.is_valid());
    let json = serde_json::to_value(&r).unwrap();
    assert!(json.get("dg15").is_none());
    assert_eq!(json["access"]["protocol"], "BAC");
}

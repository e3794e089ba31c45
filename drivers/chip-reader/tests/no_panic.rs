//! Parsers of chip data never panic, whatever the bytes: TLV, APDUs, LDS files,
//! SecurityInfos, EF.SOD / Passive Authentication, trust material, secure messaging, and
//! the card simulator fed garbage APDUs.

mod common;

use chip_reader::apdu::{Command, Response};
use chip_reader::crypto::Cipher;
use chip_reader::sim::SimCard;
use chip_reader::sim::sod::{SodOptions, lds_security_object, sign_sod};
use chip_reader::sm::SecureMessaging;
use chip_reader::trust::TrustStore;
use chip_reader::{AccessKey, lds, pa, tlv};
use proptest::prelude::*;

fn valid_sod() -> (Vec<u8>, Vec<u8>) {
    static SOD: std::sync::OnceLock<(Vec<u8>, Vec<u8>)> = std::sync::OnceLock::new();
    SOD.get_or_init(make_sod).clone()
}

fn make_sod() -> (Vec<u8>, Vec<u8>) {
    let p = common::pki();
    let dg1 = lds::encode_dg1(&common::TD1);
    let sod = sign_sod(
        &lds_security_object(&[(1, &dg1)]).unwrap(),
        &p.signer.cert,
        &p.signer.key,
        SodOptions::default(),
    )
    .unwrap();
    (sod, dg1)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn tlv_and_lds_parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = tlv::parse(&bytes);
        let _ = tlv::parse_all(&bytes);
        let _ = tlv::parse_header(&bytes);
        let _ = lds::parse_com(&bytes);
        let _ = lds::parse_dg1(&bytes);
        let _ = lds::parse_dg14(&bytes);
        let _ = lds::parse_dg15(&bytes);
        let _ = lds::parse_security_infos("EF.CardAccess", &bytes);
        let _ = lds::LdsSecurityObject::from_der_bytes(&bytes);
        let _ = Command::parse(&bytes);
        let _ = Response::parse(&bytes);
        let _ = TrustStore::new().add_bytes(&bytes);
        let _ = pa::parse_sod(&bytes);
    }

    #[test]
    fn tlv_round_trips(tag in prop_oneof![Just(0x61u32), Just(0x5F1F), Just(0x7F49), Just(0x30)], value in proptest::collection::vec(any::<u8>(), 0..1000)) {
        let enc = tlv::encode(tag, &value);
        let t = tlv::parse_single(&enc).unwrap();
        prop_assert_eq!(t.tag, tag);
        prop_assert_eq!(t.value, &value[..]);
        // Any strict prefix is incomplete, never malformed and never a panic.
        let cut = enc.len() / 2;
        let incomplete = matches!(tlv::parse(&enc[..cut]), Err(tlv::TlvError::Incomplete { .. }));
        prop_assert!(incomplete);
    }

    #[test]
    fn secure_messaging_refuses_garbage_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        for c in [Cipher::Tdes, Cipher::Aes128] {
            let mut sm = SecureMessaging::with_zero_ssc(c, &vec![1; c.key_len()], &vec![2; c.key_len()]).unwrap();
            if let Ok(r) = Response::parse(&bytes) {
                prop_assert!(sm.unwrap(&r).is_err() || bytes.len() >= 14);
            }
            if let Ok(cmd) = Command::parse(&bytes) {
                let _ = sm.unwrap_command(&cmd);
            }
        }
    }

    #[test]
    fn access_key_never_panics(lines in proptest::collection::vec("[0-9A-Z<]{0,46}", 0..4)) {
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let _ = AccessKey::from_mrz_lines(&refs);
    }
}

#[test]
fn the_unmutated_sod_passes() {
    let (sod, dg1) = valid_sod();
    assert!(
        pa::passive_authentication(
            &sod,
            &[(1, dg1)],
            &common::trust(&common::pki()),
            common::now()
        )
        .is_valid()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn mutated_sods_never_panic_and_never_pass(pos in any::<prop::sample::Index>(), xor in 1u8..=255) {
        let (mut sod, dg1) = valid_sod();
        let trust = common::trust(&common::pki());
        let i = pos.index(sod.len());
        sod[i] ^= xor;
        let out = pa::passive_authentication(&sod, &[(1, dg1)], &trust, common::now());
        prop_assert!(!out.is_valid(), "byte {} xor {:02x} still valid", i, xor);
    }

    #[test]
    fn the_simulated_card_survives_garbage_apdus(apdus in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 1..20)) {
        let p = common::pki();
        let mut card = SimCard::new(common::card(&p, &common::TD1).build().unwrap());
        for a in apdus {
            let r = card.process(&a);
            prop_assert!(r.len() >= 2);
        }
    }
}

//! AES secure messaging against a real card's trace (a German document after PACE, session
//! keys and APDUs as published with the gmrtd reader's tests): the commands this driver
//! wraps must equal the recorded ones byte for byte, and the recorded answers must verify.

use chip_reader::apdu::{self, Command, Response};
use chip_reader::crypto::Cipher;
use chip_reader::sm::{SecureMessaging, SmError};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn session() -> SecureMessaging {
    SecureMessaging::with_zero_ssc(
        Cipher::Aes128,
        &h("a8e85e938514ec67ae33cda3d43d3c48"),
        &h("27f1adeb705a049a305b0c619b14b9b3"),
    )
    .unwrap()
}

#[test]
fn aes_secure_messaging_matches_a_recorded_trace() {
    let select = h("0ca4020c1d87110147ee2e3bd440fb596167f2bb6cd6395e8e08a105747484314bcf00");
    // Recover the file the terminal selected through the card side, then re-wrap it.
    let mut card = session();
    let plain = card
        .unwrap_command(&Command::parse(&select).unwrap())
        .unwrap();
    assert_eq!((plain.ins, plain.p1, plain.p2), (0xA4, 0x02, 0x0C));
    assert_eq!(plain.data.len(), 2);
    let fid = u16::from_be_bytes([plain.data[0], plain.data[1]]);

    let mut sm = session();
    assert_eq!(
        sm.wrap(&apdu::select_ef(fid)).unwrap().to_bytes().unwrap(),
        select
    );
    let r = sm
        .unwrap(&Response::parse(&h("990290008e085f570baddd1002d29000")).unwrap())
        .unwrap();
    assert_eq!(r.sw, 0x9000);
    assert_eq!(
        sm.wrap(&apdu::read_binary(0, 4).unwrap())
            .unwrap()
            .to_bytes()
            .unwrap(),
        h("0cb000000d9701048e085d283ec183cbb99800")
    );
    let r = sm
        .unwrap(
            &Response::parse(&h(
                "871101d688d27a6d16f03619e76dcb59c1f1ec990290008e08b7df9a5982bb17299000",
            ))
            .unwrap(),
        )
        .unwrap();
    assert_eq!(r.data.len(), 4);
    // The four bytes are a TLV header; the recorded reader then reads 256 bytes at offset 4.
    assert!(chip_reader::tlv::parse_header(&r.data).is_ok());
    assert_eq!(
        sm.wrap(&apdu::read_binary(4, 256).unwrap())
            .unwrap()
            .to_bytes()
            .unwrap(),
        h("0cb000040d9701008e08a893fca2cd1cb17d00")
    );
}

#[test]
fn a_flipped_bit_in_a_recorded_answer_is_refused() {
    let mut sm = session();
    sm.wrap(&apdu::select_ef(0x011E)).unwrap();
    let r = Response::parse(&h("990290008e085f570baddd1002d39000")).unwrap();
    assert_eq!(sm.unwrap(&r), Err(SmError::BadMac));
}

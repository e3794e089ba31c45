//! Feeds arbitrary bytes to every parser of chip data: BER-TLV, APDUs, LDS files,
//! SecurityInfos, EF.SOD and Passive Authentication, trust material, and the card simulator.
//!
//!     cargo +nightly fuzz run parse_chip_data
#![no_main]

use chip_reader::apdu::{Command, Response};
use chip_reader::trust::TrustStore;
use chip_reader::{lds, pa, tlv};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = tlv::parse(data);
    let _ = tlv::parse_all(data);
    let _ = lds::parse_com(data);
    let _ = lds::parse_dg1(data);
    let _ = lds::parse_dg14(data);
    let _ = lds::parse_dg15(data);
    let _ = lds::parse_security_infos("EF.CardAccess", data);
    let _ = Command::parse(data);
    let _ = Response::parse(data);
    let _ = TrustStore::new().add_bytes(data);
    let trust = TrustStore::new();
    let _ = pa::passive_authentication(data, &[(1, data.to_vec())], &trust, chrono::Utc::now());
});

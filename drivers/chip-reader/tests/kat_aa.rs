//! Active Authentication against a real card's recorded exchange (RSA-1800, ISO/IEC 9796-2,
//! published with the gmrtd reader's tests): the protected INTERNAL AUTHENTICATE this driver
//! sends equals the recorded one, the recorded answer unwraps to the signature, and the
//! signature verifies with the card's DG15 key — and not for another challenge.

use chip_reader::apdu::{self, Response};
use chip_reader::auth::{AaScheme, verify_aa};
use chip_reader::crypto::Cipher;
use chip_reader::lds;
use chip_reader::sm::SecureMessaging;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

const DG15: &str = "6F8201023081FF300D06092A864886F70D01010105000381ED003081E90281E100BB8F93F4DC95E205CDA17C6927AB1E365B13065D03CD12E0FCE95D96840529453202F56CC4C13F77CD062930C8BC89A2873B257045C286E601CF3C09323A53103314902804AA10A314628CE222206A8866946A36B442041BB54AC81E6855DD1D6E16101833D65A191C20AC8B33B8A1A32920F46043F8031CF2BC17417030865FC5BE5A39DEE423BCBA3CA8177168EB23CFE01BA43EC87711B1CFFF85DB46F300DD8AE317B50D543B573E119E23AF7070D0B2FED6A3B2313A5EC02A531AAED1741F4390D1013E2A0F081EAC5DC8B0A1B2C6BDB1206F08D30E3643E1E5BDF536110203010001";
const SIGNATURE: &str = "474256306840c0ab1b63c10e1c26bdfef4a0dd843920283cc4e6e70a60f2bd25dc7725f9677bc1cde66379dc28b38e8490f33afb2d10f9980c44c0bfc175d2b6684218f535c92fdd3e18db770a9ccbf91db3c7f0138e6d9e94b9bc8371761e3abed5e5e9b260279cfb238b58ae0d6a01da51c74c2a3ecd62c448bd9f20127f7384587287fa971204234e55b1a856c3e5aaaa620bb799a68fbae08ee132bb61683eba9b0b40dc1e54641cad975b16991cab50af82e3f3985afd19e7427a125f5b4b9878b12a5d2e01c7eedca3bb41c6fc05dccd818bce379d04b1f2f5d43487d3";

#[test]
fn recorded_rsa_active_authentication_verifies() {
    let mut sm = SecureMessaging::new(
        Cipher::Tdes,
        &h("b99d546108eaa251570876b6d3456dce"),
        &h("e3857ca24946251c151c540e13f2cd51"),
        &h("00000000000000cc"),
    )
    .unwrap();
    let challenge: [u8; 8] = h("96302b0f3d7e7864").try_into().unwrap();
    let cmd = sm.wrap(&apdu::internal_authenticate(&challenge)).unwrap();
    assert_eq!(
        cmd.to_bytes().unwrap(),
        h("0c88000020871101ed7f8cb47a4eea086324a7f9dd7427809701008e0897f54bae49aa71f800")
    );
    let answer = h(
        "8781e901d04ca80f527df94f4a430d3d6e6cb6c2af4c6756c068a93132d147fa27833125304132981b8bd8009448e89f259eec8552b54285cef9d8f1b7fb31b9f279221c7e925f4951811f3fe2e01d76e68dbc7cde9c873c5f61862f3c5469792a72f92c8943b890436f5e9feaead9f2a361fcd7a615493d1b3519865f32ee9a125886588eb21fee0e709353d0731139fdc958d6b2127fad6947b438998b526819803f70f78614cd42f4a6619c6af95dfd2ab09bedf71e707abc39a250aee68006d522ad37d159674984a07d11c001022c853aeb7acdb059ede5721a3b9f20441bda7e242ee8df1369d25316990290008e08fd2493147866f0ed9000",
    );
    let r = sm.unwrap(&Response::parse(&answer).unwrap()).unwrap();
    assert_eq!(r.data, h(SIGNATURE));
    assert_eq!(sm.ssc(), &h("00000000000000ce")[..]);

    let key = lds::parse_dg15(&h(DG15)).unwrap();
    assert_eq!(
        verify_aa(&key, None, &challenge, &r.data),
        Ok(AaScheme::Rsa9796)
    );
    let mut other = challenge;
    other[7] ^= 1;
    assert!(verify_aa(&key, None, &other, &r.data).is_err());
    let mut forged = r.data.clone();
    forged[100] ^= 1;
    assert!(verify_aa(&key, None, &challenge, &forged).is_err());
}

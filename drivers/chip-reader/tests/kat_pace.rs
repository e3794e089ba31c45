//! PACE ECDH Generic Mapping against published worked examples: ICAO 9303-11 Appendix G.1
//! (brainpoolP256r1, AES-128, MRZ T22000129 / 640812 / 101031), and a 3DES trace of a real
//! card published with the gmrtd reader's tests (brainpoolP256r1, MRZ LM277954).

use chip_reader::AccessKey;
use chip_reader::crypto::Cipher;
use chip_reader::ec::Curve;
use chip_reader::pace::{PaceCard, PaceParams, PaceTerminal};
use const_oid::ObjectIdentifier;
use zeroize::Zeroizing;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn sk(s: &str) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(h(s))
}

#[test]
fn icao_9303_11_appendix_g1_terminal_side() {
    let params =
        PaceParams::from_info(&ObjectIdentifier::new_unwrap("0.4.0.127.0.7.2.2.4.2.2"), 13)
            .unwrap();
    assert_eq!(
        params,
        PaceParams {
            curve: Curve::BrainpoolP256r1,
            cipher: Cipher::Aes128
        }
    );
    let key = AccessKey::from_fields("T22000129", "640812", "101031").unwrap();
    let mut t = PaceTerminal::new(params, &key);
    assert_eq!(
        t.mse_set_at(false).to_bytes().unwrap(),
        h("0022C1A40F800A04007F00070202040202830101")
    );
    assert_eq!(t.nonce_command().to_bytes().unwrap(), h("10860000027C0000"));
    let cmd = t
        .map_command(
            &h("7C12801095A3A016522EE98D01E76CB6B98B42C3"),
            sk("7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99"),
        )
        .unwrap();
    assert_eq!(
        cmd.to_bytes().unwrap(),
        h(
            "10860000457C438141047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D00"
        )
    );
    let cmd = t
        .key_agreement_command(
            &h("7C43824104824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F5730D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54"),
            sk("A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595"),
        )
        .unwrap();
    assert_eq!(
        cmd.to_bytes().unwrap(),
        h(
            "10860000457C438341042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB3646200"
        )
    );
    let cmd = t
        .token_command(&h("7C438441049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094"))
        .unwrap();
    assert_eq!(
        cmd.to_bytes().unwrap(),
        h("008600000C7C0A8508C2B0BD78D94BA86600")
    );
    let (k_enc, k_mac) = t.session_keys().unwrap();
    assert_eq!(k_enc, &h("F5F0E35C0D7161EE6724EE513A0D9A7F")[..]);
    assert_eq!(k_mac, &h("FE251C7858B356B24514B3BD5F4297D1")[..]);
    let sm = t.finish(&h("7C0A86083ABB9674BCE93C08")).unwrap();
    assert_eq!(sm.ssc(), &[0u8; 16][..]);
    // A flipped token bit is refused.
    assert!(t.finish(&h("7C0A86083ABB9674BCE93C09")).is_err());
}

#[test]
fn real_card_trace_3des_terminal_side() {
    let params =
        PaceParams::from_info(&ObjectIdentifier::new_unwrap("0.4.0.127.0.7.2.2.4.2.1"), 13)
            .unwrap();
    let key = AccessKey::from_fields("LM277954", "781214", "271115").unwrap();
    let mut t = PaceTerminal::new(params, &key);
    assert_eq!(
        t.mse_set_at(false).to_bytes().unwrap(),
        h("0022c1a40f800a04007f00070202040201830101")
    );
    let cmd = t
        .map_command(
            &h("7c128010b88382812290017af1cc906ff00e7f4d"),
            sk("2808272c0ec20e01a3450030ef32855e9feb5cb17719e985389b1cf47609e69f"),
        )
        .unwrap();
    assert_eq!(
        cmd.to_bytes().unwrap(),
        h(
            "10860000457c438141047706b2b6246ab4612229b8a11212ddba7fea0568c9c0975dee22c0e3dd3a3f0321e8afee836e373b570d24000d56fb195104d486e63321ff8c819dd5ee018dcb00"
        )
    );
    let cmd = t
        .key_agreement_command(
            &h("7c43824104780b4edec9b926f9f964fad826d9990a667608d96ba7b397ae8609b6533e0d036d148365ddf4e5ff6611c2b62aa17fc9899f327bc929db543e7abd0ee724e4be"),
            sk("8f89449052df6c7983750c7b042c3cea12b36819174424c7cd28153f7b70b402"),
        )
        .unwrap();
    assert_eq!(
        cmd.to_bytes().unwrap(),
        h(
            "10860000457c43834104507a0156efae8fb8acc519036c0b2fe0393c878744c7f91878ee4e07a41412ba5c0753d68a44a91e9f57f3f992ab689e6c2065d3b2a27c3658a4fd632931ee3800"
        )
    );
    let cmd = t
        .token_command(&h("7c438441042dbaf62e6fdfb31eb66f206493b9e7721586f0e5c93754d7bd5a884ca251ee4d720ab539a60561bc46812fa289b58ac69f0c6e32adbaf7241049a31211f80f5b"))
        .unwrap();
    assert_eq!(
        cmd.to_bytes().unwrap(),
        h("008600000c7c0a85088d7c617d43efe09e00")
    );
    let (k_enc, k_mac) = t.session_keys().unwrap();
    assert_eq!(k_enc, &h("430e4c8c38dfefaed92067b919a897f8")[..]);
    assert_eq!(k_mac, &h("c1bc1f075797b970b5a45e64a764b0cb")[..]);
    t.finish(&h("7c0a8608cb57047c809079f6")).unwrap();
}

#[test]
fn card_side_reproduces_the_icao_chip_answers() {
    // The chip's nonce and keys of Appendix G.1.
    let params = PaceParams {
        curve: Curve::BrainpoolP256r1,
        cipher: Cipher::Aes128,
    };
    let key = AccessKey::from_fields("T22000129", "640812", "101031").unwrap();
    let mut card = PaceCard::new(
        params,
        sk("3F00C4D39D153F2B2A214A078D899B22"),
        sk("498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560"),
        sk("107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A"),
    );
    assert_eq!(
        card.encrypted_nonce(&key).unwrap(),
        h("7C12801095A3A016522EE98D01E76CB6B98B42C3")
    );
    let map = card
        .map(&h("7C438141047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D"))
        .unwrap();
    assert_eq!(
        map,
        h(
            "7C43824104824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F5730D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54"
        )
    );
    let ka = card
        .key_agreement(&h("7C438341042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462"))
        .unwrap();
    assert_eq!(
        ka,
        h(
            "7C438441049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094"
        )
    );
    let (answer, _sm) = card.mutual_auth(&h("7C0A8508C2B0BD78D94BA866")).unwrap();
    assert_eq!(answer, h("7C0A86083ABB9674BCE93C08"));
}

#[test]
fn terminal_and_card_agree_on_every_curve_and_cipher() {
    let key = AccessKey::from_fields("D23145890", "740812", "120415").unwrap();
    for curve in chip_reader::ec::ALL {
        for cipher in [Cipher::Tdes, Cipher::Aes128, Cipher::Aes192, Cipher::Aes256] {
            let params = PaceParams { curve, cipher };
            let nonce = chip_reader::crypto::random_bytes(cipher.block_size()).unwrap();
            let mut card = PaceCard::new(
                params,
                nonce,
                curve.random_scalar().unwrap(),
                curve.random_scalar().unwrap(),
            );
            let mut t = PaceTerminal::new(params, &key);
            let c = t
                .map_command(
                    &card.encrypted_nonce(&key).unwrap(),
                    curve.random_scalar().unwrap(),
                )
                .unwrap();
            let c = t
                .key_agreement_command(&card.map(&c.data).unwrap(), curve.random_scalar().unwrap())
                .unwrap();
            let c = t
                .token_command(&card.key_agreement(&c.data).unwrap())
                .unwrap();
            let (answer, mut card_sm) = card.mutual_auth(&c.data).unwrap();
            let mut sm = t.finish(&answer).unwrap();
            let wrapped = sm.wrap(&chip_reader::apdu::select_ef(0x0101)).unwrap();
            assert_eq!(
                card_sm.unwrap_command(&wrapped).unwrap().data,
                vec![0x01, 0x01]
            );
        }
    }
    // A card that was given another MRZ refuses the terminal's token.
    let other = AccessKey::from_fields("D23145891", "740812", "120415").unwrap();
    let params = PaceParams {
        curve: Curve::P256,
        cipher: Cipher::Aes128,
    };
    let mut card = PaceCard::new(
        params,
        Zeroizing::new(vec![5; 16]),
        Curve::P256.random_scalar().unwrap(),
        Curve::P256.random_scalar().unwrap(),
    );
    let mut t = PaceTerminal::new(params, &other);
    let c = t
        .map_command(
            &card.encrypted_nonce(&key).unwrap(),
            Curve::P256.random_scalar().unwrap(),
        )
        .unwrap();
    let c = t
        .key_agreement_command(
            &card.map(&c.data).unwrap(),
            Curve::P256.random_scalar().unwrap(),
        )
        .unwrap();
    let c = t
        .token_command(&card.key_agreement(&c.data).unwrap())
        .unwrap();
    assert!(card.mutual_auth(&c.data).is_err());
}

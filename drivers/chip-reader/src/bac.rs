//! Basic Access Control (ICAO 9303-11 §4.3), pure: key seed and keys from the MRZ, the
//! terminal's EXTERNAL AUTHENTICATE cryptogram and the check of the card's answer, and the
//! card's side for the simulator. No I/O: the caller sends the APDUs.

use sha1::{Digest, Sha1};
use zeroize::Zeroizing;

use crate::crypto::{self, Cipher, CryptoError, SecretBytes, mac_eq, pad};
use crate::key::AccessKey;
use crate::sm::{SecureMessaging, SmError};

/// Why BAC failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BacError {
    #[error("BAC cryptogram has {0} bytes, expected 40")]
    Length(usize),
    #[error("BAC cryptogram MAC does not verify (wrong MRZ or not this card)")]
    BadMac,
    #[error("BAC nonce echoed by the other side does not match")]
    NonceMismatch,
    #[error("BAC crypto: {0}")]
    Crypto(#[from] CryptoError),
    #[error("BAC session: {0}")]
    Sm(#[from] SmError),
}

/// The basic access keys (K_enc, K_mac) derived from the MRZ.
pub struct BacKeys {
    pub k_enc: SecretBytes,
    pub k_mac: SecretBytes,
}

/// K_seed: the first 16 bytes of SHA-1(MRZ_information).
pub fn key_seed(key: &AccessKey) -> SecretBytes {
    let h = Sha1::digest(key.mrz_information());
    Zeroizing::new(h[..16].to_vec())
}

/// K_enc = KDF(K_seed, 1), K_mac = KDF(K_seed, 2), 3DES.
pub fn keys(key: &AccessKey) -> BacKeys {
    let seed = key_seed(key);
    BacKeys {
        k_enc: crypto::kdf(Cipher::Tdes, &seed, 1),
        k_mac: crypto::kdf(Cipher::Tdes, &seed, 2),
    }
}

fn cryptogram(keys: &BacKeys, s: &[u8]) -> Result<Vec<u8>, BacError> {
    let e = crypto::encrypt(Cipher::Tdes, &keys.k_enc, None, s)?;
    let m = crypto::mac(Cipher::Tdes, &keys.k_mac, &pad(&e, 8))?;
    let mut out = e;
    out.extend_from_slice(&m);
    Ok(out)
}

fn open(keys: &BacKeys, data: &[u8]) -> Result<SecretBytes, BacError> {
    if data.len() != 40 {
        return Err(BacError::Length(data.len()));
    }
    let (e, m) = data.split_at(32);
    let expected = crypto::mac(Cipher::Tdes, &keys.k_mac, &pad(e, 8))?;
    if !mac_eq(&expected, m) {
        return Err(BacError::BadMac);
    }
    Ok(Zeroizing::new(crypto::decrypt(
        Cipher::Tdes,
        &keys.k_enc,
        None,
        e,
    )?))
}

fn session(
    k_ifd: &[u8],
    k_ic: &[u8],
    rnd_ic: &[u8],
    rnd_ifd: &[u8],
) -> Result<SecureMessaging, BacError> {
    let seed: SecretBytes = Zeroizing::new(k_ifd.iter().zip(k_ic).map(|(a, b)| a ^ b).collect());
    let k_enc = crypto::kdf(Cipher::Tdes, &seed, 1);
    let k_mac = crypto::kdf(Cipher::Tdes, &seed, 2);
    let mut ssc = rnd_ic[4..8].to_vec();
    ssc.extend_from_slice(&rnd_ifd[4..8]);
    Ok(SecureMessaging::new(Cipher::Tdes, &k_enc, &k_mac, &ssc)?)
}

/// Terminal step: EXTERNAL AUTHENTICATE data `E_IFD || M_IFD` for the card's challenge.
pub fn terminal_cryptogram(
    keys: &BacKeys,
    rnd_ifd: &[u8; 8],
    rnd_ic: &[u8; 8],
    k_ifd: &[u8; 16],
) -> Result<Vec<u8>, BacError> {
    let mut s = Zeroizing::new(Vec::with_capacity(32));
    s.extend_from_slice(rnd_ifd);
    s.extend_from_slice(rnd_ic);
    s.extend_from_slice(k_ifd);
    cryptogram(keys, &s)
}

/// Terminal step: checks the card's answer and opens the session (keys and SSC).
pub fn terminal_finish(
    keys: &BacKeys,
    rnd_ifd: &[u8; 8],
    rnd_ic: &[u8; 8],
    k_ifd: &[u8; 16],
    response: &[u8],
) -> Result<SecureMessaging, BacError> {
    let r = open(keys, response)?;
    if !mac_eq(&r[0..8], rnd_ic) || !mac_eq(&r[8..16], rnd_ifd) {
        return Err(BacError::NonceMismatch);
    }
    session(k_ifd, &r[16..32], rnd_ic, rnd_ifd)
}

/// Card step: checks the terminal's cryptogram for the challenge `rnd_ic` and answers with
/// `E_IC || M_IC`, opening the card's end of the session.
pub fn card_respond(
    keys: &BacKeys,
    rnd_ic: &[u8; 8],
    k_ic: &[u8; 16],
    command_data: &[u8],
) -> Result<(Vec<u8>, SecureMessaging), BacError> {
    let s = open(keys, command_data)?;
    if !mac_eq(&s[8..16], rnd_ic) {
        return Err(BacError::NonceMismatch);
    }
    let rnd_ifd = &s[0..8];
    let mut r = Zeroizing::new(Vec::with_capacity(32));
    r.extend_from_slice(rnd_ic);
    r.extend_from_slice(rnd_ifd);
    r.extend_from_slice(k_ic);
    let answer = cryptogram(keys, &r)?;
    let sm = session(&s[16..32], k_ic, rnd_ic, rnd_ifd)?;
    Ok((answer, sm))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    fn arr<const N: usize>(s: &str) -> [u8; N] {
        h(s).try_into().unwrap()
    }

    /// ICAO 9303-11 Appendix D.2 and D.3, end to end.
    #[test]
    fn matches_9303_11_appendix_d() {
        let key = AccessKey::from_fields("L898902C", "690806", "940623").unwrap();
        assert_eq!(*key_seed(&key), h("239AB9CB282DAF66231DC5A4DF6BFBAE"));
        let keys = keys(&key);
        assert_eq!(*keys.k_enc, h("AB94FDECF2674FDFB9B391F85D7F76F2"));
        assert_eq!(*keys.k_mac, h("7962D9ECE03D1ACD4C76089DCE131543"));
        let rnd_ic = arr::<8>("4608F91988702212");
        let rnd_ifd = arr::<8>("781723860C06C226");
        let k_ifd = arr::<16>("0B795240CB7049B01C19B33E32804F0B");
        let cmd = terminal_cryptogram(&keys, &rnd_ifd, &rnd_ic, &k_ifd).unwrap();
        assert_eq!(
            cmd,
            h("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A7")
        );
        let resp =
            h("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449");
        let sm = terminal_finish(&keys, &rnd_ifd, &rnd_ic, &k_ifd, &resp).unwrap();
        assert_eq!(sm.ssc(), &h("887022120C06C226")[..]);
        // The same answer from the card side: K_IC as published.
        let k_ic = arr::<16>("0B4F80323EB3191CB04970CB4052790B");
        let (answer, card_sm) = card_respond(&keys, &rnd_ic, &k_ic, &cmd).unwrap();
        assert_eq!(answer, resp);
        assert_eq!(card_sm.ssc(), sm.ssc());
        // Session keys KS_enc / KS_mac as published: check through the D.4 first command.
        let mut sm = sm;
        let wrapped = sm.wrap(&crate::apdu::select_ef(0x011E)).unwrap();
        assert_eq!(
            wrapped.to_bytes().unwrap(),
            h("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")
        );
    }

    #[test]
    fn wrong_mrz_is_refused_by_mac() {
        let right = keys(&AccessKey::from_fields("L898902C", "690806", "940623").unwrap());
        let wrong = keys(&AccessKey::from_fields("L898902C", "690807", "940623").unwrap());
        let cmd = terminal_cryptogram(&wrong, &[1; 8], &[2; 8], &[3; 16]).unwrap();
        assert!(matches!(
            card_respond(&right, &[2; 8], &[4; 16], &cmd),
            Err(BacError::BadMac)
        ));
        assert!(matches!(
            card_respond(&right, &[2; 8], &[4; 16], &cmd[..39]),
            Err(BacError::Length(39))
        ));
        let cmd = terminal_cryptogram(&right, &[1; 8], &[9; 8], &[3; 16]).unwrap();
        assert!(matches!(
            card_respond(&right, &[2; 8], &[4; 16], &cmd),
            Err(BacError::NonceMismatch)
        ));
    }
}

//! Hashes and signature verification for Passive and Active Authentication: RSA PKCS#1 v1.5,
//! RSA-PSS and ECDSA (DER or plain `r‖s`) over RustCrypto's `rsa` and `ecdsa`. Keys come as
//! X.509 SubjectPublicKeyInfo; EC keys may name their curve or give it explicitly.

use const_oid::ObjectIdentifier;
use der::{Decode, Encode};
use serde::Serialize;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use signature::hazmat::PrehashVerifier;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use crate::ec::{Curve, with_curve};
use crate::tlv;

/// A hash function named in an SOD, certificate or DG14.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum HashAlg {
    #[serde(rename = "SHA-1")]
    Sha1,
    #[serde(rename = "SHA-224")]
    Sha224,
    #[serde(rename = "SHA-256")]
    Sha256,
    #[serde(rename = "SHA-384")]
    Sha384,
    #[serde(rename = "SHA-512")]
    Sha512,
}

/// A signature scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "scheme", content = "hash")]
pub enum SigAlg {
    #[serde(rename = "RSA-PKCS1-v1_5")]
    RsaPkcs1(HashAlg),
    #[serde(rename = "RSA-PSS")]
    RsaPss(HashAlg, #[serde(skip)] usize),
    #[serde(rename = "ECDSA")]
    Ecdsa(HashAlg),
}

/// Why a signature could not be checked or did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigError {
    #[error("algorithm {0} is not supported")]
    Unsupported(String),
    #[error("public key is malformed: {0}")]
    BadKey(&'static str),
    #[error("signature does not verify")]
    Invalid,
}

pub const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
pub const RSASSA_PSS: &str = "1.2.840.113549.1.1.10";
pub const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";

impl HashAlg {
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<HashAlg> {
        Some(match oid.to_string().as_str() {
            "1.3.14.3.2.26" => HashAlg::Sha1,
            "2.16.840.1.101.3.4.2.4" => HashAlg::Sha224,
            "2.16.840.1.101.3.4.2.1" => HashAlg::Sha256,
            "2.16.840.1.101.3.4.2.2" => HashAlg::Sha384,
            "2.16.840.1.101.3.4.2.3" => HashAlg::Sha512,
            _ => return None,
        })
    }

    pub fn oid(self) -> ObjectIdentifier {
        ObjectIdentifier::new_unwrap(match self {
            HashAlg::Sha1 => "1.3.14.3.2.26",
            HashAlg::Sha224 => "2.16.840.1.101.3.4.2.4",
            HashAlg::Sha256 => "2.16.840.1.101.3.4.2.1",
            HashAlg::Sha384 => "2.16.840.1.101.3.4.2.2",
            HashAlg::Sha512 => "2.16.840.1.101.3.4.2.3",
        })
    }

    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha1 => Sha1::digest(data).to_vec(),
            HashAlg::Sha224 => Sha224::digest(data).to_vec(),
            HashAlg::Sha256 => Sha256::digest(data).to_vec(),
            HashAlg::Sha384 => Sha384::digest(data).to_vec(),
            HashAlg::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    pub fn output_len(self) -> usize {
        match self {
            HashAlg::Sha1 => 20,
            HashAlg::Sha224 => 28,
            HashAlg::Sha256 => 32,
            HashAlg::Sha384 => 48,
            HashAlg::Sha512 => 64,
        }
    }
}

/// The scheme of a signature AlgorithmIdentifier; `digest` is the CMS digest algorithm, used
/// when the identifier is the bare `rsaEncryption` or `ecPublicKey`.
pub fn sig_alg(
    alg: &AlgorithmIdentifierOwned,
    digest: Option<HashAlg>,
) -> Result<SigAlg, SigError> {
    let s = alg.oid.to_string();
    let need = |d: Option<HashAlg>| d.ok_or_else(|| SigError::Unsupported(s.clone()));
    Ok(match s.as_str() {
        RSA_ENCRYPTION => SigAlg::RsaPkcs1(need(digest)?),
        "1.2.840.113549.1.1.5" => SigAlg::RsaPkcs1(HashAlg::Sha1),
        "1.2.840.113549.1.1.14" => SigAlg::RsaPkcs1(HashAlg::Sha224),
        "1.2.840.113549.1.1.11" => SigAlg::RsaPkcs1(HashAlg::Sha256),
        "1.2.840.113549.1.1.12" => SigAlg::RsaPkcs1(HashAlg::Sha384),
        "1.2.840.113549.1.1.13" => SigAlg::RsaPkcs1(HashAlg::Sha512),
        RSASSA_PSS => pss_params(alg)?,
        EC_PUBLIC_KEY => SigAlg::Ecdsa(need(digest)?),
        "1.2.840.10045.4.1" => SigAlg::Ecdsa(HashAlg::Sha1),
        "1.2.840.10045.4.3.1" => SigAlg::Ecdsa(HashAlg::Sha224),
        "1.2.840.10045.4.3.2" => SigAlg::Ecdsa(HashAlg::Sha256),
        "1.2.840.10045.4.3.3" => SigAlg::Ecdsa(HashAlg::Sha384),
        "1.2.840.10045.4.3.4" => SigAlg::Ecdsa(HashAlg::Sha512),
        _ => return Err(SigError::Unsupported(s)),
    })
}

/// RSASSA-PSS-params: hash [0], mask generation [1] (MGF1 with the same hash assumed),
/// salt length [2] (default 20 per RFC 4055; SHA-1 default hash).
fn pss_params(alg: &AlgorithmIdentifierOwned) -> Result<SigAlg, SigError> {
    let unsupported = || SigError::Unsupported(RSASSA_PSS.into());
    let mut hash = HashAlg::Sha1;
    let mut salt = 20usize;
    if let Some(params) = &alg.parameters {
        let der = params.to_der().map_err(|_| unsupported())?;
        let seq = tlv::parse_single(&der).map_err(|_| unsupported())?;
        for field in seq.children().map_err(|_| unsupported())? {
            let inner = tlv::parse_single(field.value).map_err(|_| unsupported())?;
            match field.tag {
                0xA0 => {
                    let id =
                        AlgorithmIdentifierOwned::from_der(inner.raw).map_err(|_| unsupported())?;
                    hash = HashAlg::from_oid(&id.oid).ok_or_else(unsupported)?;
                }
                0xA2 if inner.tag == 0x02 && !inner.value.is_empty() && inner.value.len() <= 4 => {
                    salt = inner
                        .value
                        .iter()
                        .fold(0usize, |a, b| (a << 8) | usize::from(*b));
                }
                0xA1 | 0xA3 => {}
                _ => return Err(unsupported()),
            }
        }
    }
    Ok(SigAlg::RsaPss(hash, salt))
}

/// The curve of an EC SubjectPublicKeyInfo (named, or explicit parameters matched by base
/// point).
pub fn ec_curve(spki: &SubjectPublicKeyInfoOwned) -> Result<Curve, SigError> {
    let params = spki
        .algorithm
        .parameters
        .as_ref()
        .ok_or(SigError::BadKey("EC key without parameters"))?;
    let der = params
        .to_der()
        .map_err(|_| SigError::BadKey("EC parameters"))?;
    if let Ok(oid) = ObjectIdentifier::from_der(&der) {
        return Curve::from_oid(&oid).ok_or_else(|| SigError::Unsupported(oid.to_string()));
    }
    let seq = tlv::parse_single(&der).map_err(|_| SigError::BadKey("EC parameters"))?;
    let fields = seq
        .children()
        .map_err(|_| SigError::BadKey("EC parameters"))?;
    let base = fields
        .get(3)
        .filter(|f| f.tag == 0x04)
        .ok_or(SigError::BadKey("EC parameters"))?;
    Curve::from_generator(base.value)
        .ok_or_else(|| SigError::Unsupported("explicit EC parameters".into()))
}

/// The raw public key bits of an SPKI.
pub fn spki_key_bytes(spki: &SubjectPublicKeyInfoOwned) -> Result<&[u8], SigError> {
    spki.subject_public_key
        .as_bytes()
        .ok_or(SigError::BadKey("unused bits in key"))
}

/// Verifies `sig` over `message` with the key in `spki`. ECDSA signatures are DER unless
/// `plain_ecdsa` (BSI TR-03111 `r‖s`, used by Active Authentication).
pub fn verify(
    spki: &SubjectPublicKeyInfoOwned,
    alg: SigAlg,
    message: &[u8],
    sig: &[u8],
    plain_ecdsa: bool,
) -> Result<(), SigError> {
    match alg {
        SigAlg::RsaPkcs1(h) | SigAlg::RsaPss(h, _) => {
            let key = rsa_key(spki)?;
            let hashed = h.digest(message);
            let res = match (alg, h) {
                (SigAlg::RsaPss(..), _) => verify_pss(&key, h, alg, &hashed, sig),
                (_, HashAlg::Sha1) => key.verify(rsa::Pkcs1v15Sign::new::<Sha1>(), &hashed, sig),
                (_, HashAlg::Sha224) => {
                    key.verify(rsa::Pkcs1v15Sign::new::<Sha224>(), &hashed, sig)
                }
                (_, HashAlg::Sha256) => {
                    key.verify(rsa::Pkcs1v15Sign::new::<Sha256>(), &hashed, sig)
                }
                (_, HashAlg::Sha384) => {
                    key.verify(rsa::Pkcs1v15Sign::new::<Sha384>(), &hashed, sig)
                }
                (_, HashAlg::Sha512) => {
                    key.verify(rsa::Pkcs1v15Sign::new::<Sha512>(), &hashed, sig)
                }
            };
            res.map_err(|_| SigError::Invalid)
        }
        SigAlg::Ecdsa(h) => {
            let curve = ec_curve(spki)?;
            let point = spki_key_bytes(spki)?;
            verify_ecdsa(curve, point, &h.digest(message), sig, plain_ecdsa)
        }
    }
}

fn verify_pss(
    key: &rsa::PublicKey,
    h: HashAlg,
    alg: SigAlg,
    hashed: &[u8],
    sig: &[u8],
) -> rsa::Result<()> {
    let salt = match alg {
        SigAlg::RsaPss(_, s) => s,
        _ => 0,
    };
    match h {
        HashAlg::Sha1 => key.verify(rsa::Pss::<Sha1>::new_with_salt(salt), hashed, sig),
        HashAlg::Sha224 => key.verify(rsa::Pss::<Sha224>::new_with_salt(salt), hashed, sig),
        HashAlg::Sha256 => key.verify(rsa::Pss::<Sha256>::new_with_salt(salt), hashed, sig),
        HashAlg::Sha384 => key.verify(rsa::Pss::<Sha384>::new_with_salt(salt), hashed, sig),
        HashAlg::Sha512 => key.verify(rsa::Pss::<Sha512>::new_with_salt(salt), hashed, sig),
    }
}

/// The RSA public key of an SPKI.
pub fn rsa_key(spki: &SubjectPublicKeyInfoOwned) -> Result<rsa::PublicKey, SigError> {
    use rsa::pkcs8::DecodePublicKey;
    let der = spki.to_der().map_err(|_| SigError::BadKey("RSA key"))?;
    rsa::PublicKey::from_public_key_der(&der).map_err(|_| SigError::BadKey("RSA key"))
}

/// ECDSA verification of a prehashed message.
pub fn verify_ecdsa(
    curve: Curve,
    point: &[u8],
    prehash: &[u8],
    sig: &[u8],
    plain: bool,
) -> Result<(), SigError> {
    with_curve!(curve, C => {
        let vk = ecdsa::VerifyingKey::<C>::from_sec1_bytes(point).map_err(|_| SigError::BadKey("EC point"))?;
        let s = if plain {
            ecdsa::Signature::<C>::from_slice(sig)
        } else {
            ecdsa::Signature::<C>::from_der(sig)
        }
        .map_err(|_| SigError::Invalid)?;
        vk.verify_prehash(prehash, &s).map_err(|_| SigError::Invalid)
    })
}

/// ECDSA signature (DER or plain) of a prehashed message with a raw private scalar; used by
/// the card simulator and the test PKI.
pub fn sign_ecdsa(
    curve: Curve,
    secret: &[u8],
    prehash: &[u8],
    plain: bool,
) -> Result<Vec<u8>, SigError> {
    with_curve!(curve, C => {
        let sk = ecdsa::SigningKey::<C>::from_slice(secret).map_err(|_| SigError::BadKey("EC scalar"))?;
        // Deterministic nonce (RFC 6979 with SHA-256) for every curve, brainpool included.
        let (s, _) = ecdsa::hazmat::sign_prehashed_rfc6979::<C, Sha256>(sk.as_nonzero_scalar(), prehash, &[]);
        Ok(if plain { s.to_bytes().to_vec() } else { s.to_der().as_bytes().to_vec() })
    })
}

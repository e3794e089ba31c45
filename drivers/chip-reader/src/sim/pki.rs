//! Test and demo PKI: CSCA and Document Signer keys and certificates made with RustCrypto
//! (`x509-cert` builder, `ecdsa`, `rsa`), and CRLs. EC keys can be derived from a seed
//! string, so a demo root is the same on every machine.

use std::str::FromStr;
use std::time::Duration;

use der::asn1::{BitString, OctetString};
use der::{Any, Decode, Encode, EncodePem};
use sha2::{Digest, Sha256, Sha512};
use signature::Keypair;
use spki::{
    AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier, EncodePublicKey,
    SignatureBitStringEncoding, SubjectPublicKeyInfoOwned,
};
use x509_cert::Certificate;
use x509_cert::builder::{Builder, CertificateBuilder, CrlBuilder, profile::BuilderProfile};
use x509_cert::crl::{CertificateList, RevokedCert};
use x509_cert::ext::pkix::{
    BasicConstraints, CrlNumber, KeyUsage, KeyUsages, SubjectKeyIdentifier,
};
use x509_cert::ext::{Extension, ToExtension};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};
use zeroize::Zeroizing;

use crate::crypto::SecretBytes;
use crate::ec::Curve;
use crate::sig::{self, EC_PUBLIC_KEY, RSASSA_PSS};

/// Why test PKI material could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("certificate builder: {0}")]
    Builder(#[from] x509_cert::builder::Error),
    #[error("ASN.1: {0}")]
    Der(#[from] der::Error),
    #[error("RSA: {0}")]
    Rsa(#[from] rsa::Error),
    #[error("key: {0}")]
    Key(#[from] sig::SigError),
    #[error("name {0:?} is not a valid distinguished name")]
    Name(String),
}

/// A signing key of the test PKI.
#[derive(Clone)]
pub enum SignerKey {
    /// ECDSA with SHA-256 (DER signatures).
    Ec { curve: Curve, secret: SecretBytes },
    /// RSA PKCS#1 v1.5 with SHA-256.
    Rsa(Box<rsa::PrivateKey>),
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, 32-byte salt.
    RsaPss(Box<rsa::PrivateKey>),
}

impl std::fmt::Debug for SignerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignerKey::Ec { curve, .. } => write!(f, "SignerKey::Ec({curve:?})"),
            SignerKey::Rsa(_) => f.write_str("SignerKey::Rsa"),
            SignerKey::RsaPss(_) => f.write_str("SignerKey::RsaPss"),
        }
    }
}

impl SignerKey {
    /// An EC key derived from `seed` (deterministic).
    pub fn ec_from_seed(curve: Curve, seed: &str) -> SignerKey {
        let mut counter = 0u32;
        loop {
            let h = Sha512::new()
                .chain_update(seed.as_bytes())
                .chain_update(counter.to_be_bytes())
                .finalize();
            let secret = Zeroizing::new(h[..curve.field_len()].to_vec());
            if curve.mul_base(&secret).is_ok() {
                return SignerKey::Ec { curve, secret };
            }
            counter += 1;
        }
    }

    /// A fresh random EC key.
    pub fn ec_random(curve: Curve) -> Result<SignerKey, PkiError> {
        let secret = curve
            .random_scalar()
            .map_err(|_| sig::SigError::BadKey("no randomness"))?;
        Ok(SignerKey::Ec { curve, secret })
    }

    /// A fresh random RSA key of `bits` bits (PKCS#1 v1.5 signatures, or PSS when `pss`).
    pub fn rsa_random(bits: usize, pss: bool) -> Result<SignerKey, PkiError> {
        let key = Box::new(rsa::PrivateKey::new(&mut getrandom::SysRng, bits)?);
        Ok(if pss {
            SignerKey::RsaPss(key)
        } else {
            SignerKey::Rsa(key)
        })
    }

    /// From a PKCS#8 PEM private key (the shipped demo Document Signer).
    pub fn from_pkcs8_pem(pem: &str) -> Result<SignerKey, PkiError> {
        let (label, der) =
            der::pem::decode_vec(pem.as_bytes()).map_err(|_| PkiError::Name("PEM".into()))?;
        if label != "PRIVATE KEY" {
            return Err(PkiError::Name(label.into()));
        }
        let info = pkcs8::PrivateKeyInfoRef::from_der(&der)?;
        let params = info
            .algorithm
            .parameters
            .ok_or(sig::SigError::BadKey("EC key without curve"))?;
        let oid = params.decode_as::<const_oid::ObjectIdentifier>()?;
        let curve = Curve::from_oid(&oid).ok_or(sig::SigError::BadKey("curve"))?;
        let ec = sec1::EcPrivateKey::from_der(info.private_key.as_bytes())?;
        Ok(SignerKey::Ec {
            curve,
            secret: Zeroizing::new(ec.private_key.to_vec()),
        })
    }

    /// PKCS#8 PEM of an EC key (to ship the demo Document Signer key).
    pub fn to_pkcs8_pem(&self) -> Result<String, PkiError> {
        let SignerKey::Ec { curve, secret } = self else {
            return Err(PkiError::Name("only EC keys are exported".into()));
        };
        let public = curve
            .mul_base(secret)
            .map_err(|_| sig::SigError::BadKey("EC scalar"))?;
        let ec = sec1::EcPrivateKey {
            private_key: secret,
            parameters: None,
            public_key: Some(&public),
        };
        let ec_der = Zeroizing::new(ec.to_der()?);
        let alg = spki::AlgorithmIdentifierRef {
            oid: const_oid::ObjectIdentifier::new_unwrap(EC_PUBLIC_KEY),
            parameters: None,
        };
        let oid = curve.oid();
        let params = der::AnyRef::from(&oid);
        let info = pkcs8::PrivateKeyInfoRef::new(
            spki::AlgorithmIdentifierRef {
                parameters: Some(params),
                ..alg
            },
            der::asn1::OctetStringRef::new(&ec_der)?,
        );
        Ok(info
            .to_pem(der::pem::LineEnding::LF)
            .map_err(|_| PkiError::Name("PEM".into()))?
            .to_string())
    }

    /// The public key as SubjectPublicKeyInfo.
    pub fn spki(&self) -> Result<SubjectPublicKeyInfoOwned, PkiError> {
        match self {
            SignerKey::Ec { curve, secret } => {
                let point = curve
                    .mul_base(secret)
                    .map_err(|_| sig::SigError::BadKey("EC scalar"))?;
                Ok(SubjectPublicKeyInfoOwned {
                    algorithm: AlgorithmIdentifierOwned {
                        oid: const_oid::ObjectIdentifier::new_unwrap(EC_PUBLIC_KEY),
                        parameters: Some(Any::encode_from(&curve.oid())?),
                    },
                    subject_public_key: BitString::from_bytes(&point)?,
                })
            }
            SignerKey::Rsa(k) | SignerKey::RsaPss(k) => {
                let doc = k
                    .as_ref()
                    .as_ref()
                    .to_public_key_der()
                    .map_err(|_| sig::SigError::BadKey("RSA key"))?;
                Ok(SubjectPublicKeyInfoOwned::from_der(doc.as_bytes())?)
            }
        }
    }

    /// The signature AlgorithmIdentifier this key signs with.
    pub fn algorithm(&self) -> Result<AlgorithmIdentifierOwned, PkiError> {
        Ok(match self {
            SignerKey::Ec { .. } => AlgorithmIdentifierOwned {
                oid: const_oid::ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2"),
                parameters: None,
            },
            SignerKey::Rsa(_) => AlgorithmIdentifierOwned {
                oid: const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11"),
                parameters: Some(Any::from(der::asn1::Null)),
            },
            SignerKey::RsaPss(_) => {
                // RSASSA-PSS-params: SHA-256, MGF1 with SHA-256, salt 32.
                let params = hex_params(
                    "3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120",
                );
                AlgorithmIdentifierOwned {
                    oid: const_oid::ObjectIdentifier::new_unwrap(RSASSA_PSS),
                    parameters: Some(Any::from_der(&params)?),
                }
            }
        })
    }

    /// Signs `message` (hashing it with SHA-256).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, PkiError> {
        let hashed = Sha256::digest(message);
        Ok(match self {
            SignerKey::Ec { curve, secret } => sig::sign_ecdsa(*curve, secret, &hashed, false)?,
            SignerKey::Rsa(k) => k.sign(rsa::Pkcs1v15Sign::new::<Sha256>(), &hashed)?,
            SignerKey::RsaPss(k) => k.sign_with_rng(
                &mut getrandom::SysRng,
                rsa::Pss::<Sha256>::new_with_salt(32),
                &hashed,
            )?,
        })
    }
}

fn hex_params(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// Raw signature bytes for the certificate builder.
pub struct RawSignature(Vec<u8>);

impl SignatureBitStringEncoding for RawSignature {
    fn to_bitstring(&self) -> der::Result<BitString> {
        BitString::from_bytes(&self.0)
    }
}

/// The public half, for the builder's `Keypair` bound.
#[derive(Clone)]
pub struct PublicHalf(SubjectPublicKeyInfoOwned);

impl EncodePublicKey for PublicHalf {
    fn to_public_key_der(&self) -> spki::Result<der::Document> {
        Ok(der::Document::encode_msg(&self.0)?)
    }
}

/// A key with its public half computed up front, as the certificate builder wants it.
struct CertSigner<'a> {
    key: &'a SignerKey,
    public: PublicHalf,
}

impl<'a> CertSigner<'a> {
    fn new(key: &'a SignerKey) -> Result<Self, PkiError> {
        Ok(CertSigner {
            key,
            public: PublicHalf(key.spki()?),
        })
    }
}

impl Keypair for CertSigner<'_> {
    type VerifyingKey = PublicHalf;
    fn verifying_key(&self) -> PublicHalf {
        self.public.clone()
    }
}

impl DynSignatureAlgorithmIdentifier for CertSigner<'_> {
    fn signature_algorithm_identifier(&self) -> spki::Result<AlgorithmIdentifierOwned> {
        self.key.algorithm().map_err(|_| spki::Error::KeyMalformed)
    }
}

impl signature::Signer<RawSignature> for CertSigner<'_> {
    fn try_sign(&self, msg: &[u8]) -> Result<RawSignature, signature::Error> {
        self.key
            .sign(msg)
            .map(RawSignature)
            .map_err(|_| signature::Error::new())
    }
}

/// Certificate profile: a CSCA (self-signed CA) or a Document Signer under `issuer`.
struct Profile {
    subject: Name,
    issuer: Option<Name>,
}

impl BuilderProfile for Profile {
    fn get_issuer(&self, subject: &Name) -> Name {
        self.issuer.clone().unwrap_or_else(|| subject.clone())
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        spk: spki::SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: spki::SubjectPublicKeyInfoRef<'_>,
        tbs: &x509_cert::TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        let mut ext = Vec::new();
        let subject = tbs.subject();
        if self.issuer.is_none() {
            ext.push(
                BasicConstraints {
                    ca: true,
                    path_len_constraint: Some(0),
                }
                .to_extension(subject, &ext)?,
            );
            ext.push(
                KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign)
                    .to_extension(subject, &ext)?,
            );
        } else {
            ext.push(KeyUsage(KeyUsages::DigitalSignature.into()).to_extension(subject, &ext)?);
        }
        ext.push(SubjectKeyIdentifier::try_from(spk)?.to_extension(subject, &ext)?);
        Ok(ext)
    }
}

/// A time from seconds since the Unix epoch.
pub fn time(unix_secs: u64) -> Result<Time, PkiError> {
    Ok(Time::try_from(
        std::time::UNIX_EPOCH + Duration::from_secs(unix_secs),
    )?)
}

fn name(dn: &str) -> Result<Name, PkiError> {
    Name::from_str(dn).map_err(|_| PkiError::Name(dn.into()))
}

/// A self-signed CSCA certificate.
pub fn csca_certificate(
    key: &SignerKey,
    dn: &str,
    serial: u32,
    not_before: u64,
    not_after: u64,
) -> Result<Certificate, PkiError> {
    let validity = Validity::new(time(not_before)?, time(not_after)?);
    let profile = Profile {
        subject: name(dn)?,
        issuer: None,
    };
    let b = CertificateBuilder::new(profile, SerialNumber::from(serial), validity, key.spki()?)?;
    Ok(b.build::<_, RawSignature>(&CertSigner::new(key)?)?)
}

/// A Document Signer certificate for `key`, issued by `csca` with `csca_key`.
pub fn ds_certificate(
    key: &SignerKey,
    dn: &str,
    serial: u32,
    not_before: u64,
    not_after: u64,
    csca: &Certificate,
    csca_key: &SignerKey,
) -> Result<Certificate, PkiError> {
    let validity = Validity::new(time(not_before)?, time(not_after)?);
    let profile = Profile {
        subject: name(dn)?,
        issuer: Some(csca.tbs_certificate().subject().clone()),
    };
    let b = CertificateBuilder::new(profile, SerialNumber::from(serial), validity, key.spki()?)?;
    Ok(b.build::<_, RawSignature>(&CertSigner::new(csca_key)?)?)
}

/// A CRL of `csca` revoking the given certificate serials.
pub fn crl(
    csca: &Certificate,
    csca_key: &SignerKey,
    this_update: u64,
    revoked: &[&Certificate],
) -> Result<CertificateList, PkiError> {
    let entries: Vec<RevokedCert> = revoked
        .iter()
        .map(|c| {
            Ok(RevokedCert {
                serial_number: c.tbs_certificate().serial_number().clone(),
                revocation_date: time(this_update)?,
                crl_entry_extensions: None,
            })
        })
        .collect::<Result<_, PkiError>>()?;
    let b = CrlBuilder::new_with_this_update(
        csca,
        CrlNumber::from(der::asn1::Uint::new(&[1])?),
        time(this_update)?,
    )?
    .with_certificates(entries.into_iter());
    Ok(b.build::<_, RawSignature>(&CertSigner::new(csca_key)?)?)
}

/// DER of a certificate's SubjectKeyIdentifier, if it has one.
pub fn subject_key_id(cert: &Certificate) -> Option<OctetString> {
    cert.tbs_certificate()
        .get_extension::<SubjectKeyIdentifier>()
        .ok()
        .flatten()
        .map(|(_, s)| s.0)
}

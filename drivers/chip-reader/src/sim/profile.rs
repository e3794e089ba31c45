//! Personalisation of a simulated card: the printed MRZ, the access protocol, the Active and
//! Chip Authentication keys, the Document Signer, and the forgeries tests need (tampered DG1,
//! broken signature, clone keys, DG1 ≠ printed MRZ, removal after N APDUs).

use std::collections::BTreeMap;

use der::asn1::BitString;
use der::{Any, Encode};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::Certificate;

use super::pki::{PkiError, SignerKey};
use super::sod::{SodOptions, lds_security_object, sign_sod};
use crate::apdu::fid;
use crate::crypto::{Cipher, SecretBytes};
use crate::ec::Curve;
use crate::key::AccessKey;
use crate::lds::{self, ID_AA, ID_CA_ECDH, ID_PK_ECDH};
use crate::pace::PaceParams;
use crate::sig::EC_PUBLIC_KEY;
use crate::tlv;

/// The access protocol a simulated card offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimAccess {
    /// No EF.CardAccess: BAC only.
    Bac,
    /// EF.CardAccess offers PACE-GM with these parameters (BAC stays available).
    Pace(PaceParams),
}

/// The Active Authentication key of a simulated card.
#[derive(Clone, Debug)]
pub enum AaKey {
    /// ECDSA (plain signature, SHA-256; DG14 carries the ActiveAuthenticationInfo).
    Ec { curve: Curve, secret: SecretBytes },
    /// RSA with ISO/IEC 9796-2 scheme 1 (SHA-1).
    Rsa(Box<rsa::PrivateKey>),
}

/// The Chip Authentication key of a simulated card.
#[derive(Clone, Debug)]
pub struct CaKey {
    pub curve: Curve,
    pub cipher: Cipher,
    pub secret: SecretBytes,
}

/// The Document Signer (and its certificate) that signs the card's EF.SOD.
#[derive(Clone, Debug)]
pub struct DocumentSigner {
    pub cert: Certificate,
    pub key: SignerKey,
}

/// Forgeries a test can ask for.
#[derive(Clone, Debug, Default)]
pub struct Forgery {
    /// DG1 carries these lines instead of the printed MRZ (signed: PA stays valid).
    pub chip_mrz: Option<Vec<String>>,
    /// DG1 is changed after signing (PA must find a tampered data group).
    pub tamper_dg1_after_signing: bool,
    /// One bit of the Document Signer's signature is flipped.
    pub corrupt_signature: bool,
    /// The chip answers with other AA/CA private keys than the ones DG14/DG15 publish
    /// (a clone that copied the files but not the keys).
    pub clone_keys: bool,
    /// The card leaves the reader after this many APDUs.
    pub remove_after_apdus: Option<usize>,
}

/// A card ready to be simulated: its files and secrets.
#[derive(Clone, Debug)]
pub struct CardProfile {
    pub access_key: AccessKey,
    pub access: SimAccess,
    pub files: BTreeMap<u16, Vec<u8>>,
    pub aa: Option<AaKey>,
    pub ca: Option<CaKey>,
    pub remove_after_apdus: Option<usize>,
}

/// Builder of a [`CardProfile`].
pub struct Personalisation {
    mrz: Vec<String>,
    access: SimAccess,
    aa: Option<AaKey>,
    ca: Option<CaKey>,
    signer: DocumentSigner,
    forgery: Forgery,
}

fn ec_spki(curve: Curve, secret: &[u8]) -> Result<SubjectPublicKeyInfoOwned, PkiError> {
    let point = curve
        .mul_base(secret)
        .map_err(|_| crate::sig::SigError::BadKey("EC scalar"))?;
    Ok(SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: const_oid::ObjectIdentifier::new_unwrap(EC_PUBLIC_KEY),
            parameters: Some(Any::encode_from(&curve.oid())?),
        },
        subject_public_key: BitString::from_bytes(&point)?,
    })
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv::encode(0x30, &parts.concat())
}

fn oid(s: &str) -> Result<Vec<u8>, PkiError> {
    Ok(const_oid::ObjectIdentifier::new(s)
        .map_err(|_| PkiError::Name(s.into()))?
        .to_der()?)
}

fn int(v: u32) -> Vec<u8> {
    tlv::encode(0x02, &[v as u8])
}

impl Personalisation {
    /// A card whose printed MRZ is `mrz`, signed by `signer`; BAC only, no AA or CA.
    pub fn new(mrz: &[&str], signer: DocumentSigner) -> Personalisation {
        Personalisation {
            mrz: mrz.iter().map(|s| s.to_string()).collect(),
            access: SimAccess::Bac,
            aa: None,
            ca: None,
            signer,
            forgery: Forgery::default(),
        }
    }

    pub fn access(mut self, access: SimAccess) -> Self {
        self.access = access;
        self
    }

    pub fn active_authentication(mut self, key: AaKey) -> Self {
        self.aa = Some(key);
        self
    }

    pub fn chip_authentication(mut self, key: CaKey) -> Self {
        self.ca = Some(key);
        self
    }

    pub fn forgery(mut self, forgery: Forgery) -> Self {
        self.forgery = forgery;
        self
    }

    fn dg14(&self, aa_ec: bool) -> Result<Option<Vec<u8>>, PkiError> {
        let mut infos = Vec::new();
        if let Some(ca) = &self.ca {
            let last = match ca.cipher {
                Cipher::Tdes => 1,
                Cipher::Aes128 => 2,
                Cipher::Aes192 => 3,
                Cipher::Aes256 => 4,
            };
            infos.push(seq(&[oid(&format!("{ID_CA_ECDH}.{last}"))?, int(1)]));
            infos.push(seq(&[
                oid(ID_PK_ECDH)?,
                ec_spki(ca.curve, &ca.secret)?.to_der()?,
            ]));
        }
        if aa_ec {
            infos.push(seq(&[oid(ID_AA)?, int(1), oid("0.4.0.127.0.7.1.1.4.1.3")?]));
        }
        if infos.is_empty() {
            return Ok(None);
        }
        Ok(Some(tlv::encode(0x6E, &tlv::encode(0x31, &infos.concat()))))
    }

    fn card_access(&self) -> Result<Option<Vec<u8>>, PkiError> {
        let SimAccess::Pace(p) = self.access else {
            return Ok(None);
        };
        let info = seq(&[p.oid().to_der()?, int(2), int(p.curve.parameter_id())]);
        Ok(Some(tlv::encode(0x31, &info)))
    }

    /// Builds the files, signs EF.SOD and applies the forgeries.
    pub fn build(self) -> Result<CardProfile, PkiError> {
        let printed: Vec<&str> = self.mrz.iter().map(String::as_str).collect();
        let access_key =
            AccessKey::from_mrz_lines(&printed).map_err(|e| PkiError::Name(e.to_string()))?;
        let chip_lines: Vec<&str> = match &self.forgery.chip_mrz {
            Some(l) => l.iter().map(String::as_str).collect(),
            None => printed.clone(),
        };
        let dg1 = lds::encode_dg1(&chip_lines);
        let aa_ec = matches!(self.aa, Some(AaKey::Ec { .. }));
        let dg14 = self.dg14(aa_ec)?;
        let dg15 = match &self.aa {
            Some(AaKey::Ec { curve, secret }) => {
                Some(tlv::encode(0x6F, &ec_spki(*curve, secret)?.to_der()?))
            }
            Some(AaKey::Rsa(k)) => Some(tlv::encode(
                0x6F,
                &SignerKey::Rsa(k.clone()).spki()?.to_der()?,
            )),
            None => None,
        };
        let mut dgs: Vec<(u8, &[u8])> = vec![(1, &dg1)];
        if let Some(d) = &dg14 {
            dgs.push((14, d));
        }
        if let Some(d) = &dg15 {
            dgs.push((15, d));
        }
        let so = lds_security_object(&dgs)?;
        let sod = sign_sod(
            &so,
            &self.signer.cert,
            &self.signer.key,
            SodOptions {
                corrupt_signature: self.forgery.corrupt_signature,
            },
        )?;
        let mut files = BTreeMap::new();
        files.insert(
            fid::COM,
            lds::encode_com(&dgs.iter().map(|(n, _)| *n).collect::<Vec<_>>()),
        );
        let mut dg1 = dg1.clone();
        if self.forgery.tamper_dg1_after_signing {
            // Change one character of the name line (length and shape stay valid).
            let at = dg1.len() - 5;
            dg1[at] = if dg1[at] == b'X' { b'Y' } else { b'X' };
        }
        files.insert(fid::dg(1), dg1);
        if let Some(d) = dg14 {
            files.insert(fid::dg(14), d);
        }
        if let Some(d) = dg15 {
            files.insert(fid::dg(15), d);
        }
        files.insert(fid::SOD, sod);
        if let Some(ca) = self.card_access()? {
            files.insert(fid::CARD_ACCESS, ca);
        }
        let (aa, ca) = if self.forgery.clone_keys {
            (
                self.aa.map(swap_aa).transpose()?,
                self.ca.map(swap_ca).transpose()?,
            )
        } else {
            (self.aa, self.ca)
        };
        Ok(CardProfile {
            access_key,
            access: self.access,
            files,
            aa,
            ca,
            remove_after_apdus: self.forgery.remove_after_apdus,
        })
    }
}

fn swap_aa(k: AaKey) -> Result<AaKey, PkiError> {
    Ok(match k {
        AaKey::Ec { curve, .. } => AaKey::Ec {
            curve,
            secret: curve
                .random_scalar()
                .map_err(|_| crate::sig::SigError::BadKey("rng"))?,
        },
        AaKey::Rsa(k) => {
            let bits = rsa::traits::PublicKeyParts::n(k.as_ref())
                .as_ref()
                .bit_width() as usize;
            match SignerKey::rsa_random(bits, false)? {
                SignerKey::Rsa(k) => AaKey::Rsa(k),
                _ => return Err(PkiError::Name("RSA".into())),
            }
        }
    })
}

fn swap_ca(k: CaKey) -> Result<CaKey, PkiError> {
    Ok(CaKey {
        secret: k
            .curve
            .random_scalar()
            .map_err(|_| crate::sig::SigError::BadKey("rng"))?,
        ..k
    })
}

//! Builds EF.SOD: the LDS security object over the data groups, signed by a Document Signer
//! as CMS SignedData (ICAO 9303-10 §4.6.2) with the `cms` crate's types.

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use const_oid::ObjectIdentifier;
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Encode};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;

use super::pki::{PkiError, SignerKey};
use crate::lds::{DataGroupHash, LDS_SECURITY_OBJECT, LdsSecurityObject};
use crate::sig::HashAlg;
use crate::tlv;

/// How to sign (and, for forged cards, how to break) the security object.
#[derive(Clone, Copy, Debug, Default)]
pub struct SodOptions {
    /// Flip one bit of the Document Signer's signature.
    pub corrupt_signature: bool,
}

fn sha256_alg() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: HashAlg::Sha256.oid(),
        parameters: None,
    }
}

fn attribute(oid: &str, value: Any) -> Result<Attribute, der::Error> {
    Ok(Attribute {
        oid: ObjectIdentifier::new_unwrap(oid),
        values: SetOfVec::try_from(vec![value])?,
    })
}

/// The DER LDS security object (SHA-256) over `(number, file bytes)`.
pub fn lds_security_object(dgs: &[(u8, &[u8])]) -> Result<Vec<u8>, PkiError> {
    let hashes = dgs
        .iter()
        .map(|(n, b)| {
            Ok(DataGroupHash {
                data_group_number: u32::from(*n),
                data_group_hash_value: OctetString::new(HashAlg::Sha256.digest(b))?,
            })
        })
        .collect::<Result<Vec<_>, der::Error>>()?;
    let so = LdsSecurityObject {
        version: 0,
        hash_algorithm: sha256_alg(),
        data_group_hash_values: hashes,
        lds_version_info: None,
    };
    Ok(so.to_der()?)
}

/// EF.SOD (`77` wrapper included) signing `econtent` (a DER LDS security object).
pub fn sign_sod(
    econtent: &[u8],
    ds_cert: &Certificate,
    ds_key: &SignerKey,
    opts: SodOptions,
) -> Result<Vec<u8>, PkiError> {
    let digest = HashAlg::Sha256.digest(econtent);
    let attrs = SetOfVec::try_from(vec![
        attribute(
            "1.2.840.113549.1.9.3",
            Any::encode_from(&ObjectIdentifier::new_unwrap(LDS_SECURITY_OBJECT))?,
        )?,
        attribute(
            "1.2.840.113549.1.9.4",
            Any::encode_from(&OctetString::new(digest)?)?,
        )?,
    ])?;
    let mut signature = ds_key.sign(&attrs.to_der()?)?;
    if opts.corrupt_signature {
        let mid = signature.len() / 2;
        signature[mid] ^= 0x01;
    }
    let tbs = ds_cert.tbs_certificate();
    let signer = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: tbs.issuer().clone(),
            serial_number: tbs.serial_number().clone(),
        }),
        digest_alg: sha256_alg(),
        signed_attrs: Some(attrs),
        signature_algorithm: ds_key.algorithm()?,
        signature: OctetString::new(signature)?,
        unsigned_attrs: None,
    };
    let sd = SignedData {
        version: CmsVersion::V3,
        digest_algorithms: SetOfVec::try_from(vec![sha256_alg()])?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ObjectIdentifier::new_unwrap(LDS_SECURITY_OBJECT),
            econtent: Some(Any::encode_from(&OctetString::new(econtent)?)?),
        },
        certificates: Some(CertificateSet(SetOfVec::try_from(vec![
            CertificateChoices::Certificate(ds_cert.clone()),
        ])?)),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![signer])?),
    };
    let ci = ContentInfo {
        content_type: ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2"),
        content: Any::encode_from(&sd)?,
    };
    Ok(tlv::encode(0x77, &ci.to_der()?))
}

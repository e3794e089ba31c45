//! Passive Authentication (ICAO 9303-11 §5.1): EF.SOD is CMS SignedData over the LDS
//! security object; the Document Signer's signature, its chain to a trusted CSCA, its
//! validity and revocation, and every data group's hash are checked. Pure: bytes in,
//! [`PaOutcome`] out, with one typed reason per refusal.

use chrono::{DateTime, Utc};
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::{Decode, Encode};
use serde::Serialize;
use x509_cert::Certificate;
use x509_cert::ext::pkix::SubjectKeyIdentifier;

use crate::lds::{self, LDS_SECURITY_OBJECT, LdsSecurityObject};
use crate::sig::{self, HashAlg, SigAlg};
use crate::tlv;
use crate::trust::TrustStore;

const ID_SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
const ATTR_CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
const ATTR_MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";

/// Why Passive Authentication refused the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum PaFailure {
    #[error("EF.SOD is malformed: {0}")]
    MalformedSod(String),
    #[error("algorithm not supported: {0}")]
    UnsupportedAlgorithm(String),
    #[error("EF.SOD does not sign an LDS security object")]
    WrongContentType,
    #[error("EF.SOD carries no Document Signer certificate matching its signer")]
    NoDocumentSigner,
    #[error("signed attributes' message digest differs from the security object's hash")]
    ContentDigestMismatch,
    #[error("Document Signer signature does not verify")]
    BadSignature,
    #[error("Document Signer certificate does not chain to a trusted CSCA")]
    UnknownCsca,
    #[error("Document Signer certificate expired")]
    DsExpired,
    #[error("Document Signer certificate not yet valid")]
    DsNotYetValid,
    #[error("Document Signer certificate was issued outside its CSCA's validity")]
    CscaNotValid,
    #[error("Document Signer certificate is revoked")]
    Revoked,
    #[error("revocation list of the CSCA does not verify")]
    CrlInvalid,
    #[error("data group {0} differs from its hash in the security object")]
    TamperedDataGroup(u8),
    #[error("data group {0} has no hash in the security object")]
    DataGroupNotInSod(u8),
}

impl PaFailure {
    /// The reason's code, as in the JSON `reason` (`tampered_data_group`, `unknown_csca`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            PaFailure::MalformedSod(_) => "malformed_sod",
            PaFailure::UnsupportedAlgorithm(_) => "unsupported_algorithm",
            PaFailure::WrongContentType => "wrong_content_type",
            PaFailure::NoDocumentSigner => "no_document_signer",
            PaFailure::ContentDigestMismatch => "content_digest_mismatch",
            PaFailure::BadSignature => "bad_signature",
            PaFailure::UnknownCsca => "unknown_csca",
            PaFailure::DsExpired => "ds_expired",
            PaFailure::DsNotYetValid => "ds_not_yet_valid",
            PaFailure::CscaNotValid => "csca_not_valid",
            PaFailure::Revoked => "revoked",
            PaFailure::CrlInvalid => "crl_invalid",
            PaFailure::TamperedDataGroup(_) => "tampered_data_group",
            PaFailure::DataGroupNotInSod(_) => "data_group_not_in_sod",
        }
    }
}

/// What a valid Passive Authentication established.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaDetails {
    pub hash_algorithm: HashAlg,
    pub signature_algorithm: SigAlg,
    /// Document Signer subject (an issuing authority, not personal data).
    pub document_signer: String,
    /// Subject of the CSCA the Document Signer chains to.
    pub csca: String,
    /// Data groups whose hashes were checked.
    pub data_groups: Vec<u8>,
}

/// The result of Passive Authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaOutcome {
    Valid(PaDetails),
    Invalid(PaFailure),
}

impl PaOutcome {
    pub fn is_valid(&self) -> bool {
        matches!(self, PaOutcome::Valid(_))
    }

    pub fn failure(&self) -> Option<&PaFailure> {
        match self {
            PaOutcome::Invalid(f) => Some(f),
            PaOutcome::Valid(_) => None,
        }
    }
}

impl Serialize for PaOutcome {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        match self {
            PaOutcome::Valid(d) => {
                m.serialize_entry("passive_authentication", "valid")?;
                m.serialize_entry("hash_algorithm", &d.hash_algorithm)?;
                m.serialize_entry("signature_algorithm", &d.signature_algorithm)?;
                m.serialize_entry("document_signer", &d.document_signer)?;
                m.serialize_entry("csca", &d.csca)?;
                m.serialize_entry("data_groups", &d.data_groups)?;
            }
            PaOutcome::Invalid(f) => {
                m.serialize_entry("passive_authentication", "invalid")?;
                let v = serde_json::to_value(f).map_err(serde::ser::Error::custom)?;
                m.serialize_entry("reason", &v["reason"])?;
                m.serialize_entry("message", &f.to_string())?;
            }
        }
        m.end()
    }
}

/// Report of `verify_files`: the outcome plus DG1's MRZ lines when valid (for the CLI).
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    #[serde(flatten)]
    pub outcome: PaOutcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mrz: Option<Vec<String>>,
}

/// Passive Authentication of files on disk, for `chip verify`: DG1's MRZ is included only
/// when the outcome is valid.
pub fn verify_files(
    sod: &[u8],
    dgs: &[(u8, Vec<u8>)],
    trust: &TrustStore,
    now: DateTime<Utc>,
) -> VerifyReport {
    let outcome = passive_authentication(sod, dgs, trust, now);
    let mrz = match outcome {
        PaOutcome::Valid(_) => dgs
            .iter()
            .find(|(n, _)| *n == 1)
            .and_then(|(_, b)| lds::parse_dg1(b).ok()),
        PaOutcome::Invalid(_) => None,
    };
    VerifyReport { outcome, mrz }
}

/// The parts of EF.SOD Passive Authentication needs.
pub struct ParsedSod {
    pub lds: LdsSecurityObject,
    econtent: Vec<u8>,
    signed_data: SignedData,
    signer: SignerInfo,
    /// The signed attributes as DER SET (what the signature covers).
    signed_attrs: Vec<u8>,
}

fn malformed(detail: impl Into<String>) -> PaFailure {
    PaFailure::MalformedSod(detail.into())
}

/// Raw signed attributes of the first SignerInfo, with the `[0]` tag turned into SET.
fn raw_signed_attrs(content_info: &[u8]) -> Result<Vec<u8>, PaFailure> {
    let m = |_| malformed("CMS structure");
    let ci = tlv::parse_single(content_info).map_err(m)?;
    let explicit = ci
        .child(0xA0)
        .map_err(m)?
        .ok_or_else(|| malformed("no content"))?;
    let sd = tlv::parse_single(explicit.value).map_err(m)?;
    let infos = sd
        .children()
        .map_err(m)?
        .pop()
        .filter(|t| t.tag == 0x31)
        .ok_or_else(|| malformed("no signerInfos"))?;
    let first = infos
        .children()
        .map_err(m)?
        .into_iter()
        .next()
        .ok_or_else(|| malformed("no signerInfo"))?;
    let attrs = first
        .child(0xA0)
        .map_err(m)?
        .ok_or_else(|| malformed("no signed attributes"))?;
    let mut raw = attrs.raw.to_vec();
    raw[0] = 0x31;
    Ok(raw)
}

/// Parses EF.SOD (with or without its `77` wrapper).
pub fn parse_sod(sod: &[u8]) -> Result<ParsedSod, PaFailure> {
    let ci_bytes = match tlv::parse(sod) {
        Ok((t, _)) if t.tag == 0x77 => t.value,
        Ok(_) => sod,
        Err(e) => return Err(malformed(e.to_string())),
    };
    let ci = ContentInfo::from_der(ci_bytes).map_err(|e| malformed(e.to_string()))?;
    if ci.content_type.to_string() != ID_SIGNED_DATA {
        return Err(malformed("content is not SignedData"));
    }
    let sd_der = ci.content.to_der().map_err(|e| malformed(e.to_string()))?;
    let signed_data = SignedData::from_der(&sd_der).map_err(|e| malformed(e.to_string()))?;
    if signed_data.encap_content_info.econtent_type.to_string() != LDS_SECURITY_OBJECT {
        return Err(PaFailure::WrongContentType);
    }
    let econtent_any = signed_data
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or_else(|| malformed("no encapsulated content"))?;
    let econtent = der::asn1::OctetString::from_der(
        &econtent_any
            .to_der()
            .map_err(|e| malformed(e.to_string()))?,
    )
    .map_err(|e| malformed(e.to_string()))?
    .into_bytes()
    .into_vec();
    let lds = LdsSecurityObject::from_der_bytes(&econtent).map_err(|e| malformed(e.to_string()))?;
    let mut infos = signed_data.signer_infos.0.iter();
    let signer = infos.next().ok_or_else(|| malformed("no signer"))?.clone();
    if infos.next().is_some() {
        return Err(malformed("more than one signer"));
    }
    check_versions(&signed_data, &signer)?;
    let signed_attrs = raw_signed_attrs(ci_bytes)?;
    Ok(ParsedSod {
        lds,
        econtent,
        signed_data,
        signer,
        signed_attrs,
    })
}

/// The unsigned framing must agree with the signer: SignedData version 1 or 3, SignerInfo
/// version 1 with an issuer-and-serial signer id or 3 with a key id, and the signer's digest
/// algorithm listed in `digestAlgorithms` (RFC 5652 §5.1, §5.3).
fn check_versions(sd: &SignedData, signer: &SignerInfo) -> Result<(), PaFailure> {
    use cms::content_info::CmsVersion;
    if !matches!(sd.version, CmsVersion::V1 | CmsVersion::V3) {
        return Err(malformed("SignedData version"));
    }
    let ok = matches!(
        (&signer.sid, signer.version),
        (SignerIdentifier::IssuerAndSerialNumber(_), CmsVersion::V1)
            | (SignerIdentifier::SubjectKeyIdentifier(_), CmsVersion::V3)
    );
    if !ok {
        return Err(malformed(
            "SignerInfo version does not match its signer identifier",
        ));
    }
    if !sd
        .digest_algorithms
        .iter()
        .any(|d| d.oid == signer.digest_alg.oid)
    {
        return Err(malformed(
            "signer's digest algorithm not listed in digestAlgorithms",
        ));
    }
    Ok(())
}

fn attribute<'a>(signer: &'a SignerInfo, oid: &str) -> Option<&'a der::Any> {
    let attrs = signer.signed_attrs.as_ref()?;
    let attr = attrs.iter().find(|a| a.oid.to_string() == oid)?;
    let mut values = attr.values.iter();
    let v = values.next()?;
    values.next().is_none().then_some(v)
}

fn find_signer_cert(sod: &ParsedSod) -> Option<Certificate> {
    let certs = sod.signed_data.certificates.as_ref()?;
    certs.0.iter().find_map(|c| match c {
        cms::cert::CertificateChoices::Certificate(cert) => {
            let tbs = cert.tbs_certificate();
            let hit = match &sod.signer.sid {
                SignerIdentifier::IssuerAndSerialNumber(i) => i.issuer == *tbs.issuer() && i.serial_number == *tbs.serial_number(),
                SignerIdentifier::SubjectKeyIdentifier(ski) => {
                    matches!(tbs.get_extension::<SubjectKeyIdentifier>(), Ok(Some((_, s))) if s.0 == ski.0)
                }
            };
            hit.then(|| cert.clone())
        }
        _ => None,
    })
}

/// Checks the signed attributes and the Document Signer's signature; returns the DS cert.
fn check_signature(sod: &ParsedSod) -> Result<(Certificate, SigAlg), PaFailure> {
    let digest_alg = HashAlg::from_oid(&sod.signer.digest_alg.oid)
        .ok_or_else(|| PaFailure::UnsupportedAlgorithm(sod.signer.digest_alg.oid.to_string()))?;
    let ct = attribute(&sod.signer, ATTR_CONTENT_TYPE)
        .ok_or_else(|| malformed("no content-type attribute"))?;
    let ct = ct
        .decode_as::<const_oid::ObjectIdentifier>()
        .map_err(|e| malformed(e.to_string()))?;
    if ct.to_string() != LDS_SECURITY_OBJECT {
        return Err(PaFailure::WrongContentType);
    }
    let md = attribute(&sod.signer, ATTR_MESSAGE_DIGEST)
        .ok_or_else(|| malformed("no message-digest attribute"))?;
    let md = md
        .decode_as::<der::asn1::OctetString>()
        .map_err(|e| malformed(e.to_string()))?;
    if !crate::crypto::mac_eq(md.as_bytes(), &digest_alg.digest(&sod.econtent)) {
        return Err(PaFailure::ContentDigestMismatch);
    }
    let ds = find_signer_cert(sod).ok_or(PaFailure::NoDocumentSigner)?;
    let alg = sig::sig_alg(&sod.signer.signature_algorithm, Some(digest_alg))
        .map_err(|e| PaFailure::UnsupportedAlgorithm(e.to_string()))?;
    let spki = ds.tbs_certificate().subject_public_key_info();
    match sig::verify(
        spki,
        alg,
        &sod.signed_attrs,
        sod.signer.signature.as_bytes(),
        false,
    ) {
        Ok(()) => Ok((ds, alg)),
        Err(sig::SigError::Invalid) => Err(PaFailure::BadSignature),
        Err(e) => Err(PaFailure::UnsupportedAlgorithm(e.to_string())),
    }
}

/// True when `issuer`'s key verifies `cert`'s signature.
pub fn issued_by(cert: &Certificate, issuer: &Certificate) -> bool {
    let Ok(alg) = sig::sig_alg(cert.signature_algorithm(), None) else {
        return false;
    };
    let Ok(tbs) = cert.tbs_certificate().to_der() else {
        return false;
    };
    let Some(signature) = cert.signature().as_bytes() else {
        return false;
    };
    sig::verify(
        issuer.tbs_certificate().subject_public_key_info(),
        alg,
        &tbs,
        signature,
        false,
    )
    .is_ok()
}

fn secs(t: &x509_cert::time::Time) -> i64 {
    i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
}

/// Chain, validity and revocation of the Document Signer; returns the CSCA.
fn check_chain<'a>(
    ds: &Certificate,
    trust: &'a TrustStore,
    now: DateTime<Utc>,
) -> Result<&'a Certificate, PaFailure> {
    let issuer = ds.tbs_certificate().issuer();
    let csca = trust
        .cscas()
        .iter()
        .filter(|c| c.tbs_certificate().subject() == issuer)
        .find(|c| issued_by(ds, c))
        .ok_or(PaFailure::UnknownCsca)?;
    let v = ds.tbs_certificate().validity();
    let now = now.timestamp();
    if now < secs(&v.not_before) {
        return Err(PaFailure::DsNotYetValid);
    }
    if now > secs(&v.not_after) {
        return Err(PaFailure::DsExpired);
    }
    let cv = csca.tbs_certificate().validity();
    let issued = secs(&v.not_before);
    if issued < secs(&cv.not_before) || issued > secs(&cv.not_after) {
        return Err(PaFailure::CscaNotValid);
    }
    for crl in trust
        .crls()
        .iter()
        .filter(|c| c.tbs_cert_list.issuer == *issuer)
    {
        let Ok(alg) = sig::sig_alg(&crl.signature_algorithm, None) else {
            return Err(PaFailure::CrlInvalid);
        };
        let tbs = crl
            .tbs_cert_list
            .to_der()
            .map_err(|_| PaFailure::CrlInvalid)?;
        let signature = crl.signature.as_bytes().ok_or(PaFailure::CrlInvalid)?;
        if sig::verify(
            csca.tbs_certificate().subject_public_key_info(),
            alg,
            &tbs,
            signature,
            false,
        )
        .is_err()
        {
            return Err(PaFailure::CrlInvalid);
        }
        let serial = ds.tbs_certificate().serial_number();
        if crl
            .tbs_cert_list
            .revoked_certificates
            .iter()
            .flatten()
            .any(|r| r.serial_number.as_bytes() == serial.as_bytes())
        {
            return Err(PaFailure::Revoked);
        }
    }
    Ok(csca)
}

/// Passive Authentication of EF.SOD and the data groups read (number, file bytes).
pub fn passive_authentication(
    sod: &[u8],
    dgs: &[(u8, Vec<u8>)],
    trust: &TrustStore,
    now: DateTime<Utc>,
) -> PaOutcome {
    match run(sod, dgs, trust, now) {
        Ok(d) => PaOutcome::Valid(d),
        Err(f) => {
            tracing::warn!(reason = %f, "passive authentication refused the document");
            PaOutcome::Invalid(f)
        }
    }
}

fn run(
    sod: &[u8],
    dgs: &[(u8, Vec<u8>)],
    trust: &TrustStore,
    now: DateTime<Utc>,
) -> Result<PaDetails, PaFailure> {
    let parsed = parse_sod(sod)?;
    let (ds, alg) = check_signature(&parsed)?;
    let csca = check_chain(&ds, trust, now)?;
    let hash = HashAlg::from_oid(&parsed.lds.hash_algorithm.oid).ok_or_else(|| {
        PaFailure::UnsupportedAlgorithm(parsed.lds.hash_algorithm.oid.to_string())
    })?;
    for (n, bytes) in dgs {
        let stored = parsed
            .lds
            .hash_of(*n)
            .ok_or(PaFailure::DataGroupNotInSod(*n))?;
        if !crate::crypto::mac_eq(stored, &hash.digest(bytes)) {
            return Err(PaFailure::TamperedDataGroup(*n));
        }
    }
    Ok(PaDetails {
        hash_algorithm: hash,
        signature_algorithm: alg,
        document_signer: ds.tbs_certificate().subject().to_string(),
        csca: csca.tbs_certificate().subject().to_string(),
        data_groups: dgs.iter().map(|(n, _)| *n).collect(),
    })
}

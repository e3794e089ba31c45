//! The trust store of Passive Authentication: CSCA certificates (from a folder of PEM/DER
//! files, one certificate file, or a CSCA master list) and optional CRLs.
//!
//! A master list's own CMS signature is not checked here: the deployment obtains the file
//! from its publisher over a trusted channel, as it would a folder of certificates.

use std::path::{Path, PathBuf};

use der::{Decode, Encode};
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;

use crate::lds::CSCA_MASTER_LIST;
use crate::tlv;

/// Largest trust file read (a master list is under 1 MiB today).
const MAX_FILE: u64 = 64 * 1024 * 1024;

/// Why a trust store could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a certificate, CRL or CSCA master list ({detail})")]
    Unrecognised { path: PathBuf, detail: &'static str },
    #[error("{path}: {source}")]
    Der {
        path: PathBuf,
        #[source]
        source: der::Error,
    },
    #[error("{path}: file larger than {MAX_FILE} bytes")]
    TooLarge { path: PathBuf },
    #[error("{0}: no certificate found")]
    Empty(PathBuf),
}

/// Trusted CSCA certificates and revocation lists.
#[derive(Clone, Debug, Default)]
pub struct TrustStore {
    cscas: Vec<Certificate>,
    crls: Vec<CertificateList>,
}

impl TrustStore {
    pub fn new() -> Self {
        TrustStore::default()
    }

    /// From DER certificates.
    pub fn from_der_certs<I, B>(certs: I) -> Result<TrustStore, der::Error>
    where
        I: IntoIterator<Item = B>,
        B: AsRef<[u8]>,
    {
        let cscas = certs
            .into_iter()
            .map(|c| Certificate::from_der(c.as_ref()))
            .collect::<Result<_, _>>()?;
        Ok(TrustStore {
            cscas,
            crls: Vec::new(),
        })
    }

    /// From a folder (every file in it, not recursing), a certificate file (PEM with one or
    /// more certificates, or DER), a CRL file, or a CSCA master list.
    pub fn load(path: impl AsRef<Path>) -> Result<TrustStore, TrustError> {
        let path = path.as_ref();
        let mut store = TrustStore::new();
        let meta = std::fs::metadata(path).map_err(|source| TrustError::Io {
            path: path.into(),
            source,
        })?;
        if meta.is_dir() {
            let rd = std::fs::read_dir(path).map_err(|source| TrustError::Io {
                path: path.into(),
                source,
            })?;
            let mut files: Vec<PathBuf> = rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            files.sort();
            for f in files {
                if is_documentation(&f) {
                    continue;
                }
                store.add_file(&f)?;
            }
        } else {
            store.add_file(path)?;
        }
        if store.cscas.is_empty() {
            return Err(TrustError::Empty(path.into()));
        }
        tracing::info!(
            cscas = store.cscas.len(),
            crls = store.crls.len(),
            "trust store loaded"
        );
        Ok(store)
    }

    /// From several paths (each as [`TrustStore::load`]), merged.
    pub fn load_all<P: AsRef<Path>>(paths: &[P]) -> Result<TrustStore, TrustError> {
        let mut store = TrustStore::new();
        for p in paths {
            store.merge(TrustStore::load(p)?);
        }
        Ok(store)
    }

    /// Adds every CSCA and CRL of `other`.
    pub fn merge(&mut self, other: TrustStore) {
        self.cscas.extend(other.cscas);
        self.crls.extend(other.crls);
    }

    /// Adds the certificates, CRL or master list in one file.
    pub fn add_file(&mut self, path: &Path) -> Result<(), TrustError> {
        let meta = std::fs::metadata(path).map_err(|source| TrustError::Io {
            path: path.into(),
            source,
        })?;
        if meta.len() > MAX_FILE {
            return Err(TrustError::TooLarge { path: path.into() });
        }
        let bytes = std::fs::read(path).map_err(|source| TrustError::Io {
            path: path.into(),
            source,
        })?;
        self.add_bytes(&bytes).map_err(|e| e.at(path))
    }

    /// Adds PEM or DER bytes: certificates, a CRL or a master list.
    pub fn add_bytes(&mut self, bytes: &[u8]) -> Result<(), BytesError> {
        if std::str::from_utf8(bytes).is_ok_and(|t| t.contains("-----BEGIN ")) {
            return self.add_pem(bytes);
        }
        if let Ok(cert) = Certificate::from_der(bytes) {
            self.cscas.push(cert);
            return Ok(());
        }
        if let Ok(crl) = CertificateList::from_der(bytes) {
            self.crls.push(crl);
            return Ok(());
        }
        let certs = master_list_certificates(bytes)?;
        self.cscas.extend(certs);
        Ok(())
    }

    fn add_pem(&mut self, bytes: &[u8]) -> Result<(), BytesError> {
        let text =
            std::str::from_utf8(bytes).map_err(|_| BytesError::Unrecognised("PEM is not text"))?;
        let mut found = false;
        for block in text.split("-----END ") {
            let Some(start) = block.find("-----BEGIN ") else {
                continue;
            };
            let label_end = block[start..]
                .find("-----\n")
                .or_else(|| block[start..].find("-----\r\n"));
            let Some(label_end) = label_end else { continue };
            let label = &block[start + 11..start + label_end];
            let body = format!("{}-----END {label}-----\n", &block[start..]);
            let (_, der_bytes) = der::pem::decode_vec(body.as_bytes())
                .map_err(|_| BytesError::Unrecognised("PEM block does not decode"))?;
            match label {
                "CERTIFICATE" => self
                    .cscas
                    .push(Certificate::from_der(&der_bytes).map_err(BytesError::Der)?),
                "X509 CRL" => self
                    .crls
                    .push(CertificateList::from_der(&der_bytes).map_err(BytesError::Der)?),
                _ => continue,
            }
            found = true;
        }
        if found {
            Ok(())
        } else {
            Err(BytesError::Unrecognised("no CERTIFICATE or X509 CRL block"))
        }
    }

    /// Adds one CRL.
    pub fn add_crl(&mut self, crl: CertificateList) {
        self.crls.push(crl);
    }

    /// Adds one CSCA certificate.
    pub fn add_csca(&mut self, cert: Certificate) {
        self.cscas.push(cert);
    }

    pub fn cscas(&self) -> &[Certificate] {
        &self.cscas
    }

    pub fn crls(&self) -> &[CertificateList] {
        &self.crls
    }

    pub fn is_empty(&self) -> bool {
        self.cscas.is_empty()
    }
}

fn is_documentation(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("md" | "txt")
    )
}

/// Why bytes are not trust material (before the file name is known).
#[derive(Debug, thiserror::Error)]
pub enum BytesError {
    #[error("{0}")]
    Unrecognised(&'static str),
    #[error("{0}")]
    Der(der::Error),
}

impl BytesError {
    fn at(self, path: &Path) -> TrustError {
        match self {
            BytesError::Unrecognised(detail) => TrustError::Unrecognised {
                path: path.into(),
                detail,
            },
            BytesError::Der(source) => TrustError::Der {
                path: path.into(),
                source,
            },
        }
    }
}

/// The CSCA certificates in a CSCA master list (CMS SignedData over
/// `CscaMasterList ::= SEQUENCE { version INTEGER, certList SET OF Certificate }`).
pub fn master_list_certificates(bytes: &[u8]) -> Result<Vec<Certificate>, BytesError> {
    use cms::content_info::ContentInfo;
    use cms::signed_data::SignedData;
    let ci =
        ContentInfo::from_der(bytes).map_err(|_| BytesError::Unrecognised("not DER CMS either"))?;
    let sd_der = ci.content.to_der().map_err(BytesError::Der)?;
    let sd = SignedData::from_der(&sd_der).map_err(BytesError::Der)?;
    if sd.encap_content_info.econtent_type.to_string() != CSCA_MASTER_LIST {
        return Err(BytesError::Unrecognised(
            "CMS content is not a CSCA master list",
        ));
    }
    let econtent = sd
        .encap_content_info
        .econtent
        .ok_or(BytesError::Unrecognised("master list without content"))?;
    let octets = der::asn1::OctetString::from_der(&econtent.to_der().map_err(BytesError::Der)?)
        .map_err(BytesError::Der)?;
    let list = tlv::parse_single(octets.as_bytes())
        .map_err(|_| BytesError::Unrecognised("master list content"))?;
    let fields = list
        .children()
        .map_err(|_| BytesError::Unrecognised("master list content"))?;
    let set = fields
        .get(1)
        .filter(|t| t.tag == 0x31)
        .ok_or(BytesError::Unrecognised("master list without certList"))?;
    let certs =
        tlv::parse_all(set.value).map_err(|_| BytesError::Unrecognised("master list certList"))?;
    certs
        .iter()
        .map(|c| Certificate::from_der(c.raw).map_err(BytesError::Der))
        .collect()
}

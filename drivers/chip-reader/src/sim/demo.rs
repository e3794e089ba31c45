//! The demo PKI and specimen chip. **NOT FOR PRODUCTION**: every key here is derived from a
//! public seed string, so anyone can sign cards with it. A deployment never trusts
//! `config/trust/demo/demo-csca.pem`; the kiosk demo does, to show a card that passes.

use super::pki::{self, PkiError, SignerKey};
use super::profile::{CaKey, DocumentSigner, Forgery, Personalisation, SimAccess};
use crate::crypto::Cipher;
use crate::ec::Curve;
use crate::pace::PaceParams;
use x509_cert::Certificate;

/// Subject of the demo CSCA.
pub const DEMO_CSCA_DN: &str =
    "CN=DOST demo CSCA NOT FOR PRODUCTION,O=DOST Kiosk demo NOT FOR PRODUCTION,C=AZ";
/// Subject of the demo Document Signer.
pub const DEMO_DS_DN: &str =
    "CN=DOST demo Document Signer NOT FOR PRODUCTION,O=DOST Kiosk demo NOT FOR PRODUCTION,C=AZ";

const NOT_BEFORE: u64 = 1_704_067_200; // 2024-01-01
const CSCA_NOT_AFTER: u64 = 2_335_219_200; // 2044-01-01
const DS_NOT_AFTER: u64 = 2_082_758_400; // 2036-01-01

fn csca_key() -> SignerKey {
    SignerKey::ec_from_seed(Curve::P256, "DOST Kiosk demo CSCA - NOT FOR PRODUCTION")
}

/// The demo CSCA certificate (deterministic: the same bytes on every machine).
pub fn demo_csca() -> Result<Certificate, PkiError> {
    pki::csca_certificate(&csca_key(), DEMO_CSCA_DN, 1, NOT_BEFORE, CSCA_NOT_AFTER)
}

/// The demo Document Signer (certificate and key).
pub fn demo_signer() -> Result<DocumentSigner, PkiError> {
    let key = SignerKey::ec_from_seed(
        Curve::P256,
        "DOST Kiosk demo Document Signer - NOT FOR PRODUCTION",
    );
    let cert = pki::ds_certificate(
        &key,
        DEMO_DS_DN,
        2,
        NOT_BEFORE,
        DS_NOT_AFTER,
        &demo_csca()?,
        &csca_key(),
    )?;
    Ok(DocumentSigner { cert, key })
}

/// A demo chip for the printed MRZ `mrz`: PACE-GM (P-256, AES-128) and Chip Authentication.
/// `photocopy` gives the chip of a card that was copied: the files are cloned but the chip's
/// key is not, so Chip Authentication fails.
pub fn demo_card(mrz: &[&str], photocopy: bool) -> Result<Personalisation, PkiError> {
    let ca = CaKey {
        curve: Curve::P256,
        cipher: Cipher::Aes128,
        secret: match SignerKey::ec_from_seed(
            Curve::P256,
            &format!("DOST demo chip key {}", mrz.concat()),
        ) {
            SignerKey::Ec { secret, .. } => secret,
            _ => return Err(PkiError::Name("demo chip key".into())),
        },
    };
    Ok(Personalisation::new(mrz, demo_signer()?)
        .access(SimAccess::Pace(PaceParams {
            curve: Curve::P256,
            cipher: Cipher::Aes128,
        }))
        .chip_authentication(ca)
        .forgery(Forgery {
            clone_keys: photocopy,
            ..Forgery::default()
        }))
}

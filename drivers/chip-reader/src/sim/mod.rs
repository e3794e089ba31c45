//! Card simulator: an eMRTD application with BAC, PACE-GM, Active and Chip Authentication
//! over a file system signed by a test Document Signer, and the test PKI that signs it.

pub mod card;
pub mod pki;
pub mod profile;
pub mod sod;

pub use card::SimCard;
pub use profile::{AaKey, CaKey, CardProfile, DocumentSigner, Forgery, Personalisation, SimAccess};
pub mod demo;

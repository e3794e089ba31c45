//! Card simulator: an eMRTD application with BAC, PACE-GM, Active and Chip Authentication
//! over a file system signed by a test Document Signer, and the test PKI that signs it.

pub mod pki;
pub mod sod;

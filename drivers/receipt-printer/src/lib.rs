//! ESC/POS receipt printer driver for DOST kiosks.
//!
//! Pure core ([`encode_receipt`], [`encode_test_page`], [`preview::decode`], status parsing)
//! with I/O at the edge ([`Transport`], [`Printer`], [`SerialTransport`], [`EscposTransport`]).
//! Azerbaijani text goes through PC857 plus user-defined characters (or raster bands) for ə/Ə;
//! Russian through PC866. See `README.md`.

mod codepage;
pub mod emulator;
mod encode;
mod font;
mod layout;
mod logo;
pub mod preview;
mod printer;
mod profile;
mod status;
mod transport;

pub use encode::{encode_receipt, encode_test_page, test_page_text};
pub use layout::{ReceiptLang, mask_fin, receipt_text, wrap_text};
pub use printer::{CHUNK, HoldReason, PrintOutcome, Printer, PrinterError, Transport};
pub use profile::{AzGlyphs, EncodedJob, PaperWidth, PrinterProfile};
pub use status::{DeviceState, PaperLevel, PrinterStatus, StatusByteError, StatusRequest};
pub use transport::{EscposTransport, SerialTransport};

/// Every letter of the Azerbaijani Latin alphabet, capitals and small.
pub const AZ_LETTERS: &str = "AaBbCcÇçDdEeƏəFfGgĞğHhXxIıİiJjKkQqLlMmNnOoÖöPpRrSsŞşTtUuÜüVvYyZz";
/// Every letter of the Russian alphabet, capitals and small.
pub const RU_LETTERS: &str = "АаБбВвГгДдЕеЁёЖжЗзИиЙйКкЛлМмНнОоПпРрСсТтУуФфХхЦцЧчШшЩщЪъЫыЬьЭэЮюЯя";

/// A receipt handed to a citizen after an application.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    pub lang: ReceiptLang,
    pub center_name: String,
    pub kiosk_id: String,
    pub service_title: String,
    pub application_id: String,
    /// QR payload.
    pub lookup_code: String,
    /// Already Asia/Baku local time.
    pub issued_at: chrono::NaiveDateTime,
    /// e.g. `5ZX****`; never the full FİN.
    pub masked_fin: String,
    pub next_steps: Vec<String>,
    pub footer: Option<String>,
}

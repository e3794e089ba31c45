//! ESC/POS receipt printer driver for DOST kiosks.
//!
//! Pure core ([`encode_document`], [`encode_test_page`], [`preview::decode`], status
//! parsing, the [`PresenterTracker`]) with I/O at the edge ([`Transport`], [`Printer`],
//! `SerialTransport`, [`UsbLpTransport`], [`EscposTransport`]). Azerbaijani text goes
//! through PC857 plus user-defined characters (or raster lines) for ə/Ə; Russian through
//! PC866, with each model's code page numbers ([`PrinterModel`]). See `README.md`.
//!
//! Cargo features: `serial` (serialport transport), `sim` (emulators), `hardware`
//! (tests against a real printer). The pure parts build with `--no-default-features`.

mod codepage;
pub mod document;
#[cfg(feature = "sim")]
pub mod emulator;
mod encode;
mod font;
mod layout;
mod logo;
pub mod models;
pub mod presenter;
pub mod preview;
mod printer;
mod profile;
pub mod status;
mod transport;

pub use codepage::CodePage;
pub use document::{Align, Bitmap, DocBlock, Document, Size, Text};
pub use encode::{encode_document, encode_receipt, encode_test_page, test_page_text};
pub use layout::{ReceiptLang, mask_fin, receipt_document, receipt_text, wrap_text};
pub use logo::dost_logo;
pub use models::{PresenterKind, PrinterModel, StatusFormat, Support};
pub use presenter::{PresenterEvent, PresenterTracker};
pub use printer::{CHUNK, HoldReason, PrintOutcome, Printer, PrinterError, Transport};
pub use profile::{AzGlyphs, EncodedJob, PaperWidth, PrinterProfile};
pub use status::{DeviceState, PaperLevel, PrinterStatus, StatusByteError, StatusRequest};
#[cfg(feature = "serial")]
pub use transport::SerialTransport;
pub use transport::{EscposTransport, UsbLpTransport};

/// Every letter of the Azerbaijani Latin alphabet, capitals and small.
pub const AZ_LETTERS: &str = "AaBbCcÇçDdEeƏəFfGgĞğHhXxIıİiJjKkQqLlMmNnOoÖöPpRrSsŞşTtUuÜüVvYyZz";
/// Every letter of the Russian alphabet, capitals and small.
pub const RU_LETTERS: &str = "АаБбВвГгДдЕеЁёЖжЗзИиЙйКкЛлМмНнОоПпРрСсТтУуФфХхЦцЧчШшЩщЪъЫыЬьЭэЮюЯя";

/// A receipt handed to a citizen after an application: DOST's own layout, kept for the
/// kiosk until it builds the receipt from a [`Document`] itself.
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

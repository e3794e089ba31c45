//! Printer profile (configuration) and encoded jobs.

use serde::Deserialize;

/// Paper roll width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum PaperWidth {
    /// 80 mm paper, 576 dots at 203 dpi.
    #[default]
    #[serde(rename = "80mm")]
    Mm80,
    /// 58 mm paper, 384 dots at 203 dpi.
    #[serde(rename = "58mm")]
    Mm58,
}

impl PaperWidth {
    /// Printable width in dots.
    pub fn dots(self) -> u32 {
        match self {
            PaperWidth::Mm80 => 576,
            PaperWidth::Mm58 => 384,
        }
    }
    /// Font A (12×24) columns per line.
    pub fn columns(self) -> usize {
        (self.dots() / 12) as usize
    }
}

/// How ə/Ə (absent from every single-byte code page) are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AzGlyphs {
    /// Download 12×24 glyphs with `ESC &`, select them with `ESC % 1`.
    #[default]
    UserDefined,
    /// Print whole text lines containing ə/Ə as raster bands (`GS v 0`).
    Raster,
}

/// Per-kiosk printer configuration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrinterProfile {
    pub paper: PaperWidth,
    pub az_glyphs: AzGlyphs,
    /// Turn on automatic status back (`GS a n`) before each job.
    pub auto_status_back: bool,
    /// Printer model id (see [`crate::PrinterModel::all`], `printer models`); `"default"`
    /// is the Epson-compatible profile, an unknown id the safe (raster) profile.
    pub model: String,
    /// Presenter models: seconds a receipt waits in the mouth before it is retracted.
    pub retract_after_s: u8,
}

impl PrinterProfile {
    /// The model this profile names.
    pub fn printer_model(&self) -> crate::PrinterModel {
        crate::PrinterModel::for_name(&self.model)
    }
}

impl Default for PrinterProfile {
    fn default() -> Self {
        Self {
            paper: PaperWidth::Mm80,
            az_glyphs: AzGlyphs::UserDefined,
            auto_status_back: false,
            model: "default".to_string(),
            retract_after_s: 30,
        }
    }
}

/// Bytes ready for the printer and the paper they consume.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedJob {
    pub bytes: Vec<u8>,
    /// Paper this job consumes, mm (at 8 dots/mm).
    pub paper_mm: f32,
}

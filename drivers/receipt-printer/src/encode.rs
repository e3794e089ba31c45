//! ESC/POS encoder (pure): printer-level blocks → bytes for one printer model, with paper
//! accounting.
//!
//! Command constants come from the `escpos` crate; text encoding is ours because escpos
//! sends ə as raw UTF-8. User-defined characters (ə/Ə) are done the way the ESC/POS
//! manuals require: codes 0x7D/0x7E (within 0x20–0x7E), defined for Font A (the only font
//! a job uses) after the job's `ESC @`, `ESC % 1` only around them and `ESC % 0` before
//! every line end, and no downloaded bit image (`GS *`, which `ESC &` erases) ever sent.

use crate::codepage::{self, CharCode, CodePage, UDC_SCHWA_LOWER, UDC_SCHWA_UPPER};
use crate::document::{Align, Bitmap, Document};
use crate::font::{self, GLYPH_H, GLYPH_W};
use crate::layout::{self, Block};
use crate::models::{CodePageCommand, PresenterKind, PrinterModel};
use crate::{AzGlyphs, EncodedJob, PrinterProfile, Receipt};
use escpos::utils::{
    ESC_HARDWARE_INIT, ESC_TEXT_EMPHASIS_OFF, ESC_TEXT_EMPHASIS_ON, ESC_TEXT_JUSTIFY_CENTER,
    ESC_TEXT_JUSTIFY_LEFT, ESC_TEXT_LINE_SPACING, GS_2D, GS_2D_QRCODE_CORRECTION_LEVEL,
    GS_2D_QRCODE_MODEL, GS_2D_QRCODE_PRINT_SYMBOL_DATA, GS_2D_QRCODE_SIZE, GS_TEXT_SIZE_SELECT,
};
use qrcode::EcLevel;

const ESC: u8 = 0x1B;
const GS: u8 = 0x1D;
const FS: u8 = 0x1C;
const LF: u8 = 0x0A;
/// Line spacing we set with `ESC 3`, dots (4 mm).
pub(crate) const LINE_SPACING: u8 = 32;
/// Feed (dots) requested with the cut `GS V 66 n` / `GS V 65 n`.
pub(crate) const CUT_FEED: u8 = 64;
/// Dots per mm at 203 dpi.
pub(crate) const DOTS_PER_MM: f32 = 8.0;
/// Max rows per `GS v 0` band.
const MAX_BAND_ROWS: usize = 128;
/// Presentation length: Custom `FS P` steps of 5 mm, `GS e 3` steps of 7 mm.
const PRESENT_STEPS_FSP: u8 = 6;
const PRESENT_STEPS_GSE: u8 = 4;

struct Encoder<'p> {
    p: &'p PrinterProfile,
    model: PrinterModel,
    out: Vec<u8>,
    dots: u32,
    page: Option<CodePage>,
    udc_on: bool,
    udc_defined: bool,
    align: Align,
    bold: bool,
    double: bool,
}

impl<'p> Encoder<'p> {
    fn new(p: &'p PrinterProfile) -> Self {
        let mut e = Self {
            p,
            model: p.printer_model(),
            out: Vec::with_capacity(2048),
            dots: 0,
            page: None,
            udc_on: false,
            udc_defined: false,
            align: Align::Left,
            bold: false,
            double: false,
        };
        e.out.extend_from_slice(ESC_HARDWARE_INIT);
        e.out.extend_from_slice(ESC_TEXT_LINE_SPACING);
        e.out.push(LINE_SPACING);
        e
    }

    /// ə/Ə as user-defined characters: the profile asks for them and the model has them.
    fn udc_usable(&self) -> bool {
        self.p.az_glyphs == AzGlyphs::UserDefined && self.model.user_defined_chars
    }

    fn page_number(&self, page: CodePage) -> Option<u8> {
        match page {
            CodePage::Pc857 => self.model.pc857,
            CodePage::Pc866 => self.model.pc866,
        }
    }

    /// Whether `ch` can be printed as a character on this model.
    fn printable_as_text(&self, ch: char) -> bool {
        match codepage::char_code(ch) {
            CharCode::Ascii(_) | CharCode::Unsupported => true,
            CharCode::Paged { page, .. } => self.page_number(page).is_some(),
            CharCode::Schwa { .. } => self.udc_usable(),
        }
    }

    fn define_schwa(&mut self) {
        // ESC & y c1 c2 [x d1..d(y*x)]…: Font A 12×24, y = 3 bytes per column.
        self.out
            .extend_from_slice(&[ESC, b'&', 3, UDC_SCHWA_UPPER, UDC_SCHWA_LOWER]);
        for ch in ['Ə', 'ə'] {
            self.out.push(GLYPH_W as u8);
            self.out
                .extend_from_slice(&font::udc_columns(&font::glyph_or_box(ch)));
        }
        self.udc_defined = true;
    }

    fn set_align(&mut self, a: Align) {
        if self.align != a {
            match a {
                Align::Left => self.out.extend_from_slice(ESC_TEXT_JUSTIFY_LEFT),
                Align::Center => self.out.extend_from_slice(ESC_TEXT_JUSTIFY_CENTER),
                Align::Right => self.out.extend_from_slice(&[ESC, b'a', 2]),
            }
            self.align = a;
        }
    }

    fn set_bold(&mut self, b: bool) {
        if self.bold != b {
            self.out.extend_from_slice(if b {
                ESC_TEXT_EMPHASIS_ON
            } else {
                ESC_TEXT_EMPHASIS_OFF
            });
            self.bold = b;
        }
    }

    fn set_double(&mut self, d: bool) {
        if self.double != d {
            self.out.extend_from_slice(GS_TEXT_SIZE_SELECT);
            self.out.push(if d { 0x11 } else { 0x00 });
            self.double = d;
        }
    }

    fn set_page(&mut self, page: CodePage, number: u8) {
        if self.page != Some(page) {
            match self.model.code_page_command {
                CodePageCommand::EscT => self.out.extend_from_slice(&[ESC, b't', number]),
                CodePageCommand::StarEscGsT => {
                    self.out.extend_from_slice(&[ESC, GS, b't', number]);
                }
            }
            self.page = Some(page);
        }
    }

    fn set_udc(&mut self, on: bool) {
        if self.udc_on != on {
            self.out.extend_from_slice(&[ESC, b'%', u8::from(on)]);
            self.udc_on = on;
        }
    }

    fn line_height(&self) -> u32 {
        let h = if self.double {
            2 * GLYPH_H as u32
        } else {
            GLYPH_H as u32
        };
        h.max(u32::from(LINE_SPACING))
    }

    fn text_line(&mut self, text: &str, align: Align, bold: bool, double: bool) {
        self.set_align(align);
        self.set_bold(bold);
        self.set_double(double);
        if !text.chars().all(|c| self.printable_as_text(c)) {
            self.raster_line(text, bold, double);
            return;
        }
        if text.contains(['ə', 'Ə']) && !self.udc_defined {
            self.define_schwa();
        }
        for ch in text.chars() {
            self.char(ch);
        }
        self.set_udc(false);
        self.out.push(LF);
        self.dots += self.line_height();
    }

    fn char(&mut self, ch: char) {
        match codepage::char_code(ch) {
            CharCode::Ascii(b) => {
                if b == UDC_SCHWA_UPPER || b == UDC_SCHWA_LOWER {
                    self.set_udc(false);
                }
                self.out.push(b);
            }
            CharCode::Paged { page, byte } => match self.page_number(page) {
                Some(n) => {
                    self.set_page(page, n);
                    self.out.push(byte);
                }
                None => self.out.push(b'?'),
            },
            CharCode::Schwa { upper } => {
                self.set_udc(true);
                self.out.push(if upper {
                    UDC_SCHWA_UPPER
                } else {
                    UDC_SCHWA_LOWER
                });
            }
            CharCode::Unsupported => match codepage::ascii_substitute(ch) {
                Some(s) => s.chars().for_each(|c| self.char(c)),
                None => {
                    tracing::warn!(code_point = ch as u32, "character not printable, using '?'");
                    self.out.push(b'?');
                }
            },
        }
    }

    /// A text line as a raster band drawn with the embedded 12×24 font.
    fn raster_line(&mut self, text: &str, bold: bool, double: bool) {
        let chars: Vec<char> = text.chars().collect();
        let width = (chars.len() * GLYPH_W).max(8);
        let wb = width.div_ceil(8);
        let mut data = vec![0u8; wb * GLYPH_H];
        for (i, ch) in chars.iter().enumerate() {
            let g = font::glyph_or_box(*ch);
            for y in 0..GLYPH_H {
                for x in 0..GLYPH_W {
                    let on = font::pixel(&g, x, y) || (bold && x > 0 && font::pixel(&g, x - 1, y));
                    if on {
                        let px = i * GLYPH_W + x;
                        data[y * wb + px / 8] |= 0x80 >> (px % 8);
                    }
                }
            }
        }
        let mode = if double { 3 } else { 0 };
        self.raster(mode, wb, &data);
        let printed = if double {
            2 * GLYPH_H as u32
        } else {
            GLYPH_H as u32
        };
        let gap = self.line_height().saturating_sub(printed);
        self.feed_dots(gap as u8);
    }

    /// `GS v 0 m xL xH yL yH d…`, split into bands of at most [`MAX_BAND_ROWS`].
    fn raster(&mut self, mode: u8, wb: usize, data: &[u8]) {
        let scale_y = if mode & 2 != 0 { 2 } else { 1 };
        for band in data.chunks(wb * MAX_BAND_ROWS) {
            let band_rows = band.len() / wb;
            self.out.extend_from_slice(&[GS, b'v', b'0', mode]);
            self.out.extend_from_slice(&(wb as u16).to_le_bytes());
            self.out
                .extend_from_slice(&(band_rows as u16).to_le_bytes());
            let start = self.out.len();
            self.out.extend_from_slice(band);
            sanitize_real_time(&mut self.out[start..]);
            self.dots += (band_rows * scale_y) as u32;
        }
    }

    fn feed_dots(&mut self, n: u8) {
        if n > 0 {
            self.out.extend_from_slice(&[ESC, b'J', n]);
            self.dots += u32::from(n);
        }
    }

    fn qr(&mut self, payload: &str) {
        let module: u8 = match self.p.paper {
            crate::PaperWidth::Mm80 => 6,
            crate::PaperWidth::Mm58 => 5,
        };
        if !self.model.qr {
            self.qr_raster(payload, module);
            return;
        }
        // Only the symbol size is needed here: segment and pick the version, skip masking.
        let modules = match qrcode::bits::encode_auto(payload.as_bytes(), EcLevel::M) {
            Ok(bits) => u32::try_from(bits.version().width()).unwrap_or(0),
            Err(e) => {
                tracing::warn!(error = %e, len = payload.len(), "QR payload cannot be encoded; printing it as text");
                self.text_line(payload, Align::Center, false, false);
                return;
            }
        };
        self.set_align(Align::Center);
        self.out.extend_from_slice(GS_2D_QRCODE_MODEL);
        self.out.extend_from_slice(&[50, 0]);
        self.out.extend_from_slice(GS_2D_QRCODE_SIZE);
        self.out.push(module);
        self.out.extend_from_slice(GS_2D_QRCODE_CORRECTION_LEVEL);
        self.out.push(49); // M
        let len = (payload.len() + 3) as u16;
        self.out.extend_from_slice(GS_2D);
        self.out.extend_from_slice(&len.to_le_bytes());
        self.out.extend_from_slice(&[49, 80, 48]);
        self.out.extend_from_slice(payload.as_bytes());
        self.out.extend_from_slice(GS_2D_QRCODE_PRINT_SYMBOL_DATA);
        self.dots += modules * u32::from(module);
    }

    /// The QR code drawn as a raster image (models without `GS ( k`).
    fn qr_raster(&mut self, payload: &str, module: u8) {
        let code = match qrcode::QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, len = payload.len(), "QR payload cannot be encoded; printing it as text");
                self.text_line(payload, Align::Center, false, false);
                return;
            }
        };
        let n = code.width();
        let m = usize::from(module);
        let wb = (n * m).div_ceil(8);
        let mut data = vec![0u8; wb * n * m];
        for (k, color) in code.to_colors().iter().enumerate() {
            if *color != qrcode::Color::Dark {
                continue;
            }
            let (mx, my) = (k % n, k / n);
            for y in my * m..(my + 1) * m {
                for x in mx * m..(mx + 1) * m {
                    data[y * wb + x / 8] |= 0x80 >> (x % 8);
                }
            }
        }
        self.set_align(Align::Center);
        self.raster(0, wb, &data);
    }

    fn image(&mut self, b: &Bitmap) {
        if b.width_bytes == 0 || b.rows == 0 || b.data.len() < b.width_bytes * b.rows {
            tracing::warn!(
                width_bytes = b.width_bytes,
                rows = b.rows,
                "image without data skipped"
            );
            return;
        }
        self.set_align(Align::Center);
        let mode = if b.double { 3 } else { 0 };
        self.raster(mode, b.width_bytes, &b.data[..b.width_bytes * b.rows]);
    }

    fn cut(&mut self) {
        self.set_align(Align::Left);
        self.set_bold(false);
        self.set_double(false);
        let m = if self.model.partial_cut { 66 } else { 65 };
        match self.model.presenter {
            Some(PresenterKind::CustomFsP) => {
                // Feed, then cut and present; retract after the timeout (0: hold).
                self.feed_dots(CUT_FEED);
                let t = self.p.retract_after_s;
                self.out
                    .extend_from_slice(&[FS, b'P', PRESENT_STEPS_FSP, 0, b'R', t]);
            }
            Some(PresenterKind::GsE) => {
                self.out.extend_from_slice(&[GS, b'V', m, CUT_FEED]);
                self.dots += u32::from(CUT_FEED);
                self.out
                    .extend_from_slice(&[GS, b'e', 3, PRESENT_STEPS_GSE]);
            }
            None => {
                self.out.extend_from_slice(&[GS, b'V', m, CUT_FEED]);
                self.dots += u32::from(CUT_FEED);
            }
        }
    }

    fn block(&mut self, b: &Block) {
        match b {
            Block::Image(bitmap) => self.image(bitmap),
            Block::Text {
                text,
                align,
                bold,
                double,
            } => self.text_line(text, *align, *bold, *double),
            Block::Qr(payload) => self.qr(payload),
            Block::Gap(n) => self.feed_dots(*n),
            Block::Cut => self.cut(),
        }
    }

    fn finish(self) -> EncodedJob {
        EncodedJob {
            bytes: self.out,
            paper_mm: self.dots as f32 / DOTS_PER_MM,
        }
    }
}

/// Printers execute `DLE EOT n` / `DLE ENQ n` / `DLE DC4` even inside image data, which would
/// eat 3 bytes of the bitmap. Break such sequences by clearing the pixels of the second byte
/// (a few dots at most; real glyphs rarely produce the pattern).
fn sanitize_real_time(data: &mut [u8]) {
    for i in 0..data.len().saturating_sub(2) {
        if data[i] == 0x10 && matches!(data[i + 1], 0x04 | 0x05 | 0x14) {
            data[i + 1] = 0;
        }
    }
}

fn encode_blocks(blocks: &[Block], p: &PrinterProfile) -> EncodedJob {
    let mut e = Encoder::new(p);
    for b in blocks {
        e.block(b);
    }
    e.finish()
}

/// Encode a document for the given printer (pure).
pub fn encode_document(d: &Document, p: &PrinterProfile) -> EncodedJob {
    encode_blocks(&d.lower(p), p)
}

/// Encode DOST's receipt for the given printer (pure); the same as
/// `encode_document(&receipt_document(r), p)`.
pub fn encode_receipt(r: &Receipt, p: &PrinterProfile) -> EncodedJob {
    encode_blocks(&layout::receipt_blocks(r, p), p)
}

fn test_page_blocks(p: &PrinterProfile) -> Vec<Block> {
    let cols = p.paper.columns();
    let t = |s: &str, bold: bool| Block::Text {
        text: s.to_owned(),
        align: Align::Left,
        bold,
        double: false,
    };
    let mut b = vec![Block::Image(crate::logo::dost_logo()), Block::Gap(8)];
    b.push(Block::Text {
        text: "TEST".into(),
        align: Align::Center,
        bold: true,
        double: true,
    });
    b.push(layout::rule(cols));
    let paper = match p.paper {
        crate::PaperWidth::Mm80 => "80mm / 576 dots",
        crate::PaperWidth::Mm58 => "58mm / 384 dots",
    };
    let glyphs = match p.az_glyphs {
        AzGlyphs::UserDefined => "ə/Ə: user-defined",
        AzGlyphs::Raster => "ə/Ə: raster",
    };
    b.push(t(paper, false));
    b.push(t(glyphs, false));
    b.push(t("Azərbaycan əlifbası:", true));
    for s in crate::AZ_LETTERS
        .chars()
        .collect::<Vec<_>>()
        .chunks(cols.min(32))
    {
        b.push(t(&s.iter().collect::<String>(), false));
    }
    b.push(t("Русский алфавит:", true));
    for s in crate::RU_LETTERS
        .chars()
        .collect::<Vec<_>>()
        .chunks(cols.min(32))
    {
        b.push(t(&s.iter().collect::<String>(), false));
    }
    b.push(t("0123456789 .,:;-+*/()%", false));
    b.push(Block::Text {
        text: "Əə İı Şş Ğğ".into(),
        align: Align::Center,
        bold: true,
        double: true,
    });
    b.push(Block::Gap(16));
    b.push(Block::Qr("DOST test page".into()));
    b.push(Block::Gap(8));
    b.push(Block::Cut);
    b
}

/// A test page: every Azerbaijani and Russian letter, double-size ə, and a QR code.
pub fn encode_test_page(p: &PrinterProfile) -> EncodedJob {
    encode_blocks(&test_page_blocks(p), p)
}

/// The text lines of the test page.
pub fn test_page_text(p: &PrinterProfile) -> Vec<String> {
    test_page_blocks(p)
        .into_iter()
        .filter_map(|b| match b {
            Block::Text { text, .. } => Some(text),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_time_sequences_in_image_data_are_broken() {
        let mut d = [0x00, 0x10, 0x04, 0x01, 0x10, 0x14, 0x08, 0x10, 0x02];
        sanitize_real_time(&mut d);
        assert_eq!(d, [0x00, 0x10, 0x00, 0x01, 0x10, 0x00, 0x08, 0x10, 0x02]);
    }

    #[test]
    fn raster_jobs_carry_no_real_time_sequence() {
        for paper in [crate::PaperWidth::Mm80, crate::PaperWidth::Mm58] {
            let p = PrinterProfile {
                paper,
                az_glyphs: AzGlyphs::Raster,
                ..PrinterProfile::default()
            };
            let job = encode_test_page(&p);
            assert!(!job.bytes.windows(2).any(|w| w == [0x10, 0x04]));
        }
    }
}

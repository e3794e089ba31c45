//! ESC/POS encoder (pure): layout blocks → bytes, with paper accounting.
//!
//! Command constants come from the `escpos` crate; text encoding is ours because escpos
//! sends ə as raw UTF-8.

use crate::codepage::{self, CharCode, UDC_SCHWA_LOWER, UDC_SCHWA_UPPER};
use crate::font::{self, GLYPH_H, GLYPH_W};
use crate::layout::{self, Align, Block};
use crate::{AzGlyphs, EncodedJob, PrinterProfile, Receipt};
use escpos::utils::{
    ESC_CHARACTER_PAGE_CODE, ESC_HARDWARE_INIT, ESC_TEXT_EMPHASIS_OFF, ESC_TEXT_EMPHASIS_ON,
    ESC_TEXT_JUSTIFY_CENTER, ESC_TEXT_JUSTIFY_LEFT, ESC_TEXT_LINE_SPACING, GS_2D,
    GS_2D_QRCODE_CORRECTION_LEVEL, GS_2D_QRCODE_MODEL, GS_2D_QRCODE_PRINT_SYMBOL_DATA,
    GS_2D_QRCODE_SIZE, GS_TEXT_SIZE_SELECT,
};
use qrcode::EcLevel;

const ESC: u8 = 0x1B;
const GS: u8 = 0x1D;
const LF: u8 = 0x0A;
/// Line spacing we set with `ESC 3`, dots (4 mm).
pub(crate) const LINE_SPACING: u8 = 32;
/// Feed (dots) requested with the partial cut `GS V 66 n`.
pub(crate) const CUT_FEED: u8 = 64;
/// Dots per mm at 203 dpi.
pub(crate) const DOTS_PER_MM: f32 = 8.0;
/// Max rows per `GS v 0` band.
const MAX_BAND_ROWS: usize = 128;

struct Encoder<'p> {
    p: &'p PrinterProfile,
    out: Vec<u8>,
    dots: u32,
    page: Option<u8>,
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
            self.out.extend_from_slice(match a {
                Align::Left => ESC_TEXT_JUSTIFY_LEFT,
                Align::Center => ESC_TEXT_JUSTIFY_CENTER,
            });
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

    fn set_page(&mut self, page: u8) {
        if self.page != Some(page) {
            self.out.extend_from_slice(ESC_CHARACTER_PAGE_CODE);
            self.out.push(page);
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
        let has_schwa = text.contains(['ə', 'Ə']);
        if has_schwa && self.p.az_glyphs == AzGlyphs::Raster {
            self.raster_line(text, bold, double);
            return;
        }
        if has_schwa && !self.udc_defined {
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
            CharCode::Paged { page, byte } => {
                self.set_page(page);
                self.out.push(byte);
            }
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

    fn logo(&mut self) {
        let (wb, _rows, data) = crate::logo::logo_bitmap();
        self.set_align(Align::Center);
        self.raster(3, wb, &data);
    }

    fn cut(&mut self) {
        self.set_align(Align::Left);
        self.set_bold(false);
        self.set_double(false);
        self.out.extend_from_slice(&[GS, b'V', 66, CUT_FEED]);
        self.dots += u32::from(CUT_FEED);
    }

    fn block(&mut self, b: &Block) {
        match b {
            Block::Logo => self.logo(),
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

/// Encode a receipt for the given printer (pure).
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
    let mut b = vec![Block::Logo, Block::Gap(8)];
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

//! Decoder for the ESC/POS subset we send, and a PNG preview of the printed receipt.
//!
//! Used by the emulators (paper accounting), by tests (round trips) and by technicians
//! (what would this job look like on paper).

use crate::codepage::{self, CodePage};
use crate::font::{self, GLYPH_H, GLYPH_W, Glyph};
use crate::models::PrinterModel;
use qrcode::{EcLevel, QrCode};
use std::collections::HashMap;

/// Errors of [`decode`] and [`render_png`].
#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error("command truncated at byte {offset}")]
    Truncated { offset: usize },
    #[error("unsupported command {command:02X?} at byte {offset}")]
    Unsupported { offset: usize, command: Vec<u8> },
    #[error("QR payload cannot be drawn")]
    Qr(#[from] qrcode::types::QrError),
    #[error("PNG encoding failed")]
    Png(#[from] png::EncodingError),
    #[error(
        "preview too large ({width}×{height} dots; at most {MAX_WIDTH} wide and {MAX_PIXELS} dots in all)"
    )]
    TooLarge { width: u32, height: u32 },
}

/// Justification (`ESC a`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Justify {
    #[default]
    Left,
    Center,
    Right,
}

/// One printed character cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub ch: char,
    /// The downloaded glyph when a user-defined character printed here.
    pub udc: Option<Glyph>,
}

/// A printed text line.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    pub cells: Vec<Cell>,
    pub justify: Justify,
    pub bold: bool,
    pub width_mul: u8,
    pub height_mul: u8,
    /// Paper advanced by this line, dots.
    pub advance: u32,
}

impl TextLine {
    pub fn text(&self) -> String {
        self.cells.iter().map(|c| c.ch).collect()
    }
}

/// A raster image (`GS v 0`).
#[derive(Debug, Clone, PartialEq)]
pub struct RasterImage {
    pub width_bytes: usize,
    pub rows: usize,
    pub data: Vec<u8>,
    pub scale_x: u8,
    pub scale_y: u8,
    pub justify: Justify,
}

impl RasterImage {
    pub fn pixel(&self, x: usize, y: usize) -> bool {
        x < self.width_bytes * 8
            && y < self.rows
            && self.data[y * self.width_bytes + x / 8] & (0x80 >> (x % 8)) != 0
    }
}

/// A printed QR symbol.
#[derive(Debug, Clone, PartialEq)]
pub struct QrSymbol {
    pub payload: Vec<u8>,
    pub module: u8,
    pub model: u8,
    /// `GS ( k 49 69 n`: 48 L, 49 M, 50 Q, 51 H.
    pub ec: u8,
    pub justify: Justify,
    /// Symbol height, dots.
    pub size_dots: u32,
}

/// Something on the paper, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Element {
    Text(TextLine),
    Image(RasterImage),
    Qr(QrSymbol),
    /// Paper feed, dots.
    Feed(u32),
    Cut {
        partial: bool,
        feed: u32,
    },
}

/// What a byte stream prints.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DecodedReceipt {
    pub elements: Vec<Element>,
    /// Paper the stream advances, dots.
    pub paper_dots: u32,
    /// Bytes consumed (less than the input only for a partial decode).
    pub consumed: usize,
}

impl DecodedReceipt {
    /// Text lines, UTF-8 (ə included).
    pub fn text_lines(&self) -> Vec<String> {
        self.elements
            .iter()
            .filter_map(|e| match e {
                Element::Text(t) => Some(t.text()),
                _ => None,
            })
            .collect()
    }
    pub fn images(&self) -> Vec<&RasterImage> {
        self.elements
            .iter()
            .filter_map(|e| {
                if let Element::Image(i) = e {
                    Some(i)
                } else {
                    None
                }
            })
            .collect()
    }
    /// QR payloads as UTF-8 (lossy).
    pub fn qr_payloads(&self) -> Vec<String> {
        self.elements
            .iter()
            .filter_map(|e| {
                if let Element::Qr(q) = e {
                    Some(String::from_utf8_lossy(&q.payload).into_owned())
                } else {
                    None
                }
            })
            .collect()
    }
    pub fn cuts(&self) -> usize {
        self.elements
            .iter()
            .filter(|e| matches!(e, Element::Cut { .. }))
            .count()
    }
    pub fn paper_mm(&self) -> f32 {
        self.paper_dots as f32 / crate::encode::DOTS_PER_MM
    }
}

const DEFAULT_SPACING: u32 = 30;

struct State {
    /// `ESC t` numbers of CP857 and CP866 on the model decoded for.
    pages: (Option<u8>, Option<u8>),
    justify: Justify,
    bold: bool,
    wmul: u8,
    hmul: u8,
    page: u8,
    udc_on: bool,
    udc: HashMap<u8, Glyph>,
    spacing: u32,
    qr_data: Vec<u8>,
    qr_module: u8,
    qr_model: u8,
    qr_ec: u8,
    line: Vec<Cell>,
    line_style: Option<(Justify, bool, u8, u8)>,
}

impl State {
    fn new(pages: (Option<u8>, Option<u8>)) -> Self {
        Self {
            pages,
            justify: Justify::Left,
            bold: false,
            wmul: 1,
            hmul: 1,
            page: 0,
            udc_on: false,
            udc: HashMap::new(),
            spacing: DEFAULT_SPACING,
            qr_data: Vec::new(),
            qr_module: 3,
            qr_model: 50,
            qr_ec: 48,
            line: Vec::new(),
            line_style: None,
        }
    }

    fn reset(&mut self) {
        let line = std::mem::take(&mut self.line);
        *self = Self::new(self.pages);
        self.line = line;
    }

    fn push_char(&mut self, b: u8) {
        if self.line_style.is_none() {
            self.line_style = Some((self.justify, self.bold, self.wmul, self.hmul));
        }
        let cell = match self.udc.get(&b).filter(|_| self.udc_on) {
            Some(g) => {
                let ch = ['ə', 'Ə']
                    .into_iter()
                    .find(|c| font::glyph(*c) == Some(g))
                    .unwrap_or('\u{FFFD}');
                Cell { ch, udc: Some(*g) }
            }
            None => Cell {
                ch: codepage::decode_byte(self.code_page(), b).unwrap_or('\u{FFFD}'),
                udc: None,
            },
        };
        self.line.push(cell);
    }

    fn code_page(&self) -> Option<CodePage> {
        if Some(self.page) == self.pages.0 {
            Some(CodePage::Pc857)
        } else if Some(self.page) == self.pages.1 {
            Some(CodePage::Pc866)
        } else {
            None
        }
    }

    /// Print the line buffer; `feed` = Some(dots) for ESC J, None for LF.
    fn flush(&mut self, out: &mut DecodedReceipt, feed: Option<u32>) {
        let (justify, bold, wmul, hmul) =
            self.line_style
                .take()
                .unwrap_or((self.justify, self.bold, self.wmul, self.hmul));
        let cells = std::mem::take(&mut self.line);
        let advance = match feed {
            Some(d) => d,
            None => {
                let h = if cells.is_empty() {
                    0
                } else {
                    GLYPH_H as u32 * u32::from(hmul)
                };
                h.max(self.spacing)
            }
        };
        if cells.is_empty() {
            if advance > 0 {
                out.elements.push(Element::Feed(advance));
            }
        } else {
            out.elements.push(Element::Text(TextLine {
                cells,
                justify,
                bold,
                width_mul: wmul,
                height_mul: hmul,
                advance,
            }));
        }
        out.paper_dots += advance;
    }
}

fn need(bytes: &[u8], i: usize, n: usize) -> Result<&[u8], PreviewError> {
    bytes
        .get(i..i + n)
        .ok_or(PreviewError::Truncated { offset: i })
}

fn justify_of(n: u8) -> Justify {
    match n {
        1 | 49 => Justify::Center,
        2 | 50 => Justify::Right,
        _ => Justify::Left,
    }
}

/// Decode a complete job for the Epson-compatible default model.
pub fn decode(bytes: &[u8]) -> Result<DecodedReceipt, PreviewError> {
    decode_for(bytes, &PrinterModel::default_model())
}

/// Decode a complete job as `model` prints it (its code page numbers).
pub fn decode_for(bytes: &[u8], model: &PrinterModel) -> Result<DecodedReceipt, PreviewError> {
    decode_inner(bytes, false, model)
}

/// Decode as much as is complete (a job still arriving); unsupported commands still fail.
pub fn decode_partial(bytes: &[u8]) -> Result<DecodedReceipt, PreviewError> {
    decode_inner(bytes, true, &PrinterModel::default_model())
}

/// [`decode_partial`] for `model`.
pub fn decode_partial_for(
    bytes: &[u8],
    model: &PrinterModel,
) -> Result<DecodedReceipt, PreviewError> {
    decode_inner(bytes, true, model)
}

fn decode_inner(
    bytes: &[u8],
    partial: bool,
    model: &PrinterModel,
) -> Result<DecodedReceipt, PreviewError> {
    let mut out = DecodedReceipt::default();
    let mut st = State::new((model.pc857, model.pc866));
    let mut i = 0usize;
    while i < bytes.len() {
        let start = i;
        match step(bytes, i, &mut st, &mut out) {
            Ok(next) => i = next,
            Err(PreviewError::Truncated { .. }) if partial => {
                out.consumed = start;
                return Ok(out);
            }
            Err(e) => return Err(e),
        }
    }
    if !st.line.is_empty() && !partial {
        // Unterminated text is still in the printer's buffer; it does not print yet.
        tracing::debug!(
            chars = st.line.len(),
            "unterminated text line at end of job"
        );
    }
    out.consumed = bytes.len();
    Ok(out)
}

fn unsupported(bytes: &[u8], i: usize, n: usize) -> PreviewError {
    PreviewError::Unsupported {
        offset: i,
        command: bytes[i..(i + n).min(bytes.len())].to_vec(),
    }
}

/// Decode one command at `i`; returns the next offset.
fn step(
    bytes: &[u8],
    i: usize,
    st: &mut State,
    out: &mut DecodedReceipt,
) -> Result<usize, PreviewError> {
    let b = bytes[i];
    Ok(match b {
        0x0A => {
            st.flush(out, None);
            i + 1
        }
        0x0D => i + 1,
        0x10 => {
            // DLE EOT n (real-time status): no print effect.
            let p = need(bytes, i, 3)?;
            if p[1] != 0x04 {
                return Err(unsupported(bytes, i, 3));
            }
            i + 3
        }
        0x1B => esc(bytes, i, st, out)?,
        0x1D => gs(bytes, i, st, out)?,
        0x1C => fs(bytes, i, st, out)?,
        0x20..=0xFF => {
            st.push_char(b);
            i + 1
        }
        _ => return Err(unsupported(bytes, i, 1)),
    })
}

/// `ESC` commands: modes, code pages, user-defined characters.
fn esc(
    bytes: &[u8],
    i: usize,
    st: &mut State,
    out: &mut DecodedReceipt,
) -> Result<usize, PreviewError> {
    Ok({
        let p = need(bytes, i, 2)?;
        match p[1] {
            b'@' => {
                st.reset();
                i + 2
            }
            b'2' => {
                st.spacing = DEFAULT_SPACING;
                i + 2
            }
            b'3' | b'E' | b'a' | b't' | b'%' | b'?' | b'M' | b'R' | b'!' | b'-' | b'G' | b'd'
            | b'J' => {
                let n = need(bytes, i, 3)?[2];
                match p[1] {
                    b'3' => st.spacing = u32::from(n),
                    b'E' => st.bold = n & 1 == 1,
                    b'a' => st.justify = justify_of(n),
                    b't' => st.page = n,
                    b'%' => st.udc_on = n & 1 == 1,
                    b'?' => {
                        st.udc.remove(&n);
                    }
                    b'!' => {
                        st.bold = n & 0x08 != 0;
                        st.hmul = if n & 0x10 != 0 { 2 } else { 1 };
                        st.wmul = if n & 0x20 != 0 { 2 } else { 1 };
                    }
                    b'd' => {
                        st.flush(out, None);
                        let extra = u32::from(n.saturating_sub(1)) * st.spacing;
                        if extra > 0 {
                            out.elements.push(Element::Feed(extra));
                            out.paper_dots += extra;
                        }
                    }
                    b'J' => st.flush(out, Some(u32::from(n))),
                    _ => {}
                }
                i + 3
            }
            0x1D => {
                // ESC GS t n: Star code page.
                let p = need(bytes, i, 4)?;
                if p[2] != b't' {
                    return Err(unsupported(bytes, i, 3));
                }
                st.page = p[3];
                i + 4
            }
            b'&' => {
                let h = need(bytes, i, 5)?;
                let (y, c1, c2) = (usize::from(h[2]), h[3], h[4]);
                if c2 < c1 || y == 0 {
                    return Err(unsupported(bytes, i, 5));
                }
                let mut j = i + 5;
                for c in c1..=c2 {
                    let x = usize::from(need(bytes, j, 1)?[0]);
                    let data = need(bytes, j + 1, x * y)?;
                    if y == 3 {
                        st.udc.insert(c, font::glyph_from_udc(data, x));
                    }
                    j += 1 + x * y;
                }
                j
            }
            _ => return Err(unsupported(bytes, i, 2)),
        }
    })
}

/// `GS` commands: sizes, cuts, raster images, QR codes.
fn gs(
    bytes: &[u8],
    i: usize,
    st: &mut State,
    out: &mut DecodedReceipt,
) -> Result<usize, PreviewError> {
    Ok({
        let p = need(bytes, i, 2)?;
        match p[1] {
            b'!' => {
                let n = need(bytes, i, 3)?[2];
                st.wmul = (n >> 4) + 1;
                st.hmul = (n & 0x0F) + 1;
                i + 3
            }
            b'a' | b'B' | b'b' => {
                need(bytes, i, 3)?;
                i + 3
            }
            b'e' => {
                // Ejector: 3 m presents, 32 m t presents with a timeout, others alone.
                let n = need(bytes, i, 3)?[2];
                let len = match n {
                    3 => 4,
                    32 => 5,
                    _ => 3,
                };
                need(bytes, i, len)?;
                i + len
            }
            b'V' => {
                let m = need(bytes, i, 3)?[2];
                st.flush_if_pending(out);
                let (partial, feed, len) = match m {
                    0 | 48 => (false, 0, 3),
                    1 | 49 => (true, 0, 3),
                    65 | 66 => (m == 66, u32::from(need(bytes, i, 4)?[3]), 4),
                    _ => return Err(unsupported(bytes, i, 3)),
                };
                out.elements.push(Element::Cut { partial, feed });
                out.paper_dots += feed;
                i + len
            }
            b'v' => {
                let h = need(bytes, i, 8)?;
                if h[2] != b'0' {
                    return Err(unsupported(bytes, i, 3));
                }
                let m = h[3] & 0x03;
                let wb = usize::from(u16::from_le_bytes([h[4], h[5]]));
                let rows = usize::from(u16::from_le_bytes([h[6], h[7]]));
                let data = need(bytes, i + 8, wb * rows)?.to_vec();
                let (sx, sy) = match m {
                    1 => (2, 1),
                    2 => (1, 2),
                    3 => (2, 2),
                    _ => (1, 1),
                };
                let img = RasterImage {
                    width_bytes: wb,
                    rows,
                    data,
                    scale_x: sx,
                    scale_y: sy,
                    justify: st.justify,
                };
                out.paper_dots += (rows * usize::from(sy)) as u32;
                out.elements.push(Element::Image(img));
                i + 8 + wb * rows
            }
            b'(' => {
                let h = need(bytes, i, 5)?;
                if h[2] != b'k' {
                    return Err(unsupported(bytes, i, 3));
                }
                let len = usize::from(u16::from_le_bytes([h[3], h[4]]));
                let body = need(bytes, i + 5, len)?;
                qr_function(body, st, out).map_err(|()| unsupported(bytes, i, 5 + len.min(3)))?;
                i + 5 + len
            }
            _ => return Err(unsupported(bytes, i, 2)),
        }
    })
}

/// `FS P`: Custom's cut and present.
fn fs(
    bytes: &[u8],
    i: usize,
    st: &mut State,
    out: &mut DecodedReceipt,
) -> Result<usize, PreviewError> {
    Ok({
        // FS P n1 n2 c t: Custom's cut and present.
        let p = need(bytes, i, 6)?;
        if p[1] != b'P' {
            return Err(unsupported(bytes, i, 2));
        }
        st.flush_if_pending(out);
        out.elements.push(Element::Cut {
            partial: false,
            feed: 0,
        });
        i + 6
    })
}

impl State {
    fn flush_if_pending(&mut self, out: &mut DecodedReceipt) {
        if !self.line.is_empty() {
            self.flush(out, None);
        }
    }
}

fn ec_level(n: u8) -> EcLevel {
    match n {
        48 => EcLevel::L,
        50 => EcLevel::Q,
        51 => EcLevel::H,
        _ => EcLevel::M,
    }
}

fn qr_function(body: &[u8], st: &mut State, out: &mut DecodedReceipt) -> Result<(), ()> {
    // body = cn fn params…; cn 49 = QR code.
    let [cn, func, rest @ ..] = body else {
        return Err(());
    };
    if *cn != 49 {
        return Err(());
    }
    match (*func, rest) {
        (65, [model, ..]) => st.qr_model = *model,
        (67, [size]) => st.qr_module = *size,
        (69, [ec]) => st.qr_ec = *ec,
        (80, [48, data @ ..]) => st.qr_data = data.to_vec(),
        (81, [48]) => {
            st.flush_if_pending(out);
            let ec = ec_level(st.qr_ec);
            // Only the symbol size matters here: segment and pick the version, skip masking.
            let modules = qrcode::bits::encode_auto(&st.qr_data, ec)
                .map(|b| u32::try_from(b.version().width()).unwrap_or(0))
                .unwrap_or(0);
            let size_dots = modules * u32::from(st.qr_module);
            out.paper_dots += size_dots;
            out.elements.push(Element::Qr(QrSymbol {
                payload: st.qr_data.clone(),
                module: st.qr_module,
                model: st.qr_model,
                ec: st.qr_ec,
                justify: st.justify,
                size_dots,
            }));
        }
        _ => return Err(()),
    }
    Ok(())
}

// ---------------------------------------------------------------- PNG preview

const MARGIN: u32 = 16;
/// Widest preview, dots (the widest printers have 832).
pub const MAX_WIDTH: u32 = 2048;
/// Most dots in a preview (about 48 MB of RGB).
pub const MAX_PIXELS: u64 = 16 * 1024 * 1024;
const BG: [u8; 3] = [0xC8, 0xC8, 0xC8];
const PAPER: [u8; 3] = [0xFF, 0xFF, 0xFF];
const INK: [u8; 3] = [0x10, 0x10, 0x10];
const CUT: [u8; 3] = [0xD0, 0x20, 0x20];

struct Canvas {
    w: u32,
    h: u32,
    px: Vec<u8>,
}

impl Canvas {
    fn set(&mut self, x: i64, y: i64, c: [u8; 3]) {
        if x >= 0 && y >= 0 && (x as u32) < self.w && (y as u32) < self.h {
            let o = ((y as u32 * self.w + x as u32) * 3) as usize;
            self.px[o..o + 3].copy_from_slice(&c);
        }
    }
    /// Fills the part of the rectangle on the canvas: the work is bounded by the canvas,
    /// whatever the rectangle.
    fn rect(&mut self, x: i64, y: i64, w: i64, h: i64, c: [u8; 3]) {
        let (x0, y0) = (x.max(0), y.max(0));
        let x1 = (x + w).min(i64::from(self.w));
        let y1 = (y + h).min(i64::from(self.h));
        for yy in y0..y1 {
            for xx in x0..x1 {
                self.set(xx, yy, c);
            }
        }
    }
}

fn x_for(justify: Justify, paper_w: u32, item_w: u32) -> i64 {
    let free = i64::from(paper_w) - i64::from(item_w);
    match justify {
        Justify::Left => 0,
        Justify::Center => (free / 2).max(0),
        Justify::Right => free.max(0),
    }
}

/// Render the job as printed on a paper strip `width_dots` wide (1 px = 1 dot).
pub fn render_png(bytes: &[u8], width_dots: u32) -> Result<Vec<u8>, PreviewError> {
    let d = decode(bytes)?;
    let paper_h = d.paper_dots.saturating_add(2 * MARGIN);
    let w = width_dots.saturating_add(2 * MARGIN);
    let h = paper_h.saturating_add(2 * MARGIN);
    if width_dots > MAX_WIDTH || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(PreviewError::TooLarge {
            width: width_dots,
            height: d.paper_dots,
        });
    }
    let mut c = Canvas {
        w,
        h,
        px: BG.repeat((w * h) as usize),
    };
    c.rect(
        i64::from(MARGIN),
        i64::from(MARGIN),
        i64::from(width_dots),
        i64::from(paper_h),
        PAPER,
    );
    let x0 = i64::from(MARGIN);
    let mut y = i64::from(2 * MARGIN);
    for e in &d.elements {
        match e {
            Element::Text(t) => {
                let (sx, sy) = (i64::from(t.width_mul), i64::from(t.height_mul));
                let line_w = (t.cells.len() * GLYPH_W) as u32 * u32::from(t.width_mul);
                let mut x = x0 + x_for(t.justify, width_dots, line_w);
                for cell in &t.cells {
                    let g = cell.udc.unwrap_or_else(|| font::glyph_or_box(cell.ch));
                    for gy in 0..GLYPH_H {
                        for gx in 0..GLYPH_W {
                            let on = font::pixel(&g, gx, gy)
                                || (t.bold && gx > 0 && font::pixel(&g, gx - 1, gy));
                            if on {
                                c.rect(x + gx as i64 * sx, y + gy as i64 * sy, sx, sy, INK);
                            }
                        }
                    }
                    x += GLYPH_W as i64 * sx;
                }
                y += i64::from(t.advance);
            }
            Element::Image(img) => {
                let (sx, sy) = (i64::from(img.scale_x), i64::from(img.scale_y));
                let iw = (img.width_bytes * 8) as u32 * u32::from(img.scale_x);
                let x = x0 + x_for(img.justify, width_dots, iw);
                for iy in 0..img.rows {
                    for ix in 0..img.width_bytes * 8 {
                        if img.pixel(ix, iy) {
                            c.rect(x + ix as i64 * sx, y + iy as i64 * sy, sx, sy, INK);
                        }
                    }
                }
                y += img.rows as i64 * sy;
            }
            Element::Qr(q) => {
                let code = QrCode::with_error_correction_level(&q.payload, ec_level(q.ec))?;
                let n = code.width();
                let m = i64::from(q.module);
                let x = x0 + x_for(q.justify, width_dots, n as u32 * u32::from(q.module));
                for (k, color) in code.to_colors().iter().enumerate() {
                    if *color == qrcode::Color::Dark {
                        c.rect(x + (k % n) as i64 * m, y + (k / n) as i64 * m, m, m, INK);
                    }
                }
                y += i64::from(q.size_dots);
            }
            Element::Feed(dots) => y += i64::from(*dots),
            Element::Cut { feed, .. } => {
                y += i64::from(*feed);
                for x in (0..i64::from(width_dots + 2 * MARGIN)).step_by(12) {
                    c.rect(x, y, 7, 2, CUT);
                }
            }
        }
    }
    let mut png_bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png_bytes, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut wr = enc.write_header()?;
        wr.write_image_data(&c.px)?;
        wr.finish()?;
    }
    Ok(png_bytes)
}

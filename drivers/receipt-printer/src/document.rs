//! A layout-neutral printed document: titles, text with alignment, size and weight,
//! key–value rows, QR codes, rules, images, feeds and a cut. The kiosk builds its
//! receipt and queue ticket from these; [`crate::encode_document`] prints them with the
//! Azerbaijani/Russian text machinery (code pages, user-defined ə/Ə or raster lines,
//! wrapping to the paper's columns).

use crate::PrinterProfile;
use crate::layout::{self, Block, wrap_text};

/// Horizontal alignment (`ESC a`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// Character size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Size {
    #[default]
    Normal,
    /// Double width and height (half the columns).
    Double,
}

/// A 1-bit image, rows of `width_bytes` bytes, MSB the leftmost dot, 1 black.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitmap {
    pub width_bytes: usize,
    pub rows: usize,
    pub data: Vec<u8>,
    /// Printed at double width and height.
    pub double: bool,
}

/// A paragraph, wrapped to the paper's columns (half of them at double size).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text {
    pub text: String,
    pub align: Align,
    pub bold: bool,
    pub size: Size,
    /// Continuation lines are indented by this many spaces.
    pub indent: usize,
}

impl Text {
    pub fn new(text: impl Into<String>) -> Self {
        Text {
            text: text.into(),
            ..Text::default()
        }
    }
    pub fn align(mut self, align: Align) -> Self {
        self.align = align;
        self
    }
    pub fn bold(mut self) -> Self {
        self.bold = true;
        self
    }
    pub fn size(mut self, size: Size) -> Self {
        self.size = size;
        self
    }
    pub fn indent(mut self, indent: usize) -> Self {
        self.indent = indent;
        self
    }
}

/// One element of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocBlock {
    Image(Bitmap),
    Text(Text),
    /// Centred, bold, double size.
    Title(String),
    /// `key: value`, left, continuation lines indented by 2.
    KeyValue {
        key: String,
        value: String,
    },
    /// A line of `-` across the paper.
    Rule,
    /// A QR code (`GS ( k`, or a raster image on models without it).
    Qr(String),
    /// Paper feed in dots (8 dots = 1 mm).
    Feed(u8),
    /// Feed and cut (and present, on presenter models).
    Cut,
}

/// A document: blocks in printing order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Document {
    pub blocks: Vec<DocBlock>,
}

impl Document {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(mut self, block: DocBlock) -> Self {
        self.blocks.push(block);
        self
    }
    pub fn title(self, text: impl Into<String>) -> Self {
        self.push(DocBlock::Title(text.into()))
    }
    pub fn text(self, text: Text) -> Self {
        self.push(DocBlock::Text(text))
    }
    /// A plain left-aligned paragraph.
    pub fn line(self, text: impl Into<String>) -> Self {
        self.text(Text::new(text))
    }
    pub fn key_value(self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.push(DocBlock::KeyValue {
            key: key.into(),
            value: value.into(),
        })
    }
    pub fn rule(self) -> Self {
        self.push(DocBlock::Rule)
    }
    pub fn qr(self, payload: impl Into<String>) -> Self {
        self.push(DocBlock::Qr(payload.into()))
    }
    pub fn feed(self, dots: u8) -> Self {
        self.push(DocBlock::Feed(dots))
    }
    pub fn image(self, bitmap: Bitmap) -> Self {
        self.push(DocBlock::Image(bitmap))
    }
    pub fn cut(self) -> Self {
        self.push(DocBlock::Cut)
    }

    /// The printer-level blocks: paragraphs wrapped to `profile`'s columns.
    pub(crate) fn lower(&self, profile: &PrinterProfile) -> Vec<Block> {
        let cols = profile.paper.columns();
        let mut out = Vec::new();
        for b in &self.blocks {
            match b {
                DocBlock::Image(bm) => out.push(Block::Image(bm.clone())),
                DocBlock::Text(t) => wrapped(&mut out, t, cols),
                DocBlock::Title(s) => wrapped(
                    &mut out,
                    &Text::new(s.as_str())
                        .align(Align::Center)
                        .bold()
                        .size(Size::Double),
                    cols,
                ),
                DocBlock::KeyValue { key, value } => wrapped(
                    &mut out,
                    &Text::new(format!("{key}: {value}")).indent(2),
                    cols,
                ),
                DocBlock::Rule => out.push(layout::rule(cols)),
                DocBlock::Qr(p) => out.push(Block::Qr(p.clone())),
                DocBlock::Feed(n) => out.push(Block::Gap(*n)),
                DocBlock::Cut => out.push(Block::Cut),
            }
        }
        out
    }

    /// The text lines the document prints, in order (wrapped as printed).
    pub fn lines(&self, profile: &PrinterProfile) -> Vec<String> {
        self.lower(profile)
            .into_iter()
            .filter_map(|b| match b {
                Block::Text { text, .. } => Some(text),
                _ => None,
            })
            .collect()
    }
}

fn wrapped(out: &mut Vec<Block>, t: &Text, cols: usize) {
    let (width, double) = match t.size {
        Size::Normal => (cols, false),
        Size::Double => (cols / 2, true),
    };
    for line in wrap_text(&t.text, width, t.indent) {
        out.push(Block::Text {
            text: line,
            align: t.align,
            bold: t.bold,
            double,
        });
    }
}

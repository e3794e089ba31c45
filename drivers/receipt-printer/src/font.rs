//! Embedded 12×24 bitmap font (generated from DejaVu Sans Mono by `tests/font_gen.rs`).

use std::collections::HashMap;
use std::sync::OnceLock;

/// Glyph cell width, dots (Font A).
pub const GLYPH_W: usize = 12;
/// Glyph cell height, dots (Font A).
pub const GLYPH_H: usize = 24;

/// One glyph: 24 rows, bit 15 = leftmost column.
pub type Glyph = [u16; GLYPH_H];

static FONT_BIN: &[u8] = include_bytes!("font/font12x24.bin");
const RECORD: usize = 4 + GLYPH_H * 2;

fn table() -> &'static HashMap<char, Glyph> {
    static TABLE: OnceLock<HashMap<char, Glyph>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        for rec in FONT_BIN.chunks_exact(RECORD) {
            let cp = u32::from_le_bytes([rec[0], rec[1], rec[2], rec[3]]);
            let Some(ch) = char::from_u32(cp) else {
                continue;
            };
            let mut g = [0u16; GLYPH_H];
            for (i, row) in g.iter_mut().enumerate() {
                *row = u16::from_le_bytes([rec[4 + 2 * i], rec[5 + 2 * i]]);
            }
            map.insert(ch, g);
        }
        map
    })
}

/// The glyph for `ch`, if the embedded font has it.
pub fn glyph(ch: char) -> Option<&'static Glyph> {
    table().get(&ch)
}

/// The glyph for `ch`, or a hollow box when the font lacks it.
pub fn glyph_or_box(ch: char) -> Glyph {
    match glyph(ch) {
        Some(g) => *g,
        None => {
            let mut g = [0u16; GLYPH_H];
            for (y, row) in g.iter_mut().enumerate().take(20).skip(4) {
                *row = if y == 4 || y == 19 { 0x3FC0 } else { 0x2040 };
            }
            g
        }
    }
}

/// Whether dot (x, y) of a glyph is black.
pub fn pixel(g: &Glyph, x: usize, y: usize) -> bool {
    x < GLYPH_W && y < GLYPH_H && g[y] & (0x8000 >> x) != 0
}

/// `ESC &` column-major data for a 12×24 glyph: 12 columns × 3 bytes, MSB on top.
pub fn udc_columns(g: &Glyph) -> [u8; GLYPH_W * 3] {
    let mut out = [0u8; GLYPH_W * 3];
    for x in 0..GLYPH_W {
        for y in 0..GLYPH_H {
            if pixel(g, x, y) {
                out[x * 3 + y / 8] |= 0x80 >> (y % 8);
            }
        }
    }
    out
}

/// Inverse of [`udc_columns`] for a glyph `x` columns wide (rows beyond 24 ignored).
pub fn glyph_from_udc(cols: &[u8], x: usize) -> Glyph {
    let mut g = [0u16; GLYPH_H];
    for col in 0..x.min(GLYPH_W) {
        for (y, row) in g.iter_mut().enumerate() {
            if cols
                .get(col * 3 + y / 8)
                .is_some_and(|b| b & (0x80 >> (y % 8)) != 0)
            {
                *row |= 0x8000 >> col;
            }
        }
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn font_covers_every_az_and_ru_letter() {
        for ch in crate::AZ_LETTERS.chars().chain(crate::RU_LETTERS.chars()) {
            let g = glyph(ch).unwrap_or_else(|| panic!("no glyph for {ch}"));
            assert!(g.iter().any(|r| *r != 0), "empty glyph for {ch}");
        }
    }

    #[test]
    fn udc_columns_round_trip() {
        let g = *glyph('ə').unwrap();
        assert_eq!(glyph_from_udc(&udc_columns(&g), 12), g);
        assert_ne!(glyph('ə'), glyph('Ə'));
    }
}

//! The DOST header logo: block letters drawn in code.

/// 5×7 letter shapes, one `u8` per row, bit 4 = leftmost.
const LETTERS: [[u8; 7]; 4] = [
    [
        0b11110, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b11110,
    ], // D
    [
        0b01110, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110,
    ], // O
    [
        0b01111, 0b10000, 0b10000, 0b01110, 0b00001, 0b00001, 0b11110,
    ], // S
    [
        0b11111, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100,
    ], // T
];
const SCALE: usize = 4;
const GAP: usize = 8;

/// The DOST logo, printed at double size.
pub fn dost_logo() -> crate::document::Bitmap {
    let (width_bytes, rows, data) = logo_bitmap();
    crate::document::Bitmap {
        width_bytes,
        rows,
        data,
        double: true,
    }
}

/// Logo bitmap at logical resolution (printed with `GS v 0` mode 3, i.e. doubled):
/// returns (width in bytes, rows, packed MSB-first data).
fn logo_bitmap() -> (usize, usize, Vec<u8>) {
    let letter_w = 5 * SCALE;
    let width = 4 * letter_w + 3 * GAP;
    let wb = width.div_ceil(8);
    let text_rows = 7 * SCALE;
    let rows = text_rows + 4;
    let mut data = vec![0u8; wb * rows];
    let mut set = |x: usize, y: usize| data[y * wb + x / 8] |= 0x80 >> (x % 8);
    for (i, letter) in LETTERS.iter().enumerate() {
        let x0 = i * (letter_w + GAP);
        for y in 0..text_rows {
            for x in 0..letter_w {
                if letter[y / SCALE] & (0x10 >> (x / SCALE)) != 0 {
                    set(x0 + x, y);
                }
            }
        }
    }
    for y in text_rows + 2..rows {
        for x in 0..width {
            set(x, y);
        }
    }
    (wb, rows, data)
}

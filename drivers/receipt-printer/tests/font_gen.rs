//! Regenerates `src/font/font12x24.bin` from DejaVu Sans Mono when `UPDATE_FONT=1`;
//! otherwise checks that the committed table is what the generator makes. Needs the font
//! (Debian `fonts-dejavu-core`, installed by `scripts/deps.sh`).
//!
//! Format: repeated records of `u32 LE code point` + 24 × `u16 LE` rows (bit 15 = leftmost
//! of 12 used columns). DejaVu fonts are free (Bitstream Vera / DejaVu licence).

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};

const TTF: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";

fn charset() -> Vec<char> {
    let mut v: Vec<char> = (0x20u8..=0x7e).map(char::from).collect();
    v.extend("ÇçĞğİıÖöŞşÜüƏəÄäÉé«»№–—…·°€".chars());
    v.extend('А'..='я');
    v.extend(['Ё', 'ё']);
    v
}

#[test]
fn font_table_is_generated_from_dejavu_sans_mono() {
    let update = std::env::var("UPDATE_FONT").as_deref() == Ok("1");
    let Ok(data) = std::fs::read(TTF) else {
        panic!("{TTF} not found: install fonts-dejavu-core (scripts/deps.sh build)");
    };
    let font = FontRef::try_from_slice(&data).expect("font parse");
    let scale = PxScale { x: 20.0, y: 21.5 };
    let sf = font.as_scaled(scale);
    let baseline = 18.0f32;
    let mut out = Vec::new();
    for ch in charset() {
        let mut rows = [0u16; 24];
        let gid = font.glyph_id(ch);
        assert!(gid.0 != 0 || ch == ' ', "missing glyph {ch}");
        let adv = sf.h_advance(gid);
        let x0 = ((12.0 - adv) / 2.0).max(0.0);
        let glyph = gid.with_scale_and_position(scale, ab_glyph::point(x0, baseline));
        if let Some(og) = font.outline_glyph(glyph) {
            let b = og.px_bounds();
            og.draw(|x, y, c| {
                let px = b.min.x as i32 + x as i32;
                let py = b.min.y as i32 + y as i32;
                if c > 0.4 && (0..12).contains(&px) && (0..24).contains(&py) {
                    rows[py as usize] |= 0x8000 >> px;
                }
            });
        }
        out.extend_from_slice(&(ch as u32).to_le_bytes());
        for r in rows {
            out.extend_from_slice(&r.to_le_bytes());
        }
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/font/font12x24.bin");
    if update {
        std::fs::write(path, out).expect("write font");
    } else {
        let committed = std::fs::read(path).expect("committed font table");
        assert!(
            committed == out,
            "src/font/font12x24.bin is stale: run with UPDATE_FONT=1"
        );
    }
}

//! QR code of the finished application, as a Slint image.

use qrcode::{Color, QrCode};
use slint::{Image, Rgba8Pixel, SharedPixelBuffer};

/// Modules of white border around the code (the QR quiet zone).
const QUIET: usize = 4;

/// Renders `payload` as a black-on-white QR code with the quiet zone, one module per
/// `module_px` pixels, so that it scales crisply (`image-rendering: pixelated`).
pub fn qr_image(payload: &str, module_px: usize) -> Image {
    let Ok(code) = QrCode::new(payload.as_bytes()) else {
        return Image::default();
    };
    let n = code.width();
    let colors = code.to_colors();
    let side = (n + 2 * QUIET) * module_px;
    let mut buf = SharedPixelBuffer::<Rgba8Pixel>::new(side as u32, side as u32);
    let white = Rgba8Pixel::new(255, 255, 255, 255);
    let black = Rgba8Pixel::new(0, 0, 0, 255);
    let px = buf.make_mut_slice();
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = (x / module_px, y / module_px);
            let dark = mx >= QUIET
                && my >= QUIET
                && mx < n + QUIET
                && my < n + QUIET
                && colors[(my - QUIET) * n + (mx - QUIET)] == Color::Dark;
            px[y * side + x] = if dark { black } else { white };
        }
    }
    Image::from_rgba8(buf)
}

//! What a simulated printer keeps of each receipt: its ESC/POS bytes and a PNG of them, for
//! the demo and for looking at receipts without paper.

use std::path::PathBuf;

/// Where a simulated printer's receipts go.
#[derive(Debug, Clone)]
pub struct PreviewSink {
    pub dir: PathBuf,
    pub width_dots: u32,
}

impl PreviewSink {
    /// Keeps `bytes` as `<name>.bin` and `<name>.png` (failures are logged, never fatal).
    pub fn keep(&self, name: &str, bytes: &[u8]) {
        let safe: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if let Err(e) = crate::platform::fs::private_dir(&self.dir) {
            tracing::warn!(error = %e, "cannot create the receipts folder");
            return;
        }
        if let Err(e) =
            crate::platform::fs::write_private(&self.dir.join(format!("{safe}.bin")), bytes)
        {
            tracing::warn!(error = %e, "cannot keep receipt bytes");
        }
        match receipt_printer::preview::render_png(bytes, self.width_dots) {
            Ok(png) => {
                if let Err(e) =
                    crate::platform::fs::write_private(&self.dir.join(format!("{safe}.png")), &png)
                {
                    tracing::warn!(error = %e, "cannot write receipt preview");
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot render receipt preview"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn receipts_kept_are_private() {
        let d = tempfile::tempdir().unwrap();
        let sink = PreviewSink {
            dir: d.path().join("receipts"),
            width_dots: 384,
        };
        sink.keep("YAS01-261129-0001", b"\x1b@Hello\n\x1dV\x00");
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&sink.dir), 0o700);
        for ext in ["bin", "png"] {
            let f = sink.dir.join(format!("YAS01-261129-0001.{ext}"));
            assert_eq!(mode(&f), 0o600, "{}", f.display());
        }
    }
}

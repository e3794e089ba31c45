//! Logs: to stderr (journald under systemd) and to daily files in `data_dir/logs` (7 kept).
//! Logs never carry a FİN or a name in clear; the service screen and diagnostics show the tail.

use std::path::{Path, PathBuf};

/// Folder of the log files.
pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// Prefix of the daily files (`kiosk.log.YYYY-MM-DD`).
pub const FILE_PREFIX: &str = "kiosk.log";

/// The last `n` lines of the newest log file (empty when there is none).
pub fn tail(data_dir: &Path, n: usize) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir(data_dir)) else {
        return Vec::new();
    };
    let newest = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(FILE_PREFIX))
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok());
    let Some(file) = newest else {
        return Vec::new();
    };
    let Ok(text) = std::fs::read(file.path()) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&text);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..]
        .iter()
        .map(|l| strip_ansi(l))
        .collect()
}

/// Removes terminal colour codes.
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_of_the_newest_file() {
        let d = tempfile::tempdir().unwrap();
        assert!(tail(d.path(), 5).is_empty());
        std::fs::create_dir_all(dir(d.path())).unwrap();
        let lines: String = (1..=20)
            .map(|i| format!("\u{1b}[32mline {i}\u{1b}[0m\n"))
            .collect();
        std::fs::write(dir(d.path()).join("kiosk.log.2026-11-24"), lines).unwrap();
        assert_eq!(
            tail(d.path(), 2),
            vec!["line 19".to_owned(), "line 20".to_owned()]
        );
    }
}

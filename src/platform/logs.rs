//! Logs: to stderr (journald under systemd) and to daily files in `data_dir/logs` (7 kept).
//! Logs never carry a FİN or a name in clear; the service screen and diagnostics show the tail.

use std::path::{Path, PathBuf};

/// Folder of the log files.
pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// Whether logs on stderr may carry ANSI colours: only when stderr is a terminal (never in a
/// file, a pipe or journald) and `NO_COLOR` is not set.
pub fn stderr_colour() -> bool {
    use std::io::IsTerminal;
    colour(
        std::io::stderr().is_terminal(),
        std::env::var_os("NO_COLOR").is_some(),
    )
}

fn colour(terminal: bool, no_color: bool) -> bool {
    terminal && !no_color
}

/// Prefix of the daily files (`kiosk.log.YYYY-MM-DD`).
pub const FILE_PREFIX: &str = "kiosk.log";

/// Most bytes read from the end of a log file for its tail.
const TAIL_BYTES: u64 = 256 * 1024;

/// The last `n` lines of the newest log file (empty when there is none). Reads only the end
/// of the file, however large it grew.
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
    let Ok(bytes) = read_end(&file.path(), TAIL_BYTES) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<&str> = text.lines().collect();
    // The first line may be cut in the middle when the file is longer than what was read.
    let whole = if bytes.len() as u64 >= TAIL_BYTES {
        &lines[1.min(lines.len())..]
    } else {
        &lines[..]
    };
    whole[whole.len().saturating_sub(n)..]
        .iter()
        .map(|l| strip_ansi(l))
        .collect()
}

/// The last `limit` bytes of a file.
fn read_end(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path)?;
    let len = f.metadata()?.len();
    f.seek(SeekFrom::Start(len.saturating_sub(limit)))?;
    let mut out = Vec::new();
    f.take(limit).read_to_end(&mut out)?;
    Ok(out)
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
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(colour(true, false));
        assert!(!colour(false, false), "a pipe, a file or journald");
        assert!(!colour(true, true), "NO_COLOR");
        // The test harness captures stderr: not a terminal.
        use std::io::IsTerminal;
        assert_eq!(
            stderr_colour(),
            std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        );
    }

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

    #[test]
    fn tail_of_a_large_file_reads_its_end_only() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir(d.path())).unwrap();
        let lines: String = (1..=40_000)
            .map(|i| format!("log line number {i}\n"))
            .collect();
        assert!(lines.len() as u64 > 2 * TAIL_BYTES);
        std::fs::write(dir(d.path()).join("kiosk.log.2026-11-25"), lines).unwrap();
        let tail = tail(d.path(), 3);
        assert_eq!(
            tail,
            vec![
                "log line number 39998".to_owned(),
                "log line number 39999".to_owned(),
                "log line number 40000".to_owned()
            ]
        );
        assert!(
            super::tail(d.path(), 1_000_000)
                .iter()
                .all(|l| l.starts_with("log line number "))
        );
    }
}

//! `dost-kiosk config check` and `config set`.

use std::path::Path;
use std::process::ExitCode;

use crate::config::{KioskConfig, edit};

/// Exit 0 when the file (and the catalog it names) is valid; otherwise `file:line: key:
/// reason` lines on stderr and exit 1.
pub(super) fn check(path: &Path) -> Result<ExitCode, String> {
    let checked = KioskConfig::load(path).and_then(|cfg| cfg.load_catalog().map(drop));
    match checked {
        Ok(()) => {
            println!("{}: ok", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(ExitCode::from(1))
        }
    }
}

/// `config set KEY VALUE`: exit 0 when written, 1 when refused (the file is then unchanged).
pub(super) fn set(path: &Path, key: &str, value: &str) -> Result<ExitCode, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let new_text = match edit::set_key(&text, path, key, value) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(1));
        }
    };
    if new_text == text {
        println!("{key} is already {value}");
        return Ok(ExitCode::SUCCESS);
    }
    edit::write_config(path, &new_text).map_err(|e| e.to_string())?;
    println!(
        "{key} set in {} (the old file is {}.bak). A running kiosk applies session, service \
         and center-name settings within seconds; devices, the centre link and the identity at \
         its next start or from the technician's settings screen.",
        path.display(),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

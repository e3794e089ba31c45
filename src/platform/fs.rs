//! Files that hold secrets or must never be half-written: private folders (0700), private
//! files (0600), and atomic replacement (a temporary file, flushed, renamed, the folder
//! flushed).

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Creates `dir` (and its parents) when missing; a folder this creates is 0700.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// Makes every file and folder this process creates from now on private to its user (umask
/// 077): the database and its WAL files, logs, keys, receipts, status. Run first by the
/// commands that write the data directory.
pub fn private_umask() {
    // SAFETY: umask(2) only sets the process's file mode creation mask; it cannot fail and
    // touches no memory.
    unsafe {
        libc::umask(0o077);
    }
}

/// Takes group and other permissions off `path` when it has any (a file written by an older
/// version, or under a wider umask). A missing file is left alone.
pub fn make_private(path: &Path) -> std::io::Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.permissions().mode() & 0o077 != 0 => {
            let mode = m.permissions().mode() & 0o700;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        }
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Writes `bytes` to `path` (created or truncated), mode 0600.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    f.write_all(bytes)
}

/// Writes `bytes` to a new file `path` (mode 0600); fails when it exists.
pub fn write_private_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Replaces `path` with `bytes` atomically: a power cut leaves the old file or the new one,
/// never half of one. The new file gets `mode` (or the old file's mode when None, else 0600).
pub fn replace_atomically(path: &Path, bytes: &[u8], mode: Option<u32>) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let old = std::fs::metadata(path).ok();
    let mode = mode
        .or_else(|| old.as_ref().map(|m| m.permissions().mode()))
        .unwrap_or(0o600);
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    // The new file keeps the old one's owner and group (root editing the kiosk's configuration
    // must not take it from the kiosk user). Only root may give a file away: for anyone else
    // this fails and the file stays theirs, as it was.
    if let Some(old) = &old {
        use std::os::unix::fs::MetadataExt;
        let _ = std::os::unix::fs::fchown(tmp.as_file(), Some(old.uid()), Some(old.gid()));
    }
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(mode))?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // The rename itself is durable once the folder is flushed.
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn private_files_and_folders() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a/b");
        private_dir(&sub).unwrap();
        assert_eq!(mode(&sub), 0o700);
        let f = sub.join("key");
        write_private_new(&f, b"k").unwrap();
        assert_eq!(mode(&f), 0o600);
        assert!(
            write_private_new(&f, b"again").is_err(),
            "never overwritten"
        );
    }

    #[test]
    fn replace_keeps_the_mode_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("kiosk.toml");
        std::fs::write(&f, "old").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).unwrap();
        replace_atomically(&f, b"new", None).unwrap();
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "new");
        assert_eq!(mode(&f), 0o640);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let status = dir.path().join("status.json");
        replace_atomically(&status, b"{}", Some(0o644)).unwrap();
        assert_eq!(mode(&status), 0o644);
    }
}

//! One kiosk per data directory: an exclusive lock on `kiosk.lock`, released when dropped or
//! when the process dies.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another kiosk is already running on {0}")]
    AlreadyRunning(PathBuf),
    #[error("cannot lock {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Holds the data directory for one kiosk process at a time.
#[derive(Debug)]
pub struct InstanceLock {
    _file: File,
}

/// Takes `data_dir/kiosk.lock`; fails at once when another process holds it.
pub fn lock_instance(data_dir: &Path) -> Result<InstanceLock, LockError> {
    let path = data_dir.join("kiosk.lock");
    let err = |source| LockError::Io {
        path: path.clone(),
        source,
    };
    super::fs::private_dir(data_dir).map_err(err)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(err)?;
    match file.try_lock() {
        Ok(()) => Ok(InstanceLock { _file: file }),
        Err(TryLockError::WouldBlock) => Err(LockError::AlreadyRunning(data_dir.to_owned())),
        Err(TryLockError::Error(e)) => Err(err(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock_instance(dir.path()).unwrap();
        assert!(matches!(
            lock_instance(dir.path()),
            Err(LockError::AlreadyRunning(_))
        ));
        drop(first);
        assert!(lock_instance(dir.path()).is_ok());
    }
}

//! systemd credentials: secrets handed to the service by systemd (`LoadCredentialEncrypted=`,
//! sealed with `systemd-creds encrypt`, with the TPM when the machine has one) and readable only
//! by the service, in `$CREDENTIALS_DIRECTORY`. Keeping the device key and the kiosk token
//! there keeps them off the data disk.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// The environment variable systemd sets for a service with credentials.
pub const DIR_VAR: &str = "CREDENTIALS_DIRECTORY";

/// Name of the credential holding the device key (32 bytes, raw or 64 hex digits).
pub const DEVICE_KEY: &str = "device-key";

/// Largest credential read (keys and tokens are small).
const MAX_BYTES: u64 = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error(
        "credential `{name}` is not passed to this process ({DIR_VAR} is not set): run it under \
         systemd with LoadCredentialEncrypted={name}"
    )]
    NoDirectory { name: String },
    #[error("credential name `{0}`: a plain file name is expected")]
    BadName(String),
    #[error("cannot read credential {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("credential {0} is larger than 64 KiB")]
    TooLarge(PathBuf),
}

/// The credentials folder of this process, if systemd gave it one.
pub fn dir() -> Option<PathBuf> {
    dir_from(std::env::var_os(DIR_VAR).as_deref())
}

/// The credentials folder named by a value of [`DIR_VAR`] (empty: none).
pub fn dir_from(value: Option<&OsStr>) -> Option<PathBuf> {
    value.filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// Path of credential `name` in `dir`, when it is there.
pub fn find(dir: Option<&Path>, name: &str) -> Option<PathBuf> {
    let path = dir?.join(name);
    path.is_file().then_some(path)
}

/// Reads credential `name` from `dir` (the service's credentials folder).
pub fn read(dir: Option<&Path>, name: &str) -> Result<Vec<u8>, CredentialError> {
    if name.is_empty() || name.contains('/') || name == "." || name == ".." {
        return Err(CredentialError::BadName(name.to_owned()));
    }
    let Some(dir) = dir else {
        return Err(CredentialError::NoDirectory {
            name: name.to_owned(),
        });
    };
    read_file(&dir.join(name))
}

/// Reads a small secret file (at most 64 KiB).
pub fn read_file(path: &Path) -> Result<Vec<u8>, CredentialError> {
    use std::io::Read;
    let io = |source| CredentialError::Read {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(CredentialError::TooLarge(path.to_owned()));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_found_only_where_systemd_put_them() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("kiosk-token"), b"secret\n").unwrap();
        let dir = dir_from(Some(d.path().as_os_str()));
        assert_eq!(dir_from(Some(OsStr::new(""))), None);
        assert_eq!(dir_from(None), None);
        assert_eq!(read(dir.as_deref(), "kiosk-token").unwrap(), b"secret\n");
        assert!(find(dir.as_deref(), "kiosk-token").is_some());
        assert!(find(dir.as_deref(), DEVICE_KEY).is_none());
        assert!(matches!(
            read(None, "kiosk-token"),
            Err(CredentialError::NoDirectory { .. })
        ));
        assert!(matches!(
            read(dir.as_deref(), "../etc/passwd"),
            Err(CredentialError::BadName(_))
        ));
        assert!(matches!(
            read(dir.as_deref(), "missing"),
            Err(CredentialError::Read { .. })
        ));
        std::fs::write(d.path().join("big"), vec![b'x'; 65 * 1024]).unwrap();
        assert!(matches!(
            read(dir.as_deref(), "big"),
            Err(CredentialError::TooLarge(_))
        ));
    }
}

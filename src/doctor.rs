//! `dost-kiosk doctor` and `dost-kiosk provision`: what a technician checks and prepares.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::catalog::Catalog;
use crate::config::{CentralMode, DeviceKind, KioskConfig};
use crate::store::Store;

/// Outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub level: Level,
    pub detail: String,
}

fn check(name: &'static str, level: Level, detail: impl Into<String>) -> Check {
    Check {
        name,
        level,
        detail: detail.into(),
    }
}

/// Free bytes on the file system holding `path`.
pub fn free_bytes(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid NUL-terminated path and `st` a properly sized out-parameter.
    let rc = unsafe { libc::statvfs(c.as_ptr(), &mut st) };
    (rc == 0).then(|| st.f_bavail as u64 * st.f_frsize as u64)
}

/// Runs every check. `cfg` is the result of loading the configuration.
pub async fn run_checks(config_path: &Path, cfg: Result<KioskConfig, String>) -> Vec<Check> {
    let mut out = Vec::new();
    let cfg = match cfg {
        Ok(c) => {
            out.push(check(
                "config",
                Level::Ok,
                config_path.display().to_string(),
            ));
            c
        }
        Err(e) => {
            out.push(check("config", Level::Fail, e));
            return out;
        }
    };
    match Catalog::load(&cfg.catalog_path()) {
        Ok(c) => out.push(check(
            "catalog",
            Level::Ok,
            format!("{} services", c.services.len()),
        )),
        Err(e) => out.push(check("catalog", Level::Fail, e.to_string())),
    }

    let dir = cfg.data_dir();
    let probe = dir.join(".doctor-probe");
    match std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&probe, b"ok")) {
        Ok(()) => {
            let _ = std::fs::remove_file(&probe);
            out.push(check("data dir", Level::Ok, dir.display().to_string()));
        }
        Err(e) => out.push(check(
            "data dir",
            Level::Fail,
            format!("{}: {e}", dir.display()),
        )),
    }
    match free_bytes(&dir) {
        Some(b) if b < 100 << 20 => {
            out.push(check("disk", Level::Fail, format!("{} MB free", b >> 20)))
        }
        Some(b) if b < 1 << 30 => {
            out.push(check("disk", Level::Warn, format!("{} MB free", b >> 20)))
        }
        Some(b) => out.push(check("disk", Level::Ok, format!("{} GB free", b >> 30))),
        None => out.push(check("disk", Level::Warn, "free space unknown")),
    }
    let key = dir.join("device.key");
    match std::fs::metadata(&key) {
        Ok(m) => {
            use std::os::unix::fs::PermissionsExt;
            let mode = m.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                out.push(check(
                    "device key",
                    Level::Fail,
                    format!("mode {mode:o}: must be 600"),
                ));
            } else {
                out.push(check("device key", Level::Ok, "present, mode 600"));
            }
        }
        Err(_) => out.push(check(
            "device key",
            Level::Warn,
            "missing: run `dost-kiosk provision`",
        )),
    }
    let store = {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || {
            let s = Store::open_dir(&dir)?;
            Ok::<_, crate::store::StoreError>((s.schema_version()?, s.stats()?, s.verify_audit()?))
        })
        .await
    };
    match store {
        Ok(Ok((version, stats, audit))) => {
            out.push(check(
                "database",
                Level::Ok,
                format!("schema {version}, integrity ok"),
            ));
            let level = if stats.rejected > 0 {
                Level::Warn
            } else {
                Level::Ok
            };
            out.push(check(
                "sync queue",
                level,
                format!(
                    "{} waiting, {} refused by the centre",
                    stats.outbox_depth, stats.rejected
                ),
            ));
            out.push(match audit {
                None => check("audit log", Level::Ok, "hash chain intact"),
                Some(id) => check("audit log", Level::Fail, format!("row {id} was changed")),
            });
            let level = if stats.held_jobs > 0 {
                Level::Warn
            } else {
                Level::Ok
            };
            out.push(check(
                "receipts",
                level,
                format!(
                    "{} held, {:.0} mm paper used since restock",
                    stats.held_jobs, stats.paper_used_mm
                ),
            ));
        }
        Ok(Err(e)) => out.push(check("database", Level::Fail, e.to_string())),
        Err(e) => out.push(check("database", Level::Fail, e.to_string())),
    }

    let port_check = |name: &'static str, kind: DeviceKind, port: &str| match kind {
        DeviceKind::Simulated => check(name, Level::Ok, "simulated"),
        DeviceKind::Serial if Path::new(port).exists() => check(name, Level::Ok, port.to_owned()),
        DeviceKind::Serial => check(name, Level::Fail, format!("{port}: no device")),
    };
    out.push(port_check(
        "card reader",
        cfg.card_reader.kind,
        &cfg.card_reader.port,
    ));
    out.push(port_check("printer", cfg.printer.kind, &cfg.printer.port));

    out.push(match cfg.central.mode {
        CentralMode::Embedded => {
            check("centre link", Level::Ok, "embedded reference centre (demo)")
        }
        CentralMode::Remote => centre_check(&cfg).await,
    });

    let now = chrono::Utc::now();
    out.push(if (2025..2100).contains(&chrono::Datelike::year(&now)) {
        check(
            "clock",
            Level::Ok,
            crate::screen::baku_time(now) + " Asia/Baku",
        )
    } else {
        check("clock", Level::Fail, format!("implausible time {now}"))
    });
    let pins = cfg.service.pin_hashes();
    out.push(match (pins.technician.is_some(), pins.staff.is_some()) {
        (true, true) => check("service PINs", Level::Ok, "technician and staff"),
        (true, false) => check("service PINs", Level::Warn, "no staff PIN"),
        _ => check("service PINs", Level::Warn, "no technician PIN"),
    });
    out
}

async fn centre_check(cfg: &KioskConfig) -> Check {
    let token = match cfg.token() {
        Ok(t) => t,
        Err(e) => return check("centre link", Level::Fail, e.to_string()),
    };
    let url = format!(
        "{}{}/catalog",
        cfg.central.url.trim_end_matches('/'),
        dost_api::API_PREFIX
    );
    crate::sync::ensure_tls();
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
    {
        Ok(c) => c,
        Err(e) => return check("centre link", Level::Fail, e.to_string()),
    };
    match client.get(&url).bearer_auth(token).send().await {
        Ok(r) if r.status().is_success() || r.status().as_u16() == 404 => {
            check("centre link", Level::Ok, cfg.central.url.clone())
        }
        Ok(r) if r.status().as_u16() == 401 => {
            check("centre link", Level::Fail, "token refused (401)")
        }
        Ok(r) => check(
            "centre link",
            Level::Fail,
            format!("answered {}", r.status()),
        ),
        Err(e) => check("centre link", Level::Fail, format!("unreachable: {e}")),
    }
}

/// What `provision` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provisioned {
    pub data_dir: PathBuf,
    pub token_file: PathBuf,
    pub token_created: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// Creates the data directory (0700), the device key (0600), the database and the token file
/// (0600). Existing keys and tokens are kept unless a new token is given.
pub fn provision(cfg: &KioskConfig, token: Option<&str>) -> Result<Provisioned, ProvisionError> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let dir = cfg.data_dir();
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| ProvisionError::Io { path, source }
    };
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).map_err(io(&dir))?;
    let mut store = Store::open_dir(&dir)?;
    let token_file = dir.join("kiosk.token");
    let token_created = token.is_some() || !token_file.exists();
    if token_created {
        let value = match token {
            Some(t) => t.trim().to_owned(),
            None => rand::random::<[u8; 32]>()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        };
        let tmp = dir.join("kiosk.token.tmp");
        let _ = std::fs::remove_file(&tmp);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(io(&tmp))?;
        use std::io::Write;
        f.write_all(value.as_bytes()).map_err(io(&tmp))?;
        f.sync_all().map_err(io(&tmp))?;
        std::fs::rename(&tmp, &token_file).map_err(io(&token_file))?;
    }
    store.audit(
        "technician",
        "provisioned",
        if token_created { "token written" } else { "" },
        chrono::Utc::now(),
    )?;
    Ok(Provisioned {
        data_dir: dir,
        token_file,
        token_created,
    })
}

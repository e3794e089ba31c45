//! `dost-kiosk doctor` and `dost-kiosk provision`: what a technician checks and prepares. The
//! levels and thresholds are the health model the technician's screen uses.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use kiosk_core::health::{Level, disk_level, disk_text};
use serde::Serialize;

use super::{GlobalArgs, load_config};
use crate::config::{CentralMode, DeviceKind, KioskConfig, PrinterKind};
use crate::platform;
use crate::store::{Store, StoreError};

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

/// Every check, as a table or JSON; exit 1 when one fails.
pub(super) fn doctor(global: &GlobalArgs, json: bool) -> Result<ExitCode, String> {
    let cfg = load_config(global);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let checks = rt.block_on(run_checks(&global.config, cfg));
    if json {
        println!(
            "{}",
            serde_json::to_string(&checks).map_err(|e| e.to_string())?
        );
    } else {
        println!("{:<14} {:<6} DETAIL", "CHECK", "STATUS");
        for c in &checks {
            let status = match c.level {
                Level::Ok => "ok",
                Level::Warn => "warn",
                Level::Fail => "FAIL",
            };
            println!("{:<14} {:<6} {}", c.name, status, c.detail);
        }
    }
    Ok(if checks.iter().any(|c| c.level == Level::Fail) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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
    out.push(match cfg.load_catalog() {
        Ok(c) => check(
            "catalog",
            Level::Ok,
            format!("{} services", c.services.len()),
        ),
        Err(e) => check("catalog", Level::Fail, e.to_string()),
    });
    let dir = cfg.data_dir();
    out.extend(data_checks(&dir));
    out.extend(store_checks(&dir).await);
    out.push(reader_check(&cfg));
    out.push(printer_check(&cfg));
    out.push(match cfg.central.mode {
        CentralMode::Embedded => {
            check("centre link", Level::Ok, "embedded reference centre (demo)")
        }
        CentralMode::Remote => centre_check(&cfg).await,
    });
    out.extend(super::chip::doctor_checks(&cfg).await);
    let now = chrono::Utc::now();
    out.push(if (2025..2100).contains(&chrono::Datelike::year(&now)) {
        check(
            "clock",
            Level::Ok,
            kiosk_core::screen::baku_time(now) + " Asia/Baku",
        )
    } else {
        check("clock", Level::Fail, format!("implausible time {now}"))
    });
    out.push(pin_check(&cfg));
    out
}

/// The card reader: model, how it is reached, effective framing and line, and whether its
/// device is there.
fn reader_check(cfg: &KioskConfig) -> Check {
    let r = cfg.card_reader.effective();
    let mut what = format!(
        "model {}, {}, framing {}, {}",
        r.model,
        r.kind.as_str(),
        r.framing,
        r.line_label()
    );
    if r.framing == card_reader::Framing::Desko {
        let d = r.desko;
        what.push_str(&format!(
            ", OCR {:#04x}/{:#04x}, MSR {:#04x}/{:#04x}, barcode {:#04x}/{:#04x}",
            d.ocr.open, d.ocr.close, d.msr.open, d.msr.close, d.barcode.open, d.barcode.close
        ));
    }
    match r.kind {
        DeviceKind::Simulated => check("card reader", Level::Ok, what),
        _ if Path::new(&r.port).exists() => {
            check("card reader", Level::Ok, format!("{}: {what}", r.port))
        }
        _ => check(
            "card reader",
            Level::Fail,
            format!("{}: no device ({what})", r.port),
        ),
    }
}

/// The printer: its kind and model, and whether its device is there.
fn printer_check(cfg: &KioskConfig) -> Check {
    let p = &cfg.printer;
    let what = format!("{}, model {}", p.kind.as_str(), p.model);
    match p.kind {
        PrinterKind::Simulated => check("printer", Level::Ok, what),
        _ if Path::new(&p.port).exists() => {
            check("printer", Level::Ok, format!("{}: {what}", p.port))
        }
        _ => check(
            "printer",
            Level::Fail,
            format!("{}: no device ({what})", p.port),
        ),
    }
}

/// The service PINs: each configured hash usable ([`crate::config::pin::check_hash`]), and
/// which roles have access.
fn pin_check(cfg: &KioskConfig) -> Check {
    let pins = cfg.service.pin_hashes();
    for (role, hash) in [("technician", &pins.technician), ("staff", &pins.staff)] {
        if let Some(Err(e)) = hash.as_deref().map(crate::config::pin::check_hash) {
            return check("service PINs", Level::Fail, format!("{role} PIN hash: {e}"));
        }
    }
    match (pins.technician.is_some(), pins.staff.is_some()) {
        (true, true) => check("service PINs", Level::Ok, "technician and staff"),
        (true, false) => check("service PINs", Level::Warn, "no staff PIN"),
        _ => check("service PINs", Level::Warn, "no technician PIN"),
    }
}

/// The data directory, its disk and the device key.
fn data_checks(dir: &Path) -> Vec<Check> {
    let mut out = Vec::new();
    let probe = dir.join(".doctor-probe");
    out.push(
        match platform::fs::private_dir(dir).and_then(|_| std::fs::write(&probe, b"ok")) {
            Ok(()) => {
                let _ = std::fs::remove_file(&probe);
                check("data dir", Level::Ok, dir.display().to_string())
            }
            Err(e) => check("data dir", Level::Fail, format!("{}: {e}", dir.display())),
        },
    );
    let free = platform::disk::free_bytes(dir);
    out.push(check("disk", disk_level(free), disk_text(free)));
    let key = dir.join("device.key");
    let credential = platform::credentials::find(
        platform::credentials::dir().as_deref(),
        platform::credentials::DEVICE_KEY,
    );
    out.push(match std::fs::metadata(&key) {
        _ if credential.is_some() && !key.exists() => check(
            "device key",
            Level::Ok,
            "systemd credential device-key (not on the data disk)",
        ),
        Ok(_) if credential.is_some() => check(
            "device key",
            Level::Warn,
            format!(
                "credential in use, but {} is still on the data disk",
                key.display()
            ),
        ),
        Ok(m) => {
            use std::os::unix::fs::PermissionsExt;
            let mode = m.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                check(
                    "device key",
                    Level::Fail,
                    format!("mode {mode:o}: must be 600"),
                )
            } else {
                check(
                    "device key",
                    Level::Ok,
                    "device.key on the data disk, mode 600",
                )
            }
        }
        Err(_) => check(
            "device key",
            Level::Warn,
            "missing: run `dost-kiosk provision`",
        ),
    });
    out
}

/// The database: schema and integrity, the sync queue, the audit chain, held receipts.
async fn store_checks(dir: &Path) -> Vec<Check> {
    let dir = dir.to_owned();
    let opened = tokio::task::spawn_blocking(move || {
        let s = Store::open_dir(&dir)?;
        Ok::<_, StoreError>((s.schema_version()?, s.stats()?, s.verify_audit()?))
    })
    .await;
    let (version, stats, audit) = match opened {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => return vec![check("database", Level::Fail, e.to_string())],
        Err(e) => return vec![check("database", Level::Fail, e.to_string())],
    };
    let warn_if = |bad: bool| if bad { Level::Warn } else { Level::Ok };
    vec![
        check(
            "database",
            Level::Ok,
            format!("schema {version}, integrity ok"),
        ),
        check(
            "sync queue",
            warn_if(stats.rejected > 0),
            format!(
                "{} waiting, {} refused by the centre",
                stats.outbox_depth, stats.rejected
            ),
        ),
        match audit {
            None => check("audit log", Level::Ok, "hash chain intact"),
            Some(id) => check("audit log", Level::Fail, format!("row {id} was changed")),
        },
        check(
            "receipts",
            warn_if(stats.held_jobs > 0),
            format!(
                "{} held, {:.0} mm paper used since restock",
                stats.held_jobs, stats.paper_used_mm
            ),
        ),
    ]
}

async fn centre_check(cfg: &KioskConfig) -> Check {
    let token = match cfg.token() {
        Ok(t) => t,
        Err(e) => return check("centre link", Level::Fail, e.to_string()),
    };
    let client = match crate::central::CentralClient::new(
        &cfg.central.url,
        &token,
        Duration::from_secs(5),
    ) {
        Ok(c) => c,
        Err(e) => return check("centre link", Level::Fail, e.to_string()),
    };
    match client.get_if_changed("/catalog", None).await {
        Ok(_) => check("centre link", Level::Ok, cfg.central.url.clone()),
        Err(e) if e.status() == Some(404) => {
            check("centre link", Level::Ok, cfg.central.url.clone())
        }
        Err(e) if e.status() == Some(401) => {
            check("centre link", Level::Fail, "token refused (401)")
        }
        Err(e @ crate::central::CentralError::Status { .. }) => {
            check("centre link", Level::Fail, e.to_string())
        }
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
    Store(#[from] StoreError),
}

/// Creates the data directory (0700), the device key (0600), the database and the token file
/// (0600). Existing keys and tokens are kept unless a new token is given.
pub fn provision(cfg: &KioskConfig, token: Option<&str>) -> Result<Provisioned, ProvisionError> {
    use std::os::unix::fs::PermissionsExt;
    let dir = cfg.data_dir();
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| ProvisionError::Io { path, source }
    };
    platform::fs::private_dir(&dir).map_err(io(&dir))?;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).map_err(io(&dir))?;
    let mut store = Store::open_dir(&dir)?;
    let token_file = dir.join("kiosk.token");
    let token_created = token.is_some() || !token_file.exists();
    if token_created {
        let value = match token {
            Some(t) => t.trim().to_owned(),
            None => hex::encode(rand::random::<[u8; 32]>()),
        };
        platform::fs::replace_atomically(&token_file, value.as_bytes(), Some(0o600))
            .map_err(io(&token_file))?;
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

pub(super) fn provision_cmd(global: &GlobalArgs, token: Option<&str>) -> Result<ExitCode, String> {
    let cfg = load_config(global)?;
    let done = provision(&cfg, token).map_err(|e| e.to_string())?;
    println!("data directory  {} (mode 700)", done.data_dir.display());
    println!(
        "device key      {} (mode 600)",
        done.data_dir.join("device.key").display()
    );
    println!(
        "token file      {} (mode 600){}",
        done.token_file.display(),
        if done.token_created {
            ", written"
        } else {
            ", kept"
        }
    );
    println!("set central.token_file to the token file in the configuration");
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> KioskConfig {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/kiosk.toml");
        KioskConfig::load(&path).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_bad_pin_hash_fails_the_doctor() {
        let cfg = demo();
        assert_eq!(pin_check(&cfg).level, Level::Ok);
        let mut garbage = cfg.clone();
        garbage.service.staff_pin_hash = "not a hash".into();
        let c = pin_check(&garbage);
        assert_eq!(c.level, Level::Fail, "{c:?}");
        assert!(c.detail.starts_with("staff PIN hash"), "{c:?}");
        let mut costly = cfg;
        costly.service.technician_pin_hash =
            costly
                .service
                .technician_pin_hash
                .replacen("m=19456", "m=8388608", 1);
        let c = pin_check(&costly);
        assert_eq!(c.level, Level::Fail, "{c:?}");
        assert!(c.detail.contains("exceed"), "{c:?}");
    }
}

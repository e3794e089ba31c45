//! `dost-kiosk chip verify | readers | read`, and the chip checks of `doctor`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use chip_reader::pcsc_transport::reader_infos;
use chip_reader::reader::{Check, CloneDetection};
use chip_reader::{TrustStore, interface_of_atr, interface_of_name, verify_files};
use chrono::Utc;
use kiosk_core::chip::{ChipDecision, ChipDocument, ChipOutcome, decide};
use kiosk_core::health::Level;
use serde_json::json;

use super::doctor::Check as DoctorCheck;
use super::{ChipReadArgs, ChipVerifyArgs, GlobalArgs, load_config};
use crate::chip::connect::{self, ConnectError};
use crate::chip::read::{ReadResult, read_document};
use crate::config::KioskConfig;
use crate::config::chip::ChipKind;

/// Largest EF.SOD or data group file read (the chip driver reads at most 32 KiB).
const MAX_FILE: u64 = 64 * 1024;

fn read_file(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    let f =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut buf = Vec::new();
    f.take(max + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if buf.len() as u64 > max {
        return Err(format!("{}: larger than {max} bytes", path.display()));
    }
    Ok(buf)
}

/// `N=FILE` → (N, FILE); N from 1 to 16.
fn dg_arg(s: &str) -> Result<(u8, PathBuf), String> {
    let (n, file) = s
        .split_once('=')
        .ok_or_else(|| format!("--dg {s}: expected N=FILE"))?;
    let n: u8 = n
        .trim()
        .parse()
        .ok()
        .filter(|n| (1..=16).contains(n))
        .ok_or_else(|| format!("--dg {s}: data group number from 1 to 16"))?;
    if file.is_empty() {
        return Err(format!("--dg {s}: no file"));
    }
    Ok((n, PathBuf::from(file)))
}

/// `chip verify`: exit 0 valid, 2 invalid; an error (exit 1) when it could not run.
pub(super) fn verify(args: &ChipVerifyArgs) -> Result<ExitCode, String> {
    let dgs = args
        .dg
        .iter()
        .map(|s| dg_arg(s))
        .collect::<Result<Vec<_>, _>>()?;
    let mut seen = std::collections::BTreeSet::new();
    if let Some((n, _)) = dgs.iter().find(|(n, _)| !seen.insert(*n)) {
        return Err(format!("--dg {n} given twice"));
    }
    let trust = TrustStore::load(&args.csca).map_err(|e| e.to_string())?;
    let sod = read_file(&args.sod, MAX_FILE)?;
    let files = dgs
        .iter()
        .map(|(n, p)| read_file(p, MAX_FILE).map(|b| (*n, b)))
        .collect::<Result<Vec<_>, _>>()?;
    let report = verify_files(&sod, &files, &trust, Utc::now());
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&report).map_err(|e| e.to_string())?
        );
    } else {
        match &report.outcome {
            chip_reader::PaOutcome::Valid(d) => {
                println!("passive authentication: valid");
                println!("  hash algorithm       {:?}", d.hash_algorithm);
                println!("  signature algorithm  {:?}", d.signature_algorithm);
                println!("  document signer      {}", d.document_signer);
                println!("  CSCA                 {}", d.csca);
                println!("  data groups          {:?}", d.data_groups);
                for line in report.mrz.iter().flatten() {
                    println!("  mrz                  {line}");
                }
            }
            chip_reader::PaOutcome::Invalid(f) => {
                println!("passive authentication: INVALID ({}): {f}", f.code());
            }
        }
    }
    Ok(ExitCode::from(if report.outcome.is_valid() {
        0
    } else {
        2
    }))
}

/// `chip readers`: exit 1 when pcscd cannot be asked.
pub(super) fn readers(json: bool) -> Result<ExitCode, String> {
    let infos = reader_infos().map_err(|e| format!("PC/SC: {e}"))?;
    let rows: Vec<serde_json::Value> = infos
        .iter()
        .map(|r| {
            json!({
                "reader": r.name,
                "name_says": interface_of_name(&r.name).map(|i| i.name()),
                "card": r.atr.as_ref().map(|atr| json!({
                    "atr": hex::encode_upper(atr),
                    "interface": interface_of_atr(atr).name(),
                })),
            })
        })
        .collect();
    if json {
        println!("{}", serde_json::Value::Array(rows));
    } else if infos.is_empty() {
        println!("no PC/SC reader (pcscd is running)");
    } else {
        for r in &infos {
            match &r.atr {
                Some(atr) => println!(
                    "{}\n  card: {} ({})",
                    r.name,
                    hex::encode_upper(atr),
                    interface_of_atr(atr).name()
                ),
                None => println!("{}\n  no card", r.name),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The MRZ lines of `path` (blank lines skipped), checked like an OCR read.
fn mrz_lines(path: &Path) -> Result<Vec<String>, String> {
    let text = String::from_utf8(read_file(path, 1024)?)
        .map_err(|_| format!("{}: not text", path.display()))?;
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    card_reader::parse_mrz(&refs, crate::runtime::today_baku())
        .map(|doc| doc.lines)
        .map_err(|e| format!("{}: {} ({})", path.display(), e.reason(), e.field()))
}

/// `chip read`: exit 0 when the chip is authentic, 2 when it is refused, 1 when it could not
/// be read.
pub(super) fn read(global: &GlobalArgs, args: &ChipReadArgs) -> Result<ExitCode, String> {
    let cfg = load_config(global)?;
    let ocr = mrz_lines(&args.mrz_file)?;
    let trust = match &args.csca {
        Some(p) => TrustStore::load(p).map_err(|e| e.to_string())?,
        None => crate::chip::load_trust(&cfg).map_err(|e| e.to_string())?,
    };
    let name = args.reader.as_deref().or(cfg.chip.reader_name());
    let wait = Duration::from_secs(u64::from(cfg.chip.card_wait_s).max(5));
    let started = Instant::now();
    let c = connect::connect(name, cfg.chip.interface, wait).map_err(|e| match e {
        ConnectError::NoCard => format!("no card on the reader within {} s", wait.as_secs()),
        e => e.to_string(),
    })?;
    let (reader, atr, interface) = (c.reader.clone(), c.atr.clone(), c.interface);
    let settings = crate::chip::read_settings(&cfg);
    let result = read_document(c.transport, &ocr, &trust, settings, None, Utc::now());
    let total_ms = started.elapsed().as_secs_f64() * 1000.0;
    if let Some(dir) = &args.save {
        save(dir, &result)?;
    }
    let doc = card_reader::parse_mrz(
        &ocr.iter().map(String::as_str).collect::<Vec<_>>(),
        crate::runtime::today_baku(),
    )
    .ok()
    .map(|d| kiosk_core::card::CardData::from_document(&d).kind)
    .and_then(ChipDocument::of);
    let decision = doc.map(|d| decide(&cfg.policy().chip, d, result.outcome));
    let out = summary(&result, &reader, &atr, interface.name(), total_ms, decision);
    if args.json {
        println!("{out}");
    } else {
        print_summary(&out);
    }
    Ok(ExitCode::from(match result.outcome {
        ChipOutcome::Genuine(_) | ChipOutcome::PassiveOnly => 0,
        ChipOutcome::Invalid(_) => 2,
        ChipOutcome::NoChip | ChipOutcome::ReadFailed(_) => 1,
    }))
}

/// Writes EF.SOD and the data groups of the read into `dir` (`sod.bin`, `dgN.bin`).
fn save(dir: &Path, result: &ReadResult) -> Result<(), String> {
    let Some(r) = &result.report else {
        return Err("nothing to save: the chip was not read".into());
    };
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files = vec![("sod.bin", &r.ef_sod), ("dg1.bin", &r.dg1)];
    files.extend(r.dg14.as_ref().map(|d| ("dg14.bin", d)));
    files.extend(r.dg15.as_ref().map(|d| ("dg15.bin", d)));
    for (name, bytes) in files {
        let p = dir.join(name);
        std::fs::write(&p, bytes).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    Ok(())
}

fn check_json(check: &Check) -> serde_json::Value {
    match check {
        Check::Passed => json!("passed"),
        Check::Failed(why) => json!({"failed": why}),
        Check::Unsupported(why) => json!({"unsupported": why}),
    }
}

/// What `chip read` shows: no MRZ, no chip contents.
fn summary(
    result: &ReadResult,
    reader: &str,
    atr: &[u8],
    interface: &str,
    total_ms: f64,
    decision: Option<ChipDecision>,
) -> serde_json::Value {
    let mut out = json!({
        "reader": reader,
        "atr": hex::encode_upper(atr),
        "interface": interface,
        "outcome": result.outcome.code(),
        "policy": decision.map(|d| match d {
            ChipDecision::Accept => "accept".to_owned(),
            ChipDecision::Refuse(r) => format!("refuse ({})", r.code()),
        }),
        "total_ms": total_ms,
    });
    if let Some(e) = &result.error {
        out["error"] = json!(e.to_string());
    }
    if let Some(r) = &result.report {
        out["access"] = json!(r.access.describe());
        out["data_groups_read"] = json!(r.data_groups_read);
        out["passive_authentication"] =
            serde_json::to_value(&r.passive_authentication).unwrap_or_default();
        out["clone_detection"] = match &r.clone_detection {
            CloneDetection::ChipAuthentication {
                check,
                curve,
                cipher,
            } => json!({
                "method": "chip_authentication",
                "check": check_json(check),
                "curve": curve.name(),
                "cipher": cipher.name(),
            }),
            CloneDetection::ActiveAuthentication { check, scheme, .. } => json!({
                "method": "active_authentication",
                "check": check_json(check),
                "scheme": scheme.map(|s| format!("{s:?}")),
            }),
            CloneDetection::PassiveOnly => json!({"method": "passive_only"}),
        };
        out["traffic"] = serde_json::to_value(r.traffic).unwrap_or_default();
        out["timings"] = serde_json::to_value(r.timings).unwrap_or_default();
    }
    out
}

fn print_summary(out: &serde_json::Value) {
    let text = |k: &str| match &out[k] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "-".into(),
        v => v.to_string(),
    };
    for key in [
        "reader",
        "atr",
        "interface",
        "access",
        "data_groups_read",
        "passive_authentication",
        "clone_detection",
        "outcome",
        "policy",
        "traffic",
        "timings",
        "total_ms",
        "error",
    ] {
        if !out[key].is_null() {
            println!("{key:<24}{}", text(key));
        }
    }
}

fn check(name: &'static str, level: Level, detail: impl Into<String>) -> DoctorCheck {
    DoctorCheck {
        name,
        level,
        detail: detail.into(),
    }
}

/// `doctor`'s chip lines: the policy, the trust store, the PC/SC service and the reader with
/// a live test of the card on it.
pub async fn doctor_checks(cfg: &KioskConfig) -> Vec<DoctorCheck> {
    let c = &cfg.chip;
    if !c.enabled() {
        return vec![check("chip", Level::Ok, "chip authentication off")];
    }
    let mut out = vec![check(
        "chip policy",
        Level::Ok,
        format!(
            "id cards {:?}, passports {:?}, passive only {:?}, read failure {:?}",
            c.id_card, c.passport, c.passive_only, c.on_read_failure
        ),
    )];
    out.push(match crate::chip::load_trust(cfg) {
        Ok(t) => check(
            "chip trust",
            Level::Ok,
            format!("{} CSCAs, {} CRLs", t.cscas().len(), t.crls().len()),
        ),
        Err(e) => check("chip trust", Level::Fail, e.to_string()),
    });
    if c.kind == ChipKind::Simulated {
        out.push(check("pc/sc", Level::Ok, "simulated chip (demo)"));
        return out;
    }
    let (name, interface) = (c.reader_name().map(str::to_owned), c.interface);
    let probed = tokio::task::spawn_blocking(move || live_test(name.as_deref(), interface)).await;
    match probed {
        Ok(lines) => out.extend(lines),
        Err(e) => out.push(check("chip reader", Level::Fail, e.to_string())),
    }
    out
}

/// The PC/SC service, the reader, and a probe of the card on it (blocking).
fn live_test(
    name: Option<&str>,
    interface: crate::config::chip::ChipInterface,
) -> Vec<DoctorCheck> {
    let readers = match reader_infos() {
        Ok(r) => r,
        Err(e) => return vec![check("pc/sc", Level::Fail, e.to_string())],
    };
    let mut out = vec![check(
        "pc/sc",
        Level::Ok,
        format!("pcscd running, {} reader(s)", readers.len()),
    )];
    let started = Instant::now();
    out.push(
        match connect::connect(name, interface, Duration::from_millis(300)) {
            Ok(mut c) => match chip_reader::probe::probe(&mut c.transport) {
                Ok(p) => check(
                    "chip reader",
                    if p.emrtd { Level::Ok } else { Level::Warn },
                    format!(
                        "{}: card {} ({}), eMRTD application {}, {}, {} ms",
                        c.reader,
                        hex::encode_upper(&c.atr),
                        c.interface.name(),
                        if p.emrtd { "present" } else { "missing" },
                        if p.pace.is_empty() {
                            "BAC only".to_owned()
                        } else {
                            p.pace.join(", ")
                        },
                        started.elapsed().as_millis()
                    ),
                ),
                Err(e) => check("chip reader", Level::Warn, format!("{}: {e}", c.reader)),
            },
            Err(ConnectError::NoCard) => check(
                "chip reader",
                Level::Warn,
                format!(
                    "{}: no card on the reader, live test not run",
                    connect::readers(name, interface)
                        .map(|r| r.join(", "))
                        .unwrap_or_default()
                ),
            ),
            Err(e @ ConnectError::WrongInterface { .. }) => {
                check("chip reader", Level::Warn, e.to_string())
            }
            Err(ConnectError::Reader(e)) => check("chip reader", Level::Fail, e),
        },
    );
    out
}

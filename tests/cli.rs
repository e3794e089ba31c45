//! The `dost-kiosk` command as a technician uses it: real process, real files, a printer on a
//! pseudo-terminal.

use std::io::Write;
use std::process::{Command, Stdio};

use receipt_printer::PaperLevel;
use receipt_printer::emulator::PtyPrinterEmulator;

fn kiosk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dost-kiosk"))
}

#[test]
fn config_check_accepts_the_demo_and_names_the_broken_line() {
    let ok = kiosk()
        .args(["config", "check", "config/kiosk.toml"])
        .output()
        .expect("runs");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );

    let dir = tempfile::tempdir().expect("tmp");
    let text = std::fs::read_to_string("config/kiosk.toml").expect("demo config");
    let broken = text.replacen("baud = 9600", "baud = -9600", 1);
    let line = broken
        .lines()
        .position(|l| l.contains("-9600"))
        .map(|i| i + 1)
        .expect("line");
    let path = dir.path().join("kiosk.toml");
    std::fs::write(&path, broken).expect("write");
    let out = kiosk()
        .args(["config", "check"])
        .arg(&path)
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("kiosk.toml:{line}:")), "{err}");
    assert!(err.contains("baud"), "{err}");
}

#[test]
fn config_set_writes_one_key_in_place_or_refuses_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let conf = dir.path().join("config");
    std::fs::create_dir_all(&conf).expect("dir");
    std::fs::copy("config/services.toml", conf.join("services.toml")).expect("catalog");
    let path = conf.join("kiosk.toml");
    let original = std::fs::read_to_string("config/kiosk.toml").expect("demo config");
    std::fs::write(&path, &original).expect("write");
    let set = |key: &str, value: &str| {
        kiosk()
            .arg("--config")
            .arg(&path)
            .args(["config", "set", key, value])
            .output()
            .expect("runs")
    };

    let out = set("card_reader.framing", "3m");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains("framing = \"3m\""));
    // Only that line changed; comments and everything else stay.
    let changed: Vec<_> = original
        .lines()
        .zip(text.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(changed, vec![("framing = \"plain\"", "framing = \"3m\"")]);
    assert_eq!(
        std::fs::read_to_string(conf.join("kiosk.toml.bak")).expect("backup"),
        original
    );
    let check = kiosk()
        .args(["config", "check"])
        .arg(&path)
        .output()
        .expect("runs");
    assert!(check.status.success());

    // Refused: the reason is named and the file is left as it was.
    for (key, value, why) in [
        ("card_reader.framing", "morse", "framing"),
        ("card_reader.sped", "9600", "sped"),
        ("session.idle_timeout_s", "5", "idle_timeout_s"),
    ] {
        let out = set(key, value);
        assert_eq!(out.status.code(), Some(1), "{key} = {value}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(why), "{key}: {err}");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
    }
}

#[test]
fn screenshot_lists_every_screen() {
    let out = kiosk()
        .args(["screenshot", "--list"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for name in [
        "attract",
        "welcome",
        "catalog",
        "form",
        "review",
        "done",
        "my-applications",
    ] {
        assert!(text.lines().any(|l| l == name), "{name} missing in {text}");
    }
    let bad = kiosk()
        .args(["screenshot", "--screen", "nope", "--out", "/tmp/x.png"])
        .output()
        .expect("runs");
    assert!(!bad.status.success());
}

#[test]
fn card_parse_prints_json_and_rejects_garbage() {
    let mut child = kiosk()
        .args(["card", "parse", "--framing", "plain"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("runs");
    let lines = card_reader::sim::specimens::aze_id_card().join("\r\n") + "\r\n";
    let mut bad = card_reader::sim::specimens::icao_td1();
    bad[1].replace_range(6..7, "0"); // birth-date check digit
    let input = format!("{lines}noise\r\n{}\r\n", bad.join("\r\n"));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("done");
    assert_eq!(out.status.code(), Some(2), "a rejected read exits 2");
    let text = String::from_utf8_lossy(&out.stdout);
    let objs: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(objs.len(), 2, "{text}");
    assert_eq!(objs[0]["format"], "TD1");
    assert_eq!(objs[0]["issuing_state"], "AZE");
    assert!(objs[0]["fin"].as_str().is_some_and(|f| f.len() == 7));
    assert!(
        objs[1]["error"].is_string() && objs[1]["field"].is_string(),
        "{}",
        objs[1]
    );
}

#[test]
fn config_check_of_a_catalog_with_a_huge_page_is_short() {
    let dir = tempfile::tempdir().expect("tmp");
    let config = std::fs::read_to_string("config/kiosk.toml").expect("demo config");
    std::fs::write(dir.path().join("kiosk.toml"), config).expect("write");
    let catalog = std::fs::read_to_string("config/services.toml").expect("catalog");
    let huge = catalog.replacen("page = 2", "page = 1000000", 1);
    assert_ne!(huge, catalog);
    std::fs::write(dir.path().join("services.toml"), huge).expect("write");
    let out = kiosk()
        .args(["config", "check"])
        .arg(dir.path().join("kiosk.toml"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pages are 1 to 10"), "{err}");
    assert!(
        err.lines().count() <= 3,
        "one problem, not one per page: {err}"
    );
    // A catalog file past the size bound is refused before it is parsed.
    std::fs::write(dir.path().join("services.toml"), "#".repeat(2 << 20)).expect("write");
    let out = kiosk()
        .args(["config", "check"])
        .arg(dir.path().join("kiosk.toml"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("larger than"));
}

/// `card parse` with `input` on stdin: exit code, JSON lines, stderr.
fn card_parse(framing: &str, input: &[u8]) -> (Option<i32>, Vec<serde_json::Value>, String) {
    let mut child = kiosk()
        .args(["card", "parse", "--framing", framing])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("done");
    writer.join().expect("writer").expect("write");
    let text = String::from_utf8_lossy(&out.stdout);
    let objs = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    (
        out.status.code(),
        objs,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn card_parse_keeps_every_read_and_names_what_is_missing() {
    // 50 reads in one input: all 50 come out, in order.
    let read = card_reader::sim::specimens::aze_id_card().join("\r\n") + "\r\n";
    let (code, objs, err) = card_parse("plain", read.repeat(50).as_bytes());
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(objs.len(), 50);
    assert!(objs.iter().all(|o| o["issuing_state"] == "AZE"));
    // The same in STX/ETX frames, 20 of them.
    let lines = card_reader::sim::specimens::aze_id_card();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let framed: Vec<u8> = (0..20)
        .flat_map(|_| card_reader::encode_frame(card_reader::Framing::StxEtx, &lines))
        .collect();
    let (code, objs, err) = card_parse("stx-etx", &framed);
    assert_eq!((code, objs.len()), (Some(0), 20), "{err}");
    // A read cut short at the end of the input is a rejection, not silence.
    let (code, objs, _) = card_parse("stx-etx", &framed[..framed.len() / 20 - 5]);
    assert_eq!(code, Some(2));
    assert_eq!(objs.len(), 1);
    assert!(objs[0]["error"].is_string(), "{}", objs[0]);
    // No read at all: an error with the reason.
    for empty in [&b""[..], b"\r\n\r\n", b"hello"] {
        let (code, objs, err) = card_parse("stx-etx", empty);
        assert_eq!(code, Some(1), "{empty:?}");
        assert!(objs.is_empty());
        assert!(err.contains("no read in the input"), "{err}");
    }
}

#[test]
fn printer_commands_on_a_serial_port() {
    let emu = PtyPrinterEmulator::start().expect("pty printer");
    let port = emu.path_str();
    let out = kiosk()
        .args(["printer", "status", "--json", "--port", &port])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["device"], "online");
    assert_eq!(v["paper"], "ok");

    let out = kiosk()
        .args(["printer", "test", "--port", &port])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = receipt_printer::preview::decode(&emu.printed_stream()).expect("decodes");
    let text = printed.text_lines().join("\n");
    assert!(text.contains('Ə') && text.contains('ə'), "{text}");
    assert!(text.contains('Ж'), "{text}");
    assert_eq!(printed.qr_payloads().len(), 1);

    emu.set_paper(PaperLevel::Out);
    let out = kiosk()
        .args(["printer", "status", "--port", &port])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "paper out is not ready");
    assert!(String::from_utf8_lossy(&out.stdout).contains("out"));
}

#[test]
fn printer_models_lists_what_printer_model_can_name() {
    let out = kiosk()
        .args(["printer", "models", "--json"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let models: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("JSON");
    let find = |id: &str| {
        models
            .iter()
            .find(|m| m["id"] == id)
            .unwrap_or_else(|| panic!("{id} not listed"))
    };
    // The code page numbers that differ per vendor (PC857).
    assert_eq!(find("TM-T20II")["pc857"], 13);
    assert_eq!(find("CT-S651")["pc857"], 8);
    assert_eq!(find("RP326")["pc857"], 29);
    assert_eq!(find("XP-80")["pc857"], 61);
    assert_eq!(find("PPU-700")["presenter"], "gs-e");
    assert_eq!(find("VKP80III")["presenter"], "fs-p");
    assert_eq!(find("KR403")["supported"], false);
    assert!(
        find("KR403")["unsupported_because"]
            .as_str()
            .is_some_and(|w| w.contains("ZPL"))
    );
    let table = kiosk().args(["printer", "models"]).output().expect("runs");
    let text = String::from_utf8_lossy(&table.stdout);
    assert_eq!(
        text.lines().filter(|l| l.starts_with("PPU-700 ")).count(),
        1
    );
    assert!(text.contains("safe profile"));
}

#[test]
fn pin_hash_reads_stdin() {
    let mut child = kiosk()
        .args(["pin", "hash"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"482913\n")
        .expect("write");
    let out = child.wait_with_output().expect("done");
    assert!(out.status.success());
    let hash = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(dost_kiosk::config::pin::is_pin_hash(&hash), "{hash}");
    assert!(!hash.contains("482913"));
}

/// A copy of the demo configuration whose data lives in `dir` (with the catalog beside it).
fn demo_config_in(dir: &std::path::Path, edit: impl Fn(String) -> String) -> std::path::PathBuf {
    let text = std::fs::read_to_string("config/kiosk.toml").expect("demo config");
    let text = text.replace("data_dir = \"../data\"", "data_dir = \"data\"");
    std::fs::copy("config/services.toml", dir.join("services.toml")).expect("catalog");
    // The demo's chip trust store (the demo root) goes with it.
    std::fs::create_dir_all(dir.join("trust/demo")).expect("trust dir");
    std::fs::copy(
        "config/trust/demo/demo-csca.pem",
        dir.join("trust/demo/demo-csca.pem"),
    )
    .expect("demo root");
    let path = dir.join("kiosk.toml");
    std::fs::write(&path, edit(text)).expect("write config");
    path
}

#[test]
fn provision_then_doctor() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tmp");
    let cfg = demo_config_in(dir.path(), |t| t);
    let out = kiosk()
        .arg("--config")
        .arg(&cfg)
        .arg("provision")
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let data = dir.path().join("data");
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("exists").permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("device.key")), 0o600);
    assert_eq!(mode(&data.join("kiosk.token")), 0o600);
    let token = std::fs::read_to_string(data.join("kiosk.token")).expect("token");
    // Provisioning again keeps the token.
    let again = kiosk()
        .arg("--config")
        .arg(&cfg)
        .arg("provision")
        .output()
        .expect("runs");
    assert!(again.status.success());
    assert_eq!(
        std::fs::read_to_string(data.join("kiosk.token")).expect("token"),
        token
    );

    let out = kiosk()
        .arg("--config")
        .arg(&cfg)
        .args(["doctor", "--json"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let checks: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
    for name in [
        "config",
        "database",
        "disk",
        "card reader",
        "printer",
        "centre link",
        "clock",
        "audit log",
    ] {
        let c = checks
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} checked"));
        assert_eq!(c["level"], "ok", "{c}");
    }
    // The reader's model and the settings in effect, and the printer's kind.
    let detail = |name: &str| {
        checks
            .iter()
            .find(|c| c["name"] == name)
            .and_then(|c| c["detail"].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        detail("card reader"),
        "model generic-plain, simulated, framing plain, 9600 8N1"
    );
    assert!(
        detail("printer").starts_with("simulated, model "),
        "{}",
        detail("printer")
    );

    // A serial printer that is not there fails the doctor.
    let broken = demo_config_in(dir.path(), |t| {
        t.replacen(
            "kind = \"simulated\"\n# The ESC/POS printer",
            "kind = \"serial\"\nport = \"/dev/ttyDOESNOTEXIST\"\n# The ESC/POS printer",
            1,
        )
        .replacen("port = \"\"\n# Serial only.", "# Serial only.", 1)
    });
    let out = kiosk()
        .arg("--config")
        .arg(&broken)
        .arg("doctor")
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ttyDOESNOTEXIST: no device"));
}

#[test]
fn systemd_unit_verifies() {
    let Ok(analyze) = which("systemd-analyze") else {
        // systemd-analyze ships with systemd, which every target kiosk runs; the CI image has it.
        panic!("systemd-analyze not found: install systemd");
    };
    let dir = tempfile::tempdir().expect("tmp");
    // Point the unit at this build's binary so `verify` finds the executable.
    let unit = std::fs::read_to_string("config/dost-kiosk.service")
        .expect("unit")
        .replace("/usr/bin/dost-kiosk", env!("CARGO_BIN_EXE_dost-kiosk"));
    let path = dir.path().join("dost-kiosk.service");
    std::fs::write(&path, unit).expect("write");
    let out = Command::new(analyze)
        .args(["verify", "--man=no"])
        .arg(&path)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    // Users and groups of the target machine do not exist here; everything else must pass.
    let problems: Vec<&str> = err
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter(|l| !l.contains("kiosk") || l.contains("dost-kiosk.service:"))
        .filter(|l| !l.contains("Failed to resolve user") && !l.contains("Failed to resolve group"))
        .collect();
    assert!(out.status.success() || problems.is_empty(), "{err}");
    assert!(problems.is_empty(), "{err}");
}

fn which(name: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join(name))
                .find(|p| p.is_file())
        })
        .ok_or(())
}

/// Without a display the kiosk says how to run it; with a display that is not there the window
/// cannot open: each is a clear error and an exit code, never a panic.
#[test]
fn no_usable_display_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let run = |display: Option<&str>| {
        let mut cmd = kiosk();
        cmd.args(["--config", "config/kiosk.toml", "--data-dir"])
            .arg(dir.path())
            .arg("run")
            .env_remove("WAYLAND_DISPLAY");
        match display {
            Some(d) => cmd.env("DISPLAY", d),
            None => cmd.env_remove("DISPLAY"),
        };
        cmd.output().expect("runs")
    };
    let out = run(None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("no display") && err.contains("xvfb-run"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    // An X display number nothing listens on.
    let out = run(Some(":65011"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot open the kiosk window"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

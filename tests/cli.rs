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
    let printed = receipt_printer::preview::decode(&emu.received()).expect("decodes");
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

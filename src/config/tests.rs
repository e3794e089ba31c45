use super::*;

fn shipped_text() -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/kiosk.toml");
    std::fs::read_to_string(p).unwrap_or_default()
}

#[test]
fn shipped_config_is_valid_demo() {
    let text = shipped_text();
    let cfg = KioskConfig::parse(&text, Path::new("config/kiosk.toml"));
    let cfg = match cfg {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    assert!(cfg.kiosk.demo);
    assert_eq!(cfg.card_reader.kind, DeviceKind::Simulated);
    assert_eq!(cfg.printer.kind, DeviceKind::Simulated);
    assert_eq!(cfg.central.mode, CentralMode::Embedded);
    assert_eq!(cfg.session.idle_timeout_s, 45);
    assert_eq!(cfg.session.default_lang, Lang::Az);
    assert_eq!(cfg.catalog_path(), Path::new("config/services.toml"));
}

#[test]
fn remote_settings_are_checked_before_use() {
    let cfg = KioskConfig::parse(&shipped_text(), Path::new("config/kiosk.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let next = cfg
        .with_remote(
            &serde_json::json!({"center_name": "DOST Xəzər", "session": {"idle_timeout_s": 60}}),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(next.kiosk.center_name, "DOST Xəzər");
    assert_eq!(next.session.idle_timeout_s, 60);
    assert_eq!(
        next.session.countdown_s, 20,
        "unnamed keys take their defaults"
    );
    let bad = cfg.with_remote(&serde_json::json!({"session": {"idle_timeout_s": 5}}));
    assert!(bad.is_err());
    let device = cfg.with_remote(&serde_json::json!({"printer": {"kind": "serial"}}));
    assert!(device.is_err(), "device settings are local");
}

#[test]
fn syntax_error_has_line() {
    let text = shipped_text().replacen("idle_timeout_s = 45", "idle_timeout_s = = 45", 1);
    let line = text
        .lines()
        .position(|l| l.contains("= = 45"))
        .map(|i| i + 1);
    let err = KioskConfig::parse(&text, Path::new("k.toml")).err();
    let problems = err
        .as_ref()
        .map(|e| e.problems().to_vec())
        .unwrap_or_default();
    assert_eq!(problems.len(), 1, "{err:?}");
    assert_eq!(problems[0].line, line);
    assert!(
        err.map(|e| e.to_string())
            .unwrap_or_default()
            .starts_with("k.toml:")
    );
}

#[test]
fn unknown_key_and_bad_values_are_named() {
    // A value of the wrong kind is named with its section, key and line.
    let text = shipped_text().replacen("framing = \"plain\"", "framing = \"morse\"", 1);
    let err = KioskConfig::parse(&text, Path::new("k.toml")).err();
    let problems = err.map(|e| e.problems().to_vec()).unwrap_or_default();
    let framing_line = text
        .lines()
        .position(|l| l.contains("\"morse\""))
        .map(|i| i + 1);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].key, "card_reader.framing");
    assert_eq!(problems[0].line, framing_line);
    assert!(problems[0].reason.contains("morse"), "{problems:?}");

    // Values out of range are all named at once, each with its line.
    let text = shipped_text()
        .replacen("idle_timeout_s = 45", "idle_timeout_s = 5", 1)
        .replacen("roll_length_mm = 80000", "roll_length_mm = 10", 1);
    let err = KioskConfig::parse(&text, Path::new("k.toml")).err();
    let problems = err.map(|e| e.problems().to_vec()).unwrap_or_default();
    let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
    assert!(keys.contains(&"session.idle_timeout_s"), "{keys:?}");
    assert!(keys.contains(&"session.countdown_s"), "{keys:?}");
    assert!(keys.contains(&"printer.roll_length_mm"), "{keys:?}");
    let roll_line = text
        .lines()
        .position(|l| l.contains("roll_length_mm = 10"))
        .map(|i| i + 1);
    assert!(
        problems
            .iter()
            .any(|p| p.line == roll_line && p.key == "printer.roll_length_mm")
    );

    let typo = shipped_text().replacen("center_name", "centre_nam", 1);
    let err = KioskConfig::parse(&typo, Path::new("k.toml")).err();
    let msg = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains("centre_nam"), "{msg}");
}

#[test]
fn remote_centre_address_follows_the_url_rule() {
    let remote = |url: &str| {
        shipped_text()
            .replacen("mode = \"embedded\"", "mode = \"remote\"", 1)
            .replacen("url = \"\"", &format!("url = \"{url}\""), 1)
            .replacen("token = \"\"", "token = \"t\"", 1)
    };
    for ok in ["https://api.dost.gov.az", "http://127.0.0.1:8080"] {
        assert!(
            KioskConfig::parse(&remote(ok), Path::new("k.toml")).is_ok(),
            "{ok}"
        );
    }
    for bad in [
        "http://api.dost.gov.az",
        "http://127.0.0.1:@evil.example/",
        "http://localhost:x@evil.example/",
    ] {
        let err = KioskConfig::parse(&remote(bad), Path::new("k.toml")).err();
        let keys: Vec<String> = err
            .map(|e| e.problems().iter().map(|p| p.key.clone()).collect())
            .unwrap_or_default();
        assert_eq!(keys, vec!["central.url".to_owned()], "{bad}");
    }
}

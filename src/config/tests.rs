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
    assert_eq!(cfg.printer.kind, PrinterKind::Simulated);
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

fn keys_of(r: Result<KioskConfig, ConfigError>) -> Vec<String> {
    r.err()
        .map(|e| e.problems().iter().map(|p| p.key.clone()).collect())
        .unwrap_or_default()
}

#[test]
fn every_source_takes_the_same_ranges() {
    let path = Path::new("k.toml");
    let cfg = KioskConfig::parse(&shipped_text(), path).unwrap_or_else(|e| panic!("{e}"));
    // The centre's settings.
    for (remote, key) in [
        (
            serde_json::json!({"service_idle_close_s": 4294967295u32}),
            "service.idle_close_s",
        ),
        (
            serde_json::json!({"center_name": "DOST \u{202E}rəzəX"}),
            "kiosk.center_name",
        ),
        (
            serde_json::json!({"center_name": "DOST\u{1b}[2J\u{1b}]0;pwned\u{7}"}),
            "kiosk.center_name",
        ),
        (
            serde_json::json!({"session": {"card_error_s": 4294967295u32}}),
            "session.card_error_s",
        ),
        (
            serde_json::json!({"session": {"accept": ["passport", "passport"]}}),
            "session.accept",
        ),
    ] {
        let keys = cfg
            .with_remote(&remote)
            .err()
            .map(|p| p.list.into_iter().map(|p| p.key).collect::<Vec<_>>())
            .unwrap_or_default();
        assert_eq!(keys, vec![key.to_owned()], "{remote}");
    }
    // The file, and `config set` (which checks the file it would write).
    for (from, to, key) in [
        (
            "idle_close_s = 120",
            "idle_close_s = 0",
            "service.idle_close_s",
        ),
        (
            "heartbeat_s = 60",
            "heartbeat_s = 4294967295",
            "central.heartbeat_s",
        ),
        ("baud = 38400", "baud = 0", "printer.baud"),
        (
            "status_poll_s = 5",
            "status_poll_s = 4294967295",
            "printer.status_poll_s",
        ),
        (
            "retry_base_ms = 500",
            "retry_base_ms = 4294967295",
            "central.retry_base_ms",
        ),
        (
            "# retry_slot_ms = 0",
            "retry_slot_ms = 60000",
            "central.retry_slot_ms",
        ),
        (
            "center_name = \"DOST Yasamal\"",
            "center_name = \"DOST\\u0007\"",
            "kiosk.center_name",
        ),
        (
            "port = \"\"",
            "port = \"/dev/ttyUSB0\\u001b[H\"",
            "card_reader.port",
        ),
        ("token = \"\"", "token = \"a b\"", "central.token"),
        (
            "id = \"DOST-YASAMAL-K01\"",
            "id = \"K01\\u202e\"",
            "kiosk.id",
        ),
    ] {
        let text = shipped_text().replacen(from, to, 1);
        assert_ne!(text, shipped_text(), "{from}");
        assert_eq!(
            keys_of(KioskConfig::parse(&text, path)),
            vec![key.to_owned()],
            "{to}"
        );
    }
    for (key, value) in [
        ("service.idle_close_s", "0"),
        ("session.card_error_s", "100000"),
        ("kiosk.center_name", "DOST\u{2066}"),
    ] {
        let r = edit::set_key(&shipped_text(), path, key, value);
        assert!(r.is_err(), "config set {key} {value:?} refused");
    }
}

#[test]
fn pin_hashes_are_checked_with_bounded_parameters() {
    let path = Path::new("k.toml");
    let hash = |h: &str| {
        let text = shipped_text();
        let at = text.find("technician_pin_hash = ").unwrap_or(0);
        let end = at + text[at..].find('\n').unwrap_or(0);
        format!("{}technician_pin_hash = '{h}'{}", &text[..at], &text[end..])
    };
    let ok = pin::hash_pin("246810").unwrap_or_default();
    assert_eq!(
        keys_of(KioskConfig::parse(&hash(&ok), path)),
        Vec::<String>::new()
    );
    for bad in [
        "garbage".to_owned(),
        "$argon2id$v=19$m=19456,t=2,p=1$$".to_owned(),
        ok.replacen("m=19456", "m=4000000", 1),
        ok.replacen("t=2", "t=4000000", 1),
        ok.replacen("p=1", "p=255", 1),
    ] {
        assert_eq!(
            keys_of(KioskConfig::parse(&hash(&bad), path)),
            vec!["service.technician_pin_hash".to_owned()],
            "{bad}"
        );
    }
}

#[test]
fn the_token_comes_from_a_credential_a_file_or_the_text() {
    let remote = shipped_text()
        .replacen("mode = \"embedded\"", "mode = \"remote\"", 1)
        .replacen("url = \"\"", "url = \"https://api.dost.gov.az\"", 1);
    let path = Path::new("k.toml");
    // Without any token source, a remote centre is refused.
    assert_eq!(
        keys_of(KioskConfig::parse(&remote, path)),
        vec!["central.token".to_owned()]
    );
    let with_cred = remote.replacen("token = \"\"", "token_credential = \"kiosk-token\"", 1);
    let cfg = KioskConfig::parse(&with_cred, path).unwrap_or_else(|e| panic!("{e}"));
    let creds = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(cfg.token_in(None), Err(ConfigError::Credential(_))),
        "no credentials folder: a clear error, never the demo token"
    );
    assert!(matches!(
        cfg.token_in(Some(creds.path())),
        Err(ConfigError::Credential(_))
    ));
    std::fs::write(creds.path().join("kiosk-token"), "s3cret-token\n").unwrap_or_default();
    assert_eq!(
        cfg.token_in(Some(creds.path())).ok().as_deref(),
        Some("s3cret-token")
    );
    std::fs::write(creds.path().join("kiosk-token"), "two words\n").unwrap_or_default();
    assert!(matches!(
        cfg.token_in(Some(creds.path())),
        Err(ConfigError::BadToken(_))
    ));
    let bad_name = remote.replacen("token = \"\"", "token_credential = \"../x\"", 1);
    assert_eq!(
        keys_of(KioskConfig::parse(&bad_name, path)),
        vec!["central.token_credential".to_owned()]
    );
}

#[test]
fn the_packaged_template_names_only_the_missing_url() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/kiosk.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let err = KioskConfig::parse(&text, &path).err();
    let problems = err
        .as_ref()
        .map(|e| e.problems().to_vec())
        .unwrap_or_default();
    assert_eq!(problems.len(), 1, "{err:?}");
    assert_eq!(problems[0].key, "central.url");
    assert!(problems[0].reason.starts_with("missing"), "{problems:?}");
    let filled = edit::set_key(&text, &path, "central.url", "https://api.dost.gov.az")
        .unwrap_or_else(|e| panic!("{e}"));
    let cfg = KioskConfig::parse(&filled, &path).unwrap_or_else(|e| panic!("{e}"));
    assert!(!cfg.kiosk.demo);
    assert_eq!(cfg.central.mode, CentralMode::Remote);
    assert_eq!(cfg.card_reader.kind, DeviceKind::Serial);
    assert_eq!(cfg.printer.kind, PrinterKind::Usblp);
    assert_eq!(cfg.data_dir(), Path::new("/var/lib/dost-kiosk"));
}

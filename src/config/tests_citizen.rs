//! The configuration keys of the citizen flow: the status page template, the tap guard, the
//! idle warning and the kiosk's location.

use std::path::Path;

use super::KioskConfig;

const DEMO: &str = include_str!("../../config/kiosk.toml");

fn parse(text: &str) -> Result<KioskConfig, super::ConfigError> {
    KioskConfig::parse(text, Path::new("config/kiosk.toml"))
}

#[test]
fn the_demo_names_its_location_guard_and_status_page() {
    let cfg = parse(DEMO).unwrap_or_else(|e| panic!("{e}"));
    assert!(!cfg.kiosk.location.is_empty());
    assert_eq!(cfg.session.tap_guard_ms, 500);
    assert!(cfg.session.countdown_s >= 20);
    let policy = cfg.policy();
    assert_eq!(policy.tap_guard_ms, 500);
    assert_eq!(
        policy.countdown_ms,
        u64::from(cfg.session.countdown_s) * 1000
    );
    let link = cfg
        .central
        .status_url_template
        .resolve("http://127.0.0.1:9");
    assert_eq!(
        link.url("D017", "AB12"),
        "http://127.0.0.1:9/status/D017?code=AB12"
    );
}

#[test]
fn bad_values_are_refused_with_their_line() {
    let line_of = |needle: &str| {
        DEMO.lines()
            .position(|l| l.starts_with(needle))
            .map(|i| i + 1)
            .unwrap_or_else(|| panic!("{needle} not in the demo"))
    };
    for (from, to, key) in [
        (
            "countdown_s = 20",
            "countdown_s = 10",
            "session.countdown_s",
        ),
        (
            "tap_guard_ms = 500",
            "tap_guard_ms = 5000",
            "session.tap_guard_ms",
        ),
    ] {
        let err = parse(&DEMO.replacen(from, to, 1)).err();
        let problems = err
            .as_ref()
            .map(|e| e.problems().to_vec())
            .unwrap_or_default();
        assert!(
            problems
                .iter()
                .any(|p| p.key == key && p.line == Some(line_of(from))),
            "{key}: {err:?}"
        );
    }
    for bad in [
        "\"https://dost.gov.az/s/{number}\"",
        "\"http://status.dost.gov.az/{number}?c={code}\"",
        "\"{central}/status/{number}?code={code}&lang={lang}\"",
    ] {
        let text = DEMO.replacen("\"{central}/status/{number}?code={code}\"", bad, 1);
        let err = parse(&text)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("status_url_template"), "{bad}: {err}");
        assert!(
            err.contains(&format!("{}", line_of("status_url_template"))),
            "{bad}: the line is named: {err}"
        );
    }
}

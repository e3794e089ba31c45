//! The burn-in's `--timings` file (what the soak benchmark reads): one line per completed
//! session, in order, with the submit-to-durable time and the process's resident memory,
//! through the real core (demo configuration: simulated reader and printer, SQLite, the
//! embedded centre over HTTP).

mod common;

use dost_kiosk::kit::burnin::{self, BurnInArgs, InputMode};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timings_has_a_line_per_session_with_its_submit_time_and_memory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let timings = dir.path().join("timings.jsonl");
    let mut cfg = common::demo_config(dir.path());
    let args = BurnInArgs {
        sessions: 4,
        central: None,
        wait_sync: Some(20),
        step_timeout: 30,
        input: InputMode::Touch,
        speech_log: None,
        timings: Some(timings.clone()),
    };
    burnin::apply_overrides(&mut cfg, &args).expect("overrides");
    let mut out = Vec::new();
    let report = burnin::run(cfg, &args, &mut out).await.expect("burn-in");
    assert_eq!(report.completed, 4);
    let numbers = String::from_utf8(out).expect("utf-8");
    assert_eq!(numbers.lines().count(), 4);

    let text = std::fs::read_to_string(&timings).expect("timings file");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 4, "{text}");
    let mut last_t = 0.0;
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line["session"].as_u64(), Some(i as u64), "{line}");
        let submit = line["submit_ms"].as_f64().expect("submit_ms");
        assert!(submit > 0.0 && submit < 30_000.0, "{line}");
        let rss = line["rss_kb"].as_u64().expect("rss_kb");
        assert!(rss > 1_000, "{line}");
        let t = line["t_s"].as_f64().expect("t_s");
        assert!(t >= last_t, "{line}");
        last_t = t;
    }
}

//! The `dost-central` binary: port 0, first stdout line, SIGTERM shutdown, export.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::app;
use dost_api::{ItemOutcome, SubmitBatch, SubmitBatchResponse};

const BIN: &str = env!("CARGO_BIN_EXE_dost-central");

#[tokio::test]
async fn serve_then_export() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let catalog = dir.path().join("catalog.json");
    std::fs::write(&catalog, r#"{"services":[]}"#).unwrap();
    // Kiosk YAS01 has two tokens (one on the command line, one in the file: a rotation);
    // YAS02 one; the admin token comes from a file.
    let tokens = dir.path().join("tokens");
    std::fs::write(&tokens, "# kiosks\nYAS01=t2\n\nYAS02=t3\n").unwrap();
    let admin = dir.path().join("admin");
    std::fs::write(&admin, "adm-1\n").unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(&db)
        .args(["--timeline", "fast", "--kiosk-token", "YAS01=t1"])
        .arg("--tokens-file")
        .arg(&tokens)
        .arg("--admin-token-file")
        .arg(&admin)
        .arg("--catalog")
        .arg(&catalog)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let addr = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .to_owned();

    common::install_tls();
    let client = reqwest::Client::new();
    let resp: SubmitBatchResponse = client
        .post(format!("http://{addr}/v1/applications"))
        .bearer_auth("t2")
        .json(&SubmitBatch {
            applications: vec![app(1), app(2)],
        })
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        resp.results
            .iter()
            .all(|r| r.outcome == ItemOutcome::Accepted)
    );
    let catalog = client
        .get(format!("http://{addr}/v1/catalog"))
        .bearer_auth("t1")
        .send()
        .await
        .unwrap();
    assert_eq!(catalog.status(), 200);
    // YAS02's token cannot submit YAS01's applications.
    let forbidden = client
        .post(format!("http://{addr}/v1/applications"))
        .bearer_auth("t3")
        .json(&SubmitBatch {
            applications: vec![app(3)],
        })
        .send()
        .await
        .unwrap();
    assert_eq!(forbidden.status(), 403);
    // /admin takes the admin token only.
    for (token, status) in [(None, 401), (Some("t1"), 401), (Some("adm-1"), 200)] {
        let mut req = client.get(format!("http://{addr}/admin/faults"));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        assert_eq!(req.send().await.unwrap().status(), status, "{token:?}");
    }

    // SIGTERM: graceful exit with status 0.
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut waited = 0;
    let exit = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        waited += 1;
        assert!(waited < 100, "did not exit after SIGTERM");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(exit.success(), "{exit:?}");

    let out = Command::new(BIN)
        .args(["export", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["application_id"], "YAS01-261124-0002");

    // Bad arguments fail cleanly.
    let fails = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(["--db"])
            .arg(&db)
            .args(args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let err = fails(&["--listen", "0.0.0.0:0"]);
    assert!(err.contains("non-loopback"), "{err}");
    let err = fails(&["--listen", "0.0.0.0:0", "--kiosk-token", "K1=t1"]);
    assert!(err.contains("admin token"), "{err}");
    assert!(fails(&["--listen", "127.0.0.1:0", "--kiosk-token", "K1"]).contains("KIOSK_ID=TOKEN"));
    let err = fails(&[
        "--listen",
        "127.0.0.1:0",
        "--kiosk-token",
        "K1=t",
        "--kiosk-token",
        "K2=t",
    ]);
    assert!(err.contains("K1 and K2"), "{err}");
    let missing = dir.path().join("missing-tokens");
    let err = fails(&[
        "--listen",
        "127.0.0.1:0",
        "--tokens-file",
        missing.to_str().unwrap(),
    ]);
    assert!(err.contains("cannot read"), "{err}");
    let out = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--db"])
        .arg(&db)
        .args(["--fault", "error-rate=2"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let out = Command::new(BIN)
        .args(["export", "--db"])
        .arg(dir.path().join("missing.db"))
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use dost_api::{ApplicationSubmission, PROBLEM_JSON, Problem, SubmitBatch, SubmitBatchResponse};
use dost_central::{CentralConfig, CentralError, KioskToken, Timeline, spawn_local};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Token of kiosk [`KIOSK`] in [`cfg`].
pub const TOKEN: &str = "test-token";
/// The kiosk of [`app`].
pub const KIOSK: &str = "YAS01";
/// Token of a second kiosk, [`OTHER_KIOSK`].
pub const OTHER_TOKEN: &str = "other-token";
pub const OTHER_KIOSK: &str = "YAS02";
/// Admin token in [`cfg`].
pub const ADMIN: &str = "admin-token";

/// A centre with two kiosk tokens, an admin token and no automatic status steps.
pub fn cfg(dir: &Path) -> CentralConfig {
    let mut c = CentralConfig::new(db_in(dir));
    c.kiosk_tokens = vec![
        KioskToken::new(KIOSK, TOKEN).unwrap(),
        KioskToken::new(OTHER_KIOSK, OTHER_TOKEN).unwrap(),
    ];
    c.admin_token = Some(ADMIN.to_owned());
    c.timeline = Timeline::off();
    c
}

/// The workspace builds reqwest with rustls and no default crypto provider (the kiosk picks
/// ring): install it before building a client.
pub fn install_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

pub struct Central {
    pub addr: SocketAddr,
    pub shutdown: CancellationToken,
    pub task: JoinHandle<Result<(), CentralError>>,
    pub client: reqwest::Client,
}

impl Central {
    pub async fn start(cfg: CentralConfig) -> Self {
        let shutdown = CancellationToken::new();
        let (addr, task) = spawn_local(cfg, shutdown.clone()).await.unwrap();
        install_tls();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
            .unwrap();
        Self {
            addr,
            shutdown,
            task,
            client,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.client.get(self.url(path)).bearer_auth(TOKEN)
    }

    pub fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.client.post(self.url(path)).bearer_auth(TOKEN)
    }

    /// A request to an `/admin` route with the admin token.
    pub fn admin(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(ADMIN)
    }

    pub async fn submit(&self, apps: &[ApplicationSubmission]) -> SubmitBatchResponse {
        let resp = self
            .post("/v1/applications")
            .json(&SubmitBatch {
                applications: apps.to_vec(),
            })
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        resp.json().await.unwrap()
    }

    pub async fn stop(self) {
        self.shutdown.cancel();
        self.task.await.unwrap().unwrap();
    }
}

pub fn db_in(dir: &Path) -> PathBuf {
    dir.join("central.db")
}

pub fn app(n: u32) -> ApplicationSubmission {
    let mut answers = BTreeMap::new();
    answers.insert("phone".to_owned(), "+994501234567".to_owned());
    answers.insert("note".to_owned(), "Şəki, Ağdam küç. 5".to_owned());
    ApplicationSubmission {
        application_id: format!("YAS01-261124-{n:04}"),
        idempotency_key: format!("key-{n}"),
        kiosk_id: "YAS01".to_owned(),
        service_id: "pension-certificate".to_owned(),
        fin: "5AB12C7".to_owned(),
        document_number: "AA1234567".to_owned(),
        lang: "az".to_owned(),
        submitted_at: Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).unwrap(),
        answers,
    }
}

/// Checks that `resp` is a problem document with `status`.
pub async fn problem(resp: reqwest::Response, status: u16) -> Problem {
    assert_eq!(resp.status(), status);
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        PROBLEM_JSON
    );
    let p: Problem = resp.json().await.unwrap();
    assert_eq!(p.status, status);
    p
}

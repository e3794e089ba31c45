//! Talking to the central API: a small client and the outbox relay.
//!
//! The relay sends at least once; the idempotency key of each application makes the centre
//! record it exactly once. Failures back off with full jitter and honour `Retry-After`.
//! Every request has a timeout; bodies are size-limited and checked; nothing a server sends
//! can crash the kiosk.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use dost_api::{
    ApplicationList, ApplicationSubmission, Heartbeat, Problem, SubmitBatch, SubmitBatchResponse,
    VerifyRequest, VerifyResponse,
};
use serde::de::DeserializeOwned;
use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;

use crate::store::{Store, StoreError};

/// Largest response body the kiosk reads.
pub const MAX_BODY: usize = 1 << 20;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("the centre did not answer in time")]
    Timeout,
    #[error("cannot reach the centre: {0}")]
    Connect(#[source] reqwest::Error),
    #[error("the centre answered {status}{}", problem.as_ref().map(|p| format!(": {}", p.title)).unwrap_or_default())]
    Status {
        status: u16,
        problem: Option<Problem>,
        retry_after: Option<Duration>,
    },
    #[error("the centre sent a malformed answer: {0}")]
    Malformed(String),
    #[error("the centre's answer is larger than {MAX_BODY} bytes")]
    TooLarge,
    #[error("cannot build the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("a store task failed: {0}")]
    Join(String),
}

impl SyncError {
    fn from_reqwest(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            SyncError::Timeout
        } else {
            SyncError::Connect(e)
        }
    }

    /// The wait the server asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            SyncError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// HTTP client of the central API.
#[derive(Clone)]
pub struct CentralClient {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl std::fmt::Debug for CentralClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CentralClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl CentralClient {
    pub fn new(base: &str, token: &str, timeout: Duration) -> Result<Self, SyncError> {
        ensure_tls();
        let http = reqwest::Client::builder()
            .https_only(!is_loopback(base))
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("dost-kiosk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(SyncError::Client)?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}{}", self.base, dost_api::API_PREFIX, path)
    }

    async fn send<T: DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<T, SyncError> {
        let resp = req
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(SyncError::from_reqwest)?;
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(|s| Duration::from_secs(s.min(3600)));
        let body = read_limited(resp).await?;
        if !status.is_success() {
            return Err(SyncError::Status {
                status: status.as_u16(),
                problem: serde_json::from_slice(&body).ok(),
                retry_after,
            });
        }
        serde_json::from_slice(&body).map_err(|e| SyncError::Malformed(e.to_string()))
    }

    /// `POST /v1/applications`; checks the answer matches the batch item by item.
    pub async fn submit(&self, batch: &SubmitBatch) -> Result<SubmitBatchResponse, SyncError> {
        let req = self.http.post(self.url("/applications")).json(batch);
        let resp: SubmitBatchResponse = self.send(req).await?;
        check_batch_answer(&batch.applications, &resp)?;
        Ok(resp)
    }

    /// `POST /v1/citizens/verify`.
    pub async fn verify(
        &self,
        fin: &str,
        document_number: &str,
    ) -> Result<VerifyResponse, SyncError> {
        let body = VerifyRequest {
            fin: fin.to_owned(),
            document_number: document_number.to_owned(),
        };
        self.send(self.http.post(self.url("/citizens/verify")).json(&body))
            .await
    }

    /// `POST /v1/citizens/applications`: the FİN goes in the body, never in the URL.
    pub async fn applications_for(&self, fin: &str) -> Result<ApplicationList, SyncError> {
        let body = dost_api::ApplicationQuery {
            fin: fin.to_owned(),
        };
        let url = self.url(dost_api::CITIZEN_APPLICATIONS_PATH);
        self.send(self.http.post(url).json(&body)).await
    }

    /// `GET /v1/applications/{id}`.
    pub async fn application(&self, id: &str) -> Result<dost_api::ApplicationStatus, SyncError> {
        self.send(self.http.get(self.url(&format!("/applications/{id}"))))
            .await
    }

    /// A GET with `If-None-Match`: `None` when unchanged (304), else the body and its ETag.
    pub async fn get_if_changed(
        &self,
        path: &str,
        etag: Option<&str>,
    ) -> Result<Option<(serde_json::Value, Option<String>)>, SyncError> {
        let mut req = self.http.get(self.url(path)).bearer_auth(&self.token);
        if let Some(tag) = etag {
            req = req.header(reqwest::header::IF_NONE_MATCH, tag);
        }
        let resp = req.send().await.map_err(SyncError::from_reqwest)?;
        let status = resp.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        let tag = resp
            .headers()
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = read_limited(resp).await?;
        if !status.is_success() {
            return Err(SyncError::Status {
                status: status.as_u16(),
                problem: serde_json::from_slice(&body).ok(),
                retry_after: None,
            });
        }
        let value =
            serde_json::from_slice(&body).map_err(|e| SyncError::Malformed(e.to_string()))?;
        Ok(Some((value, tag)))
    }

    /// `POST /v1/ratings`.
    pub async fn ratings(
        &self,
        batch: &dost_api::RatingBatch,
    ) -> Result<dost_api::RatingBatchResponse, SyncError> {
        self.send(self.http.post(self.url("/ratings")).json(batch))
            .await
    }

    /// `POST /v1/kiosks/{id}/heartbeat`.
    pub async fn heartbeat(&self, hb: &Heartbeat) -> Result<(), SyncError> {
        let url = self.url(&format!("/kiosks/{}/heartbeat", hb.kiosk_id));
        let resp = self
            .http
            .post(url)
            .bearer_auth(&self.token)
            .json(hb)
            .send()
            .await
            .map_err(SyncError::from_reqwest)?;
        let status = resp.status();
        let body = read_limited(resp).await?;
        if status.is_success() {
            Ok(())
        } else {
            Err(SyncError::Status {
                status: status.as_u16(),
                problem: serde_json::from_slice(&body).ok(),
                retry_after: None,
            })
        }
    }
}

/// TLS through rustls with the ring provider (certificates from the system's store). Must run
/// before any HTTP client is built; running it again is harmless (the first provider stays).
pub fn ensure_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Plain HTTP is only allowed to this machine (the embedded or a test centre).
fn is_loopback(base: &str) -> bool {
    let rest = base
        .strip_prefix("http://")
        .or_else(|| base.strip_prefix("https://"))
        .unwrap_or(base);
    ["127.", "localhost", "[::1]"]
        .iter()
        .any(|p| rest.starts_with(p))
}

async fn read_limited(mut resp: reqwest::Response) -> Result<Vec<u8>, SyncError> {
    if resp.content_length().is_some_and(|n| n > MAX_BODY as u64) {
        return Err(SyncError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(SyncError::from_reqwest)? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(SyncError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The answer must have one result per application, in order, naming the same id and key.
pub fn check_batch_answer(
    sent: &[ApplicationSubmission],
    resp: &SubmitBatchResponse,
) -> Result<(), SyncError> {
    if sent.len() != resp.results.len() {
        return Err(SyncError::Malformed(format!(
            "{} results for {} applications",
            resp.results.len(),
            sent.len()
        )));
    }
    for (a, r) in sent.iter().zip(&resp.results) {
        if a.application_id != r.application_id || a.idempotency_key != r.idempotency_key {
            return Err(SyncError::Malformed(format!(
                "result for {} where {} was expected",
                r.application_id, a.application_id
            )));
        }
    }
    Ok(())
}

/// Full-jitter back-off: a random wait in `[0, min(cap, base · 2^attempt)]`.
pub fn full_jitter(attempt: u32, base: Duration, cap: Duration, unit: f64) -> Duration {
    let exp = base.saturating_mul(2u32.saturating_pow(attempt.min(30)));
    exp.min(cap).mul_f64(unit.clamp(0.0, 1.0))
}

/// The store, shared between the session loop, the relay and the printer.
pub type SharedStore = Arc<Mutex<Store>>;

/// Runs `f` on the store off the async threads.
pub async fn with_store<T, F>(store: &SharedStore, f: F) -> Result<T, SyncError>
where
    T: Send + 'static,
    F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
{
    let store = store.clone();
    tokio::task::spawn_blocking(move || {
        let mut guard = store
            .lock()
            .map_err(|_| StoreError::Integrity("store lock poisoned".into()))?;
        f(&mut guard)
    })
    .await
    .map_err(|e| SyncError::Join(e.to_string()))?
    .map_err(SyncError::Store)
}

/// What the relay reports.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncStatus {
    /// The last exchange with the centre worked.
    pub online: bool,
    pub last_error: Option<String>,
    /// Applications delivered since start.
    pub delivered: u64,
}

/// Settings of the relay.
#[derive(Debug, Clone, Copy)]
pub struct RelaySettings {
    pub batch_size: usize,
    pub retry_base: Duration,
    pub retry_cap: Duration,
    /// Look at the outbox at least this often even without a wake-up.
    pub idle_poll: Duration,
}

/// Drains the outbox until cancelled. `wake` is notified after each submission.
pub async fn run_relay(
    store: SharedStore,
    client: CentralClient,
    settings: RelaySettings,
    wake: Arc<Notify>,
    status: watch::Sender<SyncStatus>,
    cancel: CancellationToken,
) {
    let mut attempt: u32 = 0;
    loop {
        if cancel.is_cancelled() {
            return;
        }
        let limit = settings.batch_size;
        let batch = match with_store(&store, move |s| s.pending_batch(limit)).await {
            Ok(b) => b,
            Err(e) => {
                tracing::error!(error = %e, "cannot read the outbox");
                status.send_modify(|s| s.last_error = Some(e.to_string()));
                if sleep_or_cancel(settings.retry_cap, &cancel).await {
                    return;
                }
                continue;
            }
        };
        if batch.is_empty() {
            deliver_ratings(&store, &client).await;
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = wake.notified() => {}
                _ = tokio::time::sleep(settings.idle_poll) => {}
            }
            continue;
        }
        let ids: Vec<String> = batch.iter().map(|a| a.application_id.clone()).collect();
        let n = batch.len();
        let request = SubmitBatch {
            applications: batch,
        };
        let outcome = tokio::select! {
            _ = cancel.cancelled() => return,
            r = client.submit(&request) => r,
        };
        match outcome {
            Ok(resp) => {
                attempt = 0;
                let results = resp.results;
                match with_store(&store, move |s| s.record_results(&results)).await {
                    Ok(done) => {
                        tracing::info!(sent = n, recorded = done, "outbox batch delivered");
                        status.send_modify(|s| {
                            s.online = true;
                            s.last_error = None;
                            s.delivered += done as u64;
                        });
                    }
                    Err(e) => {
                        // Delivered but not recorded: the next attempt is replayed by the centre.
                        tracing::error!(error = %e, "cannot record delivery");
                        if sleep_or_cancel(settings.retry_base, &cancel).await {
                            return;
                        }
                    }
                }
            }
            Err(e) => {
                let wait = full_jitter(
                    attempt,
                    settings.retry_base,
                    settings.retry_cap,
                    rand::random(),
                );
                let wait = e.retry_after().map_or(wait, |ra| ra.max(wait));
                tracing::warn!(error = %e, batch = n, attempt, wait_ms = wait.as_millis() as u64, "outbox delivery failed; will retry");
                let msg = e.to_string();
                status.send_modify(|s| {
                    s.online = false;
                    s.last_error = Some(msg.clone());
                });
                let _ = with_store(&store, move |s| s.record_attempt_error(&ids, &msg)).await;
                attempt = attempt.saturating_add(1);
                if sleep_or_cancel(wait, &cancel).await {
                    return;
                }
            }
        }
    }
}

/// Sends the ratings waiting in the store (best effort: they are retried at the next pass).
async fn deliver_ratings(store: &SharedStore, client: &CentralClient) {
    let ratings = match with_store(store, |s| s.pending_ratings(dost_api::MAX_BATCH)).await {
        Ok(r) if !r.is_empty() => r,
        Ok(_) => return,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read ratings");
            return;
        }
    };
    let ids: Vec<String> = ratings.iter().map(|r| r.rating_id.clone()).collect();
    match client.ratings(&dost_api::RatingBatch { ratings }).await {
        Ok(resp) => {
            tracing::info!(
                accepted = resp.accepted,
                replayed = resp.replayed,
                "ratings delivered"
            );
            if let Err(e) = with_store(store, move |s| s.ratings_synced(&ids)).await {
                tracing::warn!(error = %e, "cannot record delivered ratings");
            }
        }
        Err(e) => tracing::debug!(error = %e, "ratings not delivered yet"),
    }
}

/// Sleeps; true when cancelled first.
async fn sleep_or_cancel(d: Duration, cancel: &CancellationToken) -> bool {
    tokio::select! {
        _ = cancel.cancelled() => true,
        _ = tokio::time::sleep(d) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_loopback() {
        assert!(is_loopback("http://127.0.0.1:8080"));
        assert!(is_loopback("http://localhost:1"));
        assert!(!is_loopback("http://10.0.0.1"));
        assert!(!is_loopback("https://api.dost.example"));
        assert!(
            CentralClient::new("https://api.dost.example", "t", Duration::from_secs(1)).is_ok()
        );
    }

    #[test]
    fn jitter_stays_in_bounds() {
        let base = Duration::from_millis(500);
        let cap = Duration::from_secs(60);
        assert_eq!(full_jitter(0, base, cap, 1.0), base);
        assert_eq!(full_jitter(3, base, cap, 1.0), Duration::from_secs(4));
        assert_eq!(full_jitter(20, base, cap, 1.0), cap);
        assert_eq!(full_jitter(u32::MAX, base, cap, 1.0), cap);
        assert_eq!(full_jitter(5, base, cap, 0.0), Duration::ZERO);
        assert_eq!(full_jitter(1, base, cap, 0.5), base);
        assert_eq!(full_jitter(1, base, cap, 7.0), Duration::from_secs(1));
    }

    #[test]
    fn batch_answers_must_match() {
        let app = |id: &str| ApplicationSubmission {
            application_id: id.into(),
            idempotency_key: format!("k-{id}"),
            kiosk_id: "K".into(),
            service_id: "s".into(),
            fin: "5ZX7K2P".into(),
            document_number: "AA1".into(),
            lang: "az".into(),
            submitted_at: chrono::Utc::now(),
            answers: Default::default(),
        };
        let res = |id: &str| dost_api::SubmitItemResult {
            application_id: id.into(),
            idempotency_key: format!("k-{id}"),
            outcome: dost_api::ItemOutcome::Accepted,
            received_at: None,
            problem: None,
        };
        let sent = vec![app("a"), app("b")];
        let ok = SubmitBatchResponse {
            results: vec![res("a"), res("b")],
        };
        assert!(check_batch_answer(&sent, &ok).is_ok());
        let short = SubmitBatchResponse {
            results: vec![res("a")],
        };
        assert!(matches!(
            check_batch_answer(&sent, &short),
            Err(SyncError::Malformed(_))
        ));
        let swapped = SubmitBatchResponse {
            results: vec![res("b"), res("a")],
        };
        assert!(check_batch_answer(&sent, &swapped).is_err());
    }
}

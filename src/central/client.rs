//! The central API's client.
//!
//! Every request has a timeout; bodies are size-limited and checked; nothing a server sends can
//! crash the kiosk. The address follows the one URL rule ([`kiosk_core::central_url`]): plain
//! HTTP only to this machine. Redirects are never followed, so citizens' data never goes to a
//! host the configuration does not name.

use std::time::Duration;

use dost_api::{
    ApplicationList, ApplicationStatus, Heartbeat, Problem, RatingBatch, RatingBatchResponse,
    SubmitBatch, SubmitBatchResponse, VerifyRequest, VerifyResponse,
};
use kiosk_core::card::CitizenKey;
use reqwest::Url;
use serde::de::DeserializeOwned;

/// Largest response body the kiosk reads.
pub const MAX_BODY: usize = 1 << 20;

#[derive(Debug, thiserror::Error)]
pub enum CentralError {
    #[error("the central API's address is refused: {0}")]
    Address(#[from] kiosk_core::central_url::UrlRefusal),
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
    #[error("the centre redirected to another address ({status}); redirects are not followed")]
    Redirect { status: u16 },
    #[error("the centre sent a malformed answer: {0}")]
    Malformed(String),
    #[error("the centre's answer is larger than {MAX_BODY} bytes")]
    TooLarge,
    #[error("cannot build the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
}

impl CentralError {
    fn from_reqwest(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            CentralError::Timeout
        } else {
            CentralError::Connect(e)
        }
    }

    /// The wait the server asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            CentralError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The centre answered with this HTTP status.
    pub fn status(&self) -> Option<u16> {
        match self {
            CentralError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// HTTP client of the central API.
#[derive(Clone)]
pub struct CentralClient {
    http: reqwest::Client,
    base: Url,
    token: String,
}

impl std::fmt::Debug for CentralClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CentralClient")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

impl CentralClient {
    pub fn new(base: &str, token: &str, timeout: Duration) -> Result<Self, CentralError> {
        let base = kiosk_core::central_url::check(base)?;
        let loopback = base
            .host()
            .is_some_and(|h| kiosk_core::central_url::is_loopback(&h));
        ensure_tls();
        let http = reqwest::Client::builder()
            .https_only(!loopback)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("dost-kiosk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(CentralError::Client)?;
        Ok(Self {
            http,
            base,
            token: token.to_owned(),
        })
    }

    /// The centre's address, as configured.
    pub fn base(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}{}", self.base(), dost_api::API_PREFIX, path)
    }

    /// Sends `req` with the token; the answer's status, headers and limited body.
    async fn exchange(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<(reqwest::StatusCode, reqwest::header::HeaderMap, Vec<u8>), CentralError> {
        let resp = req
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(CentralError::from_reqwest)?;
        let status = resp.status();
        if status.is_redirection() && status != reqwest::StatusCode::NOT_MODIFIED {
            tracing::warn!(
                status = status.as_u16(),
                "the centre redirected; not followed"
            );
            return Err(CentralError::Redirect {
                status: status.as_u16(),
            });
        }
        let headers = resp.headers().clone();
        let body = read_limited(resp).await?;
        Ok((status, headers, body))
    }

    async fn send<T: DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<T, CentralError> {
        let (status, headers, body) = self.exchange(req).await?;
        if !status.is_success() {
            return Err(status_error(status, &headers, &body));
        }
        serde_json::from_slice(&body).map_err(|e| CentralError::Malformed(e.to_string()))
    }

    /// `POST /v1/applications`; checks the answer matches the batch item by item.
    pub async fn submit(&self, batch: &SubmitBatch) -> Result<SubmitBatchResponse, CentralError> {
        let req = self.http.post(self.url("/applications")).json(batch);
        let resp: SubmitBatchResponse = self.send(req).await?;
        check_batch_answer(&batch.applications, &resp)?;
        Ok(resp)
    }

    /// `POST /v1/citizens/verify`.
    pub async fn verify(
        &self,
        citizen: &CitizenKey,
        document_number: &str,
    ) -> Result<VerifyResponse, CentralError> {
        self.verify_with_chip(citizen, document_number, None).await
    }

    /// `POST /v1/citizens/verify` with the chip's evidence, when the chip was read.
    pub async fn verify_with_chip(
        &self,
        citizen: &CitizenKey,
        document_number: &str,
        chip: Option<dost_api::ChipEvidence>,
    ) -> Result<VerifyResponse, CentralError> {
        let body = VerifyRequest {
            fin: citizen.expose().to_owned(),
            document_number: document_number.to_owned(),
            chip,
        };
        self.send(self.http.post(self.url("/citizens/verify")).json(&body))
            .await
    }

    /// `POST /v1/citizens/verify/challenge`: an Active Authentication challenge.
    pub async fn chip_challenge(&self) -> Result<dost_api::ChipChallenge, CentralError> {
        self.send(self.http.post(self.url(dost_api::CHALLENGE_PATH)))
            .await
    }

    /// The citizen's applications at the centre: `POST /v1/citizens/applications`, the FİN in
    /// the body, never in the URL.
    pub async fn applications_for(
        &self,
        citizen: &CitizenKey,
    ) -> Result<ApplicationList, CentralError> {
        let body = dost_api::ApplicationQuery {
            fin: citizen.expose().to_owned(),
        };
        let url = self.url(dost_api::CITIZEN_APPLICATIONS_PATH);
        self.send(self.http.post(url).json(&body)).await
    }

    /// `GET /v1/applications/{id}`.
    pub async fn application(&self, id: &str) -> Result<ApplicationStatus, CentralError> {
        self.send(self.http.get(self.url(&format!("/applications/{id}"))))
            .await
    }

    /// A GET with `If-None-Match`: `None` when unchanged (304), else the body and its ETag.
    pub async fn get_if_changed(
        &self,
        path: &str,
        etag: Option<&str>,
    ) -> Result<Option<(serde_json::Value, Option<String>)>, CentralError> {
        let mut req = self.http.get(self.url(path));
        if let Some(tag) = etag {
            req = req.header(reqwest::header::IF_NONE_MATCH, tag);
        }
        let (status, headers, body) = self.exchange(req).await?;
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        if !status.is_success() {
            return Err(status_error(status, &headers, &body));
        }
        let tag = headers
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let value =
            serde_json::from_slice(&body).map_err(|e| CentralError::Malformed(e.to_string()))?;
        Ok(Some((value, tag)))
    }

    /// `POST /v1/queue/tickets`; checks the answer is for this ticket.
    pub async fn issue_ticket(
        &self,
        ticket: &dost_api::TicketRequest,
    ) -> Result<dost_api::TicketResponse, CentralError> {
        let url = self.url(dost_api::QUEUE_TICKETS_PATH);
        let resp: dost_api::TicketResponse = self.send(self.http.post(url).json(ticket)).await?;
        if resp.ticket_id != ticket.ticket_id || resp.number.trim().is_empty() {
            return Err(CentralError::Malformed(
                "the ticket answer is for another ticket or has no number".into(),
            ));
        }
        if ticket
            .offline_number
            .as_ref()
            .is_some_and(|n| *n != resp.number)
        {
            return Err(CentralError::Malformed(
                "the centre did not keep the printed ticket number".into(),
            ));
        }
        Ok(resp)
    }

    /// `POST /v1/ratings`.
    pub async fn ratings(&self, batch: &RatingBatch) -> Result<RatingBatchResponse, CentralError> {
        self.send(self.http.post(self.url("/ratings")).json(batch))
            .await
    }

    /// `POST /v1/kiosks/{id}/heartbeat`.
    pub async fn heartbeat(&self, hb: &Heartbeat) -> Result<(), CentralError> {
        let url = self.url(&format!("/kiosks/{}/heartbeat", hb.kiosk_id));
        let (status, headers, body) = self.exchange(self.http.post(url).json(hb)).await?;
        if status.is_success() {
            Ok(())
        } else {
            Err(status_error(status, &headers, &body))
        }
    }
}

fn status_error(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &[u8],
) -> CentralError {
    let retry_after = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|s| Duration::from_secs(s.min(3600)));
    CentralError::Status {
        status: status.as_u16(),
        problem: serde_json::from_slice(body).ok(),
        retry_after,
    }
}

/// TLS through rustls with the ring provider (certificates from the system's store). Must run
/// before any HTTP client is built; running it again is harmless (the first provider stays).
pub fn ensure_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

async fn read_limited(mut resp: reqwest::Response) -> Result<Vec<u8>, CentralError> {
    if resp.content_length().is_some_and(|n| n > MAX_BODY as u64) {
        return Err(CentralError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(CentralError::from_reqwest)? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(CentralError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The answer must have one result per application, in order, naming the same id and key.
pub fn check_batch_answer(
    sent: &[dost_api::ApplicationSubmission],
    resp: &SubmitBatchResponse,
) -> Result<(), CentralError> {
    if sent.len() != resp.results.len() {
        return Err(CentralError::Malformed(format!(
            "{} results for {} applications",
            resp.results.len(),
            sent.len()
        )));
    }
    for (a, r) in sent.iter().zip(&resp.results) {
        if a.application_id != r.application_id || a.idempotency_key != r.idempotency_key {
            return Err(CentralError::Malformed(format!(
                "result for {} where {} was expected",
                r.application_id, a.application_id
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_follow_the_one_rule() {
        let client = |url: &str| CentralClient::new(url, "t", Duration::from_secs(1));
        assert!(client("https://api.dost.example").is_ok());
        assert!(client("http://127.0.0.1:8080").is_ok());
        for bad in [
            "http://10.0.0.1",
            "http://127.0.0.1:@evil.example/",
            "http://localhost:x@evil.example/",
        ] {
            assert!(
                matches!(client(bad), Err(CentralError::Address(_))),
                "{bad}"
            );
        }
        let c = client("http://127.0.0.1:9/").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.base(), "http://127.0.0.1:9");
        assert_eq!(c.url("/catalog"), "http://127.0.0.1:9/v1/catalog");
    }

    #[test]
    fn batch_answers_must_match() {
        let app = |id: &str| dost_api::ApplicationSubmission {
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
            Err(CentralError::Malformed(_))
        ));
        let swapped = SubmitBatchResponse {
            results: vec![res("b"), res("a")],
        };
        assert!(check_batch_answer(&sent, &swapped).is_err());
    }
}

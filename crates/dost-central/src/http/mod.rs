//! Routes, shared handler plumbing (problem documents, JSON bodies, ETags) and the router.
//!
//! The handlers live by route family: [`v1`] (what kiosks call), [`admin`] (the reference
//! server's extras), [`guard`] (bearer tokens) and [`faults`] (fault injection).

mod admin;
mod chip;
mod faults;
mod guard;
mod queue;
mod v1;

use std::sync::{Arc, RwLock};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post, put};
use dost_api::{PROBLEM_JSON, Problem};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use crate::auth::Auth;
use crate::config::{Faults, Timeline};
use crate::error::CentralError;
use crate::store::Store;

pub use admin::{AdminStateChange, RevokeRequest};
pub use queue::CitizenName;

/// Largest request body accepted (`POST /v1/applications`); smaller routes have smaller limits.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// Largest body of a heartbeat.
pub const MAX_HEARTBEAT_BYTES: usize = 64 * 1024;
/// Largest body of a ratings batch and of a kiosk configuration.
pub const MAX_MEDIUM_BODY_BYTES: usize = 256 * 1024;
/// Largest body of the small requests (verify, application query, admin changes).
pub const MAX_SMALL_BODY_BYTES: usize = 8 * 1024;
/// Largest body of `POST /v1/citizens/verify` (chip evidence: EF.SOD, DG1, DG14, DG15 and an
/// Active Authentication signature as hexadecimal).
pub const MAX_VERIFY_BODY_BYTES: usize = 128 * 1024;
/// Most applications returned by `POST /v1/citizens/applications`.
pub const MAX_LIST: usize = 1000;

/// Shared state of the handlers.
pub(crate) struct AppState {
    pub store: Arc<Store>,
    pub timeline: Timeline,
    pub auth: Auth,
    pub faults: RwLock<Faults>,
    /// Serialized catalog and its strong ETag.
    pub catalog: Option<(Bytes, String)>,
    /// CSCAs (and CRLs) chip evidence is checked against; `None`: not checked.
    pub chip_trust: Option<chip_reader::TrustStore>,
    /// Active Authentication challenges handed out and not yet used.
    pub challenges: crate::chip::ChallengeBook,
}

impl AppState {
    fn faults(&self) -> Faults {
        *self.faults.read().unwrap_or_else(|e| e.into_inner())
    }
}

type Shared = Arc<AppState>;

/// Cancelling this token makes the server drop the request's connection without answering
/// (inserted into every request by the accept loop).
#[derive(Clone)]
pub(crate) struct ConnKill(pub CancellationToken);

// ---------------------------------------------------------------------------------------------
// Errors as problem documents

/// A problem document response.
pub(crate) fn problem_response(p: Problem) -> Response {
    let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(&p).unwrap_or_else(|_| b"{}".to_vec());
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))],
        body,
    )
        .into_response()
}

pub(crate) enum ApiError {
    Problem(Problem),
    Internal(CentralError),
}

impl ApiError {
    fn new(status: u16, title: &str, detail: impl Into<Option<String>>) -> Self {
        Self::Problem(Problem::new(status, title, detail))
    }

    /// 422 with a detail.
    fn invalid(title: &str, detail: impl Into<Option<String>>) -> Self {
        Self::new(422, title, detail)
    }

    /// 403: the caller's token belongs to another kiosk.
    fn other_kiosk() -> Self {
        Self::new(
            403,
            "Forbidden",
            "this token belongs to another kiosk".to_owned(),
        )
    }
}

impl From<CentralError> for ApiError {
    fn from(e: CentralError) -> Self {
        Self::Internal(e)
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            Self::Problem(p) => problem_response(p),
            Self::Internal(e) => {
                tracing::error!(error = %error_chain(&e), "request failed");
                problem_response(Problem::new(500, "Internal server error", None))
            }
        }
    }
}

/// Runs a store operation on a blocking thread.
async fn db<T: Send + 'static>(
    st: &Shared,
    f: impl FnOnce(&Store) -> Result<T, CentralError> + Send + 'static,
) -> Result<T, ApiError> {
    let store = st.store.clone();
    let out = tokio::task::spawn_blocking(move || f(&store))
        .await
        .map_err(CentralError::from)?;
    Ok(out?)
}

/// JSON body extractor whose rejections are problem documents.
pub(crate) struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(ct) = req.headers().get(header::CONTENT_TYPE) {
            let ct = ct.to_str().unwrap_or("").to_ascii_lowercase();
            let essence = ct.split(';').next().unwrap_or("").trim();
            if essence != "application/json" && !essence.ends_with("+json") {
                return Err(ApiError::new(
                    415,
                    "Unsupported media type",
                    "send application/json".to_owned(),
                ));
            }
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            let status = e.status();
            let title = if status == StatusCode::PAYLOAD_TOO_LARGE {
                "Request body too large"
            } else {
                "Cannot read request body"
            };
            ApiError::new(status.as_u16(), title, e.body_text())
        })?;
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|e| {
            use serde_json::error::Category;
            let status = match e.classify() {
                Category::Data => 422,
                _ => 400,
            };
            ApiError::new(status, "Malformed JSON body", e.to_string())
        })
    }
}

// ---------------------------------------------------------------------------------------------
// ETags

/// True when `If-None-Match` matches `etag` (weak comparison, RFC 9110 §13.1.2).
fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    let Some(v) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    v.trim() == "*" || v.split(',').any(|t| strip(t) == strip(etag))
}

/// A strong ETag: the first 128 bits of the body's SHA-256, in hex.
fn etag_for(bytes: &[u8]) -> String {
    format!("\"{}\"", hex::encode(&Sha256::digest(bytes)[..16]))
}

pub(crate) fn catalog_entry(v: &serde_json::Value) -> Result<(Bytes, String), CentralError> {
    let bytes = serde_json::to_vec(v)?;
    let etag = etag_for(&bytes);
    Ok((Bytes::from(bytes), etag))
}

fn json_with_etag(headers: &HeaderMap, body: Bytes, etag: &str) -> Response {
    let etag_value = HeaderValue::from_str(etag).unwrap_or(HeaderValue::from_static("\"0\""));
    let cache = HeaderValue::from_static("no-cache");
    if etag_matches(headers, etag) {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag_value), (header::CACHE_CONTROL, cache)],
        )
            .into_response();
    }
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::ETAG, etag_value),
            (header::CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------------
// Router

/// `route` with a body limit of `max` bytes.
fn limited(route: MethodRouter<Shared>, max: usize) -> MethodRouter<Shared> {
    route.layer(DefaultBodyLimit::max(max))
}

pub(crate) fn router(st: Shared) -> Router {
    let v1 = Router::new()
        .route("/applications", limited(post(v1::submit), MAX_BODY_BYTES))
        .route("/applications/{id}", get(v1::application_status))
        .route(
            dost_api::CITIZEN_APPLICATIONS_PATH,
            limited(post(v1::citizen_applications), MAX_SMALL_BODY_BYTES),
        )
        .route(
            "/citizens/verify",
            limited(post(v1::verify), MAX_VERIFY_BODY_BYTES),
        )
        .route(
            dost_api::CHALLENGE_PATH,
            limited(post(chip::challenge), MAX_SMALL_BODY_BYTES),
        )
        .route("/catalog", get(v1::catalog))
        .route("/kiosks/{id}/config", get(v1::kiosk_config))
        .route(
            "/kiosks/{id}/heartbeat",
            limited(post(v1::heartbeat), MAX_HEARTBEAT_BYTES),
        )
        .route(
            "/ratings",
            limited(post(v1::ratings), MAX_MEDIUM_BODY_BYTES),
        )
        .route(
            dost_api::QUEUE_TICKETS_PATH,
            limited(post(queue::issue_ticket), MAX_SMALL_BODY_BYTES),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            st.clone(),
            guard::require_kiosk,
        ))
        .layer(middleware::from_fn_with_state(
            st.clone(),
            faults::inject_faults,
        ));
    let admin = Router::new()
        .route(
            "/applications/{id}/state",
            limited(post(admin::set_state), MAX_SMALL_BODY_BYTES),
        )
        .route(
            "/revoked",
            limited(post(admin::revoke), MAX_SMALL_BODY_BYTES),
        )
        .route(
            "/citizens",
            limited(post(queue::put_citizen), MAX_SMALL_BODY_BYTES),
        )
        .route(
            "/kiosks/{id}/config",
            limited(put(admin::put_config), MAX_MEDIUM_BODY_BYTES).get(admin::get_config),
        )
        .route("/kiosks/{id}/heartbeat", get(admin::heartbeat))
        .route("/ratings", get(admin::ratings))
        .route(
            "/faults",
            limited(put(admin::put_faults), MAX_SMALL_BODY_BYTES).get(admin::get_faults),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            st.clone(),
            guard::require_admin,
        ));
    Router::new()
        .nest(dost_api::API_PREFIX, v1)
        .nest("/admin", admin)
        .route("/healthz", get(|| async { StatusCode::NO_CONTENT }))
        // Public: what a citizen's phone opens from the QR code (no token, no personal data).
        .route(
            &format!("{}/{{number}}", dost_api::STATUS_PAGE_PATH),
            get(queue::status_page),
        )
        .route(
            &format!("{}/", dost_api::STATUS_PAGE_PATH),
            get(queue::status_page_without_number),
        )
        .route(
            dost_api::STATUS_PAGE_PATH,
            get(queue::status_page_without_number),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(log_request))
        .with_state(st)
}

async fn not_found() -> Response {
    problem_response(Problem::new(404, "Not found", None))
}

async fn method_not_allowed() -> Response {
    problem_response(Problem::new(405, "Method not allowed", None))
}

/// Logs method, path (never the query), status and duration.
async fn log_request(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let started = Instant::now();
    let resp = next.run(req).await;
    tracing::debug!(
        %method,
        %path,
        status = resp.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match() {
        let etag = "\"abc\"";
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::IF_NONE_MATCH, HeaderValue::from_str(v).unwrap());
            m
        };
        assert!(etag_matches(&h("\"abc\""), etag));
        assert!(etag_matches(&h("W/\"abc\""), etag));
        assert!(etag_matches(&h("\"x\", \"abc\""), etag));
        assert!(etag_matches(&h("*"), etag));
        assert!(!etag_matches(&h("\"abcd\""), etag));
        assert!(!etag_matches(&HeaderMap::new(), etag));
    }

    /// SHA-256("abc") from FIPS 180-2, first 16 bytes.
    #[test]
    fn etag_is_a_sha256_prefix() {
        assert_eq!(etag_for(b"abc"), "\"ba7816bf8f01cfea414140de5dae2223\"");
    }
}

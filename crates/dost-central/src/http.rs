//! Routes, handlers and middleware.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::Json;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use dost_api::{
    ApplicationList, ApplicationState, Heartbeat, ItemOutcome, MAX_BATCH, PROBLEM_JSON, Problem,
    SubmitBatch, SubmitBatchResponse, VerifyRequest, VerifyResponse,
};
use rand::Rng;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use crate::config::{Faults, Timeline};
use crate::error::CentralError;
use crate::status::compute_status;
use crate::store::Store;
use crate::validate::{check_path_id, fin_is_valid, mask_fin};

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// Most applications returned by `GET /v1/applications?fin=`.
pub const MAX_LIST: usize = 1000;

/// Shared state of the handlers.
pub(crate) struct AppState {
    pub store: Arc<Store>,
    pub timeline: Timeline,
    pub tokens: Vec<String>,
    pub faults: RwLock<Faults>,
    /// Serialized catalog and its strong ETag.
    pub catalog: Option<(Bytes, String)>,
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

/// Body of `POST /admin/applications/{id}/state`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminStateChange {
    pub state: ApplicationState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Body of `POST /admin/revoked`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeRequest {
    pub document_number: String,
}

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
// Router

pub(crate) fn router(st: Shared) -> Router {
    let v1 = Router::new()
        .route("/applications", post(submit).get(list_by_fin))
        .route("/applications/{id}", get(application_status))
        .route("/citizens/verify", post(verify))
        .route("/catalog", get(catalog))
        .route("/kiosks/{id}/config", get(kiosk_config))
        .route("/kiosks/{id}/heartbeat", post(heartbeat))
        .route("/ratings", post(ratings))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(st.clone(), require_bearer))
        .layer(middleware::from_fn_with_state(st.clone(), inject_faults));
    let admin = Router::new()
        .route("/applications/{id}/state", post(admin_set_state))
        .route("/revoked", post(admin_revoke))
        .route(
            "/kiosks/{id}/config",
            axum::routing::put(admin_put_config).get(kiosk_config),
        )
        .route("/kiosks/{id}/heartbeat", get(admin_heartbeat))
        .route("/ratings", get(admin_ratings))
        .route("/faults", get(admin_get_faults).put(admin_put_faults))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed);
    Router::new()
        .nest(dost_api::API_PREFIX, v1)
        .nest("/admin", admin)
        .route("/healthz", get(|| async { StatusCode::NO_CONTENT }))
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

/// Logs method, path (never the query: it may hold a FİN), status and duration.
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

// ---------------------------------------------------------------------------------------------
// Middleware: bearer token, fault injection

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

async fn require_bearer(State(st): State<Shared>, req: Request, next: Next) -> Response {
    let ok = bearer(req.headers()).is_some_and(|t| {
        st.tokens.is_empty()
            || st
                .tokens
                .iter()
                .any(|a| constant_time_eq(a.as_bytes(), t.as_bytes()))
    });
    if !ok {
        let mut resp = problem_response(Problem::new(
            401,
            "Unauthorized",
            "a valid bearer token is required".to_owned(),
        ));
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"dost-central\""),
        );
        return resp;
    }
    next.run(req).await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    Pass,
    Error { after: bool, status: u16 },
    Drop { after: bool },
    Garbage,
}

fn plan_fault(f: &Faults) -> Fault {
    let mut rng = rand::rng();
    if f.error_rate > 0.0 && rng.random_bool(f.error_rate.clamp(0.0, 1.0)) {
        let status = if rng.random_bool(0.5) { 503 } else { 500 };
        return Fault::Error {
            after: rng.random_bool(0.5),
            status,
        };
    }
    if f.drop_rate > 0.0 && rng.random_bool(f.drop_rate.clamp(0.0, 1.0)) {
        return Fault::Drop {
            after: rng.random_bool(0.5),
        };
    }
    if f.garbage_rate > 0.0 && rng.random_bool(f.garbage_rate.clamp(0.0, 1.0)) {
        return Fault::Garbage;
    }
    Fault::Pass
}

async fn inject_faults(State(st): State<Shared>, req: Request, next: Next) -> Response {
    let faults = st.faults();
    if faults.is_none() {
        return next.run(req).await;
    }
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    let fault = plan_fault(&faults);
    if fault == Fault::Pass {
        return next.run(req).await;
    }
    let path = req.uri().path().to_owned();
    tracing::debug!(%path, ?fault, "injecting fault");
    let kill = req.extensions().get::<ConnKill>().cloned();
    match fault {
        Fault::Pass => next.run(req).await,
        Fault::Error { after, status } => {
            if after {
                drop(next.run(req).await);
            }
            let title = if status == 503 {
                "Service unavailable (injected)"
            } else {
                "Internal server error (injected)"
            };
            let mut resp = problem_response(Problem::new(status, title, None));
            if status == 503 {
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            resp
        }
        Fault::Drop { after } => {
            if after {
                drop(next.run(req).await);
            }
            match kill {
                Some(ConnKill(token)) => {
                    token.cancel();
                    // The connection task drops the connection (and this future) now.
                    std::future::pending::<Response>().await
                }
                None => problem_response(Problem::new(
                    503,
                    "Service unavailable (injected drop)",
                    None,
                )),
            }
        }
        Fault::Garbage => {
            let resp = next.run(req).await;
            let body = axum::body::to_bytes(resp.into_body(), MAX_BODY_BYTES * 4)
                .await
                .unwrap_or_default();
            let mut garbage = body[..body.len() / 2].to_vec();
            // A raw NUL is never valid JSON, so the body cannot parse whatever was cut.
            garbage.extend_from_slice(b"\0\xff<garbage");
            (
                StatusCode::OK,
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                Body::from(garbage),
            )
                .into_response()
        }
    }
}

// ---------------------------------------------------------------------------------------------
// /v1 handlers

async fn submit(
    State(st): State<Shared>,
    headers: HeaderMap,
    JsonBody(batch): JsonBody<SubmitBatch>,
) -> Result<Json<SubmitBatchResponse>, ApiError> {
    if batch.applications.len() > MAX_BATCH {
        return Err(ApiError::new(
            413,
            "Batch too large",
            format!("at most {MAX_BATCH} applications per request"),
        ));
    }
    if let Some(key) = headers.get("idempotency-key") {
        let key = key.to_str().unwrap_or("");
        match batch.applications.as_slice() {
            [only] if only.idempotency_key == key => {}
            [_] => {
                return Err(ApiError::new(
                    422,
                    "Idempotency-Key mismatch",
                    "the Idempotency-Key header differs from the body's idempotency_key".to_owned(),
                ));
            }
            _ => {
                return Err(ApiError::new(
                    422,
                    "Idempotency-Key needs a single application",
                    "the Idempotency-Key header is only allowed with a batch of one".to_owned(),
                ));
            }
        }
    }
    let items = batch.applications;
    let n = items.len();
    let results = db(&st, move |s| s.submit_batch(&items, Utc::now())).await?;
    let count = |o| results.iter().filter(|r| r.outcome == o).count();
    // Per-request logs are debug: a process whose stderr nobody reads must not block on it.
    tracing::debug!(
        items = n,
        accepted = count(ItemOutcome::Accepted),
        replayed = count(ItemOutcome::Replayed),
        conflict = count(ItemOutcome::Conflict),
        invalid = count(ItemOutcome::Invalid),
        "batch stored"
    );
    Ok(Json(SubmitBatchResponse { results }))
}

async fn application_status(
    State(st): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let found = db(&st, move |s| s.get(&id)).await?;
    let Some((app, overrides)) = found else {
        return Err(ApiError::new(404, "Unknown application", None));
    };
    Ok(Json(compute_status(&app, &overrides, &st.timeline, Utc::now())).into_response())
}

#[derive(Deserialize)]
struct ListQuery {
    fin: Option<String>,
}

async fn list_by_fin(
    State(st): State<Shared>,
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ApplicationList>, ApiError> {
    let Query(q) = q.map_err(|e| ApiError::new(400, "Malformed query", e.body_text()))?;
    let Some(fin) = q.fin else {
        return Err(ApiError::new(
            400,
            "Missing fin",
            "query parameter fin is required".to_owned(),
        ));
    };
    if !fin_is_valid(&fin) {
        return Err(ApiError::new(422, "Malformed FİN", None));
    }
    tracing::debug!(fin = %mask_fin(&fin), "list applications");
    let rows = db(&st, move |s| s.list_by_fin(&fin, MAX_LIST)).await?;
    let now = Utc::now();
    Ok(Json(ApplicationList {
        applications: rows
            .iter()
            .map(|(a, o)| compute_status(a, o, &st.timeline, now))
            .collect(),
    }))
}

async fn verify(
    State(st): State<Shared>,
    JsonBody(req): JsonBody<VerifyRequest>,
) -> Result<Json<VerifyResponse>, ApiError> {
    let doc_ok = !req.document_number.is_empty()
        && req.document_number.len() <= crate::validate::MAX_DOCUMENT_LEN
        && req
            .document_number
            .bytes()
            .all(|b| b.is_ascii_alphanumeric());
    if !fin_is_valid(&req.fin) || !doc_ok {
        return Ok(Json(VerifyResponse {
            valid: false,
            reason: Some(dost_api::verify_reason::MALFORMED.into()),
        }));
    }
    let doc = req.document_number;
    let revoked = db(&st, move |s| s.is_revoked(&doc)).await?;
    tracing::debug!(fin = %mask_fin(&req.fin), revoked, "verify");
    Ok(Json(VerifyResponse {
        valid: !revoked,
        reason: revoked.then(|| dost_api::verify_reason::REVOKED.into()),
    }))
}

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

fn etag_for(bytes: &[u8]) -> String {
    format!("\"{}\"", &crate::sha256::hex(bytes)[..32])
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

async fn catalog(State(st): State<Shared>, headers: HeaderMap) -> Response {
    match &st.catalog {
        None => problem_response(Problem::new(404, "No catalog configured", None)),
        Some((body, etag)) => json_with_etag(&headers, body.clone(), etag),
    }
}

async fn kiosk_config(
    State(st): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let found = db(&st, move |s| s.kiosk_config(&id)).await?;
    match found {
        None => Err(ApiError::new(404, "No configuration for this kiosk", None)),
        Some((json, etag)) => Ok(json_with_etag(&headers, Bytes::from(json), &etag)),
    }
}

async fn heartbeat(
    State(st): State<Shared>,
    Path(id): Path<String>,
    JsonBody(hb): JsonBody<Heartbeat>,
) -> Result<StatusCode, ApiError> {
    check_path_id("kiosk id", &id).map_err(|d| ApiError::new(422, "Invalid kiosk id", d))?;
    if hb.kiosk_id != id {
        return Err(ApiError::new(
            422,
            "Kiosk id mismatch",
            "kiosk_id in the body differs from the path".to_owned(),
        ));
    }
    tracing::debug!(
        kiosk = %id,
        outbox = hb.outbox_depth,
        held_receipts = hb.held_receipts,
        devices = hb.devices.len(),
        "heartbeat"
    );
    let json = serde_json::to_string(&hb).map_err(CentralError::from)?;
    db(&st, move |s| s.put_heartbeat(&id, &json, Utc::now())).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn ratings(
    State(st): State<Shared>,
    JsonBody(batch): JsonBody<dost_api::RatingBatch>,
) -> Result<Json<dost_api::RatingBatchResponse>, ApiError> {
    if batch.ratings.len() > dost_api::MAX_BATCH {
        return Err(ApiError::new(413, "Batch too large", None));
    }
    if let Some(bad) = batch.ratings.iter().find(|r| {
        !(1..=5).contains(&r.score)
            || r.rating_id.is_empty()
            || r.rating_id.len() > 64
            || r.kiosk_id.is_empty()
            || r.lang.len() > 8
            || r.service_id.as_ref().is_some_and(|s| s.len() > 128)
    }) {
        return Err(ApiError::new(
            422,
            "Invalid rating",
            format!("rating {} is malformed (score 1 to 5)", bad.rating_id),
        ));
    }
    let n = batch.ratings.len();
    let (accepted, replayed) = db(&st, move |s| s.put_ratings(&batch.ratings, Utc::now())).await?;
    tracing::debug!(ratings = n, accepted, "ratings");
    Ok(Json(dost_api::RatingBatchResponse { accepted, replayed }))
}

// ---------------------------------------------------------------------------------------------
// /admin handlers (no authentication: the reference server is a development tool)

async fn admin_set_state(
    State(st): State<Shared>,
    Path(id): Path<String>,
    JsonBody(change): JsonBody<AdminStateChange>,
) -> Result<Response, ApiError> {
    if change.note.as_ref().is_some_and(|n| n.len() > 1024) {
        return Err(ApiError::new(
            422,
            "Note too long",
            "at most 1024 bytes".to_owned(),
        ));
    }
    let now = Utc::now();
    let key = id.clone();
    let found = db(&st, move |s| {
        if !s.add_override(&key, change.state, change.note.as_deref(), now)? {
            return Ok(None);
        }
        s.get(&key)
    })
    .await?;
    let Some((app, overrides)) = found else {
        return Err(ApiError::new(404, "Unknown application", None));
    };
    tracing::info!(application = %id, state = ?overrides.last().map(|o| o.state), "state set by hand");
    Ok(Json(compute_status(&app, &overrides, &st.timeline, Utc::now())).into_response())
}

async fn admin_revoke(
    State(st): State<Shared>,
    JsonBody(req): JsonBody<RevokeRequest>,
) -> Result<StatusCode, ApiError> {
    if req.document_number.is_empty() {
        return Err(ApiError::new(422, "Empty document number", None));
    }
    db(&st, move |s| s.revoke(&req.document_number, Utc::now())).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn admin_put_config(
    State(st): State<Shared>,
    Path(id): Path<String>,
    JsonBody(config): JsonBody<serde_json::Value>,
) -> Result<Response, ApiError> {
    check_path_id("kiosk id", &id).map_err(|d| ApiError::new(422, "Invalid kiosk id", d))?;
    let (bytes, etag) = catalog_entry(&config)?;
    let json = String::from_utf8_lossy(&bytes).into_owned();
    let tag = etag.clone();
    db(&st, move |s| {
        s.put_kiosk_config(&id, &json, &tag, Utc::now())
    })
    .await?;
    let etag = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\""));
    Ok((StatusCode::NO_CONTENT, [(header::ETAG, etag)]).into_response())
}

/// Ratings per score, `{"1": n, ..., "5": n}`.
async fn admin_ratings(State(st): State<Shared>) -> Result<Json<serde_json::Value>, ApiError> {
    let counts = db(&st, |s| s.rating_counts()).await?;
    let mut map = serde_json::Map::new();
    for (i, n) in counts.iter().enumerate() {
        map.insert((i + 1).to_string(), serde_json::Value::from(*n));
    }
    Ok(Json(serde_json::Value::Object(map)))
}

async fn admin_heartbeat(
    State(st): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let found = db(&st, move |s| s.heartbeat(&id)).await?;
    match found {
        None => Err(ApiError::new(404, "No heartbeat from this kiosk", None)),
        Some((json, at)) => {
            let mut resp = (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                json,
            )
                .into_response();
            if let Ok(v) =
                HeaderValue::from_str(&at.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
            {
                resp.headers_mut().insert(header::LAST_MODIFIED, v);
            }
            Ok(resp)
        }
    }
}

async fn admin_get_faults(State(st): State<Shared>) -> Json<Faults> {
    Json(st.faults())
}

async fn admin_put_faults(
    State(st): State<Shared>,
    JsonBody(f): JsonBody<Faults>,
) -> Result<Json<Faults>, ApiError> {
    f.validate()
        .map_err(|e| ApiError::new(422, "Invalid faults", e.to_string()))?;
    *st.faults.write().unwrap_or_else(|e| e.into_inner()) = f;
    tracing::info!(faults = %f, "faults changed");
    Ok(Json(f))
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

    #[test]
    fn bearer_parsing() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::AUTHORIZATION, HeaderValue::from_str(v).unwrap());
            m
        };
        assert_eq!(bearer(&h("Bearer abc")), Some("abc"));
        assert_eq!(bearer(&h("bearer  abc ")), Some("abc"));
        assert_eq!(bearer(&h("Bearer ")), None);
        assert_eq!(bearer(&h("Basic abc")), None);
        assert_eq!(bearer(&HeaderMap::new()), None);
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[test]
    fn fault_plans() {
        let all = |f: Faults| (0..200).map(|_| plan_fault(&f)).collect::<Vec<_>>();
        assert!(all(Faults::default()).iter().all(|p| *p == Fault::Pass));
        let errors = all(Faults {
            error_rate: 1.0,
            ..Faults::default()
        });
        assert!(errors.iter().all(|p| matches!(p, Fault::Error { .. })));
        assert!(errors.contains(&Fault::Error {
            after: true,
            status: 503
        }));
        assert!(errors.contains(&Fault::Error {
            after: false,
            status: 500
        }));
        let drops = all(Faults {
            drop_rate: 1.0,
            ..Faults::default()
        });
        assert!(drops.contains(&Fault::Drop { after: true }));
        assert!(drops.contains(&Fault::Drop { after: false }));
    }
}

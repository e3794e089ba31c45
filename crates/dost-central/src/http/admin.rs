//! `/admin` handlers (reference server only), behind [`super::guard::require_admin`].

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use dost_api::ApplicationState;
use serde::{Deserialize, Serialize};

use super::v1::stored_config;
use super::{ApiError, JsonBody, Shared, catalog_entry, db};
use crate::config::Faults;
use crate::status::compute_status;
use crate::validate::{MAX_NOTE_CHARS, check_id, check_path_id, document_is_valid};

/// Body of `POST /admin/applications/{id}/state`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminStateChange {
    pub state: ApplicationState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// For `rejected`: the reason code ([`crate::reasons`]); the automatic reason otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Body of `POST /admin/revoked`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeRequest {
    pub document_number: String,
}

/// `POST /admin/applications/{id}/state`: a state set by hand ends the automatic steps.
pub(super) async fn set_state(
    State(st): State<Shared>,
    Path(id): Path<String>,
    JsonBody(change): JsonBody<AdminStateChange>,
) -> Result<Response, ApiError> {
    if change
        .note
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
    {
        return Err(ApiError::invalid(
            "Note too long",
            format!("at most {MAX_NOTE_CHARS} characters"),
        ));
    }
    if let Some(code) = &change.reason
        && !crate::reasons::is_known(code)
    {
        let known: Vec<&str> = crate::reasons::codes().collect();
        return Err(ApiError::invalid(
            "Unknown reason",
            format!("reason must be one of: {}", known.join(", ")),
        ));
    }
    let unknown = || ApiError::new(404, "Unknown application", None);
    if check_id(&id).is_err() {
        return Err(unknown());
    }
    let now = Utc::now();
    let key = id.clone();
    let found = db(&st, move |s| {
        let (note, reason) = (change.note.as_deref(), change.reason.as_deref());
        if !s.add_override(&key, change.state, note, reason, now)? {
            return Ok(None);
        }
        s.get(&key)
    })
    .await?;
    let Some((app, overrides)) = found else {
        return Err(unknown());
    };
    tracing::info!(application = %id, state = ?overrides.last().map(|o| o.state), "state set by hand");
    Ok(Json(compute_status(&app, &overrides, &st.timeline, Utc::now())).into_response())
}

/// `POST /admin/revoked`.
pub(super) async fn revoke(
    State(st): State<Shared>,
    JsonBody(req): JsonBody<RevokeRequest>,
) -> Result<StatusCode, ApiError> {
    if !document_is_valid(&req.document_number) {
        return Err(ApiError::invalid(
            "Malformed document number",
            "1 to 32 ASCII letters and digits".to_owned(),
        ));
    }
    db(&st, move |s| s.revoke(&req.document_number, Utc::now())).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /admin/kiosks/{id}/config`: a JSON object; the answer carries its new ETag.
pub(super) async fn put_config(
    State(st): State<Shared>,
    Path(id): Path<String>,
    JsonBody(config): JsonBody<serde_json::Value>,
) -> Result<Response, ApiError> {
    check_path_id("kiosk id", &id).map_err(|d| ApiError::invalid("Invalid kiosk id", d))?;
    if !config.is_object() {
        return Err(ApiError::invalid(
            "Configuration is not an object",
            "send a JSON object".to_owned(),
        ));
    }
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

/// `GET /admin/kiosks/{id}/config`.
pub(super) async fn get_config(
    State(st): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    stored_config(&st, id, &headers).await
}

/// `GET /admin/ratings`: ratings per score, `{"1": n, ..., "5": n}`.
pub(super) async fn ratings(State(st): State<Shared>) -> Result<Json<serde_json::Value>, ApiError> {
    let counts = db(&st, |s| s.rating_counts()).await?;
    let mut map = serde_json::Map::new();
    for (i, n) in counts.iter().enumerate() {
        map.insert((i + 1).to_string(), serde_json::Value::from(*n));
    }
    Ok(Json(serde_json::Value::Object(map)))
}

/// `GET /admin/kiosks/{id}/heartbeat`: the last one, `Last-Modified` when it arrived.
pub(super) async fn heartbeat(
    State(st): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let none = || ApiError::new(404, "No heartbeat from this kiosk", None);
    if check_id(&id).is_err() {
        return Err(none());
    }
    let Some((json, at)) = db(&st, move |s| s.heartbeat(&id)).await? else {
        return Err(none());
    };
    let mut resp = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        json,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()) {
        resp.headers_mut().insert(header::LAST_MODIFIED, v);
    }
    Ok(resp)
}

/// `GET /admin/faults`.
pub(super) async fn get_faults(State(st): State<Shared>) -> Json<Faults> {
    Json(st.faults())
}

/// `PUT /admin/faults`.
pub(super) async fn put_faults(
    State(st): State<Shared>,
    JsonBody(f): JsonBody<Faults>,
) -> Result<Json<Faults>, ApiError> {
    f.validate()
        .map_err(|e| ApiError::invalid("Invalid faults", e.to_string()))?;
    *st.faults.write().unwrap_or_else(|e| e.into_inner()) = f;
    tracing::info!(faults = %f, "faults changed");
    Ok(Json(f))
}

//! `/v1` handlers: what kiosks call. Every route runs behind [`super::guard::require_kiosk`],
//! which leaves the [`Caller`] in the request's extensions.

use axum::Extension;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use dost_api::{
    ApplicationList, ApplicationQuery, Heartbeat, ItemOutcome, MAX_BATCH, RatingBatch,
    RatingBatchResponse, SubmitBatch, SubmitBatchResponse, VerifyRequest, VerifyResponse,
};

use super::{ApiError, JsonBody, MAX_LIST, Shared, db, json_with_etag};
use crate::auth::Caller;
use crate::error::CentralError;
use crate::status::compute_status;
use crate::validate::{
    check_id, check_path_id, document_is_valid, fin_is_valid, mask_fin, validate_heartbeat,
    validate_rating,
};

fn batch_too_large() -> ApiError {
    ApiError::new(
        413,
        "Batch too large",
        format!("at most {MAX_BATCH} items per request"),
    )
}

/// `POST /v1/applications`: one result per application, in order.
pub(super) async fn submit(
    State(st): State<Shared>,
    Extension(caller): Extension<Caller>,
    JsonBody(batch): JsonBody<SubmitBatch>,
) -> Result<Json<SubmitBatchResponse>, ApiError> {
    if batch.applications.len() > MAX_BATCH {
        return Err(batch_too_large());
    }
    if !batch
        .applications
        .iter()
        .all(|a| caller.may_act_as(&a.kiosk_id))
    {
        return Err(ApiError::other_kiosk());
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

/// `GET /v1/applications/{id}`.
pub(super) async fn application_status(
    State(st): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let unknown = || ApiError::new(404, "Unknown application", None);
    if check_id(&id).is_err() {
        return Err(unknown());
    }
    let found = db(&st, move |s| s.get(&id)).await?;
    let Some((app, overrides)) = found else {
        return Err(unknown());
    };
    Ok(Json(compute_status(&app, &overrides, &st.timeline, Utc::now())).into_response())
}

/// `POST /v1/citizens/applications`: a citizen's applications, newest first. The FİN comes in
/// the body so that it never stands in a URL.
pub(super) async fn citizen_applications(
    State(st): State<Shared>,
    JsonBody(q): JsonBody<ApplicationQuery>,
) -> Result<Json<ApplicationList>, ApiError> {
    let fin = q.fin;
    if !fin_is_valid(&fin) {
        return Err(ApiError::invalid(
            "Malformed FİN",
            "fin must be 7 characters of digits and capital Latin letters except O".to_owned(),
        ));
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

/// `POST /v1/citizens/verify`: the document, and the chip evidence when it carries some.
pub(super) async fn verify(
    State(st): State<Shared>,
    Extension(caller): Extension<Caller>,
    JsonBody(req): JsonBody<VerifyRequest>,
) -> Result<Json<VerifyResponse>, ApiError> {
    let files = super::chip::decode(&req)?;
    if !fin_is_valid(&req.fin) || !document_is_valid(&req.document_number) {
        return Ok(Json(VerifyResponse {
            valid: false,
            reason: Some(dost_api::verify_reason::MALFORMED.into()),
            chip: None,
            display_name: None,
        }));
    }
    let doc = req.document_number.clone();
    let fin = req.fin.clone();
    let (revoked, name) = db(&st, move |s| {
        Ok((s.is_revoked(&doc)?, s.citizen_name(&fin)?))
    })
    .await?;
    tracing::debug!(fin = %mask_fin(&req.fin), revoked, "verify");
    let (chip, chip_refusal) = match files {
        None => (None, None),
        Some(files) => {
            let (verdict, refusal) =
                super::chip::check(&st, &caller, files, req.fin, req.document_number).await?;
            (Some(verdict), refusal)
        }
    };
    let reason = if revoked {
        Some(dost_api::verify_reason::REVOKED)
    } else {
        chip_refusal
    };
    Ok(Json(VerifyResponse {
        valid: reason.is_none(),
        reason: reason.map(Into::into),
        chip,
        // The name only goes with a valid document.
        display_name: name.filter(|_| reason.is_none()),
    }))
}

/// `GET /v1/catalog`.
pub(super) async fn catalog(State(st): State<Shared>, headers: HeaderMap) -> Response {
    match &st.catalog {
        None => ApiError::new(404, "No catalog configured", None).into_response(),
        Some((body, etag)) => json_with_etag(&headers, body.clone(), etag),
    }
}

/// A kiosk's configuration with its ETag (for `/v1` and `/admin`).
pub(super) async fn stored_config(
    st: &Shared,
    id: String,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let none = || ApiError::new(404, "No configuration for this kiosk", None);
    if check_id(&id).is_err() {
        return Err(none());
    }
    match db(st, move |s| s.kiosk_config(&id)).await? {
        None => Err(none()),
        Some((json, etag)) => Ok(json_with_etag(headers, Bytes::from(json), &etag)),
    }
}

/// `GET /v1/kiosks/{id}/config`: only the kiosk itself.
pub(super) async fn kiosk_config(
    State(st): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !caller.may_act_as(&id) {
        return Err(ApiError::other_kiosk());
    }
    stored_config(&st, id, &headers).await
}

/// `POST /v1/kiosks/{id}/heartbeat`: only the kiosk itself, naming itself in the body.
pub(super) async fn heartbeat(
    State(st): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    JsonBody(hb): JsonBody<Heartbeat>,
) -> Result<StatusCode, ApiError> {
    if !caller.may_act_as(&id) {
        return Err(ApiError::other_kiosk());
    }
    check_path_id("kiosk id", &id).map_err(|d| ApiError::invalid("Invalid kiosk id", d))?;
    validate_heartbeat(&hb).map_err(|d| ApiError::invalid("Invalid heartbeat", d))?;
    if !caller.may_act_as(&hb.kiosk_id) {
        return Err(ApiError::other_kiosk());
    }
    if hb.kiosk_id != id {
        return Err(ApiError::invalid(
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

/// `POST /v1/ratings`: all or nothing; every rating must name the caller's kiosk.
pub(super) async fn ratings(
    State(st): State<Shared>,
    Extension(caller): Extension<Caller>,
    JsonBody(batch): JsonBody<RatingBatch>,
) -> Result<Json<RatingBatchResponse>, ApiError> {
    if batch.ratings.len() > MAX_BATCH {
        return Err(batch_too_large());
    }
    for r in &batch.ratings {
        validate_rating(r).map_err(|d| ApiError::invalid("Invalid rating", d))?;
    }
    if !batch.ratings.iter().all(|r| caller.may_act_as(&r.kiosk_id)) {
        return Err(ApiError::other_kiosk());
    }
    let n = batch.ratings.len();
    let (accepted, replayed) = db(&st, move |s| s.put_ratings(&batch.ratings, Utc::now())).await?;
    tracing::debug!(ratings = n, accepted, "ratings");
    Ok(Json(RatingBatchResponse { accepted, replayed }))
}

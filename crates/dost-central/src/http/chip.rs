//! `/v1` chip routes: the Active Authentication challenge, and the chip part of
//! `POST /v1/citizens/verify` (see [`crate::chip`]).

use axum::Extension;
use axum::Json;
use axum::extract::State;
use chrono::Utc;
use dost_api::{ChipChallenge, ChipVerdict, VerifyRequest};

use super::{ApiError, Shared};
use crate::auth::Caller;
use crate::chip;
use crate::error::CentralError;

/// `POST /v1/citizens/verify/challenge`: 8 random bytes for one Active Authentication by the
/// calling kiosk.
pub(super) async fn challenge(
    State(st): State<Shared>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<ChipChallenge>, ApiError> {
    let issued = st.challenges.issue(&caller).ok_or_else(|| {
        ApiError::new(
            503,
            "Too many open challenges",
            "try again when older challenges have expired".to_owned(),
        )
    })?;
    tracing::debug!("chip challenge issued");
    Ok(Json(ChipChallenge {
        challenge_id: issued.id,
        challenge: hex::encode(issued.challenge),
        expires_at: issued.expires_at,
    }))
}

/// Decodes the request's chip evidence (422 when its formats are broken).
pub(super) fn decode(req: &VerifyRequest) -> Result<Option<chip::Files>, ApiError> {
    req.chip
        .as_ref()
        .map(chip::decode)
        .transpose()
        .map_err(|e| ApiError::invalid("Malformed chip evidence", e.to_string()))
}

/// The centre's verdict on decoded evidence, and the refusal reason when it fails.
pub(super) async fn check(
    st: &Shared,
    caller: &Caller,
    files: chip::Files,
    fin: String,
    document_number: String,
) -> Result<(ChipVerdict, Option<&'static str>), ApiError> {
    // A challenge is used once, whatever the outcome.
    let challenge = files
        .aa
        .as_ref()
        .and_then(|(id, _)| st.challenges.take(id, caller));
    let st = st.clone();
    let checked = tokio::task::spawn_blocking(move || {
        chip::check(
            &files,
            st.chip_trust.as_ref(),
            challenge,
            &fin,
            &document_number,
            Utc::now(),
        )
    })
    .await
    .map_err(CentralError::from)?;
    tracing::debug!(
        passive = ?checked.verdict.passive_authentication,
        active = ?checked.verdict.active_authentication,
        refusal = ?checked.refusal,
        "chip evidence checked"
    );
    Ok((checked.verdict, checked.refusal))
}

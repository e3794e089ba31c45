//! Bearer tokens: kiosk tokens on `/v1`, the admin token on `/admin` (rules in [`crate::auth`]).

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::TypedHeader;
use axum_extra::headers::Authorization;
use axum_extra::headers::authorization::Bearer;
use axum_extra::typed_header::TypedHeaderRejection;
use dost_api::Problem;

use super::{Shared, problem_response};
use crate::auth::AdminAccess;

type BearerHeader = Result<TypedHeader<Authorization<Bearer>>, TypedHeaderRejection>;

/// The token of a well-formed `Authorization: Bearer` header, trimmed; `None` when absent,
/// malformed or empty.
fn token(header: &BearerHeader) -> Option<&str> {
    let TypedHeader(auth) = header.as_ref().ok()?;
    Some(auth.token().trim()).filter(|t| !t.is_empty())
}

fn unauthorized(realm: &'static str) -> Response {
    let mut resp = problem_response(Problem::new(
        401,
        "Unauthorized",
        "a valid bearer token is required".to_owned(),
    ));
    resp.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(realm));
    resp
}

/// `/v1`: a kiosk token; the [`Caller`](crate::auth::Caller) goes into the request's
/// extensions for the handlers.
pub(super) async fn require_kiosk(
    State(st): State<Shared>,
    bearer: BearerHeader,
    mut req: Request,
    next: Next,
) -> Response {
    match token(&bearer).and_then(|t| st.auth.kiosk(t)) {
        Some(caller) => {
            req.extensions_mut().insert(caller);
            next.run(req).await
        }
        None => unauthorized("Bearer realm=\"dost-central\""),
    }
}

/// `/admin`: the admin token (open in development when none is configured).
pub(super) async fn require_admin(
    State(st): State<Shared>,
    bearer: BearerHeader,
    req: Request,
    next: Next,
) -> Response {
    match st.auth.admin(token(&bearer)) {
        AdminAccess::Granted => next.run(req).await,
        AdminAccess::Unauthorized => unauthorized("Bearer realm=\"dost-central-admin\""),
        AdminAccess::Disabled => problem_response(Problem::new(
            403,
            "Forbidden",
            "the admin routes are closed: start the centre with --admin-token".to_owned(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::extract::FromRequestParts;

    async fn parse(value: Option<&str>) -> Option<String> {
        let mut b = axum::http::Request::builder();
        if let Some(v) = value {
            b = b.header(header::AUTHORIZATION, v);
        }
        let (mut parts, ()) = b.body(()).unwrap().into_parts();
        let h = <BearerHeader as FromRequestParts<()>>::from_request_parts(&mut parts, &()).await;
        let Ok(h) = h;
        token(&h).map(str::to_owned)
    }

    #[tokio::test]
    async fn bearer_parsing() {
        assert_eq!(parse(Some("Bearer abc")).await.as_deref(), Some("abc"));
        assert_eq!(parse(Some("bearer  abc ")).await.as_deref(), Some("abc"));
        assert_eq!(parse(Some("Bearer ")).await, None);
        assert_eq!(parse(Some("Bearer")).await, None);
        assert_eq!(parse(Some("Basic abc")).await, None);
        assert_eq!(parse(None).await, None);
    }
}

//! Fault injection on `/v1`: latency, 500/503, dropped connections, garbage bodies.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use dost_api::Problem;
use rand::Rng;

use super::{ConnKill, MAX_BODY_BYTES, Shared, problem_response};
use crate::config::Faults;

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

pub(super) async fn inject_faults(State(st): State<Shared>, req: Request, next: Next) -> Response {
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

#[cfg(test)]
mod tests {
    use super::*;

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

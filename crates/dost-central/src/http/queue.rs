//! Queue tickets (`POST /v1/queue/tickets`), the public status page (`GET /status/{number}`)
//! and the register of citizens' names (`POST /admin/citizens`).

use axum::Extension;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use dost_api::{ApplicationState, Lang, TicketRequest, TicketResponse};
use serde::{Deserialize, Serialize};

use super::{ApiError, JsonBody, Shared, db};
use crate::auth::Caller;
use crate::queue::{PublicStatus, TicketRefusal};
use crate::validate::{fin_is_valid, mask_fin, validate_name, validate_ticket};

/// Body of `POST /admin/citizens`: a name as the population register spells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitizenName {
    pub fin: String,
    pub display_name: String,
}

/// `POST /v1/queue/tickets`: only for the caller's kiosk.
pub(super) async fn issue_ticket(
    State(st): State<Shared>,
    Extension(caller): Extension<Caller>,
    JsonBody(t): JsonBody<TicketRequest>,
) -> Result<Json<TicketResponse>, ApiError> {
    validate_ticket(&t).map_err(|d| ApiError::invalid("Invalid ticket", d))?;
    if !caller.may_act_as(&t.kiosk_id) {
        return Err(ApiError::other_kiosk());
    }
    let ticket_id = t.ticket_id.clone();
    let recorded = db(&st, move |s| s.issue_ticket(&t, Utc::now())).await?;
    match recorded {
        Ok(r) => {
            tracing::debug!(number = %r.number, outcome = ?r.outcome, "queue ticket");
            Ok(Json(TicketResponse {
                ticket_id,
                number: r.number,
                service_id: r.service_id,
                outcome: r.outcome,
                people_ahead: r.people_ahead,
                estimated_wait_min: r.estimated_wait_min,
            }))
        }
        Err(TicketRefusal::Conflict) => Err(ApiError::new(
            409,
            "Ticket id reused",
            "this ticket_id was first used for another kiosk or service".to_owned(),
        )),
    }
}

/// `POST /admin/citizens`.
pub(super) async fn put_citizen(
    State(st): State<Shared>,
    JsonBody(c): JsonBody<CitizenName>,
) -> Result<StatusCode, ApiError> {
    if !fin_is_valid(&c.fin) {
        return Err(ApiError::invalid(
            "Malformed FİN",
            "fin must be 7 characters of digits and capital Latin letters except O".to_owned(),
        ));
    }
    validate_name(&c.display_name).map_err(|d| ApiError::invalid("Invalid name", d))?;
    tracing::debug!(fin = %mask_fin(&c.fin), "citizen name kept");
    db(&st, move |s| s.put_citizen_name(&c.fin, &c.display_name)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Query of the status page.
#[derive(Debug, Deserialize)]
pub(super) struct StatusQuery {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

/// Words of the status page.
struct Words {
    title: &'static str,
    application: &'static str,
    ticket: &'static str,
    states: [&'static str; 5],
    as_of: &'static str,
    next: &'static str,
    ahead: &'static str,
    wait: &'static str,
    unknown: &'static str,
}

fn words(lang: Lang) -> &'static Words {
    const AZ: Words = Words {
        title: "DOST — müraciətin vəziyyəti",
        application: "Müraciət",
        ticket: "Növbə talonu",
        states: [
            "Göndərilib",
            "DOST-a çatıb",
            "Baxılır",
            "Təsdiqlənib",
            "Rədd edilib",
        ],
        as_of: "Vəziyyət tarixi",
        next: "Növbəti addım",
        ahead: "Qarşınızda olanlar",
        wait: "Təxmini gözləmə, dəqiqə",
        unknown: "Bu nömrə və kod tapılmadı. Kiosk oflayn idisə, məlumat bir az sonra görünəcək.",
    };
    const RU: Words = Words {
        title: "DOST — статус заявления",
        application: "Заявление",
        ticket: "Талон очереди",
        states: [
            "Отправлено",
            "Получено DOST",
            "На рассмотрении",
            "Одобрено",
            "Отклонено",
        ],
        as_of: "Статус на",
        next: "Следующий шаг",
        ahead: "Перед вами",
        wait: "Ожидание, минут (примерно)",
        unknown: "Номер с таким кодом не найден. Если киоск был без связи, данные появятся позже.",
    };
    const EN: Words = Words {
        title: "DOST — application status",
        application: "Application",
        ticket: "Queue ticket",
        states: [
            "Sent",
            "Received by DOST",
            "In review",
            "Approved",
            "Rejected",
        ],
        as_of: "Status as of",
        next: "Next step",
        ahead: "People ahead of you",
        wait: "Estimated wait, minutes",
        unknown: "No number with this code was found. If the kiosk was offline, it appears later.",
    };
    match lang {
        Lang::Az => &AZ,
        Lang::Ru => &RU,
        Lang::En => &EN,
    }
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(status: StatusCode, lang: Lang, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title></head><body style=\"font-family:sans-serif;max-width:40em;\
         margin:1em auto;padding:0 1em;line-height:1.5\"><h1>{}</h1>{}</body></html>",
        lang.code(),
        esc(title),
        esc(title),
        body
    );
    let mut resp = (status, html).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    resp
}

fn state_index(s: ApplicationState) -> usize {
    match s {
        ApplicationState::Submitted => 0,
        ApplicationState::Received => 1,
        ApplicationState::InReview => 2,
        ApplicationState::Approved => 3,
        ApplicationState::Rejected => 4,
    }
}

/// `GET /status` or `/status/` without a number: the not-found page.
pub(super) async fn status_page_without_number(
    query: Result<Query<StatusQuery>, QueryRejection>,
) -> Response {
    let lang = query
        .ok()
        .and_then(|Query(q)| q.lang)
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or_default();
    let w = words(lang);
    page(
        StatusCode::NOT_FOUND,
        lang,
        w.title,
        &format!("<p>{}</p>", esc(w.unknown)),
    )
}

/// `GET /status/{number}?code=…&lang=…`: public, no token; the number and its lookup code
/// show the state (or the queue place), never personal data. Unknown numbers and wrong codes
/// look the same (404).
pub(super) async fn status_page(
    State(st): State<Shared>,
    Path(number): Path<String>,
    query: Result<Query<StatusQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    // A query that does not parse is a number not found, like any other wrong code.
    let q = query.map(|Query(q)| q).unwrap_or(StatusQuery {
        code: None,
        lang: None,
    });
    let lang = q.lang.as_deref().and_then(Lang::parse).unwrap_or_default();
    let w = words(lang);
    let not_found = || {
        page(
            StatusCode::NOT_FOUND,
            lang,
            w.title,
            &format!("<p>{}</p>", esc(w.unknown)),
        )
    };
    let code = q.code.unwrap_or_default();
    let well_formed = crate::validate::check_id(&number).is_ok()
        && code.len() == dost_api::LOOKUP_CODE_LEN
        && code.bytes().all(|b| b.is_ascii_hexdigit());
    if !well_formed {
        return Ok(not_found());
    }
    let code = code.to_ascii_uppercase();
    let key = number.clone();
    let timeline = st.timeline;
    let found = db(&st, move |s| {
        s.public_status(&key, &code, &timeline, Utc::now())
    })
    .await?;
    let body = match found {
        None => return Ok(not_found()),
        Some(PublicStatus::Application {
            state,
            at,
            next_step,
        }) => {
            let local = (at + chrono::Duration::hours(4)).format("%d.%m.%Y %H:%M");
            let mut b = format!(
                "<p>{}: <b>{}</b></p><p style=\"font-size:1.6em\"><b>{}</b></p><p>{}: {}</p>",
                esc(w.application),
                esc(&number),
                esc(w.states[state_index(state)]),
                esc(w.as_of),
                local
            );
            if let Some(next) = next_step {
                b.push_str(&format!("<p>{}: {}</p>", esc(w.next), esc(next.get(lang))));
            }
            b
        }
        Some(PublicStatus::Ticket {
            service_id,
            people_ahead,
            estimated_wait_min,
        }) => format!(
            "<p>{}: <b style=\"font-size:2em\">{}</b> ({})</p><p>{}: <b>{}</b></p>\
             <p>{}: <b>{}</b></p>",
            esc(w.ticket),
            esc(&number),
            esc(&service_id),
            esc(w.ahead),
            people_ahead,
            esc(w.wait),
            estimated_wait_min
        ),
    };
    Ok(page(StatusCode::OK, lang, w.title, &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            esc("<a href='x'>&\""),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;"
        );
        for lang in Lang::ALL {
            assert_eq!(words(lang).states.len(), 5);
        }
    }
}

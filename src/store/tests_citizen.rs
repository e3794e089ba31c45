//! Queue tickets (numbered online or offline, delivered once), calls for staff, and the
//! reasons of rejected applications in the status cache.

use super::*;
use chrono::{DateTime, Utc};
use dost_api::{ItemOutcome, Lang, TicketRequest, TicketResponse};
use kiosk_core::print::{PrintDoc, TicketTemplate};
use kiosk_core::status_link::StatusLinkTemplate;
use kiosk_core::view::ScreenId;

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open_dir(dir.path()).unwrap();
    (dir, s)
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn request(id: &str, sms: Option<&str>) -> TicketRequest {
    TicketRequest {
        ticket_id: id.into(),
        kiosk_id: "K1".into(),
        service_id: "disability-assessment".into(),
        lang: "az".into(),
        issued_at: now(),
        offline_number: None,
        sms_phone: sms.map(str::to_owned),
    }
}

fn template() -> TicketTemplate {
    TicketTemplate {
        lang: Lang::Az,
        center_name: "DOST Yasamal".into(),
        service_title: "Əlilliyin qiymətləndirilməsi üçün növbə".into(),
        status_link: StatusLinkTemplate::default().resolve("https://kiosk-api.dost.gov.az"),
    }
}

fn answer(id: &str, number: &str) -> TicketResponse {
    TicketResponse {
        ticket_id: id.into(),
        number: number.into(),
        service_id: "disability-assessment".into(),
        outcome: ItemOutcome::Accepted,
        people_ahead: 2,
        estimated_wait_min: 12,
    }
}

#[test]
fn tickets_numbered_by_the_centre_are_kept_and_printed_not_queued() {
    let (_d, mut s) = store();
    let t = s
        .store_ticket(
            "YAS01",
            &request("t1", Some("+994501234567")),
            Some(&answer("t1", "D017")),
            &template(),
            true,
            now(),
        )
        .unwrap();
    assert_eq!((t.number.as_str(), t.offline), ("D017", false));
    assert_eq!((t.people_ahead, t.wait_min), (Some(2), Some(12)));
    assert_eq!(
        t.status_url,
        format!(
            "https://kiosk-api.dost.gov.az/status/D017?code={}",
            dost_api::lookup_code("t1")
        )
    );
    assert!(s.pending_tickets(10).unwrap().is_empty());
    // Nothing personal kept for a ticket the centre has.
    let payload: Option<Vec<u8>> = s
        .connection()
        .query_row(
            "SELECT payload FROM queue_tickets WHERE id = 't1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(payload.is_none());
    let job = s.next_print_job().unwrap().unwrap();
    assert!(matches!(
        job.content,
        JobContent::Doc(PrintDoc::Ticket(ref d)) if d.number == "D017" && d.sms
    ));
}

#[test]
fn offline_tickets_take_the_kiosks_range_and_leave_the_outbox_once_delivered() {
    let (_d, mut s) = store();
    let a = s
        .store_ticket(
            "YAS01",
            &request("t1", Some("+994501234567")),
            None,
            &template(),
            false,
            now(),
        )
        .unwrap();
    let b = s
        .store_ticket(
            "YAS01",
            &request("t2", None),
            None,
            &template(),
            true,
            now(),
        )
        .unwrap();
    assert_eq!(
        (a.number.as_str(), b.number.as_str()),
        ("YAS01-T001", "YAS01-T002")
    );
    assert!(a.offline && a.people_ahead.is_none() && a.print_job.is_none());
    assert!(b.print_job.is_some());
    assert_eq!(
        s.stats().unwrap().outbox_depth,
        2,
        "offline tickets are in the outbox"
    );
    let pending = s.pending_tickets(10).unwrap();
    assert_eq!(pending.len(), 2);
    assert_eq!(pending[0].offline_number.as_deref(), Some("YAS01-T001"));
    assert_eq!(pending[0].sms_phone.as_deref(), Some("+994501234567"));
    // The SMS number is sealed at rest.
    let sealed: Vec<u8> = s
        .connection()
        .query_row(
            "SELECT payload FROM queue_tickets WHERE id = 't1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!sealed.windows(9).any(|w| w == b"501234567"));
    // Delivered: out of the outbox, the number forgotten; a second answer changes nothing.
    assert!(s.ticket_delivered(&answer("t1", "YAS01-T001")).unwrap());
    assert!(!s.ticket_delivered(&answer("t1", "YAS01-T001")).unwrap());
    s.ticket_attempt_failed("t2", "timeout").unwrap();
    assert_eq!(s.pending_tickets(10).unwrap().len(), 1);
    s.ticket_refused("t2", "422").unwrap();
    assert!(s.pending_tickets(10).unwrap().is_empty());
    assert_eq!(s.pending_ticket_count().unwrap(), 0);
    // The range goes on per Baku day.
    let c = s
        .store_ticket(
            "YAS01",
            &request("t3", None),
            None,
            &template(),
            false,
            now(),
        )
        .unwrap();
    assert_eq!(c.number, "YAS01-T003");
}

#[test]
fn calls_for_staff_stay_open_until_answered() {
    let (_d, mut s) = store();
    s.add_help_call(ScreenId::Form, now()).unwrap();
    s.add_help_call(ScreenId::Attract, now() + chrono::Duration::seconds(5))
        .unwrap();
    let open = s.open_help_calls(10).unwrap();
    assert_eq!(
        open.iter().map(|c| c.screen).collect::<Vec<_>>(),
        vec![ScreenId::Form, ScreenId::Attract]
    );
    assert_eq!(s.facts(10).unwrap().help_calls.len(), 2);
    assert_eq!(s.answer_help_calls(now()).unwrap(), 2);
    assert!(s.open_help_calls(10).unwrap().is_empty());
    assert_eq!(s.answer_help_calls(now()).unwrap(), 0);
}

#[test]
fn a_cached_rejection_comes_back_with_the_application() {
    let (_d, mut s) = store();
    let texts = |t: &str| dost_api::Texts {
        az: t.into(),
        ru: t.into(),
        en: t.into(),
    };
    let status = dost_api::ApplicationStatus {
        application_id: "YAS02-261101-0003".into(),
        service_id: "old-age-pension".into(),
        state: dost_api::ApplicationState::Rejected,
        received_at: now(),
        history: vec![],
        rejection: Some(dost_api::Rejection {
            code: "not_eligible_yet".into(),
            reason: texts("age"),
            next_step: texts("later"),
            action: dost_api::NextAction::Reapply,
        }),
    };
    s.cache_statuses("5ZX7K2P", std::slice::from_ref(&status), now())
        .unwrap();
    let list = s.applications_for("5ZX7K2P").unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].rejection, status.rejection);
    // A damaged cached reason reads as none; the application stays listed.
    s.connection()
        .execute("UPDATE status_cache SET rejection = '{'", [])
        .unwrap();
    let list = s.applications_for("5ZX7K2P").unwrap();
    assert_eq!((list.len(), list[0].rejection.clone()), (1, None));
}

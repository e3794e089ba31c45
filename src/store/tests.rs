use super::*;
use chrono::{DateTime, Utc};
use dost_api::{ItemOutcome, Lang, SubmitItemResult};
use kiosk_core::card::CitizenKey;
use kiosk_core::print::{HoldReason, PrintDoc, ReceiptTemplate};
use kiosk_core::session::{ReceiptFate, Submission};

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open_dir(dir.path()).unwrap();
    (dir, s)
}

fn sub(fin: &str) -> Submission {
    Submission {
        service_id: "disability-assessment".into(),
        lang: Lang::Az,
        citizen: CitizenKey::new(dost_api::Fin::parse(fin).ok().as_ref(), "AA1234567"),
        document_number: "AA1234567".into(),
        answers: [("phone".to_owned(), "+994501234567".to_owned())].into(),
    }
}

fn template() -> ReceiptTemplate {
    ReceiptTemplate {
        center_name: "DOST Yasamal".into(),
        kiosk_id: "K1".into(),
        service_title: "Əlilliyin qiymətləndirilməsi".into(),
        next_steps: vec!["Gözləyin".into()],
        status_link: kiosk_core::status_link::StatusLinkTemplate::default()
            .resolve("https://kiosk-api.dost.gov.az"),
    }
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn result(stored: &Stored, outcome: ItemOutcome) -> SubmitItemResult {
    SubmitItemResult {
        application_id: stored.application_id.to_string(),
        idempotency_key: stored.idempotency_key.clone(),
        outcome,
        received_at: Some(now()),
        problem: None,
    }
}

#[test]
fn submit_numbers_and_outbox() {
    let (_d, mut s) = store();
    let t = template();
    let a = s
        .submit("YAS01", "K1", &sub("5ZX7K2P"), now(), Some(&t))
        .unwrap();
    let b = s
        .submit("YAS01", "K1", &sub("5ZX7K2P"), now(), Some(&t))
        .unwrap();
    assert_eq!(a.application_id.as_str(), "YAS01-261124-0001");
    assert_eq!(b.application_id.as_str(), "YAS01-261124-0002");
    assert_ne!(a.idempotency_key, b.idempotency_key);
    // Late evening UTC is the next day in Baku.
    let late = DateTime::parse_from_rfc3339("2026-11-24T21:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let c = s
        .submit("YAS01", "K1", &sub("5ZX7K2P"), late, None)
        .unwrap();
    assert_eq!(c.application_id.as_str(), "YAS01-261125-0001");
    let batch = s.pending_batch(10).unwrap();
    assert_eq!(batch.len(), 3);
    assert_eq!(batch[0].application_id, a.application_id.as_str());
    assert_eq!(
        batch[0].answers.get("phone").map(String::as_str),
        Some("+994501234567")
    );
    let stats = s.stats().unwrap();
    assert_eq!(stats.outbox_depth, 3);
    assert_eq!(stats.queued_jobs, 2);
    // No FİN in clear in any column but the sealed payload.
    let tags: String = s
        .connection()
        .query_row("SELECT fin_tag FROM applications LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert!(!tags.contains("5ZX7K2P"));
    assert_eq!(tags, s.fin_tag("5ZX7K2P"));
}

#[test]
fn results_move_rows_out_of_the_outbox() {
    let (_d, mut s) = store();
    let a = s
        .submit("YAS01", "K1", &sub("5ZX7K2P"), now(), None)
        .unwrap();
    let b = s
        .submit("YAS01", "K1", &sub("5ZX7K2P"), now(), None)
        .unwrap();
    let mut other_key = result(&b, ItemOutcome::Accepted);
    other_key.idempotency_key = "other-key".into();
    let n = s
        .record_results(&[result(&a, ItemOutcome::Replayed), other_key])
        .unwrap();
    assert_eq!(n, 1, "a result with another key changes nothing");
    let pending = s.pending_batch(10).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].application_id, b.application_id.as_str());
    let mine = s.applications_for("5ZX7K2P").unwrap();
    assert_eq!(mine.len(), 2);
    assert_eq!(mine[0].application_id, b.application_id, "newest first");
    assert!(mine[0].pending_upload && !mine[1].pending_upload);
    assert!(s.applications_for("1AB2CD3").unwrap().is_empty());
}

#[test]
fn print_jobs_print_once_and_count_paper() {
    let (_d, mut s) = store();
    let a = s
        .submit("YAS01", "K1", &sub("5ZX7K2P"), now(), Some(&template()))
        .unwrap();
    let job = s.next_print_job().unwrap().unwrap();
    assert_eq!(
        job.application_id.as_deref(),
        Some(a.application_id.as_str())
    );
    let JobContent::Doc(PrintDoc::Receipt(doc)) = &job.content else {
        panic!("a receipt document expected: {job:?}");
    };
    assert_eq!(doc.application_id, a.application_id);
    assert_eq!(doc.masked_fin, "5ZX****");
    assert_eq!(
        doc.issued_at.to_string(),
        "2026-11-24 14:00:00",
        "Baku time"
    );
    s.job_printing(job.id).unwrap();
    s.job_held(job.id, HoldReason::PaperOut).unwrap();
    assert_eq!(s.stats().unwrap().held_jobs, 1);
    let held = s.held_jobs(10).unwrap();
    assert_eq!(held[0].application_id.as_ref(), Some(&a.application_id));
    assert_eq!(held[0].reason, Some(HoldReason::PaperOut));
    let again = s.next_print_job().unwrap().unwrap();
    assert_eq!(again.hold_reason, Some(HoldReason::PaperOut));
    s.job_printed(job.id, 100.0, now()).unwrap();
    s.job_printed(job.id, 100.0, now()).unwrap();
    assert_eq!(s.stats().unwrap().paper_used_mm, 100.0, "counted once");
    assert!(s.next_print_job().unwrap().is_none());
    s.job_held(job.id, HoldReason::PaperOut).unwrap();
    assert!(
        s.next_print_job().unwrap().is_none(),
        "a printed job never comes back"
    );
    s.restocked("staff", now()).unwrap();
    assert_eq!(s.stats().unwrap().paper_used_mm, 0.0);
    let test_page = s.queue_job(&PrintDoc::TestPage, now()).unwrap();
    let next = s.next_print_job().unwrap().unwrap();
    assert_eq!(
        (next.id, next.content),
        (test_page, JobContent::Doc(PrintDoc::TestPage))
    );
}

#[test]
fn a_receipt_not_taken_prints_again_only_when_asked() {
    let (_d, mut s) = store();
    let citizen = sub("5ZX7K2P");
    let a = s
        .submit("YAS01", "K1", &citizen, now(), Some(&template()))
        .unwrap();
    let app = a.application_id.as_str().to_owned();
    let job = s.next_print_job().unwrap().unwrap();
    assert!(
        !s.reprint_not_taken(&app).unwrap(),
        "nothing to print again yet"
    );
    s.job_printing(job.id).unwrap();
    s.job_printed(job.id, 100.0, Utc::now()).unwrap();
    s.job_not_taken(job.id).unwrap();
    assert!(
        s.next_print_job().unwrap().is_none(),
        "a receipt not taken does not print by itself"
    );
    let fate = |s: &Store| {
        s.applications_for(citizen.citizen.expose())
            .unwrap()
            .iter()
            .map(|r| r.receipt)
            .collect::<Vec<_>>()
    };
    assert_eq!(fate(&s), vec![ReceiptFate::NotTaken]);
    let staff = s.held_jobs(10).unwrap();
    assert_eq!(staff.len(), 1);
    assert_eq!(staff[0].reason, Some(HoldReason::NotTaken));
    assert_eq!(s.stats().unwrap().held_jobs, 0, "not a held receipt");
    assert!(s.reprint_not_taken(&app).unwrap());
    assert!(!s.reprint_not_taken(&app).unwrap(), "queued once");
    assert_eq!(fate(&s), vec![ReceiptFate::Normal]);
    let again = s.next_print_job().unwrap().unwrap();
    assert_eq!(again.id, job.id);
    s.job_printed(job.id, 100.0, Utc::now()).unwrap();
    assert_eq!(
        s.stats().unwrap().paper_used_mm,
        200.0,
        "the paper of both prints"
    );
    // Another citizen's number does nothing.
    assert!(!s.reprint_not_taken("YAS01-261124-9999").unwrap());
}

#[test]
fn personal_data_is_sealed_and_purged() {
    let dir = tempfile::tempdir().unwrap();
    let a = {
        let mut s = Store::open_dir(dir.path()).unwrap();
        let a = s
            .submit("YAS01", "K1", &sub("5ZX7K2P"), now(), Some(&template()))
            .unwrap();
        s.connection()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
        a
    };
    let raw = std::fs::read(dir.path().join("kiosk.db")).unwrap();
    let needle = b"5ZX7K2P";
    assert!(
        !raw.windows(needle.len()).any(|w| w == needle),
        "FİN in clear on disk"
    );
    assert!(
        !raw.windows(12).any(|w| w == b"+99450123456"),
        "answers in clear on disk"
    );

    // Another device key cannot read the outbox.
    let other = Store::open(&dir.path().join("kiosk.db"), [7u8; 32]).unwrap();
    assert!(matches!(other.pending_batch(10), Err(StoreError::Decrypt)));
    drop(other);

    let mut s = Store::open_dir(dir.path()).unwrap();
    assert_eq!(s.pending_batch(10).unwrap()[0].fin, "5ZX7K2P");
    s.record_results(&[result(&a, ItemOutcome::Accepted)])
        .unwrap();
    s.job_printed(1, 100.0, now()).unwrap();
    assert_eq!(
        s.purge_confirmed(now()).unwrap(),
        0,
        "not older than the cut-off"
    );
    let later = now() + chrono::Duration::days(31);
    assert_eq!(s.purge_confirmed(later).unwrap(), 1);
    let payload: Option<Vec<u8>> = s
        .connection()
        .query_row("SELECT payload FROM applications", [], |r| r.get(0))
        .unwrap();
    assert_eq!(payload, None);
    // The printed receipt is gone with it.
    let jobs: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM print_jobs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(jobs, 0);
    // The citizen still sees the application in the list.
    assert_eq!(s.applications_for("5ZX7K2P").unwrap().len(), 1);
}

#[test]
fn audit_chain_detects_a_changed_row() {
    let (_d, mut s) = store();
    s.audit("technician", "login", "", now()).unwrap();
    s.audit("staff", "paper_restocked", "", now()).unwrap();
    s.audit("technician", "config_changed", "printer.baud", now())
        .unwrap();
    assert_eq!(s.verify_audit().unwrap(), None);
    s.connection()
        .execute("UPDATE audit_log SET actor = 'intruder' WHERE id = 2", [])
        .unwrap();
    assert_eq!(s.verify_audit().unwrap(), Some(2));
}

#[test]
fn reopen_keeps_everything_and_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let mut s = Store::open_dir(dir.path()).unwrap();
        s.submit("YAS01", "K1", &sub("5ZX7K2P"), now(), None)
            .unwrap()
            .application_id
    };
    let s = Store::open_dir(dir.path()).unwrap();
    assert_eq!(s.schema_version().unwrap(), migrate::LATEST);
    let mine = s.applications_for("5ZX7K2P").unwrap();
    assert_eq!(mine.first().map(|r| r.application_id.clone()), Some(id));
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir.path().join("device.key")), 0o600);
}

#[test]
fn a_new_data_directory_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    Store::open_dir(&data).unwrap();
    let mode = std::fs::metadata(&data).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
}

#[test]
fn migrates_from_every_earlier_version() {
    for from in 0..migrate::LATEST {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.db");
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            migrate::build_legacy(&conn, from);
            if from >= 1 {
                conn.execute(
                    "INSERT INTO applications (id, idempotency_key, service_id, fin_tag, payload, created_at)
                     VALUES ('A-1', 'k', 's', 't', NULL, '2026-01-01T00:00:00Z')",
                    [],
                )
                .unwrap();
            }
        }
        let s = Store::open(&path, [1u8; 32]).unwrap();
        assert_eq!(s.schema_version().unwrap(), migrate::LATEST, "from {from}");
        let apps: i64 = s
            .connection()
            .query_row("SELECT COUNT(*) FROM applications", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            apps,
            i64::from(from >= 1),
            "rows survive the migration from {from}"
        );
        assert!(s.pending_ratings(1).unwrap().is_empty());
    }
}

/// Version 3's print jobs keep their ids, states and documents in version 4's table, which
/// also takes receipts not taken, and new jobs do not reuse an old id.
#[test]
fn version_three_print_jobs_survive_the_new_states() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        migrate::build_legacy(&conn, 3);
        conn.execute_batch(
            "INSERT INTO print_jobs (id, application_id, state, bytes, paper_mm, created_at,
                printed_at, doc)
             VALUES (7, 'YAS01-261124-0001', 'printed', x'', 0, '2026-11-24 10:00:00+00:00',
                '2026-11-24 10:00:05+00:00', '\"TestPage\"'),
                    (9, NULL, 'held', x'', 0, '2026-11-24 10:01:00+00:00', NULL, NULL);",
        )
        .unwrap();
    }
    let mut s = Store::open(&path, [1u8; 32]).unwrap();
    let states: Vec<(i64, String)> = {
        let mut stmt = s
            .connection()
            .prepare("SELECT id, state FROM print_jobs ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(states, vec![(7, "printed".into()), (9, "held".into())]);
    s.job_not_taken(7).unwrap();
    assert!(s.reprint_not_taken("YAS01-261124-0001").unwrap());
    let next = s.queue_job(&PrintDoc::TestPage, now()).unwrap();
    assert!(next > 9, "a new job took an old id: {next}");
}

/// A version-2 database, written the way version 2 wrote it: legacy keys and tags, RFC 3339
/// times. After the migration the row opens with the new keys, the citizen finds it by FİN,
/// and times compare with new ones.
#[test]
fn version_two_rows_are_resealed_retagged_and_retimed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.db");
    let key = [9u8; 32];
    let legacy = keys::Keys::legacy(&key);
    let wire = dost_api::ApplicationSubmission {
        application_id: "YAS01-261124-0001".into(),
        idempotency_key: "k1".into(),
        kiosk_id: "K1".into(),
        service_id: "disability-assessment".into(),
        fin: "5ZX7K2P".into(),
        document_number: "AA1234567".into(),
        lang: "az".into(),
        submitted_at: now(),
        answers: Default::default(),
    };
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        migrate::build_legacy(&conn, 2);
        let sealed = legacy
            .seal(&serde_json::to_vec(&wire).unwrap(), "YAS01-261124-0001")
            .unwrap();
        conn.execute(
            "INSERT INTO applications (id, idempotency_key, service_id, fin_tag, payload,
             created_at, sync_state, received_at)
             VALUES ('YAS01-261124-0001', 'k1', 'disability-assessment', ?1, ?2,
             '2026-11-24T10:00:00.000000Z', 'synced', '2026-11-24T10:00:05.000000Z')",
            rusqlite::params![legacy.legacy_fin_tag("5ZX7K2P"), sealed],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO status_cache VALUES ('GNC02-261001-0004', 'old-age-pension', ?1,
             'approved', '[]', '2026-10-02T08:00:00.000000Z')",
            rusqlite::params![legacy.legacy_fin_tag("5ZX7K2P")],
        )
        .unwrap();
    }
    let mut s = Store::open(&path, key).unwrap();
    assert_eq!(s.application("YAS01-261124-0001").unwrap(), Some(wire));
    let mine = s.applications_for("5ZX7K2P").unwrap();
    let ids: Vec<&str> = mine.iter().map(|r| r.application_id.as_str()).collect();
    assert_eq!(ids, vec!["YAS01-261124-0001", "GNC02-261001-0004"]);
    // Received 10:00:05; a cut-off one second later purges it, one second earlier does not.
    let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
    assert_eq!(s.purge_confirmed(at("2026-11-24T10:00:04Z")).unwrap(), 0);
    assert_eq!(s.purge_confirmed(at("2026-11-24T10:00:06Z")).unwrap(), 1);
}

#[test]
fn ratings_wait_for_the_centre() {
    let (_d, mut s) = store();
    let id = s
        .add_rating("K1", Some("disability-assessment"), 5, Lang::Az, now())
        .unwrap();
    s.add_rating("K1", None, 9, Lang::Ru, now()).unwrap();
    let pending = s.pending_ratings(10).unwrap();
    assert_eq!(pending.len(), 2);
    assert!(pending.iter().all(|r| (1..=5).contains(&r.score)));
    assert_eq!(pending[0].rated_at, now());
    s.ratings_synced(&[id]).unwrap();
    assert_eq!(s.pending_ratings(10).unwrap().len(), 1);
    // The purge forgets the synced rating once old enough, never one still waiting.
    let count = |s: &Store| -> i64 {
        s.connection()
            .query_row("SELECT count(*) FROM ratings", [], |r| r.get(0))
            .unwrap()
    };
    s.purge_confirmed(now()).unwrap();
    assert_eq!(count(&s), 2, "not older than the cut-off");
    s.purge_confirmed(now() + chrono::Duration::days(31))
        .unwrap();
    assert_eq!(count(&s), 1);
    assert_eq!(s.pending_ratings(10).unwrap().len(), 1);
}

#[test]
fn garbage_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("kiosk.db"),
        b"this is not a database at all, not even close",
    )
    .unwrap();
    let err = Store::open_dir(dir.path()).err();
    assert!(err.is_some(), "garbage must not open");
    let newer = tempfile::tempdir().unwrap();
    {
        let s = Store::open_dir(newer.path()).unwrap();
        s.connection()
            .pragma_update(None, "user_version", 99)
            .unwrap();
    }
    assert!(matches!(
        Store::open_dir(newer.path()),
        Err(StoreError::TooNew { found: 99, .. })
    ));
}

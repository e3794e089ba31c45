//! A full disk during a submit, through the real core and a real SQLite file: the kiosk's
//! writes are made to fail as on a full disk (the process's file-size limit, RLIMIT_FSIZE,
//! drops below the database's files, so every write that would grow one fails), the citizen is
//! told nothing was saved, nothing is half-written, and once there is room again the same
//! citizen's submit gets one number, one receipt and one copy at the centre.
//!
//! Its own test binary on purpose: the file-size limit is per process.

mod common;

use std::time::{Duration, Instant};

use common::wait;
use kiosk_core::view::{ScreenId, UiEvent};

/// Sets the soft limit on the size of files this process writes (`None`: back to the hard
/// limit). A write past it fails with EFBIG, as a full disk fails one with ENOSPC.
fn limit_file_size(bytes: Option<u64>) {
    // SAFETY: plain syscalls on this process's own limits and signal disposition.
    unsafe {
        // The default action of SIGXFSZ ends the process; the write's error is what we want.
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        assert_eq!(libc::getrlimit(libc::RLIMIT_FSIZE, &mut lim), 0);
        lim.rlim_cur = bytes.map_or(lim.rlim_max, |b| b as libc::rlim_t);
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &lim), 0);
    }
}

fn count(conn: &rusqlite::Connection, sql: &str, id: &str) -> i64 {
    conn.query_row(sql, [id], |r| r.get(0)).expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_fails_the_submit_cleanly_and_nothing_is_lost() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (kiosk, mut h) = common::demo_at_review(dir.path()).await;
    let ui = h.sender();
    let send = |ev| ui.send(ev).expect("core alive");

    let reader =
        rusqlite::Connection::open(dir.path().join("kiosk.db")).expect("second connection");
    let apps_before: i64 = reader
        .query_row("SELECT COUNT(*) FROM applications", [], |r| r.get(0))
        .expect("count");

    // The disk is full: no file of this process may grow past its first page.
    limit_file_size(Some(4096));
    send(UiEvent::Submit);
    let failed = wait(&mut h, "submit failed", |vm| {
        vm.screen == ScreenId::Review && vm.submit_failed
    })
    .await;
    limit_file_size(None);
    assert!(failed.done.is_none(), "no number was announced");
    assert!(
        failed.review.is_some(),
        "the answers wait to be submitted again"
    );
    // Nothing half-written: no application, no print job.
    let apps_after: i64 = reader
        .query_row("SELECT COUNT(*) FROM applications", [], |r| r.get(0))
        .expect("count");
    assert_eq!(apps_after, apps_before);
    let jobs: i64 = reader
        .query_row("SELECT COUNT(*) FROM print_jobs", [], |r| r.get(0))
        .expect("count");
    assert_eq!(jobs, 0);

    // Room again: the same citizen submits again and gets one number, one receipt.
    send(UiEvent::Submit);
    let done = wait(&mut h, "done", |vm| vm.screen == ScreenId::Done)
        .await
        .done
        .expect("done view");
    let id = done.application_id.to_string();
    assert_eq!(
        count(
            &reader,
            "SELECT COUNT(*) FROM applications WHERE id = ?1",
            &id
        ),
        1
    );
    assert_eq!(
        count(
            &reader,
            "SELECT COUNT(*) FROM print_jobs WHERE application_id = ?1",
            &id
        ),
        1
    );
    // And it reaches the centre exactly once.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let stored = dost_central::export_records(&dir.path().join("central.db")).expect("export");
        let n = stored.iter().filter(|r| r.application_id == id).count();
        assert!(n <= 1, "{id} stored twice at the centre");
        if n == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "{id} never reached the centre");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(reader);
    kiosk.shutdown(Duration::from_secs(2)).await;
}

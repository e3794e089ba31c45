//! Fault tests of the offline-first path, with real processes and real HTTP on 127.0.0.1:
//! `dost-kiosk burn-in` against `dost-central` while the centre is down, while the kiosk is
//! killed with SIGKILL, while it is stopped with SIGTERM, while the centre misbehaves; and a
//! locked database during a submit (in process).
//!
//! The invariant everywhere: every application number a citizen was told is at the centre
//! exactly once, and the centre holds nothing the kiosk's database does not.
//!
//! The kiosk runs as its own `dost-kiosk burn-in` process (it is the one killed and stopped);
//! the reference centre runs in this test's process (`dost_central::serve` on a real
//! 127.0.0.1 socket, its own SQLite file), started and stopped by the test.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const KIOSK: &str = env!("CARGO_BIN_EXE_dost-kiosk");
const CONFIG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/config/kiosk.toml");
/// Longest any one process of these tests may run.
const PROCESS_LIMIT: Duration = Duration::from_secs(240);

// ---------------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------------

fn log_file(path: &Path) -> std::fs::File {
    std::fs::File::options()
        .create(true)
        .append(true)
        .open(path)
        .expect("log file")
}

/// The last lines of a log, for failure messages.
fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// Waits for a child with a time limit (killing it when the limit passes).
fn wait_bounded(child: &mut Child, limit: Duration, what: &str) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A `dost-central` process; killed when dropped.
/// The reference centre, in this process, on its own runtime.
struct Central {
    runtime: Option<tokio::runtime::Runtime>,
    stop: tokio_util::sync::CancellationToken,
    addr: String,
    db: PathBuf,
}

impl Central {
    /// Serves on `listen` (`127.0.0.1:0` for any free port) with the faults `fault` (the
    /// syntax of `dost-central --fault`).
    fn start(listen: &str, db: &Path, fault: &str, _log: &Path) -> Result<Central, String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| format!("centre runtime: {e}"))?;
        let mut cfg = dost_central::CentralConfig::new(db);
        cfg.faults = fault.parse().map_err(|e| format!("--fault {fault}: {e}"))?;
        cfg.timeline = dost_central::Timeline::off();
        let listener = std::net::TcpListener::bind(listen).map_err(|e| format!("{listen}: {e}"))?;
        let addr = listener
            .local_addr()
            .map_err(|e| e.to_string())?
            .to_string();
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let stop = tokio_util::sync::CancellationToken::new();
        let serving = stop.clone();
        runtime.spawn(async move {
            match tokio::net::TcpListener::from_std(listener) {
                Ok(l) => {
                    if let Err(e) = dost_central::serve(l, cfg, serving).await {
                        eprintln!("centre stopped: {e}");
                    }
                }
                Err(e) => eprintln!("centre listener: {e}"),
            }
        });
        Ok(Central {
            runtime: Some(runtime),
            stop,
            addr,
            db: db.to_owned(),
        })
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `PUT /admin/faults`; returns the HTTP status.
    fn set_faults(&self, json: &str) -> u16 {
        let mut s = TcpStream::connect(&self.addr).expect("connect to the centre");
        s.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        s.set_write_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        write!(
            s,
            "PUT /admin/faults HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{json}",
            self.addr,
            json.len()
        )
        .expect("send");
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        answer
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0)
    }

    /// Every stored application (id → idempotency keys).
    fn export(&self) -> Vec<(String, String)> {
        export(&self.db)
    }
}

impl Drop for Central {
    fn drop(&mut self) {
        self.stop.cancel();
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(Duration::from_secs(2));
        }
    }
}

fn export(db: &Path) -> Vec<(String, String)> {
    dost_central::export_records(db)
        .expect("the centre's records")
        .into_iter()
        .map(|r| (r.application_id, r.idempotency_key))
        .collect()
}

/// A free port on 127.0.0.1, closed again (nothing listens on it).
fn reserve_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// A running `dost-kiosk burn-in`; its stdout lines (application numbers) are collected.
struct BurnIn {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    reader: Option<JoinHandle<()>>,
}

struct Finished {
    status: ExitStatus,
    lines: Vec<String>,
}

impl BurnIn {
    fn spawn(
        data: &Path,
        central: &str,
        sessions: u64,
        wait_sync: Option<u64>,
        log: &Path,
    ) -> BurnIn {
        let mut cmd = Command::new(KIOSK);
        cmd.args(["--config", CONFIG, "--data-dir"])
            .arg(data)
            .args([
                "burn-in",
                "--sessions",
                &sessions.to_string(),
                "--central",
                central,
            ])
            .env("DOST_LOG", "info")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log_file(log));
        if let Some(s) = wait_sync {
            cmd.args(["--wait-sync", &s.to_string()]);
        }
        let mut child = cmd.spawn().expect("spawn dost-kiosk burn-in");
        let stdout = child.stdout.take().expect("stdout");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        // Only complete lines count: a number cut by a kill was never shown in full.
        let reader = std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut line = String::new();
                match r.read_line(&mut line) {
                    Ok(0) | Err(_) => return,
                    Ok(_) if line.ends_with('\n') => {
                        sink.lock().expect("lines").push(line.trim().to_owned());
                    }
                    Ok(_) => return,
                }
            }
        });
        BurnIn {
            child,
            lines,
            reader: Some(reader),
        }
    }

    fn collect(&mut self, status: ExitStatus) -> Finished {
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        Finished {
            status,
            lines: std::mem::take(&mut *self.lines.lock().expect("lines")),
        }
    }

    fn wait(mut self) -> Finished {
        let status = wait_bounded(&mut self.child, PROCESS_LIMIT, "burn-in");
        self.collect(status)
    }

    /// SIGKILL (on Unix `Child::kill` is `kill -9`).
    fn kill(mut self) -> Finished {
        let _ = self.child.kill();
        let status = wait_bounded(&mut self.child, PROCESS_LIMIT, "killed burn-in");
        self.collect(status)
    }

    /// Waits until `n` numbers were announced, or the process ended.
    fn wait_for_numbers(&mut self, n: usize, limit: Duration) {
        let deadline = Instant::now() + limit;
        while self.lines.lock().expect("lines").len() < n {
            if self.child.try_wait().expect("try_wait").is_some() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{n} numbers not announced within {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// SIGTERM, unless the process already ended; with how long it took to exit after the
    /// signal (`None`: no signal was sent).
    fn terminate(mut self) -> (Finished, Option<Duration>) {
        if let Some(status) = self.child.try_wait().expect("try_wait") {
            return (self.collect(status), None);
        }
        let pid = libc::pid_t::try_from(self.child.id()).expect("pid fits pid_t");
        let sent = Instant::now();
        // SAFETY: kill(2) with a pid of our own child, not yet waited for (so not reused).
        let rc = unsafe { libc::kill(pid, libc::SIGTERM) };
        assert_eq!(rc, 0, "kill -TERM {pid}");
        // A hang guard, not a timing goal: a stopped burn-in exits in well under a second.
        let status = wait_bounded(
            &mut self.child,
            Duration::from_secs(15),
            "terminated burn-in",
        );
        let took = sent.elapsed();
        (self.collect(status), Some(took))
    }
}

impl Drop for BurnIn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
struct KioskRow {
    key: String,
    sync_state: String,
    attempts: i64,
}

fn kiosk_rows(data: &Path) -> BTreeMap<String, KioskRow> {
    let conn = rusqlite::Connection::open(data.join("kiosk.db")).expect("kiosk.db");
    let mut stmt = conn
        .prepare("SELECT id, idempotency_key, sync_state, attempts FROM applications")
        .expect("query");
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                KioskRow {
                    key: r.get(1)?,
                    sync_state: r.get(2)?,
                    attempts: r.get(3)?,
                },
            ))
        })
        .expect("rows");
    rows.map(|r| r.expect("row")).collect()
}

/// Print jobs by state (`queued`, `printing`, `printed`, `held`).
fn print_job_states(data: &Path) -> BTreeMap<String, i64> {
    let conn = rusqlite::Connection::open(data.join("kiosk.db")).expect("kiosk.db");
    let mut stmt = conn
        .prepare("SELECT state, COUNT(*) FROM print_jobs GROUP BY state")
        .expect("query");
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .expect("rows");
    rows.map(|r| r.expect("row")).collect()
}

/// A temporary folder with a kiosk data directory, a log file and a healthy centre.
fn with_centre() -> (tempfile::TempDir, PathBuf, PathBuf, Central) {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("kiosk");
    let db = dir.path().join("central.db");
    let log = dir.path().join("log.txt");
    let central = Central::start("127.0.0.1:0", &db, "none", &log).expect("centre starts");
    (dir, data, log, central)
}

/// Runs the sessions still to do on the same data directory, then lets the outbox drain;
/// returns what the centre holds.
fn finish_and_drain(
    announced: &mut Vec<String>,
    sessions: usize,
    data: &Path,
    central: &Central,
    log: &Path,
) -> Vec<(String, String)> {
    let url = central.url();
    let remaining = (sessions - announced.len()) as u64;
    let rest = BurnIn::spawn(data, &url, remaining, None, log).wait();
    assert!(rest.status.success(), "last run failed:\n{}", tail(log));
    assert_eq!(rest.lines.len() as u64, remaining);
    announced.extend(rest.lines);
    assert_eq!(announced.len(), sessions);

    let last = BurnIn::spawn(data, &url, 0, Some(60), log).wait();
    assert!(last.status.success(), "final drain failed:\n{}", tail(log));
    central.export()
}

fn looks_like_number(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 3
        && parts[0] == "YAS01"
        && parts[1].len() == 6
        && parts[1].chars().all(|c| c.is_ascii_digit())
        && parts[2].len() >= 4
        && parts[2].chars().all(|c| c.is_ascii_digit())
}

/// Announced ⊆ centre ⊆ kiosk DB, every application at the centre once, with the kiosk's key,
/// and nothing left in the kiosk's outbox.
fn assert_exactly_once(announced: &[String], data: &Path, centre: &[(String, String)]) {
    let told: BTreeSet<&String> = announced.iter().collect();
    assert_eq!(
        told.len(),
        announced.len(),
        "a number was announced twice: {announced:?}"
    );
    for n in announced {
        assert!(looks_like_number(n), "not an application number: {n:?}");
    }
    let mut at_centre: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (id, key) in centre {
        at_centre.entry(id).or_default().push(key);
    }
    let twice: Vec<_> = at_centre.iter().filter(|(_, k)| k.len() > 1).collect();
    assert!(
        twice.is_empty(),
        "stored more than once at the centre: {twice:?}"
    );
    let missing: Vec<_> = told
        .iter()
        .filter(|n| !at_centre.contains_key(n.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "announced but not at the centre: {missing:?}"
    );
    let kiosk = kiosk_rows(data);
    for (id, keys) in &at_centre {
        let row = kiosk
            .get(*id)
            .unwrap_or_else(|| panic!("{id} is at the centre but not in the kiosk's database"));
        assert_eq!(
            keys.as_slice(),
            [row.key.as_str()],
            "{id}: idempotency key differs"
        );
    }
    let unsynced: Vec<_> = kiosk
        .iter()
        .filter(|(_, r)| r.sync_state != "synced")
        .map(|(id, r)| (id, &r.sync_state))
        .collect();
    assert!(
        unsynced.is_empty(),
        "left in the kiosk's outbox: {unsynced:?}"
    );
    assert_eq!(at_centre.len(), kiosk.len(), "centre and kiosk differ");
}

fn random_below(n: u64) -> u64 {
    rand::random::<u64>() % n.max(1)
}

// ---------------------------------------------------------------------------------------------
// a. The centre is down for the whole burst, then comes up.
// ---------------------------------------------------------------------------------------------

#[test]
fn centre_down_for_the_whole_burst_then_everything_arrives_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("kiosk");
    let db = dir.path().join("central.db");
    let log = dir.path().join("log.txt");
    let port = reserve_port();
    let down_url = format!("http://127.0.0.1:{port}");

    // Verify cannot reach the centre: offline_auth = "allow" opens the sessions anyway.
    let first = BurnIn::spawn(&data, &down_url, 12, Some(1), &log).wait();
    assert_eq!(
        first.status.code(),
        Some(burnin_exit::NOT_DRAINED),
        "the outbox cannot drain with the centre down:\n{}",
        tail(&log)
    );
    assert_eq!(
        first.lines.len(),
        12,
        "every citizen got a number:\n{}",
        tail(&log)
    );
    let pending = kiosk_rows(&data);
    assert_eq!(pending.len(), 12);
    assert!(pending.values().all(|r| r.sync_state == "pending"));
    assert!(
        pending.values().any(|r| r.attempts >= 1),
        "the relay tried while the centre was down: {pending:?}"
    );

    // The centre comes up on the port the kiosk was told (another one if it was taken since).
    let central = Central::start(&format!("127.0.0.1:{port}"), &db, "none", &log)
        .or_else(|e| {
            eprintln!("port {port} not available again ({e}); using another one");
            Central::start("127.0.0.1:0", &db, "none", &log)
        })
        .expect("centre starts");
    let second = BurnIn::spawn(&data, &central.url(), 0, Some(30), &log).wait();
    assert!(second.status.success(), "drain run failed:\n{}", tail(&log));
    assert!(second.lines.is_empty(), "no session, no number");
    let centre = central.export();
    assert_exactly_once(&first.lines, &data, &centre);
    assert_eq!(centre.len(), 12);
}

// ---------------------------------------------------------------------------------------------
// b. kill -9 at random moments, restarted on the same data directory.
// ---------------------------------------------------------------------------------------------

#[test]
fn kill_nine_during_a_burn_in_loses_nothing_and_duplicates_nothing() {
    const SESSIONS: usize = 200;
    let (_dir, data, log, central) = with_centre();
    let url = central.url();

    let mut announced: Vec<String> = Vec::new();
    let kills = 5 + random_below(4);
    let mut killed_mid_run = 0;
    for k in 0..kills {
        let remaining = (SESSIONS - announced.len()) as u64;
        if remaining == 0 {
            break;
        }
        let run = BurnIn::spawn(&data, &url, remaining, None, &log);
        // Sessions take milliseconds: short delays put every kill inside the 200.
        let delay = Duration::from_millis(100 + random_below(500));
        std::thread::sleep(delay);
        let done = run.kill();
        if done.status.code().is_none() {
            killed_mid_run += 1;
        }
        eprintln!(
            "kill {k}: after {delay:?}, {} numbers announced, status {:?}",
            done.lines.len(),
            done.status
        );
        announced.extend(done.lines);
    }
    assert!(killed_mid_run > 0, "no run was actually killed");

    let centre = finish_and_drain(&mut announced, SESSIONS, &data, &central, &log);
    assert_exactly_once(&announced, &data, &centre);
    // Applications stored but not announced when a kill came are fine: they are in the kiosk's
    // database (checked above) and at the centre once.
    assert!(centre.len() >= SESSIONS);
    eprintln!(
        "{} kills; {} applications stored but not announced before a kill",
        kills,
        centre.len() - SESSIONS
    );
}

// ---------------------------------------------------------------------------------------------
// b'. SIGTERM at random moments, restarted on the same data directory: a clean stop.
// ---------------------------------------------------------------------------------------------

#[test]
fn sigterm_during_a_burn_in_loses_nothing() {
    const SESSIONS: usize = 200;
    let (_dir, data, log, central) = with_centre();
    let url = central.url();

    let mut announced: Vec<String> = Vec::new();
    let terms = 4 + random_below(3);
    let mut stopped_mid_run = 0;
    let mut slowest = Duration::ZERO;
    for t in 0..terms {
        let remaining = (SESSIONS - announced.len()) as u64;
        if remaining == 0 {
            break;
        }
        let mut run = BurnIn::spawn(&data, &url, remaining, None, &log);
        // After a random number of sessions (at most half of the run, whatever the speed of
        // the machine), at a random moment of the next one (a session takes a few ms).
        let after = 1 + random_below(remaining / 2) as usize;
        run.wait_for_numbers(after, Duration::from_secs(120));
        let delay = Duration::from_millis(random_below(15));
        std::thread::sleep(delay);
        let (done, took) = run.terminate();
        eprintln!(
            "SIGTERM {t}: {after} numbers + {delay:?}, {} numbers announced, \
             status {:?}, exited {took:?} after the signal",
            done.lines.len(),
            done.status
        );
        assert!(
            done.status.success(),
            "SIGTERM {t}: a stopped burn-in exits 0, not {:?}:\n{}",
            done.status,
            tail(&log)
        );
        if let Some(took) = took {
            // How fast is a goal measured by hand and reported (the unit asks for 2 s); here
            // only that it stops by itself (wait_bounded kills a hung process and fails).
            slowest = slowest.max(took);
            if (done.lines.len() as u64) < remaining {
                stopped_mid_run += 1;
            }
        }
        announced.extend(done.lines);
        // Every number told is stored, and nothing is stored that was not told: the submit in
        // flight finished and its number came out.
        let rows = kiosk_rows(&data);
        let missing: Vec<_> = announced
            .iter()
            .filter(|n| !rows.contains_key(*n))
            .collect();
        assert!(
            missing.is_empty(),
            "SIGTERM {t}: announced but not in the kiosk's database: {missing:?}"
        );
        assert_eq!(
            rows.len(),
            announced.len(),
            "SIGTERM {t}: stored applications whose number was not announced"
        );
        // The printer stopped between receipts: none is left half printed.
        let jobs = print_job_states(&data);
        assert_eq!(
            jobs.get("printing"),
            None,
            "SIGTERM {t}: a receipt left printing: {jobs:?}\n{}",
            tail(&log)
        );
        assert_eq!(
            jobs.values().sum::<i64>(),
            rows.len() as i64,
            "SIGTERM {t}: one receipt per application: {jobs:?}"
        );
    }
    assert!(stopped_mid_run > 0, "no run was actually stopped mid-run");

    let centre = finish_and_drain(&mut announced, SESSIONS, &data, &central, &log);
    assert_exactly_once(&announced, &data, &centre);
    assert_eq!(centre.len(), SESSIONS);
    eprintln!(
        "{terms} SIGTERMs, {stopped_mid_run} mid-run; slowest exit {slowest:?} after the signal"
    );
}

// ---------------------------------------------------------------------------------------------
// c. The centre answers 500s, drops connections and sends garbage; then faults stop.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_misbehaving_centre_gets_everything_once_after_faults_stop() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("kiosk");
    let db = dir.path().join("central.db");
    let log = dir.path().join("log.txt");
    let central = Central::start(
        "127.0.0.1:0",
        &db,
        "latency=20,error-rate=0.3,drop=0.2,garbage=0.2",
        &log,
    )
    .expect("centre starts");

    let faulty = BurnIn::spawn(&data, &central.url(), 40, Some(10), &log).wait();
    // The kiosk never crashes: it exits by itself, drained (0) or not yet (3).
    let code = faulty.status.code();
    assert!(
        code == Some(0) || code == Some(burnin_exit::NOT_DRAINED),
        "burn-in under faults ended with {:?}:\n{}",
        faulty.status,
        tail(&log)
    );
    assert_eq!(faulty.lines.len(), 40, "{}", tail(&log));
    let rows = kiosk_rows(&data);
    assert!(
        rows.values().any(|r| r.attempts >= 2),
        "no delivery was retried although the centre failed about half the requests"
    );

    // Faults off (the admin routes are not subject to faults).
    let off = r#"{"latency_ms":0,"error_rate":0.0,"drop_rate":0.0,"garbage_rate":0.0}"#;
    assert_eq!(central.set_faults(off), 200);
    let drain = BurnIn::spawn(&data, &central.url(), 0, Some(60), &log).wait();
    assert!(drain.status.success(), "drain failed:\n{}", tail(&log));

    let centre = central.export();
    assert_exactly_once(&faulty.lines, &data, &centre);
    assert_eq!(centre.len(), 40);
}

/// Exit codes of `dost-kiosk burn-in`.
mod burnin_exit {
    pub const NOT_DRAINED: i32 = dost_kiosk::kit::burnin::EXIT_NOT_DRAINED as i32;
}

// ---------------------------------------------------------------------------------------------
// d. The database is locked during a submit (in process, the real core).
// ---------------------------------------------------------------------------------------------

mod locked_database {
    use std::time::Duration;

    use super::common::{self, wait};
    use kiosk_core::view::{ScreenId, UiEvent};

    fn count(conn: &rusqlite::Connection, table: &str) -> i64 {
        conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .expect("count")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_locked_database_fails_the_submit_cleanly_and_a_retry_works() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (kiosk, mut h) = common::demo_at_review(dir.path()).await;
        let ui = h.sender();
        let send = |ev| ui.send(ev).expect("core alive");

        // Another connection holds the write lock longer than the store's busy timeout (2 s).
        let lock =
            rusqlite::Connection::open(dir.path().join("kiosk.db")).expect("second connection");
        lock.execute_batch("BEGIN EXCLUSIVE")
            .expect("exclusive lock");
        send(UiEvent::Submit);
        let failed = wait(&mut h, "submit failed", |vm| {
            vm.screen == ScreenId::Review && vm.submit_failed
        })
        .await;
        assert!(failed.done.is_none());
        assert!(
            failed.review.is_some(),
            "the answers are still there to submit again"
        );
        // Nothing half-written: no application, no outbox row, no print job.
        assert_eq!(count(&lock, "applications"), 0);
        assert_eq!(count(&lock, "print_jobs"), 0);
        lock.execute_batch("ROLLBACK").expect("release");
        assert_eq!(count(&lock, "applications"), 0);

        // Released: the same citizen submits again and gets a number.
        send(UiEvent::Submit);
        let done = wait(&mut h, "done", |vm| vm.screen == ScreenId::Done)
            .await
            .done
            .expect("done view");
        let id = done.application_id.to_string();
        let (apps, jobs): (i64, i64) = lock
            .query_row(
                "SELECT (SELECT COUNT(*) FROM applications WHERE id = ?1),
                        (SELECT COUNT(*) FROM print_jobs WHERE application_id = ?1)",
                [&id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("rows");
        assert_eq!((apps, jobs), (1, 1));
        assert_eq!(count(&lock, "applications"), 1);
        drop(lock);
        kiosk.shutdown(Duration::from_secs(2)).await;
    }
}

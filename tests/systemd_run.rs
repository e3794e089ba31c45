//! The kiosk as systemd runs it: a real window (on a private Xvfb), READY once the first frame
//! is on screen, WATCHDOG petted from the UI event loop, and SIGTERM ending it cleanly in time.

use std::os::unix::net::UnixDatagram;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Display numbers handed out in this process, so parallel tests never share one.
static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

fn start_xvfb() -> (Killed, String) {
    for _ in 0..20 {
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let display = 170 + (std::process::id() % 50) + n * 50;
        if std::path::Path::new(&format!("/tmp/.X11-unix/X{display}")).exists() {
            continue;
        }
        let child = Command::new("Xvfb")
            .arg(format!(":{display}"))
            .args(["-screen", "0", "1080x1920x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb is installed (scripts/deps.sh build)");
        let mut guard = Killed(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            // Our own server must be the one listening (another may hold the number).
            if guard.0.try_wait().ok().flatten().is_some() {
                break;
            }
            if std::path::Path::new(&format!("/tmp/.X11-unix/X{display}")).exists() {
                return (guard, format!(":{display}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    panic!("no Xvfb display could be started");
}

fn recv(sock: &UnixDatagram, want: &str, within: Duration) -> Vec<String> {
    let deadline = Instant::now() + within;
    let mut seen = Vec::new();
    let mut buf = [0u8; 256];
    while Instant::now() < deadline {
        if let Ok(n) = sock.recv(&mut buf) {
            let msg = String::from_utf8_lossy(&buf[..n]).into_owned();
            let done = msg.lines().any(|l| l == want);
            seen.push(msg);
            if done {
                return seen;
            }
        }
    }
    panic!("no {want} within {within:?}; got {seen:?}");
}

#[test]
fn ready_watchdog_and_sigterm() {
    let (_xvfb, display) = start_xvfb();
    let dir = tempfile::tempdir().expect("tmp");
    let sock_path = dir.path().join("notify.sock");
    let sock = UnixDatagram::bind(&sock_path).expect("bind");
    sock.set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    // As systemd does, WATCHDOG_PID names the kiosk's own process: the shell sets it to its
    // PID and becomes the kiosk (exec keeps the PID).
    let child = Command::new("sh")
        // A permissive umask, as a shell often has: the kiosk's files must be private anyway.
        .args(["-c", "umask 022; WATCHDOG_PID=$$ exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_dost-kiosk"))
        .args(["--config", "config/kiosk.toml", "--data-dir"])
        .arg(dir.path().join("data"))
        .arg("run")
        .env("DISPLAY", &display)
        .env_remove("WAYLAND_DISPLAY")
        .env("NOTIFY_SOCKET", &sock_path)
        .env("WATCHDOG_USEC", "400000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("kiosk starts");
    let mut kiosk = Killed(child);
    recv(&sock, "READY=1", Duration::from_secs(60));
    recv(&sock, "WATCHDOG=1", Duration::from_secs(5));

    // SIGTERM: the kiosk stops in order and says so. (How fast is measured by a benchmark;
    // the deadlines here only keep a hung kiosk from hanging the test.)
    // SAFETY: sending a signal to our own child process.
    let rc = unsafe { libc::kill(kiosk.0.id() as i32, libc::SIGTERM) };
    assert_eq!(rc, 0);
    recv(&sock, "STOPPING=1", Duration::from_secs(10));
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = kiosk.0.try_wait().expect("wait") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the kiosk did not exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    // A clean stop leaves the lock free: the next start on the same data works.
    assert!(dir.path().join("data/kiosk.db").is_file());
    // Everything the kiosk wrote in its data directory is private: folders 0700, files 0600.
    let data = dir.path().join("data");
    let written = private_tree(&data);
    for name in ["kiosk.db", "device.key", "status.json"] {
        assert!(
            written.iter().any(|p| p.ends_with(name)),
            "{name} written: {written:?}"
        );
    }
    assert!(
        written.iter().any(|p| p.starts_with(data.join("logs"))),
        "a log file written: {written:?}"
    );
}

/// Every file under `dir` (checked private on the way): their paths.
fn private_tree(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "{}", dir.display());
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        let meta = std::fs::symlink_metadata(&path).expect("meta");
        if meta.is_dir() {
            files.extend(private_tree(&path));
        } else {
            let mode = meta.permissions().mode() & 0o777;
            assert_eq!(mode & 0o077, 0, "{} is {mode:o}", path.display());
            files.push(path);
        }
    }
    files
}

#[test]
fn a_damaged_database_shows_out_of_service() {
    let (_xvfb, display) = start_xvfb();
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    std::fs::write(data.join("kiosk.db"), vec![0x5a; 8192]).expect("garbage database");
    let sock_path = dir.path().join("notify.sock");
    let sock = UnixDatagram::bind(&sock_path).expect("bind");
    sock.set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    let log = dir.path().join("stderr.log");
    let child = Command::new(env!("CARGO_BIN_EXE_dost-kiosk"))
        .args(["--config", "config/kiosk.toml", "--data-dir"])
        .arg(&data)
        .arg("run")
        .env("DISPLAY", &display)
        .env_remove("WAYLAND_DISPLAY")
        .env("NOTIFY_SOCKET", &sock_path)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log"))
        .spawn()
        .expect("kiosk starts");
    let mut kiosk = Killed(child);
    // The window comes up (with the out-of-service screen) instead of the process dying.
    recv(&sock, "READY=1", Duration::from_secs(60));
    assert!(kiosk.0.try_wait().expect("wait").is_none(), "still running");
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(kiosk.0.id() as i32, libc::SIGTERM) }, 0);
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = kiosk.0.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "no exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(
        !status.success(),
        "a kiosk that cannot store must not report success"
    );
    let err = std::fs::read_to_string(&log).expect("stderr");
    assert!(err.contains("database cannot be used"), "{err}");
    // stderr is a file here (journald under systemd): no colour escapes.
    assert!(
        !err.contains('\u{1b}'),
        "ANSI escapes in a log file: {err:?}"
    );
    // The damaged file was not overwritten.
    assert_eq!(
        std::fs::read(data.join("kiosk.db")).expect("db"),
        vec![0x5a; 8192]
    );
}

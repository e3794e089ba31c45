//! `make run` on a machine without a display: `scripts/run-headless.sh` runs the kiosk on
//! Xvfb and prints a screenshot command and a VNC address. Both work as printed.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The script's process group, ended when the test ends.
struct Group(Child);

impl Drop for Group {
    fn drop(&mut self) {
        // SAFETY: signals our own child's process group.
        unsafe {
            libc::kill(-(self.0.id() as i32), libc::SIGTERM);
        }
        let _ = self.0.wait();
    }
}

#[test]
fn the_printed_screenshot_and_vnc_commands_work() {
    let dir = tempfile::tempdir().expect("tmp");
    let first = 400 + std::process::id() % 200;
    let child = Command::new("scripts/run-headless.sh")
        .args(["--config", "config/kiosk.toml", "--data-dir"])
        .arg(dir.path().join("data"))
        .arg("run")
        .env("KIOSK_BIN", env!("CARGO_BIN_EXE_dost-kiosk"))
        .env("DISPLAY_NUM", first.to_string())
        .env("VNC", "1")
        .env("TMPDIR", dir.path())
        .env_remove("DISPLAY")
        .env_remove("XAUTHORITY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("scripts/run-headless.sh runs");
    let mut group = Group(child);
    let stdout = group.0.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut screenshot = None;
    let mut vnc = None;
    let deadline = Instant::now() + Duration::from_secs(60);
    while (screenshot.is_none() || vnc.is_none()) && Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        if let Some(cmd) = line.strip_prefix("Screenshot it with: ") {
            screenshot = Some(cmd.to_owned());
        }
        if let Some(addr) = line.strip_prefix("VNC view (this machine only): vncviewer ") {
            vnc = Some(addr.to_owned());
        }
    }
    let screenshot = screenshot.expect("a screenshot command is printed");
    let vnc = vnc.expect("a VNC address is printed");

    // The screenshot command, word for word, in a shell without DISPLAY or XAUTHORITY.
    let out = Command::new("sh")
        .args(["-c", &screenshot])
        .current_dir(dir.path())
        .env_remove("DISPLAY")
        .env_remove("XAUTHORITY")
        .output()
        .expect("sh runs");
    assert!(
        out.status.success(),
        "{screenshot}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let xwd = std::fs::metadata(dir.path().join("kiosk.xwd")).expect("kiosk.xwd written");
    // A 1080x1920 screen at 32 bits per pixel.
    assert!(xwd.len() > 1080 * 1920 * 4, "{} bytes", xwd.len());

    // Without the cookie the display refuses: access control stays on.
    let display = screenshot
        .split_whitespace()
        .skip_while(|w| *w != "-display")
        .nth(1)
        .expect("display in the command")
        .to_owned();
    let refused = Command::new("xwd")
        .args(["-root", "-display", &display, "-out", "/dev/null"])
        .env_remove("XAUTHORITY")
        .env("HOME", dir.path())
        .output()
        .expect("xwd runs");
    assert!(!refused.status.success(), "the display is open to anyone");

    // The VNC server answers with the RFB handshake.
    let addr = vnc.replace("localhost", "127.0.0.1");
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut stream = loop {
        match std::net::TcpStream::connect(&addr) {
            Ok(s) => break s,
            Err(e) if Instant::now() > deadline => panic!("VNC at {addr}: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut banner = [0u8; 12];
    stream.read_exact(&mut banner).expect("RFB banner");
    assert!(banner.starts_with(b"RFB 003."), "{banner:?}");
}

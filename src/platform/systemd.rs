//! systemd notifications: READY when the first frame is on screen, WATCHDOG from the UI event
//! loop so that a frozen screen gets the kiosk restarted, STOPPING on the way out. Without
//! `NOTIFY_SOCKET` each is a no-op.

use std::time::Duration;

pub use sd_notify::NotifyState;

/// Running under systemd as a notify service (it restarts the process when it exits).
pub fn under_systemd() -> bool {
    std::env::var_os("NOTIFY_SOCKET").is_some_and(|s| !s.is_empty())
}

/// Sends one notification (no-op when not started by systemd).
pub fn notify(state: NotifyState) -> std::io::Result<()> {
    sd_notify::notify(false, &[state])
}

/// How often to pet the watchdog: half of what systemd asked for, when it asked.
pub fn watchdog_interval() -> Option<Duration> {
    let mut usec = 0;
    (sd_notify::watchdog_enabled(false, &mut usec) && usec > 0)
        .then(|| Duration::from_micros(usec / 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_reach_the_socket() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify.sock");
        let server = std::os::unix::net::UnixDatagram::bind(&path).unwrap();
        // SAFETY: this test is the only user of these variables in this test binary.
        unsafe {
            std::env::set_var("NOTIFY_SOCKET", &path);
            std::env::set_var("WATCHDOG_USEC", "30000000");
            std::env::set_var("WATCHDOG_PID", std::process::id().to_string());
        }
        assert!(under_systemd());
        notify(NotifyState::Ready).unwrap();
        let mut buf = [0u8; 64];
        let n = server.recv(&mut buf).unwrap();
        assert_eq!(String::from_utf8_lossy(&buf[..n]).trim(), "READY=1");
        assert_eq!(watchdog_interval(), Some(Duration::from_secs(15)));
        unsafe {
            std::env::remove_var("NOTIFY_SOCKET");
            std::env::remove_var("WATCHDOG_USEC");
            std::env::remove_var("WATCHDOG_PID");
        }
        assert!(!under_systemd());
        notify(NotifyState::Watchdog).unwrap();
        assert_eq!(watchdog_interval(), None);
    }
}

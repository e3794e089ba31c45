//! The PC/SC test rig (feature `rig`): a private `pcscd` with vsmartcard's `vpcd` driver on a
//! free port, and a virtual card slot that serves simulated chips to it. End-to-end tests of
//! this crate and of the kiosk start it and stop it themselves; it fails (never skips) when
//! `pcscd` or the vpcd driver is missing (`scripts/deps.sh chip` installs them).
//!
//! Debian 12's pcsc-lite daemon always listens on `/run/pcscd/pcscd.comm`, so no other pcscd
//! may run while a rig does: tests that use one run one at a time.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::pcsc_transport::{list_readers, reader_infos};
use crate::sim::{CardProfile, SimCard};
use crate::vpcd::{self, Ended, VpcdError};

/// Where Debian's vsmartcard-vpcd installs its pcscd driver.
pub const VPCD_DRIVER: &str = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";
/// The name the rig's virtual reader has in pcscd.
pub const READER_NAME: &str = "Virtual PCD";

/// Why the rig cannot run.
#[derive(Debug, thiserror::Error)]
pub enum RigError {
    #[error(
        "pcscd is not installed: run scripts/deps.sh chip (Debian packages pcscd, vsmartcard-vpcd)"
    )]
    NoPcscd,
    #[error("{0} missing: install vsmartcard-vpcd (scripts/deps.sh chip)")]
    NoVpcdDriver(&'static str),
    #[error("rig I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("pcscd exited at once ({status}); is another pcscd running? log:\n{log}")]
    Exited { status: String, log: String },
    #[error("no vpcd reader within {0:?}; pcscd log:\n{1}")]
    NoReader(Duration, String),
}

/// A pcscd started by the rig; stopped (SIGTERM, so it removes its socket) when dropped.
pub struct Pcscd {
    child: Child,
    log: PathBuf,
    port: u16,
}

fn pcscd_binary() -> Option<PathBuf> {
    ["/usr/sbin", "/usr/bin", "/sbin"]
        .iter()
        .map(|d| Path::new(d).join("pcscd"))
        .find(|p| p.exists())
}

fn free_port() -> Result<u16, RigError> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Pcscd {
    /// Starts `pcscd --foreground` with a reader configuration in `dir` that points the vpcd
    /// driver at a free port.
    pub fn start(dir: &Path) -> Result<Pcscd, RigError> {
        let binary = pcscd_binary().ok_or(RigError::NoPcscd)?;
        if !Path::new(VPCD_DRIVER).exists() {
            return Err(RigError::NoVpcdDriver(VPCD_DRIVER));
        }
        let port = free_port()?;
        let conf = dir.join("reader.conf.d");
        std::fs::create_dir_all(&conf)?;
        std::fs::write(
            conf.join("vpcd"),
            format!(
                "FRIENDLYNAME \"{READER_NAME}\"\nDEVICENAME   /dev/null:0x{port:04X}\nLIBPATH      {VPCD_DRIVER}\nCHANNELID    0x{port:04X}\n"
            ),
        )?;
        let log = dir.join("pcscd.log");
        let out = std::fs::File::create(&log)?;
        let child = Command::new(binary)
            .args(["--foreground", "--config"])
            .arg(&conf)
            .stdout(Stdio::from(out.try_clone()?))
            .stderr(Stdio::from(out))
            .spawn()?;
        let mut pcscd = Pcscd { child, log, port };
        std::thread::sleep(Duration::from_millis(300));
        if let Ok(Some(status)) = pcscd.child.try_wait() {
            return Err(RigError::Exited {
                status: status.to_string(),
                log: pcscd.log(),
            });
        }
        Ok(pcscd)
    }

    /// What pcscd wrote so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Where the simulated card connects (vpcd listens there).
    pub fn vpcd_addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// Waits until pcscd lists the virtual reader; returns its full name.
    pub fn wait_reader(&self, timeout: Duration) -> Result<String, RigError> {
        let start = Instant::now();
        loop {
            if let Ok(readers) = list_readers()
                && let Some(r) = readers.into_iter().find(|r| r.contains(READER_NAME))
            {
                return Ok(r);
            }
            if start.elapsed() >= timeout {
                return Err(RigError::NoReader(timeout, self.log()));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Pcscd {
    fn drop(&mut self) {
        // SIGTERM lets pcscd remove its socket and pid file; SIGKILL only if it hangs.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

enum SlotCmd {
    Insert(Box<CardProfile>),
    Stop,
}

/// The virtual reader's card slot: one simulated card at a time, served to vpcd on its own
/// thread. Like a hand at a real reader, inserting a card first takes out the one before and
/// waits until pcscd has seen it go, then waits until pcscd sees the new one.
pub struct Slot {
    tx: mpsc::Sender<SlotCmd>,
    current: Arc<Mutex<Option<TcpStream>>>,
    ends: mpsc::Receiver<Result<Ended, String>>,
    thread: Option<JoinHandle<()>>,
    reader: String,
}

/// How long pcscd may take to see a card come or go.
const SEEN_WITHIN: Duration = Duration::from_secs(10);

impl Slot {
    /// The slot of the vpcd at `addr`, which pcscd lists as `reader` (no card yet).
    pub fn new(addr: SocketAddr, reader: &str) -> Slot {
        let (tx, rx) = mpsc::channel::<SlotCmd>();
        let (end_tx, ends) = mpsc::channel();
        let current: Arc<Mutex<Option<TcpStream>>> = Arc::default();
        let cur = current.clone();
        let thread = std::thread::spawn(move || {
            while let Ok(SlotCmd::Insert(profile)) = rx.recv() {
                let end = serve_one(addr, *profile, &cur);
                if end_tx.send(end.map_err(|e| e.to_string())).is_err() {
                    return;
                }
            }
        });
        Slot {
            tx,
            current,
            ends,
            thread: Some(thread),
            reader: reader.to_owned(),
        }
    }

    /// Takes out the card in the slot, if any, and waits until pcscd has seen it go.
    pub fn remove(&self) {
        let stream = self
            .current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(s) = stream {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
        self.wait_card(false);
    }

    /// Puts `profile` in the slot (after taking out the card there) and waits until pcscd
    /// sees it.
    pub fn insert(&self, profile: CardProfile) {
        self.remove();
        let _ = self.tx.send(SlotCmd::Insert(Box::new(profile)));
        self.wait_card(true);
    }

    /// Waits (at most [`SEEN_WITHIN`]) until pcscd reports the slot's reader with or without a
    /// card.
    fn wait_card(&self, present: bool) {
        let deadline = Instant::now() + SEEN_WITHIN;
        while Instant::now() < deadline {
            let seen = reader_infos().ok().and_then(|infos| {
                infos
                    .into_iter()
                    .find(|r| r.name == self.reader)
                    .map(|r| r.atr.is_some())
            });
            if seen == Some(present) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// How the next served card left (waits at most `timeout`).
    pub fn next_end(&self, timeout: Duration) -> Option<Result<Ended, String>> {
        self.ends.recv_timeout(timeout).ok()
    }
}

fn serve_one(
    addr: SocketAddr,
    profile: CardProfile,
    current: &Mutex<Option<TcpStream>>,
) -> Result<Ended, VpcdError> {
    let mut stream = vpcd::connect(addr, Duration::from_secs(20))?;
    *current.lock().unwrap_or_else(|e| e.into_inner()) = Some(stream.try_clone()?);
    let end = vpcd::serve(&mut SimCard::new(profile), &mut stream);
    current.lock().unwrap_or_else(|e| e.into_inner()).take();
    match end {
        // Taken out by `remove` (the socket was shut down under the serve loop).
        Err(VpcdError::Io(_)) => Ok(Ended::ReaderClosed),
        other => other,
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.remove();
        let _ = self.tx.send(SlotCmd::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

//! Printer emulators for tests, demos and technicians without hardware.
//!
//! - [`SimulatedPrinter`]: an in-process [`Transport`] (no OS resources).
//! - [`PtyPrinterEmulator`]: a thread behind a pseudo-terminal, reached through
//!   [`crate::SerialTransport`] like a real serial printer; it can be unplugged and replugged.
//!
//! Both share a settable [`EmulatorState`] (reached through `Deref`): paper ok/low/out, cover,
//! offline, unplugged, cutter error, paper running out after N mm, reply faults, a noisy
//! line, and the printer model: its status format (`DLE EOT 1..4` with the model's paper
//! and presenter bits, or Custom's `DLE EOT 20`) and its presenter (a receipt presented by
//! the job waits until [`EmulatorState::take_receipt`], a retract command, or Custom's
//! `FS P` timeout).

use crate::models::{PrinterModel, StatusFormat};
use crate::preview;
use crate::{PaperLevel, Transport};
use std::collections::VecDeque;
use std::io;
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

#[derive(Debug)]
struct Model {
    paper: PaperLevel,
    cover_open: bool,
    offline: bool,
    unplugged: bool,
    cutter_error: bool,
    paper_out_at_mm: Option<f32>,
    printed_mm: f32,
    received: Vec<u8>,
    /// What reaches the print engine: received bytes less real-time requests.
    print_stream: Vec<u8>,
    acct_from: usize,
    acct_base_mm: f32,
    /// Pending replies and when they become readable.
    input: VecDeque<(Instant, u8)>,
    scan: [u8; 2],
    status_requests: usize,
    drop_next: u32,
    garble_next: u32,
    delay_next: (u32, Duration),
    bytes_per_sec: Option<f64>,
    model: PrinterModel,
    in_presenter: bool,
    /// Custom `FS P`: when the receipt was presented and the retract timeout.
    presented: Option<(Instant, u8)>,
    retracts: usize,
    /// Where the presenter-command scan of the print stream resumes.
    cmd_scan: usize,
    /// Noisy line: every reply becomes this many pseudo-random bytes.
    noise: Option<(u64, usize)>,
}

impl Model {
    fn new(baud: Option<u32>) -> Self {
        Self {
            paper: PaperLevel::Ok,
            cover_open: false,
            offline: false,
            unplugged: false,
            cutter_error: false,
            paper_out_at_mm: None,
            printed_mm: 0.0,
            received: Vec::new(),
            print_stream: Vec::new(),
            acct_from: 0,
            acct_base_mm: 0.0,
            input: VecDeque::new(),
            scan: [0, 0],
            status_requests: 0,
            drop_next: 0,
            garble_next: 0,
            delay_next: (0, Duration::ZERO),
            bytes_per_sec: baud.map(|b| f64::from(b) / 10.0),
            model: PrinterModel::default_model(),
            in_presenter: false,
            presented: None,
            retracts: 0,
            cmd_scan: 0,
            noise: None,
        }
    }

    fn paper_out(&self) -> bool {
        self.paper == PaperLevel::Out
    }

    fn reply(&self, n: u8) -> u8 {
        let bit = |on: bool, mask: u8| if on { mask } else { 0 };
        0x12 | match n {
            1 => bit(
                self.offline || self.cover_open || self.paper_out() || self.cutter_error,
                0x08,
            ),
            2 => {
                bit(self.cover_open, 0x04)
                    | bit(self.paper_out(), 0x20)
                    | bit(self.cutter_error, 0x40)
            }
            3 => bit(self.cutter_error, 0x08),
            4 => {
                let (paper_end, presenter) = match self.model.status {
                    StatusFormat::DleEot {
                        paper_end,
                        presenter,
                    } => (paper_end, presenter),
                    StatusFormat::CustomFull => (0x60, None),
                };
                let paper = match self.paper {
                    PaperLevel::Ok => 0,
                    PaperLevel::Low => 0x0C,
                    PaperLevel::Out => 0x0C | paper_end,
                };
                paper | presenter.filter(|_| self.in_presenter).unwrap_or(0)
            }
            _ => 0,
        }
    }

    /// Custom's `DLE EOT 20` reply.
    fn full_status(&self) -> [u8; 6] {
        let bit = |on: bool, mask: u8| if on { mask } else { 0 };
        let paper = match self.paper {
            PaperLevel::Ok => 0,
            PaperLevel::Low => 0x04,
            PaperLevel::Out => 0x05,
        } | bit(self.in_presenter, 0x20);
        let user = bit(self.cover_open, 0x02) | bit(self.offline, 0x01);
        [0x10, 0x0F, paper, user, 0, bit(self.cutter_error, 0x01)]
    }

    /// Presenter commands in the print stream: present (`FS P`, `GS e 3`) and retract
    /// (`GS e 2`).
    fn scan_commands(&mut self, now: Instant) {
        let from = self.cmd_scan.max(self.acct_from.min(self.cmd_scan));
        let stream = &self.print_stream;
        let mut i = from;
        while i + 2 < stream.len() {
            match (stream[i], stream[i + 1], stream[i + 2]) {
                (0x1C, b'P', _) if i + 5 < stream.len() => {
                    self.in_presenter = true;
                    self.presented = Some((now, stream[i + 5]));
                    i += 6;
                }
                (0x1D, b'e', 3) if i + 3 < stream.len() => {
                    self.in_presenter = true;
                    self.presented = None;
                    i += 4;
                }
                (0x1D, b'e', 2) => {
                    if self.in_presenter {
                        self.retracts += 1;
                    }
                    self.in_presenter = false;
                    i += 3;
                }
                _ => i += 1,
            }
        }
        self.cmd_scan = i;
    }

    /// Custom printers retract by themselves after the `FS P` timeout.
    fn presenter_timeout(&mut self, now: Instant) {
        if let Some((at, t)) = self.presented
            && self.in_presenter
            && t > 0
            && now >= at + Duration::from_secs(u64::from(t))
        {
            self.in_presenter = false;
            self.presented = None;
            self.retracts += 1;
        }
    }

    fn noise_bytes(&mut self) -> Option<Vec<u8>> {
        let (state, burst) = self.noise.as_mut()?;
        let mut v = Vec::with_capacity(*burst);
        for _ in 0..*burst {
            // xorshift64
            *state ^= *state << 13;
            *state ^= *state >> 7;
            *state ^= *state << 17;
            v.push((*state >> 24) as u8);
        }
        Some(v)
    }

    fn feed(&mut self, bytes: &[u8], now: Instant) {
        self.received.extend_from_slice(bytes);
        for &b in bytes {
            if self.scan == [0x10, 0x04] && matches!(b, 1..=4 | 20) {
                // Real-time command: executed at once, taken out of the print data.
                self.status_requests += 1;
                self.answer(b, now);
                self.scan = [0, 0];
                let keep = self
                    .print_stream
                    .len()
                    .saturating_sub(2)
                    .max(self.acct_from);
                self.print_stream.truncate(keep);
            } else {
                self.scan = [self.scan[1], b];
                self.print_stream.push(b);
            }
        }
        self.account();
        self.scan_commands(now);
    }

    fn answer(&mut self, n: u8, now: Instant) {
        if self.drop_next > 0 {
            self.drop_next -= 1;
            return;
        }
        self.presenter_timeout(now);
        let mut reply = match n {
            20 if self.model.status == StatusFormat::CustomFull => self.full_status().to_vec(),
            20 => return,
            n => vec![self.reply(n)],
        };
        if let Some(noise) = self.noise_bytes() {
            reply = noise;
        }
        if self.garble_next > 0 {
            self.garble_next -= 1;
            reply = vec![0xFF];
        }
        let mut at = now;
        if self.delay_next.0 > 0 {
            self.delay_next.0 -= 1;
            at += self.delay_next.1;
        }
        for b in reply {
            let pos = self
                .input
                .iter()
                .position(|(t, _)| *t > at)
                .unwrap_or(self.input.len());
            self.input.insert(pos, (at, b));
        }
    }

    fn account(&mut self) {
        if self.paper_out() {
            return;
        }
        match preview::decode_partial_for(&self.print_stream[self.acct_from..], &self.model) {
            Ok(d) => {
                let mm = self.acct_base_mm + d.paper_mm();
                self.printed_mm = mm;
                if matches!(d.elements.last(), Some(preview::Element::Cut { .. })) {
                    // A finished job: count from here on (keeps accounting linear).
                    self.acct_from += d.consumed;
                    self.acct_base_mm = mm;
                }
                if let Some(limit) = self.paper_out_at_mm
                    && mm >= limit
                {
                    tracing::debug!(mm, "emulated paper ran out");
                    self.printed_mm = limit;
                    self.paper = PaperLevel::Out;
                }
            }
            Err(e) => {
                tracing::debug!(error = %e, "emulator cannot decode stream; paper not counted");
                self.acct_base_mm = self.printed_mm;
                self.acct_from = self.print_stream.len();
            }
        }
    }

    fn pop_ready(&mut self, now: Instant) -> Option<u8> {
        match self.input.front() {
            Some((t, _)) if *t <= now => self.input.pop_front().map(|(_, b)| b),
            _ => None,
        }
    }
}

/// Settable state shared by an emulator and its clones.
#[derive(Debug, Clone)]
pub struct EmulatorState {
    model: Arc<Mutex<Model>>,
}

impl EmulatorState {
    fn new(baud: Option<u32>) -> Self {
        Self {
            model: Arc::new(Mutex::new(Model::new(baud))),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Model> {
        // A panic in another test thread must not cascade: the model stays usable.
        self.model.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn set_paper(&self, level: PaperLevel) {
        self.lock().paper = level;
    }
    pub fn set_cover_open(&self, open: bool) {
        self.lock().cover_open = open;
    }
    pub fn set_offline(&self, offline: bool) {
        self.lock().offline = offline;
    }
    pub fn set_cutter_error(&self, e: bool) {
        self.lock().cutter_error = e;
    }
    /// Paper runs out after `mm` more millimetres are printed (`None`: never).
    pub fn set_paper_out_after_mm(&self, mm: Option<f32>) {
        let mut m = self.lock();
        m.paper_out_at_mm = mm.map(|mm| m.printed_mm + mm);
    }
    /// Byte rate as a serial baud rate (10 bits a byte); `None` consumes instantly.
    pub fn set_baud(&self, baud: Option<u32>) {
        self.lock().bytes_per_sec = baud.map(|b| f64::from(b) / 10.0);
    }
    /// The next `n` status requests get no reply.
    pub fn drop_next_replies(&self, n: u32) {
        self.lock().drop_next = n;
    }
    /// The next `n` status replies are garbled (0xFF).
    pub fn garble_next_replies(&self, n: u32) {
        self.lock().garble_next = n;
    }
    /// The next `n` status replies arrive `delay` late.
    pub fn delay_next_replies(&self, n: u32, delay: Duration) {
        self.lock().delay_next = (n, delay);
    }
    /// Put a stray byte into the printer's output (e.g. a stale late reply).
    pub fn inject_input(&self, byte: u8, after: Duration) {
        let mut m = self.lock();
        let at = Instant::now() + after;
        let pos = m
            .input
            .iter()
            .position(|(t, _)| *t > at)
            .unwrap_or(m.input.len());
        m.input.insert(pos, (at, byte));
    }
    pub fn paper(&self) -> PaperLevel {
        self.lock().paper
    }
    /// The model emulated: its status format and presenter.
    pub fn set_model(&self, model: PrinterModel) {
        self.lock().model = model;
    }
    /// A noisy line: every status reply becomes `burst` pseudo-random bytes from `seed`
    /// (`None`: a clean line).
    pub fn set_line_noise(&self, noise: Option<(u64, usize)>) {
        self.lock().noise = noise.map(|(seed, burst)| (seed.max(1), burst));
    }
    /// A receipt waits in the presenter.
    pub fn receipt_in_presenter(&self) -> bool {
        let mut m = self.lock();
        m.presenter_timeout(Instant::now());
        m.in_presenter
    }
    /// The citizen takes the receipt from the presenter; false if none was there.
    pub fn take_receipt(&self) -> bool {
        let mut m = self.lock();
        std::mem::replace(&mut m.in_presenter, false)
    }
    /// Receipts pulled back into the printer (retract command or `FS P` timeout).
    pub fn retracted_receipts(&self) -> usize {
        self.lock().retracts
    }
    pub fn is_unplugged(&self) -> bool {
        self.lock().unplugged
    }
    /// Every byte received so far.
    pub fn received(&self) -> Vec<u8> {
        self.lock().received.clone()
    }
    /// The bytes that reached the print engine (real-time status requests removed).
    pub fn printed_stream(&self) -> Vec<u8> {
        self.lock().print_stream.clone()
    }
    /// Paper printed so far, mm.
    pub fn printed_mm(&self) -> f32 {
        self.lock().printed_mm
    }
    /// Number of `DLE EOT n` requests seen.
    pub fn status_requests(&self) -> usize {
        self.lock().status_requests
    }
    /// Forget received bytes and printed paper (keeps the settable state).
    pub fn clear_received(&self) {
        let mut m = self.lock();
        m.received.clear();
        m.print_stream.clear();
        m.status_requests = 0;
        m.acct_from = 0;
        m.acct_base_mm = 0.0;
        m.printed_mm = 0.0;
        m.scan = [0, 0];
        m.cmd_scan = 0;
    }
}

/// In-process printer: a [`Transport`] with settable state. Clones share the printer.
#[derive(Debug, Clone)]
pub struct SimulatedPrinter {
    state: EmulatorState,
}

impl Default for SimulatedPrinter {
    fn default() -> Self {
        Self::new()
    }
}

impl SimulatedPrinter {
    /// A printer consuming bytes like a 38400 baud serial link.
    pub fn new() -> Self {
        Self {
            state: EmulatorState::new(Some(38_400)),
        }
    }
    /// A printer that consumes bytes instantly (tests).
    pub fn instant() -> Self {
        Self {
            state: EmulatorState::new(None),
        }
    }
    /// Simulate pulling the cable (`true`) or plugging it back.
    pub fn set_unplugged(&self, unplugged: bool) {
        let mut m = self.state.lock();
        m.unplugged = unplugged;
        m.input.clear();
    }
    pub fn state(&self) -> &EmulatorState {
        &self.state
    }
}

impl Deref for SimulatedPrinter {
    type Target = EmulatorState;
    fn deref(&self) -> &EmulatorState {
        &self.state
    }
}

fn unplugged_err() -> io::Error {
    io::Error::new(io::ErrorKind::BrokenPipe, "emulated printer unplugged")
}

impl Transport for SimulatedPrinter {
    fn write_all(&mut self, b: &[u8]) -> io::Result<()> {
        let rate = {
            let m = self.state.lock();
            if m.unplugged {
                return Err(unplugged_err());
            }
            m.bytes_per_sec
        };
        if let Some(rate) = rate {
            std::thread::sleep(Duration::from_secs_f64(b.len() as f64 / rate));
        }
        let mut m = self.state.lock();
        if m.unplugged {
            return Err(unplugged_err());
        }
        m.feed(b, Instant::now());
        Ok(())
    }

    fn read_byte(&mut self, timeout: Duration) -> io::Result<Option<u8>> {
        let deadline = Instant::now() + timeout;
        loop {
            {
                let mut m = self.state.lock();
                if m.unplugged {
                    return Err(unplugged_err());
                }
                if let Some(b) = m.pop_ready(Instant::now()) {
                    return Ok(Some(b));
                }
            }
            if Instant::now() >= deadline {
                return Ok(None);
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    fn clear_input(&mut self) -> io::Result<()> {
        let mut m = self.state.lock();
        if m.unplugged {
            return Err(unplugged_err());
        }
        let now = Instant::now();
        while m.pop_ready(now).is_some() {}
        Ok(())
    }
}

// ------------------------------------------------------------------ PTY emulator

#[cfg(all(unix, feature = "serial"))]
pub use pty::{EmulatorError, PtyPrinterEmulator};

#[cfg(all(unix, feature = "serial"))]
mod pty {
    use super::EmulatorState;
    use std::io;
    use std::ops::Deref;
    use std::path::{Path, PathBuf};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::thread::JoinHandle;
    use std::time::{Duration, Instant};

    static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

    /// Errors starting the PTY emulator.
    #[derive(Debug, thiserror::Error)]
    pub enum EmulatorError {
        #[error("cannot create pseudo-terminal")]
        Pty(#[from] serialport::Error),
        #[error("cannot create emulator link")]
        Io(#[from] io::Error),
    }

    struct Shared {
        want_plugged: AtomicBool,
        plugged: AtomicBool,
        stop: AtomicBool,
    }

    /// A printer behind a pseudo-terminal: open [`PtyPrinterEmulator::path`] with
    /// [`crate::SerialTransport`]. The path is a stable symlink (like `/dev/serial/by-id/…`) that
    /// disappears while the printer is unplugged.
    pub struct PtyPrinterEmulator {
        state: EmulatorState,
        shared: Arc<Shared>,
        dir: PathBuf,
        link: PathBuf,
        thread: Option<JoinHandle<()>>,
    }

    impl Deref for PtyPrinterEmulator {
        type Target = EmulatorState;
        fn deref(&self) -> &EmulatorState {
            &self.state
        }
    }

    fn plug(link: &Path) -> Result<serialport::TTYPort, EmulatorError> {
        use serialport::SerialPort;
        let (master, slave) = serialport::TTYPort::pair()?;
        let name = slave
            .name()
            .ok_or_else(|| io::Error::other("pty has no name"))?;
        drop(slave);
        let _ = std::fs::remove_file(link);
        std::os::unix::fs::symlink(&name, link)?;
        Ok(master)
    }

    impl PtyPrinterEmulator {
        /// Start the emulator thread with the printer plugged in.
        pub fn start() -> Result<Self, EmulatorError> {
            let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
            let dir = std::env::temp_dir().join(format!("dost-rp-emu-{}-{id}", std::process::id()));
            std::fs::create_dir_all(&dir)?;
            let link = dir.join("printer");
            let master = plug(&link)?;
            let state = EmulatorState::new(None);
            let shared = Arc::new(Shared {
                want_plugged: AtomicBool::new(true),
                plugged: AtomicBool::new(true),
                stop: AtomicBool::new(false),
            });
            let thread = {
                let (state, shared, link) = (state.clone(), shared.clone(), link.clone());
                std::thread::Builder::new()
                    .name("pty-printer-emulator".into())
                    .spawn(move || run(master, state, shared, link))?
            };
            Ok(Self {
                state,
                shared,
                dir,
                link,
                thread: Some(thread),
            })
        }

        /// Path to open (a symlink to the current pty).
        pub fn path(&self) -> &Path {
            &self.link
        }

        pub fn path_str(&self) -> String {
            self.link.to_string_lossy().into_owned()
        }

        fn wait_plugged(&self, want: bool) -> bool {
            let deadline = Instant::now() + Duration::from_secs(2);
            while self.shared.plugged.load(Ordering::SeqCst) != want {
                if Instant::now() > deadline {
                    return false;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            true
        }

        /// Pull the cable: the pty closes and the path disappears. Returns when done.
        pub fn unplug(&self) -> bool {
            self.shared.want_plugged.store(false, Ordering::SeqCst);
            self.wait_plugged(false)
        }

        /// Plug back in: a new pty behind the same path. Returns when done.
        pub fn replug(&self) -> bool {
            self.shared.want_plugged.store(true, Ordering::SeqCst);
            self.wait_plugged(true)
        }
    }

    impl Drop for PtyPrinterEmulator {
        fn drop(&mut self) {
            self.shared.stop.store(true, Ordering::SeqCst);
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
            let _ = std::fs::remove_file(&self.link);
            let _ = std::fs::remove_dir(&self.dir);
        }
    }

    fn run(master: serialport::TTYPort, state: EmulatorState, shared: Arc<Shared>, link: PathBuf) {
        use io::{Read, Write};
        use serialport::SerialPort;
        let mut master = Some(master);
        let mut buf = [0u8; 1024];
        while !shared.stop.load(Ordering::SeqCst) {
            let want = shared.want_plugged.load(Ordering::SeqCst);
            match (&mut master, want) {
                (Some(_), false) => {
                    master = None;
                    let _ = std::fs::remove_file(&link);
                    {
                        let mut m = state.lock();
                        m.unplugged = true;
                        m.input.clear();
                    }
                    shared.plugged.store(false, Ordering::SeqCst);
                    tracing::debug!("pty emulator unplugged");
                    continue;
                }
                (None, true) => match plug(&link) {
                    Ok(p) => {
                        master = Some(p);
                        state.lock().unplugged = false;
                        shared.plugged.store(true, Ordering::SeqCst);
                        tracing::debug!("pty emulator replugged");
                        continue;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "pty emulator cannot replug");
                        std::thread::sleep(Duration::from_millis(20));
                        continue;
                    }
                },
                (None, false) => {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                }
                (Some(_), true) => {}
            }
            let Some(port) = master.as_mut() else {
                continue;
            };
            let _ = port.set_timeout(Duration::from_millis(5));
            match port.read(&mut buf) {
                Ok(n) if n > 0 => state.lock().feed(&buf[..n], Instant::now()),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::TimedOut => {}
                Err(_) => std::thread::sleep(Duration::from_millis(5)), // no client has the pty open
            }
            let mut out = Vec::new();
            {
                let mut m = state.lock();
                let now = Instant::now();
                while let Some(b) = m.pop_ready(now) {
                    out.push(b);
                }
            }
            if !out.is_empty() {
                let _ = port.write_all(&out);
                let _ = port.flush();
            }
        }
    }
}

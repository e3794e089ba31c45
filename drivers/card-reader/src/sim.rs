//! Simulators: specimen MRZs (always), an in-process simulated reader for the kiosk
//! demo (features `sim` + `tokio`), and (unix, features `sim` + `serial`) a
//! pseudo-terminal emulator of a serial reader for tests.

/// Valid MRZ line sets (all check digits correct). Personal data are
/// invented.
pub mod specimens {
    fn owned(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|s| (*s).to_string()).collect()
    }

    /// ICAO Doc 9303 TD1 specimen (expired 2012-04-15).
    pub fn icao_td1() -> Vec<String> {
        owned(&[
            "I<UTOD231458907<<<<<<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ])
    }

    /// ICAO Doc 9303 TD2 specimen.
    pub fn icao_td2() -> Vec<String> {
        owned(&[
            "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
            "D231458907UTO7408122F1204159<<<<<<<6",
        ])
    }

    /// ICAO Doc 9303 TD3 (passport) specimen.
    pub fn icao_td3() -> Vec<String> {
        owned(&[
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
        ])
    }

    /// Azerbaijani TD1 ID card: FİN `5ZX7K2P`, MAMMADOV ALI, born
    /// 1990-03-15, expires 2034-03-15.
    pub fn aze_id_card() -> Vec<String> {
        owned(&[
            "IDAZEAA123456785ZX7K2P<<<<<<<<",
            "9003152M3403152AZE<<<<<<<<<<<1",
            "MAMMADOV<<ALI<<<<<<<<<<<<<<<<<",
        ])
    }

    /// Older Azerbaijani TD2 ID card: FİN `2AB4C6D`, HASANOVA LEYLA NIGAR,
    /// born 1985-01-01, expires 2028-06-15.
    pub fn aze_td2_card() -> Vec<String> {
        owned(&[
            "IDAZEHASANOVA<<LEYLA<NIGAR<<<<<<<<<<",
            "AZE1753461AZE8501019F28061582AB4C6D4",
        ])
    }

    /// Azerbaijani TD1 card that expired on 2024-01-01 (FİN `7HJ9KL3`,
    /// born 1972-02-29).
    pub fn aze_expired_card() -> Vec<String> {
        owned(&[
            "IDAZEAA765432167HJ9KL3<<<<<<<<",
            "7202294M2401014AZE<<<<<<<<<<<6",
            "ALIYEV<<RASHAD<<<<<<<<<<<<<<<<",
        ])
    }

    /// Turkish passport (TD3), expires 2030-01-01.
    pub fn foreign_passport() -> Vec<String> {
        owned(&[
            "P<TURYILMAZ<<MEHMET<EMRE<<<<<<<<<<<<<<<<<<<<",
            "U123456784TUR7805204M300101912345678901<<<06",
        ])
    }

    /// TD1 with a 13-character document number continued in the optional
    /// data (`D23145890AB11`).
    pub fn long_document_number() -> Vec<String> {
        owned(&[
            "I<UTOD23145890<AB118<<<<<<<<<<",
            "7408122F3404159UTO<<<<<<<<<<<2",
            "ERIKSSON<<ANNA<<<<<<<<<<<<<<<<",
        ])
    }

    /// Every specimen with a short name.
    pub fn all() -> Vec<(&'static str, Vec<String>)> {
        vec![
            ("icao_td1", icao_td1()),
            ("icao_td2", icao_td2()),
            ("icao_td3", icao_td3()),
            ("aze_id_card", aze_id_card()),
            ("aze_td2_card", aze_td2_card()),
            ("aze_expired_card", aze_expired_card()),
            ("foreign_passport", foreign_passport()),
            ("long_document_number", long_document_number()),
        ]
    }
}

#[cfg(all(feature = "sim", feature = "tokio"))]
pub use simulated::{SimulatedReader, SimulatedReaderHandle};

#[cfg(all(feature = "sim", feature = "tokio"))]
mod simulated {
    use chrono::NaiveDate;
    use tokio::sync::mpsc;
    use tokio_util::sync::CancellationToken;

    use crate::framing::{Framing, encode_frame};
    use crate::pipeline::{ReadPipeline, ReaderEvent, ReaderStatus};

    fn local_today() -> NaiveDate {
        chrono::Local::now().date_naive()
    }

    /// In-process reader for the kiosk demo: inserted cards are encoded with the
    /// configured framing and go through the same decoder and parser as serial
    /// reads ([`ReadPipeline`]).
    pub struct SimulatedReader;

    impl SimulatedReader {
        /// Spawns the simulator (needs a tokio runtime); sends `Status(Online)`
        /// first and `Status(Offline)` when `cancel` fires. Dates use the local
        /// clock.
        pub fn spawn(
            events: mpsc::Sender<ReaderEvent>,
            framing: Framing,
            cancel: CancellationToken,
        ) -> SimulatedReaderHandle {
            Self::spawn_with_today(events, framing, cancel, local_today)
        }

        /// Like [`spawn`](Self::spawn) with a chosen clock.
        pub fn spawn_with_today(
            events: mpsc::Sender<ReaderEvent>,
            framing: Framing,
            cancel: CancellationToken,
            today: fn() -> NaiveDate,
        ) -> SimulatedReaderHandle {
            let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
            tokio::spawn(async move {
                let mut pipeline = ReadPipeline::new(framing, today);
                if events
                    .send(ReaderEvent::Status(ReaderStatus::Online))
                    .await
                    .is_err()
                {
                    return;
                }
                loop {
                    let bytes = tokio::select! {
                        () = cancel.cancelled() => break,
                        b = rx.recv() => match b { Some(b) => b, None => break },
                    };
                    for ev in pipeline.push(&bytes) {
                        tokio::select! {
                            () = cancel.cancelled() => return,
                            r = events.send(ev) => if r.is_err() { return },
                        }
                    }
                }
                // Best effort: the receiver may be gone or full at shutdown.
                let _ = events.try_send(ReaderEvent::Status(ReaderStatus::Offline));
            });
            SimulatedReaderHandle { tx, framing }
        }
    }

    /// Handle to a [`SimulatedReader`]; cheap to clone.
    #[derive(Debug, Clone)]
    pub struct SimulatedReaderHandle {
        tx: mpsc::UnboundedSender<Vec<u8>>,
        framing: Framing,
    }

    impl SimulatedReaderHandle {
        /// Simulates a card read of `lines`. Returns false when the simulator has
        /// stopped.
        pub fn insert(&self, lines: &[String]) -> bool {
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            self.insert_raw(encode_frame(self.framing, &refs))
        }

        /// Pushes raw wire bytes (noise, broken frames). False when stopped.
        pub fn insert_raw(&self, bytes: Vec<u8>) -> bool {
            self.tx.send(bytes).is_ok()
        }
    }
}

#[cfg(all(unix, feature = "sim", feature = "serial"))]
pub use pty::{PtyEmulator, PtyError};

#[cfg(all(unix, feature = "sim", feature = "serial"))]
mod pty {
    use std::io::{self, Write};
    use std::path::{Path, PathBuf};

    use serialport::{SerialPort, TTYPort};

    use crate::framing::{Framing, encode_frame};

    /// Errors of the pty emulator.
    #[derive(Debug, thiserror::Error)]
    pub enum PtyError {
        #[error("creating pseudo-terminal pair")]
        Pair(#[source] serialport::Error),
        #[error("pseudo-terminal has no slave path")]
        NoName,
        #[error("pty emulator i/o")]
        Io(#[from] io::Error),
        #[error("emulated reader is unplugged")]
        Unplugged,
    }

    /// A serial MRZ reader emulated on a pseudo-terminal pair (tests). The
    /// reader under test opens [`path`](Self::path), a symlink in a private
    /// temp dir pointing at the pty slave, which stays the same across
    /// [`unplug`](Self::unplug) / [`replug`](Self::replug).
    pub struct PtyEmulator {
        dir: tempfile::TempDir,
        link: PathBuf,
        master: Option<TTYPort>,
    }

    impl PtyEmulator {
        pub fn new() -> Result<Self, PtyError> {
            let dir = tempfile::Builder::new()
                .prefix("card-reader-pty")
                .tempdir()?;
            let link = dir.path().join("mrz-reader");
            let mut emu = PtyEmulator {
                dir,
                link,
                master: None,
            };
            emu.replug()?;
            Ok(emu)
        }

        /// Stable path of the emulated device.
        pub fn path(&self) -> &Path {
            &self.link
        }

        /// Path as a string (for [`SerialSettings`](crate::SerialSettings)).
        pub fn path_string(&self) -> String {
            self.link.to_string_lossy().into_owned()
        }

        pub fn is_plugged(&self) -> bool {
            self.master.is_some()
        }

        /// Closes the pty (the reader sees a hang-up) and removes the link.
        pub fn unplug(&mut self) -> Result<(), PtyError> {
            self.master = None;
            match std::fs::remove_file(&self.link) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(e.into()),
            }
        }

        /// Creates a fresh pty pair behind the same link path.
        pub fn replug(&mut self) -> Result<(), PtyError> {
            self.unplug()?;
            let (master, slave) = TTYPort::pair().map_err(PtyError::Pair)?;
            let name = slave.name().ok_or(PtyError::NoName)?;
            // Only the reader under test keeps the slave open.
            drop(slave);
            std::os::unix::fs::symlink(name, &self.link)?;
            self.master = Some(master);
            tracing::debug!(dir = %self.dir.path().display(), "pty emulator plugged");
            Ok(())
        }

        /// Sends one read encoded with `framing`.
        pub fn send_read(&mut self, lines: &[&str], framing: Framing) -> Result<(), PtyError> {
            self.send_raw(&encode_frame(framing, lines))
        }

        /// Sends raw bytes. Until the reader under test has opened the port
        /// (the kiosk opens it after start-up and after a replug) the pty
        /// refuses writes; the emulator waits up to [`OPEN_WAIT`] for it, as
        /// a real reader would only be read once the port is open.
        pub fn send_raw(&mut self, bytes: &[u8]) -> Result<(), PtyError> {
            let m = self.master.as_mut().ok_or(PtyError::Unplugged)?;
            let deadline = std::time::Instant::now() + OPEN_WAIT;
            loop {
                match m.write(bytes) {
                    Ok(n) => {
                        m.write_all(&bytes[n..])?;
                        m.flush()?;
                        return Ok(());
                    }
                    Err(e) if not_open_yet(&e) && std::time::Instant::now() < deadline => {
                        std::thread::sleep(std::time::Duration::from_millis(20));
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }

    /// How long [`PtyEmulator::send_raw`] waits for the reader to open the port.
    pub const OPEN_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

    /// A pty master refuses writes with EIO (or a broken pipe) while no one holds the slave.
    fn not_open_yet(e: &io::Error) -> bool {
        e.kind() == io::ErrorKind::BrokenPipe || e.raw_os_error() == Some(5)
    }
}

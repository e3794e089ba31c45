//! Transports at the edge: our own serial transport (short timeouts, reconnects, feature
//! `serial`), the kernel's usblp device file with status read back, and an adapter for
//! the `escpos` crate's drivers (network, file).

use crate::Transport;
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

/// A serial printer (RS-232 or USB-serial) opened by path, e.g. `/dev/serial/by-id/…`.
///
/// Reads use the caller's short timeout (never the 5 s of the escpos serial driver). After an
/// I/O error the port is dropped and reopened on the next call, so an unplugged and replugged
/// adapter is picked up again.
#[cfg(feature = "serial")]
pub struct SerialTransport {
    path: String,
    baud: u32,
    port: Option<Box<dyn serialport::SerialPort>>,
}

#[cfg(feature = "serial")]
impl SerialTransport {
    /// Open `path` at `baud` (8N1, no flow control).
    pub fn open(path: &str, baud: u32) -> Result<Self, crate::PrinterError> {
        let mut t = Self {
            path: path.to_owned(),
            baud,
            port: None,
        };
        t.port = Some(t.open_port().map_err(|source| crate::PrinterError::Open {
            path: path.to_owned(),
            source,
        })?);
        Ok(t)
    }

    /// A transport that opens `path` lazily (the printer may be unplugged at start).
    pub fn lazy(path: &str, baud: u32) -> Self {
        Self {
            path: path.to_owned(),
            baud,
            port: None,
        }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    fn open_port(&self) -> Result<Box<dyn serialport::SerialPort>, serialport::Error> {
        serialport::new(&self.path, self.baud)
            .timeout(Duration::from_millis(100))
            .open()
    }

    fn port(&mut self) -> io::Result<&mut Box<dyn serialport::SerialPort>> {
        if self.port.is_none() {
            match self.open_port() {
                Ok(p) => {
                    tracing::info!(path = %self.path, "serial printer port opened");
                    self.port = Some(p);
                }
                Err(e) => {
                    let kind = match e.kind() {
                        serialport::ErrorKind::Io(k) => k,
                        _ => io::ErrorKind::NotFound,
                    };
                    let kind = if kind == io::ErrorKind::Other {
                        io::ErrorKind::NotFound
                    } else {
                        kind
                    };
                    return Err(io::Error::new(kind, e));
                }
            }
        }
        self.port
            .as_mut()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotConnected))
    }

    /// Any failure of an open port other than a timeout means the link is gone (EIO after
    /// a USB-serial adapter is pulled): close it, report `NotConnected` (source kept), and
    /// reopen on the next call.
    fn on_err<R>(&mut self, r: io::Result<R>) -> io::Result<R> {
        match r {
            Err(e) if e.kind() != io::ErrorKind::TimedOut && self.port.is_some() => {
                tracing::debug!(error = %e, path = %self.path, "serial port error, closing");
                self.port = None;
                Err(io::Error::new(io::ErrorKind::NotConnected, e))
            }
            other => other,
        }
    }
}

#[cfg(feature = "serial")]
impl Transport for SerialTransport {
    fn write_all(&mut self, b: &[u8]) -> io::Result<()> {
        let r = self.port().and_then(|p| {
            p.write_all(b)?;
            p.flush()
        });
        self.on_err(r)
    }

    fn read_byte(&mut self, timeout: Duration) -> io::Result<Option<u8>> {
        let r = self.port().and_then(|p| {
            p.set_timeout(timeout.max(Duration::from_millis(1)))?;
            let mut buf = [0u8; 1];
            match p.read(&mut buf) {
                Ok(1) => Ok(Some(buf[0])),
                Ok(_) => Err(io::Error::from(io::ErrorKind::UnexpectedEof)),
                Err(e) if e.kind() == io::ErrorKind::TimedOut => Ok(None),
                Err(e) => Err(e),
            }
        });
        self.on_err(r)
    }

    fn clear_input(&mut self) -> io::Result<()> {
        let r = self.port().and_then(|p| {
            p.clear(serialport::ClearBuffer::Input)
                .map_err(io::Error::from)?;
            // Bytes already in flight: take what is there without waiting.
            let mut buf = [0u8; 64];
            while p.bytes_to_read().map_err(io::Error::from)? > 0 {
                let _ = p.read(&mut buf)?;
            }
            Ok(())
        });
        self.on_err(r)
    }
}

/// Adapter for any `escpos` crate driver (`NetworkDriver`, `FileDriver`, …).
///
/// The driver's own timeout bounds reads (open `NetworkDriver` with a short one, e.g. 200 ms);
/// `clear_input` is a no-op since those drivers cannot tell whether input is pending.
pub struct EscposTransport<D> {
    driver: D,
}

impl<D: escpos::driver::Driver + Send> EscposTransport<D> {
    pub fn new(driver: D) -> Self {
        Self { driver }
    }

    pub fn driver(&self) -> &D {
        &self.driver
    }
}

impl EscposTransport<escpos::driver::NetworkDriver> {
    /// A network printer (raw port, usually 9100) with a short timeout.
    pub fn network(host: &str, port: u16, timeout: Duration) -> io::Result<Self> {
        escpos::driver::NetworkDriver::open(host, port, Some(timeout))
            .map(Self::new)
            .map_err(to_io)
    }
}

impl EscposTransport<escpos::driver::FileDriver> {
    /// A printer device file, e.g. `/dev/usb/lp0`.
    pub fn file(path: &std::path::Path) -> io::Result<Self> {
        escpos::driver::FileDriver::open(path)
            .map(Self::new)
            .map_err(to_io)
    }
}

fn to_io(e: escpos::errors::PrinterError) -> io::Error {
    io::Error::other(e)
}

/// The escpos drivers flatten I/O errors to strings; a read timeout shows up like this.
fn is_timeout_text(e: &escpos::errors::PrinterError) -> bool {
    let s = e.to_string();
    s.contains("timed out") || s.contains("temporarily unavailable") || s.contains("would block")
}

impl<D: escpos::driver::Driver + Send> Transport for EscposTransport<D> {
    fn write_all(&mut self, b: &[u8]) -> io::Result<()> {
        self.driver.write(b).map_err(to_io)?;
        self.driver.flush().map_err(to_io)
    }

    fn read_byte(&mut self, _timeout: Duration) -> io::Result<Option<u8>> {
        let mut buf = [0u8; 1];
        match self.driver.read(&mut buf) {
            Ok(1) => Ok(Some(buf[0])),
            Ok(_) => Ok(None),
            Err(e) if is_timeout_text(&e) => Ok(None),
            Err(e) => Err(to_io(e)),
        }
    }

    fn clear_input(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Linux `O_NONBLOCK`.
#[cfg(unix)]
const O_NONBLOCK: i32 = 0o4000;
/// Pause between polls of a non-blocking device file.
const POLL_PAUSE: Duration = Duration::from_millis(2);
/// Longest a write may wait for a busy printer.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// A USB printer through the kernel's usblp driver (`/dev/usb/lp0`, or a stable udev
/// link such as `/dev/dost-printer`). The file is opened non-blocking, so status
/// replies are read back with the caller's timeout; after an error (ENODEV when the
/// printer is unplugged) the file is closed and reopened on the next call.
pub struct UsbLpTransport {
    path: std::path::PathBuf,
    file: Option<std::fs::File>,
}

impl UsbLpTransport {
    /// Opens `path` now.
    pub fn open(path: impl Into<std::path::PathBuf>) -> io::Result<Self> {
        let mut t = Self::lazy(path);
        t.file = Some(t.open_file()?);
        Ok(t)
    }

    /// Opens `path` at first use (the printer may be unplugged at start).
    pub fn lazy(path: impl Into<std::path::PathBuf>) -> Self {
        Self {
            path: path.into(),
            file: None,
        }
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    fn open_file(&self) -> io::Result<std::fs::File> {
        let mut o = std::fs::OpenOptions::new();
        o.read(true).write(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut o, O_NONBLOCK);
        o.open(&self.path)
    }

    fn file(&mut self) -> io::Result<&mut std::fs::File> {
        if self.file.is_none() {
            self.file = Some(self.open_file()?);
            tracing::info!(path = %self.path.display(), "usblp printer opened");
        }
        self.file
            .as_mut()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotConnected))
    }

    fn on_err<R>(&mut self, r: io::Result<R>) -> io::Result<R> {
        if let Err(e) = &r {
            tracing::debug!(error = %e, path = %self.path.display(), "usblp error, closing");
            self.file = None;
        }
        r
    }

    fn write_inner(&mut self, mut b: &[u8]) -> io::Result<()> {
        let deadline = Instant::now() + WRITE_TIMEOUT;
        let f = self.file()?;
        while !b.is_empty() {
            match f.write(b) {
                Ok(0) => return Err(io::Error::from(io::ErrorKind::WriteZero)),
                Ok(n) => b = &b[n..],
                Err(e) if e.kind() == io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                    std::thread::sleep(POLL_PAUSE);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        f.flush()
    }

    fn read_inner(&mut self, timeout: Duration) -> io::Result<Option<u8>> {
        let deadline = Instant::now() + timeout;
        let f = self.file()?;
        let mut buf = [0u8; 1];
        loop {
            match f.read(&mut buf) {
                Ok(1) => return Ok(Some(buf[0])),
                // usblp reports "nothing" as 0 bytes or EAGAIN, depending on the printer.
                Ok(_) => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                    ) => {}
                Err(e) => return Err(e),
            }
            if Instant::now() >= deadline {
                return Ok(None);
            }
            std::thread::sleep(POLL_PAUSE);
        }
    }
}

impl Transport for UsbLpTransport {
    fn write_all(&mut self, b: &[u8]) -> io::Result<()> {
        let r = self.write_inner(b);
        self.on_err(r)
    }

    fn read_byte(&mut self, timeout: Duration) -> io::Result<Option<u8>> {
        let r = self.read_inner(timeout);
        self.on_err(r)
    }

    fn clear_input(&mut self) -> io::Result<()> {
        let r = (|| {
            for _ in 0..4096 {
                if self.read_inner(Duration::ZERO)?.is_none() {
                    break;
                }
            }
            Ok(())
        })();
        self.on_err(r)
    }
}

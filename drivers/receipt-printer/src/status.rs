//! Real-time status (`DLE EOT n`) parsing (pure).

/// Device state, after the CEN/XFS model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceState {
    Online,
    Offline,
    NoDevice,
    HardwareError,
}

/// Paper supply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PaperLevel {
    Ok,
    Low,
    Out,
}

/// Printer status as seen by the kiosk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PrinterStatus {
    pub device: DeviceState,
    pub paper: PaperLevel,
    pub cover_open: bool,
    pub cutter_error: bool,
}

impl PrinterStatus {
    /// A status for a printer that is not there.
    pub fn no_device() -> Self {
        Self {
            device: DeviceState::NoDevice,
            paper: PaperLevel::Ok,
            cover_open: false,
            cutter_error: false,
        }
    }

    /// Whether a job can be sent now.
    pub fn can_print(&self) -> bool {
        self.device == DeviceState::Online
            && self.paper != PaperLevel::Out
            && !self.cover_open
            && !self.cutter_error
    }
}

/// The four real-time status requests (`DLE EOT n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusRequest {
    /// n=1: printer status.
    Printer = 1,
    /// n=2: offline cause.
    OfflineCause = 2,
    /// n=3: error cause.
    ErrorCause = 3,
    /// n=4: roll paper sensor.
    Paper = 4,
}

impl StatusRequest {
    pub const ALL: [StatusRequest; 4] = [
        StatusRequest::Printer,
        StatusRequest::OfflineCause,
        StatusRequest::ErrorCause,
        StatusRequest::Paper,
    ];

    /// The bytes to send.
    pub fn command(self) -> [u8; 3] {
        let dle_eot = escpos::utils::DLE_REAL_TIME_STATUS;
        [dle_eot[0], dle_eot[1], self as u8]
    }
}

/// A reply byte that does not have the fixed bits of a status reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("garbled status reply 0x{0:02X} (pattern 0xx1xx10 expected)")]
pub struct StatusByteError(pub u8);

/// Whether `b` looks like a `DLE EOT` reply: bits 1 and 4 set, bits 0 and 7 clear.
pub fn is_status_byte(b: u8) -> bool {
    b & 0b1001_0011 == 0b0001_0010
}

/// Combine the four replies (n = 1, 2, 3, 4) into a status.
pub fn parse_status(replies: [u8; 4]) -> Result<PrinterStatus, StatusByteError> {
    for b in replies {
        if !is_status_byte(b) {
            return Err(StatusByteError(b));
        }
    }
    let [printer, offline, error, paper] = replies;
    let offline_bit = printer & 0x08 != 0;
    let cover_open = offline & 0x04 != 0;
    let paper_end_stop = offline & 0x20 != 0;
    let cutter_error = error & 0x08 != 0;
    let unrecoverable = error & 0x20 != 0;
    let auto_recoverable = error & 0x40 != 0;
    let paper_level = if paper & 0x60 != 0 || paper_end_stop {
        PaperLevel::Out
    } else if paper & 0x0C != 0 {
        PaperLevel::Low
    } else {
        PaperLevel::Ok
    };
    let device = if unrecoverable {
        DeviceState::HardwareError
    } else if offline_bit || auto_recoverable {
        DeviceState::Offline
    } else {
        DeviceState::Online
    };
    Ok(PrinterStatus {
        device,
        paper: paper_level,
        cover_open,
        cutter_error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: [u8; 4] = [0x12, 0x12, 0x12, 0x12];

    fn with(i: usize, bits: u8) -> [u8; 4] {
        let mut r = OK;
        r[i] |= bits;
        r
    }

    #[test]
    fn healthy() {
        let s = parse_status(OK).unwrap();
        assert_eq!(
            s,
            PrinterStatus {
                device: DeviceState::Online,
                paper: PaperLevel::Ok,
                cover_open: false,
                cutter_error: false
            }
        );
        assert!(s.can_print());
    }

    #[test]
    fn each_bit() {
        assert_eq!(
            parse_status(with(0, 0x08)).unwrap().device,
            DeviceState::Offline
        );
        assert!(parse_status(with(1, 0x04)).unwrap().cover_open);
        assert_eq!(parse_status(with(1, 0x20)).unwrap().paper, PaperLevel::Out);
        assert!(parse_status(with(2, 0x08)).unwrap().cutter_error);
        assert_eq!(
            parse_status(with(2, 0x20)).unwrap().device,
            DeviceState::HardwareError
        );
        assert_eq!(
            parse_status(with(2, 0x40)).unwrap().device,
            DeviceState::Offline
        );
        assert_eq!(parse_status(with(3, 0x0C)).unwrap().paper, PaperLevel::Low);
        assert_eq!(parse_status(with(3, 0x04)).unwrap().paper, PaperLevel::Low);
        assert_eq!(parse_status(with(3, 0x60)).unwrap().paper, PaperLevel::Out);
        assert_eq!(parse_status(with(3, 0x6C)).unwrap().paper, PaperLevel::Out);
        // Bits that mean nothing to us leave the status healthy.
        assert!(parse_status(with(0, 0x04)).unwrap().can_print());
        for (i, bits) in [
            (0, 0x08),
            (1, 0x04),
            (1, 0x20),
            (2, 0x08),
            (2, 0x20),
            (3, 0x60),
        ] {
            assert!(
                !parse_status(with(i, bits)).unwrap().can_print(),
                "{i} {bits:#x}"
            );
        }
        assert!(parse_status(with(3, 0x0C)).unwrap().can_print());
    }

    #[test]
    fn garbled_bytes() {
        for b in [0x00, 0xFF, 0x13, 0x92, 0x10, 0x02, 0x1A | 0x80] {
            assert!(!is_status_byte(b), "{b:#x}");
        }
        assert!(is_status_byte(0x12) && is_status_byte(0x7E) && is_status_byte(0x1A));
        assert_eq!(
            parse_status([0x12, 0x12, 0xFF, 0x12]),
            Err(StatusByteError(0xFF))
        );
    }

    #[test]
    fn agrees_with_escpos_crate_pattern_check() {
        use escpos::utils::{RealTimeStatusRequest, RealTimeStatusResponse};
        for b in 0..=255u8 {
            let theirs = RealTimeStatusResponse::parse(RealTimeStatusRequest::Printer, b).is_ok();
            assert_eq!(is_status_byte(b), theirs, "{b:#x}");
        }
    }
}

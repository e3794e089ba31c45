//! Status parsing (pure): real-time `DLE EOT n`, the paper sensor `GS r 1`, and Custom's
//! full status `DLE EOT 20`.
//!
//! The paper bits differ between commands: `DLE EOT 4` reports near end in bits 2–3
//! (0x0C) and paper end in bits 5–6 (0x60; bit 5 only on printers using bit 6 for their
//! presenter); `GS r 1` reports near end in bits 0–1 (0x03) and paper end in bits 2–3
//! (0x0C).

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
    /// n=20: Custom's 6-byte full status.
    CustomFull = 20,
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

/// Combine the four replies (n = 1, 2, 3, 4) into a status (Epson bits).
pub fn parse_status(replies: [u8; 4]) -> Result<PrinterStatus, StatusByteError> {
    parse_dle_eot(replies, 0x60, None).map(|r| r.status)
}

/// A status and, on presenter models, whether a receipt waits in the presenter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusReport {
    pub status: PrinterStatus,
    pub paper_in_presenter: Option<bool>,
}

/// Combine the four `DLE EOT` replies; `paper_end` are the paper-end bits of the
/// `DLE EOT 4` reply, `presenter` its "paper in presenter" bit, if any.
pub fn parse_dle_eot(
    replies: [u8; 4],
    paper_end: u8,
    presenter: Option<u8>,
) -> Result<StatusReport, StatusByteError> {
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
    let paper_level = if paper & paper_end != 0 || paper_end_stop {
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
    Ok(StatusReport {
        status: PrinterStatus {
            device,
            paper: paper_level,
            cover_open,
            cutter_error,
        },
        paper_in_presenter: presenter.map(|bit| paper & bit != 0),
    })
}

/// The `GS r 1` paper sensor reply: near end in bits 0–1, paper end in bits 2–3; bits 4
/// and 7 are always clear.
pub fn parse_gs_r1(b: u8) -> Result<PaperLevel, StatusByteError> {
    if b & 0x90 != 0 {
        return Err(StatusByteError(b));
    }
    Ok(if b & 0x0C != 0 {
        PaperLevel::Out
    } else if b & 0x03 != 0 {
        PaperLevel::Low
    } else {
        PaperLevel::Ok
    })
}

/// Custom's full status `10 0F paper user recoverable unrecoverable`
/// (`DLE EOT 20`): paper byte 0x01 paper end, 0x04 near end, 0x20 ticket in the
/// presenter; user byte 0x01 head up, 0x02 cover open; recoverable errors 0x01 head
/// temperature, 0x08 power supply, 0x40 paper jam; unrecoverable 0x01 cutter, others
/// (RAM, EEPROM, presenter) a hardware error.
pub fn parse_custom_full(reply: [u8; 6]) -> Result<StatusReport, StatusByteError> {
    let [h1, h2, paper, user, rec, unrec] = reply;
    if h1 != 0x10 {
        return Err(StatusByteError(h1));
    }
    if h2 != 0x0F {
        return Err(StatusByteError(h2));
    }
    let paper_level = if paper & 0x01 != 0 {
        PaperLevel::Out
    } else if paper & 0x04 != 0 {
        PaperLevel::Low
    } else {
        PaperLevel::Ok
    };
    let device = if unrec & !0x01 != 0 {
        DeviceState::HardwareError
    } else if user & 0x01 != 0 || rec & 0x49 != 0 {
        DeviceState::Offline
    } else {
        DeviceState::Online
    };
    Ok(StatusReport {
        status: PrinterStatus {
            device,
            paper: paper_level,
            cover_open: user & 0x02 != 0,
            cutter_error: unrec & 0x01 != 0,
        },
        paper_in_presenter: Some(paper & 0x20 != 0),
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
    fn dle_eot_4_and_gs_r_1_use_different_bits() {
        // DLE EOT 4: 0x0C near end, 0x60 end.
        assert_eq!(parse_status(with(3, 0x0C)).unwrap().paper, PaperLevel::Low);
        assert_eq!(parse_status(with(3, 0x60)).unwrap().paper, PaperLevel::Out);
        // GS r 1: 0x03 near end, 0x0C end; the same 0x0C means "out" here.
        assert_eq!(parse_gs_r1(0x00), Ok(PaperLevel::Ok));
        assert_eq!(parse_gs_r1(0x03), Ok(PaperLevel::Low));
        assert_eq!(parse_gs_r1(0x01), Ok(PaperLevel::Low));
        assert_eq!(parse_gs_r1(0x0C), Ok(PaperLevel::Out));
        assert_eq!(parse_gs_r1(0x0F), Ok(PaperLevel::Out));
        assert_eq!(parse_gs_r1(0x12), Err(StatusByteError(0x12)));
        assert_eq!(parse_gs_r1(0x80), Err(StatusByteError(0x80)));
    }

    #[test]
    fn presenter_bit_of_dle_eot_4() {
        // Citizen PPU-700: 0x20 paper end, 0x40 paper in presenter.
        let r = parse_dle_eot(with(3, 0x40), 0x20, Some(0x40)).unwrap();
        assert_eq!(r.paper_in_presenter, Some(true));
        assert_eq!(r.status.paper, PaperLevel::Ok);
        let r = parse_dle_eot(with(3, 0x20), 0x20, Some(0x40)).unwrap();
        assert_eq!(
            (r.status.paper, r.paper_in_presenter),
            (PaperLevel::Out, Some(false))
        );
        assert_eq!(
            parse_dle_eot(OK, 0x60, None).unwrap().paper_in_presenter,
            None
        );
    }

    #[test]
    fn custom_full_status() {
        let ok = parse_custom_full([0x10, 0x0F, 0, 0, 0, 0]).unwrap();
        assert!(ok.status.can_print());
        assert_eq!(ok.paper_in_presenter, Some(false));
        let r = parse_custom_full([0x10, 0x0F, 0x20, 0, 0, 0]).unwrap();
        assert_eq!(r.paper_in_presenter, Some(true));
        assert_eq!(
            parse_custom_full([0x10, 0x0F, 0x01, 0, 0, 0])
                .unwrap()
                .status
                .paper,
            PaperLevel::Out
        );
        assert_eq!(
            parse_custom_full([0x10, 0x0F, 0x04, 0, 0, 0])
                .unwrap()
                .status
                .paper,
            PaperLevel::Low
        );
        assert!(
            parse_custom_full([0x10, 0x0F, 0, 0x02, 0, 0])
                .unwrap()
                .status
                .cover_open
        );
        assert!(
            parse_custom_full([0x10, 0x0F, 0, 0, 0, 0x01])
                .unwrap()
                .status
                .cutter_error
        );
        assert_eq!(
            parse_custom_full([0x10, 0x0F, 0, 0, 0, 0x80])
                .unwrap()
                .status
                .device,
            DeviceState::HardwareError
        );
        assert_eq!(
            parse_custom_full([0x12, 0x0F, 0, 0, 0, 0]),
            Err(StatusByteError(0x12))
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

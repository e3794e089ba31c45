//! The health model shared by the screens, the heartbeat and `dost-kiosk doctor`: device
//! states after CEN/XFS, the paper supply, and one level per part with the rules that set it.

use chrono::{DateTime, Utc};
use dost_api::{DeviceReport, DeviceState, SupplyLevel};
use serde::{Deserialize, Serialize};

use crate::card::CardTest;
use crate::chip::{ChipBoard, ChipReaderState};
use crate::paper::{PaperLevel, Supply};

/// How healthy a part is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    Warn,
    Fail,
}

/// Paper as the printer's own sensor reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SensorPaper {
    Ok,
    /// Near end.
    Low,
    Out,
}

/// What the receipt printer reported last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrinterFacts {
    /// Online, offline, no device or hardware error (a cover open is a user error).
    pub state: DeviceState,
    pub paper: SensorPaper,
    pub cover_open: bool,
    pub cutter_error: bool,
}

impl PrinterFacts {
    /// What is wrong besides the state ("cover open, cutter error"), technical.
    pub fn problems(&self) -> Option<String> {
        let detail = [
            self.cover_open.then_some("cover open"),
            self.cutter_error.then_some("cutter error"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        (!detail.is_empty()).then_some(detail)
    }

    /// Whether a receipt can be printed now.
    pub fn can_print(&self) -> bool {
        self.state == DeviceState::Online
            && self.paper != SensorPaper::Out
            && !self.cover_open
            && !self.cutter_error
    }

    /// The state the centre is told: a cover open is a user error.
    pub fn reported_state(&self) -> DeviceState {
        if self.state == DeviceState::Online && self.cover_open {
            DeviceState::UserError
        } else {
            self.state
        }
    }
}

/// The devices as last reported. `None`: the device has not reported since the core started.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeviceBoard {
    pub reader: Option<DeviceState>,
    pub printer: Option<PrinterFacts>,
    /// Paper left by the counter (the printer worker's estimate).
    pub supply: Option<Supply>,
    /// The last card read, for the technician's live test.
    pub last_read: Option<LastRead>,
    /// The chip reader and its last read or test (empty when chip authentication is off).
    pub chip: ChipBoard,
}

/// A card read, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastRead {
    pub test: CardTest,
    pub at: DateTime<Utc>,
}

/// A device's name in heartbeats and on the technician's screen.
pub const READER: &str = "card_reader";
pub const PRINTER: &str = "receipt_printer";
pub const CHIP_READER: &str = "chip_reader";

impl DeviceBoard {
    /// The card reader can read (or has not said otherwise yet).
    pub fn reader_ok(&self) -> bool {
        self.reader.is_none_or(|s| s == DeviceState::Online)
    }

    /// The printer can print now (or has not said otherwise yet).
    pub fn printer_ok(&self) -> bool {
        self.printer.is_none_or(|p| p.can_print())
    }

    /// Paper as staff see it: the sensor first, then the counter's prediction.
    pub fn paper(&self) -> PaperLevel {
        PaperLevel::of(self.printer.map(|p| p.paper), self.supply)
    }

    /// The devices as the centre's heartbeat reports them (a device that has not reported
    /// yet is reported offline).
    pub fn reports(&self) -> Vec<DeviceReport> {
        let printer = self.printer.map(|p| (p.reported_state(), p.problems()));
        let supply = match self.paper() {
            PaperLevel::Ok => SupplyLevel::Ok,
            PaperLevel::Low => SupplyLevel::Low,
            PaperLevel::Out => SupplyLevel::Out,
            PaperLevel::Unknown => SupplyLevel::Unknown,
        };
        let mut out = vec![
            DeviceReport {
                name: READER.into(),
                state: self.reader.unwrap_or(DeviceState::Offline),
                supply: None,
                detail: None,
            },
            DeviceReport {
                name: PRINTER.into(),
                state: printer.as_ref().map_or(DeviceState::Offline, |p| p.0),
                supply: Some(supply),
                detail: printer.and_then(|p| p.1),
            },
        ];
        // The chip reader only when chip authentication is on.
        if let Some(chip) = &self.chip.reader {
            out.push(DeviceReport {
                name: CHIP_READER.into(),
                state: chip_state(chip),
                supply: None,
                detail: match chip {
                    ChipReaderState::Unavailable { error } => Some(error.clone()),
                    _ => None,
                },
            });
        }
        out
    }
}

/// The state a chip reader reports.
pub fn chip_state(chip: &ChipReaderState) -> DeviceState {
    match chip {
        ChipReaderState::Simulated | ChipReaderState::Ready { .. } => DeviceState::Online,
        ChipReaderState::Unavailable { .. } => DeviceState::NoDevice,
    }
}

/// The level of a device in a state.
pub fn device_level(state: DeviceState) -> Level {
    match state {
        DeviceState::Online => Level::Ok,
        DeviceState::Busy | DeviceState::UserError => Level::Warn,
        _ => Level::Fail,
    }
}

/// Free space below this fails the disk check: the kiosk may soon not store applications.
pub const DISK_FAIL_BYTES: u64 = 100 << 20;
/// Free space below this warns.
pub const DISK_WARN_BYTES: u64 = 1 << 30;

/// The level of the data disk with `free` bytes left (`None`: unknown).
pub fn disk_level(free: Option<u64>) -> Level {
    match free {
        Some(b) if b < DISK_FAIL_BYTES => Level::Fail,
        Some(b) if b < DISK_WARN_BYTES => Level::Warn,
        Some(_) => Level::Ok,
        None => Level::Warn,
    }
}

/// `12 GB free`, `512 MB free`, `unknown`.
pub fn disk_text(free: Option<u64>) -> String {
    match free {
        Some(b) if b >= DISK_WARN_BYTES => format!("{} GB free", b >> 30),
        Some(b) => format!("{} MB free", b >> 20),
        None => "unknown".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printer(state: DeviceState) -> PrinterFacts {
        PrinterFacts {
            state,
            paper: SensorPaper::Ok,
            cover_open: false,
            cutter_error: false,
        }
    }

    #[test]
    fn unreported_devices_do_not_block_but_are_reported_offline() {
        let board = DeviceBoard::default();
        assert!(board.reader_ok() && board.printer_ok());
        let reports = board.reports();
        assert!(reports.iter().all(|r| r.state == DeviceState::Offline));
        assert_eq!(reports[1].supply, Some(SupplyLevel::Unknown));
    }

    #[test]
    fn cover_open_is_a_user_error_and_stops_printing() {
        let board = DeviceBoard {
            reader: Some(DeviceState::Online),
            printer: Some(PrinterFacts {
                cover_open: true,
                ..printer(DeviceState::Online)
            }),
            ..DeviceBoard::default()
        };
        assert!(!board.printer_ok());
        let p = &board.reports()[1];
        assert_eq!(p.state, DeviceState::UserError);
        assert_eq!(p.detail.as_deref(), Some("cover open"));
        assert_eq!(device_level(p.state), Level::Warn);
        assert_eq!(device_level(DeviceState::NoDevice), Level::Fail);
    }

    #[test]
    fn paper_from_sensor_then_counter() {
        let mut board = DeviceBoard {
            printer: Some(printer(DeviceState::Online)),
            supply: Some(Supply {
                receipts_left: 12,
                low: true,
            }),
            ..DeviceBoard::default()
        };
        assert_eq!(board.paper(), PaperLevel::Low, "the counter predicts low");
        assert_eq!(board.reports()[1].supply, Some(SupplyLevel::Low));
        board.printer = Some(PrinterFacts {
            paper: SensorPaper::Out,
            ..printer(DeviceState::Online)
        });
        assert_eq!(board.paper(), PaperLevel::Out);
        assert!(!board.printer_ok());
    }

    #[test]
    fn disk_thresholds() {
        assert_eq!(disk_level(Some(50 << 20)), Level::Fail);
        assert_eq!(disk_level(Some(500 << 20)), Level::Warn);
        assert_eq!(disk_level(Some(5 << 30)), Level::Ok);
        assert_eq!(disk_level(None), Level::Warn);
        assert_eq!(disk_text(Some(5 << 30)), "5 GB free");
        assert_eq!(disk_text(Some(500 << 20)), "500 MB free");
    }
}

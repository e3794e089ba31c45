//! The one paper counter: paper used since the last restock, against the roll's length, tells
//! how many receipts are left and when paper runs low (before the printer's sensor says so).

use serde::Serialize;

use crate::health::SensorPaper;

/// Paper of a standard receipt, for predictions.
pub const TYPICAL_RECEIPT_MM: f64 = 110.0;

/// The paper roll as configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaperRoll {
    /// Length of a full roll, mm.
    pub roll_length_mm: u32,
    /// Paper is low when fewer receipts than this are left.
    pub low_receipts: u32,
}

/// What the counter predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Supply {
    pub receipts_left: u64,
    pub low: bool,
}

impl PaperRoll {
    /// Receipts left after `used_mm` of the roll were printed.
    pub fn receipts_left(&self, used_mm: f64) -> u64 {
        let left = (f64::from(self.roll_length_mm) - used_mm.max(0.0)).max(0.0);
        (left / TYPICAL_RECEIPT_MM) as u64
    }

    /// The counter's prediction after `used_mm`; the sensor saying near end or out makes it low.
    pub fn supply(&self, used_mm: f64, sensor: Option<SensorPaper>) -> Supply {
        let receipts_left = self.receipts_left(used_mm);
        let low = sensor.is_some_and(|s| s != SensorPaper::Ok)
            || receipts_left < u64::from(self.low_receipts);
        Supply { receipts_left, low }
    }
}

/// Paper as staff see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PaperLevel {
    Ok,
    Low,
    Out,
    /// The printer has not reported.
    #[default]
    Unknown,
}

impl PaperLevel {
    /// The sensor first (out is out), then the counter's prediction.
    pub fn of(sensor: Option<SensorPaper>, supply: Option<Supply>) -> PaperLevel {
        match sensor {
            None => PaperLevel::Unknown,
            Some(SensorPaper::Out) => PaperLevel::Out,
            Some(SensorPaper::Low) => PaperLevel::Low,
            Some(SensorPaper::Ok) if supply.is_some_and(|s| s.low) => PaperLevel::Low,
            Some(SensorPaper::Ok) => PaperLevel::Ok,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLL: PaperRoll = PaperRoll {
        roll_length_mm: 80_000,
        low_receipts: 30,
    };

    #[test]
    fn receipts_left_and_low_threshold() {
        assert_eq!(ROLL.receipts_left(0.0), 727);
        assert_eq!(ROLL.receipts_left(90_000.0), 0);
        assert_eq!(
            ROLL.receipts_left(-5.0),
            727,
            "a negative counter counts as 0"
        );
        let nearly = 80_000.0 - 29.0 * TYPICAL_RECEIPT_MM;
        assert!(ROLL.supply(nearly, Some(SensorPaper::Ok)).low);
        assert!(!ROLL.supply(0.0, Some(SensorPaper::Ok)).low);
        assert!(ROLL.supply(0.0, Some(SensorPaper::Low)).low);
    }

    #[test]
    fn level_sensor_first() {
        let low = Some(Supply {
            receipts_left: 3,
            low: true,
        });
        assert_eq!(PaperLevel::of(None, low), PaperLevel::Unknown);
        assert_eq!(PaperLevel::of(Some(SensorPaper::Ok), low), PaperLevel::Low);
        assert_eq!(
            PaperLevel::of(Some(SensorPaper::Out), None),
            PaperLevel::Out
        );
        assert_eq!(PaperLevel::of(Some(SensorPaper::Ok), None), PaperLevel::Ok);
    }
}

//! The chip reader's lines on the technician's screen: the reader (PC/SC or simulated) and
//! the last chip read or live test.

use super::baku_time;
use crate::chip::{ChipBoard, ChipOutcome, ChipReadFailure, ChipReaderState, ChipTest};
use crate::health::Level;
use crate::view::{PartName, PartStatus, PartView};

/// The chip reader's parts (none when chip authentication is off).
pub(super) fn parts(board: &ChipBoard) -> Vec<PartView> {
    let Some(reader) = &board.reader else {
        return Vec::new();
    };
    let reader_level = match reader {
        ChipReaderState::Simulated | ChipReaderState::Ready { .. } => Level::Ok,
        ChipReaderState::Unavailable { .. } => Level::Fail,
    };
    let test = match &board.last {
        None => PartView {
            name: PartName::ChipTest,
            level: Level::Ok,
            status: PartStatus::NoChipTestYet,
        },
        Some(last) => PartView {
            name: PartName::ChipTest,
            level: test_level(&last.test),
            status: PartStatus::ChipTested {
                test: last.test.clone(),
                at: baku_time(last.at),
            },
        },
    };
    vec![
        PartView {
            name: PartName::ChipReader,
            level: reader_level,
            status: PartStatus::ChipReader(reader.clone()),
        },
        test,
    ]
}

/// A forged card is not the reader's fault; a reader that cannot read is.
fn test_level(test: &ChipTest) -> Level {
    match test {
        ChipTest::Read {
            outcome:
                ChipOutcome::ReadFailed(ChipReadFailure::ReaderUnavailable | ChipReadFailure::Protocol),
            ..
        }
        | ChipTest::ProbeFailed { .. } => Level::Warn,
        ChipTest::Probe { emrtd: false, .. } => Level::Warn,
        _ => Level::Ok,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chip::{ChipInvalid, ChipLastTest};

    #[test]
    fn chip_parts_follow_the_board() {
        assert!(
            parts(&ChipBoard::default()).is_empty(),
            "chip off: no lines"
        );
        let at = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
        let board = ChipBoard {
            reader: Some(ChipReaderState::Unavailable {
                error: "pcscd is not running".into(),
            }),
            last: Some(ChipLastTest {
                test: ChipTest::Read {
                    outcome: ChipOutcome::Invalid(ChipInvalid::Clone),
                    access: "PACE-GM P-256 AES-128".into(),
                    ms: 1500,
                },
                at,
            }),
        };
        let p = parts(&board);
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].name, p[0].level), (PartName::ChipReader, Level::Fail));
        assert_eq!(
            (p[1].name, p[1].level),
            (PartName::ChipTest, Level::Ok),
            "a refused clone is the card's fault, not the reader's"
        );
        let probe_failed = ChipBoard {
            reader: Some(ChipReaderState::Simulated),
            last: Some(ChipLastTest {
                test: ChipTest::ProbeFailed {
                    error: "no card".into(),
                },
                at,
            }),
        };
        assert_eq!(parts(&probe_failed)[1].level, Level::Warn);
    }
}

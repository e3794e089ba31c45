//! DG1 against the OCR-read MRZ, character for character (ICAO 9303-11 §5.2 "comparison of
//! the MRZ"). The result names where they differ, never what they contain.

use serde::Serialize;

/// Outcome of comparing the chip's MRZ with the printed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum MrzComparison {
    Equal,
    /// Different number of lines (the documents are of different formats).
    LineCount {
        chip: usize,
        ocr: usize,
    },
    /// First difference, 1-based line and column (a shorter line differs where it ends).
    Differs {
        line: usize,
        column: usize,
    },
}

impl MrzComparison {
    pub fn is_equal(&self) -> bool {
        matches!(self, MrzComparison::Equal)
    }
}

/// Compares DG1's MRZ lines with the OCR's, character for character.
pub fn compare_mrz<A: AsRef<str>, B: AsRef<str>>(chip: &[A], ocr: &[B]) -> MrzComparison {
    if chip.len() != ocr.len() {
        return MrzComparison::LineCount {
            chip: chip.len(),
            ocr: ocr.len(),
        };
    }
    for (i, (c, o)) in chip.iter().zip(ocr).enumerate() {
        let (c, o) = (c.as_ref().as_bytes(), o.as_ref().as_bytes());
        if let Some(col) = (0..c.len().max(o.len())).find(|&j| c.get(j) != o.get(j)) {
            return MrzComparison::Differs {
                line: i + 1,
                column: col + 1,
            };
        }
    }
    MrzComparison::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_difference() {
        let a = ["ABC", "DEF"];
        assert_eq!(compare_mrz(&a, &a), MrzComparison::Equal);
        assert_eq!(
            compare_mrz(&a, &["ABC", "DEX"]),
            MrzComparison::Differs { line: 2, column: 3 }
        );
        assert_eq!(
            compare_mrz(&a, &["ABC", "DE"]),
            MrzComparison::Differs { line: 2, column: 3 }
        );
        assert_eq!(
            compare_mrz(&a, &["ABC"]),
            MrzComparison::LineCount { chip: 2, ocr: 1 }
        );
        // Filler is a character like any other: '<' against ' ' differs.
        assert_eq!(
            compare_mrz(&["A<B"], &["A B"]),
            MrzComparison::Differs { line: 1, column: 2 }
        );
    }
}

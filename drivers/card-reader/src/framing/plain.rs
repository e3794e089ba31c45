//! `plain`: MRZ lines ended by CR, LF or CR LF, nothing around them (also what a
//! keyboard-wedge reader types).

use super::{
    CR, Frame, FrameError, LF, MAX_LINE, PLAIN_MAX_FOREIGN, bytes_to_string, trim_ascii_ws,
};

/// Shortest unterminated run of MRZ characters that counts as the start of a read.
const STARTED_AFTER: usize = 5;
/// Shortest line of MRZ characters (with a `<` filler) taken as a damaged MRZ line
/// rather than noise.
const DAMAGED_MIN: usize = 15;

#[derive(Debug, Clone, Default)]
pub(super) struct PlainDecoder {
    buf: Vec<u8>,
    /// The current line exceeded [`MAX_LINE`].
    overlong: bool,
    /// MRZ lines of the read in progress.
    lines: Vec<String>,
    /// Lines still to come of a read already refused for a damaged line: they are
    /// dropped, so one damaged read gives one error.
    discard: usize,
}

enum Line {
    Blank,
    Mrz,
    /// MRZ characters but a length no MRZ line has (a character lost or doubled).
    Damaged(usize),
    Noise,
}

fn is_mrz_char(c: u8) -> bool {
    c.is_ascii_digit() || c.is_ascii_uppercase() || c == b'<' || c == b'_'
}

fn foreign(line: &[u8]) -> usize {
    line.iter().filter(|&&c| !is_mrz_char(c)).count()
}

fn classify(line: &[u8], overlong: bool) -> Line {
    if overlong {
        return Line::Noise;
    }
    if line.is_empty() {
        return Line::Blank;
    }
    let mrz_like = line.iter().all(u8::is_ascii_graphic) && foreign(line) <= PLAIN_MAX_FOREIGN;
    match (mrz_like, line.len()) {
        (true, 30 | 36 | 44) => Line::Mrz,
        (true, n) if (DAMAGED_MIN..=50).contains(&n) && line.contains(&b'<') => Line::Damaged(n),
        _ => Line::Noise,
    }
}

/// The MRZ line length closest to a damaged line's.
fn nearest_mrz_len(len: usize) -> usize {
    [30, 36, 44]
        .into_iter()
        .min_by_key(|&l: &usize| l.abs_diff(len))
        .unwrap_or(30)
}

fn expected_lines(len: usize) -> usize {
    if len == 30 { 3 } else { 2 }
}

impl PlainDecoder {
    pub(super) fn byte(&mut self, b: u8, out: &mut Vec<Frame>) {
        if b == CR || b == LF {
            self.end_line(out);
        } else if self.buf.len() < MAX_LINE {
            self.buf.push(b);
        } else {
            self.overlong = true;
        }
    }

    fn end_line(&mut self, out: &mut Vec<Frame>) {
        let raw = std::mem::take(&mut self.buf);
        let overlong = std::mem::replace(&mut self.overlong, false);
        let line = trim_ascii_ws(&raw);
        match classify(line, overlong) {
            Line::Blank => {}
            Line::Noise => self.abort(out),
            Line::Mrz | Line::Damaged(_) if self.discard > 0 => self.discard -= 1,
            Line::Damaged(len) => {
                let format_len = self
                    .lines
                    .first()
                    .map_or_else(|| nearest_mrz_len(len), String::len);
                self.discard = expected_lines(format_len).saturating_sub(self.lines.len() + 1);
                self.lines.clear();
                out.push(Err(FrameError::LineLength { len }));
            }
            Line::Mrz => {
                if self
                    .lines
                    .first()
                    .is_some_and(|first| first.len() != line.len())
                {
                    self.abort(out);
                }
                self.lines.push(bytes_to_string(line));
                if self.lines.len() == expected_lines(line.len()) {
                    out.push(Ok(std::mem::take(&mut self.lines)));
                }
            }
        }
        self.buf = raw;
        self.buf.clear();
    }

    /// Drops the read in progress, reporting it as incomplete.
    fn abort(&mut self, out: &mut Vec<Frame>) {
        if let Some(first) = self.lines.first() {
            let err = FrameError::Incomplete {
                got: self.lines.len(),
                expected: expected_lines(first.len()),
            };
            self.lines.clear();
            out.push(Err(err));
        }
    }

    /// A read has started and not ended: MRZ lines are waiting for the rest, or an
    /// unterminated run of MRZ characters is in the buffer.
    pub(super) fn in_progress(&self) -> bool {
        !self.lines.is_empty()
            || self.discard > 0
            || (self.buf.len() >= STARTED_AFTER && self.buf.iter().all(|&c| is_mrz_char(c)))
    }

    /// The read stopped: whatever is pending becomes one error.
    pub(super) fn expire(&mut self, out: &mut Vec<Frame>) {
        let partial_line = std::mem::take(&mut self.buf);
        self.overlong = false;
        let discarding = std::mem::take(&mut self.discard) > 0;
        if !self.lines.is_empty() {
            self.abort(out);
        } else if !partial_line.is_empty() && !discarding {
            out.push(Err(FrameError::Stalled {
                got: partial_line.len(),
            }));
        }
    }

    /// Drops an unterminated line that started no read.
    pub(super) fn forget_noise(&mut self) {
        self.buf.clear();
        self.overlong = false;
    }

    /// End of input: an unterminated last line counts as ended.
    pub(super) fn end_of_input(&mut self, out: &mut Vec<Frame>) {
        if !self.buf.is_empty() || self.overlong {
            self.end_line(out);
        }
    }
}

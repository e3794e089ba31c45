//! Pure, incremental decoders for the byte framings of serial MRZ readers.
//!
//! Feed bytes as they arrive with [`FrameDecoder::push`] (any split is fine)
//! and take reads with [`FrameDecoder::next_frame`]: `None` means "need more
//! bytes", `Some(Err(_))` a bad frame, `Some(Ok(lines))` the MRZ lines of one
//! read. Bytes between frames are skipped; every buffer is bounded, so garbage
//! never grows memory.
//!
//! Byte-level framings (control bytes: SOH 0x01, STX 0x02, ETX 0x03, CR 0x0D,
//! LF 0x0A):
//!
//! * **plain** — `line CR`, `line LF` or `line CR LF`. Empty lines are
//!   ignored. A line "looks like MRZ" when it has 30, 36 or 44 printable
//!   non-space ASCII characters of which at most [`PLAIN_MAX_FOREIGN`] are
//!   outside `0-9 A-Z < _`. A read is 3 consecutive MRZ-looking lines of 30
//!   (TD1) or 2 of 36 (TD2) / 44 (TD3). Other lines are noise; noise or a
//!   line of another length after a read has started yields
//!   [`FrameError::Incomplete`].
//! * **stx-etx** — `STX line CR line CR … ETX`; lines separated by CR and/or
//!   LF, empty lines dropped.
//! * **3m** (3M/Thales RTE native) —
//!   `SOH lenLo lenHi 'O' 'U' STX flag line CR line CR line CR ETX BCC`.
//!   `len` is a little-endian 16-bit word of which the low 14 bits count the
//!   **whole block, SOH through BCC inclusive** (this crate's interpretation;
//!   the upper 2 bits are ignored). `BCC` is the XOR of every byte from
//!   `lenLo` through `ETX` inclusive. `flag` is any byte and is ignored. The
//!   reader always sends 3 CR-terminated lines, an empty one for each missing
//!   top line (2-line documents start with a bare CR); empty lines are
//!   dropped. 3M readers pad 2-line reads to 44 characters with `_`: when
//!   every line is 44 long and ends in 8 `_`, the lines are cut to 36 (TD2).
//!   The end of a frame is found by its ETX, then `len` and `BCC` are checked.
//! * **desko** — `SOD STX line CR line CR line CR ETX EOD`. SOD/EOD are
//!   [`DESKO_SOD`] (0x1C, FS) and [`DESKO_EOD`] (0x1D, GS) when encoding; no
//!   public specification of these two bytes was found, so the decoder
//!   accepts any (or no) bytes there: it decodes `STX … ETX` and skips
//!   everything outside.

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub const SOH: u8 = 0x01;
pub const STX: u8 = 0x02;
pub const ETX: u8 = 0x03;
pub const CR: u8 = 0x0D;
pub const LF: u8 = 0x0A;
/// Start-of-data byte written before a DESKO frame (FS). Not required on input.
pub const DESKO_SOD: u8 = 0x1C;
/// End-of-data byte written after a DESKO frame (GS). Not required on input.
pub const DESKO_EOD: u8 = 0x1D;
/// Flag byte written by [`encode_frame`] in 3M frames.
pub const THREE_M_FLAG: u8 = b'0';

/// Longest frame body (bytes) kept; longer frames are dropped with
/// [`FrameError::Oversized`].
pub const MAX_FRAME: usize = 512;
/// Longest plain line kept; longer lines are noise.
pub const MAX_LINE: usize = 128;
/// Most decoded results held before the oldest is dropped.
pub const MAX_PENDING_RESULTS: usize = 8;
/// Plain framing: most characters outside `0-9 A-Z < _` in an MRZ-looking line.
pub const PLAIN_MAX_FOREIGN: usize = 4;

/// How a reader frames one read on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Framing {
    #[default]
    #[serde(rename = "plain")]
    Plain,
    #[serde(rename = "stx-etx")]
    StxEtx,
    #[serde(rename = "3m")]
    ThreeM,
    #[serde(rename = "desko")]
    Desko,
}

impl Framing {
    pub fn as_str(self) -> &'static str {
        match self {
            Framing::Plain => "plain",
            Framing::StxEtx => "stx-etx",
            Framing::ThreeM => "3m",
            Framing::Desko => "desko",
        }
    }
}

impl fmt::Display for Framing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown framing {0:?} (expected plain, stx-etx, 3m or desko)")]
pub struct UnknownFraming(pub String);

impl FromStr for Framing {
    type Err = UnknownFraming;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "plain" => Ok(Framing::Plain),
            "stx-etx" | "stxetx" => Ok(Framing::StxEtx),
            "3m" | "thales" => Ok(Framing::ThreeM),
            "desko" => Ok(Framing::Desko),
            _ => Err(UnknownFraming(s.to_string())),
        }
    }
}

/// A frame that arrived but could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// A new frame started before the current one ended.
    #[error("frame cut off by the start of another frame")]
    Truncated,
    /// The frame grew past [`MAX_FRAME`] bytes without ending.
    #[error("frame longer than {limit} bytes")]
    Oversized { limit: usize },
    /// 3M block check character mismatch.
    #[error("block check character is {found:#04x}, computed {computed:#04x}")]
    Checksum { found: u8, computed: u8 },
    /// 3M length word disagrees with the block received.
    #[error("length word says {declared} bytes, block has {actual}")]
    Length { declared: usize, actual: usize },
    /// The frame does not have the expected structure.
    #[error("malformed frame: {0}")]
    Malformed(&'static str),
    /// A frame with no MRZ line in it.
    #[error("frame holds no MRZ line")]
    Empty,
    /// Plain framing: a read stopped after `got` of `expected` lines.
    #[error("read stopped after {got} of {expected} lines")]
    Incomplete { got: usize, expected: usize },
}

/// Incremental decoder for one [`Framing`].
#[derive(Debug, Clone)]
pub struct FrameDecoder {
    framing: Framing,
    state: State,
    buf: Vec<u8>,
    /// Plain: the current line exceeded [`MAX_LINE`].
    overlong: bool,
    /// Plain: MRZ lines of the read in progress.
    lines: Vec<String>,
    ready: VecDeque<Result<Vec<String>, FrameError>>,
    dropped: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between frames, skipping noise.
    Idle,
    /// Inside a frame (after SOH for 3M, after STX otherwise).
    Body,
    /// 3M: ETX seen, waiting for BCC.
    Bcc,
    /// Frame oversized: skip until its end marker.
    Skip,
}

impl FrameDecoder {
    pub fn new(framing: Framing) -> Self {
        FrameDecoder {
            framing,
            state: State::Idle,
            buf: Vec::with_capacity(128),
            overlong: false,
            lines: Vec::new(),
            ready: VecDeque::new(),
            dropped: 0,
        }
    }

    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// Number of decoded results dropped because nobody called
    /// [`next_frame`](Self::next_frame) in time.
    pub fn dropped_results(&self) -> u64 {
        self.dropped
    }

    /// Feeds received bytes (any split).
    pub fn push(&mut self, bytes: &[u8]) {
        for &b in bytes {
            match self.framing {
                Framing::Plain => self.plain_byte(b),
                Framing::StxEtx | Framing::Desko => self.stx_byte(b),
                Framing::ThreeM => self.three_m_byte(b),
            }
        }
    }

    /// Next decoded read: `None` = need more bytes.
    pub fn next_frame(&mut self) -> Option<Result<Vec<String>, FrameError>> {
        self.ready.pop_front()
    }

    fn emit(&mut self, r: Result<Vec<String>, FrameError>) {
        if self.ready.len() >= MAX_PENDING_RESULTS {
            self.ready.pop_front();
            self.dropped += 1;
        }
        self.ready.push_back(r);
    }

    // ---- plain ----

    fn plain_byte(&mut self, b: u8) {
        if b == CR || b == LF {
            let line = std::mem::take(&mut self.buf);
            let overlong = std::mem::replace(&mut self.overlong, false);
            self.plain_line(&line, overlong);
            self.buf = line;
            self.buf.clear();
        } else if self.buf.len() < MAX_LINE {
            self.buf.push(b);
        } else {
            self.overlong = true;
        }
    }

    fn plain_line(&mut self, raw: &[u8], overlong: bool) {
        let line = trim_ascii_ws(raw);
        if line.is_empty() && !overlong {
            return; // CR LF, blank lines
        }
        if overlong || !looks_like_mrz(line) {
            self.abort_plain_read();
            return;
        }
        let len = line.len();
        let expected = if len == 30 { 3 } else { 2 };
        if let Some(first) = self.lines.first()
            && first.len() != len
        {
            self.abort_plain_read();
        }
        self.lines.push(bytes_to_string(line));
        if self.lines.len() == expected {
            let lines = std::mem::take(&mut self.lines);
            self.emit(Ok(lines));
        }
    }

    fn abort_plain_read(&mut self) {
        if !self.lines.is_empty() {
            let got = self.lines.len();
            let expected = if self.lines[0].len() == 30 { 3 } else { 2 };
            self.lines.clear();
            self.emit(Err(FrameError::Incomplete { got, expected }));
        }
    }

    // ---- STX … ETX (also DESKO) ----

    fn stx_byte(&mut self, b: u8) {
        match (self.state, b) {
            (State::Idle, STX) => {
                self.buf.clear();
                self.state = State::Body;
            }
            (State::Idle, _) => {}
            (State::Body, STX) => {
                self.emit(Err(FrameError::Truncated));
                self.buf.clear();
            }
            (State::Body, ETX) => {
                self.state = State::Idle;
                let r = split_lines(&self.buf);
                self.buf.clear();
                self.emit(r);
            }
            (State::Body, _) => {
                if self.buf.len() >= MAX_FRAME {
                    self.buf.clear();
                    self.state = State::Skip;
                    self.emit(Err(FrameError::Oversized { limit: MAX_FRAME }));
                } else {
                    self.buf.push(b);
                }
            }
            (State::Skip, STX) => {
                self.buf.clear();
                self.state = State::Body;
            }
            (State::Skip, ETX) => self.state = State::Idle,
            (State::Skip, _) | (State::Bcc, _) => {}
        }
    }

    // ---- 3M ----

    fn three_m_byte(&mut self, b: u8) {
        match self.state {
            State::Idle => {
                if b == SOH {
                    self.buf.clear();
                    self.buf.push(b);
                    self.state = State::Body;
                }
            }
            State::Body => {
                let idx = self.buf.len();
                // Positions 1–2 (length word) and 6 (flag) may hold any byte.
                let raw = matches!(idx, 1 | 2 | 6);
                if b == SOH && !raw {
                    self.emit(Err(FrameError::Truncated));
                    self.buf.clear();
                    self.buf.push(b);
                    return;
                }
                if idx >= MAX_FRAME {
                    self.buf.clear();
                    self.state = State::Skip;
                    self.emit(Err(FrameError::Oversized { limit: MAX_FRAME }));
                    return;
                }
                self.buf.push(b);
                if b == ETX && idx >= 7 {
                    self.state = State::Bcc;
                }
            }
            State::Bcc => {
                self.buf.push(b);
                self.state = State::Idle;
                let r = check_three_m(&self.buf);
                self.buf.clear();
                self.emit(r);
            }
            State::Skip => match b {
                SOH => {
                    self.buf.clear();
                    self.buf.push(b);
                    self.state = State::Body;
                }
                // The BCC after ETX is skipped as noise in Idle.
                ETX => self.state = State::Idle,
                _ => {}
            },
        }
    }
}

/// Checks a complete 3M block `SOH lenLo lenHi … ETX BCC`.
fn check_three_m(block: &[u8]) -> Result<Vec<String>, FrameError> {
    let n = block.len();
    // SOH len len O U STX flag ETX BCC
    if n < 9 {
        return Err(FrameError::Malformed("3M block too short"));
    }
    let declared = usize::from(u16::from_le_bytes([block[1], block[2]]) & 0x3FFF);
    if declared != n {
        return Err(FrameError::Length {
            declared,
            actual: n,
        });
    }
    let computed = block[1..n - 1].iter().fold(0u8, |acc, &b| acc ^ b);
    let found = block[n - 1];
    if computed != found {
        return Err(FrameError::Checksum { found, computed });
    }
    if &block[3..5] != b"OU" {
        return Err(FrameError::Malformed("3M header is not \"OU\""));
    }
    if block[5] != STX {
        return Err(FrameError::Malformed("3M header not followed by STX"));
    }
    // block[6] is the flag byte; data runs to ETX at n-2.
    let mut lines = split_lines(&block[7..n - 2])?;
    if lines
        .iter()
        .all(|l| l.len() == 44 && l.ends_with("________"))
    {
        for l in &mut lines {
            l.truncate(36);
        }
    }
    Ok(lines)
}

fn trim_ascii_ws(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &b[start..end.max(start)]
}

fn looks_like_mrz(line: &[u8]) -> bool {
    matches!(line.len(), 30 | 36 | 44)
        && line.iter().all(|c| c.is_ascii_graphic())
        && line
            .iter()
            .filter(|&&c| !(c.is_ascii_digit() || c.is_ascii_uppercase() || c == b'<' || c == b'_'))
            .count()
            <= PLAIN_MAX_FOREIGN
}

/// Bytes to text: printable ASCII as is, anything else U+FFFD (the parser
/// then rejects it as unreadable).
fn bytes_to_string(b: &[u8]) -> String {
    b.iter()
        .map(|&c| {
            if c.is_ascii_graphic() || c == b' ' {
                char::from(c)
            } else {
                '\u{FFFD}'
            }
        })
        .collect()
}

fn split_lines(body: &[u8]) -> Result<Vec<String>, FrameError> {
    let lines: Vec<String> = body
        .split(|&c| c == CR || c == LF)
        .map(trim_ascii_ws)
        .filter(|l| !l.is_empty())
        .map(bytes_to_string)
        .collect();
    if lines.is_empty() {
        Err(FrameError::Empty)
    } else {
        Ok(lines)
    }
}

/// Encodes one read the way a reader of `framing` sends it (used by the
/// emulators and tests).
pub fn encode_frame(framing: Framing, lines: &[&str]) -> Vec<u8> {
    let mut out = Vec::with_capacity(lines.iter().map(|l| l.len() + 1).sum::<usize>() + 12);
    match framing {
        Framing::Plain => {
            for l in lines {
                out.extend_from_slice(l.as_bytes());
                out.extend_from_slice(b"\r\n");
            }
        }
        Framing::StxEtx | Framing::Desko => {
            if framing == Framing::Desko {
                out.push(DESKO_SOD);
            }
            out.push(STX);
            for l in lines {
                out.extend_from_slice(l.as_bytes());
                out.push(CR);
            }
            out.push(ETX);
            if framing == Framing::Desko {
                out.push(DESKO_EOD);
            }
        }
        Framing::ThreeM => {
            out.extend_from_slice(&[SOH, 0, 0, b'O', b'U', STX, THREE_M_FLAG]);
            // Missing top lines are sent as bare CRs: always 3 lines.
            out.extend(std::iter::repeat_n(CR, 3usize.saturating_sub(lines.len())));
            for l in lines {
                out.extend_from_slice(l.as_bytes());
                out.push(CR);
            }
            out.push(ETX);
            let total = out.len() + 1;
            let len = u16::try_from(total).unwrap_or(u16::MAX) & 0x3FFF;
            let [lo, hi] = len.to_le_bytes();
            out[1] = lo;
            out[2] = hi;
            let bcc = out[1..].iter().fold(0u8, |acc, &b| acc ^ b);
            out.push(bcc);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TD1: [&str; 3] = [
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ];

    fn all(d: &mut FrameDecoder) -> Vec<Result<Vec<String>, FrameError>> {
        std::iter::from_fn(|| d.next_frame()).collect()
    }

    #[test]
    fn three_m_layout() {
        let f = encode_frame(Framing::ThreeM, &TD1);
        assert_eq!(f[0], SOH);
        assert_eq!(usize::from(f[1]), f.len());
        assert_eq!(f[2], 0);
        assert_eq!(&f[3..6], b"OU\x02");
        assert_eq!(f[f.len() - 2], ETX);
        assert_eq!(
            f[1..f.len() - 1].iter().fold(0, |a, b| a ^ b),
            f[f.len() - 1]
        );
    }

    #[test]
    fn three_m_bad_bcc_and_len() {
        let mut f = encode_frame(Framing::ThreeM, &TD1);
        let last = f.len() - 1;
        f[last] ^= 0x55;
        let mut d = FrameDecoder::new(Framing::ThreeM);
        d.push(&f);
        assert!(matches!(
            all(&mut d)[..],
            [Err(FrameError::Checksum { .. })]
        ));

        let mut f = encode_frame(Framing::ThreeM, &TD1);
        f[1] += 1;
        let mut d = FrameDecoder::new(Framing::ThreeM);
        d.push(&f);
        assert!(matches!(all(&mut d)[..], [Err(FrameError::Length { .. })]));
    }

    #[test]
    fn plain_incomplete_then_next() {
        let mut d = FrameDecoder::new(Framing::Plain);
        d.push(format!("{}\r{}\rHELLO\r", TD1[0], TD1[1]).as_bytes());
        d.push(&encode_frame(Framing::Plain, &TD1));
        let r = all(&mut d);
        assert_eq!(r.len(), 2);
        assert_eq!(
            r[0],
            Err(FrameError::Incomplete {
                got: 2,
                expected: 3
            })
        );
        assert_eq!(r[1].as_ref().unwrap().len(), 3);
    }

    #[test]
    fn framing_names() {
        for f in [
            Framing::Plain,
            Framing::StxEtx,
            Framing::ThreeM,
            Framing::Desko,
        ] {
            assert_eq!(f.as_str().parse::<Framing>().unwrap(), f);
        }
        assert!("xmodem".parse::<Framing>().is_err());
    }
}

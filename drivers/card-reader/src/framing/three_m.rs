//! `3m`: the 3M / Thales "RTE native" block.
//!
//! `SOH lenLo lenHi h1 h2 STX flag data ETX [BCC]`, a read having the header `"OU"`.
//! `len` is little-endian with 14 significant bits (the upper 2 are ignored). What it
//! counts is not public, so both readings are accepted:
//!
//! * [`LengthCount::WholeBlock`]: every byte of the block, SOH through the last byte
//!   (BCC when present, else ETX);
//! * [`LengthCount::AfterLength`]: the bytes after the length word, through the last byte.
//!
//! Together with ETX the length also tells whether a BCC follows (a reader setting):
//! at ETX, with `n` bytes received, `len` ∈ {n, n − 3} means no BCC and
//! `len` ∈ {n + 1, n − 2} means one more byte, the BCC (XOR of `lenLo` through ETX).
//!
//! Read data are always three CR-terminated lines, the bottom MRZ line last: a two-line
//! document starts with an empty line. Lines are padded with `_` to 30 or 44 characters;
//! a two-line read whose every line is 44 long and ends in eight `_` is a TD2 read and is
//! cut back to 36. Any other `_` is an unreadable character for the parser to name.

use super::{ETX, Frame, FrameError, MAX_FRAME, SOH, STX, split_lines};

/// Header of a block carrying read data.
pub const READ_HEADER: [u8; 2] = *b"OU";
/// Flag byte written by the encoder in read blocks.
pub const READ_FLAG: u8 = b'0';

/// What the 14-bit length word counts (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LengthCount {
    #[default]
    WholeBlock,
    AfterLength,
}

/// How [`encode_block`] lays out a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockEncoding {
    pub length: LengthCount,
    pub bcc: bool,
}

impl Default for BlockEncoding {
    fn default() -> Self {
        BlockEncoding {
            length: LengthCount::WholeBlock,
            bcc: true,
        }
    }
}

/// Encodes one RTE block `SOH len header STX body ETX [BCC]`. A read has header
/// [`READ_HEADER`] and a body of flag byte + lines; host commands (such as the enable
/// command of the interrupt and polled modes) use the same block with their own header
/// and body, taken from the reader's integration manual.
pub fn encode_block(header: [u8; 2], body: &[u8], enc: BlockEncoding) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(&[SOH, 0, 0, header[0], header[1], STX]);
    out.extend_from_slice(body);
    out.push(ETX);
    let total = out.len() + usize::from(enc.bcc);
    let counted = match enc.length {
        LengthCount::WholeBlock => total,
        LengthCount::AfterLength => total - 3,
    };
    let len = u16::try_from(counted).unwrap_or(u16::MAX) & 0x3FFF;
    let [lo, hi] = len.to_le_bytes();
    out[1] = lo;
    out[2] = hi;
    if enc.bcc {
        out.push(bcc(&out[1..]));
    }
    out
}

/// Encodes a read the way the reader sends it: three CR-terminated lines, missing top
/// lines empty, each line padded with `_` to `pad_to` characters when given.
pub fn encode_read(lines: &[&str], pad_to: Option<usize>, enc: BlockEncoding) -> Vec<u8> {
    let mut body = vec![READ_FLAG];
    body.extend(std::iter::repeat_n(
        b'\r',
        3usize.saturating_sub(lines.len()),
    ));
    for l in lines {
        body.extend_from_slice(l.as_bytes());
        let pad = pad_to.map_or(0, |p| p.saturating_sub(l.len()));
        body.extend(std::iter::repeat_n(b'_', pad));
        body.push(b'\r');
    }
    encode_block(READ_HEADER, &body, enc)
}

fn bcc(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0u8, |acc, &b| acc ^ b)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    #[default]
    Idle,
    Body,
    /// ETX seen and the length says a BCC follows.
    Bcc,
    /// Oversized block: skip to its ETX.
    Skip,
}

#[derive(Debug, Clone, Default)]
pub(super) struct ThreeMDecoder {
    state: State,
    buf: Vec<u8>,
}

impl ThreeMDecoder {
    pub(super) fn byte(&mut self, b: u8, out: &mut Vec<Frame>) {
        match self.state {
            State::Idle | State::Skip if b == SOH => {
                self.buf.clear();
                self.buf.push(b);
                self.state = State::Body;
            }
            State::Idle => {}
            State::Skip => {
                if b == ETX {
                    self.state = State::Idle;
                }
            }
            State::Body => self.body_byte(b, out),
            State::Bcc => {
                self.buf.push(b);
                self.state = State::Idle;
                let block = std::mem::take(&mut self.buf);
                if let Some(r) = check_block(&block, true) {
                    out.push(r);
                }
            }
        }
    }

    fn body_byte(&mut self, b: u8, out: &mut Vec<Frame>) {
        let idx = self.buf.len();
        // Positions 1–2 (length word) and 6 (flag) may hold any byte.
        let raw = matches!(idx, 1 | 2 | 6);
        if b == SOH && !raw {
            out.push(Err(FrameError::Truncated));
            self.buf.clear();
            self.buf.push(b);
            return;
        }
        if idx >= MAX_FRAME {
            self.buf.clear();
            self.state = State::Skip;
            out.push(Err(FrameError::Oversized { limit: MAX_FRAME }));
            return;
        }
        self.buf.push(b);
        if b != ETX || idx < 7 {
            return;
        }
        let n = self.buf.len();
        let declared = usize::from(u16::from_le_bytes([self.buf[1], self.buf[2]]) & 0x3FFF);
        if declared == n || declared + 3 == n {
            self.state = State::Idle;
            let block = std::mem::take(&mut self.buf);
            if let Some(r) = check_block(&block, false) {
                out.push(r);
            }
        } else if declared == n + 1 || declared + 2 == n {
            self.state = State::Bcc;
        } else {
            self.state = State::Idle;
            self.buf.clear();
            out.push(Err(FrameError::Length {
                declared,
                actual: n,
            }));
        }
    }

    pub(super) fn in_progress(&self) -> bool {
        self.state != State::Idle
    }

    pub(super) fn expire(&mut self, out: &mut Vec<Frame>) {
        if matches!(self.state, State::Body | State::Bcc) {
            out.push(Err(FrameError::Stalled {
                got: self.buf.len(),
            }));
        }
        self.state = State::Idle;
        self.buf.clear();
    }
}

/// Checks a complete block (`SOH … ETX [BCC]`). `None` for a well-formed block that
/// does not carry read data (a reply to a host command).
fn check_block(block: &[u8], has_bcc: bool) -> Option<Frame> {
    let n = block.len();
    let etx = if has_bcc { n - 2 } else { n - 1 };
    if has_bcc {
        let computed = bcc(&block[1..n - 1]);
        let found = block[n - 1];
        if computed != found {
            return Some(Err(FrameError::Checksum { found, computed }));
        }
    }
    if block[5] != STX {
        return Some(Err(FrameError::Malformed("3M header not followed by STX")));
    }
    if block[3..5] != READ_HEADER {
        tracing::debug!(
            header = ?&block[3..5],
            "3M block that is not read data ignored"
        );
        return None;
    }
    // block[6] is the flag byte; data run to ETX.
    Some(split_lines(&block[7..etx]).map(unpad))
}

/// TD2 lines padded to 44 with `_` are cut back to 36.
fn unpad(mut lines: Vec<String>) -> Vec<String> {
    let td2_in_44 = lines.len() == 2
        && lines
            .iter()
            .all(|l| l.len() == 44 && l.as_bytes()[36..].iter().all(|&c| c == b'_'));
    if td2_in_44 {
        for l in &mut lines {
            l.truncate(36);
        }
    }
    lines
}

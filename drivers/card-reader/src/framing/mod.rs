//! Pure, incremental decoders for the byte framings of MRZ readers.
//!
//! Feed bytes as they arrive with [`FrameDecoder::push_at`] (any split is fine), give the
//! decoder the time now and then with [`FrameDecoder::poll`], and take reads with
//! [`FrameDecoder::next_frame`]: `None` means "need more bytes", `Some(Err(_))` a read
//! that could not be used, `Some(Ok(lines))` the MRZ lines of one read.
//!
//! **A read that starts and does not end is never lost or kept:** when no byte has
//! arrived for the inter-byte timeout ([`DecoderConfig::inter_byte_timeout`], 400 ms by
//! default), [`poll`](FrameDecoder::poll) (or the next `push_at`) turns it into an error
//! ([`FrameError::Stalled`], or [`FrameError::Incomplete`] for plain lines), so the kiosk
//! can say "could not read, insert again", and nothing of it is glued to the next card's
//! lines. [`FrameDecoder::finish`] does the same at the end of an input (a file).
//!
//! Bytes between frames are skipped; every buffer is bounded, so garbage never grows
//! memory. The framings (control bytes SOH 0x01, STX 0x02, ETX 0x03, LF 0x0A, CR 0x0D):
//!
//! * **plain** — `line CR`, `line LF` or `line CR LF`. A line "looks like MRZ" when it
//!   has 30, 36 or 44 printable non-space ASCII characters of which at most
//!   [`PLAIN_MAX_FOREIGN`] are outside `0-9 A-Z < _`. A read is 3 such lines of 30 (TD1)
//!   or 2 of 36 (TD2) / 44 (TD3). A line of MRZ characters with a `<` but another length
//!   (15–50) is a damaged read ([`FrameError::LineLength`]); other lines are noise, and
//!   noise after a read started yields [`FrameError::Incomplete`].
//! * **stx-etx** — `STX line CR line CR … ETX`; CR and/or LF separate lines, empty lines
//!   are dropped.
//! * **3m** — 3M/Thales RTE native, see [`three_m`].
//! * **access-is** and **desko** — `open STX line CR … ETX close` per channel, only the
//!   OCR channel read, see [`channel`].

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

pub mod channel;
mod plain;
mod stx;
pub mod three_m;

pub use channel::{ChannelDelimiters, Delimiters};

pub const SOH: u8 = 0x01;
pub const STX: u8 = 0x02;
pub const ETX: u8 = 0x03;
pub const CR: u8 = 0x0D;
pub const LF: u8 = 0x0A;
/// Start byte of an OCR frame in the `desko` and `access-is` framings (FS).
pub const DESKO_SOD: u8 = 0x1C;
/// End byte of an OCR frame in the `desko` and `access-is` framings (GS).
pub const DESKO_EOD: u8 = 0x1D;
/// Flag byte written by [`encode_frame`] in 3M frames.
pub const THREE_M_FLAG: u8 = three_m::READ_FLAG;

/// Longest frame body (bytes) kept; longer frames are dropped with
/// [`FrameError::Oversized`].
pub const MAX_FRAME: usize = 512;
/// Longest plain line kept; longer lines are noise.
pub const MAX_LINE: usize = 128;
/// Most decoded results held before the oldest is dropped.
pub const MAX_PENDING_RESULTS: usize = 8;
/// Plain framing: most characters outside `0-9 A-Z < _` in an MRZ-looking line.
pub const PLAIN_MAX_FOREIGN: usize = 4;
/// Default inter-byte timeout: a read silent this long has stopped.
pub const INTER_BYTE_TIMEOUT: Duration = Duration::from_millis(400);

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
    #[serde(rename = "access-is")]
    AccessIs,
}

impl Framing {
    /// Every framing, in the order a settings form lists them.
    pub const ALL: [Framing; 5] = [
        Framing::Plain,
        Framing::StxEtx,
        Framing::ThreeM,
        Framing::Desko,
        Framing::AccessIs,
    ];

    /// The name used in configuration and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Framing::Plain => "plain",
            Framing::StxEtx => "stx-etx",
            Framing::ThreeM => "3m",
            Framing::Desko => "desko",
            Framing::AccessIs => "access-is",
        }
    }

    /// A short human description.
    pub fn description(self) -> &'static str {
        match self {
            Framing::Plain => "lines ended by CR or LF (also keyboard-wedge readers)",
            Framing::StxEtx => "STX lines ETX",
            Framing::ThreeM => "3M/Thales RTE native block",
            Framing::Desko => "DESKO CUTE channels (configurable delimiters)",
            Framing::AccessIs => "Access-IS OCR31x channels",
        }
    }

    /// Every name, for messages such as "expected one of …".
    pub fn names() -> String {
        let names: Vec<&str> = Self::ALL.iter().map(|f| f.as_str()).collect();
        names.join(", ")
    }
}

impl fmt::Display for Framing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown framing {0:?} (expected plain, stx-etx, 3m, desko or access-is)")]
pub struct UnknownFraming(pub String);

impl FromStr for Framing {
    type Err = UnknownFraming;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "plain" => Ok(Framing::Plain),
            "stx-etx" | "stxetx" => Ok(Framing::StxEtx),
            "3m" | "thales" => Ok(Framing::ThreeM),
            "desko" => Ok(Framing::Desko),
            "access-is" | "accessis" => Ok(Framing::AccessIs),
            _ => Err(UnknownFraming(s.to_string())),
        }
    }
}

/// A read that arrived but could not be used.
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
    /// 3M length word fits neither reading of the block received.
    #[error("length word says {declared} bytes, block has {actual} through ETX")]
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
    /// A read started and then no byte came for the inter-byte timeout (or the input
    /// ended): the document was pulled out or the link dropped mid-read.
    #[error("read stopped after {got} bytes")]
    Stalled { got: usize },
    /// A line of a length no MRZ line has (a character lost or doubled), or outside
    /// 7–44 in the channel framings.
    #[error("line of {len} characters")]
    LineLength { len: usize },
}

/// Decoder settings beyond the framing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecoderConfig {
    pub framing: Framing,
    /// `desko` delimiter bytes (the `access-is` framing always uses the Access-IS ones).
    pub desko: ChannelDelimiters,
    /// Silence after which a started read has stopped.
    pub inter_byte_timeout: Duration,
}

impl DecoderConfig {
    pub fn new(framing: Framing) -> Self {
        DecoderConfig {
            framing,
            desko: ChannelDelimiters::ACCESS_IS,
            inter_byte_timeout: INTER_BYTE_TIMEOUT,
        }
    }
}

pub(crate) type Frame = Result<Vec<String>, FrameError>;

#[derive(Debug, Clone)]
enum Inner {
    Plain(plain::PlainDecoder),
    StxEtx(stx::StxEtxDecoder),
    ThreeM(three_m::ThreeMDecoder),
    Channel(channel::ChannelDecoder),
}

impl Inner {
    fn byte(&mut self, b: u8, out: &mut Vec<Frame>) {
        match self {
            Inner::Plain(d) => d.byte(b, out),
            Inner::StxEtx(d) => d.byte(b, out),
            Inner::ThreeM(d) => d.byte(b, out),
            Inner::Channel(d) => d.byte(b, out),
        }
    }

    fn in_progress(&self) -> bool {
        match self {
            Inner::Plain(d) => d.in_progress(),
            Inner::StxEtx(d) => d.in_progress(),
            Inner::ThreeM(d) => d.in_progress(),
            Inner::Channel(d) => d.in_progress(),
        }
    }

    fn expire(&mut self, out: &mut Vec<Frame>) {
        match self {
            Inner::Plain(d) => d.expire(out),
            Inner::StxEtx(d) => d.expire(out),
            Inner::ThreeM(d) => d.expire(out),
            Inner::Channel(d) => d.expire(out),
        }
    }
}

/// Incremental decoder for one [`Framing`].
#[derive(Debug, Clone)]
pub struct FrameDecoder {
    config: DecoderConfig,
    inner: Inner,
    /// When the last byte arrived (timed pushes only).
    last_byte: Option<Instant>,
    scratch: Vec<Frame>,
    ready: VecDeque<Frame>,
    dropped: u64,
}

impl FrameDecoder {
    pub fn new(framing: Framing) -> Self {
        Self::with_config(DecoderConfig::new(framing))
    }

    pub fn with_config(config: DecoderConfig) -> Self {
        let inner = match config.framing {
            Framing::Plain => Inner::Plain(plain::PlainDecoder::default()),
            Framing::StxEtx => Inner::StxEtx(stx::StxEtxDecoder::default()),
            Framing::ThreeM => Inner::ThreeM(three_m::ThreeMDecoder::default()),
            Framing::Desko => Inner::Channel(channel::ChannelDecoder::new(config.desko)),
            Framing::AccessIs => {
                Inner::Channel(channel::ChannelDecoder::new(ChannelDelimiters::ACCESS_IS))
            }
        };
        FrameDecoder {
            config,
            inner,
            last_byte: None,
            scratch: Vec::new(),
            ready: VecDeque::new(),
            dropped: 0,
        }
    }

    pub fn framing(&self) -> Framing {
        self.config.framing
    }

    pub fn config(&self) -> &DecoderConfig {
        &self.config
    }

    /// Number of decoded results dropped because nobody called
    /// [`next_frame`](Self::next_frame) in time.
    pub fn dropped_results(&self) -> u64 {
        self.dropped
    }

    /// Feeds received bytes (any split) without a clock: a started read only ends
    /// with its end marker or [`finish`](Self::finish).
    pub fn push(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.inner.byte(b, &mut self.scratch);
        }
        self.flush();
    }

    /// Feeds bytes received at `now`. A read that had been silent for the inter-byte
    /// timeout is ended (as an error) before these bytes are decoded.
    pub fn push_at(&mut self, bytes: &[u8], now: Instant) {
        if bytes.is_empty() {
            self.poll(now);
            return;
        }
        self.poll(now);
        self.push(bytes);
        self.last_byte = Some(now);
    }

    /// Ends a started read that has been silent for the inter-byte timeout.
    /// Bytes that started no read (noise) are forgotten at the same moment.
    pub fn poll(&mut self, now: Instant) {
        let Some(last) = self.last_byte else {
            return;
        };
        if now < last + self.config.inter_byte_timeout {
            return;
        }
        if self.inner.in_progress() {
            self.inner.expire(&mut self.scratch);
            self.flush();
        } else if let Inner::Plain(d) = &mut self.inner {
            d.forget_noise();
        }
        self.last_byte = None;
    }

    /// When [`poll`](Self::poll) will end the read in progress, if one is.
    pub fn deadline(&self) -> Option<Instant> {
        if self.inner.in_progress() {
            self.last_byte.map(|t| t + self.config.inter_byte_timeout)
        } else {
            None
        }
    }

    /// True while a read has started and not ended.
    pub fn in_progress(&self) -> bool {
        self.inner.in_progress()
    }

    /// End of input: an unterminated plain line counts as ended, and a read still in
    /// progress becomes an error.
    pub fn finish(&mut self) {
        if let Inner::Plain(d) = &mut self.inner {
            d.end_of_input(&mut self.scratch);
        }
        if self.inner.in_progress() {
            self.inner.expire(&mut self.scratch);
        }
        self.last_byte = None;
        self.flush();
    }

    /// Next decoded read: `None` = need more bytes.
    pub fn next_frame(&mut self) -> Option<Result<Vec<String>, FrameError>> {
        self.ready.pop_front()
    }

    fn flush(&mut self) {
        for r in self.scratch.drain(..) {
            if self.ready.len() >= MAX_PENDING_RESULTS {
                self.ready.pop_front();
                self.dropped += 1;
            }
            self.ready.push_back(r);
        }
    }
}

pub(crate) fn trim_ascii_ws(b: &[u8]) -> &[u8] {
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

/// Bytes to text: printable ASCII as is, anything else U+FFFD (the parser then
/// rejects it as unreadable).
pub(crate) fn bytes_to_string(b: &[u8]) -> String {
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

pub(crate) fn split_lines(body: &[u8]) -> Frame {
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

/// Encodes one read the way a reader of `framing` sends it (used by the emulators and
/// tests): plain with CR LF, 3M as a whole-block-length block with BCC, `desko` and
/// `access-is` with the Access-IS OCR delimiters.
pub fn encode_frame(framing: Framing, lines: &[&str]) -> Vec<u8> {
    encode_frame_with(&DecoderConfig::new(framing), lines)
}

/// Like [`encode_frame`], with the `desko` delimiters of `config`.
pub fn encode_frame_with(config: &DecoderConfig, lines: &[&str]) -> Vec<u8> {
    match config.framing {
        Framing::Plain => {
            let mut out = Vec::new();
            for l in lines {
                out.extend_from_slice(l.as_bytes());
                out.extend_from_slice(b"\r\n");
            }
            out
        }
        Framing::StxEtx => {
            let mut out = vec![STX];
            for l in lines {
                out.extend_from_slice(l.as_bytes());
                out.push(CR);
            }
            out.push(ETX);
            out
        }
        Framing::ThreeM => three_m::encode_read(lines, None, three_m::BlockEncoding::default()),
        Framing::Desko => channel::encode_ocr(&config.desko, lines),
        Framing::AccessIs => channel::encode_ocr(&ChannelDelimiters::ACCESS_IS, lines),
    }
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

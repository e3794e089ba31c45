//! `access-is` and `desko`: one frame per channel, `open STX data ETX close`.
//!
//! Access-IS OCR310/312/315 send OCR data as `0x1C 0x02 … 0x03 0x1D`, magnetic-stripe
//! data as `0x0E 0x02 … 0x03 0x0F` and barcodes as `0x1E 0x02 … 0x03 0x1F`; lines are
//! separated by CR. DESKO's CUTE protocol has the same shape with delimiter bytes that
//! are not public: [`ChannelDelimiters`] makes them configurable and defaults to the
//! Access-IS values. Only the OCR channel is decoded; the others are skipped whole, so
//! a barcode holding MRZ-like text or an OCR start byte is never read as a card.
//!
//! Lines are of variable length, 7 to 44 characters; an absent line is not sent at all.

use serde::{Deserialize, Serialize};

use super::{ETX, Frame, FrameError, MAX_FRAME, STX, split_lines};

/// Shortest and longest line the channel framings accept.
pub const LINE_LEN: std::ops::RangeInclusive<usize> = 7..=44;

/// Start and end byte of one channel's frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Delimiters {
    pub open: u8,
    pub close: u8,
}

/// Per-channel delimiter bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChannelDelimiters {
    pub ocr: Delimiters,
    /// Magnetic stripe: skipped.
    pub msr: Delimiters,
    /// Barcode: skipped.
    pub barcode: Delimiters,
}

impl ChannelDelimiters {
    /// The Access-IS OCR31x values.
    pub const ACCESS_IS: ChannelDelimiters = ChannelDelimiters {
        ocr: Delimiters {
            open: 0x1C,
            close: 0x1D,
        },
        msr: Delimiters {
            open: 0x0E,
            close: 0x0F,
        },
        barcode: Delimiters {
            open: 0x1E,
            close: 0x1F,
        },
    };

    fn channel_of_open(&self, b: u8) -> Option<Channel> {
        if b == self.ocr.open {
            Some(Channel::Ocr)
        } else if b == self.msr.open {
            Some(Channel::Msr)
        } else if b == self.barcode.open {
            Some(Channel::Barcode)
        } else {
            None
        }
    }

    fn close(&self, ch: Channel) -> u8 {
        match ch {
            Channel::Ocr => self.ocr.close,
            Channel::Msr => self.msr.close,
            Channel::Barcode => self.barcode.close,
        }
    }
}

impl Default for ChannelDelimiters {
    fn default() -> Self {
        Self::ACCESS_IS
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Channel {
    Ocr,
    Msr,
    Barcode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    #[default]
    Idle,
    /// Open byte seen, STX expected.
    Open(Channel),
    Body(Channel),
    /// ETX seen, close byte expected.
    Etx(Channel),
    /// OCR frame oversized: skip to its close byte.
    Skip,
}

#[derive(Debug, Clone)]
pub(super) struct ChannelDecoder {
    delims: ChannelDelimiters,
    state: State,
    buf: Vec<u8>,
}

impl ChannelDecoder {
    pub(super) fn new(delims: ChannelDelimiters) -> Self {
        ChannelDecoder {
            delims,
            state: State::Idle,
            buf: Vec::new(),
        }
    }

    pub(super) fn byte(&mut self, b: u8, out: &mut Vec<Frame>) {
        match self.state {
            State::Idle => self.idle(b),
            State::Skip => {
                if b == self.delims.ocr.close {
                    self.state = State::Idle;
                }
            }
            State::Open(ch) => {
                if b == STX {
                    self.buf.clear();
                    self.state = State::Body(ch);
                } else {
                    self.state = State::Idle;
                    self.idle(b);
                }
            }
            State::Body(Channel::Ocr) => self.ocr_body(b, out),
            // Other channels: anything goes until ETX + their close byte.
            State::Body(ch) => {
                if b == ETX {
                    self.state = State::Etx(ch);
                }
            }
            State::Etx(ch) => self.after_etx(ch, b, out),
        }
    }

    fn idle(&mut self, b: u8) {
        if let Some(ch) = self.delims.channel_of_open(b) {
            self.state = State::Open(ch);
        }
    }

    fn ocr_body(&mut self, b: u8, out: &mut Vec<Frame>) {
        if b == ETX {
            self.state = State::Etx(Channel::Ocr);
        } else if b == self.delims.ocr.open {
            // A new OCR frame cut this one short.
            out.push(Err(FrameError::Truncated));
            self.buf.clear();
            self.state = State::Open(Channel::Ocr);
        } else if self.buf.len() >= MAX_FRAME {
            self.buf.clear();
            self.state = State::Skip;
            out.push(Err(FrameError::Oversized { limit: MAX_FRAME }));
        } else {
            self.buf.push(b);
        }
    }

    fn after_etx(&mut self, ch: Channel, b: u8, out: &mut Vec<Frame>) {
        let close = self.delims.close(ch);
        match ch {
            Channel::Ocr if b == close => {
                self.state = State::Idle;
                let body = std::mem::take(&mut self.buf);
                out.push(split_lines(&body).and_then(check_lengths));
            }
            Channel::Ocr => {
                self.state = State::Idle;
                self.buf.clear();
                out.push(Err(FrameError::Malformed(
                    "OCR frame: ETX not followed by the channel's end byte",
                )));
                self.idle(b);
            }
            _ if b == close => self.state = State::Idle,
            // ETX was data of the skipped channel.
            _ if b == ETX => {}
            _ => self.state = State::Body(ch),
        }
    }

    pub(super) fn in_progress(&self) -> bool {
        self.state != State::Idle
    }

    pub(super) fn expire(&mut self, out: &mut Vec<Frame>) {
        match self.state {
            State::Open(Channel::Ocr) | State::Body(Channel::Ocr) | State::Etx(Channel::Ocr) => {
                out.push(Err(FrameError::Stalled {
                    got: self.buf.len() + 2,
                }));
            }
            _ => {}
        }
        self.state = State::Idle;
        self.buf.clear();
    }
}

fn check_lengths(lines: Vec<String>) -> Frame {
    match lines
        .iter()
        .find(|l| !LINE_LEN.contains(&l.chars().count()))
    {
        Some(l) => Err(FrameError::LineLength {
            len: l.chars().count(),
        }),
        None => Ok(lines),
    }
}

/// Encodes one OCR read as `open STX line CR … ETX close`.
pub fn encode_ocr(delims: &ChannelDelimiters, lines: &[&str]) -> Vec<u8> {
    let mut body = Vec::new();
    for l in lines {
        body.extend_from_slice(l.as_bytes());
        body.push(b'\r');
    }
    encode_channel(delims.ocr, &body)
}

/// Encodes any channel's frame (tests and emulators send MSR and barcode data with it).
pub fn encode_channel(d: Delimiters, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 4);
    out.extend_from_slice(&[d.open, STX]);
    out.extend_from_slice(body);
    out.extend_from_slice(&[ETX, d.close]);
    out
}

/// Access-IS over USB-HID: each input report starts with a length byte whose bit 7 is a
/// flag; the payload is the next `length` bytes. `None` for a report whose length does
/// not fit.
pub fn hid_report_payload(report: &[u8]) -> Option<&[u8]> {
    let (&head, rest) = report.split_first()?;
    rest.get(..usize::from(head & 0x7F))
}

/// Access-IS over USB-HID: the output report that enables OCR on `endpoint`.
pub fn hid_enable_ocr(endpoint: u8) -> [u8; 2] {
    [endpoint, 0x80]
}

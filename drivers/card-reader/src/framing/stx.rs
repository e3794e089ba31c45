//! `stx-etx`: `STX line CR line CR … ETX`.

use super::{ETX, Frame, FrameError, MAX_FRAME, STX, split_lines};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    #[default]
    Idle,
    Body,
    /// Frame oversized: skip until its end marker.
    Skip,
}

#[derive(Debug, Clone, Default)]
pub(super) struct StxEtxDecoder {
    state: State,
    buf: Vec<u8>,
}

impl StxEtxDecoder {
    pub(super) fn byte(&mut self, b: u8, out: &mut Vec<Frame>) {
        match (self.state, b) {
            (State::Idle | State::Skip, STX) => {
                self.buf.clear();
                self.state = State::Body;
            }
            (State::Idle, _) => {}
            (State::Skip, ETX) => self.state = State::Idle,
            (State::Skip, _) => {}
            (State::Body, STX) => {
                out.push(Err(FrameError::Truncated));
                self.buf.clear();
            }
            (State::Body, ETX) => {
                self.state = State::Idle;
                out.push(split_lines(&self.buf));
                self.buf.clear();
            }
            (State::Body, _) if self.buf.len() >= MAX_FRAME => {
                self.buf.clear();
                self.state = State::Skip;
                out.push(Err(FrameError::Oversized { limit: MAX_FRAME }));
            }
            (State::Body, _) => self.buf.push(b),
        }
    }

    pub(super) fn in_progress(&self) -> bool {
        self.state != State::Idle
    }

    pub(super) fn expire(&mut self, out: &mut Vec<Frame>) {
        if self.state == State::Body {
            out.push(Err(FrameError::Stalled {
                got: self.buf.len() + 1,
            }));
        }
        self.state = State::Idle;
        self.buf.clear();
    }
}

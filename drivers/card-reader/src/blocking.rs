//! A blocking reader loop over any [`std::io::Read`]: a serial port, a pty, a
//! keyboard-wedge event stream ([`crate::wedge::EventStream`]) or a file all go through
//! the same pipeline.
//!
//! Reads that time out (`TimedOut`, `WouldBlock`, `Interrupted`) are clock ticks: the
//! pipeline is polled so a read that stopped halfway becomes a rejection within the
//! inter-byte timeout. A source that returns end of file a few times in a row
//! (a file at its end, a tty that hung up) ends the loop after finishing the pending read.

use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use crate::pipeline::{ReadPipeline, ReaderEvent};

/// Consecutive zero-byte reads taken as the end of the input.
const EOF_AFTER_ZERO_READS: u32 = 3;
/// Pause after a `WouldBlock` read (non-blocking sources), so the loop does not spin.
const WOULD_BLOCK_PAUSE: Duration = Duration::from_millis(10);

/// Why [`BlockingReader::run`] returned without an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopEnd {
    /// `stop` said so, or the event consumer refused an event.
    Stopped,
    /// The source ended (file at its end, tty hung up).
    EndOfInput,
}

/// Errors of the blocking loop; each keeps the I/O error.
#[derive(Debug, thiserror::Error)]
pub enum ReadLoopError {
    #[error("reading from the card reader failed")]
    Read(#[source] io::Error),
    #[error("sending the command after a read failed")]
    Command(#[source] io::Error),
}

impl ReadLoopError {
    pub fn io(&self) -> &io::Error {
        match self {
            ReadLoopError::Read(e) | ReadLoopError::Command(e) => e,
        }
    }
}

struct AfterRead {
    command: Vec<u8>,
    writer: Box<dyn Write + Send>,
}

/// The result of one [`BlockingReader::step`].
#[derive(Debug, Default)]
pub struct Step {
    pub events: Vec<ReaderEvent>,
    /// The source has ended; `events` holds the end of any pending read.
    pub ended: bool,
}

/// Reads a source, decodes and parses what arrives.
pub struct BlockingReader<R> {
    source: R,
    pipeline: ReadPipeline,
    after_read: Option<AfterRead>,
    zero_reads: u32,
    buf: Vec<u8>,
}

impl<R: Read> BlockingReader<R> {
    pub fn new(source: R, pipeline: ReadPipeline) -> Self {
        BlockingReader {
            source,
            pipeline,
            after_read: None,
            zero_reads: 0,
            buf: vec![0u8; 256],
        }
    }

    /// Sends `command` to `writer` after every read (accepted or refused): readers in
    /// an "interrupt" or "polled" mode wait for it before sending the next document
    /// (see [`crate::framing::three_m::encode_block`]).
    pub fn after_each_read(
        mut self,
        command: Vec<u8>,
        writer: impl Write + Send + 'static,
    ) -> Self {
        self.after_read = Some(AfterRead {
            command,
            writer: Box::new(writer),
        });
        self
    }

    pub fn pipeline(&self) -> &ReadPipeline {
        &self.pipeline
    }

    pub fn into_source(self) -> R {
        self.source
    }

    /// One read from the source and the events it completed.
    pub fn step(&mut self) -> Result<Step, ReadLoopError> {
        let mut step = Step::default();
        match self.source.read(&mut self.buf) {
            Ok(0) => {
                self.zero_reads += 1;
                if self.zero_reads >= EOF_AFTER_ZERO_READS {
                    step.events = self.pipeline.finish();
                    step.ended = true;
                } else {
                    step.events = self.pipeline.poll(Instant::now());
                }
            }
            Ok(n) => {
                self.zero_reads = 0;
                step.events = self.pipeline.push_at(&self.buf[..n], Instant::now());
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                std::thread::sleep(WOULD_BLOCK_PAUSE);
                step.events = self.pipeline.poll(Instant::now());
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
                ) =>
            {
                step.events = self.pipeline.poll(Instant::now());
            }
            Err(e) => return Err(ReadLoopError::Read(e)),
        }
        let reads = step.events.iter().filter(|e| e.is_read()).count();
        if let Some(after) = &mut self.after_read {
            for _ in 0..reads {
                after
                    .writer
                    .write_all(&after.command)
                    .and_then(|()| after.writer.flush())
                    .map_err(ReadLoopError::Command)?;
            }
        }
        Ok(step)
    }

    /// Reads until `stop()` is true, `emit` returns false, or the source ends.
    pub fn run(
        &mut self,
        mut emit: impl FnMut(ReaderEvent) -> bool,
        stop: impl Fn() -> bool,
    ) -> Result<LoopEnd, ReadLoopError> {
        loop {
            if stop() {
                return Ok(LoopEnd::Stopped);
            }
            let step = self.step()?;
            for ev in step.events {
                if !emit(ev) {
                    return Ok(LoopEnd::Stopped);
                }
            }
            if step.ended {
                return Ok(LoopEnd::EndOfInput);
            }
        }
    }
}

//! Program output: `print` writes into a buffer that is flushed to the sink (stdout, a host
//! writer, or an in-memory capture) when it grows large, at exit and on a trap.

use std::io::Write;

use super::trap::{Trap, TrapKind};

/// Buffer size above which output is flushed to the sink.
const FLUSH_AT: usize = 1 << 16;

/// Where output goes.
pub enum Sink {
    /// The process's stdout.
    Stdout,
    /// An in-memory capture the host reads with [`Output::take_captured`].
    Capture(Vec<u8>),
    /// Any writer the host supplies.
    Writer(Box<dyn Write>),
}

/// Buffered program output.
pub struct Output {
    /// Bytes not yet flushed.
    pub buf: Vec<u8>,
    sink: Sink,
}

impl Default for Output {
    fn default() -> Self {
        Output {
            buf: Vec::with_capacity(FLUSH_AT),
            sink: Sink::Stdout,
        }
    }
}

impl Output {
    /// Replaces the sink (flushing nothing: call [`Output::flush`] first to keep pending bytes).
    pub fn set_sink(&mut self, sink: Sink) {
        self.sink = sink;
    }

    /// Flushes when the buffer is large (called after each `print`).
    #[inline]
    pub fn maybe_flush(&mut self) -> Result<(), Trap> {
        if self.buf.len() >= FLUSH_AT {
            self.flush()
        } else {
            Ok(())
        }
    }

    /// Writes the buffer to the sink.
    pub fn flush(&mut self) -> Result<(), Trap> {
        let io = |e: std::io::Error| Trap::new(TrapKind::Io, format!("writing output: {e}"));
        match &mut self.sink {
            Sink::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(&self.buf).map_err(io)?;
                out.flush().map_err(io)?;
            }
            Sink::Capture(v) => v.extend_from_slice(&self.buf),
            Sink::Writer(w) => {
                w.write_all(&self.buf).map_err(io)?;
                w.flush().map_err(io)?;
            }
        }
        self.buf.clear();
        Ok(())
    }

    /// Takes everything captured so far (after flushing); empty unless the sink is a capture.
    pub fn take_captured(&mut self) -> Vec<u8> {
        if let Sink::Capture(v) = &mut self.sink {
            v.extend_from_slice(&self.buf);
            self.buf.clear();
            std::mem::take(v)
        } else {
            Vec::new()
        }
    }
}

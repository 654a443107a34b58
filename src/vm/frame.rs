//! Call frames: the saved state of a caller while its callee runs.
//!
//! Registers live on one register stack (`Vec<u64>`) with sliding windows: a callee's window
//! starts right after its caller's `num_registers`, and the register stack always extends at
//! least [`WINDOW`] slots past the current base, so every `u8` register number indexes inside it.
//! Spill slots live on a separate spill stack, one block of `num_spill_slots` per frame.

/// Registers a window spans: every `u8` register number is in bounds.
pub const WINDOW: usize = 256;

/// Default maximum call depth (`--max-frames`): deep enough for the recursion a C programmer
/// expects to work (about what an 8 MiB native stack holds), small enough to trap quickly.
pub const DEFAULT_MAX_FRAMES: usize = 100_000;

/// A suspended caller: 24 bytes. The caller's spill base is re-derived on return (the callee's
/// minus the caller's `num_spill_slots`: spill blocks are stacked exactly). The register that
/// receives the result is stored here (`dst`) rather than re-read from the call instruction, so a
/// return does not wait for a load of the caller's code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The caller's function index.
    pub func: u32,
    /// The pc in the caller to resume at (the instruction after the call).
    pub ret_pc: u32,
    /// The caller's register receiving the result (0: none; r0 is the constant zero).
    pub dst: u32,
    /// The caller's register base.
    pub base: usize,
}

/// A fixed-size view of one register window. Indexing it with a `u8` register number needs no
/// bounds check, which keeps the dispatch loop free of per-register checks without `unsafe`.
pub type Window = [u64; WINDOW];

/// The window starting at `base`. The caller keeps `regs.len() >= base + WINDOW`.
#[inline(always)]
pub fn window(regs: &mut [u64], base: usize) -> &mut Window {
    (&mut regs[base..base + WINDOW])
        .try_into()
        .expect("register stack always extends a full window past the base")
}

//! Call frames: the saved state of a caller while its callee runs.
//!
//! Registers live on one register stack (`Vec<u64>`) with sliding windows: a callee's window
//! starts right after its caller's `num_registers`, and the register stack always extends at
//! least [`WINDOW`] slots past the current base, so every `u8` register number indexes inside it.
//! Spill slots live on a separate spill stack, one block of `num_spill_slots` per frame.

use crate::bytecode::Instr;
use std::marker::PhantomData;
use std::ops::{Index, IndexMut};

/// Registers a window spans: every `u8` register number is in bounds.
pub const WINDOW: usize = 256;

/// Default maximum call depth (`--max-frames`): deep enough for the recursion a C programmer
/// expects to work (about what an 8 MiB native stack holds), small enough to trap quickly.
pub const DEFAULT_MAX_FRAMES: usize = 100_000;

/// What a call needs of a function besides its code, kept for the running function and saved
/// in its callee's [`Frame`]: one 12-byte copy each way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// The function's index.
    pub func: u32,
    /// Its `num_registers`: the distance from its register base to its callee's.
    pub num_registers: u32,
    /// Its `num_spill_slots`: the distance from its spill base to its callee's.
    pub num_spill_slots: u32,
}

/// A suspended caller: 32 bytes, everything a return needs without looking at the function
/// table. The caller's register and spill bases are re-derived on return (the callee's minus the
/// caller's `num_registers` and `num_spill_slots`: windows and spill blocks are stacked
/// exactly). The register that receives the result is stored here (`dst`) rather than re-read
/// from the call instruction, so a return does not wait for a load of the caller's code.
///
/// `ret` and `code` are addresses in the module being run; only the interpreter dereferences
/// them, while it holds that module (a stack trace uses the address only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The instruction to resume at in the caller (the one after the call).
    pub ret: *const Instr,
    /// The caller's first instruction.
    pub code: *const Instr,
    /// The caller.
    pub caller: Shape,
    /// The caller's register receiving the result (0: none; r0 is the constant zero).
    pub dst: u32,
}

// SAFETY: the pointers of a `Frame` are plain addresses into an immutable module's code (see
// `Frame`); nothing reads through them except the interpreter, under its own contract, and a
// frame holds no ownership, so moving or sharing it between threads is as safe as for integers.
unsafe impl Send for Frame {}
// SAFETY: as for `Send`.
unsafe impl Sync for Frame {}

impl Frame {
    /// The pc in the caller to resume at, given the caller's code.
    pub fn ret_pc(&self, code: &[Instr]) -> usize {
        (self.ret as usize).wrapping_sub(code.as_ptr() as usize) / std::mem::size_of::<Instr>()
    }
}

/// One register window as a plain array, for code that holds the whole register stack (the
/// out-of-line operations): indexing it with a `u8` register number needs no bounds check.
pub type Registers = [u64; WINDOW];

/// The window starting at `base` as an array. The caller keeps `regs.len() >= base + WINDOW`.
#[inline(always)]
pub fn window(regs: &mut [u64], base: usize) -> &mut Registers {
    (&mut regs[base..base + WINDOW])
        .try_into()
        .expect("register stack always extends a full window past the base")
}

/// The running frame's registers as the dispatch handlers hold them: a pointer to 256
/// consecutive slots of the register stack, lent by [`RegStack`] (at most one at a time).
///
/// A raw pointer rather than a `&mut [u64; 256]`: the handlers pass the window on in tail calls,
/// and a call or return makes a new window overlapping the old one (and may grow the stack)
/// while, in Rust's abstract machine, the handler that received the old window as an argument
/// has not returned yet. A reference argument is protected for the whole call, so those
/// overlapping accesses would be undefined behaviour (Miri reports them); a raw pointer is not.
/// Not `Clone`: the one window moves from handler to handler and back to the stack, so no stale
/// copy can outlive a growth of the stack.
pub struct Window<'r> {
    /// The window's first slot (register 0).
    regs: *mut u64,
    /// The borrow of the register stack the window lives in.
    stack: PhantomData<&'r mut [u64]>,
}

impl Window<'_> {
    /// The address of register 0 (identifies the window).
    #[inline(always)]
    fn as_ptr(&self) -> *const u64 {
        self.regs
    }
}

impl Index<usize> for Window<'_> {
    type Output = u64;

    /// Register `r` (taken modulo 256: register numbers are `u8`s, so the mask costs nothing).
    #[inline(always)]
    fn index(&self, r: usize) -> &u64 {
        // SAFETY: a `Window` exists only as the one window its `RegStack` lent (`window()`,
        // `push_unchecked`, `pop_unchecked`), which points at `WINDOW` initialised slots inside
        // the stack's buffer, and `r` is below `WINDOW`. The buffer stays allocated and
        // unaliased by references while the window exists: the stack reallocates or hands out
        // the buffer (`slots`, `grow_for`) only while no window is lent, and taking a window
        // back consumes it.
        unsafe { &*self.regs.add(r & (WINDOW - 1)) }
    }
}

impl IndexMut<usize> for Window<'_> {
    /// Register `r` (taken modulo 256), for writing.
    #[inline(always)]
    fn index_mut(&mut self, r: usize) -> &mut u64 {
        // SAFETY: as for `index`; `&mut self` makes this the only reference into the window.
        unsafe { &mut *self.regs.add(r & (WINDOW - 1)) }
    }
}

/// The register stack while a run executes: the one place that turns the stack into the
/// running frame's [`Window`].
///
/// The dispatch handlers need the window and the rest of the machine at the same
/// time, and a call or return needs the whole stack (to grow it and copy arguments) between two
/// windows. `RegStack` lends out at most one window at a time and gives access to the whole
/// stack only while no window is lent, so a window never aliases another window or the `Vec`'s
/// buffer. Each misuse (lending twice, giving back a foreign window, touching the stack while a
/// window is out) panics instead of aliasing.
pub(crate) struct RegStack<'r> {
    /// The slots; always at least `base + WINDOW` long.
    slots: &'r mut Vec<u64>,
    /// The running frame's register base.
    base: usize,
    /// A window is lent out.
    lent: bool,
}

impl<'r> RegStack<'r> {
    /// The stack over `slots` with the frame at base 0 (grows `slots` to a full window).
    pub fn new(slots: &'r mut Vec<u64>) -> RegStack<'r> {
        if slots.len() < WINDOW {
            slots.resize(WINDOW, 0);
        }
        RegStack {
            slots,
            base: 0,
            lent: false,
        }
    }

    /// The running frame's register base.
    #[inline(always)]
    pub fn base(&self) -> usize {
        self.base
    }

    /// Lends out the running frame's window. Panics if a window is already lent.
    #[inline(always)]
    pub fn lend(&mut self) -> Window<'r> {
        assert!(!self.lent, "one register window at a time");
        self.lent = true;
        self.window()
    }

    /// Whether a window at `base` fits in the stack as it is (else [`RegStack::grow_for`]
    /// grows it).
    #[inline(always)]
    pub fn fits(&self, base: usize) -> bool {
        base + WINDOW <= self.slots.len()
    }

    /// A call: takes back the lent window `w` and lends the callee's, which starts `n`
    /// registers up (it must fit: panics otherwise), with r0 = 0 and the `c` arguments
    /// `w[b..b+c]` in r2… (`b + c <= n <= WINDOW`, as the verifier proves for a call).
    #[inline(always)]
    pub fn push(&mut self, w: Window<'r>, n: usize, b: u8, c: u8) -> Window<'r> {
        if c > 4 {
            return self.push_many(w, n, b, c);
        }
        // The common case without a loop: four words are copied whatever `c` is (the callee's
        // registers past its arguments are unwritten until it writes them; the verifier proves
        // it never reads them first). The real arguments are below `b + c <= WINDOW`, so the
        // wrapping index only affects the words past them.
        let arg = |i: u8| w[b.wrapping_add(i) as usize];
        let args = [arg(0), arg(1), arg(2), arg(3)];
        self.check_lent(w);
        self.base += n;
        let mut callee = self.window();
        callee[0] = 0;
        for (i, arg) in args.into_iter().enumerate() {
            callee[2 + i] = arg;
        }
        callee
    }

    /// [`RegStack::push`] without its checks, for the call handler: takes back the lent window
    /// and lends the callee's, `n` registers up, with r0 = 0 and the arguments `w[b..b+c]` in
    /// r2… (`c <= 4`; the four words at `b` are copied whatever `c` is, those past the
    /// arguments unread by the callee).
    ///
    /// # Safety
    ///
    /// `w` is the window this stack lent, and the stack extends a window past `base() + n + 4`
    /// ([`RegStack::fits`]`(base() + n + 4)`): then the callee's window fits, and so do the four
    /// words read at `b` whatever `b` is (`b + 4 <= WINDOW + 3 < n + WINDOW + 4`; a call with no
    /// arguments does not bound `b`).
    #[inline(always)]
    pub unsafe fn push_unchecked(&mut self, w: Window<'r>, n: usize, b: u8) -> Window<'r> {
        debug_assert!(std::ptr::eq(
            w.as_ptr(),
            self.slots.as_ptr().wrapping_add(self.base)
        ));
        let _ = w;
        // SAFETY: the caller's window starts at `base`, and `base + n + 4 + WINDOW <=
        // slots.len()` (the contract): the four words at `b` end by `base + WINDOW + 3`, the
        // callee's window by `base + n + WINDOW`: all in the stack. `copy` allows the (only past-the-arguments)
        // overlap. The callee's window is unique as in `window`: the caller's window `w` is
        // consumed here (taken for `'r`), and `lent` stays set.
        // The pointers come from the buffer (`as_mut_ptr` creates no reference to it), not from
        // `w`, whose borrow covers its own 256 words only.
        unsafe {
            let from = self.slots.as_mut_ptr().add(self.base);
            let callee = from.add(n);
            std::ptr::copy(from.add(b as usize), callee.add(2), 4);
            *callee = 0;
            self.base += n;
            Window {
                regs: callee,
                stack: PhantomData,
            }
        }
    }

    /// A return: takes back the lent window `w` and lends the caller's, `n` registers down,
    /// without checks (for the return handler).
    ///
    /// # Safety
    ///
    /// `w` is the window this stack lent, and `n <= base()` (the caller's window, which fitted
    /// when it called; the stack never shrinks during a run).
    #[inline(always)]
    pub unsafe fn pop_unchecked(&mut self, w: Window<'r>, n: usize) -> Window<'r> {
        debug_assert!(std::ptr::eq(
            w.as_ptr(),
            self.slots.as_ptr().wrapping_add(self.base)
        ));
        debug_assert!(n <= self.base);
        let _ = w;
        self.base -= n;
        // `n <= base`, so the new base is in the stack, which extends a window past every base
        // it ever had (it only grows): the window is in bounds (see `Index`). Unique as in
        // `window`: the callee's window `w` is consumed here and `lent` stays set.
        Window {
            regs: self.slots.as_mut_ptr().wrapping_add(self.base),
            stack: PhantomData,
        }
    }

    /// [`RegStack::push`] with more than four arguments.
    #[cold]
    #[inline(never)]
    fn push_many(&mut self, w: Window<'r>, n: usize, b: u8, c: u8) -> Window<'r> {
        self.check_lent(w);
        let (base, b, c) = (self.base, b as usize, c as usize);
        // Both windows (`n + WINDOW` slots), through the stack: `w` was taken back.
        let regs = &mut self.slots[base..base + n + WINDOW];
        regs[n] = 0;
        for i in 0..c {
            regs[n + 2 + i] = regs[b + i];
        }
        self.base = base + n;
        self.window()
    }

    /// Checks that `w` is the window this stack lent (panics otherwise); `w` can no longer be
    /// used (it is taken for `'r`).
    #[inline(always)]
    fn check_lent(&self, w: Window<'r>) {
        let ours = self.slots.as_ptr().wrapping_add(self.base);
        // Only a lent window can exist (`give_back`, `push` and the unchecked `push_unchecked`/`pop_unchecked` consume theirs), so
        // the address identifies it.
        assert!(
            std::ptr::eq(w.as_ptr(), ours),
            "not the lent register window"
        );
    }

    /// The window at `base`, for `lend` and `push`: each calls it exactly once, with `lent` set
    /// and no other window usable (`lend` checked none was lent; `push` took back the lent one).
    #[inline(always)]
    fn window(&mut self) -> Window<'r> {
        assert!(
            self.base + WINDOW <= self.slots.len(),
            "stack shorter than a window"
        );
        // `as_mut_ptr` creates no reference to the buffer, so earlier windows' accesses (all
        // through such pointers) and this one's never invalidate each other; the pointer is in
        // bounds (checked just above).
        Window {
            regs: self.slots.as_mut_ptr().wrapping_add(self.base),
            stack: PhantomData,
        }
    }

    /// Takes back the lent window (which can no longer be used). Panics unless `w` is the
    /// window this stack lent.
    #[inline(always)]
    pub fn give_back(&mut self, w: Window<'r>) {
        self.check_lent(w);
        self.lent = false;
    }

    /// The whole stack, while no window is lent (panics otherwise).
    #[inline(always)]
    pub fn slots(&mut self) -> &mut Vec<u64> {
        assert!(!self.lent, "register stack used while a window is lent");
        self.slots
    }

    /// Grows the stack so that a window at `base` fits; while no window is lent (panics
    /// otherwise).
    pub fn grow_for(&mut self, base: usize) {
        assert!(!self.lent, "register stack used while a window is lent");
        if base + WINDOW > self.slots.len() {
            grow(self.slots, base + WINDOW);
        }
    }
}

/// Grows the register stack geometrically to at least `n` slots.
#[cold]
#[inline(never)]
fn grow(regs: &mut Vec<u64>, n: usize) {
    regs.resize(n.max(regs.len() * 2), 0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_slide_over_one_stack_and_survive_growth() {
        let mut slots = Vec::new();
        let mut stack = RegStack::new(&mut slots);
        let mut w = stack.lend();
        w[5] = 55;
        w[10] = 1;
        w[11] = 2;
        stack.give_back(w);
        // Far enough up that the stack must grow (reallocate) first.
        stack.grow_for(10_000);
        let w = stack.lend();
        assert_eq!(w[5], 55, "growth keeps the values");
        // A call from base 0 with 250 registers, arguments r10, r11: the callee sees r2, r3.
        let mut w = stack.push(w, 250, 10, 2);
        assert_eq!((w[0], w[2], w[3]), (0, 1, 2));
        w[6] = 66;
        w[20] = 7;
        w[21] = 8;
        w[22] = 9;
        w[23] = 10;
        w[24] = 11;
        // Five arguments take the copying loop.
        let w = stack.push(w, 30, 20, 5);
        assert_eq!((w[0], w[2], w[3], w[4], w[5], w[6]), (0, 7, 8, 9, 10, 11));
        assert_eq!(stack.base(), 280);
        // SAFETY: `w` is the lent window, and `280 <= base`.
        let w = unsafe { stack.pop_unchecked(w, 280) };
        assert_eq!(w[5], 55);
        stack.give_back(w);
        assert_eq!(stack.slots()[256], 66, "windows overlap: 250 + 6");
        assert!(stack.fits(10_000));
    }

    #[test]
    fn unchecked_call_and_return_windows() {
        let mut slots = Vec::new();
        let mut stack = RegStack::new(&mut slots);
        stack.grow_for(2 * WINDOW);
        let mut w = stack.lend();
        w[0] = 0;
        (w[7], w[8], w[9]) = (70, 80, 90);
        // A call from the top of a 10-register window (arguments r7..r10, one past them
        // unread): the four words copied reach into the callee's window, which overlaps.
        // SAFETY: `w` is the lent window; the stack extends a window past `10 + 4` (it was
        // grown to `2 * WINDOW`).
        let mut w = unsafe { stack.push_unchecked(w, 10, 7) };
        assert_eq!(stack.base(), 10);
        assert_eq!((w[0], w[2], w[3], w[4]), (0, 70, 80, 90));
        w[1] = 11;
        // SAFETY: `w` is the lent window and `10 <= base`.
        let w = unsafe { stack.pop_unchecked(w, 10) };
        assert_eq!(stack.base(), 0);
        assert_eq!(
            (w[7], w[11]),
            (70, 11),
            "the caller sees its registers and the overlap"
        );
        stack.give_back(w);
    }

    #[test]
    fn frames_resume_at_their_pc() {
        let code = [Instr::new(crate::bytecode::Opcode::Nop, 0, 0, 0, 0); 4];
        let frame = Frame {
            ret: code[3..].as_ptr(),
            code: code.as_ptr(),
            caller: Shape {
                func: 1,
                num_registers: 2,
                num_spill_slots: 0,
            },
            dst: 0,
        };
        assert_eq!(frame.ret_pc(&code), 3);
        assert_eq!(std::mem::size_of::<Frame>(), 32);
    }

    /// Like the call handlers' slow path: the window arrives as an argument, is given back, the
    /// stack grows (reallocates) and a new window is lent, all before the function returns.
    fn grow_inside<'r>(stack: &mut RegStack<'r>, w: Window<'r>) -> Window<'r> {
        stack.give_back(w);
        stack.grow_for(100_000);
        stack.lend()
    }

    /// Like the out-of-line handler: the window argument is given back and the whole stack
    /// written before a new window is lent.
    fn whole_stack_inside<'r>(stack: &mut RegStack<'r>, w: Window<'r>) -> Window<'r> {
        stack.give_back(w);
        stack.slots()[3] = 6;
        stack.lend()
    }

    /// Like a chain of handlers that are real nested calls (an unoptimised build): each level
    /// receives the window as an argument and passes a new, overlapping one down (a call) or
    /// the caller's back (a return) while every caller's frame is still live.
    fn nested_calls<'r>(stack: &mut RegStack<'r>, mut w: Window<'r>, depth: u64) -> Window<'r> {
        w[1] = depth;
        if depth == 0 {
            return grow_inside(stack, w);
        }
        let callee = stack.push(w, 3, 1, 1);
        let callee = nested_calls(stack, callee, depth - 1);
        // SAFETY: `callee` is the lent window, 3 registers above this level's (`3 <= base`).
        let mut w = unsafe { stack.pop_unchecked(callee, 3) };
        w[2] += 1;
        w
    }

    /// The windows' raw-pointer accesses stay valid across growth, whole-stack use and
    /// overlapping windows made while the receiving function has not returned (run under Miri
    /// by `scripts/miri-frame.sh`: a `&mut [u64; 256]` argument here was undefined behaviour).
    #[test]
    fn window_arguments_survive_growth_and_overlapping_windows() {
        let mut slots = Vec::new();
        let mut stack = RegStack::new(&mut slots);
        let mut w = stack.lend();
        w[3] = 5;
        let mut w = grow_inside(&mut stack, w);
        assert_eq!(w[3], 5);
        w[3] = 7;
        let w = whole_stack_inside(&mut stack, w);
        assert_eq!(w[3], 6);
        let w = nested_calls(&mut stack, w, 20);
        // The callee windows start 3 registers up, so they overlap their callers' r3.. only:
        // the top level's r1 is still its own depth.
        assert_eq!(w[1], 20);
        assert_eq!(stack.base(), 0);
        stack.give_back(w);
        assert!(stack.fits(100_000 - WINDOW));
    }

    #[test]
    #[should_panic(expected = "one register window at a time")]
    fn lending_twice_panics() {
        let mut slots = Vec::new();
        let mut stack = RegStack::new(&mut slots);
        let _a = stack.lend();
        let _b = stack.lend();
    }

    #[test]
    #[should_panic(expected = "not the lent register window")]
    fn a_foreign_window_is_refused() {
        let (mut s1, mut s2) = (Vec::new(), Vec::new());
        let mut one = RegStack::new(&mut s1);
        let mut two = RegStack::new(&mut s2);
        let _mine = two.lend();
        let theirs = one.lend();
        two.give_back(theirs);
    }

    #[test]
    #[should_panic(expected = "while a window is lent")]
    fn the_stack_is_closed_while_a_window_is_lent() {
        let mut slots = Vec::new();
        let mut stack = RegStack::new(&mut slots);
        let _w = stack.lend();
        stack.slots().push(1);
    }
}

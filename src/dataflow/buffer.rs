//! Immutable, 64-byte aligned byte buffers shared by reference count, and their growable builder.
//!
//! Storage is either a `Vec` of 64-byte aligned blocks (operator intermediates) or a region of
//! a [`TableArena`] (result tables: when the builder's account carries an arena, `freeze` puts
//! the bytes there); either way every buffer starts 64-byte aligned (the Arrow recommendation).
//! Typed views go through `bytemuck`, which checks alignment and length.

use std::fmt;
use std::sync::Arc;

use bytemuck::{Pod, Zeroable};

use super::arena::{ArenaRegion, TableArena};
use super::error::Result;
use super::memory::{MemoryAccount, Reservation};

/// Alignment of every buffer start, in bytes.
pub const ALIGNMENT: usize = 64;

/// One 64-byte aligned block of storage.
#[repr(C, align(64))]
#[derive(Clone, Copy)]
struct Block([u8; ALIGNMENT]);

// SAFETY: `Block` is `repr(C)` around a `[u8; 64]` whose size (64) equals its alignment, so it has
// no padding bytes, every bit pattern is valid, and all-zero is a valid value; it holds no pointers.
unsafe impl Zeroable for Block {}
// SAFETY: as above; `Block` is `Copy` and `'static`.
unsafe impl Pod for Block {}

const ZERO_BLOCK: Block = Block([0; ALIGNMENT]);

fn blocks_for(bytes: usize) -> usize {
    bytes.div_ceil(ALIGNMENT)
}

enum Storage {
    /// Heap blocks, charged until the last buffer sharing them is dropped.
    Heap {
        blocks: Vec<Block>,
        _reservation: Option<Reservation>,
    },
    /// A region of a table arena (charged to the arena).
    Arena(ArenaRegion),
}

impl Storage {
    fn bytes(&self) -> &[u8] {
        match self {
            Storage::Heap { blocks, .. } => bytemuck::cast_slice(blocks),
            Storage::Arena(r) => r.as_slice(),
        }
    }
}

/// An immutable byte range inside shared, 64-byte aligned storage. Cloning and slicing are O(1).
#[derive(Clone)]
pub struct Buffer {
    storage: Arc<Storage>,
    offset: usize,
    len: usize,
}

impl Buffer {
    /// The empty buffer.
    pub fn empty() -> Buffer {
        Buffer {
            storage: Arc::new(Storage::Heap {
                blocks: Vec::new(),
                _reservation: None,
            }),
            offset: 0,
            len: 0,
        }
    }

    /// Copies `bytes` into a new aligned buffer, charging `account`.
    pub fn copy_from(bytes: &[u8], account: &MemoryAccount) -> Result<Buffer> {
        let mut b = MutableBuffer::new(account.clone());
        b.reserve(bytes.len())?;
        b.extend_from_slice(bytes);
        b.freeze()
    }

    /// A buffer of `len` bytes written in order by `fill(offset, window)`, window by window
    /// (each zeroed first, at most [`FILL_WINDOW`](super::arena::FILL_WINDOW) bytes, together
    /// exactly `0..len`). With an arena account the bytes go straight into the arena and its
    /// pages are first touched as they are filled, so a source that frees what it has copied
    /// (a reader's segments) and the result never both hold everything.
    pub(crate) fn filled(
        len: usize,
        account: &MemoryAccount,
        mut fill: impl FnMut(usize, &mut [u8]),
    ) -> Result<Buffer> {
        if let Some(arena) = account.arena()
            && len > 0
        {
            // Padding past `len` is left alone, so it stays zero.
            let region = arena.alloc_filled(len, |offset, window| {
                if offset < len {
                    let n = window.len().min(len - offset);
                    fill(offset, &mut window[..n]);
                }
            })?;
            return Ok(Buffer {
                storage: Arc::new(Storage::Arena(region)),
                offset: 0,
                len,
            });
        }
        let mut b = MutableBuffer::new(account.clone());
        b.reserve(len)?;
        b.resize(len);
        for (i, window) in b
            .as_mut_slice()
            .chunks_mut(super::arena::FILL_WINDOW)
            .enumerate()
        {
            fill(i * super::arena::FILL_WINDOW, window);
        }
        b.freeze()
    }

    /// Copies typed values into a new aligned buffer (unaccounted; for small or test data).
    pub fn from_slice<T: Pod>(values: &[T]) -> Buffer {
        let mut b = MutableBuffer::new(MemoryAccount::unlimited());
        b.extend_from_slice(values);
        b.freeze().unwrap_or_else(|_| Buffer::empty())
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the buffer holds no bytes.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        &self.storage.bytes()[self.offset..self.offset + self.len]
    }

    /// Byte offset of this view inside its storage (0 for a freshly built buffer).
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// True when the first byte is 64-byte aligned in memory.
    pub fn is_aligned(&self) -> bool {
        self.offset.is_multiple_of(ALIGNMENT)
    }

    /// The bytes viewed as `T` values, or `None` when misaligned or not a whole number of values.
    pub fn try_typed<T: Pod>(&self) -> Option<&[T]> {
        bytemuck::try_cast_slice(self.as_slice()).ok()
    }

    /// The bytes viewed as `T` values; empty when the view is impossible (callers check with
    /// [`Self::try_typed`] when they build a column, so this never loses data there).
    pub fn typed<T: Pod>(&self) -> &[T] {
        self.try_typed().unwrap_or(&[])
    }

    /// The bytes `offset..offset + len` of this buffer, sharing storage; clamped to the buffer.
    pub fn slice(&self, offset: usize, len: usize) -> Buffer {
        let offset = offset.min(self.len);
        let len = len.min(self.len - offset);
        Buffer {
            storage: self.storage.clone(),
            offset: self.offset + offset,
            len,
        }
    }

    /// The table arena holding the bytes, if they are in one.
    pub fn arena(&self) -> Option<&TableArena> {
        match &*self.storage {
            Storage::Arena(r) => Some(r.arena()),
            Storage::Heap { .. } => None,
        }
    }

    /// True when both share the same storage (used by tests to prove zero-copy).
    pub fn shares_storage_with(&self, other: &Buffer) -> bool {
        Arc::ptr_eq(&self.storage, &other.storage)
    }
}

impl PartialEq for Buffer {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Buffer {}

impl fmt::Debug for Buffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Buffer({} bytes)", self.len)
    }
}

impl Default for Buffer {
    fn default() -> Self {
        Buffer::empty()
    }
}

/// A growable, 64-byte aligned byte buffer that charges its capacity to a [`MemoryAccount`].
///
/// Appends never fail: when growth would exceed the budget, the buffer still grows but remembers
/// the error, which [`Self::check`], [`Self::reserve`] and [`Self::freeze`] return. Callers that
/// append in batches call `check` or `reserve` once per batch, which bounds the overshoot.
pub struct MutableBuffer {
    blocks: Vec<Block>,
    /// Set when the final size was reserved up front in an arena account: bytes are written
    /// straight into the arena and `blocks` stays empty.
    region: Option<ArenaRegion>,
    len: usize,
    account: MemoryAccount,
    reservation: Reservation,
    error: Option<crate::dataflow::error::DataflowError>,
}

impl MutableBuffer {
    /// An empty buffer charging `account`.
    pub fn new(account: MemoryAccount) -> Self {
        let reservation = account.empty_reservation();
        MutableBuffer {
            blocks: Vec::new(),
            region: None,
            len: 0,
            account,
            reservation,
            error: None,
        }
    }

    /// Bytes written.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing is written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes written so far.
    pub fn as_slice(&self) -> &[u8] {
        match &self.region {
            Some(r) => &r.as_slice()[..self.len],
            None => &bytemuck::cast_slice::<Block, u8>(&self.blocks)[..self.len],
        }
    }

    /// All initialised storage bytes (at least `len`).
    fn storage_mut(&mut self) -> &mut [u8] {
        match &mut self.region {
            Some(r) => r.as_mut_slice(),
            None => bytemuck::cast_slice_mut::<Block, u8>(&mut self.blocks),
        }
    }

    /// The bytes written so far, mutably.
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        let len = self.len;
        &mut self.storage_mut()[..len]
    }

    /// The written bytes as `T` values (`T` must divide the length; alignment always holds).
    pub fn typed<T: Pod>(&self) -> &[T] {
        bytemuck::try_cast_slice(self.as_slice()).unwrap_or(&[])
    }

    /// The written bytes as mutable `T` values.
    pub fn typed_mut<T: Pod>(&mut self) -> &mut [T] {
        bytemuck::try_cast_slice_mut(self.as_mut_slice()).unwrap_or(&mut [])
    }

    /// Makes room for `additional` more bytes now, failing if the budget does not allow it.
    ///
    /// With an arena account and nothing written yet, the room is taken from the arena, so a
    /// buffer whose size is known up front (a concatenation, a copy) is built in place.
    pub fn reserve(&mut self, additional: usize) -> Result<()> {
        self.check()?;
        if self.len == 0
            && additional > 0
            && self.region.is_none()
            && self.blocks.capacity() == 0
            && let Some(arena) = self.account.arena()
        {
            self.region = Some(arena.alloc_zeroed(additional)?);
            return Ok(());
        }
        self.grow_capacity(self.len.saturating_add(additional));
        self.check()
    }

    /// The first budget error met while growing, if any.
    pub fn check(&self) -> Result<()> {
        match &self.error {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    fn grow_capacity(&mut self, min_bytes: usize) {
        if let Some(r) = &self.region {
            if min_bytes <= r.len() {
                return;
            }
            // Outgrew the reserved arena region: continue on the heap (the region stays
            // allocated in the arena, which frees it with everything else).
            let bytes = r.as_slice()[..self.len].to_vec();
            self.region = None;
            let len = self.len;
            self.len = 0;
            self.grow_capacity(min_bytes);
            self.extend_from_slice(&bytes);
            debug_assert_eq!(self.len, len);
            return;
        }
        let need = blocks_for(min_bytes);
        if need <= self.blocks.capacity() {
            return;
        }
        let target = need.max(self.blocks.capacity() * 2).max(4);
        let extra_bytes = (target - self.blocks.capacity()) * ALIGNMENT;
        if self.account.is_forced() {
            self.reservation.force_grow(extra_bytes);
        } else if self.error.is_none() {
            let op = self.account.operator().to_string();
            if let Err(e) = self.reservation.grow(extra_bytes, &op) {
                self.error = Some(e);
            }
        }
        self.blocks.reserve_exact(target - self.blocks.len());
    }

    /// Sets the length to `new_len`, zero-filling new bytes.
    pub fn resize(&mut self, new_len: usize) {
        self.grow_capacity(new_len);
        let need = blocks_for(new_len);
        if self.region.is_none() && need > self.blocks.len() {
            self.blocks.resize(need, ZERO_BLOCK);
        }
        if new_len < self.len {
            // Keep bytes past the end zero so frozen buffers carry zero padding.
            let old = self.len;
            self.storage_mut()[new_len..old].fill(0);
        }
        self.len = new_len;
    }

    /// Appends raw values (copied straight into spare capacity, without zero-filling first).
    pub fn extend_from_slice<T: Pod>(&mut self, values: &[T]) {
        let bytes: &[u8] = bytemuck::cast_slice(values);
        let start = self.len;
        self.grow_capacity(start.saturating_add(bytes.len()));
        if self.region.is_some() {
            self.resize(start + bytes.len());
            self.storage_mut()[start..start + bytes.len()].copy_from_slice(bytes);
            return;
        }
        // SAFETY: the closure initialises exactly the first `bytes.len()` bytes at `dst`
        // (`dst` has room for them) and returns that count.
        unsafe {
            self.append_uninit(bytes.len(), |dst| {
                std::ptr::copy_nonoverlapping(bytes.as_ptr(), dst, bytes.len());
                bytes.len()
            })
        }
    }

    /// Appends the values `values` yields, written straight into spare capacity without
    /// zero-filling first (a gather fills a fresh buffer in one pass). At most the reported
    /// length is taken; an iterator yielding fewer values leaves the buffer that much shorter.
    pub fn extend_from_iter<T: Pod, I>(&mut self, values: I)
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: ExactSizeIterator,
    {
        let values = values.into_iter();
        let size = std::mem::size_of::<T>();
        let max = values.len();
        let max_bytes = max.saturating_mul(size);
        let start = self.len;
        if size == 0 {
            return;
        }
        self.grow_capacity(start.saturating_add(max_bytes));
        if self.region.is_some() {
            // Arena regions are zeroed when taken: write in place.
            self.resize(start + max_bytes);
            let mut end = start;
            let dst = &mut self.storage_mut()[start..start + max_bytes];
            for (d, v) in dst.chunks_exact_mut(size).zip(values) {
                d.copy_from_slice(bytemuck::bytes_of(&v));
                end += size;
            }
            self.resize(end);
            return;
        }
        // SAFETY: the closure writes whole values of `size` bytes one after another from
        // `dst`, at most `max` of them (room for `max_bytes`), and returns the bytes written.
        // `T: Pod` has no padding, so every written byte is initialised.
        unsafe {
            self.append_uninit(max_bytes, |dst| {
                let mut written = 0;
                // Internal iteration: a slice-backed iterator becomes a plain counted loop.
                values.take(max).for_each(|v| {
                    dst.add(written).cast::<T>().write_unaligned(v);
                    written += size;
                });
                written
            })
        }
    }

    /// Heap storage: appends the bytes `write` puts at byte `len` of the blocks, with room for
    /// `max_bytes`, and zeroes the rest of any block it starts (bytes past `len` stay zero).
    ///
    /// # Safety
    ///
    /// `write` gets a pointer valid for writing `max_bytes` bytes; it must initialise exactly
    /// the first `k <= max_bytes` of them and return `k`.
    unsafe fn append_uninit(&mut self, max_bytes: usize, write: impl FnOnce(*mut u8) -> usize) {
        debug_assert!(self.region.is_none());
        let start = self.len;
        self.grow_capacity(start.saturating_add(max_bytes));
        // Invariants: `blocks` covers `len` (so `start <= old_blocks * ALIGNMENT`), and bytes of
        // those blocks past `len` are zero.
        let old_blocks = self.blocks.len();
        let base = self.blocks.as_mut_ptr().cast::<u8>();
        // SAFETY: the capacity holds `blocks_for(start + max_bytes)` blocks (grow_capacity), so
        // `start..start + max_bytes` lies inside the allocation; `as_mut_ptr` creates no
        // reference, and nothing else touches `blocks` until `set_len` below.
        let written = write(unsafe { base.add(start) });
        assert!(written <= max_bytes, "append_uninit wrote past its room");
        let end = start + written;
        let new_blocks = blocks_for(end).max(old_blocks);
        let zero_from = end.max(old_blocks * ALIGNMENT);
        // SAFETY: `zero_from..new_blocks * ALIGNMENT` is inside the capacity (`new_blocks` is at
        // most `blocks_for(start + max_bytes)` or `old_blocks`). After zeroing it, every byte of
        // blocks `old_blocks..new_blocks` is initialised: those from `old_blocks * ALIGNMENT` (>=
        // `start`) to `end` by `write`, the rest here; `Block` is plain bytes, so `set_len` is
        // sound.
        unsafe {
            base.add(zero_from)
                .write_bytes(0, new_blocks * ALIGNMENT - zero_from);
            self.blocks.set_len(new_blocks);
        }
        self.len = end;
    }

    /// Appends one value.
    pub fn push<T: Pod>(&mut self, value: T) {
        self.extend_from_slice(std::slice::from_ref(&value));
    }

    /// Freezes into an immutable [`Buffer`] that keeps the memory charge until dropped.
    ///
    /// With an arena account the bytes end up in the arena: in place when they were reserved
    /// there, else copied once (exact size) and the heap blocks freed at once.
    pub fn freeze(self) -> Result<Buffer> {
        self.check()?;
        let len = self.len;
        let storage = match (self.region, self.account.arena()) {
            (Some(region), _) => Storage::Arena(region),
            (None, Some(arena)) if len > 0 => {
                let mut region = arena.alloc_zeroed(len)?;
                let heap: &[u8] = bytemuck::cast_slice(&self.blocks);
                region.as_mut_slice()[..len].copy_from_slice(&heap[..len]);
                Storage::Arena(region)
            }
            (None, _) => Storage::Heap {
                blocks: self.blocks,
                _reservation: Some(self.reservation),
            },
        };
        Ok(Buffer {
            storage: Arc::new(storage),
            offset: 0,
            len,
        })
    }
}

impl fmt::Debug for MutableBuffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MutableBuffer({} bytes)", self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataflow::memory::MemoryBudget;

    #[test]
    fn frozen_buffers_are_aligned_and_typed() {
        let b = Buffer::from_slice(&[1i64, -2, 3]);
        assert_eq!(b.len(), 24);
        assert_eq!(b.as_slice().as_ptr() as usize % ALIGNMENT, 0);
        assert_eq!(b.typed::<i64>(), &[1, -2, 3]);
        assert_eq!(b.try_typed::<i32>().map(|s| s.len()), Some(6));
        let s = b.slice(8, 16);
        assert_eq!(s.typed::<i64>(), &[-2, 3]);
        assert!(s.shares_storage_with(&b));
        assert!(!s.is_aligned());
        // A view that is not a whole number of values is refused rather than truncated.
        assert!(b.slice(0, 5).try_typed::<i32>().is_none());
        assert!(b.slice(1, 8).try_typed::<i64>().is_none());
    }

    #[test]
    fn slice_is_clamped() {
        let b = Buffer::from_slice(&[1u8, 2, 3]);
        assert_eq!(b.slice(2, 10).as_slice(), &[3]);
        assert!(b.slice(9, 1).is_empty());
    }

    #[test]
    fn growth_is_charged_and_released() {
        let budget = MemoryBudget::with_limit(1 << 20);
        let mut m = MutableBuffer::new(MemoryAccount::new(&budget, "test"));
        for i in 0..1000u32 {
            m.push(i);
        }
        assert_eq!(m.typed::<u32>()[999], 999);
        assert!(budget.used() >= 4000);
        let b = m.freeze().unwrap();
        let c = b.clone();
        drop(b);
        assert!(budget.used() >= 4000, "a live clone keeps the charge");
        drop(c);
        assert_eq!(budget.used(), 0);
    }

    #[test]
    fn over_budget_growth_is_reported() {
        let budget = MemoryBudget::with_limit(256);
        let mut m = MutableBuffer::new(MemoryAccount::new(&budget, "read_csv"));
        m.extend_from_slice(&[0u8; 200]);
        assert!(m.check().is_ok());
        m.extend_from_slice(&[0u8; 200]);
        let err = m.check().unwrap_err();
        assert!(err.to_string().contains("read_csv"), "{err}");
        assert!(m.freeze().is_err());
        assert_eq!(budget.used(), 0);
        let mut m = MutableBuffer::new(MemoryAccount::new(&budget, "sort"));
        assert!(m.reserve(1000).is_err());
    }

    #[test]
    fn arena_buffers_are_built_in_place_or_copied_once_and_outlive_everything() {
        let budget = MemoryBudget::with_limit(1 << 20);
        let account = MemoryAccount::new(&budget, "materialize").with_new_arena();
        let arena = account.arena().unwrap().clone();
        // Size known up front: written straight into the arena.
        let mut a = MutableBuffer::new(account.clone());
        a.reserve(24).unwrap();
        a.extend_from_slice(&[1i64, 2, 3]);
        let a = a.freeze().unwrap();
        // Grown on the heap, then copied into the arena once.
        let mut b = MutableBuffer::new(account.clone());
        for i in 0..100u32 {
            b.push(i);
        }
        let b = b.freeze().unwrap();
        // Reserved too little: moves to the heap, still ends in the arena.
        let mut c = MutableBuffer::new(account.clone());
        c.reserve(8).unwrap();
        c.extend_from_slice(&[7u8; 100]);
        let c = c.freeze().unwrap();
        for buf in [&a, &b, &c] {
            assert!(buf.arena().unwrap().ptr_eq(&arena));
            assert_eq!(buf.as_slice().as_ptr() as usize % ALIGNMENT, 0);
        }
        assert_eq!(a.typed::<i64>(), &[1, 2, 3]);
        assert_eq!(b.typed::<u32>()[99], 99);
        assert_eq!(c.as_slice(), &[7u8; 100]);
        // Only the arena's regions stay charged (64 + 448 + 64 + 128 bytes).
        assert_eq!(budget.used(), arena.allocated());
        assert_eq!(arena.allocated(), 64 + 448 + 64 + 128);
        drop((account, arena));
        // Columns keep the arena alive, also on another thread.
        let s = a.slice(8, 16);
        drop((a, c));
        let b = std::thread::spawn(move || b.typed::<u32>().iter().sum::<u32>())
            .join()
            .unwrap();
        assert_eq!(b, 4950);
        assert_eq!(s.typed::<i64>(), &[2, 3]);
        assert!(budget.used() > 0);
        drop(s);
        assert_eq!(budget.used(), 0);
    }

    /// `Buffer::filled` writes exactly `0..len`, in the arena when the account has one (padding
    /// zero) and on the heap otherwise.
    #[test]
    fn filled_buffers_hold_what_was_written() {
        let budget = MemoryBudget::with_limit(1 << 24);
        let window = crate::dataflow::arena::FILL_WINDOW;
        for account in [
            MemoryAccount::new(&budget, "read_csv"),
            MemoryAccount::new(&budget, "read_csv").with_new_arena(),
        ] {
            let len = window + 3;
            let mut calls = Vec::new();
            let b = Buffer::filled(len, &account, |offset, w| {
                calls.push((offset, w.len()));
                w.fill(7);
            })
            .unwrap();
            assert_eq!(calls, [(0, window), (window, 3)]);
            assert_eq!(b.len(), len);
            assert!(b.as_slice().iter().all(|&x| x == 7));
            assert!(padding_is_zero(&b));
            assert_eq!(b.arena().is_some(), account.arena().is_some());
            let e = Buffer::filled(0, &account, |_, _| panic!("nothing to fill")).unwrap();
            assert!(e.is_empty());
        }
    }

    /// An iterator whose reported length may be wrong (safe code can lie about it).
    struct Claims {
        left: u32,
        claimed: usize,
    }

    impl Iterator for Claims {
        type Item = u32;
        fn next(&mut self) -> Option<u32> {
            self.left = self.left.checked_sub(1)?;
            Some(self.left + 100)
        }
        fn size_hint(&self) -> (usize, Option<usize>) {
            (self.claimed, Some(self.claimed))
        }
    }

    impl ExactSizeIterator for Claims {}

    /// Every storage byte past `len` of a frozen heap buffer (the block padding) is zero.
    fn padding_is_zero(b: &Buffer) -> bool {
        b.storage.bytes()[b.len()..].iter().all(|&x| x == 0)
    }

    #[test]
    fn appends_without_zero_fill_keep_values_and_zero_padding() {
        let budget = MemoryBudget::with_limit(1 << 20);
        let mut m = MutableBuffer::new(MemoryAccount::new(&budget, "test"));
        // Fresh buffer, then an append that starts mid-block and spans several new blocks.
        m.extend_from_iter([1u8, 2, 3]);
        m.extend_from_iter((0..40u32).map(|i| i * 3));
        m.extend_from_slice(&[7u16; 5]);
        let mut want: Vec<u8> = vec![1, 2, 3];
        (0..40u32).for_each(|i| want.extend((i * 3).to_ne_bytes()));
        (0..5).for_each(|_| want.extend(7u16.to_ne_bytes()));
        assert_eq!(m.as_slice(), &want[..]);
        assert!(budget.used() >= want.len());
        let b = m.freeze().unwrap();
        assert_eq!(b.as_slice(), &want[..]);
        assert!(padding_is_zero(&b));
        // Appending nothing, and zero-sized values, change nothing.
        let mut e = MutableBuffer::new(MemoryAccount::unlimited());
        e.extend_from_iter(std::iter::empty::<u64>());
        e.extend_from_iter([(), ()]);
        e.extend_from_slice::<u8>(&[]);
        assert!(e.is_empty());
    }

    #[test]
    fn iterators_lying_about_their_length_cannot_overrun() {
        let mut m = MutableBuffer::new(MemoryAccount::unlimited());
        m.push(1u32);
        // Claims 30 values, yields 3: the buffer ends after the 3.
        m.extend_from_iter(Claims {
            left: 3,
            claimed: 30,
        });
        assert_eq!(m.typed::<u32>(), &[1, 102, 101, 100]);
        // Claims 2, yields 50: only 2 are taken.
        m.extend_from_iter(Claims {
            left: 50,
            claimed: 2,
        });
        assert_eq!(m.typed::<u32>(), &[1, 102, 101, 100, 149, 148]);
        let b = m.freeze().unwrap();
        assert!(padding_is_zero(&b));
    }

    #[test]
    fn appends_into_an_arena_region_are_written_in_place() {
        let budget = MemoryBudget::with_limit(1 << 20);
        let account = MemoryAccount::new(&budget, "materialize").with_new_arena();
        let mut a = MutableBuffer::new(account.clone());
        a.reserve(64).unwrap();
        a.extend_from_iter([5i64, 6, 7]);
        a.extend_from_iter(Claims {
            left: 1,
            claimed: 4,
        });
        // Outgrows the region: continues on the heap.
        a.extend_from_iter((0..20i32).map(|i| -i as i64));
        let a = a.freeze().unwrap();
        assert!(a.arena().is_some());
        let mut want = vec![5u8, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0];
        want.extend(7i64.to_ne_bytes());
        want.extend(100u32.to_ne_bytes());
        (0..20i64).for_each(|i| want.extend((-i).to_ne_bytes()));
        assert_eq!(a.as_slice(), &want[..]);
    }

    #[test]
    fn appends_over_budget_are_reported() {
        let budget = MemoryBudget::with_limit(256);
        let mut m = MutableBuffer::new(MemoryAccount::new(&budget, "gather"));
        m.extend_from_iter((0..100u32).map(u64::from));
        assert!(m.check().unwrap_err().to_string().contains("gather"));
        assert_eq!(m.typed::<u64>()[99], 99);
    }

    #[test]
    fn shrinking_zeroes_the_tail() {
        let mut m = MutableBuffer::new(MemoryAccount::unlimited());
        m.extend_from_slice(&[7u8; 10]);
        m.resize(3);
        m.resize(10);
        assert_eq!(m.as_slice(), &[7, 7, 7, 0, 0, 0, 0, 0, 0, 0]);
    }
}

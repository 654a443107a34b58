//! The run heap: objects (strings, arrays, structs, dataflow values) addressed by 64-bit handles
//! in registers, with payloads bump-allocated by generation (bumpalo), a full-trace evacuating
//! collector, and byte accounting for `--max-memory` and `--stats`.
//!
//! Layout (see `docs/architecture.md`, "The memory model"):
//! - A **slot table** maps a handle to its object: key, kind, length, struct id and a pointer to
//!   the payload. Handles never change, so the collector can move payloads without touching
//!   registers. The table's length is a power of two; a lookup masks the handle's index into it
//!   and compares the slot's *key* (its handle plus its kind code) with `handle + wanted kind`:
//!   one compare checks tag, index, generation and kind (proof at [`Heap::slot`]).
//! - **Payloads** (string bytes, array element slots, struct field slots) live in one of three
//!   [`bumpalo`] arenas: the *module arena* (constant strings, never freed while the VM lives), the
//!   *nursery* (one fixed chunk where new objects go) and the *mature* arena (survivors and large
//!   objects). A collection marks from the roots (full trace: no write barrier needed), copies live
//!   nursery payloads into the mature arena and resets the nursery, whose chunk is then reused: a
//!   loop that allocates temporaries runs in a bounded footprint. When the mature arena holds more
//!   dead bytes than live ones it is compacted into a fresh arena and the old one is dropped.
//! - **Dataflow values** (`Obj::Foreign`) are boxed engine values in a side table; a table's
//!   columns are shared through an `Arc`, so a host may keep one after the run.
//!
//! Handle encoding (opaque to the compiler, see ISA.md): `TAG << 48 | generation << 32 | index`.
//! The tag makes handles unlikely to collide with integers or float bits; the generation makes a
//! stale copy of a freed slot's handle never match the slot's next occupant. Roots are scanned
//! *conservatively*: any register, spill slot or global word that decodes to a live handle keeps
//! its object alive. That needs no per-pc type maps and can only over-retain (never free a live
//! object), because a register the verifier types as a reference always holds a handle that was
//! produced by this heap and is still reachable from the same register.
//!
//! # Soundness of the payload pointers
//!
//! This is the one module of the VM with `unsafe` code. The invariants it relies on:
//! 1. A live slot's `ptr` points to `payload_bytes()` initialised bytes inside a chunk of the arena
//!    its flags name (`MODULE`, `NURSERY`, or neither: mature), or is dangling with length 0.
//!    Every payload is a separate arena allocation, so no two live slots overlap.
//! 2. The arenas are fields of the `Heap`; bumpalo never moves or frees a chunk except in
//!    `reset()` or `drop`, and a chunk's address does not change when the `Heap` (or the `Bump`
//!    value) moves. The heap resets the nursery only after every live nursery payload has been
//!    evacuated (or keeps it when an evacuation failed), and drops a mature arena only after every
//!    live payload in it has been copied out. So `ptr` stays valid for as long as the slot is live.
//! 3. Views (`&str`, `&[u64]`, `&mut [u64]`) borrow the `Heap` (shared or exclusive), and every
//!    operation that moves or frees payloads takes `&mut Heap`, so no view outlives a move.
//! 4. String payloads are only ever written from `&str` data, bytes checked to be ASCII
//!    (`alloc_ascii`), or the concatenation of two strings, and there is no mutable string view,
//!    so they stay valid UTF-8.
//! 5. `slots.len() == slot_mask + 1` (set together by `Heap::new` and `grow_slots`, the table
//!    never shrinks), so `index & slot_mask` is always a valid slot index.

use std::alloc::Layout;
use std::any::Any;
use std::cell::Cell;
use std::ptr::NonNull;

use bumpalo::Bump;

use super::trap::{Trap, TrapKind};
use crate::dataflow::memory::MemoryBudget;

/// The top 16 bits of every heap handle.
pub const HANDLE_TAG: u64 = 0x7E7A;

/// Fixed accounting overhead per object (slot, header), in bytes.
pub const OBJECT_OVERHEAD: usize = 32;

/// Accounted payload of a dataflow object (the engine's value, not its table columns).
const FOREIGN_SIZE: usize = 64;

/// The nursery's size without a memory limit: small enough to stay in cache while it is reused.
pub const DEFAULT_NURSERY_BYTES: usize = 1 << 20;

/// The smallest nursery (under a tight `--max-memory`).
const MIN_NURSERY_BYTES: usize = 16 << 10;

/// The mature arena is compacted only when it holds at least this many dead bytes.
const MIN_COMPACT_BYTES: usize = 64 << 10;

/// Dataflow tables trigger a collection once they grow by this much since the last one.
const MIN_TABLE_GC_BYTES: usize = 1 << 20;

/// An arena whose every allocation is 8-byte aligned and a multiple of 8 bytes long, so that
/// `chunk_capacity()` falls by exactly the rounded payload size.
type Arena = Bump<8>;

/// A heap handle as stored in a register.
#[inline(always)]
pub fn make_handle(index: u32, generation: u16) -> u64 {
    (HANDLE_TAG << 48) | ((generation as u64) << 32) | index as u64
}

/// The slot index of a handle (no validity check).
#[inline(always)]
pub fn handle_index(h: u64) -> usize {
    (h & 0xFFFF_FFFF) as usize
}

/// `n` rounded up to a multiple of 8 (payloads are stored so).
#[inline(always)]
fn round8(n: usize) -> usize {
    n.saturating_add(7) & !7
}

/// An array to allocate: elements as register slots. `refs` is false when the element type holds
/// no references (numbers, bool, functions), so the collector skips scanning it.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrayObj {
    /// The elements, each a canonical register slot of the element type.
    pub elems: Vec<u64>,
    /// Whether elements may be heap handles.
    pub refs: bool,
}

/// A struct instance to allocate: its struct index in the module and its field slots.
#[derive(Debug, Clone, PartialEq)]
pub struct StructObj {
    /// The struct's index in the module's struct table.
    pub struct_id: u32,
    /// The fields in declaration order.
    pub fields: Box<[u64]>,
}

/// An object to allocate with [`Heap::alloc`] (its payload is copied into an arena).
#[derive(Debug)]
pub enum Obj {
    /// An immutable UTF-8 string.
    Str(Box<str>),
    /// An array.
    Array(ArrayObj),
    /// A struct instance.
    Struct(StructObj),
    /// A dataflow value (table, node, builder), owned by the dataflow bridge.
    Foreign(Box<dyn Any>),
}

impl Obj {
    /// Accounted size in bytes (payload plus [`OBJECT_OVERHEAD`]).
    pub fn size(&self) -> usize {
        OBJECT_OVERHEAD
            + match self {
                Obj::Str(s) => s.len(),
                Obj::Array(a) => a.elems.len() * 8,
                Obj::Struct(s) => s.fields.len() * 8,
                Obj::Foreign(_) => FOREIGN_SIZE,
            }
    }
}

/// A live array's elements, borrowed from the heap.
#[derive(Debug, Clone, Copy)]
pub struct ArrayRef<'a> {
    /// The elements.
    pub elems: &'a [u64],
    /// Whether elements may be heap handles.
    pub refs: bool,
}

/// A live array's elements, borrowed mutably (the length is fixed: Theta arrays do not grow).
#[derive(Debug)]
pub struct ArrayMut<'a> {
    /// The elements.
    pub elems: &'a mut [u64],
    /// Whether elements may be heap handles.
    pub refs: bool,
}

/// A live struct's fields, borrowed from the heap.
#[derive(Debug, Clone, Copy)]
pub struct StructRef<'a> {
    /// The struct's index in the module's struct table.
    pub struct_id: u32,
    /// The fields in declaration order.
    pub fields: &'a [u64],
}

/// A live struct's fields, borrowed mutably.
#[derive(Debug)]
pub struct StructMut<'a> {
    /// The struct's index in the module's struct table.
    pub struct_id: u32,
    /// The fields in declaration order.
    pub fields: &'a mut [u64],
}

/// An object's kind. The codes are part of a slot's key (see [`Slot::key`]): a free slot's is
/// 0 and the live kinds' are 1..=4, which the key arguments rely on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum Kind {
    Free = 0,
    Str = 1,
    Array = 2,
    Struct = 3,
    Foreign = 4,
}

/// The highest kind code.
const MAX_KIND: u64 = Kind::Foreign as u64;

/// Slot indices stay below this, so that adding a kind code to a handle never carries out of
/// its index bits (and `index & slot_mask` needs at most 31 bits).
const MAX_SLOTS: usize = 1 << 31;

/// The smallest slot table (a power of two of at least 8 entries: see [`Heap::slot_of`]).
const MIN_SLOTS: usize = 8;

/// Slot flags.
const MARKED: u8 = 1;
/// The payload is in the nursery.
const NURSERY: u8 = 2;
/// The payload is in the module arena (a pinned constant).
const MODULE: u8 = 4;
/// An array whose elements may be handles.
const REFS: u8 = 8;

/// One object: 32 bytes (one slot never straddles a cache line).
#[derive(Debug)]
struct Slot {
    /// `make_handle(index, generation) + kind`: the slot's handle plus its kind code. One
    /// compare of this word against `h + expected_kind` checks a handle's tag, index,
    /// generation and the slot's kind at once (see [`Heap::slot`]). Written only by
    /// [`Slot::stamp`], which keeps it equal to that sum for the slot's index.
    key: u64,
    /// The payload (see the module's soundness notes); dangling when it is empty.
    ptr: NonNull<u8>,
    /// String: bytes; array: elements; struct: fields; foreign: index into `Heap::foreign`.
    len: usize,
    /// Struct: the struct id.
    aux: u32,
    kind: Kind,
    flags: u8,
}

impl Slot {
    /// A free, never used slot at `index` (generation 0).
    fn pristine(index: usize) -> Slot {
        let mut slot = Slot {
            key: 0,
            ptr: NonNull::dangling(),
            len: 0,
            aux: 0,
            kind: Kind::Free,
            flags: 0,
        };
        slot.stamp(index, 0, Kind::Free);
        slot
    }

    /// The generation (the key's bits 32..48: adding a kind code never carries out of the index
    /// bits, as indices stay below [`MAX_SLOTS`]).
    #[inline(always)]
    fn generation(&self) -> u16 {
        (self.key >> 32) as u16
    }

    /// Sets the kind and generation of the slot at `index`, and its key to match.
    #[inline(always)]
    fn stamp(&mut self, index: usize, generation: u16, kind: Kind) {
        self.kind = kind;
        self.key = make_handle(index as u32, generation) + kind as u64;
    }

    /// The payload's length in bytes (0 for foreign and free slots).
    #[inline(always)]
    fn payload_bytes(&self) -> usize {
        match self.kind {
            Kind::Str => self.len,
            Kind::Array | Kind::Struct => self.len * 8,
            Kind::Foreign | Kind::Free => 0,
        }
    }

    /// Accounted size (payload plus [`OBJECT_OVERHEAD`]).
    fn size(&self) -> usize {
        match self.kind {
            Kind::Free => 0,
            Kind::Foreign => OBJECT_OVERHEAD + FOREIGN_SIZE,
            _ => OBJECT_OVERHEAD + self.payload_bytes(),
        }
    }

    /// Whether the payload occupies bytes in the mature arena.
    fn in_mature(&self) -> bool {
        self.payload_bytes() > 0 && self.flags & (NURSERY | MODULE) == 0
    }

    /// The payload as words, with an unbounded lifetime.
    ///
    /// # Safety
    /// The slot must be a live array or struct (invariant 1 makes `ptr` valid for `len` words),
    /// and the caller must not let the slice outlive a move or free of the payload nor overlap a
    /// mutable view of it.
    #[inline(always)]
    unsafe fn words_unbounded<'a>(&self) -> &'a [u64] {
        // SAFETY: forwarded to the caller; `ptr` is 8-aligned (arena minimum alignment, or
        // `NonNull::dangling` for u64 when empty).
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr().cast::<u64>(), self.len) }
    }
}

/// Heap statistics for `--stats` and tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HeapStats {
    /// Accounted bytes of live (not yet collected) objects: what `--max-memory` limits, with the
    /// table bytes.
    pub bytes: usize,
    /// The highest `bytes` seen.
    pub peak_bytes: usize,
    /// Objects currently allocated.
    pub objects: usize,
    /// Collections run.
    pub collections: u64,
    /// Chunk capacity of the three arenas now (allocated from the system, used or not).
    pub arena_bytes: usize,
    /// The nursery's chunk capacity (part of `arena_bytes`).
    pub nursery_bytes: usize,
    /// Bytes of dataflow tables charged to this run's budget now.
    pub table_bytes: usize,
    /// The highest footprint seen: arena chunk capacity + slot tables + dataflow tables.
    pub peak_footprint: usize,
}

/// The heap of one VM.
#[derive(Debug)]
pub struct Heap {
    /// The slot table: its length is a power of two of at least [`MIN_SLOTS`], equal to
    /// `slot_mask + 1`; slots `used..` are pristine (free, never handed out).
    slots: Vec<Slot>,
    /// `slots.len() - 1`: a handle's index masked by it is always in the table.
    slot_mask: usize,
    /// Slots handed out so far (live or on the free list).
    used: usize,
    free: Vec<u32>,
    /// Boxed dataflow values of `Foreign` slots (indexed by `Slot::len`).
    foreign: Vec<Option<Box<dyn Any>>>,
    foreign_free: Vec<usize>,
    /// Slots `..pinned` are permanent (module constants).
    pinned: usize,
    /// Payloads of pinned objects: lives as long as the VM (the loaded module).
    module_arena: Arena,
    /// New payloads: one chunk, reset at every collection.
    nursery: Arena,
    /// The nursery chunk's capacity.
    nursery_cap: usize,
    /// The nursery capacity wanted (from the memory limit); applied when the nursery is empty.
    nursery_target: usize,
    /// Payloads that survived a collection, and large ones.
    mature: Arena,
    /// Earlier mature arenas that a compaction could not empty (out of system memory).
    retired: Vec<Arena>,
    /// Rounded payload bytes allocated in `mature` since it was created (live or dead).
    mature_used: usize,
    /// Mark work list, kept to avoid allocating during collection.
    work: Vec<u32>,
    bytes: usize,
    peak: usize,
    /// Accounted bytes allocated since the last collection.
    since_gc: usize,
    /// Accounted live bytes after the last collection.
    live_after_gc: usize,
    /// Table bytes at which tables alone trigger a collection.
    table_gc: usize,
    limit: Option<usize>,
    collections: u64,
    /// The highest footprint seen (a `Cell` so that read-only paths can record it).
    peak_footprint: Cell<usize>,
    /// Table memory of this run (column buffers live outside the heap, in `Arc`s); it shares the
    /// `--max-memory` limit with the heap's own bytes and counts toward collection pressure.
    budget: MemoryBudget,
}

impl Default for Heap {
    fn default() -> Self {
        Heap::new()
    }
}

/// A nursery of `cap` bytes in one chunk that never grows a second one (an allocation that does
/// not fit goes to the mature arena instead). Falls back to an empty arena when the system
/// refuses the chunk.
fn new_nursery(cap: usize) -> (Arena, usize) {
    let arena =
        Arena::try_with_min_align_and_capacity(cap).unwrap_or_else(|_| Arena::with_min_align());
    arena.set_allocation_limit(Some(arena.allocated_bytes()));
    let cap = arena.chunk_capacity();
    (arena, cap)
}

#[cold]
fn cannot_allocate(bytes: usize) -> Trap {
    Trap::new(
        TrapKind::MemoryLimitExceeded,
        format!("memory limit exceeded: cannot allocate {bytes} bytes"),
    )
}

impl Heap {
    /// An empty heap with no memory limit.
    pub fn new() -> Heap {
        let (nursery, nursery_cap) = new_nursery(DEFAULT_NURSERY_BYTES);
        let heap = Heap {
            slots: (0..MIN_SLOTS).map(Slot::pristine).collect(),
            slot_mask: MIN_SLOTS - 1,
            used: 0,
            free: Vec::new(),
            foreign: Vec::new(),
            foreign_free: Vec::new(),
            pinned: 0,
            module_arena: Arena::with_min_align(),
            nursery,
            nursery_cap,
            nursery_target: DEFAULT_NURSERY_BYTES,
            mature: Arena::with_min_align(),
            retired: Vec::new(),
            mature_used: 0,
            work: Vec::new(),
            bytes: 0,
            peak: 0,
            since_gc: 0,
            live_after_gc: 0,
            table_gc: MIN_TABLE_GC_BYTES,
            limit: None,
            collections: 0,
            peak_footprint: Cell::new(0),
            budget: MemoryBudget::unlimited(),
        };
        heap.observe();
        heap
    }

    /// Sets the limit on accounted live bytes (`None`: unlimited). Under a limit the nursery is a
    /// quarter of it (at least 16 KiB, at most 1 MiB), taking effect when the nursery is next
    /// empty (the next collection or reset).
    ///
    /// This also starts a fresh table budget with the same limit: tables of an earlier run that a
    /// host still holds keep charging the earlier budget, not this run's.
    pub fn set_limit(&mut self, limit: Option<usize>) {
        self.limit = limit;
        self.nursery_target = limit.map_or(DEFAULT_NURSERY_BYTES, |l| {
            (l / 4).clamp(MIN_NURSERY_BYTES, DEFAULT_NURSERY_BYTES)
        });
        self.budget = MemoryBudget::with_limit(limit.unwrap_or(usize::MAX));
        self.table_gc = MIN_TABLE_GC_BYTES;
    }

    /// The table memory budget of this run (limit: `--max-memory`).
    pub fn budget(&self) -> &MemoryBudget {
        &self.budget
    }

    /// Heap bytes plus live table bytes: what `--max-memory` limits.
    fn total(&self) -> usize {
        self.bytes.saturating_add(self.budget.used())
    }

    /// Bytes the heap holds from the system: arena chunks and its tables.
    fn footprint(&self) -> usize {
        self.arena_bytes()
            + self.slots.capacity() * size_of::<Slot>()
            + self.free.capacity() * size_of::<u32>()
            + self.foreign.capacity() * size_of::<Option<Box<dyn Any>>>()
            + self.work.capacity() * size_of::<u32>()
    }

    fn arena_bytes(&self) -> usize {
        self.module_arena.allocated_bytes()
            + self.nursery.allocated_bytes()
            + self.mature.allocated_bytes()
            + self
                .retired
                .iter()
                .map(Arena::allocated_bytes)
                .sum::<usize>()
    }

    /// Records the current footprint plus table bytes in the peak.
    fn observe(&self) {
        let now = self.footprint().saturating_add(self.budget.used());
        if now > self.peak_footprint.get() {
            self.peak_footprint.set(now);
        }
    }

    /// Records a table peak reached while the heap stood still (inside a dataflow operator):
    /// the current footprint plus `table_bytes`.
    pub fn observe_tables(&self, table_bytes: usize) {
        let now = self.footprint().saturating_add(table_bytes);
        if now > self.peak_footprint.get() {
            self.peak_footprint.set(now);
        }
    }

    /// Marks every object allocated so far as permanent (module constants): never collected and
    /// kept by [`Heap::reset`]. Their payloads move to the module arena.
    pub fn pin_all(&mut self) {
        for slot in &mut self.slots[self.pinned..self.used] {
            let bytes = slot.payload_bytes();
            if bytes == 0 || slot.flags & MODULE != 0 {
                continue;
            }
            let Some(p) =
                payload_layout(bytes).and_then(|l| self.module_arena.try_alloc_layout(l).ok())
            else {
                continue; // stays where it is; only possible when the system is out of memory
            };
            // SAFETY: `slot.ptr` is valid for `bytes` (invariant 1) and `p` is a fresh, distinct
            // allocation of `bytes`.
            unsafe { std::ptr::copy_nonoverlapping(slot.ptr.as_ptr(), p.as_ptr(), bytes) };
            slot.ptr = p;
            slot.flags = (slot.flags & !NURSERY) | MODULE;
        }
        self.pinned = self.used;
        self.observe();
    }

    /// Frees every unpinned object (between runs) and gives the arenas' memory back, except the
    /// module arena and one nursery chunk.
    pub fn reset(&mut self) {
        for (i, slot) in self.slots[..self.used]
            .iter_mut()
            .enumerate()
            .skip(self.pinned)
        {
            self.bytes -= slot.size();
            if slot.kind == Kind::Foreign {
                self.foreign[slot.len] = None;
            }
            *slot = Slot::pristine(i);
        }
        self.used = self.pinned;
        self.free.clear();
        // Foreign values of pinned slots (only possible in tests) stay at their indices.
        while self.foreign.last().is_some_and(Option::is_none) {
            self.foreign.pop();
        }
        self.foreign_free = (0..self.foreign.len())
            .filter(|&i| self.foreign[i].is_none())
            .collect();
        // Pinned payloads are in the module arena (`pin_all`), so nothing points into the other
        // arenas any more (invariant 2) — unless moving one there failed (out of memory), in
        // which case the arenas are kept.
        let pinned_elsewhere = self.slots[..self.pinned]
            .iter()
            .any(|s| s.payload_bytes() > 0 && s.flags & MODULE == 0);
        if !pinned_elsewhere {
            self.reset_nursery();
            self.mature = Arena::with_min_align();
            self.retired.clear();
            self.mature_used = 0;
        }
        self.peak = self.bytes;
        self.since_gc = 0;
        self.live_after_gc = self.bytes;
        self.peak_footprint.set(0);
        self.observe();
    }

    /// Empties the nursery (every live payload must have left it), resizing it to the target.
    fn reset_nursery(&mut self) {
        if self.nursery_target != self.nursery_cap
            && (self.nursery_target > self.nursery_cap
                || self.nursery_target * 2 <= self.nursery_cap)
        {
            (self.nursery, self.nursery_cap) = new_nursery(self.nursery_target);
        } else {
            self.nursery.reset();
        }
    }

    /// Current statistics.
    pub fn stats(&self) -> HeapStats {
        self.observe();
        HeapStats {
            bytes: self.bytes,
            peak_bytes: self.peak,
            objects: self.used - self.free.len(),
            collections: self.collections,
            arena_bytes: self.arena_bytes(),
            nursery_bytes: self.nursery.allocated_bytes(),
            table_bytes: self.budget.used(),
            peak_footprint: self.peak_footprint.get(),
        }
    }

    /// Restarts the peaks at the current values (at the start of a run or host call).
    pub fn reset_peaks(&mut self) {
        self.peak = self.bytes;
        self.peak_footprint.set(0);
        self.observe();
    }

    /// Whether a payload of `bytes` goes to the nursery (small, and the nursery has room).
    #[inline(always)]
    fn fits_nursery(&self, bytes: usize) -> bool {
        bytes <= self.nursery_cap / 4 && round8(bytes) <= self.nursery.chunk_capacity()
    }

    /// Whether allocating about `extra` more payload bytes should first run a collection (the
    /// caller then calls [`Heap::collect`] with its roots, at a point where every live handle is
    /// in a root).
    ///
    /// Yes when more has been allocated since the last collection than the nursery holds, or
    /// than was live after that collection if that is more (so a large live heap is traced once
    /// per that much allocation, not once per nursery); when tables have grown past their
    /// threshold; or when the request would pass `--max-memory`. Accounted bytes (payload plus
    /// header) are never fewer than the nursery bytes they take, so the nursery cannot overflow
    /// before this says yes while the live heap is smaller than it.
    #[inline]
    pub fn wants_collection(&self, extra: usize) -> bool {
        // Callers estimate the payload only; the object header is counted here so that a
        // request the limit cannot take is preceded by a collection (§10: the memory trap
        // means "still too much after a garbage collection"). Tables count too.
        let size = extra.saturating_add(OBJECT_OVERHEAD);
        self.since_gc.saturating_add(size) > self.live_after_gc.max(self.nursery_cap)
            || self.budget.used() > self.table_gc
            || self
                .limit
                .is_some_and(|l| self.total().saturating_add(size) > l)
    }

    /// Fails with the memory-limit trap if `extra` more bytes would exceed the limit.
    #[inline]
    pub fn check_room(&self, extra: usize) -> Result<(), Trap> {
        match self.limit {
            Some(limit) if self.total().saturating_add(extra) > limit => {
                Err(self.no_room(extra, limit))
            }
            _ => Ok(()),
        }
    }

    /// The memory-limit trap of [`Heap::check_room`] (out of line: allocation fast paths stay
    /// small).
    #[cold]
    #[inline(never)]
    fn no_room(&self, extra: usize, limit: usize) -> Trap {
        Trap::new(
            TrapKind::MemoryLimitExceeded,
            format!(
                "memory limit exceeded: {} bytes live, {} more requested, limit {} bytes",
                self.total(),
                extra,
                limit
            ),
        )
    }

    /// Uninitialised room for a payload of `bytes`: in the nursery when it is small and fits,
    /// else in the mature arena. Returns the pointer and the slot flag naming its arena.
    #[inline]
    fn payload(&mut self, bytes: usize) -> Result<(NonNull<u8>, u8), Trap> {
        if bytes == 0 {
            return Ok((NonNull::<u64>::dangling().cast(), 0));
        }
        if self.fits_nursery(bytes)
            && let Some(p) =
                payload_layout(bytes).and_then(|l| self.nursery.try_alloc_layout(l).ok())
        {
            return Ok((p, NURSERY));
        }
        self.mature_payload(bytes)
    }

    #[cold]
    fn mature_payload(&mut self, bytes: usize) -> Result<(NonNull<u8>, u8), Trap> {
        let layout = payload_layout(bytes).ok_or_else(|| cannot_allocate(bytes))?;
        let p = self
            .mature
            .try_alloc_layout(layout)
            .map_err(|_| cannot_allocate(bytes))?;
        self.mature_used += layout.size();
        self.observe();
        Ok((p, 0))
    }

    /// Accounts an allocated object of `size` bytes (after [`Heap::check_room`] and the payload
    /// allocation succeeded).
    #[inline]
    fn commit(&mut self, size: usize) {
        self.bytes += size;
        self.since_gc = self.since_gc.saturating_add(size);
        self.peak = self.peak.max(self.bytes);
    }

    /// Stores a new slot (reusing a free one) and returns its handle.
    #[inline]
    fn push_slot(
        &mut self,
        kind: Kind,
        ptr: NonNull<u8>,
        len: usize,
        aux: u32,
        flags: u8,
    ) -> Result<u64, Trap> {
        let index = match self.free.pop() {
            Some(index) => index as usize,
            None => {
                if self.used == self.slots.len() {
                    self.grow_slots()?;
                }
                self.used += 1;
                self.used - 1
            }
        };
        let slot = &mut self.slots[index];
        let generation = slot.generation();
        slot.ptr = ptr;
        slot.len = len;
        slot.aux = aux;
        slot.flags = flags;
        slot.stamp(index, generation, kind);
        Ok(slot.key - kind as u64)
    }

    /// Doubles the slot table (pristine slots), keeping its length a power of two.
    #[cold]
    fn grow_slots(&mut self) -> Result<(), Trap> {
        let len = self.slots.len();
        if len >= MAX_SLOTS {
            return Err(Trap::new(
                TrapKind::MemoryLimitExceeded,
                "too many heap objects",
            ));
        }
        self.slots.extend((len..len * 2).map(Slot::pristine));
        self.slot_mask = self.slots.len() - 1;
        self.observe();
        Ok(())
    }

    /// Allocates `obj` (copying its payload into an arena), or traps when it would exceed the
    /// memory limit.
    pub fn alloc(&mut self, obj: Obj) -> Result<u64, Trap> {
        match obj {
            Obj::Str(s) => self.alloc_str(&s),
            Obj::Array(a) => self.alloc_array(a.refs, &a.elems),
            Obj::Struct(s) => self.alloc_struct(s.struct_id, &s.fields),
            Obj::Foreign(b) => self.alloc_foreign(b),
        }
    }

    /// Allocates a string.
    #[inline]
    pub fn alloc_str(&mut self, s: &str) -> Result<u64, Trap> {
        self.alloc_utf8(s.as_bytes())
    }

    /// Allocates a string from ASCII bytes (such as an integer's digits: no UTF-8 validation
    /// call). Bytes that are not all ASCII are stored as `String::from_utf8_lossy` makes them.
    #[inline]
    pub fn alloc_ascii(&mut self, bytes: &[u8]) -> Result<u64, Trap> {
        if bytes.is_ascii() {
            self.alloc_utf8(bytes)
        } else {
            self.alloc_str(&String::from_utf8_lossy(bytes))
        }
    }

    /// Allocates a string from bytes that are valid UTF-8 (invariant 4: callers pass a `&str`'s
    /// bytes or bytes checked to be ASCII).
    #[inline]
    fn alloc_utf8(&mut self, bytes: &[u8]) -> Result<u64, Trap> {
        let size = OBJECT_OVERHEAD + bytes.len();
        self.check_room(size)?;
        let (p, flags) = self.payload(bytes.len())?;
        // SAFETY: `p` is a fresh allocation of `bytes.len()` bytes (or dangling when 0 are
        // copied), distinct from `bytes`.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), p.as_ptr(), bytes.len()) };
        self.commit(size);
        self.push_slot(Kind::Str, p, bytes.len(), 0, flags)
    }

    /// Allocates a string constant in the module arena, pinned for the VM's lifetime (call before
    /// [`Heap::pin_all`]).
    pub fn alloc_const_str(&mut self, s: &str) -> Result<u64, Trap> {
        let size = OBJECT_OVERHEAD + s.len();
        self.check_room(size)?;
        let (p, flags) = if s.is_empty() {
            (NonNull::<u64>::dangling().cast(), 0)
        } else {
            let p = payload_layout(s.len())
                .and_then(|l| self.module_arena.try_alloc_layout(l).ok())
                .ok_or_else(|| cannot_allocate(s.len()))?;
            (p, MODULE)
        };
        // SAFETY: as in `alloc_str`.
        unsafe { std::ptr::copy_nonoverlapping(s.as_ptr(), p.as_ptr(), s.len()) };
        self.commit(size);
        self.push_slot(Kind::Str, p, s.len(), 0, flags)
    }

    /// `a + b` on two string handles: one allocation, no intermediate buffer.
    pub fn concat(&mut self, a: u64, b: u64) -> Result<u64, Trap> {
        let (pa, la) = self.str_raw(a);
        let (pb, lb) = self.str_raw(b);
        let n = la.saturating_add(lb);
        let size = OBJECT_OVERHEAD.saturating_add(n);
        self.check_room(size)?;
        let (p, flags) = self.payload(n)?;
        // SAFETY: `pa`/`pb` are live string payloads (invariant 1); allocating `p` did not move or
        // free any payload (bumpalo never moves chunks; nothing was collected). `p` is a fresh
        // allocation of `la + lb` bytes, distinct from both sources.
        unsafe {
            std::ptr::copy_nonoverlapping(pa.as_ptr(), p.as_ptr(), la);
            std::ptr::copy_nonoverlapping(pb.as_ptr(), p.as_ptr().add(la), lb);
        }
        self.commit(size);
        self.push_slot(Kind::Str, p, n, 0, flags)
    }

    /// `parts[0] + parts[1] + …` on string handles: one allocation, each part copied once. When
    /// at most one part is non-empty, that part itself (strings are immutable).
    pub fn concat_many(&mut self, parts: &[u64]) -> Result<u64, Trap> {
        let mut n = 0usize;
        let mut only = parts.first().copied();
        for &h in parts {
            let len = self.str_raw(h).1;
            if len > 0 {
                only = (n == 0).then_some(h);
                n = n
                    .checked_add(len)
                    .ok_or_else(|| cannot_allocate(usize::MAX))?;
            }
        }
        if let Some(h) = only {
            return Ok(h);
        }
        let size = OBJECT_OVERHEAD.saturating_add(n);
        self.check_room(size)?;
        let (p, flags) = self.payload(n)?;
        let mut at = 0;
        for &h in parts {
            let (src, len) = self.str_raw(h);
            // SAFETY: `src` is a live string payload (invariant 1) that allocating `p` did not
            // move or free (bumpalo never moves chunks; nothing was collected). The lengths are
            // the ones summed into `n` above (no slot changed since), so `at + len <= n` and
            // every copy lands inside the fresh `n`-byte allocation `p`, distinct from `src`.
            // Whole strings are valid UTF-8, so their concatenation is too (invariant 4).
            unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), p.as_ptr().add(at), len) };
            at += len;
        }
        self.commit(size);
        self.push_slot(Kind::Str, p, n, 0, flags)
    }

    /// A copy of bytes `start..end` of string `h` (`""` unless the range is inside the string and
    /// on UTF-8 character boundaries, which the caller checks first to report a trap).
    pub fn alloc_substr(&mut self, h: u64, start: usize, end: usize) -> Result<u64, Trap> {
        let (src, n) = match self.str(h).get(start..end) {
            Some(piece) => (NonNull::from(piece.as_bytes()).cast::<u8>(), piece.len()),
            None => (NonNull::dangling(), 0),
        };
        let size = OBJECT_OVERHEAD.saturating_add(n);
        self.check_room(size)?;
        let (p, flags) = self.payload(n)?;
        // SAFETY: `src` points into a live string payload (invariant 1) that allocating `p` did
        // not move; `p` is a fresh, distinct allocation of `n` bytes. A `str::get` range is on
        // character boundaries, so the copy is valid UTF-8 (invariant 4).
        unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), p.as_ptr(), n) };
        self.commit(size);
        self.push_slot(Kind::Str, p, n, 0, flags)
    }

    /// A string's payload pointer and length (an empty string for a non-string handle).
    #[inline]
    fn str_raw(&self, h: u64) -> (NonNull<u8>, usize) {
        match self.slot(h, Kind::Str) {
            Some(s) => (s.ptr, s.len),
            None => (NonNull::dangling(), 0),
        }
    }

    /// Allocates words (array elements or struct fields) copied from `src`.
    #[inline]
    fn alloc_words(&mut self, kind: Kind, src: &[u64], aux: u32, flags: u8) -> Result<u64, Trap> {
        let bytes = src.len().saturating_mul(8);
        let size = OBJECT_OVERHEAD.saturating_add(bytes);
        self.check_room(size)?;
        let (p, arena) = self.payload(bytes)?;
        let dst = p.as_ptr().cast::<u64>();
        // SAFETY (all arms): `p` is a fresh 8-aligned allocation of `src.len()` words, distinct
        // from `src`; each arm writes exactly the words it names.
        match *src {
            // Structs and array literals are mostly this small: moves beat a memcpy call.
            [] => {}
            [a] => unsafe { dst.write(a) },
            [a, b] => unsafe {
                dst.write(a);
                dst.add(1).write(b);
            },
            [a, b, c] => unsafe {
                dst.write(a);
                dst.add(1).write(b);
                dst.add(2).write(c);
            },
            _ => unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), dst, src.len()) },
        }
        self.commit(size);
        self.push_slot(kind, p, src.len(), aux, flags | arena)
    }

    /// Allocates an array with elements copied from `elems`.
    #[inline]
    pub fn alloc_array(&mut self, refs: bool, elems: &[u64]) -> Result<u64, Trap> {
        self.alloc_words(Kind::Array, elems, 0, if refs { REFS } else { 0 })
    }

    /// Allocates an array of `n` copies of `v` (traps T0008 when it cannot be allocated).
    pub fn alloc_array_fill(&mut self, refs: bool, n: usize, v: u64) -> Result<u64, Trap> {
        let bytes = n.saturating_mul(8);
        let size = OBJECT_OVERHEAD.saturating_add(bytes);
        self.check_room(size)?;
        let (p, arena) = self.payload(bytes)?;
        let words = p.as_ptr().cast::<u64>();
        for i in 0..n {
            // SAFETY: `p` is a fresh 8-aligned allocation of `n` words.
            unsafe { words.add(i).write(v) };
        }
        self.commit(size);
        self.push_slot(Kind::Array, p, n, 0, arena | if refs { REFS } else { 0 })
    }

    /// Allocates a struct with fields copied from `fields`.
    #[inline]
    pub fn alloc_struct(&mut self, struct_id: u32, fields: &[u64]) -> Result<u64, Trap> {
        self.alloc_words(Kind::Struct, fields, struct_id, 0)
    }

    /// Allocates a dataflow object.
    pub fn alloc_foreign(&mut self, value: Box<dyn Any>) -> Result<u64, Trap> {
        let size = OBJECT_OVERHEAD + FOREIGN_SIZE;
        self.check_room(size)?;
        let index = match self.foreign_free.pop() {
            Some(i) => {
                self.foreign[i] = Some(value);
                i
            }
            None => {
                self.foreign.push(Some(value));
                self.foreign.len() - 1
            }
        };
        let h = self.push_slot(Kind::Foreign, NonNull::dangling(), index, 0, 0);
        match h {
            Ok(_) => self.commit(size),
            Err(_) => {
                self.foreign[index] = None;
                self.foreign_free.push(index);
            }
        }
        self.observe();
        h
    }

    /// The slot a word's index bits select, masked into the table (whatever the word is).
    #[inline(always)]
    fn slot_of(&self, h: u64) -> &Slot {
        // SAFETY: `slot_mask + 1 == slots.len()` (the field invariant, kept by `new` and
        // `grow_slots`, the only writers of either), so `index & slot_mask < slots.len()`.
        unsafe { self.slots.get_unchecked(handle_index(h) & self.slot_mask) }
    }

    /// The live slot of kind `kind` a handle refers to: one compare of the slot's key.
    ///
    /// Why `slot.key == h + kind` means "`h` is exactly this slot's current handle and the slot
    /// is live of kind `kind`", for any 64-bit word `h`: the slot at `i' = index(h) & mask` has
    /// key `H' + k'` with `H'` its handle (index `i'`, no carry: `i' + 4 < 2^32`) and `k'` its
    /// kind code (0..=4). Equal keys give, in the low 32 bits, `index(h) - i' = k' - kind`
    /// (mod 2^32). `index(h) - i'` is a multiple of the table length (at least 8) and
    /// `k' - kind` lies in -4..=4, so both are 0: `k' == kind` and then `h == H'`.
    #[inline(always)]
    fn slot(&self, h: u64, kind: Kind) -> Option<&Slot> {
        let slot = self.slot_of(h);
        (slot.key == h.wrapping_add(kind as u64)).then_some(slot)
    }

    /// Whether `h` is a handle to a live object.
    pub fn is_live(&self, h: u64) -> bool {
        self.live_index(h).is_some()
    }

    /// The text of a string handle. A handle that is not a live string (impossible for a
    /// verified module) reads as `""` rather than panicking.
    #[inline]
    pub fn str(&self, h: u64) -> &str {
        match self.slot(h, Kind::Str) {
            // SAFETY: a live string slot's payload is `len` initialised bytes (invariant 1) that
            // stay put while `self` is borrowed (2, 3) and are valid UTF-8 (4).
            Some(s) => unsafe {
                std::str::from_utf8_unchecked(std::slice::from_raw_parts(s.ptr.as_ptr(), s.len))
            },
            None => "",
        }
    }

    /// The length in bytes of a string handle (0 for a handle that is not a live string, as
    /// [`Heap::str`] reads it as `""`).
    #[inline(always)]
    pub fn str_len(&self, h: u64) -> usize {
        self.slot(h, Kind::Str).map_or(0, |s| s.len)
    }

    /// The words of a live array or struct.
    #[inline(always)]
    fn words(&self, h: u64, kind: Kind) -> Option<(&Slot, &[u64])> {
        let s = self.slot(h, kind)?;
        // SAFETY: a live array/struct slot (invariant 1); the slice borrows `self` (3).
        Some((s, unsafe { s.words_unbounded() }))
    }

    /// The words of a live array or struct, mutably.
    #[inline(always)]
    fn words_mut(&mut self, h: u64, kind: Kind) -> Option<(&Slot, &mut [u64])> {
        let s = self.slot(h, kind)?;
        // SAFETY: a live array/struct slot, valid for `len` words (invariant 1). The slice
        // borrows `self` exclusively, so no other view of this payload exists, and no other
        // slot's payload overlaps it.
        let words = unsafe { std::slice::from_raw_parts_mut(s.ptr.as_ptr().cast::<u64>(), s.len) };
        Some((s, words))
    }

    /// An array's elements (`None` for anything but a live array's handle, impossible for a
    /// verified module). The interpreter's hot path: one key compare (see [`Heap::slot`]).
    #[inline(always)]
    pub fn array_elems(&self, h: u64) -> Option<&[u64]> {
        Some(self.words(h, Kind::Array)?.1)
    }

    /// An array's elements, mutably (as [`Heap::array_elems`]).
    #[inline(always)]
    pub fn array_elems_mut(&mut self, h: u64) -> Option<&mut [u64]> {
        Some(self.words_mut(h, Kind::Array)?.1)
    }

    /// A struct's fields (as [`Heap::array_elems`]).
    #[inline(always)]
    pub fn struct_fields(&self, h: u64) -> Option<&[u64]> {
        Some(self.words(h, Kind::Struct)?.1)
    }

    /// A struct's fields, mutably (as [`Heap::array_elems`]).
    #[inline(always)]
    pub fn struct_fields_mut(&mut self, h: u64) -> Option<&mut [u64]> {
        Some(self.words_mut(h, Kind::Struct)?.1)
    }

    /// The array behind a handle (`None` for a non-array, impossible for a verified module).
    #[inline]
    pub fn array(&self, h: u64) -> Option<ArrayRef<'_>> {
        self.words(h, Kind::Array).map(|(s, elems)| ArrayRef {
            elems,
            refs: s.flags & REFS != 0,
        })
    }

    /// The array behind a handle, mutably.
    #[inline]
    pub fn array_mut(&mut self, h: u64) -> Option<ArrayMut<'_>> {
        self.words_mut(h, Kind::Array).map(|(s, elems)| ArrayMut {
            refs: s.flags & REFS != 0,
            elems,
        })
    }

    /// The struct behind a handle.
    #[inline]
    pub fn struct_obj(&self, h: u64) -> Option<StructRef<'_>> {
        self.words(h, Kind::Struct).map(|(s, fields)| StructRef {
            struct_id: s.aux,
            fields,
        })
    }

    /// The struct behind a handle, mutably.
    #[inline]
    pub fn struct_mut(&mut self, h: u64) -> Option<StructMut<'_>> {
        self.words_mut(h, Kind::Struct)
            .map(|(s, fields)| StructMut {
                struct_id: s.aux,
                fields,
            })
    }

    /// The dataflow object behind a handle, of any type.
    pub fn foreign_any(&self, h: u64) -> Option<&dyn Any> {
        let s = self.slot(h, Kind::Foreign)?;
        self.foreign.get(s.len)?.as_deref()
    }

    /// A dataflow object behind a handle.
    pub fn foreign<T: 'static>(&self, h: u64) -> Option<&T> {
        self.foreign_any(h)?.downcast_ref::<T>()
    }

    /// A dataflow object behind a handle, mutably.
    pub fn foreign_mut<T: 'static>(&mut self, h: u64) -> Option<&mut T> {
        let i = self.slot(h, Kind::Foreign)?.len;
        self.foreign.get_mut(i)?.as_deref_mut()?.downcast_mut::<T>()
    }

    /// The slot index of `w` if it is a handle to a live object: its slot's key exceeds `w` by
    /// a live kind code (1..=4; the argument at [`Heap::slot`] applies to each).
    #[inline]
    fn live_index(&self, w: u64) -> Option<usize> {
        let i = handle_index(w) & self.slot_mask;
        let d = self.slot_of(w).key.wrapping_sub(w);
        (d.wrapping_sub(1) < MAX_KIND).then_some(i)
    }

    #[inline]
    fn mark(&mut self, w: u64, work: &mut Vec<u32>) {
        if let Some(i) = self.live_index(w) {
            let slot = &mut self.slots[i];
            if slot.flags & MARKED == 0 {
                slot.flags |= MARKED;
                work.push(i as u32);
            }
        }
    }

    /// A collection. `roots` yields every word that may hold a live handle (registers of live
    /// frames, spill slots, globals); each is tested conservatively. Marks the whole graph (with
    /// an explicit work list, so deep graphs cannot overflow the native stack), frees the
    /// unmarked objects, moves the live nursery payloads to the mature arena, resets the nursery,
    /// and compacts the mature arena when it is mostly dead.
    pub fn collect<'a>(&mut self, roots: impl IntoIterator<Item = &'a [u64]>) {
        self.collections += 1;
        self.observe();
        let mut work = std::mem::take(&mut self.work);
        for words in roots {
            for &w in words {
                self.mark(w, &mut work);
            }
        }
        // Pinned objects are permanent, and so is what they reference.
        for i in 0..self.pinned {
            self.mark(make_handle(i as u32, self.slots[i].generation()), &mut work);
        }
        while let Some(i) = work.pop() {
            let slot = &self.slots[i as usize];
            let scan = match slot.kind {
                Kind::Struct => true,
                Kind::Array => slot.flags & REFS != 0,
                _ => false,
            };
            if !scan {
                continue;
            }
            // SAFETY: a live array/struct slot (invariant 1). Marking only writes slot flags,
            // never payloads, and nothing moves or frees a payload until marking is done.
            let children = unsafe { slot.words_unbounded() };
            for &w in children {
                self.mark(w, &mut work);
            }
        }
        self.work = work;
        self.sweep();
        let live = self.mature_live();
        if self.mature_used.saturating_sub(live) > live.max(MIN_COMPACT_BYTES) {
            self.compact_mature(live);
        }
        self.since_gc = 0;
        self.live_after_gc = self.bytes;
        self.table_gc = MIN_TABLE_GC_BYTES.max(self.budget.used().saturating_mul(2));
        self.observe();
    }

    /// Rounded payload bytes of live objects in the mature arena.
    fn mature_live(&self) -> usize {
        self.slots[..self.used]
            .iter()
            .filter(|s| s.kind != Kind::Free && s.in_mature())
            .map(|s| round8(s.payload_bytes()))
            .sum()
    }

    /// Frees unmarked objects and evacuates marked nursery payloads, then resets the nursery.
    fn sweep(&mut self) {
        let mut nursery_in_use = false;
        for (i, slot) in self.slots[..self.used].iter_mut().enumerate() {
            if slot.kind == Kind::Free {
                continue;
            }
            if slot.flags & MARKED != 0 || i < self.pinned {
                slot.flags &= !MARKED;
                if slot.flags & NURSERY == 0 {
                    continue;
                }
                let bytes = slot.payload_bytes();
                match payload_layout(bytes).and_then(|l| self.mature.try_alloc_layout(l).ok()) {
                    Some(p) => {
                        // SAFETY: the old payload is valid for `bytes` (invariant 1) and `p` is a
                        // fresh allocation of `bytes` in another arena.
                        unsafe {
                            std::ptr::copy_nonoverlapping(slot.ptr.as_ptr(), p.as_ptr(), bytes)
                        };
                        slot.ptr = p;
                        slot.flags &= !NURSERY;
                        self.mature_used += round8(bytes);
                    }
                    // Out of system memory: it stays in the nursery, which is then not reset.
                    None => nursery_in_use = true,
                }
                continue;
            }
            self.bytes -= slot.size();
            if slot.kind == Kind::Foreign {
                // Drops the engine value: a table's columns go when no host holds them.
                self.foreign[slot.len] = None;
                self.foreign_free.push(slot.len);
            }
            slot.stamp(i, slot.generation().wrapping_add(1), Kind::Free);
            slot.flags = 0;
            slot.len = 0;
            slot.ptr = NonNull::dangling();
            self.free.push(i as u32);
        }
        if !nursery_in_use {
            // SAFETY (of later reads): no live slot has the NURSERY flag any more, so nothing
            // points into the chunk being reset (invariant 2).
            self.reset_nursery();
        }
    }

    /// Copies every live mature payload into a fresh arena sized for them and drops the old one.
    fn compact_mature(&mut self, live: usize) {
        let Ok(fresh) = Arena::try_with_min_align_and_capacity(live) else {
            return; // keep the fragmented arena rather than fail
        };
        let mut used = 0;
        let mut complete = true;
        for slot in &mut self.slots[..self.used] {
            if slot.kind == Kind::Free || !slot.in_mature() {
                continue;
            }
            let bytes = slot.payload_bytes();
            match payload_layout(bytes).and_then(|l| fresh.try_alloc_layout(l).ok()) {
                Some(p) => {
                    // SAFETY: as in `sweep`: valid source, fresh distinct destination.
                    unsafe { std::ptr::copy_nonoverlapping(slot.ptr.as_ptr(), p.as_ptr(), bytes) };
                    slot.ptr = p;
                    used += round8(bytes);
                }
                None => complete = false,
            }
        }
        let old = std::mem::replace(&mut self.mature, fresh);
        self.mature_used = used;
        self.observe(); // both arenas are held at this moment
        if !complete {
            // Out of system memory mid-copy: some payloads are still in `old`, so it is kept
            // (invariant 2) until the next reset frees every unpinned object.
            self.retired.push(old);
        }
    }
}

/// The layout of a payload of `bytes` (> 0) bytes: 8-aligned, rounded up to 8 (`None` when
/// that exceeds `isize::MAX`).
#[inline(always)]
fn payload_layout(bytes: usize) -> Option<Layout> {
    Layout::from_size_align(bytes.checked_add(7)? & !7, 8).ok()
}

#[cfg(test)]
mod tests;

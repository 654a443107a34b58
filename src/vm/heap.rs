//! The run heap: a slab of objects (strings, arrays, structs, dataflow handles) addressed by
//! 64-bit handles in registers, with a non-moving mark-sweep collector and byte accounting for
//! `--max-memory`.
//!
//! Handle encoding (opaque to the compiler, see ISA.md): `TAG << 48 | generation << 32 | index`.
//! The tag makes handles unlikely to collide with integers or float bits; the generation makes a
//! stale copy of a freed slot's handle never match the slot's next occupant. Roots are scanned
//! *conservatively*: any register, spill slot or global word that decodes to a live handle keeps
//! its object alive. That needs no per-pc type maps and can only over-retain (never free a live
//! object), because a register the verifier types as a reference always holds a handle that was
//! produced by this heap and is still reachable from the same register.

use super::trap::{Trap, TrapKind};
use crate::dataflow::memory::MemoryBudget;

/// The top 16 bits of every heap handle.
pub const HANDLE_TAG: u64 = 0x7E7A;

/// Fixed accounting overhead per object (slot, header), in bytes.
pub const OBJECT_OVERHEAD: usize = 32;

/// Collection is not considered below this many live bytes.
const MIN_GC_THRESHOLD: usize = 1 << 20;

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

#[inline(always)]
fn handle_generation(h: u64) -> u16 {
    (h >> 32) as u16
}

/// An array: elements as register slots. `refs` is false when the element type holds no
/// references (numbers, bool, functions), so the collector skips scanning it.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrayObj {
    /// The elements, each a canonical register slot of the element type.
    pub elems: Vec<u64>,
    /// Whether elements may be heap handles.
    pub refs: bool,
}

/// A struct instance: its struct index in the module and its field slots.
#[derive(Debug, Clone, PartialEq)]
pub struct StructObj {
    /// The struct's index in the module's struct table.
    pub struct_id: u32,
    /// The fields in declaration order.
    pub fields: Box<[u64]>,
}

/// A heap object.
#[derive(Debug)]
pub enum Obj {
    /// An immutable UTF-8 string.
    Str(Box<str>),
    /// An array.
    Array(ArrayObj),
    /// A struct instance.
    Struct(StructObj),
    /// A dataflow value (table, node, builder), owned by the dataflow bridge.
    Foreign(Box<dyn std::any::Any>),
}

impl Obj {
    /// Accounted size in bytes (payload plus [`OBJECT_OVERHEAD`]).
    pub fn size(&self) -> usize {
        OBJECT_OVERHEAD
            + match self {
                Obj::Str(s) => s.len(),
                Obj::Array(a) => a.elems.len() * 8,
                Obj::Struct(s) => s.fields.len() * 8,
                Obj::Foreign(_) => 64,
            }
    }
}

#[derive(Debug)]
struct Slot {
    generation: u16,
    marked: bool,
    obj: Option<Obj>,
}

/// Heap statistics for `--stats` and tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HeapStats {
    /// Accounted bytes of live (not yet collected) objects.
    pub bytes: usize,
    /// The highest `bytes` seen.
    pub peak_bytes: usize,
    /// Objects currently allocated.
    pub objects: usize,
    /// Collections run.
    pub collections: u64,
}

/// The slab of heap objects.
#[derive(Debug)]
pub struct Heap {
    slots: Vec<Slot>,
    free: Vec<u32>,
    pinned: usize,
    bytes: usize,
    peak: usize,
    next_gc: usize,
    limit: Option<usize>,
    collections: u64,
    /// Table memory of this run (column buffers live outside the heap, in `Arc`s); it shares the
    /// `--max-memory` limit with the heap's own bytes and counts toward collection pressure.
    budget: MemoryBudget,
}

impl Default for Heap {
    fn default() -> Self {
        Heap::new()
    }
}

impl Heap {
    /// An empty heap with no memory limit.
    pub fn new() -> Heap {
        Heap {
            slots: Vec::new(),
            free: Vec::new(),
            pinned: 0,
            bytes: 0,
            peak: 0,
            next_gc: MIN_GC_THRESHOLD,
            limit: None,
            collections: 0,
            budget: MemoryBudget::unlimited(),
        }
    }

    /// Sets the limit on accounted live bytes (`None`: unlimited).
    ///
    /// This also starts a fresh table budget with the same limit: tables of an earlier run that a
    /// host still holds keep charging the earlier budget, not this run's.
    pub fn set_limit(&mut self, limit: Option<usize>) {
        self.limit = limit;
        self.budget = MemoryBudget::with_limit(limit.unwrap_or(usize::MAX));
    }

    /// The table memory budget of this run (limit: `--max-memory`).
    pub fn budget(&self) -> &MemoryBudget {
        &self.budget
    }

    /// Heap bytes plus live table bytes: what `--max-memory` limits.
    fn total(&self) -> usize {
        self.bytes.saturating_add(self.budget.used())
    }

    /// Marks every object allocated so far as permanent (module constants): never collected and
    /// kept by [`Heap::reset`].
    pub fn pin_all(&mut self) {
        self.pinned = self.slots.len();
    }

    /// Frees every unpinned object (between runs).
    pub fn reset(&mut self) {
        for slot in &mut self.slots[self.pinned..] {
            if let Some(obj) = slot.obj.take() {
                self.bytes -= obj.size();
            }
        }
        self.slots.truncate(self.pinned);
        self.free.clear();
        self.peak = self.bytes;
        self.next_gc = MIN_GC_THRESHOLD.max(self.bytes * 2);
    }

    /// Current statistics.
    pub fn stats(&self) -> HeapStats {
        HeapStats {
            bytes: self.bytes,
            peak_bytes: self.peak,
            objects: self.slots.len() - self.free.len(),
            collections: self.collections,
        }
    }

    /// Whether allocating about `extra` more bytes should first run a collection (the caller then
    /// calls [`Heap::collect`] with its roots, at a point where every live handle is in a root).
    #[inline]
    pub fn wants_collection(&self, extra: usize) -> bool {
        // Callers estimate the payload only; the object header is counted here so that a
        // request the limit cannot take is preceded by a collection (§10: the memory trap
        // means "still too much after a garbage collection"). Tables count too.
        let after = self
            .total()
            .saturating_add(extra)
            .saturating_add(OBJECT_OVERHEAD);
        after > self.next_gc || self.limit.is_some_and(|l| after > l)
    }

    /// Fails with the memory-limit trap if `extra` more bytes would exceed the limit.
    pub fn check_room(&self, extra: usize) -> Result<(), Trap> {
        match self.limit {
            Some(limit) if self.total().saturating_add(extra) > limit => Err(Trap::new(
                TrapKind::MemoryLimitExceeded,
                format!(
                    "memory limit exceeded: {} bytes live, {} more requested, limit {} bytes",
                    self.total(),
                    extra,
                    limit
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Allocates `obj`, or traps when it would exceed the memory limit.
    pub fn alloc(&mut self, obj: Obj) -> Result<u64, Trap> {
        let size = obj.size();
        self.check_room(size)?;
        self.bytes += size;
        self.peak = self.peak.max(self.bytes);
        if let Some(index) = self.free.pop() {
            let slot = &mut self.slots[index as usize];
            slot.obj = Some(obj);
            return Ok(make_handle(index, slot.generation));
        }
        let index = u32::try_from(self.slots.len())
            .ok()
            .filter(|&i| i < u32::MAX)
            .ok_or_else(|| Trap::new(TrapKind::MemoryLimitExceeded, "too many heap objects"))?;
        self.slots.push(Slot {
            generation: 0,
            marked: false,
            obj: Some(obj),
        });
        Ok(make_handle(index, 0))
    }

    /// Allocates a string.
    pub fn alloc_str(&mut self, s: &str) -> Result<u64, Trap> {
        self.alloc(Obj::Str(s.into()))
    }

    /// The object a handle refers to, if the handle is live.
    #[inline]
    pub fn get(&self, h: u64) -> Option<&Obj> {
        let slot = self.slots.get(handle_index(h))?;
        if h >> 48 != HANDLE_TAG || slot.generation != handle_generation(h) {
            return None;
        }
        slot.obj.as_ref()
    }

    #[inline]
    fn get_mut(&mut self, h: u64) -> Option<&mut Obj> {
        let slot = self.slots.get_mut(handle_index(h))?;
        if h >> 48 != HANDLE_TAG || slot.generation != handle_generation(h) {
            return None;
        }
        slot.obj.as_mut()
    }

    /// The text of a string handle. A handle that is not a live string (impossible for a
    /// verified module) reads as `""` rather than panicking.
    #[inline]
    pub fn str(&self, h: u64) -> &str {
        match self.get(h) {
            Some(Obj::Str(s)) => s,
            _ => "",
        }
    }

    /// The array behind a handle (`None` for a non-array, impossible for a verified module).
    #[inline]
    pub fn array(&self, h: u64) -> Option<&ArrayObj> {
        match self.get(h) {
            Some(Obj::Array(a)) => Some(a),
            _ => None,
        }
    }

    /// The array behind a handle, mutably.
    #[inline]
    pub fn array_mut(&mut self, h: u64) -> Option<&mut ArrayObj> {
        match self.get_mut(h) {
            Some(Obj::Array(a)) => Some(a),
            _ => None,
        }
    }

    /// The struct behind a handle.
    #[inline]
    pub fn struct_obj(&self, h: u64) -> Option<&StructObj> {
        match self.get(h) {
            Some(Obj::Struct(s)) => Some(s),
            _ => None,
        }
    }

    /// The struct behind a handle, mutably.
    #[inline]
    pub fn struct_mut(&mut self, h: u64) -> Option<&mut StructObj> {
        match self.get_mut(h) {
            Some(Obj::Struct(s)) => Some(s),
            _ => None,
        }
    }

    /// A dataflow object behind a handle.
    pub fn foreign<T: 'static>(&self, h: u64) -> Option<&T> {
        match self.get(h) {
            Some(Obj::Foreign(b)) => b.downcast_ref::<T>(),
            _ => None,
        }
    }

    /// A dataflow object behind a handle, mutably.
    pub fn foreign_mut<T: 'static>(&mut self, h: u64) -> Option<&mut T> {
        match self.get_mut(h) {
            Some(Obj::Foreign(b)) => b.downcast_mut::<T>(),
            _ => None,
        }
    }

    /// The slot index of `w` if it is a handle to a live object.
    #[inline]
    fn live_index(&self, w: u64) -> Option<usize> {
        if w >> 48 != HANDLE_TAG {
            return None;
        }
        let i = handle_index(w);
        let slot = self.slots.get(i)?;
        (slot.generation == handle_generation(w) && slot.obj.is_some()).then_some(i)
    }

    /// Mark-sweep collection. `roots` yields every word that may hold a live handle (registers of
    /// live frames, spill slots, globals); each is tested conservatively. Marking uses an explicit
    /// work list (no native recursion, so deep object graphs cannot overflow the native stack).
    pub fn collect<'a>(&mut self, roots: impl IntoIterator<Item = &'a [u64]>) {
        self.collections += 1;
        let mut work: Vec<usize> = Vec::new();
        let mark = |heap: &mut Heap, w: u64, work: &mut Vec<usize>| {
            if let Some(i) = heap.live_index(w) {
                let slot = &mut heap.slots[i];
                if !slot.marked {
                    slot.marked = true;
                    work.push(i);
                }
            }
        };
        for words in roots {
            for &w in words {
                mark(self, w, &mut work);
            }
        }
        while let Some(i) = work.pop() {
            let n = match &self.slots[i].obj {
                Some(Obj::Array(a)) if a.refs => a.elems.len(),
                Some(Obj::Struct(s)) => s.fields.len(),
                _ => continue,
            };
            // Re-borrow per child: marking needs `&mut self`, and copying the children out would
            // allocate during collection.
            for j in 0..n {
                let w = match &self.slots[i].obj {
                    Some(Obj::Array(a)) => a.elems[j],
                    Some(Obj::Struct(s)) => s.fields[j],
                    _ => break,
                };
                mark(self, w, &mut work);
            }
        }
        for (i, slot) in self.slots.iter_mut().enumerate() {
            if i < self.pinned {
                slot.marked = false;
                continue;
            }
            if slot.marked {
                slot.marked = false;
            } else if let Some(obj) = slot.obj.take() {
                self.bytes -= obj.size();
                slot.generation = slot.generation.wrapping_add(1);
                self.free.push(i as u32);
            }
        }
        self.next_gc = MIN_GC_THRESHOLD.max(self.total().saturating_mul(2));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alloc_get_and_stale_handles() {
        let mut h = Heap::new();
        let a = h.alloc_str("hello").unwrap();
        assert_eq!(h.str(a), "hello");
        assert_eq!(h.stats().bytes, OBJECT_OVERHEAD + 5);
        h.collect([]);
        assert!(h.get(a).is_none(), "unreachable string is freed");
        let b = h.alloc_str("x").unwrap();
        assert_eq!(handle_index(a), handle_index(b), "slot reused");
        assert_ne!(a, b, "with a new generation");
        assert_eq!(h.str(a), "", "stale handle reads as empty, never panics");
        assert_eq!(h.stats().bytes, OBJECT_OVERHEAD + 1);
        assert_eq!(h.stats().peak_bytes, OBJECT_OVERHEAD + 5);
    }

    #[test]
    fn collect_keeps_reachable_graph() {
        let mut h = Heap::new();
        let s = h.alloc_str("kept").unwrap();
        let garbage = h.alloc_str("garbage").unwrap();
        let arr = h
            .alloc(Obj::Array(ArrayObj {
                elems: vec![s],
                refs: true,
            }))
            .unwrap();
        let st = h
            .alloc(Obj::Struct(StructObj {
                struct_id: 0,
                fields: vec![arr, 42].into(),
            }))
            .unwrap();
        let roots = [st, 7, 0];
        h.collect([&roots[..]]);
        assert_eq!(h.str(s), "kept");
        assert!(h.array(arr).is_some());
        assert!(h.get(garbage).is_none());
        assert_eq!(h.stats().objects, 3);
    }

    #[test]
    fn scalar_arrays_are_not_scanned() {
        let mut h = Heap::new();
        let s = h.alloc_str("only referenced by an i64 array").unwrap();
        let arr = h
            .alloc(Obj::Array(ArrayObj {
                elems: vec![s],
                refs: false,
            }))
            .unwrap();
        h.collect([&[arr][..]]);
        assert!(h.get(s).is_none());
    }

    #[test]
    fn cycles_are_collected_and_marking_is_iterative() {
        let mut h = Heap::new();
        let a = h
            .alloc(Obj::Struct(StructObj {
                struct_id: 0,
                fields: vec![0].into(),
            }))
            .unwrap();
        h.struct_mut(a).unwrap().fields[0] = a; // self cycle
        // A long chain: would overflow a recursive marker.
        let mut prev = a;
        for _ in 0..200_000 {
            prev = h
                .alloc(Obj::Struct(StructObj {
                    struct_id: 0,
                    fields: vec![prev].into(),
                }))
                .unwrap();
        }
        h.collect([&[prev][..]]);
        assert_eq!(h.stats().objects, 200_001);
        h.collect([]);
        assert_eq!(h.stats().objects, 0);
        assert_eq!(h.stats().bytes, 0);
    }

    #[test]
    fn pinned_objects_survive_collect_and_reset() {
        let mut h = Heap::new();
        let c = h.alloc_str("const").unwrap();
        h.pin_all();
        let t = h.alloc_str("temp").unwrap();
        h.collect([]);
        assert_eq!(h.str(c), "const");
        assert!(h.get(t).is_none());
        let t2 = h.alloc_str("temp2").unwrap();
        h.reset();
        assert!(h.get(t2).is_none());
        assert_eq!(h.str(c), "const");
        assert_eq!(h.stats().bytes, OBJECT_OVERHEAD + 5);
    }

    #[test]
    fn memory_limit_traps() {
        let mut h = Heap::new();
        h.set_limit(Some(100));
        assert!(h.alloc_str("small").is_ok());
        let t = h.alloc_str(&"x".repeat(100)).unwrap_err();
        assert_eq!(t.kind, TrapKind::MemoryLimitExceeded);
        assert!(t.message.starts_with("memory limit exceeded"));
        assert!(h.wants_collection(100));
        assert!(!h.wants_collection(10));
    }

    #[test]
    fn collection_is_wanted_before_the_header_overflows_the_limit() {
        // Regression: a 3-field struct is estimated as 24 payload bytes but accounted as 56;
        // without counting the header the interpreter skipped the collection and trapped
        // with garbage still on the heap.
        let mut h = Heap::new();
        h.set_limit(Some(200));
        h.alloc_str(&"x".repeat(150)).unwrap(); // 182 bytes accounted
        assert!(h.wants_collection(3 * 8));
    }

    #[test]
    fn integers_that_are_not_handles_are_ignored() {
        let mut h = Heap::new();
        let s = h.alloc_str("s").unwrap();
        // Same index, wrong tag; same index, wrong generation.
        let roots = [handle_index(s) as u64, s ^ (1 << 32)];
        h.collect([&roots[..]]);
        assert!(h.get(s).is_none());
    }
}

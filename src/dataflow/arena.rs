//! Bump arenas for result tables: every column buffer of one `materialize`, `read_csv`,
//! `read_json` or table-builder result is carved out of one [`bumpalo::Bump`], 64-byte aligned.
//!
//! The arena is shared by reference count: each buffer that points into it holds a
//! [`TableArena`] clone, so the arena (and every byte of every table built in it) lives until the
//! last column referring to it is dropped, wherever that column went (a VM register, a host
//! that keeps a result after the run). The arena is never reset and its chunks never move, which
//! is what makes the raw pointers in [`ArenaRegion`] valid (see the safety comments there).

use std::alloc::Layout;
use std::fmt;
use std::ptr::NonNull;
use std::sync::{Arc, Mutex};

use bumpalo::Bump;

use super::buffer::ALIGNMENT;
use super::error::{DataflowError, Result};
use super::memory::{MemoryAccount, Reservation};

/// The largest piece [`TableArena::alloc_filled`] hands out at once (a multiple of 64).
pub(crate) const FILL_WINDOW: usize = 1 << 20;

struct ArenaInner {
    bump: Mutex<Bump>,
    /// Bytes handed out, charged to the budget until the arena is dropped.
    charged: Mutex<Reservation>,
    operator: String,
}

/// A shared bump arena for the buffers of the tables of one result. Cloning shares it.
#[derive(Clone)]
pub struct TableArena(Arc<ArenaInner>);

impl fmt::Debug for TableArena {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TableArena({} bytes)", self.allocated())
    }
}

/// A zero-initialised, 64-byte aligned byte range inside a [`TableArena`], kept alive by the
/// arena handle it carries.
pub(crate) struct ArenaRegion {
    ptr: NonNull<u8>,
    len: usize,
    arena: TableArena,
}

impl fmt::Debug for ArenaRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ArenaRegion({} bytes)", self.len)
    }
}

// SAFETY: the region's bytes belong to the arena's `Bump`, which the region keeps alive through
// `arena` and which is only touched (to allocate) under its mutex. Each region is handed out to
// exactly one owner; it is written only through `&mut ArenaRegion` (so never concurrently) and
// read through `&ArenaRegion`, so sharing it between threads is as sound as sharing a `Vec<u8>`.
unsafe impl Send for ArenaRegion {}
// SAFETY: see `Send`: `&ArenaRegion` only gives out `&[u8]`.
unsafe impl Sync for ArenaRegion {}

impl ArenaRegion {
    /// The region's bytes.
    pub(crate) fn as_slice(&self) -> &[u8] {
        // SAFETY: `ptr` came from `Bump::try_alloc_layout` for `len` bytes, which were all zeroed
        // (window by window) before the region was made, so they are initialised. The allocation stays valid while the
        // `Bump` lives: `self.arena` keeps the `Bump` alive, `TableArena` never calls `reset`
        // (no method exposes it) and bumpalo never moves or frees a chunk before the `Bump` is
        // dropped. No `&mut` to these bytes exists while `&self` is borrowed.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }

    /// The region's bytes, mutably.
    pub(crate) fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: as in `as_slice`; in addition the region was allocated for this owner alone
        // (bumpalo never hands out overlapping allocations) and `&mut self` is exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }

    /// Length in bytes (a multiple of 64).
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The arena this region lives in.
    pub(crate) fn arena(&self) -> &TableArena {
        &self.arena
    }
}

impl TableArena {
    /// A new, empty arena whose allocations are charged to `account` (failures name its
    /// operator).
    pub fn new(account: &MemoryAccount) -> TableArena {
        TableArena(Arc::new(ArenaInner {
            bump: Mutex::new(Bump::new()),
            charged: Mutex::new(account.empty_reservation()),
            operator: account.operator().to_string(),
        }))
    }

    /// Bytes allocated from the arena so far (what it charges to the budget).
    pub fn allocated(&self) -> usize {
        self.0.charged.lock().map_or(0, |r| r.bytes())
    }

    /// True when both handles share one arena.
    pub fn ptr_eq(&self, other: &TableArena) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// Allocates `len` zeroed bytes (rounded up to a multiple of 64, at least 64), 64-byte
    /// aligned, charging the budget first.
    pub(crate) fn alloc_zeroed(&self, len: usize) -> Result<ArenaRegion> {
        self.alloc_filled(len, |_, _| {})
    }

    /// Allocates like [`Self::alloc_zeroed`], then hands the region to `fill` window by window,
    /// in order: `fill(offset, window)` gets bytes `offset..offset + window.len()` (at most
    /// [`FILL_WINDOW`] of them), zeroed just before. A source copied in this way can free
    /// what it has copied as it goes, and the region's pages are first touched as they are
    /// filled, so the source and the region never both hold all the bytes.
    pub(crate) fn alloc_filled(
        &self,
        len: usize,
        mut fill: impl FnMut(usize, &mut [u8]),
    ) -> Result<ArenaRegion> {
        let size = len
            .max(1)
            .checked_next_multiple_of(ALIGNMENT)
            .ok_or_else(|| self.too_big(len))?;
        let layout = Layout::from_size_align(size, ALIGNMENT).map_err(|_| self.too_big(len))?;
        let poisoned = || DataflowError::Plan {
            message: "internal error: a table arena lock was poisoned".into(),
        };
        self.0
            .charged
            .lock()
            .map_err(|_| poisoned())?
            .grow(size, &self.0.operator)?;
        let ptr = {
            let bump = self.0.bump.lock().map_err(|_| poisoned())?;
            bump.try_alloc_layout(layout)
        };
        let Ok(ptr) = ptr else {
            if let Ok(mut r) = self.0.charged.lock() {
                r.shrink(size);
            }
            return Err(self.too_big(len));
        };
        let mut offset = 0;
        while offset < size {
            let n = (size - offset).min(FILL_WINDOW);
            // SAFETY: `offset + n <= size`, so the window lies inside the allocation just made
            // for `size` bytes; it is initialised (zeroed) before the slice is formed, and the
            // slice is the only reference to these bytes (bumpalo never hands out overlapping
            // allocations, and no `ArenaRegion` exists for this one yet). The slice ends before
            // the next window is formed.
            let window = unsafe {
                let start = ptr.as_ptr().add(offset);
                std::ptr::write_bytes(start, 0, n);
                std::slice::from_raw_parts_mut(start, n)
            };
            fill(offset, window);
            offset += n;
        }
        // Every byte of the region was zeroed above (and possibly written by `fill`).
        Ok(ArenaRegion {
            ptr,
            len: size,
            arena: self.clone(),
        })
    }

    fn too_big(&self, len: usize) -> DataflowError {
        DataflowError::OutOfRange {
            message: format!(
                "{}: cannot allocate {len} bytes for a table column",
                self.0.operator
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataflow::memory::MemoryBudget;

    #[test]
    fn regions_are_aligned_zeroed_and_charged_until_the_arena_goes() {
        let budget = MemoryBudget::with_limit(1 << 20);
        let arena = TableArena::new(&MemoryAccount::new(&budget, "materialize"));
        let mut a = arena.alloc_zeroed(10).unwrap();
        let b = arena.alloc_zeroed(100).unwrap();
        assert_eq!((a.len(), b.len()), (64, 128));
        assert_eq!(a.as_slice().as_ptr() as usize % ALIGNMENT, 0);
        assert_eq!(b.as_slice().as_ptr() as usize % ALIGNMENT, 0);
        assert!(b.as_slice().iter().all(|&x| x == 0));
        a.as_mut_slice()[..3].copy_from_slice(b"abc");
        assert_eq!(&a.as_slice()[..4], b"abc\0");
        assert_eq!(budget.used(), 192);
        assert!(a.arena().ptr_eq(&arena));
        drop(arena);
        // The regions keep the arena alive: their bytes stay readable.
        assert_eq!(&a.as_slice()[..3], b"abc");
        drop(a);
        assert_eq!(budget.used(), 192);
        drop(b);
        assert_eq!(budget.used(), 0);
    }

    #[test]
    fn a_materialized_result_lives_in_one_arena_after_the_dag_is_gone() {
        use crate::dataflow::column::{Column, ValueRef};
        use crate::dataflow::engine::Dag;
        use crate::dataflow::table::Table;
        let budget = MemoryBudget::unlimited();
        let t = Table::from_columns(vec![
            ("x", Column::from_values(&[3i64, 1, 2])),
            ("s", Column::from_strs(&[Some("ç"), None, Some("b")])),
        ])
        .unwrap();
        let mut g = Dag::new();
        let n = g.scan(t);
        let n = g.filter(n, "x > 1").unwrap();
        let r = g.materialize(n, &budget).unwrap();
        drop(g);
        let (Some(Column::I64(x)), Some(Column::Utf8(s))) = (r.column(0), r.column(1)) else {
            panic!("unexpected columns");
        };
        let arena = x.values_buffer().arena().expect("result in an arena");
        assert!(s.data_buffer().arena().unwrap().ptr_eq(arena));
        assert!(s.offsets_buffer().arena().unwrap().ptr_eq(arena));
        assert_eq!(budget.used(), arena.allocated());
        assert_eq!(r.column(1).unwrap().value(0), ValueRef::Utf8("ç"));
        drop(r);
        assert_eq!(budget.used(), 0);
    }

    /// `alloc_filled` hands out the whole region in order, in windows of at most
    /// `FILL_WINDOW` bytes that are zeroed first, and the region keeps what was written.
    #[test]
    fn filled_regions_are_written_window_by_window() {
        let budget = MemoryBudget::with_limit(16 << 20);
        let arena = TableArena::new(&MemoryAccount::new(&budget, "read_csv"));
        let len = 2 * FILL_WINDOW + 100;
        let mut seen = Vec::new();
        // Whole-slice comparisons (memcmp) keep the test quick under Miri.
        let zeros = vec![0u8; FILL_WINDOW];
        let r = arena
            .alloc_filled(len, |offset, window| {
                assert!(*window == zeros[..window.len()]);
                seen.push((offset, window.len()));
                window.fill((offset / FILL_WINDOW + 1) as u8);
            })
            .unwrap();
        let size = len.next_multiple_of(ALIGNMENT);
        assert_eq!(
            seen,
            [
                (0, FILL_WINDOW),
                (FILL_WINDOW, FILL_WINDOW),
                (2 * FILL_WINDOW, size - 2 * FILL_WINDOW)
            ]
        );
        assert_eq!(r.len(), size);
        assert_eq!(r.as_slice().as_ptr() as usize % ALIGNMENT, 0);
        for (i, window) in r.as_slice().chunks(FILL_WINDOW).enumerate() {
            assert!(*window == vec![i as u8 + 1; window.len()][..]);
        }
        assert_eq!(budget.used(), size);
        // A small region is one window; writing nothing leaves it zeroed.
        let z = arena
            .alloc_filled(10, |_, w| assert_eq!(w.len(), 64))
            .unwrap();
        assert_eq!(z.as_slice(), &[0u8; 64]);
        assert!(
            arena
                .alloc_filled(16 << 20, |_, _| panic!("not filled"))
                .is_err()
        );
        assert_eq!(budget.used(), size + 64);
    }

    #[test]
    fn over_budget_allocation_fails_cleanly() {
        let budget = MemoryBudget::with_limit(100);
        let arena = TableArena::new(&MemoryAccount::new(&budget, "read_csv"));
        let err = arena.alloc_zeroed(1000).unwrap_err();
        assert!(err.to_string().contains("read_csv"), "{err}");
        assert_eq!(budget.used(), 0);
        assert!(arena.alloc_zeroed(usize::MAX).is_err());
    }
}

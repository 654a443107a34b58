//! Memory accounting for tables: a shared budget (`--max-memory`) that builders and readers
//! charge before they allocate, so running out of budget is a clean error naming the operator.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::error::{DataflowError, Result};

#[derive(Debug)]
struct BudgetInner {
    limit: usize,
    used: AtomicUsize,
    peak: AtomicUsize,
}

/// A shared byte counter with a limit. Cloning shares the counter.
///
/// The VM creates one per run (limit from `--max-memory`); every table buffer built under it holds
/// a [`Reservation`] that gives its bytes back when the last handle to the buffer is dropped.
#[derive(Clone, Debug)]
pub struct MemoryBudget(Arc<BudgetInner>);

impl MemoryBudget {
    /// A budget without a limit (still counts usage).
    pub fn unlimited() -> Self {
        Self::with_limit(usize::MAX)
    }

    /// A budget of `limit` bytes.
    pub fn with_limit(limit: usize) -> Self {
        MemoryBudget(Arc::new(BudgetInner {
            limit,
            used: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        }))
    }

    /// Charges `bytes`, or fails with [`DataflowError::MemoryLimit`] naming `operator` and charges
    /// nothing.
    pub fn try_reserve(&self, bytes: usize, operator: &str) -> Result<()> {
        let inner = &self.0;
        let mut used = inner.used.load(Ordering::Relaxed);
        loop {
            let new = match used.checked_add(bytes) {
                Some(n) if n <= inner.limit => n,
                _ => {
                    return Err(DataflowError::MemoryLimit {
                        operator: operator.to_string(),
                        requested: bytes,
                        used,
                        limit: inner.limit,
                    });
                }
            };
            match inner
                .used
                .compare_exchange_weak(used, new, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => {
                    inner.peak.fetch_max(new, Ordering::Relaxed);
                    return Ok(());
                }
                Err(actual) => used = actual,
            }
        }
    }

    /// Charges `bytes` even past the limit (for memory an operator already holds and can only
    /// give back by spilling); later [`Self::try_reserve`] calls fail until usage drops.
    pub fn force_reserve(&self, bytes: usize) {
        let new = self
            .0
            .used
            .fetch_add(bytes, Ordering::Relaxed)
            .saturating_add(bytes);
        self.0.peak.fetch_max(new, Ordering::Relaxed);
    }

    /// Gives back `bytes` charged earlier.
    pub fn release(&self, bytes: usize) {
        let _ = self
            .0
            .used
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |u| {
                Some(u.saturating_sub(bytes))
            });
    }

    /// Bytes currently charged.
    pub fn used(&self) -> usize {
        self.0.used.load(Ordering::Relaxed)
    }

    /// The highest value [`Self::used`] has reached.
    pub fn peak(&self) -> usize {
        self.0.peak.load(Ordering::Relaxed)
    }

    /// The limit in bytes (`usize::MAX` when unlimited).
    pub fn limit(&self) -> usize {
        self.0.limit
    }
}

impl Default for MemoryBudget {
    fn default() -> Self {
        Self::unlimited()
    }
}

/// A budget plus the operator name charged to it: what builders and readers are handed.
#[derive(Clone, Debug, Default)]
pub struct MemoryAccount {
    budget: MemoryBudget,
    operator: Arc<str>,
    forced: bool,
    arena: Option<super::arena::TableArena>,
}

impl MemoryAccount {
    /// Charges made through this account name `operator` when they fail.
    pub fn new(budget: &MemoryBudget, operator: &str) -> Self {
        MemoryAccount {
            budget: budget.clone(),
            operator: operator.into(),
            forced: false,
            arena: None,
        }
    }

    /// The same account with a new [`TableArena`](super::arena::TableArena): buffers frozen
    /// through it (the columns of one result table) are placed in that arena.
    pub fn with_new_arena(&self) -> MemoryAccount {
        MemoryAccount {
            arena: Some(super::arena::TableArena::new(self)),
            ..self.clone()
        }
    }

    /// The arena buffers frozen through this account go to, if any.
    pub fn arena(&self) -> Option<&super::arena::TableArena> {
        self.arena.as_ref()
    }

    /// The same account, except that buffers growing through it charge the budget without
    /// ever failing (see [`MemoryBudget::force_reserve`]): for small transient buffers an
    /// operator needs to make progress, such as one batch read back from a spill file.
    pub fn forced(&self) -> MemoryAccount {
        MemoryAccount {
            forced: true,
            ..self.clone()
        }
    }

    /// True for an account made by [`Self::forced`].
    pub fn is_forced(&self) -> bool {
        self.forced
    }

    /// An account on a fresh unlimited budget.
    pub fn unlimited() -> Self {
        Self::default()
    }

    /// The shared budget.
    pub fn budget(&self) -> &MemoryBudget {
        &self.budget
    }

    /// The operator name.
    pub fn operator(&self) -> &str {
        &self.operator
    }

    /// Reserves `bytes` and returns a guard that releases them when dropped.
    pub fn reserve(&self, bytes: usize) -> Result<Reservation> {
        self.budget.try_reserve(bytes, &self.operator)?;
        Ok(Reservation {
            budget: self.budget.clone(),
            bytes,
        })
    }

    /// An empty reservation on this account's budget, to be grown later.
    pub fn empty_reservation(&self) -> Reservation {
        Reservation {
            budget: self.budget.clone(),
            bytes: 0,
        }
    }
}

/// Bytes charged to a budget; released when dropped.
#[derive(Debug)]
pub struct Reservation {
    budget: MemoryBudget,
    bytes: usize,
}

impl Reservation {
    /// Charges `more` bytes to this reservation.
    pub fn grow(&mut self, more: usize, operator: &str) -> Result<()> {
        self.budget.try_reserve(more, operator)?;
        self.bytes += more;
        Ok(())
    }

    /// Charges `more` bytes even past the limit (see [`MemoryBudget::force_reserve`]).
    pub fn force_grow(&mut self, more: usize) {
        self.budget.force_reserve(more);
        self.bytes += more;
    }

    /// Gives back `less` bytes (at most what is held).
    pub fn shrink(&mut self, less: usize) {
        let less = less.min(self.bytes);
        self.budget.release(less);
        self.bytes -= less;
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.budget.release(self.bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserve_and_release() {
        let b = MemoryBudget::with_limit(100);
        let acct = MemoryAccount::new(&b, "read_csv");
        let r = acct.reserve(60).unwrap();
        assert_eq!(b.used(), 60);
        let err = acct.reserve(50).unwrap_err();
        assert_eq!(
            err,
            DataflowError::MemoryLimit {
                operator: "read_csv".into(),
                requested: 50,
                used: 60,
                limit: 100
            }
        );
        assert_eq!(b.used(), 60, "a failed reservation charges nothing");
        drop(r);
        assert_eq!(b.used(), 0);
        assert_eq!(b.peak(), 60);
    }

    #[test]
    fn grow_and_shrink() {
        let b = MemoryBudget::with_limit(10);
        let acct = MemoryAccount::new(&b, "join");
        let mut r = acct.empty_reservation();
        r.grow(8, "join").unwrap();
        assert!(r.grow(3, "join").is_err());
        r.shrink(5);
        assert_eq!((r.bytes(), b.used()), (3, 3));
        r.grow(7, "join").unwrap();
        assert_eq!(b.used(), 10);
        drop(r);
        assert_eq!(b.used(), 0);
    }

    #[test]
    fn forced_growth_blocks_later_reservations_until_released() {
        let b = MemoryBudget::with_limit(10);
        let acct = MemoryAccount::new(&b, "aggregate");
        let mut r = acct.empty_reservation();
        r.force_grow(15);
        assert_eq!((b.used(), b.peak()), (15, 15));
        assert!(acct.reserve(1).is_err());
        r.shrink(10);
        assert!(acct.reserve(5).is_ok());
        drop(r);
        assert_eq!(b.used(), 0);
    }

    #[test]
    fn overflowing_request_fails_cleanly() {
        let b = MemoryBudget::unlimited();
        b.try_reserve(10, "x").unwrap();
        assert!(b.try_reserve(usize::MAX, "x").is_err());
    }
}

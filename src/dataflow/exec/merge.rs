//! K-way merge of sorted runs read back from spill files (the external half of `sort`).
//!
//! Each run is a [`SpillReader`] whose rows are already in sort order. The merge keeps one batch
//! per run in memory, evaluates the sort keys on it, and repeatedly emits the smallest head row;
//! ties go to the earlier run, which holds the earlier input rows, so the sort stays stable.

use std::cmp::Ordering;

use super::batch::{BATCH_SIZE, Batch, Operator};
use super::merge_join::cmp_value;
use super::sort::SortSpec;
use super::spill::SpillReader;
use crate::dataflow::builder::ColumnBuilder;
use crate::dataflow::column::Column;
use crate::dataflow::error::Result;
use crate::dataflow::memory::MemoryAccount;
use crate::dataflow::types::DataType;

/// Compares row `i` of keys `a` with row `j` of keys `b` under `specs`.
pub fn compare_rows(
    a: &[Column],
    i: usize,
    b: &[Column],
    j: usize,
    specs: &[SortSpec],
) -> Ordering {
    for ((ka, kb), s) in a.iter().zip(b).zip(specs) {
        // Nulls by `nulls_first`, values in SQL order (as `sort_permutation`).
        let o = match (ka.is_null(i), kb.is_null(j)) {
            (true, true) => Ordering::Equal,
            (true, false) if s.nulls_first => Ordering::Less,
            (true, false) => Ordering::Greater,
            (false, true) if s.nulls_first => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) if s.descending => cmp_value(ka, i, kb, j).reverse(),
            (false, false) => cmp_value(ka, i, kb, j),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

struct Cursor {
    reader: SpillReader,
    columns: Vec<Column>,
    keys: Vec<Column>,
    len: usize,
    pos: usize,
}

impl Cursor {
    /// Loads the next batch when the current one is used up; false when the run is exhausted.
    fn ready(&mut self, specs: &[SortSpec]) -> Result<bool> {
        while self.pos >= self.len {
            let Some(b) = self.reader.next() else {
                self.columns.clear();
                self.keys.clear();
                return Ok(false);
            };
            let b = b?;
            self.keys = specs
                .iter()
                .map(|s| s.expr.eval(&b.columns, b.len))
                .collect::<Result<_>>()?;
            self.columns = b.columns;
            self.len = b.len;
            self.pos = 0;
        }
        Ok(true)
    }
}

/// Merges sorted runs into one sorted stream of batches.
pub struct MergeOp {
    cursors: Vec<Cursor>,
    specs: Vec<SortSpec>,
    types: Vec<DataType>,
    account: MemoryAccount,
    /// Rows still to skip (offset) and to emit (count) when a limit applies.
    skip: usize,
    remaining: usize,
}

impl MergeOp {
    /// Merges `runs` (each sorted by `specs`, holding columns of `types`), emitting rows
    /// `skip..skip + count` of the merged order.
    pub fn new(
        runs: Vec<SpillReader>,
        specs: Vec<SortSpec>,
        types: Vec<DataType>,
        account: MemoryAccount,
        skip: usize,
        count: usize,
    ) -> Self {
        let cursors = runs
            .into_iter()
            .map(|reader| Cursor {
                reader,
                columns: Vec::new(),
                keys: Vec::new(),
                len: 0,
                pos: 0,
            })
            .collect();
        MergeOp {
            cursors,
            specs,
            types,
            account,
            skip,
            remaining: count,
        }
    }

    /// The run holding the smallest head row (earliest run on ties), if any rows are left.
    fn smallest(&mut self) -> Result<Option<usize>> {
        let mut best: Option<usize> = None;
        for i in 0..self.cursors.len() {
            if !self.cursors[i].ready(&self.specs)? {
                continue;
            }
            best = match best {
                None => Some(i),
                Some(b) => {
                    let (cb, ci) = (&self.cursors[b], &self.cursors[i]);
                    let o = compare_rows(&ci.keys, ci.pos, &cb.keys, cb.pos, &self.specs);
                    Some(if o == Ordering::Less { i } else { b })
                }
            };
        }
        Ok(best)
    }

    fn next_batch(&mut self) -> Result<Option<Batch>> {
        let mut out: Vec<ColumnBuilder> = self
            .types
            .iter()
            .map(|t| ColumnBuilder::new(*t, self.account.clone()))
            .collect();
        let mut rows = 0;
        while rows < BATCH_SIZE && self.remaining > 0 {
            let Some(i) = self.smallest()? else { break };
            let c = &mut self.cursors[i];
            if self.skip > 0 {
                self.skip -= 1;
            } else {
                for (b, col) in out.iter_mut().zip(&c.columns) {
                    b.append_value(col.value(c.pos))?;
                }
                rows += 1;
                self.remaining -= 1;
            }
            c.pos += 1;
        }
        if rows == 0 {
            return Ok(None);
        }
        let columns = out
            .into_iter()
            .map(ColumnBuilder::finish)
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(Batch::new(columns, rows)))
    }
}

impl Operator for MergeOp {
    fn next(&mut self) -> Option<Result<Batch>> {
        self.next_batch().transpose()
    }
}

//! Batches (up to [`BATCH_SIZE`] rows of column slices, with an optional selection vector) and
//! the pull-based operator interface.

use super::columns::take;
use crate::dataflow::column::Column;
use crate::dataflow::error::Result;

/// Rows per batch: small enough to stay in cache, large enough to amortise dispatch.
pub const BATCH_SIZE: usize = 2048;

/// Up to [`BATCH_SIZE`] rows. When `selection` is set only those row indices (ascending) are
/// live; [`Batch::compact`] gathers them.
#[derive(Clone, Debug)]
pub struct Batch {
    /// One column per output column of the producing operator, each of `len` rows.
    pub columns: Vec<Column>,
    /// Number of physical rows in each column.
    pub len: usize,
    /// Live rows, when not all are.
    pub selection: Option<Vec<u32>>,
}

impl Batch {
    /// A dense batch.
    pub fn new(columns: Vec<Column>, len: usize) -> Batch {
        Batch {
            columns,
            len,
            selection: None,
        }
    }

    /// Number of live rows.
    pub fn num_rows(&self) -> usize {
        self.selection.as_ref().map_or(self.len, Vec::len)
    }

    /// The batch with only live rows, gathered (no-op when already dense).
    pub fn compact(self) -> Result<Batch> {
        match self.selection {
            None => Ok(self),
            Some(sel) => {
                let columns = self
                    .columns
                    .iter()
                    .map(|c| take(c, &sel))
                    .collect::<Result<Vec<_>>>()?;
                Ok(Batch::new(columns, sel.len()))
            }
        }
    }

    /// Dense rows `offset..offset + len` (of a compacted batch), sharing storage.
    pub fn slice(&self, offset: usize, len: usize) -> Batch {
        Batch::new(
            self.columns.iter().map(|c| c.slice(offset, len)).collect(),
            len,
        )
    }
}

/// A physical operator: pulled one batch at a time until it returns `None`.
pub trait Operator {
    /// The next batch, an error, or `None` when exhausted.
    fn next(&mut self) -> Option<Result<Batch>>;
}

/// A boxed operator.
pub type BoxOp = Box<dyn Operator>;

/// Pulls the next batch with live rows from `op`, keeping its selection.
pub fn next_live(op: &mut BoxOp) -> Option<Result<Batch>> {
    loop {
        match op.next()? {
            Ok(b) if b.num_rows() == 0 => continue,
            r => return Some(r),
        }
    }
}

/// Pulls the next non-empty dense batch from `op`.
pub fn next_dense(op: &mut BoxOp) -> Option<Result<Batch>> {
    loop {
        match op.next()? {
            Err(e) => return Some(Err(e)),
            Ok(b) if b.num_rows() == 0 => continue,
            Ok(b) => return Some(b.compact()),
        }
    }
}

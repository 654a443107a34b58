//! `Scan`: slices a table into batches (sharing its buffers), reading only the projected
//! columns and applying a pushed-down predicate before anything is copied.

use super::batch::{BATCH_SIZE, Batch, Operator};
use crate::dataflow::column::Column;
use crate::dataflow::error::Result;
use crate::dataflow::expr::kernels::CompiledExpr;
use crate::dataflow::table::Table;

/// Scans a table.
pub struct ScanOp {
    table: Table,
    columns: Vec<usize>,
    predicate: Option<(CompiledExpr, Vec<usize>)>,
    pos: usize,
}

impl ScanOp {
    /// Reads `columns` of `table`; `predicate` is compiled over the columns listed with it.
    pub fn new(
        table: Table,
        columns: Vec<usize>,
        predicate: Option<(CompiledExpr, Vec<usize>)>,
    ) -> Self {
        ScanOp {
            table,
            columns,
            predicate,
            pos: 0,
        }
    }

    fn slice(&self, cols: &[usize], len: usize) -> Vec<Column> {
        cols.iter()
            .map(|&c| self.table.columns()[c].slice(self.pos, len))
            .collect()
    }

    fn step(&mut self) -> Result<Option<Batch>> {
        let total = self.table.num_rows();
        if self.pos >= total {
            return Ok(None);
        }
        let len = BATCH_SIZE.min(total - self.pos);
        let columns = self.slice(&self.columns, len);
        let mut batch = Batch::new(columns, len);
        if let Some((pred, pcols)) = &self.predicate {
            let inputs = self.slice(pcols, len);
            let sel = pred.eval_selection(&inputs, len)?;
            if sel.len() < len {
                batch.selection = Some(sel);
            }
        }
        self.pos += len;
        Ok(Some(batch))
    }
}

impl Operator for ScanOp {
    fn next(&mut self) -> Option<Result<Batch>> {
        self.step().transpose()
    }
}

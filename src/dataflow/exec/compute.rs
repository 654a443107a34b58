//! `Filter` (predicate → selection vector) and `Project`/`Map` (evaluate items per batch).

use super::batch::{Batch, BoxOp, Operator, next_dense};
use crate::dataflow::error::Result;
use crate::dataflow::expr::kernels::CompiledExpr;

/// Keeps rows where the predicate is true.
pub struct FilterOp {
    input: BoxOp,
    predicate: CompiledExpr,
}

impl FilterOp {
    /// A filter over `input`.
    pub fn new(input: BoxOp, predicate: CompiledExpr) -> Self {
        FilterOp { input, predicate }
    }
}

impl Operator for FilterOp {
    fn next(&mut self) -> Option<Result<Batch>> {
        loop {
            let batch = match next_dense(&mut self.input)? {
                Ok(b) => b,
                Err(e) => return Some(Err(e)),
            };
            let sel = match self.predicate.eval_selection(&batch.columns, batch.len) {
                Ok(s) => s,
                Err(e) => return Some(Err(e)),
            };
            if sel.is_empty() {
                continue;
            }
            let mut out = batch;
            if sel.len() < out.len {
                out.selection = Some(sel);
            }
            return Some(Ok(out));
        }
    }
}

/// What produces each output column of a projection.
#[derive(Clone, Debug)]
pub enum Source {
    /// An input column, passed through untouched.
    Input(usize),
    /// A computed expression.
    Expr(CompiledExpr),
}

/// Computes output columns from input columns (serves `project` and `map`).
pub struct ProjectOp {
    input: BoxOp,
    sources: Vec<Source>,
    /// The input column of each output when every source is an input column.
    picks: Option<Vec<usize>>,
}

impl ProjectOp {
    /// A projection over `input`.
    pub fn new(input: BoxOp, sources: Vec<Source>) -> Self {
        let picks = sources
            .iter()
            .map(|s| match s {
                Source::Input(i) => Some(*i),
                Source::Expr(_) => None,
            })
            .collect();
        ProjectOp {
            input,
            sources,
            picks,
        }
    }
}

impl Operator for ProjectOp {
    fn next(&mut self) -> Option<Result<Batch>> {
        // Only input columns: pass the selection through; the consumer gathers just these.
        if let Some(picks) = &self.picks {
            let batch = match self.input.next()? {
                Ok(b) => b,
                Err(e) => return Some(Err(e)),
            };
            let cols = picks.iter().map(|&i| batch.columns[i].clone()).collect();
            return Some(Ok(Batch {
                columns: cols,
                len: batch.len,
                selection: batch.selection,
            }));
        }
        let batch = match next_dense(&mut self.input)? {
            Ok(b) => b,
            Err(e) => return Some(Err(e)),
        };
        let mut cols = Vec::with_capacity(self.sources.len());
        for s in &self.sources {
            match s {
                Source::Input(i) => cols.push(batch.columns[*i].clone()),
                Source::Expr(e) => match e.eval(&batch.columns, batch.len) {
                    Ok(c) => cols.push(c),
                    Err(err) => return Some(Err(err)),
                },
            }
        }
        Some(Ok(Batch::new(cols, batch.len)))
    }
}

//! Morsel-parallel input for pipeline breakers: a scan of an in-memory table, followed by
//! filters and projections, split into [`PARTS`] row ranges that worker threads read
//! independently (`std::thread::scope`). The aggregate (and `distinct`, run as a keyless-state
//! aggregate) folds each range into a partial group table and merges them in range order, or,
//! with many groups, scatters the rows by key hash and aggregates whole partitions on both
//! threads (`agg_radix.rs`); either way group order stays first-seen order. The split is fixed ([`PARTS`] ranges, cut at batch
//! boundaries), not taken from the machine's core count, so results are the same everywhere.

use super::batch::{BATCH_SIZE, Batch, BoxOp, Operator, next_live};
use std::collections::VecDeque;
use std::sync::Arc;

use super::compute::{FilterOp, ProjectOp, Source};
use super::probe_stage::ProbeStage;
use super::scan::ScanOp;
use crate::dataflow::error::Result;
use crate::dataflow::expr::kernels::CompiledExpr;
use crate::dataflow::table::Table;

/// Number of row ranges (and threads) a parallel pipeline is split into.
pub const PARTS: usize = 2;

/// Inputs with fewer rows run on one thread (thread start-up and the merge would not pay).
pub const MIN_ROWS: usize = 1 << 17;

/// A step applied to the scanned batches, in order.
#[derive(Clone, Debug)]
pub enum Stage {
    /// Keep the rows where the predicate holds.
    Filter(CompiledExpr),
    /// Compute the output columns (`project`/`map`).
    Project(Vec<Source>),
    /// Join with a loaded build side (the batches are the probe side).
    Probe(Arc<ProbeStage>),
}

/// A scan pipeline that can be run over any of its row ranges.
#[derive(Clone, Debug)]
pub struct ScanSplit {
    table: Table,
    columns: Vec<usize>,
    predicate: Option<(CompiledExpr, Vec<usize>)>,
    stages: Vec<Stage>,
    bounds: Vec<usize>,
}

impl ScanSplit {
    /// A split of a scan of `columns` of `table` (with an optional pushed-down predicate over
    /// the listed columns), then `stages`, into `parts` ranges cut at batch boundaries.
    pub fn new(
        table: Table,
        columns: Vec<usize>,
        predicate: Option<(CompiledExpr, Vec<usize>)>,
        stages: Vec<Stage>,
        parts: usize,
    ) -> ScanSplit {
        let rows = table.num_rows();
        let parts = parts.max(1);
        let per = rows.div_ceil(parts).div_ceil(BATCH_SIZE) * BATCH_SIZE;
        let bounds = (0..=parts).map(|p| (p * per).min(rows)).collect();
        ScanSplit {
            table,
            columns,
            predicate,
            stages,
            bounds,
        }
    }

    /// Number of ranges.
    pub fn parts(&self) -> usize {
        self.bounds.len() - 1
    }

    /// The pipeline over range `part` (an empty one past the last range).
    pub fn build(&self, part: usize) -> BoxOp {
        let start = self.bounds.get(part).copied().unwrap_or(0);
        let end = self.bounds.get(part + 1).copied().unwrap_or(start);
        let table = self.table.slice(start, end - start);
        let mut op: BoxOp = Box::new(ScanOp::new(
            table,
            self.columns.clone(),
            self.predicate.clone(),
        ));
        for stage in &self.stages {
            op = match stage {
                Stage::Filter(p) => Box::new(FilterOp::new(op, p.clone())),
                Stage::Project(sources) => Box::new(ProjectOp::new(op, sources.clone())),
                Stage::Probe(join) => join.operator(op),
            };
        }
        op
    }
}

/// A split pipeline read whole on [`PARTS`] threads at its first pull, its batches then
/// yielded in range order — the input of operators that hold all their input anyway (a join's
/// build side, a sort), so buffering it costs no extra memory in kind.
pub struct CollectOp {
    split: Option<ScanSplit>,
    batches: VecDeque<Batch>,
}

impl CollectOp {
    /// An operator yielding the rows of `split`, in order.
    pub fn new(split: ScanSplit) -> Self {
        CollectOp {
            split: Some(split),
            batches: VecDeque::new(),
        }
    }

    fn collect(split: &ScanSplit) -> Result<VecDeque<Batch>> {
        let parts = run_parts(split.parts(), |p| {
            let mut op = split.build(p);
            let mut out = Vec::new();
            while let Some(b) = next_live(&mut op) {
                out.push(b?);
            }
            Ok(out)
        })?;
        Ok(parts.into_iter().flatten().collect())
    }
}

impl Operator for CollectOp {
    fn next(&mut self) -> Option<Result<Batch>> {
        if let Some(split) = self.split.take() {
            match Self::collect(&split) {
                Ok(b) => self.batches = b,
                Err(e) => return Some(Err(e)),
            }
        }
        self.batches.pop_front().map(Ok)
    }
}

/// An input with no rows (stands in for a pipeline that worker threads read instead).
pub struct EmptyOp;

impl Operator for EmptyOp {
    fn next(&mut self) -> Option<Result<Batch>> {
        None
    }
}

/// Runs `work(0..parts)`, part 0 on this thread and the others on scoped threads; returns
/// the results in part order. A panicking worker is reported as an error. On a machine with
/// one core the parts run one after another on this thread: the same parts, so the same
/// results.
pub fn run_parts<T: Send>(
    parts: usize,
    work: impl Fn(usize) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
        return (0..parts).map(work).collect();
    }
    std::thread::scope(|s| {
        let work = &work;
        let handles: Vec<_> = (1..parts).map(|p| s.spawn(move || work(p))).collect();
        let mut out = vec![work(0)];
        for h in handles {
            out.push(h.join().unwrap_or_else(|_| {
                Err(crate::dataflow::expr::kernels::internal(
                    "a parallel worker panicked",
                ))
            }));
        }
        out.into_iter().collect()
    })
}

/// Computes `f(i)` for each column `i` of `0..weights.len()`, the columns shared among
/// [`PARTS`] threads so that each gets about the same total weight (e.g. bytes to copy);
/// returns the columns in index order.
pub fn per_column<T: Send>(
    weights: &[usize],
    f: impl Fn(usize) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    // Heaviest first, each to the lightest part so far.
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(weights[i]));
    let mut parts: Vec<(usize, Vec<usize>)> = vec![(0, Vec::new()); PARTS];
    for i in order {
        if let Some(p) = parts.iter_mut().min_by_key(|p| p.0) {
            p.0 += weights[i];
            p.1.push(i);
        }
    }
    let done = run_parts(PARTS, |p| {
        parts[p]
            .1
            .iter()
            .map(|&i| f(i).map(|c| (i, c)))
            .collect::<Result<Vec<_>>>()
    })?;
    let mut all: Vec<(usize, T)> = done.into_iter().flatten().collect();
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, c)| c).collect())
}

/// Sorts `v` by `cmp` on [`PARTS`] threads (each half sorted, then merged). `cmp` must be a
/// total order (ties broken by something unique, e.g. the row number): the result is then
/// exactly that of one sort.
pub fn sort_by<T: Send + Copy>(v: &mut Vec<T>, cmp: impl Fn(&T, &T) -> std::cmp::Ordering + Sync) {
    let mid = v.len() / 2;
    let (a, b) = v.split_at_mut(mid);
    std::thread::scope(|s| {
        let cmp = &cmp;
        s.spawn(move || b.sort_unstable_by(cmp));
        a.sort_unstable_by(cmp);
    });
    let mut out = Vec::with_capacity(v.len());
    let (a, b) = v.split_at(mid);
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        // Left wins ties, so a stable order stays stable.
        if cmp(&b[j], &a[i]).is_lt() {
            out.push(b[j]);
            j += 1;
        } else {
            out.push(a[i]);
            i += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    *v = out;
}

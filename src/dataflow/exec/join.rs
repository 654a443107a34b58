//! Joins. With equality keys: a hash join — the build side is read whole into columns and a
//! key table (`head`/`next` chains per key), then each probe batch looks its keys up. Without
//! keys: a nested-loop join (every build row is a candidate). Both evaluate the residual
//! predicate on candidate pairs, chunk by chunk, and track matched rows for outer, semi and
//! anti joins. Rows with a null key never match. Output: left columns then right columns.

use std::collections::VecDeque;

use super::batch::{BATCH_SIZE, Batch, BoxOp, Operator, next_dense};
use super::columns::{NULL_ROW, concat, take_opt};
use super::join_table::{JoinTable, NONE, ProbeScratch};
use crate::dataflow::column::Column;
use crate::dataflow::error::Result;
use crate::dataflow::expr::kernels::CompiledExpr;
use crate::dataflow::expr::parser::JoinKind;
use crate::dataflow::memory::{MemoryAccount, Reservation};
use crate::dataflow::types::DataType;

/// A compiled join.
pub struct JoinSpec {
    /// The kind.
    pub kind: JoinKind,
    /// True when the left input is the build side (only for inner and right joins).
    pub build_left: bool,
    /// Key expressions over the left input.
    pub left_keys: Vec<CompiledExpr>,
    /// Key expressions over the right input.
    pub right_keys: Vec<CompiledExpr>,
    /// The rest of the predicate, over left columns then right columns.
    pub residual: Option<CompiledExpr>,
    /// Left column types.
    pub left_types: Vec<DataType>,
    /// Right column types.
    pub right_types: Vec<DataType>,
}

struct Build {
    cols: Vec<Column>,
    n: usize,
    /// The key table (`None` for a nested-loop join).
    table: Option<JoinTable>,
    matched: Vec<bool>,
}

/// A hash or nested-loop join.
pub struct JoinOp {
    spec: JoinSpec,
    probe: BoxOp,
    build_input: Option<BoxOp>,
    build: Option<Build>,
    account: MemoryAccount,
    reservation: Reservation,
    queue: VecDeque<Batch>,
    probe_done: bool,
    scratch: ProbeScratch,
    /// First build row per live probe row (reused between batches).
    heads: Vec<u32>,
    /// (probe row, build row) matches of the current probe batch, for joins that also emit
    /// unmatched probe rows: they are assembled once, merged with those rows in probe order.
    emitted: (Vec<u32>, Vec<u32>),
}

impl JoinOp {
    /// A join of `left` and `right`.
    pub fn new(spec: JoinSpec, left: BoxOp, right: BoxOp, account: MemoryAccount) -> Self {
        let (build_input, probe) = if spec.build_left {
            (left, right)
        } else {
            (right, left)
        };
        let reservation = account.empty_reservation();
        JoinOp {
            spec,
            probe,
            build_input: Some(build_input),
            build: None,
            account,
            reservation,
            queue: VecDeque::new(),
            probe_done: false,
            scratch: ProbeScratch::default(),
            heads: Vec::new(),
            emitted: (Vec::new(), Vec::new()),
        }
    }

    fn hashed(&self) -> bool {
        !self.spec.left_keys.is_empty()
    }

    fn build_keys(&self) -> &[CompiledExpr] {
        if self.spec.build_left {
            &self.spec.left_keys
        } else {
            &self.spec.right_keys
        }
    }

    fn probe_keys(&self) -> &[CompiledExpr] {
        if self.spec.build_left {
            &self.spec.right_keys
        } else {
            &self.spec.left_keys
        }
    }

    fn build_types(&self) -> &[DataType] {
        if self.spec.build_left {
            &self.spec.left_types
        } else {
            &self.spec.right_types
        }
    }

    fn load_build(&mut self) -> Result<()> {
        let Some(mut input) = self.build_input.take() else {
            return Ok(());
        };
        let mut batches = Vec::new();
        while let Some(b) = next_dense(&mut input) {
            batches.push(b?);
        }
        let n: usize = batches.iter().map(|b| b.len).sum();
        let types = self.build_types().to_vec();
        let cols = (0..types.len())
            .map(|i| {
                let parts: Vec<&Column> = batches.iter().map(|b| &b.columns[i]).collect();
                concat(&parts, types[i], &self.account)
            })
            .collect::<Result<Vec<_>>>()?;
        drop(batches);
        let mut table = None;
        if self.hashed() {
            let keys = self
                .build_keys()
                .iter()
                .map(|k| k.eval(&cols, n))
                .collect::<Result<Vec<_>>>()?;
            let t = JoinTable::build(&keys, n)?;
            self.reservation.grow(t.heap_bytes() + n, "join")?;
            table = Some(t);
        }
        self.build = Some(Build {
            cols,
            n,
            table,
            matched: vec![false; n],
        });
        Ok(())
    }

    /// Output batch from (probe row, build row) pairs, either may be [`NULL_ROW`].
    fn assemble(&self, probe: &Batch, pidx: &[u32], bidx: &[u32]) -> Result<Batch> {
        let build = self.build.as_ref().expect("build side loaded");
        let (lsrc, lidx, rsrc, ridx) = if self.spec.build_left {
            (&build.cols, bidx, &probe.columns, pidx)
        } else {
            (&probe.columns, pidx, &build.cols, bidx)
        };
        let mut cols = Vec::with_capacity(lsrc.len() + rsrc.len());
        for c in lsrc {
            cols.push(take_opt(c, lidx)?);
        }
        for c in rsrc {
            cols.push(take_opt(c, ridx)?);
        }
        Ok(Batch::new(cols, pidx.len()))
    }

    /// Checks a chunk of candidate pairs; emits matches (inner/outer) and records matched rows.
    fn flush(
        &mut self,
        probe: &Batch,
        pidx: &mut Vec<u32>,
        bidx: &mut Vec<u32>,
        pmatched: &mut [bool],
    ) -> Result<()> {
        if pidx.is_empty() {
            return Ok(());
        }
        let mut batch = None;
        if let Some(res) = &self.spec.residual {
            let b = self.assemble(probe, pidx, bidx)?;
            let keep = res.eval_predicate(&b.columns, b.len)?;
            let mut k = 0;
            for i in 0..pidx.len() {
                if keep[i] {
                    pidx[k] = pidx[i];
                    bidx[k] = bidx[i];
                    k += 1;
                }
            }
            if k == pidx.len() {
                batch = Some(b);
            }
            pidx.truncate(k);
            bidx.truncate(k);
        }
        let build = self.build.as_mut().expect("build side loaded");
        for (&p, &b) in pidx.iter().zip(bidx.iter()) {
            pmatched[p as usize] = true;
            build.matched[b as usize] = true;
        }
        if !pidx.is_empty() && !matches!(self.spec.kind, JoinKind::Semi | JoinKind::Anti) {
            if self.keeps_unmatched_probe() {
                // Assembled once, in probe order with the unmatched rows, at the end of `process`.
                self.emitted.0.extend_from_slice(pidx);
                self.emitted.1.extend_from_slice(bidx);
            } else {
                let out = match batch {
                    Some(b) => b,
                    None => self.assemble(probe, pidx, bidx)?,
                };
                self.queue.push_back(out);
            }
        }
        pidx.clear();
        bidx.clear();
        Ok(())
    }

    /// True for the joins that also output probe rows without a match (with nulls).
    fn keeps_unmatched_probe(&self) -> bool {
        match self.spec.kind {
            JoinKind::Left | JoinKind::Full => !self.spec.build_left,
            JoinKind::Right => self.spec.build_left,
            _ => false,
        }
    }

    /// Joins one probe batch. A batch with a selection is probed over its live rows only and
    /// never compacted: output rows are gathered straight from the physical rows, and semi/anti
    /// joins pass the columns through under a narrowed selection.
    fn process(&mut self, probe: Batch) -> Result<()> {
        let n = probe.len;
        // `step` only pulls a probe batch once the queue is drained.
        debug_assert!(self.queue.is_empty());
        self.emitted.0.clear();
        self.emitted.1.clear();
        let semi_like = matches!(self.spec.kind, JoinKind::Semi | JoinKind::Anti);
        let live: Vec<u32> = match &probe.selection {
            Some(s) => s.clone(),
            None => (0..n as u32).collect(),
        };
        let mut pmatched = vec![false; n];
        let mut pidx = Vec::with_capacity(BATCH_SIZE);
        let mut bidx = Vec::with_capacity(BATCH_SIZE);
        let bn = self.build.as_ref().map_or(0, |b| b.n);
        if self.hashed() {
            let keys = self
                .probe_keys()
                .iter()
                .map(|k| k.eval(&probe.columns, n))
                .collect::<Result<Vec<_>>>()?;
            let mut heads = std::mem::take(&mut self.heads);
            let build = self.build.as_ref().expect("build side loaded");
            let table = build.table.as_ref().expect("hash join has a key table");
            table.probe(
                &keys,
                n,
                probe.selection.as_deref(),
                &mut self.scratch,
                &mut heads,
            )?;
            if semi_like && self.spec.residual.is_none() {
                for (&p, &h) in live.iter().zip(&heads) {
                    pmatched[p as usize] = h != NONE;
                }
            } else {
                for (&p, &h) in live.iter().zip(&heads) {
                    let mut r = h;
                    while r != NONE {
                        pidx.push(p);
                        bidx.push(r);
                        r = self
                            .build
                            .as_ref()
                            .and_then(|b| b.table.as_ref())
                            .map_or(NONE, |t| t.next(r));
                        if pidx.len() >= BATCH_SIZE {
                            self.flush(&probe, &mut pidx, &mut bidx, &mut pmatched)?;
                        }
                    }
                }
            }
            self.heads = heads;
        } else {
            for &p in &live {
                for r in 0..bn {
                    pidx.push(p);
                    bidx.push(r as u32);
                    if pidx.len() >= BATCH_SIZE {
                        self.flush(&probe, &mut pidx, &mut bidx, &mut pmatched)?;
                    }
                }
            }
        }
        self.flush(&probe, &mut pidx, &mut bidx, &mut pmatched)?;
        let keep_probe: Vec<u32> = match self.spec.kind {
            JoinKind::Semi => live
                .iter()
                .copied()
                .filter(|&i| pmatched[i as usize])
                .collect(),
            JoinKind::Anti | JoinKind::Left | JoinKind::Full => live
                .iter()
                .copied()
                .filter(|&i| !pmatched[i as usize])
                .collect(),
            JoinKind::Right if self.spec.build_left => live
                .iter()
                .copied()
                .filter(|&i| !pmatched[i as usize])
                .collect(),
            _ => Vec::new(),
        };
        if semi_like {
            if !keep_probe.is_empty() {
                let selection = (keep_probe.len() < n).then_some(keep_probe);
                self.queue.push_back(Batch {
                    columns: probe.columns,
                    len: n,
                    selection,
                });
            }
        } else if self.keeps_unmatched_probe() {
            // Output in probe order (a left join lists the left rows in order, §8): merge the
            // matched pairs and the unmatched rows by probe row.
            let (mp, mb) = std::mem::take(&mut self.emitted);
            let total = mp.len() + keep_probe.len();
            let (mut pidx, mut bidx) = (Vec::with_capacity(total), Vec::with_capacity(total));
            let (mut m, mut u) = (0, 0);
            while m < mp.len() || u < keep_probe.len() {
                if u == keep_probe.len() || (m < mp.len() && mp[m] < keep_probe[u]) {
                    pidx.push(mp[m]);
                    bidx.push(mb[m]);
                    m += 1;
                } else {
                    pidx.push(keep_probe[u]);
                    bidx.push(NULL_ROW);
                    u += 1;
                }
            }
            for (p, b) in pidx.chunks(BATCH_SIZE).zip(bidx.chunks(BATCH_SIZE)) {
                let out = self.assemble(&probe, p, b)?;
                self.queue.push_back(out);
            }
            self.emitted = (mp, mb);
        }
        Ok(())
    }

    /// For full joins: build rows that never matched, with nulls on the probe side.
    fn finish_build(&mut self) -> Result<()> {
        if self.spec.kind != JoinKind::Full {
            return Ok(());
        }
        let build = self.build.as_ref().expect("build side loaded");
        let rows: Vec<u32> = (0..build.n as u32)
            .filter(|&r| !build.matched[r as usize])
            .collect();
        let probe_types = if self.spec.build_left {
            &self.spec.right_types
        } else {
            &self.spec.left_types
        };
        let empty = Batch::new(probe_types.iter().map(|t| Column::empty(*t)).collect(), 0);
        for chunk in rows.chunks(BATCH_SIZE) {
            let nulls = vec![NULL_ROW; chunk.len()];
            let b = self.assemble(&empty, &nulls, chunk)?;
            self.queue.push_back(b);
        }
        Ok(())
    }

    fn step(&mut self) -> Result<Option<Batch>> {
        if self.build.is_none() {
            self.load_build()?;
        }
        loop {
            if let Some(b) = self.queue.pop_front() {
                return Ok(Some(b));
            }
            if self.probe_done {
                return Ok(None);
            }
            match next_live(&mut self.probe) {
                Some(b) => self.process(b?)?,
                None => {
                    self.probe_done = true;
                    self.finish_build()?;
                }
            }
        }
    }
}

/// Pulls the next batch with live rows from `op`, keeping its selection.
fn next_live(op: &mut BoxOp) -> Option<Result<Batch>> {
    loop {
        match op.next()? {
            Ok(b) if b.num_rows() == 0 => continue,
            r => return Some(r),
        }
    }
}

impl Operator for JoinOp {
    fn next(&mut self) -> Option<Result<Batch>> {
        self.step().transpose()
    }
}

//! Joins. With equality keys: a hash join — the build side is read whole into columns and a
//! key table ([`super::join_table`]: first row per key, further rows chained), then each probe
//! batch looks up the keys of its live rows (selections are kept, not compacted). Without
//! keys: a nested-loop join (every build row is a candidate). Both evaluate the residual
//! predicate on candidate pairs, chunk by chunk, and track matched rows for outer, semi and
//! anti joins. Rows with a null key never match. Output: left columns then right columns, in
//! probe order — also when an optional helper thread joins some of the batches.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Sender};

use super::batch::{BATCH_SIZE, Batch, BoxOp, Operator, next_dense, next_live};
use super::columns::{NULL_ROW, concat, take_opt};
use super::join_table::{JoinTable, NONE, ProbeScratch};
use crate::dataflow::column::Column;
use crate::dataflow::error::Result;
use crate::dataflow::expr::kernels::{CompiledExpr, internal};
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

/// The build side of a join: its rows as columns and, for a hash join, its key table.
pub(super) struct Build {
    cols: Vec<Column>,
    n: usize,
    /// The key table (`None` for a nested-loop join).
    table: Option<JoinTable>,
}

impl Build {
    /// Reads `input` (the build side of `spec`) whole and builds its key table, charging the
    /// table to `reservation`.
    pub(super) fn load(
        spec: &JoinSpec,
        input: &mut BoxOp,
        account: &MemoryAccount,
        reservation: &mut Reservation,
    ) -> Result<Build> {
        let (keys, types) = if spec.build_left {
            (&spec.left_keys, &spec.left_types)
        } else {
            (&spec.right_keys, &spec.right_types)
        };
        let mut batches = Vec::new();
        while let Some(b) = next_dense(input) {
            batches.push(b?);
        }
        let n: usize = batches.iter().map(|b| b.len).sum();
        let cols = (0..types.len())
            .map(|i| {
                let parts: Vec<&Column> = batches.iter().map(|b| &b.columns[i]).collect();
                concat(&parts, types[i], account)
            })
            .collect::<Result<Vec<_>>>()?;
        drop(batches);
        let mut table = None;
        if !keys.is_empty() {
            let keys = keys
                .iter()
                .map(|k| k.eval(&cols, n))
                .collect::<Result<Vec<_>>>()?;
            let t = JoinTable::build(&keys, n)?;
            reservation.grow(t.heap_bytes() + n, "join")?;
            table = Some(t);
        }
        Ok(Build { cols, n, table })
    }
}

/// Probe batches pulled per round; a round is split between the threads.
const ROUND_BATCHES: usize = 32;

/// Fewest live probe rows in a round for it to be split between threads (below this, starting
/// a thread costs more than it saves).
const PARALLEL_MIN_ROWS: usize = 8 * BATCH_SIZE;

/// Per-thread buffers reused between probe batches.
#[derive(Default)]
pub(super) struct Scratch {
    keys: ProbeScratch,
    /// First build row per live probe row.
    heads: Vec<u32>,
    /// The live probe rows of the batch.
    live: Vec<u32>,
    /// Per physical probe row: whether it matched (only for the kinds that need it).
    matched: Vec<bool>,
    /// Candidate (probe row, build row) pairs awaiting [`Prober::flush`].
    pidx: Vec<u32>,
    bidx: Vec<u32>,
}

/// What joining one probe batch produced.
#[derive(Default)]
pub(super) struct Probed {
    /// Output batches, in order.
    pub(super) out: Vec<Batch>,
    /// Build rows that found a match (only collected for full joins).
    matched_build: Vec<u32>,
    /// (probe row, build row) matches, for joins that also emit unmatched probe rows: they are
    /// assembled once, merged with those rows in probe order.
    emitted: (Vec<u32>, Vec<u32>),
}

/// Everything needed to join one probe batch, read-only, so batches can be joined on several
/// threads at once.
pub(super) struct Prober<'a> {
    pub(super) spec: &'a JoinSpec,
    pub(super) build: &'a Build,
}

impl Prober<'_> {
    /// Output batch from (probe row, build row) pairs, either may be [`NULL_ROW`].
    fn assemble(&self, probe: &Batch, pidx: &[u32], bidx: &[u32]) -> Result<Batch> {
        let (lsrc, lidx, rsrc, ridx) = if self.spec.build_left {
            (&self.build.cols, bidx, &probe.columns, pidx)
        } else {
            (&probe.columns, pidx, &self.build.cols, bidx)
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

    /// True for the joins whose output depends on which probe rows matched.
    fn tracks_probe_matches(&self) -> bool {
        match self.spec.kind {
            JoinKind::Semi | JoinKind::Anti | JoinKind::Left | JoinKind::Full => true,
            JoinKind::Right => self.spec.build_left,
            JoinKind::Inner => false,
        }
    }

    /// True for the joins that also output probe rows without a match (with nulls).
    fn keeps_unmatched_probe(&self) -> bool {
        match self.spec.kind {
            JoinKind::Left | JoinKind::Full => !self.spec.build_left,
            JoinKind::Right => self.spec.build_left,
            _ => false,
        }
    }

    fn probe_keys(&self) -> &[CompiledExpr] {
        if self.spec.build_left {
            &self.spec.right_keys
        } else {
            &self.spec.left_keys
        }
    }

    /// Checks a chunk of candidate pairs; emits matches (inner/outer) and records matched rows.
    fn flush(
        &self,
        probe: &Batch,
        pidx: &mut Vec<u32>,
        bidx: &mut Vec<u32>,
        // Empty when the join kind does not look at which probe rows matched.
        pmatched: &mut [bool],
        res: &mut Probed,
    ) -> Result<()> {
        if pidx.is_empty() {
            return Ok(());
        }
        let mut batch = None;
        if let Some(pred) = &self.spec.residual {
            let b = self.assemble(probe, pidx, bidx)?;
            let keep = pred.eval_predicate(&b.columns, b.len)?;
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
        if !pmatched.is_empty() {
            for &p in pidx.iter() {
                pmatched[p as usize] = true;
            }
        }
        if self.spec.kind == JoinKind::Full {
            res.matched_build.extend_from_slice(bidx);
        }
        if !pidx.is_empty() && !matches!(self.spec.kind, JoinKind::Semi | JoinKind::Anti) {
            if self.keeps_unmatched_probe() {
                // Assembled once, in probe order with the unmatched rows, at the end of `process`.
                res.emitted.0.extend_from_slice(pidx);
                res.emitted.1.extend_from_slice(bidx);
            } else {
                let out = match batch {
                    Some(b) => b,
                    None => self.assemble(probe, pidx, bidx)?,
                };
                res.out.push(out);
            }
        }
        pidx.clear();
        bidx.clear();
        Ok(())
    }

    /// Joins one probe batch. A batch with a selection is probed over its live rows only and
    /// never compacted: output rows are gathered straight from the physical rows, and semi/anti
    /// joins pass the columns through under a narrowed selection.
    pub(super) fn process(&self, probe: &Batch, scratch: &mut Scratch) -> Result<Probed> {
        let n = probe.len;
        let mut res = Probed::default();
        let semi_like = matches!(self.spec.kind, JoinKind::Semi | JoinKind::Anti);
        let Scratch {
            keys: key_scratch,
            heads,
            live,
            matched: pmatched,
            pidx,
            bidx,
        } = scratch;
        live.clear();
        match &probe.selection {
            Some(s) => live.extend_from_slice(s),
            None => live.extend(0..n as u32),
        }
        // Which probe rows matched matters to every kind but inner joins (and right joins
        // probing with their right side).
        pmatched.clear();
        if self.tracks_probe_matches() {
            pmatched.resize(n, false);
        }
        pidx.clear();
        bidx.clear();
        if let Some(table) = &self.build.table {
            let keys = self
                .probe_keys()
                .iter()
                .map(|k| k.eval(&probe.columns, n))
                .collect::<Result<Vec<_>>>()?;
            table.probe(&keys, n, probe.selection.as_deref(), key_scratch, heads)?;
            if semi_like && self.spec.residual.is_none() {
                for (&p, &h) in live.iter().zip(heads.iter()) {
                    pmatched[p as usize] = h != NONE;
                }
            } else {
                for (&p, &h) in live.iter().zip(heads.iter()) {
                    let mut r = h;
                    while r != NONE {
                        pidx.push(p);
                        bidx.push(r);
                        r = table.next(r);
                        if pidx.len() >= BATCH_SIZE {
                            self.flush(probe, pidx, bidx, pmatched, &mut res)?;
                        }
                    }
                }
            }
        } else {
            for &p in live.iter() {
                for r in 0..self.build.n {
                    pidx.push(p);
                    bidx.push(r as u32);
                    if pidx.len() >= BATCH_SIZE {
                        self.flush(probe, pidx, bidx, pmatched, &mut res)?;
                    }
                }
            }
        }
        self.flush(probe, pidx, bidx, pmatched, &mut res)?;
        let rows_where = |matched: bool| -> Vec<u32> {
            live.iter()
                .copied()
                .filter(|&i| pmatched[i as usize] == matched)
                .collect()
        };
        let keep_probe: Vec<u32> = match self.spec.kind {
            JoinKind::Semi => rows_where(true),
            JoinKind::Anti | JoinKind::Left | JoinKind::Full => rows_where(false),
            JoinKind::Right if self.spec.build_left => rows_where(false),
            _ => Vec::new(),
        };
        if semi_like {
            if !keep_probe.is_empty() {
                let selection = (keep_probe.len() < n).then_some(keep_probe);
                res.out.push(Batch {
                    columns: probe.columns.clone(),
                    len: n,
                    selection,
                });
            }
        } else if self.keeps_unmatched_probe() {
            // Output in probe order (a left join lists the left rows in order, §8): merge the
            // matched pairs and the unmatched rows by probe row.
            let (mp, mb) = std::mem::take(&mut res.emitted);
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
                let out = self.assemble(probe, p, b)?;
                res.out.push(out);
            }
        }
        Ok(res)
    }
}

/// A hash or nested-loop join.
pub struct JoinOp {
    spec: Arc<JoinSpec>,
    probe: BoxOp,
    build_input: Option<BoxOp>,
    build: Option<Arc<Build>>,
    /// Build rows that matched (full joins emit the others at the end).
    build_matched: Vec<bool>,
    account: MemoryAccount,
    reservation: Reservation,
    queue: VecDeque<Batch>,
    probe_done: bool,
    /// The main thread's buffers.
    scratch: Scratch,
    /// Threads to probe on (1 or 2).
    threads: usize,
    /// Sends rounds to the helper thread (started on the first round worth splitting).
    worker: Option<Sender<Arc<Round>>>,
}

/// A round of probe batches shared with the helper thread: each thread claims the next
/// unclaimed batch until none is left, so the main thread never waits for a helper that has
/// not started (a busy machine), only for a batch the helper is already joining.
struct Round {
    batches: Vec<Batch>,
    next: AtomicUsize,
    results: Sender<(usize, Result<Probed>)>,
}

impl Round {
    /// Claims and joins batches until none is left; returns how many this thread joined.
    fn work(
        &self,
        prober: &Prober<'_>,
        scratch: &mut Scratch,
        mut done: impl FnMut(usize, Result<Probed>),
    ) -> usize {
        let mut count = 0;
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(b) = self.batches.get(i) else {
                return count;
            };
            // A panic must not lose a claimed batch (the main thread waits for each one).
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                prober.process(b, scratch)
            }))
            .unwrap_or_else(|_| Err(internal("join probe panicked")));
            done(i, r);
            count += 1;
        }
    }
}

/// Starts the helper thread: it joins batches of each round it receives until the sender is
/// dropped (the join operator is dropped).
fn start_worker(spec: Arc<JoinSpec>, build: Arc<Build>) -> Sender<Arc<Round>> {
    let (tx, rx) = mpsc::channel::<Arc<Round>>();
    std::thread::spawn(move || {
        let prober = Prober {
            spec: &spec,
            build: &build,
        };
        let mut scratch = Scratch::default();
        for round in rx {
            round.work(&prober, &mut scratch, |i, r| {
                // The receiver only goes away with the operator; nothing to report to then.
                let _ = round.results.send((i, r));
            });
        }
    });
    tx
}

impl JoinOp {
    /// A join of `left` and `right`; probe batches are joined on up to [`join_threads`]
    /// threads (the output order does not depend on the thread count).
    pub fn new(spec: JoinSpec, left: BoxOp, right: BoxOp, account: MemoryAccount) -> Self {
        Self::with_threads(spec, left, right, account, join_threads())
    }

    /// A join that uses at most `threads` threads (at least one).
    pub fn with_threads(
        spec: JoinSpec,
        left: BoxOp,
        right: BoxOp,
        account: MemoryAccount,
        threads: usize,
    ) -> Self {
        let (build_input, probe) = if spec.build_left {
            (left, right)
        } else {
            (right, left)
        };
        let reservation = account.empty_reservation();
        JoinOp {
            spec: Arc::new(spec),
            probe,
            build_input: Some(build_input),
            build: None,
            build_matched: Vec::new(),
            account,
            reservation,
            queue: VecDeque::new(),
            probe_done: false,
            scratch: Scratch::default(),
            threads: threads.clamp(1, 2),
            worker: None,
        }
    }

    fn load_build(&mut self) -> Result<()> {
        let Some(mut input) = self.build_input.take() else {
            return Ok(());
        };
        let build = Build::load(&self.spec, &mut input, &self.account, &mut self.reservation)?;
        if self.spec.kind == JoinKind::Full {
            self.build_matched = vec![false; build.n];
        }
        self.build = Some(Arc::new(build));
        Ok(())
    }

    /// Joins a round of probe batches — shared with the helper thread when there are two
    /// threads and enough rows — and queues the output in probe order.
    fn process_round(&mut self, round: Vec<Batch>) -> Result<()> {
        let build = Arc::clone(self.build.as_ref().expect("build side loaded"));
        let prober = Prober {
            spec: &self.spec,
            build: &build,
        };
        let rows: usize = round.iter().map(Batch::num_rows).sum();
        let results: Vec<Result<Probed>> =
            if self.threads > 1 && round.len() > 1 && rows >= PARALLEL_MIN_ROWS {
                let worker = self.worker.get_or_insert_with(|| {
                    start_worker(Arc::clone(&self.spec), Arc::clone(&build))
                });
                let (tx, rx) = mpsc::channel();
                let n = round.len();
                let shared = Arc::new(Round {
                    batches: round,
                    next: AtomicUsize::new(0),
                    results: tx,
                });
                // A helper that has exited cannot claim batches: the main thread joins them all.
                let _ = worker.send(Arc::clone(&shared));
                let mut slots: Vec<Option<Result<Probed>>> = (0..n).map(|_| None).collect();
                let mine = shared.work(&prober, &mut self.scratch, |i, r| slots[i] = Some(r));
                for _ in mine..n {
                    let (i, r) = rx
                        .recv()
                        .map_err(|_| internal("join helper thread stopped"))?;
                    slots[i] = Some(r);
                }
                slots
                    .into_iter()
                    .map(|s| s.unwrap_or_else(|| Err(internal("join batch lost"))))
                    .collect()
            } else {
                round
                    .iter()
                    .map(|b| prober.process(b, &mut self.scratch))
                    .collect()
            };
        for r in results {
            let r = r?;
            for &b in &r.matched_build {
                self.build_matched[b as usize] = true;
            }
            self.queue.extend(r.out);
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
            .filter(|&r| !self.build_matched[r as usize])
            .collect();
        let probe_types = if self.spec.build_left {
            &self.spec.right_types
        } else {
            &self.spec.left_types
        };
        let empty = Batch::new(probe_types.iter().map(|t| Column::empty(*t)).collect(), 0);
        let prober = Prober {
            spec: &self.spec,
            build,
        };
        for chunk in rows.chunks(BATCH_SIZE) {
            let nulls = vec![NULL_ROW; chunk.len()];
            let b = prober.assemble(&empty, &nulls, chunk)?;
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
            // With one thread, one batch at a time (no extra buffering).
            let want = if self.threads > 1 { ROUND_BATCHES } else { 1 };
            let mut round = Vec::with_capacity(want);
            while round.len() < want {
                match next_live(&mut self.probe) {
                    Some(b) => round.push(b?),
                    None => {
                        self.probe_done = true;
                        break;
                    }
                }
            }
            self.process_round(round)?;
            if self.probe_done {
                self.finish_build()?;
            }
        }
    }
}

/// Threads a hash join probes on: `THETA_JOIN_THREADS` (1 or 2) when set, else one. Two
/// threads wait for each other at the end of every round, which costs far more than it saves
/// when the cores are busy with other work (measured: Q5 at SF 1 1.5–2× slower on a loaded
/// 2-core machine), so they are opt-in.
pub fn join_threads() -> usize {
    std::env::var("THETA_JOIN_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .map_or(1, |n| n.clamp(1, 2))
}

impl Operator for JoinOp {
    fn next(&mut self) -> Option<Result<Batch>> {
        self.step().transpose()
    }
}

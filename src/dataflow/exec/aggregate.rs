//! `Aggregate`: hash aggregation. Reads its whole input, assigning each row a group id (see
//! `grouper.rs`) and folding argument values into per-group states (`agg_state.rs`), then emits
//! the key columns and one column per aggregate in batches. A keyless aggregate emits one row
//! even for empty input. Group tables and states are charged to the memory budget.
//!
//! Spilling (hybrid hash aggregation): when the groups would exceed the budget, the groups
//! already in memory stay there and keep absorbing rows with their keys, while rows with new
//! keys are written to one of [`PARTITIONS`] spill files chosen by key hash. After the input ends
//! the in-memory groups are emitted, then each partition is aggregated in turn the same way
//! (spilling again, on other hash bits, if it is still too big). Every round keeps at least the
//! groups of one batch in memory, so it always progresses; only a group whose own state does not
//! fit (e.g. a huge `count(distinct)`), or more than [`MAX_DEPTH`] rounds, is a memory-limit
//! error naming `aggregate`. Spilled output comes after the in-memory groups, so group order
//! is first-seen order only when nothing spilled (§8 leaves it unspecified).

use std::collections::VecDeque;
use std::sync::OnceLock;

use super::agg_radix::{self, Scattered, Switch};
use super::agg_state::AggState;
use super::batch::{BATCH_SIZE, Batch, BoxOp, Operator, next_live};
use super::columns::take;
use super::grouper::Grouper;
use super::keys::{EncodedKeys, encode};
use super::parallel::{EmptyOp, ScanSplit, run_parts};
use super::spill::SpillFile;
use crate::dataflow::column::Column;
use crate::dataflow::error::{DataflowError, Result};
use crate::dataflow::expr::functions::AggFunc;
use crate::dataflow::expr::kernels::eval::share_common_subexprs;
use crate::dataflow::expr::kernels::{CompiledExpr, internal};
use crate::dataflow::memory::{MemoryAccount, Reservation};
use crate::dataflow::types::DataType;

/// One compiled aggregate.
#[derive(Clone, Debug)]
pub struct AggSpec {
    /// The function.
    pub func: AggFunc,
    /// The argument (none for `count(*)`).
    pub arg: Option<CompiledExpr>,
    /// The result type.
    pub out: DataType,
    /// The output name (for error messages).
    pub name: String,
}

/// Spill partitions per round (4 bits of the key hash).
pub const PARTITIONS: usize = 16;
/// Spill rounds before giving up (16 rounds use all 64 hash bits).
pub const MAX_DEPTH: u32 = 16;

/// Hash aggregation.
pub struct AggregateOp {
    input: BoxOp,
    keys: Vec<CompiledExpr>,
    aggs: Vec<AggSpec>,
    /// Input columns read by the arguments (and by the keys unless `plain_keys`): only these
    /// are gathered from a filtered batch; all are below `base`.
    used: Vec<usize>,
    /// Every key is an input column: keys are grouped in place over the batch's selection.
    plain_keys: bool,
    /// Sub-expressions shared by keys and arguments, evaluated once per batch into columns
    /// `base..` (see [`share_common_subexprs`]).
    shared: Vec<CompiledExpr>,
    base: usize,
    key_types: Vec<DataType>,
    grouper: Grouper,
    states: Vec<AggState>,
    account: MemoryAccount,
    reservation: Reservation,
    output: Option<(Vec<Column>, usize, usize)>,
    /// This round's spill partitions, once the groups outgrew the budget.
    partitions: Option<Vec<Option<SpillFile>>>,
    /// Spilled partitions still to aggregate, with the round that wrote them.
    pending: VecDeque<(SpillFile, u32)>,
    depth: u32,
    spilled: usize,
    /// Set when the input is a splittable scan pipeline: worker threads aggregate its ranges
    /// (with the keys and aggregates as given, before sharing sub-expressions) and the partial
    /// groups are merged in range order.
    parallel: Option<(ScanSplit, Vec<CompiledExpr>, Vec<AggSpec>)>,
    /// When the parallel threads partition their rows instead of building tables.
    switch: Switch,
    /// Set once a parallel run partitioned its rows (for tests).
    partitioned: bool,
}

/// One thread's work over its range of the input.
enum Partial {
    /// Its groups and states (few groups: the tables are merged).
    Groups {
        grouper: Grouper,
        states: Vec<AggState>,
    },
    /// Its rows scattered by key hash (many groups: see `agg_radix.rs`).
    Rows(Scattered),
    /// Its batches, for the first range's table to absorb (few groups, states that cannot be
    /// merged).
    Batches(Vec<Batch>),
}

/// What a thread of a parallel aggregate does with its batches.
enum Mode {
    /// Folds them into a table and holds them until the first range decides.
    Undecided,
    /// Folds them into its table.
    Table,
    /// Scatters them by key hash.
    Scatter(Scattered),
    /// Holds them for the first range's table.
    HandOver,
}

/// Makes the first range's thread publish a decision even when it fails or panics, so that
/// threads waiting for it are released.
struct DecideOnExit<'a>(Option<&'a OnceLock<bool>>);

impl Drop for DecideOnExit<'_> {
    fn drop(&mut self) {
        if let Some(d) = self.0 {
            let _ = d.set(false);
        }
    }
}

impl AggregateOp {
    /// Aggregates `input` by `keys`.
    pub fn new(
        input: BoxOp,
        mut keys: Vec<CompiledExpr>,
        mut aggs: Vec<AggSpec>,
        account: &MemoryAccount,
    ) -> Self {
        let key_types: Vec<DataType> = keys.iter().map(|k| k.ty).collect();
        let states = Self::new_states(&aggs);
        let mut used = Vec::new();
        for e in keys
            .iter()
            .chain(aggs.iter().filter_map(|a| a.arg.as_ref()))
        {
            e.column_refs(&mut used);
        }
        used.sort_unstable();
        let base = used.last().map_or(0, |&i| i + 1);
        let mut exprs: Vec<&mut CompiledExpr> = keys
            .iter_mut()
            .chain(aggs.iter_mut().filter_map(|a| a.arg.as_mut()))
            .collect();
        let shared = share_common_subexprs(&mut exprs, base);
        let plain_keys = keys
            .iter()
            .all(|k| k.column_index().is_some_and(|i| i < base));
        let mut used = Vec::new();
        let args = aggs.iter().filter_map(|a| a.arg.as_ref());
        for e in args
            .chain(&shared)
            .chain(keys.iter().filter(|_| !plain_keys))
        {
            e.column_refs(&mut used);
        }
        used.retain(|&i| i < base);
        AggregateOp {
            input,
            keys,
            aggs,
            used,
            plain_keys,
            shared,
            base,
            grouper: Grouper::new(&key_types),
            key_types,
            states,
            account: account.clone(),
            reservation: account.empty_reservation(),
            output: None,
            partitions: None,
            pending: VecDeque::new(),
            depth: 0,
            spilled: 0,
            parallel: None,
            switch: Switch::default(),
            partitioned: false,
        }
    }

    /// Aggregates the rows of `split` by `keys`, each range on its own thread (see
    /// `parallel.rs`). The budget must be unlimited (a partial aggregate never spills).
    pub fn parallel(
        split: ScanSplit,
        keys: Vec<CompiledExpr>,
        aggs: Vec<AggSpec>,
        account: &MemoryAccount,
    ) -> Self {
        let mut op = Self::new(Box::new(EmptyOp), keys.clone(), aggs.clone(), account);
        op.parallel = Some((split, keys, aggs));
        op
    }

    /// Sets when the parallel threads partition their rows ([`Switch::default`] unless set).
    pub fn with_switch(mut self, switch: Switch) -> Self {
        self.switch = switch;
        self
    }

    /// Whether a parallel run partitioned its rows by key hash (for tests).
    pub fn partitioned(&self) -> bool {
        self.partitioned
    }

    /// Whether [`Self::parallel`] can compute `aggs`.
    pub fn can_merge(aggs: &[AggSpec]) -> bool {
        aggs.iter().all(|a| AggState::mergeable(a.func))
    }

    /// Aggregates each range of `split` on its own thread. With few groups each thread builds
    /// its own group table and the tables are merged into this operator's (empty) one in range
    /// order; with many, the threads scatter their rows by key hash and then aggregate whole
    /// partitions (`agg_radix.rs`), whose output columns are returned.
    ///
    /// The choice is made by the first range alone, so it is the same on every run: it switches
    /// to partitioning once its table holds `switch.groups` hashed groups and `count(distinct)`
    /// values (by default [`agg_radix::SWITCH_GROUPS`], with at least
    /// [`agg_radix::MIN_GROUPS`] groups), and keeps tables once it read `switch.rows` rows
    /// without that ([`agg_radix::DECIDE_ROWS`]) or its input ended. Until then every thread aggregates
    /// into a table and also holds the batches read, scattered if it switches; a thread that
    /// read `switch.rows` rows before the decision waits for it.
    fn consume_parallel(
        &mut self,
        split: &ScanSplit,
        keys: &[CompiledExpr],
        aggs: &[AggSpec],
    ) -> Result<Option<(Vec<Column>, usize)>> {
        let (account, switch) = (&self.account, self.switch);
        let decision = OnceLock::new();
        let partials = run_parts(split.parts(), |p| {
            let _exit = DecideOnExit((p == 0).then_some(&decision));
            let op = AggregateOp::new(split.build(p), keys.to_vec(), aggs.to_vec(), account);
            op.with_switch(switch).absorb_part(p, &decision)
        })?;
        if decision.get() == Some(&true) {
            let rows = partials
                .into_iter()
                .map(|p| match p {
                    Partial::Rows(r) => Ok(r),
                    _ => Err(internal("a parallel aggregate did not switch")),
                })
                .collect::<Result<Vec<_>>>()?;
            self.partitioned = true;
            // Charged once both threads are done, when every scattered row is alive, and held
            // through the merge (parallel plans run unlimited: this is for the reported peak).
            let mut scattered = self.account.empty_reservation();
            scattered.force_grow(rows.iter().map(Scattered::bytes).sum());
            return agg_radix::merge(&rows, &self.key_types, &self.aggs).map(Some);
        }
        let mut partials = partials.into_iter();
        if let Some(Partial::Groups { grouper, states }) = partials.next() {
            (self.grouper, self.states) = (grouper, states);
        }
        let (mut map, mut scratch) = (Vec::new(), EncodedKeys::default());
        for p in partials {
            let (grouper, states) = match p {
                Partial::Groups { grouper, states } => (grouper, states),
                Partial::Batches(batches) => {
                    for b in batches {
                        self.absorb_batch(b, &mut map, &mut scratch)?;
                    }
                    continue;
                }
                Partial::Rows(_) => return Err(internal("a parallel aggregate switched alone")),
            };
            let n = grouper.len();
            let key_cols = grouper.key_columns()?;
            map.clear();
            self.grouper.assign(&key_cols, n, &mut map)?;
            let ng = self.grouper.len();
            for (state, mut other) in self.states.iter_mut().zip(states) {
                state.resize(ng);
                other.resize(n);
                state.merge(other, &map)?;
            }
        }
        if !self.charge() {
            return Err(self.limit_error());
        }
        Ok(None)
    }

    /// Reads range `part`'s input (this operator's, which has the budget unlimited) as one of
    /// the threads of [`Self::consume_parallel`]; range 0 publishes `decision` (true: scatter).
    /// When the states cannot be merged and the decision is to keep tables, the later ranges
    /// hand their batches over instead, for range 0's table to absorb after its own.
    fn absorb_part(mut self, part: usize, decision: &OnceLock<bool>) -> Result<Partial> {
        let mut input = std::mem::replace(&mut self.input, Box::new(EmptyOp));
        let (mut groups, mut scratch) = (Vec::with_capacity(BATCH_SIZE), EncodedKeys::default());
        let hand_over = part > 0 && !Self::can_merge(&self.aggs);
        let mut held: Vec<Batch> = Vec::new();
        let mut held_rows = 0;
        // Without keys there is one group and nothing to decide: no batches are held.
        let mut mode = match (self.keys.is_empty(), hand_over) {
            (false, _) => Mode::Undecided,
            (true, false) => Mode::Table,
            (true, true) => Mode::HandOver,
        };
        if self.keys.is_empty() && part == 0 {
            let _ = decision.set(false);
        }
        loop {
            let b = next_live(&mut input).transpose()?;
            match (&mut mode, b) {
                (Mode::Table, Some(b)) => self.absorb_batch(b, &mut groups, &mut scratch)?,
                (Mode::Scatter(s), Some(b)) => self.scatter(&b, s)?,
                (Mode::HandOver, Some(b)) => held.push(b),
                (Mode::Undecided, b) => {
                    let end = b.is_none();
                    if let Some(b) = b {
                        held_rows += b.num_rows();
                        self.absorb_batch(b.clone(), &mut groups, &mut scratch)?;
                        held.push(b);
                    }
                    let choice = if part == 0 {
                        let values: usize = self.states.iter().map(AggState::distinct_values).sum();
                        let hashed = self.grouper.hashed_len() + values;
                        let choice = if self.switch.reached(hashed, self.grouper.len()) {
                            Some(true)
                        } else {
                            (held_rows >= self.switch.rows || end).then_some(false)
                        };
                        if let Some(c) = choice {
                            let _ = decision.set(c);
                        }
                        choice
                    } else if held_rows >= self.switch.rows || end {
                        Some(*decision.wait())
                    } else {
                        decision.get().copied()
                    };
                    match choice {
                        None => {}
                        Some(true) => {
                            // Scatter what was read so far; the table built from it is dropped.
                            self.grouper = Grouper::new(&self.key_types);
                            self.states = Self::new_states(&self.aggs);
                            let mut s = Scattered::new(part, self.keys.len());
                            for h in held.drain(..) {
                                self.scatter(&h, &mut s)?;
                            }
                            mode = Mode::Scatter(s);
                        }
                        Some(false) if hand_over => {
                            self.grouper = Grouper::new(&self.key_types);
                            self.states = Self::new_states(&self.aggs);
                            mode = Mode::HandOver;
                        }
                        Some(false) => {
                            held = Vec::new();
                            mode = Mode::Table;
                        }
                    }
                    if end {
                        break;
                    }
                }
                (_, None) => break,
            }
        }
        if self.partitions.is_some() || !self.pending.is_empty() {
            return Err(internal("a parallel aggregate spilled"));
        }
        Ok(match mode {
            Mode::Scatter(mut s) => {
                s.flush()?;
                Partial::Rows(s)
            }
            Mode::HandOver => Partial::Batches(held),
            Mode::Table | Mode::Undecided => Partial::Groups {
                grouper: self.grouper,
                states: self.states,
            },
        })
    }

    /// Adds the live rows of `b` to `out`: their key columns, then their aggregates' arguments.
    fn scatter(&self, b: &Batch, out: &mut Scattered) -> Result<()> {
        let (cols, n) = self.gather(b)?;
        let mut parts = if self.plain_keys {
            self.plain_key_columns(b)?
                .into_iter()
                .map(|c| match &b.selection {
                    Some(sel) => take(c, sel),
                    None => Ok(c.clone()),
                })
                .collect::<Result<Vec<_>>>()?
        } else {
            self.keys
                .iter()
                .map(|k| k.eval(&cols, n))
                .collect::<Result<Vec<_>>>()?
        };
        for spec in &self.aggs {
            if let Some(a) = &spec.arg {
                parts.push(a.eval(&cols, n)?);
            }
        }
        out.push(parts, n)
    }

    /// The batch columns that plain keys (bare column references) name, unselected.
    fn plain_key_columns<'b>(&self, b: &'b Batch) -> Result<Vec<&'b Column>> {
        self.keys
            .iter()
            .map(|k| {
                k.column_index()
                    .and_then(|i| b.columns.get(i))
                    .ok_or_else(|| internal("key column out of range"))
            })
            .collect()
    }

    /// Empty states for `aggs`.
    pub(super) fn new_states(aggs: &[AggSpec]) -> Vec<AggState> {
        aggs.iter()
            .map(|a| AggState::new(a.func, a.arg.as_ref().map(|e| e.ty)))
            .collect()
    }

    /// Number of partition files written so far (for tests).
    pub fn spilled_partitions(&self) -> usize {
        self.spilled
    }

    /// The columns keys and arguments are evaluated over: the first `base` of `columns` (`n`
    /// rows; those not read may have any length) followed by the shared sub-expressions.
    fn extend(&self, mut columns: Vec<Column>, n: usize) -> Result<Vec<Column>> {
        columns.truncate(self.base);
        for e in &self.shared {
            let c = e.eval(&columns, n)?;
            columns.push(c);
        }
        Ok(columns)
    }

    /// A batch's live rows of the columns keys and arguments read, extended (see
    /// [`Self::extend`]); the other columns are passed along untouched and never read.
    fn gather(&self, b: &Batch) -> Result<(Vec<Column>, usize)> {
        let cols: Vec<Column> = match &b.selection {
            None => b.columns.iter().take(self.base).cloned().collect(),
            Some(sel) => {
                let mut cols: Vec<Column> = b.columns.iter().take(self.base).cloned().collect();
                for &i in &self.used {
                    if let Some(c) = cols.get_mut(i) {
                        *c = take(c, sel)?;
                    }
                }
                cols
            }
        };
        let n = b.num_rows();
        Ok((self.extend(cols, n)?, n))
    }

    /// Folds rows of `columns` (`n` rows, extended) into the groups `groups` (one id per row).
    fn update(&mut self, columns: &[Column], n: usize, groups: &[u32]) -> Result<()> {
        let ng = self.grouper.len();
        for (spec, state) in self.aggs.iter().zip(&mut self.states) {
            state.resize(ng);
            let arg = spec.arg.as_ref().map(|a| a.eval(columns, n)).transpose()?;
            state.update(groups, arg.as_ref(), spec.arg.as_ref().map(|a| a.ty), n)?;
        }
        Ok(())
    }

    /// Approximate bytes of the group table and states.
    fn state_bytes(&self) -> usize {
        let per_group: usize = self.states.iter().map(AggState::bytes_per_group).sum();
        let values: usize = self.states.iter().map(AggState::value_bytes).sum();
        self.grouper.heap_bytes() + self.grouper.len() * per_group + values
    }

    /// Charges the current group table and states; false when the budget refuses.
    fn charge(&mut self) -> bool {
        let bytes = self.state_bytes();
        bytes <= self.reservation.bytes()
            || self
                .reservation
                .grow(bytes - self.reservation.bytes(), "aggregate")
                .is_ok()
    }

    /// Spill mode: rows whose key already has a group update it; the others go to disk.
    fn consume_spilling(
        &mut self,
        b: &Batch,
        ext: &[Column],
        key_cols: &[Column],
        groups: &mut Vec<u32>,
        scratch: &mut EncodedKeys,
    ) -> Result<()> {
        self.grouper.lookup(key_cols, b.len, groups)?;
        let (mut hit, mut hit_groups) = (Vec::new(), Vec::new());
        let mut miss: Vec<Vec<u32>> = vec![Vec::new(); PARTITIONS];
        encode(key_cols, b.len, scratch);
        let shift = 4 * self.depth;
        for (i, &g) in groups.iter().enumerate() {
            if g == u32::MAX {
                let p = (scratch.hashes[i] >> shift) as usize % PARTITIONS;
                miss[p].push(i as u32);
            } else {
                hit.push(i as u32);
                hit_groups.push(g);
            }
        }
        if hit.len() == b.len {
            let all = std::mem::take(groups);
            let r = self.update(ext, b.len, &all);
            *groups = all;
            r?;
        } else if !hit.is_empty() {
            let cols = ext
                .iter()
                .map(|c| take(c, &hit))
                .collect::<Result<Vec<_>>>()?;
            self.update(&cols, hit.len(), &hit_groups)?;
        }
        let types: Vec<DataType> = b.columns.iter().map(Column::data_type).collect();
        let files = self.partitions.get_or_insert_with(Vec::new);
        files.resize_with(PARTITIONS, || None);
        for (p, idx) in miss.iter().enumerate() {
            if idx.is_empty() {
                continue;
            }
            let cols = b
                .columns
                .iter()
                .map(|c| take(c, idx))
                .collect::<Result<Vec<_>>>()?;
            let file = match &mut files[p] {
                Some(f) => f,
                slot => slot.insert(SpillFile::create("aggregate", &types)?),
            };
            file.write(&cols, idx.len())?;
        }
        if !self.charge() {
            // Only existing groups grew: their own state does not fit, and spilling cannot help.
            return Err(self.limit_error());
        }
        Ok(())
    }

    /// The error for a group table and states the budget refused to charge.
    fn limit_error(&self) -> DataflowError {
        let budget = self.account.budget();
        DataflowError::MemoryLimit {
            operator: "aggregate".into(),
            requested: self.state_bytes() - self.reservation.bytes(),
            used: budget.used(),
            limit: budget.limit(),
        }
    }

    /// Reads the whole input into the groups (or the spill partitions), then queues the
    /// partitions written.
    fn absorb(&mut self) -> Result<()> {
        let mut groups = Vec::with_capacity(BATCH_SIZE);
        let mut scratch = EncodedKeys::default();
        while let Some(b) = self.input.next() {
            self.absorb_batch(b?, &mut groups, &mut scratch)?;
        }
        if let Some(files) = self.partitions.take() {
            for f in files.into_iter().flatten() {
                self.spilled += 1;
                self.pending.push_back((f, self.depth + 1));
            }
        }
        Ok(())
    }

    /// Folds one input batch into the groups (or, spilling, the partitions).
    fn absorb_batch(
        &mut self,
        b: Batch,
        groups: &mut Vec<u32>,
        scratch: &mut EncodedKeys,
    ) -> Result<()> {
        if b.num_rows() == 0 {
            return Ok(());
        }
        if self.partitions.is_some() {
            // Spilled rows keep every column, so the whole batch is gathered.
            let b = b.compact()?;
            let ext = self.extend(b.columns.clone(), b.len)?;
            let key_cols = self
                .keys
                .iter()
                .map(|k| k.eval(&ext, b.len))
                .collect::<Result<Vec<_>>>()?;
            return self.consume_spilling(&b, &ext, &key_cols, groups, scratch);
        }
        let (cols, n) = self.gather(&b)?;
        if self.plain_keys {
            let key_cols: Vec<Column> = self.plain_key_columns(&b)?.into_iter().cloned().collect();
            let sel = b.selection.as_deref();
            self.grouper
                .assign_selected(&key_cols, sel, b.len, groups)?;
        } else {
            let key_cols = self
                .keys
                .iter()
                .map(|k| k.eval(&cols, n))
                .collect::<Result<Vec<_>>>()?;
            self.grouper.assign(&key_cols, n, groups)?;
        }
        self.update(&cols, n, groups)?;
        if !self.charge() {
            if self.depth + 1 >= MAX_DEPTH || self.key_types.is_empty() {
                return Err(self.limit_error());
            }
            // Keep the groups so far (they overshoot the budget by at most this batch, which
            // stays charged so other operators see it) and send rows with new keys to disk.
            let over = self.state_bytes() - self.reservation.bytes();
            self.reservation.force_grow(over);
            self.partitions = Some(Vec::new());
        }
        Ok(())
    }

    fn consume(&mut self) -> Result<()> {
        match self.parallel.take() {
            Some((split, keys, aggs)) => {
                if let Some((cols, n)) = self.consume_parallel(&split, &keys, &aggs)? {
                    self.output = Some((cols, n, 0));
                    return Ok(());
                }
            }
            None => self.absorb()?,
        }
        let ng = self.grouper.len();
        let mut cols = self.grouper.key_columns()?;
        for (spec, state) in self.aggs.iter().zip(&mut self.states) {
            state.resize(ng);
            cols.push(state.finish(spec.out, &spec.name)?);
        }
        self.output = Some((cols, ng, 0));
        // The output columns hold everything now: free the groups before emitting them.
        self.grouper = Grouper::new(&self.key_types);
        self.states = Self::new_states(&self.aggs);
        self.reservation.shrink(self.reservation.bytes());
        Ok(())
    }

    /// Starts aggregating the next spilled partition; false when none is left.
    fn next_partition(&mut self) -> Result<bool> {
        let Some((file, depth)) = self.pending.pop_front() else {
            return Ok(false);
        };
        self.output = None;
        self.depth = depth;
        // One batch at a time is read back; it must not fail while this round's groups hold
        // the budget, so it is charged without a limit.
        self.input = Box::new(file.into_reader(self.account.forced())?);
        self.consume()?;
        Ok(true)
    }
}

impl Operator for AggregateOp {
    fn next(&mut self) -> Option<Result<Batch>> {
        if self.output.is_none()
            && let Err(e) = self.consume()
        {
            return Some(Err(e));
        }
        loop {
            let (_, n, pos) = self.output.as_ref()?;
            if *pos < *n {
                break;
            }
            match self.next_partition() {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => return Some(Err(e)),
            }
        }
        let (cols, n, pos) = self.output.as_mut()?;
        let len = BATCH_SIZE.min(*n - *pos);
        let batch = Batch::new(cols.iter().map(|c| c.slice(*pos, len)).collect(), len);
        *pos += len;
        Some(Ok(batch))
    }
}

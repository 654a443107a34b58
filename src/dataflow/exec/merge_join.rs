//! Streaming sort-merge join, chosen by the planner when both inputs arrive sorted on the join
//! keys (`plan::order::merge_keys`). Each side keeps a small buffer: the unprocessed rows of
//! the batches read so far. A round merges the rows of both buffers that lie in *complete* key
//! runs (a run can continue into the next batch only at the buffer's end), so duplicate keys on
//! both sides meet as one run × run cross product, checked against the residual predicate.
//! Rows with a null key never match and are emitted as unmatched where they stand, so the null
//! placement of the inputs' sort does not matter. Output of inner, left, semi and anti joins
//! keeps the left input's row order.

use std::cmp::Ordering;
use std::collections::VecDeque;
use std::ops::Range;

use super::batch::{BATCH_SIZE, Batch, BoxOp, Operator, next_dense};
use super::columns::{NULL_ROW, concat, take_opt};
use super::join::JoinSpec;
use crate::dataflow::column::Column;
use crate::dataflow::error::Result;
use crate::dataflow::expr::kernels::CompiledExpr;
use crate::dataflow::expr::kernels::num::Num;
use crate::dataflow::expr::parser::JoinKind;
use crate::dataflow::memory::MemoryAccount;
use crate::dataflow::types::DataType;

/// Compares row `i` of `a` with row `j` of `b` (same type, both non-null) in SQL order:
/// numbers numerically (`-0.0 = 0.0`, NaN last and equal to NaN), text by bytes, false < true.
pub(super) fn cmp_value(a: &Column, i: usize, b: &Column, j: usize) -> Ordering {
    match (a, b) {
        (Column::I8(x), Column::I8(y)) => i8::sql_cmp(x.values()[i], y.values()[j]),
        (Column::I16(x), Column::I16(y)) => i16::sql_cmp(x.values()[i], y.values()[j]),
        (Column::I32(x), Column::I32(y)) => i32::sql_cmp(x.values()[i], y.values()[j]),
        (Column::I64(x), Column::I64(y)) => i64::sql_cmp(x.values()[i], y.values()[j]),
        (Column::F32(x), Column::F32(y)) => f32::sql_cmp(x.values()[i], y.values()[j]),
        (Column::F64(x), Column::F64(y)) => f64::sql_cmp(x.values()[i], y.values()[j]),
        (Column::Bool(x), Column::Bool(y)) => x.value(i).cmp(&y.value(j)),
        (Column::Utf8(x), Column::Utf8(y)) => x.value_bytes(i).cmp(y.value_bytes(j)),
        // The planner only merges keys of one type; order the types so this stays total.
        _ => (a.data_type() as u8).cmp(&(b.data_type() as u8)),
    }
}

/// True when key row `i` of `a` and row `j` of `b` are both non-null and equal.
fn same_key(a: &[Column], i: usize, b: &[Column], j: usize, desc: &[bool]) -> bool {
    !null_key(a, i) && !null_key(b, j) && cmp_keys(a, i, b, j, desc) == Ordering::Equal
}

/// Compares key rows (non-null) in the merge order: each key ascending or descending.
fn cmp_keys(a: &[Column], i: usize, b: &[Column], j: usize, desc: &[bool]) -> Ordering {
    for (k, (x, y)) in a.iter().zip(b).enumerate() {
        let o = cmp_value(x, i, y, j);
        if o != Ordering::Equal {
            return if desc[k] { o.reverse() } else { o };
        }
    }
    Ordering::Equal
}

fn null_key(keys: &[Column], i: usize) -> bool {
    keys.iter().any(|k| k.is_null(i))
}

/// One input: its unprocessed buffered rows and their evaluated keys.
struct Side {
    input: BoxOp,
    key_exprs: Vec<CompiledExpr>,
    types: Vec<DataType>,
    cols: Vec<Column>,
    keys: Vec<Column>,
    n: usize,
    pos: usize,
    done: bool,
}

impl Side {
    fn new(input: BoxOp, key_exprs: Vec<CompiledExpr>, types: Vec<DataType>) -> Self {
        let cols = types.iter().map(|t| Column::empty(*t)).collect();
        Side {
            input,
            key_exprs,
            types,
            cols,
            keys: Vec::new(),
            n: 0,
            pos: 0,
            done: false,
        }
    }

    fn same_key(&self, i: usize, other: &[Column], j: usize, desc: &[bool]) -> bool {
        same_key(&self.keys, i, other, j, desc)
    }

    /// End of the rows whose key run is known to be complete: everything once the input is
    /// exhausted, else up to the start of the last (non-null) run, which may continue.
    fn complete_end(&self, desc: &[bool]) -> usize {
        if self.done || self.n == self.pos || null_key(&self.keys, self.n - 1) {
            return self.n;
        }
        let last = self.n - 1;
        let mut i = last;
        while i > self.pos && self.same_key(i - 1, &self.keys, last, desc) {
            i -= 1;
        }
        i
    }

    /// The end of the run starting at `i` (bounded by `end`).
    fn run_end(&self, i: usize, end: usize, desc: &[bool]) -> usize {
        let mut k = i + 1;
        while k < end && self.same_key(k, &self.keys, i, desc) {
            k += 1;
        }
        k
    }

    /// Reads batches until some complete run is buffered or the input ends. A batch that lies
    /// wholly inside the pending run makes it read on, so a long run is concatenated once.
    fn fill(&mut self, desc: &[bool], account: &MemoryAccount) -> Result<()> {
        while !self.done && self.complete_end(desc) <= self.pos {
            let mut parts: Vec<(Vec<Column>, Vec<Column>, usize)> = Vec::new();
            loop {
                let Some(b) = next_dense(&mut self.input) else {
                    self.done = true;
                    break;
                };
                let b = b?;
                let keys = self
                    .key_exprs
                    .iter()
                    .map(|k| k.eval(&b.columns, b.len))
                    .collect::<Result<Vec<_>>>()?;
                let last = b.len - 1;
                // The first unprocessed row's key: the pending run's key.
                let continues = if self.pos < self.n {
                    self.same_key(self.pos, &keys, last, desc)
                } else {
                    let k0 = parts.first().map_or(&keys, |p| &p.1);
                    same_key(k0, 0, &keys, last, desc)
                };
                parts.push((b.columns, keys, b.len));
                if !continues {
                    break;
                }
            }
            self.append(parts, account)?;
        }
        Ok(())
    }

    /// Replaces the buffer with its unprocessed rows followed by `parts`.
    fn append(
        &mut self,
        mut parts: Vec<(Vec<Column>, Vec<Column>, usize)>,
        account: &MemoryAccount,
    ) -> Result<()> {
        if parts.is_empty() {
            return Ok(());
        }
        let rest = self.n - self.pos;
        if rest == 0 && parts.len() == 1 {
            let (cols, keys, n) = parts.pop().expect("one part");
            self.cols = cols;
            self.keys = keys;
            self.n = n;
            self.pos = 0;
            return Ok(());
        }
        let mut cols = Vec::with_capacity(self.types.len());
        for (c, ty) in self.types.iter().enumerate() {
            let head = self.cols[c].slice(self.pos, rest);
            let mut all: Vec<&Column> = vec![&head];
            all.extend(parts.iter().map(|p| &p.0[c]));
            cols.push(concat(&all, *ty, account)?);
        }
        let mut keys = Vec::with_capacity(self.key_exprs.len());
        for k in 0..self.key_exprs.len() {
            let ty = parts[0].1[k].data_type();
            let head = if rest == 0 {
                Column::empty(ty)
            } else {
                self.keys[k].slice(self.pos, rest)
            };
            let mut all: Vec<&Column> = vec![&head];
            all.extend(parts.iter().map(|p| &p.1[k]));
            keys.push(concat(&all, ty, account)?);
        }
        self.n = rest + parts.iter().map(|p| p.2).sum::<usize>();
        self.cols = cols;
        self.keys = keys;
        self.pos = 0;
        Ok(())
    }

    fn exhausted(&self) -> bool {
        self.done && self.pos == self.n
    }
}

/// A streaming merge join over inputs sorted on the keys.
pub struct MergeJoinOp {
    kind: JoinKind,
    residual: Option<CompiledExpr>,
    desc: Vec<bool>,
    left: Side,
    right: Side,
    out_l: Vec<u32>,
    out_r: Vec<u32>,
    queue: VecDeque<Batch>,
    account: MemoryAccount,
    finished: bool,
}

impl MergeJoinOp {
    /// A merge join; `spec`'s keys are in merge order, `descending` gives each key's direction.
    pub fn new(
        spec: JoinSpec,
        descending: Vec<bool>,
        left: BoxOp,
        right: BoxOp,
        account: MemoryAccount,
    ) -> Self {
        MergeJoinOp {
            kind: spec.kind,
            residual: spec.residual,
            desc: descending,
            left: Side::new(left, spec.left_keys, spec.left_types),
            right: Side::new(right, spec.right_keys, spec.right_types),
            out_l: Vec::new(),
            out_r: Vec::new(),
            queue: VecDeque::new(),
            account,
            finished: false,
        }
    }

    fn semi_like(&self) -> bool {
        matches!(self.kind, JoinKind::Semi | JoinKind::Anti)
    }

    fn push(&mut self, l: u32, r: u32) -> Result<()> {
        self.out_l.push(l);
        self.out_r.push(r);
        if self.out_l.len() >= BATCH_SIZE {
            self.flush()?;
        }
        Ok(())
    }

    /// Turns the pending (left row, right row) pairs into an output batch.
    fn flush(&mut self) -> Result<()> {
        if self.out_l.is_empty() {
            return Ok(());
        }
        let mut cols = Vec::new();
        for c in &self.left.cols {
            cols.push(take_opt(c, &self.out_l)?);
        }
        if !self.semi_like() {
            for c in &self.right.cols {
                cols.push(take_opt(c, &self.out_r)?);
            }
        }
        self.queue.push_back(Batch::new(cols, self.out_l.len()));
        self.out_l.clear();
        self.out_r.clear();
        Ok(())
    }

    fn left_unmatched(&mut self, i: usize) -> Result<()> {
        match self.kind {
            JoinKind::Left | JoinKind::Full | JoinKind::Anti => self.push(i as u32, NULL_ROW),
            _ => Ok(()),
        }
    }

    fn right_unmatched(&mut self, j: usize) -> Result<()> {
        match self.kind {
            JoinKind::Right | JoinKind::Full => self.push(NULL_ROW, j as u32),
            _ => Ok(()),
        }
    }

    /// What a left row of a key run emits once all its candidates are checked.
    fn finish_left(&mut self, l: u32, matched: bool) -> Result<()> {
        match (self.kind, matched) {
            (JoinKind::Semi, true) => self.push(l, NULL_ROW),
            (JoinKind::Anti | JoinKind::Left | JoinKind::Full, false) => self.push(l, NULL_ROW),
            _ => Ok(()),
        }
    }

    /// Joins a left run and a right run with equal keys.
    fn join_run(&mut self, li: Range<usize>, rj: Range<usize>) -> Result<()> {
        if self.residual.is_none() {
            for l in li {
                match self.kind {
                    JoinKind::Semi => self.push(l as u32, NULL_ROW)?,
                    JoinKind::Anti => {}
                    _ => {
                        for r in rj.clone() {
                            self.push(l as u32, r as u32)?;
                        }
                    }
                }
            }
            return Ok(());
        }
        let mut rmatched = vec![false; rj.len()];
        let mut cand_l = Vec::with_capacity(BATCH_SIZE);
        let mut cand_r = Vec::with_capacity(BATCH_SIZE);
        let mut cur = (NULL_ROW, false);
        for l in li {
            for r in rj.clone() {
                cand_l.push(l as u32);
                cand_r.push(r as u32);
                if cand_l.len() >= BATCH_SIZE {
                    self.check(&mut cand_l, &mut cand_r, &mut cur, &mut rmatched, rj.start)?;
                }
            }
        }
        self.check(&mut cand_l, &mut cand_r, &mut cur, &mut rmatched, rj.start)?;
        if cur.0 != NULL_ROW {
            self.finish_left(cur.0, cur.1)?;
        }
        for (k, m) in rmatched.into_iter().enumerate() {
            if !m {
                self.right_unmatched(rj.start + k)?;
            }
        }
        Ok(())
    }

    /// Evaluates the residual on candidate pairs (left-major order) and emits matches;
    /// `cur` is the left row being checked and whether it matched so far.
    fn check(
        &mut self,
        cand_l: &mut Vec<u32>,
        cand_r: &mut Vec<u32>,
        cur: &mut (u32, bool),
        rmatched: &mut [bool],
        rstart: usize,
    ) -> Result<()> {
        if cand_l.is_empty() {
            return Ok(());
        }
        let res = self.residual.as_ref().expect("residual present");
        let mut cols = Vec::new();
        for c in &self.left.cols {
            cols.push(take_opt(c, cand_l)?);
        }
        for c in &self.right.cols {
            cols.push(take_opt(c, cand_r)?);
        }
        let keep = res.eval_predicate(&cols, cand_l.len())?;
        for k in 0..cand_l.len() {
            let (l, r) = (cand_l[k], cand_r[k]);
            if l != cur.0 {
                if cur.0 != NULL_ROW {
                    self.finish_left(cur.0, cur.1)?;
                }
                *cur = (l, false);
            }
            if keep[k] {
                cur.1 = true;
                rmatched[r as usize - rstart] = true;
                if !self.semi_like() {
                    self.push(l, r)?;
                }
            }
        }
        cand_l.clear();
        cand_r.clear();
        Ok(())
    }

    /// One round: buffers complete runs on both sides and merges them.
    fn round(&mut self) -> Result<()> {
        let desc = self.desc.clone();
        self.left.fill(&desc, &self.account)?;
        self.right.fill(&desc, &self.account)?;
        let le = self.left.complete_end(&desc);
        let re = self.right.complete_end(&desc);
        let (mut i, mut j) = (self.left.pos, self.right.pos);
        loop {
            let (la, ra) = (i < le, j < re);
            if la && null_key(&self.left.keys, i) {
                self.left_unmatched(i)?;
                i += 1;
            } else if ra && null_key(&self.right.keys, j) {
                self.right_unmatched(j)?;
                j += 1;
            } else if la && ra {
                match cmp_keys(&self.left.keys, i, &self.right.keys, j, &desc) {
                    Ordering::Less => {
                        self.left_unmatched(i)?;
                        i += 1;
                    }
                    Ordering::Greater => {
                        self.right_unmatched(j)?;
                        j += 1;
                    }
                    Ordering::Equal => {
                        let i2 = self.left.run_end(i, le, &desc);
                        let j2 = self.right.run_end(j, re, &desc);
                        self.join_run(i..i2, j..j2)?;
                        i = i2;
                        j = j2;
                    }
                }
            } else if ra && self.left.done && i == self.left.n {
                self.right_unmatched(j)?;
                j += 1;
            } else if la && self.right.done && j == self.right.n {
                self.left_unmatched(i)?;
                i += 1;
            } else {
                break;
            }
        }
        self.left.pos = i;
        self.right.pos = j;
        self.flush()?;
        if self.left.exhausted() && self.right.exhausted() {
            self.finished = true;
        } else if self.left.exhausted() && !matches!(self.kind, JoinKind::Right | JoinKind::Full) {
            // Nothing on the right can produce output any more.
            self.finished = true;
        } else if self.right.exhausted()
            && matches!(
                self.kind,
                JoinKind::Inner | JoinKind::Semi | JoinKind::Right
            )
        {
            self.finished = true;
        }
        Ok(())
    }
}

impl Operator for MergeJoinOp {
    fn next(&mut self) -> Option<Result<Batch>> {
        loop {
            if let Some(b) = self.queue.pop_front() {
                return Some(Ok(b));
            }
            if self.finished {
                return None;
            }
            if let Err(e) = self.round() {
                self.finished = true;
                return Some(Err(e));
            }
        }
    }
}

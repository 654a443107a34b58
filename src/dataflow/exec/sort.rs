//! `Sort` (stable, multi-key, nulls first/last) and `TopN` (sort + limit, keeping only the best
//! `offset + count` rows while reading). Buffered rows are charged to the memory budget.
//!
//! When buffering the next batch of a full sort would exceed the budget, the buffered rows are
//! sorted and written out as a run (`spill.rs`); at the end the runs are merged (`merge.rs`), so
//! a sort larger than `--max-memory` completes. Only a single batch that cannot be buffered at
//! all is a memory-limit error naming `sort`.

use std::cmp::Ordering;

use super::batch::{BATCH_SIZE, Batch, BoxOp, Operator, next_dense};
use super::columns::{concat, take};
use super::merge::MergeOp;
use super::parallel::{MIN_ROWS, per_column, sort_by as par_sort_by};
use super::spill::{SpillFile, batch_bytes};
use crate::dataflow::column::{Column, PrimitiveColumn};
use crate::dataflow::error::Result;
use crate::dataflow::expr::kernels::CompiledExpr;
use crate::dataflow::expr::kernels::num::Num;
use crate::dataflow::expr::kernels::vector::{bool_values, validity_of};
use crate::dataflow::memory::{MemoryAccount, Reservation};
use crate::dataflow::types::DataType;

/// A compiled sort key.
pub struct SortSpec {
    /// The key expression over the input columns.
    pub expr: CompiledExpr,
    /// Descending.
    pub descending: bool,
    /// Nulls before values.
    pub nulls_first: bool,
}

type Cmp<'a> = Box<dyn Fn(usize, usize) -> Ordering + Send + Sync + 'a>;

fn prim_cmp<T: Num>(c: &PrimitiveColumn<T>) -> Cmp<'_> {
    let v = c.values();
    Box::new(move |a, b| T::sql_cmp(v[a], v[b]))
}

/// A comparator over rows of `col` (values only; nulls handled by the caller).
fn value_cmp(col: &Column) -> Cmp<'_> {
    match col {
        Column::I8(c) => prim_cmp(c),
        Column::I16(c) => prim_cmp(c),
        Column::I32(c) => prim_cmp(c),
        Column::I64(c) => prim_cmp(c),
        Column::F32(c) => prim_cmp(c),
        Column::F64(c) => prim_cmp(c),
        Column::Bool(c) => {
            let v = bool_values(c);
            Box::new(move |a, b| v[a].cmp(&v[b]))
        }
        Column::Utf8(c) => Box::new(move |a, b| c.value_bytes(a).cmp(c.value_bytes(b))),
    }
}

/// The rows of a numeric column without nulls as `u64`s whose unsigned order is the SQL order
/// (floats: `-0.0 = 0.0`, NaN after every number and equal to NaN); `None` for other columns.
fn ordered_u64_keys(col: &Column, n: usize) -> Option<Vec<u64>> {
    if col.null_count() != 0 {
        return None;
    }
    const SIGN: u64 = 1 << 63;
    let int = |v: i64| (v as u64) ^ SIGN;
    let float = |v: f64| {
        if v.is_nan() {
            u64::MAX
        } else {
            let bits = (if v == 0.0 { 0.0 } else { v }).to_bits();
            if bits & SIGN != 0 { !bits } else { bits | SIGN }
        }
    };
    Some(match col {
        Column::I8(c) => c.values()[..n].iter().map(|&v| int(v as i64)).collect(),
        Column::I16(c) => c.values()[..n].iter().map(|&v| int(v as i64)).collect(),
        Column::I32(c) => c.values()[..n].iter().map(|&v| int(v as i64)).collect(),
        Column::I64(c) => c.values()[..n].iter().map(|&v| int(v)).collect(),
        Column::F32(c) => c.values()[..n].iter().map(|&v| float(v as f64)).collect(),
        Column::F64(c) => c.values()[..n].iter().map(|&v| float(v)).collect(),
        _ => return None,
    })
}

/// A stable permutation of `0..n` ordering rows by `keys` (evaluated columns); from
/// [`MIN_ROWS`] rows on, the two halves are sorted on two threads and merged (same result).
pub fn sort_permutation(keys: &[Column], specs: &[SortSpec], n: usize) -> Vec<u32> {
    sort_permutation_with(keys, specs, n, n >= MIN_ROWS)
}

/// [`sort_permutation`] on two threads or one.
fn sort_permutation_with(
    keys: &[Column],
    specs: &[SortSpec],
    n: usize,
    parallel: bool,
) -> Vec<u32> {
    let cmps: Vec<Cmp<'_>> = keys
        .iter()
        .zip(specs)
        .map(|(k, s)| {
            let valid = validity_of(k);
            let inner = value_cmp(k);
            let (desc, nf) = (s.descending, s.nulls_first);
            let f: Cmp<'_> = Box::new(move |a, b| {
                let (va, vb) = match &valid {
                    None => (true, true),
                    Some(m) => (m[a], m[b]),
                };
                match (va, vb) {
                    (true, true) => {
                        let o = inner(a, b);
                        if desc { o.reverse() } else { o }
                    }
                    (false, false) => Ordering::Equal,
                    (false, true) => {
                        if nf {
                            Ordering::Less
                        } else {
                            Ordering::Greater
                        }
                    }
                    (true, false) => {
                        if nf {
                            Ordering::Greater
                        } else {
                            Ordering::Less
                        }
                    }
                }
            });
            f
        })
        .collect();
    if let Some(first) = keys.first().and_then(|k| ordered_u64_keys(k, n))
        && let Some(spec) = specs.first()
    {
        // Typed fast path: the first key as an order-preserving `u64`, ties broken by the
        // remaining keys and then the row number (which keeps the sort stable).
        let desc = spec.descending;
        let mut pairs: Vec<(u64, u32)> = first
            .into_iter()
            .enumerate()
            .map(|(i, k)| (if desc { !k } else { k }, i as u32))
            .collect();
        let rest = &cmps[1..];
        let cmp = |a: &(u64, u32), b: &(u64, u32)| {
            a.0.cmp(&b.0)
                .then_with(|| {
                    for c in rest {
                        let o = c(a.1 as usize, b.1 as usize);
                        if o != Ordering::Equal {
                            return o;
                        }
                    }
                    Ordering::Equal
                })
                .then(a.1.cmp(&b.1))
        };
        if parallel {
            par_sort_by(&mut pairs, cmp);
        } else if rest.is_empty() {
            pairs.sort_unstable();
        } else {
            pairs.sort_unstable_by(cmp);
        }
        return pairs.into_iter().map(|(_, i)| i).collect();
    }
    let mut perm: Vec<u32> = (0..n as u32).collect();
    // Ties broken by row number: a total order, so the unstable sorts are stable.
    let cmp = |&a: &u32, &b: &u32| {
        for c in &cmps {
            let o = c(a as usize, b as usize);
            if o != Ordering::Equal {
                return o;
            }
        }
        a.cmp(&b)
    };
    if parallel {
        par_sort_by(&mut perm, cmp);
    } else {
        perm.sort_by(cmp);
    }
    perm
}

/// Bytes of each column, to share copying work between threads.
fn column_weights(cols: &[Column]) -> Vec<usize> {
    cols.iter().map(Column::byte_size).collect()
}

/// Sorts its whole input, or keeps the first `offset + count` rows in order (top-N).
pub struct SortOp {
    input: BoxOp,
    specs: Vec<SortSpec>,
    types: Vec<DataType>,
    limit: Option<(u64, u64)>,
    account: MemoryAccount,
    buffered: Vec<Batch>,
    buffered_rows: usize,
    output: Option<(Vec<Column>, Vec<u32>, usize)>,
    /// Charge for the buffered batches (twice their size: room to sort them into a run).
    reservation: Reservation,
    runs: Vec<SpillFile>,
    spilled: usize,
    merged: Option<MergeOp>,
    /// Set when `output` holds the sorted columns themselves (this many rows), not a
    /// permutation of them.
    sorted_rows: Option<usize>,
}

impl SortOp {
    /// A sort of `input` (whose column types are `types`); `limit` = `(count, offset)` for top-N.
    pub fn new(
        input: BoxOp,
        specs: Vec<SortSpec>,
        types: Vec<DataType>,
        limit: Option<(u64, u64)>,
        account: MemoryAccount,
    ) -> Self {
        SortOp {
            input,
            specs,
            types,
            limit,
            buffered: Vec::new(),
            buffered_rows: 0,
            output: None,
            reservation: account.empty_reservation(),
            account,
            runs: Vec::new(),
            spilled: 0,
            merged: None,
            sorted_rows: None,
        }
    }

    /// Number of runs spilled so far (for tests).
    pub fn spilled_runs(&self) -> usize {
        self.spilled
    }

    /// Sorts the buffered rows and writes them to a new spill file as one run.
    fn spill_run(&mut self) -> Result<()> {
        // The reservation made room for the sort's copy of the rows: hand it to `consolidate`.
        self.reservation.shrink(self.reservation.bytes());
        let (cols, perm) = self.consolidate()?;
        self.buffered_rows = 0;
        let mut file = SpillFile::create("sort", &self.types)?;
        for idx in perm.chunks(BATCH_SIZE) {
            let part = cols
                .iter()
                .map(|c| take(c, idx))
                .collect::<Result<Vec<_>>>()?;
            file.write(&part, idx.len())?;
        }
        self.runs.push(file);
        self.spilled += 1;
        Ok(())
    }

    /// Charges a batch about to be buffered by a full sort, spilling a run first when needed.
    fn charge(&mut self, batch: &Batch) -> Result<()> {
        let bytes = batch_bytes(&batch.columns).saturating_mul(2);
        if self.reservation.grow(bytes, "sort").is_ok() {
            return Ok(());
        }
        if !self.buffered.is_empty() {
            self.spill_run()?;
        }
        // With nothing buffered, a failure here means one batch alone exceeds the budget.
        self.reservation.grow(bytes, "sort")
    }

    /// Concatenates the buffered batches and sorts them; returns the columns and permutation.
    fn consolidate(&mut self) -> Result<(Vec<Column>, Vec<u32>)> {
        let batches = std::mem::take(&mut self.buffered);
        let n = self.buffered_rows;
        let cols = if batches.len() == 1 {
            batches
                .into_iter()
                .next()
                .map(|b| b.columns)
                .unwrap_or_default()
        } else {
            let one = |i: usize| {
                let parts: Vec<&Column> = batches.iter().map(|b| &b.columns[i]).collect();
                concat(&parts, self.types[i], &self.account)
            };
            if n >= MIN_ROWS {
                let weights = column_weights(&batches[0].columns);
                per_column(&weights, one)?
            } else {
                (0..self.types.len()).map(one).collect::<Result<Vec<_>>>()?
            }
        };
        let keys = self
            .specs
            .iter()
            .map(|s| s.expr.eval(&cols, n))
            .collect::<Result<Vec<_>>>()?;
        let perm = sort_permutation(&keys, &self.specs, n);
        Ok((cols, perm))
    }

    fn fill(&mut self) -> Result<()> {
        let keep = self.limit.map(|(c, o)| c.saturating_add(o) as usize);
        while let Some(b) = next_dense(&mut self.input) {
            let b = b?;
            if keep.is_none() {
                self.charge(&b)?;
            }
            self.buffered_rows += b.len;
            self.buffered.push(b);
            if let Some(k) = keep
                && self.buffered_rows >= k.saturating_mul(2).max(4 * BATCH_SIZE)
            {
                // Keep only the best k rows so far (stable: earlier rows win ties).
                let (cols, mut perm) = self.consolidate()?;
                perm.truncate(k);
                let kept = cols
                    .iter()
                    .map(|c| take(c, &perm))
                    .collect::<Result<Vec<_>>>()?;
                self.buffered = vec![Batch::new(kept, perm.len())];
                self.buffered_rows = perm.len();
            }
        }
        if !self.runs.is_empty() {
            if self.buffered_rows > 0 {
                self.spill_run()?;
            }
            self.reservation.shrink(self.reservation.bytes());
            let readers = std::mem::take(&mut self.runs)
                .into_iter()
                .map(|f| f.into_reader(self.account.clone()))
                .collect::<Result<Vec<_>>>()?;
            let specs = std::mem::take(&mut self.specs);
            self.merged = Some(MergeOp::new(
                readers,
                specs,
                self.types.clone(),
                self.account.clone(),
                0,
                usize::MAX,
            ));
            self.output = Some((Vec::new(), Vec::new(), 0));
            return Ok(());
        }
        self.reservation.shrink(self.reservation.bytes());
        let n = self.buffered_rows;
        let (cols, mut perm) = if n == 0 {
            (Vec::new(), Vec::new())
        } else {
            self.consolidate()?
        };
        if let Some((count, offset)) = self.limit {
            let start = (offset as usize).min(perm.len());
            let end = start.saturating_add(count as usize).min(perm.len());
            perm = perm[start..end].to_vec();
        } else if perm.len() >= MIN_ROWS {
            // Gather every column in sorted order at once, the columns shared between two
            // threads; the batches are then slices of the result.
            let weights = column_weights(&cols);
            let sorted = per_column(&weights, |i| take(&cols[i], &perm))?;
            self.output = Some((sorted, Vec::new(), 0));
            self.sorted_rows = Some(perm.len());
            return Ok(());
        }
        self.output = Some((cols, perm, 0));
        Ok(())
    }
}

impl Operator for SortOp {
    fn next(&mut self) -> Option<Result<Batch>> {
        if self.output.is_none()
            && let Err(e) = self.fill()
        {
            return Some(Err(e));
        }
        if let Some(m) = &mut self.merged {
            return m.next();
        }
        let (cols, perm, pos) = self.output.as_mut()?;
        if let Some(n) = self.sorted_rows {
            if *pos >= n {
                return None;
            }
            let len = BATCH_SIZE.min(n - *pos);
            let out = cols.iter().map(|c| c.slice(*pos, len)).collect();
            *pos += len;
            return Some(Ok(Batch::new(out, len)));
        }
        if *pos >= perm.len() {
            return None;
        }
        let end = (*pos + BATCH_SIZE).min(perm.len());
        let idx = &perm[*pos..end];
        *pos = end;
        let out: Result<Vec<Column>> = cols.iter().map(|c| take(c, idx)).collect();
        Some(out.map(|c| Batch::new(c, idx.len())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataflow::expr::kernels::compile;
    use crate::dataflow::expr::typed::{TExpr, TKind};

    fn spec(descending: bool) -> SortSpec {
        let e = TExpr {
            kind: TKind::Column("x".into()),
            ty: DataType::F64,
        };
        SortSpec {
            expr: compile(&e, &["x"]).unwrap(),
            descending,
            nulls_first: false,
        }
    }

    #[test]
    fn float_fast_path_orders_like_sql_and_is_stable() {
        let v = [
            2.0,
            f64::NAN,
            -0.0,
            -1.5,
            0.0,
            f64::NAN,
            -1.5,
            f64::INFINITY,
        ];
        let col = Column::from_values(&v);
        assert!(ordered_u64_keys(&col, v.len()).is_some());
        let asc = sort_permutation(std::slice::from_ref(&col), &[spec(false)], v.len());
        assert_eq!(asc, vec![3, 6, 2, 4, 0, 7, 1, 5]);
        let desc = sort_permutation(std::slice::from_ref(&col), &[spec(true)], v.len());
        assert_eq!(desc, vec![1, 5, 7, 0, 2, 4, 3, 6]);
    }

    #[test]
    fn integer_fast_path_breaks_ties_with_later_keys() {
        let a = Column::from_values(&[3i64, -1, 3, i64::MIN, 3]);
        let b = Column::from_values(&[2.0f64, 0.0, 1.0, 5.0, 1.0]);
        let perm = sort_permutation(&[a, b], &[spec(true), spec(false)], 5);
        assert_eq!(perm, vec![2, 4, 0, 1, 3]);
    }

    /// Keys with many ties and nulls (`a`: small floats, null every 7th; `b`: text).
    fn tie_keys(n: usize) -> (Column, Column) {
        let mut x: u64 = 0x1234_5678_9ABC_DEF1;
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for i in 0..n {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            a.push((i % 7 != 0).then_some((x % 50) as f64 / 4.0));
            b.push(format!("k{}", (x >> 20) % 30));
        }
        let b: Vec<Option<&str>> = b.iter().map(|s| Some(s.as_str())).collect();
        (Column::from_options(&a), Column::from_strs(&b))
    }

    fn text_spec(descending: bool) -> SortSpec {
        let e = TExpr {
            kind: TKind::Column("y".into()),
            ty: DataType::Utf8,
        };
        SortSpec {
            expr: compile(&e, &["x", "y"]).unwrap(),
            descending,
            nulls_first: true,
        }
    }

    #[test]
    fn two_thread_sort_equals_one_thread_sort() {
        let n = 10_000;
        let (a, b) = tie_keys(n);
        let dense = Column::from_values(&(0..n).map(|i| (i % 97) as i64).collect::<Vec<_>>());
        let cases: Vec<(Vec<Column>, Vec<SortSpec>)> = vec![
            // generic path (first key has nulls), stable on ties
            (vec![a.clone()], vec![spec(true)]),
            (
                vec![a.clone(), b.clone()],
                vec![spec(false), text_spec(true)],
            ),
            // typed fast path, with and without later keys
            (vec![dense.clone()], vec![spec(false)]),
            (vec![dense, b], vec![spec(true), text_spec(false)]),
        ];
        for (keys, specs) in &cases {
            let one = sort_permutation_with(keys, specs, n, false);
            let two = sort_permutation_with(keys, specs, n, true);
            assert_eq!(one, two);
            let mut seen = one.clone();
            seen.sort_unstable();
            assert_eq!(seen, (0..n as u32).collect::<Vec<_>>());
        }
    }

    #[test]
    fn large_sort_emits_sorted_stable_batches() {
        struct Rows(Vec<Batch>);
        impl Operator for Rows {
            fn next(&mut self) -> Option<Result<Batch>> {
                self.0.pop().map(Ok)
            }
        }
        let n = MIN_ROWS + 3 * BATCH_SIZE + 5;
        let (a, _) = tie_keys(n);
        let row = Column::from_values(&(0..n as i64).collect::<Vec<_>>());
        let mut batches: Vec<Batch> = (0..n)
            .step_by(BATCH_SIZE)
            .map(|p| {
                let len = BATCH_SIZE.min(n - p);
                Batch::new(vec![a.slice(p, len), row.slice(p, len)], len)
            })
            .collect();
        batches.reverse();
        let mut op = SortOp::new(
            Box::new(Rows(batches)),
            vec![spec(false)],
            vec![DataType::F64, DataType::I64],
            None,
            MemoryAccount::unlimited(),
        );
        let expect = sort_permutation_with(std::slice::from_ref(&a), &[spec(false)], n, false);
        let mut got = Vec::new();
        while let Some(b) = op.next() {
            let b = b.unwrap();
            assert!(b.len <= BATCH_SIZE);
            let Column::I64(r) = &b.columns[1] else {
                panic!("i64 expected")
            };
            got.extend(r.values()[..b.len].iter().map(|&v| v as u32));
        }
        assert_eq!(got, expect);
    }
}

//! Hash-partitioned ("radix") parallel aggregation, for inputs with many groups.
//!
//! With few groups each thread of a parallel aggregate folds its rows into its own small group
//! table and the tables are merged at the end (`aggregate.rs`). With many groups that builds
//! every group once per thread and re-inserts them all on one thread. Instead each thread
//! hashes its rows' keys once and scatters the rows (keys, evaluated arguments and a sequence
//! number) into [`PARTITIONS`] partitions by the high bits of that hash ([`Scattered`]); then
//! both threads aggregate whole partitions ([`merge`]), partition `i` of every thread by one
//! thread, in row order. Every group is built once, in a table a [`PARTITIONS`]th the size,
//! and the final work is parallel. A group's rows are folded in the one-thread order, so even
//! float sums are bit-identical to a one-thread run, and no state needs merging.
//!
//! Output order stays the first-seen order of the whole input: each group remembers the
//! sequence number of its first row (thread, row within the thread's range); a bitmap of those
//! rows per thread ranks them, and the groups of all partitions are gathered in that order.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::aggregate::{AggSpec, AggregateOp};
use super::columns::{concat, take};
use super::grouper::{Grouper, as_i64};
use super::keys::{EncodedKeys, encode, hash_bytes};
use super::parallel::{PARTS, per_column, run_parts};
use crate::dataflow::column::Column;
use crate::dataflow::error::Result;
use crate::dataflow::expr::kernels::compare::TextRows;
use crate::dataflow::expr::kernels::internal;
use crate::dataflow::expr::kernels::vector::{prim_col_with, validity_of};
use crate::dataflow::memory::MemoryAccount;
use crate::dataflow::types::DataType;

/// Bits of the partition hash that pick a partition.
const PARTITION_BITS: u32 = 6;
/// Partitions rows are scattered into: enough that a partition's group table of a
/// million-group input (≈ 15,000 groups) stays in a core's cache.
pub const PARTITIONS: usize = 1 << PARTITION_BITS;

/// A parallel aggregate switches to partitioning once the first range's group table holds this
/// many hashed groups ([`Grouper::hashed_len`], plus the values of `count(distinct)` states):
/// past it the table no longer fits in cache and merging the per-thread tables costs about as
/// much as building them ...
pub const SWITCH_GROUPS: usize = 1 << 15;
/// ... provided it has at least this many groups in all (fewer cannot keep the partitions
/// busy: a `count(distinct)` with a few groups and many values stays with tables) ...
pub const MIN_GROUPS: usize = 1 << 10;
/// ... and stays with per-thread tables when the first range's first this many rows did not
/// reach [`SWITCH_GROUPS`] (the rows read until then are held, to be scattered on a switch).
pub const DECIDE_ROWS: usize = 1 << 17;

/// When a parallel aggregate switches from per-thread group tables to partitioning (see
/// `AggregateOp::consume_parallel`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Switch {
    /// Switch once the first range's table holds this many hashed groups and values, and at
    /// least this many (at most [`MIN_GROUPS`]) groups (0: always).
    pub groups: usize,
    /// Keep per-thread tables once the first range read this many rows without switching.
    pub rows: usize,
}

impl Switch {
    /// Whether a table with `hashed` hashed groups and values and `groups` groups switches.
    pub fn reached(&self, hashed: usize, groups: usize) -> bool {
        hashed >= self.groups && groups >= self.groups.min(MIN_GROUPS)
    }

    /// Always partition (aggregates with keys; tests use it to partition small inputs).
    pub const ALWAYS: Switch = Switch { groups: 0, rows: 0 };
    /// Never partition.
    pub const NEVER: Switch = Switch {
        groups: usize::MAX,
        rows: 0,
    };
}

impl Default for Switch {
    fn default() -> Self {
        Switch {
            groups: SWITCH_GROUPS,
            rows: DECIDE_ROWS,
        }
    }
}

/// Smaller pieces of a partition are concatenated up to this many rows before aggregating.
const BLOCK_ROWS: usize = 256;

/// A sequence number is `thread << SEQ_SHIFT | row` (row within the thread's range).
const SEQ_SHIFT: u32 = 40;

/// One thread's rows scattered into partitions: per partition, pieces of (key columns, argument
/// columns, sequence-number column) in row order.
pub(crate) struct Scattered {
    parts: Vec<Vec<Vec<Column>>>,
    /// Rows scattered so far (the next row's number within the thread's range).
    rows: usize,
    thread: usize,
    /// Batches not yet scattered, gathered into [`WINDOW_ROWS`] rows first so that the pieces
    /// are large enough to aggregate in place.
    window: Vec<Vec<Column>>,
    window_rows: usize,
    nkeys: usize,
    hashes: Vec<u64>,
    scratch: EncodedKeys,
}

/// Rows scattered at a time (a partition's piece of them averages `WINDOW_ROWS / PARTITIONS`).
const WINDOW_ROWS: usize = 1 << 16;

impl Scattered {
    /// No rows yet, for the range of thread `thread` (its rows come after those of lower ones),
    /// with `nkeys` key columns.
    pub fn new(thread: usize, nkeys: usize) -> Self {
        Scattered {
            parts: vec![Vec::new(); PARTITIONS],
            rows: 0,
            thread,
            window: Vec::new(),
            window_rows: 0,
            nkeys,
            hashes: Vec::new(),
            scratch: EncodedKeys::default(),
        }
    }

    /// Bytes held by the scattered pieces.
    pub fn bytes(&self) -> usize {
        self.parts
            .iter()
            .flatten()
            .flatten()
            .map(Column::byte_size)
            .sum()
    }

    /// Adds the next `n` rows: `cols` holds the key columns, then the arguments.
    pub fn push(&mut self, cols: Vec<Column>, n: usize) -> Result<()> {
        if n == 0 {
            return Ok(());
        }
        self.window.push(cols);
        self.window_rows += n;
        if self.window_rows >= WINDOW_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Scatters the rows still held; call once all rows are pushed.
    pub fn flush(&mut self) -> Result<()> {
        let n = std::mem::take(&mut self.window_rows);
        let window = std::mem::take(&mut self.window);
        let cols = match window.len() {
            0 => return Ok(()),
            1 => window.into_iter().next().unwrap_or_default(),
            _ => {
                let account = MemoryAccount::unlimited();
                (0..window[0].len())
                    .map(|c| {
                        let parts: Vec<&Column> = window.iter().map(|w| &w[c]).collect();
                        concat(&parts, parts[0].data_type(), &account)
                    })
                    .collect::<Result<Vec<_>>>()?
            }
        };
        self.scatter(&cols, n)
    }

    /// Scatters `n` rows of `cols` (key columns, then arguments).
    fn scatter(&mut self, cols: &[Column], n: usize) -> Result<()> {
        partition_hashes(&cols[..self.nkeys], n, &mut self.scratch, &mut self.hashes)?;
        // Counting sort by partition, stable, so each piece keeps the rows' order.
        let mut starts = [0usize; PARTITIONS + 1];
        for &h in &self.hashes {
            starts[partition_of(h) + 1] += 1;
        }
        for p in 0..PARTITIONS {
            starts[p + 1] += starts[p];
        }
        let mut fill = starts;
        let mut perm = vec![0u32; n];
        for (i, &h) in self.hashes.iter().enumerate() {
            let slot = &mut fill[partition_of(h)];
            perm[*slot] = i as u32;
            *slot += 1;
        }
        let base = ((self.thread as i64) << SEQ_SHIFT) + self.rows as i64;
        let mut sorted = cols
            .iter()
            .map(|c| take(c, &perm))
            .collect::<Result<Vec<_>>>()?;
        sorted.push(prim_col_with::<i64>(n, None, |seq| {
            for (s, &i) in seq.iter_mut().zip(&perm) {
                *s = base + i as i64;
            }
        })?);
        for (p, w) in starts.windows(2).enumerate() {
            if w[1] > w[0] {
                let piece = sorted.iter().map(|c| c.slice(w[0], w[1] - w[0])).collect();
                self.parts[p].push(piece);
            }
        }
        self.rows += n;
        Ok(())
    }
}

fn partition_of(hash: u64) -> usize {
    (hash >> (64 - PARTITION_BITS)) as usize
}

/// A 64-bit finalizer (MurmurHash3's): the partition hash must be independent of the group
/// tables' own hashes, or every key of a partition would share their high bits.
fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    x = x.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    x ^ (x >> 33)
}

/// The partition hash of each of the `n` rows of `keys`: equal keys (as the grouper compares
/// them) hash alike. Integer, bool and text keys are hashed by value; other types through
/// their encoded rows (whose equality is the grouper's for them).
fn partition_hashes(
    keys: &[Column],
    n: usize,
    scratch: &mut EncodedKeys,
    out: &mut Vec<u64>,
) -> Result<()> {
    out.clear();
    let by_value = keys.iter().all(|k| {
        matches!(
            k.data_type(),
            DataType::I8 | DataType::I16 | DataType::I32 | DataType::I64 | DataType::Bool
        ) || matches!(k, Column::Utf8(_))
    });
    if !by_value {
        encode(keys, n, scratch);
        out.extend(scratch.hashes.iter().map(|&h| mix(h)));
        return Ok(());
    }
    const NULL: u64 = 0x5BD1_E995_0000_0001;
    out.resize(n, 0x2545_F491_4F6C_DD1D);
    for k in keys {
        let valid = validity_of(k);
        let ok = |i: usize| valid.as_ref().is_none_or(|m| m[i]);
        match k {
            Column::Utf8(c) => {
                if c.len() < n {
                    return Err(internal("text key column too short"));
                }
                let text = TextRows::new(c);
                for (i, h) in out.iter_mut().enumerate() {
                    let v = if ok(i) { hash_bytes(text.get(i)) } else { NULL };
                    *h = mix(*h ^ v);
                }
            }
            _ => {
                let (vals, _) = as_i64(k, n)?;
                for (i, h) in out.iter_mut().enumerate() {
                    let v = if ok(i) { vals[i] as u64 } else { NULL };
                    *h = mix(*h ^ v);
                }
            }
        }
    }
    Ok(())
}

/// One partition aggregated: its key and aggregate columns (one row per group, in the
/// partition's first-seen order) and the sequence number of each group's first row.
struct PartGroups {
    columns: Vec<Column>,
    first: Vec<i64>,
}

/// Aggregates partition `p` of every thread's rows (thread order, then row order).
fn aggregate_partition(
    threads: &[Scattered],
    p: usize,
    key_types: &[DataType],
    aggs: &[AggSpec],
) -> Result<PartGroups> {
    let nkeys = key_types.len();
    let mut grouper = Grouper::new(key_types);
    let mut states = AggregateOp::new_states(aggs);
    let mut first = Vec::new();
    let mut groups = Vec::with_capacity(BLOCK_ROWS);
    let account = MemoryAccount::unlimited();
    let mut fold = |pieces: &[&Vec<Column>]| -> Result<()> {
        // A lone piece is read in place: cloning its columns would bump reference counts
        // that the other thread's pieces share.
        let joined: Vec<Column>;
        let block: &[Column] = match pieces {
            [] => return Ok(()),
            [one] => one,
            _ => {
                joined = (0..pieces[0].len())
                    .map(|c| {
                        let cols: Vec<&Column> = pieces.iter().map(|p| &p[c]).collect();
                        concat(&cols, cols[0].data_type(), &account)
                    })
                    .collect::<Result<_>>()?;
                &joined
            }
        };
        let n = block.last().map_or(0, Column::len);
        grouper.assign(&block[..nkeys], n, &mut groups)?;
        let Some(Column::I64(seq)) = block.last() else {
            return Err(internal("sequence column expected"));
        };
        let seq = seq.values();
        for (i, &g) in groups.iter().enumerate() {
            if g as usize == first.len() {
                first.push(seq[i]);
            }
        }
        let ng = grouper.len();
        let mut next_arg = nkeys;
        for (spec, state) in aggs.iter().zip(&mut states) {
            state.resize(ng);
            let arg = match &spec.arg {
                Some(_) => {
                    next_arg += 1;
                    block.get(next_arg - 1)
                }
                None => None,
            };
            state.update(&groups, arg, spec.arg.as_ref().map(|e| e.ty), n)?;
        }
        Ok(())
    };
    let mut pending: Vec<&Vec<Column>> = Vec::new();
    let mut rows = 0;
    for piece in threads.iter().flat_map(|t| &t.parts[p]) {
        pending.push(piece);
        rows += piece.last().map_or(0, Column::len);
        if rows >= BLOCK_ROWS {
            fold(&pending)?;
            pending.clear();
            rows = 0;
        }
    }
    fold(&pending)?;
    let ng = grouper.len();
    let mut columns = grouper.key_columns()?;
    for (spec, state) in aggs.iter().zip(&mut states) {
        state.resize(ng);
        columns.push(state.finish(spec.out, &spec.name)?);
    }
    Ok(PartGroups { columns, first })
}

/// Aggregates the scattered rows of all threads (`threads[t]` read range `t`), partitions
/// shared among [`PARTS`] threads; returns the key and aggregate columns in the first-seen
/// order of the whole input, and their row count.
pub(crate) fn merge(
    threads: &[Scattered],
    key_types: &[DataType],
    aggs: &[AggSpec],
) -> Result<(Vec<Column>, usize)> {
    let next = AtomicUsize::new(0);
    let done = run_parts(PARTS, |_| {
        let mut mine = Vec::new();
        loop {
            let p = next.fetch_add(1, Ordering::Relaxed);
            if p >= PARTITIONS {
                return Ok(mine);
            }
            mine.push((p, aggregate_partition(threads, p, key_types, aggs)?));
        }
    })?;
    let mut parts: Vec<(usize, PartGroups)> = done.into_iter().flatten().collect();
    parts.sort_by_key(|(p, _)| *p);
    let order = first_seen_order(threads, parts.iter().map(|(_, g)| g.first.as_slice()))?;
    let ncols = key_types.len() + aggs.len();
    let account = MemoryAccount::unlimited();
    let weights = vec![order.len(); ncols];
    let columns = per_column(&weights, |c| {
        let pieces: Vec<&Column> = parts.iter().map(|(_, g)| &g.columns[c]).collect();
        let ty = pieces
            .first()
            .map(|p| p.data_type())
            .ok_or_else(|| internal("no partitions"))?;
        take(&concat(&pieces, ty, &account)?, &order)
    })?;
    Ok((columns, order.len()))
}

/// For output row `r`, the index of its group in the partitions' groups laid end to end:
/// groups sorted by the sequence number of their first row, ranked through one bitmap of
/// first rows per thread.
fn first_seen_order<'a>(
    threads: &[Scattered],
    firsts: impl Iterator<Item = &'a [i64]> + Clone,
) -> Result<Vec<u32>> {
    let locate = |s: i64| {
        let (t, row) = (
            (s >> SEQ_SHIFT) as usize,
            (s & ((1 << SEQ_SHIFT) - 1)) as usize,
        );
        (t < threads.len() && row < threads[t].rows)
            .then_some((t, row))
            .ok_or_else(|| internal("bad sequence number"))
    };
    let mut bits: Vec<Vec<u64>> = threads
        .iter()
        .map(|t| vec![0u64; t.rows.div_ceil(64)])
        .collect();
    for s in firsts.clone().flatten() {
        let (t, row) = locate(*s)?;
        bits[t][row / 64] |= 1 << (row % 64);
    }
    // Groups before each bitmap word, over all threads in order.
    let mut before: Vec<Vec<u32>> = Vec::with_capacity(bits.len());
    let mut total = 0u32;
    for words in &bits {
        before.push(
            words
                .iter()
                .map(|w| {
                    let b = total;
                    total += w.count_ones();
                    b
                })
                .collect(),
        );
    }
    let mut order = vec![0u32; total as usize];
    for (index, s) in firsts.flatten().enumerate() {
        let (t, row) = locate(*s)?;
        let (w, bit) = (row / 64, row % 64);
        let rank = before[t][w] + (bits[t][w] & ((1u64 << bit) - 1)).count_ones();
        order[rank as usize] = index as u32;
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_hash_alike_in_any_batch() {
        // The same keys arriving in different batches (with and without nulls around them)
        // land in the same partition.
        let a = [
            Column::from_options(&[Some(1i64), None, Some(7)]),
            Column::from_strs(&[Some("x"), Some("y"), None]),
        ];
        let b = [
            Column::from_options(&[Some(7i64), Some(1)]),
            Column::from_strs(&[None, Some("x")]),
        ];
        let (mut s, mut ha, mut hb) = (EncodedKeys::default(), Vec::new(), Vec::new());
        partition_hashes(&a, 3, &mut s, &mut ha).unwrap();
        partition_hashes(&b, 2, &mut s, &mut hb).unwrap();
        assert_eq!(ha[0], hb[1]);
        assert_eq!(ha[2], hb[0]);
        assert_ne!(ha[0], ha[1]);
        // Floats go through the encoded rows.
        let f = [Column::from_values(&[0.5f64, 2.0, 0.5])];
        partition_hashes(&f, 3, &mut s, &mut ha).unwrap();
        assert_eq!(ha[0], ha[2]);
        assert_ne!(ha[0], ha[1]);
    }

    #[test]
    fn the_switch_needs_both_a_large_table_and_enough_groups() {
        let d = Switch::default();
        assert!(d.reached(SWITCH_GROUPS, SWITCH_GROUPS));
        assert!(!d.reached(SWITCH_GROUPS - 1, SWITCH_GROUPS));
        // A count(distinct) over three groups with many values: too few groups to spread.
        assert!(!d.reached(SWITCH_GROUPS * 4, 3));
        assert!(d.reached(SWITCH_GROUPS, MIN_GROUPS));
        assert!(Switch::ALWAYS.reached(0, 0));
        assert!(!Switch::NEVER.reached(usize::MAX - 1, usize::MAX));
    }

    #[test]
    fn scattered_rows_keep_their_order_within_a_partition() {
        let keys: Vec<i64> = (0..5000).map(|i| i % 700).collect();
        let mut s = Scattered::new(1, 1);
        s.push(vec![Column::from_values(&keys[..3000])], 3000)
            .unwrap();
        s.push(vec![Column::from_values(&keys[3000..])], 2000)
            .unwrap();
        s.flush().unwrap();
        assert_eq!(s.rows, 5000);
        let mut total = 0;
        for part in &s.parts {
            let mut last = -1i64;
            for piece in part {
                let Column::I64(seq) = &piece[1] else {
                    panic!("sequence column")
                };
                for &q in seq.values() {
                    assert_eq!(q >> SEQ_SHIFT, 1);
                    assert!(q > last);
                    last = q;
                    total += 1;
                }
            }
        }
        assert_eq!(total, 5000);
    }
}

//! The hash join's key table: maps each build key to the first build row with that key, and
//! chains further rows with the same key through `next` (rows in input order). Integer keys
//! take typed paths — one integer key, or several packed into one `i64` by their build-side
//! ranges — looked up in a direct array when the key range is dense, in a ranked presence
//! bitmap when it is moderately sparse, and in an integer hash map otherwise; any other key (text, floats, booleans, ranges too wide to pack) is encoded to
//! bytes ([`super::keys`]). Null keys never match (SQL equality).

use std::hash::BuildHasherDefault;

use hashbrown::HashMap;

use super::grouper::{IntHasher, as_i64};
use super::keys::{EncodedKeys, KeyTable, encode};
use crate::dataflow::column::Column;
use crate::dataflow::error::Result;
use crate::dataflow::expr::kernels::internal;

/// "No row": the end of a chain, or a probe row without a match.
pub const NONE: u32 = u32::MAX;

/// A direct array is used when the packed key range is at most this many times the build rows
/// (plus a small constant), so its memory stays proportional to the build side.
const DIRECT_FACTOR: u64 = 4;
const DIRECT_SLACK: u64 = 1024;

/// A key range too wide for a direct array takes a ranked presence bitmap when it is at most
/// this many bits per build row (12 bytes of bitmap and ranks per row at most), else a hash map.
const RANKED_BITS_PER_ROW: u64 = 64;

/// The packed key of a probe row that can match nothing (null, or outside a build range):
/// packed keys of build rows are never negative.
const NO_KEY: i64 = -1;

/// How the integer key columns of a row become one `i64`.
#[derive(Debug, Clone)]
struct Packing {
    /// Per key column: the smallest build value and the multiplier of `value - min`; empty for
    /// a single key used as is.
    parts: Vec<(i64, i64, u64)>,
}

/// Key → first build row.
enum Lookup {
    /// Packed key `k` is at `heads[k - base]`.
    Direct { base: i64, heads: Vec<u32> },
    /// Packed key `k` is present when bit `k - base` of `words` is set; its first row is
    /// `heads[rank]`, where the rank counts the present keys below it (`ranks[w]` those in the
    /// words before word `w`). No hashing, and a miss reads one bit: several times smaller and
    /// more cache friendly than a hash map over the same keys.
    Ranked {
        base: i64,
        words: Vec<u64>,
        ranks: Vec<u32>,
        heads: Vec<u32>,
    },
    /// An integer hash map over packed keys (a key range too sparse for a bitmap).
    Map {
        map: HashMap<i64, u32, BuildHasherDefault<IntHasher>>,
    },
    /// Encoded row keys: a key id per distinct key, `heads[id]` its first row.
    Bytes { table: KeyTable, heads: Vec<u32> },
}

/// A built join key table.
pub struct JoinTable {
    lookup: Lookup,
    packing: Option<Packing>,
    next: Vec<u32>,
}

/// An integer key value as `i64`.
#[inline]
fn widen<T: Into<i64>>(x: T) -> i64 {
    x.into()
}

/// Runs `$body` with `$v` bound to the values slice of an integer column (read through
/// [`widen`]); any other column is an internal error (the planner gives both sides one type).
macro_rules! with_ints {
    ($col:expr, |$v:ident| $body:expr) => {
        match $col {
            Column::I8(c) => {
                let $v = c.values();
                $body
            }
            Column::I16(c) => {
                let $v = c.values();
                $body
            }
            Column::I32(c) => {
                let $v = c.values();
                $body
            }
            Column::I64(c) => {
                let $v = c.values();
                $body
            }
            _ => return Err(internal("join key types differ")),
        }
    };
}

/// One integer key column's values and validity.
type IntColumn = (Vec<i64>, Option<Vec<bool>>);

/// Integer key values of rows `0..n` and whether each row is usable (not null).
fn int_values(keys: &[Column], n: usize) -> Result<Vec<IntColumn>> {
    keys.iter().map(|k| as_i64(k, n)).collect()
}

/// The packing of several integer key columns by their ranges over the valid build rows, when
/// the product of the ranges fits in an `i64`; `None` otherwise.
fn plan_packing(vals: &[IntColumn], ok: &[bool]) -> Option<Packing> {
    let mut parts = Vec::with_capacity(vals.len());
    let mut mult: u128 = 1;
    for (v, _) in vals {
        let mut lo = i64::MAX;
        let mut hi = i64::MIN;
        for (x, _) in v.iter().zip(ok).filter(|(_, o)| **o) {
            lo = lo.min(*x);
            hi = hi.max(*x);
        }
        if lo > hi {
            // No valid build row: any packing works (nothing can match).
            lo = 0;
            hi = 0;
        }
        let span = (hi as i128 - lo as i128 + 1) as u128;
        parts.push((lo, hi, mult as u64));
        mult = mult.checked_mul(span)?;
        if mult > i64::MAX as u128 {
            return None;
        }
    }
    Some(Packing { parts })
}

/// Packs rows `0..n`: the packed key per row and whether the row can match (no null key, each
/// value inside the build range).
fn pack(vals: &[IntColumn], n: usize, packing: &Packing) -> (Vec<i64>, Vec<bool>) {
    let mut out = vec![0i64; n];
    let mut ok = vec![true; n];
    for ((v, valid), &(lo, hi, mult)) in vals.iter().zip(&packing.parts) {
        if let Some(m) = valid {
            ok.iter_mut().zip(m).for_each(|(o, m)| *o &= *m);
        }
        pack_column(v, lo, hi, mult, &mut out, &mut ok);
    }
    (out, ok)
}

/// Adds one key column's share to the packed keys `out`; clears `ok` where it is out of range.
#[inline]
fn pack_column<T: Copy + Into<i64>>(
    v: &[T],
    lo: i64,
    hi: i64,
    mult: u64,
    out: &mut [i64],
    ok: &mut [bool],
) {
    for ((o, k), &x) in out.iter_mut().zip(ok.iter_mut()).zip(v) {
        let x: i64 = x.into();
        *k &= x >= lo && x <= hi;
        // Wrapping: out-of-range rows are discarded by `ok`.
        *o = o.wrapping_add((x.wrapping_sub(lo) as u64).wrapping_mul(mult) as i64);
    }
}

/// Reused buffers for probing.
#[derive(Default)]
pub struct ProbeScratch {
    /// Encoded keys (the bytes path).
    pub enc: EncodedKeys,
    packed: Vec<i64>,
}

/// The packed keys of probe rows `0..n` into `s.packed`; rows that can match nothing (a null
/// key, or a value outside its build range) get [`NO_KEY`].
fn pack_probe(keys: &[Column], n: usize, packing: &Packing, s: &mut ProbeScratch) -> Result<()> {
    s.packed.clear();
    for (c, (col, &(lo, hi, mult))) in keys.iter().zip(&packing.parts).enumerate() {
        let packed = &mut s.packed;
        with_ints!(col, |v| pack_probe_column(
            &v[..n],
            lo,
            hi,
            mult,
            packed,
            c == 0
        ));
        if col.null_count() > 0
            && let Some(valid) = col.validity()
        {
            packed
                .iter_mut()
                .zip(valid.iter())
                .for_each(|(o, ok)| *o = if ok { *o } else { NO_KEY });
        }
    }
    Ok(())
}

/// Adds one probe key column's share to the packed keys `out` (the first column fills it):
/// branch-free, and a row already at [`NO_KEY`] or outside `lo..=hi` becomes (stays) [`NO_KEY`].
#[inline]
fn pack_probe_column<T: Copy + Into<i64>>(
    v: &[T],
    lo: i64,
    hi: i64,
    mult: u64,
    out: &mut Vec<i64>,
    first: bool,
) {
    // In range, a share and the sum of shares stay below the product of the ranges (an i64).
    let share = |x: i64| (x.wrapping_sub(lo) as u64).wrapping_mul(mult) as i64;
    if first {
        out.extend(v.iter().map(|&x| {
            let x: i64 = x.into();
            if (x >= lo) & (x <= hi) {
                share(x)
            } else {
                NO_KEY
            }
        }));
        return;
    }
    for (o, &x) in out.iter_mut().zip(v) {
        let x: i64 = x.into();
        let ok = (*o >= 0) & (x >= lo) & (x <= hi);
        let sum = o.wrapping_add(share(x));
        *o = if ok { sum } else { NO_KEY };
    }
}

/// Appends `at(v[row])` for every probe row (`rows`, or all of `v`). Both iterators report
/// their exact length, so `extend` reserves once and stores without per-row capacity checks.
#[inline(always)]
fn gather_heads<T: Copy>(out: &mut Vec<u32>, v: &[T], rows: Option<&[u32]>, at: impl Fn(T) -> u32) {
    match rows {
        // `move`: the iterator owns `at` (and its slices), so the loop keeps them in registers
        // instead of reloading them through a reference after every store.
        None => out.extend(v.iter().map(move |&x| at(x))),
        Some(rows) => out.extend(rows.iter().map(move |&r| at(v[r as usize]))),
    }
}

/// Sets `out[i]` to [`NONE`] where the probe row of slot `i` has a null key.
fn clear_null_rows(out: &mut [u32], col: &Column, rows: Option<&[u32]>) {
    let Some(valid) = col.validity().filter(|_| col.null_count() > 0) else {
        return;
    };
    match rows {
        None => out
            .iter_mut()
            .zip(valid.iter())
            .for_each(|(o, ok)| *o = if ok { *o } else { NONE }),
        Some(rows) => out.iter_mut().zip(rows).for_each(|(o, &r)| {
            if !valid.get(r as usize) {
                *o = NONE
            }
        }),
    }
}

/// A ranked presence bitmap over the keys `k[r]` of the usable rows (`ok[r]`), all inside
/// `lo..lo + span`, chaining rows with equal keys through `next` (in input order).
fn build_ranked(k: &[i64], ok: &[bool], lo: i64, span: usize, next: &mut [u32]) -> Lookup {
    let mut words = vec![0u64; span.div_ceil(64)];
    for (x, _) in k.iter().zip(ok).filter(|(_, o)| **o) {
        let d = (x - lo) as usize;
        words[d / 64] |= 1 << (d % 64);
    }
    let mut ranks = Vec::with_capacity(words.len());
    let mut present = 0u32;
    for w in &words {
        ranks.push(present);
        present += w.count_ones();
    }
    let mut heads = vec![NONE; present as usize];
    for r in (0..k.len()).rev() {
        if ok[r] {
            let d = (k[r] - lo) as usize;
            let (w, bit) = (d / 64, d % 64);
            let rank = ranks[w] + (words[w] & ((1u64 << bit) - 1)).count_ones();
            let h = &mut heads[rank as usize];
            next[r] = *h;
            *h = r as u32;
        }
    }
    Lookup::Ranked {
        base: lo,
        words,
        ranks,
        heads,
    }
}

impl JoinTable {
    /// Builds the table over the key columns of the build side's `n` rows.
    pub fn build(keys: &[Column], n: usize) -> Result<JoinTable> {
        let mut next = vec![NONE; n];
        if keys.iter().all(|k| k.data_type().is_integer()) && !keys.is_empty() {
            let vals = int_values(keys, n)?;
            let mut ok = vec![true; n];
            for (_, valid) in &vals {
                if let Some(m) = valid {
                    ok.iter_mut().zip(m).for_each(|(o, m)| *o &= *m);
                }
            }
            let packing = if keys.len() == 1 {
                Some(None)
            } else {
                plan_packing(&vals, &ok).map(Some)
            };
            if let Some(packing) = packing {
                let (k, ok) = match &packing {
                    None => {
                        let (v, _) = vals.into_iter().next().expect("one key");
                        (v, ok)
                    }
                    Some(p) => pack(&vals, n, p),
                };
                let lookup = Self::build_int(&k, &ok, &mut next);
                return Ok(JoinTable {
                    lookup,
                    packing,
                    next,
                });
            }
        }
        let mut enc = EncodedKeys::default();
        encode(keys, n, &mut enc);
        let mut table = KeyTable::new();
        let mut heads = Vec::new();
        // In reverse, so each chain lists its rows in input order.
        for r in (0..n).rev() {
            if enc.has_null[r] {
                continue;
            }
            let (id, fresh) = table.find_or_insert(enc.key(r), enc.hashes[r]);
            if fresh {
                heads.push(NONE);
            }
            next[r] = heads[id as usize];
            heads[id as usize] = r as u32;
        }
        Ok(JoinTable {
            lookup: Lookup::Bytes { table, heads },
            packing: None,
            next,
        })
    }

    fn build_int(k: &[i64], ok: &[bool], next: &mut [u32]) -> Lookup {
        let n = k.len();
        let (mut lo, mut hi) = (i64::MAX, i64::MIN);
        for (x, _) in k.iter().zip(ok).filter(|(_, o)| **o) {
            lo = lo.min(*x);
            hi = hi.max(*x);
        }
        let span = hi as i128 - lo as i128 + 1;
        if lo <= hi && span <= (n as u64 * DIRECT_FACTOR + DIRECT_SLACK) as i128 {
            let mut heads = vec![NONE; span as usize];
            for r in (0..n).rev() {
                if ok[r] {
                    let h = &mut heads[(k[r] - lo) as usize];
                    next[r] = *h;
                    *h = r as u32;
                }
            }
            return Lookup::Direct { base: lo, heads };
        }
        if lo <= hi && span <= (n as u64 * RANKED_BITS_PER_ROW) as i128 {
            return build_ranked(k, ok, lo, span as usize, next);
        }
        let mut map: HashMap<i64, u32, BuildHasherDefault<IntHasher>> =
            HashMap::with_capacity_and_hasher(n.min(1 << 20), Default::default());
        for r in (0..n).rev() {
            if ok[r] {
                let h = map.entry(k[r]).or_insert(NONE);
                next[r] = *h;
                *h = r as u32;
            }
        }
        Lookup::Map { map }
    }

    /// Integer probe appending to `out`: `at` maps a (packed) key to its first build row.
    /// A single key is read straight from its column; several keys are packed into scratch
    /// first (rows that cannot match get [`NO_KEY`], which `at` never finds).
    fn probe_int(
        &self,
        keys: &[Column],
        n: usize,
        rows: Option<&[u32]>,
        scratch: &mut ProbeScratch,
        out: &mut Vec<u32>,
        at: impl Fn(i64) -> u32,
    ) -> Result<()> {
        if let Some(p) = &self.packing {
            pack_probe(keys, n, p, scratch)?;
            gather_heads(out, &scratch.packed[..n], rows, at);
            return Ok(());
        }
        let [col] = keys else {
            return Err(internal("join key count differs"));
        };
        // Null rows are looked up like any other (their values are arbitrary) and cleared after.
        with_ints!(col, |v| gather_heads(out, &v[..n], rows, move |x| at(
            widen(x)
        )));
        clear_null_rows(out, col, rows);
        Ok(())
    }

    /// The build row after `r` with the same key, or [`NONE`].
    #[inline]
    pub fn next(&self, r: u32) -> u32 {
        self.next[r as usize]
    }

    /// Bytes held (for memory accounting).
    pub fn heap_bytes(&self) -> usize {
        self.next.capacity() * 4
            + match &self.lookup {
                Lookup::Direct { heads, .. } => heads.capacity() * 4,
                Lookup::Ranked {
                    words,
                    ranks,
                    heads,
                    ..
                } => words.capacity() * 8 + ranks.capacity() * 4 + heads.capacity() * 4,
                Lookup::Map { map } => map.capacity() * 13,
                Lookup::Bytes { table, heads } => table.heap_bytes() + heads.capacity() * 4,
            }
    }

    /// For each row in `rows` (indices into the probe key columns of `n` rows; all rows when
    /// `None`), the first build row with an equal key, or [`NONE`]. The probe keys must have
    /// the build keys' kinds (integer or not) — the planner gives both sides one type.
    pub fn probe(
        &self,
        keys: &[Column],
        n: usize,
        rows: Option<&[u32]>,
        scratch: &mut ProbeScratch,
        out: &mut Vec<u32>,
    ) -> Result<()> {
        out.clear();
        match &self.lookup {
            Lookup::Bytes { table, heads } => {
                let scratch = &mut scratch.enc;
                encode(keys, n, scratch);
                let at = |r: usize| {
                    if scratch.has_null[r] {
                        NONE
                    } else {
                        table
                            .find(scratch.key(r), scratch.hashes[r])
                            .map_or(NONE, |id| heads[id as usize])
                    }
                };
                match rows {
                    None => out.extend((0..n).map(at)),
                    Some(rows) => out.extend(rows.iter().map(|&r| at(r as usize))),
                }
            }
            Lookup::Direct { base, heads } => {
                let (base, heads) = (*base, heads.as_slice());
                let at = move |k: i64| {
                    let d = k.wrapping_sub(base) as u64;
                    if d < heads.len() as u64 {
                        heads[d as usize]
                    } else {
                        NONE
                    }
                };
                self.probe_int(keys, n, rows, scratch, out, at)?;
            }
            Lookup::Ranked {
                base,
                words,
                ranks,
                heads,
            } => {
                let (base, words, ranks, heads) = (*base, &words[..], &ranks[..], &heads[..]);
                let at = move |k: i64| {
                    let d = k.wrapping_sub(base) as u64;
                    let w = (d / 64) as usize;
                    let Some(&word) = words.get(w) else {
                        return NONE;
                    };
                    let bit = 1u64 << (d % 64);
                    if word & bit == 0 {
                        return NONE;
                    }
                    let rank = ranks[w] + (word & (bit - 1)).count_ones();
                    heads[rank as usize]
                };
                self.probe_int(keys, n, rows, scratch, out, at)?;
            }
            Lookup::Map { map } => {
                let at = |k: i64| map.get(&k).copied().unwrap_or(NONE);
                self.probe_int(keys, n, rows, scratch, out, at)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every build row matching each probe row, in chain order.
    fn matches(t: &JoinTable, keys: &[Column], n: usize, rows: Option<&[u32]>) -> Vec<Vec<u32>> {
        let mut heads = Vec::new();
        t.probe(keys, n, rows, &mut ProbeScratch::default(), &mut heads)
            .unwrap();
        heads
            .iter()
            .map(|&h| {
                let mut out = Vec::new();
                let mut r = h;
                while r != NONE {
                    out.push(r);
                    r = t.next(r);
                }
                out
            })
            .collect()
    }

    #[test]
    fn dense_single_key_uses_a_direct_array_and_keeps_input_order() {
        let b = Column::from_options(&[Some(3i64), Some(1), None, Some(3), Some(2)]);
        let t = JoinTable::build(std::slice::from_ref(&b), 5).unwrap();
        assert!(matches!(t.lookup, Lookup::Direct { .. }));
        let p = Column::from_options(&[Some(3i64), None, Some(2), Some(9), Some(-1), Some(1)]);
        assert_eq!(
            matches(&t, &[p], 6, None),
            vec![vec![0, 3], vec![], vec![4], vec![], vec![], vec![1]]
        );
    }

    #[test]
    fn sparse_single_key_uses_a_hash_map() {
        let vals = [i64::MIN, 7, i64::MAX, 7, -5_000_000_000];
        let b = Column::from_values(&vals);
        let t = JoinTable::build(&[b], 5).unwrap();
        assert!(matches!(t.lookup, Lookup::Map { .. }));
        let p = Column::from_values(&[7i64, i64::MAX, 8, i64::MIN, -5_000_000_000]);
        assert_eq!(
            matches(&t, &[p], 5, None),
            vec![vec![1, 3], vec![2], vec![], vec![0], vec![4]]
        );
    }

    #[test]
    fn a_moderately_sparse_key_range_gets_a_ranked_bitmap() {
        // 2000 keys spread over 0..100_000 (some twice, some across word edges): too sparse for
        // a direct array, dense enough for a ranked bitmap.
        let mut vals: Vec<i64> = (0..2000).map(|i| i * 50 + 7).collect();
        vals.extend([57, 63, 64, 99_957, 7]);
        let t = JoinTable::build(&[Column::from_values(&vals)], vals.len()).unwrap();
        assert!(matches!(t.lookup, Lookup::Ranked { .. }));
        let p = Column::from_values(&[7i64, 8, 57, 99_957, 99_958, -1, 1 << 40, 6, 63, 64, 65]);
        assert_eq!(
            matches(&t, &[p], 11, None),
            vec![
                vec![0, 2004],
                vec![],
                vec![1, 2000],
                vec![1999, 2003],
                vec![],
                vec![],
                vec![],
                vec![],
                vec![2001],
                vec![2002],
                vec![]
            ]
        );
    }

    /// Every lookup kind against a brute-force reference: probe rows with nulls, selections,
    /// chains in input order.
    #[test]
    fn all_lookups_agree_with_a_reference_under_nulls_and_selections() {
        let reference = |build: &[Option<i64>], probe: &[Option<i64>], rows: &[u32]| {
            rows.iter()
                .map(|&r| match probe[r as usize] {
                    None => vec![],
                    Some(k) => (0..build.len() as u32)
                        .filter(|&b| build[b as usize] == Some(k))
                        .collect(),
                })
                .collect::<Vec<Vec<u32>>>()
        };
        // Dense (direct), moderately sparse (ranked), very sparse (map).
        let kind = |t: &JoinTable| match t.lookup {
            Lookup::Direct { .. } => "direct",
            Lookup::Ranked { .. } => "ranked",
            Lookup::Map { .. } => "map",
            Lookup::Bytes { .. } => "bytes",
        };
        for (stride, want) in [(1i64, "direct"), (37, "ranked"), (1 << 20, "map")] {
            let build: Vec<Option<i64>> = (0..300)
                .map(|i| (i % 7 != 3).then_some((i % 100) * stride + 5))
                .collect();
            let probe: Vec<Option<i64>> = (0..500)
                .map(|i| (i % 11 != 0).then_some((i % 130) * stride + 5 - (i % 3 == 0) as i64))
                .collect();
            let t = JoinTable::build(&[Column::from_options(&build)], build.len()).unwrap();
            assert_eq!(kind(&t), want);
            let pc = Column::from_options(&probe);
            let all: Vec<u32> = (0..probe.len() as u32).collect();
            let some: Vec<u32> = (0..probe.len() as u32).filter(|r| r % 4 != 1).collect();
            assert_eq!(
                matches(&t, std::slice::from_ref(&pc), probe.len(), None),
                reference(&build, &probe, &all),
                "stride {stride}"
            );
            assert_eq!(
                matches(&t, std::slice::from_ref(&pc), probe.len(), Some(&some)),
                reference(&build, &probe, &some),
                "stride {stride}"
            );
            // A sliced probe column (validity at an offset).
            let sliced = pc.slice(3, 400);
            assert_eq!(
                matches(&t, &[sliced], 400, Some(&[0, 1, 2, 399])),
                reference(&build, &probe[3..], &[0, 1, 2, 399]),
                "stride {stride}"
            );
        }
    }

    #[test]
    fn packed_probe_rows_with_null_or_out_of_range_keys_never_match() {
        let a = Column::from_values(&[1i64, 2, 3, 2]);
        let b = Column::from_values(&[10i32, 10, 11, 10]);
        let t = JoinTable::build(&[a, b], 4).unwrap();
        assert!(t.packing.is_some());
        let pa = Column::from_options(&[Some(2i64), None, Some(2), Some(3), Some(0), Some(2)]);
        let pb = Column::from_options(&[Some(10i32), Some(10), None, Some(11), Some(10), Some(12)]);
        assert_eq!(
            matches(&t, &[pa.clone(), pb.clone()], 6, None),
            vec![vec![1, 3], vec![], vec![], vec![2], vec![], vec![]]
        );
        assert_eq!(
            matches(&t, &[pa, pb], 6, Some(&[5, 3, 1, 0])),
            vec![vec![], vec![2], vec![], vec![1, 3]]
        );
    }

    #[test]
    fn probe_over_selected_rows_only() {
        let b = Column::from_values(&[10i32, 20, 30]);
        let t = JoinTable::build(&[b], 3).unwrap();
        let p = Column::from_values(&[30i32, 99, 10, 20]);
        assert_eq!(
            matches(&t, &[p], 4, Some(&[1, 2, 3])),
            vec![vec![], vec![0], vec![1]]
        );
    }

    #[test]
    fn two_integer_keys_are_packed_and_out_of_range_values_never_match() {
        // Mixed widths: the planner may give each side its own integer type.
        let a = Column::from_options(&[Some(1i64), Some(2), Some(1), None, Some(1000)]);
        let b = Column::from_values(&[5i32, 5, 6, 5, 7]);
        let t = JoinTable::build(&[a, b], 5).unwrap();
        assert!(t.packing.is_some());
        let pa = Column::from_values(&[1i64, 1, 2, 1000, 0, 1001, 1, 2]);
        let pb = Column::from_values(&[5i32, 6, 5, 7, 5, 5, 8, 6]);
        assert_eq!(
            matches(&t, &[pa, pb], 8, None),
            vec![
                vec![0],
                vec![2],
                vec![1],
                vec![4],
                vec![],
                vec![],
                vec![],
                vec![]
            ]
        );
    }

    #[test]
    fn keys_too_wide_to_pack_fall_back_to_encoded_bytes() {
        let a = Column::from_values(&[i64::MIN, i64::MAX, 0]);
        let b = Column::from_values(&[i64::MIN, i64::MAX, 0]);
        let t = JoinTable::build(&[a.clone(), b.clone()], 3).unwrap();
        assert!(matches!(t.lookup, Lookup::Bytes { .. }));
        let pa = Column::from_values(&[0i64, i64::MAX, i64::MAX]);
        let pb = Column::from_values(&[0i64, i64::MAX, i64::MIN]);
        assert_eq!(
            matches(&t, &[pa, pb], 3, None),
            vec![vec![2], vec![1], vec![]]
        );
    }

    #[test]
    fn text_keys_use_encoded_bytes_and_nulls_never_match() {
        let b = Column::from_strs(&[Some("x"), None, Some("y"), Some("x")]);
        let t = JoinTable::build(&[b], 4).unwrap();
        let p = Column::from_strs(&[None, Some("x"), Some("z"), Some("y")]);
        assert_eq!(
            matches(&t, &[p], 4, None),
            vec![vec![], vec![0, 3], vec![], vec![2]]
        );
    }

    #[test]
    fn all_null_build_keys_match_nothing() {
        let b = Column::from_options::<i64>(&[None, None]);
        let c = Column::from_options::<i64>(&[None, Some(1)]);
        let t = JoinTable::build(&[b, c], 2).unwrap();
        let pa = Column::from_values(&[0i64, 1]);
        let pb = Column::from_values(&[1i64, 1]);
        assert_eq!(matches(&t, &[pa, pb], 2, None), vec![vec![], vec![]]);
    }

    #[test]
    fn an_integer_table_rejects_text_probe_keys() {
        let t = JoinTable::build(&[Column::from_values(&[1i64])], 1).unwrap();
        let p = Column::from_strs(&[Some("1")]);
        let mut heads = Vec::new();
        assert!(
            t.probe(&[p], 1, None, &mut ProbeScratch::default(), &mut heads)
                .is_err()
        );
    }
}

//! The hash join's key table: maps each build key to the first build row with that key, and
//! chains further rows with the same key through `next` (rows in input order). Integer keys
//! take typed paths — one integer key, or several packed into one `i64` by their build-side
//! ranges — looked up in a direct array when the key range is dense and in an integer hash map
//! otherwise; any other key (text, floats, booleans, ranges too wide to pack) is encoded to
//! bytes ([`super::keys`]). Null keys never match (SQL equality).

use std::hash::BuildHasherDefault;

use hashbrown::HashMap;

use super::grouper::{IntHasher, as_i64};
use super::keys::{EncodedKeys, KeyTable, encode};
use crate::dataflow::column::Column;
use crate::dataflow::error::Result;
use crate::dataflow::expr::kernels::internal;
use crate::dataflow::expr::kernels::vector::validity_of;

/// "No row": the end of a chain, or a probe row without a match.
pub const NONE: u32 = u32::MAX;

/// A direct array is used when the packed key range is at most this many times the build rows
/// (plus a small constant), so its memory stays proportional to the build side.
const DIRECT_FACTOR: u64 = 4;
const DIRECT_SLACK: u64 = 1024;

/// An integer map gets a presence bitmap over its key range when the range is at most this
/// many bits per build row (8 bytes per row at most).
const FILTER_BITS_PER_ROW: u64 = 64;

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
    /// An integer hash map over packed keys.
    Map {
        map: HashMap<i64, u32, BuildHasherDefault<IntHasher>>,
        /// When the key range is at most [`FILTER_BITS_PER_ROW`] bits per build row: one bit
        /// per key in `base..`, set for keys present, so most misses skip the hash lookup.
        filter: Option<(i64, Vec<u64>)>,
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
    ok: Vec<bool>,
}

/// The packed keys of probe rows `0..n` into `s.packed`, usability into `s.ok`.
fn pack_probe(keys: &[Column], n: usize, packing: &Packing, s: &mut ProbeScratch) -> Result<()> {
    s.packed.clear();
    s.packed.resize(n, 0);
    s.ok.clear();
    s.ok.resize(n, true);
    for (col, &(lo, hi, mult)) in keys.iter().zip(&packing.parts) {
        if let Some(m) = validity_of(col) {
            s.ok.iter_mut().zip(&m).for_each(|(o, m)| *o &= *m);
        }
        with_ints!(col, |v| pack_column(
            &v[..n],
            lo,
            hi,
            mult,
            &mut s.packed,
            &mut s.ok
        ));
    }
    Ok(())
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
        let mut map: HashMap<i64, u32, BuildHasherDefault<IntHasher>> =
            HashMap::with_capacity_and_hasher(n.min(1 << 20), Default::default());
        for r in (0..n).rev() {
            if ok[r] {
                let h = map.entry(k[r]).or_insert(NONE);
                next[r] = *h;
                *h = r as u32;
            }
        }
        let filter = (lo <= hi && span <= (n as u64 * FILTER_BITS_PER_ROW) as i128).then(|| {
            let mut bits = vec![0u64; (span as usize).div_ceil(64)];
            for (x, _) in k.iter().zip(ok).filter(|(_, o)| **o) {
                let d = (x - lo) as usize;
                bits[d / 64] |= 1 << (d % 64);
            }
            (lo, bits)
        });
        Lookup::Map { map, filter }
    }

    /// Integer probe: `at` maps a (packed) key to its first build row. A single key is read
    /// straight from its column; several keys are packed into scratch first.
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
            let (k, ok) = (&scratch.packed, &scratch.ok);
            let f = |r: usize| if ok[r] { at(k[r]) } else { NONE };
            match rows {
                None => out.extend((0..n).map(f)),
                Some(rows) => out.extend(rows.iter().map(|&r| f(r as usize))),
            }
            return Ok(());
        }
        let [col] = keys else {
            return Err(internal("join key count differs"));
        };
        let valid = validity_of(col);
        with_ints!(col, |v| {
            let v = &v[..n];
            match (rows, &valid) {
                (None, None) => out.extend(v.iter().map(|&x| at(widen(x)))),
                (Some(rows), None) => out.extend(rows.iter().map(|&r| at(widen(v[r as usize])))),
                (rows, Some(m)) => {
                    let f = |r: usize| if m[r] { at(widen(v[r])) } else { NONE };
                    match rows {
                        None => out.extend((0..n).map(f)),
                        Some(rows) => out.extend(rows.iter().map(|&r| f(r as usize))),
                    }
                }
            }
        });
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
                Lookup::Map { map, filter } => {
                    map.capacity() * 13 + filter.as_ref().map_or(0, |f| f.1.capacity() * 8)
                }
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
        let count = rows.map_or(n, <[u32]>::len);
        let row = |i: usize| rows.map_or(i, |r| r[i] as usize);
        match &self.lookup {
            Lookup::Bytes { table, heads } => {
                let scratch = &mut scratch.enc;
                encode(keys, n, scratch);
                out.extend((0..count).map(|i| {
                    let r = row(i);
                    if scratch.has_null[r] {
                        NONE
                    } else {
                        table
                            .find(scratch.key(r), scratch.hashes[r])
                            .map_or(NONE, |id| heads[id as usize])
                    }
                }));
            }
            Lookup::Direct { base, heads } => {
                let base = *base;
                let at = |k: i64| {
                    let d = k.wrapping_sub(base) as u64;
                    if d < heads.len() as u64 {
                        heads[d as usize]
                    } else {
                        NONE
                    }
                };
                self.probe_int(keys, n, rows, scratch, out, at)?;
            }
            Lookup::Map { map, filter: None } => {
                let at = |k: i64| map.get(&k).copied().unwrap_or(NONE);
                self.probe_int(keys, n, rows, scratch, out, at)?;
            }
            Lookup::Map {
                map,
                filter: Some((base, bits)),
            } => {
                let base = *base;
                let at = |k: i64| {
                    let d = k.wrapping_sub(base) as u64;
                    let present = bits
                        .get((d / 64) as usize)
                        .is_some_and(|w| w >> (d % 64) & 1 == 1);
                    if present {
                        map.get(&k).copied().unwrap_or(NONE)
                    } else {
                        NONE
                    }
                };
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
        assert!(matches!(t.lookup, Lookup::Map { filter: None, .. }));
        let p = Column::from_values(&[7i64, i64::MAX, 8, i64::MIN, -5_000_000_000]);
        assert_eq!(
            matches(&t, &[p], 5, None),
            vec![vec![1, 3], vec![2], vec![], vec![0], vec![4]]
        );
    }

    #[test]
    fn a_moderately_sparse_key_range_gets_a_presence_filter() {
        // 2000 keys spread over 0..100_000: too sparse for a direct array, dense enough for a
        // bitmap in front of the hash map.
        let vals: Vec<i64> = (0..2000).map(|i| i * 50 + 7).collect();
        let t = JoinTable::build(&[Column::from_values(&vals)], vals.len()).unwrap();
        assert!(matches!(
            t.lookup,
            Lookup::Map {
                filter: Some(_),
                ..
            }
        ));
        let p = Column::from_values(&[7i64, 8, 57, 99_957, 99_958, -1, 1 << 40, 6]);
        assert_eq!(
            matches(&t, &[p], 8, None),
            vec![
                vec![0],
                vec![],
                vec![1],
                vec![1999],
                vec![],
                vec![],
                vec![],
                vec![]
            ]
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

//! Assigning group ids to rows: a direct-indexed table for one small-domain key (`i8`, `i16`,
//! `bool`), a hash map for one integer key or a pair of them, and encoded row keys for everything else.

use hashbrown::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::columns::take;
use super::keys::{EncodedKeys, KeyTable, encode, hash_bytes};
use crate::dataflow::builder::StringBuilder;
use crate::dataflow::column::Column;
use crate::dataflow::error::Result;
use crate::dataflow::expr::kernels::cast::cast;
use crate::dataflow::expr::kernels::compare::TextRows;
use crate::dataflow::expr::kernels::eval::Value;
use crate::dataflow::expr::kernels::internal;
use crate::dataflow::expr::kernels::vector::{prim_col, validity_of};
use crate::dataflow::memory::MemoryAccount;
use crate::dataflow::types::DataType;

/// A multiply-shift hasher for integer keys.
#[derive(Default)]
pub struct IntHasher(u64);

impl Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_i64(&mut self, v: i64) {
        let x = (v as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = x ^ (x >> 29);
    }
    fn write_u64(&mut self, v: u64) {
        // Fold the high half in first: packed pairs keep one key in each half.
        let x = (v ^ (v >> 32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = x ^ (x >> 29);
    }
    fn write_u128(&mut self, v: u128) {
        let (lo, hi) = (v as u64, (v >> 64) as u64);
        let x = (lo ^ hi.rotate_left(32).wrapping_mul(0xC2B2_AE3D_27D4_EB4F))
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = x ^ (x >> 29);
    }
}

fn is_int(t: &DataType) -> bool {
    matches!(
        t,
        DataType::I8 | DataType::I16 | DataType::I32 | DataType::I64 | DataType::Bool
    )
}

/// Maps keys to dense group ids in first-seen order.
pub(crate) enum Grouper {
    /// No keys: every row is group 0.
    Single,
    /// One key with at most 2^16 values (after offsetting): direct index. Slot 0 is null.
    Direct {
        slots: Vec<u32>,
        keys: Vec<Option<i64>>,
        ty: DataType,
        offset: i64,
    },
    /// One integer key: values in `base..base + dense.len()` are indexed directly (`u32::MAX`:
    /// no group yet), the others hashed. The direct part grows while the keys stay dense
    /// (see [`DENSE_SPREAD`]), so ascending keys such as order numbers never touch the map.
    Int {
        map: HashMap<i64, u32, BuildHasherDefault<IntHasher>>,
        dense: Vec<u32>,
        /// The key of `dense[0]`, fixed by the first non-null key.
        base: Option<i64>,
        null_group: Option<u32>,
        keys: Vec<Option<i64>>,
        ty: DataType,
    },
    /// Two integer keys: pairs of `i32`-range values packed into one `u64` (16-byte map
    /// entries); rows with a null key or a wider value go through `nulls`.
    Pair {
        map: HashMap<u64, u32, BuildHasherDefault<IntHasher>>,
        /// Direct index for pairs of values in `0..SMALL` (e.g. dictionary ids), allocated on
        /// first use; such pairs never go to `map`.
        small: Vec<u32>,
        nulls: std::collections::HashMap<(Option<i64>, Option<i64>), u32>,
        keys: Vec<(Option<i64>, Option<i64>)>,
        types: [DataType; 2],
    },
    /// Integer and text keys, at least one text: each text key is replaced by its id in a
    /// per-column dictionary (`None` for integer keys) and `inner` groups the ids.
    Dict {
        dicts: Vec<Option<KeyTable>>,
        /// Per text key, the id of each text of at most one byte (index: the byte, or 256 for
        /// ""), `u32::MAX` until seen: the common one-letter codes skip hashing.
        short: Vec<Vec<u32>>,
        inner: Box<Grouper>,
    },
    /// Any keys, encoded.
    General {
        table: KeyTable,
        scratch: EncodedKeys,
        types: Vec<DataType>,
    },
}

impl Grouper {
    /// A grouper for keys of `types`.
    pub fn new(types: &[DataType]) -> Grouper {
        match types {
            [] => Grouper::Single,
            [t @ (DataType::I8 | DataType::Bool)] => Grouper::Direct {
                slots: vec![u32::MAX; 257],
                keys: Vec::new(),
                ty: *t,
                offset: 128,
            },
            [DataType::I16] => Grouper::Direct {
                slots: vec![u32::MAX; 65537],
                keys: Vec::new(),
                ty: DataType::I16,
                offset: 32768,
            },
            [t @ (DataType::I32 | DataType::I64)] => Grouper::Int {
                map: HashMap::default(),
                dense: Vec::new(),
                base: None,
                null_group: None,
                keys: Vec::new(),
                ty: *t,
            },
            [a, b] if is_int(a) && is_int(b) => Grouper::Pair {
                map: HashMap::default(),
                small: Vec::new(),
                nulls: std::collections::HashMap::new(),
                keys: Vec::new(),
                types: [*a, *b],
            },
            _ if types.iter().all(|t| is_int(t) || *t == DataType::Utf8)
                && types.contains(&DataType::Utf8) =>
            {
                let inner: Vec<DataType> = types
                    .iter()
                    .map(|t| {
                        if *t == DataType::Utf8 {
                            DataType::I64
                        } else {
                            *t
                        }
                    })
                    .collect();
                Grouper::Dict {
                    short: vec![vec![u32::MAX; 257]; types.len()],
                    dicts: types
                        .iter()
                        .map(|t| (*t == DataType::Utf8).then(KeyTable::new))
                        .collect(),
                    inner: Box::new(Grouper::new(&inner)),
                }
            }
            _ => Grouper::General {
                table: KeyTable::new(),
                scratch: EncodedKeys::default(),
                types: types.to_vec(),
            },
        }
    }

    /// Number of groups so far (a keyless aggregate always has its one group).
    pub fn len(&self) -> usize {
        match self {
            Grouper::Single => 1,
            Grouper::Direct { keys, .. } | Grouper::Int { keys, .. } => keys.len(),
            Grouper::Pair { keys, .. } => keys.len(),
            Grouper::Dict { inner, .. } => inner.len(),
            Grouper::General { table, .. } => table.len(),
        }
    }

    /// Number of groups found through a hash table rather than a direct index (the dense part
    /// of [`Grouper::Int`], the small-pair table, one-key domains): the groups whose look-ups
    /// miss the cache once the table outgrows it.
    pub fn hashed_len(&self) -> usize {
        match self {
            Grouper::Single | Grouper::Direct { .. } => 0,
            Grouper::Int { map, .. } => map.len(),
            Grouper::Pair { map, nulls, .. } => map.len() + nulls.len(),
            Grouper::Dict { dicts, inner, .. } => dicts
                .iter()
                .flatten()
                .map(KeyTable::len)
                .fold(inner.hashed_len(), usize::max),
            Grouper::General { table, .. } => table.len(),
        }
    }

    /// Approximate heap bytes, for memory accounting.
    pub fn heap_bytes(&self) -> usize {
        match self {
            Grouper::Single => 0,
            Grouper::Direct { slots, keys, .. } => slots.len() * 4 + keys.capacity() * 16,
            Grouper::Int {
                map, keys, dense, ..
            } => map.capacity() * 13 + keys.capacity() * 16 + dense.len() * 4,
            Grouper::Pair {
                map, keys, small, ..
            } => map.capacity() * 13 + keys.capacity() * 32 + small.len() * 4,
            Grouper::Dict { dicts, inner, .. } => {
                inner.heap_bytes()
                    + dicts
                        .iter()
                        .flatten()
                        .map(KeyTable::heap_bytes)
                        .sum::<usize>()
            }
            Grouper::General { table, .. } => table.heap_bytes(),
        }
    }

    /// Like [`Self::assign`] for the rows `sel` of `keys` (all rows when `None`; `len` is
    /// then their length). Text keys are looked up in place rather than gathered first.
    pub fn assign_selected(
        &mut self,
        keys: &[Column],
        sel: Option<&[u32]>,
        len: usize,
        out: &mut Vec<u32>,
    ) -> Result<()> {
        let Some(sel) = sel else {
            return self.assign(keys, len, out);
        };
        if let Grouper::Dict {
            dicts,
            short,
            inner,
        } = self
        {
            let ids = dict_ids(keys, dicts, short, Some(sel), sel.len())?;
            out.clear();
            return inner.assign(&ids, sel.len(), out);
        }
        let dense = keys
            .iter()
            .map(|k| take(k, sel))
            .collect::<Result<Vec<_>>>()?;
        self.assign(&dense, sel.len(), out)
    }

    /// The group id of each of the `n` rows of `keys`, creating groups as needed.
    pub fn assign(&mut self, keys: &[Column], n: usize, out: &mut Vec<u32>) -> Result<()> {
        out.clear();
        match self {
            Grouper::Single => out.resize(n, 0),
            Grouper::Direct {
                slots,
                keys: gk,
                offset,
                ..
            } => {
                let (vals, valid) = as_i64(&keys[0], n)?;
                for i in 0..n {
                    let ok = valid.as_ref().is_none_or(|m| m[i]);
                    let slot = if ok {
                        (vals[i] + *offset) as usize + 1
                    } else {
                        0
                    };
                    let Some(s) = slots.get_mut(slot) else {
                        return Err(internal("key out of domain"));
                    };
                    if *s == u32::MAX {
                        *s = gk.len() as u32;
                        gk.push(ok.then_some(vals[i]));
                    }
                    out.push(*s);
                }
            }
            Grouper::Int {
                map,
                dense,
                base,
                null_group,
                keys: gk,
                ..
            } => {
                let (vals, valid) = as_i64(&keys[0], n)?;
                for i in 0..n {
                    if valid.as_ref().is_some_and(|m| !m[i]) {
                        let id = *null_group.get_or_insert_with(|| {
                            gk.push(None);
                            (gk.len() - 1) as u32
                        });
                        out.push(id);
                        continue;
                    }
                    let v = vals[i];
                    let next = gk.len() as u32;
                    let b = *base.get_or_insert(if (0..DENSE_CAP as i64).contains(&v) {
                        0
                    } else {
                        v
                    });
                    if let Some(off) = dense_offset_within(v, b, dense_bound(gk.len())) {
                        if off >= dense.len() {
                            grow_dense(dense, map, b, off + 1, gk.len());
                        }
                        let slot = &mut dense[off];
                        if *slot == u32::MAX {
                            *slot = next;
                            gk.push(Some(v));
                        }
                        out.push(*slot);
                        continue;
                    }
                    let id = *map.entry(v).or_insert(next);
                    if id == next {
                        gk.push(Some(vals[i]));
                    }
                    out.push(id);
                }
            }
            Grouper::Pair {
                map,
                small,
                nulls,
                keys: gk,
                ..
            } => {
                let (a, va) = as_i64(&keys[0], n)?;
                let (b, vb) = as_i64(&keys[1], n)?;
                for i in 0..n {
                    let x = va.as_ref().is_none_or(|m| m[i]).then_some(a[i]);
                    let y = vb.as_ref().is_none_or(|m| m[i]).then_some(b[i]);
                    let next = gk.len() as u32;
                    let id = match (x, y) {
                        (Some(x), Some(y)) => match small_slot(x, y) {
                            Some(slot) => {
                                if small.is_empty() {
                                    small.resize(SMALL * SMALL, u32::MAX);
                                }
                                let s = &mut small[slot];
                                if *s == u32::MAX {
                                    *s = next;
                                }
                                *s
                            }
                            None => match pack(x, y) {
                                Some(k) => *map.entry(k).or_insert(next),
                                None => *nulls.entry((Some(x), Some(y))).or_insert(next),
                            },
                        },
                        _ => *nulls.entry((x, y)).or_insert(next),
                    };
                    if id == next {
                        gk.push((x, y));
                    }
                    out.push(id);
                }
            }
            Grouper::Dict {
                dicts,
                short,
                inner,
            } => {
                let ids = dict_ids(keys, dicts, short, None, n)?;
                inner.assign(&ids, n, out)?;
            }
            Grouper::General { table, scratch, .. } => {
                encode(keys, n, scratch);
                for i in 0..n {
                    out.push(table.find_or_insert(scratch.key(i), scratch.hashes[i]).0);
                }
            }
        }
        Ok(())
    }

    /// The existing group id of each of the `n` rows of `keys`, or `u32::MAX` for a key that
    /// has no group yet; creates nothing (the aggregate's spill mode routes those rows to disk).
    pub fn lookup(&mut self, keys: &[Column], n: usize, out: &mut Vec<u32>) -> Result<()> {
        const MISSING: u32 = u32::MAX;
        out.clear();
        match self {
            Grouper::Single => out.resize(n, 0),
            Grouper::Direct { slots, offset, .. } => {
                let (vals, valid) = as_i64(&keys[0], n)?;
                for i in 0..n {
                    let ok = valid.as_ref().is_none_or(|m| m[i]);
                    let slot = if ok {
                        (vals[i] + *offset) as usize + 1
                    } else {
                        0
                    };
                    out.push(slots.get(slot).copied().unwrap_or(MISSING));
                }
            }
            Grouper::Int {
                map,
                dense,
                base,
                null_group,
                ..
            } => {
                let (vals, valid) = as_i64(&keys[0], n)?;
                for i in 0..n {
                    out.push(if valid.as_ref().is_some_and(|m| !m[i]) {
                        null_group.unwrap_or(MISSING)
                    } else if let Some(slot) = base
                        .and_then(|b| dense_offset_within(vals[i], b, dense.len()))
                        .map(|off| &dense[off])
                    {
                        // Never u32::MAX for a created group (MISSING is u32::MAX too).
                        *slot
                    } else {
                        map.get(&vals[i]).copied().unwrap_or(MISSING)
                    });
                }
            }
            Grouper::Pair {
                map, small, nulls, ..
            } => {
                let (a, va) = as_i64(&keys[0], n)?;
                let (b, vb) = as_i64(&keys[1], n)?;
                for i in 0..n {
                    let x = va.as_ref().is_none_or(|m| m[i]).then_some(a[i]);
                    let y = vb.as_ref().is_none_or(|m| m[i]).then_some(b[i]);
                    let id = match (x, y) {
                        (Some(x), Some(y)) => match small_slot(x, y) {
                            Some(slot) => small.get(slot).copied(),
                            None => match pack(x, y) {
                                Some(k) => map.get(&k).copied(),
                                None => nulls.get(&(Some(x), Some(y))).copied(),
                            },
                        },
                        _ => nulls.get(&(x, y)).copied(),
                    };
                    out.push(id.unwrap_or(MISSING));
                }
            }
            Grouper::Dict { dicts, inner, .. } => {
                let mut missing = vec![false; n];
                let ids = keys
                    .iter()
                    .zip(dicts.iter())
                    .map(|(k, d)| match (k, d) {
                        (Column::Utf8(c), Some(d)) => {
                            let valid = validity_of(k);
                            let vals: Vec<i64> = (0..n)
                                .map(|i| {
                                    if valid.as_ref().is_some_and(|m| !m[i]) {
                                        return 0;
                                    }
                                    let b = c.value_bytes(i);
                                    d.find(b, hash_bytes(b)).map_or_else(
                                        || {
                                            missing[i] = true;
                                            0
                                        },
                                        i64::from,
                                    )
                                })
                                .collect();
                            prim_col(&vals, valid)
                        }
                        _ => Ok(k.clone()),
                    })
                    .collect::<Result<Vec<_>>>()?;
                inner.lookup(&ids, n, out)?;
                for (o, m) in out.iter_mut().zip(missing) {
                    if m {
                        *o = MISSING;
                    }
                }
            }
            Grouper::General { table, scratch, .. } => {
                encode(keys, n, scratch);
                for i in 0..n {
                    out.push(
                        table
                            .find(scratch.key(i), scratch.hashes[i])
                            .unwrap_or(MISSING),
                    );
                }
            }
        }
        Ok(())
    }

    /// The key columns, one row per group in id order.
    pub fn key_columns(&self) -> Result<Vec<Column>> {
        match self {
            Grouper::Single => Ok(Vec::new()),
            Grouper::Direct { keys, ty, .. } | Grouper::Int { keys, ty, .. } => {
                Ok(vec![int_column(keys, *ty)?])
            }
            Grouper::Pair { keys, types, .. } => {
                let a: Vec<Option<i64>> = keys.iter().map(|k| k.0).collect();
                let b: Vec<Option<i64>> = keys.iter().map(|k| k.1).collect();
                Ok(vec![int_column(&a, types[0])?, int_column(&b, types[1])?])
            }
            Grouper::Dict { dicts, inner, .. } => inner
                .key_columns()?
                .into_iter()
                .zip(dicts)
                .map(|(c, d)| match d {
                    None => Ok(c),
                    Some(d) => dict_values(&c, d),
                })
                .collect(),
            Grouper::General { table, types, .. } => table.decode(types),
        }
    }
}

/// The key columns of a [`Grouper::Dict`] for its inner grouper (`n` dense rows): each text
/// key replaced by its dictionary ids (created as needed), taken at rows `sel` when given.
fn dict_ids(
    keys: &[Column],
    dicts: &mut [Option<KeyTable>],
    short: &mut [Vec<u32>],
    sel: Option<&[u32]>,
    n: usize,
) -> Result<Vec<Column>> {
    let row = |k: usize| sel.map_or(k, |s| s[k] as usize);
    keys.iter()
        .zip(dicts.iter_mut())
        .zip(short.iter_mut())
        .map(|((k, d), short)| match (k, d) {
            (Column::Utf8(c), Some(d)) => {
                let valid = validity_of(k);
                let valid: Option<Vec<bool>> = match (valid, sel) {
                    (Some(v), Some(s)) => Some(s.iter().map(|&i| v[i as usize]).collect()),
                    (v, _) => v,
                };
                // Offsets and bytes looked up once, not per row (`value_bytes` is not inlined).
                let text = TextRows::new(c);
                // Selections are ascending: the last row is the largest.
                if c.len() < sel.map_or(n, |s| s.last().map_or(0, |&i| i as usize + 1)) {
                    return Err(internal("text key column too short"));
                }
                let vals: Vec<i64> = (0..n)
                    .map(|k| {
                        if valid.as_ref().is_some_and(|m| !m[k]) {
                            return 0;
                        }
                        let b = text.get(row(k));
                        let slot = match b {
                            [] => Some(256),
                            [x] => Some(*x as usize),
                            _ => None,
                        };
                        if let Some(s) = slot
                            && short[s] != u32::MAX
                        {
                            return short[s] as i64;
                        }
                        let id = d.find_or_insert(b, hash_bytes(b)).0;
                        if let Some(s) = slot {
                            short[s] = id;
                        }
                        id as i64
                    })
                    .collect();
                prim_col(&vals, valid)
            }
            _ => match sel {
                Some(s) => take(k, s),
                None => Ok(k.clone()),
            },
        })
        .collect()
}

/// Most slots the direct part of [`Grouper::Int`] may have (64 MiB of ids).
const DENSE_CAP: usize = 1 << 24;

/// The direct part of [`Grouper::Int`] covers at most this many keys per group (plus a
/// start-up allowance), so it costs at most ≈ 4 × DENSE_SPREAD bytes a group.
const DENSE_SPREAD: usize = 8;

/// How many slots the direct part of [`Grouper::Int`] may have with `groups` groups so far.
fn dense_bound(groups: usize) -> usize {
    (DENSE_SPREAD * (groups + 4096)).min(DENSE_CAP)
}

/// Grows the direct part of [`Grouper::Int`] to at least `need` slots (doubling, within the
/// spread bound) and moves the hashed keys it now covers out of `map`, so that every key lives
/// in exactly one of the two.
fn grow_dense(
    dense: &mut Vec<u32>,
    map: &mut HashMap<i64, u32, BuildHasherDefault<IntHasher>>,
    base: i64,
    need: usize,
    groups: usize,
) {
    let len = (dense.len() * 2)
        .max(4096)
        .min(dense_bound(groups))
        .max(need);
    dense.resize(len, u32::MAX);
    if !map.is_empty() {
        map.retain(|&k, &mut id| match dense_offset_within(k, base, len) {
            Some(off) => {
                dense[off] = id;
                false
            }
            None => true,
        });
    }
}

/// `k`'s offset from `base` when it is below `len`.
fn dense_offset_within(k: i64, base: i64, len: usize) -> Option<usize> {
    // k >= base, so the true difference fits in u64.
    (k >= base)
        .then(|| (k as u64).wrapping_sub(base as u64))
        .filter(|&off| off < len as u64)
        .map(|off| off as usize)
}

/// Side of the direct table of [`Grouper::Pair`] for small value pairs.
const SMALL: usize = 256;

/// The direct-table slot of the pair `(x, y)`, when both are in `0..SMALL`.
fn small_slot(x: i64, y: i64) -> Option<usize> {
    ((x as u64 | y as u64) < SMALL as u64).then(|| x as usize * SMALL + y as usize)
}

/// Two integer keys packed into one hash key, when both are in the `i32` range (each pair of
/// such values gets its own key; other pairs have none).
fn pack(x: i64, y: i64) -> Option<u64> {
    let (x, y) = (i32::try_from(x).ok()?, i32::try_from(y).ok()?);
    Some(((x as u32 as u64) << 32) | y as u32 as u64)
}

/// The text of each id in `ids` (an `i64` column of dictionary ids, nulls kept).
fn dict_values(ids: &Column, dict: &KeyTable) -> Result<Column> {
    let Column::I64(c) = ids else {
        return Err(internal("dictionary ids must be i64"));
    };
    let valid = validity_of(ids);
    let mut b = StringBuilder::new(MemoryAccount::unlimited());
    for (i, &id) in c.values().iter().enumerate() {
        if valid.as_ref().is_some_and(|m| !m[i]) {
            b.append_null();
        } else {
            let text = std::str::from_utf8(dict.key(id as u32))
                .map_err(|_| internal("bad dictionary text"))?;
            b.append_value(text);
        }
    }
    b.finish()
}

/// An integer or bool column of type `ty` from widened values.
fn int_column(keys: &[Option<i64>], ty: DataType) -> Result<Column> {
    let vals: Vec<i64> = keys.iter().map(|k| k.unwrap_or(0)).collect();
    let valid: Vec<bool> = keys.iter().map(Option::is_some).collect();
    let col = prim_col(&vals, Some(valid))?;
    let n = keys.len();
    if ty == DataType::I64 {
        return Ok(col);
    }
    cast(&Value::Col(col), DataType::I64, ty, n)?.into_column(ty, n)
}

/// An integer or bool column widened to `i64` values plus validity.
pub fn as_i64(col: &Column, n: usize) -> Result<(Vec<i64>, Option<Vec<bool>>)> {
    let valid = validity_of(col);
    let vals: Vec<i64> = match col {
        Column::I8(c) => c.values()[..n].iter().map(|&v| v as i64).collect(),
        Column::I16(c) => c.values()[..n].iter().map(|&v| v as i64).collect(),
        Column::I32(c) => c.values()[..n].iter().map(|&v| v as i64).collect(),
        Column::I64(c) => c.values()[..n].to_vec(),
        Column::Bool(c) => (0..n).map(|i| c.value(i) as i64).collect(),
        _ => return Err(internal("integer key expected")),
    };
    Ok((vals, valid))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataflow::column::ValueRef;

    fn cells(c: &Column) -> Vec<String> {
        (0..c.len()).map(|i| format!("{:?}", c.value(i))).collect()
    }

    /// Group ids a first-seen map gives `keys` (the reference for the integer grouper).
    fn first_seen(keys: &[Option<i64>]) -> Vec<u32> {
        let mut ids = std::collections::HashMap::new();
        keys.iter()
            .map(|k| {
                let next = ids.len() as u32;
                *ids.entry(*k).or_insert(next)
            })
            .collect()
    }

    #[test]
    fn int_grouper_direct_part_agrees_with_a_first_seen_map() {
        // Patterns that keep keys in the map, start the direct part late, grow it (moving
        // hashed keys over) and stay outside it: ascending sparse keys (TPC-H order numbers),
        // a far first key then small ones, negatives, the i64 extremes, nulls, and a spread
        // too wide for the direct part.
        let mut patterns: Vec<Vec<Option<i64>>> = vec![
            (0..200_000)
                .map(|i| Some(1 + (i / 4) * 32 + i % 4))
                .collect(),
            [Some(1i64 << 40)]
                .into_iter()
                .chain((0..50_000).map(|i| Some((i * 7919) % 60_000)))
                .collect(),
            (0..30_000).map(|i| Some(-(i % 9_000) - 5)).collect(),
            vec![
                Some(i64::MAX),
                Some(i64::MIN),
                None,
                Some(0),
                Some(i64::MAX - 1),
                None,
            ],
            (0..40_000)
                .map(|i| Some((i * 1_000_003) % (1 << 30)))
                .collect(),
        ];
        // Keys first hashed (beyond the initial spread bound), later covered by growth.
        patterns.push(
            (0..70_000)
                .map(|i| Some(if i < 10 { 60_000 + i } else { i - 10 }))
                .collect(),
        );
        for (n, keys) in patterns.into_iter().enumerate() {
            let col = Column::from_options(&keys);
            let mut g = Grouper::new(&[DataType::I64]);
            let mut out = Vec::new();
            // In batches, as the aggregate feeds it.
            let mut all = Vec::new();
            for start in (0..keys.len()).step_by(4096) {
                let end = (start + 4096).min(keys.len());
                let batch = Column::from_options(&keys[start..end]);
                g.assign(&[batch], end - start, &mut out).unwrap();
                all.extend_from_slice(&out);
            }
            let want = first_seen(&keys);
            assert_eq!(all, want);
            if let Grouper::Int { map, dense, .. } = &g {
                // Order numbers and the late-covered keys end up wholly in the direct part.
                if n == 0 || n == 5 {
                    assert!(map.is_empty() && !dense.is_empty(), "pattern {n}");
                }
            }
            g.lookup(&[col], keys.len(), &mut out).unwrap();
            assert_eq!(out, want);
            let absent = Column::from_values(&[-1_000_000_007i64, 1 << 50]);
            g.lookup(&[absent], 2, &mut out).unwrap();
            assert!(out.iter().all(|&id| id == u32::MAX), "{out:?}");
            let groups = g.key_columns().unwrap();
            let mut distinct: Vec<Option<i64>> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for k in &keys {
                if seen.insert(*k) {
                    distinct.push(*k);
                }
            }
            let got: Vec<Option<i64>> = (0..groups[0].len())
                .map(|i| match groups[0].value(i) {
                    ValueRef::I64(v) => Some(v),
                    _ => None,
                })
                .collect();
            assert_eq!(got, distinct);
        }
    }

    #[test]
    fn pair_grouper_keeps_nulls_apart_and_first_seen_order() {
        let a = Column::from_options(&[Some(1i32), Some(1), None, Some(2), None, Some(1)]);
        let b = Column::from_options(&[Some(5i64), Some(6), Some(5), Some(5), Some(5), Some(5)]);
        let mut g = Grouper::new(&[DataType::I32, DataType::I64]);
        assert!(matches!(g, Grouper::Pair { .. }));
        let mut out = Vec::new();
        g.assign(&[a, b], 6, &mut out).unwrap();
        assert_eq!(out, vec![0, 1, 2, 3, 2, 0]);
        let keys = g.key_columns().unwrap();
        assert_eq!(keys[0].data_type(), DataType::I32);
        assert_eq!(keys[0].value(2), ValueRef::Null);
        assert_eq!(cells(&keys[1]), ["I64(5)", "I64(6)", "I64(5)", "I64(5)"]);
    }

    #[test]
    fn pair_grouper_separates_packed_and_wide_values() {
        // i32-range pairs are packed into one u64; wider ones must not collide with them
        // (e.g. (1, 2^32) vs (2, 0) or (0, -1) vs (0, 2^32 - 1)).
        let big = 1i64 << 32;
        let xs = [1i64, 2, 0, 0, i64::MAX, i32::MIN as i64, 1, 0, 2, i64::MIN];
        let ys = [
            big,
            0,
            -1,
            big - 1,
            7,
            i32::MAX as i64,
            big,
            -1,
            0,
            i64::MIN,
        ];
        let mut g = Grouper::new(&[DataType::I64, DataType::I64]);
        let mut out = Vec::new();
        let (a, b) = (Column::from_values(&xs), Column::from_values(&ys));
        g.assign(&[a.clone(), b.clone()], xs.len(), &mut out)
            .unwrap();
        assert_eq!(out, vec![0, 1, 2, 3, 4, 5, 0, 2, 1, 6]);
        g.lookup(&[a, b], xs.len(), &mut out).unwrap();
        assert_eq!(out, vec![0, 1, 2, 3, 4, 5, 0, 2, 1, 6]);
        let keys = g.key_columns().unwrap();
        assert_eq!(keys[0].value(4), ValueRef::I64(i64::MAX));
        assert_eq!(keys[1].value(3), ValueRef::I64(big - 1));
        assert_eq!(keys[1].value(6), ValueRef::I64(i64::MIN));
    }

    #[test]
    fn dictionary_grouper_maps_text_back() {
        let s = Column::from_strs(&[Some("R"), Some("A"), None, Some("R"), Some("")]);
        let k = Column::from_values(&[1i64, 1, 1, 1, 1]);
        let mut g = Grouper::new(&[DataType::Utf8, DataType::I64]);
        assert!(matches!(g, Grouper::Dict { .. }));
        let mut out = Vec::new();
        g.assign(&[s.clone(), k.clone()], 5, &mut out).unwrap();
        g.assign(&[s, k], 5, &mut out).unwrap();
        assert_eq!(out, vec![0, 1, 2, 0, 3]);
        let keys = g.key_columns().unwrap();
        assert_eq!(keys[0].data_type(), DataType::Utf8);
        assert_eq!(
            cells(&keys[0]),
            ["Utf8(\"R\")", "Utf8(\"A\")", "Null", "Utf8(\"\")"]
        );
    }

    #[test]
    fn selected_rows_group_like_gathered_ones() {
        let s = Column::from_strs(&[
            Some("N"),
            Some("long"),
            None,
            Some("N"),
            Some(""),
            Some("A"),
        ]);
        let k = Column::from_options(&[Some(1i64), Some(2), Some(3), None, Some(1), Some(300)]);
        let sel = [1u32, 2, 3, 5];
        let types = [DataType::Utf8, DataType::I64];
        let (mut a, mut b) = (Grouper::new(&types), Grouper::new(&types));
        let (mut got, mut want) = (Vec::new(), Vec::new());
        a.assign_selected(&[s.clone(), k.clone()], Some(&sel), 6, &mut got)
            .unwrap();
        let dense = [take(&s, &sel).unwrap(), take(&k, &sel).unwrap()];
        b.assign(&dense, 4, &mut want).unwrap();
        assert_eq!(got, want);
        assert_eq!(got, vec![0, 1, 2, 3]);
        let cols = |g: &Grouper| {
            g.key_columns()
                .unwrap()
                .iter()
                .map(cells)
                .collect::<Vec<_>>()
        };
        assert_eq!(cols(&a), cols(&b));
        // Small pairs (direct table) and large ones (hash map) keep one id per key.
        let mut p = Grouper::new(&[DataType::I64, DataType::I64]);
        let x = Column::from_values(&[0i64, 255, 256, -1, 0, 255]);
        let y = Column::from_values(&[0i64, 255, 0, 0, 0, 255]);
        p.assign_selected(&[x.clone(), y.clone()], None, 6, &mut got)
            .unwrap();
        assert_eq!(got, vec![0, 1, 2, 3, 0, 1]);
        p.lookup(&[x, y], 6, &mut got).unwrap();
        assert_eq!(got, vec![0, 1, 2, 3, 0, 1]);
    }
}

//! Per-group aggregate state, one typed vector per aggregate indexed by group id, updated a
//! batch at a time (ints accumulate in `i128`, floats in `f64`; variance uses Welford's method).

use super::grouper::as_i64;
use super::keys::{EncodedKeys, KeyTable, encode};
use crate::dataflow::builder::StringBuilder;
use crate::dataflow::column::Column;
use crate::dataflow::error::{DataflowError, Result};
use crate::dataflow::expr::functions::AggFunc;
use crate::dataflow::expr::kernels::cast::cast;
use crate::dataflow::expr::kernels::eval::Value;
use crate::dataflow::expr::kernels::internal;
use crate::dataflow::expr::kernels::num::Num;
use crate::dataflow::expr::kernels::vector::{prim_col, validity_of};
use crate::dataflow::expr::typing::{is_float, is_int};
use crate::dataflow::memory::MemoryAccount;
use crate::dataflow::types::DataType;

/// The state of one aggregate over all groups.
pub(crate) enum AggState {
    /// `count(*)`
    CountStar(Vec<i64>),
    /// `count(x)`
    Count(Vec<i64>),
    /// `count(distinct x)`: (group, value) pairs seen, and the counts.
    CountDistinct {
        seen: KeyTable,
        count: Vec<i64>,
        scratch: EncodedKeys,
    },
    /// `sum` of integers.
    SumInt { sum: Vec<i128>, seen: Vec<bool> },
    /// `sum` of floats.
    SumFloat { sum: Vec<f64>, seen: Vec<bool> },
    /// `avg` (integers summed exactly).
    Avg {
        isum: Vec<i128>,
        fsum: Vec<f64>,
        count: Vec<i64>,
        int: bool,
    },
    /// `min`/`max` of integers and bools.
    MinMaxInt {
        val: Vec<i64>,
        seen: Vec<bool>,
        max: bool,
    },
    /// `min`/`max` of floats (NaN is the largest).
    MinMaxFloat {
        val: Vec<f64>,
        seen: Vec<bool>,
        max: bool,
    },
    /// `min`/`max` of text (by bytes).
    MinMaxStr { val: Vec<Option<String>>, max: bool },
    /// `variance`/`stddev` (sample): count, mean, sum of squared deviations.
    Var {
        n: Vec<i64>,
        mean: Vec<f64>,
        m2: Vec<f64>,
        stddev: bool,
    },
}

/// Runs `f` over the first `n` values of `col` (of type `ty`) as `f64`, with the validity
/// (`None` when no row is null). An `f64` column is read in place; others are cast first.
fn with_f64<R>(
    col: &Column,
    ty: DataType,
    n: usize,
    f: impl FnOnce(&[f64], Option<&[bool]>) -> R,
) -> Result<R> {
    if let Column::F64(c) = col {
        let valid = validity_of(col);
        let vals = c
            .values()
            .get(..n)
            .ok_or_else(|| internal("short column"))?;
        return Ok(f(vals, valid.as_deref()));
    }
    let c = cast(&Value::Col(col.clone()), ty, DataType::F64, n)?.into_column(DataType::F64, n)?;
    let valid = validity_of(&c);
    let vals = c.as_f64_slice().ok_or_else(|| internal("f64 expected"))?;
    let vals = vals.get(..n).ok_or_else(|| internal("short column"))?;
    Ok(f(vals, valid.as_deref()))
}

/// Adds each valid value to its group's sum (and count, when given).
fn add_f64(
    vals: &[f64],
    valid: Option<&[bool]>,
    groups: &[u32],
    sum: &mut [f64],
    mut count: Option<&mut [i64]>,
) {
    match valid {
        None => {
            for (&v, &g) in vals.iter().zip(groups) {
                sum[g as usize] += v;
            }
            if let Some(c) = count.as_deref_mut() {
                groups.iter().for_each(|&g| c[g as usize] += 1);
            }
        }
        Some(m) => {
            for ((&v, &g), &ok) in vals.iter().zip(groups).zip(m) {
                if ok {
                    sum[g as usize] += v;
                    if let Some(c) = count.as_deref_mut() {
                        c[g as usize] += 1;
                    }
                }
            }
        }
    }
}

impl AggState {
    /// The initial state for `func` over an argument of type `arg`.
    pub fn new(func: AggFunc, arg: Option<DataType>) -> AggState {
        let int = arg.is_some_and(|t| is_int(&t) || t == DataType::Bool);
        match func {
            AggFunc::CountStar => AggState::CountStar(Vec::new()),
            AggFunc::Count => AggState::Count(Vec::new()),
            AggFunc::CountDistinct => AggState::CountDistinct {
                seen: KeyTable::new(),
                count: Vec::new(),
                scratch: EncodedKeys::default(),
            },
            AggFunc::Sum if int => AggState::SumInt {
                sum: Vec::new(),
                seen: Vec::new(),
            },
            AggFunc::Sum => AggState::SumFloat {
                sum: Vec::new(),
                seen: Vec::new(),
            },
            AggFunc::Avg => AggState::Avg {
                isum: Vec::new(),
                fsum: Vec::new(),
                count: Vec::new(),
                int,
            },
            AggFunc::Min | AggFunc::Max => {
                let max = func == AggFunc::Max;
                match arg {
                    Some(DataType::Utf8) => AggState::MinMaxStr {
                        val: Vec::new(),
                        max,
                    },
                    Some(t) if is_float(&t) => AggState::MinMaxFloat {
                        val: Vec::new(),
                        seen: Vec::new(),
                        max,
                    },
                    _ => AggState::MinMaxInt {
                        val: Vec::new(),
                        seen: Vec::new(),
                        max,
                    },
                }
            }
            AggFunc::Stddev | AggFunc::Variance => AggState::Var {
                n: Vec::new(),
                mean: Vec::new(),
                m2: Vec::new(),
                stddev: func == AggFunc::Stddev,
            },
        }
    }

    /// Grows the state to `groups` groups.
    pub fn resize(&mut self, groups: usize) {
        match self {
            AggState::CountStar(c)
            | AggState::Count(c)
            | AggState::CountDistinct { count: c, .. } => c.resize(groups, 0),
            AggState::SumInt { sum, seen } => {
                sum.resize(groups, 0);
                seen.resize(groups, false);
            }
            AggState::SumFloat { sum, seen } => {
                sum.resize(groups, 0.0);
                seen.resize(groups, false);
            }
            AggState::Avg {
                isum, fsum, count, ..
            } => {
                isum.resize(groups, 0);
                fsum.resize(groups, 0.0);
                count.resize(groups, 0);
            }
            AggState::MinMaxInt { val, seen, .. } => {
                val.resize(groups, 0);
                seen.resize(groups, false);
            }
            AggState::MinMaxFloat { val, seen, .. } => {
                val.resize(groups, 0.0);
                seen.resize(groups, false);
            }
            AggState::MinMaxStr { val, .. } => val.resize(groups, None),
            AggState::Var { n, mean, m2, .. } => {
                n.resize(groups, 0);
                mean.resize(groups, 0.0);
                m2.resize(groups, 0.0);
            }
        }
    }

    /// Approximate heap bytes per group, for memory accounting.
    pub fn bytes_per_group(&self) -> usize {
        match self {
            AggState::CountStar(_) | AggState::Count(_) => 8,
            AggState::CountDistinct { .. } => 32,
            AggState::SumInt { .. } => 17,
            AggState::SumFloat { .. }
            | AggState::MinMaxInt { .. }
            | AggState::MinMaxFloat { .. } => 9,
            AggState::Avg { .. } => 32,
            AggState::MinMaxStr { .. } => 40,
            AggState::Var { .. } => 24,
        }
    }

    /// Heap bytes that grow with the values seen rather than with the groups (the
    /// `count(distinct)` value table), for memory accounting.
    pub fn value_bytes(&self) -> usize {
        match self {
            AggState::CountDistinct { seen, .. } => seen.heap_bytes(),
            _ => 0,
        }
    }

    /// Number of (group, value) pairs a `count(distinct)` keeps in its hash table (0 for the
    /// other aggregates): like a grouper's hashed groups, they outgrow the cache.
    pub fn distinct_values(&self) -> usize {
        match self {
            AggState::CountDistinct { seen, .. } => seen.len(),
            _ => 0,
        }
    }

    /// Folds `n` rows into their groups `groups`; `arg` is the evaluated argument of type `ty`.
    pub fn update(
        &mut self,
        groups: &[u32],
        arg: Option<&Column>,
        ty: Option<DataType>,
        n: usize,
    ) -> Result<()> {
        if let AggState::CountStar(c) = self {
            groups.iter().for_each(|&g| c[g as usize] += 1);
            return Ok(());
        }
        let (Some(arg), Some(ty)) = (arg, ty) else {
            return Err(internal("aggregate without argument"));
        };
        let ok = |valid: &Option<Vec<bool>>, i: usize| valid.as_ref().is_none_or(|m| m[i]);
        match self {
            AggState::CountStar(_) => {}
            AggState::Count(c) => {
                let valid = validity_of(arg);
                for (i, &g) in groups.iter().enumerate() {
                    c[g as usize] += ok(&valid, i) as i64;
                }
            }
            AggState::CountDistinct {
                seen,
                count,
                scratch,
            } => {
                let gcol = prim_col(&groups.iter().map(|&g| g as i64).collect::<Vec<_>>(), None)?;
                let valid = validity_of(arg);
                encode(&[gcol, arg.clone()], n, scratch);
                for (i, &g) in groups.iter().enumerate() {
                    if ok(&valid, i) && seen.find_or_insert(scratch.key(i), scratch.hashes[i]).1 {
                        count[g as usize] += 1;
                    }
                }
            }
            AggState::SumInt { sum, seen } => {
                let (vals, valid) = as_i64(arg, n)?;
                for (i, &g) in groups.iter().enumerate() {
                    if ok(&valid, i) {
                        sum[g as usize] += vals[i] as i128;
                        seen[g as usize] = true;
                    }
                }
            }
            AggState::SumFloat { sum, seen } => {
                with_f64(arg, ty, n, |vals, valid| {
                    add_f64(vals, valid, groups, sum, None);
                    for (i, &g) in groups.iter().enumerate() {
                        if valid.is_none_or(|m| m[i]) {
                            seen[g as usize] = true;
                        }
                    }
                })?;
            }
            AggState::Avg {
                isum,
                fsum,
                count,
                int,
            } => {
                if *int {
                    let (vals, valid) = as_i64(arg, n)?;
                    for (i, &g) in groups.iter().enumerate() {
                        if ok(&valid, i) {
                            isum[g as usize] += vals[i] as i128;
                            count[g as usize] += 1;
                        }
                    }
                } else {
                    with_f64(arg, ty, n, |vals, valid| {
                        add_f64(vals, valid, groups, fsum, Some(count));
                    })?;
                }
            }
            AggState::MinMaxInt { val, seen, max } => {
                let (vals, valid) = as_i64(arg, n)?;
                for (i, &g) in groups.iter().enumerate() {
                    let g = g as usize;
                    if ok(&valid, i)
                        && (!seen[g] || (vals[i] > val[g]) == *max && vals[i] != val[g])
                    {
                        val[g] = vals[i];
                        seen[g] = true;
                    }
                }
            }
            AggState::MinMaxFloat { val, seen, max } => {
                with_f64(arg, ty, n, |vals, valid| {
                    for (i, &g) in groups.iter().enumerate() {
                        let g = g as usize;
                        if !valid.is_none_or(|m| m[i]) {
                            continue;
                        }
                        let o = f64::sql_cmp(vals[i], val[g]);
                        let better = if *max { o.is_gt() } else { o.is_lt() };
                        if !seen[g] || better {
                            val[g] = vals[i];
                            seen[g] = true;
                        }
                    }
                })?;
            }
            AggState::MinMaxStr { val, max } => {
                let Column::Utf8(s) = arg else {
                    return Err(internal("text expected"));
                };
                let valid = validity_of(arg);
                for (i, &g) in groups.iter().enumerate() {
                    if !ok(&valid, i) {
                        continue;
                    }
                    let v = s.value(i);
                    let slot = &mut val[g as usize];
                    let better = match slot {
                        None => true,
                        Some(cur) => {
                            let o = v.as_bytes().cmp(cur.as_bytes());
                            if *max { o.is_gt() } else { o.is_lt() }
                        }
                    };
                    if better {
                        match slot {
                            Some(cur) => {
                                cur.clear();
                                cur.push_str(v);
                            }
                            None => *slot = Some(v.to_string()),
                        }
                    }
                }
            }
            AggState::Var {
                n: cnt, mean, m2, ..
            } => {
                with_f64(arg, ty, n, |vals, valid| {
                    for (i, &g) in groups.iter().enumerate() {
                        if valid.is_none_or(|m| m[i]) {
                            let g = g as usize;
                            cnt[g] += 1;
                            let d = vals[i] - mean[g];
                            mean[g] += d / cnt[g] as f64;
                            m2[g] += d * (vals[i] - mean[g]);
                        }
                    }
                })?;
            }
        }
        Ok(())
    }

    /// Whether [`Self::merge`] supports this state (all but `count(distinct)`, whose value
    /// tables would have to be re-keyed).
    pub fn mergeable(func: AggFunc) -> bool {
        func != AggFunc::CountDistinct
    }

    /// Folds `other` (a partial state over later rows, e.g. another thread's part of the
    /// input) into this one: `other`'s group `g` is this state's group `map[g]`, which must
    /// exist (call [`Self::resize`] first). Float sums add the two partial sums, so their last
    /// bits may differ from a sequential sum; variance combines by Chan's formula. Ties of
    /// `min`/`max` keep this state's value (the earlier rows').
    pub fn merge(&mut self, other: AggState, map: &[u32]) -> Result<()> {
        fn each<T>(other: Vec<T>, map: &[u32], mut f: impl FnMut(usize, T)) {
            for (v, &g) in other.into_iter().zip(map) {
                f(g as usize, v);
            }
        }
        match (self, other) {
            (AggState::CountStar(c), AggState::CountStar(o))
            | (AggState::Count(c), AggState::Count(o)) => each(o, map, |g, v| c[g] += v),
            (
                AggState::SumInt { sum, seen },
                AggState::SumInt {
                    sum: os,
                    seen: oseen,
                },
            ) => each(os.into_iter().zip(oseen).collect(), map, |g, (v, ok)| {
                sum[g] += v;
                seen[g] |= ok;
            }),
            (
                AggState::SumFloat { sum, seen },
                AggState::SumFloat {
                    sum: os,
                    seen: oseen,
                },
            ) => each(os.into_iter().zip(oseen).collect(), map, |g, (v, ok)| {
                if ok {
                    sum[g] += v;
                    seen[g] = true;
                }
            }),
            (
                AggState::Avg {
                    isum, fsum, count, ..
                },
                AggState::Avg {
                    isum: oi,
                    fsum: of,
                    count: oc,
                    ..
                },
            ) => {
                for (j, &g) in map.iter().enumerate() {
                    let g = g as usize;
                    if oc[j] > 0 {
                        isum[g] += oi[j];
                        fsum[g] += of[j];
                        count[g] += oc[j];
                    }
                }
            }
            (
                AggState::MinMaxInt { val, seen, max },
                AggState::MinMaxInt {
                    val: ov, seen: os, ..
                },
            ) => {
                for (j, &g) in map.iter().enumerate() {
                    let g = g as usize;
                    if os[j] && (!seen[g] || (ov[j] > val[g]) == *max && ov[j] != val[g]) {
                        val[g] = ov[j];
                        seen[g] = true;
                    }
                }
            }
            (
                AggState::MinMaxFloat { val, seen, max },
                AggState::MinMaxFloat {
                    val: ov, seen: os, ..
                },
            ) => {
                for (j, &g) in map.iter().enumerate() {
                    let g = g as usize;
                    let o = f64::sql_cmp(ov[j], val[g]);
                    let better = if *max { o.is_gt() } else { o.is_lt() };
                    if os[j] && (!seen[g] || better) {
                        val[g] = ov[j];
                        seen[g] = true;
                    }
                }
            }
            (AggState::MinMaxStr { val, max }, AggState::MinMaxStr { val: ov, .. }) => {
                each(ov, map, |g, v| {
                    let Some(v) = v else { return };
                    let better = match &val[g] {
                        None => true,
                        Some(cur) => {
                            let o = v.as_bytes().cmp(cur.as_bytes());
                            if *max { o.is_gt() } else { o.is_lt() }
                        }
                    };
                    if better {
                        val[g] = Some(v);
                    }
                })
            }
            (
                AggState::Var { n, mean, m2, .. },
                AggState::Var {
                    n: on,
                    mean: om,
                    m2: o2,
                    ..
                },
            ) => {
                for (j, &g) in map.iter().enumerate() {
                    let g = g as usize;
                    if on[j] == 0 {
                        continue;
                    }
                    if n[g] == 0 {
                        (n[g], mean[g], m2[g]) = (on[j], om[j], o2[j]);
                        continue;
                    }
                    let (na, nb) = (n[g] as f64, on[j] as f64);
                    let total = na + nb;
                    let d = om[j] - mean[g];
                    mean[g] += d * nb / total;
                    m2[g] += o2[j] + d * d * na * nb / total;
                    n[g] += on[j];
                }
            }
            _ => return Err(internal("aggregate states cannot be merged")),
        }
        Ok(())
    }

    /// The result column (one row per group) of type `out`.
    pub fn finish(&self, out: DataType, name: &str) -> Result<Column> {
        let col = match self {
            AggState::CountStar(c)
            | AggState::Count(c)
            | AggState::CountDistinct { count: c, .. } => prim_col(c, None)?,
            AggState::SumInt { sum, seen } => {
                let mut vals = Vec::with_capacity(sum.len());
                for &s in sum {
                    vals.push(i64::try_from(s).map_err(|_| DataflowError::Plan {
                        message: format!("aggregate \"{name}\": sum overflows i64"),
                    })?);
                }
                prim_col(&vals, Some(seen.clone()))?
            }
            AggState::SumFloat { sum, seen } => prim_col(sum, Some(seen.clone()))?,
            AggState::Avg {
                isum,
                fsum,
                count,
                int,
            } => {
                let vals: Vec<f64> = (0..count.len())
                    .map(|g| {
                        let s = if *int { isum[g] as f64 } else { fsum[g] };
                        if count[g] > 0 {
                            s / count[g] as f64
                        } else {
                            0.0
                        }
                    })
                    .collect();
                prim_col(&vals, Some(count.iter().map(|&c| c > 0).collect()))?
            }
            AggState::MinMaxInt { val, seen, .. } => {
                let c = prim_col(val, Some(seen.clone()))?;
                cast(&Value::Col(c), DataType::I64, out, val.len())?.into_column(out, val.len())?
            }
            AggState::MinMaxFloat { val, seen, .. } => {
                let c = prim_col(val, Some(seen.clone()))?;
                cast(&Value::Col(c), DataType::F64, out, val.len())?.into_column(out, val.len())?
            }
            AggState::MinMaxStr { val, .. } => {
                let mut b = StringBuilder::new(MemoryAccount::unlimited());
                for v in val {
                    b.append_option(v.as_deref());
                }
                b.finish()?
            }
            AggState::Var { n, m2, stddev, .. } => {
                let vals: Vec<f64> = (0..n.len())
                    .map(|g| {
                        let v = if n[g] > 1 {
                            m2[g] / (n[g] - 1) as f64
                        } else {
                            0.0
                        };
                        if *stddev { v.sqrt() } else { v }
                    })
                    .collect();
                prim_col(&vals, Some(n.iter().map(|&c| c > 1).collect()))?
            }
        };
        Ok(col)
    }
}

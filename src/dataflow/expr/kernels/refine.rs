//! Predicates evaluated straight into selection vectors: a comparison between a column and a
//! constant (or two columns) of a numeric or text type narrows the list of live row indices in
//! place, reading only the rows still selected, with no bitmap and no gathered copy of the
//! inputs. Conjunctions chain these (see `CompiledExpr::eval_selection`).

use super::compare::{TextKey, TextRows, with_op};
use super::internal;
use super::num::Num;
use crate::dataflow::column::Column;
use crate::dataflow::error::Result;
use crate::dataflow::expr::typed::{CmpOp, Scalar};
use crate::dataflow::types::DataType;
use crate::dispatch_num;

/// An operand that needs no evaluation.
#[derive(Clone, Copy)]
pub enum Leaf<'a> {
    /// An input column.
    Col(&'a Column),
    /// A constant.
    Const(&'a Scalar),
}

/// True when [`refine_cmp`] handles `a op b` over operands of type `ty`: at least one column,
/// no null constant, and a numeric or text type.
pub fn supports(a: Leaf, b: Leaf, ty: DataType) -> bool {
    let non_null = |l: Leaf| !matches!(l, Leaf::Const(Scalar::Null));
    let has_col = matches!(a, Leaf::Col(_)) || matches!(b, Leaf::Col(_));
    has_col && non_null(a) && non_null(b) && ty != DataType::Bool
}

/// Keeps the rows of `sel` (all `n` rows when `None`) for which `keep` holds, in order. The
/// loops are branch-free: every index is written, and the write position only advances past
/// kept ones.
#[inline]
fn apply(n: usize, sel: Option<Vec<u32>>, keep: impl Fn(usize) -> bool) -> Vec<u32> {
    match sel {
        None => {
            let mut out = vec![0u32; n];
            let mut k = 0;
            for i in 0..n {
                out[k] = i as u32;
                k += keep(i) as usize;
            }
            out.truncate(k);
            out
        }
        Some(mut s) => {
            let mut k = 0;
            for j in 0..s.len() {
                let i = s[j];
                s[k] = i;
                k += keep(i as usize) as usize;
            }
            s.truncate(k);
            s
        }
    }
}

/// The indices of the values of `x` for which `keep` holds, in order. The predicate is
/// evaluated 64 values at a time into a bit mask by a loop without branches (which the
/// compiler vectorises), and only the set bits are then visited.
#[inline]
fn select_dense<T: Copy>(x: &[T], keep: impl Fn(T) -> bool) -> Vec<u32> {
    let mut out = Vec::with_capacity(x.len());
    for (c, chunk) in x.chunks(64).enumerate() {
        let mut mask = 0u64;
        for (j, &v) in chunk.iter().enumerate() {
            mask |= (keep(v) as u64) << j;
        }
        push_set_bits(&mut out, (c * 64) as u32, mask);
    }
    out
}

/// Appends `base + i` for each set bit `i` of `mask`, in increasing order.
#[inline]
fn push_set_bits(out: &mut Vec<u32>, base: u32, mut mask: u64) {
    while mask != 0 {
        out.push(base + mask.trailing_zeros());
        mask &= mask - 1;
    }
}

/// [`select_dense`] over the first `n` rows of a text column: each row's bytes are sliced from
/// consecutive offsets (one offset load a row) and the predicate fills a 64-row mask.
#[inline]
fn select_text_dense(x: TextRows<'_>, n: usize, keep: impl Fn(&[u8]) -> bool) -> Vec<u32> {
    let (offsets, data) = x.parts();
    let offsets = &offsets[..=n];
    let mut out = Vec::with_capacity(n);
    for lo in (0..n).step_by(64) {
        let hi = (lo + 64).min(n);
        let mut mask = 0u64;
        for (j, w) in offsets[lo..=hi].windows(2).enumerate() {
            // Offsets of a checked column are in bounds; `get` keeps this free of panics.
            let v = data.get(w[0] as usize..w[1] as usize).unwrap_or_default();
            mask |= (keep(v) as u64) << j;
        }
        push_set_bits(&mut out, lo as u32, mask);
    }
    out
}

fn values<T: Num>(c: &Column, n: usize) -> Result<&[T]> {
    T::from_column(c)
        .map(|p| p.values())
        .and_then(|v| v.get(..n))
        .ok_or_else(|| internal(format!("expected {n} {} values", T::DATA_TYPE)))
}

fn refine_num<T: Num>(
    op: CmpOp,
    a: Leaf,
    b: Leaf,
    n: usize,
    sel: Option<Vec<u32>>,
) -> Result<Vec<u32>> {
    Ok(match (a, b) {
        // Order keys (`Num::order_key`) keep these loops free of data-dependent branches.
        (Leaf::Col(x), Leaf::Const(c)) => {
            let (x, c) = (values::<T>(x, n)?, T::from_scalar(c).order_key());
            with_op!(op, |holds| match sel {
                None => select_dense(x, |v| holds(v.order_key().cmp(&c))),
                sel => apply(n, sel, |i| holds(x[i].order_key().cmp(&c))),
            })
        }
        (Leaf::Const(c), Leaf::Col(y)) => {
            let (y, c) = (values::<T>(y, n)?, T::from_scalar(c).order_key());
            with_op!(op, |holds| match sel {
                None => select_dense(y, |v| holds(c.cmp(&v.order_key()))),
                sel => apply(n, sel, |i| holds(c.cmp(&y[i].order_key()))),
            })
        }
        (Leaf::Col(x), Leaf::Col(y)) => {
            let (x, y) = (values::<T>(x, n)?, values::<T>(y, n)?);
            with_op!(op, |holds| apply(n, sel, |i| holds(
                x[i].order_key().cmp(&y[i].order_key())
            )))
        }
        (Leaf::Const(_), Leaf::Const(_)) => return Err(internal("comparison of two constants")),
    })
}

fn text<'a>(c: &'a Column, n: usize) -> Result<TextRows<'a>> {
    match c {
        Column::Utf8(s) if s.len() >= n => Ok(TextRows::new(s)),
        _ => Err(internal(format!("expected {n} text values"))),
    }
}

fn str_const(s: &Scalar) -> Result<&str> {
    match s {
        Scalar::Str(s) => Ok(s),
        _ => Err(internal("text comparison with a non-text constant")),
    }
}

fn refine_str(op: CmpOp, a: Leaf, b: Leaf, n: usize, sel: Option<Vec<u32>>) -> Result<Vec<u32>> {
    Ok(match (a, b) {
        (Leaf::Col(x), Leaf::Const(c)) => {
            let (x, k) = (text(x, n)?, TextKey::new(str_const(c)?.as_bytes()));
            with_op!(op, |holds| match sel {
                None => select_text_dense(x, n, |v| holds(k.cmp_value(v))),
                sel => apply(n, sel, |i| holds(k.cmp_value(x.get(i)))),
            })
        }
        (Leaf::Const(c), Leaf::Col(y)) => {
            let (y, k) = (text(y, n)?, TextKey::new(str_const(c)?.as_bytes()));
            with_op!(op, |holds| apply(n, sel, |i| holds(
                k.cmp_value(y.get(i)).reverse()
            )))
        }
        (Leaf::Col(x), Leaf::Col(y)) => {
            let (x, y) = (text(x, n)?, text(y, n)?);
            with_op!(op, |holds| apply(n, sel, |i| holds(x.get(i).cmp(y.get(i)))))
        }
        (Leaf::Const(_), Leaf::Const(_)) => return Err(internal("comparison of two constants")),
    })
}

/// The rows of `sel` (all `n` rows when `None`) where `a op b` is true (null is not true);
/// `a` and `b` have type `ty` and satisfy [`supports`].
pub fn refine_cmp(
    op: CmpOp,
    a: Leaf,
    b: Leaf,
    ty: DataType,
    n: usize,
    mut sel: Option<Vec<u32>>,
) -> Result<Vec<u32>> {
    // Rows where a column operand is null never pass: drop them first.
    for l in [a, b] {
        if let Leaf::Col(c) = l
            && c.null_count() > 0
            && let Some(valid) = c.validity()
        {
            sel = Some(apply(n, sel, |i| valid.get(i)));
        }
    }
    match ty {
        DataType::Utf8 => refine_str(op, a, b, n, sel),
        _ => dispatch_num!(
            ty,
            refine_num(op, a, b, n, sel),
            Err(internal("bad comparison type"))
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::dataflow::column::Column;
    use crate::dataflow::expr::kernels::compile;
    use crate::dataflow::expr::parser::parse_expr;
    use crate::dataflow::expr::typing::{ColumnLookup, type_predicate};
    use crate::dataflow::types::DataType;

    struct Schema<'a>(&'a [(String, DataType)]);

    impl ColumnLookup for Schema<'_> {
        fn column_type(&self, name: &str) -> Option<DataType> {
            self.0.column_type(name)
        }
        fn column_names(&self) -> Vec<String> {
            self.0.column_names()
        }
    }

    /// Columns with nulls, NaN, short/long/non-ASCII text, sliced at an odd offset so bitmaps
    /// and buffers do not start at bit or byte 0.
    fn columns() -> (Vec<(String, DataType)>, Vec<Column>, usize) {
        let n = 150;
        let x: Vec<Option<f64>> = (0..n + 3)
            .map(|i| match i % 11 {
                0 => None,
                1 => Some(f64::NAN),
                _ => Some((i % 17) as f64 * 0.5 - 2.0),
            })
            .collect();
        let k: Vec<Option<i64>> = (0..n + 3)
            .map(|i| (i % 13 != 5).then_some((i as i64 * 7) % 23 - 5))
            .collect();
        let texts: Vec<String> = (0..n + 3)
            .map(|i| match i % 6 {
                0 => format!("1994-{:02}-{:02}", i % 12 + 1, i % 28 + 1),
                1 => format!("199{}", i % 10),
                2 => "é".repeat(i % 5),
                3 => format!("1994-01-01{}", i % 3),
                _ => format!("1995-03-1{}", i % 10),
            })
            .collect();
        let s: Vec<Option<&str>> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| (i % 7 != 3).then_some(t.as_str()))
            .collect();
        let y: Vec<Option<f64>> = (0..n + 3).map(|i| Some((i % 5) as f64 - 1.0)).collect();
        // No nulls (so comparisons take the dense path), with NaN and both zeros.
        let z: Vec<Option<f64>> = (0..n + 3)
            .map(|i| match i % 9 {
                0 => Some(f64::NAN),
                1 => Some(-0.0),
                2 => Some(0.0),
                _ => Some((i % 7) as f64 - 3.0),
            })
            .collect();
        // Text without nulls (so comparisons with a constant take the dense path).
        let d: Vec<Option<&str>> = texts.iter().map(|t| Some(t.as_str())).collect();
        let cols = vec![
            Column::from_options(&x).slice(3, n),
            Column::from_options(&k).slice(3, n),
            Column::from_strs(&s).slice(3, n),
            Column::from_options(&y).slice(3, n),
            Column::from_options(&z).slice(3, n),
            Column::from_strs(&d).slice(3, n),
        ];
        let schema = [
            ("x", DataType::F64),
            ("k", DataType::I64),
            ("s", DataType::Utf8),
            ("y", DataType::F64),
            ("z", DataType::F64),
            ("d", DataType::Utf8),
        ]
        .iter()
        .map(|(n, t)| (n.to_string(), *t))
        .collect();
        (schema, cols, n)
    }

    /// `eval_selection` (refined in place, conjunct by conjunct) agrees with evaluating the whole
    /// predicate into a bool column and listing its true rows.
    #[test]
    fn selection_agrees_with_full_evaluation() {
        let (schema, cols, n) = columns();
        let names: Vec<&str> = schema.iter().map(|(n, _)| n.as_str()).collect();
        let preds = [
            "x < 1.5",
            "x >= 0 and x <= 2",
            "x between -1 and 1 and k < 3",
            "1.5 > x",
            "x = y",
            "x <> y and k >= 0",
            "s >= '1994-01-01' and s < '1995-01-01'",
            "s > '1995-03-15'",
            "'1994-06-01' <= s and k <> 2",
            "s = '1994-01-010'",
            "s <> 'éé' and x > -1",
            "s < '1994'",
            "k > 0 and (x < 1 or s like '199%')",
            "not (x < 0) and k = 3",
            "k < 100 and x is null",
            "x < 1 and null",
            "k < 1000 and s < '2'",
            "z < 0",
            "z <= 0 and k > 0",
            "z >= 0",
            "0 = z",
            "z <> 0",
            "-1 > z",
            "z > 1.5",
            "y <= 1 and z < 1",
            "d >= '1994-01-01' and d < '1995-01-01'",
            "d > '1995-03-15'",
            "'1994-06-01' <= d",
            "d = '1994-01-010'",
            "d <> 'éé'",
            "d < '1994'",
            "'1995' > d and z >= 0",
        ];
        for p in preds {
            let typed = type_predicate(&parse_expr(p).unwrap(), &Schema(&schema), "filter")
                .unwrap_or_else(|e| panic!("{p}: {e:?}"));
            let e = compile(&typed, &names).unwrap();
            let got = e.eval_selection(&cols, n).unwrap();
            let want: Vec<u32> = e
                .eval_predicate(&cols, n)
                .unwrap()
                .iter()
                .enumerate()
                .filter(|(_, k)| **k)
                .map(|(i, _)| i as u32)
                .collect();
            assert_eq!(got, want, "{p}");
            assert!(
                !want.is_empty() || p.contains("null"),
                "{p} selects nothing"
            );
        }
    }
}

//! Column-level kernels used by operators: gather by row indices (with a null marker for outer
//! joins) and concatenation into budget-charged builders.

use crate::dataflow::builder::{BoolBuilder, PrimitiveBuilder, StringBuilder};
use crate::dataflow::column::{Column, NativeType, PrimitiveColumn};
use crate::dataflow::error::Result;
use crate::dataflow::expr::kernels::vector::{bool_col, bool_values, prim_col, validity_of};
use crate::dataflow::memory::MemoryAccount;
use crate::dataflow::types::DataType;

/// Index meaning "a null row" in [`take_opt`].
pub const NULL_ROW: u32 = u32::MAX;

fn take_prim<T: NativeType>(
    c: &PrimitiveColumn<T>,
    valid: Option<Vec<bool>>,
    idx: &[u32],
) -> Result<Column> {
    let vals = c.values();
    let has_null_rows = idx.contains(&NULL_ROW);
    if !has_null_rows {
        let out: Vec<T> = idx.iter().map(|&i| vals[i as usize]).collect();
        let v = valid.map(|m| idx.iter().map(|&i| m[i as usize]).collect());
        return prim_col(&out, v);
    }
    let out: Vec<T> = idx
        .iter()
        .map(|&i| {
            if i == NULL_ROW {
                T::default()
            } else {
                vals[i as usize]
            }
        })
        .collect();
    let v: Vec<bool> = idx
        .iter()
        .map(|&i| i != NULL_ROW && valid.as_ref().is_none_or(|m| m[i as usize]))
        .collect();
    prim_col(&out, Some(v))
}

/// Rows `idx` of `col`, in that order; [`NULL_ROW`] gives a null.
pub fn take_opt(col: &Column, idx: &[u32]) -> Result<Column> {
    let valid = validity_of(col);
    match col {
        Column::I8(c) => take_prim(c, valid, idx),
        Column::I16(c) => take_prim(c, valid, idx),
        Column::I32(c) => take_prim(c, valid, idx),
        Column::I64(c) => take_prim(c, valid, idx),
        Column::F32(c) => take_prim(c, valid, idx),
        Column::F64(c) => take_prim(c, valid, idx),
        Column::Bool(c) => {
            let vals = bool_values(c);
            let out: Vec<bool> = idx
                .iter()
                .map(|&i| i != NULL_ROW && vals[i as usize])
                .collect();
            let v: Vec<bool> = idx
                .iter()
                .map(|&i| i != NULL_ROW && valid.as_ref().is_none_or(|m| m[i as usize]))
                .collect();
            bool_col(&out, Some(v))
        }
        Column::Utf8(c) => {
            let mut b = StringBuilder::new(MemoryAccount::unlimited());
            let bytes: usize = idx
                .iter()
                .filter(|&&i| i != NULL_ROW)
                .map(|&i| c.value_bytes(i as usize).len())
                .sum();
            b.reserve(idx.len(), bytes)?;
            for &i in idx {
                if i == NULL_ROW || valid.as_ref().is_some_and(|m| !m[i as usize]) {
                    b.append_null();
                } else {
                    b.append_value(c.value(i as usize));
                }
            }
            b.finish()
        }
    }
}

/// Rows `idx` of `col`, in that order.
pub fn take(col: &Column, idx: &[u32]) -> Result<Column> {
    take_opt(col, idx)
}

fn concat_prim<T: NativeType>(parts: &[&Column], account: &MemoryAccount) -> Result<Column> {
    let mut b = PrimitiveBuilder::<T>::new(account.clone());
    b.reserve(parts.iter().map(|c| c.len()).sum())?;
    for c in parts {
        let Some(p) = T::from_column(c) else { continue };
        if p.null_count() == 0 {
            b.append_slice(p.values());
        } else {
            for i in 0..p.len() {
                b.append_option(p.get(i));
            }
        }
        b.check()?;
    }
    b.finish()
}

/// Concatenates columns of type `ty` into one new column charged to `account`.
pub fn concat(parts: &[&Column], ty: DataType, account: &MemoryAccount) -> Result<Column> {
    match ty {
        DataType::I8 => concat_prim::<i8>(parts, account),
        DataType::I16 => concat_prim::<i16>(parts, account),
        DataType::I32 => concat_prim::<i32>(parts, account),
        DataType::I64 => concat_prim::<i64>(parts, account),
        DataType::F32 => concat_prim::<f32>(parts, account),
        DataType::F64 => concat_prim::<f64>(parts, account),
        DataType::Bool => {
            let mut b = BoolBuilder::new(account.clone());
            b.reserve(parts.iter().map(|c| c.len()).sum())?;
            for c in parts {
                if let Column::Bool(bc) = c {
                    for i in 0..bc.len() {
                        b.append_option(bc.get(i));
                    }
                }
                b.check()?;
            }
            b.finish()
        }
        DataType::Utf8 => {
            let mut b = StringBuilder::new(account.clone());
            let rows = parts.iter().map(|c| c.len()).sum();
            let bytes = parts
                .iter()
                .map(|c| match c {
                    Column::Utf8(s) => {
                        let o = s.offsets();
                        (o[o.len() - 1] - o[0]) as usize
                    }
                    _ => 0,
                })
                .sum();
            b.reserve(rows, bytes)?;
            for c in parts {
                if let Column::Utf8(s) = c {
                    for i in 0..s.len() {
                        b.append_option(s.get(i));
                    }
                }
                b.check()?;
            }
            b.finish()
        }
    }
}

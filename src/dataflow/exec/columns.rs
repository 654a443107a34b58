//! Column-level kernels used by operators: gather by row indices (with a null marker for outer
//! joins) and concatenation into budget-charged builders.

use crate::dataflow::buffer::MutableBuffer;
use crate::dataflow::builder::{BoolBuilder, PrimitiveBuilder};
use crate::dataflow::column::{Column, NativeType, PrimitiveColumn, StringColumn};
use crate::dataflow::error::{DataflowError, Result};
use crate::dataflow::expr::kernels::vector::{
    alloc_values, bool_col, bool_values, normalize, pack_bits, prim_col, prim_col_with, validity_of,
};
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
        let v = valid.map(|m| idx.iter().map(|&i| m[i as usize]).collect());
        // Gathered straight into the new column's aligned buffer.
        return prim_col_with(idx.len(), v, |out| {
            out.iter_mut()
                .zip(idx)
                .for_each(|(o, &i)| *o = vals[i as usize])
        });
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
        Column::Utf8(c) => take_str(c, valid, idx),
    }
}

/// Gathers text rows by copying value bytes and rebasing offsets directly (no per-row builder
/// calls); null rows (and [`NULL_ROW`]) are empty and marked invalid.
fn take_str(c: &StringColumn, valid: Option<Vec<bool>>, idx: &[u32]) -> Result<Column> {
    let offs = c.offsets();
    let data = c.data_buffer().as_slice();
    let live = |i: u32| i != NULL_ROW && valid.as_ref().is_none_or(|m| m[i as usize]);
    let range = |i: u32| offs[i as usize] as usize..offs[i as usize + 1] as usize;
    let total: usize = idx
        .iter()
        .filter(|&&i| live(i))
        .map(|&i| range(i).len())
        .sum();
    let total32 = i32::try_from(total).map_err(|_| DataflowError::OutOfRange {
        message: "a string column holds more than 2 GiB of text".into(),
    })?;
    let mut bytes = alloc_values::<u8>(total);
    let mut offsets = alloc_values::<i32>(idx.len() + 1);
    {
        let (out, o) = (bytes.as_mut_slice(), offsets.typed_mut::<i32>());
        let mut pos = 0usize;
        for (k, &i) in idx.iter().enumerate() {
            if live(i) {
                let r = range(i);
                out[pos..pos + r.len()].copy_from_slice(&data[r.clone()]);
                pos += r.len();
            }
            // `pos <= total`, which fits in i32 (checked above).
            o[k + 1] = pos as i32;
        }
        debug_assert_eq!(o[idx.len()], total32);
    }
    let v: Option<Vec<bool>> = (valid.is_some() || idx.contains(&NULL_ROW))
        .then(|| idx.iter().map(|&i| live(i)).collect());
    let validity = normalize(v).map(|v| pack_bits(&v));
    // SAFETY: the bytes are whole values of `c` (each range `offs[i]..offs[i + 1]` of a
    // checked column) placed one after another, and the new offsets fall between them.
    let col =
        unsafe { StringColumn::new_unchecked_utf8(offsets.freeze()?, bytes.freeze()?, validity) };
    Ok(Column::Utf8(col?))
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
        DataType::Utf8 => concat_str(parts, account),
    }
}

/// Concatenates text columns by copying each part's bytes in one piece and rebasing its offsets.
fn concat_str(parts: &[&Column], account: &MemoryAccount) -> Result<Column> {
    let parts: Vec<&StringColumn> = parts
        .iter()
        .filter_map(|c| match c {
            Column::Utf8(s) => Some(s),
            _ => None,
        })
        .collect();
    let rows: usize = parts.iter().map(|s| s.len()).sum();
    let span = |s: &StringColumn| {
        let o = s.offsets();
        o[0] as usize..o[o.len() - 1] as usize
    };
    let total: usize = parts.iter().map(|s| span(s).len()).sum();
    if i32::try_from(total).is_err() {
        return Err(DataflowError::OutOfRange {
            message: "a string column holds more than 2 GiB of text".into(),
        });
    }
    let mut offsets = MutableBuffer::new(account.clone());
    offsets.resize((rows + 1) * 4);
    offsets.check()?;
    let mut data = MutableBuffer::new(account.clone());
    data.reserve(total)?;
    let mut validity: Option<Vec<bool>> = None;
    let mut done = 0usize;
    for s in &parts {
        let r = span(s);
        // Every offset stays within `0..=total`, which fits in i32 (checked above).
        let shift = data.len() as i32 - r.start as i32;
        let out = &mut offsets.typed_mut::<i32>()[done + 1..done + 1 + s.len()];
        out.iter_mut()
            .zip(&s.offsets()[1..])
            .for_each(|(o, &x)| *o = x + shift);
        data.extend_from_slice(&s.data_buffer().as_slice()[r]);
        if s.null_count() > 0 {
            let v = validity.get_or_insert_with(|| vec![true; done]);
            v.extend((0..s.len()).map(|i| s.is_valid(i)));
        } else if let Some(v) = &mut validity {
            v.resize(v.len() + s.len(), true);
        }
        done += s.len();
        data.check()?;
        offsets.check()?;
    }
    let validity = normalize(validity).map(|v| pack_bits(&v));
    // SAFETY: each part contributes its whole span `offsets[0]..offsets[len]` (valid UTF-8,
    // offsets on character boundaries: the part is a checked column), rebased by a constant,
    // so the result's offsets fall on the same boundaries.
    let col =
        unsafe { StringColumn::new_unchecked_utf8(offsets.freeze()?, data.freeze()?, validity) };
    Ok(Column::Utf8(col?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(c: &Column) -> Vec<Option<String>> {
        let Column::Utf8(s) = c else {
            panic!("not text")
        };
        (0..s.len()).map(|i| s.get(i).map(str::to_string)).collect()
    }

    #[test]
    fn take_text_copies_values_and_nulls() {
        let src = Column::from_strs(&[Some("ab"), None, Some("é"), Some(""), Some("xyz")]);
        let sliced = src.slice(1, 4); // offsets no longer start at 0
        let got = take(&sliced, &[3, 0, 1, NULL_ROW, 1, 2]).unwrap();
        let want = [Some("xyz"), None, Some("é"), None, Some("é"), Some("")];
        assert_eq!(strs(&got), want.map(|v| v.map(String::from)));
        assert_eq!(got.null_count(), 2);
        let dense = take(&src, &[4, 0]).unwrap();
        assert_eq!(strs(&dense), vec![Some("xyz".into()), Some("ab".into())]);
        assert_eq!(dense.null_count(), 0);
    }

    #[test]
    fn take_numbers_into_aligned_buffers() {
        let src = Column::from_options(&[Some(1.5f64), None, Some(-2.0), Some(4.0)]);
        let got = take(&src, &[3, 1, 0]).unwrap();
        assert_eq!(got.as_f64_slice().unwrap()[0], 4.0);
        assert_eq!(got.as_f64_slice().unwrap()[2], 1.5);
        assert_eq!(got.null_count(), 1);
    }

    #[test]
    fn concat_text_rebases_offsets() {
        let a = Column::from_strs(&[Some("one"), Some("two"), Some("three")]);
        let b = Column::from_strs(&[None, Some("ü"), Some("")]);
        let parts = [&a.slice(1, 2), &b, &a.slice(0, 1)];
        let got = concat(&parts, DataType::Utf8, &MemoryAccount::unlimited()).unwrap();
        let want = [
            Some("two"),
            Some("three"),
            None,
            Some("ü"),
            Some(""),
            Some("one"),
        ];
        assert_eq!(strs(&got), want.map(|v| v.map(String::from)));
        assert_eq!(got.null_count(), 1);
        let none: [&Column; 0] = [];
        let empty = concat(&none, DataType::Utf8, &MemoryAccount::unlimited()).unwrap();
        assert_eq!(empty.len(), 0);
    }
}

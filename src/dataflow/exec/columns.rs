//! Column-level kernels used by operators: gather by row indices (with a null marker for outer
//! joins) and concatenation into budget-charged builders.

use crate::dataflow::bitmap::Bitmap;
use crate::dataflow::buffer::MutableBuffer;
use crate::dataflow::builder::{BoolBuilder, PrimitiveBuilder};
use crate::dataflow::column::{BoolColumn, Column, NativeType, PrimitiveColumn, StringColumn};
use crate::dataflow::error::{DataflowError, Result};
use crate::dataflow::expr::kernels::vector::{
    alloc_values, bitmap_with, bits_indexed, normalize, pack_bits, prim_col_from_iter,
};
use crate::dataflow::memory::MemoryAccount;
use crate::dataflow::types::DataType;

/// Index meaning "a null row" in [`take_opt`].
pub const NULL_ROW: u32 = u32::MAX;

/// The validity of the rows `idx` gathered from a column with validity `src` (`None`: no
/// nulls): [`NULL_ROW`] and null rows are invalid. `None` when every gathered row is valid, and
/// when neither source can give a null, without looking at the rows.
fn gathered_validity(src: Option<&Bitmap>, idx: &[u32], null_rows: bool) -> Result<Option<Bitmap>> {
    if src.is_none() && !null_rows {
        return Ok(None);
    }
    let n = idx.len();
    let bits = match src {
        None => bitmap_with(n, |w| bits_indexed(w, n, |k| idx[k] != NULL_ROW))?,
        Some(m) => bitmap_with(n, |w| {
            bits_indexed(w, n, |k| idx[k] != NULL_ROW && m.get(idx[k] as usize))
        })?,
    };
    Ok((bits.count_unset() > 0).then_some(bits))
}

/// The validity bitmap of `col` when it has nulls.
fn nulls_of(col: &Column) -> Option<&Bitmap> {
    col.validity().filter(|_| col.null_count() > 0)
}

fn take_prim<T: NativeType>(
    c: &PrimitiveColumn<T>,
    src: Option<&Bitmap>,
    idx: &[u32],
    null_rows: bool,
) -> Result<Column> {
    let vals = c.values();
    let validity = gathered_validity(src, idx, null_rows)?;
    // Gathered straight into the new column's aligned buffer, one pass, no zero-fill first.
    if null_rows {
        let at = |i: u32| {
            if i == NULL_ROW {
                T::default()
            } else {
                vals[i as usize]
            }
        };
        prim_col_from_iter(idx.iter().map(|&i| at(i)), validity)
    } else {
        prim_col_from_iter(idx.iter().map(|&i| vals[i as usize]), validity)
    }
}

/// Rows `idx` of `col`, in that order; [`NULL_ROW`] gives a null.
pub fn take_opt(col: &Column, idx: &[u32]) -> Result<Column> {
    let src = nulls_of(col);
    // Inner joins never pass NULL_ROW: one scan spares them the per-row null handling.
    let null_rows = idx.contains(&NULL_ROW);
    match col {
        Column::I8(c) => take_prim(c, src, idx, null_rows),
        Column::I16(c) => take_prim(c, src, idx, null_rows),
        Column::I32(c) => take_prim(c, src, idx, null_rows),
        Column::I64(c) => take_prim(c, src, idx, null_rows),
        Column::F32(c) => take_prim(c, src, idx, null_rows),
        Column::F64(c) => take_prim(c, src, idx, null_rows),
        Column::Bool(c) => {
            let vals = c.values();
            let n = idx.len();
            let values = bitmap_with(n, |w| {
                bits_indexed(w, n, |k| idx[k] != NULL_ROW && vals.get(idx[k] as usize))
            })?;
            let validity = gathered_validity(src, idx, null_rows)?;
            Ok(Column::Bool(BoolColumn::try_new(values, validity)?))
        }
        Column::Utf8(c) => take_str(c, src, idx, null_rows),
    }
}

/// Gathers text rows by copying value bytes and rebasing offsets directly (no per-row builder
/// calls); null rows (and [`NULL_ROW`]) are empty and marked invalid.
fn take_str(
    c: &StringColumn,
    src: Option<&Bitmap>,
    idx: &[u32],
    null_rows: bool,
) -> Result<Column> {
    let offs = c.offsets();
    let data = c.data_buffer().as_slice();
    let live = |i: u32| i != NULL_ROW && src.is_none_or(|m| m.get(i as usize));
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
    let mut offsets = MutableBuffer::new(MemoryAccount::unlimited());
    {
        let out = bytes.as_mut_slice();
        let mut pos = 0usize;
        // `pos <= total`, which fits in i32 (checked above).
        let ends = idx.iter().map(|&i| {
            if live(i) {
                let r = range(i);
                out[pos..pos + r.len()].copy_from_slice(&data[r.clone()]);
                pos += r.len();
            }
            pos as i32
        });
        offsets.push(0i32);
        offsets.extend_from_iter(ends);
        debug_assert_eq!(offsets.typed::<i32>().last(), Some(&total32));
    }
    let validity = gathered_validity(src, idx, null_rows)?;
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
    use crate::dataflow::column::ValueRef;

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

    fn ints(c: &Column) -> Vec<Option<i64>> {
        (0..c.len())
            .map(|i| match c.value(i) {
                ValueRef::Null => None,
                ValueRef::I32(v) => Some(v as i64),
                ValueRef::I64(v) => Some(v),
                v => panic!("not an integer: {v:?}"),
            })
            .collect()
    }

    #[test]
    fn take_without_nulls_or_null_rows_has_no_validity() {
        let src = Column::from_values(&[10i64, 20, 30, 40]);
        let got = take(&src, &[3, 3, 0, 2]).unwrap();
        assert_eq!(got.as_i64_slice().unwrap(), &[40, 40, 10, 30]);
        assert!(got.validity().is_none());
        // A column with a validity bitmap but no null gathers like one without.
        let all_valid = Column::from_options(&[Some(1i32), Some(2)]);
        let got = take(&all_valid, &[1, 0, 1]).unwrap();
        assert_eq!(ints(&got), vec![Some(2), Some(1), Some(2)]);
        assert!(got.validity().is_none());
        // Only the valid rows of a column with nulls: no bitmap either.
        let some_null = Column::from_options(&[Some(1i32), None, Some(3)]);
        let got = take(&some_null, &[2, 0]).unwrap();
        assert!(got.validity().is_none());
        assert!(take(&src, &[]).unwrap().is_empty());
    }

    #[test]
    fn take_with_null_rows_and_null_values() {
        // Sliced, so values and validity start at an offset.
        let src = Column::from_options(&[Some(0i64), Some(1), None, Some(3), Some(4)]).slice(1, 4);
        let got = take(&src, &[NULL_ROW, 0, 1, 2, NULL_ROW, 3, 1]).unwrap();
        assert_eq!(
            ints(&got),
            vec![None, Some(1), None, Some(3), None, Some(4), None]
        );
        assert_eq!(got.null_count(), 4);
        // NULL_ROW over a column without nulls.
        let dense = Column::from_values(&[5i32, 6]);
        let got = take(&dense, &[1, NULL_ROW, 0]).unwrap();
        assert_eq!(ints(&got), vec![Some(6), None, Some(5)]);
        // More than a word of rows, so the validity spans several words.
        let idx: Vec<u32> = (0..150u32)
            .map(|i| if i % 7 == 0 { NULL_ROW } else { i % 2 })
            .collect();
        let got = take(&dense, &idx).unwrap();
        let want: Vec<Option<i64>> = idx
            .iter()
            .map(|&i| (i != NULL_ROW).then_some(5 + i as i64))
            .collect();
        assert_eq!(ints(&got), want);
    }

    #[test]
    fn take_booleans_with_null_rows_and_nulls() {
        let src = Column::from_bools(&[Some(true), None, Some(false), Some(true)]).slice(0, 4);
        let got = take(&src, &[3, 1, NULL_ROW, 2, 0]).unwrap();
        let vals: Vec<ValueRef> = (0..got.len()).map(|i| got.value(i)).collect();
        assert_eq!(
            vals,
            vec![
                ValueRef::Bool(true),
                ValueRef::Null,
                ValueRef::Null,
                ValueRef::Bool(false),
                ValueRef::Bool(true)
            ]
        );
        let dense = take(&Column::from_bools(&[Some(false), Some(true)]), &[1, 1, 0]).unwrap();
        assert!(dense.validity().is_none());
        assert_eq!(dense.value(0), ValueRef::Bool(true));
        assert_eq!(dense.value(2), ValueRef::Bool(false));
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

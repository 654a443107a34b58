//! Building blocks of the kernels: validity masks as `Vec<bool>` while computing, packing back
//! into the tables' Arrow columns, and operands that are either a column or a constant.

use crate::dataflow::bitmap::Bitmap;
use crate::dataflow::buffer::Buffer;
use crate::dataflow::column::{BoolColumn, Column, NativeType, PrimitiveColumn};
use crate::dataflow::error::Result;

/// Packs booleans into an Arrow bitmap (LSB first).
pub fn pack_bits(bits: &[bool]) -> Bitmap {
    let mut bytes = vec![0u8; bits.len().div_ceil(8)];
    for (chunk, byte) in bits.chunks(8).zip(bytes.iter_mut()) {
        let mut b = 0u8;
        for (j, &bit) in chunk.iter().enumerate() {
            b |= (bit as u8) << j;
        }
        *byte = b;
    }
    Bitmap::try_new(Buffer::from_slice(&bytes), 0, bits.len()).unwrap_or_else(|| Bitmap::new_set(0))
}

/// Unpacks a bitmap into booleans.
pub fn unpack_bits(bm: &Bitmap) -> Vec<bool> {
    let bytes = bm.buffer().as_slice();
    let off = bm.offset();
    (0..bm.len())
        .map(|i| bytes[(off + i) / 8] & (1 << ((off + i) % 8)) != 0)
        .collect()
}

/// The validity of `col` as booleans, `None` when it has no nulls.
pub fn validity_of(col: &Column) -> Option<Vec<bool>> {
    if col.null_count() == 0 {
        return None;
    }
    col.validity().map(unpack_bits)
}

/// Combines two optional validities (a row is valid when valid in both).
pub fn and_validity(a: Option<Vec<bool>>, b: Option<Vec<bool>>) -> Option<Vec<bool>> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(mut a), Some(b)) => {
            a.iter_mut().zip(&b).for_each(|(x, y)| *x &= *y);
            Some(a)
        }
    }
}

/// Drops an all-valid mask (so columns without nulls carry no bitmap).
pub fn normalize(valid: Option<Vec<bool>>) -> Option<Vec<bool>> {
    valid.filter(|v| v.iter().any(|b| !b))
}

/// A primitive column from values and an optional validity.
pub fn prim_col<T: NativeType>(values: &[T], valid: Option<Vec<bool>>) -> Result<Column> {
    let validity = normalize(valid).map(|v| pack_bits(&v));
    Ok(T::into_column(PrimitiveColumn::try_new(
        Buffer::from_slice(values),
        validity,
    )?))
}

/// A bool column from values and an optional validity.
pub fn bool_col(values: &[bool], valid: Option<Vec<bool>>) -> Result<Column> {
    let validity = normalize(valid).map(|v| pack_bits(&v));
    Ok(Column::Bool(BoolColumn::try_new(
        pack_bits(values),
        validity,
    )?))
}

/// The values of a bool column as booleans (unspecified under nulls).
pub fn bool_values(col: &BoolColumn) -> Vec<bool> {
    unpack_bits(col.values())
}

/// One input of a binary kernel: a slice of values or one constant.
#[derive(Clone, Copy)]
pub enum Operand<'a, T> {
    /// One value per row.
    Slice(&'a [T]),
    /// The same value for every row.
    Scalar(T),
}

/// Applies `f` row by row over two operands of `n` rows (a tight loop per operand shape).
#[inline]
pub fn binary_map<T: Copy, U>(
    a: Operand<T>,
    b: Operand<T>,
    n: usize,
    f: impl Fn(T, T) -> U,
) -> Vec<U> {
    match (a, b) {
        (Operand::Slice(x), Operand::Slice(y)) => {
            x[..n].iter().zip(&y[..n]).map(|(&x, &y)| f(x, y)).collect()
        }
        (Operand::Slice(x), Operand::Scalar(y)) => x[..n].iter().map(|&x| f(x, y)).collect(),
        (Operand::Scalar(x), Operand::Slice(y)) => y[..n].iter().map(|&y| f(x, y)).collect(),
        (Operand::Scalar(x), Operand::Scalar(y)) => (0..n).map(|_| f(x, y)).collect(),
    }
}

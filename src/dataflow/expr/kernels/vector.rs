//! Building blocks of the kernels: values written straight into 64-byte aligned buffers and
//! comparison results straight into bitmap words (64 rows per `u64`), validity masks as
//! `Vec<bool>` on the (rare) paths with nulls, and operands that are a column or a constant.

use crate::dataflow::bitmap::Bitmap;
use crate::dataflow::buffer::{Buffer, MutableBuffer};
use crate::dataflow::column::{BoolColumn, Column, NativeType, PrimitiveColumn};
use crate::dataflow::error::Result;
use crate::dataflow::memory::MemoryAccount;

/// A zeroed, aligned buffer of `n` values of `T`, filled in place through
/// [`MutableBuffer::typed_mut`] and then frozen: no intermediate `Vec`, no second copy.
pub fn alloc_values<T: bytemuck::Pod>(n: usize) -> MutableBuffer {
    let mut b = MutableBuffer::new(MemoryAccount::unlimited());
    b.resize(n * std::mem::size_of::<T>());
    b
}

/// A primitive column of `n` values computed by `fill` into a fresh aligned buffer.
pub fn prim_col_with<T: NativeType>(
    n: usize,
    valid: Option<Vec<bool>>,
    fill: impl FnOnce(&mut [T]),
) -> Result<Column> {
    let mut buf = alloc_values::<T>(n);
    fill(buf.typed_mut::<T>());
    let validity = normalize(valid).map(|v| pack_bits(&v));
    Ok(T::into_column(PrimitiveColumn::try_new(
        buf.freeze()?,
        validity,
    )?))
}

/// A primitive column of the values `values` yields, written into a fresh aligned buffer in
/// one pass (no zero-fill first): for gathers, whose every value is known up front.
pub fn prim_col_from_iter<T: NativeType, I>(values: I, validity: Option<Bitmap>) -> Result<Column>
where
    I: IntoIterator<Item = T>,
    I::IntoIter: ExactSizeIterator,
{
    let mut buf = MutableBuffer::new(MemoryAccount::unlimited());
    buf.extend_from_iter(values);
    Ok(T::into_column(PrimitiveColumn::try_new(
        buf.freeze()?,
        validity,
    )?))
}

/// A bitmap of `n` bits computed a word (64 rows) at a time by `fill`, which receives the
/// `n.div_ceil(64)` words zeroed; bits past `n` in the last word are cleared afterwards.
pub fn bitmap_with(n: usize, fill: impl FnOnce(&mut [u64])) -> Result<Bitmap> {
    let mut buf = alloc_values::<u64>(n.div_ceil(64));
    let words = buf.typed_mut::<u64>();
    fill(words);
    if !n.is_multiple_of(64)
        && let Some(last) = words.last_mut()
    {
        *last &= (1u64 << (n % 64)) - 1;
    }
    Bitmap::try_new(buf.freeze()?, 0, n).ok_or_else(|| super::internal("bitmap too short"))
}

/// Writes `f(x[i])` as bit `i` of `words` (64 rows per word).
#[inline]
pub fn bits_unary<T: Copy>(words: &mut [u64], x: &[T], f: impl Fn(T) -> bool) {
    for (w, chunk) in words.iter_mut().zip(x.chunks(64)) {
        let mut m = 0u64;
        for (j, &v) in chunk.iter().enumerate() {
            m |= (f(v) as u64) << j;
        }
        *w = m;
    }
}

/// Writes `f(x[i], y[i])` as bit `i` of `words`.
#[inline]
pub fn bits_binary<T: Copy>(words: &mut [u64], x: &[T], y: &[T], f: impl Fn(T, T) -> bool) {
    for ((w, cx), cy) in words.iter_mut().zip(x.chunks(64)).zip(y.chunks(64)) {
        let mut m = 0u64;
        for (j, (&a, &b)) in cx.iter().zip(cy).enumerate() {
            m |= (f(a, b) as u64) << j;
        }
        *w = m;
    }
}

/// Writes `f(i)` as bit `i` of `words` for `i < n`.
#[inline]
pub fn bits_indexed(words: &mut [u64], n: usize, f: impl Fn(usize) -> bool) {
    for (wi, w) in words.iter_mut().enumerate() {
        let base = wi * 64;
        let end = (base + 64).min(n);
        let mut m = 0u64;
        for i in base..end {
            m |= (f(i) as u64) << (i - base);
        }
        *w = m;
    }
}

/// The indices (ascending) of the set bits of `values` that are also set in `valid`.
pub fn set_indices(values: &Bitmap, valid: Option<&Bitmap>) -> Vec<u32> {
    let n = values.len();
    let mut out = Vec::with_capacity(n);
    let aligned =
        values.offset().is_multiple_of(8) && valid.is_none_or(|v| v.offset().is_multiple_of(8));
    if !aligned {
        out.extend(
            (0..n)
                .filter(|&i| values.get(i) && valid.is_none_or(|v| v.get(i)))
                .map(|i| i as u32),
        );
        return out;
    }
    let bytes = &values.buffer().as_slice()[values.offset() / 8..];
    let vbytes = valid.map(|v| &v.buffer().as_slice()[v.offset() / 8..]);
    for (bi, &b) in bytes.iter().take(n.div_ceil(8)).enumerate() {
        let mut b = b & vbytes.map_or(0xFF, |v| v[bi]);
        if bi * 8 + 8 > n {
            b &= ((1u16 << (n - bi * 8)) - 1) as u8;
        }
        while b != 0 {
            out.push((bi * 8 + b.trailing_zeros() as usize) as u32);
            b &= b - 1;
        }
    }
    out
}

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

/// A bool column from already packed values and an optional validity.
pub fn bool_col_bits(values: Bitmap, valid: Option<Vec<bool>>) -> Result<Column> {
    let validity = normalize(valid).map(|v| pack_bits(&v));
    Ok(Column::Bool(BoolColumn::try_new(values, validity)?))
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

/// Writes `f(a[i], b[i])` into `out[i]` for every row of `out` (one loop per operand shape).
#[inline]
pub fn binary_into<T: Copy, U>(out: &mut [U], a: Operand<T>, b: Operand<T>, f: impl Fn(T, T) -> U) {
    let n = out.len();
    match (a, b) {
        (Operand::Slice(x), Operand::Slice(y)) => out
            .iter_mut()
            .zip(&x[..n])
            .zip(&y[..n])
            .for_each(|((o, &x), &y)| *o = f(x, y)),
        (Operand::Slice(x), Operand::Scalar(y)) => {
            out.iter_mut().zip(&x[..n]).for_each(|(o, &x)| *o = f(x, y))
        }
        (Operand::Scalar(x), Operand::Slice(y)) => {
            out.iter_mut().zip(&y[..n]).for_each(|(o, &y)| *o = f(x, y))
        }
        (Operand::Scalar(x), Operand::Scalar(y)) => out.iter_mut().for_each(|o| *o = f(x, y)),
    }
}

/// Writes `f(a[i], b[i])` as bit `i` of `words` (`n` rows).
#[inline]
pub fn bits_operands<T: Copy>(
    words: &mut [u64],
    a: Operand<T>,
    b: Operand<T>,
    n: usize,
    f: impl Fn(T, T) -> bool,
) {
    match (a, b) {
        (Operand::Slice(x), Operand::Slice(y)) => bits_binary(words, &x[..n], &y[..n], f),
        (Operand::Slice(x), Operand::Scalar(y)) => bits_unary(words, &x[..n], |v| f(v, y)),
        (Operand::Scalar(x), Operand::Slice(y)) => bits_unary(words, &y[..n], |v| f(x, v)),
        (Operand::Scalar(x), Operand::Scalar(y)) => {
            let bit = f(x, y);
            bits_indexed(words, n, |_| bit)
        }
    }
}

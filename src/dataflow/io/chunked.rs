//! Column builders for the readers, which do not know their row count: values go into
//! segments that are allocated once and never move, instead of one buffer that doubles.
//!
//! A doubling buffer copies everything it holds at each growth (`Block`s are 64-byte aligned, so
//! the allocator cannot grow them in place) and its final copy into the table's arena holds the
//! column twice. Segments are never copied while the file is read, and [`Buffer::filled`] moves
//! them into the arena in order, freeing each segment as soon as it is copied while the arena's
//! pages are first touched as they are filled: a column exists about once at any moment, so a
//! read's peak is near the table's own size. Several builders (the halves of a two-thread read)
//! concatenate the same way, each adding its rows at the next offset of one region.
//!
//! Segments are small for the first kilobytes (a small file stays small), then
//! [`MAX_SEGMENT_BYTES`] each (or one value's size): allocations that large are always mapped
//! on their own by the system allocator (glibc's mmap threshold never rises past 32 MiB), so
//! a segment's memory goes back to the system the moment it is freed, rather than staying in
//! the allocator's heap. Only the pages written are memory; the budget is charged for what is
//! written, a [`CHARGE_STEP`] at a time, not for a segment's whole capacity.

use std::collections::VecDeque;

use bytemuck::Pod;

use crate::dataflow::bitmap::{Bitmap, BitmapBuilder};
use crate::dataflow::buffer::Buffer;
use crate::dataflow::column::{BoolColumn, Column, NativeType, PrimitiveColumn, StringColumn};
use crate::dataflow::error::{DataflowError, Result};
use crate::dataflow::memory::{MemoryAccount, Reservation};
use crate::dataflow::types::DataType;

/// The sizes of a column's first segments, in bytes; later ones are [`MAX_SEGMENT_BYTES`].
pub(crate) const FIRST_SEGMENT_BYTES: [usize; 3] = [16 << 10, 64 << 10, 256 << 10];
/// The size of every later segment (unless one value is larger), in bytes.
pub(crate) const MAX_SEGMENT_BYTES: usize = 32 << 20;
/// How much more of a segment is charged to the budget at a time, in bytes.
pub(crate) const CHARGE_STEP: usize = 1 << 20;

/// Values appended in segments that never move or grow once allocated.
pub(crate) struct Segments<T> {
    full: Vec<Vec<T>>,
    /// The segment being filled; it is never pushed past its capacity (which would reallocate).
    current: Vec<T>,
    /// How many values `current` may hold before more of it is charged (at most its capacity).
    limit: usize,
    full_len: usize,
    account: MemoryAccount,
    reservation: Reservation,
    error: Option<DataflowError>,
}

impl<T: Pod> Segments<T> {
    /// No values yet, charging segments to `account`.
    pub(crate) fn new(account: MemoryAccount) -> Self {
        Segments {
            full: Vec::new(),
            current: Vec::new(),
            limit: 0,
            full_len: 0,
            reservation: account.empty_reservation(),
            account,
            error: None,
        }
    }

    /// Values appended.
    pub(crate) fn len(&self) -> usize {
        self.full_len + self.current.len()
    }

    /// Appends one value.
    #[inline]
    pub(crate) fn push(&mut self, value: T) {
        if self.current.len() == self.limit {
            self.make_room(1);
        }
        self.current.push(value);
    }

    /// Appends values (split across segments where one fills up).
    #[inline]
    pub(crate) fn extend_from_slice(&mut self, mut values: &[T]) {
        loop {
            let room = self.limit - self.current.len();
            if values.len() <= room {
                self.current.extend_from_slice(values);
                return;
            }
            let (now, later) = values.split_at(room);
            self.current.extend_from_slice(now);
            values = later;
            self.make_room(values.len());
        }
    }

    /// Appends `n` zero values.
    pub(crate) fn extend_zeroed(&mut self, mut n: usize) {
        loop {
            let room = self.limit - self.current.len();
            let now = n.min(room);
            let len = self.current.len();
            self.current.resize(len + now, T::zeroed());
            n -= now;
            if n == 0 {
                return;
            }
            self.make_room(n);
        }
    }

    /// Makes room for more values (for `min` of them at once when a new segment starts):
    /// charges the next step of the current segment, or starts a new one when it is full.
    #[cold]
    fn make_room(&mut self, min: usize) {
        let width = std::mem::size_of::<T>().max(1);
        if self.current.len() == self.current.capacity() {
            let started = self.full.len() + usize::from(self.current.capacity() > 0);
            let bytes = FIRST_SEGMENT_BYTES
                .get(started)
                .copied()
                .unwrap_or(MAX_SEGMENT_BYTES);
            let full = std::mem::replace(
                &mut self.current,
                Vec::with_capacity((bytes / width).max(min)),
            );
            self.limit = 0;
            if full.capacity() > 0 {
                self.full_len += full.len();
                self.full.push(full);
            }
        }
        let step = (CHARGE_STEP / width).max(min);
        let limit = (self.current.len() + step).min(self.current.capacity());
        let charge = (limit - self.limit) * width;
        self.limit = limit;
        if self.account.is_forced() {
            self.reservation.force_grow(charge);
        } else if self.error.is_none()
            && let Err(e) = self.reservation.grow(charge, self.account.operator())
        {
            self.error = Some(e);
        }
    }

    /// The first budget error met while growing, if any.
    pub(crate) fn check(&self) -> Result<()> {
        match &self.error {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    /// All values in order (for tests).
    #[cfg(test)]
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.full.iter().chain([&self.current]).flatten()
    }

    /// The same values converted by `f` to a type of the same size, segment by segment in
    /// each segment's own allocation (`Vec`'s in-place collect), so no second copy of the
    /// column exists at any time and the charge stays right.
    pub(crate) fn map<U: Pod>(self, f: impl Fn(T) -> U) -> Segments<U> {
        const { assert!(std::mem::size_of::<T>() == std::mem::size_of::<U>()) };
        let convert = |s: Vec<T>| -> Vec<U> { s.into_iter().map(&f).collect() };
        let current = convert(self.current);
        Segments {
            full: self.full.into_iter().map(convert).collect(),
            // A conversion that did not keep the room only makes the next push start a segment.
            limit: self.limit.min(current.capacity()),
            current,
            full_len: self.full_len,
            account: self.account,
            reservation: self.reservation,
            error: self.error,
        }
    }

    /// A reader of the values in order that frees each segment once it is read.
    pub(crate) fn into_drain(self) -> Drain<T> {
        let mut segments: VecDeque<Vec<T>> = self.full.into();
        segments.push_back(self.current);
        // The segments' charge ends here: whatever they are copied into is charged instead, and
        // it only fills up as they are freed (see the module docs).
        drop(self.reservation);
        Drain {
            segments,
            position: 0,
        }
    }
}

/// Values of [`Segments`] read in order; each segment is freed once read to its end.
pub(crate) struct Drain<T> {
    segments: VecDeque<Vec<T>>,
    position: usize,
}

impl<T: Pod> Drain<T> {
    /// Fills `out` with the next values, passing them to `copy(source, dest)` in runs of equal
    /// length (a plain copy, a conversion, a rebase); returns how many were written, fewer than
    /// `out.len()` only when the values run out (the rest of `out` is left as it was).
    pub(crate) fn take_into<U>(
        &mut self,
        mut out: &mut [U],
        mut copy: impl FnMut(&[T], &mut [U]),
    ) -> usize {
        let mut written = 0;
        while !out.is_empty() {
            let Some(segment) = self.segments.front() else {
                break;
            };
            let source = &segment[self.position..];
            let n = source.len().min(out.len());
            let (dest, rest) = std::mem::take(&mut out).split_at_mut(n);
            copy(&source[..n], dest);
            out = rest;
            written += n;
            self.position += n;
            if self.position == segment.len() {
                self.segments.pop_front();
                self.position = 0;
            }
        }
        written
    }

    /// Segments not yet freed (for tests).
    #[cfg(test)]
    pub(crate) fn segments_left(&self) -> usize {
        self.segments.len()
    }
}

/// Fills `out` from the parts in order (each a drain and a value passed to `copy` with its
/// runs, such as the shift of a part's string offsets), dropping each part once it runs out.
fn fill_from_parts<T: Pod, U, X: Copy>(
    parts: &mut VecDeque<(Drain<T>, X)>,
    mut out: &mut [U],
    copy: impl Fn(&[T], &mut [U], X),
) {
    while !out.is_empty() {
        let Some((drain, x)) = parts.front_mut() else {
            return;
        };
        let x = *x;
        let n = drain.take_into(out, |s, d| copy(s, d, x));
        if n < out.len() {
            parts.pop_front();
        }
        out = &mut out[n..];
    }
}

/// Validity bits created on the first null, so columns without nulls carry no bitmap.
pub(crate) struct Validity {
    bits: Option<BitmapBuilder>,
    account: MemoryAccount,
}

impl Validity {
    fn new(account: MemoryAccount) -> Self {
        Validity {
            bits: None,
            account,
        }
    }

    #[inline]
    fn append(&mut self, len_before: usize, valid: bool) {
        match &mut self.bits {
            Some(b) => b.append(valid),
            None if valid => {}
            None => self.start(len_before).append(false),
        }
    }

    fn append_n(&mut self, len_before: usize, n: usize, valid: bool) {
        if n == 0 {
            return;
        }
        if let Some(b) = &mut self.bits {
            b.append_n(n, valid);
        } else if !valid {
            self.start(len_before).append_n(n, false);
        }
    }

    #[cold]
    fn start(&mut self, len_before: usize) -> &mut BitmapBuilder {
        let mut b = BitmapBuilder::new(self.account.clone());
        b.append_n(len_before, true);
        self.bits.insert(b)
    }

    fn check(&self) -> Result<()> {
        self.bits.as_ref().map_or(Ok(()), BitmapBuilder::check)
    }
}

/// The validity of parts laid end to end (each with its rows), or `None` when none has nulls.
fn concat_validity(
    parts: &[(&Validity, usize)],
    account: &MemoryAccount,
) -> Result<Option<Bitmap>> {
    if parts.iter().all(|(v, _)| v.bits.is_none()) {
        return Ok(None);
    }
    let mut out = BitmapBuilder::new(account.clone());
    out.reserve(parts.iter().map(|(_, n)| n).sum())?;
    for (v, n) in parts {
        match &v.bits {
            Some(b) => out.append_packed(b.packed_bytes(), *n),
            None => out.append_n(*n, true),
        }
    }
    out.finish().map(Some)
}

/// A primitive column under construction.
pub(crate) struct PrimChunks<T> {
    values: Segments<T>,
    validity: Validity,
}

impl<T: NativeType> PrimChunks<T> {
    /// Empty, charging `account`.
    pub(crate) fn new(account: MemoryAccount) -> Self {
        PrimChunks {
            values: Segments::new(account.clone()),
            validity: Validity::new(account),
        }
    }

    /// Rows appended.
    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    /// Appends a value.
    #[inline]
    pub(crate) fn append_value(&mut self, v: T) {
        self.validity.append(self.values.len(), true);
        self.values.push(v);
    }

    /// Appends a null (its value slot is zero, like the table builders').
    #[inline]
    pub(crate) fn append_null(&mut self) {
        self.validity.append(self.values.len(), false);
        self.values.push(T::default());
    }

    /// Appends `n` nulls.
    pub(crate) fn append_nulls(&mut self, n: usize) {
        self.validity.append_n(self.values.len(), n, false);
        self.values.extend_zeroed(n);
    }

    /// The first budget error met, if any.
    pub(crate) fn check(&self) -> Result<()> {
        self.values.check()?;
        self.validity.check()
    }

    /// The same rows with every value converted by `f` in place (nulls stay null, their zero
    /// slot converted like any value).
    pub(crate) fn map<U: NativeType>(self, f: impl Fn(T) -> U) -> PrimChunks<U> {
        PrimChunks {
            values: self.values.map(f),
            validity: self.validity,
        }
    }

    /// Rows `0..len` as `Option`s (for tests).
    #[cfg(test)]
    pub(crate) fn to_options(&self) -> Vec<Option<T>> {
        self.values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let valid = self.validity.bits.as_ref().is_none_or(|b| b.get(i));
                valid.then_some(*v)
            })
            .collect()
    }
}

/// The rows of `parts` in order, as one column whose buffers are charged to `account` (in its
/// arena when it has one); each part's segments are freed as they are copied.
pub(crate) fn concat_prim<T: NativeType>(
    parts: Vec<PrimChunks<T>>,
    account: &MemoryAccount,
) -> Result<PrimitiveColumn<T>> {
    parts.iter().try_for_each(PrimChunks::check)?;
    let v: Vec<(&Validity, usize)> = parts.iter().map(|p| (&p.validity, p.len())).collect();
    let validity = concat_validity(&v, account)?;
    let rows: usize = parts.iter().map(PrimChunks::len).sum();
    let mut drains: VecDeque<(Drain<T>, ())> = parts
        .into_iter()
        .map(|p| (p.values.into_drain(), ()))
        .collect();
    let values = Buffer::filled(rows * std::mem::size_of::<T>(), account, |_, window| {
        fill_from_parts(&mut drains, bytemuck::cast_slice_mut(window), |s, d, ()| {
            d.copy_from_slice(s)
        });
    })?;
    PrimitiveColumn::try_new(values, validity)
}

/// A boolean column under construction (bits are small: a doubling bitmap is fine).
pub(crate) struct BoolChunks {
    values: BitmapBuilder,
    validity: Validity,
}

impl BoolChunks {
    /// Empty, charging `account`.
    pub(crate) fn new(account: MemoryAccount) -> Self {
        BoolChunks {
            values: BitmapBuilder::new(account.clone()),
            validity: Validity::new(account),
        }
    }

    /// Rows appended.
    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    /// Appends a value.
    #[inline]
    pub(crate) fn append_value(&mut self, v: bool) {
        self.validity.append(self.len(), true);
        self.values.append(v);
    }

    /// Appends a null.
    #[inline]
    pub(crate) fn append_null(&mut self) {
        self.validity.append(self.len(), false);
        self.values.append(false);
    }

    /// Appends `n` nulls.
    pub(crate) fn append_nulls(&mut self, n: usize) {
        self.validity.append_n(self.len(), n, false);
        self.values.append_n(n, false);
    }

    /// The first budget error met, if any.
    pub(crate) fn check(&self) -> Result<()> {
        self.values.check()?;
        self.validity.check()
    }
}

/// The rows of `parts` in order, as one column charged to `account`.
pub(crate) fn concat_bool(parts: Vec<BoolChunks>, account: &MemoryAccount) -> Result<BoolColumn> {
    parts.iter().try_for_each(BoolChunks::check)?;
    let v: Vec<(&Validity, usize)> = parts.iter().map(|p| (&p.validity, p.len())).collect();
    let validity = concat_validity(&v, account)?;
    let rows = parts.iter().map(BoolChunks::len).sum();
    let mut values = BitmapBuilder::new(account.clone());
    values.reserve(rows)?;
    for p in &parts {
        values.append_packed(p.values.packed_bytes(), p.len());
    }
    BoolColumn::try_new(values.finish()?, validity)
}

/// A text column under construction: each value's end offset and the bytes.
pub(crate) struct StrChunks {
    ends: Segments<i32>,
    data: Segments<u8>,
    validity: Validity,
    overflow: bool,
}

impl StrChunks {
    /// Empty, charging `account`.
    pub(crate) fn new(account: MemoryAccount) -> Self {
        StrChunks {
            ends: Segments::new(account.clone()),
            data: Segments::new(account.clone()),
            validity: Validity::new(account),
            overflow: false,
        }
    }

    /// Rows appended.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    #[inline]
    fn push_end(&mut self) {
        match i32::try_from(self.data.len()) {
            Ok(end) => self.ends.push(end),
            Err(_) => {
                self.overflow = true;
                self.ends.push(i32::MAX);
            }
        }
    }

    /// Appends a string.
    #[inline]
    pub(crate) fn append_value(&mut self, v: &str) {
        self.validity.append(self.len(), true);
        self.data.extend_from_slice(v.as_bytes());
        self.push_end();
    }

    /// Appends a null.
    #[inline]
    pub(crate) fn append_null(&mut self) {
        self.validity.append(self.len(), false);
        self.push_end();
    }

    /// Appends `n` nulls.
    pub(crate) fn append_nulls(&mut self, n: usize) {
        self.validity.append_n(self.len(), n, false);
        for _ in 0..n {
            self.push_end();
        }
    }

    /// The first budget or size error met, if any.
    pub(crate) fn check(&self) -> Result<()> {
        if self.overflow {
            return Err(too_much_text());
        }
        self.ends.check()?;
        self.data.check()?;
        self.validity.check()
    }
}

fn too_much_text() -> DataflowError {
    DataflowError::OutOfRange {
        message: "a string column holds more than 2 GiB of text".into(),
    }
}

/// The rows of `parts` in order, as one column charged to `account`: the bytes laid end to end
/// and each part's offsets shifted by the bytes before it.
pub(crate) fn concat_str(parts: Vec<StrChunks>, account: &MemoryAccount) -> Result<StringColumn> {
    parts.iter().try_for_each(StrChunks::check)?;
    let total: usize = parts.iter().map(|p| p.data.len()).sum();
    if i32::try_from(total).is_err() {
        return Err(too_much_text());
    }
    let v: Vec<(&Validity, usize)> = parts.iter().map(|p| (&p.validity, p.len())).collect();
    let validity = concat_validity(&v, account)?;
    let rows: usize = parts.iter().map(StrChunks::len).sum();
    // Each part's offsets shift by the bytes of the parts before it; every shifted offset is
    // at most `total`, which fits (checked above).
    let mut ends = VecDeque::new();
    let mut datas = VecDeque::new();
    let mut shift = 0i32;
    for p in parts {
        let bytes = p.data.len() as i32;
        ends.push_back((p.ends.into_drain(), shift));
        datas.push_back((p.data.into_drain(), ()));
        shift += bytes;
    }
    let offsets = Buffer::filled((rows + 1) * 4, account, |offset, window| {
        let out: &mut [i32] = bytemuck::cast_slice_mut(window);
        // The first offset is 0 (already zero); each value's end follows.
        let out = if offset == 0 { &mut out[1..] } else { out };
        fill_from_parts(&mut ends, out, |s, d, shift| {
            d.iter_mut().zip(s).for_each(|(o, &e)| *o = e + shift);
        });
    })?;
    let data = Buffer::filled(total, account, |_, window| {
        fill_from_parts(&mut datas, window, |s, d, ()| d.copy_from_slice(s));
    })?;
    StringColumn::try_new(offsets, data, validity)
}

/// A column of any type under construction (the explicit-schema reader's builders).
pub(crate) enum TypedChunks {
    /// `i8` values.
    I8(PrimChunks<i8>),
    /// `i16` values.
    I16(PrimChunks<i16>),
    /// `i32` values.
    I32(PrimChunks<i32>),
    /// `i64` values.
    I64(PrimChunks<i64>),
    /// `f32` values.
    F32(PrimChunks<f32>),
    /// `f64` values.
    F64(PrimChunks<f64>),
    /// Booleans.
    Bool(BoolChunks),
    /// Strings.
    Utf8(StrChunks),
}

macro_rules! each_typed {
    ($b:expr, $x:ident => $body:expr) => {
        match $b {
            TypedChunks::I8($x) => $body,
            TypedChunks::I16($x) => $body,
            TypedChunks::I32($x) => $body,
            TypedChunks::I64($x) => $body,
            TypedChunks::F32($x) => $body,
            TypedChunks::F64($x) => $body,
            TypedChunks::Bool($x) => $body,
            TypedChunks::Utf8($x) => $body,
        }
    };
}

impl TypedChunks {
    /// An empty column of `data_type`, charging `account`.
    pub(crate) fn new(data_type: DataType, account: MemoryAccount) -> Self {
        match data_type {
            DataType::I8 => TypedChunks::I8(PrimChunks::new(account)),
            DataType::I16 => TypedChunks::I16(PrimChunks::new(account)),
            DataType::I32 => TypedChunks::I32(PrimChunks::new(account)),
            DataType::I64 => TypedChunks::I64(PrimChunks::new(account)),
            DataType::F32 => TypedChunks::F32(PrimChunks::new(account)),
            DataType::F64 => TypedChunks::F64(PrimChunks::new(account)),
            DataType::Bool => TypedChunks::Bool(BoolChunks::new(account)),
            DataType::Utf8 => TypedChunks::Utf8(StrChunks::new(account)),
        }
    }

    /// The type being built.
    pub(crate) fn data_type(&self) -> DataType {
        match self {
            TypedChunks::I8(_) => DataType::I8,
            TypedChunks::I16(_) => DataType::I16,
            TypedChunks::I32(_) => DataType::I32,
            TypedChunks::I64(_) => DataType::I64,
            TypedChunks::F32(_) => DataType::F32,
            TypedChunks::F64(_) => DataType::F64,
            TypedChunks::Bool(_) => DataType::Bool,
            TypedChunks::Utf8(_) => DataType::Utf8,
        }
    }

    /// Appends a null.
    pub(crate) fn append_null(&mut self) {
        each_typed!(self, b => b.append_null())
    }

    /// The first budget or size error met, if any.
    pub(crate) fn check(&self) -> Result<()> {
        each_typed!(self, b => b.check())
    }

    /// The finished column, charged to `account` (in its arena when it has one), the
    /// segments freed as they are copied.
    pub(crate) fn finish(self, account: &MemoryAccount) -> Result<Column> {
        Ok(match self {
            TypedChunks::I8(b) => Column::I8(concat_prim(vec![b], account)?),
            TypedChunks::I16(b) => Column::I16(concat_prim(vec![b], account)?),
            TypedChunks::I32(b) => Column::I32(concat_prim(vec![b], account)?),
            TypedChunks::I64(b) => Column::I64(concat_prim(vec![b], account)?),
            TypedChunks::F32(b) => Column::F32(concat_prim(vec![b], account)?),
            TypedChunks::F64(b) => Column::F64(concat_prim(vec![b], account)?),
            TypedChunks::Bool(b) => Column::Bool(concat_bool(vec![b], account)?),
            TypedChunks::Utf8(b) => Column::Utf8(concat_str(vec![b], account)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataflow::column::ValueRef;
    use crate::dataflow::memory::MemoryBudget;

    fn arena_account(budget: &MemoryBudget) -> MemoryAccount {
        MemoryAccount::new(budget, "read_csv").with_new_arena()
    }

    /// Segments never move once allocated: a value's address stays put while the column grows
    /// far past the first segment (a doubling buffer would have copied it several times).
    #[test]
    fn segments_grow_without_moving_values() {
        let mut s = Segments::<i64>::new(MemoryAccount::unlimited());
        s.push(7);
        let first: *const i64 = &s.current[0];
        for i in 0..300_000 {
            s.push(i);
        }
        assert_eq!(first, &s.full[0][0] as *const i64);
        assert_eq!(s.len(), 300_001);
        assert!(s.full.iter().all(|seg| seg.len() == seg.capacity()));
        let values: Vec<i64> = s.iter().copied().collect();
        assert_eq!(values[0], 7);
        assert_eq!(values[300_000], 299_999);
        // Small segments first, then large ones.
        let sizes: Vec<usize> = s.full.iter().map(|seg| seg.capacity() * 8).collect();
        assert_eq!(sizes, FIRST_SEGMENT_BYTES);
        assert_eq!(s.current.capacity() * 8, MAX_SEGMENT_BYTES);
    }

    #[test]
    fn slices_split_across_segments_and_large_values_get_their_own() {
        let mut s = Segments::<u8>::new(MemoryAccount::unlimited());
        let mut want = Vec::new();
        for i in 0..5000u32 {
            let v = vec![(i % 251) as u8; (i % 37) as usize];
            s.extend_from_slice(&v);
            want.extend(v);
        }
        let big = vec![9u8; 3 * FIRST_SEGMENT_BYTES[2]];
        s.extend_from_slice(&big);
        want.extend(&big);
        s.extend_zeroed(70_000);
        want.resize(want.len() + 70_000, 0);
        assert_eq!(s.iter().copied().collect::<Vec<_>>(), want);
        assert!(
            s.full
                .iter()
                .chain([&s.current])
                .all(|seg| seg.len() <= seg.capacity())
        );
    }

    /// Segments are charged while they fill; the budget error is remembered, and the charge
    /// ends when they are drained into a column.
    #[test]
    fn segments_are_charged_and_refused_over_budget() {
        let budget = MemoryBudget::with_limit(100 << 10);
        let mut s = Segments::<u64>::new(MemoryAccount::new(&budget, "read_csv"));
        s.push(1);
        assert_eq!(budget.used(), FIRST_SEGMENT_BYTES[0]);
        for i in 0..20_000 {
            s.push(i);
        }
        let e = s.check().unwrap_err();
        assert!(e.to_string().contains("read_csv"), "{e}");
        drop(s);
        assert_eq!(budget.used(), 0);
        // A large segment is charged a step at a time as it fills, not for its capacity.
        let budget = MemoryBudget::unlimited();
        let mut s = Segments::<u64>::new(MemoryAccount::new(&budget, "read_csv"));
        let small: usize = FIRST_SEGMENT_BYTES.iter().sum();
        (0..small / 8 + 1).for_each(|i| s.push(i as u64));
        assert_eq!(s.current.capacity() * 8, MAX_SEGMENT_BYTES);
        assert_eq!(budget.used(), small + CHARGE_STEP);
        (0..CHARGE_STEP / 8).for_each(|i| s.push(i as u64));
        assert_eq!(budget.used(), small + 2 * CHARGE_STEP);
        let d = s.into_drain();
        assert_eq!(budget.used(), 0, "copying hands the charge over");
        drop(d);
    }

    /// Draining frees each segment as soon as its last value is copied.
    #[test]
    fn a_drain_frees_segments_as_it_goes() {
        let mut s = Segments::<i32>::new(MemoryAccount::unlimited());
        for i in 0..20_000 {
            s.push(i);
        }
        let first_segment = s.full[0].len();
        let segments = s.full.len() + 1;
        let mut d = s.into_drain();
        assert_eq!(d.segments_left(), segments);
        let mut out = vec![0i32; first_segment - 1];
        assert_eq!(
            d.take_into(&mut out, |s, d| d.copy_from_slice(s)),
            out.len()
        );
        assert_eq!(
            d.segments_left(),
            segments,
            "one value of the first segment is left"
        );
        let mut one = [0i32; 2];
        d.take_into(&mut one, |s, d| d.copy_from_slice(s));
        assert_eq!(one, [first_segment as i32 - 1, first_segment as i32]);
        assert_eq!(d.segments_left(), segments - 1);
        let mut rest = vec![0i32; 30_000];
        let n = d.take_into(&mut rest, |s, d| d.copy_from_slice(s));
        assert_eq!(n, 20_000 - first_segment - 1);
        assert_eq!(rest[n - 1], 19_999);
        assert_eq!(d.segments_left(), 0);
    }

    /// `i64` → `f64` reuses each segment's allocation.
    #[test]
    fn ints_widen_to_floats_in_their_own_segments() {
        let mut p = PrimChunks::<i64>::new(MemoryAccount::unlimited());
        for i in 0..10_000 {
            if i % 3 == 0 {
                p.append_null();
            } else {
                p.append_value(i);
            }
        }
        let addresses: Vec<*const u8> = p.values.full.iter().map(|s| s.as_ptr().cast()).collect();
        let f = p.map(|v| v as f64);
        let after: Vec<*const u8> = f.values.full.iter().map(|s| s.as_ptr().cast()).collect();
        assert_eq!(addresses, after);
        let got = f.to_options();
        assert_eq!(got[0], None);
        assert_eq!(got[9_998], Some(9_998.0));
    }

    fn prim_part(from: i64, to: i64, null_every: i64, account: &MemoryAccount) -> PrimChunks<i64> {
        let mut p = PrimChunks::new(account.clone());
        for i in from..to {
            if null_every > 0 && i % null_every == 0 {
                p.append_null();
            } else {
                p.append_value(i);
            }
        }
        p
    }

    /// Parts of odd lengths (validity bits shifted), with and without nulls, concatenate into
    /// one arena column equal to the column built in one piece, charging only the arena.
    #[test]
    fn parts_concatenate_into_one_arena_column() {
        let budget = MemoryBudget::unlimited();
        let account = arena_account(&budget);
        for (a, b, nulls_a, nulls_b) in [
            (1001, 3000, 0, 7),
            (999, 200_000, 5, 0),
            (0, 1, 0, 0),
            (13, 13, 2, 3),
        ] {
            let whole = prim_part(0, b, 0, &account);
            let mut whole_opts = whole.to_options();
            whole_opts.iter_mut().enumerate().for_each(|(i, v)| {
                let i = i as i64;
                if (i < a && nulls_a > 0 && i % nulls_a == 0)
                    || (i >= a && nulls_b > 0 && i % nulls_b == 0)
                {
                    *v = None;
                }
            });
            let parts = vec![
                prim_part(0, a, nulls_a, &account),
                prim_part(a, b, nulls_b, &account),
            ];
            let col = concat_prim(parts, &account).unwrap();
            let got: Vec<Option<i64>> = (0..col.len()).map(|i| col.get(i)).collect();
            assert_eq!(got, whole_opts);
            assert!(
                col.values_buffer()
                    .arena()
                    .unwrap()
                    .ptr_eq(account.arena().unwrap())
            );
            let has_nulls = whole_opts.iter().any(Option::is_none);
            assert_eq!(col.validity().is_some(), has_nulls);
        }
        // Only the arena stays charged: every segment was given back.
        assert_eq!(budget.used(), account.arena().unwrap().allocated());
    }

    #[test]
    fn text_parts_rebase_offsets_and_bools_keep_their_bits() {
        let budget = MemoryBudget::unlimited();
        let account = arena_account(&budget);
        let mut a = StrChunks::new(account.clone());
        let mut b = StrChunks::new(account.clone());
        let mut want = Vec::new();
        for i in 0..5000 {
            let v = (i % 4 != 0).then(|| format!("v{i}é"));
            let part = if i < 1234 { &mut a } else { &mut b };
            match &v {
                Some(s) => part.append_value(s),
                None => part.append_null(),
            }
            want.push(v);
        }
        b.append_nulls(3);
        want.extend([None, None, None]);
        let col = Column::Utf8(concat_str(vec![a, b], &account).unwrap());
        for (i, w) in want.iter().enumerate() {
            let got = match col.value(i) {
                ValueRef::Utf8(s) => Some(s.to_string()),
                _ => None,
            };
            assert_eq!(&got, w, "row {i}");
        }
        let mut x = BoolChunks::new(account.clone());
        let mut y = BoolChunks::new(account.clone());
        let mut want = Vec::new();
        for i in 0..301 {
            let v = (i % 5 != 0).then_some(i % 3 == 0);
            let part = if i < 13 { &mut x } else { &mut y };
            match v {
                Some(v) => part.append_value(v),
                None => part.append_null(),
            }
            want.push(v);
        }
        let col = concat_bool(vec![x, y], &account).unwrap();
        let got: Vec<Option<bool>> = (0..col.len()).map(|i| col.get(i)).collect();
        assert_eq!(got, want);
        assert_eq!(budget.used(), account.arena().unwrap().allocated());
    }

    #[test]
    fn too_much_text_is_an_error() {
        let mut s = StrChunks::new(MemoryAccount::unlimited());
        s.overflow = true;
        assert!(s.check().is_err());
        assert!(concat_str(vec![s], &MemoryAccount::unlimited()).is_err());
    }
}

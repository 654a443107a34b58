//! Typed, immutable column arrays in the Arrow layout: fixed-width values, bit-packed booleans,
//! strings as `i32` offsets (rows + 1) plus UTF-8 bytes, each with an optional validity bitmap.

use std::fmt;
use std::marker::PhantomData;

use bytemuck::Pod;

use super::bitmap::Bitmap;
use super::buffer::Buffer;
use super::error::{DataflowError, Result};
use super::types::DataType;

/// A fixed-width Rust type stored in a column: `i8 i16 i32 i64 f32 f64`.
pub trait NativeType:
    Pod + Default + PartialEq + PartialOrd + fmt::Debug + Send + Sync + 'static
{
    /// The column type holding this Rust type.
    const DATA_TYPE: DataType;
    /// Wraps a typed column into a [`Column`].
    fn into_column(c: PrimitiveColumn<Self>) -> Column;
    /// The typed column inside `c` when it holds this type.
    fn from_column(c: &Column) -> Option<&PrimitiveColumn<Self>>;
    /// This value as a [`ValueRef`].
    fn to_value(self) -> ValueRef<'static>;
}

macro_rules! native {
    ($t:ty, $variant:ident) => {
        impl NativeType for $t {
            const DATA_TYPE: DataType = DataType::$variant;
            fn into_column(c: PrimitiveColumn<Self>) -> Column {
                Column::$variant(c)
            }
            fn from_column(c: &Column) -> Option<&PrimitiveColumn<Self>> {
                match c {
                    Column::$variant(p) => Some(p),
                    _ => None,
                }
            }
            fn to_value(self) -> ValueRef<'static> {
                ValueRef::$variant(self)
            }
        }
    };
}
native!(i8, I8);
native!(i16, I16);
native!(i32, I32);
native!(i64, I64);
native!(f32, F32);
native!(f64, F64);

/// One cell of a column, borrowed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ValueRef<'a> {
    /// A null cell.
    Null,
    /// An `i8` value.
    I8(i8),
    /// An `i16` value.
    I16(i16),
    /// An `i32` value.
    I32(i32),
    /// An `i64` value.
    I64(i64),
    /// An `f32` value.
    F32(f32),
    /// An `f64` value.
    F64(f64),
    /// A `bool` value.
    Bool(bool),
    /// A `string` value.
    Utf8(&'a str),
}

impl ValueRef<'_> {
    /// True for [`ValueRef::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, ValueRef::Null)
    }

    /// The data type of a non-null value.
    pub fn data_type(&self) -> Option<DataType> {
        Some(match self {
            ValueRef::Null => return None,
            ValueRef::I8(_) => DataType::I8,
            ValueRef::I16(_) => DataType::I16,
            ValueRef::I32(_) => DataType::I32,
            ValueRef::I64(_) => DataType::I64,
            ValueRef::F32(_) => DataType::F32,
            ValueRef::F64(_) => DataType::F64,
            ValueRef::Bool(_) => DataType::Bool,
            ValueRef::Utf8(_) => DataType::Utf8,
        })
    }

    /// Any integer value widened to `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            ValueRef::I8(v) => Some(v.into()),
            ValueRef::I16(v) => Some(v.into()),
            ValueRef::I32(v) => Some(v.into()),
            ValueRef::I64(v) => Some(v),
            _ => None,
        }
    }

    /// A float value widened to `f64`.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            ValueRef::F32(v) => Some(v.into()),
            ValueRef::F64(v) => Some(v),
            _ => None,
        }
    }
}

fn check_validity(validity: &Option<Bitmap>, len: usize) -> Result<()> {
    match validity {
        Some(v) if v.len() != len => Err(DataflowError::format(format!(
            "validity bitmap has {} bits for {len} rows",
            v.len()
        ))),
        _ => Ok(()),
    }
}

fn null_count_of(validity: &Option<Bitmap>) -> usize {
    validity.as_ref().map_or(0, Bitmap::count_unset)
}

/// A column of fixed-width values.
#[derive(Clone)]
pub struct PrimitiveColumn<T: NativeType> {
    values: Buffer,
    validity: Option<Bitmap>,
    null_count: usize,
    _t: PhantomData<T>,
}

impl<T: NativeType> PrimitiveColumn<T> {
    /// A column over `values` (exactly rows × width bytes, aligned for `T`) and an optional
    /// validity bitmap of the same number of rows.
    pub fn try_new(values: Buffer, validity: Option<Bitmap>) -> Result<Self> {
        let Some(typed) = values.try_typed::<T>() else {
            return Err(DataflowError::format(format!(
                "{} values buffer of {} bytes is misaligned or not a whole number of values",
                T::DATA_TYPE,
                values.len()
            )));
        };
        check_validity(&validity, typed.len())?;
        let null_count = null_count_of(&validity);
        Ok(PrimitiveColumn {
            values,
            validity,
            null_count,
            _t: PhantomData,
        })
    }

    /// A column without nulls holding `values` (unaccounted copy).
    pub fn from_values(values: &[T]) -> Self {
        let values = Buffer::from_slice(values);
        PrimitiveColumn {
            values,
            validity: None,
            null_count: 0,
            _t: PhantomData,
        }
    }

    /// A column from optional values (`None` is null; unaccounted copy).
    pub fn from_options(values: &[Option<T>]) -> Self {
        let plain: Vec<T> = values.iter().map(|v| v.unwrap_or_default()).collect();
        let bits: Vec<bool> = values.iter().map(Option::is_some).collect();
        let validity = Some(Bitmap::from_bools(&bits));
        let null_count = null_count_of(&validity);
        PrimitiveColumn {
            values: Buffer::from_slice(&plain),
            validity,
            null_count,
            _t: PhantomData,
        }
    }

    /// The values, including the (unspecified) values under nulls.
    #[inline]
    pub fn values(&self) -> &[T] {
        self.values.typed()
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.values.len() / std::mem::size_of::<T>()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `i`, `None` when null or out of range.
    #[inline]
    pub fn get(&self, i: usize) -> Option<T> {
        if !self.is_valid(i) {
            return None;
        }
        self.values().get(i).copied()
    }

    /// True when row `i` exists and is not null.
    #[inline]
    pub fn is_valid(&self, i: usize) -> bool {
        i < self.len() && self.validity.as_ref().is_none_or(|v| v.get(i))
    }

    /// The validity bitmap (`None` means no nulls).
    pub fn validity(&self) -> Option<&Bitmap> {
        self.validity.as_ref()
    }

    /// Number of null rows.
    pub fn null_count(&self) -> usize {
        self.null_count
    }

    /// The values buffer.
    pub fn values_buffer(&self) -> &Buffer {
        &self.values
    }

    /// Rows `offset..offset + len`, sharing storage; clamped.
    pub fn slice(&self, offset: usize, len: usize) -> Self {
        let w = std::mem::size_of::<T>();
        let offset = offset.min(self.len());
        let len = len.min(self.len() - offset);
        let validity = self.validity.as_ref().map(|v| v.slice(offset, len));
        let null_count = null_count_of(&validity);
        let values = self.values.slice(offset * w, len * w);
        PrimitiveColumn {
            values,
            validity,
            null_count,
            _t: PhantomData,
        }
    }
}

/// A column of booleans, bit-packed.
#[derive(Clone)]
pub struct BoolColumn {
    values: Bitmap,
    validity: Option<Bitmap>,
    null_count: usize,
}

impl BoolColumn {
    /// A column over bit-packed `values` and optional validity of the same length.
    pub fn try_new(values: Bitmap, validity: Option<Bitmap>) -> Result<Self> {
        check_validity(&validity, values.len())?;
        let null_count = null_count_of(&validity);
        Ok(BoolColumn {
            values,
            validity,
            null_count,
        })
    }

    /// A column from optional booleans (`None` is null; unaccounted copy).
    pub fn from_options(values: &[Option<bool>]) -> Self {
        let bits: Vec<bool> = values.iter().map(|v| v.unwrap_or(false)).collect();
        let valid: Vec<bool> = values.iter().map(Option::is_some).collect();
        let validity = Some(Bitmap::from_bools(&valid));
        let null_count = null_count_of(&validity);
        BoolColumn {
            values: Bitmap::from_bools(&bits),
            validity,
            null_count,
        }
    }

    /// The value bits (bits under nulls are unspecified).
    pub fn values(&self) -> &Bitmap {
        &self.values
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The bit of row `i`, ignoring validity.
    #[inline]
    pub fn value(&self, i: usize) -> bool {
        self.values.get(i)
    }

    /// Row `i`, `None` when null or out of range.
    #[inline]
    pub fn get(&self, i: usize) -> Option<bool> {
        self.is_valid(i).then(|| self.values.get(i))
    }

    /// True when row `i` exists and is not null.
    #[inline]
    pub fn is_valid(&self, i: usize) -> bool {
        i < self.len() && self.validity.as_ref().is_none_or(|v| v.get(i))
    }

    /// The validity bitmap (`None` means no nulls).
    pub fn validity(&self) -> Option<&Bitmap> {
        self.validity.as_ref()
    }

    /// Number of null rows.
    pub fn null_count(&self) -> usize {
        self.null_count
    }

    /// Rows `offset..offset + len`, sharing storage; clamped.
    pub fn slice(&self, offset: usize, len: usize) -> Self {
        let values = self.values.slice(offset, len);
        let offset = offset.min(self.len());
        let validity = self
            .validity
            .as_ref()
            .map(|v| v.slice(offset, values.len()));
        let null_count = null_count_of(&validity);
        BoolColumn {
            values,
            validity,
            null_count,
        }
    }
}

/// A column of UTF-8 strings: `i32` offsets (rows + 1, non-decreasing) into a byte buffer.
///
/// Invariant (checked by every constructor): each value `data[offsets[i]..offsets[i + 1]]` is
/// valid UTF-8, which lets [`Self::value`] skip re-validation.
#[derive(Clone)]
pub struct StringColumn {
    offsets: Buffer,
    data: Buffer,
    validity: Option<Bitmap>,
    null_count: usize,
}

/// The `i32` offsets of a text column with their first and last value, when they are aligned,
/// non-empty, non-negative, non-decreasing and within `data`.
fn checked_offsets<'a>(offsets: &'a Buffer, data: &Buffer) -> Result<(&'a [i32], i32, i32)> {
    let offs = offsets
        .try_typed::<i32>()
        .ok_or_else(|| DataflowError::format("string offsets buffer is misaligned"))?;
    let Some(&first) = offs.first() else {
        return Err(DataflowError::format("string offsets buffer is empty"));
    };
    let last = offs[offs.len() - 1];
    if first < 0 || offs.windows(2).any(|w| w[0] > w[1]) || last as usize > data.len() {
        return Err(DataflowError::format(
            "string offsets are decreasing or out of bounds",
        ));
    }
    Ok((offs, first, last))
}

impl StringColumn {
    /// A column over `offsets` (rows + 1 `i32`s) and `data`; checks offsets and UTF-8.
    pub fn try_new(offsets: Buffer, data: Buffer, validity: Option<Bitmap>) -> Result<Self> {
        let (offs, first, last) = checked_offsets(&offsets, &data)?;
        let text = std::str::from_utf8(&data.as_slice()[first as usize..last as usize])
            .map_err(|_| DataflowError::format("string data is not valid UTF-8"))?;
        if !offs
            .iter()
            .all(|&o| text.is_char_boundary((o - first) as usize))
        {
            return Err(DataflowError::format(
                "a string offset splits a UTF-8 character",
            ));
        }
        let rows = offs.len() - 1;
        Self::assemble(offsets, data, validity, rows)
    }

    /// The column of `rows` values once its offsets and bytes are known good: checks the
    /// validity bitmap's length.
    fn assemble(
        offsets: Buffer,
        data: Buffer,
        validity: Option<Bitmap>,
        rows: usize,
    ) -> Result<Self> {
        check_validity(&validity, rows)?;
        let null_count = null_count_of(&validity);
        Ok(StringColumn {
            offsets,
            data,
            validity,
            null_count,
        })
    }

    /// Like [`Self::try_new`] but without the UTF-8 check of the bytes (offsets and validity
    /// are still checked), for kernels that build a column out of whole values of existing
    /// columns (a gather or a concatenation), whose bytes were checked when those were built.
    ///
    /// # Safety
    ///
    /// `data[offsets[0]..offsets[last]]` must be valid UTF-8 and every offset must fall on a
    /// character boundary of it: [`Self::value`] relies on this to skip re-checking. Bytes
    /// made of whole values of other `StringColumn`s, in any order, satisfy it (each value is
    /// valid UTF-8 on its own, and so is their concatenation, split between values). Debug
    /// builds (the tests) check it anyway.
    pub unsafe fn new_unchecked_utf8(
        offsets: Buffer,
        data: Buffer,
        validity: Option<Bitmap>,
    ) -> Result<Self> {
        if cfg!(debug_assertions) {
            return Self::try_new(offsets, data, validity);
        }
        let rows = checked_offsets(&offsets, &data)?.0.len() - 1;
        Self::assemble(offsets, data, validity, rows)
    }

    /// A column from optional strings (`None` is null; unaccounted copy).
    pub fn from_options(values: &[Option<&str>]) -> Self {
        let mut b = super::builder::StringBuilder::new(Default::default());
        for v in values {
            b.append_option(*v);
        }
        b.finish_column().unwrap_or_else(|_| StringColumn::empty())
    }

    /// The column with no rows.
    pub fn empty() -> Self {
        StringColumn {
            offsets: Buffer::from_slice(&[0i32]),
            data: Buffer::empty(),
            validity: None,
            null_count: 0,
        }
    }

    /// The offsets (rows + 1 values).
    #[inline]
    pub fn offsets(&self) -> &[i32] {
        self.offsets.typed()
    }

    /// The offsets buffer.
    pub fn offsets_buffer(&self) -> &Buffer {
        &self.offsets
    }

    /// The UTF-8 bytes buffer (offsets index into it).
    pub fn data_buffer(&self) -> &Buffer {
        &self.data
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.offsets().len().saturating_sub(1)
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes of row `i` (empty when out of range), ignoring validity.
    #[inline]
    pub fn value_bytes(&self, i: usize) -> &[u8] {
        let offs = self.offsets();
        match (offs.get(i), offs.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.data.as_slice()[a as usize..b as usize],
            _ => &[],
        }
    }

    /// The text of row `i` (empty when out of range), ignoring validity.
    #[inline]
    pub fn value(&self, i: usize) -> &str {
        let bytes = self.value_bytes(i);
        // SAFETY: every constructor checks that each value range is valid UTF-8 (see the type's
        // invariant), buffers are immutable, and out-of-range rows give an empty slice.
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }

    /// Row `i`, `None` when null or out of range.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&str> {
        self.is_valid(i).then(|| self.value(i))
    }

    /// True when row `i` exists and is not null.
    #[inline]
    pub fn is_valid(&self, i: usize) -> bool {
        i < self.len() && self.validity.as_ref().is_none_or(|v| v.get(i))
    }

    /// The validity bitmap (`None` means no nulls).
    pub fn validity(&self) -> Option<&Bitmap> {
        self.validity.as_ref()
    }

    /// Number of null rows.
    pub fn null_count(&self) -> usize {
        self.null_count
    }

    /// Rows `offset..offset + len`, sharing storage (offsets keep pointing into the same data).
    pub fn slice(&self, offset: usize, len: usize) -> Self {
        let offset = offset.min(self.len());
        let len = len.min(self.len() - offset);
        let offsets = self.offsets.slice(offset * 4, (len + 1) * 4);
        let validity = self.validity.as_ref().map(|v| v.slice(offset, len));
        let null_count = null_count_of(&validity);
        StringColumn {
            offsets,
            data: self.data.clone(),
            validity,
            null_count,
        }
    }
}

/// An immutable column of any type. Cloning is O(1).
#[derive(Clone)]
pub enum Column {
    /// `i8` values.
    I8(PrimitiveColumn<i8>),
    /// `i16` values.
    I16(PrimitiveColumn<i16>),
    /// `i32` values.
    I32(PrimitiveColumn<i32>),
    /// `i64` values.
    I64(PrimitiveColumn<i64>),
    /// `f32` values.
    F32(PrimitiveColumn<f32>),
    /// `f64` values.
    F64(PrimitiveColumn<f64>),
    /// Booleans.
    Bool(BoolColumn),
    /// Strings.
    Utf8(StringColumn),
}

/// Runs `$body` with `$c` bound to the typed column inside any `Column` variant.
macro_rules! each_column {
    ($col:expr, $c:ident => $body:expr) => {
        match $col {
            Column::I8($c) => $body,
            Column::I16($c) => $body,
            Column::I32($c) => $body,
            Column::I64($c) => $body,
            Column::F32($c) => $body,
            Column::F64($c) => $body,
            Column::Bool($c) => $body,
            Column::Utf8($c) => $body,
        }
    };
}

impl Column {
    /// A column without nulls holding `values` (unaccounted copy).
    pub fn from_values<T: NativeType>(values: &[T]) -> Column {
        T::into_column(PrimitiveColumn::from_values(values))
    }

    /// A column from optional values (unaccounted copy).
    pub fn from_options<T: NativeType>(values: &[Option<T>]) -> Column {
        T::into_column(PrimitiveColumn::from_options(values))
    }

    /// Approximate bytes of this column's rows (values, offsets, text, validity), ignoring
    /// storage shared beyond the viewed rows: what buffering the column costs an operator.
    pub fn byte_size(&self) -> usize {
        let rows = self.len();
        let validity = if self.null_count() > 0 {
            rows.div_ceil(8)
        } else {
            0
        };
        validity
            + match self {
                Column::I8(_) => rows,
                Column::I16(_) => rows * 2,
                Column::I32(_) | Column::F32(_) => rows * 4,
                Column::I64(_) | Column::F64(_) => rows * 8,
                Column::Bool(_) => rows.div_ceil(8),
                Column::Utf8(c) => {
                    let o = c.offsets();
                    o.len() * 4 + (o[o.len() - 1] - o[0]).max(0) as usize
                }
            }
    }

    /// A string column from optional texts (unaccounted copy).
    pub fn from_strs(values: &[Option<&str>]) -> Column {
        Column::Utf8(StringColumn::from_options(values))
    }

    /// A bool column from optional booleans (unaccounted copy).
    pub fn from_bools(values: &[Option<bool>]) -> Column {
        Column::Bool(BoolColumn::from_options(values))
    }

    /// A column of `len` nulls of type `data_type`.
    pub fn new_null(data_type: DataType, len: usize) -> Column {
        let mut b = super::builder::ColumnBuilder::new(data_type, Default::default());
        b.append_nulls(len);
        b.finish().unwrap_or_else(|_| Column::empty(data_type))
    }

    /// The column of `data_type` with no rows.
    pub fn empty(data_type: DataType) -> Column {
        match data_type {
            DataType::I8 => Column::from_values::<i8>(&[]),
            DataType::I16 => Column::from_values::<i16>(&[]),
            DataType::I32 => Column::from_values::<i32>(&[]),
            DataType::I64 => Column::from_values::<i64>(&[]),
            DataType::F32 => Column::from_values::<f32>(&[]),
            DataType::F64 => Column::from_values::<f64>(&[]),
            DataType::Bool => Column::from_bools(&[]),
            DataType::Utf8 => Column::Utf8(StringColumn::empty()),
        }
    }

    /// The type of the values.
    pub fn data_type(&self) -> DataType {
        match self {
            Column::I8(_) => DataType::I8,
            Column::I16(_) => DataType::I16,
            Column::I32(_) => DataType::I32,
            Column::I64(_) => DataType::I64,
            Column::F32(_) => DataType::F32,
            Column::F64(_) => DataType::F64,
            Column::Bool(_) => DataType::Bool,
            Column::Utf8(_) => DataType::Utf8,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        each_column!(self, c => c.len())
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of null rows.
    pub fn null_count(&self) -> usize {
        each_column!(self, c => c.null_count())
    }

    /// The validity bitmap (`None` means no nulls).
    pub fn validity(&self) -> Option<&Bitmap> {
        each_column!(self, c => c.validity())
    }

    /// True when row `i` exists and is not null.
    #[inline]
    pub fn is_valid(&self, i: usize) -> bool {
        each_column!(self, c => c.is_valid(i))
    }

    /// True when row `i` is null (or out of range).
    #[inline]
    pub fn is_null(&self, i: usize) -> bool {
        !self.is_valid(i)
    }

    /// Row `i` as a [`ValueRef`]; [`ValueRef::Null`] when null or out of range.
    pub fn value(&self, i: usize) -> ValueRef<'_> {
        match self {
            Column::I8(c) => c.get(i).map_or(ValueRef::Null, ValueRef::I8),
            Column::I16(c) => c.get(i).map_or(ValueRef::Null, ValueRef::I16),
            Column::I32(c) => c.get(i).map_or(ValueRef::Null, ValueRef::I32),
            Column::I64(c) => c.get(i).map_or(ValueRef::Null, ValueRef::I64),
            Column::F32(c) => c.get(i).map_or(ValueRef::Null, ValueRef::F32),
            Column::F64(c) => c.get(i).map_or(ValueRef::Null, ValueRef::F64),
            Column::Bool(c) => c.get(i).map_or(ValueRef::Null, ValueRef::Bool),
            Column::Utf8(c) => c.get(i).map_or(ValueRef::Null, ValueRef::Utf8),
        }
    }

    /// Rows `offset..offset + len`, sharing storage; clamped.
    pub fn slice(&self, offset: usize, len: usize) -> Column {
        match self {
            Column::I8(c) => Column::I8(c.slice(offset, len)),
            Column::I16(c) => Column::I16(c.slice(offset, len)),
            Column::I32(c) => Column::I32(c.slice(offset, len)),
            Column::I64(c) => Column::I64(c.slice(offset, len)),
            Column::F32(c) => Column::F32(c.slice(offset, len)),
            Column::F64(c) => Column::F64(c.slice(offset, len)),
            Column::Bool(c) => Column::Bool(c.slice(offset, len)),
            Column::Utf8(c) => Column::Utf8(c.slice(offset, len)),
        }
    }

    /// The typed column when it holds `T`.
    pub fn as_primitive<T: NativeType>(&self) -> Option<&PrimitiveColumn<T>> {
        T::from_column(self)
    }

    /// The `i64` values as a slice (`None` for other types).
    pub fn as_i64_slice(&self) -> Option<&[i64]> {
        self.as_primitive::<i64>().map(PrimitiveColumn::values)
    }

    /// The `f64` values as a slice (`None` for other types).
    pub fn as_f64_slice(&self) -> Option<&[f64]> {
        self.as_primitive::<f64>().map(PrimitiveColumn::values)
    }

    /// The bool column inside, if any.
    pub fn as_bool(&self) -> Option<&BoolColumn> {
        match self {
            Column::Bool(c) => Some(c),
            _ => None,
        }
    }

    /// The string column inside, if any.
    pub fn as_utf8(&self) -> Option<&StringColumn> {
        match self {
            Column::Utf8(c) => Some(c),
            _ => None,
        }
    }
}

impl PartialEq for Column {
    /// Logical equality: same type, length, nulls and values (NaN equals NaN bitwise).
    fn eq(&self, other: &Self) -> bool {
        if self.data_type() != other.data_type() || self.len() != other.len() {
            return false;
        }
        (0..self.len()).all(|i| match (self.value(i), other.value(i)) {
            (ValueRef::F32(a), ValueRef::F32(b)) => a.to_bits() == b.to_bits(),
            (ValueRef::F64(a), ValueRef::F64(b)) => a.to_bits() == b.to_bits(),
            (a, b) => a == b,
        })
    }
}

impl fmt::Debug for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[", self.data_type())?;
        for i in 0..self.len() {
            if i > 0 {
                write!(f, ", ")?;
            }
            match self.value(i) {
                ValueRef::Null => write!(f, "null")?,
                ValueRef::Utf8(s) => write!(f, "{s:?}")?,
                ValueRef::I8(v) => write!(f, "{v}")?,
                ValueRef::I16(v) => write!(f, "{v}")?,
                ValueRef::I32(v) => write!(f, "{v}")?,
                ValueRef::I64(v) => write!(f, "{v}")?,
                ValueRef::F32(v) => write!(f, "{v:?}")?,
                ValueRef::F64(v) => write!(f, "{v:?}")?,
                ValueRef::Bool(v) => write!(f, "{v}")?,
            }
        }
        write!(f, "]")
    }
}

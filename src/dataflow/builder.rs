//! Builders: append values column by column, then finish into immutable columns and tables.
//!
//! Every builder charges its growth to a [`MemoryAccount`]. Appends never fail; a budget overrun
//! is remembered and returned by `reserve`, `check` and `finish` (see [`MutableBuffer`]).

use super::bitmap::BitmapBuilder;
use super::buffer::MutableBuffer;
use super::column::{BoolColumn, Column, NativeType, PrimitiveColumn, StringColumn, ValueRef};
use super::error::{DataflowError, Result};
use super::memory::MemoryAccount;
use super::table::Table;
use super::types::{DataType, Schema};

/// Validity bits created lazily on the first null, so columns without nulls carry no bitmap.
struct Validity {
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

    fn append(&mut self, len_before: usize, valid: bool) {
        match &mut self.bits {
            Some(b) => b.append(valid),
            None if valid => {}
            None => {
                let mut b = BitmapBuilder::new(self.account.clone());
                b.append_n(len_before, true);
                b.append(false);
                self.bits = Some(b);
            }
        }
    }

    fn append_n(&mut self, len_before: usize, n: usize, valid: bool) {
        if n == 0 {
            return;
        }
        if self.bits.is_none() && !valid {
            let mut b = BitmapBuilder::new(self.account.clone());
            b.append_n(len_before, true);
            self.bits = Some(b);
        }
        if let Some(b) = &mut self.bits {
            b.append_n(n, valid);
        }
    }

    fn check(&self) -> Result<()> {
        self.bits.as_ref().map_or(Ok(()), BitmapBuilder::check)
    }

    fn finish(self) -> Result<Option<super::bitmap::Bitmap>> {
        self.bits.map(BitmapBuilder::finish).transpose()
    }
}

/// Builds a [`PrimitiveColumn`] of `T`.
pub struct PrimitiveBuilder<T: NativeType> {
    values: MutableBuffer,
    validity: Validity,
    len: usize,
    _t: std::marker::PhantomData<T>,
}

impl<T: NativeType> PrimitiveBuilder<T> {
    /// An empty builder charging `account`.
    pub fn new(account: MemoryAccount) -> Self {
        PrimitiveBuilder {
            values: MutableBuffer::new(account.clone()),
            validity: Validity::new(account),
            len: 0,
            _t: std::marker::PhantomData,
        }
    }

    /// Rows appended.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing is appended.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Makes room for `rows` more rows now, failing if the budget does not allow it.
    pub fn reserve(&mut self, rows: usize) -> Result<()> {
        self.values
            .reserve(rows.saturating_mul(std::mem::size_of::<T>()))?;
        self.check()
    }

    /// The first budget error met, if any.
    pub fn check(&self) -> Result<()> {
        self.values.check()?;
        self.validity.check()
    }

    /// Appends a value.
    #[inline]
    pub fn append_value(&mut self, v: T) {
        self.values.push(v);
        self.validity.append(self.len, true);
        self.len += 1;
    }

    /// Appends many values.
    pub fn append_slice(&mut self, vs: &[T]) {
        self.values.extend_from_slice(vs);
        self.validity.append_n(self.len, vs.len(), true);
        self.len += vs.len();
    }

    /// Appends a null.
    #[inline]
    pub fn append_null(&mut self) {
        self.values.push(T::default());
        self.validity.append(self.len, false);
        self.len += 1;
    }

    /// Appends `n` nulls.
    pub fn append_nulls(&mut self, n: usize) {
        self.values
            .resize(self.values.len() + n * std::mem::size_of::<T>());
        self.validity.append_n(self.len, n, false);
        self.len += n;
    }

    /// Appends a value or a null.
    #[inline]
    pub fn append_option(&mut self, v: Option<T>) {
        match v {
            Some(v) => self.append_value(v),
            None => self.append_null(),
        }
    }

    /// The values appended so far (zero under nulls).
    pub fn values(&self) -> &[T] {
        self.values.typed()
    }

    /// True when row `i` so far is not null.
    pub fn is_valid(&self, i: usize) -> bool {
        i < self.len && self.validity.bits.as_ref().is_none_or(|b| b.get(i))
    }

    /// Freezes into a typed column.
    pub fn finish_column(self) -> Result<PrimitiveColumn<T>> {
        let validity = self.validity.finish()?;
        PrimitiveColumn::try_new(self.values.freeze()?, validity)
    }

    /// Freezes into a [`Column`].
    pub fn finish(self) -> Result<Column> {
        self.finish_column().map(T::into_column)
    }
}

/// Builds a [`BoolColumn`].
pub struct BoolBuilder {
    values: BitmapBuilder,
    validity: Validity,
}

impl BoolBuilder {
    /// An empty builder charging `account`.
    pub fn new(account: MemoryAccount) -> Self {
        BoolBuilder {
            values: BitmapBuilder::new(account.clone()),
            validity: Validity::new(account),
        }
    }

    /// Rows appended.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True when nothing is appended.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Makes room for `rows` more rows now, failing if the budget does not allow it.
    pub fn reserve(&mut self, rows: usize) -> Result<()> {
        self.values.reserve(rows)?;
        self.check()
    }

    /// The first budget error met, if any.
    pub fn check(&self) -> Result<()> {
        self.values.check()?;
        self.validity.check()
    }

    /// Appends a value.
    #[inline]
    pub fn append_value(&mut self, v: bool) {
        self.validity.append(self.len(), true);
        self.values.append(v);
    }

    /// Appends a null.
    #[inline]
    pub fn append_null(&mut self) {
        self.validity.append(self.len(), false);
        self.values.append(false);
    }

    /// Appends `n` nulls.
    pub fn append_nulls(&mut self, n: usize) {
        self.validity.append_n(self.len(), n, false);
        self.values.append_n(n, false);
    }

    /// Appends a value or a null.
    #[inline]
    pub fn append_option(&mut self, v: Option<bool>) {
        match v {
            Some(v) => self.append_value(v),
            None => self.append_null(),
        }
    }

    /// Freezes into a typed column.
    pub fn finish_column(self) -> Result<BoolColumn> {
        let validity = self.validity.finish()?;
        BoolColumn::try_new(self.values.finish()?, validity)
    }

    /// Freezes into a [`Column`].
    pub fn finish(self) -> Result<Column> {
        self.finish_column().map(Column::Bool)
    }
}

/// Builds a [`StringColumn`].
pub struct StringBuilder {
    offsets: MutableBuffer,
    data: MutableBuffer,
    validity: Validity,
    len: usize,
    overflow: bool,
}

impl StringBuilder {
    /// An empty builder charging `account`.
    pub fn new(account: MemoryAccount) -> Self {
        let mut offsets = MutableBuffer::new(account.clone());
        offsets.push(0i32);
        StringBuilder {
            offsets,
            data: MutableBuffer::new(account.clone()),
            validity: Validity::new(account),
            len: 0,
            overflow: false,
        }
    }

    /// Rows appended.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing is appended.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes of text appended.
    pub fn data_len(&self) -> usize {
        self.data.len()
    }

    /// Makes room for `rows` more rows and `bytes` more text now.
    pub fn reserve(&mut self, rows: usize, bytes: usize) -> Result<()> {
        self.offsets.reserve(rows.saturating_mul(4))?;
        self.data.reserve(bytes)?;
        self.check()
    }

    /// The first budget or size error met, if any.
    pub fn check(&self) -> Result<()> {
        if self.overflow {
            return Err(DataflowError::OutOfRange {
                message: "a string column holds more than 2 GiB of text".into(),
            });
        }
        self.offsets.check()?;
        self.data.check()?;
        self.validity.check()
    }

    fn push_offset(&mut self) {
        match i32::try_from(self.data.len()) {
            Ok(o) => self.offsets.push(o),
            Err(_) => {
                self.overflow = true;
                self.offsets.push(i32::MAX);
            }
        }
        self.len += 1;
    }

    /// Appends a string.
    #[inline]
    pub fn append_value(&mut self, v: &str) {
        self.data.extend_from_slice(v.as_bytes());
        self.validity.append(self.len, true);
        self.push_offset();
    }

    /// Appends a null.
    #[inline]
    pub fn append_null(&mut self) {
        self.validity.append(self.len, false);
        self.push_offset();
    }

    /// Appends `n` nulls.
    pub fn append_nulls(&mut self, n: usize) {
        self.validity.append_n(self.len, n, false);
        for _ in 0..n {
            self.push_offset();
        }
    }

    /// Appends a string or a null.
    #[inline]
    pub fn append_option(&mut self, v: Option<&str>) {
        match v {
            Some(v) => self.append_value(v),
            None => self.append_null(),
        }
    }

    /// Freezes into a typed column.
    pub fn finish_column(self) -> Result<StringColumn> {
        self.check()?;
        let validity = self.validity.finish()?;
        StringColumn::try_new(self.offsets.freeze()?, self.data.freeze()?, validity)
    }

    /// Freezes into a [`Column`].
    pub fn finish(self) -> Result<Column> {
        self.finish_column().map(Column::Utf8)
    }
}

/// A builder for a column of any type.
pub enum ColumnBuilder {
    /// `i8` values.
    I8(PrimitiveBuilder<i8>),
    /// `i16` values.
    I16(PrimitiveBuilder<i16>),
    /// `i32` values.
    I32(PrimitiveBuilder<i32>),
    /// `i64` values.
    I64(PrimitiveBuilder<i64>),
    /// `f32` values.
    F32(PrimitiveBuilder<f32>),
    /// `f64` values.
    F64(PrimitiveBuilder<f64>),
    /// Booleans.
    Bool(BoolBuilder),
    /// Strings.
    Utf8(StringBuilder),
}

macro_rules! each_builder {
    ($b:expr, $x:ident => $body:expr) => {
        match $b {
            ColumnBuilder::I8($x) => $body,
            ColumnBuilder::I16($x) => $body,
            ColumnBuilder::I32($x) => $body,
            ColumnBuilder::I64($x) => $body,
            ColumnBuilder::F32($x) => $body,
            ColumnBuilder::F64($x) => $body,
            ColumnBuilder::Bool($x) => $body,
            ColumnBuilder::Utf8($x) => $body,
        }
    };
}

fn int_into<T: TryFrom<i64>>(v: i64, dt: DataType) -> Result<T> {
    T::try_from(v)
        .map_err(|_| DataflowError::type_error(format!("value {v} does not fit a {dt} column")))
}

impl ColumnBuilder {
    /// An empty builder for `data_type` charging `account`.
    pub fn new(data_type: DataType, account: MemoryAccount) -> Self {
        match data_type {
            DataType::I8 => ColumnBuilder::I8(PrimitiveBuilder::new(account)),
            DataType::I16 => ColumnBuilder::I16(PrimitiveBuilder::new(account)),
            DataType::I32 => ColumnBuilder::I32(PrimitiveBuilder::new(account)),
            DataType::I64 => ColumnBuilder::I64(PrimitiveBuilder::new(account)),
            DataType::F32 => ColumnBuilder::F32(PrimitiveBuilder::new(account)),
            DataType::F64 => ColumnBuilder::F64(PrimitiveBuilder::new(account)),
            DataType::Bool => ColumnBuilder::Bool(BoolBuilder::new(account)),
            DataType::Utf8 => ColumnBuilder::Utf8(StringBuilder::new(account)),
        }
    }

    /// The type being built.
    pub fn data_type(&self) -> DataType {
        match self {
            ColumnBuilder::I8(_) => DataType::I8,
            ColumnBuilder::I16(_) => DataType::I16,
            ColumnBuilder::I32(_) => DataType::I32,
            ColumnBuilder::I64(_) => DataType::I64,
            ColumnBuilder::F32(_) => DataType::F32,
            ColumnBuilder::F64(_) => DataType::F64,
            ColumnBuilder::Bool(_) => DataType::Bool,
            ColumnBuilder::Utf8(_) => DataType::Utf8,
        }
    }

    /// Rows appended.
    pub fn len(&self) -> usize {
        each_builder!(self, b => b.len())
    }

    /// True when nothing is appended.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The first budget error met, if any.
    pub fn check(&self) -> Result<()> {
        each_builder!(self, b => b.check())
    }

    /// Appends a null.
    pub fn append_null(&mut self) {
        each_builder!(self, b => b.append_null())
    }

    /// Appends `n` nulls.
    pub fn append_nulls(&mut self, n: usize) {
        each_builder!(self, b => b.append_nulls(n))
    }

    /// Appends a value of the column's type. Any integer fits an integer column when in range
    /// (else a [`DataflowError::Type`]); `f32` widens into `f64`; `Null` appends a null.
    pub fn append_value(&mut self, v: ValueRef<'_>) -> Result<()> {
        let dt = self.data_type();
        match (self, v) {
            (b, ValueRef::Null) => b.append_null(),
            (ColumnBuilder::I8(b), v) if v.as_i64().is_some() => {
                b.append_value(int_into(v.as_i64().unwrap_or_default(), dt)?)
            }
            (ColumnBuilder::I16(b), v) if v.as_i64().is_some() => {
                b.append_value(int_into(v.as_i64().unwrap_or_default(), dt)?)
            }
            (ColumnBuilder::I32(b), v) if v.as_i64().is_some() => {
                b.append_value(int_into(v.as_i64().unwrap_or_default(), dt)?)
            }
            (ColumnBuilder::I64(b), v) if v.as_i64().is_some() => {
                b.append_value(v.as_i64().unwrap_or_default())
            }
            (ColumnBuilder::F32(b), ValueRef::F32(x)) => b.append_value(x),
            (ColumnBuilder::F64(b), v) if v.as_f64().is_some() => {
                b.append_value(v.as_f64().unwrap_or_default())
            }
            (ColumnBuilder::Bool(b), ValueRef::Bool(x)) => b.append_value(x),
            (ColumnBuilder::Utf8(b), ValueRef::Utf8(s)) => b.append_value(s),
            (_, v) => {
                let got = v.data_type().map_or("null", DataType::name);
                return Err(DataflowError::type_error(format!(
                    "cannot append a {got} value to a {dt} column"
                )));
            }
        }
        Ok(())
    }

    /// Freezes into a [`Column`].
    pub fn finish(self) -> Result<Column> {
        each_builder!(self, b => b.finish())
    }
}

/// Builds a [`Table`] column by column; `finish` checks that every column has the same length.
pub struct TableBuilder {
    schema: Schema,
    columns: Vec<ColumnBuilder>,
}

impl TableBuilder {
    /// A builder with one empty column builder per field, charging `account`; the finished
    /// table's buffers live in one new arena (see `arena.rs`).
    pub fn new(schema: Schema, account: MemoryAccount) -> Self {
        let account = account.with_new_arena();
        let columns = schema
            .fields()
            .iter()
            .map(|f| ColumnBuilder::new(f.data_type, account.clone()))
            .collect();
        TableBuilder { schema, columns }
    }

    /// The schema being built.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Number of columns.
    pub fn num_columns(&self) -> usize {
        self.columns.len()
    }

    /// The builder of column `i`.
    pub fn column(&mut self, i: usize) -> Option<&mut ColumnBuilder> {
        self.columns.get_mut(i)
    }

    /// All column builders.
    pub fn columns_mut(&mut self) -> &mut [ColumnBuilder] {
        &mut self.columns
    }

    /// Appends `v` to column `col` (see [`ColumnBuilder::append_value`]).
    pub fn append(&mut self, col: usize, v: ValueRef<'_>) -> Result<()> {
        let n = self.columns.len();
        let b = self
            .columns
            .get_mut(col)
            .ok_or_else(|| DataflowError::OutOfRange {
                message: format!("column index {col} with {n} columns"),
            })?;
        b.append_value(v).map_err(|e| match e {
            DataflowError::Type { message } => DataflowError::Type {
                message: format!("column '{}': {message}", self.schema.fields()[col].name),
            },
            e => e,
        })
    }

    /// Appends one value to every column, in order.
    pub fn append_row(&mut self, row: &[ValueRef<'_>]) -> Result<()> {
        if row.len() != self.columns.len() {
            return Err(DataflowError::schema(format!(
                "a row of {} values for {} columns",
                row.len(),
                self.columns.len()
            )));
        }
        for (i, v) in row.iter().enumerate() {
            self.append(i, *v)?;
        }
        Ok(())
    }

    /// The first budget error met by any column, if any.
    pub fn check(&self) -> Result<()> {
        self.columns.iter().try_for_each(ColumnBuilder::check)
    }

    /// Finishes every column into a table; fails if the columns differ in length.
    pub fn finish(self) -> Result<Table> {
        if let Some(first) = self.columns.first() {
            let n = first.len();
            for (b, f) in self.columns.iter().zip(self.schema.fields()) {
                if b.len() != n {
                    return Err(DataflowError::schema(format!(
                        "column '{}' has {} rows but column '{}' has {n}",
                        f.name,
                        b.len(),
                        self.schema.fields()[0].name
                    )));
                }
            }
        }
        let columns = self
            .columns
            .into_iter()
            .map(ColumnBuilder::finish)
            .collect::<Result<_>>()?;
        Table::try_new(self.schema, columns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataflow::memory::MemoryBudget;
    use crate::dataflow::types::Field;

    fn acct() -> MemoryAccount {
        MemoryAccount::unlimited()
    }

    #[test]
    fn primitive_builders_every_type() {
        fn check<T: NativeType>(vals: [T; 2]) {
            let mut b = PrimitiveBuilder::<T>::new(MemoryAccount::unlimited());
            b.append_value(vals[0]);
            b.append_null();
            b.append_value(vals[1]);
            let c = b.finish().unwrap();
            assert_eq!(c.data_type(), T::DATA_TYPE);
            assert_eq!(c.len(), 3);
            assert_eq!(c.null_count(), 1);
            assert!(c.is_valid(0) && c.is_null(1) && c.is_valid(2) && c.is_null(3));
            let p = c.as_primitive::<T>().unwrap();
            assert_eq!(p.get(0), Some(vals[0]));
            assert_eq!(p.get(1), None);
            assert_eq!(p.values()[2], vals[1]);
            assert_eq!(p.values_buffer().as_slice().as_ptr() as usize % 64, 0);
        }
        check::<i8>([i8::MIN, i8::MAX]);
        check::<i16>([i16::MIN, 7]);
        check::<i32>([-1, i32::MAX]);
        check::<i64>([i64::MIN, i64::MAX]);
        check::<f32>([1.5, -0.0]);
        check::<f64>([f64::INFINITY, 2.25]);
    }

    #[test]
    fn no_nulls_means_no_bitmap() {
        let mut b = PrimitiveBuilder::<i64>::new(acct());
        b.append_slice(&[1, 2, 3]);
        let c = b.finish().unwrap();
        assert!(c.validity().is_none());
        assert_eq!(c.as_i64_slice(), Some(&[1i64, 2, 3][..]));
    }

    #[test]
    fn all_null_and_empty_columns() {
        for dt in DataType::ALL {
            let c = Column::new_null(dt, 65);
            assert_eq!((c.len(), c.null_count(), c.data_type()), (65, 65, dt));
            assert!((0..65).all(|i| c.value(i).is_null()));
            let e = Column::empty(dt);
            assert_eq!((e.len(), e.null_count(), e.data_type()), (0, 0, dt));
        }
    }

    #[test]
    fn bool_builder_bit_packs() {
        let mut b = BoolBuilder::new(acct());
        for i in 0..65 {
            if i == 64 {
                b.append_null();
            } else {
                b.append_value(i % 2 == 0);
            }
        }
        let c = b.finish_column().unwrap();
        assert_eq!(c.len(), 65);
        assert_eq!(c.values().buffer().as_slice()[0], 0b0101_0101);
        assert_eq!(c.get(62), Some(true));
        assert_eq!(c.get(63), Some(false));
        assert_eq!(c.get(64), None);
        assert_eq!(c.null_count(), 1);
        let s = c.slice(63, 2);
        assert_eq!((s.get(0), s.get(1), s.null_count()), (Some(false), None, 1));
    }

    #[test]
    fn string_builder_layout_and_unicode() {
        let mut b = StringBuilder::new(acct());
        b.append_value("héllo");
        b.append_null();
        b.append_value("");
        b.append_value("日本🎉");
        let c = b.finish_column().unwrap();
        assert_eq!(c.offsets(), &[0, 6, 6, 6, 16]);
        assert_eq!(c.get(0), Some("héllo"));
        assert_eq!(c.get(1), None);
        assert_eq!(c.get(2), Some(""));
        assert_eq!(c.get(3), Some("日本🎉"));
        assert_eq!(c.get(4), None);
        let s = c.slice(2, 2);
        assert_eq!(s.offsets(), &[6, 6, 16]);
        assert_eq!((s.get(0), s.get(1)), (Some(""), Some("日本🎉")));
    }

    #[test]
    fn string_column_rejects_bad_offsets_and_utf8() {
        use crate::dataflow::buffer::Buffer;
        let data = Buffer::from_slice("aé".as_bytes());
        let ok = StringColumn::try_new(Buffer::from_slice(&[0i32, 1, 3]), data.clone(), None);
        assert!(ok.is_ok());
        for offs in [&[0i32, 2, 3][..], &[0, 3, 1], &[0, 4], &[-1, 1], &[]] {
            let r = StringColumn::try_new(Buffer::from_slice(offs), data.clone(), None);
            assert!(r.is_err(), "{offs:?}");
        }
        let bad = Buffer::from_slice(&[0xFFu8, 0x41]);
        assert!(StringColumn::try_new(Buffer::from_slice(&[0i32, 2]), bad, None).is_err());
    }

    #[test]
    fn column_builder_converts_and_checks_types() {
        let mut b = ColumnBuilder::new(DataType::I8, acct());
        b.append_value(ValueRef::I64(-128)).unwrap();
        b.append_value(ValueRef::I32(5)).unwrap();
        let e = b.append_value(ValueRef::I64(300)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "type error: value 300 does not fit a i8 column"
        );
        assert!(b.append_value(ValueRef::F64(1.0)).is_err());
        b.append_value(ValueRef::Null).unwrap();
        assert_eq!(
            b.finish().unwrap(),
            Column::from_options(&[Some(-128i8), Some(5), None])
        );
        let mut f = ColumnBuilder::new(DataType::F64, acct());
        f.append_value(ValueRef::F32(0.5)).unwrap();
        let e = f.append_value(ValueRef::Utf8("x")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "type error: cannot append a string value to a f64 column"
        );
    }

    #[test]
    fn table_builder_checks_lengths() {
        let schema = Schema::parse_items(&["id i64", "name string"]).unwrap();
        let mut tb = TableBuilder::new(schema.clone(), acct());
        tb.append_row(&[ValueRef::I64(1), ValueRef::Utf8("a")])
            .unwrap();
        tb.append(0, ValueRef::I64(2)).unwrap();
        let e = tb.finish().unwrap_err();
        assert_eq!(
            e.to_string(),
            "schema error: column 'name' has 1 rows but column 'id' has 2"
        );
        let mut tb = TableBuilder::new(schema, acct());
        tb.append_row(&[ValueRef::I64(1), ValueRef::Null]).unwrap();
        let e = tb.append(1, ValueRef::Bool(true)).unwrap_err();
        assert!(e.to_string().contains("column 'name'"), "{e}");
        assert!(tb.append(5, ValueRef::Null).is_err());
        assert!(tb.append_row(&[ValueRef::Null]).is_err());
        let t = tb.finish().unwrap();
        assert_eq!((t.num_rows(), t.num_columns()), (1, 2));
        assert_eq!(t.value(0, 1).unwrap(), ValueRef::Null);
        assert!(t.value(1, 0).is_err() && t.value(0, 2).is_err());
    }

    #[test]
    fn table_rules() {
        let a = Column::from_values(&[1i64, 2]);
        let s = Schema::new(vec![Field::new("a", DataType::I64, false)]).unwrap();
        assert!(Table::try_new(s.clone(), vec![a.clone()]).is_ok());
        let nulls = Column::from_options::<i64>(&[Some(1), None]);
        assert!(
            Table::try_new(s.clone(), vec![nulls]).is_err(),
            "non-nullable with nulls"
        );
        assert!(Table::try_new(s.clone(), vec![Column::from_values(&[1i32])]).is_err());
        assert!(Table::try_new(s, vec![]).is_err());
        let t = Table::from_columns(vec![("a", a), ("b", Column::from_strs(&[Some("x"), None]))])
            .unwrap();
        assert_eq!(t.column_by_name("b").unwrap().null_count(), 1);
        let err = t.column_by_name("c").unwrap_err().to_string();
        assert_eq!(err, "no column named 'c'; available columns: a, b");
        let tail = t.slice(1, 5);
        assert_eq!(tail.num_rows(), 1);
        assert_eq!(tail.value(0, 0).unwrap(), ValueRef::I64(2));
        let e = Table::empty();
        assert_eq!((e.num_rows(), e.num_columns()), (0, 0));
        assert!(t.clone().ptr_eq(&t));
        let one = Table::try_new_with_rows(Schema::empty(), vec![], 1).unwrap();
        assert_eq!(one.num_rows(), 1);
    }

    #[test]
    fn builders_charge_the_budget() {
        let budget = MemoryBudget::with_limit(4096);
        let account = MemoryAccount::new(&budget, "materialize");
        let mut b = PrimitiveBuilder::<i64>::new(account.clone());
        let e = b.reserve(1000).unwrap_err();
        assert!(
            matches!(e, DataflowError::MemoryLimit { ref operator, .. } if operator == "materialize")
        );
        let mut s = StringBuilder::new(account);
        for _ in 0..100 {
            s.append_value("0123456789012345678901234567890123456789");
        }
        assert!(s.check().is_err());
        assert!(s.finish().is_err());
        drop(b);
        assert_eq!(budget.used(), 0, "everything is released");
    }
}

//! Tables to and from FlatBuffers (`schemas/tables.fbs`). Column buffers are written 64-byte
//! aligned inside the buffer, so reading views them in place; every buffer is verified first and
//! corrupt input is an error, never a panic.

use flatbuffers::{FlatBufferBuilder, Push, PushAlignment, WIPOffset};

use super::bitmap::Bitmap;
use super::buffer::{ALIGNMENT, Buffer};
use super::column::{BoolColumn, Column, NativeType, PrimitiveColumn, StringColumn};
use super::error::{DataflowError, Result};
use super::memory::MemoryAccount;
use super::table::Table;
use super::types::{DataType, Field, Schema};
use crate::generated::tables_generated::theta::tables as fb;

/// The file identifier of serialised tables.
pub const FILE_IDENTIFIER: &str = "THTB";
/// The format version written and accepted.
pub const FORMAT_VERSION: u32 = 1;

/// A byte pushed with 64-byte alignment, so a vector of them starts on a 64-byte boundary.
#[repr(transparent)]
#[derive(Clone, Copy)]
struct AlignedByte(u8);

impl Push for AlignedByte {
    type Output = u8;

    unsafe fn push(&self, dst: &mut [u8], _written_len: usize) {
        dst[0] = self.0;
    }

    fn alignment() -> PushAlignment {
        PushAlignment::new(ALIGNMENT)
    }
}

fn aligned_vector<'a>(
    fbb: &mut FlatBufferBuilder<'a>,
    bytes: &[u8],
) -> WIPOffset<flatbuffers::Vector<'a, u8>> {
    // SAFETY: `AlignedByte` is `repr(transparent)` over `u8`, so `[u8]` and `[AlignedByte]` have
    // the same size, alignment and validity; the new slice borrows `bytes` for the same lifetime.
    let items: &[AlignedByte] =
        unsafe { std::slice::from_raw_parts(bytes.as_ptr().cast::<AlignedByte>(), bytes.len()) };
    fbb.create_vector(items)
}

fn fb_type(t: DataType) -> fb::DataType {
    match t {
        DataType::I8 => fb::DataType::I8,
        DataType::I16 => fb::DataType::I16,
        DataType::I32 => fb::DataType::I32,
        DataType::I64 => fb::DataType::I64,
        DataType::F32 => fb::DataType::F32,
        DataType::F64 => fb::DataType::F64,
        DataType::Bool => fb::DataType::Bool,
        DataType::Utf8 => fb::DataType::Utf8,
    }
}

fn from_fb_type(t: fb::DataType) -> Option<DataType> {
    DataType::ALL.into_iter().find(|d| fb_type(*d) == t)
}

/// Serialises `table` as a finished FlatBuffer (identifier `THTB`). Column buffers start at
/// multiples of 64 bytes from the buffer start.
pub fn write_table(table: &Table) -> Vec<u8> {
    let mut fbb = FlatBufferBuilder::with_capacity(1024);
    let mut columns = Vec::with_capacity(table.num_columns());
    for col in table.columns() {
        let validity = (col.null_count() > 0)
            .then(|| {
                col.validity()
                    .map(|v| aligned_vector(&mut fbb, &v.to_packed_bytes()))
            })
            .flatten();
        let (values, data) = match col {
            Column::Bool(c) => (
                aligned_vector(&mut fbb, &c.values().to_packed_bytes()),
                None,
            ),
            Column::Utf8(c) => {
                let offs = c.offsets();
                let (first, last) = (offs[0], offs[offs.len() - 1]);
                let rebased: Vec<i32> = offs.iter().map(|o| o - first).collect();
                let text = &c.data_buffer().as_slice()[first as usize..last as usize];
                let data = aligned_vector(&mut fbb, text);
                (
                    aligned_vector(&mut fbb, bytemuck::cast_slice(&rebased)),
                    Some(data),
                )
            }
            Column::I8(c) => (aligned_vector(&mut fbb, c.values_buffer().as_slice()), None),
            Column::I16(c) => (aligned_vector(&mut fbb, c.values_buffer().as_slice()), None),
            Column::I32(c) => (aligned_vector(&mut fbb, c.values_buffer().as_slice()), None),
            Column::I64(c) => (aligned_vector(&mut fbb, c.values_buffer().as_slice()), None),
            Column::F32(c) => (aligned_vector(&mut fbb, c.values_buffer().as_slice()), None),
            Column::F64(c) => (aligned_vector(&mut fbb, c.values_buffer().as_slice()), None),
        };
        let args = fb::ColumnArgs {
            validity,
            values: Some(values),
            data,
        };
        columns.push(fb::Column::create(&mut fbb, &args));
    }
    let columns = fbb.create_vector(&columns);
    let fields: Vec<_> = table
        .schema()
        .fields()
        .iter()
        .map(|f| {
            let name = fbb.create_string(&f.name);
            let args = fb::FieldArgs {
                name: Some(name),
                data_type: fb_type(f.data_type),
                nullable: f.nullable,
            };
            fb::Field::create(&mut fbb, &args)
        })
        .collect();
    let fields = fbb.create_vector(&fields);
    let args = fb::TableArgs {
        version: FORMAT_VERSION,
        num_rows: table.num_rows() as u64,
        fields: Some(fields),
        columns: Some(columns),
    };
    let root = fb::Table::create(&mut fbb, &args);
    fb::finish_table_buffer(&mut fbb, root);
    fbb.finished_data().to_vec()
}

/// Reads a serialised table from any bytes: copies them once into aligned storage charged to
/// `account`, then views the columns in place.
pub fn read_table(bytes: &[u8], account: &MemoryAccount) -> Result<Table> {
    read_table_from_buffer(&Buffer::copy_from(bytes, account)?)
}

/// Reads a serialised table whose bytes are already in a [`Buffer`]; the columns share its
/// storage (zero-copy) wherever a column buffer is suitably aligned, and are copied otherwise.
pub fn read_table_from_buffer(buf: &Buffer) -> Result<Table> {
    let bytes = buf.as_slice();
    // `buffer_has_identifier` asserts on buffers shorter than root offset + identifier.
    if bytes.len() < 8 || !fb::table_buffer_has_identifier(bytes) {
        return Err(DataflowError::format(
            "not a serialised table (file identifier is not THTB)",
        ));
    }
    let root = fb::root_as_table(bytes)
        .map_err(|e| DataflowError::format(format!("corrupt table buffer: {e}")))?;
    if root.version() != FORMAT_VERSION {
        return Err(DataflowError::format(format!(
            "table format version {} is not supported (expected {FORMAT_VERSION})",
            root.version()
        )));
    }
    let rows = usize::try_from(root.num_rows())
        .map_err(|_| DataflowError::format("row count does not fit in memory"))?;
    let (fb_fields, fb_columns) = (root.fields(), root.columns());
    if fb_fields.len() != fb_columns.len() {
        return Err(DataflowError::format(format!(
            "{} fields but {} columns",
            fb_fields.len(),
            fb_columns.len()
        )));
    }
    let mut fields = Vec::with_capacity(fb_fields.len());
    let mut columns = Vec::with_capacity(fb_fields.len());
    for (f, c) in fb_fields.iter().zip(fb_columns.iter()) {
        let data_type = from_fb_type(f.data_type()).ok_or_else(|| {
            DataflowError::format(format!(
                "column '{}' has unknown type {}",
                f.name(),
                f.data_type().0
            ))
        })?;
        let column = read_column(buf, data_type, rows, &c)
            .map_err(|e| DataflowError::format(format!("column '{}': {e}", f.name())))?;
        fields.push(Field::new(f.name(), data_type, f.nullable()));
        columns.push(column);
    }
    let schema = Schema::new(fields)?;
    Table::try_new_with_rows(schema, columns, rows)
}

/// The part of `buf` that `v` occupies (it always lies inside `buf`, which was verified).
fn view(buf: &Buffer, v: Option<flatbuffers::Vector<'_, u8>>) -> Buffer {
    match v {
        Some(v) => {
            let start = v.bytes().as_ptr() as usize - buf.as_slice().as_ptr() as usize;
            buf.slice(start, v.len())
        }
        None => Buffer::empty(),
    }
}

/// `b` itself when it can be viewed as `T`, else an aligned copy.
fn aligned_for<T: NativeType>(b: Buffer) -> Buffer {
    if b.try_typed::<T>().is_some() || !b.len().is_multiple_of(std::mem::size_of::<T>()) {
        b
    } else {
        Buffer::from_slice(b.as_slice())
    }
}

fn bitmap(b: Buffer, rows: usize, what: &str) -> std::result::Result<Bitmap, String> {
    Bitmap::try_new(b, 0, rows).ok_or_else(|| format!("{what} bitmap is too short for {rows} rows"))
}

fn primitive<T: NativeType>(
    values: Buffer,
    rows: usize,
    validity: Option<Bitmap>,
) -> Result<Column> {
    let want = rows.checked_mul(std::mem::size_of::<T>());
    if want != Some(values.len()) {
        return Err(DataflowError::format(format!(
            "{} values buffer has {} bytes for {rows} rows",
            T::DATA_TYPE,
            values.len()
        )));
    }
    PrimitiveColumn::<T>::try_new(aligned_for::<T>(values), validity).map(T::into_column)
}

fn read_column(buf: &Buffer, t: DataType, rows: usize, c: &fb::Column<'_>) -> Result<Column> {
    let validity = match c.validity() {
        Some(v) => {
            Some(bitmap(view(buf, Some(v)), rows, "validity").map_err(DataflowError::format)?)
        }
        None => None,
    };
    let values = view(buf, c.values());
    match t {
        DataType::I8 => primitive::<i8>(values, rows, validity),
        DataType::I16 => primitive::<i16>(values, rows, validity),
        DataType::I32 => primitive::<i32>(values, rows, validity),
        DataType::I64 => primitive::<i64>(values, rows, validity),
        DataType::F32 => primitive::<f32>(values, rows, validity),
        DataType::F64 => primitive::<f64>(values, rows, validity),
        DataType::Bool => {
            let bits = bitmap(values, rows, "value").map_err(DataflowError::format)?;
            BoolColumn::try_new(bits, validity).map(Column::Bool)
        }
        DataType::Utf8 => {
            if Some(values.len()) != rows.checked_add(1).and_then(|n| n.checked_mul(4)) {
                return Err(DataflowError::format(format!(
                    "string offsets buffer has {} bytes for {rows} rows",
                    values.len()
                )));
            }
            let offsets = aligned_for::<i32>(values);
            StringColumn::try_new(offsets, view(buf, c.data()), validity).map(Column::Utf8)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataflow::column::ValueRef;

    fn sample() -> Table {
        Table::from_columns(vec![
            ("i8", Column::from_options(&[Some(-1i8), None, Some(3)])),
            ("i16", Column::from_values(&[1i16, 2, 3])),
            ("i32", Column::from_options(&[None, Some(7i32), None])),
            ("i64", Column::from_values(&[i64::MIN, 0, i64::MAX])),
            ("f32", Column::from_values(&[1.5f32, f32::NAN, -0.0])),
            (
                "f64",
                Column::from_options(&[Some(0.1f64), None, Some(f64::INFINITY)]),
            ),
            ("b", Column::from_bools(&[Some(true), None, Some(false)])),
            ("s", Column::from_strs(&[Some("héllo"), None, Some("🎉")])),
        ])
        .unwrap()
    }

    #[test]
    fn round_trip_all_types() {
        let t = sample();
        let bytes = write_table(&t);
        let back = read_table(&bytes, &MemoryAccount::unlimited()).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.value(0, 7).unwrap(), ValueRef::Utf8("héllo"));
        assert!(
            back.column(1).unwrap().validity().is_none(),
            "no bitmap without nulls"
        );
    }

    #[test]
    fn columns_are_viewed_in_place_and_aligned() {
        let t = sample();
        let buf = Buffer::from_slice(&write_table(&t));
        let back = read_table_from_buffer(&buf).unwrap();
        for c in back.columns() {
            let values = match c {
                Column::I64(p) => p.values_buffer().clone(),
                Column::I8(p) => p.values_buffer().clone(),
                Column::Utf8(s) => s.offsets_buffer().clone(),
                Column::Bool(b) => b.values().buffer().clone(),
                _ => continue,
            };
            assert!(values.shares_storage_with(&buf), "zero-copy view");
            assert!(values.is_aligned(), "64-byte aligned in place");
        }
    }

    #[test]
    fn sliced_and_empty_tables_round_trip() {
        let t = sample().slice(1, 2);
        let back = read_table(&write_table(&t), &MemoryAccount::unlimited()).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.value(1, 7).unwrap(), ValueRef::Utf8("🎉"));
        for t in [Table::empty(), sample().slice(0, 0)] {
            let back = read_table(&write_table(&t), &MemoryAccount::unlimited()).unwrap();
            assert_eq!(back, t);
        }
        let wide = Table::from_columns(vec![("n", Column::new_null(DataType::Utf8, 65))]).unwrap();
        let back = read_table(&write_table(&wide), &MemoryAccount::unlimited()).unwrap();
        assert_eq!(back, wide);
    }

    #[test]
    fn corrupt_buffers_are_refused_without_panic() {
        let good = write_table(&sample());
        let acct = MemoryAccount::unlimited();
        assert!(read_table(&[], &acct).is_err());
        assert!(read_table(b"garbage!", &acct).is_err());
        for cut in [4, 8, 16, good.len() / 2] {
            assert!(
                read_table(&good[..cut], &acct).is_err(),
                "truncated at {cut}"
            );
        }
        // Flip every byte in turn: each result is an error or a valid table, never a panic.
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0xA5;
            let _ = read_table(&bad, &acct);
        }
    }

    #[test]
    fn inconsistent_lengths_are_refused() {
        let t = Table::from_columns(vec![("a", Column::from_values(&[1i64, 2]))]).unwrap();
        let mut bytes = write_table(&t);
        // Patch num_rows (a u64 holding 2) to 3: the values buffer no longer matches.
        let root = fb::root_as_table(&bytes).unwrap();
        assert_eq!(root.num_rows(), 2);
        let pos = bytes
            .windows(8)
            .position(|w| w == 2u64.to_le_bytes())
            .unwrap();
        bytes[pos] = 3;
        let err = read_table(&bytes, &MemoryAccount::unlimited()).unwrap_err();
        assert!(err.to_string().contains("column 'a'"), "{err}");
    }
}

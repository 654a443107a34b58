//! CSV tables (§8): `read_csv` with type inference or an explicit schema, and `write_csv`.
//! Reading streams the file in chunks and builds columns as it goes; see docs/dataflow.md "CSV".

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use super::assemble::{Assembler, Cell, Kind};
use super::chunked::TypedChunks;
use super::csv_parallel::{self, MIN_PARALLEL_BYTES};
use super::csv_parse::{ParseError, Record, RecordReader};
use super::{INFERENCE_SAMPLE_ROWS, io_err, write_atomically};
use crate::dataflow::column::{Column, ValueRef};
use crate::dataflow::error::{DataflowError, Result};
use crate::dataflow::floatfmt::{format_f32, format_f64};
use crate::dataflow::memory::MemoryAccount;
use crate::dataflow::table::Table;
use crate::dataflow::types::{DataType, Field, Schema};

/// Rows between memory-budget checks.
const CHECK_EVERY: usize = 4096;

/// Records of one CSV source, with the file name for error messages.
pub(super) struct Source<R: Read = File> {
    file: String,
    reader: RecordReader<R>,
    rec: Record,
}

impl Source {
    pub(super) fn open(path: &Path) -> Result<Source> {
        let f = File::open(path).map_err(|e| DataflowError::io(path, &e))?;
        Ok(Source {
            file: path.display().to_string(),
            reader: RecordReader::new(f),
            rec: Record::default(),
        })
    }
}

impl<R: Read> Source<R> {
    /// Records of `reader` (a part of `path` that starts at a record boundary).
    pub(super) fn part(path: &Path, reader: R) -> Source<R> {
        Source {
            file: path.display().to_string(),
            reader: RecordReader::continuing(reader),
            rec: Record::default(),
        }
    }

    /// Source offset just past the last record read.
    pub(super) fn offset(&self) -> u64 {
        self.reader.offset()
    }

    fn err_at(&self, field: usize, message: String) -> DataflowError {
        let (line, column) = self.reader.position(&self.rec, field);
        DataflowError::Csv {
            file: self.file.clone(),
            line,
            column,
            message,
        }
    }

    pub(super) fn next(&mut self) -> Result<bool> {
        match self.reader.next_record(&mut self.rec) {
            Ok(more) => Ok(more),
            Err(ParseError::Io(e)) => Err(DataflowError::io(&self.file, &e)),
            Err(ParseError::Syntax(line, column, message)) => Err(DataflowError::Csv {
                file: self.file.clone(),
                line,
                column,
                message,
            }),
        }
    }

    /// The header row's names (unique, UTF-8).
    pub(super) fn header(&mut self) -> Result<Vec<String>> {
        if !self.next()? {
            return Err(DataflowError::Csv {
                file: self.file.clone(),
                line: 1,
                column: 1,
                message: "the file is empty; a header row is required".into(),
            });
        }
        let mut names: Vec<String> = Vec::with_capacity(self.rec.len());
        for i in 0..self.rec.len() {
            let Ok(name) = std::str::from_utf8(self.rec.field(i)) else {
                return Err(self.err_at(i, "column name is not valid UTF-8".into()));
            };
            if names.iter().any(|n| n == name) {
                return Err(self.err_at(i, format!("duplicate column name '{name}'")));
            }
            names.push(name.to_string());
        }
        Ok(names)
    }

    fn check_width(&self, want: usize) -> Result<()> {
        let got = self.rec.len();
        if got == want {
            return Ok(());
        }
        let at = if got > want { want } else { got };
        Err(self.err_at(
            at,
            format!("expected {want} fields (as in the header), found {got}"),
        ))
    }
}

/// Classifies one CSV field for inference: empty → null (a quoted `""` is an empty string),
/// `true`/`false`, an `i64`, an `f64` (decimal with digits, or `NaN`, `inf`, `-inf`), else text.
fn classify(bytes: &[u8], quoted: bool) -> std::result::Result<Cell, &'static str> {
    if bytes.is_empty() {
        return Ok(if quoted { Cell::Text } else { Cell::Null });
    }
    let s = std::str::from_utf8(bytes).map_err(|_| "text is not valid UTF-8")?;
    Ok(match s {
        "true" => Cell::Bool(true),
        "false" => Cell::Bool(false),
        "NaN" => Cell::Float(f64::NAN),
        "inf" => Cell::Float(f64::INFINITY),
        "-inf" => Cell::Float(f64::NEG_INFINITY),
        _ => {
            if let Ok(v) = s.parse::<i64>() {
                Cell::Int(v)
            } else if s.bytes().any(|b| b.is_ascii_digit())
                && let Ok(v) = s.parse::<f64>()
            {
                Cell::Float(v)
            } else {
                Cell::Text
            }
        }
    })
}

/// A sampled record: each field's class and source text.
pub(super) type SampledRow = Vec<(Cell, Vec<u8>)>;

/// Classifies the first [`INFERENCE_SAMPLE_ROWS`] records of `src` (the current one first) to
/// choose starting column types; returns the types, the sampled cells and whether a record
/// follows.
pub(super) fn sample<R: Read>(
    src: &mut Source<R>,
    width: usize,
    mut more: bool,
) -> Result<(Vec<Kind>, Vec<SampledRow>, bool)> {
    let mut kinds = vec![Kind::Null; width];
    let mut pending: Vec<SampledRow> = Vec::new();
    while more && pending.len() < INFERENCE_SAMPLE_ROWS {
        src.check_width(width)?;
        let mut row = Vec::with_capacity(width);
        for (i, kind) in kinds.iter_mut().enumerate() {
            let cell = classify(src.rec.field(i), src.rec.quoted(i))
                .map_err(|m| src.err_at(i, m.into()))?;
            *kind = kind.join(cell_kind(&cell));
            row.push((cell, src.rec.field(i).to_vec()));
        }
        pending.push(row);
        more = src.next()?;
    }
    Ok((kinds, pending, more))
}

/// Adds the current record of `src` and every one after it to `asm` (`more`: whether there is
/// a current record).
pub(super) fn fill<R: Read>(
    src: &mut Source<R>,
    asm: &mut Assembler,
    width: usize,
    mut more: bool,
) -> Result<()> {
    let mut rows = 0usize;
    while more {
        src.check_width(width)?;
        for i in 0..width {
            let f = src.rec.field(i);
            let cell = classify(f, src.rec.quoted(i)).map_err(|m| src.err_at(i, m.into()))?;
            asm.push(i, cell, f).map_err(|m| src.err_at(i, m))?;
        }
        rows += 1;
        if rows.is_multiple_of(CHECK_EVERY) {
            asm.check()?;
        }
        more = src.next()?;
    }
    asm.check()
}

/// One pass over the file; `kinds` fixes the starting column types (else a sample decides).
fn inferred_pass(
    path: &Path,
    account: &MemoryAccount,
    kinds: Option<Vec<Kind>>,
) -> Result<(Vec<String>, Assembler)> {
    let mut src = Source::open(path)?;
    let names = src.header()?;
    let width = names.len();
    let more = src.next()?;
    let (kinds, pending, more) = match kinds {
        Some(k) => (k, Vec::new(), more),
        None => sample(&mut src, width, more)?,
    };
    let mut asm = Assembler::new(kinds, account.clone());
    for row in &pending {
        for (i, (cell, text)) in row.iter().enumerate() {
            asm.push(i, *cell, text).map_err(DataflowError::schema)?;
        }
    }
    drop(pending);
    fill(&mut src, &mut asm, width, more)?;
    Ok((names, asm))
}

fn cell_kind(c: &Cell) -> Kind {
    match c {
        Cell::Null => Kind::Null,
        Cell::Bool(_) => Kind::Bool,
        Cell::Int(_) => Kind::I64,
        Cell::Float(_) => Kind::F64,
        Cell::Text => Kind::Str,
    }
}

/// Reads a CSV file with a header row, inferring each column's type (`bool`, `i64`, `f64`, else
/// `string`; an all-empty column is `string`). An empty field is null. Memory is charged to
/// `account`.
pub fn read_csv(path: impl AsRef<Path>, account: &MemoryAccount) -> Result<Table> {
    let path = path.as_ref();
    let account = &account.with_new_arena();
    // Two threads only with an unlimited budget (like the engine's parallel paths): halves read
    // side by side would charge the budget in a different order than one reader.
    if account.budget().limit() == usize::MAX
        && let Some(table) = csv_parallel::read_inferred(path, account, MIN_PARALLEL_BYTES)
    {
        return Ok(table);
    }
    let (names, mut asm) = inferred_pass(path, account, None)?;
    if asm.needs_second_pass() {
        // A column widened to string after holding other values: re-read with the final types
        // so every string keeps its exact source text.
        let kinds = asm.kinds().to_vec();
        drop(asm);
        (_, asm) = inferred_pass(path, account, Some(kinds))?;
        if asm.needs_second_pass() {
            return Err(DataflowError::Plan {
                message: format!("'{}' changed while it was being read", path.display()),
            });
        }
    }
    let kinds = asm.kinds().to_vec();
    let columns = asm.finish()?;
    let fields = names
        .into_iter()
        .zip(kinds)
        .map(|(n, k)| Field::new(n, k.data_type(), true))
        .collect();
    Table::try_new(Schema::new(fields)?, columns)
}

fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") || s == "1" {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") || s == "0" {
        Some(false)
    } else {
        None
    }
}

/// Appends CSV text to a typed builder; `Err` is the message for an unparsable value.
fn append_typed(
    b: &mut TypedChunks,
    bytes: &[u8],
    quoted: bool,
) -> std::result::Result<(), String> {
    let dt = b.data_type();
    if bytes.is_empty() && !(quoted && dt == DataType::Utf8) {
        b.append_null();
        return Ok(());
    }
    let s = std::str::from_utf8(bytes).map_err(|_| "text is not valid UTF-8".to_string())?;
    let bad = || format!("'{s}' is not a valid {dt}");
    match b {
        TypedChunks::I8(b) => b.append_value(s.parse().map_err(|_| bad())?),
        TypedChunks::I16(b) => b.append_value(s.parse().map_err(|_| bad())?),
        TypedChunks::I32(b) => b.append_value(s.parse().map_err(|_| bad())?),
        TypedChunks::I64(b) => b.append_value(s.parse().map_err(|_| bad())?),
        TypedChunks::F32(b) => b.append_value(s.parse().map_err(|_| bad())?),
        TypedChunks::F64(b) => b.append_value(s.parse().map_err(|_| bad())?),
        TypedChunks::Bool(b) => b.append_value(parse_bool(s).ok_or_else(bad)?),
        TypedChunks::Utf8(b) => b.append_value(s),
    }
    Ok(())
}

/// Reads a CSV file whose header must name exactly the columns of `schema`, in order
/// (e.g. from `["id i64", "name string"]`). A value that does not parse as its column's type is
/// an error naming the file, line and column.
pub fn read_csv_with_schema(
    path: impl AsRef<Path>,
    schema: &Schema,
    account: &MemoryAccount,
) -> Result<Table> {
    let account = &account.with_new_arena();
    let mut src = Source::open(path.as_ref())?;
    let names = src.header()?;
    if names.len() != schema.len() {
        return Err(src.err_at(
            names.len().min(schema.len()),
            format!(
                "the header has {} columns but the schema has {}",
                names.len(),
                schema.len()
            ),
        ));
    }
    for (i, (n, f)) in names.iter().zip(schema.fields()).enumerate() {
        if *n != f.name {
            return Err(src.err_at(
                i,
                format!(
                    "header column {} is '{n}' but the schema names '{}'",
                    i + 1,
                    f.name
                ),
            ));
        }
    }
    // Segmented builders, like the inferring reader's (see `chunked.rs`).
    let mut builders: Vec<TypedChunks> = schema
        .fields()
        .iter()
        .map(|f| TypedChunks::new(f.data_type, account.clone()))
        .collect();
    let mut rows = 0usize;
    while src.next()? {
        src.check_width(names.len())?;
        for (i, b) in builders.iter_mut().enumerate() {
            let (bytes, quoted) = (src.rec.field(i), src.rec.quoted(i));
            if let Err(m) = append_typed(b, bytes, quoted) {
                return Err(src.err_at(i, format!("column '{}': {m}", names[i])));
            }
        }
        rows += 1;
        if rows.is_multiple_of(CHECK_EVERY) {
            builders.iter().try_for_each(TypedChunks::check)?;
        }
    }
    builders.iter().try_for_each(TypedChunks::check)?;
    let columns: Vec<Column> = builders
        .into_iter()
        .map(|b| b.finish(account))
        .collect::<Result<_>>()?;
    Table::try_new(schema.clone(), columns)
}

fn needs_quotes(s: &str) -> bool {
    s.is_empty() || s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

fn write_text(out: &mut impl Write, s: &str) -> std::io::Result<()> {
    if !needs_quotes(s) {
        return out.write_all(s.as_bytes());
    }
    out.write_all(b"\"")?;
    for (i, part) in s.split('"').enumerate() {
        if i > 0 {
            out.write_all(b"\"\"")?;
        }
        out.write_all(part.as_bytes())?;
    }
    out.write_all(b"\"")
}

/// Writes one cell as CSV text: null as an empty field, an empty string as `""`.
fn write_cell(out: &mut impl Write, v: ValueRef<'_>) -> std::io::Result<()> {
    match v {
        ValueRef::Null => Ok(()),
        ValueRef::I8(x) => write!(out, "{x}"),
        ValueRef::I16(x) => write!(out, "{x}"),
        ValueRef::I32(x) => write!(out, "{x}"),
        ValueRef::I64(x) => write!(out, "{x}"),
        ValueRef::F32(x) => out.write_all(format_f32(x).as_bytes()),
        ValueRef::F64(x) => out.write_all(format_f64(x).as_bytes()),
        ValueRef::Bool(x) => out.write_all(if x { b"true" } else { b"false" }),
        ValueRef::Utf8(s) => write_text(out, s),
    }
}

/// Writes `table` as CSV: a header row, RFC 4180 quoting where needed, `\n` line ends, null as
/// an empty field, floats as Theta prints them. Written atomically (temporary file + rename).
pub fn write_csv(table: &Table, path: impl AsRef<Path>) -> Result<()> {
    let path = path.as_ref();
    write_atomically(path, |w| {
        let e = io_err(path);
        for (i, name) in table.schema().names().enumerate() {
            if i > 0 {
                w.write_all(b",").map_err(&e)?;
            }
            write_text(w, name).map_err(&e)?;
        }
        w.write_all(b"\n").map_err(&e)?;
        for r in 0..table.num_rows() {
            for (i, c) in table.columns().iter().enumerate() {
                if i > 0 {
                    w.write_all(b",").map_err(&e)?;
                }
                write_cell(w, c.value(r)).map_err(&e)?;
            }
            w.write_all(b"\n").map_err(&e)?;
        }
        Ok(())
    })
}

//! Newline-delimited JSON tables (§8): `read_json` and `write_json`, with a small hand-written
//! JSON reader and writer. See docs/dataflow.md "JSON" for the rules.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use super::assemble::{Assembler, Cell, Kind};
use super::{io_err, write_atomically};
use crate::dataflow::column::ValueRef;
use crate::dataflow::error::{DataflowError, Result};
use crate::dataflow::floatfmt::{format_f32, format_f64};
use crate::dataflow::memory::MemoryAccount;
use crate::dataflow::table::Table;
use crate::dataflow::types::{Field, Schema};

/// A JSON scalar parsed from a line.
struct Value {
    cell: Cell,
    /// Byte range of the value's source text (for numbers and booleans put into string columns).
    span: (usize, usize),
    /// For strings, the index of the unescaped text in the parser's string store.
    string: Option<usize>,
}

/// A position-carrying parse error: (byte offset in the line, message).
type PErr = (usize, String);

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    strings: Vec<String>,
}

impl<'a> Parser<'a> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\r' | b'\n') {
            self.i += 1;
        }
    }

    fn expect(&mut self, c: u8) -> std::result::Result<(), PErr> {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            Ok(())
        } else {
            Err((self.i, format!("expected '{}'", c as char)))
        }
    }

    fn hex4(&mut self) -> std::result::Result<u32, PErr> {
        let digits = self
            .s
            .get(self.i..self.i + 4)
            .ok_or((self.i, "truncated \\u escape".into()))?;
        let text =
            std::str::from_utf8(digits).map_err(|_| (self.i, "bad \\u escape".to_string()))?;
        let v =
            u32::from_str_radix(text, 16).map_err(|_| (self.i, "bad \\u escape".to_string()))?;
        self.i += 4;
        Ok(v)
    }

    /// Parses a string (at its opening quote) into a new entry of `strings`.
    fn string(&mut self) -> std::result::Result<usize, PErr> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let start = self.i;
            while self.i < self.s.len() && !matches!(self.s[self.i], b'"' | b'\\' | 0..=0x1F) {
                self.i += 1;
            }
            // The line was checked to be UTF-8 and we stopped at an ASCII byte.
            out.push_str(std::str::from_utf8(&self.s[start..self.i]).unwrap_or_default());
            match self.s.get(self.i) {
                None => return Err((self.i, "unterminated string".into())),
                Some(b'"') => {
                    self.i += 1;
                    self.strings.push(out);
                    return Ok(self.strings.len() - 1);
                }
                Some(b'\\') => {
                    let at = self.i;
                    self.i += 1;
                    let e = self
                        .s
                        .get(self.i)
                        .copied()
                        .ok_or((at, "unterminated string".to_string()))?;
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if self.s.get(self.i..self.i + 2) != Some(b"\\u") {
                                    return Err((at, "unpaired surrogate in \\u escape".into()));
                                }
                                self.i += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err((at, "unpaired surrogate in \\u escape".into()));
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            let c = char::from_u32(code)
                                .ok_or((at, "unpaired surrogate in \\u escape".to_string()))?;
                            out.push(c);
                        }
                        _ => return Err((at, "unknown escape in string".into())),
                    }
                }
                Some(_) => return Err((self.i, "control character in string".into())),
            }
        }
    }

    fn number(&mut self) -> std::result::Result<Cell, PErr> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let d = p.i;
            while p.i < p.s.len() && p.s[p.i].is_ascii_digit() {
                p.i += 1;
            }
            p.i > d
        };
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        if !digits(self) || (self.s[int_start] == b'0' && self.i - int_start > 1) {
            return Err((start, "invalid number".into()));
        }
        let mut float = false;
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            float = true;
            if !digits(self) {
                return Err((start, "invalid number".into()));
            }
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            float = true;
            if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !digits(self) {
                return Err((start, "invalid number".into()));
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).unwrap_or_default();
        if !float && let Ok(v) = text.parse::<i64>() {
            return Ok(Cell::Int(v));
        }
        text.parse::<f64>()
            .map(Cell::Float)
            .map_err(|_| (start, "invalid number".into()))
    }

    fn value(&mut self) -> std::result::Result<Value, PErr> {
        self.ws();
        let start = self.i;
        let lit = |p: &mut Self, word: &[u8], cell: Cell| {
            if p.s[p.i..].starts_with(word) {
                p.i += word.len();
                Ok(cell)
            } else {
                Err((start, "invalid value".to_string()))
            }
        };
        let (cell, string) = match self.s.get(self.i) {
            Some(b'"') => (Cell::Text, Some(self.string()?)),
            Some(b't') => (lit(self, b"true", Cell::Bool(true))?, None),
            Some(b'f') => (lit(self, b"false", Cell::Bool(false))?, None),
            Some(b'n') => (lit(self, b"null", Cell::Null)?, None),
            Some(b'-' | b'0'..=b'9') => (self.number()?, None),
            Some(b'{' | b'[') => {
                return Err((start, "nested objects and arrays are not supported".into()));
            }
            _ => return Err((start, "expected a value".into())),
        };
        Ok(Value {
            cell,
            span: (start, self.i),
            string,
        })
    }

    /// Parses a whole line as one object of `key: scalar` pairs.
    fn object(&mut self) -> std::result::Result<Vec<(String, Value)>, PErr> {
        self.ws();
        if self.s.get(self.i) != Some(&b'{') {
            return Err((self.i, "each line must be a JSON object".into()));
        }
        self.i += 1;
        let mut pairs: Vec<(String, Value)> = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
        } else {
            loop {
                self.ws();
                let key_at = self.i;
                if self.s.get(self.i) != Some(&b'"') {
                    return Err((self.i, "expected a string key".into()));
                }
                let k = self.string()?;
                let key = std::mem::take(&mut self.strings[k]);
                if pairs.iter().any(|(n, _)| *n == key) {
                    return Err((key_at, format!("duplicate key '{key}'")));
                }
                self.expect(b':')?;
                let v = self.value()?;
                pairs.push((key, v));
                self.ws();
                match self.s.get(self.i) {
                    Some(b',') => self.i += 1,
                    Some(b'}') => {
                        self.i += 1;
                        break;
                    }
                    _ => return Err((self.i, "expected ',' or '}'".into())),
                }
            }
        }
        self.ws();
        if self.i != self.s.len() {
            return Err((self.i, "unexpected text after the object".into()));
        }
        Ok(pairs)
    }
}

fn char_column(line: &[u8], at: usize) -> u64 {
    line[..at.min(line.len())]
        .iter()
        .filter(|b| (**b & 0xC0) != 0x80)
        .count() as u64
        + 1
}

/// One pass over the file; with `known`, columns and their kinds are fixed up front.
fn pass(
    path: &Path,
    account: &MemoryAccount,
    known: Option<(&[String], &[Kind])>,
) -> Result<(Vec<String>, Assembler)> {
    let file_name = path.display().to_string();
    let f = File::open(path).map_err(|e| DataflowError::io(path, &e))?;
    let mut reader = BufReader::with_capacity(1 << 20, f);
    let (mut names, kinds) = match known {
        Some((n, k)) => (n.to_vec(), k.to_vec()),
        None => (Vec::new(), Vec::new()),
    };
    let mut index: HashMap<String, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), i))
        .collect();
    let mut asm = Assembler::new(kinds, account.clone());
    let mut line = Vec::new();
    let mut line_no = 0u64;
    let mut rows = 0usize;
    let mut seen: Vec<bool> = vec![false; names.len()];
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| DataflowError::io(path, &e))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let err = |at: usize, message: String| DataflowError::Json {
            file: file_name.clone(),
            line: line_no,
            column: char_column(&line, at),
            message,
        };
        if let Err(e) = std::str::from_utf8(&line) {
            return Err(err(e.valid_up_to(), "text is not valid UTF-8".into()));
        }
        let mut p = Parser {
            s: &line,
            i: 0,
            strings: Vec::new(),
        };
        let pairs = p.object().map_err(|(at, m)| err(at, m))?;
        seen.iter_mut().for_each(|s| *s = false);
        for (key, v) in &pairs {
            let col = match index.get(key) {
                Some(&c) => c,
                None => {
                    index.insert(key.clone(), names.len());
                    names.push(key.clone());
                    seen.push(false);
                    asm.add_column(rows);
                    names.len() - 1
                }
            };
            seen[col] = true;
            let text: &[u8] = match v.string {
                Some(s) => p.strings[s].as_bytes(),
                None => &line[v.span.0..v.span.1],
            };
            asm.push(col, v.cell, text).map_err(|m| err(v.span.0, m))?;
        }
        for (col, s) in seen.iter().enumerate() {
            if !s {
                asm.push(col, Cell::Null, b"").map_err(|m| err(0, m))?;
            }
        }
        rows += 1;
        if rows.is_multiple_of(4096) {
            asm.check()?;
        }
    }
    asm.check()?;
    Ok((names, asm))
}

/// Reads newline-delimited JSON objects into a table. Columns appear in order of first use;
/// a missing key or `null` is null; types are inferred like CSV (`bool`, `i64`, `f64`, else
/// `string`). Nested objects or arrays are an error naming the line and column.
pub fn read_json(path: impl AsRef<Path>, account: &MemoryAccount) -> Result<Table> {
    let path = path.as_ref();
    let account = &account.with_new_arena();
    let (mut names, mut asm) = pass(path, account, None)?;
    if asm.needs_second_pass() {
        let kinds = asm.kinds().to_vec();
        drop(asm);
        (names, asm) = pass(path, account, Some((&names, &kinds)))?;
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

/// Writes `s` as a JSON string literal.
fn write_string(out: &mut impl Write, s: &str) -> std::io::Result<()> {
    out.write_all(b"\"")?;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let esc: Option<&str> = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            c if (c as u32) < 0x20 => None,
            _ => continue,
        };
        out.write_all(&s.as_bytes()[start..i])?;
        match esc {
            Some(e) => out.write_all(e.as_bytes())?,
            None => write!(out, "\\u{:04x}", c as u32)?,
        }
        start = i + c.len_utf8();
    }
    out.write_all(&s.as_bytes()[start..])?;
    out.write_all(b"\"")
}

fn write_value(out: &mut impl Write, v: ValueRef<'_>) -> std::io::Result<()> {
    let float = |out: &mut dyn Write, finite: bool, text: String| {
        out.write_all(if finite { text.as_bytes() } else { b"null" })
    };
    match v {
        ValueRef::Null => out.write_all(b"null"),
        ValueRef::I8(x) => write!(out, "{x}"),
        ValueRef::I16(x) => write!(out, "{x}"),
        ValueRef::I32(x) => write!(out, "{x}"),
        ValueRef::I64(x) => write!(out, "{x}"),
        ValueRef::F32(x) => float(out, x.is_finite(), format_f32(x)),
        ValueRef::F64(x) => float(out, x.is_finite(), format_f64(x)),
        ValueRef::Bool(x) => out.write_all(if x { b"true" } else { b"false" }),
        ValueRef::Utf8(s) => write_string(out, s),
    }
}

/// Writes `table` as one JSON object per line, keys in column order, null as `null`, floats as
/// Theta prints them (NaN and infinities, which JSON cannot hold, as `null`). Written atomically.
pub fn write_json(table: &Table, path: impl AsRef<Path>) -> Result<()> {
    let path = path.as_ref();
    write_atomically(path, |w| {
        let e = io_err(path);
        let names: Vec<&str> = table.schema().names().collect();
        for r in 0..table.num_rows() {
            w.write_all(b"{").map_err(&e)?;
            for (i, c) in table.columns().iter().enumerate() {
                if i > 0 {
                    w.write_all(b",").map_err(&e)?;
                }
                write_string(w, names[i]).map_err(&e)?;
                w.write_all(b":").map_err(&e)?;
                write_value(w, c.value(r)).map_err(&e)?;
            }
            w.write_all(b"}\n").map_err(&e)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataflow::column::Column;
    use crate::dataflow::io::tests::tempdir;
    use crate::dataflow::types::DataType;

    fn read(text: impl AsRef<[u8]>) -> Result<Table> {
        let p = tempdir().join("in.json");
        std::fs::write(&p, text).unwrap();
        read_json(&p, &MemoryAccount::unlimited())
    }

    fn err(text: impl AsRef<[u8]>) -> (u64, u64, String) {
        match read(text) {
            Err(DataflowError::Json {
                line,
                column,
                message,
                ..
            }) => (line, column, message),
            other => panic!("expected a JSON error, got {other:?}"),
        }
    }

    #[test]
    fn reads_objects_with_missing_keys() {
        let t = read("{\"a\": 1, \"b\": \"x\"}\n\n{\"b\": null, \"c\": true}\r\n{\"a\": 2.5}\n")
            .unwrap();
        assert_eq!(t.schema().names().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(
            t.column(0).unwrap(),
            &Column::from_options(&[Some(1.0f64), None, Some(2.5)])
        );
        assert_eq!(
            t.column(1).unwrap(),
            &Column::from_strs(&[Some("x"), None, None])
        );
        assert_eq!(
            t.column(2).unwrap(),
            &Column::from_bools(&[None, Some(true), None])
        );
    }

    #[test]
    fn string_escapes_and_surrogates() {
        let t = read(r#"{"s": "q\"\\\/\b\f\n\r\t\u00e9\ud83c\udf89 日本"}"#).unwrap();
        assert_eq!(
            t.value(0, 0).unwrap(),
            ValueRef::Utf8("q\"\\/\u{8}\u{c}\n\r\té🎉 日本")
        );
    }

    #[test]
    fn mixed_types_widen_to_exact_text() {
        let t = read("{\"v\": 1}\n{\"v\": 1.50}\n{\"v\": \"x\"}\n{\"v\": true}\n").unwrap();
        assert_eq!(t.schema().fields()[0].data_type, DataType::Utf8);
        assert_eq!(
            t.column(0).unwrap(),
            &Column::from_strs(&[Some("1"), Some("1.50"), Some("x"), Some("true")])
        );
        let big = read("{\"n\": 99999999999999999999}\n").unwrap();
        assert_eq!(big.value(0, 0).unwrap(), ValueRef::F64(1e20));
    }

    #[test]
    fn errors_have_positions() {
        assert_eq!(
            err("{\"a\": [1]}"),
            (1, 7, "nested objects and arrays are not supported".into())
        );
        assert_eq!(err("{\"a\": 1}\n{\"a\" 1}"), (2, 6, "expected ':'".into()));
        assert_eq!(err("[1]"), (1, 1, "each line must be a JSON object".into()));
        assert_eq!(err("{\"é\": 01}"), (1, 7, "invalid number".into()));
        assert_eq!(
            err("{\"a\": \"\\ud800\"}"),
            (1, 8, "unpaired surrogate in \\u escape".into())
        );
        assert_eq!(
            err("{\"a\": \"x\\q\"}"),
            (1, 9, "unknown escape in string".into())
        );
        assert_eq!(
            err("{\"a\": 1, \"a\": 2}"),
            (1, 10, "duplicate key 'a'".into())
        );
        assert_eq!(
            err("{\"a\": 1} x"),
            (1, 10, "unexpected text after the object".into())
        );
        assert_eq!(
            err("{\"a\": \"open}"),
            (1, 13, "unterminated string".into())
        );
        assert_eq!(err("{\"a\": tru}"), (1, 7, "invalid value".into()));
        assert_eq!(
            err(&b"{\"a\": 1}\n{\"b\": \"\xff\"}"[..]).2,
            "text is not valid UTF-8"
        );
    }

    #[test]
    fn write_then_read_round_trip() {
        let t = Table::from_columns(vec![
            ("id", Column::from_options(&[Some(1i64), None])),
            ("s", Column::from_strs(&[Some("a\"b\\c\n\u{1}é"), None])),
            ("f", Column::from_values(&[1.0f64, 1e300])),
            ("b", Column::from_bools(&[Some(false), Some(true)])),
        ])
        .unwrap();
        let p = tempdir().join("out.json");
        write_json(&t, &p).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(
            text,
            "{\"id\":1,\"s\":\"a\\\"b\\\\c\\n\\u0001é\",\"f\":1.0,\"b\":false}\n\
             {\"id\":null,\"s\":null,\"f\":1e300,\"b\":true}\n"
        );
        assert_eq!(read_json(&p, &MemoryAccount::unlimited()).unwrap(), t);
        let nan = Table::from_columns(vec![("x", Column::from_values(&[f64::NAN]))]).unwrap();
        write_json(&nan, &p).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "{\"x\":null}\n");
    }
}

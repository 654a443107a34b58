//! Printing a table as aligned text (§7 "a `table_ref` as an aligned text table with a header
//! line"). The exact format is documented in docs/dataflow.md, "Printing".

use std::fmt::Write as _;

use super::column::ValueRef;
use super::floatfmt::{format_f32, format_f64};
use super::table::Table;

/// Separator between columns.
const GAP: &str = "  ";

/// The text of one cell: integers in decimal, floats as Theta prints them, `true`/`false`,
/// strings with control characters escaped (`\n`, `\t`, `\r`, `\u{1b}`), and `null`.
pub fn format_value(v: ValueRef<'_>) -> String {
    match v {
        ValueRef::Null => "null".into(),
        ValueRef::I8(x) => x.to_string(),
        ValueRef::I16(x) => x.to_string(),
        ValueRef::I32(x) => x.to_string(),
        ValueRef::I64(x) => x.to_string(),
        ValueRef::F32(x) => format_f32(x),
        ValueRef::F64(x) => format_f64(x),
        ValueRef::Bool(x) => x.to_string(),
        ValueRef::Utf8(s) => escape_controls(s),
    }
}

fn escape_controls(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

fn pad(out: &mut String, text: &str, width: usize, right: bool) {
    let fill = width.saturating_sub(text.chars().count());
    if right {
        out.extend(std::iter::repeat_n(' ', fill));
        out.push_str(text);
    } else {
        out.push_str(text);
        out.extend(std::iter::repeat_n(' ', fill));
    }
}

/// Renders `table`: a header line of column names, a line of dashes as wide as each column,
/// then one line per row. Columns are separated by two spaces; numeric columns (and their
/// headers) are right-aligned, others left-aligned; trailing spaces are trimmed; no final
/// newline. A table without columns renders as the empty string.
pub fn format_table(table: &Table) -> String {
    let ncols = table.num_columns();
    if ncols == 0 {
        return String::new();
    }
    let mut cells: Vec<Vec<String>> = Vec::with_capacity(ncols);
    let mut widths = Vec::with_capacity(ncols);
    let mut right = Vec::with_capacity(ncols);
    for (f, c) in table.schema().fields().iter().zip(table.columns()) {
        let texts: Vec<String> = (0..table.num_rows())
            .map(|r| format_value(c.value(r)))
            .collect();
        let w = texts.iter().map(|t| t.chars().count()).max().unwrap_or(0);
        let header = escape_controls(&f.name);
        widths.push(w.max(header.chars().count()));
        right.push(f.data_type.is_numeric());
        cells.push(texts);
    }
    let mut out = String::new();
    let mut line = String::new();
    let emit = |line: &mut String, out: &mut String| {
        out.push_str(line.trim_end());
        out.push('\n');
        line.clear();
    };
    for (i, f) in table.schema().fields().iter().enumerate() {
        if i > 0 {
            line.push_str(GAP);
        }
        pad(&mut line, &escape_controls(&f.name), widths[i], right[i]);
    }
    emit(&mut line, &mut out);
    for (i, w) in widths.iter().enumerate() {
        if i > 0 {
            line.push_str(GAP);
        }
        line.extend(std::iter::repeat_n('-', (*w).max(1)));
    }
    emit(&mut line, &mut out);
    for r in 0..table.num_rows() {
        for (i, col) in cells.iter().enumerate() {
            if i > 0 {
                line.push_str(GAP);
            }
            pad(&mut line, &col[r], widths[i], right[i]);
        }
        emit(&mut line, &mut out);
    }
    out.pop();
    out
}

impl std::fmt::Display for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format_table(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataflow::column::Column;
    use crate::dataflow::types::DataType;

    fn people() -> Table {
        Table::from_columns(vec![
            ("id", Column::from_values(&[1i64, 22, 333])),
            (
                "name",
                Column::from_strs(&[Some("alice"), None, Some("Zoë 🎉")]),
            ),
            (
                "score",
                Column::from_options(&[Some(1.5f64), Some(1e300), None]),
            ),
            ("ok", Column::from_bools(&[Some(true), Some(false), None])),
            ("ratio", Column::from_values(&[0.1f32, -2.5e-7, 3.0])),
        ])
        .unwrap()
    }

    #[test]
    fn snapshot_people() {
        insta::assert_snapshot!(format_table(&people()));
    }

    #[test]
    fn snapshot_edge_cases() {
        let t = Table::from_columns(vec![
            ("a very long header", Column::from_values(&[1i8])),
            ("x", Column::from_strs(&[Some("line1\nline2\ttab")])),
            ("", Column::from_values(&[f64::NAN])),
        ])
        .unwrap();
        insta::assert_snapshot!(format_table(&t));
    }

    #[test]
    fn empty_tables() {
        assert_eq!(format_table(&Table::empty()), "");
        let t = Table::from_columns(vec![
            ("n", Column::empty(DataType::I64)),
            ("s", Column::empty(DataType::Utf8)),
        ])
        .unwrap();
        assert_eq!(format_table(&t), "n  s\n-  -");
        let nulls = Table::from_columns(vec![("v", Column::new_null(DataType::F64, 2))]).unwrap();
        assert_eq!(nulls.to_string(), "   v\n----\nnull\nnull");
    }
}

//! Helpers shared by the dataflow integration tests: small tables and row dumps.
#![allow(dead_code)]

use theta::dataflow::column::{Column, ValueRef};
use theta::dataflow::table::Table;

/// A table of id (i64), name (string), price (f64, with a null), qty (i32), d (date text).
pub fn items() -> Table {
    Table::from_columns(vec![
        ("id", Column::from_values(&[1i64, 2, 3, 4, 5, 6])),
        (
            "name",
            Column::from_strs(&[
                Some("apple"),
                Some("banana"),
                Some("cherry"),
                None,
                Some("élan"),
                Some("apple"),
            ]),
        ),
        (
            "price",
            Column::from_options(&[
                Some(1.5f64),
                Some(0.25),
                None,
                Some(10.0),
                Some(3.0),
                Some(2.5),
            ]),
        ),
        (
            "qty",
            Column::from_options(&[Some(10i32), Some(20), Some(5), Some(1), None, Some(4)]),
        ),
        (
            "d",
            Column::from_strs(&[
                Some("2024-01-15"),
                Some("2023-12-31"),
                Some("2024-02-29"),
                Some("bad"),
                None,
                Some("2024-01-01"),
            ]),
        ),
    ])
    .expect("valid table")
}

/// One cell as text (`null` for nulls, floats with `{:?}`).
pub fn cell(v: ValueRef<'_>) -> String {
    match v {
        ValueRef::Null => "null".into(),
        ValueRef::I8(x) => x.to_string(),
        ValueRef::I16(x) => x.to_string(),
        ValueRef::I32(x) => x.to_string(),
        ValueRef::I64(x) => x.to_string(),
        ValueRef::F32(x) => format!("{x:?}"),
        ValueRef::F64(x) => format!("{x:?}"),
        ValueRef::Bool(x) => x.to_string(),
        ValueRef::Utf8(s) => format!("'{s}'"),
    }
}

/// The table as `name type` header and one line per row, cells separated by ` | `.
pub fn dump(t: &Table) -> String {
    let mut out = String::new();
    let header: Vec<String> = t
        .schema()
        .fields()
        .iter()
        .map(|f| format!("{} {}", f.name, f.data_type))
        .collect();
    out.push_str(&header.join(" | "));
    out.push('\n');
    for r in 0..t.num_rows() {
        let row: Vec<String> = (0..t.num_columns())
            .map(|c| cell(t.value(r, c).expect("in range")))
            .collect();
        out.push_str(&row.join(" | "));
        out.push('\n');
    }
    out
}

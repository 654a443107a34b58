//! Tests of `read_csv`, `read_csv_with_schema` and `write_csv` (§8).

use std::fs;
use std::path::PathBuf;

use super::csv::{read_csv, read_csv_with_schema, write_csv};
use super::tests::tempdir;
use crate::dataflow::column::{Column, ValueRef};
use crate::dataflow::error::DataflowError;
use crate::dataflow::memory::{MemoryAccount, MemoryBudget};
use crate::dataflow::table::Table;
use crate::dataflow::types::{DataType, Schema};

fn file(contents: &[u8]) -> PathBuf {
    let p = tempdir().join("in.csv");
    fs::write(&p, contents).unwrap();
    p
}

fn read(contents: &str) -> Table {
    read_csv(file(contents.as_bytes()), &MemoryAccount::unlimited()).unwrap()
}

fn read_err(contents: &[u8]) -> (u64, u64, String) {
    match read_csv(file(contents), &MemoryAccount::unlimited()) {
        Err(DataflowError::Csv {
            line,
            column,
            message,
            ..
        }) => (line, column, message),
        other => panic!("expected a CSV error, got {other:?}"),
    }
}

fn schema_err(contents: &str, schema: &[&str]) -> (u64, u64, String) {
    let s = Schema::parse_items(schema).unwrap();
    match read_csv_with_schema(file(contents.as_bytes()), &s, &MemoryAccount::unlimited()) {
        Err(DataflowError::Csv {
            line,
            column,
            message,
            ..
        }) => (line, column, message),
        other => panic!("expected a CSV error, got {other:?}"),
    }
}

fn types(t: &Table) -> Vec<DataType> {
    t.schema().fields().iter().map(|f| f.data_type).collect()
}

#[test]
fn infers_types_and_nulls() {
    let t = read("id,name,score,ok,empty\n1,alice,1.5,true,\n2,,2,false,\n,\"\",1e3,,\n");
    assert_eq!(
        types(&t),
        [
            DataType::I64,
            DataType::Utf8,
            DataType::F64,
            DataType::Bool,
            DataType::Utf8
        ]
    );
    assert_eq!(
        t.column(0).unwrap(),
        &Column::from_options(&[Some(1i64), Some(2), None])
    );
    assert_eq!(
        t.column(1).unwrap(),
        &Column::from_strs(&[Some("alice"), None, Some("")])
    );
    assert_eq!(
        t.column(2).unwrap(),
        &Column::from_values(&[1.5f64, 2.0, 1000.0])
    );
    assert_eq!(
        t.column(3).unwrap(),
        &Column::from_bools(&[Some(true), Some(false), None])
    );
    assert_eq!(t.column(4).unwrap().null_count(), 3);
}

#[test]
fn quoting_crlf_and_embedded_newlines() {
    let t = read("a,b\r\n\"x, y\",\"he said \"\"hi\"\"\"\r\n\"two\r\nlines\",plain\r\n");
    assert_eq!(t.num_rows(), 2);
    assert_eq!(t.value(0, 0).unwrap(), ValueRef::Utf8("x, y"));
    assert_eq!(t.value(0, 1).unwrap(), ValueRef::Utf8("he said \"hi\""));
    assert_eq!(t.value(1, 0).unwrap(), ValueRef::Utf8("two\r\nlines"));
    assert_eq!(t.value(1, 1).unwrap(), ValueRef::Utf8("plain"));
}

#[test]
fn unicode_and_header_only() {
    let t = read("名前,v\n日本🎉,1\n");
    assert_eq!(t.column_name(0), Some("名前"));
    assert_eq!(t.value(0, 0).unwrap(), ValueRef::Utf8("日本🎉"));
    let t = read("a,b\n");
    assert_eq!((t.num_rows(), t.num_columns()), (0, 2));
    assert_eq!(types(&t), [DataType::Utf8, DataType::Utf8]);
}

#[test]
fn widening_after_the_sample() {
    let mut s = String::from("n,m,k\n");
    for i in 0..1500 {
        s.push_str(&format!("{i},{i},00{i}\n"));
    }
    s.push_str("2.5,x,7\n");
    let t = read(&s);
    assert_eq!(types(&t), [DataType::F64, DataType::Utf8, DataType::I64]);
    assert_eq!(t.value(1500, 0).unwrap(), ValueRef::F64(2.5));
    assert_eq!(t.value(3, 0).unwrap(), ValueRef::F64(3.0));
    assert_eq!(t.value(7, 1).unwrap(), ValueRef::Utf8("7"));
    assert_eq!(t.value(1500, 1).unwrap(), ValueRef::Utf8("x"));
    assert_eq!(
        t.value(5, 2).unwrap(),
        ValueRef::I64(5),
        "00 prefixes parse as integers"
    );
    // Widening to string after non-string values keeps the exact source text.
    let mut s = String::from("v\n");
    for _ in 0..1200 {
        s.push_str("007\n");
    }
    s.push_str("true\n");
    let t = read(&s);
    assert_eq!(types(&t), [DataType::Utf8]);
    assert_eq!(t.value(0, 0).unwrap(), ValueRef::Utf8("007"));
    assert_eq!(t.value(1200, 0).unwrap(), ValueRef::Utf8("true"));
}

#[test]
fn special_floats_and_mixed_int_bool() {
    let t = read("f,g\n1.5,1\nNaN,true\ninf,\n-inf,0\n");
    assert_eq!(types(&t), [DataType::F64, DataType::Utf8]);
    assert!(matches!(t.value(1, 0).unwrap(), ValueRef::F64(x) if x.is_nan()));
    assert_eq!(t.value(3, 0).unwrap(), ValueRef::F64(f64::NEG_INFINITY));
}

#[test]
fn malformed_input_errors_have_positions() {
    assert_eq!(
        read_err(b""),
        (1, 1, "the file is empty; a header row is required".into())
    );
    assert_eq!(
        read_err(b"a,b\n1,\"open\n"),
        (2, 3, "unterminated quoted field".into())
    );
    assert_eq!(
        read_err(b"a,b\n1,2,3\n"),
        (2, 5, "expected 2 fields (as in the header), found 3".into())
    );
    assert_eq!(
        read_err(b"a,b,c\n1,22\n"),
        (2, 5, "expected 3 fields (as in the header), found 2".into())
    );
    let (l, c, m) = read_err(b"a,b\n\"x\"y,1\n");
    assert_eq!((l, c), (2, 4));
    assert!(m.starts_with("unexpected character after a closing quote"));
    assert_eq!(
        read_err(b"a,a\n"),
        (1, 3, "duplicate column name 'a'".into())
    );
    assert_eq!(
        read_err(b"a,b\n1,\xff\n"),
        (2, 3, "text is not valid UTF-8".into())
    );
    let (l, c, _) = read_err(b"a,b\n\"multi\nline\",1,2\n");
    assert_eq!((l, c), (3, 9), "positions count lines inside quoted fields");
}

#[test]
fn explicit_schema() {
    let s = Schema::parse_items(&["id i32", "name string", "w f32", "ok bool", "tiny i8"]).unwrap();
    let p = file(b"id,name,w,ok,tiny\n1,\"\",0.5,TRUE,-128\n,,,0,\n");
    let t = read_csv_with_schema(&p, &s, &MemoryAccount::unlimited()).unwrap();
    assert_eq!(t.schema(), &s);
    assert_eq!(
        t.column(0).unwrap(),
        &Column::from_options(&[Some(1i32), None])
    );
    assert_eq!(t.column(1).unwrap(), &Column::from_strs(&[Some(""), None]));
    assert_eq!(
        t.column(2).unwrap(),
        &Column::from_options(&[Some(0.5f32), None])
    );
    assert_eq!(
        t.column(3).unwrap(),
        &Column::from_bools(&[Some(true), Some(false)])
    );
    assert_eq!(
        t.column(4).unwrap(),
        &Column::from_options(&[Some(-128i8), None])
    );
}

#[test]
fn explicit_schema_errors() {
    assert_eq!(
        schema_err("id,name\n1,a\nx1,b\n", &["id i64", "name string"]),
        (3, 1, "column 'id': 'x1' is not a valid i64".into())
    );
    assert_eq!(
        schema_err("a,b\n1,300\n", &["a i64", "b i8"]),
        (2, 3, "column 'b': '300' is not a valid i8".into())
    );
    assert_eq!(
        schema_err("a,b\n1,maybe\n", &["a i64", "b bool"]),
        (2, 3, "column 'b': 'maybe' is not a valid bool".into())
    );
    assert_eq!(
        schema_err("a,c\n", &["a i64", "b i8"]),
        (
            1,
            3,
            "header column 2 is 'c' but the schema names 'b'".into()
        )
    );
    assert_eq!(
        schema_err("a\n", &["a i64", "b i8"]),
        (1, 2, "the header has 1 columns but the schema has 2".into())
    );
}

#[test]
fn missing_file_is_io_error() {
    let err = read_csv("/nonexistent/theta.csv", &MemoryAccount::unlimited()).unwrap_err();
    assert!(matches!(err, DataflowError::Io { .. }), "{err}");
}

#[test]
fn memory_limit_names_the_operator() {
    let mut s = String::from("a,b\n");
    for i in 0..20_000 {
        s.push_str(&format!("{i},some text {i}\n"));
    }
    let budget = MemoryBudget::with_limit(64 * 1024);
    let err = read_csv(file(s.as_bytes()), &MemoryAccount::new(&budget, "read_csv")).unwrap_err();
    assert!(
        matches!(err, DataflowError::MemoryLimit { ref operator, .. } if operator == "read_csv")
    );
    assert_eq!(budget.used(), 0);
}

#[test]
fn write_then_read_round_trip() {
    let t = Table::from_columns(vec![
        ("id", Column::from_options(&[Some(1i64), None, Some(-3)])),
        (
            "text",
            Column::from_strs(&[Some("a,b"), Some(""), Some("q\"uote\nnl")]),
        ),
        (
            "f",
            Column::from_options(&[Some(1.0f64), Some(1e300), None]),
        ),
        ("b", Column::from_bools(&[Some(true), None, Some(false)])),
    ])
    .unwrap();
    let p = tempdir().join("out.csv");
    write_csv(&t, &p).unwrap();
    let text = fs::read_to_string(&p).unwrap();
    assert_eq!(
        text,
        "id,text,f,b\n1,\"a,b\",1.0,true\n,\"\",1e300,\n-3,\"q\"\"uote\nnl\",,false\n"
    );
    let back = read_csv(&p, &MemoryAccount::unlimited()).unwrap();
    assert_eq!(back, t);
}

#[test]
fn write_failure_leaves_no_file() {
    let t = Table::from_columns(vec![("a", Column::from_values(&[1i64]))]).unwrap();
    let err = write_csv(&t, "/nonexistent-theta-dir/out.csv").unwrap_err();
    assert!(matches!(err, DataflowError::Io { .. }));
}

#[test]
fn read_tables_live_in_one_arena_that_outlives_the_reader() {
    let budget = MemoryBudget::unlimited();
    let t = read_csv(
        file(b"a,b,c\n1,x,true\n2,,false\n"),
        &MemoryAccount::new(&budget, "read_csv"),
    )
    .unwrap();
    let mut arenas = Vec::new();
    for c in t.columns() {
        match c {
            Column::I64(p) => arenas.push(p.values_buffer().arena().cloned()),
            Column::Utf8(s) => {
                arenas.push(s.offsets_buffer().arena().cloned());
                arenas.push(s.data_buffer().arena().cloned());
            }
            Column::Bool(b) => arenas.push(b.values().buffer().arena().cloned()),
            _ => {}
        }
    }
    let first = arenas[0].clone().expect("in an arena");
    assert!(
        arenas
            .iter()
            .all(|a| a.as_ref().is_some_and(|a| a.ptr_eq(&first)))
    );
    // The reader's segments were all given back: only the table's arena stays charged.
    assert_eq!(budget.used(), first.allocated());
    drop(first);
    drop(arenas);
    assert_eq!(t.column(1).unwrap().value(0), ValueRef::Utf8("x"));
    drop(t);
    assert_eq!(budget.used(), 0);
}

/// An explicit-schema read large enough to fill several segments per column, every type with
/// nulls: the values arrive in order, the table is in one arena, and nothing else stays charged.
#[test]
fn a_large_typed_read_keeps_every_value_and_only_its_arena() {
    let rows = 300_000;
    let mut s = String::from("a,b,c,d,e,f,g,h\n");
    for i in 0..rows {
        if i % 11 == 0 {
            s.push_str(",,,,,,,\n");
        } else {
            let t = if i % 2 == 0 { "true" } else { "0" };
            let (a, b, c, e) = (i % 100, i % 30000, i * 7, i % 1000);
            s.push_str(&format!("{a},{b},{c},{i},{e}.5,{i}.25,{t},s{i}\n"));
        }
    }
    let schema = Schema::parse_items(&[
        "a i8", "b i16", "c i32", "d i64", "e f32", "f f64", "g bool", "h string",
    ])
    .unwrap();
    let budget = MemoryBudget::unlimited();
    let t = read_csv_with_schema(
        file(s.as_bytes()),
        &schema,
        &MemoryAccount::new(&budget, "read_csv"),
    )
    .unwrap();
    assert_eq!(t.num_rows(), rows);
    for r in [0, 1, 2, 11, 12, 4097, 150_001, rows - 1] {
        let v: Vec<String> = (0..8)
            .map(|c| format!("{:?}", t.value(r, c).unwrap()))
            .collect();
        if r % 11 == 0 {
            assert!(v.iter().all(|x| x == "Null"), "row {r}: {v:?}");
        } else {
            assert_eq!(v[0], format!("I8({})", r % 100), "row {r}");
            assert_eq!(v[1], format!("I16({})", r % 30000));
            assert_eq!(v[2], format!("I32({})", r * 7));
            assert_eq!(v[3], format!("I64({r})"));
            assert_eq!(v[4], format!("F32({}.5)", r % 1000));
            assert_eq!(v[5], format!("F64({r}.25)"));
            assert_eq!(v[6], format!("Bool({})", r % 2 == 0));
            assert_eq!(v[7], format!("Utf8(\"s{r}\")"));
        }
    }
    let arena = match t.column(7).unwrap() {
        Column::Utf8(c) => c.data_buffer().arena().unwrap().clone(),
        _ => panic!("text column"),
    };
    assert_eq!(budget.used(), arena.allocated());
}

//! Errors at node creation (§8): unknown columns name the column and list the available ones;
//! type and syntax errors name the operator and the text; memory limits name the operator.
#[path = "dataflow/common.rs"]
mod common;

use common::items;
use theta::dataflow::engine::{Dag, NodeId};
use theta::dataflow::memory::MemoryBudget;

fn setup() -> (Dag, NodeId) {
    let mut g = Dag::new();
    let s = g.scan(items());
    (g, s)
}

#[test]
fn unknown_column_lists_available_columns() {
    let (mut g, s) = setup();
    let e = g.filter(s, "prce > 1").unwrap_err().to_string();
    assert_eq!(
        e,
        "unknown column \"prce\" in filter; available columns: id, name, price, qty, d"
    );
    let e = g.project(s, &["id", "nme as n"]).unwrap_err().to_string();
    assert!(e.starts_with("unknown column \"nme\" in project;"), "{e}");
    let e = g.sort(s, &["qtty desc"]).unwrap_err().to_string();
    assert!(e.starts_with("unknown column \"qtty\" in sort;"), "{e}");
    let e = g
        .aggregate(s, &["nam"], &["count(*)"])
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("unknown column \"nam\" in aggregate;"), "{e}");
    let s2 = g.scan(items());
    let e = g.join(s, s2, "id = idd", "inner").unwrap_err().to_string();
    assert!(e.contains("id_right, name_right"), "{e}");
}

#[test]
fn type_errors_name_the_operator() {
    let (mut g, s) = setup();
    let cases = [
        (
            g.filter(s, "price + 1").unwrap_err(),
            "filter \"price + 1\": a predicate must be bool, this expression is f64",
        ),
        (
            g.filter(s, "name > 3").unwrap_err(),
            "filter \"name > 3\": cannot compare string with i64",
        ),
        (
            g.map(s, &["name + name as x"]).unwrap_err(),
            "map \"name + name as x\": operator `+` needs numbers, found string and string (use concat(a, b) for text)",
        ),
        (
            g.map(s, &["not qty as x"]).unwrap_err(),
            "map \"not qty as x\": `not` needs bool operands, found i32",
        ),
        (
            g.aggregate(s, &[] as &[&str], &["sum(name)"]).unwrap_err(),
            "aggregate \"sum(name)\": `sum` needs a number, found string",
        ),
        (
            g.map(s, &["frobnicate(id) as x"]).unwrap_err(),
            "map \"frobnicate(id) as x\": unknown function `frobnicate`",
        ),
    ];
    for (err, want) in cases {
        assert_eq!(err.to_string(), want);
    }
}

#[test]
fn syntax_errors_carry_byte_ranges() {
    let (mut g, s) = setup();
    let e = g.filter(s, "price > ").unwrap_err().to_string();
    assert_eq!(
        e,
        "syntax error in filter \"price > \" at bytes 8..8: expected an expression, found end of text"
    );
    let e = g.map(s, &["price * 2"]).unwrap_err().to_string();
    assert!(e.contains("needs a name"), "{e}");
    let e = g
        .join(s, s, "id = id_right", "outer")
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown join kind `outer`"), "{e}");
}

#[test]
fn shape_errors() {
    let (mut g, s) = setup();
    let p = g.project(s, &["id"]).unwrap();
    let e = g.union(s, p).unwrap_err().to_string();
    assert!(
        e.starts_with("union: both inputs need the same column names and types"),
        "{e}"
    );
    let e = g.project(s, &["id", "qty as id"]).unwrap_err().to_string();
    assert_eq!(e, "project: duplicate output column \"id\"");
    let e = g.limit(s, -1, 0).unwrap_err().to_string();
    assert!(e.contains("must not be negative"), "{e}");
    assert!(
        g.explain(NodeId(999))
            .unwrap_err()
            .to_string()
            .contains("unknown dataflow node #999")
    );
}

#[test]
fn memory_limit_names_the_operator() {
    let n = 50_000i64;
    let v: Vec<i64> = (0..n).collect();
    let t = theta::dataflow::table::Table::from_columns(vec![(
        "x",
        theta::dataflow::column::Column::from_values(&v),
    )])
    .unwrap();
    let mut g = Dag::new();
    let s = g.scan(t);
    // A sort spills runs to disk, but one batch must fit in memory.
    let o = g.sort(s, &["x desc"]).unwrap();
    let e = g
        .materialize(o, &MemoryBudget::with_limit(16 * 1024))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("memory limit exceeded in sort"), "{e}");
    // An aggregate spills groups to disk, but one group's state must fit in memory.
    let a = g
        .aggregate::<&str, &str>(s, &[], &["count(distinct x)"])
        .unwrap();
    let e = g
        .materialize(a, &MemoryBudget::with_limit(64 * 1024))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("memory limit exceeded in aggregate"), "{e}");
    let ok = g
        .materialize(s, &MemoryBudget::with_limit(1 << 20))
        .unwrap();
    assert_eq!(ok.num_rows(), n as usize);
}

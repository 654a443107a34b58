//! Operator behaviour (§8): joins of every kind, aggregates, sort, limit, distinct, union, with
//! nulls, empty inputs, all-null columns, duplicate keys and unicode text.
#[path = "dataflow/common.rs"]
mod common;

use common::{dump, items};
use theta::dataflow::column::Column;
use theta::dataflow::engine::{Dag, NodeId};
use theta::dataflow::memory::MemoryBudget;
use theta::dataflow::table::Table;

fn run(g: &Dag, n: NodeId) -> String {
    dump(
        &g.materialize(n, &MemoryBudget::unlimited())
            .unwrap_or_else(|e| panic!("{e}")),
    )
}

fn left() -> Table {
    Table::from_columns(vec![
        (
            "k",
            Column::from_options(&[Some(1i64), Some(2), Some(2), None, Some(4)]),
        ),
        (
            "v",
            Column::from_strs(&[Some("a"), Some("b"), Some("c"), Some("d"), Some("e")]),
        ),
    ])
    .unwrap()
}

fn right() -> Table {
    Table::from_columns(vec![
        (
            "k",
            Column::from_options(&[Some(2i32), Some(2), Some(3), None, Some(1)]),
        ),
        (
            "w",
            Column::from_options(&[Some(20i64), Some(21), Some(30), Some(0), Some(10)]),
        ),
    ])
    .unwrap()
}

fn join(kind: &str, on: &str) -> String {
    let mut g = Dag::new();
    let l = g.scan(left());
    let r = g.scan(right());
    let j = g.join(l, r, on, kind).unwrap();
    let s = g
        .sort(j, &["v nulls last", "w", "k_right"])
        .unwrap_or_else(|_| g.sort(j, &["v"]).unwrap());
    run(&g, s)
}

#[test]
fn hash_joins_of_every_kind() {
    assert_eq!(
        join("inner", "k = k_right"),
        "k i64 | v string | k_right i32 | w i64\n1 | 'a' | 1 | 10\n2 | 'b' | 2 | 20\n2 | 'b' | 2 | 21\n2 | 'c' | 2 | 20\n2 | 'c' | 2 | 21\n"
    );
    assert_eq!(
        join("left", "k = k_right"),
        "k i64 | v string | k_right i32 | w i64\n1 | 'a' | 1 | 10\n2 | 'b' | 2 | 20\n2 | 'b' | 2 | 21\n2 | 'c' | 2 | 20\n2 | 'c' | 2 | 21\nnull | 'd' | null | null\n4 | 'e' | null | null\n"
    );
    assert_eq!(
        join("right", "k = k_right"),
        "k i64 | v string | k_right i32 | w i64\n1 | 'a' | 1 | 10\n2 | 'b' | 2 | 20\n2 | 'b' | 2 | 21\n2 | 'c' | 2 | 20\n2 | 'c' | 2 | 21\nnull | null | null | 0\nnull | null | 3 | 30\n"
    );
    assert_eq!(
        join("full", "k = k_right"),
        "k i64 | v string | k_right i32 | w i64\n1 | 'a' | 1 | 10\n2 | 'b' | 2 | 20\n2 | 'b' | 2 | 21\n2 | 'c' | 2 | 20\n2 | 'c' | 2 | 21\nnull | 'd' | null | null\n4 | 'e' | null | null\nnull | null | null | 0\nnull | null | 3 | 30\n"
    );
    assert_eq!(
        join("semi", "k = k_right"),
        "k i64 | v string\n1 | 'a'\n2 | 'b'\n2 | 'c'\n"
    );
    assert_eq!(
        join("anti", "k = k_right"),
        "k i64 | v string\nnull | 'd'\n4 | 'e'\n"
    );
}

#[test]
fn residual_and_nested_loop_joins() {
    assert_eq!(
        join("inner", "k = k_right and w > 20"),
        "k i64 | v string | k_right i32 | w i64\n2 | 'b' | 2 | 21\n2 | 'c' | 2 | 21\n"
    );
    assert_eq!(
        join("left", "k < k_right and w >= 30"),
        "k i64 | v string | k_right i32 | w i64\n1 | 'a' | 3 | 30\n2 | 'b' | 3 | 30\n2 | 'c' | 3 | 30\nnull | 'd' | null | null\n4 | 'e' | null | null\n"
    );
    assert_eq!(
        join("anti", "k_right > k"),
        "k i64 | v string\nnull | 'd'\n4 | 'e'\n"
    );
    assert_eq!(
        join("semi", "k = k_right or w = 0"),
        "k i64 | v string\n1 | 'a'\n2 | 'b'\n2 | 'c'\nnull | 'd'\n4 | 'e'\n"
    );
}

/// Left and full joins list the left rows in their order, unmatched ones in place (not at the
/// end), for hash and nested-loop joins alike; each left row's matches follow the right order.
#[test]
fn outer_joins_keep_left_row_order() {
    let want = "k i32 | w i64 | k_right i64 | v string\n2 | 20 | 2 | 'b'\n2 | 20 | 2 | 'c'\n2 | 21 | 2 | 'b'\n2 | 21 | 2 | 'c'\n3 | 30 | null | null\nnull | 0 | null | null\n1 | 10 | 1 | 'a'\n";
    for on in ["k = k_right", "k <= k_right and k >= k_right"] {
        let mut g = Dag::new();
        let r = g.scan(right());
        let l = g.scan(left());
        let j = g.join(r, l, on, "left").unwrap();
        assert_eq!(run(&g, j), want, "{on}");
        let f = g.join(r, l, on, "full").unwrap();
        let full = run(&g, f);
        assert!(full.starts_with(want), "{on}: {full}");
        assert!(full.ends_with("null | null | 4 | 'e'\n"), "{on}: {full}");
    }
}

#[test]
fn join_with_empty_side() {
    let mut g = Dag::new();
    let l = g.scan(left());
    let r = g.scan(right());
    let empty = g.filter(r, "w > 1000").unwrap();
    let j = g.join(l, empty, "k = k_right", "left").unwrap();
    assert_eq!(run(&g, j).lines().count(), 6);
    let j2 = g.join(empty, l, "k_right = k", "inner").unwrap();
    assert_eq!(run(&g, j2), "k i32 | w i64 | k_right i64 | v string\n");
}

#[test]
fn aggregates_with_keys_nulls_and_empty_input() {
    let mut g = Dag::new();
    let s = g.scan(items());
    let a = g
        .aggregate(
            s,
            &["name"],
            &[
                "count(*) as n",
                "count(qty)",
                "count(distinct price) as dp",
                "sum(qty) as sq",
                "avg(price)",
                "min(price)",
                "max(name) as mx",
            ],
        )
        .unwrap();
    let o = g.sort(a, &["name"]).unwrap();
    assert_eq!(
        run(&g, o),
        "name string | n i64 | count(qty) i64 | dp i64 | sq i64 | avg(price) f64 | min(price) f64 | mx string\n\
         'apple' | 2 | 2 | 2 | 14 | 2.0 | 1.5 | 'apple'\n\
         'banana' | 1 | 1 | 1 | 20 | 0.25 | 0.25 | 'banana'\n\
         'cherry' | 1 | 1 | 0 | 5 | null | null | 'cherry'\n\
         'élan' | 1 | 0 | 1 | null | 3.0 | 3.0 | 'élan'\n\
         null | 1 | 1 | 1 | 1 | 10.0 | 10.0 | null\n"
    );
    let none = g.filter(s, "id > 100").unwrap();
    let a0 = g
        .aggregate(
            none,
            &[] as &[&str],
            &["count(*)", "sum(qty)", "max(name)", "stddev(price)"],
        )
        .unwrap();
    assert_eq!(
        run(&g, a0),
        "count(*) i64 | sum(qty) i64 | max(name) string | stddev(price) f64\n0 | null | null | null\n"
    );
    let a1 = g.aggregate(none, &["name"], &["count(*)"]).unwrap();
    assert_eq!(run(&g, a1), "name string | count(*) i64\n");
}

#[test]
fn aggregate_statistics_and_expression_arguments() {
    let mut g = Dag::new();
    let s = g.scan(items());
    let a = g
        .aggregate(
            s,
            &[] as &[&str],
            &[
                "variance(qty) as v",
                "stddev(qty) as sd",
                "sum(price * qty) as rev",
                "avg(qty) as aq",
            ],
        )
        .unwrap();
    let t = g.materialize(a, &MemoryBudget::unlimited()).unwrap();
    let get = |c: usize| t.value(0, c).unwrap().as_f64().unwrap();
    // qty = 10, 20, 5, 1, 4: mean 8, sample variance 222 / 4.
    assert!((get(0) - 55.5).abs() < 1e-12);
    assert!((get(1) - 55.5f64.sqrt()).abs() < 1e-12);
    assert!((get(2) - (15.0 + 5.0 + 10.0 + 10.0)).abs() < 1e-12);
    assert!((get(3) - 8.0).abs() < 1e-12);
}

#[test]
fn group_by_small_and_multi_column_keys() {
    let t = Table::from_columns(vec![
        (
            "g",
            Column::from_options(&[Some(-3i8), Some(5), Some(-3), None, Some(5), None]),
        ),
        (
            "b",
            Column::from_bools(&[Some(true), Some(false), Some(true), None, Some(true), None]),
        ),
        ("x", Column::from_values(&[1i64, 2, 3, 4, 5, 6])),
    ])
    .unwrap();
    let mut g = Dag::new();
    let s = g.scan(t);
    let a = g.aggregate(s, &["g"], &["sum(x)"]).unwrap();
    assert_eq!(run(&g, a), "g i8 | sum(x) i64\n-3 | 4\n5 | 7\nnull | 10\n");
    let a2 = g.aggregate(s, &["g", "b"], &["count(*)"]).unwrap();
    assert_eq!(
        run(&g, a2),
        "g i8 | b bool | count(*) i64\n-3 | true | 2\n5 | false | 1\nnull | null | 2\n5 | true | 1\n"
    );
    let a3 = g
        .aggregate(s, &["x % 2 as parity"], &["min(g)", "max(b)"])
        .unwrap();
    assert_eq!(
        run(&g, a3),
        "parity i64 | min(g) i8 | max(b) bool\n1 | -3 | true\n0 | 5 | false\n"
    );
}

#[test]
fn sort_is_stable_with_null_placement() {
    let mut g = Dag::new();
    let s = g.scan(items());
    let a = g.sort(s, &["qty desc"]).unwrap();
    let p = g.project(a, &["id"]).unwrap();
    assert_eq!(run(&g, p), "id i64\n5\n2\n1\n3\n6\n4\n");
    let b = g.sort(s, &["name asc nulls first", "id desc"]).unwrap();
    let p = g.project(b, &["id"]).unwrap();
    assert_eq!(run(&g, p), "id i64\n4\n6\n1\n2\n3\n5\n");
    let c = g.sort(s, &["price nulls first"]).unwrap();
    let l = g.limit(c, 2, 1).unwrap();
    let p = g.project(l, &["id"]).unwrap();
    assert_eq!(run(&g, p), "id i64\n2\n1\n");
}

#[test]
fn limit_offset_distinct_union() {
    let mut g = Dag::new();
    let s = g.scan(items());
    let names = g.project(s, &["name"]).unwrap();
    let d = g.distinct(names).unwrap();
    assert_eq!(
        run(&g, d),
        "name string\n'apple'\n'banana'\n'cherry'\nnull\n'élan'\n"
    );
    let l = g.limit(names, 2, 4).unwrap();
    assert_eq!(run(&g, l), "name string\n'élan'\n'apple'\n");
    let l0 = g.limit(names, 10, 100).unwrap();
    assert_eq!(run(&g, l0), "name string\n");
    let u = g.union_all(d, l).unwrap();
    assert_eq!(run(&g, u).lines().count(), 8);
    let ud = g.union(d, l).unwrap();
    assert_eq!(run(&g, ud).lines().count(), 6);
}

#[test]
fn all_null_and_empty_tables() {
    let t = Table::from_columns(vec![
        (
            "a",
            Column::new_null(theta::dataflow::types::DataType::I64, 3),
        ),
        (
            "s",
            Column::new_null(theta::dataflow::types::DataType::Utf8, 3),
        ),
    ])
    .unwrap();
    let mut g = Dag::new();
    let s = g.scan(t);
    let m = g.map(s, &["a + 1 as a", "concat(s, 'x') as c"]).unwrap();
    assert_eq!(
        run(&g, m),
        "a i64 | s string | c string\nnull | null | 'x'\nnull | null | 'x'\nnull | null | 'x'\n"
    );
    let a = g
        .aggregate(s, &["a"], &["count(s)", "sum(a)", "min(s)"])
        .unwrap();
    assert_eq!(
        run(&g, a),
        "a i64 | count(s) i64 | sum(a) i64 | min(s) string\nnull | 0 | null | null\n"
    );
    let d = g.distinct(s).unwrap();
    assert_eq!(run(&g, d), "a i64 | s string\nnull | null\n");
    let mut g = Dag::new();
    let e = g.scan(Table::from_columns(vec![("x", Column::from_values::<f64>(&[]))]).unwrap());
    let o = g.sort(e, &["x"]).unwrap();
    let d = g.distinct(o).unwrap();
    assert_eq!(run(&g, d), "x f64\n");
}

#[test]
fn map_replaces_in_place_and_appends() {
    let mut g = Dag::new();
    let s = g.scan(items());
    let m = g.map(s, &["qty * 2 as qty", "id * 10 as id10"]).unwrap();
    let p = g.limit(m, 1, 0).unwrap();
    assert_eq!(
        run(&g, p),
        "id i64 | name string | price f64 | qty i32 | d string | id10 i64\n1 | 'apple' | 1.5 | 20 | '2024-01-15' | 10\n"
    );
}

#[test]
fn large_inputs_cross_batch_boundaries() {
    let n = 10_000i64;
    let ids: Vec<i64> = (0..n).collect();
    let grp: Vec<i64> = (0..n).map(|i| i % 7).collect();
    let t = Table::from_columns(vec![
        ("id", Column::from_values(&ids)),
        ("g", Column::from_values(&grp)),
    ])
    .unwrap();
    let mut g = Dag::new();
    let s = g.scan(t.clone());
    let s2 = g.scan(t);
    let j = g.join(s, s2, "id = id_right", "inner").unwrap();
    let a = g
        .aggregate(j, &["g"], &["count(*) as c", "sum(id) as s"])
        .unwrap();
    let o = g.sort(a, &["g desc"]).unwrap();
    let out = run(&g, o);
    assert!(
        out.starts_with("g i64 | c i64 | s i64\n6 | 1428 | "),
        "{out}"
    );
    let top = g.sort(s, &["id desc"]).unwrap();
    let l = g.limit(top, 3, 4000).unwrap();
    assert_eq!(run(&g, l), "id i64 | g i64\n5999 | 0\n5998 | 6\n5997 | 5\n");
}

/// Aggregating a filtered input (rows passed on by selection) with one-letter and other text
/// keys, small and large integer pairs, and arguments sharing a sub-expression.
#[test]
fn aggregate_over_filtered_rows_with_shared_arguments_and_small_keys() {
    let t = Table::from_columns(vec![
        (
            "f",
            Column::from_strs(&[
                Some("R"),
                Some("A"),
                Some(""),
                Some("R"),
                None,
                Some("AB"),
                Some("A"),
                Some("R"),
            ]),
        ),
        (
            "h",
            Column::from_strs(&[
                Some("F"),
                Some("O"),
                Some("F"),
                Some("F"),
                Some("F"),
                Some("O"),
                Some("O"),
                Some("F"),
            ]),
        ),
        ("c", Column::from_values(&[1i64, 2, 3, 4, 5, 6, 7, 8])),
        ("x", Column::from_values(&[1i64, 1, 300, 1, -1, 1, 1, 1])),
        ("y", Column::from_values(&[2i64, 2, 2, 2, 2, 2, 2, 3])),
        (
            "p",
            Column::from_values(&[1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]),
        ),
        ("d", Column::from_values(&[0.5f64; 8])),
    ])
    .unwrap();
    let mut g = Dag::new();
    let s = g.scan(t);
    let kept = g.filter(s, "c != 4").unwrap();
    let a = g
        .aggregate(
            kept,
            &["f"],
            &[
                "sum(p * (1 - d)) as a",
                "sum(p * (1 - d) * 2) as b",
                "avg(p * (1 - d)) as m",
                "count(*) as n",
            ],
        )
        .unwrap();
    assert_eq!(
        run(&g, a),
        "f string | a f64 | b f64 | m f64 | n i64\n'R' | 4.5 | 9.0 | 2.25 | 2\n'A' | 4.5 | 9.0 | 2.25 | 2\n\
         '' | 1.5 | 3.0 | 1.5 | 1\nnull | 2.5 | 5.0 | 2.5 | 1\n'AB' | 3.0 | 6.0 | 3.0 | 1\n"
    );
    let two = g.aggregate(kept, &["f", "h"], &["count(*) as n"]).unwrap();
    assert_eq!(
        run(&g, two),
        "f string | h string | n i64\n'R' | 'F' | 2\n'A' | 'O' | 2\n'' | 'F' | 1\nnull | 'F' | 1\n\
         'AB' | 'O' | 1\n"
    );
    let pairs = g
        .aggregate(kept, &["x", "y"], &["sum(c) as sc", "count(*) as n"])
        .unwrap();
    assert_eq!(
        run(&g, pairs),
        "x i64 | y i64 | sc i64 | n i64\n1 | 2 | 16 | 4\n300 | 2 | 3 | 1\n-1 | 2 | 5 | 1\n1 | 3 | 8 | 1\n"
    );
}

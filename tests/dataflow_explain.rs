//! `explain` snapshots (§8): one per optimizer rule, each asserting that the rule fired and
//! showing the optimised plan it produced.
#[path = "dataflow/common.rs"]
mod common;

use common::items;
use theta::dataflow::column::Column;
use theta::dataflow::engine::{Dag, NodeId};
use theta::dataflow::table::Table;

fn orders() -> Table {
    Table::from_columns(vec![
        ("oid", Column::from_values(&[1i64, 2, 3])),
        ("id", Column::from_values(&[1i64, 1, 2])),
        ("amount", Column::from_values(&[5.0f64, 7.0, 1.0])),
    ])
    .unwrap()
}

/// The explain text, after checking that `rule` fired.
fn explain_with(g: &Dag, n: NodeId, rule: &str) -> String {
    let (_, fired) = g.optimized(n).unwrap();
    assert!(
        fired.contains(&rule),
        "{rule} did not fire; fired: {fired:?}"
    );
    g.explain(n).unwrap()
}

#[test]
fn fold_constants() {
    let mut g = Dag::new();
    let s = g.scan(items());
    let f = g.filter(s, "qty > 2 * 3 and 1 + 1 = 2").unwrap();
    let m = g.map(f, &["price * (10 / 4) as p"]).unwrap();
    insta::assert_snapshot!(explain_with(&g, m, "FoldConstants"));
}

#[test]
fn fold_constants_false_filter() {
    let mut g = Dag::new();
    let s = g.scan(items());
    let f = g.filter(s, "1 > 2 or null").unwrap();
    insta::assert_snapshot!(explain_with(&g, f, "FoldConstants"));
}

#[test]
fn push_down_filter_through_project_and_join() {
    let mut g = Dag::new();
    let s = g.scan(items());
    let o = g.scan(orders());
    let j = g.join(s, o, "id = id_right", "inner").unwrap();
    let p = g.project(j, &["name", "amount * 2 as a2", "qty"]).unwrap();
    let f = g.filter(p, "a2 > 3 and qty < 15").unwrap();
    insta::assert_snapshot!(explain_with(&g, f, "PushDownFilter"));
}

#[test]
fn push_down_filter_keeps_outer_join_semantics() {
    let mut g = Dag::new();
    let s = g.scan(items());
    let o = g.scan(orders());
    let j = g.join(s, o, "id = id_right", "left").unwrap();
    let f = g.filter(j, "qty > 1 and amount is null").unwrap();
    insta::assert_snapshot!(explain_with(&g, f, "PushDownFilter"));
}

#[test]
fn push_down_filter_through_union_and_aggregate() {
    let mut g = Dag::new();
    let a = g.scan(items());
    let b = g.scan(items());
    let u = g.union_all(a, b).unwrap();
    let agg = g.aggregate(u, &["name"], &["sum(qty) as total"]).unwrap();
    let f = g.filter(agg, "name != 'apple' and total > 3").unwrap();
    insta::assert_snapshot!(explain_with(&g, f, "PushDownFilter"));
}

#[test]
fn push_down_projection() {
    let mut g = Dag::new();
    let s = g.scan(items());
    let m = g
        .map(s, &["price * qty as total", "upper(name) as unused"])
        .unwrap();
    let p = g.project(m, &["id", "total"]).unwrap();
    insta::assert_snapshot!(explain_with(&g, p, "PushDownProjection"));
}

#[test]
fn push_down_limit() {
    let mut g = Dag::new();
    let a = g.scan(items());
    let b = g.scan(orders());
    let pa = g.project(a, &["id"]).unwrap();
    let pb = g.project(b, &["oid as id"]).unwrap();
    let u = g.union_all(pa, pb).unwrap();
    let l1 = g.limit(u, 5, 2).unwrap();
    let l2 = g.limit(l1, 2, 1).unwrap();
    insta::assert_snapshot!(explain_with(&g, l2, "PushDownLimit"));
}

#[test]
fn sort_limit_to_top_n() {
    let mut g = Dag::new();
    let s = g.scan(items());
    let o = g.sort(s, &["price desc", "id"]).unwrap();
    let p = g.project(o, &["id", "price"]).unwrap();
    let l = g.limit(p, 3, 0).unwrap();
    insta::assert_snapshot!(explain_with(&g, l, "SortLimitToTopN"));
}

#[test]
fn fuse_filter_project_map() {
    let mut g = Dag::new();
    let s = g.scan(items());
    let m1 = g.map(s, &["price * qty as total"]).unwrap();
    let m2 = g.map(m1, &["total + 1 as t1"]).unwrap();
    let p = g.project(m2, &["id", "t1"]).unwrap();
    let d = g.distinct(p).unwrap();
    let f1 = g.filter(d, "t1 > 1").unwrap();
    let f2 = g.filter(f1, "id < 5").unwrap();
    insta::assert_snapshot!(explain_with(&g, f2, "FuseFilterProjectMap"));
}

#[test]
fn eliminate_common_subplans() {
    let mut g = Dag::new();
    let t = items();
    let s1 = g.scan(t.clone());
    let s2 = g.scan(t);
    let a1 = g.aggregate(s1, &["name"], &["count(*) as n"]).unwrap();
    let a2 = g.aggregate(s2, &["name"], &["count(*) as n"]).unwrap();
    let j = g
        .join(a1, a2, "name = name_right and n < n_right", "inner")
        .unwrap();
    insta::assert_snapshot!(explain_with(&g, j, "EliminateCommonSubplans"));
}

#[test]
fn nested_loop_and_semi_join() {
    let mut g = Dag::new();
    let s = g.scan(items());
    let o = g.scan(orders());
    let nl = g.join(s, o, "price < amount", "anti").unwrap();
    let semi = g.join(nl, o, "id = id_right", "semi").unwrap();
    insta::assert_snapshot!(g.explain(semi).unwrap());
}

#[test]
fn merge_join_when_both_inputs_are_sorted_on_the_key() {
    // §8: sort-merge join when both inputs are sorted on the key; the filter keeps the order.
    let mut g = Dag::new();
    let s = g.scan(items());
    let o = g.scan(orders());
    let l = g.sort(s, &["id"]).unwrap();
    let l = g.filter(l, "qty > 1").unwrap();
    let r = g.sort(o, &["id", "oid desc"]).unwrap();
    let j = g
        .join(l, r, "id = id_right and amount > price", "left")
        .unwrap();
    let x = g.explain(j).unwrap();
    assert!(x.starts_with("MergeJoin left keys=[id = id]"), "{x}");
    insta::assert_snapshot!(x);
}

#[test]
fn combined_aggregate_items_project_over_the_aggregate() {
    let mut g = Dag::new();
    let s = g.scan(items());
    let a = g
        .aggregate(
            s,
            &["name"],
            &[
                "sum(qty) / count(*) as per",
                "max(price) - min(price) as spread",
                "count(*)",
            ],
        )
        .unwrap();
    let x = g.explain(a).unwrap();
    assert!(x.starts_with("Project name, "), "{x}");
    insta::assert_snapshot!(x);
}

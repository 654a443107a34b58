//! §8 details of items and predicates: aggregate items combining aggregates, `like` patterns,
//! and join predicates naming a column both inputs have.
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

fn sales() -> Table {
    Table::from_columns(vec![
        (
            "region",
            Column::from_strs(&[Some("n"), Some("n"), Some("s"), Some("s"), Some("s"), None]),
        ),
        (
            "amount",
            Column::from_options(&[Some(10i64), Some(30), Some(5), None, Some(7), Some(1)]),
        ),
        (
            "price",
            Column::from_options(&[
                Some(2.0f64),
                Some(4.0),
                Some(1.0),
                Some(3.0),
                None,
                Some(8.0),
            ]),
        ),
    ])
    .unwrap()
}

#[test]
fn aggregate_items_combine_aggregates_constants_and_keys() {
    let mut g = Dag::new();
    let s = g.scan(sales());
    let a = g
        .aggregate(
            s,
            &["region"],
            &[
                "sum(amount) / count(*) as per_row",
                "max(price) - min(price) as spread",
                "sum(amount)",
                "count(*) * 10 + 1 as c",
                "sum(amount) * 1.0 / count(amount) as mean",
                "concat(region, ':', count(*)) as label",
            ],
        )
        .unwrap();
    let s2 = g.sort(a, &["region"]).unwrap();
    assert_eq!(
        run(&g, s2),
        "region string | per_row i64 | spread f64 | sum(amount) i64 | c i64 | mean f64 | label string\n\
         'n' | 20 | 2.0 | 40 | 21 | 20.0 | 'n:2'\n\
         's' | 4 | 2.0 | 12 | 31 | 6.0 | 's:3'\n\
         null | 1 | 0.0 | 1 | 11 | 1.0 | ':1'\n"
    );
}

#[test]
fn combined_items_without_keys_and_on_empty_input() {
    let mut g = Dag::new();
    let s = g.scan(sales());
    let none = g.filter(s, "amount > 1000").unwrap();
    for (input, want) in [
        (s, "t i64 | r f64\n53 | 7.0\n"),
        // §8: sum of no values is null, count is 0; null propagates through `+`.
        (none, "t i64 | r f64\nnull | null\n"),
    ] {
        let a = g
            .aggregate(
                input,
                &[] as &[&str],
                &[
                    "sum(amount) + count(*) - 6 as t",
                    "max(price) - min(price) as r",
                ],
            )
            .unwrap();
        assert_eq!(run(&g, a), want);
    }
}

#[test]
fn combined_item_errors_name_the_problem() {
    let mut g = Dag::new();
    let s = g.scan(sales());
    let err = |g: &mut Dag, item: &str| {
        g.aggregate(s, &["region"], &[item])
            .unwrap_err()
            .to_string()
    };
    let e = err(&mut g, "price + 1 as p");
    assert!(e.contains("expected an aggregate"), "{e}");
    let e = err(&mut g, "sum(amount) + price as p");
    assert!(e.contains("only use the group keys (region)"), "{e}");
    assert!(e.contains("unknown column \"price\""), "{e}");
    let e = err(&mut g, "sum(count(*)) as p");
    assert!(e.contains("only allowed in aggregate items"), "{e}");
    let e = err(&mut g, "sum(region) / 2 as p");
    assert!(e.contains("needs a number"), "{e}");
    // Without `as`, the item's text names the column (§8 default name).
    let a = g
        .aggregate(s, &["region"], &["sum(amount) / count(*)"])
        .unwrap();
    assert_eq!(
        g.schema(a).unwrap().fields()[1].name,
        "sum(amount) / count(*)"
    );
    let e = err(&mut g, "count(*) as region");
    assert!(e.contains("duplicate output column"), "{e}");
}

#[test]
fn like_percent_and_underscore_without_escape() {
    let t = Table::from_columns(vec![(
        "s",
        Column::from_strs(&[
            Some("abc"),
            Some("a%c"),
            Some("a_c"),
            Some("ac"),
            Some("Abc"),
            Some("a\\c"),
            Some("é"),
            None,
        ]),
    )])
    .unwrap();
    let mut g = Dag::new();
    let s = g.scan(t);
    let hits = |g: &mut Dag, pred: &str| {
        let f = g.filter(s, pred).unwrap();
        let out = run(g, f);
        out.lines().skip(1).collect::<Vec<_>>().join(" ")
    };
    assert_eq!(hits(&mut g, "s like 'a_c'"), "'abc' 'a%c' 'a_c' 'a\\c'");
    assert_eq!(hits(&mut g, "s like 'a%'"), "'abc' 'a%c' 'a_c' 'ac' 'a\\c'");
    // No escape character (as DuckDB without ESCAPE): a backslash is an ordinary character.
    assert_eq!(hits(&mut g, "s like 'a\\%'"), "'a\\c'");
    assert_eq!(hits(&mut g, "s like '_'"), "'é'");
    assert_eq!(hits(&mut g, "s not like '%c'"), "'é'");
}

#[test]
fn join_on_a_name_both_inputs_have_means_left_equals_right() {
    let orders = Table::from_columns(vec![
        ("id", Column::from_values(&[1i64, 2, 3])),
        ("cust", Column::from_values(&[10i64, 20, 10])),
    ])
    .unwrap();
    let custs = Table::from_columns(vec![
        ("cust", Column::from_values(&[10i64, 30])),
        ("id", Column::from_values(&[7i64, 8])),
    ])
    .unwrap();
    let mut g = Dag::new();
    let o = g.scan(orders);
    let c = g.scan(custs);
    let a = g.join(o, c, "cust = cust", "inner").unwrap();
    let b = g.join(o, c, "cust = cust_right", "inner").unwrap();
    let want =
        "id i64 | cust i64 | cust_right i64 | id_right i64\n1 | 10 | 10 | 7\n3 | 10 | 10 | 7\n";
    let sorted = |g: &mut Dag, n| {
        let s = g.sort(n, &["id"]).unwrap();
        run(g, s)
    };
    assert_eq!(sorted(&mut g, a), want);
    assert_eq!(sorted(&mut g, b), want);
    // Both pairs at once, and with a residual that still reads the left `id`.
    let d = g.join(o, c, "cust = cust and id = id", "left").unwrap();
    assert_eq!(
        sorted(&mut g, d),
        "id i64 | cust i64 | cust_right i64 | id_right i64\n1 | 10 | null | null\n2 | 20 | null | null\n3 | 10 | null | null\n"
    );
    let e = g.join(o, c, "cust = cust and id < 3", "inner").unwrap();
    assert_eq!(
        sorted(&mut g, e),
        "id i64 | cust i64 | cust_right i64 | id_right i64\n1 | 10 | 10 | 7\n"
    );
}

#[test]
fn aggregates_common_fixture_still_single_node() {
    // Plain items keep the single Aggregate node (no project on top).
    let mut g = Dag::new();
    let s = g.scan(items());
    let a = g
        .aggregate(s, &["name"], &["count(*)", "sum(qty) as q"])
        .unwrap();
    assert!(g.explain(a).unwrap().starts_with("Aggregate"));
}

//! Expression semantics inside dataflow strings (§8): SQL typing, three-valued logic, null
//! propagation, functions and casts, checked end to end through `map`/`filter`.
#[path = "dataflow/common.rs"]
mod common;

use common::{dump, items};
use theta::dataflow::column::Column;
use theta::dataflow::engine::Dag;
use theta::dataflow::memory::MemoryBudget;
use theta::dataflow::table::Table;

/// Evaluates each expression over `t` as a projected column and returns the dump.
fn eval(t: Table, exprs: &[&str]) -> String {
    let mut g = Dag::new();
    let s = g.scan(t);
    let items: Vec<String> = exprs
        .iter()
        .enumerate()
        .map(|(i, e)| format!("{e} as c{i}"))
        .collect();
    let p = g.project(s, &items).unwrap_or_else(|e| panic!("{e}"));
    dump(&g.materialize(p, &MemoryBudget::unlimited()).unwrap())
}

fn bools() -> Table {
    // Every combination of true/false/null for a and b.
    let v = [Some(true), Some(false), None];
    let mut a = Vec::new();
    let mut b = Vec::new();
    for x in v {
        for y in v {
            a.push(x);
            b.push(y);
        }
    }
    Table::from_columns(vec![
        ("a", Column::from_bools(&a)),
        ("b", Column::from_bools(&b)),
    ])
    .unwrap()
}

#[test]
fn three_valued_logic() {
    assert_eq!(
        eval(
            bools(),
            &[
                "a and b",
                "a or b",
                "not a",
                "a && b || !b",
                "a is null",
                "b is not null"
            ]
        ),
        "c0 bool | c1 bool | c2 bool | c3 bool | c4 bool | c5 bool\n\
         true | true | false | true | false | true\n\
         false | true | false | true | false | true\n\
         null | true | false | null | false | false\n\
         false | true | true | false | false | true\n\
         false | false | true | true | false | true\n\
         false | null | true | null | false | false\n\
         null | true | null | null | true | true\n\
         false | null | null | true | true | true\n\
         null | null | null | null | true | false\n"
    );
}

#[test]
fn typing_promotes_and_integer_division_truncates() {
    let t = Table::from_columns(vec![
        ("a", Column::from_values(&[7i32, -7, 7, i32::MAX])),
        ("b", Column::from_values(&[2i8, 2, 0, 1])),
        ("f", Column::from_values(&[0.5f32, 1.0, 2.0, 0.0])),
    ])
    .unwrap();
    assert_eq!(
        // `f / 0.0` is NaN or inf (IEEE, as DuckDB); NaN sorts above every number.
        eval(
            t,
            &[
                "a / b",
                "a % b",
                "a + b",
                "a * f",
                "f / 0.0 > 1.0",
                "a + 1",
                "b + 1000"
            ]
        ),
        "c0 i32 | c1 i32 | c2 i32 | c3 f64 | c4 bool | c5 i32 | c6 i64\n\
         3 | 1 | 9 | 3.5 | true | 8 | 1002\n\
         -3 | -1 | -5 | -7.0 | true | -6 | 1002\n\
         null | null | 7 | 14.0 | true | 8 | 1000\n\
         2147483647 | 0 | -2147483648 | 0.0 | true | -2147483648 | 1001\n"
    );
}

#[test]
fn null_propagates_through_operators_and_functions() {
    assert_eq!(
        eval(
            items(),
            &[
                "price + qty",
                "-qty",
                "abs(price - 2)",
                "coalesce(price, qty, 0)",
                "concat(name, '!', qty)"
            ]
        ),
        "c0 f64 | c1 i32 | c2 f64 | c3 f64 | c4 string\n\
         11.5 | -10 | 0.5 | 1.5 | 'apple!10'\n\
         20.25 | -20 | 1.75 | 0.25 | 'banana!20'\n\
         null | -5 | null | 5.0 | 'cherry!5'\n\
         11.0 | -1 | 8.0 | 10.0 | '!1'\n\
         null | null | 1.0 | 3.0 | 'élan!'\n\
         6.5 | -4 | 0.5 | 2.5 | 'apple!4'\n"
    );
}

#[test]
fn predicates_between_in_like_case() {
    assert_eq!(
        eval(
            items(),
            &[
                "qty between 4 and 10",
                "id in (1, 3, 5)",
                "name like 'a%e'",
                "name not like '%an%'",
                "case when qty > 5 then 'many' when qty > 2 then 'some' else 'few' end",
                "case when price > 2 then price end",
            ]
        ),
        "c0 bool | c1 bool | c2 bool | c3 bool | c4 string | c5 f64\n\
         true | true | true | true | 'many' | null\n\
         false | false | false | false | 'many' | null\n\
         true | true | false | true | 'some' | null\n\
         false | false | null | null | 'few' | 10.0\n\
         null | true | false | false | 'few' | 3.0\n\
         true | false | true | true | 'some' | 2.5\n"
    );
}

#[test]
fn text_and_date_functions() {
    assert_eq!(
        eval(
            items(),
            &[
                "length(name)",
                "upper(name)",
                "substr(name, 2, 3)",
                "substr(name, -2, 5)",
                "year(d)",
                "month(d)",
                "day(d)"
            ]
        ),
        "c0 i64 | c1 string | c2 string | c3 string | c4 i64 | c5 i64 | c6 i64\n\
         5 | 'APPLE' | 'ppl' | 'le' | 2024 | 1 | 15\n\
         6 | 'BANANA' | 'ana' | 'na' | 2023 | 12 | 31\n\
         6 | 'CHERRY' | 'her' | 'ry' | 2024 | 2 | 29\n\
         null | null | null | null | null | null | null\n\
         4 | 'ÉLAN' | 'lan' | 'an' | null | null | null\n\
         5 | 'APPLE' | 'ppl' | 'le' | 2024 | 1 | 1\n"
    );
}

#[test]
fn numeric_functions_and_casts() {
    let t = Table::from_columns(vec![
        (
            "x",
            Column::from_values(&[2.5f64, -2.5, 1.25, -0.0, f64::NAN]),
        ),
        (
            "s",
            Column::from_strs(&[Some("12"), Some(" 7 "), Some("x"), None, Some("-3")]),
        ),
    ])
    .unwrap();
    assert_eq!(
        eval(
            t,
            &[
                "round(x)",
                "round(x, 1)",
                "floor(x)",
                "ceil(x)",
                "x as i32",
                "s as i64",
                "sqrt(x)",
                "x as string"
            ]
        ),
        "c0 f64 | c1 f64 | c2 f64 | c3 f64 | c4 i32 | c5 i64 | c6 f64 | c7 string\n\
         3.0 | 2.5 | 2.0 | 3.0 | 2 | 12 | 1.5811388300841898 | '2.5'\n\
         -3.0 | -2.5 | -3.0 | -2.0 | -2 | 7 | null | '-2.5'\n\
         1.0 | 1.3 | 1.0 | 2.0 | 1 | null | 1.118033988749895 | '1.25'\n\
         -0.0 | -0.0 | -0.0 | -0.0 | 0 | null | -0.0 | '-0.0'\n\
         NaN | NaN | NaN | NaN | 0 | -3 | NaN | 'NaN'\n"
    );
}

/// `round(x, d)` rounds the double's exact value: a decimal that only looks like a tie (-3.05 is
/// -3.04999… as a double) rounds by its true value, a real tie (1.25 to 1 digit, 125 and -35 to
/// -1 digits) away from zero. Expected values are DuckDB 2.0's.
#[test]
fn round_with_digits_uses_the_exact_value() {
    let t = Table::from_columns(vec![(
        "x",
        Column::from_values(&[
            -3.05f64, 2.675, 0.15, 1.005, 0.285, 1.25, 125.0, -35.0, 1e300,
        ]),
    )])
    .unwrap();
    assert_eq!(
        eval(t, &["round(x, 1)", "round(x, 2)", "round(x, -1)"]),
        "c0 f64 | c1 f64 | c2 f64\n\
         -3.0 | -3.05 | -0.0\n\
         2.7 | 2.67 | 0.0\n\
         0.1 | 0.15 | 0.0\n\
         1.0 | 1.0 | 0.0\n\
         0.3 | 0.28 | 0.0\n\
         1.3 | 1.25 | 0.0\n\
         125.0 | 125.0 | 130.0\n\
         -35.0 | -35.0 | -40.0\n\
         1e300 | 1e300 | 1e300\n"
    );
}

#[test]
fn quoted_names_and_escaped_strings() {
    let t = Table::from_columns(vec![(
        "odd name",
        Column::from_strs(&[Some("it's"), Some("x")]),
    )])
    .unwrap();
    assert_eq!(
        eval(t, &["\"odd name\" = 'it''s'"]),
        "c0 bool\ntrue\nfalse\n"
    );
}

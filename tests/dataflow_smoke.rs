//! Quick end-to-end checks of the dataflow engine (§8).
#[path = "dataflow/common.rs"]
mod common;

use common::{dump, items};
use theta::dataflow::engine::Dag;
use theta::dataflow::memory::MemoryBudget;

#[test]
fn filter_project_sort() {
    let mut g = Dag::new();
    let s = g.scan(items());
    let f = g.filter(s, "price > 1 and qty is not null").unwrap();
    let p = g
        .project(f, &["id", "price * qty as total", "upper(name) as n"])
        .unwrap();
    let o = g.sort(p, &["total desc"]).unwrap();
    let t = g.materialize(o, &MemoryBudget::unlimited()).unwrap();
    println!("{}", g.explain(o).unwrap());
    assert_eq!(
        dump(&t),
        "id i64 | total f64 | n string\n1 | 15.0 | 'APPLE'\n4 | 10.0 | null\n6 | 10.0 | 'APPLE'\n"
    );
}

//! Saved dataflow plans (`schemas/dataflow.fbs`, §8): a plan saved with `Dag::save_plan` and
//! loaded with `Dag::load_plan` materializes the same table and explains identically; every node
//! is re-validated as the §8 built-ins do; corrupt input gives a clear error, never a panic.
#[path = "dataflow/common.rs"]
mod common;

use common::{dump, items};
use theta::dataflow::column::Column;
use theta::dataflow::engine::{Dag, NodeId};
use theta::dataflow::memory::MemoryBudget;
use theta::dataflow::plan_io::PLAN_VERSION;
use theta::dataflow::table::Table;
use theta::generated::dataflow_generated::theta::dataflow as fb;

fn orders() -> Table {
    Table::from_columns(vec![
        ("oid", Column::from_values(&[1i64, 2, 3, 4])),
        ("id", Column::from_values(&[1i64, 1, 2, 9])),
        ("amount", Column::from_values(&[5.0f64, 7.0, 1.0, 2.0])),
    ])
    .unwrap()
}

/// A plan using every node kind: scans (one table twice), filter, map, project, join, aggregate,
/// sort, limit, distinct, union and union_all.
fn big_plan(g: &mut Dag) -> NodeId {
    let s = g.scan(items());
    let o = g.scan(orders());
    let f = g.filter(s, "qty > 2 and name is not null").unwrap();
    let m = g
        .map(f, &["price * 2 as p2", "upper(name) as name"])
        .unwrap();
    let j = g.join(m, o, "id = id_right", "left").unwrap();
    let a = g
        .aggregate(j, &["name"], &["sum(amount) as total", "count(*) as n"])
        .unwrap();
    let srt = g.sort(a, &["total desc nulls last", "name"]).unwrap();
    let l = g.limit(srt, 10, 0).unwrap();
    let p = g.project(l, &["name", "n"]).unwrap();
    let p2 = g.project(p, &["name", "n + 0 as n"]).unwrap();
    let u = g.union_all(p, p2).unwrap();
    let d = g.distinct(u).unwrap();
    let u2 = g.union(d, p).unwrap();
    g.limit(u2, 100, 1).unwrap()
}

fn run(g: &Dag, n: NodeId) -> String {
    dump(&g.materialize(n, &MemoryBudget::unlimited()).unwrap())
}

#[test]
fn a_reloaded_plan_materializes_and_explains_identically() {
    let mut g = Dag::new();
    let root = big_plan(&mut g);
    let bytes = g.save_plan(root).unwrap();
    assert_eq!(&bytes[4..8], b"THDF");
    // Into a fresh graph and into one that already has nodes.
    let mut fresh = Dag::new();
    let back = fresh.load_plan(&bytes).unwrap();
    assert_eq!(fresh.explain(back).unwrap(), g.explain(root).unwrap());
    assert_eq!(run(&fresh, back), run(&g, root));
    assert_eq!(fresh.schema(back).unwrap(), g.schema(root).unwrap());
    let mut busy = Dag::new();
    busy.scan(orders());
    let back2 = busy.load_plan(&bytes).unwrap();
    assert_eq!(busy.explain(back2).unwrap(), g.explain(root).unwrap());
    assert_eq!(run(&busy, back2), run(&g, root));
    // Saving the reloaded plan gives the same bytes (deterministic).
    assert_eq!(fresh.save_plan(back).unwrap(), bytes);
}

#[test]
fn only_the_nodes_a_plan_depends_on_are_saved() {
    let mut g = Dag::new();
    let s = g.scan(items());
    let _unrelated = g.scan(orders());
    let f = g.filter(s, "id > 2").unwrap();
    let bytes = g.save_plan(f).unwrap();
    let plan = fb::root_as_plan(&bytes).unwrap();
    assert_eq!(plan.nodes().len(), 2);
    assert_eq!(plan.tables().len(), 1);
    assert_eq!(plan.root(), 1);
    assert_eq!(plan.nodes().get(1).expr(), Some("id > 2"));
    let names: Vec<&str> = plan
        .nodes()
        .get(0)
        .columns()
        .iter()
        .map(|c| c.name())
        .collect();
    assert_eq!(names, ["id", "name", "price", "qty", "d"]);
}

#[test]
fn a_table_scanned_twice_is_saved_once_and_stays_one_table() {
    let mut g = Dag::new();
    let t = orders();
    let a = g.scan(t.clone());
    let b = g.scan(t);
    let j = g.join(a, b, "oid = oid_right", "inner").unwrap();
    let bytes = g.save_plan(j).unwrap();
    assert_eq!(fb::root_as_plan(&bytes).unwrap().tables().len(), 1);
    let mut h = Dag::new();
    let back = h.load_plan(&bytes).unwrap();
    assert_eq!(h.explain(back).unwrap(), g.explain(j).unwrap());
    assert_eq!(run(&h, back), run(&g, j));
}

#[test]
fn saving_an_unknown_node_is_an_error() {
    let g = Dag::new();
    let err = g.save_plan(NodeId(3)).unwrap_err().to_string();
    assert!(err.contains("unknown dataflow node #3"), "{err}");
}

/// A plan whose filter string is replaced: built with the generated API directly.
fn plan_with_filter(pred: &str, saved_cols: &[(&str, fb::ColumnType)]) -> Vec<u8> {
    let mut g = Dag::new();
    let s = g.scan(orders());
    let table_bytes = {
        let b = g.save_plan(s).unwrap();
        let p = fb::root_as_plan(&b).unwrap();
        p.tables().get(0).data().bytes().to_vec()
    };
    let mut b = flatbuffers::FlatBufferBuilder::new();
    let mut nodes = Vec::new();
    // Node 0: the scan.
    let scan_cols: Vec<_> = [
        ("oid", fb::ColumnType::I64),
        ("id", fb::ColumnType::I64),
        ("amount", fb::ColumnType::F64),
    ]
    .iter()
    .map(|(n, t)| {
        let name = b.create_string(n);
        fb::OutputColumn::create(
            &mut b,
            &fb::OutputColumnArgs {
                name: Some(name),
                type_: *t,
            },
        )
    })
    .collect();
    let cols = b.create_vector(&scan_cols);
    let inputs = b.create_vector::<u32>(&[]);
    nodes.push(fb::PlanNode::create(
        &mut b,
        &fb::PlanNodeArgs {
            kind: fb::NodeKind::Scan,
            inputs: Some(inputs),
            columns: Some(cols),
            ..Default::default()
        },
    ));
    let filter_cols: Vec<_> = saved_cols
        .iter()
        .map(|(n, t)| {
            let name = b.create_string(n);
            fb::OutputColumn::create(
                &mut b,
                &fb::OutputColumnArgs {
                    name: Some(name),
                    type_: *t,
                },
            )
        })
        .collect();
    let cols = b.create_vector(&filter_cols);
    let inputs = b.create_vector::<u32>(&[0]);
    let expr = b.create_string(pred);
    nodes.push(fb::PlanNode::create(
        &mut b,
        &fb::PlanNodeArgs {
            kind: fb::NodeKind::Filter,
            inputs: Some(inputs),
            expr: Some(expr),
            columns: Some(cols),
            ..Default::default()
        },
    ));
    let data = b.create_vector(&table_bytes);
    let t = fb::SavedTable::create(&mut b, &fb::SavedTableArgs { data: Some(data) });
    let tables = b.create_vector(&[t]);
    let nodes = b.create_vector(&nodes);
    let root = fb::Plan::create(
        &mut b,
        &fb::PlanArgs {
            version: PLAN_VERSION,
            tables: Some(tables),
            nodes: Some(nodes),
            root: 1,
        },
    );
    fb::finish_plan_buffer(&mut b, root);
    b.finished_data().to_vec()
}

const ORDER_COLS: [(&str, fb::ColumnType); 3] = [
    ("oid", fb::ColumnType::I64),
    ("id", fb::ColumnType::I64),
    ("amount", fb::ColumnType::F64),
];

#[test]
fn every_loaded_node_is_revalidated_as_the_builtins_do() {
    // A valid hand-written plan loads.
    let mut g = Dag::new();
    let n = g
        .load_plan(&plan_with_filter("amount > 1.5", &ORDER_COLS))
        .unwrap();
    assert!(run(&g, n).contains("2 | 1 | 7.0"), "{}", run(&g, n));
    // Unknown column, type error and syntax error: the §8 messages, with the node named.
    for (pred, want) in [
        ("nope > 1", "saved plan node #1 (Filter): unknown column"),
        ("amount + 1", "saved plan node #1 (Filter):"),
        ("amount >", "syntax error in filter \"amount >\""),
    ] {
        let err = Dag::new()
            .load_plan(&plan_with_filter(pred, &ORDER_COLS))
            .unwrap_err()
            .to_string();
        assert!(err.contains(want), "{pred}: {err}");
    }
    // A saved schema that differs from what the node really produces.
    let err = Dag::new()
        .load_plan(&plan_with_filter("amount > 1.5", &ORDER_COLS[..2]))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("saved output schema (oid: i64, id: i64) differs from the rebuilt one (oid: i64, id: i64, amount: f64)"),
        "{err}"
    );
}

#[test]
fn a_failed_load_adds_no_nodes() {
    let mut g = Dag::new();
    g.scan(orders());
    assert!(g.load_plan(&plan_with_filter("nope", &ORDER_COLS)).is_err());
    assert_eq!(g.len(), 1);
}

#[test]
fn wrong_identifier_and_versions_are_named() {
    let mut g = Dag::new();
    let s = g.scan(orders());
    let bytes = g.save_plan(s).unwrap();
    let err = Dag::new().load_plan(b"short").unwrap_err().to_string();
    assert!(err.contains("not a saved dataflow plan"), "{err}");
    let mut other = bytes.clone();
    other[4..8].copy_from_slice(b"THBC");
    let err = Dag::new().load_plan(&other).unwrap_err().to_string();
    assert!(err.contains("file identifier is not THDF"), "{err}");
    // Version is Plan field 0: find it through the vtable.
    let root = u32::from_le_bytes(bytes[0..4].try_into().unwrap()) as usize;
    let soff = i32::from_le_bytes(bytes[root..root + 4].try_into().unwrap());
    let vt = (root as i64 - soff as i64) as usize;
    let off = u16::from_le_bytes(bytes[vt + 4..vt + 6].try_into().unwrap()) as usize;
    for (v, word) in [(PLAN_VERSION + 1, "newer"), (0, "older")] {
        let mut b = bytes.clone();
        b[root + off..root + off + 4].copy_from_slice(&v.to_le_bytes());
        let err = Dag::new().load_plan(&b).unwrap_err().to_string();
        assert!(
            err.contains(&format!(
                "saved plan is version {v} (written by a {word} theta)"
            )),
            "{err}"
        );
    }
}

#[test]
fn truncations_and_bit_flips_never_panic_and_mostly_fail_clearly() {
    let mut g = Dag::new();
    let root = big_plan(&mut g);
    let bytes = g.save_plan(root).unwrap();
    let expected = run(&g, root);
    for len in (0..bytes.len()).step_by(7) {
        let err = Dag::new().load_plan(&bytes[..len]).unwrap_err().to_string();
        assert!(
            err.contains("saved plan") || err.contains("not a saved dataflow plan"),
            "truncated to {len}: {err}"
        );
    }
    let mut loaded = 0;
    for i in (0..bytes.len()).step_by(5) {
        for bit in [1u8, 6] {
            let mut b = bytes.clone();
            b[i] ^= 1 << bit;
            let mut h = Dag::new();
            match h.load_plan(&b) {
                // A flip in a table value or an unused byte may still load: then it must run.
                Ok(n) => {
                    loaded += 1;
                    let _ = h.explain(n);
                    let _ = h.materialize(n, &MemoryBudget::unlimited());
                }
                Err(e) => assert!(!e.to_string().is_empty()),
            }
        }
    }
    assert!(loaded < bytes.len(), "most flips must be refused");
    assert_eq!(run(&g, root), expected);
}

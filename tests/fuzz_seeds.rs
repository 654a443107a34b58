//! Writes the committed fuzz seed corpus (`fuzz/seeds/`, see docs/bytecode.md "Fuzzing"): a few
//! real modules for `load_module` and saved plans for `load_plan`. Ignored by default because the
//! seeds follow the compiler's output; regenerate with
//! `cargo test --test fuzz_seeds -- --ignored`.
#[path = "dataflow/common.rs"]
mod common;

use std::path::Path;

use theta::bytecode::load;
use theta::compile::compile_file;
use theta::dataflow::engine::Dag;

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
}

#[test]
#[ignore]
fn write_fuzz_seeds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let modules = root.join("fuzz/seeds/load_module");
    for ex in [
        "hello",
        "fizzbuzz",
        "function_values",
        "recursion",
        "dataflow_tour",
    ] {
        let m = compile_file(&root.join(format!("examples/{ex}.theta")))
            .unwrap_or_else(|e| panic!("{}", e.render()));
        let bytes = m.to_bytes();
        load(&bytes).unwrap_or_else(|e| panic!("{ex}: {e}"));
        write(&modules, &format!("{ex}.thbc"), &bytes);
    }
    let plans = root.join("fuzz/seeds/load_plan");
    let mut g = Dag::new();
    let s = g.scan(common::items());
    let f = g.filter(s, "qty > 2 and name is not null").unwrap();
    let m = g.map(f, &["price * 2 as p2"]).unwrap();
    let a = g
        .aggregate(m, &["name"], &["sum(p2) as t", "count(*)"])
        .unwrap();
    let o = g.sort(a, &["t desc nulls first"]).unwrap();
    let l = g.limit(o, 3, 1).unwrap();
    let j = g.join(l, s, "name = name_right", "semi").unwrap();
    let p = g.project(j, &["name"]).unwrap();
    let u = g.union(p, p).unwrap();
    let d = g.distinct(u).unwrap();
    for (name, n) in [("filter.thdf", f), ("all_kinds.thdf", d)] {
        let bytes = g.save_plan(n).unwrap();
        Dag::new().load_plan(&bytes).unwrap();
        write(&plans, name, &bytes);
    }
}

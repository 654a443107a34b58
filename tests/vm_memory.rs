//! The VM's memory model end to end (docs/architecture.md, "The memory model"): allocating
//! loops run in a bounded footprint, the collector moves payloads and every kind of data
//! survives, `--max-memory` traps with T0008 and exit status 3, the host API stays usable after a
//! memory trap, and `--stats` peak memory counts arena chunks and dataflow tables.

use std::process::Command;

use theta::compile::compile_source;
use theta::vm::{Limits, RunStats, Trap, Value, Vm};

fn vm_for(src: &str) -> Vm {
    let module = match compile_source("t.theta", src) {
        Ok(m) => m,
        Err(e) => panic!("does not compile: {e:?}\n{src}"),
    };
    let mut vm = Vm::new(module).expect("verifies");
    vm.capture_output();
    vm
}

fn run(src: &str, limits: Limits, args: &[&str]) -> (Result<i32, Trap>, String, RunStats) {
    let mut vm = vm_for(src);
    vm.set_limits(limits);
    let r = vm.run_main(args);
    let out = String::from_utf8(vm.take_output()).unwrap();
    (r, out, vm.stats())
}

/// Each iteration allocates strings, an array and structs that die at once; one struct chain
/// of fixed length stays live.
const CHURN: &str = r#"
struct Cell { name: string, vals: i64[], next: Cell[] }
fn main(args: string[]) -> i64 {
    i64 n = parse_i64(args[0]);
    Cell keep = Cell { name: "keep", vals: [1, 2, 3], next: [] };
    i64 total = 0;
    for (i64 i = 0; i < n; i++) {
        string s = "item-" + to_string(i) + "-" + substr("abcdefgh", i % 4, 4);
        Cell c = Cell { name: s, vals: new i64[8], next: [keep] };
        c.vals[i % 8] = i;
        total += len(c.name) + c.vals[i % 8] - i + len(c.next[0].name);
    }
    print(total, keep.name, keep.vals);
    return 0;
}
"#;

#[test]
fn allocating_loops_do_not_grow_memory_with_the_iteration_count() {
    let (r, out_small, small) = run(CHURN, Limits::default(), &["20000"]);
    assert_eq!(r, Ok(0));
    let (r, out_big, big) = run(CHURN, Limits::default(), &["300000"]);
    assert_eq!(r, Ok(0));
    assert!(out_small.ends_with(" keep [1, 2, 3]\n"), "{out_small}");
    assert!(out_big.ends_with(" keep [1, 2, 3]\n"), "{out_big}");
    // 300,000 iterations allocate well over 50 MB; the footprint stays the nursery plus a
    // little, the same as for 20,000 iterations.
    assert!(big.collections > 20, "{big:?}");
    assert!(big.peak_memory < 4 << 20, "{big:?}");
    assert!(
        big.peak_memory <= small.peak_memory + (512 << 10),
        "{small:?} {big:?}"
    );
    assert!(big.peak_live <= big.peak_memory * 2, "{big:?}");
}

#[test]
fn gc_moves_payloads_and_every_kind_of_data_survives() {
    // A graph of structs, nested arrays and strings with cycles, built before a lot of
    // garbage (many collections move it: nursery -> mature -> compacted), then checked.
    let src = r#"
struct Node { id: i64, label: string, kids: Node[], grid: f64[][] }
fn make(id: i64) -> Node {
    f64[][] g = [[1.5 * to_f(id), 2.0], [3.0]];
    return Node { id: id, label: "node" + to_string(id), kids: [], grid: g };
}
fn to_f(x: i64) -> f64 { return x as f64; }
fn main() -> i64 {
    Node[] nodes = new Node[50];
    for (i64 i = 0; i < 50; i++) { nodes[i] = make(i); }
    for (i64 i = 0; i < 50; i++) {
        nodes[i].kids = [nodes[(i + 1) % 50], nodes[i]];
    }
    string junk = "";
    for (i64 r = 0; r < 200000; r++) {
        junk = to_string(r) + "junk" + to_string(r * 3);
        i64[] tmp = [r, r + 1, r + 2];
        if (tmp[2] - tmp[0] != 2) { return 1; }
    }
    i64 sum = 0;
    for (i64 i = 0; i < 50; i++) {
        Node n = nodes[i];
        if (n.label != "node" + to_string(i)) { return 2; }
        if (n.kids[0].id != (i + 1) % 50 || n.kids[1].id != i) { return 3; }
        if (n.kids[0].kids[1].kids[0].kids[1].id != (i + 2) % 50) { return 4; }
        if (n.grid[0][0] != 1.5 * to_f(i) || n.grid[1][0] != 3.0) { return 5; }
        sum += n.id;
    }
    print(sum, junk, nodes[7].label, nodes[49].kids[0].label);
    return 0;
}
"#;
    let (r, out, stats) = run(src, Limits::default(), &[]);
    assert_eq!(r, Ok(0), "{out}");
    assert_eq!(out, "1225 199999junk599997 node7 node0\n");
    assert!(stats.collections > 5, "{stats:?}");
    // The same under a tight limit: the live graph fits, garbage is collected before trapping.
    let (r, out, _) = run(
        src,
        Limits {
            max_memory: Some(200 << 10),
            ..Limits::default()
        },
        &[],
    );
    assert_eq!(r, Ok(0), "{out}");
}

const HOG: &str = r#"
fn hog(n: i64) -> i64 {
    string[] keep = new string[n];
    for (i64 i = 0; i < n; i++) { keep[i] = "x" + to_string(i); }
    return len(keep);
}
fn main() -> i64 { return hog(1000000); }
"#;

#[test]
fn max_memory_traps_and_the_host_api_stays_usable() {
    let mut vm = vm_for(HOG);
    vm.set_limits(Limits {
        max_memory: Some(1 << 20),
        ..Limits::default()
    });
    let t = vm.call("hog", &[Value::I64(1_000_000)]).unwrap_err();
    assert_eq!(t.code(), "T0008");
    assert!(
        t.message.starts_with("memory limit exceeded"),
        "{}",
        t.message
    );
    assert!(t.location.is_some());
    // The live data of the trapped call is garbage now; a smaller call fits.
    assert_eq!(vm.call("hog", &[Value::I64(1000)]), Ok(Value::I64(1000)));
    assert_eq!(vm.call("hog", &[Value::I64(5000)]), Ok(Value::I64(5000)));
    assert!(vm.stats().peak_live <= 1 << 20, "{:?}", vm.stats());
}

#[test]
fn max_memory_on_the_command_line_exits_3_with_t0008() {
    let dir = std::env::temp_dir().join(format!("theta-vm-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("hog.theta");
    std::fs::write(&file, HOG).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_theta"))
        .args(["run", "--max-memory", "1M", "--stats"])
        .arg(&file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("error[T0008]: memory limit exceeded"), "{err}");
    assert!(err.contains("hog"), "stack trace names the function: {err}");
    assert!(
        err.contains("peak memory: ") && err.contains("bytes live)"),
        "{err}"
    );
    // Without the limit it runs.
    let out = Command::new(env!("CARGO_BIN_EXE_theta"))
        .args(["run"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1_000_000 % 256));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn peak_memory_counts_dataflow_tables_and_a_kept_table_outlives_the_vm() {
    let src = r#"
fn big(n: i64) -> table_ref {
    table_builder b = table_builder(["k i64", "v i64"]);
    for (i64 i = 0; i < n; i++) {
        builder_append_i64(b, 0, i);
        builder_append_i64(b, 1, i % 7);
    }
    return builder_finish(b);
}
fn evens(n: i64) -> table_ref { return materialize(filter(big(n), "k % 2 = 0")); }
"#;
    let mut vm = vm_for(src);
    vm.call("evens", &[Value::I64(10)]).unwrap();
    let small = vm.stats();
    let v = vm.call("evens", &[Value::I64(200_000)]).unwrap();
    let stats = vm.stats();
    // Two i64 columns of 200,000 rows were held at once (3.2 MB), besides the heap.
    assert!(
        stats.peak_memory >= 3_200_000 + small.peak_memory / 2,
        "{small:?} {stats:?}"
    );
    assert!(small.peak_memory < 3 << 20, "{small:?}");
    drop(vm);
    let Value::Table(t) = v else {
        panic!("not a table: {v:?}")
    };
    assert_eq!(t.num_rows(), 100_000);
    let k = t.column(0).unwrap().as_i64_slice().unwrap();
    assert_eq!((k[0], k[1], k[99_999]), (0, 2, 199_998));
}

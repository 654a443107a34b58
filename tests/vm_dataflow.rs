//! Theta programs using every §8 dataflow built-in, compiled with `compile_source` and run on
//! the VM with captured output: operators, `materialize`, `explain`, the table getters and their
//! traps, CSV/JSON round trips, the table builder, node-creation errors with their location, and
//! the memory limit (§10 T0008) inside pipeline breakers.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use theta::compile::compile_source;
use theta::vm::{Limits, Trap, TrapKind, Value, Vm};

/// The people table used by most tests (a `fn people() -> table_ref` prelude).
const PEOPLE: &str = r#"
fn people() -> table_ref {
    table_builder b = table_builder(["id i64", "name string", "dept string", "salary f64"]);
    string[] names = ["ada", "bob", "cy", "dee", "eve", "fay"];
    string[] depts = ["eng", "eng", "ops", "ops", "", "eng"];
    f64[] pay = [120.0, 95.5, 70.0, 82.25, 60.0, 101.0];
    for (i64 i = 0; i < len(names); i++) {
        builder_append_i64(b, 0, i + 1);
        builder_append_str(b, 1, names[i]);
        if (depts[i] == "") {
            builder_append_null(b, 2);
        } else {
            builder_append_str(b, 2, depts[i]);
        }
        builder_append_f64(b, 3, pay[i]);
    }
    return builder_finish(b);
}

fn depts() -> table_ref {
    table_builder b = table_builder(["dept string", "floor i64"]);
    builder_append_str(b, 0, "eng");
    builder_append_i64(b, 1, 3);
    builder_append_str(b, 0, "ops");
    builder_append_i64(b, 1, 1);
    builder_append_str(b, 0, "legal");
    builder_append_i64(b, 1, 7);
    return builder_finish(b);
}
"#;

fn vm_for(src: &str) -> Vm {
    let text = format!("{PEOPLE}\n{src}");
    let module = match compile_source("t.theta", &text) {
        Ok(m) => m,
        Err(e) => panic!("does not compile: {e:?}\n{text}"),
    };
    let mut vm = Vm::new(module).expect("verifies");
    vm.capture_output();
    vm
}

fn run_limited(src: &str, limits: Limits) -> (Result<i32, Trap>, String) {
    let mut vm = vm_for(src);
    vm.set_limits(limits);
    let r = vm.run_main(&[]);
    let out = String::from_utf8(vm.take_output()).unwrap();
    (r, out)
}

/// Runs `fn main` and returns its output; panics on a trap.
fn run(src: &str) -> String {
    let (r, out) = run_limited(src, Limits::default());
    if let Err(t) = r {
        panic!("trapped: {t}\noutput so far:\n{out}");
    }
    out
}

/// Runs `fn main`, which must trap; returns the trap.
fn trap(src: &str) -> Trap {
    let (r, out) = run_limited(src, Limits::default());
    r.expect_err(&format!("should trap, printed:\n{out}"))
}

/// A fresh empty directory under the system temp dir.
fn temp_dir() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "theta-vm-dataflow-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn lines(s: &str) -> Vec<&str> {
    s.lines().collect()
}

#[test]
fn scan_and_materialize_print_the_table() {
    let out = run("fn main() { print(materialize(scan(people()))); }");
    assert_eq!(
        lines(&out),
        [
            "id  name  dept  salary",
            "--  ----  ----  ------",
            " 1  ada   eng    120.0",
            " 2  bob   eng     95.5",
            " 3  cy    ops     70.0",
            " 4  dee   ops    82.25",
            " 5  eve   null    60.0",
            " 6  fay   eng    101.0",
        ]
    );
}

#[test]
fn filter_counts_null_as_false() {
    // §8: rows where pred is true; `dept = 'eng'` is null for eve, so she is dropped by both.
    let out = run(r#"fn main() {
        table_ref p = people();
        print(table_row_count(materialize(filter(p, "dept = 'eng'"))));
        print(table_row_count(materialize(filter(p, "not (dept = 'eng')"))));
        print(materialize(filter(p, "salary > 80 and dept is not null")));
    }"#);
    assert_eq!(
        lines(&out),
        [
            "3",
            "2",
            "id  name  dept  salary",
            "--  ----  ----  ------",
            " 1  ada   eng    120.0",
            " 2  bob   eng     95.5",
            " 4  dee   ops    82.25",
            " 6  fay   eng    101.0",
        ]
    );
}

#[test]
fn project_and_map() {
    let out = run(r#"fn main() {
        table_ref p = people();
        print(materialize(project(limit(p, 2), ["name", "salary * 12 as yearly", "id + 1"])));
        print(materialize(map(limit(p, 2), ["upper(name) as name", "salary > 100 as rich"])));
    }"#);
    assert_eq!(
        lines(&out),
        [
            "name  yearly  id + 1",
            "----  ------  ------",
            "ada   1440.0       2",
            "bob   1146.0       3",
            "id  name  dept  salary  rich",
            "--  ----  ----  ------  -----",
            " 1  ADA   eng    120.0  true",
            " 2  BOB   eng     95.5  false",
        ]
    );
}

#[test]
fn join_kinds() {
    let out = run(r#"fn main() {
        node_ref p = project(people(), ["name", "dept"]);
        table_ref d = depts();
        print(materialize(join(p, d, "dept = dept_right")));
        print(materialize(join(p, d, "dept = dept_right", "left")));
        print(materialize(join(p, d, "dept = dept_right", "right")));
        print(materialize(join(p, d, "dept = dept_right", "full")));
        print(materialize(join(p, d, "dept = dept_right", "semi")));
        print(materialize(join(p, d, "dept = dept_right", "anti")));
    }"#);
    let expected = "\
name  dept  dept_right  floor
----  ----  ----------  -----
ada   eng   eng             3
bob   eng   eng             3
cy    ops   ops             1
dee   ops   ops             1
fay   eng   eng             3
name  dept  dept_right  floor
----  ----  ----------  -----
ada   eng   eng             3
bob   eng   eng             3
cy    ops   ops             1
dee   ops   ops             1
eve   null  null         null
fay   eng   eng             3
name  dept  dept_right  floor
----  ----  ----------  -----
ada   eng   eng             3
bob   eng   eng             3
fay   eng   eng             3
cy    ops   ops             1
dee   ops   ops             1
null  null  legal           7
name  dept  dept_right  floor
----  ----  ----------  -----
ada   eng   eng             3
bob   eng   eng             3
cy    ops   ops             1
dee   ops   ops             1
fay   eng   eng             3
eve   null  null         null
null  null  legal           7
name  dept
----  ----
ada   eng
bob   eng
cy    ops
dee   ops
fay   eng
name  dept
----  ----
eve   null
";
    let mut got: Vec<String> = Vec::new();
    let mut want: Vec<String> = Vec::new();
    // Row order inside a join result is not part of §8: compare each table's rows as a set.
    for (text, acc) in [(out.as_str(), &mut got), (expected, &mut want)] {
        for block in text.split("name  dept").skip(1) {
            let mut rows: Vec<&str> = block.lines().skip(2).collect();
            rows.sort();
            acc.push(rows.join("\n"));
        }
    }
    assert_eq!(got, want, "output:\n{out}");
}

#[test]
fn join_with_residual_and_nested_loop() {
    let out = run(r#"fn main() {
        table_ref p = people();
        table_ref d = depts();
        node_ref j = join(p, d, "dept = dept_right and salary > 100");
        print(materialize(project(sort(j, ["id"]), ["name", "floor"])));
        node_ref nl = join(project(p, ["id"]), project(d, ["floor"]), "id < floor", "semi");
        print(materialize(nl));
    }"#);
    assert_eq!(
        lines(&out),
        [
            "name  floor",
            "----  -----",
            "ada       3",
            "fay       3",
            "id",
            "--",
            " 1",
            " 2",
            " 3",
            " 4",
            " 5",
            " 6",
        ]
    );
}

#[test]
fn join_on_a_name_both_sides_have_pairs_left_with_right() {
    // §8: `dept = dept` compares the left `dept` with the right one (`dept_right`), exactly
    // like `dept = dept_right`; it never compares the left column with itself.
    let src = |on: &str| {
        format!(
            r#"fn main() {{
        node_ref j = join(people(), depts(), "{on}");
        print(table_row_count(materialize(j)));
        print(explain(j));
    }}"#
        )
    };
    let same = run(&src("dept = dept"));
    let explicit = run(&src("dept = dept_right"));
    assert_eq!(same, explicit);
    assert!(
        same.starts_with("5\nHashJoin inner keys=[dept = dept]"),
        "{same}"
    );
}

#[test]
fn aggregate_with_keys_nulls_and_empty_input() {
    let out = run(r#"fn main() {
        table_ref p = people();
        print(materialize(sort(aggregate(p, ["dept"], ["count(*) as n", "sum(salary) as total", "max(name)", "min(id)", "avg(salary) as mean"]), ["dept"])));
        print(materialize(aggregate(p, [], ["count(distinct dept) as depts", "count(dept)", "variance(salary) as var"])));
        node_ref none = filter(p, "salary < 0");
        print(materialize(aggregate(none, [], ["count(*) as n", "sum(salary) as s"])));
        print(table_row_count(materialize(aggregate(none, ["dept"], ["count(*)"]))));
    }"#);
    assert_eq!(
        lines(&out),
        [
            "dept  n   total  max(name)  min(id)    mean",
            "----  -  ------  ---------  -------  ------",
            "eng   3   316.5  fay              1   105.5",
            "ops   2  152.25  dee              3  76.125",
            "null  1    60.0  eve              5    60.0",
            // sample variance of the six salaries (mean 88.125): 2390.21875 / 5
            "depts  count(dept)        var",
            "-----  -----------  ---------",
            "    2            5  478.04375",
            "n     s",
            "-  ----",
            "0  null",
            "0",
        ]
    );
}

#[test]
fn sort_order_with_nulls() {
    let out = run(r#"fn main() {
        node_ref p = project(people(), ["name", "dept"]);
        print(materialize(sort(p, ["dept"])));
        print(materialize(sort(p, ["dept desc", "name desc"])));
        print(materialize(sort(p, ["dept asc nulls first", "name"])));
    }"#);
    let names: Vec<&str> = out
        .lines()
        .filter(|l| !l.starts_with("name") && !l.starts_with("--"))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            // asc: nulls last, stable (input order among equal keys)
            "ada", "bob", "fay", "cy", "dee", "eve", //
            // desc: nulls first
            "eve", "dee", "cy", "fay", "bob", "ada", //
            "eve", "ada", "bob", "fay", "cy", "dee",
        ]
    );
}

#[test]
fn limit_with_and_without_offset() {
    let out = run(r#"fn main() {
        node_ref s = project(sort(people(), ["salary"]), ["name"]);
        print(materialize(limit(s, 2)));
        print(materialize(limit(s, 2, 1)));
        print(table_row_count(materialize(limit(s, 10, 5))), table_row_count(materialize(limit(s, 0))));
    }"#);
    assert_eq!(
        lines(&out),
        [
            "name", "----", "eve", "cy", "name", "----", "cy", "dee", "1 0"
        ]
    );
}

#[test]
fn negative_limit_traps_at_creation() {
    let t = trap(r#"fn main() { node_ref n = limit(people(), -1); }"#);
    assert_eq!(t.kind, TrapKind::Dataflow);
    assert!(t.message.contains("limit"), "{}", t.message);
}

#[test]
fn distinct_union_and_union_all() {
    let out = run(r#"fn main() {
        table_ref p = people();
        print(materialize(sort(distinct(project(p, ["dept"])), ["dept"])));
        node_ref eng = filter(p, "dept = 'eng'");
        node_ref rich = filter(p, "salary >= 100");
        print(table_row_count(materialize(union(eng, rich))), table_row_count(materialize(union_all(eng, rich))));
        print(materialize(union_all(project(limit(p, 1), ["name"]), project(limit(depts(), 1), ["dept as name"]))));
    }"#);
    assert_eq!(
        lines(&out),
        [
            "dept", "----", "eng", "ops", "null", "3 5", "name", "----", "ada", "eng"
        ]
    );
}

#[test]
fn union_of_mismatched_columns_traps() {
    let t = trap(r#"fn main() { node_ref u = union(people(), depts()); }"#);
    assert_eq!(t.kind, TrapKind::Dataflow);
    assert!(t.message.starts_with("union: "), "{}", t.message);
}

#[test]
fn nodes_are_reusable_and_graphs_combine() {
    // One node used by two consumers, and a join of two nodes built from different graphs.
    let out = run(r#"fn main() {
        node_ref eng = filter(people(), "dept = 'eng'");
        node_ref a = project(eng, ["id", "name"]);
        node_ref b = project(filter(people(), "salary > 100"), ["id", "salary"]);
        node_ref j = sort(join(a, b, "id = id_right"), ["id"]);
        print(materialize(j));
        print(table_row_count(materialize(eng)), table_row_count(materialize(union_all(eng, eng))));
    }"#);
    assert_eq!(
        lines(&out),
        [
            "id  name  id_right  salary",
            "--  ----  --------  ------",
            " 1  ada          1   120.0",
            " 6  fay          6   101.0",
            "3 6",
        ]
    );
}

#[test]
fn explain_prints_the_optimised_plan() {
    let out = run(r#"fn main() {
        table_ref p = people();
        print(explain(limit(sort(filter(project(p, ["name", "salary"]), "salary > 90"), ["salary desc"]), 3)));
        print(explain(p));
    }"#);
    assert_eq!(
        lines(&out),
        [
            "TopN count=3 offset=0 by salary desc nulls first",
            "  Project name, salary",
            "    Scan [name, salary] rows=6 filter=(salary > 90.0)",
            "Scan [id, name, dept, salary] rows=6",
        ]
    );
}

#[test]
fn materialize_of_a_table_is_the_table() {
    let out = run(r#"fn main() {
        table_ref p = people();
        table_ref q = materialize(p);
        print(table_row_count(q), table_column_count(q));
        table_ref e = materialize(limit(depts(), 0));
        print(table_row_count(materialize(e)), table_column_count(e));
        print(table_column_count(builder_finish(table_builder(["x i64"]))));
    }"#);
    assert_eq!(lines(&out), ["6 4", "0 2", "1"]);
}

#[test]
fn unknown_column_traps_at_node_creation_with_location() {
    let src = "fn main() {\n    table_ref p = people();\n    node_ref f = filter(p, \"salry > 3\");\n    print(\"not reached\");\n}";
    let (r, out) = run_limited(src, Limits::default());
    let t = r.unwrap_err();
    assert_eq!(out, "");
    assert_eq!(t.kind, TrapKind::Dataflow);
    assert_eq!(t.code(), "T0200");
    assert_eq!(
        t.message,
        "unknown column \"salry\" in filter; available columns: id, name, dept, salary"
    );
    let loc = t.location.clone().expect("located");
    // Line 3 of `src`, after the prelude.
    let prelude = PEOPLE.lines().count() as u32 + 1;
    assert_eq!(loc.line, prelude + 3);
    assert!(t.to_string().contains("at main ("), "{t}");
}

#[test]
fn expression_type_errors_trap_at_creation() {
    for (call, needle) in [
        (r#"filter(people(), "salary + 1")"#, "must be bool"),
        (r#"project(people(), ["nme"])"#, "unknown column \"nme\""),
        (r#"map(people(), ["salary * 'x' as y"])"#, "salary"),
        (
            r#"aggregate(people(), ["dept"], ["sum(nam)"])"#,
            "unknown column \"nam\"",
        ),
        (
            r#"sort(people(), ["salry desc"])"#,
            "unknown column \"salry\"",
        ),
        (
            r#"join(people(), depts(), "dept = flor")"#,
            "unknown column \"flor\"",
        ),
        // Literal kinds and syntax are checked at compile time; computed strings trap at run time.
        (
            r#"join(people(), depts(), "dept = dept_right", e + "sideways")"#,
            "join",
        ),
        (r#"filter(people(), e + "salary > ")"#, "syntax error"),
    ] {
        let t = trap(&format!(
            "fn main() {{ string e = \"\"; node_ref n = {call}; }}"
        ));
        assert_eq!(t.kind, TrapKind::Dataflow, "{call}: {}", t.message);
        assert!(t.message.contains(needle), "{call}: {}", t.message);
        assert!(t.location.is_some(), "{call}");
    }
}

#[test]
fn table_getters_and_their_traps() {
    let out = run(r#"fn main() {
        table_ref t = materialize(sort(join(people(), depts(), "dept = dept_right", "left"), ["id"]));
        i64 name = table_column_index(t, "name");
        print(table_column_count(t), table_column_name(t, 4), name);
        print(table_get_i64(t, 0, 0), table_get_i64(t, 1, 5), table_get_str(t, 2, name), table_get_f64(t, 3, 3));
        print(table_is_null(t, 4, 2), table_is_null(t, 4, 1));
    }"#);
    assert_eq!(
        lines(&out),
        ["6 dept_right 1", "1 3 cy 82.25", "true false"]
    );

    let t = trap(r#"fn main() { i64 x = table_column_index(people(), "wage"); }"#);
    assert_eq!(t.kind, TrapKind::Dataflow);
    assert!(
        t.message.contains("wage") && t.message.contains("id, name, dept, salary"),
        "{}",
        t.message
    );
    let t = trap(r#"fn main() { string s = table_get_str(people(), 0, 0); }"#);
    assert_eq!(t.kind, TrapKind::Dataflow);
    assert!(t.message.contains("holds i64, not string"), "{}", t.message);
    let t = trap(r#"fn main() { f64 x = table_get_f64(people(), 6, 3); }"#);
    assert!(t.message.contains("row 6 is out of range"), "{}", t.message);
    let t = trap(r#"fn main() { bool x = table_is_null(people(), 0, 4); }"#);
    assert!(
        t.message.contains("column 4 is out of range"),
        "{}",
        t.message
    );
    let t = trap(r#"fn main() { string x = table_column_name(people(), -1); }"#);
    assert!(
        t.message.contains("column -1 is out of range"),
        "{}",
        t.message
    );
}

#[test]
fn csv_round_trip() {
    let dir = temp_dir();
    let path = dir.join("people.csv");
    let path = path.to_str().unwrap();
    let out = run(&format!(
        r#"fn main() {{
        write_csv(people(), "{path}");
        table_ref back = read_csv("{path}");
        print(back);
        table_ref typed = read_csv("{path}", ["id i32", "name string", "dept string", "salary f64"]);
        print(table_get_i32(typed, 5, 0), table_is_null(typed, 4, 2));
    }}"#
    ));
    let text = std::fs::read_to_string(dir.join("people.csv")).unwrap();
    assert_eq!(
        text,
        "id,name,dept,salary\n1,ada,eng,120.0\n2,bob,eng,95.5\n3,cy,ops,70.0\n4,dee,ops,82.25\n5,eve,,60.0\n6,fay,eng,101.0\n"
    );
    assert_eq!(
        lines(&out)[..4],
        [
            "id  name  dept  salary",
            "--  ----  ----  ------",
            " 1  ada   eng    120.0",
            " 2  bob   eng     95.5"
        ]
    );
    assert_eq!(lines(&out)[8], "6 true");
}

#[test]
fn json_round_trip() {
    let dir = temp_dir();
    let path = dir.join("people.json");
    let path = path.to_str().unwrap();
    let out = run(&format!(
        r#"fn main() {{
        write_json(materialize(limit(people(), 2, 3)), "{path}");
        table_ref back = read_json("{path}");
        print(back);
    }}"#
    ));
    let text = std::fs::read_to_string(dir.join("people.json")).unwrap();
    assert_eq!(
        text,
        "{\"id\":4,\"name\":\"dee\",\"dept\":\"ops\",\"salary\":82.25}\n{\"id\":5,\"name\":\"eve\",\"dept\":null,\"salary\":60.0}\n"
    );
    assert_eq!(
        lines(&out),
        [
            "id  name  dept  salary",
            "--  ----  ----  ------",
            " 4  dee   ops    82.25",
            " 5  eve   null    60.0"
        ]
    );
}

#[test]
fn missing_files_trap_as_io_errors() {
    let t = trap(r#"fn main() { table_ref t = read_json("/nonexistent/x.json"); }"#);
    assert_eq!(t.kind, TrapKind::Io);
    assert!(t.message.contains("/nonexistent/x.json"), "{}", t.message);
    let t = trap(r#"fn main() { table_ref t = read_csv("/nonexistent/x.csv"); }"#);
    assert_eq!(t.kind, TrapKind::Io);
}

#[test]
fn builder_traps_on_wrong_type_and_can_be_reused() {
    let out = run(r#"fn main() {
        table_builder b = table_builder(["n i64"]);
        builder_append_i64(b, 0, 7);
        table_ref one = builder_finish(b);
        builder_append_i64(b, 0, 8);
        builder_append_i64(b, 0, 9);
        table_ref two = builder_finish(b);
        print(table_row_count(one), table_row_count(two), table_get_i64(two, 1, 0));
    }"#);
    assert_eq!(out, "1 2 9\n");
    let t = trap(
        r#"fn main() {
        table_builder b = table_builder(["n i64"]);
        builder_append_str(b, 0, "x");
    }"#,
    );
    assert_eq!(t.kind, TrapKind::Dataflow);
}

/// A program building a large table, then joining / aggregating it.
const BIG: &str = r#"
fn big(n: i64) -> table_ref {
    table_builder b = table_builder(["k i64", "v i64"]);
    for (i64 i = 0; i < n; i++) {
        builder_append_i64(b, 0, i);
        builder_append_i64(b, 1, i % 7);
    }
    return builder_finish(b);
}
"#;

#[test]
fn memory_limit_traps_in_a_join() {
    // The inputs fit (2 × 20,000 rows × 16 bytes ≈ 640 KB); the join's build state does not.
    let src = format!(
        "{BIG}\nfn main() {{ table_ref a = big(20000); table_ref b = big(20000);\n\
         print(\"built\");\n\
         table_ref j = materialize(join(a, b, \"v = v_right\")); print(table_row_count(j)); }}"
    );
    let limits = Limits {
        max_memory: Some(1_500_000),
        ..Limits::default()
    };
    let (r, out) = run_limited(&src, limits);
    let t = r.expect_err("the join result (57M rows) cannot fit");
    assert_eq!(out, "built\n");
    assert_eq!(t.kind, TrapKind::MemoryLimitExceeded);
    assert_eq!(t.code(), "T0008");
    assert!(
        t.message.starts_with("memory limit exceeded in join")
            || t.message.contains("in materialize"),
        "{}",
        t.message
    );
    assert!(t.location.is_some());
}

#[test]
fn memory_limit_traps_in_an_aggregate() {
    let src = format!(
        "{BIG}\nfn main() {{ table_ref a = big(60000);\n\
         table_ref g = materialize(aggregate(a, [\"k\"], [\"count(*)\", \"sum(v)\", \"count(distinct v)\"])); print(table_row_count(g)); }}"
    );
    let limits = Limits {
        max_memory: Some(2_500_000),
        ..Limits::default()
    };
    let (r, _) = run_limited(&src, limits);
    let t = r.expect_err("60k groups do not fit");
    assert_eq!(t.kind, TrapKind::MemoryLimitExceeded);
    // The aggregate spills its groups to disk; the 60k-row result itself then does not fit.
    assert!(
        t.message.contains("in aggregate") || t.message.contains("in materialize"),
        "{}",
        t.message
    );
    // The same program runs without a limit.
    let (r, out) = run_limited(&src, Limits::default());
    r.unwrap();
    assert_eq!(out, "60000\n");
}

#[test]
fn tables_count_toward_the_heap_limit() {
    // A table that fits alone, plus heap strings that would fit alone, exceed the limit together.
    let src = format!(
        "{BIG}\nfn main() {{ table_ref a = big(50000); print(table_row_count(a));\n\
         string[] s = new string[200000]; print(len(s), table_row_count(a)); }}"
    );
    let limits = Limits {
        max_memory: Some(2_000_000),
        ..Limits::default()
    };
    let (r, out) = run_limited(&src, limits);
    let t = r.expect_err("table + array exceed the limit");
    assert_eq!(out, "50000\n");
    assert_eq!(t.kind, TrapKind::MemoryLimitExceeded);
}

/// Host API: a table returned by `vm.call` is read in place (no copy) and stays valid after the
/// VM is dropped.
#[test]
fn host_reads_returned_table_columns_without_copying() {
    let mut vm = vm_for(
        r#"fn top(n: i64) -> table_ref {
            return materialize(limit(sort(people(), ["salary desc"]), n));
        }"#,
    );
    let v = vm.call("top", &[Value::I64(3)]).unwrap();
    drop(vm);
    let Value::Table(t) = v else {
        panic!("not a table: {v:?}")
    };
    let ids = t.column(0).unwrap().as_i64_slice().unwrap();
    assert_eq!(ids, [1, 6, 2]);
    let pay = t.column(3).unwrap().as_f64_slice().unwrap();
    assert_eq!(pay, [120.0, 101.0, 95.5]);
    // Zero-copy: two views of the same column are the same memory.
    let again = t.column(0).unwrap().as_i64_slice().unwrap();
    assert!(std::ptr::eq(ids.as_ptr(), again.as_ptr()));
}

#[test]
fn aggregate_items_combining_aggregates_compile_and_run() {
    // A literal item combining aggregates passes the compile-time check and runs.
    let out = run(r#"fn main() {
        node_ref a = aggregate(people(), ["dept"], ["max(salary) - min(salary) as spread", "count(*) * 10 as c"]);
        table_ref t = materialize(sort(a, ["dept"]));
        print(t);
    }"#);
    assert_eq!(
        out,
        "dept  spread   c\n----  ------  --\neng     24.5  30\nops    12.25  20\nnull     0.0  10\n"
    );
}

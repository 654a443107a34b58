//! The language contract's own examples, run through the built `theta` binary with the output
//! the contract states (`/work/shared/spec/theta-language.md`, cited as §n). Every code block
//! and every inline example with a stated result is here, completed into a runnable program
//! where the contract shows only a fragment. `tests/spec/geometry.theta` is the module §4
//! imports.

use std::path::PathBuf;
use std::process::Command;

/// One program and what the contract says running it gives.
struct Case {
    /// A short name (also the file name).
    name: &'static str,
    source: &'static str,
    args: &'static [&'static str],
    status: i32,
    stdout: &'static str,
    /// Every line must appear in stderr (empty: stderr must be empty).
    stderr_has: &'static [&'static str],
}

const CASES: &[Case] = &[
    // §4: the declarations example verbatim, plus a `main` using every declaration (§1: the
    // imported module's top-level code runs first, then the entry file's, then `main`).
    Case {
        name: "s4_declarations",
        source: r#"import math;                       // stdlib module: stdlib/math.theta, used as math.gcd(a, b)
import "geometry.theta" as geo;    // file relative to the importing file, used as geo.area(r)

struct Point { x: f64, y: f64 }

const i64 N = 1000;                // compile-time constant: literals and operators on constants
i64 calls = 0;                     // global variable (module-level), visible to every function

fn dist(p: Point, q: Point) -> f64 {
    f64 dx = p.x - q.x;            // locals are declared C-style: TYPE name = expr;
    f64 dy = p.y - q.y;
    return sqrt(dx * dx + dy * dy);
}

print("entry top level", calls);

fn main() -> i64 {
    calls += 1;
    print(dist(Point { x: 0.0, y: 0.0 }, Point { x: 3.0, y: 4.0 }));
    print(math.gcd(12, 18), geo.area(2.0), N, calls);
    return N;
}
"#,
        args: &[],
        status: 1000 % 256,
        stdout: "geometry loaded\nentry top level 0\n5.0\n6 12.566370614359172 1000 1\n",
        stderr_has: &[],
    },
    // §7 printing: every format the contract spells out.
    Case {
        name: "s7_print_formats",
        source: r#"struct Point { x: f64, y: f64 }
print(1.0, 0.1, 1e300, -2.5e-7);
print(0.0 / 0.0, 1.0 / 0.0, -1.0 / 0.0);
print(42, -7, true, false, "text as its bytes");
print([1, 2, 3]);
print(Point { x: 1.0, y: 2.0 });
print(to_string(12), to_string(true), to_string(0.1), to_string(1e300));
print("a", 1, 2.5, true);
print();
"#,
        args: &[],
        status: 0,
        stdout: "1.0 0.1 1e300 -2.5e-7\nNaN inf -inf\n42 -7 true false text as its bytes\n[1, 2, 3]\nPoint { x: 1.0, y: 2.0 }\n12 true 0.1 1e300\na 1 2.5 true\n\n",
        stderr_has: &[],
    },
    // §7: a `table_ref` prints as an aligned text table with a header line.
    Case {
        name: "s7_table_print",
        source: r#"table_builder b = table_builder(["id i64", "name string"]);
builder_append_i64(b, 0, 1);
builder_append_str(b, 1, "apple");
builder_append_i64(b, 0, 22);
builder_append_str(b, 1, "fig");
table_ref t = builder_finish(b);
print(t);
"#,
        args: &[],
        status: 0,
        stdout: "id  name\n--  -----\n 1  apple\n22  fig\n",
        stderr_has: &[],
    },
    // §2 literals and escapes.
    Case {
        name: "s2_literals",
        source: r#"// a line comment
/* a block comment */
print(42, 0xFF, 0b1010, 1_000_000);
print(1.0, 1e9, 2.5e-3, 1.0e+3);
print("tab\tquote\"apostrophe\'backslash\\", len("\0"), len("\u{1F600}"));
"#,
        args: &[],
        status: 0,
        stdout: "42 255 10 1000000\n1.0 1000000000.0 0.0025 1000.0\ntab\tquote\"apostrophe'backslash\\ 1 4\n",
        stderr_has: &[],
    },
    // §2: `.5` is not a float literal; an unknown escape is an error at the escape.
    Case {
        name: "s2_bad_literals",
        source: "f64 x = .5;\nprint(\"\\q\");\n",
        args: &[],
        status: 1,
        stdout: "",
        stderr_has: &[
            "E0009",
            "E0003",
            "s2_bad_literals.theta:1:9",
            "s2_bad_literals.theta:2:8",
        ],
    },
    // §6 integer rules: wrapping, truncating division, remainder sign, MIN / -1, shifts, casts.
    Case {
        name: "s6_integers",
        source: r#"i8 small = -128;
i8 big = 127;
print(small, big + 1, small - 1);
print(7 / 2, -7 / 2, 7 % -2, -7 % 2);
i64 min = -9223372036854775807 - 1;
print(min / -1, min % -1);
i32 m32 = -2147483648;
print(m32 / -1, m32 % -1);
i8 one = 1;
print(1 << 64, 1 << 65, one << 9, -16 >> 2, -1 >> 63);
print(300 as i8, 3.9 as i64, -3.9 as i64, 1e30 as i32, (0.0 / 0.0) as i64, true as i64);
print(9007199254740993 as f64);
i64 x = 3;
print(-x as i64, -x as f64);
print(1 + 2 * 3, 10 - 4 - 3, 1 | 2 ^ 3 & 4, true ? 1 : 2);
"#,
        args: &[],
        status: 0,
        stdout: "-128 -128 127\n3 -3 1 -1\n-9223372036854775808 0\n-2147483648 0\n1 2 2 -4 -1\n44 3 -3 2147483647 0 1\n9007199254740992.0\n-3 -3.0\n7 3 3 1\n",
        stderr_has: &[],
    },
    // §6: `new Point[2]` holds two distinct structs; struct assignment copies the reference;
    // §3: a struct may contain itself through an array.
    Case {
        name: "s6_arrays_structs",
        source: r#"struct Point { x: f64, y: f64 }
struct Tree { kids: Tree[] }
Point[] ps = new Point[2];
ps[0].x = 5.0;
print(ps, len(ps));
Point p = Point { x: 1.0, y: 2.0 };
Point q = p;
q.x = 3.0;
print(p);
Tree t = Tree { kids: [Tree { kids: new Tree[0] }] };
print(len(t.kids), len(t.kids[0].kids));
i64[] a = [1, 2, 3];
print(a[0] + a[2], len(a), new i64[2], new string[1], new bool[1]);
"#,
        args: &[],
        status: 0,
        stdout: "[Point { x: 5.0, y: 0.0 }, Point { x: 0.0, y: 0.0 }] 2\nPoint { x: 3.0, y: 2.0 }\n1 0\n4 3 [0, 0] [\"\"] [false]\n",
        stderr_has: &[],
    },
    // §6: function values, no closures.
    Case {
        name: "s6_function_values",
        source: r#"fn twice(x: i64) -> i64 { return 2 * x; }
fn apply(f: fn(i64) -> i64, x: i64) -> i64 { return f(x); }
fn(i64) -> i64 g = twice;
print(g(4), apply(twice, 5));
"#,
        args: &[],
        status: 0,
        stdout: "8 10\n",
        stderr_has: &[],
    },
    // §1: `main(args)` receives the arguments after the script; its status is taken mod 256.
    Case {
        name: "s1_main_args",
        source: r#"fn main(args: string[]) -> i32 {
    print(args);
    return 256 + len(args) as i32;
}
"#,
        args: &["one", "two words"],
        status: 2,
        stdout: "[\"one\", \"two words\"]\n",
        stderr_has: &[],
    },
    // §10: a trap prints `error[Txxx]: message`, the location and a stack trace, status 3.
    Case {
        name: "s10_trap",
        source: r#"fn divide(a: i64, b: i64) -> i64 {
    return a / b;
}
fn main() {
    print("before");
    print(divide(1, 0));
}
"#,
        args: &[],
        status: 3,
        stdout: "before\n",
        stderr_has: &[
            "error[T0001]: division by zero",
            "s10_trap.theta:2:",
            "divide",
            "main",
        ],
    },
    // §7: `assert` traps with its message.
    Case {
        name: "s7_assert",
        source: "assert(1 + 1 == 2, \"fine\");\nassert(1 > 2, \"one is not above two\");\n",
        args: &[],
        status: 3,
        stdout: "",
        stderr_has: &["error[T0006]", "one is not above two"],
    },
    // §10: compile errors: every error of the file, with code, file, line and column; status 1.
    Case {
        name: "s10_compile_errors",
        source: "i64 x = \"text\";\nprint(undefined_name);\n",
        args: &[],
        status: 1,
        stdout: "",
        stderr_has: &[
            "E0104",
            "E0100",
            "s10_compile_errors.theta:1:9",
            "s10_compile_errors.theta:2:7",
        ],
    },
    // §8: aggregate without keys gives one row, also on empty input; `sum` of no values is
    // null, `count` of no values is 0.
    Case {
        name: "s8_empty_aggregate",
        source: r#"table_builder b = table_builder(["x i64"]);
builder_append_i64(b, 0, 5);
table_ref t = builder_finish(b);
table_ref r = materialize(aggregate(filter(t, "x > 10"), [], ["count(*)", "count(x)", "sum(x) as s"]));
print(table_row_count(r), table_get_i64(r, 0, 0), table_get_i64(r, 0, 1), table_is_null(r, 0, 2));
print(table_column_name(r, 0), table_column_name(r, 2));
"#,
        args: &[],
        status: 0,
        stdout: "1 0 0 true\ncount(*) s\n",
        stderr_has: &[],
    },
];

/// A fresh directory holding `geometry.theta` for the §4 import.
fn work_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("theta-spec-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        root.join("tests/spec/geometry.theta"),
        dir.join("geometry.theta"),
    )
    .unwrap();
    dir
}

#[test]
fn spec_examples_give_the_stated_output() {
    let dir = work_dir("source");
    let mut failures = Vec::new();
    for case in CASES {
        let file = format!("{}.theta", case.name);
        std::fs::write(dir.join(&file), case.source).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_theta"))
            .current_dir(&dir)
            .arg("run")
            .arg(&file)
            .args(case.args)
            .output()
            .expect("runs theta");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stderr_ok = if case.stderr_has.is_empty() {
            stderr.is_empty()
        } else {
            case.stderr_has.iter().all(|s| stderr.contains(s))
        };
        if out.status.code() != Some(case.status) || stdout != case.stdout || !stderr_ok {
            failures.push(format!(
                "{}: status {:?} (want {})\n--- stdout\n{stdout}--- want\n{}--- stderr\n{stderr}",
                case.name,
                out.status.code(),
                case.status,
                case.stdout
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The compiled module of a spec example runs exactly like its source (§9, §10).
#[test]
fn compiled_spec_examples_run_the_same() {
    let dir = work_dir("compiled");
    for case in CASES.iter().filter(|c| c.status != 1) {
        let src = dir.join(format!("{}.theta", case.name));
        std::fs::write(&src, case.source).unwrap();
        let module = dir.join(format!("{}.thbc", case.name));
        let status = Command::new(env!("CARGO_BIN_EXE_thetac"))
            .args([
                "compile",
                src.to_str().unwrap(),
                "-o",
                module.to_str().unwrap(),
            ])
            .status()
            .expect("runs thetac");
        assert!(status.success(), "{}", case.name);
        let out = Command::new(env!("CARGO_BIN_EXE_theta"))
            .current_dir(&dir)
            .arg("run")
            .arg(&module)
            .args(case.args)
            .output()
            .expect("runs theta");
        assert_eq!(out.status.code(), Some(case.status), "{}", case.name);
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            case.stdout,
            "{}",
            case.name
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

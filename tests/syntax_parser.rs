//! Parser tests: AST shapes for precedence and associativity (§6), every statement (§5) and
//! declaration (§4) form, rendered as S-expressions by `theta::syntax::sexpr`.

use theta::source::FileId;
use theta::syntax::ast::{Item, StmtKind};
use theta::syntax::{parse_source, sexpr};

/// Parses `src` as a file; panics on any diagnostic.
fn unit(src: &str) -> String {
    let (u, diags) = parse_source(FileId(0), src);
    assert!(diags.is_empty(), "diagnostics for {src:?}: {diags:#?}");
    sexpr::unit(&u).trim_end().to_owned()
}

/// Parses one expression (as the initialiser of a global).
fn expr(src: &str) -> String {
    let (u, diags) = parse_source(FileId(0), &format!("i64 v = {src};"));
    assert!(diags.is_empty(), "diagnostics for {src:?}: {diags:#?}");
    match &u.items[..] {
        [Item::Global(v)] => sexpr::expr(&v.init),
        other => panic!("not one global: {other:?}"),
    }
}

/// Parses statements inside a function body.
fn body(src: &str) -> String {
    let out = unit(&format!("fn f() {{ {src} }}"));
    out.strip_prefix("(fn f () void {")
        .and_then(|s| s.strip_suffix("})"))
        .expect("fn shape")
        .to_owned()
}

#[test]
fn arithmetic_precedence() {
    assert_eq!(expr("1 + 2 * 3"), "(+ 1 (* 2 3))");
    assert_eq!(expr("1 * 2 + 3"), "(+ (* 1 2) 3)");
    assert_eq!(expr("(1 + 2) * 3"), "(* (+ 1 2) 3)");
    assert_eq!(expr("a % b / c"), "(/ (% a b) c)");
}

#[test]
fn binary_operators_are_left_associative() {
    assert_eq!(expr("a - b - c"), "(- (- a b) c)");
    assert_eq!(expr("a / b / c"), "(/ (/ a b) c)");
    assert_eq!(expr("a << b >> c"), "(>> (<< a b) c)");
    assert_eq!(expr("a || b || c"), "(|| (|| a b) c)");
}

#[test]
fn full_precedence_ladder() {
    // Lowest first: ?: || && | ^ & == != < <= > >= << >> + - * / % as unary postfix.
    assert_eq!(expr("a || b && c"), "(|| a (&& b c))");
    assert_eq!(expr("a && b | c"), "(&& a (| b c))");
    assert_eq!(expr("a | b ^ c"), "(| a (^ b c))");
    assert_eq!(expr("a ^ b & c"), "(^ a (& b c))");
    assert_eq!(expr("a & b == c"), "(& a (== b c))");
    assert_eq!(expr("a == b < c"), "(== a (< b c))");
    assert_eq!(expr("a < b << c"), "(< a (<< b c))");
    assert_eq!(expr("a << b + c"), "(<< a (+ b c))");
    assert_eq!(expr("a + b * c"), "(+ a (* b c))");
    assert_eq!(expr("a < b == c < d"), "(== (< a b) (< c d))");
    assert_eq!(expr("a != b >= c"), "(!= a (>= b c))");
    assert_eq!(expr("a <= b > c"), "(> (<= a b) c)");
}

#[test]
fn casts_bind_between_multiplication_and_unary() {
    assert_eq!(expr("-x as i64"), "(as (- x) i64)");
    assert_eq!(expr("a * b as f64"), "(* a (as b f64))");
    assert_eq!(expr("x as i32 as i64"), "(as (as x i32) i64)");
    assert_eq!(expr("!a.b"), "(! (. a b))");
    assert_eq!(expr("~f(x)[0]"), "(~ (index (call f x) 0))");
    assert_eq!(expr("- -x"), "(- (- x))");
    assert_eq!(expr("x as fn(i64) -> i64"), "(as x (fn (i64) i64))");
}

#[test]
fn ternary_is_lowest_and_nests_right() {
    assert_eq!(expr("x ? y : z ? w : v"), "(? x y (? z w v))");
    assert_eq!(expr("a || b ? c + 1 : d"), "(? (|| a b) (+ c 1) d)");
    assert_eq!(expr("a ? b ? c : d : e"), "(? a (? b c d) e)");
}

#[test]
fn postfix_chains() {
    assert_eq!(expr("a.b.c"), "(. (. a b) c)");
    assert_eq!(expr("f(1)(2)"), "(call (call f 1) 2)");
    assert_eq!(expr("m[i][j]"), "(index (index m i) j)");
    assert_eq!(expr("math.gcd(a, b)"), "(call (. math gcd) a b)");
    assert_eq!(expr("ps[0].x"), "(. (index ps 0) x)");
    assert_eq!(expr("f()"), "(call f)");
    assert_eq!(expr("f(a, b,)"), "(call f a b)");
}

#[test]
fn literals_and_constructors() {
    assert_eq!(expr("[1, 2, 3]"), "[1 2 3]");
    assert_eq!(expr("[]"), "[]");
    assert_eq!(expr("[[1], [2, 3],]"), "[[1] [2 3]]");
    assert_eq!(
        expr("Point { x: 1.0, y: 2.0 }"),
        "(new-struct Point (x 1.0) (y 2.0))"
    );
    assert_eq!(
        expr("geo.Point { x: 1.0 }"),
        "(new-struct geo.Point (x 1.0))"
    );
    assert_eq!(expr("Empty {}"), "(new-struct Empty)");
    assert_eq!(
        expr("Point { x: 1.0 }.x"),
        "(. (new-struct Point (x 1.0)) x)"
    );
    assert_eq!(expr("new i64[n + 1]"), "(new-array i64 (+ n 1))");
    assert_eq!(expr("new Point[2]"), "(new-array Point 2)");
    assert_eq!(expr("new geo.Point[2]"), "(new-array geo.Point 2)");
    assert_eq!(expr("new i64[][3]"), "(new-array (array i64) 3)");
    assert_eq!(
        expr("new (fn(i64) -> i64)[3]"),
        "(new-array (fn (i64) i64) 3)"
    );
    assert_eq!(expr("new i64[3][0]"), "(index (new-array i64 3) 0)");
    assert_eq!(expr("true && false"), "(&& true false)");
    assert_eq!(expr("\"a\\n\""), "\"a\\n\"");
}

#[test]
fn types() {
    assert_eq!(
        unit("fn(i64) -> i64[] f = g;"),
        "(global (fn (i64) (array i64)) f g)"
    );
    assert_eq!(
        unit("(fn(i64) -> i64)[] f = [g];"),
        "(global (array (fn (i64) i64)) f [g])"
    );
    assert_eq!(
        unit("fn(i64)[] f = [g];"),
        "(global (array (fn (i64) void)) f [g])"
    );
    assert_eq!(unit("fn() g = h;"), "(global (fn () void) g h)");
    assert_eq!(
        unit("fn(fn(i64), string) -> fn() -> bool g = h;"),
        "(global (fn ((fn (i64) void) string) (fn () bool)) g h)"
    );
    assert_eq!(unit("table_ref t = x;"), "(global table_ref t x)");
    assert_eq!(unit("node_ref[] t = x;"), "(global (array node_ref) t x)");
    assert_eq!(unit("table_builder b = x;"), "(global table_builder b x)");
    assert_eq!(
        unit("geo.Point[][] p = x;"),
        "(global (array (array geo.Point)) p x)"
    );
    assert_eq!(unit("const f64 PI = 3.14;"), "(const f64 PI 3.14)");
    assert_eq!(
        unit("const Point[] PS = [];"),
        "(const (array Point) PS [])"
    );
}

#[test]
fn declarations() {
    assert_eq!(unit("import math;"), "(import math)");
    assert_eq!(unit("import math as m;"), "(import math as m)");
    assert_eq!(
        unit("import \"geo.theta\" as geo;"),
        "(import \"geo.theta\" as geo)"
    );
    assert_eq!(
        unit("struct P { x: f64, y: f64 }"),
        "(struct P (x f64) (y f64))"
    );
    assert_eq!(unit("struct E {}"), "(struct E )");
    assert_eq!(
        unit("struct T { kids: T[], }"),
        "(struct T (kids (array T)))"
    );
    assert_eq!(unit("fn f() {}"), "(fn f () void {})");
    assert_eq!(
        unit("fn f(a: i64, b: P[]) -> i64 { return a; }"),
        "(fn f ((a i64) (b (array P))) i64 {(return a)})"
    );
    assert_eq!(
        unit("fn f(g: fn(i64) -> i64) -> fn() {}"),
        "(fn f ((g (fn (i64) i64))) (fn () void) {})"
    );
    assert_eq!(
        unit("fn main(args: string[]) -> i32 { return 0; }"),
        "(fn main ((args (array string))) i32 {(return 0)})"
    );
}

#[test]
fn top_level_declarations_are_globals_and_the_rest_is_script() {
    let (u, d) = parse_source(
        FileId(0),
        "i64 x = 1; x = 2; print(x); { i64 y = 3; } Point p = q;",
    );
    assert!(d.is_empty());
    assert!(matches!(u.items[0], Item::Global(_)));
    assert!(matches!(&u.items[1], Item::Stmt(s) if matches!(s.kind, StmtKind::Assign { .. })));
    assert!(matches!(&u.items[2], Item::Stmt(s) if matches!(s.kind, StmtKind::Expr(_))));
    // A declaration inside a top-level block is a local.
    assert!(matches!(&u.items[3], Item::Stmt(s) if matches!(s.kind, StmtKind::Block(_))));
    assert!(matches!(u.items[4], Item::Global(_)));
}

#[test]
fn statement_forms() {
    assert_eq!(body("i64 x = 1;"), "(let i64 x 1)");
    assert_eq!(body("Point p = q;"), "(let Point p q)");
    assert_eq!(body("geo.Point p = q;"), "(let geo.Point p q)");
    assert_eq!(body("Point[] ps = q;"), "(let (array Point) ps q)");
    assert_eq!(body("x = 1;"), "(= x 1)");
    assert_eq!(body("a[i] = 1;"), "(= (index a i) 1)");
    assert_eq!(body("p.f = 1;"), "(= (. p f) 1)");
    assert_eq!(body("a[i].f[j] = 1;"), "(= (index (. (index a i) f) j) 1)");
    assert_eq!(
        body("x += 1; x -= 1; x *= 1; x /= 1; x %= 1; x &= 1; x |= 1; x ^= 1; x <<= 1; x >>= 1;"),
        "(+= x 1) (-= x 1) (*= x 1) (/= x 1) (%= x 1) (&= x 1) (|= x 1) (^= x 1) (<<= x 1) (>>= x 1)"
    );
    assert_eq!(body("x++; a[0]--;"), "(++ x) (-- (index a 0))");
    assert_eq!(body("f(x);"), "(call f x)");
    assert_eq!(body("{ } { x = 1; }"), "{} {(= x 1)}");
    assert_eq!(
        body("break; continue; return; return 1 + 2;"),
        "(break) (continue) (return) (return (+ 1 2))"
    );
    assert_eq!(body("while (x < 3) { x++; }"), "(while (< x 3) {(++ x)})");
}

#[test]
fn for_loops() {
    assert_eq!(
        body("for (i64 i = 0; i < n; i++) {}"),
        "(for (let i64 i 0) (< i n) (++ i) {})"
    );
    assert_eq!(
        body("for (i = 0; i < n; i += 2) {}"),
        "(for (= i 0) (< i n) (+= i 2) {})"
    );
    assert_eq!(body("for (;;) {}"), "(for _ _ _ {})");
    assert_eq!(
        body("for (Point p = q; ; p.x--) {}"),
        "(for (let Point p q) _ (-- (. p x)) {})"
    );
    assert_eq!(body("for (; x; ) { break; }"), "(for _ x _ {(break)})");
}

#[test]
fn if_else_chains() {
    assert_eq!(body("if (a) {}"), "(if a {})");
    assert_eq!(
        body("if (a) { x = 1; } else { x = 2; }"),
        "(if a {(= x 1)} {(= x 2)})"
    );
    assert_eq!(
        body("if (a) {} else if (b) {} else if (c) {} else { f(); }"),
        "(if a {} (if b {} (if c {} {(call f)})))"
    );
}

#[test]
fn struct_literal_versus_block() {
    // Conditions are parenthesised, so `{` after them always opens the body.
    assert_eq!(body("if (x) { y = 1; }"), "(if x {(= y 1)})");
    assert_eq!(body("while (ok) { }"), "(while ok {})");
    // In expression position `Name {` is a struct literal.
    assert_eq!(body("p = P { a: 1 };"), "(= p (new-struct P (a 1)))");
    assert_eq!(
        body("if (p == P { a: 1 }) { }"),
        "(if (== p (new-struct P (a 1))) {})"
    );
    assert_eq!(body("return P {};"), "(return (new-struct P))");
    // A block statement after a statement is a block.
    assert_eq!(body("x = y; { z = 1; }"), "(= x y) {(= z 1)}");
}

#[test]
fn spans_cover_the_source() {
    let src = "fn f(a: i64) -> i64 {\n  return a + 1;\n}\n";
    let (u, _) = parse_source(FileId(3), src);
    let Item::Function(f) = &u.items[0] else {
        panic!()
    };
    assert_eq!(&src[f.span.range()], src.trim_end());
    assert_eq!(&src[f.sig_span.range()], "fn f(a: i64) -> i64");
    assert_eq!(f.span.file, FileId(3));
    let StmtKind::Return(Some(e)) = &f.body.stmts[0].kind else {
        panic!()
    };
    assert_eq!(&src[e.span.range()], "a + 1");
    assert_eq!(&src[f.body.stmts[0].span.range()], "return a + 1;");
    let theta::syntax::ast::ExprKind::Binary { op_span, .. } = &e.kind else {
        panic!()
    };
    assert_eq!(&src[op_span.range()], "+");
}

#[test]
fn negative_literal_is_neg_of_magnitude() {
    // §6: the checker folds `-` into the literal for the range check.
    assert_eq!(expr("-128"), "(- 128)");
    assert_eq!(expr("-9223372036854775808"), "(- 9223372036854775808)");
}

#[test]
fn empty_and_comment_only_files() {
    assert_eq!(unit(""), "");
    assert_eq!(unit("// nothing\n/* at all */"), "");
}

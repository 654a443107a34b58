//! Snapshots of rendered lexical and syntax diagnostics in a `SOURCE / ERROR` format, one per
//! error code, plus every file of `tests/syntax/errors/` (several errors each).

use theta::diagnostics::render_all;
use theta::source::{SourceFile, SourceMap};
use theta::syntax::parse_source;

/// Parses `src` as `name` and renders the source and its diagnostics.
fn report(name: &str, src: &str) -> String {
    let mut map = SourceMap::new();
    let file = map.add(SourceFile::new(name, src));
    let (_, diags) = parse_source(file, src);
    format!("SOURCE:\n{src}\nERROR:\n{}", render_all(&diags, &map))
}

/// The codes reported for `src`.
fn codes(src: &str) -> Vec<&'static str> {
    let (_, diags) = parse_source(theta::source::FileId(0), src);
    diags.iter().map(|d| d.code).collect()
}

macro_rules! snap {
    ($name:ident, $src:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), report("test.theta", $src));
        }
    };
}

snap!(e0001_stray_character, "i64 x = 1 @ 2;\nprint(x);\n");
snap!(
    e0002_unterminated_string,
    "string s = \"hello;\nprint(s);\n"
);
snap!(e0003_unknown_escape, "print(\"a\\qb\");\n");
snap!(e0004_malformed_unicode_escape, "print(\"\\u1F600\");\n");
snap!(e0005_surrogate_escape, "print(\"\\u{D800}\");\n");
snap!(
    e0006_unterminated_comment,
    "i64 x = 1;\n/* no end\nprint(x);\n"
);
snap!(e0007_integer_too_large, "i64 x = 99999999999999999999;\n");
snap!(e0008_malformed_number, "i64 x = 0x;\ni64 y = 1_;\n");
snap!(e0009_leading_dot_float, "f64 x = .5;\n");
snap!(e0010_float_out_of_range, "f64 x = 1e400;\n");
snap!(
    e0020_missing_semicolon,
    "fn main() {\n    i64 x = 1\n    print(x);\n}\n"
);
snap!(e0020_unexpected_token_in_expression, "i64 x = (1 + );\n");
snap!(
    e0020_if_needs_parentheses,
    "fn f(x: bool) {\n    if x { print(1); }\n}\n"
);
snap!(
    e0020_else_needs_braces,
    "fn f(x: bool) {\n    if (x) { print(1); } else print(2);\n}\n"
);
snap!(e0021_unexpected_eof, "fn main() {\n    print(1);\n");
snap!(e0023_not_a_type, "fn f() {\n    g(1) x = 2;\n}\n");
snap!(e0024_not_a_struct_name, "P p = f(1) { x: 2 };\n");

#[test]
fn e0022_nesting_too_deep() {
    let src = format!("i64 x = {}1{};\n", "(".repeat(300), ")".repeat(300));
    assert_eq!(codes(&src), vec!["E0022"]);
    let src = format!("i64 x = 1{};\n", " + 1".repeat(600));
    assert_eq!(codes(&src), vec!["E0022"]);
    insta::assert_snapshot!(
        "e0022_nesting_too_deep",
        report(
            "test.theta",
            &format!("i64 x = {}1;\n", "-".repeat(0) + &"[".repeat(257))
        )
    );
}

#[test]
fn error_files() {
    insta::glob!("syntax/errors/*.theta", |path| {
        let src = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        insta::assert_snapshot!(report(&name, &src));
    });
}

#[test]
fn stray_characters_do_not_cascade() {
    assert_eq!(codes("i64 x = 1 @ 2;\nprint(x);"), vec!["E0001"]);
    assert_eq!(codes("fn f() {}\n#\nfn g() { print(1); }"), vec!["E0001"]);
    assert_eq!(codes("i64 x = 1;$\nprint(x);"), vec!["E0001"]);
}

#[test]
fn bad_literals_do_not_cascade() {
    assert_eq!(codes("i64 x = 0x;\nprint(x);"), vec!["E0008"]);
    assert_eq!(
        codes("print(\"\\q\", 1e999, .5);"),
        vec!["E0003", "E0010", "E0009"]
    );
}

#[test]
fn several_errors_are_all_reported() {
    let src = "fn f() { i64 x = ; x = 1 2; }\nfn g() { return ) ; }\nstruct S { a i64 }\n";
    assert_eq!(codes(src), vec!["E0020", "E0020", "E0020", "E0020"]);
}

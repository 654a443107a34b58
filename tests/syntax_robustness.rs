//! Bad input never panics (§2, §10): arbitrary bytes, mutated programs, and pathological
//! nesting all give diagnostics, never a crash or a stack overflow.

use proptest::prelude::*;
use theta::source::FileId;
use theta::syntax::{parse_bytes, parse_source};

const PROGRAMS: &[&str] = &[
    include_str!("syntax/full.theta"),
    include_str!("syntax/structs_and_arrays.theta"),
    include_str!("syntax/script.theta"),
];

/// Token texts inserted by the mutation strategy.
const SNIPPETS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ";",
    ",",
    ".",
    "?",
    ":",
    "->",
    "=",
    "+=",
    "++",
    "-",
    "!",
    "as",
    "fn",
    "if",
    "else",
    "for",
    "while",
    "return",
    "struct",
    "new",
    "i64",
    "x",
    "0x",
    "1e",
    ".5",
    "\"",
    "\\",
    "/*",
    "*/",
    "//",
    "\u{0}",
    "\u{FFFD}",
    "é",
    "18446744073709551616",
    "\"\\u{D800}\"",
];

fn codes(src: &str) -> Vec<&'static str> {
    parse_source(FileId(0), src)
        .1
        .iter()
        .map(|d| d.code)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let (text, _, diags) = parse_bytes(FileId(0), &bytes);
        for d in &diags {
            prop_assert!(d.primary.span.end as usize <= text.len());
            prop_assert!(d.primary.span.start <= d.primary.span.end);
        }
    }

    #[test]
    fn mutated_programs_never_panic(
        which in 0..PROGRAMS.len(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<prop::sample::Index>(), any::<u8>()), 1..6),
    ) {
        let mut bytes = PROGRAMS[which].as_bytes().to_vec();
        for (at, op, snippet, byte) in edits {
            let i = at.index(bytes.len() + 1);
            match op {
                0 if i < bytes.len() => bytes[i] ^= byte | 1,
                1 if i < bytes.len() => { bytes.remove(i); }
                _ => {
                    let s = SNIPPETS[snippet.index(SNIPPETS.len())];
                    bytes.splice(i..i, s.bytes());
                }
            }
        }
        let (text, _, diags) = parse_bytes(FileId(0), &bytes);
        for d in &diags {
            prop_assert!(d.primary.span.end as usize <= text.len());
        }
    }
}

#[test]
fn empty_and_whitespace_files() {
    assert!(codes("").is_empty());
    assert!(codes(" \n\t\r\n").is_empty());
}

#[test]
fn one_megabyte_of_open_parens() {
    assert_eq!(codes(&"(".repeat(1 << 20)), vec!["E0022"]);
}

#[test]
fn deep_brackets_and_braces() {
    assert_eq!(codes(&"[".repeat(100_000)), vec!["E0022"]);
    assert_eq!(codes(&"{".repeat(100_000)), vec!["E0022"]);
    let src = format!("fn f() {{{}{}", "{".repeat(100_000), "}".repeat(100_001));
    assert_eq!(codes(&src), vec!["E0022"]);
    // 200 nested blocks are fine.
    let src = format!("fn f() {{{}{}", "{".repeat(200), "}".repeat(201));
    assert!(codes(&src).is_empty());
}

#[test]
fn long_operator_chains_are_limited_not_overflowing() {
    assert_eq!(
        codes(&format!("i64 x = {}1;", "- ".repeat(100_000))),
        vec!["E0022"]
    );
    assert_eq!(
        codes(&format!("bool x = {}b;", "!".repeat(100_000))),
        vec!["E0022"]
    );
    assert_eq!(
        codes(&format!("i64 x = 1{};", " + 1".repeat(100_000))),
        vec!["E0022"]
    );
    assert_eq!(
        codes(&format!("i64 x = a{};", ".b".repeat(100_000))),
        vec!["E0022"]
    );
    assert_eq!(
        codes(&format!("i64 x = f{};", "()".repeat(100_000))),
        vec!["E0022"]
    );
    assert_eq!(
        codes(&format!("i64 x = a{};", "[0]".repeat(100_000))),
        vec!["E0022"]
    );
    assert_eq!(
        codes(&format!("i64{} x = a;", "[]".repeat(100_000))),
        vec!["E0022"]
    );
    assert_eq!(
        codes(&format!("i64 x = a{};", " as i64".repeat(100_000))),
        vec!["E0022"]
    );
    assert_eq!(
        codes(&format!("i64 x = {}0;", "c ? 1 : ".repeat(100_000))),
        vec!["E0022"]
    );
    let chain = format!(
        "fn f() {{ if (a) {{}}{} }}",
        " else if (a) {}".repeat(100_000)
    );
    assert_eq!(codes(&chain), vec!["E0022"]);
    // Moderate chains stay legal.
    assert!(codes(&format!("i64 x = 1{};", " + 1".repeat(300))).is_empty());
    let chain = format!("fn f() {{ if (a) {{}}{} }}", " else if (a) {}".repeat(100));
    assert!(codes(&chain).is_empty());
}

#[test]
fn many_sequential_statements_do_not_count_as_nesting() {
    let body = "if (a) { x = 1; } else { x = 2; }\n".repeat(5_000);
    assert!(codes(&format!("fn f() {{\n{body}}}")).is_empty());
    let fns: String = (0..2_000)
        .map(|i| format!("fn func{i}() {{ g(1 + 2 * 3); }}\n"))
        .collect();
    assert!(codes(&fns).is_empty());
    let calls = "print(a + b * c - d);\n".repeat(10_000);
    assert!(codes(&calls).is_empty());
}

#[test]
fn huge_literals_nul_bytes_and_surrogates() {
    assert_eq!(
        codes(&format!("i64 x = {};", "9".repeat(100_000))),
        vec!["E0007"]
    );
    assert_eq!(
        codes(&format!("f64 x = 1.{};", "5".repeat(100_000))),
        Vec::<&str>::new()
    );
    assert_eq!(
        codes(&format!("string s = \"{}\";", "a".repeat(1 << 20))),
        Vec::<&str>::new()
    );
    assert_eq!(codes("i64 x\0 = 1;"), vec!["E0001"]);
    assert_eq!(codes("string s = \"\0\";"), Vec::<&str>::new());
    assert_eq!(
        codes("string s = \"\\u{D800}\\u{DFFF}\";"),
        vec!["E0005", "E0005"]
    );
}

#[test]
fn invalid_utf8_is_reported_with_spans() {
    let (text, _, diags) = parse_bytes(FileId(0), b"i64 x = 1;\xff\xfe\ni64 y = \"a\xc3\";\n");
    let got: Vec<_> = diags
        .iter()
        .map(|d| (d.code, d.primary.span.start, d.primary.span.end))
        .collect();
    // `\xff\xfe` (two adjacent invalid sequences) give one error; the lone `\xc3` inside the
    // string another.
    assert_eq!(got, vec![("E0011", 10, 16), ("E0011", 27, 30)]);
    assert_eq!(&text[10..13], "\u{FFFD}");
    // The same error as a helper for drivers using `source::decode_utf8`.
    let (decoded, bad) = theta::source::decode_utf8(b"ok\xffno");
    let d = theta::syntax::invalid_utf8_diagnostic(FileId(0), &decoded, bad.unwrap());
    assert_eq!(
        (d.code, d.primary.span.start, d.primary.span.end),
        ("E0011", 2, 5)
    );
}

#[test]
fn binary_garbage() {
    let garbage: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let (_, _, diags) = parse_bytes(FileId(0), &garbage);
    assert!(!diags.is_empty());
}

#[test]
fn trees_just_under_the_limits_are_usable_by_recursive_passes() {
    // Test threads have small stacks: a recursive walk (sexpr) and drop of the deepest trees
    // the limits allow must fit.
    let cases = [
        format!("i64 x = {}1;", "- ".repeat(500)),
        format!("i64 x = {}1{};", "(".repeat(256), ")".repeat(256)),
        format!("i64 x = {}1{};", "-(".repeat(250), ")".repeat(250)),
        format!("i64 x = 1{};", " + 1".repeat(500)),
    ];
    for src in &cases {
        let (unit, diags) = parse_source(FileId(0), src);
        assert!(diags.is_empty(), "{diags:?}");
        assert!(!theta::syntax::sexpr::unit(&unit).is_empty());
    }
}

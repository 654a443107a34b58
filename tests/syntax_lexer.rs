//! Lexer and literal decoding (§2): every escape, number forms, and each lexical error code.

use theta::syntax::{LexErrorKind, Token, tokenize};

fn toks(src: &str) -> Vec<Token<'_>> {
    let (tokens, errors) = tokenize(src, &[]);
    assert!(
        errors.is_empty(),
        "unexpected errors for {src:?}: {errors:?}"
    );
    tokens.into_iter().map(|t| t.1).collect()
}

fn one(src: &str) -> Token<'_> {
    let t = toks(src);
    assert_eq!(t.len(), 1, "{src:?} gave {t:?}");
    t.into_iter().next().unwrap()
}

/// The error kinds and byte ranges reported for `src`.
fn errs(src: &str) -> Vec<(LexErrorKind, std::ops::Range<usize>)> {
    tokenize(src, &[])
        .1
        .into_iter()
        .map(|e| (e.kind, e.span))
        .collect()
}

fn codes(src: &str) -> Vec<&'static str> {
    tokenize(src, &[]).1.iter().map(|e| e.kind.code()).collect()
}

#[test]
fn every_escape_decodes() {
    assert_eq!(
        one(r#""\n\t\r\\\"\'\0""#),
        Token::Str("\n\t\r\\\"'\0".into())
    );
    assert_eq!(one(r#""\u{1F600}""#), Token::Str("😀".into()));
    assert_eq!(
        one(r#""\u{41}\u{e9}\u{10FFFF}""#),
        Token::Str("Aé\u{10FFFF}".into())
    );
    assert_eq!(one(r#""héllo wörld""#), Token::Str("héllo wörld".into()));
    assert_eq!(one(r#""""#), Token::Str(String::new()));
}

#[test]
fn integers_decimal_hex_binary_separators() {
    assert_eq!(one("42"), Token::Int(42));
    assert_eq!(one("0"), Token::Int(0));
    assert_eq!(one("0xFF"), Token::Int(255));
    assert_eq!(one("0Xff"), Token::Int(255));
    assert_eq!(one("0b1010"), Token::Int(10));
    assert_eq!(one("1_000_000"), Token::Int(1_000_000));
    assert_eq!(one("0xFF_FF"), Token::Int(0xFFFF));
    assert_eq!(one("18446744073709551615"), Token::Int(u64::MAX));
    assert_eq!(one("0xFFFFFFFFFFFFFFFF"), Token::Int(u64::MAX));
    assert_eq!(one("007"), Token::Int(7));
}

#[test]
fn floats() {
    assert_eq!(one("1.0"), Token::Float(1.0));
    assert_eq!(one("1e9"), Token::Float(1e9));
    assert_eq!(one("2.5e-3"), Token::Float(2.5e-3));
    assert_eq!(one("1.0e+3"), Token::Float(1.0e3));
    assert_eq!(one("1E2"), Token::Float(100.0));
    assert_eq!(one("1_000.5"), Token::Float(1000.5));
}

#[test]
fn number_followed_by_dot_is_not_a_float() {
    // `1.` without a digit after it is the integer and a `.` (field access syntax).
    assert_eq!(
        toks("1.x"),
        vec![Token::Int(1), Token::Dot, Token::Ident("x")]
    );
    assert_eq!(
        toks("0xE+1"),
        vec![Token::Int(14), Token::Plus, Token::Int(1)]
    );
}

#[test]
fn keywords_and_identifiers() {
    assert_eq!(
        toks("fn table_builder table_ref node_ref string _x x1 i64 if_"),
        vec![
            Token::Fn,
            Token::Ident("table_builder"),
            Token::TableRef,
            Token::NodeRef,
            Token::StringKw,
            Token::Ident("_x"),
            Token::Ident("x1"),
            Token::I64,
            Token::Ident("if_"),
        ]
    );
}

#[test]
fn operators_take_the_longest_match() {
    assert_eq!(
        toks("<<= >>= << >> <= >= -> ++ -- && || += a-=b"),
        vec![
            Token::ShlAssign,
            Token::ShrAssign,
            Token::Shl,
            Token::Shr,
            Token::Le,
            Token::Ge,
            Token::Arrow,
            Token::PlusPlus,
            Token::MinusMinus,
            Token::AndAnd,
            Token::OrOr,
            Token::PlusAssign,
            Token::Ident("a"),
            Token::MinusAssign,
            Token::Ident("b"),
        ]
    );
}

#[test]
fn comments_are_skipped() {
    assert_eq!(
        toks("a // b\n/* c \n d */ e /**/"),
        vec![Token::Ident("a"), Token::Ident("e")]
    );
    // Block comments do not nest (§2): the first `*/` ends it.
    assert_eq!(toks("/* /* */ x"), vec![Token::Ident("x")]);
}

#[test]
fn spans_are_byte_ranges() {
    let (tokens, _) = tokenize("é = \"ü\";", &[]);
    let spans: Vec<_> = tokens.iter().map(|t| (t.0, t.2)).collect();
    // `é` is not an identifier: reported and dropped; the rest keeps byte offsets.
    assert_eq!(spans, vec![(3, 4), (5, 9), (9, 10)]);
}

#[test]
fn e0001_stray_character() {
    assert_eq!(errs("a @ b"), vec![(LexErrorKind::StrayChar('@'), 2..3)]);
    assert_eq!(errs("x\0y"), vec![(LexErrorKind::StrayChar('\0'), 1..2)]);
    // A run of the same character is one error.
    assert_eq!(errs("$$$"), vec![(LexErrorKind::StrayChar('$'), 0..3)]);
    assert_eq!(codes("#"), vec!["E0001"]);
}

#[test]
fn e0002_unterminated_string() {
    assert_eq!(
        errs("\"abc\nx"),
        vec![(LexErrorKind::UnterminatedString, 0..4)]
    );
    assert_eq!(
        errs("\"abc"),
        vec![(LexErrorKind::UnterminatedString, 0..4)]
    );
    assert_eq!(
        errs("\"abc\\"),
        vec![(LexErrorKind::UnterminatedString, 0..5)]
    );
    // The next line lexes normally.
    let (tokens, _) = tokenize("\"abc\nx", &[]);
    assert_eq!(tokens.last().unwrap().1, Token::Ident("x"));
}

#[test]
fn e0003_unknown_escape_points_at_the_escape() {
    assert_eq!(
        errs(r#""ab\qc""#),
        vec![(LexErrorKind::UnknownEscape('q'), 3..5)]
    );
    assert_eq!(
        errs(r#""\a\é""#),
        vec![
            (LexErrorKind::UnknownEscape('a'), 1..3),
            (LexErrorKind::UnknownEscape('é'), 3..6)
        ]
    );
    assert_eq!(codes(r#""\x41""#), vec!["E0003"]);
    let (tokens, _) = tokenize(r#""\q""#, &[]);
    assert_eq!(tokens[0].1, Token::BadLit);
}

#[test]
fn e0004_malformed_unicode_escape() {
    assert_eq!(
        errs(r#""\u41""#),
        vec![(LexErrorKind::MalformedUnicodeEscape, 1..3)]
    );
    assert_eq!(
        errs(r#""\u{}""#),
        vec![(LexErrorKind::MalformedUnicodeEscape, 1..5)]
    );
    assert_eq!(
        errs(r#""\u{1234567}""#),
        vec![(LexErrorKind::MalformedUnicodeEscape, 1..12)]
    );
    assert_eq!(
        errs(r#""\u{12""#),
        vec![(LexErrorKind::MalformedUnicodeEscape, 1..6)]
    );
}

#[test]
fn e0005_not_a_unicode_scalar() {
    assert_eq!(
        errs(r#""\u{D800}""#),
        vec![(LexErrorKind::InvalidUnicodeScalar(0xD800), 1..9)]
    );
    assert_eq!(
        errs(r#""\u{110000}""#),
        vec![(LexErrorKind::InvalidUnicodeScalar(0x110000), 1..11)]
    );
}

#[test]
fn e0006_unterminated_block_comment() {
    assert_eq!(
        errs("x /* never closed"),
        vec![(LexErrorKind::UnterminatedComment, 2..4)]
    );
}

#[test]
fn e0007_integer_too_large() {
    assert_eq!(
        errs("18446744073709551616"),
        vec![(LexErrorKind::IntTooLarge, 0..20)]
    );
    assert_eq!(codes("0x1_0000_0000_0000_0000"), vec!["E0007"]);
    assert_eq!(
        codes("0b11111111111111111111111111111111111111111111111111111111111111111"),
        vec!["E0007"]
    );
}

#[test]
fn e0008_malformed_numbers() {
    for bad in [
        "0x", "0b", "1e", "1e+", "1_", "1__0", "0x_F", "0b102", "12abc", "0xFG", "1.5x", "1.0_",
    ] {
        assert_eq!(codes(bad), vec!["E0008"], "{bad}");
        let (tokens, _) = tokenize(bad, &[]);
        assert_eq!(
            tokens.len(),
            1,
            "{bad} must be a single bad literal: {tokens:?}"
        );
        assert_eq!(tokens[0].1, Token::BadLit);
    }
}

#[test]
fn e0009_leading_dot_float() {
    assert_eq!(errs("x = .5;"), vec![(LexErrorKind::LeadingDotFloat, 4..6)]);
    assert_eq!(errs(".5e3"), vec![(LexErrorKind::LeadingDotFloat, 0..4)]);
}

#[test]
fn e0010_float_out_of_range() {
    assert_eq!(errs("1e999"), vec![(LexErrorKind::FloatOutOfRange, 0..5)]);
}

#[test]
fn e0011_invalid_utf8_reported_via_replacements() {
    // `parse_bytes` passes the offsets of U+FFFD characters that replaced invalid bytes.
    let text = "a \u{FFFD} \"x\u{FFFD}\"";
    let (_, errors) = tokenize(text, &[2, 8]);
    let got: Vec<_> = errors
        .iter()
        .map(|e| (e.kind.clone(), e.span.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (LexErrorKind::InvalidUtf8, 2..5),
            (LexErrorKind::InvalidUtf8, 8..11)
        ]
    );
    // A genuine U+FFFD outside a string is just a stray character; inside a string it is fine.
    assert_eq!(codes("\u{FFFD}"), vec!["E0001"]);
    assert_eq!(one("\"\u{FFFD}\""), Token::Str("\u{FFFD}".into()));
}

#[test]
fn lexing_continues_after_errors() {
    let (tokens, errors) = tokenize("a @ \"\\q\" 99999999999999999999999 # b", &[]);
    assert_eq!(errors.len(), 4);
    let kinds: Vec<_> = tokens.into_iter().map(|t| t.1).collect();
    assert_eq!(
        kinds,
        vec![
            Token::Ident("a"),
            Token::BadLit,
            Token::BadLit,
            Token::Ident("b")
        ]
    );
}

//! The parser entry points: lexing, the nesting check, the LALRPOP parser, and the one
//! function that maps LALRPOP's errors to [`Diagnostic`]s.

use super::ast::SourceUnit;
use super::depth;
use super::lexer::{self, Token};
use super::literal::{LexError, LexErrorKind};
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};
use lalrpop_util::ParseError;
use std::collections::HashSet;
use std::ops::Range;

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused_parens, dead_code)]
    grammar,
    "/theta.rs"
);

/// Code: a token the grammar does not allow at this point.
pub const UNEXPECTED_TOKEN: &str = "E0020";
/// Code: the file ends in the middle of a construct.
pub const UNEXPECTED_EOF: &str = "E0021";
/// Code: brackets or operators nested too deeply (see [`depth`]).
pub const NESTING_TOO_DEEP: &str = depth::NESTING_TOO_DEEP;
/// Code: a declaration whose type part is not a type (`f(x) y = 1;`).
pub const INVALID_TYPE: &str = "E0023";
/// Code: a struct literal whose head is not `Name` or `alias.Name` (`f(x) { a: 1 }`).
pub const INVALID_STRUCT_NAME: &str = "E0024";

/// Parses one file's text. Never panics; returns the syntax tree (with recovery placeholders
/// dropped) and every lexical and syntax error, in source order.
pub fn parse_source(file: FileId, text: &str) -> (SourceUnit, Vec<Diagnostic>) {
    parse_with_replacements(file, text, &[])
}

/// Decodes raw file bytes and parses them: every invalid UTF-8 sequence is replaced by U+FFFD
/// and reported once (E0011) at its place in the returned text.
pub fn parse_bytes(file: FileId, bytes: &[u8]) -> (String, SourceUnit, Vec<Diagnostic>) {
    let mut text = String::with_capacity(bytes.len());
    let mut replaced = Vec::new();
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            replaced.push(text.len());
            text.push(char::REPLACEMENT_CHARACTER);
        }
    }
    let (unit, diags) = parse_with_replacements(file, &text, &replaced);
    (text, unit, diags)
}

/// The E0011 diagnostic for the invalid bytes `range` reported by
/// [`crate::source::decode_utf8`], located in the decoded `text` (where the bytes became one
/// U+FFFD). Not needed after [`parse_bytes`], which reports them itself.
pub fn invalid_utf8_diagnostic(file: FileId, text: &str, range: Range<usize>) -> Diagnostic {
    let start = range.start.min(text.len());
    let end = text[start..]
        .chars()
        .next()
        .map_or(start, |c| start + c.len_utf8());
    LexError {
        kind: LexErrorKind::InvalidUtf8,
        span: start..end,
    }
    .to_diagnostic(file)
}

/// An error found during parsing, converted to a [`Diagnostic`] once parsing is over (when the
/// token positions needed for good labels are at hand).
pub enum Pending<'a> {
    /// Already a diagnostic (cover-rule errors).
    Ready(Diagnostic),
    /// A LALRPOP error (recovered or final).
    Syntax(ParseError<usize, Token<'a>, LexError>),
}

/// What the error mapper needs to know about the file besides the error itself.
struct ErrorContext<'t> {
    file: FileId,
    text: &'t str,
    /// Start and end of every token, in order.
    spans: Vec<(usize, usize)>,
    /// The innermost bracket still open at end of file, if any.
    unclosed: Option<(usize, usize)>,
}

fn parse_with_replacements(
    file: FileId,
    text: &str,
    replaced: &[usize],
) -> (SourceUnit, Vec<Diagnostic>) {
    let (tokens, lex_errors) = lexer::tokenize(text, replaced);
    // A syntax error right after a dropped character or at the end of a runaway comment is a
    // consequence of the lexical error already reported: do not report it twice.
    let mut quiet: HashSet<usize> = HashSet::new();
    for err in &lex_errors {
        if matches!(
            err.kind,
            LexErrorKind::StrayChar(_)
                | LexErrorKind::InvalidUtf8
                | LexErrorKind::UnterminatedComment
                | LexErrorKind::UnterminatedString
        ) {
            let i = tokens.partition_point(|t| t.0 < err.span.end);
            let next = tokens.get(i).map_or(text.len(), |t| t.0);
            quiet.insert(next);
        }
    }
    let mut diags: Vec<Diagnostic> = lex_errors.iter().map(|e| e.to_diagnostic(file)).collect();
    if let Some(too_deep) = depth::check(file, &tokens) {
        diags.push(too_deep);
        return (SourceUnit::default(), diags);
    }
    let cx = ErrorContext {
        file,
        text,
        spans: tokens.iter().map(|t| (t.0, t.2)).collect(),
        unclosed: unclosed_bracket(&tokens),
    };
    let mut pending = Vec::new();
    let result =
        grammar::SourceUnitParser::new().parse(file, &mut pending, tokens.into_iter().map(Ok));
    let unit = match result {
        Ok(unit) => unit,
        Err(e) => {
            pending.push(Pending::Syntax(e));
            SourceUnit::default()
        }
    };
    for p in pending {
        let d = match p {
            Pending::Ready(d) => d,
            Pending::Syntax(e) => parse_error_diagnostic(&cx, &e),
        };
        let is_syntax = matches!(d.code, UNEXPECTED_TOKEN | UNEXPECTED_EOF);
        if !(is_syntax && quiet.contains(&(d.primary.span.start as usize))) {
            diags.push(d);
        }
    }
    diags.sort_by_key(|d| d.primary.span.start);
    (unit, diags)
}

/// The innermost `(`, `[` or `{` left open at the end of the token stream.
fn unclosed_bracket(tokens: &[lexer::Spanned<'_>]) -> Option<(usize, usize)> {
    let mut open = Vec::new();
    for (l, tok, r) in tokens {
        match tok {
            Token::LParen | Token::LBracket | Token::LBrace => open.push((*l, *r)),
            Token::RParen | Token::RBracket | Token::RBrace => {
                open.pop();
            }
            _ => {}
        }
    }
    open.pop()
}

/// Maps a LALRPOP error to a diagnostic: the one place where parser errors get their codes
/// and wording.
fn parse_error_diagnostic(
    cx: &ErrorContext<'_>,
    err: &ParseError<usize, Token<'_>, LexError>,
) -> Diagnostic {
    let file = cx.file;
    match err {
        ParseError::UnrecognizedToken {
            token: (l, tok, r),
            expected,
        } => {
            let found = tok.describe();
            let span = Span::new(file, *l, *r);
            let Some(list) = expected_list(expected) else {
                return Diagnostic::error(
                    UNEXPECTED_TOKEN,
                    format!("unexpected {found}"),
                    span,
                    "unexpected here",
                );
            };
            let mut d = Diagnostic::error(
                UNEXPECTED_TOKEN,
                format!("expected {list}, found {found}"),
                span,
                format!("expected {list}"),
            );
            // `x = 1` NEWLINE `print(x);`: point at the likely place of the missing `;`.
            if expected.iter().any(|e| e == "\";\"") {
                let i = cx.spans.partition_point(|s| s.0 < *l);
                if let Some(&(_, prev_end)) = i.checked_sub(1).and_then(|i| cx.spans.get(i))
                    && cx
                        .text
                        .get(prev_end..*l)
                        .is_some_and(|gap| gap.contains('\n'))
                {
                    d = d.with_label(
                        Span::new(file, prev_end, prev_end),
                        "`;` may be missing here",
                    );
                }
            }
            d
        }
        ParseError::ExtraToken { token: (l, tok, r) } => Diagnostic::error(
            UNEXPECTED_TOKEN,
            format!("unexpected {}", tok.describe()),
            Span::new(file, *l, *r),
            "unexpected here",
        ),
        ParseError::UnrecognizedEof { location, expected } => {
            let span = Span::new(file, *location, *location);
            let label = expected_list(expected)
                .map_or("the file ends here".to_owned(), |l| format!("expected {l}"));
            let mut d = Diagnostic::error(UNEXPECTED_EOF, "unexpected end of file", span, label);
            if let Some((l, r)) = cx.unclosed {
                d = d.with_label(
                    Span::new(file, l, r),
                    format!("this `{}` is never closed", &cx.text[l..r]),
                );
            }
            d
        }
        ParseError::InvalidToken { location } => Diagnostic::error(
            UNEXPECTED_TOKEN,
            "invalid token",
            Span::new(file, *location, *location + 1),
            "not a token",
        ),
        ParseError::User { error } => error.to_diagnostic(file),
    }
}

/// Tokens that can start an expression, as LALRPOP names them.
const EXPR_START: &[&str] = &[
    "Ident",
    "Int",
    "Float",
    "Str",
    "BadLit",
    "\"(\"",
    "\"[\"",
    "\"-\"",
    "\"!\"",
    "\"~\"",
    "\"new\"",
    "\"true\"",
    "\"false\"",
];
/// Primitive type keywords, as LALRPOP names them.
const TYPE_KW: &[&str] = &[
    "\"i8\"",
    "\"i16\"",
    "\"i32\"",
    "\"i64\"",
    "\"f32\"",
    "\"f64\"",
    "\"bool\"",
    "\"string\"",
    "\"table_ref\"",
    "\"node_ref\"",
];
/// Binary operators: after a complete operand any of them may follow.
const BINARY_OPS: &[&str] = &[
    "\"+\"", "\"-\"", "\"*\"", "\"/\"", "\"%\"", "\"&\"", "\"|\"", "\"^\"", "\"&&\"", "\"||\"",
    "\"==\"", "\"!=\"", "\"<\"", "\"<=\"", "\">\"", "\">=\"", "\"<<\"", "\">>\"",
];
/// Tokens that continue an operand (with [`BINARY_OPS`]): `as`, `?`, and the postfix forms.
const CONTINUATIONS: &[&str] = &["\"as\"", "\"?\"", "\".\"", "\"(\"", "\"[\"", "\"{\""];
/// Keywords that only start items.
const ITEM_KW: &[&str] = &["\"struct\"", "\"const\"", "\"import\""];
/// Keywords that only start statements.
const STMT_KW: &[&str] = &[
    "\"if\"",
    "\"while\"",
    "\"for\"",
    "\"return\"",
    "\"break\"",
    "\"continue\"",
    "\"{\"",
];

/// Renders LALRPOP's expected-terminal list readably: fixed tokens in backticks, token
/// classes by name, and the long lists that start an expression, a type or a statement
/// collapsed into those words. `None` when nothing is expected.
fn expected_list(expected: &[String]) -> Option<String> {
    let has_all = |group: &[&str]| group.iter().all(|g| expected.iter().any(|e| e == g));
    let mut words: Vec<String> = Vec::new();
    let mut hidden: Vec<&str> = vec!["BadLit"];
    let expr = has_all(&EXPR_START[..12]);
    let types = has_all(TYPE_KW);
    if expr && types && has_all(STMT_KW) {
        if has_all(ITEM_KW) {
            words.push("an item or a statement".into());
            hidden.extend(ITEM_KW);
        } else {
            words.push("a statement".into());
        }
        hidden.extend(
            EXPR_START
                .iter()
                .chain(TYPE_KW)
                .chain(STMT_KW)
                .chain(&["\"fn\""]),
        );
    } else if expr {
        words.push("an expression".into());
        hidden.extend(EXPR_START);
    } else if types && expected.iter().any(|e| e == "Ident") {
        words.push("a type".into());
        hidden.extend(TYPE_KW.iter().chain(&["Ident", "\"fn\"", "\"(\""]));
    }
    let operator = has_all(BINARY_OPS);
    if operator {
        hidden.extend(BINARY_OPS.iter().chain(CONTINUATIONS));
    }
    for e in expected {
        if hidden.contains(&e.as_str()) {
            continue;
        }
        words.push(match e.as_str() {
            "Ident" => "an identifier".into(),
            "Int" => "an integer literal".into(),
            "Float" => "a float literal".into(),
            "Str" => "a string literal".into(),
            quoted => format!("`{}`", quoted.trim_matches('"')),
        });
    }
    if operator {
        words.push("an operator".into());
    }
    match words.len() {
        0 => None,
        1 => Some(words.remove(0)),
        2 => Some(format!("{} or {}", words[0], words[1])),
        n => Some(format!(
            "one of {}, or {}",
            words[..n - 1].join(", "),
            words[n - 1]
        )),
    }
}

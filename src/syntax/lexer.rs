//! The logos lexer: tokens of §2 and the operators of §4–§6, literal decoding and lexical errors.
//!
//! Lexing never stops at an error: a bad literal becomes [`Token::BadLit`] (which the parser
//! accepts wherever a literal may stand, so no second error follows), a stray character is
//! reported and dropped, and every error is collected as a [`LexError`] with its own code.

use super::literal::{self, LexError, LexErrorKind};
use logos::{Lexer, Logos, Skip};
use std::fmt;

/// State shared with the logos callbacks: the errors found so far.
#[derive(Debug, Default)]
pub struct LexExtras {
    /// Errors found while decoding literals and comments.
    pub errors: Vec<LexError>,
    /// Sorted offsets of U+FFFD characters that replaced invalid UTF-8 (see [`tokenize`]).
    pub replaced: Vec<usize>,
}

/// A token. Spans are byte ranges supplied alongside (see [`tokenize`]).
#[derive(Logos, Clone, Debug, PartialEq)]
#[logos(extras = LexExtras)]
#[logos(skip r"[ \t\r\n\f]+")]
#[logos(skip(r"//[^\n]*", allow_greedy = true))]
pub enum Token<'a> {
    // ---- keywords (§2) ----
    /// `fn`
    #[token("fn")]
    Fn,
    /// `return`
    #[token("return")]
    Return,
    /// `if`
    #[token("if")]
    If,
    /// `else`
    #[token("else")]
    Else,
    /// `while`
    #[token("while")]
    While,
    /// `for`
    #[token("for")]
    For,
    /// `break`
    #[token("break")]
    Break,
    /// `continue`
    #[token("continue")]
    Continue,
    /// `struct`
    #[token("struct")]
    Struct,
    /// `const`
    #[token("const")]
    Const,
    /// `import`
    #[token("import")]
    Import,
    /// `as`
    #[token("as")]
    As,
    /// `true`
    #[token("true")]
    True,
    /// `false`
    #[token("false")]
    False,
    /// `new`
    #[token("new")]
    New,
    // ---- type keywords (§3) ----
    /// `i8`
    #[token("i8")]
    I8,
    /// `i16`
    #[token("i16")]
    I16,
    /// `i32`
    #[token("i32")]
    I32,
    /// `i64`
    #[token("i64")]
    I64,
    /// `f32`
    #[token("f32")]
    F32,
    /// `f64`
    #[token("f64")]
    F64,
    /// `bool`
    #[token("bool")]
    Bool,
    /// `string`
    #[token("string")]
    StringKw,
    /// `table_ref`
    #[token("table_ref")]
    TableRef,
    /// `node_ref`
    #[token("node_ref")]
    NodeRef,
    // ---- punctuation ----
    /// `(`
    #[token("(")]
    LParen,
    /// `)`
    #[token(")")]
    RParen,
    /// `[`
    #[token("[")]
    LBracket,
    /// `]`
    #[token("]")]
    RBracket,
    /// `{`
    #[token("{")]
    LBrace,
    /// `}`
    #[token("}")]
    RBrace,
    /// `,`
    #[token(",")]
    Comma,
    /// `;`
    #[token(";")]
    Semi,
    /// `:`
    #[token(":")]
    Colon,
    /// `.`
    #[token(".")]
    Dot,
    /// `?`
    #[token("?")]
    Question,
    /// `->`
    #[token("->")]
    Arrow,
    // ---- assignment ----
    /// `=`
    #[token("=")]
    Assign,
    /// `+=`
    #[token("+=")]
    PlusAssign,
    /// `-=`
    #[token("-=")]
    MinusAssign,
    /// `*=`
    #[token("*=")]
    StarAssign,
    /// `/=`
    #[token("/=")]
    SlashAssign,
    /// `%=`
    #[token("%=")]
    PercentAssign,
    /// `&=`
    #[token("&=")]
    AmpAssign,
    /// `|=`
    #[token("|=")]
    PipeAssign,
    /// `^=`
    #[token("^=")]
    CaretAssign,
    /// `<<=`
    #[token("<<=")]
    ShlAssign,
    /// `>>=`
    #[token(">>=")]
    ShrAssign,
    /// `++`
    #[token("++")]
    PlusPlus,
    /// `--`
    #[token("--")]
    MinusMinus,
    // ---- operators ----
    /// `+`
    #[token("+")]
    Plus,
    /// `-`
    #[token("-")]
    Minus,
    /// `*`
    #[token("*")]
    Star,
    /// `/`
    #[token("/")]
    Slash,
    /// `%`
    #[token("%")]
    Percent,
    /// `&`
    #[token("&")]
    Amp,
    /// `|`
    #[token("|")]
    Pipe,
    /// `^`
    #[token("^")]
    Caret,
    /// `~`
    #[token("~")]
    Tilde,
    /// `!`
    #[token("!")]
    Bang,
    /// `&&`
    #[token("&&")]
    AndAnd,
    /// `||`
    #[token("||")]
    OrOr,
    /// `==`
    #[token("==")]
    EqEq,
    /// `!=`
    #[token("!=")]
    NotEq,
    /// `<`
    #[token("<")]
    Lt,
    /// `<=`
    #[token("<=")]
    Le,
    /// `>`
    #[token(">")]
    Gt,
    /// `>=`
    #[token(">=")]
    Ge,
    /// `<<`
    #[token("<<")]
    Shl,
    /// `>>`
    #[token(">>")]
    Shr,
    // ---- names and literals ----
    /// An identifier `[A-Za-z_][A-Za-z0-9_]*` that is not a keyword.
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*", |lex| lex.slice())]
    Ident(&'a str),
    /// An integer literal's magnitude.
    Int(u64),
    /// A float literal.
    Float(f64),
    /// A decoded string literal.
    Str(String),
    /// A literal that did not decode; its error is already reported. The parser turns it into
    /// an error expression so nothing else is reported about it.
    BadLit,
    /// Start of a number: the callback scans and decodes it, producing `Int`, `Float` or
    /// `BadLit`. Never produced itself.
    #[regex(r"[0-9]", lex_number)]
    #[regex(r"\.[0-9]", lex_leading_dot)]
    NumberStart,
    /// Start of a string: the callback scans and decodes it, producing `Str` or `BadLit`.
    /// Never produced itself.
    #[token("\"", lex_string)]
    StrStart,
    /// Start of a block comment: the callback skips it. Never produced.
    #[token("/*", block_comment)]
    CommentStart,
}

fn lex_number<'a>(lex: &mut Lexer<'a, Token<'a>>) -> Token<'a> {
    let start = lex.span().start;
    let len = literal::number_extent(lex.source().as_bytes(), start);
    lex.bump(len - 1);
    match literal::decode_number(lex.slice(), start) {
        Ok(tok) => tok,
        Err(err) => {
            lex.extras.errors.push(err);
            Token::BadLit
        }
    }
}

fn lex_leading_dot<'a>(lex: &mut Lexer<'a, Token<'a>>) -> Token<'a> {
    // `.5` is not a float (§2): consume the whole would-be number so only one error shows.
    let start = lex.span().start;
    let len = literal::number_extent(lex.source().as_bytes(), start + 1);
    lex.bump(len - 1);
    lex.extras.errors.push(LexError {
        kind: LexErrorKind::LeadingDotFloat,
        span: start..lex.span().end,
    });
    Token::BadLit
}

fn lex_string<'a>(lex: &mut Lexer<'a, Token<'a>>) -> Token<'a> {
    let start = lex.span().start;
    let (len, decoded) = literal::decode_string(lex.source(), start, &mut lex.extras);
    lex.bump(len - 1);
    match decoded {
        Some(s) => Token::Str(s),
        None => Token::BadLit,
    }
}

fn block_comment<'a>(lex: &mut Lexer<'a, Token<'a>>) -> Skip {
    let rest = lex.remainder();
    match rest.find("*/") {
        Some(i) => lex.bump(i + 2),
        None => {
            let start = lex.span().start;
            lex.bump(rest.len());
            lex.extras.errors.push(LexError {
                kind: LexErrorKind::UnterminatedComment,
                span: start..start + 2,
            });
        }
    }
    Skip
}

impl Token<'_> {
    /// How the token is named in "expected …" messages (the text in backticks for fixed tokens).
    pub fn describe(&self) -> String {
        match self {
            Token::Ident(name) => format!("identifier `{name}`"),
            Token::Int(_) => "integer literal".into(),
            Token::Float(_) => "float literal".into(),
            Token::Str(_) => "string literal".into(),
            Token::BadLit => "malformed literal".into(),
            other => format!("`{}`", other.text()),
        }
    }

    /// The fixed text of a keyword or punctuation token (`""` for literals and names).
    pub fn text(&self) -> &'static str {
        use Token::*;
        match self {
            Fn => "fn",
            Return => "return",
            If => "if",
            Else => "else",
            While => "while",
            For => "for",
            Break => "break",
            Continue => "continue",
            Struct => "struct",
            Const => "const",
            Import => "import",
            As => "as",
            True => "true",
            False => "false",
            New => "new",
            I8 => "i8",
            I16 => "i16",
            I32 => "i32",
            I64 => "i64",
            F32 => "f32",
            F64 => "f64",
            Bool => "bool",
            StringKw => "string",
            TableRef => "table_ref",
            NodeRef => "node_ref",
            LParen => "(",
            RParen => ")",
            LBracket => "[",
            RBracket => "]",
            LBrace => "{",
            RBrace => "}",
            Comma => ",",
            Semi => ";",
            Colon => ":",
            Dot => ".",
            Question => "?",
            Arrow => "->",
            Assign => "=",
            PlusAssign => "+=",
            MinusAssign => "-=",
            StarAssign => "*=",
            SlashAssign => "/=",
            PercentAssign => "%=",
            AmpAssign => "&=",
            PipeAssign => "|=",
            CaretAssign => "^=",
            ShlAssign => "<<=",
            ShrAssign => ">>=",
            PlusPlus => "++",
            MinusMinus => "--",
            Plus => "+",
            Minus => "-",
            Star => "*",
            Slash => "/",
            Percent => "%",
            Amp => "&",
            Pipe => "|",
            Caret => "^",
            Tilde => "~",
            Bang => "!",
            AndAnd => "&&",
            OrOr => "||",
            EqEq => "==",
            NotEq => "!=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            Shl => "<<",
            Shr => ">>",
            Ident(_) | Int(_) | Float(_) | Str(_) | BadLit | NumberStart | StrStart
            | CommentStart => "",
        }
    }
}

impl fmt::Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// A token with its byte range, as LALRPOP's `extern` block expects.
pub type Spanned<'a> = (usize, Token<'a>, usize);

/// Lexes all of `text`. Returns the tokens and every lexical error, in source order.
/// Stray characters are reported and dropped; `replaced` lists byte offsets of U+FFFD characters
/// that stand for invalid UTF-8 in the original file (reported as such, not as stray).
pub fn tokenize<'a>(text: &'a str, replaced: &[usize]) -> (Vec<Spanned<'a>>, Vec<LexError>) {
    let extras = LexExtras {
        errors: Vec::new(),
        replaced: replaced.to_vec(),
    };
    let mut lex = Token::lexer_with_extras(text, extras);
    let mut tokens = Vec::new();
    let mut stray: Vec<LexError> = Vec::new();
    while let Some(result) = lex.next() {
        let span = lex.span();
        match result {
            Ok(tok) => tokens.push((span.start, tok, span.end)),
            Err(()) => {
                let kind = if replaced.binary_search(&span.start).is_ok() {
                    LexErrorKind::InvalidUtf8
                } else {
                    let ch = text[span.start..].chars().next().unwrap_or('\u{FFFD}');
                    LexErrorKind::StrayChar(ch)
                };
                // Merge runs of the same stray character into one error.
                match stray.last_mut() {
                    Some(last) if last.span.end == span.start && last.kind == kind => {
                        last.span.end = span.end;
                    }
                    _ => stray.push(LexError { kind, span }),
                }
            }
        }
    }
    let mut errors = std::mem::take(&mut lex.extras.errors);
    errors.extend(stray);
    errors.sort_by_key(|e| e.span.start);
    (tokens, errors)
}

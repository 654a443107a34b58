//! Recursive-descent parser for dataflow expression strings (§8) and the item forms built on
//! them (`expr as name`, sort keys, join kinds, schema items).
//!
//! Precedence, lowest first: `or ||` · `and &&` · `not !` · comparisons, `is [not] null`,
//! `[not] between`, `[not] in`, `[not] like` · `+ -` · `* / %` · `e as T` · unary `-` · primary.
//! `as T` binds tighter than `*`, as in §6, so `a + b as f64` is `a + (b as f64)`. Keywords are
//! case-insensitive; a column whose name is a keyword must be written in double quotes.

use std::ops::Range;

use super::ast::*;
use super::lexer::{Tok, Token, tokenize};

const KEYWORDS: [&str; 17] = [
    "and", "or", "not", "is", "null", "between", "in", "like", "case", "when", "then", "else",
    "end", "as", "true", "false", "distinct",
];

/// True when `word` is a reserved keyword of the expression language.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

struct Parser<'a> {
    text: &'a str,
    toks: Vec<Token>,
    pos: usize,
}

type PResult<T> = Result<T, ParseError>;

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> PResult<Self> {
        Ok(Parser {
            text,
            toks: tokenize(text)?,
            pos: 0,
        })
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn peek_at(&self, k: usize) -> Option<&Tok> {
        self.toks.get(self.pos + k).map(|t| &t.tok)
    }

    fn here(&self) -> Range<usize> {
        match self.toks.get(self.pos) {
            Some(t) => t.span.clone(),
            None => self.text.len()..self.text.len(),
        }
    }

    fn prev_end(&self) -> usize {
        if self.pos == 0 {
            0
        } else {
            self.toks[self.pos - 1].span.end
        }
    }

    fn is_kw(&self, kw: &str) -> bool {
        self.is_kw_at(0, kw)
    }

    fn is_kw_at(&self, k: usize, kw: &str) -> bool {
        matches!(self.peek_at(k), Some(Tok::Ident(s)) if s.eq_ignore_ascii_case(kw))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Some(Tok::Punct(q)) if *q == p)
    }

    fn eat_punct(&mut self, p: &str) -> bool {
        if self.is_punct(p) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn describe_here(&self) -> String {
        match self.toks.get(self.pos) {
            Some(t) => format!("`{}`", &self.text[t.span.clone()]),
            None => "end of text".to_string(),
        }
    }

    fn error_expected(&self, what: &str) -> ParseError {
        ParseError::new(
            self.here(),
            format!("expected {what}, found {}", self.describe_here()),
        )
    }

    fn expect_kw(&mut self, kw: &str) -> PResult<()> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.error_expected(&format!("`{kw}`")))
        }
    }

    fn expect_punct(&mut self, p: &str) -> PResult<()> {
        if self.eat_punct(p) {
            Ok(())
        } else {
            Err(self.error_expected(&format!("`{p}`")))
        }
    }

    fn expect_end(&self) -> PResult<()> {
        if self.pos < self.toks.len() {
            Err(ParseError::new(
                self.here(),
                format!(
                    "unexpected {} after the end of the expression",
                    self.describe_here()
                ),
            ))
        } else {
            Ok(())
        }
    }

    fn node(&self, kind: ExprKind, start: usize) -> Expr {
        Expr {
            kind,
            span: start..self.prev_end(),
        }
    }

    fn expr(&mut self) -> PResult<Expr> {
        self.or()
    }

    fn or(&mut self) -> PResult<Expr> {
        let start = self.here().start;
        let mut left = self.and()?;
        while self.eat_kw("or") || self.eat_punct("||") {
            let right = self.and()?;
            left = self.node(
                ExprKind::Binary(BinaryOp::Or, Box::new(left), Box::new(right)),
                start,
            );
        }
        Ok(left)
    }

    fn and(&mut self) -> PResult<Expr> {
        let start = self.here().start;
        let mut left = self.not()?;
        while self.eat_kw("and") || self.eat_punct("&&") {
            let right = self.not()?;
            left = self.node(
                ExprKind::Binary(BinaryOp::And, Box::new(left), Box::new(right)),
                start,
            );
        }
        Ok(left)
    }

    fn not(&mut self) -> PResult<Expr> {
        let start = self.here().start;
        if self.eat_kw("not") || self.eat_punct("!") {
            let inner = self.not()?;
            return Ok(self.node(ExprKind::Unary(UnaryOp::Not, Box::new(inner)), start));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let start = self.here().start;
        let mut left = self.additive()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Punct("=" | "==")) => BinaryOp::Eq,
                Some(Tok::Punct("!=" | "<>")) => BinaryOp::Ne,
                Some(Tok::Punct("<")) => BinaryOp::Lt,
                Some(Tok::Punct("<=")) => BinaryOp::Le,
                Some(Tok::Punct(">")) => BinaryOp::Gt,
                Some(Tok::Punct(">=")) => BinaryOp::Ge,
                _ => {
                    if let Some(e) = self.postfix_predicate(&left, start)? {
                        left = e;
                        continue;
                    }
                    return Ok(left);
                }
            };
            self.pos += 1;
            let right = self.additive()?;
            left = self.node(ExprKind::Binary(op, Box::new(left), Box::new(right)), start);
        }
    }

    /// `is [not] null`, `[not] between`, `[not] in`, `[not] like` after `left`.
    fn postfix_predicate(&mut self, left: &Expr, start: usize) -> PResult<Option<Expr>> {
        if self.eat_kw("is") {
            let negated = self.eat_kw("not");
            self.expect_kw("null")?;
            let kind = ExprKind::IsNull {
                expr: Box::new(left.clone()),
                negated,
            };
            return Ok(Some(self.node(kind, start)));
        }
        let negated = self.is_kw("not")
            && (self.is_kw_at(1, "between") || self.is_kw_at(1, "in") || self.is_kw_at(1, "like"));
        if negated {
            self.pos += 1;
        }
        let expr = Box::new(left.clone());
        let kind = if self.eat_kw("between") {
            let low = Box::new(self.additive()?);
            self.expect_kw("and")?;
            let high = Box::new(self.additive()?);
            ExprKind::Between {
                expr,
                low,
                high,
                negated,
            }
        } else if self.eat_kw("in") {
            self.expect_punct("(")?;
            let mut list = vec![self.expr()?];
            while self.eat_punct(",") {
                list.push(self.expr()?);
            }
            self.expect_punct(")")?;
            ExprKind::InList {
                expr,
                list,
                negated,
            }
        } else if self.eat_kw("like") {
            ExprKind::Like {
                expr,
                pattern: Box::new(self.additive()?),
                negated,
            }
        } else {
            return Ok(None);
        };
        Ok(Some(self.node(kind, start)))
    }

    fn additive(&mut self) -> PResult<Expr> {
        let start = self.here().start;
        let mut left = self.multiplicative()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Punct("+")) => BinaryOp::Add,
                Some(Tok::Punct("-")) => BinaryOp::Sub,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.multiplicative()?;
            left = self.node(ExprKind::Binary(op, Box::new(left), Box::new(right)), start);
        }
    }

    fn multiplicative(&mut self) -> PResult<Expr> {
        let start = self.here().start;
        let mut left = self.cast()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Punct("*")) => BinaryOp::Mul,
                Some(Tok::Punct("/")) => BinaryOp::Div,
                Some(Tok::Punct("%")) => BinaryOp::Rem,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.cast()?;
            left = self.node(ExprKind::Binary(op, Box::new(left), Box::new(right)), start);
        }
    }

    fn cast(&mut self) -> PResult<Expr> {
        let start = self.here().start;
        let mut e = self.unary()?;
        while self.is_kw("as") {
            let Some(Tok::Ident(name)) = self.peek_at(1) else {
                break;
            };
            let Some(to) = TypeName::parse(name) else {
                break;
            };
            self.pos += 2;
            e = self.node(
                ExprKind::Cast {
                    expr: Box::new(e),
                    to,
                },
                start,
            );
        }
        Ok(e)
    }

    fn unary(&mut self) -> PResult<Expr> {
        let start = self.here().start;
        if self.eat_punct("-") {
            // A minus directly before a number literal is part of it (so i64::MIN parses).
            let inner = self.unary()?;
            let kind = match inner.kind {
                ExprKind::Literal(Literal::Int(v)) => {
                    ExprKind::Literal(Literal::Int(v.wrapping_neg()))
                }
                ExprKind::Literal(Literal::Float(v)) => ExprKind::Literal(Literal::Float(-v)),
                other => ExprKind::Unary(
                    UnaryOp::Neg,
                    Box::new(Expr {
                        kind: other,
                        span: inner.span,
                    }),
                ),
            };
            return Ok(self.node(kind, start));
        }
        if self.eat_punct("+") {
            return self.unary();
        }
        self.primary()
    }

    fn primary(&mut self) -> PResult<Expr> {
        let start = self.here().start;
        let Some(tok) = self.peek().cloned() else {
            return Err(self.error_expected("an expression"));
        };
        self.pos += 1;
        let kind = match tok {
            Tok::Int(v) => ExprKind::Literal(Literal::Int(v)),
            Tok::Float(v) => ExprKind::Literal(Literal::Float(v)),
            Tok::Str(s) => ExprKind::Literal(Literal::Str(s)),
            Tok::Quoted(s) => ExprKind::Column(s),
            Tok::Punct("(") => {
                let inner = self.expr()?;
                self.expect_punct(")")?;
                return Ok(Expr {
                    kind: inner.kind,
                    span: start..self.prev_end(),
                });
            }
            Tok::Punct(_) => {
                self.pos -= 1;
                return Err(self.error_expected("an expression"));
            }
            Tok::Ident(word) => match word.to_ascii_lowercase().as_str() {
                "null" => ExprKind::Literal(Literal::Null),
                "true" => ExprKind::Literal(Literal::Bool(true)),
                "false" => ExprKind::Literal(Literal::Bool(false)),
                "case" => self.case_rest()?,
                _ if is_keyword(&word) => {
                    self.pos -= 1;
                    return Err(ParseError::new(
                        self.here(),
                        format!(
                            "expected an expression, found keyword `{word}` (quote a column of \
                             that name: \"{word}\")"
                        ),
                    ));
                }
                _ if self.is_punct("(") => {
                    self.pos += 1;
                    self.call_rest(word.to_ascii_lowercase())?
                }
                _ => ExprKind::Column(word),
            },
        };
        Ok(self.node(kind, start))
    }

    fn case_rest(&mut self) -> PResult<ExprKind> {
        let mut whens = Vec::new();
        while self.eat_kw("when") {
            let cond = self.expr()?;
            self.expect_kw("then")?;
            let value = self.expr()?;
            whens.push((cond, value));
        }
        if whens.is_empty() {
            return Err(self.error_expected("`when`"));
        }
        let otherwise = if self.eat_kw("else") {
            Some(Box::new(self.expr()?))
        } else {
            None
        };
        self.expect_kw("end")?;
        Ok(ExprKind::Case { whens, otherwise })
    }

    fn call_rest(&mut self, name: String) -> PResult<ExprKind> {
        if self.eat_punct("*") {
            self.expect_punct(")")?;
            return Ok(ExprKind::Call {
                name,
                args: Vec::new(),
                distinct: false,
                star: true,
            });
        }
        let distinct = self.eat_kw("distinct");
        let mut args = Vec::new();
        if !self.is_punct(")") || distinct {
            args.push(self.expr()?);
            while self.eat_punct(",") {
                args.push(self.expr()?);
            }
        }
        self.expect_punct(")")?;
        Ok(ExprKind::Call {
            name,
            args,
            distinct,
            star: false,
        })
    }

    /// An optional `as name` alias (a bare or double-quoted name).
    fn alias(&mut self) -> PResult<Option<String>> {
        if !self.eat_kw("as") {
            return Ok(None);
        }
        match self.peek().cloned() {
            Some(Tok::Ident(name)) if !is_keyword(&name) => {
                self.pos += 1;
                Ok(Some(name))
            }
            Some(Tok::Quoted(name)) => {
                self.pos += 1;
                Ok(Some(name))
            }
            _ => Err(self.error_expected("a name after `as`")),
        }
    }
}

/// Parses a whole expression.
pub fn parse_expr(text: &str) -> Result<Expr, ParseError> {
    let mut p = Parser::new(text)?;
    let e = p.expr()?;
    p.expect_end()?;
    Ok(e)
}

/// Parses `expr [as name]`.
pub fn parse_item(text: &str) -> Result<ItemSyntax, ParseError> {
    let mut p = Parser::new(text)?;
    let expr = p.expr()?;
    let alias = p.alias()?;
    p.expect_end()?;
    Ok(ItemSyntax { expr, alias })
}

/// Parses a sort key: `expr [asc|desc] [nulls first|last]`.
pub fn parse_sort_key(text: &str) -> Result<SortKeySyntax, ParseError> {
    let mut p = Parser::new(text)?;
    let expr = p.expr()?;
    let descending = if p.eat_kw("desc") {
        true
    } else {
        p.eat_kw("asc");
        false
    };
    let mut nulls_first = None;
    if p.eat_kw("nulls") {
        if p.eat_kw("first") {
            nulls_first = Some(true);
        } else if p.eat_kw("last") {
            nulls_first = Some(false);
        } else {
            return Err(p.error_expected("`first` or `last`"));
        }
    }
    p.expect_end()?;
    Ok(SortKeySyntax {
        expr,
        descending,
        nulls_first,
    })
}

/// The kinds of join of §8.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JoinKind {
    /// Matching pairs only.
    Inner,
    /// Every left row; unmatched ones padded with nulls.
    Left,
    /// Every right row; unmatched ones padded with nulls.
    Right,
    /// Every row of both sides.
    Full,
    /// Left rows with at least one match (left columns only).
    Semi,
    /// Left rows with no match (left columns only).
    Anti,
}

impl JoinKind {
    /// The kind's name as written in `join(l, r, on, kind)`.
    pub fn name(self) -> &'static str {
        match self {
            JoinKind::Inner => "inner",
            JoinKind::Left => "left",
            JoinKind::Right => "right",
            JoinKind::Full => "full",
            JoinKind::Semi => "semi",
            JoinKind::Anti => "anti",
        }
    }
}

/// Parses a join kind (case-insensitive, surrounding spaces allowed).
pub fn parse_join_kind(text: &str) -> Result<JoinKind, ParseError> {
    let word = text.trim();
    let start = text.len() - text.trim_start().len();
    Ok(match word.to_ascii_lowercase().as_str() {
        "inner" => JoinKind::Inner,
        "left" => JoinKind::Left,
        "right" => JoinKind::Right,
        "full" => JoinKind::Full,
        "semi" => JoinKind::Semi,
        "anti" => JoinKind::Anti,
        _ => {
            return Err(ParseError::new(
                start..start + word.len(),
                format!(
                    "unknown join kind `{word}`; expected one of: inner, left, right, full, semi, anti"
                ),
            ));
        }
    })
}

/// Parses a schema item `name type` (the name bare or double-quoted).
pub fn parse_schema_item(text: &str) -> Result<(String, TypeName), ParseError> {
    let mut p = Parser::new(text)?;
    let name = match p.peek().cloned() {
        Some(Tok::Ident(n)) | Some(Tok::Quoted(n)) => {
            p.pos += 1;
            n
        }
        _ => return Err(p.error_expected("a column name")),
    };
    let ty = match p.peek().cloned() {
        Some(Tok::Ident(t)) => TypeName::parse(&t).ok_or_else(|| {
            ParseError::new(
                p.here(),
                format!(
                    "unknown type `{t}`; expected one of: i8, i16, i32, i64, f32, f64, bool, string"
                ),
            )
        })?,
        _ => return Err(p.error_expected("a type")),
    };
    p.pos += 1;
    p.expect_end()?;
    Ok((name, ty))
}

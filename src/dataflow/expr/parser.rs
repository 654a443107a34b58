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

/// How deeply parentheses, `not` and unary minus may nest (deeper input is an error, never a
/// stack overflow).
pub const MAX_NESTING: usize = 128;

/// The most tokens an expression string may have.
pub const MAX_TOKENS: usize = 8192;

/// The deepest expression tree accepted (long operator chains nest too); keeps every later
/// recursive pass (typing, folding, kernels) far from the stack limit.
pub const MAX_DEPTH: usize = 256;

/// Fails when `e` is deeper than [`MAX_DEPTH`] (checked without recursion).
fn check_depth(e: &Expr) -> PResult<()> {
    let mut stack = vec![(e, 1usize)];
    while let Some((x, d)) = stack.pop() {
        if d > MAX_DEPTH {
            return Err(ParseError::new(
                x.span.clone(),
                format!("expression is nested more than {MAX_DEPTH} levels deep; split it up"),
            ));
        }
        stack.extend(x.children().into_iter().map(|c| (c, d + 1)));
    }
    Ok(())
}

struct Parser<'a> {
    text: &'a str,
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
}

type PResult<T> = Result<T, ParseError>;

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> PResult<Self> {
        let toks = tokenize(text)?;
        if toks.len() > MAX_TOKENS {
            return Err(ParseError::new(
                toks[MAX_TOKENS].span.start..text.len(),
                format!("expression has more than {MAX_TOKENS} tokens"),
            ));
        }
        Ok(Parser {
            text,
            toks,
            pos: 0,
            depth: 0,
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
        self.nested(Self::or)
    }

    /// Runs `f` one nesting level deeper, failing past [`MAX_NESTING`].
    fn nested(&mut self, f: fn(&mut Self) -> PResult<Expr>) -> PResult<Expr> {
        if self.depth >= MAX_NESTING {
            return Err(ParseError::new(
                self.here(),
                format!("expression nests more than {MAX_NESTING} levels deep"),
            ));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
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
            let inner = self.nested(Self::not)?;
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
                    if self.at_postfix() {
                        left = self.postfix_predicate(left, start)?;
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
    /// True when `is`, `[not] between`, `[not] in` or `[not] like` comes next.
    fn at_postfix(&self) -> bool {
        let kw = |k: usize| {
            self.is_kw_at(k, "between") || self.is_kw_at(k, "in") || self.is_kw_at(k, "like")
        };
        self.is_kw("is") || kw(0) || (self.is_kw("not") && kw(1))
    }

    /// Parses the postfix predicate after `left` (the caller checked [`Self::at_postfix`]).
    fn postfix_predicate(&mut self, left: Expr, start: usize) -> PResult<Expr> {
        let expr = Box::new(left);
        if self.eat_kw("is") {
            let negated = self.eat_kw("not");
            self.expect_kw("null")?;
            let kind = ExprKind::IsNull { expr, negated };
            return Ok(self.node(kind, start));
        }
        let negated = self.is_kw("not")
            && (self.is_kw_at(1, "between") || self.is_kw_at(1, "in") || self.is_kw_at(1, "like"));
        if negated {
            self.pos += 1;
        }
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
            return Err(self.error_expected("`between`, `in` or `like`"));
        };
        Ok(self.node(kind, start))
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
            let inner = self.nested(Self::unary)?;
            let folded = match &inner.kind {
                ExprKind::Literal(Literal::Int(v)) => Some(Literal::Int(v.wrapping_neg())),
                ExprKind::Literal(Literal::Float(v)) => Some(Literal::Float(-v)),
                _ => None,
            };
            let kind = match folded {
                Some(l) => ExprKind::Literal(l),
                None => ExprKind::Unary(UnaryOp::Neg, Box::new(inner)),
            };
            return Ok(self.node(kind, start));
        }
        if self.eat_punct("+") {
            return self.nested(Self::unary);
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
                let mut inner = self.expr()?;
                self.expect_punct(")")?;
                inner.span = start..self.prev_end();
                return Ok(inner);
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
    check_depth(&e)?;
    Ok(e)
}

/// Parses `expr [as name]`.
pub fn parse_item(text: &str) -> Result<ItemSyntax, ParseError> {
    let mut p = Parser::new(text)?;
    let expr = p.expr()?;
    let alias = p.alias()?;
    p.expect_end()?;
    check_depth(&expr)?;
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
    check_depth(&expr)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A compact rendering of the tree to check precedence.
    fn show(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Column(c) => c.clone(),
            ExprKind::Literal(l) => format!("{l:?}"),
            ExprKind::Unary(op, x) => format!("({op:?} {})", show(x)),
            ExprKind::Binary(op, a, b) => format!("({} {} {})", show(a), op.symbol(), show(b)),
            ExprKind::IsNull { expr, negated } => format!(
                "({} is{} null)",
                show(expr),
                if *negated { " not" } else { "" }
            ),
            ExprKind::Between {
                expr,
                low,
                high,
                negated,
            } => {
                format!(
                    "({} {}between {} {})",
                    show(expr),
                    if *negated { "not " } else { "" },
                    show(low),
                    show(high)
                )
            }
            ExprKind::InList { expr, list, .. } => format!("({} in {})", show(expr), list.len()),
            ExprKind::Like { expr, pattern, .. } => {
                format!("({} like {})", show(expr), show(pattern))
            }
            ExprKind::Case { whens, .. } => format!("(case {})", whens.len()),
            ExprKind::Cast { expr, to } => format!("({} as {to:?})", show(expr)),
            ExprKind::Call {
                name,
                args,
                distinct,
                star,
            } => {
                format!(
                    "{name}({}{}{})",
                    if *distinct { "distinct " } else { "" },
                    if *star { "*" } else { "" },
                    args.iter().map(show).collect::<Vec<_>>().join(", ")
                )
            }
        }
    }

    fn p(s: &str) -> String {
        show(&parse_expr(s).unwrap_or_else(|e| panic!("{s}: {e}")))
    }

    #[test]
    fn precedence() {
        assert_eq!(p("a + b * c - d"), "((a + (b * c)) - d)");
        assert_eq!(p("a + b as f64"), "(a + (b as F64))");
        assert_eq!(p("-x as i64"), "((Neg x) as I64)");
        assert_eq!(p("not a = b and c || d"), "(((Not (a = b)) and c) or d)");
        assert_eq!(
            p("x between 1 and 2 and y"),
            "((x between Int(1) Int(2)) and y)"
        );
        assert_eq!(p("x not between 1 and 2"), "(x not between Int(1) Int(2))");
        assert_eq!(
            p("x is not null or y in (1, 2)"),
            "((x is not null) or (y in 2))"
        );
        assert_eq!(p("-9223372036854775808"), "Int(-9223372036854775808)");
        assert_eq!(
            p("count(distinct x) > count(*)"),
            "(count(distinct x) > count(*))"
        );
        assert_eq!(p("NOT \"and\" AND TRUE"), "((Not and) and Bool(true))");
    }

    #[test]
    fn items_and_sort_keys() {
        let i = parse_item("price * qty as total").unwrap();
        assert_eq!(
            (show(&i.expr).as_str(), i.alias.as_deref()),
            ("(price * qty)", Some("total"))
        );
        let i = parse_item("x as f64 as \"odd name\"").unwrap();
        assert_eq!(
            (show(&i.expr).as_str(), i.alias.as_deref()),
            ("(x as F64)", Some("odd name"))
        );
        let k = parse_sort_key("a desc nulls last").unwrap();
        assert!(k.descending && k.nulls_first == Some(false));
        assert!(parse_sort_key("a nulls sideways").is_err());
        assert_eq!(parse_join_kind(" LEFT ").unwrap(), JoinKind::Left);
    }

    #[test]
    fn errors_have_ranges() {
        let e = parse_expr("a + * b").unwrap_err();
        assert_eq!(
            (e.range, e.message.as_str()),
            (4..5, "expected an expression, found `*`")
        );
        let e = parse_expr("a b").unwrap_err();
        assert_eq!(e.range, 2..3);
        let e = parse_expr("case when a then 1").unwrap_err();
        assert_eq!(e.range, 18..18);
        let e = parse_expr("x in ()").unwrap_err();
        assert_eq!(e.range, 6..7);
        let e = parse_expr("between").unwrap_err();
        assert!(e.message.contains("keyword `between`"));
    }

    #[test]
    fn hostile_input_is_an_error_not_a_crash() {
        let deep = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(parse_expr(&deep).unwrap_err().message.contains("tokens"));
        let nested = format!("{}1{}", "(".repeat(1_000), ")".repeat(1_000));
        assert!(
            parse_expr(&nested)
                .unwrap_err()
                .message
                .contains("levels deep")
        );
        let nots = "not ".repeat(2_000) + "x";
        assert!(parse_expr(&nots).is_err());
        let chain = vec!["a"; 3_000].join(" + ");
        assert!(
            parse_expr(&chain)
                .unwrap_err()
                .message
                .contains("levels deep")
        );
        let ok = vec!["a"; 200].join(" + ");
        assert!(parse_expr(&ok).is_ok());
        assert!(parse_expr("'unterminated").is_err());
        assert!(parse_expr("\u{0}").is_err());
    }
}

//! The untyped syntax tree of a dataflow expression string (§8) and its parse error.

use std::fmt;
use std::ops::Range;

/// A syntax error with the byte range inside the expression text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Byte range inside the text.
    pub range: Range<usize>,
    /// What is wrong.
    pub message: String,
}

impl ParseError {
    /// Builds an error.
    pub fn new(range: Range<usize>, message: impl Into<String>) -> Self {
        ParseError {
            range,
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at bytes {}..{}",
            self.message, self.range.start, self.range.end
        )
    }
}

/// A literal value.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// An integer literal.
    Int(i64),
    /// A float literal.
    Float(f64),
    /// A `'string'`.
    Str(String),
}

/// A type named after `as` (`x as f64`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeName {
    /// `i8`
    I8,
    /// `i16`
    I16,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `bool`
    Bool,
    /// `string`
    String,
}

impl TypeName {
    /// Parses a type name (case-insensitive), `None` when `s` is not one.
    pub fn parse(s: &str) -> Option<TypeName> {
        Some(match s.to_ascii_lowercase().as_str() {
            "i8" => TypeName::I8,
            "i16" => TypeName::I16,
            "i32" => TypeName::I32,
            "i64" => TypeName::I64,
            "f32" => TypeName::F32,
            "f64" => TypeName::F64,
            "bool" => TypeName::Bool,
            "string" => TypeName::String,
            _ => return None,
        })
    }
}

/// A unary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `not x` / `!x`
    Not,
}

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
    /// `=` / `==`
    Eq,
    /// `!=` / `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `and` / `&&`
    And,
    /// `or` / `||`
    Or,
}

impl BinaryOp {
    /// The operator as written in explain output.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
        }
    }

    /// True for the six comparisons.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge
        )
    }

    /// The comparison with its operands swapped (`a < b` ⇔ `b > a`).
    pub fn flip(self) -> BinaryOp {
        match self {
            BinaryOp::Lt => BinaryOp::Gt,
            BinaryOp::Le => BinaryOp::Ge,
            BinaryOp::Gt => BinaryOp::Lt,
            BinaryOp::Ge => BinaryOp::Le,
            other => other,
        }
    }
}

/// An expression node with its byte range in the source text.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What the node is.
    pub kind: ExprKind,
    /// Byte range inside the expression text.
    pub span: Range<usize>,
}

impl Expr {
    /// The direct children of this node.
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Column(_) | ExprKind::Literal(_) => Vec::new(),
            ExprKind::Unary(_, x)
            | ExprKind::IsNull { expr: x, .. }
            | ExprKind::Cast { expr: x, .. } => {
                vec![x]
            }
            ExprKind::Binary(_, a, b)
            | ExprKind::Like {
                expr: a,
                pattern: b,
                ..
            } => vec![a, b],
            ExprKind::Between {
                expr, low, high, ..
            } => vec![expr, low, high],
            ExprKind::InList { expr, list, .. } => {
                std::iter::once(&**expr).chain(list.iter()).collect()
            }
            ExprKind::Case { whens, otherwise } => whens
                .iter()
                .flat_map(|(c, v)| [c, v])
                .chain(otherwise.as_deref())
                .collect(),
            ExprKind::Call { args, .. } => args.iter().collect(),
        }
    }

    /// The direct children of this node, mutably (same order as [`Expr::children`]).
    pub fn children_mut(&mut self) -> Vec<&mut Expr> {
        match &mut self.kind {
            ExprKind::Column(_) | ExprKind::Literal(_) => Vec::new(),
            ExprKind::Unary(_, x)
            | ExprKind::IsNull { expr: x, .. }
            | ExprKind::Cast { expr: x, .. } => vec![x],
            ExprKind::Binary(_, a, b)
            | ExprKind::Like {
                expr: a,
                pattern: b,
                ..
            } => vec![a, b],
            ExprKind::Between {
                expr, low, high, ..
            } => vec![expr, low, high],
            ExprKind::InList { expr, list, .. } => std::iter::once(&mut **expr)
                .chain(list.iter_mut())
                .collect(),
            ExprKind::Case { whens, otherwise } => whens
                .iter_mut()
                .flat_map(|(c, v)| [c, v])
                .chain(otherwise.as_deref_mut())
                .collect(),
            ExprKind::Call { args, .. } => args.iter_mut().collect(),
        }
    }
}

impl Drop for Expr {
    /// Drops the tree with an explicit stack: a long operator chain is a deep tree, and the
    /// default recursive drop could overflow the stack on hostile input.
    fn drop(&mut self) {
        fn take(e: &mut Expr) -> ExprKind {
            std::mem::replace(&mut e.kind, ExprKind::Literal(Literal::Null))
        }
        let mut stack = vec![take(self)];
        while let Some(kind) = stack.pop() {
            match kind {
                ExprKind::Column(_) | ExprKind::Literal(_) => {}
                ExprKind::Unary(_, mut x)
                | ExprKind::IsNull { expr: mut x, .. }
                | ExprKind::Cast { expr: mut x, .. } => stack.push(take(&mut x)),
                ExprKind::Binary(_, mut a, mut b)
                | ExprKind::Like {
                    expr: mut a,
                    pattern: mut b,
                    ..
                } => {
                    stack.push(take(&mut a));
                    stack.push(take(&mut b));
                }
                ExprKind::Between {
                    mut expr,
                    mut low,
                    mut high,
                    ..
                } => {
                    stack.push(take(&mut expr));
                    stack.push(take(&mut low));
                    stack.push(take(&mut high));
                }
                ExprKind::InList { mut expr, list, .. } => {
                    stack.push(take(&mut expr));
                    stack.extend(list.into_iter().map(|mut x| take(&mut x)));
                }
                ExprKind::Case { whens, otherwise } => {
                    for (mut c, mut v) in whens {
                        stack.push(take(&mut c));
                        stack.push(take(&mut v));
                    }
                    if let Some(mut o) = otherwise {
                        stack.push(take(&mut o));
                    }
                }
                ExprKind::Call { args, .. } => {
                    stack.extend(args.into_iter().map(|mut x| take(&mut x)))
                }
            }
        }
    }
}

/// The kinds of expression node.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A column reference.
    Column(String),
    /// A literal.
    Literal(Literal),
    /// A unary operation.
    Unary(UnaryOp, Box<Expr>),
    /// A binary operation.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `x is [not] null`
    IsNull {
        /// The operand.
        expr: Box<Expr>,
        /// The `not` form.
        negated: bool,
    },
    /// `x [not] between lo and hi`
    Between {
        /// The operand.
        expr: Box<Expr>,
        /// Lower bound (inclusive).
        low: Box<Expr>,
        /// Upper bound (inclusive).
        high: Box<Expr>,
        /// The `not` form.
        negated: bool,
    },
    /// `x [not] in (a, b, …)`
    InList {
        /// The operand.
        expr: Box<Expr>,
        /// The listed values.
        list: Vec<Expr>,
        /// The `not` form.
        negated: bool,
    },
    /// `x [not] like 'pattern'`
    Like {
        /// The operand.
        expr: Box<Expr>,
        /// The pattern.
        pattern: Box<Expr>,
        /// The `not` form.
        negated: bool,
    },
    /// `case when c then v … [else e] end`
    Case {
        /// `(condition, value)` pairs in order.
        whens: Vec<(Expr, Expr)>,
        /// The `else` value.
        otherwise: Option<Box<Expr>>,
    },
    /// `x as T`
    Cast {
        /// The operand.
        expr: Box<Expr>,
        /// The target type.
        to: TypeName,
    },
    /// A function or aggregate call; `count(*)` has `star`, `count(distinct x)` has `distinct`.
    Call {
        /// Function name, lower-case.
        name: String,
        /// Arguments.
        args: Vec<Expr>,
        /// `distinct` was written.
        distinct: bool,
        /// `*` was written.
        star: bool,
    },
}

/// Sort direction and null placement of a sort key.
#[derive(Clone, Debug, PartialEq)]
pub struct SortKeySyntax {
    /// The key expression (usually a column).
    pub expr: Expr,
    /// `desc`
    pub descending: bool,
    /// `nulls first` / `nulls last`; `None` means the default for the direction.
    pub nulls_first: Option<bool>,
}

/// An item `expr [as name]` with its source text.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemSyntax {
    /// The expression.
    pub expr: Expr,
    /// The alias after `as`, if any.
    pub alias: Option<String>,
}

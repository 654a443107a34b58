//! The typed expression tree: the output of SQL typing (`typing.rs`) and the input of the
//! kernel compiler. Columns are referenced by name (schemas have unique names), so plan rewrites
//! that narrow a scan never need to renumber expressions.

use std::fmt;

use super::functions::Func;
use crate::dataflow::types::DataType;

/// A literal value with a known type (the type lives in [`TExpr::ty`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    /// SQL null.
    Null,
    /// A boolean.
    Bool(bool),
    /// Any integer type.
    Int(i64),
    /// Any float type.
    Float(f64),
    /// Text.
    Str(String),
}

/// Arithmetic operators (operands and result share one numeric type).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArithOp {
    /// `+` (integers wrap)
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/` (integer division truncates; division by zero is null)
    Div,
    /// `%` (sign of the dividend; by zero is null)
    Rem,
}

/// Comparison operators (operands share one type).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator's symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// The same comparison with operands swapped.
    pub fn flip(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            other => other,
        }
    }
}

impl ArithOp {
    /// The operator's symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
            ArithOp::Rem => "%",
        }
    }
}

/// A typed expression node.
#[derive(Clone, Debug, PartialEq)]
pub struct TExpr {
    /// What the node computes.
    pub kind: TKind,
    /// The result type.
    pub ty: DataType,
}

/// The kinds of typed node. Operands of `Arith` and `Cmp` already have one common type (the
/// typer inserts `Cast` nodes), so kernels never convert.
#[derive(Clone, Debug, PartialEq)]
pub enum TKind {
    /// A column of the input, by name.
    Column(String),
    /// A constant.
    Literal(Scalar),
    /// Numeric negation.
    Neg(Box<TExpr>),
    /// Three-valued `not`.
    Not(Box<TExpr>),
    /// Arithmetic.
    Arith(ArithOp, Box<TExpr>, Box<TExpr>),
    /// Comparison.
    Cmp(CmpOp, Box<TExpr>, Box<TExpr>),
    /// Three-valued `and`.
    And(Box<TExpr>, Box<TExpr>),
    /// Three-valued `or`.
    Or(Box<TExpr>, Box<TExpr>),
    /// `x is null` (`negated`: `is not null`).
    IsNull(Box<TExpr>, bool),
    /// `x like 'pattern'` with a constant pattern.
    Like {
        /// The operand.
        expr: Box<TExpr>,
        /// The pattern.
        pattern: String,
        /// The `not` form.
        negated: bool,
    },
    /// `case when … then … else … end` (a missing else is a null literal).
    Case {
        /// `(condition, value)` pairs in order.
        whens: Vec<(TExpr, TExpr)>,
        /// The `else` value.
        otherwise: Box<TExpr>,
    },
    /// Conversion to [`TExpr::ty`].
    Cast(Box<TExpr>),
    /// A scalar function call.
    Call(Func, Vec<TExpr>),
}

impl TExpr {
    /// A literal of type `ty`.
    pub fn literal(value: Scalar, ty: DataType) -> TExpr {
        TExpr {
            kind: TKind::Literal(value),
            ty,
        }
    }

    /// True when the node is a literal.
    pub fn is_literal(&self) -> bool {
        matches!(self.kind, TKind::Literal(_))
    }

    /// The direct children of this node.
    pub fn children(&self) -> Vec<&TExpr> {
        match &self.kind {
            TKind::Column(_) | TKind::Literal(_) => Vec::new(),
            TKind::Neg(x) | TKind::Not(x) | TKind::IsNull(x, _) | TKind::Cast(x) => vec![x],
            TKind::Like { expr, .. } => vec![expr],
            TKind::Arith(_, a, b) | TKind::Cmp(_, a, b) | TKind::And(a, b) | TKind::Or(a, b) => {
                vec![a, b]
            }
            TKind::Case { whens, otherwise } => {
                let mut v: Vec<&TExpr> = whens.iter().flat_map(|(c, x)| [c, x]).collect();
                v.push(otherwise);
                v
            }
            TKind::Call(_, args) => args.iter().collect(),
        }
    }

    /// Adds every column name this expression reads to `out` (no duplicates).
    pub fn columns_into(&self, out: &mut Vec<String>) {
        if let TKind::Column(c) = &self.kind {
            if !out.contains(c) {
                out.push(c.clone());
            }
            return;
        }
        for c in self.children() {
            c.columns_into(out);
        }
    }

    /// The type of column `name` where this expression reads it.
    pub fn find_column_type(&self, name: &str) -> Option<DataType> {
        if let TKind::Column(c) = &self.kind {
            return (c == name).then_some(self.ty);
        }
        self.children()
            .into_iter()
            .find_map(|c| c.find_column_type(name))
    }

    /// The column names this expression reads.
    pub fn columns(&self) -> Vec<String> {
        let mut v = Vec::new();
        self.columns_into(&mut v);
        v
    }

    /// Splits a conjunction `a and b and c` into its parts.
    pub fn conjuncts(self) -> Vec<TExpr> {
        match self.kind {
            TKind::And(a, b) => {
                let mut v = a.conjuncts();
                v.extend(b.conjuncts());
                v
            }
            kind => vec![TExpr { kind, ty: self.ty }],
        }
    }

    /// Joins parts with `and` (`None` when empty).
    pub fn conjoin(parts: Vec<TExpr>) -> Option<TExpr> {
        parts.into_iter().reduce(|a, b| TExpr {
            kind: TKind::And(Box::new(a), Box::new(b)),
            ty: DataType::Bool,
        })
    }

    /// Renames column references through `f` (used when moving a predicate across a node).
    pub fn map_columns(&self, f: &dyn Fn(&str) -> Option<TExpr>) -> TExpr {
        if let TKind::Column(c) = &self.kind {
            return f(c).unwrap_or_else(|| self.clone());
        }
        self.map_children(&mut |x| x.map_columns(f))
    }

    /// The same node with each direct child replaced by `f(child)`.
    pub fn map_children(&self, f: &mut dyn FnMut(&TExpr) -> TExpr) -> TExpr {
        let mut m = |x: &TExpr| Box::new(f(x));
        let kind = match &self.kind {
            TKind::Column(_) | TKind::Literal(_) => self.kind.clone(),
            TKind::Neg(x) => TKind::Neg(m(x)),
            TKind::Not(x) => TKind::Not(m(x)),
            TKind::IsNull(x, n) => TKind::IsNull(m(x), *n),
            TKind::Cast(x) => TKind::Cast(m(x)),
            TKind::Like {
                expr,
                pattern,
                negated,
            } => TKind::Like {
                expr: m(expr),
                pattern: pattern.clone(),
                negated: *negated,
            },
            TKind::Arith(op, a, b) => TKind::Arith(*op, m(a), m(b)),
            TKind::Cmp(op, a, b) => TKind::Cmp(*op, m(a), m(b)),
            TKind::And(a, b) => TKind::And(m(a), m(b)),
            TKind::Or(a, b) => TKind::Or(m(a), m(b)),
            TKind::Case { whens, otherwise } => TKind::Case {
                whens: whens.iter().map(|(c, v)| (*m(c), *m(v))).collect(),
                otherwise: m(otherwise),
            },
            TKind::Call(func, args) => TKind::Call(*func, args.iter().map(|a| *m(a)).collect()),
        };
        TExpr { kind, ty: self.ty }
    }
}

fn quote_name(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !super::parser::is_keyword(name);
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// Writes a column name, double-quoted when it is not a plain identifier.
pub fn display_name(name: &str) -> String {
    quote_name(name)
}

impl fmt::Display for TExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            TKind::Column(c) => write!(f, "{}", quote_name(c)),
            TKind::Literal(s) => match s {
                Scalar::Null => write!(f, "null"),
                Scalar::Bool(b) => write!(f, "{b}"),
                Scalar::Int(i) => write!(f, "{i}"),
                Scalar::Float(x) => write!(f, "{x:?}"),
                Scalar::Str(s) => write!(f, "'{}'", s.replace('\'', "''")),
            },
            TKind::Neg(x) => write!(f, "-{x}"),
            TKind::Not(x) => write!(f, "not {x}"),
            TKind::Arith(op, a, b) => write!(f, "({a} {} {b})", op.symbol()),
            TKind::Cmp(op, a, b) => write!(f, "({a} {} {b})", op.symbol()),
            TKind::And(a, b) => write!(f, "({a} and {b})"),
            TKind::Or(a, b) => write!(f, "({a} or {b})"),
            TKind::IsNull(x, false) => write!(f, "({x} is null)"),
            TKind::IsNull(x, true) => write!(f, "({x} is not null)"),
            TKind::Like {
                expr,
                pattern,
                negated,
            } => {
                let not = if *negated { "not " } else { "" };
                write!(f, "({expr} {not}like '{}')", pattern.replace('\'', "''"))
            }
            TKind::Case { whens, otherwise } => {
                write!(f, "case")?;
                for (c, v) in whens {
                    write!(f, " when {c} then {v}")?;
                }
                write!(f, " else {otherwise} end")
            }
            TKind::Cast(x) => write!(f, "({x} as {})", self.ty),
            TKind::Call(func, args) => {
                write!(f, "{}(", func.name())?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{a}")?;
                }
                write!(f, ")")
            }
        }
    }
}

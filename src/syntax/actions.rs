//! Helpers called by the grammar's actions: spans, node constructors, the two cover-grammar
//! conversions (postfix expression → type, postfix expression → struct name) and recovery.

use super::ast::*;
use super::lexer::Token;
use super::literal::LexError;
use super::parser::{INVALID_STRUCT_NAME, INVALID_TYPE, Pending};
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};
use lalrpop_util::ErrorRecovery;

/// The span `l..r` in `file`.
pub fn span(file: FileId, l: usize, r: usize) -> Span {
    Span::new(file, l, r)
}

/// An identifier node.
pub fn ident(file: FileId, name: &str, l: usize, r: usize) -> Ident {
    Ident {
        name: name.to_owned(),
        span: span(file, l, r),
    }
}

/// An expression node.
pub fn expr(file: FileId, kind: ExprKind, l: usize, r: usize) -> Expr {
    Expr {
        kind,
        span: span(file, l, r),
    }
}

/// `( e )`: the inner expression, its span widened to the parentheses.
pub fn paren(file: FileId, mut e: Expr, l: usize, r: usize) -> Expr {
    e.span = span(file, l, r);
    e
}

/// `lhs op rhs` with the operator's own span.
#[allow(clippy::too_many_arguments)]
pub fn binary(
    file: FileId,
    op: BinaryOp,
    lhs: Expr,
    rhs: Expr,
    ol: usize,
    or: usize,
    l: usize,
    r: usize,
) -> Expr {
    let kind = ExprKind::Binary {
        op,
        lhs: Box::new(lhs),
        rhs: Box::new(rhs),
        op_span: span(file, ol, or),
    };
    expr(file, kind, l, r)
}

/// `cond ? then_expr : else_expr`
pub fn ternary(
    file: FileId,
    cond: Expr,
    then_expr: Expr,
    else_expr: Expr,
    l: usize,
    r: usize,
) -> Expr {
    let kind = ExprKind::Ternary {
        cond: Box::new(cond),
        then_expr: Box::new(then_expr),
        else_expr: Box::new(else_expr),
    };
    expr(file, kind, l, r)
}

/// A primitive type.
pub fn prim_type(file: FileId, p: PrimType, l: usize, r: usize) -> TypeExpr {
    TypeExpr {
        kind: TypeExprKind::Prim(p),
        span: span(file, l, r),
    }
}

/// A (possibly qualified) struct type name.
pub fn named_type(
    file: FileId,
    module: Option<Ident>,
    name: Ident,
    l: usize,
    r: usize,
) -> TypeExpr {
    TypeExpr {
        kind: TypeExprKind::Named { module, name },
        span: span(file, l, r),
    }
}

/// `t[]`
pub fn array_type(file: FileId, t: TypeExpr, l: usize, r: usize) -> TypeExpr {
    TypeExpr {
        kind: TypeExprKind::Array(Box::new(t)),
        span: span(file, l, r),
    }
}

/// `fn(params) -> ret`
pub fn fn_type(
    file: FileId,
    params: Vec<TypeExpr>,
    ret: Option<TypeExpr>,
    l: usize,
    r: usize,
) -> TypeExpr {
    TypeExpr {
        kind: TypeExprKind::Fn {
            params,
            ret: ret.map(Box::new),
        },
        span: span(file, l, r),
    }
}

/// Reads a postfix expression as `Name` or `alias.Name`, the only heads a struct type or a
/// struct literal may have.
fn as_type_name(head: Expr) -> Option<(Option<Ident>, Ident)> {
    match head.kind {
        ExprKind::Name(name) => Some((None, name)),
        ExprKind::Field { base, field } => match base.kind {
            ExprKind::Name(module) => Some((Some(module), field)),
            _ => None,
        },
        _ => None,
    }
}

/// Cover rule for declarations: the type `head[]…[]`, where each entry of `dims` is the end
/// offset of one `[]`. Reports [`INVALID_TYPE`] when `head` is not a type name.
pub fn cover_type(
    file: FileId,
    errors: &mut Vec<Pending<'_>>,
    head: Expr,
    dims: Vec<usize>,
) -> TypeExpr {
    let head_span = head.span;
    let mut ty = match as_type_name(head) {
        Some((module, name)) => TypeExpr {
            kind: TypeExprKind::Named { module, name },
            span: head_span,
        },
        None => {
            errors.push(Pending::Ready(
                Diagnostic::error(INVALID_TYPE, "expected a type", head_span, "this is not a type")
                    .with_help("a declaration is `Type name = value;`, e.g. `Point p = …` or `geo.Point q = …`"),
            ));
            // Keep the declaration so the checker still knows the variable.
            TypeExpr {
                kind: TypeExprKind::Error,
                span: head_span,
            }
        }
    };
    for r in dims {
        let s = Span::new(file, head_span.start as usize, r);
        ty = TypeExpr {
            kind: TypeExprKind::Array(Box::new(ty)),
            span: s,
        };
    }
    ty
}

/// Cover rule for struct literals: `head { fields }` where `head` must be `Name` or
/// `alias.Name`. Reports [`INVALID_STRUCT_NAME`] otherwise and yields an error expression.
pub fn struct_lit(
    file: FileId,
    errors: &mut Vec<Pending<'_>>,
    head: Expr,
    fields: Vec<(Ident, Expr)>,
    l: usize,
    r: usize,
) -> Expr {
    let head_span = head.span;
    match as_type_name(head) {
        Some((module, name)) => expr(
            file,
            ExprKind::StructLit {
                module,
                name,
                fields,
            },
            l,
            r,
        ),
        None => {
            errors.push(Pending::Ready(
                Diagnostic::error(
                    INVALID_STRUCT_NAME,
                    "expected a struct name before `{`",
                    head_span,
                    "this is not a struct name",
                )
                .with_help("a struct literal is `Name { field: value, … }` or `alias.Name { … }`"),
            ));
            expr(file, ExprKind::Error, l, r)
        }
    }
}

/// Records the syntax error that LALRPOP recovered from.
pub fn recovered<'a>(errors: &mut Vec<Pending<'a>>, e: ErrorRecovery<usize, Token<'a>, LexError>) {
    errors.push(Pending::Syntax(e.error));
}

/// A loop whose head did not parse: kept as `while (<error>) body` so the body is still
/// checked.
pub fn error_loop(file: FileId, body: Block, l: usize, r: usize) -> Stmt {
    let cond = expr(file, ExprKind::Error, l, l);
    Stmt {
        kind: StmtKind::While { cond, body },
        span: span(file, l, r),
    }
}

/// An `if` whose condition did not parse: the condition becomes an error expression.
pub fn error_if(
    file: FileId,
    then_block: Block,
    else_branch: Option<Stmt>,
    l: usize,
    r: usize,
) -> Stmt {
    let cond = expr(file, ExprKind::Error, l, l);
    Stmt {
        kind: StmtKind::If {
            cond,
            then_block,
            else_branch: else_branch.map(Box::new),
        },
        span: span(file, l, r),
    }
}

/// The placeholder statement left where recovery skipped input; blocks and files drop it.
pub fn error_stmt(file: FileId, l: usize, r: usize) -> Stmt {
    Stmt {
        kind: StmtKind::Expr(expr(file, ExprKind::Error, l, r)),
        span: span(file, l, r),
    }
}

/// True for the placeholder made by [`error_stmt`].
pub fn is_error_stmt(s: &Stmt) -> bool {
    matches!(&s.kind, StmtKind::Expr(e) if e.kind == ExprKind::Error)
}

/// Statements of a block, without recovery placeholders.
pub fn block(stmts: Vec<Stmt>, span: Span) -> Block {
    Block {
        stmts: stmts.into_iter().filter(|s| !is_error_stmt(s)).collect(),
        span,
    }
}

/// Items of a file, without recovery placeholders.
pub fn source_unit(items: Vec<Item>) -> SourceUnit {
    SourceUnit {
        items: items
            .into_iter()
            .filter(|i| !matches!(i, Item::Stmt(s) if is_error_stmt(s)))
            .collect(),
    }
}

/// A statement at file level: a declaration there is a global (§1, §4); anything else is
/// script code.
pub fn top_level(stmt: Stmt) -> Item {
    match stmt.kind {
        StmtKind::VarDecl(decl) => Item::Global(decl),
        kind => Item::Stmt(Stmt {
            kind,
            span: stmt.span,
        }),
    }
}

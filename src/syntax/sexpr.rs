//! A compact S-expression rendering of the AST (no spans), for tests and AST dumps:
//! `1 + 2 * 3` renders as `(+ 1 (* 2 3))`.

use super::ast::*;
use std::fmt::Write;

/// Renders a whole file, one item a line.
pub fn unit(u: &SourceUnit) -> String {
    let mut out = String::new();
    for item in &u.items {
        out += &self::item(item);
        out.push('\n');
    }
    out
}

/// Renders one item.
pub fn item(i: &Item) -> String {
    match i {
        Item::Import(imp) => {
            let target = match &imp.target {
                ImportTarget::Stdlib(m) => m.name.clone(),
                ImportTarget::File { path, .. } => format!("{path:?}"),
            };
            match &imp.alias {
                Some(a) => format!("(import {target} as {})", a.name),
                None => format!("(import {target})"),
            }
        }
        Item::Struct(s) => {
            let fields: Vec<String> = s
                .fields
                .iter()
                .map(|f| format!("({} {})", f.name.name, ty(&f.ty)))
                .collect();
            format!("(struct {} {})", s.name.name, fields.join(" "))
        }
        Item::Const(v) => format!("(const {} {} {})", ty(&v.ty), v.name.name, expr(&v.init)),
        Item::Global(v) => format!("(global {} {} {})", ty(&v.ty), v.name.name, expr(&v.init)),
        Item::Function(f) => {
            let params: Vec<String> = f
                .params
                .iter()
                .map(|p| format!("({} {})", p.name.name, ty(&p.ty)))
                .collect();
            let ret = f.ret.as_ref().map_or("void".to_owned(), ty);
            format!(
                "(fn {} ({}) {} {})",
                f.name.name,
                params.join(" "),
                ret,
                block(&f.body)
            )
        }
        Item::Stmt(s) => stmt(s),
    }
}

/// Renders a type: `i64`, `geo.Point`, `(array T)`, `(fn (A B) R)`.
pub fn ty(t: &TypeExpr) -> String {
    match &t.kind {
        TypeExprKind::Prim(p) => prim(*p).to_owned(),
        TypeExprKind::Named {
            module: Some(m),
            name,
        } => format!("{}.{}", m.name, name.name),
        TypeExprKind::Named { module: None, name } => name.name.clone(),
        TypeExprKind::Array(e) => format!("(array {})", ty(e)),
        TypeExprKind::Fn { params, ret } => {
            let ps: Vec<String> = params.iter().map(ty).collect();
            let r = ret.as_ref().map_or("void".to_owned(), |r| ty(r));
            format!("(fn ({}) {})", ps.join(" "), r)
        }
        TypeExprKind::Error => "<error>".into(),
    }
}

/// The keyword of a primitive type.
pub fn prim(p: PrimType) -> &'static str {
    match p {
        PrimType::I8 => "i8",
        PrimType::I16 => "i16",
        PrimType::I32 => "i32",
        PrimType::I64 => "i64",
        PrimType::F32 => "f32",
        PrimType::F64 => "f64",
        PrimType::Bool => "bool",
        PrimType::String => "string",
        PrimType::TableRef => "table_ref",
        PrimType::NodeRef => "node_ref",
    }
}

/// Renders a block: `{s1 s2}`.
pub fn block(b: &Block) -> String {
    let stmts: Vec<String> = b.stmts.iter().map(stmt).collect();
    format!("{{{}}}", stmts.join(" "))
}

/// Renders a statement.
pub fn stmt(s: &Stmt) -> String {
    match &s.kind {
        StmtKind::VarDecl(v) => format!("(let {} {} {})", ty(&v.ty), v.name.name, expr(&v.init)),
        StmtKind::Assign { target, op, value } => {
            let op = match op {
                AssignOp::Set => "=".to_owned(),
                AssignOp::Compound(b) => format!("{}=", b.symbol()),
            };
            format!("({op} {} {})", expr(target), expr(value))
        }
        StmtKind::IncDec { target, increment } => {
            format!(
                "({} {})",
                if *increment { "++" } else { "--" },
                expr(target)
            )
        }
        StmtKind::Expr(e) => expr(e),
        StmtKind::Block(b) => block(b),
        StmtKind::If {
            cond,
            then_block,
            else_branch,
        } => match else_branch {
            Some(e) => format!("(if {} {} {})", expr(cond), block(then_block), stmt(e)),
            None => format!("(if {} {})", expr(cond), block(then_block)),
        },
        StmtKind::While { cond, body } => format!("(while {} {})", expr(cond), block(body)),
        StmtKind::For {
            init,
            cond,
            step,
            body,
        } => {
            let opt_s = |s: &Option<Box<Stmt>>| s.as_ref().map_or("_".to_owned(), |s| stmt(s));
            let c = cond.as_ref().map_or("_".to_owned(), expr);
            format!(
                "(for {} {} {} {})",
                opt_s(init),
                c,
                opt_s(step),
                block(body)
            )
        }
        StmtKind::Break => "(break)".into(),
        StmtKind::Continue => "(continue)".into(),
        StmtKind::Return(None) => "(return)".into(),
        StmtKind::Return(Some(e)) => format!("(return {})", expr(e)),
    }
}

/// Renders an expression.
pub fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Int(v) => v.to_string(),
        ExprKind::Float(v) => format!("{v:?}"),
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Name(n) => n.name.clone(),
        ExprKind::Unary { op, operand } => {
            let op = match op {
                UnaryOp::Neg => "-",
                UnaryOp::Not => "!",
                UnaryOp::BitNot => "~",
            };
            format!("({op} {})", expr(operand))
        }
        ExprKind::Binary { op, lhs, rhs, .. } => {
            format!("({} {} {})", op.symbol(), expr(lhs), expr(rhs))
        }
        ExprKind::Ternary {
            cond,
            then_expr,
            else_expr,
        } => format!("(? {} {} {})", expr(cond), expr(then_expr), expr(else_expr)),
        ExprKind::Cast { expr: inner, ty: t } => format!("(as {} {})", expr(inner), ty(t)),
        ExprKind::Call { callee, args } => {
            let mut out = format!("(call {}", expr(callee));
            for a in args {
                let _ = write!(out, " {}", expr(a));
            }
            out + ")"
        }
        ExprKind::Index { base, index } => format!("(index {} {})", expr(base), expr(index)),
        ExprKind::Field { base, field } => format!("(. {} {})", expr(base), field.name),
        ExprKind::ArrayLit(items) => {
            let items: Vec<String> = items.iter().map(expr).collect();
            format!("[{}]", items.join(" "))
        }
        ExprKind::StructLit {
            module,
            name,
            fields,
        } => {
            let head = match module {
                Some(m) => format!("{}.{}", m.name, name.name),
                None => name.name.clone(),
            };
            let mut out = format!("(new-struct {head}");
            for (f, v) in fields {
                let _ = write!(out, " ({} {})", f.name, expr(v));
            }
            out + ")"
        }
        ExprKind::NewArray { elem, len } => format!("(new-array {} {})", ty(elem), expr(len)),
        ExprKind::Error => "<error>".into(),
    }
}

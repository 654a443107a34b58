//! Creating plan nodes from §8 arguments: parsing the strings, typing them against the input
//! columns and computing the output columns. Every error here is a trap message (§8: "errors in
//! column names or expression types are reported when the node is created").

use crate::dataflow::expr::ast::{BinaryOp, Expr, ExprKind, ItemSyntax, ParseError};
use crate::dataflow::expr::parser::{JoinKind, parse_expr, parse_item, parse_sort_key};
use crate::dataflow::expr::typed::{CmpOp, TExpr, TKind};
use crate::dataflow::expr::typing::{ColumnLookup, TypeError, type_expr, type_predicate};
use crate::dataflow::types::DataType;

use super::node::{JoinCondition, NamedExpr, PlanColumn, PlanKind, SortKey};

/// Adapts a column list to the typer's lookup interface.
pub struct Cols<'a>(pub &'a [PlanColumn]);

impl ColumnLookup for Cols<'_> {
    fn column_type(&self, name: &str) -> Option<DataType> {
        self.0.iter().find(|c| c.name == name).map(|c| c.ty)
    }
    fn column_names(&self) -> Vec<String> {
        self.0.iter().map(|c| c.name.clone()).collect()
    }
}

/// A node-creation error: the trap message.
pub type BuildError = String;

pub(super) fn syntax(op: &str, text: &str, e: ParseError) -> BuildError {
    format!(
        "syntax error in {op} \"{text}\" at bytes {}..{}: {}",
        e.range.start, e.range.end, e.message
    )
}

pub(super) fn typing(op: &str, text: &str, e: TypeError) -> BuildError {
    if e.message.starts_with("unknown column") {
        e.message
    } else {
        format!("{op} \"{text}\": {}", e.message)
    }
}

pub(super) fn check_unique(op: &str, columns: &[PlanColumn]) -> Result<(), BuildError> {
    for (i, c) in columns.iter().enumerate() {
        if columns[..i].iter().any(|d| d.name == c.name) {
            return Err(format!("{op}: duplicate output column \"{}\"", c.name));
        }
    }
    Ok(())
}

/// The default output name of an item: the column name, else the item's trimmed text.
fn item_name(item: &ItemSyntax, text: &str) -> String {
    match (&item.alias, &item.expr.kind) {
        (Some(a), _) => a.clone(),
        (None, ExprKind::Column(c)) => c.clone(),
        (None, _) => text.trim().to_string(),
    }
}

/// `filter(n, pred)`.
pub fn filter(
    input: super::NodeId,
    cols: &[PlanColumn],
    pred: &str,
) -> Result<(PlanKind, Vec<PlanColumn>), BuildError> {
    let e = parse_expr(pred).map_err(|e| syntax("filter", pred, e))?;
    let predicate =
        type_predicate(&e, &Cols(cols), "filter").map_err(|e| typing("filter", pred, e))?;
    Ok((PlanKind::Filter { input, predicate }, cols.to_vec()))
}

pub(super) fn typed_items(
    op: &str,
    cols: &[PlanColumn],
    items: &[&str],
    need_alias: bool,
) -> Result<Vec<NamedExpr>, BuildError> {
    let mut out = Vec::new();
    for text in items {
        let item = parse_item(text).map_err(|e| syntax(op, text, e))?;
        if need_alias && item.alias.is_none() && !matches!(item.expr.kind, ExprKind::Column(_)) {
            return Err(format!(
                "{op} \"{text}\": a {op} item needs a name: write `expr as name`"
            ));
        }
        let expr = type_expr(&item.expr, &Cols(cols), op).map_err(|e| typing(op, text, e))?;
        out.push(NamedExpr {
            expr,
            name: item_name(&item, text),
        });
    }
    Ok(out)
}

/// `project(n, items)`.
pub fn project(
    input: super::NodeId,
    cols: &[PlanColumn],
    items: &[&str],
) -> Result<(PlanKind, Vec<PlanColumn>), BuildError> {
    let items = typed_items("project", cols, items, false)?;
    let out: Vec<PlanColumn> = items
        .iter()
        .map(|i| PlanColumn {
            name: i.name.clone(),
            ty: i.expr.ty,
        })
        .collect();
    check_unique("project", &out)?;
    Ok((PlanKind::Project { input, items }, out))
}

/// The output columns of a map: input columns with replacements in place, new ones appended.
pub fn map_columns(cols: &[PlanColumn], items: &[NamedExpr]) -> Vec<PlanColumn> {
    let mut out = cols.to_vec();
    for i in items {
        let col = PlanColumn {
            name: i.name.clone(),
            ty: i.expr.ty,
        };
        match out.iter_mut().find(|c| c.name == i.name) {
            Some(c) => *c = col,
            None => out.push(col),
        }
    }
    out
}

/// `map(n, items)`.
pub fn map(
    input: super::NodeId,
    cols: &[PlanColumn],
    items: &[&str],
) -> Result<(PlanKind, Vec<PlanColumn>), BuildError> {
    let items = typed_items("map", cols, items, true)?;
    let names: Vec<PlanColumn> = items
        .iter()
        .map(|i| PlanColumn {
            name: i.name.clone(),
            ty: i.expr.ty,
        })
        .collect();
    check_unique("map", &names)?;
    let out = map_columns(cols, &items);
    Ok((PlanKind::Map { input, items }, out))
}

/// The joined names of the right columns: a taken name gets `_right` (repeatedly if needed).
pub fn right_names(left: &[PlanColumn], right: &[PlanColumn]) -> Vec<String> {
    let mut taken: Vec<String> = left.iter().map(|c| c.name.clone()).collect();
    let mut out = Vec::new();
    for c in right {
        let mut name = c.name.clone();
        while taken.contains(&name) {
            name.push_str("_right");
        }
        taken.push(name.clone());
        out.push(name);
    }
    out
}

/// `join(l, r, on, kind)`.
pub fn join(
    left: super::NodeId,
    right: super::NodeId,
    lcols: &[PlanColumn],
    rcols: &[PlanColumn],
    on: &str,
    kind: JoinKind,
) -> Result<(PlanKind, Vec<PlanColumn>), BuildError> {
    let rnames = right_names(lcols, rcols);
    let mut joined = lcols.to_vec();
    joined.extend(rcols.iter().zip(&rnames).map(|(c, n)| PlanColumn {
        name: n.clone(),
        ty: c.ty,
    }));
    let mut e = parse_expr(on).map_err(|e| syntax("join", on, e))?;
    pair_same_names(&mut e, rcols, &rnames);
    let on_t = type_predicate(&e, &Cols(&joined), "join").map_err(|e| typing("join", on, e))?;
    let cond = split_join_condition(on_t, lcols, rcols, &rnames);
    let out = match kind {
        JoinKind::Semi | JoinKind::Anti => lcols.to_vec(),
        _ => joined,
    };
    Ok((
        PlanKind::Join {
            left,
            right,
            kind,
            cond,
        },
        out,
    ))
}

/// Reads a conjunct `c = c`, where both inputs have a column `c`, as the left `c` equal to the
/// right one (joined name `c_right`). Taken literally it would compare the left column with
/// itself, a cross product that `join(l, r, "id = id")` never means; `id = id_right` says the
/// same thing explicitly (§8: the predicate is over both sides' columns, and the right column
/// whose name is taken is `c_right`).
fn pair_same_names(e: &mut Expr, rcols: &[PlanColumn], rnames: &[String]) {
    match &mut e.kind {
        ExprKind::Binary(BinaryOp::And, a, b) => {
            pair_same_names(a, rcols, rnames);
            pair_same_names(b, rcols, rnames);
        }
        ExprKind::Binary(BinaryOp::Eq, a, b) => {
            if let (ExprKind::Column(x), ExprKind::Column(y)) = (&a.kind, &mut b.kind)
                && x == y
                && let Some(i) = rcols.iter().position(|c| &c.name == x)
                && rnames[i] != *x
            {
                *y = rnames[i].clone();
            }
        }
        _ => {}
    }
}

/// Splits a typed join predicate into hash-join key pairs and a residual.
pub fn split_join_condition(
    on: TExpr,
    lcols: &[PlanColumn],
    rcols: &[PlanColumn],
    rnames: &[String],
) -> JoinCondition {
    let lnames: Vec<&str> = lcols.iter().map(|c| c.name.as_str()).collect();
    let side = |e: &TExpr| -> Option<bool> {
        let cols = e.columns();
        if cols.is_empty() {
            None
        } else if cols.iter().all(|c| lnames.contains(&c.as_str())) {
            Some(true)
        } else if cols
            .iter()
            .all(|c| rnames.contains(c) && !lnames.contains(&c.as_str()))
        {
            Some(false)
        } else {
            None
        }
    };
    let to_right = |e: &TExpr| {
        e.map_columns(&|c| {
            rnames.iter().position(|n| n == c).map(|i| TExpr {
                kind: TKind::Column(rcols[i].name.clone()),
                ty: rcols[i].ty,
            })
        })
    };
    let mut equi = Vec::new();
    let mut residual = Vec::new();
    for part in on.clone().conjuncts() {
        if let TKind::Cmp(CmpOp::Eq, a, b) = &part.kind {
            match (side(a), side(b)) {
                (Some(true), Some(false)) => {
                    equi.push(((**a).clone(), to_right(b)));
                    continue;
                }
                (Some(false), Some(true)) => {
                    equi.push(((**b).clone(), to_right(a)));
                    continue;
                }
                _ => {}
            }
        }
        residual.push(part);
    }
    JoinCondition {
        on,
        equi,
        residual: TExpr::conjoin(residual),
        right_names: rnames.to_vec(),
        right_orig: rcols.iter().map(|c| c.name.clone()).collect(),
    }
}

/// `sort(n, keys)`.
pub fn sort(
    input: super::NodeId,
    cols: &[PlanColumn],
    keys: &[&str],
) -> Result<(PlanKind, Vec<PlanColumn>), BuildError> {
    let mut out = Vec::new();
    for text in keys {
        let k = parse_sort_key(text).map_err(|e| syntax("sort", text, e))?;
        let expr = type_expr(&k.expr, &Cols(cols), "sort").map_err(|e| typing("sort", text, e))?;
        out.push(SortKey {
            expr,
            descending: k.descending,
            nulls_first: k.nulls_first.unwrap_or(k.descending),
        });
    }
    Ok((PlanKind::Sort { input, keys: out }, cols.to_vec()))
}

/// `limit(n, count, offset)`.
pub fn limit(
    input: super::NodeId,
    cols: &[PlanColumn],
    count: i64,
    offset: i64,
) -> Result<(PlanKind, Vec<PlanColumn>), BuildError> {
    if count < 0 || offset < 0 {
        return Err(format!(
            "limit: count ({count}) and offset ({offset}) must not be negative"
        ));
    }
    Ok((
        PlanKind::Limit {
            input,
            count: count as u64,
            offset: offset as u64,
        },
        cols.to_vec(),
    ))
}

/// `union(a, b)` / `union_all(a, b)`.
pub fn union(
    left: super::NodeId,
    right: super::NodeId,
    lcols: &[PlanColumn],
    rcols: &[PlanColumn],
    all: bool,
) -> Result<(PlanKind, Vec<PlanColumn>), BuildError> {
    let op = if all { "union_all" } else { "union" };
    let show = |c: &[PlanColumn]| {
        c.iter()
            .map(|c| format!("{} {}", c.name, c.ty))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if lcols != rcols {
        return Err(format!(
            "{op}: both inputs need the same column names and types; left has ({}), right has ({})",
            show(lcols),
            show(rcols)
        ));
    }
    Ok((PlanKind::Union { left, right, all }, lcols.to_vec()))
}

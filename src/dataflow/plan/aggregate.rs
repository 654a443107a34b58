//! Creating `aggregate` nodes (§8). An item is one aggregate call (`sum(price * qty) as s`) or
//! an expression combining aggregates, constants and group keys (`sum(a) / count(*)`,
//! `max(x) - min(x)`); the latter is planned as the aggregate computing every call it needs
//! followed by a `Project` that evaluates the items over the aggregate's output.

use crate::dataflow::expr::ast::{Expr, ExprKind};
use crate::dataflow::expr::functions::{AggFunc, is_aggregate_name};
use crate::dataflow::expr::parser::parse_item;
use crate::dataflow::expr::typed::{TExpr, TKind};
use crate::dataflow::expr::typing::{is_int, is_numeric, type_expr};
use crate::dataflow::types::DataType;

use super::NodeId;
use super::build::{BuildError, Cols, check_unique, syntax, typed_items, typing};
use super::node::{AggItem, NamedExpr, PlanColumn, PlanKind};

const OP: &str = "aggregate";

/// A planned `aggregate`: the aggregate node, and, when some item combines aggregates, the
/// items of the `Project` to put over it (written over the aggregate node's output columns).
pub struct AggregatePlan {
    /// The `Aggregate` node and its output columns.
    pub node: (PlanKind, Vec<PlanColumn>),
    /// The final items (keys then the requested aggregates), when a project is needed.
    pub project: Option<Vec<NamedExpr>>,
}

/// A `Project` node over `input` computing `items` (already typed over `input`'s columns).
pub fn project_node(input: NodeId, items: Vec<NamedExpr>) -> (PlanKind, Vec<PlanColumn>) {
    let out = items
        .iter()
        .map(|i| PlanColumn {
            name: i.name.clone(),
            ty: i.expr.ty,
        })
        .collect();
    (PlanKind::Project { input, items }, out)
}

/// Types one aggregate call (`count(*)`, `sum(x)`, …) named `out_name`.
fn agg_call(
    cols: &[PlanColumn],
    call: &Expr,
    text: &str,
    out_name: String,
) -> Result<AggItem, BuildError> {
    // An aggregate's argument may not contain another aggregate.
    for a in call.children() {
        crate::dataflow::expr::functions::check_no_aggregates(a)
            .map_err(|err| syntax(OP, text, err))?;
    }
    let ExprKind::Call {
        name,
        args,
        distinct,
        star,
    } = &call.kind
    else {
        return Err(format!(
            "{OP} \"{text}\": expected an aggregate such as count(*), sum(x), avg(x)"
        ));
    };
    if *star {
        if name != "count" {
            return Err(format!("{OP} \"{text}\": only count takes `*`"));
        }
        return Ok(AggItem {
            func: AggFunc::CountStar,
            arg: None,
            name: out_name,
            ty: DataType::I64,
        });
    }
    if args.len() != 1 {
        return Err(format!(
            "{OP} \"{text}\": `{name}` takes exactly one argument"
        ));
    }
    let arg = type_expr(&args[0], &Cols(cols), OP).map_err(|e| typing(OP, text, e))?;
    let func = match (name.as_str(), distinct) {
        ("count", true) => AggFunc::CountDistinct,
        ("count", false) => AggFunc::Count,
        (_, true) => return Err(format!("{OP} \"{text}\": only count supports `distinct`")),
        ("sum", _) => AggFunc::Sum,
        ("avg", _) => AggFunc::Avg,
        ("min", _) => AggFunc::Min,
        ("max", _) => AggFunc::Max,
        ("stddev" | "stddev_samp", _) => AggFunc::Stddev,
        _ => AggFunc::Variance,
    };
    let needs_number = matches!(
        func,
        AggFunc::Sum | AggFunc::Avg | AggFunc::Stddev | AggFunc::Variance
    );
    if needs_number && !is_numeric(&arg.ty) {
        return Err(format!(
            "{OP} \"{text}\": `{name}` needs a number, found {}",
            arg.ty
        ));
    }
    let ty = match func {
        AggFunc::Count | AggFunc::CountDistinct | AggFunc::CountStar => DataType::I64,
        AggFunc::Sum if is_int(&arg.ty) => DataType::I64,
        AggFunc::Sum | AggFunc::Avg | AggFunc::Stddev | AggFunc::Variance => DataType::F64,
        AggFunc::Min | AggFunc::Max => arg.ty,
    };
    Ok(AggItem {
        func,
        arg: Some(arg),
        name: out_name,
        ty,
    })
}

fn is_agg_call(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Call { name, .. } if is_aggregate_name(name))
}

/// The aggregate computing `item` among `aggs`, added (under a fresh name) when missing.
fn intern(aggs: &mut Vec<AggItem>, taken: &[String], mut item: AggItem) -> String {
    if let Some(a) = aggs
        .iter()
        .find(|a| a.func == item.func && a.arg == item.arg)
    {
        return a.name.clone();
    }
    while taken.contains(&item.name) || aggs.iter().any(|a| a.name == item.name) {
        item.name.push('_');
    }
    let name = item.name.clone();
    aggs.push(item);
    name
}

/// The text explain shows for an aggregate call, used to name hidden aggregate columns.
fn call_text(a: &AggItem) -> String {
    match (&a.func, &a.arg) {
        (AggFunc::CountStar, _) => "count(*)".to_string(),
        (AggFunc::CountDistinct, Some(x)) => format!("count(distinct {x})"),
        (f, Some(x)) => format!("{}({x})", f.name()),
        (f, None) => format!("{}()", f.name()),
    }
}

/// Replaces every aggregate call inside `e` with a column of the aggregate's output, adding
/// the calls to `aggs`. A call inside an aggregate's argument is an error.
fn extract_calls(
    e: &mut Expr,
    cols: &[PlanColumn],
    text: &str,
    aggs: &mut Vec<AggItem>,
    taken: &[String],
) -> Result<(), BuildError> {
    if is_agg_call(e) {
        let mut item = agg_call(cols, e, text, String::new())?;
        item.name = call_text(&item);
        let name = intern(aggs, taken, item);
        e.kind = ExprKind::Column(name);
        return Ok(());
    }
    for c in e.children_mut() {
        extract_calls(c, cols, text, aggs, taken)?;
    }
    Ok(())
}

/// `aggregate(n, keys, aggs)`.
pub fn aggregate(
    input: NodeId,
    cols: &[PlanColumn],
    keys: &[&str],
    items: &[&str],
) -> Result<AggregatePlan, BuildError> {
    let keys = typed_items(OP, cols, keys, false)?;
    let key_names: Vec<String> = keys.iter().map(|k| k.name.clone()).collect();
    // Plain calls first, in order, so an aggregate without combined items is unchanged.
    let mut aggs: Vec<AggItem> = Vec::new();
    let mut combined: Vec<(usize, Expr, String, &str)> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for (i, text) in items.iter().enumerate() {
        let item = parse_item(text).map_err(|e| syntax(OP, text, e))?;
        let name = item
            .alias
            .clone()
            .unwrap_or_else(|| text.trim().to_string());
        names.push(name.clone());
        if is_agg_call(&item.expr) {
            aggs.push(agg_call(cols, &item.expr, text, name)?);
        } else {
            let mut found = false;
            crate::dataflow::expr::functions::walk(&item.expr, &mut |e| found |= is_agg_call(e));
            if !found {
                return Err(format!(
                    "{OP} \"{text}\": expected an aggregate such as count(*), sum(x), avg(x), \
                     or an expression over aggregates such as sum(a) / count(*)"
                ));
            }
            combined.push((i, item.expr.clone(), name, text));
        }
    }
    let key_cols: Vec<PlanColumn> = keys
        .iter()
        .map(|k| PlanColumn {
            name: k.name.clone(),
            ty: k.expr.ty,
        })
        .collect();
    let columns = |aggs: &[AggItem]| {
        let mut out = key_cols.clone();
        out.extend(aggs.iter().map(|a| PlanColumn {
            name: a.name.clone(),
            ty: a.ty,
        }));
        out
    };
    if combined.is_empty() {
        let out = columns(&aggs);
        check_unique(OP, &out)?;
        return Ok(AggregatePlan {
            node: (PlanKind::Aggregate { input, keys, aggs }, out),
            project: None,
        });
    }
    let mut final_out = key_cols.clone();
    final_out.extend(names.iter().map(|n| PlanColumn {
        name: n.clone(),
        ty: DataType::I64,
    }));
    check_unique(OP, &final_out)?;
    let plain = aggs.len();
    let mut taken = key_names.clone();
    taken.extend(names.iter().cloned());
    let mut exprs = Vec::new();
    for (i, mut e, name, text) in combined {
        extract_calls(&mut e, cols, text, &mut aggs, &taken)?;
        exprs.push((i, e, name, text));
    }
    let agg_out = columns(&aggs);
    // Outside the aggregate calls an item may read group keys and the calls' results.
    let mut typed: Vec<Option<NamedExpr>> = (0..items.len()).map(|_| None).collect();
    for (i, e, name, text) in exprs {
        let expr = type_expr(&e, &Cols(&agg_out), OP).map_err(|err| {
            if err.message.starts_with("unknown column") {
                format!(
                    "{OP} \"{text}\": outside an aggregate call an item can only use the \
                     group keys ({}); {}",
                    key_names.join(", "),
                    err.message
                )
            } else {
                typing(OP, text, err)
            }
        })?;
        typed[i] = Some(NamedExpr { expr, name });
    }
    let column = |name: &str, ty: DataType| TExpr {
        kind: TKind::Column(name.to_string()),
        ty,
    };
    let mut project: Vec<NamedExpr> = key_cols
        .iter()
        .map(|k| NamedExpr {
            expr: column(&k.name, k.ty),
            name: k.name.clone(),
        })
        .collect();
    let mut next_plain = aggs[..plain].iter();
    for t in typed {
        project.push(match t {
            Some(ne) => ne,
            None => {
                let a = next_plain
                    .next()
                    .expect("one plain aggregate per plain item");
                NamedExpr {
                    expr: column(&a.name, a.ty),
                    name: a.name.clone(),
                }
            }
        });
    }
    Ok(AggregatePlan {
        node: (PlanKind::Aggregate { input, keys, aggs }, agg_out),
        project: Some(project),
    })
}

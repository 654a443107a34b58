//! `explain`: the optimised plan as indented text, one operator a line, inputs indented two
//! spaces under their user. A node with several users is printed once with `[shared #k]` and
//! referenced afterwards as `Shared #k`. See `docs/dataflow.md` for every line format.

use std::collections::HashMap;
use std::fmt::Write;

use super::node::{NamedExpr, SortKey};
use super::order::merge_keys;
use super::{NodeId, PlanKind};
use crate::dataflow::exec::physical::build_left;
use crate::dataflow::expr::functions::AggFunc;
use crate::dataflow::expr::typed::{TKind, display_name};
use crate::dataflow::optimize::Plan;

fn items(items: &[NamedExpr]) -> String {
    items
        .iter()
        .map(|i| match &i.expr.kind {
            TKind::Column(c) if *c == i.name => display_name(c),
            _ => format!("{} as {}", i.expr, display_name(&i.name)),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn sort_keys(keys: &[SortKey]) -> String {
    keys.iter()
        .map(|k| {
            format!(
                "{} {} nulls {}",
                k.expr,
                if k.descending { "desc" } else { "asc" },
                if k.nulls_first { "first" } else { "last" }
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One line describing the operator of node `id` (without indentation or children).
pub fn describe(plan: &Plan, id: NodeId) -> String {
    let node = plan.node(id);
    match &node.kind {
        PlanKind::Scan {
            table,
            table_columns,
            columns,
            predicate,
        } => {
            let cols: Vec<String> = columns
                .iter()
                .map(|&c| display_name(&table_columns[c].name))
                .collect();
            let mut s = format!("Scan [{}] rows={}", cols.join(", "), table.num_rows());
            if let Some(p) = predicate {
                let _ = write!(s, " filter={p}");
            }
            s
        }
        PlanKind::Filter { predicate, .. } => format!("Filter {predicate}"),
        PlanKind::Project { items: it, .. } => format!("Project {}", items(it)),
        PlanKind::Map { items: it, .. } => format!("Map {}", items(it)),
        PlanKind::Join {
            left,
            right,
            kind,
            cond,
        } => {
            if cond.equi.is_empty() {
                let on = cond
                    .residual
                    .as_ref()
                    .map_or("true".to_string(), |r| r.to_string());
                format!("NestedLoopJoin {} on={on}", kind.name())
            } else if let Some(m) = merge_keys(plan, *left, *right, cond) {
                let keys: Vec<String> = m
                    .order
                    .iter()
                    .zip(&m.descending)
                    .map(|(&k, &d)| {
                        let (l, r) = &cond.equi[k];
                        format!("{l} = {r}{}", if d { " desc" } else { "" })
                    })
                    .collect();
                let mut s = format!("MergeJoin {} keys=[{}]", kind.name(), keys.join(", "));
                if let Some(r) = &cond.residual {
                    let _ = write!(s, " residual={r}");
                }
                s
            } else {
                let keys: Vec<String> = cond
                    .equi
                    .iter()
                    .map(|(l, r)| format!("{l} = {r}"))
                    .collect();
                let side = if build_left(plan, *kind, *left, *right) {
                    "left"
                } else {
                    "right"
                };
                let mut s = format!(
                    "HashJoin {} keys=[{}] build={side}",
                    kind.name(),
                    keys.join(", ")
                );
                if let Some(r) = &cond.residual {
                    let _ = write!(s, " residual={r}");
                }
                s
            }
        }
        PlanKind::Aggregate { keys, aggs, .. } => {
            let a: Vec<String> = aggs
                .iter()
                .map(|a| {
                    let call = match (&a.func, &a.arg) {
                        (AggFunc::CountStar, _) => "count(*)".to_string(),
                        (AggFunc::CountDistinct, Some(x)) => format!("count(distinct {x})"),
                        (f, Some(x)) => format!("{}({x})", f.name()),
                        (f, None) => format!("{}()", f.name()),
                    };
                    if call == a.name {
                        call
                    } else {
                        format!("{call} as {}", display_name(&a.name))
                    }
                })
                .collect();
            format!("Aggregate keys=[{}] aggs=[{}]", items(keys), a.join(", "))
        }
        PlanKind::Sort { keys, .. } => format!("Sort {}", sort_keys(keys)),
        PlanKind::TopN {
            keys,
            count,
            offset,
            ..
        } => {
            format!("TopN count={count} offset={offset} by {}", sort_keys(keys))
        }
        PlanKind::Limit { count, offset, .. } => format!("Limit count={count} offset={offset}"),
        PlanKind::Distinct { .. } => "Distinct".to_string(),
        PlanKind::Union { all: false, .. } => "Union".to_string(),
        PlanKind::Union { all: true, .. } => "UnionAll".to_string(),
    }
}

/// The whole plan as indented text (ends with a newline).
pub fn explain(plan: &Plan) -> String {
    let users = plan.parent_counts();
    let mut labels: HashMap<NodeId, usize> = HashMap::new();
    let mut out = String::new();
    // Explicit stack (depth, node) so deep plans cannot overflow the call stack.
    let mut stack = vec![(0usize, plan.root)];
    while let Some((depth, id)) = stack.pop() {
        let indent = "  ".repeat(depth);
        if let Some(k) = labels.get(&id) {
            let _ = writeln!(out, "{indent}Shared #{k}");
            continue;
        }
        let mut line = describe(plan, id);
        if users[id.index()] > 1 {
            let k = labels.len() + 1;
            labels.insert(id, k);
            let _ = write!(line, " [shared #{k}]");
        }
        let _ = writeln!(out, "{indent}{line}");
        for input in plan.node(id).kind.inputs().into_iter().rev() {
            stack.push((depth + 1, input));
        }
    }
    out
}

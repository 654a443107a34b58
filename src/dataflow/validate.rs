//! Compile-time syntax checks of dataflow expression strings (§8), used by the type checker for
//! string literals passed to `filter`, `project`, `map`, `join`, `aggregate`, `sort` and schemas.

use std::ops::Range;

use crate::dataflow::expr::ast::{ExprKind, ParseError};
use crate::dataflow::expr::functions::is_aggregate_name;
use crate::dataflow::expr::parser::{parse_expr, parse_item, parse_join_kind, parse_sort_key};

/// Where an expression string is used; each place accepts a different form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExprContext {
    /// A `filter` predicate.
    Predicate,
    /// A `project` item: a column name or `expr as name`.
    ProjectItem,
    /// A `map` item: `expr as name`.
    MapItem,
    /// An `aggregate` key (an expression, optionally `as name`).
    AggregateKey,
    /// An `aggregate` item such as `sum(x) as total`.
    AggregateItem,
    /// A `sort` key: `col`, `col desc`, `col asc nulls first`.
    SortKey,
    /// A `join` predicate.
    JoinOn,
    /// A `join` kind: `inner left right full semi anti`.
    JoinKind,
    /// A `read_csv` schema item: `name type`.
    SchemaItem,
}

/// A syntax error inside an expression string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprSyntaxError {
    /// Byte range inside the expression text.
    pub range: Range<usize>,
    /// What is wrong.
    pub message: String,
}

impl From<ParseError> for ExprSyntaxError {
    fn from(e: ParseError) -> Self {
        ExprSyntaxError {
            range: e.range,
            message: e.message,
        }
    }
}

/// Checks the syntax of `text` used in `context`, without any schema.
pub fn validate_expression_text(context: ExprContext, text: &str) -> Result<(), ExprSyntaxError> {
    match context {
        ExprContext::Predicate | ExprContext::JoinOn => {
            let e = parse_expr(text)?;
            crate::dataflow::expr::functions::check_no_aggregates(&e)?;
        }
        ExprContext::ProjectItem | ExprContext::AggregateKey => {
            let item = parse_item(text)?;
            crate::dataflow::expr::functions::check_no_aggregates(&item.expr)?;
        }
        ExprContext::MapItem => {
            let item = parse_item(text)?;
            crate::dataflow::expr::functions::check_no_aggregates(&item.expr)?;
            if item.alias.is_none() && !matches!(item.expr.kind, ExprKind::Column(_)) {
                return Err(ExprSyntaxError {
                    range: item.expr.span.clone(),
                    message: "a map item needs a name: write `expr as name`".into(),
                });
            }
        }
        ExprContext::AggregateItem => {
            // One aggregate call, or an expression over aggregate calls (`sum(a) / count(*)`).
            let item = parse_item(text)?;
            let mut calls = 0;
            let mut nested = Ok(());
            crate::dataflow::expr::functions::walk(&item.expr, &mut |e| {
                if let ExprKind::Call { name, args, .. } = &e.kind
                    && is_aggregate_name(name)
                {
                    calls += 1;
                    for a in args {
                        if nested.is_ok() {
                            nested = crate::dataflow::expr::functions::check_no_aggregates(a);
                        }
                    }
                }
            });
            nested?;
            if calls == 0 {
                return Err(ExprSyntaxError {
                    range: item.expr.span.clone(),
                    message: "an aggregate item must be one of count(*), count(x), \
                              count(distinct x), sum, avg, min, max, stddev, variance, or an \
                              expression over them such as sum(a) / count(*)"
                        .into(),
                });
            }
        }
        ExprContext::SortKey => {
            let key = parse_sort_key(text)?;
            crate::dataflow::expr::functions::check_no_aggregates(&key.expr)?;
        }
        ExprContext::JoinKind => {
            parse_join_kind(text)?;
        }
        ExprContext::SchemaItem => {
            // The same parser `read_csv` uses, so a name may contain spaces (`full name string`).
            if let Err(e) = crate::dataflow::types::Field::parse_item(text) {
                let end = text.trim_end().len();
                let start = text[..end].rfind(char::is_whitespace).map_or(0, |i| i + 1);
                let message = match e {
                    crate::dataflow::error::DataflowError::Schema { message } => message,
                    other => other.to_string(),
                };
                return Err(ExprSyntaxError {
                    range: start..end,
                    message,
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_each_context() {
        use ExprContext::*;
        for (ctx, text) in [
            (
                Predicate,
                "price > 10 and not (qty is null) or name like 'a%'",
            ),
            (ProjectItem, "price * qty as total"),
            (ProjectItem, "\"odd name\""),
            (MapItem, "upper(name) as name"),
            (AggregateKey, "year(d)"),
            (AggregateItem, "count(distinct x) as n"),
            (AggregateItem, "count(*)"),
            (SortKey, "price desc nulls last"),
            (JoinOn, "id = id_right and a < b"),
            (JoinKind, "semi"),
            (SchemaItem, "id i64"),
            (SchemaItem, "full name string"),
        ] {
            assert_eq!(
                validate_expression_text(ctx, text),
                Ok(()),
                "{ctx:?} {text}"
            );
        }
    }

    #[test]
    fn rejects_with_ranges() {
        let e = validate_expression_text(ExprContext::Predicate, "a > ").unwrap_err();
        assert_eq!(e.range, 4..4);
        let e = validate_expression_text(ExprContext::MapItem, "a + 1").unwrap_err();
        assert_eq!(e.range, 0..5);
        let e = validate_expression_text(ExprContext::AggregateItem, "x + 1").unwrap_err();
        assert!(e.message.contains("aggregate"));
        let e = validate_expression_text(ExprContext::Predicate, "sum(x) > 1").unwrap_err();
        assert_eq!(e.range, 0..6);
        let e = validate_expression_text(ExprContext::JoinKind, " outer").unwrap_err();
        assert_eq!(e.range, 1..6);
        let e = validate_expression_text(ExprContext::SchemaItem, "id int").unwrap_err();
        assert_eq!(e.range, 3..6);
    }

    #[test]
    fn aggregate_items_may_combine_aggregates() {
        use ExprContext::AggregateItem;
        for text in [
            "sum(a) / count(*) as mean",
            "max(x) - min(x)",
            "k * count(distinct y) + 1 as z",
        ] {
            assert_eq!(
                validate_expression_text(AggregateItem, text),
                Ok(()),
                "{text}"
            );
        }
        // An aggregate inside an aggregate's argument is still refused, with its range.
        let e = validate_expression_text(AggregateItem, "1 + sum(count(*))").unwrap_err();
        assert_eq!(e.range, 8..16);
        let e = validate_expression_text(AggregateItem, "x + 1 as y").unwrap_err();
        assert_eq!(e.range, 0..5);
    }
}

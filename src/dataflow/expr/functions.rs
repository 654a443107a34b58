//! The scalar and aggregate function names of §8 and syntax-level checks on them.

use super::ast::{Expr, ExprKind, ParseError};

/// A scalar function of §8.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Func {
    /// `abs(x)`
    Abs,
    /// `round(x)` or `round(x, digits)`: half away from zero
    Round,
    /// `floor(x)`
    Floor,
    /// `ceil(x)`
    Ceil,
    /// `sqrt(x)` → f64
    Sqrt,
    /// `lower(s)`
    Lower,
    /// `upper(s)`
    Upper,
    /// `length(s)`: characters (Unicode scalar values), as DuckDB
    Length,
    /// `substr(s, start1, count)`: 1-based, in characters
    Substr,
    /// `coalesce(a, b, …)`
    Coalesce,
    /// `concat(a, b, …)`: nulls count as empty text, as DuckDB
    Concat,
    /// `year(d)` on ISO `YYYY-MM-DD` text
    Year,
    /// `month(d)`
    Month,
    /// `day(d)`
    Day,
}

impl Func {
    /// Looks a scalar function up by (lower-case) name.
    pub fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "abs" => Func::Abs,
            "round" => Func::Round,
            "floor" => Func::Floor,
            "ceil" | "ceiling" => Func::Ceil,
            "sqrt" => Func::Sqrt,
            "lower" => Func::Lower,
            "upper" => Func::Upper,
            "length" => Func::Length,
            "substr" | "substring" => Func::Substr,
            "coalesce" => Func::Coalesce,
            "concat" => Func::Concat,
            "year" => Func::Year,
            "month" => Func::Month,
            "day" => Func::Day,
            _ => return None,
        })
    }

    /// The function's name.
    pub fn name(self) -> &'static str {
        match self {
            Func::Abs => "abs",
            Func::Round => "round",
            Func::Floor => "floor",
            Func::Ceil => "ceil",
            Func::Sqrt => "sqrt",
            Func::Lower => "lower",
            Func::Upper => "upper",
            Func::Length => "length",
            Func::Substr => "substr",
            Func::Coalesce => "coalesce",
            Func::Concat => "concat",
            Func::Year => "year",
            Func::Month => "month",
            Func::Day => "day",
        }
    }
}

/// An aggregate function of §8.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AggFunc {
    /// `count(*)`
    CountStar,
    /// `count(x)`: non-null values
    Count,
    /// `count(distinct x)`
    CountDistinct,
    /// `sum(x)`
    Sum,
    /// `avg(x)`
    Avg,
    /// `min(x)`
    Min,
    /// `max(x)`
    Max,
    /// `stddev(x)`: sample standard deviation
    Stddev,
    /// `variance(x)`: sample variance
    Variance,
}

impl AggFunc {
    /// The function's name as written.
    pub fn name(self) -> &'static str {
        match self {
            AggFunc::CountStar | AggFunc::Count | AggFunc::CountDistinct => "count",
            AggFunc::Sum => "sum",
            AggFunc::Avg => "avg",
            AggFunc::Min => "min",
            AggFunc::Max => "max",
            AggFunc::Stddev => "stddev",
            AggFunc::Variance => "variance",
        }
    }
}

/// True when `name` (lower-case) is an aggregate function.
pub fn is_aggregate_name(name: &str) -> bool {
    matches!(
        name,
        "count"
            | "sum"
            | "avg"
            | "min"
            | "max"
            | "stddev"
            | "stddev_samp"
            | "variance"
            | "var_samp"
    )
}

/// Fails on the first aggregate call inside `e` (aggregates belong in `aggregate` only).
pub fn check_no_aggregates(e: &Expr) -> Result<(), ParseError> {
    let mut err = None;
    walk(e, &mut |x| {
        if err.is_none()
            && let ExprKind::Call { name, .. } = &x.kind
            && is_aggregate_name(name)
        {
            err = Some(ParseError::new(
                x.span.clone(),
                format!("aggregate `{name}` is only allowed in aggregate items"),
            ));
        }
    });
    err.map_or(Ok(()), Err)
}

/// Calls `f` on every node of `e`, parents first.
pub fn walk(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(e);
    match &e.kind {
        ExprKind::Column(_) | ExprKind::Literal(_) => {}
        ExprKind::Unary(_, x)
        | ExprKind::IsNull { expr: x, .. }
        | ExprKind::Cast { expr: x, .. } => walk(x, f),
        ExprKind::Binary(_, a, b)
        | ExprKind::Like {
            expr: a,
            pattern: b,
            ..
        } => {
            walk(a, f);
            walk(b, f);
        }
        ExprKind::Between {
            expr, low, high, ..
        } => {
            walk(expr, f);
            walk(low, f);
            walk(high, f);
        }
        ExprKind::InList { expr, list, .. } => {
            walk(expr, f);
            list.iter().for_each(|x| walk(x, f));
        }
        ExprKind::Case { whens, otherwise } => {
            for (c, v) in whens {
                walk(c, f);
                walk(v, f);
            }
            if let Some(o) = otherwise {
                walk(o, f);
            }
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|x| walk(x, f)),
    }
}

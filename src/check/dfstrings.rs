//! Compile-time checks of dataflow expression strings (§8): string literals passed to `filter`,
//! `project`, `map`, `join`, `aggregate`, `sort`, `read_csv` and `table_builder` are validated
//! by the dataflow engine's parser, and its errors point into the literal.

use crate::builtins::Builtin;
use crate::check::builtin_sigs::expression_args;
use crate::check::codes;
use crate::check::env::Checker;
use crate::dataflow::validate::{ExprContext, validate_expression_text};
use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind as A};
use std::ops::Range;

/// Maps `range` inside the decoded text of a string literal written at `lit` (quotes included,
/// `raw` being the source text of that span) to a span in the source. When the literal contains
/// escapes the decoded and written offsets differ, so the whole literal is returned.
pub fn literal_subspan(lit: Span, raw: &str, range: Range<usize>) -> Span {
    let bytes = raw.as_bytes();
    let quoted = bytes.len() >= 2 && bytes[0] == b'"' && bytes[bytes.len() - 1] == b'"';
    if !quoted || raw.contains('\\') {
        return lit;
    }
    let inner_len = raw.len() - 2;
    let start = range.start.min(inner_len);
    let mut end = range.end.clamp(start, inner_len);
    if end == start && end < inner_len {
        end += 1;
    }
    let base = lit.start as usize + 1;
    Span::new(lit.file, base + start, base + end)
}

fn context_name(c: ExprContext) -> &'static str {
    match c {
        ExprContext::Predicate => "filter predicate",
        ExprContext::ProjectItem => "project item",
        ExprContext::MapItem => "map item",
        ExprContext::AggregateKey => "aggregate key",
        ExprContext::AggregateItem => "aggregate item",
        ExprContext::SortKey => "sort key",
        ExprContext::JoinOn => "join condition",
        ExprContext::JoinKind => "join kind",
        ExprContext::SchemaItem => "schema item",
    }
}

impl Checker {
    /// Validates the literal expression strings among the arguments of built-in `b`.
    pub fn check_dataflow_args(&mut self, b: Builtin, args: &[ast::Expr]) {
        for &(i, ctx) in expression_args(b) {
            let Some(arg) = args.get(i) else { continue };
            match &arg.kind {
                A::Str(s) => self.check_dataflow_text(ctx, s, arg.span),
                A::ArrayLit(items) => {
                    for item in items {
                        if let A::Str(s) = &item.kind {
                            self.check_dataflow_text(ctx, s, item.span);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn check_dataflow_text(&mut self, ctx: ExprContext, text: &str, span: Span) {
        let Err(e) = validate_expression_text(ctx, text) else {
            return;
        };
        let raw = self
            .sources
            .get(span.file)
            .text
            .get(span.range())
            .unwrap_or("")
            .to_string();
        let at = literal_subspan(span, &raw, e.range.clone());
        self.report(
            Diagnostic::error(
                codes::DATAFLOW_TEXT,
                format!("invalid {}: {}", context_name(ctx), e.message),
                at,
                e.message.clone(),
            )
            .with_note("dataflow expression strings are checked at compile time when they are literals (§8)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn maps_ranges_inside_plain_literals() {
        // Source: `x = "price > 1";` with the literal at bytes 4..17.
        let lit = Span::new(FileId(0), 4, 17);
        let raw = "\"price > 1\"";
        assert_eq!(literal_subspan(lit, raw, 0..5), Span::new(FileId(0), 5, 10));
        assert_eq!(
            literal_subspan(lit, raw, 8..9),
            Span::new(FileId(0), 13, 14)
        );
        // Empty ranges widen to one byte; ranges past the end clamp.
        assert_eq!(literal_subspan(lit, raw, 3..3), Span::new(FileId(0), 8, 9));
        assert_eq!(
            literal_subspan(lit, raw, 5..99),
            Span::new(FileId(0), 10, 14)
        );
    }

    #[test]
    fn escapes_use_the_whole_literal() {
        let lit = Span::new(FileId(0), 0, 8);
        assert_eq!(literal_subspan(lit, "\"a\\tb c\"", 1..2), lit);
        assert_eq!(literal_subspan(lit, "not-a-literal", 1..2), lit);
    }
}

//! One `Diagnostic` type for every compile-time error, rendered with ariadne.
//!
//! Codes are stable (`E0xxx`) and listed in `docs/errors.md`.

use crate::source::{SourceMap, Span};
use ariadne::{Color, Config, IndexType, Label as AriadneLabel, Report, ReportKind};
use std::io::Write;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Stops compilation.
    Error,
    /// Reported, compilation goes on.
    Warning,
}

/// A labelled span inside a diagnostic.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// Where the label points.
    pub span: Span,
    /// What it says there.
    pub message: String,
}

/// A compile-time error or warning with a stable code, spans and hints.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The stable code, e.g. `E0012`.
    pub code: &'static str,
    /// One-line summary.
    pub message: String,
    /// The main place of the problem.
    pub primary: Label,
    /// Further places that help ("declared here").
    pub secondary: Vec<Label>,
    /// Notes shown after the source excerpt.
    pub notes: Vec<String>,
    /// A likely fix.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with `code` and `message` whose primary label is `label` at `span`.
    pub fn error(
        code: &'static str,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            primary: Label {
                span,
                message: label.into(),
            },
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic with ariadne into `out`; `color` turns ANSI colours on.
    pub fn render(&self, sources: &SourceMap, color: bool, out: &mut dyn Write) {
        let name = |span: Span| sources.get(span.file).name.clone();
        let kind = match self.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
        };
        let clamp = |span: Span| {
            let len = sources.get(span.file).text.len();
            let start = (span.start as usize).min(len);
            let end = (span.end as usize).clamp(start, len);
            (name(span), start..end)
        };
        let mut report = Report::build(kind, clamp(self.primary.span))
            .with_config(
                Config::default()
                    .with_color(color)
                    .with_index_type(IndexType::Byte),
            )
            .with_code(self.code)
            .with_message(&self.message)
            .with_label(
                AriadneLabel::new(clamp(self.primary.span))
                    .with_message(&self.primary.message)
                    .with_color(Color::Red)
                    .with_order(0),
            );
        for (i, label) in self.secondary.iter().enumerate() {
            report = report.with_label(
                AriadneLabel::new(clamp(label.span))
                    .with_message(&label.message)
                    .with_color(Color::Blue)
                    .with_order(i as i32 + 1),
            );
        }
        for note in &self.notes {
            report = report.with_note(note);
        }
        if let Some(help) = &self.help {
            report = report.with_help(help);
        }
        let cache = ariadne::sources(
            sources
                .files()
                .map(|(_, f)| (f.name.clone(), f.text.clone())),
        );
        // Rendering into a Vec or stderr only fails on I/O errors we cannot act on.
        let _ = report.finish().write(cache, out);
    }

    /// Renders to a `String` without colour (used by tests and snapshots).
    pub fn render_to_string(&self, sources: &SourceMap) -> String {
        let mut buf = Vec::new();
        self.render(sources, false, &mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    }
}

/// Renders every diagnostic in order, without colour.
pub fn render_all(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    diagnostics
        .iter()
        .map(|d| d.render_to_string(sources))
        .collect()
}

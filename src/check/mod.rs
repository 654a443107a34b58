//! Name resolution and type checking: AST to the typed [`hir`].
//!
//! Entry points: [`check_file`] and [`check_source`]. The stages: [`loader`] reads the entry
//! file and its imports; `collect` enters every declaration; bodies are then checked
//! expression by expression (`expr`, `ops`, `call`, `stmt`), constants folded (`consts`), and
//! the flattened [`hir::Program`] assembled (`program`).

pub mod builtin_sigs;
mod call;
pub mod codes;
mod collect;
pub mod consts;
pub mod dfstrings;
mod env;
mod expr;
pub mod hir;
pub mod literal;
pub mod loader;
mod ops;
mod program;
pub mod returns;
mod stmt;
pub mod suggest;
pub mod types;

use crate::diagnostics::{Diagnostic, render_all};
use crate::source::{SourceFile, SourceMap, Span};
use std::path::Path;

/// Why a program did not check: every diagnostic, with the files they point into.
#[derive(Debug)]
pub struct CheckFailure {
    /// Every file read.
    pub sources: SourceMap,
    /// The diagnostics, ordered by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl CheckFailure {
    /// All diagnostics rendered without colour.
    pub fn render(&self) -> String {
        render_all(&self.diagnostics, &self.sources)
    }
}

/// Stack for the checking thread: deeply nested (but parser-accepted) code must not overflow.
const CHECK_STACK: usize = 256 << 20;

/// Checks the program whose entry file is at `path` (imports resolve relative to it).
pub fn check_file(path: &Path) -> Result<hir::Program, CheckFailure> {
    let name = path.to_string_lossy().into_owned();
    match loader::read_source(path) {
        Ok(bytes) => run(name, bytes),
        Err(e) => {
            let mut sources = SourceMap::new();
            let file = sources.add(SourceFile::new(name.clone(), ""));
            let d = Diagnostic::error(
                codes::UNREADABLE,
                format!("cannot read `{name}`: {e}"),
                Span::new(file, 0, 0),
                "could not read this file",
            );
            Err(CheckFailure {
                sources,
                diagnostics: vec![d],
            })
        }
    }
}

/// Checks `text` as the entry file called `name`; file imports resolve relative to `name`'s
/// directory.
pub fn check_source(name: &str, text: &str) -> Result<hir::Program, CheckFailure> {
    run(name.to_string(), text.as_bytes().to_vec())
}

fn run(name: String, bytes: Vec<u8>) -> Result<hir::Program, CheckFailure> {
    let work = move || {
        let loaded = loader::load(&name, &bytes);
        let mut checker = env::Checker::new(loaded);
        checker.collect();
        checker.check_bodies();
        checker.finish()
    };
    std::thread::scope(|s| {
        let handle = std::thread::Builder::new()
            .name("theta-check".into())
            .stack_size(CHECK_STACK)
            .spawn_scoped(s, work)
            .expect("spawning the checker thread");
        match handle.join() {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}
#[cfg(test)]
mod tests;

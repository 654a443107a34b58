//! Name resolution and type checking: AST to the typed [`hir`].

pub mod hir;
pub mod types;

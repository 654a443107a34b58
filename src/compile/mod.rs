//! The compiler back end: typed HIR to IR, register allocation and bytecode emission.
//!
//! [`lower`] turns each HIR function into an [`ir::IrFunction`] (virtual registers, basic
//! blocks); [`regalloc`] assigns physical registers and spill slots using [`liveness`];
//! [`emit`] writes the instructions, constants and debug tables of a `bytecode::Module`.

pub mod emit;
mod fields;
pub mod ir;
pub mod liveness;
pub mod lower;
mod lower_expr;
mod lower_stmt;
pub mod pools;
pub mod regalloc;
pub mod select;

use std::fmt;
use std::path::Path;

use crate::bytecode::{
    Export, ExportKind, Field, Global, MainInfo, MainReturn, Module, StructLayout,
};
use crate::check::{CheckFailure, hir};
use crate::compile::pools::{Pools, value_vtype};
use crate::source::SourceFile;

/// A limit of the bytecode format was exceeded, or the back end met HIR it cannot handle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// Which kind of problem.
    pub kind: CompileErrorKind,
    /// A sentence saying what went wrong, naming the function where possible.
    pub message: String,
}

/// The kinds of [`CompileError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompileErrorKind {
    /// A format limit: too many constants, functions, registers, instructions …
    Limit,
    /// The HIR broke an invariant the checker promises (a bug in an earlier stage).
    Internal,
}

impl CompileError {
    /// A format-limit error.
    pub fn limit(message: String) -> CompileError {
        CompileError {
            kind: CompileErrorKind::Limit,
            message,
        }
    }

    /// An internal-invariant error.
    pub fn internal(message: String) -> CompileError {
        CompileError {
            kind: CompileErrorKind::Internal,
            message,
        }
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            CompileErrorKind::Limit => write!(f, "program too large: {}", self.message),
            CompileErrorKind::Internal => write!(f, "internal compiler error: {}", self.message),
        }
    }
}

impl std::error::Error for CompileError {}

/// Stack for the compiling thread: lowering recurses over expression depth, which the parser
/// bounds (512) but which can still exceed a small default thread stack in debug builds.
const COMPILE_STACK: usize = 256 << 20;

/// Compiles a checked program into a bytecode module (deterministic: the same program always
/// gives the same module).
pub fn compile_program(program: &hir::Program) -> Result<Module, CompileError> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("theta-compile".into())
            .stack_size(COMPILE_STACK)
            .spawn_scoped(scope, || compile_on_this_thread(program))
            .map_err(|e| CompileError::limit(format!("cannot start the compiler thread: {e}")))?
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

fn compile_on_this_thread(program: &hir::Program) -> Result<Module, CompileError> {
    if program.functions.len() > i32::MAX as usize {
        return Err(CompileError::limit("too many functions".into()));
    }
    let files: Vec<&SourceFile> = program.sources.files().map(|(_, f)| f).collect();
    let mut pools = Pools::default();
    let mut functions = Vec::with_capacity(program.functions.len());
    for f in &program.functions {
        let mut ir = lower::lower_function(program, f)?;
        fields::reuse_field_loads(&mut ir);
        let alloc = regalloc::allocate(&ir)?;
        functions.push(emit::emit_function(&files, &mut pools, &ir, &alloc)?);
    }
    let structs = program
        .structs
        .iter()
        .map(|s| {
            Ok(StructLayout {
                name: s.name.clone(),
                fields: s
                    .fields
                    .iter()
                    .map(|f| {
                        Ok(Field {
                            name: f.name.clone(),
                            ty: value_vtype(&f.ty)?,
                        })
                    })
                    .collect::<Result<_, CompileError>>()?,
            })
        })
        .collect::<Result<_, CompileError>>()?;
    let globals = program
        .globals
        .iter()
        .map(|g| {
            Ok(Global {
                name: g.name.clone(),
                ty: value_vtype(&g.ty)?,
            })
        })
        .collect::<Result<_, CompileError>>()?;
    let main = program.main.map(|m| MainInfo {
        func: m.func.0,
        takes_args: m.takes_args,
        returns: match m.returns {
            hir::ReturnKind::Void => MainReturn::Void,
            hir::ReturnKind::I32 => MainReturn::I32,
            hir::ReturnKind::I64 => MainReturn::I64,
        },
    });
    let mut exports = Vec::new();
    for (i, f) in program.functions.iter().enumerate() {
        if i as u32 != program.init.0 {
            exports.push(Export {
                name: f.name.clone(),
                kind: ExportKind::Function,
                index: i as u32,
            });
        }
    }
    for (i, g) in program.globals.iter().enumerate() {
        exports.push(Export {
            name: g.name.clone(),
            kind: ExportKind::Global,
            index: i as u32,
        });
    }
    let mut module = Module {
        source_files: files.iter().map(|f| f.name.clone()).collect(),
        consts_i64: pools.i64s,
        consts_f64: pools.f64s,
        strings: pools.strings,
        types: pools.types,
        structs,
        globals,
        builtins: pools.builtins,
        functions,
        init: program.init.0,
        main,
        exports,
    };
    // The typed register file layout (docs/bytecode.md, "Register types"). Should the code not
    // verify (a compiler bug), the table stays empty and loading reports the real error.
    let _ = crate::bytecode::verify::fill_register_types(&mut module);
    Ok(module)
}

/// Why `compile_source`/`compile_file` produced no module.
#[derive(Debug)]
pub enum CompileFailure {
    /// The program has compile errors (rendered with [`CheckFailure::render`]).
    Check(CheckFailure),
    /// The program checked but exceeds a limit of the bytecode format.
    Compile(CompileError),
}

impl CompileFailure {
    /// Every error as text, ready for stderr (diagnostics without colour).
    pub fn render(&self) -> String {
        match self {
            CompileFailure::Check(f) => f.render(),
            CompileFailure::Compile(e) => format!("error: {e}\n"),
        }
    }
}

impl fmt::Display for CompileFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// Checks and compiles `text` as the entry file called `name` (imports resolve relative to it).
pub fn compile_source(name: &str, text: &str) -> Result<Module, CompileFailure> {
    let program = crate::check::check_source(name, text).map_err(CompileFailure::Check)?;
    compile_program(&program).map_err(CompileFailure::Compile)
}

/// Checks and compiles the program whose entry file is `path`.
pub fn compile_file(path: &Path) -> Result<Module, CompileFailure> {
    let program = crate::check::check_file(path).map_err(CompileFailure::Check)?;
    compile_program(&program).map_err(CompileFailure::Compile)
}

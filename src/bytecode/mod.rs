//! The bytecode: instruction set, module format (FlatBuffers), loader, verifier, disassembler.
//!
//! - [`opcodes`]: the instruction set, one doc line per opcode; [`instr`]: the 8-byte instruction.
//! - [`module`]: the in-memory [`Module`] the compiler builds and the VM runs.
//! - [`builtin_ops`]: the operations `CALL_BUILTIN` calls, with their signatures.
//! - [`write`] (`Module::to_bytes`), [`load`](load()) / [`decode`], [`verify()`], [`disassemble`].
//! - [`builder`]: an assembler for building modules by hand.

pub mod builder;
pub mod builtin_ops;
pub mod disasm;
pub mod error;
pub mod instr;
pub mod load;
pub mod module;
pub mod opcodes;
pub mod regtypes;
pub mod verify;
pub mod write;

pub use builder::{FunctionBuilder, Label, ModuleBuilder};
pub use builtin_ops::BuiltinOp;
pub use disasm::disassemble;
pub use error::{LoadError, LoadErrorKind};
pub use instr::Instr;
pub use load::{FILE_IDENTIFIER, decode, load, module_version};
pub use module::{
    Export, ExportKind, Field, FnSig, Function, FunctionDebug, Global, LineEntry, MODULE_VERSION,
    MainInfo, MainReturn, Module, RegName, RegType, StructLayout, TypeLayout, VType,
};
pub use opcodes::{DfArg, DfNodeKind, ElemKind, Opcode, Operand};
pub use verify::verify;

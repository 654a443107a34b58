//! The bytecode: instruction set, module format (FlatBuffers), loader, verifier, disassembler.
//!
//! - [`opcodes`]: the instruction set, one doc line per opcode.
//! - [`instr`]: the 8-byte instruction.
//! - [`module`]: the in-memory [`Module`] the compiler builds and the VM runs.
//! - [`builtin_ops`]: the operations `CALL_BUILTIN` calls, with their signatures.

pub mod builtin_ops;
pub mod instr;
pub mod module;
pub mod opcodes;

pub use builtin_ops::BuiltinOp;
pub use instr::Instr;
pub use module::{
    Export, ExportKind, Field, FnSig, Function, FunctionDebug, Global, LineEntry, MODULE_VERSION,
    MainInfo, MainReturn, Module, RegName, StructLayout, VType,
};
pub use opcodes::{DfArg, DfNodeKind, ElemKind, Opcode, Operand};

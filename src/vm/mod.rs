//! The virtual machine: interpreter, runtime values, heap, traps and the host API.

mod floatfmt_shim;
pub mod format;
pub mod heap;
pub mod ops;
pub mod trap;
pub mod value;

pub use trap::{SourceLoc, TraceFrame, Trap, TrapKind};
pub use value::{RtType, StructLayout, StructValue, Value};

//! The virtual machine: interpreter, runtime values, heap, traps and the host API.
//!
//! - [`host`]: the embedding API ([`Vm`], limits, output capture, typed calls).
//! - [`interp`]: the interpreter (threaded dispatch); [`ops`]: pure op semantics; [`objects`]:
//!   object operations.
//! - [`heap`]: the object slab and collector; [`state`]: machine state and default values.
//! - [`trap`]: trap kinds with stable `T` codes; [`format`]: print formatting.
//! - [`builtins`]: native §7 built-ins; [`dataflow`]: the bridge to the table engine (§8).

pub mod builtins;
pub mod dataflow;
pub mod format;
pub mod frame;
pub mod heap;
pub mod host;
pub mod interp;
pub mod objects;
pub mod ops;
pub mod output;
pub mod state;
pub mod trap;
pub mod value;

pub use host::Vm;
pub use state::{Limits, RunStats};
pub use trap::{SourceLoc, TraceFrame, Trap, TrapKind};
pub use value::{StructValue, Value};

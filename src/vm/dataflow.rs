//! The VM side of the dataflow bridge (§8): `node_ref`, `table_ref` and `table_builder` values
//! are heap objects of kind [`Obj::Foreign`](super::heap::Obj::Foreign) holding the engine's
//! values; `DF_NODE`, `DF_MATERIALIZE`, `DF_EXPLAIN` and the table built-ins enter here.
//!
//! The engine (`crate::dataflow`) is being written in parallel; until it is wired in, every entry
//! point traps T0200 naming the operation, and the empty `table_ref` default is the null reference
//! ([`NULL_REF`](super::state::NULL_REF)).

use super::state::Runtime;
use super::trap::{Trap, TrapKind};
use crate::bytecode::{BuiltinOp, DfNodeKind};

#[cold]
fn not_integrated(what: &str) -> Trap {
    Trap::new(
        TrapKind::Dataflow,
        format!(
            "dataflow error: `{what}` is not available: the dataflow engine is not integrated in this build"
        ),
    )
}

/// Formats a dataflow object for `print` (a `table_ref` prints as an aligned text table).
pub fn format_foreign(_obj: &dyn std::any::Any, out: &mut Vec<u8>) {
    out.extend_from_slice(b"<dataflow value>");
}

/// `DF_NODE`: creates a node of kind `kind` over argument slots `args`.
pub fn node(_rt: &mut Runtime, kind: i32, _args: &[u64]) -> Result<u64, Trap> {
    let name = DfNodeKind::from_i32(kind).map_or("node", |k| k.name());
    Err(not_integrated(name))
}

/// `DF_MATERIALIZE`: runs the DAG under a node (or scans a table) into a new table.
pub fn materialize(_rt: &mut Runtime, _node: u64) -> Result<u64, Trap> {
    Err(not_integrated("materialize"))
}

/// `DF_EXPLAIN`: the optimised plan as text.
pub fn explain(_rt: &mut Runtime, _node: u64) -> Result<u64, Trap> {
    Err(not_integrated("explain"))
}

/// The §8 table built-ins (`read_csv`, `table_get_*`, `table_builder`, …).
pub fn builtin(_rt: &mut Runtime, op: BuiltinOp, _args: &[u64]) -> Result<Option<u64>, Trap> {
    Err(not_integrated(op.builtin().name()))
}

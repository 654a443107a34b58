//! Reuse of struct field loads inside a block: a second `base.field` read, with nothing in
//! between that may have changed the field or either register, becomes a move from the first
//! load's register (`GET_FIELD` does a heap handle lookup; a `MOV` is a register copy).
//!
//! What may change a field: a store to the same field of the same struct type through any base
//! (two registers may hold the same struct), and any call (the callee may store). Everything
//! else leaves struct fields alone.

use crate::check::types::StructId;
use crate::compile::ir::{InstKind, IrFunction, VReg};

/// A field load still valid at the current instruction: `dst` holds `base.field`.
struct Known {
    base: VReg,
    id: StructId,
    field: u32,
    dst: VReg,
}

/// Replaces repeated field loads within each block by moves (see the module doc).
pub fn reuse_field_loads(func: &mut IrFunction) {
    let mut known: Vec<Known> = Vec::new();
    for block in &mut func.blocks {
        known.clear();
        for inst in &mut block.insts {
            match inst.kind {
                InstKind::FieldGet {
                    dst,
                    base,
                    id,
                    field,
                } => {
                    if let Some(k) =
                        (known.iter()).find(|k| k.base == base && k.id == id && k.field == field)
                    {
                        inst.kind = InstKind::Mov { dst, src: k.dst };
                    }
                }
                InstKind::FieldSet { id, field, .. } => {
                    known.retain(|k| !(k.id == id && k.field == field));
                }
                InstKind::Call { .. }
                | InstKind::CallIndirect { .. }
                | InstKind::CallBuiltin { .. } => {
                    known.clear();
                }
                _ => {}
            }
            if let Some(d) = inst.kind.def() {
                known.retain(|k| k.base != d && k.dst != d);
            }
            if let InstKind::FieldGet {
                dst,
                base,
                id,
                field,
            } = inst.kind
                && dst != base
            {
                known.push(Known {
                    base,
                    id,
                    field,
                    dst,
                });
            }
        }
    }
}

//! The module-wide tables the emitter fills: constant pools, the type pool, the builtin table,
//! and the mapping from checker types to bytecode types. Entries are added in first-use order,
//! so identical programs give identical modules.

use std::collections::HashMap;

use crate::bytecode::{BuiltinOp, FnSig, VType};
use crate::check::types::Type;
use crate::compile::CompileError;

/// Most entries one pool may hold (indices travel in the 32-bit `imm` field; this keeps them
/// far from overflow and catches runaway programs with a clear message).
pub const MAX_POOL: usize = 1 << 24;

/// Interning tables for one module.
#[derive(Default)]
pub struct Pools {
    /// `LOAD_CONST_I64` values.
    pub i64s: Vec<i64>,
    /// `LOAD_CONST_F64` values.
    pub f64s: Vec<f64>,
    /// `LOAD_CONST_STR` values.
    pub strings: Vec<String>,
    /// The type pool.
    pub types: Vec<VType>,
    /// The `CALL_BUILTIN` table.
    pub builtins: Vec<BuiltinOp>,
    i64_ix: HashMap<i64, u32>,
    f64_ix: HashMap<u64, u32>,
    str_ix: HashMap<String, u32>,
    type_ix: HashMap<VType, u32>,
    builtin_ix: HashMap<BuiltinOp, u32>,
}

fn intern<K: std::hash::Hash + Eq + Clone, V>(
    ix: &mut HashMap<K, u32>,
    vec: &mut Vec<V>,
    key: K,
    value: V,
    what: &str,
) -> Result<i32, CompileError> {
    if let Some(&i) = ix.get(&key) {
        return Ok(i as i32);
    }
    if vec.len() >= MAX_POOL {
        return Err(CompileError::limit(format!(
            "more than {MAX_POOL} distinct {what} in one program"
        )));
    }
    let i = vec.len() as u32;
    vec.push(value);
    ix.insert(key, i);
    Ok(i as i32)
}

impl Pools {
    /// Index of an i64 constant.
    pub fn int(&mut self, v: i64) -> Result<i32, CompileError> {
        intern(&mut self.i64_ix, &mut self.i64s, v, v, "i64 constants")
    }

    /// Index of an f64 constant (by bits, so `0.0` and `-0.0` stay distinct).
    pub fn float(&mut self, v: f64) -> Result<i32, CompileError> {
        intern(
            &mut self.f64_ix,
            &mut self.f64s,
            v.to_bits(),
            v,
            "f64 constants",
        )
    }

    /// Index of a string constant.
    pub fn string(&mut self, s: &str) -> Result<i32, CompileError> {
        if let Some(&i) = self.str_ix.get(s) {
            return Ok(i as i32);
        }
        intern(
            &mut self.str_ix,
            &mut self.strings,
            s.to_owned(),
            s.to_owned(),
            "string constants",
        )
    }

    /// Index of a type in the type pool.
    pub fn ty(&mut self, t: VType) -> Result<i32, CompileError> {
        intern(&mut self.type_ix, &mut self.types, t.clone(), t, "types")
    }

    /// Index of a builtin operation in the builtin table.
    pub fn builtin(&mut self, op: BuiltinOp) -> Result<i32, CompileError> {
        intern(&mut self.builtin_ix, &mut self.builtins, op, op, "builtins")
    }
}

/// The bytecode type of a value type (`None` for `void`).
pub fn vtype(ty: &Type) -> Result<Option<VType>, CompileError> {
    Ok(Some(match ty {
        Type::Void => return Ok(None),
        Type::I8 => VType::I8,
        Type::I16 => VType::I16,
        Type::I32 => VType::I32,
        Type::I64 => VType::I64,
        Type::F32 => VType::F32,
        Type::F64 => VType::F64,
        Type::Bool => VType::Bool,
        Type::String => VType::Str,
        Type::Array(e) => VType::array(value_vtype(e)?),
        Type::Struct(id) => VType::Struct(id.0),
        Type::Fn(sig) => VType::Fn(Box::new(FnSig {
            params: sig
                .params
                .iter()
                .map(value_vtype)
                .collect::<Result<_, _>>()?,
            ret: vtype(&sig.ret)?,
        })),
        Type::TableRef => VType::TableRef,
        Type::NodeRef => VType::NodeRef,
        Type::TableBuilder => VType::TableBuilder,
        Type::Error => {
            return Err(CompileError::internal(
                "the error type reached the back end".into(),
            ));
        }
    }))
}

/// The bytecode type of a type that must have values.
pub fn value_vtype(ty: &Type) -> Result<VType, CompileError> {
    vtype(ty)?.ok_or_else(|| CompileError::internal("`void` used as a value type".into()))
}

//! Opcode selection: the typed opcode for each IR operation and operand kind.

use crate::bytecode::{ElemKind, Opcode};
use crate::compile::ir::{ArithOp, CmpOp, Kind, UnOp};

/// Picks one of four per-width opcodes.
fn by_width(kind: Kind, ops: [Opcode; 4]) -> Option<Opcode> {
    match kind {
        Kind::I8 => Some(ops[0]),
        Kind::I16 => Some(ops[1]),
        Kind::I32 => Some(ops[2]),
        Kind::I64 => Some(ops[3]),
        _ => None,
    }
}

/// `dst = lhs op rhs` with register operands.
pub fn arith(op: ArithOp, kind: Kind) -> Option<Opcode> {
    use Opcode::*;
    match (op, kind) {
        (ArithOp::And, k) if k.is_int() || k == Kind::Bool => Some(And),
        (ArithOp::Or, k) if k.is_int() || k == Kind::Bool => Some(Or),
        (ArithOp::Xor, k) if k.is_int() || k == Kind::Bool => Some(Xor),
        (ArithOp::Add, Kind::Str) => Some(Concat),
        (ArithOp::Add, Kind::F32) => Some(AddF32),
        (ArithOp::Sub, Kind::F32) => Some(SubF32),
        (ArithOp::Mul, Kind::F32) => Some(MulF32),
        (ArithOp::Div, Kind::F32) => Some(DivF32),
        (ArithOp::Rem, Kind::F32) => Some(RemF32),
        (ArithOp::Add, Kind::F64) => Some(AddF64),
        (ArithOp::Sub, Kind::F64) => Some(SubF64),
        (ArithOp::Mul, Kind::F64) => Some(MulF64),
        (ArithOp::Div, Kind::F64) => Some(DivF64),
        (ArithOp::Rem, Kind::F64) => Some(RemF64),
        (ArithOp::Add, k) => by_width(k, [AddI8, AddI16, AddI32, AddI64]),
        (ArithOp::Sub, k) => by_width(k, [SubI8, SubI16, SubI32, SubI64]),
        (ArithOp::Mul, k) => by_width(k, [MulI8, MulI16, MulI32, MulI64]),
        (ArithOp::Div, k) => by_width(k, [DivI8, DivI16, DivI32, DivI64]),
        (ArithOp::Rem, k) => by_width(k, [RemI8, RemI16, RemI32, RemI64]),
        (ArithOp::Shl, k) => by_width(k, [ShlI8, ShlI16, ShlI32, ShlI64]),
        (ArithOp::Shr, k) => by_width(k, [ShrI8, ShrI16, ShrI32, ShrI64]),
        _ => None,
    }
}

/// `dst = lhs op imm`.
pub fn arith_ri(op: ArithOp, kind: Kind) -> Option<Opcode> {
    use Opcode::*;
    match op {
        ArithOp::Add => by_width(kind, [AddI8Ri, AddI16Ri, AddI32Ri, AddI64Ri]),
        ArithOp::Sub => by_width(kind, [SubI8Ri, SubI16Ri, SubI32Ri, SubI64Ri]),
        ArithOp::Mul => by_width(kind, [MulI8Ri, MulI16Ri, MulI32Ri, MulI64Ri]),
        ArithOp::Div => by_width(kind, [DivI8Ri, DivI16Ri, DivI32Ri, DivI64Ri]),
        ArithOp::Rem => by_width(kind, [RemI8Ri, RemI16Ri, RemI32Ri, RemI64Ri]),
        ArithOp::Shl => by_width(kind, [ShlI8Ri, ShlI16Ri, ShlI32Ri, ShlI64Ri]),
        ArithOp::Shr => by_width(kind, [ShrI8Ri, ShrI16Ri, ShrI32Ri, ShrI64Ri]),
        ArithOp::And if kind.is_int() => Some(AndRi),
        ArithOp::Or if kind.is_int() => Some(OrRi),
        ArithOp::Xor if kind.is_int() => Some(XorRi),
        _ => None,
    }
}

/// Fused float compare-and-branch `(yes, no)` for `l op r`: the opcode and whether it takes
/// the operands swapped, for the branch taken when the comparison holds (`yes`) and when it
/// does not (`no`, exact under NaN: `JNLT`/`JNLE` rather than the reversed comparison).
pub fn float_jumps(op: CmpOp, kind: Kind) -> Option<((Opcode, bool), (Opcode, bool))> {
    use Opcode::*;
    let [eq, ne, lt, le, nlt, nle] = match kind {
        Kind::F64 => [JeqF64, JneF64, JltF64, JleF64, JnltF64, JnleF64],
        Kind::F32 => [JeqF32, JneF32, JltF32, JleF32, JnltF32, JnleF32],
        _ => return None,
    };
    Some(match op {
        CmpOp::Eq => ((eq, false), (ne, false)),
        CmpOp::Ne => ((ne, false), (eq, false)),
        CmpOp::Lt => ((lt, false), (nlt, false)),
        CmpOp::Le => ((le, false), (nle, false)),
        CmpOp::Gt => ((lt, true), (nlt, true)),
        CmpOp::Ge => ((le, true), (nle, true)),
    })
}

/// `dst = op src`.
pub fn unary(op: UnOp, kind: Kind) -> Option<Opcode> {
    use Opcode::*;
    match (op, kind) {
        (UnOp::Neg, Kind::F32) => Some(NegF32),
        (UnOp::Neg, Kind::F64) => Some(NegF64),
        (UnOp::Neg, k) => by_width(k, [NegI8, NegI16, NegI32, NegI64]),
        (UnOp::Not, Kind::Bool) => Some(NotBool),
        (UnOp::BitNot, k) if k.is_int() => Some(BitNot),
        _ => None,
    }
}

/// `dst = lhs op rhs` as a bool.
pub fn compare(op: CmpOp, kind: Kind) -> Option<Opcode> {
    use Opcode::*;
    let six = |ops: [Opcode; 6]| {
        Some(match op {
            CmpOp::Eq => ops[0],
            CmpOp::Ne => ops[1],
            CmpOp::Lt => ops[2],
            CmpOp::Le => ops[3],
            CmpOp::Gt => ops[4],
            CmpOp::Ge => ops[5],
        })
    };
    match kind {
        k if k.is_int() => six([Eq, Ne, Lt, Le, Gt, Ge]),
        Kind::Bool => match op {
            CmpOp::Eq => Some(Eq),
            CmpOp::Ne => Some(Ne),
            _ => None,
        },
        Kind::F32 => six([EqF32, NeF32, LtF32, LeF32, GtF32, GeF32]),
        Kind::F64 => six([EqF64, NeF64, LtF64, LeF64, GtF64, GeF64]),
        Kind::Str => six([StrEq, StrNe, StrLt, StrLe, StrGt, StrGe]),
        _ => None,
    }
}

/// `dst = lhs op imm` (integers).
pub fn compare_ri(op: CmpOp) -> Opcode {
    use Opcode::*;
    match op {
        CmpOp::Eq => EqRi,
        CmpOp::Ne => NeRi,
        CmpOp::Lt => LtRi,
        CmpOp::Le => LeRi,
        CmpOp::Gt => GtRi,
        CmpOp::Ge => GeRi,
    }
}

/// Fused compare-and-branch on registers.
pub fn jump(op: CmpOp) -> Opcode {
    use Opcode::*;
    match op {
        CmpOp::Eq => Jeq,
        CmpOp::Ne => Jne,
        CmpOp::Lt => Jlt,
        CmpOp::Le => Jle,
        CmpOp::Gt => Jgt,
        CmpOp::Ge => Jge,
    }
}

/// Fused compare-and-branch against a small constant.
pub fn jump_ri(op: CmpOp) -> Opcode {
    use Opcode::*;
    match op {
        CmpOp::Eq => JeqRi,
        CmpOp::Ne => JneRi,
        CmpOp::Lt => JltRi,
        CmpOp::Le => JleRi,
        CmpOp::Gt => JgtRi,
        CmpOp::Ge => JgeRi,
    }
}

/// Fused loop step `x += k; if x op bound goto` (i64), against a register or an `i8` bound;
/// `None` for `==` / `!=`.
pub fn incr_jump(op: CmpOp, imm_bound: bool) -> Option<Opcode> {
    use Opcode::*;
    Some(match (op, imm_bound) {
        (CmpOp::Lt, false) => IncrJlt,
        (CmpOp::Le, false) => IncrJle,
        (CmpOp::Gt, false) => IncrJgt,
        (CmpOp::Ge, false) => IncrJge,
        (CmpOp::Lt, true) => IncrJltRi,
        (CmpOp::Le, true) => IncrJleRi,
        (CmpOp::Gt, true) => IncrJgtRi,
        (CmpOp::Ge, true) => IncrJgeRi,
        (CmpOp::Eq | CmpOp::Ne, _) => return None,
    })
}

/// Fused loop step by a register `x += s; if x op bound goto` (i64, register bound); `None`
/// for `==` / `!=`.
pub fn add_jump(op: CmpOp) -> Option<Opcode> {
    use Opcode::*;
    Some(match op {
        CmpOp::Lt => AddJlt,
        CmpOp::Le => AddJle,
        CmpOp::Gt => AddJgt,
        CmpOp::Ge => AddJge,
        CmpOp::Eq | CmpOp::Ne => return None,
    })
}

/// `dst = src as to` for a (from, to) pair of different kinds.
pub fn cast(from: Kind, to: Kind) -> Option<Opcode> {
    use Opcode::*;
    let int_src = from.is_int() || from == Kind::Bool;
    match (from, to) {
        (_, t) if int_src && t.is_int() => by_width(t, [CastToI8, CastToI16, CastToI32, CastToI64]),
        (f, Kind::F32) if f.is_int() => Some(CastIntF32),
        (f, Kind::F64) if f.is_int() => Some(CastIntF64),
        (Kind::F32, t) => match t {
            Kind::F64 => Some(CastF32F64),
            _ => by_width(t, [CastF32I8, CastF32I16, CastF32I32, CastF32I64]),
        },
        (Kind::F64, t) => match t {
            Kind::F32 => Some(CastF64F32),
            _ => by_width(t, [CastF64I8, CastF64I16, CastF64I32, CastF64I64]),
        },
        _ => None,
    }
}

/// Array element read for elements of storage class `k`.
pub fn array_get(k: ElemKind) -> Opcode {
    use Opcode::*;
    [
        ArrayGetI8,
        ArrayGetI16,
        ArrayGetI32,
        ArrayGetI64,
        ArrayGetF32,
        ArrayGetF64,
        ArrayGetBool,
        ArrayGetRef,
    ][k as usize]
}

/// Array element write.
pub fn array_set(k: ElemKind) -> Opcode {
    use Opcode::*;
    [
        ArraySetI8,
        ArraySetI16,
        ArraySetI32,
        ArraySetI64,
        ArraySetF32,
        ArraySetF64,
        ArraySetBool,
        ArraySetRef,
    ][k as usize]
}

/// Struct field read.
pub fn field_get(k: ElemKind) -> Opcode {
    use Opcode::*;
    [
        GetFieldI8,
        GetFieldI16,
        GetFieldI32,
        GetFieldI64,
        GetFieldF32,
        GetFieldF64,
        GetFieldBool,
        GetFieldRef,
    ][k as usize]
}

/// Struct field write.
pub fn field_set(k: ElemKind) -> Opcode {
    use Opcode::*;
    [
        SetFieldI8,
        SetFieldI16,
        SetFieldI32,
        SetFieldI64,
        SetFieldF32,
        SetFieldF64,
        SetFieldBool,
        SetFieldRef,
    ][k as usize]
}

/// The dedicated print opcode for `kind`, or `None` to use `PRINT_VALUE` with a type.
pub fn print(kind: Kind) -> Option<Opcode> {
    match kind {
        k if k.is_int() => Some(Opcode::PrintInt),
        Kind::F32 => Some(Opcode::PrintF32),
        Kind::F64 => Some(Opcode::PrintF64),
        Kind::Bool => Some(Opcode::PrintBool),
        Kind::Str => Some(Opcode::PrintStr),
        _ => None,
    }
}

/// The `LOAD_IMM` kind tag for integer and bool kinds.
pub fn imm_kind(kind: Kind) -> Option<ElemKind> {
    Some(match kind {
        Kind::I8 => ElemKind::I8,
        Kind::I16 => ElemKind::I16,
        Kind::I32 => ElemKind::I32,
        Kind::I64 => ElemKind::I64,
        Kind::Bool => ElemKind::Bool,
        _ => return None,
    })
}

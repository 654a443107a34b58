//! The concrete built-in operations `CALL_BUILTIN` can call: one per (built-in, overload), each
//! with a fixed signature the verifier checks. A module stores them by name, so adding an
//! operation never renumbers old modules.
//!
//! `print`, `to_string`, `len`, `materialize`, `explain` and the §8 node builders are opcodes
//! (`PRINT_*`, `TO_STRING`, `STR_LEN`/`ARRAY_LEN`, `DF_*`), not builtin operations.

use crate::builtins::Builtin;
use crate::bytecode::module::VType;

macro_rules! builtin_ops {
    ($($variant:ident $name:literal $builtin:ident ($($p:expr),*) -> $ret:expr;)*) => {
        /// A concrete built-in operation with one signature.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum BuiltinOp {
            $(#[doc = concat!("`", $name, "`")] $variant,)*
        }

        impl BuiltinOp {
            /// Every operation.
            pub const ALL: &'static [BuiltinOp] = &[$(BuiltinOp::$variant,)*];

            /// The stable name stored in module files (`sqrt_f64`).
            pub fn name(self) -> &'static str {
                match self { $(BuiltinOp::$variant => $name,)* }
            }

            /// Looks an operation up by its stable name.
            pub fn from_name(name: &str) -> Option<BuiltinOp> {
                match name { $($name => Some(BuiltinOp::$variant),)* _ => None }
            }

            /// Parameter types.
            pub fn params(self) -> Vec<VType> {
                use VType::*;
                match self { $(BuiltinOp::$variant => vec![$($p),*],)* }
            }

            /// The source-level built-in this operation implements.
            pub fn builtin(self) -> Builtin {
                match self { $(BuiltinOp::$variant => Builtin::$builtin,)* }
            }

            /// Return type (`None`: nothing).
            pub fn ret(self) -> Option<VType> {
                use VType::*;
                match self { $(BuiltinOp::$variant => $ret,)* }
            }
        }
    };
}

fn strs() -> VType {
    VType::array(VType::Str)
}

builtin_ops! {
    Substr "substr" Substr (Str, I64, I64) -> Some(Str);
    ParseI64 "parse_i64" ParseI64 (Str) -> Some(I64);
    ParseF64 "parse_f64" ParseF64 (Str) -> Some(F64);
    SqrtF64 "sqrt_f64" Sqrt (F64) -> Some(F64);
    SinF64 "sin_f64" Sin (F64) -> Some(F64);
    CosF64 "cos_f64" Cos (F64) -> Some(F64);
    TanF64 "tan_f64" Tan (F64) -> Some(F64);
    ExpF64 "exp_f64" Exp (F64) -> Some(F64);
    LogF64 "log_f64" Log (F64) -> Some(F64);
    FloorF64 "floor_f64" Floor (F64) -> Some(F64);
    CeilF64 "ceil_f64" Ceil (F64) -> Some(F64);
    RoundF64 "round_f64" Round (F64) -> Some(F64);
    FabsF64 "fabs_f64" Fabs (F64) -> Some(F64);
    PowF64 "pow_f64" Pow (F64, F64) -> Some(F64);
    SqrtF32 "sqrt_f32" Sqrt (F32) -> Some(F32);
    SinF32 "sin_f32" Sin (F32) -> Some(F32);
    CosF32 "cos_f32" Cos (F32) -> Some(F32);
    TanF32 "tan_f32" Tan (F32) -> Some(F32);
    ExpF32 "exp_f32" Exp (F32) -> Some(F32);
    LogF32 "log_f32" Log (F32) -> Some(F32);
    FloorF32 "floor_f32" Floor (F32) -> Some(F32);
    CeilF32 "ceil_f32" Ceil (F32) -> Some(F32);
    RoundF32 "round_f32" Round (F32) -> Some(F32);
    FabsF32 "fabs_f32" Fabs (F32) -> Some(F32);
    PowF32 "pow_f32" Pow (F32, F32) -> Some(F32);
    AbsI8 "abs_i8" Abs (I8) -> Some(I8);
    AbsI16 "abs_i16" Abs (I16) -> Some(I16);
    AbsI32 "abs_i32" Abs (I32) -> Some(I32);
    AbsI64 "abs_i64" Abs (I64) -> Some(I64);
    AbsF32 "abs_f32" Abs (F32) -> Some(F32);
    AbsF64 "abs_f64" Abs (F64) -> Some(F64);
    MinI8 "min_i8" Min (I8, I8) -> Some(I8);
    MinI16 "min_i16" Min (I16, I16) -> Some(I16);
    MinI32 "min_i32" Min (I32, I32) -> Some(I32);
    MinI64 "min_i64" Min (I64, I64) -> Some(I64);
    MinF32 "min_f32" Min (F32, F32) -> Some(F32);
    MinF64 "min_f64" Min (F64, F64) -> Some(F64);
    MaxI8 "max_i8" Max (I8, I8) -> Some(I8);
    MaxI16 "max_i16" Max (I16, I16) -> Some(I16);
    MaxI32 "max_i32" Max (I32, I32) -> Some(I32);
    MaxI64 "max_i64" Max (I64, I64) -> Some(I64);
    MaxF32 "max_f32" Max (F32, F32) -> Some(F32);
    MaxF64 "max_f64" Max (F64, F64) -> Some(F64);
    Clock "clock" Clock () -> Some(F64);
    Assert "assert" Assert (Bool, Str) -> None;
    ByteAt "byte_at" ByteAt (Str, I64) -> Some(I64);
    FromBytes "from_bytes" FromBytes (VType::array(I64)) -> Some(Str);
    StringFind "string_find" StringFind (Str, Str, I64) -> Some(I64);
    ReadCsv "read_csv" ReadCsv (Str) -> Some(TableRef);
    ReadCsvSchema "read_csv_schema" ReadCsv (Str, strs()) -> Some(TableRef);
    WriteCsv "write_csv" WriteCsv (TableRef, Str) -> None;
    ReadJson "read_json" ReadJson (Str) -> Some(TableRef);
    WriteJson "write_json" WriteJson (TableRef, Str) -> None;
    TableRowCount "table_row_count" TableRowCount (TableRef) -> Some(I64);
    TableColumnCount "table_column_count" TableColumnCount (TableRef) -> Some(I64);
    TableColumnName "table_column_name" TableColumnName (TableRef, I64) -> Some(Str);
    TableColumnIndex "table_column_index" TableColumnIndex (TableRef, Str) -> Some(I64);
    TableGetI64 "table_get_i64" TableGetI64 (TableRef, I64, I64) -> Some(I64);
    TableGetI32 "table_get_i32" TableGetI32 (TableRef, I64, I64) -> Some(I32);
    TableGetF64 "table_get_f64" TableGetF64 (TableRef, I64, I64) -> Some(F64);
    TableGetBool "table_get_bool" TableGetBool (TableRef, I64, I64) -> Some(Bool);
    TableGetStr "table_get_str" TableGetStr (TableRef, I64, I64) -> Some(Str);
    TableIsNull "table_is_null" TableIsNull (TableRef, I64, I64) -> Some(Bool);
    TableBuilderNew "table_builder" TableBuilderNew (strs()) -> Some(TableBuilder);
    BuilderAppendI64 "builder_append_i64" BuilderAppendI64 (TableBuilder, I64, I64) -> None;
    BuilderAppendF64 "builder_append_f64" BuilderAppendF64 (TableBuilder, I64, F64) -> None;
    BuilderAppendBool "builder_append_bool" BuilderAppendBool (TableBuilder, I64, Bool) -> None;
    BuilderAppendStr "builder_append_str" BuilderAppendStr (TableBuilder, I64, Str) -> None;
    BuilderAppendNull "builder_append_null" BuilderAppendNull (TableBuilder, I64) -> None;
    BuilderFinish "builder_finish" BuilderFinish (TableBuilder) -> Some(TableRef);
}

impl BuiltinOp {
    /// The operation implementing `builtin` for arguments of types `args`, if it is a
    /// `CALL_BUILTIN` operation (the compiler's overload → operation mapping).
    pub fn resolve(builtin: Builtin, args: &[VType]) -> Option<BuiltinOp> {
        BuiltinOp::ALL
            .iter()
            .copied()
            .find(|op| op.builtin() == builtin && op.params().as_slice() == args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_map_to_builtins() {
        for op in BuiltinOp::ALL {
            assert_eq!(BuiltinOp::from_name(op.name()), Some(*op));
            assert!(op.name().starts_with(op.builtin().name()), "{}", op.name());
        }
    }

    #[test]
    fn resolves_overloads_by_argument_types() {
        assert_eq!(
            BuiltinOp::resolve(Builtin::Sqrt, &[VType::F32]),
            Some(BuiltinOp::SqrtF32)
        );
        assert_eq!(
            BuiltinOp::resolve(Builtin::Max, &[VType::I8, VType::I8]),
            Some(BuiltinOp::MaxI8)
        );
        assert_eq!(
            BuiltinOp::resolve(Builtin::ReadCsv, &[VType::Str, strs()]),
            Some(BuiltinOp::ReadCsvSchema)
        );
        assert_eq!(
            BuiltinOp::resolve(Builtin::ParseI64, &[VType::Str]),
            Some(BuiltinOp::ParseI64)
        );
        assert_eq!(BuiltinOp::resolve(Builtin::Sqrt, &[VType::I64]), None);
    }
}

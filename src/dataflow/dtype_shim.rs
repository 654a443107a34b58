//! TEMPORARY stand-in for the tables helper's DataType until `tables-core` lands.
use std::fmt;
/// Column type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DataType {
    I8,
    I16,
    I32,
    I64,
    F32,
    F64,
    Bool,
    String,
}
impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            DataType::I8 => "i8",
            DataType::I16 => "i16",
            DataType::I32 => "i32",
            DataType::I64 => "i64",
            DataType::F32 => "f32",
            DataType::F64 => "f64",
            DataType::Bool => "bool",
            DataType::String => "string",
        };
        f.write_str(s)
    }
}
/// tmp
#[derive(Debug)]
pub struct Table;

//! The host-facing [`Value`]: typed values passed into and out of the VM by the host API.

use std::fmt;

use super::format;

/// A struct value handed to or from the host.
#[derive(Clone, Debug, PartialEq)]
pub struct StructValue {
    /// The struct's name.
    pub name: String,
    /// Fields in declaration order.
    pub fields: Vec<(String, Value)>,
}

/// A typed Theta value as the host API sees it (arguments and results of [`crate::vm::Vm`] calls).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// No value (the result of a function returning nothing).
    Void,
    /// `i8`
    I8(i8),
    /// `i16`
    I16(i16),
    /// `i32`
    I32(i32),
    /// `i64`
    I64(i64),
    /// `f32`
    F32(f32),
    /// `f64`
    F64(f64),
    /// `bool`
    Bool(bool),
    /// `string`
    Str(String),
    /// `T[]` (a copy of the elements).
    Array(Vec<Value>),
    /// A struct (a copy of the fields).
    Struct(StructValue),
    /// A function value: the function's name.
    Function(String),
    /// A `table_ref`: the engine's immutable table, shared without copying the columns.
    Table(crate::dataflow::table::Table),
    /// A `node_ref` or `table_builder` (not readable by the host), described by its type name.
    Opaque(&'static str),
}

impl Value {
    /// A short name of the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Void => "void",
            Value::I8(_) => "i8",
            Value::I16(_) => "i16",
            Value::I32(_) => "i32",
            Value::I64(_) => "i64",
            Value::F32(_) => "f32",
            Value::F64(_) => "f64",
            Value::Bool(_) => "bool",
            Value::Str(_) => "string",
            Value::Array(_) => "array",
            Value::Struct(_) => "struct",
            Value::Function(_) => "function",
            Value::Table(_) => "table_ref",
            Value::Opaque(name) => name,
        }
    }

    fn write(&self, out: &mut Vec<u8>, nested: bool) {
        match self {
            Value::Void => out.extend_from_slice(b"()"),
            Value::I8(v) => format::write_int(out, *v as i64),
            Value::I16(v) => format::write_int(out, *v as i64),
            Value::I32(v) => format::write_int(out, *v as i64),
            Value::I64(v) => format::write_int(out, *v),
            Value::F32(v) => format::write_f32(out, *v),
            Value::F64(v) => format::write_f64(out, *v),
            Value::Bool(v) => out.extend_from_slice(if *v { b"true" } else { b"false" }),
            Value::Str(s) if nested => format::write_quoted(out, s),
            Value::Str(s) => out.extend_from_slice(s.as_bytes()),
            Value::Array(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.extend_from_slice(b", ");
                    }
                    item.write(out, true);
                }
                out.push(b']');
            }
            Value::Struct(s) => {
                out.extend_from_slice(s.name.as_bytes());
                out.extend_from_slice(b" {");
                for (i, (name, v)) in s.fields.iter().enumerate() {
                    out.extend_from_slice(if i > 0 { b", " } else { b" " });
                    out.extend_from_slice(name.as_bytes());
                    out.extend_from_slice(b": ");
                    v.write(out, true);
                }
                out.extend_from_slice(if s.fields.is_empty() { b"}" } else { b" }" });
            }
            Value::Function(name) => {
                out.extend_from_slice(b"<fn ");
                out.extend_from_slice(name.as_bytes());
                out.push(b'>');
            }
            Value::Table(t) => super::dataflow::format_foreign(t, out),
            Value::Opaque(name) => {
                out.push(b'<');
                out.extend_from_slice(name.as_bytes());
                out.push(b'>');
            }
        }
    }
}

/// Formats the value as `print` would (§7).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Vec::new();
        self.write(&mut out, false);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_matches_print() {
        let v = Value::Array(vec![
            Value::Struct(StructValue {
                name: "P".into(),
                fields: vec![
                    ("x".into(), Value::F64(1.0)),
                    ("s".into(), Value::Str("a\"b".into())),
                ],
            }),
            Value::Struct(StructValue {
                name: "E".into(),
                fields: vec![],
            }),
        ]);
        assert_eq!(v.to_string(), r#"[P { x: 1.0, s: "a\"b" }, E {}]"#);
        assert_eq!(
            Value::Str("raw \"text\"".into()).to_string(),
            "raw \"text\""
        );
        assert_eq!(Value::F32(0.1).to_string(), "0.1");
        assert_eq!(Value::I8(-5).to_string(), "-5");
        assert_eq!(Value::Function("f".into()).to_string(), "<fn f>");
    }
}

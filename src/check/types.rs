//! Semantic types shared by the checker, the compiler back end and the VM (§3).

use std::fmt;

/// Index of a struct in [`crate::check::hir::Program::structs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StructId(pub u32);

/// A Theta type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// No value: the "return type" of a function that returns nothing.
    Void,
    /// `i8`
    I8,
    /// `i16`
    I16,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `bool`
    Bool,
    /// `string`
    String,
    /// `T[]`
    Array(Box<Type>),
    /// A struct, by id.
    Struct(StructId),
    /// `fn(params) -> ret`
    Fn(Box<FnType>),
    /// `table_ref`
    TableRef,
    /// `node_ref`
    NodeRef,
    /// `table_builder`: a builder that appends rows and finishes into a `table_ref`
    /// (the project's answer to §8's "procedural code can also build a table").
    TableBuilder,
    /// The type of an expression that already failed to check; compatible with everything so one
    /// mistake gives one diagnostic.
    Error,
}

/// A function signature.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FnType {
    /// Parameter types.
    pub params: Vec<Type>,
    /// Return type (`Type::Void` when none).
    pub ret: Type,
}

impl Type {
    /// True for `i8 i16 i32 i64`.
    pub fn is_integer(&self) -> bool {
        matches!(self, Type::I8 | Type::I16 | Type::I32 | Type::I64)
    }

    /// True for `f32 f64`.
    pub fn is_float(&self) -> bool {
        matches!(self, Type::F32 | Type::F64)
    }

    /// True for integers and floats.
    pub fn is_numeric(&self) -> bool {
        self.is_integer() || self.is_float()
    }

    /// Bit width of an integer type.
    pub fn int_bits(&self) -> Option<u32> {
        match self {
            Type::I8 => Some(8),
            Type::I16 => Some(16),
            Type::I32 => Some(32),
            Type::I64 => Some(64),
            _ => None,
        }
    }

    /// True for types whose values live on the heap and are passed by reference.
    pub fn is_reference(&self) -> bool {
        matches!(
            self,
            Type::String
                | Type::Array(_)
                | Type::Struct(_)
                | Type::TableRef
                | Type::NodeRef
                | Type::TableBuilder
        )
    }

    /// Renders the type as the user writes it; struct names come from `struct_name`.
    pub fn display<'a>(&'a self, struct_name: &'a dyn Fn(StructId) -> String) -> TypeDisplay<'a> {
        TypeDisplay {
            ty: self,
            struct_name,
        }
    }
}

/// Helper returned by [`Type::display`].
pub struct TypeDisplay<'a> {
    ty: &'a Type,
    struct_name: &'a dyn Fn(StructId) -> String,
}

impl<'a> TypeDisplay<'a> {
    fn nested(&self, ty: &'a Type) -> TypeDisplay<'a> {
        TypeDisplay {
            ty,
            struct_name: self.struct_name,
        }
    }
}

impl fmt::Display for TypeDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sub = |ty| self.nested(ty);
        match self.ty {
            Type::Void => write!(f, "()"),
            Type::I8 => write!(f, "i8"),
            Type::I16 => write!(f, "i16"),
            Type::I32 => write!(f, "i32"),
            Type::I64 => write!(f, "i64"),
            Type::F32 => write!(f, "f32"),
            Type::F64 => write!(f, "f64"),
            Type::Bool => write!(f, "bool"),
            Type::String => write!(f, "string"),
            Type::Array(elem) => write!(f, "{}[]", sub(elem)),
            Type::Struct(id) => write!(f, "{}", (self.struct_name)(*id)),
            Type::Fn(sig) => {
                write!(f, "fn(")?;
                for (i, p) in sig.params.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{}", sub(p))?;
                }
                write!(f, ")")?;
                if sig.ret != Type::Void {
                    write!(f, " -> {}", sub(&sig.ret))?;
                }
                Ok(())
            }
            Type::TableRef => write!(f, "table_ref"),
            Type::NodeRef => write!(f, "node_ref"),
            Type::TableBuilder => write!(f, "table_builder"),
            Type::Error => write!(f, "{{error}}"),
        }
    }
}

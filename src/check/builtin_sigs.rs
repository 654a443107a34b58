//! The signature table of every built-in (§7, §8 and the project's additions): overloads as
//! patterns over argument types, so the checker has no per-built-in special cases.

use crate::builtins::Builtin;
use crate::check::types::Type;
use crate::dataflow::validate::ExprContext;

/// What an argument position accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pat {
    /// Exactly `i64`.
    I64,
    /// Exactly `f64`.
    F64,
    /// Exactly `bool`.
    Bool,
    /// Exactly `string`.
    Str,
    /// Exactly `string[]`.
    StrArr,
    /// Exactly `i64[]`.
    I64Arr,
    /// Exactly `table_ref`.
    Table,
    /// Exactly `table_builder`.
    Builder,
    /// Any integer or float type.
    Numeric,
    /// `f32` or `f64`.
    Float,
    /// The same type as the argument at this index.
    Same(usize),
    /// Anything `print` can show (not functions, `node_ref` or `table_builder`).
    Printable,
    /// A `string` or any array.
    Sized,
    /// A `node_ref` or a `table_ref` (scanned), §8.
    Source,
}

/// What a signature returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ret {
    /// Nothing.
    Void,
    /// A fixed type.
    I64,
    /// `i32`.
    I32,
    /// `f64`.
    F64,
    /// `bool`.
    Bool,
    /// `string`.
    Str,
    /// `table_ref`.
    Table,
    /// `node_ref`.
    Node,
    /// `table_builder`.
    Builder,
    /// The type of the argument at this index.
    Same(usize),
}

/// One overload.
#[derive(Clone, Copy, Debug)]
pub struct Sig {
    /// Parameter patterns (for a variadic signature: the pattern of every argument).
    pub params: &'static [Pat],
    /// Result.
    pub ret: Ret,
    /// Any number of arguments, each matching `params[0]`.
    pub variadic: bool,
}

/// A fixed-arity signature (a macro so the table is promoted to `'static`).
macro_rules! sig {
    ([$($p:expr),*], $ret:expr) => {
        Sig {
            params: &[$($p),*],
            ret: $ret,
            variadic: false,
        }
    };
}

use Pat as P;

/// The overloads of `b`.
pub fn signatures(b: Builtin) -> &'static [Sig] {
    use Builtin::*;
    match b {
        Print => &[Sig {
            params: &[P::Printable],
            ret: Ret::Void,
            variadic: true,
        }],
        ToString => &[sig!([P::Printable], Ret::Str)],
        Len => &[sig!([P::Sized], Ret::I64)],
        Substr => &[sig!([P::Str, P::I64, P::I64], Ret::Str)],
        ParseI64 => &[sig!([P::Str], Ret::I64)],
        ParseF64 => &[sig!([P::Str], Ret::F64)],
        Sqrt | Sin | Cos | Tan | Exp | Log | Floor | Ceil | Round | Fabs => {
            &[sig!([P::Float], Ret::Same(0))]
        }
        Pow => &[sig!([P::Float, P::Same(0)], Ret::Same(0))],
        Abs => &[sig!([P::Numeric], Ret::Same(0))],
        Min | Max => &[sig!([P::Numeric, P::Same(0)], Ret::Same(0))],
        Clock => &[sig!([], Ret::F64)],
        Assert => &[sig!([P::Bool, P::Str], Ret::Void)],
        ByteAt => &[sig!([P::Str, P::I64], Ret::I64)],
        FromBytes => &[sig!([P::I64Arr], Ret::Str)],
        StringFind => &[sig!([P::Str, P::Str, P::I64], Ret::I64)],
        Scan => &[sig!([P::Table], Ret::Node)],
        Filter => &[sig!([P::Source, P::Str], Ret::Node)],
        Project | Map | Sort => &[sig!([P::Source, P::StrArr], Ret::Node)],
        Join => &[
            sig!([P::Source, P::Source, P::Str], Ret::Node),
            sig!([P::Source, P::Source, P::Str, P::Str], Ret::Node),
        ],
        Aggregate => &[sig!([P::Source, P::StrArr, P::StrArr], Ret::Node)],
        Limit => &[
            sig!([P::Source, P::I64], Ret::Node),
            sig!([P::Source, P::I64, P::I64], Ret::Node),
        ],
        Distinct => &[sig!([P::Source], Ret::Node)],
        Union | UnionAll => &[sig!([P::Source, P::Source], Ret::Node)],
        Materialize => &[sig!([P::Source], Ret::Table)],
        Explain => &[sig!([P::Source], Ret::Str)],
        ReadCsv => &[
            sig!([P::Str], Ret::Table),
            sig!([P::Str, P::StrArr], Ret::Table),
        ],
        WriteCsv | WriteJson => &[sig!([P::Table, P::Str], Ret::Void)],
        ReadJson => &[sig!([P::Str], Ret::Table)],
        TableRowCount | TableColumnCount => &[sig!([P::Table], Ret::I64)],
        TableColumnName => &[sig!([P::Table, P::I64], Ret::Str)],
        TableColumnIndex => &[sig!([P::Table, P::Str], Ret::I64)],
        TableGetI64 => &[sig!([P::Table, P::I64, P::I64], Ret::I64)],
        TableGetI32 => &[sig!([P::Table, P::I64, P::I64], Ret::I32)],
        TableGetF64 => &[sig!([P::Table, P::I64, P::I64], Ret::F64)],
        TableGetBool | TableIsNull => &[sig!([P::Table, P::I64, P::I64], Ret::Bool)],
        TableGetStr => &[sig!([P::Table, P::I64, P::I64], Ret::Str)],
        TableBuilderNew => &[sig!([P::StrArr], Ret::Builder)],
        BuilderAppendI64 => &[sig!([P::Builder, P::I64, P::I64], Ret::Void)],
        BuilderAppendF64 => &[sig!([P::Builder, P::I64, P::F64], Ret::Void)],
        BuilderAppendBool => &[sig!([P::Builder, P::I64, P::Bool], Ret::Void)],
        BuilderAppendStr => &[sig!([P::Builder, P::I64, P::Str], Ret::Void)],
        BuilderAppendNull => &[sig!([P::Builder, P::I64], Ret::Void)],
        BuilderFinish => &[sig!([P::Builder], Ret::Table)],
    }
}

/// Argument positions of `b` that hold dataflow expression text (§8), with their context.
pub fn expression_args(b: Builtin) -> &'static [(usize, ExprContext)] {
    use Builtin::*;
    use ExprContext as C;
    match b {
        Filter => &[(1, C::Predicate)],
        Project => &[(1, C::ProjectItem)],
        Map => &[(1, C::MapItem)],
        Join => &[(2, C::JoinOn), (3, C::JoinKind)],
        Aggregate => &[(1, C::AggregateKey), (2, C::AggregateItem)],
        Sort => &[(1, C::SortKey)],
        ReadCsv => &[(1, C::SchemaItem)],
        TableBuilderNew => &[(0, C::SchemaItem)],
        _ => &[],
    }
}

impl Sig {
    /// True when `n` arguments suit this signature's arity.
    pub fn arity_fits(&self, n: usize) -> bool {
        if self.variadic {
            true
        } else {
            self.params.len() == n
        }
    }

    /// The pattern for argument `i`.
    pub fn pat(&self, i: usize) -> Pat {
        if self.variadic {
            self.params[0]
        } else {
            self.params[i]
        }
    }
}

/// The type an argument with pattern `p` should take from context, given earlier arguments.
pub fn expected_type(p: Pat, earlier: &[Type]) -> Option<Type> {
    Some(match p {
        P::I64 => Type::I64,
        P::F64 => Type::F64,
        P::Bool => Type::Bool,
        P::Str => Type::String,
        P::StrArr => Type::Array(Box::new(Type::String)),
        P::I64Arr => Type::Array(Box::new(Type::I64)),
        P::Table => Type::TableRef,
        P::Builder => Type::TableBuilder,
        P::Same(j) => match earlier.get(j) {
            Some(Type::Error) | None => return None,
            Some(t) => t.clone(),
        },
        P::Numeric | P::Float | P::Printable | P::Sized | P::Source => return None,
    })
}

/// True when a value of type `ty` can be printed.
pub fn printable(ty: &Type) -> bool {
    match ty {
        Type::Void | Type::Fn(_) | Type::NodeRef | Type::TableBuilder => false,
        Type::Array(elem) => printable(elem),
        _ => true,
    }
}

/// True when `ty` matches pattern `p`, given the types of all arguments.
pub fn matches(p: Pat, ty: &Type, args: &[Type]) -> bool {
    match p {
        P::Numeric => ty.is_numeric(),
        P::Float => ty.is_float(),
        P::Same(j) => args.get(j) == Some(ty),
        P::Printable => printable(ty),
        P::Sized => matches!(ty, Type::String | Type::Array(_)),
        P::Source => matches!(ty, Type::NodeRef | Type::TableRef),
        _ => expected_type(p, args).as_ref() == Some(ty),
    }
}

/// The result type of `sig` applied to arguments of types `args`.
pub fn result_type(ret: Ret, args: &[Type]) -> Type {
    match ret {
        Ret::Void => Type::Void,
        Ret::I64 => Type::I64,
        Ret::I32 => Type::I32,
        Ret::F64 => Type::F64,
        Ret::Bool => Type::Bool,
        Ret::Str => Type::String,
        Ret::Table => Type::TableRef,
        Ret::Node => Type::NodeRef,
        Ret::Builder => Type::TableBuilder,
        Ret::Same(j) => args.get(j).cloned().unwrap_or(Type::Error),
    }
}

/// A human description of a pattern, for "expected" messages.
pub fn describe_pat(p: Pat) -> String {
    match p {
        P::Numeric => "any numeric type".into(),
        P::Float => "f32 or f64".into(),
        P::Same(j) => format!("the type of argument {}", j + 1),
        P::Printable => "a printable value".into(),
        P::Sized => "a string or an array".into(),
        P::Source => "node_ref or table_ref".into(),
        other => {
            let t = expected_type(other, &[]).unwrap_or(Type::Error);
            t.display(&|_| String::new()).to_string()
        }
    }
}

/// `name(p1, p2) -> r` for each overload of `b`, for "expected one of" notes.
pub fn describe(b: Builtin) -> Vec<String> {
    signatures(b)
        .iter()
        .map(|s| {
            let mut params: Vec<String> = s.params.iter().map(|p| describe_pat(*p)).collect();
            if s.variadic {
                params = vec![format!("{}…", params[0])];
            }
            let ret = match s.ret {
                Ret::Void => String::new(),
                Ret::Same(j) => format!(" -> (type of argument {})", j + 1),
                r => format!(" -> {}", result_type(r, &[]).display(&|_| String::new())),
            };
            format!("{}({}){}", b.name(), params.join(", "), ret)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_has_a_signature() {
        for b in Builtin::ALL {
            assert!(!signatures(*b).is_empty(), "{}", b.name());
        }
    }

    #[test]
    fn numeric_overloads() {
        let s = &signatures(Builtin::Min)[0];
        let args = [Type::I8, Type::I8];
        assert!(matches(s.pat(0), &args[0], &args) && matches(s.pat(1), &args[1], &args));
        assert!(!matches(s.pat(1), &Type::I16, &[Type::I8, Type::I16]));
        assert_eq!(result_type(s.ret, &args), Type::I8);
        let sq = &signatures(Builtin::Sqrt)[0];
        assert!(matches(sq.pat(0), &Type::F32, &[Type::F32]));
        assert!(!matches(sq.pat(0), &Type::I64, &[Type::I64]));
    }

    #[test]
    fn dataflow_sources_accept_tables_and_nodes() {
        let s = &signatures(Builtin::Filter)[0];
        assert!(matches(s.pat(0), &Type::TableRef, &[]));
        assert!(matches(s.pat(0), &Type::NodeRef, &[]));
        assert!(!matches(Pat::Table, &Type::NodeRef, &[]));
        assert_eq!(
            expression_args(Builtin::ReadCsv),
            &[(1, ExprContext::SchemaItem)]
        );
        assert_eq!(
            expression_args(Builtin::TableBuilderNew),
            &[(0, ExprContext::SchemaItem)]
        );
    }

    #[test]
    fn descriptions() {
        assert_eq!(
            describe(Builtin::Sqrt),
            vec!["sqrt(f32 or f64) -> (type of argument 1)"]
        );
        assert_eq!(describe(Builtin::Print), vec!["print(a printable value…)"]);
    }
}

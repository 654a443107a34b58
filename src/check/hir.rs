//! The typed, name-resolved tree the checker produces and the compiler lowers.
//!
//! Every expression carries its [`Type`]; every name is resolved to a local, global, function or
//! built-in; imports are flattened into one [`Program`]; constants are folded into literals;
//! `x++` and `x op= e` keep their own statement forms so the back end can pick fused opcodes.

use crate::builtins::Builtin;
use crate::check::types::{FnType, StructId, Type};
use crate::source::{SourceMap, Span};

pub use crate::syntax::ast::{BinaryOp, UnaryOp};

/// Index of a function in [`Program::functions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncId(pub u32);

/// Index of a global in [`Program::globals`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GlobalId(pub u32);

/// Index of a local in its function's [`Function::locals`] (parameters first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalId(pub u32);

/// A whole checked program: the entry file and everything it imports.
#[derive(Clone, Debug)]
pub struct Program {
    /// Every file read, for spans and the debug table.
    pub sources: SourceMap,
    /// Every struct of every module.
    pub structs: Vec<StructDef>,
    /// Every global of every module (constants are not globals: they are folded).
    pub globals: Vec<GlobalDef>,
    /// Every function of every module, plus the synthesised initialiser.
    pub functions: Vec<Function>,
    /// The synthesised `<init>` function (no parameters, returns nothing): imported modules'
    /// global initialisers and top-level statements first (once each, in import order), then the
    /// entry file's, all in source order.
    pub init: FuncId,
    /// The entry file's `main`, if it defines one.
    pub main: Option<MainFn>,
}

/// How `main` is declared (§1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MainFn {
    /// The function.
    pub func: FuncId,
    /// True for `fn main(args: string[])`.
    pub takes_args: bool,
    /// `Void`, `I32` or `I64`.
    pub returns: ReturnKind,
}

/// What `main` returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnKind {
    /// Nothing: exit status 0.
    Void,
    /// `i32`, taken mod 256.
    I32,
    /// `i64`, taken mod 256.
    I64,
}

/// A struct's layout.
#[derive(Clone, Debug)]
pub struct StructDef {
    /// Name as declared (qualified `alias.Name` when it comes from an imported file module).
    pub name: String,
    /// Fields in declaration order.
    pub fields: Vec<FieldDef>,
    /// The declaration's span.
    pub span: Span,
}

/// One struct field.
#[derive(Clone, Debug)]
pub struct FieldDef {
    /// Field name.
    pub name: String,
    /// Field type.
    pub ty: Type,
}

/// A module-level variable.
#[derive(Clone, Debug)]
pub struct GlobalDef {
    /// Name (qualified `module.name` for imported modules).
    pub name: String,
    /// Type.
    pub ty: Type,
    /// Declaration span.
    pub span: Span,
}

/// A function with its body.
#[derive(Clone, Debug)]
pub struct Function {
    /// Name (qualified `module.name` for imported modules; `<init>` for the initialiser).
    pub name: String,
    /// Signature.
    pub sig: FnType,
    /// Parameters are `LocalId(0..params.len())`; further locals follow.
    pub locals: Vec<LocalDef>,
    /// The body.
    pub body: Vec<Stmt>,
    /// The declaration's span.
    pub span: Span,
}

/// A local variable or parameter.
#[derive(Clone, Debug)]
pub struct LocalDef {
    /// Name as written (locals in different blocks may share a name).
    pub name: String,
    /// Type.
    pub ty: Type,
    /// Declaration span.
    pub span: Span,
}

/// A statement.
#[derive(Clone, Debug)]
pub struct Stmt {
    /// Which statement.
    pub kind: StmtKind,
    /// Source span.
    pub span: Span,
}

/// The forms of a statement.
#[derive(Clone, Debug)]
pub enum StmtKind {
    /// Declares `local` and initialises it.
    Let {
        /// The declared local.
        local: LocalId,
        /// Its initial value.
        init: Expr,
    },
    /// `place = value;`
    Assign {
        /// Target.
        place: Place,
        /// Value (same type as the place).
        value: Expr,
    },
    /// `place op= value;` (also `x++`/`x--` as `+= 1`/`-= 1` with a literal of the place's type).
    CompoundAssign {
        /// Target; evaluated once.
        place: Place,
        /// Arithmetic, bitwise or shift operator.
        op: BinaryOp,
        /// Right operand.
        value: Expr,
    },
    /// An expression evaluated for its effect (a call).
    Expr(Expr),
    /// A nested block.
    Block(Vec<Stmt>),
    /// `if`; `else if` chains nest in `else_body`.
    If {
        /// Condition (`bool`).
        cond: Expr,
        /// Then branch.
        then_body: Vec<Stmt>,
        /// Else branch (empty when absent).
        else_body: Vec<Stmt>,
    },
    /// `while (cond) body`
    While {
        /// Condition.
        cond: Expr,
        /// Body.
        body: Vec<Stmt>,
    },
    /// `for (init; cond; step) body`; `continue` jumps to `step`.
    For {
        /// Initialiser statements (zero or one).
        init: Vec<Stmt>,
        /// Condition; `None` is always true.
        cond: Option<Expr>,
        /// Step statements (zero or one).
        step: Vec<Stmt>,
        /// Body.
        body: Vec<Stmt>,
    },
    /// `break;`
    Break,
    /// `continue;`
    Continue,
    /// `return;` / `return e;`
    Return(Option<Expr>),
}

/// An assignable place.
#[derive(Clone, Debug)]
pub enum Place {
    /// A local variable.
    Local(LocalId),
    /// A global variable.
    Global(GlobalId),
    /// `array[index]`
    Index {
        /// The array.
        array: Box<Expr>,
        /// The index (`i64`).
        index: Box<Expr>,
    },
    /// `base.field`
    Field {
        /// The struct value.
        base: Box<Expr>,
        /// Its struct.
        struct_id: StructId,
        /// Field index in declaration order.
        field: u32,
    },
}

/// A typed expression.
#[derive(Clone, Debug)]
pub struct Expr {
    /// Which expression.
    pub kind: ExprKind,
    /// Its type (never `Type::Error` in a program that checked cleanly).
    pub ty: Type,
    /// Source span.
    pub span: Span,
}

/// The forms of an expression.
#[derive(Clone, Debug)]
pub enum ExprKind {
    /// An integer of type `ty`, already wrapped to its width and sign-extended to `i64`.
    Int(i64),
    /// A float of type `ty` (`f32` values are already rounded to `f32`).
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A string literal.
    Str(String),
    /// Reads a local.
    Local(LocalId),
    /// Reads a global.
    Global(GlobalId),
    /// A function used as a value.
    FuncRef(FuncId),
    /// `op operand` (`Neg` on numbers, `Not` on bool, `BitNot` on integers).
    Unary {
        /// Operator.
        op: UnaryOp,
        /// Operand.
        operand: Box<Expr>,
    },
    /// `lhs op rhs` with both operands of one type (`&&`/`||` short-circuit).
    Binary {
        /// Operator.
        op: BinaryOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `cond ? a : b`
    Ternary {
        /// Condition.
        cond: Box<Expr>,
        /// Value when true.
        then_expr: Box<Expr>,
        /// Value when false.
        else_expr: Box<Expr>,
    },
    /// `expr as ty` between numeric types, or `bool` to an integer type.
    Cast(Box<Expr>),
    /// A direct call of a known function.
    Call {
        /// The callee.
        func: FuncId,
        /// Arguments.
        args: Vec<Expr>,
    },
    /// A call through a function value.
    CallIndirect {
        /// An expression of function type.
        callee: Box<Expr>,
        /// Arguments.
        args: Vec<Expr>,
    },
    /// A call of a built-in; overloads are chosen by the argument types.
    CallBuiltin {
        /// Which built-in.
        builtin: Builtin,
        /// Arguments.
        args: Vec<Expr>,
    },
    /// `array[index]`
    Index {
        /// The array.
        array: Box<Expr>,
        /// The index (`i64`).
        index: Box<Expr>,
    },
    /// `base.field`
    Field {
        /// The struct value.
        base: Box<Expr>,
        /// Its struct.
        struct_id: StructId,
        /// Field index in declaration order.
        field: u32,
    },
    /// `[a, b, c]` (element type is the array type's element).
    ArrayLit(Vec<Expr>),
    /// `Name { … }`: field values, evaluated in the listed (source) order.
    StructLit {
        /// The struct.
        struct_id: StructId,
        /// `(field index, value)` in source order; every field appears once.
        fields: Vec<(u32, Expr)>,
    },
    /// `new T[len]` (each element its own default value).
    NewArray {
        /// Element type.
        elem: Type,
        /// Length (`i64`; negative traps).
        len: Box<Expr>,
    },
}

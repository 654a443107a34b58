//! The untyped syntax tree produced by the parser. Every node carries its [`Span`].

use crate::source::Span;

/// A name as written, with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// The identifier's text.
    pub name: String,
    /// Where it appears.
    pub span: Span,
}

/// One parsed source file.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SourceUnit {
    /// Top-level items in source order.
    pub items: Vec<Item>,
}

/// A top-level item.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `import math;` or `import "file.theta" as alias;`
    Import(Import),
    /// `struct Name { field: T, … }`
    Struct(StructDecl),
    /// `const T NAME = expr;`
    Const(VarDecl),
    /// `T name = expr;` at module level.
    Global(VarDecl),
    /// `fn name(params) -> R { … }`
    Function(FnDecl),
    /// A statement at top level (script code), run at module initialisation.
    Stmt(Stmt),
}

/// What an `import` names.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportTarget {
    /// A stdlib module: `import math;`
    Stdlib(Ident),
    /// A file relative to the importing file: `import "geo.theta" as geo;` (the decoded path).
    File {
        /// The decoded path text.
        path: String,
        /// The span of the string literal.
        span: Span,
    },
}

/// An `import` line.
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    /// The module imported.
    pub target: ImportTarget,
    /// The `as` name, if any.
    pub alias: Option<Ident>,
    /// The whole line.
    pub span: Span,
}

/// A struct declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct StructDecl {
    /// The struct's name.
    pub name: Ident,
    /// Fields in declaration order.
    pub fields: Vec<Field>,
    /// The whole declaration.
    pub span: Span,
}

/// A `name: T` pair (struct field or function parameter).
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The field's name.
    pub name: Ident,
    /// Its declared type.
    pub ty: TypeExpr,
}

/// `T name = init;` — a local, a global or (for `Item::Const`) a constant.
#[derive(Clone, Debug, PartialEq)]
pub struct VarDecl {
    /// Declared type.
    pub ty: TypeExpr,
    /// Declared name.
    pub name: Ident,
    /// Initialiser (always present: there are no uninitialised variables).
    pub init: Expr,
    /// The whole declaration.
    pub span: Span,
}

/// A function declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct FnDecl {
    /// The function's name.
    pub name: Ident,
    /// Parameters in order.
    pub params: Vec<Field>,
    /// Return type; `None` when it returns nothing.
    pub ret: Option<TypeExpr>,
    /// The body.
    pub body: Block,
    /// The signature, from `fn` to the return type (used for "declared here" labels).
    pub sig_span: Span,
    /// The whole declaration.
    pub span: Span,
}

/// Primitive type keywords.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrimType {
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
    /// `table_ref`
    TableRef,
    /// `node_ref`
    NodeRef,
}

/// A type as written in source.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeExpr {
    /// Which type.
    pub kind: TypeExprKind,
    /// Where it is written.
    pub span: Span,
}

/// The forms of a written type.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeExprKind {
    /// A primitive keyword.
    Prim(PrimType),
    /// A struct name, optionally qualified by an import alias (`geo.Point`).
    Named {
        /// The import alias, if qualified.
        module: Option<Ident>,
        /// The struct name.
        name: Ident,
    },
    /// `T[]`
    Array(Box<TypeExpr>),
    /// `fn(T1, T2) -> R` (ret `None` for `fn(T)`).
    Fn {
        /// Parameter types.
        params: Vec<TypeExpr>,
        /// Return type, if any.
        ret: Option<Box<TypeExpr>>,
    },
    /// A placeholder left where a type was malformed (already reported); the checker ignores
    /// it silently.
    Error,
}

/// `{ stmt* }`
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// Statements in order.
    pub stmts: Vec<Stmt>,
    /// From `{` to `}`.
    pub span: Span,
}

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// Which statement.
    pub kind: StmtKind,
    /// Where it is written (including the `;`).
    pub span: Span,
}

/// Assignment operators: `=` and the compound forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignOp {
    /// `=`
    Set,
    /// `op=` with the given binary operator (only arithmetic, bitwise and shift operators).
    Compound(BinaryOp),
}

/// The forms of a statement.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `T x = e;`
    VarDecl(VarDecl),
    /// `target = e;` or `target op= e;`
    Assign {
        /// The place assigned (checked to be a name, index or field).
        target: Expr,
        /// `=` or compound.
        op: AssignOp,
        /// The value.
        value: Expr,
    },
    /// `target++;` / `target--;`
    IncDec {
        /// The place changed.
        target: Expr,
        /// `true` for `++`.
        increment: bool,
    },
    /// `call(…);` (the checker rejects non-call expression statements).
    Expr(Expr),
    /// `{ … }`
    Block(Block),
    /// `if (c) { … } else …`
    If {
        /// Condition.
        cond: Expr,
        /// Then branch.
        then_block: Block,
        /// `else { … }` or `else if …` (a `Block` or `If` statement).
        else_branch: Option<Box<Stmt>>,
    },
    /// `while (c) { … }`
    While {
        /// Condition.
        cond: Expr,
        /// Body.
        body: Block,
    },
    /// `for (init; cond; step) { … }`
    For {
        /// A declaration or assignment (or nothing).
        init: Option<Box<Stmt>>,
        /// Loop condition (`None` loops forever).
        cond: Option<Expr>,
        /// An assignment or `++`/`--` (or nothing).
        step: Option<Box<Stmt>>,
        /// Body.
        body: Block,
    },
    /// `break;`
    Break,
    /// `continue;`
    Continue,
    /// `return;` / `return e;`
    Return(Option<Expr>),
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `!x`
    Not,
    /// `~x`
    BitNot,
}

/// Binary operators (short-circuit `&&`/`||` included).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
    /// `&`
    BitAnd,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `&&`
    And,
    /// `||`
    Or,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            Rem => "%",
            BitAnd => "&",
            BitOr => "|",
            BitXor => "^",
            Shl => "<<",
            Shr => ">>",
            Eq => "==",
            Ne => "!=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            And => "&&",
            Or => "||",
        }
    }
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// Which expression.
    pub kind: ExprKind,
    /// Where it is written.
    pub span: Span,
}

/// The forms of an expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// An integer literal's magnitude (a leading `-` is a separate `Neg`; the checker folds it for
    /// the range check, so `-128` fits `i8`).
    Int(u64),
    /// A float literal.
    Float(f64),
    /// A decoded string literal.
    Str(String),
    /// `true` / `false`
    Bool(bool),
    /// A name: local, global, const, function or import alias.
    Name(Ident),
    /// `op operand`
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: Box<Expr>,
    },
    /// `lhs op rhs`
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
        /// Span of the operator token.
        op_span: Span,
    },
    /// `cond ? then : otherwise`
    Ternary {
        /// Condition.
        cond: Box<Expr>,
        /// Value when true.
        then_expr: Box<Expr>,
        /// Value when false.
        else_expr: Box<Expr>,
    },
    /// `expr as T`
    Cast {
        /// The converted value.
        expr: Box<Expr>,
        /// The target type.
        ty: TypeExpr,
    },
    /// `callee(args)`; `math.gcd(a, b)` is a call whose callee is a `Field` on an import alias.
    Call {
        /// What is called.
        callee: Box<Expr>,
        /// Arguments in order.
        args: Vec<Expr>,
    },
    /// `base[index]`
    Index {
        /// The array.
        base: Box<Expr>,
        /// The index.
        index: Box<Expr>,
    },
    /// `base.field` (also `alias.name` for imported items).
    Field {
        /// The struct value or import alias.
        base: Box<Expr>,
        /// The field name.
        field: Ident,
    },
    /// `[a, b, c]`
    ArrayLit(Vec<Expr>),
    /// `Name { f: e, … }` or `alias.Name { … }`
    StructLit {
        /// The import alias, if qualified.
        module: Option<Ident>,
        /// The struct's name.
        name: Ident,
        /// Field initialisers in source order.
        fields: Vec<(Ident, Expr)>,
    },
    /// `new T[len]`
    NewArray {
        /// Element type.
        elem: TypeExpr,
        /// Length expression.
        len: Box<Expr>,
    },
    /// A placeholder left by error recovery; the checker ignores it silently.
    Error,
}

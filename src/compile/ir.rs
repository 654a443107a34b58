//! The back end's intermediate representation: typed virtual registers and explicit basic blocks.
//!
//! One [`IrFunction`] per HIR function. Virtual registers are not SSA: a local variable is one
//! [`VReg`] that every assignment redefines, so `x = x + 1` is a single instruction with no move.
//! Each vreg has one [`Type`] for its whole life, which is what lets the allocator give it one
//! physical register (or spill slot) and the verifier prove every read.

use crate::builtins::Builtin;
use crate::check::hir::{FuncId, GlobalId};
use crate::check::types::{StructId, Type};
use crate::source::Span;
use std::fmt;

/// A virtual register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VReg(pub u32);

/// A basic block of an [`IrFunction`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlockId(pub u32);

/// The machine-level kind of a value: selects the typed opcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
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
    Str,
    /// A function value.
    Func,
    /// Any other heap reference (array, struct, table_ref, node_ref, table_builder).
    Ref,
}

impl Kind {
    /// The kind of values of type `ty` (`None` for `void`/error types).
    pub fn of(ty: &Type) -> Option<Kind> {
        Some(match ty {
            Type::I8 => Kind::I8,
            Type::I16 => Kind::I16,
            Type::I32 => Kind::I32,
            Type::I64 => Kind::I64,
            Type::F32 => Kind::F32,
            Type::F64 => Kind::F64,
            Type::Bool => Kind::Bool,
            Type::String => Kind::Str,
            Type::Fn(_) => Kind::Func,
            Type::Array(_)
            | Type::Struct(_)
            | Type::TableRef
            | Type::NodeRef
            | Type::TableBuilder => Kind::Ref,
            Type::Void | Type::Error => return None,
        })
    }

    /// True for the four integer kinds.
    pub fn is_int(self) -> bool {
        matches!(self, Kind::I8 | Kind::I16 | Kind::I32 | Kind::I64)
    }

    /// Lower-case name used in IR dumps.
    pub fn name(self) -> &'static str {
        match self {
            Kind::I8 => "i8",
            Kind::I16 => "i16",
            Kind::I32 => "i32",
            Kind::I64 => "i64",
            Kind::F32 => "f32",
            Kind::F64 => "f64",
            Kind::Bool => "bool",
            Kind::Str => "str",
            Kind::Func => "fn",
            Kind::Ref => "ref",
        }
    }
}

/// Arithmetic and bitwise binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArithOp {
    /// `+` (also string concatenation on `Kind::Str`)
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
    And,
    /// `|`
    Or,
    /// `^`
    Xor,
    /// `<<`
    Shl,
    /// `>>` (arithmetic)
    Shr,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
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
}

impl CmpOp {
    /// The comparison with its operands swapped (`a < b` ⇔ `b > a`).
    pub fn swapped(self) -> CmpOp {
        match self {
            CmpOp::Eq => CmpOp::Eq,
            CmpOp::Ne => CmpOp::Ne,
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
        }
    }

    /// The logical negation, valid for integers, bools and strings (not floats: NaN).
    pub fn negated(self) -> CmpOp {
        match self {
            CmpOp::Eq => CmpOp::Ne,
            CmpOp::Ne => CmpOp::Eq,
            CmpOp::Lt => CmpOp::Ge,
            CmpOp::Le => CmpOp::Gt,
            CmpOp::Gt => CmpOp::Le,
            CmpOp::Ge => CmpOp::Lt,
        }
    }
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    /// Numeric negation (wrapping for integers).
    Neg,
    /// Boolean not.
    Not,
    /// Bitwise complement.
    BitNot,
}

/// A source operand: a register or a small integer immediate (for the `_RI` opcode forms).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operand {
    /// A virtual register.
    Reg(VReg),
    /// An immediate that fits the instruction's immediate field.
    Imm(i32),
}

/// One IR instruction (not a terminator).
#[derive(Clone, Debug, PartialEq)]
pub enum InstKind {
    /// `dst = value` for an integer of `dst`'s kind (already wrapped to its width).
    LoadInt {
        /// Destination.
        dst: VReg,
        /// Value, sign-extended.
        value: i64,
    },
    /// `dst = value` for `f32`/`f64` (chosen by `dst`'s kind).
    LoadFloat {
        /// Destination.
        dst: VReg,
        /// Value.
        value: f64,
    },
    /// `dst = true/false`
    LoadBool {
        /// Destination.
        dst: VReg,
        /// Value.
        value: bool,
    },
    /// `dst = "…"` from the constant pool.
    LoadStr {
        /// Destination.
        dst: VReg,
        /// Text.
        value: String,
    },
    /// `dst = function value`
    LoadFunc {
        /// Destination.
        dst: VReg,
        /// The function.
        func: FuncId,
    },
    /// `dst = src`
    Mov {
        /// Destination.
        dst: VReg,
        /// Source.
        src: VReg,
    },
    /// `dst = op src`
    Unary {
        /// Operator.
        op: UnOp,
        /// Operand kind.
        kind: Kind,
        /// Destination.
        dst: VReg,
        /// Operand.
        src: VReg,
    },
    /// `dst = lhs op rhs`
    Binary {
        /// Operator.
        op: ArithOp,
        /// Operand kind (also the result kind).
        kind: Kind,
        /// Destination.
        dst: VReg,
        /// Left operand.
        lhs: VReg,
        /// Right operand.
        rhs: Operand,
    },
    /// `dst = lhs op rhs` as a `bool`.
    Compare {
        /// Operator.
        op: CmpOp,
        /// Operand kind.
        kind: Kind,
        /// Destination (bool).
        dst: VReg,
        /// Left operand.
        lhs: VReg,
        /// Right operand.
        rhs: Operand,
    },
    /// `dst = src as to` (numeric, or bool to integer).
    Cast {
        /// Source kind.
        from: Kind,
        /// Destination kind.
        to: Kind,
        /// Destination.
        dst: VReg,
        /// Source.
        src: VReg,
    },
    /// A direct call; the arguments must end up in consecutive registers.
    Call {
        /// Result register (`None` for void callees).
        dst: Option<VReg>,
        /// Callee.
        func: FuncId,
        /// Arguments (a call group: see the allocator).
        args: Vec<VReg>,
    },
    /// A call through a function value.
    CallIndirect {
        /// Result register.
        dst: Option<VReg>,
        /// Register holding the function value.
        callee: VReg,
        /// Arguments (a call group).
        args: Vec<VReg>,
    },
    /// A built-in call; `kinds` are the argument kinds that select the overload.
    CallBuiltin {
        /// Result register.
        dst: Option<VReg>,
        /// Which built-in.
        builtin: Builtin,
        /// The type of the first argument (selects `len`, `sqrt`, `min`, … overloads).
        arg_ty: Option<Type>,
        /// Arguments (a call group).
        args: Vec<VReg>,
    },
    /// Prints one value of type `ty` (no separator).
    Print {
        /// The value's type.
        ty: Type,
        /// The value.
        src: VReg,
    },
    /// Prints one space.
    PrintSpace,
    /// Prints a newline.
    PrintNewline,
    /// `dst = new elem[len]`, each element at its default.
    NewArray {
        /// Destination.
        dst: VReg,
        /// Element type.
        elem: Type,
        /// Length (`i64`).
        len: VReg,
    },
    /// `dst = array[index]` (bounds checked by the VM).
    ArrayGet {
        /// Destination.
        dst: VReg,
        /// Array.
        array: VReg,
        /// Index.
        index: VReg,
    },
    /// `array[index] = value`
    ArraySet {
        /// Array.
        array: VReg,
        /// Index.
        index: VReg,
        /// Value.
        value: VReg,
    },
    /// `dst = [elems…]`: a new array from consecutive registers (a range group).
    ArrayLit {
        /// Destination.
        dst: VReg,
        /// The array type (`T[]`).
        ty: Type,
        /// Element values in order.
        elems: Vec<VReg>,
    },
    /// `dst = parts[0] + parts[1] + …`: one string from a chain of string `+` (a range group).
    ConcatMany {
        /// Destination.
        dst: VReg,
        /// The strings, in order (at least three).
        parts: Vec<VReg>,
    },
    /// `dst = new struct` from field values in declaration order (a range group), or with every
    /// field at its default when `fields` is empty.
    NewStruct {
        /// Destination.
        dst: VReg,
        /// The struct.
        id: StructId,
        /// Field values in declaration order (empty: defaults).
        fields: Vec<VReg>,
    },
    /// `dst = base.field`
    FieldGet {
        /// Destination.
        dst: VReg,
        /// The struct value.
        base: VReg,
        /// Its struct.
        id: StructId,
        /// Field index.
        field: u32,
    },
    /// `base.field = value`
    FieldSet {
        /// The struct value.
        base: VReg,
        /// Its struct.
        id: StructId,
        /// Field index.
        field: u32,
        /// Value.
        value: VReg,
    },
    /// `dst = global`
    GetGlobal {
        /// Destination.
        dst: VReg,
        /// The global.
        global: GlobalId,
    },
    /// `global = src`
    SetGlobal {
        /// The global.
        global: GlobalId,
        /// Value.
        src: VReg,
    },
}

/// An instruction with its source span.
#[derive(Clone, Debug, PartialEq)]
pub struct Inst {
    /// What it does.
    pub kind: InstKind,
    /// Where it comes from.
    pub span: Span,
}

/// How a block ends.
#[derive(Clone, Debug, PartialEq)]
pub enum Terminator {
    /// Unconditional jump.
    Jump(BlockId),
    /// `if cond goto then else goto other` on a `bool` register.
    Branch {
        /// Condition.
        cond: VReg,
        /// Target when true.
        then_to: BlockId,
        /// Target when false.
        else_to: BlockId,
    },
    /// Fused compare-and-branch: `if lhs op rhs goto then else goto other`.
    CmpBranch {
        /// Comparison.
        op: CmpOp,
        /// Operand kind.
        kind: Kind,
        /// Left operand.
        lhs: VReg,
        /// Right operand.
        rhs: Operand,
        /// Target when true.
        then_to: BlockId,
        /// Target when false.
        else_to: BlockId,
    },
    /// Return, with the value for non-void functions.
    Return(Option<VReg>),
}

impl Terminator {
    /// The blocks control may go to next.
    pub fn successors(&self) -> Vec<BlockId> {
        match self {
            Terminator::Jump(b) => vec![*b],
            Terminator::Branch {
                then_to, else_to, ..
            }
            | Terminator::CmpBranch {
                then_to, else_to, ..
            } => vec![*then_to, *else_to],
            Terminator::Return(_) => Vec::new(),
        }
    }

    /// Registers read.
    pub fn uses(&self) -> Vec<VReg> {
        match self {
            Terminator::Jump(_) | Terminator::Return(None) => Vec::new(),
            Terminator::Branch { cond, .. } => vec![*cond],
            Terminator::CmpBranch { lhs, rhs, .. } => operand_regs(*lhs, *rhs),
            Terminator::Return(Some(v)) => vec![*v],
        }
    }
}

/// A basic block: straight-line instructions and one terminator.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// Instructions in order.
    pub insts: Vec<Inst>,
    /// The terminator.
    pub term: Terminator,
    /// Span of the terminator (for `return` traps and the debug table).
    pub term_span: Span,
}

/// Facts about one virtual register.
#[derive(Clone, Debug, PartialEq)]
pub struct VRegInfo {
    /// Its type (fixed for its life).
    pub ty: Type,
    /// The source variable it holds, for the debug table (`None` for temporaries).
    pub name: Option<String>,
}

/// One function in IR form.
#[derive(Clone, Debug, PartialEq)]
pub struct IrFunction {
    /// Name for dumps and the module.
    pub name: String,
    /// Parameter vregs; parameter `i` arrives in physical register `r(2 + i)`.
    pub params: Vec<VReg>,
    /// Return type.
    pub ret: Type,
    /// Every vreg, indexed by `VReg.0`.
    pub vregs: Vec<VRegInfo>,
    /// Blocks, indexed by `BlockId.0`; block 0 is the entry.
    pub blocks: Vec<Block>,
    /// The layout order in which blocks are emitted (reachable blocks only, entry first).
    pub layout: Vec<BlockId>,
    /// The function's declaration span.
    pub span: Span,
}

impl IrFunction {
    /// The block with id `id`.
    pub fn block(&self, id: BlockId) -> &Block {
        &self.blocks[id.0 as usize]
    }

    /// The type of `v`.
    pub fn ty(&self, v: VReg) -> &Type {
        &self.vregs[v.0 as usize].ty
    }
}

fn operand_regs(lhs: VReg, rhs: Operand) -> Vec<VReg> {
    match rhs {
        Operand::Reg(r) => vec![lhs, r],
        Operand::Imm(_) => vec![lhs],
    }
}

impl InstKind {
    /// Registers read, in operand order.
    pub fn uses(&self) -> Vec<VReg> {
        use InstKind::*;
        match self {
            LoadInt { .. }
            | LoadFloat { .. }
            | LoadBool { .. }
            | LoadStr { .. }
            | LoadFunc { .. }
            | GetGlobal { .. }
            | PrintSpace
            | PrintNewline => Vec::new(),
            Mov { src, .. } | Unary { src, .. } | Cast { src, .. } => vec![*src],
            Binary { lhs, rhs, .. } | Compare { lhs, rhs, .. } => operand_regs(*lhs, *rhs),
            Call { args, .. } | CallBuiltin { args, .. } => args.clone(),
            ArrayLit { elems, .. } => elems.clone(),
            ConcatMany { parts, .. } => parts.clone(),
            NewStruct { fields, .. } => fields.clone(),
            CallIndirect { callee, args, .. } => {
                let mut v = vec![*callee];
                v.extend(args.iter().copied());
                v
            }
            Print { src, .. } | SetGlobal { src, .. } => vec![*src],
            NewArray { len, .. } => vec![*len],
            ArrayGet { array, index, .. } => vec![*array, *index],
            ArraySet {
                array,
                index,
                value,
            } => vec![*array, *index, *value],
            FieldGet { base, .. } => vec![*base],
            FieldSet { base, value, .. } => vec![*base, *value],
        }
    }

    /// The register written, if any.
    pub fn def(&self) -> Option<VReg> {
        use InstKind::*;
        match self {
            LoadInt { dst, .. }
            | LoadFloat { dst, .. }
            | LoadBool { dst, .. }
            | LoadStr { dst, .. }
            | LoadFunc { dst, .. }
            | Mov { dst, .. }
            | Unary { dst, .. }
            | Binary { dst, .. }
            | Compare { dst, .. }
            | Cast { dst, .. }
            | NewArray { dst, .. }
            | ArrayGet { dst, .. }
            | NewStruct { dst, .. }
            | ArrayLit { dst, .. }
            | ConcatMany { dst, .. }
            | FieldGet { dst, .. }
            | GetGlobal { dst, .. } => Some(*dst),
            Call { dst, .. } | CallIndirect { dst, .. } | CallBuiltin { dst, .. } => *dst,
            Print { .. } | PrintSpace | PrintNewline | ArraySet { .. } | FieldSet { .. } => None,
            SetGlobal { .. } => None,
        }
    }

    /// The operands that must sit in consecutive registers (call arguments, array literal
    /// elements, struct fields), if the instruction takes a register range.
    pub fn range_args(&self) -> Option<&[VReg]> {
        match self {
            InstKind::Call { args, .. }
            | InstKind::CallIndirect { args, .. }
            | InstKind::CallBuiltin { args, .. } => Some(args),
            InstKind::ArrayLit { elems, .. } => Some(elems),
            InstKind::ConcatMany { parts, .. } => Some(parts),
            InstKind::NewStruct { fields, .. } => Some(fields),
            _ => None,
        }
    }
}

impl fmt::Display for VReg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}", self.0)
    }
}

impl fmt::Display for BlockId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "b{}", self.0)
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Reg(r) => write!(f, "{r}"),
            Operand::Imm(i) => write!(f, "#{i}"),
        }
    }
}

fn list(regs: &[VReg]) -> String {
    regs.iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn dst_prefix(dst: &Option<VReg>) -> String {
    dst.map_or(String::new(), |d| format!("{d} = "))
}

fn type_text(ty: &Type) -> String {
    ty.display(&|id| format!("struct#{}", id.0)).to_string()
}

impl fmt::Display for InstKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use InstKind::*;
        match self {
            LoadInt { dst, value } => write!(f, "{dst} = int {value}"),
            LoadFloat { dst, value } => write!(f, "{dst} = float {value:?}"),
            LoadBool { dst, value } => write!(f, "{dst} = bool {value}"),
            LoadStr { dst, value } => write!(f, "{dst} = str {value:?}"),
            LoadFunc { dst, func } => write!(f, "{dst} = fn#{}", func.0),
            Mov { dst, src } => write!(f, "{dst} = mov {src}"),
            Unary { op, kind, dst, src } => {
                write!(f, "{dst} = {op:?}.{} {src}", kind.name())
            }
            Binary {
                op,
                kind,
                dst,
                lhs,
                rhs,
            } => write!(f, "{dst} = {op:?}.{} {lhs}, {rhs}", kind.name()),
            Compare {
                op,
                kind,
                dst,
                lhs,
                rhs,
            } => write!(f, "{dst} = {op:?}.{} {lhs}, {rhs}", kind.name()),
            Cast { from, to, dst, src } => {
                write!(f, "{dst} = cast.{}.{} {src}", from.name(), to.name())
            }
            Call { dst, func, args } => {
                write!(f, "{}call fn#{}({})", dst_prefix(dst), func.0, list(args))
            }
            CallIndirect { dst, callee, args } => {
                write!(
                    f,
                    "{}call_indirect {callee}({})",
                    dst_prefix(dst),
                    list(args)
                )
            }
            CallBuiltin {
                dst,
                builtin,
                arg_ty,
                args,
            } => {
                let over = arg_ty.as_ref().map_or(String::new(), type_text);
                write!(
                    f,
                    "{}builtin {}<{}>({})",
                    dst_prefix(dst),
                    builtin.name(),
                    over,
                    list(args)
                )
            }
            Print { ty, src } => write!(f, "print.{} {src}", type_text(ty)),
            PrintSpace => write!(f, "print_space"),
            PrintNewline => write!(f, "print_newline"),
            NewArray { dst, elem, len } => {
                write!(f, "{dst} = new_array {}[{len}]", type_text(elem))
            }
            ArrayGet { dst, array, index } => write!(f, "{dst} = {array}[{index}]"),
            ArraySet {
                array,
                index,
                value,
            } => write!(f, "{array}[{index}] = {value}"),
            ArrayLit { dst, ty, elems } => {
                write!(f, "{dst} = array_lit {}[{}]", type_text(ty), list(elems))
            }
            ConcatMany { dst, parts } => write!(f, "{dst} = concat({})", list(parts)),
            NewStruct { dst, id, fields } => {
                write!(f, "{dst} = new_struct struct#{}{{{}}}", id.0, list(fields))
            }
            FieldGet {
                dst, base, field, ..
            } => write!(f, "{dst} = {base}.{field}"),
            FieldSet {
                base, field, value, ..
            } => write!(f, "{base}.{field} = {value}"),
            GetGlobal { dst, global } => write!(f, "{dst} = global#{}", global.0),
            SetGlobal { global, src } => write!(f, "global#{} = {src}", global.0),
        }
    }
}

impl fmt::Display for Terminator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Terminator::Jump(b) => write!(f, "jump {b}"),
            Terminator::Branch {
                cond,
                then_to,
                else_to,
            } => write!(f, "branch {cond}, {then_to}, {else_to}"),
            Terminator::CmpBranch {
                op,
                kind,
                lhs,
                rhs,
                then_to,
                else_to,
            } => write!(
                f,
                "branch.{op:?}.{} {lhs}, {rhs}, {then_to}, {else_to}",
                kind.name()
            ),
            Terminator::Return(None) => write!(f, "ret"),
            Terminator::Return(Some(v)) => write!(f, "ret {v}"),
        }
    }
}

impl fmt::Display for IrFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "fn {}({}) -> {}",
            self.name,
            list(&self.params),
            type_text(&self.ret)
        )?;
        for (i, info) in self.vregs.iter().enumerate() {
            if let Some(name) = &info.name {
                writeln!(f, "  ; v{i}: {} {name}", type_text(&info.ty))?;
            }
        }
        for &b in &self.layout {
            writeln!(f, "{b}:")?;
            let block = self.block(b);
            for inst in &block.insts {
                writeln!(f, "    {}", inst.kind)?;
            }
            writeln!(f, "    {}", block.term)?;
        }
        Ok(())
    }
}

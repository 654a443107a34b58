//! The in-memory module: what the compiler builds, `write` serialises, `load` returns and the
//! VM runs. Everything is indexed by position (function, global, struct, type, constant).

use std::fmt;

use crate::bytecode::builtin_ops::BuiltinOp;
use crate::bytecode::instr::Instr;
use crate::bytecode::opcodes::ElemKind;

/// The schema version this build writes and reads (bump on any incompatible format change).
/// Version 2 added type descriptor layout fields and per-function register type tables.
pub const MODULE_VERSION: u32 = 2;

/// A value type as the bytecode sees it (the compiler maps `check::types::Type` onto it).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VType {
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
    /// `T[]`
    Array(Box<VType>),
    /// A struct, by index into [`Module::structs`].
    Struct(u32),
    /// A function value.
    Fn(Box<FnSig>),
    /// `table_ref`
    TableRef,
    /// `node_ref`
    NodeRef,
    /// `table_builder`
    TableBuilder,
}

/// A function signature: parameter types and the return type (`None` for nothing).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FnSig {
    /// Parameter types.
    pub params: Vec<VType>,
    /// Return type; `None` when the function returns nothing.
    pub ret: Option<VType>,
}

impl VType {
    /// `T[]` of `elem`.
    pub fn array(elem: VType) -> VType {
        VType::Array(Box::new(elem))
    }

    /// The storage class of a value of this type (array elements, struct fields).
    pub fn elem_kind(&self) -> ElemKind {
        match self {
            VType::I8 => ElemKind::I8,
            VType::I16 => ElemKind::I16,
            VType::I32 => ElemKind::I32,
            VType::I64 | VType::Fn(_) => ElemKind::I64,
            VType::F32 => ElemKind::F32,
            VType::F64 => ElemKind::F64,
            VType::Bool => ElemKind::Bool,
            VType::Str
            | VType::Array(_)
            | VType::Struct(_)
            | VType::TableRef
            | VType::NodeRef
            | VType::TableBuilder => ElemKind::Ref,
        }
    }

    /// True for `i8 i16 i32 i64`.
    pub fn is_int(&self) -> bool {
        matches!(self, VType::I8 | VType::I16 | VType::I32 | VType::I64)
    }

    /// True for values that need no heap (integers, floats, bool).
    pub fn is_scalar(&self) -> bool {
        matches!(
            self,
            VType::I8
                | VType::I16
                | VType::I32
                | VType::I64
                | VType::F32
                | VType::F64
                | VType::Bool
        )
    }

    /// Renders the type as a program writes it, naming structs from `structs`.
    pub fn display<'a>(&'a self, structs: &'a [StructLayout]) -> VTypeDisplay<'a> {
        VTypeDisplay { ty: self, structs }
    }
}

/// Helper returned by [`VType::display`].
pub struct VTypeDisplay<'a> {
    ty: &'a VType,
    structs: &'a [StructLayout],
}

impl fmt::Display for VTypeDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let structs = self.structs;
        let sub = |ty| VTypeDisplay { ty, structs };
        match self.ty {
            VType::I8 => f.write_str("i8"),
            VType::I16 => f.write_str("i16"),
            VType::I32 => f.write_str("i32"),
            VType::I64 => f.write_str("i64"),
            VType::F32 => f.write_str("f32"),
            VType::F64 => f.write_str("f64"),
            VType::Bool => f.write_str("bool"),
            VType::Str => f.write_str("string"),
            VType::Array(e) => write!(f, "{}[]", sub(e)),
            VType::Struct(i) => match self.structs.get(*i as usize) {
                Some(s) => f.write_str(&s.name),
                None => write!(f, "struct#{i}"),
            },
            VType::Fn(sig) => {
                f.write_str("fn(")?;
                for (i, p) in sig.params.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", sub(p))?;
                }
                f.write_str(")")?;
                if let Some(r) = &sig.ret {
                    write!(f, " -> {}", sub(r))?;
                }
                Ok(())
            }
            VType::TableRef => f.write_str("table_ref"),
            VType::NodeRef => f.write_str("node_ref"),
            VType::TableBuilder => f.write_str("table_builder"),
        }
    }
}

/// How a type's values are laid out, as recorded in each type descriptor of a module file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TypeLayout {
    /// Whether a value can be null: only `fn`, `node_ref` and `table_builder`, which have no
    /// default value (§3), so a global of such a type is null (and traps) until initialised.
    pub nullable: bool,
    /// Bytes of a register / spill slot (always 8: one canonical word).
    pub reg_size: u8,
    /// Alignment of a register / spill slot.
    pub reg_align: u8,
    /// Bytes of an array element or struct field (always 8: one canonical word).
    pub storage_size: u8,
    /// Alignment of an array element or struct field.
    pub storage_align: u8,
    /// Significant bytes of the value inside its word.
    pub value_size: u8,
}

impl VType {
    /// The layout of this type's values (see [`TypeLayout`]).
    pub fn layout(&self) -> TypeLayout {
        let value_size = match self.elem_kind() {
            ElemKind::I8 | ElemKind::Bool => 1,
            ElemKind::I16 => 2,
            ElemKind::I32 | ElemKind::F32 => 4,
            ElemKind::I64 | ElemKind::F64 | ElemKind::Ref => 8,
        };
        TypeLayout {
            nullable: matches!(self, VType::Fn(_) | VType::NodeRef | VType::TableBuilder),
            reg_size: 8,
            reg_align: 8,
            storage_size: 8,
            storage_align: 8,
            value_size,
        }
    }
}

/// A struct's layout: its name and fields in declaration order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructLayout {
    /// Name (qualified `alias.Name` for imported modules).
    pub name: String,
    /// Fields in declaration order.
    pub fields: Vec<Field>,
}

/// One struct field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// Field name.
    pub name: String,
    /// Field type.
    pub ty: VType,
}

/// A module-level variable; starts at its type's default (fn / node_ref: a null that traps).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Global {
    /// Name (qualified `module.name` for imported modules).
    pub name: String,
    /// Type.
    pub ty: VType,
}

/// A source position of one instruction range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineEntry {
    /// First pc this position applies to (it holds until the next entry's pc).
    pub pc: u32,
    /// Index into [`Module::source_files`].
    pub file: u32,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
}

/// A register's variable name over a pc range (a register may hold several variables).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegName {
    /// The register.
    pub reg: u8,
    /// The variable's name.
    pub name: String,
    /// First pc where the register holds the variable.
    pub start_pc: u32,
    /// One past the last such pc.
    pub end_pc: u32,
}

/// Debug information of one function.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FunctionDebug {
    /// Source positions, sorted by `pc` (strictly increasing).
    pub lines: Vec<LineEntry>,
    /// Register names.
    pub reg_names: Vec<RegName>,
}

impl FunctionDebug {
    /// The source position of the instruction at `pc`, if recorded.
    pub fn position(&self, pc: u32) -> Option<LineEntry> {
        let i = self.lines.partition_point(|e| e.pc <= pc);
        i.checked_sub(1).map(|i| self.lines[i])
    }

    /// The variable held by `reg` at `pc`, if recorded.
    pub fn reg_name(&self, reg: u8, pc: u32) -> Option<&str> {
        self.reg_names
            .iter()
            .find(|r| r.reg == reg && r.start_pc <= pc && pc < r.end_pc)
            .map(|r| r.name.as_str())
    }
}

/// One function: signature, frame size, code and debug table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    /// Name (`<init>` for the initialiser; qualified for imported modules).
    pub name: String,
    /// Parameter types (at most 14; they arrive in r2, r3, …).
    pub params: Vec<VType>,
    /// Return type; `None` when the function returns nothing.
    pub ret: Option<VType>,
    /// Registers in the frame (1..=256; at least 2 + params).
    pub num_registers: u16,
    /// Spill slots in the frame.
    pub num_spill_slots: u32,
    /// The instructions.
    pub code: Vec<Instr>,
    /// pc → source position, register → variable name.
    pub debug: FunctionDebug,
    /// The typed register file layout: each register's type per live range, sorted by
    /// (reg, start_pc). The verifier refuses a module whose code disagrees with it.
    pub reg_types: Vec<RegType>,
}

/// Register `reg` holds a value of type `ty` on entry to every pc in `[start_pc, end_pc)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegType {
    /// The register (never r0).
    pub reg: u8,
    /// Its type over the range.
    pub ty: VType,
    /// First pc of the range.
    pub start_pc: u32,
    /// One past the last pc of the range.
    pub end_pc: u32,
}

impl Function {
    /// The declared type of `reg` on entry to `pc`, if any.
    pub fn reg_type(&self, reg: u8, pc: u32) -> Option<&VType> {
        reg_type_in(&self.reg_types, reg, pc)
    }
}

/// The type of `reg` on entry to `pc` in a register type table sorted by `(reg, start_pc)`.
pub(crate) fn reg_type_in(table: &[RegType], reg: u8, pc: u32) -> Option<&VType> {
    let i = table.partition_point(|r| (r.reg, r.start_pc) <= (reg, pc));
    let r = table.get(i.checked_sub(1)?)?;
    (r.reg == reg && pc < r.end_pc).then_some(&r.ty)
}

impl Function {
    /// The function's signature as a value type.
    pub fn sig(&self) -> FnSig {
        FnSig {
            params: self.params.clone(),
            ret: self.ret.clone(),
        }
    }
}

/// What `main` returns (§1): the process exit status is the value mod 256.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MainReturn {
    /// Nothing: status 0.
    Void,
    /// `i32`
    I32,
    /// `i64`
    I64,
}

/// The entry point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MainInfo {
    /// The `main` function.
    pub func: u32,
    /// True for `fn main(args: string[])`.
    pub takes_args: bool,
    /// What it returns.
    pub returns: MainReturn,
}

/// What an export names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// A function index.
    Function,
    /// A global index.
    Global,
}

/// A name the host API can look up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    /// The exported name.
    pub name: String,
    /// Function or global.
    pub kind: ExportKind,
    /// Its index.
    pub index: u32,
}

/// A whole compiled program.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    /// Source file names, indexed by [`LineEntry::file`].
    pub source_files: Vec<String>,
    /// The i64 constant pool (`LOAD_CONST_I64`).
    pub consts_i64: Vec<i64>,
    /// The f64 constant pool (`LOAD_CONST_F64`).
    pub consts_f64: Vec<f64>,
    /// The string constant pool (`LOAD_CONST_STR`, `TRAP`).
    pub strings: Vec<String>,
    /// The type pool referenced by `ARRAY_NEW`, `ARRAY_LIT`, `TO_STRING`, `PRINT_VALUE`.
    pub types: Vec<VType>,
    /// Struct layouts, indexed by [`VType::Struct`].
    pub structs: Vec<StructLayout>,
    /// Globals.
    pub globals: Vec<Global>,
    /// The builtin table referenced by `CALL_BUILTIN` (stored by name in the file).
    pub builtins: Vec<BuiltinOp>,
    /// Functions.
    pub functions: Vec<Function>,
    /// The synthesised `<init>` function (no parameters, returns nothing).
    pub init: u32,
    /// The entry point, if the entry file defines `main`.
    pub main: Option<MainInfo>,
    /// Names for the host API.
    pub exports: Vec<Export>,
}

impl Module {
    /// An empty module whose `init` is function 0 (which the caller must add).
    pub fn new() -> Module {
        Module {
            source_files: Vec::new(),
            consts_i64: Vec::new(),
            consts_f64: Vec::new(),
            strings: Vec::new(),
            types: Vec::new(),
            structs: Vec::new(),
            globals: Vec::new(),
            builtins: Vec::new(),
            functions: Vec::new(),
            init: 0,
            main: None,
            exports: Vec::new(),
        }
    }

    /// The index of the function named `name`, if any.
    pub fn function_index(&self, name: &str) -> Option<u32> {
        self.functions
            .iter()
            .position(|f| f.name == name)
            .map(|i| i as u32)
    }

    /// Renders `ty` with this module's struct names.
    pub fn type_name(&self, ty: &VType) -> String {
        ty.display(&self.structs).to_string()
    }
}

impl Default for Module {
    fn default() -> Self {
        Module::new()
    }
}

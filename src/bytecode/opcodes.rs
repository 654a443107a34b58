//! The instruction set: every opcode with its operand roles and a one-line effect (Lua
//! `lopcodes.h` style). `docs/bytecode.md` carries the same table; a test keeps them in sync.
//!
//! Instruction format (8 bytes, see [`crate::bytecode::Instr`]):
//!
//! ```text
//!  0      8      16     24     32                               64
//! +------+------+------+------+--------------------------------+
//! |  op  |  a   |  b   |  c   |            imm (i32)           |
//! +------+------+------+------+--------------------------------+
//! ```
//!
//! Notation in the doc lines: `R[x]` is register x, `K64[i]` / `KF[i]` / `KS[i]` the i64 /
//! f64 / string constant pools, `G[i]` a global, `S[i]` a spill slot, `T[i]` the module's
//! type pool, `pc := imm` a jump to the absolute instruction index `imm`. `INT` in a name means
//! "any integer type, operands of one type": because integers live sign-extended in their 64-bit
//! register, bitwise ops and comparisons give the same bits at every width, so one opcode serves
//! i8/i16/i32/i64 (and `bool` where noted). Operations whose result depends on the width
//! (`+ - * / % << >>`, unary `-`) have one opcode per width and wrap at that width.

/// What an operand field of an instruction means; drives the verifier's structural checks,
/// the disassembler and the opcode table in the docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand {
    /// Unused: must be zero.
    None,
    /// A destination register (never r0); the fused loop steps (`INCR_J*`, `ADD_J*`) also read
    /// it (their counter).
    Dst,
    /// A source register.
    Src,
    /// `b` only: first of `c` consecutive source registers `R[b] .. R[b+c-1]`.
    Range,
    /// `c` only: a count (the length of the `b` range).
    Count,
    /// `c` only: an [`ElemKind`] tag giving the result type of `LOAD_IMM`.
    Kind,
    /// `b` or `c`: a small signed constant (the byte read as `i8`).
    SmallInt,
    /// `imm`: a signed integer immediate.
    Int,
    /// `imm`: the bits of an `f32`.
    F32Bits,
    /// `imm`: index into the i64 constant pool.
    ConstI64,
    /// `imm`: index into the f64 constant pool.
    ConstF64,
    /// `imm`: index into the string constant pool.
    ConstStr,
    /// `imm`: a function index.
    Func,
    /// `imm`: a global index.
    Global,
    /// `imm`: a struct index.
    Struct,
    /// `imm`: a field index of the struct in the base register.
    Field,
    /// `imm`: an index into the module's type pool.
    Type,
    /// `imm`: an index into the module's builtin table.
    Builtin,
    /// `imm`: a spill slot.
    Slot,
    /// `imm`: a jump target (absolute pc inside the function).
    Target,
    /// `imm`: a [`DfNodeKind`].
    NodeKind,
    /// `imm`: a register number (the function value of `CALL_INDIRECT`).
    RegImm,
}

/// Storage class of a value: selects array element and struct field opcodes and `LOAD_IMM`'s
/// result type. Function values use the `I64` class (they are a function index).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum ElemKind {
    /// `i8`
    I8 = 0,
    /// `i16`
    I16 = 1,
    /// `i32`
    I32 = 2,
    /// `i64` (and function values)
    I64 = 3,
    /// `f32`
    F32 = 4,
    /// `f64`
    F64 = 5,
    /// `bool`
    Bool = 6,
    /// A heap reference: string, array, struct, table_ref, node_ref, table_builder.
    Ref = 7,
}

impl ElemKind {
    /// Every kind, by tag.
    pub const ALL: [ElemKind; 8] = [
        ElemKind::I8,
        ElemKind::I16,
        ElemKind::I32,
        ElemKind::I64,
        ElemKind::F32,
        ElemKind::F64,
        ElemKind::Bool,
        ElemKind::Ref,
    ];

    /// The kind with tag `tag`.
    pub fn from_u8(tag: u8) -> Option<ElemKind> {
        Self::ALL.get(tag as usize).copied()
    }

    /// Lower-case name (`i8`, …, `ref`).
    pub fn name(self) -> &'static str {
        ["i8", "i16", "i32", "i64", "f32", "f64", "bool", "ref"][self as usize]
    }
}

/// The dataflow node a `DF_NODE` creates (§8). Arguments are in `R[b] .. R[b+c-1]`; a `node`
/// argument may be a `node_ref` or a `table_ref` (which is scanned).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum DfNodeKind {
    /// `scan(t: table_ref)`
    Scan = 0,
    /// `filter(n, pred: string)`
    Filter = 1,
    /// `project(n, items: string[])`
    Project = 2,
    /// `map(n, items: string[])`
    Map = 3,
    /// `join(l, r, on: string)` (inner)
    Join = 4,
    /// `join(l, r, on: string, kind: string)`
    JoinKind = 5,
    /// `aggregate(n, keys: string[], aggs: string[])`
    Aggregate = 6,
    /// `sort(n, keys: string[])`
    Sort = 7,
    /// `limit(n, count: i64)`
    Limit = 8,
    /// `limit(n, count: i64, offset: i64)`
    LimitOffset = 9,
    /// `distinct(n)`
    Distinct = 10,
    /// `union(a, b)`
    Union = 11,
    /// `union_all(a, b)`
    UnionAll = 12,
}

/// Parameter class of a dataflow node argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DfArg {
    /// A `node_ref` or a `table_ref`.
    Node,
    /// A `table_ref`.
    Table,
    /// A `string`.
    Str,
    /// A `string[]`.
    StrArray,
    /// An `i64`.
    I64,
}

impl DfNodeKind {
    /// Every kind, by number.
    pub const ALL: [DfNodeKind; 13] = [
        DfNodeKind::Scan,
        DfNodeKind::Filter,
        DfNodeKind::Project,
        DfNodeKind::Map,
        DfNodeKind::Join,
        DfNodeKind::JoinKind,
        DfNodeKind::Aggregate,
        DfNodeKind::Sort,
        DfNodeKind::Limit,
        DfNodeKind::LimitOffset,
        DfNodeKind::Distinct,
        DfNodeKind::Union,
        DfNodeKind::UnionAll,
    ];

    /// The kind numbered `n`.
    pub fn from_i32(n: i32) -> Option<DfNodeKind> {
        usize::try_from(n)
            .ok()
            .and_then(|i| Self::ALL.get(i))
            .copied()
    }

    /// The builtin's name as the program writes it.
    pub fn name(self) -> &'static str {
        match self {
            DfNodeKind::Scan => "scan",
            DfNodeKind::Filter => "filter",
            DfNodeKind::Project => "project",
            DfNodeKind::Map => "map",
            DfNodeKind::Join | DfNodeKind::JoinKind => "join",
            DfNodeKind::Aggregate => "aggregate",
            DfNodeKind::Sort => "sort",
            DfNodeKind::Limit | DfNodeKind::LimitOffset => "limit",
            DfNodeKind::Distinct => "distinct",
            DfNodeKind::Union => "union",
            DfNodeKind::UnionAll => "union_all",
        }
    }

    /// The argument classes, in order.
    pub fn args(self) -> &'static [DfArg] {
        use DfArg::*;
        match self {
            DfNodeKind::Scan => &[Table],
            DfNodeKind::Filter => &[Node, Str],
            DfNodeKind::Project | DfNodeKind::Map | DfNodeKind::Sort => &[Node, StrArray],
            DfNodeKind::Join => &[Node, Node, Str],
            DfNodeKind::JoinKind => &[Node, Node, Str, Str],
            DfNodeKind::Aggregate => &[Node, StrArray, StrArray],
            DfNodeKind::Limit => &[Node, I64],
            DfNodeKind::LimitOffset => &[Node, I64, I64],
            DfNodeKind::Distinct => &[Node],
            DfNodeKind::Union | DfNodeKind::UnionAll => &[Node, Node],
        }
    }
}

macro_rules! opcodes {
    ($(
        #[doc = $doc:literal]
        $variant:ident $mnemonic:literal [$a:ident $b:ident $c:ident $imm:ident];
    )*) => {
        /// An operation code: the first byte of an instruction.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum Opcode {
            $(#[doc = $doc] $variant,)*
        }

        impl Opcode {
            /// Every opcode, in numeric order (`ALL[n] as u8 == n`).
            pub const ALL: &'static [Opcode] = &[$(Opcode::$variant,)*];

            /// The opcode with number `byte`, if there is one.
            pub fn from_u8(byte: u8) -> Option<Opcode> {
                Self::ALL.get(byte as usize).copied()
            }

            /// The mnemonic used by the disassembler and the docs (`ADD_I64`).
            pub fn mnemonic(self) -> &'static str {
                match self { $(Opcode::$variant => $mnemonic,)* }
            }

            /// The one-line description of the effect.
            pub fn doc(self) -> &'static str {
                match self { $(Opcode::$variant => $doc.trim(),)* }
            }

            /// What the `a`, `b`, `c` and `imm` fields mean.
            pub fn operands(self) -> [Operand; 4] {
                match self { $(Opcode::$variant => [Operand::$a, Operand::$b, Operand::$c, Operand::$imm],)* }
            }
        }
    };
}

opcodes! {
    // ---- moves, constants, control -------------------------------------------------------
    /// No operation.
    Nop "NOP" [None None None None];
    /// `R[a] := R[b]` (any type; the type moves with the value).
    Mov "MOV" [Dst Src None None];
    /// `R[a] := imm` as the integer or bool kind `c` (verifier: imm fits the kind; bool is 0/1).
    LoadImm "LOAD_IMM" [Dst None Kind Int];
    /// `R[a] := f32::from_bits(imm)` (an `f32`).
    LoadF32 "LOAD_F32" [Dst None None F32Bits];
    /// `R[a] := K64[imm]` (an `i64`).
    LoadConstI64 "LOAD_CONST_I64" [Dst None None ConstI64];
    /// `R[a] := KF[imm]` (an `f64`).
    LoadConstF64 "LOAD_CONST_F64" [Dst None None ConstF64];
    /// `R[a] := KS[imm]` (a `string`).
    LoadConstStr "LOAD_CONST_STR" [Dst None None ConstStr];
    /// `R[a] :=` the function `imm` as a value of its `fn` type.
    LoadFunc "LOAD_FUNC" [Dst None None Func];
    /// `pc := imm`.
    Jmp "JMP" [None None None Target];
    /// `if R[b] then pc := imm` (`R[b]: bool`).
    JTrue "JTRUE" [None Src None Target];
    /// `if not R[b] then pc := imm` (`R[b]: bool`).
    JFalse "JFALSE" [None Src None Target];
    /// Return `R[b]` to the caller (type = the function's return type; usually `b` = 1).
    Ret "RET" [None Src None None];
    /// Return from a function that returns nothing.
    RetVoid "RET_VOID" [None None None None];
    /// Trap with the message `KS[imm]` (code T0100 "explicit trap"); ends the path.
    Trap "TRAP" [None None None ConstStr];

    // ---- integers: width-specific (wrap at the width, re-sign-extend) ----------------------
    /// `R[a] := R[b] + R[c]` (i8, wrapping).
    AddI8 "ADD_I8" [Dst Src Src None];
    /// `R[a] := R[b] + R[c]` (i16, wrapping).
    AddI16 "ADD_I16" [Dst Src Src None];
    /// `R[a] := R[b] + R[c]` (i32, wrapping).
    AddI32 "ADD_I32" [Dst Src Src None];
    /// `R[a] := R[b] + R[c]` (i64, wrapping).
    AddI64 "ADD_I64" [Dst Src Src None];
    /// `R[a] := R[b] - R[c]` (i8, wrapping).
    SubI8 "SUB_I8" [Dst Src Src None];
    /// `R[a] := R[b] - R[c]` (i16, wrapping).
    SubI16 "SUB_I16" [Dst Src Src None];
    /// `R[a] := R[b] - R[c]` (i32, wrapping).
    SubI32 "SUB_I32" [Dst Src Src None];
    /// `R[a] := R[b] - R[c]` (i64, wrapping).
    SubI64 "SUB_I64" [Dst Src Src None];
    /// `R[a] := R[b] * R[c]` (i8, wrapping).
    MulI8 "MUL_I8" [Dst Src Src None];
    /// `R[a] := R[b] * R[c]` (i16, wrapping).
    MulI16 "MUL_I16" [Dst Src Src None];
    /// `R[a] := R[b] * R[c]` (i32, wrapping).
    MulI32 "MUL_I32" [Dst Src Src None];
    /// `R[a] := R[b] * R[c]` (i64, wrapping).
    MulI64 "MUL_I64" [Dst Src Src None];
    /// `R[a] := R[b] / R[c]` (i8, toward zero; traps T0001 on 0; MIN / -1 = MIN).
    DivI8 "DIV_I8" [Dst Src Src None];
    /// `R[a] := R[b] / R[c]` (i16, toward zero; traps T0001 on 0; MIN / -1 = MIN).
    DivI16 "DIV_I16" [Dst Src Src None];
    /// `R[a] := R[b] / R[c]` (i32, toward zero; traps T0001 on 0; MIN / -1 = MIN).
    DivI32 "DIV_I32" [Dst Src Src None];
    /// `R[a] := R[b] / R[c]` (i64, toward zero; traps T0001 on 0; MIN / -1 = MIN).
    DivI64 "DIV_I64" [Dst Src Src None];
    /// `R[a] := R[b] % R[c]` (i8, sign of dividend; traps T0001 on 0; MIN % -1 = 0).
    RemI8 "REM_I8" [Dst Src Src None];
    /// `R[a] := R[b] % R[c]` (i16, sign of dividend; traps T0001 on 0; MIN % -1 = 0).
    RemI16 "REM_I16" [Dst Src Src None];
    /// `R[a] := R[b] % R[c]` (i32, sign of dividend; traps T0001 on 0; MIN % -1 = 0).
    RemI32 "REM_I32" [Dst Src Src None];
    /// `R[a] := R[b] % R[c]` (i64, sign of dividend; traps T0001 on 0; MIN % -1 = 0).
    RemI64 "REM_I64" [Dst Src Src None];
    /// `R[a] := R[b] << (R[c] & 7)` (i8, wrapping).
    ShlI8 "SHL_I8" [Dst Src Src None];
    /// `R[a] := R[b] << (R[c] & 15)` (i16, wrapping).
    ShlI16 "SHL_I16" [Dst Src Src None];
    /// `R[a] := R[b] << (R[c] & 31)` (i32, wrapping).
    ShlI32 "SHL_I32" [Dst Src Src None];
    /// `R[a] := R[b] << (R[c] & 63)` (i64, wrapping).
    ShlI64 "SHL_I64" [Dst Src Src None];
    /// `R[a] := R[b] >> (R[c] & 7)` (i8, arithmetic).
    ShrI8 "SHR_I8" [Dst Src Src None];
    /// `R[a] := R[b] >> (R[c] & 15)` (i16, arithmetic).
    ShrI16 "SHR_I16" [Dst Src Src None];
    /// `R[a] := R[b] >> (R[c] & 31)` (i32, arithmetic).
    ShrI32 "SHR_I32" [Dst Src Src None];
    /// `R[a] := R[b] >> (R[c] & 63)` (i64, arithmetic).
    ShrI64 "SHR_I64" [Dst Src Src None];
    /// `R[a] := -R[b]` (i8, wrapping: -MIN = MIN).
    NegI8 "NEG_I8" [Dst Src None None];
    /// `R[a] := -R[b]` (i16, wrapping: -MIN = MIN).
    NegI16 "NEG_I16" [Dst Src None None];
    /// `R[a] := -R[b]` (i32, wrapping: -MIN = MIN).
    NegI32 "NEG_I32" [Dst Src None None];
    /// `R[a] := -R[b]` (i64, wrapping: -MIN = MIN).
    NegI64 "NEG_I64" [Dst Src None None];

    // ---- integers: register-immediate forms -----------------------------------------------
    /// `R[a] := R[b] + imm` (i8, wrapping; the result type is i8).
    AddI8Ri "ADD_I8_RI" [Dst Src None Int];
    /// `R[a] := R[b] + imm` (i16, wrapping).
    AddI16Ri "ADD_I16_RI" [Dst Src None Int];
    /// `R[a] := R[b] + imm` (i32, wrapping).
    AddI32Ri "ADD_I32_RI" [Dst Src None Int];
    /// `R[a] := R[b] + imm` (i64, wrapping).
    AddI64Ri "ADD_I64_RI" [Dst Src None Int];
    /// `R[a] := R[b] - imm` (i8, wrapping).
    SubI8Ri "SUB_I8_RI" [Dst Src None Int];
    /// `R[a] := R[b] - imm` (i16, wrapping).
    SubI16Ri "SUB_I16_RI" [Dst Src None Int];
    /// `R[a] := R[b] - imm` (i32, wrapping).
    SubI32Ri "SUB_I32_RI" [Dst Src None Int];
    /// `R[a] := R[b] - imm` (i64, wrapping).
    SubI64Ri "SUB_I64_RI" [Dst Src None Int];
    /// `R[a] := R[b] * imm` (i8, wrapping).
    MulI8Ri "MUL_I8_RI" [Dst Src None Int];
    /// `R[a] := R[b] * imm` (i16, wrapping).
    MulI16Ri "MUL_I16_RI" [Dst Src None Int];
    /// `R[a] := R[b] * imm` (i32, wrapping).
    MulI32Ri "MUL_I32_RI" [Dst Src None Int];
    /// `R[a] := R[b] * imm` (i64, wrapping).
    MulI64Ri "MUL_I64_RI" [Dst Src None Int];
    /// `R[a] := R[b] << (imm & 7)` (i8, wrapping).
    ShlI8Ri "SHL_I8_RI" [Dst Src None Int];
    /// `R[a] := R[b] << (imm & 15)` (i16, wrapping).
    ShlI16Ri "SHL_I16_RI" [Dst Src None Int];
    /// `R[a] := R[b] << (imm & 31)` (i32, wrapping).
    ShlI32Ri "SHL_I32_RI" [Dst Src None Int];
    /// `R[a] := R[b] << (imm & 63)` (i64, wrapping).
    ShlI64Ri "SHL_I64_RI" [Dst Src None Int];
    /// `R[a] := R[b] >> (imm & 7)` (i8, arithmetic).
    ShrI8Ri "SHR_I8_RI" [Dst Src None Int];
    /// `R[a] := R[b] >> (imm & 15)` (i16, arithmetic).
    ShrI16Ri "SHR_I16_RI" [Dst Src None Int];
    /// `R[a] := R[b] >> (imm & 31)` (i32, arithmetic).
    ShrI32Ri "SHR_I32_RI" [Dst Src None Int];
    /// `R[a] := R[b] >> (imm & 63)` (i64, arithmetic).
    ShrI64Ri "SHR_I64_RI" [Dst Src None Int];

    // ---- integers and bools: width-independent ---------------------------------------------
    /// `R[a] := R[b] & R[c]` (INT or bool; result has the operands' type).
    And "AND" [Dst Src Src None];
    /// `R[a] := R[b] | R[c]` (INT or bool).
    Or "OR" [Dst Src Src None];
    /// `R[a] := R[b] ^ R[c]` (INT or bool).
    Xor "XOR" [Dst Src Src None];
    /// `R[a] := ~R[b]` (INT; bitwise not).
    BitNot "BIT_NOT" [Dst Src None None];
    /// `R[a] := !R[b]` (bool).
    NotBool "NOT_BOOL" [Dst Src None None];
    /// `R[a] := R[b] == R[c]` (INT or bool; result bool).
    Eq "EQ" [Dst Src Src None];
    /// `R[a] := R[b] != R[c]` (INT or bool; result bool).
    Ne "NE" [Dst Src Src None];
    /// `R[a] := R[b] < R[c]` (INT, signed; result bool).
    Lt "LT" [Dst Src Src None];
    /// `R[a] := R[b] <= R[c]` (INT, signed; result bool).
    Le "LE" [Dst Src Src None];
    /// `R[a] := R[b] > R[c]` (INT, signed; result bool).
    Gt "GT" [Dst Src Src None];
    /// `R[a] := R[b] >= R[c]` (INT, signed; result bool).
    Ge "GE" [Dst Src Src None];
    /// `R[a] := R[b] == imm` (INT; result bool).
    EqRi "EQ_RI" [Dst Src None Int];
    /// `R[a] := R[b] != imm` (INT; result bool).
    NeRi "NE_RI" [Dst Src None Int];
    /// `R[a] := R[b] < imm` (INT; result bool).
    LtRi "LT_RI" [Dst Src None Int];
    /// `R[a] := R[b] <= imm` (INT; result bool).
    LeRi "LE_RI" [Dst Src None Int];
    /// `R[a] := R[b] > imm` (INT; result bool).
    GtRi "GT_RI" [Dst Src None Int];
    /// `R[a] := R[b] >= imm` (INT; result bool).
    GeRi "GE_RI" [Dst Src None Int];

    // ---- fused compare-and-branch (INT; JEQ/JNE also bool) ---------------------------------
    /// `if R[b] == R[c] then pc := imm`.
    Jeq "JEQ" [None Src Src Target];
    /// `if R[b] != R[c] then pc := imm`.
    Jne "JNE" [None Src Src Target];
    /// `if R[b] < R[c] then pc := imm`.
    Jlt "JLT" [None Src Src Target];
    /// `if R[b] <= R[c] then pc := imm`.
    Jle "JLE" [None Src Src Target];
    /// `if R[b] > R[c] then pc := imm`.
    Jgt "JGT" [None Src Src Target];
    /// `if R[b] >= R[c] then pc := imm`.
    Jge "JGE" [None Src Src Target];
    /// `if R[b] == (c as i8) then pc := imm` (INT).
    JeqRi "JEQ_RI" [None Src SmallInt Target];
    /// `if R[b] != (c as i8) then pc := imm` (INT).
    JneRi "JNE_RI" [None Src SmallInt Target];
    /// `if R[b] < (c as i8) then pc := imm` (INT).
    JltRi "JLT_RI" [None Src SmallInt Target];
    /// `if R[b] <= (c as i8) then pc := imm` (INT).
    JleRi "JLE_RI" [None Src SmallInt Target];
    /// `if R[b] > (c as i8) then pc := imm` (INT).
    JgtRi "JGT_RI" [None Src SmallInt Target];
    /// `if R[b] >= (c as i8) then pc := imm` (INT).
    JgeRi "JGE_RI" [None Src SmallInt Target];

    // ---- floats (IEEE; `%` is fmod like C) --------------------------------------------------
    /// `R[a] := R[b] + R[c]` (f32).
    AddF32 "ADD_F32" [Dst Src Src None];
    /// `R[a] := R[b] - R[c]` (f32).
    SubF32 "SUB_F32" [Dst Src Src None];
    /// `R[a] := R[b] * R[c]` (f32).
    MulF32 "MUL_F32" [Dst Src Src None];
    /// `R[a] := R[b] / R[c]` (f32; no trap, IEEE inf/NaN).
    DivF32 "DIV_F32" [Dst Src Src None];
    /// `R[a] := fmod(R[b], R[c])` (f32; sign of the dividend).
    RemF32 "REM_F32" [Dst Src Src None];
    /// `R[a] := -R[b]` (f32).
    NegF32 "NEG_F32" [Dst Src None None];
    /// `R[a] := R[b] + R[c]` (f64).
    AddF64 "ADD_F64" [Dst Src Src None];
    /// `R[a] := R[b] - R[c]` (f64).
    SubF64 "SUB_F64" [Dst Src Src None];
    /// `R[a] := R[b] * R[c]` (f64).
    MulF64 "MUL_F64" [Dst Src Src None];
    /// `R[a] := R[b] / R[c]` (f64; no trap, IEEE inf/NaN).
    DivF64 "DIV_F64" [Dst Src Src None];
    /// `R[a] := fmod(R[b], R[c])` (f64; sign of the dividend).
    RemF64 "REM_F64" [Dst Src Src None];
    /// `R[a] := -R[b]` (f64).
    NegF64 "NEG_F64" [Dst Src None None];
    /// `R[a] := R[b] == R[c]` (f32; NaN is unequal to everything).
    EqF32 "EQ_F32" [Dst Src Src None];
    /// `R[a] := R[b] != R[c]` (f32).
    NeF32 "NE_F32" [Dst Src Src None];
    /// `R[a] := R[b] < R[c]` (f32).
    LtF32 "LT_F32" [Dst Src Src None];
    /// `R[a] := R[b] <= R[c]` (f32).
    LeF32 "LE_F32" [Dst Src Src None];
    /// `R[a] := R[b] > R[c]` (f32).
    GtF32 "GT_F32" [Dst Src Src None];
    /// `R[a] := R[b] >= R[c]` (f32).
    GeF32 "GE_F32" [Dst Src Src None];
    /// `R[a] := R[b] == R[c]` (f64; NaN is unequal to everything).
    EqF64 "EQ_F64" [Dst Src Src None];
    /// `R[a] := R[b] != R[c]` (f64).
    NeF64 "NE_F64" [Dst Src Src None];
    /// `R[a] := R[b] < R[c]` (f64).
    LtF64 "LT_F64" [Dst Src Src None];
    /// `R[a] := R[b] <= R[c]` (f64).
    LeF64 "LE_F64" [Dst Src Src None];
    /// `R[a] := R[b] > R[c]` (f64).
    GtF64 "GT_F64" [Dst Src Src None];
    /// `R[a] := R[b] >= R[c]` (f64).
    GeF64 "GE_F64" [Dst Src Src None];

    // ---- casts (§6 `as`) ---------------------------------------------------------------------
    /// `R[a] := R[b] as i8` (from any INT or bool; wraps).
    CastToI8 "CAST_TO_I8" [Dst Src None None];
    /// `R[a] := R[b] as i16` (from any INT or bool; wraps).
    CastToI16 "CAST_TO_I16" [Dst Src None None];
    /// `R[a] := R[b] as i32` (from any INT or bool; wraps).
    CastToI32 "CAST_TO_I32" [Dst Src None None];
    /// `R[a] := R[b] as i64` (from any INT or bool; the bits do not change).
    CastToI64 "CAST_TO_I64" [Dst Src None None];
    /// `R[a] := R[b] as f32` (from any INT; rounds to nearest).
    CastIntF32 "CAST_INT_F32" [Dst Src None None];
    /// `R[a] := R[b] as f64` (from any INT; rounds to nearest).
    CastIntF64 "CAST_INT_F64" [Dst Src None None];
    /// `R[a] := R[b] as i8` (from f32; toward zero, saturating, NaN → 0).
    CastF32I8 "CAST_F32_I8" [Dst Src None None];
    /// `R[a] := R[b] as i16` (from f32; toward zero, saturating, NaN → 0).
    CastF32I16 "CAST_F32_I16" [Dst Src None None];
    /// `R[a] := R[b] as i32` (from f32; toward zero, saturating, NaN → 0).
    CastF32I32 "CAST_F32_I32" [Dst Src None None];
    /// `R[a] := R[b] as i64` (from f32; toward zero, saturating, NaN → 0).
    CastF32I64 "CAST_F32_I64" [Dst Src None None];
    /// `R[a] := R[b] as i8` (from f64; toward zero, saturating, NaN → 0).
    CastF64I8 "CAST_F64_I8" [Dst Src None None];
    /// `R[a] := R[b] as i16` (from f64; toward zero, saturating, NaN → 0).
    CastF64I16 "CAST_F64_I16" [Dst Src None None];
    /// `R[a] := R[b] as i32` (from f64; toward zero, saturating, NaN → 0).
    CastF64I32 "CAST_F64_I32" [Dst Src None None];
    /// `R[a] := R[b] as i64` (from f64; toward zero, saturating, NaN → 0).
    CastF64I64 "CAST_F64_I64" [Dst Src None None];
    /// `R[a] := R[b] as f64` (from f32; exact).
    CastF32F64 "CAST_F32_F64" [Dst Src None None];
    /// `R[a] := R[b] as f32` (from f64; rounds to nearest).
    CastF64F32 "CAST_F64_F32" [Dst Src None None];

    // ---- strings -----------------------------------------------------------------------------
    /// `R[a] := R[b] + R[c]` (string concatenation).
    Concat "CONCAT" [Dst Src Src None];
    /// `R[a] := R[b] == R[c]` (strings, by bytes).
    StrEq "STR_EQ" [Dst Src Src None];
    /// `R[a] := R[b] != R[c]` (strings, by bytes).
    StrNe "STR_NE" [Dst Src Src None];
    /// `R[a] := R[b] < R[c]` (strings, lexicographic by bytes).
    StrLt "STR_LT" [Dst Src Src None];
    /// `R[a] := R[b] <= R[c]` (strings, by bytes).
    StrLe "STR_LE" [Dst Src Src None];
    /// `R[a] := R[b] > R[c]` (strings, by bytes).
    StrGt "STR_GT" [Dst Src Src None];
    /// `R[a] := R[b] >= R[c]` (strings, by bytes).
    StrGe "STR_GE" [Dst Src Src None];
    /// `R[a] := len(R[b])` in bytes (i64).
    StrLen "STR_LEN" [Dst Src None None];
    /// `R[a] := to_string(R[b])` formatted by the type `T[imm]` of `R[b]`, as `print` would.
    ToString "TO_STRING" [Dst Src None Type];

    // ---- arrays (bounds-checked: index outside 0..len traps T0002) --------------------------
    /// `R[a] := new E[R[b]]` for the array type `T[imm]` = `E[]`, every element E's default (negative length traps T0003).
    ArrayNew "ARRAY_NEW" [Dst Src None Type];
    /// `R[a] := [R[b], …, R[b+c-1]]` of the array type `T[imm]`.
    ArrayLit "ARRAY_LIT" [Dst Range Count Type];
    /// `R[a] := len(R[b])` (array length, i64).
    ArrayLen "ARRAY_LEN" [Dst Src None None];
    /// `R[a] := R[b][R[c]]` (elements of kind i8).
    ArrayGetI8 "ARRAY_GET_I8" [Dst Src Src None];
    /// `R[a] := R[b][R[c]]` (elements of kind i16).
    ArrayGetI16 "ARRAY_GET_I16" [Dst Src Src None];
    /// `R[a] := R[b][R[c]]` (elements of kind i32).
    ArrayGetI32 "ARRAY_GET_I32" [Dst Src Src None];
    /// `R[a] := R[b][R[c]]` (elements of kind i64 or fn).
    ArrayGetI64 "ARRAY_GET_I64" [Dst Src Src None];
    /// `R[a] := R[b][R[c]]` (elements of kind f32).
    ArrayGetF32 "ARRAY_GET_F32" [Dst Src Src None];
    /// `R[a] := R[b][R[c]]` (elements of kind f64).
    ArrayGetF64 "ARRAY_GET_F64" [Dst Src Src None];
    /// `R[a] := R[b][R[c]]` (elements of kind bool).
    ArrayGetBool "ARRAY_GET_BOOL" [Dst Src Src None];
    /// `R[a] := R[b][R[c]]` (elements of kind ref).
    ArrayGetRef "ARRAY_GET_REF" [Dst Src Src None];
    /// `R[a][R[b]] := R[c]` (elements of kind i8).
    ArraySetI8 "ARRAY_SET_I8" [Src Src Src None];
    /// `R[a][R[b]] := R[c]` (elements of kind i16).
    ArraySetI16 "ARRAY_SET_I16" [Src Src Src None];
    /// `R[a][R[b]] := R[c]` (elements of kind i32).
    ArraySetI32 "ARRAY_SET_I32" [Src Src Src None];
    /// `R[a][R[b]] := R[c]` (elements of kind i64 or fn).
    ArraySetI64 "ARRAY_SET_I64" [Src Src Src None];
    /// `R[a][R[b]] := R[c]` (elements of kind f32).
    ArraySetF32 "ARRAY_SET_F32" [Src Src Src None];
    /// `R[a][R[b]] := R[c]` (elements of kind f64).
    ArraySetF64 "ARRAY_SET_F64" [Src Src Src None];
    /// `R[a][R[b]] := R[c]` (elements of kind bool).
    ArraySetBool "ARRAY_SET_BOOL" [Src Src Src None];
    /// `R[a][R[b]] := R[c]` (elements of kind ref).
    ArraySetRef "ARRAY_SET_REF" [Src Src Src None];

    // ---- structs ---------------------------------------------------------------------------
    /// `R[a] := new struct imm` with fields `R[b] .. R[b+c-1]` in declaration order (c = field count).
    StructNew "STRUCT_NEW" [Dst Range Count Struct];
    /// `R[a] := new struct imm` with every field at its default (arrays empty, structs fresh).
    StructNewDefault "STRUCT_NEW_DEFAULT" [Dst None None Struct];
    /// `R[a] := R[b].field[imm]` (field of kind i8).
    GetFieldI8 "GET_FIELD_I8" [Dst Src None Field];
    /// `R[a] := R[b].field[imm]` (field of kind i16).
    GetFieldI16 "GET_FIELD_I16" [Dst Src None Field];
    /// `R[a] := R[b].field[imm]` (field of kind i32).
    GetFieldI32 "GET_FIELD_I32" [Dst Src None Field];
    /// `R[a] := R[b].field[imm]` (field of kind i64 or fn).
    GetFieldI64 "GET_FIELD_I64" [Dst Src None Field];
    /// `R[a] := R[b].field[imm]` (field of kind f32).
    GetFieldF32 "GET_FIELD_F32" [Dst Src None Field];
    /// `R[a] := R[b].field[imm]` (field of kind f64).
    GetFieldF64 "GET_FIELD_F64" [Dst Src None Field];
    /// `R[a] := R[b].field[imm]` (field of kind bool).
    GetFieldBool "GET_FIELD_BOOL" [Dst Src None Field];
    /// `R[a] := R[b].field[imm]` (field of kind ref).
    GetFieldRef "GET_FIELD_REF" [Dst Src None Field];
    /// `R[b].field[imm] := R[c]` (field of kind i8).
    SetFieldI8 "SET_FIELD_I8" [None Src Src Field];
    /// `R[b].field[imm] := R[c]` (field of kind i16).
    SetFieldI16 "SET_FIELD_I16" [None Src Src Field];
    /// `R[b].field[imm] := R[c]` (field of kind i32).
    SetFieldI32 "SET_FIELD_I32" [None Src Src Field];
    /// `R[b].field[imm] := R[c]` (field of kind i64 or fn).
    SetFieldI64 "SET_FIELD_I64" [None Src Src Field];
    /// `R[b].field[imm] := R[c]` (field of kind f32).
    SetFieldF32 "SET_FIELD_F32" [None Src Src Field];
    /// `R[b].field[imm] := R[c]` (field of kind f64).
    SetFieldF64 "SET_FIELD_F64" [None Src Src Field];
    /// `R[b].field[imm] := R[c]` (field of kind bool).
    SetFieldBool "SET_FIELD_BOOL" [None Src Src Field];
    /// `R[b].field[imm] := R[c]` (field of kind ref).
    SetFieldRef "SET_FIELD_REF" [None Src Src Field];

    // ---- globals and spill slots -----------------------------------------------------------
    /// `R[a] := G[imm]` (an fn or node_ref global read before its initialiser ran holds a null that traps when used).
    GetGlobal "GET_GLOBAL" [Dst None None Global];
    /// `G[imm] := R[b]`.
    SetGlobal "SET_GLOBAL" [None Src None Global];
    /// `S[imm] := R[b]` (the slot takes R[b]'s type).
    Spill "SPILL" [None Src None Slot];
    /// `R[a] := S[imm]`.
    Reload "RELOAD" [Dst None None Slot];

    // ---- calls -------------------------------------------------------------------------------
    /// `R[a] := F[imm](R[b] .. R[b+c-1])`; a = 0 when F returns nothing (stack overflow traps T0004).
    Call "CALL" [Dst Range Count Func];
    /// `R[a] := R[imm](R[b] .. R[b+c-1])` through the function value in register imm (null traps T0005).
    CallIndirect "CALL_INDIRECT" [Dst Range Count RegImm];
    /// `R[a] := B[imm](R[b] .. R[b+c-1])` for the builtin operation `imm` of the module's builtin table.
    CallBuiltin "CALL_BUILTIN" [Dst Range Count Builtin];

    // ---- printing (`print` lowers to these, §7) ----------------------------------------------
    /// Print `R[b]` (any INT) in decimal.
    PrintInt "PRINT_INT" [None Src None None];
    /// Print `R[b]` (f32) in the shortest round-trip form.
    PrintF32 "PRINT_F32" [None Src None None];
    /// Print `R[b]` (f64) in the shortest round-trip form.
    PrintF64 "PRINT_F64" [None Src None None];
    /// Print `R[b]` (bool) as `true`/`false`.
    PrintBool "PRINT_BOOL" [None Src None None];
    /// Print `R[b]` (string) as its bytes.
    PrintStr "PRINT_STR" [None Src None None];
    /// Print `R[b]` of the type `T[imm]` (arrays, structs, tables, anything printable).
    PrintValue "PRINT_VALUE" [None Src None Type];
    /// Print one space.
    PrintSpace "PRINT_SPACE" [None None None None];
    /// Print a newline.
    PrintNewline "PRINT_NEWLINE" [None None None None];

    // ---- dataflow bridge (§8) ----------------------------------------------------------------
    /// `R[a] :=` a new node_ref of kind imm over the arguments `R[b] .. R[b+c-1]` (bad column names or types trap T0200).
    DfNode "DF_NODE" [Dst Range Count NodeKind];
    /// `R[a] := materialize(R[b])` (node_ref or table_ref → table_ref).
    DfMaterialize "DF_MATERIALIZE" [Dst Src None None];
    /// `R[a] := explain(R[b])` (node_ref or table_ref → string).
    DfExplain "DF_EXPLAIN" [Dst Src None None];

    // ---- appended (the numbers above never change, so older modules still load) -----------
    /// `R[a] := R[b] & imm` (INT; the compiler only emits an imm that fits the type).
    AndRi "AND_RI" [Dst Src None Int];
    /// `R[a] := R[b] | imm` (INT; the compiler only emits an imm that fits the type).
    OrRi "OR_RI" [Dst Src None Int];
    /// `R[a] := R[b] ^ imm` (INT; the compiler only emits an imm that fits the type).
    XorRi "XOR_RI" [Dst Src None Int];
    /// `if R[b] == R[c] then pc := imm` (f64, IEEE: false when either is NaN).
    JeqF64 "JEQ_F64" [None Src Src Target];
    /// `if R[b] != R[c] then pc := imm` (f64, IEEE: true when either is NaN).
    JneF64 "JNE_F64" [None Src Src Target];
    /// `if R[b] < R[c] then pc := imm` (f64; `>` swaps the operands).
    JltF64 "JLT_F64" [None Src Src Target];
    /// `if R[b] <= R[c] then pc := imm` (f64; `>=` swaps the operands).
    JleF64 "JLE_F64" [None Src Src Target];
    /// `if not (R[b] < R[c]) then pc := imm` (f64; also taken when either is NaN).
    JnltF64 "JNLT_F64" [None Src Src Target];
    /// `if not (R[b] <= R[c]) then pc := imm` (f64; also taken when either is NaN).
    JnleF64 "JNLE_F64" [None Src Src Target];
    /// `if R[b] == R[c] then pc := imm` (f32, IEEE: false when either is NaN).
    JeqF32 "JEQ_F32" [None Src Src Target];
    /// `if R[b] != R[c] then pc := imm` (f32, IEEE: true when either is NaN).
    JneF32 "JNE_F32" [None Src Src Target];
    /// `if R[b] < R[c] then pc := imm` (f32; `>` swaps the operands).
    JltF32 "JLT_F32" [None Src Src Target];
    /// `if R[b] <= R[c] then pc := imm` (f32; `>=` swaps the operands).
    JleF32 "JLE_F32" [None Src Src Target];
    /// `if not (R[b] < R[c]) then pc := imm` (f32; also taken when either is NaN).
    JnltF32 "JNLT_F32" [None Src Src Target];
    /// `if not (R[b] <= R[c]) then pc := imm` (f32; also taken when either is NaN).
    JnleF32 "JNLE_F32" [None Src Src Target];
    /// `R[a] := R[b] / imm` (i8, truncating; the verifier requires a non-zero imm that fits the type, so it never traps; `MIN / -1` wraps).
    DivI8Ri "DIV_I8_RI" [Dst Src None Int];
    /// `R[a] := R[b] / imm` (i16, truncating; the verifier requires a non-zero imm that fits the type, so it never traps; `MIN / -1` wraps).
    DivI16Ri "DIV_I16_RI" [Dst Src None Int];
    /// `R[a] := R[b] / imm` (i32, truncating; the verifier requires a non-zero imm that fits the type, so it never traps; `MIN / -1` wraps).
    DivI32Ri "DIV_I32_RI" [Dst Src None Int];
    /// `R[a] := R[b] / imm` (i64, truncating; the verifier requires a non-zero imm that fits the type, so it never traps; `MIN / -1` wraps).
    DivI64Ri "DIV_I64_RI" [Dst Src None Int];
    /// `R[a] := R[b] % imm` (i8, sign of the dividend; the verifier requires a non-zero imm that fits the type, so it never traps; `MIN % -1` wraps).
    RemI8Ri "REM_I8_RI" [Dst Src None Int];
    /// `R[a] := R[b] % imm` (i16, sign of the dividend; the verifier requires a non-zero imm that fits the type, so it never traps; `MIN % -1` wraps).
    RemI16Ri "REM_I16_RI" [Dst Src None Int];
    /// `R[a] := R[b] % imm` (i32, sign of the dividend; the verifier requires a non-zero imm that fits the type, so it never traps; `MIN % -1` wraps).
    RemI32Ri "REM_I32_RI" [Dst Src None Int];
    /// `R[a] := R[b] % imm` (i64, sign of the dividend; the verifier requires a non-zero imm that fits the type, so it never traps; `MIN % -1` wraps).
    RemI64Ri "REM_I64_RI" [Dst Src None Int];

    // ---- fused loop step: `R[a] += (c as i8)` (i64, wrapping), then a compare-and-branch ----
    /// `R[a] := R[a] + (c as i8)` (i64, wrapping); `if R[a] < R[b] then pc := imm`.
    IncrJlt "INCR_JLT" [Dst Src SmallInt Target];
    /// `R[a] := R[a] + (c as i8)` (i64, wrapping); `if R[a] <= R[b] then pc := imm`.
    IncrJle "INCR_JLE" [Dst Src SmallInt Target];
    /// `R[a] := R[a] + (c as i8)` (i64, wrapping); `if R[a] > R[b] then pc := imm`.
    IncrJgt "INCR_JGT" [Dst Src SmallInt Target];
    /// `R[a] := R[a] + (c as i8)` (i64, wrapping); `if R[a] >= R[b] then pc := imm`.
    IncrJge "INCR_JGE" [Dst Src SmallInt Target];
    /// `R[a] := R[a] + (c as i8)` (i64, wrapping); `if R[a] < (b as i8) then pc := imm`.
    IncrJltRi "INCR_JLT_RI" [Dst SmallInt SmallInt Target];
    /// `R[a] := R[a] + (c as i8)` (i64, wrapping); `if R[a] <= (b as i8) then pc := imm`.
    IncrJleRi "INCR_JLE_RI" [Dst SmallInt SmallInt Target];
    /// `R[a] := R[a] + (c as i8)` (i64, wrapping); `if R[a] > (b as i8) then pc := imm`.
    IncrJgtRi "INCR_JGT_RI" [Dst SmallInt SmallInt Target];
    /// `R[a] := R[a] + (c as i8)` (i64, wrapping); `if R[a] >= (b as i8) then pc := imm`.
    IncrJgeRi "INCR_JGE_RI" [Dst SmallInt SmallInt Target];

    // ---- fused loop step by a register: `R[a] += R[c]` (i64, wrapping), then a compare-and-branch ----
    /// `R[a] := R[a] + R[c]` (i64, wrapping); `if R[a] < R[b] then pc := imm`.
    AddJlt "ADD_JLT" [Dst Src Src Target];
    /// `R[a] := R[a] + R[c]` (i64, wrapping); `if R[a] <= R[b] then pc := imm`.
    AddJle "ADD_JLE" [Dst Src Src Target];
    /// `R[a] := R[a] + R[c]` (i64, wrapping); `if R[a] > R[b] then pc := imm`.
    AddJgt "ADD_JGT" [Dst Src Src Target];
    /// `R[a] := R[a] + R[c]` (i64, wrapping); `if R[a] >= R[b] then pc := imm`.
    AddJge "ADD_JGE" [Dst Src Src Target];

    // ---- strings, appended ---------------------------------------------------------------------
    /// `R[a] := R[b] + … + R[b+c-1]` (one string from `c` strings, in one allocation).
    ConcatN "CONCAT_N" [Dst Range Count None];

    // ---- float math, appended ------------------------------------------------------------------
    /// `R[a] := sqrt(R[b])` (f64, correctly rounded; NaN below -0.0), the `sqrt` built-in in line.
    SqrtF64 "SQRT_F64" [Dst Src None None];
}

impl Opcode {
    /// True when the instruction never falls through to the next pc.
    pub fn is_terminator(self) -> bool {
        matches!(
            self,
            Opcode::Jmp | Opcode::Ret | Opcode::RetVoid | Opcode::Trap
        )
    }

    /// True when `imm` is a jump target.
    pub fn is_branch(self) -> bool {
        self.operands()[3] == Operand::Target
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_is_dense_and_fits_a_byte() {
        assert!(Opcode::ALL.len() <= 256);
        for (i, op) in Opcode::ALL.iter().enumerate() {
            assert_eq!(*op as usize, i);
            assert_eq!(Opcode::from_u8(i as u8), Some(*op));
        }
        assert_eq!(Opcode::from_u8(Opcode::ALL.len() as u8), None);
    }

    #[test]
    fn mnemonics_are_unique() {
        let mut names: Vec<_> = Opcode::ALL.iter().map(|o| o.mnemonic()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Opcode::ALL.len());
    }
}

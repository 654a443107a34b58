//! One test per verifier rule, each asserting the exact error (function, pc, problem) (§9).

mod common;

use common::with_function;
use theta::bytecode::Opcode::*;
use theta::bytecode::{
    BuiltinOp, DfNodeKind, ElemKind, FunctionBuilder, MainInfo, MainReturn, Module, ModuleBuilder,
    VType, load, verify,
};

const I64K: u8 = ElemKind::I64 as u8;

fn error_of(m: &Module) -> String {
    let direct = verify(m).expect_err("module must be refused").to_string();
    // The loader gives the same answer for the same module written to bytes.
    let loaded = load(&m.to_bytes())
        .expect_err("loader must refuse")
        .to_string();
    assert_eq!(direct, loaded);
    direct
}

fn ok(m: &Module) {
    verify(m).unwrap_or_else(|e| panic!("{e}"));
    load(&m.to_bytes()).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn unknown_opcode() {
    let m = with_function(vec![], None, |_, f| {
        f.op(Nop, 0, 0, 0, 0);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    let mut bytes = m.to_bytes();
    // The NOP is the only all-zero 8-byte instruction followed by RET_VOID's opcode.
    let ret = RetVoid as u8;
    let pos = bytes
        .windows(9)
        .position(|w| w[..8] == [0; 8] && w[8] == ret)
        .expect("NOP found");
    bytes[pos] = 250;
    let err = load(&bytes).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid module: function `f` (#1), pc 0: unknown opcode 250"
    );
}

#[test]
fn register_out_of_range() {
    let m = with_function(vec![], None, |_, f| {
        f.set_num_registers(4);
        f.op(LoadImm, 9, 0, I64K, 1);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (LOAD_IMM): register r9 out of range (function has 4 registers)"
    );
}

#[test]
fn r0_is_never_written() {
    let m = with_function(vec![], None, |_, f| {
        f.op(LoadImm, 0, 0, I64K, 1);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (LOAD_IMM): writes r0 (r0 is the constant zero)"
    );
}

#[test]
fn unused_operands_must_be_zero() {
    let m = with_function(vec![], None, |_, f| {
        f.op(RetVoid, 0, 3, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (RET_VOID): operand b is unused but is 3"
    );
    let m = with_function(vec![], None, |_, f| {
        f.op(RetVoid, 0, 0, 0, 7);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (RET_VOID): imm is unused but is 7"
    );
}

#[test]
fn constant_indices_in_range() {
    for (op, what) in [
        (LoadConstI64, "i64 constant"),
        (LoadConstF64, "f64 constant"),
        (LoadConstStr, "string constant"),
    ] {
        let m = with_function(vec![], None, |_, f| {
            f.op(op, 16, 0, 0, 3);
            f.op(RetVoid, 0, 0, 0, 0);
        });
        assert_eq!(
            error_of(&m),
            format!(
                "invalid module: function `f` (#1), pc 0 ({}): {what} 3 out of range (0 exist)",
                op.mnemonic()
            )
        );
    }
}

#[test]
fn table_indices_in_range() {
    for (op, what) in [
        (LoadFunc, "function 5 out of range (2 exist)"),
        (GetGlobal, "global 5 out of range (0 exist)"),
        (StructNewDefault, "struct 5 out of range (0 exist)"),
    ] {
        let m = with_function(vec![], None, |_, f| {
            f.op(op, 16, 0, 0, 5);
            f.op(RetVoid, 0, 0, 0, 0);
        });
        assert_eq!(
            error_of(&m),
            format!(
                "invalid module: function `f` (#1), pc 0 ({}): {what}",
                op.mnemonic()
            )
        );
    }
    let m = with_function(vec![], None, |_, f| {
        f.op(ArrayNew, 16, 0, 0, 0);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (ARRAY_NEW): type pool entry 0 out of range (0 exist)"
    );
    let m = with_function(vec![], None, |_, f| {
        f.op(CallBuiltin, 0, 16, 0, 0);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (CALL_BUILTIN): builtin 0 out of range (0 exist)"
    );
}

#[test]
fn jump_targets_stay_inside_the_function() {
    for target in [2, -1, 1000] {
        let m = with_function(vec![], None, |_, f| {
            f.op(Jmp, 0, 0, 0, target);
            f.op(RetVoid, 0, 0, 0, 0);
        });
        assert_eq!(
            error_of(&m),
            format!(
                "invalid module: function `f` (#1), pc 0 (JMP): jump target {target} outside the function (0..2)"
            )
        );
    }
}

#[test]
fn operand_types_match_the_opcode() {
    let m = with_function(vec![VType::F64], Some(VType::I64), |_, f| {
        f.op(LoadImm, 16, 0, I64K, 1);
        f.op(AddI64, 1, 16, 2, 0);
        f.op(Ret, 0, 1, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 1 (ADD_I64): r2 is f64, expected i64"
    );
}

#[test]
fn widths_are_not_mixed() {
    let m = with_function(vec![VType::I32, VType::I64], Some(VType::Bool), |_, f| {
        f.op(Lt, 1, 2, 3, 0);
        f.op(Ret, 0, 1, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (LT): operands differ in type: r2 is i32, r3 is i64"
    );
}

#[test]
fn registers_must_be_defined_on_every_path() {
    // if (p) { r16 = 1 } ; return r16   — undefined on the else path.
    let m = with_function(vec![VType::Bool], Some(VType::I64), |_, f| {
        let join = f.new_label();
        f.jump(JFalse, 2, 0, join);
        f.op(LoadImm, 16, 0, I64K, 1);
        f.bind(join);
        f.op(Ret, 0, 16, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 2 (RET): r16 is read but has no single type here (not written on every path, or written with different types)"
    );
}

#[test]
fn differing_types_at_a_join_are_unknown() {
    let m = with_function(vec![VType::Bool], Some(VType::I64), |_, f| {
        let other = f.new_label();
        let join = f.new_label();
        f.jump(JFalse, 2, 0, other);
        f.op(LoadImm, 16, 0, I64K, 1);
        f.jump(Jmp, 0, 0, join);
        f.bind(other);
        f.op(LoadImm, 16, 0, ElemKind::I32 as u8, 1);
        f.bind(join);
        f.op(Ret, 0, 16, 0, 0);
    });
    assert!(error_of(&m).starts_with(
        "invalid module: function `f` (#1), pc 4 (RET): r16 is read but has no single type here"
    ));
}

#[test]
fn registers_may_change_type_between_live_ranges() {
    // r16 holds an f64, then a string: fine, each read sees one type.
    let m = with_function(vec![], None, |mb, f| {
        let s = mb.string("x");
        let k = mb.const_f64(1.5);
        f.op(LoadConstF64, 16, 0, 0, k);
        f.op(PrintF64, 0, 16, 0, 0);
        f.op(LoadConstStr, 16, 0, 0, s);
        f.op(PrintStr, 0, 16, 0, 0);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    ok(&m);
}

#[test]
fn r0_reads_as_zero_of_any_scalar_type() {
    let m = with_function(vec![VType::I8, VType::F64], Some(VType::Bool), |_, f| {
        f.op(AddI8, 16, 2, 0, 0);
        f.op(SubF64, 17, 0, 3, 0);
        f.op(Jeq, 0, 16, 0, 4);
        f.op(Mov, 18, 0, 0, 0);
        f.op(Ne, 1, 0, 0, 0);
        f.op(Ret, 0, 1, 0, 0);
    });
    ok(&m);
}

#[test]
fn loops_reach_a_fixed_point() {
    // i32 i = 0; while (i < 10) { i = i + 1 } return i;
    let m = with_function(vec![], Some(VType::I32), |_, f| {
        let top = f.new_label();
        let done = f.new_label();
        f.op(Mov, 1, 0, 0, 0); // r1 = zero, typed by the join with i32 below
        f.op(LoadImm, 16, 0, ElemKind::I32 as u8, 10);
        f.bind(top);
        f.jump(Jge, 1, 16, done);
        f.op(AddI32Ri, 1, 1, 0, 1);
        f.jump(Jmp, 0, 0, top);
        f.bind(done);
        f.op(Ret, 0, 1, 0, 0);
    });
    ok(&m);
}

#[test]
fn call_arguments_match_the_callee() {
    let mut mb = ModuleBuilder::new();
    mb.function("<init>", vec![], None, |f| {
        f.op(RetVoid, 0, 0, 0, 0);
    });
    let g = mb.function("g", vec![VType::I64, VType::Str], Some(VType::I64), |f| {
        f.op(Ret, 0, 2, 0, 0);
    });
    let mut f = FunctionBuilder::new(0);
    f.op(LoadImm, 16, 0, I64K, 1);
    f.op(LoadImm, 17, 0, I64K, 2);
    f.op(Call, 18, 16, 2, g as i32);
    f.op(RetVoid, 0, 0, 0, 0);
    let i = mb.declare("f", vec![], None);
    mb.define(i, f);
    let m = mb.finish().unwrap();
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#2), pc 2 (CALL): r17 is i64, expected string"
    );

    let mut m2 = m.clone();
    m2.functions[2].code[2].c = 1;
    assert_eq!(
        error_of(&m2),
        "invalid module: function `f` (#2), pc 2 (CALL): passes 1 arguments, the callee takes 2"
    );
}

#[test]
fn calls_of_void_functions_write_nothing() {
    let mut mb = ModuleBuilder::new();
    let init = mb.function("<init>", vec![], None, |f| {
        f.op(RetVoid, 0, 0, 0, 0);
    });
    mb.function("f", vec![], None, |f| {
        f.op(Call, 16, 0, 0, init as i32);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    let m = mb.finish().unwrap();
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (CALL): the callee returns nothing, so a must be 0 (is r16)"
    );
}

#[test]
fn returns_match_the_signature() {
    let m = with_function(vec![VType::F64], Some(VType::I64), |_, f| {
        f.op(Ret, 0, 2, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (RET): r2 is f64, expected i64"
    );
    let m = with_function(vec![], Some(VType::I64), |_, f| {
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (RET_VOID): RET_VOID in a function that returns a value"
    );
    let m = with_function(vec![VType::I64], None, |_, f| {
        f.op(Ret, 0, 2, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (RET): RET in a function that returns nothing (use RET_VOID)"
    );
}

#[test]
fn every_path_ends_in_a_return() {
    let m = with_function(vec![VType::Bool], None, |_, f| {
        let end = f.new_label();
        f.jump(JTrue, 2, 0, end);
        f.op(RetVoid, 0, 0, 0, 0);
        f.bind(end);
        f.op(PrintNewline, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 2 (PRINT_NEWLINE): control falls off the end of the function (every path must end in RET, RET_VOID or TRAP)"
    );
}

#[test]
fn functions_have_code() {
    let mut mb = ModuleBuilder::new();
    mb.function("<init>", vec![], None, |_| {});
    assert_eq!(
        error_of(&mb.finish().unwrap()),
        "invalid module: function `<init>` (#0): function has no code"
    );
}

#[test]
fn spill_slots_in_range_and_typed() {
    let m = with_function(vec![VType::I64], None, |_, f| {
        f.set_num_spill_slots(2);
        f.op(Spill, 0, 2, 0, 2);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (SPILL): spill slot 2 out of range (2 exist)"
    );
    let m = with_function(vec![VType::I64], None, |_, f| {
        f.set_num_spill_slots(2);
        f.op(Spill, 0, 2, 0, 0);
        f.op(Reload, 16, 0, 0, 1);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 1 (RELOAD): spill slot 1 is read but has no single type here"
    );
    let m = with_function(vec![VType::I64], Some(VType::I64), |_, f| {
        f.set_num_spill_slots(1);
        f.op(Spill, 0, 2, 0, 0);
        f.op(Reload, 1, 0, 0, 0);
        f.op(Ret, 0, 1, 0, 0);
    });
    ok(&m);
}

#[test]
fn immediates_fit_their_kind() {
    let m = with_function(vec![], None, |_, f| {
        f.op(LoadImm, 16, 0, ElemKind::I8 as u8, 200);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (LOAD_IMM): immediate 200 does not fit i8"
    );
    let m = with_function(vec![], None, |_, f| {
        f.op(LoadImm, 16, 0, ElemKind::F64 as u8, 1);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (LOAD_IMM): kind 5 is not an integer or bool kind"
    );
}

#[test]
fn array_element_kinds_match() {
    let m = with_function(vec![VType::array(VType::I64)], Some(VType::I32), |_, f| {
        f.op(ArrayGetI32, 1, 2, 0, 0);
        f.op(Ret, 0, 1, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (ARRAY_GET_I32): r2 is i64[], whose elements are of kind i64, not i32"
    );
    let m = with_function(vec![VType::Str], Some(VType::I64), |_, f| {
        f.op(ArrayLen, 1, 2, 0, 0);
        f.op(Ret, 0, 1, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (ARRAY_LEN): r2 is string, expected an array"
    );
}

fn point_module(build: impl FnOnce(&mut FunctionBuilder, u32)) -> Module {
    let mut mb = ModuleBuilder::new();
    let p = mb.add_struct("Point", &[("x", VType::F64), ("y", VType::F64)]);
    mb.function("<init>", vec![], None, |f| {
        f.op(RetVoid, 0, 0, 0, 0);
    });
    mb.function("f", vec![VType::Struct(p)], None, |f| build(f, p));
    mb.finish().unwrap()
}

#[test]
fn struct_fields_exist_and_match_their_kind() {
    let m = point_module(|f, _| {
        f.op(GetFieldF64, 16, 2, 0, 2);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (GET_FIELD_F64): struct `Point` has no field #2 (2 fields)"
    );
    let m = point_module(|f, _| {
        f.op(GetFieldI64, 16, 2, 0, 1);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (GET_FIELD_I64): field `Point.y` is f64, of kind f64, not i64"
    );
    let m = point_module(|f, p| {
        f.op(StructNew, 16, 2, 1, p as i32);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (STRUCT_NEW): struct `Point` has 2 fields, 1 given"
    );
}

#[test]
fn structs_do_not_contain_themselves_by_value() {
    let mut mb = ModuleBuilder::new();
    mb.add_struct("A", &[("b", VType::Struct(1))]);
    mb.add_struct("B", &[("a", VType::Struct(0))]);
    mb.add_struct("Tree", &[("kids", VType::array(VType::Struct(2)))]);
    mb.function("<init>", vec![], None, |f| {
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&mb.finish().unwrap()),
        "invalid module: struct `A` contains itself by value"
    );
}

#[test]
fn init_and_main_have_the_right_signatures() {
    let mut mb = ModuleBuilder::new();
    mb.function("<init>", vec![VType::I64], None, |f| {
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&mb.finish().unwrap()),
        "invalid module: init function `<init>` must take no parameters and return nothing"
    );
    let mut mb = ModuleBuilder::new();
    mb.function("<init>", vec![], None, |f| {
        f.op(RetVoid, 0, 0, 0, 0);
    });
    let main = mb.function("main", vec![], None, |f| {
        f.op(RetVoid, 0, 0, 0, 0);
    });
    mb.set_main(MainInfo {
        func: main,
        takes_args: true,
        returns: MainReturn::I64,
    });
    assert_eq!(
        error_of(&mb.finish().unwrap()),
        "invalid module: main function `main` has signature fn(), but the header says fn(string[]) -> i64"
    );
    let mut m = with_function(vec![], None, |_, f| {
        f.op(RetVoid, 0, 0, 0, 0);
    });
    m.init = 9;
    assert_eq!(
        error_of(&m),
        "invalid module: init function #9 does not exist (2 functions)"
    );
}

#[test]
fn frame_sizes_are_bounded() {
    let m = with_function(vec![VType::I64, VType::I64], None, |_, f| {
        f.set_num_registers(3);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1): num_registers 3 out of range (needs 4..=256)"
    );
    let m = with_function(vec![VType::I64; 15], None, |_, f| {
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1): 15 parameters (at most 14)"
    );
}

#[test]
fn register_ranges_fit_the_frame() {
    let m = with_function(vec![], None, |mb, f| {
        let t = mb.type_index(VType::array(VType::I64));
        f.set_num_registers(20);
        f.op(ArrayLit, 16, 18, 3, t);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (ARRAY_LIT): registers r18..r20 out of range (function has 20 registers)"
    );
}

#[test]
fn debug_tables_are_consistent() {
    let m = with_function(vec![], None, |_, f| {
        f.at(3, 1, 1);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1): debug line table: file #3 does not exist (0 files)"
    );
}

#[test]
fn dataflow_arguments_are_typed() {
    let m = with_function(vec![VType::TableRef, VType::I64], None, |_, f| {
        f.op(DfNode, 16, 2, 2, DfNodeKind::Filter as i32);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (DF_NODE): r3 is i64, expected string"
    );
    let m = with_function(vec![VType::TableRef], None, |_, f| {
        f.op(DfNode, 16, 2, 1, 99);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (DF_NODE): unknown dataflow node kind 99"
    );
    let m = with_function(vec![VType::NodeRef, VType::I64], None, |_, f| {
        f.op(DfNode, 16, 2, 2, DfNodeKind::LimitOffset as i32);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (DF_NODE): limit takes 3 arguments, 2 given"
    );
}

#[test]
fn indirect_calls_need_a_function_value() {
    let m = with_function(vec![VType::I64], None, |_, f| {
        f.op(CallIndirect, 0, 0, 0, 2);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (CALL_INDIRECT): r2 is i64, expected a function value"
    );
}

#[test]
fn builtin_signatures_are_checked() {
    let m = with_function(vec![VType::F32], Some(VType::F64), |mb, f| {
        let sqrt = mb.builtin(BuiltinOp::SqrtF64);
        f.op(CallBuiltin, 1, 2, 1, sqrt);
        f.op(Ret, 0, 1, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (CALL_BUILTIN): r2 is f32, expected f64"
    );
}

#[test]
fn exports_refer_to_existing_items() {
    let mut m = with_function(vec![], None, |_, f| {
        f.op(RetVoid, 0, 0, 0, 0);
    });
    m.exports.push(theta::bytecode::Export {
        name: "ghost".into(),
        kind: theta::bytecode::ExportKind::Global,
        index: 0,
    });
    assert_eq!(
        error_of(&m),
        "invalid module: export `ghost` refers to #0 (0 exist)"
    );
}

#[test]
fn unknown_builtin_names_are_refused_at_load() {
    let m = with_function(vec![], None, |mb, f| {
        mb.builtin(BuiltinOp::Clock);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    let mut bytes = m.to_bytes();
    let pos = bytes.windows(5).position(|w| w == b"clock").unwrap();
    bytes[pos..pos + 5].copy_from_slice(b"clonk");
    assert_eq!(
        load(&bytes).unwrap_err().to_string(),
        "malformed module: unknown builtin operation `clonk` (compiled by a newer thetac?)"
    );
}

#[test]
fn division_immediates_are_non_zero_values_of_the_operand_type() {
    // `DIV_*_RI`/`REM_*_RI` divide without a zero check, so the verifier refuses an immediate
    // of 0, or one that truncates to 0 (or to another value) in the operand's width.
    for (op, ty, imm, name) in [
        (DivI64Ri, VType::I64, 0, "i64"),
        (RemI32Ri, VType::I32, 0, "i32"),
        (DivI8Ri, VType::I8, 256, "i8"),
        (RemI16Ri, VType::I16, 65536, "i16"),
    ] {
        let m = with_function(vec![ty.clone()], Some(ty), |_, f| {
            f.op(op, 1, 2, 0, imm);
            f.op(Ret, 0, 1, 0, 0);
        });
        assert_eq!(
            error_of(&m),
            format!(
                "invalid module: function `f` (#1), pc 0 ({}): immediate {imm} is not a non-zero {name}",
                op.mnemonic()
            )
        );
    }
    let m = with_function(vec![VType::I8], Some(VType::I8), |_, f| {
        f.op(RemI8Ri, 1, 2, 0, -128);
        f.op(Ret, 0, 1, 0, 0);
    });
    verify(&m).expect("-128 is a non-zero i8");
}

#[test]
fn bitwise_immediates_fit_the_operand_type() {
    // `AND_RI` keeps r2's type (i8), so its immediate must be an i8.
    let m = with_function(vec![VType::I8], Some(VType::I8), |_, f| {
        f.op(AndRi, 1, 2, 0, 200);
        f.op(Ret, 0, 1, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (AND_RI): immediate 200 does not fit i8"
    );
    let m = with_function(vec![VType::I8], Some(VType::I8), |_, f| {
        f.op(XorRi, 1, 2, 0, -128);
        f.op(Ret, 0, 1, 0, 0);
    });
    ok(&m);
    // r0 reads as zero: `0 | 5` is not zero, so OR_RI/XOR_RI need a typed operand.
    let m = with_function(vec![], Some(VType::I64), |_, f| {
        f.op(OrRi, 1, 0, 0, 5);
        f.op(Ret, 0, 1, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (OR_RI): r0 is a literal zero, expected a typed integer"
    );
}

#[test]
fn float_branches_take_floats_of_their_width() {
    let m = with_function(vec![VType::F64, VType::F32], None, |_, f| {
        let out = f.new_label();
        f.jump(JltF64, 2, 3, out);
        f.bind(out);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (JLT_F64): r3 is f32, expected f64"
    );
    let m = with_function(vec![VType::F32, VType::F32], None, |_, f| {
        let out = f.new_label();
        f.jump(JnleF32, 2, 3, out);
        f.bind(out);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    ok(&m);
}

#[test]
fn fused_loop_steps_take_i64_counters_and_bounds() {
    // INCR_JLT r2, r3, #1 -> 0 on (i64, i64) loops back; the verifier accepts it.
    let m = with_function(vec![VType::I64, VType::I64], None, |_, f| {
        f.op(IncrJlt, 2, 3, 1, 0);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    ok(&m);
    for (params, op, problem) in [
        (
            vec![VType::I32, VType::I64],
            IncrJlt,
            "r2 is i32, expected i64",
        ),
        (
            vec![VType::I64, VType::I32],
            IncrJge,
            "r3 is i32, expected i64",
        ),
        (
            vec![VType::F64, VType::I64],
            IncrJgtRi,
            "r2 is f64, expected i64",
        ),
    ] {
        let m = with_function(params, None, |_, f| {
            f.op(op, 2, 3, 1, 1);
            f.op(RetVoid, 0, 0, 0, 0);
        });
        assert_eq!(
            error_of(&m),
            format!(
                "invalid module: function `f` (#1), pc 0 ({}): {problem}",
                op.mnemonic()
            )
        );
    }
    // The counter is written: never r0. The target stays inside the function.
    let m = with_function(vec![VType::I64], None, |_, f| {
        f.op(IncrJleRi, 0, 5, 1, 1);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (INCR_JLE_RI): writes r0 (r0 is the constant zero)"
    );
    // ADD_J* adds a register step: counter, bound and step are all i64.
    let m = with_function(vec![VType::I64, VType::I64, VType::I64], None, |_, f| {
        f.op(AddJle, 2, 3, 4, 0);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    ok(&m);
    let m = with_function(vec![VType::I64, VType::I64, VType::I32], None, |_, f| {
        f.op(AddJgt, 2, 3, 4, 0);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (ADD_JGT): r4 is i32, expected i64"
    );
    let m = with_function(vec![VType::I64, VType::I64], None, |_, f| {
        f.op(IncrJle, 2, 3, 1, 7);
        f.op(RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (INCR_JLE): jump target 7 outside the function (0..2)"
    );
}

#[test]
fn concat_n_takes_a_range_of_strings() {
    let m = with_function(
        vec![VType::Str, VType::I64, VType::Str],
        Some(VType::Str),
        |_, f| {
            f.op(ConcatN, 16, 2, 3, 0);
            f.op(Ret, 0, 16, 0, 0);
        },
    );
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 0 (CONCAT_N): r3 is i64, expected string"
    );
    let m = with_function(vec![VType::Str, VType::Str], Some(VType::Str), |_, f| {
        f.set_num_registers(20);
        f.op(ConcatN, 16, 2, 2, 0);
        f.op(ConcatN, 17, 18, 3, 0);
        f.op(Ret, 0, 16, 0, 0);
    });
    assert_eq!(
        error_of(&m),
        "invalid module: function `f` (#1), pc 1 (CONCAT_N): registers r18..r20 out of range (function has 20 registers)"
    );
    let m = with_function(vec![VType::Str, VType::Str], Some(VType::Str), |_, f| {
        f.op(ConcatN, 16, 2, 2, 0);
        f.op(Ret, 0, 16, 0, 0);
    });
    ok(&m);
}

//! Hand-built modules shared by the bytecode tests.
#![allow(dead_code)]

use theta::bytecode::Opcode::*;
use theta::bytecode::{
    BuiltinOp, DfNodeKind, ElemKind, FunctionBuilder, MainInfo, MainReturn, Module, ModuleBuilder,
    VType,
};

/// A module that uses most features: structs, globals, a loop, calls, strings, arrays,
/// builtins, function values, spills and the dataflow bridge.
pub fn sample_module() -> Module {
    let mut mb = ModuleBuilder::new();
    let file = mb.source_file("sample.theta");
    let point = mb.add_struct("Point", &[("x", VType::F64), ("y", VType::F64)]);
    let bag = mb.add_struct(
        "Bag",
        &[
            ("items", VType::array(VType::I64)),
            ("p", VType::Struct(point)),
        ],
    );
    let counter = mb.add_global("counter", VType::I64);
    let init = mb.declare("<init>", vec![], None);
    let add = mb.declare("add", vec![VType::I64, VType::I64], Some(VType::I64));
    let sum_to = mb.declare("sum_to", vec![VType::I64], Some(VType::I64));
    let main = mb.declare("main", vec![], Some(VType::I32));

    let mut f = FunctionBuilder::new(0);
    f.at(file, 1, 1);
    f.op(LoadImm, 16, 0, ElemKind::I64 as u8, 0);
    f.op(SetGlobal, 0, 16, 0, counter as i32);
    f.op(RetVoid, 0, 0, 0, 0);
    mb.define(init, f);

    let mut f = FunctionBuilder::new(2);
    f.at(file, 3, 5);
    f.op(AddI64, 1, 2, 3, 0);
    f.op(Ret, 0, 1, 0, 0);
    f.name_reg(2, "a", 0, 2);
    f.name_reg(3, "b", 0, 2);
    mb.define(add, f);

    // i64 s = 0; for (i64 i = 0; i < n; i++) { s = add(s, i); } return s;
    let mut f = FunctionBuilder::new(1);
    f.at(file, 6, 5);
    f.op(LoadImm, 16, 0, ElemKind::I64 as u8, 0);
    f.op(LoadImm, 17, 0, ElemKind::I64 as u8, 0);
    let done = f.new_label();
    let top = f.new_label();
    f.jump(Jge, 17, 2, done);
    f.bind(top);
    f.at(file, 7, 9);
    f.op(Mov, 18, 16, 0, 0);
    f.op(Mov, 19, 17, 0, 0);
    f.op(Call, 16, 18, 2, add as i32);
    f.op(AddI64Ri, 17, 17, 0, 1);
    f.jump(Jlt, 17, 2, top);
    f.bind(done);
    f.at(file, 9, 5);
    f.op(Ret, 0, 16, 0, 0);
    f.name_reg(2, "n", 0, 9);
    f.name_reg(16, "s", 1, 9);
    f.name_reg(17, "i", 2, 9);
    mb.define(sum_to, f);

    let hello = mb.string("hello, ");
    let csv = mb.string("data.csv");
    let pred = mb.string("x > 1");
    let big = mb.const_i64(1 << 40);
    let half = mb.const_f64(0.5);
    let arr_i64 = mb.type_index(VType::array(VType::I64));
    let arr_point = mb.type_index(VType::array(VType::Struct(point)));
    let point_ty = mb.type_index(VType::Struct(point));
    let sqrt = mb.builtin(BuiltinOp::SqrtF64);
    let read_csv = mb.builtin(BuiltinOp::ReadCsv);
    let mut f = FunctionBuilder::new(0);
    f.at(file, 12, 5);
    f.op(LoadImm, 2, 0, ElemKind::I64 as u8, 10);
    f.op(Call, 16, 2, 1, sum_to as i32);
    f.op(PrintInt, 0, 16, 0, 0);
    f.op(PrintNewline, 0, 0, 0, 0);
    f.at(file, 13, 5);
    f.op(LoadConstStr, 17, 0, 0, hello);
    f.op(Concat, 17, 17, 17, 0);
    f.op(PrintStr, 0, 17, 0, 0);
    f.op(PrintSpace, 0, 0, 0, 0);
    f.op(LoadConstI64, 18, 0, 0, big);
    f.op(LoadImm, 19, 0, ElemKind::I64 as u8, 2);
    f.op(ArrayLit, 20, 18, 2, arr_i64);
    f.op(ArrayGetI64, 21, 20, 0, 0);
    f.op(ArraySetI64, 20, 0, 19, 0);
    f.op(ArrayLen, 22, 20, 0, 0);
    f.at(file, 14, 5);
    f.op(LoadConstF64, 23, 0, 0, half);
    f.op(CallBuiltin, 23, 23, 1, sqrt);
    f.op(LoadF32, 24, 0, 0, 1.5f32.to_bits() as i32);
    f.op(CastF32F64, 24, 24, 0, 0);
    f.op(StructNew, 25, 23, 2, point as i32);
    f.op(GetFieldF64, 26, 25, 0, 1);
    f.op(SetFieldF64, 0, 25, 26, 0);
    f.op(PrintValue, 0, 25, 0, point_ty);
    f.op(StructNewDefault, 27, 0, 0, bag as i32);
    f.op(GetFieldRef, 28, 27, 0, 0);
    f.op(Spill, 0, 28, 0, 0);
    f.op(ArrayNew, 29, 22, 0, arr_point);
    f.op(Reload, 28, 0, 0, 0);
    f.at(file, 15, 5);
    f.op(LoadFunc, 30, 0, 0, add as i32);
    f.op(CallIndirect, 31, 18, 2, 30);
    f.op(LoadConstStr, 32, 0, 0, csv);
    f.op(CallBuiltin, 32, 32, 1, read_csv);
    f.op(LoadConstStr, 33, 0, 0, pred);
    f.op(DfNode, 34, 32, 2, DfNodeKind::Filter as i32);
    f.op(DfExplain, 35, 34, 0, 0);
    f.op(PrintStr, 0, 35, 0, 0);
    f.op(GetGlobal, 36, 0, 0, counter as i32);
    f.op(CastToI32, 1, 36, 0, 0);
    f.op(Ret, 0, 1, 0, 0);
    f.set_num_spill_slots(1);
    mb.define(main, f);

    mb.set_init(init);
    mb.set_main(MainInfo {
        func: main,
        takes_args: false,
        returns: MainReturn::I32,
    });
    mb.export("add", theta::bytecode::ExportKind::Function, add);
    mb.finish().expect("sample module builds")
}

/// A minimal valid module: `<init>` that returns, plus `body` as a function `f`
/// with the given signature.
pub fn with_function(
    params: Vec<VType>,
    ret: Option<VType>,
    build: impl FnOnce(&mut ModuleBuilder, &mut FunctionBuilder),
) -> Module {
    let mut mb = ModuleBuilder::new();
    mb.function("<init>", vec![], None, |f| {
        f.op(RetVoid, 0, 0, 0, 0);
    });
    let mut f = FunctionBuilder::new(params.len());
    build(&mut mb, &mut f);
    let i = mb.declare("f", params, ret);
    mb.define(i, f);
    mb.finish().expect("module builds")
}

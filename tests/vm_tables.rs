//! The VM's table built-ins (§8 tables): building a table, reading cells, printing, CSV round
//! trip and the dataflow traps.

use theta::bytecode::VType::{self, Bool, F64, I64, Str, TableRef};
use theta::bytecode::{BuiltinOp as B, FunctionBuilder, ModuleBuilder, Opcode as O};
use theta::vm::{Value, Vm};

/// `make()` builds `id i64, name string, score f64` with rows (1, "ann", 2.5), (2, null, -1.0);
/// `get_*` read cells of the table `make()` returns; `show()` prints it; `csv(path)` writes and
/// reads it back.
fn vm() -> Vm {
    let mut mb = ModuleBuilder::new();
    mb.source_file("t.theta");
    let init = mb.function("<init>", vec![], None, |f| {
        f.op(O::RetVoid, 0, 0, 0, 0);
    });
    mb.set_init(init);
    let strs = mb.type_index(VType::array(Str));
    let table_ty = mb.type_index(TableRef);
    let items = ["id i64", "name string", "score f64"].map(|s| mb.string(s));
    let ann = mb.string("ann");
    let k_score = [mb.const_f64(2.5), mb.const_f64(-1.0)];
    let new_b = mb.builtin(B::TableBuilderNew);
    let app_i = mb.builtin(B::BuilderAppendI64);
    let app_s = mb.builtin(B::BuilderAppendStr);
    let app_f = mb.builtin(B::BuilderAppendF64);
    let app_n = mb.builtin(B::BuilderAppendNull);
    let finish = mb.builtin(B::BuilderFinish);
    let make = mb.function("make", vec![], Some(TableRef), |f| {
        for (i, k) in items.iter().enumerate() {
            f.op(O::LoadConstStr, 20 + i as u8, 0, 0, *k);
        }
        f.op(O::ArrayLit, 19, 20, 3, strs);
        f.op(O::Mov, 30, 19, 0, 0);
        f.op(O::CallBuiltin, 18, 30, 1, new_b); // r18 = builder
        // row 1
        f.op(O::Mov, 30, 18, 0, 0);
        f.op(O::LoadImm, 31, 0, 3, 0);
        f.op(O::LoadImm, 32, 0, 3, 1);
        f.op(O::CallBuiltin, 0, 30, 3, app_i);
        f.op(O::LoadImm, 31, 0, 3, 1);
        f.op(O::LoadConstStr, 32, 0, 0, ann);
        f.op(O::CallBuiltin, 0, 30, 3, app_s);
        f.op(O::LoadImm, 31, 0, 3, 2);
        f.op(O::LoadConstF64, 32, 0, 0, k_score[0]);
        f.op(O::CallBuiltin, 0, 30, 3, app_f);
        // row 2
        f.op(O::LoadImm, 31, 0, 3, 0);
        f.op(O::LoadImm, 32, 0, 3, 2);
        f.op(O::CallBuiltin, 0, 30, 3, app_i);
        f.op(O::LoadImm, 31, 0, 3, 1);
        f.op(O::CallBuiltin, 0, 30, 2, app_n);
        f.op(O::LoadImm, 31, 0, 3, 2);
        f.op(O::LoadConstF64, 32, 0, 0, k_score[1]);
        f.op(O::CallBuiltin, 0, 30, 3, app_f);
        f.op(O::CallBuiltin, 1, 30, 1, finish);
        f.op(O::Ret, 0, 1, 0, 0);
    });
    for (name, op, ret) in [
        ("get_i64", B::TableGetI64, I64),
        ("get_f64", B::TableGetF64, F64),
        ("get_str", B::TableGetStr, Str),
        ("is_null", B::TableIsNull, Bool),
    ] {
        let b = mb.builtin(op);
        mb.function(name, vec![I64, I64], Some(ret), |f| {
            f.op(O::Call, 16, 0, 0, make as i32);
            f.op(O::Mov, 17, 2, 0, 0);
            f.op(O::Mov, 18, 3, 0, 0);
            f.op(O::CallBuiltin, 1, 16, 3, b);
            f.op(O::Ret, 0, 1, 0, 0);
        });
    }
    let rows = mb.builtin(B::TableRowCount);
    let colidx = mb.builtin(B::TableColumnIndex);
    mb.function("col", vec![Str], Some(I64), |f| {
        f.op(O::Call, 16, 0, 0, make as i32);
        f.op(O::Mov, 17, 2, 0, 0);
        f.op(O::CallBuiltin, 1, 16, 2, colidx);
        f.op(O::Ret, 0, 1, 0, 0);
    });
    mb.function("show", vec![], None, |f| {
        f.op(O::Call, 16, 0, 0, make as i32);
        f.op(O::PrintValue, 0, 16, 0, table_ty);
        f.op(O::PrintNewline, 0, 0, 0, 0);
        f.op(O::RetVoid, 0, 0, 0, 0);
    });
    let write = mb.builtin(B::WriteCsv);
    let read = mb.builtin(B::ReadCsv);
    let mut f = FunctionBuilder::new(1);
    f.op(O::Call, 16, 0, 0, make as i32);
    f.op(O::Mov, 17, 2, 0, 0);
    f.op(O::CallBuiltin, 0, 16, 2, write);
    f.op(O::CallBuiltin, 18, 2, 1, read);
    f.op(O::CallBuiltin, 1, 18, 1, rows);
    f.op(O::Ret, 0, 1, 0, 0);
    let csv = mb.declare("csv", vec![Str], Some(I64));
    mb.define(csv, f);
    let mut vm = Vm::new(mb.finish().unwrap()).unwrap_or_else(|e| panic!("{e}"));
    vm.capture_output();
    vm
}

#[test]
fn builder_cells_and_nulls() {
    let mut vm = vm();
    let at = |r: i64, c: i64| [Value::I64(r), Value::I64(c)];
    assert_eq!(vm.call("get_i64", &at(1, 0)), Ok(Value::I64(2)));
    assert_eq!(vm.call("get_str", &at(0, 1)), Ok(Value::Str("ann".into())));
    assert_eq!(vm.call("get_f64", &at(1, 2)), Ok(Value::F64(-1.0)));
    assert_eq!(vm.call("is_null", &at(1, 1)), Ok(Value::Bool(true)));
    assert_eq!(vm.call("is_null", &at(0, 1)), Ok(Value::Bool(false)));
    let t = vm.call("get_str", &at(1, 1)).unwrap_err();
    assert_eq!(t.code(), "T0200");
    assert!(
        t.message.contains("column 'name' holds null"),
        "{}",
        t.message
    );
    let t = vm.call("get_i64", &at(0, 1)).unwrap_err();
    assert_eq!(t.code(), "T0200");
    let t = vm.call("get_i64", &at(2, 0)).unwrap_err();
    assert!(t.message.contains("row 2 is out of range"), "{}", t.message);
    assert_eq!(
        vm.call("col", &[Value::Str("score".into())]),
        Ok(Value::I64(2))
    );
    let t = vm.call("col", &[Value::Str("nope".into())]).unwrap_err();
    assert_eq!(t.code(), "T0200");
    assert!(
        t.message.contains("id") && t.message.contains("score"),
        "lists columns: {}",
        t.message
    );
}

#[test]
fn printing_a_table_is_an_aligned_text_table() {
    let mut vm = vm();
    vm.call("show", &[]).unwrap();
    let out = String::from_utf8(vm.take_output()).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() >= 3, "{out}");
    assert!(
        lines[0].contains("id") && lines[0].contains("name") && lines[0].contains("score"),
        "{out}"
    );
    assert!(
        out.contains("ann") && out.contains("2.5") && out.contains("-1.0"),
        "{out}"
    );
}

#[test]
fn a_returned_table_is_shared_with_the_host() {
    let mut vm = vm();
    let Ok(Value::Table(t)) = vm.call("make", &[]) else {
        panic!("make returns a table")
    };
    vm.run_init().unwrap(); // frees the run's heap; the host's table stays valid
    assert_eq!((t.num_rows(), t.num_columns()), (2, 3));
    assert_eq!(t.column_name(2), Some("score"));
}

#[test]
fn csv_round_trip() {
    let mut vm = vm();
    let dir = std::env::temp_dir().join(format!("theta-vm-tables-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.csv");
    let p = path.to_str().unwrap().to_string();
    assert_eq!(vm.call("csv", &[Value::Str(p)]), Ok(Value::I64(2)));
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().next(), Some("id,name,score"));
}

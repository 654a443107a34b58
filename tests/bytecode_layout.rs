//! Module version 2 (§9): type descriptors carry nullability, size and alignment checked against
//! their kind, and every function carries its typed register file layout, checked against the
//! code. A module lying about either is refused with an error naming what is wrong.

use theta::bytecode::{
    LoadErrorKind, MODULE_VERSION, Module, RegType, VType, decode, disassemble, load,
    module_version, verify,
};
use theta::compile::compile_source;
use theta::generated::program_generated::theta::bc as fb;

const PROGRAM: &str = r#"
fn pick(flag: bool, f: fn(i64) -> i64) -> i64 {
    i64 total = 0;
    for (i64 i = 0; i < 10; i++) {
        total = total + f(i);
    }
    if (flag) {
        string s = "x" + to_string(total);
        print(s);
        f64 d = 1.5 * 2.0;
        print(d);
    }
    return total;
}

fn twice(x: i64) -> i64 { return x * 2; }

fn demo() -> table_ref {
    table_builder b = table_builder(["a i64"]);
    builder_append_i64(b, 0, 1);
    return builder_finish(b);
}

fn main() -> i32 {
    node_ref n = scan(demo());
    print(materialize(n));
    print(pick(true, twice));
    return 0;
}
"#;

fn module() -> Module {
    compile_source("layout.theta", PROGRAM).unwrap_or_else(|e| panic!("{}", e.render()))
}

// ---- raw FlatBuffers navigation, to patch fields in place ----------------------------------

fn u32_at(b: &[u8], pos: usize) -> usize {
    u32::from_le_bytes(b[pos..pos + 4].try_into().unwrap()) as usize
}

/// Position of field `id` of the table at `table`, if present.
fn field(b: &[u8], table: usize, id: usize) -> Option<usize> {
    let soff = i32::from_le_bytes(b[table..table + 4].try_into().unwrap());
    let vt = (table as i64 - soff as i64) as usize;
    let vt_len = u16::from_le_bytes(b[vt..vt + 2].try_into().unwrap()) as usize;
    let at = 4 + 2 * id;
    if at + 2 > vt_len {
        return None;
    }
    let off = u16::from_le_bytes(b[vt + at..vt + at + 2].try_into().unwrap()) as usize;
    (off != 0).then_some(table + off)
}

/// Position of the table element `i` of the vector in field `id` of `table`.
fn vector_table(b: &[u8], table: usize, id: usize, i: usize) -> usize {
    let f = field(b, table, id).expect("vector field");
    let vec = f + u32_at(b, f);
    let elem = vec + 4 + 4 * i;
    elem + u32_at(b, elem)
}

fn root(b: &[u8]) -> usize {
    u32_at(b, 0)
}

/// Index of the type table entry of `kind` in a written module.
fn type_entry(bytes: &[u8], kind: fb::TypeKind) -> usize {
    let m = fb::root_as_module(bytes).unwrap();
    m.type_table()
        .unwrap()
        .iter()
        .position(|d| d.kind() == kind)
        .expect("type present")
}

// TypeDesc field ids: kind 0, elem 1, struct_index 2, params 3, ret 4, nullable 5, reg_size 6,
// reg_align 7, storage_size 8, storage_align 9, value_size 10. Module.type_table is field 3.

#[test]
fn every_type_descriptor_records_its_layout() {
    let bytes = module().to_bytes();
    let m = fb::root_as_module(&bytes).unwrap();
    let mut kinds = Vec::new();
    for d in m.type_table().unwrap() {
        kinds.push(d.kind());
        let nullable = matches!(
            d.kind(),
            fb::TypeKind::Fn | fb::TypeKind::NodeRef | fb::TypeKind::TableBuilder
        );
        assert_eq!(d.nullable(), nullable, "{:?}", d.kind());
        assert_eq!((d.reg_size(), d.reg_align()), (8, 8));
        assert_eq!((d.storage_size(), d.storage_align()), (8, 8));
        let value = match d.kind() {
            fb::TypeKind::I8 | fb::TypeKind::Bool => 1,
            fb::TypeKind::I16 => 2,
            fb::TypeKind::I32 | fb::TypeKind::F32 => 4,
            _ => 8,
        };
        assert_eq!(d.value_size(), value, "{:?}", d.kind());
    }
    for k in [
        fb::TypeKind::I64,
        fb::TypeKind::I32,
        fb::TypeKind::Bool,
        fb::TypeKind::F64,
        fb::TypeKind::String,
        fb::TypeKind::Fn,
        fb::TypeKind::NodeRef,
        fb::TypeKind::TableBuilder,
    ] {
        assert!(
            kinds.contains(&k),
            "the program should use {k:?}: {kinds:?}"
        );
    }
}

#[test]
fn a_type_descriptor_lying_about_its_size_is_refused() {
    let bytes = module().to_bytes();
    let i = type_entry(&bytes, fb::TypeKind::I32);
    let desc = vector_table(&bytes, root(&bytes), 3, i);
    for (id, what, have) in [
        (6, "register size", 4u8),
        (7, "register alignment", 16),
        (8, "storage size", 4),
        (9, "storage alignment", 1),
        (10, "value size", 8),
    ] {
        let mut bad = bytes.clone();
        let pos = field(&bad, desc, id).expect("layout field written");
        bad[pos] = have;
        let err = load(&bad).unwrap_err();
        assert_eq!(err.kind, LoadErrorKind::Format);
        let text = err.to_string();
        assert!(
            text.contains(&format!(
                "type table entry {i}: i32 is declared with {what} {have}"
            )),
            "{text}"
        );
    }
}

#[test]
fn a_type_descriptor_lying_about_nullability_is_refused() {
    let bytes = module().to_bytes();
    let i = type_entry(&bytes, fb::TypeKind::NodeRef);
    let desc = vector_table(&bytes, root(&bytes), 3, i);
    let pos = field(&bytes, desc, 5).expect("nullable written for node_ref");
    let mut bad = bytes.clone();
    bad[pos] = 0;
    let text = load(&bad).unwrap_err().to_string();
    assert!(
        text.contains(&format!(
            "type table entry {i}: node_ref is declared non-nullable, but node_ref values are nullable"
        )),
        "{text}"
    );
}

/// Patches the module version (Module field 0) in place.
fn with_version(bytes: &[u8], v: u32) -> Vec<u8> {
    let mut b = bytes.to_vec();
    let pos = field(&b, root(&b), 0).expect("version field");
    b[pos..pos + 4].copy_from_slice(&v.to_le_bytes());
    b
}

#[test]
fn version_two_is_written_and_other_versions_are_named() {
    assert_eq!(MODULE_VERSION, 2);
    let bytes = module().to_bytes();
    assert_eq!(module_version(&bytes).unwrap(), 2);
    // Version 1 is the format before layouts and register tables: an older thetac.
    for (v, word) in [
        (1, "older"),
        (0, "older"),
        (3, "newer"),
        (u32::MAX, "newer"),
    ] {
        let err = load(&with_version(&bytes, v)).unwrap_err();
        assert_eq!(err.kind, LoadErrorKind::Version);
        assert_eq!(
            err.to_string(),
            format!(
                "compiled by a {word} thetac (module version {v}, this thetac reads 2); recompile the source"
            )
        );
    }
}

// ---- register types -------------------------------------------------------------------------

#[test]
fn compiled_functions_declare_their_register_types_and_round_trip() {
    let m = module();
    for f in &m.functions {
        // `<init>` of this program is a bare RET_VOID: no register holds anything.
        assert_eq!(f.reg_types.is_empty(), f.name == "<init>", "{}", f.name);
        assert!(
            f.reg_types
                .iter()
                .all(|r| r.reg != 0 && r.start_pc < r.end_pc)
        );
    }
    let pick = &m.functions[m.function_index("pick").unwrap() as usize];
    // Parameters hold their types from pc 0.
    assert_eq!(pick.reg_type(2, 0), Some(&VType::Bool));
    assert!(matches!(pick.reg_type(3, 0), Some(VType::Fn(_))));
    let back = load(&m.to_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, m);
    // Some register is reused with different types over its live ranges, or every range has
    // a single type: either way the table lists what the code does.
    let listed: Vec<&RegType> = pick.reg_types.iter().collect();
    assert!(listed.iter().any(|r| r.ty == VType::Str));
    assert!(listed.iter().any(|r| r.ty == VType::F64));
}

fn pick_index(m: &Module) -> usize {
    m.function_index("pick").unwrap() as usize
}

#[test]
fn a_register_table_with_a_wrong_type_is_refused_naming_function_pc_and_register() {
    let mut m = module();
    let fi = pick_index(&m);
    let f = &mut m.functions[fi];
    let j = f
        .reg_types
        .iter()
        .position(|r| r.ty == VType::F64)
        .expect("an f64 range");
    let (reg, start) = (f.reg_types[j].reg, f.reg_types[j].start_pc);
    f.reg_types[j].ty = VType::I64;
    let err = verify(&m).unwrap_err().to_string();
    assert!(
        err.contains(&format!("function `pick` (#{fi}), pc {start}")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "register type table disagrees with the code: r{reg} is declared to hold i64 here, but the code leaves f64 in it"
        )),
        "{err}"
    );
    // The same lie in a file is refused by load.
    assert!(load(&m.to_bytes()).is_err());
}

#[test]
fn a_missing_or_extra_register_range_is_refused() {
    let m = module();
    let fi = pick_index(&m);
    // Dropping a range: the code leaves a value the table does not declare.
    let mut dropped = m.clone();
    let r = dropped.functions[fi].reg_types.remove(0);
    let err = verify(&dropped).unwrap_err().to_string();
    assert!(
        err.contains(&format!(
            "r{} is declared to hold nothing here, but the code leaves",
            r.reg
        )),
        "{err}"
    );
    // Claiming r0 or a register outside the frame.
    for reg in [0u8, 255] {
        let mut extra = m.clone();
        let f = &mut extra.functions[fi];
        f.num_registers = f.num_registers.min(200);
        f.reg_types.insert(
            0,
            RegType {
                reg,
                ty: VType::I64,
                start_pc: 0,
                end_pc: 1,
            },
        );
        let err = verify(&extra).unwrap_err().to_string();
        assert!(
            err.contains(&format!("register type table lists r{reg}")),
            "{err}"
        );
    }
    // An empty range.
    let mut empty = m.clone();
    let f = &mut empty.functions[fi];
    let last = f.reg_types.last().unwrap().clone();
    f.reg_types.push(RegType {
        start_pc: last.end_pc + 1,
        end_pc: last.end_pc + 1,
        ..last
    });
    let err = verify(&empty).unwrap_err().to_string();
    assert!(err.contains("is empty or past the code"), "{err}");
}

#[test]
fn a_table_split_differently_but_equal_at_every_pc_is_accepted() {
    let mut m = module();
    let fi = pick_index(&m);
    let f = &mut m.functions[fi];
    let j = f
        .reg_types
        .iter()
        .position(|r| r.end_pc - r.start_pc >= 2)
        .expect("a range of two pcs");
    let r = f.reg_types[j].clone();
    let mid = r.start_pc + 1;
    f.reg_types[j].end_pc = mid;
    f.reg_types.insert(j + 1, RegType { start_pc: mid, ..r });
    verify(&m).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn disassembly_lists_the_declared_register_types() {
    let m = module();
    let text = disassemble(&m);
    let pick = &m.functions[pick_index(&m)];
    let r = &pick.reg_types[0];
    let line = format!(
        "  ; r{}: {} @{}..{}",
        r.reg,
        m.type_name(&r.ty),
        r.start_pc,
        r.end_pc
    );
    assert!(text.contains(&line), "{line:?} missing from\n{text}");
    // decode (no verification) keeps the table for listing broken modules too.
    assert_eq!(
        decode(&m.to_bytes()).unwrap().functions[0].reg_types,
        m.functions[0].reg_types
    );
}

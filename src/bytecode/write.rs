//! Module → `.thbc` bytes (FlatBuffers, `schemas/program.fbs`). Deterministic: the same module
//! always gives the same bytes (types are interned in a fixed traversal order).

use std::collections::HashMap;

use flatbuffers::{FlatBufferBuilder, WIPOffset};

use crate::bytecode::module::{ExportKind, MODULE_VERSION, MainReturn, Module, VType};
use crate::generated::program_generated::theta::bc as fb;

/// Interns value types into the file's type table, children before parents.
#[derive(Default)]
struct TypeTable {
    entries: Vec<VType>,
    index: HashMap<VType, u32>,
}

impl TypeTable {
    fn intern(&mut self, ty: &VType) -> u32 {
        if let Some(&i) = self.index.get(ty) {
            return i;
        }
        match ty {
            VType::Array(elem) => {
                self.intern(elem);
            }
            VType::Fn(sig) => {
                for p in &sig.params {
                    self.intern(p);
                }
                if let Some(r) = &sig.ret {
                    self.intern(r);
                }
            }
            _ => {}
        }
        let i = self.entries.len() as u32;
        self.entries.push(ty.clone());
        self.index.insert(ty.clone(), i);
        i
    }

    fn get(&self, ty: &VType) -> u32 {
        self.index[ty]
    }

    fn ret(&self, ty: &Option<VType>) -> i32 {
        ty.as_ref().map_or(-1, |t| self.get(t) as i32)
    }
}

fn kind_of(ty: &VType) -> fb::TypeKind {
    match ty {
        VType::I8 => fb::TypeKind::I8,
        VType::I16 => fb::TypeKind::I16,
        VType::I32 => fb::TypeKind::I32,
        VType::I64 => fb::TypeKind::I64,
        VType::F32 => fb::TypeKind::F32,
        VType::F64 => fb::TypeKind::F64,
        VType::Bool => fb::TypeKind::Bool,
        VType::Str => fb::TypeKind::String,
        VType::Array(_) => fb::TypeKind::Array,
        VType::Struct(_) => fb::TypeKind::Struct,
        VType::Fn(_) => fb::TypeKind::Fn,
        VType::TableRef => fb::TypeKind::TableRef,
        VType::NodeRef => fb::TypeKind::NodeRef,
        VType::TableBuilder => fb::TypeKind::TableBuilder,
    }
}

impl Module {
    /// Serialises the module as a `.thbc` FlatBuffer (identifier `THBC`, version
    /// [`MODULE_VERSION`]). Identical modules give byte-identical output.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut types = TypeTable::default();
        // Fixed traversal order keeps the output deterministic.
        for t in &self.types {
            types.intern(t);
        }
        for s in &self.structs {
            for f in &s.fields {
                types.intern(&f.ty);
            }
        }
        for g in &self.globals {
            types.intern(&g.ty);
        }
        for f in &self.functions {
            for p in &f.params {
                types.intern(p);
            }
            if let Some(r) = &f.ret {
                types.intern(r);
            }
            for r in &f.reg_types {
                types.intern(&r.ty);
            }
        }

        let mut b = FlatBufferBuilder::with_capacity(1024 + self.code_len() * 8);
        let source_files = string_vector(&mut b, self.source_files.iter().map(String::as_str));

        let i64s = b.create_vector(&self.consts_i64);
        let f64s = b.create_vector(&self.consts_f64);
        let strings = string_vector(&mut b, self.strings.iter().map(String::as_str));
        let consts = fb::ConstPool::create(
            &mut b,
            &fb::ConstPoolArgs {
                i64s: Some(i64s),
                f64s: Some(f64s),
                strings: Some(strings),
            },
        );

        let mut descs = Vec::with_capacity(types.entries.len());
        for ty in &types.entries {
            let params = match ty {
                VType::Fn(sig) => {
                    let ps: Vec<u32> = sig.params.iter().map(|p| types.get(p)).collect();
                    Some(b.create_vector(&ps))
                }
                _ => None,
            };
            let layout = ty.layout();
            let args = fb::TypeDescArgs {
                kind: kind_of(ty),
                nullable: layout.nullable,
                reg_size: layout.reg_size,
                reg_align: layout.reg_align,
                storage_size: layout.storage_size,
                storage_align: layout.storage_align,
                value_size: layout.value_size,
                elem: match ty {
                    VType::Array(e) => types.get(e),
                    _ => 0,
                },
                struct_index: match ty {
                    VType::Struct(i) => *i,
                    _ => 0,
                },
                params,
                ret: match ty {
                    VType::Fn(sig) => types.ret(&sig.ret),
                    _ => -1,
                },
            };
            descs.push(fb::TypeDesc::create(&mut b, &args));
        }
        let type_table = b.create_vector(&descs);
        let pool: Vec<u32> = self.types.iter().map(|t| types.get(t)).collect();
        let type_pool = b.create_vector(&pool);

        let mut structs = Vec::with_capacity(self.structs.len());
        for s in &self.structs {
            let mut fields = Vec::with_capacity(s.fields.len());
            for f in &s.fields {
                let name = b.create_string(&f.name);
                fields.push(fb::FieldDesc::create(
                    &mut b,
                    &fb::FieldDescArgs {
                        name: Some(name),
                        type_: types.get(&f.ty),
                    },
                ));
            }
            let fields = b.create_vector(&fields);
            let name = b.create_string(&s.name);
            structs.push(fb::StructDesc::create(
                &mut b,
                &fb::StructDescArgs {
                    name: Some(name),
                    fields: Some(fields),
                },
            ));
        }
        let structs = b.create_vector(&structs);

        let mut globals = Vec::with_capacity(self.globals.len());
        for g in &self.globals {
            let name = b.create_string(&g.name);
            globals.push(fb::GlobalDesc::create(
                &mut b,
                &fb::GlobalDescArgs {
                    name: Some(name),
                    type_: types.get(&g.ty),
                },
            ));
        }
        let globals = b.create_vector(&globals);

        let builtins = string_vector(&mut b, self.builtins.iter().map(|op| op.name()));

        let mut functions = Vec::with_capacity(self.functions.len());
        for f in &self.functions {
            let name = b.create_string(&f.name);
            let params: Vec<u32> = f.params.iter().map(|p| types.get(p)).collect();
            let params = b.create_vector(&params);
            let code: Vec<fb::Instr> = f
                .code
                .iter()
                .map(|i| fb::Instr::new(i.op as u8, i.a, i.b, i.c, i.imm))
                .collect();
            let code = b.create_vector(&code);
            let lines: Vec<fb::LineEntry> = f
                .debug
                .lines
                .iter()
                .map(|l| fb::LineEntry::new(l.pc, l.file, l.line, l.col))
                .collect();
            let lines = b.create_vector(&lines);
            let mut regs = Vec::with_capacity(f.debug.reg_names.len());
            for r in &f.debug.reg_names {
                let name = b.create_string(&r.name);
                regs.push(fb::RegName::create(
                    &mut b,
                    &fb::RegNameArgs {
                        reg: r.reg,
                        name: Some(name),
                        start_pc: r.start_pc,
                        end_pc: r.end_pc,
                    },
                ));
            }
            let reg_names = b.create_vector(&regs);
            let reg_types: Vec<fb::RegType> = f
                .reg_types
                .iter()
                .map(|r| fb::RegType::new(r.reg, types.get(&r.ty), r.start_pc, r.end_pc))
                .collect();
            let reg_types = b.create_vector(&reg_types);
            functions.push(fb::FunctionDesc::create(
                &mut b,
                &fb::FunctionDescArgs {
                    name: Some(name),
                    params: Some(params),
                    ret: types.ret(&f.ret),
                    num_registers: f.num_registers,
                    num_spill_slots: f.num_spill_slots,
                    code: Some(code),
                    lines: Some(lines),
                    reg_names: Some(reg_names),
                    reg_types: Some(reg_types),
                },
            ));
        }
        let functions = b.create_vector(&functions);

        let main = self.main.map(|m| {
            fb::MainInfo::create(
                &mut b,
                &fb::MainInfoArgs {
                    func: m.func,
                    takes_args: m.takes_args,
                    returns: match m.returns {
                        MainReturn::Void => fb::MainReturn::Void,
                        MainReturn::I32 => fb::MainReturn::I32,
                        MainReturn::I64 => fb::MainReturn::I64,
                    },
                },
            )
        });

        let mut exports = Vec::with_capacity(self.exports.len());
        for e in &self.exports {
            let name = b.create_string(&e.name);
            exports.push(fb::Export::create(
                &mut b,
                &fb::ExportArgs {
                    name: Some(name),
                    kind: match e.kind {
                        ExportKind::Function => fb::ExportKind::Function,
                        ExportKind::Global => fb::ExportKind::Global,
                    },
                    index: e.index,
                },
            ));
        }
        let exports = b.create_vector(&exports);

        let root = fb::Module::create(
            &mut b,
            &fb::ModuleArgs {
                version: MODULE_VERSION,
                source_files: Some(source_files),
                consts: Some(consts),
                type_table: Some(type_table),
                type_pool: Some(type_pool),
                structs: Some(structs),
                globals: Some(globals),
                builtins: Some(builtins),
                functions: Some(functions),
                init: self.init,
                main,
                exports: Some(exports),
            },
        );
        fb::finish_module_buffer(&mut b, root);
        b.finished_data().to_vec()
    }

    fn code_len(&self) -> usize {
        self.functions.iter().map(|f| f.code.len()).sum()
    }
}

fn string_vector<'a, 's>(
    b: &mut FlatBufferBuilder<'a>,
    items: impl Iterator<Item = &'s str>,
) -> WIPOffset<flatbuffers::Vector<'a, flatbuffers::ForwardsUOffset<&'a str>>> {
    let offsets: Vec<_> = items.map(|s| b.create_string(s)).collect();
    b.create_vector(&offsets)
}

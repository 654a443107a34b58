//! `.thbc` bytes → [`Module`]: identifier and version checks, the FlatBuffers verifier, then
//! conversion (the code of each function is copied once into a dense `Vec<Instr>`), then the
//! bytecode verifier. Nothing here panics on any input.

use flatbuffers::{ForwardsUOffset, Vector, VerifierOptions};

use crate::bytecode::builtin_ops::BuiltinOp;
use crate::bytecode::error::{LoadError, LoadErrorKind};
use crate::bytecode::instr::Instr;
use crate::bytecode::module::{
    Export, ExportKind, Field, FnSig, Function, FunctionDebug, Global, LineEntry, MODULE_VERSION,
    MainInfo, MainReturn, Module, RegName, RegType, StructLayout, VType,
};
use crate::bytecode::verify::verify;
use crate::generated::program_generated::theta::bc as fb;

/// The 4-byte file identifier at offset 4 of every module.
pub const FILE_IDENTIFIER: &[u8; 4] = b"THBC";

/// Largest number of nodes one type may have once expanded (guards against types that refer
/// to one another so often that expanding them explodes).
const MAX_TYPE_NODES: usize = 4096;

/// Reads and verifies a module. Every part is checked before any instruction can run.
pub fn load(bytes: &[u8]) -> Result<Module, LoadError> {
    let module = decode(bytes)?;
    verify(&module)?;
    Ok(module)
}

/// Reads a module without running the bytecode verifier (for the disassembler and tests);
/// the FlatBuffers structure, identifier and version are still checked.
pub fn decode(bytes: &[u8]) -> Result<Module, LoadError> {
    let version = module_version(bytes)?;
    if version != MODULE_VERSION {
        let which = if version > MODULE_VERSION {
            "newer"
        } else {
            "older"
        };
        return Err(LoadError::new(
            LoadErrorKind::Version,
            format!(
                "compiled by a {which} thetac (module version {version}, this thetac reads {MODULE_VERSION}); recompile the source"
            ),
        ));
    }
    let opts = VerifierOptions {
        max_depth: 16,
        max_tables: 1 << 24,
        ..VerifierOptions::default()
    };
    let root = fb::root_as_module_with_opts(&opts, bytes)
        .map_err(|e| LoadError::format(format!("corrupt FlatBuffer: {e}")))?;
    convert(root)
}

/// The module version recorded in `bytes` (checks the identifier and the header only).
pub fn module_version(bytes: &[u8]) -> Result<u32, LoadError> {
    if bytes.len() < 8 {
        return Err(LoadError::format(format!(
            "file too short ({} bytes) to be a Theta module",
            bytes.len()
        )));
    }
    if &bytes[4..8] != FILE_IDENTIFIER {
        return Err(LoadError::format(
            "not a Theta module (file identifier is not \"THBC\")",
        ));
    }
    let header = flatbuffers::root::<fb::ModuleHeader>(bytes)
        .map_err(|e| LoadError::format(format!("corrupt module header: {e}")))?;
    Ok(header.version())
}

fn strings<'a>(v: Option<Vector<'a, ForwardsUOffset<&'a str>>>) -> Vec<String> {
    v.map(|v| v.iter().map(str::to_string).collect())
        .unwrap_or_default()
}

fn uints(v: Option<Vector<'_, u32>>) -> Vec<u32> {
    v.map(|v| v.iter().collect()).unwrap_or_default()
}

/// Decoded type table: entry `i` may only refer to entries before it.
struct Types(Vec<VType>);

impl Types {
    fn decode(
        table: Option<Vector<'_, ForwardsUOffset<fb::TypeDesc<'_>>>>,
    ) -> Result<Types, LoadError> {
        let mut out: Vec<VType> = Vec::new();
        let mut sizes: Vec<usize> = Vec::new();
        for (i, d) in table.into_iter().flatten().enumerate() {
            let bad = |what: &str| LoadError::format(format!("type table entry {i}: {what}"));
            let earlier = |j: u32| -> Result<usize, LoadError> {
                let j = j as usize;
                if j < i {
                    Ok(j)
                } else {
                    Err(bad(&format!("refers to entry {j}, not an earlier one")))
                }
            };
            let (ty, size) = match d.kind() {
                fb::TypeKind::I8 => (VType::I8, 1),
                fb::TypeKind::I16 => (VType::I16, 1),
                fb::TypeKind::I32 => (VType::I32, 1),
                fb::TypeKind::I64 => (VType::I64, 1),
                fb::TypeKind::F32 => (VType::F32, 1),
                fb::TypeKind::F64 => (VType::F64, 1),
                fb::TypeKind::Bool => (VType::Bool, 1),
                fb::TypeKind::String => (VType::Str, 1),
                fb::TypeKind::TableRef => (VType::TableRef, 1),
                fb::TypeKind::NodeRef => (VType::NodeRef, 1),
                fb::TypeKind::TableBuilder => (VType::TableBuilder, 1),
                fb::TypeKind::Struct => (VType::Struct(d.struct_index()), 1),
                fb::TypeKind::Array => {
                    let e = earlier(d.elem())?;
                    (VType::array(out[e].clone()), 1 + sizes[e])
                }
                fb::TypeKind::Fn => {
                    let mut size = 1;
                    let mut params = Vec::new();
                    for p in d.params().into_iter().flatten() {
                        let p = earlier(p)?;
                        size += sizes[p];
                        if size > MAX_TYPE_NODES {
                            break;
                        }
                        params.push(out[p].clone());
                    }
                    let ret = match d.ret() {
                        -1 => None,
                        r if r < 0 => return Err(bad(&format!("bad return type entry {r}"))),
                        r => {
                            let r = earlier(r as u32)?;
                            size += sizes[r];
                            Some(out[r].clone())
                        }
                    };
                    (VType::Fn(Box::new(FnSig { params, ret })), size)
                }
                k => return Err(bad(&format!("unknown type kind {}", k.0))),
            };
            if size > MAX_TYPE_NODES {
                return Err(bad("type too large"));
            }
            check_layout(&ty, &d).map_err(|e| bad(&e))?;
            out.push(ty);
            sizes.push(size);
        }
        Ok(Types(out))
    }

    fn get(&self, index: u32, what: impl FnOnce() -> String) -> Result<VType, LoadError> {
        self.0.get(index as usize).cloned().ok_or_else(|| {
            LoadError::format(format!(
                "{}: type table entry {index} out of range ({} entries)",
                what(),
                self.0.len()
            ))
        })
    }

    fn ret(&self, index: i32, what: impl FnOnce() -> String) -> Result<Option<VType>, LoadError> {
        match index {
            -1 => Ok(None),
            i if i < 0 => Err(LoadError::format(format!(
                "{}: bad return type {i}",
                what()
            ))),
            i => self.get(i as u32, what).map(Some),
        }
    }
}

/// A type descriptor's layout fields must be exactly what its kind implies (the VM relies on
/// them, so a module claiming another size or nullability is refused).
fn check_layout(ty: &VType, d: &fb::TypeDesc<'_>) -> Result<(), String> {
    let want = ty.layout();
    let kind = ty.display(&[]).to_string();
    if d.nullable() != want.nullable {
        return Err(format!(
            "{kind} is declared {}nullable, but {kind} values are {}nullable",
            if d.nullable() { "" } else { "non-" },
            if want.nullable { "" } else { "non-" },
        ));
    }
    for (what, have, need) in [
        ("register size", d.reg_size(), want.reg_size),
        ("register alignment", d.reg_align(), want.reg_align),
        ("storage size", d.storage_size(), want.storage_size),
        ("storage alignment", d.storage_align(), want.storage_align),
        ("value size", d.value_size(), want.value_size),
    ] {
        if have != need {
            return Err(format!(
                "{kind} is declared with {what} {have}, but the layout of {kind} has {need}"
            ));
        }
    }
    Ok(())
}

fn convert(root: fb::Module<'_>) -> Result<Module, LoadError> {
    let types = Types::decode(root.type_table())?;
    let mut m = Module::new();
    m.source_files = strings(root.source_files());
    if let Some(c) = root.consts() {
        m.consts_i64 = c.i64s().map(|v| v.iter().collect()).unwrap_or_default();
        m.consts_f64 = c.f64s().map(|v| v.iter().collect()).unwrap_or_default();
        m.strings = strings(c.strings());
    }
    for (i, t) in uints(root.type_pool()).into_iter().enumerate() {
        m.types
            .push(types.get(t, || format!("type pool entry {i}"))?);
    }
    for (si, s) in root.structs().into_iter().flatten().enumerate() {
        let name = s.name().unwrap_or_default().to_string();
        let mut fields = Vec::new();
        for (fi, f) in s.fields().into_iter().flatten().enumerate() {
            let ty = types.get(f.type_(), || format!("struct #{si} field {fi}"))?;
            fields.push(Field {
                name: f.name().unwrap_or_default().to_string(),
                ty,
            });
        }
        m.structs.push(StructLayout { name, fields });
    }
    for (gi, g) in root.globals().into_iter().flatten().enumerate() {
        m.globals.push(Global {
            name: g.name().unwrap_or_default().to_string(),
            ty: types.get(g.type_(), || format!("global #{gi}"))?,
        });
    }
    for name in strings(root.builtins()) {
        let op = BuiltinOp::from_name(&name).ok_or_else(|| {
            LoadError::format(format!(
                "unknown builtin operation `{name}` (compiled by a newer thetac?)"
            ))
        })?;
        m.builtins.push(op);
    }
    for (fi, f) in root.functions().into_iter().flatten().enumerate() {
        m.functions.push(convert_function(fi as u32, f, &types)?);
    }
    m.init = root.init();
    m.main = match root.main() {
        None => None,
        Some(mi) => Some(MainInfo {
            func: mi.func(),
            takes_args: mi.takes_args(),
            returns: match mi.returns() {
                fb::MainReturn::Void => MainReturn::Void,
                fb::MainReturn::I32 => MainReturn::I32,
                fb::MainReturn::I64 => MainReturn::I64,
                k => {
                    return Err(LoadError::format(format!(
                        "unknown main return kind {}",
                        k.0
                    )));
                }
            },
        }),
    };
    for e in root.exports().into_iter().flatten() {
        let kind = match e.kind() {
            fb::ExportKind::Function => ExportKind::Function,
            fb::ExportKind::Global => ExportKind::Global,
            k => return Err(LoadError::format(format!("unknown export kind {}", k.0))),
        };
        m.exports.push(Export {
            name: e.name().unwrap_or_default().to_string(),
            kind,
            index: e.index(),
        });
    }
    Ok(m)
}

fn convert_function(
    index: u32,
    f: fb::FunctionDesc<'_>,
    types: &Types,
) -> Result<Function, LoadError> {
    let name = f.name().unwrap_or_default().to_string();
    let err = |e: LoadError| e.in_function(index, &name);
    let mut params = Vec::new();
    for (pi, p) in uints(f.params()).into_iter().enumerate() {
        params.push(types.get(p, || format!("parameter {pi}")).map_err(err)?);
    }
    let ret = types
        .ret(f.ret(), || "return type".to_string())
        .map_err(err)?;
    // The code vector is read in place: one pass over its bytes, one allocation.
    let raw = f.code().map(|v| v.bytes()).unwrap_or_default();
    let mut code = Vec::with_capacity(raw.len() / 8);
    for (pc, chunk) in raw.chunks_exact(8).enumerate() {
        let bytes: [u8; 8] = chunk.try_into().unwrap_or([0xff; 8]);
        match Instr::from_bytes(bytes) {
            Some(i) => code.push(i),
            None => {
                return Err(err(LoadError::verify(format!(
                    "unknown opcode {}",
                    bytes[0]
                ))
                .at(pc as u32, None)));
            }
        }
    }
    let lines = f
        .lines()
        .map(|v| {
            v.iter()
                .map(|l| LineEntry {
                    pc: l.pc(),
                    file: l.file(),
                    line: l.line(),
                    col: l.col(),
                })
                .collect()
        })
        .unwrap_or_default();
    let reg_names = f
        .reg_names()
        .map(|v| {
            v.iter()
                .map(|r| RegName {
                    reg: r.reg(),
                    name: r.name().unwrap_or_default().to_string(),
                    start_pc: r.start_pc(),
                    end_pc: r.end_pc(),
                })
                .collect()
        })
        .unwrap_or_default();
    let mut reg_types = Vec::new();
    for r in f.reg_types().into_iter().flatten() {
        let ty = types
            .get(r.ty(), || format!("register type of r{}", r.reg()))
            .map_err(err)?;
        reg_types.push(RegType {
            reg: r.reg(),
            ty,
            start_pc: r.start_pc(),
            end_pc: r.end_pc(),
        });
    }
    Ok(Function {
        reg_types,
        name: name.clone(),
        params,
        ret,
        num_registers: f.num_registers(),
        num_spill_slots: f.num_spill_slots(),
        code,
        debug: FunctionDebug { lines, reg_names },
    })
}

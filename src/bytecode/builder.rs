//! A small assembler for building modules by hand: pools with de-duplication, functions with
//! labels and source positions. Used by the tests and available to the compiler's emitter.

use std::collections::HashMap;

use crate::bytecode::builtin_ops::BuiltinOp;
use crate::bytecode::instr::Instr;
use crate::bytecode::module::{
    Export, ExportKind, Field, Function, FunctionDebug, Global, LineEntry, MainInfo, Module,
    RegName, StructLayout, VType,
};
use crate::bytecode::opcodes::{Opcode, Operand};

/// A forward-referencable jump target inside one [`FunctionBuilder`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label(u32);

/// Builds one function's code: instructions, labels, source positions and register names.
#[derive(Debug, Default)]
pub struct FunctionBuilder {
    params: usize,
    code: Vec<Instr>,
    labels: Vec<Option<u32>>,
    fixups: Vec<(usize, Label)>,
    lines: Vec<LineEntry>,
    pos: Option<(u32, u32, u32)>,
    reg_names: Vec<RegName>,
    num_registers: Option<u16>,
    num_spill_slots: u32,
}

impl FunctionBuilder {
    /// A builder for a function with `params` parameters.
    pub fn new(params: usize) -> FunctionBuilder {
        FunctionBuilder {
            params,
            ..FunctionBuilder::default()
        }
    }

    /// The pc the next instruction gets.
    pub fn pc(&self) -> u32 {
        self.code.len() as u32
    }

    /// Sets the source position of the instructions emitted from now on.
    pub fn at(&mut self, file: u32, line: u32, col: u32) {
        self.pos = Some((file, line, col));
    }

    /// Appends an instruction; returns its pc.
    pub fn emit(&mut self, ins: Instr) -> u32 {
        let pc = self.pc();
        if let Some((file, line, col)) = self.pos {
            let same = self
                .lines
                .last()
                .is_some_and(|l| (l.file, l.line, l.col) == (file, line, col));
            if !same {
                self.lines.push(LineEntry {
                    pc,
                    file,
                    line,
                    col,
                });
            }
        }
        self.code.push(ins);
        pc
    }

    /// `op a b c imm` shorthand for [`FunctionBuilder::emit`].
    pub fn op(&mut self, op: Opcode, a: u8, b: u8, c: u8, imm: i32) -> u32 {
        self.emit(Instr::new(op, a, b, c, imm))
    }

    /// A new, not yet placed label.
    pub fn new_label(&mut self) -> Label {
        self.labels.push(None);
        Label(self.labels.len() as u32 - 1)
    }

    /// Places `label` at the next instruction.
    pub fn bind(&mut self, label: Label) {
        let pc = self.pc();
        if let Some(slot) = self.labels.get_mut(label.0 as usize) {
            *slot = Some(pc);
        }
    }

    /// Emits a branch `op b c` to `label` (resolved when the function is finished).
    pub fn jump(&mut self, op: Opcode, b: u8, c: u8, label: Label) -> u32 {
        let pc = self.emit(Instr::new(op, 0, b, c, 0));
        self.fixups.push((pc as usize, label));
        pc
    }

    /// Records that `reg` holds variable `name` for pcs `start..end`.
    pub fn name_reg(&mut self, reg: u8, name: &str, start: u32, end: u32) {
        self.reg_names.push(RegName {
            reg,
            name: name.to_string(),
            start_pc: start,
            end_pc: end,
        });
    }

    /// Overrides the register count (by default: one past the highest register used, at
    /// least 2 + the parameter count).
    pub fn set_num_registers(&mut self, n: u16) {
        self.num_registers = Some(n);
    }

    /// Sets the number of spill slots.
    pub fn set_num_spill_slots(&mut self, n: u32) {
        self.num_spill_slots = n;
    }

    fn registers_used(&self) -> u16 {
        let mut max = 1 + self.params as u16;
        for i in &self.code {
            let [ra, rb, rc, ri] = i.op.operands();
            for (role, v) in [(ra, i.a), (rb, i.b), (rc, i.c)] {
                match role {
                    Operand::Dst | Operand::Src => max = max.max(v as u16),
                    Operand::Range if i.c > 0 => max = max.max(v as u16 + i.c as u16 - 1),
                    _ => {}
                }
            }
            if ri == Operand::RegImm {
                max = max.max(i.imm.clamp(0, 255) as u16);
            }
        }
        max + 1
    }

    /// Resolves labels; fails on a label that was never bound.
    fn finish(mut self) -> Result<(Vec<Instr>, FunctionDebug, u16, u32), String> {
        for (pc, label) in std::mem::take(&mut self.fixups) {
            match self.labels.get(label.0 as usize).copied().flatten() {
                Some(target) => self.code[pc].imm = target as i32,
                None => return Err(format!("label {} used at pc {pc} is never bound", label.0)),
            }
        }
        let regs = self.num_registers.unwrap_or_else(|| self.registers_used());
        let debug = FunctionDebug {
            lines: self.lines,
            reg_names: self.reg_names,
        };
        Ok((self.code, debug, regs, self.num_spill_slots))
    }
}

/// Builds a [`Module`]: pools de-duplicate their entries, functions can be declared before
/// they are defined (for calls to later functions).
#[derive(Debug, Default)]
pub struct ModuleBuilder {
    module: Module,
    strings: HashMap<String, i32>,
    i64s: HashMap<i64, i32>,
    f64s: HashMap<u64, i32>,
    types: HashMap<VType, i32>,
    builtins: HashMap<BuiltinOp, i32>,
    error: Option<String>,
}

impl ModuleBuilder {
    /// An empty module.
    pub fn new() -> ModuleBuilder {
        ModuleBuilder::default()
    }

    /// Adds a source file name; returns its index.
    pub fn source_file(&mut self, name: &str) -> u32 {
        self.module.source_files.push(name.to_string());
        self.module.source_files.len() as u32 - 1
    }

    /// The string constant `s` (added once).
    pub fn string(&mut self, s: &str) -> i32 {
        if let Some(&i) = self.strings.get(s) {
            return i;
        }
        let i = self.module.strings.len() as i32;
        self.module.strings.push(s.to_string());
        self.strings.insert(s.to_string(), i);
        i
    }

    /// The i64 constant `v` (added once).
    pub fn const_i64(&mut self, v: i64) -> i32 {
        let pool = &mut self.module.consts_i64;
        *self.i64s.entry(v).or_insert_with(|| {
            pool.push(v);
            pool.len() as i32 - 1
        })
    }

    /// The f64 constant `v` (added once per bit pattern).
    pub fn const_f64(&mut self, v: f64) -> i32 {
        let pool = &mut self.module.consts_f64;
        *self.f64s.entry(v.to_bits()).or_insert_with(|| {
            pool.push(v);
            pool.len() as i32 - 1
        })
    }

    /// The type pool entry for `ty` (added once).
    pub fn type_index(&mut self, ty: VType) -> i32 {
        let pool = &mut self.module.types;
        *self.types.entry(ty.clone()).or_insert_with(|| {
            pool.push(ty);
            pool.len() as i32 - 1
        })
    }

    /// The builtin table entry for `op` (added once).
    pub fn builtin(&mut self, op: BuiltinOp) -> i32 {
        let table = &mut self.module.builtins;
        *self.builtins.entry(op).or_insert_with(|| {
            table.push(op);
            table.len() as i32 - 1
        })
    }

    /// Adds a struct layout; returns its index.
    pub fn add_struct(&mut self, name: &str, fields: &[(&str, VType)]) -> u32 {
        self.module.structs.push(StructLayout {
            name: name.to_string(),
            fields: fields
                .iter()
                .map(|(n, t)| Field {
                    name: n.to_string(),
                    ty: t.clone(),
                })
                .collect(),
        });
        self.module.structs.len() as u32 - 1
    }

    /// Adds a global; returns its index.
    pub fn add_global(&mut self, name: &str, ty: VType) -> u32 {
        self.module.globals.push(Global {
            name: name.to_string(),
            ty,
        });
        self.module.globals.len() as u32 - 1
    }

    /// Declares a function (empty code until [`ModuleBuilder::define`]); returns its index.
    pub fn declare(&mut self, name: &str, params: Vec<VType>, ret: Option<VType>) -> u32 {
        self.module.functions.push(Function {
            name: name.to_string(),
            num_registers: 2 + params.len() as u16,
            params,
            ret,
            num_spill_slots: 0,
            code: Vec::new(),
            debug: FunctionDebug::default(),
            reg_types: Vec::new(),
        });
        self.module.functions.len() as u32 - 1
    }

    /// Gives declared function `index` its body.
    pub fn define(&mut self, index: u32, body: FunctionBuilder) {
        let result = body.finish();
        match (self.module.functions.get_mut(index as usize), result) {
            (Some(f), Ok((code, debug, regs, slots))) => {
                f.code = code;
                f.debug = debug;
                f.num_registers = regs;
                f.num_spill_slots = slots;
            }
            (Some(f), Err(e)) => self.error = Some(format!("function `{}`: {e}", f.name)),
            (None, _) => self.error = Some(format!("function #{index} was never declared")),
        }
    }

    /// Declares and defines a function in one go; `build` emits its body.
    pub fn function(
        &mut self,
        name: &str,
        params: Vec<VType>,
        ret: Option<VType>,
        build: impl FnOnce(&mut FunctionBuilder),
    ) -> u32 {
        let mut body = FunctionBuilder::new(params.len());
        build(&mut body);
        let index = self.declare(name, params, ret);
        self.define(index, body);
        index
    }

    /// Sets the `<init>` function.
    pub fn set_init(&mut self, index: u32) {
        self.module.init = index;
    }

    /// Sets the entry point.
    pub fn set_main(&mut self, main: MainInfo) {
        self.module.main = Some(main);
    }

    /// Exports a function or global under `name`.
    pub fn export(&mut self, name: &str, kind: ExportKind, index: u32) {
        self.module.exports.push(Export {
            name: name.to_string(),
            kind,
            index,
        });
    }

    /// The module built so far (to adjust fields the builder has no method for).
    pub fn module_mut(&mut self) -> &mut Module {
        &mut self.module
    }

    /// The finished module (not verified: call [`crate::bytecode::verify`]); fails on an
    /// unbound label. Functions that verify get their register type table filled in; the others
    /// keep an empty one (the verifier then reports their real error).
    pub fn finish(mut self) -> Result<Module, String> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let _ = crate::bytecode::verify::fill_register_types(&mut self.module);
        Ok(self.module)
    }
}

//! The bytecode verifier: proves a module safe to run without type checks in the interpreter.
//!
//! Module level: indices in range, struct layouts without by-value cycles, `init` and `main`
//! signatures, debug tables consistent. Function level, per instruction: operand fields used as
//! the opcode says ([`Operand`]), registers below `num_registers`, r0 never written, indices in
//! range, jump targets inside the function. Then a flow-sensitive type inference over the
//! control-flow graph (a worklist over basic blocks; a register's types meeting at a join
//! become "unknown") checks every read against what the opcode requires, call arguments
//! against callee signatures, and that no path falls off the end of the code.

use std::collections::HashMap;

use crate::bytecode::error::LoadError;
use crate::bytecode::instr::Instr;
use crate::bytecode::module::{FnSig, Function, MainReturn, Module, RegType, VType};
use crate::bytecode::opcodes::{DfArg, DfNodeKind, ElemKind, Opcode, Operand};
use crate::bytecode::regtypes;

/// Most registers a frame may have.
pub const MAX_REGISTERS: u16 = 256;
/// Most parameters a function may have (r2–r15).
pub const MAX_PARAMS: usize = 14;
/// Most spill slots a frame may have.
pub const MAX_SPILL_SLOTS: u32 = 65_536;
/// Bound on the verifier's work for one function (abstract state cells visited), so that no
/// input can make loading slow.
const WORK_BUDGET: u64 = 1 << 31;

/// Verifies every part of `module`; the error names the function, pc and problem.
pub fn verify(module: &Module) -> Result<(), LoadError> {
    verify_module_level(module)?;
    let mut types = Interner::default();
    for (i, f) in module.functions.iter().enumerate() {
        FunctionVerifier::new(module, i as u32, f, &mut types)
            .run()
            .map_err(|e| e.in_function(i as u32, &f.name))?;
    }
    Ok(())
}

/// The canonical register type table of function `index` (see [`crate::bytecode::RegType`]),
/// inferred from its code: what a compiler stores in `Function::reg_types`. Fails when the
/// function does not verify (its declared table is not consulted).
pub fn infer_register_types(module: &Module, index: u32) -> Result<Vec<RegType>, LoadError> {
    let f = module
        .functions
        .get(index as usize)
        .ok_or_else(|| LoadError::verify(format!("function #{index} does not exist")))?;
    let mut types = Interner::default();
    let mut v = FunctionVerifier::new(module, index, f, &mut types);
    v.computed = Some(Vec::new());
    v.check_all().map_err(|e| e.in_function(index, &f.name))?;
    Ok(v.computed.unwrap_or_default())
}

/// Fills the `reg_types` of every function that verifies with its inferred table (compilers and
/// builders call this once the module is complete); the others keep theirs. Returns the first
/// verification error met, if any.
pub fn fill_register_types(module: &mut Module) -> Result<(), LoadError> {
    let mut first = Ok(());
    for i in 0..module.functions.len() {
        match infer_register_types(module, i as u32) {
            Ok(table) => module.functions[i].reg_types = table,
            Err(e) if first.is_ok() => first = Err(e),
            Err(_) => {}
        }
    }
    first
}

/// For the disassembler: the type each instruction of function `index` writes to its
/// destination register, as the verifier infers it (`None` for unreachable instructions and
/// instructions without a destination). Fails when the function does not verify.
pub fn destination_types(module: &Module, index: u32) -> Result<Vec<Option<VType>>, LoadError> {
    let f = module
        .functions
        .get(index as usize)
        .ok_or_else(|| LoadError::verify(format!("function #{index} does not exist")))?;
    let mut types = Interner::default();
    let mut v = FunctionVerifier::new(module, index, f, &mut types);
    v.record = Some(vec![UNDEF; f.code.len()]);
    let rec = v
        .run_recording()
        .map_err(|e| e.in_function(index, &f.name))?;
    Ok(rec
        .into_iter()
        .map(|t| match t {
            UNDEF | ZERO => None,
            t => Some(types.get(t).clone()),
        })
        .collect())
}

fn check_type(m: &Module, ty: &VType, what: &dyn Fn() -> String) -> Result<(), LoadError> {
    match ty {
        VType::Struct(s) if *s as usize >= m.structs.len() => Err(LoadError::verify(format!(
            "{}: struct #{s} does not exist ({} structs)",
            what(),
            m.structs.len()
        ))),
        VType::Array(e) => check_type(m, e, what),
        VType::Fn(sig) => {
            for p in &sig.params {
                check_type(m, p, what)?;
            }
            match &sig.ret {
                Some(r) => check_type(m, r, what),
                None => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

fn verify_module_level(m: &Module) -> Result<(), LoadError> {
    for (i, t) in m.types.iter().enumerate() {
        check_type(m, t, &|| format!("type pool entry {i}"))?;
    }
    for (si, s) in m.structs.iter().enumerate() {
        for f in &s.fields {
            check_type(m, &f.ty, &|| {
                format!("struct `{}` field `{}`", s.name, f.name)
            })?;
        }
        // A struct holding itself by value (directly or through other structs) would make its
        // default value infinite; through an array it is fine (§3).
        let mut stack = vec![si];
        let mut seen = vec![false; m.structs.len()];
        while let Some(cur) = stack.pop() {
            for f in &m.structs[cur].fields {
                if let VType::Struct(t) = f.ty {
                    let t = t as usize;
                    if t == si {
                        return Err(LoadError::verify(format!(
                            "struct `{}` contains itself by value",
                            s.name
                        )));
                    }
                    if !seen[t] {
                        seen[t] = true;
                        stack.push(t);
                    }
                }
            }
        }
    }
    for g in &m.globals {
        check_type(m, &g.ty, &|| format!("global `{}`", g.name))?;
    }
    for (i, f) in m.functions.iter().enumerate() {
        let err = |msg: String| LoadError::verify(msg).in_function(i as u32, &f.name);
        for p in &f.params {
            check_type(m, p, &|| "parameter".to_string()).map_err(|e| err(e.message))?;
        }
        if let Some(r) = &f.ret {
            check_type(m, r, &|| "return type".to_string()).map_err(|e| err(e.message))?;
        }
    }
    let init = m.functions.get(m.init as usize).ok_or_else(|| {
        LoadError::verify(format!(
            "init function #{} does not exist ({} functions)",
            m.init,
            m.functions.len()
        ))
    })?;
    if !init.params.is_empty() || init.ret.is_some() {
        return Err(LoadError::verify(format!(
            "init function `{}` must take no parameters and return nothing",
            init.name
        )));
    }
    if let Some(main) = &m.main {
        let f = m.functions.get(main.func as usize).ok_or_else(|| {
            LoadError::verify(format!("main function #{} does not exist", main.func))
        })?;
        let want_params = if main.takes_args {
            vec![VType::array(VType::Str)]
        } else {
            Vec::new()
        };
        let want_ret = match main.returns {
            MainReturn::Void => None,
            MainReturn::I32 => Some(VType::I32),
            MainReturn::I64 => Some(VType::I64),
        };
        if f.params != want_params || f.ret != want_ret {
            return Err(LoadError::verify(format!(
                "main function `{}` has signature {}, but the header says {}",
                f.name,
                m.type_name(&VType::Fn(Box::new(f.sig()))),
                m.type_name(&VType::Fn(Box::new(FnSig {
                    params: want_params,
                    ret: want_ret
                })))
            )));
        }
    }
    for e in &m.exports {
        let len = match e.kind {
            crate::bytecode::module::ExportKind::Function => m.functions.len(),
            crate::bytecode::module::ExportKind::Global => m.globals.len(),
        };
        if e.index as usize >= len {
            return Err(LoadError::verify(format!(
                "export `{}` refers to #{} ({len} exist)",
                e.name, e.index
            )));
        }
    }
    Ok(())
}

/// Abstract type of a register: an interned [`VType`] or one of two special values.
type Ty = u32;
/// Not known here: never written on some path, or written with different types.
const UNDEF: Ty = 0;
/// The constant zero of r0: acceptable wherever an integer, float or bool is.
const ZERO: Ty = 1;

/// Interns value types so abstract states are vectors of small integers.
struct Interner {
    list: Vec<VType>,
    map: HashMap<VType, Ty>,
}

impl Default for Interner {
    fn default() -> Self {
        let mut i = Interner {
            list: vec![VType::I64, VType::I64], // placeholders for UNDEF and ZERO
            map: HashMap::new(),
        };
        for t in [
            VType::I8,
            VType::I16,
            VType::I32,
            VType::I64,
            VType::F32,
            VType::F64,
            VType::Bool,
            VType::Str,
        ] {
            i.intern(&t);
        }
        i
    }
}

const I8: Ty = 2;
const I16: Ty = 3;
const I32: Ty = 4;
const I64: Ty = 5;
const F32: Ty = 6;
const F64: Ty = 7;
const BOOL: Ty = 8;
const STR: Ty = 9;

impl Interner {
    fn intern(&mut self, ty: &VType) -> Ty {
        if let Some(&t) = self.map.get(ty) {
            return t;
        }
        let t = self.list.len() as Ty;
        self.list.push(ty.clone());
        self.map.insert(ty.clone(), t);
        t
    }

    fn get(&self, t: Ty) -> &VType {
        &self.list[t as usize]
    }

    fn is_int(&self, t: Ty) -> bool {
        matches!(t, I8 | I16 | I32 | I64)
    }

    fn is_scalar(&self, t: Ty) -> bool {
        matches!(t, I8 | I16 | I32 | I64 | F32 | F64 | BOOL)
    }
}

/// Join of two abstract types at a control-flow merge.
fn join(types: &Interner, x: Ty, y: Ty) -> Ty {
    if x == y {
        x
    } else if x == ZERO && types.is_scalar(y) {
        y
    } else if y == ZERO && types.is_scalar(x) {
        x
    } else {
        UNDEF
    }
}

struct FunctionVerifier<'a> {
    m: &'a Module,
    f: &'a Function,
    types: &'a mut Interner,
    nregs: usize,
    nslots: usize,
    pc: u32,
    op: Opcode,
    /// When set: the type each instruction writes to its destination register.
    record: Option<Vec<Ty>>,
    /// When set, the register types are computed into it instead of checked against the
    /// function's declared table.
    computed: Option<Vec<RegType>>,
}

impl<'a> FunctionVerifier<'a> {
    fn new(m: &'a Module, _index: u32, f: &'a Function, types: &'a mut Interner) -> Self {
        FunctionVerifier {
            m,
            f,
            types,
            nregs: f.num_registers as usize,
            nslots: f.num_spill_slots as usize,
            pc: 0,
            op: Opcode::Nop,
            record: None,
            computed: None,
        }
    }

    fn err(&self, msg: impl Into<String>) -> LoadError {
        LoadError::verify(msg).at(self.pc, Some(self.op.mnemonic()))
    }

    fn name(&self, t: Ty) -> String {
        match t {
            UNDEF => "unknown".to_string(),
            ZERO => "the zero register".to_string(),
            t => self.m.type_name(self.types.get(t)),
        }
    }

    fn run(mut self) -> Result<(), LoadError> {
        self.check_all()
    }

    fn check_all(&mut self) -> Result<(), LoadError> {
        let f = self.f;
        if f.params.len() > MAX_PARAMS {
            return Err(LoadError::verify(format!(
                "{} parameters (at most {MAX_PARAMS})",
                f.params.len()
            )));
        }
        if f.num_registers > MAX_REGISTERS || (f.num_registers as usize) < 2 + f.params.len() {
            return Err(LoadError::verify(format!(
                "num_registers {} out of range (needs {}..={MAX_REGISTERS})",
                f.num_registers,
                2 + f.params.len()
            )));
        }
        if f.num_spill_slots > MAX_SPILL_SLOTS {
            return Err(LoadError::verify(format!(
                "num_spill_slots {} out of range (at most {MAX_SPILL_SLOTS})",
                f.num_spill_slots
            )));
        }
        if f.code.is_empty() {
            return Err(LoadError::verify("function has no code"));
        }
        if f.code.len() > i32::MAX as usize {
            return Err(LoadError::verify("function too long"));
        }
        self.check_debug()?;
        for (pc, ins) in f.code.iter().enumerate() {
            self.pc = pc as u32;
            self.op = ins.op;
            self.check_fields(ins)?;
        }
        self.check_flow()
    }

    fn run_recording(mut self) -> Result<Vec<Ty>, LoadError> {
        self.check_all()?;
        Ok(self.record.unwrap_or_default())
    }

    fn check_debug(&self) -> Result<(), LoadError> {
        let d = &self.f.debug;
        let mut prev: Option<u32> = None;
        for l in &d.lines {
            if prev.is_some_and(|p| l.pc <= p) || l.pc as usize >= self.f.code.len() {
                return Err(LoadError::verify(format!(
                    "debug line table: entry for pc {} out of order or past the code",
                    l.pc
                )));
            }
            if l.file as usize >= self.m.source_files.len() {
                return Err(LoadError::verify(format!(
                    "debug line table: file #{} does not exist ({} files)",
                    l.file,
                    self.m.source_files.len()
                )));
            }
            prev = Some(l.pc);
        }
        for r in &d.reg_names {
            if r.reg as usize >= self.nregs || r.start_pc > r.end_pc {
                return Err(LoadError::verify(format!(
                    "debug register table: entry `{}` for r{} (pcs {}..{}) is invalid",
                    r.name, r.reg, r.start_pc, r.end_pc
                )));
            }
        }
        Ok(())
    }

    /// Structural checks: each field used as the opcode says, every index in range.
    fn check_fields(&self, ins: &Instr) -> Result<(), LoadError> {
        let [ra, rb, rc, ri] = ins.op.operands();
        let is_call = matches!(
            ins.op,
            Opcode::Call | Opcode::CallIndirect | Opcode::CallBuiltin
        );
        for (role, v, field) in [(ra, ins.a, 'a'), (rb, ins.b, 'b'), (rc, ins.c, 'c')] {
            match role {
                Operand::None if v != 0 => {
                    return Err(self.err(format!("operand {field} is unused but is {v}")));
                }
                Operand::Dst if v == 0 && !is_call => {
                    return Err(self.err("writes r0 (r0 is the constant zero)"));
                }
                Operand::Dst | Operand::Src if v as usize >= self.nregs => {
                    return Err(self.err(format!(
                        "register r{v} out of range (function has {} registers)",
                        self.nregs
                    )));
                }
                Operand::Range if ins.c > 0 && (v as usize + ins.c as usize) > self.nregs => {
                    return Err(self.err(format!(
                        "registers r{v}..r{} out of range (function has {} registers)",
                        v as usize + ins.c as usize - 1,
                        self.nregs
                    )));
                }
                Operand::Kind => match ElemKind::from_u8(v) {
                    Some(ElemKind::I8 | ElemKind::I16 | ElemKind::I32 | ElemKind::I64)
                    | Some(ElemKind::Bool) => {}
                    _ => return Err(self.err(format!("kind {v} is not an integer or bool kind"))),
                },
                _ => {}
            }
        }
        let imm = ins.imm;
        let in_range = |len: usize, what: &str| -> Result<(), LoadError> {
            if imm < 0 || imm as usize >= len {
                Err(self.err(format!("{what} {imm} out of range ({len} exist)")))
            } else {
                Ok(())
            }
        };
        match ri {
            Operand::None if imm != 0 => Err(self.err(format!("imm is unused but is {imm}"))),
            Operand::ConstI64 => in_range(self.m.consts_i64.len(), "i64 constant"),
            Operand::ConstF64 => in_range(self.m.consts_f64.len(), "f64 constant"),
            Operand::ConstStr => in_range(self.m.strings.len(), "string constant"),
            Operand::Func => in_range(self.m.functions.len(), "function"),
            Operand::Global => in_range(self.m.globals.len(), "global"),
            Operand::Struct => in_range(self.m.structs.len(), "struct"),
            Operand::Type => in_range(self.m.types.len(), "type pool entry"),
            Operand::Builtin => in_range(self.m.builtins.len(), "builtin"),
            Operand::Slot => in_range(self.nslots, "spill slot"),
            Operand::RegImm => in_range(self.nregs, "register"),
            Operand::Target => {
                if imm < 0 || imm as usize >= self.f.code.len() {
                    Err(self.err(format!(
                        "jump target {imm} outside the function (0..{})",
                        self.f.code.len()
                    )))
                } else {
                    Ok(())
                }
            }
            Operand::NodeKind => match DfNodeKind::from_i32(imm) {
                Some(_) => Ok(()),
                None => Err(self.err(format!("unknown dataflow node kind {imm}"))),
            },
            Operand::Field if imm < 0 => Err(self.err(format!("field index {imm} is negative"))),
            _ => Ok(()),
        }
    }

    /// The worklist over basic blocks.
    fn check_flow(&mut self) -> Result<(), LoadError> {
        let code = self.f.code.as_slice();
        let n = code.len();
        let mut is_leader = vec![false; n + 1];
        is_leader[0] = true;
        for (pc, ins) in code.iter().enumerate() {
            if ins.op.is_branch() {
                is_leader[ins.imm as usize] = true;
            }
            if ins.op.is_branch() || ins.op.is_terminator() {
                is_leader[pc + 1] = true;
            }
        }
        // block_of[pc] for leaders; states only at block entries.
        let leaders: Vec<usize> = (0..n).filter(|&pc| is_leader[pc]).collect();
        let mut block_of = vec![u32::MAX; n];
        for (b, &pc) in leaders.iter().enumerate() {
            block_of[pc] = b as u32;
        }
        let width = self.nregs + self.nslots;
        if (leaders.len() as u64).saturating_mul(width as u64) > 1 << 28 {
            return Err(LoadError::verify(
                "function too large to verify (blocks × registers)",
            ));
        }
        let mut entry: Vec<Option<Vec<Ty>>> = vec![None; leaders.len()];
        let mut start = vec![UNDEF; width];
        start[0] = ZERO;
        for (i, p) in self.f.params.iter().enumerate() {
            start[2 + i] = self.types.intern(p);
        }
        entry[0] = Some(start);
        let mut work = vec![0usize];
        let mut queued = vec![false; leaders.len()];
        queued[0] = true;
        let mut budget = WORK_BUDGET;
        while let Some(b) = work.pop() {
            queued[b] = false;
            let mut state = entry[b].clone().unwrap_or_default();
            let mut pc = leaders[b];
            loop {
                budget = budget.saturating_sub(width as u64 + 1);
                if budget == 0 {
                    return Err(LoadError::verify("function too complex to verify"));
                }
                let ins = code[pc];
                self.pc = pc as u32;
                self.op = ins.op;
                self.step(&ins, &mut state)?;
                if let Some(rec) = &mut self.record
                    && ins.op.operands()[0] == Operand::Dst
                    && ins.a != 0
                {
                    rec[pc] = state[ins.a as usize];
                }
                let mut succ: [Option<usize>; 2] = [None, None];
                if ins.op.is_branch() {
                    succ[0] = Some(ins.imm as usize);
                }
                if !ins.op.is_terminator() {
                    if pc + 1 == n {
                        return Err(self.err(
                            "control falls off the end of the function (every path must end in RET, RET_VOID or TRAP)",
                        ));
                    }
                    if is_leader[pc + 1] {
                        succ[1] = Some(pc + 1);
                    }
                }
                for s in succ.into_iter().flatten() {
                    let sb = block_of[s] as usize;
                    let changed = match &mut entry[sb] {
                        slot @ None => {
                            *slot = Some(state.clone());
                            true
                        }
                        Some(old) => {
                            let mut changed = false;
                            for (o, &new) in old.iter_mut().zip(&state) {
                                let j = join(self.types, *o, new);
                                if j != *o {
                                    *o = j;
                                    changed = true;
                                }
                            }
                            changed
                        }
                    };
                    if changed && !queued[sb] {
                        queued[sb] = true;
                        work.push(sb);
                    }
                }
                if ins.op.is_terminator() || is_leader[pc + 1] {
                    break;
                }
                pc += 1;
            }
        }
        self.register_table(&leaders, &entry, &is_leader)
    }

    /// Replays every reachable block from its fixed-point entry state, building the canonical
    /// register type table, then checks the declared table against it (or stores it).
    fn register_table(
        &mut self,
        leaders: &[usize],
        entry: &[Option<Vec<Ty>>],
        is_leader: &[bool],
    ) -> Result<(), LoadError> {
        let code = self.f.code.as_slice();
        let mut ranges = regtypes::RangeBuilder::new(self.nregs);
        for (b, &start) in leaders.iter().enumerate() {
            let Some(mut state) = entry[b].clone() else {
                continue;
            };
            let mut pc = start;
            loop {
                ranges.observe(pc as u32, &state, |t| t != UNDEF && t != ZERO);
                let ins = code[pc];
                self.pc = pc as u32;
                self.op = ins.op;
                self.step(&ins, &mut state)?;
                if ins.op.is_terminator() || is_leader[pc + 1] {
                    break;
                }
                pc += 1;
            }
        }
        let inferred: Vec<RegType> = ranges
            .finish()
            .into_iter()
            .map(|(reg, t, start_pc, end_pc)| RegType {
                reg,
                ty: self.types.get(t).clone(),
                start_pc,
                end_pc,
            })
            .collect();
        if let Some(out) = &mut self.computed {
            *out = inferred;
            return Ok(());
        }
        regtypes::compare(self.m, self.f, &inferred).map_err(|(pc, msg)| {
            let op = self.f.code.get(pc as usize).map(|i| i.op.mnemonic());
            LoadError::verify(msg).at(pc, op)
        })
    }

    // ---- reading and writing abstract registers -------------------------------------------

    fn reg(&self, state: &[Ty], r: u8) -> Result<Ty, LoadError> {
        let t = state[r as usize];
        if t == UNDEF {
            Err(self.err(format!(
                "r{r} is read but has no single type here (not written on every path, or written with different types)"
            )))
        } else {
            Ok(t)
        }
    }

    fn expect(&self, state: &[Ty], r: u8, want: Ty) -> Result<(), LoadError> {
        let have = self.reg(state, r)?;
        if have == want || (have == ZERO && self.types.is_scalar(want)) {
            Ok(())
        } else {
            Err(self.err(format!(
                "r{r} is {}, expected {}",
                self.name(have),
                self.name(want)
            )))
        }
    }

    /// An integer of any width (or r0); returns its type.
    fn int(&self, state: &[Ty], r: u8) -> Result<Ty, LoadError> {
        let t = self.reg(state, r)?;
        if t == ZERO || self.types.is_int(t) {
            Ok(t)
        } else {
            Err(self.err(format!("r{r} is {}, expected an integer", self.name(t))))
        }
    }

    /// Two operands of one integer type (or bool when `bool_ok`); returns that type.
    fn same_int(&self, state: &[Ty], b: u8, c: u8, bool_ok: bool) -> Result<Ty, LoadError> {
        let (x, y) = (self.reg(state, b)?, self.reg(state, c)?);
        let ok = |t: Ty| t == ZERO || self.types.is_int(t) || (bool_ok && t == BOOL);
        let what = if bool_ok {
            "an integer or bool"
        } else {
            "an integer"
        };
        if !ok(x) {
            return Err(self.err(format!("r{b} is {}, expected {what}", self.name(x))));
        }
        if !ok(y) {
            return Err(self.err(format!("r{c} is {}, expected {what}", self.name(y))));
        }
        match (x, y) {
            (ZERO, t) | (t, ZERO) => Ok(t),
            (x, y) if x == y => Ok(x),
            _ => Err(self.err(format!(
                "operands differ in type: r{b} is {}, r{c} is {}",
                self.name(x),
                self.name(y)
            ))),
        }
    }

    fn write(&self, state: &mut [Ty], r: u8, t: Ty) {
        state[r as usize] = t;
    }

    fn pool_type(&mut self, imm: i32) -> (VType, Ty) {
        let ty = self.m.types[imm as usize].clone();
        let t = self.types.intern(&ty);
        (ty, t)
    }

    fn args(
        &mut self,
        state: &[Ty],
        base: u8,
        count: u8,
        params: &[VType],
    ) -> Result<(), LoadError> {
        if count as usize != params.len() {
            return Err(self.err(format!(
                "passes {count} arguments, the callee takes {}",
                params.len()
            )));
        }
        for (i, p) in params.iter().enumerate() {
            let want = self.types.intern(p);
            self.expect(state, base + i as u8, want)?;
        }
        Ok(())
    }

    fn call_result(
        &mut self,
        state: &mut [Ty],
        a: u8,
        ret: &Option<VType>,
    ) -> Result<(), LoadError> {
        match ret {
            None if a != 0 => Err(self.err(format!(
                "the callee returns nothing, so a must be 0 (is r{a})"
            ))),
            None => Ok(()),
            Some(_) if a == 0 => Err(self.err("writes r0 (r0 is the constant zero)")),
            Some(r) => {
                let t = self.types.intern(r);
                self.write(state, a, t);
                Ok(())
            }
        }
    }

    /// Checks one instruction against `state` and applies its effect.
    fn step(&mut self, ins: &Instr, state: &mut [Ty]) -> Result<(), LoadError> {
        use Opcode::*;
        let (a, b, c, imm) = (ins.a, ins.b, ins.c, ins.imm);
        let width_ty = |op: Opcode| -> Ty {
            let name = op.mnemonic();
            if name.contains("I8") {
                I8
            } else if name.contains("I16") {
                I16
            } else if name.contains("I32") {
                I32
            } else if name.contains("F32") {
                F32
            } else if name.contains("F64") {
                F64
            } else {
                I64
            }
        };
        match ins.op {
            Nop | Jmp | PrintSpace | PrintNewline | Trap => {}
            Mov => {
                let t = self.reg(state, b)?;
                self.write(state, a, t);
            }
            LoadImm => {
                let (t, lo, hi) = match ElemKind::from_u8(c) {
                    Some(ElemKind::I8) => (I8, i8::MIN as i32, i8::MAX as i32),
                    Some(ElemKind::I16) => (I16, i16::MIN as i32, i16::MAX as i32),
                    Some(ElemKind::I32) => (I32, i32::MIN, i32::MAX),
                    Some(ElemKind::Bool) => (BOOL, 0, 1),
                    _ => (I64, i32::MIN, i32::MAX),
                };
                if imm < lo || imm > hi {
                    return Err(self.err(format!("immediate {imm} does not fit {}", self.name(t))));
                }
                self.write(state, a, t);
            }
            LoadF32 => self.write(state, a, F32),
            LoadConstI64 => self.write(state, a, I64),
            LoadConstF64 => self.write(state, a, F64),
            LoadConstStr => self.write(state, a, STR),
            LoadFunc => {
                let sig = self.m.functions[imm as usize].sig();
                let t = self.types.intern(&VType::Fn(Box::new(sig)));
                self.write(state, a, t);
            }
            JTrue | JFalse => self.expect(state, b, BOOL)?,
            Ret => match &self.f.ret {
                None => {
                    return Err(self.err("RET in a function that returns nothing (use RET_VOID)"));
                }
                Some(r) => {
                    let t = self.types.intern(r);
                    self.expect(state, b, t)?;
                }
            },
            RetVoid => {
                if self.f.ret.is_some() {
                    return Err(self.err("RET_VOID in a function that returns a value"));
                }
            }
            AddI8 | AddI16 | AddI32 | AddI64 | SubI8 | SubI16 | SubI32 | SubI64 | MulI8
            | MulI16 | MulI32 | MulI64 | DivI8 | DivI16 | DivI32 | DivI64 | RemI8 | RemI16
            | RemI32 | RemI64 | ShlI8 | ShlI16 | ShlI32 | ShlI64 | ShrI8 | ShrI16 | ShrI32
            | ShrI64 | AddF32 | SubF32 | MulF32 | DivF32 | RemF32 | AddF64 | SubF64 | MulF64
            | DivF64 | RemF64 => {
                let t = width_ty(ins.op);
                self.expect(state, b, t)?;
                self.expect(state, c, t)?;
                self.write(state, a, t);
            }
            NegI8 | NegI16 | NegI32 | NegI64 | NegF32 | NegF64 | AddI8Ri | AddI16Ri | AddI32Ri
            | AddI64Ri | SubI8Ri | SubI16Ri | SubI32Ri | SubI64Ri | MulI8Ri | MulI16Ri
            | MulI32Ri | MulI64Ri | ShlI8Ri | ShlI16Ri | ShlI32Ri | ShlI64Ri | ShrI8Ri
            | ShrI16Ri | ShrI32Ri | ShrI64Ri => {
                let t = width_ty(ins.op);
                self.expect(state, b, t)?;
                self.write(state, a, t);
            }
            EqF32 | NeF32 | LtF32 | LeF32 | GtF32 | GeF32 | EqF64 | NeF64 | LtF64 | LeF64
            | GtF64 | GeF64 => {
                let t = width_ty(ins.op);
                self.expect(state, b, t)?;
                self.expect(state, c, t)?;
                self.write(state, a, BOOL);
            }
            And | Or | Xor => {
                let t = self.same_int(state, b, c, true)?;
                self.write(state, a, t);
            }
            BitNot => {
                let t = self.int(state, b)?;
                self.write(state, a, t);
            }
            NotBool => {
                self.expect(state, b, BOOL)?;
                self.write(state, a, BOOL);
            }
            Eq | Ne => {
                self.same_int(state, b, c, true)?;
                self.write(state, a, BOOL);
            }
            Lt | Le | Gt | Ge => {
                self.same_int(state, b, c, false)?;
                self.write(state, a, BOOL);
            }
            EqRi | NeRi | LtRi | LeRi | GtRi | GeRi => {
                self.int(state, b)?;
                self.write(state, a, BOOL);
            }
            Jeq | Jne => {
                self.same_int(state, b, c, true)?;
            }
            Jlt | Jle | Jgt | Jge => {
                self.same_int(state, b, c, false)?;
            }
            JeqRi | JneRi | JltRi | JleRi | JgtRi | JgeRi => {
                self.int(state, b)?;
            }
            IncrJlt | IncrJle | IncrJgt | IncrJge => {
                // The counter is read and written back as i64; the bound is an i64 too.
                self.expect(state, a, I64)?;
                self.expect(state, b, I64)?;
                self.write(state, a, I64);
            }
            IncrJltRi | IncrJleRi | IncrJgtRi | IncrJgeRi => {
                self.expect(state, a, I64)?;
                self.write(state, a, I64);
            }
            AddJlt | AddJle | AddJgt | AddJge => {
                // Counter, bound and step are all i64; the counter is written back.
                self.expect(state, a, I64)?;
                self.expect(state, b, I64)?;
                self.expect(state, c, I64)?;
                self.write(state, a, I64);
            }
            AndRi | OrRi | XorRi => {
                // The result keeps the operand's type, so the immediate must be a value of it
                // (then `&`, `|`, `^` of two sign-extended values stay sign-extended).
                let t = self.int(state, b)?;
                let (lo, hi) = imm_range(t);
                if imm < lo || imm > hi {
                    return Err(self.err(format!("immediate {imm} does not fit {}", self.name(t))));
                }
                if t == ZERO && ins.op != AndRi {
                    return Err(
                        self.err(format!("r{b} is a literal zero, expected a typed integer"))
                    );
                }
                self.write(state, a, t);
            }
            DivI8Ri | DivI16Ri | DivI32Ri | DivI64Ri | RemI8Ri | RemI16Ri | RemI32Ri | RemI64Ri => {
                // The immediate must be a non-zero value of the type: the VM divides by it
                // without a zero check (truncating it to the width must keep it non-zero).
                let t = width_ty(ins.op);
                let (lo, hi) = imm_range(t);
                if imm == 0 || imm < lo || imm > hi {
                    return Err(self.err(format!(
                        "immediate {imm} is not a non-zero {}",
                        self.name(t)
                    )));
                }
                self.expect(state, b, t)?;
                self.write(state, a, t);
            }
            JeqF64 | JneF64 | JltF64 | JleF64 | JnltF64 | JnleF64 => {
                self.expect(state, b, F64)?;
                self.expect(state, c, F64)?;
            }
            JeqF32 | JneF32 | JltF32 | JleF32 | JnltF32 | JnleF32 => {
                self.expect(state, b, F32)?;
                self.expect(state, c, F32)?;
            }
            CastToI8 | CastToI16 | CastToI32 | CastToI64 => {
                let t = self.reg(state, b)?;
                if !(t == ZERO || t == BOOL || self.types.is_int(t)) {
                    return Err(self.err(format!(
                        "r{b} is {}, expected an integer or bool",
                        self.name(t)
                    )));
                }
                self.write(state, a, width_ty(ins.op));
            }
            CastIntF32 | CastIntF64 => {
                self.int(state, b)?;
                self.write(state, a, width_ty(ins.op));
            }
            CastF32I8 | CastF32I16 | CastF32I32 | CastF32I64 | CastF32F64 => {
                self.expect(state, b, F32)?;
                let to = match ins.op {
                    CastF32I8 => I8,
                    CastF32I16 => I16,
                    CastF32I32 => I32,
                    CastF32I64 => I64,
                    _ => F64,
                };
                self.write(state, a, to);
            }
            CastF64I8 | CastF64I16 | CastF64I32 | CastF64I64 | CastF64F32 => {
                self.expect(state, b, F64)?;
                let to = match ins.op {
                    CastF64I8 => I8,
                    CastF64I16 => I16,
                    CastF64I32 => I32,
                    CastF64I64 => I64,
                    _ => F32,
                };
                self.write(state, a, to);
            }
            Concat => {
                self.expect(state, b, STR)?;
                self.expect(state, c, STR)?;
                self.write(state, a, STR);
            }
            SqrtF64 => {
                self.expect(state, b, F64)?;
                self.write(state, a, F64);
            }
            ConcatN => {
                for i in 0..c {
                    self.expect(state, b + i, STR)?;
                }
                self.write(state, a, STR);
            }
            StrEq | StrNe | StrLt | StrLe | StrGt | StrGe => {
                self.expect(state, b, STR)?;
                self.expect(state, c, STR)?;
                self.write(state, a, BOOL);
            }
            StrLen => {
                self.expect(state, b, STR)?;
                self.write(state, a, I64);
            }
            ToString => {
                let (_, t) = self.pool_type(imm);
                self.expect(state, b, t)?;
                self.write(state, a, STR);
            }
            PrintValue => {
                let (_, t) = self.pool_type(imm);
                self.expect(state, b, t)?;
            }
            ArrayNew => {
                let (ty, t) = self.pool_type(imm);
                if !matches!(ty, VType::Array(_)) {
                    return Err(self.err(format!("type {} is not an array type", self.name(t))));
                }
                self.expect(state, b, I64)?;
                self.write(state, a, t);
            }
            ArrayLit => {
                let (ty, t) = self.pool_type(imm);
                let VType::Array(elem) = ty else {
                    return Err(self.err(format!("type {} is not an array type", self.name(t))));
                };
                let e = self.types.intern(&elem);
                for i in 0..c {
                    self.expect(state, b + i, e)?;
                }
                self.write(state, a, t);
            }
            ArrayLen => {
                let t = self.reg(state, b)?;
                if !matches!(self.types.get(t), VType::Array(_)) || t == ZERO {
                    return Err(self.err(format!("r{b} is {}, expected an array", self.name(t))));
                }
                self.write(state, a, I64);
            }
            ArrayGetI8 | ArrayGetI16 | ArrayGetI32 | ArrayGetI64 | ArrayGetF32 | ArrayGetF64
            | ArrayGetBool | ArrayGetRef => {
                let elem = self.array_elem(state, b, ins.op)?;
                self.expect(state, c, I64)?;
                self.write(state, a, elem);
            }
            ArraySetI8 | ArraySetI16 | ArraySetI32 | ArraySetI64 | ArraySetF32 | ArraySetF64
            | ArraySetBool | ArraySetRef => {
                let elem = self.array_elem(state, a, ins.op)?;
                self.expect(state, b, I64)?;
                self.expect(state, c, elem)?;
            }
            StructNew => {
                let s = &self.m.structs[imm as usize];
                if c as usize != s.fields.len() {
                    return Err(self.err(format!(
                        "struct `{}` has {} fields, {c} given",
                        s.name,
                        s.fields.len()
                    )));
                }
                for (i, f) in s.fields.iter().enumerate() {
                    let t = self.types.intern(&f.ty);
                    self.expect(state, b + i as u8, t)?;
                }
                let t = self.types.intern(&VType::Struct(imm as u32));
                self.write(state, a, t);
            }
            StructNewDefault => {
                let t = self.types.intern(&VType::Struct(imm as u32));
                self.write(state, a, t);
            }
            GetFieldI8 | GetFieldI16 | GetFieldI32 | GetFieldI64 | GetFieldF32 | GetFieldF64
            | GetFieldBool | GetFieldRef => {
                let t = self.field(state, b, imm, ins.op)?;
                self.write(state, a, t);
            }
            SetFieldI8 | SetFieldI16 | SetFieldI32 | SetFieldI64 | SetFieldF32 | SetFieldF64
            | SetFieldBool | SetFieldRef => {
                let t = self.field(state, b, imm, ins.op)?;
                self.expect(state, c, t)?;
            }
            GetGlobal => {
                let t = self.types.intern(&self.m.globals[imm as usize].ty);
                self.write(state, a, t);
            }
            SetGlobal => {
                let t = self.types.intern(&self.m.globals[imm as usize].ty);
                self.expect(state, b, t)?;
            }
            Spill => {
                let t = self.reg(state, b)?;
                state[self.nregs + imm as usize] = t;
            }
            Reload => {
                let t = state[self.nregs + imm as usize];
                if t == UNDEF {
                    return Err(self.err(format!(
                        "spill slot {imm} is read but has no single type here"
                    )));
                }
                self.write(state, a, t);
            }
            Call => {
                let callee = &self.m.functions[imm as usize];
                self.args(state, b, c, &callee.params)?;
                self.call_result(state, a, &callee.ret)?;
            }
            CallIndirect => {
                let r = imm as u8;
                let t = self.reg(state, r)?;
                let VType::Fn(sig) = self.types.get(t).clone() else {
                    return Err(self.err(format!(
                        "r{r} is {}, expected a function value",
                        self.name(t)
                    )));
                };
                if t == ZERO {
                    return Err(self.err(format!(
                        "r{r} is the zero register, expected a function value"
                    )));
                }
                self.args(state, b, c, &sig.params)?;
                self.call_result(state, a, &sig.ret)?;
            }
            CallBuiltin => {
                let op = self.m.builtins[imm as usize];
                self.args(state, b, c, &op.params())?;
                self.call_result(state, a, &op.ret())?;
            }
            PrintInt => {
                self.int(state, b)?;
            }
            PrintF32 => self.expect(state, b, F32)?,
            PrintF64 => self.expect(state, b, F64)?,
            PrintBool => self.expect(state, b, BOOL)?,
            PrintStr => self.expect(state, b, STR)?,
            DfNode => {
                let kind = DfNodeKind::from_i32(imm).unwrap_or(DfNodeKind::Scan);
                let want = kind.args();
                if c as usize != want.len() {
                    return Err(self.err(format!(
                        "{} takes {} arguments, {c} given",
                        kind.name(),
                        want.len()
                    )));
                }
                for (i, arg) in want.iter().enumerate() {
                    self.df_arg(state, b + i as u8, *arg)?;
                }
                let t = self.types.intern(&VType::NodeRef);
                self.write(state, a, t);
            }
            DfMaterialize | DfExplain => {
                self.df_arg(state, b, DfArg::Node)?;
                let t = if ins.op == DfMaterialize {
                    self.types.intern(&VType::TableRef)
                } else {
                    STR
                };
                self.write(state, a, t);
            }
        }
        Ok(())
    }

    fn kind_of_op(op: Opcode) -> ElemKind {
        let name = op.mnemonic();
        let suffix = name.rsplit('_').next().unwrap_or("");
        match suffix {
            "I8" => ElemKind::I8,
            "I16" => ElemKind::I16,
            "I32" => ElemKind::I32,
            "I64" => ElemKind::I64,
            "F32" => ElemKind::F32,
            "F64" => ElemKind::F64,
            "BOOL" => ElemKind::Bool,
            _ => ElemKind::Ref,
        }
    }

    fn array_elem(&mut self, state: &[Ty], r: u8, op: Opcode) -> Result<Ty, LoadError> {
        let t = self.reg(state, r)?;
        let elem = match self.types.get(t) {
            VType::Array(e) if t != ZERO => (**e).clone(),
            _ => return Err(self.err(format!("r{r} is {}, expected an array", self.name(t)))),
        };
        let kind = Self::kind_of_op(op);
        if elem.elem_kind() != kind {
            return Err(self.err(format!(
                "r{r} is {}, whose elements are of kind {}, not {}",
                self.name(t),
                elem.elem_kind().name(),
                kind.name()
            )));
        }
        Ok(self.types.intern(&elem))
    }

    fn field(&mut self, state: &[Ty], r: u8, index: i32, op: Opcode) -> Result<Ty, LoadError> {
        let t = self.reg(state, r)?;
        let s = match self.types.get(t) {
            VType::Struct(s) if t != ZERO => *s,
            _ => return Err(self.err(format!("r{r} is {}, expected a struct", self.name(t)))),
        };
        let layout = &self.m.structs[s as usize];
        let Some(field) = layout.fields.get(index as usize) else {
            return Err(self.err(format!(
                "struct `{}` has no field #{index} ({} fields)",
                layout.name,
                layout.fields.len()
            )));
        };
        let kind = Self::kind_of_op(op);
        if field.ty.elem_kind() != kind {
            return Err(self.err(format!(
                "field `{}.{}` is {}, of kind {}, not {}",
                layout.name,
                field.name,
                self.m.type_name(&field.ty),
                field.ty.elem_kind().name(),
                kind.name()
            )));
        }
        Ok(self.types.intern(&field.ty))
    }

    fn df_arg(&mut self, state: &[Ty], r: u8, arg: DfArg) -> Result<(), LoadError> {
        let t = self.reg(state, r)?;
        let ty = if t == ZERO {
            None
        } else {
            Some(self.types.get(t))
        };
        let ok = match (arg, ty) {
            (DfArg::Node, Some(VType::NodeRef | VType::TableRef)) => true,
            (DfArg::Table, Some(VType::TableRef)) => true,
            (DfArg::Str, Some(VType::Str)) => true,
            (DfArg::StrArray, Some(VType::Array(e))) => **e == VType::Str,
            (DfArg::I64, _) => t == ZERO || t == I64,
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            let want = match arg {
                DfArg::Node => "node_ref or table_ref",
                DfArg::Table => "table_ref",
                DfArg::Str => "string",
                DfArg::StrArray => "string[]",
                DfArg::I64 => "i64",
            };
            Err(self.err(format!("r{r} is {}, expected {want}", self.name(t))))
        }
    }
}

/// The values an `i32` immediate may take as an operand of integer type `t`.
fn imm_range(t: Ty) -> (i32, i32) {
    match t {
        I8 => (i8::MIN as i32, i8::MAX as i32),
        I16 => (i16::MIN as i32, i16::MAX as i32),
        _ => (i32::MIN, i32::MAX),
    }
}

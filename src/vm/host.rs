//! The host API: embed the VM, run programs, call exported functions with typed values, set
//! limits and capture output.
//!
//! ```
//! use theta::bytecode::{ModuleBuilder, Opcode};
//! use theta::bytecode::VType::I64;
//! use theta::vm::{Limits, Value, Vm};
//!
//! // fn add(a: i64, b: i64) -> i64 { return a + b; }, assembled by hand.
//! let mut mb = ModuleBuilder::new();
//! let init = mb.function("<init>", vec![], None, |f| {
//!     f.op(Opcode::RetVoid, 0, 0, 0, 0);
//! });
//! mb.set_init(init);
//! mb.function("add", vec![I64, I64], Some(I64), |f| {
//!     f.op(Opcode::AddI64, 1, 2, 3, 0);
//!     f.op(Opcode::Ret, 0, 1, 0, 0);
//! });
//! let bytes = mb.finish().unwrap().to_bytes();
//!
//! let mut vm = Vm::from_bytes(&bytes).expect("the module verifies");
//! vm.set_limits(Limits { max_instructions: Some(1_000), ..Limits::default() });
//! vm.capture_output();
//! assert_eq!(vm.call("add", &[Value::I64(40), Value::I64(2)]), Ok(Value::I64(42)));
//! // A wrongly typed argument is an error (T0013), not a crash, and the VM stays usable.
//! assert_eq!(vm.call("add", &[Value::I32(1), Value::I64(2)]).unwrap_err().code(), "T0013");
//! assert_eq!(vm.call("add", &[Value::I64(-1), Value::I64(1)]), Ok(Value::I64(0)));
//! ```

use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use super::interp;
use super::output::Sink;
use super::state::{Limits, Machine, RunStats};
use super::trap::{Trap, TrapKind};
use super::value::{StructValue, Value};
use crate::bytecode::{LoadError, MainReturn, Module, VType};

/// Nesting depth beyond which results convert to [`Value::Opaque`] (cyclic structures).
const MAX_RESULT_DEPTH: usize = 64;

/// A virtual machine with one loaded module.
pub struct Vm {
    m: Machine,
    trace: bool,
    initialized: bool,
}

fn host_error(msg: impl Into<String>) -> Trap {
    Trap::new(TrapKind::HostCall, msg)
}

impl Vm {
    /// A VM for `module`, which is verified first (the interpreter runs no type checks, so only
    /// verified modules run).
    pub fn new(module: Module) -> Result<Vm, LoadError> {
        crate::bytecode::verify(&module)?;
        // SAFETY: verified just above.
        Ok(unsafe { Vm::with_verified(Arc::new(module)) })
    }

    /// A VM for a module file's bytes: decoded and verified (§9).
    pub fn from_bytes(bytes: &[u8]) -> Result<Vm, LoadError> {
        let module = crate::bytecode::load(bytes)?;
        // SAFETY: `load` runs the verifier and returns only modules that pass it.
        Ok(unsafe { Vm::with_verified(Arc::new(module)) })
    }

    /// A VM sharing `module` with other VMs (several VMs may run one module). The module is
    /// verified first, as by [`Vm::new`].
    pub fn shared(module: Arc<Module>) -> Result<Vm, LoadError> {
        crate::bytecode::verify(&module)?;
        // SAFETY: verified just above; a `Module` has no interior mutability, so the shared
        // module stays the one verified.
        Ok(unsafe { Vm::with_verified(module) })
    }

    /// A VM for a module that `crate::bytecode::verify` (or `load`) has already accepted.
    ///
    /// # Safety
    ///
    /// `module` must have passed the verifier: the interpreter fetches instructions without
    /// bounds checks on its guarantees (see `interp::execute`).
    pub(crate) unsafe fn with_verified(module: Arc<Module>) -> Vm {
        Vm {
            m: Machine::new(module),
            trace: false,
            initialized: false,
        }
    }

    /// The loaded module.
    pub fn module(&self) -> &Module {
        &self.m.rt.module
    }

    /// Sets the limits used by the next run or call.
    pub fn set_limits(&mut self, limits: Limits) {
        self.m.limits = limits;
        self.m.rt.heap.set_limit(limits.max_memory);
    }

    /// The current limits.
    pub fn limits(&self) -> Limits {
        self.m.limits
    }

    /// Prints every executed instruction to stderr (`--trace`).
    pub fn set_trace(&mut self, on: bool) {
        self.trace = on;
    }

    /// Captures program output in memory; read it with [`Vm::take_output`].
    pub fn capture_output(&mut self) {
        self.m.rt.out.set_sink(Sink::Capture(Vec::new()));
    }

    /// Sends program output to `w`.
    pub fn set_output(&mut self, w: Box<dyn Write>) {
        self.m.rt.out.set_sink(Sink::Writer(w));
    }

    /// Sends program output to stdout (the default).
    pub fn output_to_stdout(&mut self) {
        self.m.rt.out.set_sink(Sink::Stdout);
    }

    /// Takes the output captured so far (empty unless [`Vm::capture_output`] was called).
    pub fn take_output(&mut self) -> Vec<u8> {
        self.m.rt.out.take_captured()
    }

    /// Statistics of the last run or call.
    pub fn stats(&self) -> RunStats {
        self.m.stats
    }

    fn begin(&mut self) -> (u64, Instant) {
        self.m.stats = RunStats::default();
        self.m.rt.heap.reset_peaks();
        (
            self.m.limits.max_instructions.unwrap_or(u64::MAX),
            Instant::now(),
        )
    }

    fn finish<T>(&mut self, started: Instant, r: Result<T, Trap>) -> Result<T, Trap> {
        let flushed = self.m.rt.out.flush();
        let hs = self.m.rt.heap.stats();
        self.m.stats.peak_memory = hs.peak_footprint;
        self.m.stats.peak_live = hs.peak_bytes;
        self.m.stats.collections = hs.collections;
        self.m.stats.seconds = started.elapsed().as_secs_f64();
        let v = r?;
        flushed?;
        Ok(v)
    }

    fn exec(&mut self, func: u32, args: &[u64], fuel: &mut u64) -> Result<u64, Trap> {
        // SAFETY: every constructor of `Vm` verifies its module (or is `with_verified`, whose
        // contract is that it was verified), and `self.m.rt.module` is never replaced.
        unsafe {
            if self.trace {
                interp::execute::<true, true>(&mut self.m, func, args, fuel)
            } else if self.m.limits.max_instructions.is_some() {
                interp::execute::<false, true>(&mut self.m, func, args, fuel)
            } else {
                // No budget: the loop without a per-instruction budget check (counts stay exact).
                interp::execute::<false, false>(&mut self.m, func, args, fuel)
            }
        }
    }

    fn init(&mut self, fuel: &mut u64) -> Result<(), Trap> {
        self.initialized = false;
        self.m.reset()?;
        let init = self.m.rt.module.init;
        self.exec(init, &[], fuel)?;
        self.initialized = true;
        Ok(())
    }

    /// Resets the heap and globals and runs the module's `<init>` (top-level code, §1).
    pub fn run_init(&mut self) -> Result<(), Trap> {
        let (mut fuel, started) = self.begin();
        let r = self.init(&mut fuel);
        self.finish(started, r)
    }

    /// Runs the program as `theta run` does: `<init>`, then `main` if the module has one, with
    /// `args` as `main(args: string[])` when it takes them. Returns the exit status (§1: `main`'s
    /// value mod 256; 0 when it returns nothing or there is no `main`).
    pub fn run_main(&mut self, args: &[&str]) -> Result<i32, Trap> {
        let (mut fuel, started) = self.begin();
        let r = self.run_main_inner(args, &mut fuel);
        self.finish(started, r)
    }

    fn run_main_inner(&mut self, args: &[&str], fuel: &mut u64) -> Result<i32, Trap> {
        self.init(fuel)?;
        let Some(main) = self.m.rt.module.main else {
            return Ok(0);
        };
        let mut slots = Vec::new();
        if main.takes_args {
            let mut elems = Vec::with_capacity(args.len());
            for a in args {
                elems.push(self.m.rt.new_str(a)?);
            }
            slots.push(self.m.rt.heap.alloc_array(true, &elems)?);
        }
        let v = self.exec(main.func, &slots, fuel)?;
        Ok(match main.returns {
            MainReturn::Void => 0,
            MainReturn::I32 | MainReturn::I64 => (v as i64).rem_euclid(256) as i32,
        })
    }

    /// Calls the function `name` with typed arguments and returns its typed result
    /// ([`Value::Void`] when it returns nothing). Runs `<init>` first if it has not run yet;
    /// globals keep their values between calls. An unknown name or mistyped argument is a
    /// T0013 error; a trap inside the call is returned with its location and stack trace, and
    /// the VM stays usable.
    pub fn call(&mut self, name: &str, args: &[Value]) -> Result<Value, Trap> {
        let (mut fuel, started) = self.begin();
        let r = self.call_inner(name, args, &mut fuel);
        self.finish(started, r)
    }

    fn call_inner(&mut self, name: &str, args: &[Value], fuel: &mut u64) -> Result<Value, Trap> {
        let module = self.m.rt.module.clone();
        let index = module
            .function_index(name)
            .ok_or_else(|| host_error(format!("no function named `{name}`")))?;
        let f = &module.functions[index as usize];
        if f.params.len() != args.len() {
            return Err(host_error(format!(
                "`{name}` takes {} argument(s), {} given",
                f.params.len(),
                args.len()
            )));
        }
        if !self.initialized {
            self.init(fuel)?;
        }
        let mut slots = Vec::with_capacity(args.len());
        for (i, (ty, v)) in f.params.iter().zip(args).enumerate() {
            let slot = self.value_to_slot(ty, v).map_err(|e| {
                host_error(format!("argument {} of `{name}`: {}", i + 1, e.message))
            })?;
            slots.push(slot);
        }
        let v = self.exec(index, &slots, fuel)?;
        Ok(match &f.ret {
            None => Value::Void,
            Some(ty) => self.slot_to_value(ty, v, 0),
        })
    }

    /// Converts a host value to a slot of type `ty`, allocating heap objects as needed.
    fn value_to_slot(&mut self, ty: &VType, v: &Value) -> Result<u64, Trap> {
        let module = self.m.rt.module.clone();
        let mismatch = || {
            host_error(format!(
                "expected {}, got {}",
                module.type_name(ty),
                v.type_name()
            ))
        };
        Ok(match (ty, v) {
            (VType::I8, Value::I8(x)) => *x as i64 as u64,
            (VType::I16, Value::I16(x)) => *x as i64 as u64,
            (VType::I32, Value::I32(x)) => *x as i64 as u64,
            (VType::I64, Value::I64(x)) => *x as u64,
            (VType::F32, Value::F32(x)) => x.to_bits() as u64,
            (VType::F64, Value::F64(x)) => x.to_bits(),
            (VType::Bool, Value::Bool(x)) => *x as u64,
            (VType::Str, Value::Str(s)) => self.m.rt.new_str(s)?,
            (VType::Array(elem), Value::Array(items)) => {
                let mut elems = Vec::with_capacity(items.len());
                for item in items {
                    elems.push(self.value_to_slot(elem, item)?);
                }
                self.m.rt.heap.alloc_array(!elem.is_scalar(), &elems)?
            }
            (VType::Struct(id), Value::Struct(sv)) => {
                let layout = module
                    .structs
                    .get(*id as usize)
                    .ok_or_else(|| host_error(format!("no struct #{id}")))?;
                if layout.name != sv.name
                    || layout.fields.len() != sv.fields.len()
                    || layout
                        .fields
                        .iter()
                        .zip(&sv.fields)
                        .any(|(f, (n, _))| &f.name != n)
                {
                    return Err(host_error(format!(
                        "struct value does not match the layout of `{}`",
                        layout.name
                    )));
                }
                let mut fields = Vec::with_capacity(sv.fields.len());
                for (f, (_, fv)) in layout.fields.iter().zip(&sv.fields) {
                    fields.push(self.value_to_slot(&f.ty, fv)?);
                }
                self.m.rt.heap.alloc_struct(*id, &fields)?
            }
            (VType::Fn(sig), Value::Function(name)) => {
                let i = module
                    .function_index(name)
                    .ok_or_else(|| host_error(format!("no function named `{name}`")))?;
                if module.functions[i as usize].sig() != **sig {
                    return Err(host_error(format!(
                        "function `{name}` does not have the type {}",
                        module.type_name(ty)
                    )));
                }
                i as u64
            }
            (VType::TableRef, Value::Table(t)) => {
                super::dataflow::new_table(&mut self.m.rt, t.clone())?
            }
            _ => return Err(mismatch()),
        })
    }

    /// Converts a slot of type `ty` to a host value (a deep copy).
    fn slot_to_value(&self, ty: &VType, v: u64, depth: usize) -> Value {
        let rt = &self.m.rt;
        if depth > MAX_RESULT_DEPTH {
            return Value::Opaque("...");
        }
        match ty {
            VType::I8 => Value::I8(v as i8),
            VType::I16 => Value::I16(v as i16),
            VType::I32 => Value::I32(v as i32),
            VType::I64 => Value::I64(v as i64),
            VType::F32 => Value::F32(f32::from_bits(v as u32)),
            VType::F64 => Value::F64(f64::from_bits(v)),
            VType::Bool => Value::Bool(v != 0),
            VType::Str => Value::Str(rt.heap.str(v).to_owned()),
            VType::Array(elem) => Value::Array(rt.heap.array(v).map_or_else(Vec::new, |a| {
                a.elems
                    .iter()
                    .map(|&e| self.slot_to_value(elem, e, depth + 1))
                    .collect()
            })),
            VType::Struct(id) => {
                let layout = rt.module.structs.get(*id as usize);
                let obj = rt.heap.struct_obj(v);
                let (Some(layout), Some(obj)) = (layout, obj) else {
                    return Value::Opaque("struct");
                };
                Value::Struct(StructValue {
                    name: layout.name.clone(),
                    fields: layout
                        .fields
                        .iter()
                        .zip(obj.fields.iter())
                        .map(|(f, &fv)| (f.name.clone(), self.slot_to_value(&f.ty, fv, depth + 1)))
                        .collect(),
                })
            }
            VType::Fn(_) => rt
                .module
                .functions
                .get(v as usize)
                .map_or(Value::Opaque("null fn"), |f| {
                    Value::Function(f.name.clone())
                }),
            VType::TableRef => {
                super::dataflow::table(rt, v).map_or(Value::Opaque("table_ref"), Value::Table)
            }
            VType::NodeRef => Value::Opaque("node_ref"),
            VType::TableBuilder => Value::Opaque("table_builder"),
        }
    }
}

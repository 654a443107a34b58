//! The machine state of one VM: register and spill stacks, call stack, globals, heap, output,
//! limits and statistics; plus default values of every type (§3).

use std::sync::Arc;
use std::time::Instant;

use super::frame::{DEFAULT_MAX_FRAMES, Frame, WINDOW};
use super::heap::{Heap, make_handle};
use super::output::Output;
use super::trap::{Trap, TrapKind};
use crate::bytecode::{Module, VType};

/// The null function value (an `fn` global before its initialiser ran); calling it traps T0005.
pub const NULL_FN: u64 = u32::MAX as u64;

/// The null reference (a `node_ref` global before its initialiser ran, or the empty `table_ref`).
/// It has no handle tag, so it never names a heap object.
pub const NULL_REF: u64 = 0;

/// Resource limits of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Maximum instructions executed per run (`None`: unlimited).
    pub max_instructions: Option<u64>,
    /// Maximum accounted live bytes: heap objects (payload + 32-byte header each) plus dataflow
    /// tables, after a collection (`None`: unlimited).
    pub max_memory: Option<usize>,
    /// Maximum call depth (default 100,000).
    pub max_frames: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_instructions: None,
            max_memory: None,
            max_frames: DEFAULT_MAX_FRAMES,
        }
    }
}

/// Statistics of the last run (`--stats`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RunStats {
    /// Instructions executed.
    pub instructions: u64,
    /// Calls made (Theta functions, not built-ins).
    pub calls: u64,
    /// Peak memory the run held: heap arena chunk capacity (used or not), the heap's slot
    /// tables, and dataflow tables charged to the run.
    pub peak_memory: usize,
    /// Peak accounted live bytes (object payloads + 32-byte headers + tables): what
    /// `--max-memory` limits.
    pub peak_live: usize,
    /// Garbage collections run.
    pub collections: u64,
    /// Wall time of the run in seconds.
    pub seconds: f64,
}

/// What built-ins need: everything except the register and call stacks.
pub struct Runtime {
    /// The module being run.
    pub module: Arc<Module>,
    /// Heap objects.
    pub heap: Heap,
    /// Program output.
    pub out: Output,
    /// The start of `clock()`.
    pub clock_start: Instant,
    /// The handle of the pinned empty string.
    pub empty_str: u64,
}

/// The full machine.
pub struct Machine {
    /// Built-in–visible state.
    pub rt: Runtime,
    /// The register stack.
    pub regs: Vec<u64>,
    /// The spill stack.
    pub spills: Vec<u64>,
    /// Suspended callers.
    pub frames: Vec<Frame>,
    /// Global variables.
    pub globals: Vec<u64>,
    /// Limits.
    pub limits: Limits,
    /// Statistics of the last run.
    pub stats: RunStats,
}

impl Machine {
    /// A machine for `module`: its string constants are pinned on the heap, with their bytes in
    /// the heap's module arena, so that `LOAD_CONST_STR k` is the handle of slot `k` (no lookup,
    /// no allocation).
    pub fn new(module: Arc<Module>) -> Machine {
        let mut heap = Heap::new();
        for s in &module.strings {
            heap.alloc_const_str(s).expect("no limit is set yet");
        }
        let empty_str = heap.alloc_const_str("").expect("no limit is set yet");
        heap.pin_all();
        let globals = vec![0; module.globals.len()];
        Machine {
            rt: Runtime {
                module,
                heap,
                out: Output::default(),
                clock_start: Instant::now(),
                empty_str,
            },
            regs: vec![0; WINDOW * 4],
            spills: Vec::new(),
            frames: Vec::new(),
            globals,
            limits: Limits::default(),
            stats: RunStats::default(),
        }
    }

    /// Frees the previous run's objects and sets every global to its type's default.
    pub fn reset(&mut self) -> Result<(), Trap> {
        self.rt.heap.reset();
        self.rt.heap.set_limit(self.limits.max_memory);
        self.frames.clear();
        let module = self.rt.module.clone();
        for (i, g) in module.globals.iter().enumerate() {
            let v = self.rt.default_value(&g.ty, 0)?;
            self.globals[i] = v;
        }
        Ok(())
    }
}

/// Struct nesting deeper than this is refused when building defaults (a struct cannot contain
/// itself except through an array, so a verified module never gets near it).
const MAX_DEFAULT_DEPTH: usize = 256;

impl Runtime {
    /// The handle of string constant `k` (pinned at slot `k`).
    #[inline(always)]
    pub fn const_str(k: u32) -> u64 {
        make_handle(k, 0)
    }

    /// The default value of `ty` (§3): zeroes, `""`, a fresh empty array, a fresh struct with
    /// default fields; null for `fn`, `node_ref` and the empty `table_ref`.
    pub fn default_value(&mut self, ty: &VType, depth: usize) -> Result<u64, Trap> {
        Ok(match ty {
            VType::I8
            | VType::I16
            | VType::I32
            | VType::I64
            | VType::F32
            | VType::F64
            | VType::Bool => 0,
            VType::Str => self.empty_str,
            VType::Fn(_) => NULL_FN,
            VType::TableRef | VType::NodeRef | VType::TableBuilder => NULL_REF,
            VType::Array(elem) => self.heap.alloc_array(!elem.is_scalar(), &[])?,
            VType::Struct(id) => self.default_struct(*id, depth)?,
        })
    }

    /// A fresh struct `id` with every field at its default.
    pub fn default_struct(&mut self, id: u32, depth: usize) -> Result<u64, Trap> {
        if depth > MAX_DEFAULT_DEPTH {
            return Err(Trap::new(
                TrapKind::Internal,
                "struct defaults nest too deeply (a struct contains itself)",
            ));
        }
        let module = self.module.clone();
        let layout = module
            .structs
            .get(id as usize)
            .ok_or_else(|| Trap::new(TrapKind::Internal, format!("no struct #{id}")))?;
        let mut fields = Vec::with_capacity(layout.fields.len());
        for f in &layout.fields {
            fields.push(self.default_value(&f.ty, depth + 1)?);
        }
        self.heap.alloc_struct(id, &fields)
    }

    /// A new array of `n` default elements of type `elem` (traps T0003 when `n < 0`).
    pub fn new_array(&mut self, elem: &VType, n: i64) -> Result<u64, Trap> {
        if n < 0 {
            return Err(Trap::new(
                TrapKind::NegativeArrayLength,
                format!("negative array length: {n}"),
            ));
        }
        let bytes = (n as u64).saturating_mul(8);
        let bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
        self.heap.check_room(bytes)?;
        let cannot = || {
            Trap::new(
                TrapKind::MemoryLimitExceeded,
                format!("memory limit exceeded: cannot allocate an array of {n} elements"),
            )
        };
        let n = usize::try_from(n).map_err(|_| cannot())?;
        match elem {
            VType::Array(_) | VType::Struct(_) => {
                // Each element is a fresh object; no collection runs before the array holds them.
                let mut elems: Vec<u64> = Vec::new();
                elems.try_reserve_exact(n).map_err(|_| cannot())?;
                for _ in 0..n {
                    let v = self.default_value(elem, 0)?;
                    elems.push(v);
                }
                self.heap.alloc_array(true, &elems)
            }
            _ => {
                let v = self.default_value(elem, 0)?;
                self.heap.alloc_array_fill(!elem.is_scalar(), n, v)
            }
        }
    }

    /// Allocates a new string.
    pub fn new_str(&mut self, s: &str) -> Result<u64, Trap> {
        self.heap.alloc_str(s)
    }
}

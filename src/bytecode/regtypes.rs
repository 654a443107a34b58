//! The typed register file layout of a function (`FunctionDesc.reg_types`, module version 2):
//! building the canonical per-live-range table from per-pc register states, and comparing a
//! module's declared table with it so that a module lying about its register types is refused.
//!
//! Canonical form: for each register r ≥ 1, maximal runs of consecutive *reachable* pcs on whose
//! entry r holds one known type, sorted by (reg, start_pc). A register that is unwritten on some
//! path, or written with different types that meet at a join, has no entry there (it cannot be
//! read there either). Spill slots are not listed: they are typed by the spills that fill them.

use crate::bytecode::module::{Function, Module, RegType, VType, reg_type_in};

/// Accumulates per-pc register states (pcs must be observed in increasing order).
pub struct RangeBuilder<T> {
    /// Per register: the open range (type, start pc, last pc seen).
    open: Vec<Option<(T, u32, u32)>>,
    done: Vec<(u8, T, u32, u32)>,
}

impl<T: Copy + PartialEq> RangeBuilder<T> {
    /// A builder for a frame of `nregs` registers.
    pub fn new(nregs: usize) -> Self {
        RangeBuilder {
            open: vec![None; nregs.min(256)],
            done: Vec::new(),
        }
    }

    /// Records the state on entry to `pc`; `known` says which abstract types are real types.
    pub fn observe(&mut self, pc: u32, state: &[T], known: impl Fn(T) -> bool) {
        for (r, slot) in self.open.iter_mut().enumerate().skip(1) {
            let t = state.get(r).copied().filter(|&t| known(t));
            match (slot.as_mut(), t) {
                (Some((ot, _, last)), Some(t)) if *ot == t && *last + 1 == pc => *last = pc,
                _ => {
                    if let Some((ot, start, last)) = slot.take() {
                        self.done.push((r as u8, ot, start, last + 1));
                    }
                    *slot = t.map(|t| (t, pc, pc));
                }
            }
        }
    }

    /// The finished ranges `(reg, type, start_pc, end_pc)`, sorted by (reg, start_pc).
    pub fn finish(mut self) -> Vec<(u8, T, u32, u32)> {
        for (r, slot) in self.open.iter_mut().enumerate() {
            if let Some((t, start, last)) = slot.take() {
                self.done.push((r as u8, t, start, last + 1));
            }
        }
        self.done.sort_by_key(|&(r, _, s, _)| (r, s));
        self.done
    }
}

/// Checks `f`'s declared table against the inferred canonical one. On a mismatch returns the
/// first pc where they disagree and a message naming the register and both types.
pub fn compare(m: &Module, f: &Function, inferred: &[RegType]) -> Result<(), (u32, String)> {
    if f.reg_types == inferred {
        return Ok(());
    }
    let nregs = f.num_registers as usize;
    for d in &f.reg_types {
        if d.reg == 0 || d.reg as usize >= nregs {
            return Err((
                d.start_pc.min(f.code.len().saturating_sub(1) as u32),
                format!(
                    "register type table lists r{} (the function has registers r1..r{})",
                    d.reg,
                    nregs.saturating_sub(1)
                ),
            ));
        }
        if d.start_pc >= d.end_pc || d.end_pc as usize > f.code.len() {
            return Err((
                0,
                format!(
                    "register type table: range {}..{} of r{} is empty or past the code ({} instructions)",
                    d.start_pc,
                    d.end_pc,
                    d.reg,
                    f.code.len()
                ),
            ));
        }
    }
    if !f
        .reg_types
        .windows(2)
        .all(|w| (w[0].reg, w[0].end_pc) <= (w[1].reg, w[1].start_pc))
    {
        return Err((
            0,
            "register type table is not sorted by register and pc, or its ranges overlap"
                .to_string(),
        ));
    }
    // The earliest (pc, register) where the two tables disagree.
    let mut first: Option<(u32, u8)> = None;
    let mut consider = |pc: u32, reg: u8| {
        if first.is_none_or(|f| (pc, reg) < f) {
            first = Some((pc, reg));
        }
    };
    for r in inferred.iter().chain(&f.reg_types) {
        for pc in [r.start_pc, r.end_pc] {
            if (pc as usize) < f.code.len()
                && f.reg_type(r.reg, pc) != reg_type_in(inferred, r.reg, pc)
            {
                consider(pc, r.reg);
            }
        }
    }
    // Split differently but equal at every pc: equivalent, accepted.
    let Some((pc, reg)) = first else {
        return Ok(());
    };
    let name = |t: Option<&VType>| match t {
        Some(t) => m.type_name(t),
        None => "nothing".to_string(),
    };
    let declared = f.reg_type(reg, pc);
    let actual = reg_type_in(inferred, reg, pc);
    Err((
        pc,
        format!(
            "register type table disagrees with the code: r{reg} is declared to hold {} here, but the code leaves {} in it",
            name(declared),
            name(actual)
        ),
    ))
}

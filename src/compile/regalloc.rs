//! Linear-scan register allocation with spilling, call-argument groups and move hints.
//!
//! The calling convention (see `/ISA`): r0 reads as zero and is never allocated; parameter `i`
//! arrives in `r(2 + i)` (a fixed interval starting at position 0); r1 is the return register and
//! otherwise an ordinary temporary; the arguments of one call must occupy consecutive registers,
//! so a call's argument vregs form a *group* allocated together from the earliest definition of
//! any of them. When more values are live than registers, the interval ending last (constants
//! first) is spilled to a frame slot for its whole life; the emitter then reloads it into one of three reserved scratch
//! registers at each use and spills each definition (spill everywhere, so no edge fix-ups).

use crate::compile::ir::{InstKind, IrFunction, Terminator, VReg};
use crate::compile::liveness::{self, Interval};
use crate::compile::{CompileError, CompileErrorKind};

/// Where a vreg lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loc {
    /// A physical register.
    Reg(u8),
    /// A frame spill slot.
    Slot(u32),
}

/// The result of allocating one function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allocation {
    /// Location of each vreg (`None` for vregs that never occur).
    pub locs: Vec<Option<Loc>>,
    /// Registers the frame needs (highest used + 1, at least `2 + params`).
    pub num_registers: u16,
    /// Spill slots the frame needs.
    pub num_slots: u32,
    /// Scratch registers for reloads, present only when something was spilled.
    pub scratch: Option<[u8; 3]>,
}

impl Allocation {
    /// The location of `v`.
    pub fn loc(&self, v: VReg) -> Option<Loc> {
        self.locs.get(v.0 as usize).copied().flatten()
    }
}

/// Highest allocatable register when nothing is spilled, and when scratch registers are kept.
const TOP: u8 = 255;
const TOP_WITH_SCRATCH: u8 = 252;
const SCRATCH: [u8; 3] = [253, 254, 255];

/// Allocates registers for `func`.
pub fn allocate(func: &IrFunction) -> Result<Allocation, CompileError> {
    let live = liveness::analyze(func);
    let ivs = liveness::intervals(func, &live);
    let groups = call_groups(func, &ivs)?;
    let hints = move_hints(func);
    let copies = stable_copies(func, &ivs, &groups);
    let constants = constants(func);
    // A register a call argument shares with the value it copies pins that value there for its
    // whole life. With enough pinned, a later call's arguments can find no consecutive
    // registers (the limit error below); the function is then allocated again without sharing,
    // which fails only when the calls themselves nest too deeply. Refusing to share near the
    // limit instead would cost spills in functions that fit exactly when everything shares.
    let no_copies = vec![None; func.vregs.len()];
    let scan = |top| {
        Scan::new(func, &ivs, &groups, &hints, &copies, &constants, top)
            .run()
            .or_else(|e| match e.kind {
                CompileErrorKind::Limit => {
                    Scan::new(func, &ivs, &groups, &hints, &no_copies, &constants, top).run()
                }
                CompileErrorKind::Internal => Err(e),
            })
    };
    let first = scan(TOP)?;
    if first.num_slots == 0 {
        return Ok(first);
    }
    let mut alloc = scan(TOP_WITH_SCRATCH)?;
    alloc.scratch = Some(SCRATCH);
    alloc.num_registers = 256;
    Ok(alloc)
}

/// One call's argument vregs, which must get consecutive registers.
struct Group {
    members: Vec<VReg>,
    start: u32,
}

fn call_groups(func: &IrFunction, ivs: &[Option<Interval>]) -> Result<Vec<Group>, CompileError> {
    let mut seen = vec![false; func.vregs.len()];
    let mut groups = Vec::new();
    for &b in &func.layout {
        for inst in &func.block(b).insts {
            let Some(args) = inst.kind.range_args() else {
                continue;
            };
            if args.is_empty() {
                continue;
            }
            for a in args {
                if func.params.contains(a) {
                    return Err(CompileError::internal(format!(
                        "{}: parameter {a} used directly as a call argument",
                        func.name
                    )));
                }
                if std::mem::replace(&mut seen[a.0 as usize], true) {
                    return Err(CompileError::internal(format!(
                        "{}: vreg {a} is in two register ranges",
                        func.name
                    )));
                }
            }
            let start = args
                .iter()
                .filter_map(|a| ivs[a.0 as usize].map(|i| i.start))
                .min()
                .unwrap_or(0);
            groups.push(Group {
                members: args.to_vec(),
                start,
            });
        }
    }
    Ok(groups)
}

/// For each range member whose only definition is `MOV m, v`, the `v` it copies, when `v`
/// is not redefined while `m` lives and `v` lives at least as long: `m` may then share `v`'s
/// register (the move disappears). Locals cannot change inside an expression, so this holds for
/// every local passed as an argument; the check keeps it from depending on that.
fn stable_copies(
    func: &IrFunction,
    ivs: &[Option<Interval>],
    groups: &[Group],
) -> Vec<Option<VReg>> {
    let mut defs: Vec<Vec<(u32, Option<VReg>)>> = vec![Vec::new(); func.vregs.len()];
    let mut n = 0u32;
    for &b in &func.layout {
        for inst in &func.block(b).insts {
            if let Some(d) = inst.kind.def() {
                let src = match inst.kind {
                    InstKind::Mov { src, .. } => Some(src),
                    _ => None,
                };
                defs[d.0 as usize].push((2 * n + 1, src));
            }
            n += 1;
        }
        n += 1; // the terminator
    }
    let mut copies = vec![None; func.vregs.len()];
    for m in groups.iter().flat_map(|g| &g.members) {
        let (Some(mi), [(_, Some(v))]) = (ivs[m.0 as usize], defs[m.0 as usize].as_slice()) else {
            continue;
        };
        let Some(vi) = ivs[v.0 as usize] else {
            continue;
        };
        let redefined = defs[v.0 as usize]
            .iter()
            .any(|&(pos, _)| pos > mi.start && pos <= mi.end);
        if vi.end >= mi.end && !redefined {
            copies[m.0 as usize] = Some(*v);
        }
    }
    copies
}

/// Vregs written once, by a constant load (hoisted loop literals, mostly). Spilling one costs a
/// single `SPILL` plus a `RELOAD` per use — no dearer than the load it replaced — while a
/// spilled variable also stores at every definition, so constants are spilled first.
fn constants(func: &IrFunction) -> Vec<bool> {
    let mut defs = vec![0u32; func.vregs.len()];
    let mut constant = vec![false; func.vregs.len()];
    for &b in &func.layout {
        for inst in &func.block(b).insts {
            if let Some(d) = inst.kind.def() {
                defs[d.0 as usize] += 1;
                constant[d.0 as usize] = matches!(
                    inst.kind,
                    InstKind::LoadInt { .. }
                        | InstKind::LoadFloat { .. }
                        | InstKind::LoadBool { .. }
                        | InstKind::LoadStr { .. }
                );
            }
        }
    }
    for (c, n) in constant.iter_mut().zip(defs) {
        *c &= n == 1;
    }
    constant
}

/// Preferred registers: both ends of a move, and r1 for returned values.
fn move_hints(func: &IrFunction) -> Vec<Vec<Hint>> {
    let mut hints = vec![Vec::new(); func.vregs.len()];
    for &b in &func.layout {
        let block = func.block(b);
        for inst in &block.insts {
            if let InstKind::Mov { dst, src } = inst.kind {
                hints[dst.0 as usize].push(Hint::Like(src));
                hints[src.0 as usize].push(Hint::Like(dst));
            }
        }
        if let Terminator::Return(Some(v)) = block.term {
            hints[v.0 as usize].push(Hint::Phys(1));
        }
    }
    hints
}

#[derive(Clone, Copy, Debug)]
enum Hint {
    Like(VReg),
    Phys(u8),
}

struct Active {
    end: u32,
    vreg: VReg,
    reg: u8,
}

struct Scan<'a> {
    func: &'a IrFunction,
    ivs: &'a [Option<Interval>],
    groups: &'a [Group],
    hints: &'a [Vec<Hint>],
    /// See [`stable_copies`].
    copies: &'a [Option<VReg>],
    /// See [`constants`].
    constants: &'a [bool],
    top: u8,
    owner: [Option<VReg>; 256],
    active: Vec<Active>,
    locs: Vec<Option<Loc>>,
    /// Vregs that may not be spilled (parameters and call arguments).
    pinned: Vec<bool>,
    /// Per slot, the end of the last interval placed there.
    slot_end: Vec<u32>,
    max_reg: u8,
    /// Per vreg, the (group, member index) of each range member copying it.
    copied_into: Vec<Vec<(usize, usize)>>,
    /// Per register, the position up to which it is kept free for a copied value (a call
    /// argument's window, see [`Scan::window_choice`]); other values avoid it when they can.
    reserved: [u32; 256],
}

impl<'a> Scan<'a> {
    fn new(
        func: &'a IrFunction,
        ivs: &'a [Option<Interval>],
        groups: &'a [Group],
        hints: &'a [Vec<Hint>],
        copies: &'a [Option<VReg>],
        constants: &'a [bool],
        top: u8,
    ) -> Scan<'a> {
        let mut pinned = vec![false; func.vregs.len()];
        for p in &func.params {
            pinned[p.0 as usize] = true;
        }
        for g in groups {
            for m in &g.members {
                pinned[m.0 as usize] = true;
            }
        }
        let mut copied_into = vec![Vec::new(); func.vregs.len()];
        for (gi, g) in groups.iter().enumerate() {
            for (k, m) in g.members.iter().enumerate() {
                if let Some(v) = copies[m.0 as usize] {
                    copied_into[v.0 as usize].push((gi, k));
                }
            }
        }
        Scan {
            func,
            ivs,
            groups,
            hints,
            copies,
            constants,
            top,
            owner: [None; 256],
            active: Vec::new(),
            locs: vec![None; func.vregs.len()],
            pinned,
            slot_end: Vec::new(),
            max_reg: 1,
            copied_into,
            reserved: [0; 256],
        }
    }

    fn run(mut self) -> Result<Allocation, CompileError> {
        // Work items: single intervals and whole groups, ordered by start (params first).
        let mut group_of = vec![None; self.func.vregs.len()];
        for (gi, g) in self.groups.iter().enumerate() {
            for m in &g.members {
                group_of[m.0 as usize] = Some(gi);
            }
        }
        let mut items: Vec<(u32, u32, Item)> = Vec::new();
        for (i, p) in self.func.params.iter().enumerate() {
            items.push((0, 0, Item::Param(*p, 2 + i as u8)));
        }
        for iv in self.ivs.iter().flatten() {
            let v = iv.vreg;
            if self.func.params.contains(&v) || group_of[v.0 as usize].is_some() {
                continue;
            }
            items.push((iv.start, 1 + v.0, Item::Single(*iv)));
        }
        for (gi, g) in self.groups.iter().enumerate() {
            let key = g.members[0].0;
            items.push((g.start, 1 + key, Item::Group(gi)));
        }
        items.sort_by_key(|&(s, k, _)| (s, k));
        for (start, _, item) in items {
            self.expire(start);
            match item {
                Item::Param(v, r) => {
                    if self.owner[r as usize].is_some() {
                        return Err(CompileError::internal("parameter register taken".into()));
                    }
                    let end = self.ivs[v.0 as usize].map_or(0, |i| i.end);
                    self.assign(v, r, end);
                }
                Item::Single(iv) => self.single(iv),
                Item::Group(gi) => self.group(gi)?,
            }
        }
        let params = self.func.params.len() as u16;
        let num_registers = (self.max_reg as u16 + 1).max(2 + params);
        Ok(Allocation {
            locs: self.locs,
            num_registers,
            num_slots: self.slot_end.len() as u32,
            scratch: None,
        })
    }

    fn expire(&mut self, pos: u32) {
        let owner = &mut self.owner;
        self.active.retain(|a| {
            if a.end < pos {
                owner[a.reg as usize] = None;
                false
            } else {
                true
            }
        });
    }

    fn assign(&mut self, v: VReg, reg: u8, end: u32) {
        self.owner[reg as usize] = Some(v);
        self.active.push(Active { end, vreg: v, reg });
        self.locs[v.0 as usize] = Some(Loc::Reg(reg));
        self.max_reg = self.max_reg.max(reg);
    }

    fn is_free(&self, r: u8) -> bool {
        r >= 1 && r <= self.top && self.owner[r as usize].is_none()
    }

    fn single(&mut self, iv: Interval) {
        for h in &self.hints[iv.vreg.0 as usize] {
            let r = match *h {
                Hint::Phys(r) => Some(r),
                Hint::Like(o) => match self.locs[o.0 as usize] {
                    Some(Loc::Reg(r)) => Some(r),
                    _ => None,
                },
            };
            if let Some(r) = r.filter(|&r| self.is_free(r)) {
                self.assign(iv.vreg, r, iv.end);
                return;
            }
        }
        if let Some(r) = self.window_choice(iv) {
            self.assign(iv.vreg, r, iv.end);
            return;
        }
        let unreserved = |s: &Self, r: u8| s.is_free(r) && s.reserved[r as usize] < iv.start;
        let free = (1..=self.top)
            .find(|&r| unreserved(self, r))
            .or_else(|| (1..=self.top).find(|&r| self.is_free(r)));
        if let Some(r) = free {
            self.assign(iv.vreg, r, iv.end);
            return;
        }
        // No register: spill whichever of the current and the spillable actives ends last,
        // constants before variables.
        let constant = |v: VReg| self.constants[v.0 as usize];
        let victim = self
            .active
            .iter()
            .enumerate()
            .filter(|(_, a)| !self.pinned[a.vreg.0 as usize])
            .max_by_key(|(_, a)| (constant(a.vreg), a.end, a.vreg.0))
            .map(|(i, a)| (i, (constant(a.vreg), a.end)));
        match victim {
            Some((i, key)) if key > (constant(iv.vreg), iv.end) => {
                let a = self.active.remove(i);
                self.owner[a.reg as usize] = None;
                self.spill(a.vreg);
                self.assign(iv.vreg, a.reg, iv.end);
            }
            _ => self.spill(iv.vreg),
        }
    }

    /// A register for a value that a call copies into its argument window, placed so that the
    /// window can later sit on it (see [`Scan::group`]): beside a value already placed for the
    /// same window, or else at the lowest window free now, whose other registers are then
    /// reserved until the call.
    fn window_choice(&mut self, iv: Interval) -> Option<u8> {
        let top = self.top as u16;
        for &(gi, k) in &self.copied_into[iv.vreg.0 as usize] {
            let members = &self.groups[gi].members;
            let n = members.len() as u16;
            let placed = members.iter().enumerate().find_map(|(k2, m)| {
                let v = self.copies[m.0 as usize].filter(|&v| v != iv.vreg)?;
                match self.locs[v.0 as usize] {
                    Some(Loc::Reg(r)) => Some((r as u16 + k as u16).checked_sub(k2 as u16)),
                    _ => None,
                }
            });
            match placed {
                Some(Some(r)) if r <= top && self.is_free(r as u8) => return Some(r as u8),
                Some(_) => continue,
                None => {}
            }
            let call_end = members
                .iter()
                .filter_map(|m| self.ivs[m.0 as usize].map(|i| i.end))
                .max()
                .unwrap_or(0);
            let usable = |s: &Self, r: u16| s.is_free(r as u8) && s.reserved[r as usize] < iv.start;
            let base = (1..=top + 1 - n).find(|&b| (b..b + n).all(|r| usable(self, r)))?;
            for r in base..base + n {
                self.reserved[r as usize] = call_end;
            }
            return Some((base + k as u16) as u8);
        }
        None
    }

    /// Moves `v` to a slot free for its whole interval.
    fn spill(&mut self, v: VReg) {
        let iv = self.ivs[v.0 as usize].expect("spilled vreg has an interval");
        let slot = match self.slot_end.iter().position(|&e| e < iv.start) {
            Some(s) => s,
            None => {
                self.slot_end.push(0);
                self.slot_end.len() - 1
            }
        };
        self.slot_end[slot] = iv.end;
        self.locs[v.0 as usize] = Some(Loc::Slot(slot as u32));
    }

    /// Whether range member `m` can share register `r` with the value it copies.
    fn shares(&self, m: VReg, r: u16) -> bool {
        r <= self.top as u16
            && self.copies[m.0 as usize].is_some_and(|v| self.owner[r as usize] == Some(v))
    }

    fn group(&mut self, gi: usize) -> Result<(), CompileError> {
        let members = &self.groups[gi].members;
        let n = members.len() as u16;
        let top = self.top as u16;
        // First choice: the window where most members sit on the register of the value they
        // copy (no move), the others on free registers.
        let mut best: Option<(usize, u16)> = None;
        for base in 1..=top + 1 - n {
            let mut shared = 0;
            let ok = members.iter().enumerate().all(|(k, &m)| {
                let r = base + k as u16;
                if self.shares(m, r) {
                    shared += 1;
                    true
                } else {
                    self.is_free(r as u8)
                }
            });
            if ok && shared > 0 && best.is_none_or(|(s, _)| shared > s) {
                best = Some((shared, base));
            }
        }
        if let Some((_, base)) = best {
            for (k, &m) in members.iter().enumerate() {
                let r = base + k as u16;
                if self.shares(m, r) {
                    // `v` keeps the register (and its interval covers `m`'s); it must also keep
                    // it to the end, so it may no longer be spilled.
                    let v = self.owner[r as usize].expect("shared register has an owner");
                    self.pinned[v.0 as usize] = true;
                    self.locs[m.0 as usize] = Some(Loc::Reg(r as u8));
                } else {
                    let end = self.ivs[m.0 as usize].map_or(0, |i| i.end);
                    self.assign(m, r as u8, end);
                }
            }
            return Ok(());
        }
        let fits = |s: &Self, base: u16| (base..base + n).all(|r| s.is_free(r as u8));
        let base = match (1..=top + 1 - n).find(|&b| fits(self, b)) {
            Some(b) => b,
            None => {
                // Free the window whose occupants are all spillable and fewest.
                let mut best: Option<(usize, u16)> = None;
                for b in 1..=top + 1 - n {
                    let occ: Vec<VReg> =
                        (b..b + n).filter_map(|r| self.owner[r as usize]).collect();
                    if occ.iter().any(|v| self.pinned[v.0 as usize]) {
                        continue;
                    }
                    if best.is_none_or(|(c, _)| occ.len() < c) {
                        best = Some((occ.len(), b));
                    }
                }
                let Some((_, b)) = best else {
                    return Err(CompileError::limit(format!(
                        "function `{}`: calls nested too deeply to place their arguments in \
                         consecutive registers",
                        self.func.name
                    )));
                };
                for r in b..b + n {
                    if let Some(v) = self.owner[r as usize].take() {
                        self.active.retain(|a| a.vreg != v);
                        self.spill(v);
                    }
                }
                b
            }
        };
        for (k, &m) in members.iter().enumerate() {
            let end = self.ivs[m.0 as usize].map_or(0, |i| i.end);
            self.assign(m, (base + k as u16) as u8, end);
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum Item {
    Param(VReg, u8),
    Single(Interval),
    Group(usize),
}

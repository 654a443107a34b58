//! Liveness analysis over the IR and the live intervals the allocator works on.
//!
//! Instructions are numbered in layout order; instruction `n` reads its operands at position
//! `2n` and writes its result at `2n + 1`, so a value that dies at `n` can share a register with
//! the value `n` defines. Parameters are defined at position 0, before everything.

use crate::compile::ir::{BlockId, IrFunction, VReg};

/// A dense bit set over vreg numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BitSet {
    words: Vec<u64>,
}

impl BitSet {
    /// An empty set able to hold `0..n`.
    pub fn new(n: usize) -> BitSet {
        BitSet {
            words: vec![0; n.div_ceil(64)],
        }
    }

    /// Adds `i`.
    pub fn insert(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }

    /// Removes `i`.
    pub fn remove(&mut self, i: usize) {
        self.words[i / 64] &= !(1 << (i % 64));
    }

    /// True when `i` is in the set.
    pub fn contains(&self, i: usize) -> bool {
        self.words[i / 64] & (1 << (i % 64)) != 0
    }

    /// Adds every element of `other`; true when something changed.
    pub fn union_with(&mut self, other: &BitSet) -> bool {
        let mut changed = false;
        for (w, o) in self.words.iter_mut().zip(&other.words) {
            let new = *w | o;
            changed |= new != *w;
            *w = new;
        }
        changed
    }

    /// The elements in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &w)| {
            (0..64)
                .filter(move |b| w & (1u64 << b) != 0)
                .map(move |b| wi * 64 + b)
        })
    }
}

/// Per-block live-in / live-out sets and the linear numbering of instructions.
#[derive(Clone, Debug)]
pub struct Liveness {
    /// Live-in set per block (indexed by `BlockId.0`).
    pub live_in: Vec<BitSet>,
    /// Live-out set per block.
    pub live_out: Vec<BitSet>,
    /// Index of the first instruction of each block in layout numbering.
    pub block_first: Vec<u32>,
    /// Index of each block's terminator in layout numbering.
    pub block_term: Vec<u32>,
    /// Total number of numbered instructions (terminators included).
    pub num_insts: u32,
}

/// A vreg's live range `[start, end]` in positions, with holes ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    /// The value.
    pub vreg: VReg,
    /// First position where it is live (its first definition, or 0 for parameters).
    pub start: u32,
    /// Last position where it is live.
    pub end: u32,
}

/// Computes block liveness by the usual backward dataflow fixpoint.
pub fn analyze(func: &IrFunction) -> Liveness {
    let nb = func.blocks.len();
    let nv = func.vregs.len();
    let mut gen_sets = vec![BitSet::new(nv); nb];
    let mut kill_sets = vec![BitSet::new(nv); nb];
    let mut block_first = vec![0u32; nb];
    let mut block_term = vec![0u32; nb];
    let mut n = 0u32;
    for &b in &func.layout {
        let bi = b.0 as usize;
        let block = func.block(b);
        block_first[bi] = n;
        let (gen_set, kill) = (&mut gen_sets[bi], &mut kill_sets[bi]);
        for inst in &block.insts {
            for u in inst.kind.uses() {
                if !kill.contains(u.0 as usize) {
                    gen_set.insert(u.0 as usize);
                }
            }
            if let Some(d) = inst.kind.def() {
                kill.insert(d.0 as usize);
            }
            n += 1;
        }
        for u in block.term.uses() {
            if !kill.contains(u.0 as usize) {
                gen_set.insert(u.0 as usize);
            }
        }
        block_term[bi] = n;
        n += 1;
    }
    let mut live_in = vec![BitSet::new(nv); nb];
    let mut live_out = vec![BitSet::new(nv); nb];
    let mut changed = true;
    while changed {
        changed = false;
        for &b in func.layout.iter().rev() {
            let bi = b.0 as usize;
            let mut out = BitSet::new(nv);
            for s in func.block(b).term.successors() {
                out.union_with(&live_in[s.0 as usize]);
            }
            // in = gen ∪ (out − kill)
            let mut inn = out.clone();
            for (w, k) in inn.words.iter_mut().zip(&kill_sets[bi].words) {
                *w &= !k;
            }
            inn.union_with(&gen_sets[bi]);
            if inn != live_in[bi] {
                live_in[bi] = inn;
                changed = true;
            }
            live_out[bi] = out;
        }
    }
    Liveness {
        live_in,
        live_out,
        block_first,
        block_term,
        num_insts: n,
    }
}

/// Builds one interval per vreg that appears in the function (`None` for unused vregs).
pub fn intervals(func: &IrFunction, live: &Liveness) -> Vec<Option<Interval>> {
    let mut iv: Vec<Option<Interval>> = vec![None; func.vregs.len()];
    let mut touch = |v: VReg, pos: u32| {
        let slot = &mut iv[v.0 as usize];
        match slot {
            Some(i) => {
                i.start = i.start.min(pos);
                i.end = i.end.max(pos);
            }
            None => {
                *slot = Some(Interval {
                    vreg: v,
                    start: pos,
                    end: pos,
                })
            }
        }
    };
    for &p in &func.params {
        touch(p, 0);
    }
    for &b in &func.layout {
        let bi = b.0 as usize;
        let block = func.block(b);
        let first = live.block_first[bi];
        let term = live.block_term[bi];
        for v in live.live_in[bi].iter() {
            touch(VReg(v as u32), 2 * first);
        }
        for v in live.live_out[bi].iter() {
            touch(VReg(v as u32), 2 * term + 1);
        }
        for (k, inst) in block.insts.iter().enumerate() {
            let n = first + k as u32;
            for u in inst.kind.uses() {
                touch(u, 2 * n);
            }
            if let Some(d) = inst.kind.def() {
                touch(d, 2 * n + 1);
            }
        }
        for u in block.term.uses() {
            touch(u, 2 * term);
        }
    }
    iv
}

/// The layout position (instruction index) of a block's first instruction.
pub fn block_start(live: &Liveness, b: BlockId) -> u32 {
    live.block_first[b.0 as usize]
}

//! A readable listing of a module: header, structs, globals, then every function with its
//! signature, register names, declared register types, and one instruction a line (pc, opcode, operands, the type the
//! instruction writes, the source position).

use std::fmt::Write;

use crate::bytecode::instr::Instr;
use crate::bytecode::module::{ExportKind, Function, MainReturn, Module};
use crate::bytecode::opcodes::{DfNodeKind, ElemKind, Operand};
use crate::bytecode::verify::destination_types;

/// The whole module as text. Works on unverified modules too (then without inferred types).
pub fn disassemble(m: &Module) -> String {
    let mut out = String::new();
    let _ = write_module(&mut out, m);
    out
}

fn write_module(out: &mut String, m: &Module) -> std::fmt::Result {
    writeln!(out, "; theta module: {} functions", m.functions.len())?;
    for (i, f) in m.source_files.iter().enumerate() {
        writeln!(out, "; file #{i}: {f}")?;
    }
    let fname = |i: u32| {
        m.functions
            .get(i as usize)
            .map_or_else(|| format!("#{i}"), |f| f.name.clone())
    };
    write!(out, "; init: {}", fname(m.init))?;
    if let Some(main) = &m.main {
        let ret = match main.returns {
            MainReturn::Void => "void",
            MainReturn::I32 => "i32",
            MainReturn::I64 => "i64",
        };
        write!(
            out,
            "; main: {} (args: {}, returns {ret})",
            fname(main.func),
            if main.takes_args { "yes" } else { "no" }
        )?;
    }
    writeln!(out)?;
    for (i, s) in m.structs.iter().enumerate() {
        write!(out, "struct #{i} {} {{", s.name)?;
        for (j, f) in s.fields.iter().enumerate() {
            let sep = if j == 0 { " " } else { ", " };
            write!(out, "{sep}{}: {}", f.name, m.type_name(&f.ty))?;
        }
        writeln!(out, " }}")?;
    }
    for (i, g) in m.globals.iter().enumerate() {
        writeln!(out, "global #{i} {}: {}", g.name, m.type_name(&g.ty))?;
    }
    for e in &m.exports {
        let kind = match e.kind {
            ExportKind::Function => "function",
            ExportKind::Global => "global",
        };
        writeln!(out, "export {} = {kind} #{}", e.name, e.index)?;
    }
    for (i, f) in m.functions.iter().enumerate() {
        writeln!(out)?;
        write_function(out, m, i as u32, f)?;
    }
    Ok(())
}

fn write_function(out: &mut String, m: &Module, index: u32, f: &Function) -> std::fmt::Result {
    write!(out, "fn #{index} {}(", f.name)?;
    for (i, p) in f.params.iter().enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        write!(out, "{sep}r{}: {}", i + 2, m.type_name(p))?;
    }
    write!(out, ")")?;
    if let Some(r) = &f.ret {
        write!(out, " -> {}", m.type_name(r))?;
    }
    writeln!(
        out,
        "  ; {} registers, {} spill slots",
        f.num_registers, f.num_spill_slots
    )?;
    for r in &f.debug.reg_names {
        writeln!(
            out,
            "  ; r{} = {} (pc {}..{})",
            r.reg, r.name, r.start_pc, r.end_pc
        )?;
    }
    // The declared typed register file layout, one line per register.
    let mut i = 0;
    while i < f.reg_types.len() {
        let reg = f.reg_types[i].reg;
        let mut line = format!("  ; r{reg}:");
        let mut sep = " ";
        while i < f.reg_types.len() && f.reg_types[i].reg == reg {
            let r = &f.reg_types[i];
            let _ = write!(
                line,
                "{sep}{} @{}..{}",
                m.type_name(&r.ty),
                r.start_pc,
                r.end_pc
            );
            sep = ", ";
            i += 1;
        }
        writeln!(out, "{line}")?;
    }
    let types = destination_types(m, index).ok();
    let mut last_pos = None;
    for (pc, ins) in f.code.iter().enumerate() {
        let pc = pc as u32;
        let operands = operands(m, f, pc, ins);
        let mut line = format!("  {pc:>4}  {:<18} {operands}", ins.op.mnemonic());
        let mut notes = Vec::new();
        if let Some(Some(t)) = types.as_ref().and_then(|t| t.get(pc as usize)) {
            notes.push(m.type_name(t));
        }
        if let Some(pos) = f.debug.position(pc)
            && last_pos != Some(pos.pc)
        {
            last_pos = Some(pos.pc);
            let file = m
                .source_files
                .get(pos.file as usize)
                .map_or("?", String::as_str);
            notes.push(format!("{file}:{}:{}", pos.line, pos.col));
        }
        if !notes.is_empty() {
            line.push(' ');
            while line.len() < 52 {
                line.push(' ');
            }
            line.push_str("; ");
            line.push_str(&notes.join("  "));
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

fn reg(f: &Function, pc: u32, r: u8) -> String {
    match f.debug.reg_name(r, pc) {
        Some(name) => format!("r{r}({name})"),
        None => format!("r{r}"),
    }
}

fn operands(m: &Module, f: &Function, pc: u32, ins: &Instr) -> String {
    let [ra, rb, rc, ri] = ins.op.operands();
    let mut parts = Vec::new();
    for (role, v) in [(ra, ins.a), (rb, ins.b), (rc, ins.c)] {
        match role {
            Operand::None => {}
            Operand::Dst | Operand::Src => parts.push(reg(f, pc, v)),
            Operand::Range => {
                if ins.c == 0 {
                    parts.push("()".to_string());
                } else {
                    parts.push(format!("r{}..r{}", v, v as usize + ins.c as usize - 1));
                }
            }
            Operand::Count => {}
            Operand::Kind => parts.push(
                ElemKind::from_u8(v).map_or_else(|| format!("kind{v}"), |k| k.name().to_string()),
            ),
            Operand::SmallInt => parts.push(format!("#{}", v as i8)),
            _ => parts.push(format!("?{v}")),
        }
    }
    let imm = ins.imm;
    let idx = imm as usize;
    let text = match ri {
        Operand::None => None,
        Operand::Int => Some(format!("#{imm}")),
        Operand::F32Bits => Some(format!("{:?}f32", f32::from_bits(imm as u32))),
        Operand::ConstI64 => Some(
            m.consts_i64
                .get(idx)
                .map_or_else(|| format!("K64[{imm}]?"), |v| format!("K64[{imm}]={v}")),
        ),
        Operand::ConstF64 => Some(
            m.consts_f64
                .get(idx)
                .map_or_else(|| format!("KF[{imm}]?"), |v| format!("KF[{imm}]={v:?}")),
        ),
        Operand::ConstStr => Some(
            m.strings
                .get(idx)
                .map_or_else(|| format!("KS[{imm}]?"), |v| format!("KS[{imm}]={v:?}")),
        ),
        Operand::Func => Some(
            m.functions
                .get(idx)
                .map_or_else(|| format!("fn#{imm}?"), |f| format!("fn#{imm}({})", f.name)),
        ),
        Operand::Global => Some(
            m.globals
                .get(idx)
                .map_or_else(|| format!("G[{imm}]?"), |g| format!("G[{imm}]({})", g.name)),
        ),
        Operand::Struct => Some(
            m.structs
                .get(idx)
                .map_or_else(|| format!("struct#{imm}?"), |s| s.name.clone()),
        ),
        Operand::Field => Some(format!(".{imm}")),
        Operand::Type => Some(m.types.get(idx).map_or_else(
            || format!("T[{imm}]?"),
            |t| format!("T[{imm}]={}", m.type_name(t)),
        )),
        Operand::Builtin => Some(
            m.builtins
                .get(idx)
                .map_or_else(|| format!("builtin#{imm}?"), |b| b.name().to_string()),
        ),
        Operand::Slot => Some(format!("S[{imm}]")),
        Operand::Target => Some(format!("-> {imm}")),
        Operand::NodeKind => Some(
            DfNodeKind::from_i32(imm).map_or_else(|| format!("node#{imm}?"), |k| format!("{k:?}")),
        ),
        Operand::RegImm => Some(reg(f, pc, imm.clamp(0, 255) as u8)),
        _ => Some(format!("?{imm}")),
    };
    parts.extend(text);
    parts.join(", ")
}

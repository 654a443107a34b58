//! A small reference interpreter for compiled modules, used to check that lowering and register
//! allocation preserve meaning (the real VM lives elsewhere). It panics on any read of a register
//! or slot that was never written in the current frame, which catches allocation bugs.

use std::cell::RefCell;
use std::rc::Rc;
use theta::bytecode::{Instr, Module, Opcode};

/// A runtime value.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    /// Never written.
    Undef,
    /// Integer, bool (0/1) or function index.
    I(i64),
    /// Float (f32 stored widened).
    F(f64),
    /// String.
    S(Rc<String>),
    /// Array or struct fields.
    A(Rc<RefCell<Vec<Val>>>),
}

impl Val {
    fn i(&self) -> i64 {
        match self {
            Val::I(v) => *v,
            other => panic!("expected an integer, found {other:?}"),
        }
    }
    fn f(&self) -> f64 {
        match self {
            Val::F(v) => *v,
            other => panic!("expected a float, found {other:?}"),
        }
    }
    fn s(&self) -> Rc<String> {
        match self {
            Val::S(v) => v.clone(),
            other => panic!("expected a string, found {other:?}"),
        }
    }
    fn a(&self) -> Rc<RefCell<Vec<Val>>> {
        match self {
            Val::A(v) => v.clone(),
            other => panic!("expected an array, found {other:?}"),
        }
    }
}

fn wrap(v: i64, bits: u32) -> i64 {
    let sh = 64 - bits;
    (v << sh) >> sh
}

/// Runs `<init>` then function `func` with `args`; returns its result and everything printed.
pub fn run(m: &Module, func: u32, args: Vec<Val>) -> (Val, String) {
    let mut out = String::new();
    let mut globals = vec![Val::I(0); m.globals.len()];
    call(m, m.init, vec![], &mut out, &mut globals, 0);
    let r = call(m, func, args, &mut out, &mut globals, 0);
    (r, out)
}

fn call(
    m: &Module,
    fi: u32,
    args: Vec<Val>,
    out: &mut String,
    g: &mut Vec<Val>,
    depth: u32,
) -> Val {
    assert!(depth < 200, "recursion too deep");
    let f = &m.functions[fi as usize];
    let mut r = vec![Val::Undef; f.num_registers as usize];
    r[0] = Val::I(0);
    for (i, a) in args.into_iter().enumerate() {
        r[2 + i] = a;
    }
    let mut slots = vec![Val::Undef; f.num_spill_slots as usize];
    let mut pc = 0usize;
    let mut steps = 0u64;
    loop {
        steps += 1;
        assert!(steps < 50_000_000, "too many steps");
        let Instr { op, a, b, c, imm } = f.code[pc];
        let (a, b, c) = (a as usize, b as usize, c as usize);
        pc += 1;
        let get = |x: usize| -> Val {
            assert!(
                r[x] != Val::Undef,
                "{}: pc {}: read of unwritten r{x}",
                f.name,
                pc - 1
            );
            r[x].clone()
        };
        use Opcode::*;
        let width = |o: Opcode| -> u32 {
            let n = o.mnemonic();
            if n.contains("I8") {
                8
            } else if n.contains("I16") {
                16
            } else if n.contains("I32") {
                32
            } else {
                64
            }
        };
        let v: Option<Val> = match op {
            Nop => None,
            Mov => Some(get(b)),
            LoadImm => Some(Val::I(imm as i64)),
            LoadF32 => Some(Val::F(f32::from_bits(imm as u32) as f64)),
            LoadConstI64 => Some(Val::I(m.consts_i64[imm as usize])),
            LoadConstF64 => Some(Val::F(m.consts_f64[imm as usize])),
            LoadConstStr => Some(Val::S(Rc::new(m.strings[imm as usize].clone()))),
            LoadFunc => Some(Val::I(imm as i64)),
            Jmp => {
                pc = imm as usize;
                None
            }
            JTrue | JFalse => {
                if (get(b).i() != 0) == (op == JTrue) {
                    pc = imm as usize;
                }
                None
            }
            Jeq | Jne | Jlt | Jle | Jgt | Jge | JeqRi | JneRi | JltRi | JleRi | JgtRi | JgeRi => {
                let x = get(b).i();
                let y = if matches!(op, Jeq | Jne | Jlt | Jle | Jgt | Jge) {
                    get(c).i()
                } else {
                    c as u8 as i8 as i64
                };
                let t = match op {
                    Jeq | JeqRi => x == y,
                    Jne | JneRi => x != y,
                    Jlt | JltRi => x < y,
                    Jle | JleRi => x <= y,
                    Jgt | JgtRi => x > y,
                    _ => x >= y,
                };
                if t {
                    pc = imm as usize;
                }
                None
            }
            IncrJlt | IncrJle | IncrJgt | IncrJge | IncrJltRi | IncrJleRi | IncrJgtRi
            | IncrJgeRi | AddJlt | AddJle | AddJgt | AddJge => {
                // The step: a register (`ADD_J*`) or `c` as i8; the bound: `b` as i8 (`_RI`)
                // or a register.
                let step = if matches!(op, AddJlt | AddJle | AddJgt | AddJge) {
                    get(c).i()
                } else {
                    c as u8 as i8 as i64
                };
                let x = get(a).i().wrapping_add(step);
                let y = if matches!(op, IncrJltRi | IncrJleRi | IncrJgtRi | IncrJgeRi) {
                    b as u8 as i8 as i64
                } else {
                    get(b).i()
                };
                let t = match op {
                    IncrJlt | IncrJltRi | AddJlt => x < y,
                    IncrJle | IncrJleRi | AddJle => x <= y,
                    IncrJgt | IncrJgtRi | AddJgt => x > y,
                    _ => x >= y,
                };
                if t {
                    pc = imm as usize;
                }
                Some(Val::I(x))
            }
            Ret => return get(b),
            RetVoid => return Val::Undef,
            AddI8 | AddI16 | AddI32 | AddI64 => {
                Some(Val::I(wrap(get(b).i().wrapping_add(get(c).i()), width(op))))
            }
            SubI8 | SubI16 | SubI32 | SubI64 => {
                Some(Val::I(wrap(get(b).i().wrapping_sub(get(c).i()), width(op))))
            }
            MulI8 | MulI16 | MulI32 | MulI64 => {
                Some(Val::I(wrap(get(b).i().wrapping_mul(get(c).i()), width(op))))
            }
            DivI8 | DivI16 | DivI32 | DivI64 => {
                Some(Val::I(wrap(get(b).i().wrapping_div(get(c).i()), width(op))))
            }
            RemI8 | RemI16 | RemI32 | RemI64 => {
                Some(Val::I(wrap(get(b).i().wrapping_rem(get(c).i()), width(op))))
            }
            AddI8Ri | AddI16Ri | AddI32Ri | AddI64Ri => {
                Some(Val::I(wrap(get(b).i().wrapping_add(imm as i64), width(op))))
            }
            SubI8Ri | SubI16Ri | SubI32Ri | SubI64Ri => {
                Some(Val::I(wrap(get(b).i().wrapping_sub(imm as i64), width(op))))
            }
            MulI8Ri | MulI16Ri | MulI32Ri | MulI64Ri => {
                Some(Val::I(wrap(get(b).i().wrapping_mul(imm as i64), width(op))))
            }
            DivI8Ri | DivI16Ri | DivI32Ri | DivI64Ri => {
                Some(Val::I(wrap(get(b).i().wrapping_div(imm as i64), width(op))))
            }
            RemI8Ri | RemI16Ri | RemI32Ri | RemI64Ri => {
                Some(Val::I(wrap(get(b).i().wrapping_rem(imm as i64), width(op))))
            }
            ShlI64 => Some(Val::I(get(b).i() << (get(c).i() & 63))),
            ShrI64 => Some(Val::I(get(b).i() >> (get(c).i() & 63))),
            ShlI64Ri => Some(Val::I(get(b).i() << (imm & 63))),
            ShrI64Ri => Some(Val::I(get(b).i() >> (imm & 63))),
            NegI64 => Some(Val::I(get(b).i().wrapping_neg())),
            And => Some(Val::I(get(b).i() & get(c).i())),
            Or => Some(Val::I(get(b).i() | get(c).i())),
            Xor => Some(Val::I(get(b).i() ^ get(c).i())),
            AndRi => Some(Val::I(get(b).i() & imm as i64)),
            OrRi => Some(Val::I(get(b).i() | imm as i64)),
            XorRi => Some(Val::I(get(b).i() ^ imm as i64)),
            JeqF64 | JneF64 | JltF64 | JleF64 | JnltF64 | JnleF64 | JeqF32 | JneF32 | JltF32
            | JleF32 | JnltF32 | JnleF32 => {
                let (x, y) = (get(b).f(), get(c).f());
                let ord = x.partial_cmp(&y);
                let t = match op {
                    JeqF64 | JeqF32 => x == y,
                    JneF64 | JneF32 => x != y,
                    JltF64 | JltF32 => x < y,
                    JleF64 | JleF32 => x <= y,
                    // Taken when unordered (NaN) too.
                    JnltF64 | JnltF32 => ord != Some(std::cmp::Ordering::Less),
                    _ => !matches!(
                        ord,
                        Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)
                    ),
                };
                if t {
                    pc = imm as usize;
                }
                None
            }
            NotBool => Some(Val::I(1 - get(b).i())),
            Eq | Ne | Lt | Le | Gt | Ge => {
                let (x, y) = (get(b).i(), get(c).i());
                let t = match op {
                    Eq => x == y,
                    Ne => x != y,
                    Lt => x < y,
                    Le => x <= y,
                    Gt => x > y,
                    _ => x >= y,
                };
                Some(Val::I(t as i64))
            }
            EqRi | NeRi | LtRi | LeRi | GtRi | GeRi => {
                let (x, y) = (get(b).i(), imm as i64);
                let t = match op {
                    EqRi => x == y,
                    NeRi => x != y,
                    LtRi => x < y,
                    LeRi => x <= y,
                    GtRi => x > y,
                    _ => x >= y,
                };
                Some(Val::I(t as i64))
            }
            AddF64 => Some(Val::F(get(b).f() + get(c).f())),
            SubF64 => Some(Val::F(get(b).f() - get(c).f())),
            MulF64 => Some(Val::F(get(b).f() * get(c).f())),
            SqrtF64 => Some(Val::F(get(b).f().sqrt())),
            DivF64 => Some(Val::F(get(b).f() / get(c).f())),
            LtF64 => Some(Val::I((get(b).f() < get(c).f()) as i64)),
            CastIntF64 => Some(Val::F(get(b).i() as f64)),
            CastF64I64 => Some(Val::I(get(b).f() as i64)),
            CastToI8 => Some(Val::I(wrap(get(b).i(), 8))),
            CastToI16 => Some(Val::I(wrap(get(b).i(), 16))),
            CastToI32 => Some(Val::I(wrap(get(b).i(), 32))),
            CastToI64 => Some(Val::I(get(b).i())),
            Concat => Some(Val::S(Rc::new(format!("{}{}", get(b).s(), get(c).s())))),
            ConcatN => Some(Val::S(Rc::new(
                (b..b + c).map(|r| get(r).s().to_string()).collect(),
            ))),
            StrEq | StrNe | StrLt | StrLe | StrGt | StrGe => {
                let (x, y) = (get(b).s(), get(c).s());
                let t = match op {
                    StrEq => x == y,
                    StrNe => x != y,
                    StrLt => x < y,
                    StrLe => x <= y,
                    StrGt => x > y,
                    _ => x >= y,
                };
                Some(Val::I(t as i64))
            }
            PrintValue => {
                out.push_str(&format!("<value of type #{imm}>"));
                None
            }
            StrLen => Some(Val::I(get(b).s().len() as i64)),
            ArrayNew => Some(Val::A(Rc::new(RefCell::new(vec![
                Val::I(0);
                get(b).i() as usize
            ])))),
            ArrayLit | StructNew => {
                Some(Val::A(Rc::new(RefCell::new((b..b + c).map(get).collect()))))
            }
            ArrayLen => Some(Val::I(get(b).a().borrow().len() as i64)),
            ArrayGetI8 | ArrayGetI16 | ArrayGetI32 | ArrayGetI64 | ArrayGetF64 | ArrayGetBool
            | ArrayGetRef => Some(get(b).a().borrow()[get(c).i() as usize].clone()),
            ArraySetI8 | ArraySetI16 | ArraySetI32 | ArraySetI64 | ArraySetF64 | ArraySetBool
            | ArraySetRef => {
                get(a).a().borrow_mut()[get(b).i() as usize] = get(c);
                None
            }
            GetFieldI64 | GetFieldF64 | GetFieldBool | GetFieldRef | GetFieldI32 => {
                Some(get(b).a().borrow()[imm as usize].clone())
            }
            SetFieldI64 | SetFieldF64 | SetFieldBool | SetFieldRef | SetFieldI32 => {
                get(b).a().borrow_mut()[imm as usize] = get(c);
                None
            }
            GetGlobal => Some(g[imm as usize].clone()),
            SetGlobal => {
                g[imm as usize] = get(b);
                None
            }
            Spill => {
                slots[imm as usize] = get(b);
                None
            }
            Reload => {
                let v = slots[imm as usize].clone();
                assert!(
                    v != Val::Undef,
                    "{}: reload of unwritten slot {imm}",
                    f.name
                );
                Some(v)
            }
            Call | CallIndirect => {
                let args: Vec<Val> = (b..b + c).map(get).collect();
                let callee = if op == Call {
                    imm as u32
                } else {
                    get(imm as usize).i() as u32
                };
                let v = call(m, callee, args, out, g, depth + 1);
                (a != 0).then_some(v)
            }
            PrintInt => {
                out.push_str(&get(b).i().to_string());
                None
            }
            PrintBool => {
                out.push_str(if get(b).i() != 0 { "true" } else { "false" });
                None
            }
            PrintF64 => {
                out.push_str(&format!("{:?}", get(b).f()));
                None
            }
            PrintStr => {
                out.push_str(&get(b).s());
                None
            }
            PrintSpace => {
                out.push(' ');
                None
            }
            PrintNewline => {
                out.push('\n');
                None
            }
            other => panic!("test interpreter: unsupported opcode {}", other.mnemonic()),
        };
        if let Some(v) = v {
            assert!(a != 0, "write to r0");
            r[a] = v;
        }
    }
}

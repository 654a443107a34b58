//! Generates a random Theta program and its C twin from a seed (the differential test against
//! C). Every integer operation of the twin goes through `prelude.c`'s helpers, which spell out
//! Theta's rules (§6): wrapping at each width, masked shifts, `MIN / -1`, saturating casts.

/// A tiny deterministic PRNG (xorshift64*), so seeds reproduce across machines.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ty {
    I8,
    I16,
    I32,
    I64,
    F32,
    F64,
    Bool,
}

const NUMERIC: [Ty; 6] = [Ty::I8, Ty::I16, Ty::I32, Ty::I64, Ty::F32, Ty::F64];
const ALL: [Ty; 7] = [
    Ty::I8,
    Ty::I16,
    Ty::I32,
    Ty::I64,
    Ty::F32,
    Ty::F64,
    Ty::Bool,
];

impl Ty {
    fn theta(self) -> &'static str {
        match self {
            Ty::I8 => "i8",
            Ty::I16 => "i16",
            Ty::I32 => "i32",
            Ty::I64 => "i64",
            Ty::F32 => "f32",
            Ty::F64 => "f64",
            Ty::Bool => "bool",
        }
    }
    fn c(self) -> &'static str {
        match self {
            Ty::I8 => "int8_t",
            Ty::I16 => "int16_t",
            Ty::I32 => "int32_t",
            Ty::I64 => "int64_t",
            Ty::F32 => "float",
            Ty::F64 => "double",
            Ty::Bool => "int",
        }
    }
    fn is_int(self) -> bool {
        matches!(self, Ty::I8 | Ty::I16 | Ty::I32 | Ty::I64)
    }
    fn is_float(self) -> bool {
        matches!(self, Ty::F32 | Ty::F64)
    }
    fn range(self) -> (i64, i64) {
        match self {
            Ty::I8 => (i8::MIN as i64, i8::MAX as i64),
            Ty::I16 => (i16::MIN as i64, i16::MAX as i64),
            Ty::I32 => (i32::MIN as i64, i32::MAX as i64),
            _ => (i64::MIN, i64::MAX),
        }
    }
}

/// An expression rendered in both languages.
struct Pair {
    theta: String,
    c: String,
}

struct Var {
    name: String,
    ty: Ty,
    array_len: Option<u64>,
}

struct FnSig {
    name: String,
    params: Vec<Ty>,
    ret: Ty,
}

/// Generator state for one program.
pub struct Gen {
    rng: Rng,
    vars: Vec<Vec<Var>>,
    fns: Vec<FnSig>,
    counter: u32,
}

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen {
            rng: Rng::new(seed),
            vars: Vec::new(),
            fns: Vec::new(),
            counter: 0,
        }
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.rng.below(items.len() as u64) as usize].clone()
    }

    fn scalars_of(&self, ty: Ty) -> Vec<String> {
        self.vars
            .iter()
            .flatten()
            .filter(|v| v.ty == ty && v.array_len.is_none())
            .map(|v| v.name.clone())
            .collect()
    }

    fn arrays_of(&self, ty: Ty) -> Vec<(String, u64)> {
        self.vars
            .iter()
            .flatten()
            .filter(|v| v.ty == ty)
            .filter_map(|v| v.array_len.map(|n| (v.name.clone(), n)))
            .collect()
    }

    fn literal(&mut self, ty: Ty) -> Pair {
        match ty {
            Ty::Bool => {
                let b = self.rng.chance(50);
                Pair {
                    theta: b.to_string(),
                    c: (b as i32).to_string(),
                }
            }
            Ty::F32 | Ty::F64 => {
                let v = (self.rng.below(4001) as f64 - 2000.0) / 8.0;
                let text = format!("{v:.3}");
                let theta = if ty == Ty::F64 {
                    format!("({text})")
                } else {
                    format!("({text} as f32)")
                };
                let c = format!("(({}){text})", ty.c());
                Pair { theta, c }
            }
            _ => {
                let (lo, hi) = ty.range();
                let v = match self.rng.below(6) {
                    0 => lo,
                    1 => hi,
                    2 => -1,
                    _ => (self.rng.below(201) as i64) - 100,
                };
                let c = if v == i64::MIN {
                    "INT64_MIN".to_string()
                } else {
                    format!("(({}){v}LL)", ty.c())
                };
                let theta = if ty == Ty::I64 {
                    format!("({v})")
                } else {
                    format!("({v} as {})", ty.theta())
                };
                // `-128 as i8` is `(-128) as i8`: -128 is an i64 literal, cast wraps to -128.
                Pair { theta, c }
            }
        }
    }

    fn expr(&mut self, ty: Ty, depth: u32) -> Pair {
        if depth == 0 || self.rng.chance(25) {
            let names = self.scalars_of(ty);
            if !names.is_empty() && self.rng.chance(70) {
                let n = self.pick(&names);
                return Pair {
                    theta: n.clone(),
                    c: n,
                };
            }
            return self.literal(ty);
        }
        let d = depth - 1;
        match ty {
            Ty::Bool => match self.rng.below(5) {
                0 | 1 => {
                    let t = self.pick(&NUMERIC);
                    let (a, b) = (self.expr(t, d), self.expr(t, d));
                    let (op, cop) = self.pick(&[
                        ("<", "<"),
                        ("<=", "<="),
                        (">", ">"),
                        (">=", ">="),
                        ("==", "=="),
                        ("!=", "!="),
                    ]);
                    Pair {
                        theta: format!("({} {op} {})", a.theta, b.theta),
                        c: format!("({} {cop} {})", a.c, b.c),
                    }
                }
                2 => {
                    let (a, b) = (self.expr(Ty::Bool, d), self.expr(Ty::Bool, d));
                    let op = self.pick(&["&&", "||", "==", "!="]);
                    Pair {
                        theta: format!("({} {op} {})", a.theta, b.theta),
                        c: format!("(!!{} {op} !!{})", a.c, b.c),
                    }
                }
                3 => {
                    let a = self.expr(Ty::Bool, d);
                    Pair {
                        theta: format!("(!{})", a.theta),
                        c: format!("(!{})", a.c),
                    }
                }
                _ => self.ternary(ty, d),
            },
            _ if ty.is_int() => match self.rng.below(9) {
                0..=3 => self.int_binary(ty, d),
                4 => {
                    let a = self.expr(ty, d);
                    let n = ty.theta();
                    if self.rng.chance(50) {
                        Pair {
                            theta: format!("(-{})", a.theta),
                            c: format!("neg_{n}({})", a.c),
                        }
                    } else {
                        Pair {
                            theta: format!("(~{})", a.theta),
                            c: format!("(({})~{})", ty.c(), a.c),
                        }
                    }
                }
                5 | 6 => self.cast(ty, d),
                7 => self.array_read(ty, d),
                _ => self.ternary(ty, d),
            },
            _ => match self.rng.below(7) {
                0..=2 => {
                    let (a, b) = (self.expr(ty, d), self.expr(ty, d));
                    let op = self.pick(&["+", "-", "*", "/"]);
                    Pair {
                        theta: format!("({} {op} {})", a.theta, b.theta),
                        c: format!("(({})({} {op} {}))", ty.c(), a.c, b.c),
                    }
                }
                3 => {
                    let a = self.expr(ty, d);
                    Pair {
                        theta: format!("(-{})", a.theta),
                        c: format!("(-{})", a.c),
                    }
                }
                4 => self.cast(ty, d),
                5 => self.array_read(ty, d),
                _ => self.ternary(ty, d),
            },
        }
    }

    fn int_binary(&mut self, ty: Ty, d: u32) -> Pair {
        let n = ty.theta();
        let (a, b) = (self.expr(ty, d), self.expr(ty, d));
        let (op, helper) = self.pick(&[
            ("+", "add"),
            ("-", "sub"),
            ("*", "mul"),
            ("/", "div"),
            ("%", "rem"),
            ("<<", "shl"),
            (">>", "shr"),
            ("&", "&"),
            ("|", "|"),
            ("^", "^"),
        ]);
        if matches!(helper, "&" | "|" | "^") {
            return Pair {
                theta: format!("({} {op} {})", a.theta, b.theta),
                c: format!("(({})({} {op} {}))", ty.c(), a.c, b.c),
            };
        }
        if matches!(helper, "div" | "rem") {
            // Keep the divisor odd so it is never zero; MIN / -1 still happens.
            let one = if ty == Ty::I64 {
                "1".to_string()
            } else {
                format!("(1 as {n})")
            };
            return Pair {
                theta: format!("({} {op} ({} | {one}))", a.theta, b.theta),
                c: format!("{helper}_{n}({}, ({})({} | 1))", a.c, ty.c(), b.c),
            };
        }
        Pair {
            theta: format!("({} {op} {})", a.theta, b.theta),
            c: format!("{helper}_{n}({}, {})", a.c, b.c),
        }
    }

    fn cast(&mut self, ty: Ty, d: u32) -> Pair {
        let from = self.pick(&ALL);
        let from = if from == Ty::Bool && ty.is_float() {
            Ty::I32
        } else {
            from
        };
        let a = self.expr(from, d);
        let c = if from == Ty::Bool {
            format!("(({})({} ? 1 : 0))", ty.c(), a.c)
        } else if from.is_float() && ty.is_int() {
            if ty == Ty::I64 {
                format!("f2i64((double){})", a.c)
            } else {
                let (lo, hi) = ty.range();
                format!("f2i_{}((double){}, {lo}, {hi})", ty.theta(), a.c)
            }
        } else {
            format!("(({}){})", ty.c(), a.c)
        };
        Pair {
            theta: format!("({} as {})", a.theta, ty.theta()),
            c,
        }
    }

    fn array_read(&mut self, ty: Ty, d: u32) -> Pair {
        let arrays = self.arrays_of(ty);
        if arrays.is_empty() {
            return self.literal(ty);
        }
        let (name, len) = self.pick(
            &arrays
                .iter()
                .map(|(n, l)| (n.as_str(), *l))
                .collect::<Vec<_>>(),
        );
        let name = name.to_string();
        let i = self.expr(Ty::I64, d);
        Pair {
            theta: format!("{name}[(({} % {len}) + {len}) % {len}]", i.theta),
            c: format!("{name}[((({} % {len}LL) + {len}LL) % {len}LL)]", i.c),
        }
    }

    fn ternary(&mut self, ty: Ty, d: u32) -> Pair {
        let c = self.expr(Ty::Bool, d);
        let (a, b) = (self.expr(ty, d), self.expr(ty, d));
        Pair {
            theta: format!("({} ? {} : {})", c.theta, a.theta, b.theta),
            c: format!("({} ? {} : {})", c.c, a.c, b.c),
        }
    }

    fn call(&mut self, ty: Ty, d: u32) -> Option<Pair> {
        let candidates: Vec<usize> = (0..self.fns.len())
            .filter(|&i| self.fns[i].ret == ty)
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let f = self.pick(&candidates);
        let (name, params) = (self.fns[f].name.clone(), self.fns[f].params.clone());
        let args: Vec<Pair> = params.iter().map(|&p| self.expr(p, d)).collect();
        let join = |sel: fn(&Pair) -> &String| {
            args.iter().map(sel).cloned().collect::<Vec<_>>().join(", ")
        };
        Some(Pair {
            theta: format!("{name}({})", join(|p| &p.theta)),
            c: format!("{name}({})", join(|p| &p.c)),
        })
    }

    fn block(&mut self, out: &mut (String, String), indent: usize, budget: u32, loop_depth: u32) {
        self.vars.push(Vec::new());
        let pad = "    ".repeat(indent);
        for _ in 0..budget {
            match self.rng.below(10) {
                0..=3 => {
                    let ty = self.pick(&ALL);
                    let e = if self.rng.chance(20) {
                        self.call(ty, 2).unwrap_or_else(|| self.expr(ty, 3))
                    } else {
                        self.expr(ty, 3)
                    };
                    let name = self.fresh("var");
                    out.0 += &format!("{pad}{} {name} = {};\n", ty.theta(), e.theta);
                    out.1 += &format!("{pad}{} {name} = {};\n", ty.c(), e.c);
                    self.vars.last_mut().unwrap().push(Var {
                        name,
                        ty,
                        array_len: None,
                    });
                }
                4 => {
                    let ty = self.pick(&NUMERIC);
                    let len = 1 + self.rng.below(6);
                    let name = self.fresh("arr");
                    out.0 += &format!(
                        "{pad}{}[] {name} = new {}[{len}];\n",
                        ty.theta(),
                        ty.theta()
                    );
                    out.1 += &format!("{pad}{} {name}[{len}] = {{0}};\n", ty.c());
                    self.vars.last_mut().unwrap().push(Var {
                        name,
                        ty,
                        array_len: Some(len),
                    });
                }
                5 => {
                    let ty = self.pick(&NUMERIC);
                    let arrays = self.arrays_of(ty);
                    if let Some((name, len)) = arrays.first().cloned() {
                        let i = self.expr(Ty::I64, 2);
                        let v = self.expr(ty, 2);
                        out.0 += &format!(
                            "{pad}{name}[(({} % {len}) + {len}) % {len}] = {};\n",
                            i.theta, v.theta
                        );
                        out.1 += &format!(
                            "{pad}{name}[((({} % {len}LL) + {len}LL) % {len}LL)] = {};\n",
                            i.c, v.c
                        );
                    }
                }
                6 => {
                    let ty = self.pick(&ALL);
                    let names = self.scalars_of(ty);
                    if names.is_empty() {
                        continue;
                    }
                    let name = self.pick(&names);
                    if name.starts_with("par") || name.starts_with("idx") {
                        continue; // parameters and loop counters stay untouched
                    }
                    let v = self.expr(ty, 3);
                    if ty.is_int() && self.rng.chance(50) {
                        let (op, helper) =
                            self.pick(&[("+=", "add"), ("-=", "sub"), ("*=", "mul")]);
                        out.0 += &format!("{pad}{name} {op} {};\n", v.theta);
                        out.1 +=
                            &format!("{pad}{name} = {helper}_{}({name}, {});\n", ty.theta(), v.c);
                    } else {
                        out.0 += &format!("{pad}{name} = {};\n", v.theta);
                        out.1 += &format!("{pad}{name} = {};\n", v.c);
                    }
                }
                7 if indent < 4 => {
                    let c = self.expr(Ty::Bool, 3);
                    out.0 += &format!("{pad}if ({}) {{\n", c.theta);
                    out.1 += &format!("{pad}if ({}) {{\n", c.c);
                    self.block(out, indent + 1, budget / 2, loop_depth);
                    out.0 += &format!("{pad}}} else {{\n");
                    out.1 += &format!("{pad}}} else {{\n");
                    self.block(out, indent + 1, budget / 2, loop_depth);
                    out.0 += &format!("{pad}}}\n");
                    out.1 += &format!("{pad}}}\n");
                }
                8 if indent < 4 && loop_depth < 2 => {
                    let i = self.fresh("idx");
                    let n = 1 + self.rng.below(8);
                    out.0 += &format!("{pad}for (i64 {i} = 0; {i} < {n}; {i}++) {{\n");
                    out.1 += &format!("{pad}for (int64_t {i} = 0; {i} < {n}; {i}++) {{\n");
                    self.vars.push(vec![Var {
                        name: i,
                        ty: Ty::I64,
                        array_len: None,
                    }]);
                    self.block(out, indent + 1, budget / 2, loop_depth + 1);
                    self.vars.pop();
                    out.0 += &format!("{pad}}}\n");
                    out.1 += &format!("{pad}}}\n");
                }
                _ => {}
            }
        }
        self.vars.pop();
    }

    fn function(&mut self, out: &mut (String, String)) {
        let name = self.fresh("fun");
        let nparams = 1 + self.rng.below(4) as usize;
        let params: Vec<Ty> = (0..nparams).map(|_| self.pick(&ALL)).collect();
        let ret = self.pick(&ALL);
        let pnames: Vec<String> = (0..nparams).map(|_| self.fresh("par")).collect();
        let theta_params: Vec<String> = pnames
            .iter()
            .zip(&params)
            .map(|(n, t)| format!("{n}: {}", t.theta()))
            .collect();
        let c_params: Vec<String> = pnames
            .iter()
            .zip(&params)
            .map(|(n, t)| format!("{} {n}", t.c()))
            .collect();
        out.0 += &format!(
            "fn {name}({}) -> {} {{\n",
            theta_params.join(", "),
            ret.theta()
        );
        out.1 += &format!("static {} {name}({}) {{\n", ret.c(), c_params.join(", "));
        self.vars.push(
            pnames
                .iter()
                .zip(&params)
                .map(|(n, &ty)| Var {
                    name: n.clone(),
                    ty,
                    array_len: None,
                })
                .collect(),
        );
        let mut body = (String::new(), String::new());
        self.block(&mut body, 1, 8, 0);
        // The block's locals are gone; return an expression over the parameters.
        let r = self.expr(ret, 3);
        self.vars.pop();
        out.0 += &body.0;
        out.1 += &body.1;
        out.0 += &format!("    return {};\n}}\n\n", r.theta);
        out.1 += &format!("    return {};\n}}\n\n", r.c);
        self.fns.push(FnSig { name, params, ret });
    }

    /// Returns `(theta_source, c_source_without_prelude)`.
    pub fn program(&mut self) -> (String, String) {
        let mut out = (String::new(), String::new());
        let nfns = 1 + self.rng.below(4);
        for _ in 0..nfns {
            self.function(&mut out);
        }
        out.0 += "fn main() {\n";
        out.1 += "int main(void) {\n";
        self.vars.push(Vec::new());
        let mut body = (String::new(), String::new());
        self.block(&mut body, 1, 10, 0);
        out.0 += &body.0;
        out.1 += &body.1;
        // Print a few results, including calls.
        for _ in 0..4 {
            let ty = self.pick(&ALL);
            let e = self.call(ty, 2).unwrap_or_else(|| self.expr(ty, 3));
            let printer = match ty {
                Ty::Bool => format!("print_b({})", e.c),
                Ty::F32 => format!("print_f({}, 1)", e.c),
                Ty::F64 => format!("print_f({}, 0)", e.c),
                _ => format!("print_i({})", e.c),
            };
            let tag = self.fresh("res");
            out.0 += &format!("    print(\"{tag}\", {});\n", e.theta);
            out.1 += &format!("    fputs(\"{tag}\", stdout); sp(); {printer}; nl();\n");
        }
        self.vars.pop();
        out.0 += "}\n";
        out.1 += "    return 0;\n}\n";
        out
    }
}

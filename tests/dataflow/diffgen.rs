//! The deterministic generator of the DuckDB differential suite: random tables and random
//! pipelines (filter, map, project, join, aggregate, sort + limit, distinct, union), each built
//! both as a Theta DAG and as the equivalent SQL text. Expressions use the subset of §8 whose
//! meaning matches DuckDB's (integer `/` becomes `//`, `x as f64` becomes CAST).

use theta::dataflow::column::Column;
use theta::dataflow::engine::{Dag, NodeId};
use theta::dataflow::table::Table;

/// A xorshift64* generator: small, deterministic across platforms.
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// True with probability `pct`%.
    pub fn chance(&mut self, pct: usize) -> bool {
        self.below(100) < pct
    }
    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Column types used by the generator.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ty {
    /// i64
    I64,
    /// i32
    I32,
    /// f64
    F64,
    /// string
    Str,
    /// bool
    Bool,
}

impl Ty {
    fn is_int(self) -> bool {
        matches!(self, Ty::I64 | Ty::I32)
    }
    fn is_num(self) -> bool {
        matches!(self, Ty::I64 | Ty::I32 | Ty::F64)
    }
}

/// A column of the current pipeline.
#[derive(Clone, Debug)]
pub struct Col {
    /// Name (the same in Theta and in SQL).
    pub name: String,
    /// Type.
    pub ty: Ty,
}

/// An expression in both dialects.
struct E {
    t: String,
    s: String,
    ty: Ty,
}

const WORDS: [&str; 8] = [
    "apple", "banana", "Cherry", "élan", "apfel", "a_b", "naïve", "x",
];

/// A generated table: its Theta value and its CSV text.
pub struct GenTable {
    /// The table.
    pub table: Table,
    /// CSV with a header row, empty fields for nulls.
    pub csv: String,
}

/// The columns every generated table has.
pub fn base_columns() -> Vec<Col> {
    [
        ("k", Ty::I64),
        ("a", Ty::I32),
        ("x", Ty::F64),
        ("s", Ty::Str),
        ("b", Ty::Bool),
    ]
    .iter()
    .map(|(n, t)| Col {
        name: n.to_string(),
        ty: *t,
    })
    .collect()
}

/// A random table of 0–60 rows.
pub fn gen_table(rng: &mut Rng) -> GenTable {
    let rows = if rng.chance(5) { 0 } else { 1 + rng.below(60) };
    let mut k = Vec::new();
    let mut a = Vec::new();
    let mut x = Vec::new();
    let mut s = Vec::new();
    let mut b = Vec::new();
    let mut csv = String::from("k,a,x,s,b\n");
    for _ in 0..rows {
        let kv = (!rng.chance(10)).then(|| rng.below(6) as i64);
        let av = (!rng.chance(10)).then(|| rng.below(101) as i32 - 50);
        let xv = (!rng.chance(10)).then(|| (rng.below(2001) as f64 - 1000.0) / 100.0);
        let sv = (!rng.chance(10)).then(|| *rng.pick(&WORDS));
        let bv = (!rng.chance(10)).then(|| rng.chance(50));
        let f = |o: Option<String>| o.unwrap_or_default();
        csv.push_str(&format!(
            "{},{},{},{},{}\n",
            f(kv.map(|v| v.to_string())),
            f(av.map(|v| v.to_string())),
            f(xv.map(|v| format!("{v:?}"))),
            f(sv.map(str::to_string)),
            f(bv.map(|v| v.to_string()))
        ));
        k.push(kv);
        a.push(av);
        x.push(xv);
        s.push(sv);
        b.push(bv);
    }
    let table = Table::from_columns(vec![
        ("k", Column::from_options(&k)),
        ("a", Column::from_options(&a)),
        ("x", Column::from_options(&x)),
        ("s", Column::from_strs(&s)),
        ("b", Column::from_bools(&b)),
    ])
    .expect("valid generated table");
    GenTable { table, csv }
}

fn cols_of(cols: &[Col], f: impl Fn(Ty) -> bool) -> Vec<Col> {
    cols.iter().filter(|c| f(c.ty)).cloned().collect()
}

fn col(c: &Col) -> E {
    E {
        t: c.name.clone(),
        s: c.name.clone(),
        ty: c.ty,
    }
}

fn num_expr(rng: &mut Rng, cols: &[Col], depth: usize) -> Option<E> {
    let nums = cols_of(cols, Ty::is_num);
    if nums.is_empty() {
        return None;
    }
    let c = col(rng.pick(&nums));
    if depth == 0 {
        return Some(c);
    }
    let lit = rng.below(10);
    Some(match rng.below(9) {
        0 => c,
        1 => {
            let op = *rng.pick(&["+", "-", "*"]);
            let inner = num_expr(rng, cols, depth - 1)?;
            let ty = if inner.ty == Ty::F64 || c.ty == Ty::F64 {
                Ty::F64
            } else if inner.ty == Ty::I64 || c.ty == Ty::I64 {
                Ty::I64
            } else {
                Ty::I32
            };
            E {
                t: format!("({} {op} {})", c.t, inner.t),
                s: format!("({} {op} {})", c.s, inner.s),
                ty,
            }
        }
        2 if c.ty.is_int() => E {
            t: format!("({} / {lit})", c.t),
            s: format!("({} // {lit})", c.s),
            ty: c.ty,
        },
        3 if c.ty.is_int() => E {
            t: format!("({} % {})", c.t, lit + 1),
            s: format!("({} % {})", c.s, lit + 1),
            ty: c.ty,
        },
        4 => E {
            t: format!("abs({})", c.t),
            s: format!("abs({})", c.s),
            ty: c.ty,
        },
        5 => E {
            t: format!("coalesce({}, {lit})", c.t),
            s: format!("coalesce({}, {lit})", c.s),
            ty: c.ty,
        },
        6 if c.ty.is_int() => E {
            t: format!("({} as f64)", c.t),
            s: format!("CAST({} AS DOUBLE)", c.s),
            ty: Ty::F64,
        },
        7 if c.ty == Ty::F64 => E {
            t: format!("round({}, 1)", c.t),
            s: format!("round({}, 1)", c.s),
            ty: Ty::F64,
        },
        8 => {
            let p = pred(rng, cols, 0);
            E {
                t: format!("case when {} then {} else {lit} end", p.0, c.t),
                s: format!("CASE WHEN {} THEN {} ELSE {lit} END", p.1, c.s),
                ty: c.ty,
            }
        }
        _ => E {
            t: format!("({} * 2)", c.t),
            s: format!("({} * 2)", c.s),
            ty: c.ty,
        },
    })
}

fn str_expr(rng: &mut Rng, cols: &[Col]) -> Option<E> {
    let strs = cols_of(cols, |t| t == Ty::Str);
    if strs.is_empty() {
        return None;
    }
    let c = col(rng.pick(&strs));
    let (t, s) = match rng.below(5) {
        0 => (format!("upper({})", c.t), format!("upper({})", c.s)),
        1 => (format!("lower({})", c.t), format!("lower({})", c.s)),
        2 => (
            format!("substr({}, 2, 2)", c.t),
            format!("substr({}, 2, 2)", c.s),
        ),
        3 => (
            format!("concat({}, '!')", c.t),
            format!("concat({}, '!')", c.s),
        ),
        _ => {
            return Some(E {
                t: format!("length({})", c.t),
                s: format!("length({})", c.s),
                ty: Ty::I64,
            });
        }
    };
    Some(E { t, s, ty: Ty::Str })
}

/// A random predicate in (Theta, SQL) form.
pub fn pred(rng: &mut Rng, cols: &[Col], depth: usize) -> (String, String) {
    if depth > 0 && rng.chance(40) {
        let (a, b) = (pred(rng, cols, depth - 1), pred(rng, cols, depth - 1));
        return match rng.below(3) {
            0 => (
                format!("({} and {})", a.0, b.0),
                format!("({} AND {})", a.1, b.1),
            ),
            1 => (
                format!("({} or {})", a.0, b.0),
                format!("({} OR {})", a.1, b.1),
            ),
            _ => (format!("(not {})", a.0), format!("(NOT {})", a.1)),
        };
    }
    let c = rng.pick(cols).clone();
    match rng.below(7) {
        0 => {
            let neg = if rng.chance(50) { " not" } else { "" };
            (
                format!("({} is{neg} null)", c.name),
                format!("({} IS{} NULL)", c.name, neg.to_uppercase()),
            )
        }
        1 if c.ty == Ty::Bool => (c.name.clone(), c.name.clone()),
        2 if c.ty == Ty::Str => {
            let p = *rng.pick(&["a%", "%n%", "_a%", "é%", "%e"]);
            (
                format!("({} like '{p}')", c.name),
                format!("({} LIKE '{p}')", c.name),
            )
        }
        3 if c.ty.is_int() => (
            format!("({} in (1, 3, -5))", c.name),
            format!("({} IN (1, 3, -5))", c.name),
        ),
        4 if c.ty.is_num() => {
            let lo = rng.below(20) as i64 - 10;
            let hi = lo + rng.below(30) as i64;
            (
                format!("({} between {lo} and {hi})", c.name),
                format!("({} BETWEEN {lo} AND {hi})", c.name),
            )
        }
        5 if c.ty == Ty::Str => {
            let w = *rng.pick(&WORDS);
            let op = *rng.pick(&["=", "!=", "<", ">="]);
            (
                format!("({} {op} '{w}')", c.name),
                format!("({} {op} '{w}')", c.name),
            )
        }
        _ => match num_expr(rng, cols, 1) {
            Some(e) => {
                let op = *rng.pick(&["=", "!=", "<", "<=", ">", ">="]);
                let lit = rng.below(10) as i64 - 3;
                (
                    format!("({} {op} {lit})", e.t),
                    format!("({} {op} {lit})", e.s),
                )
            }
            None => (
                format!("({} is not null)", c.name),
                format!("({} IS NOT NULL)", c.name),
            ),
        },
    }
}

/// A pipeline under construction: its node, its SQL and its columns.
pub struct Query {
    /// The Theta node.
    pub node: NodeId,
    /// Equivalent SQL.
    pub sql: String,
    /// Output columns.
    pub cols: Vec<Col>,
    /// The Theta calls made, for failure reports.
    pub steps: Vec<String>,
}

fn select_list(cols: &[Col], alias: &str) -> String {
    cols.iter()
        .map(|c| format!("{alias}.{} AS {}", c.name, c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Adds one random step to `q`.
pub fn step(
    rng: &mut Rng,
    g: &mut Dag,
    q: &mut Query,
    fresh: &mut usize,
    right: (NodeId, &str, &[Col]),
    joined: &mut bool,
) {
    let cols = q.cols.clone();
    let sub = |sql: &str| format!("({sql}) AS q{}", sql.len());
    match rng.below(9) {
        0 | 1 => {
            let (t, s) = pred(rng, &cols, 2);
            q.node = g
                .filter(q.node, &t)
                .unwrap_or_else(|e| panic!("filter {t}: {e}"));
            q.sql = format!("SELECT * FROM {} WHERE {s}", sub(&q.sql));
            q.steps.push(format!("filter({t})"));
        }
        2 => {
            let e = if rng.chance(70) {
                num_expr(rng, &cols, 2)
            } else {
                str_expr(rng, &cols)
            };
            let Some(e) = e else { return };
            *fresh += 1;
            let name = format!("m{fresh}");
            let item = format!("{} as {name}", e.t);
            q.node = g
                .map(q.node, &[item.as_str()])
                .unwrap_or_else(|err| panic!("map {item}: {err}"));
            q.sql = format!("SELECT *, {} AS {name} FROM {}", e.s, sub(&q.sql));
            q.cols.push(Col { name, ty: e.ty });
            q.steps.push(format!("map([{item}])"));
        }
        3 => {
            let keep: Vec<Col> = cols.iter().filter(|_| rng.chance(60)).cloned().collect();
            if keep.is_empty() {
                return;
            }
            let names: Vec<&str> = keep.iter().map(|c| c.name.as_str()).collect();
            q.node = g.project(q.node, &names).unwrap();
            q.sql = format!("SELECT {} FROM {}", names.join(", "), sub(&q.sql));
            q.steps.push(format!("project({names:?})"));
            q.cols = keep;
        }
        4 => {
            q.node = g.distinct(q.node).unwrap();
            q.sql = format!("SELECT DISTINCT * FROM {}", sub(&q.sql));
            q.steps.push("distinct()".into());
        }
        5 => {
            let keys: Vec<Col> = cols
                .iter()
                .filter(|c| c.ty != Ty::F64 && rng.chance(30))
                .take(2)
                .cloned()
                .collect();
            let mut aggs_t = Vec::new();
            let mut aggs_s = Vec::new();
            let mut out = keys.clone();
            for _ in 0..1 + rng.below(4) {
                let c = rng.pick(&cols).clone();
                *fresh += 1;
                let name = format!("g{fresh}");
                let (f, ty) = match rng.below(9) {
                    0 => ("count(*)".to_string(), Ty::I64),
                    1 => (format!("count({})", c.name), Ty::I64),
                    2 => (format!("count(distinct {})", c.name), Ty::I64),
                    3 => (format!("min({})", c.name), c.ty),
                    4 => (format!("max({})", c.name), c.ty),
                    5 if c.ty.is_num() => (
                        format!("sum({})", c.name),
                        if c.ty.is_int() { Ty::I64 } else { Ty::F64 },
                    ),
                    6 if c.ty.is_num() => (format!("avg({})", c.name), Ty::F64),
                    7 if c.ty.is_num() => (format!("stddev({})", c.name), Ty::F64),
                    8 if c.ty.is_num() => (format!("variance({})", c.name), Ty::F64),
                    _ => ("count(*)".to_string(), Ty::I64),
                };
                // Sometimes an item combining aggregates (no integer `/`: DuckDB divides
                // integers as floats).
                let (f, ty) = match rng.below(8) {
                    0 if c.ty.is_num() && ty.is_num() => {
                        let t = if c.ty == Ty::F64 || ty == Ty::F64 {
                            Ty::F64
                        } else if c.ty == Ty::I32 && ty == Ty::I32 {
                            Ty::I32
                        } else {
                            Ty::I64
                        };
                        (format!("max({0}) - min({0}) + {f}", c.name), t)
                    }
                    1 if ty == Ty::I64 => (format!("{f} * 2 - count(*)"), Ty::I64),
                    2 if ty == Ty::F64 => (format!("{f} / (count(*) + 1) * 1.5"), Ty::F64),
                    _ => (f, ty),
                };
                aggs_t.push(format!("{f} as {name}"));
                aggs_s.push(format!("{} AS {name}", f.replace("distinct", "DISTINCT")));
                out.push(Col { name, ty });
            }
            let key_names: Vec<&str> = keys.iter().map(|c| c.name.as_str()).collect();
            q.node = g
                .aggregate(q.node, &key_names, &aggs_t)
                .unwrap_or_else(|e| panic!("aggregate: {e}"));
            let mut list: Vec<String> = key_names.iter().map(|s| s.to_string()).collect();
            list.extend(aggs_s);
            let group = if keys.is_empty() {
                String::new()
            } else {
                format!(" GROUP BY {}", key_names.join(", "))
            };
            q.sql = format!("SELECT {} FROM {}{group}", list.join(", "), sub(&q.sql));
            q.cols = out;
            q.steps
                .push(format!("aggregate({key_names:?}, {aggs_t:?})"));
        }
        6 => {
            let mut tk = Vec::new();
            let mut sk = Vec::new();
            for c in &cols {
                let desc = rng.chance(50);
                let nf = rng.chance(50);
                let (d, n) = (
                    if desc { "desc" } else { "asc" },
                    if nf { "first" } else { "last" },
                );
                tk.push(format!("{} {d} nulls {n}", c.name));
                sk.push(format!(
                    "{} {} NULLS {}",
                    c.name,
                    d.to_uppercase(),
                    n.to_uppercase()
                ));
            }
            let (count, offset) = (rng.below(15) as i64, rng.below(5) as i64);
            let s = g.sort(q.node, &tk).unwrap();
            q.node = g.limit(s, count, offset).unwrap();
            q.sql = format!(
                "SELECT * FROM {} ORDER BY {} LIMIT {count} OFFSET {offset}",
                sub(&q.sql),
                sk.join(", ")
            );
            q.steps
                .push(format!("limit(sort({tk:?}), {count}, {offset})"));
        }
        7 => {
            let (t, s) = pred(rng, &cols, 1);
            let f = g.filter(q.node, &t).unwrap();
            let all = rng.chance(50);
            q.node = if all {
                g.union_all(q.node, f).unwrap()
            } else {
                g.union(q.node, f).unwrap()
            };
            let op = if all { "UNION ALL" } else { "UNION" };
            q.sql = format!(
                "SELECT * FROM (({}) {op} (SELECT * FROM {} WHERE {s})) AS u{}",
                q.sql,
                sub(&q.sql),
                q.sql.len()
            );
            q.steps.push(format!(
                "{}(q, filter(q, {t}))",
                if all { "union_all" } else { "union" }
            ));
        }
        _ => {
            if *joined {
                return;
            }
            *joined = true;
            let (rnode, rsql, rcols) = right;
            let kind = *rng.pick(&["inner", "left", "right", "full", "semi", "anti"]);
            let mut taken: Vec<String> = cols.iter().map(|c| c.name.clone()).collect();
            let mut rnames = Vec::new();
            for c in rcols {
                let mut n = c.name.clone();
                while taken.contains(&n) {
                    n.push_str("_right");
                }
                taken.push(n.clone());
                rnames.push(n);
            }
            // An equality on a compatible pair, if any, then maybe a residual comparison.
            let mut conds_t = Vec::new();
            let mut conds_s = Vec::new();
            let pairs: Vec<(usize, usize)> = (0..cols.len())
                .flat_map(|i| (0..rcols.len()).map(move |j| (i, j)))
                .filter(|&(i, j)| {
                    cols[i].ty == rcols[j].ty || (cols[i].ty.is_int() && rcols[j].ty.is_int())
                })
                .collect();
            let mut rnode = rnode;
            if !pairs.is_empty() && rng.chance(85) {
                let (i, j) = *rng.pick(&pairs);
                conds_t.push(format!("{} = {}", cols[i].name, rnames[j]));
                conds_s.push(format!("l.{} = r.{}", cols[i].name, rcols[j].name));
                if rng.chance(40) {
                    // Both inputs sorted on the key (same direction, any null placement): the
                    // planner merges them (§8 sort-merge join); SQL is unchanged.
                    let dir = if rng.chance(50) { "desc" } else { "asc" };
                    let nulls = |rng: &mut Rng| if rng.chance(50) { "first" } else { "last" };
                    let lk = format!("{} {dir} nulls {}", cols[i].name, nulls(rng));
                    let rk = format!("{} {dir} nulls {}", rcols[j].name, nulls(rng));
                    q.node = g.sort(q.node, &[lk.as_str()]).unwrap();
                    rnode = g.sort(rnode, &[rk.as_str()]).unwrap();
                    q.steps.push(format!("sort([{lk}]), t1' sorted on [{rk}]"));
                }
            }
            let lnum: Vec<usize> = (0..cols.len()).filter(|&i| cols[i].ty.is_num()).collect();
            let rnum: Vec<usize> = (0..rcols.len()).filter(|&j| rcols[j].ty.is_num()).collect();
            if conds_t.is_empty() || (rng.chance(30) && !lnum.is_empty() && !rnum.is_empty()) {
                if lnum.is_empty() || rnum.is_empty() {
                    return;
                }
                let (i, j) = (*rng.pick(&lnum), *rng.pick(&rnum));
                conds_t.push(format!("{} < {}", cols[i].name, rnames[j]));
                conds_s.push(format!("l.{} < r.{}", cols[i].name, rcols[j].name));
            }
            let on_t = conds_t.join(" and ");
            q.node = g
                .join(q.node, rnode, &on_t, kind)
                .unwrap_or_else(|e| panic!("join {on_t}: {e}"));
            let mut list = select_list(&cols, "l");
            let mut out = cols.clone();
            if !matches!(kind, "semi" | "anti") {
                for (c, n) in rcols.iter().zip(&rnames) {
                    list.push_str(&format!(", r.{} AS {n}", c.name));
                    out.push(Col {
                        name: n.clone(),
                        ty: c.ty,
                    });
                }
            }
            let sql_kind = match kind {
                "inner" => "INNER",
                "left" => "LEFT",
                "right" => "RIGHT",
                "full" => "FULL OUTER",
                "semi" => "SEMI",
                _ => "ANTI",
            };
            q.sql = format!(
                "SELECT {list} FROM ({}) AS l {sql_kind} JOIN ({rsql}) AS r ON {}",
                q.sql,
                conds_s.join(" AND ")
            );
            q.cols = out;
            q.steps.push(format!("join(q, t1', {on_t}, {kind})"));
        }
    }
}

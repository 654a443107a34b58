//! Compiling typed expressions to kernel trees and evaluating them over a batch.

use super::refine::{self, Leaf};
use super::vector::{bool_col, bool_values, set_indices, validity_of};
use super::{arith, cast, compare, internal, like, logic, select, strings};
use crate::dataflow::column::Column;
use crate::dataflow::error::Result;
use crate::dataflow::exec::columns::take;
use crate::dataflow::expr::functions::Func;
use crate::dataflow::expr::typed::{ArithOp, CmpOp, Scalar, TExpr, TKind};
use crate::dataflow::types::DataType;

/// An intermediate result: a column of the batch's length, or one constant for every row.
#[derive(Clone, Debug)]
pub enum Value {
    /// One value per row.
    Col(Column),
    /// The same value (possibly null) for every row.
    Const(Scalar),
}

impl Value {
    /// True for a constant null.
    pub fn is_null_const(&self) -> bool {
        matches!(self, Value::Const(Scalar::Null))
    }

    /// The row validity, `None` when every row is valid (a constant null is handled by callers).
    pub fn validity(&self) -> Option<Vec<bool>> {
        match self {
            Value::Col(c) => validity_of(c),
            Value::Const(_) => None,
        }
    }

    /// Materialises the value as a column of `n` rows of type `ty`.
    pub fn into_column(self, ty: DataType, n: usize) -> Result<Column> {
        match self {
            Value::Col(c) => Ok(c),
            Value::Const(s) => select::broadcast(&s, ty, n),
        }
    }
}

/// A compiled expression node.
#[derive(Clone, Debug)]
pub struct CompiledExpr {
    node: Node,
    /// The result type.
    pub ty: DataType,
}

#[derive(Clone, Debug)]
enum Node {
    Col(usize),
    Const(Scalar),
    Neg(Box<CompiledExpr>),
    Not(Box<CompiledExpr>),
    Arith(ArithOp, Box<CompiledExpr>, Box<CompiledExpr>),
    Cmp(CmpOp, Box<CompiledExpr>, Box<CompiledExpr>),
    And(Box<CompiledExpr>, Box<CompiledExpr>),
    Or(Box<CompiledExpr>, Box<CompiledExpr>),
    IsNull(Box<CompiledExpr>, bool),
    Like(Box<CompiledExpr>, like::Pattern, bool),
    Case(Vec<(CompiledExpr, CompiledExpr)>, Box<CompiledExpr>),
    Cast(Box<CompiledExpr>),
    Call(Func, Vec<CompiledExpr>),
}

/// Compiles `e`, binding column names to their index in `names`.
pub fn compile(e: &TExpr, names: &[&str]) -> Result<CompiledExpr> {
    let b = |x: &TExpr| compile(x, names).map(Box::new);
    let node =
        match &e.kind {
            TKind::Column(c) => Node::Col(names.iter().position(|n| n == c).ok_or_else(|| {
                internal(format!("column \"{c}\" is not in the operator's input"))
            })?),
            TKind::Literal(s) => Node::Const(s.clone()),
            TKind::Neg(x) => Node::Neg(b(x)?),
            TKind::Not(x) => Node::Not(b(x)?),
            TKind::Arith(op, x, y) => Node::Arith(*op, b(x)?, b(y)?),
            TKind::Cmp(op, x, y) => Node::Cmp(*op, b(x)?, b(y)?),
            TKind::And(x, y) => Node::And(b(x)?, b(y)?),
            TKind::Or(x, y) => Node::Or(b(x)?, b(y)?),
            TKind::IsNull(x, neg) => Node::IsNull(b(x)?, *neg),
            TKind::Like {
                expr,
                pattern,
                negated,
            } => Node::Like(b(expr)?, like::Pattern::new(pattern), *negated),
            TKind::Case { whens, otherwise } => Node::Case(
                whens
                    .iter()
                    .map(|(c, v)| Ok((compile(c, names)?, compile(v, names)?)))
                    .collect::<Result<Vec<_>>>()?,
                b(otherwise)?,
            ),
            TKind::Cast(x) => Node::Cast(b(x)?),
            TKind::Call(f, args) => Node::Call(
                *f,
                args.iter()
                    .map(|a| compile(a, names))
                    .collect::<Result<Vec<_>>>()?,
            ),
        };
    Ok(CompiledExpr { node, ty: e.ty })
}

impl CompiledExpr {
    /// Evaluates over `cols` (all of `n` rows) into a column of `n` rows.
    pub fn eval(&self, cols: &[Column], n: usize) -> Result<Column> {
        self.eval_value(cols, n)?.into_column(self.ty, n)
    }

    /// Evaluates a predicate into "row is selected" flags (null counts as false).
    pub fn eval_predicate(&self, cols: &[Column], n: usize) -> Result<Vec<bool>> {
        match self.eval_value(cols, n)? {
            Value::Const(Scalar::Bool(b)) => Ok(vec![b; n]),
            Value::Const(_) => Ok(vec![false; n]),
            Value::Col(Column::Bool(c)) => {
                let mut v = bool_values(&c);
                if let Some(valid) = validity_of(&Column::Bool(c)) {
                    v.iter_mut().zip(valid).for_each(|(x, ok)| *x &= ok);
                }
                Ok(v)
            }
            Value::Col(_) => Err(internal("predicate is not bool")),
        }
    }

    /// The rows (ascending) where the predicate is true (null counts as false).
    ///
    /// A conjunction is evaluated one side at a time, each side only over the rows the previous
    /// ones kept. Comparisons of a column with a constant (or another column) narrow the row
    /// list in place without materialising anything (`refine.rs`); other predicates gather
    /// just the columns they read for the rows still live.
    pub fn eval_selection(&self, cols: &[Column], n: usize) -> Result<Vec<u32>> {
        self.refine(cols, n, None)
    }

    /// The operand as a column or constant, when it needs no evaluation.
    fn leaf<'a>(&'a self, cols: &'a [Column]) -> Option<Leaf<'a>> {
        match &self.node {
            Node::Col(i) => cols.get(*i).map(Leaf::Col),
            Node::Const(s) => Some(Leaf::Const(s)),
            _ => None,
        }
    }

    /// The operands of a chain of `and`s, left to right.
    fn conjuncts<'a>(&'a self, out: &mut Vec<&'a CompiledExpr>) {
        match &self.node {
            Node::And(x, y) => {
                x.conjuncts(out);
                y.conjuncts(out);
            }
            _ => out.push(self),
        }
    }

    /// The order in which [`Self::refine`] evaluates conjuncts: comparisons of numeric leaves
    /// (a fixed-width load and compare per row), then of text leaves, then anything else. A
    /// leaf comparison cannot fail, so running it earlier only shrinks the rows later
    /// conjuncts see; the rows kept (where every conjunct is true) are the same in any order.
    fn refine_cost(&self, cols: &[Column]) -> u8 {
        if let Node::Cmp(_, x, y) = &self.node
            && let (Some(a), Some(b)) = (x.leaf(cols), y.leaf(cols))
            && refine::supports(a, b, x.ty)
        {
            return if x.ty == DataType::Utf8 { 1 } else { 0 };
        }
        2
    }

    /// The rows of `sel` (all `n` rows when `None`) where the predicate is true.
    fn refine(&self, cols: &[Column], n: usize, sel: Option<Vec<u32>>) -> Result<Vec<u32>> {
        match &self.node {
            Node::And(..) => {
                // Cheapest first: each conjunct only reads the rows the earlier ones kept.
                let mut parts = Vec::new();
                self.conjuncts(&mut parts);
                parts.sort_by_key(|p| p.refine_cost(cols));
                let mut sel = sel;
                for p in parts {
                    let kept = p.refine(cols, n, sel)?;
                    if kept.is_empty() {
                        return Ok(kept);
                    }
                    sel = (kept.len() < n).then_some(kept);
                }
                return Ok(sel.unwrap_or_else(|| (0..n as u32).collect()));
            }
            Node::Cmp(op, x, y) => {
                if let (Some(a), Some(b)) = (x.leaf(cols), y.leaf(cols))
                    && refine::supports(a, b, x.ty)
                {
                    return refine::refine_cmp(*op, a, b, x.ty, n, sel);
                }
            }
            _ => {}
        }
        let sel = match sel {
            Some(s) if s.len() < n => s,
            _ => return self.selected_rows(cols, n),
        };
        let mut used = Vec::new();
        self.column_refs(&mut used);
        // Columns the predicate does not read keep their full length; they are never looked at.
        let mut sub = cols.to_vec();
        for i in used {
            if let Some(c) = cols.get(i) {
                sub[i] = take(c, &sel)?;
            }
        }
        let inner = self.selected_rows(&sub, sel.len())?;
        Ok(inner.into_iter().map(|j| sel[j as usize]).collect())
    }

    /// The rows (ascending) of a dense batch where the predicate is true.
    fn selected_rows(&self, cols: &[Column], n: usize) -> Result<Vec<u32>> {
        match self.eval_value(cols, n)? {
            Value::Const(Scalar::Bool(true)) => Ok((0..n as u32).collect()),
            Value::Const(_) => Ok(Vec::new()),
            Value::Col(Column::Bool(c)) => {
                let valid = c.validity().filter(|_| c.null_count() > 0);
                Ok(set_indices(c.values(), valid))
            }
            Value::Col(_) => Err(internal("predicate is not bool")),
        }
    }

    /// Appends the indices of the input columns this expression reads.
    pub fn column_refs(&self, out: &mut Vec<usize>) {
        match &self.node {
            Node::Col(i) => {
                if !out.contains(i) {
                    out.push(*i);
                }
            }
            Node::Const(_) => {}
            Node::Neg(x)
            | Node::Not(x)
            | Node::Cast(x)
            | Node::IsNull(x, _)
            | Node::Like(x, ..) => x.column_refs(out),
            Node::Arith(_, x, y) | Node::Cmp(_, x, y) | Node::And(x, y) | Node::Or(x, y) => {
                x.column_refs(out);
                y.column_refs(out);
            }
            Node::Case(whens, otherwise) => {
                for (c, v) in whens {
                    c.column_refs(out);
                    v.column_refs(out);
                }
                otherwise.column_refs(out);
            }
            Node::Call(_, args) => args.iter().for_each(|a| a.column_refs(out)),
        }
    }

    /// The expression reading input column `index` (of type `ty`).
    pub fn column(index: usize, ty: DataType) -> CompiledExpr {
        CompiledExpr {
            node: Node::Col(index),
            ty,
        }
    }

    /// The input column index, when the expression is just a column.
    pub fn column_index(&self) -> Option<usize> {
        match self.node {
            Node::Col(i) => Some(i),
            _ => None,
        }
    }

    /// The direct sub-expressions.
    fn children_mut(&mut self) -> Vec<&mut CompiledExpr> {
        match &mut self.node {
            Node::Col(_) | Node::Const(_) => Vec::new(),
            Node::Neg(x)
            | Node::Not(x)
            | Node::Cast(x)
            | Node::IsNull(x, _)
            | Node::Like(x, ..) => {
                vec![&mut **x]
            }
            Node::Arith(_, x, y) | Node::Cmp(_, x, y) | Node::And(x, y) | Node::Or(x, y) => {
                vec![&mut **x, &mut **y]
            }
            Node::Case(whens, otherwise) => {
                let mut v: Vec<&mut CompiledExpr> = Vec::new();
                for (c, x) in whens {
                    v.push(c);
                    v.push(x);
                }
                v.push(&mut **otherwise);
                v
            }
            Node::Call(_, args) => args.iter_mut().collect(),
        }
    }

    /// Counts every non-leaf sub-expression (by its structural text) into `counts`.
    fn count_subexprs(&mut self, counts: &mut std::collections::HashMap<String, usize>) {
        if matches!(self.node, Node::Col(_) | Node::Const(_)) {
            return;
        }
        *counts.entry(format!("{self:?}")).or_insert(0) += 1;
        for c in self.children_mut() {
            c.count_subexprs(counts);
        }
    }

    /// Replaces every sub-expression whose structural text is `key` with column `col`.
    fn replace_subexpr(&mut self, key: &str, col: usize) {
        if matches!(self.node, Node::Col(_) | Node::Const(_)) {
            return;
        }
        if format!("{self:?}") == key {
            self.node = Node::Col(col);
            return;
        }
        for c in self.children_mut() {
            c.replace_subexpr(key, col);
        }
    }

    /// Evaluates into a [`Value`] (constants stay constant).
    pub fn eval_value(&self, cols: &[Column], n: usize) -> Result<Value> {
        Ok(match &self.node {
            Node::Col(i) => Value::Col(
                cols.get(*i)
                    .cloned()
                    .ok_or_else(|| internal("column index out of range"))?,
            ),
            Node::Const(s) => Value::Const(s.clone()),
            Node::Neg(x) => arith::neg(&x.eval_value(cols, n)?, self.ty, n)?,
            Node::Arith(op, x, y) => {
                let (a, b) = (x.eval_value(cols, n)?, y.eval_value(cols, n)?);
                arith::arith(*op, &a, &b, self.ty, n)?
            }
            Node::Cmp(op, x, y) => {
                let (a, b) = (x.eval_value(cols, n)?, y.eval_value(cols, n)?);
                compare::compare(*op, &a, &b, x.ty, n)?
            }
            Node::Not(x) => logic::not(&x.eval_value(cols, n)?, n)?,
            Node::And(x, y) => {
                logic::and_or(false, &x.eval_value(cols, n)?, &y.eval_value(cols, n)?, n)?
            }
            Node::Or(x, y) => {
                logic::and_or(true, &x.eval_value(cols, n)?, &y.eval_value(cols, n)?, n)?
            }
            Node::IsNull(x, negated) => {
                let v = x.eval_value(cols, n)?;
                match v {
                    Value::Const(s) => Value::Const(Scalar::Bool((s == Scalar::Null) != *negated)),
                    Value::Col(c) => {
                        let out: Vec<bool> = match validity_of(&c) {
                            None => vec![*negated; n],
                            Some(valid) => valid.iter().map(|&ok| ok == *negated).collect(),
                        };
                        Value::Col(bool_col(&out, None)?)
                    }
                }
            }
            Node::Like(x, pattern, negated) => {
                like::like(&x.eval_value(cols, n)?, pattern, *negated, n)?
            }
            Node::Case(whens, otherwise) => {
                let mut conds = Vec::with_capacity(whens.len());
                let mut values = Vec::with_capacity(whens.len() + 1);
                for (c, v) in whens {
                    conds.push(c.eval_predicate(cols, n)?);
                    values.push(v.eval_value(cols, n)?);
                }
                values.push(otherwise.eval_value(cols, n)?);
                let choice: Vec<u32> = (0..n)
                    .map(|r| conds.iter().position(|c| c[r]).unwrap_or(whens.len()) as u32)
                    .collect();
                Value::Col(select::select(&choice, &values, self.ty, n)?)
            }
            Node::Cast(x) => cast::cast(&x.eval_value(cols, n)?, x.ty, self.ty, n)?,
            Node::Call(f, args) => {
                let vals = args
                    .iter()
                    .map(|a| a.eval_value(cols, n))
                    .collect::<Result<Vec<_>>>()?;
                let tys: Vec<DataType> = args.iter().map(|a| a.ty).collect();
                strings::call(*f, &vals, &tys, self.ty, n)?
            }
        })
    }
}

/// Shares common sub-expressions among `exprs` (evaluated over the same columns): each
/// computed sub-expression occurring more than once is taken out and every occurrence replaced
/// by a reference to column `base + j`. Returns the taken-out expressions in order; the
/// caller evaluates them in that order and appends them as columns `base..`, after which
/// `exprs` give the same results as before. The `j`-th one reads only input columns (`< base`)
/// and columns `base..base + j`, so evaluating in order is always possible. Largest first, so
/// `a * (1 - b)` shared by `sum(a * (1 - b))` and `sum(a * (1 - b) * (1 + c))` is computed once.
pub fn share_common_subexprs(exprs: &mut [&mut CompiledExpr], base: usize) -> Vec<CompiledExpr> {
    let mut shared: Vec<CompiledExpr> = Vec::new();
    loop {
        let mut counts = std::collections::HashMap::new();
        for e in exprs.iter_mut() {
            e.count_subexprs(&mut counts);
        }
        // The longest text is the largest expression; ties broken by text for determinism.
        let Some(key) = counts
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(k, _)| k)
            .max_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)))
        else {
            return shared;
        };
        let col = base + shared.len();
        let mut found = None;
        for e in exprs.iter_mut() {
            if found.is_none() {
                found = e.find_subexpr(&key);
            }
            e.replace_subexpr(&key, col);
        }
        match found {
            Some(f) => shared.push(f),
            None => return shared,
        }
    }
}

impl CompiledExpr {
    /// A copy of the first sub-expression whose structural text is `key`.
    fn find_subexpr(&mut self, key: &str) -> Option<CompiledExpr> {
        if format!("{self:?}") == key {
            return Some(self.clone());
        }
        self.children_mut()
            .into_iter()
            .find_map(|c| c.find_subexpr(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str) -> TExpr {
        TExpr {
            kind: TKind::Column(name.into()),
            ty: DataType::F64,
        }
    }

    fn arith(op: ArithOp, a: TExpr, b: TExpr) -> TExpr {
        TExpr {
            kind: TKind::Arith(op, Box::new(a), Box::new(b)),
            ty: DataType::F64,
        }
    }

    fn one() -> TExpr {
        TExpr {
            kind: TKind::Literal(Scalar::Float(1.0)),
            ty: DataType::F64,
        }
    }

    #[test]
    fn common_subexpressions_are_evaluated_once_with_the_same_results() {
        let names = ["p", "d", "t"];
        // p * (1 - d), p * (1 - d) * (1 + t), (1 + t), p
        let disc = || arith(ArithOp::Mul, col("p"), arith(ArithOp::Sub, one(), col("d")));
        let tax = || arith(ArithOp::Add, one(), col("t"));
        let typed = [disc(), arith(ArithOp::Mul, disc(), tax()), tax(), col("p")];
        let mut exprs: Vec<CompiledExpr> =
            typed.iter().map(|e| compile(e, &names).unwrap()).collect();
        let original = exprs.clone();
        let mut refs: Vec<&mut CompiledExpr> = exprs.iter_mut().collect();
        let shared = share_common_subexprs(&mut refs, 3);
        assert_eq!(shared.len(), 2, "{shared:?}");
        assert!(matches!(exprs[0].node, Node::Col(3)), "{:?}", exprs[0]);
        assert!(matches!(exprs[2].node, Node::Col(4)), "{:?}", exprs[2]);
        assert!(matches!(exprs[3].node, Node::Col(0)));

        let mut cols = vec![
            Column::from_values(&[10.0f64, 20.0, 30.0]),
            Column::from_values(&[0.5f64, 0.25, 0.0]),
            Column::from_options(&[Some(0.5f64), None, Some(1.0)]),
        ];
        let want: Vec<Column> = original.iter().map(|e| e.eval(&cols, 3).unwrap()).collect();
        for s in &shared {
            let c = s.eval(&cols, 3).unwrap();
            cols.push(c);
        }
        for (e, w) in exprs.iter().zip(&want) {
            let got = e.eval(&cols, 3).unwrap();
            let cells = |c: &Column| {
                (0..3)
                    .map(|i| format!("{:?}", c.value(i)))
                    .collect::<Vec<_>>()
            };
            assert_eq!(cells(&got), cells(w));
        }
    }

    #[test]
    fn nothing_is_shared_without_repeats() {
        let names = ["p", "d", "t"];
        let mut e = compile(&arith(ArithOp::Mul, col("p"), col("d")), &names).unwrap();
        let mut c = compile(&col("t"), &names).unwrap();
        assert!(share_common_subexprs(&mut [&mut e, &mut c], 3).is_empty());
        assert!(matches!(e.node, Node::Arith(..)));
    }
}

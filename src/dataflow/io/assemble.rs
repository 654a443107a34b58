//! Column assembly with type inference for readers: values arrive row by row, each column's
//! type is the narrowest of `bool`, `i64`, `f64`, `string` that holds every value seen.
//!
//! `i64` widens to `f64` in place (exact: both round the same decimal to nearest). Widening to
//! `string` needs the original text of earlier values, so the assembler stops building, keeps
//! only the types, and the reader runs a second pass with the final types.

use super::chunked::{BoolChunks, PrimChunks, StrChunks, concat_bool, concat_prim, concat_str};
use crate::dataflow::column::Column;
use crate::dataflow::error::{DataflowError, Result};
use crate::dataflow::memory::MemoryAccount;
use crate::dataflow::types::DataType;

/// The inferred type of a column so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Only nulls so far.
    Null,
    /// `true` / `false`.
    Bool,
    /// Integers.
    I64,
    /// Numbers with a fraction or exponent (or integers mixed with them).
    F64,
    /// Anything else.
    Str,
}

impl Kind {
    /// The narrowest kind holding both.
    pub(crate) fn join(self, other: Kind) -> Kind {
        use Kind::*;
        match (self, other) {
            (Null, k) | (k, Null) => k,
            (a, b) if a == b => a,
            (I64, F64) | (F64, I64) => F64,
            _ => Str,
        }
    }

    /// The column type of a finished column (all-null columns are strings).
    pub(crate) fn data_type(self) -> DataType {
        match self {
            Kind::Null | Kind::Str => DataType::Utf8,
            Kind::Bool => DataType::Bool,
            Kind::I64 => DataType::I64,
            Kind::F64 => DataType::F64,
        }
    }
}

/// One incoming value, already classified by the reader.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Cell {
    /// Missing or empty.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// Text that is not any of the above.
    Text,
}

impl Cell {
    fn kind(&self) -> Kind {
        match self {
            Cell::Null => Kind::Null,
            Cell::Bool(_) => Kind::Bool,
            Cell::Int(_) => Kind::I64,
            Cell::Float(_) => Kind::F64,
            Cell::Text => Kind::Str,
        }
    }
}

enum State {
    Pending(usize),
    Bool(BoolChunks),
    I64(PrimChunks<i64>),
    F64(PrimChunks<f64>),
    Str(StrChunks),
    /// Types only: a widening to string forced a second pass.
    Dropped,
}

/// Builds inferred columns row by row (see the module docs).
pub(crate) struct Assembler {
    kinds: Vec<Kind>,
    states: Vec<State>,
    account: MemoryAccount,
    needs_second_pass: bool,
}

impl Assembler {
    /// Columns that start with the given kinds (from a sample or a first pass).
    pub(crate) fn new(kinds: Vec<Kind>, account: MemoryAccount) -> Self {
        let states = kinds.iter().map(|k| Self::start(*k, 0, &account)).collect();
        Assembler {
            kinds,
            states,
            account,
            needs_second_pass: false,
        }
    }

    fn start(kind: Kind, nulls: usize, account: &MemoryAccount) -> State {
        let mut s = match kind {
            Kind::Null => return State::Pending(nulls),
            Kind::Bool => State::Bool(BoolChunks::new(account.clone())),
            Kind::I64 => State::I64(PrimChunks::new(account.clone())),
            Kind::F64 => State::F64(PrimChunks::new(account.clone())),
            Kind::Str => State::Str(StrChunks::new(account.clone())),
        };
        match &mut s {
            State::Bool(b) => b.append_nulls(nulls),
            State::I64(b) => b.append_nulls(nulls),
            State::F64(b) => b.append_nulls(nulls),
            State::Str(b) => b.append_nulls(nulls),
            State::Pending(_) | State::Dropped => {}
        }
        s
    }

    /// Adds a column that first appears after `rows` rows (they are null in it).
    pub(crate) fn add_column(&mut self, rows: usize) {
        self.kinds.push(Kind::Null);
        self.states.push(if self.needs_second_pass {
            State::Dropped
        } else {
            State::Pending(rows)
        });
    }

    /// The kinds so far.
    pub(crate) fn kinds(&self) -> &[Kind] {
        &self.kinds
    }

    /// True once a column had to widen to string after holding other values.
    pub(crate) fn needs_second_pass(&self) -> bool {
        self.needs_second_pass
    }

    /// Appends `cell` to column `col`; `text` is the value's source text, used when the column
    /// holds strings. Fails (with a message) only when `text` is needed and is not UTF-8.
    pub(crate) fn push(&mut self, col: usize, cell: Cell, text: &[u8]) -> Result<(), String> {
        let kind = self.kinds[col].join(cell.kind());
        if kind != self.kinds[col] {
            self.widen(col, kind);
        }
        let as_text =
            || std::str::from_utf8(text).map_err(|_| "text is not valid UTF-8".to_string());
        match (&mut self.states[col], cell) {
            (State::Dropped, _) => {}
            (State::Pending(n), Cell::Null) => *n += 1,
            (State::Bool(b), Cell::Bool(v)) => b.append_value(v),
            (State::I64(b), Cell::Int(v)) => b.append_value(v),
            (State::F64(b), Cell::Float(v)) => b.append_value(v),
            (State::F64(b), Cell::Int(v)) => b.append_value(v as f64),
            (State::Str(b), Cell::Null) => b.append_null(),
            (State::Str(b), _) => b.append_value(as_text()?),
            (State::Bool(b), Cell::Null) => b.append_null(),
            (State::I64(b), Cell::Null) => b.append_null(),
            (State::F64(b), Cell::Null) => b.append_null(),
            // `widen` made every other combination impossible.
            (_, _) => return Err("internal error: value does not fit its inferred column".into()),
        }
        Ok(())
    }

    /// Makes column `col` hold `to` (a kind that joins its own to `to`), as if a value of that
    /// kind had arrived: nulls so far take the kind, integers convert to floats in place, and
    /// anything else widening to text sets [`Self::needs_second_pass`].
    pub(crate) fn widen_to(&mut self, col: usize, to: Kind) {
        if self.kinds[col] != to {
            self.widen(col, to);
        }
    }

    fn widen(&mut self, col: usize, to: Kind) {
        let from = std::mem::replace(&mut self.states[col], State::Dropped);
        self.kinds[col] = to;
        self.states[col] = match (from, to) {
            (State::Dropped, _) => State::Dropped,
            (State::Pending(n), k) => Self::start(k, n, &self.account),
            // In place, segment by segment; a null's zero slot becomes 0.0, as appended.
            (State::I64(b), Kind::F64) => State::F64(b.map(|v| v as f64)),
            (_, _) => {
                self.needs_second_pass = true;
                for s in &mut self.states {
                    *s = State::Dropped;
                }
                State::Dropped
            }
        };
    }

    /// The first budget error of any column, if any.
    pub(crate) fn check(&self) -> Result<()> {
        self.states.iter().try_for_each(|s| match s {
            State::Bool(b) => b.check(),
            State::I64(b) => b.check(),
            State::F64(b) => b.check(),
            State::Str(b) => b.check(),
            State::Pending(_) | State::Dropped => Ok(()),
        })
    }

    /// The finished columns (all-null columns become string columns of nulls), in the
    /// account's arena when it has one; each column's segments are freed as it is copied there.
    pub(crate) fn finish(self) -> Result<Vec<Column>> {
        let account = self.account.clone();
        Self::concat(vec![self], &account)
    }

    /// The rows of `parts` (assemblers of consecutive pieces of one input, with the same
    /// columns) in order, as finished columns charged to `account`, built one at a time (see
    /// [`ColumnParts::concat`]).
    pub(crate) fn concat(parts: Vec<Assembler>, account: &MemoryAccount) -> Result<Vec<Column>> {
        Self::into_column_parts(parts)?
            .into_iter()
            .map(|c| c.concat(account))
            .collect()
    }

    /// Each column's pieces from every part, after every part's columns widened to the joined
    /// kinds (which must not need a second pass, else the columns come out empty).
    fn into_column_parts(parts: Vec<Assembler>) -> Result<Vec<ColumnParts>> {
        let width = parts.first().map_or(0, |p| p.kinds.len());
        let mut joined = vec![Kind::Null; width];
        for p in &parts {
            for (j, k) in joined.iter_mut().zip(&p.kinds) {
                *j = j.join(*k);
            }
        }
        let mut columns: Vec<Vec<State>> = (0..width).map(|_| Vec::new()).collect();
        for mut p in parts {
            for (col, k) in joined.iter().enumerate() {
                p.widen_to(col, *k);
            }
            if p.kinds.len() != width {
                return Err(internal("parts that cannot be joined"));
            }
            for (column, state) in columns.iter_mut().zip(p.states) {
                column.push(state);
            }
        }
        Ok(columns.into_iter().map(ColumnParts).collect())
    }
}

/// One column's pieces from consecutive parts of the input, all of one kind.
struct ColumnParts(Vec<State>);

impl ColumnParts {
    /// The finished column, charged to `account` (in its arena when it has one). Each piece's
    /// segments are freed as they are copied, so the column exists twice only in pieces.
    fn concat(self, account: &MemoryAccount) -> Result<Column> {
        Self::concat_states(self.0, account)
    }

    fn concat_states(states: Vec<State>, account: &MemoryAccount) -> Result<Column> {
        fn all<T>(states: Vec<State>, pick: impl Fn(State) -> Option<T>) -> Result<Vec<T>> {
            states
                .into_iter()
                .map(|s| pick(s).ok_or_else(|| internal("parts of different kinds")))
                .collect()
        }
        let Some(first) = states.first() else {
            return Ok(Column::empty(DataType::Utf8));
        };
        Ok(match first {
            State::Pending(_) => {
                let rows = all(states, |s| match s {
                    State::Pending(n) => Some(n),
                    _ => None,
                })?;
                let mut b = StrChunks::new(account.clone());
                b.append_nulls(rows.iter().sum());
                Column::Utf8(concat_str(vec![b], account)?)
            }
            State::Bool(_) => {
                let parts = all(states, |s| match s {
                    State::Bool(b) => Some(b),
                    _ => None,
                })?;
                Column::Bool(concat_bool(parts, account)?)
            }
            State::I64(_) => {
                let parts = all(states, |s| match s {
                    State::I64(b) => Some(b),
                    _ => None,
                })?;
                Column::I64(concat_prim(parts, account)?)
            }
            State::F64(_) => {
                let parts = all(states, |s| match s {
                    State::F64(b) => Some(b),
                    _ => None,
                })?;
                Column::F64(concat_prim(parts, account)?)
            }
            State::Str(_) => {
                let parts = all(states, |s| match s {
                    State::Str(b) => Some(b),
                    _ => None,
                })?;
                Column::Utf8(concat_str(parts, account)?)
            }
            State::Dropped => Column::empty(DataType::Utf8),
        })
    }
}

fn internal(what: &str) -> DataflowError {
    DataflowError::Plan {
        message: format!("internal error: a reader assembled {what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataflow::column::ValueRef;

    #[test]
    fn joins() {
        use Kind::*;
        assert_eq!(Null.join(I64), I64);
        assert_eq!(I64.join(F64), F64);
        assert_eq!(F64.join(I64), F64);
        assert_eq!(Bool.join(I64), Str);
        assert_eq!(Bool.join(Bool), Bool);
        assert_eq!(Str.join(Null), Str);
    }

    #[test]
    fn widens_int_to_float_in_place() {
        let mut a = Assembler::new(vec![Kind::I64], MemoryAccount::unlimited());
        a.push(0, Cell::Int(1), b"1").unwrap();
        a.push(0, Cell::Null, b"").unwrap();
        a.push(0, Cell::Float(2.5), b"2.5").unwrap();
        a.push(0, Cell::Int(3), b"3").unwrap();
        assert!(!a.needs_second_pass());
        let c = a.finish().unwrap();
        assert_eq!(
            c[0],
            Column::from_options(&[Some(1.0f64), None, Some(2.5), Some(3.0)])
        );
    }

    #[test]
    fn pending_nulls_take_the_first_type() {
        let mut a = Assembler::new(vec![Kind::Null, Kind::Null], MemoryAccount::unlimited());
        a.push(0, Cell::Null, b"").unwrap();
        a.push(1, Cell::Null, b"").unwrap();
        a.push(0, Cell::Bool(true), b"true").unwrap();
        a.push(1, Cell::Null, b"").unwrap();
        let c = a.finish().unwrap();
        assert_eq!(c[0], Column::from_bools(&[None, Some(true)]));
        assert_eq!(c[1].data_type(), DataType::Utf8);
        assert_eq!(c[1].null_count(), 2);
    }

    #[test]
    fn widening_to_string_asks_for_a_second_pass() {
        let mut a = Assembler::new(vec![Kind::I64, Kind::Str], MemoryAccount::unlimited());
        a.push(0, Cell::Int(7), b"007").unwrap();
        a.push(1, Cell::Text, b"x").unwrap();
        a.push(0, Cell::Text, b"abc").unwrap();
        assert!(a.needs_second_pass());
        assert_eq!(a.kinds(), &[Kind::Str, Kind::Str]);
        let mut b = Assembler::new(a.kinds().to_vec(), MemoryAccount::unlimited());
        b.push(0, Cell::Int(7), b"007").unwrap();
        b.push(0, Cell::Text, b"abc").unwrap();
        let c = b.finish().unwrap();
        assert_eq!(
            c[0].value(0),
            ValueRef::Utf8("007"),
            "original text is kept"
        );
        let mut s = Assembler::new(vec![Kind::Str], MemoryAccount::unlimited());
        assert!(s.push(0, Cell::Text, b"\xff").is_err());
    }
}

//! `UnionAll` (left then right) and `Distinct` (first occurrence of each row, via a key table
//! over all columns); `union` is `Distinct` over `UnionAll`.

use super::batch::{Batch, BoxOp, Operator, next_dense};
use super::columns::take;
use super::grouper::Grouper;
use crate::dataflow::error::Result;
use crate::dataflow::memory::{MemoryAccount, Reservation};
use crate::dataflow::types::DataType;

/// Concatenates two inputs.
pub struct UnionAllOp {
    inputs: Vec<BoxOp>,
    current: usize,
}

impl UnionAllOp {
    /// `left` then `right`.
    pub fn new(left: BoxOp, right: BoxOp) -> Self {
        UnionAllOp {
            inputs: vec![left, right],
            current: 0,
        }
    }
}

impl Operator for UnionAllOp {
    fn next(&mut self) -> Option<Result<Batch>> {
        while self.current < self.inputs.len() {
            match self.inputs[self.current].next() {
                Some(b) => return Some(b),
                None => self.current += 1,
            }
        }
        None
    }
}

/// Removes duplicate rows, keeping first occurrences in input order.
pub struct DistinctOp {
    input: BoxOp,
    /// Created from the first batch's column types; a new group id is a first occurrence.
    seen: Option<Grouper>,
    ids: Vec<u32>,
    started: bool,
    reservation: Reservation,
}

impl DistinctOp {
    /// Distinct over `input`, charging its table to `account`.
    pub fn new(input: BoxOp, account: &MemoryAccount) -> Self {
        DistinctOp {
            input,
            seen: None,
            ids: Vec::new(),
            started: false,
            reservation: account.empty_reservation(),
        }
    }

    fn step(&mut self) -> Option<Result<Batch>> {
        loop {
            let b = match next_dense(&mut self.input)? {
                Ok(b) => b,
                Err(e) => return Some(Err(e)),
            };
            let seen = self.seen.get_or_insert_with(|| {
                let types: Vec<DataType> = b.columns.iter().map(|c| c.data_type()).collect();
                Grouper::new(&types)
            });
            // A keyless grouper always has its one group: the first row ever is still fresh.
            let before = if b.columns.is_empty() && !self.started {
                0
            } else {
                seen.len() as u32
            };
            self.started = true;
            if let Err(e) = seen.assign(&b.columns, b.len, &mut self.ids) {
                return Some(Err(e));
            }
            // Ids are handed out in row order, so a row is a first occurrence when its id is
            // the next new one.
            let mut fresh = Vec::new();
            let mut next = before;
            for (i, &id) in self.ids.iter().enumerate() {
                if id == next {
                    fresh.push(i as u32);
                    next += 1;
                }
            }
            let bytes = seen.heap_bytes();
            if bytes > self.reservation.bytes()
                && let Err(e) = self
                    .reservation
                    .grow(bytes - self.reservation.bytes(), "distinct")
            {
                return Some(Err(e));
            }
            if fresh.is_empty() {
                continue;
            }
            if fresh.len() == b.len {
                return Some(Ok(b));
            }
            let cols: Result<Vec<_>> = b.columns.iter().map(|c| take(c, &fresh)).collect();
            return Some(cols.map(|c| Batch::new(c, fresh.len())));
        }
    }
}

impl Operator for DistinctOp {
    fn next(&mut self) -> Option<Result<Batch>> {
        self.step()
    }
}

//! `UnionAll` (left then right) and `Distinct` (first occurrence of each row, via a key table
//! over all columns); `union` is `Distinct` over `UnionAll`.

use super::batch::{Batch, BoxOp, Operator, next_dense};
use super::columns::take;
use super::keys::{EncodedKeys, KeyTable, encode};
use crate::dataflow::error::Result;
use crate::dataflow::memory::{MemoryAccount, Reservation};

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
    seen: KeyTable,
    keys: EncodedKeys,
    reservation: Reservation,
}

impl DistinctOp {
    /// Distinct over `input`, charging its table to `account`.
    pub fn new(input: BoxOp, account: &MemoryAccount) -> Self {
        DistinctOp {
            input,
            seen: KeyTable::new(),
            keys: EncodedKeys::default(),
            reservation: account.empty_reservation(),
        }
    }

    fn step(&mut self) -> Option<Result<Batch>> {
        loop {
            let b = match next_dense(&mut self.input)? {
                Ok(b) => b,
                Err(e) => return Some(Err(e)),
            };
            encode(&b.columns, b.len, &mut self.keys);
            let mut fresh = Vec::new();
            for i in 0..b.len {
                if self
                    .seen
                    .find_or_insert(self.keys.key(i), self.keys.hashes[i])
                    .1
                {
                    fresh.push(i as u32);
                }
            }
            let bytes = self.seen.heap_bytes();
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

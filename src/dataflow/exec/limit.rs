//! `Limit`: skips `offset` rows, passes `count`, and stops pulling its input once done.

use super::batch::{Batch, BoxOp, Operator, next_dense};
use crate::dataflow::error::Result;

/// Skips then keeps rows.
pub struct LimitOp {
    input: BoxOp,
    skip: u64,
    left: u64,
}

impl LimitOp {
    /// A limit over `input`.
    pub fn new(input: BoxOp, count: u64, offset: u64) -> Self {
        LimitOp {
            input,
            skip: offset,
            left: count,
        }
    }
}

impl Operator for LimitOp {
    fn next(&mut self) -> Option<Result<Batch>> {
        while self.left > 0 {
            let b = match next_dense(&mut self.input)? {
                Ok(b) => b,
                Err(e) => return Some(Err(e)),
            };
            let n = b.len as u64;
            if self.skip >= n {
                self.skip -= n;
                continue;
            }
            let start = self.skip as usize;
            self.skip = 0;
            let take = (n - start as u64).min(self.left) as usize;
            self.left -= take as u64;
            return Some(Ok(b.slice(start, take)));
        }
        None
    }
}

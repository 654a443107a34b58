//! Sharing one node's output between several users (after `EliminateCommonSubplans`, or when a
//! program uses one node twice): the first reader to need a batch pulls it from the source and
//! keeps it; every reader has its own cursor. The node is computed once.

use std::cell::RefCell;
use std::rc::Rc;

use super::batch::{Batch, BoxOp, Operator};
use crate::dataflow::error::Result;

struct State {
    source: BoxOp,
    batches: Vec<Batch>,
    done: bool,
    error: Option<crate::dataflow::error::DataflowError>,
}

/// A handle from which readers are made.
#[derive(Clone)]
pub struct Shared(Rc<RefCell<State>>);

impl Shared {
    /// Shares `source`.
    pub fn new(source: BoxOp) -> Self {
        Shared(Rc::new(RefCell::new(State {
            source,
            batches: Vec::new(),
            done: false,
            error: None,
        })))
    }

    /// A new reader starting at the first batch.
    pub fn reader(&self) -> BoxOp {
        Box::new(SharedReader {
            state: self.clone(),
            pos: 0,
        })
    }
}

struct SharedReader {
    state: Shared,
    pos: usize,
}

impl Operator for SharedReader {
    fn next(&mut self) -> Option<Result<Batch>> {
        let mut st = self.state.0.borrow_mut();
        if let Some(e) = &st.error {
            return Some(Err(e.clone()));
        }
        if self.pos >= st.batches.len() {
            if st.done {
                return None;
            }
            match st.source.next() {
                None => {
                    st.done = true;
                    return None;
                }
                Some(Err(e)) => {
                    st.error = Some(e.clone());
                    return Some(Err(e));
                }
                Some(Ok(b)) => st.batches.push(b),
            }
        }
        self.pos += 1;
        Some(Ok(st.batches[self.pos - 1].clone()))
    }
}

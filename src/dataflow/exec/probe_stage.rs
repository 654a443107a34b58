//! A hash join as a pipeline stage: the build side is read and its key table built once,
//! up front; the probe side then streams through a [`ProbeOp`], which needs nothing but the
//! shared, read-only build. Scan pipelines split across threads ([`super::parallel`]) probe
//! through it, one [`ProbeOp`] a thread, so the big (fact-table) side of a join is probed in
//! parallel and its output flows straight into the consumer (an aggregate) on each thread.
//!
//! Only joins whose output needs no state across probe batches can be a stage: every kind but
//! `full` (which must remember which build rows ever matched).

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;

use super::batch::{Batch, BoxOp, Operator, next_live};
use super::join::{Build, JoinSpec, Prober, Scratch};
use crate::dataflow::error::Result;
use crate::dataflow::expr::parser::JoinKind;
use crate::dataflow::memory::{MemoryAccount, Reservation};

/// A join whose build side is loaded, shared by the threads probing it.
pub struct ProbeStage {
    spec: JoinSpec,
    build: Build,
    /// Keeps the key table charged to the budget while the stage lives.
    _reservation: Reservation,
}

impl fmt::Debug for ProbeStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProbeStage")
            .field("kind", &self.spec.kind)
            .field("build_left", &self.spec.build_left)
            .finish_non_exhaustive()
    }
}

impl ProbeStage {
    /// True when a join of `kind` can run as a stage (see the module comment).
    pub fn supports(kind: JoinKind) -> bool {
        kind != JoinKind::Full
    }

    /// Reads the build side `build_input` whole and builds its key table.
    pub fn load(spec: JoinSpec, mut build_input: BoxOp, account: &MemoryAccount) -> Result<Self> {
        debug_assert!(Self::supports(spec.kind));
        let mut reservation = account.empty_reservation();
        let build = Build::load(&spec, &mut build_input, account, &mut reservation)?;
        Ok(ProbeStage {
            spec,
            build,
            _reservation: reservation,
        })
    }

    /// An operator joining the batches of `probe` (the probe side) with the build side.
    pub fn operator(self: &Arc<Self>, probe: BoxOp) -> BoxOp {
        Box::new(ProbeOp {
            stage: Arc::clone(self),
            probe,
            scratch: Scratch::default(),
            queue: VecDeque::new(),
        })
    }
}

/// Joins each probe batch as it arrives; output in probe order (as [`super::join::JoinOp`]).
struct ProbeOp {
    stage: Arc<ProbeStage>,
    probe: BoxOp,
    scratch: Scratch,
    queue: VecDeque<Batch>,
}

impl ProbeOp {
    fn step(&mut self) -> Result<Option<Batch>> {
        loop {
            if let Some(b) = self.queue.pop_front() {
                return Ok(Some(b));
            }
            let Some(batch) = next_live(&mut self.probe) else {
                return Ok(None);
            };
            let prober = Prober {
                spec: &self.stage.spec,
                build: &self.stage.build,
            };
            self.queue
                .extend(prober.process(&batch?, &mut self.scratch)?.out);
        }
    }
}

impl Operator for ProbeOp {
    fn next(&mut self) -> Option<Result<Batch>> {
        self.step().transpose()
    }
}

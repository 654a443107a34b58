//! `Aggregate`: hash aggregation. Reads its whole input, assigning each row a group id (see
//! `grouper.rs`) and folding argument values into per-group states (`agg_state.rs`), then emits
//! the key columns and one column per aggregate in batches. A keyless aggregate emits one row
//! even for empty input. Group tables and states are charged to the memory budget.

use super::agg_state::AggState;
use super::batch::{BATCH_SIZE, Batch, BoxOp, Operator, next_dense};
use super::grouper::Grouper;
use crate::dataflow::column::Column;
use crate::dataflow::error::Result;
use crate::dataflow::expr::functions::AggFunc;
use crate::dataflow::expr::kernels::CompiledExpr;
use crate::dataflow::memory::{MemoryAccount, Reservation};
use crate::dataflow::types::DataType;

/// One compiled aggregate.
pub struct AggSpec {
    /// The function.
    pub func: AggFunc,
    /// The argument (none for `count(*)`).
    pub arg: Option<CompiledExpr>,
    /// The result type.
    pub out: DataType,
    /// The output name (for error messages).
    pub name: String,
}

/// Hash aggregation.
pub struct AggregateOp {
    input: BoxOp,
    keys: Vec<CompiledExpr>,
    aggs: Vec<AggSpec>,
    grouper: Grouper,
    states: Vec<AggState>,
    reservation: Reservation,
    output: Option<(Vec<Column>, usize, usize)>,
}

impl AggregateOp {
    /// Aggregates `input` by `keys`.
    pub fn new(
        input: BoxOp,
        keys: Vec<CompiledExpr>,
        aggs: Vec<AggSpec>,
        account: &MemoryAccount,
    ) -> Self {
        let types: Vec<DataType> = keys.iter().map(|k| k.ty).collect();
        let states = aggs
            .iter()
            .map(|a| AggState::new(a.func, a.arg.as_ref().map(|e| e.ty)))
            .collect();
        AggregateOp {
            input,
            keys,
            aggs,
            grouper: Grouper::new(&types),
            states,
            reservation: account.empty_reservation(),
            output: None,
        }
    }

    fn consume(&mut self) -> Result<()> {
        let mut groups = Vec::with_capacity(BATCH_SIZE);
        let per_group: usize = self.states.iter().map(AggState::bytes_per_group).sum();
        while let Some(b) = next_dense(&mut self.input) {
            let b = b?;
            let key_cols = self
                .keys
                .iter()
                .map(|k| k.eval(&b.columns, b.len))
                .collect::<Result<Vec<_>>>()?;
            self.grouper.assign(&key_cols, b.len, &mut groups)?;
            let ng = self.grouper.len();
            for (spec, state) in self.aggs.iter().zip(&mut self.states) {
                state.resize(ng);
                let arg = spec
                    .arg
                    .as_ref()
                    .map(|a| a.eval(&b.columns, b.len))
                    .transpose()?;
                state.update(
                    &groups,
                    arg.as_ref(),
                    spec.arg.as_ref().map(|a| a.ty),
                    b.len,
                )?;
            }
            let bytes = self.grouper.heap_bytes() + ng * per_group;
            if bytes > self.reservation.bytes() {
                self.reservation
                    .grow(bytes - self.reservation.bytes(), "aggregate")?;
            }
        }
        let ng = self.grouper.len();
        let mut cols = self.grouper.key_columns()?;
        for (spec, state) in self.aggs.iter().zip(&mut self.states) {
            state.resize(ng);
            cols.push(state.finish(spec.out, &spec.name)?);
        }
        self.output = Some((cols, ng, 0));
        Ok(())
    }
}

impl Operator for AggregateOp {
    fn next(&mut self) -> Option<Result<Batch>> {
        if self.output.is_none()
            && let Err(e) = self.consume()
        {
            return Some(Err(e));
        }
        let (cols, n, pos) = self.output.as_mut()?;
        if *pos >= *n {
            return None;
        }
        let len = BATCH_SIZE.min(*n - *pos);
        let batch = Batch::new(cols.iter().map(|c| c.slice(*pos, len)).collect(), len);
        *pos += len;
        Some(Ok(batch))
    }
}

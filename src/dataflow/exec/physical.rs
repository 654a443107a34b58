//! Turning an optimised plan into a tree of physical operators. A node with several users is
//! wrapped in [`Shared`] so it runs once.

use std::collections::HashMap;
use std::sync::Arc;

use super::agg_radix::Switch;
use super::aggregate::{AggSpec, AggregateOp};
use super::batch::BoxOp;
use super::compute::{FilterOp, ProjectOp, Source};
use super::join::{JoinOp, JoinSpec};
use super::limit::LimitOp;
use super::merge_join::MergeJoinOp;
use super::parallel::{CollectOp, MIN_ROWS, PARTS, ScanSplit, Stage};
use super::probe_stage::ProbeStage;
use super::scan::ScanOp;
use super::setops::{DistinctOp, UnionAllOp};
use super::shared::Shared;
use super::sort::{SortOp, SortSpec};
use crate::dataflow::error::Result;
use crate::dataflow::expr::kernels::{CompiledExpr, compile, internal};
use crate::dataflow::expr::parser::JoinKind;
use crate::dataflow::memory::{MemoryAccount, MemoryBudget};
use crate::dataflow::optimize::Plan;
use crate::dataflow::plan::node::SortKey;
use crate::dataflow::plan::order::{MergeKeys, merge_keys};
use crate::dataflow::plan::{NodeId, PlanKind};
use crate::dataflow::types::DataType;

/// Builds operators for a plan.
pub struct PhysicalBuilder<'a> {
    plan: &'a Plan,
    budget: &'a MemoryBudget,
    users: Vec<usize>,
    shared: HashMap<NodeId, Shared>,
    min_parallel_rows: usize,
    radix_switch: Switch,
}

/// A rough row-count estimate, used to pick the build side of inner joins.
pub fn estimate_rows(plan: &Plan, id: NodeId) -> f64 {
    let node = plan.node(id);
    let input = |i: NodeId| estimate_rows(plan, i);
    match &node.kind {
        PlanKind::Scan {
            table, predicate, ..
        } => {
            let n = table.num_rows() as f64;
            if predicate.is_some() { n * 0.5 } else { n }
        }
        PlanKind::Filter { input: i, .. } => input(*i) * 0.5,
        PlanKind::Project { input: i, .. }
        | PlanKind::Map { input: i, .. }
        | PlanKind::Sort { input: i, .. } => input(*i),
        PlanKind::Distinct { input: i } => input(*i) * 0.8,
        PlanKind::Aggregate { input: i, keys, .. } => {
            if keys.is_empty() {
                1.0
            } else {
                input(*i) * 0.5
            }
        }
        PlanKind::Limit {
            input: i, count, ..
        }
        | PlanKind::TopN {
            input: i, count, ..
        } => input(*i).min(*count as f64),
        PlanKind::Join {
            left, right, kind, ..
        } => match kind {
            JoinKind::Semi | JoinKind::Anti => input(*left),
            _ => input(*left).max(input(*right)),
        },
        PlanKind::Union { left, right, .. } => input(*left) + input(*right),
    }
}

/// Which side an inner join builds its hash table on (`true` = left), as explain shows it.
pub fn build_left(plan: &Plan, kind: JoinKind, left: NodeId, right: NodeId) -> bool {
    match kind {
        JoinKind::Inner => estimate_rows(plan, left) < estimate_rows(plan, right),
        JoinKind::Right => true,
        _ => false,
    }
}

impl<'a> PhysicalBuilder<'a> {
    /// A builder for `plan` charging operator state to `budget`.
    pub fn new(plan: &'a Plan, budget: &'a MemoryBudget) -> Self {
        PhysicalBuilder {
            plan,
            budget,
            users: plan.parent_counts(),
            shared: HashMap::new(),
            min_parallel_rows: MIN_ROWS,
            radix_switch: Switch::default(),
        }
    }

    fn names(&self, id: NodeId) -> Vec<&'a str> {
        self.plan
            .columns(id)
            .iter()
            .map(|c| c.name.as_str())
            .collect()
    }

    fn types(&self, id: NodeId) -> Vec<DataType> {
        self.plan.columns(id).iter().map(|c| c.ty).collect()
    }

    /// The operator computing node `id`.
    pub fn build(&mut self, id: NodeId) -> Result<BoxOp> {
        if self.users[id.index()] > 1 {
            if let Some(s) = self.shared.get(&id) {
                return Ok(s.reader());
            }
            let op = self.build_node(id)?;
            let s = Shared::new(op);
            self.shared.insert(id, s.clone());
            return Ok(s.reader());
        }
        self.build_node(id)
    }

    /// The input and output columns of a `Project` or `Map` node.
    fn projection(&self, id: NodeId) -> Result<(NodeId, Vec<Source>)> {
        let plan = self.plan;
        match &plan.node(id).kind {
            PlanKind::Project { input, items } => {
                let names = self.names(*input);
                let outs = items
                    .iter()
                    .map(|it| match &it.expr.kind {
                        crate::dataflow::expr::typed::TKind::Column(c) => names
                            .iter()
                            .position(|n| n == c)
                            .map(Source::Input)
                            .map_or_else(|| compile(&it.expr, &names).map(Source::Expr), Ok),
                        _ => compile(&it.expr, &names).map(Source::Expr),
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok((*input, outs))
            }
            PlanKind::Map { input, items } => {
                let names = self.names(*input);
                let mut outs = Vec::new();
                for out in plan.columns(id) {
                    match items.iter().find(|it| it.name == out.name) {
                        Some(it) => outs.push(Source::Expr(compile(&it.expr, &names)?)),
                        None => {
                            let i = names.iter().position(|n| *n == out.name).ok_or_else(|| {
                                crate::dataflow::expr::kernels::internal(format!(
                                    "map lost column {}",
                                    out.name
                                ))
                            })?;
                            outs.push(Source::Input(i));
                        }
                    }
                }
                Ok((*input, outs))
            }
            _ => Err(crate::dataflow::expr::kernels::internal(
                "projection expected",
            )),
        }
    }

    /// The compiled pushed-down predicate of a scan, with the table columns it reads.
    fn scan_predicate(
        table_columns: &[crate::dataflow::plan::node::PlanColumn],
        predicate: Option<&crate::dataflow::expr::typed::TExpr>,
    ) -> Result<Option<(crate::dataflow::expr::kernels::CompiledExpr, Vec<usize>)>> {
        let Some(p) = predicate else {
            return Ok(None);
        };
        let used: Vec<usize> = p
            .columns()
            .iter()
            .filter_map(|c| table_columns.iter().position(|t| &t.name == c))
            .collect();
        let names: Vec<&str> = used
            .iter()
            .map(|&i| table_columns[i].name.as_str())
            .collect();
        Ok(Some((compile(p, &names)?, used)))
    }

    /// The compiled join of node `id` and, when both inputs are sorted on its keys, the key
    /// order for a merge join.
    fn join_spec(&self, id: NodeId) -> Result<(JoinSpec, Option<MergeKeys>)> {
        let plan = self.plan;
        let PlanKind::Join {
            left,
            right,
            kind,
            cond,
        } = &plan.node(id).kind
        else {
            return Err(internal("join expected"));
        };
        let lnames = self.names(*left);
        let rnames = self.names(*right);
        let mut joined: Vec<&str> = lnames.clone();
        for r in &rnames {
            joined.push(
                cond.joined_name(r)
                    .ok_or_else(|| internal(format!("join lost right column {r}")))?,
            );
        }
        // Merge join: keys in the order both inputs are sorted on.
        let merge = merge_keys(plan, *left, *right, cond);
        let equi: Vec<_> = match &merge {
            Some(m) => m.order.iter().map(|&k| &cond.equi[k]).collect(),
            None => cond.equi.iter().collect(),
        };
        let spec = JoinSpec {
            kind: *kind,
            build_left: build_left(plan, *kind, *left, *right),
            left_keys: equi
                .iter()
                .map(|(l, _)| compile(l, &lnames))
                .collect::<Result<_>>()?,
            right_keys: equi
                .iter()
                .map(|(_, r)| compile(r, &rnames))
                .collect::<Result<_>>()?,
            residual: cond
                .residual
                .as_ref()
                .map(|r| compile(r, &joined))
                .transpose()?,
            left_types: self.types(*left),
            right_types: self.types(*right),
        };
        Ok((spec, merge))
    }

    /// The operator for node `id` when its consumer reads it whole before producing anything
    /// (a join's build side, a sort, `materialize` of the plan's root): a split pipeline is
    /// then read on several threads.
    pub fn build_collected(&mut self, id: NodeId) -> Result<BoxOp> {
        // A bare scan only slices the table: nothing to share between threads.
        if let PlanKind::Scan {
            predicate: None, ..
        } = &self.plan.node(id).kind
        {
            return self.build(id);
        }
        match self.split_scan(id)? {
            Some(split) => Ok(Box::new(CollectOp::new(split))),
            None => self.build(id),
        }
    }

    /// The nodes from `id` down to a scan that form a pipeline worker threads can split:
    /// filters, projections and hash joins that can run as probe stages (followed down
    /// their probe side), each used only here, over a table of at least `min_parallel_rows`
    /// rows. `None` when the budget is limited (parallel paths do not charge it per thread)
    /// or the chain does not qualify.
    fn split_chain(&self, mut id: NodeId) -> Option<Vec<NodeId>> {
        if self.budget.limit() != usize::MAX {
            return None;
        }
        let mut chain = Vec::new();
        loop {
            if self.users[id.index()] > 1 {
                return None;
            }
            chain.push(id);
            match &self.plan.node(id).kind {
                PlanKind::Scan { table, .. } => {
                    return (table.num_rows() >= self.min_parallel_rows).then_some(chain);
                }
                PlanKind::Filter { input, .. }
                | PlanKind::Project { input, .. }
                | PlanKind::Map { input, .. } => id = *input,
                PlanKind::Join {
                    left,
                    right,
                    kind,
                    cond,
                } => {
                    let hashed = !cond.equi.is_empty()
                        && merge_keys(self.plan, *left, *right, cond).is_none();
                    if !hashed || !ProbeStage::supports(*kind) {
                        return None;
                    }
                    id = if build_left(self.plan, *kind, *left, *right) {
                        *right
                    } else {
                        *left
                    };
                }
                _ => return None,
            }
        }
    }

    /// Whether the split pipeline at `id` ([`Self::split_chain`]) joins (its batches are then
    /// built, not slices of the scanned table).
    fn split_joins(&self, id: NodeId) -> bool {
        self.split_chain(id).is_some_and(|chain| {
            chain
                .iter()
                .any(|n| matches!(self.plan.node(*n).kind, PlanKind::Join { .. }))
        })
    }

    /// Node `id` as a scan pipeline that worker threads can split ([`Self::split_chain`]);
    /// the build sides of its joins are loaded here, before the pipeline runs.
    fn split_scan(&mut self, id: NodeId) -> Result<Option<ScanSplit>> {
        let Some(chain) = self.split_chain(id) else {
            return Ok(None);
        };
        let mut stages = Vec::new();
        for &id in chain.iter().rev() {
            match &self.plan.node(id).kind {
                PlanKind::Scan { .. } => {}
                PlanKind::Filter { input, predicate } => {
                    let names = self.names(*input);
                    stages.push(Stage::Filter(compile(predicate, &names)?));
                }
                PlanKind::Project { .. } | PlanKind::Map { .. } => {
                    stages.push(Stage::Project(self.projection(id)?.1));
                }
                PlanKind::Join { left, right, .. } => {
                    let (spec, _) = self.join_spec(id)?;
                    let build_side = if spec.build_left { *left } else { *right };
                    let input = self.build_collected(build_side)?;
                    let account = MemoryAccount::new(self.budget, "join");
                    let stage = ProbeStage::load(spec, input, &account)?;
                    stages.push(Stage::Probe(Arc::new(stage)));
                }
                _ => return Err(internal("split pipeline node expected")),
            }
        }
        let Some(&scan) = chain.last() else {
            return Err(internal("empty split pipeline"));
        };
        let PlanKind::Scan {
            table,
            table_columns,
            columns,
            predicate,
        } = &self.plan.node(scan).kind
        else {
            return Err(internal("split pipeline without a scan"));
        };
        let pred = Self::scan_predicate(table_columns, predicate.as_ref())?;
        Ok(Some(ScanSplit::new(
            (**table).clone(),
            columns.clone(),
            pred,
            stages,
            PARTS,
        )))
    }

    /// Sets the smallest table that [`Self::build`] splits across threads (tests lower it
    /// to run the parallel paths on small inputs).
    pub fn with_min_parallel_rows(mut self, rows: usize) -> Self {
        self.min_parallel_rows = rows;
        self
    }

    /// Sets when parallel aggregates and distincts partition their rows by key hash instead of
    /// merging per-thread tables (tests move it to run both paths on small inputs).
    pub fn with_radix_switch(mut self, switch: Switch) -> Self {
        self.radix_switch = switch;
        self
    }

    fn sort_specs(&self, keys: &[SortKey], names: &[&str]) -> Result<Vec<SortSpec>> {
        keys.iter()
            .map(|k| {
                Ok(SortSpec {
                    expr: compile(&k.expr, names)?,
                    descending: k.descending,
                    nulls_first: k.nulls_first,
                })
            })
            .collect()
    }

    fn build_node(&mut self, id: NodeId) -> Result<BoxOp> {
        let plan = self.plan;
        let node = plan.node(id);
        Ok(match &node.kind {
            PlanKind::Scan {
                table,
                table_columns,
                columns,
                predicate,
            } => {
                let pred = Self::scan_predicate(table_columns, predicate.as_ref())?;
                Box::new(ScanOp::new((**table).clone(), columns.clone(), pred))
            }
            PlanKind::Filter { input, predicate } => {
                let names = self.names(*input);
                let pred = compile(predicate, &names)?;
                Box::new(FilterOp::new(self.build(*input)?, pred))
            }
            PlanKind::Project { .. } | PlanKind::Map { .. } => {
                let (input, sources) = self.projection(id)?;
                Box::new(ProjectOp::new(self.build(input)?, sources))
            }
            PlanKind::Join { left, right, .. } => {
                let (spec, merge) = self.join_spec(id)?;
                let account = MemoryAccount::new(self.budget, "join");
                if let Some(m) = merge {
                    let l = self.build(*left)?;
                    let r = self.build(*right)?;
                    return Ok(Box::new(MergeJoinOp::new(
                        spec,
                        m.descending,
                        l,
                        r,
                        account,
                    )));
                }
                // The build side is read whole: on two threads when it is a split pipeline.
                let (l, r) = if spec.build_left {
                    (self.build_collected(*left)?, self.build(*right)?)
                } else {
                    (self.build(*left)?, self.build_collected(*right)?)
                };
                Box::new(JoinOp::new(spec, l, r, account))
            }
            PlanKind::Aggregate { input, keys, aggs } => {
                let names = self.names(*input);
                let keys = keys
                    .iter()
                    .map(|k| compile(&k.expr, &names))
                    .collect::<Result<Vec<_>>>()?;
                let aggs = aggs
                    .iter()
                    .map(|a| {
                        Ok(AggSpec {
                            func: a.func,
                            arg: a.arg.as_ref().map(|e| compile(e, &names)).transpose()?,
                            out: a.ty,
                            name: a.name.clone(),
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                let account = MemoryAccount::new(self.budget, "aggregate");
                // Aggregates that cannot merge partial states (`count(distinct)`) need keys:
                // with few groups the second range holds its batches for the first range's
                // table, which costs nothing over a scan but would keep half of a join's output.
                let holds_cheaply = !keys.is_empty() && !self.split_joins(*input);
                if (AggregateOp::can_merge(&aggs) || holds_cheaply)
                    && let Some(split) = self.split_scan(*input)?
                {
                    let op = AggregateOp::parallel(split, keys, aggs, &account);
                    return Ok(Box::new(op.with_switch(self.radix_switch)));
                }
                Box::new(AggregateOp::new(self.build(*input)?, keys, aggs, &account))
            }
            PlanKind::Sort { input, keys } => {
                let names = self.names(*input);
                let specs = self.sort_specs(keys, &names)?;
                let types = self.types(*input);
                Box::new(SortOp::new(
                    self.build_collected(*input)?,
                    specs,
                    types,
                    None,
                    MemoryAccount::new(self.budget, "sort"),
                ))
            }
            PlanKind::TopN {
                input,
                keys,
                count,
                offset,
            } => {
                let names = self.names(*input);
                let specs = self.sort_specs(keys, &names)?;
                let types = self.types(*input);
                let acc = MemoryAccount::new(self.budget, "sort");
                Box::new(SortOp::new(
                    self.build(*input)?,
                    specs,
                    types,
                    Some((*count, *offset)),
                    acc,
                ))
            }
            PlanKind::Limit {
                input,
                count,
                offset,
            } => Box::new(LimitOp::new(self.build(*input)?, *count, *offset)),
            PlanKind::Distinct { input } => {
                if let Some(split) = self.split_scan(*input)? {
                    // Distinct is grouping by every column without aggregates: the same first-
                    // seen order and the same key equality (the grouper serves both).
                    let keys = self
                        .types(*input)
                        .into_iter()
                        .enumerate()
                        .map(|(i, t)| CompiledExpr::column(i, t))
                        .collect();
                    let account = MemoryAccount::new(self.budget, "distinct");
                    let op = AggregateOp::parallel(split, keys, Vec::new(), &account);
                    return Ok(Box::new(op.with_switch(self.radix_switch)));
                }
                let acc = MemoryAccount::new(self.budget, "distinct");
                Box::new(DistinctOp::new(self.build(*input)?, &acc))
            }
            PlanKind::Union { left, right, all } => {
                let u: BoxOp = Box::new(UnionAllOp::new(self.build(*left)?, self.build(*right)?));
                if *all {
                    u
                } else {
                    Box::new(DistinctOp::new(
                        u,
                        &MemoryAccount::new(self.budget, "union"),
                    ))
                }
            }
        })
    }
}

//! The public façade of the dataflow engine, used by the VM bridge: a [`Dag`] of lazy nodes
//! (§8) built from tables and expression strings, then optimised and run by
//! [`Dag::materialize`], or described by [`Dag::explain`].

use std::sync::Arc;

use crate::dataflow::error::{DataflowError, Result};
use crate::dataflow::exec::batch::next_dense;
use crate::dataflow::exec::columns::concat;
use crate::dataflow::exec::parallel::per_column;
use crate::dataflow::exec::physical::PhysicalBuilder;
use crate::dataflow::expr::parser::{JoinKind, parse_join_kind};
use crate::dataflow::memory::{MemoryAccount, MemoryBudget};
use crate::dataflow::optimize::{Plan, optimize};
pub use crate::dataflow::plan::NodeId;
use crate::dataflow::plan::build::{self, BuildError};
use crate::dataflow::plan::explain::explain;
use crate::dataflow::plan::{Node, PlanColumn, PlanKind};
use crate::dataflow::plan_io::{Origin, owned};
use crate::dataflow::table::Table;
use crate::dataflow::types::{Field, Schema};

/// A lazy dataflow graph: an arena of nodes, each referring only to earlier nodes.
#[derive(Clone, Debug, Default)]
pub struct Dag {
    nodes: Vec<Node>,
    /// The §8 call that created each node (parallel to `nodes`), so a plan can be saved.
    origins: Vec<Origin>,
}

fn plan_error(message: BuildError) -> DataflowError {
    DataflowError::Plan { message }
}

impl Dag {
    /// An empty graph.
    pub fn new() -> Self {
        Dag::default()
    }

    /// Number of nodes created so far.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when no node exists.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    fn node(&self, id: NodeId) -> Result<&Node> {
        self.nodes
            .get(id.index())
            .ok_or_else(|| DataflowError::Plan {
                message: format!(
                    "unknown dataflow node #{} (this graph has {} nodes)",
                    id.0,
                    self.nodes.len()
                ),
            })
    }

    fn cols(&self, id: NodeId) -> Result<&[PlanColumn]> {
        Ok(&self.node(id)?.columns)
    }

    fn push(&mut self, (kind, columns): (PlanKind, Vec<PlanColumn>), origin: Origin) -> NodeId {
        self.nodes.push(Node { kind, columns });
        self.origins.push(origin);
        NodeId((self.nodes.len() - 1) as u32)
    }

    /// Node `id` and the §8 call that created it (for saving plans).
    pub(crate) fn node_and_origin(&self, id: NodeId) -> Result<(&Node, &Origin)> {
        Ok((self.node(id)?, &self.origins[id.index()]))
    }

    /// The ids of the nodes `n` depends on, `n` included, in increasing order.
    pub(crate) fn ancestors(&self, n: NodeId) -> Result<Vec<NodeId>> {
        self.node(n)?;
        let mut keep = vec![false; n.index() + 1];
        keep[n.index()] = true;
        for i in (0..=n.index()).rev() {
            if keep[i] {
                for input in self.nodes[i].kind.inputs() {
                    keep[input.index()] = true;
                }
            }
        }
        Ok((0..keep.len())
            .filter(|&i| keep[i])
            .map(|i| NodeId(i as u32))
            .collect())
    }

    /// The §8-level inputs of node `n`: its inputs, looking through internal nodes.
    pub(crate) fn call_inputs(&self, n: NodeId) -> Result<Vec<NodeId>> {
        let mut out = Vec::new();
        for input in self.node(n)?.kind.inputs() {
            if self.origins[input.index()] == Origin::Internal {
                out.extend(self.call_inputs(input)?);
            } else {
                out.push(input);
            }
        }
        Ok(out)
    }

    /// The output schema of node `n`.
    pub fn schema(&self, n: NodeId) -> Result<Schema> {
        Schema::new(
            self.cols(n)?
                .iter()
                .map(|c| Field::new(c.name.clone(), c.ty, true))
                .collect(),
        )
    }

    /// `scan(t)`: all rows of `table`.
    pub fn scan(&mut self, table: Table) -> NodeId {
        let table_columns: Vec<PlanColumn> = table
            .schema()
            .fields()
            .iter()
            .map(|f| PlanColumn {
                name: f.name.clone(),
                ty: f.data_type,
            })
            .collect();
        let columns = (0..table_columns.len()).collect();
        let out = table_columns.clone();
        self.push(
            (
                PlanKind::Scan {
                    table: Arc::new(table),
                    table_columns,
                    columns,
                    predicate: None,
                },
                out,
            ),
            Origin::Scan,
        )
    }

    /// `filter(n, pred)`: rows where `pred` is true (null counts as false).
    pub fn filter(&mut self, input: NodeId, pred: &str) -> Result<NodeId> {
        let k = build::filter(input, self.cols(input)?, pred).map_err(plan_error)?;
        Ok(self.push(k, Origin::Filter(pred.to_string())))
    }

    /// `project(n, items)`: only the listed items (`col` or `expr as name`), in order.
    pub fn project<S: AsRef<str>>(&mut self, input: NodeId, items: &[S]) -> Result<NodeId> {
        let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
        let k = build::project(input, self.cols(input)?, &items).map_err(plan_error)?;
        Ok(self.push(k, Origin::Project(owned(&items))))
    }

    /// `map(n, items)`: every input column plus each `expr as name` (replacing a same-named one).
    pub fn map<S: AsRef<str>>(&mut self, input: NodeId, items: &[S]) -> Result<NodeId> {
        let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
        let k = build::map(input, self.cols(input)?, &items).map_err(plan_error)?;
        Ok(self.push(k, Origin::Map(owned(&items))))
    }

    /// `join(l, r, on, kind)` with `kind` one of `inner left right full semi anti`.
    pub fn join(&mut self, left: NodeId, right: NodeId, on: &str, kind: &str) -> Result<NodeId> {
        let kind = parse_join_kind(kind).map_err(|e| plan_error(format!("join: {}", e.message)))?;
        self.join_kind(left, right, on, kind)
    }

    /// `join` with an already parsed kind.
    pub fn join_kind(
        &mut self,
        left: NodeId,
        right: NodeId,
        on: &str,
        kind: JoinKind,
    ) -> Result<NodeId> {
        let k = build::join(left, right, self.cols(left)?, self.cols(right)?, on, kind)
            .map_err(plan_error)?;
        let on = on.to_string();
        Ok(self.push(k, Origin::Join { on, kind }))
    }

    /// `aggregate(n, keys, aggs)`: one row per distinct key; keys then aggregates.
    pub fn aggregate<S: AsRef<str>, T: AsRef<str>>(
        &mut self,
        input: NodeId,
        keys: &[S],
        aggs: &[T],
    ) -> Result<NodeId> {
        let keys: Vec<&str> = keys.iter().map(AsRef::as_ref).collect();
        let aggs: Vec<&str> = aggs.iter().map(AsRef::as_ref).collect();
        let plan =
            crate::dataflow::plan::aggregate::aggregate(input, self.cols(input)?, &keys, &aggs)
                .map_err(plan_error)?;
        let origin = Origin::Aggregate {
            keys: owned(&keys),
            aggs: owned(&aggs),
        };
        Ok(match plan.project {
            // An item combining aggregates: a project over the aggregate's results. The inner
            // aggregate is internal: a saved plan records only the §8 call (on the project).
            Some(items) => {
                let agg = self.push(plan.node, Origin::Internal);
                let project = crate::dataflow::plan::aggregate::project_node(agg, items);
                self.push(project, origin)
            }
            None => self.push(plan.node, origin),
        })
    }

    /// `sort(n, keys)`: stable; keys `col`, `col desc`, `col asc nulls first`.
    pub fn sort<S: AsRef<str>>(&mut self, input: NodeId, keys: &[S]) -> Result<NodeId> {
        let keys: Vec<&str> = keys.iter().map(AsRef::as_ref).collect();
        let k = build::sort(input, self.cols(input)?, &keys).map_err(plan_error)?;
        Ok(self.push(k, Origin::Sort(owned(&keys))))
    }

    /// `limit(n, count, offset)`.
    pub fn limit(&mut self, input: NodeId, count: i64, offset: i64) -> Result<NodeId> {
        let k = build::limit(input, self.cols(input)?, count, offset).map_err(plan_error)?;
        Ok(self.push(k, Origin::Limit { count, offset }))
    }

    /// `distinct(n)`: duplicate rows removed.
    pub fn distinct(&mut self, input: NodeId) -> Result<NodeId> {
        let cols = self.cols(input)?.to_vec();
        Ok(self.push((PlanKind::Distinct { input }, cols), Origin::Distinct))
    }

    /// `union(a, b)`: rows of both, duplicates removed.
    pub fn union(&mut self, a: NodeId, b: NodeId) -> Result<NodeId> {
        let k = build::union(a, b, self.cols(a)?, self.cols(b)?, false).map_err(plan_error)?;
        Ok(self.push(k, Origin::Union { all: false }))
    }

    /// `union_all(a, b)`: rows of `a` then rows of `b`.
    pub fn union_all(&mut self, a: NodeId, b: NodeId) -> Result<NodeId> {
        let k = build::union(a, b, self.cols(a)?, self.cols(b)?, true).map_err(plan_error)?;
        Ok(self.push(k, Origin::Union { all: true }))
    }

    /// Copies the nodes of `other` that `n` depends on into this graph and returns the id of
    /// `n`'s copy. Scans keep sharing their tables, so the optimizer still merges a table that
    /// both graphs scan (a node_ref combines the graphs of its two inputs this way).
    pub fn import(&mut self, other: &Dag, n: NodeId) -> Result<NodeId> {
        let ids = other.ancestors(n)?;
        // new id of other's node i (only ancestors are ever looked up: inputs come first).
        let mut new_id = vec![NodeId(0); n.index() + 1];
        for id in ids {
            let node = &other.nodes[id.index()];
            let kind = node.kind.with_inputs(&mut |i| new_id[i.index()]);
            let columns = node.columns.clone();
            new_id[id.index()] = self.push((kind, columns), other.origins[id.index()].clone());
        }
        Ok(new_id[n.index()])
    }

    /// The optimised plan for `n` and the names of the rules that fired.
    pub fn optimized(&self, n: NodeId) -> Result<(Plan, Vec<&'static str>)> {
        self.node(n)?;
        let mut plan = Plan::extract(&self.nodes, n);
        let fired = optimize(&mut plan);
        Ok((plan, fired))
    }

    /// `explain(n)`: the optimised plan as indented text, one operator a line.
    pub fn explain(&self, n: NodeId) -> Result<String> {
        Ok(explain(&self.optimized(n)?.0))
    }

    /// `materialize(n)`: runs the optimised plan and builds a new table charged to `budget`.
    pub fn materialize(&self, n: NodeId, budget: &MemoryBudget) -> Result<Table> {
        let (plan, _) = self.optimized(n)?;
        run(&plan, budget)
    }
}

/// Runs an optimised plan into a new table.
pub fn run(plan: &Plan, budget: &MemoryBudget) -> Result<Table> {
    run_with(plan, budget, crate::dataflow::exec::parallel::MIN_ROWS)
}

/// [`run`], splitting scans of tables with at least `min_parallel_rows` rows across threads
/// (`usize::MAX`: never; tests compare both ways).
pub fn run_with(plan: &Plan, budget: &MemoryBudget, min_parallel_rows: usize) -> Result<Table> {
    let mut op = PhysicalBuilder::new(plan, budget)
        .with_min_parallel_rows(min_parallel_rows)
        .build_collected(plan.root)?;
    let cols = plan.columns(plan.root);
    let mut batches = Vec::new();
    while let Some(b) = next_dense(&mut op) {
        batches.push(b?);
    }
    // The result's columns are built in one new arena, shared by the table's columns.
    let account = MemoryAccount::new(budget, "materialize").with_new_arena();
    let one = |i: usize| {
        let parts: Vec<_> = batches.iter().map(|b| &b.columns[i]).collect();
        concat(&parts, cols[i].ty, &account)
    };
    let rows: usize = batches.iter().map(|b| b.len).sum();
    let columns = if rows >= min_parallel_rows && cols.len() > 1 && budget.limit() == usize::MAX {
        // Large results: the columns are copied on two threads (shared by bytes).
        let weights: Vec<usize> = (0..cols.len())
            .map(|i| batches.iter().map(|b| b.columns[i].byte_size()).sum())
            .collect();
        per_column(&weights, one)?
    } else {
        (0..cols.len()).map(one).collect::<Result<Vec<_>>>()?
    };
    let schema = Schema::new(
        cols.iter()
            .map(|c| Field::new(c.name.clone(), c.ty, true))
            .collect(),
    )?;
    Table::try_new(schema, columns)
}

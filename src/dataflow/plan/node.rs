//! Logical plan nodes: the kinds of §8 operators, their ids and their output columns.

use std::sync::Arc;

use crate::dataflow::expr::functions::AggFunc;
use crate::dataflow::expr::parser::JoinKind;
use crate::dataflow::expr::typed::TExpr;
use crate::dataflow::table::Table;
use crate::dataflow::types::DataType;

/// The id of a node in a [`crate::dataflow::engine::Dag`]; nodes only refer to earlier ids, so the
/// graph is acyclic by construction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

impl NodeId {
    /// The id as an index into the node arena.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// An output column of a plan node: its name and type.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanColumn {
    /// Unique name within the node's output.
    pub name: String,
    /// Its type.
    pub ty: DataType,
}

/// An expression with the name of the column it produces.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedExpr {
    /// The expression.
    pub expr: TExpr,
    /// The output column name.
    pub name: String,
}

/// One aggregate of an `aggregate` node.
#[derive(Clone, Debug, PartialEq)]
pub struct AggItem {
    /// The function.
    pub func: AggFunc,
    /// The argument (`None` for `count(*)`).
    pub arg: Option<TExpr>,
    /// The output column name.
    pub name: String,
    /// The result type.
    pub ty: DataType,
}

/// One sort key.
#[derive(Clone, Debug, PartialEq)]
pub struct SortKey {
    /// The key expression.
    pub expr: TExpr,
    /// Descending order.
    pub descending: bool,
    /// Nulls before non-nulls.
    pub nulls_first: bool,
}

/// A join condition split for execution: equalities between one left-side and one right-side
/// expression (hash join keys) and the remaining predicate. Right-side expressions are written
/// in the right input's own column names; the residual uses the joined (suffixed) names.
#[derive(Clone, Debug, PartialEq)]
pub struct JoinCondition {
    /// The predicate as written (typed over the joined columns), for explain.
    pub on: TExpr,
    /// `(left key, right key)` pairs.
    pub equi: Vec<(TExpr, TExpr)>,
    /// What is left after taking out the equalities.
    pub residual: Option<TExpr>,
    /// The joined name of each right input column (suffixed with `_right` when taken).
    pub right_names: Vec<String>,
    /// The right input's own column names, parallel to `right_names` (the mapping stays valid
    /// when `PushDownProjection` narrows the right input).
    pub right_orig: Vec<String>,
}

impl JoinCondition {
    /// The joined name of right input column `orig`.
    pub fn joined_name(&self, orig: &str) -> Option<&str> {
        self.right_orig
            .iter()
            .position(|o| o == orig)
            .map(|i| self.right_names[i].as_str())
    }

    /// The right input's name for joined name `joined`.
    pub fn orig_name(&self, joined: &str) -> Option<&str> {
        self.right_names
            .iter()
            .position(|j| j == joined)
            .map(|i| self.right_orig[i].as_str())
    }
}

/// What a node does.
#[derive(Clone, Debug)]
pub enum PlanKind {
    /// Reads a table: the listed column indices, rows where `predicate` holds.
    Scan {
        /// The table.
        table: Arc<Table>,
        /// All of the table's columns (names and types).
        table_columns: Vec<PlanColumn>,
        /// Column indices to read, in output order.
        columns: Vec<usize>,
        /// A pushed-down filter over the table's column names.
        predicate: Option<TExpr>,
    },
    /// Keeps rows where the predicate is true.
    Filter {
        /// Input node.
        input: NodeId,
        /// The predicate.
        predicate: TExpr,
    },
    /// Computes exactly the listed items.
    Project {
        /// Input node.
        input: NodeId,
        /// The items.
        items: Vec<NamedExpr>,
    },
    /// Keeps every input column and adds or replaces the listed items.
    Map {
        /// Input node.
        input: NodeId,
        /// The items.
        items: Vec<NamedExpr>,
    },
    /// Joins two inputs.
    Join {
        /// Left input.
        left: NodeId,
        /// Right input.
        right: NodeId,
        /// Kind of join.
        kind: JoinKind,
        /// The condition.
        cond: JoinCondition,
    },
    /// Groups by keys and computes aggregates.
    Aggregate {
        /// Input node.
        input: NodeId,
        /// Group keys.
        keys: Vec<NamedExpr>,
        /// Aggregates.
        aggs: Vec<AggItem>,
    },
    /// Sorts (stable).
    Sort {
        /// Input node.
        input: NodeId,
        /// Keys, most significant first.
        keys: Vec<SortKey>,
    },
    /// Skips `offset` rows then keeps at most `count`.
    Limit {
        /// Input node.
        input: NodeId,
        /// Rows to keep.
        count: u64,
        /// Rows to skip first.
        offset: u64,
    },
    /// A sort followed by a limit, computed with a bounded heap.
    TopN {
        /// Input node.
        input: NodeId,
        /// Sort keys.
        keys: Vec<SortKey>,
        /// Rows to keep.
        count: u64,
        /// Rows to skip first.
        offset: u64,
    },
    /// Removes duplicate rows.
    Distinct {
        /// Input node.
        input: NodeId,
    },
    /// Concatenates two inputs (`all: false` removes duplicates).
    Union {
        /// Left input.
        left: NodeId,
        /// Right input.
        right: NodeId,
        /// Keep duplicates.
        all: bool,
    },
}

impl PlanKind {
    /// The node's inputs in order.
    pub fn inputs(&self) -> Vec<NodeId> {
        match self {
            PlanKind::Scan { .. } => Vec::new(),
            PlanKind::Filter { input, .. }
            | PlanKind::Project { input, .. }
            | PlanKind::Map { input, .. }
            | PlanKind::Aggregate { input, .. }
            | PlanKind::Sort { input, .. }
            | PlanKind::Limit { input, .. }
            | PlanKind::TopN { input, .. }
            | PlanKind::Distinct { input } => vec![*input],
            PlanKind::Join { left, right, .. } | PlanKind::Union { left, right, .. } => {
                vec![*left, *right]
            }
        }
    }

    /// The same node with its inputs replaced through `f`.
    pub fn with_inputs(&self, f: &mut dyn FnMut(NodeId) -> NodeId) -> PlanKind {
        let mut k = self.clone();
        match &mut k {
            PlanKind::Scan { .. } => {}
            PlanKind::Filter { input, .. }
            | PlanKind::Project { input, .. }
            | PlanKind::Map { input, .. }
            | PlanKind::Aggregate { input, .. }
            | PlanKind::Sort { input, .. }
            | PlanKind::Limit { input, .. }
            | PlanKind::TopN { input, .. }
            | PlanKind::Distinct { input } => *input = f(*input),
            PlanKind::Join { left, right, .. } | PlanKind::Union { left, right, .. } => {
                *left = f(*left);
                *right = f(*right);
            }
        }
        k
    }

    /// The operator's name as shown by explain.
    pub fn name(&self) -> &'static str {
        match self {
            PlanKind::Scan { .. } => "Scan",
            PlanKind::Filter { .. } => "Filter",
            PlanKind::Project { .. } => "Project",
            PlanKind::Map { .. } => "Map",
            PlanKind::Join { .. } => "Join",
            PlanKind::Aggregate { .. } => "Aggregate",
            PlanKind::Sort { .. } => "Sort",
            PlanKind::Limit { .. } => "Limit",
            PlanKind::TopN { .. } => "TopN",
            PlanKind::Distinct { .. } => "Distinct",
            PlanKind::Union { all: false, .. } => "Union",
            PlanKind::Union { all: true, .. } => "UnionAll",
        }
    }
}

/// A node: what it does and its output columns (computed when it is created).
#[derive(Clone, Debug)]
pub struct Node {
    /// What it does.
    pub kind: PlanKind,
    /// Its output columns.
    pub columns: Vec<PlanColumn>,
}

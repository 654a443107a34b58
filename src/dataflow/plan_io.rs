//! Saved dataflow plans (`schemas/dataflow.fbs`, identifier `THDF`): [`Dag::save_plan`] writes
//! the nodes a node depends on as the §8 calls that created them (expression strings, item and
//! key lists, join kind, limits) plus their output schemas and the scanned tables;
//! [`Dag::load_plan`] re-creates every node through the same §8 entry points, so a loaded plan
//! is validated exactly as if the program had built it, and refuses a plan whose rebuilt output
//! schemas differ from the saved ones. Corrupt input is an error, never a panic.

use flatbuffers::{FlatBufferBuilder, ForwardsUOffset, Vector, VerifierOptions, WIPOffset};

use crate::dataflow::engine::{Dag, NodeId};
use crate::dataflow::error::{DataflowError, Result};
use crate::dataflow::expr::parser::JoinKind;
use crate::dataflow::fbs::{read_table, write_table};
use crate::dataflow::memory::MemoryAccount;
use crate::dataflow::plan::{PlanColumn, PlanKind};
use crate::dataflow::table::Table;
use crate::dataflow::types::DataType;
use crate::generated::dataflow_generated::theta::dataflow as fb;

/// The file identifier of saved plans.
pub const PLAN_IDENTIFIER: &str = "THDF";
/// The saved-plan format version written and accepted.
pub const PLAN_VERSION: u32 = 1;
/// Most nodes a saved plan may have (bounds the work of loading one).
pub const MAX_PLAN_NODES: usize = 1 << 20;

/// The §8 call that created a node, with its arguments as the program passed them.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// `scan(t)` (the table is the node's own).
    Scan,
    /// `filter(n, pred)`.
    Filter(String),
    /// `project(n, items)`.
    Project(Vec<String>),
    /// `map(n, items)`.
    Map(Vec<String>),
    /// `join(l, r, on, kind)`.
    Join {
        /// The condition.
        on: String,
        /// The kind.
        kind: JoinKind,
    },
    /// `aggregate(n, keys, aggs)`.
    Aggregate {
        /// Group keys.
        keys: Vec<String>,
        /// Aggregate items.
        aggs: Vec<String>,
    },
    /// `sort(n, keys)`.
    Sort(Vec<String>),
    /// `limit(n, count, offset)`.
    Limit {
        /// Rows to keep.
        count: i64,
        /// Rows to skip.
        offset: i64,
    },
    /// `distinct(n)`.
    Distinct,
    /// A node the engine added beneath a §8 call (the aggregate under the project of an item
    /// combining aggregates); saved as part of that call, never on its own.
    Internal,
    /// `union(a, b)` (`all: false`) or `union_all(a, b)`.
    Union {
        /// Keep duplicates.
        all: bool,
    },
}

/// Owned copies of borrowed argument strings.
pub fn owned(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn format_err(message: impl Into<String>) -> DataflowError {
    DataflowError::format(message)
}

fn column_type(t: DataType) -> fb::ColumnType {
    match t {
        DataType::I8 => fb::ColumnType::I8,
        DataType::I16 => fb::ColumnType::I16,
        DataType::I32 => fb::ColumnType::I32,
        DataType::I64 => fb::ColumnType::I64,
        DataType::F32 => fb::ColumnType::F32,
        DataType::F64 => fb::ColumnType::F64,
        DataType::Bool => fb::ColumnType::Bool,
        DataType::Utf8 => fb::ColumnType::Utf8,
    }
}

fn data_type(t: fb::ColumnType) -> Option<DataType> {
    Some(match t {
        fb::ColumnType::I8 => DataType::I8,
        fb::ColumnType::I16 => DataType::I16,
        fb::ColumnType::I32 => DataType::I32,
        fb::ColumnType::I64 => DataType::I64,
        fb::ColumnType::F32 => DataType::F32,
        fb::ColumnType::F64 => DataType::F64,
        fb::ColumnType::Bool => DataType::Bool,
        fb::ColumnType::Utf8 => DataType::Utf8,
        _ => return None,
    })
}

fn join_kind_to_fb(k: JoinKind) -> fb::JoinKind {
    match k {
        JoinKind::Inner => fb::JoinKind::Inner,
        JoinKind::Left => fb::JoinKind::Left,
        JoinKind::Right => fb::JoinKind::Right,
        JoinKind::Full => fb::JoinKind::Full,
        JoinKind::Semi => fb::JoinKind::Semi,
        JoinKind::Anti => fb::JoinKind::Anti,
    }
}

fn join_kind_from_fb(k: fb::JoinKind) -> Option<JoinKind> {
    Some(match k {
        fb::JoinKind::Inner => JoinKind::Inner,
        fb::JoinKind::Left => JoinKind::Left,
        fb::JoinKind::Right => JoinKind::Right,
        fb::JoinKind::Full => JoinKind::Full,
        fb::JoinKind::Semi => JoinKind::Semi,
        fb::JoinKind::Anti => JoinKind::Anti,
        _ => return None,
    })
}

type StrVec<'a> = WIPOffset<Vector<'a, ForwardsUOffset<&'a str>>>;

fn str_vec<'a>(b: &mut FlatBufferBuilder<'a>, items: &[String]) -> StrVec<'a> {
    let offs: Vec<_> = items.iter().map(|s| b.create_string(s)).collect();
    b.create_vector(&offs)
}

fn strings(v: Option<Vector<'_, ForwardsUOffset<&str>>>) -> Vec<String> {
    v.map(|v| v.iter().map(str::to_string).collect())
        .unwrap_or_default()
}

fn describe(cols: &[PlanColumn]) -> String {
    let parts: Vec<String> = cols
        .iter()
        .map(|c| format!("{}: {}", c.name, c.ty))
        .collect();
    format!("({})", parts.join(", "))
}

impl Dag {
    /// Serialises node `n` and every node it depends on as a saved plan (`THDF`), including the
    /// tables its scans read. Fails only when `n` is not a node of this graph.
    pub fn save_plan(&self, n: NodeId) -> Result<Vec<u8>> {
        let ids: Vec<NodeId> = self
            .ancestors(n)?
            .into_iter()
            .filter(|id| !matches!(self.node_and_origin(*id), Ok((_, Origin::Internal))))
            .collect();
        let mut b = FlatBufferBuilder::with_capacity(1024);
        let mut tables: Vec<Table> = Vec::new();
        let mut index = vec![u32::MAX; n.index() + 1];
        let mut nodes = Vec::with_capacity(ids.len());
        for (pos, id) in ids.iter().enumerate() {
            index[id.index()] = pos as u32;
            let (node, origin) = self.node_and_origin(*id)?;
            let inputs: Vec<u32> = self
                .call_inputs(*id)?
                .iter()
                .map(|i| index[i.index()])
                .collect();
            let inputs = b.create_vector(&inputs);
            let mut args = fb::PlanNodeArgs {
                inputs: Some(inputs),
                ..Default::default()
            };
            match (origin, &node.kind) {
                (Origin::Scan, PlanKind::Scan { table, .. }) => {
                    args.kind = fb::NodeKind::Scan;
                    args.table = match tables.iter().position(|t| t.ptr_eq(table)) {
                        Some(i) => i as u32,
                        None => {
                            tables.push((**table).clone());
                            tables.len() as u32 - 1
                        }
                    };
                }
                (Origin::Scan, _) => {
                    return Err(format_err(format!(
                        "node #{}: a scan without a table",
                        id.0
                    )));
                }
                (Origin::Filter(pred), _) => {
                    args.kind = fb::NodeKind::Filter;
                    args.expr = Some(b.create_string(pred));
                }
                (Origin::Project(items), _) => {
                    args.kind = fb::NodeKind::Project;
                    args.items = Some(str_vec(&mut b, items));
                }
                (Origin::Map(items), _) => {
                    args.kind = fb::NodeKind::Map;
                    args.items = Some(str_vec(&mut b, items));
                }
                (Origin::Join { on, kind }, _) => {
                    args.kind = fb::NodeKind::Join;
                    args.expr = Some(b.create_string(on));
                    args.join_kind = join_kind_to_fb(*kind);
                }
                (Origin::Aggregate { keys, aggs }, _) => {
                    args.kind = fb::NodeKind::Aggregate;
                    args.items = Some(str_vec(&mut b, keys));
                    args.aggregates = Some(str_vec(&mut b, aggs));
                }
                (Origin::Sort(keys), _) => {
                    args.kind = fb::NodeKind::Sort;
                    args.sort_keys = Some(str_vec(&mut b, keys));
                }
                (Origin::Limit { count, offset }, _) => {
                    args.kind = fb::NodeKind::Limit;
                    args.count = *count;
                    args.offset = *offset;
                }
                (Origin::Distinct, _) => args.kind = fb::NodeKind::Distinct,
                (Origin::Union { all: false }, _) => args.kind = fb::NodeKind::Union,
                (Origin::Union { all: true }, _) => args.kind = fb::NodeKind::UnionAll,
                (Origin::Internal, _) => unreachable!("internal nodes are filtered out above"),
            }
            let mut cols = Vec::with_capacity(node.columns.len());
            for c in &node.columns {
                let name = b.create_string(&c.name);
                cols.push(fb::OutputColumn::create(
                    &mut b,
                    &fb::OutputColumnArgs {
                        name: Some(name),
                        type_: column_type(c.ty),
                    },
                ));
            }
            args.columns = Some(b.create_vector(&cols));
            nodes.push(fb::PlanNode::create(&mut b, &args));
        }
        let mut saved = Vec::with_capacity(tables.len());
        for t in &tables {
            let data = b.create_vector(&write_table(t));
            saved.push(fb::SavedTable::create(
                &mut b,
                &fb::SavedTableArgs { data: Some(data) },
            ));
        }
        let tables = b.create_vector(&saved);
        let nodes = b.create_vector(&nodes);
        let root = fb::Plan::create(
            &mut b,
            &fb::PlanArgs {
                version: PLAN_VERSION,
                tables: Some(tables),
                nodes: Some(nodes),
                root: ids.len() as u32 - 1,
            },
        );
        fb::finish_plan_buffer(&mut b, root);
        Ok(b.finished_data().to_vec())
    }

    /// Loads a saved plan into this graph and returns the id of its root node. Every node is
    /// re-created through the §8 entry points (so expression strings, column names and types are
    /// checked exactly as when a program builds them) and its output schema compared with the
    /// saved one. On any error nothing is added to the graph.
    pub fn load_plan(&mut self, bytes: &[u8]) -> Result<NodeId> {
        self.load_plan_charged(bytes, &MemoryAccount::unlimited())
    }

    /// [`Dag::load_plan`], charging the memory of the scanned tables to `account`.
    pub fn load_plan_charged(&mut self, bytes: &[u8], account: &MemoryAccount) -> Result<NodeId> {
        if bytes.len() < 8 || &bytes[4..8] != PLAN_IDENTIFIER.as_bytes() {
            return Err(format_err(
                "not a saved dataflow plan (file identifier is not THDF)",
            ));
        }
        let opts = VerifierOptions {
            max_depth: 16,
            ..VerifierOptions::default()
        };
        let plan = fb::root_as_plan_with_opts(&opts, bytes)
            .map_err(|e| format_err(format!("corrupt saved plan: {e}")))?;
        if plan.version() != PLAN_VERSION {
            let which = if plan.version() > PLAN_VERSION {
                "newer"
            } else {
                "older"
            };
            return Err(format_err(format!(
                "saved plan is version {} (written by a {which} theta); this build reads version {PLAN_VERSION}",
                plan.version()
            )));
        }
        let saved = plan.nodes();
        if saved.is_empty() || saved.len() > MAX_PLAN_NODES {
            return Err(format_err(format!(
                "saved plan has {} nodes (1..={MAX_PLAN_NODES} allowed)",
                saved.len()
            )));
        }
        let root = plan.root() as usize;
        if root >= saved.len() {
            return Err(format_err(format!(
                "saved plan root #{root} out of range ({} nodes)",
                saved.len()
            )));
        }
        let mut tables: Vec<Option<Table>> = vec![None; plan.tables().len()];
        let mut tmp = Dag::new();
        // The graph id of each saved node (a call may add internal nodes, so ids can run ahead).
        let mut ids: Vec<NodeId> = Vec::with_capacity(saved.len());
        for (i, node) in saved.iter().enumerate() {
            let id =
                load_node(&mut tmp, &plan, &mut tables, &ids, &node, account).map_err(|e| {
                    format_err(format!(
                        "saved plan node #{i} ({}): {e}",
                        node.kind().variant_name().unwrap_or("unknown kind")
                    ))
                })?;
            ids.push(id);
        }
        self.import(&tmp, ids[root])
    }
}

/// Re-creates the next saved node in `dag`; `ids` holds the graph ids of the saved nodes so far.
fn load_node(
    dag: &mut Dag,
    plan: &fb::Plan<'_>,
    tables: &mut [Option<Table>],
    ids: &[NodeId],
    node: &fb::PlanNode<'_>,
    account: &MemoryAccount,
) -> Result<NodeId> {
    let inputs: Vec<NodeId> = node
        .inputs()
        .map(|v| v.iter().collect::<Vec<u32>>())
        .unwrap_or_default()
        .into_iter()
        .map(|j| {
            if let Some(id) = ids.get(j as usize) {
                Ok(*id)
            } else {
                Err(format_err(format!("input #{j} is not an earlier node")))
            }
        })
        .collect::<Result<_>>()?;
    let want = match node.kind() {
        fb::NodeKind::Scan => 0,
        fb::NodeKind::Join | fb::NodeKind::Union | fb::NodeKind::UnionAll => 2,
        _ => 1,
    };
    if inputs.len() != want {
        return Err(format_err(format!(
            "has {} inputs, expected {want}",
            inputs.len()
        )));
    }
    let expr = || {
        node.expr()
            .ok_or_else(|| format_err("expression string missing"))
    };
    let id = match node.kind() {
        fb::NodeKind::Scan => {
            let t = node.table() as usize;
            let slot = tables.get_mut(t).ok_or_else(|| {
                format_err(format!(
                    "table #{t} out of range ({} tables)",
                    plan.tables().len()
                ))
            })?;
            if slot.is_none() {
                let data = plan.tables().get(t).data();
                *slot = Some(
                    read_table(data.bytes(), account)
                        .map_err(|e| format_err(format!("table #{t}: {e}")))?,
                );
            }
            // Clones share the table, so scans of one saved table stay one table.
            dag.scan(slot.clone().unwrap_or_else(Table::empty))
        }
        fb::NodeKind::Filter => dag.filter(inputs[0], expr()?)?,
        fb::NodeKind::Project => dag.project(inputs[0], &strings(node.items()))?,
        fb::NodeKind::Map => dag.map(inputs[0], &strings(node.items()))?,
        fb::NodeKind::Join => {
            let kind = join_kind_from_fb(node.join_kind())
                .ok_or_else(|| format_err(format!("unknown join kind {}", node.join_kind().0)))?;
            dag.join_kind(inputs[0], inputs[1], expr()?, kind)?
        }
        fb::NodeKind::Aggregate => dag.aggregate(
            inputs[0],
            &strings(node.items()),
            &strings(node.aggregates()),
        )?,
        fb::NodeKind::Sort => dag.sort(inputs[0], &strings(node.sort_keys()))?,
        fb::NodeKind::Limit => dag.limit(inputs[0], node.count(), node.offset())?,
        fb::NodeKind::Distinct => dag.distinct(inputs[0])?,
        fb::NodeKind::Union => dag.union(inputs[0], inputs[1])?,
        fb::NodeKind::UnionAll => dag.union_all(inputs[0], inputs[1])?,
        k => return Err(format_err(format!("unknown node kind {}", k.0))),
    };
    let saved: Vec<PlanColumn> = node
        .columns()
        .iter()
        .map(|c| {
            Ok(PlanColumn {
                name: c.name().to_string(),
                ty: data_type(c.type_())
                    .ok_or_else(|| format_err(format!("unknown column type {}", c.type_().0)))?,
            })
        })
        .collect::<Result<_>>()?;
    let (rebuilt, _) = dag.node_and_origin(id)?;
    if rebuilt.columns != saved {
        return Err(format_err(format!(
            "saved output schema {} differs from the rebuilt one {}",
            describe(&saved),
            describe(&rebuilt.columns)
        )));
    }
    Ok(id)
}

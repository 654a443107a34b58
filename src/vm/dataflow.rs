//! The VM side of the dataflow bridge (§8): `table_ref`, `node_ref` and `table_builder` values
//! are heap objects of kind [`Obj::Foreign`](super::heap::Obj::Foreign) holding the engine's values (a `table_ref` holds a
//! [`Table`], which shares its columns through an `Arc`, so a host can keep it after the run).
//! `DF_NODE`, `DF_MATERIALIZE`, `DF_EXPLAIN` and the table built-ins enter here.
//!
//! The default `table_ref` (an empty table, no columns) is the null reference
//! [`NULL_REF`](super::state::NULL_REF) and reads as [`Table::empty`].
//!
//! A `node_ref` is a [`NodeObj`]: a node id plus the (shared, immutable) [`Dag`] it lives in.
//! Creating a node copies its input's graph (small: a handful of nodes) and appends one node, so
//! a graph lives exactly as long as some `node_ref` to it does and the collector frees it (and the
//! tables its scans hold) with the last one. A node with two inputs from different graphs imports
//! the right graph into a copy of the left one.
//!
//! Memory: every table built during a run (CSV/JSON readers, the builder, `materialize` and the
//! operators' state) is charged to the heap's [`MemoryBudget`](crate::dataflow::memory::MemoryBudget),
//! which shares the `--max-memory` limit with the heap's own bytes; exceeding it traps T0008
//! naming the operator.

use super::objects::bad_handle;
use super::ops::slot_f64;
use super::state::Runtime;
use super::trap::{Trap, TrapKind};
use crate::bytecode::{BuiltinOp, DfNodeKind};
use crate::dataflow::builder::TableBuilder;
use crate::dataflow::column::ValueRef;
use crate::dataflow::engine::{Dag, NodeId};
use crate::dataflow::error::DataflowError;
use crate::dataflow::memory::MemoryAccount;
use crate::dataflow::table::Table;
use crate::dataflow::types::{DataType, Schema};
use std::rc::Rc;

/// A `node_ref`: node `id` of graph `dag` (shared by every node built on it).
#[derive(Clone, Debug)]
pub struct NodeObj {
    /// The graph holding the node and everything it depends on.
    pub dag: Rc<Dag>,
    /// The node.
    pub id: NodeId,
}

/// An engine error as a trap: I/O errors are T0012, memory-limit errors T0008, everything else
/// T0200.
pub fn trap_of(e: DataflowError) -> Trap {
    let kind = match e {
        DataflowError::Io { .. } => TrapKind::Io,
        DataflowError::MemoryLimit { .. } => TrapKind::MemoryLimitExceeded,
        _ => TrapKind::Dataflow,
    };
    Trap::new(kind, e.to_string())
}

/// Formats a dataflow object for `print`: a table as an aligned text table with a header line.
pub fn format_foreign(obj: &dyn std::any::Any, out: &mut Vec<u8>) {
    if let Some(t) = obj.downcast_ref::<Table>() {
        out.extend_from_slice(
            crate::dataflow::format::format_table(t)
                .trim_end_matches('\n')
                .as_bytes(),
        );
    } else if obj.is::<TableBuilder>() {
        out.extend_from_slice(b"<table_builder>");
    } else {
        out.extend_from_slice(b"<node_ref>");
    }
}

/// The table behind a `table_ref` slot (the null reference is the empty table).
pub fn table(rt: &Runtime, h: u64) -> Result<Table, Trap> {
    if h == super::state::NULL_REF {
        return Ok(Table::empty());
    }
    rt.heap
        .foreign::<Table>(h)
        .cloned()
        .ok_or_else(|| bad_handle("table_ref"))
}

/// Wraps a table as a `table_ref` slot.
pub fn new_table(rt: &mut Runtime, t: Table) -> Result<u64, Trap> {
    rt.heap.alloc_foreign(Box::new(t))
}

/// A node argument: a `node_ref`, or a `table_ref` (the null reference is the empty table).
enum Input {
    Node(NodeObj),
    Table(Table),
}

fn input(rt: &Runtime, h: u64) -> Result<Input, Trap> {
    if let Some(n) = rt.heap.foreign::<NodeObj>(h) {
        return Ok(Input::Node(n.clone()));
    }
    table(rt, h)
        .map(Input::Table)
        .map_err(|_| bad_handle("node_ref"))
}

/// The graph a new node is built in, started from its first input.
struct Builder {
    dag: Dag,
    base: Option<Rc<Dag>>,
}

impl Builder {
    fn new() -> Self {
        Builder {
            dag: Dag::new(),
            base: None,
        }
    }

    /// Adds an input: the first node input's graph is copied, a later one from the same graph
    /// is used as is, one from another graph is imported; a table is scanned.
    fn add(&mut self, inp: Input) -> Result<NodeId, Trap> {
        match inp {
            Input::Table(t) => Ok(self.dag.scan(t)),
            Input::Node(n) => match &self.base {
                Some(b) if Rc::ptr_eq(b, &n.dag) => Ok(n.id),
                None if self.dag.is_empty() => {
                    self.dag = (*n.dag).clone();
                    self.base = Some(n.dag);
                    Ok(n.id)
                }
                _ => self.dag.import(&n.dag, n.id).map_err(trap_of),
            },
        }
    }
}

fn string_arg(rt: &Runtime, h: u64) -> String {
    rt.heap.str(h).to_owned()
}

/// `DF_NODE`: creates a node of kind `kind` over argument slots `args` (§8). Errors in column
/// names and expressions trap here (T0200), naming the column and the available columns.
pub fn node(rt: &mut Runtime, kind: i32, args: &[u64]) -> Result<u64, Trap> {
    use DfNodeKind as K;
    let k = DfNodeKind::from_i32(kind).ok_or_else(|| {
        Trap::new(
            TrapKind::Internal,
            format!("unknown dataflow node kind {kind}"),
        )
    })?;
    let want = k.args().len();
    if args.len() < want {
        return Err(Trap::new(
            TrapKind::Internal,
            format!("{} needs {want} arguments, got {}", k.name(), args.len()),
        ));
    }
    let arg = |i: usize| args[i];
    let mut b = Builder::new();
    let id = match k {
        K::Scan => {
            let t = table(rt, arg(0))?;
            b.dag.scan(t)
        }
        K::Filter => {
            let n = b.add(input(rt, arg(0))?)?;
            b.dag.filter(n, rt.heap.str(arg(1))).map_err(trap_of)?
        }
        K::Project | K::Map | K::Sort => {
            let n = b.add(input(rt, arg(0))?)?;
            let items = strings(rt, arg(1))?;
            match k {
                K::Project => b.dag.project(n, &items),
                K::Map => b.dag.map(n, &items),
                _ => b.dag.sort(n, &items),
            }
            .map_err(trap_of)?
        }
        K::Join | K::JoinKind => {
            let l = b.add(input(rt, arg(0))?)?;
            let r = b.add(input(rt, arg(1))?)?;
            let on = string_arg(rt, arg(2));
            let kind = if k == K::JoinKind {
                string_arg(rt, arg(3))
            } else {
                "inner".to_owned()
            };
            b.dag.join(l, r, &on, &kind).map_err(trap_of)?
        }
        K::Aggregate => {
            let n = b.add(input(rt, arg(0))?)?;
            let keys = strings(rt, arg(1))?;
            let aggs = strings(rt, arg(2))?;
            b.dag.aggregate(n, &keys, &aggs).map_err(trap_of)?
        }
        K::Limit | K::LimitOffset => {
            let n = b.add(input(rt, arg(0))?)?;
            let offset = if k == K::LimitOffset {
                arg(2) as i64
            } else {
                0
            };
            b.dag.limit(n, arg(1) as i64, offset).map_err(trap_of)?
        }
        K::Distinct => {
            let n = b.add(input(rt, arg(0))?)?;
            b.dag.distinct(n).map_err(trap_of)?
        }
        K::Union | K::UnionAll => {
            let l = b.add(input(rt, arg(0))?)?;
            let r = b.add(input(rt, arg(1))?)?;
            if k == K::Union {
                b.dag.union(l, r)
            } else {
                b.dag.union_all(l, r)
            }
            .map_err(trap_of)?
        }
    };
    rt.heap.alloc_foreign(Box::new(NodeObj {
        dag: Rc::new(b.dag),
        id,
    }))
}

/// Runs `f` with the heap's own bytes charged to the table budget, so that operators see the
/// whole `--max-memory` limit minus what the program already holds.
fn with_heap_charged<R>(
    rt: &Runtime,
    operator: &str,
    f: impl FnOnce() -> Result<R, DataflowError>,
) -> Result<R, Trap> {
    let budget = rt.heap.budget();
    let held = rt.heap.stats().bytes;
    budget.try_reserve(held, operator).map_err(trap_of)?;
    let peak_before = budget.peak();
    let r = f();
    // The heap stands still while the operator runs; if the budget reached a new peak in it,
    // that peak minus the heap's charge is the most table memory the run held (`--stats`).
    let peak_after = budget.peak();
    if peak_after > peak_before {
        rt.heap.observe_tables(peak_after.saturating_sub(held));
    }
    budget.release(held);
    r.map_err(trap_of)
}

/// `DF_MATERIALIZE`: runs the optimised plan under a node (a table materialises to itself) into
/// a new table.
pub fn materialize(rt: &mut Runtime, node: u64) -> Result<u64, Trap> {
    let n = match input(rt, node)? {
        // Tables are immutable: materialising one is the identity.
        Input::Table(_) => return Ok(node),
        Input::Node(n) => n,
    };
    let budget = rt.heap.budget().clone();
    let t = with_heap_charged(rt, "materialize", || n.dag.materialize(n.id, &budget))?;
    new_table(rt, t)
}

/// `DF_EXPLAIN`: the optimised plan as text, one operator a line.
pub fn explain(rt: &mut Runtime, node: u64) -> Result<u64, Trap> {
    let text = match input(rt, node)? {
        Input::Table(t) => {
            let mut dag = Dag::new();
            let id = dag.scan(t);
            dag.explain(id)
        }
        Input::Node(n) => n.dag.explain(n.id),
    }
    .map_err(trap_of)?;
    rt.new_str(text.trim_end_matches('\n'))
}

fn strings(rt: &Runtime, h: u64) -> Result<Vec<String>, Trap> {
    let arr = rt.heap.array(h).ok_or_else(|| bad_handle("array"))?;
    Ok(arr
        .elems
        .iter()
        .map(|&s| rt.heap.str(s).to_owned())
        .collect())
}

fn index(v: u64, what: &str, len: usize) -> Result<usize, Trap> {
    let i = v as i64;
    usize::try_from(i).ok().filter(|&i| i < len).ok_or_else(|| {
        Trap::new(
            TrapKind::Dataflow,
            format!("dataflow error: {what} {i} is out of range (the table has {len})"),
        )
    })
}

/// Reads cell `(row, col)`, trapping on a bad row or column.
fn cell(t: &Table, row: u64, col: u64) -> Result<ValueRef<'_>, Trap> {
    let r = index(row, "row", t.num_rows())?;
    let c = index(col, "column", t.num_columns())?;
    t.value(r, c).map_err(trap_of)
}

fn cell_type_error(t: &Table, col: u64, want: &str, got: ValueRef<'_>) -> Trap {
    let name = t.column_name(col as usize).unwrap_or("?");
    let got = match got {
        ValueRef::Null => "null".to_string(),
        v => v.data_type().map_or("?".into(), |d| d.name().to_string()),
    };
    Trap::new(
        TrapKind::Dataflow,
        format!("dataflow error: column '{name}' holds {got}, not {want}"),
    )
}

fn builder(rt: &mut Runtime, h: u64) -> Result<&mut TableBuilder, Trap> {
    rt.heap.foreign_mut::<TableBuilder>(h).ok_or_else(|| {
        Trap::new(
            TrapKind::Dataflow,
            "dataflow error: the table builder was already finished or never created",
        )
    })
}

/// The §8 table built-ins.
pub fn builtin(rt: &mut Runtime, op: BuiltinOp, args: &[u64]) -> Result<Option<u64>, Trap> {
    use BuiltinOp as B;
    let arg = |i: usize| args.get(i).copied().unwrap_or(0);
    let account = |rt: &Runtime, name: &str| MemoryAccount::new(rt.heap.budget(), name);
    let v = match op {
        B::ReadCsv => {
            let path = rt.heap.str(arg(0)).to_owned();
            let acc = account(rt, "read_csv");
            let t = with_heap_charged(rt, "read_csv", || {
                crate::dataflow::io::read_csv(&path, &acc)
            })?;
            new_table(rt, t)?
        }
        B::ReadCsvSchema => {
            let path = rt.heap.str(arg(0)).to_owned();
            let items = strings(rt, arg(1))?;
            let schema = Schema::parse_items(&items).map_err(trap_of)?;
            let acc = account(rt, "read_csv");
            let t = with_heap_charged(rt, "read_csv", || {
                crate::dataflow::io::read_csv_with_schema(&path, &schema, &acc)
            })?;
            new_table(rt, t)?
        }
        B::ReadJson => {
            let path = rt.heap.str(arg(0)).to_owned();
            let acc = account(rt, "read_json");
            let t = with_heap_charged(rt, "read_json", || {
                crate::dataflow::io::read_json(&path, &acc)
            })?;
            new_table(rt, t)?
        }
        B::WriteJson => {
            let t = table(rt, arg(0))?;
            crate::dataflow::io::write_json(&t, rt.heap.str(arg(1))).map_err(trap_of)?;
            return Ok(None);
        }
        B::WriteCsv => {
            let t = table(rt, arg(0))?;
            crate::dataflow::io::write_csv(&t, rt.heap.str(arg(1))).map_err(trap_of)?;
            return Ok(None);
        }
        B::TableRowCount => table(rt, arg(0))?.num_rows() as u64,
        B::TableColumnCount => table(rt, arg(0))?.num_columns() as u64,
        B::TableColumnName => {
            let t = table(rt, arg(0))?;
            let i = index(arg(1), "column", t.num_columns())?;
            let name = t.column_name(i).unwrap_or("").to_owned();
            rt.new_str(&name)?
        }
        B::TableColumnIndex => {
            let t = table(rt, arg(0))?;
            t.schema().require(rt.heap.str(arg(1))).map_err(trap_of)? as u64
        }
        B::TableGetI64 | B::TableGetI32 => {
            let t = table(rt, arg(0))?;
            let v = cell(&t, arg(1), arg(2))?;
            let want = if op == B::TableGetI64 { "i64" } else { "i32" };
            let ok = match (op, v) {
                (B::TableGetI32, ValueRef::I64(_)) => None,
                _ => v.as_i64(),
            };
            ok.ok_or_else(|| cell_type_error(&t, arg(2), want, v))? as u64
        }
        B::TableGetF64 => {
            let t = table(rt, arg(0))?;
            let v = cell(&t, arg(1), arg(2))?;
            slot_f64(
                v.as_f64()
                    .ok_or_else(|| cell_type_error(&t, arg(2), "f64", v))?,
            )
        }
        B::TableGetBool => {
            let t = table(rt, arg(0))?;
            match cell(&t, arg(1), arg(2))? {
                ValueRef::Bool(b) => b as u64,
                v => return Err(cell_type_error(&t, arg(2), "bool", v)),
            }
        }
        B::TableGetStr => {
            let t = table(rt, arg(0))?;
            let s = match cell(&t, arg(1), arg(2))? {
                ValueRef::Utf8(s) => s.to_owned(),
                v => return Err(cell_type_error(&t, arg(2), "string", v)),
            };
            rt.new_str(&s)?
        }
        B::TableIsNull => {
            let t = table(rt, arg(0))?;
            cell(&t, arg(1), arg(2))?.is_null() as u64
        }
        B::TableBuilderNew => {
            let items = strings(rt, arg(0))?;
            let schema = Schema::parse_items(&items).map_err(trap_of)?;
            rt.heap.alloc_foreign(Box::new(TableBuilder::new(
                schema,
                account(rt, "table_builder"),
            )))?
        }
        B::BuilderAppendI64
        | B::BuilderAppendF64
        | B::BuilderAppendBool
        | B::BuilderAppendStr
        | B::BuilderAppendNull => {
            let s;
            let v = match op {
                B::BuilderAppendI64 => ValueRef::I64(arg(2) as i64),
                B::BuilderAppendF64 => ValueRef::F64(f64::from_bits(arg(2))),
                B::BuilderAppendBool => ValueRef::Bool(arg(2) != 0),
                B::BuilderAppendStr => {
                    s = rt.heap.str(arg(2)).to_owned();
                    ValueRef::Utf8(&s)
                }
                _ => ValueRef::Null,
            };
            let col = arg(1) as i64;
            let b = builder(rt, arg(0))?;
            let col = usize::try_from(col).map_err(|_| {
                Trap::new(
                    TrapKind::Dataflow,
                    format!("dataflow error: column index {col}"),
                )
            })?;
            // An `f64` appended to an `f32` column rounds to nearest, as `x as f32` (§6).
            let v = match v {
                ValueRef::F64(x)
                    if b.schema().field(col).map(|f| f.data_type) == Some(DataType::F32) =>
                {
                    ValueRef::F32(x as f32)
                }
                v => v,
            };
            b.append(col, v).map_err(trap_of)?;
            return Ok(None);
        }
        B::BuilderFinish => {
            // Finishing leaves an empty builder of the same schema behind, ready for another table.
            let acc = account(rt, "table_builder");
            let b = builder(rt, arg(0))?;
            let schema = b.schema().clone();
            let done = std::mem::replace(b, TableBuilder::new(schema, acc));
            let t = done.finish().map_err(trap_of)?;
            new_table(rt, t)?
        }
        _ => {
            return Err(Trap::new(
                TrapKind::Internal,
                format!("`{}` is not a dataflow built-in", op.name()),
            ));
        }
    };
    Ok(Some(v))
}

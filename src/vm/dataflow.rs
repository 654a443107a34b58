//! The VM side of the dataflow bridge (§8): `table_ref`, `node_ref` and `table_builder` values
//! are heap objects of kind [`Obj::Foreign`] holding the engine's values (a `table_ref` holds a
//! [`Table`], which shares its columns through an `Arc`, so a host can keep it after the run).
//! `DF_NODE`, `DF_MATERIALIZE`, `DF_EXPLAIN` and the table built-ins enter here.
//!
//! The default `table_ref` (an empty table, no columns) is the null reference
//! [`NULL_REF`](super::state::NULL_REF) and reads as [`Table::empty`].
//!
//! Implemented here: `read_csv` (both forms), `write_csv`, `table_row_count`,
//! `table_column_count`, `table_column_name`, `table_column_index`, `table_get_*`,
//! `table_is_null`, the table builder, and printing a `table_ref`. The lazy DAG (`DF_NODE`,
//! `materialize`, `explain`) and JSON I/O wait for the engine and trap T0200 until it is wired.

use super::heap::Obj;
use super::objects::bad_handle;
use super::ops::slot_f64;
use super::state::Runtime;
use super::trap::{Trap, TrapKind};
use crate::bytecode::{BuiltinOp, DfNodeKind};
use crate::dataflow::builder::TableBuilder;
use crate::dataflow::column::ValueRef;
use crate::dataflow::error::DataflowError;
use crate::dataflow::memory::MemoryAccount;
use crate::dataflow::table::Table;
use crate::dataflow::types::Schema;

#[cold]
fn not_integrated(what: &str) -> Trap {
    Trap::new(
        TrapKind::Dataflow,
        format!(
            "dataflow error: `{what}` is not available: the dataflow engine is not integrated in this build"
        ),
    )
}

/// An engine error as a trap: I/O errors are T0012, everything else T0200.
pub fn trap_of(e: DataflowError) -> Trap {
    let kind = match e {
        DataflowError::Io { .. } => TrapKind::Io,
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
    rt.heap.alloc(Obj::Foreign(Box::new(t)))
}

/// `DF_NODE`: creates a node of kind `kind` over argument slots `args`.
pub fn node(_rt: &mut Runtime, kind: i32, _args: &[u64]) -> Result<u64, Trap> {
    let name = DfNodeKind::from_i32(kind).map_or("node", |k| k.name());
    Err(not_integrated(name))
}

/// `DF_MATERIALIZE`: runs the DAG under a node (or scans a table) into a new table.
pub fn materialize(rt: &mut Runtime, node: u64) -> Result<u64, Trap> {
    // A table_ref materialises to itself (tables are immutable).
    if node == super::state::NULL_REF || rt.heap.foreign::<Table>(node).is_some() {
        return Ok(node);
    }
    Err(not_integrated("materialize"))
}

/// `DF_EXPLAIN`: the optimised plan as text.
pub fn explain(_rt: &mut Runtime, _node: u64) -> Result<u64, Trap> {
    Err(not_integrated("explain"))
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
    let account = MemoryAccount::unlimited();
    let v = match op {
        B::ReadCsv => {
            let path = rt.heap.str(arg(0)).to_owned();
            let t = crate::dataflow::io::read_csv(&path, &account).map_err(trap_of)?;
            new_table(rt, t)?
        }
        B::ReadCsvSchema => {
            let path = rt.heap.str(arg(0)).to_owned();
            let items = strings(rt, arg(1))?;
            let schema = Schema::parse_items(&items).map_err(trap_of)?;
            let t = crate::dataflow::io::read_csv_with_schema(&path, &schema, &account)
                .map_err(trap_of)?;
            new_table(rt, t)?
        }
        B::WriteCsv => {
            let t = table(rt, arg(0))?;
            crate::dataflow::io::write_csv(&t, rt.heap.str(arg(1))).map_err(trap_of)?;
            return Ok(None);
        }
        B::ReadJson | B::WriteJson => return Err(not_integrated(op.builtin().name())),
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
            rt.heap
                .alloc(Obj::Foreign(Box::new(TableBuilder::new(schema, account))))?
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
            b.append(col, v).map_err(trap_of)?;
            return Ok(None);
        }
        B::BuilderFinish => {
            // Finishing leaves an empty builder of the same schema behind, ready for another table.
            let b = builder(rt, arg(0))?;
            let schema = b.schema().clone();
            let done = std::mem::replace(b, TableBuilder::new(schema, account));
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

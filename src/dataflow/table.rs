//! Immutable tables: a schema plus columns of equal length, shared by reference count (§8).

use std::fmt;
use std::sync::Arc;

use super::column::{Column, ValueRef};
use super::error::{DataflowError, Result};
use super::types::{Field, Schema};

struct TableInner {
    schema: Schema,
    columns: Vec<Column>,
    num_rows: usize,
}

/// An immutable table, the value behind Theta's `table_ref`. Cloning is O(1) and shares data.
#[derive(Clone)]
pub struct Table(Arc<TableInner>);

impl Table {
    /// A table from a schema and matching columns (same count, types and lengths; no nulls in a
    /// non-nullable field). With no columns the table has no rows.
    pub fn try_new(schema: Schema, columns: Vec<Column>) -> Result<Table> {
        let rows = columns.first().map_or(0, Column::len);
        Self::try_new_with_rows(schema, columns, rows)
    }

    /// Like [`Self::try_new`] with an explicit row count, which allows rows without columns
    /// (e.g. `aggregate` with no keys and no aggregates yields one row and no columns).
    pub fn try_new_with_rows(
        schema: Schema,
        columns: Vec<Column>,
        num_rows: usize,
    ) -> Result<Table> {
        if schema.len() != columns.len() {
            return Err(DataflowError::schema(format!(
                "{} fields but {} columns",
                schema.len(),
                columns.len()
            )));
        }
        for (f, c) in schema.fields().iter().zip(&columns) {
            if f.data_type != c.data_type() {
                return Err(DataflowError::schema(format!(
                    "column '{}' is declared {} but holds {}",
                    f.name,
                    f.data_type,
                    c.data_type()
                )));
            }
            if c.len() != num_rows {
                return Err(DataflowError::schema(format!(
                    "column '{}' has {} rows, expected {num_rows}",
                    f.name,
                    c.len()
                )));
            }
            if !f.nullable && c.null_count() > 0 {
                return Err(DataflowError::schema(format!(
                    "column '{}' is not nullable but holds {} nulls",
                    f.name,
                    c.null_count()
                )));
            }
        }
        Ok(Table(Arc::new(TableInner {
            schema,
            columns,
            num_rows,
        })))
    }

    /// Builds a table from `(name, column)` pairs; every field is nullable.
    pub fn from_columns(columns: Vec<(&str, Column)>) -> Result<Table> {
        let fields = columns
            .iter()
            .map(|(n, c)| Field::new(*n, c.data_type(), true))
            .collect::<Vec<_>>();
        Table::try_new(
            Schema::new(fields)?,
            columns.into_iter().map(|(_, c)| c).collect(),
        )
    }

    /// The empty table: no columns, no rows (the default `table_ref`, §3).
    pub fn empty() -> Table {
        Table(Arc::new(TableInner {
            schema: Schema::empty(),
            columns: Vec::new(),
            num_rows: 0,
        }))
    }

    /// The schema.
    pub fn schema(&self) -> &Schema {
        &self.0.schema
    }

    /// Number of rows.
    pub fn num_rows(&self) -> usize {
        self.0.num_rows
    }

    /// Number of columns.
    pub fn num_columns(&self) -> usize {
        self.0.columns.len()
    }

    /// All columns in order.
    pub fn columns(&self) -> &[Column] {
        &self.0.columns
    }

    /// Column `i`, if any.
    pub fn column(&self, i: usize) -> Option<&Column> {
        self.0.columns.get(i)
    }

    /// Field `i`, if any.
    pub fn field(&self, i: usize) -> Option<&Field> {
        self.0.schema.field(i)
    }

    /// Name of column `i`, if any.
    pub fn column_name(&self, i: usize) -> Option<&str> {
        self.field(i).map(|f| f.name.as_str())
    }

    /// Index of the column named `name`, if any.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.0.schema.index_of(name)
    }

    /// The column named `name`, or a [`DataflowError::ColumnNotFound`] listing the columns.
    pub fn column_by_name(&self, name: &str) -> Result<&Column> {
        let i = self.0.schema.require(name)?;
        Ok(&self.0.columns[i])
    }

    /// Cell `(row, col)`, or [`DataflowError::OutOfRange`].
    pub fn value(&self, row: usize, col: usize) -> Result<ValueRef<'_>> {
        let c = self.column(col).ok_or_else(|| DataflowError::OutOfRange {
            message: format!("column index {col} with {} columns", self.num_columns()),
        })?;
        if row >= self.num_rows() {
            return Err(DataflowError::OutOfRange {
                message: format!("row {row} of a table with {} rows", self.num_rows()),
            });
        }
        Ok(c.value(row))
    }

    /// Rows `offset..offset + len`, sharing storage; clamped.
    pub fn slice(&self, offset: usize, len: usize) -> Table {
        let offset = offset.min(self.num_rows());
        let len = len.min(self.num_rows() - offset);
        let columns = self
            .0
            .columns
            .iter()
            .map(|c| c.slice(offset, len))
            .collect();
        Table(Arc::new(TableInner {
            schema: self.0.schema.clone(),
            columns,
            num_rows: len,
        }))
    }

    /// True when both handles share the same table.
    pub fn ptr_eq(&self, other: &Table) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Default for Table {
    fn default() -> Self {
        Table::empty()
    }
}

impl PartialEq for Table {
    /// Same schema, row count and cell values.
    fn eq(&self, other: &Self) -> bool {
        self.schema() == other.schema()
            && self.num_rows() == other.num_rows()
            && self.columns() == other.columns()
    }
}

impl fmt::Debug for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Table")
            .field("rows", &self.num_rows())
            .field("fields", &self.schema().fields())
            .field("columns", &self.columns())
            .finish()
    }
}

//! Errors of the dataflow engine: one enum, each variant a kind with the facts a message needs.

use std::fmt;

/// An error raised while building, reading, writing or running tables (§8, trap class "dataflow").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataflowError {
    /// An operating-system I/O failure on `path`.
    Io {
        /// The file involved.
        path: String,
        /// The OS error text.
        message: String,
    },
    /// Malformed CSV input or a value that does not fit the column's type.
    Csv {
        /// The file being read.
        file: String,
        /// 1-based line where the problem is.
        line: u64,
        /// 1-based character column where the problem is.
        column: u64,
        /// What is wrong.
        message: String,
    },
    /// Malformed newline-delimited JSON input.
    Json {
        /// The file being read.
        file: String,
        /// 1-based line where the problem is.
        line: u64,
        /// 1-based character column where the problem is.
        column: u64,
        /// What is wrong.
        message: String,
    },
    /// A schema problem: mismatched lengths, types, duplicate or unknown names, bad schema text.
    Schema {
        /// What is wrong.
        message: String,
    },
    /// A column name that does not exist; lists the available columns for the trap message.
    ColumnNotFound {
        /// The name asked for.
        name: String,
        /// The columns that do exist, in order.
        available: Vec<String>,
    },
    /// A value of the wrong type for a column or accessor.
    Type {
        /// What is wrong.
        message: String,
    },
    /// A row or column index outside the table.
    OutOfRange {
        /// What is wrong.
        message: String,
    },
    /// The memory budget (`--max-memory`) would be exceeded by `operator`.
    MemoryLimit {
        /// The operator that asked for memory (e.g. `read_csv`, `join`).
        operator: String,
        /// Bytes requested by the failing allocation.
        requested: usize,
        /// Bytes already in use.
        used: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// A serialised table (FlatBuffers) that is truncated, corrupt or inconsistent.
    Format {
        /// What is wrong.
        message: String,
    },
    /// An error of the expression language, planner or an operator (used by the engine).
    Plan {
        /// What is wrong.
        message: String,
    },
}

impl DataflowError {
    /// A [`DataflowError::Schema`] with `message`.
    pub fn schema(message: impl Into<String>) -> Self {
        DataflowError::Schema {
            message: message.into(),
        }
    }

    /// A [`DataflowError::Type`] with `message`.
    pub fn type_error(message: impl Into<String>) -> Self {
        DataflowError::Type {
            message: message.into(),
        }
    }

    /// A [`DataflowError::Format`] with `message`.
    pub fn format(message: impl Into<String>) -> Self {
        DataflowError::Format {
            message: message.into(),
        }
    }

    /// A [`DataflowError::Io`] for `path` from an OS error.
    pub fn io(path: impl AsRef<std::path::Path>, err: &std::io::Error) -> Self {
        DataflowError::Io {
            path: path.as_ref().display().to_string(),
            message: err.to_string(),
        }
    }
}

impl fmt::Display for DataflowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataflowError::Io { path, message } => write!(f, "I/O error on '{path}': {message}"),
            DataflowError::Csv {
                file,
                line,
                column,
                message,
            } => {
                write!(
                    f,
                    "CSV error in '{file}' at line {line}, column {column}: {message}"
                )
            }
            DataflowError::Json {
                file,
                line,
                column,
                message,
            } => {
                write!(
                    f,
                    "JSON error in '{file}' at line {line}, column {column}: {message}"
                )
            }
            DataflowError::Schema { message } => write!(f, "schema error: {message}"),
            DataflowError::ColumnNotFound { name, available } => {
                write!(f, "no column named '{name}'; available columns: ")?;
                if available.is_empty() {
                    write!(f, "(none)")
                } else {
                    write!(f, "{}", available.join(", "))
                }
            }
            DataflowError::Type { message } => write!(f, "type error: {message}"),
            DataflowError::OutOfRange { message } => write!(f, "out of range: {message}"),
            DataflowError::MemoryLimit {
                operator,
                requested,
                used,
                limit,
            } => write!(
                f,
                "memory limit exceeded in {operator}: {requested} more bytes requested \
                 with {used} of {limit} bytes in use"
            ),
            DataflowError::Format { message } => write!(f, "invalid table data: {message}"),
            DataflowError::Plan { message } => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for DataflowError {}

/// Shorthand for results of the dataflow engine.
pub type Result<T, E = DataflowError> = std::result::Result<T, E>;

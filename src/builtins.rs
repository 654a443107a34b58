//! The built-in functions of §7 (procedural) and §8 (dataflow), by name.
//!
//! Overloads are resolved by the checker from a signature table (`crate::check::builtin_sigs`);
//! the back end picks the concrete operation from the argument types in the typed tree.

macro_rules! builtins {
    ($($variant:ident => $name:literal, $doc:literal;)*) => {
        /// A built-in function.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Builtin {
            $(#[doc = $doc] $variant,)*
        }

        impl Builtin {
            /// Every built-in, in declaration order.
            pub const ALL: &'static [Builtin] = &[$(Builtin::$variant,)*];

            /// The name a program calls it by.
            pub fn name(self) -> &'static str {
                match self {
                    $(Builtin::$variant => $name,)*
                }
            }

            /// Looks a built-in up by name.
            pub fn from_name(name: &str) -> Option<Builtin> {
                match name {
                    $($name => Some(Builtin::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

builtins! {
    // §7 procedural built-ins.
    Print => "print", "Prints its arguments separated by one space, then a newline.";
    ToString => "to_string", "Formats a value as text, as `print` would.";
    Len => "len", "Length of a string in bytes or of an array in elements.";
    Substr => "substr", "`substr(s, start, count)`: bytes `start..start+count` of `s`.";
    ParseI64 => "parse_i64", "Parses decimal text as `i64`; traps with the text on failure.";
    ParseF64 => "parse_f64", "Parses text as `f64`; traps with the text on failure.";
    Sqrt => "sqrt", "Square root (`f64` and `f32`).";
    Sin => "sin", "Sine.";
    Cos => "cos", "Cosine.";
    Tan => "tan", "Tangent.";
    Exp => "exp", "e to the power x.";
    Log => "log", "Natural logarithm.";
    Floor => "floor", "Largest integral value not above x.";
    Ceil => "ceil", "Smallest integral value not below x.";
    Round => "round", "Nearest integral value, halves away from zero.";
    Fabs => "fabs", "Absolute value of a float.";
    Pow => "pow", "`pow(a, b)`: a to the power b.";
    Abs => "abs", "Absolute value of any numeric type (integers wrap: `abs(MIN) == MIN`).";
    Min => "min", "The smaller of two values of one numeric type.";
    Max => "max", "The larger of two values of one numeric type.";
    Clock => "clock", "Seconds since an arbitrary start, as `f64`.";
    Assert => "assert", "`assert(c, msg)`: traps with `msg` when `c` is false.";
    // Project extensions for the stdlib written in Theta (documented in docs/language.md).
    ByteAt => "byte_at", "`byte_at(s, i) -> i64`: the byte at offset `i` (traps outside the string).";
    FromBytes => "from_bytes", "`from_bytes(b: i64[]) -> string`: text from bytes (traps on invalid UTF-8).";
    StringFind => "string_find", "`string_find(s, needle, from) -> i64`: byte offset of the first match at or after `from`, or -1.";
    // §8 dataflow: building the DAG.
    Scan => "scan", "A node reading every row of a table.";
    Filter => "filter", "Rows where a predicate is true.";
    Project => "project", "Only the listed items, in order.";
    Map => "map", "All input columns plus computed ones.";
    Join => "join", "Joins two inputs on a predicate (`inner` by default).";
    Aggregate => "aggregate", "One row per distinct key with aggregates.";
    Sort => "sort", "Stable multi-key sort.";
    Limit => "limit", "At most `count` rows after `offset`.";
    Distinct => "distinct", "Removes duplicate rows.";
    Union => "union", "Set union (duplicates removed).";
    UnionAll => "union_all", "Concatenation of two inputs.";
    Materialize => "materialize", "Runs the DAG into a new table.";
    Explain => "explain", "The optimised plan as text.";
    // §8 tables.
    ReadCsv => "read_csv", "Reads a CSV file with a header row.";
    WriteCsv => "write_csv", "Writes a table as CSV.";
    ReadJson => "read_json", "Reads newline-delimited JSON objects.";
    WriteJson => "write_json", "Writes newline-delimited JSON objects.";
    TableRowCount => "table_row_count", "Number of rows.";
    TableColumnCount => "table_column_count", "Number of columns.";
    TableColumnName => "table_column_name", "Name of column `i`.";
    TableColumnIndex => "table_column_index", "Index of a named column; traps listing the columns when missing.";
    TableGetI64 => "table_get_i64", "Reads an integer cell as `i64`.";
    TableGetI32 => "table_get_i32", "Reads an integer cell of at most 32 bits as `i32`.";
    TableGetF64 => "table_get_f64", "Reads a float cell as `f64`.";
    TableGetBool => "table_get_bool", "Reads a `bool` cell.";
    TableGetStr => "table_get_str", "Reads a `string` cell.";
    TableIsNull => "table_is_null", "True when a cell is null.";
    // Table building from procedural code (project extension, docs/dataflow.md).
    TableBuilderNew => "table_builder", "`table_builder(schema: string[]) -> table_builder` with items like `\"id i64\"`.";
    BuilderAppendI64 => "builder_append_i64", "`builder_append_i64(b, col, v)`: appends `v` to integer column `col`.";
    BuilderAppendF64 => "builder_append_f64", "Appends to a float column.";
    BuilderAppendBool => "builder_append_bool", "Appends to a `bool` column.";
    BuilderAppendStr => "builder_append_str", "Appends to a `string` column.";
    BuilderAppendNull => "builder_append_null", "Appends a null to any nullable column.";
    BuilderFinish => "builder_finish", "Finishes into an immutable `table_ref`; traps when columns differ in length.";
}

//! Column data types, fields and schemas of tables (§8).

use std::fmt;

use super::error::{DataflowError, Result};

/// The type of a column's values. Layout of each follows the Arrow columnar format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DataType {
    /// 8-bit signed integer.
    I8,
    /// 16-bit signed integer.
    I16,
    /// 32-bit signed integer.
    I32,
    /// 64-bit signed integer.
    I64,
    /// IEEE-754 binary32.
    F32,
    /// IEEE-754 binary64.
    F64,
    /// Boolean, bit-packed.
    Bool,
    /// UTF-8 text: `i32` offsets plus bytes. Theta calls it `string`.
    Utf8,
}

impl DataType {
    /// Every data type, in declaration order.
    pub const ALL: [DataType; 8] = [
        DataType::I8,
        DataType::I16,
        DataType::I32,
        DataType::I64,
        DataType::F32,
        DataType::F64,
        DataType::Bool,
        DataType::Utf8,
    ];

    /// The Theta spelling: `i8 i16 i32 i64 f32 f64 bool string`.
    pub fn name(self) -> &'static str {
        match self {
            DataType::I8 => "i8",
            DataType::I16 => "i16",
            DataType::I32 => "i32",
            DataType::I64 => "i64",
            DataType::F32 => "f32",
            DataType::F64 => "f64",
            DataType::Bool => "bool",
            DataType::Utf8 => "string",
        }
    }

    /// Parses a Theta type name (`string` and `utf8` both mean [`DataType::Utf8`]).
    pub fn parse(name: &str) -> Option<DataType> {
        Some(match name {
            "i8" => DataType::I8,
            "i16" => DataType::I16,
            "i32" => DataType::I32,
            "i64" => DataType::I64,
            "f32" => DataType::F32,
            "f64" => DataType::F64,
            "bool" => DataType::Bool,
            "string" | "utf8" => DataType::Utf8,
            _ => return None,
        })
    }

    /// Bytes per value for fixed-width types; `None` for bool (bits) and strings.
    pub fn byte_width(self) -> Option<usize> {
        match self {
            DataType::I8 => Some(1),
            DataType::I16 => Some(2),
            DataType::I32 | DataType::F32 => Some(4),
            DataType::I64 | DataType::F64 => Some(8),
            DataType::Bool | DataType::Utf8 => None,
        }
    }

    /// True for `i8 i16 i32 i64`.
    pub fn is_integer(self) -> bool {
        matches!(
            self,
            DataType::I8 | DataType::I16 | DataType::I32 | DataType::I64
        )
    }

    /// True for `f32 f64`.
    pub fn is_float(self) -> bool {
        matches!(self, DataType::F32 | DataType::F64)
    }

    /// True for integers and floats.
    pub fn is_numeric(self) -> bool {
        self.is_integer() || self.is_float()
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A named, typed column slot of a schema.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    /// Column name (any text; names are unique within a schema).
    pub name: String,
    /// Type of the values.
    pub data_type: DataType,
    /// Whether the column may hold nulls.
    pub nullable: bool,
}

impl Field {
    /// A field; `nullable` says whether nulls are allowed.
    pub fn new(name: impl Into<String>, data_type: DataType, nullable: bool) -> Self {
        Field {
            name: name.into(),
            data_type,
            nullable,
        }
    }

    /// Parses a schema item `"name type"` as used by `read_csv(path, schema)` (§8).
    /// The name is everything before the last run of spaces; it may be double-quoted.
    /// The result is nullable.
    pub fn parse_item(item: &str) -> Result<Field> {
        let trimmed = item.trim();
        let bad = || {
            DataflowError::schema(format!(
                "schema item '{item}' must be 'name type' with type one of \
                 i8 i16 i32 i64 f32 f64 bool string"
            ))
        };
        let split = trimmed.rfind(char::is_whitespace).ok_or_else(bad)?;
        let (name, ty) = (trimmed[..split].trim_end(), &trimmed[split + 1..]);
        let data_type = DataType::parse(ty).ok_or_else(bad)?;
        let name = match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
            Some(quoted) => quoted,
            None => name,
        };
        if name.is_empty() {
            return Err(bad());
        }
        Ok(Field::new(name, data_type, true))
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, self.data_type)
    }
}

/// The ordered fields of a table. Names are unique.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Schema {
    fields: Vec<Field>,
}

impl Schema {
    /// A schema from fields; fails on a duplicate name.
    pub fn new(fields: Vec<Field>) -> Result<Schema> {
        for (i, f) in fields.iter().enumerate() {
            if fields[..i].iter().any(|g| g.name == f.name) {
                return Err(DataflowError::schema(format!(
                    "duplicate column name '{}'",
                    f.name
                )));
            }
        }
        Ok(Schema { fields })
    }

    /// The schema with no columns.
    pub fn empty() -> Schema {
        Schema { fields: Vec::new() }
    }

    /// Parses `read_csv` schema items such as `["id i64", "name string"]`.
    pub fn parse_items<S: AsRef<str>>(items: &[S]) -> Result<Schema> {
        let fields = items
            .iter()
            .map(|s| Field::parse_item(s.as_ref()))
            .collect::<Result<_>>()?;
        Schema::new(fields)
    }

    /// The fields in order.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// The field at `i`, if any.
    pub fn field(&self, i: usize) -> Option<&Field> {
        self.fields.get(i)
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// True when there are no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Position of the field named `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// Position of `name`, or a [`DataflowError::ColumnNotFound`] listing the columns.
    pub fn require(&self, name: &str) -> Result<usize> {
        self.index_of(name)
            .ok_or_else(|| DataflowError::ColumnNotFound {
                name: name.to_string(),
                available: self.names().map(str::to_string).collect(),
            })
    }

    /// The column names in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|f| f.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_round_trip() {
        for t in DataType::ALL {
            assert_eq!(DataType::parse(t.name()), Some(t));
        }
        assert_eq!(DataType::parse("utf8"), Some(DataType::Utf8));
        assert_eq!(DataType::parse("int"), None);
        assert_eq!(DataType::Utf8.to_string(), "string");
    }

    #[test]
    fn widths_and_classes() {
        assert_eq!(DataType::I16.byte_width(), Some(2));
        assert_eq!(DataType::F32.byte_width(), Some(4));
        assert_eq!(DataType::Bool.byte_width(), None);
        assert!(DataType::I8.is_integer() && !DataType::I8.is_float());
        assert!(DataType::F64.is_numeric() && !DataType::Utf8.is_numeric());
    }

    #[test]
    fn parse_schema_items() {
        let s = Schema::parse_items(&["id i64", "  full name   string ", "\"x y\" f32"]).unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!(s.fields()[0], Field::new("id", DataType::I64, true));
        assert_eq!(s.fields()[1].name, "full name");
        assert_eq!(s.fields()[2].name, "x y");
        assert_eq!(s.fields()[2].data_type, DataType::F32);
        assert!(Schema::parse_items(&["id"]).is_err());
        assert!(Schema::parse_items(&["id int"]).is_err());
        assert!(Schema::parse_items(&["a i64", "a f64"]).is_err());
    }

    #[test]
    fn lookup_and_missing_column() {
        let s = Schema::parse_items(&["a i64", "b bool"]).unwrap();
        assert_eq!(s.index_of("b"), Some(1));
        let err = s.require("c").unwrap_err();
        assert_eq!(
            err.to_string(),
            "no column named 'c'; available columns: a, b"
        );
    }
}

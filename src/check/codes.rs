//! The checker's stable error codes (E0100 and up), one constant each; `docs/errors.md` explains
//! every code with an example.

/// A name that is not declared anywhere in scope.
pub const UNKNOWN_NAME: &str = "E0100";
/// A type name that is not a primitive, a struct or `table_builder`.
pub const UNKNOWN_TYPE: &str = "E0101";
/// A struct has no field of that name.
pub const UNKNOWN_FIELD: &str = "E0102";
/// An import alias has no member of that name.
pub const UNKNOWN_MEMBER: &str = "E0103";
/// A value of one type where another is required.
pub const TYPE_MISMATCH: &str = "E0104";
/// A name declared twice in the same scope.
pub const DUPLICATE: &str = "E0105";
/// A call with the wrong number of arguments.
pub const ARG_COUNT: &str = "E0106";
/// Calling something that is not a function.
pub const NOT_CALLABLE: &str = "E0107";
/// An integer literal that does not fit its type.
pub const INT_RANGE: &str = "E0108";
/// A float literal that does not fit its type.
pub const FLOAT_RANGE: &str = "E0109";
/// A binary operator whose operands have different types.
pub const OPERAND_MISMATCH: &str = "E0110";
/// An operator applied to a type it does not support.
pub const BAD_OPERATOR: &str = "E0111";
/// A condition that is not `bool`.
pub const NOT_BOOL: &str = "E0112";
/// A cast between types that do not convert.
pub const BAD_CAST: &str = "E0113";
/// Assigning to something that is not a variable, element or field.
pub const NOT_ASSIGNABLE: &str = "E0114";
/// A function with a return type that can reach its end.
pub const MISSING_RETURN: &str = "E0115";
/// `break`/`continue` outside a loop.
pub const OUTSIDE_LOOP: &str = "E0116";
/// An expression statement that is not a call.
pub const USELESS_EXPR: &str = "E0117";
/// More than 14 parameters.
pub const TOO_MANY_PARAMS: &str = "E0118";
/// `main` declared with a signature §1 does not allow.
pub const BAD_MAIN: &str = "E0119";
/// A struct literal that leaves out fields.
pub const MISSING_FIELD: &str = "E0120";
/// A struct literal that names a field twice.
pub const DUPLICATE_FIELD: &str = "E0121";
/// A struct that contains itself other than through an array.
pub const RECURSIVE_STRUCT: &str = "E0122";
/// Indexing something that is not an array.
pub const NOT_INDEXABLE: &str = "E0123";
/// Field access on something that is not a struct.
pub const NO_FIELDS: &str = "E0124";
/// An empty array literal with no type from context.
pub const EMPTY_ARRAY: &str = "E0125";
/// A `const` initialiser that is not a constant expression.
pub const NOT_CONST: &str = "E0126";
/// Division or remainder by zero while evaluating a constant.
pub const CONST_DIV_ZERO: &str = "E0127";
/// Modules that import each other.
pub const IMPORT_CYCLE: &str = "E0128";
/// An import that cannot be found or read.
pub const BAD_IMPORT: &str = "E0129";
/// Built-in arguments that match none of its signatures.
pub const NO_OVERLOAD: &str = "E0130";
/// A dataflow expression string (§8) with a syntax error.
pub const DATAFLOW_TEXT: &str = "E0131";
/// A call that returns nothing used as a value.
pub const VOID_VALUE: &str = "E0132";
/// `return` with or without a value against the function's return type.
pub const BAD_RETURN: &str = "E0133";
/// A source file that cannot be read.
pub const UNREADABLE: &str = "E0134";
/// A built-in function, struct or module used as a value.
pub const NOT_A_VALUE: &str = "E0135";
/// Constants whose values depend on each other.
pub const CONST_CYCLE: &str = "E0136";
/// `return` in top-level code.
pub const RETURN_OUTSIDE_FN: &str = "E0137";
/// A type without a default value where one is needed (`new fn()[n]`).
pub const NO_DEFAULT: &str = "E0138";
/// Top-level code that reads a global before its declaration.
pub const GLOBAL_BEFORE_DECL: &str = "E0139";
/// An expression nested too deeply to check.
pub const TOO_DEEP: &str = "E0140";

/// Every checker code, for the documentation test.
pub const ALL: &[&str] = &[
    UNKNOWN_NAME,
    UNKNOWN_TYPE,
    UNKNOWN_FIELD,
    UNKNOWN_MEMBER,
    TYPE_MISMATCH,
    DUPLICATE,
    ARG_COUNT,
    NOT_CALLABLE,
    INT_RANGE,
    FLOAT_RANGE,
    OPERAND_MISMATCH,
    BAD_OPERATOR,
    NOT_BOOL,
    BAD_CAST,
    NOT_ASSIGNABLE,
    MISSING_RETURN,
    OUTSIDE_LOOP,
    USELESS_EXPR,
    TOO_MANY_PARAMS,
    BAD_MAIN,
    MISSING_FIELD,
    DUPLICATE_FIELD,
    RECURSIVE_STRUCT,
    NOT_INDEXABLE,
    NO_FIELDS,
    EMPTY_ARRAY,
    NOT_CONST,
    CONST_DIV_ZERO,
    IMPORT_CYCLE,
    BAD_IMPORT,
    NO_OVERLOAD,
    DATAFLOW_TEXT,
    VOID_VALUE,
    BAD_RETURN,
    UNREADABLE,
    NOT_A_VALUE,
    CONST_CYCLE,
    RETURN_OUTSIDE_FN,
    NO_DEFAULT,
    GLOBAL_BEFORE_DECL,
    TOO_DEEP,
];

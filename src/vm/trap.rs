//! Runtime traps (§10): a small enum of kinds with stable `T` codes, and the trap value that
//! carries the message, the source location and the stack trace.

use std::fmt;

/// What went wrong. Each kind has a stable code (`T0001`…) documented in `docs/errors.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrapKind {
    /// Integer division or remainder by zero (§6).
    DivisionByZero,
    /// An index outside `0..len` (§6), also `byte_at` outside the string.
    IndexOutOfBounds,
    /// `new T[n]` with `n < 0` (§6).
    NegativeArrayLength,
    /// `assert(c, msg)` with `c == false` (§7).
    AssertionFailed,
    /// More nested calls than the frame limit allows (default 100,000).
    StackOverflow,
    /// The `--max-instructions` budget ran out.
    InstructionBudgetExhausted,
    /// The `--max-memory` limit on live heap bytes was exceeded.
    MemoryLimitExceeded,
    /// `substr` outside the string or off a UTF-8 character boundary (§7).
    StringRange,
    /// `parse_i64` / `parse_f64` on text that does not parse (§7).
    ParseError,
    /// Invalid UTF-8 (or a value outside `0..=255`) given to `from_bytes`.
    InvalidUtf8,
    /// An I/O error (files, output).
    Io,
    /// A dataflow error: unknown column, type mismatch, bad expression text (§8).
    Dataflow,
    /// Calling a null function value (an `fn` global read before its initialiser ran).
    InvalidFunction,
    /// A host API misuse: unknown function, wrong argument count or types.
    HostCall,
    /// The `TRAP` instruction: a trap the compiler emitted with its own message.
    Explicit,
    /// A VM invariant failed (a bug in the VM or an unverified module); never a native panic.
    Internal,
}

impl TrapKind {
    /// Every kind, in code order.
    pub const ALL: &'static [TrapKind] = &[
        TrapKind::DivisionByZero,
        TrapKind::IndexOutOfBounds,
        TrapKind::NegativeArrayLength,
        TrapKind::StackOverflow,
        TrapKind::InvalidFunction,
        TrapKind::AssertionFailed,
        TrapKind::InstructionBudgetExhausted,
        TrapKind::MemoryLimitExceeded,
        TrapKind::StringRange,
        TrapKind::ParseError,
        TrapKind::InvalidUtf8,
        TrapKind::Io,
        TrapKind::HostCall,
        TrapKind::Explicit,
        TrapKind::Dataflow,
        TrapKind::Internal,
    ];

    /// The stable code, e.g. `"T0001"`.
    pub fn code(self) -> &'static str {
        match self {
            TrapKind::DivisionByZero => "T0001",
            TrapKind::IndexOutOfBounds => "T0002",
            TrapKind::NegativeArrayLength => "T0003",
            TrapKind::StackOverflow => "T0004",
            TrapKind::InvalidFunction => "T0005",
            TrapKind::AssertionFailed => "T0006",
            TrapKind::InstructionBudgetExhausted => "T0007",
            TrapKind::MemoryLimitExceeded => "T0008",
            TrapKind::StringRange => "T0009",
            TrapKind::ParseError => "T0010",
            TrapKind::InvalidUtf8 => "T0011",
            TrapKind::Io => "T0012",
            TrapKind::HostCall => "T0013",
            TrapKind::Explicit => "T0100",
            TrapKind::Dataflow => "T0200",
            TrapKind::Internal => "T0999",
        }
    }

    /// A short generic description, used when a trap has no more specific message.
    pub fn describe(self) -> &'static str {
        match self {
            TrapKind::DivisionByZero => "division by zero",
            TrapKind::IndexOutOfBounds => "index out of bounds",
            TrapKind::NegativeArrayLength => "negative array length",
            TrapKind::AssertionFailed => "assertion failed",
            TrapKind::StackOverflow => "stack overflow",
            TrapKind::InstructionBudgetExhausted => "instruction budget exhausted",
            TrapKind::MemoryLimitExceeded => "memory limit exceeded",
            TrapKind::StringRange => "string range out of bounds",
            TrapKind::ParseError => "parse error",
            TrapKind::InvalidUtf8 => "invalid UTF-8",
            TrapKind::Io => "I/O error",
            TrapKind::Dataflow => "dataflow error",
            TrapKind::InvalidFunction => "invalid function value",
            TrapKind::HostCall => "invalid host call",
            TrapKind::Explicit => "explicit trap",
            TrapKind::Internal => "internal VM error",
        }
    }
}

/// A source position from the module's debug table.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SourceLoc {
    /// The source file name as recorded in the module.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl fmt::Display for SourceLoc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One entry of a trap's stack trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceFrame {
    /// The function's name (`<init>` for top-level code).
    pub function: String,
    /// Where that frame was executing (the call site for outer frames), when known.
    pub location: Option<SourceLoc>,
}

/// A runtime trap: the kind, a message, where it happened and the call stack, innermost first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    /// The kind (and so the stable code).
    pub kind: TrapKind,
    /// The full message, e.g. `index 5 out of bounds for length 3`.
    pub message: String,
    /// The source location of the trapping instruction, when the module has debug info.
    pub location: Option<SourceLoc>,
    /// The stack trace, innermost frame first.
    pub stack: Vec<TraceFrame>,
}

impl Trap {
    /// A trap of `kind` with `message`, not yet located (the interpreter fills in location and
    /// stack when the trap leaves the dispatch loop).
    pub fn new(kind: TrapKind, message: impl Into<String>) -> Trap {
        Trap {
            kind,
            message: message.into(),
            location: None,
            stack: Vec::new(),
        }
    }

    /// The stable code of the kind, e.g. `"T0002"`.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// Renders the trap as the CLI prints it on stderr (§10):
    /// `error[Txxx]: message`, ` --> file:line:col`, then one `at` line per frame.
    pub fn render(&self) -> String {
        self.to_string()
    }
}

/// Innermost frames a rendered stack trace shows before eliding.
const TRACE_HEAD: usize = 40;
/// Outermost frames a rendered stack trace shows after eliding.
const TRACE_TAIL: usize = 10;

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error[{}]: {}", self.kind.code(), self.message)?;
        if let Some(loc) = &self.location {
            writeln!(f, "  --> {loc}")?;
        }
        if !self.stack.is_empty() {
            writeln!(f, "stack trace (innermost first):")?;
        }
        let n = self.stack.len();
        for (i, frame) in self.stack.iter().enumerate() {
            // Deep recursion: show the innermost and outermost frames only.
            if n > TRACE_HEAD + TRACE_TAIL && i >= TRACE_HEAD && i < n - TRACE_TAIL {
                if i == TRACE_HEAD {
                    writeln!(
                        f,
                        "    ... {} frames omitted ...",
                        n - TRACE_HEAD - TRACE_TAIL
                    )?;
                }
                continue;
            }
            match &frame.location {
                Some(loc) => writeln!(f, "    at {} ({loc})", frame.function)?,
                None => writeln!(f, "    at {}", frame.function)?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for Trap {}

/// Shorthand for results of operations that may trap.
pub type TrapResult<T> = Result<T, Trap>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut codes: Vec<_> = TrapKind::ALL.iter().map(|k| k.code()).collect();
        assert!(codes.iter().all(|c| c.len() == 5 && c.starts_with('T')));
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), TrapKind::ALL.len());
        // Codes the bytecode docs cite (opcodes.rs).
        assert_eq!(TrapKind::StackOverflow.code(), "T0004");
        assert_eq!(TrapKind::InvalidFunction.code(), "T0005");
        assert_eq!(TrapKind::Explicit.code(), "T0100");
        assert_eq!(TrapKind::Dataflow.code(), "T0200");
    }

    #[test]
    fn render_has_code_location_and_stack() {
        let mut t = Trap::new(TrapKind::DivisionByZero, "division by zero");
        t.location = Some(SourceLoc {
            file: "a.theta".into(),
            line: 3,
            column: 9,
        });
        t.stack = vec![
            TraceFrame {
                function: "div".into(),
                location: t.location.clone(),
            },
            TraceFrame {
                function: "main".into(),
                location: Some(SourceLoc {
                    file: "a.theta".into(),
                    line: 7,
                    column: 5,
                }),
            },
        ];
        assert_eq!(
            t.render(),
            "error[T0001]: division by zero\n  --> a.theta:3:9\nstack trace (innermost first):\n    at div (a.theta:3:9)\n    at main (a.theta:7:5)\n"
        );
    }
}

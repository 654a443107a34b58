//! Errors of loading and verifying a module: what is wrong, and where (function, pc).

use std::fmt;

/// Which stage refused the module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadErrorKind {
    /// Not a well-formed module file (identifier, FlatBuffers structure, missing parts).
    Format,
    /// Written by a thetac with another module version.
    Version,
    /// Well-formed, but the verifier proved something wrong (indices, types, control flow).
    Verify,
}

/// A module was refused. `Display` gives one line: `function `f` (#2), pc 7 (ADD_I64): …`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// Which stage refused it.
    pub kind: LoadErrorKind,
    /// Index and name of the function at fault, when the problem is inside one.
    pub function: Option<(u32, String)>,
    /// The instruction at fault, when the problem is one instruction.
    pub pc: Option<u32>,
    /// The mnemonic of that instruction, when known.
    pub opcode: Option<&'static str>,
    /// What is wrong.
    pub message: String,
}

impl LoadError {
    /// A module-level error of kind `kind`.
    pub fn new(kind: LoadErrorKind, message: impl Into<String>) -> LoadError {
        LoadError {
            kind,
            function: None,
            pc: None,
            opcode: None,
            message: message.into(),
        }
    }

    /// A malformed-file error.
    pub fn format(message: impl Into<String>) -> LoadError {
        LoadError::new(LoadErrorKind::Format, message)
    }

    /// A verifier error.
    pub fn verify(message: impl Into<String>) -> LoadError {
        LoadError::new(LoadErrorKind::Verify, message)
    }

    /// Names the function the error is in.
    pub fn in_function(mut self, index: u32, name: &str) -> LoadError {
        self.function = Some((index, name.to_string()));
        self
    }

    /// Names the instruction the error is at.
    pub fn at(mut self, pc: u32, opcode: Option<&'static str>) -> LoadError {
        self.pc = Some(pc);
        self.opcode = opcode;
        self
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            LoadErrorKind::Format => f.write_str("malformed module: ")?,
            LoadErrorKind::Version => {}
            LoadErrorKind::Verify => f.write_str("invalid module: ")?,
        }
        if let Some((index, name)) = &self.function {
            write!(f, "function `{name}` (#{index})")?;
            match (self.pc, self.opcode) {
                (Some(pc), Some(op)) => write!(f, ", pc {pc} ({op})")?,
                (Some(pc), None) => write!(f, ", pc {pc}")?,
                _ => {}
            }
            f.write_str(": ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for LoadError {}

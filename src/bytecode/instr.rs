//! One decoded instruction: the in-memory twin of the FlatBuffers `struct Instr`.

use crate::bytecode::opcodes::Opcode;

/// One 8-byte instruction: `op a b c imm` (see [`crate::bytecode::opcodes`] for the layout and
/// the meaning of each field per opcode). The opcode is already decoded, so a loaded module
/// never holds an unknown opcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(C)]
pub struct Instr {
    /// The operation.
    pub op: Opcode,
    /// Usually the destination register.
    pub a: u8,
    /// Usually the first source register.
    pub b: u8,
    /// Usually the second source register, a count or a small constant.
    pub c: u8,
    /// Immediate, pool or table index, spill slot or jump target.
    pub imm: i32,
}

impl Instr {
    /// An instruction from its fields.
    pub const fn new(op: Opcode, a: u8, b: u8, c: u8, imm: i32) -> Instr {
        Instr { op, a, b, c, imm }
    }

    /// `op a b c` with `imm = 0`.
    pub const fn abc(op: Opcode, a: u8, b: u8, c: u8) -> Instr {
        Instr::new(op, a, b, c, 0)
    }

    /// `op a b` with `c = 0`, `imm = 0`.
    pub const fn ab(op: Opcode, a: u8, b: u8) -> Instr {
        Instr::new(op, a, b, 0, 0)
    }

    /// `op a imm` with `b = c = 0`.
    pub const fn ai(op: Opcode, a: u8, imm: i32) -> Instr {
        Instr::new(op, a, 0, 0, imm)
    }

    /// `op a b imm` with `c = 0`.
    pub const fn abi(op: Opcode, a: u8, b: u8, imm: i32) -> Instr {
        Instr::new(op, a, b, 0, imm)
    }

    /// The 8 bytes of the file format (little-endian `imm`).
    pub fn to_bytes(self) -> [u8; 8] {
        let imm = self.imm.to_le_bytes();
        [
            self.op as u8,
            self.a,
            self.b,
            self.c,
            imm[0],
            imm[1],
            imm[2],
            imm[3],
        ]
    }

    /// Decodes 8 bytes; `None` when the opcode byte is unknown.
    pub fn from_bytes(bytes: [u8; 8]) -> Option<Instr> {
        let op = Opcode::from_u8(bytes[0])?;
        let imm = i32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
        Some(Instr::new(op, bytes[1], bytes[2], bytes[3], imm))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_eight_bytes_and_round_trips() {
        assert_eq!(std::mem::size_of::<Instr>(), 8);
        let i = Instr::new(Opcode::Jlt, 0, 17, 255, -5);
        assert_eq!(Instr::from_bytes(i.to_bytes()), Some(i));
        assert_eq!(Instr::from_bytes([255, 0, 0, 0, 0, 0, 0, 0]), None);
    }
}

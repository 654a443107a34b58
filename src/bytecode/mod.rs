//! The bytecode: instruction set, module format (FlatBuffers), loader, verifier, disassembler.

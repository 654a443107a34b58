//! The virtual machine: interpreter, runtime values, arenas, traps and the host API.

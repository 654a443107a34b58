//! The compiler back end: typed HIR to IR, register allocation and bytecode emission.

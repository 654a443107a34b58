//! Fuzzes the module loader and verifier (§9): no input may panic, hang or misbehave; a module
//! that loads must also disassemble and write back to bytes that load again to the same module.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(module) = theta::bytecode::load(data) {
        let _ = theta::bytecode::disassemble(&module);
        let again = theta::bytecode::load(&module.to_bytes()).expect("a written module loads");
        assert_eq!(again.functions, module.functions);
    }
});

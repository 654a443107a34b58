//! Fuzzes the lexer and parser: no input may panic (placeholder until the parser lands).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = data;
});

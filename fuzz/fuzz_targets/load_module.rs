//! Fuzzes the module loader and verifier: no input may panic (placeholder until the loader lands).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = data;
});

//! Fuzzes the lexer and parser: no input may panic, and every diagnostic's span must lie
//! inside the decoded text.
#![no_main]
use theta::source::{FileId, decode_utf8};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (text, _) = decode_utf8(data);
    let (_, diags) = theta::syntax::parse_source(FileId(0), &text);
    for d in &diags {
        assert!(d.primary.span.start <= d.primary.span.end);
        assert!(d.primary.span.end as usize <= text.len());
    }
    // The byte-level entry point reports invalid UTF-8 itself.
    let _ = theta::syntax::parse_bytes(FileId(0), data);
});

//! Corrupt input never panics or hangs: truncations, bit flips, random bytes, and a proptest
//! over mutations of a real module (§9).

mod common;

use proptest::prelude::*;
use theta::bytecode::load;

fn small_module_bytes() -> Vec<u8> {
    common::sample_module().to_bytes()
}

#[test]
fn every_truncation_is_refused_cleanly() {
    let module = common::sample_module();
    let bytes = module.to_bytes();
    let mut refused = 0;
    for len in 0..bytes.len() {
        match load(&bytes[..len]) {
            Err(err) => {
                assert!(!err.to_string().is_empty());
                refused += 1;
            }
            // Cutting only the builder's trailing alignment padding loses nothing.
            Ok(m) => assert_eq!(m, module, "a truncation to {len} bytes changed the module"),
        }
    }
    assert!(
        refused + 8 >= bytes.len(),
        "only padding may be cut without an error"
    );
}

#[test]
fn single_bit_flips_never_panic() {
    let bytes = small_module_bytes();
    let mut refused = 0;
    for i in 0..bytes.len() {
        for bit in [0, 3, 7] {
            let mut b = bytes.clone();
            b[i] ^= 1 << bit;
            // Either still a valid module (e.g. a flipped constant) or a clean error.
            if let Err(e) = load(&b) {
                assert!(!e.to_string().is_empty());
                refused += 1;
            }
        }
    }
    assert!(refused > 0);
}

#[test]
fn random_bytes_are_refused() {
    // A small xorshift so the test is reproducible without extra crates.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..2000 {
        let len = (round % 300) + 1;
        let mut buf = Vec::with_capacity(len);
        for _ in 0..len {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf.push(x as u8);
        }
        if round % 2 == 0 && len >= 8 {
            buf[4..8].copy_from_slice(b"THBC"); // get past the identifier check
        }
        assert!(load(&buf).is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn mutated_modules_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in proptest::option::of(any::<usize>()),
    ) {
        let mut bytes = small_module_bytes();
        for (pos, val) in edits {
            let i = pos % bytes.len();
            bytes[i] = val;
        }
        if let Some(c) = cut {
            bytes.truncate(c % (bytes.len() + 1));
        }
        let _ = load(&bytes);
    }
}

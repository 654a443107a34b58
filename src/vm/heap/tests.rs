//! Heap tests: handles, accounting, the collector moving payloads between arenas, bounded
//! footprint of allocation loops. They also run under Miri (`scripts/miri-heap.sh`), which
//! checks every payload access of the `unsafe` code.

use super::*;
use std::rc::Rc;

/// Miri is slow: scale loop counts down under it.
fn n(full: usize) -> usize {
    if cfg!(miri) { full / 100 } else { full }
}

fn payload_addr(h: &Heap, handle: u64) -> usize {
    h.slots[handle_index(handle)].ptr.as_ptr() as usize
}

fn in_nursery(h: &Heap, handle: u64) -> bool {
    h.slots[handle_index(handle)].flags & NURSERY != 0
}

#[test]
fn alloc_get_and_stale_handles() {
    let mut h = Heap::new();
    let a = h.alloc_str("hello").unwrap();
    assert_eq!(h.str(a), "hello");
    assert_eq!(h.stats().bytes, OBJECT_OVERHEAD + 5);
    h.collect([]);
    assert!(!h.is_live(a), "unreachable string is freed");
    let b = h.alloc_str("x").unwrap();
    assert_eq!(handle_index(a), handle_index(b), "slot reused");
    assert_ne!(a, b, "with a new generation");
    assert_eq!(h.str(a), "", "stale handle reads as empty, never panics");
    assert!(
        h.array(a).is_none() && h.struct_obj(b).is_none(),
        "kind is checked"
    );
    assert_eq!(h.stats().bytes, OBJECT_OVERHEAD + 1);
    assert_eq!(h.stats().peak_bytes, OBJECT_OVERHEAD + 5);
}

#[test]
fn collect_moves_live_payloads_and_data_survives() {
    let mut h = Heap::new();
    let s = h.alloc_str("kept string ✓").unwrap();
    let garbage = h.alloc_str("garbage").unwrap();
    let nums = h.alloc_array(false, &[1, 2, 3, u64::MAX]).unwrap();
    let inner = h.alloc_array(true, &[s, nums]).unwrap();
    let outer = h.alloc_array(true, &[inner, inner, s]).unwrap();
    // Two structs referencing each other (a cycle) and the arrays.
    let a = h.alloc_struct(3, &[0, outer, 7]).unwrap();
    let b = h.alloc_struct(4, &[a, 0]).unwrap();
    h.struct_mut(a).unwrap().fields[0] = b;
    let all = [s, nums, inner, outer, a, b];
    let before: Vec<usize> = all.iter().map(|&x| payload_addr(&h, x)).collect();
    assert!(in_nursery(&h, s) && in_nursery(&h, b));

    let roots = [b, 7, 0];
    h.collect([&roots[..]]);

    for (x, old) in all.iter().zip(before) {
        assert!(!in_nursery(&h, *x), "evacuated to the mature arena");
        assert_ne!(
            payload_addr(&h, *x),
            old,
            "the payload moved; the handle did not"
        );
    }
    assert!(!h.is_live(garbage));
    assert_eq!(h.str(s), "kept string ✓");
    assert_eq!(h.array_elems(nums).unwrap(), &[1, 2, 3, u64::MAX]);
    assert_eq!(h.array(inner).unwrap().elems, &[s, nums]);
    assert!(h.array(inner).unwrap().refs && !h.array(nums).unwrap().refs);
    assert_eq!(h.array_elems(outer).unwrap(), &[inner, inner, s]);
    let sa = h.struct_obj(a).unwrap();
    assert_eq!((sa.struct_id, sa.fields), (3, &[b, outer, 7][..]));
    assert_eq!(h.struct_fields(b).unwrap(), &[a, 0]);
    assert_eq!(h.stats().objects, 6);

    // Mutate after the move, then collect again.
    h.array_elems_mut(nums).unwrap()[0] = 42;
    let t = h.concat(s, s).unwrap();
    h.struct_fields_mut(b).unwrap()[1] = t;
    h.collect([&roots[..]]);
    assert_eq!(h.array_elems(nums).unwrap()[0], 42);
    assert_eq!(h.str(t), "kept string ✓kept string ✓");
    // Dropping the root frees the whole cycle.
    h.collect([]);
    assert_eq!(h.stats().objects, 0);
    assert_eq!(h.stats().bytes, 0);
}

#[test]
fn scalar_arrays_are_not_scanned() {
    let mut h = Heap::new();
    let s = h.alloc_str("only referenced by an i64 array").unwrap();
    let arr = h.alloc_array(false, &[s]).unwrap();
    h.collect([&[arr][..]]);
    assert!(!h.is_live(s));
    assert!(h.is_live(arr));
}

#[test]
fn cycles_are_collected_and_marking_is_iterative() {
    let mut h = Heap::new();
    let a = h.alloc_struct(0, &[0]).unwrap();
    h.struct_mut(a).unwrap().fields[0] = a; // self cycle
    // A long chain: would overflow a recursive marker.
    let len = n(200_000);
    let mut prev = a;
    for _ in 0..len {
        prev = h.alloc_struct(0, &[prev]).unwrap();
    }
    h.collect([&[prev][..]]);
    assert_eq!(h.stats().objects, len + 1);
    // Walk the chain after the move.
    let mut x = prev;
    for _ in 0..len {
        x = h.struct_fields(x).unwrap()[0];
    }
    assert_eq!(x, a);
    h.collect([]);
    assert_eq!(h.stats().objects, 0);
    assert_eq!(h.stats().bytes, 0);
}

#[test]
fn pinned_objects_live_in_the_module_arena_and_survive_collect_and_reset() {
    let mut h = Heap::new();
    let c = h.alloc_const_str("const").unwrap();
    let moved = h.alloc_str("pinned later").unwrap();
    let child = h.alloc_str("held by a pinned array").unwrap();
    let arr = h.alloc_array(true, &[child]).unwrap();
    h.pin_all();
    for x in [c, moved, arr] {
        assert_eq!(h.slots[handle_index(x)].flags & MODULE, MODULE);
    }
    let t = h.alloc_str("temp").unwrap();
    h.collect([]);
    assert_eq!(h.str(c), "const");
    assert_eq!(h.str(moved), "pinned later");
    assert_eq!(
        h.str(child),
        "held by a pinned array",
        "pinned objects are roots"
    );
    assert!(!h.is_live(t));
    let t2 = h.alloc_str("temp2").unwrap();
    h.reset();
    assert!(!h.is_live(t2));
    assert_eq!(h.str(c), "const");
    assert_eq!(h.str(moved), "pinned later");
    assert_eq!(h.array_elems(arr).unwrap(), &[child]);
}

#[test]
fn memory_limit_traps() {
    let mut h = Heap::new();
    h.set_limit(Some(100));
    assert!(h.alloc_str("small").is_ok());
    let t = h.alloc_str(&"x".repeat(100)).unwrap_err();
    assert_eq!(t.kind, TrapKind::MemoryLimitExceeded);
    assert!(t.message.starts_with("memory limit exceeded"));
    assert!(h.wants_collection(100));
    assert!(!h.wants_collection(10));
    // An impossible size is a trap, not an abort or a panic.
    h.set_limit(None);
    let t = h.alloc_array_fill(false, usize::MAX / 8, 0).unwrap_err();
    assert_eq!(t.kind, TrapKind::MemoryLimitExceeded);
}

#[test]
fn collection_is_wanted_before_the_header_overflows_the_limit() {
    // Regression: a 3-field struct is estimated as 24 payload bytes but accounted as 56;
    // without counting the header the interpreter skipped the collection and trapped
    // with garbage still on the heap.
    let mut h = Heap::new();
    h.set_limit(Some(200));
    h.alloc_str(&"x".repeat(150)).unwrap(); // 182 bytes accounted
    assert!(h.wants_collection(3 * 8));
}

#[test]
fn integers_that_are_not_handles_are_ignored() {
    let mut h = Heap::new();
    let s = h.alloc_str("s").unwrap();
    // Same index, wrong tag; same index, wrong generation.
    let roots = [handle_index(s) as u64, s ^ (1 << 32)];
    h.collect([&roots[..]]);
    assert!(!h.is_live(s));
}

/// Runs `steps` iterations of a loop that keeps `live` and allocates temporaries, collecting
/// whenever the heap asks (as the interpreter's allocation points do).
fn churn(h: &mut Heap, steps: usize, live: &[u64]) {
    let mut acc = h.alloc_str("").unwrap();
    for i in 0..steps {
        if h.wants_collection(64) {
            let mut roots = live.to_vec();
            roots.push(acc);
            h.collect([&roots[..]]);
        }
        let t = h.alloc_str(&format!("temporary {i}")).unwrap();
        let arr = h.alloc_array(true, &[t, t, t]).unwrap();
        let st = h.alloc_struct(1, &[arr, i as u64]).unwrap();
        assert_eq!(h.struct_fields(st).unwrap()[1], i as u64);
        acc = if h.str(acc).len() > 100 {
            t
        } else {
            h.concat(acc, t).unwrap()
        };
    }
}

#[test]
fn allocating_loops_run_in_a_bounded_footprint() {
    let mut h = Heap::new();
    if cfg!(miri) {
        h.set_limit(Some(128 << 10)); // a 32 KiB nursery: collections within Miri's budget
        h.reset();
    }
    let keep = h.alloc_str("long-lived").unwrap();
    let live = vec![keep];
    churn(&mut h, n(20_000), &live);
    let first = h.stats();
    assert!(first.collections > 0, "{first:?}");
    // Ten times more allocation: no more memory.
    churn(&mut h, n(200_000), &live);
    let s = h.stats();
    assert!(s.collections > first.collections * 5, "{s:?}");
    assert_eq!(h.str(keep), "long-lived");
    assert_eq!(
        s.nursery_bytes, h.nursery_cap,
        "the nursery is one reused chunk"
    );
    assert!(
        s.arena_bytes <= first.arena_bytes.max(h.nursery_cap + (64 << 10)),
        "arenas stay bounded: {first:?} {s:?}"
    );
    assert!(
        s.peak_footprint <= first.peak_footprint + (64 << 10),
        "{first:?} {s:?}"
    );
    assert!(s.peak_footprint <= 4 * h.nursery_cap, "{s:?}");
    assert!(s.peak_footprint >= s.arena_bytes);
}

#[test]
fn a_memory_limit_shrinks_the_nursery() {
    let mut h = Heap::new();
    h.set_limit(Some(256 << 10));
    h.reset();
    assert!(
        h.nursery_cap >= 64 << 10 && h.nursery_cap <= 128 << 10,
        "{}",
        h.nursery_cap
    );
    churn(&mut h, n(50_000), &[]);
    let s = h.stats();
    assert!(s.collections > 0, "{s:?}");
    assert!(s.peak_bytes <= 256 << 10, "{s:?}");
    assert!(s.peak_footprint <= 2 * (256 << 10), "{s:?}");
}

#[test]
fn mature_arena_is_compacted_when_mostly_dead() {
    let mut h = Heap::new();
    let count = n(20_000).max(1000);
    let mut roots: Vec<u64> = (0..count)
        .map(|i| h.alloc_array(false, &[i as u64; 16]).unwrap())
        .collect();
    h.collect([&roots[..]]);
    let promoted = h.mature.allocated_bytes();
    assert!(promoted >= count * 128, "{promoted}");
    // Keep one in ten: nine tenths of the mature arena is dead.
    roots = roots.into_iter().step_by(10).collect();
    let before: Vec<usize> = roots.iter().map(|&r| payload_addr(&h, r)).collect();
    h.collect([&roots[..]]);
    assert!(h.mature.allocated_bytes() < promoted / 2, "compacted");
    for (k, (&r, old)) in roots.iter().zip(before).enumerate() {
        assert_ne!(payload_addr(&h, r), old, "moved by compaction");
        assert_eq!(h.array_elems(r).unwrap(), &[(k * 10) as u64; 16]);
    }
}

#[test]
fn large_objects_go_straight_to_the_mature_arena() {
    let mut h = Heap::new();
    let big = h
        .alloc_array_fill(false, DEFAULT_NURSERY_BYTES / 8, 9)
        .unwrap();
    assert!(!in_nursery(&h, big));
    let elems = h.array_elems(big).unwrap();
    assert_eq!(elems.len(), DEFAULT_NURSERY_BYTES / 8);
    assert!(elems.iter().all(|&x| x == 9));
    let small = h.alloc_array_fill(true, 4, 0).unwrap();
    assert!(in_nursery(&h, small));
    // Large allocations alone still trigger collections (no unbounded mature growth).
    assert!(h.wants_collection(DEFAULT_NURSERY_BYTES));
}

#[test]
fn strings_concat_and_substr() {
    let mut h = Heap::new();
    let a = h.alloc_str("héllo ").unwrap();
    let b = h.alloc_str("wörld").unwrap();
    let c = h.concat(a, b).unwrap();
    assert_eq!(h.str(c), "héllo wörld");
    let d = h.alloc_substr(c, 7, 13).unwrap();
    assert_eq!(h.str(d), "wörld");
    let e = h.alloc_substr(c, 1, 2).unwrap(); // inside 'é': refused, reads as ""
    assert_eq!(h.str(e), "");
    let empty = h.alloc_str("").unwrap();
    assert_eq!(h.str(empty), "");
    h.collect([&[c, d, empty][..]]);
    assert_eq!(h.str(c), "héllo wörld");
    assert_eq!(h.str(d), "wörld");
    assert_eq!(h.str(empty), "");
}

#[test]
fn concat_many_copies_each_part_once_into_one_string() {
    let mut h = Heap::new();
    let a = h.alloc_str("héllo").unwrap();
    let sp = h.alloc_str(" ").unwrap();
    let b = h.alloc_str("wörld").unwrap();
    let empty = h.alloc_str("").unwrap();
    let before = h.stats().objects;
    let c = h.concat_many(&[a, sp, empty, b, sp, a]).unwrap();
    assert_eq!(h.str(c), "héllo wörld héllo");
    assert_eq!(h.stats().objects, before + 1);
    // At most one non-empty part: that part itself, no allocation.
    assert_eq!(h.concat_many(&[empty, b, empty]).unwrap(), b);
    assert_eq!(h.concat_many(&[empty, empty]).unwrap(), empty);
    let none = h.concat_many(&[]).unwrap();
    assert_eq!(h.str(none), "");
    // A large result goes to the mature arena and survives a collection that moves the rest.
    let long = h.concat_many(&[c; 200]).unwrap();
    assert_eq!(h.str(long), "héllo wörld héllo".repeat(200));
    h.collect([&[c, long][..]]);
    assert_eq!(h.str(c), "héllo wörld héllo");
    assert_eq!(h.str(long), "héllo wörld héllo".repeat(200));
}

#[test]
fn foreign_values_are_dropped_by_the_collector() {
    let mut h = Heap::new();
    let token = Rc::new(5_i32);
    let f = h.alloc_foreign(Box::new(Rc::clone(&token))).unwrap();
    let g = h.alloc_foreign(Box::new(String::from("x"))).unwrap();
    assert_eq!(**h.foreign::<Rc<i32>>(f).unwrap(), 5);
    assert!(
        h.foreign::<String>(f).is_none(),
        "typed access checks the type"
    );
    h.foreign_mut::<String>(g).unwrap().push('y');
    h.collect([&[f, g][..]]);
    assert_eq!(Rc::strong_count(&token), 2);
    assert_eq!(h.foreign::<String>(g).unwrap(), "xy");
    h.collect([&[g][..]]);
    assert_eq!(Rc::strong_count(&token), 1, "dropped with its object");
    assert!(h.foreign_any(f).is_none());
    h.reset();
    assert_eq!(h.stats().objects, 0);
}

#[test]
fn table_bytes_count_toward_the_peak_and_trigger_collections() {
    let mut h = Heap::new();
    let budget = h.budget().clone();
    budget.try_reserve(3 << 20, "test").unwrap();
    assert!(
        h.wants_collection(8),
        "tables past the threshold want a collection"
    );
    let s = h.stats();
    assert_eq!(s.table_bytes, 3 << 20);
    assert!(s.peak_footprint >= s.arena_bytes + (3 << 20), "{s:?}");
    h.collect([]);
    assert!(
        !h.wants_collection(8),
        "threshold moved to twice the live tables"
    );
    budget.release(3 << 20);
    h.observe_tables(10 << 20);
    assert!(h.stats().peak_footprint >= 10 << 20);
}

/// The interpreter's views (`array_elems`, `struct_fields` and their `_mut` forms) check a
/// word against the slot's key: a word naming a string, a freed slot, an index past the table
/// (masked into it), or the right index and generation without the handle tag is refused.
#[test]
fn interpreter_views_check_tag_generation_and_kind() {
    let mut h = Heap::new();
    let arr = h.alloc_array(false, &[5, 6]).unwrap();
    let st = h.alloc_struct(0, &[9]).unwrap();
    let s = h.alloc_str("text").unwrap();
    assert_eq!(h.array_elems(arr).unwrap(), &[5, 6]);
    assert!(h.array_elems(st).is_none() && h.array_elems(s).is_none());
    assert!(h.struct_fields(arr).is_none() && h.struct_fields_mut(s).is_none());
    assert!(h.array_elems_mut(st).is_none());
    assert!(
        h.array_elems(u64::from(u32::MAX)).is_none(),
        "index past the table"
    );
    let untagged = arr & 0x0000_FFFF_FFFF_FFFF;
    assert!(
        h.array_elems(untagged).is_none(),
        "the tag is part of the key"
    );
    // The same slot index plus a multiple of the table length (the masked lookup lands on the
    // same slot) never matches.
    let len = h.slots.len() as u64;
    for k in 1..4 {
        assert!(h.array_elems(arr + k * len).is_none());
        assert!(!h.is_live(arr + k * len));
    }
    // Neighbouring words: the key of one kind is the handle of another kind plus the difference
    // of the codes; none of them passes for an array or a live object.
    for d in 1..=MAX_KIND {
        assert!(h.array_elems(arr.wrapping_add(d)).is_none());
        assert!(h.array_elems(arr.wrapping_sub(d)).is_none());
        assert!(h.struct_fields(st.wrapping_add(d)).is_none());
        assert!(h.struct_fields(st.wrapping_sub(d)).is_none());
    }
    // A freed slot (kind Free, generation bumped) is refused.
    h.collect([&[st][..]]);
    assert!(h.array_elems(arr).is_none() && h.array_elems_mut(arr).is_none());
    assert!(!h.is_live(arr));
    assert_eq!(h.struct_fields(st).unwrap(), &[9]);
}

/// Every possible word near a handle, and every word in a window of the handle space: the key
/// compare accepts exactly the live handles of the asked kind, and `is_live` exactly the live
/// handles (checked against a plain reference model of the slots).
#[test]
fn key_compare_accepts_exactly_the_live_handles() {
    let mut h = Heap::new();
    let mut live = Vec::new();
    for i in 0..40u64 {
        let x = match i % 3 {
            0 => h.alloc_array(false, &[i]).unwrap(),
            1 => h.alloc_struct(1, &[i, i]).unwrap(),
            _ => h.alloc_str("s").unwrap(),
        };
        live.push(x);
    }
    let keep: Vec<u64> = live.iter().copied().step_by(2).collect();
    h.collect([&keep[..]]);
    let fresh = h.alloc_array(false, &[1]).unwrap(); // reuses a freed slot, next generation
    let mut valid = keep.clone();
    valid.push(fresh);
    let kind_of = |h: &Heap, w: u64| {
        if h.array(w).is_some() {
            1
        } else if h.struct_obj(w).is_some() {
            2
        } else if h.is_live(w) {
            3
        } else {
            0
        }
    };
    // Under Miri, only the words closest to each handle (it is slow).
    let span: i64 = if cfg!(miri) { 5 } else { 70 };
    for &x in &live {
        for delta in -span..span {
            for high in [0u64, 1 << 32, 1 << 40, 1 << 48, 1 << 63] {
                let w = x.wrapping_add(delta as u64).wrapping_add(high);
                let expect_live = valid.contains(&w);
                assert_eq!(h.is_live(w), expect_live, "word {w:#x}");
                if !expect_live {
                    assert_eq!(kind_of(&h, w), 0, "word {w:#x}");
                    assert!(h.array_elems(w).is_none() && h.struct_fields(w).is_none());
                }
            }
        }
    }
    for &x in &valid {
        assert!(h.array_elems(x).is_some() || h.struct_fields(x).is_some() || h.str(x) == "s");
    }
}

/// The slot table doubles as objects are added and keeps its power-of-two length and mask.
#[test]
fn slot_table_grows_by_doubling() {
    let mut h = Heap::new();
    let mut all = Vec::new();
    for i in 0..1000u64 {
        all.push(h.alloc_array(false, &[i]).unwrap());
        assert!(h.slots.len().is_power_of_two() && h.slots.len() >= MIN_SLOTS);
        assert_eq!(h.slot_mask, h.slots.len() - 1);
    }
    for (i, &a) in all.iter().enumerate() {
        assert_eq!(h.array_elems(a).unwrap(), &[i as u64]);
    }
    assert_eq!(h.stats().objects, 1000);
}

#[test]
fn ascii_strings_are_stored_and_other_bytes_replaced() {
    let mut h = Heap::new();
    let a = h.alloc_ascii(b"-123").unwrap();
    assert_eq!(h.str(a), "-123");
    let e = h.alloc_ascii(b"").unwrap();
    assert_eq!(h.str(e), "");
    let bad = h.alloc_ascii(&[b'a', 0xFF, b'b']).unwrap();
    assert_eq!(h.str(bad), "a\u{FFFD}b");
    let utf8 = h.alloc_ascii("é".as_bytes()).unwrap();
    assert_eq!(h.str(utf8), "é", "valid non-ASCII UTF-8 is kept as it is");
}

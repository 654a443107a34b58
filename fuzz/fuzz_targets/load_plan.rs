//! Fuzzes saved dataflow plans (`Dag::load_plan`, §8): no input may panic or hang; a plan that
//! loads must explain, save again, and load again to a plan that explains identically.
#![no_main]
use theta::dataflow::engine::Dag;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut g = Dag::new();
    if let Ok(n) = g.load_plan(data) {
        let explained = g.explain(n);
        let saved = g.save_plan(n).expect("a loaded node can be saved");
        let mut h = Dag::new();
        let m = h.load_plan(&saved).expect("a saved plan loads");
        assert_eq!(h.explain(m).ok(), explained.ok());
    }
});

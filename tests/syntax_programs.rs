//! Every valid program in `tests/syntax/*.theta` parses without diagnostics, and its AST
//! (as S-expressions) matches the snapshot.

use theta::source::FileId;
use theta::syntax::{parse_source, sexpr};

#[test]
fn valid_programs_parse_cleanly() {
    insta::glob!("syntax/*.theta", |path| {
        let src = std::fs::read_to_string(path).unwrap();
        let (unit, diags) = parse_source(FileId(0), &src);
        assert!(diags.is_empty(), "{}: {diags:#?}", path.display());
        insta::assert_snapshot!(sexpr::unit(&unit));
    });
}

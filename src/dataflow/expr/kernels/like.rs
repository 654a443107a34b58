//! `like` matching: `%` is any sequence, `_` one character; no escape character. Common
//! shapes (`abc`, `abc%`, `%abc`, `%abc%`) use direct byte searches.

use super::eval::Value;
use super::internal;
use super::vector::{bool_col, validity_of};
use crate::dataflow::column::Column;
use crate::dataflow::error::Result;
use crate::dataflow::expr::typed::Scalar;

/// A compiled `like` pattern.
#[derive(Clone, Debug)]
pub enum Pattern {
    /// No wildcards.
    Exact(String),
    /// `abc%`
    Prefix(String),
    /// `%abc`
    Suffix(String),
    /// `%abc%`
    Contains(String),
    /// Anything else, as characters (`None` = `_`, `Some(None)` unused).
    General(Vec<Piece>),
}

/// A piece of a general pattern.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    /// A literal character.
    Char(char),
    /// `_`
    One,
    /// `%`
    Any,
}

impl Pattern {
    /// Compiles `p`.
    pub fn new(p: &str) -> Pattern {
        let wild = |c: char| c == '%' || c == '_';
        let inner = |s: &str| !s.contains(wild);
        if inner(p) {
            return Pattern::Exact(p.to_string());
        }
        if let Some(s) = p.strip_suffix('%')
            && inner(s)
        {
            return Pattern::Prefix(s.to_string());
        }
        if let Some(s) = p.strip_prefix('%') {
            if inner(s) {
                return Pattern::Suffix(s.to_string());
            }
            if let Some(m) = s.strip_suffix('%')
                && inner(m)
            {
                return Pattern::Contains(m.to_string());
            }
        }
        Pattern::General(
            p.chars()
                .map(|c| match c {
                    '%' => Piece::Any,
                    '_' => Piece::One,
                    c => Piece::Char(c),
                })
                .collect(),
        )
    }

    /// True when `s` matches.
    pub fn matches(&self, s: &str) -> bool {
        match self {
            Pattern::Exact(p) => s == p,
            Pattern::Prefix(p) => s.starts_with(p.as_str()),
            Pattern::Suffix(p) => s.ends_with(p.as_str()),
            Pattern::Contains(p) => memchr::memmem::find(s.as_bytes(), p.as_bytes()).is_some(),
            Pattern::General(pieces) => general_match(pieces, s),
        }
    }
}

/// Greedy matcher with backtracking to the last `%` (linear in practice, no recursion).
fn general_match(pieces: &[Piece], s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let (mut p, mut i) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < chars.len() {
        match pieces.get(p) {
            Some(Piece::Any) => {
                star = Some((p, i));
                p += 1;
            }
            Some(Piece::One) => {
                p += 1;
                i += 1;
            }
            Some(Piece::Char(c)) if *c == chars[i] => {
                p += 1;
                i += 1;
            }
            _ => match star {
                Some((sp, si)) => {
                    p = sp + 1;
                    i = si + 1;
                    star = Some((sp, si + 1));
                }
                None => return false,
            },
        }
    }
    pieces[p..].iter().all(|x| *x == Piece::Any)
}

/// `x [not] like pattern`.
pub fn like(x: &Value, pattern: &Pattern, negated: bool, n: usize) -> Result<Value> {
    match x {
        Value::Const(Scalar::Str(s)) => {
            Ok(Value::Const(Scalar::Bool(pattern.matches(s) != negated)))
        }
        Value::Const(_) => Ok(Value::Const(Scalar::Null)),
        Value::Col(c @ Column::Utf8(sc)) => {
            let out: Vec<bool> = (0..n)
                .map(|i| pattern.matches(sc.value(i)) != negated)
                .collect();
            Ok(Value::Col(bool_col(&out, validity_of(c))?))
        }
        _ => Err(internal("like on a non-text value")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        let m = |p: &str, s: &str| Pattern::new(p).matches(s);
        assert!(m("abc", "abc") && !m("abc", "abcd"));
        assert!(m("ab%", "abzz") && !m("ab%", "zab"));
        assert!(m("%yz", "xxyz") && m("%b%", "abc") && !m("%q%", "abc"));
        assert!(m("a_c", "abc") && !m("a_c", "ac"));
        assert!(m("a%c%e", "abxcxxe") && !m("a%c%e", "abxcxx"));
        assert!(m("_é%", "xé!") && m("%", "") && !m("_", ""));
        assert!(m("%a%b", "aab") && m("%%", "x"));
    }
}

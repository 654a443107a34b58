//! "Did you mean …?" suggestions by edit distance.

/// Edit distance between two names (by characters): insertions, deletions, substitutions and
/// swaps of two adjacent characters (`gdc` → `gcd`) each cost 1.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // d[i][j]: distance between a[..i] and b[..j] (optimal string alignment).
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// The candidate closest to `name`, if it is close enough to be a likely typo.
pub fn best_match<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let d = edit_distance(name, c);
        // A case-only difference is always a likely typo.
        let d = if c.eq_ignore_ascii_case(name) { 0 } else { d };
        if d <= limit && best.is_none_or(|(bd, bc)| d < bd || (d == bd && c < bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("count", "count"), 0);
        assert_eq!(edit_distance("cont", "count"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(edit_distance("gdc", "gcd"), 1);
    }

    #[test]
    fn suggests_close_names_only() {
        let names = ["count", "total", "print"];
        assert_eq!(best_match("cout", names), Some("count"));
        assert_eq!(best_match("prnt", names), Some("print"));
        assert_eq!(best_match("zebra", names), None);
        assert_eq!(best_match("x", ["y"]), Some("y"));
        assert_eq!(best_match("COUNT", names), Some("count"));
        assert_eq!(best_match("gdc", ["gcd", "lcm"]), Some("gcd"));
    }
}

//! `read_csv` of a large file on two threads: the data rows are cut at a line end near the
//! middle, each half is parsed and assembled on its own thread (both starting from the types
//! the sample of the first rows chose, exactly as one reader would), the two halves' inferred
//! types are joined, and the columns are concatenated in file order.
//!
//! The result is the one-thread result, value for value. Column types join the same way in any
//! order, an integer column widened to floats converts its values the same way in either half,
//! and a widening to text sends both halves to a second pass with the final types, as it sends
//! the one-thread reader. A cut is only known to fall between records once the first half has
//! parsed cleanly up to it (a line end inside a quoted field leaves that half with an
//! unterminated field); so on any error at all — a bad cut, a malformed row, an I/O error —
//! the parallel reader gives up and the one-thread reader reads the file, reporting the same
//! error at the same line and column it always has.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use memchr::memchr;

use super::assemble::{Assembler, Kind};
use super::csv::{Source, fill, sample};
use crate::dataflow::column::Column;
use crate::dataflow::error::DataflowError;
use crate::dataflow::exec::parallel::run_parts;
use crate::dataflow::memory::MemoryAccount;
use crate::dataflow::table::Table;
use crate::dataflow::types::{Field, Schema};

/// Files smaller than this are read on one thread (thread start-up and the final copy would
/// cost more than the second thread saves).
pub(super) const MIN_PARALLEL_BYTES: u64 = 16 << 20;

/// How far past the middle a line end is looked for.
const CUT_WINDOW: usize = 1 << 20;

/// The file read on two threads, or `None` when it is not worth it or anything goes wrong
/// (the caller then reads it on one thread). Memory is charged to `account` (whose arena
/// receives the final columns); the budget must be unlimited.
/// Files below `min_bytes` are not split.
pub(super) fn read_inferred(path: &Path, account: &MemoryAccount, min_bytes: u64) -> Option<Table> {
    let size = std::fs::metadata(path).ok()?.len();
    if size < min_bytes.max(1) {
        return None;
    }
    let mut src = Source::open(path).ok()?;
    let names = src.header().ok()?;
    let data_start = src.offset();
    let width = names.len();
    let more = src.next().ok()?;
    let (kinds, _, _) = sample(&mut src, width, more).ok()?;
    drop(src);
    let cut = find_cut(path, data_start, size)?;
    let ranges = [(data_start, cut), (cut, size)];
    let (kinds, columns) = match read_halves(path, &ranges, kinds, account, width)? {
        Halves::Done(k, c) => (k, c),
        Halves::NeedsSecondPass(final_kinds) => {
            match read_halves(path, &ranges, final_kinds, account, width)? {
                Halves::Done(k, c) => (k, c),
                // The file changed between the passes: the one-thread reader says so.
                Halves::NeedsSecondPass(_) => return None,
            }
        }
    };
    let fields = names
        .into_iter()
        .zip(kinds)
        .map(|(n, k)| Field::new(n, k.data_type(), true))
        .collect();
    Table::try_new(Schema::new(fields).ok()?, columns).ok()
}

/// Where to cut the data rows `start..size` for two readers: just past a line end near the
/// middle that lies outside quotes, when there is one with data on both sides. Outside quotes
/// means an even number of `"` since `start` (RFC 4180 quoting; a stray quote in an unquoted
/// field makes the count wrong, which the first half's parse then notices). The count is only
/// taken when the window after the middle holds a quote at all.
fn find_cut(path: &Path, start: u64, size: u64) -> Option<u64> {
    let mid = start + (size - start) / 2;
    let mut f = File::open(path).ok()?;
    f.seek(SeekFrom::Start(mid)).ok()?;
    let mut window = vec![0u8; CUT_WINDOW];
    let got = read_full(&mut f, &mut window)?;
    let window = &window[..got];
    let cut_in_window = if memchr(b'"', window).is_none() {
        memchr(b'\n', window)?
    } else {
        let mut inside = quotes_between(path, start, mid)? % 2 == 1;
        let mut at = None;
        for (i, &b) in window.iter().enumerate() {
            match b {
                b'"' => inside = !inside,
                b'\n' if !inside => {
                    at = Some(i);
                    break;
                }
                _ => {}
            }
        }
        at?
    };
    let cut = mid + cut_in_window as u64 + 1;
    (cut < size).then_some(cut)
}

/// Reads until `buf` is full or the input ends; the bytes read.
fn read_full(f: &mut impl Read, buf: &mut [u8]) -> Option<usize> {
    let mut got = 0;
    while got < buf.len() {
        match f.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(got)
}

/// The number of `"` bytes in `start..end` of the file.
fn quotes_between(path: &Path, start: u64, end: u64) -> Option<u64> {
    let mut f = File::open(path).ok()?;
    f.seek(SeekFrom::Start(start)).ok()?;
    let mut f = f.take(end - start);
    let mut buf = vec![0u8; CUT_WINDOW];
    let mut count = 0u64;
    loop {
        let got = read_full(&mut f, &mut buf)?;
        if got == 0 {
            return Some(count);
        }
        count += memchr::memchr_iter(b'"', &buf[..got]).count() as u64;
    }
}

enum Halves {
    /// The joined types and the concatenated columns.
    Done(Vec<Kind>, Vec<Column>),
    /// A column became text after holding other values: read again with these types.
    NeedsSecondPass(Vec<Kind>),
}

/// Parses each byte range on its own thread into an assembler started with `kinds`, then
/// joins the types and concatenates the columns; `None` on any error.
fn read_halves(
    path: &Path,
    ranges: &[(u64, u64)],
    kinds: Vec<Kind>,
    account: &MemoryAccount,
    width: usize,
) -> Option<Halves> {
    // The halves grow in segments charged to `account` and move into its arena column by
    // column, each segment freed as soon as it is copied (see `chunked.rs`).
    let halves = run_parts(ranges.len(), |p| {
        let (start, end) = ranges[p];
        let mut f = File::open(path).map_err(|e| DataflowError::io(path, &e))?;
        f.seek(SeekFrom::Start(start))
            .map_err(|e| DataflowError::io(path, &e))?;
        let mut src = Source::part(path, f.take(end - start));
        let mut asm = Assembler::new(kinds.clone(), account.clone());
        let more = src.next()?;
        fill(&mut src, &mut asm, width, more)?;
        Ok(asm)
    })
    .ok()?;
    let mut joined = kinds;
    for asm in &halves {
        for (j, k) in joined.iter_mut().zip(asm.kinds()) {
            *j = j.join(*k);
        }
    }
    let mut halves = halves;
    for asm in &mut halves {
        for (col, k) in joined.iter().enumerate() {
            asm.widen_to(col, *k);
        }
    }
    // A half that held other values in a column the other made text reads again, as one
    // reader would.
    if halves.iter().any(Assembler::needs_second_pass) {
        return Some(Halves::NeedsSecondPass(joined));
    }
    // One column at a time on this thread: the pieces of a column are freed a segment at a
    // time as they are copied, and a second column copied alongside would hold a second
    // partly copied segment (up to `MAX_SEGMENT_BYTES` more at the peak, which is higher
    // than the one-thread reader's then), for a saving of a few tenths of a second.
    let columns = Assembler::concat(halves, account).ok()?;
    Some(Halves::Done(joined, columns))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataflow::io::read_csv;
    use crate::dataflow::io::tests::tempdir;
    use crate::dataflow::memory::MemoryBudget;

    fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
        let p = tempdir().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    /// The one-thread reader's table (a limited budget keeps `read_csv` on one thread).
    fn one_thread(path: &Path) -> crate::dataflow::error::Result<Table> {
        let budget = MemoryBudget::with_limit(1 << 40);
        read_csv(path, &MemoryAccount::new(&budget, "read_csv"))
    }

    fn two_threads(path: &Path) -> Option<Table> {
        let budget = MemoryBudget::unlimited();
        read_inferred(path, &MemoryAccount::new(&budget, "read_csv"), 0)
    }

    fn assert_same(a: &Table, b: &Table) {
        assert_eq!(a.schema(), b.schema());
        assert_eq!(a.num_rows(), b.num_rows());
        for c in 0..a.num_columns() {
            for r in 0..a.num_rows() {
                let (x, y) = (a.value(r, c).unwrap(), b.value(r, c).unwrap());
                assert_eq!(format!("{x:?}"), format!("{y:?}"), "row {r} column {c}");
            }
        }
    }

    /// 2000 rows: `i` ints, `f` ints in the first half and floats later (widened in place),
    /// `late` null in the first half then text, `b` bools with nulls, `q` quoted text with commas,
    /// quotes and line ends, CRLF line ends throughout.
    fn mixed() -> String {
        let mut s = String::from("i,f,late,b,q\r\n");
        for r in 0..2000 {
            let f = if r < 1500 {
                format!("{r}")
            } else {
                format!("{r}.5")
            };
            let late = if r < 1200 {
                String::new()
            } else {
                format!("t{r}")
            };
            let b = ["true", "false", ""][r % 3];
            let q = match r % 4 {
                0 => "\"a,b\"".to_string(),
                1 => format!("\"line\r\nbreak {r}\""),
                2 => "\"say \"\"hi\"\"\"".to_string(),
                _ => String::new(),
            };
            s.push_str(&format!("{r},{f},{late},{b},{q}\r\n"));
        }
        s
    }

    #[test]
    fn halves_give_the_one_thread_table() {
        let p = temp_file("mixed.csv", &mixed());
        let par = two_threads(&p).expect("split");
        assert_same(&one_thread(&p).unwrap(), &par);
        assert_eq!(par.num_rows(), 2000);
    }

    /// Every buffer of the two-thread table is in the account's one arena, and the halves'
    /// segments are all given back: the budget holds exactly the arena, which only keeps what
    /// the table holds (each column once, rounded to 64 bytes per buffer).
    #[test]
    fn the_halves_move_into_one_arena_and_are_released() {
        let p = temp_file("arena.csv", &mixed());
        let budget = MemoryBudget::unlimited();
        let account = MemoryAccount::new(&budget, "read_csv").with_new_arena();
        let t = read_inferred(&p, &account, 0).expect("split");
        let arena = account.arena().unwrap().clone();
        drop(account);
        let mut table_bytes = 0;
        for c in t.columns() {
            let mut buffers = Vec::new();
            match c {
                Column::I64(x) => buffers.push(x.values_buffer().clone()),
                Column::F64(x) => buffers.push(x.values_buffer().clone()),
                Column::Utf8(x) => {
                    buffers.push(x.offsets_buffer().clone());
                    buffers.push(x.data_buffer().clone());
                }
                Column::Bool(x) => buffers.push(x.values().buffer().clone()),
                other => panic!("unexpected column {other:?}"),
            }
            buffers.extend(c.validity().map(|v| v.buffer().clone()));
            for b in buffers {
                assert!(b.arena().unwrap().ptr_eq(&arena));
                table_bytes += b.len().max(1).next_multiple_of(64);
            }
        }
        assert_eq!(budget.used(), arena.allocated());
        assert_eq!(arena.allocated(), table_bytes);
        drop((t, arena));
        assert_eq!(budget.used(), 0);
    }

    /// Ints in the first half and text in the second: both halves are read again as text,
    /// keeping every value's exact source text (`007`).
    #[test]
    fn text_in_one_half_reads_both_again() {
        let mut s = String::from("k,v\n");
        for r in 0..1000 {
            let k = if r < 700 {
                format!("00{}", r % 10)
            } else {
                format!("x{r}")
            };
            s.push_str(&format!("{k},{r}\n"));
        }
        let p = temp_file("widen.csv", &s);
        let par = two_threads(&p).expect("split");
        assert_same(&one_thread(&p).unwrap(), &par);
        let text = crate::dataflow::types::DataType::Utf8;
        assert_eq!(par.schema().fields()[0].data_type, text);
    }

    /// A quoted field whose line ends fill the middle of the file: the quote count puts the
    /// cut after it.
    #[test]
    fn the_cut_skips_line_ends_inside_quotes() {
        let mut s = String::from("a,b\n1,\"");
        for _ in 0..500 {
            s.push_str("x\n");
        }
        s.push_str("\"\n2,y\n3,\"z\"\n");
        let p = temp_file("quoted.csv", &s);
        assert_same(&one_thread(&p).unwrap(), &two_threads(&p).expect("split"));
    }

    /// A stray quote in an unquoted field (data, for the parser) misleads the quote count, so
    /// the cut falls inside the quoted field: the first half then ends in an unterminated
    /// field, the parallel reader gives up, and `read_csv` reads the file on one thread.
    #[test]
    fn a_cut_inside_a_quoted_field_falls_back() {
        let mut s = String::from("a,b\n0,x\"y\n1,\"");
        for _ in 0..500 {
            s.push_str("x\n");
        }
        s.push_str("\"\n2,y\n");
        let p = temp_file("stray.csv", &s);
        assert!(two_threads(&p).is_none());
        let budget = MemoryBudget::unlimited();
        let t = read_csv(&p, &MemoryAccount::new(&budget, "read_csv")).unwrap();
        assert_same(&one_thread(&p).unwrap(), &t);
        assert_eq!(t.num_rows(), 3);
    }

    /// A malformed row in the second half: the parallel reader gives up, and `read_csv` reports
    /// the one-thread reader's error, line and column.
    #[test]
    fn errors_are_the_one_thread_errors() {
        let mut s = String::from("a,b\n");
        for r in 0..1000 {
            s.push_str(&format!("{r},{r}\n"));
        }
        s.push_str("1,2,3\n");
        let p = temp_file("bad.csv", &s);
        assert!(two_threads(&p).is_none());
        let budget = MemoryBudget::unlimited();
        let e = read_csv(&p, &MemoryAccount::new(&budget, "read_csv")).unwrap_err();
        assert_eq!(e.to_string(), one_thread(&p).unwrap_err().to_string());
        assert!(e.to_string().contains("1002"), "{e}");
    }

    fn next_random(x: &mut u64) -> u64 {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        *x
    }

    /// Random files (1200–2200 rows, BOM or not, LF or CRLF, blank lines, quoted commas,
    /// quotes and line ends, values that change type after the sample and again halfway): the
    /// two-thread table is the one-thread table, and no file falls back to one thread.
    #[test]
    fn random_files_read_alike() {
        let cells = [
            "",
            "1",
            "-0",
            "007",
            "2.5",
            "1e3",
            "true",
            "false",
            "x",
            "\"q,\"\"r\"",
            "\"\"",
            "\"a\r\nb\"",
            "\"\n\"",
            "NaN",
            "-inf",
            "9007199254740993",
            "\"7\"",
            "é",
        ];
        let mut x = 0x1234_5678_9abc_def1u64;
        let mut split = 0;
        let cases = 80;
        for case in 0..cases {
            let width = 1 + (next_random(&mut x) % 3) as usize;
            let nl = if next_random(&mut x).is_multiple_of(2) {
                "\r\n"
            } else {
                "\n"
            };
            let mut s = String::new();
            if next_random(&mut x).is_multiple_of(5) {
                s.push('\u{feff}');
            }
            let names: Vec<String> = (0..width).map(|i| format!("c{i}")).collect();
            s.push_str(&format!("id,{}{nl}", names.join(",")));
            let sample = 1000usize;
            let rows = sample + 200 + (next_random(&mut x) % 1000) as usize;
            let half = sample + (rows - sample) / 2;
            // Per column: the cell kind before and after the middle of the rows past the sample.
            let kinds: Vec<(usize, usize)> = (0..width)
                .map(|_| {
                    let a = next_random(&mut x) % cells.len() as u64;
                    let b = next_random(&mut x) % cells.len() as u64;
                    (a as usize, b as usize)
                })
                .collect();
            for r in 0..rows {
                if next_random(&mut x).is_multiple_of(7) {
                    s.push_str(nl);
                }
                s.push_str(&r.to_string());
                for &(a, b) in &kinds {
                    let cell = if r < sample || next_random(&mut x).is_multiple_of(4) {
                        ""
                    } else if r < half {
                        cells[a]
                    } else {
                        cells[b]
                    };
                    s.push(',');
                    s.push_str(cell);
                }
                if r + 1 < rows || next_random(&mut x).is_multiple_of(2) {
                    s.push_str(nl);
                }
            }
            let p = temp_file(&format!("random{}.csv", case % 4), &s);
            if let Some(par) = two_threads(&p) {
                split += 1;
                let one = one_thread(&p).unwrap_or_else(|e| panic!("case {case}: {e}"));
                assert_same(&one, &par);
            }
        }
        // Every file is well formed and quotes only whole fields, so every one is split: a
        // fallback here would hide a difference behind the one-thread reader.
        assert_eq!(split, cases, "files read on one thread after all");
    }
}

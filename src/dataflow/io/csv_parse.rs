//! A streaming RFC 4180 record reader: reads fixed-size chunks, scans with `memchr`, and yields
//! one record at a time with unescaped field bytes and each field's source position.

use std::io::Read;

use memchr::{memchr, memchr2};

/// Bytes read from the source per refill.
const CHUNK: usize = 1 << 20;

/// One parsed record: the unescaped bytes of every field, end to end.
#[derive(Default, Debug)]
pub(crate) struct Record {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    quoted: Vec<bool>,
    /// Per field: (1-based line, buffer offset of that line's start, buffer offset of the field).
    pos: Vec<(u64, usize, usize)>,
    /// Buffer offset just past the record (where an extra/missing field is reported).
    end_pos: (u64, usize, usize),
}

impl Record {
    /// Number of fields.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The bytes of field `i`.
    pub(crate) fn field(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }

    /// True when field `i` was written in quotes (so `""` is an empty string, not null).
    pub(crate) fn quoted(&self, i: usize) -> bool {
        self.quoted[i]
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.quoted.clear();
        self.pos.clear();
    }
}

/// A parse problem at a position.
#[derive(Debug)]
pub(crate) enum ParseError {
    /// Reading the source failed.
    Io(std::io::Error),
    /// Malformed input: (line, column, message).
    Syntax(u64, u64, String),
}

enum Step {
    Done(usize),
    NeedMore,
}

/// Reads records from `R` (see the module docs).
pub(crate) struct RecordReader<R: Read> {
    src: R,
    buf: Vec<u8>,
    /// Source offset of `buf[0]`.
    base: u64,
    pos: usize,
    filled: usize,
    eof: bool,
    line: u64,
    started: bool,
}

fn char_column(bytes: &[u8]) -> u64 {
    // Characters are counted as UTF-8 lead bytes, so invalid text still gets a position.
    bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count() as u64 + 1
}

impl<R: Read> RecordReader<R> {
    /// A reader over `src`.
    pub(crate) fn new(src: R) -> Self {
        RecordReader {
            src,
            buf: Vec::new(),
            base: 0,
            pos: 0,
            filled: 0,
            eof: false,
            line: 1,
            started: false,
        }
    }

    /// A reader over `src` that starts at a record boundary inside a file (no byte-order mark
    /// is looked for).
    pub(crate) fn continuing(src: R) -> Self {
        RecordReader {
            started: true,
            ..Self::new(src)
        }
    }

    /// Source offset just past the last record read (and the byte-order mark, if any).
    pub(crate) fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Line and column of field `i` of the last record read (or of its end for `i = len`).
    pub(crate) fn position(&self, rec: &Record, i: usize) -> (u64, u64) {
        let (line, line_start, at) = rec.pos.get(i).copied().unwrap_or(rec.end_pos);
        (line, char_column(&self.buf[line_start..at]))
    }

    fn refill(&mut self) -> Result<(), ParseError> {
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.filled, 0);
            self.filled -= self.pos;
            self.base += self.pos as u64;
            self.pos = 0;
        }
        if self.buf.len() < self.filled + CHUNK {
            self.buf.resize(self.filled + CHUNK, 0);
        }
        loop {
            match self.src.read(&mut self.buf[self.filled..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => {
                    self.filled += n;
                    break;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(ParseError::Io(e)),
            }
        }
        if !self.started && (self.filled >= 3 || self.eof) {
            self.started = true;
            if self.buf[..self.filled].starts_with(b"\xEF\xBB\xBF") {
                self.pos = 3;
            }
        }
        Ok(())
    }

    /// Reads the next non-blank record into `rec`; `false` at the end of input.
    pub(crate) fn next_record(&mut self, rec: &mut Record) -> Result<bool, ParseError> {
        loop {
            if self.pos >= self.filled || !self.started {
                if self.eof && self.started {
                    return Ok(false);
                }
                self.refill()?;
                continue;
            }
            rec.clear();
            match self.parse(rec)? {
                // `parse` never asks for more once the whole input is buffered.
                Step::NeedMore if self.eof => {
                    return Err(ParseError::Syntax(self.line, 1, "incomplete record".into()));
                }
                Step::NeedMore => self.refill()?,
                Step::Done(end) => {
                    self.pos = end;
                    let blank = rec.len() == 1 && rec.ends[0] == 0 && !rec.quoted[0];
                    if !blank {
                        return Ok(true);
                    }
                }
            }
        }
    }

    /// Parses one record starting at `self.pos`; at end of input every record is complete.
    fn parse(&mut self, rec: &mut Record) -> Result<Step, ParseError> {
        let end = self.filled;
        let buf = &self.buf[..end];
        let mut i = self.pos;
        let mut line_start = self.pos;
        let mut line = self.line;
        loop {
            rec.pos.push((line, line_start, i));
            let quoted = i < end && buf[i] == b'"';
            rec.quoted.push(quoted);
            if quoted {
                let (open_line, open_start, open_at) = (line, line_start, i);
                i += 1;
                loop {
                    let Some(q) = memchr(b'"', &buf[i..end]).map(|q| i + q) else {
                        if !self.eof {
                            return Ok(Step::NeedMore);
                        }
                        let col = char_column(&buf[open_start..open_at]);
                        return Err(ParseError::Syntax(
                            open_line,
                            col,
                            "unterminated quoted field".into(),
                        ));
                    };
                    let chunk = &buf[i..q];
                    for nl in memchr::memchr_iter(b'\n', chunk) {
                        line += 1;
                        line_start = i + nl + 1;
                    }
                    rec.bytes.extend_from_slice(chunk);
                    if q + 1 == end && !self.eof {
                        return Ok(Step::NeedMore);
                    }
                    if q + 1 < end && buf[q + 1] == b'"' {
                        rec.bytes.push(b'"');
                        i = q + 2;
                        continue;
                    }
                    i = q + 1;
                    break;
                }
                rec.ends.push(rec.bytes.len());
                // After the closing quote: a separator, a line end or the end of input.
                if i < end && buf[i] == b'\r' && i + 1 == end && !self.eof {
                    return Ok(Step::NeedMore);
                }
                let term = if i < end && buf[i] == b'\r' && i + 1 < end && buf[i + 1] == b'\n' {
                    i += 1;
                    Some(b'\n')
                } else {
                    buf.get(i).copied()
                };
                match term {
                    Some(b',') => i += 1,
                    Some(b'\n') => {
                        rec.end_pos = (line, line_start, i);
                        self.line = line + 1;
                        return Ok(Step::Done(i + 1));
                    }
                    None => {
                        rec.end_pos = (line, line_start, i);
                        self.line = line;
                        return Ok(Step::Done(i));
                    }
                    Some(_) => {
                        let col = char_column(&buf[line_start..i]);
                        return Err(ParseError::Syntax(
                            line,
                            col,
                            "unexpected character after a closing quote (a quote inside a \
                             quoted field is written \"\")"
                                .into(),
                        ));
                    }
                }
            } else {
                let Some(j) = memchr2(b',', b'\n', &buf[i..end]).map(|j| i + j) else {
                    if !self.eof {
                        return Ok(Step::NeedMore);
                    }
                    let mut field = &buf[i..end];
                    if field.last() == Some(&b'\r') {
                        field = &field[..field.len() - 1];
                    }
                    rec.bytes.extend_from_slice(field);
                    rec.ends.push(rec.bytes.len());
                    rec.end_pos = (line, line_start, end);
                    self.line = line;
                    return Ok(Step::Done(end));
                };
                let mut field = &buf[i..j];
                if buf[j] == b'\n' && field.last() == Some(&b'\r') {
                    field = &field[..field.len() - 1];
                }
                rec.bytes.extend_from_slice(field);
                rec.ends.push(rec.bytes.len());
                if buf[j] == b'\n' {
                    rec.end_pos = (line, line_start, i + field.len());
                    self.line = line + 1;
                    return Ok(Step::Done(j + 1));
                }
                i = j + 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(input: &[u8]) -> Result<Vec<Vec<String>>, String> {
        let mut r = RecordReader::new(input);
        let mut rec = Record::default();
        let mut out = Vec::new();
        loop {
            match r.next_record(&mut rec) {
                Ok(true) => out.push(
                    (0..rec.len())
                        .map(|i| String::from_utf8_lossy(rec.field(i)).into_owned())
                        .collect(),
                ),
                Ok(false) => return Ok(out),
                Err(ParseError::Syntax(l, c, m)) => return Err(format!("{l}:{c}: {m}")),
                Err(ParseError::Io(e)) => return Err(e.to_string()),
            }
        }
    }

    #[test]
    fn rfc4180_cases() {
        let got =
            records(b"a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",\r\nlast,1").unwrap();
        assert_eq!(
            got,
            vec![
                vec!["a", "b"],
                vec!["x,y", "say \"hi\""],
                vec!["multi\nline", ""],
                vec!["last", "1"]
            ]
        );
    }

    #[test]
    fn blank_lines_bom_and_trailing_newline() {
        let got = records(b"\xEF\xBB\xBFa\n\n1\n\r\n2\n").unwrap();
        assert_eq!(got, vec![vec!["a"], vec!["1"], vec!["2"]]);
        assert_eq!(records(b"").unwrap(), Vec::<Vec<String>>::new());
        assert_eq!(
            records(b"\"\"").unwrap(),
            vec![vec![""]],
            "a quoted empty field is a record"
        );
    }

    #[test]
    fn syntax_errors_have_positions() {
        assert_eq!(
            records(b"a,b\n1,\"open\n2,3\n").unwrap_err(),
            "2:3: unterminated quoted field"
        );
        let e = records(b"a,b\n\"x\"y,2\n").unwrap_err();
        assert!(
            e.starts_with("2:4: unexpected character after a closing quote"),
            "{e}"
        );
    }

    /// A reader returning one byte at a time exercises every chunk boundary.
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() || out.is_empty() {
                return Ok(0);
            }
            out[0] = self.0[0];
            self.0 = &self.0[1..];
            Ok(1)
        }
    }

    #[test]
    fn chunk_boundaries_everywhere() {
        let input = b"h1,h2\r\n\"a\"\"b\",\"c\r\nd\"\r\n,\"\"\r\nx,y";
        let whole = records(input).unwrap();
        let mut r = RecordReader::new(Trickle(input));
        let mut rec = Record::default();
        let mut got = Vec::new();
        while r.next_record(&mut rec).unwrap() {
            got.push(
                (0..rec.len())
                    .map(|i| rec.field(i).to_vec())
                    .collect::<Vec<_>>(),
            );
        }
        let whole: Vec<Vec<Vec<u8>>> = whole
            .into_iter()
            .map(|r| r.into_iter().map(String::into_bytes).collect())
            .collect();
        assert_eq!(got, whole);
        assert_eq!(got[1], vec![b"a\"b".to_vec(), b"c\r\nd".to_vec()]);
    }

    #[test]
    fn positions_of_fields() {
        let mut r = RecordReader::new(&b"a,b\n\"x\ny\",\xC3\xA9,zz\n"[..]);
        let mut rec = Record::default();
        assert!(r.next_record(&mut rec).unwrap());
        assert_eq!(r.position(&rec, 1), (1, 3));
        assert!(r.next_record(&mut rec).unwrap());
        assert_eq!(r.position(&rec, 0), (2, 1));
        assert_eq!(r.position(&rec, 1), (3, 4));
        assert_eq!(r.position(&rec, 2), (3, 6), "é counts as one character");
        assert_eq!(r.position(&rec, 3), (3, 8), "end of record");
    }

    /// `offset` is the source position after each record (past the byte-order mark, blank
    /// lines skipped before a record), whatever the chunking; a `continuing` reader starting
    /// there reads the remaining records and keeps a leading EF BB BF as data.
    #[test]
    fn offsets_after_records_and_continuing_readers() {
        let input = b"\xEF\xBB\xBFa,b\r\n\"1\n\",2\n\n3,4";
        for trickle in [false, true] {
            let mut r: RecordReader<Box<dyn Read>> = RecordReader::new(if trickle {
                Box::new(Trickle(input))
            } else {
                Box::new(&input[..])
            });
            let mut rec = Record::default();
            let mut offsets = Vec::new();
            while r.next_record(&mut rec).unwrap() {
                offsets.push(r.offset());
            }
            assert_eq!(offsets, [8, 15, 19], "trickle {trickle}");
        }
        let mut r = RecordReader::continuing(&input[8..]);
        let mut rec = Record::default();
        assert!(r.next_record(&mut rec).unwrap());
        assert_eq!(rec.field(0), b"1\n");
        let mut r = RecordReader::continuing(&b"\xEF\xBB\xBFx,y"[..]);
        assert!(r.next_record(&mut rec).unwrap());
        assert_eq!(rec.field(0), b"\xEF\xBB\xBFx");
    }
}

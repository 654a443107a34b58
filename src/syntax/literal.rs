//! Decoding of number and string literals (§2) and the lexical error kinds with their codes.

use super::lexer::{LexExtras, Token};
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};
use std::ops::Range;

/// What went wrong while lexing. Each kind has its own stable code (see [`LexErrorKind::code`]).
#[derive(Clone, Debug, PartialEq)]
pub enum LexErrorKind {
    /// A character that starts no token (E0001).
    StrayChar(char),
    /// A string literal without its closing `"` on the same line (E0002).
    UnterminatedString,
    /// A `\x` escape that §2 does not define (E0003).
    UnknownEscape(char),
    /// `\u` not followed by `{1–6 hex digits}` (E0004).
    MalformedUnicodeEscape,
    /// `\u{…}` naming a surrogate or a value above U+10FFFF (E0005).
    InvalidUnicodeScalar(u32),
    /// `/*` without a matching `*/` (E0006).
    UnterminatedComment,
    /// An integer literal above `u64::MAX` (E0007).
    IntTooLarge,
    /// A number that does not follow §2, with the reason (E0008).
    MalformedNumber(&'static str),
    /// A float written `.5` (E0009).
    LeadingDotFloat,
    /// A float literal whose value is infinite in `f64` (E0010).
    FloatOutOfRange,
    /// Bytes that are not valid UTF-8 (E0011).
    InvalidUtf8,
}

/// A lexical error with the byte range it covers.
#[derive(Clone, Debug, PartialEq)]
pub struct LexError {
    /// What went wrong.
    pub kind: LexErrorKind,
    /// Where (byte offsets in the file's text).
    pub span: Range<usize>,
}

impl LexErrorKind {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            LexErrorKind::StrayChar(_) => "E0001",
            LexErrorKind::UnterminatedString => "E0002",
            LexErrorKind::UnknownEscape(_) => "E0003",
            LexErrorKind::MalformedUnicodeEscape => "E0004",
            LexErrorKind::InvalidUnicodeScalar(_) => "E0005",
            LexErrorKind::UnterminatedComment => "E0006",
            LexErrorKind::IntTooLarge => "E0007",
            LexErrorKind::MalformedNumber(_) => "E0008",
            LexErrorKind::LeadingDotFloat => "E0009",
            LexErrorKind::FloatOutOfRange => "E0010",
            LexErrorKind::InvalidUtf8 => "E0011",
        }
    }
}

impl LexError {
    /// The diagnostic for this error in `file`.
    pub fn to_diagnostic(&self, file: FileId) -> Diagnostic {
        let span = Span::new(file, self.span.start, self.span.end);
        let (message, label, help): (String, String, Option<&str>) = match &self.kind {
            LexErrorKind::StrayChar(c) => (
                format!("unexpected character `{}`", c.escape_debug()),
                "this character is not part of Theta's syntax".into(),
                None,
            ),
            LexErrorKind::UnterminatedString => (
                "unterminated string literal".into(),
                "this string has no closing `\"` on its line".into(),
                Some("strings end on the line they start; write a line break as `\\n`"),
            ),
            LexErrorKind::UnknownEscape(c) => (
                format!("unknown escape sequence `\\{}`", c.escape_debug()),
                "unknown escape".into(),
                Some("valid escapes are \\n \\t \\r \\\\ \\\" \\' \\0 and \\u{…}"),
            ),
            LexErrorKind::MalformedUnicodeEscape => (
                "malformed unicode escape".into(),
                "expected `\\u{` followed by 1 to 6 hex digits and `}`".into(),
                Some("write a code point like `\\u{1F600}`"),
            ),
            LexErrorKind::InvalidUnicodeScalar(v) => (
                format!("`\\u{{{v:X}}}` is not a Unicode scalar value"),
                if (0xD800..=0xDFFF).contains(v) {
                    "surrogate code points cannot appear in strings".into()
                } else {
                    "code points end at 10FFFF".into()
                },
                None,
            ),
            LexErrorKind::UnterminatedComment => (
                "unterminated block comment".into(),
                "this `/*` has no matching `*/`".into(),
                Some("block comments do not nest"),
            ),
            LexErrorKind::IntTooLarge => (
                "integer literal is too large".into(),
                "this value does not fit in 64 bits".into(),
                None,
            ),
            LexErrorKind::MalformedNumber(why) => {
                ("malformed number literal".into(), (*why).into(), None)
            }
            LexErrorKind::LeadingDotFloat => (
                "a float literal must start with a digit".into(),
                "no digit before `.`".into(),
                Some("write a leading zero, e.g. `0.5`"),
            ),
            LexErrorKind::FloatOutOfRange => (
                "float literal is out of range".into(),
                "this value is infinite as an f64".into(),
                None,
            ),
            LexErrorKind::InvalidUtf8 => (
                "invalid UTF-8 in source file".into(),
                "these bytes are not valid UTF-8".into(),
                Some("Theta source files must be encoded as UTF-8"),
            ),
        };
        let mut d = Diagnostic::error(self.kind.code(), message, span, label);
        if let Some(h) = help {
            d = d.with_help(h);
        }
        d
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The length in bytes of the number-like text starting at `start` (a digit): a run of letters,
/// digits and `_`, a `.` fraction when a digit follows it, and a signed exponent. Everything in
/// that run belongs to one literal so that `12abc` or `0x` give a single precise error.
pub fn number_extent(bytes: &[u8], start: usize) -> usize {
    let run = |mut i: usize| {
        while i < bytes.len() && is_word_byte(bytes[i]) {
            i += 1;
        }
        i
    };
    let radix =
        bytes[start] == b'0' && matches!(bytes.get(start + 1), Some(b'x' | b'X' | b'b' | b'B'));
    let mut i = run(start);
    if !radix && bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i = run(i + 1);
    }
    if !radix && matches!(bytes[i - 1], b'e' | b'E') && matches!(bytes.get(i), Some(b'+' | b'-')) {
        i = run(i + 1);
    }
    i - start
}

/// Checks the digits of one literal part and removes its `_` separators. A `_` must sit
/// between two digits (`1_000`, not `1_`, `1__0` or `0x_F`).
fn clean_digits(s: &str, radix: u32, what: &'static str) -> Result<String, &'static str> {
    if s.is_empty() {
        return Err(what);
    }
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            let digit = |j: Option<&u8>| j.is_some_and(|&c| (c as char).is_digit(radix));
            if i == 0 || !digit(bytes.get(i - 1)) || !digit(bytes.get(i + 1)) {
                return Err("`_` must separate two digits");
            }
        } else if (b as char).is_digit(radix) {
            out.push(b as char);
        } else {
            return Err(match radix {
                16 => "invalid digit in hexadecimal literal",
                2 => "invalid digit in binary literal",
                _ if b.is_ascii_digit() => "invalid digit",
                _ => "unexpected letter in number",
            });
        }
    }
    Ok(out)
}

/// Decodes the number literal `text` found at byte `start` into `Int` or `Float`.
pub fn decode_number<'a>(text: &str, start: usize) -> Result<Token<'a>, LexError> {
    let err = |kind| LexError {
        kind,
        span: start..start + text.len(),
    };
    let malformed = |why| err(LexErrorKind::MalformedNumber(why));
    let prefixed = |radix: u32, what| {
        let digits = clean_digits(&text[2..], radix, what).map_err(malformed)?;
        u64::from_str_radix(&digits, radix)
            .map(Token::Int)
            .map_err(|_| err(LexErrorKind::IntTooLarge))
    };
    match text.get(..2) {
        Some("0x" | "0X") => return prefixed(16, "`0x` must be followed by hex digits"),
        Some("0b" | "0B") => return prefixed(2, "`0b` must be followed by binary digits"),
        _ => {}
    }
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(p) => (&text[..p], Some(&text[p + 1..])),
        None => (text, None),
    };
    let (int_part, frac) = match mantissa.find('.') {
        Some(p) => (&mantissa[..p], Some(&mantissa[p + 1..])),
        None => (mantissa, None),
    };
    let int_digits = clean_digits(int_part, 10, "missing digits").map_err(malformed)?;
    if frac.is_none() && exponent.is_none() {
        return int_digits
            .parse::<u64>()
            .map(Token::Int)
            .map_err(|_| err(LexErrorKind::IntTooLarge));
    }
    let mut clean = int_digits;
    if let Some(frac) = frac {
        clean.push('.');
        clean += &clean_digits(frac, 10, "missing digits after `.`").map_err(malformed)?;
    }
    if let Some(exp) = exponent {
        let (sign, digits) = match exp.strip_prefix(['+', '-']) {
            Some(rest) => (&exp[..1], rest),
            None => ("", exp),
        };
        clean.push('e');
        clean += sign;
        clean += &clean_digits(digits, 10, "the exponent has no digits").map_err(malformed)?;
    }
    match clean.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Token::Float(v)),
        Ok(_) => Err(err(LexErrorKind::FloatOutOfRange)),
        Err(_) => Err(malformed("not a valid float")),
    }
}

/// Scans and decodes the string literal whose `"` is at byte `start` of `source`. Returns the
/// literal's length in bytes and its value, or `None` when an error was pushed to `extras`.
pub fn decode_string(
    source: &str,
    start: usize,
    extras: &mut LexExtras,
) -> (usize, Option<String>) {
    let bytes = source.as_bytes();
    let mut out = String::new();
    let mut ok = true;
    let mut i = start + 1;
    let mut push_err = |kind, span: Range<usize>, ok: &mut bool| {
        *ok = false;
        extras.errors.push(LexError { kind, span });
    };
    loop {
        match bytes.get(i) {
            None | Some(b'\n') => {
                let end = if i > start + 1 && bytes[i - 1] == b'\r' {
                    i - 1
                } else {
                    i
                };
                push_err(
                    LexErrorKind::UnterminatedString,
                    start..end.max(start + 1),
                    &mut ok,
                );
                return (i - start, None);
            }
            Some(b'"') => return (i + 1 - start, ok.then_some(out)),
            Some(b'\\') => {
                let Some(c) = source[i + 1..].chars().next() else {
                    i += 1;
                    continue;
                };
                let simple = match c {
                    'n' => Some('\n'),
                    't' => Some('\t'),
                    'r' => Some('\r'),
                    '\\' => Some('\\'),
                    '"' => Some('"'),
                    '\'' => Some('\''),
                    '0' => Some('\0'),
                    _ => None,
                };
                if let Some(ch) = simple {
                    out.push(ch);
                    i += 2;
                } else if c == 'u' {
                    let (len, value) = unicode_escape(&bytes[i..]);
                    match value {
                        Ok(ch) => out.push(ch),
                        Err(kind) => push_err(kind, i..i + len, &mut ok),
                    }
                    i += len;
                } else if c == '\n' || c == '\r' {
                    // A backslash at the end of the line: the line end reports the literal.
                    i += 1;
                } else {
                    push_err(
                        LexErrorKind::UnknownEscape(c),
                        i..i + 1 + c.len_utf8(),
                        &mut ok,
                    );
                    i += 1 + c.len_utf8();
                }
            }
            Some(_) => {
                let ch = source[i..].chars().next().unwrap_or('\u{FFFD}');
                if ch == '\u{FFFD}' && extras.replaced.binary_search(&i).is_ok() {
                    push_err(LexErrorKind::InvalidUtf8, i..i + ch.len_utf8(), &mut ok);
                }
                out.push(ch);
                i += ch.len_utf8();
            }
        }
    }
}

/// Decodes `\u{…}` at the start of `bytes`: its length and the character or the error.
fn unicode_escape(bytes: &[u8]) -> (usize, Result<char, LexErrorKind>) {
    if bytes.get(2) != Some(&b'{') {
        return (2, Err(LexErrorKind::MalformedUnicodeEscape));
    }
    let mut i = 3;
    while i < bytes.len() && bytes[i].is_ascii_hexdigit() {
        i += 1;
    }
    let digits = i - 3;
    if bytes.get(i) != Some(&b'}') {
        return (i, Err(LexErrorKind::MalformedUnicodeEscape));
    }
    if digits == 0 || digits > 6 {
        return (i + 1, Err(LexErrorKind::MalformedUnicodeEscape));
    }
    // At most six hex digits: always fits in u32.
    let text = std::str::from_utf8(&bytes[3..i]).unwrap_or("0");
    let value = u32::from_str_radix(text, 16).unwrap_or(0);
    match char::from_u32(value) {
        Some(c) => (i + 1, Ok(c)),
        None => (i + 1, Err(LexErrorKind::InvalidUnicodeScalar(value))),
    }
}

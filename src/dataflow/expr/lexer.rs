//! Tokenizer for dataflow expression strings (§8): every token carries its byte range.

use std::ops::Range;

use super::ast::ParseError;

/// One token of an expression string.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// A bare identifier or keyword (keywords are recognised by the parser, case-insensitively).
    Ident(String),
    /// A `"double quoted"` column name.
    Quoted(String),
    /// An integer literal.
    Int(i64),
    /// A float literal.
    Float(f64),
    /// A `'single quoted'` string literal (`''` is an escaped quote).
    Str(String),
    /// Punctuation or an operator, such as `<=` or `(`.
    Punct(&'static str),
}

/// A token with its byte range inside the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// The token.
    pub tok: Tok,
    /// Byte range inside the expression text.
    pub span: Range<usize>,
}

const PUNCTS: [&str; 19] = [
    "==", "!=", "<>", "<=", ">=", "&&", "||", "(", ")", ",", "+", "-", "*", "/", "%", "=", "<",
    ">", "!",
];

/// Splits `text` into tokens; an unknown character, an unterminated literal or an out-of-range
/// number is an error with its byte range.
pub fn tokenize(text: &str) -> Result<Vec<Token>, ParseError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Ident(text[start..i].to_string()),
                span: start..i,
            });
        } else if c.is_ascii_digit() {
            let after_minus = matches!(
                out.last(),
                Some(Token {
                    tok: Tok::Punct("-"),
                    ..
                })
            );
            out.push(lex_number(text, &mut i, after_minus)?);
        } else if c == b'\'' || c == b'"' {
            let (value, end) = lex_quoted(text, i, c)?;
            i = end;
            let tok = if c == b'\'' {
                Tok::Str(value)
            } else {
                Tok::Quoted(value)
            };
            out.push(Token {
                tok,
                span: start..i,
            });
        } else if let Some(p) = PUNCTS.iter().find(|p| text[i..].starts_with(**p)) {
            i += p.len();
            out.push(Token {
                tok: Tok::Punct(p),
                span: start..i,
            });
        } else {
            let ch = text[i..].chars().next().unwrap_or('?');
            return Err(ParseError::new(
                i..i + ch.len_utf8(),
                format!("unexpected character `{ch}`"),
            ));
        }
    }
    Ok(out)
}

/// Lexes a number; `after_minus` allows `9223372036854775808` (it becomes `i64::MIN`, which the
/// parser's negation leaves unchanged) so `-9223372036854775808` is a valid literal.
fn lex_number(text: &str, i: &mut usize, after_minus: bool) -> Result<Token, ParseError> {
    let bytes = text.as_bytes();
    let start = *i;
    let digits = |i: &mut usize| {
        while *i < bytes.len() && (bytes[*i].is_ascii_digit() || bytes[*i] == b'_') {
            *i += 1;
        }
    };
    digits(i);
    let mut is_float = false;
    if *i + 1 < bytes.len() && bytes[*i] == b'.' && bytes[*i + 1].is_ascii_digit() {
        is_float = true;
        *i += 1;
        digits(i);
    }
    if *i < bytes.len() && (bytes[*i] == b'e' || bytes[*i] == b'E') {
        let mut j = *i + 1;
        if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
            j += 1;
        }
        if j < bytes.len() && bytes[j].is_ascii_digit() {
            is_float = true;
            *i = j;
            digits(i);
        }
    }
    if *i < bytes.len() && (bytes[*i].is_ascii_alphabetic() || bytes[*i] == b'_') {
        while *i < bytes.len() && bytes[*i].is_ascii_alphanumeric() {
            *i += 1;
        }
        return Err(ParseError::new(start..*i, "malformed number"));
    }
    let span = start..*i;
    let clean: String = text[span.clone()].chars().filter(|c| *c != '_').collect();
    let tok = if is_float {
        Tok::Float(
            clean
                .parse()
                .map_err(|_| ParseError::new(span.clone(), "malformed number"))?,
        )
    } else {
        match clean.parse::<i64>() {
            Ok(v) => Tok::Int(v),
            Err(_) if after_minus && clean == "9223372036854775808" => Tok::Int(i64::MIN),
            Err(_) => {
                return Err(ParseError::new(span, "integer literal does not fit in i64"));
            }
        }
    };
    Ok(Token { tok, span })
}

/// Lexes a quoted literal starting at `start` (the quote); a doubled quote escapes itself.
fn lex_quoted(text: &str, start: usize, quote: u8) -> Result<(String, usize), ParseError> {
    let bytes = text.as_bytes();
    let mut value = String::new();
    let mut i = start + 1;
    let mut seg = i;
    loop {
        if i >= bytes.len() {
            let what = if quote == b'\'' {
                "string literal"
            } else {
                "quoted name"
            };
            return Err(ParseError::new(
                start..text.len(),
                format!("unterminated {what}"),
            ));
        }
        if bytes[i] == quote {
            value.push_str(&text[seg..i]);
            if i + 1 < bytes.len() && bytes[i + 1] == quote {
                value.push(quote as char);
                i += 2;
                seg = i;
                continue;
            }
            return Ok((value, i + 1));
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn lexes_literals_and_operators() {
        assert_eq!(
            toks("a<=1_000 and 'it''s' <> \"odd name\" || 2.5e-3"),
            vec![
                Tok::Ident("a".into()),
                Tok::Punct("<="),
                Tok::Int(1000),
                Tok::Ident("and".into()),
                Tok::Str("it's".into()),
                Tok::Punct("<>"),
                Tok::Quoted("odd name".into()),
                Tok::Punct("||"),
                Tok::Float(2.5e-3),
            ]
        );
    }

    #[test]
    fn errors_carry_byte_ranges() {
        let e = tokenize("a + 'oops").unwrap_err();
        assert_eq!(e.range, 4..9);
        let e = tokenize("a @ b").unwrap_err();
        assert_eq!(e.range, 2..3);
        let e = tokenize("99999999999999999999").unwrap_err();
        assert!(e.message.contains("i64"));
        let e = tokenize("x é").unwrap_err();
        assert_eq!(e.range, 2..4);
    }
}

//! `{{name}}` placeholders: where they are in a string.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<'a> {
    Lit(&'a str),
    /// A placeholder: the trimmed name and the byte range of the whole `{{…}}`.
    Var {
        name: &'a str,
        range: Range<usize>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset of the unclosed or empty `{{`.
    pub offset: usize,
    pub message: String,
}

/// Splits `s` into literal text and placeholders. `{{` with no `}}` after it, or an empty `{{ }}`, is an error.
pub fn parse(s: &str) -> Result<Vec<Segment<'_>>, SyntaxError> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(open) = s[rest..].find("{{").map(|i| i + rest) {
        let Some(close) = s[open + 2..].find("}}").map(|i| i + open + 2) else {
            return Err(SyntaxError {
                offset: open,
                message: "`{{` is never closed with `}}`".into(),
            });
        };
        let name = s[open + 2..close].trim();
        if name.is_empty() {
            return Err(SyntaxError {
                offset: open,
                message: "empty placeholder `{{}}`".into(),
            });
        }
        if open > rest {
            out.push(Segment::Lit(&s[rest..open]));
        }
        out.push(Segment::Var {
            name,
            range: open..close + 2,
        });
        rest = close + 2;
    }
    if rest < s.len() {
        out.push(Segment::Lit(&s[rest..]));
    }
    Ok(out)
}

/// The names of the placeholders in `s`, in order (with repeats); a string with a syntax error yields those before it.
pub fn references(s: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = 0;
    while let Some(open) = s[rest..].find("{{").map(|i| i + rest) {
        let Some(close) = s[open + 2..].find("}}").map(|i| i + open + 2) else {
            break;
        };
        let name = s[open + 2..close].trim();
        if !name.is_empty() {
            names.push(name);
        }
        rest = close + 2;
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_literals_and_vars() {
        let segs = parse("{{base}}/users/{{ id }}?x=1").unwrap();
        assert_eq!(
            segs,
            vec![
                Segment::Var { name: "base", range: 0..8 },
                Segment::Lit("/users/"),
                Segment::Var { name: "id", range: 15..23 },
                Segment::Lit("?x=1"),
            ]
        );
    }

    #[test]
    fn unclosed_is_an_error_with_offset() {
        let e = parse("abc {{name").unwrap_err();
        assert_eq!(e.offset, 4);
        assert!(parse("{{ }}").is_err());
        assert_eq!(references("a {{x}} {{y"), vec!["x"]);
    }
}

//! A collection's `.env` file: `NAME=value` lines (dotenv syntax, quotes and multi-line values included) read with
//! the `dotenvy` parser. A line it cannot read is never dropped silently: it is kept as a problem with its line and
//! column, so that a "missing secret" can say which line of `.env` was probably meant to hold it.

use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvProblem {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dotenv {
    pub values: HashMap<String, String>,
    pub problems: Vec<DotenvProblem>,
}

/// `.env` files larger than this are not read (a secrets file is small; a link to a device must not hang).
pub const MAX_DOTENV_SIZE: u64 = 1 << 20;

/// Reads `path`; a missing file is an empty one.
pub fn read(path: &Path) -> Dotenv {
    let mut out = Dotenv::default();
    let text = match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => {
            out.problems.push(DotenvProblem {
                line: 1,
                col: 1,
                message: "is not a regular file; it was not read".into(),
            });
            return out;
        }
        Ok(m) if m.len() > MAX_DOTENV_SIZE => {
            out.problems.push(DotenvProblem {
                line: 1,
                col: 1,
                message: format!("is larger than {} and was not read", crate::format_size(MAX_DOTENV_SIZE)),
            });
            return out;
        }
        Ok(_) => match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                out.problems.push(DotenvProblem {
                    line: 1,
                    col: 1,
                    message: format!("cannot be read: {e}"),
                });
                return out;
            }
        },
        Err(_) => return out,
    };
    parse(&text, &mut out);
    out
}

/// Parses the text of a `.env` file.
pub fn parse_text(text: &str) -> Dotenv {
    let mut out = Dotenv::default();
    parse(text, &mut out);
    out
}

fn parse(text: &str, out: &mut Dotenv) {
    let mut cursor = 0;
    for item in dotenvy::from_read_iter(text.as_bytes()) {
        match item {
            Ok((k, v)) => {
                out.values.insert(k, v);
            }
            Err(dotenvy::Error::LineParse(content, idx)) => {
                let first = content.lines().next().unwrap_or("").to_string();
                let at = text[cursor..].find(first.as_str()).map(|i| i + cursor).unwrap_or(cursor);
                cursor = (at + first.len()).min(text.len());
                let line = text[..at].matches('\n').count() + 1;
                let shown: String = first.chars().take(60).collect();
                out.problems.push(DotenvProblem {
                    line,
                    // dotenvy's index may fall inside a character: count the characters that start before it.
                    col: content.char_indices().take_while(|(i, _)| *i < idx).count() + 1,
                    message: format!("`{shown}` is not a NAME=value line (quote values with spaces or special characters)"),
                });
            }
            Err(e) => out.problems.push(DotenvProblem {
                line: 1,
                col: 1,
                message: e.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_are_kept_with_their_position() {
        let mut d = Dotenv::default();
        parse("A=1\n# comment\nB C=2\nD=\"multi\nline\"\nE=5\n", &mut d);
        assert_eq!(d.values.get("A").map(String::as_str), Some("1"));
        assert_eq!(d.values.get("D").map(String::as_str), Some("multi\nline"));
        assert_eq!(d.values.get("E").map(String::as_str), Some("5"));
        assert_eq!(d.problems.len(), 1, "{:?}", d.problems);
        assert_eq!(d.problems[0].line, 3);
        assert!(d.problems[0].message.contains("B C=2"), "{:?}", d.problems[0]);
    }

    #[test]
    fn a_position_inside_a_multibyte_character_is_no_panic() {
        // Found by the fuzzer (bench/fuzz.sh dotenv).
        let d = parse_text("A=\u{fffd}\u{fffd}\u{fffd}\u{fffd} x\u{fffd}\n");
        assert!(d.problems.iter().all(|p| p.col >= 1));
    }
}

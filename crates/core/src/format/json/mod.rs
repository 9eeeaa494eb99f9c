//! A validating, streaming JSON re-indenter that works on bytes.
//!
//! Building a `serde_json::Value` costs ~10x the document in memory and runs at ~22 MB/s; this
//! state machine validates and pretty-prints in one pass, never allocates per value, and accepts
//! input split at any byte boundary (so a response can be formatted while it downloads).
//! Strings and numbers are copied verbatim; only the whitespace between tokens changes.

use std::fmt;

mod machine;

/// Indentation stops growing past this depth: a document nested deeper is valid and shown, but indenting every
/// level would make the output quadratic in the input (`[[[[…` of 1 MB would need ~10^11 bytes of indentation).
pub const MAX_INDENT_DEPTH: usize = 128;

/// Where and why a document is not valid JSON. `line` and `column` are 1-based positions in the
/// input; `column` counts characters (not bytes) from the start of the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonSyntaxError {
    /// Byte offset in the input of the offending byte (or the input length at end of input).
    pub offset: u64,
    pub line: u64,
    pub column: u64,
    pub message: String,
}

impl fmt::Display for JsonSyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid JSON at line {}, column {}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for JsonSyntaxError {}

/// Progress through a number, following the JSON grammar
/// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Num {
    Minus,
    Zero,
    Int,
    Dot,
    Frac,
    Exp,
    ExpSign,
    ExpInt,
}

impl Num {
    fn is_complete(self) -> bool {
        matches!(self, Num::Zero | Num::Int | Num::Frac | Num::ExpInt)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Matched this many bytes of a UTF-8 byte order mark at the very start.
    Bom(u8),
    TopValue,
    AfterColon,
    ArrayFirst,
    ArrayNext,
    ObjectFirst,
    ObjectNext,
    Colon,
    AfterValue,
    TopEnd,
    Str {
        key: bool,
    },
    Escape {
        key: bool,
    },
    Unicode {
        key: bool,
        left: u8,
    },
    /// Inside a multi-byte UTF-8 sequence that was split across chunks.
    Utf8 {
        key: bool,
    },
    Num(Num),
    Lit {
        lit: u8,
        pos: u8,
    },
}

/// Streaming JSON validator and pretty-printer producing `serde_json::to_string_pretty` style
/// output (`"key": value`, one member per line, empty containers as `{}`/`[]`).
#[derive(Debug, Clone)]
pub struct Reindenter {
    state: State,
    /// One entry per open container: `true` for an object, `false` for an array.
    stack: Vec<bool>,
    indent: usize,
    /// `"\n"` followed by enough spaces for the deepest level seen so far.
    newline_indent: Vec<u8>,
    /// Absolute offset of the start of the current chunk.
    offset: u64,
    line: u64,
    line_start: u64,
    /// UTF-8 continuation bytes seen on the current line (so columns count characters).
    continuation: u64,
    utf8_buf: [u8; 4],
    utf8_len: u8,
    utf8_need: u8,
    error: Option<JsonSyntaxError>,
}

impl Reindenter {
    /// `indent` is the number of spaces per nesting level (serde_json uses 2); at most 64.
    pub fn new(indent: usize) -> Self {
        let indent = indent.min(64);
        Reindenter {
            state: State::Bom(0),
            stack: Vec::new(),
            indent,
            newline_indent: vec![b'\n'],
            offset: 0,
            line: 1,
            line_start: 0,
            continuation: 0,
            utf8_buf: [0; 4],
            utf8_len: 0,
            utf8_need: 0,
            error: None,
        }
    }

    /// Validates `chunk` and appends its pretty-printed form to `out`. On error, `out` holds the
    /// output up to the offending byte, and every later call returns the same error.
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<u8>) -> Result<(), JsonSyntaxError> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        match self.run(chunk, out) {
            Ok(()) => {
                self.offset += chunk.len() as u64;
                Ok(())
            }
            Err((at, message)) => {
                let e = self.error_at(self.offset + at as u64, message);
                self.error = Some(e.clone());
                Err(e)
            }
        }
    }

    /// Ends the document; fails if it is incomplete (or if an earlier `feed` failed).
    pub fn finish(self, _out: &mut Vec<u8>) -> Result<(), JsonSyntaxError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let message: String = match self.state {
            State::TopEnd => return Ok(()),
            State::Num(n) if n.is_complete() && self.stack.is_empty() => return Ok(()),
            State::Bom(_) | State::TopValue => "expected a JSON value, found end of input".into(),
            State::Str { .. } | State::Escape { .. } | State::Unicode { .. } | State::Utf8 { .. } => {
                "unexpected end of input inside a string".into()
            }
            State::Num(n) if !n.is_complete() => "unexpected end of input inside a number".into(),
            State::Lit { .. } => "unexpected end of input inside a literal".into(),
            _ => match self.stack.last() {
                Some(true) => "unexpected end of input: an object is not closed with '}'".into(),
                _ => "unexpected end of input: an array is not closed with ']'".into(),
            },
        };
        Err(self.error_at(self.offset, message))
    }

    fn error_at(&self, offset: u64, message: impl Into<String>) -> JsonSyntaxError {
        let bytes_in_line = offset.saturating_sub(self.line_start);
        JsonSyntaxError {
            offset,
            line: self.line,
            column: bytes_in_line.saturating_sub(self.continuation) + 1,
            message: message.into(),
        }
    }
}

/// Pretty-prints a whole document; see [`Reindenter`].
pub fn reindent(input: &[u8], indent: usize) -> Result<Vec<u8>, JsonSyntaxError> {
    let mut out = Vec::with_capacity(input.len() + input.len() / 4 + 16);
    let mut r = Reindenter::new(indent);
    r.feed(input, &mut out)?;
    r.finish(&mut out)?;
    Ok(out)
}

/// Where `input` stops being valid JSON, or `None` if it is a complete, valid document.
pub fn json_error_position(input: &[u8]) -> Option<JsonSyntaxError> {
    let mut r = Reindenter::new(0);
    let mut scratch = Vec::with_capacity(64 * 1024 + 64);
    for chunk in input.chunks(32 * 1024) {
        scratch.clear();
        if let Err(e) = r.feed(chunk, &mut scratch) {
            return Some(e);
        }
    }
    r.finish(&mut scratch).err()
}

#[cfg(test)]
mod tests;

//! The byte-level state machine behind [`Reindenter`].

use super::{Num, Reindenter, State, MAX_INDENT_DEPTH};

const LITERALS: [&[u8]; 3] = [b"true", b"false", b"null"];

/// Bytes that end a fast run inside a string: quote, backslash, control characters, non-ASCII.
static STR_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = i < 0x20 || i == b'"' as usize || i == b'\\' as usize || i >= 0x80;
        i += 1;
    }
    t
};

impl Reindenter {
    /// Writes a newline and the indentation for `depth`.
    fn newline(&mut self, depth: usize, out: &mut Vec<u8>) {
        let need = 1 + depth.min(MAX_INDENT_DEPTH) * self.indent;
        if self.newline_indent.len() < need {
            self.newline_indent.resize(need, b' ');
        }
        out.extend_from_slice(&self.newline_indent[..need]);
    }

    fn value_done(&self) -> State {
        if self.stack.is_empty() {
            State::TopEnd
        } else {
            State::AfterValue
        }
    }

    /// Starts the value whose first byte is `b` (already checked by `starts_value`).
    fn start_value(&mut self, b: u8, out: &mut Vec<u8>) -> Result<(), &'static str> {
        out.push(b);
        self.state = match b {
            b'{' | b'[' => {
                self.stack.push(b == b'{');
                if b == b'{' {
                    State::ObjectFirst
                } else {
                    State::ArrayFirst
                }
            }
            b'"' => State::Str { key: false },
            b'-' => State::Num(Num::Minus),
            b'0' => State::Num(Num::Zero),
            b't' => State::Lit { lit: 0, pos: 1 },
            b'f' => State::Lit { lit: 1, pos: 1 },
            b'n' => State::Lit { lit: 2, pos: 1 },
            _ => State::Num(Num::Int),
        };
        Ok(())
    }

    fn close(&mut self, b: u8, out: &mut Vec<u8>) {
        let empty = matches!(self.state, State::ArrayFirst | State::ObjectFirst);
        self.stack.pop();
        if !empty {
            self.newline(self.stack.len(), out);
        }
        out.push(b);
        self.state = self.value_done();
    }

    /// The state machine. Errors carry the index in `chunk` of the offending byte.
    pub(super) fn run(&mut self, chunk: &[u8], out: &mut Vec<u8>) -> Result<(), (usize, &'static str)> {
        let n = chunk.len();
        let mut i = 0;
        while i < n {
            match self.state {
                State::Str { key } => {
                    let start = i;
                    while i < n && !STR_STOP[chunk[i] as usize] {
                        i += 1;
                    }
                    out.extend_from_slice(&chunk[start..i]);
                    if i == n {
                        break;
                    }
                    match chunk[i] {
                        b'"' => {
                            out.push(b'"');
                            i += 1;
                            self.state = if key { State::Colon } else { self.value_done() };
                        }
                        b'\\' => {
                            out.push(b'\\');
                            i += 1;
                            self.state = State::Escape { key };
                        }
                        0x80.. => i = self.utf8_run(chunk, i, key, out)?,
                        _ => return Err((i, "control character in a string (it must be escaped)")),
                    }
                }
                State::Escape { key } => {
                    let b = chunk[i];
                    self.state = match b {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => State::Str { key },
                        b'u' => State::Unicode { key, left: 4 },
                        _ => return Err((i, "invalid escape sequence in a string")),
                    };
                    out.push(b);
                    i += 1;
                }
                State::Unicode { key, left } => {
                    let b = chunk[i];
                    if !b.is_ascii_hexdigit() {
                        return Err((i, "invalid \\u escape: expected 4 hexadecimal digits"));
                    }
                    out.push(b);
                    i += 1;
                    self.state = if left == 1 {
                        State::Str { key }
                    } else {
                        State::Unicode { key, left: left - 1 }
                    };
                }
                State::Utf8 { key } => {
                    let b = chunk[i];
                    if !(0x80..=0xBF).contains(&b) {
                        return Err((i, "invalid UTF-8 in a string"));
                    }
                    self.utf8_buf[self.utf8_len as usize] = b;
                    self.utf8_len += 1;
                    i += 1;
                    if self.utf8_len == self.utf8_need {
                        let seq = &self.utf8_buf[..self.utf8_len as usize];
                        if std::str::from_utf8(seq).is_err() {
                            return Err((i - 1, "invalid UTF-8 in a string"));
                        }
                        out.extend_from_slice(seq);
                        self.continuation += u64::from(self.utf8_len) - 1;
                        self.state = State::Str { key };
                    }
                }
                State::Num(num) => {
                    if matches!(num, Num::Int | Num::Frac | Num::ExpInt) {
                        let start = i;
                        while i < n && chunk[i].is_ascii_digit() {
                            i += 1;
                        }
                        out.extend_from_slice(&chunk[start..i]);
                        if i == n {
                            break;
                        }
                    }
                    let b = chunk[i];
                    let next = match (num, b) {
                        (Num::Minus, b'0') => Num::Zero,
                        (Num::Minus, b'1'..=b'9') => Num::Int,
                        (Num::Minus, _) => return Err((i, "expected a digit after '-'")),
                        (Num::Zero, b'0'..=b'9') => return Err((i, "numbers cannot have leading zeros")),
                        (Num::Zero | Num::Int, b'.') => Num::Dot,
                        (Num::Zero | Num::Int | Num::Frac, b'e' | b'E') => Num::Exp,
                        (Num::Dot, b'0'..=b'9') => Num::Frac,
                        (Num::Dot, _) => return Err((i, "expected a digit after the decimal point")),
                        (Num::Exp, b'+' | b'-') => Num::ExpSign,
                        (Num::Exp | Num::ExpSign, b'0'..=b'9') => Num::ExpInt,
                        (Num::Exp | Num::ExpSign, _) => return Err((i, "expected a digit in the exponent of a number")),
                        _ => {
                            // The number ended; `b` belongs to what follows.
                            self.state = self.value_done();
                            continue;
                        }
                    };
                    out.push(b);
                    i += 1;
                    self.state = State::Num(next);
                }
                State::Lit { lit, pos } => {
                    let word = LITERALS[lit as usize];
                    let b = chunk[i];
                    if b != word[pos as usize] {
                        return Err((
                            i,
                            match lit {
                                0 => "invalid literal (expected 'true')",
                                1 => "invalid literal (expected 'false')",
                                _ => "invalid literal (expected 'null')",
                            },
                        ));
                    }
                    out.push(b);
                    i += 1;
                    self.state = if pos as usize + 1 == word.len() {
                        self.value_done()
                    } else {
                        State::Lit { lit, pos: pos + 1 }
                    };
                }
                State::Bom(k) => {
                    const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];
                    let b = chunk[i];
                    if k == 0 && b != BOM[0] {
                        self.state = State::TopValue;
                        continue;
                    }
                    if b != BOM[k as usize] {
                        return Err((i, "invalid byte order mark at the start of the document"));
                    }
                    i += 1;
                    if k == 2 {
                        // The mark is invisible: columns start after it.
                        self.line_start = self.offset + i as u64;
                        self.state = State::TopValue;
                    } else {
                        self.state = State::Bom(k + 1);
                    }
                }
                structural => {
                    // Skip whitespace between tokens, counting lines.
                    while i < n {
                        match chunk[i] {
                            b' ' | b'\t' | b'\r' => i += 1,
                            b'\n' => {
                                i += 1;
                                self.line += 1;
                                self.line_start = self.offset + i as u64;
                                self.continuation = 0;
                            }
                            _ => break,
                        }
                    }
                    if i == n {
                        break;
                    }
                    let b = chunk[i];
                    self.structural(structural, b, out).map_err(|m| (i, m))?;
                    i += 1;
                }
            }
        }
        Ok(())
    }

    /// Handles one significant byte outside strings, numbers and literals.
    fn structural(&mut self, state: State, b: u8, out: &mut Vec<u8>) -> Result<(), &'static str> {
        let depth = self.stack.len();
        match state {
            State::TopValue | State::AfterColon => {
                if !starts_value(b) {
                    return Err(if state == State::TopValue {
                        "expected a JSON value"
                    } else {
                        "expected a value after ':'"
                    });
                }
                self.start_value(b, out)
            }
            State::ArrayFirst | State::ArrayNext => {
                if b == b']' && state == State::ArrayFirst {
                    self.close(b, out);
                    return Ok(());
                }
                if !starts_value(b) {
                    return Err(if state == State::ArrayFirst {
                        "expected a value or ']'"
                    } else {
                        "expected a value after ','"
                    });
                }
                self.newline(depth, out);
                self.start_value(b, out)
            }
            State::ObjectFirst | State::ObjectNext => {
                if b == b'}' && state == State::ObjectFirst {
                    self.close(b, out);
                    return Ok(());
                }
                if b != b'"' {
                    return Err(if state == State::ObjectFirst {
                        "expected a string key or '}'"
                    } else {
                        "expected a string key after ','"
                    });
                }
                self.newline(depth, out);
                out.push(b'"');
                self.state = State::Str { key: true };
                Ok(())
            }
            State::Colon => {
                if b != b':' {
                    return Err("expected ':' after an object key");
                }
                out.extend_from_slice(b": ");
                self.state = State::AfterColon;
                Ok(())
            }
            State::AfterValue => {
                let in_object = self.stack.last() == Some(&true);
                match (in_object, b) {
                    (true, b',') => {
                        out.push(b',');
                        self.state = State::ObjectNext;
                    }
                    (false, b',') => {
                        out.push(b',');
                        self.state = State::ArrayNext;
                    }
                    (true, b'}') | (false, b']') => self.close(b, out),
                    (true, _) => return Err("expected ',' or '}' after an object value"),
                    (false, _) => return Err("expected ',' or ']' after an array value"),
                }
                Ok(())
            }
            _ => Err("unexpected characters after the end of the JSON value"),
        }
    }

    /// Copies a run of string bytes starting at a non-ASCII byte, validating UTF-8. A sequence cut
    /// by the end of the chunk is kept for the next `feed`. Returns the index after the run.
    fn utf8_run(&mut self, chunk: &[u8], start: usize, key: bool, out: &mut Vec<u8>) -> Result<usize, (usize, &'static str)> {
        let mut end = start;
        while end < chunk.len() {
            let b = chunk[end];
            if b < 0x20 || b == b'"' || b == b'\\' {
                break;
            }
            end += 1;
        }
        let run = &chunk[start..end];
        let (valid, rest) = match std::str::from_utf8(run) {
            Ok(_) => (run.len(), None),
            Err(e) => (e.valid_up_to(), Some(e.error_len())),
        };
        out.extend_from_slice(&run[..valid]);
        self.continuation += run[..valid].iter().filter(|&&b| (b & 0xC0) == 0x80).count() as u64;
        match rest {
            None => Ok(end),
            // An incomplete (but so far valid) sequence cut by the end of the chunk.
            Some(None) if end == chunk.len() => {
                let tail = &run[valid..];
                let need = match tail.first() {
                    Some(0xC0..=0xDF) => 2,
                    Some(0xE0..=0xEF) => 3,
                    _ => 4,
                };
                if tail.is_empty() || tail.len() >= need {
                    return Err((start + valid, "invalid UTF-8 in a string"));
                }
                self.utf8_buf[..tail.len()].copy_from_slice(tail);
                self.utf8_len = tail.len() as u8;
                self.utf8_need = need as u8;
                self.state = State::Utf8 { key };
                Ok(end)
            }
            Some(_) => Err((start + valid, "invalid UTF-8 in a string")),
        }
    }
}

fn starts_value(b: u8) -> bool {
    matches!(b, b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n')
}

//! The one sanitiser for text shown on a terminal, by the CLI and the TUI alike.
//!
//! Text from servers (bodies, headers, reason phrases, error texts) and from cloned files (key, variable and method
//! names) must never act on the terminal: an escape sequence could set the title, write the clipboard (OSC 52) or
//! clear the screen; a bidi override could make `evil.com` read as `moc.live`. Every character that is not plain
//! printable text is shown visibly instead, in an escape that says what it was:
//!
//! - C0 controls except newline and tab, DEL, and C1 controls (U+0080–U+009F) as `\x1b`, `\x7f`, `\x9b`;
//!   a carriage return is kept only right before a newline (CRLF line ends), else shown as `\r`;
//! - bidi controls (U+202A–U+202E, U+2066–U+2069), line and paragraph separators (U+2028, U+2029) and every other
//!   invisible format character (Unicode category Cf: zero-width space and joiners, U+FEFF, soft hyphen, tags) as
//!   `\u{202e}`.
//!
//! Piped output is never passed through here: it stays byte-exact.

use std::borrow::Cow;

/// Unicode category Cf (format characters), plus the line and paragraph separators.
const FORMAT: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x2028, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
];

fn is_format(c: char) -> bool {
    let n = c as u32;
    n >= 0xAD && FORMAT.iter().any(|&(lo, hi)| (lo..=hi).contains(&n))
}

/// Whether `c` is shown as an escape rather than as itself (newline and tab excepted: see [`visible`]).
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_format(c)
}

/// The visible form of an unsafe character.
pub fn escape_char(c: char) -> String {
    let n = c as u32;
    if n < 0x20 || (0x7F..=0x9F).contains(&n) {
        match c {
            '\n' => "\\n".into(),
            '\t' => "\\t".into(),
            '\r' => "\\r".into(),
            _ => format!("\\x{n:02x}"),
        }
    } else {
        format!("\\u{{{n:04x}}}")
    }
}

fn sanitize(s: &str, keep_lines: bool) -> Cow<'_, str> {
    let needs = s.chars().any(|c| is_unsafe(c) && !(keep_lines && (c == '\n' || c == '\t')));
    if !needs {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let keep = keep_lines && (c == '\n' || c == '\t' || (c == '\r' && chars.peek() == Some(&'\n')));
        if keep || !is_unsafe(c) {
            out.push(c);
        } else {
            out.push_str(&escape_char(c));
        }
    }
    Cow::Owned(out)
}

/// Multi-line text (a body, an error with a hint): newlines and tabs kept, everything else unsafe escaped.
pub fn visible(s: &str) -> Cow<'_, str> {
    sanitize(s, true)
}

/// One line (a name, a header value, a status line): newlines and tabs escaped too.
pub fn visible_line(s: &str) -> Cow<'_, str> {
    sanitize(s, false)
}

/// Bytes that may not be UTF-8, for a terminal: decoded lossily, then [`visible`].
pub fn visible_bytes(b: &[u8]) -> String {
    visible(&String::from_utf8_lossy(b)).into_owned()
}

/// At most `max` characters of `s` (a value quoted in an error): a 64 KB URL or an 8 MB value is not repeated whole.
pub fn excerpt(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((cut, _)) => Cow::Owned(format!("{}… ({} in all)", &s[..cut], crate::format_size(s.len() as u64))),
    }
}

/// For the last step before a terminal: like [`visible`], but an SGR colour sequence (`ESC [ digits ; m`), which
/// apix's own output uses, passes. Text from outside is run through [`visible`] before it is coloured, so this only
/// matters if a place was missed: at worst a colour changes, nothing else can reach the terminal.
pub fn terminal_guard(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && c != '\n' && c != '\t') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < s.len() {
        let Some(c) = s[i..].chars().next() else { break };
        let len = c.len_utf8();
        if c == '\x1b' {
            if let Some(end) = sgr_end(bytes, i) {
                out.push_str(&s[i..end]);
                i = end;
                continue;
            }
        }
        let keep = c == '\n' || c == '\t' || (c == '\r' && bytes.get(i + 1) == Some(&b'\n'));
        if keep || !is_unsafe(c) {
            out.push(c);
        } else {
            out.push_str(&escape_char(c));
        }
        i += len;
    }
    Cow::Owned(out)
}

/// The end of an SGR sequence `ESC [ [0-9;]* m` starting at `at`.
fn sgr_end(b: &[u8], at: usize) -> Option<usize> {
    if b.get(at + 1) != Some(&b'[') {
        return None;
    }
    let mut j = at + 2;
    while j < b.len() && j - at < 32 {
        match b[j] {
            b'0'..=b'9' | b';' => j += 1,
            b'm' => return Some(j + 1),
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_shown_not_sent() {
        let hostile = "a\x1b]2;pwned\x07b\x1b]52;c;ZXZpbA==\x07\x1b[2J\u{9b}31m\x7f";
        let v = visible(hostile);
        assert!(!v.chars().any(|c| c.is_control()), "{v}");
        assert_eq!(v, "a\\x1b]2;pwned\\x07b\\x1b]52;c;ZXZpbA==\\x07\\x1b[2J\\x9b31m\\x7f");
    }

    #[test]
    fn bidi_separators_and_format_characters() {
        let v = visible("moc.\u{202e}live\u{2066}x\u{2028}y\u{200b}z\u{feff}\u{ad}");
        assert_eq!(v, "moc.\\u{202e}live\\u{2066}x\\u{2028}y\\u{200b}z\\u{feff}\\u{00ad}");
    }

    #[test]
    fn newlines_tabs_and_crlf_are_kept_in_text_but_not_in_a_line() {
        assert_eq!(visible("a\tb\r\nc\rd"), "a\tb\r\nc\\rd");
        assert_eq!(visible_line("a\tb\nc"), "a\\tb\\nc");
        assert!(matches!(visible("plain • text → ok ä 漢字"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_guard_lets_only_colour_through() {
        let s = "\x1b[1;32m200 OK\x1b[0m \x1b]0;title\x07 \x1b[2J";
        assert_eq!(terminal_guard(s), "\x1b[1;32m200 OK\x1b[0m \\x1b]0;title\\x07 \\x1b[2J");
    }
}

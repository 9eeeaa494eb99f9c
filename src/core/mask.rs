//! Finding a secret in text in any of the forms it is written in, so that masking never depends on how a value
//! was serialised.
//!
//! A secret `abc+/ä` may appear raw, percent-encoded in a URL or a form (`abc%2B%2F%C3%A4`, `%2b` in lower-case
//! hex, a space as `%20` or `+`), JSON-escaped by a server (`abc+\/\u00e4`, `\u00E4`), or lower-cased (a host name).
//! Rather than listing every spelling, the matcher reads the text one secret character at a time and accepts each
//! character in any of its encodings; several possible ends are followed at once (a small NFA), so a `%` that is
//! part of the secret and a `%` that starts an escape never confuse each other. Derived forms that are not an
//! encoding of the characters (base64 of `user:pass`) are added as secrets of their own by whoever builds them.

use std::borrow::Cow;

/// What every masked value is replaced with.
pub const MASK: &str = "••••••";

/// Secrets shorter than this are not masked everywhere (a one-letter password would mask every `a`).
pub const MIN_SECRET_LEN: usize = 3;

/// One secret, as characters; matched case-sensitively, plus its lower-case form when that differs.
#[derive(Debug, Clone)]
struct Pattern {
    chars: Vec<char>,
}

/// A set of secrets and the bytes a match of any of them can start with.
#[derive(Debug, Clone, Default)]
pub struct Masker {
    /// Longest first, so that of two overlapping secrets the longer is masked.
    patterns: Vec<Pattern>,
    first: Vec<bool>,
}

impl Masker {
    pub fn new<S: AsRef<str>>(secrets: &[S]) -> Self {
        let mut m = Masker {
            patterns: Vec::new(),
            first: vec![false; 256],
        };
        for s in secrets {
            m.add(s.as_ref());
        }
        m
    }

    /// Adds a secret (ignored when shorter than [`MIN_SECRET_LEN`] or already masked text).
    pub fn add(&mut self, secret: &str) {
        if secret.chars().count() < MIN_SECRET_LEN || secret.contains(MASK) {
            return;
        }
        let lower = secret.to_lowercase();
        for form in [secret.to_string(), lower] {
            let chars: Vec<char> = form.chars().collect();
            if self.patterns.iter().any(|p| p.chars == chars) {
                continue;
            }
            let c = chars[0];
            let mut buf = [0u8; 4];
            self.first[c.encode_utf8(&mut buf).as_bytes()[0] as usize] = true;
            self.first[b'%' as usize] = true;
            self.first[b'\\' as usize] = true;
            if c == ' ' {
                self.first[b'+' as usize] = true;
            }
            self.patterns.push(Pattern { chars });
        }
        self.patterns.sort_by_key(|p| std::cmp::Reverse(p.chars.len()));
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The longest span of text one match can cover (a fully `\uXXXX`-escaped secret is six bytes a character).
    pub fn longest_span(&self) -> usize {
        self.patterns.first().map(|p| p.chars.len() * 12).unwrap_or(0)
    }

    /// The byte ranges of every match in `text`, in order, not overlapping.
    pub fn find_all(&self, text: &[u8]) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        if self.patterns.is_empty() {
            return out;
        }
        let mut i = 0;
        while i < text.len() {
            if !self.first[text[i] as usize] {
                i += 1;
                continue;
            }
            match self.longest_match_at(text, i) {
                Some(end) => {
                    out.push(i..end);
                    i = end;
                }
                None => i += 1,
            }
        }
        out
    }

    /// The end of the longest match starting at `at`.
    pub fn longest_match_at(&self, text: &[u8], at: usize) -> Option<usize> {
        self.patterns.iter().filter_map(|p| match_pattern(text, at, p)).max()
    }

    /// Whether `text` ends with the beginning of a match (how many bytes of the tail could start one); used when
    /// text arrives in chunks, so that a secret split across two chunks is still found whole.
    pub fn partial_tail(&self, text: &[u8]) -> usize {
        let window = self.longest_span().min(text.len());
        let start = text.len() - window;
        (start..text.len())
            .find(|&i| self.first[text[i] as usize] && self.patterns.iter().any(|p| prefix_matches(&text[i..], p)))
            .map(|i| text.len() - i)
            .unwrap_or(0)
    }

    /// `text` with every match replaced by [`MASK`].
    pub fn mask<'t>(&self, text: &'t str) -> Cow<'t, str> {
        match self.mask_bytes(text.as_bytes()) {
            Cow::Borrowed(_) => Cow::Borrowed(text),
            // Matches start and end on character boundaries (a secret is whole characters, an escape is ASCII).
            Cow::Owned(b) => Cow::Owned(String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())),
        }
    }

    /// Bytes with every match replaced by [`MASK`]; borrowed when nothing matched.
    pub fn mask_bytes<'t>(&self, text: &'t [u8]) -> Cow<'t, [u8]> {
        let found = self.find_all(text);
        if found.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = Vec::with_capacity(text.len());
        let mut last = 0;
        for r in found {
            out.extend_from_slice(&text[last..r.start]);
            out.extend_from_slice(MASK.as_bytes());
            last = r.end;
        }
        out.extend_from_slice(&text[last..]);
        Cow::Owned(out)
    }

    /// Masks a JSON document so that it stays valid JSON with the same structure: a match inside a string becomes
    /// [`MASK`] within that string; a number or literal that holds a secret becomes the string `"••••••"`.
    pub fn mask_json<'t>(&self, text: &'t [u8]) -> Cow<'t, [u8]> {
        let found = self.find_all(text);
        if found.is_empty() {
            return Cow::Borrowed(text);
        }
        let in_string = string_map(text);
        let mut out = Vec::with_capacity(text.len());
        let mut last = 0;
        for r in found {
            if r.start < last {
                continue;
            }
            let inside = in_string[r.start] && in_string[r.end - 1] && !text[r.start..r.end].contains(&b'"');
            if inside {
                out.extend_from_slice(&text[last..r.start]);
                out.extend_from_slice(MASK.as_bytes());
                last = r.end;
            } else if !in_string[r.start] {
                // A bare token (number, literal): replace all of it with a masked string.
                let is_tok = |b: u8| b.is_ascii_alphanumeric() || b"+-.".contains(&b);
                let mut s = r.start;
                while s > last && is_tok(text[s - 1]) {
                    s -= 1;
                }
                let mut e = r.end;
                while e < text.len() && is_tok(text[e]) {
                    e += 1;
                }
                out.extend_from_slice(&text[last..s]);
                out.push(b'"');
                out.extend_from_slice(MASK.as_bytes());
                out.push(b'"');
                last = e;
            } else {
                // Spans a string's end: mask the text as text (the document may stop being JSON, but the secret goes).
                out.extend_from_slice(&text[last..r.start]);
                out.extend_from_slice(MASK.as_bytes());
                last = r.end;
            }
        }
        out.extend_from_slice(&text[last..]);
        Cow::Owned(out)
    }
}

/// For each byte of a JSON text, whether it is inside a string (the quotes themselves count as outside).
fn string_map(text: &[u8]) -> Vec<bool> {
    let mut map = vec![false; text.len()];
    let (mut inside, mut escaped) = (false, false);
    for (i, &b) in text.iter().enumerate() {
        if inside {
            if escaped {
                escaped = false;
                map[i] = true;
            } else if b == b'\\' {
                escaped = true;
                map[i] = true;
            } else if b == b'"' {
                inside = false;
            } else {
                map[i] = true;
            }
        } else if b == b'"' {
            inside = true;
        }
    }
    map
}

fn hex_byte(text: &[u8], at: usize) -> Option<u8> {
    let h = text.get(at..at + 2)?;
    let s = std::str::from_utf8(h).ok()?;
    u8::from_str_radix(s, 16).ok()
}

fn hex_u16(text: &[u8], at: usize) -> Option<u16> {
    let h = text.get(at..at + 4)?;
    if !h.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u16::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()
}

/// Every position after one character `c` read at `at`, in any of its spellings.
fn char_ends(text: &[u8], at: usize, c: char, out: &mut Vec<usize>) {
    let mut buf = [0u8; 4];
    let bytes = c.encode_utf8(&mut buf).as_bytes();
    // UTF-8 bytes, each raw or %XX (either hex case); a space also as `+`.
    let mut positions = vec![at];
    for &b in bytes {
        let mut next = Vec::with_capacity(2);
        for &p in &positions {
            if text.get(p) == Some(&b) {
                next.push(p + 1);
            }
            if text.get(p) == Some(&b'%') && hex_byte(text, p + 1) == Some(b) {
                next.push(p + 3);
            }
            if b == b' ' && text.get(p) == Some(&b'+') {
                next.push(p + 1);
            }
        }
        if next.is_empty() {
            positions.clear();
            break;
        }
        positions = next;
    }
    out.extend(positions);
    // JSON escapes.
    if text.get(at) == Some(&b'\\') {
        let short = match c {
            '"' => Some(b'"'),
            '\\' => Some(b'\\'),
            '/' => Some(b'/'),
            '\n' => Some(b'n'),
            '\r' => Some(b'r'),
            '\t' => Some(b't'),
            '\u{8}' => Some(b'b'),
            '\u{c}' => Some(b'f'),
            _ => None,
        };
        if short.is_some() && text.get(at + 1).copied() == short {
            out.push(at + 2);
        }
        if text.get(at + 1) == Some(&b'u') {
            let mut units = [0u16; 2];
            let units = c.encode_utf16(&mut units);
            let mut p = at;
            let mut ok = true;
            for &u in units.iter() {
                if text.get(p) == Some(&b'\\') && text.get(p + 1) == Some(&b'u') && hex_u16(text, p + 2) == Some(u) {
                    p += 6;
                } else {
                    ok = false;
                    break;
                }
            }
            if ok {
                out.push(p);
            }
        }
    }
}

/// The end of the longest match of `p` at `at`.
fn match_pattern(text: &[u8], at: usize, p: &Pattern) -> Option<usize> {
    let mut positions = vec![at];
    let mut next = Vec::new();
    for &c in &p.chars {
        next.clear();
        for &pos in &positions {
            char_ends(text, pos, c, &mut next);
        }
        if next.is_empty() {
            return None;
        }
        next.sort_unstable();
        next.dedup();
        std::mem::swap(&mut positions, &mut next);
    }
    positions.last().copied()
}

/// Whether `text` (all of it) is the beginning of some spelling of `p`.
fn prefix_matches(text: &[u8], p: &Pattern) -> bool {
    let mut positions = vec![0usize];
    for &c in &p.chars {
        if positions.iter().any(|&pos| pos >= text.len()) {
            return true;
        }
        let mut next = Vec::new();
        for &pos in &positions {
            char_ends(text, pos, c, &mut next);
            // A spelling cut by the end of the text: `%4` or `\u00` at the tail.
            let rest = &text[pos..];
            if (rest.starts_with(b"%") && rest.len() < 3) || (rest.starts_with(b"\\") && rest.len() < 12) {
                return true;
            }
        }
        if next.is_empty() {
            return false;
        }
        positions = next;
    }
    false
}

/// Replaces every secret in `text` with [`MASK`], in any of its spellings.
pub fn mask_secrets(text: &str, secrets: &[String]) -> String {
    Masker::new(secrets).mask(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str, secrets: &[&str]) -> String {
        Masker::new(secrets).mask(text).into_owned()
    }

    #[test]
    fn raw_and_percent_encoded_forms() {
        let s = ["abc+/=x"];
        assert_eq!(masked("k=abc+/=x&y", &s), format!("k={MASK}&y"));
        assert_eq!(masked("k=abc%2B%2F%3Dx&y", &s), format!("k={MASK}&y"));
        assert_eq!(masked("k=abc%2b%2f%3dx&y", &s), format!("k={MASK}&y"));
        // Partly encoded, as a URL path serialiser leaves `+`, `/` and `=` alone.
        assert_eq!(masked("/p/abc+/%3Dx/q", &s), format!("/p/{MASK}/q"));
    }

    #[test]
    fn spaces_as_plus_or_percent_20_and_non_ascii() {
        let s = ["se cret ä"];
        assert_eq!(masked("a=se+cret+%C3%A4", &s), format!("a={MASK}"));
        assert_eq!(masked("a=se%20cret%20%c3%a4", &s), format!("a={MASK}"));
        assert_eq!(masked(r#"{"a":"se cret \u00e4"}"#, &s), format!(r#"{{"a":"{MASK}"}}"#));
        assert_eq!(masked(r#"{"a":"se cret \u00E4"}"#, &s), format!(r#"{{"a":"{MASK}"}}"#));
    }

    #[test]
    fn json_escapes_and_surrogates() {
        assert_eq!(masked(r#""a\/b\"c""#, &[r#"a/b"c"#]), format!(r#""{MASK}""#));
        assert_eq!(masked(r#""x\ud83d\ude00y""#, &["x😀y"]), format!(r#""{MASK}""#));
        assert_eq!(masked(r#""\u0061\u0062\u0063""#, &["abc"]), format!(r#""{MASK}""#));
    }

    #[test]
    fn lower_cased_forms_are_masked_too() {
        assert_eq!(
            masked("https://tenant-secretxyz.example.com/", &["Tenant-SecretXYZ"]),
            format!("https://{MASK}.example.com/")
        );
    }

    #[test]
    fn a_percent_in_the_secret_is_not_confused_with_an_escape() {
        assert_eq!(masked("v=50%41off", &["50%41off"]), format!("v={MASK}"));
        assert_eq!(masked("v=50%2541off", &["50%41off"]), format!("v={MASK}"));
        assert_eq!(masked("v=50Aoff", &["50%41off"]), "v=50Aoff");
    }

    #[test]
    fn short_secrets_and_longest_first() {
        assert_eq!(masked("ab ab", &["ab"]), "ab ab");
        assert_eq!(masked("token=abc123&k=abc", &["abc", "abc123"]), format!("token={MASK}&k={MASK}"));
    }

    #[test]
    fn json_stays_valid() {
        let m = Masker::new(&["s3cret-1", "424242"]);
        let body = br#"{"token":"Bearer s3cret-1","n":424242,"list":[1,4242420]}"#;
        let out = m.mask_json(body);
        let v: serde_json::Value = serde_json::from_slice(&out).expect("still JSON");
        assert_eq!(v["token"], format!("Bearer {MASK}"));
        assert_eq!(v["n"], MASK);
        assert_eq!(v["list"][1], MASK);
    }

    #[test]
    fn partial_tail_sees_a_secret_cut_in_any_spelling() {
        let m = Masker::new(&["CANARY-123"]);
        assert_eq!(m.partial_tail(b"xx CANA"), 4);
        assert_eq!(m.partial_tail(b"xx CANARY%2"), 8);
        assert_eq!(m.partial_tail(b"xx \\u004"), 5);
        assert_eq!(m.partial_tail(b"nothing here"), 0);
    }
}

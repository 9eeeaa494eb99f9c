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
    /// The secret's UTF-8 bytes, for the fast paths (a raw match, an early mismatch).
    raw: Vec<u8>,
    /// Bytes in the first character.
    first_len: usize,
}

/// A set of secrets and the bytes a match of any of them can start with.
#[derive(Debug, Clone)]
pub struct Masker {
    /// Longest first, so that of two overlapping secrets the longer is masked.
    patterns: Vec<Pattern>,
    /// Bytes worth a closer look: the first UTF-8 byte of a secret, `%`, `\`, `+`.
    first: Vec<bool>,
    /// The first UTF-8 byte of each secret, as written raw.
    raw_first: Vec<bool>,
    /// The first two UTF-8 bytes of each secret (index `b0 * 256 + b1`): most raw candidates end here.
    raw_pair: Vec<bool>,
    /// Every byte of every secret: an escape that decodes to none of them cannot be part of a match.
    any_byte: Vec<bool>,
}

impl Default for Masker {
    fn default() -> Self {
        Masker {
            patterns: Vec::new(),
            first: vec![false; 256],
            raw_first: vec![false; 256],
            raw_pair: vec![false; 256 * 256],
            any_byte: vec![false; 256],
        }
    }
}

impl Masker {
    pub fn new<S: AsRef<str>>(secrets: &[S]) -> Self {
        let mut m = Masker::default();
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
            let b = c.encode_utf8(&mut buf).as_bytes()[0] as usize;
            self.first[b] = true;
            self.raw_first[b] = true;
            for &x in form.as_bytes() {
                self.any_byte[x as usize] = true;
            }
            if let Some(&b1) = form.as_bytes().get(1) {
                self.raw_pair[b * 256 + b1 as usize] = true;
            }
            self.first[b'%' as usize] = true;
            self.first[b'\\' as usize] = true;
            if c == ' ' {
                self.first[b'+' as usize] = true;
            }
            self.patterns.push(Pattern {
                raw: form.as_bytes().to_vec(),
                first_len: c.len_utf8(),
                chars,
            });
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
    ///
    /// A match is either the secret written raw, found with a SIMD substring search, or a spelling with at least one
    /// escape in it (`%`, `\\`, `+`): only the positions shortly before an escape are tried one by one. Ordinary
    /// text is therefore skipped at memory speed.
    pub fn find_all(&self, text: &[u8]) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        if self.patterns.is_empty() {
            return out;
        }
        let mut starts: Vec<usize> = Vec::new();
        for p in &self.patterns {
            starts.extend(memchr::memmem::find_iter(text, &p.raw));
        }
        let span = self.longest_span();
        let mut checked = 0;
        for e in memchr::memchr3_iter(b'%', b'\\', b'+', text) {
            if !self.escape_matters(text, e) {
                continue;
            }
            let from = e.saturating_sub(span).max(checked);
            for s in from..=e {
                if self.first[text[s] as usize] && self.worth_trying(text, s) {
                    starts.push(s);
                }
            }
            checked = e + 1;
        }
        starts.sort_unstable();
        starts.dedup();
        let mut pos = 0;
        for s in starts {
            if s < pos {
                continue;
            }
            if let Some(end) = self.longest_match_at(text, s) {
                out.push(s..end);
                pos = end;
            }
        }
        out
    }

    /// Whether the escape at `e` spells a byte that some secret has (else no match can contain it).
    fn escape_matters(&self, text: &[u8], e: usize) -> bool {
        match text[e] {
            b'%' => hex_byte(text, e + 1).is_some_and(|b| self.any_byte[b as usize]),
            b'+' => self.any_byte[b' ' as usize],
            _ => match text.get(e + 1) {
                Some(b'u') => hex_u16(text, e + 2).is_some_and(|u| match char::from_u32(u32::from(u)) {
                    Some(c) => {
                        let mut buf = [0u8; 4];
                        self.any_byte[c.encode_utf8(&mut buf).as_bytes()[0] as usize]
                    }
                    None => true,
                }),
                Some(&x) => {
                    let decoded = match x {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 8,
                        b'f' => 12,
                        other => other,
                    };
                    self.any_byte[decoded as usize]
                }
                None => true,
            },
        }
    }

    fn worth_trying(&self, text: &[u8], i: usize) -> bool {
        let b0 = text[i];
        match text.get(i + 1) {
            // A raw start whose second byte is neither the secret's nor an escape: not worth the full match.
            Some(&b1) if self.raw_first[b0 as usize] && !matches!(b0, b'%' | b'\\' | b'+') => {
                self.raw_pair[b0 as usize * 256 + b1 as usize] || matches!(b1, b'%' | b'\\' | b'+')
            }
            _ => self.could_start(text, i),
        }
    }

    /// A cheap test before the full match: does the character spelled at `at` begin some secret?
    fn could_start(&self, text: &[u8], at: usize) -> bool {
        let b = text[at];
        if self.raw_first[b as usize] {
            return true;
        }
        match b {
            b'%' => hex_byte(text, at + 1).is_some_and(|x| self.raw_first[x as usize]),
            b'+' => self.raw_first[b' ' as usize],
            b'\\' => match text.get(at + 1) {
                Some(b'u') => hex_u16(text, at + 2).is_some_and(|u| {
                    let first = match char::from_u32(u32::from(u)) {
                        Some(c) => {
                            let mut buf = [0u8; 4];
                            c.encode_utf8(&mut buf).as_bytes()[0]
                        }
                        // A high surrogate: the pair encodes a 4-byte character.
                        None => 0xF0,
                    };
                    self.raw_first[first as usize] || (first >= 0xF0 && (0xF0..=0xF4).any(|x| self.raw_first[x]))
                }),
                Some(&e) => {
                    let decoded = match e {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 8,
                        b'f' => 12,
                        other => other,
                    };
                    self.raw_first[decoded as usize]
                }
                None => false,
            },
            _ => false,
        }
    }

    /// The end of the longest match starting at `at`.
    pub fn longest_match_at(&self, text: &[u8], at: usize) -> Option<usize> {
        self.patterns
            .iter()
            .filter_map(|p| {
                if text[at..].starts_with(&p.raw) {
                    return Some(at + p.raw.len());
                }
                // Began raw, and the next byte is neither the secret's next byte nor the start of an escape: no match.
                if text[at..].starts_with(&p.raw[..p.first_len]) {
                    if let (Some(&next), Some(&want)) = (text.get(at + p.first_len), p.raw.get(p.first_len)) {
                        if next != want && !matches!(next, b'%' | b'\\' | b'+') {
                            return None;
                        }
                    }
                }
                match_pattern(text, at, p)
            })
            .max()
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

/// Masks text that arrives in pieces (a body being downloaded), so that a secret split between two pieces is still
/// found whole: what could be the start of a secret is held back until the next piece (or the end) shows. With
/// `json`, matches inside strings are masked within the string and a bare value becomes `"••••••"`, as
/// [`Masker::mask_json`] does.
#[derive(Debug, Clone)]
pub struct StreamMasker {
    masker: Masker,
    json: bool,
    pending: Vec<u8>,
    /// JSON string state at the start of `pending`.
    state: (bool, bool),
}

impl StreamMasker {
    pub fn new(masker: Masker, json: bool) -> Self {
        StreamMasker {
            masker,
            json,
            pending: Vec::new(),
            state: (false, false),
        }
    }

    /// Takes `chunk`; appends to `out` what can be written now.
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        if self.masker.is_empty() {
            out.extend_from_slice(chunk);
            return;
        }
        self.pending.extend_from_slice(chunk);
        let hold = self.masker.longest_span();
        if self.pending.len() > hold {
            let cut = self.pending.len() - hold;
            self.emit(cut, out);
        }
    }

    /// Writes everything that is left.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        let end = self.pending.len();
        self.emit(end, out);
        out.extend_from_slice(&self.pending);
        self.pending.clear();
    }

    /// Like [`StreamMasker::finish`] for text that was cut off: the beginning of a secret at the very end (its rest
    /// never came) is dropped rather than written.
    pub fn finish_cut(&mut self, out: &mut Vec<u8>) {
        let partial = self.masker.partial_tail(&self.pending);
        self.pending.truncate(self.pending.len() - partial);
        self.finish(out);
    }

    /// Masks and writes `pending` up to `cut` (further when a match that starts before it runs past it).
    fn emit(&mut self, cut: usize, out: &mut Vec<u8>) {
        let text = &self.pending;
        let found = self.masker.find_all(text);
        // The string map is needed only to place a match; most pieces have none.
        let inside = if self.json && !found.is_empty() {
            string_map_from(text, self.state)
        } else {
            Vec::new()
        };
        let is_tok = |b: u8| b.is_ascii_alphanumeric() || b"+-.".contains(&b);
        let mut pos = 0;
        for r in found {
            if r.start >= cut {
                break;
            }
            if r.start < pos {
                continue;
            }
            let bare = self.json && !inside[r.start];
            let (mut s, mut e) = (r.start, r.end);
            if bare {
                while s > pos && is_tok(text[s - 1]) {
                    s -= 1;
                }
                while e < text.len() && is_tok(text[e]) {
                    e += 1;
                }
            }
            out.extend_from_slice(&text[pos..s]);
            if bare {
                out.push(b'"');
                out.extend_from_slice(MASK.as_bytes());
                out.push(b'"');
            } else {
                out.extend_from_slice(MASK.as_bytes());
            }
            pos = e;
        }
        let upto = pos.max(cut).min(text.len());
        out.extend_from_slice(&text[pos.min(upto)..upto]);
        if self.json {
            self.state = json_state_after(&text[..upto], self.state);
        }
        self.pending.drain(..upto);
    }
}

/// For each byte of a JSON text, whether it is inside a string (the quotes themselves count as outside).
fn string_map(text: &[u8]) -> Vec<bool> {
    string_map_from(text, (false, false))
}

/// The JSON string state (inside, escaped) after `text`, starting from `state`.
fn json_state_after(text: &[u8], state: (bool, bool)) -> (bool, bool) {
    let (mut inside, mut escaped) = state;
    // Only quotes and backslashes change the state (and a byte right after a backslash): jump between them.
    let mut i = 0;
    if escaped && !text.is_empty() {
        escaped = false;
        i = 1;
    }
    while let Some(off) = memchr::memchr2(b'"', b'\\', &text[i.min(text.len())..]) {
        let at = i + off;
        if text[at] == b'\\' {
            if inside {
                if at + 1 >= text.len() {
                    return (true, true);
                }
                i = at + 2;
            } else {
                i = at + 1;
            }
        } else {
            inside = !inside;
            i = at + 1;
        }
    }
    (inside, escaped)
}

#[cfg(test)]
fn json_state_after_slow(text: &[u8], state: (bool, bool)) -> (bool, bool) {
    let (mut inside, mut escaped) = state;
    for &b in text {
        if inside {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                inside = false;
            }
        } else if b == b'"' {
            inside = true;
        }
    }
    (inside, escaped)
}

fn string_map_from(text: &[u8], state: (bool, bool)) -> Vec<bool> {
    let mut map = vec![false; text.len()];
    let (mut inside, mut escaped) = state;
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

/// A small set of text positions (the NFA's live states); spellings rarely give more than two or three.
#[derive(Clone, Copy)]
struct Positions {
    at: [usize; 16],
    len: usize,
}

impl Positions {
    fn one(p: usize) -> Self {
        let mut at = [0; 16];
        at[0] = p;
        Positions { at, len: 1 }
    }

    fn empty() -> Self {
        Positions { at: [0; 16], len: 0 }
    }

    fn push(&mut self, p: usize) {
        if !self.as_slice().contains(&p) && self.len < self.at.len() {
            self.at[self.len] = p;
            self.len += 1;
        }
    }

    fn as_slice(&self) -> &[usize] {
        &self.at[..self.len]
    }
}

/// Every position after one character `c` read at `at`, in any of its spellings.
fn char_ends(text: &[u8], at: usize, c: char, out: &mut Positions) {
    let mut buf = [0u8; 4];
    let bytes = c.encode_utf8(&mut buf).as_bytes();
    // UTF-8 bytes, each raw or %XX (either hex case); a space also as `+`.
    let mut positions = Positions::one(at);
    for &b in bytes {
        let mut next = Positions::empty();
        for &p in positions.as_slice() {
            let Some(&x) = text.get(p) else { continue };
            if x == b || (x == b'+' && b == b' ') {
                next.push(p + 1);
            }
            if x == b'%' && hex_byte(text, p + 1) == Some(b) {
                next.push(p + 3);
            }
        }
        positions = next;
        if positions.len == 0 {
            break;
        }
    }
    for &p in positions.as_slice() {
        out.push(p);
    }
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
    let mut positions = Positions::one(at);
    for &c in &p.chars {
        let mut next = Positions::empty();
        for &pos in positions.as_slice() {
            char_ends(text, pos, c, &mut next);
        }
        if next.len == 0 {
            return None;
        }
        positions = next;
    }
    positions.as_slice().iter().copied().max()
}

/// Whether `text` (all of it) is the beginning of some spelling of `p`.
fn prefix_matches(text: &[u8], p: &Pattern) -> bool {
    let mut positions = Positions::one(0);
    for &c in &p.chars {
        if positions.as_slice().iter().any(|&pos| pos >= text.len()) {
            return true;
        }
        let mut next = Positions::empty();
        for &pos in positions.as_slice() {
            char_ends(text, pos, c, &mut next);
            // A spelling cut by the end of the text: `%4` or `\u00` at the tail.
            let rest = &text[pos..];
            if (rest.starts_with(b"%") && rest.len() < 3) || (rest.starts_with(b"\\") && rest.len() < 12) {
                return true;
            }
        }
        if next.len == 0 {
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
    fn streamed_in_pieces_of_any_size_masks_the_same_as_whole() {
        let m = Masker::new(&["CANARY-ä-42", "777777"]);
        let body = r#"{"a":"x CANARY-ä-42 y","b":"CANARY-\u00e4-42","n":777777,"c":"CANARY%2D%C3%A4%2D42"}"#.as_bytes();
        let whole = m.mask_json(body).into_owned();
        for piece in [1, 2, 3, 7, 64] {
            let mut sm = StreamMasker::new(m.clone(), true);
            let mut out = Vec::new();
            for c in body.chunks(piece) {
                sm.feed(c, &mut out);
            }
            sm.finish(&mut out);
            assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(&whole), "pieces of {piece}");
        }
        let v: serde_json::Value = serde_json::from_slice(&whole).unwrap();
        assert_eq!(v["n"], MASK);
    }

    #[test]
    fn the_fast_json_state_agrees_with_the_byte_by_byte_one() {
        let text = br#"{"a":"x\"y","b\\":"\\","c":[1,"\u0022"]} "tail\"#;
        for start in [(false, false), (true, false), (true, true)] {
            for cut in 0..=text.len() {
                assert_eq!(
                    json_state_after(&text[..cut], start),
                    json_state_after_slow(&text[..cut], start),
                    "{start:?} {cut}"
                );
            }
        }
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

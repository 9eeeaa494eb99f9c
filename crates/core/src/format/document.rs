//! The display document of a response body: pretty JSON (or decoded text) with a sparse line index, so that any
//! window of lines can be read in O(window) and a jump to line N is instant once indexed.
//!
//! Built in the background from chunks (the first screen is available while the rest is still formatting). Large
//! outputs spill to a temporary file in the cache dir so that a 100 MB body never needs 100 MB of pretty text
//! *and* the body in memory at once.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::json::{JsonSyntaxError, Reindenter};

/// A checkpoint (byte offset of a line start) every this many lines.
pub const LINE_STRIDE: usize = 64;
/// Pretty output past this size moves to a temporary file.
pub const DEFAULT_SPILL_THRESHOLD: usize = 64 << 20;
/// Lines longer than this are cut when read for display (a 50 MB line of text must not stall a frame).
pub const MAX_LINE_CHARS: usize = 4096;

enum Store {
    Mem(Vec<u8>),
    File { file: Mutex<File>, path: PathBuf, len: u64 },
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Store::File { path, .. } = self {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocKind {
    /// Re-indented JSON.
    Json,
    /// Text as received (decoded from its charset); `replaced` invalid sequences were shown as U+FFFD.
    Text { charset: String, replaced: usize },
}

/// A finished (or in-progress) display document.
pub struct Document {
    store: Store,
    /// Offset of line `k * LINE_STRIDE`.
    checkpoints: Vec<u64>,
    /// Number of complete lines plus a final unterminated one if any.
    newlines: usize,
    trailing: bool,
    pub kind: DocKind,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("lines", &self.line_count())
            .field("bytes", &self.len_bytes())
            .field("kind", &self.kind)
            .finish()
    }
}

impl Document {
    fn empty(kind: DocKind) -> Self {
        Document {
            store: Store::Mem(Vec::new()),
            checkpoints: vec![0],
            newlines: 0,
            trailing: false,
            kind,
        }
    }

    pub fn line_count(&self) -> usize {
        self.newlines + usize::from(self.trailing)
    }

    pub fn len_bytes(&self) -> u64 {
        match &self.store {
            Store::Mem(v) => v.len() as u64,
            Store::File { len, .. } => *len,
        }
    }

    /// True when the text lives in a temporary file rather than in memory.
    pub fn is_spilled(&self) -> bool {
        matches!(self.store, Store::File { .. })
    }

    /// Appends text, indexing new lines. `base` is the document length before this append.
    fn index(&mut self, base: u64, text: &[u8]) {
        for (i, b) in text.iter().enumerate() {
            if *b == b'\n' {
                self.newlines += 1;
                if self.newlines.is_multiple_of(LINE_STRIDE) {
                    self.checkpoints.push(base + i as u64 + 1);
                }
            }
        }
        self.trailing = match text.last() {
            Some(b) => *b != b'\n',
            None => self.trailing,
        };
    }

    fn append(&mut self, text: &[u8], spill: &SpillPolicy) -> std::io::Result<()> {
        let base = self.len_bytes();
        self.index(base, text);
        match &mut self.store {
            Store::Mem(v) => {
                v.extend_from_slice(text);
                if v.len() > spill.threshold {
                    if let Some(dir) = &spill.dir {
                        let path = temp_path(dir);
                        crate::fsutil::create_private_dir(dir)?;
                        let mut f = crate::fsutil::create_private_new(&path)?;
                        f.write_all(v)?;
                        let len = v.len() as u64;
                        self.store = Store::File {
                            file: Mutex::new(f),
                            path,
                            len,
                        };
                    }
                }
            }
            Store::File { file, len, .. } => {
                let f = file.get_mut().map_err(|_| std::io::Error::other("document file lock poisoned"))?;
                f.seek(SeekFrom::End(0))?;
                f.write_all(text)?;
                *len += text.len() as u64;
            }
        }
        Ok(())
    }

    /// Reads bytes `[from, from+len)` of the text.
    fn read(&self, from: u64, len: usize) -> Vec<u8> {
        match &self.store {
            Store::Mem(v) => {
                let start = (from as usize).min(v.len());
                let end = start.saturating_add(len).min(v.len());
                v[start..end].to_vec()
            }
            Store::File { file, len: total, .. } => {
                let want = len.min(total.saturating_sub(from) as usize);
                let mut buf = vec![0u8; want];
                let Ok(mut f) = file.lock() else { return Vec::new() };
                if f.seek(SeekFrom::Start(from)).is_err() {
                    return Vec::new();
                }
                let mut got = 0;
                while got < want {
                    match f.read(&mut buf[got..]) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => got += n,
                    }
                }
                buf.truncate(got);
                buf
            }
        }
    }

    /// Lines `start..start+count` (fewer at the end), each cut to [`MAX_LINE_CHARS`] characters.
    pub fn lines(&self, start: usize, count: usize) -> Vec<String> {
        let total = self.line_count();
        if start >= total || count == 0 {
            return Vec::new();
        }
        let count = count.min(total - start);
        let cp = start / LINE_STRIDE;
        let Some(&offset) = self.checkpoints.get(cp) else {
            return Vec::new();
        };
        let mut skip = start - cp * LINE_STRIDE;
        let mut out = Vec::with_capacity(count);
        let mut pos = offset;
        let mut current: Vec<u8> = Vec::new();
        let end = self.len_bytes();
        while pos < end && out.len() < count {
            let chunk = self.read(pos, 64 * 1024);
            if chunk.is_empty() {
                break;
            }
            pos += chunk.len() as u64;
            let mut rest: &[u8] = &chunk;
            while !rest.is_empty() && out.len() < count {
                match rest.iter().position(|b| *b == b'\n') {
                    Some(i) => {
                        if skip > 0 {
                            skip -= 1;
                            current.clear();
                        } else {
                            push_limited(&mut current, &rest[..i]);
                            out.push(finish_line(&mut current));
                        }
                        rest = &rest[i + 1..];
                    }
                    None => {
                        if skip == 0 {
                            push_limited(&mut current, rest);
                        }
                        rest = &[];
                    }
                }
            }
        }
        if out.len() < count && skip == 0 && (!current.is_empty() || self.trailing) {
            out.push(finish_line(&mut current));
        }
        out
    }

    pub fn line(&self, n: usize) -> Option<String> {
        self.lines(n, 1).into_iter().next()
    }

    /// A document of plain text (decoded from its charset).
    pub fn text(body: &[u8], content_type: Option<&str>, spill: &SpillPolicy) -> Document {
        let decoded = super::charset::decode_text(body, content_type);
        let mut doc = Document::empty(DocKind::Text {
            charset: decoded.charset.clone(),
            replaced: decoded.replaced,
        });
        // Appending in pieces lets a large text spill instead of holding two copies.
        for piece in decoded.text.as_bytes().chunks(8 << 20) {
            if doc.append(piece, spill).is_err() {
                break;
            }
        }
        doc
    }
}

fn push_limited(current: &mut Vec<u8>, bytes: &[u8]) {
    // Keep a few bytes beyond the char limit so a cut UTF-8 sequence can still be decoded (lossily).
    let room = (MAX_LINE_CHARS * 4).saturating_sub(current.len());
    current.extend_from_slice(&bytes[..bytes.len().min(room)]);
}

fn finish_line(current: &mut Vec<u8>) -> String {
    let s = String::from_utf8_lossy(current);
    let line = if s.chars().count() > MAX_LINE_CHARS {
        let mut cut: String = s.chars().take(MAX_LINE_CHARS).collect();
        cut.push('…');
        cut
    } else {
        s.trim_end_matches('\r').to_string()
    };
    current.clear();
    line
}

fn temp_path(dir: &Path) -> PathBuf {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    dir.join(format!("apix-doc-{}-{n}.txt", std::process::id()))
}

/// Builds a text document from chunks, decoding the charset as it goes (a byte order mark wins over the declared
/// charset, as browsers do), so that a body of any size is decoded with memory bounded by the spill threshold.
pub struct TextDocumentBuilder {
    decoder: encoding_rs::Decoder,
    doc: Document,
    spill: SpillPolicy,
    out: String,
    replaced: usize,
    failed: bool,
}

impl TextDocumentBuilder {
    pub fn new(content_type: Option<&str>, spill: SpillPolicy) -> Self {
        let declared = content_type
            .and_then(super::charset::content_type_charset)
            .and_then(|label| encoding_rs::Encoding::for_label_no_replacement(label.as_bytes()))
            .unwrap_or(encoding_rs::UTF_8);
        TextDocumentBuilder {
            decoder: declared.new_decoder(),
            doc: Document::empty(DocKind::Text {
                charset: declared.name().to_string(),
                replaced: 0,
            }),
            spill,
            out: String::new(),
            replaced: 0,
            failed: false,
        }
    }

    fn decode(&mut self, mut src: &[u8], last: bool) {
        use encoding_rs::DecoderResult;
        loop {
            self.out.clear();
            let room = self
                .decoder
                .max_utf8_buffer_length_without_replacement(src.len())
                .unwrap_or(src.len())
                .clamp(16, 1 << 20);
            self.out.reserve(room);
            let (result, read) = self.decoder.decode_to_string_without_replacement(src, &mut self.out, last);
            src = src.get(read..).unwrap_or_default();
            if let DecoderResult::Malformed(_, _) = result {
                self.replaced += 1;
                self.out.push('\u{FFFD}');
            }
            if !self.failed && self.doc.append(self.out.as_bytes(), &self.spill).is_err() {
                self.failed = true;
            }
            if matches!(result, DecoderResult::InputEmpty) {
                break;
            }
        }
    }

    /// Decodes and stores the next chunk.
    pub fn feed(&mut self, chunk: &[u8]) {
        for piece in chunk.chunks(1 << 20) {
            self.decode(piece, false);
        }
    }

    pub fn finish(mut self) -> Document {
        self.decode(&[], true);
        let charset = self.decoder.encoding().name().to_string();
        self.doc.kind = DocKind::Text {
            charset,
            replaced: self.replaced,
        };
        self.doc
    }
}

/// Where and when pretty output moves to a temporary file.
#[derive(Debug, Clone)]
pub struct SpillPolicy {
    pub threshold: usize,
    /// `None` keeps everything in memory.
    pub dir: Option<PathBuf>,
}

impl Default for SpillPolicy {
    fn default() -> Self {
        SpillPolicy {
            threshold: DEFAULT_SPILL_THRESHOLD,
            dir: Some(crate::paths::cache_dir().join("bodies")),
        }
    }
}

impl SpillPolicy {
    pub fn in_memory() -> Self {
        SpillPolicy {
            threshold: usize::MAX,
            dir: None,
        }
    }
}

/// Builds a JSON document from chunks as they arrive. `lines` can be read at any time (the first screen appears
/// while the rest of the body is still downloading or formatting).
pub struct JsonDocumentBuilder {
    reindenter: Option<Reindenter>,
    doc: Document,
    out: Vec<u8>,
    spill: SpillPolicy,
    consumed: u64,
}

impl JsonDocumentBuilder {
    pub fn new(spill: SpillPolicy) -> Self {
        JsonDocumentBuilder {
            reindenter: Some(Reindenter::new(2)),
            doc: Document::empty(DocKind::Json),
            out: Vec::with_capacity(1 << 16),
            spill,
            consumed: 0,
        }
    }

    /// Feeds the next chunk of the body. On a syntax error the builder stops; show the body as text instead.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), JsonSyntaxError> {
        let Some(r) = self.reindenter.as_mut() else { return Ok(()) };
        // Small slices keep the first screen quick and the pending buffer small.
        for piece in chunk.chunks(1 << 20) {
            self.out.clear();
            r.feed(piece, &mut self.out)?;
            self.consumed += piece.len() as u64;
            if let Err(e) = self.doc.append(&self.out, &self.spill) {
                return Err(JsonSyntaxError {
                    offset: self.consumed,
                    line: 0,
                    column: 0,
                    message: format!("could not store the formatted body: {e}"),
                });
            }
        }
        Ok(())
    }

    /// Bytes of input consumed so far (for a progress percentage).
    pub fn consumed(&self) -> u64 {
        self.consumed
    }

    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// Completes the document; an incomplete JSON document is an error.
    pub fn finish(mut self) -> Result<Document, JsonSyntaxError> {
        if let Some(r) = self.reindenter.take() {
            self.out.clear();
            r.finish(&mut self.out)?;
            let out = std::mem::take(&mut self.out);
            let _ = self.doc.append(&out, &self.spill);
        }
        Ok(self.doc)
    }
}

/// Formats a whole JSON body (convenience for tests and small bodies).
pub fn json_document(body: &[u8], spill: &SpillPolicy) -> Result<Document, JsonSyntaxError> {
    let mut b = JsonDocumentBuilder::new(spill.clone());
    b.feed(body)?;
    b.finish()
}

/// The first `lines` lines of a JSON body, re-indenting only as much of its head as needed. Errors past the head
/// do not matter here: the full document is checked in the background.
pub fn json_first_screen(body: &[u8], lines: usize) -> Vec<String> {
    let mut r = Reindenter::new(2);
    let mut out = Vec::new();
    let mut newlines = 0;
    for piece in body.chunks(16 * 1024) {
        let before = out.len();
        if r.feed(piece, &mut out).is_err() {
            break;
        }
        newlines += out[before..].iter().filter(|b| **b == b'\n').count();
        if newlines > lines {
            break;
        }
    }
    String::from_utf8_lossy(&out).lines().take(lines).map(|l| l.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: usize) -> Vec<u8> {
        let items: Vec<String> = (0..n)
            .map(|i| format!("{{\"id\":{i},\"name\":\"item {i}\",\"tags\":[\"a\",\"b\"]}}"))
            .collect();
        format!("{{\"items\":[{}]}}", items.join(",")).into_bytes()
    }

    #[test]
    fn lines_match_serde_pretty_at_any_window() {
        let body = sample(500);
        let expected_text = serde_json::to_string_pretty(&serde_json::from_slice::<serde_json::Value>(&body).unwrap()).unwrap();
        let expected: Vec<&str> = expected_text.lines().collect();
        let doc = json_document(&body, &SpillPolicy::in_memory()).unwrap();
        assert_eq!(doc.line_count(), expected.len());
        for start in [0, 1, 63, 64, 65, 1000, expected.len() - 3] {
            assert_eq!(
                doc.lines(start, 10),
                expected[start..(start + 10).min(expected.len())],
                "window at {start}"
            );
        }
        assert!(doc.lines(expected.len(), 5).is_empty());
    }

    #[test]
    fn spilled_document_reads_the_same_and_cleans_up() {
        let body = sample(3000);
        let dir = tempfile::tempdir().unwrap();
        let mem = json_document(&body, &SpillPolicy::in_memory()).unwrap();
        let spilled = json_document(
            &body,
            &SpillPolicy {
                threshold: 10_000,
                dir: Some(dir.path().to_path_buf()),
            },
        )
        .unwrap();
        assert!(spilled.is_spilled());
        assert_eq!(spilled.line_count(), mem.line_count());
        for start in [0, 100, 5000, mem.line_count() - 1] {
            assert_eq!(spilled.lines(start, 40), mem.lines(start, 40));
        }
        drop(spilled);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "temp file removed");
    }

    #[test]
    fn chunked_feeding_shows_lines_early_and_errors_at_the_end() {
        let body = sample(200);
        let mut b = JsonDocumentBuilder::new(SpillPolicy::in_memory());
        b.feed(&body[..200]).unwrap();
        assert!(b.document().line_count() > 3, "first lines available before the body is complete");
        b.feed(&body[200..]).unwrap();
        assert!(b.finish().is_ok());
        let mut b = JsonDocumentBuilder::new(SpillPolicy::in_memory());
        b.feed(&body[..body.len() - 1]).unwrap();
        assert!(b.finish().is_err(), "incomplete document");
        assert!(json_document(b"{\"a\": tru }", &SpillPolicy::in_memory()).is_err());
    }

    #[test]
    fn first_screen_from_the_head_only() {
        let mut body = sample(100_000);
        body.truncate(body.len() / 2); // the rest has not arrived
        let lines = json_first_screen(&body, 40);
        assert_eq!(lines.len(), 40);
        assert_eq!(lines[0], "{");
        assert_eq!(lines[1], "  \"items\": [");
    }

    #[test]
    fn text_documents_cut_huge_lines_and_keep_charset_notes() {
        let mut body = vec![b'x'; 100_000];
        body.extend_from_slice(b"\nsecond\xff line\n");
        let doc = Document::text(&body, Some("text/plain; charset=utf-8"), &SpillPolicy::in_memory());
        assert_eq!(doc.line_count(), 2);
        let first = doc.line(0).unwrap();
        assert_eq!(first.chars().count(), MAX_LINE_CHARS + 1);
        assert!(first.ends_with('…'));
        assert_eq!(doc.line(1).unwrap(), "second\u{FFFD} line");
        assert_eq!(
            doc.kind,
            DocKind::Text {
                charset: "UTF-8".into(),
                replaced: 1
            }
        );
    }
}

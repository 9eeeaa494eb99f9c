//! Response bodies for the viewer, never held as one big string and never parsed into a `serde_json::Value`.
//!
//! A [`LiveDoc`] is the core's line-indexed [`Document`] shared between the job that builds it and the viewer. A JSON
//! body is re-indented chunk by chunk *while it downloads* (the send task feeds every chunk), so the first screen is
//! readable during the transfer and the whole document is indexed a moment after the last byte. Other text (and JSON
//! that turned out invalid) is decoded in `spawn_blocking` once complete. Binary bodies and images become a summary
//! and a hex view read straight from the body (or its spill file). The viewer only ever reads the visible window.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::core::format::document::{DocKind, Document, JsonDocumentBuilder, SpillPolicy, TextDocumentBuilder, DEFAULT_SPILL_THRESHOLD};
use crate::core::format::{image_info, sniff, BodyKind, JsonSyntaxError};
use crate::core::http::ResponseRecord;

/// How much memory a response may take before it goes to a temporary file (`[limits]` in `config.toml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub memory_cap: u64,
    pub spill_dir: PathBuf,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_cap: crate::core::http::SendOptions::default().spill_above,
            spill_dir: crate::core::paths::cache_dir().join("bodies"),
        }
    }
}

impl Limits {
    pub fn from_config(config: &crate::tui::config::Config) -> Limits {
        let mut limits = Limits::default();
        if let Some(cap) = config.memory_cap {
            limits.memory_cap = cap;
        }
        if let Some(dir) = &config.spill_dir {
            limits.spill_dir = dir.clone();
        }
        limits
    }

    /// Where the formatted text goes: memory up to the smaller of the cap and 64 MB, then a temporary file.
    pub fn doc_spill(&self) -> SpillPolicy {
        SpillPolicy {
            threshold: (self.memory_cap as usize).min(DEFAULT_SPILL_THRESHOLD),
            dir: Some(self.spill_dir.clone()),
        }
    }

    /// The spill policy for a body of `expected` bytes (Content-Length) formatted while it downloads. Moving text to
    /// the file happens under the lock the viewer reads through, and writing 64 MB at once stalls a frame by
    /// ~100 ms; so a body whose pretty text (up to ~3× a minified body) will not fit goes to the file from its first
    /// megabyte, and one of unknown size spills at 16 MB at the latest.
    pub fn doc_spill_for(&self, expected: Option<u64>) -> SpillPolicy {
        let mut policy = self.doc_spill();
        match expected {
            Some(n) if n.saturating_mul(3) > policy.threshold as u64 => policy.threshold = policy.threshold.min(EARLY_SPILL),
            Some(_) => {}
            None => policy.threshold = policy.threshold.min(UNKNOWN_SIZE_SPILL),
        }
        policy
    }
}

const EARLY_SPILL: usize = 1 << 20;
const UNKNOWN_SIZE_SPILL: usize = 16 << 20;

/// Feeding the builder in pieces this size keeps the lock the viewer waits on short (well under a millisecond).
const FEED_PIECE: usize = 64 * 1024;

enum Stage {
    /// Nothing seen yet (or only whitespace).
    Empty,
    /// The body started like JSON: re-indenting as it arrives.
    Building(Box<JsonDocumentBuilder>),
    /// Not JSON from its first byte: formatted once complete.
    NotJson,
    /// Invalid JSON: shown as text once complete, with this position.
    Broken(JsonSyntaxError),
    Ready(Document),
}

struct Inner {
    stage: Stage,
    kind: BodyKind,
    note: Option<String>,
}

/// A document being built (or built), readable at any time.
pub struct LiveDoc {
    inner: Mutex<Inner>,
    consumed: AtomicU64,
    /// Expected input bytes (0: unknown), for "formatting: 61%".
    total: AtomicU64,
    done: AtomicBool,
    /// Bumped when the content is replaced (not when it grows): caches of highlighted lines compare it.
    generation: AtomicU64,
}

impl std::fmt::Debug for LiveDoc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveDoc")
            .field("lines", &self.line_count())
            .field("done", &self.is_done())
            .finish()
    }
}

impl LiveDoc {
    pub fn new() -> Arc<LiveDoc> {
        Arc::new(LiveDoc {
            inner: Mutex::new(Inner {
                stage: Stage::Empty,
                kind: BodyKind::Json,
                note: None,
            }),
            consumed: AtomicU64::new(0),
            total: AtomicU64::new(0),
            done: AtomicBool::new(false),
            generation: AtomicU64::new(0),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves a document that is at worst incomplete: keep showing it.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The next chunk of the body as it arrives. JSON is re-indented at once; anything else waits for the end.
    pub fn feed(&self, chunk: &[u8], spill: &SpillPolicy) {
        for piece in chunk.chunks(FEED_PIECE) {
            let mut inner = self.lock();
            if matches!(inner.stage, Stage::Empty) {
                match piece.iter().find(|b| !b.is_ascii_whitespace()) {
                    Some(b'{' | b'[') => inner.stage = Stage::Building(Box::new(JsonDocumentBuilder::new(spill.clone()))),
                    Some(_) => inner.stage = Stage::NotJson,
                    None => {}
                }
            }
            if let Stage::Building(b) = &mut inner.stage {
                if let Err(e) = b.feed(piece) {
                    inner.stage = Stage::Broken(e);
                }
            }
            drop(inner);
            self.consumed.fetch_add(piece.len() as u64, Ordering::Relaxed);
        }
    }

    /// The body is complete: a JSON document being built is finished (cheap: the rest was done while downloading).
    /// Returns true when a valid JSON document is ready.
    pub fn finish_json(&self) -> bool {
        let mut inner = self.lock();
        match std::mem::replace(&mut inner.stage, Stage::Empty) {
            Stage::Building(b) => match b.finish() {
                Ok(doc) => {
                    inner.stage = Stage::Ready(doc);
                    true
                }
                Err(e) => {
                    inner.stage = Stage::Broken(e);
                    false
                }
            },
            other => {
                let ready = matches!(other, Stage::Ready(_));
                inner.stage = other;
                ready
            }
        }
    }

    /// Why the body is not shown as JSON, if it started like JSON and broke.
    fn syntax_error(&self) -> Option<JsonSyntaxError> {
        match &self.lock().stage {
            Stage::Broken(e) => Some(e.clone()),
            _ => None,
        }
    }

    /// Replaces the content with a finished document.
    fn set_ready(&self, doc: Document, kind: BodyKind, note: Option<String>) {
        let mut inner = self.lock();
        inner.stage = Stage::Ready(doc);
        inner.kind = kind;
        inner.note = note;
        drop(inner);
        self.generation.fetch_add(1, Ordering::Relaxed);
        self.done.store(true, Ordering::Release);
    }

    fn mark_done(&self, kind: BodyKind) {
        self.lock().kind = kind;
        self.done.store(true, Ordering::Release);
    }

    /// Starts a background re-format of the content (a text fallback): the old lines stay until it is ready.
    fn begin_reformat(&self, total: u64) {
        self.done.store(false, Ordering::Release);
        self.consumed.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }

    pub fn is_done(&self) -> bool {
        self.done.load(Ordering::Acquire)
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Relaxed)
    }

    /// Share of the input formatted so far, when the size is known.
    pub fn percent(&self) -> Option<u8> {
        let total = self.total.load(Ordering::Relaxed);
        (total > 0).then(|| (self.consumed.load(Ordering::Relaxed).saturating_mul(100) / total).min(100) as u8)
    }

    pub fn kind(&self) -> BodyKind {
        self.lock().kind.clone()
    }

    /// Something to say above the body ("Not valid JSON at line 3, column 14 …", "2 invalid byte sequences …").
    pub fn note(&self) -> Option<String> {
        self.lock().note.clone()
    }

    fn with_doc<R>(&self, f: impl FnOnce(&Document) -> R) -> Option<R> {
        let inner = self.lock();
        match &inner.stage {
            Stage::Building(b) => Some(f(b.document())),
            Stage::Ready(d) => Some(f(d)),
            _ => None,
        }
    }

    pub fn line_count(&self) -> usize {
        self.with_doc(Document::line_count).unwrap_or(0)
    }

    /// Lines `start..start + count` (fewer at the end; long lines cut for display).
    pub fn lines(&self, start: usize, count: usize) -> Vec<String> {
        self.with_doc(|d| d.lines(start, count)).unwrap_or_default()
    }

    pub fn is_spilled(&self) -> bool {
        self.with_doc(Document::is_spilled).unwrap_or(false)
    }
}

/// What the Body tab shows.
#[derive(Debug, Clone)]
pub enum BodyDoc {
    Empty,
    Text(Arc<LiveDoc>),
    /// Binary data and images: a summary line and a hex dump read from the body (or its spill file).
    Hex {
        kind: BodyKind,
    },
}

impl BodyDoc {
    pub fn is_pending(&self) -> bool {
        matches!(self, BodyDoc::Text(d) if !d.is_done())
    }
}

/// What to do once a body is complete: either it is ready (JSON built while downloading, binary, empty), or a
/// text document must be prepared from the whole body by [`format_text`].
pub fn classify(record: &ResponseRecord, live: &Arc<LiveDoc>) -> (BodyDoc, bool) {
    if record.decoded_size == 0 && record.body.is_empty() {
        live.mark_done(BodyKind::Text);
        return (BodyDoc::Empty, false);
    }
    let kind = match sniff(record.content_type.as_deref(), &record.body) {
        BodyKind::Image(info) if info.width.is_none() => BodyKind::Image(image_info(&record.body).unwrap_or(info)),
        other => other,
    };
    if !kind.is_text() {
        return (BodyDoc::Hex { kind }, false);
    }
    if kind == BodyKind::Json && live.finish_json() {
        live.mark_done(BodyKind::Json);
        return (BodyDoc::Text(live.clone()), false);
    }
    live.begin_reformat(record.decoded_size);
    (BodyDoc::Text(live.clone()), true)
}

/// The text document of a complete body that was not built while it arrived: JSON re-indented (invalid JSON as
/// text, saying where it broke), other text decoded with its charset. Meant for `spawn_blocking`.
/// The body is read in pieces from memory or its spill file, so memory stays bounded by the spill threshold
/// whatever the body's size (a gzip bomb that decodes to 1 GiB is decoded and indexed a megabyte at a time).
pub fn format_text(record: &ResponseRecord, live: &LiveDoc, spill: &SpillPolicy) {
    let kind = sniff(record.content_type.as_deref(), &record.body);
    let mut error = live.syntax_error();
    let unreadable = |e: std::io::Error| {
        let doc = Document::text(&record.body, record.content_type.as_deref(), spill);
        let note = format!("Could not read the whole body back from its temporary file ({e}); showing its start.");
        live.set_ready(doc, BodyKind::Text, Some(note));
    };
    if kind == BodyKind::Json && error.is_none() {
        let mut b = JsonDocumentBuilder::new(spill.clone());
        let mut reader = match record.body_reader() {
            Ok(r) => r,
            Err(e) => return unreadable(e),
        };
        let mut buf = vec![0u8; 1 << 20];
        let complete = loop {
            match std::io::Read::read(&mut reader, &mut buf) {
                Ok(0) => break true,
                Ok(n) => {
                    if let Err(e) = b.feed(&buf[..n]) {
                        error = Some(e);
                        break false;
                    }
                    live.consumed.fetch_add(n as u64, Ordering::Relaxed);
                }
                Err(e) => return unreadable(e),
            }
        };
        if complete {
            match b.finish() {
                Ok(doc) => return live.set_ready(doc, BodyKind::Json, None),
                Err(e) => error = Some(e),
            }
        }
    }
    let mut builder = TextDocumentBuilder::new(record.content_type.as_deref(), spill.clone());
    let mut reader = match record.body_reader() {
        Ok(r) => r,
        Err(e) => return unreadable(e),
    };
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match std::io::Read::read(&mut reader, &mut buf) {
            Ok(0) => break,
            Ok(n) => builder.feed(&buf[..n]),
            Err(e) => return unreadable(e),
        }
    }
    let doc = builder.finish();
    let mut notes = Vec::new();
    if let Some(e) = &error {
        notes.push(format!(
            "Not valid JSON at line {}, column {}: {}; shown as text.",
            e.line, e.column, e.message
        ));
    }
    if let DocKind::Text { charset, replaced } = &doc.kind {
        if *replaced > 0 {
            notes.push(format!(
                "{replaced} invalid byte sequence{} replaced with � (decoded as {charset}).",
                if *replaced == 1 { "" } else { "s" }
            ));
        }
    }
    let kind = if kind == BodyKind::Json { BodyKind::Text } else { kind };
    let note = (!notes.is_empty()).then(|| notes.join(" "));
    live.set_ready(doc, kind, note);
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn record(ct: &str, body: &'static [u8]) -> ResponseRecord {
        ResponseRecord {
            status: 200,
            reason: "OK".into(),
            version: "HTTP/1.1".into(),
            headers: Vec::new(),
            body: Bytes::from_static(body),
            spilled: None,
            content_type: Some(ct.into()),
            content_encoding: None,
            wire_size: body.len() as u64,
            decoded_size: body.len() as u64,
            final_url: String::new(),
            redirects: Vec::new(),
            timings: Default::default(),
        }
    }

    fn shown(ct: &str, body: &'static [u8]) -> (BodyDoc, Arc<LiveDoc>) {
        let spill = SpillPolicy::in_memory();
        let live = LiveDoc::new();
        let r = record(ct, body);
        for piece in body.chunks(3) {
            live.feed(piece, &spill);
        }
        let (doc, more) = classify(&r, &live);
        if more {
            format_text(&r, &live, &spill);
        }
        (doc, live)
    }

    #[test]
    fn json_is_reindented_while_fed_and_bad_json_says_where() {
        let (doc, live) = shown("application/json", b"{\"a\":[1,2]}");
        assert!(matches!(doc, BodyDoc::Text(_)) && live.is_done());
        assert_eq!(live.kind(), BodyKind::Json);
        assert_eq!(live.lines(1, 1), vec!["  \"a\": [".to_string()]);
        let (_, live) = shown("application/json", b"{\"a\":\n  nope}");
        assert_eq!(live.kind(), BodyKind::Text);
        assert!(
            live.note().unwrap_or_default().starts_with("Not valid JSON at line 2"),
            "{:?}",
            live.note()
        );
        assert_eq!(live.lines(1, 1), vec!["  nope}".to_string()]);
    }

    #[test]
    fn text_notes_replacements_and_binary_becomes_hex() {
        let (_, live) = shown("text/plain; charset=utf-8", b"caf\xe9 ok\n");
        assert_eq!(live.lines(0, 1), vec!["caf\u{FFFD} ok".to_string()]);
        assert!(live.note().unwrap_or_default().contains("1 invalid byte sequence replaced"));
        let (doc, _) = shown("application/octet-stream", &[0, 1, 2, 0xff, 0xfe]);
        assert!(matches!(doc, BodyDoc::Hex { .. }));
    }
}

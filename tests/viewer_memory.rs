//! Hostile bodies over the memory cap (issue #10): a body that spilled to disk is decoded and indexed for the viewer
//! by streaming from its spill file, so the memory apix allocates stays bounded by the cap, not by the body. Measured
//! with a counting allocator (this test binary's own), on a gzip-bomb-like body of zeros labelled JSON and on a large
//! JSON document with garbage at its very end.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

use apix::core::format::document::SpillPolicy;
use apix::core::http::{ResponseRecord, SpilledBody, Timings};
use apix::tui::app::body::{format_text, LiveDoc};
use bytes::Bytes;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn spilled_record(path: std::path::PathBuf, len: u64, content_type: &str) -> ResponseRecord {
    let head = {
        use std::io::Read;
        let mut f = std::fs::File::open(&path).unwrap();
        let mut b = vec![0u8; 64 * 1024];
        let n = f.read(&mut b).unwrap();
        b.truncate(n);
        b
    };
    ResponseRecord {
        status: 200,
        reason: "OK".into(),
        version: "HTTP/1.1".into(),
        headers: Vec::new(),
        body: Bytes::from(head),
        spilled: Some(SpilledBody::new(path, len)),
        content_type: Some(content_type.into()),
        content_encoding: None,
        wire_size: len,
        decoded_size: len,
        final_url: "http://hostile.test/".into(),
        redirects: Vec::new(),
        timings: Timings::default(),
    }
}

/// Formats `record` for the viewer and returns the peak memory allocated meanwhile, above what was in use before.
fn peak_while_formatting(record: &ResponseRecord, spill: &SpillPolicy) -> (usize, std::sync::Arc<LiveDoc>) {
    let live = LiveDoc::new();
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    format_text(record, &live, spill);
    (PEAK.load(Ordering::Relaxed) - base, live)
}

const CAP: usize = 8 << 20;

#[test]
fn a_body_of_zeros_labelled_json_is_decoded_within_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    // 192 MB of zeros (a sparse file: what a small gzip bomb decodes to), said to be JSON.
    let body = dir.path().join("bomb.bin");
    let len: u64 = 192 << 20;
    std::fs::File::create(&body).unwrap().set_len(len).unwrap();
    let record = spilled_record(body, len, "application/json");
    let spill = SpillPolicy {
        threshold: CAP,
        dir: Some(dir.path().join("docs")),
    };
    let (peak, live) = peak_while_formatting(&record, &spill);
    assert!(
        peak < 4 * CAP,
        "peak {} MB for a {} MB body with an {} MB cap",
        peak >> 20,
        len >> 20,
        CAP >> 20
    );
    let note = live.note().unwrap_or_default();
    assert!(note.contains("Not valid JSON at line 1, column 1"), "{note}");
    assert!(live.is_done());
}

#[test]
fn a_large_json_document_broken_at_its_end_is_shown_within_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("big.json");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&body).unwrap());
    f.write_all(b"[").unwrap();
    let mut len = 1;
    let mut i = 0u64;
    while len < (96 << 20) {
        let item = format!("{{\"id\":{i},\"name\":\"item {i}\",\"tags\":[\"a\",\"b\"]}},");
        f.write_all(item.as_bytes()).unwrap();
        len += item.len();
        i += 1;
    }
    f.write_all(b"{}]\n}garbage{").unwrap();
    len += 13;
    f.flush().unwrap();
    drop(f);
    let record = spilled_record(body, len as u64, "application/json");
    let spill = SpillPolicy {
        threshold: CAP,
        dir: Some(dir.path().join("docs")),
    };
    let (peak, live) = peak_while_formatting(&record, &spill);
    assert!(
        peak < 4 * CAP,
        "peak {} MB for a {} MB body with an {} MB cap",
        peak >> 20,
        len >> 20,
        CAP >> 20
    );
    let note = live.note().unwrap_or_default();
    assert!(note.contains("Not valid JSON at line 2"), "{note}");
    let lines = live.line_count();
    assert_eq!(lines, 2, "shown as the text it is");
}

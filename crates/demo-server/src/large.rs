//! `/large` and `/minified`: a deterministic JSON document of a requested size, streamed chunk by chunk.
//!
//! The document is `{"items":[ITEM, ...],"count":N,"padding":"..."}`. Item `i` has a fixed layout whose
//! length only depends on the number of digits of `i`, so the exact total length (hence
//! `Content-Length`) is computed up front, and `padding` (a string of dots) makes it hit the requested
//! size exactly whenever at least one item fits. Pretty output matches `serde_json::to_string_pretty`
//! byte for byte, minified matches `serde_json::to_string`.

use axum::body::{Body, Bytes};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::problem::{Params, Problem};

/// Largest document served.
pub const LARGE_MAX_SIZE: u64 = 1_000_000_000;
const DEFAULT_SIZE: u64 = 1_000_000;
/// Size of each streamed chunk (the last one may be shorter, the one holding the tail a bit longer).
const CHUNK: usize = 64 * 1024;

/// Item template pieces around the two occurrences of the index (`id` and `name`).
struct Layout {
    head: &'static str,
    item_a: &'static str,
    item_b: &'static str,
    item_c: &'static str,
    sep: &'static str,
    tail_a: &'static str,
    tail_b: &'static str,
    tail_c: &'static str,
}

const MINIFIED: Layout = Layout {
    head: "{\"items\":[",
    item_a: "{\"id\":",
    item_b: ",\"name\":\"item ",
    item_c: "\",\"tags\":[\"a\",\"b\"],\"price\":12.5,\"active\":true,\"nested\":{\"x\":1,\"note\":null,\"text\":\"unicode é ✓ \\\"quoted\\\"\"}}",
    sep: ",",
    tail_a: "],\"count\":",
    tail_b: ",\"padding\":\"",
    tail_c: "\"}",
};

const PRETTY: Layout = Layout {
    head: "{\n  \"items\": [\n",
    item_a: "    {\n      \"id\": ",
    item_b: ",\n      \"name\": \"item ",
    item_c: "\",\n      \"tags\": [\n        \"a\",\n        \"b\"\n      ],\n      \"price\": 12.5,\n      \"active\": true,\n      \"nested\": {\n        \"x\": 1,\n        \"note\": null,\n        \"text\": \"unicode é ✓ \\\"quoted\\\"\"\n      }\n    }",
    sep: ",\n",
    tail_a: "\n  ],\n  \"count\": ",
    tail_b: ",\n  \"padding\": \"",
    tail_c: "\"\n}",
};

fn digits(n: u64) -> u64 {
    n.checked_ilog10().map_or(1, |d| u64::from(d) + 1)
}

/// Sum of `digits(i)` for `i` in `0..n`.
fn digit_sum(n: u64) -> u64 {
    let mut total = 0;
    let mut low = 0u64;
    let mut width = 1;
    let mut high = 10u64;
    while low < n {
        total += (n.min(high) - low) * width;
        low = high;
        high = high.saturating_mul(10);
        width += 1;
    }
    total
}

/// A planned document: how many items and how much padding.
#[derive(Debug, Clone, Copy)]
pub struct LargeDoc {
    pretty: bool,
    items: u64,
    padding: u64,
}

impl LargeDoc {
    fn layout(&self) -> &'static Layout {
        if self.pretty {
            &PRETTY
        } else {
            &MINIFIED
        }
    }

    /// Length without padding for `items` items (at least one).
    fn bare_len(l: &Layout, items: u64) -> u64 {
        let fixed = (l.item_a.len() + l.item_b.len() + l.item_c.len()) as u64;
        let tail = (l.tail_a.len() + l.tail_b.len() + l.tail_c.len()) as u64;
        l.head.len() as u64 + items * fixed + 2 * digit_sum(items) + (items - 1) * l.sep.len() as u64 + tail + digits(items)
    }

    /// The most items that fit in `target` bytes, padded to exactly `target` (one item minimum).
    pub fn plan(target: u64, pretty: bool) -> LargeDoc {
        let l = if pretty { &PRETTY } else { &MINIFIED };
        let (mut lo, mut hi) = (1u64, target.max(1));
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            if Self::bare_len(l, mid) <= target {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        let padding = target.saturating_sub(Self::bare_len(l, lo));
        LargeDoc {
            pretty,
            items: lo,
            padding,
        }
    }

    pub fn items(&self) -> u64 {
        self.items
    }

    /// Exact byte length of the document (never empty).
    pub fn byte_len(&self) -> u64 {
        Self::bare_len(self.layout(), self.items) + self.padding
    }

    /// The document as a lazy sequence of chunks.
    pub fn chunks(self) -> LargeChunks {
        LargeChunks {
            doc: self,
            next_item: 0,
            started: false,
            done: false,
        }
    }
}

pub struct LargeChunks {
    doc: LargeDoc,
    next_item: u64,
    started: bool,
    done: bool,
}

impl Iterator for LargeChunks {
    type Item = Bytes;

    fn next(&mut self) -> Option<Bytes> {
        if self.done {
            return None;
        }
        let l = self.doc.layout();
        let mut buf = String::with_capacity(CHUNK + 1024);
        if !self.started {
            buf.push_str(l.head);
            self.started = true;
        }
        let mut num = itoa_buf::Buf::default();
        while buf.len() < CHUNK && self.next_item < self.doc.items {
            let i = self.next_item;
            if i > 0 {
                buf.push_str(l.sep);
            }
            let n = num.format(i);
            buf.push_str(l.item_a);
            buf.push_str(n);
            buf.push_str(l.item_b);
            buf.push_str(n);
            buf.push_str(l.item_c);
            self.next_item += 1;
        }
        if self.next_item == self.doc.items {
            buf.push_str(l.tail_a);
            buf.push_str(num.format(self.doc.items));
            buf.push_str(l.tail_b);
            // Padding is at most about one item long, so this stays small.
            buf.extend(std::iter::repeat_n('.', self.doc.padding as usize));
            buf.push_str(l.tail_c);
            self.done = true;
        }
        Some(Bytes::from(buf))
    }
}

/// Tiny integer formatter (avoids `format!` allocation per item on the hot path).
mod itoa_buf {
    #[derive(Default)]
    pub struct Buf([u8; 20]);

    impl Buf {
        pub fn format(&mut self, mut n: u64) -> &str {
            let mut pos = self.0.len();
            loop {
                pos -= 1;
                self.0[pos] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            // Only ASCII digits were written.
            std::str::from_utf8(&self.0[pos..]).unwrap_or("0")
        }
    }
}

/// Respond with the streamed document for `size` (default 1MB) and `shape` (`pretty` unless `minified`).
fn respond(params: &Params, default_pretty: bool) -> Result<Response, Problem> {
    let size = params.size("size", DEFAULT_SIZE)?.min(LARGE_MAX_SIZE);
    let pretty = match params.get("shape") {
        None | Some("") => default_pretty,
        Some("pretty") => true,
        Some("minified") | Some("minify") | Some("compact") => false,
        Some(other) => {
            return Err(Problem::bad_request(format!(
                "query parameter `shape` must be `pretty` or `minified`, got `{other}`"
            )))
        }
    };
    let doc = LargeDoc::plan(size, pretty);
    // `tail=garbage`: bytes after the document, so that it turns out invalid only at its very end.
    let tail: &'static [u8] = if params.get("tail") == Some("garbage") {
        b"\n}garbage{"
    } else {
        b""
    };
    let stream = futures_util::stream::iter(
        doc.chunks()
            .chain((!tail.is_empty()).then(|| Bytes::from_static(tail)))
            .map(Ok::<_, std::io::Error>),
    );
    let mut response = (StatusCode::OK, Body::from_stream(stream)).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(doc.byte_len() + tail.len() as u64));
    headers.insert("x-item-count", HeaderValue::from(doc.items()));
    Ok(response)
}

/// `GET /large?size=SIZE&shape=pretty|minified&tail=garbage` (pretty by default).
pub async fn large(params: Params) -> Result<Response, Problem> {
    respond(&params, true)
}

/// `GET /minified?size=SIZE`: `/large` with `shape=minified` by default.
pub async fn minified(params: Params) -> Result<Response, Problem> {
    respond(&params, false)
}

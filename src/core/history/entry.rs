//! What one history entry holds, and how a finished send becomes one (redacted, capped, compressed).

use std::io::Read;
use std::ops::Deref;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::identity::RequestRef;
use super::redact::Redactor;
use crate::core::collection::RequestDef;
use crate::core::http::prepare::{PartData, PreparedPart};
use crate::core::http::{Exchange, HttpError, Prepared, PreparedBody};

/// A body as stored: possibly cut at the size cap, with its full size remembered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredBody {
    pub bytes: Vec<u8>,
    /// The size before the cap.
    pub size: u64,
    pub truncated: bool,
}

impl StoredBody {
    /// Cuts `bytes` at `cap`.
    pub fn capped(mut bytes: Vec<u8>, size: u64, cap: u64) -> Self {
        let cap = usize::try_from(cap).unwrap_or(usize::MAX);
        let truncated = bytes.len() > cap || size > bytes.len() as u64;
        bytes.truncate(cap);
        StoredBody { bytes, size, truncated }
    }
}

/// The request as sent, redacted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// "none", "bytes", "multipart" or "file".
    pub body_kind: String,
    /// For multipart, a text outline of the parts; for a file body, nothing (the file is named in `body_note`).
    pub body: Option<StoredBody>,
    pub body_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredResponse {
    pub status: u16,
    pub reason: String,
    pub version: String,
    pub headers: Vec<(String, String)>,
    pub body: StoredBody,
    pub content_type: Option<String>,
    pub content_encoding: Option<String>,
    pub wire_size: u64,
    pub final_url: String,
    /// (status, from, to), redacted.
    pub redirects: Vec<(u16, String, String)>,
}

/// Timings in microseconds.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub struct StoredTimings {
    pub dns_us: Option<u64>,
    pub connect_us: Option<u64>,
    pub tls_us: Option<u64>,
    pub ttfb_us: u64,
    pub download_us: u64,
    pub total_us: u64,
    #[serde(default)]
    pub notes: Vec<String>,
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// Where an entry came from.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Source {
    /// Collection root, absolute; None for ad hoc requests.
    pub collection: Option<String>,
    /// Request file relative to the collection root.
    pub request_path: Option<String>,
    pub fingerprint: Option<String>,
    pub request_name: Option<String>,
    pub environment: Option<String>,
}

/// An entry before it is stored. Everything in it is already redacted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewEntry {
    /// Unix time in milliseconds.
    pub created_ms: i64,
    pub source: Source,
    pub request: StoredRequest,
    /// None when the send failed before a response arrived.
    pub response: Option<StoredResponse>,
    /// The failure, in plain words, when the send failed.
    pub error: Option<String>,
    pub timings: StoredTimings,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub entry: NewEntry,
}

impl Deref for Entry {
    type Target = NewEntry;
    fn deref(&self) -> &NewEntry {
        &self.entry
    }
}

/// One line of a history list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub id: i64,
    pub created_ms: i64,
    pub method: String,
    pub url: String,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub total_us: u64,
    pub response_size: Option<u64>,
    pub collection: Option<String>,
    pub request_path: Option<String>,
    pub request_name: Option<String>,
    pub environment: Option<String>,
}

/// What the caller knows about a send beyond the prepared request.
#[derive(Debug, Clone, Copy, Default)]
pub struct RecordContext<'a> {
    /// The collection root, for requests from a collection.
    pub collection_root: Option<&'a Path>,
    /// The request definition the send came from (None for ad hoc requests).
    pub request: Option<&'a RequestDef>,
    pub environment: Option<&'a str>,
    /// Bodies are cut at this size; 0 means the default.
    pub max_body_size: u64,
}

pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Masks a body and cuts it at `cap`. Masking runs over a little more than the cap so that a secret straddling
/// the cut is masked whole before the cut; a secret cut off by the window itself can only leave its beginning at
/// the very end, and that is dropped too.
fn redact_capped(r: &Redactor, body: &[u8], size: u64, cap: u64) -> StoredBody {
    let window = usize::try_from(cap)
        .unwrap_or(usize::MAX)
        .saturating_add(r.longest())
        .min(body.len());
    let mut stored = StoredBody::capped(r.bytes(&body[..window]), size.max(body.len() as u64), cap);
    if stored.truncated {
        let keep = stored.bytes.len() - r.partial_tail(&stored.bytes);
        stored.bytes.truncate(keep);
    }
    stored
}

impl NewEntry {
    /// Builds a redacted entry from a finished send. `outcome` is the exchange or the failure.
    pub fn from_send(prepared: &Prepared, outcome: Result<&Exchange, &HttpError>, ctx: &RecordContext) -> NewEntry {
        let cap = if ctx.max_body_size == 0 {
            super::DEFAULT_MAX_BODY_SIZE
        } else {
            ctx.max_body_size
        };
        let mut r = Redactor::new(&prepared.secrets);
        r.learn_url(prepared.url.as_str());
        r.learn_headers(&prepared.headers);
        let raw_request_body: Option<Vec<u8>> = match &prepared.body {
            PreparedBody::Empty | PreparedBody::File(_) => None,
            PreparedBody::Bytes(b) => Some(b.clone()),
            PreparedBody::Multipart(parts) => Some(multipart_outline(parts).into_bytes()),
        };
        match (&raw_request_body, &prepared.body) {
            (Some(b), PreparedBody::Bytes(_)) => r.learn_body(b),
            (_, PreparedBody::Multipart(parts)) => {
                for p in parts {
                    if let PartData::Text(t) = &p.data {
                        r.learn_named(&p.name, t);
                    }
                }
            }
            _ => {}
        }
        if let Ok(x) = outcome {
            r.learn_headers(&x.response.headers);
            if x.response.body.len() as u64 <= cap {
                r.learn_body(&x.response.body);
            }
        }
        r.seal();

        let request = StoredRequest {
            method: prepared.method.clone(),
            url: r.url(prepared.url.as_str()),
            headers: r.headers(match outcome {
                Ok(x) => &x.request.headers,
                Err(_) => &prepared.headers,
            }),
            body_kind: match &prepared.body {
                PreparedBody::Empty => "none",
                PreparedBody::Bytes(_) => "bytes",
                PreparedBody::Multipart(_) => "multipart",
                PreparedBody::File(_) => "file",
            }
            .to_string(),
            body: raw_request_body.map(|b| redact_capped(&r, &b, b.len() as u64, cap)),
            body_note: match &prepared.body {
                PreparedBody::File(p) => Some(format!("body sent from file {}", r.text(&p.display().to_string()))),
                _ => None,
            },
        };
        let (response, error, timings) = match outcome {
            Ok(x) => {
                let resp = &x.response;
                let t = &resp.timings;
                let timings = StoredTimings {
                    dns_us: t.dns.map(micros),
                    connect_us: t.connect.map(micros),
                    tls_us: t.tls.map(micros),
                    ttfb_us: micros(t.ttfb),
                    download_us: micros(t.download),
                    total_us: micros(t.total),
                    notes: t.notes.clone(),
                };
                let stored = StoredResponse {
                    status: resp.status,
                    reason: resp.reason.clone(),
                    version: resp.version.clone(),
                    headers: r.headers(&resp.headers),
                    body: redact_capped(&r, &resp.body, resp.decoded_size, cap),
                    content_type: resp.content_type.as_deref().map(|c| r.text(c)),
                    content_encoding: resp.content_encoding.clone(),
                    wire_size: resp.wire_size,
                    final_url: r.url(&resp.final_url),
                    redirects: resp.redirects.iter().map(|h| (h.status, r.url(&h.from), r.url(&h.to))).collect(),
                };
                (Some(stored), None, timings)
            }
            Err(e) => (None, Some(r.text(&e.to_string())), StoredTimings::default()),
        };
        let source = Source {
            collection: ctx.collection_root.map(|c| super::identity::absolute(c).display().to_string()),
            request_path: None,
            fingerprint: None,
            request_name: ctx.request.map(|d| d.name.clone()),
            environment: ctx.environment.map(str::to_string),
        };
        let source = match (ctx.collection_root, ctx.request) {
            (Some(root), Some(def)) if !def.path.as_os_str().is_empty() => {
                let id = RequestRef::from_def(root, def);
                Source {
                    collection: Some(id.collection.display().to_string()),
                    request_path: Some(id.path),
                    fingerprint: id.fingerprint,
                    ..source
                }
            }
            _ => source,
        };
        NewEntry {
            created_ms: now_ms(),
            source,
            request,
            response,
            error,
            timings,
        }
    }
}

fn multipart_outline(parts: &[PreparedPart]) -> String {
    let mut s = String::new();
    for p in parts {
        match &p.data {
            PartData::Text(t) => s.push_str(&format!("--part {}\n{t}\n", p.name)),
            PartData::File(f) => s.push_str(&format!("--part {} (file {})\n", p.name, f.display())),
        }
    }
    s
}

/// The less-queried parts of an entry, kept as one JSON column so they can grow without a migration.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub(crate) struct Meta {
    #[serde(default)]
    pub timings: StoredTimings,
    #[serde(default)]
    pub redirects: Vec<(u16, String, String)>,
    #[serde(default)]
    pub content_encoding: Option<String>,
    #[serde(default)]
    pub wire_size: u64,
    #[serde(default)]
    pub body_note: Option<String>,
}

/// Codecs of stored bodies.
pub(crate) const CODEC_RAW: i64 = 0;
pub(crate) const CODEC_ZSTD: i64 = 1;

/// Small bodies are stored as they are: compression would not pay for its header.
const COMPRESS_FROM: usize = 512;

pub(crate) fn pack(bytes: &[u8]) -> (Vec<u8>, i64) {
    if bytes.len() >= COMPRESS_FROM {
        if let Ok(z) = zstd::bulk::compress(bytes, 1) {
            if z.len() < bytes.len() {
                return (z, CODEC_ZSTD);
            }
        }
    }
    (bytes.to_vec(), CODEC_RAW)
}

/// Inflates a stored body, never past `limit` bytes (a damaged row must not eat the memory).
pub(crate) fn unpack(blob: &[u8], codec: i64, limit: u64) -> Result<Vec<u8>, String> {
    match codec {
        CODEC_RAW => Ok(blob.to_vec()),
        CODEC_ZSTD => {
            let mut out = Vec::new();
            let decoder = zstd::stream::read::Decoder::new(blob).map_err(|e| e.to_string())?;
            decoder
                .take(limit.saturating_add(1))
                .read_to_end(&mut out)
                .map_err(|e| e.to_string())?;
            Ok(out)
        }
        other => Err(format!("unknown body codec {other}")),
    }
}

/// Text bodies are indexed for search up to this many bytes each.
const INDEX_BODY_LIMIT: usize = 1 << 20;

/// The three full-text columns of an entry: URLs, headers, bodies (text bodies only).
pub(crate) fn index_text(e: &NewEntry) -> (String, String, String) {
    let mut url = e.request.url.clone();
    let mut headers = String::new();
    let mut body = String::new();
    for (k, v) in &e.request.headers {
        headers.push_str(&format!("{k}: {v}\n"));
    }
    let req_ct = e
        .request
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.as_str());
    if let Some(b) = &e.request.body {
        push_text_body(&mut body, req_ct, &b.bytes);
    }
    if let Some(resp) = &e.response {
        if resp.final_url != e.request.url && !resp.final_url.is_empty() {
            url.push('\n');
            url.push_str(&resp.final_url);
        }
        for (k, v) in &resp.headers {
            headers.push_str(&format!("{k}: {v}\n"));
        }
        push_text_body(&mut body, resp.content_type.as_deref(), &resp.body.bytes);
    }
    if let Some(err) = &e.error {
        body.push_str(err);
    }
    (url, headers, body)
}

fn push_text_body(out: &mut String, content_type: Option<&str>, bytes: &[u8]) {
    if bytes.is_empty() || !crate::core::format::sniff(content_type, bytes).is_text() {
        return;
    }
    let cut = &bytes[..bytes.len().min(INDEX_BODY_LIMIT)];
    out.push_str(&String::from_utf8_lossy(cut));
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_round_trips_and_skips_small_bodies() {
        let small = b"{\"ok\":true}".to_vec();
        assert_eq!(pack(&small), (small.clone(), CODEC_RAW));
        let big = "abc".repeat(1000).into_bytes();
        let (z, codec) = pack(&big);
        assert_eq!(codec, CODEC_ZSTD);
        assert!(z.len() < big.len() / 10);
        assert_eq!(unpack(&z, codec, big.len() as u64).unwrap(), big);
        assert_eq!(unpack(&z, codec, 10).unwrap().len(), 11, "inflation stops past the limit");
        assert!(unpack(b"junk", CODEC_ZSTD, 100).is_err());
    }

    #[test]
    fn a_secret_at_the_cut_leaves_no_part_behind() {
        let secret = "S3CR3T-VALUE-0123456789".to_string();
        let r = Redactor::new(std::slice::from_ref(&secret));
        // The secret straddles the cut: masked whole, then cut.
        let body = format!("{}{secret} tail", "x".repeat(10));
        let b = redact_capped(&r, body.as_bytes(), body.len() as u64, 15);
        assert!(b.truncated && b.bytes.starts_with(b"xxxxxxxxxx") && !String::from_utf8_lossy(&b.bytes).contains("S3CR"));
        // Masks before the cut shrink the text (40 bytes become 18), pulling in the start of a secret that the
        // masking window cut off.
        let long = "L0NG-S3CR3T-".repeat(4)[..40].to_string();
        let r = Redactor::new(std::slice::from_ref(&long));
        let body = format!("{long}{long}{long}xxxxxx{long}");
        let b = redact_capped(&r, body.as_bytes(), body.len() as u64, 3 * 40 + 5);
        let text = String::from_utf8_lossy(&b.bytes).into_owned();
        assert!(b.truncated && text.ends_with("xxxxxx") && !text.contains("L0NG"), "{text}");
    }

    #[test]
    fn capped_bodies_remember_their_size() {
        let b = StoredBody::capped(vec![1; 100], 100, 10);
        assert_eq!((b.bytes.len(), b.size, b.truncated), (10, 100, true));
        let b = StoredBody::capped(vec![1; 5], 5, 10);
        assert!(!b.truncated);
    }
}

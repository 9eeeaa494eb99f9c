//! What one history entry holds, and how a finished send becomes one (redacted, capped, compressed).

use std::ops::Deref;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::identity::RequestRef;
use super::redact::Redactor;
use crate::collection::RequestDef;
use crate::http::prepare::{PartData, PreparedPart};
use crate::http::{Exchange, HttpError, Prepared, PreparedBody};
use crate::mask::MASK;

/// A body as stored: possibly cut at the size cap, with its full size remembered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredBody {
    pub bytes: Vec<u8>,
    /// The size before the cap (and before masking).
    pub size: u64,
    /// True when the body was cut at the history's size cap; masking never sets it.
    pub truncated: bool,
}

impl StoredBody {
    /// Cuts `bytes` (of a body `size` bytes long) at `cap`.
    pub fn capped(mut bytes: Vec<u8>, size: u64, cap: u64) -> Self {
        let size = size.max(bytes.len() as u64);
        bytes.truncate(usize::try_from(cap).unwrap_or(usize::MAX));
        StoredBody {
            bytes,
            size,
            truncated: size > cap,
        }
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
    /// Redacted.
    pub redirects: Vec<StoredHop>,
    /// The body already masked, cut and compressed while it downloaded (large bodies); `body.bytes` is then empty.
    pub packed: Option<super::tap::PackedBody>,
}

/// One redirect as stored. Entries written before v0.2 hold `[status, from, to]` triples; both read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(from = "HopForm")]
pub struct StoredHop {
    pub status: u16,
    pub from: String,
    pub to: String,
    /// Credentials left out because the hop went to another origin.
    #[serde(default)]
    pub dropped: Vec<String>,
    #[serde(default = "yes")]
    pub followed: bool,
}

fn yes() -> bool {
    true
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum HopForm {
    Triple(u16, String, String),
    Full {
        status: u16,
        from: String,
        to: String,
        #[serde(default)]
        dropped: Vec<String>,
        #[serde(default = "yes")]
        followed: bool,
    },
}

impl From<HopForm> for StoredHop {
    fn from(f: HopForm) -> Self {
        match f {
            HopForm::Triple(status, from, to) => StoredHop {
                status,
                from,
                to,
                dropped: Vec::new(),
                followed: true,
            },
            HopForm::Full {
                status,
                from,
                to,
                dropped,
                followed,
            } => StoredHop {
                status,
                from,
                to,
                dropped,
                followed,
            },
        }
    }
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

/// Masks a body and cuts it at `cap` (of the original bytes). A JSON body that fits stays valid JSON with the same
/// structure (masked string values), so two masked entries still compare. A secret straddling the cut is masked
/// whole; the beginning of one cut off by the end of what was kept is dropped.
fn redact_capped(r: &Redactor, body: &[u8], size: u64, cap: u64, json: bool) -> StoredBody {
    let size = size.max(body.len() as u64);
    if size <= cap && body.len() as u64 == size {
        let bytes = if json { r.json(body) } else { r.bytes(body) };
        return StoredBody {
            bytes,
            size,
            truncated: false,
        };
    }
    let keep = usize::try_from(cap).unwrap_or(usize::MAX).min(body.len());
    let window = keep.saturating_add(r.longest()).min(body.len());
    let mut out = Vec::with_capacity(keep);
    let mut last = 0;
    for m in r.masker().find_all(&body[..window]) {
        if m.start >= keep {
            break;
        }
        out.extend_from_slice(&body[last..m.start]);
        out.extend_from_slice(MASK.as_bytes());
        last = m.end;
    }
    if last < keep {
        let tail = &body[last..keep];
        let partial = if window == body.len() { r.partial_tail(tail) } else { 0 };
        out.extend_from_slice(&tail[..tail.len() - partial]);
    }
    StoredBody {
        bytes: out,
        size,
        truncated: size > cap,
    }
}

fn is_json(content_type: Option<&str>, body: &[u8]) -> bool {
    matches!(crate::format::sniff(content_type, body), crate::format::BodyKind::Json)
}

impl NewEntry {
    /// Builds a redacted entry from a finished send. `outcome` is the exchange or the failure.
    pub fn from_send(prepared: &Prepared, outcome: Result<&Exchange, &HttpError>, ctx: &RecordContext) -> NewEntry {
        Self::from_send_with(prepared, outcome, ctx, None)
    }

    /// Like [`NewEntry::from_send`], with the response body prepared by a [`super::tap::HistoryTap`] during the download.
    pub fn from_send_with(
        prepared: &Prepared,
        outcome: Result<&Exchange, &HttpError>,
        ctx: &RecordContext,
        streamed: Option<super::tap::PackedBody>,
    ) -> NewEntry {
        let cap = if ctx.max_body_size == 0 {
            super::config::DEFAULT_MAX_BODY_SIZE
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
            for v in &x.secrets {
                r.add(v);
            }
            r.learn_headers(&x.response.headers);
            if x.response.body.len() as u64 <= cap && streamed.is_none() {
                r.learn_body(&x.response.body);
            }
        }

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
            body: raw_request_body.map(|b| {
                let json = is_json(header_value(&prepared.headers, "content-type"), &b);
                redact_capped(&r, &b, b.len() as u64, cap, json)
            }),
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
                    body: match &streamed {
                        Some(p) => StoredBody {
                            bytes: Vec::new(),
                            size: p.size,
                            truncated: p.truncated,
                        },
                        None => redact_capped(
                            &r,
                            &resp.body,
                            resp.decoded_size,
                            cap,
                            is_json(resp.content_type.as_deref(), &resp.body),
                        ),
                    },
                    content_type: resp.content_type.as_deref().map(|c| r.text(c)),
                    content_encoding: resp.content_encoding.clone(),
                    wire_size: resp.wire_size,
                    final_url: r.url(&resp.final_url),
                    redirects: resp
                        .redirects
                        .iter()
                        .map(|h| StoredHop {
                            status: h.status,
                            from: r.url(&h.from),
                            to: r.url(&h.to),
                            dropped: h.dropped.clone(),
                            followed: h.followed,
                        })
                        .collect(),
                    packed: streamed,
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

fn header_value<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
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
    pub redirects: Vec<StoredHop>,
    #[serde(default)]
    pub content_encoding: Option<String>,
    #[serde(default)]
    pub wire_size: u64,
    #[serde(default)]
    pub body_note: Option<String>,
}

/// Text bodies are indexed for search up to this many bytes each.
pub(crate) const INDEX_BODY_LIMIT: usize = 1 << 20;

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
        match &resp.packed {
            Some(p) if !p.index_text.is_empty() => {
                body.push_str(&p.index_text);
                body.push('\n');
            }
            Some(_) => {}
            None => push_text_body(&mut body, resp.content_type.as_deref(), &resp.body.bytes),
        }
    }
    if let Some(err) = &e.error {
        body.push_str(err);
    }
    (url, headers, body)
}

fn push_text_body(out: &mut String, content_type: Option<&str>, bytes: &[u8]) {
    if bytes.is_empty() || !crate::format::sniff(content_type, bytes).is_text() {
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
    fn a_secret_at_the_cut_leaves_no_part_behind() {
        let secret = "S3CR3T-VALUE-0123456789".to_string();
        let r = Redactor::new(std::slice::from_ref(&secret));
        // The secret straddles the cut: masked whole, then cut.
        let body = format!("{}{secret} tail", "x".repeat(10));
        let b = redact_capped(&r, body.as_bytes(), body.len() as u64, 15, false);
        assert!(b.truncated && b.bytes.starts_with(b"xxxxxxxxxx") && !String::from_utf8_lossy(&b.bytes).contains("S3CR"));
        // The cut is measured on the original bytes: masks before it do not pull more of the body in.
        let long = "L0NG-S3CR3T-".repeat(4)[..40].to_string();
        let r = Redactor::new(std::slice::from_ref(&long));
        let body = format!("{long}{long}{long}xxxxxx{long}");
        let b = redact_capped(&r, body.as_bytes(), body.len() as u64, 3 * 40 + 5, false);
        let text = String::from_utf8_lossy(&b.bytes).into_owned();
        assert_eq!(text, format!("{MASK}{MASK}{MASK}xxxxx"));
        assert!(b.truncated);
    }

    #[test]
    fn masking_never_marks_a_body_cut_and_keeps_json_valid() {
        let secret = "tok-CANARY-42".to_string();
        let r = Redactor::new(std::slice::from_ref(&secret));
        let body = br#"{"auth":"Bearer tok-CANARY-42","n":1}"#;
        let b = redact_capped(&r, body, body.len() as u64, 1 << 20, true);
        assert!(!b.truncated, "masking shortened the body; that is not a cut");
        assert_eq!(b.size, body.len() as u64);
        let v: serde_json::Value = serde_json::from_slice(&b.bytes).unwrap();
        assert_eq!(v["auth"], format!("Bearer {MASK}"));
    }

    #[test]
    fn capped_bodies_remember_their_size() {
        let b = StoredBody::capped(vec![1; 100], 100, 10);
        assert_eq!((b.bytes.len(), b.size, b.truncated), (10, 100, true));
        let b = StoredBody::capped(vec![1; 5], 5, 10);
        assert!(!b.truncated);
    }
}

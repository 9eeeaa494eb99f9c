//! Turning a stored entry back into what the front ends already show and edit: an [`Exchange`] for the response
//! viewer (read-only) and a [`RequestDef`] for the editor. Redacted values come back as the mask: restoring an
//! entry never brings a secret back, so the person re-enters it or keeps the file's `{{secret}}` reference.

use std::path::PathBuf;
use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use serde_json::{json, Value};

use super::entry::{Entry, StoredBody};
use crate::collection::{Body, KeyValue, RequestDef};
use crate::http::{Exchange, RedirectHop, ResponseRecord, SentRequest, Timings};

/// Headers every send adds when the request does not set them; not worth restoring into the editor.
const ADDED_BY_SEND: &[(&str, &str)] = &[("accept", "*/*"), ("accept-encoding", "gzip, br, zstd, deflate")];

fn body_kind(kind: &str) -> &'static str {
    match kind {
        "bytes" => "bytes",
        "multipart" => "multipart",
        "file" => "file",
        _ => "none",
    }
}

/// A body for JSON output: text when it is UTF-8, else base64.
fn body_json(b: &StoredBody) -> Value {
    let (text, encoding) = match std::str::from_utf8(&b.bytes) {
        Ok(t) => (t.to_string(), "utf-8"),
        Err(_) => (base64::engine::general_purpose::STANDARD.encode(&b.bytes), "base64"),
    };
    json!({ "text": text, "encoding": encoding, "size": b.size, "truncated": b.truncated })
}

fn us(n: u64) -> Duration {
    Duration::from_micros(n)
}

impl Entry {
    /// The whole entry as JSON (`apix history show --json`).
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "created_ms": self.created_ms,
            "source": self.source,
            "request": {
                "method": self.request.method,
                "url": self.request.url,
                "headers": self.request.headers,
                "body_kind": self.request.body_kind,
                "body": self.request.body.as_ref().map(body_json),
                "body_note": self.request.body_note,
            },
            "response": self.response.as_ref().map(|r| json!({
                "status": r.status,
                "reason": r.reason,
                "version": r.version,
                "headers": r.headers,
                "content_type": r.content_type,
                "final_url": r.final_url,
                "redirects": r.redirects,
                "body": body_json(&r.body),
            })),
            "error": self.error,
            "timings": self.timings,
        })
    }

    /// The entry as an exchange for the response viewer; None when the send failed (see `error`).
    pub fn to_exchange(&self) -> Option<Exchange> {
        let r = self.response.as_ref()?;
        let t = &self.timings;
        Some(Exchange {
            request: SentRequest {
                method: self.request.method.clone(),
                url: self.request.url.clone(),
                headers: self.request.headers.clone(),
                body_size: self.request.body.as_ref().map(|b| b.size).unwrap_or(0),
                body_kind: body_kind(&self.request.body_kind),
            },
            response: ResponseRecord {
                status: r.status,
                reason: r.reason.clone(),
                version: r.version.clone(),
                headers: r.headers.clone(),
                body: Bytes::from(r.body.bytes.clone()),
                spilled: None,
                content_type: r.content_type.clone(),
                content_encoding: r.content_encoding.clone(),
                wire_size: r.wire_size,
                decoded_size: r.body.size,
                final_url: r.final_url.clone(),
                redirects: r
                    .redirects
                    .iter()
                    .map(|h| RedirectHop {
                        status: h.status,
                        from: h.from.clone(),
                        to: h.to.clone(),
                        dropped: h.dropped.clone(),
                        followed: h.followed,
                    })
                    .collect(),
                timings: Timings {
                    dns: t.dns_us.map(us),
                    connect: t.connect_us.map(us),
                    tls: t.tls_us.map(us),
                    ttfb: us(t.ttfb_us),
                    download: us(t.download_us),
                    total: us(t.total_us),
                    notes: t.notes.clone(),
                },
            },
            secrets: Vec::new(),
            warnings: Vec::new(),
        })
    }

    /// The request as sent, as an unsaved request for the editor (no file path; the caller picks one).
    pub fn to_request_def(&self) -> RequestDef {
        let name = self.source.request_name.clone().unwrap_or_else(|| format!("history #{}", self.id));
        let mut def = RequestDef::new(PathBuf::new(), name);
        def.method = self.request.method.clone();
        def.url = self.request.url.clone();
        def.headers = self
            .request
            .headers
            .iter()
            .filter(|(k, v)| {
                let k = k.to_ascii_lowercase();
                let auto =
                    ADDED_BY_SEND.iter().any(|(n, d)| *n == k && d == v) || (k == "user-agent" && v == crate::http::send::USER_AGENT);
                !auto
            })
            .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
            .collect();
        let content_type = self
            .request
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.clone());
        def.body = match (&self.request.body, self.request.body_kind.as_str()) {
            (Some(b), "bytes") => {
                let text = String::from_utf8_lossy(&b.bytes).into_owned();
                let essence = content_type.as_deref().map(crate::format::media_type).unwrap_or_default();
                if essence == "application/json" || essence.ends_with("+json") {
                    def.headers
                        .retain(|h| !(h.name.eq_ignore_ascii_case("content-type") && h.value == "application/json"));
                    Body::Json(text)
                } else if essence == "application/x-www-form-urlencoded" {
                    def.headers.retain(|h| !h.name.eq_ignore_ascii_case("content-type"));
                    Body::Form(
                        url::form_urlencoded::parse(&b.bytes)
                            .map(|(k, v)| KeyValue::new(k.into_owned(), v.into_owned()))
                            .collect(),
                    )
                } else {
                    def.headers.retain(|h| !h.name.eq_ignore_ascii_case("content-type"));
                    Body::Text { text, content_type }
                }
            }
            _ => Body::None,
        };
        def
    }
}

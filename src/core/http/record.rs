//! What was sent and what came back: the record the TUI, the CLI and history read.

use bytes::Bytes;

use super::prepare::{Prepared, PreparedBody};
use super::timing::Timings;
use crate::core::template::mask_secrets;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectHop {
    pub status: u16,
    pub from: String,
    pub to: String,
}

/// The request as sent, with secrets masked: safe to show, log or store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body_size: u64,
    pub body_kind: &'static str,
}

/// Header names whose values are credentials whatever their source.
pub const SENSITIVE_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
    "x-auth-token",
];

impl SentRequest {
    pub fn new(p: &Prepared, headers: &[(String, String)], body_size: u64) -> Self {
        SentRequest {
            method: p.method.clone(),
            url: mask_secrets(p.url.as_str(), &p.secrets),
            headers: headers
                .iter()
                .map(|(k, v)| {
                    let v = if SENSITIVE_HEADERS.contains(&k.to_ascii_lowercase().as_str()) {
                        mask_credential(v)
                    } else {
                        mask_secrets(v, &p.secrets)
                    };
                    (k.clone(), v)
                })
                .collect(),
            body_size,
            body_kind: match &p.body {
                PreparedBody::Empty => "none",
                PreparedBody::Bytes(_) => "bytes",
                PreparedBody::Multipart(_) => "multipart",
                PreparedBody::File(_) => "file",
            },
        }
    }
}

/// Keeps the scheme word of a credential ("Bearer ••••••") so the shape stays readable.
pub fn mask_credential(v: &str) -> String {
    match v.split_once(' ') {
        Some((scheme, _)) if ["basic", "bearer", "digest", "token", "aws4-hmac-sha256"].contains(&scheme.to_ascii_lowercase().as_str()) => {
            format!("{scheme} {}", crate::core::template::MASK)
        }
        _ => crate::core::template::MASK.to_string(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseRecord {
    pub status: u16,
    /// The standard reason phrase for the status ("Too Many Requests"), empty for unknown codes.
    pub reason: String,
    pub version: String,
    /// In received order, repeats kept; values decoded lossily as UTF-8.
    pub headers: Vec<(String, String)>,
    /// The decoded body.
    pub body: Bytes,
    pub content_type: Option<String>,
    pub content_encoding: Option<String>,
    /// Bytes received on the wire (before decoding).
    pub wire_size: u64,
    pub decoded_size: u64,
    pub final_url: String,
    pub redirects: Vec<RedirectHop>,
    pub timings: Timings,
}

impl ResponseRecord {
    /// The first value of a header, case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// "200 OK", "429 Too Many Requests", "599" for codes without a standard phrase.
    pub fn status_line(&self) -> String {
        if self.reason.is_empty() {
            self.status.to_string()
        } else {
            format!("{} {}", self.status, self.reason)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    pub request: SentRequest,
    pub response: ResponseRecord,
}

//! What was sent and what came back: the record the TUI, the CLI and history read.

use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;

use super::prepare::{Prepared, PreparedBody};
use super::timing::Timings;
use crate::template::mask_secrets;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectHop {
    pub status: u16,
    pub from: String,
    pub to: String,
    /// Credentials left out of the request to `to` because it is another origin ("Authorization", "query api_key").
    pub dropped: Vec<String>,
    /// False for the last redirect when `follow_redirects = false` (shown, not followed).
    pub followed: bool,
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
            format!("{scheme} {}", crate::template::MASK)
        }
        _ => crate::template::MASK.to_string(),
    }
}

/// A body too large to keep in memory, in a temporary file that is removed when the last copy of the record goes.
#[derive(Debug, Clone)]
pub struct SpilledBody {
    pub path: PathBuf,
    pub len: u64,
    _guard: Arc<TempFile>,
}

#[derive(Debug)]
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

impl SpilledBody {
    pub fn new(path: PathBuf, len: u64) -> Self {
        SpilledBody {
            _guard: Arc::new(TempFile(path.clone())),
            path,
            len,
        }
    }
}

impl PartialEq for SpilledBody {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path && self.len == other.len
    }
}

impl Eq for SpilledBody {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseRecord {
    pub status: u16,
    /// The standard reason phrase for the status ("Too Many Requests"), empty for unknown codes.
    pub reason: String,
    pub version: String,
    /// In received order, repeats kept; values decoded lossily as UTF-8.
    pub headers: Vec<(String, String)>,
    /// The decoded body; when `spilled` is set, only its first [`SPILL_HEAD`] bytes (enough to sniff and preview).
    pub body: Bytes,
    /// The whole body, when it was too large for memory.
    pub spilled: Option<SpilledBody>,
    pub content_type: Option<String>,
    pub content_encoding: Option<String>,
    /// Bytes received on the wire (before decoding).
    pub wire_size: u64,
    pub decoded_size: u64,
    pub final_url: String,
    pub redirects: Vec<RedirectHop>,
    pub timings: Timings,
}

/// How much of a spilled body stays in memory.
pub const SPILL_HEAD: usize = 1 << 20;

impl ResponseRecord {
    /// A reader over the whole decoded body, from memory or from the spill file.
    pub fn body_reader(&self) -> std::io::Result<Box<dyn std::io::Read + Send>> {
        match &self.spilled {
            Some(s) => Ok(Box::new(std::io::BufReader::new(std::fs::File::open(&s.path)?))),
            None => Ok(Box::new(std::io::Cursor::new(self.body.clone()))),
        }
    }

    /// The whole decoded body in memory (reads the spill file if there is one: mind the size).
    pub fn full_body(&self) -> std::io::Result<Bytes> {
        match &self.spilled {
            Some(s) => std::fs::read(&s.path).map(Bytes::from),
            None => Ok(self.body.clone()),
        }
    }

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
    /// Secret values that arose during the exchange (cookie values sent from the jar or received): mask them
    /// wherever the exchange is shown or stored, with `Prepared::secrets`.
    pub secrets: Vec<String>,
    /// Things worth saying that did not stop the exchange (cookies that could not be saved).
    pub warnings: Vec<String>,
}

//! Shared plumbing for the demo API: RFC 9457 problem responses, lenient query parsing and size parsing.
//!
//! Every handler turns bad client input into a `Problem` (400/422/...) instead of relying on axum's
//! plain-text extractor rejections, so clients always see `application/problem+json`.

use std::convert::Infallible;
use std::fmt::Display;
use std::str::FromStr;

use axum::extract::FromRequestParts;
use axum::http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

/// Media type of RFC 9457 problem documents.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document plus any extra response headers (boxed: it travels in `Result`s).
#[derive(Debug, Clone)]
pub struct Problem(Box<Inner>);

#[derive(Debug, Clone)]
struct Inner {
    status: StatusCode,
    kind: String,
    title: String,
    detail: String,
    extra: Map<String, Value>,
    headers: Vec<(HeaderName, HeaderValue)>,
}

/// Reason phrase for any status code, including ones without a canonical phrase (e.g. 599).
pub fn reason_phrase(status: StatusCode) -> String {
    status
        .canonical_reason()
        .map(str::to_owned)
        .unwrap_or_else(|| format!("Status {}", status.as_u16()))
}

impl Problem {
    /// A problem with `type: about:blank`, whose title is then the status' reason phrase (RFC 9457 §4.2.1).
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Problem(Box::new(Inner {
            status,
            kind: "about:blank".to_owned(),
            title: reason_phrase(status),
            detail: detail.into(),
            extra: Map::new(),
            headers: Vec::new(),
        }))
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::BAD_REQUEST, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::NOT_FOUND, detail)
    }

    /// Use a specific problem type (`urn:apix:demo:<slug>`) with its own title.
    pub fn typed(mut self, slug: &str, title: &str) -> Self {
        self.0.kind = format!("urn:apix:demo:{slug}");
        self.0.title = title.to_owned();
        self
    }

    /// Add an extension member to the problem document.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.0.extra.insert(key.to_owned(), value.into());
        self
    }

    /// Add a response header (values that are not valid header values are skipped).
    pub fn header(mut self, name: HeaderName, value: impl AsRef<str>) -> Self {
        if let Ok(value) = HeaderValue::from_str(value.as_ref()) {
            self.0.headers.push((name, value));
        }
        self
    }

    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// The problem document as JSON (type, title, status, detail, then extensions).
    pub fn to_json(&self) -> Value {
        let p = &self.0;
        let mut doc = Map::new();
        doc.insert("type".into(), p.kind.clone().into());
        doc.insert("title".into(), p.title.clone().into());
        doc.insert("status".into(), p.status.as_u16().into());
        doc.insert("detail".into(), p.detail.clone().into());
        for (k, v) in &p.extra {
            doc.insert(k.clone(), v.clone());
        }
        Value::Object(doc)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = self.to_json().to_string();
        let mut response = (self.0.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        for (name, value) in self.0.headers {
            headers.append(name, value);
        }
        response
    }
}

/// A JSON response with an explicit status (axum's `Json` is fine too; this avoids a serialization `Result`).
pub fn json_response(status: StatusCode, value: &Value) -> Response {
    let mut response = (status, value.to_string()).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// Decoded query string pairs in received order (repeats kept). Never rejects: malformed
/// percent-escapes decode lossily, so handlers decide what is an error.
#[derive(Debug, Clone, Default)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn parse(raw: Option<&str>) -> Self {
        let pairs = raw
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        Params(pairs)
    }

    /// First value for `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Parse `key` as a number in `min..=max`, or `default` when absent (or empty).
    pub fn num<T>(&self, key: &str, default: T, min: T, max: T) -> Result<T, Problem>
    where
        T: FromStr + PartialOrd + Display + Copy,
    {
        let Some(raw) = self.get(key).filter(|v| !v.is_empty()) else {
            return Ok(default);
        };
        match raw.trim().parse::<T>() {
            Ok(n) if n >= min && n <= max => Ok(n),
            _ => Err(Problem::bad_request(format!(
                "query parameter `{key}` must be an integer between {min} and {max}, got `{raw}`"
            ))
            .with("parameter", key)),
        }
    }

    /// Parse `key` as a size (see [`parse_size`]), or `default` when absent.
    pub fn size(&self, key: &str, default: u64) -> Result<u64, Problem> {
        match self.get(key).filter(|v| !v.is_empty()) {
            None => Ok(default),
            Some(raw) => parse_size(raw).ok_or_else(|| {
                Problem::bad_request(format!(
                    "query parameter `{key}` must be a size like `1000`, `512KB`, `20MB` or `1GB`, got `{raw}`"
                ))
                .with("parameter", key)
            }),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Params::parse(parts.uri.query()))
    }
}

/// Parse `1000`, `512KB`, `20MB`, `1GB` (decimal units, MB = 1_000_000), `64KiB`/`1MiB`/`1GiB`
/// (binary units) and an optional trailing `B`. Case-insensitive; `None` on anything else or overflow.
pub fn parse_size(raw: &str) -> Option<u64> {
    let s = raw.trim().to_ascii_lowercase();
    let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, unit) = s.split_at(digits_end);
    let number: u64 = number.parse().ok()?;
    let multiplier: u64 = match unit.trim() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "m" | "mb" => 1_000_000,
        "g" | "gb" => 1_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        _ => return None,
    };
    number.checked_mul(multiplier)
}

/// Parse a path segment as an integer, with a problem naming what was expected.
pub fn parse_path_num<T: FromStr>(raw: &str, what: &str) -> Result<T, Problem> {
    raw.parse::<T>()
        .map_err(|_| Problem::bad_request(format!("{what} must be a non-negative integer, got `{raw}`")).with("parameter", what))
}

/// Unwrap a single path parameter, turning axum's plain-text rejection into a problem.
pub fn path_param(path: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>) -> Result<String, Problem> {
    path.map(|axum::extract::Path(p)| p)
        .map_err(|e| Problem::new(e.status(), e.body_text()))
}

//! What a status means, in plain words, plus what the response says about itself: Retry-After, rate-limit
//! headers, and the message inside RFC 9457 problem+json or a common `{"error": {"message": …}}` body.

use std::time::{Duration, SystemTime};

use super::record::ResponseRecord;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    /// Seconds until the window resets, when the server says.
    pub reset_secs: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiMessage {
    /// "problem+json" or "error body".
    pub source: &'static str,
    pub title: Option<String>,
    pub detail: Option<String>,
}

impl ApiMessage {
    pub fn text(&self) -> String {
        match (&self.title, &self.detail) {
            (Some(t), Some(d)) if t != d => format!("\"{t}\" — {d}"),
            (Some(t), _) => format!("\"{t}\""),
            (None, Some(d)) => d.clone(),
            (None, None) => String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusInsight {
    /// A sentence for a person: what the status means.
    pub meaning: String,
    pub retry_after: Option<Duration>,
    pub rate_limit: Option<RateLimit>,
    pub api_message: Option<ApiMessage>,
}

#[allow(clippy::match_overlapping_arm)] // specific codes first, then the class as a fallback
pub fn status_meaning(status: u16) -> &'static str {
    match status {
        200 => "Success.",
        201 => "Created: the server made a new resource.",
        202 => "Accepted: the work will happen later.",
        204 => "Success, with no body.",
        206 => "Partial content: only part of the body was sent.",
        301 | 308 => "Moved permanently: the resource has a new URL.",
        302 | 303 | 307 => "Redirect: the answer is at another URL.",
        304 => "Not modified: your cached copy is still good.",
        400 => "Bad request: the server could not accept what was sent (check the body and parameters).",
        401 => "Unauthorized: credentials are missing or wrong (check the auth settings and secrets).",
        402 => "Payment required.",
        403 => "Forbidden: the credentials were understood but do not allow this.",
        404 => "Not found: nothing at this URL (check the path and ids).",
        405 => "Method not allowed at this URL.",
        406 => "Not acceptable: the server cannot produce the format asked for in Accept.",
        408 => "Request timeout: the server gave up waiting for the request.",
        409 => "Conflict with the current state of the resource.",
        410 => "Gone: this resource was removed for good.",
        411 => "Length required.",
        412 => "Precondition failed (If-Match / If-None-Match).",
        413 => "Payload too large for the server.",
        414 => "URI too long.",
        415 => "Unsupported media type: check Content-Type.",
        418 => "I'm a teapot.",
        422 => "Unprocessable content: the request was understood but its data is invalid.",
        425 => "Too early.",
        428 => "Precondition required.",
        429 => "Too many requests: the server is rate-limiting you.",
        431 => "Request headers too large.",
        451 => "Unavailable for legal reasons.",
        500 => "Internal server error: the server failed while handling the request.",
        501 => "Not implemented by the server.",
        502 => "Bad gateway: a proxy got an invalid answer from the server behind it.",
        503 => "Service unavailable: the server is overloaded or down for maintenance.",
        504 => "Gateway timeout: a proxy gave up waiting for the server behind it.",
        100..=199 => "Informational response.",
        200..=299 => "Success.",
        300..=399 => "Redirect.",
        400..=499 => "Client error: the request was not accepted.",
        500..=599 => "Server error: the server failed.",
        _ => "Non-standard status code.",
    }
}

fn parse_u64(v: Option<&str>) -> Option<u64> {
    v.and_then(|s| s.trim().split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|s| s.parse().ok())
}

/// Retry-After as seconds or an HTTP date.
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(when.duration_since(SystemTime::now()).unwrap_or_default())
}

fn rate_limit(r: &ResponseRecord) -> Option<RateLimit> {
    let get = |names: &[&str]| names.iter().find_map(|n| r.header(n));
    let mut rl = RateLimit {
        limit: parse_u64(get(&["x-ratelimit-limit", "ratelimit-limit", "x-rate-limit-limit"])),
        remaining: parse_u64(get(&["x-ratelimit-remaining", "ratelimit-remaining", "x-rate-limit-remaining"])),
        reset_secs: None,
    };
    if let Some(reset) = parse_u64(get(&["x-ratelimit-reset", "ratelimit-reset", "x-rate-limit-reset"])) {
        // Some APIs (GitHub) send an epoch timestamp rather than seconds remaining.
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        rl.reset_secs = Some(if reset > 1_000_000_000 { reset.saturating_sub(now) } else { reset });
    }
    // The combined IETF form: `RateLimit: limit=60, remaining=58, reset=41`.
    if let Some(combined) = r.header("ratelimit").filter(|v| v.contains('=')) {
        for part in combined.split([',', ';']) {
            if let Some((k, v)) = part.trim().split_once('=') {
                let n = parse_u64(Some(v));
                match k.trim() {
                    "limit" => rl.limit = rl.limit.or(n),
                    "remaining" | "r" => rl.remaining = rl.remaining.or(n),
                    "reset" | "t" => rl.reset_secs = rl.reset_secs.or(n),
                    _ => {}
                }
            }
        }
    }
    (rl.limit.is_some() || rl.remaining.is_some() || rl.reset_secs.is_some()).then_some(rl)
}

fn str_field(v: &serde_json::Value, key: &str) -> Option<String> {
    v.get(key).and_then(|x| x.as_str()).map(str::to_string).filter(|s| !s.is_empty())
}

/// The human message inside an error body, if the body has a shape we know.
pub fn api_message(content_type: Option<&str>, body: &[u8]) -> Option<ApiMessage> {
    if body.is_empty() || body.len() > 1 << 20 {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    if ct.contains("problem+json") || (v.get("type").is_some() && v.get("title").is_some()) {
        let title = str_field(&v, "title");
        let detail = str_field(&v, "detail");
        if title.is_some() || detail.is_some() {
            return Some(ApiMessage {
                source: "problem+json",
                title,
                detail,
            });
        }
    }
    let detail = match v.get("error") {
        Some(serde_json::Value::Object(_)) => v
            .get("error")
            .and_then(|e| str_field(e, "message").or_else(|| str_field(e, "detail"))),
        Some(serde_json::Value::String(s)) => Some(
            str_field(&v, "error_description")
                .map(|d| format!("{s}: {d}"))
                .unwrap_or_else(|| s.clone()),
        ),
        _ => None,
    }
    .or_else(|| str_field(&v, "message"))
    .or_else(|| str_field(&v, "detail"))
    .or_else(|| {
        v.get("errors")
            .and_then(|e| e.as_array())
            .and_then(|a| a.first())
            .and_then(|first| str_field(first, "message").or_else(|| first.as_str().map(str::to_string)))
    })?;
    Some(ApiMessage {
        source: "error body",
        title: None,
        detail: Some(detail),
    })
}

/// Reads what a response says about itself.
pub fn insight(r: &ResponseRecord) -> StatusInsight {
    let retry_after = r.header("retry-after").and_then(parse_retry_after);
    let rl = rate_limit(r);
    let mut meaning = status_meaning(r.status).to_string();
    if r.status == 429 || r.status == 503 {
        if let Some(d) = retry_after {
            meaning.push_str(&format!(" Retry after {} s.", d.as_secs()));
        }
    }
    if let Some(rl) = &rl {
        if let (Some(rem), Some(lim)) = (rl.remaining, rl.limit) {
            meaning.push_str(&format!(" {rem} of {lim} requests left in this window"));
            if let Some(reset) = rl.reset_secs {
                meaning.push_str(&format!(", resets in {reset} s"));
            }
            meaning.push('.');
        }
    }
    let api_message = if r.status >= 400 {
        api_message(r.content_type.as_deref(), &r.body)
    } else {
        None
    };
    StatusInsight {
        meaning,
        retry_after,
        rate_limit: rl,
        api_message,
    }
}

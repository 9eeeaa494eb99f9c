//! Authentication checks (`/auth/*`) and a fixed-window rate limiter (`/limited`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::header::{AUTHORIZATION, RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::json;

use super::problem::{json_response, Params, Problem};
use super::{DEMO_API_KEY, DEMO_BASIC_PASSWORD, DEMO_BASIC_USER, DEMO_BEARER_TOKEN};

fn authenticated(scheme: &str) -> Response {
    json_response(StatusCode::OK, &json!({ "authenticated": true, "scheme": scheme }))
}

fn unauthorized(detail: &str, challenge: Option<&str>) -> Response {
    let mut problem = Problem::new(StatusCode::UNAUTHORIZED, detail);
    if let Some(challenge) = challenge {
        problem = problem.header(WWW_AUTHENTICATE, challenge);
    }
    problem.into_response()
}

/// The credentials after `scheme ` in the Authorization header (scheme compared case-insensitively).
fn credentials<'a>(headers: &'a HeaderMap, scheme: &str) -> Option<&'a str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (given, rest) = value.split_once(' ')?;
    given.eq_ignore_ascii_case(scheme).then(|| rest.trim())
}

/// `GET /auth/basic`: `demo:apix-demo-password`.
pub async fn basic(headers: HeaderMap) -> Response {
    const CHALLENGE: &str = "Basic realm=\"apix demo\"";
    let Some(encoded) = credentials(&headers, "Basic") else {
        return unauthorized("missing Basic credentials in the Authorization header", Some(CHALLENGE));
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok());
    match decoded.as_deref().and_then(|d| d.split_once(':')) {
        Some((user, pass)) if user == DEMO_BASIC_USER && pass == DEMO_BASIC_PASSWORD => {
            let mut response = authenticated("basic");
            if let Ok(user) = HeaderValue::from_str(user) {
                response.headers_mut().insert("x-authenticated-user", user);
            }
            response
        }
        Some(_) => unauthorized("wrong username or password", Some(CHALLENGE)),
        None => unauthorized("Basic credentials must be base64 of `user:password`", Some(CHALLENGE)),
    }
}

/// `GET /auth/bearer`: `Authorization: Bearer demo-token`.
pub async fn bearer(headers: HeaderMap) -> Response {
    match credentials(&headers, "Bearer") {
        Some(token) if token == DEMO_BEARER_TOKEN => authenticated("bearer"),
        Some(_) => unauthorized(
            "the bearer token is not valid",
            Some("Bearer realm=\"apix demo\", error=\"invalid_token\""),
        ),
        None => unauthorized(
            "missing Bearer token in the Authorization header",
            Some("Bearer realm=\"apix demo\""),
        ),
    }
}

/// `GET /auth/apikey`: header `X-Api-Key: demo-key` or query `api_key=demo-key`.
pub async fn api_key(headers: HeaderMap, params: Params) -> Response {
    let header = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    let query = params.get("api_key");
    if header == Some(DEMO_API_KEY) || query == Some(DEMO_API_KEY) {
        return authenticated("apikey");
    }
    let detail = if header.is_some() || query.is_some() {
        "the API key is not valid"
    } else {
        "missing API key: send the `X-Api-Key` header or the `api_key` query parameter"
    };
    unauthorized(detail, None)
}

/// Window start and requests counted in it.
type Window = (Instant, u32);

/// Per-server fixed windows keyed by (limit, window seconds).
#[derive(Debug, Clone, Default)]
pub struct RateLimits(Arc<Mutex<HashMap<(u32, u64), Window>>>);

impl RateLimits {
    /// Count one request; returns (allowed, remaining, seconds until the window resets).
    fn hit(&self, limit: u32, window: u64) -> (bool, u32, u64) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let span = Duration::from_secs(window);
        let entry = map.entry((limit, window)).or_insert((now, 0));
        if now.duration_since(entry.0) >= span {
            *entry = (now, 0);
        }
        let allowed = entry.1 < limit;
        if allowed {
            entry.1 += 1;
        }
        let left = span.saturating_sub(now.duration_since(entry.0));
        let reset = (left.as_millis().div_ceil(1000) as u64).max(1);
        (allowed, limit - entry.1, reset)
    }

    fn reset(&self) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

/// `GET /limited?limit=N&window=S` (defaults 5 requests per 60 s).
pub async fn limited(State(limits): State<RateLimits>, params: Params) -> Result<Response, Problem> {
    let limit: u32 = params.num("limit", 5, 1, 1_000_000)?;
    let window: u64 = params.num("window", 60, 1, 86_400)?;
    let (allowed, remaining, reset) = limits.hit(limit, window);
    let mut response = if allowed {
        json_response(
            StatusCode::OK,
            &json!({ "allowed": true, "limit": limit, "remaining": remaining, "reset": reset }),
        )
    } else {
        Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("rate limit of {limit} requests per {window} s exceeded; retry in {reset} s"),
        )
        .with("retry_after", reset)
        .header(RETRY_AFTER, reset.to_string())
        .into_response()
    };
    let headers = response.headers_mut();
    headers.insert("x-ratelimit-limit", HeaderValue::from(limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(remaining));
    headers.insert("x-ratelimit-reset", HeaderValue::from(reset));
    if let Ok(policy) = HeaderValue::from_str(&format!("{limit};w={window}")) {
        headers.insert("ratelimit-policy", policy);
    }
    Ok(response)
}

/// `POST /limited/reset`: forget all rate-limit windows.
pub async fn limited_reset(State(limits): State<RateLimits>) -> Response {
    limits.reset();
    json_response(StatusCode::OK, &json!({ "reset": true }))
}

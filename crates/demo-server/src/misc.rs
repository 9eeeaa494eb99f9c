//! Status codes, timing (`/delay`, `/drip`), redirects and header-heavy responses.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION, RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::problem::{json_response, parse_path_num, path_param, reason_phrase, Params, Problem};

/// `GET /status/{code}`: that status with a problem+json body (or `?body=plain`, `?shape=error|message`).
///
/// 1xx codes are rejected with 400: hyper cannot send an informational status as a final response
/// (it would turn it into a 500 and drop the connection).
pub async fn status(path: Result<Path<String>, PathRejection>, params: Params) -> Result<Response, Problem> {
    let raw = path_param(path)?;
    let code: u16 = parse_path_num(&raw, "status code")?;
    if !(100..=599).contains(&code) {
        return Err(Problem::bad_request(format!("status code must be between 100 and 599, got {code}")));
    }
    if code < 200 {
        return Err(Problem::bad_request(format!(
            "{code} is an informational (1xx) status, which cannot be sent as a final response"
        )));
    }
    let status = StatusCode::from_u16(code).map_err(|_| Problem::bad_request(format!("invalid status code {code}")))?;
    let title = reason_phrase(status);
    let detail = format!("This is the demo API responding with status {code} as requested.");

    let mut response = if matches!(code, 204 | 205 | 304) {
        // These statuses must not carry a body.
        status.into_response()
    } else if params.get("body") == Some("plain") {
        let mut r = (status, format!("{code} {title}\n")).into_response();
        r.headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
        r
    } else {
        match params.get("shape") {
            Some("error") => json_response(status, &json!({"error": {"message": title, "code": code}})),
            Some("message") => json_response(status, &json!({ "message": title })),
            None | Some("") | Some("problem") => Problem::new(status, detail).into_response(),
            Some(other) => {
                return Err(Problem::bad_request(format!(
                    "query parameter `shape` must be `error`, `message` or `problem`, got `{other}`"
                )))
            }
        }
    };
    let headers = response.headers_mut();
    if code == 429 {
        headers.insert(RETRY_AFTER, HeaderValue::from_static("30"));
    }
    if (300..400).contains(&code) {
        headers.insert(LOCATION, HeaderValue::from_static("/echo"));
    }
    Ok(response)
}

/// `GET /delay?ms=N` (default 1000, max 120000).
pub async fn delay(params: Params) -> Result<Response, Problem> {
    let ms: u64 = params.num("ms", 1000, 0, 120_000)?;
    tokio::time::sleep(Duration::from_millis(ms)).await;
    Ok(json_response(StatusCode::OK, &json!({ "delayed_ms": ms })))
}

/// `GET /drip?bytes=N&chunk=C&interval_ms=M`: N bytes of `a`, C at a time, the first chunk at once and
/// then one every M ms. Defaults: 100 bytes, 10 per chunk, 100 ms.
pub async fn drip(params: Params) -> Result<Response, Problem> {
    let total: u64 = params.num("bytes", 100, 0, 1_000_000_000)?;
    let chunk: u64 = params.num("chunk", 10, 1, 1_048_576)?;
    let interval: u64 = params.num("interval_ms", 100, 0, 60_000)?;
    let template = Bytes::from(vec![b'a'; chunk.min(total).max(1) as usize]);
    let stream = futures_util::stream::unfold((total, true), move |(remaining, first)| {
        let template = template.clone();
        async move {
            if remaining == 0 {
                return None;
            }
            if !first {
                tokio::time::sleep(Duration::from_millis(interval)).await;
            }
            let n = remaining.min(chunk);
            let piece = template.slice(..n as usize);
            Some((Ok::<_, std::io::Error>(piece), (remaining - n, false)))
        }
    });
    let mut response = (StatusCode::OK, Body::from_stream(stream)).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(total));
    Ok(response)
}

fn redirect(status: StatusCode, location: &str) -> Result<Response, Problem> {
    let value =
        HeaderValue::from_str(location).map_err(|_| Problem::bad_request(format!("`{location}` is not a valid Location header value")))?;
    let mut response = json_response(status, &json!({ "redirect_to": location }));
    response.headers_mut().insert(LOCATION, value);
    Ok(response)
}

/// `GET /redirect/{n}`: a chain of n 302s ending at `/redirect/0` (n at most 1000).
pub async fn redirect_n(path: Result<Path<String>, PathRejection>) -> Result<Response, Problem> {
    let n: u32 = parse_path_num(&path_param(path)?, "redirect count")?;
    match n {
        0 => Ok(json_response(StatusCode::OK, &json!({ "redirected": true }))),
        1..=1000 => redirect(StatusCode::FOUND, &format!("/redirect/{}", n - 1)),
        _ => Err(Problem::bad_request(format!("redirect count must be at most 1000, got {n}"))),
    }
}

/// `GET /redirect-to?url=U&status=S` (S in 301, 302, 303, 307, 308; default 302).
pub async fn redirect_to(params: Params) -> Result<Response, Problem> {
    let url = params
        .get("url")
        .filter(|u| !u.is_empty())
        .ok_or_else(|| Problem::bad_request("missing required query parameter `url`"))?;
    let code: u16 = params.num("status", 302, 300, 399)?;
    let status = match code {
        301 | 302 | 303 | 307 | 308 => StatusCode::from_u16(code).unwrap_or(StatusCode::FOUND),
        _ => {
            return Err(Problem::bad_request(format!(
                "query parameter `status` must be one of 301, 302, 303, 307, 308, got {code}"
            )))
        }
    };
    redirect(status, url)
}

/// `GET /redirect-loop` → `/redirect-loop/b` → `/redirect-loop` → ...
pub async fn redirect_loop() -> Result<Response, Problem> {
    redirect(StatusCode::FOUND, "/redirect-loop/b")
}

pub async fn redirect_loop_b() -> Result<Response, Problem> {
    redirect(StatusCode::FOUND, "/redirect-loop")
}

/// `GET /headers/many?n=N` (default 20, max 5000): `X-Demo-1..N` plus two `Set-Cookie` headers.
pub async fn many_headers(params: Params) -> Result<Response, Problem> {
    let n: u32 = params.num("n", 20, 0, 5000)?;
    let mut response = json_response(StatusCode::OK, &json!({ "headers": n, "cookies": 2 }));
    let headers = response.headers_mut();
    for i in 1..=n {
        if let Ok(name) = HeaderName::try_from(format!("x-demo-{i}")) {
            headers.insert(name, HeaderValue::from_str(&format!("value {i}")).unwrap_or(HeaderValue::from(i)));
        }
    }
    headers.append(
        SET_COOKIE,
        HeaderValue::from_static("demo_session=abc123; Path=/; HttpOnly; SameSite=Lax"),
    );
    headers.append(SET_COOKIE, HeaderValue::from_static("demo_theme=dark; Path=/; Max-Age=3600"));
    Ok(response)
}

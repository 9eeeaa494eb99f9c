//! `/cookies`, `/cookies/set`, `/cookies/delete`: as httpbin has them, for trying a cookie jar.

use axum::http::header::{COOKIE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::problem::{json_response, Params, Problem};

fn received(headers: &HeaderMap) -> Map<String, Value> {
    let mut out = Map::new();
    for value in headers.get_all(COOKIE) {
        for pair in String::from_utf8_lossy(value.as_bytes()).split(';') {
            if let Some((k, v)) = pair.split_once('=') {
                out.insert(k.trim().to_string(), Value::String(v.trim().to_string()));
            }
        }
    }
    out
}

/// `GET /cookies`: the cookies the request carried, as `{"cookies": {name: value}}`.
pub async fn list(headers: HeaderMap) -> Response {
    json_response(StatusCode::OK, &json!({ "cookies": received(&headers) }))
}

fn redirect_with(cookies: Vec<String>) -> Result<Response, Problem> {
    let mut response = (StatusCode::FOUND, "").into_response();
    let h = response.headers_mut();
    h.insert(LOCATION, HeaderValue::from_static("/cookies"));
    for c in cookies {
        let v = HeaderValue::from_str(&c).map_err(|_| Problem::bad_request(format!("`{c}` cannot be a Set-Cookie value")))?;
        h.append(SET_COOKIE, v);
    }
    Ok(response)
}

/// `GET /cookies/set?name=value&...`: sets each cookie (`Path=/`) and redirects to `/cookies`. `&_secure=1` adds
/// `Secure`, `&_max_age=N` adds `Max-Age`.
pub async fn set(params: Params) -> Result<Response, Problem> {
    let mut extra = String::from("; Path=/");
    if params.get("_secure") == Some("1") {
        extra.push_str("; Secure");
    }
    if let Some(age) = params.get("_max_age") {
        extra.push_str(&format!("; Max-Age={}", age.parse::<i64>().unwrap_or(0)));
    }
    let cookies = params
        .0
        .iter()
        .filter(|(k, _)| !k.starts_with('_'))
        .map(|(k, v)| format!("{k}={v}{extra}"))
        .collect();
    redirect_with(cookies)
}

/// `GET /cookies/delete?name&...`: expires each named cookie and redirects to `/cookies`.
pub async fn delete(params: Params) -> Result<Response, Problem> {
    let cookies = params.0.iter().map(|(k, _)| format!("{k}=; Path=/; Max-Age=0")).collect();
    redirect_with(cookies)
}

//! `/echo` and `/echo/{*rest}`: reflect the request back as JSON, for any method (including custom
//! ones such as `PURGE`).
//!
//! Header order: hyper stores headers in a `HeaderMap`, which keeps names in order of first occurrence
//! and groups repeated values of one name together; the exact interleaving on the wire is not
//! recoverable, so `headers` lists names in first-seen order with every repeat kept.

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{json, Map, Value};

use super::problem::{json_response, Problem};

/// Largest request body `/echo` accepts (also applied as the route's `DefaultBodyLimit`).
pub const ECHO_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// Multipart parts up to this size that are valid UTF-8 are echoed as `text`.
const PART_TEXT_LIMIT: usize = 64 * 1024;

pub async fn echo(req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = match to_bytes(body, ECHO_BODY_LIMIT).await {
        Ok(body) => body,
        Err(e) => {
            return Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("could not read request body (limit {ECHO_BODY_LIMIT} bytes): {e}"),
            )
            .into_response()
        }
    };

    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let essence = content_type
        .as_deref()
        .and_then(|ct| ct.split(';').next())
        .map(|ct| ct.trim().to_ascii_lowercase())
        .unwrap_or_default();

    let mut doc = Map::new();
    doc.insert("method".into(), parts.method.as_str().into());
    doc.insert("path".into(), parts.uri.path().into());
    doc.insert("version".into(), format!("{:?}", parts.version).into());
    let query: Vec<Value> = url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
        .map(|(k, v)| json!([k, v]))
        .collect();
    doc.insert("query".into(), query.into());
    let headers: Vec<Value> = parts
        .headers
        .iter()
        .map(|(name, value)| json!([name.as_str(), String::from_utf8_lossy(value.as_bytes())]))
        .collect();
    doc.insert("headers".into(), headers.into());
    doc.insert("body".into(), String::from_utf8_lossy(&body).into());
    if std::str::from_utf8(&body).is_err() {
        let encoded = base64::engine::general_purpose::STANDARD.encode(&body);
        doc.insert("body_base64".into(), encoded.into());
    }
    doc.insert("body_size".into(), body.len().into());
    doc.insert("content_type".into(), content_type.clone().into());

    if essence == "application/x-www-form-urlencoded" {
        let form: Vec<Value> = url::form_urlencoded::parse(&body).map(|(k, v)| json!([k, v])).collect();
        doc.insert("form".into(), form.into());
    } else if essence == "multipart/form-data" {
        // Rebuild the request around the buffered body so axum's multipart parser can read it.
        let rebuilt = Request::from_parts(parts, Body::from(body.clone()));
        match multipart_parts(rebuilt).await {
            Ok(list) => {
                doc.insert("multipart".into(), list.into());
            }
            Err(e) => {
                doc.insert("multipart_error".into(), e.into());
            }
        }
    } else if !body.is_empty() {
        let json_like = essence.ends_with("/json") || essence.ends_with("+json");
        match serde_json::from_slice::<Value>(&body) {
            Ok(value) => {
                doc.insert("json".into(), value);
            }
            Err(e) if json_like => {
                doc.insert("json_error".into(), e.to_string().into());
            }
            Err(_) => {}
        }
    }
    json_response(StatusCode::OK, &Value::Object(doc))
}

async fn multipart_parts(req: Request) -> Result<Vec<Value>, String> {
    let mut multipart = Multipart::from_request(req, &()).await.map_err(|e| e.body_text())?;
    let mut out = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(|e| e.body_text())? {
        let name = field.name().map(str::to_owned);
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let data: Bytes = field.bytes().await.map_err(|e| e.body_text())?;
        let mut part = Map::new();
        part.insert("name".into(), name.into());
        part.insert("filename".into(), filename.into());
        part.insert("content_type".into(), content_type.into());
        part.insert("size".into(), data.len().into());
        if data.len() <= PART_TEXT_LIMIT {
            if let Ok(text) = std::str::from_utf8(&data) {
                part.insert("text".into(), text.into());
            }
        }
        out.push(Value::Object(part));
    }
    Ok(out)
}

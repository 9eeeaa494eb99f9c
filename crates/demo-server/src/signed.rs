//! Routes that check the schemes needing a computation on the client: HTTP Digest (`/auth/digest`, RFC 7616 with
//! qop=auth, SHA-256 by default or `?algorithm=MD5`) and AWS Signature v4 (`/auth/aws`, any method, body hash
//! checked).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use axum::extract::Extension;
use axum::http::header::{AUTHORIZATION, HOST, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use md5::Md5;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::problem::{json_response, Params, Problem};
use super::{DEMO_AWS_ACCESS_KEY, DEMO_AWS_REGION, DEMO_AWS_SECRET_KEY, DEMO_AWS_SERVICE, DEMO_BASIC_PASSWORD, DEMO_BASIC_USER};
use apix_core::auth::sigv4;

const REALM: &str = "apix demo";

/// Nonces this server handed out (a response to any other nonce is refused).
#[derive(Debug, Clone, Default)]
pub struct Nonces(Arc<Mutex<HashSet<String>>>);

fn hash(algorithm: &str, data: &str) -> String {
    if algorithm.eq_ignore_ascii_case("MD5") {
        hex::encode(Md5::digest(data.as_bytes()))
    } else {
        hex::encode(Sha256::digest(data.as_bytes()))
    }
}

/// `key=value, key="quoted, value"` pairs of a Digest header.
fn digest_params(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let Some(eq) = rest.find('=') else { break };
        let key = rest[..eq].trim().trim_start_matches(',').trim().to_ascii_lowercase();
        let after = rest[eq + 1..].trim_start();
        let (value, next) = if let Some(q) = after.strip_prefix('"') {
            match q.find('"') {
                Some(end) => (q[..end].to_string(), &q[end + 1..]),
                None => (q.to_string(), ""),
            }
        } else {
            match after.find(',') {
                Some(end) => (after[..end].trim().to_string(), &after[end..]),
                None => (after.trim().to_string(), ""),
            }
        };
        out.push((key, value));
        rest = next.trim_start().trim_start_matches(',').trim_start();
    }
    out
}

fn challenge(nonces: &Nonces, algorithm: &str, detail: &str) -> Response {
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    nonces.0.lock().unwrap_or_else(|p| p.into_inner()).insert(nonce.clone());
    let value = format!("Digest realm=\"{REALM}\", qop=\"auth\", algorithm={algorithm}, nonce=\"{nonce}\", opaque=\"apix\"");
    Problem::new(StatusCode::UNAUTHORIZED, detail)
        .header(WWW_AUTHENTICATE, value)
        .into_response()
}

/// `ANY /auth/digest`: Digest `demo:apix-demo-password`.
pub async fn digest(Extension(nonces): Extension<Nonces>, method: Method, uri: Uri, headers: HeaderMap, params: Params) -> Response {
    let algorithm = if params.get("algorithm").is_some_and(|a| a.eq_ignore_ascii_case("md5")) {
        "MD5"
    } else {
        "SHA-256"
    };
    let Some(given) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return challenge(
            &nonces,
            algorithm,
            "missing Digest credentials: answer the challenge in WWW-Authenticate",
        );
    };
    let Some(rest) = given.strip_prefix("Digest ").or_else(|| given.strip_prefix("digest ")) else {
        return challenge(&nonces, algorithm, "this endpoint wants Digest credentials");
    };
    let p = digest_params(rest);
    let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()).unwrap_or("");
    let known = nonces.0.lock().unwrap_or_else(|p| p.into_inner()).contains(get("nonce"));
    if !known {
        return challenge(&nonces, algorithm, "unknown or stale nonce: answer the new challenge");
    }
    let used_algorithm = if get("algorithm").is_empty() { "MD5" } else { get("algorithm") };
    if get("username") != DEMO_BASIC_USER {
        return challenge(&nonces, algorithm, "wrong username or password");
    }
    let ha1 = hash(used_algorithm, &format!("{}:{REALM}:{DEMO_BASIC_PASSWORD}", get("username")));
    let ha2 = hash(used_algorithm, &format!("{method}:{}", get("uri")));
    let expected = hash(
        used_algorithm,
        &format!("{ha1}:{}:{}:{}:{}:{ha2}", get("nonce"), get("nc"), get("cnonce"), get("qop")),
    );
    let path_and_query = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    if get("response") != expected || get("uri") != path_and_query {
        return challenge(&nonces, algorithm, "wrong username or password");
    }
    json_response(
        StatusCode::OK,
        &json!({ "authenticated": true, "scheme": "digest", "algorithm": used_algorithm, "user": DEMO_BASIC_USER }),
    )
}

fn aws_denied(code: &str, detail: impl Into<String>) -> Response {
    Problem::new(StatusCode::FORBIDDEN, detail).with("code", code).into_response()
}

/// `ANY /auth/aws`: SigV4 with the demo key pair, region `us-east-1`, service `demo`.
pub async fn aws(method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let Some(auth) = sigv4::parse_authorization(&header("authorization")) else {
        return aws_denied(
            "MissingAuthenticationToken",
            "missing or malformed AWS4-HMAC-SHA256 Authorization header",
        );
    };
    if auth.access_key != DEMO_AWS_ACCESS_KEY {
        return aws_denied("InvalidClientTokenId", format!("unknown access key `{}`", auth.access_key));
    }
    if auth.region != DEMO_AWS_REGION || auth.service != DEMO_AWS_SERVICE {
        return aws_denied(
            "SignatureDoesNotMatch",
            format!(
                "credential scope must be {DEMO_AWS_REGION}/{DEMO_AWS_SERVICE}, not {}/{}",
                auth.region, auth.service
            ),
        );
    }
    let date = header("x-amz-date");
    let now = sigv4::amz_date(SystemTime::now());
    let skew_ok = sigv4::amz_date(SystemTime::now() - Duration::from_secs(900)) <= date
        && date <= sigv4::amz_date(SystemTime::now() + Duration::from_secs(900));
    if !skew_ok {
        return aws_denied(
            "RequestTimeTooSkewed",
            format!("x-amz-date `{date}` is more than 15 minutes from {now}"),
        );
    }
    let claimed = header("x-amz-content-sha256");
    let payload = if claimed == sigv4::UNSIGNED_PAYLOAD {
        claimed
    } else {
        let actual = sigv4::sha256_hex(&body);
        if !claimed.is_empty() && claimed != actual {
            return aws_denied("XAmzContentSHA256Mismatch", "x-amz-content-sha256 does not match the body");
        }
        actual
    };
    let host = headers.get(HOST).and_then(|v| v.to_str().ok()).unwrap_or("localhost");
    let Ok(url) = url::Url::parse(&format!("http://{host}{uri}")) else {
        return aws_denied("SignatureDoesNotMatch", "cannot read the request URL");
    };
    let signed: Vec<(String, String)> = auth.signed_headers.iter().map(|h| (h.clone(), header(h))).collect();
    let (canonical, _) = sigv4::canonical_request(method.as_str(), &url, &signed, &payload, &auth.service);
    let expected = sigv4::signature(&canonical, &date, DEMO_AWS_SECRET_KEY, &auth.region, &auth.service);
    if expected != auth.signature {
        return aws_denied(
            "SignatureDoesNotMatch",
            "the request signature we calculated does not match the signature you provided: check the secret key",
        );
    }
    json_response(
        StatusCode::OK,
        &json!({ "authenticated": true, "scheme": "aws", "access_key": auth.access_key, "signed_headers": auth.signed_headers }),
    )
}

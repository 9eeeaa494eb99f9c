//! HTTP Digest (RFC 7616, with RFC 2617 compatibility) through the `digest_auth` crate: one unauthenticated probe
//! to get the server's challenge (nonce, realm, qop, algorithm), then the response is computed for the real method,
//! URI and body and set as the `Authorization` header. SHA-256 and MD5 (and their `-sess` forms) are supported.

use crate::http::{Prepared, PreparedBody};

use super::error::{AuthError, AuthErrorKind};
use super::net;

const STEP: &str = "digest challenge";

pub async fn authorize(prepared: &mut Prepared, username: &str, password: &str) -> Result<(), AuthError> {
    let client = net::client(&prepared.options)?;
    let url = prepared.url.to_string();
    let method = reqwest::Method::from_bytes(prepared.method.as_bytes())
        .map_err(|_| AuthError::new(AuthErrorKind::Config, STEP, format!("cannot use the method `{}`", prepared.method)))?;
    // The probe carries the request's headers but no body: the server only needs to say how to authenticate.
    let mut probe = client.request(method, &url);
    for (k, v) in prepared.headers.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("authorization")) {
        probe = probe.header(k.as_str(), v.as_str());
    }
    let response = probe
        .send()
        .await
        .map_err(|e| net::network_error(STEP, &url, &e, &prepared.options))?;
    let status = response.status().as_u16();
    let challenges: Vec<String> = response
        .headers()
        .get_all(reqwest::header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect();
    let Some(challenge) = challenges
        .iter()
        .find(|c| c.trim_start().to_ascii_lowercase().starts_with("digest"))
    else {
        if status != 401 {
            prepared.warnings.push(format!(
                "the server answered {status} without asking for credentials, so no Digest response was computed"
            ));
            return Ok(());
        }
        let offered = if challenges.is_empty() {
            "no WWW-Authenticate header".to_string()
        } else {
            format!("only `{}`", challenges.join("`, `"))
        };
        return Err(AuthError::new(
            AuthErrorKind::Protocol,
            STEP,
            format!("got 401 with {offered}, not a Digest challenge"),
        )
        .check("check that this endpoint uses Digest auth (maybe it wants type = \"basic\" or \"bearer\")"));
    };
    let mut prompt = digest_auth::parse(challenge.trim()).map_err(|e| {
        AuthError::new(
            AuthErrorKind::Protocol,
            STEP,
            format!("could not read the server's challenge ({e})"),
        )
        .check(format!("the header was `{challenge}`"))
    })?;
    let uri = match prepared.url.query() {
        Some(q) => format!("{}?{q}", prepared.url.path()),
        None => prepared.url.path().to_string(),
    };
    let body: Option<Vec<u8>> = match &prepared.body {
        PreparedBody::Empty => None,
        PreparedBody::Bytes(b) => Some(b.clone()),
        PreparedBody::File(p) => tokio::fs::read(p).await.ok(),
        PreparedBody::Multipart(_) => None,
    };
    let ctx = digest_auth::AuthContext::new_with_method(
        username,
        password,
        uri,
        body,
        digest_auth::HttpMethod(prepared.method.clone().into()),
    );
    let header = prompt.respond(&ctx).map_err(|e| {
        AuthError::new(AuthErrorKind::Protocol, STEP, format!("cannot answer the server's challenge ({e})"))
            .check("the server may require an algorithm or qop that apix does not support (SHA-256, MD5, qop=auth)")
    })?;
    prepared.headers.retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
    prepared.headers.push(("Authorization".into(), header.to_header_string()));
    Ok(())
}

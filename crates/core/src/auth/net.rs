//! HTTP for auth steps (token endpoints, Digest challenges): a client from the same builder as sends
//! ([`crate::http::client`]), so a proxy, an extra CA or `verify_tls = false` applies to the token endpoint as it
//! does to the request.

use crate::http::error::classify;
use crate::http::SendOptions;

use super::error::{AuthError, AuthErrorKind};

pub fn client(opts: &SendOptions) -> Result<reqwest::Client, AuthError> {
    let config = |problem: String| AuthError::new(AuthErrorKind::Config, "auth HTTP client", problem);
    let ca = crate::http::client::read_ca(opts).map_err(|e| config(e.0))?;
    crate::http::client::builder(opts, ca.as_deref())
        .map_err(|e| config(e.0))?
        .timeout(opts.timeout)
        .build()
        .map_err(|e| config(e.to_string()))
}

/// A transport failure during `step`, said like the send errors ("connection refused by 127.0.0.1:9").
pub fn network_error(step: &str, url: &str, e: &reqwest::Error, opts: &SendOptions) -> AuthError {
    let parsed = url::Url::parse(url).ok();
    let host = parsed.as_ref().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    let port = parsed.as_ref().and_then(|u| u.port_or_known_default()).unwrap_or(80);
    let err = classify(e, &host, port, opts.connect_timeout);
    AuthError::new(AuthErrorKind::Network, step, format!("failed: {err}")).check(format!("check that {url} is reachable"))
}

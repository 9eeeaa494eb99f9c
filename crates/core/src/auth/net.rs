//! HTTP for auth steps (token endpoints, Digest challenges): a client built from the request's own options, so a
//! proxy, an extra CA or `verify_tls = false` applies to the token endpoint as it does to the request.

use crate::http::error::classify;
use crate::http::SendOptions;

use super::error::{AuthError, AuthErrorKind};

pub fn client(opts: &SendOptions) -> Result<reqwest::Client, AuthError> {
    let config = |problem: String| AuthError::new(AuthErrorKind::Config, "auth HTTP client", problem);
    let mut b = reqwest::Client::builder()
        .connect_timeout(opts.connect_timeout)
        .timeout(opts.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(crate::http::send::USER_AGENT)
        .danger_accept_invalid_certs(!opts.verify_tls);
    if let Some(proxy) = &opts.proxy {
        b = b.proxy(reqwest::Proxy::all(proxy).map_err(|_| config(format!("cannot use the proxy `{proxy}`")))?);
    }
    if let Some(ca) = &opts.ca_file {
        let pem = std::fs::read(ca).map_err(|e| config(format!("cannot read the CA file {}: {e}", ca.display())))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|_| config(format!("the CA file {} holds no PEM certificate", ca.display())))?;
        for c in certs {
            b = b.add_root_certificate(c);
        }
    }
    b.build().map_err(|e| config(e.to_string()))
}

/// A transport failure during `step`, said like the send errors ("connection refused by 127.0.0.1:9").
pub fn network_error(step: &str, url: &str, e: &reqwest::Error, opts: &SendOptions) -> AuthError {
    let parsed = url::Url::parse(url).ok();
    let host = parsed.as_ref().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    let port = parsed.as_ref().and_then(|u| u.port_or_known_default()).unwrap_or(80);
    let err = classify(e, &host, port, opts.connect_timeout);
    AuthError::new(AuthErrorKind::Network, step, format!("failed: {err}")).check(format!("check that {url} is reachable"))
}

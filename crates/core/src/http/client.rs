//! The one place a reqwest client is configured from a request's options: sends and every auth step (token
//! endpoints, Digest challenges) use it, so a proxy, an extra CA, `verify_tls = false`, the user agent and the
//! no-redirect/no-Referer rules apply to both alike.

use super::options::SendOptions;

/// What apix says it is, on every request it sends.
pub const USER_AGENT: &str = concat!("apix/", env!("CARGO_PKG_VERSION"));

/// Why no client could be built from the options, in words that name the option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientError(pub String);

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads `ca_file`, if the options name one (small: a read on the calling thread is fine).
pub fn read_ca(opts: &SendOptions) -> Result<Option<Vec<u8>>, ClientError> {
    match &opts.ca_file {
        Some(path) => std::fs::read(path)
            .map(Some)
            .map_err(|e| ClientError(format!("cannot read the CA file {}: {e}", path.display()))),
        None => Ok(None),
    }
}

/// A client builder with everything the options say about the connection; callers add their own timeouts and hooks.
/// `ca` is the content of `opts.ca_file` (see [`read_ca`]).
pub fn builder(opts: &SendOptions, ca: Option<&[u8]>) -> Result<reqwest::ClientBuilder, ClientError> {
    let mut b = reqwest::Client::builder()
        .connect_timeout(opts.connect_timeout)
        // Redirects are followed by apix hop by hop (credentials stay with their origin); no Referer is ever added,
        // since it would carry the query (and a key in it) to the next host.
        .redirect(reqwest::redirect::Policy::none())
        .referer(false)
        .user_agent(USER_AGENT)
        .danger_accept_invalid_certs(!opts.verify_tls);
    if let Some(proxy) = &opts.proxy {
        let px = reqwest::Proxy::all(proxy).map_err(|_| ClientError(format!("the proxy `{proxy}` is not a valid URL")))?;
        b = b.proxy(px);
    }
    if let (Some(pem), Some(path)) = (ca, &opts.ca_file) {
        let certs = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|_| ClientError(format!("the CA file {} holds no PEM certificate", path.display())))?;
        for c in certs {
            b = b.add_root_certificate(c);
        }
    }
    Ok(b)
}

//! The one place a reqwest client is configured from a request's options: sends and every auth step (token
//! endpoints, Digest challenges) use it, so a proxy, an extra CA, `verify_tls = false`, the user agent and the
//! no-redirect/no-Referer rules apply to both alike.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use super::options::SendOptions;
use super::timing::SharedProbe;

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

/// Clients kept for a run of many sends (`apix run`, an evaluation): one per distinct connection setting (proxy, CA,
/// TLS checks, connect timeout), with keep-alive connections pooled, so the second request to a host skips DNS,
/// connect and TLS. Timing stays per send: each send starts its client's probe afresh, and a send that reused a
/// connection says so in its timing notes. Sends through one pool should run one after another (the probe is the
/// client's); concurrent sends (the TUI) use a client each.
#[derive(Clone, Default)]
pub struct ClientPool {
    clients: Arc<Mutex<HashMap<String, (reqwest::Client, SharedProbe)>>>,
    /// Origins (scheme://host:port) that answered through this pool: a connection to them may be reused.
    reached: Arc<Mutex<HashSet<String>>>,
}

impl ClientPool {
    /// The pooled client for `opts` and its probe (reset for the send about to start); `build` makes one the first
    /// time.
    pub(super) fn client<E>(
        &self,
        opts: &SendOptions,
        build: impl FnOnce(&SharedProbe) -> Result<reqwest::Client, E>,
    ) -> Result<(reqwest::Client, SharedProbe), E> {
        let key = format!("{:?}|{:?}|{}|{:?}", opts.proxy, opts.ca_file, opts.verify_tls, opts.connect_timeout);
        let mut clients = match self.clients.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some((client, probe)) = clients.get(&key) {
            if let Ok(mut p) = probe.lock() {
                *p = Default::default();
            }
            return Ok((client.clone(), probe.clone()));
        }
        let probe = super::timing::new_probe();
        let client = build(&probe)?;
        clients.insert(key, (client.clone(), probe.clone()));
        Ok((client, probe))
    }

    /// `origin` answered: later sends to it may go over a kept-alive connection.
    pub(super) fn reached(&self, origin: String) {
        if let Ok(mut r) = self.reached.lock() {
            r.insert(origin);
        }
    }

    /// Whether `origin` answered through this pool before.
    pub(super) fn has_reached(&self, origin: &str) -> bool {
        self.reached.lock().is_ok_and(|r| r.contains(origin))
    }

    /// How many distinct clients the pool holds.
    pub fn clients(&self) -> usize {
        self.clients.lock().map(|c| c.len()).unwrap_or(0)
    }
}

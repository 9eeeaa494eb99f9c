//! Following redirects ourselves, so that credentials stay with their origin.
//!
//! reqwest's own redirect handling drops `Authorization` and `Cookie` when the host changes, but keeps every other
//! header (an API key in `X-Api-Key`) and sends a `Referer` that carries the query (an API key in the URL). Here a
//! hop that leaves the origin of the URL requested (scheme, host and port) loses every credential apix added: the
//! auth scheme's headers and query parameters, any header whose value came from a secret, `Authorization`,
//! `Proxy-Authorization` and a `Cookie` header written in the request. Cookies from the jar follow RFC 6265 on every
//! hop instead. A hop back to the original origin gets them again (they are its credentials).

use url::Url;

use super::prepare::Prepared;
use crate::mask::Masker;

/// Headers that are credentials whatever their value.
const ALWAYS_CREDENTIALS: &[&str] = &["authorization", "proxy-authorization", "cookie"];

/// Headers that describe a body, dropped with it when a redirect turns the request into a GET.
const BODY_HEADERS: &[&str] = &["content-type", "content-length", "content-encoding", "transfer-encoding"];

/// Where a redirect response sends the request next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Next {
    pub url: Url,
    pub method: String,
    /// False when the method changes to GET and the body is dropped (301/302 after POST, 303).
    pub keep_body: bool,
}

/// The next hop for a response, or `None` when it is not a redirect to follow (no or unusable `Location`).
pub fn next_hop(status: u16, location: Option<&str>, current: &Url, method: &str) -> Option<Next> {
    if !matches!(status, 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let url = current.join(location?.trim()).ok()?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return None;
    }
    let to_get = match status {
        303 => method != "HEAD",
        301 | 302 => method == "POST",
        _ => false,
    };
    Some(Next {
        url,
        method: if to_get { "GET".into() } else { method.to_string() },
        keep_body: !to_get,
    })
}

pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.origin() == b.origin()
}

/// The credentials of a prepared request, to leave out when a hop leaves the origin.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    /// Lower-case header names.
    headers: Vec<String>,
    /// Query parameter names.
    query: Vec<String>,
    secrets: Masker,
}

impl Credentials {
    pub fn of(p: &Prepared) -> Credentials {
        Credentials {
            headers: p.credential_headers.iter().map(|h| h.to_ascii_lowercase()).collect(),
            query: p.credential_query.clone(),
            secrets: Masker::new(&p.secrets),
        }
    }

    fn is_credential_header(&self, name: &str, value: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        ALWAYS_CREDENTIALS.contains(&lower.as_str()) || self.headers.contains(&lower) || !self.secrets.find_all(value.as_bytes()).is_empty()
    }

    /// The headers for a hop to another origin, and the names of those left out.
    pub fn strip_headers(&self, headers: &[(String, String)]) -> (Vec<(String, String)>, Vec<String>) {
        let mut kept = Vec::new();
        let mut dropped = Vec::new();
        for (k, v) in headers {
            if self.is_credential_header(k, v) {
                if !dropped.iter().any(|d: &String| d.eq_ignore_ascii_case(k)) {
                    dropped.push(k.clone());
                }
            } else {
                kept.push((k.clone(), v.clone()));
            }
        }
        (kept, dropped)
    }

    /// Removes the auth scheme's query parameters and any parameter holding a secret from a URL on another origin.
    pub fn strip_query(&self, url: &mut Url) -> Vec<String> {
        if url.query().is_none() {
            return Vec::new();
        }
        let mut dropped = Vec::new();
        let pairs: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        let kept: Vec<&(String, String)> = pairs
            .iter()
            .filter(|(k, v)| {
                let credential = self.query.contains(k) || !self.secrets.find_all(v.as_bytes()).is_empty();
                if credential && !dropped.contains(k) {
                    dropped.push(k.clone());
                }
                !credential
            })
            .collect();
        if !dropped.is_empty() {
            if kept.is_empty() {
                url.set_query(None);
            } else {
                url.query_pairs_mut()
                    .clear()
                    .extend_pairs(kept.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            }
        }
        dropped.into_iter().map(|k| format!("query {k}")).collect()
    }
}

/// Removes the headers that describe a body (when a redirect drops it).
pub fn drop_body_headers(headers: &mut Vec<(String, String)>) {
    headers.retain(|(k, _)| !BODY_HEADERS.contains(&k.to_ascii_lowercase().as_str()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn methods_change_as_browsers_and_curl_do() {
        let cur = u("http://a.test/x");
        let n = next_hop(303, Some("/y"), &cur, "POST").unwrap();
        assert_eq!((n.url.as_str(), n.method.as_str(), n.keep_body), ("http://a.test/y", "GET", false));
        assert_eq!(next_hop(302, Some("/y"), &cur, "POST").unwrap().method, "GET");
        assert_eq!(next_hop(302, Some("/y"), &cur, "PUT").unwrap().method, "PUT");
        let n = next_hop(307, Some("http://b.test/z"), &cur, "POST").unwrap();
        assert_eq!((n.method.as_str(), n.keep_body), ("POST", true));
        assert!(next_hop(302, None, &cur, "GET").is_none());
        assert!(next_hop(200, Some("/y"), &cur, "GET").is_none());
        assert!(next_hop(302, Some("ftp://x/"), &cur, "GET").is_none());
    }

    #[test]
    fn origin_is_scheme_host_and_port() {
        assert!(same_origin(&u("http://a.test/x"), &u("http://a.test:80/y?z")));
        assert!(!same_origin(&u("http://a.test/x"), &u("https://a.test/x")));
        assert!(!same_origin(&u("http://a.test/x"), &u("http://a.test:8080/x")));
        assert!(!same_origin(&u("http://a.test/x"), &u("http://b.test/x")));
    }
}

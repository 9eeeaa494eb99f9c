//! Failures of a send, classified and said in plain words with a hint. A Rust debug dump is never the message; the
//! raw cause chain is kept in `detail` for people who ask for it.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use super::timing::DnsError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutPhase {
    Connect,
    /// Waiting for the response headers after the request was sent.
    FirstByte,
    /// Waiting for more of the body.
    Body,
    /// The whole exchange took longer than the total timeout.
    Total,
}

impl TimeoutPhase {
    pub fn describe(self) -> &'static str {
        match self {
            TimeoutPhase::Connect => "while connecting",
            TimeoutPhase::FirstByte => "waiting for the response headers",
            TimeoutPhase::Body => "waiting for more of the response body",
            TimeoutPhase::Total => "for the whole exchange",
        }
    }

    pub fn option_name(self) -> &'static str {
        match self {
            TimeoutPhase::Connect => "connect_timeout",
            TimeoutPhase::FirstByte | TimeoutPhase::Body => "read_timeout",
            TimeoutPhase::Total => "timeout",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsProblem {
    Expired,
    NotYetValid,
    /// Self-signed or signed by an authority we do not trust.
    UntrustedIssuer,
    WrongHost,
    Revoked,
    /// The server did not speak TLS (e.g. plain HTTP on that port).
    NotTls,
    Handshake(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpError {
    Dns {
        host: String,
        detail: String,
    },
    Refused {
        host: String,
        port: u16,
    },
    Unreachable {
        host: String,
        port: u16,
        detail: String,
    },
    Tls {
        host: String,
        problem: TlsProblem,
    },
    Timeout {
        phase: TimeoutPhase,
        after: Duration,
    },
    TooManyRedirects {
        max: u32,
        chain: Vec<String>,
        is_loop: bool,
    },
    InvalidUrl {
        url: String,
        part: String,
    },
    InvalidRequest {
        what: String,
    },
    BodyFile {
        path: String,
        detail: String,
    },
    Decode {
        encoding: String,
        detail: String,
    },
    /// `encoded`: the body came compressed (so it may be a decompression bomb).
    BodyTooLarge {
        limit: u64,
        encoded: bool,
    },
    /// The server's response could not be read as HTTP (a malformed status line, headers apix refuses).
    BadResponse {
        problem: String,
        hint: String,
    },
    ConnectionClosed {
        detail: String,
    },
    Cancelled,
    Other {
        detail: String,
    },
}

fn fmt_bytes(n: u64) -> String {
    crate::format_size(n)
}

fn fmt_dur(d: Duration) -> String {
    crate::format_duration(d)
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::Dns { host, .. } => write!(f, "DNS lookup failed: the host name `{host}` could not be resolved"),
            HttpError::Refused { host, port } => write!(f, "Connection refused by {host}:{port}"),
            HttpError::Unreachable { host, port, detail } => write!(f, "Could not reach {host}:{port}: {detail}"),
            HttpError::Tls { host, problem } => match problem {
                TlsProblem::Expired => write!(f, "TLS: the certificate of {host} has expired"),
                TlsProblem::NotYetValid => write!(f, "TLS: the certificate of {host} is not valid yet"),
                TlsProblem::UntrustedIssuer => write!(
                    f,
                    "TLS: the certificate of {host} is not trusted (self-signed or from an unknown authority)"
                ),
                TlsProblem::WrongHost => write!(f, "TLS: the certificate presented by {host} is for a different host name"),
                TlsProblem::Revoked => write!(f, "TLS: the certificate of {host} has been revoked"),
                TlsProblem::NotTls => write!(f, "TLS: {host} did not answer with TLS"),
                TlsProblem::Handshake(d) => write!(f, "TLS handshake with {host} failed: {d}"),
            },
            HttpError::Timeout { phase, after } => write!(f, "Timed out {} after {}", phase.describe(), fmt_dur(*after)),
            HttpError::TooManyRedirects { max, is_loop, .. } => {
                if *is_loop {
                    write!(f, "Redirect loop: the server keeps redirecting between the same URLs")
                } else {
                    write!(f, "Too many redirects (more than {max})")
                }
            }
            HttpError::InvalidUrl { url, part } => write!(f, "Invalid URL `{url}`: {part}"),
            HttpError::InvalidRequest { what } => write!(f, "The request could not be built: {what}"),
            HttpError::BodyFile { path, detail } => write!(f, "Cannot read the body file {path}: {detail}"),
            HttpError::Decode { encoding, detail } => write!(f, "The response body could not be decoded ({encoding}): {detail}"),
            HttpError::BadResponse { problem, .. } => write!(f, "The server's answer is not valid HTTP: {problem}"),
            HttpError::BodyTooLarge { limit, .. } => write!(
                f,
                "The response body grew past the {} limit and was stopped there",
                fmt_bytes(*limit)
            ),
            HttpError::ConnectionClosed { detail } => write!(f, "The connection was closed before the response was complete: {detail}"),
            HttpError::Cancelled => write!(f, "Cancelled"),
            HttpError::Other { detail } => write!(f, "The request failed: {detail}"),
        }
    }
}

impl std::error::Error for HttpError {}

impl HttpError {
    /// A short title for panels and status lines.
    pub fn title(&self) -> &'static str {
        match self {
            HttpError::Dns { .. } => "DNS lookup failed",
            HttpError::Refused { .. } | HttpError::Unreachable { .. } => "could not connect",
            HttpError::Tls { .. } => "TLS failed",
            HttpError::Timeout { .. } => "timed out",
            HttpError::TooManyRedirects { .. } => "too many redirects",
            HttpError::InvalidUrl { .. } | HttpError::InvalidRequest { .. } | HttpError::BodyFile { .. } => "invalid request",
            HttpError::Decode { .. } => "body decode failed",
            HttpError::BodyTooLarge { .. } => "body too large",
            HttpError::BadResponse { .. } => "invalid response",
            HttpError::ConnectionClosed { .. } => "connection closed",
            HttpError::Cancelled => "cancelled",
            HttpError::Other { .. } => "request failed",
        }
    }

    /// How to fix it, in plain words.
    pub fn hint(&self) -> Option<String> {
        self.hint_for(Some("base_url"))
    }

    /// The hint for this case, knowing whether the request's URL came from a variable (`{{base_url}}/…`): only
    /// then does a wrong host or port point at the environment; a literal URL is checked where it is written.
    /// `host_variable`: the variable the URL takes its host from, if any (see `template::host_variable`).
    pub fn hint_for(&self, host_variable: Option<&str>) -> Option<String> {
        let Some(var) = host_variable else {
            return match self {
                HttpError::Dns { host, .. } => Some(format!("Check the spelling of `{host}` in the URL and your network or VPN.")),
                HttpError::Refused { .. } => {
                    Some("Nothing is listening on that port: is the server running, and is the port in the URL right?".into())
                }
                _ => self.general_hint(),
            };
        };
        match self {
            HttpError::Dns { host, .. } => Some(format!(
                "Check the spelling of `{host}` and your network or VPN; it comes from `{var}`: check it in the selected environment."
            )),
            HttpError::Refused { .. } => Some(format!(
                "Nothing is listening on that port. Is the server running, and does `{var}` in the selected environment point at the right port?"
            )),
            _ => self.general_hint(),
        }
    }

    /// Whether switching the environment may fix this: the host or the URL was wrong, and the URL came from a
    /// variable.
    pub fn concerns_environment(&self, host_variable: Option<&str>) -> bool {
        host_variable.is_some()
            && matches!(
                self,
                HttpError::Dns { .. }
                    | HttpError::Refused { .. }
                    | HttpError::Unreachable { .. }
                    | HttpError::InvalidUrl { .. }
                    | HttpError::Tls {
                        problem: TlsProblem::WrongHost | TlsProblem::NotTls,
                        ..
                    }
            )
    }

    fn general_hint(&self) -> Option<String> {
        Some(match self {
            HttpError::Dns { host, .. } => format!("Check the spelling of `{host}` and your network or VPN; if it comes from a variable such as base_url, check the selected environment."),
            HttpError::Refused { .. } => "Nothing is listening on that port. Is the server running, and does base_url in the selected environment point at the right port?".into(),
            HttpError::Unreachable { .. } => "Check your network connection, VPN or proxy settings.".into(),
            HttpError::Tls { problem, .. } => match problem {
                TlsProblem::UntrustedIssuer => "If you trust this server (a local or staging one), add its CA with `ca_file` in [options], or set `verify_tls = false` in the environment's [options] (apix will show it loudly).".into(),
                TlsProblem::WrongHost => "Use the host name the certificate was issued for, or fix the server's certificate.".into(),
                TlsProblem::Expired | TlsProblem::NotYetValid => "The server's certificate needs renewing (or this machine's clock is wrong).".into(),
                TlsProblem::NotTls => "Is it a plain HTTP server? Try http:// instead of https://.".into(),
                TlsProblem::Revoked | TlsProblem::Handshake(_) => "Check the server's TLS configuration; `verify_tls = false` skips verification for testing.".into(),
            },
            HttpError::Timeout { phase, .. } => format!("The server is slow or not answering. Raise `{}` in [options] (e.g. \"120s\") if this is expected.", phase.option_name()),
            HttpError::TooManyRedirects { chain, is_loop, .. } => {
                let shown = redirect_chain_text(chain);
                if *is_loop {
                    format!("Redirect chain: {shown}. The server sends the request round in a circle, so raising `max_redirects` will not help: check the URL (http or https, a trailing slash, the host name) and any cookie or login the server expects; `follow_redirects = false` shows the first response.")
                } else {
                    format!("Redirect chain: {shown}. Raise `max_redirects` if the chain is expected, or set `follow_redirects = false` to see the first response.")
                }
            }
            HttpError::InvalidUrl { .. } => "URLs look like https://host:port/path?query; check the variables that build it.".into(),
            HttpError::BodyTooLarge { encoded: true, .. } => "A compressed response that expands without end (a 'zip bomb')? If the body really is that big, raise `max_body_size` in [options].".into(),
            HttpError::BodyTooLarge { encoded: false, .. } => "The server kept sending: an endless stream, or a body larger than expected. If it really is that big, raise `max_body_size` in [options], or save it with --output.".into(),
            HttpError::BadResponse { hint, .. } => hint.clone(),
            HttpError::Decode { .. } => "The server's Content-Encoding does not match the data it sent. Set an explicit `Accept-Encoding: identity` header to ask for an uncompressed body.".into(),
            HttpError::ConnectionClosed { .. } => "The server or a proxy dropped the connection; try again, and check the server's logs.".into(),
            HttpError::BodyFile { .. } => "Body file paths are relative to the request file.".into(),
            HttpError::Cancelled | HttpError::Other { .. } | HttpError::InvalidRequest { .. } => return None,
        })
    }

    /// Exit code for the CLI, following xh/HTTPie where they have one.
    pub fn exit_code(&self) -> i32 {
        match self {
            HttpError::Timeout { .. } => 2,
            HttpError::TooManyRedirects { .. } => 6,
            HttpError::Cancelled => 130,
            _ => 1,
        }
    }
}

/// A redirect chain from the URL requested, shortened in the middle when long: `a → b → … → y → z`.
pub fn redirect_chain_text(chain: &[String]) -> String {
    if chain.len() <= 6 {
        return chain.join(" → ");
    }
    let mut shown: Vec<&str> = chain[..2].iter().map(String::as_str).collect();
    shown.push("…");
    shown.extend(chain[chain.len() - 3..].iter().map(String::as_str));
    shown.join(" → ")
}

/// The cause chain of an error as plain text (for a "details" view), innermost last.
pub fn cause_chain(e: &(dyn StdError + 'static)) -> Vec<String> {
    let mut out = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(c) = cur {
        let s = c.to_string();
        if out.last() != Some(&s) {
            out.push(s);
        }
        cur = c.source();
    }
    out
}

fn tls_problem(e: &rustls::Error) -> TlsProblem {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::Expired | C::ExpiredContext { .. } => TlsProblem::Expired,
            C::NotValidYet | C::NotValidYetContext { .. } => TlsProblem::NotYetValid,
            C::UnknownIssuer | C::BadSignature => TlsProblem::UntrustedIssuer,
            C::NotValidForName | C::NotValidForNameContext { .. } => TlsProblem::WrongHost,
            C::Revoked => TlsProblem::Revoked,
            other => TlsProblem::Handshake(format!("{other:?}").to_lowercase()),
        },
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => TlsProblem::NotTls,
        other => TlsProblem::Handshake(other.to_string()),
    }
}

/// Looks through the cause chain (including errors wrapped inside `io::Error`) for something we recognise.
fn find_in_chain<'a, T: StdError + 'static>(e: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(c) = cur {
        if let Some(t) = c.downcast_ref::<T>() {
            return Some(t);
        }
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref() {
                if let Some(t) = inner.downcast_ref::<T>() {
                    return Some(t);
                }
                if let Some(t) = find_in_chain::<T>(inner) {
                    return Some(t);
                }
            }
        }
        cur = c.source();
    }
    None
}

fn find_io(e: &(dyn StdError + 'static)) -> Option<std::io::ErrorKind> {
    find_in_chain::<std::io::Error>(e).map(|io| io.kind())
}

/// hyper's words for an answer it refused to parse, said plainly with what they mean here.
fn bad_response(chain: &[String]) -> Option<HttpError> {
    let text = chain.join(": ").to_ascii_lowercase();
    let (problem, hint) = if text.contains("message head is too large") || text.contains("too many headers") {
        (
            "its headers are larger than apix accepts (more than 100 headers, or over 400 KB of them)",
            "This is a server fault (or a misrouted request): no API needs that many headers. Check the URL, and tell the API's owner.",
        )
    } else if text.contains("invalid http status-code") || text.contains("invalid status") || text.contains("invalid http version") {
        (
            "its status line is malformed (an invalid status code or version, or control characters in it)",
            "The server, or something between it and you (a proxy), answers with broken HTTP. Try the URL with curl -v to see it.",
        )
    } else if text.contains("invalid header") || text.contains("header name") || text.contains("invalid response header") {
        (
            "it sent a header apix cannot read (an invalid name or a control character in a value)",
            "The server sends broken headers; tell the API's owner. curl -v shows what it sent.",
        )
    } else {
        return None;
    };
    Some(HttpError::BadResponse {
        problem: problem.into(),
        hint: hint.into(),
    })
}

/// Classifies a reqwest error. `host`/`port` are the target's; `connected` says whether a connection was made.
pub fn classify(e: &reqwest::Error, host: &str, port: u16, connect_timeout: Duration) -> HttpError {
    let dyn_e: &(dyn StdError + 'static) = e;
    if let Some(d) = find_in_chain::<DnsError>(dyn_e) {
        return HttpError::Dns {
            host: d.host.clone(),
            detail: d.detail.clone(),
        };
    }
    if let Some(t) = find_in_chain::<rustls::Error>(dyn_e) {
        return HttpError::Tls {
            host: host.to_string(),
            problem: tls_problem(t),
        };
    }
    if e.is_timeout() && e.is_connect() {
        return HttpError::Timeout {
            phase: TimeoutPhase::Connect,
            after: connect_timeout,
        };
    }
    let chain = cause_chain(dyn_e);
    let innermost = chain.last().cloned().unwrap_or_default();
    if let Some(kind) = find_io(dyn_e) {
        use std::io::ErrorKind as K;
        match kind {
            K::ConnectionRefused => {
                return HttpError::Refused {
                    host: host.to_string(),
                    port,
                }
            }
            K::TimedOut if e.is_connect() => {
                return HttpError::Timeout {
                    phase: TimeoutPhase::Connect,
                    after: connect_timeout,
                }
            }
            K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof => {
                return HttpError::ConnectionClosed { detail: innermost }
            }
            K::NetworkUnreachable | K::HostUnreachable | K::AddrNotAvailable => {
                return HttpError::Unreachable {
                    host: host.to_string(),
                    port,
                    detail: innermost,
                }
            }
            _ => {}
        }
    }
    if e.is_connect() {
        // hyper says "tcp connect error"; the OS reason is the useful part.
        if innermost.contains("refused") {
            return HttpError::Refused {
                host: host.to_string(),
                port,
            };
        }
        return HttpError::Unreachable {
            host: host.to_string(),
            port,
            detail: innermost,
        };
    }
    if let Some(bad) = bad_response(&chain) {
        return bad;
    }
    if e.is_builder() {
        return HttpError::InvalidRequest { what: innermost };
    }
    if e.is_body() || e.is_decode() || e.is_request() {
        return HttpError::ConnectionClosed { detail: innermost };
    }
    HttpError::Other { detail: innermost }
}

//! `send(prepared, cancel) -> Exchange`: one exchange on its own client, so that timings, the redirect chain and
//! TLS settings belong to this request alone. The body is streamed and decoded by us (not reqwest) so that wire and
//! decoded sizes are both known and a decompression bomb stops at the size cap. Redirects are followed here too
//! (see [`super::redirect`]): credentials never go to another origin, and the cookie jar sees every hop.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::TryStreamExt;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::error::{classify, HttpError, TimeoutPhase};
use super::prepare::{PartData, Prepared, PreparedBody};
use super::record::{Exchange, RedirectHop, ResponseRecord, SentRequest};
use super::redirect::{next_hop, same_origin, Credentials};
use super::spill::Spill;
use super::timing::{new_probe, TimedResolver, TimingLayer, Timings};
use crate::cookies::CookieJar;
use url::Url;

pub use super::client::USER_AGENT;
const ACCEPT_ENCODING: &str = "gzip, br, zstd, deflate";

/// Live progress of a transfer, for spinners and progress bars.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Bytes received on the wire so far (compressed, if the body is).
    pub wire: u64,
    /// Decoded body bytes so far.
    pub decoded: u64,
    /// Content-Length (wire bytes), when the server sent one.
    pub total: Option<u64>,
    /// True once the response headers arrived.
    pub headers_received: bool,
}

fn remaining(deadline: Instant) -> Duration {
    deadline.saturating_duration_since(Instant::now())
}

/// What is known of a response once its headers are in, before the first body byte.
#[derive(Debug, Clone, Copy)]
pub struct ResponseHead<'a> {
    pub status: u16,
    pub headers: &'a [(String, String)],
    pub content_type: Option<&'a str>,
    /// Content-Length (wire bytes), when the server sent one.
    pub total: Option<u64>,
    /// Secret values that arose so far (cookie values sent or received): mask them too.
    pub secrets: &'a [String],
}

/// Receives the response head, then each decoded body chunk as it arrives (to stream to a pipe, to format while the
/// body is still coming, to prepare the history entry). A closure over the chunks is a sink too.
pub trait BodySink: Send {
    fn head(&mut self, _head: &ResponseHead<'_>) {}
    fn chunk(&mut self, data: &[u8]) -> std::io::Result<()>;
    /// The same, for a chunk the sink may keep without copying (a piece straight off the connection).
    fn chunk_bytes(&mut self, data: &Bytes) -> std::io::Result<()> {
        self.chunk(data)
    }
}

impl<F: FnMut(&[u8]) -> std::io::Result<()> + Send> BodySink for F {
    fn chunk(&mut self, data: &[u8]) -> std::io::Result<()> {
        self(data)
    }
}

pub type ChunkSink<'a> = &'a mut dyn BodySink;

/// Sends `prepared`. Cancelling `cancel` stops the transfer promptly and yields `HttpError::Cancelled`.
pub async fn send(
    prepared: &Prepared,
    cancel: CancellationToken,
    progress: Option<watch::Sender<Progress>>,
) -> Result<Exchange, HttpError> {
    send_with_sink(prepared, cancel, progress, None).await
}

/// Like [`send`], also handing every decoded chunk to `sink` as it arrives. A sink error stops the transfer.
pub async fn send_with_sink(
    prepared: &Prepared,
    cancel: CancellationToken,
    progress: Option<watch::Sender<Progress>>,
    sink: Option<ChunkSink<'_>>,
) -> Result<Exchange, HttpError> {
    send_pooled(prepared, None, cancel, progress, sink).await
}

/// Like [`send_with_sink`], over the kept-alive connections of `pool` when given (a run of many sends).
pub async fn send_pooled(
    prepared: &Prepared,
    pool: Option<&super::client::ClientPool>,
    cancel: CancellationToken,
    progress: Option<watch::Sender<Progress>>,
    sink: Option<ChunkSink<'_>>,
) -> Result<Exchange, HttpError> {
    if let Some(pending) = &prepared.pending_auth {
        // Sending without the auth step would go out without credentials and come back as a puzzling 401.
        return Err(HttpError::InvalidRequest {
            what: format!(
                "the {} auth was not applied: call core::auth::authorize before sending",
                pending.type_name()
            ),
        });
    }
    tokio::select! {
        biased;
        _ = cancel.cancelled() => Err(HttpError::Cancelled),
        r = send_inner(prepared, pool, progress, sink) => r,
    }
}

/// A request body that can be sent again on a redirect hop (307/308 keep it).
enum BodyData {
    Empty,
    Bytes(Bytes),
    Multipart(Vec<PartBytes>),
}

struct PartBytes {
    name: String,
    text: Option<String>,
    file: Option<(Bytes, String)>,
    content_type: Option<String>,
}

async fn read_file(path: &std::path::Path) -> Result<Bytes, HttpError> {
    tokio::fs::read(path).await.map(Bytes::from).map_err(|e| HttpError::BodyFile {
        path: path.display().to_string(),
        detail: e.to_string(),
    })
}

impl BodyData {
    async fn load(body: &PreparedBody) -> Result<(BodyData, u64), HttpError> {
        Ok(match body {
            PreparedBody::Empty => (BodyData::Empty, 0),
            PreparedBody::Bytes(b) => (BodyData::Bytes(Bytes::from(b.clone())), b.len() as u64),
            PreparedBody::File(path) => {
                let data = read_file(path).await?;
                let n = data.len() as u64;
                (BodyData::Bytes(data), n)
            }
            PreparedBody::Multipart(parts) => {
                let mut out = Vec::new();
                let mut size = 0;
                for part in parts {
                    let (text, file) = match &part.data {
                        PartData::Text(t) => (Some(t.clone()), None),
                        PartData::File(path) => {
                            let data = read_file(path).await?;
                            size += data.len() as u64;
                            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                            let ct = part
                                .content_type
                                .clone()
                                .unwrap_or_else(|| super::prepare::guess_content_type(path).to_string());
                            (None, Some((data, format!("{name}\u{0}{ct}"))))
                        }
                    };
                    out.push(PartBytes {
                        name: part.name.clone(),
                        text,
                        file,
                        content_type: part.content_type.clone(),
                    });
                }
                (BodyData::Multipart(out), size)
            }
        })
    }

    fn attach(&self, req: reqwest::RequestBuilder) -> Result<reqwest::RequestBuilder, HttpError> {
        let bad_ct = |ct: &str| HttpError::InvalidRequest {
            what: format!("`{ct}` is not a valid content type"),
        };
        Ok(match self {
            BodyData::Empty => req,
            BodyData::Bytes(b) => req.body(b.clone()),
            BodyData::Multipart(parts) => {
                let mut form = reqwest::multipart::Form::new();
                for part in parts {
                    let mp = match (&part.text, &part.file) {
                        (_, Some((data, meta))) => {
                            let (name, ct) = meta.split_once('\u{0}').unwrap_or((meta.as_str(), "application/octet-stream"));
                            reqwest::multipart::Part::stream(data.clone())
                                .file_name(name.to_string())
                                .mime_str(ct)
                                .map_err(|_| bad_ct(ct))?
                        }
                        (text, None) => {
                            let mut mp = reqwest::multipart::Part::text(text.clone().unwrap_or_default());
                            if let Some(ct) = &part.content_type {
                                mp = mp.mime_str(ct).map_err(|_| bad_ct(ct))?;
                            }
                            mp
                        }
                    };
                    form = form.part(part.name.clone(), mp);
                }
                req.multipart(form)
            }
        })
    }
}

fn build_client(
    opts: &super::options::SendOptions,
    probe: &super::timing::SharedProbe,
    ca: Option<&[u8]>,
    pooled: bool,
) -> Result<reqwest::Client, HttpError> {
    let invalid = |e: super::client::ClientError| HttpError::InvalidRequest { what: e.0 };
    let mut b = super::client::builder(opts, ca)
        .map_err(invalid)?
        .dns_resolver(Arc::new(TimedResolver { probe: probe.clone() }))
        .connector_layer(TimingLayer { probe: probe.clone() });
    if !pooled {
        // One connection per exchange: its timings (DNS, connect, TLS) are this request's own.
        b = b.pool_max_idle_per_host(0);
    }
    b.build().map_err(|e| HttpError::InvalidRequest { what: e.to_string() })
}

/// The chain of URLs a too-long or looping redirect went through, for the error.
fn too_many(max: u32, hops: &[RedirectHop], first: &Url, next: &Url) -> HttpError {
    let mut chain = vec![first.to_string()];
    chain.extend(hops.iter().map(|h| h.to.clone()));
    let next = next.to_string();
    let is_loop = chain.contains(&next);
    chain.push(next);
    HttpError::TooManyRedirects { max, chain, is_loop }
}

async fn send_inner(
    p: &Prepared,
    pool: Option<&super::client::ClientPool>,
    progress: Option<watch::Sender<Progress>>,
    mut sink: Option<ChunkSink<'_>>,
) -> Result<Exchange, HttpError> {
    let opts = &p.options;
    let ca = match &opts.ca_file {
        Some(path) => Some(tokio::fs::read(path).await.map_err(|e| HttpError::InvalidRequest {
            what: format!("cannot read the CA file {}: {e}", path.display()),
        })?),
        None => None,
    };
    let (client, probe) = match pool {
        Some(pool) => pool.client(opts, |probe| build_client(opts, probe, ca.as_deref(), true))?,
        None => {
            let probe = new_probe();
            (build_client(opts, &probe, ca.as_deref(), false)?, probe)
        }
    };
    let origin = p.url.origin().ascii_serialization();
    let may_reuse = pool.is_some_and(|pool| pool.has_reached(&origin));
    let jar = if opts.cookies {
        let jar = opts.cookie_jar.clone().unwrap_or_else(CookieJar::in_memory);
        jar.refresh();
        Some(jar)
    } else {
        None
    };
    let credentials = Credentials::of(p);

    let has = |name: &str| p.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    let mut base_headers = p.headers.clone();
    for (k, v) in [("User-Agent", USER_AGENT), ("Accept", "*/*"), ("Accept-Encoding", ACCEPT_ENCODING)] {
        if !has(k) {
            base_headers.push((k.to_string(), v.to_string()));
        }
    }
    // Every header as it will go out (computed ones included): a bad one is named here, not left to the HTTP
    // library's "failed to parse header value".
    let file = p.source.as_ref().map(|f| format!(" (request {})", f.display())).unwrap_or_default();
    for (k, v) in &base_headers {
        if reqwest::header::HeaderName::from_bytes(k.as_bytes()).is_err() {
            return Err(HttpError::InvalidRequest {
                what: format!(
                    "the header name `{}`{file} is not valid (letters, digits and -_ only, no spaces)",
                    crate::sanitize::excerpt(k, 80)
                ),
            });
        }
        if reqwest::header::HeaderValue::from_str(v).is_err() {
            return Err(HttpError::InvalidRequest {
                what: format!(
                    "the value of header `{}`{file} contains a line break, a control character or non-ASCII text, which HTTP headers cannot carry",
                    crate::sanitize::excerpt(k, 80)
                ),
            });
        }
    }
    let (body, body_size) = BodyData::load(&p.body).await?;

    let started = Instant::now();
    let deadline = started + opts.timeout;
    let mut url = p.url.clone();
    let mut method = p.method.clone();
    let mut keep_body = true;
    let mut hops: Vec<RedirectHop> = Vec::new();
    let mut first_sent: Option<Vec<(String, String)>> = None;
    let mut exchange_secrets: Vec<String> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    let response = loop {
        let host = url.host_str().unwrap_or_default().to_string();
        let port = url.port_or_known_default().unwrap_or(80);
        let cross_origin = !same_origin(&url, &p.url);
        let (mut headers, dropped) = if cross_origin {
            credentials.strip_headers(&base_headers)
        } else {
            (base_headers.clone(), Vec::new())
        };
        if let Some(hop) = hops.last_mut() {
            hop.dropped.extend(dropped);
        }
        if !keep_body {
            super::redirect::drop_body_headers(&mut headers);
        }
        if let Some((cookie, values)) = jar.as_ref().and_then(|j| j.header_for(&url)) {
            exchange_secrets.extend(values);
            match headers.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case("cookie")) {
                Some((_, v)) => {
                    v.push_str("; ");
                    v.push_str(&cookie);
                }
                None => headers.push(("Cookie".into(), cookie)),
            }
        }
        let m = reqwest::Method::from_bytes(method.as_bytes()).map_err(|_| HttpError::InvalidRequest {
            what: format!("`{method}` is not a valid HTTP method"),
        })?;
        let mut req = client.request(m, url.clone());
        for (k, v) in &headers {
            req = req.header(k.as_str(), v.as_str());
        }
        if keep_body {
            req = body.attach(req)?;
        }
        if first_sent.is_none() {
            first_sent = Some(headers.clone());
        }
        let header_wait = opts.read_timeout.min(remaining(deadline));
        let header_phase = if opts.read_timeout <= remaining(deadline) {
            TimeoutPhase::FirstByte
        } else {
            TimeoutPhase::Total
        };
        let response = match tokio::time::timeout(header_wait, req.send()).await {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => return Err(classify(&e, &host, port, opts.connect_timeout)),
            Err(_) => {
                let connected = may_reuse || probe.lock().map(|p| p.connected).unwrap_or(false);
                return Err(HttpError::Timeout {
                    phase: if connected { header_phase } else { TimeoutPhase::Connect },
                    after: started.elapsed(),
                });
            }
        };
        if let Some(jar) = &jar {
            let set: Vec<&str> = response
                .headers()
                .get_all(reqwest::header::SET_COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            if !set.is_empty() {
                exchange_secrets.extend(jar.store_response(&url, &set));
            }
        }
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let next = if opts.follow_redirects {
            next_hop(response.status().as_u16(), location.as_deref(), &url, &method)
        } else {
            None
        };
        let Some(mut next) = next else {
            if !opts.follow_redirects && response.status().is_redirection() {
                if let Some(to) = location.as_deref().and_then(|l| url.join(l).ok()) {
                    hops.push(RedirectHop {
                        status: response.status().as_u16(),
                        from: url.to_string(),
                        to: to.to_string(),
                        dropped: Vec::new(),
                        followed: false,
                    });
                }
            }
            break response;
        };
        if hops.len() >= opts.max_redirects as usize {
            return Err(too_many(opts.max_redirects, &hops, &p.url, &next.url));
        }
        let mut dropped = Vec::new();
        if !same_origin(&next.url, &p.url) {
            dropped = credentials.strip_query(&mut next.url);
        }
        hops.push(RedirectHop {
            status: response.status().as_u16(),
            from: url.to_string(),
            to: next.url.to_string(),
            dropped,
            followed: true,
        });
        // The redirect's own body is not wanted; dropping the response closes its connection.
        drop(response);
        url = next.url;
        method = next.method;
        keep_body &= next.keep_body;
    };
    let ttfb = started.elapsed();
    if let Some(jar) = &jar {
        if let Err(e) = jar.persist() {
            warnings.push(format!("the cookies received were not saved: {e}"));
        }
    }

    let status = response.status();
    let version = format!("{:?}", response.version());
    let final_url = response.url().to_string();
    let host = response.url().host_str().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let encoding = response
        .headers()
        .get(reqwest::header::CONTENT_ENCODING)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty() && e != "identity");
    let total = response.content_length();
    let mut prog = Progress {
        total,
        headers_received: true,
        ..Default::default()
    };
    if let Some(tx) = &progress {
        let _ = tx.send(prog);
    }
    if let Some(sink) = sink.as_mut() {
        sink.head(&ResponseHead {
            status: status.as_u16(),
            headers: &headers,
            content_type: content_type.as_deref(),
            total,
            secrets: &exchange_secrets,
        });
    }

    let wire = Arc::new(AtomicU64::new(0));
    let wire_in = wire.clone();
    let stream = response
        .bytes_stream()
        .inspect_ok(move |chunk| {
            wire_in.fetch_add(chunk.len() as u64, Ordering::Relaxed);
        })
        .map_err(std::io::Error::other);
    let mut notes = Vec::new();
    // An identity body is taken chunk by chunk as it comes off the connection (past the retained prefix, a chunk
    // goes to the sink without a copy); an encoded one through its decoder.
    let mut source = match encoding.as_deref() {
        None => Source::Raw(Box::pin(stream)),
        Some(enc) => {
            let reader = tokio_util::io::StreamReader::new(stream);
            Source::Decoded(match enc {
                "gzip" | "x-gzip" => Box::new(async_compression::tokio::bufread::GzipDecoder::new(reader)),
                "br" => Box::new(async_compression::tokio::bufread::BrotliDecoder::new(reader)),
                "zstd" => Box::new(async_compression::tokio::bufread::ZstdDecoder::new(reader)),
                "deflate" => Box::new(async_compression::tokio::bufread::ZlibDecoder::new(reader)),
                other => {
                    notes.push(format!(
                        "the body is encoded as `{other}`, which apix does not decode; shown as received"
                    ));
                    Box::new(reader)
                }
            })
        }
    };

    let cap = opts.max_body_size;
    let retain = if sink.is_some() { opts.retain_limit } else { None };
    let initial = total
        .map(|t| t.min(cap).min(opts.spill_above).min(retain.unwrap_or(u64::MAX)).min(64 << 20) as usize)
        .unwrap_or(64 * 1024);
    // Past the retain limit, chunks are read into this scratch buffer, handed to the sink and dropped.
    let mut scratch: Vec<u8> = Vec::new();
    let mut received: u64 = 0;
    let mut spill: Option<Spill> = None;
    let mut body: Vec<u8> = Vec::with_capacity(initial);
    let mut last_report = Instant::now();
    loop {
        let discarding = retain.is_some_and(|r| body.len() as u64 >= r);
        if discarding {
            scratch.clear();
            if scratch.capacity() == 0 {
                scratch.reserve(256 * 1024);
            }
        } else if body.capacity() - body.len() < 64 * 1024 {
            body.reserve(body.len().clamp(64 * 1024, 64 << 20));
        }
        let target: &mut Vec<u8> = if discarding { &mut scratch } else { &mut body };
        let wait = opts.read_timeout.min(remaining(deadline));
        let phase = if opts.read_timeout <= remaining(deadline) {
            TimeoutPhase::Body
        } else {
            TimeoutPhase::Total
        };
        let mut piece: Option<Bytes> = None;
        let n = match &mut source {
            Source::Raw(stream) => match tokio::time::timeout(wait, stream.try_next()).await {
                Ok(Ok(Some(bytes))) => {
                    let n = bytes.len();
                    if discarding {
                        piece = Some(bytes);
                    } else {
                        target.extend_from_slice(&bytes);
                    }
                    n
                }
                Ok(Ok(None)) => 0,
                Ok(Err(e)) => return Err(HttpError::ConnectionClosed { detail: innermost_io(&e) }),
                Err(_) => {
                    return Err(HttpError::Timeout {
                        phase,
                        after: started.elapsed(),
                    })
                }
            },
            Source::Decoded(decoder) => match tokio::time::timeout(wait, decoder.read_buf(target)).await {
                Ok(Ok(n)) => n,
                Ok(Err(e)) => {
                    let detail = e.to_string();
                    return Err(match &encoding {
                        Some(enc) if !is_transport_error(&e) => HttpError::Decode {
                            encoding: enc.clone(),
                            detail,
                        },
                        _ => HttpError::ConnectionClosed { detail: innermost_io(&e) },
                    });
                }
                Err(_) => {
                    return Err(HttpError::Timeout {
                        phase,
                        after: started.elapsed(),
                    })
                }
            },
        };
        if n == 0 {
            break;
        }
        received += n as u64;
        if received > cap {
            return Err(HttpError::BodyTooLarge {
                limit: cap,
                encoded: encoding.is_some(),
            });
        }
        if let Some(sink) = sink.as_mut() {
            let written = match &piece {
                Some(b) => sink.chunk_bytes(b),
                None if discarding => sink.chunk(&scratch),
                None => sink.chunk(&body[body.len() - n..]),
            };
            written.map_err(|e| HttpError::Other {
                detail: format!("could not write the body out: {e}"),
            })?;
        }
        if discarding {
            // Not kept: the sink had it.
        } else if spill.is_none() && received > opts.spill_above {
            if let Some(dir) = &opts.spill_dir {
                spill = Some(Spill::start(dir, &body).map_err(|e| HttpError::Other {
                    detail: format!("could not write the large body to {}: {e}", dir.display()),
                })?);
                body.clear();
                body.shrink_to(1 << 20);
            }
        } else if let Some(sp) = spill.as_mut() {
            sp.write(&body).map_err(|e| HttpError::Other {
                detail: format!("could not write the large body to {}: {e}", sp.path.display()),
            })?;
            body.clear();
        }
        if let Some(tx) = &progress {
            if last_report.elapsed() >= Duration::from_millis(50) {
                prog.wire = wire.load(Ordering::Relaxed);
                prog.decoded = received;
                let _ = tx.send(prog);
                last_report = Instant::now();
            }
        }
    }
    let total_time = started.elapsed();
    let wire_size = wire.load(Ordering::Relaxed);
    if let Some(tx) = &progress {
        prog.wire = wire_size;
        prog.decoded = received;
        let _ = tx.send(prog);
    }

    let probe = probe
        .lock()
        .map(|p| (p.dns, p.connect, p.dns_host.clone()))
        .unwrap_or((None, None, None));
    if let Some(pool) = pool {
        pool.reached(origin);
    }
    let reused = may_reuse && probe.1.is_none();
    if reused {
        notes.push("connection reused (kept alive from an earlier request of this run): no DNS, connect or TLS time".into());
    } else if probe.0.is_none() {
        notes.push(
            if p.url.host().is_some_and(|h| !matches!(h, url::Host::Domain(_))) || host == "localhost" && probe.2.is_none() {
                "no DNS lookup: the host is an IP address".to_string()
            } else {
                "DNS lookup not seen (connection through a proxy)".to_string()
            },
        );
    }
    if p.url.scheme() == "https" {
        notes.push("TLS handshake time is included in connect".into());
    }
    let timings = Timings {
        dns: probe.0,
        connect: probe.1,
        tls: None,
        ttfb,
        download: total_time.saturating_sub(ttfb),
        total: total_time,
        notes: notes.clone(),
    };
    let spilled = match spill {
        Some(sp) => {
            let (head, spilled) = sp.finish(received).map_err(|e| HttpError::Other {
                detail: format!("could not finish the large body file: {e}"),
            })?;
            body = head;
            Some(spilled)
        }
        None => {
            body.shrink_to_fit();
            None
        }
    };
    let decoded_size = received;
    exchange_secrets.retain(|s| !s.is_empty());
    exchange_secrets.sort();
    exchange_secrets.dedup();
    Ok(Exchange {
        request: SentRequest::new(p, first_sent.as_deref().unwrap_or_default(), body_size),
        response: ResponseRecord {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_string(),
            version,
            headers,
            body: Bytes::from(body),
            spilled,
            content_type,
            content_encoding: encoding,
            wire_size,
            decoded_size,
            final_url,
            redirects: hops,
            timings,
        },
        secrets: exchange_secrets,
        warnings,
    })
}

/// Where the body's bytes come from.
enum Source {
    Raw(std::pin::Pin<Box<dyn futures_util::Stream<Item = std::io::Result<Bytes>> + Send>>),
    Decoded(Box<dyn AsyncRead + Send + Unpin>),
}

fn is_transport_error(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.downcast_ref::<reqwest::Error>().is_some())
}

fn innermost_io(e: &std::io::Error) -> String {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = e.get_ref().map(|r| r as &(dyn std::error::Error + 'static));
    let mut last = e.to_string();
    while let Some(c) = cur {
        last = c.to_string();
        cur = c.source();
    }
    last
}

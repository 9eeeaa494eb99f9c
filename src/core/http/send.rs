//! `send(prepared, cancel) -> Exchange`: one exchange on its own client, so that timings, the redirect chain and
//! TLS settings belong to this request alone. The body is streamed and decoded by us (not reqwest) so that wire and
//! decoded sizes are both known and a decompression bomb stops at the size cap.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::TryStreamExt;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::error::{classify, HttpError, TimeoutPhase};
use super::prepare::{PartData, Prepared, PreparedBody};
use super::record::{Exchange, RedirectHop, ResponseRecord, SentRequest, SpilledBody, SPILL_HEAD};
use super::timing::{new_probe, TimedResolver, TimingLayer, Timings};

pub const USER_AGENT: &str = concat!("apix/", env!("CARGO_PKG_VERSION"));
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

/// Raised from the redirect policy; recognised in the error chain by `classify`.
#[derive(Debug)]
pub struct RedirectLimit {
    pub max: u32,
    pub chain: Vec<String>,
    pub is_loop: bool,
}

impl std::fmt::Display for RedirectLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "more than {} redirects", self.max)
    }
}

impl std::error::Error for RedirectLimit {}

fn remaining(deadline: Instant) -> Duration {
    deadline.saturating_duration_since(Instant::now())
}

/// Receives each decoded body chunk as it arrives (e.g. to stream to a pipe while the body is still coming).
pub type ChunkSink<'a> = &'a mut (dyn FnMut(&[u8]) -> std::io::Result<()> + Send);

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
        r = send_inner(prepared, progress, sink) => r,
    }
}

async fn send_inner(
    p: &Prepared,
    progress: Option<watch::Sender<Progress>>,
    mut sink: Option<ChunkSink<'_>>,
) -> Result<Exchange, HttpError> {
    let opts = &p.options;
    let host = p.url.host_str().unwrap_or_default().to_string();
    let port = p.url.port_or_known_default().unwrap_or(80);
    let probe = new_probe();
    let hops: Arc<Mutex<Vec<RedirectHop>>> = Arc::default();

    let policy = {
        let hops = hops.clone();
        let follow = opts.follow_redirects;
        let max = opts.max_redirects;
        reqwest::redirect::Policy::custom(move |attempt| {
            let from = attempt.previous().last().map(|u| u.to_string()).unwrap_or_default();
            let to = attempt.url().to_string();
            if let Ok(mut h) = hops.lock() {
                h.push(RedirectHop {
                    status: attempt.status().as_u16(),
                    from: from.clone(),
                    to: to.clone(),
                });
            }
            if !follow {
                return attempt.stop();
            }
            if attempt.previous().len() > max as usize {
                let mut chain: Vec<String> = attempt.previous().iter().map(|u| u.to_string()).collect();
                let is_loop = chain.contains(&to);
                chain.push(to);
                return attempt.error(RedirectLimit { max, chain, is_loop });
            }
            attempt.follow()
        })
    };

    let mut builder = reqwest::Client::builder()
        .dns_resolver(Arc::new(TimedResolver { probe: probe.clone() }))
        .connector_layer(TimingLayer { probe: probe.clone() })
        .connect_timeout(opts.connect_timeout)
        .redirect(policy)
        .pool_max_idle_per_host(0)
        .danger_accept_invalid_certs(!opts.verify_tls);
    if let Some(proxy) = &opts.proxy {
        let px = reqwest::Proxy::all(proxy).map_err(|_| HttpError::InvalidRequest {
            what: format!("the proxy `{proxy}` is not a valid URL"),
        })?;
        builder = builder.proxy(px);
    }
    if let Some(ca) = &opts.ca_file {
        let pem = tokio::fs::read(ca).await.map_err(|e| HttpError::InvalidRequest {
            what: format!("cannot read the CA file {}: {e}", ca.display()),
        })?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|_| HttpError::InvalidRequest {
            what: format!("the CA file {} holds no PEM certificate", ca.display()),
        })?;
        for c in certs {
            builder = builder.add_root_certificate(c);
        }
    }
    let client = builder.build().map_err(|e| HttpError::InvalidRequest { what: e.to_string() })?;

    let method = reqwest::Method::from_bytes(p.method.as_bytes()).map_err(|_| HttpError::InvalidRequest {
        what: format!("`{}` is not a valid HTTP method", p.method),
    })?;
    let mut req = client.request(method, p.url.clone());
    let has = |name: &str| p.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    let mut sent_headers = p.headers.clone();
    for (k, v) in [("User-Agent", USER_AGENT), ("Accept", "*/*"), ("Accept-Encoding", ACCEPT_ENCODING)] {
        if !has(k) {
            sent_headers.push((k.to_string(), v.to_string()));
        }
    }
    for (k, v) in &sent_headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let mut body_size = 0u64;
    req = match &p.body {
        PreparedBody::Empty => req,
        PreparedBody::Bytes(b) => {
            body_size = b.len() as u64;
            req.body(b.clone())
        }
        PreparedBody::File(path) => {
            let data = tokio::fs::read(path).await.map_err(|e| HttpError::BodyFile {
                path: path.display().to_string(),
                detail: e.to_string(),
            })?;
            body_size = data.len() as u64;
            req.body(data)
        }
        PreparedBody::Multipart(parts) => {
            let mut form = reqwest::multipart::Form::new();
            for part in parts {
                let mut mp = match &part.data {
                    PartData::Text(t) => reqwest::multipart::Part::text(t.clone()),
                    PartData::File(path) => {
                        let data = tokio::fs::read(path).await.map_err(|e| HttpError::BodyFile {
                            path: path.display().to_string(),
                            detail: e.to_string(),
                        })?;
                        body_size += data.len() as u64;
                        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                        let ct = part
                            .content_type
                            .clone()
                            .unwrap_or_else(|| super::prepare::guess_content_type(path).to_string());
                        reqwest::multipart::Part::bytes(data)
                            .file_name(name)
                            .mime_str(&ct)
                            .map_err(|_| HttpError::InvalidRequest {
                                what: format!("`{ct}` is not a valid content type"),
                            })?
                    }
                };
                if let (Some(ct), PartData::Text(_)) = (&part.content_type, &part.data) {
                    mp = mp.mime_str(ct).map_err(|_| HttpError::InvalidRequest {
                        what: format!("`{ct}` is not a valid content type"),
                    })?;
                }
                form = form.part(part.name.clone(), mp);
            }
            req.multipart(form)
        }
    };

    let started = Instant::now();
    let deadline = started + opts.timeout;
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
            let connected = probe.lock().map(|p| p.connected).unwrap_or(false);
            return Err(HttpError::Timeout {
                phase: if connected { header_phase } else { TimeoutPhase::Connect },
                after: started.elapsed(),
            });
        }
    };
    let ttfb = started.elapsed();

    let status = response.status();
    let version = format!("{:?}", response.version());
    let final_url = response.url().to_string();
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

    let wire = Arc::new(AtomicU64::new(0));
    let wire_in = wire.clone();
    let stream = response
        .bytes_stream()
        .inspect_ok(move |chunk| {
            wire_in.fetch_add(chunk.len() as u64, Ordering::Relaxed);
        })
        .map_err(std::io::Error::other);
    let reader = tokio_util::io::StreamReader::new(stream);
    let mut notes = Vec::new();
    let mut decoder: Box<dyn AsyncRead + Send + Unpin> = match encoding.as_deref() {
        None => Box::new(reader),
        Some("gzip") | Some("x-gzip") => Box::new(async_compression::tokio::bufread::GzipDecoder::new(reader)),
        Some("br") => Box::new(async_compression::tokio::bufread::BrotliDecoder::new(reader)),
        Some("zstd") => Box::new(async_compression::tokio::bufread::ZstdDecoder::new(reader)),
        Some("deflate") => Box::new(async_compression::tokio::bufread::ZlibDecoder::new(reader)),
        Some(other) => {
            notes.push(format!(
                "the body is encoded as `{other}`, which apix does not decode; shown as received"
            ));
            Box::new(reader)
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
        let n = match tokio::time::timeout(wait, decoder.read_buf(target)).await {
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
        };
        if n == 0 {
            break;
        }
        received += n as u64;
        if received > cap {
            return Err(HttpError::BodyTooLarge { limit: cap });
        }
        if let Some(sink) = sink.as_mut() {
            let just_read = if discarding { &scratch[..] } else { &body[body.len() - n..] };
            sink(just_read).map_err(|e| HttpError::Other {
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
    if probe.0.is_none() {
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
    let redirects = hops.lock().map(|h| h.clone()).unwrap_or_default();
    let decoded_size = received;
    Ok(Exchange {
        request: SentRequest::new(p, &sent_headers, body_size),
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
            redirects,
            timings,
        },
    })
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

/// A body being written to a temporary file because it outgrew memory.
struct Spill {
    file: std::fs::File,
    path: std::path::PathBuf,
    head: Vec<u8>,
}

impl Spill {
    fn start(dir: &std::path::Path, so_far: &[u8]) -> std::io::Result<Spill> {
        static N: AtomicU64 = AtomicU64::new(0);
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!(
            "apix-body-{}-{}.bin",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let mut file = std::fs::File::options().write(true).create_new(true).open(&path)?;
        if let Err(e) = std::io::Write::write_all(&mut file, so_far) {
            let _ = std::fs::remove_file(&path);
            return Err(e);
        }
        Ok(Spill {
            file,
            path,
            head: so_far[..so_far.len().min(SPILL_HEAD)].to_vec(),
        })
    }

    fn write(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        std::io::Write::write_all(&mut self.file, chunk)
    }

    fn finish(mut self, len: u64) -> std::io::Result<(Vec<u8>, SpilledBody)> {
        std::io::Write::flush(&mut self.file)?;
        let path = std::mem::take(&mut self.path);
        let head = std::mem::take(&mut self.head);
        Ok((head, SpilledBody::new(path, len)))
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        // Not finished (an error or a cancel): remove the partial file.
        if !self.path.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

//! Measuring the phases of one exchange through reqwest's resolver and connector hooks. A phase we cannot see is
//! reported as unmeasured, never invented.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// What the hooks saw; shared between the resolver, the connector layer and the send loop.
#[derive(Debug, Default)]
pub struct Probe {
    pub dns: Option<Duration>,
    pub connect: Option<Duration>,
    pub dns_host: Option<String>,
    pub connected: bool,
}

pub type SharedProbe = Arc<Mutex<Probe>>;

pub fn new_probe() -> SharedProbe {
    Arc::new(Mutex::new(Probe::default()))
}

fn with_probe(p: &SharedProbe, f: impl FnOnce(&mut Probe)) {
    if let Ok(mut g) = p.lock() {
        f(&mut g);
    }
}

/// A DNS lookup failure we can recognise later in reqwest's error chain.
#[derive(Debug)]
pub struct DnsError {
    pub host: String,
    pub detail: String,
}

impl std::fmt::Display for DnsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "could not resolve {}: {}", self.host, self.detail)
    }
}

impl std::error::Error for DnsError {}

/// The system resolver (getaddrinfo via tokio), timed.
pub struct TimedResolver {
    pub probe: SharedProbe,
}

impl Resolve for TimedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let probe = self.probe.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let start = Instant::now();
            let result = tokio::net::lookup_host((host.clone(), 0)).await;
            let took = start.elapsed();
            with_probe(&probe, |p| {
                p.dns = Some(took);
                p.dns_host = Some(host.clone());
            });
            match result {
                Ok(addrs) => {
                    let v: Vec<SocketAddr> = addrs.collect();
                    if v.is_empty() {
                        return Err(Box::new(DnsError {
                            host,
                            detail: "no addresses found".into(),
                        }) as Box<dyn std::error::Error + Send + Sync>);
                    }
                    Ok(Box::new(v.into_iter()) as Addrs)
                }
                Err(e) => Err(Box::new(DnsError {
                    host,
                    detail: e.to_string(),
                }) as Box<dyn std::error::Error + Send + Sync>),
            }
        })
    }
}

/// Times the whole connector (DNS + TCP + TLS); the DNS share is subtracted when reporting.
#[derive(Clone)]
pub struct TimingLayer {
    pub probe: SharedProbe,
}

impl<S> tower_layer::Layer<S> for TimingLayer {
    type Service = TimingService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        TimingService {
            inner,
            probe: self.probe.clone(),
        }
    }
}

#[derive(Clone)]
pub struct TimingService<S> {
    inner: S,
    probe: SharedProbe,
}

impl<S, R> tower_service::Service<R> for TimingService<S>
where
    S: tower_service::Service<R>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> Self::Future {
        let start = Instant::now();
        let fut = self.inner.call(req);
        let probe = self.probe.clone();
        Box::pin(async move {
            let r = fut.await;
            let took = start.elapsed();
            if r.is_ok() {
                with_probe(&probe, |p| {
                    p.connect = Some(took.saturating_sub(p.dns.unwrap_or_default()));
                    p.connected = true;
                });
            }
            r
        })
    }
}

/// The phases of one exchange, as far as they could be measured.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timings {
    /// Name lookup; `None` when no lookup happened (an IP address) or it could not be seen.
    pub dns: Option<Duration>,
    /// TCP connect, including the TLS handshake for https (they are measured together).
    pub connect: Option<Duration>,
    /// The TLS handshake alone: not separable with the hooks reqwest offers, so always `None` for now.
    pub tls: Option<Duration>,
    /// From the start of the send to the response headers.
    pub ttfb: Duration,
    /// From the headers to the last body byte.
    pub download: Duration,
    pub total: Duration,
    /// Plain-words notes on phases that could not be measured.
    pub notes: Vec<String>,
}

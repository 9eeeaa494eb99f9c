//! Send options with every default applied: timeouts, redirects, TLS, size caps, where big bodies go.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::collection::Options;
use crate::cookies::CookieJar;

pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(60);
pub const DEFAULT_MAX_REDIRECTS: u32 = 10;
/// Decoded bodies stop here unless `max_body_size` says otherwise (a gzip bomb must not eat the machine).
pub const DEFAULT_MAX_BODY_SIZE: u64 = 1 << 30;
/// Decoded bodies larger than this are kept in a temporary file rather than in memory.
pub const DEFAULT_SPILL_ABOVE: u64 = 256_000_000;

/// Options with every default applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendOptions {
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    pub follow_redirects: bool,
    pub max_redirects: u32,
    pub proxy: Option<String>,
    pub ca_file: Option<PathBuf>,
    pub verify_tls: bool,
    pub max_body_size: u64,
    /// Bodies past this size go to a temporary file instead of memory (the viewer pages from it).
    pub spill_above: u64,
    /// Where spilled bodies go; `None` keeps everything in memory.
    pub spill_dir: Option<PathBuf>,
    /// With a chunk sink: keep only this much of the body in the record (the sink gets all of it). For `apix send`
    /// to a pipe, which needs no more than the history keeps. The record's `decoded_size` tells the full size.
    pub retain_limit: Option<u64>,
    /// `[options] cookies`: false turns cookies off entirely, even within one redirect chain.
    pub cookies: bool,
    /// The jar cookies are read from and stored in (a collection's); `None` keeps them within one redirect chain.
    pub cookie_jar: Option<Arc<CookieJar>>,
}

impl Default for SendOptions {
    fn default() -> Self {
        SendOptions::from_options(&Options::default(), None)
    }
}

impl SendOptions {
    pub fn from_options(o: &Options, base_dir: Option<&Path>) -> Self {
        SendOptions {
            timeout: o.timeout.unwrap_or(DEFAULT_TOTAL_TIMEOUT),
            connect_timeout: o.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            read_timeout: o.read_timeout.unwrap_or(DEFAULT_READ_TIMEOUT),
            follow_redirects: o.follow_redirects.unwrap_or(true),
            max_redirects: o.max_redirects.unwrap_or(DEFAULT_MAX_REDIRECTS),
            proxy: o.proxy.clone(),
            ca_file: o.ca_file.as_ref().map(|f| match base_dir {
                Some(b) => b.join(f),
                None => PathBuf::from(f),
            }),
            verify_tls: o.verify_tls.unwrap_or(true),
            max_body_size: o.max_body_size.unwrap_or(DEFAULT_MAX_BODY_SIZE),
            spill_above: DEFAULT_SPILL_ABOVE,
            spill_dir: Some(crate::paths::cache_dir().join("bodies")),
            retain_limit: None,
            cookies: o.cookies.unwrap_or(true),
            cookie_jar: None,
        }
    }
}

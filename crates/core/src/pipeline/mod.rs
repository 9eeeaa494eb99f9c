//! The one send pipeline: prepare → trust → auth → HTTP → history, for every front end (`apix send`, the TUI, and
//! later `apix run`). A [`Session`] holds what many sends share (the auth context, the cookie jars, history, where
//! large bodies spill); a front end calls [`Session::prepare`] (blocking: keyring lookups and `{{cmd.…}}` commands
//! may run, so the TUI calls it off its render path), then [`Session::send`] with its hooks (cancel, progress, a
//! body sink), and gets one [`Sent`]: the exchange or one [`SendError`], and the history record to write when it
//! suits the front end (the CLI after the body reached the pipe; the TUI on a blocking job).
//!
//! ```text
//!  Target ─prepare─▶ Ready ─send─▶ auth ─▶ HTTP (hooks: cancel, progress, sink ⟂ history tap) ─▶ Sent ─record─▶ history
//!     │ untrusted command / outside file: ask(question) → trust → prepare again
//!     └─▶ SendError::{Prepare, Trust, TrustStore}        SendError::{Auth, Http}
//! ```

pub mod error;
mod record;
mod target;
pub mod trust;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::auth::{self, AuthContext};
use crate::cookies::CookieJar;
use crate::history::{HistoryConfig, HistoryTap};
use crate::http::{self, BodySink, Exchange, PrepareContext, Prepared, Progress, ResponseHead};
use crate::mask::Masker;
use crate::template::trust::TrustStore;
use crate::template::DemoUrlFn;

pub use error::{Fix, SendError};
pub use record::Record;
pub use target::{Mode, Place, Ready, Target};
pub use trust::{TrustKind, TrustQuestion};

/// The front end's hooks into one send.
#[derive(Default)]
pub struct Hooks<'a> {
    pub cancel: CancellationToken,
    pub progress: Option<watch::Sender<Progress>>,
    /// Gets the response head and every decoded chunk as it arrives.
    pub sink: Option<&'a mut dyn BodySink>,
}

/// The outcome of one send.
#[derive(Debug)]
pub struct Sent {
    pub prepared: Prepared,
    pub result: Result<Exchange, SendError>,
    /// From the start of the auth step to the last byte (or the failure).
    pub elapsed: Duration,
    /// Things worth saying that did not stop the send (a cookie jar that could not be read).
    pub warnings: Vec<String>,
    record: Option<Record>,
}

impl Sent {
    /// The history record of this send, when history keeps it (not for a cancelled send, an auth failure, or a
    /// collection whose history is off). [`Record::write`] blocks: call it where blocking is fine.
    pub fn take_record(&mut self) -> Option<Record> {
        let record = self.record.take()?;
        match &self.result {
            Ok(x) => Some(record.with_outcome(&self.prepared, Ok(x.clone()))),
            Err(SendError::Http(e)) if !matches!(e, http::HttpError::Cancelled) => {
                Some(record.with_outcome(&self.prepared, Err(e.clone())))
            }
            _ => None,
        }
    }
}

/// Cookie jars by (collection root, environment), opened once per session.
type Jars = Arc<Mutex<HashMap<(PathBuf, Option<String>), Arc<CookieJar>>>>;

/// What many sends share. Cheap to clone (the clones share the jars).
#[derive(Clone)]
pub struct Session {
    /// `{{$demo}}`: the built-in demo server's address, started on first use.
    pub demo: Option<DemoUrlFn>,
    pub auth: AuthContext,
    /// Where cookie jars live; None: no stored cookies (`--no-cookies`).
    pub cookie_dir: Option<PathBuf>,
    /// Bodies past this size spill to files in this folder (None: the engine's defaults).
    pub spill: Option<(u64, PathBuf)>,
    /// History, when it is on for this front end: the settings and the database.
    pub history: Option<(Arc<HistoryConfig>, PathBuf)>,
    pub trust: TrustStore,
    /// For a run of many sends ([`Session::for_run`]): kept-alive connections, one client per connection setting.
    pub pool: Option<http::ClientPool>,
    /// For a run of many sends: each keyring entry read and each command run once.
    pub secrets: Option<crate::template::sources::SecretCache>,
    jars: Jars,
}

impl Default for Session {
    fn default() -> Self {
        Session {
            demo: None,
            auth: AuthContext::default(),
            cookie_dir: Some(crate::cookies::default_dir()),
            spill: None,
            history: None,
            trust: TrustStore::default(),
            pool: None,
            secrets: None,
            jars: Jars::default(),
        }
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("cookie_dir", &self.cookie_dir)
            .field("spill", &self.spill)
            .field("history", &self.history.as_ref().map(|(_, db)| db))
            .finish_non_exhaustive()
    }
}

/// How many trust questions one prepare may ask (a collection has few commands; this bound is never reached).
const MAX_QUESTIONS: usize = 64;

impl Session {
    /// This session set up for a run of many sends one after another (`apix run`, an evaluation): connections
    /// kept alive between requests to the same host, and secrets (keyring entries, commands) looked up once for
    /// the whole run. Per-send timing stays the send's own; a reused connection is said in its timing notes.
    pub fn for_run(mut self) -> Session {
        self.pool = Some(http::ClientPool::default());
        self.secrets = Some(Default::default());
        self
    }

    /// Resolves `target`. When a command or an outside file needs trust, `ask` is asked (None: nobody to ask, e.g.
    /// no terminal or a background job); on yes the trust is recorded and the prepare runs again. Blocking.
    pub fn prepare(
        &self,
        target: &Target<'_>,
        mode: Mode,
        ask: &mut dyn FnMut(&TrustQuestion) -> Option<bool>,
    ) -> Result<Ready, SendError> {
        let environment = target.environment.and_then(|n| target.collection.and_then(|c| c.environment(n)));
        let ctx = PrepareContext {
            collection: target.collection,
            environment,
            overrides: target.overrides,
            demo_url: self.demo.clone(),
            masked_preview: mode == Mode::MaskedPreview,
            secrets: self.secrets.clone(),
            trust: Some(self.trust.clone()),
        };
        let mut asked = 0;
        tracing::debug!(request = %target.def.path.display(), environment = ?target.environment, ?mode, "prepare");
        let prepared = loop {
            let cause = match http::prepare(&ctx, target.def) {
                Ok(p) => break p,
                Err(e) => e,
            };
            let Some(question) = TrustQuestion::of(&cause) else {
                return Err(SendError::Prepare(cause));
            };
            asked += 1;
            match ask(&question) {
                Some(true) if asked <= MAX_QUESTIONS => self.trust(&question)?,
                answer => {
                    return Err(SendError::Trust {
                        question: Box::new(question),
                        declined: answer.is_some(),
                        cause,
                    })
                }
            }
        };
        let place = Place {
            root: target.collection.map(|c| c.root.clone()),
            environment: environment.map(|e| e.name.clone()),
            def: (!target.def.path.as_os_str().is_empty()).then(|| target.def.clone()),
        };
        Ok(Ready { prepared, place })
    }

    /// Records the user's yes to `question` (the next prepare of the collection goes through).
    pub fn trust(&self, question: &TrustQuestion) -> Result<(), SendError> {
        self.trust
            .trust(&question.collection, question.key())
            .map_err(|e| SendError::TrustStore {
                store: self.trust.path.clone(),
                detail: e.to_string(),
            })
    }

    /// The cookie jar of a collection and environment (opened once per session).
    fn jar(&self, dir: &std::path::Path, place: &Place) -> Option<Result<Arc<CookieJar>, String>> {
        let root = place.root.clone()?;
        let key = (root, place.environment.clone());
        let mut jars = self.jars.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(j) = jars.get(&key) {
            return Some(Ok(j.clone()));
        }
        Some(match CookieJar::open(dir, &key.0, key.1.as_deref()) {
            Ok(j) => {
                jars.insert(key, j.clone());
                Ok(j)
            }
            Err(e) => Err(e.to_string()),
        })
    }

    /// Authorizes and sends `ready`; the body goes to `hooks.sink` as it arrives (and to history, teed).
    pub async fn send(&self, ready: Ready, hooks: Hooks<'_>) -> Sent {
        let Ready { mut prepared, place } = ready;
        let started = Instant::now();
        let mut warnings = Vec::new();
        if let Some(dir) = &self.cookie_dir {
            match self.jar(dir, &place) {
                Some(Ok(jar)) => prepared.options.cookie_jar = Some(jar),
                Some(Err(e)) => warnings.push(format!("{e}; this send uses no stored cookies")),
                None => {}
            }
        }
        if let Some((above, dir)) = &self.spill {
            prepared.options.spill_above = *above;
            prepared.options.spill_dir = Some(dir.clone());
        }
        let mut record = self
            .history
            .as_ref()
            .filter(|(config, _)| config.records(place.root.as_deref()))
            .map(|(config, db)| Record::start(config.clone(), db.clone(), place));

        let Hooks { cancel, progress, sink } = hooks;
        let masker = Masker::new(&prepared.secrets);
        let url = masker.mask(prepared.url.as_str()).into_owned();
        tracing::info!(method = %prepared.method, url = %url, "send");
        if let Err(e) = auth::authorize(&mut prepared, &self.auth, cancel.clone()).await {
            tracing::warn!(method = %prepared.method, url = %url, error = %masker.mask(&e.to_string()), "auth step failed");
            return Sent {
                prepared,
                result: Err(SendError::Auth(e)),
                elapsed: started.elapsed(),
                warnings,
                record: None,
            };
        }
        let mut tee = Tee {
            front: sink,
            tap: record.as_ref().map(|r| HistoryTap::new(&prepared, r.max_body_size())),
        };
        let use_sink = tee.front.is_some() || tee.tap.is_some();
        let sink = use_sink.then_some(&mut tee as http::ChunkSink);
        let result = http::send_pooled(&prepared, self.pool.as_ref(), cancel, progress, sink).await;
        if let (Some(r), Some(tap)) = (record.as_mut(), tee.tap.take()) {
            r.streamed = tap.finish();
        }
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match &result {
            Ok(x) => tracing::info!(
                status = x.response.status,
                bytes = x.response.decoded_size,
                elapsed_ms,
                redirects = x.response.redirects.len(),
                "received"
            ),
            Err(e) => tracing::warn!(elapsed_ms, error = %masker.mask(&e.to_string()), "send failed"),
        }
        Sent {
            prepared,
            result: result.map_err(SendError::Http),
            elapsed: started.elapsed(),
            warnings,
            record,
        }
    }
}

/// The front end's sink and the history tap, fed the same chunks.
struct Tee<'a> {
    front: Option<&'a mut dyn BodySink>,
    tap: Option<HistoryTap>,
}

impl BodySink for Tee<'_> {
    fn head(&mut self, head: &ResponseHead<'_>) {
        if let Some(t) = self.tap.as_mut() {
            t.head(head);
        }
        if let Some(f) = self.front.as_mut() {
            f.head(head);
        }
    }

    fn chunk(&mut self, data: &[u8]) -> std::io::Result<()> {
        if let Some(t) = self.tap.as_mut() {
            t.chunk(data);
        }
        match self.front.as_mut() {
            Some(f) => f.chunk(data),
            None => Ok(()),
        }
    }

    fn chunk_bytes(&mut self, data: &bytes::Bytes) -> std::io::Result<()> {
        if let Some(t) = self.tap.as_mut() {
            t.chunk_bytes(data);
        }
        match self.front.as_mut() {
            Some(f) => f.chunk_bytes(data),
            None => Ok(()),
        }
    }
}

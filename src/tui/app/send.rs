//! Sending never blocks: `prepare` runs at once (its errors show at once, nothing is spawned); the send itself is a
//! task with a cancellation token that reports back with `Message::Http`. Progress is read from a watch channel
//! when drawing, so a fast transfer cannot flood the loop with messages.
//!
//! ```text
//!  Send ─prepare─▶ Sending{started, progress, cancel, body} ──Http(Ok)──▶ Done(exchange, body) ─Formatted─▶ Done
//!     └─error──▶ Failed      │ (JSON re-indented chunk by chunk)  ├─Http(Err)─▶ Failed      (text bodies only)
//!                            ▼ first screen readable already       └─Esc────────▶ Cancelled
//! ```
//!
//! The send task hands every decoded chunk to the body's [`LiveDoc`], so a JSON body is formatted and indexed while
//! it downloads (the viewer shows and scrolls the first screen at once); bodies over the memory cap spill to a
//! temporary file on both sides (the raw body in the HTTP engine, the formatted text in the document).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::body::{classify, format_text, BodyDoc, LiveDoc};
use super::response::ResponseView;
use super::{App, Level, Pane};
use crate::core::cookies::CookieJar;
use crate::core::format::document::SpillPolicy;
use crate::core::history::HistoryTap;
use crate::core::http::{self, insight, Exchange, HttpError, PrepareContext, PrepareError, Progress, StatusInsight};
use crate::core::template::mask_secrets;
use crate::tui::app::body::Limits;
use crate::tui::message::Message;

#[derive(Debug)]
pub enum RequestState {
    Sending {
        started: Instant,
        progress: watch::Receiver<Progress>,
        cancel: CancellationToken,
        /// "GET http://…", secrets masked.
        line: String,
        /// The body as far as it arrived (JSON formatted as it comes).
        body: Arc<LiveDoc>,
    },
    Done(Box<DoneState>),
    Failed(Box<Failure>),
    Cancelled {
        after: Duration,
        line: String,
    },
}

#[derive(Debug)]
pub struct DoneState {
    pub exchange: Arc<Exchange>,
    pub insight: StatusInsight,
    pub body: BodyDoc,
}

/// A failure said in plain words: what happened, how to fix it, and the raw detail one key away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub title: String,
    pub message: String,
    pub hint: Option<String>,
    pub request_line: Option<String>,
    pub elapsed: Option<Duration>,
    pub detail: String,
}

impl Failure {
    pub fn from_prepare(e: &PrepareError) -> Failure {
        Failure {
            title: "not sent".into(),
            message: e.to_string(),
            hint: e.hint(),
            request_line: None,
            elapsed: None,
            detail: format!("{e:#?}"),
        }
    }

    pub fn from_http(e: &HttpError, line: String, elapsed: Duration) -> Failure {
        Failure {
            title: e.title().into(),
            message: e.to_string(),
            hint: e.hint(),
            request_line: Some(line),
            elapsed: Some(elapsed),
            detail: format!("{e:#?}"),
        }
    }
}

#[derive(Debug)]
pub struct Slot {
    pub id: u64,
    pub state: RequestState,
    pub view: ResponseView,
}

/// Bodies up to this size are formatted on the spot when they complete (sub-millisecond); larger ones in the background.
const INLINE_FORMAT: u64 = 256 * 1024;

/// Formats a complete text body off the render path; the newest send of a request wins (older results are ignored by
/// id). Without a runtime (snapshot tests) it runs inline.
fn spawn_format(
    tx: UnboundedSender<Message>,
    id: u64,
    path: &Path,
    exchange: Arc<Exchange>,
    live: Arc<LiveDoc>,
    spill: SpillPolicy,
) -> bool {
    let handle = match tokio::runtime::Handle::try_current() {
        Ok(h) if exchange.response.decoded_size > INLINE_FORMAT => h,
        _ => {
            format_text(&exchange.response, &live, &spill);
            return false;
        }
    };
    let path = path.to_path_buf();
    handle.spawn(async move {
        let job = tokio::task::spawn_blocking(move || format_text(&exchange.response, &live, &spill));
        if job.await.is_ok() {
            let _ = tx.send(Message::Formatted { id, path });
        }
    });
    true
}

/// Where a TUI send puts the body as it arrives: the viewer's document (formatted as it comes) and the history tap.
struct ViewerSink {
    doc: Arc<LiveDoc>,
    spill: Option<SpillPolicy>,
    limits: Limits,
    tap: Option<HistoryTap>,
}

impl http::BodySink for ViewerSink {
    fn head(&mut self, head: &http::ResponseHead<'_>) {
        // Content-Length decides where the text goes.
        self.spill = Some(self.limits.doc_spill_for(head.total));
        if let Some(t) = self.tap.as_mut() {
            t.head(head);
        }
    }

    fn chunk(&mut self, data: &[u8]) -> std::io::Result<()> {
        if let Some(t) = self.tap.as_mut() {
            t.chunk(data);
        }
        let limits = &self.limits;
        let spill = self.spill.get_or_insert_with(|| limits.doc_spill_for(None));
        self.doc.feed(data, spill);
        Ok(())
    }

    fn chunk_bytes(&mut self, data: &bytes::Bytes) -> std::io::Result<()> {
        if let Some(t) = self.tap.as_mut() {
            t.chunk_bytes(data);
        }
        let limits = &self.limits;
        let spill = self.spill.get_or_insert_with(|| limits.doc_spill_for(None));
        self.doc.feed(data, spill);
        Ok(())
    }
}

impl App {
    /// Ctrl-R: prepare the open draft (unsaved edits included) and send it in the background.
    pub(super) fn send_open(&mut self) {
        self.end_field_edit();
        if self.prepare_commands_first() {
            return;
        }
        let Some(open) = self.open.as_ref() else {
            self.notify(Level::Info, "Open a request first: select it in the tree and press Enter");
            return;
        };
        let path = open.draft.path.clone();
        let collection = self.workspace.get(open.collection);
        let environment = self.environment(open.collection);
        let ctx = PrepareContext {
            collection,
            environment,
            overrides: &[],
            demo_url: Some(self.demo.clone()),
            masked_preview: false,
        };
        let prepared = http::prepare(&ctx, &open.draft);
        // The same jar as `apix send FILE`: per collection and environment, in the data dir.
        let jar_key = collection.map(|c| (c.root.clone(), environment.map(|e| e.name.clone())));
        let id = self.next_id();
        // A new send replaces the previous one of the same request.
        if let Some(Slot {
            state: RequestState::Sending { cancel, .. },
            ..
        }) = self.slots.get(&path)
        {
            cancel.cancel();
        }
        let view = self.slots.remove(&path).map(|s| s.view.reset()).unwrap_or_default();
        let mut prepared = match prepared {
            Ok(p) => p,
            Err(e) => {
                let failure = Failure::from_prepare(&e);
                self.notify(Level::Error, format!("Not sent: {}", failure.message));
                self.slots.insert(
                    path,
                    Slot {
                        id,
                        state: RequestState::Failed(Box::new(failure)),
                        view,
                    },
                );
                return;
            }
        };
        if !prepared.warnings.is_empty() {
            self.notify(Level::Warning, prepared.warnings.join(" · "));
        }
        let line = format!("{} {}", prepared.method, mask_secrets(prepared.url.as_str(), &prepared.secrets));
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            self.notify(Level::Error, "Cannot send: the background runtime is not running");
            return;
        };
        prepared.options.spill_above = self.limits.memory_cap;
        prepared.options.spill_dir = Some(self.limits.spill_dir.clone());
        let (progress_tx, progress_rx) = watch::channel(Progress::default());
        let cancel = CancellationToken::new();
        let started = Instant::now();
        let tx = self.tx.clone();
        let task_cancel = cancel.clone();
        let task_path = path.clone();
        let body = LiveDoc::new();
        let task_body = body.clone();
        let limits = self.limits.clone();
        let (auth_step, recorder) = (self.auth_step(id), self.history_recorder());
        handle.spawn(async move {
            if let Some((root, env)) = &jar_key {
                // A jar that cannot be read only means this send goes without stored cookies.
                prepared.options.cookie_jar = CookieJar::open(&crate::core::cookies::default_dir(), root, env.as_deref()).ok();
            }
            // Digest, SigV4 and OAuth 2.0 are applied here, just before the send (a failure ends the send: app/auth.rs).
            if !auth_step.authorize(&mut prepared, &task_cancel, &task_path, started).await {
                return;
            }
            // Re-indenting a 64 KB piece takes well under a millisecond, so this stays cooperative; it also paces the
            // download to the formatter, so chunks never pile up in memory.
            let mut sink = ViewerSink {
                doc: task_body.clone(),
                spill: None,
                limits,
                // A large body is masked and compressed for history on another thread while it downloads.
                tap: recorder.tap(&prepared),
            };
            let result = http::send_with_sink(&prepared, task_cancel, Some(progress_tx), Some(&mut sink)).await;
            if result.is_ok() {
                // Finishing the document here keeps even that last step off the UI thread.
                task_body.finish_json();
            }
            let streamed = sink.tap.take().and_then(HistoryTap::finish);
            recorder.record(&prepared, &result, streamed);
            let _ = tx.send(Message::Http {
                id,
                path: task_path,
                result: Box::new(result),
                elapsed: started.elapsed(),
            });
        });
        self.slots.insert(
            path,
            Slot {
                id,
                state: RequestState::Sending {
                    started,
                    progress: progress_rx,
                    cancel,
                    line,
                    body,
                },
                view,
            },
        );
        if self.areas.narrow && self.focus == Pane::Tree {
            self.focus = Pane::Response;
        }
    }

    /// Shows a finished exchange (or failure) for the open request as if it had just been sent, formatting the
    /// body right away. For previews of history entries and for tests and snapshots with hand-made exchanges.
    pub fn show_result(&mut self, result: Result<Exchange, HttpError>, elapsed: Duration) {
        self.show_result_with(result, elapsed, LiveDoc::new());
    }

    /// [`show_result`](Self::show_result) with a body document already fed while the body arrived (benchmarks).
    pub fn show_result_with(&mut self, result: Result<Exchange, HttpError>, elapsed: Duration, body: Arc<LiveDoc>) {
        let Some(path) = self.open.as_ref().map(|o| o.draft.path.clone()) else {
            return;
        };
        let id = self.next_id();
        let line = match &result {
            Ok(ex) => format!("{} {}", ex.request.method, ex.request.url),
            Err(_) => self
                .open
                .as_ref()
                .map(|o| format!("{} {}", o.draft.method, o.draft.url))
                .unwrap_or_default(),
        };
        let view = self.slots.remove(&path).map(|s| s.view.reset()).unwrap_or_default();
        let (progress_tx, progress) = watch::channel(Progress::default());
        drop(progress_tx);
        let state = RequestState::Sending {
            started: Instant::now(),
            progress,
            cancel: CancellationToken::new(),
            line,
            body,
        };
        self.slots.insert(path.clone(), Slot { id, state, view });
        self.on_http(id, path, result, elapsed);
    }

    pub(super) fn on_http(&mut self, id: u64, path: PathBuf, result: Result<Exchange, HttpError>, elapsed: Duration) {
        let tx = self.tx.clone();
        let Some(slot) = self.slots.get_mut(&path) else { return };
        if slot.id != id {
            // A newer send of the same request replaced this one.
            return;
        }
        self.redraw = true;
        let (line, live) = match &slot.state {
            RequestState::Sending { line, body, .. } => (line.clone(), body.clone()),
            _ => (String::new(), LiveDoc::new()),
        };
        match result {
            Ok(exchange) => {
                let exchange = Arc::new(exchange);
                let resp = &exchange.response;
                let (body, needs_format) = classify(resp, &live);
                let insight = insight(resp);
                if needs_format {
                    spawn_format(tx, id, &path, exchange.clone(), live, self.limits.doc_spill());
                }
                slot.view.highlight = None;
                slot.state = RequestState::Done(Box::new(DoneState { exchange, insight, body }));
            }
            Err(HttpError::Cancelled) => {
                slot.state = RequestState::Cancelled { after: elapsed, line };
                self.notify(Level::Info, format!("Cancelled after {}", crate::core::format_duration(elapsed)));
            }
            Err(e) => {
                slot.state = RequestState::Failed(Box::new(Failure::from_http(&e, line, elapsed)));
            }
        }
    }

    pub(super) fn on_formatted(&mut self, id: u64, path: &Path) {
        let Some(slot) = self.slots.get_mut(path) else { return };
        if slot.id != id {
            return;
        }
        slot.view.highlight = None;
        self.redraw = true;
        if slot.view.search.is_some() {
            self.run_search_again();
        }
    }
}

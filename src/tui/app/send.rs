//! Sending never blocks: `prepare` runs at once (its errors show at once, nothing is spawned); the send itself is a
//! task with a cancellation token that reports back with `Message::Http`. Progress is read from a watch channel
//! when drawing, so a fast transfer cannot flood the loop with messages.
//!
//! ```text
//!  Send ─prepare─▶ Sending{started, progress, cancel} ──Http(Ok)──▶ Done(exchange, body preview) ─Formatted─▶ Done
//!     └─error──▶ Failed                                ├─Http(Err)─▶ Failed
//!                                                       └─Esc────────▶ Cancelled
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::body::{format_full, preview, BodyDoc, TextDoc};
use super::response::ResponseView;
use super::{App, Level, Pane};
use crate::core::http::{self, insight, Exchange, HttpError, PrepareContext, PrepareError, Progress, StatusInsight};
use crate::core::template::mask_secrets;
use crate::tui::message::Message;

#[derive(Debug)]
pub enum RequestState {
    Sending {
        started: Instant,
        progress: watch::Receiver<Progress>,
        cancel: CancellationToken,
        /// "GET http://…", secrets masked.
        line: String,
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

/// Formats a body off the render path; the newest send of a request wins (older results are ignored by id).
fn spawn_format(tx: UnboundedSender<Message>, id: u64, path: &Path, exchange: Arc<Exchange>) {
    let Ok(handle) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let path = path.to_path_buf();
    handle.spawn(async move {
        let job = tokio::task::spawn_blocking(move || {
            let r = &exchange.response;
            format_full(r.content_type.as_deref(), &r.body)
        });
        if let Ok(doc) = job.await {
            let _ = tx.send(Message::Formatted {
                id,
                path,
                doc: Arc::new(doc),
            });
        }
    });
}

impl App {
    /// Ctrl-R: prepare the open draft (unsaved edits included) and send it in the background.
    pub(super) fn send_open(&mut self) {
        self.end_field_edit();
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
        };
        let prepared = http::prepare(&ctx, &open.draft);
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
        let prepared = match prepared {
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
        let (progress_tx, progress_rx) = watch::channel(Progress::default());
        let cancel = CancellationToken::new();
        let started = Instant::now();
        let tx = self.tx.clone();
        let task_cancel = cancel.clone();
        let task_path = path.clone();
        handle.spawn(async move {
            let result = http::send(&prepared, task_cancel, Some(progress_tx)).await;
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
        };
        self.slots.insert(path.clone(), Slot { id, state, view });
        let formatted = match &result {
            Ok(ex) if !ex.response.body.is_empty() => Some(Arc::new(format_full(ex.response.content_type.as_deref(), &ex.response.body))),
            _ => None,
        };
        self.on_http(id, path.clone(), result, elapsed);
        if let Some(doc) = formatted {
            if doc.kind.is_text() {
                self.on_formatted(id, &path, doc);
            }
        }
    }

    pub(super) fn on_http(&mut self, id: u64, path: PathBuf, result: Result<Exchange, HttpError>, elapsed: Duration) {
        let tx = self.tx.clone();
        let Some(slot) = self.slots.get_mut(&path) else { return };
        if slot.id != id {
            // A newer send of the same request replaced this one.
            return;
        }
        self.redraw = true;
        let line = match &slot.state {
            RequestState::Sending { line, .. } => line.clone(),
            _ => String::new(),
        };
        match result {
            Ok(exchange) => {
                let exchange = Arc::new(exchange);
                let resp = &exchange.response;
                let (body, needs_format) = preview(resp.content_type.as_deref(), &resp.body);
                let insight = insight(resp);
                if needs_format {
                    spawn_format(tx, id, &path, exchange.clone());
                }
                slot.view.scroll = 0;
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

    pub(super) fn on_formatted(&mut self, id: u64, path: &Path, doc: Arc<TextDoc>) {
        let Some(slot) = self.slots.get_mut(path) else { return };
        if slot.id != id {
            return;
        }
        if let RequestState::Done(done) = &mut slot.state {
            done.body = BodyDoc::Text(doc);
            slot.view.highlight = None;
            self.redraw = true;
            if slot.view.search.is_some() {
                self.run_search_again();
            }
        }
    }
}

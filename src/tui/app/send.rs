//! Sending never blocks: Ctrl-R starts one `Send` job that prepares the draft off the UI thread (keyring lookups and
//! `{{cmd.…}}` commands may take a while), then runs the core pipeline (auth, HTTP, history) with the viewer's body
//! sink. Every message about a send names it by its id, so a request renamed, moved or deleted while in flight
//! still ends (deleting it cancels the send). Progress is read from a watch channel when drawing, so a fast
//! transfer cannot flood the loop with messages.
//!
//! ```text
//!  Send ─job─▶ Sending{started, progress, cancel, body} ─Prepared─▶ (line, warnings) ─Http(Ok)─▶ Done ─Formatted─▶ Done
//!                 │ (JSON re-indented chunk by chunk)                 ├─Http(Err)─▶ Failed (a trust question: dialog)
//!                 ▼ first screen readable already                     └─Esc───────▶ Cancelled
//! ```
//!
//! The send job hands every decoded chunk to the body's [`LiveDoc`], so a JSON body is formatted and indexed while
//! it downloads (the viewer shows and scrolls the first screen at once); bodies over the memory cap spill to a
//! temporary file on both sides (the raw body in the HTTP engine, the formatted text in the document).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::body::{classify, format_text, LiveDoc};
use super::history_state::HistoryEvent;
use super::slot::{DoneState, Failure, RequestState, Slot};
use super::target::SendTarget;

use super::response::Responses;
use super::shell::Shell;
use crate::core::format::document::SpillPolicy;
use crate::core::http::{self, insight, Exchange, HttpError, Progress};
use crate::core::mask::Masker;
use crate::core::pipeline::{Hooks, Mode, SendError, Session, TrustQuestion};
use crate::core::template::mask_secrets;
use crate::tui::app::body::Limits;
use crate::tui::events::Level;
use crate::tui::jobs::{JobCtx, JobKind};
use crate::tui::message::Message;

/// Bodies up to this size are formatted on the spot when they complete (sub-millisecond); larger ones in the background.
const INLINE_FORMAT: u64 = 256 * 1024;

/// Where a TUI send puts the body as it arrives: the viewer's document, formatted as it comes (the pipeline tees
/// the same chunks to history).
struct ViewerSink {
    doc: Arc<LiveDoc>,
    spill: Option<SpillPolicy>,
    limits: Limits,
}

impl http::BodySink for ViewerSink {
    fn head(&mut self, head: &http::ResponseHead<'_>) {
        // Content-Length decides where the text goes.
        self.spill = Some(self.limits.doc_spill_for(head.total));
    }

    fn chunk(&mut self, data: &[u8]) -> std::io::Result<()> {
        let limits = &self.limits;
        let spill = self.spill.get_or_insert_with(|| limits.doc_spill_for(None));
        self.doc.feed(data, spill);
        Ok(())
    }

    fn chunk_bytes(&mut self, data: &bytes::Bytes) -> std::io::Result<()> {
        let limits = &self.limits;
        let spill = self.spill.get_or_insert_with(|| limits.doc_spill_for(None));
        self.doc.feed(data, spill);
        Ok(())
    }
}

/// One send, off the UI thread: prepare (trusting `trust` first, the user's yes), then the pipeline. Reports
/// `Prepared` and `Http`; its result is the history record's outcome.
async fn run_send(
    ctx: JobCtx<Message>,
    id: u64,
    session: Session,
    target: SendTarget,
    trust: Option<TrustQuestion>,
    io: SendIo,
) -> Message {
    let started = Instant::now();
    let prepare_session = session.clone();
    let prepared = tokio::task::spawn_blocking(move || {
        if let Some(q) = &trust {
            prepare_session.trust(q)?;
        }
        target.prepare(&prepare_session, Mode::Send)
    })
    .await
    .unwrap_or_else(|_| {
        Err(SendError::Http(HttpError::Other {
            detail: "the prepare step stopped unexpectedly".into(),
        }))
    });
    let ready = match prepared {
        Ok(r) => r,
        Err(e) => {
            return Message::Http {
                id,
                result: Box::new(Err(e)),
                elapsed: started.elapsed(),
            }
        }
    };
    let p = &ready.prepared;
    ctx.report(Message::Prepared {
        id,
        line: format!("{} {}", p.method, mask_secrets(p.url.as_str(), &p.secrets)),
        warnings: p.warnings.clone(),
        secrets: p.secrets.clone(),
    });
    // Re-indenting a 64 KB piece takes well under a millisecond, so this stays cooperative; it also paces the
    // download to the formatter, so chunks never pile up in memory.
    let mut sink = ViewerSink {
        doc: io.body.clone(),
        spill: None,
        limits: io.limits,
    };
    let hooks = Hooks {
        cancel: ctx.cancel.clone(),
        progress: Some(io.progress),
        sink: Some(&mut sink),
    };
    let mut sent = session.send(ready, hooks).await;
    if sent.result.is_ok() {
        // Finishing the document here keeps even that last step off the UI thread.
        io.body.finish_json();
    }
    let record = sent.take_record();
    if let Ok(x) = &mut sent.result {
        // What the viewer masks: the request's secrets and the cookies of the exchange.
        x.secrets.extend(sent.prepared.secrets.iter().cloned());
    }
    ctx.report(Message::Http {
        id,
        result: Box::new(sent.result),
        elapsed: started.elapsed(),
    });
    let Some(record) = record else { return Message::Tick };
    let path = record.request_path().map(Path::to_path_buf).unwrap_or_default();
    let result = tokio::task::spawn_blocking(move || record.write()).await.unwrap_or_else(|_| {
        Err(crate::core::history::HistoryError::Sqlite {
            path: PathBuf::new(),
            detail: "the thread writing it stopped".into(),
        })
    });
    Message::History(HistoryEvent::Recorded {
        path,
        result: result.map_err(|e| super::history::say(&e)),
    })
}

/// The viewer's side of one send.
struct SendIo {
    body: Arc<LiveDoc>,
    progress: watch::Sender<Progress>,
    limits: Limits,
}

impl Responses {
    /// Sends `target` in the background (after the user said yes to `trust`, if given); its slot shows the send.
    pub(super) fn start_send(&mut self, target: SendTarget, trust: Option<TrustQuestion>, shell: &mut Shell) {
        let path = target.def.path.clone();
        let id = shell.next_id();
        // A new send replaces the previous one of the same request.
        if let Some(Slot {
            state: RequestState::Sending { cancel, .. },
            ..
        }) = self.slots.get(&path)
        {
            cancel.cancel();
        }
        let view = self.slots.remove(&path).map(|s| s.view.reset()).unwrap_or_default();
        // Until the prepare answers: the request as written (placeholders, so no secret).
        let line = format!("{} {}", target.def.method, target.def.url);
        let host_variable = crate::core::template::host_variable(&target.def.url);
        let (progress_tx, progress_rx) = watch::channel(Progress::default());
        let body = LiveDoc::new();
        let io = SendIo {
            body: body.clone(),
            progress: progress_tx,
            limits: shell.limits.clone(),
        };
        let session = shell.session.clone();
        let name = (JobKind::Send, id);
        shell.jobs.spawn(name, move |ctx| run_send(ctx, id, session, target, trust, io));
        let cancel = shell.jobs.token(name);
        self.slots.insert(
            path,
            Slot {
                id,
                state: RequestState::Sending {
                    started: Instant::now(),
                    progress: progress_rx,
                    cancel,
                    line,
                    body,
                },
                view,
                masker: Arc::default(),
                host_variable,
            },
        );
    }

    pub(super) fn on_prepared(&mut self, id: u64, line: String, warnings: Vec<String>, secrets: Vec<String>, shell: &mut Shell) {
        let Some(slot) = self.by_id_mut(id) else { return };
        if let RequestState::Sending { line: l, .. } = &mut slot.state {
            *l = line;
        }
        slot.masker = Arc::new(Masker::new(&secrets));
        shell.redraw = true;
        if !warnings.is_empty() {
            shell.notify(Level::Warning, warnings.join(" · "));
        }
    }

    /// Shows a finished exchange (or failure) in the slot of `path` as if it had just been sent, the body fed in
    /// `body` already; `line` is the request line said when there is no exchange.
    pub(super) fn show_result(
        &mut self,
        path: PathBuf,
        line: String,
        result: Result<Exchange, HttpError>,
        elapsed: Duration,
        body: Arc<LiveDoc>,
        shell: &mut Shell,
    ) {
        let id = shell.next_id();
        // `line` is the draft's request line, as written: its URL says whether a variable decides the host.
        let host_variable = line.split_once(' ').and_then(|(_, url)| crate::core::template::host_variable(url));
        let line = match &result {
            Ok(ex) => format!("{} {}", ex.request.method, ex.request.url),
            Err(_) => line,
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
        let masker = Arc::new(match &result {
            Ok(x) => Masker::new(&x.secrets),
            Err(_) => Masker::default(),
        });
        self.slots.insert(
            path,
            Slot {
                id,
                state,
                view,
                masker,
                host_variable,
            },
        );
        self.on_http(id, result.map_err(SendError::Http), elapsed, shell);
    }

    pub(super) fn on_http(&mut self, id: u64, result: Result<Exchange, SendError>, elapsed: Duration, shell: &mut Shell) {
        let login_key = shell
            .keymap
            .label(crate::tui::keymap::Context::Request, crate::tui::action::Action::FetchToken);
        let spill = shell.limits.doc_spill();
        let Some(slot) = self.by_id_mut(id) else {
            // The request was deleted meanwhile (its send was cancelled), or a newer send replaced this one.
            return;
        };
        let (line, live) = match &slot.state {
            RequestState::Sending { line, body, .. } => (line.clone(), body.clone()),
            _ => (String::new(), LiveDoc::new()),
        };
        let mut format = None;
        let mut question = None;
        match result {
            Ok(exchange) => {
                if !exchange.secrets.is_empty() {
                    slot.masker = Arc::new(Masker::new(&exchange.secrets));
                }
                let exchange = Arc::new(exchange);
                let resp = &exchange.response;
                let (body, needs_format) = classify(resp, &live);
                let insight = insight(resp);
                if needs_format {
                    format = Some((exchange.clone(), live));
                }
                slot.view.highlight = None;
                slot.state = RequestState::Done(Box::new(DoneState { exchange, insight, body }));
            }
            Err(e) if e.is_cancelled() => {
                slot.state = RequestState::Cancelled { after: elapsed, line };
                shell.redraw = true;
                shell.notify(Level::Info, format!("Cancelled after {}", crate::core::format_duration(elapsed)));
                return;
            }
            Err(SendError::Trust {
                question: q,
                declined: false,
                ..
            }) => {
                // Nothing was sent: the dialog asks (the slot goes, below), the pane is empty again.
                question = Some(*q);
            }
            Err(e) => {
                let failure = Failure::from_send(&e, Some(line), Some(elapsed), &login_key, slot.host_variable.as_deref());
                let prepare_failed = failure.request_line.is_none();
                slot.state = RequestState::Failed(Box::new(failure));
                if prepare_failed && question.is_none() {
                    let message = match &slot.state {
                        RequestState::Failed(f) => f.message.clone(),
                        _ => String::new(),
                    };
                    shell.notify(Level::Error, format!("Not sent: {message}"));
                }
            }
        }
        shell.redraw = true;
        if let Some((exchange, live)) = format {
            Self::format_body(id, exchange, live, spill, shell);
        }
        if let (Some(question), Some(path)) = (question, self.path_of(id)) {
            self.slots.remove(&path);
            shell.modal = Some(super::dialogs::Modal::Trust(super::auth_dialog_state::TrustPrompt {
                question,
                path,
            }));
        }
    }

    /// Formats a complete text body: small ones on the spot (sub-millisecond), larger ones as a job.
    fn format_body(id: u64, exchange: Arc<Exchange>, live: Arc<LiveDoc>, spill: SpillPolicy, shell: &mut Shell) {
        if exchange.response.decoded_size <= INLINE_FORMAT {
            format_text(&exchange.response, &live, &spill);
            return;
        }
        shell.jobs.blocking((JobKind::Format, id), move |_| {
            format_text(&exchange.response, &live, &spill);
            Message::Formatted { id }
        });
    }

    pub(super) fn on_formatted(&mut self, current: Option<&Path>, id: u64, shell: &mut Shell) {
        let Some(slot) = self.by_id_mut(id) else { return };
        slot.view.highlight = None;
        shell.redraw = true;
        if slot.view.search.is_some() {
            self.run_search_again(current, shell);
        }
    }
}

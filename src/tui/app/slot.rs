//! What the app knows of each request's latest send: its state (sending, done, failed, cancelled), its viewer and
//! what to mask in it. Plain state, keyed by the send's id in every message; the send itself is in `send.rs`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::body::{BodyDoc, LiveDoc};
use super::viewer::ResponseView;
use crate::core::http::{Exchange, Progress, StatusInsight};
use crate::core::mask::Masker;
use crate::core::pipeline::{Fix, SendError};

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
    /// Switching the environment may fix it (a wrong host or URL that came from a variable): the panel says how.
    pub switch_env: bool,
}

impl Failure {
    /// A failure at any step of a send; `login_key` is the key that fetches a token (for `Fix::Login`).
    /// `host_variable`: the variable the request's URL takes its host from (`{{base_url}}/…`), if any: then the
    /// environment decides where it goes.
    pub fn from_send(
        e: &SendError,
        line: Option<String>,
        elapsed: Option<Duration>,
        login_key: &str,
        host_variable: Option<&str>,
    ) -> Failure {
        let (message, hint) = match e {
            SendError::Auth(a) => (
                format!("{} {}", a.step, a.problem),
                match e.fix() {
                    Some(Fix::Login) => Some(format!(
                        "No usable token: press {login_key} (Auth tab) to fetch one, then send again"
                    )),
                    _ => a.check.clone(),
                },
            ),
            SendError::Prepare(p) | SendError::Trust { cause: p, .. } => (p.to_string(), p.hint()),
            SendError::Http(h) => (h.to_string(), h.hint_for(host_variable)),
            other => (other.to_string(), other.fix().map(|f| f.text())),
        };
        // Nothing went out before a prepare or trust failure: no request line, no time.
        let sent = matches!(e, SendError::Auth(_) | SendError::Http(_));
        Failure {
            title: e.title().into(),
            message,
            hint,
            request_line: if sent { line } else { None },
            elapsed: if sent { elapsed } else { None },
            detail: detail_in_words(e),
            switch_env: matches!(e, SendError::Http(h) if h.concerns_environment(host_variable)),
        }
    }
}

/// The whole error, step by step in words (what failed, the error, each cause it came from, the fix): what `d`
/// shows behind the short panel, instead of a debug dump.
pub fn detail_in_words(e: &SendError) -> String {
    let mut lines = vec![format!("what failed: {}", e.title()), format!("error: {e}")];
    let mut seen = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let text = c.to_string();
        // A wrapper that says what its cause says adds nothing.
        if text != seen {
            lines.push(format!("caused by: {text}"));
        }
        seen = text;
        cause = c.source();
    }
    if let Some(fix) = e.fix() {
        lines.push(format!("what to do: {}", fix.text()));
    }
    lines.join("\n")
}

#[derive(Debug)]
pub struct Slot {
    pub id: u64,
    pub state: RequestState,
    pub view: ResponseView,
    /// The secrets this send carried (and cookies it got): masked wherever its body or headers are drawn.
    pub masker: Arc<Masker>,
    /// The variable the request's URL takes its host from (`{{base_url}}/…`): where it goes depends on the
    /// environment.
    pub host_variable: Option<String>,
}

/// The text document a slot shows in its Body tab: the one arriving while sending, or the finished one.
pub fn slot_text(slot: &Slot) -> Option<&Arc<LiveDoc>> {
    match &slot.state {
        RequestState::Sending { body, .. } => Some(body),
        RequestState::Done(d) => match &d.body {
            BodyDoc::Text(doc) => Some(doc),
            _ => None,
        },
        _ => None,
    }
}

//! One error for a send, whatever step stopped it, with the cause kept whole and a structured fix that each front
//! end says in its own words (a flag on the command line, a key in the TUI).

use std::path::PathBuf;

use thiserror::Error;

use crate::auth::{AuthError, AuthErrorKind};
use crate::http::{HttpError, PrepareError, TimeoutPhase};

use super::trust::TrustQuestion;

#[derive(Debug, Error)]
pub enum SendError {
    /// The request could not be resolved or checked: nothing was sent.
    #[error("{0}")]
    Prepare(#[from] PrepareError),
    /// A command or an outside file needs trust that was not given (declined, or nobody could be asked).
    #[error("{cause}")]
    Trust {
        question: Box<TrustQuestion>,
        /// True when the user said no; false when there was nobody to ask (no terminal).
        declined: bool,
        #[source]
        cause: PrepareError,
    },
    /// The trust was given but could not be recorded.
    #[error("cannot record the trust in {}: {detail}", store.display())]
    TrustStore { store: PathBuf, detail: String },
    /// The auth step (Digest, SigV4, OAuth 2.0) failed before the request went out.
    #[error("{0}")]
    Auth(#[from] AuthError),
    #[error("{0}")]
    Http(#[from] HttpError),
}

/// What to change so the next send works. Front ends say these in their own terms; [`Fix::text`] is the neutral
/// wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// Advice that applies to this case, said as it is.
    Text(String),
    /// The server was slower than a timeout: raise it (the option `[options] <option>`, or `--timeout`).
    RaiseTimeout { phase: TimeoutPhase, option: &'static str },
    /// No usable OAuth 2.0 token, and no way to ask for one during this send: log in first.
    Login,
    /// Trust the collection for a command or for files outside its folder.
    Trust { collection: PathBuf, what: String },
}

impl Fix {
    pub fn text(&self) -> String {
        match self {
            Fix::Text(t) => t.clone(),
            Fix::RaiseTimeout { option, .. } => {
                format!("The server is slow or not answering. Raise `{option}` in [options] (e.g. \"120s\") if this is expected.")
            }
            Fix::Login => "No usable token: log in (fetch a token) first, then send again.".into(),
            Fix::Trust { collection, .. } => format!(
                "if you trust this collection, allow it with `apix trust {}` (asked once per collection)",
                collection.display()
            ),
        }
    }
}

impl SendError {
    /// A short title for a failure panel: "not sent", "auth failed", "connection refused", …
    pub fn title(&self) -> &'static str {
        match self {
            SendError::Prepare(_) | SendError::Trust { .. } | SendError::TrustStore { .. } => "not sent",
            SendError::Auth(_) => "auth failed",
            SendError::Http(e) => e.title(),
        }
    }

    pub fn is_cancelled(&self) -> bool {
        matches!(self, SendError::Http(HttpError::Cancelled)) || matches!(self, SendError::Auth(e) if e.kind == AuthErrorKind::Cancelled)
    }

    /// The structured fix for this case, if there is one.
    pub fn fix(&self) -> Option<Fix> {
        match self {
            SendError::Prepare(e) => e.hint().map(Fix::Text),
            SendError::Trust { question, .. } => Some(Fix::Trust {
                collection: question.collection.clone(),
                what: question.what(),
            }),
            SendError::TrustStore { .. } => Some(Fix::Text("check that the data folder is writable".into())),
            SendError::Auth(e) if e.kind == AuthErrorKind::NeedsLogin => Some(Fix::Login),
            // The auth error's own "check …" is part of its message.
            SendError::Auth(_) => None,
            SendError::Http(HttpError::Timeout { phase, .. }) => Some(Fix::RaiseTimeout {
                phase: *phase,
                option: phase.option_name(),
            }),
            SendError::Http(e) => e.hint().map(Fix::Text),
        }
    }

    /// The exit code of `apix send` (following xh/HTTPie where they have one).
    pub fn exit_code(&self) -> i32 {
        match self {
            SendError::Http(e) => e.exit_code(),
            SendError::Auth(e) if e.kind == AuthErrorKind::Cancelled => 130,
            _ => 1,
        }
    }
}

//! What background work and the terminal report to the app: the payloads of `Message`. Plain data, defined here
//! rather than in `app`, so that the message type does not depend on the app that handles it.

use std::path::PathBuf;

use tokio::sync::mpsc::UnboundedSender;

use crate::core::auth::{AuthError, TokenStatus};
use crate::core::check::OutsideRead;
use crate::core::cookies::CookieInfo;
use crate::core::format::{HighlightCache, StyledSpan};
use crate::core::history::{Comparison, Entry, RecordOutcome, Summary};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Success,
    Warning,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub line: usize,
    /// Byte range within the line.
    pub start: usize,
    pub end: usize,
}

/// Highlighted lines around the visible window of a syntect-highlighted body. The cache (parser checkpoints) is
/// lent to the background job that extends the window, so it is absent while one runs.
#[derive(Debug, Clone)]
pub struct HighlightWindow {
    pub cache: Option<HighlightCache>,
    pub start: usize,
    pub lines: Vec<Vec<StyledSpan>>,
    /// The document generation the lines belong to.
    pub generation: u64,
    /// The window a running job is preparing.
    pub pending: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryPurpose {
    /// Show read-only in the response viewer.
    Open,
    /// Put into the editor, unsaved.
    Restore,
    /// Restore, then send.
    Resend,
}

/// Answers of background history work.
#[derive(Debug)]
pub enum HistoryEvent {
    Recorded {
        path: PathBuf,
        result: Result<RecordOutcome, String>,
    },
    Counted {
        path: PathBuf,
        count: usize,
    },
    SearchDue {
        generation: u64,
    },
    Listed {
        generation: u64,
        result: Result<Vec<Summary>, String>,
    },
    /// An entry, with the workspace request file it belongs to (if that request is loaded).
    Loaded {
        purpose: EntryPurpose,
        result: Result<(Box<Entry>, Option<PathBuf>), String>,
    },
    Compared {
        result: Result<Box<Comparison>, String>,
    },
    Renamed {
        result: Result<usize, String>,
    },
    /// An entry merged into the draft of `path` off the UI thread (the draft was prepared to see what it already
    /// produces); `masked` values came back masked.
    Restored {
        path: PathBuf,
        entry: i64,
        def: Box<crate::core::collection::RequestDef>,
        masked: usize,
        resend: bool,
    },
}

/// Answers of background auth work and requests from running flows.
#[derive(Debug)]
pub enum AuthEvent {
    Token {
        path: PathBuf,
        env: Option<String>,
        view: TokenView,
    },
    TokenDone {
        path: PathBuf,
        action: TokenAction,
        result: Result<Option<TokenStatus>, AuthError>,
    },
    Browser {
        url: String,
        redirect_uri: String,
        opened: bool,
        paste: Option<UnboundedSender<String>>,
    },
    DeviceCode {
        uri: String,
        code: String,
        complete: Option<String>,
    },
    Note(String),
    SecretStored {
        name: String,
        result: Result<crate::core::template::sources::KeyringStore, (String, String)>,
    },
}

/// What the Auth tab knows about a request's cached token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenView {
    Loading,
    /// The effective auth is not OAuth 2.0.
    NotOAuth,
    None,
    Status(TokenStatus),
    /// The request could not be prepared to look (a missing variable, an untrusted command).
    Problem(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenAction {
    Fetch,
    Refresh,
    Forget,
}

/// Answers of the cookie jobs.
#[derive(Debug)]
pub enum CookieEvent {
    Listed {
        collection: PathBuf,
        environment: Option<String>,
        result: Result<Vec<CookieInfo>, String>,
    },
    Cleared {
        domain: Option<String>,
        result: Result<usize, String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustReview {
    pub collection: PathBuf,
    pub name: String,
    pub reads: Vec<OutsideRead>,
    /// What a yes records: the commands, and the outside-files marker, not trusted yet.
    pub untrusted: Vec<String>,
}

//! What happens: input, HTTP completion, background formatting, files changing on disk. Unlike `Action`, messages
//! carry data and are never written in a config file. Background tasks only ever talk to the app through these.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crossterm::event::Event;

use super::events::{AuthEvent, CookieEvent, HighlightWindow, HistoryEvent, Hit, Level, TrustReview};
use super::jobs::JobDone;
use crate::core::http::Exchange;
use crate::core::pipeline::SendError;

#[derive(Debug)]
pub enum Message {
    /// A terminal event (key, mouse, paste, resize).
    Input(Event),
    /// A background job ended; its result is applied if no newer job of its name replaced it.
    Job(JobDone<Message>),
    /// Send `id` was prepared off the UI thread: the request line (secrets masked), warnings and the secrets.
    Prepared {
        id: u64,
        line: String,
        warnings: Vec<String>,
        /// The request's secrets, to mask in what the viewer shows.
        secrets: Vec<String>,
    },
    /// Send `id` finished (successfully, with an error at any step, or cancelled). Every message about a send names
    /// it by id: the request file may have been renamed, moved or deleted meanwhile.
    Http {
        id: u64,
        result: Box<Result<Exchange, SendError>>,
        elapsed: Duration,
    },
    /// A response body finished formatting off the render path (the document itself is shared with the viewer).
    Formatted { id: u64 },
    /// A highlighted window of a body (syntect runs off the render path).
    Highlighted { id: u64, window: Box<HighlightWindow> },
    /// More matches of a body search of send `id` (`search` tells which search they belong to); `done` on the last
    /// batch.
    SearchHits {
        id: u64,
        search: u64,
        hits: Vec<Hit>,
        done: bool,
        capped: bool,
    },
    /// `s` in the response: the body was written to `to` (or why not).
    BodySaved { to: PathBuf, result: Result<u64, String> },
    /// `y`/`Y` on a request prepared off the UI thread: the curl command to copy, or why there is none.
    CurlReady {
        path: PathBuf,
        reveal: bool,
        result: Result<String, String>,
    },
    /// Time to check whether the open file changed on disk (sent about once a second).
    PollFiles,
    /// Ctrl-L read every collection again, off the UI thread.
    WorkspaceLoaded(Vec<crate::core::collection::Collection>),
    /// The open file is no longer what we loaded (`None`: it was deleted).
    DiskChanged { path: PathBuf, stamp: Option<FileStamp> },
    /// Something is animating (a spinner): redraw.
    Tick,
    /// A status message reached the end of its life.
    ExpireNotice(u64),
    /// History work finished in the background (recorded, listed, loaded, compared).
    History(HistoryEvent),
    /// Auth work finished, or a running login needs the user.
    Auth(AuthEvent),
    /// `apix check`'s analysis of one collection.
    Checked {
        root: PathBuf,
        diagnostics: Vec<crate::core::collection::Diagnostic>,
    },
    /// The cookie jar was read or cleared.
    Cookies(CookieEvent),
    /// A collection first opened reads from outside itself and needs trust (None: nothing to ask).
    TrustReview(Option<Box<TrustReview>>),
    /// Something to say in the status bar.
    Notice(Level, String),
    /// SIGTERM or SIGHUP: leave cleanly.
    Terminate(&'static str),
}

impl From<JobDone<Message>> for Message {
    fn from(done: JobDone<Message>) -> Message {
        Message::Job(done)
    }
}

/// What a file looked like when we last read or wrote it: enough to notice any change to its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    pub len: u64,
    pub hash: u64,
}

impl FileStamp {
    pub fn of_bytes(bytes: &[u8]) -> FileStamp {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        bytes.hash(&mut h);
        FileStamp {
            len: bytes.len() as u64,
            hash: h.finish(),
        }
    }

    /// Reads the file now; `None` if it cannot be read (deleted, moved away).
    pub fn read(path: &Path) -> Option<FileStamp> {
        std::fs::read(path).ok().map(|b| FileStamp::of_bytes(&b))
    }
}

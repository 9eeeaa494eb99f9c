//! The one way the TUI runs background work. A job has a kind and a key; starting a job of the same (kind, key)
//! cancels the one running (latest wins), and a replaced job's result is dropped here, so no feature re-implements
//! it. Results come back as messages (a [`JobDone`] wrapped in the app's message type, `Message::Job`), which the
//! app hands to [`Jobs::finish`] first. The runner is generic over that message type, so it knows nothing of the app.
//!
//! The executor is chosen by whoever builds the app: the real program and tests that talk to servers use a tokio
//! runtime; synchronous tests use [`Executor::Inline`], which runs each job to its end at once and queues its
//! messages for the app to apply before it returns (deterministic, and the same code path as the real app).

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

/// Where jobs run.
#[derive(Clone, Debug)]
pub enum Executor {
    /// On this runtime (blocking work on its blocking pool).
    Tokio(tokio::runtime::Handle),
    /// On the calling thread, to the end, before `spawn` returns (synchronous tests; timers that only expire things
    /// never fire, debounced work runs at once).
    Inline,
}

impl Executor {
    /// The runtime this is called on, else inline: for callers that are explicitly fine with either.
    pub fn current_or_inline() -> Executor {
        match tokio::runtime::Handle::try_current() {
            Ok(h) => Executor::Tokio(h),
            Err(_) => Executor::Inline,
        }
    }
}

/// What a job does; with its key it names the job for latest-wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// Prepare (off the UI thread), auth and HTTP of one request; key: the send id.
    Send,
    /// Prepare a request whose collection runs commands, before sending or copying it; key: the request.
    Warm,
    /// Re-indent a complete text body; key: the send id.
    Format,
    /// Highlight a window of a body; key: the send id.
    Highlight,
    /// Search a body; key: the send id.
    Search,
    /// A history read or write; key: unique unless the caller wants latest-wins (listing).
    History,
    /// Wait for typing to pause, then list history again.
    HistoryDebounce,
    /// Compare the open file with the disk.
    DiskPoll,
    /// Read the token status of a request; key: the request.
    TokenStatus,
    /// Fetch, refresh or forget a token.
    TokenAction,
    /// Prepare a request for `y`/`Y` (copy as curl).
    Export,
    /// Write a body to a file.
    SaveBody,
    /// Store a secret in the OS keyring.
    Keyring,
    /// Check a collection as `apix check` does; key: its place in the workspace.
    Check,
    /// Read or clear a cookie jar.
    Cookies,
    /// List what a collection reads from outside itself; record a trust.
    TrustReview,
    /// Let a notice expire.
    Notice,
    /// Read every collection again (Ctrl-L).
    Reload,
}

/// A job's name: its kind and key.
pub type JobName = (JobKind, u64);

/// What a running job gets: its cancellation (cancelled when a newer job of its name starts) and a way to report
/// progress messages before its result.
pub struct JobCtx<M> {
    pub cancel: CancellationToken,
    out: Outlet<M>,
}

impl<M> Clone for JobCtx<M> {
    fn clone(&self) -> Self {
        JobCtx {
            cancel: self.cancel.clone(),
            out: self.out.clone(),
        }
    }
}

impl<M> JobCtx<M> {
    /// Sends a message now (the job's result is its return value).
    pub fn report(&self, msg: M) {
        self.out.send(msg);
    }
}

/// Where messages go: the app's channel, or the inline queue.
enum Outlet<M> {
    Channel(UnboundedSender<M>),
    Queue(Arc<Mutex<VecDeque<M>>>),
}

impl<M> Clone for Outlet<M> {
    fn clone(&self) -> Self {
        match self {
            Outlet::Channel(tx) => Outlet::Channel(tx.clone()),
            Outlet::Queue(q) => Outlet::Queue(q.clone()),
        }
    }
}

impl<M> Outlet<M> {
    fn send(&self, msg: M) {
        match self {
            Outlet::Channel(tx) => {
                let _ = tx.send(msg);
            }
            Outlet::Queue(q) => q.lock().unwrap_or_else(|p| p.into_inner()).push_back(msg),
        }
    }
}

/// A finished job's result, as a message.
#[derive(Debug)]
pub struct JobDone<M> {
    pub name: JobName,
    pub id: u64,
    pub result: Box<M>,
}

pub struct Jobs<M> {
    exec: Executor,
    out: Outlet<M>,
    running: HashMap<JobName, (u64, CancellationToken)>,
    next: u64,
    /// For async jobs run inline (built on first use).
    inline_rt: Option<tokio::runtime::Runtime>,
}

impl<M: Send + 'static> Jobs<M>
where
    M: From<JobDone<M>>,
{
    pub fn new(exec: Executor, tx: UnboundedSender<M>) -> Jobs<M> {
        let out = match exec {
            Executor::Tokio(_) => Outlet::Channel(tx),
            Executor::Inline => Outlet::Queue(Arc::default()),
        };
        Jobs {
            exec,
            out,
            running: HashMap::new(),
            next: 0,
            inline_rt: None,
        }
    }

    /// A fresh key for a job nothing else replaces.
    pub fn unique_key(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    fn start(&mut self, name: JobName) -> (u64, JobCtx<M>) {
        self.next += 1;
        tracing::trace!(kind = ?name.0, key = name.1, id = self.next, "job started");
        let cancel = CancellationToken::new();
        if let Some((_, old)) = self.running.insert(name, (self.next, cancel.clone())) {
            old.cancel();
        }
        let ctx = JobCtx {
            cancel,
            out: self.out.clone(),
        };
        (self.next, ctx)
    }

    /// Runs blocking work (disk, SQLite, syntect, a keyring call) off the UI thread.
    pub fn blocking(&mut self, name: JobName, job: impl FnOnce(&JobCtx<M>) -> M + Send + 'static) -> u64 {
        let (id, ctx) = self.start(name);
        match &self.exec {
            Executor::Tokio(h) => {
                h.spawn_blocking(move || {
                    let result = Box::new(job(&ctx));
                    ctx.out.send(M::from(JobDone { name, id, result }));
                });
            }
            Executor::Inline => {
                let result = Box::new(job(&ctx));
                ctx.out.send(M::from(JobDone { name, id, result }));
            }
        }
        id
    }

    /// Runs async work (network; blocking parts inside it go through `tokio::task::spawn_blocking`).
    pub fn spawn<F, Fut>(&mut self, name: JobName, job: F) -> u64
    where
        F: FnOnce(JobCtx<M>) -> Fut + Send + 'static,
        Fut: Future<Output = M> + Send + 'static,
    {
        let (id, ctx) = self.start(name);
        let out = ctx.out.clone();
        match &self.exec {
            Executor::Tokio(h) => {
                h.spawn(async move {
                    let result = Box::new(job(ctx).await);
                    out.send(M::from(JobDone { name, id, result }));
                });
            }
            Executor::Inline => {
                if self.inline_rt.is_none() {
                    self.inline_rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok();
                }
                if let Some(rt) = &self.inline_rt {
                    let result = Box::new(rt.block_on(job(ctx)));
                    out.send(M::from(JobDone { name, id, result }));
                }
            }
        }
        id
    }

    /// `msg` after `delay` (latest wins per name); inline: at once.
    pub fn debounce(&mut self, name: JobName, delay: Duration, msg: M) {
        match self.exec.clone() {
            Executor::Tokio(_) => {
                self.spawn(name, move |ctx| async move {
                    tokio::time::sleep(delay).await;
                    let _ = ctx;
                    msg
                });
            }
            Executor::Inline => {
                self.blocking(name, move |_| msg);
            }
        }
    }

    /// `msg` after `delay`, to let something expire; inline: never (tests have no clock).
    pub fn expire_after(&mut self, name: JobName, delay: Duration, msg: M) {
        if let Executor::Tokio(_) = self.exec {
            self.spawn(name, move |_| async move {
                tokio::time::sleep(delay).await;
                msg
            });
        }
    }

    /// Cancels the job of this name, if one runs (its result, if any, is dropped).
    pub fn cancel(&mut self, name: JobName) {
        if let Some((_, c)) = self.running.remove(&name) {
            c.cancel();
        }
    }

    /// The cancellation of the job of this name (a fresh token when none runs).
    pub fn token(&self, name: JobName) -> CancellationToken {
        self.running.get(&name).map(|(_, c)| c.clone()).unwrap_or_default()
    }

    /// True when jobs run inline (synchronous tests).
    pub fn is_inline(&self) -> bool {
        matches!(self.exec, Executor::Inline)
    }

    pub fn is_running(&self, name: JobName) -> bool {
        self.running.contains_key(&name)
    }

    /// A job ended: its result if it is still the latest of its name (else None: it was replaced or cancelled).
    pub fn finish(&mut self, done: JobDone<M>) -> Option<M> {
        match self.running.get(&done.name) {
            Some((id, _)) if *id == done.id => {
                self.running.remove(&done.name);
                Some(*done.result)
            }
            _ => {
                tracing::trace!(kind = ?done.name.0, key = done.name.1, id = done.id, "result of a replaced job dropped");
                None
            }
        }
    }

    /// Messages inline jobs produced since the last call.
    pub fn take_inline(&mut self) -> Option<M> {
        match &self.out {
            Outlet::Queue(q) => q.lock().unwrap_or_else(|p| p.into_inner()).pop_front(),
            Outlet::Channel(_) => None,
        }
    }

    /// How many jobs run now (for the loop: tick while any do).
    pub fn running(&self) -> usize {
        self.running.len()
    }
}

impl<M> Drop for Jobs<M> {
    fn drop(&mut self) {
        for (_, c) in self.running.values() {
            c.cancel();
        }
        // An inline runtime must not be dropped inside another runtime's context (tokio panics); leak-free either way.
        if let Some(rt) = self.inline_rt.take() {
            rt.shutdown_background();
        }
    }
}

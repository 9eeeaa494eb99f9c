//! The Cookies dialog (`c` in the response pane, or the palette): the jar of the open request's collection and
//! environment, the same one `apix send` and `apix cookies list` use: name, domain, path, expiry and flags, values
//! masked (they are credentials). `x` clears the selected cookie's domain, `X` every cookie. A component: it owns
//! its state, answers keys and job results itself and is drawn from `&self`; it knows nothing of the app, which only
//! routes to it; reading and clearing the jar file are jobs.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent};

use crate::core::cookies::{CookieInfo, CookieJar};
use crate::core::pipeline::Session;
pub use crate::tui::events::CookieEvent;
use crate::tui::events::Level;
use crate::tui::jobs::{JobKind, Jobs};
use crate::tui::message::Message;

#[derive(Debug, Clone)]
pub struct CookiesDialog {
    pub collection: PathBuf,
    pub environment: Option<String>,
    /// None while the jar is read.
    pub list: Option<Result<Vec<CookieInfo>, String>>,
    pub selected: usize,
}

/// What a key asks of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CookieOutcome {
    Stay,
    Close,
    /// Clear the cookies of this domain (None: all).
    Clear(Option<String>),
}

impl CookiesDialog {
    pub fn key(&mut self, key: KeyEvent) -> CookieOutcome {
        let count = match &self.list {
            Some(Ok(l)) => l.len(),
            _ => 0,
        };
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('c') => CookieOutcome::Close,
            KeyCode::Up | KeyCode::Char('k') => {
                self.selected = self.selected.saturating_sub(1);
                CookieOutcome::Stay
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(count.saturating_sub(1));
                CookieOutcome::Stay
            }
            KeyCode::Char('x') | KeyCode::Delete => match &self.list {
                Some(Ok(l)) => l
                    .get(self.selected)
                    .map(|c| CookieOutcome::Clear(Some(c.domain.clone())))
                    .unwrap_or(CookieOutcome::Stay),
                _ => CookieOutcome::Stay,
            },
            KeyCode::Char('X') if count > 0 => CookieOutcome::Clear(None),
            _ => CookieOutcome::Stay,
        }
    }
}

impl CookiesDialog {
    /// Opens on the jar of `collection` and `environment` and starts reading it (None when cookies are off).
    pub fn open(collection: PathBuf, environment: Option<String>, jobs: &mut Jobs<Message>, session: &Session) -> Option<Self> {
        let dir = session.cookie_dir.clone()?;
        let d = CookiesDialog {
            collection,
            environment,
            list: None,
            selected: 0,
        };
        d.job(jobs, dir, None);
        Some(d)
    }

    /// Reads the jar (after clearing `clear`, when asked) off the UI thread.
    fn job(&self, jobs: &mut Jobs<Message>, dir: PathBuf, clear: Option<Option<String>>) {
        let (collection, environment) = (self.collection.clone(), self.environment.clone());
        jobs.blocking((JobKind::Cookies, 0), move |job| {
            let list = |dir: &PathBuf| {
                CookieJar::open(dir, &collection, environment.as_deref())
                    .map(|j| j.list())
                    .map_err(|e| e.to_string())
            };
            if let Some(domain) = clear {
                let result = CookieJar::open(&dir, &collection, environment.as_deref())
                    .map_err(|e| e.to_string())
                    .and_then(|j| j.clear(domain.as_deref()).map_err(|e| e.to_string()));
                job.report(Message::Cookies(CookieEvent::Cleared { domain, result }));
            }
            Message::Cookies(CookieEvent::Listed {
                result: list(&dir),
                collection,
                environment,
            })
        });
    }

    /// A key: false when the dialog closes.
    pub fn handle_key(&mut self, key: KeyEvent, jobs: &mut Jobs<Message>, session: &Session) -> bool {
        match self.key(key) {
            CookieOutcome::Stay => true,
            CookieOutcome::Close => false,
            CookieOutcome::Clear(domain) => {
                self.list = None;
                self.selected = 0;
                if let Some(dir) = session.cookie_dir.clone() {
                    self.job(jobs, dir, Some(domain));
                }
                true
            }
        }
    }

    /// The notice for a job's answer that arrives after the dialog closed.
    pub fn notice_of(ev: CookieEvent) -> Option<(Level, String)> {
        CookiesDialog {
            collection: PathBuf::new(),
            environment: None,
            list: None,
            selected: 0,
        }
        .update(ev)
    }

    /// A job's answer; a notice to show, if any.
    pub fn update(&mut self, ev: CookieEvent) -> Option<(Level, String)> {
        match ev {
            CookieEvent::Listed {
                collection,
                environment,
                result,
            } => {
                if self.collection == collection && self.environment == environment {
                    let count = result.as_ref().map(Vec::len).unwrap_or(0);
                    self.selected = self.selected.min(count.saturating_sub(1));
                    self.list = Some(result);
                }
                None
            }
            CookieEvent::Cleared { domain, result } => Some(match result {
                Ok(n) => (
                    Level::Success,
                    match domain {
                        Some(d) => format!("Cleared {n} cookie(s) of {d}"),
                        None => format!("Cleared all {n} cookie(s) of this collection and environment"),
                    },
                ),
                Err(e) => (Level::Error, format!("Cookies not cleared: {e}")),
            }),
        }
    }
}

//! The Cookies dialog (`c` in the response pane, or the palette): the jar of the open request's collection and
//! environment, the same one `apix send` and `apix cookies list` use: name, domain, path, expiry and flags, values
//! masked (they are credentials). `x` clears the selected cookie's domain, `X` every cookie. A component: it owns
//! its state, turns keys into an outcome and is drawn from `&self`; reading and clearing the jar file are jobs.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent};

use super::modal::Modal;
use super::{App, Level};
use crate::core::cookies::{CookieInfo, CookieJar};
pub use crate::tui::events::CookieEvent;
use crate::tui::jobs::JobKind;
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

impl App {
    /// Opens the dialog for the open request's collection and environment.
    pub(super) fn open_cookies(&mut self) {
        let Some(open) = self.open.as_ref() else {
            self.notify(Level::Info, "Open a request first: cookies are kept per collection and environment");
            return;
        };
        let Some(c) = self.workspace.get(open.collection) else { return };
        let (collection, environment) = (c.root.clone(), self.env_name(open.collection).map(str::to_string));
        if self.session.cookie_dir.is_none() {
            self.notify(Level::Info, "Cookies are off for this session");
            return;
        }
        self.modal = Some(Modal::Cookies(CookiesDialog {
            collection: collection.clone(),
            environment: environment.clone(),
            list: None,
            selected: 0,
        }));
        self.cookie_job(collection, environment, None);
    }

    /// Reads the jar (after clearing `clear`, when asked) off the UI thread.
    fn cookie_job(&mut self, collection: PathBuf, environment: Option<String>, clear: Option<Option<String>>) {
        let Some(dir) = self.session.cookie_dir.clone() else { return };
        self.jobs.blocking((JobKind::Cookies, 0), move |job| {
            let jar = CookieJar::open(&dir, &collection, environment.as_deref()).map_err(|e| e.to_string());
            if let Some(domain) = clear {
                let result = jar.and_then(|j| j.clear(domain.as_deref()).map_err(|e| e.to_string()));
                job.report(Message::Cookies(CookieEvent::Cleared { domain, result }));
                return Message::Cookies(CookieEvent::Listed {
                    result: CookieJar::open(&dir, &collection, environment.as_deref())
                        .map(|j| j.list())
                        .map_err(|e| e.to_string()),
                    collection,
                    environment,
                });
            }
            Message::Cookies(CookieEvent::Listed {
                result: jar.map(|j| j.list()),
                collection,
                environment,
            })
        });
    }

    pub(super) fn cookies_key(&mut self, mut d: CookiesDialog, key: KeyEvent) {
        match d.key(key) {
            CookieOutcome::Stay => self.modal = Some(Modal::Cookies(d)),
            CookieOutcome::Close => {}
            CookieOutcome::Clear(domain) => {
                let (collection, environment) = (d.collection.clone(), d.environment.clone());
                d.list = None;
                d.selected = 0;
                self.modal = Some(Modal::Cookies(d));
                self.cookie_job(collection, environment, Some(domain));
            }
        }
    }

    pub(super) fn on_cookies(&mut self, ev: CookieEvent) {
        self.redraw = true;
        match ev {
            CookieEvent::Listed {
                collection,
                environment,
                result,
            } => {
                if let Some(Modal::Cookies(d)) = self.modal.as_mut() {
                    if d.collection == collection && d.environment == environment {
                        let count = result.as_ref().map(Vec::len).unwrap_or(0);
                        d.selected = d.selected.min(count.saturating_sub(1));
                        d.list = Some(result);
                    }
                }
            }
            CookieEvent::Cleared { domain, result } => match result {
                Ok(n) => self.notify(
                    Level::Success,
                    match domain {
                        Some(d) => format!("Cleared {n} cookie(s) of {d}"),
                        None => format!("Cleared all {n} cookie(s) of this collection and environment"),
                    },
                ),
                Err(e) => self.notify(Level::Error, format!("Cookies not cleared: {e}")),
            },
        }
    }
}

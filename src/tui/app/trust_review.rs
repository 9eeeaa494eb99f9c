//! What a collection reads from outside itself, shown when a collection that runs commands or sends files from
//! outside its folder is first opened (and is not trusted for all of it yet): every environment variable, keyring
//! secret, command and outside file, with the hosts each is sent to, the same list `apix check` prints. `y` trusts
//! its commands and outside files on this machine; `n` leaves them to be asked when a send needs them.

use crossterm::event::{KeyCode, KeyEvent};

use super::modal::Modal;
use super::{App, Level};
use crate::core::check::{outside_reads, OutsideKind};
use crate::core::template::trust::{TrustStore, OUTSIDE_FILES};
pub use crate::tui::events::TrustReview;
use crate::tui::jobs::JobKind;
use crate::tui::message::Message;

impl TrustReview {
    /// The review of `c` when something in it needs trust that was not given yet.
    pub fn of(c: &crate::core::collection::Collection, store: &TrustStore) -> Option<TrustReview> {
        let has_commands = !c.defaults().commands.is_empty();
        let reads = outside_reads(c);
        let mut untrusted = Vec::new();
        for r in &reads {
            let key = match &r.kind {
                OutsideKind::Command { command, .. } if has_commands => command.clone(),
                OutsideKind::File(_) => OUTSIDE_FILES.to_string(),
                _ => continue,
            };
            if !untrusted.contains(&key) && !store.is_trusted(&c.root, &key) {
                untrusted.push(key);
            }
        }
        (!untrusted.is_empty()).then(|| TrustReview {
            collection: c.root.clone(),
            name: c.name.clone(),
            reads,
            untrusted,
        })
    }
}

impl App {
    /// On opening a request: review its collection's outside reads once per session, off the UI thread.
    pub(super) fn review_trust(&mut self, collection: usize) {
        let Some(c) = self.workspace.get(collection) else { return };
        if !self.auth.reviewed.insert(c.root.clone()) {
            return;
        }
        let c = c.clone();
        let store = self.session.trust.clone();
        self.jobs.blocking((JobKind::TrustReview, 0), move |_| {
            Message::TrustReview(TrustReview::of(&c, &store).map(Box::new))
        });
    }

    pub(super) fn on_trust_review(&mut self, review: Option<Box<TrustReview>>) {
        // Another dialog (a login, a question) is not pushed aside: the send asks when it needs the trust.
        if let (Some(r), None) = (review, &self.modal) {
            self.modal = Some(Modal::TrustReview(r));
            self.redraw = true;
        }
    }

    pub(super) fn trust_review_key(&mut self, r: Box<TrustReview>, key: KeyEvent) {
        match key.code {
            KeyCode::Char('y' | 'Y') => {
                let store = self.session.trust.clone();
                let key = self.jobs.unique_key();
                self.jobs.blocking((JobKind::TrustReview, key), move |_| {
                    let failed = r.untrusted.iter().find_map(|k| store.trust(&r.collection, k).err());
                    match failed {
                        None => Message::Notice(
                            Level::Success,
                            format!("Trusted {} on this machine (`apix trust --revoke` undoes it)", r.name),
                        ),
                        Some(e) => Message::Notice(Level::Error, format!("Not trusted: cannot write {}: {e}", store.path.display())),
                    }
                });
            }
            KeyCode::Char('n' | 'N') | KeyCode::Esc | KeyCode::Enter => {
                self.notify(Level::Info, "Not trusted: a send that needs it will ask");
            }
            _ => self.modal = Some(Modal::TrustReview(r)),
        }
    }
}

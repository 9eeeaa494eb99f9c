//! What a collection reads from outside itself, shown when a collection that runs commands or sends files from
//! outside its folder is first opened (and is not trusted for all of it yet): every environment variable, keyring
//! secret, command and outside file, with the hosts each is sent to, the same list `apix check` prints. `y` trusts
//! its commands and outside files on this machine; `n` leaves them to be asked when a send needs them.

use crossterm::event::{KeyCode, KeyEvent};

use crate::core::check::{outside_reads, OutsideKind};
use crate::core::collection::Collection;
use crate::core::template::trust::{TrustStore, OUTSIDE_FILES};
use crate::tui::events::Level;
pub use crate::tui::events::TrustReview;
use crate::tui::jobs::{JobKind, Jobs};
use crate::tui::message::Message;

impl TrustReview {
    /// The review of `c` when something in it needs trust that was not given yet.
    pub fn of(c: &Collection, store: &TrustStore) -> Option<TrustReview> {
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

/// Reviews `c` off the UI thread; the answer is `Message::TrustReview`.
pub fn start(c: &Collection, store: &TrustStore, jobs: &mut Jobs<Message>) {
    let (c, store) = (c.clone(), store.clone());
    jobs.blocking((JobKind::TrustReview, 0), move |_| {
        Message::TrustReview(TrustReview::of(&c, &store).map(Box::new))
    });
}

/// What a key in the review asks for.
pub enum ReviewOutcome {
    Stay(Box<TrustReview>),
    /// Closed, with something to say.
    Close(Option<(Level, String)>),
}

/// A key in the review: `y` records the trust (off the UI thread; the job says how it went), `n` closes.
pub fn handle_key(r: Box<TrustReview>, key: KeyEvent, store: &TrustStore, jobs: &mut Jobs<Message>) -> ReviewOutcome {
    match key.code {
        KeyCode::Char('y' | 'Y') => {
            let store = store.clone();
            let key = jobs.unique_key();
            jobs.blocking((JobKind::TrustReview, key), move |_| {
                let failed = r.untrusted.iter().find_map(|k| store.trust(&r.collection, k).err());
                match failed {
                    None => Message::Notice(
                        Level::Success,
                        format!("Trusted {} on this machine (`apix trust --revoke` undoes it)", r.name),
                    ),
                    Some(e) => Message::Notice(Level::Error, format!("Not trusted: cannot write {}: {e}", store.path.display())),
                }
            });
            ReviewOutcome::Close(None)
        }
        KeyCode::Char('n' | 'N') | KeyCode::Esc | KeyCode::Enter => {
            ReviewOutcome::Close(Some((Level::Info, "Not trusted: a send that needs it will ask".into())))
        }
        _ => ReviewOutcome::Stay(r),
    }
}

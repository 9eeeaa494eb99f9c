//! Trust, asked at the moment it is needed: a collection that runs a command for a secret, or sends a file from
//! outside its folder, needs the user's yes once per collection on this machine (recorded in the data folder).

use std::path::PathBuf;

use crate::http::PrepareError;
use crate::template::trust::OUTSIDE_FILES;
use crate::template::ResolveFailure;

/// What a collection wants to do that needs trust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustQuestion {
    pub collection: PathBuf,
    pub kind: TrustKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustKind {
    /// Run `command` to get the secret `name` (`{{cmd.NAME}}`).
    Command { name: String, command: String },
    /// Send `path`, outside the collection's folder, for `what` (a body or a multipart part).
    OutsideFile { what: String, path: PathBuf },
}

impl TrustQuestion {
    /// The question, if trust is what stopped a prepare.
    pub fn of(e: &PrepareError) -> Option<TrustQuestion> {
        match e {
            PrepareError::Template(t) => match &t.failure {
                ResolveFailure::Untrusted { name, command, collection } => Some(TrustQuestion {
                    collection: collection.clone(),
                    kind: TrustKind::Command {
                        name: name.clone(),
                        command: command.clone(),
                    },
                }),
                _ => None,
            },
            PrepareError::UntrustedFile { what, path, collection } => Some(TrustQuestion {
                collection: collection.clone(),
                kind: TrustKind::OutsideFile {
                    what: what.clone(),
                    path: path.clone(),
                },
            }),
            _ => None,
        }
    }

    /// What the trust store records for this question (the command, or the marker for outside files).
    pub fn key(&self) -> &str {
        match &self.kind {
            TrustKind::Command { command, .. } => command,
            TrustKind::OutsideFile { .. } => OUTSIDE_FILES,
        }
    }

    /// What is asked for, in a few words: "run `pass show api`", "send files from outside its folder".
    pub fn what(&self) -> String {
        match &self.kind {
            TrustKind::Command { command, .. } => format!("run `{command}`"),
            TrustKind::OutsideFile { .. } => "send files from outside its folder".into(),
        }
    }

    /// The full question, ending in "Trust it? [y/N] " style for a terminal prompt.
    pub fn question(&self) -> String {
        match &self.kind {
            TrustKind::Command { name, command } => format!(
                "Collection {} wants to run `{command}` to get secret {name}. Trust it? [y/N] ",
                self.collection.display()
            ),
            TrustKind::OutsideFile { what, path } => format!(
                "Collection {} wants to send {} (for {what}), which is outside its folder. Trust it to send files from outside its folder? [y/N] ",
                self.collection.display(),
                path.display()
            ),
        }
    }
}

//! A request as a background prepare needs it, owned: what the send, `y` and the token actions hand to a job.

use super::draft::OpenRequest;
use super::workspace::Workspace;
use crate::core::collection::{Collection, RequestDef};
use crate::core::pipeline::{Mode, Ready, SendError, Session, Target};

/// What a background prepare needs, owned: the collection as loaded, the environment, and the request as it is in
/// the editor (unsaved edits included).
pub(super) struct SendTarget {
    pub collection: Option<Collection>,
    pub environment: Option<String>,
    pub def: RequestDef,
}

impl SendTarget {
    /// `open` as it is in the editor, with its collection and chosen environment.
    pub(super) fn of(ws: &Workspace, open: &OpenRequest) -> SendTarget {
        SendTarget {
            collection: ws.collections.get(open.collection).cloned(),
            environment: ws.env_name(open.collection).map(str::to_string),
            def: open.draft.clone(),
        }
    }

    /// Prepares in `mode`; a trust question is not asked here (no terminal to ask on): it comes back as
    /// `SendError::Trust` for the dialog.
    pub(super) fn prepare(&self, session: &Session, mode: Mode) -> Result<Ready, SendError> {
        let target = Target {
            collection: self.collection.as_ref(),
            environment: self.environment.as_deref(),
            overrides: &[],
            def: &self.def,
        };
        session.prepare(&target, mode, &mut |_| None)
    }
}

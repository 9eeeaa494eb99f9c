//! `y` / `Y` in the request pane: the open draft as a curl command, put on the clipboard with OSC 52 (the terminal
//! does the copying, so it works over ssh and needs no clipboard library). `y` masks secrets (prepared in
//! the pipeline's masked-preview mode, as `apix export curl` does: an unset or untrusted secret shows masked and no
//! command runs); `Y` asks first and reveals them. The request is prepared off the UI thread.

use std::path::PathBuf;

use super::modal::{Confirm, ConfirmPurpose, Modal};
use super::{App, Level};
use crate::core::export::to_curl;
use crate::core::pipeline::Mode;
use crate::tui::jobs::JobKind;
use crate::tui::message::Message;

pub use super::clipboard::{osc52, ClipboardSink};

/// Many terminals drop OSC 52 payloads past about 100 kB; say so rather than claim a copy that did not happen.
const OSC52_COMFORTABLE: usize = 100_000;

impl App {
    /// `y` (masked) or `Y` (after a confirmation, with secrets).
    pub(super) fn copy_curl(&mut self, reveal: bool) {
        if self.open.is_none() {
            self.shell
                .notify(Level::Info, "Open a request first: select it in the tree and press Enter");
            return;
        }
        if !reveal {
            self.copy_curl_now(false);
            return;
        }
        self.shell.modal = Some(Modal::Confirm(Confirm {
            title: "Copy with secrets?".into(),
            lines: vec![
                "The command will hold tokens, passwords and keys in plain text.".into(),
                "Anything that reads your clipboard can see them.".into(),
            ],
            choices: vec![('y', "yes, copy with secrets".into()), ('c', "cancel (Esc)".into())],
            purpose: ConfirmPurpose::CopySecrets,
        }));
    }

    pub(super) fn copy_curl_now(&mut self, reveal: bool) {
        self.end_field_edit();
        let Some(target) = self.open_target() else { return };
        let path = self.open.as_ref().map(|o| o.draft.path.clone()).unwrap_or_default();
        let session = self.shell.session.clone();
        let mode = if reveal { Mode::Send } else { Mode::MaskedPreview };
        // The latest copy wins.
        self.shell.jobs.blocking((JobKind::Export, 0), move |_| {
            let result = target
                .prepare(&session, mode)
                .map(|r| to_curl(&r.prepared, reveal))
                .map_err(|e| e.to_string());
            Message::CurlReady { path, reveal, result }
        });
        if self.shell.jobs.is_running((JobKind::Export, 0)) {
            self.shell.notify(Level::Info, "Preparing the request to copy…");
        }
    }

    pub(super) fn on_curl_ready(&mut self, path: PathBuf, reveal: bool, result: Result<String, String>) {
        let command = match result {
            Ok(c) => c,
            Err(e) => {
                self.shell.notify(Level::Error, format!("Not copied: {e}"));
                return;
            }
        };
        if self.open.as_ref().is_none_or(|o| o.draft.path != path) {
            return;
        }
        let bytes = osc52(&command);
        if let Err(e) = self.shell.clipboard.write(&bytes) {
            self.shell
                .notify(Level::Error, format!("Not copied: cannot write to the terminal: {e}"));
            return;
        }
        let mut text = if reveal {
            "Copied as curl with secrets".to_string()
        } else {
            "Copied as curl (secrets masked; Y copies them too)".to_string()
        };
        if let Some(auth) = command.strip_prefix("# auth: ").and_then(|c| c.split_whitespace().next()) {
            text.push_str(&format!(" · {auth} auth not included"));
        }
        if bytes.len() > OSC52_COMFORTABLE {
            self.shell.notify(
                Level::Warning,
                format!(
                    "{text}; it is large ({} kB): some terminals drop a copy this big",
                    bytes.len() / 1000
                ),
            );
        } else {
            self.shell.notify(Level::Success, text);
        }
    }
}

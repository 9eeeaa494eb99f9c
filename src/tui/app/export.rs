//! `y` / `Y` in the request pane: the open draft as a curl command, put on the clipboard with OSC 52 (the terminal
//! does the copying, so it works over ssh and needs no clipboard library). `y` masks secrets (prepared in
//! the pipeline's masked-preview mode, as `apix export curl` does: an unset or untrusted secret shows masked and no
//! command runs); `Y` asks first and reveals them. The request is prepared off the UI thread.

use std::path::PathBuf;

use std::path::Path;

use super::dialogs::{Confirm, ConfirmPurpose, Modal};
use super::shell::Shell;
use super::target::SendTarget;
use crate::core::export::to_curl;
use crate::core::pipeline::Mode;
use crate::tui::events::Level;
use crate::tui::jobs::JobKind;
use crate::tui::message::Message;

pub use super::clipboard::{osc52, ClipboardSink};

/// Many terminals drop OSC 52 payloads past about 100 kB; say so rather than claim a copy that did not happen.
const OSC52_COMFORTABLE: usize = 100_000;

/// `y` (masked) or `Y` (after a confirmation, with secrets).
/// `target` is the open request (None: nothing is open).
pub(super) fn copy_curl(target: Option<SendTarget>, reveal: bool, shell: &mut Shell) {
    let Some(target) = target else {
        shell.notify(Level::Info, "Open a request first: select it in the tree and press Enter");
        return;
    };
    if !reveal {
        copy_curl_now(Some(target), false, shell);
        return;
    }
    shell.modal = Some(Modal::Confirm(Confirm {
        title: "Copy with secrets?".into(),
        lines: vec![
            "The command will hold tokens, passwords and keys in plain text.".into(),
            "Anything that reads your clipboard can see them.".into(),
        ],
        choices: vec![('y', "yes, copy with secrets".into()), ('c', "cancel (Esc)".into())],
        purpose: ConfirmPurpose::CopySecrets,
    }));
}

/// Prepares `target` off the UI thread and answers `CurlReady` (masked unless `reveal`).
pub(super) fn copy_curl_now(target: Option<SendTarget>, reveal: bool, shell: &mut Shell) {
    let Some(target) = target else { return };
    let path = target.def.path.clone();
    let session = shell.session.clone();
    let mode = if reveal { Mode::Send } else { Mode::MaskedPreview };
    // The latest copy wins.
    shell.jobs.blocking((JobKind::Export, 0), move |_| {
        let result = target
            .prepare(&session, mode)
            .map(|r| to_curl(&r.prepared, reveal))
            .map_err(|e| e.to_string());
        Message::CurlReady { path, reveal, result }
    });
    if shell.jobs.is_running((JobKind::Export, 0)) {
        shell.notify(Level::Info, "Preparing the request to copy…");
    }
}

/// The command is ready: onto the clipboard, if `current` (the open request) is still the one it was made for.
pub(super) fn on_curl_ready(current: Option<&Path>, path: PathBuf, reveal: bool, result: Result<String, String>, shell: &mut Shell) {
    let command = match result {
        Ok(c) => c,
        Err(e) => {
            shell.notify(Level::Error, format!("Not copied: {e}"));
            return;
        }
    };
    if current != Some(path.as_path()) {
        return;
    }
    let bytes = osc52(&command);
    if let Err(e) = shell.clipboard.write(&bytes) {
        shell.notify(Level::Error, format!("Not copied: cannot write to the terminal: {e}"));
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
        shell.notify(
            Level::Warning,
            format!(
                "{text}; it is large ({} kB): some terminals drop a copy this big",
                bytes.len() / 1000
            ),
        );
    } else {
        shell.notify(Level::Success, text);
    }
}

//! What every pane shares and none owns: the dialog on top, the notice line, the settings (keys, styles, wrap,
//! limits), where things were drawn, the job runner and the send session. Panes get it as `&mut Shell` and never
//! reach into each other through it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::body;
use super::clipboard::ClipboardSink;
use super::dialogs::Modal;
use super::types::{Areas, Effect, Notice};
use crate::core::pipeline::Session;
use crate::tui::events::Level;
use crate::tui::jobs::{JobKind, Jobs};
use crate::tui::keymap::Keymap;
use crate::tui::message::Message;
use crate::tui::theme::Styles;

pub struct Shell {
    /// The one dialog on top of the panes, if any.
    pub modal: Option<Modal>,
    pub notice: Option<Notice>,
    pub keymap: Keymap,
    pub styles: Styles,
    pub wrap: bool,
    /// `[limits]`: the memory cap above which bodies go to a temporary file.
    pub limits: body::Limits,
    pub areas: Areas,
    pub quit: bool,
    /// Set when SIGTERM/SIGHUP asked us to leave.
    pub terminated_by: Option<&'static str>,
    /// Where `y` copies to (OSC 52 on the terminal; a buffer in tests).
    pub clipboard: ClipboardSink,
    /// Where the log is (said on the help screen).
    pub log: Option<String>,
    /// The one send pipeline's shared state (auth context, cookie jars, history, spill folder).
    pub(crate) session: Session,
    /// All background work.
    pub(crate) jobs: Jobs<Message>,
    pub(super) demo_url: Arc<Mutex<Option<String>>>,
    pub(super) next_id: u64,
    pub(super) redraw: bool,
    pub(super) effect: Option<Effect>,
}

impl Shell {
    /// Shows `text` on the notice line. Errors stay until the next one; the rest fade after a few seconds.
    pub fn notify(&mut self, level: Level, text: impl Into<String>) {
        let id = self.next_id();
        self.notice = Some(Notice {
            level,
            text: text.into(),
            id,
        });
        self.redraw = true;
        if level != Level::Error {
            let life = Duration::from_secs(if level == Level::Warning { 10 } else { 5 });
            self.jobs.expire_after((JobKind::Notice, 0), life, Message::ExpireNotice(id));
        }
    }

    /// A fresh id (sends, notices).
    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn request_redraw(&mut self) {
        self.redraw = true;
    }
}

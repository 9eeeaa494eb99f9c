//! Reading a response: tabs, scrolling (vertical and horizontal), wrap, the raw error detail, saving the body.
//! Syntax highlighting for XML/HTML/YAML runs in a background job that keeps its parser checkpoints, so a scrolled
//! window is cheap and a far jump never stalls a frame. Search lives in `search.rs`.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::body::{BodyDoc, LiveDoc};
use super::dialogs::{Modal, Prompt, PromptPurpose};
use super::slot::slot_text;
use super::slot::RequestState;
use super::viewer::ResponseTab;
use std::collections::HashMap;

use super::shell::Shell;
use super::slot::Slot;
use crate::core::format::{hex_line_count, BodyKind, HighlightCache};
use crate::tui::action::Action;
use crate::tui::events::HighlightWindow;
use crate::tui::events::Level;
use crate::tui::jobs::JobKind;
use crate::tui::message::Message;
use crate::tui::text_input::TextArea;

/// Lines highlighted beyond the visible ones, above and below, so that scrolling a little needs no new job.
const HIGHLIGHT_MARGIN: usize = 64;

/// The response viewer: what each request's latest send left (state, viewer position, search, highlighting),
/// keyed by request file. The request on display (`current`) is the open one; the App says which.
#[derive(Default)]
pub struct Responses {
    pub slots: HashMap<PathBuf, Slot>,
}

impl Responses {
    /// The slot of the request on display, if it was ever sent.
    pub fn get(&self, current: Option<&Path>) -> Option<&Slot> {
        self.slots.get(current?)
    }

    pub fn get_mut(&mut self, current: Option<&Path>) -> Option<&mut Slot> {
        self.slots.get_mut(current?)
    }

    /// The slot of send `id` (wherever its request file is now).
    pub fn by_id_mut(&mut self, id: u64) -> Option<&mut Slot> {
        self.slots.values_mut().find(|s| s.id == id)
    }

    /// The request file whose slot holds send `id` (wherever the file was moved since).
    pub fn path_of(&self, id: u64) -> Option<PathBuf> {
        self.slots.iter().find(|(_, s)| s.id == id).map(|(p, _)| p.clone())
    }

    /// True while something on screen moves by itself (a spinner).
    pub fn is_animating(&self) -> bool {
        self.slots.values().any(|s| match &s.state {
            RequestState::Sending { .. } => true,
            RequestState::Done(d) => d.body.is_pending(),
            _ => false,
        })
    }

    /// Requests under `from` moved to `to`: their slots follow (a send in flight keeps running under its id).
    pub fn follow_move(&mut self, from: &Path, to: &Path) {
        let moved: Vec<PathBuf> = self.slots.keys().filter(|p| p.starts_with(from)).cloned().collect();
        for p in moved {
            if let (Some(slot), Ok(rest)) = (self.slots.remove(&p), p.strip_prefix(from)) {
                self.slots.insert(super::draft::moved_path(rest, to), slot);
            }
        }
    }

    /// Requests under `path` were deleted: a send of one ends here (cancelled), not in a spinner that runs forever.
    pub fn forget_under(&mut self, path: &Path) {
        for (_, slot) in self.slots.iter().filter(|(p, _)| p.starts_with(path)) {
            if let RequestState::Sending { cancel, .. } = &slot.state {
                cancel.cancel();
            }
        }
        self.slots.retain(|p, _| !p.starts_with(path));
    }

    /// The layout step for a body of `height` lines: the scroll position in range, highlighting asked for the
    /// window that will show.
    pub fn fit(&mut self, current: Option<&Path>, height: usize, shell: &mut Shell) {
        let lines = self.line_count(current);
        if let Some(slot) = self.get_mut(current) {
            slot.view.scroll = slot.view.scroll.min(lines.saturating_sub(height.max(1)));
        }
        self.prepare_highlight(current, height, shell);
    }

    /// Cancels every send in flight (quitting).
    pub fn cancel_all(&self) {
        for slot in self.slots.values() {
            if let RequestState::Sending { cancel, .. } = &slot.state {
                cancel.cancel();
            }
        }
    }

    /// Lines in the current response tab (for scroll limits).
    pub fn line_count(&self, current: Option<&Path>) -> usize {
        let Some(slot) = self.get(current) else { return 0 };
        let done = match &slot.state {
            RequestState::Done(done) => done,
            RequestState::Sending { body, .. } => return body.line_count(),
            _ => return if slot.view.detail { 40 } else { 0 },
        };
        let r = &done.exchange.response;
        match slot.view.tab {
            ResponseTab::Body => {
                let extra = super::titles::preamble_lines(done).len();
                extra
                    + match &done.body {
                        BodyDoc::Empty => 1,
                        BodyDoc::Text(doc) => doc.line_count(),
                        BodyDoc::Hex { .. } => hex_line_count(r.decoded_size as usize),
                    }
            }
            ResponseTab::Headers => r.headers.len() + done.exchange.request.headers.len() + 4,
            ResponseTab::Timing => 12,
            ResponseTab::Redirects => r.redirects.len() + r.redirects.iter().filter(|h| !h.dropped.is_empty()).count() + 2,
        }
    }

    pub(super) fn action(&mut self, current: Option<&Path>, action: Action, shell: &mut Shell) {
        let height = (shell.areas.response_body.height as usize).max(1);
        let max = self.line_count(current).saturating_sub(height);
        let wrap = shell.wrap;
        match action {
            Action::Search => {
                // The field starts empty (typing would otherwise add to the last query); Enter on it keeps the last
                // search, as in less and vim.
                if let Some(slot) = self.get_mut(current) {
                    slot.view.set_tab(ResponseTab::Body);
                    slot.view.search_input = Some(TextArea::single(""));
                }
                return;
            }
            Action::SearchNext | Action::SearchPrev => {
                self.step_search(current, shell, if action == Action::SearchNext { 1 } else { -1 });
                return;
            }
            Action::SaveBody => {
                self.ask_save_body(current, shell);
                return;
            }
            Action::ToggleWrap => {
                shell.wrap = !shell.wrap;
                if let Some(slot) = self.get_mut(current) {
                    slot.view.hscroll = 0;
                }
                let state = if shell.wrap { "on" } else { "off" };
                shell.notify(Level::Info, format!("Line wrap {state}"));
                return;
            }
            _ => {}
        }
        let Some(slot) = self.get_mut(current) else { return };
        let v = &mut slot.view;
        match action {
            Action::Up => v.scroll = v.scroll.saturating_sub(1),
            Action::Down => v.scroll = (v.scroll + 1).min(max),
            Action::Top => v.scroll = 0,
            Action::Bottom => v.scroll = max,
            Action::HalfPageDown => v.scroll = (v.scroll + height / 2).min(max),
            Action::HalfPageUp => v.scroll = v.scroll.saturating_sub(height / 2),
            Action::PageDown => v.scroll = (v.scroll + height).min(max),
            Action::PageUp => v.scroll = v.scroll.saturating_sub(height),
            Action::Left | Action::PrevTab => v.set_tab(v.tab.step(-1)),
            Action::Right | Action::NextTab => v.set_tab(v.tab.step(1)),
            Action::ScrollLeft => v.hscroll = v.hscroll.saturating_sub(8),
            Action::ScrollRight if !wrap => v.hscroll += 8,
            Action::ToggleDetail => {
                if matches!(slot.state, RequestState::Failed(_)) {
                    slot.view.detail = !slot.view.detail;
                }
            }
            _ => {}
        }
    }

    pub(super) fn preamble_len(&self, current: Option<&Path>) -> usize {
        match self.get(current).map(|s| &s.state) {
            Some(RequestState::Done(d)) => super::titles::preamble_lines(d).len(),
            _ => 0,
        }
    }

    /// Highlights the window around the visible lines of an XML/HTML/YAML body with syntect, in a background job
    /// that keeps the parser checkpoints (the newest window of a body wins). JSON needs none of this:
    /// its tokenizer styles a visible line in microseconds at draw time.
    pub(crate) fn prepare_highlight(&mut self, current: Option<&Path>, height: usize, shell: &mut Shell) {
        let theme = shell.styles.syntax_theme.clone();
        let no_color = shell.styles.json_colors().is_none();
        let Some(path) = current.map(Path::to_path_buf) else {
            return;
        };
        let preamble = self.preamble_len(current);
        let Some(slot) = self.slots.get_mut(&path) else { return };
        let Some(doc) = slot_text(slot).cloned() else { return };
        if no_color || slot.view.tab != ResponseTab::Body || !doc.is_done() {
            return;
        }
        let kind = doc.kind();
        if !matches!(kind, BodyKind::Xml | BodyKind::Html | BodyKind::Yaml) {
            return;
        }
        let generation = doc.generation();
        let first = slot.view.scroll.saturating_sub(preamble);
        let total = doc.line_count();
        let want_end = (first + height + 1).min(total);
        if let Some(w) = &slot.view.highlight {
            let covered = w.generation == generation && first >= w.start && want_end <= w.start + w.lines.len();
            if covered || w.pending.is_some() {
                return;
            }
        }
        let start = first.saturating_sub(HIGHLIGHT_MARGIN);
        let count = height + 1 + 2 * HIGHLIGHT_MARGIN;
        let mut window = match slot.view.highlight.take() {
            Some(w) if w.generation == generation => w,
            _ => HighlightWindow {
                cache: None,
                start,
                lines: Vec::new(),
                generation,
                pending: None,
            },
        };
        let mut cache = window.cache.take().unwrap_or_else(|| HighlightCache::new(&kind, &theme));
        window.pending = Some(start);
        slot.view.highlight = Some(window);
        let id = slot.id;
        shell.jobs.blocking((JobKind::Highlight, id), move |_| {
            let lines = cache.window(&block_reader(&doc), start, count);
            let window = HighlightWindow {
                cache: Some(cache),
                start,
                lines,
                generation,
                pending: None,
            };
            Message::Highlighted {
                id,
                window: Box::new(window),
            }
        });
    }

    pub(super) fn on_highlighted(&mut self, id: u64, window: HighlightWindow, shell: &mut Shell) {
        if let Some(slot) = self.by_id_mut(id) {
            slot.view.highlight = Some(window);
            shell.redraw = true;
        }
    }

    /// `s`: asks where to save the whole body (as received, decoded).
    fn ask_save_body(&mut self, current: Option<&Path>, shell: &mut Shell) {
        let Some(RequestState::Done(done)) = self.get(current).map(|s| &s.state) else {
            shell.notify(Level::Info, "Nothing to save yet: send the request first");
            return;
        };
        let ext = match &done.body {
            BodyDoc::Text(doc) => match doc.kind() {
                BodyKind::Json => "json",
                BodyKind::Xml => "xml",
                BodyKind::Html => "html",
                BodyKind::Yaml => "yaml",
                _ => "txt",
            },
            BodyDoc::Hex {
                kind: BodyKind::Image(info),
            } => match info.format {
                "JPEG" => "jpg",
                other => return self.prompt_save(current, shell, format!("response.{}", other.to_ascii_lowercase())),
            },
            _ => "bin",
        };
        self.prompt_save(current, shell, format!("response.{ext}"))
    }

    fn prompt_save(&mut self, current: Option<&Path>, shell: &mut Shell, name: String) {
        let size = match self.get(current).map(|s| &s.state) {
            Some(RequestState::Done(d)) => crate::core::format_size(d.exchange.response.decoded_size),
            _ => return,
        };
        shell.modal = Some(Modal::Prompt(Prompt {
            title: "Save body".into(),
            help: format!("Save the whole body ({size}, as received) to this file:"),
            input: TextArea::single(&name),
            purpose: PromptPurpose::SaveBody,
        }));
    }

    /// Writes the body to `to` atomically, off the UI thread (it may be a 100 MB spill file).
    pub(super) fn save_body(&mut self, current: Option<&Path>, to: &str, shell: &mut Shell) {
        let Some(RequestState::Done(done)) = self.get(current).map(|s| &s.state) else {
            return;
        };
        let exchange = done.exchange.clone();
        let to = PathBuf::from(to);
        let job = {
            let to = to.clone();
            move || -> Result<u64, String> {
                let mut reader = exchange.response.body_reader().map_err(|e| e.to_string())?;
                let mut written = 0;
                crate::core::fsutil::write_atomic_with(&to, |f| {
                    written = std::io::copy(&mut reader, f)?;
                    Ok(())
                })
                .map_err(|e| e.to_string())?;
                Ok(written)
            }
        };
        let key = shell.jobs.unique_key();
        let done = to.clone();
        shell
            .jobs
            .blocking((JobKind::SaveBody, key), move |_| Message::BodySaved { to: done, result: job() });
        if shell.jobs.is_running((JobKind::SaveBody, key)) {
            shell.notify(Level::Info, format!("Saving the body to {}…", to.display()));
        }
    }

    pub(super) fn on_body_saved(to: &Path, result: Result<u64, String>, shell: &mut Shell) {
        match result {
            Ok(n) => shell.notify(
                Level::Success,
                format!("Saved the body ({}) to {}", crate::core::format_size(n), to.display()),
            ),
            Err(e) => shell.notify(Level::Error, format!("Could not save the body to {}: {e}", to.display())),
        }
    }
}

/// Line `i` of a document for syntect, read in blocks (reading lines one by one would re-scan from a checkpoint
/// each time).
fn block_reader(doc: &Arc<LiveDoc>) -> impl Fn(usize) -> Option<String> + '_ {
    const BLOCK: usize = 256;
    let cache: RefCell<(usize, Vec<String>)> = RefCell::new((usize::MAX, Vec::new()));
    move |i| {
        let mut c = cache.borrow_mut();
        let block = i / BLOCK * BLOCK;
        if c.0 != block {
            *c = (block, doc.lines(block, BLOCK));
        }
        c.1.get(i - block).cloned()
    }
}

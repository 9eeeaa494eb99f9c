//! From terminal events to actions: overlays first, then the field being edited, then the keymap. Mouse clicks
//! focus and select; the wheel scrolls whatever is under the pointer.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Position;

use std::path::{Path, PathBuf};

use super::draft::{OpenRequest, RequestTab};
use super::response::Responses;
use super::shell::Shell;
use super::tree::TreeState;
use super::viewer::ResponseTab;
use super::workspace::Workspace;
use crate::tui::action::Action;
use crate::tui::keymap::Keymap;
use crate::tui::keymap::{Context, KeyCombo};
use crate::tui::text_input::InputOutcome;

/// Global actions that still work while a text field has the keyboard.
const THROUGH_FIELDS: [Action; 6] = [
    Action::Send,
    Action::Save,
    Action::Quit,
    Action::Palette,
    Action::SwitchEnv,
    Action::Help,
];

/// What a text field did with a key.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum FieldKey {
    /// The field used it (or it did nothing).
    Used,
    /// The field closed and the key is a global action (Ctrl-R, Ctrl-S…): run it.
    Through(Action),
    /// The tree filter's Enter chose this request: open it.
    Open(PathBuf),
}

/// The global action of a key that passes through a field, if it is one (plain characters never are).
pub(super) fn fall_through(keymap: &Keymap, key: &KeyEvent) -> Option<Action> {
    keymap
        .lookup(Context::Global, KeyCombo::from_event(key))
        .filter(|a| THROUGH_FIELDS.contains(a) && !(matches!(key.code, KeyCode::Char(_)) && key.modifiers.is_empty()))
}

impl TreeState {
    /// A key in the tree's filter field (open while `filter_input` is).
    pub(super) fn filter_key(&mut self, key: &KeyEvent, ws: &Workspace, keymap: &Keymap) -> FieldKey {
        let Some(input) = self.filter_input.as_mut() else {
            return FieldKey::Used;
        };
        match input.handle_key(key) {
            InputOutcome::Handled => {
                let f = input.text();
                self.set_filter(&ws.collections, &f);
            }
            InputOutcome::Commit => {
                self.filter_input = None;
                // Enter on a match opens it and shows it in the whole tree again.
                if let Some(path) = self.selected_row().filter(|r| r.is_request()).map(|r| r.path.clone()) {
                    self.set_filter(&ws.collections, "");
                    self.reveal(&ws.collections, &path);
                    return FieldKey::Open(path);
                }
            }
            InputOutcome::Leave => {
                self.filter_input = None;
                self.set_filter(&ws.collections, "");
            }
            InputOutcome::Ignored => match key.code {
                KeyCode::Up | KeyCode::Down => {
                    self.move_by(if key.code == KeyCode::Up { -1 } else { 1 });
                }
                _ => {
                    if let Some(a) = fall_through(keymap, key) {
                        self.filter_input = None;
                        return FieldKey::Through(a);
                    }
                }
            },
        }
        FieldKey::Used
    }

    /// A click on tree line `y` (the first inner line of `area` is the filter line): selects; a request opens.
    pub(super) fn click(&mut self, pos: Position, area: ratatui::layout::Rect, ws: &Workspace) -> Option<PathBuf> {
        let first = area.y + 2;
        if pos.y < first {
            return None;
        }
        let index = self.scroll + (pos.y - first) as usize;
        if index >= self.rows.len() {
            return None;
        }
        let was = self.selected;
        self.selected = index;
        let row = &self.rows[index];
        if row.is_request() {
            return Some(row.path.clone());
        }
        if was == index {
            self.toggle(&ws.collections);
        }
        None
    }
}

impl OpenRequest {
    /// A key in the field being edited (open while `editing` is).
    pub(super) fn field_key(&mut self, key: &KeyEvent, shell: &mut Shell) -> FieldKey {
        let Some(edit) = self.editing.as_mut() else { return FieldKey::Used };
        match edit.input.handle_key(key) {
            InputOutcome::Handled => self.apply_edit(),
            InputOutcome::Commit => self.commit_edit(shell),
            InputOutcome::Leave => self.end_edit(shell),
            InputOutcome::Ignored => {
                if !self.field_special_key(key) {
                    if let Some(a) = fall_through(&shell.keymap, key) {
                        self.end_edit(shell);
                        return FieldKey::Through(a);
                    }
                }
            }
        }
        FieldKey::Used
    }

    /// A click in the Request pane: a tab title switches tabs; a row selects it.
    pub(super) fn click(&mut self, pos: Position, tabs: ratatui::layout::Rect, titles: &[String]) {
        if pos.y == tabs.y {
            if let Some(i) = tab_at(titles, tabs.x, pos.x) {
                self.tab = RequestTab::ALL[i];
                self.cursor = 0;
                self.scroll = 0;
            }
        } else if pos.y > tabs.y {
            let row = (pos.y - tabs.y - 1) as usize;
            // Below the tab's own header line (auth type, multipart summary), if it has one.
            let target = (self.scroll + row + 1).checked_sub(self.header_rows()).filter(|t| *t > 0);
            if let Some(target) = target.filter(|t| *t <= self.item_count()) {
                self.cursor = target;
            }
        } else {
            self.cursor = 0;
        }
    }
}

impl Responses {
    /// A key in the body search field of the request on display, if that field is open. None: no field is open.
    pub(super) fn search_key(&mut self, current: Option<&Path>, key: &KeyEvent, shell: &mut Shell) -> Option<FieldKey> {
        let input = self.get_mut(current)?.view.search_input.as_mut()?;
        match input.handle_key(key) {
            InputOutcome::Handled => {}
            InputOutcome::Commit => self.run_search(current, shell),
            InputOutcome::Leave => {
                if let Some(s) = self.get_mut(current) {
                    s.view.search_input = None;
                }
            }
            InputOutcome::Ignored => {
                if let Some(a) = fall_through(&shell.keymap, key) {
                    if let Some(s) = self.get_mut(current) {
                        s.view.search_input = None;
                    }
                    return Some(FieldKey::Through(a));
                }
            }
        }
        Some(FieldKey::Used)
    }

    /// A click on the Response pane's tab line switches tabs.
    pub(super) fn click(&mut self, current: Option<&Path>, pos: Position, tabs: ratatui::layout::Rect) {
        if pos.y != tabs.y {
            return;
        }
        let titles = super::titles::response_tab_titles(self.get(current).map(|s| &s.state));
        if let Some(i) = tab_at(&titles, tabs.x, pos.x) {
            if let Some(slot) = self.get_mut(current) {
                slot.view.set_tab(ResponseTab::ALL[i]);
            }
        }
    }
}

/// Which tab title is under column `x`, given titles drawn from `x0` separated by " │ ".
pub fn tab_at(titles: &[String], x0: u16, x: u16) -> Option<usize> {
    let mut start = x0 + 1;
    for (i, t) in titles.iter().enumerate() {
        let w = unicode_width::UnicodeWidthStr::width(t.as_str()) as u16;
        if x >= start && x < start + w + 2 {
            return Some(i);
        }
        start += w + 3;
    }
    None
}

//! From terminal events to actions: overlays first, then the field being edited, then the keymap. Mouse clicks
//! focus and select; the wheel scrolls whatever is under the pointer.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::{modal, App, Pane};
use crate::tui::action::Action;
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

impl App {
    pub fn handle_event(&mut self, ev: Event) {
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => self.handle_key(k),
            Event::Mouse(m) => self.handle_mouse(m),
            Event::Paste(text) => self.handle_paste(&text),
            Event::Resize(..) => self.shell.redraw = true,
            _ => {}
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        self.key(key);
        self.settle();
    }

    fn key(&mut self, key: KeyEvent) {
        self.shell.redraw = true;
        if self.shell.modal.is_some() {
            self.modal_key(key);
            self.upkeep();
            return;
        }
        if self.text_field_key(&key) {
            self.upkeep();
            return;
        }
        let combo = KeyCombo::from_event(&key);
        if let Some(action) = self.shell.keymap.lookup(self.context(), combo) {
            self.handle_action(action);
        }
    }

    fn handle_paste(&mut self, text: &str) {
        self.shell.redraw = true;
        if let Some(input) = self.shell.modal.as_mut().and_then(|m| m.input_mut()) {
            input.insert_str(text);
            modal::after_input(&mut self.history, &mut self.shell);
            return;
        }
        if let Some(input) = self.tree.filter_input.as_mut() {
            input.insert_str(text);
            let f = input.text();
            self.tree.set_filter(&self.workspace.collections, &f);
            return;
        }
        if let Some(edit) = self.open.as_mut().and_then(|o| o.editing.as_mut()) {
            edit.input.insert_str(text);
            if let Some(open) = self.open.as_mut() {
                open.apply_edit();
            }
            return;
        }
        if let Some(input) = self.current_slot_mut().and_then(|s| s.view.search_input.as_mut()) {
            input.insert_str(text);
        }
    }

    /// Gives the key to the field being edited, if any. Returns true when it was used up.
    fn text_field_key(&mut self, key: &KeyEvent) -> bool {
        let fall_through = |app: &App| {
            app.shell
                .keymap
                .lookup(Context::Global, KeyCombo::from_event(key))
                .filter(|a| THROUGH_FIELDS.contains(a) && !(matches!(key.code, KeyCode::Char(_)) && key.modifiers.is_empty()))
        };
        if let Some(input) = self.tree.filter_input.as_mut() {
            match input.handle_key(key) {
                InputOutcome::Handled => {
                    let f = input.text();
                    self.tree.set_filter(&self.workspace.collections, &f);
                }
                InputOutcome::Commit => {
                    self.tree.filter_input = None;
                    // Enter on a match opens it and shows it in the whole tree again.
                    if let Some(path) = self.tree.selected_row().filter(|r| r.is_request()).map(|r| r.path.clone()) {
                        self.tree.set_filter(&self.workspace.collections, "");
                        self.tree.reveal(&self.workspace.collections, &path);
                        self.tree_action(Action::Open);
                    }
                }
                InputOutcome::Leave => {
                    self.tree.filter_input = None;
                    self.tree.set_filter(&self.workspace.collections, "");
                }
                InputOutcome::Ignored => match key.code {
                    KeyCode::Up | KeyCode::Down => {
                        self.tree.move_by(if key.code == KeyCode::Up { -1 } else { 1 });
                    }
                    _ => {
                        if let Some(a) = fall_through(self) {
                            self.tree.filter_input = None;
                            self.handle_action(a);
                        }
                    }
                },
            }
            return true;
        }
        if self.open.as_ref().is_some_and(|o| o.editing.is_some()) {
            let outcome = match self.open.as_mut().and_then(|o| o.editing.as_mut()) {
                Some(edit) => edit.input.handle_key(key),
                None => return false,
            };
            let Some(open) = self.open.as_mut() else { return false };
            match outcome {
                InputOutcome::Handled => open.apply_edit(),
                InputOutcome::Commit => open.commit_edit(&mut self.shell),
                InputOutcome::Leave => open.end_edit(&mut self.shell),
                InputOutcome::Ignored => {
                    if !open.field_special_key(key) {
                        if let Some(a) = fall_through(self) {
                            self.end_field_edit();
                            self.handle_action(a);
                        }
                    }
                }
            }
            return true;
        }
        let searching = self.current_slot().is_some_and(|s| s.view.search_input.is_some());
        if searching && self.focus == Pane::Response {
            let outcome = match self.current_slot_mut().and_then(|s| s.view.search_input.as_mut()) {
                Some(input) => input.handle_key(key),
                None => return false,
            };
            match outcome {
                InputOutcome::Handled => {}
                InputOutcome::Commit => {
                    let current = self.open.as_ref().map(|o| o.draft.path.as_path());
                    self.responses.run_search(current, &mut self.shell)
                }
                InputOutcome::Leave => {
                    if let Some(s) = self.current_slot_mut() {
                        s.view.search_input = None;
                    }
                }
                InputOutcome::Ignored => {
                    if let Some(a) = fall_through(self) {
                        if let Some(s) = self.current_slot_mut() {
                            s.view.search_input = None;
                        }
                        self.handle_action(a);
                    }
                }
            }
            return true;
        }
        false
    }

    fn handle_mouse(&mut self, m: MouseEvent) {
        let pos = Position::new(m.column, m.row);
        if self.shell.modal.is_some() {
            return;
        }
        let inside = |r: Option<Rect>| r.is_some_and(|r| r.contains(pos));
        let tree_visible = !self.shell.areas.narrow || self.focus == Pane::Tree;
        let pane = if tree_visible && inside(self.shell.areas.tree) {
            Some(Pane::Tree)
        } else if inside(Some(self.shell.areas.request)) {
            Some(Pane::Request)
        } else if inside(Some(self.shell.areas.response)) {
            Some(Pane::Response)
        } else {
            None
        };
        let Some(pane) = pane else { return };
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                self.shell.redraw = true;
                self.set_focus(pane);
                self.click(pane, pos);
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                self.shell.redraw = true;
                let down = m.kind == MouseEventKind::ScrollDown;
                let previous = self.focus;
                self.focus = pane;
                for _ in 0..3 {
                    self.handle_action(if down { Action::Down } else { Action::Up });
                }
                if pane == Pane::Tree || previous != Pane::Tree || !self.shell.areas.narrow {
                    self.focus = previous;
                }
            }
            _ => {}
        }
    }

    fn click(&mut self, pane: Pane, pos: Position) {
        match pane {
            Pane::Tree => {
                let Some(area) = self.shell.areas.tree else { return };
                // The first inner line is the filter line.
                let first = area.y + 2;
                if pos.y < first {
                    return;
                }
                let index = self.tree.scroll + (pos.y - first) as usize;
                if index < self.tree.rows.len() {
                    let was = self.tree.selected;
                    self.tree.selected = index;
                    let row = &self.tree.rows[index];
                    if row.is_request() {
                        self.tree_action(Action::Open);
                    } else if was == index {
                        self.tree.toggle(&self.workspace.collections);
                    }
                }
            }
            Pane::Request => {
                let tabs = self.shell.areas.request_tabs;
                if pos.y == tabs.y {
                    if let Some(i) = tab_at(
                        &super::titles::request_tab_titles(self.open.as_ref(), self.open_collection()),
                        tabs.x,
                        pos.x,
                    ) {
                        if let Some(open) = self.open.as_mut() {
                            open.tab = super::RequestTab::ALL[i];
                            open.cursor = 0;
                            open.scroll = 0;
                        }
                    }
                } else if pos.y > tabs.y {
                    let row = (pos.y - tabs.y - 1) as usize;
                    if let Some(open) = self.open.as_mut() {
                        // Below the tab's own header line (auth type, multipart summary), if it has one.
                        let target = (open.scroll + row + 1).checked_sub(open.header_rows()).filter(|t| *t > 0);
                        if let Some(target) = target.filter(|t| *t <= open.item_count()) {
                            open.cursor = target;
                        }
                    }
                } else if let Some(open) = self.open.as_mut() {
                    open.cursor = 0;
                }
            }
            Pane::Response => {
                let tabs = self.shell.areas.response_tabs;
                if pos.y == tabs.y {
                    let titles = super::titles::response_tab_titles(self.current_slot().map(|s| &s.state));
                    if let Some(i) = tab_at(&titles, tabs.x, pos.x) {
                        if let Some(slot) = self.current_slot_mut() {
                            slot.view.set_tab(super::ResponseTab::ALL[i]);
                        }
                    }
                }
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

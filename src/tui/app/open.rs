//! The open request: a draft of the file's request that the person edits in place. The draft changes as they type
//! (so the unsaved marker appears at once); nothing touches the disk until Ctrl-S.

use crossterm::event::{KeyCode, KeyEvent};

use super::auth_fields::{self, auth_fields, port_problem, AuthFieldKind};
use super::draft::OpenRequest;
use super::draft::{next_body, Field, RequestTab, METHODS};
use super::shell::Shell;
use super::types::Effect;
use crate::core::collection::{Body, KeyValue};
use crate::tui::action::Action;
use crate::tui::events::Level;

use crate::tui::text_input::TextArea;

impl OpenRequest {
    /// An action in the Request pane (the App moves focus to the tree when no request is open).
    pub(super) fn action(&mut self, action: Action, shell: &mut Shell) {
        if self.part_action(action, shell) {
            return;
        }
        let half = (shell.areas.request_body.height as usize / 2).max(1);
        let open = self;
        match action {
            Action::Up => open.cursor = open.cursor.saturating_sub(1),
            Action::Down => open.cursor = (open.cursor + 1).min(open.item_count()),
            Action::Top => open.cursor = 0,
            Action::Bottom => open.cursor = open.item_count(),
            Action::HalfPageDown | Action::PageDown => open.cursor = (open.cursor + half).min(open.item_count()),
            Action::HalfPageUp | Action::PageUp => open.cursor = open.cursor.saturating_sub(half),
            Action::Left | Action::PrevTab => {
                open.tab = open.tab.step(-1);
                open.cursor = open.cursor.min(open.item_count());
                open.scroll = 0;
            }
            Action::Right | Action::NextTab => {
                open.tab = open.tab.step(1);
                open.cursor = open.cursor.min(open.item_count());
                open.scroll = 0;
            }
            Action::EditUrl => open.begin_edit(Field::Url),
            Action::EditMethod => open.begin_edit(Field::Method),
            Action::Open => open.edit_selected(shell),
            Action::AddRow => {
                let at = open.cursor.min(open.rows().map(Vec::len).unwrap_or(0));
                if let Some(rows) = open.rows_mut() {
                    rows.insert(at, KeyValue::new("", ""));
                    open.cursor = at + 1;
                    open.begin_edit(Field::Name(at));
                } else {
                    shell.notify(Level::Info, "Rows are added in Params, Headers and form or multipart bodies");
                }
            }
            Action::DeleteRow => {
                let i = open.cursor.wrapping_sub(1);
                let removed = open.rows_mut().filter(|r| i < r.len()).map(|r| r.remove(i));
                if let Some(row) = removed {
                    open.cursor = open.cursor.min(open.item_count());
                    let what = if row.name.is_empty() {
                        "the empty row".to_string()
                    } else {
                        format!("`{}`", row.name)
                    };
                    shell.notify(Level::Info, format!("Removed {what} (unsaved; Ctrl-S saves)"));
                }
            }
            Action::ToggleRow => {
                let i = open.cursor.wrapping_sub(1);
                if let Some(row) = open.rows_mut().and_then(|r| r.get_mut(i)) {
                    row.enabled = !row.enabled;
                }
            }
            Action::CycleKind => match open.tab {
                RequestTab::Auth => {
                    open.draft.auth = auth_fields::next_auth(&open.draft.auth, &open.original.auth);
                    open.cursor = open.cursor.min(open.item_count());
                }
                RequestTab::Body => {
                    open.draft.body = next_body(&open.draft.body);
                    open.cursor = open.cursor.min(open.item_count());
                }
                _ => shell.notify(Level::Info, "t changes the body kind (Body tab) or the auth type (Auth tab)"),
            },
            Action::ExternalEditor => open.external_editor(shell),
            _ => {}
        }
    }

    /// Keeps the cursor's row visible in a body of `body_h` lines (the layout step).
    pub(super) fn fit(&mut self, body_h: usize) {
        let items = self.item_count();
        self.cursor = self.cursor.min(items);
        let h = body_h.saturating_sub(self.header_rows()).max(1);
        if self.cursor > 0 {
            let i = self.cursor - 1;
            if i < self.scroll {
                self.scroll = i;
            } else if i >= self.scroll + h {
                self.scroll = i + 1 - h;
            }
        }
        if let Some(edit) = self.editing.as_mut() {
            edit.input.set_height(body_h.saturating_sub(1).max(1));
        }
    }

    fn edit_selected(&mut self, shell: &mut Shell) {
        let open = self;
        if open.cursor == 0 {
            open.begin_edit(Field::Url);
            return;
        }
        let i = open.cursor - 1;
        match open.tab {
            RequestTab::Params | RequestTab::Headers => open.begin_edit(Field::Value(i)),
            RequestTab::Body => match open.draft.body.kind_name() {
                "form" | "multipart" => open.begin_edit(Field::Value(i)),
                _ => open.begin_edit(Field::Body),
            },
            RequestTab::Auth => match auth_fields(&open.draft.auth).get(i) {
                Some(f) if f.kind == AuthFieldKind::Choice => {
                    auth_fields::cycle_choice(&mut open.draft.auth, f.label);
                }
                Some(f) => open.begin_edit(Field::Auth(f.label)),
                None => shell.notify(Level::Info, "Press t to choose an auth type for this request"),
            },
            RequestTab::Docs => open.begin_edit(Field::Description),
        }
    }

    /// Enter in a single-line field: a row's name moves on to its value; everything else closes. A redirect port
    /// that is not a port stays open, with the reason.
    pub(super) fn commit_edit(&mut self, shell: &mut Shell) {
        if let Some(problem) = self.port_problem_in_edit() {
            shell.notify(Level::Error, problem);
            return;
        }
        let next = self.editing.as_ref().and_then(|e| match e.field {
            Field::Name(i) => Some(Field::Value(i)),
            _ => None,
        });
        self.end_edit(shell);
        if let Some(field) = next {
            self.begin_edit(field);
        }
    }

    /// Leaves the field, keeping its text; a row left with neither name nor value goes away.
    pub(super) fn end_edit(&mut self, shell: &mut Shell) {
        if let Some(problem) = self.port_problem_in_edit() {
            shell.notify(Level::Error, format!("{problem}. Kept the previous port"));
        }
        let open = self;
        open.apply_edit();
        let Some(edit) = open.editing.take() else { return };
        auth_fields::tidy_auth(&mut open.draft.auth);
        if let Field::Name(i) | Field::Value(i) = edit.field {
            open.drop_empty_part(i);
            if let Some(rows) = open.rows_mut() {
                if rows.get(i).is_some_and(|r| r.name.trim().is_empty() && r.value.is_empty()) {
                    rows.remove(i);
                    open.cursor = open.cursor.min(open.item_count());
                }
            }
        }
    }

    fn port_problem_in_edit(&self) -> Option<String> {
        let edit = self.editing.as_ref()?;
        (edit.field == Field::Auth("redirect_port")).then(|| port_problem(&edit.input.text()))?
    }

    /// Keys a field reacts to beyond plain text: Tab between a row's name and value, ↑/↓ through methods.
    pub(super) fn field_special_key(&mut self, key: &KeyEvent) -> bool {
        let open = self;
        let Some(edit) = open.editing.as_mut() else { return false };
        match (edit.field, key.code) {
            (Field::Name(i), KeyCode::Tab) => {
                open.apply_edit();
                open.begin_edit(Field::Value(i));
                true
            }
            (Field::Value(i), KeyCode::Tab | KeyCode::BackTab) => {
                open.apply_edit();
                open.begin_edit(Field::Name(i));
                true
            }
            (Field::Method, KeyCode::Up | KeyCode::Down) => {
                let current = edit.input.text().trim().to_ascii_uppercase();
                let i = METHODS.iter().position(|m| *m == current);
                let next = match (i, key.code) {
                    (Some(i), KeyCode::Down) => (i + 1) % METHODS.len(),
                    (Some(i), _) => (i + METHODS.len() - 1) % METHODS.len(),
                    (None, _) => 0,
                };
                edit.input = TextArea::single(METHODS[next]);
                open.apply_edit();
                true
            }
            _ => false,
        }
    }

    fn external_editor(&mut self, shell: &mut Shell) {
        let open = self;
        let extension = match &open.draft.body {
            Body::Json(_) | Body::None => "json",
            Body::Text { .. } => "txt",
            _ => {
                shell.notify(
                    Level::Info,
                    "Only JSON and text bodies open in $EDITOR; press t in the Body tab to change the kind",
                );
                return;
            }
        };
        let text = open.body_text().unwrap_or_default();
        shell.effect = Some(Effect::ExternalEditor { text, extension });
    }

    /// The result of `Effect::ExternalEditor` (the App hands it over while this request is open).
    pub(super) fn editor_finished(this: Option<&mut OpenRequest>, result: Result<String, String>, shell: &mut Shell) {
        shell.redraw = true;
        match result {
            Ok(text) => {
                if let Some(open) = this {
                    // Editors end a file with a line break. The body keeps the ending it had: one that ended with a
                    // line break (a closing ''' on its own line) keeps it, so an edit that changed nothing changes
                    // nothing in the file either.
                    let had_break = open.body_text().is_some_and(|t| t.ends_with('\n'));
                    let text = match text.strip_suffix('\n') {
                        Some(stripped) if !had_break => stripped.to_string(),
                        _ => text,
                    };
                    open.tab = RequestTab::Body;
                    open.draft.body = match &open.draft.body {
                        Body::Text { content_type, .. } => Body::Text {
                            text,
                            content_type: content_type.clone(),
                        },
                        _ if text.trim().is_empty() => Body::None,
                        _ => Body::Json(text),
                    };
                    open.cursor = 1;
                }
            }
            Err(e) => shell.notify(Level::Error, e),
        }
    }
}

//! The open request: a draft of the file's request that the person edits in place. The draft changes as they type
//! (so the unsaved marker appears at once); nothing touches the disk until Ctrl-S.

use crossterm::event::{KeyCode, KeyEvent};

use super::auth_fields::{self, auth_fields, port_problem, AuthFieldKind};
use super::{App, Effect, Level};
use crate::core::collection::{Body, KeyValue, Part, RequestDef};
use crate::tui::action::Action;
use crate::tui::message::FileStamp;
use crate::tui::text_input::TextArea;

pub const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestTab {
    Params,
    Headers,
    Body,
    Auth,
    Docs,
}

impl RequestTab {
    pub const ALL: [RequestTab; 5] = [
        RequestTab::Params,
        RequestTab::Headers,
        RequestTab::Body,
        RequestTab::Auth,
        RequestTab::Docs,
    ];

    fn index(self) -> usize {
        RequestTab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    pub fn step(self, delta: isize) -> RequestTab {
        let n = RequestTab::ALL.len() as isize;
        RequestTab::ALL[(self.index() as isize + delta).rem_euclid(n) as usize]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Method,
    Url,
    /// The name of row `i` of the current tab's list (query, headers or form).
    Name(usize),
    Value(usize),
    Body,
    /// The auth field with this label (see `auth_fields`).
    Auth(&'static str),
    Description,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldEdit {
    pub field: Field,
    pub input: TextArea,
}

#[derive(Debug, Clone)]
pub struct OpenRequest {
    pub collection: usize,
    /// The request as the file says (as of the last load or save).
    pub original: RequestDef,
    pub draft: RequestDef,
    pub stamp: Option<FileStamp>,
    pub tab: RequestTab,
    /// 0: the method/URL line; `i > 0`: item `i - 1` of the tab.
    pub cursor: usize,
    pub scroll: usize,
    pub editing: Option<FieldEdit>,
}

impl OpenRequest {
    pub fn new(collection: usize, def: RequestDef, stamp: Option<FileStamp>) -> OpenRequest {
        OpenRequest {
            collection,
            original: def.clone(),
            draft: def,
            stamp,
            tab: RequestTab::Headers,
            cursor: 0,
            scroll: 0,
            editing: None,
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.original != self.draft
    }

    /// The editable key/value list of the current tab, if it has one.
    pub fn rows(&self) -> Option<&Vec<KeyValue>> {
        match self.tab {
            RequestTab::Params => Some(&self.draft.query),
            RequestTab::Headers => Some(&self.draft.headers),
            RequestTab::Body => match &self.draft.body {
                Body::Form(rows) => Some(rows),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn rows_mut(&mut self) -> Option<&mut Vec<KeyValue>> {
        match self.tab {
            RequestTab::Params => Some(&mut self.draft.query),
            RequestTab::Headers => Some(&mut self.draft.headers),
            RequestTab::Body => match &mut self.draft.body {
                Body::Form(rows) => Some(rows),
                _ => None,
            },
            _ => None,
        }
    }

    /// How many selectable items the current tab has (below the URL line).
    pub fn item_count(&self) -> usize {
        match self.tab {
            RequestTab::Params | RequestTab::Headers => self.rows().map(Vec::len).unwrap_or(0),
            RequestTab::Body => match &self.draft.body {
                Body::Form(rows) => rows.len(),
                Body::Multipart(parts) => parts.len(),
                _ => 1,
            },
            RequestTab::Auth => auth_fields(&self.draft.auth).len(),
            RequestTab::Docs => 1,
        }
    }

    fn body_text(&self) -> Option<String> {
        match &self.draft.body {
            Body::Json(t) => Some(t.clone()),
            Body::Text { text, .. } => Some(text.clone()),
            Body::None => Some(String::new()),
            _ => None,
        }
    }

    fn field_text(&self, field: Field) -> Option<String> {
        let d = &self.draft;
        if let Some(text) = self.part_text(field) {
            return Some(text);
        }
        match field {
            Field::Method => Some(d.method.clone()),
            Field::Url => Some(d.url.clone()),
            Field::Name(i) => self.rows()?.get(i).map(|r| r.name.clone()),
            Field::Value(i) => self.rows()?.get(i).map(|r| r.value.clone()),
            Field::Body => match &d.body {
                Body::File { path, .. } => Some(path.clone()),
                _ => self.body_text(),
            },
            Field::Auth(label) => auth_fields(&d.auth).into_iter().find(|f| f.label == label).map(|f| f.value),
            Field::Description => Some(d.description.clone()),
        }
    }

    pub fn begin_edit(&mut self, field: Field) {
        let Some(text) = self.field_text(field) else { return };
        let multiline = matches!(field, Field::Description) || (field == Field::Body && !matches!(self.draft.body, Body::File { .. }));
        if field == Field::Body && self.draft.body == Body::None {
            self.draft.body = Body::Json(String::new());
        }
        let input = if multiline {
            TextArea::multi(&text)
        } else {
            TextArea::single(&text)
        };
        self.editing = Some(FieldEdit { field, input });
    }

    /// Writes the field's current text into the draft.
    pub fn apply_edit(&mut self) {
        let Some(edit) = self.editing.as_ref() else { return };
        let text = edit.input.text();
        let field = edit.field;
        if self.set_part_text(field, &text) {
            return;
        }
        match field {
            Field::Method => self.draft.method = text.trim().to_ascii_uppercase(),
            Field::Url => self.draft.url = text,
            Field::Name(i) => {
                if let Some(r) = self.rows_mut().and_then(|r| r.get_mut(i)) {
                    r.name = text;
                }
            }
            Field::Value(i) => {
                if let Some(r) = self.rows_mut().and_then(|r| r.get_mut(i)) {
                    r.value = text;
                }
            }
            Field::Body => match &mut self.draft.body {
                Body::Json(t) => *t = text,
                Body::Text { text: t, .. } => *t = text,
                Body::File { path, .. } => *path = text,
                _ => {}
            },
            Field::Auth(label) => auth_fields::set_auth_field(&mut self.draft.auth, label, text),
            Field::Description => self.draft.description = text,
        }
    }
}

fn next_body(body: &Body) -> Body {
    let text = match body {
        Body::Json(t) | Body::Text { text: t, .. } => t.clone(),
        _ => String::new(),
    };
    match body {
        Body::None => Body::Json(text),
        Body::Json(_) => Body::Text { text, content_type: None },
        Body::Text { .. } => Body::Form(Vec::new()),
        // Form rows carry over as value parts.
        Body::Form(rows) => Body::Multipart(
            rows.iter()
                .map(|r| Part {
                    name: r.name.clone(),
                    value: Some(r.value.clone()),
                    file: None,
                    content_type: None,
                    enabled: r.enabled,
                })
                .collect(),
        ),
        // A file body switches to none; the file keeps it until saved.
        Body::Multipart(_) | Body::File { .. } => Body::None,
    }
}

impl App {
    pub(super) fn request_action(&mut self, action: Action) {
        if self.part_action(action) {
            return;
        }
        let Some(open) = self.open.as_mut() else {
            if matches!(action, Action::Open) {
                self.set_focus(super::Pane::Tree);
            }
            return;
        };
        let half = (self.areas.request_body.height as usize / 2).max(1);
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
            Action::Open => self.edit_selected(),
            Action::AddRow => {
                let at = open.cursor.min(open.rows().map(Vec::len).unwrap_or(0));
                if let Some(rows) = open.rows_mut() {
                    rows.insert(at, KeyValue::new("", ""));
                    open.cursor = at + 1;
                    open.begin_edit(Field::Name(at));
                } else {
                    self.notify(Level::Info, "Rows are added in Params, Headers and form or multipart bodies");
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
                    self.notify(Level::Info, format!("Removed {what} (unsaved; Ctrl-S saves)"));
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
                _ => self.notify(Level::Info, "t changes the body kind (Body tab) or the auth type (Auth tab)"),
            },
            Action::ExternalEditor => self.external_editor(),
            _ => {}
        }
    }

    fn edit_selected(&mut self) {
        let Some(open) = self.open.as_mut() else { return };
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
                None => self.notify(Level::Info, "Press t to choose an auth type for this request"),
            },
            RequestTab::Docs => open.begin_edit(Field::Description),
        }
    }

    pub(super) fn apply_field_edit(&mut self) {
        if let Some(open) = self.open.as_mut() {
            open.apply_edit();
        }
    }

    /// Enter in a single-line field: a row's name moves on to its value; everything else closes. A redirect port
    /// that is not a port stays open, with the reason.
    pub(super) fn commit_field_edit(&mut self) {
        if let Some(problem) = self.port_problem_in_edit() {
            self.notify(Level::Error, problem);
            return;
        }
        let next = self.open.as_ref().and_then(|o| o.editing.as_ref()).and_then(|e| match e.field {
            Field::Name(i) => Some(Field::Value(i)),
            _ => None,
        });
        self.end_field_edit();
        if let (Some(field), Some(open)) = (next, self.open.as_mut()) {
            open.begin_edit(field);
        }
    }

    /// Leaves the field, keeping its text; a row left with neither name nor value goes away.
    pub(super) fn end_field_edit(&mut self) {
        if let Some(problem) = self.port_problem_in_edit() {
            self.notify(Level::Error, format!("{problem}. Kept the previous port"));
        }
        let Some(open) = self.open.as_mut() else { return };
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
        let edit = self.open.as_ref()?.editing.as_ref()?;
        (edit.field == Field::Auth("redirect_port")).then(|| port_problem(&edit.input.text()))?
    }

    /// Keys a field reacts to beyond plain text: Tab between a row's name and value, ↑/↓ through methods.
    pub(super) fn field_special_key(&mut self, key: &KeyEvent) -> bool {
        let Some(open) = self.open.as_mut() else { return false };
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

    fn external_editor(&mut self) {
        let Some(open) = self.open.as_ref() else { return };
        let extension = match &open.draft.body {
            Body::Json(_) | Body::None => "json",
            Body::Text { .. } => "txt",
            _ => {
                self.notify(
                    Level::Info,
                    "Only JSON and text bodies open in $EDITOR; press t in the Body tab to change the kind",
                );
                return;
            }
        };
        let text = open.body_text().unwrap_or_default();
        self.effect = Some(Effect::ExternalEditor { text, extension });
    }

    /// The result of `Effect::ExternalEditor`.
    pub fn editor_finished(&mut self, result: Result<String, String>) {
        self.redraw = true;
        match result {
            Ok(text) => {
                let text = text.strip_suffix('\n').map(str::to_string).unwrap_or(text);
                if let Some(open) = self.open.as_mut() {
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
            Err(e) => self.notify(Level::Error, e),
        }
    }
}

//! The open request: a draft of the file's request that the person edits in place, with the tab, the cursor and
//! the field being edited. Plain state and its own edits; the keys that drive it are in `open.rs`.

use super::auth_fields::{self, auth_fields};
use crate::core::collection::{Body, KeyValue, Part, RequestDef};
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
    /// The disk version the user already chose to ignore ("keep mine").
    pub ignored: Option<FileStamp>,
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
            ignored: None,
        }
    }

    /// Requests under `from` moved to `to`: this one follows if it was among them.
    pub fn follow_move(&mut self, from: &std::path::Path, to: &std::path::Path) {
        if let Ok(rest) = self.draft.path.strip_prefix(from) {
            let new = moved_path(rest, to);
            self.draft.path = new.clone();
            self.original.path = new;
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

    pub(super) fn body_text(&self) -> Option<String> {
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

pub(super) fn next_body(body: &Body) -> Body {
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

/// Where a file `rest` below a moved folder (or the moved file itself, `rest` empty) now is.
pub fn moved_path(rest: &std::path::Path, to: &std::path::Path) -> std::path::PathBuf {
    if rest.as_os_str().is_empty() {
        to.to_path_buf()
    } else {
        to.join(rest)
    }
}

//! Multipart parts in the Body tab: rows like headers (name, then a value or a file path), added with `a`,
//! removed with `x`, switched on and off with Space, and switched between a value and a file with `f`.

use super::draft::{Field, OpenRequest, RequestTab};
use super::shell::Shell;
use crate::core::collection::{AuthDef, Body, Part};
use crate::tui::action::Action;
use crate::tui::events::Level;

impl OpenRequest {
    /// The parts of a multipart body, when the Body tab shows one.
    pub fn parts(&self) -> Option<&Vec<Part>> {
        match (&self.draft.body, self.tab) {
            (Body::Multipart(parts), RequestTab::Body) => Some(parts),
            _ => None,
        }
    }

    pub fn parts_mut(&mut self) -> Option<&mut Vec<Part>> {
        match (&mut self.draft.body, self.tab) {
            (Body::Multipart(parts), RequestTab::Body) => Some(parts),
            _ => None,
        }
    }

    /// Lines the tab draws above its rows: the auth type line, the multipart summary.
    pub fn header_rows(&self) -> usize {
        let has_header = match self.tab {
            RequestTab::Auth => !matches!(self.draft.auth, AuthDef::Inherit | AuthDef::None),
            RequestTab::Body => self.parts().is_some(),
            _ => false,
        };
        usize::from(has_header)
    }

    /// Part `i`'s row text for `field` (its name, or its value / file path).
    pub(super) fn part_text(&self, field: Field) -> Option<String> {
        match field {
            Field::Name(i) => self.parts()?.get(i).map(|p| p.name.clone()),
            Field::Value(i) => self.parts()?.get(i).map(part_value),
            _ => None,
        }
    }

    /// Writes a part row's text; false when `field` is not a part row.
    pub(super) fn set_part_text(&mut self, field: Field, text: &str) -> bool {
        let (i, is_name) = match field {
            Field::Name(i) => (i, true),
            Field::Value(i) => (i, false),
            _ => return false,
        };
        let Some(p) = self.parts_mut().and_then(|p| p.get_mut(i)) else {
            return false;
        };
        if is_name {
            p.name = text.to_string();
        } else if p.file.is_some() {
            p.file = Some(text.to_string());
        } else {
            p.value = Some(text.to_string());
        }
        true
    }

    /// After leaving a part row: a part with neither name nor content goes away.
    pub(super) fn drop_empty_part(&mut self, i: usize) {
        let Some(parts) = self.parts_mut() else { return };
        if parts.get(i).is_some_and(|p| p.name.trim().is_empty() && part_value(p).is_empty()) {
            parts.remove(i);
            self.cursor = self.cursor.min(self.item_count());
        }
    }
}

/// The value of a value part, or the path of a file part.
pub fn part_value(p: &Part) -> String {
    p.file.clone().or_else(|| p.value.clone()).unwrap_or_default()
}

/// A value part becomes a file part and back; the text is kept, so a second switch undoes the first.
fn switch_kind(p: &mut Part) {
    match p.file.take() {
        Some(path) => p.value = Some(path),
        None => p.file = Some(p.value.take().unwrap_or_default()),
    }
}

impl OpenRequest {
    /// Row actions on a multipart body. False when the Body tab does not show one (the caller goes on).
    pub(super) fn part_action(&mut self, action: Action, shell: &mut Shell) -> bool {
        let open = self;
        let cursor = open.cursor;
        let i = cursor.wrapping_sub(1);
        let Some(parts) = open.parts_mut() else {
            if action == Action::SwitchPartKind {
                shell.notify(Level::Info, "f switches a multipart part between a value and a file (Body tab)");
                return true;
            }
            return false;
        };
        match action {
            Action::AddRow => {
                let at = cursor.min(parts.len());
                parts.insert(
                    at,
                    Part {
                        name: String::new(),
                        value: Some(String::new()),
                        file: None,
                        content_type: None,
                        enabled: true,
                    },
                );
                open.cursor = at + 1;
                open.begin_edit(Field::Name(at));
            }
            Action::DeleteRow => {
                if i < parts.len() {
                    let part = parts.remove(i);
                    open.cursor = open.cursor.min(open.item_count());
                    let what = if part.name.is_empty() {
                        "the unnamed part".to_string()
                    } else {
                        format!("part `{}`", part.name)
                    };
                    shell.notify(Level::Info, format!("Removed {what} (unsaved; Ctrl-S saves)"));
                }
            }
            Action::ToggleRow => {
                if let Some(p) = parts.get_mut(i) {
                    p.enabled = !p.enabled;
                }
            }
            Action::SwitchPartKind => match parts.get_mut(i) {
                Some(p) => {
                    switch_kind(p);
                    let now = if p.file.is_some() {
                        "a file (Enter edits the path)"
                    } else {
                        "a value"
                    };
                    let name = p.name.clone();
                    shell.notify(Level::Info, format!("Part `{name}` is now {now}"));
                }
                None => shell.notify(
                    Level::Info,
                    "Select a part first (↓), then f switches it between a value and a file",
                ),
            },
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switching_a_part_twice_gives_it_back() {
        let mut p = Part {
            name: "bio".into(),
            value: Some("hi".into()),
            file: None,
            content_type: None,
            enabled: true,
        };
        let before = p.clone();
        switch_kind(&mut p);
        assert_eq!((p.value.as_deref(), p.file.as_deref()), (None, Some("hi")));
        switch_kind(&mut p);
        assert_eq!(p, before);
    }
}

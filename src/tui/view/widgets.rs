//! Small pieces several panes and dialogs draw with: popups and their frames, tab lines, template-highlighted
//! text, masked values, row and message styles. A leaf: it imports no other view file.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType};

use crate::core::sanitize::visible_line;
use crate::core::template::MASK;
use crate::tui::app::{App, OpenRequest};

pub fn popup(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width.saturating_sub(2));
    let h = height.min(area.height.saturating_sub(2));
    Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h)
}

pub fn frame_block<'a>(app: &App, title: &str) -> Block<'a> {
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(app.shell.styles.border_focus)
        // Titles name collections and requests from files: shown visibly like every other text.
        .title(Span::styled(format!(" {} ", visible_line(title)), app.shell.styles.title_focus))
        .style(app.shell.styles.base)
}

/// A secret is shown only as a reference (`{{env.TOKEN}}`); a literal value is masked.
pub fn masked(value: &str) -> String {
    if value.is_empty() || value.contains("{{") {
        value.to_string()
    } else {
        MASK.to_string()
    }
}

pub fn row_style(app: &App, open: &OpenRequest, item: usize, focused: bool) -> Style {
    if open.cursor == item + 1 && open.editing.is_none() {
        if focused {
            app.shell.styles.selection
        } else {
            app.shell.styles.selection_dim
        }
    } else {
        Style::new()
    }
}

/// Text with `{{variables}}` picked out.
pub fn template_spans(text: &str, base: Style, var: Style) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start..].find("}}").map(|e| start + e + 2) else {
            break;
        };
        if start > 0 {
            out.push(Span::styled(rest[..start].to_string(), base));
        }
        out.push(Span::styled(rest[start..end].to_string(), var));
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        out.push(Span::styled(rest.to_string(), base));
    }
    out
}

/// " Params (1) │ Headers (2) │ …" with the active tab underlined (and marked, for NO_COLOR).
pub fn tab_line(app: &App, titles: &[String], active: usize) -> Line<'static> {
    let s = &app.shell.styles;
    let mut spans = vec![Span::raw(" ")];
    for (i, t) in titles.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" │ ", s.muted));
        }
        if i == active {
            spans.push(Span::styled(t.clone(), s.tab_active));
        } else {
            spans.push(Span::styled(t.clone(), s.muted));
        }
    }
    Line::from(spans)
}

/// Style for a line of the preamble above a body.
pub fn level_style(app: &App, warn: bool) -> Style {
    if warn {
        app.shell.styles.warning
    } else {
        app.shell.styles.info
    }
}

//! Small pieces several panes and dialogs draw with: popups and their frames, tab lines, template-highlighted
//! text, masked values, row and message styles, word wrapping and clipping, the filter field of a list dialog. A
//! leaf: it imports no other view file.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use crate::core::sanitize::visible_line;
use crate::core::template::MASK;
use crate::tui::app::{App, OpenRequest};
use crate::tui::safe_text::para;
use crate::tui::text_input::TextArea;

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

/// Word-wraps `text` to `width` columns, each line indented by `indent` spaces.
pub fn wrap_indented(text: &str, width: usize, indent: usize) -> Vec<String> {
    let room = width.saturating_sub(indent).max(10);
    let mut out = Vec::new();
    for para in text.lines() {
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && line.width() + 1 + word.width() > room {
                out.push(format!("{}{line}", " ".repeat(indent)));
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push(format!("{}{line}", " ".repeat(indent)));
    }
    out
}

/// `text` cut to `room` columns, ending in … when cut (widths as drawn).
pub fn clip(text: &str, room: usize) -> String {
    if text.width() <= room {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if out.width() + unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) + 1 > room {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// The `> ` filter field on the first line of `inner` and the area of the list below it; None when there is no
/// room for a list.
pub fn filter_field(app: &App, frame: &mut Frame, inner: Rect, input: &TextArea) -> Option<Rect> {
    if inner.height < 2 {
        return None;
    }
    let s = &app.shell.styles;
    frame.render_widget(para(Span::styled("> ", s.key)), Rect::new(inner.x, inner.y, 2, 1));
    input.render(
        frame,
        Rect::new(inner.x + 2, inner.y, inner.width.saturating_sub(2), 1),
        s.base,
        true,
    );
    Some(Rect::new(inner.x, inner.y + 1, inner.width, inner.height - 1))
}

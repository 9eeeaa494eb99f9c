//! The diff view: a comparison of two history entries, breaking changes first (marked ⚠, readable without colour).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Clear;
use ratatui::Frame;

use super::hint_spans;
use super::widgets::{frame_block, popup};
use crate::tui::app::history_diff::{DiffKind, DiffView};
use crate::tui::app::App;
use crate::tui::safe_text::para;

pub fn draw(app: &App, frame: &mut Frame, area: Rect, d: &DiffView) {
    let s = &app.shell.styles;
    let popup_area = popup(area, area.width.saturating_sub(4), area.height.saturating_sub(2));
    frame.render_widget(Clear, popup_area);
    let verdict = if d.breaking == 0 {
        "no breaking change".to_string()
    } else {
        format!("⚠ {} breaking", d.breaking)
    };
    let mut block = frame_block(app, &format!("Compare #{} → #{} · {verdict}", d.old_id, d.new_id));
    if d.breaking > 0 {
        block = block.border_style(s.error);
    }
    let inner = block.inner(popup_area);
    frame.render_widget(block, popup_area);
    if inner.height < 2 {
        return;
    }
    let body = Rect::new(inner.x, inner.y, inner.width, inner.height - 1);
    let height = body.height as usize;
    let first = d.scroll.min(d.lines.len().saturating_sub(height));
    let lines: Vec<Line> = d
        .lines
        .iter()
        .skip(first)
        .take(height)
        .map(|l| {
            let style = match l.kind {
                DiffKind::Heading => s.title_focus,
                DiffKind::Breaking => s.error,
                DiffKind::Added => s.success,
                DiffKind::Removed => s.warning,
                DiffKind::Changed => s.accent,
                DiffKind::Note => s.muted,
                DiffKind::Plain => s.base,
            };
            Line::from(Span::styled(format!(" {}", l.text), style))
        })
        .collect();
    frame.render_widget(para(lines), body);
    let more = if d.lines.len() > height {
        format!("lines {}–{} of {}", first + 1, (first + height).min(d.lines.len()), d.lines.len())
    } else {
        String::new()
    };
    let hints = [("↑↓".to_string(), "scroll"), ("Esc".to_string(), "back to the list")];
    let mut spans = hint_spans(app, &hints);
    if !more.is_empty() {
        spans.push(Span::styled(format!("   {more}"), s.muted));
    }
    frame.render_widget(
        para(Line::from(spans)),
        Rect::new(inner.x + 1, inner.bottom() - 1, inner.width.saturating_sub(1), 1),
    );
}

//! The Problems panel: every problem `apix check` finds, errors first, with file:line:col and the hint.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Clear;
use ratatui::Frame;

use super::widgets::{frame_block, popup};
use crate::tui::app::problems::ProblemsView;
use crate::tui::app::App;
use crate::tui::safe_text::para;

pub fn draw(app: &App, frame: &mut Frame, area: Rect, v: &ProblemsView) {
    let s = &app.shell.styles;
    let all = app.workspace.problems.all();
    let popup_area = popup(area, 110, 20);
    frame.render_widget(Clear, popup_area);
    let errors = all.iter().filter(|d| d.is_error()).count();
    let title = format!(
        "Problems: {errors} error(s), {} warning(s) (Enter opens, Esc closes)",
        all.len() - errors
    );
    let block = frame_block(app, &title);
    let inner = block.inner(popup_area);
    frame.render_widget(block, popup_area);
    let mut lines: Vec<Line> = Vec::new();
    if app.workspace.problems.checking() {
        lines.push(Line::from(Span::styled(" Checking the collection files…", s.muted)));
    } else if all.is_empty() {
        lines.push(Line::from(Span::styled(
            " No problems: every collection file loads and checks clean.",
            s.muted,
        )));
    }
    let rows = (inner.height as usize).max(1);
    let first = v.selected.saturating_sub(rows.saturating_sub(2));
    for (i, d) in all.iter().enumerate().skip(first) {
        if lines.len() >= rows {
            break;
        }
        let place = if d.line > 0 {
            format!("{}:{}:{}", app.workspace.rel(&d.path), d.line, d.col)
        } else {
            app.workspace.rel(&d.path)
        };
        let (mark, style) = if d.is_error() { ("✖", s.error) } else { ("!", s.warning) };
        let selected = i == v.selected;
        let base = if selected { s.selection } else { s.base };
        if !selected {
            lines.push(Line::from(vec![
                Span::styled(format!(" {mark} "), style),
                Span::styled(format!("{place}  "), s.muted),
                Span::styled(d.message.clone(), base),
            ]));
            continue;
        }
        // The selected problem in full: its place, then the message and the hint wrapped to the panel.
        let width = inner.width as usize;
        lines.push(Line::from(vec![
            Span::styled(format!(" {mark} "), style),
            Span::styled(place, base),
        ]));
        for l in super::widgets::wrap_indented(&d.message, width, 4) {
            lines.push(Line::from(Span::styled(l, s.base)));
        }
        if let Some(h) = &d.hint {
            for l in super::widgets::wrap_indented(h, width, 4) {
                lines.push(Line::from(Span::styled(l, s.muted)));
            }
        }
    }
    frame.render_widget(para(lines), inner);
}

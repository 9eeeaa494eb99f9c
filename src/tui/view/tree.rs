//! The collections tree: folders with ▾/▸, requests with method badges, the last result of each request, and the
//! unsaved marker.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::{method_badge, pane_block, slot_marker};
use crate::core::collection::Severity;
use crate::tui::app::tree::RowKind;
use crate::tui::app::{App, Pane};
use crate::tui::safe_text::para;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let s = &app.shell.styles;
    let block = pane_block(app, "Collections", '1', Pane::Tree);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    let filter_area = Rect::new(inner.x, inner.y, inner.width, 1);
    match &app.tree.filter_input {
        Some(input) => {
            frame.render_widget(para(Span::styled("/ ", s.key)), filter_area);
            let field = Rect::new(inner.x + 2, inner.y, inner.width.saturating_sub(2), 1);
            input.render(frame, field, s.base, app.focus == Pane::Tree);
        }
        None if !app.tree.filter.is_empty() => {
            let line = Line::from(vec![
                Span::styled("/ ", s.key),
                Span::styled(app.tree.filter.clone(), s.accent),
                Span::styled("  (Esc clears)", s.muted),
            ]);
            frame.render_widget(para(line), filter_area);
        }
        None => {
            let key = app
                .shell
                .keymap
                .label(crate::tui::keymap::Context::Tree, crate::tui::action::Action::Filter);
            frame.render_widget(para(Span::styled(format!("{key} filter"), s.muted)), filter_area);
        }
    }
    let list = Rect::new(inner.x, inner.y + 1, inner.width, inner.height.saturating_sub(1));
    if app.tree.rows.is_empty() {
        let msg = if app.tree.filter.is_empty() {
            "No collections here.".to_string()
        } else {
            format!("Nothing matches `{}`.", app.tree.filter)
        };
        frame.render_widget(para(Span::styled(msg, s.muted)), list);
        return;
    }
    let open_path = app.open.as_ref().map(|o| o.draft.path.as_path());
    let dirty = app.is_dirty();
    let width = list.width as usize;
    let lines: Vec<Line> = app
        .tree
        .rows
        .iter()
        .enumerate()
        .skip(app.tree.scroll)
        .take(list.height as usize)
        .map(|(i, row)| {
            let mut spans = vec![Span::raw(" ".repeat(1 + row.depth as usize * 2))];
            match &row.kind {
                RowKind::Collection | RowKind::Folder => {
                    let arrow = if row.expanded { "▾ " } else { "▸ " };
                    let style = if row.kind == RowKind::Collection { s.title_focus } else { s.title };
                    spans.push(Span::styled(arrow, s.muted));
                    spans.push(Span::styled(row.name.clone(), style));
                }
                RowKind::Request { method } => {
                    // The open request as edited (unsaved method and name included), the others as saved.
                    let draft = app.open.as_ref().map(|o| &o.draft).filter(|d| d.path == row.path);
                    let method = draft.map(|d| &d.method).unwrap_or(method);
                    let name = draft.map(|d| d.name.clone()).unwrap_or_else(|| row.name.clone());
                    spans.push(Span::styled(method_badge(method), s.method(method)));
                    spans.push(Span::raw(" "));
                    spans.push(Span::styled(name, s.base));
                }
                RowKind::Broken => {
                    spans.push(Span::styled("✖ ", s.error));
                    spans.push(Span::styled(format!("{} (broken)", row.name), s.muted));
                }
            }
            let mut right: Vec<Span> = Vec::new();
            if let Some(sev) = app.workspace.problems.worst_under(&row.path) {
                // `p` lists them; an error outranks a warning.
                let style = if sev == Severity::Error { s.error } else { s.warning };
                right.push(Span::styled("!", style));
            }
            if let Some((text, style)) = slot_marker(app, &row.path) {
                if !right.is_empty() {
                    right.push(Span::raw(" "));
                }
                right.push(Span::styled(text, style));
            }
            if dirty && open_path == Some(row.path.as_path()) {
                right.push(Span::raw(" "));
                right.push(Span::styled("●", s.warning));
            }
            fit_row(&mut spans, right, width);
            let mut line = Line::from(spans);
            if i == app.tree.selected {
                line = line.style(if app.focus == Pane::Tree { s.selection } else { s.selection_dim });
            } else if open_path == Some(row.path.as_path()) {
                line = line.style(Style::new().add_modifier(ratatui::style::Modifier::BOLD));
            }
            line
        })
        .collect();
    frame.render_widget(para(lines), list);
}

/// Cuts the left part to leave room for `right`, then pads so `right` sits at the right edge.
fn fit_row(spans: &mut Vec<Span<'static>>, right: Vec<Span<'static>>, width: usize) {
    let right_w: usize = right.iter().map(|s| s.content.width()).sum::<usize>() + usize::from(!right.is_empty());
    // Keep a gap between the name and the marker.
    let budget = width.saturating_sub(right_w + usize::from(!right.is_empty()));
    let mut used = 0;
    let mut out = Vec::new();
    for sp in spans.drain(..) {
        let w = sp.content.width();
        if used + w <= budget {
            used += w;
            out.push(sp);
        } else {
            let room = budget.saturating_sub(used);
            if room > 1 {
                let mut cut = String::new();
                let mut cw = 0;
                for c in sp.content.chars() {
                    let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                    if cw + w > room - 1 {
                        break;
                    }
                    cw += w;
                    cut.push(c);
                }
                cut.push('…');
                used += cw + 1;
                out.push(Span::styled(cut, sp.style));
            }
            break;
        }
    }
    if !right.is_empty() {
        out.push(Span::raw(" ".repeat(width.saturating_sub(used + right_w).max(1))));
        out.extend(right);
        out.push(Span::raw(" "));
    }
    *spans = out;
}

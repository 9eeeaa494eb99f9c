//! The history view (an overlay listing entries, newest first), and the marks history leaves on the response pane:
//! "history (12) Ctrl-H" and, while an entry is on display, "history #12 · date · read-only".

use std::time::{Duration, UNIX_EPOCH};

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Clear;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::widgets::{frame_block, popup};
use super::{hint_spans, method_badge};
use crate::core::history::Summary;
use crate::core::{format_duration, format_size};
use crate::tui::action::Action;
use crate::tui::app::history::{HistoryView, Scope, COUNT_LIMIT};
use crate::tui::app::App;
use crate::tui::keymap::Context;
use crate::tui::safe_text::para;

/// "2025-01-02 10:00:00" (UTC) from milliseconds since the epoch.
pub fn date(ms: i64) -> String {
    let t = UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_seconds(t)
        .to_string()
        .replace('T', " ")
        .trim_end_matches('Z')
        .to_string()
}

/// The keys of the history and diff views, for the help overlay.
pub fn help_rows(app: &App) -> Vec<(String, String)> {
    let send = app.shell.keymap.label(Context::Global, Action::Send);
    vec![
        ("Enter".into(), "Open the entry read-only in the response viewer".into()),
        ("r".into(), "Restore the entry into the editor (unsaved until Ctrl-S)".into()),
        (send, "Send the entry again (restored into the editor)".into()),
        ("Space".into(), "Mark an entry for Compare (two at most)".into()),
        ("c".into(), "Compare the two marked entries (default: the last two sends)".into()),
        ("/".into(), "Search URL, headers and bodies (all words must match)".into()),
        ("Tab".into(), "This request / all requests".into()),
        ("Esc".into(), "Close (in the diff view: back to the list)".into()),
    ]
}

fn row(app: &App, view: &HistoryView, e: &Summary, selected: bool, width: usize) -> Line<'static> {
    let s = &app.shell.styles;
    let marked = view.marked.contains(&e.id);
    let mut spans = vec![
        Span::styled(if selected { "›" } else { " " }, s.key),
        Span::styled(if marked { "● " } else { "  " }, s.accent),
        Span::styled(format!("#{:<5} ", e.id), s.muted),
        Span::styled(format!("{}  ", date(e.created_ms)), s.muted),
    ];
    match (e.status, &e.error) {
        (Some(code), _) => spans.push(Span::styled(format!("{code:<4}"), s.status(code))),
        (None, _) => spans.push(Span::styled("✖   ", s.error)),
    }
    let took = format_duration(Duration::from_micros(e.total_us));
    let size = e.response_size.map(format_size).unwrap_or_default();
    spans.push(Span::styled(format!("{took:>8} {size:>9}  "), s.muted));
    spans.push(Span::styled(format!("{} ", method_badge(&e.method)), s.method(&e.method)));
    let mut tail = e.url.clone();
    if view.scope == Scope::All {
        if let Some(name) = &e.request_name {
            tail.push_str(&format!("  · {name}"));
        }
    }
    if let Some(env) = &e.environment {
        tail.push_str(&format!("  · {env}"));
    }
    if let (None, Some(err)) = (e.status, &e.error) {
        tail.push_str(&format!("  · {err}"));
    }
    let used: usize = spans.iter().map(|sp| sp.content.width()).sum();
    let room = width.saturating_sub(used);
    if tail.width() > room {
        tail = tail.chars().take(room.saturating_sub(1)).collect::<String>() + "…";
    }
    spans.push(Span::styled(tail, s.base));
    let line = Line::from(spans);
    if selected {
        line.style(s.selection)
    } else {
        line
    }
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect, view: &HistoryView) {
    let s = &app.shell.styles;
    let popup_area = popup(area, area.width.saturating_sub(4), area.height.saturating_sub(2));
    frame.render_widget(Clear, popup_area);
    let what = match &view.scope {
        Scope::Request { name, .. } => format!("History · {name}"),
        Scope::All => "History · all requests".to_string(),
    };
    let count = if view.loading && view.entries.is_empty() {
        String::new()
    } else {
        format!(" ({})", view.entries.len())
    };
    let block = frame_block(app, &format!("{what}{count}"));
    let inner = block.inner(popup_area);
    frame.render_widget(block, popup_area);
    if inner.height < 4 {
        return;
    }
    // Search line.
    let search_area = Rect::new(inner.x, inner.y, inner.width, 1);
    frame.render_widget(para(Span::styled(" / ", s.key)), Rect::new(inner.x, inner.y, 3, 1));
    let field = Rect::new(inner.x + 3, inner.y, inner.width.saturating_sub(3), 1);
    if view.searching {
        view.search.render(frame, field, s.base, true);
    } else if view.search.text().is_empty() {
        frame.render_widget(
            para(Span::styled("search URL, headers and bodies", s.muted)),
            Rect::new(field.x, field.y, field.width, 1),
        );
    } else {
        frame.render_widget(para(Span::styled(view.search.text(), s.accent)), field);
    }
    let _ = search_area;
    // The list.
    let list = Rect::new(inner.x, inner.y + 2, inner.width, inner.height.saturating_sub(4));
    let height = list.height as usize;
    if let Some(err) = &view.error {
        frame.render_widget(para(Span::styled(format!(" ✖ {err}"), s.error)), list);
    } else if view.entries.is_empty() {
        let msg = match (view.loading, view.search.text().trim().is_empty(), &view.scope) {
            (true, _, _) => " Loading…".to_string(),
            (false, false, _) => " No entry matches these words.".to_string(),
            (false, true, Scope::Request { .. }) => {
                format!(
                    " No sends of this request yet: {} sends it, and every send is kept here.",
                    app.shell.keymap.label(Context::Global, Action::Send)
                )
            }
            (false, true, Scope::All) => " No history yet: every send from apix is kept here.".to_string(),
        };
        frame.render_widget(para(Span::styled(msg, s.muted)), list);
    } else {
        let first = view.selected.saturating_sub(height.saturating_sub(1));
        let lines: Vec<Line> = view
            .entries
            .iter()
            .enumerate()
            .skip(first)
            .take(height)
            .map(|(i, e)| row(app, view, e, i == view.selected, list.width as usize))
            .collect();
        frame.render_widget(para(lines), list);
    }
    // Keys.
    let toggle = match view.scope {
        Scope::Request { .. } => "all requests",
        Scope::All => "this request",
    };
    let hints = [
        ("Enter".to_string(), "open"),
        ("r".to_string(), "restore"),
        (app.shell.keymap.label(Context::Global, Action::Send), "send again"),
        ("Space".to_string(), "mark"),
        ("c".to_string(), "compare"),
        ("/".to_string(), "search"),
        ("Tab".to_string(), toggle),
        ("Esc".to_string(), "close"),
    ];
    let keys = Rect::new(inner.x + 1, inner.bottom().saturating_sub(1), inner.width.saturating_sub(1), 1);
    frame.render_widget(para(Line::from(hint_spans(app, &hints))), keys);
}

/// On the response pane's bottom border: the entry on display (read-only) and the open request's history count.
pub fn draw_response_marks(app: &App, frame: &mut Frame, area: Rect) {
    let s = &app.shell.styles;
    if area.height < 3 || area.width < 20 {
        return;
    }
    let y = area.bottom() - 1;
    let Some(open) = &app.open else { return };
    let mut left_end = area.x + 1;
    if let Some(v) = &app.history.viewing {
        let current = app.responses.slots.get(&v.path).map(|sl| sl.id) == Some(v.slot) && v.path == open.draft.path;
        if current {
            let text = format!(" history #{} · {} · read-only ", v.id, date(v.created_ms));
            let w = (text.width() as u16).min(area.width.saturating_sub(4));
            frame.render_widget(para(Span::styled(text, s.warning)), Rect::new(area.x + 2, y, w, 1));
            left_end = area.x + 2 + w;
        }
    }
    let Some(n) = app.history.counts.get(&open.draft.path) else {
        return;
    };
    let count = if *n > COUNT_LIMIT {
        format!("{COUNT_LIMIT}+")
    } else {
        n.to_string()
    };
    let key = app.shell.keymap.label(app.context(), Action::History);
    let spans = vec![
        Span::styled(format!(" history ({count}) "), s.muted),
        Span::styled(key, s.key),
        Span::raw(" "),
    ];
    let w = spans.iter().map(|sp| sp.content.width()).sum::<usize>() as u16;
    let x = area.right().saturating_sub(w + 2);
    if x > left_end {
        frame.render_widget(para(Line::from(spans)), Rect::new(x, y, w, 1));
    }
}

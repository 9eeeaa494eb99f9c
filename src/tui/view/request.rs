//! The request pane: method and URL, then tabs for params, headers, body, auth (with where it comes from) and docs.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::widgets::{row_style, tab_line, template_spans};
use super::{pane_block, spinner};
use crate::core::collection::{Body, KeyValue, Part};
use crate::core::format::json_error_position;

use crate::tui::action::Action;
use crate::tui::app::titles::request_tab_titles as tab_titles;
use crate::tui::app::{App, Field, OpenRequest, Pane, RequestState, RequestTab};
use crate::tui::keymap::Context;
use crate::tui::safe_text::para;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let s = &app.shell.styles;
    let block = pane_block(app, "Request", '2', Pane::Request);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(open) = &app.open else {
        let lines = vec![
            Line::from(Span::styled("No request open.", s.muted)),
            Line::from(Span::styled(
                "Pick one in the tree and press Enter, or Ctrl-P to jump to any request by name.",
                s.muted,
            )),
        ];
        frame.render_widget(para(lines), inner);
        return;
    };
    if inner.height == 0 {
        return;
    }
    let focused = app.focus == Pane::Request;
    draw_url_line(
        app,
        open,
        frame,
        Rect::new(inner.x + 1, inner.y, inner.width.saturating_sub(1), 1),
        focused,
    );
    let tabs = app.shell.areas.request_tabs;
    let titles = tab_titles(app.open.as_ref(), app.open_collection());
    let active = RequestTab::ALL.iter().position(|t| *t == open.tab).unwrap_or(0);
    frame.render_widget(para(tab_line(app, &titles, active)), tabs);
    let body = app.shell.areas.request_body;
    if body.height == 0 {
        return;
    }
    match open.tab {
        RequestTab::Params | RequestTab::Headers => draw_rows(app, open, frame, body),
        RequestTab::Body => draw_body(app, open, frame, body, focused),
        RequestTab::Auth => super::auth::draw_tab(app, open, frame, body, focused),
        RequestTab::Docs => draw_docs(app, open, frame, body, focused),
    }
}

fn draw_url_line(app: &App, open: &OpenRequest, frame: &mut Frame, area: Rect, focused: bool) {
    let s = &app.shell.styles;
    let editing = open.editing.as_ref();
    let method_w = open.draft.method.width().max(4) as u16 + 1;
    let send_hint = match app.responses.slots.get(&open.draft.path).map(|slot| &slot.state) {
        Some(RequestState::Sending { started, .. }) => format!("{} sending · Esc cancel ", spinner(started.elapsed())),
        _ => format!("⏎ {} send ", app.shell.keymap.label(Context::Request, Action::Send)),
    };
    let hint_w = send_hint.width() as u16;
    let url_area = Rect::new(area.x + method_w + 1, area.y, area.width.saturating_sub(method_w + 1 + hint_w), 1);
    let line_style = if focused && open.cursor == 0 && editing.is_none() {
        s.selection
    } else {
        Style::new()
    };
    frame.render_widget(para("").style(line_style), area);
    match editing {
        Some(e) if e.field == Field::Method => {
            let a = Rect::new(area.x, area.y, method_w.max(8), 1);
            e.input.render(frame, a, s.method(&open.draft.method), focused);
        }
        _ => frame.render_widget(
            para(Span::styled(open.draft.method.clone(), s.method(&open.draft.method))).style(line_style),
            Rect::new(area.x, area.y, method_w, 1),
        ),
    }
    match editing {
        Some(e) if e.field == Field::Url => e.input.render(frame, url_area, s.base, focused),
        _ => {
            let spans = template_spans(&open.draft.url, s.base, s.accent);
            frame.render_widget(para(Line::from(spans)).style(line_style), url_area);
        }
    }
    let hint_area = Rect::new(area.right().saturating_sub(hint_w), area.y, hint_w, 1);
    frame.render_widget(para(Span::styled(send_hint, s.muted)), hint_area);
}

/// Query, header and form rows: ✔/✗ enabled, name, value; inherited headers follow, marked with their origin.
fn draw_rows(app: &App, open: &OpenRequest, frame: &mut Frame, area: Rect) {
    let s = &app.shell.styles;
    let rows = open.rows().cloned().unwrap_or_default();
    let mut inherited: Vec<(KeyValue, String)> = Vec::new();
    if open.tab == RequestTab::Headers {
        if let Some(c) = app.workspace.collections.get(open.collection) {
            for (i, f) in c.folder_chain(&open.draft.path).iter().enumerate() {
                let origin = if i == 0 {
                    "collection".to_string()
                } else {
                    format!("folder {}", f.name)
                };
                for h in f.defaults.headers.iter().filter(|h| h.enabled) {
                    if !rows.iter().any(|r| r.enabled && r.name.eq_ignore_ascii_case(&h.name)) {
                        inherited.push((h.clone(), origin.clone()));
                    }
                }
            }
        }
    }
    if rows.is_empty() && inherited.is_empty() {
        let what = if open.tab == RequestTab::Params {
            "No query parameters."
        } else {
            "No headers."
        };
        let key = app.shell.keymap.label(Context::Request, Action::AddRow);
        frame.render_widget(para(Span::styled(format!(" {what} {key} adds one."), s.muted)), area);
        return;
    }
    let name_w = rows
        .iter()
        .map(|r| r.name.width())
        .chain(inherited.iter().map(|(h, _)| h.name.width()))
        .max()
        .unwrap_or(4)
        .clamp(8, 28) as u16;
    let mut y = area.y;
    for (i, row) in rows.iter().enumerate().skip(open.scroll) {
        if y >= area.bottom() {
            return;
        }
        let text_style = if row.enabled { s.base } else { s.muted };
        let value = template_spans(&row.value, text_style, s.accent);
        draw_row(
            app,
            open,
            frame,
            Rect::new(area.x, y, area.width, 1),
            (i, name_w),
            (row.enabled, &row.name, value),
        );
        y += 1;
    }
    for (h, origin) in inherited {
        if y >= area.bottom() {
            return;
        }
        let line = Line::from(vec![
            Span::styled("   ", s.muted),
            Span::styled(format!("{:<w$}  ", h.name, w = name_w as usize), s.muted),
            Span::styled(h.value.clone(), s.muted),
            Span::styled(format!("  ← {origin}"), s.muted),
        ]);
        frame.render_widget(para(line), Rect::new(area.x, y, area.width, 1));
        y += 1;
    }
}

/// One editable row: ✔/✗, the name (or its field), the value spans (or its field). `at` is (row, name width).
fn draw_row(app: &App, open: &OpenRequest, frame: &mut Frame, line_area: Rect, at: (usize, u16), row: (bool, &str, Vec<Span<'static>>)) {
    let s = &app.shell.styles;
    let ((i, name_w), (enabled, name, value)) = (at, row);
    let focused = app.focus == Pane::Request;
    let (x, y) = (line_area.x, line_area.y);
    let style = row_style(app, open, i, focused);
    frame.render_widget(para("").style(style), line_area);
    let (mark, mark_style) = if enabled { ("✔", s.success) } else { ("✗", s.muted) };
    let text_style = if enabled { s.base } else { s.muted };
    frame.render_widget(para(Span::styled(format!(" {mark} "), mark_style)).style(style), line_area);
    let name_area = Rect::new(x + 3, y, name_w.min(line_area.width.saturating_sub(3)), 1);
    let value_x = x + 3 + name_w + 2;
    let value_area = Rect::new(value_x, y, line_area.right().saturating_sub(value_x), 1);
    match open.editing.as_ref() {
        Some(e) if e.field == Field::Name(i) => e.input.render(frame, name_area, s.base, focused),
        _ => frame.render_widget(
            para(Span::styled(name.to_string(), text_style.patch(s.title))).style(style),
            name_area,
        ),
    }
    match open.editing.as_ref() {
        Some(e) if e.field == Field::Value(i) => e.input.render(frame, value_area, s.base, focused),
        _ => frame.render_widget(para(Line::from(value)).style(style), value_area),
    }
}

/// Multipart parts as rows under a summary line: a value part shows its value, a file part `file` and its path.
fn draw_parts(app: &App, open: &OpenRequest, frame: &mut Frame, area: Rect, parts: &[Part]) {
    let s = &app.shell.styles;
    let k = |a: Action| app.shell.keymap.label(Context::Request, a);
    let head = if parts.is_empty() {
        format!(" multipart · no parts yet: {} adds one", k(Action::AddRow))
    } else {
        format!(
            " multipart · {} part{} · {} switches a part between value and file",
            parts.len(),
            if parts.len() == 1 { "" } else { "s" },
            k(Action::SwitchPartKind)
        )
    };
    frame.render_widget(para(Span::styled(head, s.muted)), Rect::new(area.x, area.y, area.width, 1));
    let name_w = parts.iter().map(|p| p.name.width()).max().unwrap_or(4).clamp(8, 28) as u16;
    for (y, (i, p)) in (area.y + 1..area.bottom()).zip(parts.iter().enumerate().skip(open.scroll)) {
        let text_style = if p.enabled { s.base } else { s.muted };
        let mut value = match (&p.file, &p.value) {
            (Some(path), _) => {
                let mut v = vec![Span::styled("file ", s.muted)];
                v.extend(template_spans(path, text_style, s.accent));
                v
            }
            (None, v) => template_spans(v.as_deref().unwrap_or(""), text_style, s.accent),
        };
        if let Some(ct) = &p.content_type {
            value.push(Span::styled(format!("  ({ct})"), s.muted));
        }
        draw_row(
            app,
            open,
            frame,
            Rect::new(area.x, y, area.width, 1),
            (i, name_w),
            (p.enabled, &p.name, value),
        );
    }
}

/// Where a JSON body stops being valid, with `{{templates}}` counted as values (they are filled in before
/// sending). Columns stay true because each template is replaced by a filler of the same length.
pub fn json_problem(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return None;
    }
    let mut filled = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start..].find("}}").map(|e| start + e + 2) else {
            break;
        };
        filled.push_str(&rest[..start]);
        filled.push('0');
        filled.push_str(&" ".repeat(rest[start..end].len() - 1));
        rest = &rest[end..];
    }
    filled.push_str(rest);
    json_error_position(filled.as_bytes()).map(|e| format!("line {}:{}: {}", e.line, e.column, e.message))
}

fn draw_body(app: &App, open: &OpenRequest, frame: &mut Frame, area: Rect, focused: bool) {
    let s = &app.shell.styles;
    let selected = row_style(app, open, 0, focused);
    let (text, summary): (Option<&str>, Vec<Span>) = match &open.draft.body {
        Body::None => {
            let msg = " No body. Enter writes a JSON body · t changes the kind · e opens $EDITOR";
            frame.render_widget(para(Span::styled(msg, s.muted)).style(selected), area);
            return;
        }
        Body::Json(t) => {
            let status = match json_problem(t) {
                // An empty body is sent as no body: not "valid JSON".
                None if t.trim().is_empty() => Span::styled("empty (sent without a body)", s.muted),
                None => Span::styled("✔ valid JSON", s.success),
                Some(p) => Span::styled(format!("✖ not valid JSON: {p}"), s.error),
            };
            (Some(t), vec![Span::styled(" JSON · ", s.muted), status])
        }
        Body::Text { text, content_type } => {
            let ct = content_type.clone().unwrap_or_else(|| "text/plain".into());
            (Some(text), vec![Span::styled(format!(" text · {ct}"), s.muted)])
        }
        Body::Form(_) => {
            draw_rows(app, open, frame, area);
            return;
        }
        Body::File { path, content_type } => {
            let ct = content_type.clone().map(|c| format!(" ({c})")).unwrap_or_default();
            let line = match open.editing.as_ref() {
                Some(e) if e.field == Field::Body => {
                    frame.render_widget(para(Span::styled(" file: ", s.muted)), area);
                    let a = Rect::new(area.x + 7, area.y, area.width.saturating_sub(7), 1);
                    e.input.render(frame, a, s.base, focused);
                    return;
                }
                _ => Line::from(vec![Span::styled(" file: ", s.muted), Span::styled(format!("{path}{ct}"), s.base)]),
            };
            frame.render_widget(para(line).style(selected), area);
            return;
        }
        Body::Multipart(parts) => {
            draw_parts(app, open, frame, area, parts);
            return;
        }
    };
    frame.render_widget(para(Line::from(summary)).style(selected), Rect::new(area.x, area.y, area.width, 1));
    let text_area = Rect::new(area.x + 1, area.y + 1, area.width.saturating_sub(1), area.height.saturating_sub(1));
    match open.editing.as_ref() {
        Some(e) if e.field == Field::Body => e.input.render(frame, text_area, s.base, focused),
        _ => {
            let lines: Vec<Line> = text
                .unwrap_or_default()
                .lines()
                .take(text_area.height as usize)
                .map(|l| Line::from(template_spans(l, s.base, s.accent)))
                .collect();
            frame.render_widget(para(lines), text_area);
        }
    }
}

fn draw_docs(app: &App, open: &OpenRequest, frame: &mut Frame, area: Rect, focused: bool) {
    let s = &app.shell.styles;
    if let Some(e) = open.editing.as_ref().filter(|e| e.field == Field::Description) {
        e.input.render(frame, area, s.base, focused);
        return;
    }
    let mut lines: Vec<Line> = Vec::new();
    let style = row_style(app, open, 0, focused);
    if open.draft.description.trim().is_empty() {
        lines.push(Line::from(Span::styled(" No description. Enter writes one.", s.muted)).style(style));
    } else {
        for (i, l) in open.draft.description.lines().enumerate() {
            let line = Line::from(format!(" {l}"));
            lines.push(if i == 0 { line.style(style) } else { line });
        }
    }
    if let Some(c) = app.workspace.collections.get(open.collection) {
        for (i, f) in c.folder_chain(&open.draft.path).iter().enumerate() {
            let (label, text) = if i == 0 {
                (c.name.clone(), c.description.clone())
            } else {
                (f.name.clone(), f.description.clone())
            };
            if !text.trim().is_empty() {
                lines.push(Line::from(vec![
                    Span::styled(format!(" {label}: "), s.muted),
                    Span::styled(text, s.muted),
                ]));
            }
        }
    }
    lines.push(Line::from(Span::styled(
        format!(" File: {}", app.workspace.rel(&open.draft.path)),
        s.muted,
    )));
    frame.render_widget(para(lines), area);
}

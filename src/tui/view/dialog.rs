//! Overlays: help, command palette, environment switcher, prompts and confirmations.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Wrap};
use ratatui::Frame;

use super::method_badge;
use super::widgets::{frame_block, popup};
use crate::core::template::MASK;
use crate::tui::action::Action;
use crate::tui::app::{App, Confirm, EnvPicker, Modal, PaletteItem, PaletteState, Prompt};
use crate::tui::keymap::Context;
use crate::tui::safe_text::para;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let Some(modal) = &app.shell.modal else { return };
    match modal {
        Modal::Help { scroll } => draw_help(app, frame, area, *scroll),
        Modal::Palette(p) => draw_palette(app, frame, area, p),
        Modal::Env(e) => draw_env(app, frame, area, e),
        Modal::Prompt(p) => draw_prompt(app, frame, area, p),
        Modal::Confirm(c) => draw_confirm(app, frame, area, c),
        Modal::History(h) => super::history::draw(app, frame, area, h),
        Modal::Diff(d) => super::diff::draw(app, frame, area, d),
        Modal::Trust(t) => super::auth::draw_trust(app, frame, area, t),
        Modal::AuthFlow(f) => super::auth::draw_flow(app, frame, area, f),
        Modal::Secret(s) => super::auth::draw_secret(app, frame, area, s),
        Modal::Cookies(d) => super::cookies::draw(app, frame, area, d),
        Modal::TrustReview(r) => super::auth::draw_trust_review(app, frame, area, r),
        Modal::Problems(v) => super::problems::draw(app, frame, area, v),
        Modal::Message { title, text } => draw_message(app, frame, area, title, text),
        Modal::FolderPicker(f) => draw_folder_picker(app, frame, area, f),
    }
}

/// `m`: the folders to move into, filtered as you type.
fn draw_folder_picker(app: &App, frame: &mut Frame, area: Rect, f: &crate::tui::app::dialogs::FolderPicker) {
    let s = &app.shell.styles;
    let popup_area = popup(area, 70, 16.min(area.height.saturating_sub(4)));
    frame.render_widget(Clear, popup_area);
    let title = format!("Move {} to… (Enter moves, Esc cancels)", app.workspace.rel(&f.path));
    let block = frame_block(app, &title);
    let inner = block.inner(popup_area);
    frame.render_widget(block, popup_area);
    let Some(list) = super::widgets::filter_field(app, frame, inner, &f.input) else {
        return;
    };
    let height = list.height as usize;
    let first = f.selected.saturating_sub(height.saturating_sub(1));
    let lines: Vec<Line> = f
        .matches
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .filter_map(|(i, idx)| f.folders.get(*idx).map(|folder| (i, folder)))
        .map(|(i, folder)| {
            let label = crate::tui::app::dialogs::FolderPicker::label(folder);
            if i == f.selected {
                Line::from(vec![Span::styled("› ", s.key), Span::styled(label, s.base)]).style(s.selection)
            } else {
                Line::from(vec![Span::raw("  "), Span::styled(label, s.base)])
            }
        })
        .collect();
    if lines.is_empty() {
        frame.render_widget(para(Span::styled("  No folder matches.", s.muted)), list);
    } else {
        frame.render_widget(para(lines), list);
    }
}

/// A text to read in full, wrapped, with how to close it.
fn draw_message(app: &App, frame: &mut Frame, area: Rect, title: &str, text: &str) {
    let s = &app.shell.styles;
    let width = area.width.saturating_sub(4).min(80) as usize;
    let wrapped = super::widgets::wrap_indented(text, width.saturating_sub(4), 1);
    let height = (wrapped.len() as u16 + 4).min(area.height.saturating_sub(2));
    let popup_area = popup(area, width as u16 + 2, height);
    frame.render_widget(Clear, popup_area);
    let block = frame_block(app, title).border_style(s.error);
    let inner = block.inner(popup_area);
    frame.render_widget(block, popup_area);
    let mut lines: Vec<Line> = wrapped.into_iter().map(|l| Line::from(Span::styled(l, s.base))).collect();
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(" Esc or Enter closes", s.muted)));
    frame.render_widget(para(lines), inner);
}

fn draw_help(app: &App, frame: &mut Frame, area: Rect, scroll: usize) {
    let s = &app.shell.styles;
    let ctx = app.context();
    let popup_area = popup(area, 92, area.height.saturating_sub(4));
    // Descriptions wrap under themselves (at 80 columns they would be cut at the edge).
    const KEYS_W: usize = 30;
    let text_w = (popup_area.width.saturating_sub(2) as usize).saturating_sub(KEYS_W).max(16);
    let mut lines: Vec<Line> = Vec::new();
    let mut section = |title: &str, rows: Vec<(String, String)>| {
        lines.push(Line::from(Span::styled(title.to_string(), s.title_focus)));
        for (keys, what) in rows {
            let wrapped = super::widgets::wrap_indented(&what, text_w, 0);
            for (i, part) in wrapped.into_iter().enumerate() {
                let keys = if i == 0 { keys.as_str() } else { "" };
                lines.push(Line::from(vec![
                    Span::styled(format!("  {keys:<27} "), s.key),
                    Span::styled(part, s.base),
                ]));
            }
        }
        lines.push(Line::from(""));
    };
    let rows_of = |c: Context| -> Vec<(String, String)> {
        app.shell
            .keymap
            .bindings_in(c)
            .into_iter()
            .map(|(keys, a)| {
                let labels: Vec<String> = keys.iter().map(|k| k.label()).collect();
                let desc = match (c, a) {
                    (Context::Tree, Action::Open) => "Open without leaving the tree".to_string(),
                    _ => a.description().to_string(),
                };
                (labels.join(", "), desc)
            })
            .collect()
    };
    if ctx != Context::Global {
        section(&format!("{} pane", ctx.title()), rows_of(ctx));
    }
    if ctx == Context::Request {
        section(
            "While editing a field",
            vec![
                ("Enter".into(), "Done (a row's name moves on to its value)".into()),
                ("Esc".into(), "Leave the field (the text stays; Ctrl-S saves)".into()),
                ("Tab".into(), "Switch between a row's name and value".into()),
                ("↑ ↓".into(), "In the method field: GET, POST, PUT…".into()),
                ("Ctrl-W, Ctrl-U, Ctrl-K".into(), "Delete word / to start / to end".into()),
            ],
        );
        section(
            "Auth tab",
            vec![
                ("Enter".into(), "On grant, client_auth or in: the next choice".into()),
                ("scopes".into(), "Several scopes: separate them with spaces".into()),
                ("redirect_port".into(), "A port from 1 to 65535; empty for any free one".into()),
            ],
        );
    }
    section(Context::Global.title(), rows_of(Context::Global));
    section("History view (Ctrl-H)", super::history::help_rows(app));
    section(
        "Mouse",
        vec![
            ("Click".into(), "Focus a pane, select a row or a tab".into()),
            ("Wheel".into(), "Scroll what is under the pointer".into()),
        ],
    );
    if let Some(log) = &app.shell.log {
        section("Log", vec![("folder".into(), log.clone())]);
    }
    frame.render_widget(Clear, popup_area);
    let block = frame_block(app, "Keys (Esc closes, ↑↓ scroll)");
    let inner = block.inner(popup_area);
    frame.render_widget(block, popup_area);
    let max = lines.len().saturating_sub(inner.height as usize);
    frame.render_widget(para(lines).scroll((scroll.min(max) as u16, 0)), inner);
}

fn draw_palette(app: &App, frame: &mut Frame, area: Rect, p: &PaletteState) {
    let s = &app.shell.styles;
    let popup_area = popup(area, 80, 18.min(area.height.saturating_sub(4)));
    let popup_area = Rect::new(popup_area.x, area.y + 2.min(area.height), popup_area.width, popup_area.height);
    frame.render_widget(Clear, popup_area);
    let block = frame_block(app, "Commands and requests");
    let inner = block.inner(popup_area);
    frame.render_widget(block, popup_area);
    let Some(list) = super::widgets::filter_field(app, frame, inner, &p.input) else {
        return;
    };
    let height = list.height as usize;
    let first = p.selected.saturating_sub(height.saturating_sub(1));
    let ctx = app.context();
    let lines: Vec<Line> = p
        .matches
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .filter_map(|(i, idx)| p.items.get(*idx).map(|item| (i, item)))
        .map(|(i, item)| {
            let mut spans = match item {
                PaletteItem::Action(a) => {
                    let key = app.shell.keymap.label(ctx, *a);
                    vec![
                        Span::styled("  ▸ ", s.muted),
                        Span::styled(format!("{:<52}", a.description()), s.base),
                        Span::styled(key, s.key),
                    ]
                }
                PaletteItem::Request { label, method, .. } => vec![
                    Span::styled("  ", s.muted),
                    Span::styled(format!("{} ", method_badge(method)), s.method(method)),
                    Span::styled(label.clone(), s.base),
                ],
            };
            if i == p.selected {
                spans.insert(0, Span::styled("›", s.key));
                Line::from(spans).style(s.selection)
            } else {
                spans.insert(0, Span::raw(" "));
                Line::from(spans)
            }
        })
        .collect();
    if lines.is_empty() {
        frame.render_widget(para(Span::styled("  Nothing matches.", s.muted)), list);
    } else {
        frame.render_widget(para(lines), list);
    }
}

/// Values that look like credentials are masked; references to the process environment are shown as references.
pub fn shown_value(name: &str, value: &str) -> String {
    let n = name.to_ascii_lowercase();
    let secret_name = ["password", "passwd", "secret", "token", "key", "auth", "credential", "pass"]
        .iter()
        .any(|w| n.contains(w));
    if value.contains("{{env.") || value.contains("{{secret") {
        return format!("{value} → {MASK}");
    }
    if value.contains("{{") {
        return value.to_string();
    }
    if secret_name && !value.is_empty() {
        return MASK.to_string();
    }
    value.to_string()
}

fn draw_env(app: &App, frame: &mut Frame, area: Rect, e: &EnvPicker) {
    let s = &app.shell.styles;
    let Some(c) = app.workspace.collections.get(e.collection) else {
        return;
    };
    let popup_area = popup(area, 90, 18);
    frame.render_widget(Clear, popup_area);
    let block = frame_block(app, &format!("Environment for {} (Enter selects, Esc closes)", c.name));
    let inner = block.inner(popup_area);
    frame.render_widget(block, popup_area);
    let list_w = 24.min(inner.width / 3);
    let current = app.workspace.env_name(e.collection);
    let mut names: Vec<(String, bool)> = vec![("(none)".into(), current.is_none())];
    names.extend(
        c.environments
            .iter()
            .map(|env| (env.name.clone(), current == Some(env.name.as_str()))),
    );
    let lines: Vec<Line> = names
        .iter()
        .enumerate()
        .map(|(i, (n, active))| {
            let mark = if *active { "● " } else { "  " };
            let line = Line::from(vec![Span::styled(mark, s.success), Span::raw(n.clone())]);
            if i == e.selected {
                line.style(s.selection)
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(para(lines), Rect::new(inner.x, inner.y, list_w, inner.height));
    let detail = Rect::new(inner.x + list_w + 1, inner.y, inner.width.saturating_sub(list_w + 1), inner.height);
    let mut vars: Vec<Line> = Vec::new();
    match e.selected.checked_sub(1).and_then(|i| c.environments.get(i)) {
        Some(env) => {
            vars.push(Line::from(Span::styled(
                format!("{} · {}", env.name, app.workspace.rel(&env.path)),
                s.muted,
            )));
            if env.vars.is_empty() {
                vars.push(Line::from(Span::styled("No variables.", s.muted)));
            }
            let w = env.vars.iter().map(|v| v.name.len()).max().unwrap_or(0).min(24);
            for v in &env.vars {
                vars.push(Line::from(vec![
                    Span::styled(format!("{:<w$}  ", v.name), s.accent),
                    Span::styled(shown_value(&v.name, &v.value), s.base),
                ]));
            }
        }
        None => vars.push(Line::from(Span::styled(
            "No environment: only the collection's and folders' [vars] apply.",
            s.muted,
        ))),
    }
    frame.render_widget(para(vars).wrap(Wrap { trim: false }), detail);
}

fn draw_prompt(app: &App, frame: &mut Frame, area: Rect, p: &Prompt) {
    let s = &app.shell.styles;
    let popup_area = popup(area, 70, 5);
    frame.render_widget(Clear, popup_area);
    let block = frame_block(app, &p.title);
    let inner = block.inner(popup_area);
    frame.render_widget(block, popup_area);
    if inner.height < 2 {
        return;
    }
    frame.render_widget(
        para(Span::styled(p.help.clone(), s.muted)),
        Rect::new(inner.x, inner.y, inner.width, 1),
    );
    frame.render_widget(
        para(Span::styled("> ", s.key)),
        Rect::new(inner.x, inner.y + 2.min(inner.height - 1), 2, 1),
    );
    let field = Rect::new(inner.x + 2, inner.y + 2.min(inner.height - 1), inner.width.saturating_sub(2), 1);
    p.input.render(frame, field, s.base, true);
}

fn draw_confirm(app: &App, frame: &mut Frame, area: Rect, c: &Confirm) {
    let s = &app.shell.styles;
    let height = c.lines.len() as u16 + c.choices.len() as u16 + 3;
    let popup_area = popup(area, 72, height);
    frame.render_widget(Clear, popup_area);
    let block = frame_block(app, &c.title).border_style(s.warning);
    let inner = block.inner(popup_area);
    frame.render_widget(block, popup_area);
    let mut lines: Vec<Line> = c.lines.iter().map(|l| Line::from(Span::styled(l.clone(), s.base))).collect();
    lines.push(Line::from(""));
    for (k, what) in &c.choices {
        lines.push(Line::from(vec![
            Span::styled(format!("  [{k}] "), s.key),
            Span::styled(what.clone(), s.base),
        ]));
    }
    frame.render_widget(para(lines).wrap(Wrap { trim: false }), inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked() {
        assert_eq!(shown_value("demo_password", "apix-demo-password"), MASK);
        assert_eq!(shown_value("token", "{{env.API_TOKEN}}"), format!("{{{{env.API_TOKEN}}}} → {MASK}"));
        assert_eq!(shown_value("base_url", "{{$demo}}"), "{{$demo}}");
        assert_eq!(shown_value("user", "ada"), "ada");
    }
}

//! The header (where you are, which environment, the demo server, unsaved work) and the footer (messages and the
//! keys that matter in the focused pane).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::hint_spans;
use crate::tui::action::Action;
use crate::tui::app::{App, Level, Pane};
use crate::tui::safe_text::para;

pub fn draw_header(app: &App, frame: &mut Frame, area: Rect) {
    let s = &app.shell.styles;
    let width = area.width as usize;
    let mut right: Vec<Span> = Vec::new();
    let mut demo = None;
    if let Some(ci) = app.current_collection() {
        let env = app.workspace.env_name(ci).unwrap_or("none");
        right.push(Span::styled("env: ", s.muted));
        right.push(Span::styled(env.to_string(), s.accent));
        // An environment that skips certificate checks is said on every frame, not once.
        let tls_off = app
            .workspace
            .collections
            .get(ci)
            .and_then(|c| c.environment(env))
            .is_some_and(|e| e.options.verify_tls == Some(false));
        if tls_off {
            right.push(Span::styled(" ⚠ TLS not verified", s.warning));
        }
        // Only while the collection or the selected environment sends to the demo API (`{{$demo}}`).
        let uses_demo = app.workspace.collections.get(ci).is_some_and(|c| {
            let in_vars = |vars: &[crate::core::collection::KeyValue]| vars.iter().any(|v| v.value.contains("$demo"));
            in_vars(&c.tree.defaults.vars) || c.environment(env).is_some_and(|e| in_vars(&e.vars))
        });
        if let Some(url) = app.demo_running().filter(|_| uses_demo) {
            let host = url.trim_start_matches("http://").to_string();
            demo = Some(right.len());
            right.push(Span::styled(format!(" (demo API on {host})"), s.muted));
        }
    }
    if app.is_dirty() {
        right.push(Span::raw("   "));
        right.push(Span::styled("● 1 unsaved", s.warning));
    }
    right.push(Span::raw("   "));
    right.push(Span::styled(app.shell.keymap.label(app.context(), Action::Help), s.key));
    right.push(Span::styled(" help ", s.muted));
    let mut crumbs: Vec<String> = Vec::new();
    if let Some(open) = &app.open {
        if let Some(c) = app.workspace.collections.get(open.collection) {
            crumbs.push(c.name.clone());
            crumbs.extend(c.folder_chain(&open.draft.path).iter().skip(1).map(|f| f.name.clone()));
            crumbs.push(open.draft.name.clone());
        }
    }
    const BRAND: usize = 7; // " apix " and a space
    let width_of = |spans: &[Span]| spans.iter().map(|sp| sp.content.width()).sum::<usize>();
    let crumbs_w = |c: &[String]| c.iter().map(|x| x.width()).sum::<usize>() + 3 * c.len().saturating_sub(1);
    // Too wide for one line: the demo server's address goes first, then the breadcrumb loses its front.
    if let Some(i) = demo.filter(|_| BRAND + crumbs_w(&crumbs) + width_of(&right) + 2 > width) {
        right.remove(i);
    }
    let room = width.saturating_sub(BRAND + width_of(&right) + 2);
    let mut crumb_text = crumbs.join(" › ");
    while crumbs.len() > 1 && crumbs_w(&crumbs) > room {
        crumbs.remove(0);
        crumb_text = format!("… › {}", crumbs.join(" › "));
    }
    if crumb_text.width() > room {
        crumb_text = super::widgets::clip(&crumb_text, room);
    }
    let mut spans = vec![Span::styled(" apix ", s.title_focus), Span::raw(" ")];
    if !crumb_text.is_empty() {
        spans.push(Span::styled(crumb_text, s.title));
    }
    let pad = width.saturating_sub(width_of(&spans) + width_of(&right));
    if pad > 0 {
        spans.push(Span::raw(" ".repeat(pad)));
    }
    spans.extend(right);
    frame.render_widget(para(Line::from(spans)), area);
}

/// What Enter edits on the focused row of the request pane, said in the footer ("Enter edit URL").
fn enter_edits(open: &crate::tui::app::OpenRequest) -> &'static str {
    use crate::tui::app::RequestTab;
    if open.cursor == 0 {
        return "edit URL";
    }
    match open.tab {
        RequestTab::Params | RequestTab::Headers => "edit value",
        RequestTab::Body => match open.draft.body.kind_name() {
            "form" | "multipart" => "edit value",
            _ => "edit body",
        },
        RequestTab::Auth => "edit field",
        RequestTab::Docs => "edit docs",
    }
}

fn hints(app: &App) -> Vec<(String, &'static str)> {
    let ctx = app.context();
    let k = |a: Action| app.shell.keymap.label(ctx, a);
    let editing = app.open.as_ref().is_some_and(|o| o.editing.is_some()) && app.focus == Pane::Request;
    let filtering = app.tree.filter_input.is_some() && app.focus == Pane::Tree;
    let searching = app.current_slot().is_some_and(|s| s.view.search_input.is_some()) && app.focus == Pane::Response;
    if editing || filtering || searching {
        let multiline = app
            .open
            .as_ref()
            .and_then(|o| o.editing.as_ref())
            .is_some_and(|e| e.input.is_multiline())
            && editing;
        // In a body, Enter is a new line; Esc leaves it (keeping the text).
        let mut h = if multiline {
            vec![("Enter".to_string(), "new line"), ("Esc".to_string(), "done")]
        } else {
            vec![("Enter".to_string(), "done"), ("Esc".to_string(), "leave")]
        };
        if editing {
            h.push(("Tab".into(), "name/value"));
            h.push((k(Action::Save), "save"));
            h.push((k(Action::Send), "send"));
        }
        return h;
    }
    let narrow = app.shell.areas.narrow;
    let mut h = match app.focus {
        Pane::Tree => vec![
            ("Enter".to_string(), "open"),
            (k(Action::Filter), "filter"),
            (k(Action::NewRequest), "new"),
            (k(Action::Rename), "rename"),
            (k(Action::Duplicate), "copy"),
            (k(Action::Move), "move"),
            (k(Action::Delete), "delete"),
        ],
        Pane::Request => vec![
            (k(Action::EditUrl), "URL"),
            (k(Action::EditMethod), "method"),
            ("Enter".to_string(), app.open.as_ref().map(enter_edits).unwrap_or("edit")),
            (k(Action::AddRow), "add"),
            (k(Action::DeleteRow), "del"),
            (k(Action::ToggleRow), "on/off"),
            ("←→".to_string(), "tabs"),
            (k(Action::ExternalEditor), "$EDITOR"),
        ],
        Pane::Response => vec![
            (k(Action::Search), "search"),
            ("n/N".to_string(), "next/prev"),
            (k(Action::ToggleWrap), "wrap"),
            ("←→".to_string(), "tabs"),
            (k(Action::ToggleDetail), "details"),
            (k(Action::History), "history"),
        ],
    };
    if app.focus == Pane::Request && app.open.as_ref().is_some_and(|o| o.parts().is_some()) {
        h.insert(6, (k(Action::SwitchPartKind), "value/file"));
    }
    if narrow {
        h.truncate(3);
        h.push((k(Action::FocusTree), "tree"));
    }
    h.push((k(Action::Send), "send"));
    if !narrow {
        h.push((k(Action::Save), "save"));
        h.push((k(Action::NextPane), "next pane"));
    }
    h.push((k(Action::Palette), "commands"));
    h.push((k(Action::Quit), "quit"));
    h
}

pub fn draw_footer(app: &App, frame: &mut Frame, area: Rect) {
    let s = &app.shell.styles;
    let width = area.width as usize;
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    if let Some(n) = &app.shell.notice {
        let (icon, style) = match n.level {
            Level::Info => ("ℹ", s.info),
            Level::Success => ("✔", s.success),
            Level::Warning => ("⚠", s.warning),
            Level::Error => ("✖", s.error),
        };
        let text = format!("{icon} {}", n.text);
        used += text.width() + 5;
        spans.push(Span::styled(text, style));
        spans.push(Span::styled("  │  ", s.muted));
    }
    // Whole hints only, as many as fit; quitting is always shown.
    let mut all = hints(app);
    let last = all.pop();
    let cost = |h: &(String, &str)| h.0.width() + h.1.width() + 4;
    let reserve = last.as_ref().map(cost).unwrap_or(0);
    let mut shown = Vec::new();
    for h in all {
        if used + cost(&h) + reserve > width {
            break;
        }
        used += cost(&h);
        shown.push(h);
    }
    if let Some(l) = last {
        if used + reserve <= width {
            shown.push(l);
        }
    }
    spans.extend(hint_spans(app, &shown));
    frame.render_widget(para(Line::from(spans)), area);
}

//! Drawing: one file per pane. Two steps per frame: `App::layout` places the panes for the frame's size, fits
//! scroll positions to it and asks for the highlight windows that will be visible (the only state that follows the
//! frame); [`draw`] then renders from the state as it is, changing nothing and starting nothing.

mod auth;
pub mod body;
mod cookies;
mod dialog;
mod diff;
mod history;
mod problems;
pub mod request;
pub mod response;
mod status;
mod tree;
mod widgets;

use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Wrap};
use ratatui::Frame;

use super::app::{App, Pane, RequestState};
use crate::tui::safe_text::para;

/// [`App::layout`] for the frame's size, then [`draw`]: for callers that hold a frame (tests, benchmarks).
pub fn render(app: &mut App, frame: &mut Frame) {
    app.layout(frame.area());
    draw(app, frame);
}

/// Draws one frame from the state as it is, after [`App::layout`] for this size. Usable on any backend,
/// including `TestBackend`.
pub fn draw(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if app.shell.areas.too_small {
        draw_too_small(app, frame, area);
        return;
    }
    frame.render_widget(Block::new().style(app.shell.styles.base), area);
    status::draw_header(app, frame, Rect::new(area.x, area.y, area.width, 1));
    status::draw_footer(app, frame, Rect::new(area.x, area.bottom().saturating_sub(1), area.width, 1));
    request::draw(app, frame, app.shell.areas.request);
    response::draw(app, frame, app.shell.areas.response);
    history::draw_response_marks(app, frame, app.shell.areas.response);
    if let Some(tree_area) = app.shell.areas.tree {
        if app.shell.areas.narrow {
            frame.render_widget(Clear, tree_area);
        }
        tree::draw(app, frame, tree_area);
    }
    dialog::draw(app, frame, area);
}

fn draw_too_small(app: &App, frame: &mut Frame, area: Rect) {
    let text = vec![
        Line::from(Span::styled("apix", app.shell.styles.title_focus)),
        Line::from(format!("This terminal is {}×{}.", area.width, area.height)),
        Line::from("apix needs at least 40×12: make the window larger, or press q to quit."),
    ];
    frame.render_widget(para(text).wrap(Wrap { trim: true }).alignment(Alignment::Center), area);
}

/// A pane's frame: title with its hotkey, focus shown by colour and by a heavier border (readable without colour).
pub fn pane_block<'a>(app: &App, title: &str, hotkey: char, pane: Pane) -> Block<'a> {
    let focused = app.focus == pane;
    let (border, title_style, kind) = if focused {
        (app.shell.styles.border_focus, app.shell.styles.title_focus, BorderType::Thick)
    } else {
        (app.shell.styles.border, app.shell.styles.title, BorderType::Plain)
    };
    Block::bordered().border_type(kind).border_style(border).title(Line::from(vec![
        Span::styled(format!(" {} ", crate::core::sanitize::visible_line(title)), title_style),
        Span::styled(format!("[{hotkey}] "), app.shell.styles.muted),
    ]))
}

/// Spinner frame for something that started `elapsed` ago: a pure function of time, no state to keep.
pub fn spinner(elapsed: std::time::Duration) -> &'static str {
    const FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    FRAMES[(elapsed.as_millis() / 100 % 10) as usize]
}

/// A method badge padded to 4 columns: "GET ", "POST", "DEL ".
pub fn method_badge(method: &str) -> String {
    let short = match method {
        "DELETE" => "DEL",
        "OPTIONS" => "OPT",
        "PATCH" => "PTCH",
        m => m,
    };
    format!("{short:<4}")
}

/// Key hint spans: "Ctrl-R send · / filter".
pub fn hint_spans(app: &App, hints: &[(String, &str)]) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    for (i, (key, label)) in hints.iter().filter(|(k, _)| !k.is_empty()).enumerate() {
        if i > 0 {
            out.push(Span::styled(" · ", app.shell.styles.muted));
        }
        out.push(Span::styled(key.clone(), app.shell.styles.key));
        out.push(Span::styled(format!(" {label}"), app.shell.styles.muted));
    }
    out
}

/// The state of a request for tree badges: ⠋ sending, ✔/✖ last result.
pub fn slot_marker(app: &App, path: &std::path::Path) -> Option<(String, Style)> {
    let slot = app.responses.slots.get(path)?;
    Some(match &slot.state {
        RequestState::Sending { started, .. } => (spinner(started.elapsed()).to_string(), app.shell.styles.accent),
        RequestState::Done(d) => {
            let code = d.exchange.response.status;
            (code.to_string(), app.shell.styles.status(code))
        }
        RequestState::Failed(_) => ("✖".into(), app.shell.styles.error),
        RequestState::Cancelled { .. } => ("⊘".into(), app.shell.styles.muted),
    })
}

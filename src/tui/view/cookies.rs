//! The Cookies dialog: one row per cookie (values masked), the keys at the bottom.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Clear;
use ratatui::Frame;

use super::widgets::{frame_block, popup};
use crate::core::template::MASK;
use crate::tui::app::cookies::CookiesDialog;
use crate::tui::app::App;
use crate::tui::safe_text::para;

/// Unix seconds as a date and time (UTC), or "session".
fn expiry(at: Option<i64>) -> String {
    match at {
        None => "session".into(),
        Some(t) => {
            let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(t.max(0) as u64);
            let s = humantime::format_rfc3339_seconds(when).to_string();
            s.replace('T', " ").trim_end_matches('Z').to_string()
        }
    }
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect, d: &CookiesDialog) {
    let s = &app.shell.styles;
    let popup_area = popup(area, 100, 18);
    frame.render_widget(Clear, popup_area);
    let env = d.environment.as_deref().map(|e| format!(" · {e}")).unwrap_or_default();
    let title = format!("Cookies: {}{env}", app.workspace.rel(&d.collection));
    let block = frame_block(app, &title);
    let inner = block.inner(popup_area);
    frame.render_widget(block, popup_area);
    let mut lines: Vec<Line> = Vec::new();
    match &d.list {
        None => lines.push(Line::from(Span::styled(" Reading the jar…", s.muted))),
        Some(Err(e)) => lines.push(Line::from(Span::styled(format!(" {e}"), s.error))),
        Some(Ok(list)) if list.is_empty() => {
            lines.push(Line::from(Span::styled(
                " No cookies yet: a response's Set-Cookie lands here, and later sends carry it.",
                s.muted,
            )));
        }
        Some(Ok(list)) => {
            // Narrow terminals (80 columns) get the columns that tell cookies apart: name, domain, expiry date.
            let wide = inner.width >= 100;
            lines.push(Line::from(Span::styled(
                if wide {
                    format!(" {:<24} {:<26} {:<10} {:<19} flags", "name", "domain", "path", "expires")
                } else {
                    format!(" {:<20} {:<22} {:<10}", "name", "domain", "expires")
                },
                s.muted,
            )));
            let rows = (inner.height as usize).saturating_sub(3).max(1);
            let first = d.selected.saturating_sub(rows - 1);
            for (i, c) in list.iter().enumerate().skip(first).take(rows) {
                let mut flags = Vec::new();
                if c.secure {
                    flags.push("secure");
                }
                if c.http_only {
                    flags.push("httponly");
                }
                if c.host_only {
                    flags.push("host-only");
                }
                let text = if wide {
                    format!(
                        " {:<24} {:<26} {:<10} {:<19} {}  = {MASK}",
                        c.name,
                        c.domain,
                        c.path,
                        expiry(c.expires),
                        flags.join(" ")
                    )
                } else {
                    let date: String = expiry(c.expires).chars().take(10).collect();
                    format!(
                        " {:<20} {:<22} {:<10} = {MASK}",
                        super::widgets::clip(&c.name, 20),
                        super::widgets::clip(&c.domain, 22),
                        date
                    )
                };
                let style = if i == d.selected { s.selection } else { s.base };
                lines.push(Line::from(Span::styled(text, style)));
            }
        }
    }
    let keys_y = inner.bottom().saturating_sub(1);
    frame.render_widget(
        para(lines),
        Rect::new(inner.x, inner.y, inner.width, inner.height.saturating_sub(1)),
    );
    frame.render_widget(
        para(Line::from(vec![
            Span::styled(" ↑↓", s.key),
            Span::styled(" select  ", s.muted),
            Span::styled("x", s.key),
            Span::styled(" clear this domain  ", s.muted),
            Span::styled("X", s.key),
            Span::styled(" clear all  ", s.muted),
            Span::styled("Esc", s.key),
            Span::styled(
                if inner.width >= 100 {
                    " close  · values are credentials: shown masked (apix cookies list --reveal)"
                } else {
                    " close  · values masked"
                },
                s.muted,
            ),
        ])),
        Rect::new(inner.x, keys_y, inner.width, 1),
    );
}

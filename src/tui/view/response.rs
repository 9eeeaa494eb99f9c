//! The response pane. Its title is the summary a person reads first: status with reason, time, size, type. Below:
//! tabs for body, headers, timing and redirects; a spinner with bytes received while sending; a plain-words panel
//! when it failed.

use ratatui::layout::Rect;

use ratatui::text::{Line, Span};

use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::widgets::tab_line;
use super::{pane_block, spinner};
use crate::core::http::{Exchange, StatusInsight};
use crate::core::mask::Masker;
use crate::core::{format_duration, format_size};
use crate::tui::action::Action;
use crate::tui::app::titles::response_tab_titles as tab_titles;
use crate::tui::app::{App, DoneState, Failure, Pane, RequestState, ResponseTab, Slot};
use crate::tui::keymap::Context;
use crate::tui::safe_text::para;

/// "200 OK · 38 ms · 1.2 KB · application/json"
fn summary(app: &App, ex: &Exchange) -> Vec<Span<'static>> {
    let s = &app.shell.styles;
    let r = &ex.response;
    let mut spans = vec![Span::styled(r.status_line(), app.shell.styles.status(r.status))];
    let sep = || Span::styled(" · ", s.muted);
    spans.push(sep());
    spans.push(Span::styled(format_duration(r.timings.total), s.title));
    spans.push(sep());
    let mut size = format_size(r.decoded_size);
    if r.content_encoding.is_some() && r.wire_size != r.decoded_size {
        size.push_str(&format!(
            " ({} {})",
            format_size(r.wire_size),
            r.content_encoding.clone().unwrap_or_default()
        ));
    }
    spans.push(Span::styled(size, s.title));
    if let Some(ct) = &r.content_type {
        spans.push(sep());
        spans.push(Span::styled(crate::core::format::media_type(ct), s.title));
    }
    spans
}

/// Right side of the title: rate limits and Retry-After, when the server says.
fn limits(insight: &StatusInsight) -> Option<String> {
    if let Some(d) = insight.retry_after {
        return Some(format!("retry after {} s", d.as_secs()));
    }
    let rl = insight.rate_limit.as_ref()?;
    let mut out = match (rl.remaining, rl.limit) {
        (Some(r), Some(l)) => format!("rate limit {r}/{l}"),
        (Some(r), None) => format!("rate limit: {r} left"),
        _ => return None,
    };
    if let Some(reset) = rl.reset_secs {
        out.push_str(&format!(" · {reset}s"));
    }
    Some(out)
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let s = &app.shell.styles;
    let mut block = pane_block(app, "Response", '3', Pane::Response);
    let slot = app.current_slot();
    let mut title: Vec<Span> = vec![Span::raw(" ")];
    let mut right: Option<String> = None;
    match slot.map(|sl| &sl.state) {
        Some(RequestState::Done(d)) => {
            title.extend(summary(app, &d.exchange));
            right = limits(&d.insight);
        }
        Some(RequestState::Sending { started, progress, .. }) => {
            let p = *progress.borrow();
            let elapsed = started.elapsed();
            let mut text = format!("{} ", spinner(elapsed));
            if p.headers_received {
                text.push_str(&format!("receiving · {}", format_size(p.wire)));
                if let Some(total) = p.total.filter(|t| *t > 0) {
                    text.push_str(&format!(
                        " of {} ({}%)",
                        format_size(total),
                        (p.wire.saturating_mul(100) / total).min(100)
                    ));
                }
                let secs = elapsed.as_secs_f64();
                if secs > 0.2 {
                    text.push_str(&format!(" · {}/s", format_size((p.wire as f64 / secs) as u64)));
                }
            } else {
                text.push_str("waiting for the server");
            }
            text.push_str(&format!(" · {:.1} s", elapsed.as_secs_f64()));
            title.push(Span::styled(text, s.accent));
            right = Some(format!("{} cancel", app.shell.keymap.label(Context::Response, Action::Cancel)));
        }
        Some(RequestState::Failed(f)) => title.push(Span::styled(f.title.clone(), s.error)),
        Some(RequestState::Cancelled { .. }) => title.push(Span::styled("cancelled", s.muted)),
        None => {}
    }
    if title.len() > 1 {
        title.push(Span::raw(" "));
        // The summary gives way to the right-hand title rather than run into it: type first, then size.
        let room = (area.width as usize).saturating_sub(18 + right.as_ref().map(|r| r.width() + 3).unwrap_or(0));
        while title.len() > 3 && title.iter().map(|sp| sp.content.width()).sum::<usize>() > room {
            title.truncate(title.len() - 3);
            title.push(Span::raw(" "));
        }
        block = block.title(crate::tui::safe_text::line(Line::from(title)));
    }
    if let Some(r) = right {
        block = block.title_top(Line::from(Span::styled(format!(" {r} "), s.muted)).right_aligned());
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(slot) = slot else {
        let msg = if app.open.is_some() {
            format!(
                "Nothing sent yet. {} sends the open request.",
                app.shell.keymap.label(Context::Response, Action::Send)
            )
        } else {
            String::new()
        };
        frame.render_widget(para(Span::styled(format!(" {msg}"), s.muted)), inner);
        return;
    };
    match &slot.state {
        RequestState::Sending { body, line, .. } if body.line_count() > 0 => {
            // The first screen of the body is readable (and scrollable) while the rest arrives.
            frame.render_widget(
                para(Span::styled(format!(" Receiving {line}"), s.muted)),
                app.shell.areas.response_tabs,
            );
            super::body::draw(app, slot, frame, app.shell.areas.response_body);
        }
        RequestState::Sending {
            started, progress, line, ..
        } => {
            let p = *progress.borrow();
            let mut lines = vec![Line::from(vec![
                Span::styled(format!(" {} ", spinner(started.elapsed())), s.accent),
                Span::styled(format!("Sending {line}"), s.title),
            ])];
            if p.headers_received {
                lines.push(Line::from(Span::styled(
                    format!("   headers received · {} of body so far", format_size(p.decoded)),
                    s.muted,
                )));
            }
            lines.push(Line::from(Span::styled(
                format!(
                    "   {} cancels · you can keep working meanwhile",
                    app.shell.keymap.label(Context::Response, Action::Cancel)
                ),
                s.muted,
            )));
            frame.render_widget(para(lines), inner);
        }
        RequestState::Cancelled { after, line } => {
            let lines = vec![
                Line::from(Span::styled(format!(" ⊘ Cancelled after {}", format_duration(*after)), s.warning)),
                Line::from(Span::styled(format!("   {line}"), s.muted)),
                Line::from(Span::styled(
                    format!("   {} sends it again.", app.shell.keymap.label(Context::Response, Action::Send)),
                    s.muted,
                )),
            ];
            frame.render_widget(para(lines), inner);
        }
        RequestState::Failed(f) => draw_failure(app, slot, f, frame, inner),
        RequestState::Done(d) => draw_done(app, slot, d, frame),
    }
}

fn draw_failure(app: &App, slot: &Slot, f: &Failure, frame: &mut Frame, area: Rect) {
    let s = &app.shell.styles;
    let width = area.width as usize;
    // An error may quote the URL or a header: the request's secrets are masked in every line of it.
    let m = &slot.masker;
    let mut lines: Vec<Line> = super::widgets::wrap_indented(&format!("✖ {}", m.mask(&f.message)), width, 1)
        .into_iter()
        .enumerate()
        .map(|(i, l)| Line::from(Span::styled(if i == 0 { l } else { format!("  {l}") }, s.error)))
        .collect();
    if let Some(h) = &f.hint {
        for l in super::widgets::wrap_indented(&m.mask(h), width, 3) {
            lines.push(Line::from(Span::styled(l, s.base)));
        }
    }
    if f.switch_env {
        lines.push(Line::from(Span::styled(
            format!(
                "   ({} switches environment)",
                app.shell.keymap.label(Context::Response, Action::SwitchEnv)
            ),
            s.muted,
        )));
    }
    lines.push(Line::from(""));
    if let Some(req) = &f.request_line {
        let after = f
            .elapsed
            .map(|e| format!("  · failed after {}", format_duration(e)))
            .unwrap_or_default();
        for (i, l) in super::widgets::wrap_indented(&format!("Request: {}{after}", m.mask(req)), width, 3)
            .into_iter()
            .enumerate()
        {
            lines.push(Line::from(Span::styled(l, if i == 0 { s.title } else { s.muted })));
        }
    }
    let key = app.shell.keymap.label(Context::Response, Action::ToggleDetail);
    if slot.view.detail {
        lines.push(Line::from(Span::styled(format!("   In full ({key} hides it):"), s.muted)));
        for l in m.mask(&f.detail).lines() {
            for (i, w) in super::widgets::wrap_indented(l, width, 3).into_iter().enumerate() {
                let w = if i == 0 { w } else { format!("  {w}") };
                lines.push(Line::from(Span::styled(w, s.muted)));
            }
        }
    } else {
        lines.push(Line::from(Span::styled(format!("   {key} shows the error in full"), s.muted)));
    }
    let para = para(lines).scroll((slot.view.scroll as u16, 0));
    frame.render_widget(para, area);
}

fn draw_done(app: &App, slot: &Slot, d: &DoneState, frame: &mut Frame) {
    let titles = tab_titles(app.current_slot().map(|s| &s.state));
    let active = ResponseTab::ALL.iter().position(|t| *t == slot.view.tab).unwrap_or(0);
    frame.render_widget(para(tab_line(app, &titles, active)), app.shell.areas.response_tabs);
    let area = app.shell.areas.response_body;
    match slot.view.tab {
        ResponseTab::Body => super::body::draw(app, slot, frame, area),
        ResponseTab::Headers => draw_lines(frame, area, slot.view.scroll, headers_lines(app, &d.exchange, &slot.masker)),
        ResponseTab::Timing => draw_lines(frame, area, slot.view.scroll, timing_lines(app, &d.exchange)),
        ResponseTab::Redirects => draw_lines(frame, area, slot.view.scroll, redirect_lines(app, &d.exchange, &slot.masker)),
    }
}

fn draw_lines(frame: &mut Frame, area: Rect, scroll: usize, lines: Vec<Line<'static>>) {
    let visible: Vec<Line> = lines.into_iter().skip(scroll).take(area.height as usize).collect();
    frame.render_widget(para(visible), area);
}

fn headers_lines(app: &App, ex: &Exchange, m: &Masker) -> Vec<Line<'static>> {
    let s = &app.shell.styles;
    // An echoed credential or a cookie in a response header is masked like everywhere else.
    let kv = |(k, v): &(String, String)| {
        Line::from(vec![
            Span::styled(format!(" {k}: "), s.accent),
            Span::styled(m.mask(v).into_owned(), s.base),
        ])
    };
    let r = &ex.response;
    let mut out = vec![Line::from(Span::styled(
        format!(" {} {}", r.version, r.status_line()),
        s.status(r.status),
    ))];
    out.extend(r.headers.iter().map(kv));
    out.push(Line::from(""));
    out.push(Line::from(Span::styled(
        format!(" Sent: {} {}   (secrets masked)", ex.request.method, m.mask(&ex.request.url)),
        s.muted,
    )));
    out.extend(ex.request.headers.iter().map(kv));
    out
}

fn timing_lines(app: &App, ex: &Exchange) -> Vec<Line<'static>> {
    let s = &app.shell.styles;
    let t = &ex.response.timings;
    let total = t.total.as_secs_f64().max(1e-9);
    let bar_w = 40.0;
    let row = |label: &str, d: Option<std::time::Duration>, note: &str| {
        let mut spans = vec![Span::styled(format!(" {label:<10}"), s.muted)];
        match d {
            Some(d) => {
                let n = ((d.as_secs_f64() / total) * bar_w).round().clamp(1.0, bar_w) as usize;
                spans.push(Span::styled(format!("{:>10}  ", format_duration(d)), s.title));
                spans.push(Span::styled("█".repeat(n), s.accent));
            }
            None => spans.push(Span::styled(format!("{:>10}  ", "—"), s.muted)),
        }
        if !note.is_empty() {
            spans.push(Span::styled(format!("  {note}"), s.muted));
        }
        Line::from(spans)
    };
    let mut out = vec![
        row(
            "DNS",
            t.dns,
            if t.dns.is_none() {
                "no lookup (an IP address) or not visible"
            } else {
                ""
            },
        ),
        row("Connect", t.connect, "TCP (and TLS for https)"),
        row("Waiting", Some(t.ttfb), "until the first byte"),
        row("Download", Some(t.download), "the body"),
        row("Total", Some(t.total), ""),
        Line::from(""),
    ];
    let r = &ex.response;
    let enc = r.content_encoding.clone().map(|e| format!(" ({e})")).unwrap_or_default();
    out.push(Line::from(Span::styled(
        format!(
            " {} on the wire{enc} · {} decoded · {}",
            format_size(r.wire_size),
            format_size(r.decoded_size),
            r.version
        ),
        s.muted,
    )));
    for n in &t.notes {
        out.push(Line::from(Span::styled(format!(" {n}"), s.muted)));
    }
    out
}

fn redirect_lines(app: &App, ex: &Exchange, m: &Masker) -> Vec<Line<'static>> {
    let s = &app.shell.styles;
    let r = &ex.response;
    if r.redirects.is_empty() {
        return vec![Line::from(Span::styled(
            " No redirects: the first answer was the final one.",
            s.muted,
        ))];
    }
    let mut out = Vec::new();
    for (i, h) in r.redirects.iter().enumerate() {
        let mut hop = vec![
            Span::styled(format!(" {}. ", i + 1), s.muted),
            Span::styled(format!("{} ", h.status), s.status(h.status)),
            Span::styled(m.mask(&h.from).into_owned(), s.base),
            Span::styled(" → ", s.muted),
            Span::styled(m.mask(&h.to).into_owned(), s.base),
        ];
        if !h.followed {
            hop.push(Span::styled(" (not followed)", s.muted));
        }
        out.push(Line::from(hop));
        // Credentials apix added stay with their origin: say which ones this hop left out.
        if !h.dropped.is_empty() {
            let origin = url::Url::parse(&h.to)
                .map(|u| u.origin().ascii_serialization())
                .unwrap_or_else(|_| h.to.clone());
            out.push(Line::from(Span::styled(
                format!("    not sent to {} (another origin): {}", m.mask(&origin), h.dropped.join(", ")),
                s.warning,
            )));
        }
    }
    out.push(Line::from(vec![
        Span::styled(" Final: ", s.muted),
        Span::styled(m.mask(&r.final_url).into_owned(), s.title),
    ]));
    out
}

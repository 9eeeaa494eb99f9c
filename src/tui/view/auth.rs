//! Auth on screen: the Auth tab's fields for every scheme (secrets masked, token status, token keys), the trust
//! prompt, the OAuth flow dialog and the keyring prompt. No secret value is ever drawn: literal credentials show as
//! a mask, references as the reference, tokens only as their status.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Wrap};
use ratatui::Frame;

use super::widgets::{frame_block, masked, popup, row_style, template_spans};
use crate::core::collection::AuthDef;
use crate::core::http::prepare::effective_auth;
use crate::core::pipeline::TrustKind;
use crate::core::sanitize::visible_line;
use crate::core::template::MASK;
use crate::tui::action::Action;
use crate::tui::app::auth::{FlowDialog, FlowKind, SecretPrompt, TokenView, TrustPrompt};
use crate::tui::app::auth_fields::{auth_fields, AuthField, AuthFieldKind};
use crate::tui::app::titles::auth_summary;
use crate::tui::app::trust_review::TrustReview;
use crate::tui::app::{App, Field, OpenRequest};
use crate::tui::keymap::Context;
use crate::tui::safe_text::para;

/// How a field's value is drawn: a mask for a literal secret, the reference for `{{…}}`, a muted note when empty.
fn value_spans(app: &App, f: &AuthField, base: Style, editable: bool) -> Vec<Span<'static>> {
    let s = &app.shell.styles;
    if f.value.is_empty() {
        return vec![Span::styled(f.when_empty, s.muted)];
    }
    let shown = if f.kind == AuthFieldKind::Secret {
        masked(&f.value)
    } else {
        f.value.clone()
    };
    let mut spans = template_spans(&shown, base, s.accent);
    if editable && f.kind == AuthFieldKind::Choice {
        spans.push(Span::styled("  (Enter: next)", s.muted));
    }
    spans
}

fn label_width(fields: &[AuthField]) -> usize {
    fields.iter().map(|f| f.label.len() + 2).max().unwrap_or(0).max(10)
}

/// The Auth tab: the type and where it comes from, one row per field (Enter edits or picks the next choice),
/// then what the scheme adds (the OAuth 2.0 token and its keys).
pub fn draw_tab(app: &App, open: &OpenRequest, frame: &mut Frame, area: Rect, focused: bool) {
    let s = &app.shell.styles;
    let summary = auth_summary(open, app.workspace.collections.get(open.collection));
    let key = app.shell.keymap.label(Context::Request, Action::CycleKind);
    match &open.draft.auth {
        AuthDef::Inherit => {
            let mut lines = vec![Line::from(vec![
                Span::styled(" Inherited: ", s.muted),
                Span::styled(summary, s.accent),
                Span::styled(format!("   ({key} sets this request's own auth)"), s.muted),
            ])];
            if let Some(c) = app.workspace.collections.get(open.collection) {
                let chain = c.folder_chain(&open.draft.path);
                let (auth, _) = effective_auth(&chain, &open.draft);
                let fields = auth_fields(auth);
                let w = label_width(&fields);
                for f in &fields {
                    let mut spans = vec![Span::styled(format!("   {:<w$}", f.label), s.muted)];
                    spans.extend(value_spans(app, f, s.muted, false).into_iter().map(|sp| sp.style(s.muted)));
                    lines.push(Line::from(spans));
                }
                lines.extend(scheme_lines(app, auth));
            }
            frame.render_widget(para(lines), area);
            return;
        }
        AuthDef::None => {
            let msg = format!(" No auth for this request, even if a folder has some.   ({key} changes the type)");
            frame.render_widget(para(Span::styled(msg, s.muted)), area);
            return;
        }
        _ => {}
    }
    frame.render_widget(
        para(Line::from(vec![
            Span::styled(format!(" {summary}"), s.accent),
            Span::styled(format!("   ({key} changes the type)"), s.muted),
        ])),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let fields = auth_fields(&open.draft.auth);
    let w = label_width(&fields);
    let value_x = area.x + 3 + w as u16;
    let mut y = area.y + 1;
    for (i, f) in fields.iter().enumerate().skip(open.scroll) {
        if y >= area.bottom() {
            return;
        }
        let row = Rect::new(area.x, y, area.width, 1);
        let style = row_style(app, open, i, focused);
        frame.render_widget(para(Span::styled(format!("   {:<w$}", f.label), s.muted)).style(style), row);
        let value_area = Rect::new(value_x, y, area.right().saturating_sub(value_x), 1);
        match open.editing.as_ref() {
            Some(e) if e.field == Field::Auth(f.label) => e.input.render(frame, value_area, s.base, focused),
            _ => frame.render_widget(para(Line::from(value_spans(app, f, s.base, true))).style(style), value_area),
        }
        y += 1;
    }
    let extra = scheme_lines(app, &open.draft.auth);
    if !extra.is_empty() && y < area.bottom() {
        frame.render_widget(para(extra), Rect::new(area.x, y, area.width, area.bottom() - y));
    }
}

/// What a scheme shows below its fields: how AWS signs, the OAuth 2.0 token status and its keys.
pub fn scheme_lines(app: &App, auth: &AuthDef) -> Vec<Line<'static>> {
    match auth {
        AuthDef::Aws(_) => vec![Line::from(Span::styled(
            "   Signed at send time (SigV4) over the final method, URL, headers and body.",
            app.shell.styles.muted,
        ))],
        AuthDef::OAuth2(_) => {
            let mut out = vec![Line::from("")];
            out.extend(token_lines(app));
            out
        }
        _ => Vec::new(),
    }
}

fn token_lines(app: &App) -> Vec<Line<'static>> {
    let s = &app.shell.styles;
    let Some(open) = &app.open else { return Vec::new() };
    let k = |a: Action| app.shell.keymap.label(Context::Request, a);
    let (text, style) = match app.auth.tokens.get(&open.draft.path).map(|(_, v)| v) {
        None | Some(TokenView::Loading) => ("checking…".to_string(), s.muted),
        Some(TokenView::NotOAuth) => ("not an OAuth 2.0 request".to_string(), s.muted),
        Some(TokenView::None) => (
            format!("none cached ({} fetches one; a send does too)", k(Action::FetchToken)),
            s.warning,
        ),
        Some(TokenView::Status(t)) if t.fresh => (t.summary(), s.success),
        Some(TokenView::Status(t)) => (t.summary(), s.warning),
        Some(TokenView::Problem(p)) => (p.clone(), s.error),
    };
    vec![
        Line::from(vec![Span::styled("   token          ", s.muted), Span::styled(text, style)]),
        Line::from(vec![
            Span::raw("   "),
            Span::styled(k(Action::FetchToken), s.key),
            Span::styled(" fetch · ", s.muted),
            Span::styled(k(Action::RefreshToken), s.key),
            Span::styled(" refresh · ", s.muted),
            Span::styled(k(Action::ForgetToken), s.key),
            Span::styled(" forget", s.muted),
        ]),
    ]
}

pub fn draw_trust(app: &App, frame: &mut Frame, area: Rect, t: &TrustPrompt) {
    let s = &app.shell.styles;
    let popup_area = popup(area, 76, 11);
    frame.render_widget(Clear, popup_area);
    let collection = &t.question.collection;
    let (title, mut lines, yes) = match &t.question.kind {
        TrustKind::Command { name, command } => (
            "Run a command for a secret?",
            vec![
                Line::from(vec![
                    Span::styled("Collection ", s.base),
                    Span::styled(app.workspace.rel(collection), s.accent),
                    Span::styled(" wants to run", s.base),
                ]),
                Line::from(Span::styled(format!("  {}", visible_line(command)), s.title)),
                Line::from(vec![
                    Span::styled("to get secret ", s.base),
                    Span::styled(visible_line(name), s.accent),
                    Span::styled(". Trust it on this machine?", s.base),
                ]),
                Line::from(Span::styled(
                    "Say yes only if you trust whoever wrote this collection; a changed command asks again.",
                    s.muted,
                )),
            ],
            "yes: trust it, run it and send",
        ),
        TrustKind::OutsideFile { what, path } => (
            "Send a file from outside the collection?",
            vec![
                Line::from(vec![
                    Span::styled("Collection ", s.base),
                    Span::styled(app.workspace.rel(collection), s.accent),
                    Span::styled(format!(" wants to send (for {})", visible_line(what)), s.base),
                ]),
                Line::from(Span::styled(format!("  {}", visible_line(&path.display().to_string())), s.title)),
                Line::from(Span::styled(
                    "which is outside its folder. Trust it to send files from outside its folder?",
                    s.base,
                )),
                Line::from(Span::styled(
                    "Say yes only if you trust whoever wrote this collection: it could send any file you can read.",
                    s.muted,
                )),
            ],
            "yes: trust it and send",
        ),
    };
    let block = frame_block(app, title).border_style(s.warning);
    let inner = block.inner(popup_area);
    frame.render_widget(block, popup_area);
    lines.extend([
        Line::from(""),
        Line::from(vec![Span::styled("  [y] ", s.key), Span::styled(yes, s.base)]),
        Line::from(vec![Span::styled("  [N] ", s.key), Span::styled("no: nothing runs (Esc)", s.base)]),
    ]);
    frame.render_widget(para(lines).wrap(Wrap { trim: false }), inner);
}

pub fn draw_flow(app: &App, frame: &mut Frame, area: Rect, d: &FlowDialog) {
    let s = &app.shell.styles;
    let popup_area = popup(area, 90, 14);
    frame.render_widget(Clear, popup_area);
    let (title, mut lines) = match &d.kind {
        FlowKind::Browser { url, redirect_uri, opened } => (
            "Sign in to get a token",
            vec![
                Line::from(Span::styled("Open this address in a browser and approve:", s.base)),
                Line::from(Span::styled(url.clone(), s.accent)),
                Line::from(Span::styled(
                    if *opened {
                        "(opened in your browser)"
                    } else {
                        "(no browser could be opened here: open it on any machine)"
                    },
                    s.muted,
                )),
                Line::from(Span::styled(format!("Waiting for the redirect to {redirect_uri}."), s.muted)),
            ],
        ),
        FlowKind::Device { uri, code, complete } => {
            let mut l = vec![
                Line::from(vec![
                    Span::styled("On any device, open ", s.base),
                    Span::styled(uri.clone(), s.accent),
                ]),
                Line::from(vec![
                    Span::styled("and enter the code: ", s.base),
                    Span::styled(code.clone(), s.title_focus),
                ]),
            ];
            if let Some(c) = complete {
                l.push(Line::from(Span::styled(format!("(or open {c})"), s.muted)));
            }
            l.push(Line::from(Span::styled("Waiting for your approval…", s.muted)));
            ("Approve this device", l)
        }
    };
    let block = frame_block(app, title);
    let inner = block.inner(popup_area);
    frame.render_widget(block, popup_area);
    let mut keys = "Esc cancels the login".to_string();
    if d.paste.is_some() {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            "Browser on another machine (SSH)? Paste the URL it ends on, then Enter:",
            s.base,
        )));
        keys.push_str(" · Ctrl-O opens the browser again");
    }
    let text_h = inner.height.saturating_sub(3);
    frame.render_widget(
        para(lines.clone()).wrap(Wrap { trim: false }),
        Rect::new(inner.x, inner.y, inner.width, text_h),
    );
    if let Some((input, _)) = &d.paste {
        let y = inner.y + text_h;
        frame.render_widget(para(Span::styled("> ", s.key)), Rect::new(inner.x, y, 2, 1));
        input.render(frame, Rect::new(inner.x + 2, y, inner.width.saturating_sub(2), 1), s.base, true);
    }
    frame.render_widget(
        para(Span::styled(keys, s.muted)),
        Rect::new(inner.x, inner.bottom().saturating_sub(1), inner.width, 1),
    );
}

pub fn draw_secret(app: &App, frame: &mut Frame, area: Rect, p: &SecretPrompt) {
    use crate::tui::app::auth::SecretStage;
    let s = &app.shell.styles;
    let popup_area = popup(area, 72, 8);
    frame.render_widget(Clear, popup_area);
    let block = frame_block(app, "Store a secret in the OS keyring");
    let inner = block.inner(popup_area);
    frame.render_widget(block, popup_area);
    if inner.height < 4 {
        return;
    }
    let name = p.name.text();
    let help = match p.stage {
        SecretStage::Name => "Name (a request uses it as {{keyring.NAME}}), then Enter:".to_string(),
        SecretStage::Value => format!("Value of `{name}` (hidden), then Enter; Esc cancels:"),
    };
    frame.render_widget(para(Span::styled(help, s.muted)), Rect::new(inner.x, inner.y, inner.width, 1));
    let field = Rect::new(inner.x + 2, inner.y + 2, inner.width.saturating_sub(2), 1);
    frame.render_widget(para(Span::styled("> ", s.key)), Rect::new(inner.x, inner.y + 2, 2, 1));
    match p.stage {
        SecretStage::Name => p.name.render(frame, field, s.base, true),
        SecretStage::Value => {
            // Never the text: one mask character per character typed (capped), so the length is all that shows.
            let shown: String = MASK
                .chars()
                .next()
                .map(|c| c.to_string().repeat(p.value_len().min(40)))
                .unwrap_or_default();
            frame.render_widget(para(Span::styled(shown, s.base)), field);
        }
    }
    frame.render_widget(
        para(Span::styled(
            "Where no keyring exists (a headless Linux box), use {{env.NAME}} and a .env file instead.",
            s.muted,
        )),
        Rect::new(inner.x, inner.bottom().saturating_sub(1), inner.width, 1),
    );
}

pub fn draw_trust_review(app: &App, frame: &mut Frame, area: Rect, r: &TrustReview) {
    let s = &app.shell.styles;
    let shown = r.reads.len().min(12);
    let popup_area = popup(area, 96, (shown as u16) + 9);
    frame.render_widget(Clear, popup_area);
    let block = frame_block(app, "This collection reads from outside itself").border_style(s.warning);
    let inner = block.inner(popup_area);
    frame.render_widget(block, popup_area);
    let mut lines = vec![Line::from(vec![
        Span::styled("Collection ", s.base),
        Span::styled(r.name.clone(), s.accent),
        Span::styled(format!(" ({}) reads, and sends:", app.workspace.rel(&r.collection)), s.base),
    ])];
    for read in r.reads.iter().take(shown) {
        lines.push(Line::from(vec![
            Span::styled(format!("  {}", read.kind), s.title),
            Span::styled(format!(" → {}", read.sent_to.join(", ")), s.muted),
        ]));
    }
    if r.reads.len() > shown {
        lines.push(Line::from(Span::styled(
            format!("  … and {} more (apix check lists them all)", r.reads.len() - shown),
            s.muted,
        )));
    }
    lines.extend([
        Line::from(""),
        Line::from(Span::styled(
            "Its commands run and its outside files are sent only once you trust it on this machine.",
            s.muted,
        )),
        Line::from(""),
        Line::from(vec![
            Span::styled("  [y] ", s.key),
            Span::styled("yes: trust its commands and outside files", s.base),
        ]),
        Line::from(vec![
            Span::styled("  [N] ", s.key),
            Span::styled("not now: a send that needs it asks (Esc)", s.base),
        ]),
    ]);
    frame.render_widget(para(lines).wrap(Wrap { trim: false }), inner);
}

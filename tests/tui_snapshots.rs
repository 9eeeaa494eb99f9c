//! Screens as text: insta snapshots of `TestBackend` frames. Exchanges are built by hand so that no port, duration
//! or date from a real send ends up in a snapshot.

mod tui_support;

use std::time::Duration;

use apix::core::http::{Exchange, HttpError, ResponseRecord, SentRequest, Timings};
use apix::tui::app::{Pane, RequestTab};
use apix::tui::theme::ColorMode;
use bytes::Bytes;
use crossterm::event::KeyCode;
use ratatui::style::Color;
use tui_support::Harness;

fn exchange(status: u16, reason: &str, content_type: &str, body: &str, extra_headers: &[(&str, &str)]) -> Exchange {
    let mut headers = vec![
        ("content-type".to_string(), content_type.to_string()),
        ("content-length".to_string(), body.len().to_string()),
    ];
    headers.extend(extra_headers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Exchange {
        request: SentRequest {
            method: "GET".into(),
            url: "http://demo.test/users/1".into(),
            headers: vec![
                ("accept".into(), "application/json".into()),
                ("authorization".into(), "Bearer ••••••".into()),
            ],
            body_size: 0,
            body_kind: "none",
        },
        response: ResponseRecord {
            status,
            reason: reason.into(),
            version: "HTTP/1.1".into(),
            headers,
            body: Bytes::from(body.to_string()),
            spilled: None,
            content_type: Some(content_type.into()),
            content_encoding: None,
            wire_size: body.len() as u64,
            decoded_size: body.len() as u64,
            final_url: "http://demo.test/users/1".into(),
            redirects: Vec::new(),
            timings: Timings {
                dns: None,
                connect: Some(Duration::from_micros(400)),
                tls: None,
                ttfb: Duration::from_millis(35),
                download: Duration::from_millis(3),
                total: Duration::from_millis(38),
                notes: Vec::new(),
            },
        },
        secrets: Vec::new(),
        warnings: Vec::new(),
    }
}

const USER: &str = r#"{"id":1,"name":"Ada Lovelace","email":"ada@example.com","roles":["admin","author"],"team":{"id":7,"name":"Analytical Engines"},"active":true,"manager":null}"#;

#[test]
fn tree() {
    let mut h = Harness::new(None);
    h.ch('j');
    h.ch('j');
    h.ch('l');
    insta::assert_snapshot!(h.render(120, 32));
}

#[test]
fn request_tabs() {
    let mut h = Harness::new(None);
    let show = |h: &mut Harness, filter: &str, tab: RequestTab| {
        h.open(filter);
        if let Some(open) = h.app.open.as_mut() {
            open.tab = tab;
        }
        h.render(120, 32)
    };
    insta::assert_snapshot!("request_params", show(&mut h, "list users", RequestTab::Params));
    insta::assert_snapshot!("request_headers", show(&mut h, "get user", RequestTab::Headers));
    insta::assert_snapshot!("request_body", show(&mut h, "create user", RequestTab::Body));
    insta::assert_snapshot!("request_auth", show(&mut h, "basic inherited", RequestTab::Auth));
    insta::assert_snapshot!("request_docs", show(&mut h, "get user", RequestTab::Docs));
}

#[test]
fn json_response_highlighted() {
    let mut h = Harness::with_mode(None, ColorMode::TrueColor);
    h.open("get user");
    h.app
        .show_result(Ok(exchange(200, "OK", "application/json", USER, &[])), Duration::from_millis(38));
    h.app.set_focus(Pane::Response);
    insta::assert_snapshot!(h.render(120, 32));
    // The key `"name"` is coloured differently from its string value.
    let buf = tui_support::render_buffer(&mut h.app, 120, 32);
    let area = h.app.shell.areas.response_body;
    let mut key_fg = None;
    let mut value_fg = None;
    for y in area.y..area.bottom() {
        let row: String = (area.x..area.right()).map(|x| buf[(x, y)].symbol().to_string()).collect();
        if let Some(col) = row.find("\"name\": \"Ada") {
            let x = area.x + row[..col].chars().count() as u16;
            key_fg = Some(buf[(x + 1, y)].fg);
            value_fg = Some(buf[(x + 10, y)].fg);
            break;
        }
    }
    let (key_fg, value_fg) = (key_fg.expect("no name line"), value_fg.expect("no value"));
    assert!(matches!(key_fg, Color::Rgb(..)), "key not highlighted: {key_fg:?}");
    assert_ne!(key_fg, value_fg);
}

#[test]
fn response_tabs() {
    let mut h = Harness::new(None);
    h.open("get user");
    h.app.show_result(
        Ok(exchange(
            200,
            "OK",
            "application/json",
            USER,
            &[("x-ratelimit-limit", "60"), ("x-ratelimit-remaining", "58")],
        )),
        Duration::from_millis(38),
    );
    h.app.set_focus(Pane::Response);
    h.ch(']');
    insta::assert_snapshot!("response_headers", h.render(120, 32));
    h.ch(']');
    insta::assert_snapshot!("response_timing", h.render(120, 32));
}

#[test]
fn api_error_explained() {
    let mut h = Harness::new(None);
    h.open("get user");
    let body = r#"{"type":"https://example.com/probs/out-of-credit","title":"Out of credit","status":429,"detail":"Your current balance is 30, but that costs 50."}"#;
    h.app.show_result(
        Ok(exchange(
            429,
            "Too Many Requests",
            "application/problem+json",
            body,
            &[("retry-after", "30")],
        )),
        Duration::from_millis(12),
    );
    insta::assert_snapshot!(h.render(120, 32));
}

#[test]
fn error_panel() {
    let mut h = Harness::new(None);
    h.open("connection refused");
    h.app.show_result(
        Err(HttpError::Refused {
            host: "127.0.0.1".into(),
            port: 9,
        }),
        Duration::from_micros(300),
    );
    insta::assert_snapshot!(h.render(120, 32));
}

#[test]
fn help_overlay() {
    let mut h = Harness::new(None);
    h.open("get user");
    h.ch('?');
    insta::assert_snapshot!(h.render(120, 40));
}

#[test]
fn palette() {
    let mut h = Harness::new(None);
    h.ctrl('p');
    h.type_text("user");
    insta::assert_snapshot!(h.render(120, 32));
}

#[test]
fn env_switcher() {
    let mut h = Harness::new(None);
    h.ctrl('e');
    insta::assert_snapshot!(h.render(120, 32));
}

#[test]
fn narrow_layout() {
    let mut h = Harness::new(None);
    h.open("get user");
    h.app
        .show_result(Ok(exchange(200, "OK", "application/json", USER, &[])), Duration::from_millis(38));
    insta::assert_snapshot!("narrow_stacked", h.render(80, 24));
    h.ch('1');
    insta::assert_snapshot!("narrow_tree_popup", h.render(80, 24));
    insta::assert_snapshot!("too_small", h.render(38, 10));
}

#[test]
fn unsaved_changes_prompt() {
    let mut h = Harness::new(None);
    h.open("get user");
    h.ch('j');
    h.press(KeyCode::Enter);
    h.type_text("-2");
    h.press(KeyCode::Enter);
    h.ch('q');
    insta::assert_snapshot!(h.render(120, 32));
}

/// The frame as text with each row that has a reverse-video cell marked `▶`, the rest `·` (how a 16-colour terminal
/// shows the selection).
fn reverse_marked(buf: &ratatui::buffer::Buffer, area: ratatui::layout::Rect) -> String {
    let mut out = String::new();
    for y in area.y..area.bottom() {
        let row: String = (area.x..area.right()).map(|x| buf[(x, y)].symbol().to_string()).collect();
        let reversed = (area.x..area.right()).any(|x| buf[(x, y)].modifier.contains(ratatui::style::Modifier::REVERSED));
        out.push_str(if reversed { "▶ " } else { "· " });
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn sixteen_colour_selection_is_reverse_video_and_methods_stay_apart() {
    let mut h = Harness::with_mode(None, ColorMode::Ansi16);
    h.app.set_focus(Pane::Tree);
    while h.app.tree.selected_row().map(|r| r.name.as_str()) != Some("users") {
        let before = h.app.tree.selected;
        h.ch('j');
        assert_ne!(before, h.app.tree.selected, "never reached the users folder");
    }
    h.ch('l');
    h.ch('j');
    let buf = tui_support::render_buffer(&mut h.app, 100, 24);
    let tree = h.app.shell.areas.tree.expect("the tree is shown");
    let marked = reverse_marked(&buf, tree);
    insta::assert_snapshot!(marked);
    // Exactly the selected row is in reverse video.
    let rows: Vec<&str> = marked.lines().filter(|l| l.starts_with('▶')).collect();
    assert_eq!(rows.len(), 1, "{marked}");
    assert!(rows[0].contains("List users"), "{marked}");
    // GET and POST badges keep colours of their own (a theme's shades fall to one grey in 16 colours).
    let mut fg_of = std::collections::HashMap::new();
    for y in tree.y..tree.bottom() {
        let row: String = (tree.x..tree.right()).map(|x| buf[(x, y)].symbol().to_string()).collect();
        for m in ["GET", "POST", "DELETE"] {
            if let Some(col) = row.find(&format!("{m} ")) {
                let x = tree.x + row[..col].chars().count() as u16;
                fg_of.entry(m).or_insert(buf[(x, y)].fg);
            }
        }
    }
    assert!(fg_of.len() >= 2, "{fg_of:?}\n{marked}");
    let distinct: std::collections::HashSet<_> = fg_of.values().collect();
    assert_eq!(distinct.len(), fg_of.len(), "{fg_of:?}");
}

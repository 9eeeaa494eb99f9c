//! The response viewer on any body, any size (issue #4): the real demo server on 127.0.0.1, the app without a
//! terminal, frames rendered on a `TestBackend`. Waiting is on conditions (messages, or polling the app's state for
//! what has no message, such as bytes arriving), never on a fixed sleep.

mod tui_support;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use apix::core::http::{Exchange, ResponseRecord, SentRequest, Timings};
use apix::server::DemoServer;
use apix::tui::app::body::{BodyDoc, LiveDoc};
use apix::tui::app::{App, Pane, RequestState};
use apix::tui::theme::ColorMode;
use bytes::Bytes;
use crossterm::event::KeyCode;
use tui_support::{demo_workspace, Harness};

/// Polls the app (handling any messages) until `cond` holds; for states that arrive without a message.
async fn poll_until(h: &mut Harness, what: &str, mut cond: impl FnMut(&mut App) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !cond(&mut h.app) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        if let Ok(Some(m)) = tokio::time::timeout(Duration::from_millis(5), h.rx.recv()).await {
            h.app.handle_message(m);
        }
    }
}

fn state(app: &App) -> Option<&RequestState> {
    app.current_slot().map(|s| &s.state)
}

fn done_doc(app: &App) -> Option<Arc<LiveDoc>> {
    match state(app)? {
        RequestState::Done(d) => match &d.body {
            BodyDoc::Text(doc) if doc.is_done() => Some(doc.clone()),
            _ => None,
        },
        _ => None,
    }
}

fn is_done(app: &App) -> bool {
    matches!(state(app), Some(RequestState::Done(d)) if !d.body.is_pending())
}

/// Opens `name` and points its URL at `path` on the demo server.
fn open_at(h: &mut Harness, name: &str, path: &str) {
    h.open(name);
    h.app.set_focus(Pane::Request);
    h.ch('u');
    h.ctrl('u');
    h.type_text(&format!("{{{{base_url}}}}{path}"));
    h.press(KeyCode::Enter);
    // Saved, so that opening another request later does not ask about unsaved changes.
    h.ctrl('s');
}

/// A harness whose config sets `[limits]`.
fn with_limits(server: &DemoServer, cap: &str) -> (Harness, std::path::PathBuf) {
    let tmp = demo_workspace();
    let spill = tmp.path().join("spill");
    std::fs::create_dir_all(&spill).unwrap();
    let config = format!("[limits]\nmemory_cap = \"{cap}\"\nspill_dir = \"{}\"\n", spill.display());
    std::fs::write(tmp.path().join("config/config.toml"), config).unwrap();
    let h = Harness::in_dir(tmp, Some(server.url()), ColorMode::NoColor);
    assert!(h.app.shell.notice.is_none(), "config problems: {:?}", h.app.shell.notice);
    (h, spill)
}

fn files_in(dir: &Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_100mb_body_is_readable_while_it_arrives_and_jumps_to_its_end() {
    let server = DemoServer::start(0).unwrap();
    let (mut h, spill) = with_limits(&server, "256MB");
    open_at(&mut h, "Large JSON (100MB", "/large?size=100MB");
    h.ctrl('r');
    // The first screen shows while the body is still arriving (checked on a frame drawn mid-transfer).
    let mut seen_early = false;
    poll_until(&mut h, "the first screen", |app| {
        let early = matches!(state(app), Some(RequestState::Sending { body, .. }) if body.line_count() > 40);
        if early {
            let screen = tui_support::render(app, 120, 32);
            assert!(screen.contains("receiving"), "{screen}");
            assert!(screen.contains("\"items\": ["), "{screen}");
            seen_early = true;
        }
        early || is_done(app)
    })
    .await;
    // Scrolling works during the transfer.
    h.app.set_focus(Pane::Response);
    h.ch('j');
    poll_until(&mut h, "the whole document", |app| is_done(app)).await;
    assert!(seen_early, "no frame showed the first screen while the body was arriving");
    let doc = done_doc(&h.app).unwrap();
    assert!(doc.line_count() > 1_000_000, "{}", doc.line_count());
    assert!(doc.is_spilled(), "100 MB of pretty text goes to a temporary file");
    h.app.set_focus(Pane::Response);
    h.ch('G');
    let screen = h.render(120, 32);
    let last = format!("{} }}", doc.line_count());
    assert!(screen.contains(&last), "no closing brace at the end:\n{screen}");
    // Jump back to the top.
    h.ch('g');
    assert!(h.render(120, 32).contains("   1 {"));
    drop(doc);
    h.app.responses.slots.clear();
    // The send task lets go of its handle on the document just after reporting completion.
    poll_until(&mut h, "the temporary files to go", |_| files_in(&spill) == 0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_50mb_single_line_json_is_reindented() {
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::new(Some(server.url()));
    open_at(&mut h, "Minified JSON (50MB", "/minified?size=50MB");
    h.ctrl('r');
    poll_until(&mut h, "the document", |app| is_done(app)).await;
    let doc = done_doc(&h.app).unwrap();
    assert!(doc.line_count() > 500_000, "{}", doc.line_count());
    assert_eq!(doc.lines(0, 3), vec!["{", "  \"items\": [", "    {"]);
    let screen = h.render(120, 32);
    assert!(screen.contains("\"id\": 0,"), "{screen}");
    // Search runs in the background and jumps to the first match.
    h.app.set_focus(Pane::Response);
    h.ch('/');
    h.type_text("item 12345\"");
    h.press(KeyCode::Enter);
    poll_until(&mut h, "a match", |app| {
        app.current_slot()
            .and_then(|s| s.view.search.as_ref())
            .is_some_and(|s| !s.hits.is_empty())
    })
    .await;
    assert!(h.render(120, 32).contains("\"name\": \"item 12345\""));
}

fn hand_made(content_type: &str, body: &'static [u8]) -> Exchange {
    Exchange {
        request: SentRequest {
            method: "GET".into(),
            url: "http://demo.test/broken".into(),
            headers: Vec::new(),
            body_size: 0,
            body_kind: "none",
        },
        response: ResponseRecord {
            status: 200,
            reason: "OK".into(),
            version: "HTTP/1.1".into(),
            headers: vec![("content-type".into(), content_type.into())],
            body: Bytes::from_static(body),
            spilled: None,
            content_type: Some(content_type.into()),
            content_encoding: None,
            wire_size: body.len() as u64,
            decoded_size: body.len() as u64,
            final_url: "http://demo.test/broken".into(),
            redirects: Vec::new(),
            timings: Timings::default(),
        },
        secrets: Vec::new(),
        warnings: Vec::new(),
    }
}

#[test]
fn invalid_json_is_text_with_the_error_position() {
    let mut h = Harness::new(None);
    h.open("get user");
    h.app.show_result(
        Ok(hand_made("application/json", b"{\"id\": 1,\n \"name\": nope}\n")),
        Duration::from_millis(3),
    );
    let screen = h.render(120, 32);
    assert!(screen.contains("Not valid JSON at line 2, column 11"), "{screen}");
    assert!(screen.contains(" \"name\": nope}"), "{screen}");
}

#[tokio::test(flavor = "multi_thread")]
async fn binary_shows_a_summary_and_hex_and_saves_to_a_file() {
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::new(Some(server.url()));
    h.open("Binary");
    h.ctrl('r');
    h.wait_for("the response", is_done).await;
    let screen = h.render(120, 32);
    assert!(screen.contains("shown as hex"), "{screen}");
    assert!(
        screen.contains("4.1 KB") || screen.contains("4.0 KB") || screen.contains("4 KB"),
        "{screen}"
    );
    assert!(screen.contains("00000000  89 50 4e 47 0d 0a 1a 0a"), "{screen}");
    // s saves the whole body, through a prompt.
    let to = h.tmp.path().join("saved.bin");
    h.app.set_focus(Pane::Response);
    h.ch('s');
    assert!(h.render(120, 32).contains("Save body"));
    h.ctrl('u');
    h.type_text(&to.display().to_string());
    h.press(KeyCode::Enter);
    h.wait_for("the save", |app| {
        app.shell.notice.as_ref().is_some_and(|n| n.text.starts_with("Saved"))
    })
    .await;
    let saved = std::fs::read(&to).unwrap();
    assert_eq!(saved.len(), 4096);
    assert!(saved.starts_with(b"\x89PNG"));
}

#[tokio::test(flavor = "multi_thread")]
async fn images_show_type_and_dimensions() {
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::new(Some(server.url()));
    h.open("PNG image");
    h.ctrl('r');
    h.wait_for("the response", is_done).await;
    let screen = h.render(120, 32);
    assert!(screen.contains("PNG image, 3×2"), "{screen}");
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_utf8_shows_replacements_and_says_so() {
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::new(Some(server.url()));
    h.open("Invalid UTF-8");
    h.ctrl('r');
    h.wait_for("the response", is_done).await;
    let screen = h.render(120, 32);
    assert!(screen.contains("caf\u{FFFD} ok"), "{screen}");
    assert!(
        screen.contains("invalid byte sequences replaced with \u{FFFD} (decoded as UTF-8)"),
        "{screen}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bodies_over_the_memory_cap_page_from_temporary_files() {
    let server = DemoServer::start(0).unwrap();
    let (mut h, spill) = with_limits(&server, "1MB");
    open_at(&mut h, "Large JSON (20MB", "/large?size=5MB&shape=minified");
    h.ctrl('r');
    poll_until(&mut h, "the document", |app| is_done(app)).await;
    let doc = done_doc(&h.app).unwrap();
    match state(&h.app) {
        Some(RequestState::Done(d)) => assert!(d.exchange.response.spilled.is_some(), "the raw body spilled"),
        other => panic!("{other:?}"),
    }
    assert!(doc.is_spilled(), "the formatted text spilled");
    h.app.set_focus(Pane::Response);
    h.ch('G');
    let screen = h.render(120, 32);
    assert!(screen.contains(&format!("{} }}", doc.line_count())), "{screen}");
    drop(doc);
    // A binary body over the cap: the hex view reads its end from the spill file.
    open_at(&mut h, "Binary", "/binary?size=3MB");
    h.ctrl('r');
    h.wait_for("the binary", is_done).await;
    let screen = h.render(120, 32);
    assert!(screen.contains("shown as hex from a temp file"), "{screen}");
    h.app.set_focus(Pane::Response);
    h.ch('G');
    let screen = h.render(120, 32);
    assert!(screen.contains(&format!("{:08x}  ", 3_000_000 - 16)), "{screen}");
    h.app.responses.slots.clear();
    poll_until(&mut h, "the temporary files to go", |_| files_in(&spill) == 0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_mid_download_keeps_the_ui_responsive_and_leaves_no_files() {
    let server = DemoServer::start(0).unwrap();
    let (mut h, spill) = with_limits(&server, "1KB");
    open_at(&mut h, "Binary", "/drip?bytes=1000000&chunk=500&interval_ms=10");
    h.ctrl('r');
    poll_until(&mut h, "part of the body", |app| match state(app) {
        Some(RequestState::Sending { progress, .. }) => progress.borrow().decoded > 4000,
        _ => false,
    })
    .await;
    assert_eq!(files_in(&spill), 1, "the body spilled past the 1 KB cap");
    assert!(h.render(120, 32).contains("receiving"));
    h.press(KeyCode::Esc);
    h.wait_for("the cancellation", |app| matches!(state(app), Some(RequestState::Cancelled { .. })))
        .await;
    assert!(h.render(120, 32).contains("Cancelled after"));
    h.ch('1');
    assert_eq!(h.app.focus, Pane::Tree, "keys still work");
    poll_until(&mut h, "the partial file to go", |_| files_in(&spill) == 0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn xml_is_highlighted_by_a_background_job() {
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::with_mode(Some(server.url()), ColorMode::TrueColor);
    h.open("XML document");
    h.ctrl('r');
    h.wait_for("the response", is_done).await;
    // The first frame asks for the window; the job's answer arrives as a message.
    h.render(120, 32);
    h.wait_for("the highlighted window", |app| {
        app.current_slot()
            .and_then(|s| s.view.highlight.as_ref())
            .is_some_and(|w| w.pending.is_none() && !w.lines.is_empty())
    })
    .await;
    let buf = tui_support::render_buffer(&mut h.app, 120, 32);
    let area = h.app.shell.areas.response_body;
    let colours: std::collections::HashSet<_> = (area.y..area.bottom())
        .flat_map(|y| (area.x + 6..area.right()).map(move |x| (x, y)))
        .map(|(x, y)| buf[(x, y)].fg)
        .collect();
    assert!(colours.len() > 2, "one colour only: {colours:?}");
}

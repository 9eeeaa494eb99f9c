//! One full TUI frame rendered from state (`App::draw` on a 120×32 `TestBackend`) with a 20 MB JSON response
//! loaded, and the first highlighted screen after the last byte of a body fed in chunks (issue #4).
//!
//! Targets: a scroll or jump renders a frame in ≤ 2 ms; the first highlighted screen ≤ 50 ms after the last byte.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use apix::core::format::document::SpillPolicy;
use apix::core::http::{Exchange, ResponseRecord, SentRequest, Timings};
use apix::server::LargeDoc;
use apix::tui::action::Action;
use apix::tui::app::body::LiveDoc;
use apix::tui::app::Pane;
use apix::tui::theme::ColorMode;
use apix::tui::{App, AppOptions};
use bytes::Bytes;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const SIZE: u64 = 20_000_000;

/// A workspace with one request, opened in a fresh app (true colour, so the JSON tokenizer styles every line).
fn app_with_request(dir: &Path) -> App {
    let col = dir.join("collections/bench");
    std::fs::create_dir_all(&col).unwrap();
    std::fs::create_dir_all(dir.join("config")).unwrap();
    std::fs::write(col.join("collection.toml"), "name = \"Bench\"\n").unwrap();
    std::fs::write(
        col.join("big.toml"),
        "name = \"Big\"\nmethod = \"GET\"\nurl = \"http://127.0.0.1:9/large\"\n",
    )
    .unwrap();
    let mut opts = AppOptions::new(dir.join("collections"));
    opts.config_dir = dir.join("config");
    opts.color_mode = ColorMode::TrueColor;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    // Background messages are not needed here: keep the receiver alive so sends do not fail.
    std::mem::forget(rx);
    let mut app = App::new(opts, tx);
    let key = |c: KeyCode| KeyEvent::new(c, KeyModifiers::NONE);
    app.set_focus(Pane::Tree);
    app.handle_key(key(KeyCode::Char('/')));
    for c in "big".chars() {
        app.handle_key(key(KeyCode::Char(c)));
    }
    app.handle_key(key(KeyCode::Enter));
    assert!(app.open.is_some(), "the bench request did not open");
    app.set_focus(Pane::Response);
    app
}

fn chunks(pretty: bool) -> Vec<Bytes> {
    LargeDoc::plan(SIZE, pretty).chunks().collect()
}

fn exchange(body: Bytes) -> Exchange {
    let len = body.len() as u64;
    Exchange {
        request: SentRequest {
            method: "GET".into(),
            url: "http://127.0.0.1:9/large".into(),
            headers: Vec::new(),
            body_size: 0,
            body_kind: "none",
        },
        response: ResponseRecord {
            status: 200,
            reason: "OK".into(),
            version: "HTTP/1.1".into(),
            headers: vec![("content-type".into(), "application/json".into())],
            body,
            spilled: None,
            content_type: Some("application/json".into()),
            content_encoding: None,
            wire_size: len,
            decoded_size: len,
            final_url: "http://127.0.0.1:9/large".into(),
            redirects: Vec::new(),
            timings: Timings::default(),
        },
        secrets: Vec::new(),
        warnings: Vec::new(),
    }
}

fn join(chunks: &[Bytes]) -> Bytes {
    let mut all = Vec::with_capacity(chunks.iter().map(Bytes::len).sum());
    for c in chunks {
        all.extend_from_slice(c);
    }
    Bytes::from(all)
}

/// Feeds every chunk but the last, as the send task does while the body downloads.
fn fed_but_last(chunks: &[Bytes], spill: &SpillPolicy) -> Arc<LiveDoc> {
    let live = LiveDoc::new();
    for c in &chunks[..chunks.len() - 1] {
        live.feed(c, spill);
    }
    live
}

fn frames(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let mut g = c.benchmark_group("frame 120x32, 20MB JSON");
    g.sample_size(30);
    for (shape, pretty) in [("pretty", true), ("minified", false)] {
        let chunks = chunks(pretty);
        let body = join(&chunks);
        let mut app = app_with_request(&tmp.path().join(shape));
        let spill = app.shell.limits.doc_spill();
        let live = fed_but_last(&chunks, &spill);
        live.feed(&chunks[chunks.len() - 1], &spill);
        app.show_result_with(Ok(exchange(body.clone())), Duration::from_millis(1), live);
        let mut term = Terminal::new(TestBackend::new(120, 32)).unwrap();
        let lines = app.responses.line_count(app.current_path());
        for (at, action) in [("top", Action::Top), ("middle", Action::HalfPageDown), ("end", Action::Bottom)] {
            app.handle_action(Action::Top);
            term.draw(|f| apix::tui::view::render(&mut app, f)).unwrap();
            app.handle_action(action);
            if at == "middle" {
                if let Some(slot) = app
                    .open
                    .as_ref()
                    .map(|o| o.draft.path.clone())
                    .and_then(|p| app.responses.slots.get_mut(&p))
                {
                    slot.view.scroll = lines / 2;
                }
            }
            term.draw(|f| apix::tui::view::render(&mut app, f)).unwrap();
            if at == "end" {
                let screen = term.backend().to_string();
                assert!(screen.contains(&format!("{lines} }}")), "not at the end:\n{screen}");
            }
            g.bench_function(BenchmarkId::new(format!("render at {at}"), shape), |b| {
                b.iter(|| {
                    app.request_redraw();
                    term.draw(|f| apix::tui::view::render(&mut app, f)).map(|_| ()).unwrap_or(())
                })
            });
        }
        // A jump to a different far place every frame: reads a cold window from the nearest checkpoint.
        g.bench_function(BenchmarkId::new("jump anywhere and render", shape), |b| {
            let path = app.open.as_ref().map(|o| o.draft.path.clone()).unwrap();
            let mut i = 0usize;
            b.iter(|| {
                i = (i + 7_919_993) % lines.saturating_sub(40).max(1);
                if let Some(slot) = app.responses.slots.get_mut(&path) {
                    slot.view.scroll = i;
                }
                term.draw(|f| apix::tui::view::render(&mut app, f)).map(|_| ()).unwrap_or(())
            })
        });
    }
    g.finish();
}

/// The last chunk arrives: finish the document, show the response, draw the first highlighted screen. Each sample
/// first feeds the other ~19.9 MB (untimed), so samples are few and flat.
fn first_screen(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let mut g = c.benchmark_group("first screen after the last byte, 20MB JSON");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_millis(10));
    for (shape, pretty) in [("pretty", true), ("minified", false)] {
        let chunks = chunks(pretty);
        let body = join(&chunks);
        let mut app = app_with_request(&tmp.path().join(shape));
        let spill = app.shell.limits.doc_spill();
        let mut term = Terminal::new(TestBackend::new(120, 32)).unwrap();
        g.bench_function(shape, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let live = fed_but_last(&chunks, &spill);
                    app.responses.slots.clear();
                    let ex = exchange(body.clone());
                    let start = Instant::now();
                    live.feed(&chunks[chunks.len() - 1], &spill);
                    app.show_result_with(Ok(ex), Duration::from_millis(1), live);
                    term.draw(|f| apix::tui::view::render(&mut app, f)).unwrap();
                    total += start.elapsed();
                }
                total
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    targets = frames, first_screen
}
criterion_main!(benches);

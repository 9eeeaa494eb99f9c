//! History in the TUI: sends are recorded in a real SQLite file in the test's temp dir, the history view lists and
//! searches them, an entry opens read-only, restores into the editor and compares with another. Waiting is on
//! conditions over the message channel, never on sleeps.

mod tui_support;

use std::path::{Path, PathBuf};

use apix::core::history::{HistoryStore, NewEntry, Source, StoredBody, StoredRequest, StoredResponse, StoredTimings};
use apix::server::DemoServer;
use apix::tui::app::history::Scope;
use apix::tui::app::{App, Modal, Pane, RequestState};
use crossterm::event::KeyCode;
use tui_support::Harness;

fn done(app: &App) -> bool {
    matches!(app.current_slot().map(|s| &s.state), Some(RequestState::Done(_)))
}

fn open_path(app: &App) -> PathBuf {
    app.open.as_ref().map(|o| o.draft.path.clone()).unwrap_or_default()
}

fn count(app: &App) -> Option<usize> {
    app.history.counts.get(&open_path(app)).copied()
}

fn view(app: &App) -> Option<&apix::tui::app::history::HistoryView> {
    match &app.shell.modal {
        Some(Modal::History(v)) => Some(v),
        _ => None,
    }
}

fn listed(app: &App, n: usize) -> bool {
    view(app).is_some_and(|v| !v.loading && v.entries.len() == n)
}

/// Sends the open request and waits until its history entry is counted.
async fn send_recorded(h: &mut Harness, expected: usize) {
    h.ctrl('r');
    h.wait_for("the response and its history entry", |app| {
        done(app) && count(app) == Some(expected)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_send_is_recorded_listed_searched_opened_and_restored() {
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::new(Some(server.url()));
    h.open("get user");
    h.wait_for("the empty history count", |app| count(app) == Some(0)).await;
    send_recorded(&mut h, 1).await;
    let db = h.tmp.path().join("data/history.sqlite3");
    assert!(db.is_file(), "the database lives in the data dir");
    let screen = h.render(120, 32);
    assert!(screen.contains("history (1) Ctrl-H"), "{screen}");

    // The request's history.
    h.ctrl('h');
    h.wait_for("the request's history", |app| listed(app, 1)).await;
    let v = view(&h.app).unwrap();
    assert!(matches!(v.scope, Scope::Request { .. }));
    assert_eq!(v.entries[0].status, Some(200));
    assert!(v.entries[0].url.ends_with("/users/1"), "{:?}", v.entries[0]);
    let screen = h.render(120, 32);
    assert!(screen.contains("History · Get user (1)"), "{screen}");
    assert!(screen.contains("/users/1"), "{screen}");

    // Tab: every request; full-text search over bodies finds the user's name, and nothing for other words.
    h.press(KeyCode::Tab);
    h.wait_for("the global history", |app| {
        listed(app, 1) && view(app).is_some_and(|v| v.scope == Scope::All)
    })
    .await;
    h.ch('/');
    h.type_text("lovelace");
    h.wait_for("a search hit", |app| {
        listed(app, 1) && view(app).is_some_and(|v| v.search.text() == "lovelace")
    })
    .await;
    h.type_text(" zzzyx");
    h.wait_for("no hit", |app| listed(app, 0)).await;
    assert!(h.render(120, 32).contains("No entry matches"));
    for _ in 0..6 {
        h.press(KeyCode::Backspace);
    }
    h.wait_for("the hit again", |app| listed(app, 1)).await;
    h.press(KeyCode::Esc); // leaves the search field

    // Enter: read-only in the response viewer.
    h.press(KeyCode::Enter);
    h.wait_for("the entry in the viewer", |app| {
        app.history.viewing.is_some() && app.shell.modal.is_none()
    })
    .await;
    assert!(done(&h.app));
    assert_eq!(h.app.focus, Pane::Response);
    let screen = h.render(120, 32);
    assert!(screen.contains("history #1 ·") && screen.contains("read-only"), "{screen}");
    assert!(screen.contains("Ada Lovelace"), "{screen}");

    // Restore into the editor: the file now asks for user 2; the entry brings user 1 back, unsaved.
    h.app.set_focus(Pane::Request);
    h.ch('u');
    h.ctrl('u');
    h.type_text("{{base_url}}/users/2");
    h.press(KeyCode::Enter);
    h.ctrl('s');
    assert!(!h.app.is_dirty());
    h.ctrl('h');
    h.wait_for("the request's history", |app| listed(app, 1)).await;
    h.ch('r');
    h.wait_for("the restored request", |app| app.is_dirty()).await;
    let draft = &h.app.open.as_ref().unwrap().draft;
    assert!(draft.url.ends_with("/users/1"), "{}", draft.url);
    // The draft's own template stays; headers the collection adds are not copied in.
    let rid = draft
        .headers
        .iter()
        .find(|kv| kv.name.eq_ignore_ascii_case("x-request-id"))
        .unwrap();
    assert_eq!(rid.value, "{{$uuid}}");
    assert!(
        !draft.headers.iter().any(|kv| kv.name.eq_ignore_ascii_case("accept")),
        "{:?}",
        draft.headers
    );
    assert!(h.render(120, 32).contains("● 1 unsaved"));
}

#[tokio::test(flavor = "multi_thread")]
async fn compare_flags_a_type_change_as_breaking() {
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::new(Some(server.url()));
    let patch = |body: &'static str| {
        let url = format!("{}/users/1", server.url());
        async move {
            let resp = reqwest::Client::new()
                .patch(url)
                .header("content-type", "application/merge-patch+json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert!(resp.status().is_success(), "{}", resp.status());
        }
    };
    patch(r#"{"level": 3}"#).await;
    h.open("get user");
    send_recorded(&mut h, 1).await;
    // The API changes under us: `level` becomes a string.
    patch(r#"{"level": "three"}"#).await;
    send_recorded(&mut h, 2).await;
    h.ctrl('h');
    h.wait_for("two entries", |app| listed(app, 2)).await;
    h.ch('c');
    h.wait_for("the comparison", |app| matches!(app.shell.modal, Some(Modal::Diff(_))))
        .await;
    let Some(Modal::Diff(d)) = &h.app.shell.modal else { unreachable!() };
    assert_eq!((d.old_id, d.new_id), (1, 2));
    assert_eq!(d.breaking, 1, "{:#?}", d.lines);
    let screen = h.render(120, 40);
    assert!(screen.contains("⚠ field $.level changed type from number to string"), "{screen}");
    assert!(screen.contains("$.level: type number → string"), "{screen}");
    // Esc goes back to the list.
    h.press(KeyCode::Esc);
    assert!(view(&h.app).is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn drawing_never_opens_the_database() {
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::new(Some(server.url()));
    h.open("get user");
    send_recorded(&mut h, 1).await;
    h.ctrl('h');
    h.wait_for("the list", |app| listed(app, 1)).await;
    // Take the database away: a draw that opened it would create it again.
    let data = h.tmp.path().join("data");
    for f in std::fs::read_dir(&data).unwrap() {
        let f = f.unwrap().path();
        if f.file_name().unwrap().to_string_lossy().starts_with("history.sqlite3") {
            std::fs::remove_file(f).unwrap();
        }
    }
    for (w, hgt) in [(120, 32), (80, 24), (200, 50)] {
        let screen = h.render(w, hgt);
        assert!(screen.contains("#1"), "{screen}");
    }
    h.press(KeyCode::Esc);
    h.render(120, 32);
    assert!(!data.join("history.sqlite3").exists(), "a draw opened the database");
}

#[tokio::test(flavor = "multi_thread")]
async fn history_settings_are_read_and_can_turn_recording_off() {
    let server = DemoServer::start(0).unwrap();
    let tmp = tui_support::demo_workspace();
    std::fs::write(tmp.path().join("config/config.toml"), "[history]\nenabled = false\n").unwrap();
    let mut h = Harness::in_dir(tmp, Some(server.url()), apix::tui::theme::ColorMode::NoColor);
    let notice = h.app.shell.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(!notice.contains("unknown setting"), "{notice}");
    h.open("get user");
    h.ctrl('r');
    h.wait_for("the response", done).await;
    assert!(
        !h.tmp.path().join("data/history.sqlite3").exists(),
        "recorded although history is off"
    );
}

fn entry(root: &Path, created_ms: i64, status: Option<u16>, body: &str, total_ms: u64) -> NewEntry {
    NewEntry {
        created_ms,
        source: Source {
            collection: Some(std::fs::canonicalize(root).unwrap().display().to_string()),
            request_path: Some("users/get-user.toml".into()),
            fingerprint: None,
            request_name: Some("Get user".into()),
            environment: Some("local".into()),
        },
        request: StoredRequest {
            method: "GET".into(),
            url: "http://demo.test/users/1".into(),
            headers: vec![("accept".into(), "application/json".into())],
            body_kind: "none".into(),
            body: None,
            body_note: None,
        },
        response: status.map(|s| StoredResponse {
            status: s,
            reason: "OK".into(),
            version: "HTTP/1.1".into(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: StoredBody::capped(body.as_bytes().to_vec(), body.len() as u64, 1_000_000),
            content_type: Some("application/json".into()),
            content_encoding: None,
            wire_size: body.len() as u64,
            final_url: "http://demo.test/users/1".into(),
            redirects: Vec::new(),
            packed: None,
        }),
        error: status.is_none().then(|| "Connection refused by demo.test:80".to_string()),
        timings: StoredTimings {
            total_us: total_ms * 1000,
            ..StoredTimings::default()
        },
    }
}

/// Three entries with fixed dates and timings, so the screens are the same on every run.
fn seeded(h: &Harness) {
    let root = h.path("");
    let mut store = HistoryStore::open(&h.tmp.path().join("data/history.sqlite3")).unwrap();
    let day = 1_735_812_000_000; // 2025-01-02 10:00:00 UTC
    store
        .record(&entry(
            &root,
            day,
            Some(200),
            r#"{"id":1,"name":"Ada","team":{"id":7},"tags":["a"]}"#,
            38,
        ))
        .unwrap();
    store.record(&entry(&root, day + 60_000, None, "", 1)).unwrap();
    store
        .record(&entry(
            &root,
            day + 120_000,
            Some(200),
            r#"{"id":"1","name":"Ada L.","tags":["a","b"],"plan":"pro"}"#,
            41,
        ))
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn snapshot_history_view_and_diff() {
    let mut h = Harness::new(None);
    seeded(&h);
    h.open("get user");
    h.ctrl('h');
    h.wait_for("three entries", |app| listed(app, 3)).await;
    h.ch(' ');
    h.ch('j');
    h.ch(' ');
    insta::assert_snapshot!("history_view", h.render(120, 24));
    h.ch('c');
    h.wait_for("the comparison", |app| matches!(app.shell.modal, Some(Modal::Diff(_))))
        .await;
    insta::assert_snapshot!("history_diff", h.render(120, 32));
}

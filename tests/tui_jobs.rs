//! Sends are named by id, not by file: a request renamed or moved while it is in flight still ends (finished, in
//! its new place), and one deleted while in flight is cancelled; the loop stops animating either way.

mod tui_support;

use apix::server::DemoServer;
use apix::tui::app::{Pane, RequestState};
use crossterm::event::KeyCode;
use tui_support::Harness;

/// A request that answers after `ms` milliseconds.
fn slow_request(h: &Harness, ms: u32) -> std::path::PathBuf {
    let path = h.path("users/slow.toml");
    std::fs::write(
        &path,
        format!("name = \"Slow one\"\nmethod = \"GET\"\nurl = \"{{{{base_url}}}}/delay\"\n\n[query]\nms = \"{ms}\"\n"),
    )
    .unwrap();
    path
}

async fn reload_and_open(h: &mut Harness) {
    h.app.set_focus(Pane::Tree);
    h.reload().await;
    h.open("slow one");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_moved_while_sending_finishes_in_its_new_place() {
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::new(Some(server.url()));
    let path = slow_request(&h, 800);
    reload_and_open(&mut h).await;
    assert_eq!(h.app.open.as_ref().map(|o| o.draft.path.clone()), Some(path.clone()));
    h.ctrl('r');
    assert!(matches!(h.app.current_slot().map(|s| &s.state), Some(RequestState::Sending { .. })));
    // Move it to another folder while it is in flight.
    h.app.set_focus(Pane::Tree);
    assert!(h.app.tree.select_path(&path));
    h.ch('m');
    h.ctrl('u');
    h.type_text("errors");
    h.press(KeyCode::Enter);
    let moved = h.path("errors/slow.toml");
    assert!(moved.is_file() && !path.exists());
    h.wait_for("the moved request's send to finish", |app| {
        matches!(app.responses.slots.get(&moved).map(|s| &s.state), Some(RequestState::Done(_)))
    })
    .await;
    h.wait_for("the loop to stop animating", |app| !app.is_animating()).await;
    // Renamed while sending: the same.
    assert_eq!(h.app.open.as_ref().map(|o| o.draft.path.clone()), Some(moved.clone()));
    h.ctrl('r');
    h.app.set_focus(Pane::Tree);
    assert!(h.app.tree.select_path(&moved));
    h.ch('r');
    h.ctrl('u');
    h.type_text("Slower one");
    h.press(KeyCode::Enter);
    let renamed = h.path("errors/slower-one.toml");
    assert!(renamed.is_file(), "renamed file");
    h.wait_for("the renamed request's send to finish", |app| {
        matches!(app.responses.slots.get(&renamed).map(|s| &s.state), Some(RequestState::Done(_)))
    })
    .await;
    assert!(!h.app.is_animating());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_deleted_while_sending_is_cancelled() {
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::new(Some(server.url()));
    let path = slow_request(&h, 20_000);
    reload_and_open(&mut h).await;
    h.ctrl('r');
    let cancel = match h.app.current_slot().map(|s| &s.state) {
        Some(RequestState::Sending { cancel, .. }) => cancel.clone(),
        other => panic!("expected a send in flight, got {other:?}"),
    };
    h.app.set_focus(Pane::Tree);
    assert!(h.app.tree.select_path(&path));
    h.ch('d');
    h.ch('y');
    assert!(!path.exists());
    assert!(cancel.is_cancelled(), "the send of a deleted request is cancelled");
    assert!(
        h.app.responses.slots.is_empty(),
        "{:?}",
        h.app.responses.slots.keys().collect::<Vec<_>>()
    );
    assert!(!h.app.is_animating(), "nothing left to animate");
    // The cancelled send's messages arrive and change nothing (no slot comes back for the deleted file).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::time::Instant::now() < deadline {
        match tokio::time::timeout(std::time::Duration::from_millis(200), h.rx.recv()).await {
            Ok(Some(m)) => h.app.handle_message(m),
            _ => break,
        }
    }
    assert!(!h.app.responses.slots.contains_key(&path));
    assert!(!h.app.is_animating());
}

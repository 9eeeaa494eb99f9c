//! `y` / `Y` in the request pane: the OSC 52 payload written for the terminal decodes to a curl command, masked
//! unless the person confirmed `Y`.

mod tui_support;

use std::sync::{Arc, Mutex};

use apix::core::template::MASK;
use apix::tui::app::export::ClipboardSink;
use apix::tui::app::{Modal, Pane};
use base64::Engine;
use crossterm::event::KeyCode;
use tui_support::{demo_workspace, Harness};

/// Every OSC 52 payload in `raw`, decoded.
fn copies(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    text.split("\x1b]52;c;")
        .skip(1)
        .map(|rest| {
            let (b64, _) = rest.split_once('\x07').expect("terminated by BEL");
            String::from_utf8(base64::engine::general_purpose::STANDARD.decode(b64).expect("base64")).expect("UTF-8")
        })
        .collect()
}

#[test]
fn y_copies_a_masked_curl_command_and_shift_y_reveals_after_confirming() {
    let canary = format!("canary-{}", uuid::Uuid::new_v4().simple());
    let tmp = demo_workspace();
    std::fs::write(tmp.path().join("collections/demo/.env"), format!("DEMO_TOKEN={canary}\n")).unwrap();
    let mut h = Harness::in_dir(tmp, Some("http://127.0.0.1:9".into()), apix::tui::theme::ColorMode::NoColor);
    let sink = Arc::new(Mutex::new(Vec::new()));
    h.app.clipboard = ClipboardSink::Buffer(sink.clone());
    h.open("bearer from env");
    assert_eq!(h.app.focus, Pane::Request);

    h.ch('y');
    let got = copies(&sink.lock().unwrap());
    assert_eq!(got.len(), 1, "one copy");
    assert!(got[0].starts_with("curl 'http://127.0.0.1:9/auth/bearer'"), "{}", got[0]);
    assert!(got[0].contains(&format!("-H 'Authorization: Bearer {MASK}'")), "{}", got[0]);
    assert!(!got[0].contains(&canary), "masked: {}", got[0]);
    let notice = h.app.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert_eq!(notice, "Copied as curl (secrets masked; Y copies them too)");

    // Y asks first; Esc copies nothing.
    h.ch('Y');
    assert!(matches!(h.app.modal, Some(Modal::Confirm(_))));
    h.press(KeyCode::Esc);
    assert!(h.app.modal.is_none());
    assert_eq!(copies(&sink.lock().unwrap()).len(), 1, "cancelled: nothing more copied");

    h.ch('Y');
    h.ch('y');
    let got = copies(&sink.lock().unwrap());
    assert_eq!(got.len(), 2);
    assert!(got[1].contains(&format!("-H 'Authorization: Bearer {canary}'")), "{}", got[1]);
}

#[test]
fn a_request_that_cannot_be_prepared_copies_nothing() {
    let mut h = Harness::new(None);
    let sink = Arc::new(Mutex::new(Vec::new()));
    h.app.clipboard = ClipboardSink::Buffer(sink.clone());
    h.open("bearer from env");
    // No .env and no DEMO_TOKEN in a clean environment: the variable is unknown.
    if std::env::var_os("DEMO_TOKEN").is_some() {
        println!("skipped: DEMO_TOKEN is set in this environment");
        return;
    }
    h.ch('y');
    assert!(sink.lock().unwrap().is_empty());
    let notice = h.app.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.starts_with("Not copied: "), "{notice}");
}

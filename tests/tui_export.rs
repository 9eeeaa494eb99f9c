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
    h.app.shell.clipboard = ClipboardSink::Buffer(sink.clone());
    h.open("bearer from env");
    assert_eq!(h.app.focus, Pane::Request);

    h.ch('y');
    let got = copies(&sink.lock().unwrap());
    assert_eq!(got.len(), 1, "one copy");
    assert!(got[0].starts_with("curl 'http://127.0.0.1:9/auth/bearer'"), "{}", got[0]);
    assert!(got[0].contains(&format!("-H 'Authorization: Bearer {MASK}'")), "{}", got[0]);
    assert!(!got[0].contains(&canary), "masked: {}", got[0]);
    let notice = h.app.shell.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert_eq!(notice, "Copied as curl (secrets masked; Y copies them too)");

    // Y asks first; Esc copies nothing.
    h.ch('Y');
    assert!(matches!(h.app.shell.modal, Some(Modal::Confirm(_))));
    h.press(KeyCode::Esc);
    assert!(h.app.shell.modal.is_none());
    assert_eq!(copies(&sink.lock().unwrap()).len(), 1, "cancelled: nothing more copied");

    h.ch('Y');
    h.ch('y');
    let got = copies(&sink.lock().unwrap());
    assert_eq!(got.len(), 2);
    assert!(got[1].contains(&format!("-H 'Authorization: Bearer {canary}'")), "{}", got[1]);
}

/// The same request, its secret unset: `y` in the TUI and `apix export curl` both give the command with the secret
/// masked (they share the core pipeline's masked-preview mode; the TUI once failed where the CLI worked). Revealing
/// needs the value, so `Y` copies nothing and says which variable is missing.
#[test]
fn masked_export_is_the_same_in_both_front_ends() {
    // No .env and no DEMO_TOKEN in a clean environment: the variable is unset.
    if std::env::var_os("DEMO_TOKEN").is_some() {
        panic!("DEMO_TOKEN is set in this environment: unset it to run this test");
    }
    // `{{$demo}}` is written as the standalone demo address by the CLI: the TUI is given the same.
    let mut h = Harness::new(Some("http://127.0.0.1:8787".into()));
    let sink = Arc::new(Mutex::new(Vec::new()));
    h.app.shell.clipboard = ClipboardSink::Buffer(sink.clone());
    h.open("bearer from env");
    h.ch('y');
    let tui = copies(&sink.lock().unwrap());
    assert_eq!(tui.len(), 1, "{:?}", h.app.shell.notice);
    assert!(tui[0].contains(&format!("Authorization: Bearer {MASK}")), "{}", tui[0]);

    let file = h.path("auth/bearer-from-env.toml");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_apix"))
        .args(["export", "curl", file.to_str().unwrap()])
        .env("APIX_DATA_DIR", h.tmp.path().join("data"))
        .env("APIX_CONFIG_DIR", h.tmp.path().join("config"))
        .env_remove("DEMO_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), tui[0]);

    h.ch('Y');
    h.ch('y');
    assert_eq!(copies(&sink.lock().unwrap()).len(), 1, "nothing revealed without the value");
    let notice = h.app.shell.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.starts_with("Not copied: ") && notice.contains("DEMO_TOKEN"), "{notice}");
}

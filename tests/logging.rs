//! Where the log is, said where people look (`apix --version`, the help screen), and a log folder that cannot be
//! written never fails a command. (That the log carries no secret is tested with the canaries in secrets_canary.rs;
//! that it never reaches the terminal, in tui_e2e.rs.)

mod tui_support;

use std::process::Command;

use tui_support::Harness;

#[test]
fn version_says_where_the_log_is() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_apix"))
        .arg("--version")
        .env("APIX_LOG_DIR", tmp.path().join("logs"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(text.starts_with(&format!("apix {}\n", env!("CARGO_PKG_VERSION"))), "{text}");
    assert!(text.contains(&format!("log: {}", tmp.path().join("logs").display())), "{text}");
    assert!(text.contains("APIX_LOG=debug"), "{text}");
}

#[test]
fn an_unwritable_log_folder_never_fails_a_command() {
    let tmp = tempfile::tempdir().unwrap();
    // A file where the folder should be.
    let blocked = tmp.path().join("logs");
    std::fs::write(&blocked, "not a folder").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_apix"))
        .args(["check", concat!(env!("CARGO_MANIFEST_DIR"), "/collections")])
        .env("APIX_LOG_DIR", &blocked)
        .env("APIX_DATA_DIR", tmp.path().join("data"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(&blocked).unwrap(), "not a folder");
}

#[test]
fn the_help_screen_says_where_the_log_is() {
    let mut h = Harness::new(None);
    h.app.shell.log = Some("/var/tmp/apix-logs (apix.YYYY-MM-DD.log)".into());
    h.ch('?');
    // The log is the last section: scroll to the end.
    for _ in 0..20 {
        h.press(crossterm::event::KeyCode::PageDown);
    }
    let screen = h.render(120, 40);
    assert!(screen.contains("/var/tmp/apix-logs (apix.YYYY-MM-DD.log)"), "{screen}");
}

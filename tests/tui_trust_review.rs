//! Opening a request of a collection that runs commands or sends files from outside its folder shows, once, what it
//! reads from outside itself and where it sends each (the list `apix check` prints); yes trusts its commands and
//! outside files on this machine, and its sends then ask nothing. (Its own test binary: the trust store lives in the
//! process's data dir.)

mod tui_support;

use apix::server::DemoServer;
use apix::tui::app::{Modal, RequestState};
use apix::tui::theme::ColorMode;
use tui_support::Harness;

fn workspace(extra_file: &std::path::Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("collections/vault");
    std::fs::create_dir_all(root.join("environments")).unwrap();
    std::fs::create_dir_all(tmp.path().join("config")).unwrap();
    std::fs::write(
        root.join("collection.toml"),
        "name = \"Vault\"\n\n[commands]\ntoken = \"printf tok-from-cmd\"\n",
    )
    .unwrap();
    std::fs::write(root.join("environments/local.toml"), "base_url = \"{{$demo}}\"\n").unwrap();
    std::fs::write(
        root.join("echo.toml"),
        format!(
            "name = \"Echo with secret\"\nmethod = \"POST\"\nurl = \"{{{{base_url}}}}/echo\"\n\n[headers]\nX-Token = \"{{{{cmd.token}}}}\"\nX-User = \"{{{{env.USER_FOR_REVIEW}}}}\"\n\n[body]\nfile = \"{}\"\n",
            extra_file.display()
        ),
    )
    .unwrap();
    tmp
}

#[tokio::test(flavor = "multi_thread")]
async fn a_collection_that_reads_from_outside_is_reviewed_once_and_trusted_with_yes() {
    let data = tempfile::tempdir().unwrap();
    std::env::set_var("APIX_DATA_DIR", data.path());
    std::env::set_var("USER_FOR_REVIEW", "ada");
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outside.path(), "outside body").unwrap();
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::in_dir(workspace(outside.path()), Some(server.url()), ColorMode::NoColor);
    h.open("echo with secret");
    h.wait_for("the review", |app| matches!(app.shell.modal, Some(Modal::TrustReview(_))))
        .await;
    let screen = h.render(120, 30);
    assert!(screen.contains("This collection reads from outside itself"), "{screen}");
    assert!(screen.contains("command `printf tok-from-cmd` (for {{cmd.token}})"), "{screen}");
    assert!(screen.contains("environment variable USER_FOR_REVIEW"), "{screen}");
    assert!(screen.contains(&format!("file {}", outside.path().display())), "{screen}");
    // Where each goes (the URL as written: `{{$demo}}` is only known once the demo server runs).
    assert!(screen.contains("→ {{base_url}}/echo"), "the host it is sent to:\n{screen}");
    h.ch('y');
    assert!(h.app.shell.modal.is_none());
    h.wait_for("the trust to be recorded", |app| {
        app.shell.notice.as_ref().is_some_and(|n| n.text.starts_with("Trusted Vault"))
    })
    .await;
    // Trusted: the send runs the command and sends the outside file without a question.
    h.ctrl('r');
    h.wait_for("the response", |app| {
        matches!(
            app.current_slot().map(|s| &s.state),
            Some(RequestState::Done(_) | RequestState::Failed(_))
        )
    })
    .await;
    assert!(h.app.shell.modal.is_none(), "{:?}", h.app.shell.modal.as_ref().map(|_| "a dialog"));
    match h.app.current_slot().map(|s| &s.state) {
        Some(RequestState::Done(d)) => {
            assert_eq!(d.exchange.response.status, 200);
            assert!(String::from_utf8_lossy(&d.exchange.response.body).contains("outside body"));
        }
        other => panic!("{other:?}"),
    }
    // Once per session: opening it again asks nothing.
    h.open("echo with secret");
    assert!(h.app.shell.modal.is_none());
}

//! The problems `apix check` finds, in the TUI: marked in the tree and listed in a panel (`p` in the tree) that
//! opens the request a problem is in. The same analysis as the CLI (core::check).

mod tui_support;

use apix::tui::app::{Modal, Pane};
use apix::tui::Message;
use crossterm::event::KeyCode;
use tui_support::Harness;

#[test]
fn problems_are_marked_in_the_tree_and_listed_with_p() {
    let mut h = Harness::new(None);
    // An undefined variable (a warning from the full check) and a file that does not parse (an error from loading).
    std::fs::write(
        h.path("users/typo.toml"),
        "name = \"Typo\"\nmethod = \"GET\"\nurl = \"{{base_ulr}}/users\"\n",
    )
    .unwrap();
    std::fs::write(h.path("errors/broken.toml"), "name = \"Broken\nurl = \n").unwrap();
    h.app.set_focus(Pane::Tree);
    h.ctrl('l');
    // The check runs off the UI thread at the next file poll (inline in this test).
    h.app.handle_message(Message::PollFiles);
    let all: Vec<String> = h.app.workspace.problems.all().iter().map(|d| d.to_string()).collect();
    assert!(all.iter().any(|d| d.contains("broken.toml") && d.contains("error")), "{all:?}");
    assert!(all.iter().any(|d| d.contains("typo.toml:3:") && d.contains("base_ulr")), "{all:?}");
    // The same list as `apix check`.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_apix"))
        .args(["check", h.tmp.path().join("collections").to_str().unwrap()])
        .env("APIX_DATA_DIR", h.tmp.path().join("data"))
        .output()
        .unwrap();
    let cli = String::from_utf8_lossy(&out.stdout);
    assert!(cli.contains("base_ulr"), "{cli}");
    // Marked in the tree: the collection row (and the folders) carry `!`.
    let screen = h.render(120, 40);
    let collection_row = screen.lines().find(|l| l.contains("▾ Demo API")).unwrap_or_default().to_string();
    assert!(collection_row.contains('!'), "{screen}");
    // Listed with `p`; Enter opens the request the warning is in.
    h.app.set_focus(Pane::Tree);
    h.ch('p');
    assert!(matches!(h.app.shell.modal, Some(Modal::Problems(_))));
    let screen = h.render(140, 40);
    assert!(screen.contains("Problems: 1 error(s), 1 warning(s)"), "{screen}");
    assert!(screen.contains("base_ulr"), "{screen}");
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    assert!(h.app.shell.modal.is_none());
    assert_eq!(h.app.open.as_ref().map(|o| o.draft.name.clone()), Some("Typo".into()));
}

#[test]
fn enter_on_a_broken_file_shows_its_whole_error_wrapped() {
    let mut h = Harness::new(None);
    let broken = h.path("errors/broken.toml");
    std::fs::write(&broken, "name = \"Broken\"\nmethod = \"GET\"\nurl = \"{{base_url}}/x\"\n[headers\n").unwrap();
    h.app.set_focus(Pane::Tree);
    h.ctrl('l');
    h.app.handle_message(Message::PollFiles);
    let collections = h.app.workspace.collections.clone();
    h.app.tree.reveal(&collections, &broken);
    assert_eq!(h.app.tree.selected_row().map(|r| r.path.clone()), Some(broken.clone()));
    h.press(KeyCode::Enter);
    assert!(
        matches!(h.app.shell.modal, Some(Modal::Problems(_))),
        "Enter on a broken file shows its problem"
    );
    // At 80 columns the message is wrapped, not cut: its last words and the did-you-mean hint are on screen.
    let screen = h.render(80, 24);
    let all = h.app.workspace.problems.all();
    let d = all
        .iter()
        .find(|d| d.path == h.path("errors/broken.toml") && d.is_error())
        .expect("the error");
    assert!(screen.contains("broken.toml:4:"), "{screen}");
    let last_word = d.message.split_whitespace().last().unwrap_or_default().to_string();
    assert!(screen.contains(&last_word), "`{last_word}` missing:\n{screen}");
    if let Some(h) = &d.hint {
        let last = h.split_whitespace().last().unwrap_or_default();
        assert!(screen.contains(last), "`{last}` missing:\n{screen}");
    }
}

#[test]
fn e_on_a_broken_file_opens_it_in_the_editor_and_reads_it_again() {
    let mut h = Harness::new(None);
    let broken = h.path("errors/broken.toml");
    std::fs::write(&broken, "name = \"Broken\"\nurl = \"{{base_url}}/x\"\n[headers\n").unwrap();
    h.app.set_focus(Pane::Tree);
    h.ctrl('l');
    let collections = h.app.workspace.collections.clone();
    h.app.tree.reveal(&collections, &broken);
    h.ch('e');
    assert_eq!(
        h.app.take_effect(),
        Some(apix::tui::app::Effect::EditFile { path: broken.clone() }),
        "e asks the loop to open the file itself in $EDITOR"
    );
    // The person fixes it in the editor; when it closes, the file is read again.
    std::fs::write(
        &broken,
        "name = \"Fixed\"\nurl = \"{{base_url}}/x\"\n[headers]\nAccept = \"text/plain\"\n",
    )
    .unwrap();
    h.app.file_edited(&broken, Ok(()));
    let notice = h.app.shell.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.contains("it loads"), "{notice}");
    assert_eq!(
        h.app.tree.selected_row().map(|r| (r.name.clone(), r.is_request())),
        Some(("Fixed".into(), true))
    );
    // Still broken: said so, with how to see why.
    std::fs::write(&broken, "name = \"Broken again\n").unwrap();
    h.app.file_edited(&broken, Ok(()));
    let notice = h.app.shell.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.contains("still broken") && notice.contains("Enter"), "{notice}");
}

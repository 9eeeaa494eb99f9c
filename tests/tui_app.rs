//! The app without a terminal: keys and messages in, state out. Sends go to the real demo server on 127.0.0.1;
//! waiting is always on a condition over the message channel, never on a sleep.

mod tui_support;

use apix::server::DemoServer;
use apix::tui::app::{Pane, RequestState, RequestTab};
use apix::tui::Message;
use crossterm::event::KeyCode;
use tui_support::Harness;

fn open_name(h: &Harness) -> String {
    h.app.open.as_ref().map(|o| o.draft.name.clone()).unwrap_or_default()
}

#[test]
fn tree_navigation_expands_and_opens() {
    let mut h = Harness::new(None);
    assert_eq!(h.app.focus, Pane::Tree);
    let first = h.app.tree.rows[0].clone();
    assert_eq!(first.name, "Demo API");
    assert!(first.expanded);
    // Walk down to the `users` folder and expand it.
    while h.app.tree.selected_row().map(|r| r.name.as_str()) != Some("users") {
        let before = h.app.tree.selected;
        h.ch('j');
        assert_ne!(before, h.app.tree.selected, "never reached the users folder");
    }
    assert!(!h.app.tree.selected_row().unwrap().expanded);
    h.ch('l');
    assert!(h.app.tree.selected_row().unwrap().expanded);
    h.ch('j');
    assert_eq!(h.app.tree.selected_row().unwrap().name, "List users");
    h.press(KeyCode::Enter);
    assert_eq!(open_name(&h), "List users");
    assert_eq!(h.app.focus, Pane::Request);
    // h on a request goes to its folder, h again collapses it.
    h.app.set_focus(Pane::Tree);
    h.ch('h');
    assert_eq!(h.app.tree.selected_row().unwrap().name, "users");
    h.ch('h');
    assert!(!h.app.tree.selected_row().unwrap().expanded);
}

#[test]
fn fuzzy_filter_finds_requests() {
    let mut h = Harness::new(None);
    h.ch('/');
    h.type_text("gtusr");
    let requests: Vec<String> = h.app.tree.rows.iter().filter(|r| r.is_request()).map(|r| r.name.clone()).collect();
    assert!(requests.contains(&"Get user".to_string()), "{requests:?}");
    assert!(!requests.contains(&"Timeout".to_string()));
    h.press(KeyCode::Enter);
    assert_eq!(open_name(&h), "Get user");
    // Esc in the tree clears the filter.
    h.app.set_focus(Pane::Tree);
    h.press(KeyCode::Esc);
    assert!(h.app.tree.filter.is_empty());
}

#[test]
fn editing_a_header_marks_unsaved_and_ctrl_s_saves_only_that() {
    let mut h = Harness::new(None);
    h.open("get user");
    let path = h.path("users/get-user.toml");
    let before = std::fs::read_to_string(&path).unwrap();
    assert_eq!(h.app.open.as_ref().unwrap().tab, RequestTab::Headers);
    h.ch('j');
    h.ch('a');
    h.type_text("X-Test");
    h.press(KeyCode::Enter);
    h.type_text("yes");
    h.press(KeyCode::Enter);
    assert!(h.app.is_dirty());
    let headers = &h.app.open.as_ref().unwrap().draft.headers;
    assert!(headers.iter().any(|kv| kv.name == "X-Test" && kv.value == "yes"), "{headers:?}");
    assert!(h.render(120, 32).contains("● 1 unsaved"));
    h.ctrl('s');
    assert!(!h.app.is_dirty());
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(after.contains("X-Test = \"yes\""), "{after}");
    // Everything that was there is still there, comments included.
    for line in before.lines() {
        assert!(after.contains(line), "lost `{line}`:\n{after}");
    }
    // Space disables the row; the file says so after saving.
    h.ch('k');
    h.ch(' ');
    assert!(h.app.is_dirty());
}

#[test]
fn quitting_with_unsaved_changes_asks() {
    let mut h = Harness::new(None);
    h.open("get user");
    h.ch('u');
    h.press(KeyCode::End);
    h.type_text("?x=1");
    h.press(KeyCode::Esc);
    assert!(h.app.open.as_ref().unwrap().draft.url.ends_with("?x=1"));
    h.ch('q');
    assert!(!h.app.shell.quit);
    assert!(matches!(h.app.shell.modal, Some(apix::tui::app::Modal::Confirm(_))));
    h.ch('c');
    assert!(h.app.shell.modal.is_none() && !h.app.shell.quit);
    h.ch('q');
    h.ch('d');
    assert!(h.app.shell.quit);
    // Discarded: the file is unchanged.
    let text = std::fs::read_to_string(h.path("users/get-user.toml")).unwrap();
    assert!(!text.contains("x=1"));
}

#[test]
fn switching_requests_with_unsaved_changes_asks_and_can_save() {
    let mut h = Harness::new(None);
    h.open("get user");
    h.ch('m');
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    assert_eq!(h.app.open.as_ref().unwrap().draft.method, "POST");
    h.open("list users");
    assert_eq!(open_name(&h), "Get user", "switched without asking");
    h.ch('s');
    assert_eq!(open_name(&h), "List users");
    let text = std::fs::read_to_string(h.path("users/get-user.toml")).unwrap();
    assert!(text.contains("method = \"POST\""), "{text}");
}

#[test]
fn body_editor_reports_json_problems_with_line_and_column() {
    let mut h = Harness::new(None);
    h.open("create user");
    h.ch(']');
    assert_eq!(h.app.open.as_ref().unwrap().tab, RequestTab::Body);
    let screen = h.render(120, 32);
    assert!(screen.contains("✔ valid JSON"), "{screen}");
    h.ch('j');
    h.press(KeyCode::Enter);
    h.press(KeyCode::Down);
    h.press(KeyCode::End);
    h.type_text(" oops");
    let screen = h.render(120, 32);
    assert!(screen.contains("✖ not valid JSON: line 2:"), "{screen}");
    h.press(KeyCode::Esc);
    assert!(h.app.is_dirty());
}

#[test]
fn env_switcher_and_palette() {
    let mut h = Harness::new(None);
    assert_eq!(h.app.workspace.env_name(0), Some("local"));
    h.ctrl('e');
    let screen = h.render(120, 32);
    assert!(screen.contains("demo_password"), "{screen}");
    assert!(!screen.contains("apix-demo-password"), "a secret is visible:\n{screen}");
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    assert_eq!(h.app.workspace.env_name(0), Some("standalone"));
    h.ctrl('p');
    h.type_text("list users");
    h.press(KeyCode::Enter);
    assert_eq!(open_name(&h), "List users");
    h.ctrl('p');
    h.type_text("get user");
    h.press(KeyCode::Enter);
    assert_eq!(open_name(&h), "Get user", "the request's own name ranks first");
    h.ctrl('p');
    h.type_text("wrap lines");
    h.press(KeyCode::Enter);
    assert!(h.app.shell.wrap);
}

#[test]
fn create_rename_duplicate_and_delete_from_the_tree() {
    let mut h = Harness::new(None);
    h.open("get user");
    h.app.set_focus(Pane::Tree);
    h.ch('n');
    h.type_text("Find users");
    h.press(KeyCode::Enter);
    let created = h.path("users/find-users.toml");
    assert!(created.is_file());
    assert_eq!(open_name(&h), "Find users");
    h.app.set_focus(Pane::Tree);
    h.ch('r');
    h.ctrl('u');
    h.type_text("Search users");
    h.press(KeyCode::Enter);
    assert!(!created.exists());
    let renamed = h.path("users/search-users.toml");
    assert!(std::fs::read_to_string(&renamed).unwrap().contains("name = \"Search users\""));
    assert_eq!(h.app.open.as_ref().unwrap().draft.path, renamed);
    h.app.set_focus(Pane::Tree);
    h.ch('c');
    h.press(KeyCode::Enter);
    assert!(h.path("users/search-users-copy.toml").is_file());
    h.app.set_focus(Pane::Tree);
    h.ch('d');
    assert!(h.path("users/search-users-copy.toml").is_file(), "deleted without asking");
    h.ch('y');
    assert!(!h.path("users/search-users-copy.toml").exists());
    h.app.set_focus(Pane::Tree);
    assert!(h.app.tree.select_path(&renamed));
    h.ch('m');
    h.ctrl('u');
    h.type_text("errors");
    h.press(KeyCode::Enter);
    assert!(h.path("errors/search-users.toml").is_file());
}

#[test]
fn bad_config_falls_back_with_a_message() {
    let tmp = tui_support::demo_workspace();
    std::fs::write(
        tmp.path().join("config/config.toml"),
        "theme = \"nope\"\n[keys]\nsend = \"hyper-q\"\nsned = \"f5\"\n",
    )
    .unwrap();
    let h = Harness::in_dir(tmp, None, apix::tui::theme::ColorMode::NoColor);
    let notice = h.app.shell.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.contains("theme `nope` not found"), "{notice}");
    assert!(notice.contains("did you mean `send`"), "{notice}");
}

#[test]
fn tiny_and_odd_terminal_sizes_never_panic() {
    let mut h = Harness::new(None);
    h.open("get user");
    for (w, h2) in [(1, 1), (20, 5), (39, 11), (40, 12), (60, 40), (99, 30), (100, 12), (300, 80)] {
        let text = h.render(w, h2);
        if w < 40 || h2 < 12 {
            assert!(text.contains("apix") || w < 10, "{text}");
        }
    }
    h.ch('?');
    h.render(40, 12);
    h.press(KeyCode::Esc);
    h.ctrl('p');
    h.render(41, 12);
}

#[tokio::test(flavor = "multi_thread")]
async fn send_shows_status_and_formatted_json() {
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::new(Some(server.url()));
    h.open("get user");
    h.ctrl('r');
    assert!(matches!(h.app.current_slot().map(|s| &s.state), Some(RequestState::Sending { .. })));
    assert!(h.app.is_animating());
    h.wait_for("the response", |app| {
        matches!(app.current_slot().map(|s| &s.state), Some(RequestState::Done(_)))
    })
    .await;
    h.wait_for("formatting", |app| !app.is_animating()).await;
    let screen = h.render(120, 32);
    assert!(screen.contains("200 OK"), "{screen}");
    assert!(screen.contains("\"name\": "), "{screen}");
    assert!(screen.contains("demo API on 127.0.0.1"), "{screen}");
    // Search: / name Enter, n moves on.
    h.app.set_focus(Pane::Response);
    h.ch('/');
    h.type_text("id");
    h.press(KeyCode::Enter);
    let hits = h
        .app
        .current_slot()
        .and_then(|s| s.view.search.as_ref())
        .map(|s| s.hits.len())
        .unwrap_or(0);
    assert!(hits >= 1);
    // `/` starts empty: typing a new query replaces the last one; Enter on an empty field keeps the last search.
    let query = |h: &Harness| h.app.current_slot().and_then(|s| s.view.search.as_ref()).map(|s| s.query.clone());
    h.ch('/');
    h.type_text("name");
    h.press(KeyCode::Enter);
    assert_eq!(query(&h).as_deref(), Some("name"));
    h.ch('/');
    h.press(KeyCode::Enter);
    assert_eq!(query(&h).as_deref(), Some("name"));
    h.ch('/');
    h.type_text("id");
    h.press(KeyCode::Enter);
    h.ch(']');
    assert!(h.render(120, 32).contains("x-request-id") || h.render(120, 32).contains("X-Request-Id"));
}

#[tokio::test(flavor = "multi_thread")]
async fn several_requests_in_flight_and_esc_cancels() {
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::new(Some(server.url()));
    h.open("read timeout");
    // Make it slow but not time out: 1 s read timeout, 20 s delay → edit the query value to keep it pending.
    h.ctrl('r');
    let slow = h.app.open.as_ref().unwrap().draft.path.clone();
    h.open("list users");
    h.ctrl('r');
    h.wait_for("list users", |app| {
        matches!(app.current_slot().map(|s| &s.state), Some(RequestState::Done(_)))
    })
    .await;
    // The slow one kept its own state meanwhile.
    assert!(h.app.responses.slots.contains_key(&slow));
    h.open("get user");
    h.ctrl('r');
    h.press(KeyCode::Esc);
    h.wait_for("the cancellation", |app| {
        matches!(
            app.current_slot().map(|s| &s.state),
            Some(RequestState::Cancelled { .. } | RequestState::Done(_))
        )
    })
    .await;
    h.wait_for("the slow request to fail", |app| {
        matches!(app.responses.slots.get(&slow).map(|s| &s.state), Some(RequestState::Failed(_)))
    })
    .await;
}

#[test]
fn prepare_errors_show_at_once_and_name_the_variable() {
    let mut h = Harness::new(None);
    h.open("get user");
    h.ch('u');
    h.ctrl('u');
    h.type_text("{{nope}}/users");
    h.press(KeyCode::Enter);
    h.ctrl('r');
    match h.app.current_slot().map(|s| &s.state) {
        Some(RequestState::Failed(f)) => assert!(f.message.contains("nope"), "{f:?}"),
        other => panic!("expected a failure, got {other:?}"),
    }
    assert!(!h.app.is_animating());
}

#[tokio::test(flavor = "multi_thread")]
async fn connection_refused_is_a_readable_panel() {
    let mut h = Harness::new(None);
    h.open("connection refused");
    h.ctrl('r');
    h.wait_for("the failure", |app| {
        matches!(app.current_slot().map(|s| &s.state), Some(RequestState::Failed(_)))
    })
    .await;
    let screen = h.render(120, 32);
    assert!(screen.contains("could not connect"), "{screen}");
    assert!(screen.contains("Connection refused by 127.0.0.1:9"), "{screen}");
    assert!(!screen.contains("Refused {"), "raw detail shown first:\n{screen}");
    // A literal URL: the hint says to check it, not the environment, and the switcher is not offered.
    assert!(screen.contains("is the server running, and is the port in the"), "{screen}");
    assert!(!screen.contains("base_url") && !screen.contains("switches environment"), "{screen}");
    h.app.set_focus(Pane::Response);
    h.ch('d');
    // The error in full is said in words, step by step, never as a debug dump.
    let detail = h.render(120, 32);
    assert!(detail.contains("what failed: "), "{detail}");
    assert!(detail.contains("error: Connection refused by 127.0.0.1:9"), "{detail}");
    assert!(!detail.contains("Refused {") && !detail.contains("port: 9"), "{detail}");
}

#[tokio::test(flavor = "multi_thread")]
async fn file_changed_on_disk_is_noticed() {
    let mut h = Harness::new(None);
    h.open("get user");
    let path = h.path("users/get-user.toml");
    // Not dirty: a change on disk is simply reloaded.
    let text = std::fs::read_to_string(&path).unwrap().replace("Get user", "Get one user");
    std::fs::write(&path, text).unwrap();
    h.app.handle_message(Message::PollFiles);
    h.wait_for("the reload", |app| {
        app.open.as_ref().is_some_and(|o| o.draft.name == "Get one user")
    })
    .await;
    // Dirty: apix asks, and "keep mine" then saves over it only when asked.
    h.ch('u');
    h.type_text("/x");
    h.press(KeyCode::Enter);
    let text = std::fs::read_to_string(&path).unwrap().replace("Get one user", "Get a user");
    std::fs::write(&path, text).unwrap();
    h.app.handle_message(Message::PollFiles);
    h.wait_for("the question", |app| {
        matches!(app.shell.modal, Some(apix::tui::app::Modal::Confirm(_)))
    })
    .await;
    assert!(h.render(120, 32).contains("changed on disk"));
    h.ch('k');
    assert!(h.app.is_dirty());
    assert!(
        std::fs::read_to_string(&path).unwrap().contains("Get a user"),
        "overwritten silently"
    );
    h.ctrl('s');
    let saved = std::fs::read_to_string(&path).unwrap();
    assert!(saved.contains("/x"), "{saved}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_header_fits_80_columns_with_a_long_breadcrumb_and_the_demo_running() {
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::new(Some(server.url()));
    h.open("deflate-encoded");
    h.ctrl('r');
    h.wait_for("the response", |app| {
        matches!(app.current_slot().map(|s| &s.state), Some(RequestState::Done(_)))
    })
    .await;
    // Wide: everything, the demo server's address included.
    let wide = h.render(140, 32);
    let top = wide.lines().next().unwrap_or_default().to_string();
    assert!(top.contains("Demo API › big and odd bodies › deflate-encoded JSON"), "{top}");
    assert!(top.contains("demo API on 127.0.0.1"), "{top}");
    // 80 columns: the address goes, the request's name stays, and nothing runs into `env:`.
    let narrow = h.render(80, 24);
    let top = narrow.lines().next().unwrap_or_default().to_string();
    assert!(top.contains("deflate-encoded JSON"), "{top}");
    assert!(top.contains("  env: local"), "{top}");
    assert!(!top.contains("demo API on"), "{top}");
    // 60 columns: the breadcrumb loses its front first.
    let tiny = h.render(60, 24);
    let top = tiny.lines().next().unwrap_or_default().to_string();
    assert!(top.contains("… › ") && top.contains(" env: local"), "{top}");
    // An environment that does not use the demo API: the header no longer names it.
    h.ctrl('e');
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    assert_eq!(h.app.workspace.env_name(0), Some("standalone"));
    let top = h.render(140, 32).lines().next().unwrap_or_default().to_string();
    assert!(top.contains("env: standalone") && !top.contains("demo API on"), "{top}");
}

#[test]
fn the_body_editor_says_what_enter_does_and_an_empty_body_is_not_called_valid() {
    let mut h = Harness::new(None);
    std::fs::write(
        h.path("users/blank-body.toml"),
        "name = \"Blank body\"\nmethod = \"POST\"\nurl = \"{{base_url}}/users\"\n[body]\njson = \" \"\n",
    )
    .unwrap();
    h.ctrl('l');
    h.open("blank body");
    h.app.open.as_mut().unwrap().tab = RequestTab::Body;
    let screen = h.render(120, 32);
    assert!(screen.contains("empty (sent without a body)"), "{screen}");
    assert!(!screen.contains("valid JSON"), "{screen}");
    // Editing the body: Enter is a new line there, Esc leaves.
    h.app.open.as_mut().unwrap().cursor = 1;
    h.press(KeyCode::Enter);
    assert!(h.app.open.as_ref().unwrap().editing.is_some());
    let footer = h.render(120, 32).lines().last().unwrap_or_default().to_string();
    assert!(footer.contains("Enter new line") && footer.contains("Esc done"), "{footer}");
}

#[test]
fn a_new_folder_shows_at_once_under_the_name_typed() {
    let mut h = Harness::new(None);
    h.open("get user");
    h.app.set_focus(Pane::Tree);
    h.ch('N');
    h.type_text("Anything endpoints");
    h.press(KeyCode::Enter);
    let folder = h.path("users/anything-endpoints");
    assert!(folder.is_dir());
    // Its folder.toml keeps the name as typed, and makes the empty folder part of the collection.
    let marker = std::fs::read_to_string(folder.join("folder.toml")).unwrap();
    assert_eq!(marker.trim(), "name = \"Anything endpoints\"");
    let row = h.app.tree.selected_row().cloned().expect("the new folder is selected");
    assert_eq!((row.name.as_str(), row.path.as_path()), ("Anything endpoints", folder.as_path()));
    assert!(h.render(120, 32).contains("Anything endpoints"));
    // A request made there lands in it.
    h.ch('n');
    h.type_text("Echo anything");
    h.press(KeyCode::Enter);
    assert!(folder.join("echo-anything.toml").is_file());
    assert_eq!(open_name(&h), "Echo anything");
    // And the folder is still there after Ctrl-L.
    h.app.set_focus(Pane::Tree);
    h.ctrl('l');
    assert!(h.app.tree.select_path(&folder));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_host_from_the_environment_offers_the_switcher() {
    let mut h = Harness::new(None);
    // The environment's variable points at a port nobody listens on.
    std::fs::write(
        h.path("errors/closed-port.toml"),
        "name = \"Closed port\"\nmethod = \"GET\"\nurl = \"{{closed_url}}/users\"\n",
    )
    .unwrap();
    let env = h.path("environments/local.toml");
    let text = std::fs::read_to_string(&env).unwrap();
    std::fs::write(&env, format!("{text}closed_url = \"http://127.0.0.1:9\"\n")).unwrap();
    h.reload().await;
    h.open("closed port");
    h.ctrl('r');
    h.wait_for("the failure", |app| {
        matches!(app.current_slot().map(|s| &s.state), Some(RequestState::Failed(_)))
    })
    .await;
    let screen = h.render(120, 32);
    assert!(screen.contains("Connection refused by 127.0.0.1:9"), "{screen}");
    assert!(screen.contains("does `closed_url` in"), "the variable is named:\n{screen}");
    assert!(screen.contains("Ctrl-E switches environment"), "{screen}");
}

#[test]
fn from_an_empty_folder_to_a_collection_with_keys_only() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("collections")).unwrap();
    std::fs::create_dir_all(tmp.path().join("config")).unwrap();
    let mut h = Harness::in_dir(tmp, None, apix::tui::theme::ColorMode::NoColor);
    // The start says what to press, in TUI terms.
    let notice = h.app.shell.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.contains("press n to create one") && !notice.contains("apix "), "{notice}");
    // n in an empty workspace asks for a collection's name.
    h.ch('n');
    h.type_text("Vendor API");
    h.press(KeyCode::Enter);
    let root = h.tmp.path().join("collections/vendor-api");
    let toml = std::fs::read_to_string(root.join("collection.toml")).unwrap();
    assert!(
        toml.starts_with("# An apix collection") && toml.contains("name = \"Vendor API\""),
        "{toml}"
    );
    assert!(root.join("environments/local.toml").is_file());
    assert_eq!(
        std::fs::read_to_string(root.join(".gitignore")).unwrap().lines().last(),
        Some(".env")
    );
    assert_eq!(h.app.workspace.collections.len(), 1);
    assert_eq!(h.app.workspace.env_name(0), Some("local"));
    assert!(h.render(100, 24).contains("Vendor API"));
    // Then a request in it, which the demo API answers offline ({{base_url}} is {{$demo}} in `local`).
    h.ch('n');
    h.type_text("List things");
    h.press(KeyCode::Enter);
    assert!(root.join("list-things.toml").is_file());
    assert_eq!(open_name(&h), "List things");
    // The palette offers a new collection at any time.
    h.ctrl('p');
    h.type_text("new collection");
    let screen = h.render(100, 24);
    assert!(screen.contains("New collection"), "{screen}");
    h.press(KeyCode::Enter);
    assert!(matches!(h.app.shell.modal, Some(apix::tui::app::Modal::Prompt(_))));
    // Apix checks the new collection like any other: nothing to report.
    let problems: Vec<String> = h.app.workspace.problems.all().iter().map(|d| d.to_string()).collect();
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn an_error_on_the_status_line_clears_at_the_next_action() {
    let mut h = Harness::new(None);
    h.app.shell.notify(apix::tui::app::Level::Error, "Not saved: the disk is full");
    assert!(h.render(120, 32).contains("Not saved: the disk is full"));
    h.ch('j');
    assert!(h.app.shell.notice.is_none());
    assert!(!h.render(120, 32).contains("Not saved"));
}

#[test]
fn the_footer_says_what_enter_edits_on_the_focused_row() {
    let mut h = Harness::new(None);
    h.open("list users");
    let footer = |h: &mut Harness| h.render(140, 32).lines().last().unwrap_or_default().to_string();
    assert!(footer(&mut h).contains("Enter edit URL"), "{}", footer(&mut h));
    h.app.open.as_mut().unwrap().tab = RequestTab::Params;
    h.ch('j');
    assert!(footer(&mut h).contains("Enter edit value"), "{}", footer(&mut h));
}

#[test]
fn m_offers_the_collections_folders_to_pick_from() {
    let mut h = Harness::new(None);
    h.open("get user");
    h.app.set_focus(Pane::Tree);
    let path = h.path("users/get-user.toml");
    assert!(h.app.tree.select_path(&path));
    h.ch('m');
    let screen = h.render(120, 32);
    for folder in ["(top of the collection)", "errors", "redirects", "bodies"] {
        assert!(screen.contains(folder), "`{folder}` not offered:\n{screen}");
    }
    // Typing filters (fuzzy); Enter moves it there.
    h.type_text("redir");
    let screen = h.render(120, 32);
    assert!(screen.contains("› redirects"), "{screen}");
    let Some(apix::tui::app::Modal::FolderPicker(f)) = &h.app.shell.modal else {
        panic!("no folder picker")
    };
    let offered: Vec<&str> = f.matches.iter().map(|i| f.folders[*i].as_str()).collect();
    assert_eq!(offered.first(), Some(&"redirects"), "{offered:?}");
    assert!(!offered.contains(&"errors"), "{offered:?}");
    h.press(KeyCode::Enter);
    assert!(h.path("redirects/get-user.toml").is_file());
    assert_eq!(h.app.open.as_ref().unwrap().draft.path, h.path("redirects/get-user.toml"));
    // A folder is never offered as a place inside itself.
    h.app.set_focus(Pane::Tree);
    assert!(h.app.tree.select_path(&h.path("users")));
    h.ch('m');
    let Some(apix::tui::app::Modal::FolderPicker(f)) = &h.app.shell.modal else {
        panic!("no folder picker")
    };
    assert!(
        !f.folders.iter().any(|x| x == "users" || x.starts_with("users/")),
        "{:?}",
        f.folders
    );
}

#[test]
fn the_tree_shows_the_open_request_as_edited() {
    let mut h = Harness::new(None);
    h.open("list users");
    // Change the method in the editor (unsaved): the tree's badge follows it.
    h.app.open.as_mut().unwrap().draft.method = "DELETE".into();
    let screen = h.render(120, 32);
    let row = screen
        .lines()
        .skip(1)
        .find(|l| l.contains("List users"))
        .unwrap_or_default()
        .to_string();
    assert!(row.contains("DEL  List users"), "{row}");
    assert!(screen.contains("● 1 unsaved"), "{screen}");
}

#[test]
fn an_editor_that_changed_nothing_changes_nothing() {
    let mut h = Harness::new(None);
    h.open("create user");
    let body = match &h.app.open.as_ref().unwrap().draft.body {
        apix::core::collection::Body::Json(t) => t.clone(),
        other => panic!("{other:?}"),
    };
    assert!(body.ends_with("}\n"), "the file's closing ''' is on its own line: {body:?}");
    // An editor writes the text back with its line break: nothing changed, nothing unsaved.
    h.app.editor_finished(Ok(body.clone()));
    assert!(!h.app.is_dirty(), "{:?}", h.app.open.as_ref().unwrap().draft.body);
    // A one-line body (no break before the closing quote) does not gain one either.
    std::fs::write(
        h.path("users/one-line.toml"),
        "name = \"Single-line body\"\nmethod = \"POST\"\nurl = \"{{base_url}}/users\"\n[body]\njson = '{\"a\": 1}'\n",
    )
    .unwrap();
    h.ctrl('l');
    h.open("single-line body");
    h.app.editor_finished(Ok("{\"a\": 1}\n".into()));
    let open = h.app.open.as_ref().unwrap();
    assert!(!h.app.is_dirty(), "{:?}\n{:?}", open.draft, open.original);
}

#[test]
fn help_at_80_columns_wraps_instead_of_cutting() {
    let mut h = Harness::new(None);
    h.app.set_focus(Pane::Tree);
    h.ch('?');
    let screen = h.render(80, 40);
    // The tree's problems line is longer than the room left of the keys: its end is on the next line.
    let desc = apix::tui::action::Action::Problems.description();
    let last = desc.split_whitespace().last().unwrap_or_default();
    assert!(screen.contains(last), "`{last}` of `{desc}` cut:\n{screen}");
    assert!(screen.contains(desc.split_whitespace().next().unwrap_or_default()), "{screen}");
}

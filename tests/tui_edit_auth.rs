//! Editing AWS SigV4 and OAuth 2.0 fields and multipart parts in the request pane, without a terminal: each edit
//! marks the request unsaved, Ctrl-S saves through the core, and the file changes exactly there (every other line,
//! comments included, stays byte for byte). Secrets never show on screen, even after an edit.

mod tui_support;

use std::path::Path;

use apix::core::collection::{load_collection, AuthDef, Body, ClientAuth, OAuthGrant, RequestDef};
use apix::tui::app::auth_fields::auth_fields;
use apix::tui::app::{Field, RequestTab};
use crossterm::event::KeyCode;
use tui_support::Harness;

/// Opens `filter`'s request and shows `tab` (from the default Headers tab).
fn open_tab(h: &mut Harness, filter: &str, tab: RequestTab) {
    h.open(filter);
    while h.app.open.as_ref().map(|o| o.tab) != Some(tab) {
        h.ch(']');
    }
}

/// Moves the cursor onto the Auth tab's `label` row with ↓ (from the URL line).
fn select_auth(h: &mut Harness, label: &str) {
    h.ch('g');
    let auth = &h.app.open.as_ref().unwrap().draft.auth;
    let at = auth_fields(auth).iter().position(|f| f.label == label).unwrap();
    for _ in 0..=at {
        h.ch('j');
    }
}

/// Enter on the selected row, replace its text with `text`, Enter.
fn replace_selected(h: &mut Harness, text: &str) {
    h.press(KeyCode::Enter);
    assert!(h.app.open.as_ref().unwrap().editing.is_some(), "Enter did not start editing");
    h.ctrl('u');
    h.type_text(text);
    h.press(KeyCode::Enter);
}

fn reload(h: &Harness, rel: &str) -> RequestDef {
    let c = load_collection(&h.tmp.path().join("collections/demo"));
    c.find_request(&h.path(rel)).cloned().unwrap()
}

/// Lines only in `before` and lines only in `after` (in order); everything else is byte-identical.
fn changed(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let b: Vec<&str> = before.lines().collect();
    let a: Vec<&str> = after.lines().collect();
    let gone = b.iter().filter(|l| !a.contains(l)).map(|l| l.to_string()).collect();
    let new = a.iter().filter(|l| !b.contains(l)).map(|l| l.to_string()).collect();
    (gone, new)
}

/// Saves and returns the file before and after.
fn save(h: &mut Harness, path: &Path, before: &str) -> String {
    assert!(h.app.is_dirty(), "the edit should mark the request unsaved");
    assert!(h.render(120, 32).contains("● 1 unsaved"));
    h.ctrl('s');
    assert!(!h.app.is_dirty(), "{:?}", h.app.shell.notice.as_ref().map(|n| &n.text));
    let after = std::fs::read_to_string(path).unwrap();
    assert_ne!(before, after);
    after
}

#[test]
fn aws_region_is_edited_and_saved_alone() {
    let mut h = Harness::new(None);
    open_tab(&mut h, "aws signature", RequestTab::Auth);
    let path = h.path("auth/aws-sigv4.toml");
    let before = std::fs::read_to_string(&path).unwrap();
    let original = reload(&h, "auth/aws-sigv4.toml");
    // Every field is a row now, the optional session token included.
    let screen = h.render(120, 32);
    for label in ["access_key", "secret_key", "session_token", "region", "service"] {
        assert!(screen.contains(label), "no {label} row:\n{screen}");
    }
    select_auth(&mut h, "region");
    replace_selected(&mut h, "eu-west-1");
    // A literal secret typed over a reference shows masked, never as typed.
    select_auth(&mut h, "session_token");
    replace_selected(&mut h, "SESSION-SECRET-123");
    let screen = h.render(120, 32);
    assert!(!screen.contains("SESSION-SECRET-123"), "{screen}");
    assert!(screen.contains("eu-west-1"), "{screen}");
    // Left empty, an optional field is unset again (no `session_token = ""` in the file).
    replace_selected(&mut h, "");
    let after = save(&mut h, &path, &before);
    assert_eq!(
        changed(&before, &after),
        (
            vec!["region = \"us-east-1\"".to_string()],
            vec!["region = \"eu-west-1\"".to_string()]
        )
    );
    let saved = reload(&h, "auth/aws-sigv4.toml");
    let (AuthDef::Aws(was), AuthDef::Aws(now)) = (&original.auth, &saved.auth) else {
        panic!("{:?}", saved.auth)
    };
    assert_eq!(now.region, "eu-west-1");
    assert_eq!(now.session_token, None);
    let mut expected = was.clone();
    expected.region = "eu-west-1".into();
    assert_eq!(now, &expected);
    assert_eq!(
        RequestDef {
            auth: original.auth.clone(),
            ..saved.clone()
        },
        original
    );
}

#[test]
fn oauth_scopes_are_a_space_separated_list() {
    let mut h = Harness::new(None);
    open_tab(&mut h, "oauth 2.0 client credentials", RequestTab::Auth);
    let path = h.path("auth/oauth-client-credentials.toml");
    let before = std::fs::read_to_string(&path).unwrap();
    let original = reload(&h, "auth/oauth-client-credentials.toml");
    select_auth(&mut h, "scopes");
    replace_selected(&mut h, "read  write admin ");
    let after = save(&mut h, &path, &before);
    assert_eq!(
        changed(&before, &after),
        (
            vec!["scopes = [\"read\", \"write\"]".to_string()],
            vec!["scopes = [\"read\", \"write\", \"admin\"]".to_string()]
        )
    );
    let saved = reload(&h, "auth/oauth-client-credentials.toml");
    let (AuthDef::OAuth2(was), AuthDef::OAuth2(now)) = (&original.auth, &saved.auth) else {
        panic!("{:?}", saved.auth)
    };
    assert_eq!(now.scopes, ["read", "write", "admin"]);
    assert_eq!(now.client_secret.as_deref(), Some("{{demo_client_secret}}"));
    let mut expected = was.clone();
    expected.scopes = now.scopes.clone();
    assert_eq!(now, &expected);
}

#[test]
fn oauth_grant_client_auth_and_redirect_port() {
    let mut h = Harness::new(None);
    open_tab(&mut h, "oauth 2.0 client credentials", RequestTab::Auth);
    let path = h.path("auth/oauth-client-credentials.toml");
    let before = std::fs::read_to_string(&path).unwrap();
    // Enter on a choice row picks the next value; the authorization code grant shows its own fields.
    select_auth(&mut h, "grant");
    h.press(KeyCode::Enter);
    let auth = h.app.open.as_ref().unwrap().draft.auth.clone();
    let AuthDef::OAuth2(o) = &auth else { panic!("{auth:?}") };
    assert_eq!(o.grant, OAuthGrant::AuthorizationCode);
    let labels: Vec<&str> = auth_fields(&auth).iter().map(|f| f.label).collect();
    assert!(labels.contains(&"auth_url") && labels.contains(&"redirect_port"), "{labels:?}");
    select_auth(&mut h, "client_auth");
    h.press(KeyCode::Enter);
    // A port that is not one is refused in plain words, and the field stays open to fix it.
    select_auth(&mut h, "redirect_port");
    h.press(KeyCode::Enter);
    h.type_text("80x");
    h.press(KeyCode::Enter);
    let notice = h.app.shell.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.contains("1 to 65535") && notice.contains("`80x`"), "{notice}");
    let open = h.app.open.as_ref().unwrap();
    assert_eq!(open.editing.as_ref().map(|e| e.field), Some(Field::Auth("redirect_port")));
    h.ctrl('u');
    h.type_text("8765");
    h.press(KeyCode::Enter);
    assert!(h.app.open.as_ref().unwrap().editing.is_none());
    select_auth(&mut h, "auth_url");
    replace_selected(&mut h, "{{base_url}}/oauth/authorize");
    let after = save(&mut h, &path, &before);
    let (gone, new) = changed(&before, &after);
    assert_eq!(gone, ["grant = \"client_credentials\""]);
    assert_eq!(new.len(), 4, "{new:?}");
    let saved = reload(&h, "auth/oauth-client-credentials.toml");
    let AuthDef::OAuth2(now) = &saved.auth else {
        panic!("{:?}", saved.auth)
    };
    assert_eq!(now.grant, OAuthGrant::AuthorizationCode);
    assert_eq!(now.client_auth, ClientAuth::Body);
    assert_eq!(now.redirect_port, Some(8765));
    assert_eq!(now.auth_url.as_deref(), Some("{{base_url}}/oauth/authorize"));
    // The rest of the file is untouched, its comments included.
    for line in before.lines().filter(|l| !l.starts_with("grant")) {
        assert!(after.contains(line), "lost `{line}`:\n{after}");
    }
}

#[test]
fn multipart_parts_are_added_toggled_switched_and_edited() {
    let mut h = Harness::new(None);
    open_tab(&mut h, "echo multipart", RequestTab::Body);
    let path = h.path("echo/echo-multipart.toml");
    let before = std::fs::read_to_string(&path).unwrap();
    let original = reload(&h, "echo/echo-multipart.toml");
    let screen = h.render(120, 32);
    assert!(screen.contains("file ../payloads/notes.txt"), "{screen}");
    // Edit the first part's value.
    h.ch('j');
    replace_selected(&mut h, "Analyst of engines.");
    // Tab from a value goes to the name.
    h.press(KeyCode::Enter);
    h.press(KeyCode::Tab);
    let editing = h.app.open.as_ref().unwrap().editing.as_ref().map(|e| e.field);
    assert_eq!(editing, Some(Field::Name(0)));
    h.press(KeyCode::Esc);
    // The second part: off, then from a file to a value and back (the path survives the round trip).
    h.ch('j');
    h.ch(' ');
    h.ch('f');
    h.ch('f');
    // A new part after it: name, Enter, value, Enter; then switched to a file.
    h.ch('a');
    h.type_text("avatar");
    h.press(KeyCode::Enter);
    h.type_text("../payloads/user.json");
    h.press(KeyCode::Enter);
    h.ch('f');
    let after = save(&mut h, &path, &before);
    let (gone, new) = changed(&before, &after);
    assert_eq!(
        gone,
        [
            "  { name = \"bio\", value = \"Mathematician and writer.\" },",
            "  { name = \"notes\", file = \"../payloads/notes.txt\", content_type = \"text/plain\" },"
        ]
    );
    assert_eq!(new.len(), 3, "{new:?}");
    let saved = reload(&h, "echo/echo-multipart.toml");
    let (Body::Multipart(was), Body::Multipart(now)) = (&original.body, &saved.body) else {
        panic!("{:?}", saved.body)
    };
    assert_eq!(now.len(), 3);
    assert_eq!(now[0].value.as_deref(), Some("Analyst of engines."));
    assert_eq!(now[0].name, was[0].name);
    assert!(!now[1].enabled);
    assert_eq!(
        (&now[1].file, &now[1].value, &now[1].content_type),
        (&was[1].file, &None, &was[1].content_type)
    );
    assert_eq!(now[2].name, "avatar");
    assert_eq!(
        (now[2].file.as_deref(), now[2].value.as_deref()),
        (Some("../payloads/user.json"), None)
    );
    // Deleting a part (x) is unsaved until Ctrl-S.
    h.ch('x');
    assert!(h.app.is_dirty());
    assert_eq!(h.app.open.as_ref().and_then(|o| o.parts()).map(Vec::len), Some(2));
}

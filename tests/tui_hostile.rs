//! The TUI's side of issues #9 and #10, on real servers and real frames: escape sequences, C1 and bidi controls from
//! a server or a cloned file are drawn visibly (never as raw characters in a cell); a credential echoed back by a
//! server is masked in the viewer, its search and its headers; the redirect chain says which credentials stayed
//! behind; the cookie jar can be seen (values masked) and cleared.

mod hostile;
mod tui_support;

use apix::core::sanitize::is_unsafe;
use apix::core::template::MASK;
use apix::server::DemoServer;
use apix::tui::app::{Modal, Pane, RequestState, ResponseTab};
use crossterm::event::KeyCode;
use hostile::{response, serve, PAYLOADS};
use tui_support::{render_buffer, Harness};

/// Every cell of a frame: no character that could act on the terminal or reorder what it shows.
fn assert_cells_safe(h: &mut Harness, what: &str) -> String {
    let buf = render_buffer(&mut h.app, 140, 40);
    for cell in buf.content.iter() {
        assert!(!cell.symbol().chars().any(is_unsafe), "{what}: a cell holds {:?}", cell.symbol());
    }
    h.render(140, 40)
}

fn write_request(h: &Harness, rel: &str, text: &str) {
    std::fs::write(h.path(rel), text).unwrap();
}

fn done(app: &apix::tui::App) -> bool {
    matches!(
        app.current_slot().map(|s| &s.state),
        Some(RequestState::Done(_) | RequestState::Failed(_))
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn server_text_is_drawn_visibly_in_body_headers_and_status() {
    let payloads = PAYLOADS.concat();
    let body = format!("plain {payloads} end\n");
    let server = serve(move |seen| match seen.path() {
        "/text" => response(
            "200 OK",
            &[("Content-Type", "text/plain"), ("X-Evil", "a\u{202e}gnp.exe")],
            body.as_bytes(),
        ),
        _ => response(
            "404 Not Found",
            &[("Content-Type", "application/problem+json")],
            format!(
                "{{\"title\": \"bad {}\", \"detail\": \"x\"}}",
                serde_json::to_string(&PAYLOADS.concat()).unwrap().trim_matches('"')
            )
            .as_bytes(),
        ),
    });
    let mut h = Harness::new(None);
    write_request(
        &h,
        "users/evil-text.toml",
        &format!("name = \"Evil text\"\nurl = \"{}/text\"\n", server.url()),
    );
    write_request(
        &h,
        "users/evil-problem.toml",
        &format!("name = \"Evil problem\"\nurl = \"{}/problem\"\n", server.url()),
    );
    h.app.set_focus(Pane::Tree);
    h.reload().await;
    for name in ["evil text", "evil problem"] {
        h.open(name);
        h.ctrl('r');
        h.wait_for(name, done).await;
        let screen = assert_cells_safe(&mut h, name);
        assert!(
            screen.contains("\\x1b]2;pwned"),
            "{name}: the escape is shown, not dropped:\n{screen}"
        );
        if name == "evil text" {
            assert!(screen.contains("\\u{202e}"), "{screen}");
            assert!(screen.contains("\\x9b31m"), "{screen}");
            // The Headers tab: the bidi override in a header value.
            h.app.set_focus(Pane::Response);
            if let Some(s) = h
                .app
                .responses
                .slots
                .values_mut()
                .find(|s| matches!(s.state, RequestState::Done(_)))
            {
                s.view.set_tab(ResponseTab::Headers);
            }
            let screen = assert_cells_safe(&mut h, "headers");
            assert!(screen.contains("a\\u{202e}gnp.exe"), "{screen}");
        }
    }
}

#[test]
fn names_from_a_cloned_collection_are_drawn_visibly() {
    let mut h = Harness::new(None);
    write_request(
        &h,
        "users/hostile-name.toml",
        "name = \"Hostile \\u001b]2;pwned\\u0007 \\u202egnp.exe\"\nurl = \"http://127.0.0.1:9/\\u001b[2J\"\n[headers]\n\"X-\\u001b[31mRed\" = \"\\u2066v\"\n",
    );
    h.app.set_focus(Pane::Tree);
    h.ctrl('l');
    h.open("hostile");
    let screen = assert_cells_safe(&mut h, "tree and editor");
    assert!(screen.contains("Hostile \\x1b]2;pwned\\x07 \\u{202e}gnp.exe"), "{screen}");
    assert!(screen.contains("\\x1b[2J"), "the URL:\n{screen}");
    assert!(screen.contains("X-\\x1b[31m"), "the header name:\n{screen}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_echoed_credential_is_masked_in_the_viewer_its_search_and_headers() {
    let server = DemoServer::start(0).unwrap();
    let canary = format!("canary{}", uuid::Uuid::new_v4().simple());
    let mut h = Harness::new(Some(server.url()));
    std::fs::write(h.path(".env"), format!("ECHO_TOKEN={canary}\n")).unwrap();
    write_request(
        &h,
        "echo/echo-secret.toml",
        "name = \"Echo secret\"\nmethod = \"POST\"\nurl = \"{{base_url}}/echo\"\n[query]\nkey = \"{{env.ECHO_TOKEN}}\"\n[auth]\ntype = \"bearer\"\ntoken = \"{{env.ECHO_TOKEN}}\"\n[body]\njson = '{\"token\": \"{{env.ECHO_TOKEN}}\"}'\n",
    );
    h.app.set_focus(Pane::Tree);
    h.reload().await;
    h.open("echo secret");
    h.ctrl('r');
    h.wait_for(
        "the echo",
        |app| matches!(app.current_slot().map(|s| &s.state), Some(RequestState::Done(d)) if !d.body.is_pending()),
    )
    .await;
    // The body really holds the secret (so the test would see a leak)...
    let body = match h.app.current_slot().map(|s| &s.state) {
        Some(RequestState::Done(d)) => String::from_utf8_lossy(&d.exchange.response.body).into_owned(),
        _ => String::new(),
    };
    assert!(body.contains(&canary), "the echo carries the secret: {body}");
    // ...and no frame shows it.
    let screen = h.render(140, 60);
    assert!(!screen.contains(&canary), "{screen}");
    assert!(screen.contains(MASK), "{screen}");
    // Search for the secret's start: the hits are drawn masked too.
    h.app.set_focus(Pane::Response);
    h.ch('/');
    h.type_text(&canary[..10]);
    h.press(KeyCode::Enter);
    h.wait_for("the search", |app| {
        app.current_slot()
            .and_then(|s| s.view.search.as_ref())
            .is_some_and(|s| !s.running && !s.hits.is_empty())
    })
    .await;
    let screen = h.render(140, 60);
    assert!(!screen.contains(&canary[..10]), "{screen}");
    if let Some(s) = h
        .app
        .responses
        .slots
        .values_mut()
        .find(|s| matches!(s.state, RequestState::Done(_)))
    {
        s.view.set_tab(ResponseTab::Headers);
    }
    let screen = h.render(140, 60);
    assert!(!screen.contains(&canary), "{screen}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_redirects_tab_says_which_credentials_stayed_behind() {
    let seen_key = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen_key.clone();
    let other = serve(move |seen| {
        log.lock().unwrap().push(seen.header("x-api-key"));
        response("200 OK", &[("Content-Type", "text/plain")], b"landed")
    });
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::new(Some(server.url()));
    write_request(
        &h,
        "redirects/to-other.toml",
        &format!(
            "name = \"Hop to another origin\"\nurl = \"{{{{base_url}}}}/redirect-to\"\n[query]\nurl = \"{}/landing\"\n[auth]\ntype = \"apikey\"\nname = \"X-Api-Key\"\nvalue = \"secret-key-123456\"\nin = \"header\"\n",
            other.url()
        ),
    );
    h.app.set_focus(Pane::Tree);
    h.reload().await;
    h.open("hop to another origin");
    h.ctrl('r');
    h.wait_for("the redirect", done).await;
    if let Some(s) = h
        .app
        .responses
        .slots
        .values_mut()
        .find(|s| matches!(s.state, RequestState::Done(_)))
    {
        s.view.set_tab(ResponseTab::Redirects);
    }
    let screen = h.render(160, 40);
    assert!(screen.contains("not sent to http://127.0.0.1:"), "{screen}");
    assert!(screen.contains("(another origin): X-Api-Key"), "{screen}");
    let seen = seen_key.lock().unwrap().clone();
    assert_eq!(seen, vec![None], "the other origin was reached once, without the key");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cookie_jar_can_be_seen_masked_and_cleared() {
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::new(Some(server.url()));
    write_request(
        &h,
        "users/set-cookie.toml",
        "name = \"Set cookie\"\nurl = \"{{base_url}}/cookies/set\"\n[query]\nsession = \"cookie-value-98765\"\n",
    );
    h.app.set_focus(Pane::Tree);
    h.reload().await;
    h.open("set cookie");
    h.ctrl('r');
    h.wait_for("the cookie", done).await;
    h.app.set_focus(Pane::Response);
    h.ch('c');
    assert!(matches!(h.app.shell.modal, Some(Modal::Cookies(_))));
    h.wait_for(
        "the jar",
        |app| matches!(&app.shell.modal, Some(Modal::Cookies(d)) if d.list.is_some()),
    )
    .await;
    let screen = h.render(140, 40);
    assert!(screen.contains("session"), "{screen}");
    assert!(screen.contains("127.0.0.1"), "{screen}");
    assert!(!screen.contains("cookie-value-98765"), "values are masked:\n{screen}");
    // At 80 columns a row still shows the name, the domain and the masked value inside the dialog.
    let narrow = h.render(80, 24);
    let row = narrow
        .lines()
        .find(|l| l.contains("127.0.0.1") && l.contains("session "))
        .unwrap_or_default();
    assert!(row.contains("= ••••••"), "{narrow}");
    assert!(narrow.contains("Esc close  · values masked"), "{narrow}");
    // The jar is the one `apix send` uses: in the data dir, per collection and environment.
    assert!(h.tmp.path().join("data/cookies").is_dir());
    h.ch('X');
    h.wait_for(
        "the jar to be cleared",
        |app| matches!(&app.shell.modal, Some(Modal::Cookies(d)) if matches!(&d.list, Some(Ok(l)) if l.is_empty())),
    )
    .await;
    let notice = h.app.shell.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.contains("Cleared all 1 cookie"), "{notice}");
    h.press(KeyCode::Esc);
    assert!(h.app.shell.modal.is_none());
}

/// A line separator (U+2028) in a body after a long line of another response: the frame drawn over the old one is
/// the frame a fresh terminal gets (no cell of the previous response survives), and the separator shows as text.
#[tokio::test(flavor = "multi_thread")]
async fn a_line_separator_leaves_no_stale_cell_behind() {
    let long = format!("{{\"text\": \"{}\"}}", "w".repeat(300));
    let server = serve(move |seen| match seen.path() {
        "/long" => response("200 OK", &[("Content-Type", "application/json")], long.as_bytes()),
        _ => response(
            "200 OK",
            &[("Content-Type", "application/json")],
            "{\"a\": \"x\u{2028}y\", \"b\": \"p\u{2029}q\"}".as_bytes(),
        ),
    });
    let mut h = Harness::new(None);
    write_request(
        &h,
        "users/long.toml",
        &format!("name = \"Long one\"\nurl = \"{}/long\"\n", server.url()),
    );
    write_request(
        &h,
        "users/sep.toml",
        &format!("name = \"Separator\"\nurl = \"{}/sep\"\n", server.url()),
    );
    h.app.set_focus(Pane::Tree);
    h.reload().await;
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 32)).unwrap();
    for name in ["long one", "separator"] {
        h.open(name);
        h.ctrl('r');
        h.wait_for(name, done).await;
        h.wait_for("formatting", |app| !app.is_animating()).await;
        h.app.set_focus(Pane::Response);
        term.draw(|f| apix::tui::view::render(&mut h.app, f)).unwrap();
    }
    let fresh = render_buffer(&mut h.app, 120, 32);
    assert_eq!(term.backend().buffer(), &fresh, "a cell of the previous frame survived");
    let screen = h.render(120, 32);
    assert!(screen.contains("x\\u{2028}y") && screen.contains("p\\u{2029}q"), "{screen}");
}

//! Stored auth in the TUI against the real demo server: Digest and OAuth 2.0 client credentials send, token status
//! and the fetch / forget actions, and the trust prompt for a `{{cmd.…}}` secret (yes runs it and sends; no runs
//! nothing). Tokens and history stay in each test's temp dir; trust records in one temp data dir for this binary.

mod tui_support;

use std::path::Path;
use std::sync::OnceLock;

use apix::server::DemoServer;
use apix::tui::app::auth::TokenView;
use apix::tui::app::{App, Modal, RequestState};
use apix::tui::theme::ColorMode;
use crossterm::event::KeyCode;
use tui_support::Harness;

/// The trust store follows `APIX_DATA_DIR`: point it at a temp dir once for the whole test binary.
fn isolated_data_dir() {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| tempfile::tempdir().unwrap());
    std::env::set_var("APIX_DATA_DIR", dir.path());
}

fn status(app: &App) -> Option<u16> {
    match app.current_slot().map(|s| &s.state) {
        Some(RequestState::Done(d)) => Some(d.exchange.response.status),
        _ => None,
    }
}

fn finished(app: &App) -> bool {
    matches!(
        app.current_slot().map(|s| &s.state),
        Some(RequestState::Done(_) | RequestState::Failed(_) | RequestState::Cancelled { .. })
    )
}

fn token(app: &App) -> Option<TokenView> {
    let path = &app.open.as_ref()?.draft.path;
    app.auth.tokens.get(path).map(|(_, v)| v.clone())
}

fn failure(app: &App) -> String {
    match app.current_slot().map(|s| &s.state) {
        Some(RequestState::Failed(f)) => format!("{}: {}", f.title, f.message),
        other => format!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn digest_request_sends() {
    isolated_data_dir();
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::new(Some(server.url()));
    h.open("digest");
    h.ctrl('r');
    h.wait_for("the digest response", finished).await;
    assert_eq!(status(&h.app), Some(200), "{}", failure(&h.app));
    // The computed Authorization header is a credential: masked in the request as shown.
    let Some(RequestState::Done(d)) = h.app.current_slot().map(|s| &s.state) else {
        unreachable!()
    };
    let auth = d
        .exchange
        .request
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("authorization"));
    assert!(auth.is_some_and(|(_, v)| !v.contains("apix-demo-password")), "{auth:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn oauth_client_credentials_fetch_status_forget_and_send() {
    isolated_data_dir();
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::new(Some(server.url()));
    h.open("oauth client credentials");
    // Auth tab: no token yet.
    h.ch(']');
    h.ch(']');
    h.wait_for("the token status", |app| matches!(token(app), Some(TokenView::None)))
        .await;
    let screen = h.render(120, 32);
    assert!(screen.contains("client_secret") && screen.contains("none cached"), "{screen}");
    assert!(!screen.contains("apix-demo-client-secret"), "a secret on screen:\n{screen}");

    // F fetches a token: its status shows, never the token.
    h.ch('F');
    h.wait_for("a token", |app| matches!(token(app), Some(TokenView::Status(_)))).await;
    let screen = h.render(120, 32);
    assert!(screen.contains("valid until") && screen.contains("scopes: read write"), "{screen}");
    let cached = std::fs::read_dir(h.tmp.path().join("data/tokens")).unwrap().count();
    assert_eq!(cached, 1, "the token is cached in the data dir");

    // X forgets it.
    h.ch('X');
    h.wait_for("no token", |app| matches!(token(app), Some(TokenView::None))).await;

    // A send fetches one by itself and goes through.
    h.ctrl('r');
    h.wait_for("the protected resource", finished).await;
    assert_eq!(status(&h.app), Some(200), "{}", failure(&h.app));
    h.wait_for("the token again", |app| matches!(token(app), Some(TokenView::Status(_))))
        .await;
}

/// A collection whose request takes a header from `{{cmd.token}}`; the command leaves a marker file when it runs.
fn command_workspace() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("collections/vault");
    std::fs::create_dir_all(root.join("environments")).unwrap();
    std::fs::create_dir_all(tmp.path().join("config")).unwrap();
    std::fs::write(
        root.join("collection.toml"),
        "name = \"Vault\"\n\n[commands]\ntoken = \"touch ran.marker && printf tok-from-cmd\"\n",
    )
    .unwrap();
    std::fs::write(root.join("environments/local.toml"), "base_url = \"{{$demo}}\"\n").unwrap();
    std::fs::write(
        root.join("echo.toml"),
        "name = \"Echo with secret\"\nmethod = \"GET\"\nurl = \"{{base_url}}/echo\"\n\n[headers]\nX-Token = \"{{cmd.token}}\"\n",
    )
    .unwrap();
    tmp
}

/// The demo server's port changes from run to run.
fn without_port(screen: &str) -> String {
    let mut out = String::new();
    let mut rest = screen;
    while let Some(i) = rest.find("127.0.0.1:") {
        let (head, tail) = rest.split_at(i + "127.0.0.1:".len());
        out.push_str(head);
        let digits = tail.chars().take_while(char::is_ascii_digit).count();
        out.push_str(&format!("{:<width$}", "PORT", width = digits));
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

fn marker(h: &Harness) -> bool {
    Path::new(&h.tmp.path().join("collections/vault/ran.marker")).exists()
}

#[tokio::test(flavor = "multi_thread")]
async fn trust_prompt_no_runs_nothing_and_yes_sends() {
    isolated_data_dir();
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::in_dir(command_workspace(), Some(server.url()), ColorMode::NoColor);
    h.open("echo with secret");
    h.ctrl('r');
    h.wait_for("the trust prompt and the history count", |app| {
        matches!(app.shell.modal, Some(Modal::Trust(_))) && !app.history.counts.is_empty()
    })
    .await;
    let screen = h.render(100, 30);
    assert!(screen.contains("touch ran.marker && printf tok-from-cmd"), "{screen}");
    insta::assert_snapshot!("trust_prompt", without_port(&screen));

    // No: nothing runs, nothing is sent.
    h.ch('n');
    assert!(h.app.shell.modal.is_none());
    assert!(!marker(&h), "the command ran without trust");
    assert!(h.app.current_slot().is_none(), "sent without trust");

    // Yes: trusted, run, sent (the secret is masked in the request as shown).
    h.ctrl('r');
    h.wait_for("the trust prompt", |app| matches!(app.shell.modal, Some(Modal::Trust(_))))
        .await;
    h.ch('y');
    h.wait_for("the response", finished).await;
    assert_eq!(status(&h.app), Some(200), "{}", failure(&h.app));
    assert!(marker(&h), "the trusted command did not run");
    let Some(RequestState::Done(d)) = h.app.current_slot().map(|s| &s.state) else {
        unreachable!()
    };
    let sent = d.exchange.request.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("x-token"));
    assert!(
        sent.is_some_and(|(_, v)| v.contains('•') && !v.contains("tok-from-cmd")),
        "{sent:?}"
    );

    // Trusted now: the next send asks nothing.
    h.ctrl('r');
    h.wait_for("the second response", |app| app.shell.modal.is_none() && status(app) == Some(200))
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn keyring_prompt_masks_the_value() {
    isolated_data_dir();
    let mut h = Harness::new(None);
    h.ctrl('p');
    h.type_text("store a secret");
    h.press(KeyCode::Enter);
    assert!(matches!(h.app.shell.modal, Some(Modal::Secret(_))));
    h.type_text("apix_tui_test_secret");
    h.press(KeyCode::Enter);
    h.type_text("hunter2-value");
    let screen = h.render(120, 32);
    assert!(!screen.contains("hunter2"), "{screen}");
    assert!(screen.contains("•••••••••••••"), "{screen}");
    h.press(KeyCode::Esc);
    assert!(h.app.shell.modal.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn authorization_code_shows_the_url_and_a_pasted_redirect_completes_it() {
    isolated_data_dir();
    std::env::set_var("APIX_NO_BROWSER", "1");
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::new(Some(server.url()));
    h.open("authorization code");
    h.ctrl('r');
    h.wait_for("the sign-in dialog", |app| matches!(app.shell.modal, Some(Modal::AuthFlow(_))))
        .await;
    let Some(Modal::AuthFlow(d)) = &h.app.shell.modal else {
        unreachable!()
    };
    let apix::tui::app::auth::FlowKind::Browser { url, .. } = &d.kind else {
        panic!("{:?}", d.kind)
    };
    assert!(d.paste.is_some(), "no paste field for SSH users");
    let url = url.clone();
    let screen = h.render(120, 32);
    assert!(
        screen.contains("Sign in to get a token") && screen.contains("Paste the URL"),
        "{screen}"
    );
    // The "browser" on another machine: the provider approves and redirects; the user pastes where it ended.
    let resp = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(&url)
        .send()
        .await
        .unwrap();
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    h.app.handle_event(crossterm::event::Event::Paste(location));
    h.press(KeyCode::Enter);
    h.wait_for("the protected resource", finished).await;
    assert_eq!(status(&h.app), Some(200), "{}", failure(&h.app));
    assert!(h.app.shell.modal.is_none(), "the dialog closes when the send completes");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_token_fetch_is_said_in_full_in_a_dialog() {
    isolated_data_dir();
    // The token endpoint is on a port nobody listens on.
    let mut h = Harness::new(Some("http://127.0.0.1:9".into()));
    h.open("oauth client credentials");
    h.ch(']');
    h.ch(']');
    h.ch('F');
    h.wait_for("the failure", |app| {
        matches!(app.shell.modal, Some(apix::tui::app::Modal::Message { .. }))
    })
    .await;
    let Some(apix::tui::app::Modal::Message { title, text }) = h.app.shell.modal.clone() else {
        unreachable!()
    };
    assert_eq!(title, "Token not obtained");
    // At 80 columns every word of it is on screen (wrapped, not cut at the edge).
    let screen = h.render(80, 24);
    for word in text.split_whitespace() {
        assert!(screen.contains(word), "`{word}` of `{text}` missing:\n{screen}");
    }
    assert!(!screen.contains("apix-demo-client-secret"), "{screen}");
    h.press(crossterm::event::KeyCode::Esc);
    assert!(h.app.shell.modal.is_none());
}

//! Gaps an independent review found: the mouse (clicks and the wheel, as real `Event::Mouse` values), Ctrl-R and
//! Ctrl-J (Ctrl-Enter on many terminals) both sending, a latin-1 body shown decoded, and the header warning for an
//! environment that skips TLS checks. The app runs without a terminal; sends go to the real demo server on
//! 127.0.0.1 and waiting is on conditions over the message channel, never on a sleep.

mod tui_support;

use apix::server::DemoServer;
use apix::tui::app::{App, Pane, RequestState};
use apix::tui::theme::ColorMode;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use tui_support::{demo_workspace, render_buffer, Harness};

const W: u16 = 120;
const H: u16 = 32;

fn mouse(h: &mut Harness, kind: MouseEventKind, column: u16, row: u16) {
    h.app.handle_event(Event::Mouse(MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }));
}

fn click(h: &mut Harness, column: u16, row: u16) {
    mouse(h, MouseEventKind::Down(MouseButton::Left), column, row);
}

fn middle(r: Rect) -> (u16, u16) {
    (r.x + r.width / 2, r.y + r.height / 2)
}

/// The text of row `y` of the frame between columns `x0..x1`.
fn row_text(buf: &Buffer, y: u16, x0: u16, x1: u16) -> String {
    (x0..x1).map(|x| buf[(x, y)].symbol().to_string()).collect()
}

/// Renders a 120×32 frame and returns the screen row inside the tree pane whose text satisfies `pred`.
fn tree_row_on_screen(h: &mut Harness, what: &str, pred: impl Fn(&str) -> bool) -> u16 {
    let buf = render_buffer(&mut h.app, W, H);
    let tree = h.app.shell.areas.tree.expect("the tree is drawn at 120 columns");
    let rows: Vec<String> = (tree.y..tree.bottom()).map(|y| row_text(&buf, y, tree.x, tree.right())).collect();
    (tree.y..tree.bottom())
        .zip(&rows)
        .find(|(_, t)| pred(t))
        .map(|(y, _)| y)
        .unwrap_or_else(|| panic!("no tree row shows {what}:\n{}", rows.join("\n")))
}

fn open_name(app: &App) -> String {
    app.open.as_ref().map(|o| o.draft.name.clone()).unwrap_or_default()
}

fn state(app: &App) -> Option<&RequestState> {
    app.current_slot().map(|s| &s.state)
}

fn done(app: &App) -> bool {
    matches!(state(app), Some(RequestState::Done(d)) if !d.body.is_pending())
}

async fn wait_done(h: &mut Harness, what: &str) {
    h.wait_for(what, done).await;
    h.wait_for("formatting", |app| !app.is_animating()).await;
}

#[test]
fn clicks_select_tree_rows_and_focus_panes() {
    let mut h = Harness::new(None);
    // Focus away from the tree first, so that the click has something to change.
    h.app.set_focus(Pane::Request);
    // The `users` folder, found on the rendered frame and clicked where it is drawn.
    let y = tree_row_on_screen(&mut h, "the users folder", |t| t.contains("▸ users"));
    let x = h.app.shell.areas.tree.unwrap().x + 3;
    click(&mut h, x, y);
    assert_eq!(h.app.focus, Pane::Tree);
    let row = h.app.tree.selected_row().unwrap();
    assert_eq!(row.name, "users");
    assert!(!row.expanded, "the first click selects, it does not toggle");
    // A second click on the selected folder expands it.
    let y = tree_row_on_screen(&mut h, "the users folder", |t| t.contains("users") && !t.contains("List"));
    click(&mut h, x, y);
    assert!(h.app.tree.selected_row().unwrap().expanded);
    let screen = h.render(W, H);
    assert!(screen.contains("▾ users"), "{screen}");
    // A click on a request row selects and opens it.
    let y = tree_row_on_screen(&mut h, "List users", |t| t.contains("List users"));
    click(&mut h, x, y);
    assert_eq!(h.app.tree.selected_row().unwrap().name, "List users");
    assert_eq!(open_name(&h.app), "List users");
    // Clicks inside each pane focus it; the layout follows the focus, so each one is aimed at a fresh frame.
    for pane in [Pane::Response, Pane::Request, Pane::Tree, Pane::Response] {
        h.render(W, H);
        let area = match pane {
            Pane::Tree => h.app.shell.areas.tree.unwrap(),
            Pane::Request => h.app.shell.areas.request,
            Pane::Response => h.app.shell.areas.response,
        };
        let (cx, cy) = middle(area);
        click(&mut h, cx, cy);
        assert_eq!(h.app.focus, pane, "clicked at {cx},{cy} inside {area:?}");
    }
    // Clicks on the header and the footer do nothing.
    h.render(W, H);
    click(&mut h, 5, 0);
    click(&mut h, 5, H - 1);
    assert_eq!(h.app.focus, Pane::Response);
    assert_eq!(open_name(&h.app), "List users");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_wheel_scrolls_the_response_pane_under_the_pointer() {
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::new(Some(server.url()));
    h.open("list users");
    h.ctrl('r');
    wait_done(&mut h, "the users").await;
    // The pointer is over the response while the request pane has the keyboard.
    h.app.set_focus(Pane::Request);
    let before = h.render(W, H);
    let body = h.app.shell.areas.response_body;
    let top_line = |screen: &str| screen.lines().nth(body.y as usize).unwrap_or_default().to_string();
    let (x, y) = middle(body);
    mouse(&mut h, MouseEventKind::ScrollDown, x, y);
    let scroll = h.app.current_slot().unwrap().view.scroll;
    assert_eq!(scroll, 3, "one wheel notch scrolls three lines");
    assert_eq!(h.app.focus, Pane::Request, "the wheel does not steal the focus");
    let after = h.render(W, H);
    assert_ne!(top_line(&before), top_line(&after), "the frame did not move:\n{after}");
    mouse(&mut h, MouseEventKind::ScrollDown, x, y);
    assert_eq!(h.app.current_slot().unwrap().view.scroll, 6);
    // The request above it is not scrolled by the same wheel.
    assert_eq!(h.app.open.as_ref().unwrap().scroll, 0);
    mouse(&mut h, MouseEventKind::ScrollUp, x, y);
    mouse(&mut h, MouseEventKind::ScrollUp, x, y);
    mouse(&mut h, MouseEventKind::ScrollUp, x, y);
    assert_eq!(h.app.current_slot().unwrap().view.scroll, 0);
    assert_eq!(top_line(&h.render(W, H)), top_line(&before));
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_r_ctrl_j_and_ctrl_enter_all_send() {
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::new(Some(server.url()));
    h.open("get user");
    // Ctrl-R from the tree.
    h.app.set_focus(Pane::Tree);
    h.ctrl('r');
    assert!(matches!(state(&h.app), Some(RequestState::Sending { .. })), "{:?}", state(&h.app));
    wait_done(&mut h, "the response to Ctrl-R").await;
    let first = h.app.current_slot().unwrap().id;
    // Ctrl-J (what many terminals send for Ctrl-Enter) from the request pane.
    h.app.set_focus(Pane::Request);
    h.ctrl('j');
    assert!(matches!(state(&h.app), Some(RequestState::Sending { .. })), "{:?}", state(&h.app));
    wait_done(&mut h, "the response to Ctrl-J").await;
    let second = h.app.current_slot().unwrap().id;
    assert_ne!(first, second, "Ctrl-J did not start a new send");
    assert!(h.render(W, H).contains("200 OK"));
    // Ctrl-J while the URL is being edited sends too (and does not type a `j`).
    h.ch('u');
    assert!(h.app.open.as_ref().unwrap().editing.is_some());
    h.ctrl('j');
    assert!(h.app.open.as_ref().unwrap().editing.is_none());
    assert!(!h.app.open.as_ref().unwrap().draft.url.contains('j'));
    assert!(matches!(state(&h.app), Some(RequestState::Sending { .. })), "{:?}", state(&h.app));
    wait_done(&mut h, "the response to Ctrl-J in the URL field").await;
    let third = h.app.current_slot().unwrap().id;
    assert_ne!(second, third);
    // A terminal that reports Ctrl-Enter as such.
    h.app.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::CONTROL));
    assert!(matches!(state(&h.app), Some(RequestState::Sending { .. })), "{:?}", state(&h.app));
    wait_done(&mut h, "the response to Ctrl-Enter").await;
    assert_ne!(third, h.app.current_slot().unwrap().id);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_latin1_body_is_shown_decoded() {
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::new(Some(server.url()));
    h.open("latin-1 text");
    assert_eq!(open_name(&h.app), "Latin-1 text");
    h.ctrl('r');
    wait_done(&mut h, "the latin-1 body").await;
    let screen = h.render(W, H);
    assert!(screen.contains("200 OK"), "{screen}");
    assert!(screen.contains("café"), "not decoded as ISO-8859-1:\n{screen}");
    assert!(!screen.contains('\u{fffd}'), "a replacement character is shown:\n{screen}");
    assert!(!screen.contains("caf\\x"), "shown escaped:\n{screen}");
}

#[test]
fn an_environment_without_tls_checks_is_flagged_in_the_header() {
    let tmp = demo_workspace();
    std::fs::write(
        tmp.path().join("collections/demo/environments/insecure.toml"),
        "base_url = \"https://127.0.0.1:1\"\n\n[options]\nverify_tls = false\n",
    )
    .unwrap();
    let mut h = Harness::in_dir(tmp, None, ColorMode::NoColor);
    assert!(h.app.shell.notice.is_none(), "{:?}", h.app.shell.notice);
    let header = |h: &mut Harness| h.render(W, H).lines().next().unwrap_or_default().to_string();
    assert_eq!(h.app.workspace.env_name(0), Some("local"));
    assert!(!header(&mut h).contains("TLS not verified"), "{}", header(&mut h));
    // Select `insecure` in the switcher: from the top of the list, down to its place.
    let place = h.app.workspace.collections[0]
        .environments
        .iter()
        .position(|e| e.name == "insecure")
        .expect("the environment is loaded");
    h.ctrl('e');
    for _ in 0..5 {
        h.press(KeyCode::Up);
    }
    for _ in 0..=place {
        h.press(KeyCode::Down);
    }
    h.press(KeyCode::Enter);
    assert_eq!(h.app.workspace.env_name(0), Some("insecure"));
    let top = header(&mut h);
    assert!(top.contains("env: insecure ⚠ TLS not verified"), "{top}");
    // It stays on every frame, also with a request open.
    h.open("get user");
    let top = header(&mut h);
    assert!(top.contains("⚠ TLS not verified"), "{top}");
    // Back to `local`: the warning goes.
    let local = h.app.workspace.collections[0]
        .environments
        .iter()
        .position(|e| e.name == "local")
        .unwrap();
    h.ctrl('e');
    for _ in 0..5 {
        h.press(KeyCode::Up);
    }
    for _ in 0..=local {
        h.press(KeyCode::Down);
    }
    h.press(KeyCode::Enter);
    assert_eq!(h.app.workspace.env_name(0), Some("local"));
    assert!(!header(&mut h).contains("TLS not verified"));
}

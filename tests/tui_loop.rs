//! The real event loop (`tui::event_loop::run`, the one the program runs) on a `TestBackend`, driven by a scripted
//! host: open a request, send it, cancel a slow send, send again, quit. Each step waits on the app's state, never on
//! a sleep; the frames are real frames.

mod tui_support;

use std::collections::VecDeque;
use std::time::Duration;

use apix::server::DemoServer;
use apix::tui::app::RequestState;
use apix::tui::event_loop::{self, Host};
use apix::tui::App;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tui_support::Harness;

type Check = Box<dyn Fn(&App) -> bool>;

enum Step {
    Key(KeyEvent),
    Text(&'static str),
    /// Wait until the app is in this state (the loop keeps applying messages and drawing meanwhile).
    Until(&'static str, Check),
}

struct Script {
    steps: VecDeque<Step>,
    frames: usize,
    /// What the script waits for now, for the failure message.
    waiting: Option<&'static str>,
}

impl Host for Script {
    async fn next_event(&mut self) -> Option<std::io::Result<Event>> {
        match self.steps.front_mut() {
            Some(Step::Key(k)) => {
                let k = *k;
                self.steps.pop_front();
                Some(Ok(Event::Key(k)))
            }
            Some(Step::Text(t)) => {
                let mut chars = t.chars();
                let c = chars.next();
                *t = chars.as_str();
                if t.is_empty() {
                    self.steps.pop_front();
                }
                c.map(|c| Ok(Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))))
            }
            // Not yet: only messages (or the timers) move the loop on.
            Some(Step::Until(..)) => std::future::pending().await,
            None => None,
        }
    }

    fn observe(&mut self, app: &App) {
        while let Some(Step::Until(what, check)) = self.steps.front() {
            if !check(app) {
                self.waiting = Some(what);
                return;
            }
            self.steps.pop_front();
        }
        self.waiting = None;
    }

    fn drawn(&mut self) {
        self.frames += 1;
    }

    fn edit(&mut self, text: &str, _extension: &str) -> Result<Result<String, String>, String> {
        Ok(Ok(text.to_string()))
    }
}

fn key(code: KeyCode) -> Step {
    Step::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Step {
    Step::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn state_is(f: fn(&RequestState) -> bool) -> Check {
    Box::new(move |app: &App| app.current_slot().is_some_and(|s| f(&s.state)))
}

#[tokio::test(flavor = "multi_thread")]
async fn open_send_cancel_send_quit_through_the_real_loop() {
    let server = DemoServer::start(0).unwrap();
    let mut h = Harness::new(Some(server.url()));
    // A slow request to cancel: the demo server answers after 20 s.
    std::fs::write(
        h.path("users/slow.toml"),
        "name = \"Slow one\"\nmethod = \"GET\"\nurl = \"{{base_url}}/delay\"\n\n[query]\nms = \"20000\"\n",
    )
    .unwrap();
    let steps = vec![
        ctrl('l'),
        Step::Until(
            "the collections to be read again",
            Box::new(|app: &App| app.shell.notice.as_ref().is_some_and(|n| n.text.starts_with("Reloaded"))),
        ),
        Step::Text("/slow one"),
        key(KeyCode::Enter),
        Step::Until(
            "the request to open",
            Box::new(|app: &App| app.open.as_ref().is_some_and(|o| o.draft.name == "Slow one")),
        ),
        ctrl('r'),
        Step::Until("the send to start", state_is(|s| matches!(s, RequestState::Sending { .. }))),
        key(KeyCode::Esc),
        Step::Until("the cancellation", state_is(|s| matches!(s, RequestState::Cancelled { .. }))),
        // Now a fast one, to the end.
        key(KeyCode::Char('1')),
        Step::Text("/"),
        ctrl('u'),
        Step::Text("list users"),
        key(KeyCode::Enter),
        Step::Until(
            "list users to open",
            Box::new(|app: &App| app.open.as_ref().is_some_and(|o| o.draft.name == "List users")),
        ),
        ctrl('r'),
        Step::Until("the response", state_is(|s| matches!(s, RequestState::Done(_)))),
        Step::Until("the spinner to stop", Box::new(|app: &App| !app.is_animating())),
        key(KeyCode::Char('q')),
    ];
    let mut script = Script {
        steps: steps.into(),
        frames: 0,
        waiting: None,
    };
    let mut term = Terminal::new(TestBackend::new(120, 32)).unwrap();
    let outcome = tokio::time::timeout(
        Duration::from_secs(30),
        event_loop::run(&mut h.app, &mut term, &mut h.rx, &mut script),
    )
    .await;
    match outcome {
        Ok(r) => r.unwrap(),
        Err(_) => panic!("the loop did not finish; waiting for: {:?}", script.waiting),
    }
    assert!(h.app.shell.quit, "q ended the loop");
    assert!(script.steps.is_empty(), "every step ran");
    assert!(script.frames >= 5, "frames drawn: {}", script.frames);
    // The last frame drawn by the loop shows the response.
    let screen: String = term
        .backend()
        .buffer()
        .content
        .chunks(120)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n")
        .collect();
    assert!(screen.contains("200 OK"), "{screen}");
    assert!(screen.contains("Ada Lovelace"), "{screen}");
}

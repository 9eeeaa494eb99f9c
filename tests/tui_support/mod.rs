//! Helpers for the TUI tests: a copy of the demo collection in a temp dir, an `App` wired to a channel, key
//! presses, waiting on messages (never on sleeps), and rendering to text.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use apix::core::template::DemoUrlFn;
use apix::tui::theme::ColorMode;
use apix::tui::{App, AppOptions, Message};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

#[path = "../common/mod.rs"]
mod common;
#[allow(unused_imports)]
pub use common::{all_files, copy_tree};

/// A temp dir holding `demo/` (a copy of the bundled demo collection) and an empty `config/`.
pub fn demo_workspace() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("collections/demo"),
        &tmp.path().join("collections/demo"),
    );
    std::fs::create_dir_all(tmp.path().join("config")).unwrap();
    tmp
}

pub struct Harness {
    pub app: App,
    pub rx: UnboundedReceiver<Message>,
    pub tmp: tempfile::TempDir,
}

impl Harness {
    /// An app on a fresh copy of the demo collection; `{{$demo}}` resolves to `demo_url`.
    pub fn new(demo_url: Option<String>) -> Harness {
        Harness::with_mode(demo_url, ColorMode::NoColor)
    }

    pub fn with_mode(demo_url: Option<String>, mode: ColorMode) -> Harness {
        let tmp = demo_workspace();
        Harness::in_dir(tmp, demo_url, mode)
    }

    pub fn in_dir(tmp: tempfile::TempDir, demo_url: Option<String>, mode: ColorMode) -> Harness {
        let url = demo_url.unwrap_or_else(|| "http://127.0.0.1:9".to_string());
        let demo: DemoUrlFn = std::sync::Arc::new(move || Ok(url.clone()));
        let mut opts = AppOptions::new(tmp.path().join("collections"));
        opts.config_dir = tmp.path().join("config");
        opts.color_mode = mode;
        opts.demo = Some(demo);
        // History and tokens of the test stay in its temp dir.
        opts.data_dir = tmp.path().join("data");
        // The test's choice: a #[tokio::test] runs jobs on its runtime (and waits for their messages with
        // `wait_for`); a plain #[test] runs each job inline, to its end, before the key press returns.
        opts.executor = apix::tui::jobs::Executor::current_or_inline();
        let (tx, rx) = unbounded_channel();
        let app = App::new(opts, tx);
        Harness { app, rx, tmp }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join("collections/demo").join(rel)
    }

    pub fn press(&mut self, code: KeyCode) {
        self.app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
    }

    pub fn ch(&mut self, c: char) {
        self.press(KeyCode::Char(c));
    }

    pub fn ctrl(&mut self, c: char) {
        self.app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.ch(c);
        }
    }

    /// Ctrl-L, then waits until the collections were read again (a background job).
    pub async fn reload(&mut self) {
        self.ctrl('l');
        self.wait_for("the reload", |app| {
            app.shell.notice.as_ref().is_some_and(|n| n.text.starts_with("Reloaded"))
        })
        .await;
    }

    /// Opens a request through the UI: filter the tree, Enter.
    pub fn open(&mut self, filter: &str) {
        self.app.set_focus(apix::tui::app::Pane::Tree);
        self.ch('/');
        self.ctrl('u');
        self.type_text(filter);
        self.press(KeyCode::Enter);
    }

    /// Feeds messages from background tasks until `cond` holds; fails after 20 s.
    pub async fn wait_for(&mut self, what: &str, cond: impl Fn(&App) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !cond(&self.app) {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.rx.recv()).await {
                Ok(Some(m)) => self.app.handle_message(m),
                Ok(None) => panic!("the message channel closed while waiting for {what}"),
                Err(_) => panic!(
                    "timed out waiting for {what}; open: {:?}, slots: {:#?}",
                    self.app.open.as_ref().map(|o| &o.draft.name),
                    self.app
                        .responses
                        .slots
                        .iter()
                        .map(|(p, s)| (p.clone(), format!("{:?}", s.state)))
                        .collect::<Vec<_>>()
                ),
            }
        }
    }

    pub fn render(&mut self, width: u16, height: u16) -> String {
        render(&mut self.app, width, height)
    }
}

/// One frame as text (one quoted line per terminal row).
pub fn render(app: &mut App, width: u16, height: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(width, height)).unwrap();
    term.draw(|f| apix::tui::view::render(app, f)).unwrap();
    term.backend().to_string()
}

/// The frame's cells, for style checks.
pub fn render_buffer(app: &mut App, width: u16, height: u16) -> ratatui::buffer::Buffer {
    let mut term = Terminal::new(TestBackend::new(width, height)).unwrap();
    term.draw(|f| apix::tui::view::render(app, f)).unwrap();
    term.backend().buffer().clone()
}

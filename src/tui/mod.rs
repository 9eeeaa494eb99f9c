//! The interactive explorer.
//!
//! ```text
//!  terminal events ─┐                      ┌─ draw (only when something changed; ticks only while a spinner runs)
//!  HTTP tasks ──────┼─▶ Message ─▶ App ────┤
//!  format jobs ─────┤   Action ◀─ keymap   └─ Effect (suspend for $EDITOR)
//!  file poll, signals
//! ```
//!
//! `app` holds the state and its update logic (testable without a terminal), `view` draws it (one file per pane),
//! `keymap`/`action` turn keys into commands, `theme`/`config` read the user's overrides, `jobs` runs background
//! work, `event_loop` is the loop over any backend, and this module runs it on the real terminal.

pub mod action;
pub mod app;
pub mod config;
pub mod event_loop;
pub mod events;
pub mod fuzzy;
pub mod jobs;
pub mod keymap;
pub mod memory;
pub mod message;
pub mod safe_text;
pub mod terminal;
pub mod text_input;
pub mod theme;
pub mod view;

use std::io::IsTerminal;
use std::path::PathBuf;

use crossterm::event::EventStream;
use futures_util::StreamExt;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use tokio::sync::mpsc;

pub use app::{App, AppOptions};
pub use message::Message;

pub use event_loop::{FILE_POLL, TICK};

pub fn run(dir: PathBuf, theme: Option<String>, env: Option<String>) -> i32 {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        eprintln!("error: the explorer needs a terminal, and this is not one");
        eprintln!("  hint: for scripts and pipes use `apix send FILE` (see `apix --help`)");
        return 1;
    }
    if !dir.is_dir() {
        eprintln!("error: {} is not a folder", dir.display());
        eprintln!("  hint: `apix DIR` opens a folder of collections; without DIR apix opens ./collections");
        return 1;
    }
    let rt = match crate::cli::runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    tracing::info!(version = env!("CARGO_PKG_VERSION"), dir = %dir.display(), "explorer started");
    let mut opts = AppOptions::new(dir);
    opts.log = Some(crate::logging::describe());
    opts.executor = jobs::Executor::Tokio(rt.handle().clone());
    opts.theme = theme;
    opts.env = env;
    rt.block_on(run_loop(opts))
}

/// The real terminal as the loop's host: crossterm's event stream, `$EDITOR`, and the e2e tests' panic hooks.
struct TerminalHost {
    /// None while an editor owns the terminal (the reader would steal its keystrokes).
    events: Option<EventStream>,
    panic_after_first_draw: bool,
    panic_in_task: bool,
}

impl event_loop::Host for TerminalHost {
    async fn next_event(&mut self) -> Option<std::io::Result<crossterm::event::Event>> {
        self.events.get_or_insert_with(EventStream::new).next().await
    }

    fn drawn(&mut self) {
        if self.panic_after_first_draw {
            panic!("APIX_TEST_PANIC=1 asked for a panic after the first draw");
        }
        if std::mem::take(&mut self.panic_in_task) {
            tokio::spawn(async { panic!("APIX_TEST_PANIC=task asked for a panic in a background task") });
        }
    }

    fn edit(&mut self, text: &str, extension: &str) -> Result<Result<String, String>, String> {
        self.events = None;
        terminal::restore();
        let result = edit_in_editor(text, extension);
        terminal::enter().map_err(|e| format!("cannot return to full-screen mode after the editor: {e}"))?;
        Ok(result)
    }

    fn edit_file(&mut self, path: &std::path::Path) -> Result<Result<(), String>, String> {
        self.events = None;
        terminal::restore();
        let result = run_editor(path);
        terminal::enter().map_err(|e| format!("cannot return to full-screen mode after the editor: {e}"))?;
        Ok(result)
    }
}

async fn run_loop(opts: AppOptions) -> i32 {
    terminal::install_panic_hook();
    if let Err(e) = terminal::enter() {
        terminal::restore();
        eprintln!("error: cannot switch the terminal to full-screen mode: {e}");
        return 1;
    }
    let mut term = match Terminal::new(CrosstermBackend::new(std::io::stdout())) {
        Ok(t) => t,
        Err(e) => {
            terminal::restore();
            eprintln!("error: cannot draw on this terminal: {e}");
            return 1;
        }
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    spawn_signal_listeners(&tx);
    let mut app = App::new(opts, tx);
    let test_panic = test_panic_hook();
    let mut host = TerminalHost {
        events: Some(EventStream::new()),
        panic_after_first_draw: test_panic == "1",
        panic_in_task: test_panic == "task",
    };
    let outcome = event_loop::run(&mut app, &mut term, &mut rx, &mut host).await;
    terminal::restore();
    if let Err(f) = outcome {
        tracing::error!(problem = %f, "the explorer stopped");
        eprintln!("error: {f}");
        return 1;
    }
    match app.shell.terminated_by {
        Some("SIGHUP") => 129,
        Some(_) => 143,
        None => 0,
    }
}

fn spawn_signal_listeners(tx: &mpsc::UnboundedSender<Message>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        for (kind, name) in [(SignalKind::terminate(), "SIGTERM"), (SignalKind::hangup(), "SIGHUP")] {
            if let Ok(mut s) = signal(kind) {
                let tx = tx.clone();
                tokio::spawn(async move {
                    if s.recv().await.is_some() {
                        let _ = tx.send(Message::Terminate(name));
                    }
                });
            }
        }
    }
    #[cfg(not(unix))]
    let _ = tx;
}

/// Test-only hook for the e2e tests: panic after the first draw on the UI thread (`1`) or in a spawned task
/// (`task`). Debug builds only (the tests run those): a release build never reads `APIX_TEST_PANIC`.
#[cfg(debug_assertions)]
fn test_panic_hook() -> String {
    std::env::var("APIX_TEST_PANIC").unwrap_or_default()
}

#[cfg(not(debug_assertions))]
fn test_panic_hook() -> String {
    String::new()
}

/// The editor's command: `$VISUAL`, else `$EDITOR`, else `vi`.
fn editor_command() -> String {
    std::env::var("VISUAL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| std::env::var("EDITOR").ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string())
}

/// Runs the editor on `path` itself.
fn run_editor(path: &std::path::Path) -> Result<(), String> {
    let editor = editor_command();
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or("vi");
    match std::process::Command::new(program).args(words).arg(path).status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("The editor `{editor}` exited with {s}")),
        Err(e) => Err(format!(
            "Cannot start the editor `{editor}`: {e}. Set $EDITOR to your editor's command"
        )),
    }
}

/// Runs `$VISUAL`/`$EDITOR` (else `vi`) on a temporary file holding `text`; returns the edited text.
fn edit_in_editor(text: &str, extension: &str) -> Result<String, String> {
    let editor = editor_command();
    let path = std::env::temp_dir().join(format!("apix-body-{}.{extension}", uuid::Uuid::new_v4()));
    std::fs::write(&path, text).map_err(|e| format!("Cannot write the temporary file {}: {e}", path.display()))?;
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or("vi");
    let status = std::process::Command::new(program).args(words).arg(&path).status();
    let result = match status {
        Ok(s) if s.success() => std::fs::read_to_string(&path).map_err(|e| format!("Cannot read the edited body back: {e}")),
        Ok(s) => Err(format!("The editor `{editor}` exited with {s}; the body was left as it was")),
        Err(e) => Err(format!(
            "Cannot start the editor `{editor}`: {e}. Set $EDITOR to your editor's command"
        )),
    };
    let _ = std::fs::remove_file(&path);
    result
}

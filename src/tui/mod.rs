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
//! `keymap`/`action` turn keys into commands, `theme`/`config` read the user's overrides, and this module runs the
//! loop on a real terminal.

pub mod action;
pub mod app;
pub mod config;
pub mod fuzzy;
pub mod jobs;
pub mod keymap;
pub mod message;
pub mod terminal;
pub mod text_input;
pub mod theme;
pub mod view;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use crossterm::event::EventStream;
use futures_util::StreamExt;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use tokio::sync::mpsc;

pub use app::{App, AppOptions};
pub use message::Message;

/// How often a moving spinner is redrawn.
pub const TICK: Duration = Duration::from_millis(100);
/// How often the open file is compared with the disk.
pub const FILE_POLL: Duration = Duration::from_secs(1);

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
    let panic_after_first_draw = test_panic == "1";
    let mut panic_in_task = test_panic == "task";
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut poll = tokio::time::interval(FILE_POLL);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut failure: Option<String> = None;
    loop {
        if let Some(app::Effect::ExternalEditor { text, extension }) = app.take_effect() {
            // The event reader would steal the editor's keystrokes: stop it while the editor runs.
            drop(events);
            terminal::restore();
            let result = edit_in_editor(&text, extension);
            if let Err(e) = terminal::enter() {
                failure = Some(format!("cannot return to full-screen mode after the editor: {e}"));
                break;
            }
            let _ = term.clear();
            events = EventStream::new();
            app.editor_finished(result);
        }
        if app.quit {
            break;
        }
        if app.take_redraw() {
            if let Err(e) = term.draw(|f| app.draw(f)) {
                failure = Some(format!("cannot draw on the terminal: {e}"));
                break;
            }
            if panic_after_first_draw {
                panic!("APIX_TEST_PANIC=1 asked for a panic after the first draw");
            }
            if std::mem::take(&mut panic_in_task) {
                tokio::spawn(async { panic!("APIX_TEST_PANIC=task asked for a panic in a background task") });
            }
        }
        tokio::select! {
            msg = rx.recv() => match msg {
                Some(m) => app.handle_message(m),
                None => break,
            },
            ev = events.next() => match ev {
                Some(Ok(ev)) => app.handle_event(ev),
                Some(Err(e)) => {
                    failure = Some(format!("cannot read from the terminal: {e}"));
                    break;
                }
                None => break,
            },
            _ = tick.tick(), if app.is_animating() => app.handle_message(Message::Tick),
            _ = poll.tick() => app.handle_message(Message::PollFiles),
        }
        // Coalesce a burst (a paste, many progress messages) into one frame.
        while let Ok(m) = rx.try_recv() {
            app.handle_message(m);
        }
    }
    terminal::restore();
    if let Some(f) = failure {
        eprintln!("error: {f}");
        return 1;
    }
    match app.terminated_by {
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

/// Runs `$VISUAL`/`$EDITOR` (else `vi`) on a temporary file holding `text`; returns the edited text.
fn edit_in_editor(text: &str, extension: &str) -> Result<String, String> {
    let editor = std::env::var("VISUAL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| std::env::var("EDITOR").ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string());
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

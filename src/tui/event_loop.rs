//! The event loop, over any ratatui backend and any source of terminal events: the program runs it on crossterm
//! and the real terminal ([`super::run`]); tests run the very same loop on a `TestBackend` with a scripted
//! [`Host`] (open, send, cancel, quit), no terminal needed.
//!
//! Each turn: apply an effect (suspend for `$EDITOR`), stop if asked, draw if something changed, then wait for
//! the first of: a message from a job, a terminal event, the spinner tick (only while something moves), the file
//! poll. A burst of messages is applied before the next frame.

use std::future::Future;
use std::time::Duration;

use crossterm::event::Event;
use ratatui::backend::Backend;
use ratatui::Terminal;
use tokio::sync::mpsc::UnboundedReceiver;

use super::app::{App, Effect};
use super::message::Message;

/// How often a moving spinner is redrawn.
pub const TICK: Duration = Duration::from_millis(100);
/// How often the open file is compared with the disk.
pub const FILE_POLL: Duration = Duration::from_secs(1);

/// What the loop needs from the world besides the drawing surface.
pub trait Host {
    /// The next terminal event; `None` when input has ended; `Some(Err)` when it cannot be read.
    fn next_event(&mut self) -> impl Future<Output = Option<std::io::Result<Event>>>;

    /// Called each turn before waiting, with the app as it is now (a scripted host decides what comes next).
    fn observe(&mut self, _app: &App) {}

    /// Called after each frame is drawn.
    fn drawn(&mut self) {}

    /// Suspends the UI and edits `text` in an external editor: the edited text or why not (inner), or a reason the
    /// UI cannot go on (outer).
    fn edit(&mut self, text: &str, extension: &str) -> Result<Result<String, String>, String>;

    /// Suspends the UI and opens the file `path` itself in the editor (a broken request file): whether the editor
    /// ran (inner), or a reason the UI cannot go on (outer).
    fn edit_file(&mut self, _path: &std::path::Path) -> Result<Result<(), String>, String> {
        Ok(Err("no editor here".into()))
    }
}

/// Makes the next frame draw every cell: after a suspended state (the editor drew over the screen) or when asked
/// (Ctrl-L). `Terminal::clear` would first ask the terminal where its cursor is, and right after an editor that
/// answer can fail, which left the old frame's cells undrawn (a blank screen but for what changed); a resize to the
/// same size clears the screen and forgets the last frame without asking the terminal anything.
fn repaint<B: Backend>(term: &mut Terminal<B>) -> Result<(), String> {
    let failed = |e: B::Error| format!("cannot redraw the terminal: {e}");
    let size = term.size().map_err(failed)?;
    term.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
        .map_err(failed)
}

/// Runs until the app quits, the input ends or the terminal fails (the error says what failed).
pub async fn run<B: Backend, H: Host>(
    app: &mut App,
    term: &mut Terminal<B>,
    rx: &mut UnboundedReceiver<Message>,
    host: &mut H,
) -> Result<(), String> {
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut poll = tokio::time::interval(FILE_POLL);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        match app.take_effect() {
            Some(Effect::ExternalEditor { text, extension }) => {
                let result = host.edit(&text, extension)?;
                repaint(term)?;
                app.editor_finished(result);
            }
            Some(Effect::EditFile { path }) => {
                let result = host.edit_file(&path)?;
                repaint(term)?;
                app.file_edited(&path, result);
            }
            Some(Effect::Repaint) => {
                repaint(term)?;
                app.request_redraw();
            }
            None => {}
        }
        if app.shell.quit {
            return Ok(());
        }
        if app.take_redraw() {
            let failed = |e: B::Error| format!("cannot draw on the terminal: {e}");
            // The layout step first (it may change state), then a pure draw.
            term.autoresize().map_err(failed)?;
            let area = term.get_frame().area();
            app.layout(area);
            term.draw(|f| crate::tui::view::draw(app, f)).map_err(failed)?;
            host.drawn();
        }
        host.observe(app);
        tokio::select! {
            msg = rx.recv() => match msg {
                Some(m) => app.handle_message(m),
                None => return Ok(()),
            },
            ev = host.next_event() => match ev {
                Some(Ok(ev)) => app.handle_event(ev),
                Some(Err(e)) => return Err(format!("cannot read from the terminal: {e}")),
                None => return Ok(()),
            },
            _ = tick.tick(), if app.is_animating() => app.handle_message(Message::Tick),
            _ = poll.tick() => app.handle_message(Message::PollFiles),
        }
        // Coalesce a burst (a paste, many progress messages) into one frame.
        while let Ok(m) = rx.try_recv() {
            app.handle_message(m);
        }
    }
}

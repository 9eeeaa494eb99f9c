//! Entering and leaving the full-screen terminal, and making sure we always leave it: on a normal exit, on a panic
//! in any thread (the hook restores the terminal *before* the message is printed), and on SIGTERM/SIGHUP (handled
//! by the loop as a clean quit).

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::cursor::Show;
use crossterm::event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture};
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};

/// True while the terminal is in raw mode on the alternate screen.
static ACTIVE: AtomicBool = AtomicBool::new(false);

pub fn enter() -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    crossterm::execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture, EnableBracketedPaste)?;
    Ok(())
}

/// Puts the terminal back as the shell expects it. Safe to call any number of times, from any thread; never
/// panics and ignores errors (there is nothing better to do with them at that point).
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = disable_raw_mode();
    let mut out = io::stdout();
    let _ = crossterm::execute!(out, DisableBracketedPaste, DisableMouseCapture, LeaveAlternateScreen, Show);
    let _ = out.flush();
}

/// Installs a panic hook that restores the terminal first, then says what happened in plain words. A panic in a
/// background thread also ends the process: a half-working UI on a restored terminal helps nobody.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let was_active = ACTIVE.load(Ordering::SeqCst);
        restore();
        if !was_active {
            previous(info);
            return;
        }
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_string());
        let place = info.location().map(|l| format!(" ({}:{})", l.file(), l.line())).unwrap_or_default();
        let mut err = io::stderr();
        let _ = writeln!(err, "apix stopped because of a bug: {payload}{place}");
        let _ = writeln!(
            err,
            "Your collection files were not touched; unsaved edits of the open request are lost."
        );
        let _ = writeln!(err, "Please report it, with what you were doing, at the project's issue tracker.");
        let _ = err.flush();
        let on_main = std::thread::current().name() == Some("main");
        if !on_main {
            std::process::exit(101);
        }
    }));
}

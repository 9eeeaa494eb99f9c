//! The CLI's way to a terminal. Everything written for a person goes through [`Term`], which on a terminal passes
//! text through [`crate::core::sanitize::terminal_guard`]: only apix's own colour codes get through, every other
//! control, bidi or format character is shown escaped. Piped output passes unchanged (byte-exact bodies).
//!
//! Text from outside (bodies, headers, names from collection files) is also made visible where it is formatted
//! (`sanitize::visible`), before apix adds colour; the guard here is the backstop for any place that was missed.

use std::io::{IsTerminal, StderrLock, StdoutLock, Write};

use crate::core::sanitize::{terminal_guard, visible};

pub struct Term<W: Write> {
    inner: W,
    tty: bool,
    /// Plain messages (no colour of apix's own): every control character is shown, SGR included.
    strict: bool,
}

impl<W: Write> Term<W> {
    pub fn is_tty(&self) -> bool {
        self.tty
    }
}

impl<W: Write> Write for Term<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.tty {
            return self.inner.write(buf);
        }
        let text = String::from_utf8_lossy(buf);
        let safe = if self.strict { visible(&text) } else { terminal_guard(&text) };
        self.inner.write_all(safe.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Standard output for text that may carry apix's own colours.
pub fn stdout() -> Term<StdoutLock<'static>> {
    Term {
        tty: std::io::stdout().is_terminal(),
        inner: std::io::stdout().lock(),
        strict: false,
    }
}

/// Standard error for text that may carry apix's own colours.
pub fn stderr() -> Term<StderrLock<'static>> {
    Term {
        tty: std::io::stderr().is_terminal(),
        inner: std::io::stderr().lock(),
        strict: false,
    }
}

/// Standard output for plain messages (what `outln!` prints).
pub fn stdout_plain() -> Term<StdoutLock<'static>> {
    Term { strict: true, ..stdout() }
}

/// Standard error for plain messages (what `errln!` prints).
pub fn stderr_plain() -> Term<StderrLock<'static>> {
    Term { strict: true, ..stderr() }
}

/// `println!` through [`stdout`].
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!($crate::cli::term::stdout_plain(), $($arg)*);
    }};
}

/// `eprintln!` through [`stderr`].
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!($crate::cli::term::stderr_plain(), $($arg)*);
    }};
}

/// `eprint!` through [`stderr`].
macro_rules! err {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut e = $crate::cli::term::stderr_plain();
        let _ = write!(e, $($arg)*);
        let _ = e.flush();
    }};
}

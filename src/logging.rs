//! The log: `tracing` events of the core, the CLI and the TUI, written to a daily file in the platform's state
//! folder (`APIX_LOG_DIR` overrides it; seven days are kept). Never to the terminal: the TUI owns the screen and a
//! script owns stdout and stderr. `APIX_LOG=debug` (or `trace`) logs more of apix's own work; a full filter such as
//! `APIX_LOG=apix_core=trace,reqwest=debug` is taken as written. Events never carry a secret: URLs and errors are
//! masked before they are logged (a test sends a canary and reads every log line).

use std::path::PathBuf;

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::EnvFilter;

/// How many daily files are kept.
const KEEP_FILES: usize = 7;
const PREFIX: &str = "apix";
const SUFFIX: &str = "log";
/// Lines waiting for the writer thread.
const QUEUE_LINES: usize = 4096;

/// Keeps the background writer alive; dropping it flushes what is left.
pub struct LogGuard {
    _guard: Option<WorkerGuard>,
}

/// Where the log goes, in words for `apix --version` and the help screen.
pub fn describe() -> String {
    format!(
        "{} ({PREFIX}.YYYY-MM-DD.{SUFFIX}, one file a day, {KEEP_FILES} kept; APIX_LOG=debug for more)",
        dir().display()
    )
}

pub fn dir() -> PathBuf {
    crate::core::paths::log_dir()
}

/// The filter: apix's own crates at `APIX_LOG`'s level (info when unset), everything else at warn; a value with
/// `=` or `,` is a full filter, taken as written.
fn filter() -> EnvFilter {
    let own = ["apix", "apix_core", "apix_demo_server"];
    let wanted = std::env::var("APIX_LOG").unwrap_or_default();
    let wanted = wanted.trim();
    let directives = if wanted.contains('=') || wanted.contains(',') {
        wanted.to_string()
    } else {
        let level = match wanted.to_ascii_lowercase().as_str() {
            l @ ("trace" | "debug" | "info" | "warn" | "error" | "off") => l.to_string(),
            _ => "info".to_string(),
        };
        let mut d = vec!["warn".to_string()];
        d.extend(own.iter().map(|c| format!("{c}={level}")));
        d.join(",")
    };
    EnvFilter::try_new(&directives).unwrap_or_else(|_| EnvFilter::new("warn,apix=info,apix_core=info"))
}

/// Starts logging to the file. A folder that cannot be created means no log, never a failed command.
pub fn init() -> LogGuard {
    let dir = dir();
    let appender = std::fs::create_dir_all(&dir).ok().and_then(|_| {
        Builder::new()
            .rotation(Rotation::DAILY)
            .filename_prefix(PREFIX)
            .filename_suffix(SUFFIX)
            .max_log_files(KEEP_FILES)
            .build(&dir)
            .ok()
    });
    let Some(appender) = appender else {
        return LogGuard { _guard: None };
    };
    // The writer's queue is allocated whole up front: 128,000 lines by default (4 MB of idle memory); a few
    // thousand lines are plenty for apix's rate of events (a full queue drops lines rather than block the UI).
    let (writer, guard) = NonBlockingBuilder::default().buffered_lines_limit(QUEUE_LINES).finish(appender);
    let installed = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_target(true)
        .with_env_filter(filter())
        .try_init();
    LogGuard {
        _guard: installed.is_ok().then_some(guard),
    }
}

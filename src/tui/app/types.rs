//! The app's small types: how it is started, the panes, a notice, an effect for the terminal, where things were
//! drawn.

use std::path::PathBuf;

use ratatui::layout::Rect;

use crate::core::template::DemoUrlFn;
use crate::tui::events::Level;
use crate::tui::jobs::Executor;
use crate::tui::keymap::Context;
use crate::tui::theme::ColorMode;

/// How the app is started; `App::new` reads nothing else from the environment.
#[derive(Clone)]
pub struct AppOptions {
    pub dir: PathBuf,
    /// `--theme`; wins over the config file.
    pub theme: Option<String>,
    /// `--env`; otherwise `local` when a collection has it.
    pub env: Option<String>,
    pub config_dir: PathBuf,
    pub color_mode: ColorMode,
    /// The `{{$demo}}` provider; the embedded demo API by default.
    pub demo: Option<DemoUrlFn>,
    /// History database and token cache live here (`APIX_DATA_DIR` or the platform's data folder).
    pub data_dir: PathBuf,
    /// Where background jobs run: the program's runtime, or inline for synchronous tests.
    pub executor: Executor,
    /// Where the log is, for the help screen (None: not said).
    pub log: Option<String>,
}

impl AppOptions {
    pub fn new(dir: impl Into<PathBuf>) -> AppOptions {
        AppOptions {
            dir: dir.into(),
            theme: None,
            env: None,
            config_dir: crate::core::paths::config_dir(),
            color_mode: ColorMode::detect(),
            demo: None,
            data_dir: crate::core::paths::data_dir(),
            executor: Executor::Inline,
            log: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Tree,
    Request,
    Response,
}

impl Pane {
    pub fn context(self) -> Context {
        match self {
            Pane::Tree => Context::Tree,
            Pane::Request => Context::Request,
            Pane::Response => Context::Response,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub level: Level,
    pub text: String,
    pub(super) id: u64,
}

/// Work the app cannot do itself because it needs the real terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Suspend the UI, edit `text` in `$EDITOR` (a temp file with `extension`), and hand the result to
    /// `App::editor_finished`.
    ExternalEditor { text: String, extension: &'static str },
    /// Draw every cell again on the next frame (Ctrl-L, as in most terminal programs).
    Repaint,
    /// Suspend the UI, open this file itself in `$EDITOR` (a broken request file), then `App::file_edited`.
    EditFile { path: PathBuf },
}

/// Where things were drawn last time: for scrolling limits and mouse hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Areas {
    pub too_small: bool,
    pub narrow: bool,
    pub tree: Option<Rect>,
    pub request: Rect,
    pub response: Rect,
    pub request_tabs: Rect,
    pub request_body: Rect,
    pub response_tabs: Rect,
    pub response_body: Rect,
}

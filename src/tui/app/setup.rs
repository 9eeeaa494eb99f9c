//! Building the app: settings, theme and keys from the config folder, the workspace and its environments, history,
//! stored auth and the send session; then what start-up has to say (problems in files, an empty folder).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc::UnboundedSender;

use super::tree::TreeState;
use super::types::{AppOptions, Areas, Pane};
use super::{auth_state, body, export, history_state, problems, App, Responses, Shell, Workspace};
use crate::core::collection::{load_workspace, Collection};
use crate::core::pipeline::Session;
use crate::core::template::DemoUrlFn;
use crate::tui::action::Action;
use crate::tui::config::Config;
use crate::tui::events::Level;
use crate::tui::jobs::Jobs;
use crate::tui::keymap::{Context, Keymap};
use crate::tui::message::Message;
use crate::tui::theme::{Styles, ThemeSpec, DEFAULT_THEME_NAME};

pub(super) fn build(opts: AppOptions, tx: UnboundedSender<Message>) -> App {
    let (config, mut problems) = Config::load(&opts.config_dir);
    let (keymap, key_problems) = Keymap::with_overrides(&config.keys);
    problems.extend(key_problems);
    let theme_name = opts
        .theme
        .clone()
        .or(config.theme.clone())
        .unwrap_or_else(|| DEFAULT_THEME_NAME.to_string());
    let (spec, theme_problem) = ThemeSpec::load(&theme_name, &opts.config_dir);
    problems.extend(theme_problem);
    let styles = Styles::new(&spec, opts.color_mode);
    let (history_config, history_problems) =
        crate::core::history::HistoryConfig::from_file(&opts.config_dir.join(crate::core::history::CONFIG_FILE));
    problems.extend(history_problems);

    let limits = body::Limits::from_config(&config);
    // Bodies a killed apix left behind (a SIGKILL skips their cleanup): removed off the UI thread.
    let spill_dir = limits.spill_dir.clone();
    std::thread::spawn(move || crate::core::fsutil::remove_stale_temp_files(&spill_dir));
    let workspace = load_workspace(&opts.dir);
    let tree = TreeState::new(&workspace);
    let mut envs = HashMap::new();
    for c in &workspace {
        let chosen = match &opts.env {
            Some(name) if c.environment(name).is_some() => Some(name.clone()),
            Some(name) => {
                problems.push(format!("collection `{}` has no environment `{name}`", c.name));
                default_env(c)
            }
            None => default_env(c),
        };
        envs.insert(c.root.clone(), chosen);
    }

    let demo_url = Arc::new(Mutex::new(None));
    let inner = opts.demo.clone().unwrap_or_else(crate::embedded::provider);
    let seen = demo_url.clone();
    let demo: DemoUrlFn = Arc::new(move || {
        let r = inner();
        if let (Ok(url), Ok(mut slot)) = (&r, seen.lock()) {
            *slot = Some(url.clone());
        }
        r
    });

    let history = history_state::HistoryState::new(opts.data_dir.join(crate::core::history::DB_FILE), history_config);
    let auth = auth_state::AuthState::new(tx.clone(), opts.data_dir.join("tokens"));
    let mut session = Session::default();
    session.demo = Some(demo);
    session.auth = auth.ctx.clone();
    session.spill = Some((limits.memory_cap, limits.spill_dir.clone()));
    // The same jar folder as `apix send` (the data dir's `cookies`), moved with the data dir in tests.
    session.cookie_dir = Some(opts.data_dir.join("cookies"));
    session.history = Some((history.config.clone(), history.db.clone()));
    let mut app = App {
        workspace: Workspace {
            dir: opts.dir,
            collections: workspace,
            envs,
            problems: problems::Problems::default(),
        },
        tree,
        focus: Pane::Tree,
        open: None,
        responses: Responses::default(),
        history,
        auth,
        shell: Shell {
            modal: None,
            notice: None,
            keymap,
            styles,
            wrap: false,
            limits,
            areas: Areas::default(),
            quit: false,
            terminated_by: None,
            clipboard: export::ClipboardSink::Terminal,
            session,
            jobs: Jobs::new(opts.executor, tx),
            log: opts.log,
            demo_url,
            next_id: 1,
            redraw: true,
            effect: None,
        },
    };
    for c in &app.workspace.collections {
        app.workspace.problems.seed(&c.root, c.diagnostics.clone());
    }
    if app.workspace.collections.is_empty() {
        let (new, palette) = (
            app.shell.keymap.label(Context::Tree, Action::NewRequest),
            app.shell.keymap.label(Context::Global, Action::Palette),
        );
        app.shell.notify(
            Level::Warning,
            format!(
                "No collection in {} yet: press {new} to create one (or New collection… in the palette, {palette})",
                app.workspace.dir.display()
            ),
        );
    } else if let Some(first) = app
        .workspace
        .collections
        .iter()
        .flat_map(|c| c.diagnostics.iter())
        .find(|d| d.is_error())
    {
        let count = app
            .workspace
            .collections
            .iter()
            .flat_map(|c| c.diagnostics.iter())
            .filter(|d| d.is_error())
            .count();
        app.shell.notify(
            Level::Warning,
            format!(
                "{count} problem(s) in the collection files; first: {} ({} in the tree lists them)",
                first.message,
                app.shell.keymap.label(Context::Tree, Action::Problems)
            ),
        );
    }
    if !problems.is_empty() {
        app.shell.notify(Level::Warning, problems.join(" · "));
    }
    app
}

fn default_env(c: &Collection) -> Option<String> {
    c.default_environment().map(|e| e.name.clone())
}

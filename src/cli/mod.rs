//! The command line: `apix send|check|export|demo-server`, and `apix [DIR]` for the TUI. Thin: parsing and printing
//! only; the work happens in `core`.

#[macro_use]
pub mod term;
pub mod auth;
pub mod check;
pub mod cookies;
pub mod export;
pub mod history;
pub mod output;
pub mod secret;
pub mod send;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "apix",
    version,
    about = "A terminal API explorer: collections as plain files, stored auth, readable responses."
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Collections folder to open (default: ./collections if present, else the current folder).
    pub dir: Option<PathBuf>,
    /// UI theme: dark, light, high-contrast, or a theme file name from the config dir.
    #[arg(long)]
    pub theme: Option<String>,
    /// Environment to select at start.
    #[arg(long, short)]
    pub env: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send a saved request (`apix send FILE`) or an ad hoc one (`apix send METHOD URL [Header:Value]...`).
    Send(SendArgs),
    /// Validate a collection tree and print every problem with file:line:col.
    Check {
        /// Folder with collections (default: ./collections if present, else the current folder).
        dir: Option<PathBuf>,
    },
    /// Write a saved request in another format: `apix export curl FILE`.
    Export(export::ExportArgs),
    /// Browse, search, compare and prune the history of sends.
    History(history::HistoryArgs),
    /// OAuth 2.0 tokens of a request: login (fetch), status, refresh, logout (forget).
    Auth(auth::AuthArgs),
    /// The cookie jar of a collection and environment: list or clear it.
    Cookies(cookies::CookiesArgs),
    /// Secrets in the OS keyring, for {{keyring.NAME}} references.
    Secret(secret::SecretArgs),
    /// Let a collection's [commands] run on this machine (for {{cmd.NAME}} secrets).
    Trust(secret::TrustArgs),
    /// Serve the demo API on 127.0.0.1 (used by the sample collection, tests and benchmarks).
    DemoServer {
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 8787)]
        port: u16,
        /// List the routes and exit.
        #[arg(long)]
        routes: bool,
    },
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// A request file, or METHOD URL followed by Header:Value items.
    #[arg(required = true, num_args = 1..)]
    pub target: Vec<String>,
    /// Environment (a file in the collection's environments/ folder, without .toml).
    #[arg(long, short)]
    pub env: Option<String>,
    /// Set a variable, overriding the environment and collection (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Print the response headers too.
    #[arg(long, short)]
    pub include: bool,
    /// Write the body to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// A JSON body for an ad hoc request (sets Content-Type: application/json).
    #[arg(long, value_name = "BODY")]
    pub json: Option<String>,
    /// Exit with 3, 4 or 5 when the status is 3xx, 4xx or 5xx.
    #[arg(long)]
    pub check_status: bool,
    /// Total timeout, e.g. 30s (overrides the request's options).
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,
    /// Do not follow redirects.
    #[arg(long)]
    pub no_follow: bool,
    /// Do not record this exchange in the history.
    #[arg(long)]
    pub no_history: bool,
    /// Do not use the collection's cookie jar (cookies still last through one redirect chain).
    #[arg(long)]
    pub no_cookies: bool,
}

/// Runs a subcommand; returns the process exit code.
pub fn run(command: Command) -> i32 {
    match command {
        Command::Send(args) => send::run(args),
        Command::Check { dir } => check::run(&default_dir(dir)),
        Command::Auth(args) => auth::run(args),
        Command::Secret(args) => secret::run_secret(args),
        Command::Cookies(args) => cookies::run(args),
        Command::Trust(args) => secret::run_trust(args),
        Command::History(args) => history::run(args),
        Command::Export(args) => export::run(args),
        Command::DemoServer { port, routes } => {
            if routes {
                for (m, p, what) in crate::server::route_summary() {
                    outln!("{m:7} {p:28} {what}");
                }
                return 0;
            }
            let rt = match runtime() {
                Ok(rt) => rt,
                Err(code) => return code,
            };
            match rt.block_on(crate::server::run_foreground(port)) {
                Ok(()) => 0,
                Err(e) => {
                    errln!("error: cannot serve the demo API on 127.0.0.1:{port}: {e}");
                    if e.kind() == std::io::ErrorKind::AddrInUse {
                        errln!("  hint: another program uses that port; pick another with --port, or --port 0 for any free one");
                    }
                    1
                }
            }
        }
    }
}

/// `./collections` if it exists, else the current folder.
pub fn default_dir(dir: Option<PathBuf>) -> PathBuf {
    dir.unwrap_or_else(|| {
        let c = PathBuf::from("collections");
        if c.is_dir() {
            c
        } else {
            PathBuf::from(".")
        }
    })
}

pub fn runtime() -> Result<tokio::runtime::Runtime, i32> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| {
        errln!("error: cannot start the async runtime: {e}");
        1
    })
}

/// One thread for one exchange: the connection task and the body reader hand chunks over without crossing
/// threads (measured: 20 MB to a pipe ~15% faster than on the multi-threaded runtime).
pub fn runtime_single() -> Result<tokio::runtime::Runtime, i32> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| {
        errln!("error: cannot start the async runtime: {e}");
        1
    })
}

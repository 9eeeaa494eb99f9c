//! `apix export curl FILE`: a saved request as a shell command, secrets masked unless asked for.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::{Args, Subcommand};

use super::send::{load_request_file, parse_vars, pick_environment, prepare_request};
use crate::core::export::to_curl;
use crate::core::pipeline::{Mode, Session, Target};
use crate::core::template::DemoUrlFn;

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub format: ExportFormat,
}

#[derive(Debug, Subcommand)]
pub enum ExportFormat {
    /// Print a request as a curl command (secrets masked unless --reveal-secrets).
    Curl(CurlArgs),
}

#[derive(Debug, Args)]
pub struct CurlArgs {
    /// A request file inside a collection.
    pub file: String,
    /// Environment (a file in the collection's environments/ folder, without .toml).
    #[arg(long, short)]
    pub env: Option<String>,
    /// Set a variable, overriding the environment and collection (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Write secret values as they are instead of ••••••.
    #[arg(long)]
    pub reveal_secrets: bool,
}

/// Where `{{$demo}}` points in an exported command: the embedded server lives only inside apix, so the command
/// targets `apix demo-server` on its default port.
const STANDALONE_DEMO: &str = "http://127.0.0.1:8787";

pub fn run(args: ExportArgs) -> i32 {
    match args.format {
        ExportFormat::Curl(a) => curl(a),
    }
}

fn curl(args: CurlArgs) -> i32 {
    let overrides = match parse_vars(&args.vars) {
        Ok(v) => v,
        Err(e) => {
            errln!("error: {e}\n  example: --var user_id=42");
            return 1;
        }
    };
    let (collection, def) = match load_request_file(&args.file) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let env_name = match pick_environment(args.env.as_deref(), Some(&collection)) {
        Ok(n) => n,
        Err(code) => return code,
    };
    let used_demo = Arc::new(AtomicBool::new(false));
    let flag = used_demo.clone();
    let demo: DemoUrlFn = Arc::new(move || {
        flag.store(true, Ordering::Relaxed);
        Ok(STANDALONE_DEMO.to_string())
    });
    let mut session = Session::default();
    session.demo = Some(demo);
    let target = Target {
        collection: Some(&collection),
        environment: env_name.as_deref(),
        overrides: &overrides,
        def: &def,
    };
    // A masked export shows `••••••` for every secret: one that is unset, unreadable or behind an untrusted command
    // need not stop it (and no command runs for it).
    let mode = if args.reveal_secrets { Mode::Send } else { Mode::MaskedPreview };
    let prepared = match prepare_request(&session, &target, mode) {
        Ok(r) => r.prepared,
        Err(code) => return code,
    };
    if used_demo.load(Ordering::Relaxed) {
        errln!("note: {{{{$demo}}}} is written as {STANDALONE_DEMO}: run `apix demo-server` before the command");
    }
    if !args.reveal_secrets && !prepared.secrets.is_empty() {
        errln!(
            "note: secrets are masked as {}; add --reveal-secrets to include them",
            crate::core::template::MASK
        );
    }
    let mut out = super::term::stdout();
    match out
        .write_all(to_curl(&prepared, args.reveal_secrets).as_bytes())
        .and_then(|_| out.flush())
    {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            errln!("error: cannot write the command: {e}");
            1
        }
    }
}

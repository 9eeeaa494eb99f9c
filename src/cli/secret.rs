//! `apix secret set|delete NAME` (the OS keyring behind `{{keyring.NAME}}`) and `apix trust [DIR]` (let a
//! collection's `[commands]` run on this machine).

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::core::collection::{load_collection, load_workspace};
use crate::core::template::sources::{keyring_delete, keyring_service, keyring_set};
use crate::core::template::trust::TrustStore;

#[derive(Debug, Args)]
pub struct SecretArgs {
    #[command(subcommand)]
    pub action: SecretAction,
}

#[derive(Debug, Subcommand)]
pub enum SecretAction {
    /// Store a secret in the OS keyring; requests use it as {{keyring.NAME}}. The value is read from the terminal
    /// (not echoed) or from standard input, never from the command line.
    Set { name: String },
    /// Remove a secret from the OS keyring.
    Delete { name: String },
}

#[derive(Debug, Args)]
pub struct TrustArgs {
    /// Collection folder (default: ./collections if present, else the current folder).
    pub dir: Option<PathBuf>,
    /// Trust every command without asking.
    #[arg(long)]
    pub yes: bool,
    /// Forget the trust given to the collections in DIR.
    #[arg(long, conflicts_with = "yes")]
    pub revoke: bool,
}

/// Reads a line from the terminal without echoing it (crossterm raw mode).
fn read_hidden(prompt: &str) -> Option<String> {
    use crossterm::event::{read, Event, KeyCode, KeyEventKind, KeyModifiers};
    err!("{prompt}");
    let _ = std::io::stderr().flush();
    crossterm::terminal::enable_raw_mode().ok()?;
    let mut value = String::new();
    let done = loop {
        match read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => match k.code {
                KeyCode::Enter => break true,
                KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => break false,
                KeyCode::Backspace => {
                    value.pop();
                }
                KeyCode::Char(ch) => value.push(ch),
                _ => {}
            },
            Ok(Event::Paste(text)) => value.push_str(&text),
            Ok(_) => {}
            Err(_) => break false,
        }
    };
    let _ = crossterm::terminal::disable_raw_mode();
    errln!();
    done.then_some(value)
}

pub fn run_secret(args: SecretArgs) -> i32 {
    match args.action {
        SecretAction::Set { name } => {
            let value = if std::io::stdin().is_terminal() {
                match read_hidden(&format!("Value for {name} (not shown): ")) {
                    Some(v) => v,
                    None => {
                        errln!("cancelled; nothing stored");
                        return 1;
                    }
                }
            } else {
                let mut s = String::new();
                if let Err(e) = std::io::stdin().read_to_string(&mut s) {
                    errln!("error: cannot read the value from standard input: {e}");
                    return 1;
                }
                s.trim_end_matches(['\n', '\r']).to_string()
            };
            if value.is_empty() {
                errln!("error: the value is empty; nothing stored");
                return 1;
            }
            match keyring_set(&name, &value) {
                Ok(store) => {
                    outln!(
                        "stored `{name}` in {} (service `{}`); use it as {{{{keyring.{name}}}}}",
                        store.describe(),
                        keyring_service()
                    );
                    0
                }
                Err(e) => {
                    errln!("error: {}\n  hint: {}", e.message, e.hint);
                    1
                }
            }
        }
        SecretAction::Delete { name } => match keyring_delete(&name) {
            Ok(true) => {
                outln!("deleted `{name}` from the OS keyring");
                0
            }
            Ok(false) => {
                outln!("there was no `{name}` in the OS keyring");
                0
            }
            Err(e) => {
                errln!("error: {}\n  hint: {}", e.message, e.hint);
                1
            }
        },
    }
}

pub fn run_trust(args: TrustArgs) -> i32 {
    let dir = super::default_dir(args.dir);
    let mut collections = load_workspace(&dir);
    if collections.is_empty() && dir.join("collection.toml").is_file() {
        collections.push(load_collection(&dir));
    }
    if collections.is_empty() {
        errln!("error: no collection found in {}", dir.display());
        return 1;
    }
    let store = TrustStore::default();
    let mut code = 0;
    for c in &collections {
        if args.revoke {
            match store.revoke(&c.root) {
                Ok(n) => outln!("{}: forgot {n} trusted command{}", c.root.display(), if n == 1 { "" } else { "s" }),
                Err(e) => {
                    errln!("error: cannot update {}: {e}", store.path.display());
                    code = 1;
                }
            }
            continue;
        }
        let commands = &c.defaults().commands;
        let outside_files: Vec<String> = crate::core::check::outside_reads(c)
            .into_iter()
            .filter_map(|r| match r.kind {
                crate::core::check::OutsideKind::File(p) => Some(p.display().to_string()),
                _ => None,
            })
            .collect();
        if !outside_files.is_empty() {
            let what = crate::core::template::trust::OUTSIDE_FILES;
            if store.is_trusted(&c.root, what) {
                outln!("{}: sending files from outside its folder is already trusted", c.root.display());
            } else {
                let question = format!(
                    "Collection {} sends files from outside its folder ({}). Trust it to? [y/N] ",
                    c.root.display(),
                    outside_files.join(", ")
                );
                if args.yes || super::auth::tty_prompt(&question) == Some(true) {
                    match store.trust(&c.root, what) {
                        Ok(()) => outln!("{}: trusted to send files from outside its folder", c.root.display()),
                        Err(e) => {
                            errln!("error: cannot write {}: {e}", store.path.display());
                            code = 1;
                        }
                    }
                } else {
                    outln!(
                        "{}: files from outside its folder not trusted (pass --yes to trust without a prompt)",
                        c.root.display()
                    );
                }
            }
        }
        if commands.is_empty() {
            if outside_files.is_empty() {
                outln!("{}: no [commands] to trust", c.root.display());
            }
            continue;
        }
        for cmd in commands {
            if store.is_trusted(&c.root, &cmd.value) {
                outln!("{}: `{}` ({}) is already trusted", c.root.display(), cmd.value, cmd.name);
                continue;
            }
            let question = format!(
                "Collection {} wants to run `{}` to get secret {}. Trust it? [y/N] ",
                c.root.display(),
                cmd.value,
                cmd.name
            );
            let yes = args.yes || super::auth::tty_prompt(&question) == Some(true);
            if !yes {
                outln!(
                    "{}: `{}` not trusted (pass --yes to trust without a prompt)",
                    c.root.display(),
                    cmd.value
                );
                continue;
            }
            match store.trust(&c.root, &cmd.value) {
                Ok(()) => outln!("{}: trusted `{}` for {{{{cmd.{}}}}}", c.root.display(), cmd.value, cmd.name),
                Err(e) => {
                    errln!("error: cannot write {}: {e}", store.path.display());
                    code = 1;
                }
            }
        }
    }
    code
}

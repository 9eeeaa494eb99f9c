//! `apix cookies list|clear`: the cookie jar of a collection and environment (kept in the data dir, shared with the
//! TUI and `apix send`).

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use crate::core::collection::load::COLLECTION_FILE;
use crate::core::collection::{collection_root_of, load_collection};
use crate::core::cookies::{default_dir, CookieJar};
use crate::core::mask::MASK;
use crate::core::sanitize::visible_line;

#[derive(Debug, Args)]
pub struct CookiesArgs {
    #[command(subcommand)]
    pub action: CookiesAction,
}

#[derive(Debug, Subcommand)]
pub enum CookiesAction {
    /// List the cookies of a collection's jar (values masked unless --reveal).
    List {
        #[command(flatten)]
        jar: JarArgs,
        /// Show cookie values (they are credentials).
        #[arg(long)]
        reveal: bool,
        /// Print JSON (values masked unless --reveal).
        #[arg(long)]
        json: bool,
    },
    /// Remove the cookies of a collection's jar (all, or one domain's).
    Clear {
        #[command(flatten)]
        jar: JarArgs,
        /// Only cookies of this domain.
        #[arg(long)]
        domain: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct JarArgs {
    /// The collection folder, or any file in it (default: the current folder).
    pub path: Option<PathBuf>,
    /// Environment (each environment has its own jar; default: as `apix send` picks it).
    #[arg(long, short)]
    pub env: Option<String>,
}

fn open(args: &JarArgs) -> Result<std::sync::Arc<CookieJar>, i32> {
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let root = if path.join(COLLECTION_FILE).is_file() {
        Some(path.clone())
    } else {
        collection_root_of(&path).or_else(|| collection_root_of(&path.join(COLLECTION_FILE)))
    };
    let Some(root) = root else {
        errln!(
            "error: {} is not in a collection (no collection.toml here or above)",
            visible_line(&path.display().to_string())
        );
        errln!("  give the collection folder: apix cookies list collections/NAME");
        return Err(1);
    };
    let collection = load_collection(&root);
    let env = super::send::pick_environment(args.env.as_deref(), Some(&collection))?;
    CookieJar::open(&default_dir(), &root, env.as_deref()).map_err(|e| {
        errln!("error: {}", visible_line(&e.to_string()));
        1
    })
}

fn expiry(at: Option<i64>) -> String {
    match at {
        None => "session".into(),
        Some(t) => {
            let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(t.max(0) as u64);
            humantime::format_rfc3339_seconds(when).to_string()
        }
    }
}

pub fn run(args: CookiesArgs) -> i32 {
    match args.action {
        CookiesAction::List { jar, reveal, json } => {
            let jar = match open(&jar) {
                Ok(j) => j,
                Err(code) => return code,
            };
            let mut cookies = jar.list();
            if !reveal {
                for c in &mut cookies {
                    c.value = MASK.to_string();
                }
            }
            if json {
                outln!("{}", serde_json::to_string_pretty(&cookies).unwrap_or_else(|_| "[]".into()));
                return 0;
            }
            if cookies.is_empty() {
                errln!(
                    "no cookies in {}",
                    jar.path().map(Path::display).map(|d| d.to_string()).unwrap_or_default()
                );
                return 0;
            }
            for c in &cookies {
                let mut flags = Vec::new();
                if c.secure {
                    flags.push("Secure");
                }
                if c.http_only {
                    flags.push("HttpOnly");
                }
                let domain = if c.host_only { c.domain.clone() } else { format!(".{}", c.domain) };
                outln!(
                    "{}={}  {}{}  expires {}{}",
                    visible_line(&c.name),
                    visible_line(&c.value),
                    visible_line(&domain),
                    visible_line(&c.path),
                    expiry(c.expires),
                    if flags.is_empty() {
                        String::new()
                    } else {
                        format!("  {}", flags.join(" "))
                    }
                );
            }
            0
        }
        CookiesAction::Clear { jar, domain } => {
            let jar = match open(&jar) {
                Ok(j) => j,
                Err(code) => return code,
            };
            match jar.clear(domain.as_deref()) {
                Ok(n) => {
                    outln!("removed {n} cookie{}", if n == 1 { "" } else { "s" });
                    0
                }
                Err(e) => {
                    errln!("error: {}", visible_line(&e.to_string()));
                    1
                }
            }
        }
    }
}

//! `apix history`: list, search, show, compare and prune recorded sends; and the hook `apix send` calls.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{ArgGroup, Args, Subcommand};
use serde_json::Value;

use super::output::{body_for_terminal, use_color};
use crate::core::history::{
    default_db_path, fold_changes, BodyDiff, ChangeKind, Comparison, Entry, HistoryError, HistoryStore, JsonChange, Prune, Query,
    RequestRef, Summary,
};
use crate::core::http::Exchange;
use crate::core::mask::Masker;
use crate::core::sanitize::{visible, visible_line};
use crate::core::{format_duration, format_size};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct HistoryArgs {
    #[command(subcommand)]
    pub command: Option<HistoryCommand>,
    /// Only the history of this request file (follows renames and moves).
    #[arg(long, value_name = "PATH")]
    pub request: Option<PathBuf>,
    /// Only entries whose URL, headers or text bodies contain all these words.
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// At most N entries, newest first.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// Print JSON (one array) instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Show one entry: the request as sent (secrets masked), the response, timings.
    Show {
        id: i64,
        /// Print the whole entry as JSON (bodies as text, or base64 when not UTF-8).
        #[arg(long)]
        json: bool,
    },
    /// Compare two entries: status, headers, and bodies field by field.
    ///
    /// Without ids: the newest entry and the one before it of the same request. Exit status: 0 no likely breaking
    /// change; 3 a likely breaking change (field removed, type changed, status left 2xx); 1 could not compare.
    Diff {
        /// Two entry ids, older first.
        #[arg(num_args = 0..=2)]
        ids: Vec<i64>,
        /// Compare the last two entries of this request file.
        #[arg(long, value_name = "PATH", conflicts_with = "ids")]
        request: Option<PathBuf>,
        /// Print the comparison as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove entries: keep the newest N, or drop those older than DAYS.
    #[command(group(ArgGroup::new("rule").required(true).args(["keep", "older_than"])))]
    Prune {
        /// Keep the newest N entries.
        #[arg(long, value_name = "N")]
        keep: Option<u64>,
        /// Remove entries older than DAYS days.
        #[arg(long, value_name = "DAYS")]
        older_than: Option<u64>,
    },
}

fn report(e: &HistoryError) {
    errln!("error: {e}");
    if let Some(h) = e.hint() {
        errln!("  {h}");
    }
}

fn open() -> Result<HistoryStore, i32> {
    HistoryStore::open(&default_db_path()).map_err(|e| {
        report(&e);
        1
    })
}

fn request_ref(path: &Path) -> Result<RequestRef, String> {
    RequestRef::from_file(path).ok_or_else(|| {
        format!(
            "{} is not inside a collection (no collection.toml in any parent folder)",
            path.display()
        )
    })
}

pub fn run(args: HistoryArgs) -> i32 {
    match args.command {
        Some(HistoryCommand::Show { id, json }) => show(id, json),
        Some(HistoryCommand::Diff { ids, request, json }) => diff(&ids, request.as_deref(), json),
        Some(HistoryCommand::Prune { keep, older_than }) => prune(keep, older_than),
        None => list(args.request.as_deref(), args.search, args.limit, args.json),
    }
}

fn list(request: Option<&Path>, search: Option<String>, limit: usize, as_json: bool) -> i32 {
    let request = match request.map(request_ref).transpose() {
        Ok(r) => r,
        Err(e) => {
            errln!("error: {e}");
            return 1;
        }
    };
    let mut store = match open() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let q = Query {
        request,
        search,
        limit,
        ..Query::default()
    };
    let rows = match store.list(&q) {
        Ok(r) => r,
        Err(e) => {
            report(&e);
            return 1;
        }
    };
    let mut out = super::term::stdout();
    if as_json {
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into()));
        return 0;
    }
    if rows.is_empty() {
        let what = if q.search.is_some() || q.request.is_some() {
            "no matching history entries"
        } else {
            "no history yet"
        };
        errln!("{what} in {}", store.path().display());
        return 0;
    }
    let color = use_color(std::io::stdout().is_terminal());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    for s in &rows {
        let _ = writeln!(out, "{}", summary_line(s, now, color));
    }
    0
}

fn when(created_ms: i64, now_ms: i64) -> String {
    let secs = (now_ms - created_ms).max(0) / 1000;
    match secs {
        0..=59 => format!("{secs}s ago"),
        60..=3599 => format!("{}m ago", secs / 60),
        3600..=86_399 => format!("{}h ago", secs / 3600),
        86_400..=604_799 => format!("{}d ago", secs / 86_400),
        _ => {
            let t = std::time::UNIX_EPOCH + Duration::from_millis(created_ms.max(0) as u64);
            humantime::format_rfc3339_seconds(t).to_string().chars().take(10).collect()
        }
    }
}

fn status_text(status: Option<u16>, color: bool) -> String {
    let (text, code) = match status {
        Some(s @ 200..=299) => (s.to_string(), "32"),
        Some(s @ 300..=399) => (s.to_string(), "36"),
        Some(s @ 400..=499) => (s.to_string(), "33"),
        Some(s) => (s.to_string(), "31"),
        None => ("ERR".to_string(), "31"),
    };
    if color {
        format!("\x1b[{code}m{text:>3}\x1b[0m")
    } else {
        format!("{text:>3}")
    }
}

fn summary_line(s: &Summary, now_ms: i64, color: bool) -> String {
    let size = s.response_size.map(format_size).unwrap_or_else(|| "-".into());
    let mut line = format!(
        "#{:<6} {:>10}  {}  {:>8}  {:>8}  {} {}",
        s.id,
        when(s.created_ms, now_ms),
        status_text(s.status, color),
        format_duration(Duration::from_micros(s.total_us)),
        size,
        visible_line(&s.method),
        visible_line(&s.url)
    );
    if let Some(p) = &s.request_path {
        line.push_str(&format!("  ({})", visible_line(p)));
    }
    line
}

fn show(id: i64, as_json: bool) -> i32 {
    let store = match open() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let e = match store.get(id) {
        Ok(e) => e,
        Err(err) => {
            report(&err);
            return 1;
        }
    };
    let mut out = super::term::stdout();
    if as_json {
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(&e.to_json()).unwrap_or_default());
        return 0;
    }
    let color = use_color(std::io::stdout().is_terminal());
    let t = std::time::UNIX_EPOCH + Duration::from_millis(e.created_ms.max(0) as u64);
    let mut origin = vec![format!("#{}", e.id), humantime::format_rfc3339_seconds(t).to_string()];
    if let Some(p) = &e.source.request_path {
        origin.push(p.clone());
    }
    if let Some(env) = &e.source.environment {
        origin.push(format!("environment {env}"));
    }
    let _ = writeln!(out, "{}\n", visible_line(&origin.join(" · ")));
    let _ = writeln!(out, "{} {}", visible_line(&e.request.method), visible_line(&e.request.url));
    for (k, v) in &e.request.headers {
        let _ = writeln!(out, "{}: {}", visible_line(k), visible_line(v));
    }
    if let Some(b) = &e.request.body {
        let _ = writeln!(out, "\n{}", visible(String::from_utf8_lossy(&b.bytes).trim_end()));
        if b.truncated {
            let _ = writeln!(
                out,
                "(request body stored cut at {} of {})",
                format_size(b.bytes.len() as u64),
                format_size(b.size)
            );
        }
    }
    if let Some(note) = &e.request.body_note {
        let _ = writeln!(out, "\n({})", visible_line(note));
    }
    let _ = writeln!(out);
    match e.to_exchange() {
        Some(x) => print_response(&mut out, &e, &x, color),
        None => {
            let _ = writeln!(out, "✖ {}", visible(e.error.as_deref().unwrap_or("the send failed")));
        }
    }
    0
}

fn print_response(out: &mut impl Write, e: &Entry, x: &Exchange, color: bool) {
    // Stored entries are masked already; what remains is making them safe to show.
    let none = Masker::default();
    let _ = writeln!(out, "{}", super::output::summary_line(x, color));
    for line in super::output::explanation(x, color, &none) {
        let _ = writeln!(out, "  {line}");
    }
    let _ = write!(out, "{}", super::output::headers_block(x, color, &none));
    let _ = writeln!(out);
    let _ = write!(out, "{}", body_for_terminal(x, color, &none));
    if let Some(r) = &e.response {
        if r.body.truncated {
            let _ = writeln!(
                out,
                "(body stored cut at {} of {})",
                format_size(r.body.bytes.len() as u64),
                format_size(r.body.size)
            );
        }
    }
    let t = &x.response.timings;
    let mut parts = Vec::new();
    for (name, d) in [("dns", t.dns), ("connect", t.connect), ("tls", t.tls)] {
        if let Some(d) = d {
            parts.push(format!("{name} {}", format_duration(d)));
        }
    }
    parts.push(format!("first byte {}", format_duration(t.ttfb)));
    parts.push(format!("download {}", format_duration(t.download)));
    parts.push(format!("total {}", format_duration(t.total)));
    let _ = writeln!(out, "\ntimings: {}", parts.join(" · "));
}

/// The two entries to compare when no ids are given: the last two of `request`, or of the newest entry's request.
fn default_pair(store: &mut HistoryStore, request: Option<&Path>) -> Result<(i64, i64), String> {
    let r = match request {
        Some(p) => request_ref(p)?,
        None => {
            let newest = store
                .list(&Query {
                    limit: 1,
                    ..Query::default()
                })
                .map_err(|e| e.to_string())?;
            let Some(n) = newest.first() else {
                return Err(format!("no history yet in {}", store.path().display()));
            };
            match (&n.collection, &n.request_path) {
                (Some(c), Some(p)) => RequestRef {
                    collection: PathBuf::from(c),
                    path: p.clone(),
                    fingerprint: None,
                },
                _ => {
                    // An ad hoc request: the previous send of the same method and URL.
                    let same = store
                        .list(&Query {
                            limit: 200,
                            ..Query::default()
                        })
                        .map_err(|e| e.to_string())?
                        .into_iter()
                        .skip(1)
                        .find(|s| s.method == n.method && s.url == n.url);
                    return same
                        .map(|s| (s.id, n.id))
                        .ok_or_else(|| format!("entry #{} has no earlier send of {} {} to compare with", n.id, n.method, n.url));
                }
            }
        }
    };
    store
        .last_two(&r)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("{} has fewer than two history entries", r.path))
}

/// `apix history diff` exits with this when it finds a likely breaking change (1 stays "could not compare", as for
/// every apix command, so CI can tell the two apart).
pub const BREAKING_EXIT: i32 = 3;

fn diff(ids: &[i64], request: Option<&Path>, as_json: bool) -> i32 {
    let mut store = match open() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let (a, b) = match ids {
        [a, b] => (*a, *b),
        [] => match default_pair(&mut store, request) {
            Ok(p) => p,
            Err(e) => {
                errln!("error: {e}");
                return 1;
            }
        },
        _ => {
            errln!("error: give two entry ids (apix history diff 12 15), or none to compare the last two");
            return 1;
        }
    };
    let c = match store.diff(a, b) {
        Ok(c) => c,
        Err(e) => {
            report(&e);
            return 1;
        }
    };
    let mut out = super::term::stdout();
    if as_json {
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(&c).unwrap_or_default());
    } else {
        print_comparison(&mut out, &c, use_color(std::io::stdout().is_terminal()));
    }
    if c.is_breaking() {
        BREAKING_EXIT
    } else {
        0
    }
}

fn short(v: Option<&Value>) -> String {
    let s = v.map(Value::to_string).unwrap_or_default();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(59).collect::<String>())
    } else {
        s
    }
}

fn change_line(ch: &JsonChange, count: usize) -> String {
    let times = if count > 1 { format!(" ({count}×)") } else { String::new() };
    let path = if count > 1 { ch.pattern() } else { ch.path.clone() };
    match ch.kind {
        ChangeKind::Added => format!("+ {path} added{times}"),
        ChangeKind::Removed => format!("- {path} removed{times}"),
        ChangeKind::Changed => format!("~ {path}: {} → {}{times}", short(ch.old.as_ref()), short(ch.new.as_ref())),
        ChangeKind::TypeChanged => format!(
            "! {path}: {} → {} (type changed){times}",
            short(ch.old.as_ref()),
            short(ch.new.as_ref())
        ),
    }
}

fn print_comparison(out: &mut impl Write, c: &Comparison, color: bool) {
    let paint = |code: &str, s: &str| if color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() };
    let _ = writeln!(out, "comparing #{} → #{}", c.old_id, c.new_id);
    match c.status {
        Some((a, b)) => {
            let s = |v: Option<u16>| v.map(|n| n.to_string()).unwrap_or_else(|| "failed".into());
            let _ = writeln!(out, "status: {} → {}", s(a), s(b));
        }
        None => {
            let _ = writeln!(out, "status: unchanged");
        }
    }
    let (volatile, real): (Vec<_>, Vec<_>) = c.headers.iter().partition(|h| h.volatile);
    for h in real {
        let line = match (&h.old, &h.new) {
            (None, Some(n)) => format!("+ {}: {n}", h.name),
            (Some(o), None) => format!("- {}: {o}", h.name),
            (o, n) => format!("~ {}: {} → {}", h.name, o.as_deref().unwrap_or(""), n.as_deref().unwrap_or("")),
        };
        let _ = writeln!(out, "header {}", visible_line(&line));
    }
    if !volatile.is_empty() {
        let names: Vec<&str> = volatile.iter().map(|h| h.name.as_str()).collect();
        let _ = writeln!(
            out,
            "{}",
            paint("2", &format!("headers that change on every call also differ: {}", names.join(", ")))
        );
    }
    match &c.body {
        BodyDiff::Same => {
            let _ = writeln!(out, "body: unchanged");
        }
        BodyDiff::Json { changes, .. } => {
            let _ = writeln!(out, "body (JSON): {} change(s)", changes.len());
            for (ch, count) in fold_changes(changes) {
                let line = visible_line(&change_line(ch, count)).into_owned();
                let _ = writeln!(out, "  {}", if ch.breaking { paint("1;31", &line) } else { line });
            }
        }
        BodyDiff::Text { unified, added, removed } => {
            let _ = writeln!(out, "body (text): +{added} -{removed} lines");
            let _ = write!(out, "{}", visible(unified));
        }
        BodyDiff::Binary { old_size, new_size } => {
            let _ = writeln!(
                out,
                "body (binary): differs ({} → {})",
                format_size(*old_size),
                format_size(*new_size)
            );
        }
    }
    for n in &c.notes {
        let _ = writeln!(out, "{}", paint("2", &visible_line(&format!("note: {n}"))));
    }
    if c.breaking.is_empty() {
        let _ = writeln!(out, "no likely breaking change");
    } else {
        let _ = writeln!(out, "{}", paint("1;31", "likely breaking changes:"));
        for b in &c.breaking {
            let _ = writeln!(out, "  ✖ {}", visible_line(b));
        }
    }
}

fn prune(keep: Option<u64>, older_than: Option<u64>) -> i32 {
    let mut store = match open() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let rule = match (keep, older_than) {
        (Some(n), _) => Prune::KeepLast(n),
        (None, Some(days)) => Prune::OlderThan(Duration::from_secs(days.saturating_mul(86_400))),
        (None, None) => return 1,
    };
    match store.prune(rule).and_then(|n| Ok((n, store.count()?))) {
        Ok((removed, left)) => {
            outln!("removed {removed} entr{} ({left} left)", if removed == 1 { "y" } else { "ies" });
            0
        }
        Err(e) => {
            report(&e);
            1
        }
    }
}

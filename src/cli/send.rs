//! `apix send`: a saved request file or an ad hoc call, printed for a person or piped for a program.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::output::{body_for_terminal, explanation, headers_block, print_http_error, summary_line, use_color};
use super::SendArgs;
use crate::core::collection::{collection_root_of, load_collection, load_for_request, Body, Collection, KeyValue, RequestDef};
use crate::core::cookies::CookieJar;
use crate::core::history::{default_db_path, HistoryConfig, HistoryError, HistoryStore, HistoryTap};
use crate::core::http::{self, PrepareContext, PrepareError, Prepared};
use crate::core::mask::Masker;
use crate::core::sanitize::visible_line;
use crate::core::template::DemoUrlFn;

fn fail(msg: impl std::fmt::Display, hint: Option<String>) -> i32 {
    errln!("error: {msg}");
    if let Some(h) = hint {
        for line in h.lines() {
            errln!("  {}", line.trim_start());
        }
    }
    1
}

pub(super) fn parse_vars(vars: &[String]) -> Result<Vec<(String, String)>, String> {
    vars.iter()
        .map(|v| match v.split_once('=') {
            Some((k, val)) if !k.trim().is_empty() => Ok((k.trim().to_string(), val.to_string())),
            _ => Err(format!("--var `{v}` is not NAME=VALUE")),
        })
        .collect()
}

fn looks_like_method(s: &str) -> bool {
    !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_uppercase() || b == b'-' || b == b'_')
}

/// An ad hoc request from `METHOD URL [Header:Value]...` (or just `URL`, meaning GET).
fn ad_hoc(target: &[String], json: Option<&str>) -> Result<RequestDef, String> {
    let (method, rest) = match target {
        [m, rest @ ..] if looks_like_method(m) && !rest.is_empty() => (m.clone(), rest),
        _ => ("GET".to_string(), target),
    };
    let Some((url, items)) = rest.split_first() else {
        return Err("missing URL: apix send METHOD URL [Header:Value]...".into());
    };
    let url = if url.contains("://") {
        url.clone()
    } else if url.starts_with(':') {
        format!("http://localhost{url}")
    } else {
        format!("http://{url}")
    };
    let mut def = RequestDef::new(PathBuf::new(), "ad hoc");
    def.method = method;
    def.url = url;
    for item in items {
        match item.split_once(':') {
            Some((k, v)) if !k.is_empty() && !k.contains(' ') => def.headers.push(KeyValue::new(k.trim(), v.trim())),
            _ => return Err(format!("`{item}` is not a Header:Value item")),
        }
    }
    if let Some(j) = json {
        def.body = Body::Json(j.to_string());
    }
    Ok(def)
}

pub fn run(args: SendArgs) -> i32 {
    let overrides = match parse_vars(&args.vars) {
        Ok(v) => v,
        Err(e) => return fail(e, Some("example: --var user_id=42".into())),
    };
    let first = &args.target[0];
    let is_file = args.target.len() == 1 && (first.ends_with(".toml") || Path::new(first).is_file());
    let (collection, mut def): (Option<Collection>, RequestDef) = if is_file {
        match load_request_file(first) {
            Ok((c, d)) => (Some(c), d),
            Err(code) => return code,
        }
    } else {
        match ad_hoc(&args.target, args.json.as_deref()) {
            Ok(d) => (None, d),
            Err(e) => return fail(e, None),
        }
    };
    if let Some(t) = &args.timeout {
        match humantime::parse_duration(t) {
            Ok(d) => def.options.timeout = Some(d),
            Err(e) => return fail(format!("--timeout `{t}`: {e}"), Some("write durations like 30s or 500ms".into())),
        }
    }
    if args.no_follow {
        def.options.follow_redirects = Some(false);
    }
    let env_name = match pick_environment(args.env.as_deref(), collection.as_ref()) {
        Ok(n) => n,
        Err(code) => return code,
    };

    // Large bodies that a killed apix left behind in the cache.
    crate::core::fsutil::remove_stale_temp_files(&crate::core::paths::cache_dir().join("bodies"));
    let rt = match super::runtime_single() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    rt.block_on(async move {
        let demo = crate::embedded::provider();
        let mut prepared = match prepare_request(collection.as_ref(), env_name.as_deref(), &overrides, &def, demo, false) {
            Ok(p) => p,
            Err(code) => return code,
        };
        if let (Some(c), false) = (&collection, args.no_cookies) {
            match CookieJar::open(&crate::core::cookies::default_dir(), &c.root, env_name.as_deref()) {
                Ok(jar) => prepared.options.cookie_jar = Some(jar),
                Err(e) => errln!("warning: {}; this send uses no stored cookies", visible_line(&e.to_string())),
            }
        }
        let cancel = CancellationToken::new();
        let ctrl_c = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                ctrl_c.cancel();
            }
        });
        if let Err(e) = crate::core::auth::authorize(&mut prepared, &super::auth::send_context(), cancel.clone()).await {
            return super::auth::report(&e);
        }
        let started = Instant::now();
        // Piped: stream the body to stdout while it arrives (as curl does) instead of after the last byte.
        let stream_out = !std::io::stdout().is_terminal() && args.output.is_none();
        let history = (!args.no_history).then(HistoryConfig::load);
        // The database is opened on another thread while the body downloads: after the last byte only the write is
        // left. (A collection whose history is off is never opened.)
        let root = collection.as_ref().map(|c| c.root.clone());
        let store = history
            .as_ref()
            .filter(|(config, _)| config.records(root.as_deref()))
            .map(|_| std::thread::spawn(|| HistoryStore::open(&default_db_path())));
        let mut sink = CliSink {
            stdout: stream_out.then(raw_stdout),
            pipe_closed: false,
            last_byte: None,
            // A large body is masked and compressed for history on another thread while it downloads.
            tap: history.as_ref().map(|(config, _)| HistoryTap::new(&prepared, config.max_body_size)),
        };
        if stream_out {
            // The pipe gets every byte; memory keeps only enough to record a small body or explain an error.
            prepared.options.retain_limit = Some(1 << 20);
        }
        let use_sink = sink.stdout.is_some() || sink.tap.is_some();
        let result = http::send_with_sink(&prepared, cancel, None, use_sink.then_some(&mut sink as http::ChunkSink)).await;
        let streamed = sink.tap.take().and_then(HistoryTap::finish);
        // Piped stdout and a terminal on stderr are often the same screen: what follows must not start on the
        // body's last line.
        if stream_out && sink.last_byte.is_some_and(|b| b != b'\n') && std::io::stderr().is_terminal() {
            errln!();
        }
        let code = match &result {
            Ok(x) => print_exchange(x, &prepared, &args, stream_out),
            Err(e) => {
                let masker = Masker::new(&prepared.secrets);
                let hint = match (e, &args.timeout) {
                    // The flag set this timeout: say so, rather than naming the [options] key.
                    (
                        http::HttpError::Timeout {
                            phase: http::TimeoutPhase::Total,
                            ..
                        },
                        Some(t),
                    ) => Some(format!(
                        "The server is slow or not answering. Raise --timeout (now {t}) if this is expected."
                    )),
                    _ => e.hint(),
                };
                print_http_error(e, hint, &prepared.method, prepared.url.as_str(), started.elapsed(), &masker);
                e.exit_code()
            }
        };
        if let Some((config, warnings)) = history {
            // Let a reader of the pipe finish now: the history write below need not hold up `apix send | jq`.
            let _ = std::io::Write::flush(&mut std::io::stdout());
            for w in warnings {
                errln!("warning: {w}");
            }
            let place = super::history::SendPlace {
                collection: collection.as_ref(),
                def: &def,
                environment: env_name.as_deref(),
            };
            let store = store.map(|s| {
                s.join().unwrap_or_else(|_| {
                    Err(HistoryError::Sqlite {
                        path: default_db_path(),
                        detail: "the thread opening it stopped".into(),
                    })
                })
            });
            super::history::record_after_send(&config, store, &prepared, result.as_ref(), &place, streamed);
        }
        code
    })
}

/// Standard output without Rust's line buffering: a body is written in large chunks, and a line-buffered writer
/// would search each of them for its last newline.
fn raw_stdout() -> Box<dyn Write + Send> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(std::io::stdout())
}

/// Where `apix send` puts the body as it arrives: the pipe (when piped) and the history tap (when history is on).
struct CliSink {
    stdout: Option<Box<dyn Write + Send>>,
    pipe_closed: bool,
    /// The last byte written to stdout.
    last_byte: Option<u8>,
    tap: Option<HistoryTap>,
}

impl http::BodySink for CliSink {
    fn head(&mut self, head: &http::ResponseHead<'_>) {
        if let Some(t) = self.tap.as_mut() {
            t.head(head);
        }
    }

    fn chunk(&mut self, data: &[u8]) -> std::io::Result<()> {
        if let Some(t) = self.tap.as_mut() {
            t.chunk(data);
        }
        self.write(data)
    }

    fn chunk_bytes(&mut self, data: &bytes::Bytes) -> std::io::Result<()> {
        if let Some(t) = self.tap.as_mut() {
            t.chunk_bytes(data);
        }
        self.write(data)
    }
}

impl CliSink {
    fn write(&mut self, data: &[u8]) -> std::io::Result<()> {
        let Some(out) = self.stdout.as_mut().filter(|_| !self.pipe_closed) else {
            return Ok(());
        };
        if let Some(&b) = data.last() {
            self.last_byte = Some(b);
        }
        match out.write_all(data) {
            // The reader went away (`| head`): stop writing, keep the exchange.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.pipe_closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

/// Without --env: the collection's only environment, or one called `local`, or none.
pub fn default_environment(c: &Collection) -> Option<String> {
    c.default_environment().map(|e| e.name.clone())
}

fn report_prepare_error(e: &PrepareError, collection: Option<&Collection>) -> i32 {
    // `send` loaded only what this request needs; for an unknown variable, the rest of the collection is read now to
    // say where else it is used.
    if let (PrepareError::Template(t), Some(c)) = (e, collection) {
        if let crate::core::template::ResolveFailure::Unknown { name } = &t.failure {
            let full = load_collection(&c.root);
            let here = format!(
                "{} ({})",
                t.file.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
                t.field
            );
            let mut t = (**t).clone();
            t.used_in = crate::core::http::prepare::usages(&full, name)
                .into_iter()
                .filter(|u| *u != here)
                .collect();
            return fail(&t, t.hint());
        }
    }
    fail(e, e.hint())
}

fn print_exchange(x: &http::Exchange, prepared: &Prepared, args: &SendArgs, body_already_written: bool) -> i32 {
    let stdout_tty = std::io::stdout().is_terminal();
    let stderr_tty = std::io::stderr().is_terminal();
    let mut out = super::term::stdout();
    let mut err = super::term::stderr();
    let mut masker = Masker::new(&prepared.secrets);
    for s in &x.secrets {
        masker.add(s);
    }
    let to_file = args.output.is_some();
    // A person reading a terminal gets everything on stdout; a pipe gets the raw body alone.
    let human = stdout_tty && !to_file;
    let meta_color = use_color(if human { stdout_tty } else { stderr_tty });
    let meta: &mut dyn Write = if human { &mut out } else { &mut err };
    let _ = writeln!(meta, "{}", summary_line(x, meta_color));
    for line in explanation(x, meta_color, &masker) {
        let _ = writeln!(meta, "  {line}");
    }
    for w in &x.warnings {
        let _ = writeln!(meta, "  warning: {}", visible_line(w));
    }
    if args.include {
        let _ = write!(meta, "{}", headers_block(x, meta_color, &masker));
    }
    let code = status_exit_code(x.response.status, args.check_status);
    if let Some(path) = &args.output {
        let written = crate::core::fsutil::write_atomic_with(path, |f| {
            let mut body = x.response.body_reader()?;
            std::io::copy(&mut body, f).map(|_| ())
        });
        if let Err(e) = written {
            return fail(format!("cannot write the body to {}: {e}", path.display()), None);
        }
        let _ = writeln!(
            err,
            "body saved to {} ({})",
            path.display(),
            crate::core::format_size(x.response.decoded_size)
        );
        return code;
    }
    if human {
        if args.include || !x.response.body.is_empty() {
            let _ = writeln!(out);
        }
        let _ = write!(out, "{}", body_for_terminal(x, use_color(true), &masker));
    } else if !body_already_written {
        let _ = out.write_all(&x.response.body);
    }
    let _ = out.flush();
    code
}

/// 3/4/5 for 3xx/4xx/5xx with --check-status (as xh and HTTPie), else 0.
pub fn status_exit_code(status: u16, check: bool) -> i32 {
    if !check {
        return 0;
    }
    match status {
        300..=399 => 3,
        400..=499 => 4,
        500..=599 => 5,
        _ => 0,
    }
}

/// Loads a saved request file with its collection; on failure prints why and returns the exit code.
pub(super) fn load_request_file(first: &str) -> Result<(Collection, RequestDef), i32> {
    let path = PathBuf::from(first);
    if !path.is_file() {
        return Err(fail(format!("request file {first} does not exist"), None));
    }
    let abs = std::fs::canonicalize(&path).unwrap_or(path);
    let Some(root) = collection_root_of(&abs) else {
        return Err(fail(
            format!("{first} is not inside a collection (no collection.toml in any parent folder)"),
            Some("a request file lives in a folder tree whose root holds collection.toml".into()),
        ));
    };
    // Only what this request needs: a collection of 10,000 folders costs no more to send from than one of ten.
    let c = load_for_request(&root, &abs);
    if let Some(d) = c.find_request(&abs).cloned() {
        return Ok((c, d));
    }
    let problems: Vec<String> = c
        .diagnostics
        .iter()
        .filter(|d| d.path == abs && d.is_error())
        .map(|d| d.to_string())
        .collect();
    if problems.is_empty() {
        return Err(fail(format!("{first} is not a request of collection {}", root.display()), None));
    }
    errln!("error: {first} cannot be loaded:");
    for p in problems {
        errln!("{p}");
    }
    Err(1)
}

/// `--env NAME` (which must exist), else the collection's default environment.
pub(super) fn pick_environment(env: Option<&str>, collection: Option<&Collection>) -> Result<Option<String>, i32> {
    match (env, collection) {
        (Some(name), Some(c)) => match c.environment(name) {
            Some(e) => Ok(Some(e.name.clone())),
            None => {
                let file = c.root.join(crate::core::collection::load::ENV_DIR).join(format!("{name}.toml"));
                let problems: Vec<String> = c
                    .diagnostics
                    .iter()
                    .filter(|d| d.path == file && d.is_error())
                    .map(|d| d.to_string())
                    .collect();
                if !problems.is_empty() {
                    // The file is there but broken: say what is wrong with it, not that it is missing.
                    errln!("error: environment `{name}` cannot be loaded:");
                    for p in problems {
                        errln!("{p}");
                    }
                    return Err(1);
                }
                let names: Vec<&str> = c.environments.iter().map(|e| e.name.as_str()).collect();
                let hint = if names.is_empty() {
                    "this collection has no environments yet: add environments/NAME.toml".to_string()
                } else {
                    format!("available: {}", names.join(", "))
                };
                Err(fail(format!("no environment `{name}` in collection {}", c.name), Some(hint)))
            }
        },
        (Some(_), None) => Err(fail("--env needs a request file inside a collection", None)),
        (None, Some(c)) => Ok(default_environment(c)),
        (None, None) => Ok(None),
    }
}

/// Resolves `def` as `send` does (asking to trust `{{cmd.…}}` sources on a terminal); prints warnings, or the error
/// and returns the exit code.
pub(super) fn prepare_request(
    collection: Option<&Collection>,
    env_name: Option<&str>,
    overrides: &[(String, String)],
    def: &RequestDef,
    demo_url: DemoUrlFn,
    mask_missing_secrets: bool,
) -> Result<Prepared, i32> {
    let environment = env_name.and_then(|n| collection.and_then(|c| c.environment(n)));
    let ctx = PrepareContext {
        collection,
        environment,
        overrides,
        demo_url: Some(demo_url),
    };
    let mut filled = 0;
    let prepared = loop {
        match super::auth::prepare_with_trust(&ctx, def, &mut super::auth::tty_prompt) {
            Ok(p) => break p,
            // A masked export shows `••••••` for a secret anyway: an unset one need not stop it.
            Err(PrepareError::Template(t)) if mask_missing_secrets && filled < 32 => match &t.failure {
                crate::core::template::ResolveFailure::MissingSecret { name, .. } => {
                    std::env::set_var(name, crate::core::template::MASK);
                    filled += 1;
                }
                _ => return Err(report_prepare_error(&PrepareError::Template(t), collection)),
            },
            Err(e) => return Err(report_prepare_error(&e, collection)),
        }
    };
    for w in &prepared.warnings {
        errln!("warning: {w}");
    }
    Ok(prepared)
}

//! `apix send`: a saved request file or an ad hoc call, printed for a person or piped for a program.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::output::{body_for_terminal, explanation, headers_block, print_http_error, summary_line, use_color};
use super::SendArgs;
use crate::core::collection::{collection_root_of, load_collection, load_for_request, Body, Collection, KeyValue, RequestDef};
use crate::core::history::{default_db_path, HistoryConfig};
use crate::core::http::{self, PrepareError, Prepared};
use crate::core::mask::Masker;
use crate::core::pipeline::{Fix, Hooks, Mode, Ready, Record, SendError, Session, Target};
use crate::core::sanitize::visible_line;

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
    let history = (!args.no_history).then(HistoryConfig::load);
    let mut session = Session::default();
    session.demo = Some(crate::embedded::provider());
    session.auth = super::auth::send_context();
    if args.no_cookies {
        session.cookie_dir = None;
    }
    session.history = history.as_ref().map(|(config, _)| (Arc::new(config.clone()), default_db_path()));
    rt.block_on(async move {
        let target = Target {
            collection: collection.as_ref(),
            environment: env_name.as_deref(),
            overrides: &overrides,
            def: &def,
        };
        let mut ready = match prepare_request(&session, &target, Mode::Send) {
            Ok(r) => r,
            Err(code) => return code,
        };
        let cancel = CancellationToken::new();
        let ctrl_c = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                ctrl_c.cancel();
            }
        });
        // Piped: stream the body to stdout while it arrives (as curl does) instead of after the last byte.
        let stream_out = !std::io::stdout().is_terminal() && args.output.is_none();
        if stream_out {
            // The pipe gets every byte; memory keeps only enough to record a small body or explain an error.
            ready.prepared.options.retain_limit = Some(1 << 20);
        }
        let mut sink = CliSink {
            stdout: stream_out.then(raw_stdout),
            pipe_closed: false,
            last_byte: None,
        };
        let hooks = Hooks {
            cancel,
            progress: None,
            sink: sink.stdout.is_some().then_some(&mut sink as &mut dyn http::BodySink),
        };
        // The history database opens on another thread while the body downloads; a large body is masked and
        // compressed for history as it arrives (core::pipeline).
        let mut sent = session.send(ready, hooks).await;
        // Piped stdout and a terminal on stderr are often the same screen: what follows must not start on the
        // body's last line.
        if stream_out && sink.last_byte.is_some_and(|b| b != b'\n') && std::io::stderr().is_terminal() {
            errln!();
        }
        for w in &sent.warnings {
            errln!("warning: {}", visible_line(w));
        }
        let code = match &sent.result {
            Ok(x) => print_exchange(x, &sent.prepared, &args, stream_out),
            Err(e) => report_send_error(e, &sent.prepared, sent.elapsed, collection.as_ref(), args.timeout.as_deref()),
        };
        if let Some((_, warnings)) = history {
            // Let a reader of the pipe finish now: the history write below need not hold up `apix send | jq`.
            let _ = std::io::Write::flush(&mut std::io::stdout());
            for w in warnings {
                errln!("warning: {w}");
            }
            if let Some(Err(e)) = sent.take_record().map(Record::write) {
                errln!("warning: this send was not saved to history: {e}");
                if let Some(h) = e.hint() {
                    errln!("  {h}");
                }
            }
        }
        code
    })
}

/// Says why a send failed (masked, with the fix in the CLI's words) and returns the exit code.
fn report_send_error(
    e: &SendError,
    prepared: &Prepared,
    elapsed: std::time::Duration,
    collection: Option<&Collection>,
    timeout_flag: Option<&str>,
) -> i32 {
    match e {
        SendError::Http(h) => {
            let masker = Masker::new(&prepared.secrets);
            let hint = match (e.fix(), timeout_flag) {
                // The flag set this timeout: say so, rather than naming the [options] key.
                (
                    Some(Fix::RaiseTimeout {
                        phase: http::TimeoutPhase::Total,
                        ..
                    }),
                    Some(t),
                ) => Some(format!(
                    "The server is slow or not answering. Raise --timeout (now {t}) if this is expected."
                )),
                _ => h.hint_for(prepared.host_variable.as_deref()),
            };
            print_http_error(h, hint, &prepared.method, prepared.url.as_str(), elapsed, &masker);
            e.exit_code()
        }
        SendError::Auth(a) => super::auth::report(a),
        _ => report_unsent(e, collection),
    }
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

/// Where `apix send` puts the body as it arrives when stdout is a pipe (the pipeline tees it to history).
struct CliSink {
    stdout: Option<Box<dyn Write + Send>>,
    pipe_closed: bool,
    /// The last byte written to stdout.
    last_byte: Option<u8>,
}

impl http::BodySink for CliSink {
    fn chunk(&mut self, data: &[u8]) -> std::io::Result<()> {
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

/// Resolves `target` as `send` does (asking on a terminal to trust a command or an outside file); prints warnings,
/// or the error and returns the exit code.
pub(super) fn prepare_request(session: &Session, target: &Target<'_>, mode: Mode) -> Result<Ready, i32> {
    let ready = session
        .prepare(target, mode, &mut |q| super::auth::tty_prompt(&q.question()))
        .map_err(|e| report_unsent(&e, target.collection))?;
    for w in &ready.prepared.warnings {
        errln!("warning: {w}");
    }
    Ok(ready)
}

/// Says why a request was not sent (prepare or trust) and returns the exit code.
pub(super) fn report_unsent(e: &SendError, collection: Option<&Collection>) -> i32 {
    match e {
        SendError::Prepare(p) | SendError::Trust { cause: p, .. } => report_prepare_error(p, collection),
        SendError::Auth(a) => super::auth::report(a),
        other => fail(other, other.fix().map(|f| f.text())),
    }
}

//! Resolving placeholders against the layers of variables, secrets and dynamic values.
//!
//! Precedence, highest first: overrides (`--var`, the TUI's), the selected environment, folder variables (innermost
//! folder first), collection variables. Values may contain placeholders themselves; a cycle is reported, not looped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::parse::{parse, Segment};
use crate::collection::{Environment, Folder, KeyValue};

/// Provides `{{$demo}}`: the URL of the embedded demo API, started on first use by the front end.
pub type DemoUrlFn = Arc<dyn Fn() -> Result<String, String> + Send + Sync>;

/// Why a placeholder could not be resolved, before the caller adds where it was used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveFailure {
    Unknown {
        name: String,
    },
    Cycle {
        chain: Vec<String>,
    },
    MissingSecret {
        name: String,
        dotenv: Option<PathBuf>,
        /// A line of `.env` that could not be read (it may be the one meant to hold this secret).
        problem: Option<String>,
    },
    UnsupportedSource {
        name: String,
    },
    /// `{{cmd.NAME}}` whose command this collection has not been trusted to run on this machine.
    Untrusted {
        name: String,
        command: String,
        collection: PathBuf,
    },
    /// A keyring or command source failed; `message` and `hint` say why and what to do.
    SourceFailed {
        name: String,
        message: String,
        hint: String,
    },
    Dynamic {
        name: String,
        message: String,
    },
    Syntax {
        offset: usize,
        message: String,
    },
    /// Variables that use variables deeper than [`MAX_DEPTH`] levels.
    TooDeep {
        chain: Vec<String>,
    },
    /// A value that grows past [`MAX_VALUE_SIZE`] once its variables are filled in.
    TooLarge {
        chain: Vec<String>,
    },
}

/// How deep variables may use other variables (`{{a}}` → `{{b}}` → …).
pub const MAX_DEPTH: usize = 64;

/// The largest a value may grow when its variables are filled in.
pub const MAX_VALUE_SIZE: usize = 1 << 20;

#[derive(Clone, Default)]
pub struct Scope<'a> {
    pub overrides: &'a [(String, String)],
    pub environment: Option<&'a Environment>,
    /// From the collection root down to the request's folder.
    pub folders: Vec<&'a Folder>,
    /// Where `.env` is looked for.
    pub collection_root: Option<&'a Path>,
    pub demo_url: Option<DemoUrlFn>,
    /// Which commands may run for `{{cmd.NAME}}` (the data dir's trust.json by default).
    pub trust: super::trust::TrustStore,
    /// Resolving for a masked preview (a masked curl export): a secret that is not set, not in the keyring, or
    /// would need a command nobody trusted yet stands as [`MASK`] instead of stopping the resolution; nothing is
    /// asked and no untrusted command runs.
    pub masked_preview: bool,
    /// A run's secrets, looked up once for all its requests (None: looked up for each request).
    pub secrets: Option<super::sources::SecretCache>,
}

pub struct Resolver<'a> {
    scope: Scope<'a>,
    /// Plain variables already resolved (those without a dynamic value in them): a value used twice, or a chain of
    /// variables each using the previous one twice, costs its length, not its expansion count.
    memo: HashMap<String, (String, bool)>,
    /// Dynamic values produced so far; a variable whose resolution made one is not memoised (each use is fresh).
    dynamics: usize,
    dotenv: Option<super::dotenv::Dotenv>,
    /// Every value that came from a secret source, so it can be masked wherever it is shown.
    secrets: Vec<String>,
}

impl<'a> Resolver<'a> {
    pub fn new(scope: Scope<'a>) -> Self {
        Resolver {
            scope,
            memo: HashMap::new(),
            dynamics: 0,
            dotenv: None,
            secrets: Vec::new(),
        }
    }

    pub fn secrets(&self) -> &[String] {
        &self.secrets
    }

    pub fn into_secrets(self) -> Vec<String> {
        self.secrets
    }

    /// Resolves every placeholder in `template`.
    pub fn resolve(&mut self, template: &str) -> Result<String, ResolveFailure> {
        self.resolve_marked(template).map(|(s, _)| s)
    }

    /// Like [`Resolver::resolve`], also telling whether any part came from a secret.
    pub fn resolve_marked(&mut self, template: &str) -> Result<(String, bool), ResolveFailure> {
        let mut stack = Vec::new();
        self.resolve_inner(template, &mut stack)
    }

    fn resolve_inner(&mut self, template: &str, stack: &mut Vec<String>) -> Result<(String, bool), ResolveFailure> {
        if !template.contains("{{") {
            return Ok((template.to_string(), false));
        }
        let segments = parse(template).map_err(|e| ResolveFailure::Syntax {
            offset: e.offset,
            message: e.message,
        })?;
        let mut out = String::with_capacity(template.len());
        let mut secret = false;
        for seg in segments {
            match seg {
                Segment::Lit(s) => out.push_str(s),
                Segment::Var { name, .. } => {
                    let (v, s) = self.value_of(name, stack)?;
                    secret |= s;
                    out.push_str(&v);
                }
            }
            if out.len() > MAX_VALUE_SIZE {
                return Err(ResolveFailure::TooLarge { chain: stack.clone() });
            }
        }
        Ok((out, secret))
    }

    fn value_of(&mut self, name: &str, stack: &mut Vec<String>) -> Result<(String, bool), ResolveFailure> {
        if let Some(dynamic) = name.strip_prefix('$') {
            self.dynamics += 1;
            return self.dynamic(dynamic).map(|v| (v, false));
        }
        if let Some(var) = name.strip_prefix("env.") {
            let found = self.env_secret(var);
            let v = self.preview_or(found)?;
            if !v.is_empty() && !self.secrets.contains(&v) {
                self.secrets.push(v.clone());
            }
            return Ok((v, true));
        }
        if name.starts_with("keyring.") || name.starts_with("cmd.") {
            let found = self.source_secret(name);
            let v = self.preview_or(found)?;
            if !self.secrets.contains(&v) {
                self.secrets.push(v.clone());
            }
            return Ok((v, true));
        }
        if stack.iter().any(|n| n == name) {
            let mut chain = stack.clone();
            chain.push(name.to_string());
            let start = chain.iter().position(|n| n == name).unwrap_or(0);
            return Err(ResolveFailure::Cycle {
                chain: chain[start..].to_vec(),
            });
        }
        if let Some(done) = self.memo.get(name) {
            return Ok(done.clone());
        }
        let Some(raw) = self.lookup(name) else {
            return Err(ResolveFailure::Unknown { name: name.to_string() });
        };
        if stack.len() >= MAX_DEPTH {
            let mut chain = stack.clone();
            chain.push(name.to_string());
            return Err(ResolveFailure::TooDeep { chain });
        }
        stack.push(name.to_string());
        let dynamics = self.dynamics;
        let r = self.resolve_inner(&raw, stack);
        stack.pop();
        if let Ok(v) = &r {
            if self.dynamics == dynamics {
                self.memo.insert(name.to_string(), v.clone());
            }
        }
        r
    }

    /// The raw (unresolved) value of a plain variable, from the highest-precedence layer that defines it.
    pub fn lookup(&self, name: &str) -> Option<String> {
        if let Some((_, v)) = self.scope.overrides.iter().rev().find(|(k, _)| k == name) {
            return Some(v.clone());
        }
        let find = |vars: &[KeyValue]| {
            vars.iter()
                .rev()
                .find(|kv| kv.enabled && kv.name == name)
                .map(|kv| kv.value.clone())
        };
        if let Some(v) = self.scope.environment.and_then(|e| find(&e.vars)) {
            return Some(v);
        }
        self.scope.folders.iter().rev().find_map(|f| find(&f.defaults.vars))
    }

    /// In a masked preview, a secret that cannot be had is shown as [`MASK`] (it would be masked anyway).
    fn preview_or(&self, r: Result<String, ResolveFailure>) -> Result<String, ResolveFailure> {
        match r {
            Err(ResolveFailure::MissingSecret { .. } | ResolveFailure::SourceFailed { .. } | ResolveFailure::Untrusted { .. })
                if self.scope.masked_preview =>
            {
                Ok(MASK.to_string())
            }
            other => other,
        }
    }

    /// `{{keyring.NAME}}` or `{{cmd.NAME}}` (a trusted command of the collection).
    fn source_secret(&self, full: &str) -> Result<String, ResolveFailure> {
        let failed = |e: super::sources::SourceError| ResolveFailure::SourceFailed {
            name: full.to_string(),
            message: e.message,
            hint: e.hint,
        };
        let once = |key: String, lookup: &dyn Fn() -> Result<String, super::sources::SourceError>| match &self.scope.secrets {
            Some(cache) => cache.get_or(&key, lookup),
            None => lookup(),
        };
        if let Some(name) = full.strip_prefix("keyring.") {
            return once(full.to_string(), &|| super::sources::keyring_get(name)).map_err(failed);
        }
        let name = full.trim_start_matches("cmd.");
        let (Some(root), Some(top)) = (self.scope.collection_root, self.scope.folders.first()) else {
            return Err(ResolveFailure::SourceFailed {
                name: full.to_string(),
                message: format!("`{{{{cmd.{name}}}}}` works only in a request of a collection"),
                hint: "declare the command under [commands] in collection.toml".into(),
            });
        };
        let Some(command) = top.defaults.commands.iter().find(|c| c.enabled && c.name == name) else {
            return Err(ResolveFailure::SourceFailed {
                name: full.to_string(),
                message: format!("no command `{name}` in [commands] of collection.toml"),
                hint: format!("add `{name} = \"your-password-manager show ...\"` under [commands] in collection.toml"),
            });
        };
        if !self.scope.trust.is_trusted(root, &command.value) {
            return Err(ResolveFailure::Untrusted {
                name: name.to_string(),
                command: command.value.clone(),
                collection: root.to_path_buf(),
            });
        }
        let key = format!("cmd\u{0}{}\u{0}{}", root.display(), command.value);
        once(key, &|| super::sources::run_command(root, name, &command.value)).map_err(failed)
    }

    fn env_secret(&mut self, var: &str) -> Result<String, ResolveFailure> {
        if let Ok(v) = std::env::var(var) {
            return Ok(v);
        }
        let dotenv_path = self.scope.collection_root.map(|r| r.join(".env"));
        if self.dotenv.is_none() {
            self.dotenv = Some(dotenv_path.as_deref().map(super::dotenv::read).unwrap_or_default());
        }
        let file = self.dotenv.as_ref();
        match file.and_then(|d| d.values.get(var)) {
            Some(v) => Ok(v.clone()),
            None => Err(ResolveFailure::MissingSecret {
                name: var.to_string(),
                problem: file
                    .and_then(|d| d.problems.first())
                    .zip(dotenv_path.as_ref())
                    .map(|(p, path)| format!("{}:{}:{}: {}", path.display(), p.line, p.col, p.message)),
                dotenv: dotenv_path,
            }),
        }
    }

    fn dynamic(&self, name: &str) -> Result<String, ResolveFailure> {
        let fail = |message: &str| ResolveFailure::Dynamic {
            name: name.to_string(),
            message: message.to_string(),
        };
        let now = std::time::SystemTime::now();
        match name {
            "uuid" => Ok(uuid::Uuid::new_v4().to_string()),
            "timestamp" => Ok(now
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
                .to_string()),
            "isoTimestamp" => Ok(humantime::format_rfc3339_millis(now).to_string()),
            "randomInt" => Ok(fastrand::u32(0..1000).to_string()),
            "demo" => match &self.scope.demo_url {
                Some(f) => f().map_err(|e| fail(&format!("the embedded demo API could not start: {e}"))),
                None => Err(fail("the embedded demo API is not available here")),
            },
            _ => Err(fail(
                "unknown dynamic value; available: $uuid, $timestamp, $isoTimestamp, $randomInt, $demo",
            )),
        }
    }
}

pub use crate::mask::{mask_secrets, MASK};

//! A resolution failure with its context: which file and field, which layers were searched, where else the
//! variable is used. Display is the plain sentence; `hint()` says how to fix it.

use std::fmt;
use std::path::PathBuf;

use super::resolve::ResolveFailure;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub failure: ResolveFailure,
    /// The field being resolved, e.g. `url`, `header X-Token`, `auth token`.
    pub field: String,
    /// The file the field is in (a request file, or a variable's defining file).
    pub file: Option<PathBuf>,
    /// The environment that was selected, if any.
    pub environment: Option<String>,
    /// The layers searched, in precedence order, as shown to the user.
    pub searched: Vec<String>,
    /// Every other place (`file (field)`) that uses the same variable.
    pub used_in: Vec<String>,
    pub suggestion: Option<String>,
    /// Where in `file` the problem is (line, column), when it can be placed.
    pub position: Option<(usize, usize)>,
}

impl TemplateError {
    pub fn new(failure: ResolveFailure, field: impl Into<String>) -> Self {
        TemplateError {
            failure,
            field: field.into(),
            file: None,
            environment: None,
            searched: Vec::new(),
            used_in: Vec::new(),
            suggestion: None,
            position: None,
        }
    }

    /// The variable this error is about, if any.
    pub fn variable(&self) -> Option<&str> {
        match &self.failure {
            ResolveFailure::Unknown { name } | ResolveFailure::UnsupportedSource { name } => Some(name),
            ResolveFailure::Untrusted { name, .. } | ResolveFailure::SourceFailed { name, .. } => Some(name),
            ResolveFailure::MissingSecret { name, .. } => Some(name),
            ResolveFailure::Dynamic { name, .. } => Some(name),
            ResolveFailure::Cycle { chain } | ResolveFailure::TooDeep { chain } | ResolveFailure::TooLarge { chain } => {
                chain.first().map(|s| s.as_str())
            }
            ResolveFailure::Syntax { .. } => None,
        }
    }

    pub fn hint(&self) -> Option<String> {
        let env = self.environment.as_deref();
        match &self.failure {
            ResolveFailure::Unknown { name } => {
                let mut h = String::new();
                if let Some(s) = &self.suggestion {
                    h.push_str(&format!("did you mean `{s}`? "));
                }
                match env {
                    Some(e) => h.push_str(&format!("define `{name}` in environment `{e}` (environments/{e}.toml), a folder.toml or collection.toml [vars], or pass --var {name}=VALUE")),
                    None => h.push_str(&format!("no environment is selected: choose one with --env NAME, or define `{name}` in collection.toml [vars], or pass --var {name}=VALUE")),
                }
                if !self.used_in.is_empty() {
                    h.push_str(&format!("\n  also used in: {}", self.used_in.join(", ")));
                }
                Some(h)
            }
            ResolveFailure::MissingSecret { name, dotenv, problem } => Some(match (dotenv, problem) {
                (_, Some(problem)) => format!("a line of .env could not be read, and it may be the one meant for `{name}`: {problem}"),
                (Some(p), None) => format!(
                    "export {name}=... in your shell, or add a line `{name}=...` to {} (git-ignored; never commit secrets)",
                    p.display()
                ),
                (None, None) => format!("export {name}=... in your shell"),
            }),
            ResolveFailure::Cycle { .. } => Some("a variable cannot depend on itself; give one of them a plain value".into()),
            ResolveFailure::UnsupportedSource { .. } => {
                Some("use {{env.NAME}} (process environment or the collection's .env file) for secrets".into())
            }
            ResolveFailure::Untrusted { collection, .. } => Some(format!(
                "if you trust this collection, allow its commands with `apix trust {}` (asked once per command)",
                collection.display()
            )),
            ResolveFailure::SourceFailed { hint, .. } => (!hint.is_empty()).then(|| hint.clone()),
            ResolveFailure::Dynamic { .. } => None,
            ResolveFailure::Syntax { .. } => Some("placeholders look like {{name}}; close every `{{` with `}}`".into()),
            ResolveFailure::TooDeep { .. } => Some(format!(
                "variables may use other variables {} levels deep; give one in the chain a plain value",
                super::resolve::MAX_DEPTH
            )),
            ResolveFailure::TooLarge { .. } => Some(format!(
                "a value may grow to {} once its variables are filled in; check for a variable that repeats another many times",
                crate::format_size(super::resolve::MAX_VALUE_SIZE as u64)
            )),
        }
    }
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = match (&self.file, self.position) {
            (Some(p), Some((line, col))) => format!("{} at {}:{line}:{col}", self.field, p.display()),
            (Some(p), None) => format!("{} of {}", self.field, p.display()),
            (None, _) => self.field.clone(),
        };
        match &self.failure {
            ResolveFailure::Unknown { name } => {
                write!(f, "unknown variable `{name}` in {place}")?;
                if !self.searched.is_empty() {
                    write!(f, " (searched {})", self.searched.join(", "))?;
                }
                Ok(())
            }
            ResolveFailure::Cycle { chain } => write!(f, "variables refer to each other in a cycle: {} (in {place})", chain_text(chain)),
            ResolveFailure::TooDeep { chain } => write!(
                f,
                "variables use each other more than {} levels deep: {} (in {place})",
                super::resolve::MAX_DEPTH,
                chain_text(chain)
            ),
            ResolveFailure::TooLarge { chain } => write!(
                f,
                "the value grows past {} when its variables are filled in{} (in {place})",
                crate::format_size(super::resolve::MAX_VALUE_SIZE as u64),
                if chain.is_empty() {
                    String::new()
                } else {
                    format!(": {}", chain_text(chain))
                }
            ),
            ResolveFailure::MissingSecret { name, .. } => write!(f, "secret `env.{name}` used in {place} is not set"),
            ResolveFailure::UnsupportedSource { name } => write!(f, "`{name}` in {place}: this secret source is not supported yet"),
            ResolveFailure::Untrusted { name, command, collection } => write!(
                f,
                "secret `cmd.{name}` in {place} needs the command `{command}`, and collection {} is not trusted to run it on this machine",
                collection.display()
            ),
            ResolveFailure::SourceFailed { message, .. } => write!(f, "{message} (used in {place})"),
            ResolveFailure::Dynamic { name, message } => write!(f, "`${name}` in {place}: {message}"),
            ResolveFailure::Syntax { offset, message } => match self.position {
                Some(_) => write!(f, "{message} in {place}"),
                None => write!(f, "{message} in {place}, at character {}", offset + 1),
            },
        }
    }
}

impl std::error::Error for TemplateError {}

/// A chain of variable names, the middle left out when it is long: `a → b → c → … → x → y → z`.
pub fn chain_text(chain: &[String]) -> String {
    if chain.len() <= 8 {
        return chain.join(" → ");
    }
    let mut parts: Vec<&str> = chain[..3].iter().map(String::as_str).collect();
    let hidden = format!("… {} more …", chain.len() - 6);
    parts.push(&hidden);
    parts.extend(chain[chain.len() - 3..].iter().map(String::as_str));
    parts.join(" → ")
}

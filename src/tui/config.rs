//! `config.toml` in the config dir holds only what the user changed:
//!
//! ```toml
//! theme = "light"
//! [keys]
//! send = "ctrl-r"
//! quit = ["q", "ctrl-c"]
//! [limits]
//! memory_cap = "256MB"   # response bodies above this go to a temporary file; the viewer pages from it
//! spill_dir = "/tmp/apix" # where those files go (default: the cache dir)
//! ```
//!
//! A bad file never stops the app: every problem becomes a message and the defaults stay.

use std::path::{Path, PathBuf};

use toml_edit::{Item, Value};

use crate::core::collection::diag::{did_you_mean, line_col};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    pub theme: Option<String>,
    /// Action name → keys, in file order.
    pub keys: Vec<(String, Vec<String>)>,
    /// `[limits] memory_cap`: bodies above it spill to a temporary file (`None`: the default, 256 MB).
    pub memory_cap: Option<u64>,
    /// `[limits] spill_dir`: where those temporary files go (default: the cache dir's `bodies/`).
    pub spill_dir: Option<PathBuf>,
}

pub fn config_path(dir: &Path) -> PathBuf {
    dir.join("config.toml")
}

impl Config {
    /// Reads `config.toml` from `dir`. A missing file is not a problem.
    pub fn load(dir: &Path) -> (Config, Vec<String>) {
        let path = config_path(dir);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Config::default(), Vec::new()),
            Err(e) => (
                Config::default(),
                vec![format!("cannot read {}: {e}; using the defaults", path.display())],
            ),
        }
    }

    pub fn parse(text: &str, origin: &str) -> (Config, Vec<String>) {
        let mut problems = Vec::new();
        let doc = match toml_edit::Document::parse(text.to_string()) {
            Ok(d) => d,
            Err(e) => {
                let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
                problems.push(format!("{origin}:{line}:{col}: {}; using the defaults", e.message().trim()));
                return (Config::default(), problems);
            }
        };
        // `file:line:col` of what a problem is about (the file alone when it has no place).
        let at = |span: Option<std::ops::Range<usize>>| match span {
            Some(s) => {
                let (line, col) = line_col(text, s.start);
                format!("{origin}:{line}:{col}")
            }
            None => origin.to_string(),
        };
        let mut config = Config::default();
        let root = doc.as_table();
        for (key, item) in root.iter() {
            let key_at = at(root.key(key).and_then(|k| k.span()));
            match key {
                "theme" => match item.as_str() {
                    Some(s) => config.theme = Some(s.to_string()),
                    None => problems.push(format!("{}: `theme` must be a string such as \"light\"", at(item.span()))),
                },
                "keys" => match item.as_table_like() {
                    Some(table) => {
                        for (action, value) in table.iter() {
                            match keys_of(value) {
                                Some(keys) => config.keys.push((action.to_string(), keys)),
                                None => problems.push(format!(
                                    "{}: [keys] {action} must be a key such as \"ctrl-r\" or a list of keys",
                                    at(value.span())
                                )),
                            }
                        }
                    }
                    None => problems.push(format!("{key_at}: `keys` must be a table: [keys]")),
                },
                "limits" => match item.as_table_like() {
                    Some(table) => {
                        for (key, value) in table.iter() {
                            match key {
                                "memory_cap" => match size_of(value) {
                                    Some(n) if n > 0 => config.memory_cap = Some(n),
                                    _ => problems.push(format!(
                                        "{}: [limits] memory_cap must be a size such as \"256MB\" or \"1GiB\"",
                                        at(value.span())
                                    )),
                                },
                                "spill_dir" => match value.as_str() {
                                    Some(dir) if !dir.trim().is_empty() => config.spill_dir = Some(PathBuf::from(dir)),
                                    _ => problems.push(format!("{}: [limits] spill_dir must be a folder path", at(value.span()))),
                                },
                                other => {
                                    let hint = did_you_mean(other, ["memory_cap", "spill_dir"])
                                        .map(|s| format!(" (did you mean `{s}`?)"))
                                        .unwrap_or_default();
                                    let place = at(table.get_key_value(other).and_then(|(k, _)| k.span()));
                                    problems.push(format!("{place}: unknown setting [limits] `{other}`{hint}"))
                                }
                            }
                        }
                    }
                    None => problems.push(format!("{key_at}: `limits` must be a table: [limits]")),
                },
                // Read by `core::history::HistoryConfig` (shared with the CLI).
                "history" => {}
                other => {
                    let hint = did_you_mean(other, ["theme", "keys", "limits", "history"])
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    problems.push(format!("{key_at}: unknown setting `{other}`{hint}"));
                }
            }
        }
        (config, problems)
    }
}

fn keys_of(item: &Item) -> Option<Vec<String>> {
    match item.as_value()? {
        Value::String(s) => Some(vec![s.value().clone()]),
        Value::Array(a) => a.iter().map(|v| v.as_str().map(str::to_string)).collect(),
        _ => None,
    }
}

fn size_of(item: &Item) -> Option<u64> {
    match item.as_value()? {
        Value::String(s) => crate::core::collection::parse_size_text(s.value()),
        Value::Integer(n) => u64::try_from(*n.value()).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_overrides() {
        let (c, p) = Config::parse(
            "theme = \"light\"\n[keys]\nsend = \"f5\"\nquit = [\"q\", \"ctrl-q\"]\n",
            "config.toml",
        );
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(c.theme.as_deref(), Some("light"));
        assert_eq!(c.keys[1], ("quit".to_string(), vec!["q".to_string(), "ctrl-q".to_string()]));
    }

    #[test]
    fn bad_files_say_where() {
        let (c, p) = Config::parse("theme = \n", "config.toml");
        assert_eq!(c, Config::default());
        assert!(p[0].starts_with("config.toml:1:"), "{p:?}");
        let (_, p) = Config::parse("thme = \"x\"\n[keys]\nsend = 5\n", "config.toml");
        assert!(p[0].contains("did you mean `theme`"), "{p:?}");
        assert!(p[1].contains("[keys] send"), "{p:?}");
    }

    #[test]
    fn memory_cap_is_a_size() {
        let (c, p) = Config::parse("[limits]\nmemory_cap = \"2MB\"\n", "config.toml");
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(c.memory_cap, Some(2_000_000));
        let (c, p) = Config::parse("[limits]\nmemory_cap = \"lots\"\n", "config.toml");
        assert_eq!(c.memory_cap, None);
        assert!(p[0].contains("memory_cap"), "{p:?}");
    }
}

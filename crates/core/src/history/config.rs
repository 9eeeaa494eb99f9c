//! The `[history]` table of the user's `config.toml`:
//!
//! ```toml
//! [history]
//! enabled = true            # record sends at all
//! max_entries = 10000       # keep the newest N (0 = no limit)
//! max_body_size = "10MB"    # bodies are stored cut at this size
//! max_age_days = 0          # drop entries older than this (0 = keep)
//!
//! [history.collections]     # per collection opt-out, by collection folder
//! "~/work/payments-api" = false
//! ```
//!
//! Only this table is read here; other tables belong to other parts of apix. A wrong value is reported and its
//! default used, so a typo never stops a send.

use std::path::{Path, PathBuf};

use toml_edit::{Item, Value};

use super::identity::absolute;
use crate::collection::parse::parse_size_text;

/// Bodies larger than this are stored truncated (config: `[history] max_body_size`).
pub const DEFAULT_MAX_BODY_SIZE: u64 = 10_000_000;

/// Entries kept before the oldest are dropped (config: `[history] max_entries`).
pub const DEFAULT_MAX_ENTRIES: u64 = 10_000;

pub const CONFIG_FILE: &str = "config.toml";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryConfig {
    pub enabled: bool,
    pub max_entries: u64,
    pub max_body_size: u64,
    /// None keeps entries of any age.
    pub max_age_days: Option<u64>,
    /// Collection roots (absolute) with their own on/off switch.
    pub collections: Vec<(PathBuf, bool)>,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        HistoryConfig {
            enabled: true,
            max_entries: DEFAULT_MAX_ENTRIES,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            max_age_days: None,
            collections: Vec::new(),
        }
    }
}

fn expand_home(p: &str) -> PathBuf {
    match p.strip_prefix("~/") {
        Some(rest) => directories::BaseDirs::new()
            .map(|d| d.home_dir().join(rest))
            .unwrap_or_else(|| PathBuf::from(p)),
        None => PathBuf::from(p),
    }
}

impl HistoryConfig {
    /// Reads `config.toml` in the config dir (`APIX_CONFIG_DIR`); defaults when it is missing. Returns the
    /// problems found, in words, to show as warnings.
    pub fn load() -> (Self, Vec<String>) {
        Self::from_file(&crate::paths::config_dir().join(CONFIG_FILE))
    }

    pub fn from_file(path: &Path) -> (Self, Vec<String>) {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Self::default(), Vec::new()),
            Err(e) => (
                Self::default(),
                vec![format!("cannot read {}: {e}; history uses its defaults", path.display())],
            ),
        }
    }

    pub fn parse(text: &str, file: &str) -> (Self, Vec<String>) {
        let mut c = Self::default();
        let mut warnings = Vec::new();
        let line_col = crate::collection::diag::line_col;
        let doc = match toml_edit::Document::parse(text.to_string()) {
            Ok(d) => d,
            Err(e) => {
                let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
                warnings.push(format!(
                    "{file}:{line}:{col}: not valid TOML ({}); history uses its defaults",
                    e.message().trim()
                ));
                return (c, warnings);
            }
        };
        let at = |span: Option<std::ops::Range<usize>>| match span {
            Some(s) => {
                let (line, col) = line_col(text, s.start);
                format!("{file}:{line}:{col}")
            }
            None => file.to_string(),
        };
        let Some(item) = doc.get("history") else { return (c, warnings) };
        let Some(table) = item.as_table_like() else {
            warnings.push(format!("{}: `history` must be a table ([history])", at(item.span())));
            return (c, warnings);
        };
        let bad = |value: &Item, key: &str, want: &str| format!("{}: [history] {key} must be {want}; using the default", at(value.span()));
        for (key, value) in table.iter() {
            match key {
                "enabled" => match value.as_bool() {
                    Some(b) => c.enabled = b,
                    None => warnings.push(bad(value, key, "true or false")),
                },
                "max_entries" => match value.as_integer().and_then(|n| u64::try_from(n).ok()) {
                    Some(n) => c.max_entries = n,
                    None => warnings.push(bad(value, key, "a whole number (0 for no limit)")),
                },
                "max_age_days" => match value.as_integer().and_then(|n| u64::try_from(n).ok()) {
                    Some(n) => c.max_age_days = (n > 0).then_some(n),
                    None => warnings.push(bad(value, key, "a whole number of days (0 to keep everything)")),
                },
                "max_body_size" => {
                    let size = match value.as_value() {
                        Some(Value::String(s)) => parse_size_text(s.value()),
                        Some(Value::Integer(n)) => u64::try_from(*n.value()).ok(),
                        _ => None,
                    };
                    match size {
                        Some(n) => c.max_body_size = n,
                        None => warnings.push(bad(value, key, "a size such as \"10MB\" or a number of bytes")),
                    }
                }
                "collections" => match value {
                    Item::Table(_) | Item::Value(Value::InlineTable(_)) => {
                        for (path, on) in value.as_table_like().into_iter().flat_map(|t| t.iter()) {
                            match on.as_bool() {
                                Some(on) => c.collections.push((absolute(&expand_home(path)), on)),
                                None => warnings.push(bad(on, &format!("collections.\"{path}\""), "true or false")),
                            }
                        }
                    }
                    _ => warnings.push(bad(value, key, "a table of collection folder = true/false")),
                },
                other => warnings.push(format!(
                    "{}: unknown key `{other}` in [history] (known: enabled, max_entries, max_body_size, max_age_days, collections)",
                    at(table.get_key_value(other).and_then(|(k, _)| k.span()))
                )),
            }
        }
        (c, warnings)
    }

    /// Whether a send from this collection (None for ad hoc requests) is recorded.
    pub fn records(&self, collection_root: Option<&Path>) -> bool {
        if !self.enabled {
            return false;
        }
        let Some(root) = collection_root else { return true };
        let root = absolute(root);
        // The most specific folder wins; of equal ones, the last written.
        self.collections
            .iter()
            .filter(|(p, _)| root.starts_with(p))
            .max_by_key(|(p, _)| p.components().count())
            .map(|(_, on)| *on)
            .unwrap_or(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key_and_reports_bad_ones() {
        let (c, w) = HistoryConfig::parse(
            "[theme]\nname = 'x'\n[history]\nenabled = true\nmax_entries = 500\nmax_body_size = \"2MB\"\nmax_age_days = 30\n\
             [history.collections]\n\"/tmp/secret-api\" = false\n",
            "config.toml",
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!((c.max_entries, c.max_body_size, c.max_age_days), (500, 2_000_000, Some(30)));
        assert!(!c.records(Some(Path::new("/tmp/secret-api"))));
        assert!(c.records(Some(Path::new("/tmp/other-api"))));
        assert!(c.records(None));
        let (c, _) = HistoryConfig::parse("[history.collections]\n\"/tmp/a/b\" = true\n\"/tmp/a\" = false\n", "config.toml");
        assert!(c.records(Some(Path::new("/tmp/a/b/c"))) && !c.records(Some(Path::new("/tmp/a/x"))));

        let (c, w) = HistoryConfig::parse("[history]\nmax_entries = \"lots\"\nmax_body = 1\n", "config.toml");
        assert_eq!(c.max_entries, DEFAULT_MAX_ENTRIES);
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            w[0].starts_with("config.toml:2:15: [history] max_entries must be a whole number"),
            "{w:?}"
        );
        assert!(w[1].starts_with("config.toml:3:1: unknown key `max_body`"), "{w:?}");
    }

    #[test]
    fn disabled_means_nothing_is_recorded() {
        let (c, _) = HistoryConfig::parse("[history]\nenabled = false\n", "config.toml");
        assert!(!c.records(None));
        let (c, w) = HistoryConfig::parse("not toml [", "config.toml");
        assert!(c.enabled && w.len() == 1);
    }
}

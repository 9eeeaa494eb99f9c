//! Which collections may run which commands on this machine: `data_dir()/trust.json`, keyed by the collection's
//! path and the exact command text. A collection pulled from git runs nothing until its user trusts it here, and a
//! changed command needs trusting again.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The trust record that lets a collection send files from outside its folder (`[body] file = "../x"`, an absolute
/// path, a link that leads out). Recorded like a command, once per collection and machine.
pub const OUTSIDE_FILES: &str = "<send files from outside the collection>";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustEntry {
    /// The collection root, canonicalised.
    pub collection: String,
    pub command: String,
    /// Unix seconds.
    pub trusted_at: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct TrustFile {
    #[serde(default)]
    trusted: Vec<TrustEntry>,
}

/// The trust records in one file (the data dir's `trust.json` unless a test says otherwise).
#[derive(Debug, Clone)]
pub struct TrustStore {
    pub path: PathBuf,
}

impl Default for TrustStore {
    fn default() -> Self {
        TrustStore {
            path: crate::paths::data_dir().join("trust.json"),
        }
    }
}

pub fn collection_key(root: &Path) -> String {
    std::fs::canonicalize(root)
        .unwrap_or_else(|_| root.to_path_buf())
        .display()
        .to_string()
}

impl TrustStore {
    fn read(&self) -> TrustFile {
        std::fs::read_to_string(&self.path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    pub fn entries(&self) -> Vec<TrustEntry> {
        self.read().trusted
    }

    pub fn is_trusted(&self, root: &Path, command: &str) -> bool {
        let key = collection_key(root);
        self.read().trusted.iter().any(|e| e.collection == key && e.command == command)
    }

    pub fn trust(&self, root: &Path, command: &str) -> std::io::Result<()> {
        if self.is_trusted(root, command) {
            return Ok(());
        }
        let mut file = self.read();
        file.trusted.push(TrustEntry {
            collection: collection_key(root),
            command: command.to_string(),
            trusted_at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
        });
        self.write(&file)
    }

    /// Forgets every command trusted for `root`; returns how many there were.
    pub fn revoke(&self, root: &Path) -> std::io::Result<usize> {
        let key = collection_key(root);
        let mut file = self.read();
        let before = file.trusted.len();
        file.trusted.retain(|e| e.collection != key);
        let removed = before - file.trusted.len();
        if removed > 0 {
            self.write(&file)?;
        }
        Ok(removed)
    }

    fn write(&self, file: &TrustFile) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let json = serde_json::to_vec_pretty(file).map_err(std::io::Error::other)?;
        crate::fsutil::write_atomic(&self.path, &json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_is_per_collection_and_command() {
        let dir = tempfile::tempdir().unwrap();
        let store = TrustStore {
            path: dir.path().join("data/trust.json"),
        };
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        assert!(!store.is_trusted(&a, "pass show x"));
        store.trust(&a, "pass show x").unwrap();
        assert!(store.is_trusted(&a, "pass show x"));
        assert!(!store.is_trusted(&a, "pass show y"), "a changed command needs trusting again");
        assert!(!store.is_trusted(&b, "pass show x"), "another collection is not trusted");
        assert_eq!(store.revoke(&a).unwrap(), 1);
        assert!(!store.is_trusted(&a, "pass show x"));
    }
}

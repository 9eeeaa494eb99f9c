//! Which collection request an entry belongs to, in a way that survives renames and moves.
//!
//! An entry stores the collection root, the request file's path relative to it, and a fingerprint of what the
//! request is (method, URL template and an explicit `name`). Looking a request up matches the path first; entries
//! whose file no longer exists are then matched by fingerprint, which is how history follows a `git mv` made
//! outside apix. apix's own renames call [`crate::history::HistoryStore::rename`] and need no guessing.

use std::path::{Path, PathBuf};

use crate::collection::{collection_root_of, load_collection, Collection, RequestDef};

/// A request as history knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRef {
    /// The collection root (the folder holding `collection.toml`), absolute.
    pub collection: PathBuf,
    /// The request file relative to the collection root, with `/` separators.
    pub path: String,
    /// The current file's fingerprint, when the file exists and loads.
    pub fingerprint: Option<String>,
}

impl RequestRef {
    /// From a loaded request of the collection rooted at `collection`.
    pub fn from_def(collection: &Path, def: &RequestDef) -> Self {
        RequestRef {
            collection: absolute(collection),
            path: relative_path(collection, &def.path),
            fingerprint: Some(fingerprint(def)),
        }
    }

    /// From a request of a loaded collection. When another request of the collection has the same fingerprint (a
    /// copy), following renames by fingerprint would be a guess, so the fingerprint is left out.
    pub fn from_collection(collection: &Collection, def: &RequestDef) -> Self {
        let mut r = Self::from_def(&collection.root, def);
        let twins = collection
            .requests()
            .into_iter()
            .filter(|d| Some(fingerprint(d)) == r.fingerprint)
            .count();
        if twins > 1 {
            r.fingerprint = None;
        }
        r
    }

    /// From a request file path given by a person: finds its collection and, when the file loads, its fingerprint.
    /// A file that no longer exists still names its entries by path, if its collection folder can be found.
    pub fn from_file(file: &Path) -> Option<Self> {
        let abs = absolute(file);
        let root = absolute(&collection_root_of(&abs)?);
        if abs.is_file() {
            let collection = load_collection(&root);
            if let Some(def) = collection.find_request(&abs) {
                return Some(Self::from_collection(&collection, def));
            }
        }
        Some(RequestRef {
            path: relative_path(&root, &abs),
            collection: root,
            fingerprint: None,
        })
    }

    /// The absolute path of the request file.
    pub fn file(&self) -> PathBuf {
        self.collection.join(&self.path)
    }
}

/// The canonical form when the path exists, else the path made absolute against the working directory.
pub(crate) fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    // A deleted file: canonicalise the nearest existing ancestor and keep the rest as written.
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map(|d| d.join(p)).unwrap_or_else(|_| p.to_path_buf())
    };
    for ancestor in abs.ancestors().skip(1) {
        if let (Ok(base), Ok(rest)) = (std::fs::canonicalize(ancestor), abs.strip_prefix(ancestor)) {
            return base.join(rest);
        }
    }
    abs
}

/// `file` relative to `root`, with `/` separators; the absolute path when it is outside.
pub(crate) fn relative_path(root: &Path, file: &Path) -> String {
    let root = absolute(root);
    let file = absolute(file);
    let rel = file.strip_prefix(&root).map(Path::to_path_buf).unwrap_or(file);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// A stable fingerprint of a request's identity: method, URL template (whitespace inside `{{ }}` and trailing
/// slashes ignored) and its `name` when the file sets one (a name taken from the file name would change with it).
pub fn fingerprint(def: &RequestDef) -> String {
    let stem = def.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name = if def.name == stem { "" } else { def.name.trim() };
    let text = format!(
        "{}\n{}\n{}",
        def.method.trim().to_ascii_uppercase(),
        normalise_url_template(&def.url),
        name
    );
    format!("{:016x}", fnv1a64(text.as_bytes()))
}

fn normalise_url_template(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let mut rest = url.trim();
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        match rest[start..].find("}}") {
            Some(end) => {
                let inner: String = rest[start + 2..start + end].chars().filter(|c| !c.is_whitespace()).collect();
                out.push_str("{{");
                out.push_str(&inner);
                out.push_str("}}");
                rest = &rest[start + end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.trim_end_matches('/').to_string()
}

/// FNV-1a: tiny, and stable across Rust versions (unlike `DefaultHasher`), which a stored fingerprint needs.
fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(path: &str, name: &str, url: &str) -> RequestDef {
        let mut d = RequestDef::new(PathBuf::from(path), name);
        d.url = url.into();
        d
    }

    #[test]
    fn fingerprint_ignores_file_name_and_template_spacing() {
        let a = def("/c/users/list.toml", "list", "{{ base_url }}/users/");
        let b = def("/c/people/all-users.toml", "all-users", "{{base_url}}/users");
        assert_eq!(fingerprint(&a), fingerprint(&b));
        let c = def("/c/users/list.toml", "list", "{{base_url}}/teams");
        assert_ne!(fingerprint(&a), fingerprint(&c));
        let named = def("/c/users/list.toml", "List users", "{{base_url}}/users");
        assert_ne!(fingerprint(&a), fingerprint(&named), "an explicit name is part of the identity");
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c, "FNV-1a reference value");
    }

    #[test]
    fn relative_paths_use_forward_slashes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("users")).unwrap();
        std::fs::write(dir.path().join("users/get.toml"), "").unwrap();
        assert_eq!(relative_path(dir.path(), &dir.path().join("users/get.toml")), "users/get.toml");
        assert_eq!(relative_path(dir.path(), &dir.path().join("gone/x.toml")), "gone/x.toml");
    }
}

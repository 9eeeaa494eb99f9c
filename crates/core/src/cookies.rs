//! The cookie jar: one per collection and environment, in `data_dir()/cookies/`, never in the collection.
//!
//! Matching follows RFC 6265 (domain, path, expiry, `Secure`, `HttpOnly`) through the `cookie_store` crate. Session
//! cookies (no `Expires`/`Max-Age`) are kept until the jar is cleared, as API clients do: a login in one `apix send`
//! must hold for the next. Several processes (the TUI, `apix send` in another terminal) share one jar file: a send
//! records the `Set-Cookie` headers it received, and [`CookieJar::persist`] re-reads the file under a lock, applies
//! them, and writes it back atomically, so that no process loses another's cookies.
//!
//! Cookie values are credentials: callers mask them wherever they are shown and history never stores them.

use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use cookie_store::CookieStore;
use url::Url;

use crate::fsutil::write_private_with;

/// A problem with the jar file, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cookie jar {}: {detail}", path.display())]
pub struct JarError {
    pub path: PathBuf,
    pub detail: String,
}

/// One stored cookie, for listings (the value is a secret: mask it unless asked).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CookieInfo {
    pub name: String,
    pub value: String,
    /// The domain it is sent to; `host_only` when it goes to that exact host only.
    pub domain: String,
    pub host_only: bool,
    pub path: String,
    /// Unix seconds; `None` for a session cookie.
    pub expires: Option<i64>,
    pub secure: bool,
    pub http_only: bool,
}

#[derive(Debug, Default)]
struct State {
    store: CookieStore,
    /// `Set-Cookie` values received since the last persist, with the URL that sent them.
    pending: Vec<(String, Url)>,
    /// The file's modification time when it was last read, to notice other processes' writes.
    loaded: Option<SystemTime>,
}

/// A cookie jar shared by the sends of one collection and environment (or one ad hoc redirect chain).
#[derive(Debug)]
pub struct CookieJar {
    state: Mutex<State>,
    file: Option<PathBuf>,
}

impl PartialEq for CookieJar {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for CookieJar {}

pub fn default_dir() -> PathBuf {
    crate::paths::data_dir().join("cookies")
}

/// The jar file of a collection and environment.
pub fn jar_path(dir: &Path, collection_root: &Path, environment: Option<&str>) -> PathBuf {
    let root = std::fs::canonicalize(collection_root).unwrap_or_else(|_| collection_root.to_path_buf());
    let key = format!("{}\u{0}{}", root.display(), environment.unwrap_or_default());
    let hash: String = {
        use sha2::Digest;
        sha2::Sha256::digest(key.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    };
    let slug: String = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(40)
        .collect();
    let env: String = environment
        .unwrap_or("none")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(40)
        .collect();
    dir.join(format!("{slug}-{env}-{}.json", hash.get(..16).unwrap_or(&hash)))
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn read_store(path: &Path) -> Result<CookieStore, JarError> {
    let err = |detail: String| JarError {
        path: path.to_path_buf(),
        detail,
    };
    match std::fs::File::open(path) {
        Ok(f) => {
            let meta = f.metadata().map_err(|e| err(e.to_string()))?;
            if !meta.is_file() || meta.len() > 16 << 20 {
                return Err(err(
                    "is not a regular file of a reasonable size; remove it to start an empty jar".into()
                ));
            }
            cookie_store::serde::json::load(BufReader::new(f))
                .map_err(|e| err(format!("cannot be read ({e}); `apix cookies clear` starts an empty jar")))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(CookieStore::default()),
        Err(e) => Err(err(e.to_string())),
    }
}

impl CookieJar {
    /// A jar that lives in memory only (an ad hoc send's redirect chain).
    pub fn in_memory() -> Arc<CookieJar> {
        Arc::new(CookieJar {
            state: Mutex::new(State::default()),
            file: None,
        })
    }

    /// The jar of a collection and environment in `dir` (usually [`default_dir`]); empty when there is no file yet.
    pub fn open(dir: &Path, collection_root: &Path, environment: Option<&str>) -> Result<Arc<CookieJar>, JarError> {
        let path = jar_path(dir, collection_root, environment);
        let store = read_store(&path)?;
        Ok(Arc::new(CookieJar {
            state: Mutex::new(State {
                store,
                pending: Vec::new(),
                loaded: modified(&path),
            }),
            file: Some(path),
        }))
    }

    pub fn path(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Re-reads the file when another process changed it since it was read (a long-lived TUI jar).
    pub fn refresh(&self) {
        let Some(path) = &self.file else { return };
        let mut st = self.state();
        let now = modified(path);
        if now != st.loaded {
            if let Ok(store) = read_store(path) {
                st.store = store;
                // What this process received but has not written yet still applies on top.
                let pending = st.pending.clone();
                for (raw, url) in &pending {
                    let _ = st.store.parse(raw, url);
                }
                st.loaded = now;
            }
        }
    }

    /// The `Cookie` header value for a request to `url`, and the values in it (to mask).
    pub fn header_for(&self, url: &Url) -> Option<(String, Vec<String>)> {
        let st = self.state();
        // RFC 6265 5.4: longer paths first; then by name, so the header is the same on every send.
        let mut cookies = st.store.matches(url);
        cookies.sort_by(|a, b| b.path.len().cmp(&a.path.len()).then_with(|| a.name().cmp(b.name())));
        let pairs: Vec<(String, String)> = cookies.iter().map(|c| (c.name().to_string(), c.value().to_string())).collect();
        if pairs.is_empty() {
            return None;
        }
        let header = pairs.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ");
        Some((header, pairs.into_iter().map(|(_, v)| v).collect()))
    }

    /// Takes the `Set-Cookie` headers of a response from `url`; returns the values stored (to mask).
    pub fn store_response(&self, url: &Url, set_cookies: &[&str]) -> Vec<String> {
        let mut st = self.state();
        let mut values = Vec::new();
        for raw in set_cookies {
            if st.store.parse(raw, url).is_ok() {
                if let Ok(c) = cookie_store::RawCookie::parse(raw.to_string()) {
                    values.push(c.value().to_string());
                }
                st.pending.push((raw.to_string(), url.clone()));
            }
        }
        values
    }

    /// Writes what this jar received to its file, merged with what other processes wrote meanwhile.
    pub fn persist(&self) -> Result<(), JarError> {
        let Some(path) = &self.file else { return Ok(()) };
        let pending = std::mem::take(&mut self.state().pending);
        if pending.is_empty() {
            return Ok(());
        }
        let result = self.rewrite(path, |store| {
            for (raw, url) in &pending {
                let _ = store.parse(raw, url);
            }
        });
        if result.is_err() {
            // Keep them for the next try.
            self.state().pending.extend(pending);
        }
        result
    }

    /// Removes every cookie (or those of one domain, matched as the listing shows it).
    pub fn clear(&self, domain: Option<&str>) -> Result<usize, JarError> {
        let mut removed = 0;
        let mut edit = |store: &mut CookieStore| {
            let all: Vec<(String, String, String)> = store
                .iter_any()
                .map(|c| (domain_of(c).0, c.path.to_string(), c.name().to_string()))
                .collect();
            for (d, p, n) in all {
                if domain.is_none_or(|want| want.trim_start_matches('.').eq_ignore_ascii_case(&d)) && store.remove(&d, &p, &n).is_some() {
                    removed += 1;
                }
            }
        };
        match &self.file {
            Some(path) => self.rewrite(path, &mut edit)?,
            None => edit(&mut self.state().store),
        }
        self.state().pending.clear();
        Ok(removed)
    }

    /// Every unexpired cookie, sorted by domain, path and name.
    pub fn list(&self) -> Vec<CookieInfo> {
        let st = self.state();
        let mut out: Vec<CookieInfo> = st
            .store
            .iter_unexpired()
            .map(|c| {
                let (domain, host_only) = domain_of(c);
                CookieInfo {
                    name: c.name().to_string(),
                    value: c.value().to_string(),
                    domain,
                    host_only,
                    path: c.path.to_string(),
                    expires: match &c.expires {
                        cookie_store::CookieExpiration::AtUtc(t) => Some(t.unix_timestamp()),
                        cookie_store::CookieExpiration::SessionEnd => None,
                    },
                    secure: c.secure().unwrap_or(false),
                    http_only: c.http_only().unwrap_or(false),
                }
            })
            .collect();
        out.sort_by(|a, b| (&a.domain, &a.path, &a.name).cmp(&(&b.domain, &b.path, &b.name)));
        out
    }

    /// Locks the file, applies `edit` to what is on disk now, writes it back atomically (owner-only).
    fn rewrite(&self, path: &Path, edit: impl FnOnce(&mut CookieStore)) -> Result<(), JarError> {
        let err = |detail: String| JarError {
            path: path.to_path_buf(),
            detail,
        };
        if let Some(dir) = path.parent() {
            crate::fsutil::create_private_dir(dir).map_err(|e| err(format!("cannot create its folder: {e}")))?;
        }
        let lock_path = path.with_extension("lock");
        let lock = crate::fsutil::open_private(&lock_path).map_err(|e| err(format!("cannot open the lock file: {e}")))?;
        lock.lock().map_err(|e| err(format!("cannot lock it: {e}")))?;
        let mut store = read_store(path)?;
        edit(&mut store);
        let written = write_private_with(path, |f| {
            cookie_store::serde::json::save_incl_expired_and_nonpersistent(&store, f).map_err(|e| std::io::Error::other(e.to_string()))
        })
        .map_err(|e| err(format!("cannot be written: {e}")));
        let _ = lock.unlock();
        written?;
        let mut st = self.state();
        st.store = store;
        st.loaded = modified(path);
        Ok(())
    }
}

fn domain_of(c: &cookie_store::Cookie<'_>) -> (String, bool) {
    match &c.domain {
        cookie_store::CookieDomain::HostOnly(d) => (d.clone(), true),
        cookie_store::CookieDomain::Suffix(d) => (d.clone(), false),
        _ => (String::new(), true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn rfc6265_matching_domain_path_secure() {
        let jar = CookieJar::in_memory();
        jar.store_response(
            &url("https://api.example.com/v1/login"),
            &["sid=abc123; Path=/v1; Secure; HttpOnly"],
        );
        jar.store_response(&url("https://api.example.com/"), &["wide=1; Domain=example.com; Path=/"]);
        let header = |u: &str| jar.header_for(&url(u)).map(|(h, _)| h);
        assert_eq!(header("https://api.example.com/v1/users").as_deref(), Some("sid=abc123; wide=1"));
        assert_eq!(
            header("https://api.example.com/v2").as_deref(),
            Some("wide=1"),
            "path does not match /v1"
        );
        assert_eq!(
            header("http://api.example.com/v1/x").as_deref(),
            Some("wide=1"),
            "Secure needs https"
        );
        assert_eq!(header("https://www.example.com/").as_deref(), Some("wide=1"), "domain cookie");
        assert_eq!(header("https://other.test/"), None);
        // A domain the response's host does not belong to is refused.
        jar.store_response(&url("https://api.example.com/"), &["evil=1; Domain=other.test"]);
        assert_eq!(header("https://other.test/"), None);
        // Expiry in the past removes.
        jar.store_response(&url("https://api.example.com/"), &["wide=; Domain=example.com; Path=/; Max-Age=0"]);
        assert_eq!(header("https://www.example.com/"), None);
    }

    #[test]
    fn persisted_jars_merge_writes_of_two_processes() {
        let dir = tempfile::tempdir().unwrap();
        let coll = tempfile::tempdir().unwrap();
        let a = CookieJar::open(dir.path(), coll.path(), Some("dev")).unwrap();
        let b = CookieJar::open(dir.path(), coll.path(), Some("dev")).unwrap();
        a.store_response(&url("http://127.0.0.1:1/"), &["a=1"]);
        b.store_response(&url("http://127.0.0.1:1/"), &["b=2"]);
        a.persist().unwrap();
        b.persist().unwrap();
        let c = CookieJar::open(dir.path(), coll.path(), Some("dev")).unwrap();
        let names: Vec<String> = c.list().into_iter().map(|i| i.name).collect();
        assert_eq!(names, ["a", "b"]);
        // Another environment has its own jar.
        assert!(CookieJar::open(dir.path(), coll.path(), Some("prod")).unwrap().list().is_empty());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(c.path().unwrap()).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert_eq!(c.clear(None).unwrap(), 2);
        assert!(CookieJar::open(dir.path(), coll.path(), Some("dev")).unwrap().list().is_empty());
    }
}

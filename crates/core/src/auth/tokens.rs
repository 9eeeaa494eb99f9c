//! The token cache: one JSON file per collection + environment + auth config under `data_dir()/tokens/`, written
//! atomically with owner-only permissions. Tokens never go into the collection; they are secrets everywhere else.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::collection::OAuth2Auth;
use crate::fsutil::write_atomic_with;

use super::error::{AuthError, AuthErrorKind};

pub fn default_dir() -> PathBuf {
    crate::paths::data_dir().join("tokens")
}

/// Which cache file a token lives in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenKey {
    /// Hex SHA-256 of collection path, environment and the (resolved) auth config, shortened.
    pub hash: String,
    pub collection: Option<String>,
    pub environment: Option<String>,
}

impl TokenKey {
    pub fn new(collection: Option<&Path>, environment: Option<&str>, config: &OAuth2Auth) -> TokenKey {
        let collection = collection.map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()).display().to_string());
        let mut scopes = config.scopes.clone();
        scopes.sort();
        let parts = [
            collection.clone().unwrap_or_default(),
            environment.unwrap_or_default().to_string(),
            config.grant.as_str().to_string(),
            config.token_url.clone(),
            config.auth_url.clone().unwrap_or_default(),
            config.device_url.clone().unwrap_or_default(),
            config.client_id.clone(),
            scopes.join(" "),
        ];
        let hash = super::sigv4::sha256_hex(parts.join("\u{0}").as_bytes());
        TokenKey {
            hash: hash.get(..32).unwrap_or(&hash).to_string(),
            collection,
            environment: environment.map(str::to_string),
        }
    }

    pub fn path(&self, dir: &Path) -> PathBuf {
        dir.join(format!("{}.json", self.hash))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredToken {
    pub access_token: String,
    #[serde(default)]
    pub token_type: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// Unix seconds; `None` when the provider did not say (the token is used until a request is refused).
    #[serde(default)]
    pub expires_at: Option<u64>,
    pub obtained_at: u64,
    /// Granted scopes (the requested ones when the provider did not list them).
    #[serde(default)]
    pub scopes: Vec<String>,
    // What the token is for, so a person reading the data dir can tell the files apart.
    #[serde(default)]
    pub grant: String,
    #[serde(default)]
    pub token_url: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub collection: Option<String>,
    #[serde(default)]
    pub environment: Option<String>,
}

pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

impl StoredToken {
    /// True while the token can still be sent: not expired, with a margin of a quarter of its lifetime (at most
    /// 30 s) so it does not expire in flight.
    pub fn is_fresh(&self, now: u64) -> bool {
        match self.expires_at {
            None => true,
            Some(at) => {
                let margin = (at.saturating_sub(self.obtained_at) / 4).min(30);
                now + margin < at
            }
        }
    }

    pub fn status(&self) -> TokenStatus {
        let now = unix_now();
        TokenStatus {
            valid_until: self.expires_at.map(|s| UNIX_EPOCH + Duration::from_secs(s)),
            fresh: self.is_fresh(now),
            scopes: self.scopes.clone(),
            refreshable: self.refresh_token.is_some(),
            obtained_at: UNIX_EPOCH + Duration::from_secs(self.obtained_at),
            token_type: self.token_type.clone(),
        }
    }
}

/// What the TUI and `apix auth status` show about a cached token (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenStatus {
    pub valid_until: Option<SystemTime>,
    /// Usable now (not expired, not about to).
    pub fresh: bool,
    pub scopes: Vec<String>,
    pub refreshable: bool,
    pub obtained_at: SystemTime,
    pub token_type: String,
}

impl TokenStatus {
    /// "valid until 2025-01-02 10:00:00 UTC (in 4m 10s); scopes: read write; refreshable".
    pub fn summary(&self) -> String {
        let now = SystemTime::now();
        let mut s = match self.valid_until {
            Some(t) => {
                let when = humantime::format_rfc3339_seconds(t)
                    .to_string()
                    .replace('T', " ")
                    .replace('Z', " UTC");
                match t.duration_since(now) {
                    Ok(left) if self.fresh => format!("valid until {when} (in {})", short(left)),
                    Ok(_) => format!("expiring at {when}"),
                    Err(e) => format!("expired at {when} ({} ago)", short(e.duration())),
                }
            }
            None => "valid (the provider gave no expiry)".to_string(),
        };
        if !self.scopes.is_empty() {
            s.push_str(&format!("; scopes: {}", self.scopes.join(" ")));
        }
        s.push_str(if self.refreshable { "; refreshable" } else { "; no refresh token" });
        s
    }
}

fn short(d: Duration) -> String {
    humantime::format_duration(Duration::from_secs(d.as_secs().max(1))).to_string()
}

fn storage(problem: String) -> AuthError {
    AuthError::new(AuthErrorKind::Storage, "token cache", problem)
}

/// The cached token, if any. A file that cannot be read as a token counts as no token (it will be replaced).
pub fn load(dir: &Path, key: &TokenKey) -> Option<StoredToken> {
    let text = std::fs::read_to_string(key.path(dir)).ok()?;
    serde_json::from_str(&text).ok()
}

pub fn save(dir: &Path, key: &TokenKey, token: &StoredToken) -> Result<(), AuthError> {
    std::fs::create_dir_all(dir).map_err(|e| storage(format!("cannot create {}: {e}", dir.display())))?;
    restrict(dir, 0o700);
    let path = key.path(dir);
    let json = serde_json::to_vec_pretty(token).map_err(|e| storage(e.to_string()))?;
    write_atomic_with(&path, |file| {
        // Owner-only before the first byte is written.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        std::io::Write::write_all(file, &json)
    })
    .map_err(|e| storage(format!("cannot write {}: {e}", path.display())))
}

/// Deletes the cached token; false when there was none.
pub fn forget(dir: &Path, key: &TokenKey) -> Result<bool, AuthError> {
    match std::fs::remove_file(key.path(dir)) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(storage(format!("cannot delete {}: {e}", key.path(dir).display()))),
    }
}

fn restrict(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(obtained: u64, expires: Option<u64>) -> StoredToken {
        StoredToken {
            access_token: "a".into(),
            token_type: "bearer".into(),
            refresh_token: None,
            expires_at: expires,
            obtained_at: obtained,
            scopes: vec![],
            grant: String::new(),
            token_url: String::new(),
            client_id: String::new(),
            collection: None,
            environment: None,
        }
    }

    #[test]
    fn freshness_keeps_a_margin() {
        assert!(token(1000, Some(4600)).is_fresh(4000));
        assert!(!token(1000, Some(4600)).is_fresh(4571), "30 s margin on a long-lived token");
        assert!(token(1000, Some(1004)).is_fresh(1002));
        assert!(!token(1000, Some(1004)).is_fresh(1003));
        assert!(token(1000, None).is_fresh(u64::MAX / 2));
    }

    #[test]
    fn saved_tokens_are_owner_only_and_keyed_by_environment() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = OAuth2Auth::default();
        let a = TokenKey::new(Some(dir.path()), Some("staging"), &cfg);
        let b = TokenKey::new(Some(dir.path()), Some("prod"), &cfg);
        assert_ne!(a.hash, b.hash);
        save(dir.path(), &a, &token(1, Some(2))).unwrap();
        assert_eq!(load(dir.path(), &a).map(|t| t.obtained_at), Some(1));
        assert!(load(dir.path(), &b).is_none());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(a.path(dir.path())).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(forget(dir.path(), &a).unwrap());
        assert!(!forget(dir.path(), &a).unwrap());
    }
}

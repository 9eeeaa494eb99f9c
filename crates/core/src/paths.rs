//! Where apix keeps its own files. Tests and scripts override each directory with an environment variable so
//! they never touch the real home: `APIX_CONFIG_DIR`, `APIX_DATA_DIR`, `APIX_CACHE_DIR`, `APIX_LOG_DIR`.

use std::path::PathBuf;

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "apix")
}

fn from_env_or(var: &str, fallback: impl FnOnce(&directories::ProjectDirs) -> PathBuf) -> PathBuf {
    if let Some(dir) = std::env::var_os(var).filter(|v| !v.is_empty()) {
        return PathBuf::from(dir);
    }
    match project_dirs() {
        Some(dirs) => fallback(&dirs),
        // No home directory (a bare container): keep files beside the working directory rather than fail.
        None => PathBuf::from(".apix"),
    }
}

/// `config.toml` and user themes live here.
pub fn config_dir() -> PathBuf {
    from_env_or("APIX_CONFIG_DIR", |d| d.config_dir().to_path_buf())
}

/// History database, token cache and trust records live here.
pub fn data_dir() -> PathBuf {
    from_env_or("APIX_DATA_DIR", |d| d.data_dir().to_path_buf())
}

/// Spilled bodies and other disposable files live here.
pub fn cache_dir() -> PathBuf {
    from_env_or("APIX_CACHE_DIR", |d| d.cache_dir().to_path_buf())
}

/// The log files live here: `APIX_LOG_DIR`; else `logs` in `APIX_DATA_DIR` when that is set (a script or test that
/// moves apix's data moves its log too); else the platform's state folder (`~/.local/state/apix/logs` on Linux), or
/// the cache folder where there is none.
pub fn log_dir() -> PathBuf {
    if let Some(data) = std::env::var_os("APIX_DATA_DIR").filter(|v| !v.is_empty() && std::env::var_os("APIX_LOG_DIR").is_none()) {
        return PathBuf::from(data).join("logs");
    }
    from_env_or("APIX_LOG_DIR", |d| match d.state_dir() {
        Some(state) => state.join("logs"),
        None => d.cache_dir().join("logs"),
    })
}

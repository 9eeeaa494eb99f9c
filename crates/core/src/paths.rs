//! Where apix keeps its own files. Tests and scripts override each directory with an environment variable so
//! they never touch the real home: `APIX_CONFIG_DIR`, `APIX_DATA_DIR`, `APIX_CACHE_DIR`.

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

//! History failures in plain words, each naming the database file and what to do about it.

use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum HistoryError {
    #[error("cannot create the history folder {dir}: {detail}")]
    CreateDir { dir: PathBuf, detail: String },
    #[error("the history database {path} is damaged ({detail})")]
    Corrupt { path: PathBuf, detail: String },
    #[error("the history database {path} stayed locked by another apix process for more than {secs} s")]
    Busy { path: PathBuf, secs: u64 },
    #[error("the history database {path} was written by a newer apix (schema version {found}; this apix knows up to {known})")]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("history entry #{0} does not exist (it may have been pruned)")]
    NotFound(i64),
    #[error("cannot search history for `{query}`: {detail}")]
    BadSearch { query: String, detail: String },
    #[error("history database {path}: {detail}")]
    Sqlite { path: PathBuf, detail: String },
    #[error("history entry #{id} in {path} cannot be read: {detail}")]
    BadEntry { path: PathBuf, id: i64, detail: String },
    #[error("the disk holding the history database {path} is full; this send was not recorded")]
    DiskFull { path: PathBuf },
    #[error("the history database {path} cannot be written (a read-only file or disk)")]
    ReadOnly { path: PathBuf },
    #[error("{path} is not an apix history database: it holds tables apix did not make ({tables})")]
    Foreign { path: PathBuf, tables: String },
}

/// Whether the file system holding `path` has no space left (a write of one byte beside it fails so).
fn disk_is_full(path: &Path) -> bool {
    let probe = path.with_extension("apix-space-probe");
    let full = match std::fs::write(&probe, b"x") {
        Err(e) => e.raw_os_error() == Some(28) || e.kind() == std::io::ErrorKind::StorageFull,
        Ok(()) => false,
    };
    let _ = std::fs::remove_file(&probe);
    full
}

/// How long a writer waits for another process's lock before giving up.
pub const BUSY_TIMEOUT_SECS: u64 = 10;

impl HistoryError {
    pub(crate) fn from_sqlite(path: &Path, e: rusqlite::Error) -> Self {
        let path = path.to_path_buf();
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            match f.code {
                ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => {
                    return HistoryError::Corrupt {
                        path,
                        detail: e.to_string(),
                    }
                }
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
                    return HistoryError::Busy {
                        path,
                        secs: BUSY_TIMEOUT_SECS,
                    }
                }
                ErrorCode::DiskFull => return HistoryError::DiskFull { path },
                ErrorCode::ReadOnly => return HistoryError::ReadOnly { path },
                // SQLite says "disk I/O error" for a write that failed because the disk filled up.
                ErrorCode::SystemIoFailure if disk_is_full(&path) => return HistoryError::DiskFull { path },
                _ => {}
            }
        }
        HistoryError::Sqlite {
            path,
            detail: e.to_string(),
        }
    }

    /// What to do next, when there is something to say.
    pub fn hint(&self) -> Option<String> {
        match self {
            HistoryError::CreateDir { .. } => {
                Some("set APIX_DATA_DIR to a writable folder, or fix the permissions of the one named".into())
            }
            HistoryError::Corrupt { path, .. } => Some(format!(
                "move it aside (mv '{p}' '{p}.broken', with its -wal and -shm files) and apix starts a new history; \
                 `sqlite3 '{p}.broken' .recover` may save the old entries",
                p = path.display()
            )),
            HistoryError::Busy { .. } => {
                Some("another apix is writing a large entry or is stuck; try again, or close the other apix".into())
            }
            HistoryError::TooNew { .. } => Some("update apix, or point APIX_DATA_DIR at another folder".into()),
            HistoryError::NotFound(_) => Some("`apix history` lists the entries that exist".into()),
            HistoryError::BadSearch { .. } => Some("search words are matched as written; quotes and operators are not needed".into()),
            HistoryError::DiskFull { .. } => Some(
                "free some space on that disk, or make history smaller: `apix history prune --keep 1000`, or a lower \
                 `[history] max_body_size` in config.toml"
                    .into(),
            ),
            HistoryError::ReadOnly { path } => Some(format!(
                "make {} writable, or set APIX_DATA_DIR to a writable folder",
                path.display()
            )),
            HistoryError::Foreign { path, .. } => Some(format!(
                "apix leaves it alone: move it aside (mv '{p}' '{p}.other') or set APIX_DATA_DIR to another folder",
                p = path.display()
            )),
            HistoryError::Sqlite { .. } | HistoryError::BadEntry { .. } => None,
        }
    }
}

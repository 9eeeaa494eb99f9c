//! The SQLite store: opening (WAL, busy timeout, migrations), writing entries, retention, renames.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, TransactionBehavior};

use super::codec::pack;
use super::entry::{now_ms, Meta, NewEntry};
use super::error::{HistoryError, BUSY_TIMEOUT_SECS};
use super::identity::{absolute, relative_path};
use super::schema::{index_entry, migrate};
use crate::collection::collection_root_of;

/// The database file name inside the data directory.
pub const DB_FILE: &str = "history.sqlite3";

/// `<data dir>/history.sqlite3`; the data dir follows `APIX_DATA_DIR`.
pub fn default_db_path() -> PathBuf {
    crate::paths::data_dir().join(DB_FILE)
}

/// A connection to the history database. Blocking: call it from a background thread, never a render path.
#[derive(Debug)]
pub struct HistoryStore {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
}

/// What `prune` removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prune {
    /// Keep the newest N entries.
    KeepLast(u64),
    /// Remove entries older than this.
    OlderThan(Duration),
}

/// Creates the database file readable by its owner only: it holds response bodies.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path).map(|_| ())
}

impl HistoryStore {
    /// Opens (creating when missing) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Self, HistoryError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| HistoryError::CreateDir {
                dir: dir.to_path_buf(),
                detail: e.to_string(),
            })?;
        }
        if !path.exists() {
            create_private(path).map_err(|e| HistoryError::Sqlite {
                path: path.to_path_buf(),
                detail: format!("cannot create the file: {e}"),
            })?;
        }
        let sql = |e| HistoryError::from_sqlite(path, e);
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags).map_err(sql)?;
        conn.busy_timeout(Duration::from_secs(BUSY_TIMEOUT_SECS)).map_err(sql)?;
        // Lets prune give pages back to the file system. Takes effect only on a new, empty file (so before WAL,
        // which writes the header); a no-op on an existing database.
        conn.pragma_update(None, "auto_vacuum", "INCREMENTAL").map_err(sql)?;
        // Switching a new database to WAL needs it to itself for a moment; two processes creating it at once may be
        // told "busy" without the busy handler being asked, so try again for a while.
        let deadline = std::time::Instant::now() + Duration::from_secs(BUSY_TIMEOUT_SECS);
        let mode: String = loop {
            match conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0)) {
                Err(rusqlite::Error::SqliteFailure(f, _))
                    if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                        && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(5));
                }
                other => break other.map_err(sql)?,
            }
        };
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(HistoryError::Sqlite {
                path: path.to_path_buf(),
                detail: format!("cannot switch to WAL journaling (the file system gave `{mode}`); keep the data dir on a local disk"),
            });
        }
        // In WAL mode NORMAL keeps every committed entry through a killed process; only a power cut may lose the last.
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(sql)?;
        // The last connection to close would otherwise fold the WAL back into the database with two fsyncs: most
        // of what a recorded `apix send` cost after its last byte (BENCHMARKS.md). SQLite's automatic checkpoint
        // does it instead once the WAL passes ~4 MB (1000 pages), and the file is then cut back to that size. The
        // next opener reads the WAL's index back in (a few ms, which `apix send` spends while the body downloads).
        // Committed entries are visible to every reader either way; as with synchronous=NORMAL, only a power cut
        // can lose the last ones.
        let _ = conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true);
        let _ = conn.pragma_update(None, "journal_size_limit", 4_194_304i64);
        migrate(&mut conn, path)?;
        Ok(HistoryStore {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Opens the database in the data dir (see [`default_db_path`]).
    pub fn open_default() -> Result<Self, HistoryError> {
        Self::open(&default_db_path())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn err(&self, e: rusqlite::Error) -> HistoryError {
        HistoryError::from_sqlite(&self.path, e)
    }

    /// Stores an entry with its bodies and search row, all or nothing. Returns its id.
    pub fn record(&mut self, e: &NewEntry) -> Result<i64, HistoryError> {
        self.record_batch(std::slice::from_ref(e))
            .map(|ids| ids.first().copied().unwrap_or_default())
    }

    /// Stores several entries in one transaction (imports, benchmarks): all of them or none.
    pub fn record_batch(&mut self, entries: &[NewEntry]) -> Result<Vec<i64>, HistoryError> {
        let path = self.path.clone();
        let sql = |err| HistoryError::from_sqlite(&path, err);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(sql)?;
        let mut ids = Vec::with_capacity(entries.len());
        for e in entries {
            ids.push(insert(&tx, e).map_err(sql)?);
        }
        tx.commit().map_err(sql)?;
        Ok(ids)
    }

    /// The number of stored entries.
    pub fn count(&self) -> Result<u64, HistoryError> {
        self.conn
            .query_row("SELECT count(*) FROM entries", [], |r| r.get::<_, i64>(0))
            .map(|n| n.max(0) as u64)
            .map_err(|e| self.err(e))
    }

    /// Removes entries; returns how many.
    pub fn prune(&mut self, rule: Prune) -> Result<usize, HistoryError> {
        let removed = match rule {
            Prune::KeepLast(n) => self.conn.execute(
                "DELETE FROM entries WHERE id <= (SELECT id FROM entries ORDER BY id DESC LIMIT 1 OFFSET ?1)",
                params![i64::try_from(n).unwrap_or(i64::MAX)],
            ),
            Prune::OlderThan(age) => {
                let cutoff = now_ms().saturating_sub(i64::try_from(age.as_millis()).unwrap_or(i64::MAX));
                self.conn.execute("DELETE FROM entries WHERE created_ms < ?1", params![cutoff])
            }
        }
        .map_err(|e| self.err(e))?;
        if removed > 0 {
            // Give freed pages back to the file system; a failure here loses nothing.
            let _ = self.conn.execute_batch("PRAGMA incremental_vacuum;");
        }
        Ok(removed)
    }

    /// Keeps at most `max_entries` (0 = no limit) and nothing older than `max_age`. Cheap when nothing is due: the
    /// exact trim runs only once the id range passes the limit by a tenth.
    pub fn apply_retention(&mut self, max_entries: u64, max_age: Option<Duration>) -> Result<usize, HistoryError> {
        let mut removed = 0;
        if max_entries > 0 {
            let (lo, hi): (Option<i64>, Option<i64>) = self
                .conn
                .query_row("SELECT min(id), max(id) FROM entries", [], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(|e| self.err(e))?;
            if let (Some(lo), Some(hi)) = (lo, hi) {
                let span = (hi - lo + 1).max(0) as u64;
                if span > max_entries + max_entries / 10 {
                    removed += self.prune(Prune::KeepLast(max_entries))?;
                }
            }
        }
        if let Some(age) = max_age {
            removed += self.prune(Prune::OlderThan(age))?;
        }
        Ok(removed)
    }

    /// Moves the history of a request file, or of every request under a folder, from `old` to `new` (apix's own
    /// renames and moves call this; renames made elsewhere are followed by fingerprint). Returns the entries moved.
    pub fn rename(&mut self, old: &Path, new: &Path) -> Result<usize, HistoryError> {
        let old = absolute(old);
        let new = absolute(new);
        let pairs: Vec<(String, String)> = self
            .conn
            .prepare("SELECT DISTINCT collection, request_path FROM entries WHERE collection IS NOT NULL AND request_path IS NOT NULL")
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .map_err(|e| self.err(e))?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| HistoryError::from_sqlite(&self.path, e))?;
        let mut moved = 0;
        for (collection, rel) in pairs {
            let full = Path::new(&collection).join(&rel);
            let Ok(rest) = full.strip_prefix(&old) else { continue };
            let target = if rest.as_os_str().is_empty() { new.clone() } else { new.join(rest) };
            let root = collection_root_of(&target)
                .map(|r| absolute(&r))
                .unwrap_or_else(|| PathBuf::from(&collection));
            moved += tx
                .execute(
                    "UPDATE entries SET collection = ?1, request_path = ?2 WHERE collection = ?3 AND request_path = ?4",
                    params![root.display().to_string(), relative_path(&root, &target), collection, rel],
                )
                .map_err(|e| HistoryError::from_sqlite(&self.path, e))?;
        }
        tx.commit().map_err(|e| HistoryError::from_sqlite(&self.path, e))?;
        Ok(moved)
    }

    /// `PRAGMA integrity_check`: "ok" or the problems found.
    pub fn integrity_check(&self) -> Result<String, HistoryError> {
        self.conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    pub fn schema_version(&self) -> Result<i64, HistoryError> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| self.err(e))
    }
}

fn headers_json(h: &[(String, String)]) -> String {
    serde_json::to_string(h).unwrap_or_else(|_| "[]".into())
}

/// One entry: its row, its bodies, its search row (in the caller's transaction).
fn insert(tx: &Connection, e: &NewEntry) -> rusqlite::Result<i64> {
    let meta = Meta {
        timings: e.timings.clone(),
        redirects: e.response.as_ref().map(|r| r.redirects.clone()).unwrap_or_default(),
        content_encoding: e.response.as_ref().and_then(|r| r.content_encoding.clone()),
        wire_size: e.response.as_ref().map(|r| r.wire_size).unwrap_or(0),
        body_note: e.request.body_note.clone(),
    };
    let meta = serde_json::to_string(&meta).unwrap_or_else(|_| "{}".into());
    let (req_blob, req_codec) = e.request.body.as_ref().map(|b| pack(&b.bytes)).unzip();
    let (resp_blob, resp_codec) = e
        .response
        .as_ref()
        .map(|r| match &r.packed {
            Some(p) => (std::borrow::Cow::Borrowed(p.blob.as_slice()), p.codec),
            None => {
                let (blob, codec) = pack(&r.body.bytes);
                (std::borrow::Cow::Owned(blob), codec)
            }
        })
        .unzip();
    let s = &e.source;
    let r = e.response.as_ref();
    tx.prepare_cached(
        "INSERT INTO entries (created_ms, collection, request_path, fingerprint, request_name, environment, method, url,
            request_headers, request_body_kind, request_body_size, status, reason, http_version, response_headers,
            response_size, content_type, final_url, error, total_us, meta)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
    )?
    .execute(params![
        e.created_ms,
        s.collection,
        s.request_path,
        s.fingerprint,
        s.request_name,
        s.environment,
        e.request.method,
        e.request.url,
        headers_json(&e.request.headers),
        e.request.body_kind,
        e.request.body.as_ref().map(|b| b.size as i64).unwrap_or(0),
        r.map(|r| r.status),
        r.map(|r| r.reason.as_str()),
        r.map(|r| r.version.as_str()),
        r.map(|r| headers_json(&r.headers)),
        r.map(|r| r.body.size as i64),
        r.and_then(|r| r.content_type.as_deref()),
        r.map(|r| r.final_url.as_str()),
        e.error,
        e.timings.total_us as i64,
        meta,
    ])?;
    let id = tx.last_insert_rowid();
    tx.prepare_cached(
        "INSERT INTO bodies (entry_id, request_body, request_codec, request_truncated, response_body, response_codec, response_truncated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        id,
        req_blob,
        req_codec.unwrap_or(0),
        e.request.body.as_ref().is_some_and(|b| b.truncated),
        resp_blob,
        resp_codec.unwrap_or(0),
        e.response.as_ref().is_some_and(|r| r.body.truncated),
    ])?;
    index_entry(tx, id, e)?;
    Ok(id)
}

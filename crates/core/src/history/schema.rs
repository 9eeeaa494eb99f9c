//! The versioned schema. `PRAGMA user_version` holds the version; each step below brings a database from the
//! version before it, inside one write transaction, so two processes opening an old database at once migrate it
//! once and a crash mid-migration leaves the old version intact.
//!
//! - v1: `entries` (one row per send: identity, request, response metadata, timings) and `bodies` (compressed
//!   request and response bodies, kept apart so that listing never reads them).
//! - v2: `entries_fts`, a contentless FTS5 index over URLs, headers and text bodies, built from the rows v1 left.
//!
//! Never edit a step that has shipped: add a new one. `tests/history_migrations.rs` keeps a frozen copy of v1.

use std::path::Path;

use rusqlite::{params, Connection, TransactionBehavior};

use super::entry::{index_text, NewEntry};
use super::error::HistoryError;

pub const SCHEMA_VERSION: i64 = 2;

const V1: &str = "
CREATE TABLE entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_ms INTEGER NOT NULL,
    collection TEXT,
    request_path TEXT,
    fingerprint TEXT,
    request_name TEXT,
    environment TEXT,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    request_headers TEXT NOT NULL DEFAULT '[]',
    request_body_kind TEXT NOT NULL DEFAULT 'none',
    request_body_size INTEGER NOT NULL DEFAULT 0,
    status INTEGER,
    reason TEXT,
    http_version TEXT,
    response_headers TEXT,
    response_size INTEGER,
    content_type TEXT,
    final_url TEXT,
    error TEXT,
    total_us INTEGER NOT NULL DEFAULT 0,
    meta TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX entries_by_request ON entries(collection, request_path);
CREATE INDEX entries_by_fingerprint ON entries(fingerprint);
CREATE INDEX entries_by_time ON entries(created_ms);
CREATE TABLE bodies (
    entry_id INTEGER PRIMARY KEY,
    request_body BLOB,
    request_codec INTEGER NOT NULL DEFAULT 0,
    request_truncated INTEGER NOT NULL DEFAULT 0,
    response_body BLOB,
    response_codec INTEGER NOT NULL DEFAULT 0,
    response_truncated INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER entries_delete_bodies AFTER DELETE ON entries BEGIN
    DELETE FROM bodies WHERE entry_id = old.id;
END;
";

const V2: &str = "
CREATE VIRTUAL TABLE entries_fts USING fts5(url, headers, body, content = '', contentless_delete = 1);
CREATE TRIGGER entries_delete_fts AFTER DELETE ON entries BEGIN
    DELETE FROM entries_fts WHERE rowid = old.id;
END;
";

/// Adds the full-text row of an entry (in the caller's transaction).
pub(crate) fn index_entry(conn: &Connection, id: i64, e: &NewEntry) -> rusqlite::Result<()> {
    let (url, headers, body) = index_text(e);
    conn.prepare_cached("INSERT INTO entries_fts(rowid, url, headers, body) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![id, url, headers, body])?;
    Ok(())
}

fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

/// Brings the database at `path` to [`SCHEMA_VERSION`].
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<(), HistoryError> {
    let sql = |e| HistoryError::from_sqlite(path, e);
    let found = version(conn).map_err(sql)?;
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    if found > SCHEMA_VERSION {
        return Err(HistoryError::TooNew {
            path: path.to_path_buf(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(sql)?;
    // Another process may have migrated while this one waited for the lock.
    let current = version(&tx).map_err(sql)?;
    if current < 1 {
        // A database apix did not make (same file name, another program's tables): say so, never dump its schema.
        let tables: Vec<String> = tx
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(sql)?;
        if !tables.is_empty() {
            return Err(HistoryError::Foreign {
                path: path.to_path_buf(),
                tables: tables.into_iter().take(5).collect::<Vec<_>>().join(", "),
            });
        }
        tx.execute_batch(V1).map_err(sql)?;
    }
    if current < 2 {
        tx.execute_batch(V2).map_err(sql)?;
        backfill_index(&tx, path)?;
    }
    if current < SCHEMA_VERSION {
        tx.pragma_update(None, "user_version", SCHEMA_VERSION).map_err(sql)?;
    }
    tx.commit().map_err(sql)
}

/// Indexes every existing entry (v1 → v2).
fn backfill_index(conn: &Connection, path: &Path) -> Result<(), HistoryError> {
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM entries ORDER BY id")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| HistoryError::from_sqlite(path, e))?;
    for id in ids {
        let entry = super::load::load_entry(conn, path, id)?;
        index_entry(conn, id, &entry.entry).map_err(|e| HistoryError::from_sqlite(path, e))?;
    }
    Ok(())
}

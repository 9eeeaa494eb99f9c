//! Reading history: lists (per request, per collection, global), full-text search, whole entries.

use std::path::{Path, PathBuf};

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Row};

use super::diff::{diff_entries, Comparison};
use super::entry::{Entry, Summary};
use super::error::HistoryError;
use super::identity::RequestRef;
use super::load::load_entry;
use super::store::HistoryStore;

/// Which entries to list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// One request's history (following renames); None for all.
    pub request: Option<RequestRef>,
    /// Only entries of this collection root.
    pub collection: Option<PathBuf>,
    /// Words that must all appear in the URL, the headers or a text body (prefix match).
    pub search: Option<String>,
    /// At most this many; 0 means 50.
    pub limit: usize,
    /// Only entries with an id below this (for paging back).
    pub before: Option<i64>,
}

const SUMMARY_COLUMNS: &str = "e.id, e.created_ms, e.method, e.url, e.status, e.error, e.total_us, e.response_size, e.collection, \
                               e.request_path, e.request_name, e.environment";

fn summary(r: &Row) -> rusqlite::Result<Summary> {
    Ok(Summary {
        id: r.get(0)?,
        created_ms: r.get(1)?,
        method: r.get(2)?,
        url: r.get(3)?,
        status: r.get(4)?,
        error: r.get(5)?,
        total_us: r.get::<_, i64>(6)?.max(0) as u64,
        response_size: r.get::<_, Option<i64>>(7)?.map(|n| n.max(0) as u64),
        collection: r.get(8)?,
        request_path: r.get(9)?,
        request_name: r.get(10)?,
        environment: r.get(11)?,
    })
}

/// A person's words as an FTS5 query: each word quoted (so no character is an operator), all required, and
/// words of two or more characters matched as prefixes.
pub(crate) fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| {
            let quoted = format!("\"{}\"", w.replace('"', "\"\""));
            if w.chars().count() >= 2 {
                format!("{quoted}*")
            } else {
                quoted
            }
        })
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

impl HistoryStore {
    /// Entries matching `q`, newest first. A request query also adopts the entries of a renamed or moved file
    /// (same fingerprint, old file gone), so that they stay with the request from then on.
    pub fn list(&mut self, q: &Query) -> Result<Vec<Summary>, HistoryError> {
        if let Some(r) = &q.request {
            self.adopt_renamed(r)?;
        }
        let mut filters: Vec<String> = Vec::new();
        let mut args: Vec<SqlValue> = Vec::new();
        let search = q.search.as_deref().and_then(fts_query);
        if let Some(s) = &search {
            filters.push("entries_fts MATCH ?".into());
            args.push(SqlValue::Text(s.clone()));
        }
        if let Some(r) = &q.request {
            filters.push("e.collection = ? AND e.request_path = ?".into());
            args.push(SqlValue::Text(r.collection.display().to_string()));
            args.push(SqlValue::Text(r.path.clone()));
        }
        if let Some(c) = &q.collection {
            filters.push("e.collection = ?".into());
            args.push(SqlValue::Text(super::identity::absolute(c).display().to_string()));
        }
        if let Some(b) = q.before {
            filters.push("e.id < ?".into());
            args.push(SqlValue::Integer(b));
        }
        let limit = if q.limit == 0 { 50 } else { q.limit };
        args.push(SqlValue::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
        let where_clause = if filters.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", filters.join(" AND "))
        };
        // With a search, walk the index newest first and stop at the limit (CROSS JOIN keeps that order).
        let sql = if search.is_some() {
            format!(
                "SELECT {SUMMARY_COLUMNS} FROM entries_fts CROSS JOIN entries e ON e.id = entries_fts.rowid {where_clause}
                 ORDER BY entries_fts.rowid DESC LIMIT ?"
            )
        } else {
            format!("SELECT {SUMMARY_COLUMNS} FROM entries e {where_clause} ORDER BY e.id DESC LIMIT ?")
        };
        let result = self
            .conn
            .prepare_cached(&sql)
            .and_then(|mut st| st.query_map(params_from_iter(args), summary)?.collect::<rusqlite::Result<Vec<_>>>());
        result.map_err(|e| match (&search, &e) {
            (Some(_), rusqlite::Error::SqliteFailure(f, Some(msg))) if f.code == rusqlite::ErrorCode::Unknown => HistoryError::BadSearch {
                query: q.search.clone().unwrap_or_default(),
                detail: msg.clone(),
            },
            _ => self.err(e),
        })
    }

    /// Full-text search over every entry: URL, headers and text bodies.
    pub fn search(&mut self, text: &str, limit: usize) -> Result<Vec<Summary>, HistoryError> {
        self.list(&Query {
            search: Some(text.to_string()),
            limit,
            ..Query::default()
        })
    }

    /// The whole entry, bodies inflated.
    pub fn get(&self, id: i64) -> Result<Entry, HistoryError> {
        load_entry(&self.conn, &self.path, id)
    }

    /// The two newest entries of a request as (older, newer): what Compare picks by default.
    pub fn last_two(&mut self, request: &RequestRef) -> Result<Option<(i64, i64)>, HistoryError> {
        let l = self.list(&Query {
            request: Some(request.clone()),
            limit: 2,
            ..Query::default()
        })?;
        Ok(match l.as_slice() {
            [newer, older] => Some((older.id, newer.id)),
            _ => None,
        })
    }

    /// Compares entry `a` (before) with entry `b` (after).
    pub fn diff(&self, a: i64, b: i64) -> Result<Comparison, HistoryError> {
        Ok(diff_entries(&self.get(a)?, &self.get(b)?))
    }

    /// Re-points entries of a vanished file that share the request's fingerprint at the request's current path.
    fn adopt_renamed(&mut self, r: &RequestRef) -> Result<usize, HistoryError> {
        let Some(fp) = &r.fingerprint else { return Ok(0) };
        let current = (r.collection.display().to_string(), r.path.clone());
        let pairs: Vec<(Option<String>, Option<String>)> = self
            .conn
            .prepare_cached("SELECT DISTINCT collection, request_path FROM entries WHERE fingerprint = ?1")
            .and_then(|mut s| s.query_map(params![fp], |row| Ok((row.get(0)?, row.get(1)?)))?.collect())
            .map_err(|e| self.err(e))?;
        let mut adopted = 0;
        for (collection, path) in pairs {
            let (Some(collection), Some(path)) = (collection, path) else {
                continue;
            };
            if (collection.as_str(), path.as_str()) == (current.0.as_str(), current.1.as_str())
                || Path::new(&collection).join(&path).exists()
            {
                continue;
            }
            adopted += self
                .conn
                .execute(
                    "UPDATE entries SET collection = ?1, request_path = ?2 WHERE collection = ?3 AND request_path = ?4 AND fingerprint = ?5",
                    params![current.0, current.1, collection, path, fp],
                )
                .map_err(|e| self.err(e))?;
        }
        Ok(adopted)
    }
}

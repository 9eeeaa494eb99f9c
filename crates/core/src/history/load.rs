//! Reading one stored entry back (the reader's `get`, and the v2 migration that indexes old rows).

use std::path::Path;

use rusqlite::{params, Connection, Row};

use super::codec::unpack;
use super::entry::{Entry, Meta, NewEntry, Source, StoredBody, StoredRequest, StoredResponse};
use super::error::HistoryError;

fn headers_from(path: &Path, id: i64, json: Option<String>) -> Result<Vec<(String, String)>, HistoryError> {
    match json {
        None => Ok(Vec::new()),
        Some(j) => serde_json::from_str(&j).map_err(|e| HistoryError::BadEntry {
            path: path.to_path_buf(),
            id,
            detail: format!("headers: {e}"),
        }),
    }
}

/// One `entries` row joined with its bodies, as SQLite gives it.
struct RawRow {
    created_ms: i64,
    source: Source,
    method: String,
    url: String,
    request_headers: Option<String>,
    request_body_kind: String,
    request_body_size: i64,
    status: Option<u16>,
    reason: Option<String>,
    version: Option<String>,
    response_headers: Option<String>,
    response_size: Option<i64>,
    content_type: Option<String>,
    final_url: Option<String>,
    error: Option<String>,
    meta: String,
    request_body: Option<(Vec<u8>, i64, bool)>,
    response_body: Option<(Vec<u8>, i64, bool)>,
}

fn raw_row(r: &Row) -> rusqlite::Result<RawRow> {
    let body = |at: usize| -> rusqlite::Result<Option<(Vec<u8>, i64, bool)>> {
        Ok(match r.get::<_, Option<Vec<u8>>>(at)? {
            Some(b) => Some((b, r.get(at + 1)?, r.get(at + 2)?)),
            None => None,
        })
    };
    Ok(RawRow {
        created_ms: r.get(0)?,
        source: Source {
            collection: r.get(1)?,
            request_path: r.get(2)?,
            fingerprint: r.get(3)?,
            request_name: r.get(4)?,
            environment: r.get(5)?,
        },
        method: r.get(6)?,
        url: r.get(7)?,
        request_headers: r.get(8)?,
        request_body_kind: r.get(9)?,
        request_body_size: r.get(10)?,
        status: r.get(11)?,
        reason: r.get(12)?,
        version: r.get(13)?,
        response_headers: r.get(14)?,
        response_size: r.get(15)?,
        content_type: r.get(16)?,
        final_url: r.get(17)?,
        error: r.get(18)?,
        meta: r.get(19)?,
        request_body: body(20)?,
        response_body: body(23)?,
    })
}

/// Reads one entry (also used by the v2 migration to index old rows).
pub(crate) fn load_entry(conn: &Connection, path: &Path, id: i64) -> Result<Entry, HistoryError> {
    let sql = "SELECT e.created_ms, e.collection, e.request_path, e.fingerprint, e.request_name, e.environment, e.method, e.url,
                      e.request_headers, e.request_body_kind, e.request_body_size, e.status, e.reason, e.http_version,
                      e.response_headers, e.response_size, e.content_type, e.final_url, e.error, e.meta,
                      b.request_body, b.request_codec, b.request_truncated, b.response_body, b.response_codec, b.response_truncated
               FROM entries e LEFT JOIN bodies b ON b.entry_id = e.id WHERE e.id = ?1";
    let raw = conn
        .prepare_cached(sql)
        .and_then(|mut st| st.query_row(params![id], raw_row))
        .map_err(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => HistoryError::NotFound(id),
            e => HistoryError::from_sqlite(path, e),
        })?;
    let bad = |detail: String| HistoryError::BadEntry {
        path: path.to_path_buf(),
        id,
        detail,
    };
    let meta: Meta = serde_json::from_str(&raw.meta).map_err(|e| bad(format!("meta: {e}")))?;
    let inflate = |(blob, codec, truncated): (Vec<u8>, i64, bool), size: i64| -> Result<StoredBody, HistoryError> {
        let size = size.max(0) as u64;
        // Stored bodies are at most the cap; the limit only stops a damaged blob from inflating without end.
        let limit = size.max(blob.len() as u64).saturating_mul(64).max(1 << 20);
        let bytes = unpack(&blob, codec, limit).map_err(|e| bad(format!("body: {e}")))?;
        Ok(StoredBody { bytes, size, truncated })
    };
    let response = match raw.status {
        None => None,
        Some(status) => {
            let size = raw.response_size.unwrap_or(0);
            let mut body = match raw.response_body {
                Some(b) => inflate(b, size)?,
                None => StoredBody::default(),
            };
            body.size = size.max(0) as u64;
            Some(StoredResponse {
                status,
                reason: raw.reason.unwrap_or_default(),
                version: raw.version.unwrap_or_default(),
                headers: headers_from(path, id, raw.response_headers)?,
                body,
                content_type: raw.content_type,
                content_encoding: meta.content_encoding,
                wire_size: meta.wire_size,
                final_url: raw.final_url.unwrap_or_default(),
                redirects: meta.redirects,
                packed: None,
            })
        }
    };
    let entry = NewEntry {
        created_ms: raw.created_ms,
        source: raw.source,
        request: StoredRequest {
            method: raw.method,
            url: raw.url,
            headers: headers_from(path, id, raw.request_headers)?,
            body_kind: raw.request_body_kind,
            body: raw.request_body.map(|b| inflate(b, raw.request_body_size)).transpose()?,
            body_note: meta.body_note,
        },
        response,
        error: raw.error,
        timings: meta.timings,
    };
    Ok(Entry { id, entry })
}

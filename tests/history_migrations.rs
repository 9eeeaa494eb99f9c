//! Migrations from the first schema: a database written by the v1 code (frozen here, as shipped) opens with the
//! current code, keeps every entry and gains what later versions add (v2: the full-text index, built from the
//! old rows).

mod history_common;

use std::path::Path;

use apix::core::history::{HistoryStore, SCHEMA_VERSION};
use rusqlite::{params, Connection};

/// The v1 schema exactly as `src/core/history/schema.rs` created it. Never edit: it is what old files contain.
const V1_SCHEMA: &str = "
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
PRAGMA user_version = 1;
";

fn long_json() -> Vec<u8> {
    let items: Vec<String> = (0..100)
        .map(|i| format!("{{\"id\":{i},\"sku\":\"sku-{i}\",\"warehouse\":\"basel\"}}"))
        .collect();
    format!("[{}]", items.join(",")).into_bytes()
}

/// A v1 database with two entries: one compressed JSON response, one failed send.
fn make_v1(path: &Path) {
    let conn = Connection::open(path).expect("create v1");
    conn.pragma_update(None, "journal_mode", "WAL").expect("wal");
    conn.execute_batch(V1_SCHEMA).expect("v1 schema");
    conn.execute(
        "INSERT INTO entries (created_ms, collection, request_path, fingerprint, request_name, environment, method, url,
            request_headers, request_body_kind, request_body_size, status, reason, http_version, response_headers, response_size,
            content_type, final_url, error, total_us, meta)
         VALUES (1700000000000, '/work/api', 'stock/list.toml', '00ff00ff00ff00ff', 'Stock', 'staging', 'GET',
            'https://stock.test/items?warehouse=basel', '[[\"Accept\",\"application/json\"]]', 'none', 0, 200, 'OK', 'HTTP/1.1',
            '[[\"content-type\",\"application/json\"],[\"x-served-by\",\"legacy-node-7\"]]', ?1, 'application/json',
            'https://stock.test/items?warehouse=basel', NULL, 42000,
            '{\"timings\":{\"dns_us\":null,\"connect_us\":900,\"tls_us\":null,\"ttfb_us\":30000,\"download_us\":12000,\"total_us\":42000}}')",
        params![long_json().len() as i64],
    )
    .expect("row 1");
    let compressed = zstd::bulk::compress(&long_json(), 3).expect("zstd");
    conn.execute(
        "INSERT INTO bodies (entry_id, request_body, request_codec, request_truncated, response_body, response_codec, response_truncated)
         VALUES (1, NULL, 0, 0, ?1, 1, 0)",
        params![compressed],
    )
    .expect("body 1");
    conn.execute(
        "INSERT INTO entries (created_ms, method, url, error, meta)
         VALUES (1700000100000, 'POST', 'https://stock.test/orders', 'Connection refused: nothing listens on stock.test:443', '{}')",
        [],
    )
    .expect("row 2");
}

#[test]
fn a_v1_database_migrates_with_its_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("history.sqlite3");
    make_v1(&db);

    let mut s = HistoryStore::open(&db).expect("open v1 with current code");
    assert_eq!(s.schema_version().expect("version"), SCHEMA_VERSION);
    assert_eq!(s.count().expect("count"), 2);
    let old = s.get(1).expect("entry 1");
    assert_eq!(old.request.url, "https://stock.test/items?warehouse=basel");
    assert_eq!(old.source.request_path.as_deref(), Some("stock/list.toml"));
    assert_eq!(old.timings.total_us, 42_000);
    let resp = old.response.as_ref().expect("response");
    assert_eq!(resp.body.bytes, long_json(), "compressed v1 body inflates");
    assert_eq!(resp.headers[1], ("x-served-by".to_string(), "legacy-node-7".to_string()));
    let failed = s.get(2).expect("entry 2");
    assert!(failed.response.is_none() && failed.error.as_deref().is_some_and(|e| e.contains("refused")));

    // v2's index covers the old rows: URL, headers, bodies and error text.
    let ids = |s: &mut HistoryStore, q: &str| s.search(q, 10).expect("search").iter().map(|e| e.id).collect::<Vec<_>>();
    assert_eq!(ids(&mut s, "legacy-node-7"), vec![1]);
    assert_eq!(ids(&mut s, "sku-99"), vec![1]);
    assert_eq!(ids(&mut s, "orders"), vec![2]);
    assert_eq!(ids(&mut s, "refused"), vec![2]);

    // New entries go on after the old ones, and deleting still cleans up bodies and the index.
    let new = s
        .record(&history_common::entry(
            "GET",
            "https://stock.test/items",
            200,
            "application/json",
            b"[]",
        ))
        .expect("record");
    assert_eq!(new, 3);
    s.prune(apix::core::history::Prune::KeepLast(1)).expect("prune");
    assert!(ids(&mut s, "legacy-node-7").is_empty());
    drop(s);
    let raw = Connection::open(&db).expect("raw");
    let bodies: i64 = raw.query_row("SELECT count(*) FROM bodies", [], |r| r.get(0)).expect("count");
    assert_eq!(bodies, 1);
    let check: String = raw.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("check");
    assert_eq!(check, "ok");
}

#[test]
fn four_connections_opening_a_v1_database_at_once_migrate_it_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("history.sqlite3");
    make_v1(&db);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let db = db.clone();
            std::thread::spawn(move || HistoryStore::open(&db).map(|s| s.schema_version()))
        })
        .collect();
    for h in handles {
        let v = h.join().expect("thread").expect("open").expect("version");
        assert_eq!(v, SCHEMA_VERSION);
    }
    let mut s = HistoryStore::open(&db).expect("open");
    assert_eq!(s.search("legacy-node-7", 10).expect("search").len(), 1, "indexed once");
}

#[test]
fn a_fresh_database_starts_at_the_current_version() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("nested/dir/history.sqlite3");
    let s = HistoryStore::open(&db).expect("open");
    assert_eq!(s.schema_version().expect("version"), SCHEMA_VERSION);
    assert_eq!(s.count().expect("count"), 0);
    let raw = Connection::open(&db).expect("raw");
    let journal: String = raw.pragma_query_value(None, "journal_mode", |r| r.get(0)).expect("journal_mode");
    assert_eq!(journal, "wal");
    let vacuum: i64 = raw.pragma_query_value(None, "auto_vacuum", |r| r.get(0)).expect("auto_vacuum");
    assert_eq!(vacuum, 2, "incremental, so prune gives space back");
}

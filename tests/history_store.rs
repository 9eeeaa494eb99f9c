//! The history store on real SQLite files: full-text search, following renames, retention, errors in words.

mod history_common;

use std::time::Duration;

use apix::core::history::{HistoryError, HistoryStore, Prune, Query, RequestRef};
use history_common::{entry, entry_with_headers, for_request, load, request, temp_tree};

fn store() -> (tempfile::TempDir, HistoryStore) {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = HistoryStore::open(&dir.path().join("history.sqlite3")).expect("open");
    (dir, s)
}

#[test]
fn search_covers_urls_headers_and_text_bodies() {
    let (_dir, mut s) = store();
    let json = s
        .record(&entry(
            "GET",
            "https://api.test/v1/invoices?customer=cus_42",
            200,
            "application/json",
            r#"{"total": 1, "currency": "chf", "memo": "quarterly Zürich retainer"}"#.as_bytes(),
        ))
        .expect("record");
    let header = s
        .record(&entry_with_headers(
            "GET",
            "https://api.test/v1/ping",
            204,
            "text/plain",
            b"",
            vec![("X-Trace-Origin".into(), "edge-frankfurt".into())],
        ))
        .expect("record");
    let html = s
        .record(&entry(
            "GET",
            "https://www.test/about",
            200,
            "text/html",
            b"<html><body><h1>Maintenance window</h1></body></html>",
        ))
        .expect("record");
    let binary = s
        .record(&entry(
            "GET",
            "https://cdn.test/blob",
            200,
            "application/octet-stream",
            b"\x00\x01binarysecretword\x02",
        ))
        .expect("record");

    let ids = |s: &mut HistoryStore, q: &str| s.search(q, 50).expect("search").iter().map(|e| e.id).collect::<Vec<_>>();
    assert_eq!(ids(&mut s, "invoices"), vec![json], "URL path word");
    assert_eq!(ids(&mut s, "cus_42"), vec![json], "query value with punctuation");
    assert_eq!(ids(&mut s, "edge-frankfurt"), vec![header], "response header value");
    assert_eq!(
        ids(&mut s, "retainer zürich"),
        vec![json],
        "two body words, any order, case and accents folded"
    );
    assert_eq!(ids(&mut s, "maint"), vec![html], "prefix of a word in an HTML body");
    assert_eq!(ids(&mut s, "binarysecretword"), Vec::<i64>::new(), "binary bodies are not indexed");
    assert_eq!(ids(&mut s, "api.test"), vec![header, json], "newest first");
    assert_eq!(ids(&mut s, "retainer maintenance"), Vec::<i64>::new(), "every word must match");
    // Characters that mean something to FTS5 are taken literally, never as a syntax error.
    for odd in ["\"", "a AND (", "NEAR(x y)", "col:val", "*", "-x", "'; DROP TABLE entries; --"] {
        s.search(odd, 5).unwrap_or_else(|e| panic!("search {odd:?} failed: {e}"));
    }
    assert_eq!(s.count().expect("count"), 4);
    let _ = binary;

    // Paging: the next page starts below the last id seen.
    let first = s
        .list(&Query {
            limit: 2,
            ..Query::default()
        })
        .expect("page 1");
    assert_eq!(first.iter().map(|e| e.id).collect::<Vec<_>>(), vec![binary, html]);
    let next = s
        .list(&Query {
            limit: 2,
            before: Some(html),
            ..Query::default()
        })
        .expect("page 2");
    assert_eq!(next.iter().map(|e| e.id).collect::<Vec<_>>(), vec![header, json]);
}

const LIST: &str = "method = \"GET\"\nurl = \"{{base_url}}/users\"\n";

#[test]
fn history_follows_a_request_renamed_on_disk() {
    let coll = temp_tree(&[
        ("collection.toml", "name = \"Team\"\n"),
        ("users/list.toml", LIST),
        ("users/get.toml", "url = \"{{base_url}}/users/1\"\n"),
    ]);
    let c = load(coll.path());
    let old = RequestRef::from_collection(&c, request(&c, "users/list.toml"));
    let other = RequestRef::from_collection(&c, request(&c, "users/get.toml"));
    let (_dir, mut s) = store();
    let a = s
        .record(&for_request(entry("GET", "http://x/users", 200, "application/json", b"[]"), &old))
        .expect("record");
    let b = s
        .record(&for_request(entry("GET", "http://x/users", 200, "application/json", b"[1]"), &old))
        .expect("record");
    s.record(&for_request(
        entry("GET", "http://x/users/1", 200, "application/json", b"{}"),
        &other,
    ))
    .expect("record");

    // `git mv users/list.toml people/all-users.toml`: a new folder and a new file name.
    std::fs::create_dir_all(coll.path().join("people")).expect("mkdir");
    std::fs::rename(coll.path().join("users/list.toml"), coll.path().join("people/all-users.toml")).expect("rename");
    let new = RequestRef::from_file(&coll.path().join("people/all-users.toml")).expect("in a collection");
    assert_eq!(new.path, "people/all-users.toml");
    let found: Vec<i64> = s
        .list(&Query {
            request: Some(new.clone()),
            ..Query::default()
        })
        .expect("list")
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(found, vec![b, a], "the renamed file keeps its history");
    assert_eq!(s.last_two(&new).expect("last two"), Some((a, b)));
    // Adopted for good: later edits to the request (a new fingerprint) keep the history by path.
    std::fs::write(
        coll.path().join("people/all-users.toml"),
        "method = \"GET\"\nurl = \"{{base_url}}/people\"\n",
    )
    .expect("edit");
    let edited = RequestRef::from_file(&coll.path().join("people/all-users.toml")).expect("in a collection");
    assert_ne!(edited.fingerprint, new.fingerprint);
    assert_eq!(
        s.list(&Query {
            request: Some(edited),
            ..Query::default()
        })
        .expect("list")
        .len(),
        2
    );
    // The other request's history did not move.
    assert_eq!(
        s.list(&Query {
            request: Some(other),
            ..Query::default()
        })
        .expect("list")
        .len(),
        1
    );
}

#[test]
fn a_copy_of_a_request_does_not_take_the_original_history() {
    let coll = temp_tree(&[("collection.toml", "name = \"Team\"\n"), ("users/list.toml", LIST)]);
    let c = load(coll.path());
    let original = RequestRef::from_collection(&c, request(&c, "users/list.toml"));
    let (_dir, mut s) = store();
    s.record(&for_request(
        entry("GET", "http://x/users", 200, "application/json", b"[]"),
        &original,
    ))
    .expect("record");
    std::fs::write(coll.path().join("users/copy.toml"), LIST).expect("copy");
    let copy = RequestRef::from_file(&coll.path().join("users/copy.toml")).expect("copy ref");
    assert!(s
        .list(&Query {
            request: Some(copy),
            ..Query::default()
        })
        .expect("list")
        .is_empty());
    // Original renamed while a copy exists: two candidates, so nothing is guessed.
    std::fs::rename(coll.path().join("users/list.toml"), coll.path().join("users/all.toml")).expect("rename");
    let renamed = RequestRef::from_file(&coll.path().join("users/all.toml")).expect("ref");
    assert_eq!(renamed.fingerprint, None, "ambiguous fingerprint is not followed");
    assert!(s
        .list(&Query {
            request: Some(renamed),
            ..Query::default()
        })
        .expect("list")
        .is_empty());
}

#[test]
fn apix_renames_and_folder_moves_carry_history() {
    let coll = temp_tree(&[
        ("collection.toml", "name = \"Team\"\n"),
        ("users/list.toml", LIST),
        ("users/get.toml", "url = \"http://x/1\"\n"),
    ]);
    let c = load(coll.path());
    let list = RequestRef::from_collection(&c, request(&c, "users/list.toml"));
    let get = RequestRef::from_collection(&c, request(&c, "users/get.toml"));
    let (_dir, mut s) = store();
    s.record(&for_request(entry("GET", "http://x/users", 200, "application/json", b"[]"), &list))
        .expect("record");
    s.record(&for_request(entry("GET", "http://x/1", 200, "application/json", b"{}"), &get))
        .expect("record");
    std::fs::rename(coll.path().join("users"), coll.path().join("members")).expect("move folder");
    assert_eq!(
        s.rename(&coll.path().join("users"), &coll.path().join("members")).expect("rename"),
        2
    );
    for rel in ["members/list.toml", "members/get.toml"] {
        let r = RequestRef::from_file(&coll.path().join(rel)).expect("ref");
        assert_eq!(
            s.list(&Query {
                request: Some(r),
                ..Query::default()
            })
            .expect("list")
            .len(),
            1,
            "{rel}"
        );
    }
}

#[test]
fn prune_and_retention_keep_the_newest() {
    let (_dir, mut s) = store();
    let mut ids = Vec::new();
    for i in 0..30 {
        let mut e = entry("GET", &format!("http://x/{i}"), 200, "text/plain", b"ok");
        // An hour inside each day, so that no entry sits on the cut-off.
        e.created_ms = apix_now_ms() - (30 - i) * 86_400_000 + 3_600_000;
        ids.push(s.record(&e).expect("record"));
    }
    assert_eq!(s.prune(Prune::OlderThan(Duration::from_secs(10 * 86_400))).expect("prune"), 20);
    assert_eq!(s.count().expect("count"), 10);
    assert_eq!(s.prune(Prune::KeepLast(4)).expect("prune"), 6);
    let left: Vec<i64> = s.list(&Query::default()).expect("list").iter().map(|e| e.id).collect();
    assert_eq!(left, ids[26..].iter().rev().copied().collect::<Vec<_>>());
    assert!(s.search("x", 10).expect("search").len() <= 4, "pruned entries leave the index too");
    assert!(matches!(s.get(ids[0]), Err(HistoryError::NotFound(_))));
    // Retention trims only once the limit is passed by a tenth, then back to the limit.
    for i in 0..20 {
        s.record(&entry("GET", &format!("http://y/{i}"), 200, "text/plain", b"ok"))
            .expect("record");
        s.apply_retention(10, None).expect("retention");
    }
    let n = s.count().expect("count");
    assert!((10..=11).contains(&n), "{n} entries kept");
    assert_eq!(s.integrity_check().expect("check"), "ok");
}

fn apix_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[test]
fn entries_round_trip_and_restore() {
    let (_dir, mut s) = store();
    let body = serde_json::to_vec(&serde_json::json!({"items": (0..200).collect::<Vec<_>>()})).expect("json");
    let mut e = entry("POST", "http://x/items", 201, "application/json", &body);
    e.request.body_kind = "bytes".into();
    e.request.headers.push(("Content-Type".into(), "application/json".into()));
    e.request.body = Some(apix::core::history::StoredBody {
        bytes: br#"{"name":"ada"}"#.to_vec(),
        size: 14,
        truncated: false,
    });
    let id = s.record(&e).expect("record");
    let got = s.get(id).expect("get");
    assert_eq!(got.entry, e, "what is read back is what was written");
    let x = got.to_exchange().expect("exchange");
    assert_eq!((x.response.status, x.response.body.len()), (201, body.len()));
    let def = got.to_request_def();
    assert_eq!((def.method.as_str(), def.url.as_str()), ("POST", "http://x/items"));
    assert_eq!(def.body, apix::core::collection::Body::Json(r#"{"name":"ada"}"#.into()));
}

#[test]
fn damaged_and_newer_databases_are_explained() {
    let dir = tempfile::tempdir().expect("temp dir");
    let junk = dir.path().join("junk.sqlite3");
    std::fs::write(&junk, vec![0x5a; 8192]).expect("write");
    let err = HistoryStore::open(&junk).expect_err("junk must not open");
    assert!(matches!(err, HistoryError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains(&junk.display().to_string()), "{err}");
    assert!(err.hint().is_some_and(|h| h.contains("mv")), "{:?}", err.hint());

    let newer = dir.path().join("newer.sqlite3");
    drop(HistoryStore::open(&newer).expect("open"));
    let conn = rusqlite::Connection::open(&newer).expect("raw open");
    conn.pragma_update(None, "user_version", 99).expect("bump");
    drop(conn);
    let err = HistoryStore::open(&newer).expect_err("newer must not open");
    assert!(err.to_string().contains("newer apix") && err.to_string().contains("99"), "{err}");
}

#[cfg(unix)]
#[test]
fn the_database_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, _s) = store();
    let mode = std::fs::metadata(dir.path().join("history.sqlite3"))
        .expect("meta")
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "mode {mode:o}");
}

#[test]
fn a_store_can_move_to_a_background_thread() {
    fn is_send<T: Send>() {}
    is_send::<HistoryStore>();
    let (_dir, s) = store();
    let count = std::thread::spawn(move || s.count().expect("count")).join().expect("thread");
    assert_eq!(count, 0);
}

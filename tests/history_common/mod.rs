//! Helpers shared by the history tests: entries built by hand, real sends against the demo server, temp
//! collections.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use apix::core::collection::{load_collection, Collection, RequestDef};
use apix::core::history::{NewEntry, RequestRef, StoredBody, StoredRequest, StoredResponse, StoredTimings};
use apix::core::http::{self, prepare, Exchange, HttpError, PrepareContext, Prepared};
use tokio_util::sync::CancellationToken;

/// An entry as a send would leave it, without sending anything.
pub fn entry(method: &str, url: &str, status: u16, content_type: &str, body: &[u8]) -> NewEntry {
    entry_with_headers(method, url, status, content_type, body, Vec::new())
}

pub fn entry_with_headers(
    method: &str,
    url: &str,
    status: u16,
    content_type: &str,
    body: &[u8],
    mut headers: Vec<(String, String)>,
) -> NewEntry {
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
        headers.push(("content-type".into(), content_type.into()));
    }
    NewEntry {
        created_ms: 1_700_000_000_000,
        request: StoredRequest {
            method: method.into(),
            url: url.into(),
            headers: vec![("Accept".into(), "application/json".into())],
            body_kind: "none".into(),
            ..StoredRequest::default()
        },
        response: Some(StoredResponse {
            status,
            reason: String::new(),
            version: "HTTP/1.1".into(),
            headers,
            body: StoredBody {
                bytes: body.to_vec(),
                size: body.len() as u64,
                truncated: false,
            },
            content_type: Some(content_type.into()),
            final_url: url.into(),
            ..StoredResponse::default()
        }),
        timings: StoredTimings {
            total_us: 1234,
            ..StoredTimings::default()
        },
        ..NewEntry::default()
    }
}

/// The same entry, attributed to a collection request.
pub fn for_request(mut e: NewEntry, r: &RequestRef) -> NewEntry {
    e.source.collection = Some(r.collection.display().to_string());
    e.source.request_path = Some(r.path.clone());
    e.source.fingerprint = r.fingerprint.clone();
    e
}

/// Writes `files` (relative path, content) under a new temp folder and returns it.
pub fn temp_tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (rel, content) in files {
        let p = dir.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, content).expect("write");
    }
    dir
}

pub fn load(root: &Path) -> Collection {
    let c = load_collection(&std::fs::canonicalize(root).expect("canonical root"));
    assert!(!c.has_errors(), "collection has errors: {:?}", c.diagnostics);
    c
}

pub fn request<'a>(c: &'a Collection, rel: &str) -> &'a RequestDef {
    let p: PathBuf = c.root.join(rel);
    c.find_request(&p)
        .unwrap_or_else(|| panic!("no request {rel} in {}", c.root.display()))
}

/// Prepares `def` with `base_url` set, and sends it for real.
pub async fn prepare_and_send(c: &Collection, def: &RequestDef, base_url: &str) -> (Prepared, Result<Exchange, HttpError>) {
    let overrides = vec![("base_url".to_string(), base_url.to_string())];
    let ctx = PrepareContext {
        collection: Some(c),
        environment: None,
        overrides: &overrides,
        demo_url: None,
        masked_preview: false,
        secrets: None,
        trust: None,
    };
    let prepared = prepare(&ctx, def).unwrap_or_else(|e| panic!("prepare: {e}"));
    let result = http::send(&prepared, CancellationToken::new(), None).await;
    (prepared, result)
}

/// Every occurrence of `needle` in the database file and its -wal and -shm companions, by file.
pub fn raw_hits(db: &Path, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", db.display()));
        if let Ok(bytes) = std::fs::read(&p) {
            if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                hits.push(p.display().to_string());
            }
        }
    }
    hits
}

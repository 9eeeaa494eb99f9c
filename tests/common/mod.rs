//! Shared helpers for integration tests: a demo server, ad hoc requests, sends.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use apix::core::collection::{Body, KeyValue, RequestDef};
use apix::core::http::{prepare, send, Exchange, HttpError, PrepareContext, Prepared};
use tokio_util::sync::CancellationToken;

/// A request with no collection around it.
pub fn req(method: &str, url: &str) -> RequestDef {
    let mut d = RequestDef::new(PathBuf::new(), "test");
    d.method = method.into();
    d.url = url.into();
    d
}

pub fn with_headers(mut d: RequestDef, headers: &[(&str, &str)]) -> RequestDef {
    d.headers.extend(headers.iter().map(|(k, v)| KeyValue::new(*k, *v)));
    d
}

pub fn with_body(mut d: RequestDef, body: Body) -> RequestDef {
    d.body = body;
    d
}

pub fn prep(d: &RequestDef) -> Prepared {
    prepare(&PrepareContext::default(), d).unwrap_or_else(|e| panic!("prepare failed: {e}"))
}

pub async fn exchange(d: &RequestDef) -> Result<Exchange, HttpError> {
    send(&prep(d), CancellationToken::new(), None).await
}

pub async fn ok(d: &RequestDef) -> Exchange {
    exchange(d).await.unwrap_or_else(|e| panic!("send failed: {e}"))
}

pub fn json(x: &Exchange) -> serde_json::Value {
    serde_json::from_slice(&x.response.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&x.response.body)))
}

/// Copies a folder tree (e.g. a sample collection) into `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Every file under `dir`, recursively.
pub fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(all_files(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

//! The templated fields of a request, named as errors name them, and where a variable is used.

use std::path::{Path, PathBuf};

use super::prepare::PrepareContext;
use crate::core::collection::{Body, Collection, Folder, RequestDef};
use crate::core::template::references;

pub(crate) fn display_path(c: Option<&Collection>, p: &Path) -> PathBuf {
    match c.and_then(|c| c.root.parent().and_then(|parent| p.strip_prefix(parent).ok())) {
        Some(rel) => rel.to_path_buf(),
        None => p.to_path_buf(),
    }
}

pub(crate) fn known_names(ctx: &PrepareContext) -> Vec<String> {
    let mut names: Vec<String> = ctx.overrides.iter().map(|(k, _)| k.clone()).collect();
    if let Some(e) = ctx.environment {
        names.extend(e.vars.iter().map(|v| v.name.clone()));
    }
    if let Some(c) = ctx.collection {
        fn walk(f: &Folder, out: &mut Vec<String>) {
            out.extend(f.defaults.vars.iter().map(|v| v.name.clone()));
            for c in &f.children {
                if let crate::core::collection::Node::Folder(sub) = c {
                    walk(sub, out);
                }
            }
        }
        walk(&c.tree, &mut names);
        for e in &c.environments {
            names.extend(e.vars.iter().map(|v| v.name.clone()));
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Every `file (field)` in the collection that uses `{{name}}`.
pub fn usages(c: &Collection, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for r in c.requests() {
        let file = display_path(Some(c), &r.path).display().to_string();
        for (field, text) in request_fields(r) {
            if references(&text).contains(&name) {
                out.push(format!("{file} ({field})"));
            }
        }
    }
    out
}

/// Every templated field of a request, named as errors name them.
pub fn request_fields(r: &RequestDef) -> Vec<(String, String)> {
    let mut f = vec![("url".to_string(), r.url.clone())];
    for q in &r.query {
        f.push((format!("query {}", q.name), q.value.clone()));
    }
    for h in &r.headers {
        f.push((format!("header {}", h.name), h.value.clone()));
    }
    match &r.body {
        Body::Json(j) => f.push(("body".into(), j.clone())),
        Body::Text { text, .. } => f.push(("body".into(), text.clone())),
        Body::Form(kv) => f.extend(kv.iter().map(|k| (format!("form field {}", k.name), k.value.clone()))),
        Body::Multipart(parts) => f.extend(
            parts
                .iter()
                .filter_map(|p| p.value.clone().map(|v| (format!("multipart part {}", p.name), v))),
        ),
        Body::File { path, .. } => f.push(("body file".into(), path.clone())),
        Body::None => {}
    }
    f.extend(r.auth.fields().into_iter().map(|(k, v)| (k.to_string(), v)));
    f
}

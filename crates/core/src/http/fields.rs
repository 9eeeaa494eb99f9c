//! The templated fields of a request, named as errors name them, and where a variable is used.

use std::path::{Path, PathBuf};

use crate::collection::{Body, Collection, RequestDef};
use crate::template::references;

pub(crate) fn display_path(c: Option<&Collection>, p: &Path) -> PathBuf {
    match c.and_then(|c| c.root.parent().and_then(|parent| p.strip_prefix(parent).ok())) {
        Some(rel) => rel.to_path_buf(),
        None => p.to_path_buf(),
    }
}

/// How many other uses an unknown-variable error lists before it only counts them.
pub const MAX_USAGES: usize = 10;

/// Every `file (field)` in the collection that uses `{{name}}`: the first [`MAX_USAGES`], then how many more.
pub fn usages(c: &Collection, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut more = 0;
    for r in c.requests() {
        let file = display_path(Some(c), &r.path).display().to_string();
        let mut fields: Vec<String> = request_fields(r)
            .into_iter()
            .filter(|(_, text)| references(text).contains(&name))
            .map(|(field, _)| field)
            .collect();
        fields.dedup();
        for field in fields {
            if out.len() < MAX_USAGES {
                out.push(format!("{file} ({field})"));
            } else {
                more += 1;
            }
        }
    }
    if more > 0 {
        out.push(format!("{more} more"));
    }
    out
}

/// Every templated field of a request (names too: a header name may be `{{tenant}}-Key`), named as errors name
/// them.
pub fn request_fields(r: &RequestDef) -> Vec<(String, String)> {
    let mut f = vec![("url".to_string(), r.url.clone())];
    for q in &r.query {
        f.push((format!("query {}", q.name), q.name.clone()));
        f.push((format!("query {}", q.name), q.value.clone()));
    }
    for h in &r.headers {
        f.push((format!("header {}", h.name), h.name.clone()));
        f.push((format!("header {}", h.name), h.value.clone()));
    }
    match &r.body {
        Body::Json(j) => f.push(("body".into(), j.clone())),
        Body::Text { text, content_type } => {
            f.push(("body".into(), text.clone()));
            f.extend(content_type.clone().map(|c| ("body content_type".to_string(), c)));
        }
        Body::Form(kv) => {
            for k in kv {
                f.push((format!("form field {}", k.name), k.name.clone()));
                f.push((format!("form field {}", k.name), k.value.clone()));
            }
        }
        Body::Multipart(parts) => {
            for p in parts {
                let field = format!("multipart part {}", p.name);
                f.push((field.clone(), p.name.clone()));
                f.extend(p.value.clone().map(|v| (field.clone(), v)));
                f.extend(p.file.clone().map(|v| (field.clone(), v)));
                f.extend(p.content_type.clone().map(|v| (field.clone(), v)));
            }
        }
        Body::File { path, content_type } => {
            f.push(("body file".into(), path.clone()));
            f.extend(content_type.clone().map(|c| ("body content_type".to_string(), c)));
        }
        Body::None => {}
    }
    f.extend(r.auth.fields().into_iter().map(|(k, v)| (k.to_string(), v)));
    f.extend(r.options.proxy.clone().map(|p| ("options proxy".to_string(), p)));
    f
}

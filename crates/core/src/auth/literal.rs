//! Finding credentials written literally in collection files (for `apix check`): a value that looks like a token,
//! key or password rather than a `{{…}}` reference. A line that holds a deliberate, public value (a demo password)
//! can say so with a trailing `# apix:allow-literal` comment.

use std::path::{Path, PathBuf};

use toml_edit::{Document, Item, Value};

use crate::collection::diag::line_col;
use crate::collection::{Collection, Diagnostic, Folder, Node};

pub const ALLOW_MARKER: &str = "apix:allow-literal";

/// Keys whose value is a credential whatever it looks like.
fn secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase().replace('-', "_");
    let tails = [
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "api_key",
        "secret_key",
        "private_key",
        "authorization",
    ];
    tails
        .iter()
        .any(|t| k == *t || k.ends_with(&format!("_{t}")) || k.ends_with(t) && k.len() > t.len() && !k.contains("url"))
        || k == "x_api_key"
        || k == "cookie"
}

/// Values that look like a credential wherever they are.
fn secret_shape(v: &str) -> Option<&'static str> {
    let v = v.trim();
    let lower = v.to_ascii_lowercase();
    let prefixes = [
        ("ghp_", "a GitHub token"),
        ("gho_", "a GitHub token"),
        ("github_pat_", "a GitHub token"),
        ("glpat-", "a GitLab token"),
        ("xoxb-", "a Slack token"),
        ("xoxp-", "a Slack token"),
        ("sk_live_", "a Stripe key"),
        ("sk-", "an API key"),
        ("akia", "an AWS access key"),
        ("asia", "an AWS access key"),
    ];
    for (p, what) in prefixes {
        if lower.starts_with(p) && v.len() >= p.len() + 12 && !v.contains(' ') {
            return Some(what);
        }
    }
    let scheme_value = ["bearer ", "basic ", "token "]
        .iter()
        .find_map(|p| lower.starts_with(p).then(|| &v[p.len()..]));
    if scheme_value.is_some_and(|rest| rest.len() >= 12 && !rest.contains(char::is_whitespace)) {
        return Some("a credential");
    }
    let jwt = v.starts_with("eyJ") && v.matches('.').count() == 2 && v.len() > 30;
    if jwt {
        return Some("a JWT");
    }
    None
}

/// Every literal credential in the collection's files, as warnings at file:line:col.
pub fn find(c: &Collection) -> Vec<Diagnostic> {
    let mut files: Vec<PathBuf> = vec![c.root.join("collection.toml")];
    fn walk(f: &Folder, out: &mut Vec<PathBuf>) {
        for n in &f.children {
            match n {
                Node::Folder(sub) => {
                    out.push(sub.path.join("folder.toml"));
                    walk(sub, out);
                }
                Node::Request(r) => out.push(r.path.clone()),
                Node::Broken(_) => {}
            }
        }
    }
    walk(&c.tree, &mut files);
    files.extend(c.environments.iter().map(|e| e.path.clone()));
    files.iter().filter(|p| p.is_file()).flat_map(|p| scan_file(p)).collect()
}

pub fn scan_file(path: &Path) -> Vec<Diagnostic> {
    let Ok(src) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let Ok(doc) = Document::parse(src.clone()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut visit = |key_path: &str, key: &str, value: &str, span: Option<std::ops::Range<usize>>| {
        if value.is_empty() || value.contains("{{") {
            return;
        }
        let reason = if secret_key(key) {
            Some("a credential")
        } else {
            secret_shape(value)
        };
        let Some(what) = reason else { return };
        let (line, col) = span.map(|s| line_col(&src, s.start)).unwrap_or((0, 0));
        let line_text = src.lines().nth(line.saturating_sub(1)).unwrap_or("");
        if line_text.contains(ALLOW_MARKER) {
            return;
        }
        out.push(
            Diagnostic::warning(path, (line, col), format!("`{key_path}` holds {what} written literally"))
                .with_hint(format!(
                    "reference it instead, e.g. {key} = \"{{{{env.NAME}}}}\" with NAME in .env (git-ignored), {{{{keyring.NAME}}}} or {{{{cmd.NAME}}}}; add `# {ALLOW_MARKER}` if the value is public"
                )),
        );
    };
    walk_item(doc.as_item(), "", &mut visit);
    out
}

/// Called with (dotted key path, last key, string value, span of the value).
type Visit<'a> = dyn FnMut(&str, &str, &str, Option<std::ops::Range<usize>>) + 'a;

fn walk_item(item: &Item, prefix: &str, visit: &mut Visit) {
    match item {
        Item::Table(t) => {
            for (k, v) in t.iter() {
                walk_item(v, &join(prefix, k), visit);
            }
        }
        Item::Value(v) => walk_value(v, prefix, visit),
        Item::ArrayOfTables(a) => {
            for t in a.iter() {
                for (k, v) in t.iter() {
                    walk_item(v, &join(prefix, k), visit);
                }
            }
        }
        Item::None => {}
    }
}

fn walk_value(v: &Value, path: &str, visit: &mut Visit) {
    let key = path.rsplit('.').next().unwrap_or(path);
    match v {
        Value::String(s) => visit(path, key, s.value(), v.span()),
        Value::Array(a) => a.iter().for_each(|x| walk_value(x, path, visit)),
        Value::InlineTable(t) => {
            for (k, x) in t.iter() {
                // `{ value = "…", enabled = false }` entries are about their outer key.
                let inner = if k == "value" { path.to_string() } else { join(path, k) };
                walk_value(x, &inner, visit);
            }
        }
        _ => {}
    }
}

fn join(prefix: &str, k: &str) -> String {
    if prefix.is_empty() {
        k.to_string()
    } else {
        format!("{prefix}.{k}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_literals_not_references() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.toml");
        std::fs::write(
            &p,
            "url = \"https://x\"\n[headers]\nX-Trace = \"ghp_abcdefghijklmnopqrstuvwxyz\"\n[auth]\ntype = \"basic\"\nusername = \"ada\"\npassword = \"hunter22\"\n[vars]\ntoken_url = \"https://id/token\"\nclient_secret = \"{{env.SECRET}}\"\ndemo_password = \"public\" # apix:allow-literal\n",
        )
        .unwrap();
        let found = scan_file(&p);
        let shown: Vec<String> = found.iter().map(|d| d.to_string()).collect();
        assert_eq!(found.len(), 2, "{shown:#?}");
        assert_eq!((found[0].line, found[0].message.contains("headers.X-Trace")), (3, true));
        assert_eq!((found[1].line, found[1].message.contains("auth.password")), (7, true));
    }
}

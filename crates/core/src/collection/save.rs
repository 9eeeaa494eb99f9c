//! Saving: only what was edited changes on disk. The current file is re-read and compared with the edited request
//! field by field; untouched keys, comments, key order and formatting stay byte-identical (toml_edit), and the write
//! is atomic.

use std::fs;
use std::path::{Path, PathBuf};

use thiserror::Error;
use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, TableLike, Value};

use super::model::*;
use super::parse::{parse_request, Ctx};
use crate::fsutil::write_atomic;

#[derive(Debug, Error)]
pub enum SaveError {
    #[error("cannot save {path}: the file on disk is not valid TOML ({reason}); fix it or reload it first")]
    Unparsable { path: String, reason: String },
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} already exists; choose another name")]
    Exists { path: String },
    #[error("{path} does not exist")]
    Missing { path: String },
    #[error("`{target}` is outside the collection; a request or folder can only move to a folder of its own collection")]
    Outside { target: String },
    #[error("{path} cannot move into itself or a folder inside it")]
    IntoItself { path: String },
}

fn io_err(path: &Path, source: std::io::Error) -> SaveError {
    SaveError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Writes `def` to `def.path`, changing only the fields that differ from what the file says now.
pub fn save_request(def: &RequestDef) -> Result<(), SaveError> {
    let text = render_request_update(def)?;
    if let Some(parent) = def.path.parent() {
        fs::create_dir_all(parent).map_err(|e| io_err(parent, e))?;
    }
    write_atomic(&def.path, text.as_bytes()).map_err(|e| io_err(&def.path, e))
}

/// The text `save_request` would write (exposed for previews and tests).
pub fn render_request_update(def: &RequestDef) -> Result<String, SaveError> {
    let existing = match fs::read_to_string(&def.path) {
        Ok(s) => Some(s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io_err(&def.path, e)),
    };
    let (mut doc, disk) = match &existing {
        Some(src) => {
            let doc: DocumentMut = src.parse().map_err(|e: toml_edit::TomlError| SaveError::Unparsable {
                path: def.path.display().to_string(),
                reason: e.message().trim().to_string(),
            })?;
            let mut ctx = Ctx::new(&def.path, src);
            // A file with unknown keys still saves: we then rewrite every field we know, and leave the rest alone.
            let disk = parse_request(&mut ctx);
            (doc, disk)
        }
        None => (DocumentMut::new(), None),
    };
    let is_new = existing.is_none();
    let blank = RequestDef {
        path: def.path.clone(),
        name: String::from("\u{0}"),
        method: String::from("\u{0}"),
        url: String::from("\u{0}"),
        description: String::from("\u{0}"),
        query: vec![KeyValue::new("\u{0}", "")],
        headers: vec![KeyValue::new("\u{0}", "")],
        body: Body::Text {
            text: "\u{0}".into(),
            content_type: None,
        },
        auth: AuthDef::Basic {
            username: "\u{0}".into(),
            password: String::new(),
        },
        options: Options {
            max_redirects: Some(u32::MAX),
            ..Default::default()
        },
    };
    // Without a readable disk version, every field counts as changed.
    let old = disk.as_ref().unwrap_or(&blank);
    let root = doc.as_table_mut();
    let stem = def.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if old.name != def.name || (is_new && !def.name.is_empty()) {
        set_or_remove(root, "name", (def.name != stem || is_new).then(|| def.name.clone()));
    }
    if old.method != def.method || is_new {
        set_or_remove(root, "method", Some(def.method.clone()));
    }
    if old.url != def.url || is_new {
        set_or_remove(root, "url", Some(def.url.clone()));
    }
    if old.description != def.description {
        set_or_remove(root, "description", (!def.description.is_empty()).then(|| def.description.clone()));
    }
    if old.query != def.query {
        sync_kv_section(root, "query", &def.query);
    }
    if old.headers != def.headers {
        sync_kv_section(root, "headers", &def.headers);
    }
    if old.body != def.body {
        sync_section(root, "body", body_entries(&def.body));
    }
    if old.auth != def.auth {
        sync_section(root, "auth", auth_entries(&def.auth));
    }
    if old.options != def.options {
        sync_section(root, "options", options_entries(&def.options));
    }
    Ok(doc.to_string())
}

fn set_or_remove(table: &mut dyn TableLike, key: &str, value: Option<String>) {
    match value {
        Some(v) => set_keep_decor(table, key, Item::Value(Value::from(v))),
        None => {
            table.remove(key);
        }
    }
}

/// Replaces the value at `key`, keeping the comments and spacing around the old value.
fn set_keep_decor(table: &mut dyn TableLike, key: &str, mut new: Item) {
    if let Some(old) = table.get_mut(key) {
        if let (Some(o), Some(n)) = (old.as_value(), new.as_value_mut()) {
            *n.decor_mut() = o.decor().clone();
        }
        if let (Some(o), Some(n)) = (old.as_table(), new.as_table_mut()) {
            *n.decor_mut() = o.decor().clone();
        }
        *old = new;
    } else {
        table.insert(key, new);
    }
}

fn entry_value(kv: &KeyValue) -> Value {
    if kv.enabled {
        Value::from(kv.value.clone())
    } else {
        let mut t = InlineTable::new();
        t.insert("value", Value::from(kv.value.clone()));
        t.insert("enabled", Value::from(false));
        Value::InlineTable(t)
    }
}

/// Groups entries by name in order of first appearance (repeats become arrays).
fn group(entries: &[KeyValue]) -> Vec<(String, Value)> {
    let mut names: Vec<&str> = Vec::new();
    for e in entries {
        if !names.contains(&e.name.as_str()) {
            names.push(&e.name);
        }
    }
    names
        .into_iter()
        .map(|n| {
            let all: Vec<&KeyValue> = entries.iter().filter(|e| e.name == n).collect();
            let v = if all.len() == 1 {
                entry_value(all[0])
            } else {
                let mut arr = Array::new();
                for e in all {
                    arr.push(entry_value(e));
                }
                Value::Array(arr)
            };
            (n.to_string(), v)
        })
        .collect()
}

fn sync_kv_section(root: &mut Table, key: &str, entries: &[KeyValue]) {
    let items = group(entries).into_iter().map(|(k, v)| (k, Item::Value(v))).collect();
    sync_section(root, key, items);
}

/// Makes `[key]` hold exactly `entries`: equal values are left untouched (decor and all), changed ones replaced in
/// place, missing ones appended, extra ones removed. An empty list removes the section.
fn sync_section(root: &mut Table, key: &str, entries: Vec<(String, Item)>) {
    if entries.is_empty() {
        root.remove(key);
        return;
    }
    if !root.contains_key(key) || !root.get(key).is_some_and(|i| i.is_table_like()) {
        let mut t = Table::new();
        t.set_implicit(true);
        root.insert(key, Item::Table(t));
    }
    let Some(table) = root.get_mut(key).and_then(|i| i.as_table_like_mut()) else {
        return;
    };
    let wanted: Vec<String> = entries.iter().map(|(k, _)| k.clone()).collect();
    let stale: Vec<String> = table.iter().map(|(k, _)| k.to_string()).filter(|k| !wanted.contains(k)).collect();
    for k in stale {
        table.remove(&k);
    }
    for (k, item) in entries {
        let same = table.get(&k).is_some_and(|old| canon(old) == canon(&item));
        if !same {
            set_keep_decor(table, &k, item);
        }
    }
}

#[derive(PartialEq, Debug)]
enum Canon {
    S(String),
    I(i64),
    F(String),
    B(bool),
    A(Vec<Canon>),
    T(Vec<(String, Canon)>),
    Other,
}

fn canon_value(v: &Value) -> Canon {
    match v {
        Value::String(s) => Canon::S(s.value().clone()),
        Value::Integer(i) => Canon::I(*i.value()),
        Value::Float(f) => Canon::F(f.value().to_string()),
        Value::Boolean(b) => Canon::B(*b.value()),
        Value::Array(a) => Canon::A(a.iter().map(canon_value).collect()),
        Value::InlineTable(t) => Canon::T(t.iter().map(|(k, v)| (k.to_string(), canon_value(v))).collect()),
        Value::Datetime(_) => Canon::Other,
    }
}

fn canon(item: &Item) -> Canon {
    match item {
        Item::Value(v) => canon_value(v),
        Item::Table(t) => Canon::T(t.iter().map(|(k, v)| (k.to_string(), canon(v))).collect()),
        Item::ArrayOfTables(a) => Canon::A(
            a.iter()
                .map(|t| Canon::T(t.iter().map(|(k, v)| (k.to_string(), canon(v))).collect()))
                .collect(),
        ),
        Item::None => Canon::Other,
    }
}

fn s(v: &str) -> Item {
    Item::Value(Value::from(v.to_string()))
}

fn body_entries(body: &Body) -> Vec<(String, Item)> {
    let mut out = Vec::new();
    match body {
        Body::None => {}
        Body::Json(j) => out.push(("json".into(), block(j))),
        Body::Text { text, content_type } => {
            out.push(("text".into(), block(text)));
            if let Some(ct) = content_type {
                out.push(("content_type".into(), s(ct)));
            }
        }
        Body::File { path, content_type } => {
            out.push(("file".into(), s(path)));
            if let Some(ct) = content_type {
                out.push(("content_type".into(), s(ct)));
            }
        }
        Body::Form(fields) => {
            let mut t = Table::new();
            for (k, v) in group(fields) {
                t.insert(&k, Item::Value(v));
            }
            out.push(("form".into(), Item::Table(t)));
        }
        Body::Multipart(parts) => {
            let mut arr = Array::new();
            for p in parts {
                let mut t = InlineTable::new();
                t.insert("name", Value::from(p.name.clone()));
                if let Some(v) = &p.value {
                    t.insert("value", Value::from(v.clone()));
                }
                if let Some(f) = &p.file {
                    t.insert("file", Value::from(f.clone()));
                }
                if let Some(ct) = &p.content_type {
                    t.insert("content_type", Value::from(ct.clone()));
                }
                if !p.enabled {
                    t.insert("enabled", Value::from(false));
                }
                arr.push(Value::InlineTable(t));
            }
            // One part per line keeps diffs to one line per part.
            for v in arr.iter_mut() {
                v.decor_mut().set_prefix("\n  ");
            }
            arr.set_trailing("\n");
            arr.set_trailing_comma(true);
            out.push(("multipart".into(), Item::Value(Value::Array(arr))));
        }
    }
    out
}

/// Multi-line text (JSON bodies) is written as a '\'\'\'literal block\'\'\'' so it reads as written, with no escaping.
fn block(text: &str) -> Item {
    if text.contains('\n') && !text.contains("'''") && !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        if let Ok(v) = format!("'''\n{text}'''").parse::<Value>() {
            if v.as_str() == Some(text) {
                return Item::Value(v);
            }
        }
    }
    s(text)
}

fn auth_entries(auth: &AuthDef) -> Vec<(String, Item)> {
    let mut out = vec![("type".to_string(), s(auth.type_name()))];
    match auth {
        AuthDef::Inherit => return Vec::new(),
        AuthDef::None => {}
        AuthDef::Basic { username, password } => {
            out.push(("username".into(), s(username)));
            out.push(("password".into(), s(password)));
        }
        AuthDef::Bearer { token } => out.push(("token".into(), s(token))),
        AuthDef::ApiKey { name, value, location } => {
            out.push(("name".into(), s(name)));
            out.push(("value".into(), s(value)));
            let loc = match location {
                ApiKeyLocation::Header => "header",
                ApiKeyLocation::Query => "query",
            };
            out.push(("in".into(), s(loc)));
        }
        AuthDef::Digest { username, password } => {
            out.push(("username".into(), s(username)));
            out.push(("password".into(), s(password)));
        }
        AuthDef::Aws(a) => {
            out.push(("access_key".into(), s(&a.access_key)));
            out.push(("secret_key".into(), s(&a.secret_key)));
            if let Some(t) = &a.session_token {
                out.push(("session_token".into(), s(t)));
            }
            out.push(("region".into(), s(&a.region)));
            out.push(("service".into(), s(&a.service)));
        }
        AuthDef::OAuth2(o) => {
            out.push(("grant".into(), s(o.grant.as_str())));
            out.push(("token_url".into(), s(&o.token_url)));
            let optional = [("auth_url", &o.auth_url), ("device_url", &o.device_url)];
            for (k, v) in optional {
                if let Some(v) = v {
                    out.push((k.into(), s(v)));
                }
            }
            out.push(("client_id".into(), s(&o.client_id)));
            if let Some(v) = &o.client_secret {
                out.push(("client_secret".into(), s(v)));
            }
            if !o.scopes.is_empty() {
                let arr: Array = o.scopes.iter().map(|x| Value::from(x.clone())).collect();
                out.push(("scopes".into(), Item::Value(Value::Array(arr))));
            }
            if let Some(p) = o.redirect_port {
                out.push(("redirect_port".into(), Item::Value(Value::from(i64::from(p)))));
            }
            if o.client_auth == ClientAuth::Body {
                out.push(("client_auth".into(), s("body")));
            }
        }
    }
    out
}

fn duration_text(d: std::time::Duration) -> String {
    humantime::format_duration(d).to_string().replace(' ', "")
}

fn options_entries(o: &Options) -> Vec<(String, Item)> {
    let mut out = Vec::new();
    let mut push = |k: &str, v: Item| out.push((k.to_string(), v));
    if let Some(d) = o.timeout {
        push("timeout", s(&duration_text(d)));
    }
    if let Some(d) = o.connect_timeout {
        push("connect_timeout", s(&duration_text(d)));
    }
    if let Some(d) = o.read_timeout {
        push("read_timeout", s(&duration_text(d)));
    }
    if let Some(b) = o.follow_redirects {
        push("follow_redirects", Item::Value(Value::from(b)));
    }
    if let Some(n) = o.max_redirects {
        push("max_redirects", Item::Value(Value::from(i64::from(n))));
    }
    if let Some(p) = &o.proxy {
        push("proxy", s(p));
    }
    if let Some(p) = &o.ca_file {
        push("ca_file", s(p));
    }
    if let Some(b) = o.verify_tls {
        push("verify_tls", Item::Value(Value::from(b)));
    }
    if let Some(n) = o.max_body_size {
        push("max_body_size", Item::Value(Value::from(n.min(i64::MAX as u64) as i64)));
    }
    if let Some(b) = o.cookies {
        push("cookies", Item::Value(Value::from(b)));
    }
    out
}

/// Creates a new request file; refuses to overwrite an existing one.
pub fn create_request(def: &RequestDef) -> Result<(), SaveError> {
    if def.path.exists() {
        return Err(SaveError::Exists {
            path: def.path.display().to_string(),
        });
    }
    save_request(def)
}

/// Moves or renames a request file. Only the file itself moves: siblings are not rewritten.
pub fn move_path(from: &Path, to: &Path) -> Result<(), SaveError> {
    if !from.exists() {
        return Err(SaveError::Missing {
            path: from.display().to_string(),
        });
    }
    if to.exists() {
        return Err(SaveError::Exists {
            path: to.display().to_string(),
        });
    }
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(|e| io_err(parent, e))?;
    }
    fs::rename(from, to).map_err(|e| io_err(from, e))?;
    // The folder's `order` follows: a rename keeps the entry's place under the new name, a move takes it out.
    if let (Some(dir), Some(old)) = (from.parent(), from.file_name().and_then(|n| n.to_str())) {
        let new = (from.parent() == to.parent())
            .then(|| to.file_name().and_then(|n| n.to_str()))
            .flatten();
        rename_in_order(dir, old, new)?;
    }
    Ok(())
}

/// In the `order` of the folder `dir` (its `folder.toml`, or `collection.toml` at the root), `old` becomes `new`,
/// or goes when `new` is None. Nothing else in the file changes; no file is written when `order` does not name it.
fn rename_in_order(dir: &Path, old: &str, new: Option<&str>) -> Result<(), SaveError> {
    let file = [super::load::FOLDER_FILE, super::load::COLLECTION_FILE]
        .iter()
        .map(|f| dir.join(f))
        .find(|f| f.is_file());
    let Some(file) = file else { return Ok(()) };
    let Ok(src) = fs::read_to_string(&file) else { return Ok(()) };
    let Ok(mut doc) = src.parse::<DocumentMut>() else { return Ok(()) };
    let Some(order) = doc.get_mut("order").and_then(Item::as_array_mut) else {
        return Ok(());
    };
    let Some(i) = order.iter().position(|v| v.as_str() == Some(old)) else {
        return Ok(());
    };
    match new {
        Some(new) => {
            let decor = order.get(i).map(|v| v.decor().clone());
            order.replace(i, new);
            if let (Some(decor), Some(v)) = (decor, order.get_mut(i)) {
                *v.decor_mut() = decor;
            }
        }
        None => {
            let removed = order.remove(i);
            // The first entry's spacing goes to the one that is first now: `["c.toml", …]`, not `[ "c.toml", …]`.
            if i == 0 {
                if let Some(first) = order.get_mut(0) {
                    first.decor_mut().set_prefix(removed.decor().prefix().cloned().unwrap_or_default());
                }
            }
        }
    }
    write_atomic(&file, doc.to_string().as_bytes()).map_err(|e| io_err(&file, e))
}

/// Moves a request file or a folder into `dest` (a folder of the collection, relative to its root: `users/admin`, or
/// empty for the root). A destination that would leave the collection (`../outside`, an absolute path) or put a
/// folder inside itself is refused before anything moves. Returns the new path.
pub fn move_into(root: &Path, from: &Path, dest: &str) -> Result<PathBuf, SaveError> {
    let mut folder = root.to_path_buf();
    for part in dest.split(['/', '\\']).filter(|p| !p.is_empty() && *p != ".") {
        if part == ".." || Path::new(part).is_absolute() || part.contains(':') {
            return Err(SaveError::Outside { target: dest.to_string() });
        }
        folder.push(part);
    }
    if !from.starts_with(root) {
        return Err(SaveError::Outside {
            target: from.display().to_string(),
        });
    }
    if from.is_dir() && folder.starts_with(from) {
        return Err(SaveError::IntoItself {
            path: from.display().to_string(),
        });
    }
    let Some(name) = from.file_name() else {
        return Err(SaveError::Missing {
            path: from.display().to_string(),
        });
    };
    let to = folder.join(name);
    if to == from {
        return Ok(to);
    }
    move_path(from, &to)?;
    Ok(to)
}

/// Copies a request file byte for byte (comments included) under a new name, with `name` set to `new_name`.
pub fn duplicate_request(def: &RequestDef, to: &Path, new_name: &str) -> Result<(), SaveError> {
    if to.exists() {
        return Err(SaveError::Exists {
            path: to.display().to_string(),
        });
    }
    let text = fs::read(&def.path).map_err(|e| io_err(&def.path, e))?;
    write_atomic(to, &text).map_err(|e| io_err(to, e))?;
    let mut copy = def.clone();
    copy.path = to.to_path_buf();
    copy.name = new_name.to_string();
    save_request(&copy)
}

/// Deletes a request file or a whole folder.
pub fn delete_path(path: &Path) -> Result<(), SaveError> {
    let r = if path.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    };
    r.map_err(|e| io_err(path, e))
}

/// Creates a folder (with no `folder.toml`: defaults are optional).
pub fn create_folder(path: &Path, name: &str) -> Result<(), SaveError> {
    if path.exists() {
        return Err(SaveError::Exists {
            path: path.display().to_string(),
        });
    }
    fs::create_dir_all(path).map_err(|e| io_err(path, e))?;
    // The folder's `folder.toml` keeps the name as typed (the folder name is a file-system form of it), and makes
    // an empty folder a folder of the collection: one with no TOML file in it is not loaded.
    let mut doc = toml_edit::DocumentMut::new();
    doc["name"] = toml_edit::value(name.trim());
    let marker = path.join(super::load::FOLDER_FILE);
    crate::fsutil::write_atomic(&marker, doc.to_string().as_bytes()).map_err(|e| io_err(&marker, e))
}

/// Creates a collection called `name` in `dir`: a folder named after it with a `collection.toml` (a comment header
/// and the name), an `environments/` folder with a `local` environment whose `base_url` is the built-in demo API
/// (so a first request works offline; the comment says to change it), and a `.gitignore` that keeps `.env` (the
/// secrets) out of git. Returns the collection's folder.
pub fn create_collection(dir: &Path, name: &str) -> Result<PathBuf, SaveError> {
    let name = name.trim();
    let path = dir.join(file_name_for(name).trim_end_matches(".toml"));
    if path.exists() {
        return Err(SaveError::Exists {
            path: path.display().to_string(),
        });
    }
    let envs = path.join("environments");
    fs::create_dir_all(&envs).map_err(|e| io_err(&envs, e))?;
    let mut doc = DocumentMut::new();
    doc["name"] = toml_edit::value(name);
    let header = "# An apix collection: every .toml file in this folder and its subfolders is a request.\n\
                  # Variables for all requests go under [vars]; environments/ holds one file per environment.\n";
    let local = "# The built-in demo API, so a first request works offline: change base_url to the API you explore.\n\
                 base_url = \"{{$demo}}\"\n";
    let ignore = "# Secrets referenced as {{env.NAME}} live in .env, never in git.\n.env\n";
    let files = [
        (path.join(super::load::COLLECTION_FILE), format!("{header}{doc}")),
        (envs.join("local.toml"), local.to_string()),
        (path.join(".gitignore"), ignore.to_string()),
    ];
    for (file, text) in files {
        write_atomic(&file, text.as_bytes()).map_err(|e| io_err(&file, e))?;
    }
    Ok(path)
}

/// A file name for a request called `name`: lower-case words joined by dashes, `.toml` appended.
pub fn file_name_for(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "request.toml".into()
    } else {
        format!("{out}.toml")
    }
}

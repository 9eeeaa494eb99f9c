//! Turning the text of one collection file into the model, with every problem located at line:col.
//!
//! Parsing is strict on purpose: an unknown key is an error (with a did-you-mean hint) because a typo such as
//! `heders` would otherwise silently send a request without its headers.

use std::ops::Range;
use std::time::Duration;

use toml_edit::{Item, TableLike, Value};

pub(crate) use super::ctx::Ctx;
use super::ctx::{as_table_like, check_keys, get_bool, get_string, parse_toml, scalar_text, type_name};
use super::model::*;
use super::parse_auth::parse_auth;

/// `[headers]`, `[query]`, `[vars]`, form fields: `name = "v"`, `name = ["a", "b"]` (repeats) or
/// `name = { value = "v", enabled = false }`.
pub(crate) fn parse_kv_table(ctx: &mut Ctx, item: &Item, what: &str) -> Vec<KeyValue> {
    let mut out = Vec::new();
    let Some(table) = as_table_like(ctx, item, what) else {
        return out;
    };
    for (name, value) in table.iter() {
        match value {
            Item::Value(Value::Array(arr)) => {
                for v in arr.iter() {
                    parse_kv_entry(ctx, name, &Item::Value(v.clone()), v.span(), what, &mut out);
                }
            }
            other => parse_kv_entry(ctx, name, other, other.span(), what, &mut out),
        }
    }
    out
}

fn parse_kv_entry(ctx: &mut Ctx, name: &str, item: &Item, span: Option<Range<usize>>, what: &str, out: &mut Vec<KeyValue>) {
    if let Some(text) = scalar_text(item) {
        out.push(KeyValue::new(name, text));
        return;
    }
    if let Some(t) = item.as_table_like() {
        check_keys(ctx, t, &["value", "enabled"], &format!("entry `{name}` of [{what}]"));
        let value = t.get("value").and_then(scalar_text);
        if value.is_none() {
            ctx.error(
                span,
                format!("entry `{name}` of [{what}] needs a `value`"),
                Some(format!("write {name} = {{ value = \"...\", enabled = false }}")),
            );
            return;
        }
        let enabled = get_bool(ctx, t, "enabled").unwrap_or(true);
        out.push(KeyValue {
            name: name.to_string(),
            value: value.unwrap_or_default(),
            enabled,
        });
        return;
    }
    ctx.error(
        span,
        format!(
            "entry `{name}` of [{what}] must be a string, a list of strings or {{ value = ..., enabled = ... }}, found {}",
            type_name(item)
        ),
        None,
    );
}

pub(crate) fn parse_duration_text(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s.trim()).map_err(|e| e.to_string())
}

pub fn parse_size_text(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num.parse().ok()?;
    let mult = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "KB" => 1_000,
        "KIB" => 1 << 10,
        "MB" => 1_000_000,
        "MIB" => 1 << 20,
        "GB" => 1_000_000_000,
        "GIB" => 1 << 30,
        _ => return None,
    };
    n.checked_mul(mult)
}

pub(crate) const OPTION_KEYS: &[&str] = &[
    "timeout",
    "connect_timeout",
    "read_timeout",
    "follow_redirects",
    "max_redirects",
    "proxy",
    "ca_file",
    "verify_tls",
    "max_body_size",
    "cookies",
];

pub(crate) fn parse_options(ctx: &mut Ctx, item: &Item) -> Options {
    let mut o = Options::default();
    let Some(t) = as_table_like(ctx, item, "options") else {
        return o;
    };
    check_keys(ctx, t, OPTION_KEYS, "[options]");
    for key in ["timeout", "connect_timeout", "read_timeout"] {
        let Some(text) = get_string(ctx, t, key) else { continue };
        match parse_duration_text(&text) {
            Ok(d) => match key {
                "timeout" => o.timeout = Some(d),
                "connect_timeout" => o.connect_timeout = Some(d),
                _ => o.read_timeout = Some(d),
            },
            Err(e) => {
                let span = t.get(key).and_then(|i| i.span());
                ctx.error(
                    span,
                    format!("`{key}` is not a duration: {e}"),
                    Some("write durations like \"10s\", \"500ms\" or \"2m\"".into()),
                );
            }
        }
    }
    o.follow_redirects = get_bool(ctx, t, "follow_redirects");
    o.verify_tls = get_bool(ctx, t, "verify_tls");
    o.cookies = get_bool(ctx, t, "cookies");
    if let Some(item) = t.get("max_redirects") {
        match item.as_integer() {
            Some(n) if (0..=1000).contains(&n) => o.max_redirects = Some(n as u32),
            _ => ctx.error(item.span(), "`max_redirects` must be a whole number from 0 to 1000", None),
        }
    }
    if let Some(item) = t.get("max_body_size") {
        let parsed = match item.as_value() {
            Some(Value::Integer(i)) if *i.value() >= 0 => Some(*i.value() as u64),
            Some(Value::String(s)) => parse_size_text(s.value()),
            _ => None,
        };
        match parsed {
            Some(n) => o.max_body_size = Some(n),
            None => ctx.error(
                item.span(),
                "`max_body_size` must be a size such as \"256MB\" or a number of bytes",
                None,
            ),
        }
    }
    o.proxy = get_string(ctx, t, "proxy");
    o.ca_file = get_string(ctx, t, "ca_file");
    o
}

pub(crate) fn parse_body(ctx: &mut Ctx, item: &Item) -> Body {
    let Some(t) = as_table_like(ctx, item, "body") else {
        return Body::None;
    };
    let kinds = ["json", "text", "form", "multipart", "file"];
    check_keys(ctx, t, &["json", "text", "form", "multipart", "file", "content_type"], "[body]");
    let present: Vec<&str> = kinds.iter().copied().filter(|k| t.contains_key(k)).collect();
    if present.len() > 1 {
        ctx.error(
            item.span(),
            format!(
                "[body] has {} kinds ({}); a request has exactly one",
                present.len(),
                present.join(", ")
            ),
            Some("keep one of json, text, form, multipart, file".into()),
        );
        return Body::None;
    }
    let content_type = get_string(ctx, t, "content_type");
    match present.first().copied() {
        None => Body::None,
        Some("json") => get_string(ctx, t, "json").map(Body::Json).unwrap_or_default(),
        Some("text") => get_string(ctx, t, "text")
            .map(|text| Body::Text { text, content_type })
            .unwrap_or_default(),
        Some("file") => get_string(ctx, t, "file")
            .map(|path| Body::File { path, content_type })
            .unwrap_or_default(),
        Some("form") => t
            .get("form")
            .map(|i| Body::Form(parse_kv_table(ctx, i, "body.form")))
            .unwrap_or_default(),
        Some(_) => t.get("multipart").map(|i| Body::Multipart(parse_parts(ctx, i))).unwrap_or_default(),
    }
}

fn parse_parts(ctx: &mut Ctx, item: &Item) -> Vec<Part> {
    let mut parts = Vec::new();
    let tables: Vec<(&dyn TableLike, Option<Range<usize>>)> = match item {
        Item::Value(Value::Array(arr)) => arr
            .iter()
            .filter_map(|v| v.as_inline_table().map(|t| (t as &dyn TableLike, v.span())))
            .collect(),
        Item::ArrayOfTables(arr) => arr.iter().map(|t| (t as &dyn TableLike, t.span())).collect(),
        _ => {
            ctx.error(
                item.span(),
                "`multipart` must be a list of parts",
                Some("write multipart = [ { name = \"bio\", value = \"...\" }, { name = \"avatar\", file = \"ada.png\" } ]".into()),
            );
            return parts;
        }
    };
    for (t, span) in tables {
        check_keys(ctx, t, &["name", "value", "file", "content_type", "enabled"], "a multipart part");
        let name = get_string(ctx, t, "name");
        let value = get_string(ctx, t, "value");
        let file = get_string(ctx, t, "file");
        if name.is_none() {
            ctx.error(span.clone(), "a multipart part needs a `name`", None);
        }
        if value.is_some() == file.is_some() {
            ctx.error(span, "a multipart part needs exactly one of `value` and `file`", None);
        }
        parts.push(Part {
            name: name.unwrap_or_default(),
            value,
            file,
            content_type: get_string(ctx, t, "content_type"),
            enabled: get_bool(ctx, t, "enabled").unwrap_or(true),
        });
    }
    parts
}

pub(crate) const REQUEST_KEYS: &[&str] = &[
    "name",
    "description",
    "method",
    "url",
    "query",
    "headers",
    "body",
    "auth",
    "options",
];
pub(crate) const DEFAULTS_KEYS: &[&str] = &["name", "description", "vars", "headers", "auth", "options", "order"];
/// `collection.toml` also declares the commands behind `{{cmd.NAME}}`.
pub(crate) const COLLECTION_KEYS: &[&str] = &["name", "description", "vars", "headers", "auth", "options", "order", "commands"];

fn valid_method(m: &str) -> bool {
    !m.is_empty() && m.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Parses a request file. Returns `None` when the file has errors (they are in `ctx.diags`).
pub(crate) fn parse_request(ctx: &mut Ctx) -> Option<RequestDef> {
    let doc = parse_toml(ctx)?;
    let root = doc.as_table();
    check_keys(ctx, root, REQUEST_KEYS, "a request file");
    let stem = ctx.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut def = RequestDef::new(ctx.path.to_path_buf(), stem);
    if let Some(n) = get_string(ctx, root, "name") {
        def.name = n;
    }
    def.description = get_string(ctx, root, "description").unwrap_or_default();
    if let Some(m) = get_string(ctx, root, "method") {
        if valid_method(&m) {
            def.method = m;
        } else {
            let span = root.get("method").and_then(|i| i.span());
            ctx.error(
                span,
                format!("\"{m}\" is not a valid HTTP method"),
                Some("use a token such as GET, POST, PUT, PATCH, DELETE or a custom word without spaces".into()),
            );
        }
    }
    match get_string(ctx, root, "url") {
        Some(u) => def.url = u,
        None if root.get("url").is_none() => {
            ctx.error(None, "a request file needs a `url`", Some("add url = \"{{base_url}}/path\"".into()))
        }
        None => {}
    }
    if let Some(i) = root.get("query") {
        def.query = parse_kv_table(ctx, i, "query");
    }
    if let Some(i) = root.get("headers") {
        def.headers = parse_kv_table(ctx, i, "headers");
    }
    if let Some(i) = root.get("body") {
        def.body = parse_body(ctx, i);
    }
    if let Some(i) = root.get("auth") {
        def.auth = parse_auth(ctx, i);
    }
    if let Some(i) = root.get("options") {
        def.options = parse_options(ctx, i);
    }
    if ctx.has_errors() {
        None
    } else {
        Some(def)
    }
}

/// Parses `collection.toml` or `folder.toml`: (name, description, defaults).
/// What a `collection.toml` or `folder.toml` says: its name (when set), description and defaults.
pub type ParsedDefaults = (Option<String>, String, Defaults);

pub(crate) fn parse_defaults(ctx: &mut Ctx) -> Option<ParsedDefaults> {
    let doc = parse_toml(ctx)?;
    let root = doc.as_table();
    let what = if ctx.path.file_name().is_some_and(|n| n == "collection.toml") {
        "collection.toml"
    } else {
        "folder.toml"
    };
    let is_root = what == "collection.toml";
    check_keys(ctx, root, if is_root { COLLECTION_KEYS } else { DEFAULTS_KEYS }, what);
    let name = get_string(ctx, root, "name");
    let description = get_string(ctx, root, "description").unwrap_or_default();
    let mut d = Defaults::default();
    if let Some(i) = root.get("vars") {
        d.vars = parse_kv_table(ctx, i, "vars");
    }
    if let Some(i) = root.get("headers") {
        d.headers = parse_kv_table(ctx, i, "headers");
    }
    if let Some(i) = root.get("auth") {
        d.auth = parse_auth(ctx, i);
    }
    if let Some(i) = root.get("options") {
        d.options = parse_options(ctx, i);
    }
    if let Some(i) = root.get("commands").filter(|_| is_root) {
        d.commands = parse_kv_table(ctx, i, "commands");
    }
    if let Some(i) = root.get("order") {
        match i.as_array() {
            Some(arr) => {
                for v in arr.iter() {
                    match v.as_str() {
                        Some(s) => d.order.push(s.to_string()),
                        None => ctx.error(v.span(), "`order` lists file or folder names as strings", None),
                    }
                }
            }
            None => ctx.error(
                i.span(),
                "`order` must be a list of file or folder names",
                Some("write order = [\"get-user.toml\", \"admin\"]".into()),
            ),
        }
    }
    Some((name, description, d))
}

/// Parses `environments/NAME.toml`: `key = "value"` lines plus an optional `[options]` table.
pub(crate) fn parse_environment(ctx: &mut Ctx, name: &str) -> Option<Environment> {
    let doc = parse_toml(ctx)?;
    let mut env = Environment {
        name: name.to_string(),
        path: ctx.path.to_path_buf(),
        ..Default::default()
    };
    for (key, item) in doc.as_table().iter() {
        if key == "options" && item.is_table_like() {
            env.options = parse_options(ctx, item);
            continue;
        }
        match scalar_text(item) {
            Some(v) => env.vars.push(KeyValue::new(key, v)),
            None => {
                let span = doc.as_table().key(key).and_then(|k| k.span());
                ctx.error(
                    span,
                    format!("variable `{key}` must be a string, number or boolean, found {}", type_name(item)),
                    Some("environment files hold `name = \"value\"` lines and an optional [options] table".into()),
                );
            }
        }
    }
    if ctx.has_errors() {
        None
    } else {
        Some(env)
    }
}

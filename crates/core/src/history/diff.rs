//! Compare two entries: status, headers and body; JSON bodies field by field, other text line by line.
//!
//! Likely breaking changes, the ones `apix history diff` exits non-zero for: a field removed from an object, a
//! value whose JSON type changed (a number that became a string; changes to or from `null` are not counted), a
//! body that stopped being JSON, a media type that changed, and a status that left 2xx (or a send that failed).
//! Added fields, changed values and array lengths are reported but are not breaking.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use super::entry::{Entry, StoredResponse};
use crate::format::{media_type, sniff, BodyKind};
use crate::mask::MASK;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
    TypeChanged,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsonChange {
    /// Where, as `$.items[0].user["odd key"]`.
    pub path: String,
    pub kind: ChangeKind,
    pub old: Option<Value>,
    pub new: Option<Value>,
    pub breaking: bool,
}

impl JsonChange {
    /// The path with array indices as `[*]`, to fold the same change in every element of a list into one line.
    pub fn pattern(&self) -> String {
        let mut out = String::with_capacity(self.path.len());
        let mut chars = self.path.chars().peekable();
        while let Some(c) = chars.next() {
            out.push(c);
            if c == '[' && chars.peek().is_some_and(char::is_ascii_digit) {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                out.push('*');
            }
        }
        out
    }
}

/// The same change in every element of a list, folded into one: (first such change, how many), in first-seen order.
pub fn fold_changes(changes: &[JsonChange]) -> Vec<(&JsonChange, usize)> {
    let mut index: BTreeMap<(String, u8), usize> = BTreeMap::new();
    let mut out: Vec<(&JsonChange, usize)> = Vec::new();
    for ch in changes {
        match index.entry((ch.pattern(), ch.kind as u8)) {
            std::collections::btree_map::Entry::Occupied(slot) => out[*slot.get()].1 += 1,
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(out.len());
                out.push((ch, 1));
            }
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeaderChange {
    /// Lowercase.
    pub name: String,
    pub old: Option<String>,
    pub new: Option<String>,
    /// Headers that differ on every response (Date, ETag, request ids): a UI may hide them.
    pub volatile: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BodyDiff {
    Same,
    Json { changes: Vec<JsonChange>, truncated: bool },
    Text { unified: String, added: usize, removed: usize },
    Binary { old_size: u64, new_size: u64 },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub old_id: i64,
    pub new_id: i64,
    /// (old, new) when they differ; `None` inside means the send failed.
    pub status: Option<(Option<u16>, Option<u16>)>,
    pub headers: Vec<HeaderChange>,
    pub body: BodyDiff,
    /// Likely breaking changes, in plain words; empty when none.
    pub breaking: Vec<String>,
    /// Things to know about the comparison itself (a body cut at the size cap, say).
    pub notes: Vec<String>,
}

impl Comparison {
    pub fn is_breaking(&self) -> bool {
        !self.breaking.is_empty()
    }
}

/// JSON changes past this many are not listed (the note says so).
const MAX_CHANGES: usize = 5_000;

const VOLATILE_HEADERS: &[&str] = &[
    "date",
    "age",
    "expires",
    "last-modified",
    "etag",
    "set-cookie",
    "x-request-id",
    "x-correlation-id",
    "request-id",
    "cf-ray",
    "server-timing",
    "x-runtime",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "ratelimit-remaining",
    "ratelimit-reset",
    "content-length",
    "x-github-request-id",
];

fn success(status: Option<u16>) -> bool {
    status.is_some_and(|s| (200..300).contains(&s))
}

/// Compares `a` (before) with `b` (after).
pub fn diff_entries(a: &Entry, b: &Entry) -> Comparison {
    let (sa, sb) = (a.response.as_ref().map(|r| r.status), b.response.as_ref().map(|r| r.status));
    let mut c = Comparison {
        old_id: a.id,
        new_id: b.id,
        status: (sa != sb).then_some((sa, sb)),
        headers: Vec::new(),
        body: BodyDiff::Same,
        breaking: Vec::new(),
        notes: Vec::new(),
    };
    if success(sa) && !success(sb) {
        c.breaking.push(match sb {
            Some(s) => format!("status went from {} to {s}", sa.unwrap_or(0)),
            None => format!("status was {}, now the send fails", sa.unwrap_or(0)),
        });
    }
    let empty = StoredResponse::default();
    let (ra, rb) = (a.response.as_ref().unwrap_or(&empty), b.response.as_ref().unwrap_or(&empty));
    c.headers = diff_headers(&ra.headers, &rb.headers);
    let (ma, mb) = (
        ra.content_type.as_deref().map(media_type),
        rb.content_type.as_deref().map(media_type),
    );
    if a.response.is_some() && b.response.is_some() && ma.is_some() && ma != mb {
        c.breaking.push(format!(
            "media type changed from {} to {}",
            ma.unwrap_or_default(),
            mb.unwrap_or_else(|| "none".into())
        ));
    }
    for (id, r) in [(a.id, ra), (b.id, rb)] {
        if r.body.truncated {
            c.notes.push(format!(
                "the body of #{id} was stored cut at {}; only that part is compared",
                crate::format_size(r.body.bytes.len() as u64)
            ));
        }
    }
    c.body = diff_bodies(ra, rb, &mut c.breaking, &mut c.notes);
    c
}

fn diff_headers(a: &[(String, String)], b: &[(String, String)]) -> Vec<HeaderChange> {
    fn fold(h: &[(String, String)]) -> BTreeMap<String, String> {
        let mut m: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in h {
            m.entry(k.to_ascii_lowercase())
                .and_modify(|e| {
                    e.push_str(", ");
                    e.push_str(v);
                })
                .or_insert_with(|| v.clone());
        }
        m
    }
    let (ma, mb) = (fold(a), fold(b));
    let mut names: Vec<&String> = ma.keys().chain(mb.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter_map(|n| {
            let (old, new) = (ma.get(n), mb.get(n));
            let masked = |v: Option<&String>| v.is_some_and(|v| v.contains(MASK));
            (old != new && !(masked(old) && masked(new))).then(|| HeaderChange {
                name: n.clone(),
                old: old.cloned(),
                new: new.cloned(),
                volatile: VOLATILE_HEADERS.contains(&n.as_str()),
            })
        })
        .collect()
}

fn parse_json(r: &StoredResponse) -> Option<Value> {
    if r.body.truncated || !matches!(sniff(r.content_type.as_deref(), &r.body.bytes), BodyKind::Json) {
        return None;
    }
    serde_json::from_slice(&r.body.bytes).ok()
}

fn diff_bodies(a: &StoredResponse, b: &StoredResponse, breaking: &mut Vec<String>, notes: &mut Vec<String>) -> BodyDiff {
    if a.body.bytes == b.body.bytes {
        return BodyDiff::Same;
    }
    match (parse_json(a), parse_json(b)) {
        (Some(ja), Some(jb)) => {
            let mut changes = Vec::new();
            let truncated = !walk("$", &ja, &jb, &mut changes);
            if truncated {
                notes.push(format!("more than {MAX_CHANGES} JSON changes: only the first are listed"));
            }
            let mut seen = Vec::new();
            for ch in changes.iter().filter(|c| c.breaking) {
                let p = ch.pattern();
                if seen.contains(&(p.clone(), ch.kind)) {
                    continue;
                }
                breaking.push(match ch.kind {
                    ChangeKind::Removed => format!("field {p} was removed"),
                    _ => format!(
                        "field {p} changed type from {} to {}",
                        json_type_name(ch.old.as_ref()),
                        json_type_name(ch.new.as_ref())
                    ),
                });
                seen.push((p, ch.kind));
            }
            BodyDiff::Json { changes, truncated }
        }
        (ja, jb) => {
            if ja.is_some() && jb.is_none() && !b.body.truncated {
                breaking.push("the body is no longer JSON".into());
            }
            let (ka, kb) = (
                sniff(a.content_type.as_deref(), &a.body.bytes),
                sniff(b.content_type.as_deref(), &b.body.bytes),
            );
            match (std::str::from_utf8(&a.body.bytes), std::str::from_utf8(&b.body.bytes)) {
                (Ok(ta), Ok(tb)) if ka.is_text() && kb.is_text() => text_diff(ta, tb),
                _ => BodyDiff::Binary {
                    old_size: a.body.size,
                    new_size: b.body.size,
                },
            }
        }
    }
}

fn text_diff(a: &str, b: &str) -> BodyDiff {
    let diff = similar::TextDiff::configure().timeout(Duration::from_secs(2)).diff_lines(a, b);
    let (mut added, mut removed) = (0, 0);
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Insert => added += 1,
            similar::ChangeTag::Delete => removed += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    let unified = diff.unified_diff().context_radius(3).header("before", "after").to_string();
    BodyDiff::Text { unified, added, removed }
}

/// The JSON type of a value in plain words ("nothing" when absent), as diffs name type changes.
pub fn json_type_name(v: Option<&Value>) -> &'static str {
    match v {
        None => "nothing",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(_)) => "number",
        Some(Value::String(_)) => "string",
        Some(Value::Array(_)) => "array",
        Some(Value::Object(_)) => "object",
    }
}

fn key_path(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !key.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", Value::String(key.to_string()))
    }
}

fn is_masked(v: &Value) -> bool {
    matches!(v, Value::String(s) if s.contains(MASK))
}

/// Records the changes from `a` to `b`; false once [`MAX_CHANGES`] is reached.
fn walk(path: &str, a: &Value, b: &Value, out: &mut Vec<JsonChange>) -> bool {
    // A removed array element is data, not schema: only removed fields and type changes are breaking.
    let push = |out: &mut Vec<JsonChange>, path: String, kind, old: Option<&Value>, new: Option<&Value>, breaking: bool| {
        out.push(JsonChange {
            path,
            kind,
            old: old.cloned(),
            new: new.cloned(),
            breaking,
        });
        out.len() < MAX_CHANGES
    };
    match (a, b) {
        (Value::Object(ma), Value::Object(mb)) => {
            for (k, va) in ma {
                let p = key_path(path, k);
                let more = match mb.get(k) {
                    Some(vb) => walk(&p, va, vb, out),
                    None => push(out, p, ChangeKind::Removed, Some(va), None, true),
                };
                if !more {
                    return false;
                }
            }
            for (k, vb) in mb.iter().filter(|(k, _)| !ma.contains_key(*k)) {
                if !push(out, key_path(path, k), ChangeKind::Added, None, Some(vb), false) {
                    return false;
                }
            }
            true
        }
        (Value::Array(xa), Value::Array(xb)) => {
            for (i, (va, vb)) in xa.iter().zip(xb).enumerate() {
                if !walk(&format!("{path}[{i}]"), va, vb, out) {
                    return false;
                }
            }
            for (i, va) in xa.iter().enumerate().skip(xb.len()) {
                if !push(out, format!("{path}[{i}]"), ChangeKind::Removed, Some(va), None, false) {
                    return false;
                }
            }
            for (i, vb) in xb.iter().enumerate().skip(xa.len()) {
                if !push(out, format!("{path}[{i}]"), ChangeKind::Added, None, Some(vb), false) {
                    return false;
                }
            }
            true
        }
        _ if a == b => true,
        // Two masked values hide what they were: a different hidden value is not a change anyone can see.
        _ if is_masked(a) || is_masked(b) => true,
        _ if json_type_name(Some(a)) == json_type_name(Some(b)) || a.is_null() || b.is_null() => {
            push(out, path.to_string(), ChangeKind::Changed, Some(a), Some(b), false)
        }
        _ => push(out, path.to_string(), ChangeKind::TypeChanged, Some(a), Some(b), true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn changes(a: Value, b: Value) -> Vec<JsonChange> {
        let mut out = Vec::new();
        walk("$", &a, &b, &mut out);
        out
    }

    #[test]
    fn fields_added_removed_changed_and_retyped() {
        let c = changes(
            json!({"id": 1, "name": "a", "gone": true, "n": null, "odd key": 1}),
            json!({"id": "1", "name": "b", "n": 5, "new": [], "odd key": 2}),
        );
        let kinds: Vec<(&str, ChangeKind, bool)> = c.iter().map(|c| (c.path.as_str(), c.kind, c.breaking)).collect();
        assert_eq!(
            kinds,
            vec![
                ("$.id", ChangeKind::TypeChanged, true),
                ("$.name", ChangeKind::Changed, false),
                ("$.gone", ChangeKind::Removed, true),
                ("$.n", ChangeKind::Changed, false),
                ("$[\"odd key\"]", ChangeKind::Changed, false),
                ("$.new", ChangeKind::Added, false),
            ]
        );
    }

    #[test]
    fn shorter_arrays_are_not_breaking_but_fields_inside_them_are() {
        let c = changes(json!([{"a": 1, "b": 2}, {"a": 3, "b": 4}]), json!([{"a": 1}]));
        let kinds: Vec<(&str, bool)> = c.iter().map(|c| (c.path.as_str(), c.breaking)).collect();
        assert_eq!(kinds, vec![("$[0].b", true), ("$[1]", false)]);
        assert_eq!(c[0].pattern(), "$[*].b");
        let many = changes(
            json!([{"a": 1}, {"a": 2}, {"a": 3}]),
            json!([{"a": "1"}, {"a": "2"}, {"a": 3, "b": 0}]),
        );
        let folded: Vec<(String, usize)> = fold_changes(&many).iter().map(|(c, n)| (c.pattern(), *n)).collect();
        assert_eq!(folded, vec![("$[*].a".to_string(), 2), ("$[*].b".to_string(), 1)]);
    }

    #[test]
    fn header_changes_fold_repeats_and_flag_volatile_ones() {
        let h = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
        let d = diff_headers(
            &h(&[("Date", "x"), ("Vary", "a"), ("vary", "b"), ("X-Old", "1")]),
            &h(&[("date", "y"), ("Vary", "a, b"), ("X-New", "2")]),
        );
        let names: Vec<(&str, bool)> = d.iter().map(|c| (c.name.as_str(), c.volatile)).collect();
        assert_eq!(names, vec![("date", true), ("x-new", false), ("x-old", false)]);
    }
}
